// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The BPF platform's local SIDs: entries of the SID program's map on each
 * device, and for End SIDs one kernel route per prefix (proto 206, via
 * 100::1 onlink) so that what End leaves to the stack reaches ip6_forward.
 */
#include "bpf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "datapath.h"
#include "util/addr.h"
#include "util/array.h"

static int sid_cmp(const void *a, const void *b)
{
	const struct srv6_sid_entry *x = a, *y = b;
	int c = memcmp(x->key.addr, y->key.addr, SRV6_ADDR_LEN);

	return c ? c : (x->key.prefixlen > y->key.prefixlen) - (x->key.prefixlen < y->key.prefixlen);
}

/* The SID maps of dev, and the hook its SID program runs at (*mode). */
static int open_decap(struct ctx *c, const char *dev, struct srv6_maps *maps,
		      enum srv6_xdp_mode *mode, struct err *e)
{
	struct srv6_config cfg;

	if (dp_open(c, dev, maps, e))
		return -1;
	if (maps->local_sids_fd < 0) {
		srv6_maps_close(maps);
		return errf(e, "%s was loaded with xdp off: no decapsulation (unload, then load without xdp off)",
			    dev);
	}
	if (srv6_config_read(maps, &cfg)) {
		srv6_maps_close(maps);
		return errf(e, "cannot read the config of %s", dev);
	}
	*mode = cfg.xdp_mode;
	return 0;
}

/* Every (End SID, device that is up and has it) pair of the namespace. */
struct end_sids {
	struct sid_route *v;
	size_t n, cap;
	bool partial; /* a device could not be read: its SIDs are unknown */
};

/* The first pair of key in v (and with ifindex, unless it is 0), or NULL. */
static const struct sid_route *sid_route_find(const struct sid_route *v, size_t n,
					      const struct srv6_sid_key *key, int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (addr_sid_key_eq(&v[i].key, key) && (!ifindex || v[i].ifindex == ifindex))
			return &v[i];
	return NULL;
}

static int end_sids_collect(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	struct end_sids *want = arg;
	struct srv6_sid_entry *cur = NULL;
	struct srv6_maps maps;
	struct link_info li;
	struct err ignored;
	size_t n = 0;

	/* A device gone or down takes its routes with it: no candidate. */
	if (nlx_link_get(&c->nl, dev, &li, &ignored) || !li.up)
		return 0;
	if (dp_open(c, dev, &maps, &ignored)) {
		want->partial = true; /* pins of another version, half a datapath */
		return 0;
	}
	if (maps.local_sids_fd >= 0 && srv6_sids_dump(&maps, &cur, &n))
		want->partial = true;
	for (size_t i = 0; i < n; i++) {
		struct sid_route r = { .key = cur[i].key, .ifindex = li.ifindex };

		if (cur[i].value.action == SRV6_SID_END &&
		    !array_append((void **)&want->v, &want->n, &want->cap, &r, sizeof(r))) {
			free(cur);
			srv6_maps_close(&maps);
			return errf(e, "out of memory");
		}
	}
	free(cur);
	srv6_maps_close(&maps);
	return 0;
}

/* Make srv6-bpf's End SID routes (netlink.h) match the End SIDs of every
 * loaded device in this namespace that is up. */
static int sid_routes_sync(struct ctx *c, struct err *e)
{
	struct end_sids want = { 0 };
	struct sid_route *have = NULL;
	size_t nhave = 0;
	int rc = dp_foreach(c, NULL, end_sids_collect, &want, e);

	if (rc == 0)
		rc = nlx_sid_routes(&c->nl, &have, &nhave, e);
	/* A route stays while its device has the SID; else it moves to the first
	 * device that has it, or is made there. */
	for (size_t i = 0; i < want.n && rc == 0; i++) {
		const struct sid_route *h = sid_route_find(have, nhave, &want.v[i].key, 0);

		if (sid_route_find(want.v, i, &want.v[i].key, 0))
			continue; /* not the key's first pair: decided already */
		if (!h || !sid_route_find(want.v, want.n, &h->key, h->ifindex))
			rc = nlx_sid_route_set(&c->nl, &want.v[i].key, want.v[i].ifindex, e);
	}
	/* Routes of End SIDs no device has; never when a device was unreadable. */
	for (size_t i = 0; i < nhave && rc == 0 && !want.partial; i++)
		if (!sid_route_find(want.v, want.n, &have[i].key, 0))
			rc = nlx_sid_route_del(&c->nl, &have[i].key, e);
	free(want.v);
	free(have);
	return rc;
}

