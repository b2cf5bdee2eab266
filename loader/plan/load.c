// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Link loads, and the lower bound no assignment can beat. */
#include <stdlib.h>
#include <string.h>
#include "model.h"

void pm_load_apply(struct plan *p, const struct pm_flow *f, uint32_t c, int64_t delta)
{
	uint32_t edges[PLAN_HOPS_MAX], n = pm_cand_edges(p, f, c, edges);

	for (uint32_t i = 0; i < n; i++)
		p->load[edges[i]] += (uint64_t)(delta * (int64_t)f->demand);
}

void pm_loads_recompute(struct plan *p)
{
	memset(p->load, 0, (p->ne + 1) * sizeof(*p->load));
	for (size_t i = 0; i < p->nflows; i++)
		for (unsigned int s = 0; s < p->k; s++)
			if (p->sub[i * p->k + s] != NONE)
				pm_load_apply(p, &p->flows[i], p->sub[i * p->k + s], 1);
}

uint32_t pm_max_edge(const struct plan *p, struct plan_ratio *r)
{
	uint32_t best = NONE;

	*r = (struct plan_ratio){ 0, 1 };
	for (uint32_t i = 0; i < p->ne; i++) {
		if (!p->cap[i])
			continue;
		if (best == NONE || pm_ratio_cmp(p->load[i], p->cap[i], r->num, r->den) > 0) {
			best = i;
			*r = (struct plan_ratio){ p->load[i], p->cap[i] };
		}
	}
	return best;
}

/* What every candidate of a cset shares: switch edges, and switches it must
 * leave towards (out) or enter from (in) another switch. */
struct cset_forced {
	uint32_t first, count; /* in the lists below */
};

struct forced_lists {
	uint32_t *item; /* edge id, or switch index | OUT_CUT / IN_CUT */
	uint32_t n, cap;
};

#define OUT_CUT (1u << 30)
#define IN_CUT (1u << 31)
#define ITEM_MASK (OUT_CUT - 1)

static int push_item(struct forced_lists *l, uint32_t item)
{
	if (l->n == l->cap) {
		uint32_t ncap = l->cap ? l->cap * 2 : 256;
		uint32_t *v = realloc(l->item, ncap * sizeof(*v));

		if (!v)
			return -1;
		l->item = v;
		l->cap = ncap;
	}
	l->item[l->n++] = item;
	return 0;
}

static int cset_shared(const struct plan *p, uint32_t id, uint32_t *edge_count,
		       uint32_t *out_count, uint32_t *in_count, struct forced_lists *l)
{
	const struct pm_cset *cs = &p->csets[id];
	uint32_t touched = l->n;

	if (cs->direct)
		return 0;
	/* Count in how many candidates each switch edge and cut appears. */
	for (uint32_t c = 0; c < cs->count; c++) {
		const struct pm_cand *cand = &p->cands[cs->first + c];
		const struct pm_path *path;

		if (cand->path == NONE)
			continue;
		path = &p->paths[cand->path];
		for (uint32_t i = 0; i < path->len; i++) {
			uint32_t ed = p->path_edges[path->first + i];
			uint32_t a = p->sw_of[p->t->e[ed].from], b = p->sw_of[p->t->e[ed].to];

			if (edge_count[ed]++ == 0 && push_item(l, ed))
				return -1;
			if (out_count[a]++ == 0 && push_item(l, a | OUT_CUT))
				return -1;
			if (in_count[b]++ == 0 && push_item(l, b | IN_CUT))
				return -1;
		}
	}
	/* Keep those all candidates share; reset the counters for the next cset. */
	{
		uint32_t w = touched;

		for (uint32_t i = touched; i < l->n; i++) {
			uint32_t it = l->item[i], x = it & ITEM_MASK;
			uint32_t *cnt = it & OUT_CUT ? &out_count[x] : it & IN_CUT ? &in_count[x] :
						       &edge_count[x];

			if (*cnt == cs->count)
				l->item[w++] = it;
			*cnt = 0;
		}
		l->n = w;
	}
	return 0;
}

/* The least max ratio over a cut of edges carrying total units: with equal
 * capacities the busiest edge carries at least ceil(total / n). */
