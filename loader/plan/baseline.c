// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the alternatives would do with the same flows, for the summary:
 * - ECMP: every hop hashes the flow onto one of its equal-cost next hops
 *   (a fixed hash per seed; the summary reports the mean over the seeds).
 * - Jalapeño's shortest_path/load: one call per flow in rank order (source
 *   rank, then destination rank); each call takes the path whose links have
 *   the least summed load and adds 10 to each of them. Ties go to the first
 *   candidate; the detours the real server may take when every shortest path
 *   is loaded are not modelled.
 * Both report the busiest link's load / capacity with each flow on one path.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define ECMP_SEED 0x5336u

/* A cset's candidates as a trie of hops; ECMP picks a child at every node. */
struct trie_node {
	uint32_t step;        /* attachment index or edge id taken to get here */
	uint32_t first_child; /* children are contiguous */
	uint32_t nchildren;
	uint32_t cand;        /* at a leaf: the candidate */
};

struct trie {
	struct trie_node *node;
	uint32_t n, cap;
	uint32_t *root; /* per cset: its root node */
};

/* Hops of candidate c as steps: up-link index, switch edges, down-link index. */
static uint32_t cand_steps(const struct plan *p, const struct pm_cset *cs, uint32_t c,
			   uint32_t *steps)
{
	const struct pm_cand *cand = &p->cands[cs->first + c];
	uint32_t n = 0;

	steps[n++] = cand->att_up;
	if (cand->path != NONE) {
		const struct pm_path *path = &p->paths[cand->path];

		memcpy(&steps[n], &p->path_edges[path->first], path->len * sizeof(uint32_t));
		n += path->len;
	}
	steps[n++] = cand->att_down;
	return n;
}

/*
 * Build cset's trie breadth-first so that each node's children are
 * contiguous: candidates are grouped by their prefix at every level.
 */
static int trie_build(const struct plan *p, struct trie *t, uint32_t id)
{
	const struct pm_cset *cs = &p->csets[id];
	uint32_t steps[PLAN_CANDS_MAX][PLAN_HOPS_MAX], len = 0, group[PLAN_CANDS_MAX];
	uint32_t level_first, level_n, need;

	for (uint32_t c = 0; c < cs->count; c++) {
		len = cand_steps(p, cs, c, steps[c]);
		group[c] = 0; /* node (relative to level_first) the candidate is at */
	}
	need = t->n + 1 + cs->count * len;
	if (need > t->cap) {
		uint32_t ncap = t->cap ? t->cap : 1024;
		struct trie_node *v;

		while (ncap < need)
			ncap *= 2;
		v = realloc(t->node, ncap * sizeof(*v));
		if (!v)
			return -1;
		t->node = v;
		t->cap = ncap;
	}
	t->root[id] = t->n;
	t->node[t->n++] = (struct trie_node){ NONE, 0, 0, NONE };
	level_first = t->root[id];
	level_n = 1;
	for (uint32_t d = 0; d < len; d++) {
		uint32_t next_first = t->n;

		/* Children of each node of this level, in candidate order. */
		for (uint32_t g = 0; g < level_n; g++) {
			struct trie_node *parent = &t->node[level_first + g];

			parent->first_child = t->n;
			for (uint32_t c = 0; c < cs->count; c++) {
				uint32_t k;

				if (group[c] != g)
					continue;
				for (k = parent->first_child; k < t->n; k++)
					if (t->node[k].step == steps[c][d])
						break;
				if (k == t->n)
					t->node[t->n++] = (struct trie_node){ steps[c][d], 0, 0, c };
				parent->nchildren = t->n - parent->first_child;
			}
		}
		for (uint32_t c = 0; c < cs->count; c++) {
			uint32_t g = group[c], k;
			const struct trie_node *parent = &t->node[level_first + g];

			for (k = parent->first_child; t->node[k].step != steps[c][d]; k++)
				;
			group[c] = k - next_first;
		}
		level_first = next_first;
		level_n = t->n - next_first;
	}
	return 0;
}

/* a + b, reduced (denominators are small: capacities after their gcd). */
static struct plan_ratio ratio_add(struct plan_ratio a, struct plan_ratio b)
{
	struct plan_ratio r = { a.num * b.den + b.num * a.den, a.den * b.den };
	uint64_t g = pm_gcd(r.num, r.den);

	return g > 1 ? (struct plan_ratio){ r.num / g, r.den / g } : r;
}

