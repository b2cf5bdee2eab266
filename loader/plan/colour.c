// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Exact assignments for the fabrics AI clusters use. On a 2-tier leaf-spine
 * the cross-leaf flows form a bipartite multigraph (source leaf -> destination
 * leaf); König says it can be edge-coloured so that each leaf uses each colour
 * at most ceil(degree / spines) times, and colour = spine then gives every
 * uplink and downlink exactly the lower bound. On a k-ary fat-tree the same
 * colouring picks the aggregation switch (edge -> edge graph), then, per
 * aggregation plane, the core (pod -> pod graph).
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define PAIRS_MAX (1u << 24) /* left x right counters we are willing to hold */

/* --- balanced bipartite edge colouring --------------------------------------- */

struct kempe {
	uint32_t ncol;
	uint32_t *at;    /* split vertex x colour -> item, NONE when free */
	uint32_t *u, *v; /* item -> its left and right split vertex */
	uint32_t *col;   /* item -> colour */
	uint32_t *chain; /* scratch: items of an alternating path */
};

static uint32_t free_colour(const struct kempe *k, uint32_t x)
{
	for (uint32_t c = 0; c < k->ncol; c++)
		if (k->at[(size_t)x * k->ncol + c] == NONE)
			return c;
	return NONE; /* cannot happen: a split vertex has at most ncol items */
}

/* Colour item i, flipping an alpha/beta alternating path when needed. */
static void kempe_add(struct kempe *k, uint32_t i)
{
	uint32_t a = free_colour(k, k->u[i]), b = free_colour(k, k->v[i]), n = 0, x, c;

	if (k->at[(size_t)k->v[i] * k->ncol + a] != NONE) {
		/* From v: alpha, beta, alpha... In a bipartite graph it never reaches u. */
		for (x = k->v[i], c = a; k->at[(size_t)x * k->ncol + c] != NONE;
		     c = c == a ? b : a) {
			uint32_t it = k->at[(size_t)x * k->ncol + c];

			k->chain[n++] = it;
			x = k->u[it] == x ? k->v[it] : k->u[it];
		}
		for (uint32_t j = 0; j < n; j++) {
			uint32_t it = k->chain[j];

			k->at[(size_t)k->u[it] * k->ncol + k->col[it]] = NONE;
			k->at[(size_t)k->v[it] * k->ncol + k->col[it]] = NONE;
		}
		for (uint32_t j = 0; j < n; j++) {
			uint32_t it = k->chain[j];

			k->col[it] = k->col[it] == a ? b : a;
			k->at[(size_t)k->u[it] * k->ncol + k->col[it]] = it;
			k->at[(size_t)k->v[it] * k->ncol + k->col[it]] = it;
		}
	}
	k->col[i] = a;
	k->at[(size_t)k->u[i] * k->ncol + a] = i;
	k->at[(size_t)k->v[i] * k->ncol + a] = i;
}

/* The items per (left, right) pair and the split vertexes their remainders
 * (count mod ncol) are coloured on: each vertex splits into groups of ncol. */
struct split {
	uint32_t *m, *seen, *rem_first, *lcount, *rcount, *lbase, *rbase;
	size_t nrem, nsplit;
};

static void split_free(struct split *sp)
{
	free(sp->m);
	free(sp->seen);
	free(sp->rem_first);
	free(sp->lcount);
	free(sp->rcount);
	free(sp->lbase);
	free(sp->rbase);
}

