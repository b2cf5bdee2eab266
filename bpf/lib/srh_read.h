/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Reading an SRH that arrived (RFC 8754): is it whole and well formed. Shared by
 * decapsulation and End. */
#ifndef SRV6_BPF_LIB_SRH_READ_H
#define SRV6_BPF_LIB_SRH_READ_H

#include "common.h"
#include "reasons.h"
#include "srv6_outer.h"

/* Longest SRH we follow: hdrlen is 8 bits, so 8 * 256 bytes. */
#define SRH_LEN_MAX 2048

/*
 * Type 4, Last Entry <= Hdr Ext Len / 2 - 1 (the list fits the header),
 * Segments Left <= Last Entry + 1, and the header within the first buffer.
 * *len: the header's bytes. SRV6_OK; SRV6_PASS_TRUNCATED when the fixed 8 bytes
 * are beyond the packet; SRV6_PASS_BAD_SRH when malformed or longer than the packet.
 */
static __always_inline enum srv6_reason srh_check(const struct srv6_srh *srh, void *end,
						  __u32 *len)
{
	if ((void *)(srh + 1) > end)
		return SRV6_PASS_TRUNCATED;
	*len = ((__u32)srh->hdrlen + 1) * 8;
	if (srh->type != SRV6_SRH_TYPE ||
	    ((__u32)srh->last_entry + 1) * SRV6_ADDR_LEN > *len - SRV6_SRH_FIXED_LEN ||
	    (__u32)srh->segments_left > (__u32)srh->last_entry + 1 || (void *)srh + *len > end)
		return SRV6_PASS_BAD_SRH;
	return SRV6_OK;
}

#endif
