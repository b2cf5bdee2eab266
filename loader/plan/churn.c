// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Minimal churn: with a previous plan, flows keep their old paths wherever
 * that does not raise the busiest link above what a fresh plan reaches.
 * Two deterministic tries, the first that holds the fresh maximum wins:
 * 1. old paths for every flow that still has them, the rest greedily, then
 *    the local search;
 * 2. the fresh plan, with each flow (in canonical order) switched back to its
 *    old paths when no link on them then exceeds the fresh maximum.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

/* --- keeping old paths ---------------------------------------------------------- */

/* Candidate of flow f whose vertexes are verts[0..n), or NONE. */
static uint32_t match_cand(const struct plan *p, const struct pm_flow *f, const uint32_t *verts,
			   uint32_t n)
{
	uint32_t edges[PLAN_HOPS_MAX];

	if (n < 2 || verts[0] != f->src)
		return NONE;
	for (uint32_t c = 0; c < p->csets[f->cset].count; c++) {
		uint32_t ne = pm_cand_edges(p, f, c, edges), h;

		if (ne + 1 != n)
			continue;
		for (h = 0; h < ne && p->t->e[edges[h]].to == verts[h + 1]; h++)
			;
		if (h == ne)
			return c;
	}
	return NONE;
}

/* The previous plan's subflows for every flow it covers: old[flow * k + j]
 * (NONE where the flow has no usable old paths); had[flow]: it was there. */
static int old_subflows(const struct plan *p, uint32_t *old, bool *had)
{
	const struct plan_prev *pv = p->o.previous;
	uint32_t *vert = malloc((pv->nnames + 1) * sizeof(uint32_t));
	uint32_t *vbuf = malloc((PLAN_HOPS_MAX + 2) * sizeof(uint32_t));

	if (!vert || !vbuf) {
		free(vert);
		free(vbuf);
		return -1;
	}
	for (uint32_t i = 0; i < pv->nnames; i++) {
		long v = topology_find(p->t, pv->names[i]);

		vert[i] = v < 0 ? NONE : (uint32_t)v;
	}
	memset(old, 0xff, (p->nflows * p->k + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < pv->nflows; i++) {
		const struct prev_flow *pf = &pv->flows[i];
		uint32_t fi = vert[pf->src] == NONE || vert[pf->dst] == NONE ?
				      NONE :
				      pm_flow_find(p, vert[pf->src], vert[pf->dst]);
		const struct pm_flow *f;
		uint32_t total = 0, j = 0;
		bool ok = true;

		if (fi == NONE || had[fi])
			continue; /* gone from this job, or listed twice */
		had[fi] = true;
		f = &p->flows[fi];
		if (f->cset == NONE)
			continue;
		for (uint32_t q = 0; q < pf->npaths; q++)
			total += pv->paths[pf->first + q].weight;
		if (total != p->k)
			continue; /* split another way: not reusable as is */
		for (uint32_t q = 0; q < pf->npaths && ok; q++) {
			const struct prev_path *pp = &pv->paths[pf->first + q];
			uint32_t c;

			ok = pp->n <= PLAN_HOPS_MAX + 1;
			for (uint32_t h = 0; h < pp->n && ok; h++)
				ok = (vbuf[h] = vert[pv->verts[pp->first + h]]) != NONE;
			c = ok ? match_cand(p, f, vbuf, pp->n) : NONE;
			ok = c != NONE;
			for (uint32_t w = 0; w < pp->weight && ok; w++)
				old[(size_t)fi * p->k + j++] = c;
		}
		if (!ok)
			for (j = 0; j < p->k; j++)
				old[(size_t)fi * p->k + j] = NONE;
	}
	free(vert);
	free(vbuf);
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Subflows of flow i on the same multiset of candidates as before? */
static bool same_paths(const struct plan *p, size_t i, const uint32_t *old)
{
	uint32_t a[SRV6_MAX_PATHS], b[SRV6_MAX_PATHS];

	memcpy(a, &p->sub[i * p->k], p->k * sizeof(uint32_t));
	memcpy(b, &old[i * p->k], p->k * sizeof(uint32_t));
	qsort(a, p->k, sizeof(uint32_t), u32_cmp);
	qsort(b, p->k, sizeof(uint32_t), u32_cmp);
	return !memcmp(a, b, p->k * sizeof(uint32_t)) && b[0] != NONE;
}

/* No link of flow i's subflows above max? */
static bool within(const struct plan *p, size_t i, const struct plan_ratio *max)
{
	uint32_t edges[PLAN_HOPS_MAX];

	for (unsigned int j = 0; j < p->k; j++) {
		uint32_t n = pm_cand_edges(p, &p->flows[i], p->sub[i * p->k + j], edges);

		for (uint32_t h = 0; h < n; h++)
			if (pm_ratio_cmp(p->load[edges[h]], p->cap[edges[h]], max->num, max->den) > 0)
				return false;
	}
	return true;
}

static void set_flow(struct plan *p, size_t i, const uint32_t *subs)
{
	for (unsigned int j = 0; j < p->k; j++)
		pm_load_apply(p, &p->flows[i], p->sub[i * p->k + j], -1);
	memcpy(&p->sub[i * p->k], subs, p->k * sizeof(uint32_t));
	for (unsigned int j = 0; j < p->k; j++)
		pm_load_apply(p, &p->flows[i], p->sub[i * p->k + j], 1);
}

int pm_churn(struct plan *p, struct err *e)
{
	size_t total = p->nflows * p->k;
	uint32_t *old = malloc((total + 1) * sizeof(uint32_t));
	uint32_t *fresh = malloc((total + 1) * sizeof(uint32_t));
	bool *had = calloc(p->nflows + 1, sizeof(bool)), *fixed = calloc(total + 1, sizeof(bool));
	struct plan_ratio best, now;
	int rc = -1;

	if (!old || !fresh || !had || !fixed || old_subflows(p, old, had)) {
		errf(e, "out of memory");
		goto out;
	}
	memcpy(fresh, p->sub, total * sizeof(uint32_t));
	pm_max_edge(p, &best);
	/* Try 1: start from the old paths. */
	for (size_t s = 0; s < total; s++) {
		fixed[s] = old[s] != NONE;
		if (fixed[s])
			p->sub[s] = old[s];
	}
	if (pm_greedy(p, fixed, e) || pm_local_search(p, e))
		goto out;
	pm_max_edge(p, &now);
	if (pm_ratio_cmp(now.num, now.den, best.num, best.den) > 0) {
		/* Try 2: the fresh plan, old paths put back where they fit. */
		memcpy(p->sub, fresh, total * sizeof(uint32_t));
		pm_loads_recompute(p);
		for (size_t i = 0; i < p->nflows; i++) {
			uint32_t keep[SRV6_MAX_PATHS];

			if (old[i * p->k] == NONE || same_paths(p, i, old))
				continue;
			memcpy(keep, &p->sub[i * p->k], p->k * sizeof(uint32_t));
			set_flow(p, i, &old[i * p->k]);
			if (!within(p, i, &best))
				set_flow(p, i, keep);
		}
	}
	p->s.moved = 0;
	for (size_t i = 0; i < p->nflows; i++)
		p->s.moved += had[i] && !same_paths(p, i, old);
	rc = 0;
out:
	free(old);
	free(fresh);
	free(had);
	free(fixed);
	return rc;
}