static int split_build(struct split *sp, uint32_t nleft, uint32_t nright, uint32_t ncol,
		       const uint32_t *left, const uint32_t *right, size_t n)
{
	size_t npairs = (size_t)nleft * nright;

	sp->m = calloc(npairs + 1, sizeof(uint32_t));
	sp->seen = calloc(npairs + 1, sizeof(uint32_t));
	sp->rem_first = calloc(npairs + 1, sizeof(uint32_t));
	sp->lcount = calloc(nleft + 1, sizeof(uint32_t));
	sp->rcount = calloc(nright + 1, sizeof(uint32_t));
	sp->lbase = calloc(nleft + 1, sizeof(uint32_t));
	sp->rbase = calloc(nright + 1, sizeof(uint32_t));
	if (!sp->m || !sp->seen || !sp->rem_first || !sp->lcount || !sp->rcount || !sp->lbase ||
	    !sp->rbase)
		return -1;
	for (size_t i = 0; i < n; i++)
		sp->m[(size_t)left[i] * nright + right[i]]++;
	/* Remainder items, pair by pair; each vertex's split groups. */
	for (size_t pr = 0; pr < npairs; pr++) {
		sp->rem_first[pr] = (uint32_t)sp->nrem;
		sp->nrem += sp->m[pr] % ncol;
		sp->lcount[pr / nright] += sp->m[pr] % ncol;
		sp->rcount[pr % nright] += sp->m[pr] % ncol;
	}
	for (uint32_t l = 0; l < nleft; l++) {
		sp->lbase[l] = (uint32_t)sp->nsplit;
		sp->nsplit += (sp->lcount[l] + ncol - 1) / ncol;
		sp->lcount[l] = 0;
	}
	for (uint32_t r = 0; r < nright; r++) {
		sp->rbase[r] = (uint32_t)sp->nsplit;
		sp->nsplit += (sp->rcount[r] + ncol - 1) / ncol;
		sp->rcount[r] = 0;
	}
	return 0;
}

static void kempe_free(struct kempe *k)
{
	free(k->at);
	free(k->u);
	free(k->v);
	free(k->col);
	free(k->chain);
}

/* Colour the remainder items on the split graph (Kempe chains). */
static int kempe_colour(struct kempe *k, struct split *sp, uint32_t nleft, uint32_t nright)
{
	size_t npairs = (size_t)nleft * nright;

	k->at = malloc((sp->nsplit * k->ncol + 1) * sizeof(uint32_t));
	k->u = malloc((sp->nrem + 1) * sizeof(uint32_t));
	k->v = malloc((sp->nrem + 1) * sizeof(uint32_t));
	k->col = malloc((sp->nrem + 1) * sizeof(uint32_t));
	k->chain = malloc((sp->nrem + 1) * sizeof(uint32_t));
	if (!k->at || !k->u || !k->v || !k->col || !k->chain)
		return -1;
	memset(k->at, 0xff, sp->nsplit * k->ncol * sizeof(uint32_t));
	for (size_t pr = 0, it = 0; pr < npairs; pr++) {
		uint32_t l = (uint32_t)(pr / nright), r = (uint32_t)(pr % nright);

		for (uint32_t j = 0; j < sp->m[pr] % k->ncol; j++, it++) {
			k->u[it] = sp->lbase[l] + sp->lcount[l]++ / k->ncol;
			k->v[it] = sp->rbase[r] + sp->rcount[r]++ / k->ncol;
			kempe_add(k, (uint32_t)it);
		}
	}
	return 0;
}

/*
 * Items of one (left, right) pair get floor(m / ncol) of every colour
 * directly; the remainders (fewer than ncol per pair) are coloured by splitting
 * each vertex into groups of ncol items and edge-colouring that graph properly
 * with Kempe chains. At every vertex a colour then appears at most
 * floor-part + ceil(remainder / ncol) = ceil(degree / ncol) times.
 */
int pm_balanced_colour(uint32_t nleft, uint32_t nright, uint32_t ncol, const uint32_t *left,
		       const uint32_t *right, size_t n, uint32_t *colour, struct err *e)
{
	struct kempe k = { .ncol = ncol };
	struct split sp = { 0 };
	int rc = 0;

	if (!ncol || (size_t)nleft * nright > PAIRS_MAX || n >= NONE / 2)
		return errf(e, "colouring: %u x %u vertexes, %zu items: too large", nleft, nright, n);
	if (split_build(&sp, nleft, nright, ncol, left, right, n) ||
	    kempe_colour(&k, &sp, nleft, nright)) {
		rc = errf(e, "out of memory");
		goto out;
	}
	/* Hand the colours out to the items in their given order. */
	for (size_t i = 0; i < n; i++) {
		size_t pr = (size_t)left[i] * nright + right[i];
		uint32_t j = sp.seen[pr]++, whole = sp.m[pr] / ncol * ncol;

		colour[i] = j < whole ? j % ncol : k.col[sp.rem_first[pr] + j - whole];
	}
out:
	split_free(&sp);
	kempe_free(&k);
	return rc;
}

