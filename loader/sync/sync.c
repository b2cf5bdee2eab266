// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cjson/cJSON.h>
#include "util/addr.h"
#include "platform/platform.h"
#include "util/env.h"
#include "util/log.h"
#include "net/http.h"
#include "jalapeno.h"
#include "plan/plan.h"
#include "util/output.h"
#include "device/route.h"
#include "util/sys.h"
#include "fabric/usid.h"
#include "util/clock.h"

#define BACKOFF_MS 200

static int source_jalapeno(struct sync_job *job, struct err *e);
static int source_topology(struct sync_job *job, struct err *e);

static const struct source {
	const char *name;
	sync_source_fn fill; /* NULL: not available in this build */
} sources[] = {
	[SYNC_SOURCE_JALAPENO_LOAD] = { "jalapeno-load", source_jalapeno },
	[SYNC_SOURCE_JALAPENO_BEST_PATHS] = { "jalapeno-best-paths", source_jalapeno },
	[SYNC_SOURCE_TOPOLOGY] = { "topology", source_topology },
};

const char *sync_source_name(enum sync_source_id id)
{
	return sources[id].name;
}

/* --- the job ---------------------------------------------------------------------- */

static void job_free(struct sync_job *job)
{
	free(job->plan_json);
	for (size_t i = 0; i < job->npeers; i++)
		free(job->peers[i].url);
	free(job->peers);
	membership_free(&job->members);
	memset(job, 0, sizeof(*job));
}

static int job_init(const struct sync_opts *o, struct sync_job *job, struct err *e)
{
	const char *hosts = env_value("HOSTS");
	char local[MEMBER_NAME_MAX];
	size_t k = 0;

	memset(job, 0, sizeof(*job));
	job->o = o;
	if (o->hosts_file) {
		if (membership_from_file(o->hosts_file, &job->members, e))
			return -1;
	} else if (hosts) {
		if (membership_from_list(hosts, &job->members, e))
			return -1;
	} else {
		return errf(e, "no job members: set HOSTS (e.g. host00,host01) or give --hosts-file FILE");
	}
	if (membership_local_name(env_value("HOSTNAME"), env_value("HOSTNAME_PREFIX"), env_value("RANK"), local,
				  sizeof(local), e))
		return -1;
	job->local = membership_find(&job->members, local);
	if (!job->local)
		return errf(e, "the local host %s is not one of the job's hosts (%s)", local,
			    o->hosts_file ? o->hosts_file : "HOSTS");
	snprintf(job->local_vertex, sizeof(job->local_vertex), "hosts/%s", local);
	job->peers = calloc(job->members.n ? job->members.n : 1, sizeof(*job->peers));
	if (!job->peers)
		return errf(e, "out of memory");
	for (size_t i = 0; i < job->members.n; i++) {
		const struct member *m = &job->members.v[i];
		struct sync_peer *p = &job->peers[k];

		if (m == job->local)
			continue;
		p->member = m;
		snprintf(p->vertex, sizeof(p->vertex), "hosts/%s", m->name);
		/* The hosts file's address is the user's word: it wins over the API's. */
		if (m->has_addr) {
			p->has_key = true;
			p->req.key = m->addr;
			p->req.family = m->family;
		}
		k++;
	}
	job->npeers = k;
	return 0;
}

static int peer_key_cmp(const void *a, const void *b)
{
	const struct sync_peer *x = *(const struct sync_peer *const *)a;
	const struct sync_peer *y = *(const struct sync_peer *const *)b;
	int c = memcmp(&x->req.key, &y->req.key, sizeof(x->req.key));

	/* Equal keys keep rank order, so the message names the lower rank first. */
	return c ? c : (x->member->rank > y->member->rank) - (x->member->rank < y->member->rank);
}

