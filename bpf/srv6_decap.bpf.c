// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * XDP ingress: the host's own SIDs. Decapsulation (End.DX4/End.DX6/End.DT46
 * semantics for local delivery) and End with the NEXT-C-SID flavour (uN), so
 * any Linux box can be a micro-SID midpoint without the kernel's seg6local.
 * (srv6_end_tc below runs the same End at clsact ingress instead, where XDP is
 * the expensive choice.)
 *
 * sid = srv6_local_sids[outer destination] (longest prefix); miss -> pass untouched.
 * decap: with no SRH, or an SRH whose Segments Left is 0, the outer IPv6 header
 *   and the SRH are stripped and the inner IPv4/IPv6 packet goes to the stack on
 *   this interface.
 * end: the destination's argument is shifted in (or the SRH advanced) in place and
 *   the packet goes to the kernel's forwarding; when the new destination is a
 *   local SID again, it is processed again here (at most END_PASSES_MAX times).
 * Anything else addressed to a local SID passes unchanged and is counted by reason.
 *
 * "xdp.frags": headers are read from the first buffer only, so multi-buffer
 * frames (jumbo frames, generic XDP on GSO packets) are fine. (On veth, native
 * XDP still makes the peer give up TSO: the kernel's veth XDP setup does that.)
 */
#include "lib/common.h"
#include "decap_maps.h"
#include "lib/counters.h"
#include "lib/end.h"
#include "lib/reasons.h"
#include "lib/srh_read.h"
#include "srv6_outer.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Local SIDs one packet may visit on this node (a carrier naming two of its
 * micro-SIDs, an End then a decap SID). */
#define END_PASSES_MAX 4

static __always_inline bool action_takes(__u32 action, __u8 inner_nexthdr)
{
	if (action == SRV6_SID_DECAP4)
		return inner_nexthdr == SRV6_NEXTHDR_IPIP;
	if (action == SRV6_SID_DECAP6)
		return inner_nexthdr == SRV6_NEXTHDR_IPV6;
	return action == SRV6_SID_DECAP;
}

/* Where the inner packet starts and what it is, for SRV6_OK. */
struct decap_inner {
	__u32 strip; /* outer IPv6 header and SRH bytes */
	__u16 proto; /* ETH_P_IP or ETH_P_IPV6 */
};

/* Count a packet passed on unchanged, by its reason: one counter each. */
static __always_inline void count_pass(struct srv6_decap_counters *ctrs, enum srv6_reason r)
{
	switch (r) {
	case SRV6_OK:
	case SRV6_END_NEXT_CSID:
	case SRV6_END_SRH:
		break; /* not passed: counted with their bytes where they are done */
	case SRV6_PASS_NOT_IPV6:
		COUNT(ctrs, pass_not_ipv6);
		break;
	case SRV6_PASS_NO_SID:
		COUNT(ctrs, pass_no_sid);
		break;
	case SRV6_PASS_SEGMENTS_LEFT:
		COUNT(ctrs, pass_segments_left);
		break;
	case SRV6_PASS_BAD_SRH:
		COUNT(ctrs, pass_bad_srh);
		break;
	case SRV6_PASS_UNKNOWN_NEXTHDR:
		COUNT(ctrs, pass_unknown_nexthdr);
		break;
	case SRV6_PASS_WRONG_FAMILY:
		COUNT(ctrs, pass_wrong_family);
		break;
	case SRV6_PASS_TRUNCATED:
		COUNT(ctrs, pass_truncated);
		break;
	case SRV6_PASS_HOP_LIMIT:
		COUNT(ctrs, pass_hop_limit);
		break;
	case SRV6_PASS_LAST_SID:
		COUNT(ctrs, pass_last_sid);
		break;
	}
}

/* The SRH, when there is one: its Segments Left must be 0; *nexthdr and
 * inner->strip step over it. */
static __always_inline enum srv6_reason decap_srh(struct srv6_srh *srh, void *end,
						   __u8 *nexthdr, struct decap_inner *inner)
{
	enum srv6_reason r;
	__u32 len;

	r = srh_check(srh, end, &len);
	if (r != SRV6_OK)
		return r;
	if (srh->segments_left != 0)
		return SRV6_PASS_SEGMENTS_LEFT;
	*nexthdr = srh->nexthdr;
	inner->strip += len;
	return SRV6_OK;
}

/* Whether a packet for a decap SID can be decapsulated, and where its inner
 * packet starts. Nothing is written. */
static __always_inline enum srv6_reason decap_check(void *data, void *end,
						     const struct srv6_local_sid *sid,
						     struct decap_inner *inner)
{
	struct srv6_ipv6_hdr *ip6 = data + ETH_HLEN;
	enum srv6_reason v;
	__u32 inner_min;
	__u8 nexthdr;

