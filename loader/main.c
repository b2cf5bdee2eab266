// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* srv6-bpf: iproute2-style front end. Parses, checks privileges, dispatches. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "addr.h"
#include "ctx.h"
#include "datapath.h"
#include "err.h"
#include "route.h"
#include "show.h"
#include "sys.h"

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
	"  -j, --json    machine-readable output\n"
	"  -h, --help    this text;  -V, --version  the version\n"
	"\n"
	"Commands:\n"
	"  load DEV [src ADDR] [hoplimit N] [peers-max N]\n"
	"  unload DEV\n"
	"  route add|replace PEER dev DEV segs SID[,SID...] [weight W]\n"
	"  route add|replace PEER dev DEV path segs SID[,...] [weight W] path segs ...\n"
	"  route del PEER dev DEV\n"
	"  route add|replace|del -batch FILE     one route a line; FILE - is stdin\n"
	"  route show [dev DEV]\n"
	"  show [dev DEV]                        attachment, config and pin paths\n"
	"  stats [dev DEV]                       datapath counters by reason\n"
	"  help [COMMAND]                        or: srv6-bpf COMMAND --help\n";

static const char usage_load[] =
	"Usage: srv6-bpf load DEV [src ADDR] [hoplimit N] [peers-max N]\n"
	"\n"
	"Load the datapath, attach it to DEV's clsact egress hook and pin its maps.\n"
	"  src ADDR      outer IPv6 source (default: DEV's first global IPv6 address)\n"
	"  hoplimit N    outer hop limit, 1-255 (default 64)\n"
	"  peers-max N   capacity of the peers map, 1-4194304 (default 65536)\n"
	"Loading a loaded DEV keeps its peers and updates src and hoplimit; peers-max\n"
	"cannot change without an unload. Creates the clsact qdisc when DEV has none.\n";

static const char usage_unload[] =
	"Usage: srv6-bpf unload DEV\n"
	"\n"
	"Detach srv6-bpf's tc filter from DEV, delete srv6-bpf's peer routes and pins.\n"
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

static const char usage_show[] =
	"Usage: srv6-bpf show [dev DEV]\n"
	"\n"
	"Attachment, config and pin paths of the datapath on DEV (default: all).\n";

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
	if (sys_check_kernel(e) || sys_check_caps(e) ||
	    sys_check_bpffs(c->bpffs, c->bpffs_default, e) || dp_load(c, &o, &res, e))
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
	if (sys_check_caps(e) || sys_check_bpffs(c->bpffs, c->bpffs_default, e))
		return -1;
	return dp_unload(c, argv[0], e);
}

/* Read FILE (or stdin for "-") into requests, one per non-empty line. */
static int read_batch(const char *file, enum route_verb verb, struct route_req **reqs,
		      char ***where, size_t *count, struct err *e)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, n = 0, lineno = 0, linecap = 0;
	struct route_req *v = NULL;
	char **w = NULL;
	int rc = 0;

	if (!f)
		return errf(e, "cannot read %s: %s", file, strerror(errno));
	while (getline(&line, &linecap, f) >= 0) {
		bool empty;

		lineno++;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			void *nv = realloc(v, ncap * sizeof(*v)), *nw;

			if (nv)
				v = nv;
			nw = nv ? realloc(w, ncap * sizeof(*w)) : NULL;
			if (!nw) {
				rc = errf(e, "out of memory");
				break;
			}
			w = nw;
			cap = ncap;
		}
		if (route_line_parse(verb, line, &v[n], &empty, e)) {
			err_prefix(e, "%s:%zu", file, lineno);
			rc = -1;
			break;
		}
		if (empty)
			continue;
		if (asprintf(&w[n], "%s:%zu", file, lineno) < 0) {
			rc = errf(e, "out of memory");
			break;
		}
		n++;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	*reqs = v;
	*where = w;
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
		return sys_check_caps(e) || route_show(c, dev, e) ? -1 : 0;
	}
	if (route_verb_parse(argv[0], &verb))
		return errf(e, "route: unknown command \"%s\" (add, replace, del, show)", argv[0]);
	if (argc >= 2 && !strcmp(argv[1], "-batch")) {
		struct route_req *reqs = NULL;
		char **where = NULL;
		size_t n = 0;
		int rc;

		if (argc != 3)
			return errf(e, "route %s -batch: give exactly one FILE (- for stdin)", argv[0]);
		rc = read_batch(argv[2], verb, &reqs, &where, &n, e);
		if (rc == 0)
			rc = sys_check_caps(e) || route_apply(c, reqs, n, (const char *const *)where, e);
		for (size_t i = 0; i < n; i++)
			free(where[i]);
		free(where);
		free(reqs);
		return rc ? -1 : 0;
	}
	{
		struct route_req req;

		if (route_req_parse(verb, argc - 1, argv + 1, &req, e)) {
			err_prefix(e, "route %s", argv[0]);
			return -1;
		}
		return sys_check_caps(e) || route_apply(c, &req, 1, NULL, e) ? -1 : 0;
	}
}

static int cmd_show(struct ctx *c, int argc, char **argv, struct err *e)
{
	const char *dev;

	if (parse_opt_dev(argc, argv, &dev, "show", e) || sys_check_caps(e))
		return -1;
	return show_datapath(c, dev, e);
}

static int cmd_stats(struct ctx *c, int argc, char **argv, struct err *e)
{
	const char *dev;

	if (parse_opt_dev(argc, argv, &dev, "stats", e) || sys_check_caps(e))
		return -1;
	return show_stats(c, dev, e);
}

static const struct command {
	const char *name;
	int (*run)(struct ctx *c, int argc, char **argv, struct err *e);
	const char *usage;
} commands[] = {
	{ "load", cmd_load, usage_load },	{ "unload", cmd_unload, usage_unload },
	{ "route", cmd_route, usage_route },	{ "show", cmd_show, usage_show },
	{ "stats", cmd_stats, usage_stats },
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
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "--bpffs")) {
			if (++i == argc) {
				fprintf(stderr, "srv6-bpf: --bpffs needs a directory\n");
				return 1;
			}
			c.bpffs = argv[i];
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
	c.bpffs_default = !c.bpffs || !*c.bpffs;
	if (c.bpffs_default)
		c.bpffs = SRV6_BPFFS_DEFAULT;
	if (nlx_open(&c.nl, &e)) {
		fprintf(stderr, "srv6-bpf: %s\n", e.msg);
		return 1;
	}
	rc = cmd->run(&c, argc - i - 1, argv + i + 1, &e);
	nlx_close(&c.nl);
	if (rc) {
		fprintf(stderr, "srv6-bpf: %s\n", e.msg[0] ? e.msg : "failed");
		return 1;
	}
	return 0;
}
