/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The commands of srv6-bpf, one file each in loader/cli/ (cmd_NAME.c holds
 * cmd_NAME and usage_NAME). main.c parses the global options and dispatches.
 * Each cmd_* gets the words after its name and returns 0, or -1 with e set.
 */
#ifndef SRV6_CLI_COMMANDS_H
#define SRV6_CLI_COMMANDS_H

#include <stdbool.h>
#include <linux/types.h>
#include "platform/ctx.h"
#include "platform/platform.h"
#include "util/err.h"
#include "sync/daemon.h"
#include "sync/sync.h"
#include "opts.h"

typedef int cmd_fn(struct ctx *c, int argc, char **argv, struct err *e);

cmd_fn cmd_load, cmd_unload, cmd_route, cmd_sid, cmd_show, cmd_stats, cmd_metrics, cmd_sync,
	cmd_run, cmd_plan, cmd_check, cmd_probe;

extern const char usage_load[], usage_unload[], usage_route[], usage_sid[], usage_show[],
	usage_stats[], usage_metrics[], usage_sync[], usage_run[], usage_plan[], usage_check[],
	usage_probe[];

/* --- shared by several commands (cmd_common.c) --------------------------------------- */

/* "dev DEV" or nothing. */
int parse_opt_dev(int argc, char **argv, const char **dev, const char *cmd, struct err *e);

/* The privileges the platform needs: the BPF platform CAP_BPF too, kernel
 * routes only CAP_NET_ADMIN. */
int check_caps(const struct ctx *c, struct err *e);

/* The kernel platform has no BPF datapath: say so instead of doing nothing silently. */
int kernel_platform_note(struct ctx *c, const char *cmd);

/* `CMD [dev DEV]`: view(c, DEV or NULL for all) with the platform's privileges;
 * with bpf_only, the kernel platform's note instead. */
typedef int dev_view_fn(struct ctx *c, const char *dev, struct err *e);
int dev_view(struct ctx *c, int argc, char **argv, const char *cmd, dev_view_fn *view,
	     bool bpf_only, struct err *e);

/* --- the plan's inputs: sync and plan take them through one table fragment (cmd_plan.c) - */

struct plan_inputs {
	const char *topology_file, *hosts_file, *pairs_file, *previous_file;
	unsigned int paths; /* --paths K */
	int pattern;        /* enum plan_pattern */
	__u16 function;     /* --dest-function, else env DEST_FUNCTION */
	bool paths_set, pattern_set, has_function;
};

/* --topology-file, --hosts-file, --pattern, --pairs, --paths, --previous,
 * --dest-function, into a struct plan_inputs. */
extern const struct opt plan_input_opts[];

/* --dest-function's parser: a 16-bit uSID in hex into a __u16. */
int opt_usid_function(const char *text, void *field);

/* What the fragment cannot say alone: --pattern and --pairs exclude each other. */
int plan_inputs_check(const char *cmd, const struct plan_inputs *in, struct err *e);

/* --- sync's options, which run takes too (cmd_sync.c) --------------------------------- */

struct sync_args {
	struct sync_opts o;
	struct plan_inputs in;
	bool source_set;
};

/* sync's own options, into a struct sync_args (with plan_input_opts at .in). */
extern const struct opt sync_own_opts[];

/* Defaults before parsing; after it, the checks that span
 * options and the result in a->o. cmd names the command in errors. */
void sync_args_init(struct sync_args *a);
int sync_args_finish(const char *cmd, struct sync_args *a, struct err *e);

/* init, parse and finish: what `sync` was told. */
int sync_opts_parse(int argc, char **argv, struct sync_opts *o, struct err *e);

#endif
