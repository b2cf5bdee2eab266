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
		/* The hosts file's addresses are the user's word: they win over the source's. */
		p->addrs = m->addrs;
		k++;
	}
	job->npeers = k;
	return 0;
}

/* One address of a peer: job_check's duplicate search sorts them. */
struct peer_addr {
	const struct srv6_peer_key *key;
	const struct sync_peer *peer;
};

static int peer_addr_cmp(const void *a, const void *b)
{
	const struct peer_addr *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(*x->key));

	/* Equal keys keep rank order, so the message names the lower rank first. */
	return c ? c : (x->peer->member->rank > y->peer->member->rank) -
			       (x->peer->member->rank < y->peer->member->rank);
}

/* Only the families asked for are programmed. */
static void job_keep_families(struct sync_job *job)
{
	for (size_t i = 0; i < job->npeers; i++)
		for (int f = 0; f < ADDR_FAMS; f++)
			if (!(job->o->families & ADDR_FAM_BIT(f)))
				job->peers[i].addrs.has[f] = false;
}

/* What a peer without an address lacks, in the words of the path source. */
static int no_address(const struct sync_job *job, const struct sync_peer *p, struct err *e)
{
	unsigned int fams = job->o->families;
	const char *fields = fams == ADDR_FAMS_ALL ? "ipv6_address or ipv4_address" :
			     addr_fam_field(fams == ADDR_FAM_BIT(ADDR_IPV4) ? ADDR_IPV4 : ADDR_IPV6);

	if (job->o->source == SYNC_SOURCE_TOPOLOGY)
		return errf(e, "peer %s has no %s address (give %s in the topology or an address in the hosts file)",
			    p->vertex, addr_fams_name(fams), fields);
	return errf(e, "peer %s: no %s address: the API's destination_info has no %s and the hosts file gives none",
		    p->vertex, addr_fams_name(fams), fields);
}

/* Every peer has an address and a path set, and no two share an address. */
static int job_check(const struct sync_job *job, struct err *e)
{
	struct peer_addr *all;
	char addr[ADDR_STR_LEN];
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < job->npeers; i++) {
		const struct sync_peer *p = &job->peers[i];

		if (p->no_flow)
			continue;
		if (!host_addrs_count(&p->addrs))
			return no_address(job, p, e);
		if (p->peer.path_count < 1 || p->peer.path_count > SRV6_MAX_PATHS)
			return errf(e, "peer %s: no path", p->vertex);
		n += host_addrs_count(&p->addrs);
	}
	all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return errf(e, "out of memory");
	n = 0;
	for (size_t i = 0; i < job->npeers; i++)
		for (int f = 0; f < ADDR_FAMS && !job->peers[i].no_flow; f++)
			if (job->peers[i].addrs.has[f])
				all[n++] = (struct peer_addr){ &job->peers[i].addrs.key[f], &job->peers[i] };
	qsort(all, n, sizeof(*all), peer_addr_cmp);
	for (size_t i = 1; i < n && !rc; i++)
		if (!memcmp(all[i - 1].key, all[i].key, sizeof(*all[i].key)))
			rc = errf(e, "peers %s and %s have the same address %s", all[i - 1].peer->vertex,
				  all[i].peer->vertex, addr_key_str(all[i].key, addr));
	free(all);
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
		.families = job->o->families,
		.has_function = job->o->has_function,
		.function = job->o->function,
		.max_paths = job->o->paths,
	};
	struct jalapeno_answer a;

	if ((r->error[0] && transport_error(r, e)) ||
	    jalapeno_parse(&w, r->status, r->body, r->len, &a, e))
		goto fail;
	p->peer = a.peer;
	host_addrs_fill(&p->addrs, &a.addrs);
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

/* The job's peer for a member of its membership (peers skip the local host). */
static struct sync_peer *job_peer_of(struct sync_job *job, const struct member *m)
{
	size_t i = (size_t)(m - job->members.v);

	if (m == job->local || i >= job->members.n)
		return NULL;
	return &job->peers[i - (m > job->local)];
}

/*
 * The one place a plan becomes peers' paths: the local host's flows, one per
 * destination host (both its addresses share them); the other peers get no
 * flow of ours.
 */
