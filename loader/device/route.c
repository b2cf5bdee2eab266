// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Route requests against one device's running state, for both platforms:
 * BPF (the srv6_peers map plus an MTU host route per peer) and kernel (one
 * seg6 route per peer). Validate everything first, then commit, rolling back
 * what was changed if the kernel refuses a step.
 */
#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <linux/rtnetlink.h>
#include "util/addr.h"
#include "platform/datapath.h"
#include "util/output.h"
#include "show.h"

#define IPV6_MIN_MTU 1280
#define IPV4_MIN_MTU 68

/* One request, checked against the running state and ready to commit. */
struct plan {
	struct route_req *req;
	const char *file; /* batch requests: where they came from */
	unsigned int line;
	const struct srv6_peer *old;             /* the entry before (in dev_state), or NULL */
	struct nexthop old_nh[SRV6_MAX_PATHS];   /* kernel platform: its paths' next hops */
	struct srv6_peer *next;                  /* the entry after (add/replace): req->peer,
						    its flags and counter slot filled in */
	struct nexthop nh[SRV6_MAX_PATHS];       /* each new path's first-SID next hop */
	struct peer_route route;                 /* the host route after (add/replace) */
	bool had_route;                          /* srv6-bpf's host route before */
	struct peer_route old_route;
	bool route_after_map;                    /* BPF: MTU grows, raise it after the map */
	bool no_route;                           /* BPF with peer-routes off: no host route */
};

/* What one device holds now. */
struct dev_state {
	struct link_info li;
	bool bpf;
	bool peer_routes;               /* BPF: host routes carry each peer's MTU */
	struct srv6_maps maps;          /* BPF platform */
	unsigned int table;             /* table of srv6-bpf's peer routes */
	struct srv6_peer_entry *cur;    /* current peers, sorted by key */
	size_t ncur;
	struct host_route *routes;      /* host routes in table, sorted by key */
	size_t nroutes;
};

/* First-SID next hops, looked up once per distinct SID; sorted by SID. */
struct nh_cache {
	struct nh_entry {
		__u8 sid[SRV6_ADDR_LEN];
		struct nexthop nh;
	} *v;
	size_t n, cap;
};

static int nh_entry_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SRV6_ADDR_LEN); /* sid is the first member */
}

static int nh_insert(struct nh_cache *cache, const __u8 *sid, const struct nexthop *nh,
		     struct err *e)
{
	size_t lo = 0, hi = cache->n;

	if (cache->n == cache->cap) {
		size_t cap = cache->cap ? cache->cap * 2 : 16;
		void *v = realloc(cache->v, cap * sizeof(*cache->v));

		if (!v)
			return errf(e, "out of memory");
		cache->v = v;
		cache->cap = cap;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(cache->v[mid].sid, sid, SRV6_ADDR_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&cache->v[lo + 1], &cache->v[lo], (cache->n - lo) * sizeof(*cache->v));
	memcpy(cache->v[lo].sid, sid, SRV6_ADDR_LEN);
	cache->v[lo].nh = *nh;
	cache->n++;
	return 0;
}

static int nh_lookup(struct ctx *c, struct nh_cache *cache, const __u8 *sid, struct nexthop *nh,
		     struct err *e)
{
	const struct nh_entry *hit = cache->n ? bsearch(sid, cache->v, cache->n, sizeof(*cache->v),
							 nh_entry_cmp)
					      : NULL;

