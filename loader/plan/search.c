// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The general fallback (failed links, oversubscription, unequal demands,
 * irregular graphs): greedy least-loaded in a canonical order, then a local
 * search that takes the busiest link below the maximum with a chain of moves
 * found breadth-first (move x off it onto a link that then reaches the
 * maximum, move y off that one, ... until a move puts no link at the maximum:
 * Kempe chains, in path terms), within a fixed budget of candidate
 * evaluations. Integers only; every order is canonical.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define LS_BUDGET 8000000u /* candidate evaluations, whatever the input */

struct cost {
	uint64_t num, den; /* highest load/capacity on the path after adding */
	uint64_t sum;      /* loads on the path after adding (tie-break) */
};

static int cost_cmp(const struct cost *a, const struct cost *b)
{
	int c = pm_ratio_cmp(a->num, a->den, b->num, b->den);

	if (c)
		return c;
	return a->sum < b->sum ? -1 : a->sum > b->sum;
}

static void path_cost(const struct plan *p, const uint32_t *edges, uint32_t n, uint64_t add,
		      struct cost *out)
{
	*out = (struct cost){ 0, 1, 0 };
	for (uint32_t i = 0; i < n; i++) {
		uint64_t l = p->load[edges[i]] + add;

		if (pm_ratio_cmp(l, p->cap[edges[i]], out->num, out->den) > 0) {
			out->num = l;
			out->den = p->cap[edges[i]];
		}
		out->sum += l;
	}
}

static int order_cmp(const void *a, const void *b, void *arg)
{
	const struct plan *p = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	/* Big flows first (they are hardest to fit), then canonical order. */
	if (p->flows[x].demand != p->flows[y].demand)
		return p->flows[x].demand > p->flows[y].demand ? -1 : 1;
	return x < y ? -1 : x > y;
}

int pm_greedy(struct plan *p, const bool *fixed, struct err *e)
{
	uint32_t *order = malloc((p->nflows + 1) * sizeof(uint32_t));
	uint32_t edges[PLAN_HOPS_MAX];
	size_t n = 0;

	if (!order)
		return errf(e, "out of memory");
	for (size_t i = 0; i < p->nflows; i++) {
		for (unsigned int j = 0; j < p->k; j++) {
			size_t sub = i * p->k + j;

			if (!fixed || !fixed[sub])
				p->sub[sub] = NONE;
		}
		if (p->flows[i].cset != NONE)
			order[n++] = (uint32_t)i;
	}
	pm_loads_recompute(p);
	qsort_r(order, n, sizeof(*order), order_cmp, p);
	for (size_t o = 0; o < n; o++) {
		const struct pm_flow *f = &p->flows[order[o]];
		const struct pm_cset *cs = &p->csets[f->cset];

		for (unsigned int j = 0; j < p->k; j++) {
			size_t sub = (size_t)order[o] * p->k + j;
			struct cost best = { 0 }, c;
			uint32_t pick = 0;

			if (fixed && fixed[sub])
				continue;
			for (uint32_t cand = 0; cand < cs->count && cs->count > 1; cand++) {
				uint32_t ne = pm_cand_edges(p, f, cand, edges);

				path_cost(p, edges, ne, f->demand, &c);
				if (cand == 0 || cost_cmp(&c, &best) < 0) {
					best = c;
					pick = cand;
				}
			}
			p->sub[sub] = pick;
			pm_load_apply(p, f, pick, 1);
		}
	}
	free(order);
	return 0;
}

/* --- local search ------------------------------------------------------------------ */

/* Subflows on each link, with each subflow's slot in its links' lists. */
struct onlink {
	uint32_t **subs; /* per edge */
	uint32_t *count, *cap;
	size_t *pos_first; /* per subflow: its hops' slots in pos[] */
	uint32_t *pos;
	uint64_t budget;
};

static int list_add(struct onlink *ol, uint32_t ed, uint32_t sub, uint32_t *slot)
{
	if (ol->count[ed] == ol->cap[ed]) {
		uint32_t ncap = ol->cap[ed] ? ol->cap[ed] * 2 : 16;
		uint32_t *v = realloc(ol->subs[ed], ncap * sizeof(*v));

		if (!v)
			return -1;
		ol->subs[ed] = v;
		ol->cap[ed] = ncap;
	}
	*slot = ol->count[ed];
	ol->subs[ed][ol->count[ed]++] = sub;
	return 0;
}

