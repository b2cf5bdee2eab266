// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* srv6-bpf: iproute2-style front end. Global options, then the command's file
 * (loader/cli/cmd_*.c) parses its words; main opens netlink for the commands
 * that need it and checks the kernel platform before they run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <linux/rtnetlink.h>
#include <linux/seg6_iptunnel.h>
#include "commands.h"
#include "util/addr.h"
#include "util/array.h"
#include "platform/platform.h"

#ifndef SRV6_BPF_VERSION
#define SRV6_BPF_VERSION "dev"
#endif

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
	"  probe dev DEV [--interval MS] [--loss N] [--recover N] [--max-rate N]\n"
	"                [--dest-function HEX]\n"
	"                                        path liveness: a dead path's flows fail over\n"
	"  check [dev DEV]                       what this kernel (and DEV) offer srv6-bpf\n"
	"  help [COMMAND]                        or: srv6-bpf COMMAND --help\n";

/* libbpf speaks only with SRV6_BPF_DEBUG set: errors reach the user as one line from us. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return getenv("SRV6_BPF_DEBUG") ? vfprintf(stderr, fmt, ap) : 0;
}

static const struct opt_word platforms[] = {
	{ "bpf", PLATFORM_BPF },
	{ "kernel", PLATFORM_KERNEL },
	{ "linux", PLATFORM_KERNEL },
	{ NULL, 0 },
};

/* The words ROUTE_PLATFORM and --platform take: bpf, kernel or linux. */
static int platform_parse(const char *text, enum platform *p)
{
	for (const struct opt_word *w = platforms; w->word; w++) {
		if (!strcmp(text, w->word)) {
			*p = (enum platform)w->value;
			return 0;
		}
	}
	return -1;
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

struct main_args {
	struct ctx c;
	bool help, version;
};

#define MA(member) offsetof(struct main_args, member)

static const struct opt global_opts[] = {
	{ .name = "--json", .alias = "-j", .kind = OPT_FLAG, .off = MA(c.json) },
	{ .name = "--bpffs", .kind = OPT_STRING, .off = MA(c.bpffs), .arg = "DIR",
	  .env = "SRV6_BPF_BPFFS" },
	{ .name = "--platform", .kind = OPT_ENUM, .words = platforms, .off = MA(c.platform),
	  .arg = "P", .expect = "bpf or kernel" },
	{ .name = "--help", .alias = "-h", .kind = OPT_FLAG, .off = MA(help), .stop = true },
	{ .name = "--version", .alias = "-V", .kind = OPT_FLAG, .off = MA(version), .stop = true },
	{ .name = NULL },
};

static const struct command {
	const char *name;
	cmd_fn *run;
	const char *usage;
	bool platform; /* works through the chosen platform (bpf or kernel routes) */
	bool netlink;  /* uses c->nl, which main opens (check opens its own) */
} commands[] = {
	{ "load", cmd_load, usage_load, true, true },
	{ "unload", cmd_unload, usage_unload, true, true },
	{ "route", cmd_route, usage_route, true, true },
	{ "sid", cmd_sid, usage_sid, true, true },
	{ "show", cmd_show, usage_show, true, true },
	{ "metrics", cmd_metrics, usage_metrics, true, true },
	{ "stats", cmd_stats, usage_stats, true, true },
	{ "sync", cmd_sync, usage_sync, true, true },
	{ "run", cmd_run, usage_run, true, true },
	{ "probe", cmd_probe, usage_probe, true, true },
	{ "plan", cmd_plan, usage_plan, false, false },
	{ "check", cmd_check, usage_check, false, false },
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
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

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

/* Run cmd with netlink open if it needs it; 0 or -1 with e set. */
static int run_command(struct ctx *c, const struct command *cmd, int argc, char **argv,
		       struct err *e)
{
	int rc;

	c->ops = platform_ops_of(c->platform);
	c->bpffs_default = !c->bpffs || !*c->bpffs;
	if (c->bpffs_default)
		c->bpffs = SRV6_BPFFS_DEFAULT;
	if (!cmd->netlink)
		return cmd->run(c, argc, argv, e);
	if (nlx_open(&c->nl, e))
		return -1;
	/* A platform this kernel cannot carry is refused before anything changes. */
	rc = cmd->platform && c->ops->present ? c->ops->present(c, e) : 0;
	if (rc == 0)
		rc = cmd->run(c, argc, argv, e);
	nlx_close(&c->nl);
	return rc;
}

static int fail(const struct err *e)
{
	fprintf(stderr, "srv6-bpf: %s\n", e->msg[0] ? e->msg : "failed");
	return 1;
}

int main(int argc, char **argv)
{
	static const struct opt_group groups[] = { { global_opts, 0 }, { NULL, 0 } };
	struct main_args a = { .c = { .bpffs = NULL } };
	const struct command *cmd;
	struct err e = { { 0 } };
	int i;

	libbpf_set_print(libbpf_print);
	if (platform_from_env(&a.c, &e) ||
	    opts_parse("", groups, argc - 1, argv + 1, &a, true, &i, &e))
		return fail(&e);
	i++; /* argv[0] */
	if (a.help)
		return cmd_help(0, NULL);
	if (a.version) {
		printf("srv6-bpf %s (libbpf %s)\n", SRV6_BPF_VERSION, libbpf_version_string());
		return 0;
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
	if (run_command(&a.c, cmd, argc - i - 1, argv + i + 1, &e))
		return fail(&e);
	return 0;
}