	if (hit) {
		*nh = hit->nh;
		return 0;
	}
	if (nlx_route_get6(&c->nl, sid, nh, e))
		return -1;
	return nh_insert(cache, sid, nh, e);
}

/*
 * Look up every new path's first SID in one pipelined pass: a batch of
 * 65,536 peers needs 65,536 lookups. SIDs without a route stay out; their
 * plan asks again and reports the error with its line.
 */
static int nh_prefetch(struct ctx *c, struct nh_cache *cache, const struct plan *plans, size_t n,
		       struct err *e)
{
	size_t count = 0, unique = 0;
	__u8 (*sids)[SRV6_ADDR_LEN];
	struct nexthop *nh;
	bool *found;
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		count += plans[i].req->peer.path_count;
	if (count == 0)
		return 0;
	sids = calloc(count, sizeof(*sids));
	nh = calloc(count, sizeof(*nh));
	found = calloc(count, sizeof(*found));
	if (!sids || !nh || !found) {
		errf(e, "out of memory");
		goto out;
	}
	count = 0;
	for (size_t i = 0; i < n; i++)
		for (unsigned int k = 0; k < plans[i].req->peer.path_count && k < SRV6_MAX_PATHS; k++)
			memcpy(sids[count++], plans[i].req->peer.paths[k].segs[0], SRV6_ADDR_LEN);
	qsort(sids, count, sizeof(*sids), nh_entry_cmp);
	for (size_t i = 0; i < count; i++)
		if (unique == 0 || memcmp(sids[unique - 1], sids[i], SRV6_ADDR_LEN))
			memmove(sids[unique++], sids[i], SRV6_ADDR_LEN);
	if (nlx_route_get6_many(&c->nl, (const __u8(*)[SRV6_ADDR_LEN])sids, unique, nh, found, e))
		goto out;
	/* Already in order: appending keeps the cache sorted. */
	for (size_t i = 0; i < unique; i++)
		if (found[i] && nh_insert(cache, sids[i], &nh[i], e))
			goto out;
	rc = 0;
out:
	free(sids);
	free(nh);
	free(found);
	return rc;
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
	if (p->file)
		err_prefix(e, "%s:%u: peer %s", p->file, p->line, peer);
	else if (!strstr(e->msg, peer))
		err_prefix(e, "peer %s", peer);
	return -1;
}

static int state_open(struct ctx *c, const char *dev, struct dev_state *st, struct err *e)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->bpf = c->platform == PLATFORM_BPF;
	st->maps.peers_fd = -1;
	st->peer_routes = true;
	if (st->bpf) {
		struct srv6_config cfg;

		if (dp_open(c, dev, &st->maps, e))
			return -1;
		st->table = RT_TABLE_MAIN;
		if (srv6_config_read(&st->maps, &cfg) == 0)
			st->peer_routes = !(cfg.loader_flags & SRV6_LOADER_NO_PEER_ROUTES);
		rc = srv6_peers_dump(&st->maps, &st->cur, &st->ncur);
		if (rc) {
			errf(e, "cannot read the peers of %s: %s", dev, strerror(-rc));
			goto fail;
		}
	} else {
		st->table = c->table;
	}
	if (nlx_link_get(&c->nl, dev, &st->li, e) ||
	    (!st->bpf &&
	     nlx_seg6_peers(&c->nl, st->table, st->li.ifindex, &st->cur, NULL, &st->ncur, e)) ||
	    nlx_host_routes(&c->nl, st->table, &st->routes, &st->nroutes, e))
		goto fail;
	qsort(st->cur, st->ncur, sizeof(*st->cur), entry_cmp);
	return 0;
fail:
	free(st->cur);
	if (st->bpf)
		srv6_maps_close(&st->maps);
	return -1;
}

static void state_close(struct dev_state *st)
{
	free(st->cur);
	free(st->routes);
	if (st->bpf)
		srv6_maps_close(&st->maps);
}

