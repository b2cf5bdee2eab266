// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf load` and `unload`: the datapath on a device. */
#include "commands.h"

#include <stddef.h>
#include <stdio.h>
#include "util/addr.h"
#include "platform/datapath.h"
#include "platform/bpf.h"
#include "util/sys.h"

#define PEERS_MAX_LIMIT (1u << 22) /* path counters are peers-max x 8 per CPU */

const char usage_load[] =
	"Usage: srv6-bpf load DEV [src ADDR] [hoplimit N] [peers-max N] [xdp MODE]\n"
	"                         [peer-routes on|off]\n"
	"\n"
	"Load the datapath on DEV and pin its maps: the encapsulation program on the\n"
	"clsact egress hook (clsact is created when DEV has none) and the decapsulation\n"
	"program on XDP.\n"
	"  src ADDR      outer IPv6 source (default: DEV's first global IPv6 address)\n"
	"  hoplimit N    outer hop limit, 1-255 (default 64)\n"
	"  peers-max N   capacity of the peers map, 1-4194304 (default 65536)\n"
	"  xdp MODE      where the local-SID program runs: auto (native XDP where the\n"
	"                driver supports it, else generic; the default), native,\n"
	"                generic, tc (no XDP: End SIDs only, on clsact ingress, for\n"
	"                routers on veth or macvlan, where XDP copies or costs the\n"
	"                peer's TSO), or off (no local SIDs)\n"
	"  peer-routes   on (default): every peer is reached through a route\n"
	"                (protocol 206) whose MTU leaves room for the SRv6 headers and\n"
	"                whose next hop is its first SID's: one prefix route for peers\n"
	"                that share a prefix where that changes only the MTU, a host\n"
	"                route for the others. off: no routes; for links whose MTU\n"
	"                already leaves room (jumbo frames) and peers routed via DEV.\n"
	"                Programming is then map updates only.\n"
	"Loading a loaded DEV keeps its peers and SIDs and updates src and hoplimit;\n"
	"peers-max, xdp off/tc/XDP and peer-routes cannot change without an unload.\n";

const char usage_unload[] =
	"Usage: srv6-bpf unload DEV\n"
	"\n"
	"Detach srv6-bpf's tc filter and XDP program from DEV (only if they are the\n"
	"ones srv6-bpf pinned), delete srv6-bpf's peer routes and pins.\n"
	"Other tc filters stay; a clsact qdisc is removed only if load created it and\n"
	"nothing else uses it.\n";

static int parse_src(const char *text, void *field)
{
	struct err ignored;

	return addr_parse_sid(text, field, &ignored);
}

static const struct opt_word xdp_modes[] = {
	{ "auto", XDP_REQ_AUTO }, { "native", XDP_REQ_NATIVE }, { "generic", XDP_REQ_GENERIC },
	{ "tc", XDP_REQ_TC },	  { "off", XDP_REQ_OFF },	{ NULL, 0 },
};

/* iproute2-style words after DEV, into a struct load_opts. */
static const struct opt load_word_opts[] = {
	{ .name = "src", .kind = OPT_CUSTOM, .parse = parse_src,
	  .off = offsetof(struct load_opts, src), .seen = OPT_SEEN(struct load_opts, src_set),
	  .arg = "ADDR", .expect = "a global unicast IPv6 address" },
	{ .name = "hoplimit", .kind = OPT_UINT, .min = 1, .max = 255,
	  .off = offsetof(struct load_opts, hop_limit),
	  .seen = OPT_SEEN(struct load_opts, hop_limit_set), .arg = "N" },
	{ .name = "peers-max", .kind = OPT_UINT, .min = 1, .max = PEERS_MAX_LIMIT,
	  .off = offsetof(struct load_opts, peers_max),
	  .seen = OPT_SEEN(struct load_opts, peers_max_set), .arg = "N" },
	{ .name = "xdp", .kind = OPT_ENUM, .words = xdp_modes,
	  .off = offsetof(struct load_opts, xdp), .seen = OPT_SEEN(struct load_opts, xdp_set),
	  .arg = "MODE" },
	{ .name = "peer-routes", .kind = OPT_ONOFF, .off = offsetof(struct load_opts, peer_routes),
	  .seen = OPT_SEEN(struct load_opts, peer_routes_set), .arg = "on|off" },
	{ .name = NULL },
};

int cmd_load(struct ctx *c, int argc, char **argv, struct err *e)
{
	static const struct opt_group groups[] = { { load_word_opts, 0 }, { NULL, 0 } };
	struct load_opts o = { 0 };
	enum load_result res;

	if (argc < 1)
		return errf(e, "load: missing DEV (srv6-bpf load DEV)");
	o.dev = argv[0];
	if (opts_parse("load", groups, argc - 1, argv + 1, &o, false, NULL, e))
		return -1;
	if (!c->ops->datapath)
		return kernel_platform_note(c, "load");
	if (sys_check_kernel(e) || sys_check_caps(e) ||
	    sys_check_bpffs(c->bpffs, c->bpffs_default, e) || dp_load(c, &o, &res, e) ||
	    (res != LOAD_NEW && dp_dev_reloaded(c, e)))
		return -1;
	if (!c->json && res != LOAD_NEW)
		fprintf(stderr, "srv6-bpf: %s was loaded already: %s\n", o.dev,
			res == LOAD_UPDATED ? "config updated" : "attached again");
	return 0;
}

int cmd_unload(struct ctx *c, int argc, char **argv, struct err *e)
{
	if (argc != 1)
		return errf(e, "unload: give exactly one DEV (srv6-bpf unload DEV)");
	if (!c->ops->datapath)
		return kernel_platform_note(c, "unload");
	if (check_caps(c, e) || sys_check_bpffs(c->bpffs, c->bpffs_default, e))
		return -1;
	return dp_dev_unload(c, argv[0], e);
}