static void list_del(struct plan *p, struct onlink *ol, uint32_t ed, uint32_t slot)
{
	uint32_t last = ol->subs[ed][--ol->count[ed]], edges[PLAN_HOPS_MAX], n;
	const struct pm_flow *f = &p->flows[last / p->k];

	if (slot == ol->count[ed])
		return;
	ol->subs[ed][slot] = last;
	n = pm_cand_edges(p, f, p->sub[last], edges);
	for (uint32_t h = 0; h < n; h++)
		if (edges[h] == ed)
			ol->pos[ol->pos_first[last] + h] = slot;
}

/* Put subflow sub on candidate c (loads and link lists follow). */
static int move(struct plan *p, struct onlink *ol, uint32_t sub, uint32_t c)
{
	const struct pm_flow *f = &p->flows[sub / p->k];
	uint32_t edges[PLAN_HOPS_MAX], n = pm_cand_edges(p, f, p->sub[sub], edges);

	for (uint32_t h = 0; h < n; h++)
		list_del(p, ol, edges[h], ol->pos[ol->pos_first[sub] + h]);
	pm_load_apply(p, f, p->sub[sub], -1);
	p->sub[sub] = c;
	pm_load_apply(p, f, c, 1);
	n = pm_cand_edges(p, f, c, edges);
	for (uint32_t h = 0; h < n; h++)
		if (list_add(ol, edges[h], sub, &ol->pos[ol->pos_first[sub] + h]))
			return -1;
	return 0;
}

static void onlink_free(struct plan *p, struct onlink *ol)
{
	for (uint32_t i = 0; ol->subs && i < p->ne; i++)
		free(ol->subs[i]);
	free(ol->subs);
	free(ol->count);
	free(ol->cap);
	free(ol->pos_first);
	free(ol->pos);
}

static int onlink_build(struct plan *p, struct onlink *ol)
{
	size_t total = p->nflows * p->k, npos = 0;
	uint32_t edges[PLAN_HOPS_MAX];

	ol->subs = calloc(p->ne + 1, sizeof(*ol->subs));
	ol->count = calloc(p->ne + 1, sizeof(uint32_t));
	ol->cap = calloc(p->ne + 1, sizeof(uint32_t));
	ol->pos_first = malloc((total + 1) * sizeof(size_t));
	if (!ol->subs || !ol->count || !ol->cap || !ol->pos_first)
		return -1;
	for (size_t s = 0; s < total; s++) {
		const struct pm_flow *f = &p->flows[s / p->k];

		ol->pos_first[s] = npos;
		if (p->sub[s] != NONE)
			npos += p->csets[f->cset].hops;
	}
	ol->pos = malloc((npos + 1) * sizeof(uint32_t));
	if (!ol->pos)
		return -1;
	for (size_t s = 0; s < total; s++) {
		const struct pm_flow *f = &p->flows[s / p->k];
		uint32_t n;

		if (p->sub[s] == NONE || p->csets[f->cset].count < 2)
			continue; /* a subflow with one candidate never moves */
		n = pm_cand_edges(p, f, p->sub[s], edges);
		for (uint32_t h = 0; h < n; h++)
			if (list_add(ol, edges[h], (uint32_t)s, &ol->pos[ol->pos_first[s] + h]))
				return -1;
	}
	return 0;
}

enum judged { MOVE_BAD, MOVE_FREE, MOVE_ONE, MOVE_MANY };

/*
 * What moving subflow sub off link ed onto candidate c does, against max:
 * MOVE_BAD when a link would exceed max or c keeps ed; MOVE_FREE when no link
 * reaches max; MOVE_ONE when exactly one (*hot) does. Links the old and new
 * path share keep their load.
 */
static enum judged judge(struct plan *p, uint32_t sub, uint32_t c, uint32_t ed,
			 const struct plan_ratio *max, uint32_t *hot)
{
	const struct pm_flow *f = &p->flows[sub / p->k];
	uint32_t cur[PLAN_HOPS_MAX], edges[PLAN_HOPS_MAX], ncur, n, nhot = 0;

	ncur = pm_cand_edges(p, f, p->sub[sub], cur);
	n = pm_cand_edges(p, f, c, edges);
	for (uint32_t h = 0; h < n; h++) {
		bool shared = false;
		int cmp;

		for (uint32_t g = 0; g < ncur && !shared; g++)
			shared = cur[g] == edges[h];
		if (shared) {
			if (edges[h] == ed)
				return MOVE_BAD;
			continue;
		}
		cmp = pm_ratio_cmp(p->load[edges[h]] + f->demand, p->cap[edges[h]], max->num,
				   max->den);
		if (cmp > 0)
			return MOVE_BAD;
		if (cmp == 0 && nhot++ == 0)
			*hot = edges[h];
	}
	return nhot == 0 ? MOVE_FREE : nhot == 1 ? MOVE_ONE : MOVE_MANY;
}

