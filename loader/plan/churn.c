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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define PREV_FILE_MAX (4ul << 30)

struct prev_path {
	uint32_t first, n; /* vertex names in verts[] */
	uint32_t weight;
};

struct prev_flow {
	uint32_t src, dst;         /* names */
	uint32_t first, npaths;    /* in paths[] */
};

struct plan_prev {
	char **names; /* interned vertex ids */
	uint32_t nnames, names_cap;
	struct pm_map name_of;
	uint32_t *verts;
	size_t nverts, verts_cap;
	struct prev_path *paths;
	size_t npaths, paths_cap;
	struct prev_flow *flows;
	size_t nflows;
};

void plan_prev_free(struct plan_prev *pv)
{
	if (!pv)
		return;
	for (uint32_t i = 0; i < pv->nnames; i++)
		free(pv->names[i]);
	free(pv->names);
	pm_map_free(&pv->name_of);
	free(pv->verts);
	free(pv->paths);
	free(pv->flows);
	free(pv);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static int intern(struct plan_prev *pv, const char *s, uint32_t *out)
{
	uint64_t key = str_hash(s);
	uint32_t id;

	/* Equal hashes of different strings probe the next key. */
	while ((id = pm_map_get(&pv->name_of, key)) != NONE && strcmp(pv->names[id], s))
		key++;
	if (id != NONE) {
		*out = id;
		return 0;
	}
	if (pv->nnames == pv->names_cap) {
		uint32_t ncap = pv->names_cap ? pv->names_cap * 2 : 256;
		char **v = realloc(pv->names, ncap * sizeof(*v));

		if (!v)
			return -1;
		pv->names = v;
		pv->names_cap = ncap;
	}
	pv->names[pv->nnames] = strdup(s);
	if (!pv->names[pv->nnames] || pm_map_put(&pv->name_of, key, pv->nnames))
		return -1;
	*out = pv->nnames++;
	return 0;
}

static int push(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 1024;
	void *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int prev_path(struct plan_prev *pv, const cJSON *path, size_t fi, size_t pi, struct err *e)
{
	const cJSON *verts = cJSON_GetObjectItemCaseSensitive(path, "vertices");
	const cJSON *weight = cJSON_GetObjectItemCaseSensitive(path, "weight"), *v;
	struct prev_path pp = { (uint32_t)pv->nverts, 0, 0 };

	if (!cJSON_IsObject(path))
		return errf(e, "flows[%zu].paths[%zu] is not an object", fi, pi);
	if (!cJSON_IsArray(verts))
		return errf(e, "flows[%zu].paths[%zu]: vertices must be an array of vertex ids", fi, pi);
	if (!cJSON_IsNumber(weight) || weight->valuedouble < 1 || weight->valuedouble > 255 ||
	    weight->valuedouble != (double)(int)weight->valuedouble)
		return errf(e, "flows[%zu].paths[%zu]: weight must be an integer from 1 to 255", fi, pi);
	pp.weight = (uint32_t)weight->valuedouble;
	cJSON_ArrayForEach(v, verts) {
		uint32_t id;

		if (!cJSON_IsString(v))
			return errf(e, "flows[%zu].paths[%zu]: vertices must be an array of vertex ids",
				    fi, pi);
		if (push((void **)&pv->verts, &pv->verts_cap, pv->nverts + 1, sizeof(uint32_t)) ||
		    intern(pv, v->valuestring, &id))
			return errf(e, "out of memory");
		pv->verts[pv->nverts++] = id;
		pp.n++;
	}
	if (push((void **)&pv->paths, &pv->paths_cap, pv->npaths + 1, sizeof(pp)))
		return errf(e, "out of memory");
	pv->paths[pv->npaths++] = pp;
	return 0;
}

static int prev_from_json(const cJSON *root, struct plan_prev *pv, struct err *e)
{
	const cJSON *flows = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "flows") : NULL;
	const cJSON *flow;
	size_t fi = 0;

	if (!cJSON_IsArray(flows))
		return errf(e, "expected a plan: an object with a \"flows\" array");
	pv->flows = calloc((size_t)cJSON_GetArraySize(flows) + 1, sizeof(*pv->flows));
	if (!pv->flows || pm_map_init(&pv->name_of, 1024))
		return errf(e, "out of memory");
	cJSON_ArrayForEach(flow, flows) {
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(flow, "src");
		const cJSON *dst = cJSON_GetObjectItemCaseSensitive(flow, "dst");
		const cJSON *paths = cJSON_GetObjectItemCaseSensitive(flow, "paths"), *path;
		struct prev_flow *pf = &pv->flows[fi];
		size_t pi = 0;

		if (!cJSON_IsString(src) || !cJSON_IsString(dst) || !cJSON_IsArray(paths))
			return errf(e, "flows[%zu]: needs src, dst (vertex ids) and paths (an array)", fi);
		if (intern(pv, src->valuestring, &pf->src) || intern(pv, dst->valuestring, &pf->dst))
			return errf(e, "out of memory");
		pf->first = (uint32_t)pv->npaths;
		cJSON_ArrayForEach(path, paths)
			if (prev_path(pv, path, fi, pi++, e))
				return -1;
		pf->npaths = (uint32_t)(pv->npaths - pf->first);
		pv->nflows = ++fi;
	}
	return 0;
}

int plan_prev_from_json(const cJSON *root, struct plan_prev **out, struct err *e)
{
	struct plan_prev *pv = calloc(1, sizeof(*pv));

	*out = NULL;
	if (!pv)
		return errf(e, "out of memory");
	if (prev_from_json(root, pv, e)) {
		plan_prev_free(pv);
		return -1;
	}
	*out = pv;
	return 0;
}

int plan_prev_load(const char *path, struct plan_prev **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	cJSON *root;
	int rc;

	*out = NULL;
	if (!f)
		return errf(e, "cannot read previous plan %s: %s", path, strerror(errno));
	do {
		if (len == cap) {
			char *nb = NULL;

			cap = cap ? cap * 2 : 1 << 16;
			if (cap <= PREV_FILE_MAX)
				nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return errf(e, "previous plan %s: too large", path);
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	root = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!root)
		return errf(e, "previous plan %s: invalid JSON", path);
	rc = plan_prev_from_json(root, out, e);
	cJSON_Delete(root);
	if (rc)
		err_prefix(e, "previous plan %s", path);
	return rc;
}

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
