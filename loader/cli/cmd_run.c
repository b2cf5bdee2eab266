// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf run`: sync's options and the daemon's own, then the daemon loop. */
#include "commands.h"

#include <stddef.h>
#include "probe/prober.h"
#include "util/sys.h"

const char usage_run[] =
	"Usage: srv6-bpf run dev DEV [SYNC OPTIONS] [--interval S] [--metrics ADDR:PORT]\n"
	"                    [--probe-interval MS [--probe-max-rate N]] [--cleanup-on-exit]\n"
	"\n"
	"The daemon: load the datapath on DEV if it is not loaded (defaults; run\n"
	"`srv6-bpf load` first for other options), sync, then sync again every\n"
	"interval and on SIGHUP. SYNC OPTIONS are those of `srv6-bpf sync --help`.\n"
	"  --interval S          seconds between syncs, 1-86400 (default 30)\n"
	"  --metrics ADDR:PORT   serve /metrics (Prometheus), /healthz and /readyz, e.g.\n"
	"                        :9536, 0.0.0.0:9536 or [::]:9536\n"
	"  --probe-interval MS   probe every path of DEV this often, 1-10000 ms, as\n"
	"                        `srv6-bpf probe` does: a dead path's flows fail over\n"
	"                        to the peer's live paths, and each sync plans around\n"
	"                        the links only dead paths cross (default: no probing)\n"
	"  --probe-max-rate N    probes per second at most (default 100000)\n"
	"  --cleanup-on-exit     unload DEV on SIGTERM/SIGINT (default: leave it pinned,\n"
	"                        so traffic keeps its paths and a restart adopts them)\n"
	"A failed sync keeps the last good state, is logged and counted, and is retried\n"
	"after 1, 2, 4, ... seconds (at most the interval). Logs: one line per event\n"
	"on stderr.\n";

struct run_args {
	struct sync_args s;
	struct daemon_opts d;
};

#define RA(member) offsetof(struct run_args, member)

static const struct opt run_own_opts[] = {
	{ .name = "--interval", .kind = OPT_UINT, .min = 1, .max = DAEMON_INTERVAL_MAX,
	  .unit = "seconds", .off = RA(d.interval), .arg = "S" },
	{ .name = "--metrics", .kind = OPT_STRING, .off = RA(d.metrics), .arg = "ADDR:PORT" },
	{ .name = "--cleanup-on-exit", .kind = OPT_FLAG, .off = RA(d.cleanup) },
	{ .name = "--probe-interval", .kind = OPT_UINT, .min = 1, .max = PROBE_INTERVAL_MS_MAX,
	  .unit = "ms", .off = RA(d.probe_interval_ms), .arg = "MS" },
	{ .name = "--probe-max-rate", .kind = OPT_UINT, .min = 1, .max = PROBE_MAX_RATE_MAX,
	  .off = RA(d.probe_max_rate), .arg = "N" },
	{ .name = NULL },
};

static const struct opt_group run_groups[] = {
	{ run_own_opts, 0 },
	{ sync_own_opts, RA(s) },
	{ plan_input_opts, RA(s.in) },
	{ NULL, 0 },
};

int cmd_run(struct ctx *c, int argc, char **argv, struct err *e)
{
	struct run_args a;

	sync_args_init(&a.s);
	a.d = (struct daemon_opts){ .interval = DAEMON_INTERVAL_DEFAULT };
	if (opts_parse("run", run_groups, argc, argv, &a, false, NULL, e) ||
	    sync_args_finish("run", &a.s, e))
		return -1;
	if (a.s.o.dry_run)
		return errf(e, "run: --dry-run is for sync, not for the daemon");
	if (a.d.probe_max_rate && !a.d.probe_interval_ms)
		return errf(e, "run: --probe-max-rate: only with --probe-interval");
	if (a.d.probe_interval_ms && !c->ops->datapath)
		return errf(e, "run: --probe-interval: the kernel platform has no path liveness to keep (use --platform bpf)");
	if (a.d.probe_interval_ms && sys_check_net_raw(e))
		return -1;
	return daemon_run(c, &a.s.o, &a.d, e);
}