/* --- fabric shapes ------------------------------------------------------------ */

enum role { ROLE_NONE, ROLE_LEAF, ROLE_MID, ROLE_TOP };

struct shape {
	uint8_t *role;   /* per switch */
	uint32_t *index; /* per switch: leaf, spine, an agg's plane, a core's index in its plane */
	uint32_t *pod;   /* per switch (fat-tree): pod of leaves and aggs, plane of cores */
	uint32_t nleaves, npods;
	uint32_t ncls;   /* colours of the first level: spines, or planes (aggs per pod) */
	uint32_t ncore;  /* fat-tree: cores per plane */
	uint64_t cap_low, cap_high;           /* leaf-mid and mid-top capacity */
};

static void shape_free(struct shape *s)
{
	free(s->role);
	free(s->index);
	free(s->pod);
}

/* Switches adjacent to a host are leaves. */
static void mark_leaves(const struct plan *p, struct shape *s)
{
	for (uint32_t i = 0; i < p->ne; i++) {
		const struct topo_edge *ed = &p->t->e[i];
		uint32_t a = p->sw_of[ed->from], b = p->sw_of[ed->to];

		if ((a == NONE) == (b == NONE))
			continue;
		s->role[a != NONE ? a : b] = ROLE_LEAF;
	}
	for (uint32_t x = 0; x < p->nsw; x++)
		if (s->role[x] == ROLE_LEAF)
			s->index[x] = s->nleaves++;
}

/* Linked both ways as built (a link that is down still shapes the fabric). */
static bool both_ways(const struct plan *p, uint32_t x, uint32_t y)
{
	return pm_edge_any(p, p->sw_vertex[x], p->sw_vertex[y]) != NONE &&
	       pm_edge_any(p, p->sw_vertex[y], p->sw_vertex[x]) != NONE;
}

static bool has_links(const struct plan *p, uint32_t x)
{
	return p->any_start[p->sw_vertex[x]] != p->any_start[p->sw_vertex[x] + 1];
}

/* Every switch link joins roles lo and lo + 1 and has the capacity of its tier. */
static bool links_layered(const struct plan *p, struct shape *s)
{
	for (uint32_t i = 0; i < p->ne; i++) {
		const struct topo_edge *ed = &p->t->e[i];
		uint32_t a = p->sw_of[ed->from], b = p->sw_of[ed->to];
		uint8_t lo, hi;
		uint64_t *cap;

		if (a == NONE || b == NONE)
			continue;
		lo = s->role[a] < s->role[b] ? s->role[a] : s->role[b];
		hi = s->role[a] < s->role[b] ? s->role[b] : s->role[a];
		if (lo == ROLE_NONE || hi != lo + 1)
			return false;
		cap = lo == ROLE_LEAF ? &s->cap_low : &s->cap_high;
		if (!ed->up)
			continue;
		if (*cap && *cap != p->cap[i])
			return false;
		*cap = p->cap[i];
	}
	return true;
}

/* Leaves and spines, every leaf linked both ways to every spine. */
static bool detect_leaf_spine(const struct plan *p, struct shape *s)
{
	uint32_t nsp = 0;

	for (uint32_t x = 0; x < p->nsw; x++) {
		if (s->role[x] == ROLE_LEAF || !has_links(p, x))
			continue;
		s->role[x] = ROLE_MID;
		s->index[x] = nsp++;
	}
	if (!nsp || !links_layered(p, s))
		return false;
	for (uint32_t x = 0; x < p->nsw; x++)
		for (uint32_t y = 0; s->role[x] == ROLE_LEAF && y < p->nsw; y++)
			if (s->role[y] == ROLE_MID && !both_ways(p, x, y))
				return false;
	s->ncls = nsp;
	return true;
}

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

/* The next core linked from agg x (as built) at or after edge *i, or NONE. */
static uint32_t next_core(const struct plan *p, const struct shape *s, uint32_t x, uint32_t *i)
{
	uint32_t v = p->sw_vertex[x];

	for (; *i < p->any_start[v + 1]; (*i)++) {
		uint32_t y = p->sw_of[p->t->e[*i].to];

		if (y != NONE && s->role[y] == ROLE_TOP)
			return (*i)++, y;
	}
	return NONE;
}