static const struct srv6_peer_entry *state_find(const struct dev_state *st,
						const struct srv6_peer_key *key)
{
	struct srv6_peer_entry probe = { .key = *key };

	return st->ncur ? bsearch(&probe, st->cur, st->ncur, sizeof(*st->cur), entry_cmp) : NULL;
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

/* Next hop of each path's first SID, which must be reached through the device. */
static int paths_nexthops(struct ctx *c, const struct srv6_peer *peer, const struct link_info *li,
			  struct nh_cache *nhc, struct nexthop *nh, struct err *e)
{
	char sid[ADDR_STR_LEN];
	struct link_info via;
	struct err ignored;

	for (unsigned int i = 0; i < peer->path_count && i < SRV6_MAX_PATHS; i++) {
		if (nh_lookup(c, nhc, peer->paths[i].segs[0], &nh[i], e))
			return -1;
		if (nh[i].ifindex != li->ifindex)
			return errf(e, "first SID %s is reached through %s, not %s",
				    addr_sid_str(peer->paths[i].segs[0], sid),
				    nlx_link_by_index(&c->nl, nh[i].ifindex, &via, &ignored)
					    ? "another interface"
					    : via.name,
				    li->name);
	}
	return 0;
}

/* BPF platform: path flags, the MTU host route and a counter slot. */
static int plan_bpf(struct plan *p, const struct dev_state *st, struct slots *slots,
		    struct err *e)
{
	const struct link_info *li = &st->li;
	struct srv6_peer *peer = p->next;
	unsigned int overhead = 0, mtu_min;

	/* Without a peer route, which next hop the stack picked for the inner
	 * destination is unknown: the datapath asks the FIB for every path. */
	for (unsigned int i = 0; i < peer->path_count; i++) {
		struct srv6_path *path = &peer->paths[i];

		path->flags = !p->no_route && nh_equal(&p->nh[i], &p->nh[0]) ? 0 : SRV6_PATH_F_REROUTE;
		if (SRV6_ENCAP_LEN(path->seg_count) > overhead)
			overhead = SRV6_ENCAP_LEN(path->seg_count);
	}
	mtu_min = p->req->family == AF_INET6 ? IPV6_MIN_MTU : IPV4_MIN_MTU;
	if (p->no_route)
		; /* the operator keeps MTU room (peer-routes off) */
	else if (li->mtu < overhead + mtu_min)
		return errf(e, "%s has MTU %u: %u bytes of SRv6 headers leave less than %u", li->name,
			    li->mtu, overhead, mtu_min);
	p->route.mtu = li->mtu - overhead;
	p->route_after_map = p->had_route && p->route.mtu > p->old_route.mtu;
	if (p->old) {
		peer->counters_base = p->old->counters_base;
	} else {
		__u32 slot;

		if (slot_alloc(slots, &slot))
			return errf(e, "the peers map of %s is full (%u peers): load with a larger peers-max",
				    li->name, st->maps.peers_max);
		peer->counters_base = slot * SRV6_MAX_PATHS;
	}
	return 0;
}

/* Check one request against the state and fill its entry and host routes. */
static int plan_one(struct ctx *c, struct plan *p, const struct dev_state *st,
		    struct nh_cache *nhc, struct slots *slots, struct err *e)
{
	const struct srv6_peer_entry *found = state_find(st, &p->req->key);
	const struct host_route *hr = nlx_host_route_find(st->routes, st->nroutes, &p->req->key);
	bool kernel = !st->bpf;

	p->old = found ? &found->value : NULL;
	p->no_route = st->bpf && !st->peer_routes;
	if (hr && hr->protocol == SRV6_RTPROT) {
		p->had_route = true;
		p->old_route = hr->route;
	}
	if (kernel && p->old) {
		/* To restore it on failure: the old route with its encapsulation. */
		if (paths_nexthops(c, p->old, &st->li, nhc, p->old_nh, e))
			return -1;
		p->old_route.encap_mode = c->encap_mode;
		p->old_route.paths = p->old;
		p->old_route.path_nh = p->old_nh;
	}
	if (p->req->verb == ROUTE_ADD && p->old)
		return errf(e, "a route exists on %s (use: srv6-bpf route replace)", st->li.name);
	if (p->req->verb == ROUTE_DEL)
		return p->old ? 0 : errf(e, "no route on %s", st->li.name);
	if (hr && hr->protocol != SRV6_RTPROT)
		return errf(e, "a host route not made by srv6-bpf exists (protocol %u, table %u): remove it first",
			    hr->protocol, st->table);

	p->next = &p->req->peer;
	memset(p->next->reserved, 0, sizeof(p->next->reserved));
	if (paths_nexthops(c, p->next, &st->li, nhc, p->nh, e))
		return -1;
	p->route.key = p->req->key;
	p->route.table = st->table;
	p->route.nh = p->nh[0];
	if (kernel) {
		p->route.encap_mode = c->encap_mode;
		p->route.paths = p->next;
		p->route.path_nh = p->nh;
		return 0;
	}
	return plan_bpf(p, st, slots, e);
}

/* Validate every request for one device against its running state. */
static int plan_dev(struct ctx *c, struct plan *plans, size_t n, const struct dev_state *st,
		    struct err *e)
{
	struct plan **sorted = calloc(n ? n : 1, sizeof(*sorted));
	struct slots slots = { .count = st->bpf ? st->maps.peers_max : 0 };
	struct nh_cache nhc = { 0 };
	int rc = -1;

	slots.used = calloc(slots.count ? slots.count : 1, 1);
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
			if (sorted[i - 1]->file)
				errf(e, "given twice (first at line %u)", sorted[i - 1]->line);
			else
				errf(e, "given twice");
			plan_err(sorted[i], e);
			goto out;
		}
	}
	for (size_t i = 0; i < st->ncur; i++)
		if (srv6_slot_of(&st->cur[i].value) < slots.count)
			slots.used[srv6_slot_of(&st->cur[i].value)] = 1;
	if (nh_prefetch(c, &nhc, plans, n, e))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (plan_one(c, &plans[i], st, &nhc, &slots, e)) {
			plan_err(&plans[i], e);
			goto out;
		}
	}
	rc = 0;
