// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "addr.h"
#include "datapath.h"
#include "output.h"
#include "show.h"

#define IPV6_MIN_MTU 1280
#define IPV4_MIN_MTU 68

/* One request, checked against the running state and ready to commit. */
struct plan {
	struct route_req *req;
	const char *where;
	bool existed;
	struct srv6_peer old;            /* the entry before, when it existed */
	struct srv6_peer_entry next;     /* the entry after (add/replace) */
	struct peer_route route;         /* the host route after (add/replace) */
	bool had_route;                  /* srv6-bpf's host route before */
	struct peer_route old_route;
	bool route_after_map;            /* MTU grows: raise it only once the map changed */
};

/* First-SID next hops, looked up once per distinct SID. */
struct nh_cache {
	struct {
		__u8 sid[SRV6_ADDR_LEN];
		struct nexthop nh;
	} *v;
	size_t n, cap;
};

static int nh_lookup(struct ctx *c, struct nh_cache *cache, const __u8 *sid, struct nexthop *nh,
		     struct err *e)
{
	for (size_t i = 0; i < cache->n; i++) {
		if (memcmp(cache->v[i].sid, sid, SRV6_ADDR_LEN) == 0) {
			*nh = cache->v[i].nh;
			return 0;
		}
	}
	if (nlx_route_get6(&c->nl, sid, nh, e))
		return -1;
	if (cache->n == cache->cap) {
		size_t cap = cache->cap ? cache->cap * 2 : 16;
		void *v = realloc(cache->v, cap * sizeof(*cache->v));

		if (!v)
			return errf(e, "out of memory");
		cache->v = v;
		cache->cap = cap;
	}
	memcpy(cache->v[cache->n].sid, sid, SRV6_ADDR_LEN);
	cache->v[cache->n++].nh = *nh;
	return 0;
}

static bool nh_equal(const struct nexthop *a, const struct nexthop *b)
{
	return a->ifindex == b->ifindex && a->has_gw == b->has_gw &&
	       (!a->has_gw || memcmp(&a->gw, &b->gw, sizeof(a->gw)) == 0);
}

static int entry_cmp(const void *a, const void *b)
{
	return memcmp(((const struct srv6_peer_entry *)a)->key.addr,
		      ((const struct srv6_peer_entry *)b)->key.addr, SRV6_ADDR_LEN);
}

static int plan_ptr_cmp(const void *a, const void *b)
{
	const struct plan *pa = *(const struct plan *const *)a, *pb = *(const struct plan *const *)b;

	return memcmp(pa->req->key.addr, pb->req->key.addr, SRV6_ADDR_LEN);
}

/* The error for plan p, prefixed with where it came from and which peer. */
static int plan_err(const struct plan *p, struct err *e)
{
	char peer[ADDR_STR_LEN];

	addr_key_str(&p->req->key, peer);
	if (p->where)
		err_prefix(e, "%s: peer %s", p->where, peer);
	else if (!strstr(e->msg, peer))
		err_prefix(e, "peer %s", peer);
	return -1;
}

/* Free counter slots: one per peer, SRV6_MAX_PATHS counters each. */
struct slots {
	unsigned char *used;
	__u32 count, next;
};

static int slot_alloc(struct slots *s, __u32 *slot)
{
	for (__u32 i = 0; i < s->count; i++) {
		__u32 k = (s->next + i) % s->count;

		if (!s->used[k]) {
			s->used[k] = 1;
			s->next = k + 1;
			*slot = k;
			return 0;
		}
	}
	return -1;
}

static bool path_same(const struct srv6_path *a, const struct srv6_path *b)
{
	return a->seg_count == b->seg_count &&
	       memcmp(a->segs, b->segs, sizeof(a->segs[0]) * a->seg_count) == 0;
}

/* Check one add/replace against the state and fill its entry and host route. */
static int plan_paths(struct ctx *c, struct plan *p, const struct link_info *li,
		      struct nh_cache *nhc, struct slots *slots, __u32 peers_max, struct err *e)
{
	struct srv6_peer *peer = &p->next.value;
	unsigned int overhead = 0, mtu_min;
	char sid[ADDR_STR_LEN];
	struct link_info via;
	struct err ignored;

