// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The planner's steps: graph and candidates, flows, lower bound, an exact
 * colouring where the fabric allows it or greedy otherwise, local search,
 * churn, then the ECMP and Jalapeño-load baselines for the summary.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util/clock.h"
#include "plan.h"
#include "model.h"

void plan_opts_init(struct plan_opts *o)
{
	struct err e;

	memset(o, 0, sizeof(*o));
	o->pattern = PLAN_ALL_TO_ALL;
	o->paths = 1;
	usid_block_parse("fc00:0::/32", &o->block, &e);
}

const char *plan_method_name(enum plan_method m)
{
	switch (m) {
	case PLAN_METHOD_LEAF_SPINE:
		return "leaf-spine-colouring";
	case PLAN_METHOD_FAT_TREE:
		return "fat-tree-colouring";
	case PLAN_METHOD_GREEDY:
		return "greedy-local-search";
	case PLAN_METHOD_NONE:
		break;
	}
	return "none";
}

double plan_ratio_value(struct plan_ratio r)
{
	return r.den ? (double)r.num / (double)r.den : 0;
}

const struct plan_summary *plan_get_summary(const struct plan *p)
{
	return &p->s;
}

void plan_get_timing(const struct plan *p, double *plan_s, double *baselines_s)
{
	*plan_s = p->plan_s;
	*baselines_s = p->baselines_s;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	free(p->cap);
	free(p->out_start);
	free(p->out_edge);
	free(p->in_start);
	free(p->in_edge);
	free(p->any_start);
	free(p->sw_of);
	free(p->sw_vertex);
	free(p->dist);
	free(p->pair_paths);
	free(p->pair_count);
	free(p->paths);
	free(p->path_edges);
	free(p->att);
	free(p->att_edges);
	free(p->sig_first);
	free(p->sig_count);
	free(p->sig_sw);
	free(p->csets);
	free(p->cands);
	pm_map_free(&p->cset_of);
	free(p->flows);
	free(p->member_of);
	free(p->sub);
	free(p->load);
	free(p);
}

/* A ratio in planner units (1/k of a demand per normalised capacity) as
 * load / capacity in the topology's own units. */
static struct plan_ratio real_ratio(const struct plan *p, struct plan_ratio r, unsigned int k)
{
	return (struct plan_ratio){ r.num, r.den * k * p->cap_gcd };
}

static int run(struct plan *p, struct err *e)
{
	enum plan_method method;
	struct plan_ratio max;
	size_t routable = 0;
	double t0 = now_seconds(CLOCK_MONOTONIC), t1;
	int rc;

	if (pm_graph_build(p, e) || pm_flows_build(p, e))
		return -1;
	p->sub = malloc((p->nflows * p->k + 1) * sizeof(uint32_t));
	p->load = calloc(p->ne + 1, sizeof(uint64_t));
	if (!p->sub || !p->load)
		return errf(e, "out of memory: %zu flows", p->nflows);
	for (size_t i = 0; i < p->nflows; i++)
		routable += p->flows[i].cset != NONE;
	if (pm_lower_bound(p, e))
		return -1;
	method = pm_colour(p, e, &rc);
	if (rc)
		return -1;
	if (method == PLAN_METHOD_GREEDY) {
		if (pm_greedy(p, NULL, e))
			return -1;
	} else {
		pm_loads_recompute(p);
	}
	if (pm_local_search(p, e) || (p->o.previous && pm_churn(p, e)))
		return -1;
	t1 = now_seconds(CLOCK_MONOTONIC);
	if (!p->o.no_baselines && (pm_ecmp(p, e) || pm_jalapeno_load(p, e)))
		return -1;
	p->plan_s = t1 - t0;
	p->baselines_s = now_seconds(CLOCK_MONOTONIC) - t1;
	pm_max_edge(p, &max);
	p->s.hosts = p->m->n;
	p->s.flows = p->nflows;
	p->s.unroutable = p->nflows - routable;
	p->s.paths = p->k;
	p->s.method = routable ? method : PLAN_METHOD_NONE;
	p->s.max_load = real_ratio(p, max, p->k);
	p->s.lower_bound = real_ratio(p, p->lb_units, p->k);
	p->s.ecmp_max_load = real_ratio(p, p->s.ecmp_max_load, 1);
	p->s.jalapeno_load_max_load = real_ratio(p, p->s.jalapeno_load_max_load, 1);
	return 0;
}

int plan_compute(const struct topology *t, const struct membership *m, const struct plan_opts *o,
		 struct plan **out, struct err *e)
{
	struct plan *p;

	*out = NULL;
	if (o->paths < 1 || o->paths > SRV6_MAX_PATHS)
		return errf(e, "paths per flow must be 1 to %d, not %u", SRV6_MAX_PATHS, o->paths);
	if (o->pattern == PLAN_PAIRS && !o->pairs)
		return errf(e, "the pairs pattern needs a pairs file");
	p = calloc(1, sizeof(*p));
	if (!p)
		return errf(e, "out of memory");
	p->t = t;
	p->m = m;
	p->o = *o;
	p->k = o->paths;
	if (run(p, e)) {
		plan_free(p);
		return -1;
	}
	*out = p;
	return 0;
}
