// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A previous plan, from a file or a parsed plan document (what plan_write_json
 * printed): its flows' paths as vertex names, for churn.c to keep. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"
#include "model.h"

#define PREV_FILE_MAX (4ul << 30)

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