/* Every peer has an address and a path set, and no two share an address. */
static int job_check(const struct sync_job *job, struct err *e)
{
	const char *fam = job->o->family == AF_INET ? "IPv4" : "IPv6";
	const struct sync_peer **by_key;
	char addr[ADDR_STR_LEN];
	int rc = 0;

	for (size_t i = 0; i < job->npeers; i++) {
		const struct sync_peer *p = &job->peers[i];

		if (p->no_flow)
			continue;
		if (!p->has_key)
			return errf(e, "peer %s: no %s address: the API's destination_info has no %s and the hosts file gives none",
				    p->vertex, fam, job->o->family == AF_INET ? "ipv4_address" : "ipv6_address");
		if (p->req.peer.path_count < 1 || p->req.peer.path_count > SRV6_MAX_PATHS)
			return errf(e, "peer %s: no path", p->vertex);
	}
	by_key = calloc(job->npeers ? job->npeers : 1, sizeof(*by_key));
	if (!by_key)
		return errf(e, "out of memory");
	size_t nkeyed = 0;

	for (size_t i = 0; i < job->npeers; i++)
		if (!job->peers[i].no_flow)
			by_key[nkeyed++] = &job->peers[i];
	qsort(by_key, nkeyed, sizeof(*by_key), peer_key_cmp);
	for (size_t i = 1; i < nkeyed && !rc; i++)
		if (!memcmp(&by_key[i - 1]->req.key, &by_key[i]->req.key, sizeof(by_key[i]->req.key)))
			rc = errf(e, "peers %s and %s have the same address %s", by_key[i - 1]->vertex,
				  by_key[i]->vertex, addr_key_str(&by_key[i]->req.key, addr));
	free(by_key);
	return rc;
}

/* A request that got no answer: why, and after how many attempts. */
static int transport_error(const struct http_req *r, struct err *e)
{
	if (r->attempts > 1)
		return errf(e, "%s (%u attempts)", r->error, r->attempts);
	return errf(e, "%s", r->error);
}

/* --- source: the Jalapeño API, one request per peer ---------------------------------- */

static int jalapeno_done(struct http_req *r, void *arg, struct err *e)
{
	struct sync_job *job = arg;
	struct sync_peer *p = r->user;
	struct jalapeno_want w = {
		.query = job->o->source == SYNC_SOURCE_JALAPENO_LOAD ? JALAPENO_LOAD
								      : JALAPENO_BEST_PATHS,
		.destination = p->vertex,
		.family = job->o->family,
		.has_function = job->o->has_function,
		.function = job->o->function,
		.max_paths = job->o->paths,
	};
	struct jalapeno_answer a;

	if ((r->error[0] && transport_error(r, e)) ||
	    jalapeno_parse(&w, r->status, r->body, r->len, &a, e))
		goto fail;
	p->req.peer = a.peer;
	if (!p->has_key && a.has_key) {
		p->has_key = true;
		p->req.key = a.key;
		p->req.family = a.family;
	}
	return 0;
fail:
	err_prefix(e, "peer %s: GET %s", p->vertex, p->url);
	return -1;
}

/* The HTTP client's settings from sync's options. */
static struct http_opts http_opts_of(const struct sync_opts *o, unsigned int concurrency,
				     size_t max_body)
{
	return (struct http_opts){
		.concurrency = concurrency,
		.connect_timeout_ms = o->connect_timeout_ms,
		.timeout_ms = o->timeout_ms,
		.retries = o->retries,
		.backoff_ms = BACKOFF_MS,
		.cacert = o->cacert,
		.header = o->header,
		.max_body = max_body,
	};
}

static int source_jalapeno(struct sync_job *job, struct err *e)
{
	const struct sync_opts *o = job->o;
	bool load = o->source == SYNC_SOURCE_JALAPENO_LOAD;
	struct http_req *reqs = calloc(job->npeers ? job->npeers : 1, sizeof(*reqs));
	struct http_opts ho = http_opts_of(o, o->concurrency, JALAPENO_PATH_BODY_MAX);
	int rc = -1;

	if (!reqs)
		return errf(e, "out of memory");
	for (size_t i = 0; i < job->npeers; i++) {
		struct sync_peer *p = &job->peers[i];

		if (jalapeno_path_url(load ? JALAPENO_LOAD : JALAPENO_BEST_PATHS, o->endpoint,
				      o->collection, job->local_vertex, p->vertex, o->paths, &p->url, e))
			goto out;
		reqs[i].url = p->url;
		reqs[i].retry = load ? HTTP_RETRY_UNSENT : HTTP_RETRY_IDEMPOTENT;
		reqs[i].user = p;
	}
	rc = http_run(&ho, reqs, job->npeers, jalapeno_done, job, e);
out:
	free(reqs);
	return rc;
}

/* --- one GET (for sources that need a single document) ------------------------------ */

struct get_result {
	size_t max;
	char *body;
	size_t len;
};

static int get_done(struct http_req *r, void *arg, struct err *e)
{
	struct get_result *g = arg;

	if ((r->error[0] && transport_error(r, e)) ||
	    jalapeno_check(r->status, r->body, r->len, g->max, e))
		return -1;
	g->body = r->body; /* keep it: http_run frees only what is left */
	g->len = r->len;
	r->body = NULL;
	return 0;
}

