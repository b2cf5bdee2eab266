// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A plan as JSON (sorted keys, streamed flow by flow), as text, and as the
 * local host's paths per destination. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "plan.h"
#include "model.h"

/* A flow's distinct paths (candidate indexes, ascending) and their weights. */
struct flow_paths {
	uint32_t cand[SRV6_MAX_PATHS], weight[SRV6_MAX_PATHS], n;
};

static void flow_paths(const struct plan *p, size_t i, struct flow_paths *fp)
{
	uint32_t s[SRV6_MAX_PATHS];

	fp->n = 0;
	memcpy(s, &p->sub[i * p->k], p->k * sizeof(uint32_t));
	/* Insertion sort: k is at most 8. */
	for (unsigned int a = 1; a < p->k; a++)
		for (unsigned int b = a; b > 0 && s[b - 1] > s[b]; b--) {
			uint32_t x = s[b];

			s[b] = s[b - 1];
			s[b - 1] = x;
		}
	for (unsigned int a = 0; a < p->k; a++) {
		if (s[a] == NONE)
			continue;
		if (fp->n && fp->cand[fp->n - 1] == s[a]) {
			fp->weight[fp->n - 1]++;
			continue;
		}
		fp->cand[fp->n] = s[a];
		fp->weight[fp->n++] = 1;
	}
}

/* Vertexes of candidate c of flow f, source first. */
static uint32_t cand_vertices(const struct plan *p, const struct pm_flow *f, uint32_t c,
			      uint32_t out[PLAN_HOPS_MAX + 1])
{
	uint32_t edges[PLAN_HOPS_MAX], n = pm_cand_edges(p, f, c, edges);

	out[0] = f->src;
	for (uint32_t h = 0; h < n; h++)
		out[h + 1] = p->t->e[edges[h]].to;
	return n + 1;
}

/* The path's segments: the SIDs of its vertexes after the source, composed into
 * micro-SID carriers (and DEST_FUNCTION) as the SRv6 PyTorch plugin does. */
static int compose(const struct plan *p, const struct pm_flow *f, uint32_t c,
		   struct srv6_path *out, struct err *e)
{
	uint32_t verts[PLAN_HOPS_MAX + 1], n = cand_vertices(p, f, c, verts), nsids = 0;
	__u8 sids[PLAN_HOPS_MAX][SRV6_ADDR_LEN];
	struct usid_block block = p->o.block;

	for (uint32_t h = 1; h < n; h++)
		if (p->t->v[verts[h]].has_sid)
			memcpy(sids[nsids++], p->t->v[verts[h]].sid, SRV6_ADDR_LEN);
	if (!nsids)
		return errf(e, "no vertex on the path has a SID");
	if (p->o.block_auto) {
		/* Jalapeño's usid_block: the first two groups of the first SID. */
		memset(&block, 0, sizeof(block));
		memcpy(block.prefix, sids[0], 4);
		block.bits = 32;
	}
	return usid_compose(&block, (const __u8(*)[SRV6_ADDR_LEN])sids, nsids, p->o.has_function,
			    p->o.function, out, e);
}

static void describe_path(const struct plan *p, const struct pm_flow *f, uint32_t c, char *buf,
			  size_t len)
{
	uint32_t verts[PLAN_HOPS_MAX + 1], n = cand_vertices(p, f, c, verts);
	size_t o = 0;

	buf[0] = '\0';
	for (uint32_t h = 1; h + 1 < n && o < len; h++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", h > 1 ? "," : "",
				      p->t->v[verts[h]].id);
}

/* --- JSON --------------------------------------------------------------------------- */

static double units(const struct plan *p, uint64_t u)
{
	return (double)u / p->k;
}

