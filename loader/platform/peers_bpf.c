// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The BPF platform's peers: the srv6_peers map of the datapath on a device,
 * per-path counters in slots of SRV6_MAX_PATHS, and MTU routes (peers_mtu.h:
 * prefix routes where peers share one, host routes where a peer differs;
 * none when loaded with peer-routes off).
 */
#include "bpf.h"

#include <errno.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include "datapath.h"
#include "mtu_routes.h"
#include "peers_mtu.h"

#define IPV6_MIN_MTU 1280
#define IPV4_MIN_MTU 68

struct every_peer {
	struct srv6_peer_entry *v;
	size_t n;
	bool read;
};

int dp_every_peer(const struct peer_table *t, const struct srv6_peer_entry **v, size_t *n,
		  struct err *e)
{
	struct every_peer *all = t->every;
	int rc;

	if (t->complete) {
		*v = t->cur;
		*n = t->ncur;
		return 0;
	}
	if (!all->read) {
		rc = srv6_peers_dump(&t->maps, &all->v, &all->n);
		if (rc)
			return errf(e, "cannot read the peers of %s: %s", t->li.name, strerror(-rc));
		qsort(all->v, all->n, sizeof(*all->v), peer_entry_cmp);
		all->read = true;
	}
	*v = all->v;
	*n = all->n;
	return 0;
}

/* The counter slots in use: every peer's (a new peer needs a free slot). */
static int slots_init(struct peer_table *t, struct err *e)
{
	__u32 count = t->maps.peers_max;
	const struct srv6_peer_entry *all;
	size_t n;

	if (dp_every_peer(t, &all, &n, e))
		return -1;
	t->slot_used = calloc(count ? count : 1, 1);
	for (size_t i = 0; t->slot_used && i < n; i++)
		if (srv6_slot_of(&all[i].value) < count)
			t->slot_used[srv6_slot_of(&all[i].value)] = 1;
	return t->slot_used ? 0 : errf(e, "out of memory");
}

static int slot_alloc(struct peer_table *t, __u32 *slot)
{
	__u32 count = t->maps.peers_max;

	for (__u32 i = 0; i < count; i++) {
		__u32 k = (t->slot_next + i) % count;

		if (!t->slot_used[k]) {
			t->slot_used[k] = 1;
			t->slot_next = k + 1;
			*slot = k;
			return 0;
		}
	}
	return -1;
}

static void peers_close(struct peer_table *t)
{
	free(t->cur);
	if (t->every)
		free(t->every->v);
	free(t->every);
	free(t->routes);
	free(t->all.v);
	mtu_state_free(t->mtu);
	free(t->specific.head);
	free(t->slot_used);
	srv6_maps_close(&t->maps);
}

/* Every peer (keys NULL), or those of keys the map has. */
static int entries_read(struct peer_table *t, const char *dev, const struct srv6_peer_key *keys,
			size_t nkeys, struct err *e)
{
	int rc = 0;

	if (!keys) {
		rc = srv6_peers_dump(&t->maps, &t->cur, &t->ncur);
		t->complete = rc == 0;
	} else {
		t->cur = calloc(nkeys + 1, sizeof(*t->cur));
		if (!t->cur)
			return errf(e, "out of memory");
		for (size_t i = 0; i < nkeys && rc == 0; i++) {
			rc = srv6_peer_lookup(&t->maps, &keys[i], &t->cur[t->ncur].value);
			if (rc == 0)
				t->cur[t->ncur++].key = keys[i];
			else if (rc == -ENOENT)
				rc = 0;
		}
	}
	if (rc)
		return errf(e, "cannot read the peers of %s: %s", dev, strerror(-rc));
	qsort(t->cur, t->ncur, sizeof(*t->cur), peer_entry_cmp);
	return 0;
}

