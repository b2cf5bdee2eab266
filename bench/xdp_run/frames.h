/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SRv6 frames as the decapsulating host receives them: the last SID of the path
 * in the outer destination and no SRH, or an SRH with Segments Left 0. Built
 * around prog_run's test packets (bench/lib/packets.h), so the inner packet
 * is the very frame the XDP program must hand back.
 */
#ifndef BENCH_FRAMES_H
#define BENCH_FRAMES_H

#include "../lib/packets.h"

/*
 * The frame carrying `inner` (flow f) over path p as it arrives at p's last SID:
 * H.Encaps.Red's outer header (pkt_expect_encap: one SID gives no SRH, more an
 * SRH listing all but the first) with the destination advanced to the last SID
 * and Segments Left 0, as the previous SIDs' nodes leave it.
 */
void frame_arrived(const struct pkt_flow *f, const struct pkt *inner, const struct srv6_path *p,
		   struct pkt *out);

/*
 * The frame carrying `inner` over path p as the node of p's first SID receives
 * it: H.Encaps.Red's outer header untouched (destination = the first SID, and
 * with more than one SID an SRH listing the rest, Segments Left = their number).
 * What a micro-SID router's End sees.
 */
void frame_sent(const struct pkt_flow *f, const struct pkt *inner, const struct srv6_path *p,
		struct pkt *out);

/* Bytes of outer IPv6 header and SRH in front of the inner packet. */
__u32 frame_outer_len(const struct srv6_path *p);

#endif
