// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The traffic pattern as flows: all-to-all, ring, or the pairs (pairs.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

static int flow_cmp(const void *a, const void *b)
{
	const struct pm_flow *x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t pm_flow_find(const struct plan *p, uint32_t src, uint32_t dst)
{
	size_t lo = 0, hi = p->nflows;
	struct pm_flow key = { .src = src, .dst = dst };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = flow_cmp(&p->flows[mid], &key);

		if (c == 0)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/* Hosts' vertexes, by member; fails on a member the topology does not know. */
static int member_vertices(struct plan *p, uint32_t *vert, struct err *e)
{
	char id[sizeof(TOPO_HOST_PREFIX) + MEMBER_NAME_MAX];

	for (size_t i = 0; i < p->m->n; i++) {
		long v;

		snprintf(id, sizeof(id), TOPO_HOST_PREFIX "%s", p->m->v[i].name);
		v = topology_find(p->t, id);
		if (v < 0)
			return errf(e, "host %s is not in the topology (no vertex %s)", p->m->v[i].name,
				    id);
		vert[i] = (uint32_t)v;
		p->member_of[v] = (uint32_t)i;
	}
	return 0;
}

static int make_flows(struct plan *p, const uint32_t *vert, struct err *e)
{
	size_t n = p->m->n, count = 0;

	switch (p->o.pattern) {
	case PLAN_ALL_TO_ALL:
		count = n * (n - 1);
		break;
	case PLAN_RING:
		count = n > 1 ? n : 0;
		break;
	case PLAN_PAIRS:
		count = p->o.pairs ? p->o.pairs->n : 0;
		break;
	}
	p->flows = malloc((count + 1) * sizeof(*p->flows));
	if (!p->flows)
		return errf(e, "out of memory: %zu flows", count);
	if (p->o.pattern == PLAN_ALL_TO_ALL) {
		/* Generated in (src, dst) order: no sort for a million flows. */
		uint32_t *sorted = malloc((n + 1) * sizeof(uint32_t));

		if (!sorted)
			return errf(e, "out of memory");
		memcpy(sorted, vert, n * sizeof(uint32_t));
		qsort(sorted, n, sizeof(uint32_t), u32_cmp);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				if (i != j)
					p->flows[p->nflows++] =
						(struct pm_flow){ sorted[i], sorted[j], 1, NONE };
		free(sorted);
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		size_t s = p->o.pattern == PLAN_RING ? i : p->o.pairs->v[i].src;
		size_t d = p->o.pattern == PLAN_RING ? (i + 1) % n : p->o.pairs->v[i].dst;
		uint32_t demand = p->o.pattern == PLAN_RING ? 1 : p->o.pairs->v[i].demand;

		if (s >= n || d >= n || s == d)
			return errf(e, "flow %zu: hosts out of range", i);
		p->flows[p->nflows++] = (struct pm_flow){ vert[s], vert[d], demand, NONE };
	}
	qsort(p->flows, p->nflows, sizeof(*p->flows), flow_cmp);
	/* A pair given twice is one flow with the summed demand. */
	count = 0;
	for (size_t i = 0; i < p->nflows; i++) {
		if (count && !flow_cmp(&p->flows[count - 1], &p->flows[i])) {
			struct pm_flow *f = &p->flows[count - 1];

			if ((uint64_t)f->demand + p->flows[i].demand > PLAN_DEMAND_MAX)
				return errf(e, "flow %s -> %s: demand adds up past %u",
					    p->t->v[f->src].id, p->t->v[f->dst].id, PLAN_DEMAND_MAX);
			f->demand += p->flows[i].demand;
			continue;
		}
		p->flows[count++] = p->flows[i];
	}
	p->nflows = count;
	return 0;
}

int pm_flows_build(struct plan *p, struct err *e)
{
	uint32_t *vert = malloc((p->m->n + 1) * sizeof(uint32_t));
	int rc = -1;

	p->member_of = malloc((p->nv + 1) * sizeof(uint32_t));
	if (!vert || !p->member_of) {
		free(vert);
		return errf(e, "out of memory");
	}
	memset(p->member_of, 0xff, (p->nv + 1) * sizeof(uint32_t));
	if (p->o.pattern == PLAN_ALL_TO_ALL && p->m->n > 65536) {
		errf(e, "all-to-all over %zu hosts is too many flows", p->m->n);
		goto out;
	}
	if (member_vertices(p, vert, e) || make_flows(p, vert, e))
		goto out;
	for (size_t i = 0; i < p->nflows; i++) {
		struct pm_flow *f = &p->flows[i];

		if (pm_cset_for(p, f->src, f->dst, &f->cset, e))
			goto out;
	}
	rc = 0;
out:
	free(vert);
	return rc;
}