int dp_dev_unload(struct ctx *c, const char *dev, struct err *e)
{
	int lock = dp_lock(c, e), rc;

	if (lock < 0)
		return -1;
	rc = dp_unload(c, dev, e) || sid_routes_sync(c, e) ? -1 : 0;
	dp_unlock(lock);
	return rc;
}

int dp_dev_reloaded(struct ctx *c, struct err *e)
{
	int lock = dp_lock(c, e), rc;

	if (lock < 0)
		return -1;
	rc = sid_routes_sync(c, e);
	dp_unlock(lock);
	return rc;
}

/* What dev holds of the SID asked for, and which counter entries are taken. */
struct sid_lookup {
	struct srv6_sid_entry old;
	bool found;
	unsigned char used[SRV6_SIDS_MAX];
	char text[ADDR_STR_LEN + 8]; /* the SID, for messages */
};

static int sid_lookup(const struct srv6_maps *maps, const struct sid_req *req,
		      struct sid_lookup *l, struct err *e)
{
	struct srv6_sid_entry *cur = NULL;
	size_t n = 0;
	int rc = srv6_sids_dump(maps, &cur, &n);

	if (rc)
		return errf(e, "cannot read the SIDs of %s: %s", req->dev, strerror(-rc));
	l->old.key = req->key;
	for (size_t i = 0; i < n; i++) {
		if (cur[i].value.counters_index < SRV6_SIDS_MAX)
			l->used[cur[i].value.counters_index] = 1;
		if (addr_sid_key_eq(&cur[i].key, &req->key)) {
			l->old = cur[i];
			l->found = true;
		}
	}
	free(cur);
	sid_prefix_str(&req->key, l->text, sizeof(l->text));
	return 0;
}

/* After a map change that touched an End SID, the routes follow; if they
 * cannot, the map goes back to what it was (old, or nothing). */
static int sid_routes_follow(struct ctx *c, const struct srv6_maps *maps,
			     const struct sid_lookup *l, struct err *e)
{
	struct err ignored;

	if (sid_routes_sync(c, e) == 0)
		return 0;
	if (l->found)
		srv6_sid_update(maps, &l->old, false);
	else
		srv6_sid_delete(maps, &l->old.key);
	sid_routes_sync(c, &ignored);
	return -1;
}

static int sid_del(struct ctx *c, const struct srv6_maps *maps, const struct sid_req *req,
		   const struct sid_lookup *l, struct err *e)
{
	if (!l->found || srv6_sid_delete(maps, &req->key))
		return errf(e, "no SID %s on %s", l->text, req->dev);
	if (l->old.value.action == SRV6_SID_END)
		return sid_routes_follow(c, maps, l, e);
	return 0;
}

static int sid_set(struct ctx *c, const struct srv6_maps *maps, const struct sid_req *req,
		   const struct sid_lookup *l, struct err *e)
{
	struct srv6_sid_entry entry = { .key = req->key };
	int rc;

	if (l->found && req->verb == ROUTE_ADD)
		return errf(e, "SID %s exists on %s (use: srv6-bpf sid replace)", l->text, req->dev);
	entry.value.action = req->action;
	if (req->action == SRV6_SID_END) {
		entry.value.lblen = req->lblen;
		entry.value.nflen = req->nflen;
	}
	if (l->found) {
		entry.value.counters_index = l->old.value.counters_index;
	} else {
		__u32 i = 0;

		while (i < SRV6_SIDS_MAX && l->used[i])
			i++;
		if (i == SRV6_SIDS_MAX)
			return errf(e, "the SID table of %s is full (%d SIDs)", req->dev, SRV6_SIDS_MAX);
		entry.value.counters_index = i;
		srv6_sid_ctrs_zero(maps, i);
	}
	rc = srv6_sid_update(maps, &entry, false);
	if (rc)
		return errf(e, "cannot program SID %s on %s: %s", l->text, req->dev, strerror(-rc));
	if (req->action == SRV6_SID_END || l->old.value.action == SRV6_SID_END)
		return sid_routes_follow(c, maps, l, e);
	return 0;
}

