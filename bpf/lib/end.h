/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The End behaviour with the NEXT-C-SID flavour (RFC 9800 4.1), falling back to
 * classic End on the SRH (RFC 8986 4.1), rewriting the packet in place. The
 * kernel then forwards it to the new destination: its forwarding decrements
 * the hop limit (once) and keeps GSO/GRO packets whole.
 */
#ifndef SRV6_BPF_LIB_END_H
#define SRV6_BPF_LIB_END_H

#include "common.h"
#include "reasons.h"
#include "srh_read.h"
#include "srv6_usid.h"

/*
 * RFC 9800: DA.Argument != 0 -> hop limit check, shift. Else RFC 8986 End on
 * the SRH: SL == 0 -> upper layer; hop limit check; validate; SL -= 1,
 * DA = Segment List[SL]. Nothing is written unless the packet is forwarded.
 * SRV6_END_NEXT_CSID or SRV6_END_SRH when it is; else why not (SRV6_PASS_*).
 */
static __always_inline enum srv6_reason end_process(struct srv6_ipv6_hdr *ip6, void *end,
						    const struct srv6_local_sid *sid)
{
	struct srv6_srh *srh = (void *)(ip6 + 1);
	enum srv6_reason r;
	__u8 *seg;
	__u32 len, sl;

	if (srv6_usid_has_arg(ip6->daddr, sid->lblen, sid->nflen)) {
		if (ip6->hop_limit <= 1)
			return SRV6_PASS_HOP_LIMIT;
		srv6_usid_shift(ip6->daddr, sid->lblen, sid->nflen);
		return SRV6_END_NEXT_CSID;
	}
	if (ip6->nexthdr != SRV6_NEXTHDR_ROUTING)
		return SRV6_PASS_LAST_SID;
	if ((void *)(srh + 1) > end)
		return SRV6_PASS_TRUNCATED;
	if (srh->segments_left == 0)
		return SRV6_PASS_LAST_SID;
	if (ip6->hop_limit <= 1)
		return SRV6_PASS_HOP_LIMIT;
	r = srh_check(srh, end, &len);
	if (r != SRV6_OK)
		return r;
	/* srh_check bounds SL by the list, and the list by the packet; the
	 * verifier wants both said again for the variable offset. */
	sl = (__u32)srh->segments_left - 1;
	if (sl >= SRH_LEN_MAX / SRV6_ADDR_LEN)
		return SRV6_PASS_BAD_SRH;
	seg = (__u8 *)(srh + 1) + sl * SRV6_ADDR_LEN;
	if ((void *)(seg + SRV6_ADDR_LEN) > end)
		return SRV6_PASS_TRUNCATED;
	srh->segments_left = (__u8)sl;
	__builtin_memcpy(ip6->daddr, seg, SRV6_ADDR_LEN);
	return SRV6_END_SRH;
}

#endif