static cJSON *flow_json(const struct plan *p, size_t i, size_t *unsteerable)
{
	const struct pm_flow *f = &p->flows[i];
	cJSON *o = cJSON_CreateObject(), *paths = cJSON_CreateArray();
	struct flow_paths fp;
	char buf[ADDR_STR_LEN];

	if (!o || !paths) {
		cJSON_Delete(o);
		cJSON_Delete(paths);
		return NULL;
	}
	flow_paths(p, i, &fp);
	for (uint32_t q = 0; q < fp.n; q++) {
		cJSON *path = cJSON_CreateObject(), *segs = cJSON_CreateArray();
		cJSON *verts = cJSON_CreateArray();
		uint32_t v[PLAN_HOPS_MAX + 1], nv = cand_vertices(p, f, fp.cand[q], v);
		struct srv6_path sp;
		struct err e;

		cJSON_AddItemToArray(paths, path);
		cJSON_AddItemToObject(path, "segs", segs);
		if (compose(p, f, fp.cand[q], &sp, &e) == 0) {
			for (unsigned int s = 0; s < sp.seg_count; s++)
				cJSON_AddItemToArray(segs, cJSON_CreateString(addr_sid_str(sp.segs[s], buf)));
		} else {
			(*unsteerable)++;
		}
		cJSON_AddItemToObject(path, "vertices", verts);
		for (uint32_t h = 0; h < nv; h++)
			cJSON_AddItemToArray(verts, cJSON_CreateString(p->t->v[v[h]].id));
		cJSON_AddNumberToObject(path, "weight", fp.weight[q]);
	}
	/* Keys in sorted order: demand, dst, paths, src. */
	cJSON_AddNumberToObject(o, "demand", f->demand);
	cJSON_AddStringToObject(o, "dst", p->t->v[f->dst].id);
	cJSON_AddItemToObject(o, "paths", paths);
	cJSON_AddStringToObject(o, "src", p->t->v[f->src].id);
	return o;
}

static cJSON *links_json(const struct plan *p)
{
	cJSON *a = cJSON_CreateArray();

	for (uint32_t i = 0; a && i < p->ne; i++) {
		const struct topo_edge *ed = &p->t->e[i];
		cJSON *l;

		if (!ed->up)
			continue;
		l = cJSON_CreateObject();
		cJSON_AddItemToArray(a, l);
		cJSON_AddNumberToObject(l, "capacity", (double)ed->capacity);
		cJSON_AddStringToObject(l, "from", p->t->v[ed->from].id);
		cJSON_AddNumberToObject(l, "load", units(p, p->load[i]));
		cJSON_AddStringToObject(l, "to", p->t->v[ed->to].id);
	}
	return a;
}

static cJSON *summary_json(const struct plan *p, size_t unsteerable)
{
	const struct plan_summary *s = &p->s;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "ecmp_max_load", plan_ratio_value(s->ecmp_max_load));
	cJSON_AddNumberToObject(o, "flows", (double)s->flows);
	cJSON_AddNumberToObject(o, "hosts", (double)s->hosts);
	cJSON_AddNumberToObject(o, "jalapeno_load_max_load",
				plan_ratio_value(s->jalapeno_load_max_load));
	cJSON_AddNumberToObject(o, "lower_bound", plan_ratio_value(s->lower_bound));
	cJSON_AddNumberToObject(o, "max_load", plan_ratio_value(s->max_load));
	cJSON_AddStringToObject(o, "method", plan_method_name(s->method));
	cJSON_AddNumberToObject(o, "moved", (double)s->moved);
	cJSON_AddNumberToObject(o, "paths_per_flow", s->paths);
	cJSON_AddNumberToObject(o, "unroutable", (double)s->unroutable);
	cJSON_AddNumberToObject(o, "unsteerable", (double)unsteerable);
	return o;
}

/* Chosen paths whose SIDs make no segment list (printed with "segs": []). */
static size_t count_unsteerable(const struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nflows; i++) {
		struct flow_paths fp;
		struct srv6_path sp;
		struct err e;

		flow_paths(p, i, &fp);
		for (uint32_t q = 0; q < fp.n; q++)
			n += compose(p, &p->flows[i], fp.cand[q], &sp, &e) != 0;
	}
	return n;
}