/* Breadth-first search over links for a chain of moves (an augmenting path,
 * Kempe-chain style): each move takes a subflow off a link at max and puts at
 * most one other link at max; the last puts none there. */
struct chain {
	uint32_t *seen; /* per link: the search that reached it */
	uint32_t *mark, mark_stamp; /* per link: counted by at_max */
	uint32_t *from, *sub, *cand; /* per link: the move that put it at max */
	uint32_t *queue;
	uint32_t stamp;
};

static int chain_alloc(struct chain *ch, uint32_t ne)
{
	ch->seen = calloc(ne + 1, sizeof(uint32_t));
	ch->mark = calloc(ne + 1, sizeof(uint32_t));
	ch->from = malloc((ne + 1) * sizeof(uint32_t));
	ch->sub = malloc((ne + 1) * sizeof(uint32_t));
	ch->cand = malloc((ne + 1) * sizeof(uint32_t));
	ch->queue = malloc((ne + 1) * sizeof(uint32_t));
	return ch->seen && ch->mark && ch->from && ch->sub && ch->cand && ch->queue ? 0 : -1;
}

static void chain_free(struct chain *ch)
{
	free(ch->seen);
	free(ch->mark);
	free(ch->from);
	free(ch->sub);
	free(ch->cand);
	free(ch->queue);
}

/* Links at max or above on the paths cands[i] of subflows subs[i], each link
 * counted once. */
static uint32_t at_max(struct plan *p, const uint32_t *subs, const uint32_t *cands, uint32_t n,
		       const struct plan_ratio *max, uint32_t stamp, uint32_t *seen)
{
	uint32_t count = 0, edges[PLAN_HOPS_MAX];

	for (uint32_t i = 0; i < n; i++) {
		uint32_t ne = pm_cand_edges(p, &p->flows[subs[i] / p->k], cands[i], edges);

		for (uint32_t h = 0; h < ne; h++) {
			if (seen[edges[h]] == stamp)
				continue;
			seen[edges[h]] = stamp;
			count += pm_ratio_cmp(p->load[edges[h]], p->cap[edges[h]], max->num,
					      max->den) >= 0;
		}
	}
	return count;
}

#define CHAIN_MAX 256 /* moves in one chain */

/* The chain of moves that put link ed at max, newest first. */
static uint32_t chain_to(const struct chain *ch, uint32_t ed, uint32_t *subs, uint32_t *to,
			 uint32_t max)
{
	uint32_t n = 0;

	for (; ch->from[ed] != NONE && n < max; ed = ch->from[ed]) {
		subs[n] = ch->sub[ed];
		to[n++] = ch->cand[ed];
	}
	return n;
}

/*
 * Apply the chain ending with (sub, c) off link last. Loads changed by earlier
 * moves in the chain may make it fail: then it is undone. Returns 1 when the
 * links at max (and above) on the touched paths became fewer.
 */
static int apply_chain(struct plan *p, struct onlink *ol, struct chain *ch, uint32_t last,
		       uint32_t sub, uint32_t c, const struct plan_ratio *max)
{
	uint32_t subs[CHAIN_MAX], to[CHAIN_MAX], old[CHAIN_MAX], both[2 * CHAIN_MAX];
	uint32_t paths[2 * CHAIN_MAX]; /* both[i] on paths[i]: old paths, then new */
	uint32_t n, before, after;

	subs[0] = sub;
	to[0] = c;
	n = 1 + chain_to(ch, last, subs + 1, to + 1, CHAIN_MAX - 1);
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = i + 1; j < n; j++)
			if (subs[i] == subs[j])
				return 0; /* one subflow twice: not a simple chain */
	for (uint32_t i = 0; i < n; i++) {
		old[i] = p->sub[subs[i]];
		both[i] = subs[i];
		both[n + i] = subs[i];
	}
	memcpy(paths, old, n * sizeof(uint32_t));
	memcpy(paths + n, to, n * sizeof(uint32_t));
	before = at_max(p, both, paths, 2 * n, max, ++ch->mark_stamp, ch->mark);
	for (uint32_t i = n; i-- > 0;)
		if (move(p, ol, subs[i], to[i]))
			return -1;
	after = at_max(p, both, paths, 2 * n, max, ++ch->mark_stamp, ch->mark);
	if (after < before) {
		/* none above max either: every link a move added to was checked */
		uint32_t edges[PLAN_HOPS_MAX];
		bool over = false;

		for (uint32_t i = 0; i < n && !over; i++) {
			uint32_t ne = pm_cand_edges(p, &p->flows[subs[i] / p->k], to[i], edges);

			for (uint32_t h = 0; h < ne && !over; h++)
				over = pm_ratio_cmp(p->load[edges[h]], p->cap[edges[h]], max->num,
						    max->den) > 0;
		}
		if (!over)
			return 1;
	}
	for (uint32_t i = 0; i < n; i++)
		if (move(p, ol, subs[i], old[i]))
			return -1;
	return 0;
}

