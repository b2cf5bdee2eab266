/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The rtnetlink messages srv6-bpf sends, built without a socket, and the
 * parsers of the routes the kernel dumps back. netlink.c sends and reads them;
 * tests/unit/net/test_netlink_msg.c checks them attribute by attribute, so the
 * kernel platform's requests stay checked on kernels without seg6 routes.
 * Builders return NULL when out of memory or given a path they cannot encode;
 * the caller frees the message (nlmsg_free).
 */
#ifndef SRV6_NETLINK_MSG_H
#define SRV6_NETLINK_MSG_H

#include <stdbool.h>
#include <netlink/msg.h>
#include "netlink.h"

/* RTM_NEWROUTE (create or replace) of a peer host route: the BPF platform's
 * MTU route (encap_mode 0) or the kernel platform's seg6 route, multipath for
 * several paths. */
struct nl_msg *nlx_peer_route_msg(const struct peer_route *r);

/* RTM_DELROUTE of srv6-bpf's route to key/prefix_len (0: the host route) in table. */
struct nl_msg *nlx_peer_route_del_msg(const struct srv6_peer_key *key, unsigned char prefix_len,
				      unsigned int table);

/* RTM_NEWROUTE of a seg6local route: End.DT6 (table local), End.DX4 (nh4) or
 * End (flavors next-csid lblen nflen); create fails if the route exists, else
 * it replaces. */
struct nl_msg *nlx_local_sid_set_msg(const struct local_sid_route *r, bool create);

/* RTM_DELROUTE of a seg6local route. */
struct nl_msg *nlx_local_sid_del_msg(const struct local_sid_route *r);

/* The request of nlx_probe_lwt_encap: the delete of a route that cannot exist,
 * carrying encapsulation type encap_type. */
struct nl_msg *nlx_probe_msg(unsigned int encap_type);

/* One RTM_NEWROUTE of a dump. Each returns false when h is not such a route in
 * table (and for the seg6 and seg6local ones, not srv6-bpf's). */
bool nlx_host_route_parse(struct nlmsghdr *h, unsigned int table, struct host_route *r);
bool nlx_table_route_parse(struct nlmsghdr *h, unsigned int table, struct table_route *r);
bool nlx_local_sid_route_parse(struct nlmsghdr *h, unsigned int table,
			       struct local_sid_route *r);
/* ent gets the peer and its paths (weights from the multipath hops), nh[i]
 * the next hop of path i. */
bool nlx_seg6_peer_route_parse(struct nlmsghdr *h, unsigned int table,
			       struct srv6_peer_entry *ent, struct nexthop nh[SRV6_MAX_PATHS]);

#endif
