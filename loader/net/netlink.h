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
#include "util/err.h"
#include "srv6_bpf.h"
#include "srv6_maps.h"

#define SRV6_RTPROT 206 /* `ip route show proto 206` lists srv6-bpf's routes */

struct nlx {
	struct nl_sock *sk;
	unsigned int seq;
};

struct link_info {
	int ifindex;
	unsigned int mtu;
	unsigned int arptype; /* ARPHRD_* */
	bool up;              /* IFF_UP */
	char name[IF_NAMESIZE];
};

struct nexthop {
	int ifindex;
	bool has_gw;
	struct in6_addr gw;
};

/*
 * A host route srv6-bpf owns (PEER/128 or PEER/32, protocol SRV6_RTPROT).
 * BPF platform: in the main table, via the next hop of the first SID, with the
 * MTU that leaves room for the encapsulation. Kernel platform: a seg6
 * encapsulation per path (one multipath route for several paths).
 */
struct peer_route {
	struct srv6_peer_key key; /* ::ffff:a.b.c.d for IPv4 */
	unsigned char prefix_len; /* 0: the host route (/128, /32); else in bits of
				     key (IPv4: 96 + its length): an MTU prefix route */
	unsigned int table;
	unsigned int mtu; /* RTAX_MTU; 0 for none */
	struct nexthop nh; /* the next hop, unless multipath */
	int encap_mode;    /* 0: none; else SEG6_IPTUN_MODE_ENCAP or _ENCAP_RED */
	const struct srv6_peer *paths;  /* with encap_mode: SIDs and weights */
	const struct nexthop *path_nh;  /* with encap_mode: each path's next hop */
};

/* An existing host route (/128 or /32) in the main table. */
struct host_route {
	struct peer_route route; /* mtu 0: no MTU metric */
	unsigned char protocol;
};

/*
 * Any route of a table, as the BPF platform's MTU routes see it (their own and
 * everyone else's): where it leads and whether it leads there plainly.
 */
struct table_route {
	__u8 addr[SRV6_ADDR_LEN]; /* IPv4: ::ffff:a.b.c.d */
	unsigned char plen;       /* in bits of addr: IPv4 routes 96 + their length */
	unsigned char protocol;
	bool plain;               /* unicast through the one next hop nh, no encapsulation */
	struct nexthop nh;
	unsigned int mtu;         /* RTAX_MTU, 0: none */
	unsigned int metric;      /* RTA_PRIORITY */
};

struct nlx_table_routes {
	struct table_route *v;
	size_t n, cap;
};

/* A seg6local route srv6-bpf owns: a local SID that decapsulates, or an End. */
struct local_sid_route {
	struct srv6_sid_key key;
	unsigned int action; /* SEG6_LOCAL_ACTION_END_DT6, _END_DX4 or _END */
	int ifindex;
	unsigned int table;  /* where the route lives */
	struct in_addr nh4;  /* End.DX4 */
	unsigned char lblen, nflen; /* End: flavors next-csid lblen N nflen N */
};

int nlx_open(struct nlx *n, struct err *e);

/*
 * Does this kernel take routes with lightweight-tunnel encapsulation type
 * encap_type (LWTUNNEL_ENCAP_SEG6, _SEG6_LOCAL)? Asks without changing
 * anything: a delete of a route that cannot exist, which the kernel refuses
 * with EOPNOTSUPP when the encapsulation is not built in and with ESRCH when
 * it is. 1: supported, 0: not, -1: netlink failed.
 */
int nlx_probe_lwt_encap(struct nlx *n, unsigned int encap_type, struct err *e);
void nlx_close(struct nlx *n);

/* Error "interface DEV not found" when absent. */
int nlx_link_get(struct nlx *n, const char *dev, struct link_info *li, struct err *e);
int nlx_link_by_index(struct nlx *n, int ifindex, struct link_info *li, struct err *e);

/* The first global-scope IPv6 address of ifindex: 0, 1 when it has none, -1 on error. */
int nlx_first_global_ipv6(struct nlx *n, int ifindex, struct in6_addr *out, struct err *e);

/* The first IPv4 address of ifindex: 0, 1 when it has none, -1 on error. */
int nlx_first_ipv4(struct nlx *n, int ifindex, struct in_addr *out, struct err *e);

