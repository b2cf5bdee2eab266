/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The BPF platform's parts (platform_bpf in bpf.c puts them together). */
#ifndef SRV6_PLATFORM_BPF_H
#define SRV6_PLATFORM_BPF_H

#include "peers.h"
#include "platform.h"

extern const struct peer_ops dp_peer_ops; /* peers_bpf.c */

/* Every peer of t, sorted by key: t->cur when t holds them all, else read from
 * the map the first time a change needs them (a new peer's counter slot, the
 * MTU routes planned again) and kept with t. */
int dp_every_peer(const struct peer_table *t, const struct srv6_peer_entry **v, size_t *n,
		  struct err *e);

/* sids_bpf.c: local SIDs in the XDP (or tc ingress) program's map. */
int dp_sid_apply(struct ctx *c, const struct sid_req *req, struct err *e);
int dp_sid_list(struct ctx *c, const char *dev, struct sid_row **rows, size_t *n,
		struct err *e);

/* Unload dev's datapath (dp_unload); its End SIDs' routes follow. */
int dp_dev_unload(struct ctx *c, const char *dev, struct err *e);

/* After loading dev again: End SID routes a link going down took with it come back. */
int dp_dev_reloaded(struct ctx *c, struct err *e);

#endif
