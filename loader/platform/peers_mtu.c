// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The BPF platform's MTU routes through one commit (peers_mtu.h). Why the
 * order is safe, for a peer p encapsulated at the time:
 *  - before its entry changes, its route's MTU is at most what both the old
 *    and the new entry leave (mtu_begin lowers it where the new one needs less);
 *  - installing the planned routes most specific first, p's most specific
 *    planned route (its own MTU) is in place before any wider planned route
 *    that holds p with another MTU;
 *  - removing the old routes least specific first, the old route p matched
 *    goes last, and then p matches its planned route.
 * A new peer enters the map only after its routes are in.
 */
#include "peers_mtu.h"

#include <stdlib.h>
#include <string.h>
#include "bpf.h"
#include "mtu_routes.h"

struct mtu_state {
	struct table_route *old;    /* ours through the device before the commit */
	size_t nold;
	struct table_route *next;   /* planned: ours after it (most specific first) */
	size_t nnext;
	struct table_route *temp;   /* host routes mtu_begin lowered */
	size_t ntemp;
	bool began, switched;
};

unsigned int peer_encap_overhead(const struct srv6_peer *peer)
{
	unsigned int overhead = 0;

	for (unsigned int i = 0; i < peer->path_count && i < SRV6_MAX_PATHS; i++)
		if (SRV6_ENCAP_LEN(peer->paths[i].seg_count) > overhead)
			overhead = SRV6_ENCAP_LEN(peer->paths[i].seg_count);
	return overhead;
}

struct mtu_state *mtu_state_new(void)
{
	return calloc(1, sizeof(struct mtu_state));
}

void mtu_state_free(struct mtu_state *s)
{
	if (!s)
		return;
	free(s->old);
	free(s->next);
	free(s->temp);
	free(s);
}

static struct peer_route as_peer_route(const struct table_route *r, unsigned int table)
{
	struct peer_route pr = { .prefix_len = r->plen, .table = table, .mtu = r->mtu, .nh = r->nh };

	memcpy(pr.key.addr, r->addr, SRV6_ADDR_LEN);
	return pr;
}

/* Install (create or replace) or remove routes, in the order given. */
static int routes_apply(struct ctx *c, unsigned int table, const struct table_route *const *v,
			size_t n, bool remove, struct err *e)
{
	struct peer_route *pr = calloc(n ? n : 1, sizeof(*pr));
	int rc;

	if (!pr)
		return errf(e, "out of memory");
	for (size_t i = 0; i < n; i++)
		pr[i] = as_peer_route(v[i], table);
	if (n == 0)
		rc = 0;
	else if (remove)
		rc = nlx_peer_routes_remove(&c->nl, pr, n, e);
	else
		rc = nlx_peer_routes_set(&c->nl, pr, n, e);
	free(pr);
	return rc;
}

/* The route of the same prefix in v (in table_route_order), or NULL. */
static const struct table_route *find_prefix(const struct table_route *v, size_t n,
					     const struct table_route *r)
{
	return n ? bsearch(r, v, n, sizeof(*v), table_route_order) : NULL;
}

/* A peer a change sets, with what its route needs: its first path's next hop
 * and the MTU prepare left in route.mtu. */
static struct mtu_peer changed_peer(const struct change *ch)
{
	struct mtu_peer p = { .nh = ch->nh[0], .mtu = ch->route.mtu };

	memcpy(p.addr, ch->req->key.addr, SRV6_ADDR_LEN);
	return p;
}

static int mtu_peer_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SRV6_ADDR_LEN); /* addr is the first member */
}

/*
 * The peers after the commit with the next hop and MTU each needs. A changed
 * peer's come from its change. An unchanged peer's MTU comes from its entry,
 * its next hop from the route of ours it matches; one that matches none has
 * its first SID looked up (routes removed by hand; rare).
 */