static int peers_open_keys(struct ctx *c, const char *dev, const struct srv6_peer_key *keys,
			   size_t nkeys, struct peer_table *t, struct err *e)
{
	struct srv6_config cfg;

	memset(t, 0, sizeof(*t));
	t->ops = &dp_peer_ops;
	t->peer_routes = true;
	t->table = RT_TABLE_MAIN;
	if (dp_open(c, dev, &t->maps, e))
		return -1;
	if (srv6_config_read(&t->maps, &cfg) == 0)
		t->peer_routes = !(cfg.loader_flags & SRV6_LOADER_NO_PEER_ROUTES);
	t->mtu = mtu_state_new();
	t->every = calloc(1, sizeof(*t->every));
	if (!t->mtu || !t->every) {
		errf(e, "out of memory");
		goto fail;
	}
	if (entries_read(t, dev, keys, nkeys, e) || nlx_link_get(&c->nl, dev, &t->li, e) ||
	    nlx_host_routes(&c->nl, t->table, &t->routes, &t->nroutes, &t->specific, &t->all, e))
		goto fail;
	return 0;
fail:
	peers_close(t);
	return -1;
}

static int peers_open(struct ctx *c, const char *dev, struct peer_table *t, struct err *e)
{
	return peers_open_keys(c, dev, NULL, 0, t, e);
}

static int peers_lock(struct ctx *c, struct err *e)
{
	return dp_lock(c, e);
}

static int peers_token(struct ctx *c, const char *dev, struct peers_token *tok, struct err *e)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	struct srv6_config cfg;
	struct srv6_maps maps;
	int rc;

	if (dp_open(c, dev, &maps, e))
		return -1;
	memset(&info, 0, sizeof(info));
	rc = bpf_obj_get_info_by_fd(maps.peers_fd, &info, &len) ? -errno
								 : srv6_config_read(&maps, &cfg);
	srv6_maps_close(&maps);
	if (rc)
		return errf(e, "cannot read the datapath of %s: %s", dev, strerror(-rc));
	tok->map_id = info.id;
	tok->token = cfg.peers_token;
	return 0;
}

/* A new token: the peers change (readers that remember them read again).
 * Without randomness, the old one plus one still differs. */
static void token_renew(const struct peer_table *t)
{
	struct srv6_config cfg;
	__u64 token = 0;

	if (srv6_config_read(&t->maps, &cfg))
		return;
	if (getrandom(&token, sizeof(token), 0) != sizeof(token) || token == cfg.peers_token)
		token = cfg.peers_token + 1;
	cfg.peers_token = token;
	srv6_config_write(&t->maps, &cfg);
}

/* Path flags, the MTU the peer needs and a counter slot. */
static int peers_prepare(struct ctx *c, struct change *ch, struct peer_table *t, struct err *e)
{
	const struct link_info *li = &t->li;
	struct srv6_peer *peer = ch->next;
	unsigned int overhead, mtu_min;

	(void)c;
	if (!change_is_set(ch))
		return 0;
	/* The peer's MTU route leads through its first path's next hop. Without
	 * one, which next hop the stack picked for the inner destination is
	 * unknown: the datapath asks the FIB for every path. */
	for (unsigned int i = 0; i < peer->path_count; i++)
		peer->paths[i].flags = !ch->no_route && nexthop_same(&ch->nh[i], &ch->nh[0])
					       ? 0
					       : SRV6_PATH_F_REROUTE;
	overhead = peer_encap_overhead(peer);
	mtu_min = ch->req->family == AF_INET6 ? IPV6_MIN_MTU : IPV4_MIN_MTU;
	if (!ch->no_route && li->mtu < overhead + mtu_min) /* peer-routes off: the operator's */
		return errf(e, "%s has MTU %u: %u bytes of SRv6 headers leave less than %u", li->name,
			    li->mtu, overhead, mtu_min);
	ch->route.mtu = li->mtu - overhead;
	if (ch->old) {
		peer->counters_base = ch->old->counters_base;
	} else {
		__u32 slot;

		if (!t->slot_used && slots_init(t, e))
			return -1;
		if (slot_alloc(t, &slot))
			return errf(e, "the peers map of %s is full (%u peers): load with a larger peers-max",
				    li->name, t->maps.peers_max);
		peer->counters_base = slot * SRV6_MAX_PATHS;
	}
	return 0;
}

/* A replaced peer (its entry changes in place). */
static bool is_replace(const struct change *ch)
{
	return change_is_set(ch) && ch->old;
}

/* A new peer (its entry appears). */
static bool is_new(const struct change *ch)
{
	return change_is_set(ch) && !ch->old;
}