	if ((void *)(ip6 + 1) > end)
		return SRV6_PASS_TRUNCATED;
	inner->strip = SRV6_IPV6_HDR_LEN;
	nexthdr = ip6->nexthdr;
	if (nexthdr == SRV6_NEXTHDR_ROUTING) {
		v = decap_srh((void *)(ip6 + 1), end, &nexthdr, inner);
		if (v != SRV6_OK)
			return v;
	}
	if (nexthdr == SRV6_NEXTHDR_IPV6) {
		inner->proto = ETH_P_IPV6;
		inner_min = SRV6_IPV6_HDR_LEN;
	} else if (nexthdr == SRV6_NEXTHDR_IPIP) {
		inner->proto = ETH_P_IP;
		inner_min = IPV4_HDR_LEN_MIN;
	} else {
		return SRV6_PASS_UNKNOWN_NEXTHDR;
	}
	if (!action_takes(sid->action, nexthdr))
		return SRV6_PASS_WRONG_FAMILY;
	/* strip <= 40 + 2048: bounded, so the verifier can follow the pointer. */
	if (inner->strip > SRV6_IPV6_HDR_LEN + SRH_LEN_MAX)
		return SRV6_PASS_BAD_SRH;
	if (data + inner->strip + ETH_HLEN + inner_min > end)
		return SRV6_PASS_TRUNCATED;
	return SRV6_OK;
}

/* Strip the outer header (and SRH) of a packet for a decap SID, or pass it
 * unchanged and count why. */
static __always_inline int decap(struct xdp_md *ctx, struct srv6_decap_counters *ctrs,
				 const struct srv6_local_sid *sid)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, *inner_eth;
	struct decap_inner inner = {};
	enum srv6_reason v;
	__u32 inner_len;

	v = decap_check(data, end, sid, &inner);
	/* decap_check has bounded strip and found the room; said again here,
	 * where the verifier follows the pointer (never true after SRV6_OK). */
	if (v == SRV6_OK && inner.strip > SRV6_IPV6_HDR_LEN + SRH_LEN_MAX)
		v = SRV6_PASS_BAD_SRH;
	inner_eth = data + inner.strip;
	if (v == SRV6_OK && (void *)(inner_eth + 1) > end)
		v = SRV6_PASS_TRUNCATED;
	if (v != SRV6_OK) {
		count_pass(ctrs, v);
		return XDP_PASS;
	}

	/* Move the MAC addresses forward over the outer headers, then drop those. */
	__builtin_memcpy(inner_eth->h_dest, eth->h_dest, sizeof(eth->h_dest));
	__builtin_memcpy(inner_eth->h_source, eth->h_source, sizeof(eth->h_source));
	inner_eth->h_proto = bpf_htons(inner.proto);
	inner_len = (__u32)(bpf_xdp_get_buff_len(ctx) - ETH_HLEN - inner.strip);
	if (bpf_xdp_adjust_head(ctx, (int)inner.strip)) {
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

/*
 * Run the End SIDs the destination names, in place, at most END_PASSES_MAX of
 * them. Returns the local SID that ends the walk when it is a decap SID; NULL
 * when the packet goes on as it now is (to the kernel's forwarding after an
 * End, or unchanged to the stack: counted by reason). ip_len: the IPv6 bytes.
 */
static __always_inline const struct srv6_local_sid *
end_walk(struct srv6_ipv6_hdr *ip6, void *end, __u32 ip_len, struct srv6_decap_counters *ctrs)
{
	struct srv6_sid_key key = { .prefixlen = 128 };
	const struct srv6_local_sid *sid;
	enum srv6_reason verdict;

	for (int pass = 0; pass < END_PASSES_MAX; pass++) {
		__builtin_memcpy(key.addr, ip6->daddr, SRV6_ADDR_LEN);
		sid = bpf_map_lookup_elem(&srv6_local_sids, &key);
		if (!sid) {
			/* After an End: the kernel forwards to the new destination. */
			if (pass == 0)
				count_pass(ctrs, SRV6_PASS_NO_SID);
			return NULL;
		}
		if (sid->action != SRV6_SID_END)
			return sid;

		verdict = end_process(ip6, end, sid);
		if (verdict != SRV6_END_NEXT_CSID && verdict != SRV6_END_SRH) {
			count_pass(ctrs, verdict);
			return NULL;
		}
		COUNT_OBJECT(&srv6_sid_ctrs, struct srv6_sid_counters, sid->counters_index, 1, ip_len);
		if (ctrs) {
			if (verdict == SRV6_END_NEXT_CSID)
				ctrs->end_next_csid++;
			else
				ctrs->end_srh++;
			ctrs->end_bytes += ip_len;
		}
	}
	return NULL;
}

/* IPv6 bytes of the packet as its header says (a GSO packet's whole
 * payload), or frame_len for a jumbogram (payload length 0: BIG TCP). */
static __always_inline __u32 ipv6_len(const struct srv6_ipv6_hdr *ip6, __u32 frame_len)
{
	return ip6->payload_len ? (__u32)bpf_ntohs(ip6->payload_len) + SRV6_IPV6_HDR_LEN : frame_len;
}

SEC("xdp.frags")
int srv6_decap(struct xdp_md *ctx)
{
	struct srv6_decap_counters *ctrs = counters_of(&srv6_decap_ctrs);
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	const struct srv6_local_sid *sid;
	struct srv6_ipv6_hdr *ip6;

	if ((void *)(eth + 1) > end) {
		count_pass(ctrs, SRV6_PASS_TRUNCATED);
		return XDP_PASS;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IPV6)) {
		count_pass(ctrs, SRV6_PASS_NOT_IPV6);
		return XDP_PASS;
	}
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end) {
		count_pass(ctrs, SRV6_PASS_TRUNCATED);
		return XDP_PASS;
	}
	sid = end_walk(ip6, end,
		       ipv6_len(ip6, ip6->payload_len ? 0 : bpf_xdp_get_buff_len(ctx) - ETH_HLEN),
		       ctrs);
	return sid ? decap(ctx, ctrs, sid) : XDP_PASS;
}

