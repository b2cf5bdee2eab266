// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* srv6-bpf: iproute2-style front end. Parses, checks privileges, dispatches. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <linux/lwtunnel.h>
#include <linux/rtnetlink.h>
#include <linux/seg6_iptunnel.h>
#include "util/addr.h"
#include "util/array.h"
#include "platform/check.h"
#include "util/ctx.h"
#include "platform/datapath.h"
#include "util/err.h"
#include "device/route.h"
#include "device/show.h"
#include "sync/sync.h"
#include "device/sid.h"
#include "platform/bpf.h"
#include "device/metrics.h"
#include "sync/daemon.h"
#include "cmd_plan.h"
#include "util/sys.h"

#ifndef SRV6_BPF_VERSION
#define SRV6_BPF_VERSION "dev"
#endif

#define PEERS_MAX_LIMIT (1u << 22) /* path counters are peers-max x 8 per CPU */

static const char usage_main[] =
	"Usage: srv6-bpf [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Host-based SRv6 traffic engineering: a TC egress BPF program encapsulates\n"
	"traffic to known peers (H.Encaps.Red) on paths chosen per flow.\n"
	"\n"
	"Options (before COMMAND):\n"
	"  --bpffs DIR   bpffs mount that holds the pins (env SRV6_BPF_BPFFS;\n"
	"                default /sys/fs/bpf); pins go to DIR/srv6-bpf/netns-<inode>/<dev>/\n"
	"  --platform P  bpf (default) or kernel: program the same routes and SIDs as\n"
	"                kernel seg6/seg6local routes (env ROUTE_PLATFORM=linux), in\n"
	"                table ROUTE_TABLE_ID (default 254) with SRV6_ENCAP_MODE\n"
	"                (encap.red, default, or encap)\n"
	"  -j, --json    machine-readable output\n"
	"  -h, --help    this text;  -V, --version  the version\n"
	"\n"
	"Commands:\n"
	"  load DEV [src ADDR] [hoplimit N] [peers-max N] [xdp auto|native|generic|tc|off]\n"
	"           [peer-routes on|off]\n"
	"  unload DEV\n"
	"  route add|replace PEER dev DEV segs SID[,SID...] [weight W]\n"
	"  route add|replace PEER dev DEV path segs SID[,...] [weight W] path segs ...\n"
	"  route del PEER dev DEV\n"
	"  route add|replace|del -batch FILE     one route a line; FILE - is stdin\n"
	"  route show [dev DEV]\n"
	"  sid add|replace SID/LEN dev DEV action decap|decap4|decap6|end [lblen N nflen N]\n"
	"  sid del SID/LEN dev DEV\n"
	"  sid show [dev DEV]\n"
	"  show [dev DEV]                        attachment, config and pin paths\n"
	"  stats [dev DEV]                       datapath counters by reason\n"
	"  metrics [dev DEV]                     the counters in Prometheus text format\n"
	"  run dev DEV [SYNC OPTIONS] [--interval S] [--metrics ADDR:PORT] [--cleanup-on-exit]\n"
	"                                        the daemon: sync every interval, serve metrics\n"
	"  sync [dev DEV] [--source S] [--dry-run] [OPTIONS]\n"
	"                                        every job peer's paths from Jalapeño\n"
	"  plan --topology-file FILE [OPTIONS]   collision-aware paths for every flow\n"
	"  check [dev DEV]                       what this kernel (and DEV) offer srv6-bpf\n"
	"  help [COMMAND]                        or: srv6-bpf COMMAND --help\n";

static const char usage_load[] =
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
	"  peer-routes   on (default): every peer gets a host route (protocol 206)\n"
	"                whose MTU leaves room for the SRv6 headers and whose next hop\n"
	"                is its first SID's. off: no routes; for links whose MTU\n"
	"                already leaves room (jumbo frames) and peers routed via DEV.\n"
	"                Programming is then map updates only (65,536 peers in well\n"
	"                under a second instead of seconds of kernel route inserts).\n"
	"Loading a loaded DEV keeps its peers and SIDs and updates src and hoplimit;\n"
	"peers-max, xdp off/tc/XDP and peer-routes cannot change without an unload.\n";

