/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Test packets for the BPF_PROG_TEST_RUN benchmarks (bench/prog_run, and the
 * inner packets of bench/xdp_run): Ethernet + IPv6 or IPv4 + TCP, and
 * the exact bytes the program must hand back for each (encapsulated or not), so
 * a broken program cannot produce a fast number.
 */
#ifndef BENCH_PACKETS_H
#define BENCH_PACKETS_H

#include <stdbool.h>
#include <stddef.h>
#include "srv6_bpf.h"

#define PKT_MAX 512 /* room for the inner packet plus the largest outer header */

struct pkt {
	__u8 data[PKT_MAX];
	__u32 len;
};

/* One TCP segment's addressing. IPv4 addresses sit in the last 4 bytes of saddr/daddr. */
struct pkt_flow {
	bool ipv4;
	__u8 saddr[SRV6_ADDR_LEN];
	__u8 daddr[SRV6_ADDR_LEN];
	__u16 sport, dport;
	__u8 tclass; /* IPv6 traffic class or IPv4 TOS */
};

/*
 * The benchmarks' TCP flow of one family: port 40000 to 5201, traffic class
 * 0x28; IPv4 192.0.2.1 to 198.51.100.<host>, from host 256 on 203.0.113.<host -
 * 256>. IPv6 addresses are left zero for the caller.
 */
void pkt_flow_init(struct pkt_flow *f, bool ipv4, unsigned int host);

/* Path p over the SIDs given as literals, weight 1. */
void pkt_path(struct srv6_path *p, const char *const *segs, unsigned int nsegs);

/* Ethernet + IP + TCP header + payload bytes; 0, or -1 if it would not fit PKT_MAX. */
int pkt_build(const struct pkt_flow *f, size_t payload, struct pkt *out);

/* The peers map key of the flow's destination (IPv4 as ::ffff:a.b.c.d). */
void pkt_peer_key(const struct pkt_flow *f, struct srv6_peer_key *key);

/*
 * What H.Encaps.Red of `in` over path p must produce: the Ethernet header with
 * type IPv6, the outer header (and SRH), then the inner packet unchanged.
 * Computed with include/srv6_flow.h and include/srv6_outer.h from the flow's
 * own fields, the way the program parses them.
 */
void pkt_expect_encap(const struct pkt_flow *f, const struct pkt *in, const struct srv6_path *p,
		      const __u8 src[SRV6_ADDR_LEN], __u8 hop_limit, struct pkt *out);

#endif
