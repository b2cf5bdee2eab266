// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "cmd_plan.h"

#include <ctype.h>
#include <time.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "util/clock.h"
#include "util/env.h"
#include "sync/membership.h"
#include "plan/plan.h"
#include "sync/topology.h"

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
	"  --hosts-file FILE     the job, \"name [rank] [address]\" a line (else env HOSTS,\n"
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
struct plan_args {
	const char *topology, *hosts_file, *pattern, *pairs, *paths, *local, *previous;
	const char *function, *block, *algo;
	bool summary, json, timing;
};

static int parse_args(int argc, char **argv, struct plan_args *a, struct err *e)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{ "--topology-file", offsetof(struct plan_args, topology) },
		{ "--hosts-file", offsetof(struct plan_args, hosts_file) },
		{ "--pattern", offsetof(struct plan_args, pattern) },
		{ "--pairs", offsetof(struct plan_args, pairs) },
		{ "--paths", offsetof(struct plan_args, paths) },
		{ "--local", offsetof(struct plan_args, local) },
		{ "--previous", offsetof(struct plan_args, previous) },
		{ "--dest-function", offsetof(struct plan_args, function) },
		{ "--usid-block", offsetof(struct plan_args, block) },
		{ "--algo", offsetof(struct plan_args, algo) },
	};

	for (int i = 0; i < argc; i++) {
		size_t o;

		if (!strcmp(argv[i], "--summary")) {
			a->summary = true;
			continue;
		}
		if (!strcmp(argv[i], "--timing")) {
			a->timing = true;
			continue;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			a->json = true;
			continue;
		}
		for (o = 0; o < sizeof(opts) / sizeof(opts[0]); o++)
			if (!strcmp(argv[i], opts[o].name))
				break;
		if (o == sizeof(opts) / sizeof(opts[0]))
			return errf(e, "plan: unknown argument \"%.64s\" (see: srv6-bpf plan --help)",
				    argv[i]);
		if (i + 1 == argc)
			return errf(e, "plan: %s needs a value", argv[i]);
		*(const char **)((char *)a + opts[o].off) = argv[++i];
	}
	return 0;
}

/* Turn the arguments (and environment) into plan options. */
static int options(const struct plan_args *a, struct plan_opts *o, int *algo, struct err *e)
{
	const char *function = a->function ? a->function : env_value("DEST_FUNCTION");
	unsigned long v;

	plan_opts_init(o);
	if (!a->topology)
		return errf(e, "plan: give --topology-file FILE (the Jalapeño topology JSON)");
	if (a->pattern && a->pairs)
		return errf(e, "plan: give --pattern or --pairs, not both");
	if (a->pattern && plan_pattern_parse(a->pattern, &o->pattern))
		return errf(e, "plan: unknown pattern \"%.32s\": give all-to-all or ring", a->pattern);
	if (a->pairs)
		o->pattern = PLAN_PAIRS;
	if (a->paths) {
		if (parse_uint(a->paths, 1, SRV6_MAX_PATHS, &v))
			return errf(e, "plan: invalid --paths \"%.32s\": give 1-%d", a->paths,
				    SRV6_MAX_PATHS);
		o->paths = (unsigned int)v;
	}
	if (function) {
		if (usid_function_parse(function, &o->function))
			return errf(e, "plan: invalid DEST_FUNCTION \"%.32s\": give a 16-bit uSID in hex, e.g. fe06",
				    function);
		o->has_function = true;
	}
	if (a->block && !strcmp(a->block, "auto")) {
		o->block_auto = true;
	} else if (a->block && usid_block_parse(a->block, &o->block, e)) {
		err_prefix(e, "plan");
		return -1;
	}
	*algo = 0;
	if (a->algo) {
		if (parse_uint(a->algo, 0, 255, &v))
			return errf(e, "plan: invalid --algo \"%.32s\": give 0-255", a->algo);
		*algo = (int)v;
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
	int algo, rc = -1;

	if (parse_args(argc, argv, &a, e) || options(&a, &o, &algo, e))
		return -1;
	if (!a.hosts_file && !hosts)
		return errf(e, "plan: give the job's hosts: --hosts-file FILE or HOSTS=host00,host01,...");
	if (a.hosts_file ? membership_from_file(a.hosts_file, &m, e) :
			   membership_from_list(hosts, &m, e))
		return -1;
	if (a.local && !membership_find(&m, a.local)) {
		errf(e, "plan: --local %.64s is not one of the job's hosts", a.local);
		goto out;
	}
	if (a.pairs) {
		if (plan_pairs_load(a.pairs, &m, &pairs, e))
			goto out;
		o.pairs = &pairs;
	}
	if (a.previous) {
		if (plan_prev_load(a.previous, &prev, e))
			goto out;
		o.previous = prev;
	}
	t0 = now_seconds(CLOCK_MONOTONIC);
	if (topology_load_file(a.topology, algo, &t, e))
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
