// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The planner's view of the topology: up links, switch distances, hosts'
 * attachments and, per pair of attachments, every shortest path. */
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define UNROUTABLE (NONE - 1) /* a cset_of value: no path for this pair */

/* --- a lookup-only hash map ------------------------------------------------ */

int pm_map_init(struct pm_map *m, size_t expect)
{
	size_t cap = 64;

	while (cap < expect * 2)
		cap *= 2;
	m->keys = malloc(cap * sizeof(*m->keys));
	m->vals = malloc(cap * sizeof(*m->vals));
	m->cap = cap;
	m->n = 0;
	if (!m->keys || !m->vals)
		return -1;
	memset(m->vals, 0xff, cap * sizeof(*m->vals));
	return 0;
}

void pm_map_free(struct pm_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

uint32_t pm_map_get(const struct pm_map *m, uint64_t key)
{
	for (size_t i = pm_mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->vals[i] == NONE)
			return NONE;
		if (m->keys[i] == key)
			return m->vals[i];
	}
}

int pm_map_put(struct pm_map *m, uint64_t key, uint32_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct pm_map bigger;

		if (pm_map_init(&bigger, m->cap))
			return pm_map_free(&bigger), -1;
		for (size_t j = 0; j < m->cap; j++)
			if (m->vals[j] != NONE)
				pm_map_put(&bigger, m->keys[j], m->vals[j]);
		pm_map_free(m);
		*m = bigger;
	}
	for (i = pm_mix(key) & (m->cap - 1); m->vals[i] != NONE && m->keys[i] != key;
	     i = (i + 1) & (m->cap - 1))
		;
	if (m->vals[i] == NONE)
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
	return 0;
}

/* --- links ------------------------------------------------------------------ */