int sync_http_get(const struct sync_opts *o, const char *url, size_t max, char **body,
		  size_t *len, struct err *e)
{
	struct http_opts ho = http_opts_of(o, 1, max);
	struct http_req req = { .url = url, .retry = HTTP_RETRY_IDEMPOTENT };
	struct get_result g = { .max = max };

	*body = NULL;
	*len = 0;
	if (http_run(&ho, &req, 1, get_done, &g, e)) {
		free(g.body);
		err_prefix(e, "GET %s", url);
		return -1;
	}
	*body = g.body;
	*len = g.len;
	return 0;
}

/* --- the planner: the topology read once, every sender planned alike ------------------- */

static int topology_get(const struct sync_opts *o, struct topology *t, struct err *e)
{
	char *url = NULL, *body = NULL;
	size_t len = 0;
	int rc;

	if (o->topology_file)
		return topology_load_file(o->topology_file, 0, t, e);
	if (jalapeno_topology_url(o->endpoint, o->collection, &url, e))
		return -1;
	rc = sync_http_get(o, url, JALAPENO_TOPOLOGY_BODY_MAX, &body, &len, e);
	if (rc == 0 && topology_parse(body, len, 0, t, e))
		rc = -1, err_prefix(e, "GET %s", url);
	free(body);
	free(url);
	return rc;
}

