/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Writing the whole outer header (include/srv6_outer.h: IPv6, and the SRH when
 * there is one) into the packet. */
#ifndef SRV6_BPF_LIB_OUTER_H
#define SRV6_BPF_LIB_OUTER_H

#include "common.h"
#include "srv6_outer.h"

/* Every outer header length is a multiple of 8: copied in 8-byte words. */
_Static_assert(SRV6_ENCAP_LEN(1) % 8 == 0 && SRV6_ENCAP_LEN(2) % 8 == 0, "outer words");

/* Copy len (a constant) bytes from o, 8-byte aligned on the stack, to p. The
 * verifier takes the packet as 2 bytes off 4-byte alignment (NET_IP_ALIGN), so
 * p = data + ETH_HLEN passes even a strict alignment check. */
static __always_inline void outer_copy(void *p, const struct srv6_outer *o, __u32 len)
{
	const __u64 *src = (const __u64 *)o;
	__u64 *dst = p;

#pragma unroll
	for (__u32 i = 0; i < len / 8; i++)
		dst[i] = src[i];
}

/*
 * Write the first SRV6_ENCAP_LEN(nsegs) bytes of o after the Ethernet header,
 * and, for an IPv4 inner packet, the Ethernet type 0x86DD: direct packet writes,
 * cheaper than bpf_skb_store_bytes. Each SID count is its own constant length
 * and bounds check for the verifier. Call after bpf_skb_adjust_room, which
 * leaves the new room in the linear area; -1 if it did not.
 */
static __always_inline int srv6_outer_write(struct __sk_buff *skb, const struct srv6_outer *o,
					    __u32 nsegs, bool inner_ipv4)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

#define OUTER_CASE(n)                                                              \
	case n:                                                                    \
		if (data + ETH_HLEN + SRV6_ENCAP_LEN(n) > end)                     \
			return -1;                                                 \
		outer_copy(data + ETH_HLEN, o, SRV6_ENCAP_LEN(n));                 \
		break
	switch (nsegs) {
		OUTER_CASE(1);
		OUTER_CASE(2);
		OUTER_CASE(3);
		OUTER_CASE(4);
	default:
		return -1;
	}
#undef OUTER_CASE
	if (inner_ipv4)
		eth->h_proto = bpf_htons(ETH_P_IPV6);
	return 0;
}

#endif
