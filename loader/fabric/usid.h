/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Micro-SID (RFC 9800 NEXT-C-SID) carriers: a locator block (fc00:0::/32 in our
 * labs) followed by 16-bit node IDs, as many as fit in 128 bits. A path's SIDs
 * are compressed into as few carriers as possible; what does not fit goes into
 * further carriers (an SRH).
 */
#ifndef SRV6_USID_H
#define SRV6_USID_H

#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"
#include "srv6_bpf.h"

#define USID_BITS 16

struct usid_block {
	__u8 prefix[SRV6_ADDR_LEN]; /* block bits, the rest zero */
	unsigned int bits;          /* 16..112, a multiple of 16 */
};

/* "fc00:0::/32", or Jalapeño's usid_block spelling "fc00:0:" (groups = bits / 16). */
int usid_block_parse(const char *text, struct usid_block *b, struct err *e);

/* A function uSID (DEST_FUNCTION) in hex, 1-4 digits, not 0, e.g. "e006". */
int usid_function_parse(const char *text, __u16 *fn);

/* uSIDs one carrier holds after the block. */
static inline unsigned int usid_per_carrier(const struct usid_block *b)
{
	return (128 - b->bits) / USID_BITS;
}

/* The 16-bit ID right after the block in sid; false when sid is outside the block. */
bool usid_of_sid(const struct usid_block *b, const __u8 sid[SRV6_ADDR_LEN], __u16 *id);

/*
 * Compose the segment list for a path given as full SIDs in path order (Jalapeño's
 * srv6_sid_list: one SID per vertex after the source). SIDs inside the block
 * become uSIDs packed into carriers; a SID outside it is kept whole as its own
 * segment. With has_function, that ID (DEST_FUNCTION, e.g. 0xfe06) follows the
 * last uSID, in the same carrier as it so the destination sees both. Fails when
 * the result needs more than SRV6_MAX_SEGS segments or the list is empty.
 */
int usid_compose(const struct usid_block *b, const __u8 (*sids)[SRV6_ADDR_LEN], size_t n,
		 bool has_function, __u16 function, struct srv6_path *out, struct err *e);

#endif
