// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What both platforms' peer commits share: the host routes of a set of changes. */
#include "peers.h"

#include <stdlib.h>
#include <string.h>

bool change_is_set(const struct change *ch)
{
	return ch->req->verb != ROUTE_DEL;
}

bool change_is_del(const struct change *ch)
{
	return ch->req->verb == ROUTE_DEL;
}

int change_key_cmp(const void *a, const void *b)
{
	const struct change *x = *(const struct change *const *)a;
	const struct change *y = *(const struct change *const *)b;

	return memcmp(x->req->key.addr, y->req->key.addr, SRV6_ADDR_LEN);
}

void changes_sort(const struct change **v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (change_key_cmp(&v[i - 1], &v[i]) > 0) {
			qsort(v, n, sizeof(*v), change_key_cmp);
			return;
		}
	}
}

int peer_entry_cmp(const void *a, const void *b)
{
	return memcmp(((const struct srv6_peer_entry *)a)->key.addr,
		      ((const struct srv6_peer_entry *)b)->key.addr, SRV6_ADDR_LEN);
}

bool path_same(const struct srv6_path *a, const struct srv6_path *b)
{
	return a->seg_count == b->seg_count &&
	       memcmp(a->segs, b->segs, sizeof(a->segs[0]) * a->seg_count) == 0;
}

/* Bring the host routes of the changes selected by pick to the given state. */
int change_routes_set(struct ctx *c, unsigned int table, struct change *v, size_t n,
		      bool (*pick)(const struct change *), enum routes_to to, struct err *e)
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
		if (!pick(&v[i]) || (v[i].no_route && !v[i].had_route))
			continue;
		if (to == ROUTES_NEW && v[i].no_route) /* a stale route of ours goes */
			del[ndel++] = v[i].req->key;
		else if (to == ROUTES_NEW)
			set[nset++] = v[i].route;
		else if (to == ROUTES_OLD && v[i].had_route)
			set[nset++] = v[i].old_route;
		else
			del[ndel++] = v[i].req->key;
	}
	if (nset && nlx_peer_routes_set(&c->nl, set, nset, e))
		rc = -1;
	if (ndel && nlx_peer_routes_del(&c->nl, table, del, ndel, e))
		rc = -1;
	free(set);
	free(del);
	return rc;
}
