// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TC egress: SRv6 H.Encaps.Red for packets to a known peer.
 *
 * peer = srv6_peers[inner destination]; miss -> the packet passes untouched.
 * path = peer's path chosen by a hash of the inner 5-tuple, in proportion to weights.
 * The packet gets an outer IPv6 header (destination = the path's first SID) and, for
 * paths of two or more SIDs, an SRH with the rest.
 */
#include "lib/common.h"
#include "encap_maps.h"
#include "lib/counters.h"
#include "lib/fib.h"
#include "lib/inner.h"
#include "lib/outer.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Our own output comes back through this hook after bpf_redirect_neigh; it is
 * IPv6 carrying an SRH or a tunnelled packet ... */
static __always_inline int maybe_ours(const struct inner_flow *f)
{
	return !f->is_ipv4 && (f->nexthdr == SRV6_NEXTHDR_ROUTING ||
			       f->nexthdr == SRV6_NEXTHDR_IPV6 || f->nexthdr == SRV6_NEXTHDR_IPIP);
}

/* ... from the outer source. */
static __always_inline int already_encapsulated(const struct inner_flow *f,
						const struct srv6_config *cfg)
{
	const __u32 *src = (const __u32 *)cfg->src;

	return f->saddr[0] == src[0] && f->saddr[1] == src[1] && f->saddr[2] == src[2] &&
	       f->saddr[3] == src[3];
}

static __always_inline int parse_inner(struct __sk_buff *skb, struct inner_flow *f, __u16 *proto)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	/* Headers of locally built packets sit in the linear area; pull them
	 * there when a driver or GRO left them in fragments. */
	if (data + INNER_PARSE_LEN > end && skb->len > (__u32)(end - data)) {
		bpf_skb_pull_data(skb, skb->len < INNER_PARSE_LEN ? skb->len : INNER_PARSE_LEN);
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
		eth = data;
	}
	if ((void *)(eth + 1) > end)
		return -1;
	*proto = bpf_ntohs(eth->h_proto);
	if (*proto == ETH_P_IPV6)
		return inner_parse_ipv6(data, end, f);
	if (*proto == ETH_P_IP)
		return inner_parse_ipv4(data, end, f);
	return -1;
}

/* Bit i set: the peer's path i is down (one lookup, whatever the path count). */
static __always_inline __u32 down_mask(const struct srv6_peer *peer)
{
	__u32 slot = peer->counters_base / SRV6_MAX_PATHS;
	const struct srv6_path_state *st = bpf_map_lookup_elem(&srv6_path_state, &slot);

	return st ? st->down_mask : 0;
}

/* Packets of a down path's flows that left on another path, counted on the down one. */
static __always_inline void count_failover(__u32 slot, __u32 segs)
{
	struct srv6_path_counters *c = bpf_map_lookup_elem(&srv6_path_ctrs, &slot);

	if (c)
		c->failover_packets += segs;
}

enum choice {
	CHOICE_OWN,      /* the flow's own path */
	CHOICE_FAILOVER, /* its own path is down: another live one */
	CHOICE_NONE,     /* every path is down */
	CHOICE_BAD,      /* a corrupt entry */
};

/* The path of this flow among the peer's (*index), or where its flows go
 * while it is down; *own is the flow's own path either way. */
static __always_inline enum choice choose_path(const struct srv6_peer *peer, __u32 hash,
					       int *index, int *own)
{
	__u32 down;

	*own = *index = srv6_select_path(peer, hash);
	if (*index < 0 || *index >= SRV6_MAX_PATHS)
		return CHOICE_BAD;
	down = down_mask(peer);
	if (down & (1u << *index)) {
		*index = srv6_select_live_path(peer, hash, down);
		if (*index < 0)
			return CHOICE_NONE;
		if (*index >= SRV6_MAX_PATHS)
			return CHOICE_BAD;
	}
	if (peer->paths[*index].seg_count < 1 || peer->paths[*index].seg_count > SRV6_MAX_SEGS)
		return CHOICE_BAD;
	return *index == *own ? CHOICE_OWN : CHOICE_FAILOVER;
}

/*
 * Make room for the outer headers. ENCAP_L3_IPV6 marks the skb as tunnelled
 * so GSO segments the inner packet; it also turns skb->protocol of an IPv4
 * packet into IPv6. The peer route's MTU already left room for the outer
 * headers, so segments keep their size (FIXED_GSO); a GSO packet sized without
 * that room (a stale PMTU, a forwarded GRO packet) has gso_size shrunk
 * instead. Returns 0, or -1 when the packet could not take them.
 */
static __always_inline int make_room(struct __sk_buff *skb, __u32 nsegs, __u32 segs,
				     __u32 hdr_len, __u32 mtu_len)
{
	__u32 encap_len = SRV6_ENCAP_LEN(nsegs);
	__u64 flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV6;

	if (segs > 1 && skb->gso_size + hdr_len + encap_len <= mtu_len)
		flags |= BPF_F_ADJ_ROOM_FIXED_GSO;
	return bpf_skb_adjust_room(skb, encap_len, BPF_ADJ_ROOM_MAC, flags) ? -1 : 0;
}