static bool same_cores(const struct plan *p, const struct shape *s, uint32_t a, uint32_t b)
{
	uint32_t ia = p->any_start[p->sw_vertex[a]], ib = p->any_start[p->sw_vertex[b]], ca, cb;

	do {
		ca = next_core(p, s, a, &ia);
		cb = next_core(p, s, b, &ib);
		if (ca != cb)
			return false;
	} while (ca != NONE);
	return true;
}

/* Roles: leaves (given), aggs linked to leaves, cores: the rest with links. */
static void mark_tiers(const struct plan *p, struct shape *s)
{
	for (uint32_t x = 0; x < p->nsw; x++)
		if (s->role[x] != ROLE_LEAF)
			s->role[x] = ROLE_NONE;
	for (uint32_t i = 0; i < p->ne; i++) {
		const struct topo_edge *ed = &p->t->e[i];
		uint32_t a = p->sw_of[ed->from], b = p->sw_of[ed->to];

		if (a == NONE || b == NONE)
			continue;
		if (s->role[a] == ROLE_LEAF && s->role[b] != ROLE_LEAF)
			s->role[b] = ROLE_MID;
		if (s->role[b] == ROLE_LEAF && s->role[a] != ROLE_LEAF)
			s->role[a] = ROLE_MID;
	}
	for (uint32_t x = 0; x < p->nsw; x++)
		if (s->role[x] == ROLE_NONE && has_links(p, x))
			s->role[x] = ROLE_TOP;
}

/* Pods: leaves and aggs joined by links, numbered by their lowest switch;
 * within a pod every leaf is linked both ways to every agg. */
static bool find_pods(const struct plan *p, struct shape *s, uint32_t *parent, uint32_t *naggs)
{
	uint32_t *pod_of_root = malloc((p->nsw + 1) * sizeof(uint32_t));

	if (!pod_of_root)
		return false;
	for (uint32_t x = 0; x < p->nsw; x++)
		parent[x] = x;
	for (uint32_t i = 0; i < p->ne; i++) {
		const struct topo_edge *ed = &p->t->e[i];
		uint32_t a = p->sw_of[ed->from], b = p->sw_of[ed->to];

		if (a != NONE && b != NONE && s->role[a] + s->role[b] == ROLE_LEAF + ROLE_MID)
			parent[uf_find(parent, a)] = uf_find(parent, b);
	}
	memset(pod_of_root, 0xff, (p->nsw + 1) * sizeof(uint32_t));
	*naggs = 0;
	for (uint32_t x = 0; x < p->nsw; x++) {
		uint32_t r;

		if (s->role[x] != ROLE_LEAF && s->role[x] != ROLE_MID)
			continue;
		r = uf_find(parent, x);
		if (pod_of_root[r] == NONE)
			pod_of_root[r] = s->npods++;
		s->pod[x] = pod_of_root[r];
		*naggs += s->role[x] == ROLE_MID;
	}
	free(pod_of_root);
	for (uint32_t x = 0; x < p->nsw; x++)
		for (uint32_t y = 0; s->role[x] == ROLE_LEAF && y < p->nsw; y++)
			if (s->role[y] == ROLE_MID && s->pod[y] == s->pod[x] && !both_ways(p, x, y))
				return false;
	return true;
}

/*
 * Planes: aggs linked to the same cores (named by the first agg seen). Each
 * plane has one agg per pod, every agg the same number of cores, both ways,
 * and no core serves two planes. s->pod of a core holds its plane.
 */
