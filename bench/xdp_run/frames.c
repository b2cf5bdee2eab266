// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "frames.h"

#include <stddef.h>
#include <string.h>
#include <linux/if_ether.h>
#include "srv6_outer.h"

/* The sender h0 (2001:db8:1::1), one router (hop limit 64 - 1) before us (End
 * leaves the hop limit to the kernel's forwarding, so End's frames keep it too). */
static const __u8 frame_src[SRV6_ADDR_LEN] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x01 };
#define FRAME_HOP_LIMIT 63

__u32 frame_outer_len(const struct srv6_path *p)
{
	return SRV6_ENCAP_LEN(p->seg_count);
}

void frame_sent(const struct pkt_flow *f, const struct pkt *inner, const struct srv6_path *p,
		struct pkt *out)
{
	pkt_expect_encap(f, inner, p, frame_src, FRAME_HOP_LIMIT, out);
}

void frame_arrived(const struct pkt_flow *f, const struct pkt *inner, const struct srv6_path *p,
		   struct pkt *out)
{
	__u8 *ip6 = out->data + ETH_HLEN;

	frame_sent(f, inner, p, out);
	memcpy(ip6 + offsetof(struct srv6_ipv6_hdr, daddr), p->segs[p->seg_count - 1],
	       SRV6_ADDR_LEN);
	if (p->seg_count > 1)
		ip6[SRV6_IPV6_HDR_LEN + offsetof(struct srv6_srh, segments_left)] = 0;
}