static int peers_from_plan(struct sync_job *job, const struct plan *plan, struct err *e)
{
	struct plan_peer_paths *pp;
	size_t n;

	if (plan_local_paths(plan, job->local->name, &pp, &n, e))
		return -1;
	for (size_t i = 0; i < job->npeers; i++)
		job->peers[i].no_flow = true;
	for (size_t r = 0; r < n; r++) {
		struct sync_peer *p = pp[r].member ? job_peer_of(job, pp[r].member) : NULL;

		if (!p)
			continue;
		p->no_flow = false;
		p->peer.path_count = (__u8)pp[r].path_count;
		memcpy(p->peer.paths, pp[r].paths, sizeof(pp[r].paths));
		host_addrs_fill(&p->addrs, &pp[r].addrs);
	}
	free(pp);
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
	struct plan *plan = NULL;
	struct topology t = { 0 };
	struct topo_edge *edges = NULL;
	struct plan_opts po;
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
	    peers_from_plan(job, plan, e))
		goto out;
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
	plan_free(plan);
	plan_prev_free(prev_file);
	plan_pairs_free(&pairs);
	topology_free(&t);
	return rc;
}

/* --- output ------------------------------------------------------------------------- */

/* One route line a peer's address, in the grammar `route -batch` reads. */
static void print_text(const struct sync_job *job)
{
	for (size_t i = 0; i < job->npeers; i++) {
		const struct sync_peer *p = &job->peers[i];
		const struct srv6_peer *peer = &p->peer;
		char addr[ADDR_STR_LEN], sid[ADDR_STR_LEN];

		for (int f = 0; f < ADDR_FAMS && !p->no_flow; f++) {
			if (!p->addrs.has[f])
				continue;
			printf("%s dev %s", addr_key_str(&p->addrs.key[f], addr), job->o->dev);
			for (unsigned int k = 0; k < peer->path_count; k++) {
				printf("%s segs ", peer->path_count > 1 ? " path" : "");
				for (unsigned int s = 0; s < peer->paths[k].seg_count; s++)
					printf("%s%s", s ? "," : "",
					       addr_sid_str(peer->paths[k].segs[s], sid));
				printf(" weight %u", peer->paths[k].weight);
			}
			printf("  # %s\n", p->vertex);
		}
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
		const struct srv6_peer *peer = &p->peer;
		cJSON *obj, *paths, *addrs;
		char text[ADDR_STR_LEN];

		if (p->no_flow)
			continue;
		obj = cJSON_CreateObject();
		cJSON_AddStringToObject(obj, "vertex", p->vertex);
		cJSON_AddNumberToObject(obj, "rank", p->member->rank);
		/* "peer": the first address, as before there were two (field names are stable). */
		addrs = cJSON_CreateArray();
		for (int f = 0; f < ADDR_FAMS; f++) {
			if (!p->addrs.has[f])
				continue;
			addr_key_str(&p->addrs.key[f], text);
			if (!cJSON_GetArraySize(addrs))
				cJSON_AddStringToObject(obj, "peer", text);
			cJSON_AddItemToArray(addrs, cJSON_CreateString(text));
		}
		cJSON_AddItemToObject(obj, "addresses", addrs);
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

/* Peers the job programs: hosts it sends to, and their addresses (DEV's peers). */
static void job_count(const struct sync_job *job, size_t *hosts, size_t *addresses)
{
	*hosts = *addresses = 0;
	for (size_t i = 0; i < job->npeers; i++) {
		if (job->peers[i].no_flow)
			continue;
		++*hosts;
		*addresses += host_addrs_count(&job->peers[i].addrs);
	}
}

/* Every address of every peer becomes a request, the host's paths each. */
static int apply(struct ctx *c, const struct sync_job *job, struct sync_counts *n,
		 struct err *e)
{
	struct route_req *reqs;
	size_t hosts, k = 0;
	int rc;

	job_count(job, &hosts, &k);
	if (!(reqs = calloc(k ? k : 1, sizeof(*reqs))))
		return errf(e, "out of memory");
	k = 0;
	for (size_t i = 0; i < job->npeers; i++) {
		const struct sync_peer *p = &job->peers[i];

		for (int f = 0; f < ADDR_FAMS && !p->no_flow; f++) {
			if (!p->addrs.has[f])
				continue;
			reqs[k].key = p->addrs.key[f];
			reqs[k].family = addr_fam_af((enum addr_fam)f);
			reqs[k].peer = p->peer;
			k++;
		}
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
	if (!rc) {
		job_keep_families(&job);
		rc = job_check(&job, e);
	}
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
	job_count(&job, &r->peers, &r->addresses);
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
