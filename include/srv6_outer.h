/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The H.Encaps.Red outer header (RFC 8986 5.2) as bytes on the wire, built by
 * plain C shared by the TC program and the unit tests.
 */
#ifndef SRV6_OUTER_H
#define SRV6_OUTER_H

#include "srv6_flow.h"

#define SRV6_NEXTHDR_IPIP 4     /* IPv4 inside */
#define SRV6_NEXTHDR_IPV6 41    /* IPv6 inside */
#define SRV6_NEXTHDR_ROUTING 43 /* SRH follows */
#define SRV6_SRH_TYPE 4

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SRV6_BE16(x) ((__u16)__builtin_bswap16((__u16)(x)))
#define SRV6_BE32(x) ((__u32)__builtin_bswap32((__u32)(x)))
#else
#define SRV6_BE16(x) ((__u16)(x))
#define SRV6_BE32(x) ((__u32)(x))
#endif

struct srv6_ipv6_hdr {
	__u32 vtc_flow; /* version 6, traffic class, flow label; network order */
	__u16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[SRV6_ADDR_LEN];
	__u8 daddr[SRV6_ADDR_LEN];
};

struct srv6_srh {
	__u8 nexthdr;
	__u8 hdrlen; /* 8-octet units after the first 8 */
	__u8 type;
	__u8 segments_left;
	__u8 last_entry;
	__u8 flags;
	__u16 tag;
};

/* Outer IPv6 header plus the largest reduced SRH; the first
 * SRV6_ENCAP_LEN(seg_count) bytes go on the wire. */
struct srv6_outer {
	struct srv6_ipv6_hdr ip6;
	struct srv6_srh srh;
	__u8 segs[SRV6_MAX_SEGS - 1][SRV6_ADDR_LEN];
};

_Static_assert(sizeof(struct srv6_outer) == SRV6_ENCAP_LEN_MAX, "outer header layout");

SRV6_INLINE void srv6_addr_copy(__u8 *dst, const __u8 *src)
{
	for (int i = 0; i < SRV6_ADDR_LEN; i++)
		dst[i] = src[i];
}

/*
 * Fill the outer header for path p carrying inner_len bytes of an IPv4
 * (inner_nexthdr 4) or IPv6 (41) packet. The first SID is the destination; an
 * SRH, present only for two or more SIDs, lists the others last-first. As the
 * kernel's encap.red does, Segments Left counts the SID in the destination too
 * (n - 1) while Last Entry indexes the list (n - 2).
 */
SRV6_INLINE void srv6_outer_fill(struct srv6_outer *o, const struct srv6_path *p,
				 const __u8 *src, __u8 hop_limit, __u8 tclass, __u32 flow_label,
				 __u32 inner_len, __u8 inner_nexthdr)
{
	__u32 nsegs = p->seg_count;

	o->ip6.vtc_flow = SRV6_BE32(6u << 28 | (__u32)tclass << 20 | (flow_label & 0xfffff));
	o->ip6.payload_len = SRV6_BE16(inner_len + SRV6_ENCAP_LEN(nsegs) - SRV6_IPV6_HDR_LEN);
	o->ip6.nexthdr = nsegs > 1 ? SRV6_NEXTHDR_ROUTING : inner_nexthdr;
	o->ip6.hop_limit = hop_limit;
	srv6_addr_copy(o->ip6.saddr, src);
	srv6_addr_copy(o->ip6.daddr, p->segs[0]);

	o->srh.nexthdr = inner_nexthdr;
	o->srh.hdrlen = (__u8)((nsegs - 1) * 2);
	o->srh.type = SRV6_SRH_TYPE;
	o->srh.segments_left = (__u8)(nsegs - 1);
	o->srh.last_entry = (__u8)(nsegs - 2);
	o->srh.flags = 0;
	o->srh.tag = 0;
	/* Constant indexes only: the verifier rejects variable stack offsets. */
	switch (nsegs) {
	case 4:
		srv6_addr_copy(o->segs[0], p->segs[3]);
		srv6_addr_copy(o->segs[1], p->segs[2]);
		srv6_addr_copy(o->segs[2], p->segs[1]);
		break;
	case 3:
		srv6_addr_copy(o->segs[0], p->segs[2]);
		srv6_addr_copy(o->segs[1], p->segs[1]);
		break;
	case 2:
		srv6_addr_copy(o->segs[0], p->segs[1]);
		break;
	}
}

#endif /* SRV6_OUTER_H */