int pm_ecmp(struct plan *p, struct err *e)
{
	uint64_t *load = calloc((size_t)(p->ne + 1) * PLAN_ECMP_SEEDS, sizeof(uint64_t));
	struct trie t = { .root = malloc((p->ncsets + 1) * sizeof(uint32_t)) };
	uint32_t edges[PLAN_HOPS_MAX];
	struct plan_ratio sum = { 0, 1 };
	int rc = -1;

	if (!load || !t.root)
		goto oom;
	for (uint32_t id = 0; id < p->ncsets; id++)
		if (!p->csets[id].direct && trie_build(p, &t, id))
			goto oom;
	for (size_t i = 0; i < p->nflows; i++) {
		const struct pm_flow *f = &p->flows[i];
		uint64_t h0;

		if (f->cset == NONE)
			continue;
		h0 = pm_mix(ECMP_SEED ^ ((uint64_t)f->src << 32 | f->dst));
		for (unsigned int s = 0; s < PLAN_ECMP_SEEDS; s++) {
			uint64_t h = pm_mix(h0 + s);
			uint32_t c = 0, node, n;

			if (!p->csets[f->cset].direct) {
				/* Each hop hashes the flow with its own salt (the node). */
				for (node = t.root[f->cset]; t.node[node].nchildren;) {
					const struct trie_node *x = &t.node[node];

					node = x->first_child +
					       (uint32_t)(pm_mix(h ^ node) % x->nchildren);
				}
				c = t.node[node].cand;
			}
			n = pm_cand_edges(p, f, c, edges);
			for (uint32_t j = 0; j < n; j++)
				load[(size_t)edges[j] * PLAN_ECMP_SEEDS + s] += f->demand;
		}
	}
	/* Mean of the per-seed maxima, as one exact ratio. */
	for (unsigned int s = 0; s < PLAN_ECMP_SEEDS; s++) {
		struct plan_ratio max = { 0, 1 };

		for (uint32_t j = 0; j < p->ne; j++) {
			uint64_t l = load[(size_t)j * PLAN_ECMP_SEEDS + s];

			if (p->cap[j] && pm_ratio_cmp(l, p->cap[j], max.num, max.den) > 0)
				max = (struct plan_ratio){ l, p->cap[j] };
		}
		sum = ratio_add(sum, max);
	}
	p->s.ecmp_max_load = (struct plan_ratio){ sum.num, sum.den * PLAN_ECMP_SEEDS };
	rc = 0;
	goto out;
oom:
	errf(e, "out of memory");
out:
	free(load);
	free(t.node);
	free(t.root);
	return rc;
}

/* Flow indexes in rank order: (source rank, destination rank), by two stable
 * counting passes. */
static uint32_t *rank_order(const struct plan *p)
{
	size_t n = p->nflows, nm = p->m->n;
	uint32_t *a = malloc((n + 1) * sizeof(uint32_t)), *b = malloc((n + 1) * sizeof(uint32_t));
	size_t *count = calloc(nm + 1, sizeof(size_t));

	if (!a || !b || !count) {
		free(a);
		free(b);
		free(count);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		a[i] = (uint32_t)i;
	for (int pass = 0; pass < 2; pass++) {
		memset(count, 0, (nm + 1) * sizeof(size_t));
		for (size_t i = 0; i < n; i++) {
			const struct pm_flow *f = &p->flows[a[i]];

			count[p->member_of[pass ? f->src : f->dst] + 1]++;
		}
		for (size_t r = 0; r < nm; r++)
			count[r + 1] += count[r];
		for (size_t i = 0; i < n; i++) {
			const struct pm_flow *f = &p->flows[a[i]];

			b[count[p->member_of[pass ? f->src : f->dst]]++] = a[i];
		}
		memcpy(a, b, n * sizeof(uint32_t));
	}
	free(b);
	free(count);
	return a;
}

int pm_jalapeno_load(struct plan *p, struct err *e)
{
	uint64_t *calls = calloc(p->ne + 1, sizeof(uint64_t));
	uint64_t *load = calloc(p->ne + 1, sizeof(uint64_t));
	uint32_t *order = rank_order(p), edges[PLAN_HOPS_MAX];
	struct plan_ratio max = { 0, 1 };

	if (!calls || !load || !order) {
		free(calls);
		free(load);
		free(order);
		return errf(e, "out of memory");
	}
	for (size_t o = 0; o < p->nflows; o++) {
		const struct pm_flow *f = &p->flows[order[o]];
		uint64_t best = UINT64_MAX;
		uint32_t pick = 0, n;

		if (f->cset == NONE)
			continue;
		if (p->csets[f->cset].direct) {
			pick = 0;
		} else {
			/* Hot loop: read the candidates in place rather than copying edges. */
			const struct pm_cset *cs = &p->csets[f->cset];
			const uint32_t *up = &p->att_edges[p->att[f->src].up_first];
			const uint32_t *down = &p->att_edges[p->att[f->dst].down_first];

			for (uint32_t c = 0; c < cs->count; c++) {
				const struct pm_cand *cand = &p->cands[cs->first + c];
				uint64_t w = calls[up[cand->att_up]] + calls[down[cand->att_down]];

				if (cand->path != NONE) {
					const struct pm_path *path = &p->paths[cand->path];
					const uint32_t *pe = &p->path_edges[path->first];

					for (uint32_t j = 0; j < path->len; j++)
						w += calls[pe[j]];
				}
				if (w < best) {
					best = w;
					pick = c;
				}
			}
		}
		n = pm_cand_edges(p, f, pick, edges);
		for (uint32_t j = 0; j < n; j++) {
			calls[edges[j]] += 10;
			load[edges[j]] += f->demand;
		}
	}
	for (uint32_t j = 0; j < p->ne; j++)
		if (p->cap[j] && pm_ratio_cmp(load[j], p->cap[j], max.num, max.den) > 0)
			max = (struct plan_ratio){ load[j], p->cap[j] };
	p->s.jalapeno_load_max_load = max;
	free(calls);
	free(load);
	free(order);
	return 0;
}