static struct plan_ratio cut_bound(const struct plan *p, const uint32_t *edges, uint32_t n,
				   uint64_t total)
{
	uint64_t sum = 0;
	bool equal = true;

	for (uint32_t i = 0; i < n; i++) {
		sum += p->cap[edges[i]];
		equal &= p->cap[edges[i]] == p->cap[edges[0]];
	}
	if (!n || !total)
		return (struct plan_ratio){ 0, 1 };
	if (equal)
		return (struct plan_ratio){ (total + n - 1) / n, p->cap[edges[0]] };
	return (struct plan_ratio){ total, sum };
}

static void bound_max(struct plan_ratio *best, struct plan_ratio r)
{
	if (pm_ratio_cmp(r.num, r.den, best->num, best->den) > 0)
		*best = r;
}

/* Edges of vertex v's cut: out to switches, or in from switches. */
static uint32_t cut_edges(const struct plan *p, uint32_t v, bool out, uint32_t *buf)
{
	uint32_t n = 0;

	if (out) {
		for (uint32_t i = p->out_start[v]; i < p->out_start[v + 1]; i++)
			if (p->sw_of[p->t->e[p->out_edge[i]].to] != NONE)
				buf[n++] = p->out_edge[i];
	} else {
		for (uint32_t i = p->in_start[v]; i < p->in_start[v + 1]; i++)
			if (p->sw_of[p->t->e[p->in_edge[i]].from] != NONE)
				buf[n++] = p->in_edge[i];
	}
	return n;
}

int pm_lower_bound(struct plan *p, struct err *e)
{
	uint32_t *edge_count = calloc(p->ne + 1, sizeof(uint32_t));
	uint32_t *out_count = calloc(p->nsw + 1, sizeof(uint32_t));
	uint32_t *in_count = calloc(p->nsw + 1, sizeof(uint32_t));
	struct cset_forced *cf = calloc(p->ncsets + 1, sizeof(*cf));
	uint64_t *forced = calloc(p->ne + 1, sizeof(uint64_t));
	uint64_t *out_total = calloc(p->nv + 1, sizeof(uint64_t));
	uint64_t *in_total = calloc(p->nv + 1, sizeof(uint64_t));
	uint32_t *buf = malloc((p->ne + 1) * sizeof(uint32_t));
	struct forced_lists l = { 0 };
	struct plan_ratio best = { 0, 1 };
	int rc = -1;

	if (!edge_count || !out_count || !in_count || !cf || !forced || !out_total || !in_total ||
	    !buf)
		goto oom;
	for (uint32_t id = 0; id < p->ncsets; id++) {
		cf[id].first = l.n;
		if (cset_shared(p, id, edge_count, out_count, in_count, &l))
			goto oom;
		cf[id].count = l.n - cf[id].first;
	}
	for (size_t i = 0; i < p->nflows; i++) {
		const struct pm_flow *f = &p->flows[i];
		uint64_t units = (uint64_t)f->demand * p->k;

		if (f->cset == NONE)
			continue;
		if (p->csets[f->cset].direct) {
			forced[pm_edge_find(p, f->src, f->dst)] += units;
			continue;
		}
		/* Every path leaves the source host and enters the destination. */
		out_total[f->src] += units;
		in_total[f->dst] += units;
		for (uint32_t j = 0; j < cf[f->cset].count; j++) {
			uint32_t it = l.item[cf[f->cset].first + j], x = it & ITEM_MASK;

			if (it & OUT_CUT)
				out_total[p->sw_vertex[x]] += units;
			else if (it & IN_CUT)
				in_total[p->sw_vertex[x]] += units;
			else
				forced[x] += units;
		}
	}
	for (uint32_t i = 0; i < p->ne; i++)
		if (p->cap[i] && forced[i])
			bound_max(&best, (struct plan_ratio){ forced[i], p->cap[i] });
	for (uint32_t v = 0; v < p->nv; v++) {
		if (out_total[v])
			bound_max(&best, cut_bound(p, buf, cut_edges(p, v, true, buf), out_total[v]));
		if (in_total[v])
			bound_max(&best, cut_bound(p, buf, cut_edges(p, v, false, buf), in_total[v]));
	}
	p->lb_units = best;
	rc = 0;
	goto out;
oom:
	errf(e, "out of memory");
out:
	free(edge_count);
	free(out_count);
	free(in_count);
	free(cf);
	free(forced);
	free(out_total);
	free(in_total);
	free(buf);
	free(l.item);
	return rc;
}
