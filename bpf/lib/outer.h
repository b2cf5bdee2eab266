/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Writing the whole outer header (include/srv6_outer.h: IPv6, and the SRH when
 * there is one) into the packet. */
#ifndef SRV6_BPF_LIB_OUTER_H
#define SRV6_BPF_LIB_OUTER_H

#include "common.h"
#include "srv6_outer.h"

/* Copy the first SRV6_ENCAP_LEN(nsegs) bytes of o after the Ethernet header.
 * The length must be a constant for the verifier: one call per SID count. */
static __always_inline int srv6_outer_store(struct __sk_buff *skb, const struct srv6_outer *o,
					    __u32 nsegs)
{
	switch (nsegs) {
	case 1:
		return bpf_skb_store_bytes(skb, ETH_HLEN, o, SRV6_ENCAP_LEN(1), 0);
	case 2:
		return bpf_skb_store_bytes(skb, ETH_HLEN, o, SRV6_ENCAP_LEN(2), 0);
	case 3:
		return bpf_skb_store_bytes(skb, ETH_HLEN, o, SRV6_ENCAP_LEN(3), 0);
	case 4:
		return bpf_skb_store_bytes(skb, ETH_HLEN, o, SRV6_ENCAP_LEN(4), 0);
	}
	return -1;
}

#endif
