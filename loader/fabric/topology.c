// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "topology.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"

#define ID_SHOW 80 /* how much of an id an error message quotes */

static int vertex_cmp(const void *a, const void *b)
{
	return strcmp(((const struct topo_vertex *)a)->id, ((const struct topo_vertex *)b)->id);
}

static int edge_cmp(const void *a, const void *b)
{
	const struct topo_edge *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return 0;
}

long topology_find(const struct topology *t, const char *id)
{
	size_t lo = 0, hi = t->nv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].id, id);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void topology_free(struct topology *t)
{
	for (size_t i = 0; i < t->nv; i++)
		free(t->v[i].id);
	free(t->v);
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* A field that is absent or JSON null: both mean "not given". */
static bool absent(const cJSON *item)
{
	return !item || cJSON_IsNull(item);
}

/* The sids entry a path through this vertex contributes, as process_path_data
 * picks it; NULL when none qualifies. */
static const cJSON *choose_sid_entry(const cJSON *sids, int algo)
{
	const cJSON *entry, *fallback = NULL;

	cJSON_ArrayForEach(entry, sids) {
		const cJSON *beh, *a;

		if (cJSON_IsString(entry)) {
			if (!fallback)
				fallback = entry;
			continue;
		}
		if (!cJSON_IsObject(entry))
			continue;
		beh = cJSON_GetObjectItemCaseSensitive(entry, "srv6_endpoint_behavior");
		if (absent(beh)) {
			if (!fallback)
				fallback = entry;
			continue;
		}
		a = cJSON_IsObject(beh) ? cJSON_GetObjectItemCaseSensitive(beh, "algo") : NULL;
		if (cJSON_IsNumber(a) && a->valuedouble == (double)algo)
			return entry;
	}
	return fallback;
}

static int vertex_sid(struct topo_vertex *v, const cJSON *doc, int algo, struct err *e)
{
	const cJSON *sids = cJSON_GetObjectItemCaseSensitive(doc, "sids"), *entry, *sid;
	struct in6_addr a;

	if (absent(sids))
		return 0;
	if (!cJSON_IsArray(sids))
		return errf(e, "vertex \"%.*s\": sids must be an array", ID_SHOW, v->id);
	entry = choose_sid_entry(sids, algo);
	if (!entry)
		return 0;
	sid = cJSON_IsString(entry) ? entry : cJSON_GetObjectItemCaseSensitive(entry, "srv6_sid");
	/* Jalapeño: the first matching entry wins even when its SID is empty. */
	if (absent(sid) || (cJSON_IsString(sid) && !sid->valuestring[0]))
		return 0;
	if (!cJSON_IsString(sid))
		return errf(e, "vertex \"%.*s\": srv6_sid must be a string", ID_SHOW, v->id);
	if (inet_pton(AF_INET6, sid->valuestring, &a) != 1)
		return errf(e, "vertex \"%.*s\": srv6_sid \"%.64s\" is not an IPv6 address", ID_SHOW,
			    v->id, sid->valuestring);
	memcpy(v->sid, &a, sizeof(v->sid));
	v->has_sid = true;
	return 0;
}

static int vertex_addr(struct topo_vertex *v, const cJSON *doc, enum addr_fam f, struct err *e)
{
	const char *field = addr_fam_field(f);
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(doc, field);

	if (absent(item))
		return 0;
	if (!cJSON_IsString(item))
		return errf(e, "vertex \"%.*s\": %s must be a string", ID_SHOW, v->id, field);
	if (addr_parse_host_field(item->valuestring, f, &v->addrs.key[f], &v->addrs.has[f]))
		return errf(e, "vertex \"%.*s\": %s \"%.64s\" is not a unicast %s host address",
			    ID_SHOW, v->id, field, item->valuestring, addr_fam_name(f));
	return 0;
}

static int parse_vertices(const cJSON *vertices, int algo, struct topology *t, struct err *e)
{
	const cJSON *doc;
	size_t n = (size_t)cJSON_GetArraySize(vertices), i = 0;

	t->v = calloc(n ? n : 1, sizeof(*t->v));
	if (!t->v)
		return errf(e, "out of memory");
	cJSON_ArrayForEach(doc, vertices) {
		struct topo_vertex *v = &t->v[i];

		if (!doc->string || !doc->string[0])
			return errf(e, "vertices: a vertex has an empty id");
		v->id = strdup(doc->string);
		if (!v->id)
			return errf(e, "out of memory");
		t->nv = ++i;
		if (!cJSON_IsObject(doc))
			return errf(e, "vertex \"%.*s\" is not an object", ID_SHOW, v->id);
		v->is_host = !strncmp(v->id, TOPO_HOST_PREFIX, sizeof(TOPO_HOST_PREFIX) - 1);
		if (v->is_host && !topo_host_name(v)[0])
			return errf(e, "vertex \"%s\" names no host", v->id);
		if (vertex_sid(v, doc, algo, e) || vertex_addr(v, doc, ADDR_IPV6, e) ||
		    vertex_addr(v, doc, ADDR_IPV4, e))
			return -1;
	}
	qsort(t->v, t->nv, sizeof(*t->v), vertex_cmp);
	for (i = 1; i < t->nv; i++)
		if (!strcmp(t->v[i].id, t->v[i - 1].id))
			return errf(e, "vertex \"%.*s\" is given twice", ID_SHOW, t->v[i].id);
	return 0;
}

static int edge_end(const cJSON *doc, const char *field, size_t idx, const struct topology *t,
		    uint32_t *out, struct err *e)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(doc, field);
	long v;

	if (absent(item))
		return errf(e, "edges[%zu]: missing %s", idx, field);
	if (!cJSON_IsString(item))
		return errf(e, "edges[%zu]: %s must be a vertex id string", idx, field);
	v = topology_find(t, item->valuestring);
	if (v < 0)
		return errf(e, "edges[%zu]: %s \"%.*s\" is not a vertex of the topology", idx, field,
			    ID_SHOW, item->valuestring);
	*out = (uint32_t)v;
	return 0;
}