static bool find_planes(const struct plan *p, struct shape *s)
{
	uint32_t *plane_agg = malloc((s->ncls + 1) * sizeof(uint32_t));
	uint32_t *per_pod = calloc((size_t)s->npods * s->ncls + 1, sizeof(uint32_t));
	uint32_t *next = calloc(s->ncls + 1, sizeof(uint32_t)), nplanes = 0;
	bool ok = false;

	if (!plane_agg || !per_pod || !next)
		goto out;
	for (uint32_t x = 0; x < p->nsw; x++) {
		uint32_t c, i, y, cores = 0;

		if (s->role[x] != ROLE_MID)
			continue;
		for (c = 0; c < nplanes && !same_cores(p, s, plane_agg[c], x); c++)
			;
		if (c == nplanes) {
			if (nplanes == s->ncls)
				goto out;
			plane_agg[nplanes++] = x;
		}
		s->index[x] = c;
		if (per_pod[(size_t)s->pod[x] * s->ncls + c]++)
			goto out; /* two aggs of one pod in one plane */
		for (i = p->any_start[p->sw_vertex[x]]; (y = next_core(p, s, x, &i)) != NONE;) {
			if (!both_ways(p, x, y) || (s->pod[y] != NONE && s->pod[y] != c))
				goto out;
			s->pod[y] = c;
			cores++;
		}
		if (!cores || (s->ncore && cores != s->ncore))
			goto out;
		s->ncore = cores;
	}
	for (size_t i = 0; i < (size_t)s->npods * s->ncls; i++)
		if (per_pod[i] != 1)
			goto out;
	/* Cores numbered within their plane; a core no agg reaches breaks the shape. */
	for (uint32_t x = 0; x < p->nsw; x++) {
		if (s->role[x] != ROLE_TOP)
			continue;
		if (s->pod[x] == NONE)
			goto out;
		s->index[x] = next[s->pod[x]]++;
	}
	ok = true;
out:
	free(plane_agg);
	free(per_pod);
	free(next);
	return ok;
}

/* Edge switches, aggregation switches in pods, cores in planes (k-ary fat-tree
 * and its oversubscribed variants). */
static bool detect_fat_tree(const struct plan *p, struct shape *s, uint32_t *parent)
{
	uint32_t naggs, ncores = 0;

	mark_tiers(p, s);
	s->cap_low = s->cap_high = 0;
	s->npods = s->ncore = 0;
	if (!links_layered(p, s) || !find_pods(p, s, parent, &naggs))
		return false;
	for (uint32_t x = 0; x < p->nsw; x++)
		ncores += s->role[x] == ROLE_TOP;
	if (s->npods < 2 || !ncores || !naggs || naggs % s->npods)
		return false;
	s->ncls = naggs / s->npods;
	return find_planes(p, s);
}

/* --- assignment ------------------------------------------------------------------ */

/*
 * For every cset, the candidate of each colour key: the spine (leaf-spine), or
 * plane x ncore + core (fat-tree; an intra-pod path has core 0's key). NONE
 * where a link of that path is down. Longer detours get no key.
 */
static int cset_keys(const struct plan *p, const struct shape *s, bool fat, uint32_t **map,
		     uint32_t width, struct err *e)
{
	uint32_t *m = malloc(((size_t)p->ncsets * width + 1) * sizeof(uint32_t));

	if (!m)
		return errf(e, "out of memory");
	memset(m, 0xff, ((size_t)p->ncsets * width + 1) * sizeof(uint32_t));
	for (uint32_t id = 0; id < p->ncsets; id++) {
		const struct pm_cset *cs = &p->csets[id];

		for (uint32_t c = 0; c < cs->count && !cs->direct; c++) {
			const struct pm_cand *cand = &p->cands[cs->first + c];
			const struct pm_path *path;
			uint32_t mid, key;

			if (cand->path == NONE)
				continue;
			path = &p->paths[cand->path];
			if (path->len != 2 && !(fat && path->len == 4))
				continue;
			mid = p->sw_of[p->t->e[p->path_edges[path->first]].to];
			key = s->index[mid] * (fat ? s->ncore : 1);
			if (path->len == 4)
				key += s->index[p->sw_of[p->t->e[p->path_edges[path->first + 1]].to]];
			if (key < width)
				m[(size_t)id * width + key] = c;
		}
	}
	*map = m;
	return 0;
}

struct items {
	uint32_t *left, *right, *colour;
	size_t *sub; /* subflow index */
	size_t n;
};

