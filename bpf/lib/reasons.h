/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the local-SID programs (bpf/srv6_decap.bpf.c) make of a packet, one name
 * per outcome: the checks (srh_check, decap_check, end_process) return one of
 * these, and the pass reasons map one to one onto the srv6_decap_counters
 * fields counted by srv6_decap's count_pass.
 */
#ifndef SRV6_BPF_LIB_REASONS_H
#define SRV6_BPF_LIB_REASONS_H

enum srv6_reason {
	SRV6_OK,                   /* a check found nothing wrong: go on */
	/* Done, counted with their bytes where they are done. */
	SRV6_END_NEXT_CSID,        /* End: the argument was shifted into the destination */
	SRV6_END_SRH,              /* End: Segments Left decremented, destination from the SRH */
	/* Passed on unchanged, counted by count_pass. */
	SRV6_PASS_NOT_IPV6,        /* pass_not_ipv6 */
	SRV6_PASS_NO_SID,          /* pass_no_sid */
	SRV6_PASS_SEGMENTS_LEFT,   /* pass_segments_left: a decap SID, Segments Left > 0 */
	SRV6_PASS_BAD_SRH,         /* pass_bad_srh: malformed, or longer than we follow */
	SRV6_PASS_UNKNOWN_NEXTHDR, /* pass_unknown_nexthdr: neither IPv4 nor IPv6 inside */
	SRV6_PASS_WRONG_FAMILY,    /* pass_wrong_family: one the SID's action does not take */
	SRV6_PASS_TRUNCATED,       /* pass_truncated: headers cut short */
	SRV6_PASS_HOP_LIMIT,       /* pass_hop_limit: End, hop limit <= 1 (Time Exceeded) */
	SRV6_PASS_LAST_SID,        /* pass_last_sid: End, argument 0 and no SRH, or SL 0 */
};

#endif