/* Put the map back as it was for the changes selected by pick. */
static void map_restore(const struct srv6_maps *maps, struct change *v, size_t n,
			bool (*pick)(const struct change *))
{
	for (size_t i = 0; i < n; i++) {
		struct change *ch = &v[i];

		if (!pick(ch))
			continue;
		if (ch->old) {
			struct srv6_peer_entry old = { .key = ch->req->key, .value = *ch->old };

			srv6_peers_update(maps, &old, 1);
		} else {
			srv6_peers_delete(maps, &ch->req->key, 1);
		}
	}
}

/*
 * Counter entries that must start from zero: a new peer's paths, and the paths
 * of a replaced peer that changed. Entries past path_count are zeroed when a
 * later replace adds the path, so they need nothing now.
 */
static size_t counters_to_reset(const struct change *ch, __u32 *out)
{
	const struct srv6_peer *next = ch->next;
	size_t n = 0;

	for (unsigned int i = 0; i < next->path_count && i < SRV6_MAX_PATHS; i++) {
		if (ch->old && i < ch->old->path_count &&
		    path_same(&ch->old->paths[i], &next->paths[i]))
			continue;
		out[n++] = next->counters_base + i;
	}
	return n;
}

/* The new entries of the changes that set one, a chunk at a time: no copy of
 * the whole batch (fresh memory costs more than the map update itself). */