static const char usage_unload[] =
	"Usage: srv6-bpf unload DEV\n"
	"\n"
	"Detach srv6-bpf's tc filter and XDP program from DEV (only if they are the\n"
	"ones srv6-bpf pinned), delete srv6-bpf's peer routes and pins.\n"
	"Other tc filters stay; a clsact qdisc is removed only if load created it and\n"
	"nothing else uses it.\n";

static const char usage_route[] =
	"Usage: srv6-bpf route add|replace PEER dev DEV segs SID[,SID...] [weight W]\n"
	"       srv6-bpf route add|replace PEER dev DEV path segs SID[,SID...] [weight W]\n"
	"                                               [path segs ... [weight W]]...\n"
	"       srv6-bpf route del PEER dev DEV\n"
	"       srv6-bpf route add|replace|del -batch FILE\n"
	"       srv6-bpf route show [dev DEV]\n"
	"\n"
	"PEER is an IPv6 or IPv4 host address. A path is 1-4 SIDs (the first one is the\n"
	"outer destination; the rest go into an SRH); a peer has 1-8 paths with weights\n"
	"1-255 (default 1). Each flow (5-tuple) takes one path; flows spread over paths\n"
	"in proportion to their weights. add fails if PEER has a route; replace swaps\n"
	"it atomically. Each PEER also gets a host route (protocol 206) whose MTU leaves\n"
	"room for the SRv6 headers. -batch reads lines in the same grammar, optionally\n"
	"starting with \"route\" and a verb; '#' starts a comment, so `route show`\n"
	"output reads back. A batch is applied entirely or not at all.\n";

static const char usage_sid[] =
	"Usage: srv6-bpf sid add|replace SID/LEN dev DEV action decap|decap4|decap6\n"
	"       srv6-bpf sid add|replace SID/LEN dev DEV action end [lblen N nflen N]\n"
	"       srv6-bpf sid del SID/LEN dev DEV\n"
	"       srv6-bpf sid show [dev DEV]\n"
	"\n"
	"Local SIDs the XDP program on DEV ends (longest prefix wins):\n"
	"  decap   a packet whose outer destination falls in SID/LEN and that carries no\n"
	"          SRH, or an SRH with Segments Left 0, loses its outer IPv6 header and\n"
	"          SRH; the inner packet goes to the stack on DEV. decap takes IPv4 and\n"
	"          IPv6 inside, decap4 and decap6 one of them. Typical: the host's\n"
	"          micro-SID locator (fc00:0:2::/48) and its function SIDs\n"
	"          (fc00:0:2:e006::/64).\n"
	"  end     End with the NEXT-C-SID flavour (uN, RFC 9800): the destination's\n"
	"          argument (the micro-SIDs after lblen block bits and nflen node bits,\n"
	"          default 32 and 16, whole bytes) is shifted in and the kernel forwards\n"
	"          the packet (hop limit one lower); with no argument left, classic End\n"
	"          on the SRH (Segments Left - 1, destination from the list). A packet\n"
	"          with hop limit <= 1 goes to the stack unchanged, which answers Time\n"
	"          Exceeded. SID/LEN is the block and node ID: LEN = lblen + nflen. On\n"
	"          a router, add the SID on every interface traffic enters (load those\n"
	"          with xdp tc on veth or macvlan). The prefix gets a kernel route\n"
	"          (protocol 206, via 100::1 onlink) for what End leaves to the stack.\n"
	"          Kernel platform: seg6local End flavors next-csid.\n"
	"Anything else passes unchanged and is counted (srv6-bpf stats).\n";

static const char usage_show[] =
	"Usage: srv6-bpf show [dev DEV]\n"
	"\n"
	"Attachment, config and pin paths of the datapath on DEV (default: all).\n";

