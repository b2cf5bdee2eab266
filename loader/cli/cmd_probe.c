// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf probe`: path liveness for the routes of one device. */
#include "commands.h"

#include <stddef.h>
#include "probe/prober.h"
#include "util/sys.h"

const char usage_probe[] =
	"Usage: srv6-bpf probe dev DEV [--interval MS] [--loss N] [--recover N] [--max-rate N]\n"
	"                      [--dest-function HEX]\n"
	"\n"
	"Probe every path of every peer on DEV until SIGTERM or SIGINT. A probe\n"
	"follows the path's micro-SIDs to its last router before the peer, makes a\n"
	"U-turn there, comes back through the same routers and ends at DEV's own\n"
	"decap SID: it crosses the path's fabric links both ways and needs nothing of\n"
	"the peer. A path is down after N probes in a row did not come back in time\n"
	"(two intervals, or srtt + 4 rttvar when its round trips are longer, at most\n"
	"100 ms; a late answer still proves it alive) and its flows move to the peer's\n"
	"live paths in the datapath; it is up again after --recover came back in a\n"
	"row. Paths through the same routers\n"
	"share one probe. Probes per second: distinct U-turns x 1000 / MS, at most\n"
	"--max-rate: past it the interval grows (one log line says to what).\n"
	"  --interval MS   between probes of a path, 1-10000 (default 10)\n"
	"  --loss N        probes lost in a row that make a path down, 1-100 (default 3)\n"
	"  --recover N     probes answered in a row that make it up again, 1-100 (default 3)\n"
	"  --max-rate N    probes per second at most, 1-500000 (default 100000)\n"
	"  --dest-function HEX  the uSID the paths end with after the peer's SID, as\n"
	"                  sync's (env DEST_FUNCTION)\n"
	"Needs: paths of micro-SIDs (32-bit block, 16-bit micro-SIDs) whose routers\n"
	"run End, and a decap SID on DEV in the same block (the probes' way home).\n"
	"One log line per change; srv6-bpf route show shows each path's state.\n";

#define PO(member) offsetof(struct probe_opts, member)

static const struct opt probe_opts_table[] = {
	{ .name = "dev", .kind = OPT_STRING, .off = PO(dev), .arg = "DEV" },
	{ .name = "--interval", .kind = OPT_UINT, .min = 1, .max = PROBE_INTERVAL_MS_MAX,
	  .unit = "ms", .off = PO(interval_ms), .arg = "MS" },
	{ .name = "--loss", .kind = OPT_UINT, .min = 1, .max = PROBE_COUNT_MAX, .off = PO(loss),
	  .arg = "N" },
	{ .name = "--recover", .kind = OPT_UINT, .min = 1, .max = PROBE_COUNT_MAX,
	  .off = PO(recover), .arg = "N" },
	{ .name = "--max-rate", .kind = OPT_UINT, .min = 1, .max = PROBE_MAX_RATE_MAX,
	  .off = PO(max_rate), .arg = "N" },
	{ .name = "--dest-function", .kind = OPT_CUSTOM, .parse = opt_usid_function,
	  .off = PO(function), .seen = OPT_SEEN(struct probe_opts, has_function), .arg = "HEX",
	  .expect = "a 16-bit uSID in hex, e.g. fe06", .env = "DEST_FUNCTION" },
	{ .name = NULL },
};

static const struct opt_group probe_groups[] = { { probe_opts_table, 0 }, { NULL, 0 } };

int cmd_probe(struct ctx *c, int argc, char **argv, struct err *e)
{
	struct probe_opts o = { .interval_ms = PROBE_INTERVAL_MS_DEFAULT,
				.loss = PROBE_LOSS_DEFAULT,
				.recover = PROBE_RECOVER_DEFAULT,
				.max_rate = PROBE_MAX_RATE_DEFAULT,
				.stop_fd = -1 };

	if (opts_parse("probe", probe_groups, argc, argv, &o, false, NULL, e))
		return -1;
	if (!o.dev)
		return errf(e, "probe: missing dev DEV");
	if (!c->ops->datapath)
		return errf(e, "probe: the kernel platform has no path liveness to keep (use --platform bpf)");
	if (c->ops->check_caps(e) || sys_check_net_raw(e))
		return -1;
	return probe_run(c, &o, e);
}
