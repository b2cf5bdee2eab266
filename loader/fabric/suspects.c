// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "suspects.h"

#include <stdlib.h>
#include <string.h>
#include "util/array.h"

static int link_cmp(const void *x, const void *y)
{
	const struct suspect_link *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

/* Link i of walk w (1..n-1): router i-1 to router i. */
static struct suspect_link walk_link(const struct suspect_walk *w, unsigned int i)
{
	__u16 x = w->routers[i - 1], y = w->routers[i];

	return x < y ? (struct suspect_link){ x, y } : (struct suspect_link){ y, x };
}

/* Every link of the dead walks, sorted, once each. */
static int dead_links(const struct suspect_walk *w, size_t n, struct suspects *s)
{
	size_t cap = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		for (unsigned int r = 1; w[i].dead && r < w[i].n; r++) {
			struct suspect_link l = walk_link(&w[i], r);

			if (l.a != l.b && !array_append((void **)&s->links, &s->n, &cap, &l, sizeof(l)))
				return -1;
		}
	if (!s->n)
		return 0;
	qsort(s->links, s->n, sizeof(*s->links), link_cmp);
	for (size_t i = 1; i < s->n; i++)
		if (link_cmp(&s->links[i], &s->links[k]))
			s->links[++k] = s->links[i];
	s->n = k + 1;
	return 0;
}

int suspects_find(const struct suspect_walk *w, size_t n, struct suspects *s)
{
	bool *proven;
	size_t k = 0;

	s->links = NULL;
	s->n = 0;
	if (dead_links(w, n, s)) {
		suspects_free(s);
		return -1;
	}
	if (!s->n)
		return 0;
	if (!(proven = calloc(s->n, sizeof(*proven)))) {
		suspects_free(s);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		for (unsigned int r = 1; !w[i].dead && r < w[i].n; r++) {
			struct suspect_link l = walk_link(&w[i], r);
			struct suspect_link *hit = bsearch(&l, s->links, s->n, sizeof(l), link_cmp);

			if (hit)
				proven[hit - s->links] = true;
		}
	for (size_t i = 0; i < s->n; i++)
		if (!proven[i])
			s->links[k++] = s->links[i];
	s->n = k;
	free(proven);
	return 0;
}

int suspects_copy(const struct suspects *s, struct suspects *out)
{
	*out = (struct suspects){ .block = s->block };
	if (!s->n)
		return 0;
	if (!(out->links = malloc(s->n * sizeof(*s->links))))
		return -1;
	memcpy(out->links, s->links, s->n * sizeof(*s->links));
	out->n = s->n;
	return 0;
}

void suspects_free(struct suspects *s)
{
	free(s->links);
	s->links = NULL;
	s->n = 0;
}

/* The vertex of micro-SID id, -1 when t has none. */
static long vertex_of(const struct topology *t, const struct usid_block *b, __u16 id)
{
	__u16 got;

	for (size_t v = 0; v < t->nv; v++)
		if (t->v[v].has_sid && usid_of_sid(b, t->v[v].sid, &got) && got == id)
			return (long)v;
	return -1;
}

static struct topo_edge *edge_of(struct topology *t, size_t from, size_t to)
{
	size_t lo = 0, hi = t->ne;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct topo_edge *e = &t->e[mid];

		if (e->from == from && e->to == to)
			return &t->e[mid];
		if (e->from < from || (e->from == from && e->to < to))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool edge_down(struct topology *t, size_t from, size_t to)
{
	struct topo_edge *e = edge_of(t, from, to);

	if (!e)
		return false;
	e->up = false;
	e->capacity = 0;
	return true;
}

size_t topology_mark_suspects(struct topology *t, const struct suspects *s, size_t *from,
			      size_t *to)
{
	size_t marked = 0;

	for (size_t i = 0; i < s->n; i++) {
		long x = vertex_of(t, &s->block, s->links[i].a);
		long y = vertex_of(t, &s->block, s->links[i].b);
		bool there;

		if (x < 0 || y < 0)
			continue;
		there = edge_down(t, (size_t)x, (size_t)y);
		there |= edge_down(t, (size_t)y, (size_t)x);
		if (!there)
			continue;
		if (from && to) {
			from[marked] = (size_t)x;
			to[marked] = (size_t)y;
		}
		marked++;
	}
	return marked;
}