	*peer = p->req->peer;
	peer->reserved[0] = peer->reserved[1] = peer->reserved[2] = 0;
	p->next.key = p->req->key;
	for (unsigned int i = 0; i < peer->path_count; i++) {
		struct srv6_path *path = &peer->paths[i];
		struct nexthop nh;

		if (nh_lookup(c, nhc, path->segs[0], &nh, e))
			return -1;
		if (nh.ifindex != li->ifindex) {
			const char *name = nlx_link_by_index(&c->nl, nh.ifindex, &via, &ignored) ? "another interface" : via.name;

			return errf(e, "first SID %s is reached through %s, not %s",
				    addr_sid_str(path->segs[0], sid), name, li->name);
		}
		if (i == 0)
			p->route.nh = nh;
		path->flags = nh_equal(&nh, &p->route.nh) ? 0 : SRV6_PATH_F_REROUTE;
		path->reserved = 0;
		if (SRV6_ENCAP_LEN(path->seg_count) > overhead)
			overhead = SRV6_ENCAP_LEN(path->seg_count);
	}
	mtu_min = p->req->family == AF_INET6 ? IPV6_MIN_MTU : IPV4_MIN_MTU;
	if (li->mtu < overhead + mtu_min)
		return errf(e, "%s has MTU %u: %u bytes of SRv6 headers leave less than %u", li->name,
			    li->mtu, overhead, mtu_min);
	p->route.key = p->req->key;
	p->route.mtu = li->mtu - overhead;
	p->route_after_map = p->had_route && p->route.mtu > p->old_route.mtu;

	if (p->existed) {
		peer->counters_base = p->old.counters_base;
	} else {
		__u32 slot;

		if (slot_alloc(slots, &slot))
			return errf(e, "the peers map of %s is full (%u peers): load with a larger peers-max",
				    li->name, peers_max);
		peer->counters_base = slot * SRV6_MAX_PATHS;
	}
	return 0;
}

/* Validate every request for one device against its running state. */
static int plan_dev(struct ctx *c, struct plan *plans, size_t n, const struct srv6_maps *maps,
		    const struct link_info *li, struct err *e)
{
	struct srv6_peer_entry *cur = NULL;
	struct host_route *routes = NULL;
	struct plan **sorted = calloc(n, sizeof(*sorted));
	struct slots slots = { .count = maps->peers_max };
	struct nh_cache nhc = { 0 };
	size_t ncur = 0, nroutes = 0;
	int rc = -1;

	slots.used = calloc(maps->peers_max ? maps->peers_max : 1, 1);
	if (!sorted || !slots.used) {
		errf(e, "out of memory");
		goto out;
	}
	/* The same peer twice in one call would make the outcome depend on order. */
	for (size_t i = 0; i < n; i++)
		sorted[i] = &plans[i];
	qsort(sorted, n, sizeof(*sorted), plan_ptr_cmp);
	for (size_t i = 1; i < n; i++) {
		if (plan_ptr_cmp(&sorted[i - 1], &sorted[i]) == 0) {
			if (sorted[i - 1]->where)
				errf(e, "given twice (first at %s)", sorted[i - 1]->where);
			else
				errf(e, "given twice");
			plan_err(sorted[i], e);
			goto out;
		}
	}
	if (srv6_peers_dump(maps, &cur, &ncur) || nlx_host_routes(&c->nl, &routes, &nroutes, e)) {
		if (!e->msg[0])
			errf(e, "cannot read the peers of %s", li->name);
		goto out;
	}
	qsort(cur, ncur, sizeof(*cur), entry_cmp);
	for (size_t i = 0; i < ncur; i++)
		if (srv6_slot_of(&cur[i].value) < slots.count)
			slots.used[srv6_slot_of(&cur[i].value)] = 1;

	for (size_t i = 0; i < n; i++) {
		struct plan *p = &plans[i];
		struct srv6_peer_entry probe = { .key = p->req->key };
		const struct srv6_peer_entry *found =
			ncur ? bsearch(&probe, cur, ncur, sizeof(*cur), entry_cmp) : NULL;
		const struct host_route *hr = nlx_host_route_find(routes, nroutes, &p->req->key);

		p->existed = found != NULL;
		if (found)
			p->old = found->value;
		if (hr && hr->protocol == SRV6_RTPROT) {
			p->had_route = true;
			p->old_route = hr->route;
		}
		if (p->req->verb == ROUTE_ADD && p->existed) {
			errf(e, "a route exists on %s (use: srv6-bpf route replace)", li->name);
			goto fail;
		}
		if (p->req->verb == ROUTE_DEL) {
			if (!p->existed) {
				errf(e, "no route on %s", li->name);
				goto fail;
			}
			continue;
		}
		if (hr && hr->protocol != SRV6_RTPROT) {
			errf(e, "a host route not made by srv6-bpf exists (protocol %u): remove it first",
			     hr->protocol);
			goto fail;
		}
		if (plan_paths(c, p, li, &nhc, &slots, maps->peers_max, e))
			goto fail;
		continue;
fail:
		plan_err(p, e);
		goto out;
	}
	rc = 0;
out:
	free(nhc.v);
	free(slots.used);
	free(sorted);
	free(cur);
	free(routes);
	return rc;
}

