// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * XDP ingress: SRv6 decapsulation for the host's own SIDs (End.DX4/End.DX6/End.DT46
 * semantics for local delivery).
 *
 * sid = srv6_local_sids[outer destination] (longest prefix); miss -> pass untouched.
 * With no SRH, or an SRH whose Segments Left is 0, the outer IPv6 header and the SRH
 * are stripped and the inner IPv4/IPv6 packet goes to the stack on this interface.
 * Anything else addressed to a local SID passes unchanged and is counted by reason.
 *
 * "xdp.frags": headers are read from the first buffer only, so multi-buffer
 * frames (jumbo frames, generic XDP on GSO packets) are fine. (On veth, native
 * XDP still makes the peer give up TSO: the kernel's veth XDP setup does that.)
 */
#include "lib/common.h"
#include "decap_maps.bpf.h"
#include "lib/counters.h"
#include "srv6_outer.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define XDP_PASS_UNCHANGED(ctrs, reason)                                           \
	do {                                                                       \
		COUNT(ctrs, reason);                                               \
		return XDP_PASS;                                                   \
	} while (0)

/* Bytes of SRH to strip; 0 with *reason set when the packet is not ours to end. */
static __always_inline __u32 srh_len(const struct srv6_srh *srh, void *end, int *reason)
{
	__u32 len;

	if ((void *)(srh + 1) > end) {
		*reason = 1;
		return 0;
	}
	len = ((__u32)srh->hdrlen + 1) * 8;
	/* The segment list must fit the header, and the header the packet. */
	if (srh->type != SRV6_SRH_TYPE ||
	    ((__u32)srh->last_entry + 1) * SRV6_ADDR_LEN > len - SRV6_SRH_FIXED_LEN ||
	    (void *)srh + len > end) {
		*reason = 2;
		return 0;
	}
	if (srh->segments_left != 0) {
		*reason = 3;
		return 0;
	}
	return len;
}

static __always_inline bool action_takes(__u32 action, __u8 inner_nexthdr)
{
	if (action == SRV6_SID_DECAP4)
		return inner_nexthdr == SRV6_NEXTHDR_IPIP;
	if (action == SRV6_SID_DECAP6)
		return inner_nexthdr == SRV6_NEXTHDR_IPV6;
	return action == SRV6_SID_DECAP;
}

SEC("xdp.frags")
int srv6_decap(struct xdp_md *ctx)
{
	struct srv6_decap_counters *ctrs = counters_of(&srv6_decap_ctrs);
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, *inner_eth;
	const struct srv6_local_sid *sid;
	struct srv6_sid_key key = { .prefixlen = 128 };
	struct srv6_ipv6_hdr *ip6;
	__u32 strip = SRV6_IPV6_HDR_LEN, inner_min, inner_len;
	__u8 nexthdr;
	__u16 inner_proto;

	if ((void *)(eth + 1) > end)
		XDP_PASS_UNCHANGED(ctrs, pass_truncated);
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		XDP_PASS_UNCHANGED(ctrs, pass_not_ipv6);
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		XDP_PASS_UNCHANGED(ctrs, pass_truncated);

	__builtin_memcpy(key.addr, ip6->daddr, SRV6_ADDR_LEN);
	sid = bpf_map_lookup_elem(&srv6_local_sids, &key);
	if (!sid)
		XDP_PASS_UNCHANGED(ctrs, pass_no_sid);

	nexthdr = ip6->nexthdr;
	if (nexthdr == SRV6_NEXTHDR_ROUTING) {
		struct srv6_srh *srh = (void *)(ip6 + 1);
		int reason = 0;
		__u32 len = srh_len(srh, end, &reason);

		if (reason == 1)
			XDP_PASS_UNCHANGED(ctrs, pass_truncated);
		if (reason == 2)
			XDP_PASS_UNCHANGED(ctrs, pass_bad_srh);
		if (reason == 3)
			XDP_PASS_UNCHANGED(ctrs, pass_segments_left);
		nexthdr = srh->nexthdr;
		strip += len;
	}
	if (nexthdr == SRV6_NEXTHDR_IPV6) {
		inner_proto = ETH_P_IPV6;
		inner_min = SRV6_IPV6_HDR_LEN;
	} else if (nexthdr == SRV6_NEXTHDR_IPIP) {
		inner_proto = ETH_P_IP;
		inner_min = 20;
	} else {
		XDP_PASS_UNCHANGED(ctrs, pass_unknown_nexthdr);
	}
	if (!action_takes(sid->action, nexthdr))
		XDP_PASS_UNCHANGED(ctrs, pass_wrong_family);
	/* strip <= 40 + 2048: bounded, so the verifier can follow the pointer. */
	if (strip > SRV6_IPV6_HDR_LEN + 2048)
		XDP_PASS_UNCHANGED(ctrs, pass_bad_srh);
	inner_eth = data + strip;
	if ((void *)(inner_eth + 1) + inner_min > end)
		XDP_PASS_UNCHANGED(ctrs, pass_truncated);

	/* Move the MAC addresses forward over the outer headers, then drop those. */
	__builtin_memcpy(inner_eth->h_dest, eth->h_dest, sizeof(eth->h_dest));
	__builtin_memcpy(inner_eth->h_source, eth->h_source, sizeof(eth->h_source));
	inner_eth->h_proto = bpf_htons(inner_proto);
	inner_len = (__u32)(bpf_xdp_get_buff_len(ctx) - ETH_HLEN - strip);
	if (bpf_xdp_adjust_head(ctx, (int)strip)) {
		/* Cannot happen after the checks above; the packet is half rewritten. */
		COUNT(ctrs, drop_adjust_failed);
		return XDP_DROP;
	}
	COUNT_OBJECT(&srv6_sid_ctrs, struct srv6_sid_counters, sid->counters_index, 1, inner_len);
	if (ctrs) {
		ctrs->decap_packets++;
		ctrs->decap_bytes += inner_len;
	}
	return XDP_PASS;
}