out:
	free(nhc.v);
	free(slots.used);
	free(sorted);
	return rc;
}

enum routes_to {
	ROUTES_NEW,    /* the plan's new host route */
	ROUTES_OLD,    /* back to what was there: the old route, or none */
	ROUTES_REMOVE, /* no host route */
};

/* Bring the host routes of the plans selected by pick to the given state. */
static int routes_set(struct ctx *c, unsigned int table, struct plan *plans, size_t n,
		      bool (*pick)(const struct plan *), enum routes_to to, struct err *e)
{
	struct peer_route *set = calloc(n ? n : 1, sizeof(*set));
	struct srv6_peer_key *del = calloc(n ? n : 1, sizeof(*del));
	size_t nset = 0, ndel = 0;
	int rc = 0;

	if (!set || !del) {
		free(set);
		free(del);
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (!pick(&plans[i]) || (plans[i].no_route && !plans[i].had_route))
			continue;
		if (to == ROUTES_NEW && plans[i].no_route) /* a stale route of ours goes */
			del[ndel++] = plans[i].req->key;
		else if (to == ROUTES_NEW)
			set[nset++] = plans[i].route;
		else if (to == ROUTES_OLD && plans[i].had_route)
			set[nset++] = plans[i].old_route;
		else
			del[ndel++] = plans[i].req->key;
	}
	if (nset && nlx_peer_routes_set(&c->nl, set, nset, e))
		rc = -1;
	if (ndel && nlx_peer_routes_del(&c->nl, table, del, ndel, e))
		rc = -1;
	free(set);
	free(del);
	return rc;
}

static bool is_set(const struct plan *p)
{
	return p->req->verb != ROUTE_DEL;
}

static bool is_set_before_map(const struct plan *p)
{
	return is_set(p) && !p->route_after_map;
}

static bool is_set_after_map(const struct plan *p)
{
	return is_set(p) && p->route_after_map;
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
		if (!pick(p))
			continue;
		if (p->old) {
			struct srv6_peer_entry old = { .key = p->req->key, .value = *p->old };

			srv6_peers_update(maps, &old, 1);
		}
		else
			srv6_peers_delete(maps, &p->req->key, 1);
	}
}

/*
 * Counter entries that must start from zero: a new peer's paths, and the paths
 * of a replaced peer that changed. Entries past path_count are zeroed when a
 * later replace adds the path, so they need nothing now.
 */