enum routes_to {
	ROUTES_NEW,    /* the plan's new host route */
	ROUTES_OLD,    /* back to what was there: the old route, or none */
	ROUTES_REMOVE, /* no host route */
};

/* Bring the host routes of the plans selected by pick to the given state. */
static int routes_set(struct ctx *c, struct plan *plans, size_t n,
		      bool (*pick)(const struct plan *), enum routes_to to, struct err *e)
{
	struct peer_route *set = calloc(n ? n : 1, sizeof(*set));
	struct srv6_peer_key *del = calloc(n ? n : 1, sizeof(*del));
	size_t nset = 0, ndel = 0, done;
	int rc = 0;

	if (!set || !del) {
		free(set);
		free(del);
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (!pick(&plans[i]))
			continue;
		if (to == ROUTES_NEW)
			set[nset++] = plans[i].route;
		else if (to == ROUTES_OLD && plans[i].had_route)
			set[nset++] = plans[i].old_route;
		else
			del[ndel++] = plans[i].req->key;
	}
	if (nset && nlx_peer_routes_set(&c->nl, set, nset, &done, e))
		rc = -1;
	if (ndel && nlx_peer_routes_del(&c->nl, del, ndel, e))
		rc = -1;
	free(set);
	free(del);
	return rc;
}

static bool is_set_before_map(const struct plan *p)
{
	return p->req->verb != ROUTE_DEL && !p->route_after_map;
}

static bool is_set_after_map(const struct plan *p)
{
	return p->req->verb != ROUTE_DEL && p->route_after_map;
}

static bool is_del(const struct plan *p)
{
	return p->req->verb == ROUTE_DEL;
}

/* Put the map back as it was for the plans selected by pick. */
static void map_restore(const struct srv6_maps *maps, struct plan *plans, size_t n,
			bool (*pick)(const struct plan *))
{
	for (size_t i = 0; i < n; i++) {
		struct plan *p = &plans[i];
		struct srv6_peer_entry old = { .key = p->req->key, .value = p->old };

		if (!pick(p))
			continue;
		if (p->existed)
			srv6_peers_update(maps, &old, 1);
		else
			srv6_peers_delete(maps, &p->req->key, 1);
	}
}

static bool is_set(const struct plan *p)
{
	return p->req->verb != ROUTE_DEL;
}

/* Counters of new peers and of changed paths start from zero. */
static void counters_reset(const struct srv6_maps *maps, const struct plan *p)
{
	const struct srv6_peer *next = &p->next.value;

	for (unsigned int i = 0; i < SRV6_MAX_PATHS; i++) {
		if (p->existed && i < p->old.path_count && i < next->path_count &&
		    path_same(&p->old.paths[i], &next->paths[i]))
			continue;
		srv6_path_ctrs_zero(maps, next->counters_base + i);
	}
}

static int commit_dev(struct ctx *c, struct plan *plans, size_t n, const struct srv6_maps *maps,
		      struct err *e)
{
	struct srv6_peer_entry *entries = calloc(n ? n : 1, sizeof(*entries));
	struct srv6_peer_key *gone = calloc(n ? n : 1, sizeof(*gone));
	size_t nentries = 0, ngone = 0;
	struct err undo;
	int rc;

	if (!entries || !gone) {
		free(entries);
		free(gone);
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (is_set(&plans[i])) {
			counters_reset(maps, &plans[i]);
			entries[nentries++] = plans[i].next;
		} else {
			gone[ngone++] = plans[i].req->key;
		}
	}

