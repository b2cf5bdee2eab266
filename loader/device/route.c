// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Route requests against each device's running state, on either platform
 * (platform/peers.h): validate every request first (what the platform holds,
 * first SIDs' next hops, foreign host routes), then let the platform commit,
 * rolling back the devices already committed if a later one fails.
 */
#include "route.h"

#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "util/addr.h"
#include "platform/platform.h"
#include "platform/peers.h"
#include "util/clock.h"
#include "util/output.h"
#include "show.h"

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
 * The first SIDs to look up: the first of each /48 that routing treats as one
 * (no route or rule more specific inside it: every address there takes the
 * same route), and every SID of the other /48s. sids is sorted and unique, so
 * a /48's SIDs are neighbours and a lookup stands for the SIDs up to the next
 * one looked up. Returns how many (their indexes, ascending, in ask[]).
 */
static size_t nh_groups(const __u8 (*sids)[SRV6_ADDR_LEN], size_t n,
			const struct nlx_specifics *specific, size_t *ask)
{
	size_t asked = 0;

	for (size_t i = 0; i < n; i++)
		if (i == 0 || memcmp(sids[i], sids[i - 1], NLX_GROUP_BYTES) ||
		    nlx_specific_in(specific, sids[i]))
			ask[asked++] = i;
	return asked;
}

/*
 * Look up every new path's first SID in one pipelined pass (nh_groups: a
 * batch of 65,536 peers behind a few routers needs a few lookups). SIDs
 * without a route stay out; their change asks again and reports the error
 * with its line.
 */
static int nh_prefetch(struct ctx *c, struct nh_cache *cache, const struct peer_table *t,
		       const struct change *v, size_t n, struct err *e)
{
	size_t count = 0, unique = 0, asked;
	__u8 (*sids)[SRV6_ADDR_LEN], (*want)[SRV6_ADDR_LEN];
	size_t *ask;
	struct nexthop *nh;
	bool *found;
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		count += v[i].req->peer.path_count;
	if (count == 0)
		return 0;
	sids = calloc(count, sizeof(*sids));
	want = calloc(count, sizeof(*want));
	ask = calloc(count, sizeof(*ask));
	nh = calloc(count, sizeof(*nh));
	found = calloc(count, sizeof(*found));
	if (!sids || !want || !ask || !nh || !found) {
		errf(e, "out of memory");
		goto out;
	}
	count = 0;
	for (size_t i = 0; i < n; i++)
		for (unsigned int k = 0; k < v[i].req->peer.path_count && k < SRV6_MAX_PATHS; k++)
			memcpy(sids[count++], v[i].req->peer.paths[k].segs[0], SRV6_ADDR_LEN);
	qsort(sids, count, sizeof(*sids), nh_entry_cmp);
	for (size_t i = 0; i < count; i++)
		if (unique == 0 || memcmp(sids[unique - 1], sids[i], SRV6_ADDR_LEN))
			memmove(sids[unique++], sids[i], SRV6_ADDR_LEN);
	asked = nh_groups((const __u8(*)[SRV6_ADDR_LEN])sids, unique, &t->specific, ask);
	for (size_t i = 0; i < asked; i++)
		memcpy(want[i], sids[ask[i]], SRV6_ADDR_LEN);
	if (nlx_route_get6_many(&c->nl, (const __u8(*)[SRV6_ADDR_LEN])want, asked, nh, found, e))
		goto out;
	/* Already in order: appending keeps the cache sorted. */
	for (size_t i = 0, k = 0; i < unique; i++) {
		if (k + 1 < asked && ask[k + 1] == i)
			k++;
		if (found[k] && nh_insert(cache, sids[i], &nh[k], e))
			goto out;
	}
	rc = 0;
out:
	free(sids);
	free(want);
	free(ask);
	free(nh);
	free(found);
	return rc;
}

/* The error for change ch, prefixed with where it came from and which peer. */
static int change_err(const struct change *ch, struct err *e)
{
	char peer[ADDR_STR_LEN];

	addr_key_str(&ch->req->key, peer);
	if (ch->file)
		err_prefix(e, "%s:%u: peer %s", ch->file, ch->line, peer);
	else if (!strstr(e->msg, peer))
		err_prefix(e, "peer %s", peer);
	return -1;
}

static const struct srv6_peer_entry *table_find(const struct peer_table *t,
						const struct srv6_peer_key *key)
{
	struct srv6_peer_entry probe = { .key = *key };

	return t->ncur ? bsearch(&probe, t->cur, t->ncur, sizeof(*t->cur), peer_entry_cmp) : NULL;
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

/* Check one request against the table and fill its entry and host route. */
static int change_check(struct ctx *c, struct change *ch, struct peer_table *t,
			struct nh_cache *nhc, struct err *e)
{
	const struct srv6_peer_entry *found = table_find(t, &ch->req->key);
	const struct host_route *hr = nlx_host_route_find(t->routes, t->nroutes, &ch->req->key);

	ch->old = found ? &found->value : NULL;
	ch->no_route = !t->peer_routes;
	if (hr && hr->protocol == SRV6_RTPROT) {
		ch->had_route = true;
		ch->old_route = hr->route;
	}
	/* To restore it on failure: the old route with its paths. */
	if (t->ops->routes_carry_paths && ch->old &&
	    paths_nexthops(c, ch->old, &t->li, nhc, ch->old_nh, e))
		return -1;
	if (ch->req->verb == ROUTE_ADD && ch->old)
		return errf(e, "a route exists on %s (use: srv6-bpf route replace)", t->li.name);
	if (ch->req->verb == ROUTE_DEL)
		return ch->old ? t->ops->prepare(c, ch, t, e)
			       : errf(e, "no route on %s", t->li.name);
	if (hr && hr->protocol != SRV6_RTPROT)
		return errf(e, "a host route not made by srv6-bpf exists (protocol %u, table %u): remove it first",
			    hr->protocol, t->table);

	ch->next = &ch->req->peer;
	memset(ch->next->reserved, 0, sizeof(ch->next->reserved));
	if (paths_nexthops(c, ch->next, &t->li, nhc, ch->nh, e))
		return -1;
	ch->route.key = ch->req->key;
	ch->route.table = t->table;
	ch->route.nh = ch->nh[0];
	return t->ops->prepare(c, ch, t, e);
}

/* Validate every request for one device against its table. */
static int changes_check(struct ctx *c, struct change *v, size_t n, struct peer_table *t,
			 struct err *e)
{
	const struct change **sorted = calloc(n ? n : 1, sizeof(*sorted));
	struct nh_cache nhc = { 0 };
	int rc = -1;

	if (!sorted) {
		errf(e, "out of memory");
		goto out;
	}
	/* The same peer twice in one call would make the outcome depend on order. */
	for (size_t i = 0; i < n; i++)
		sorted[i] = &v[i];
	changes_sort(sorted, n);
	for (size_t i = 1; i < n; i++) {
		if (change_key_cmp(&sorted[i - 1], &sorted[i]) == 0) {
			if (sorted[i - 1]->file)
				errf(e, "given twice (first at line %u)", sorted[i - 1]->line);
			else
				errf(e, "given twice");
			change_err(sorted[i], e);
			goto out;
		}
	}
	if (nh_prefetch(c, &nhc, t, v, n, e))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (change_check(c, &v[i], t, &nhc, e)) {
			change_err(&v[i], e);
			goto out;
		}
	}
	rc = 0;
out:
	free(nhc.v);
	free(sorted);
	return rc;
}

/* The requests of one device. */
struct group {
	struct peer_table t;
	struct change *v;
	size_t n;
	bool open;
};

/* Group the requests by device, keeping their order within a device. */
static size_t group_by_dev(struct route_req *reqs, size_t n, const struct batch_origin *origin,
			   struct change *v, struct group *groups, bool *grouped)
{
	size_t ngroups = 0, k = 0;

	for (size_t first = 0; first < n; first++) {
		struct group *g = &groups[ngroups];

		if (grouped[first])
			continue;
		g->v = &v[k];
		for (size_t i = first; i < n; i++) {
			if (grouped[i] || strcmp(reqs[i].dev, reqs[first].dev))
				continue;
			grouped[i] = true;
			v[k].req = &reqs[i];
			v[k].file = origin ? origin->file : NULL;
			v[k].line = origin ? origin->lines[i] : 0;
			k++;
			g->n++;
		}
		ngroups++;
	}
	return ngroups;
}

/* Up to this many changes read only their own peers (per-key lookups),
 * more read the whole table (one batched dump). */
#define ROUTE_LOOKUP_MAX 4096

/* Open a group's table: only its peers when few, where the platform can. */
static int group_open(struct ctx *c, struct group *g, struct err *e)
{
	const struct peer_ops *ops = c->ops->peers;
	struct srv6_peer_key *keys;
	int rc;

	if (!ops->open_keys || g->n > ROUTE_LOOKUP_MAX)
		return ops->open(c, g->v[0].req->dev, &g->t, e);
	keys = calloc(g->n ? g->n : 1, sizeof(*keys));
	if (!keys)
		return errf(e, "out of memory");
	for (size_t i = 0; i < g->n; i++)
		keys[i] = g->v[i].req->key;
	rc = ops->open_keys(c, g->v[0].req->dev, keys, g->n, &g->t, e);
	free(keys);
	return rc;
}

/* Check every device before changing any, then commit device by device. */
static int groups_apply(struct ctx *c, struct group *groups, size_t ngroups, struct err *e)
{
	const struct peer_ops *ops = c->ops->peers;
	size_t committed = 0;

	for (size_t i = 0; i < ngroups; i++) {
		struct group *g = &groups[i];

		if (!g->open && group_open(c, g, e)) {
			if (g->v[0].file)
				err_prefix(e, "%s:%u", g->v[0].file, g->v[0].line);
			return -1;
		}
		g->open = true;
		if (changes_check(c, g->v, g->n, &g->t, e))
			return -1;
	}
	for (; committed < ngroups; committed++)
		if (ops->commit(c, &groups[committed].t, groups[committed].v, groups[committed].n, e))
			break;
	if (committed == ngroups)
		return 0;
	while (committed--)
		ops->undo(c, &groups[committed].t, groups[committed].v, groups[committed].n);
	return -1;
}

/* The namespace's writer lock, where the platform has one: no other writer
 * between reading a table and committing to it. */
static int writer_lock(struct ctx *c, struct err *e)
{
	return c->ops->peers->lock ? c->ops->peers->lock(c, e) : INT_MAX;
}

static void writer_unlock(struct ctx *c, int handle)
{
	if (c->ops->peers->unlock && handle != INT_MAX)
		c->ops->peers->unlock(handle);
}

static int apply_locked(struct ctx *c, struct route_req *reqs, size_t n,
			const struct batch_origin *origin, struct err *e)
{
	struct change *v = calloc(n ? n : 1, sizeof(*v));
	struct group *groups = calloc(n ? n : 1, sizeof(*groups));
	bool *grouped = calloc(n ? n : 1, sizeof(*grouped));
	size_t ngroups = 0;
	int rc = -1;

	if (!v || !groups || !grouped) {
		errf(e, "out of memory");
		goto out;
	}
	ngroups = group_by_dev(reqs, n, origin, v, groups, grouped);
	rc = groups_apply(c, groups, ngroups, e);
out:
	for (size_t i = 0; groups && i < ngroups; i++)
		if (groups[i].open)
			c->ops->peers->close(&groups[i].t);
	free(v);
	free(groups);
	free(grouped);
	return rc;
}

int route_apply(struct ctx *c, struct route_req *reqs, size_t n,
		const struct batch_origin *origin, struct err *e)
{
	int lock = writer_lock(c, e), rc;

	if (lock < 0)
		return -1;
	rc = apply_locked(c, reqs, n, origin, e);
	writer_unlock(c, lock);
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

/* A sync's request for a changed or new peer: replace on dev. */
static void replace_op(struct route_req *op, const struct route_req *req, const char *dev)
{
	*op = *req;
	op->verb = ROUTE_REPLACE;
	snprintf(op->dev, sizeof(op->dev), "%s", dev);
}

/* Every peer of dev against reqs: one read of the device serves the diff and
 * the commit. */
static int sync_full(struct ctx *c, const char *dev, const struct route_req *reqs, size_t n,
		     struct sync_counts *counts, struct err *e)
{
	struct srv6_peer_key *wanted = NULL; /* sorted: the peers to keep */
	const struct peer_ops *peers = c->ops->peers;
	struct route_req *ops = NULL;
	struct change *v = NULL;
	struct group g = { .open = true };
	struct peer_table *st = &g.t;
	size_t nops = 0;
	int rc = -1;

	if (peers->open(c, dev, st, e))
		return -1;
	ops = calloc(n + st->ncur + 1, sizeof(*ops));
	wanted = calloc(n + 1, sizeof(*wanted));
	v = calloc(n + st->ncur + 1, sizeof(*v));
	if (!ops || !wanted || !v) {
		errf(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		wanted[i] = reqs[i].key;
	qsort(wanted, n, sizeof(*wanted), peer_entry_cmp); /* compares the key, the entry's first member */
	for (size_t i = 0; i < n; i++) {
		const struct srv6_peer_entry *found = table_find(st, &reqs[i].key);

		if (found && peer_same(&found->value, &reqs[i].peer)) {
			counts->unchanged++;
			continue;
		}
		found ? counts->replaced++ : counts->added++;
		replace_op(&ops[nops++], &reqs[i], dev);
	}
	for (size_t i = 0; i < st->ncur; i++) {
		if (n && bsearch(&st->cur[i], wanted, n, sizeof(*wanted), peer_entry_cmp))
			continue;
		counts->removed++;
		ops[nops].verb = ROUTE_DEL;
		ops[nops].key = st->cur[i].key;
		ops[nops].family = addr_key_is_ipv4(&st->cur[i].key) ? AF_INET : AF_INET6;
		snprintf(ops[nops].dev, sizeof(ops[nops].dev), "%s", dev);
		nops++;
	}
	for (size_t i = 0; i < nops; i++)
		v[i].req = &ops[i];
	g.v = v;
	g.n = nops;
	rc = nops ? groups_apply(c, &g, 1, e) : 0;
out:
	peers->close(st);
	free(ops);
	free(wanted);
	free(v);
	return rc;
}

struct route_memo {
	char dev[IF_NAMESIZE];
	struct memo_entry {
		struct srv6_peer_key key;
		__u64 digest; /* peer_digest of its path set */
	} *v;                     /* the last sync's requests, in its order */
	size_t n;
	struct peers_token token; /* the peers as that sync left them */
	bool valid;
};

/* A 64-bit digest of what makes two path sets the same for peer_same (count,
 * weights, SIDs): 24 bytes a peer kept instead of 592. */
static __u64 peer_digest(const struct srv6_peer *p)
{
	__u64 h = 0x9e3779b97f4a7c15ull ^ p->path_count;

	for (unsigned int i = 0; i < p->path_count && i < SRV6_MAX_PATHS; i++) {
		const struct srv6_path *path = &p->paths[i];
		unsigned int nsegs = path->seg_count < SRV6_MAX_SEGS ? path->seg_count : SRV6_MAX_SEGS;

		h = (h ^ ((__u64)path->weight << 8 | path->seg_count)) * 0xff51afd7ed558ccdull;
		h ^= h >> 33;
		for (unsigned int w = 0; w < nsegs * SRV6_ADDR_LEN / 8; w++) {
			__u64 word;

			memcpy(&word, &path->segs[0][0] + 8 * w, sizeof(word));
			h = (h ^ word) * 0xc4ceb9fe1a85ec53ull;
			h ^= h >> 29;
		}
	}
	return h;
}

struct route_memo *route_memo_new(void)
{
	return calloc(1, sizeof(struct route_memo));
}

void route_memo_free(struct route_memo *m)
{
	if (m)
		free(m->v);
	free(m);
}

/*
 * The positions where reqs differ from the memo's requests, when the memo
 * still describes dev: the same peers in the same order, and no other writer
 * since (the token). 1: idx[0..*k) and counts filled; 0: read dev instead.
 */
static int memo_diff(struct ctx *c, const struct route_memo *m, const char *dev,
		     const struct route_req *reqs, size_t n, size_t *idx, size_t *k,
		     struct sync_counts *counts)
{
	struct peers_token now;
	struct err ignored;

	if (!m || !m->valid || strcmp(m->dev, dev) || m->n != n || !c->ops->peers->token ||
	    c->ops->peers->token(c, dev, &now, &ignored) || now.map_id != m->token.map_id ||
	    now.token != m->token.token)
		return 0;
	*k = 0;
	for (size_t i = 0; i < n; i++) {
		if (memcmp(&m->v[i].key, &reqs[i].key, sizeof(reqs[i].key)))
			return 0;
		if (m->v[i].digest != peer_digest(&reqs[i].peer))
			idx[(*k)++] = i;
	}
	counts->replaced = *k;
	counts->unchanged = n - *k;
	return 1;
}

/* Replace the peers at idx[0..k), through a table of those peers only. */
static int memo_apply(struct ctx *c, const char *dev, const struct route_req *reqs,
		      const size_t *idx, size_t k, struct err *e)
{
	struct route_req *ops = calloc(k ? k : 1, sizeof(*ops));
	int rc;

	if (!ops)
		return errf(e, "out of memory");
	for (size_t i = 0; i < k; i++)
		replace_op(&ops[i], &reqs[idx[i]], dev);
	rc = k ? apply_locked(c, ops, k, NULL, e) : 0;
	free(ops);
	return rc;
}

/* After a sync that succeeded: remember its requests (all of them, or with
 * idx only those that changed) and the token it left. */
static void memo_keep(struct ctx *c, struct route_memo *m, const char *dev,
		      const struct route_req *reqs, size_t n, const size_t *idx, size_t k)
{
	struct err ignored;
	void *v;

	m->valid = false;
	if (!c->ops->peers->token || c->ops->peers->token(c, dev, &m->token, &ignored))
		return;
	if (idx) {
		for (size_t i = 0; i < k; i++)
			m->v[idx[i]].digest = peer_digest(&reqs[idx[i]].peer);
	} else {
		if (n > m->n || !m->v) {
			v = realloc(m->v, (n ? n : 1) * sizeof(*m->v));
			if (!v)
				return;
			m->v = v;
		}
		for (size_t i = 0; i < n; i++) {
			m->v[i].key = reqs[i].key;
			m->v[i].digest = peer_digest(&reqs[i].peer);
		}
		m->n = n;
		snprintf(m->dev, sizeof(m->dev), "%s", dev);
	}
	m->valid = true;
}

int route_sync(struct ctx *c, const char *dev, const struct route_req *reqs, size_t n,
	       struct sync_counts *counts, struct route_memo *memo, struct err *e)
{
	size_t *idx = NULL, k = 0;
	bool by_memo = false;
	int lock, rc;

	memset(counts, 0, sizeof(*counts));
	lock = writer_lock(c, e);
	if (lock < 0)
		return -1;
	if (memo && (idx = calloc(n + 1, sizeof(*idx))))
		by_memo = memo_diff(c, memo, dev, reqs, n, idx, &k, counts);
	rc = by_memo ? memo_apply(c, dev, reqs, idx, k, e) : sync_full(c, dev, reqs, n, counts, e);
	if (memo && rc == 0)
		memo_keep(c, memo, dev, reqs, n, by_memo ? idx : NULL, k);
	else if (memo)
		memo->valid = false;
	writer_unlock(c, lock);
	free(idx);
	return rc;
}

/* What route show says of one path beyond its SIDs. */
struct path_view {
	bool counted; /* the platform counts per path (BPF) */
	struct srv6_path_counters ctrs;
	bool live;    /* the platform keeps liveness per path (BPF) */
	struct path_liveness st;
	double since_s; /* seconds since st changed, < 0: never */
};

static void path_view(const struct peer_table *t, const struct srv6_peer *peer, unsigned int i,
		      struct path_view *v)
{
	memset(v, 0, sizeof(*v));
	v->since_s = -1;
	if (!t)
		return;
	v->counted = t->ops->path_counters(t, peer, i, &v->ctrs);
	v->live = t->ops->path_state && t->ops->path_state(t, peer, i, &v->st);
	if (v->live && v->st.since_ns)
		v->since_s = (double)(now_ns(CLOCK_BOOTTIME) - v->st.since_ns) / 1e9;
}

/* One line per peer, in the grammar `route -batch` reads (counters after '#'). */
static void peer_print_text(const struct peer_table *t, const char *dev,
			    const struct srv6_peer_entry *ent)
{
	char peer[ADDR_STR_LEN], segs[ADDR_SEGS_STR_LEN];
	bool multi = ent->value.path_count > 1;

	printf("%s dev %s", addr_key_str(&ent->key, peer), dev);
	for (unsigned int i = 0; i < ent->value.path_count && i < SRV6_MAX_PATHS; i++) {
		addr_segs_str(&ent->value.paths[i], segs);
		printf("%s segs %s weight %u", multi ? " path" : "", segs,
		       ent->value.paths[i].weight);
	}
	for (unsigned int i = 0; i < ent->value.path_count && i < SRV6_MAX_PATHS; i++) {
		struct path_view v;

		path_view(t, &ent->value, i, &v);
		if (!v.counted)
			break;
		printf("%s packets %llu bytes %llu failover %llu state %s", i ? ";" : "  #",
		       (unsigned long long)v.ctrs.packets, (unsigned long long)v.ctrs.bytes,
		       (unsigned long long)v.ctrs.failover_packets, v.st.down ? "down" : "up");
		if (v.since_s >= 0)
			printf(" since %.1fs", v.since_s);
		if (v.st.probes_lost)
			printf(" probes-lost %u", v.st.probes_lost);
	}
	printf("\n");
}

static void path_json(cJSON *p, const struct path_view *v)
{
	if (v->counted) {
		cJSON_AddNumberToObject(p, "packets", (double)v->ctrs.packets);
		cJSON_AddNumberToObject(p, "bytes", (double)v->ctrs.bytes);
		cJSON_AddNumberToObject(p, "failover_packets", (double)v->ctrs.failover_packets);
	} else { /* kernel routes count nothing per path */
		cJSON_AddNullToObject(p, "packets");
		cJSON_AddNullToObject(p, "bytes");
		cJSON_AddNullToObject(p, "failover_packets");
	}
	if (v->live) {
		cJSON_AddStringToObject(p, "state", v->st.down ? "down" : "up");
		if (v->since_s >= 0)
			cJSON_AddNumberToObject(p, "since", v->since_s);
		else
			cJSON_AddNullToObject(p, "since");
		cJSON_AddNumberToObject(p, "probes_lost", v->st.probes_lost);
	} else { /* kernel routes: no liveness of ours */
		cJSON_AddNullToObject(p, "state");
		cJSON_AddNullToObject(p, "since");
		cJSON_AddNullToObject(p, "probes_lost");
	}
}

static cJSON *peer_json(const struct peer_table *t, const char *dev,
			const struct srv6_peer_entry *ent)
{
	cJSON *obj = cJSON_CreateObject(), *paths = cJSON_CreateArray();
	char text[ADDR_STR_LEN];

	cJSON_AddStringToObject(obj, "peer", addr_key_str(&ent->key, text));
	cJSON_AddStringToObject(obj, "dev", dev);
	for (unsigned int i = 0; i < ent->value.path_count && i < SRV6_MAX_PATHS; i++) {
		const struct srv6_path *path = &ent->value.paths[i];
		cJSON *p = cJSON_CreateObject(), *segs = cJSON_CreateArray();
		struct path_view v;

		for (unsigned int s = 0; s < path->seg_count && s < SRV6_MAX_SEGS; s++)
			cJSON_AddItemToArray(segs, cJSON_CreateString(addr_sid_str(path->segs[s], text)));
		cJSON_AddItemToObject(p, "segs", segs);
		cJSON_AddNumberToObject(p, "weight", path->weight);
		path_view(t, &ent->value, i, &v);
		path_json(p, &v);
		cJSON_AddItemToArray(paths, p);
	}
	cJSON_AddItemToObject(obj, "paths", paths);
	return obj;
}

static int show_dev(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	cJSON *json = arg;
	struct peer_table t;

	if (c->ops->peers->open(c, dev, &t, e))
		return -1;
	for (size_t i = 0; i < t.ncur; i++) {
		if (json)
			cJSON_AddItemToArray(json, peer_json(&t, dev, &t.cur[i]));
		else
			peer_print_text(&t, dev, &t.cur[i]);
	}
	c->ops->peers->close(&t);
	return 0;
}

/* Every device srv6-bpf has routes through, from one dump (kernel routes). */
static int show_all(struct ctx *c, struct err *e)
{
	cJSON *json = c->json ? cJSON_CreateArray() : NULL;
	struct srv6_peer_entry *entries = NULL;
	int *ifindexes = NULL, rc;
	size_t n = 0;

	rc = c->ops->peers->dump_all(c, &entries, &ifindexes, &n, e);
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
	if (!dev && c->ops->peers->dump_all)
		return show_all(c, e);
	return show_foreach(c, dev, show_dev, e);
}
