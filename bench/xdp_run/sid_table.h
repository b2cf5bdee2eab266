/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The local SID tables the XDP benchmark loads, and a plain longest-prefix
 * match over them: the oracle that says which SID (and so which per-SID
 * counter) each test packet must hit.
 */
#ifndef BENCH_SID_TABLE_H
#define BENCH_SID_TABLE_H

#include <stdbool.h>
#include "srv6_maps.h"

/* Other nodes' SIDs in the full table: destinations for spread traffic. */
#define SID_TABLE_OTHER_NODES 511
/* Other routers' End SIDs in the full router table. */
#define SID_TABLE_OTHER_ROUTERS (SRV6_SIDS_MAX - 1)

struct sid_table {
	struct srv6_sid_entry e[SRV6_SIDS_MAX]; /* counters_index = position */
	unsigned int n;
};

/* The host's own SIDs: its micro-SID locator fc00:0:2::/48 and its function
 * SIDs fc00:0:2:e006::/64 (IPv6 inside) and fc00:0:2:e004::/64 (IPv4 inside),
 * all action decap. */
void sid_table_own(struct sid_table *t);

/* The host's own SIDs, then other nodes' locators fc00:0:<1000+j>::/48 and
 * function SIDs fc00:0:<1000+j>:e006::/64, up to SRV6_SIDS_MAX entries. */
void sid_table_full(struct sid_table *t);

/* A micro-SID router's table: its own End SID fc00:0:100::/48 (lblen 32, nflen
 * 16, the lab's r1), nothing else. */
void sid_table_router(struct sid_table *t);

/* The router's End SID, then other routers' End SIDs fc00:0:<1000+j>::/48, up
 * to SRV6_SIDS_MAX entries. */
void sid_table_router_full(struct sid_table *t);

/* Replace the node ID of a micro-SID carrier (bits 32..47) with other router
 * j's, whose End SID sid_table_router_full holds. */
void sid_table_other_router(unsigned int j, __u8 carrier[SRV6_ADDR_LEN]);

/* Function SID e006 (ipv6) or e004 of other node j; in the full table it falls
 * in j's /64 or /48. */
void sid_table_other_sid(unsigned int j, bool ipv6, __u8 out[SRV6_ADDR_LEN]);

/* Index of the longest prefix in t containing addr, or -1. */
int sid_table_match(const struct sid_table *t, const __u8 addr[SRV6_ADDR_LEN]);

#endif