	/* MTU first where it shrinks, so no packet is encapsulated beyond it. */
	if (routes_set(c, plans, n, is_set_before_map, ROUTES_NEW, e))
		goto undo_routes;
	rc = srv6_peers_update(maps, entries, nentries);
	if (rc) {
		errf(e, "cannot update the peers map: %s", strerror(-rc));
		goto undo_map;
	}
	if (routes_set(c, plans, n, is_set_after_map, ROUTES_NEW, e))
		goto undo_all;
	/* Deleting: stop encapsulating first, then give the MTU back. */
	rc = srv6_peers_delete(maps, gone, ngone);
	if (rc) {
		errf(e, "cannot delete from the peers map: %s", strerror(-rc));
		map_restore(maps, plans, n, is_del);
		goto undo_all;
	}
	if (routes_set(c, plans, n, is_del, ROUTES_REMOVE, e)) {
		map_restore(maps, plans, n, is_del);
		routes_set(c, plans, n, is_del, ROUTES_OLD, &undo);
		goto undo_all;
	}
	free(entries);
	free(gone);
	return 0;

undo_all:
	routes_set(c, plans, n, is_set_after_map, ROUTES_OLD, &undo);
undo_map:
	map_restore(maps, plans, n, is_set);
undo_routes:
	routes_set(c, plans, n, is_set_before_map, ROUTES_OLD, &undo);
	free(entries);
	free(gone);
	return -1;
}

int route_apply(struct ctx *c, struct route_req *reqs, size_t n, const char *const *where,
		struct err *e)
{
	struct plan *plans = calloc(n ? n : 1, sizeof(*plans));
	bool *done = calloc(n ? n : 1, sizeof(*done));
	int rc = -1;

	if (!plans || !done) {
		errf(e, "out of memory");
		goto out;
	}
	/* Devices one at a time, each all or nothing. */
	for (size_t first = 0; first < n; first++) {
		struct srv6_maps maps;
		struct link_info li;
		size_t k = 0;

		if (done[first])
			continue;
		for (size_t i = first; i < n; i++) {
			if (!done[i] && strcmp(reqs[i].dev, reqs[first].dev) == 0) {
				done[i] = true;
				plans[k].req = &reqs[i];
				plans[k].where = where ? where[i] : NULL;
				k++;
			}
		}
		if (dp_open(c, reqs[first].dev, &maps, e))
			goto out;
		if (nlx_link_get(&c->nl, reqs[first].dev, &li, e) ||
		    plan_dev(c, plans, k, &maps, &li, e) || commit_dev(c, plans, k, &maps, e)) {
			srv6_maps_close(&maps);
			goto out;
		}
		srv6_maps_close(&maps);
		memset(plans, 0, k * sizeof(*plans));
	}
	rc = 0;
out:
	free(plans);
	free(done);
	return rc;
}

static bool peer_same(const struct srv6_peer *a, const struct srv6_peer *b)
{
	if (a->path_count != b->path_count)
		return false;
	for (unsigned int i = 0; i < a->path_count && i < SRV6_MAX_PATHS; i++)
		if (a->paths[i].weight != b->paths[i].weight || !path_same(&a->paths[i], &b->paths[i]))
			return false;
	return true;
}

int route_sync(struct ctx *c, const char *dev, const struct route_req *reqs, size_t n,
	       struct sync_counts *counts, struct err *e)
{
	struct srv6_peer_entry *cur = NULL, *wanted = NULL;
	struct route_req *ops = NULL;
	struct srv6_maps maps;
	size_t ncur = 0, nops = 0;
	int rc;

	memset(counts, 0, sizeof(*counts));
	if (dp_open(c, dev, &maps, e))
		return -1;
	rc = srv6_peers_dump(&maps, &cur, &ncur);
	srv6_maps_close(&maps);
	if (rc)
		return errf(e, "cannot read the peers of %s: %s", dev, strerror(-rc));
	qsort(cur, ncur, sizeof(*cur), entry_cmp);
	ops = calloc(n + ncur + 1, sizeof(*ops));
	wanted = calloc(n + 1, sizeof(*wanted));
	if (!ops || !wanted) {
		free(cur);
		free(ops);
		free(wanted);
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		wanted[i].key = reqs[i].key;
	qsort(wanted, n, sizeof(*wanted), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		struct srv6_peer_entry probe = { .key = reqs[i].key };
		const struct srv6_peer_entry *found =
			ncur ? bsearch(&probe, cur, ncur, sizeof(*cur), entry_cmp) : NULL;

		if (found && peer_same(&found->value, &reqs[i].peer)) {
			counts->unchanged++;
			continue;
		}
		found ? counts->replaced++ : counts->added++;
		ops[nops] = reqs[i];
		ops[nops].verb = ROUTE_REPLACE;
		snprintf(ops[nops].dev, sizeof(ops[nops].dev), "%s", dev);
		nops++;
	}
	for (size_t i = 0; i < ncur; i++) {
		if (n && bsearch(&cur[i], wanted, n, sizeof(*wanted), entry_cmp))
			continue;
		counts->removed++;
		ops[nops].verb = ROUTE_DEL;
		ops[nops].key = cur[i].key;
		ops[nops].family = addr_key_is_ipv4(&cur[i].key) ? AF_INET : AF_INET6;
		snprintf(ops[nops].dev, sizeof(ops[nops].dev), "%s", dev);
		nops++;
	}
	rc = nops ? route_apply(c, ops, nops, NULL, e) : 0;
	free(ops);
	free(wanted);
	free(cur);
	return rc;
}

static void path_counters(const struct srv6_maps *maps, const struct srv6_peer *peer,
			  unsigned int i, struct srv6_path_counters *ctrs)
{
	if (srv6_path_ctrs_read(maps, peer->counters_base + i, ctrs))
		memset(ctrs, 0, sizeof(*ctrs));
}

static void segs_text(const struct srv6_path *path, char *buf, size_t len)
{
	char sid[ADDR_STR_LEN];
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int s = 0; s < path->seg_count && s < SRV6_MAX_SEGS; s++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 s ? "," : "", addr_sid_str(path->segs[s], sid));
}