static size_t counters_to_reset(const struct plan *p, __u32 *out)
{
	const struct srv6_peer *next = p->next;
	size_t n = 0;

	for (unsigned int i = 0; i < next->path_count && i < SRV6_MAX_PATHS; i++) {
		if (p->old && i < p->old->path_count && path_same(&p->old->paths[i], &next->paths[i]))
			continue;
		out[n++] = next->counters_base + i;
	}
	return n;
}

/* Kernel platform: the routes are the whole state. */
static int commit_kernel(struct ctx *c, const struct dev_state *st, struct plan *plans, size_t n,
			 struct err *e)
{
	struct err undo;

	if (routes_set(c, st->table, plans, n, is_set, ROUTES_NEW, e)) {
		routes_set(c, st->table, plans, n, is_set, ROUTES_OLD, &undo);
		return -1;
	}
	if (routes_set(c, st->table, plans, n, is_del, ROUTES_REMOVE, e)) {
		routes_set(c, st->table, plans, n, is_del, ROUTES_OLD, &undo);
		routes_set(c, st->table, plans, n, is_set, ROUTES_OLD, &undo);
		return -1;
	}
	return 0;
}

/* The new entries of the plans that set one, a chunk at a time: no copy of
 * the whole batch (fresh memory costs more than the map update itself). */
static int peers_write(const struct srv6_maps *maps, const struct plan *plans, size_t n)
{
	struct srv6_peer_key *keys = calloc(SRV6_PEERS_CHUNK, sizeof(*keys));
	struct srv6_peer *values = calloc(SRV6_PEERS_CHUNK, sizeof(*values));
	size_t k = 0;
	int rc = keys && values ? 0 : -ENOMEM;

	for (size_t i = 0; i < n && !rc; i++) {
		if (!is_set(&plans[i]))
			continue;
		keys[k] = plans[i].req->key;
		values[k++] = *plans[i].next;
		if (k == SRV6_PEERS_CHUNK) {
			rc = srv6_peers_update_kv(maps, keys, values, k);
			k = 0;
		}
	}
	if (!rc && k)
		rc = srv6_peers_update_kv(maps, keys, values, k);
	free(keys);
	free(values);
	return rc;
}

static int commit_bpf(struct ctx *c, const struct dev_state *st, struct plan *plans, size_t n,
		      struct err *e)
{
	const struct srv6_maps *maps = &st->maps;
	struct srv6_peer_key *gone = calloc(n ? n : 1, sizeof(*gone));
	__u32 *zero = calloc(n ? n * SRV6_MAX_PATHS : 1, sizeof(*zero));
	size_t ngone = 0, nzero = 0;
	struct err undo;
	int rc;

	if (!gone || !zero) {
		free(gone);
		free(zero);
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (is_set(&plans[i]))
			nzero += counters_to_reset(&plans[i], zero + nzero);
		else
			gone[ngone++] = plans[i].req->key;
	}
	/* Before the entries point at them, so no packet is counted and then lost. */
	rc = srv6_path_ctrs_zero_many(maps, zero, nzero);
	free(zero);
	if (rc) {
		free(gone);
		return errf(e, "cannot reset path counters: %s", strerror(-rc));
	}

	/* MTU first where it shrinks, so no packet is encapsulated beyond it. */
	if (routes_set(c, st->table, plans, n, is_set_before_map, ROUTES_NEW, e))
		goto undo_routes;
	rc = peers_write(maps, plans, n);
	if (rc) {
		errf(e, "cannot update the peers map: %s", strerror(-rc));
		goto undo_map;
	}
	if (routes_set(c, st->table, plans, n, is_set_after_map, ROUTES_NEW, e))
		goto undo_all;
	/* Deleting: stop encapsulating first, then give the MTU back. */
	rc = srv6_peers_delete(maps, gone, ngone);
	if (rc) {
		errf(e, "cannot delete from the peers map: %s", strerror(-rc));
		map_restore(maps, plans, n, is_del);
		goto undo_all;
	}
	if (routes_set(c, st->table, plans, n, is_del, ROUTES_REMOVE, e)) {
		map_restore(maps, plans, n, is_del);
		routes_set(c, st->table, plans, n, is_del, ROUTES_OLD, &undo);
		goto undo_all;
	}
	free(gone);
	return 0;

undo_all:
	routes_set(c, st->table, plans, n, is_set_after_map, ROUTES_OLD, &undo);
undo_map:
	map_restore(maps, plans, n, is_set);
undo_routes:
	routes_set(c, st->table, plans, n, is_set_before_map, ROUTES_OLD, &undo);
	free(gone);
	return -1;
}