static int peers_write(const struct srv6_maps *maps, const struct change *v, size_t n,
		       bool (*pick)(const struct change *))
{
	struct srv6_peer_key *keys = calloc(SRV6_PEERS_CHUNK, sizeof(*keys));
	struct srv6_peer *values = calloc(SRV6_PEERS_CHUNK, sizeof(*values));
	size_t k = 0;
	int rc = keys && values ? 0 : -ENOMEM;

	for (size_t i = 0; i < n && !rc; i++) {
		if (!pick(&v[i]))
			continue;
		keys[k] = v[i].req->key;
		values[k++] = *v[i].next;
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

/* A replaced peer's changed paths start up (the slot's last path there may
 * have been down). */
static int state_reset_changed(const struct srv6_maps *maps, const struct change *ch)
{
	__u32 slot = ch->next->counters_base / SRV6_MAX_PATHS, idx[SRV6_MAX_PATHS];
	size_t n = counters_to_reset(ch, idx);
	struct srv6_path_state st;
	int rc;

	if (n == 0)
		return 0;
	rc = srv6_path_state_read(maps, slot, &st);
	for (size_t k = 0; k < n && !rc; k++) {
		__u32 i = idx[k] - ch->next->counters_base;

		st.down_mask &= ~(1u << i);
		st.probes_lost[i] = st.changes[i] = 0;
		st.since_ns[i] = st.probes_answered[i] = st.rtt_ns_sum[i] = 0;
	}
	return rc ? rc : srv6_path_state_write(maps, slot, &st);
}

/* Every path of a new peer up (its slot may have held a peer with paths
 * down), and a replaced peer's changed paths. */
static int states_reset(const struct srv6_maps *maps, const struct change *v, size_t n,
			bool (*pick)(const struct change *))
{
	__u32 *slots = calloc(n ? n : 1, sizeof(*slots));
	size_t nslots = 0;
	int rc = slots ? 0 : -ENOMEM;

	for (size_t i = 0; i < n && !rc; i++) {
		if (!pick(&v[i]))
			continue;
		if (!v[i].old)
			slots[nslots++] = v[i].next->counters_base / SRV6_MAX_PATHS;
		else
			rc = state_reset_changed(maps, &v[i]);
	}
	if (!rc)
		rc = srv6_path_state_reset_many(maps, slots, nslots);
	free(slots);
	return rc;
}

/* Counters from zero for new and changed paths, before the entries point at
 * them: no packet is counted and then lost. */
static int counters_reset(const struct srv6_maps *maps, const struct change *v, size_t n,
			  struct err *e)
{
	__u32 *zero = calloc(n ? n * SRV6_MAX_PATHS : 1, sizeof(*zero));
	size_t nzero = 0;
	int rc;

	if (!zero)
		return errf(e, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (change_is_set(&v[i]))
			nzero += counters_to_reset(&v[i], zero + nzero);
	rc = srv6_path_ctrs_zero_many(maps, zero, nzero);
	free(zero);
	return rc ? errf(e, "cannot reset path counters: %s", strerror(-rc)) : 0;
}

/* Stop encapsulating for the deleted peers (their routes go with mtu_switch). */
static int peers_delete(const struct peer_table *t, const struct change *v, size_t n,
			struct err *e)
{
	struct srv6_peer_key *gone = calloc(n ? n : 1, sizeof(*gone));
	size_t ngone = 0;
	int rc;

	if (!gone)
		return errf(e, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (change_is_del(&v[i]))
			gone[ngone++] = v[i].req->key;
	rc = srv6_peers_delete(&t->maps, gone, ngone);
	free(gone);
	return rc ? errf(e, "cannot delete from the peers map: %s", strerror(-rc)) : 0;
}

/* Write the entries pick selects and start their changed paths up: until
 * then the old entry's paths keep their state (a dead one is not taken for
 * live), and for a moment a new path may inherit a down bit (its flows fail
 * over, they are not black-holed). */
static int entries_set(const struct peer_table *t, const struct change *v, size_t n,
		       bool (*pick)(const struct change *), struct err *e)
{
	int rc = peers_write(&t->maps, v, n, pick);

	if (rc)
		return errf(e, "cannot update the peers map: %s", strerror(-rc));
	rc = states_reset(&t->maps, v, n, pick);
	return rc ? errf(e, "cannot reset the path states: %s", strerror(-rc)) : 0;
}

/* Everything back as it was: new peers out before their routes go, routes
 * that fit both entries while the replaced peers' old entries come back
 * (peers_mtu.h), then the old routes. */
static void peers_undo(struct ctx *c, const struct peer_table *t, struct change *v, size_t n)
{
	map_restore(&t->maps, v, n, is_new);
	mtu_undo_before(c, t);
	map_restore(&t->maps, v, n, is_replace);
	map_restore(&t->maps, v, n, change_is_del);
	mtu_undo_after(c, t);
	token_renew(t);
}

/* The order that keeps every encapsulated packet within its route's MTU:
 * peers_mtu.h. */
static int peers_commit(struct ctx *c, const struct peer_table *t, struct change *v, size_t n,
			struct err *e)
{
	if (counters_reset(&t->maps, v, n, e))
		return -1;
	/* Before the first write too: a writer killed halfway leaves a token no
	 * memo knows. */
	token_renew(t);
	if (mtu_begin(c, t, v, n, e) || entries_set(t, v, n, is_replace, e) ||
	    peers_delete(t, v, n, e) || mtu_switch(c, t, e) || entries_set(t, v, n, is_new, e)) {
		peers_undo(c, t, v, n);
		return -1;
	}
	token_renew(t);
	return 0;
}

static bool path_counters(const struct peer_table *t, const struct srv6_peer *peer,
			  unsigned int i, struct srv6_path_counters *ctrs)
{
	memset(ctrs, 0, sizeof(*ctrs));
	srv6_path_ctrs_read(&t->maps, peer->counters_base + i, ctrs);
	return true;
}

static bool path_state(const struct peer_table *t, const struct srv6_peer *peer, unsigned int i,
		       struct path_liveness *live)
{
	struct srv6_path_state st;

	memset(live, 0, sizeof(*live));
	if (i >= SRV6_MAX_PATHS ||
	    srv6_path_state_read(&t->maps, peer->counters_base / SRV6_MAX_PATHS, &st))
		return false;
	live->down = (st.down_mask >> i) & 1u;
	live->probes_lost = st.probes_lost[i];
	live->since_ns = st.since_ns[i];
	return true;
}

const struct peer_ops dp_peer_ops = {
	.open = peers_open,
	.open_keys = peers_open_keys,
	.lock = peers_lock,
	.unlock = dp_unlock,
	.token = peers_token,
	.close = peers_close,
	.prepare = peers_prepare,
	.commit = peers_commit,
	.undo = peers_undo,
	.path_counters = path_counters,
	.path_state = path_state,
};