static int peers_after(struct ctx *c, const struct peer_table *t, const struct change *v,
		       size_t n, const struct route_index *old, struct mtu_peer **out,
		       size_t *nout, struct err *e)
{
	const struct srv6_peer_entry *cur;
	size_t ncur;
	const struct change **byk = NULL;
	struct mtu_peer *p = NULL;
	__u8 (*ask)[SRV6_ADDR_LEN] = NULL;
	size_t *asker = NULL;
	struct nexthop *nh = NULL;
	bool *found = NULL;
	size_t np = 0, nask = 0, k = 0, nu = 0;
	int rc = -1;

	if (dp_every_peer(t, &cur, &ncur, e))
		return -1;
	byk = calloc(n ? n : 1, sizeof(*byk));
	p = calloc(ncur + n + 1, sizeof(*p));
	ask = calloc(ncur + 1, sizeof(*ask));
	asker = calloc(ncur + 1, sizeof(*asker));
	nh = calloc(ncur + 1, sizeof(*nh));
	found = calloc(ncur + 1, sizeof(*found));
	if (!byk || !p || !ask || !asker || !nh || !found) {
		errf(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		byk[i] = &v[i];
	changes_sort(byk, n);
	for (size_t i = 0; i < ncur; i++) {
		const struct srv6_peer_entry *ent = &cur[i];
		const struct table_route *r;

		while (k < n && memcmp(byk[k]->req->key.addr, ent->key.addr, SRV6_ADDR_LEN) < 0)
			k++;
		if (k < n && memcmp(byk[k]->req->key.addr, ent->key.addr, SRV6_ADDR_LEN) == 0)
			continue; /* changed: below */
		memcpy(p[np].addr, ent->key.addr, SRV6_ADDR_LEN);
		p[np].mtu = t->li.mtu - peer_encap_overhead(&ent->value);
		r = route_index_lpm(old, ent->key.addr);
		if (r) {
			p[np].nh = r->nh;
		} else if (ent->value.path_count) {
			memcpy(ask[nask], ent->value.paths[0].segs[0], SRV6_ADDR_LEN);
			asker[nask++] = np;
		}
		np++;
	}
	nu = np;
	for (size_t i = 0; i < n; i++) {
		if (!change_is_set(byk[i]))
			continue;
		p[np++] = changed_peer(byk[i]);
	}
	if (nask && nlx_route_get6_many(&c->nl, (const __u8(*)[SRV6_ADDR_LEN])ask, nask, nh, found,
					e))
		goto out;
	for (size_t i = 0; i < nask; i++)
		if (found[i])
			p[asker[i]].nh = nh[i];
		else
			p[asker[i]].mtu = 0; /* no route to its first SID: left out */
	k = 0;
	for (size_t i = 0; i < np; i++) {
		if (i == nu)
			nu = k; /* where the changed peers start now */
		if (p[i].mtu)
			p[k++] = p[i];
	}
	if (nu > k)
		nu = k;
	np = k;
	/* Two sorted runs, the unchanged peers and the changed ones: merged. */
	*out = calloc(np + 1, sizeof(**out));
	if (!*out) {
		errf(e, "out of memory");
		goto out;
	}
	for (size_t a = 0, b = nu, w = 0; w < np; w++)
		(*out)[w] = b >= np || (a < nu && mtu_peer_cmp(&p[a], &p[b]) < 0) ? p[a++] : p[b++];
	*nout = np;
	rc = 0;
out:
	free(byk);
	free(p);
	free(ask);
	free(asker);
	free(nh);
	free(found);
	return rc;
}

/* Split the table's routes: ours through the device, and everyone else's. */
static int routes_split(const struct peer_table *t, struct mtu_state *s,
			struct table_route **foreign, size_t *nforeign, struct err *e)
{
	*foreign = calloc(t->all.n + 1, sizeof(**foreign));
	s->old = calloc(t->all.n + 1, sizeof(*s->old));
	*nforeign = 0;
	if (!*foreign || !s->old)
		return errf(e, "out of memory");
	for (size_t i = 0; i < t->all.n; i++) {
		const struct table_route *r = &t->all.v[i];

		if (table_route_is_mtu_route(r, t->li.ifindex))
			s->old[s->nold++] = *r;
		else
			(*foreign)[(*nforeign)++] = *r;
	}
	qsort(s->old, s->nold, sizeof(*s->old), table_route_order);
	return 0;
}

/* Replaced peers whose new entry needs a lower MTU than the route they match
 * gives: a host route with that MTU, before the entry changes. */
static int temps_plan(const struct change *v, size_t n, const struct route_index *old,
		      struct mtu_state *s, struct err *e)
{
	s->temp = calloc(n + 1, sizeof(*s->temp));
	if (!s->temp)
		return errf(e, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct table_route *r;
		struct table_route *tr;

		if (!change_is_set(&v[i]) || !v[i].old || v[i].no_route)
			continue;
		r = route_index_lpm(old, v[i].req->key.addr);
		if (r && r->mtu && r->mtu <= v[i].route.mtu)
			continue;
		tr = &s->temp[s->ntemp++];
		memset(tr, 0, sizeof(*tr));
		memcpy(tr->addr, v[i].req->key.addr, SRV6_ADDR_LEN);
		tr->plen = 8 * SRV6_ADDR_LEN;
		tr->protocol = SRV6_RTPROT;
		tr->nh = v[i].nh[0];
		tr->mtu = v[i].route.mtu;
	}
	qsort(s->temp, s->ntemp, sizeof(*s->temp), table_route_order);
	return 0;
}

/*
 * The common change (a peer's paths replaced, or a peer added, behind the same
 * next hop with the same MTU as the route it matches): the routes in place
 * serve, so they are the plan (s->next a copy of s->old), with no read of
 * every peer. 1: kept, 0: plan again (a delete, another MTU or next hop, a
 * route of someone else's inside a prefix of ours), -1: out of memory.
 */
static int routes_kept(struct mtu_state *s, const struct change *v, size_t n,
		       const struct route_index *old, const struct route_index *foreign)
{
	struct mtu_peer *changed = calloc(n + 1, sizeof(*changed));
	size_t k = 0;
	int kept = 0;

	if (!changed)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (change_is_del(&v[i]))
			goto out;
		changed[k++] = changed_peer(&v[i]);
	}
	if (!mtu_routes_still_serve(s->old, s->nold, old, foreign, changed, k))
		goto out;
	s->next = calloc(s->nold + 1, sizeof(*s->next));
	if (!s->next) {
		kept = -1;
		goto out;
	}
	memcpy(s->next, s->old, s->nold * sizeof(*s->next));
	s->nnext = s->nold;
	kept = 1;
out:
	free(changed);
	return kept;
}

int mtu_begin(struct ctx *c, const struct peer_table *t, const struct change *v, size_t n,
	      struct err *e)
{
	struct mtu_state *s = t->mtu;
	struct route_index old = { 0 }, foreign = { 0 };
	struct table_route *fv = NULL;
	struct mtu_peer *peers = NULL;
	const struct table_route **temps = NULL;
	size_t nf = 0, np = 0;
	int rc = -1;

	if (routes_split(t, s, &fv, &nf, e))
		goto out;
	if (route_index_build(&old, s->old, s->nold) || route_index_build(&foreign, fv, nf)) {
		errf(e, "out of memory");
		goto out;
	}
	if (t->peer_routes) {
		int kept = routes_kept(s, v, n, &old, &foreign);

		if (kept < 0) {
			errf(e, "out of memory");
			goto out;
		}
		if (!kept && peers_after(c, t, v, n, &old, &peers, &np, e))
			goto out;
		if (!kept && mtu_routes_plan(peers, np, &foreign, &s->next, &s->nnext)) {
			errf(e, "out of memory");
			goto out;
		}
	}
	if (temps_plan(v, n, &old, s, e))
		goto out;
	temps = calloc(s->ntemp + 1, sizeof(*temps));
	if (!temps) {
		errf(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < s->ntemp; i++)
		temps[i] = &s->temp[i];
	s->began = true;
	rc = routes_apply(c, t->table, temps, s->ntemp, false, e);
out:
	free(temps);
	free(peers);
	free(fv);
	route_index_free(&old);
	route_index_free(&foreign);
	return rc;
}

/* What is installed now for r's prefix: the temporary route, else the old one. */
static const struct table_route *installed(const struct mtu_state *s, const struct table_route *r)
{
	const struct table_route *x = find_prefix(s->temp, s->ntemp, r);

	return x ? x : find_prefix(s->old, s->nold, r);
}

static int by_plen_ascending(const void *a, const void *b)
{
	const struct table_route *x = *(const struct table_route *const *)a;
	const struct table_route *y = *(const struct table_route *const *)b;

	return (int)x->plen - (int)y->plen;
}

int mtu_switch(struct ctx *c, const struct peer_table *t, struct err *e)
{
	struct mtu_state *s = t->mtu;
	const struct table_route **set = calloc(s->nnext + 1, sizeof(*set));
	const struct table_route **gone = calloc(s->nold + s->ntemp + 1, sizeof(*gone));
	size_t nset = 0, ngone = 0;
	int rc = -1;

	if (!set || !gone) {
		errf(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < s->nnext; i++) { /* already most specific first */
		const struct table_route *now = installed(s, &s->next[i]);

		if (!now || !table_route_same(now, &s->next[i]))
			set[nset++] = &s->next[i];
	}
	for (size_t i = 0; i < s->nold; i++)
		if (!find_prefix(s->next, s->nnext, &s->old[i]) &&
		    !find_prefix(s->temp, s->ntemp, &s->old[i]))
			gone[ngone++] = &s->old[i];
	for (size_t i = 0; i < s->ntemp; i++)
		if (!find_prefix(s->next, s->nnext, &s->temp[i]))
			gone[ngone++] = &s->temp[i];
	qsort(gone, ngone, sizeof(*gone), by_plen_ascending);
	s->switched = true;
	rc = routes_apply(c, t->table, set, nset, false, e);
	if (rc == 0)
		rc = routes_apply(c, t->table, gone, ngone, true, e);
out:
	free(set);
	free(gone);
	return rc;
}

/*
 * Back to the routes before the commit, in two halves around the map's own
 * restore (peers_bpf.c), with the replaced peers' new entries still live in
 * the first: their lowered host routes first, then the old routes on the
 * other prefixes (most specific first), then the planned routes of prefixes
 * that were not there (least specific first). After the map holds the old
 * entries again, mtu_undo_after puts the old routes back on the lowered
 * prefixes and removes the lowered ones that were new.
 */
void mtu_undo_before(struct ctx *c, const struct peer_table *t)
{
	struct mtu_state *s = t->mtu;
	const struct table_route **temps = calloc(s->ntemp + 1, sizeof(*temps));
	const struct table_route **back = calloc(s->nold + 1, sizeof(*back));
	const struct table_route **extra = calloc(s->nnext + 1, sizeof(*extra));
	size_t ntemps = 0, nback = 0, nextra = 0;
	struct err ignored;

	if (!s->began || !temps || !back || !extra)
		goto out;
	for (size_t i = 0; i < s->ntemp; i++)
		temps[ntemps++] = &s->temp[i];
	for (size_t i = 0; i < s->nold; i++) /* s->old: most specific first */
		if (!find_prefix(s->temp, s->ntemp, &s->old[i]))
			back[nback++] = &s->old[i];
	for (size_t i = 0; s->switched && i < s->nnext; i++)
		if (!find_prefix(s->old, s->nold, &s->next[i]) &&
		    !find_prefix(s->temp, s->ntemp, &s->next[i]))
			extra[nextra++] = &s->next[i];
	qsort(extra, nextra, sizeof(*extra), by_plen_ascending);
	routes_apply(c, t->table, temps, ntemps, false, &ignored);
	routes_apply(c, t->table, back, nback, false, &ignored);
	routes_apply(c, t->table, extra, nextra, true, &ignored);
out:
	free(temps);
	free(back);
	free(extra);
}

void mtu_undo_after(struct ctx *c, const struct peer_table *t)
{
	struct mtu_state *s = t->mtu;
	const struct table_route **back = calloc(s->ntemp + 1, sizeof(*back));
	const struct table_route **extra = calloc(s->ntemp + 1, sizeof(*extra));
	size_t nback = 0, nextra = 0;
	struct err ignored;

	if (!s->began || !back || !extra)
		goto out;
	for (size_t i = 0; i < s->ntemp; i++) {
		const struct table_route *o = find_prefix(s->old, s->nold, &s->temp[i]);

		if (o)
			back[nback++] = o;
		else
			extra[nextra++] = &s->temp[i];
	}
	routes_apply(c, t->table, back, nback, false, &ignored);
	routes_apply(c, t->table, extra, nextra, true, &ignored);
out:
	free(back);
	free(extra);
}
