/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF platform's MTU routes: the fewest routes that give every peer the
 * MTU its encapsulation leaves, through its first SID's next hop.
 *
 * A run of peers that share a prefix gets one route for that prefix when the
 * prefix changes nothing but the MTU for every address in it: a plain route
 * of the table (someone else's) already covers the whole prefix, through the
 * same next hop, and no other route lies inside it. The prefix takes the MTU
 * most of its peers need; a peer that needs another MTU or next hop gets its
 * own host route (/128, /32) inside it. Pure: no netlink, unit-tested.
 */
#ifndef SRV6_MTU_ROUTES_H
#define SRV6_MTU_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include "net/netlink.h"

/* The widest prefix shared by peers: /48 (IPv6), /16 (IPv4, 96 + 16). */
#define MTU_ROUTE_MIN_PLEN6 48
#define MTU_ROUTE_MIN_PLEN4 (96 + 16)

struct mtu_peer {
	__u8 addr[SRV6_ADDR_LEN]; /* IPv4: ::ffff:a.b.c.d */
	struct nexthop nh;        /* its first path's first-SID next hop */
	unsigned int mtu;         /* the device's MTU less its encapsulation */
};

/* Longest-prefix match over a set of routes (buckets by prefix length). */
struct route_index {
	const struct table_route **v; /* by plen descending, then address */
	size_t n;
	size_t start[130];            /* bucket of each distinct plen: v[start[i]..start[i+1]) */
	unsigned char plen[129];
	size_t nbuckets;
};

int route_index_build(struct route_index *ix, const struct table_route *v, size_t n);
void route_index_free(struct route_index *ix);
/* The most specific route holding addr, or NULL. */
const struct table_route *route_index_lpm(const struct route_index *ix,
					  const __u8 addr[SRV6_ADDR_LEN]);

/*
 * The routes for peers (sorted by address, unique), given the table's other
 * routes (foreign: everything in the table that is not srv6-bpf's). *out is
 * sorted by plen descending (the order to install them in), allocated; *nout
 * may be 0. Returns 0, -1 when out of memory.
 */
int mtu_routes_plan(const struct mtu_peer *peers, size_t n, const struct route_index *foreign,
		    struct table_route **out, size_t *nout);

/* One of srv6-bpf's MTU routes through ifindex: protocol 206, plain, not an
 * End SID's route (SRV6_SID_ROUTE_METRIC). */
bool table_route_is_mtu_route(const struct table_route *r, int ifindex);
/* qsort/bsearch order of routes: most specific first, then by address. */
int table_route_order(const void *a, const void *b);
/*
 * Whether srv6-bpf's routes in place (ours, indexed by ours_ix) still serve
 * after peers change to changed[]: every prefix route of ours still changes
 * nothing but the MTU (foreign as the table is now), and each changed peer
 * already matches a route of ours with its next hop and MTU. Then the routes
 * can stay as they are, with no plan over every peer.
 */
bool mtu_routes_still_serve(const struct table_route *ours, size_t nours,
			    const struct route_index *ours_ix, const struct route_index *foreign,
			    const struct mtu_peer *changed, size_t nchanged);

/* Same prefix (address and length). */
bool table_route_same_prefix(const struct table_route *a, const struct table_route *b);
/* Same prefix, next hop and MTU. */
bool table_route_same(const struct table_route *a, const struct table_route *b);
bool nexthop_same(const struct nexthop *a, const struct nexthop *b);

#endif