/* sid add|replace|del, under the namespace's lock. */
static int sid_apply_locked(struct ctx *c, const struct sid_req *req, struct err *e)
{
	enum srv6_xdp_mode mode = SRV6_XDP_OFF;
	struct sid_lookup l = { .found = false };
	struct srv6_maps maps;
	int rc;

	if (open_decap(c, req->dev, &maps, &mode, e))
		return -1;
	if (mode == SRV6_XDP_TC && req->verb != ROUTE_DEL && req->action != SRV6_SID_END)
		rc = errf(e, "%s runs End SIDs only (loaded with xdp tc): decapsulation needs XDP (unload, then load with xdp auto)",
			  req->dev);
	else if (sid_lookup(&maps, req, &l, e))
		rc = -1;
	else if (req->verb == ROUTE_DEL)
		rc = sid_del(c, &maps, req, &l, e);
	else
		rc = sid_set(c, &maps, req, &l, e);
	srv6_maps_close(&maps);
	return rc ? -1 : 0;
}

int dp_sid_apply(struct ctx *c, const struct sid_req *req, struct err *e)
{
	int lock = dp_lock(c, e), rc;

	if (lock < 0)
		return -1;
	rc = sid_apply_locked(c, req, e);
	dp_unlock(lock);
	return rc;
}

/* The rows of one device, sorted by prefix, appended to list. */
struct sid_rows {
	struct sid_row *v;
	size_t n, cap;
};

static int sid_rows_of(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	struct sid_rows *rows = arg;
	struct srv6_sid_entry *cur = NULL;
	struct srv6_maps maps;
	size_t n = 0;
	int rc = 0;

	if (dp_open(c, dev, &maps, e))
		return -1;
	if (maps.local_sids_fd < 0) { /* xdp off: no SIDs */
		srv6_maps_close(&maps);
		return 0;
	}
	if (srv6_sids_dump(&maps, &cur, &n))
		rc = errf(e, "cannot read the SIDs of %s", dev);
	if (rc == 0)
		qsort(cur, n, sizeof(*cur), sid_cmp);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct srv6_local_sid *v = &cur[i].value;
		struct srv6_sid_counters ctrs = { 0 };
		struct sid_row r = { .key = cur[i].key, .action = sid_action_name(v->action),
				     .counted = true };

		srv6_sid_ctrs_read(&maps, v->counters_index, &ctrs);
		snprintf(r.dev, sizeof(r.dev), "%s", dev);
		if (v->action == SRV6_SID_END) {
			r.end = true;
			r.lblen = v->lblen;
			r.nflen = v->nflen;
		}
		r.packets = ctrs.packets;
		r.bytes = ctrs.bytes;
		if (!array_append((void **)&rows->v, &rows->n, &rows->cap, &r, sizeof(r)))
			rc = errf(e, "out of memory");
	}
	free(cur);
	srv6_maps_close(&maps);
	return rc;
}

int dp_sid_list(struct ctx *c, const char *dev, struct sid_row **v, size_t *n, struct err *e)
{
	struct sid_rows rows = { 0 };
	int rc = dp_foreach(c, dev, sid_rows_of, &rows, e);

	if (rc) {
		free(rows.v);
		return -1;
	}
	*v = rows.v;
	*n = rows.n;
	return 0;
}