/* Undo a committed group: entries and host routes back to what they were. */
static void commit_undo(struct ctx *c, const struct dev_state *st, struct plan *plans, size_t n)
{
	struct err ignored;

	if (st->bpf) {
		map_restore(&st->maps, plans, n, is_set);
		map_restore(&st->maps, plans, n, is_del);
	}
	routes_set(c, st->table, plans, n, is_set, ROUTES_OLD, &ignored);
	routes_set(c, st->table, plans, n, is_del, ROUTES_OLD, &ignored);
}

/* The requests of one device. */
struct group {
	struct dev_state st;
	struct plan *plans;
	size_t n;
	bool open;
};

int route_apply(struct ctx *c, struct route_req *reqs, size_t n,
		const struct batch_origin *origin, struct err *e)
{
	struct plan *plans = calloc(n ? n : 1, sizeof(*plans));
	struct group *groups = calloc(n ? n : 1, sizeof(*groups));
	bool *grouped = calloc(n ? n : 1, sizeof(*grouped));
	size_t ngroups = 0, k = 0, committed = 0;
	int rc = -1;

	if (!plans || !groups || !grouped) {
		errf(e, "out of memory");
		goto out;
	}
	/* Group the requests by device, keeping their order within a device. */
	for (size_t first = 0; first < n; first++) {
		struct group *g = &groups[ngroups];

		if (grouped[first])
			continue;
		g->plans = &plans[k];
		for (size_t i = first; i < n; i++) {
			if (grouped[i] || strcmp(reqs[i].dev, reqs[first].dev))
				continue;
			grouped[i] = true;
			plans[k].req = &reqs[i];
			plans[k].file = origin ? origin->file : NULL;
			plans[k].line = origin ? origin->lines[i] : 0;
			k++;
			g->n++;
		}
		ngroups++;
	}
	/* Check every device before changing any: a batch is all or nothing. */
	for (size_t i = 0; i < ngroups; i++) {
		struct group *g = &groups[i];

		if (state_open(c, g->plans[0].req->dev, &g->st, e)) {
			if (g->plans[0].file)
				err_prefix(e, "%s:%u", g->plans[0].file, g->plans[0].line);
			goto out;
		}
		g->open = true;
		if (plan_dev(c, g->plans, g->n, &g->st, e))
			goto out;
	}
	for (; committed < ngroups; committed++) {
		struct group *g = &groups[committed];

		if (g->st.bpf ? commit_bpf(c, &g->st, g->plans, g->n, e)
			      : commit_kernel(c, &g->st, g->plans, g->n, e))
			break;
	}
	if (committed < ngroups) {
		while (committed--)
			commit_undo(c, &groups[committed].st, groups[committed].plans,
				    groups[committed].n);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; groups && i < ngroups; i++)
		if (groups[i].open)
			state_close(&groups[i].st);
	free(plans);
	free(groups);
	free(grouped);
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
	struct srv6_peer_entry *wanted = NULL;
	struct route_req *ops = NULL;
	struct dev_state st;
	size_t nops = 0;
	int rc;

	memset(counts, 0, sizeof(*counts));
	if (state_open(c, dev, &st, e))
		return -1;
	ops = calloc(n + st.ncur + 1, sizeof(*ops));
	wanted = calloc(n + 1, sizeof(*wanted));
	if (!ops || !wanted) {
		rc = errf(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		wanted[i].key = reqs[i].key;
	qsort(wanted, n, sizeof(*wanted), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct srv6_peer_entry *found = state_find(&st, &reqs[i].key);

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
	for (size_t i = 0; i < st.ncur; i++) {
		if (n && bsearch(&st.cur[i], wanted, n, sizeof(*wanted), entry_cmp))
			continue;
		counts->removed++;
		ops[nops].verb = ROUTE_DEL;
		ops[nops].key = st.cur[i].key;
		ops[nops].family = addr_key_is_ipv4(&st.cur[i].key) ? AF_INET : AF_INET6;
		snprintf(ops[nops].dev, sizeof(ops[nops].dev), "%s", dev);
		nops++;
	}
	state_close(&st);
	rc = nops ? route_apply(c, ops, nops, NULL, e) : 0;
	free(ops);
	free(wanted);
	return rc;
out:
	state_close(&st);
	free(ops);
	free(wanted);
	return rc;
}

/* Per-path counters exist on the BPF platform only (maps NULL otherwise). */
static bool path_counters(const struct srv6_maps *maps, const struct srv6_peer *peer,
			  unsigned int i, struct srv6_path_counters *ctrs)
{
	memset(ctrs, 0, sizeof(*ctrs));
	if (!maps)
		return false;
	srv6_path_ctrs_read(maps, peer->counters_base + i, ctrs);
	return true;
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
	for (unsigned int i = 0; maps && i < ent->value.path_count && i < SRV6_MAX_PATHS; i++) {
		struct srv6_path_counters ctrs;

		path_counters(maps, &ent->value, i, &ctrs);
		printf("%s packets %llu bytes %llu", i ? ";" : "  #", (unsigned long long)ctrs.packets,
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
		cJSON_AddItemToObject(p, "segs", segs);
		cJSON_AddNumberToObject(p, "weight", path->weight);
		if (path_counters(maps, &ent->value, i, &ctrs)) {
			cJSON_AddNumberToObject(p, "packets", (double)ctrs.packets);
			cJSON_AddNumberToObject(p, "bytes", (double)ctrs.bytes);
		} else { /* kernel routes count nothing per path */
			cJSON_AddNullToObject(p, "packets");
			cJSON_AddNullToObject(p, "bytes");
		}
		cJSON_AddItemToArray(paths, p);
	}
	cJSON_AddItemToObject(obj, "paths", paths);
	return obj;
}

static int show_dev(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	cJSON *json = arg;
	struct dev_state st;

	if (state_open(c, dev, &st, e))
		return -1;
	for (size_t i = 0; i < st.ncur; i++) {
		const struct srv6_maps *maps = st.bpf ? &st.maps : NULL;

		if (json)
			cJSON_AddItemToArray(json, peer_json(maps, dev, &st.cur[i]));
		else
			peer_print_text(maps, dev, &st.cur[i]);
	}
	state_close(&st);
	return 0;
}

/* Kernel platform without dev: every device srv6-bpf has routes through. */
static int show_kernel_all(struct ctx *c, struct err *e)
{
	cJSON *json = c->json ? cJSON_CreateArray() : NULL;
	struct srv6_peer_entry *entries = NULL;
	int *ifindexes = NULL, rc;
	size_t n = 0;

	rc = nlx_seg6_peers(&c->nl, c->table, 0, &entries, &ifindexes, &n, e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct link_info li;
		struct err ignored;

		if (nlx_link_by_index(&c->nl, ifindexes[i], &li, &ignored))
			snprintf(li.name, sizeof(li.name), "if%d", ifindexes[i]);
		if (json)
			cJSON_AddItemToArray(json, peer_json(NULL, li.name, &entries[i]));
		else
			peer_print_text(NULL, li.name, &entries[i]);
	}
	if (rc == 0 && json)
		out_json(json);
	cJSON_Delete(json);
	free(entries);
	free(ifindexes);
	return rc;
}

int route_show(struct ctx *c, const char *dev, struct err *e)
{
	if (c->platform == PLATFORM_KERNEL && !dev)
		return show_kernel_all(c, e);
	return show_foreach(c, dev, show_dev, e);
}