SEC("tc")
int srv6_encap(struct __sk_buff *skb)
{
	struct srv6_encap_counters *ctrs = counters_of(&srv6_encap_ctrs);
	struct inner_flow flow = {};
	struct srv6_encap_work *w;
	const struct srv6_config *cfg;
	const struct srv6_peer *peer;
	const struct srv6_path *path;
	__u32 zero = 0, hash, nsegs, inner_len, mtu_len = 0, segs;
	__u16 eth_proto = 0;
	enum choice choice;
	int index, own;

	if (parse_inner(skb, &flow, &eth_proto) < 0) {
		if (eth_proto == ETH_P_IP || eth_proto == ETH_P_IPV6)
			COUNT(ctrs, pass_truncated);
		else
			COUNT(ctrs, pass_not_ip);
		return TC_ACT_OK;
	}
	/* The configuration only for packets that may be ours, and for a peer's:
	 * a plain packet to no peer passes with one lookup. */
	cfg = NULL;
	if (maybe_ours(&flow)) {
		cfg = bpf_map_lookup_elem(&srv6_config, &zero);
		if (!cfg)
			return TC_ACT_OK;
		if (already_encapsulated(&flow, cfg)) {
			COUNT(ctrs, pass_already_encapsulated);
			return TC_ACT_OK;
		}
	}
	peer = bpf_map_lookup_elem(&srv6_peers, &flow.key);
	if (!peer) {
		COUNT(ctrs, pass_no_peer);
		return TC_ACT_OK;
	}
	if (!cfg) {
		cfg = bpf_map_lookup_elem(&srv6_config, &zero);
		if (!cfg)
			return TC_ACT_OK;
	}
	hash = srv6_flow_hash(flow.saddr, flow.daddr, flow.ports, flow.proto);
	choice = choose_path(peer, hash, &index, &own);
	if (choice == CHOICE_NONE) { /* plain routing rather than a black hole */
		COUNT(ctrs, pass_all_paths_down);
		return TC_ACT_OK;
	}
	if (choice == CHOICE_BAD || index < 0 || index >= SRV6_MAX_PATHS) {
		COUNT(ctrs, drop_bad_path);
		return TC_ACT_SHOT;
	}
	path = &peer->paths[index];
	nsegs = path->seg_count; /* 1..SRV6_MAX_SEGS: choose_path checked it */
	/* A GSO packet leaves as gso_segs packets, each with its own headers.
	 * Read before adjust_room, which zeroes gso_segs for GSO to recount. */
	segs = skb->gso_segs ? skb->gso_segs : 1;
	inner_len = skb->len - ETH_HLEN + (segs - 1) * flow.hdr_len;
	/* adjust_room checks no MTU: refuse what the device would drop anyway.
	 * On success mtu_len holds the device MTU (make_room needs it for GSO
	 * packets only). A single packet that fits the IPv6 minimum MTU fits
	 * every device that carries IPv6: no helper call for it. */
	if ((skb->gso_size || skb->len - ETH_HLEN + SRV6_ENCAP_LEN(nsegs) > IPV6_MIN_MTU) &&
	    bpf_check_mtu(skb, 0, &mtu_len, SRV6_ENCAP_LEN(nsegs), 0) !=
		    BPF_MTU_CHK_RET_SUCCESS) {
		COUNT(ctrs, drop_too_big);
		return TC_ACT_SHOT;
	}
	w = bpf_map_lookup_elem(&srv6_encap_work, &zero);
	if (!w)
		return TC_ACT_OK;
	srv6_outer_fill(&w->outer, path, cfg->src, cfg->hop_limit, flow.tclass,
			srv6_flow_label(hash), skb->len - ETH_HLEN,
			flow.is_ipv4 ? SRV6_NEXTHDR_IPIP : SRV6_NEXTHDR_IPV6);
	w->nsegs = nsegs;
	w->inner_ipv4 = flow.is_ipv4;
	w->reroute = path->flags & SRV6_PATH_F_REROUTE;
	if (make_room(skb, nsegs, segs, flow.hdr_len, mtu_len)) {
		COUNT(ctrs, drop_no_room);
		return TC_ACT_SHOT;
	}
	COUNT_OBJECT(&srv6_path_ctrs, struct srv6_path_counters, peer->counters_base + index,
		     segs, inner_len);
	if (choice == CHOICE_FAILOVER)
		count_failover(peer->counters_base + own, segs);
	if (ctrs) {
		ctrs->encap_packets += segs;
		ctrs->encap_bytes += inner_len;
	}
	bpf_tail_call(skb, &srv6_encap_tail, 0);
	/* Only without srv6_encap_write in srv6_encap_tail (libbpf puts it there):
	 * the room is there, the header is not. */
	COUNT(ctrs, drop_no_room);
	return TC_ACT_SHOT;
}

/* Tail of srv6_encap: write the outer header it built in srv6_encap_work into
 * the room it made, and send the packet on. */
SEC("tc")
int srv6_encap_write(struct __sk_buff *skb)
{
	const struct srv6_encap_work *w;
	__u32 zero = 0;

	w = bpf_map_lookup_elem(&srv6_encap_work, &zero);
	if (!w || srv6_outer_write(skb, &w->outer, w->nsegs, w->inner_ipv4)) {
		/* Never expected: adjust_room leaves the room in the linear area. */
		struct srv6_encap_counters *ctrs = counters_of(&srv6_encap_ctrs);

		COUNT(ctrs, drop_no_room);
		return TC_ACT_SHOT;
	}
	/* The Ethernet header still addresses the inner destination's next hop.
	 * When the first SID is reached through another one, let the FIB pick it. */
	if (w->reroute)
		return fib_send(skb, &w->outer);
	return TC_ACT_OK;
}
