/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Path probes on the wire: an ICMP echo request to the peer, encapsulated
 * (H.Encaps.Red, the same outer header the TC program writes) onto one path,
 * so it crosses exactly that path's links; the peer decapsulates it and its
 * stack answers. The request's identifier and sequence number say which probe
 * a reply answers.
 */
#ifndef SRV6_PROBE_PACKET_H
#define SRV6_PROBE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include "srv6_bpf.h"

/* Outer header, inner IP header and the echo request with its payload. */
#define PROBE_FRAME_MAX (SRV6_ENCAP_LEN_MAX + 40 + 8 + 16)

struct probe_addrs {
	__u8 outer_src[SRV6_ADDR_LEN]; /* the datapath's outer source */
	struct srv6_peer_key self;     /* the inner source: this host (IPv4 as ::ffff:a.b.c.d) */
	struct srv6_peer_key peer;     /* the inner destination */
	bool ipv4;                     /* inner IPv4 + ICMP, else IPv6 + ICMPv6 */
	__u8 hop_limit;
};

/* The probe for path with (id, seq) as bytes from the outer IPv6 header on;
 * returns its length. */
size_t probe_build(const struct probe_addrs *a, const struct srv6_path *path, __u16 id, __u16 seq,
		   __u8 *frame);

/* An echo reply as a raw ICMPv6 socket hands it over (ICMPv6 header on), or
 * as a raw IPv4 socket does (IPv4 header on): 0 and its id and seq, -1 when it
 * is no echo reply of a probe. */
int probe_reply_parse(const __u8 *buf, size_t len, bool ipv4, __u16 *id, __u16 *seq);

#endif