static char *plan_to_json(const struct plan *p, struct err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f) {
		errf(e, "out of memory");
		return NULL;
	}
	rc = plan_write_json(p, false, f, e);
	fclose(f);
	if (rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * The one place a plan becomes route requests: the local host's paths per
 * destination, each as a request (verb replace, dev empty) for route_sync.
 */
static int routes_from_plan(const struct plan *plan, const char *local, int family,
			    struct route_req **reqs, size_t *n, struct err *e)
{
	struct plan_peer_paths *pp;
	struct route_req *out = NULL;

	*reqs = NULL;
	if (plan_local_paths(plan, local, family, &pp, n, e))
		return -1;
	if (*n && !(out = calloc(*n, sizeof(*out)))) {
		free(pp);
		*n = 0;
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < *n; i++) {
		out[i].verb = ROUTE_REPLACE;
		out[i].key = pp[i].key;
		out[i].family = pp[i].family;
		out[i].peer.path_count = (__u8)pp[i].path_count;
		memcpy(out[i].peer.paths, pp[i].paths, sizeof(pp[i].paths));
	}
	free(pp);
	*reqs = out;
	return 0;
}

/*
 * The links the daemon's prober found dead are down for this plan, one log
 * line naming them: this host's flows go around them, and come back when the
 * probes do (other hosts decide from their own probes or the topology).
 */
static size_t plan_around_suspects(struct sync_job *job, struct topology *t)
{
	const struct suspects *s = job->o->avoid;
	size_t *ends, n, len = 0;
	char *list = NULL;
	FILE *f;

	if (!s || !s->n)
		return 0;
	ends = calloc(2 * s->n, sizeof(*ends)); /* without them, no names in the log */
	n = topology_mark_suspects(t, s, ends, ends ? ends + s->n : NULL);
	if (n && ends && (f = open_memstream(&list, &len))) {
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s%s~%s", i ? "," : "", t->v[ends[i]].id, t->v[ends[s->n + i]].id);
		fclose(f);
	}
	if (n)
		log_event(LOG_LEVEL_WARN, "plan-avoids", "dev=%s links=%zu %s", job->o->dev, n,
			  list ? list : "");
	free(list);
	free(ends);
	return n;
}

/*
 * Going around the suspects must not cut a flow off (every path of a peer
 * dead: the peer's leaf, or no router ending micro-SIDs): then the datapath's
 * failover is the better answer, and the plan goes around nothing. *plan is
 * replaced by the plan on t with its edges back as they were (edges).
 */
static int plan_unless_cut_off(struct sync_job *job, struct topology *t,
			       const struct topo_edge *edges, const struct plan_opts *po,
			       struct plan **plan, struct err *e)
{
	size_t cut = plan_get_summary(*plan)->unroutable;
	struct plan *plain;

	if (!cut)
		return 0;
	memcpy(t->e, edges, t->ne * sizeof(*t->e));
	if (plan_compute(t, &job->members, po, &plain, e))
		return -1;
	if (plan_get_summary(plain)->unroutable >= cut) {
		plan_free(plain); /* the flows were cut off anyway */
		return 0;
	}
	log_event(LOG_LEVEL_WARN, "plan-avoids",
		  "dev=%s none: going around them would leave %zu flows without a path",
		  job->o->dev, cut - plan_get_summary(plain)->unroutable);
	plan_free(*plan);
	*plan = plain;
	job->avoided = 0;
	return 0;
}

/*
 * Plan every flow of the job's pattern, then program the local host's share:
 * the peers it sends to get their planned paths; the others are left alone
 * (plain routing), since the plan puts no traffic of ours on them.
 */
static int source_topology(struct sync_job *job, struct err *e)
{
	const struct sync_opts *o = job->o;
	struct plan_pairs pairs = { 0 };
	struct plan_prev *prev_file = NULL;
	struct route_req *reqs = NULL;
	struct plan *plan = NULL;
	struct topology t = { 0 };
	struct topo_edge *edges = NULL;
	struct plan_opts po;
	size_t n = 0;
	int rc = -1;

	if (topology_get(o, &t, e))
		return -1;
	/* The edges as the topology has them, should going around leave flows without a path. */
	if (o->avoid && o->avoid->n && !(edges = malloc(t.ne * sizeof(*t.e) + 1))) {
		errf(e, "out of memory");
		goto out;
	}
	if (edges)
		memcpy(edges, t.e, t.ne * sizeof(*t.e));
	job->avoided = plan_around_suspects(job, &t);
	plan_opts_init(&po);
	po.pattern = (enum plan_pattern)o->pattern;
	po.paths = o->paths ? o->paths : 1;
	po.has_function = o->has_function;
	po.function = o->function;
	po.no_baselines = true;
	if (o->pairs_file) {
		if (plan_pairs_load(o->pairs_file, &job->members, &pairs, e))
			goto out;
		po.pairs = &pairs;
	}
	if (o->previous) {
		po.previous = o->previous;
	} else if (o->previous_file) {
		if (plan_prev_load(o->previous_file, &prev_file, e))
			goto out;
		po.previous = prev_file;
	}
	if (plan_compute(&t, &job->members, &po, &plan, e) ||
	    (job->avoided && plan_unless_cut_off(job, &t, edges, &po, &plan, e)) ||
	    routes_from_plan(plan, job->local->name, o->family, &reqs, &n, e))
		goto out;
	/* A peer's key: the hosts file's address, else its vertex's of the family. */
	for (size_t i = 0; i < job->npeers; i++) {
		struct sync_peer *p = &job->peers[i];
		long v = topology_find(&t, p->vertex);

		if (!p->has_key && v >= 0 &&
		    (o->family == AF_INET ? t.v[v].has_ipv4 : t.v[v].has_ipv6)) {
			p->req.key = o->family == AF_INET ? t.v[v].ipv4 : t.v[v].ipv6;
			p->req.family = o->family;
			p->has_key = true;
		}
		p->no_flow = true;
		for (size_t r = 0; r < n; r++) {
			if (p->has_key && !memcmp(&reqs[r].key, &p->req.key, sizeof(p->req.key))) {
				p->req.peer = reqs[r].peer;
				p->no_flow = false;
			}
		}
	}
	job->has_plan = true;
	job->plan_max_load = plan_ratio_value(plan_get_summary(plan)->max_load);
	job->plan_lower_bound = plan_ratio_value(plan_get_summary(plan)->lower_bound);
	rc = 0;
	if (o->keep_plan) {
		job->plan_json = plan_to_json(plan, e);
		rc = job->plan_json ? 0 : -1;
	}
out:
	free(edges);
	free(reqs);
	plan_free(plan);
	plan_prev_free(prev_file);
	plan_pairs_free(&pairs);
	topology_free(&t);
	return rc;
}

/* --- output ------------------------------------------------------------------------- */

static void print_text(const struct sync_job *job)
{
	for (size_t i = 0; i < job->npeers; i++) {
		const struct sync_peer *p = &job->peers[i];
		const struct srv6_peer *peer = &p->req.peer;
		char addr[ADDR_STR_LEN], sid[ADDR_STR_LEN];

		if (p->no_flow)
			continue;
		printf("%s dev %s", addr_key_str(&p->req.key, addr), job->o->dev);
		for (unsigned int k = 0; k < peer->path_count; k++) {
			printf("%s segs ", peer->path_count > 1 ? " path" : "");
			for (unsigned int s = 0; s < peer->paths[k].seg_count; s++)
				printf("%s%s", s ? "," : "", addr_sid_str(peer->paths[k].segs[s], sid));
			printf(" weight %u", peer->paths[k].weight);
		}
		printf("  # %s\n", p->vertex);
	}
}

/* A sync job as JSON (--dry-run --json): the peers and the paths they would get. */
static cJSON *job_json(const struct sync_job *job)
{
	cJSON *root = cJSON_CreateObject(), *peers;

	cJSON_AddStringToObject(root, "dev", job->o->dev);
	cJSON_AddStringToObject(root, "source", sources[job->o->source].name);
	cJSON_AddStringToObject(root, "local", job->local_vertex);
	peers = cJSON_AddArrayToObject(root, "peers");
	for (size_t i = 0; i < job->npeers; i++) {
		const struct sync_peer *p = &job->peers[i];
		const struct srv6_peer *peer = &p->req.peer;
		cJSON *obj, *paths;
		char text[ADDR_STR_LEN];

		if (p->no_flow)
			continue;
		obj = cJSON_CreateObject();
		cJSON_AddStringToObject(obj, "vertex", p->vertex);
		cJSON_AddNumberToObject(obj, "rank", p->member->rank);
		cJSON_AddStringToObject(obj, "peer", addr_key_str(&p->req.key, text));
		if (p->url)
			cJSON_AddStringToObject(obj, "url", p->url);
		paths = cJSON_AddArrayToObject(obj, "paths");
		for (unsigned int k = 0; k < peer->path_count; k++) {
			cJSON *path = cJSON_CreateObject(), *segs = cJSON_AddArrayToObject(path, "segs");

			for (unsigned int s = 0; s < peer->paths[k].seg_count; s++)
				cJSON_AddItemToArray(segs, cJSON_CreateString(addr_sid_str(
								   peer->paths[k].segs[s], text)));
			cJSON_AddNumberToObject(path, "weight", peer->paths[k].weight);
			cJSON_AddItemToArray(paths, path);
		}
		cJSON_AddItemToArray(peers, obj);
	}
	return root;
}

static int apply(struct ctx *c, const struct sync_job *job, struct sync_counts *n,
		 struct err *e)
{
	struct route_req *reqs = calloc(job->npeers ? job->npeers : 1, sizeof(*reqs));
	size_t k = 0;
	int rc;

	if (!reqs)
		return errf(e, "out of memory");
	for (size_t i = 0; i < job->npeers; i++) {
		if (job->peers[i].no_flow)
			continue;
		reqs[k] = job->peers[i].req;
		reqs[k].verb = ROUTE_REPLACE;
		snprintf(reqs[k].dev, sizeof(reqs[k].dev), "%s", job->o->dev);
		k++;
	}
	rc = route_sync(c, job->o->dev, reqs, k, n, job->o->memo, e);
	free(reqs);
	return rc;
}

/* --- one sync ------------------------------------------------------------------------ */

int sync_once(struct ctx *c, const struct sync_opts *o, struct sync_report *r, struct err *e)
{
	struct sync_job job = { 0 };
	sync_source_fn fill = sources[o->source].fill;
	int rc;

	memset(r, 0, sizeof(*r));
	r->dev = o->dev;
	r->source = sources[o->source].name;
	if (!fill)
		return errf(e, "sync: --source %s is not yet available in this build (use jalapeno-load or jalapeno-best-paths)",
			    sources[o->source].name);
	/* Everything that can be checked locally first: nothing is asked of the API
	 * (whose load calls change its state) unless the result can be programmed. */
	rc = job_init(o, &job, e);
	if (!rc && !o->dry_run)
		rc = c->ops->dev_ready(c, o->dev, e);
	if (!rc)
		rc = fill(&job, e);
	if (!rc)
		rc = job_check(&job, e);
	if (!rc && o->dry_run) {
		if (c->json) {
			cJSON *root = job_json(&job);

			out_json(root);
			cJSON_Delete(root);
		} else {
			print_text(&job);
		}
	} else if (!rc) {
		double start = now_seconds(CLOCK_MONOTONIC);

		rc = apply(c, &job, &r->counts, e);
		r->program_s = now_seconds(CLOCK_MONOTONIC) - start;
	}
	r->peers = 0;
	for (size_t i = 0; i < job.npeers; i++)
		r->peers += !job.peers[i].no_flow;
	if (!rc && job.has_plan) {
		r->has_plan = true; /* plan_json only with o->keep_plan */
		r->plan_max_load = job.plan_max_load;
		r->plan_lower_bound = job.plan_lower_bound;
		r->avoided = job.avoided;
		r->plan_json = job.plan_json;
		job.plan_json = NULL;
	}
	job_free(&job);
	if (rc)
		err_prefix(e, "sync");
	return rc;
}