/* Loads as if moves[0..n) (newest first) were made, or back (undo). The link
 * lists stay as they are: the search only reads loads and p->sub. */
static void pretend(struct plan *p, const uint32_t *subs, const uint32_t *to, uint32_t *old,
		    uint32_t n, bool undo)
{
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = undo ? k : n - 1 - k, s = subs[i];
		const struct pm_flow *f = &p->flows[s / p->k];

		if (!undo)
			old[i] = p->sub[s];
		pm_load_apply(p, f, p->sub[s], -1);
		p->sub[s] = undo ? old[i] : to[i];
		pm_load_apply(p, f, p->sub[s], 1);
	}
}

/* Take link ed below max through a chain of moves. 1: done, 0: no chain found
 * within the budget, -1: out of memory. Each link's moves are judged with the
 * loads its chain leaves behind. */
static int relieve(struct plan *p, struct onlink *ol, struct chain *ch, uint32_t ed,
		   const struct plan_ratio *max)
{
	uint32_t head = 0, tail = 0, search = ++ch->stamp;
	uint32_t subs[CHAIN_MAX], to[CHAIN_MAX], old[CHAIN_MAX];

	ch->seen[ed] = search;
	ch->from[ed] = NONE;
	ch->queue[tail++] = ed;
	while (head < tail && ol->budget) {
		uint32_t e = ch->queue[head++], n = chain_to(ch, e, subs, to, CHAIN_MAX);

		pretend(p, subs, to, old, n, false);
		for (uint32_t i = 0; i < ol->count[e] && ol->budget; i++) {
			uint32_t sub = ol->subs[e][i];
			const struct pm_cset *cs = &p->csets[p->flows[sub / p->k].cset];

			for (uint32_t c = 0; c < cs->count && ol->budget; c++) {
				uint32_t hot = NONE;
				enum judged j;
				int r;

				if (c == p->sub[sub])
					continue;
				ol->budget--;
				j = judge(p, sub, c, e, max, &hot);
				if (j == MOVE_FREE) {
					/* An undone chain may reorder e's list: a subflow may
					 * be skipped or seen twice, never endlessly. */
					pretend(p, subs, to, old, n, true);
					r = apply_chain(p, ol, ch, e, sub, c, max);
					if (r)
						return r;
					pretend(p, subs, to, old, n, false);
					continue;
				}
				if (j == MOVE_ONE && ch->seen[hot] != search && n + 2 < CHAIN_MAX) {
					ch->seen[hot] = search;
					ch->from[hot] = e;
					ch->sub[hot] = sub;
					ch->cand[hot] = c;
					ch->queue[tail++] = hot;
				}
			}
		}
		pretend(p, subs, to, old, n, true);
	}
	return 0;
}

int pm_local_search(struct plan *p, struct err *e)
{
	struct onlink ol = { .budget = LS_BUDGET };
	struct chain ch = { 0 };
	struct plan_ratio max;
	uint32_t ed;
	int rc = 0;

	ed = pm_max_edge(p, &max);
	if (ed == NONE || pm_ratio_cmp(max.num, max.den, p->lb_units.num, p->lb_units.den) <= 0)
		return 0;
	if (onlink_build(p, &ol) || chain_alloc(&ch, p->ne)) {
		rc = -1;
		goto out;
	}
	while (ol.budget) {
		ed = pm_max_edge(p, &max);
		if (pm_ratio_cmp(max.num, max.den, p->lb_units.num, p->lb_units.den) <= 0)
			break;
		rc = relieve(p, &ol, &ch, ed, &max);
		if (rc <= 0)
			break;
		rc = 0;
	}
out:
	onlink_free(p, &ol);
	chain_free(&ch);
	return rc < 0 ? errf(e, "out of memory") : 0;
}
