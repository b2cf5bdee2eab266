// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench/insitu's headroom experiment: in front of srv6_encap on the same hook,
 * give the skb room for the outer headers and let it go on. Growing the room
 * after the MAC header by ROOM bytes and shrinking it again leaves the packet
 * as it was, with at least ROOM more bytes of headroom when it had too few
 * (the kernel reallocates the head, pskb_expand_head, here instead of in
 * srv6_encap's bpf_skb_adjust_room). srv6_encap timed behind it is then
 * srv6_encap without that reallocation; this program's own time is its cost.
 */
#include "lib/common.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define ROOM 64 /* the outer IPv6 header and an SRH of up to 3 SIDs */
#define TC_ACT_UNSPEC (-1) /* cls_bpf direct action: the next filter decides */

SEC("tc")
int insitu_room(struct __sk_buff *skb)
{
	if (skb->gso_size) /* not for GSO skbs: TCP's have room already */
		return TC_ACT_UNSPEC;
	if (bpf_skb_adjust_room(skb, ROOM, BPF_ADJ_ROOM_MAC, 0) == 0)
		bpf_skb_adjust_room(skb, -ROOM, BPF_ADJ_ROOM_MAC, 0);
	return TC_ACT_UNSPEC; /* on to the next filter: srv6_encap */
}
