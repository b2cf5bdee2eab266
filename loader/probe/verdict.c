// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "verdict.h"
#include <stddef.h>

__u64 verdict_timeout(const struct probe_verdict *v, const struct verdict_opts *o)
{
	__u64 floor = 2 * o->interval_ns;
	__u64 rto = v->srtt_ns ? v->srtt_ns + 4 * v->rttvar_ns : VERDICT_TIMEOUT_MAX_NS;

	if (rto > VERDICT_TIMEOUT_MAX_NS)
		rto = VERDICT_TIMEOUT_MAX_NS;
	return rto > floor ? rto : floor;
}

enum verdict_change verdict_judge(struct probe_verdict *v, const struct verdict_opts *o, __u64 now)
{
	__u64 timeout = verdict_timeout(v, o);
	enum verdict_change change = VERDICT_SAME;

	for (unsigned int k = 0; k < VERDICT_INFLIGHT; k++) {
		struct verdict_probe *s = &v->sent[(v->head + k) % VERDICT_INFLIGHT];

		if (s->state != VERDICT_OUT || now - s->sent_ns < timeout)
			continue;
		s->state = VERDICT_LATE;
		v->lost++;
		v->answered = 0;
		if (!v->down && v->lost >= o->loss) {
			v->down = true;
			change = VERDICT_WENT_DOWN;
		}
	}
	return change;
}

bool verdict_send(struct probe_verdict *v, __u32 seq, __u64 now)
{
	struct verdict_probe *s = &v->sent[v->head];

	/* The oldest slot: still out, or late but maybe still on its way. */
	if (s->state == VERDICT_OUT ||
	    (s->state == VERDICT_LATE && now - s->sent_ns < VERDICT_TIMEOUT_MAX_NS))
		return false;
	*s = (struct verdict_probe){ VERDICT_OUT, seq, now };
	v->head = (v->head + 1) % VERDICT_INFLIGHT;
	return true;
}

/* RFC 6298: srtt and rttvar from one round trip. */
static void rtt_sample(struct probe_verdict *v, __u64 rtt)
{
	if (!v->srtt_ns) {
		v->srtt_ns = rtt ? rtt : 1;
		v->rttvar_ns = rtt / 2;
		return;
	}
	v->rttvar_ns = (3 * v->rttvar_ns + (v->srtt_ns > rtt ? v->srtt_ns - rtt : rtt - v->srtt_ns)) / 4;
	v->srtt_ns = (7 * v->srtt_ns + rtt) / 8;
}

enum verdict_change verdict_answer(struct probe_verdict *v, const struct verdict_opts *o, __u32 seq,
				   __u64 now, bool *ours)
{
	struct verdict_probe *s = NULL;
	bool late;

	for (unsigned int k = 0; k < VERDICT_INFLIGHT && !s; k++)
		if (v->sent[k].state != VERDICT_FREE && v->sent[k].seq == seq)
			s = &v->sent[k];
	*ours = s != NULL;
	if (!s)
		return VERDICT_SAME;
	late = s->state == VERDICT_LATE;
	s->state = VERDICT_FREE;
	rtt_sample(v, now - s->sent_ns);
	v->probes_answered++;
	v->rtt_ns_sum += now - s->sent_ns;
	if (late) {
		if (!v->down)
			v->lost = 0;
		return VERDICT_SAME;
	}
	v->lost = 0;
	v->answered++;
	if (v->down && v->answered >= o->recover) {
		v->down = false;
		return VERDICT_CAME_UP;
	}
	return VERDICT_SAME;
}
