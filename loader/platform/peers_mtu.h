/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF platform's MTU routes through one commit (mtu_routes.h plans them):
 * at no moment does a peer's route allow more than its encapsulation leaves.
 *
 *   mtu_begin   plans the routes after the commit, and gives each replaced
 *               peer whose new entry needs less MTU than the route it matches
 *               gives (or that matches none of ours) a host route with that
 *               MTU, before its entry changes;
 *   (the map: replaced and deleted peers)
 *   mtu_switch  installs the planned routes, most specific first, then removes
 *               the old ones, least specific first;
 *   (the map: new peers, whose routes are now there)
 *   mtu_undo_before, (the map restored), mtu_undo_after: every route this
 *               commit touched back as it was, in that order.
 */
#ifndef SRV6_PEERS_MTU_H
#define SRV6_PEERS_MTU_H

#include "peers.h"

/* The bytes of SRv6 headers on the peer's largest path. */
unsigned int peer_encap_overhead(const struct srv6_peer *peer);

int mtu_begin(struct ctx *c, const struct peer_table *t, const struct change *v, size_t n,
	      struct err *e);
int mtu_switch(struct ctx *c, const struct peer_table *t, struct err *e);
void mtu_undo_before(struct ctx *c, const struct peer_table *t);
void mtu_undo_after(struct ctx *c, const struct peer_table *t);
struct mtu_state *mtu_state_new(void);
void mtu_state_free(struct mtu_state *s);

#endif