static int put(FILE *f, cJSON *item)
{
	char *text = item ? cJSON_PrintUnformatted(item) : NULL;
	int rc = text && fputs(text, f) >= 0 ? 0 : -1;

	free(text);
	cJSON_Delete(item);
	return rc;
}

int plan_write_json(const struct plan *p, bool summary_only, FILE *f, struct err *e)
{
	size_t unsteerable = 0;

	if (!summary_only) {
		fputs("{\"flows\":[", f);
		for (size_t i = 0; i < p->nflows; i++) {
			if (i)
				fputc(',', f);
			if (put(f, flow_json(p, i, &unsteerable)))
				return errf(e, "out of memory");
		}
		fputs("],\"links\":", f);
		if (put(f, links_json(p)))
			return errf(e, "out of memory");
		fputc(',', f);
	} else {
		fputc('{', f);
		unsteerable = count_unsteerable(p);
	}
	fputs("\"summary\":", f);
	if (put(f, summary_json(p, unsteerable)))
		return errf(e, "out of memory");
	fputs("}\n", f);
	return ferror(f) ? errf(e, "cannot write the plan") : 0;
}

/* --- text ----------------------------------------------------------------------------- */

static void ratio_text(struct plan_ratio r, char *buf, size_t len)
{
	snprintf(buf, len, "%.6g", plan_ratio_value(r));
}

static void local_text(const struct plan *p, const char *local, FILE *f)
{
	char id[sizeof(TOPO_HOST_PREFIX) + MEMBER_NAME_MAX], buf[ADDR_STR_LEN], via[512];
	long v;
	size_t n = 0;

	snprintf(id, sizeof(id), TOPO_HOST_PREFIX "%s", local);
	v = topology_find(p->t, id);
	for (size_t i = 0; v >= 0 && i < p->nflows; i++)
		n += p->flows[i].src == (uint32_t)v;
	fprintf(f, "\npaths from %s (%zu flows):\n", id, n);
	for (size_t i = 0; v >= 0 && i < p->nflows; i++) {
		const struct pm_flow *fl = &p->flows[i];
		struct flow_paths fp;

		if (fl->src != (uint32_t)v)
			continue;
		flow_paths(p, i, &fp);
		fprintf(f, "  to %s  demand %u%s\n", p->t->v[fl->dst].id, fl->demand,
			fp.n ? "" : "  unroutable: no path");
		for (uint32_t q = 0; q < fp.n; q++) {
			struct srv6_path sp;
			struct err e;

			describe_path(p, fl, fp.cand[q], via, sizeof(via));
			fprintf(f, "    weight %u  via %s  segs ", fp.weight[q], via[0] ? via : "-");
			if (compose(p, fl, fp.cand[q], &sp, &e)) {
				fprintf(f, "none (%s)\n", e.msg);
				continue;
			}
			for (unsigned int s = 0; s < sp.seg_count; s++)
				fprintf(f, "%s%s", s ? "," : "", addr_sid_str(sp.segs[s], buf));
			fputc('\n', f);
		}
	}
}

int plan_write_text(const struct plan *p, bool summary_only, const char *local, FILE *f,
		    struct err *e)
{
	const struct plan_summary *s = &p->s;
	char mx[32], lb[32], ec[32], jl[32];
	size_t down = 0;