/* seg6local routes for local SIDs (kernel platform). */
int nlx_local_sid_set(struct nlx *n, const struct local_sid_route *r, bool create, struct err *e);
int nlx_local_sid_del(struct nlx *n, const struct local_sid_route *r, struct err *e);
int nlx_local_sids(struct nlx *n, unsigned int table, struct local_sid_route **routes,
		   size_t *count, struct err *e);

/* What the kernel FIB says about reaching dst (RTM_GETROUTE). */
int nlx_route_get6(struct nlx *n, const __u8 dst[SRV6_ADDR_LEN], struct nexthop *nh,
		   struct err *e);
/* The same for many destinations, pipelined; found[i] says whether dsts[i]
 * has a route (nh[i] is set only then). Fails only if netlink does. */
int nlx_route_get6_many(struct nlx *n, const __u8 (*dsts)[SRV6_ADDR_LEN], size_t count,
			struct nexthop *nh, bool *found, struct err *e);

/*
 * The first 48 bits of every IPv6 prefix longer than /48 that routing looks at
 * (routes of any table, rules' destinations), sorted: a /48 without any is
 * routed as one, so one lookup stands for every address in it.
 */
#define NLX_GROUP_BYTES 6
struct nlx_specifics {
	__u8 (*head)[NLX_GROUP_BYTES];
	size_t n, cap;
};

/* Whether some prefix longer than /48 lies in addr's /48. */
bool nlx_specific_in(const struct nlx_specifics *s, const __u8 addr[SRV6_ADDR_LEN]);

/* Every host route in table, sorted by key (for bsearch); with specific, also
 * the IPv6 routes' specifics (rules' too), and with all every route of table
 * (any prefix, both families, in dump order), from the same dump. */
int nlx_host_routes(struct nlx *n, unsigned int table, struct host_route **routes,
		    size_t *count, struct nlx_specifics *specific, struct nlx_table_routes *all,
		    struct err *e);
const struct host_route *nlx_host_route_find(const struct host_route *routes, size_t count,
					     const struct srv6_peer_key *key);

/* srv6-bpf's seg6 routes in table as path sets (the kernel platform's peers),
 * those through ifindex only unless it is 0; *ifindexes (optional) says whose. */
int nlx_seg6_peers(struct nlx *n, unsigned int table, int ifindex,
		   struct srv6_peer_entry **entries, int **ifindexes, size_t *count, struct err *e);

/*
 * Create or replace count peer routes, pipelined in windows. Reports the first
 * failure, naming the peer; requests in the same window after it may have been
 * applied, so callers roll back the whole set.
 */
int nlx_peer_routes_set(struct nlx *n, const struct peer_route *routes, size_t count,
			struct err *e);
/* Delete srv6-bpf's routes (host or prefix: key and prefix_len, in their
 * table); absent ones are fine. */
int nlx_peer_routes_remove(struct nlx *n, const struct peer_route *routes, size_t count,
			   struct err *e);
/* Delete srv6-bpf's host routes for these keys in table; absent ones are fine. */
int nlx_peer_routes_del(struct nlx *n, unsigned int table, const struct srv6_peer_key *keys,
			size_t count, struct err *e);

/*
 * The kernel route srv6-bpf keeps for every End SID prefix on the BPF platform
 * (main table, protocol SRV6_RTPROT, metric SRV6_SID_ROUTE_METRIC, on-link
 * through a device that has the SID): what the XDP End leaves to the stack (hop
 * limit <= 1) reaches the kernel's forwarding, which answers Time Exceeded.
 * A higher metric than any route an operator adds, so theirs wins.
 */
#define SRV6_SID_ROUTE_METRIC 0x5336

struct sid_route {
	struct srv6_sid_key key;
	int ifindex; /* the device it goes through */
};

int nlx_sid_routes(struct nlx *n, struct sid_route **routes, size_t *count, struct err *e);
int nlx_sid_route_set(struct nlx *n, const struct srv6_sid_key *key, int ifindex, struct err *e);
int nlx_sid_route_del(struct nlx *n, const struct srv6_sid_key *key, struct err *e);

#endif