static const char usage_check[] =
	"Usage: srv6-bpf check [dev DEV]\n"
	"\n"
	"What this kernel offers srv6-bpf, one line per capability (yes, no, or\n"
	"unknown when the probe needs root), then what follows from it: the bpf\n"
	"platform, the kernel platform (seg6 and seg6local routes) and kernel End\n"
	"SIDs with next-csid. With dev DEV, also whether DEV's driver runs XDP\n"
	"natively and takes multi-buffer frames (kernel 6.3+ says). Changes nothing:\n"
	"what must be created to be believed is created in a throwaway network\n"
	"namespace. Exits 0 whenever the probes ran (the answers are data). -j prints\n"
	"JSON with stable field names; tests and CI decide what to run from it.\n";

static const char usage_stats[] =
	"Usage: srv6-bpf stats [dev DEV]\n"
	"\n"
	"Datapath counters by reason (encap_*, pass_*, drop_*) on DEV (default: all).\n";

/* libbpf speaks only with SRV6_BPF_DEBUG set: errors reach the user as one line from us. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return getenv("SRV6_BPF_DEBUG") ? vfprintf(stderr, fmt, ap) : 0;
}

static int platform_parse(const char *text, enum platform *p)
{
	if (!strcmp(text, "bpf")) {
		*p = PLATFORM_BPF;
		return 0;
	}
	if (!strcmp(text, "kernel") || !strcmp(text, "linux")) {
		*p = PLATFORM_KERNEL;
		return 0;
	}
	return -1;
}

/* The BPF platform needs CAP_BPF too; kernel routes only CAP_NET_ADMIN. */
static int check_caps(const struct ctx *c, struct err *e)
{
	return c->ops->check_caps(e);
}