static int parse_edge(const cJSON *doc, size_t idx, const struct topology *t, struct topo_edge *out,
		      struct err *e)
{
	const cJSON *status, *cap;

	if (!cJSON_IsObject(doc))
		return errf(e, "edges[%zu] is not an object", idx);
	if (edge_end(doc, "_from", idx, t, &out->from, e) || edge_end(doc, "_to", idx, t, &out->to, e))
		return -1;
	status = cJSON_GetObjectItemCaseSensitive(doc, "status");
	if (!absent(status) && !cJSON_IsString(status))
		return errf(e, "edges[%zu]: status must be a string (\"up\" or \"down\")", idx);
	out->up = absent(status) || strcmp(status->valuestring, "down") != 0;
	cap = cJSON_GetObjectItemCaseSensitive(doc, "capacity");
	out->capacity = 1;
	if (!absent(cap)) {
		double d = cJSON_IsNumber(cap) ? cap->valuedouble : 0;

		if (!(d >= 1 && d <= (double)TOPO_CAPACITY_MAX) || (double)(uint64_t)d != d)
			return errf(e, "edges[%zu]: capacity must be a positive integer", idx);
		out->capacity = (uint64_t)d;
	}
	if (!out->up)
		out->capacity = 0;
	return 0;
}

/* Sort edges and fold parallel ones into one link; self-loops carry nothing. */
static void merge_edges(struct topology *t)
{
	size_t w = 0;

	qsort(t->e, t->ne, sizeof(*t->e), edge_cmp);
	for (size_t r = 0; r < t->ne; r++) {
		struct topo_edge *x = &t->e[r];

		if (x->from == x->to)
			continue;
		if (w && t->e[w - 1].from == x->from && t->e[w - 1].to == x->to) {
			t->e[w - 1].up |= x->up;
			t->e[w - 1].capacity += x->capacity;
			continue;
		}
		t->e[w++] = *x;
	}
	t->ne = w;
}

int topology_from_json(const cJSON *root, int algo, struct topology *t, struct err *e)
{
	const cJSON *vertices, *edges, *doc;
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	if (!cJSON_IsObject(root))
		return errf(e, "expected a JSON object with \"vertices\" and \"edges\"");
	vertices = cJSON_GetObjectItemCaseSensitive(root, "vertices");
	edges = cJSON_GetObjectItemCaseSensitive(root, "edges");
	if (!vertices)
		return errf(e, "missing \"vertices\" (an object keyed by vertex id)");
	if (!cJSON_IsObject(vertices))
		return errf(e, "\"vertices\" must be an object keyed by vertex id");
	if (!edges)
		return errf(e, "missing \"edges\" (an array of {_from, _to} documents)");
	if (!cJSON_IsArray(edges))
		return errf(e, "\"edges\" must be an array of {_from, _to} documents");
	if (parse_vertices(vertices, algo, t, e))
		goto fail;
	t->e = calloc((size_t)cJSON_GetArraySize(edges) + 1, sizeof(*t->e));
	if (!t->e) {
		errf(e, "out of memory");
		goto fail;
	}
	cJSON_ArrayForEach(doc, edges) {
		if (parse_edge(doc, i, t, &t->e[i], e))
			goto fail;
		t->ne = ++i;
	}
	merge_edges(t);
	return 0;
fail:
	topology_free(t);
	return -1;
}

int topology_parse(const char *text, size_t len, int algo, struct topology *t, struct err *e)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	int rc;

	memset(t, 0, sizeof(*t));
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= text && at <= text + len ? (size_t)(at - text) : 0;

		return errf(e, "invalid JSON near byte %zu", off);
	}
	rc = topology_from_json(root, algo, t, e);
	cJSON_Delete(root);
	return rc;
}

int topology_load_file(const char *path, int algo, struct topology *t, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!f)
		return errf(e, "cannot read topology %s: %s", path, strerror(errno));
	do {
		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 1 << 16;
			if (cap > TOPO_FILE_MAX) {
				free(buf);
				fclose(f);
				return errf(e, "topology %s: larger than %lu MiB", path,
					    TOPO_FILE_MAX >> 20);
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return errf(e, "out of memory");
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return errf(e, "cannot read topology %s: read error", path);
	}
	fclose(f);
	rc = topology_parse(buf, len, algo, t, e);
	free(buf);
	if (rc)
		err_prefix(e, "topology %s", path);
	return rc;
}