	ratio_text(s->max_load, mx, sizeof(mx));
	ratio_text(s->lower_bound, lb, sizeof(lb));
	ratio_text(s->ecmp_max_load, ec, sizeof(ec));
	ratio_text(s->jalapeno_load_max_load, jl, sizeof(jl));
	fprintf(f, "plan: %zu hosts, %zu flows (%zu unroutable), %u path%s per flow, method %s\n",
		s->hosts, s->flows, s->unroutable, s->paths, s->paths > 1 ? "s" : "",
		plan_method_name(s->method));
	fprintf(f, "max link load %s (lower bound %s); ECMP hashing %s (mean of %d seeds); "
		   "Jalapeño load %s; moved %zu\n",
		mx, lb, ec, PLAN_ECMP_SEEDS, jl, s->moved);
	if (!summary_only) {
		fprintf(f, "\n%-40s %-40s %10s %10s\n", "from", "to", "load", "capacity");
		for (uint32_t i = 0; i < p->ne; i++) {
			const struct topo_edge *ed = &p->t->e[i];

			if (!ed->up) {
				down++;
				continue;
			}
			fprintf(f, "%-40s %-40s %10.6g %10llu\n", p->t->v[ed->from].id,
				p->t->v[ed->to].id, units(p, p->load[i]),
				(unsigned long long)ed->capacity);
		}
		if (down)
			fprintf(f, "(%zu link%s down)\n", down, down > 1 ? "s" : "");
	}
	if (local)
		local_text(p, local, f);
	return ferror(f) ? errf(e, "cannot write the plan") : 0;
}

/* --- the local host's paths ------------------------------------------------------------ */

/* The destination's addresses: the hosts file's, else the topology's, family by family. */
static void peer_addrs(const struct plan *p, uint32_t dst, struct plan_peer_paths *pp)
{
	const struct topo_vertex *v = &p->t->v[dst];
	uint32_t mi = p->member_of[dst];

	pp->vertex = v->id;
	pp->member = mi == NONE ? NULL : &p->m->v[mi];
	pp->addrs = mi == NONE ? (struct host_addrs){ 0 } : p->m->v[mi].addrs;
	host_addrs_fill(&pp->addrs, &v->addrs);
}

/* Flow i's distinct paths, composed into segments, with their weights. */
static int flow_peer_paths(const struct plan *p, size_t i, struct plan_peer_paths *pp,
			   struct err *e)
{
	const struct pm_flow *f = &p->flows[i];
	struct flow_paths fp;
	char via[512];

	peer_addrs(p, f->dst, pp);
	flow_paths(p, i, &fp);
	for (uint32_t q = 0; q < fp.n; q++) {
		struct srv6_path *sp = &pp->paths[q];

		if (compose(p, f, fp.cand[q], sp, e)) {
			describe_path(p, f, fp.cand[q], via, sizeof(via));
			err_prefix(e, "peer %s, path via %s", p->t->v[f->dst].id, via);
			return -1;
		}
		sp->weight = (__u8)fp.weight[q];
	}
	pp->path_count = fp.n;
	return 0;
}

int plan_local_paths(const struct plan *p, const char *local, struct plan_peer_paths **out,
		     size_t *n, struct err *e)
{
	char id[sizeof(TOPO_HOST_PREFIX) + MEMBER_NAME_MAX];
	long v;
	size_t count = 0;
	struct plan_peer_paths *pp;

	*out = NULL;
	*n = 0;
	snprintf(id, sizeof(id), TOPO_HOST_PREFIX "%s", local);
	v = topology_find(p->t, id);
	if (v < 0 || p->member_of[v] == NONE)
		return errf(e, "local host %s is not in the job's hosts", local);
	for (size_t i = 0; i < p->nflows; i++)
		count += p->flows[i].src == (uint32_t)v && p->flows[i].cset != NONE;
	if (!count)
		return 0;
	pp = calloc(count, sizeof(*pp));
	if (!pp)
		return errf(e, "out of memory");
	count = 0;
	for (size_t i = 0; i < p->nflows; i++) {
		if (p->flows[i].src != (uint32_t)v || p->flows[i].cset == NONE)
			continue;
		if (flow_peer_paths(p, i, &pp[count++], e)) {
			free(pp);
			return -1;
		}
	}
	*out = pp;
	*n = count;
	return 0;
}
