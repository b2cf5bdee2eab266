/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What one U-turn's probes say: up or down. Pure (the caller's clock), so the
 * rules are tested as they are:
 *   - a probe is lost when it is not back within verdict_timeout: two
 *     intervals, or srtt + 4 rttvar of the answers (RFC 6298) when the path's
 *     round trips are longer, at most VERDICT_TIMEOUT_MAX_NS; before any
 *     answer, VERDICT_TIMEOUT_MAX_NS (a new path under load is not judged on
 *     an idle path's timeout);
 *   - down after `loss` lost in a row; up again after `recover` answered in
 *     time in a row;
 *   - an answer after its verdict (late) gives its round trip, and while the
 *     path is up it ends the run of losses: the path works, slowly;
 *   - at most VERDICT_INFLIGHT probes wait at once: a slot is free again when
 *     its probe came back, or VERDICT_TIMEOUT_MAX_NS after it was sent.
 */
#ifndef SRV6_PROBE_VERDICT_H
#define SRV6_PROBE_VERDICT_H

#include <stdbool.h>
#include "srv6_bpf.h"

#define VERDICT_INFLIGHT 8
#define VERDICT_TIMEOUT_MAX_NS (100 * 1000000ull)

struct verdict_opts {
	__u64 interval_ns;
	unsigned int loss, recover;
};

struct probe_verdict {
	struct verdict_probe {
		enum { VERDICT_FREE, VERDICT_OUT, VERDICT_LATE } state;
		__u32 seq;
		__u64 sent_ns;
	} sent[VERDICT_INFLIGHT]; /* the last probes sent, oldest at head */
	unsigned int head;
	__u64 srtt_ns, rttvar_ns;
	unsigned int lost, answered; /* in a row */
	bool down;
	__u64 probes_answered, rtt_ns_sum; /* every answer, late ones too */
};

/* What a call changed. */
enum verdict_change { VERDICT_SAME, VERDICT_WENT_DOWN, VERDICT_CAME_UP };

__u64 verdict_timeout(const struct probe_verdict *v, const struct verdict_opts *o);

/* The probes past their timeout at now are lost. */
enum verdict_change verdict_judge(struct probe_verdict *v, const struct verdict_opts *o, __u64 now);

/* Room for probe seq sent at now: false (nothing recorded) when every slot waits. */
bool verdict_send(struct probe_verdict *v, __u32 seq, __u64 now);

/* The answer to probe seq at now; *ours false when no probe waits for it. */
enum verdict_change verdict_answer(struct probe_verdict *v, const struct verdict_opts *o, __u32 seq,
				   __u64 now, bool *ours);

/* Whether slot k holds a probe an answer may still come for. */
static inline bool verdict_waiting(const struct probe_verdict *v, unsigned int k)
{
	return v->sent[k].state != VERDICT_FREE;
}

#endif