/* One line per peer, in the grammar `route -batch` reads (counters after '#'). */
static void peer_print_text(const struct srv6_maps *maps, const char *dev,
			    const struct srv6_peer_entry *ent)
{
	char peer[ADDR_STR_LEN], segs[SRV6_MAX_SEGS * (ADDR_STR_LEN + 1)];
	bool multi = ent->value.path_count > 1;

	printf("%s dev %s", addr_key_str(&ent->key, peer), dev);
	for (unsigned int i = 0; i < ent->value.path_count && i < SRV6_MAX_PATHS; i++) {
		segs_text(&ent->value.paths[i], segs, sizeof(segs));
		printf("%s segs %s weight %u", multi ? " path" : "", segs,
		       ent->value.paths[i].weight);
	}
	printf("  #");
	for (unsigned int i = 0; i < ent->value.path_count && i < SRV6_MAX_PATHS; i++) {
		struct srv6_path_counters ctrs;

		path_counters(maps, &ent->value, i, &ctrs);
		printf("%s packets %llu bytes %llu", i ? ";" : "", (unsigned long long)ctrs.packets,
		       (unsigned long long)ctrs.bytes);
	}
	printf("\n");
}

static cJSON *peer_json(const struct srv6_maps *maps, const char *dev,
			const struct srv6_peer_entry *ent)
{
	cJSON *obj = cJSON_CreateObject(), *paths = cJSON_CreateArray();
	char text[ADDR_STR_LEN];

	cJSON_AddStringToObject(obj, "peer", addr_key_str(&ent->key, text));
	cJSON_AddStringToObject(obj, "dev", dev);
	for (unsigned int i = 0; i < ent->value.path_count && i < SRV6_MAX_PATHS; i++) {
		const struct srv6_path *path = &ent->value.paths[i];
		cJSON *p = cJSON_CreateObject(), *segs = cJSON_CreateArray();
		struct srv6_path_counters ctrs;

		for (unsigned int s = 0; s < path->seg_count && s < SRV6_MAX_SEGS; s++)
			cJSON_AddItemToArray(segs, cJSON_CreateString(addr_sid_str(path->segs[s], text)));
		path_counters(maps, &ent->value, i, &ctrs);
		cJSON_AddItemToObject(p, "segs", segs);
		cJSON_AddNumberToObject(p, "weight", path->weight);
		cJSON_AddNumberToObject(p, "packets", (double)ctrs.packets);
		cJSON_AddNumberToObject(p, "bytes", (double)ctrs.bytes);
		cJSON_AddItemToArray(paths, p);
	}
	cJSON_AddItemToObject(obj, "paths", paths);
	return obj;
}

static int show_dev(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	cJSON *json = arg;
	struct srv6_peer_entry *entries = NULL;
	struct srv6_maps maps;
	size_t count = 0;
	int rc;

	if (dp_open(c, dev, &maps, e))
		return -1;
	rc = srv6_peers_dump(&maps, &entries, &count);
	if (rc) {
		srv6_maps_close(&maps);
		return errf(e, "cannot read the peers of %s: %s", dev, strerror(-rc));
	}
	qsort(entries, count, sizeof(*entries), entry_cmp);
	for (size_t i = 0; i < count; i++) {
		if (json)
			cJSON_AddItemToArray(json, peer_json(&maps, dev, &entries[i]));
		else
			peer_print_text(&maps, dev, &entries[i]);
	}
	free(entries);
	srv6_maps_close(&maps);
	return 0;
}

int route_show(struct ctx *c, const char *dev, struct err *e)
{
	return show_foreach(c, dev, show_dev, e);
}