/* Ethernet, IPv6 and the SRH's fixed part: enough to know how much to pull. */
#define TC_HDR_LEN (ETH_HLEN + SRV6_IPV6_HDR_LEN + SRV6_SRH_FIXED_LEN)

/* What End may rewrite, before and after, for the checksum fix-up. */
struct tc_words {
	__u32 da[4];
	__u32 srh; /* the SRH's first word: Segments Left is in it */
};

/*
 * clsact ingress (load ... xdp tc): End SIDs only, for devices where XDP costs
 * more than End itself: on veth and macvlan, generic XDP copies every
 * multi-page (GSO) packet and native XDP on a veth turns off its peer's TSO.
 * The packet is an skb by now: GSO packets are rewritten once, whole.
 */
SEC("tc")
int srv6_end_tc(struct __sk_buff *skb)
{
	struct srv6_decap_counters *ctrs = counters_of(&srv6_decap_ctrs);
	struct tc_words before = {}, after = {};
	struct srv6_ipv6_hdr *ip6;
	struct srv6_srh *srh;
	void *data, *end;
	bool has_srh;
	__s64 diff;

	if (skb->protocol != bpf_htons(ETH_P_IPV6)) {
		count_pass(ctrs, SRV6_PASS_NOT_IPV6);
		return TC_ACT_OK;
	}
	/* The headers, and then a whole SRH, where direct access reads them. */
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	if (data + TC_HDR_LEN > end && skb->len > (__u32)(end - data)) {
		bpf_skb_pull_data(skb, skb->len < TC_HDR_LEN ? skb->len : TC_HDR_LEN);
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
	}
	ip6 = data + ETH_HLEN;
	srh = (void *)(ip6 + 1);
	if ((void *)(srh + 1) <= end && ip6->nexthdr == SRV6_NEXTHDR_ROUTING) {
		__u32 want = TC_HDR_LEN - SRV6_SRH_FIXED_LEN + ((__u32)srh->hdrlen + 1) * 8;

		if (data + want > end && skb->len > (__u32)(end - data)) {
			bpf_skb_pull_data(skb, skb->len < want ? skb->len : want);
			data = (void *)(long)skb->data;
			end = (void *)(long)skb->data_end;
			ip6 = data + ETH_HLEN;
			srh = (void *)(ip6 + 1);
		}
	}
	if ((void *)(ip6 + 1) > end) {
		count_pass(ctrs, SRV6_PASS_TRUNCATED);
		return TC_ACT_OK;
	}
	has_srh = (void *)(srh + 1) <= end && ip6->nexthdr == SRV6_NEXTHDR_ROUTING;
	__builtin_memcpy(before.da, ip6->daddr, SRV6_ADDR_LEN);
	if (has_srh)
		__builtin_memcpy(&before.srh, srh, sizeof(before.srh));
	/* The loader allows only End SIDs on a device loaded with xdp tc, so the
	 * walk never ends at a decap SID here. */
	end_walk(ip6, end, ipv6_len(ip6, skb->len - ETH_HLEN), ctrs);

	/* A CHECKSUM_COMPLETE skb's sum covers what End rewrote (the destination,
	 * Segments Left); bpf_csum_update does nothing for any other kind. */
	__builtin_memcpy(after.da, ip6->daddr, SRV6_ADDR_LEN);
	after.srh = before.srh;
	if (has_srh)
		__builtin_memcpy(&after.srh, srh, sizeof(after.srh));
	if (before.da[0] != after.da[0] || before.da[1] != after.da[1] ||
	    before.da[2] != after.da[2] || before.da[3] != after.da[3] || before.srh != after.srh) {
		diff = bpf_csum_diff((__be32 *)&before, sizeof(before), (__be32 *)&after,
				     sizeof(after), 0);
		if (diff >= 0)
			bpf_csum_update(skb, (__wsum)diff);
	}
	return TC_ACT_OK;
}