/* ROUTE_PLATFORM, ROUTE_TABLE_ID and SRV6_ENCAP_MODE as the SRv6 PyTorch plugin reads them. */
static int platform_from_env(struct ctx *c, struct err *e)
{
	const char *platform = getenv("ROUTE_PLATFORM"), *table = getenv("ROUTE_TABLE_ID");
	const char *mode = getenv("SRV6_ENCAP_MODE");
	unsigned long v;

	if (platform && *platform && platform_parse(platform, &c->platform))
		return errf(e, "ROUTE_PLATFORM=%.32s is not supported: use bpf, or linux for kernel routes",
			    platform);
	c->table = RT_TABLE_MAIN;
	if (table && *table) {
		if (parse_uint(table, 1, 0xffffffffUL, &v) || v == RT_TABLE_LOCAL)
			return errf(e, "ROUTE_TABLE_ID=%.32s is not a routing table id (1-4294967295, not 255)",
				    table);
		c->table = (unsigned int)v;
	}
	c->encap_mode = SEG6_IPTUN_MODE_ENCAP_RED;
	if (mode && *mode) {
		if (!strcmp(mode, "encap"))
			c->encap_mode = SEG6_IPTUN_MODE_ENCAP;
		else if (strcmp(mode, "encap.red"))
			return errf(e, "SRV6_ENCAP_MODE=%.32s is not supported: use encap.red or encap", mode);
	}
	return 0;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

/* "dev DEV" or nothing. */
static int parse_opt_dev(int argc, char **argv, const char **dev, const char *cmd, struct err *e)
{
	*dev = NULL;
	if (argc == 0)
		return 0;
	if (argc == 2 && !strcmp(argv[0], "dev")) {
		*dev = argv[1];
		return 0;
	}
	return errf(e, "%s: unexpected \"%s\": give [dev DEV]", cmd, argv[0]);
}

/* The kernel platform has no BPF datapath: say so instead of doing nothing silently. */
static int kernel_platform_note(struct ctx *c, const char *cmd)
{
	fprintf(stderr,
		"srv6-bpf: %s: nothing to do on the kernel platform (routes go straight to the kernel: ip route show proto %d table %u)\n",
		cmd, SRV6_RTPROT, c->table);
	if (c->json && (!strcmp(cmd, "show") || !strcmp(cmd, "stats")))
		puts("[]");
	return 0;
}

static int cmd_load(struct ctx *c, int argc, char **argv, struct err *e)
{
	struct load_opts o = { 0 };
	enum load_result res;
	unsigned long v;

	if (argc < 1)
		return errf(e, "load: missing DEV (srv6-bpf load DEV)");
	o.dev = argv[0];
	for (int i = 1; i < argc; i += 2) {
		const char *word = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!arg)
			return errf(e, "load: missing value after \"%s\"", word);
		if (!strcmp(word, "src")) {
			if (addr_parse_sid(arg, o.src, e)) {
				errf(e, "load: invalid src \"%s\": give a global unicast IPv6 address",
				     arg);
				return -1;
			}
			o.src_set = true;
		} else if (!strcmp(word, "hoplimit")) {
			if (parse_uint(arg, 1, 255, &v))
				return errf(e, "load: invalid hoplimit \"%s\": give 1-255", arg);
			o.hop_limit = (unsigned int)v;
			o.hop_limit_set = true;
		} else if (!strcmp(word, "xdp")) {
			static const char *const modes[] = { [XDP_REQ_AUTO] = "auto",
							     [XDP_REQ_NATIVE] = "native",
							     [XDP_REQ_GENERIC] = "generic",
							     [XDP_REQ_OFF] = "off",
							     [XDP_REQ_TC] = "tc" };
			size_t m = 0;

			while (m < ARRAY_SIZE(modes) && strcmp(arg, modes[m]))
				m++;
			if (m == ARRAY_SIZE(modes))
				return errf(e, "load: invalid xdp mode \"%s\": give auto, native, generic, tc or off",
					    arg);
			o.xdp = (enum xdp_request)m;
			o.xdp_set = true;
		} else if (!strcmp(word, "peer-routes")) {
			if (strcmp(arg, "on") && strcmp(arg, "off"))
				return errf(e, "load: invalid peer-routes \"%s\": give on or off", arg);
			o.peer_routes = !strcmp(arg, "on");
			o.peer_routes_set = true;
		} else if (!strcmp(word, "peers-max")) {
			if (parse_uint(arg, 1, PEERS_MAX_LIMIT, &v))
				return errf(e, "load: invalid peers-max \"%s\": give 1-%u", arg,
					    PEERS_MAX_LIMIT);
			o.peers_max = (unsigned int)v;
			o.peers_max_set = true;
		} else {
			return errf(e, "load: unknown argument \"%s\" (see: srv6-bpf load --help)",
				    word);
		}
	}
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

static int cmd_unload(struct ctx *c, int argc, char **argv, struct err *e)
{
	if (argc != 1)
		return errf(e, "unload: give exactly one DEV (srv6-bpf unload DEV)");
	if (!c->ops->datapath)
		return kernel_platform_note(c, "unload");
	if (check_caps(c, e) || sys_check_bpffs(c->bpffs, c->bpffs_default, e))
		return -1;
	return dp_dev_unload(c, argv[0], e);
}

/* Read FILE (or stdin for "-") into requests, one per non-empty line. */
static int read_batch(const char *file, enum route_verb verb, struct route_req **reqs,
		      unsigned int **lines, size_t *count, struct err *e)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, n = 0, linecap = 0;
	unsigned int lineno = 0, *l = NULL;
	struct route_req *v = NULL;
	int rc = 0;

	if (!f)
		return errf(e, "cannot read %s: %s", file, strerror(errno));
	while (getline(&line, &linecap, f) >= 0) {
		bool empty;

		lineno++;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			void *nv = realloc(v, ncap * sizeof(*v)), *nl;

			if (nv)
				v = nv;
			nl = nv ? realloc(l, ncap * sizeof(*l)) : NULL;
			if (!nl) {
				rc = errf(e, "out of memory");
				break;
			}
			l = nl;
			cap = ncap;
		}
		if (route_line_parse(verb, line, &v[n], &empty, e)) {
			err_prefix(e, "%s:%u", file, lineno);
			rc = -1;
			break;
		}
		if (!empty)
			l[n++] = lineno;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	*reqs = v;
	*lines = l;
	*count = n;
	return rc;
}

