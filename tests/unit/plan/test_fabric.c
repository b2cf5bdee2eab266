// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generated fabrics for the planner's tests (see test_fabric.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test_fabric.h"
#include "unit_helpers.h"

struct gen {
	cJSON **vertices; /* vertex documents, in creation order */
	int nv;
	cJSON **edges;
	int ne;
	int (*fabric)[2]; /* edge index pairs --fail-links may pick */
	int nfabric;
	int nhosts;
};

static void add_vertex(struct gen *g, cJSON *v)
{
	g->vertices = realloc(g->vertices, (size_t)(g->nv + 1) * sizeof(*g->vertices));
	cr_assert_not_null(g->vertices);
	g->vertices[g->nv++] = v;
}

static cJSON *sid_list(unsigned int id)
{
	cJSON *sids = cJSON_CreateArray(), *s = cJSON_CreateObject(), *b = cJSON_CreateObject();
	char text[32];

	snprintf(text, sizeof(text), "fc00:0:%x::", id);
	cJSON_AddStringToObject(s, "srv6_sid", text);
	cJSON_AddNumberToObject(b, "endpoint_behavior", 48);
	cJSON_AddNumberToObject(b, "flag", 0);
	cJSON_AddNumberToObject(b, "algo", 0);
	cJSON_AddItemToObject(s, "srv6_endpoint_behavior", b);
	cJSON_AddItemToArray(sids, s);
	return sids;
}

static const char *vertex_switch(struct gen *g, const char *name, unsigned int id)
{
	cJSON *v = cJSON_CreateObject();
	char vid[64];

	snprintf(vid, sizeof(vid), "fabric_node/%s", name);
	cJSON_AddStringToObject(v, "_id", vid);
	cJSON_AddStringToObject(v, "_key", name);
	cJSON_AddStringToObject(v, "name", name);
	cJSON_AddItemToObject(v, "sids", sid_list(id));
	add_vertex(g, v);
	return cJSON_GetObjectItem(v, "_id")->valuestring;
}

static const char *vertex_host(struct gen *g)
{
	cJSON *v = cJSON_CreateObject();
	char name[32], vid[64], addr[64];
	int i = g->nhosts++;

	snprintf(name, sizeof(name), "host%04d", i);
	snprintf(vid, sizeof(vid), "hosts/%s", name);
	snprintf(addr, sizeof(addr), "2001:db8:1:%x::2", i);
	cJSON_AddStringToObject(v, "_id", vid);
	cJSON_AddStringToObject(v, "_key", name);
	cJSON_AddStringToObject(v, "name", name);
	cJSON_AddStringToObject(v, "ipv6_address", addr);
	if (i < 254) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		cJSON_AddStringToObject(v, "ipv4_address", addr);
	}
	cJSON_AddItemToObject(v, "sids", sid_list(0xe000u + (unsigned int)i));
	add_vertex(g, v);
	return cJSON_GetObjectItem(v, "_id")->valuestring;
}

static void fab_link(struct gen *g, const char *a, const char *b, bool fabric)
{
	g->edges = realloc(g->edges, (size_t)(g->ne + 2) * sizeof(*g->edges));
	cr_assert_not_null(g->edges);
	for (int d = 0; d < 2; d++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "_from", d ? b : a);
		cJSON_AddStringToObject(e, "_to", d ? a : b);
		cJSON_AddNumberToObject(e, "load", 0);
		g->edges[g->ne++] = e;
	}
	if (fabric) {
		g->fabric = realloc(g->fabric, (size_t)(g->nfabric + 1) * sizeof(*g->fabric));
		cr_assert_not_null(g->fabric);
		g->fabric[g->nfabric][0] = g->ne - 2;
		g->fabric[g->nfabric++][1] = g->ne - 1;
	}
}

static void shuffle_ptrs(cJSON **v, int n, struct ut_rng *r)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(ut_rng_next(r) % (uint64_t)(i + 1));
		cJSON *x = v[i];

		v[i] = v[j];
		v[j] = x;
	}
}