uint32_t pm_edge_find(const struct plan *p, uint32_t a, uint32_t b)
{
	uint32_t lo = p->out_start[a], hi = p->out_start[a + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, to = p->t->e[p->out_edge[mid]].to;

		if (to == b)
			return p->out_edge[mid];
		if (to < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

uint32_t pm_edge_any(const struct plan *p, uint32_t a, uint32_t b)
{
	uint32_t lo = p->any_start[a], hi = p->any_start[a + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, to = p->t->e[mid].to;

		if (to == b)
			return mid;
		if (to < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

static int build_links(struct plan *p)
{
	const struct topology *t = p->t;
	uint64_t g = 0;
	uint32_t *fill;

	p->cap = calloc(p->ne + 1, sizeof(*p->cap));
	p->out_start = calloc(p->nv + 1, sizeof(uint32_t));
	p->in_start = calloc(p->nv + 1, sizeof(uint32_t));
	p->out_edge = malloc((p->ne + 1) * sizeof(uint32_t));
	p->in_edge = malloc((p->ne + 1) * sizeof(uint32_t));
	p->any_start = calloc(p->nv + 1, sizeof(uint32_t));
	fill = calloc(p->nv + 1, sizeof(uint32_t));
	if (!p->cap || !p->out_start || !p->in_start || !p->out_edge || !p->in_edge ||
	    !p->any_start || !fill) {
		free(fill);
		return -1;
	}
	/* Capacities in units of their gcd: small integers for the usual fabrics. */
	for (uint32_t i = 0; i < p->ne; i++)
		if (t->e[i].up)
			g = pm_gcd(g, t->e[i].capacity);
	p->cap_gcd = g ? g : 1;
	for (uint32_t i = 0; i < p->ne; i++) {
		p->any_start[t->e[i].from + 1]++;
		if (!t->e[i].up)
			continue;
		p->cap[i] = t->e[i].capacity / g;
		p->out_start[t->e[i].from + 1]++;
		p->in_start[t->e[i].to + 1]++;
	}
	for (uint32_t v = 0; v < p->nv; v++) {
		p->out_start[v + 1] += p->out_start[v];
		p->in_start[v + 1] += p->in_start[v];
		p->any_start[v + 1] += p->any_start[v];
	}
	/* Edges are sorted by (from, to): both CSRs come out ordered. */
	for (uint32_t i = 0; i < p->ne; i++) {
		if (!t->e[i].up)
			continue;
		p->out_edge[p->out_start[t->e[i].from] + fill[t->e[i].from]++] = i;
	}
	memset(fill, 0, (p->nv + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < p->ne; i++) {
		if (!t->e[i].up)
			continue;
		p->in_edge[p->in_start[t->e[i].to] + fill[t->e[i].to]++] = i;
	}
	free(fill);
	return 0;
}

/* --- switches and distances ------------------------------------------------- */

static int build_switches(struct plan *p)
{
	const struct topology *t = p->t;
	uint32_t *queue;

	p->sw_of = malloc((p->nv + 1) * sizeof(uint32_t));
	p->sw_vertex = malloc((p->nv + 1) * sizeof(uint32_t));
	if (!p->sw_of || !p->sw_vertex)
		return -1;
	for (uint32_t v = 0; v < p->nv; v++) {
		p->sw_of[v] = t->v[v].is_host ? NONE : p->nsw;
		if (!t->v[v].is_host)
			p->sw_vertex[p->nsw++] = v;
	}
	p->dist = malloc(((size_t)p->nsw * p->nsw + 1) * sizeof(*p->dist));
	p->pair_paths = malloc(((size_t)p->nsw * p->nsw + 1) * sizeof(uint32_t));
	p->pair_count = calloc((size_t)p->nsw * p->nsw + 1, sizeof(uint32_t));
	queue = malloc((p->nsw + 1) * sizeof(uint32_t));
	if (!p->dist || !p->pair_paths || !p->pair_count || !queue) {
		free(queue);
		return -1;
	}
	memset(p->dist, 0xff, (size_t)p->nsw * p->nsw * sizeof(*p->dist));
	memset(p->pair_paths, 0xff, (size_t)p->nsw * p->nsw * sizeof(uint32_t));
	/* Breadth-first from every switch; hosts never forward. */
	for (uint32_t s = 0; s < p->nsw; s++) {
		uint16_t *d = &p->dist[(size_t)s * p->nsw];
		uint32_t head = 0, tail = 0;

		d[s] = 0;
		queue[tail++] = s;
		while (head < tail) {
			uint32_t u = queue[head++], v = p->sw_vertex[u];

			for (uint32_t i = p->out_start[v]; i < p->out_start[v + 1]; i++) {
				uint32_t w = p->sw_of[t->e[p->out_edge[i]].to];

				if (w == NONE || d[w] != PLAN_DIST_INF)
					continue;
				d[w] = (uint16_t)(d[u] + 1 < PLAN_DIST_INF ? d[u] + 1 : PLAN_DIST_INF - 1);
				queue[tail++] = w;
			}
		}
	}
	free(queue);
	return 0;
}

/* --- hosts' attachments ------------------------------------------------------ */

struct sig_entry {
	const uint32_t *sw; /* switch indexes, ascending */
	uint32_t n;
	uint32_t *slot;     /* where the interned id goes */
};

static int sig_cmp(const void *a, const void *b)
{
	const struct sig_entry *x = a, *y = b;

	for (uint32_t i = 0; i < x->n && i < y->n; i++)
		if (x->sw[i] != y->sw[i])
			return x->sw[i] < y->sw[i] ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

static int build_attachments(struct plan *p)
{
	const struct topology *t = p->t;
	uint32_t n = 0, nsig = 0, nhosts2 = 0, *sw;
	struct sig_entry *ent;

	p->att = calloc(p->nv + 1, sizeof(*p->att));
	p->att_edges = malloc((2 * (size_t)p->ne + 1) * sizeof(uint32_t));
	if (!p->att || !p->att_edges)
		return -1;
	for (uint32_t v = 0; v < p->nv; v++) {
		if (!t->v[v].is_host)
			continue;
		p->att[v].up_first = n;
		for (uint32_t i = p->out_start[v]; i < p->out_start[v + 1]; i++)
			if (p->sw_of[t->e[p->out_edge[i]].to] != NONE)
				p->att_edges[n++] = p->out_edge[i];
		p->att[v].up_count = n - p->att[v].up_first;
		p->att[v].down_first = n;
		for (uint32_t i = p->in_start[v]; i < p->in_start[v + 1]; i++)
			if (p->sw_of[t->e[p->in_edge[i]].from] != NONE)
				p->att_edges[n++] = p->in_edge[i];
		p->att[v].down_count = n - p->att[v].down_first;
		nhosts2 += 2;
	}
	/* Intern the switch lists: sort them, equal lists share an id. */
	sw = malloc((n + 1) * sizeof(uint32_t));
	ent = malloc((nhosts2 + 1) * sizeof(*ent));
	p->sig_first = malloc((nhosts2 + 1) * sizeof(uint32_t));
	p->sig_count = malloc((nhosts2 + 1) * sizeof(uint32_t));
	p->sig_sw = sw;
	if (!sw || !ent || !p->sig_first || !p->sig_count) {
		free(ent);
		return -1;
	}
	nhosts2 = 0;
	for (uint32_t v = 0; v < p->nv; v++) {
		struct pm_att *a = &p->att[v];

		if (!t->v[v].is_host)
			continue;
		for (uint32_t i = 0; i < a->up_count; i++)
			sw[a->up_first + i] = p->sw_of[t->e[p->att_edges[a->up_first + i]].to];
		for (uint32_t i = 0; i < a->down_count; i++)
			sw[a->down_first + i] = p->sw_of[t->e[p->att_edges[a->down_first + i]].from];
		ent[nhosts2++] = (struct sig_entry){ &sw[a->up_first], a->up_count, &a->up_sig };
		ent[nhosts2++] = (struct sig_entry){ &sw[a->down_first], a->down_count, &a->down_sig };
	}
	qsort(ent, nhosts2, sizeof(*ent), sig_cmp);
	for (uint32_t i = 0; i < nhosts2; i++) {
		if (i == 0 || sig_cmp(&ent[i], &ent[i - 1])) {
			p->sig_first[nsig] = (uint32_t)(ent[i].sw - sw);
			p->sig_count[nsig] = ent[i].n;
			nsig++;
		}
		*ent[i].slot = nsig - 1;
	}
	p->nsig = nsig;
	free(ent);
	return 0;
}

int pm_graph_build(struct plan *p, struct err *e)
{
	size_t switches = 0;

	p->nv = (uint32_t)p->t->nv;
	p->ne = (uint32_t)p->t->ne;
	for (size_t v = 0; v < p->t->nv; v++)
		switches += !p->t->v[v].is_host;
	/* Distances and path tables are switches x switches. */
	if (switches > PLAN_SWITCHES_MAX || p->t->ne >= NONE / 4)
		return errf(e, "topology too large: %zu switches and %zu links (at most %u switches)",
			    switches, p->t->ne, PLAN_SWITCHES_MAX);
	if (build_links(p) || build_switches(p) || build_attachments(p) ||
	    pm_map_init(&p->cset_of, 1024))
		return errf(e, "out of memory");
	return 0;
}

/* --- candidate paths --------------------------------------------------------- */

static int grow(void **v, uint32_t *cap, uint32_t need, size_t size)
{
	uint32_t ncap = *cap ? *cap : 256;
	void *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(*v, (size_t)ncap * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* Every shortest path from switch x to switch y (up to PLAN_CANDS_MAX), in
 * lexicographic order of the vertexes they visit. */
static int switch_paths(struct plan *p, uint32_t x, uint32_t y, uint32_t *first, uint32_t *count)
{
	size_t pair = (size_t)x * p->nsw + y;
	uint32_t len = p->dist[pair], stack[PLAN_HOPS_MAX + 1], pos[PLAN_HOPS_MAX + 1];
	uint32_t edges[PLAN_HOPS_MAX], depth = 0;

	if (p->pair_paths[pair] != NONE || len == 0) {
		*first = p->pair_paths[pair];
		*count = p->pair_count[pair];
		return 0;
	}
	p->pair_paths[pair] = p->npaths;
	stack[0] = x;
	pos[0] = p->out_start[p->sw_vertex[x]];
	while (p->pair_count[pair] < PLAN_CANDS_MAX) {
		uint32_t u = stack[depth], v = p->sw_vertex[u], i = pos[depth];

		if (depth == len) {
			if (grow((void **)&p->paths, &p->paths_cap, p->npaths + 1, sizeof(*p->paths)) ||
			    grow((void **)&p->path_edges, &p->path_edges_cap, p->npath_edges + len,
				 sizeof(uint32_t)))
				return -1;
			p->paths[p->npaths++] = (struct pm_path){ p->npath_edges, len };
			memcpy(&p->path_edges[p->npath_edges], edges, len * sizeof(uint32_t));
			p->npath_edges += len;
			p->pair_count[pair]++;
			if (depth-- == 0)
				break;
			continue;
		}
		for (; i < p->out_start[v + 1]; i++) {
			uint32_t w = p->sw_of[p->t->e[p->out_edge[i]].to];

			if (w != NONE && p->dist[(size_t)w * p->nsw + y] + depth + 1 == len)
				break;
		}
		if (i == p->out_start[v + 1]) {
			if (depth == 0)
				break;
			depth--;
			continue;
		}
		pos[depth] = i + 1;
		edges[depth] = p->out_edge[i];
		depth++;
		stack[depth] = p->sw_of[p->t->e[p->out_edge[i]].to];
		pos[depth] = p->out_start[p->sw_vertex[stack[depth]]];
	}
	*first = p->pair_paths[pair];
	*count = p->pair_count[pair];
	return 0;
}

static int add_cand(struct plan *p, struct pm_cset *cs, uint32_t up, uint32_t path, uint32_t down)
{
	if (cs->count == PLAN_CANDS_MAX)
		return 0;
	if (grow((void **)&p->cands, &p->cands_cap, p->ncands + 1, sizeof(*p->cands)))
		return -1;
	p->cands[p->ncands++] = (struct pm_cand){ up, path, down };
	cs->count++;
	return 0;
}

static int new_cset(struct plan *p, uint32_t *id)
{
	if (grow((void **)&p->csets, &p->csets_cap, p->ncsets + 1, sizeof(*p->csets)))
		return -1;
	*id = p->ncsets++;
	p->csets[*id] = (struct pm_cset){ .first = p->ncands };
	return 0;
}

/* The candidates shared by hosts whose up-links reach switches us and whose
 * down-links come from switches ds: all pairs at the least distance. */
static int build_cset(struct plan *p, uint32_t us, uint32_t ds, uint32_t *out)
{
	const uint32_t *x = &p->sig_sw[p->sig_first[us]], *y = &p->sig_sw[p->sig_first[ds]];
	uint32_t nx = p->sig_count[us], ny = p->sig_count[ds], best = PLAN_DIST_INF, id;
	struct pm_cset *cs;

	for (uint32_t i = 0; i < nx; i++)
		for (uint32_t j = 0; j < ny; j++)
			if (p->dist[(size_t)x[i] * p->nsw + y[j]] < best)
				best = p->dist[(size_t)x[i] * p->nsw + y[j]];
	if (best == PLAN_DIST_INF || best + 2 > PLAN_HOPS_MAX) {
		*out = UNROUTABLE;
		return 0;
	}
	if (new_cset(p, &id))
		return -1;
	cs = &p->csets[id];
	cs->hops = best + 2;
	for (uint32_t i = 0; i < nx; i++) {
		for (uint32_t j = 0; j < ny; j++) {
			uint32_t first, count;

			if (p->dist[(size_t)x[i] * p->nsw + y[j]] != best)
				continue;
			if (best == 0) {
				if (add_cand(p, cs, i, NONE, j))
					return -1;
				continue;
			}
			if (switch_paths(p, x[i], y[j], &first, &count))
				return -1;
			cs = &p->csets[id]; /* switch_paths does not move csets, but be plain */
			for (uint32_t k = 0; k < count; k++)
				if (add_cand(p, cs, i, first + k, j))
					return -1;
		}
	}
	*out = id;
	return 0;
}

int pm_cset_for(struct plan *p, uint32_t src, uint32_t dst, uint32_t *cset, struct err *e)
{
	uint64_t key;
	uint32_t id;

	/* A direct host-to-host link is the only shortest path. */
	if (pm_edge_find(p, src, dst) != NONE) {
		key = UINT64_MAX;
		id = pm_map_get(&p->cset_of, key);
		if (id == NONE) {
			if (new_cset(p, &id) || pm_map_put(&p->cset_of, key, id))
				return errf(e, "out of memory");
			p->csets[id].count = 1;
			p->csets[id].hops = 1;
			p->csets[id].direct = true;
		}
		*cset = id;
		return 0;
	}
	key = (uint64_t)p->att[src].up_sig << 32 | p->att[dst].down_sig;
	id = pm_map_get(&p->cset_of, key);
	if (id == NONE) {
		if (build_cset(p, p->att[src].up_sig, p->att[dst].down_sig, &id) ||
		    pm_map_put(&p->cset_of, key, id))
			return errf(e, "out of memory");
	}
	*cset = id == UNROUTABLE ? NONE : id;
	return 0;
}

uint32_t pm_cand_edges(const struct plan *p, const struct pm_flow *f, uint32_t c,
		       uint32_t out[PLAN_HOPS_MAX])
{
	const struct pm_cset *cs = &p->csets[f->cset];
	const struct pm_cand *cand;
	uint32_t n = 0;

	if (cs->direct) {
		out[0] = pm_edge_find(p, f->src, f->dst);
		return 1;
	}
	cand = &p->cands[cs->first + c];
	out[n++] = p->att_edges[p->att[f->src].up_first + cand->att_up];
	if (cand->path != NONE) {
		const struct pm_path *path = &p->paths[cand->path];

		memcpy(&out[n], &p->path_edges[path->first], path->len * sizeof(uint32_t));
		n += path->len;
	}
	out[n++] = p->att_edges[p->att[f->dst].down_first + cand->att_down];
	return n;
}