static int cmd_route(struct ctx *c, int argc, char **argv, struct err *e)
{
	enum route_verb verb;
	const char *dev;

	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list")) {
		if (parse_opt_dev(argc ? argc - 1 : 0, argv + 1, &dev, "route show", e))
			return -1;
		return check_caps(c, e) || route_show(c, dev, e) ? -1 : 0;
	}
	if (route_verb_parse(argv[0], &verb))
		return errf(e, "route: unknown command \"%s\" (add, replace, del, show)", argv[0]);
	if (argc >= 2 && !strcmp(argv[1], "-batch")) {
		struct route_req *reqs = NULL;
		struct batch_origin origin = { .file = NULL };
		unsigned int *lines = NULL;
		size_t n = 0;
		int rc;

		if (argc != 3)
			return errf(e, "route %s -batch: give exactly one FILE (- for stdin)", argv[0]);
		rc = read_batch(argv[2], verb, &reqs, &lines, &n, e);
		origin.file = argv[2];
		origin.lines = lines;
		if (rc == 0)
			rc = check_caps(c, e) || route_apply(c, reqs, n, &origin, e);
		free(lines);
		free(reqs);
		return rc ? -1 : 0;
	}
	{
		struct route_req req;

		if (route_req_parse(verb, argc - 1, argv + 1, &req, e)) {
			err_prefix(e, "route %s", argv[0]);
			return -1;
		}
		return check_caps(c, e) || route_apply(c, &req, 1, NULL, e) ? -1 : 0;
	}
}

static int cmd_sid(struct ctx *c, int argc, char **argv, struct err *e)
{
	enum route_verb verb;
	struct sid_req req;
	const char *dev;

	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list")) {
		if (parse_opt_dev(argc ? argc - 1 : 0, argv + 1, &dev, "sid show", e))
			return -1;
		return check_caps(c, e) || sid_show(c, dev, e) ? -1 : 0;
	}
	if (route_verb_parse(argv[0], &verb))
		return errf(e, "sid: unknown command \"%s\" (add, replace, del, show)", argv[0]);
	if (sid_req_parse(verb, argc - 1, argv + 1, &req, e)) {
		err_prefix(e, "sid %s", argv[0]);
		return -1;
	}
	return check_caps(c, e) || sid_apply(c, &req, e) ? -1 : 0;
}

static int cmd_show(struct ctx *c, int argc, char **argv, struct err *e)
{
	const char *dev;

	if (parse_opt_dev(argc, argv, &dev, "show", e))
		return -1;
	if (!c->ops->datapath)
		return kernel_platform_note(c, "show");
	return check_caps(c, e) || show_datapath(c, dev, e) ? -1 : 0;
}

static int cmd_stats(struct ctx *c, int argc, char **argv, struct err *e)
{
	const char *dev;

	if (parse_opt_dev(argc, argv, &dev, "stats", e))
		return -1;
	if (!c->ops->datapath)
		return kernel_platform_note(c, "stats");
	return check_caps(c, e) || show_stats(c, dev, e) ? -1 : 0;
}

static const char usage_metrics[] =
	"Usage: srv6-bpf metrics [dev DEV]\n"
	"\n"
	"The datapath's counters in the Prometheus text exposition format (the same\n"
	"families `srv6-bpf run --metrics` serves), for DEV or every loaded device.\n";

static int cmd_metrics(struct ctx *c, int argc, char **argv, struct err *e)
{
	const char *dev;

	if (parse_opt_dev(argc, argv, &dev, "metrics", e))
		return -1;
	if (!c->ops->datapath)
		return errf(e, "metrics: the kernel platform has no datapath counters");
	return sys_check_caps(e) || metrics_write(c, dev, stdout, e) ? -1 : 0;
}

