// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "commands.h"

#include <ctype.h>
#include <time.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "util/clock.h"
#include "util/env.h"
#include "fabric/membership.h"
#include "plan/plan.h"
#include "fabric/topology.h"
#include "fabric/usid.h"

const char usage_plan[] =
	"Usage: srv6-bpf [-j] plan --topology-file FILE [--hosts-file FILE]\n"
	"                [--pattern all-to-all|ring | --pairs FILE] [--paths K]\n"
	"                [--local NAME] [--previous PLAN.json] [--dest-function HEX]\n"
	"                [--usid-block PREFIX|auto] [--algo N] [--summary] [--timing]\n"
	"\n"
	"Choose every flow's path(s) at once so that the job's flows do not collide:\n"
	"the busiest link carries as little as possible. Every host computes the same\n"
	"plan from the same inputs, byte for byte.\n"
	"  --topology-file FILE  Jalapeño topology JSON (GET /graphs/{collection}/topology):\n"
	"                        links with \"status\":\"down\" are not used, \"capacity\"\n"
	"                        (default 1) scales a link's load\n"
	"  --hosts-file FILE     the job, \"name [rank] [address...]\" a line (else env HOSTS,\n"
	"                        a comma list, rank = position); hosts are hosts/NAME\n"
	"  --pattern P           all-to-all (default: every ordered pair) or ring (rank i\n"
	"                        to rank i+1, as ring all-reduce)\n"
	"  --pairs FILE          explicit flows, \"SRC DST [DEMAND]\" a line (demand 1 by\n"
	"                        default; a pair given twice adds up)\n"
	"  --paths K             split each flow over up to K paths, 1-8 (default 1);\n"
	"                        a path's weight is its share in 1/K steps\n"
	"  --local NAME          also print the path sets host NAME sends on\n"
	"  --previous PLAN.json  keep flows on these paths (a plan printed with -j)\n"
	"                        where that does not raise the max load\n"
	"  --dest-function HEX   uSID appended after each path's last one (env\n"
	"                        DEST_FUNCTION), e.g. fe06\n"
	"  --usid-block B        micro-SID block, default fc00:0::/32; auto: the first\n"
	"                        32 bits of each path's first SID, as Jalapeño does\n"
	"  --algo N              take SIDs of this algorithm (default 0)\n"
	"  --summary             print the summary only\n"
	"  --timing              print where the time went on stderr (topology, plan,\n"
	"                        baselines, output)\n"
	"Text output: the summary (max link load, lower bound, ECMP's and Jalapeño\n"
	"load's max load on the same flows, flows moved), a per-link load table and\n"
	"with --local that host's paths. -j: the whole plan as JSON with sorted keys.\n";

/* DEST_FUNCTION: one 16-bit uSID in hex ("fe06"), as the plugin appends it. */
int opt_usid_function(const char *text, void *field)
{
	return usid_function_parse(text, field);
}

static const struct opt_word patterns[] = {
	{ "all-to-all", PLAN_ALL_TO_ALL },
	{ "ring", PLAN_RING },
	{ NULL, 0 },
};

#define IN(member) offsetof(struct plan_inputs, member)

const struct opt plan_input_opts[] = {
	{ .name = "--topology-file", .kind = OPT_STRING, .off = IN(topology_file), .arg = "FILE" },
	{ .name = "--hosts-file", .kind = OPT_STRING, .off = IN(hosts_file), .arg = "FILE" },
	{ .name = "--pattern", .kind = OPT_ENUM, .words = patterns, .off = IN(pattern),
	  .seen = OPT_SEEN(struct plan_inputs, pattern_set), .arg = "P" },
	{ .name = "--pairs", .kind = OPT_STRING, .off = IN(pairs_file), .arg = "FILE" },
	{ .name = "--paths", .kind = OPT_UINT, .min = 1, .max = SRV6_MAX_PATHS, .off = IN(paths),
	  .seen = OPT_SEEN(struct plan_inputs, paths_set), .arg = "K" },
	{ .name = "--previous", .kind = OPT_STRING, .off = IN(previous_file), .arg = "PLAN.json" },
	{ .name = "--dest-function", .kind = OPT_CUSTOM, .parse = opt_usid_function,
	  .off = IN(function), .seen = OPT_SEEN(struct plan_inputs, has_function), .arg = "HEX",
	  .expect = "a 16-bit uSID in hex, e.g. fe06", .env = "DEST_FUNCTION" },
	{ .name = NULL },
};

int plan_inputs_check(const char *cmd, const struct plan_inputs *in, struct err *e)
{
	if (in->pattern_set && in->pairs_file)
		return errf(e, "%s: give --pattern or --pairs, not both", cmd);
	return 0;
}