static int items_alloc(struct items *it, size_t n)
{
	memset(it, 0, sizeof(*it));
	it->left = malloc((n + 1) * sizeof(uint32_t));
	it->right = malloc((n + 1) * sizeof(uint32_t));
	it->colour = malloc((n + 1) * sizeof(uint32_t));
	it->sub = malloc((n + 1) * sizeof(size_t));
	return it->left && it->right && it->colour && it->sub ? 0 : -1;
}

static void items_free(struct items *it)
{
	free(it->left);
	free(it->right);
	free(it->colour);
	free(it->sub);
}

static uint32_t leaf_of(const struct plan *p, uint32_t host, bool up)
{
	const struct pm_att *a = &p->att[host];
	const struct topo_edge *ed = &p->t->e[p->att_edges[up ? a->up_first : a->down_first]];

	return p->sw_of[up ? ed->to : ed->from];
}

/* Equal demands, single-homed hosts, no direct host links. */
static bool flows_uniform(const struct plan *p)
{
	uint32_t demand = 0;

	for (size_t i = 0; i < p->nflows; i++) {
		const struct pm_flow *f = &p->flows[i];

		if (f->cset == NONE)
			continue;
		if (p->csets[f->cset].direct || p->att[f->src].up_count != 1 ||
		    p->att[f->dst].down_count != 1 || (demand && f->demand != demand))
			return false;
		demand = f->demand;
	}
	return true;
}

/* One item per subflow between two leaves (the rest stay on NONE or 0). */
static void leaf_items(struct plan *p, const struct shape *s, struct items *l1)
{
	for (size_t i = 0; i < p->nflows; i++) {
		const struct pm_flow *f = &p->flows[i];
		uint32_t x, y;

		for (unsigned int j = 0; j < p->k; j++)
			p->sub[i * p->k + j] = f->cset == NONE ? NONE : 0;
		if (f->cset == NONE)
			continue;
		x = leaf_of(p, f->src, true);
		y = leaf_of(p, f->dst, false);
		if (x == y)
			continue;
		for (unsigned int j = 0; j < p->k; j++) {
			l1->left[l1->n] = s->index[x];
			l1->right[l1->n] = s->index[y];
			l1->sub[l1->n++] = i * p->k + j;
		}
	}
}

/* Fat trees: colour the inter-pod items again over the cores, so that l1's
 * colours become (plane, core) keys; intra-pod flows use core 0's slot. */
static int core_colour(struct plan *p, const struct shape *s, struct items *l1,
		       struct items *l2, struct err *e)
{
	for (size_t i = 0; i < l1->n; i++) {
		const struct pm_flow *f = &p->flows[l1->sub[i] / p->k];
		uint32_t px = s->pod[leaf_of(p, f->src, true)];
		uint32_t py = s->pod[leaf_of(p, f->dst, false)];

		if (px == py)
			continue;
		l2->left[l2->n] = px * s->ncls + l1->colour[i];
		l2->right[l2->n] = py * s->ncls + l1->colour[i];
		l2->sub[l2->n++] = i; /* index into l1 */
	}
	if (pm_balanced_colour(s->npods * s->ncls, s->npods * s->ncls, s->ncore, l2->left,
			       l2->right, l2->n, l2->colour, e))
		return -1;
	for (size_t i = 0; i < l1->n; i++)
		l1->colour[i] *= s->ncore;
	for (size_t i = 0; i < l2->n; i++)
		l1->colour[l2->sub[i]] += l2->colour[i];
	return 0;
}

/* Subflows whose colour's path has a link down (NONE) go to greedy. */
static int greedy_displaced(struct plan *p, size_t total, struct err *e)
{
	bool *fixed = malloc((total + 1) * sizeof(bool));
	int rc;

	if (!fixed)
		return errf(e, "out of memory");
	for (size_t i = 0; i < total; i++)
		fixed[i] = p->sub[i] != NONE;
	rc = pm_greedy(p, fixed, e);
	free(fixed);
	return rc;
}