static const struct command {
	const char *name;
	int (*run)(struct ctx *c, int argc, char **argv, struct err *e);
	const char *usage;
	bool platform; /* works through the chosen platform (bpf or kernel routes) */
} commands[] = {
	{ "load", cmd_load, usage_load, true },	{ "unload", cmd_unload, usage_unload, true },
	{ "route", cmd_route, usage_route, true }, { "sid", cmd_sid, usage_sid, true },
	{ "show", cmd_show, usage_show, true },	{ "metrics", cmd_metrics, usage_metrics, true },
	{ "stats", cmd_stats, usage_stats, true },
	{ "sync", cmd_sync, usage_sync, true },	{ "run", cmd_run, usage_run, true },
	{ "plan", cmd_plan, usage_plan, false },
	{ "check", cmd_check, usage_check, false },
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *cmd = argc ? command_find(argv[0]) : NULL;

	if (argc && !cmd) {
		fprintf(stderr, "srv6-bpf: help: unknown command \"%s\"\n", argv[0]);
		return 1;
	}
	fputs(cmd ? cmd->usage : usage_main, stdout);
	return 0;
}


int main(int argc, char **argv)
{
	struct ctx c = { .bpffs = getenv("SRV6_BPF_BPFFS") };
	const struct command *cmd;
	struct err e = { { 0 } };
	int i = 1, rc;

	libbpf_set_print(libbpf_print);
	if (platform_from_env(&c, &e)) {
		fprintf(stderr, "srv6-bpf: %s\n", e.msg);
		return 1;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "--bpffs")) {
			if (++i == argc) {
				fprintf(stderr, "srv6-bpf: --bpffs needs a directory\n");
				return 1;
			}
			c.bpffs = argv[i];
		} else if (!strcmp(argv[i], "--platform")) {
			if (++i == argc || platform_parse(argv[i], &c.platform)) {
				fprintf(stderr, "srv6-bpf: --platform takes bpf or kernel\n");
				return 1;
			}
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			return cmd_help(0, NULL);
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("srv6-bpf %s (libbpf %s)\n", SRV6_BPF_VERSION, libbpf_version_string());
			return 0;
		} else {
			fprintf(stderr, "srv6-bpf: unknown option \"%s\" (see: srv6-bpf help)\n",
				argv[i]);
			return 1;
		}
	}
	if (i == argc)
		return cmd_help(0, NULL), 1;
	if (!strcmp(argv[i], "help"))
		return cmd_help(argc - i - 1, argv + i + 1);
	cmd = command_find(argv[i]);
	if (!cmd) {
		fprintf(stderr, "srv6-bpf: unknown command \"%s\" (see: srv6-bpf help)\n", argv[i]);
		return 1;
	}
	for (int j = i + 1; j < argc; j++) {
		if (is_help(argv[j]) && (j == i + 1 || !strcmp(argv[j], "--help"))) {
			fputs(cmd->usage, stdout);
			return 0;
		}
	}
	c.ops = platform_ops_of(c.platform);
	c.bpffs_default = !c.bpffs || !*c.bpffs;
	if (c.bpffs_default)
		c.bpffs = SRV6_BPFFS_DEFAULT;
	if (nlx_open(&c.nl, &e)) {
		fprintf(stderr, "srv6-bpf: %s\n", e.msg);
		return 1;
	}
	/* The kernel platform is seg6 and seg6local routes: without them in the
	 * kernel every command would fail late or do nothing, so refuse them all
	 * here, before anything changes (the probes change nothing). */
	if (cmd->platform && c.platform == PLATFORM_KERNEL) {
		int has = nlx_probe_lwt_encap(&c.nl, LWTUNNEL_ENCAP_SEG6, &e);

		if (has > 0)
			has = nlx_probe_lwt_encap(&c.nl, LWTUNNEL_ENCAP_SEG6_LOCAL, &e);
		if (has <= 0) {
			if (has == 0)
				errf(&e, "the kernel platform needs SRv6 routes, which this kernel lacks (CONFIG_IPV6_SEG6_LWTUNNEL is off): use --platform bpf");
			fprintf(stderr, "srv6-bpf: %s\n", e.msg);
			nlx_close(&c.nl);
			return 1;
		}
	}
	rc = cmd->run(&c, argc - i - 1, argv + i + 1, &e);
	nlx_close(&c.nl);
	if (rc) {
		fprintf(stderr, "srv6-bpf: %s\n", e.msg[0] ? e.msg : "failed");
		return 1;
	}
	return 0;
}
