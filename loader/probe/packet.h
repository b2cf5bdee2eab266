/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Path probes on the wire. A probe makes a U-turn: it follows a path's
 * micro-SIDs out to the last router before the peer, then the same routers
 * back, and ends at this host's own decapsulation SID. So it crosses exactly
 * the fabric links the path's traffic crosses, both ways, and needs nothing of
 * the peer. Inside: an ICMPv6 echo request from this host to itself, whose
 * identifier and sequence number say which probe came back.
 *
 * Micro-SIDs: a 32-bit block, then 16-bit micro-SIDs (the layout of the lab
 * and of Jalapeño's carriers: lblen 32, nflen 16).
 */
#ifndef SRV6_PROBE_PACKET_H
#define SRV6_PROBE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include "srv6_bpf.h"

#define PROBE_USIDS_MAX (SRV6_MAX_SEGS * 6) /* 6 micro-SIDs a carrier */

/* Outer header, inner IPv6 header and the echo request with its payload. */
#define PROBE_FRAME_MAX (SRV6_ENCAP_LEN_MAX + 40 + 8 + 16)

/* Where a probe comes back to: this host's decapsulation SID as micro-SIDs. */
struct probe_home {
	__u8 block[4];
	__u16 usids[6]; /* the SID's micro-SIDs after the block (node, maybe a function) */
	unsigned int n;
	__u8 addr[SRV6_ADDR_LEN]; /* this host's IPv6 address: the inner source and destination */
	__u8 hop_limit;
};

/* The home of a decapsulation SID prefix (block + n micro-SIDs, /48 to /128):
 * 0, or -1 when it is no such micro-SID prefix. */
int probe_home_of(const struct srv6_sid_key *sid, struct probe_home *home);

/* Paths that end with a function micro-SID (DEST_FUNCTION) after the peer's
 * node: home becomes our node and the function, unless the decap SID already
 * is node and function (a node ID may equal the function: not a reason).
 * -1 when the SID has no room left for it (six micro-SIDs already). */
int probe_home_function(struct probe_home *home, __u16 function);

/* The routers of path fwd: its micro-SIDs less the peer's last home->n. 0, or
 * -1 when fwd is not micro-SIDs of home's block or has no router. */
int probe_routers(const struct srv6_path *fwd, const struct probe_home *home,
		  __u16 routers[PROBE_USIDS_MAX], unsigned int *n);

/*
 * The U-turn of path fwd: its routers (its micro-SIDs less the peer's last
 * home->n, the peer's SID shaped like ours), the same routers back but the
 * last, then home's micro-SIDs, packed into carriers of home's block. 0, or -1
 * when fwd is not micro-SIDs of that block, has no router, or the U-turn needs
 * more than SRV6_MAX_SEGS carriers.
 */
int probe_uturn(const struct srv6_path *fwd, const struct probe_home *home, struct srv6_path *out);

/* Which probe it is: the prober's id, a sequence number, and a nonce of the
 * prober's run in the payload (an echo request from elsewhere is no probe). */
struct probe_tag {
	__u16 id, seq;
	__u64 nonce;
};

/* The probe for a U-turn path, from the outer IPv6 header on, with src as the
 * outer source; returns its length. */
size_t probe_build(const struct probe_home *home, const __u8 *src, const struct srv6_path *uturn,
		   const struct probe_tag *tag, __u8 *frame);

/* A probe back home, as a raw ICMPv6 socket hands it over (ICMPv6 header on):
 * 0 and its tag, -1 when it is none. */
int probe_parse(const __u8 *buf, size_t len, struct probe_tag *tag);

#endif