static int assign(struct plan *p, const struct shape *s, bool fat, struct err *e)
{
	uint32_t width = fat ? s->ncls * s->ncore : s->ncls, *map = NULL;
	struct items l1 = { 0 }, l2 = { 0 };
	size_t total = p->nflows * p->k, displaced = 0;
	int rc = -1;

	if (cset_keys(p, s, fat, &map, width, e))
		return -1;
	if (items_alloc(&l1, total) || (fat && items_alloc(&l2, total))) {
		errf(e, "out of memory");
		goto out;
	}
	leaf_items(p, s, &l1);
	if (pm_balanced_colour(s->nleaves, s->nleaves, s->ncls, l1.left, l1.right, l1.n, l1.colour, e) ||
	    (fat && core_colour(p, s, &l1, &l2, e)))
		goto out;
	for (size_t i = 0; i < l1.n; i++) {
		const struct pm_flow *f = &p->flows[l1.sub[i] / p->k];

		p->sub[l1.sub[i]] = map[(size_t)f->cset * width + l1.colour[i]];
		displaced += p->sub[l1.sub[i]] == NONE;
	}
	if (displaced && greedy_displaced(p, total, e))
		goto out;
	rc = 0;
out:
	free(map);
	items_free(&l1);
	items_free(&l2);
	return rc;
}

/* Every path between pods leaves its pod on an agg-to-core link and enters the
 * other on a core-to-agg link: two more cuts for the lower bound. */
static int pod_bound(struct plan *p, const struct shape *s, struct err *e)
{
	uint64_t *out = calloc(2 * (size_t)s->npods + 1, sizeof(uint64_t)), *in = out + s->npods;
	uint32_t *links = calloc(2 * (size_t)s->npods + 1, sizeof(uint32_t)), *in_links = links + s->npods;

	if (!out || !links) {
		free(out);
		free(links);
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < p->nflows; i++) {
		const struct pm_flow *f = &p->flows[i];
		uint32_t a, b;

		if (f->cset == NONE)
			continue;
		a = s->pod[leaf_of(p, f->src, true)];
		b = s->pod[leaf_of(p, f->dst, false)];
		if (a != b) {
			out[a] += (uint64_t)f->demand * p->k;
			in[b] += (uint64_t)f->demand * p->k;
		}
	}
	for (uint32_t i = 0; i < p->ne; i++) {
		uint32_t a = p->sw_of[p->t->e[i].from], b = p->sw_of[p->t->e[i].to];

		if (!p->cap[i] || a == NONE || b == NONE)
			continue;
		if (s->role[a] == ROLE_MID && s->role[b] == ROLE_TOP)
			links[s->pod[a]]++;
		if (s->role[a] == ROLE_TOP && s->role[b] == ROLE_MID)
			in_links[s->pod[b]]++;
	}
	for (uint32_t q = 0; q < 2 * s->npods; q++) {
		struct plan_ratio r;

		if (!out[q])
			continue;
		if (!links[q]) /* no way out at all: the flows are unroutable already */
			continue;
		r = (struct plan_ratio){ (out[q] + links[q] - 1) / links[q], s->cap_high };
		if (pm_ratio_cmp(r.num, r.den, p->lb_units.num, p->lb_units.den) > 0)
			p->lb_units = r;
	}
	free(out);
	free(links);
	return 0;
}

enum plan_method pm_colour(struct plan *p, struct err *e, int *rc)
{
	struct shape s = { 0 };
	uint32_t *parent = malloc((p->nsw + 1) * sizeof(uint32_t));
	enum plan_method method = PLAN_METHOD_GREEDY;

	*rc = 0;
	s.role = calloc(p->nsw + 1, 1);
	s.index = calloc(p->nsw + 1, sizeof(uint32_t));
	s.pod = malloc((p->nsw + 1) * sizeof(uint32_t));
	if (!parent || !s.role || !s.index || !s.pod) {
		*rc = errf(e, "out of memory");
		goto out;
	}
	memset(s.pod, 0xff, (p->nsw + 1) * sizeof(uint32_t));
	if (!flows_uniform(p))
		goto out;
	mark_leaves(p, &s);
	if (detect_leaf_spine(p, &s)) {
		method = PLAN_METHOD_LEAF_SPINE;
		*rc = assign(p, &s, false, e);
	} else if (detect_fat_tree(p, &s, parent)) {
		method = PLAN_METHOD_FAT_TREE;
		*rc = pod_bound(p, &s, e) || assign(p, &s, true, e) ? -1 : 0;
	}
out:
	free(parent);
	shape_free(&s);
	return method;
}