struct plan_args {
	struct plan_inputs in;
	const char *local, *block;
	unsigned int algo;
	bool summary, json, timing;
};

#define ARG(member) offsetof(struct plan_args, member)

static const struct opt plan_own_opts[] = {
	{ .name = "--local", .kind = OPT_STRING, .off = ARG(local), .arg = "NAME" },
	{ .name = "--usid-block", .kind = OPT_STRING, .off = ARG(block), .arg = "B" },
	{ .name = "--algo", .kind = OPT_UINT, .min = 0, .max = 255, .off = ARG(algo), .arg = "N" },
	{ .name = "--summary", .kind = OPT_FLAG, .off = ARG(summary) },
	{ .name = "--timing", .kind = OPT_FLAG, .off = ARG(timing) },
	{ .name = "--json", .alias = "-j", .kind = OPT_FLAG, .off = ARG(json) },
	{ .name = NULL },
};

static const struct opt_group plan_groups[] = {
	{ plan_input_opts, ARG(in) },
	{ plan_own_opts, 0 },
	{ NULL, 0 },
};

/* Turn the arguments into plan options. */
static int options(const struct plan_args *a, struct plan_opts *o, struct err *e)
{
	plan_opts_init(o);
	if (!a->in.topology_file)
		return errf(e, "plan: give --topology-file FILE (the Jalapeño topology JSON)");
	if (plan_inputs_check("plan", &a->in, e))
		return -1;
	if (a->in.pattern_set)
		o->pattern = (enum plan_pattern)a->in.pattern;
	if (a->in.pairs_file)
		o->pattern = PLAN_PAIRS;
	if (a->in.paths_set)
		o->paths = a->in.paths;
	o->has_function = a->in.has_function;
	o->function = a->in.function;
	if (a->block && !strcmp(a->block, "auto")) {
		o->block_auto = true;
	} else if (a->block && usid_block_parse(a->block, &o->block, e)) {
		err_prefix(e, "plan");
		return -1;
	}
	return 0;
}

int cmd_plan(struct ctx *c, int argc, char **argv, struct err *e)
{
	struct plan_args a = { 0 };
	struct plan_opts o;
	struct topology t = { 0 };
	struct membership m = { 0 };
	struct plan_pairs pairs = { 0 };
	struct plan_prev *prev = NULL;
	struct plan *p = NULL;
	const char *hosts = env_value("HOSTS");
	double t0, t1, t2;
	int rc = -1;

	if (opts_parse("plan", plan_groups, argc, argv, &a, false, NULL, e) || options(&a, &o, e))
		return -1;
	if (!a.in.hosts_file && !hosts)
		return errf(e, "plan: give the job's hosts: --hosts-file FILE or HOSTS=host00,host01,...");
	if (a.in.hosts_file ? membership_from_file(a.in.hosts_file, &m, e) :
			   membership_from_list(hosts, &m, e))
		return -1;
	if (a.local && !membership_find(&m, a.local)) {
		errf(e, "plan: --local %.64s is not one of the job's hosts", a.local);
		goto out;
	}
	if (a.in.pairs_file) {
		if (plan_pairs_load(a.in.pairs_file, &m, &pairs, e))
			goto out;
		o.pairs = &pairs;
	}
	if (a.in.previous_file) {
		if (plan_prev_load(a.in.previous_file, &prev, e))
			goto out;
		o.previous = prev;
	}
	t0 = now_seconds(CLOCK_MONOTONIC);
	if (topology_load_file(a.in.topology_file, (int)a.algo, &t, e))
		goto out;
	t1 = now_seconds(CLOCK_MONOTONIC);
	if (plan_compute(&t, &m, &o, &p, e))
		goto out;
	t2 = now_seconds(CLOCK_MONOTONIC);
	rc = c->json || a.json ? plan_write_json(p, a.summary, stdout, e) :
				 plan_write_text(p, a.summary, a.local, stdout, e);
	if (a.timing) {
		double plan_s, base_s;

		fflush(stdout);
		plan_get_timing(p, &plan_s, &base_s);
		fprintf(stderr, "timing: topology %.1f ms, plan %.1f ms, baselines %.1f ms, "
				"output %.1f ms\n",
			(t1 - t0) * 1e3, plan_s * 1e3, base_s * 1e3,
			(now_seconds(CLOCK_MONOTONIC) - t2) * 1e3);
	}
out:
	plan_free(p);
	topology_free(&t);
	plan_prev_free(prev);
	plan_pairs_free(&pairs);
	membership_free(&m);
	return rc;
}