char *fab_json(const struct fab *f, int *nhosts)
{
	struct gen g = { 0 };
	char name[32];
	cJSON *root = cJSON_CreateObject(), *vertices = cJSON_CreateObject();
	cJSON *edges = cJSON_CreateArray();
	char *text;

	if (!f->fat_k) {
		const char **spines = calloc((size_t)f->spines, sizeof(char *));
		int hosts = f->hosts_per_leaf ? f->hosts_per_leaf : f->spines;

		for (int s = 0; s < f->spines; s++) {
			snprintf(name, sizeof(name), "spine%02d", s);
			spines[s] = vertex_switch(&g, name, 0x1000u + (unsigned int)s);
		}
		for (int l = 0; l < f->leaves; l++) {
			const char *leaf;

			snprintf(name, sizeof(name), "leaf%02d", l);
			leaf = vertex_switch(&g, name, 0x2000u + (unsigned int)l);
			for (int s = 0; s < f->spines; s++)
				fab_link(&g, leaf, spines[s], true);
			for (int h = 0; h < hosts; h++)
				fab_link(&g, vertex_host(&g), leaf, false);
		}
		free(spines);
	} else {
		int half = f->fat_k / 2, hosts = f->hosts_per_leaf ? f->hosts_per_leaf : half;
		const char **cores = calloc((size_t)(half * half), sizeof(char *));
		const char **aggs = calloc((size_t)half, sizeof(char *));

		for (int c = 0; c < half * half; c++) {
			snprintf(name, sizeof(name), "core%03d", c);
			cores[c] = vertex_switch(&g, name, 0x1000u + (unsigned int)c);
		}
		for (int pod = 0; pod < f->fat_k; pod++) {
			for (int a = 0; a < half; a++) {
				snprintf(name, sizeof(name), "agg%03d", pod * half + a);
				aggs[a] = vertex_switch(&g, name, 0x3000u + (unsigned int)(pod * half + a));
				for (int c = 0; c < half; c++)
					fab_link(&g, aggs[a], cores[a * half + c], true);
			}
			for (int e = 0; e < half; e++) {
				const char *edge;

				snprintf(name, sizeof(name), "edge%03d", pod * half + e);
				edge = vertex_switch(&g, name, 0x2000u + (unsigned int)(pod * half + e));
				for (int a = 0; a < half; a++)
					fab_link(&g, edge, aggs[a], false);
				for (int h = 0; h < hosts; h++)
					fab_link(&g, vertex_host(&g), edge, false);
			}
		}
		free(cores);
		free(aggs);
	}
	/* Failed links: distinct fabric links chosen by the seed, both directions. */
	{
		struct ut_rng r = { f->fail_seed };

		cr_assert_leq(f->fail_links, g.nfabric);
		for (int i = 0; i < f->fail_links; i++) {
			int j = i + (int)(ut_rng_next(&r) % (uint64_t)(g.nfabric - i));
			int x0 = g.fabric[j][0], x1 = g.fabric[j][1];

			g.fabric[j][0] = g.fabric[i][0];
			g.fabric[j][1] = g.fabric[i][1];
			cJSON_AddStringToObject(g.edges[x0], "status", "down");
			cJSON_AddStringToObject(g.edges[x1], "status", "down");
		}
	}
	if (f->capacity)
		for (int i = 0; i < g.ne; i++)
			cJSON_AddNumberToObject(g.edges[i], "capacity", (double)f->capacity);
	if (f->shuffle) {
		struct ut_rng r = { f->shuffle };

		shuffle_ptrs(g.vertices, g.nv, &r);
		shuffle_ptrs(g.edges, g.ne, &r);
	}
	for (int i = 0; i < g.nv; i++)
		cJSON_AddItemToObject(vertices, cJSON_GetObjectItem(g.vertices[i], "_id")->valuestring,
				      g.vertices[i]);
	for (int i = 0; i < g.ne; i++)
		cJSON_AddItemToArray(edges, g.edges[i]);
	cJSON_AddItemToObject(root, "edges", edges);
	cJSON_AddItemToObject(root, "vertices", vertices);
	text = cJSON_PrintUnformatted(root);
	cr_assert_not_null(text);
	cJSON_Delete(root);
	free(g.vertices);
	free(g.edges);
	free(g.fabric);
	if (nhosts)
		*nhosts = g.nhosts;
	return text;
}

void fab_topology(const struct fab *f, struct topology *t, int *nhosts)
{
	char *text = fab_json(f, nhosts);
	struct err e = { "" };

	cr_assert_eq(topology_parse(text, strlen(text), 0, t, &e), 0, "generated fabric: %s", e.msg);
	free(text);
}

void fab_members(int n, uint64_t seed, struct membership *m)
{
	int *host_of_rank = malloc((size_t)n * sizeof(int));
	size_t len = (size_t)n * 10 + 1;
	char *list = malloc(len), *p = list;
	struct ut_rng r = { seed };
	struct err e = { "" };

	for (int i = 0; i < n; i++)
		host_of_rank[i] = i;
	for (int i = n - 1; seed && i > 0; i--) {
		int j = (int)(ut_rng_next(&r) % (uint64_t)(i + 1)), x = host_of_rank[i];

		host_of_rank[i] = host_of_rank[j];
		host_of_rank[j] = x;
	}
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%shost%04d", i ? "," : "", host_of_rank[i]);
	cr_assert_eq(membership_from_list(list, m, &e), 0, "%s", e.msg);
	free(list);
	free(host_of_rank);
}

void fab_permutation(const struct membership *m, uint64_t seed, struct plan_pairs *pairs)
{
	size_t n = m->n;
	struct ut_rng r = { seed };
	size_t *dst = malloc(n * sizeof(size_t));
	bool fixed;

	for (size_t i = 0; i < n; i++)
		dst[i] = i;
	do {
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = (size_t)(ut_rng_next(&r) % (i + 1)), x = dst[i];

			dst[i] = dst[j];
			dst[j] = x;
		}
		fixed = false;
		for (size_t i = 0; i < n; i++)
			fixed |= dst[i] == i;
	} while (fixed && n > 1);
	pairs->v = calloc(n, sizeof(*pairs->v));
	pairs->n = n;
	for (size_t i = 0; i < n; i++)
		pairs->v[i] = (struct plan_pair){ i, dst[i], 1 };
	free(dst);
}

char *fab_plan_json(const struct topology *t, const struct membership *m, const struct plan_opts *o)
{
	struct plan *p;
	struct err e = { "" };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(plan_compute(t, m, o, &p, &e), 0, "plan: %s", e.msg);
	f = open_memstream(&text, &len);
	cr_assert_not_null(f);
	cr_assert_eq(plan_write_json(p, false, f, &e), 0, "%s", e.msg);
	fclose(f);
	plan_free(p);
	return text;
}
