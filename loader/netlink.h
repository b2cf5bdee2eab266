/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Links, addresses and routes through rtnetlink (libnl-3). srv6-bpf's own routes
 * (peer host routes carrying the post-encapsulation MTU) are tagged with
 * SRV6_RTPROT, so it only ever replaces or deletes what it made.
 */
#ifndef SRV6_NETLINK_H
#define SRV6_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <netinet/in.h>
#include "err.h"
#include "srv6_bpf.h"

#define SRV6_RTPROT 206 /* `ip route show proto 206` lists srv6-bpf's routes */

struct nlx {
	struct nl_sock *sk;
	unsigned int seq;
};

struct link_info {
	int ifindex;
	unsigned int mtu;
	unsigned int arptype; /* ARPHRD_* */
	char name[IF_NAMESIZE];
};

struct nexthop {
	int ifindex;
	bool has_gw;
	struct in6_addr gw;
};

/* A host route for a peer: dev and next hop as the first SID is reached, with
 * the MTU that leaves room for the encapsulation. */
struct peer_route {
	struct srv6_peer_key key; /* ::ffff:a.b.c.d for IPv4 */
	unsigned int mtu;
	struct nexthop nh;
};

/* An existing host route (/128 or /32) in the main table. */
struct host_route {
	struct peer_route route; /* mtu 0: no MTU metric */
	unsigned char protocol;
};

int nlx_open(struct nlx *n, struct err *e);
void nlx_close(struct nlx *n);

/* Error "interface DEV not found" when absent. */
int nlx_link_get(struct nlx *n, const char *dev, struct link_info *li, struct err *e);
int nlx_link_by_index(struct nlx *n, int ifindex, struct link_info *li, struct err *e);

/* The first global-scope IPv6 address of ifindex: 0, 1 when it has none, -1 on error. */
int nlx_first_global_ipv6(struct nlx *n, int ifindex, struct in6_addr *out, struct err *e);

/* What the kernel FIB says about reaching dst (RTM_GETROUTE). */
int nlx_route_get6(struct nlx *n, const __u8 dst[SRV6_ADDR_LEN], struct nexthop *nh,
		   struct err *e);

/* Every host route in the main table, sorted by key (for bsearch). */
int nlx_host_routes(struct nlx *n, struct host_route **routes, size_t *count, struct err *e);
const struct host_route *nlx_host_route_find(const struct host_route *routes, size_t count,
					     const struct srv6_peer_key *key);

/*
 * Create or replace count peer routes, pipelined. Stops at the first failure,
 * naming the peer; *done says how many were applied.
 */
int nlx_peer_routes_set(struct nlx *n, const struct peer_route *routes, size_t count,
			size_t *done, struct err *e);
/* Delete srv6-bpf's host routes for these keys; absent ones are fine. */
int nlx_peer_routes_del(struct nlx *n, const struct srv6_peer_key *keys, size_t count,
			struct err *e);

#endif
