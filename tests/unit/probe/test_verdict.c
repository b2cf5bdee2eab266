// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/probe/verdict.c: when a U-turn's probes make it down or up, on a
 * clock of our own (ms). */
#include <criterion/criterion.h>
#include <string.h>
#include "probe/verdict.h"

#define MS 1000000ull

static const struct verdict_opts o = { 10 * MS, 3, 3 }; /* the defaults */

struct run {
	struct probe_verdict v;
	__u32 seq;
	int downs, ups;
};

static void count(struct run *r, enum verdict_change c)
{
	r->downs += c == VERDICT_WENT_DOWN;
	r->ups += c == VERDICT_CAME_UP;
}

/*
 * From ms `from` to `to`: a round every 10 ms (judge, then send), each probe
 * answered rtt ms after it was sent (rtt < 0: never), answers handled in time
 * order between rounds at 1 ms resolution.
 */
static void run(struct run *r, unsigned int from, unsigned int to, int rtt)
{
	struct due { __u32 seq; unsigned int at; } due[4096];
	size_t ndue = 0;

	for (unsigned int t = from; t < to; t++) {
		for (size_t i = 0; i < ndue; i++) {
			bool ours;

			if (due[i].at != t)
				continue;
			count(r, verdict_answer(&r->v, &o, due[i].seq, t * MS, &ours));
		}
		if (t % 10)
			continue;
		count(r, verdict_judge(&r->v, &o, t * MS));
		if (verdict_send(&r->v, r->seq, t * MS)) {
			if (rtt >= 0 && ndue < sizeof(due) / sizeof(due[0]))
				due[ndue++] = (struct due){ r->seq, t + (unsigned int)rtt };
			r->seq++;
		}
	}
}

Test(verdict, idle_path_stays_up_and_learns_its_round_trip)
{
	struct run r = { 0 };

	run(&r, 0, 2000, 1);
	cr_assert_eq(r.downs, 0);
	cr_assert_not(r.v.down);
	cr_assert_eq(r.v.probes_answered, 200);
	cr_assert_eq(r.v.srtt_ns, 1 * MS);
	cr_assert_eq(verdict_timeout(&r.v, &o), 20 * MS, "two intervals: the floor");
}

Test(verdict, dead_path_is_down_in_under_50_ms)
{
	struct run r = { 0 };

	run(&r, 0, 1000, 1);
	run(&r, 1000, 1100, -1); /* every probe from 1000 ms on is lost */
	cr_assert_eq(r.downs, 1);
	cr_assert(r.v.down);
	/* Lost at 1020, 1030, 1040 (20 ms each): down at the third. */
	struct run again = { 0 };

	run(&again, 0, 1000, 1);
	run(&again, 1000, 1040, -1);
	cr_assert_not(again.v.down, "two lost by 1030");
	run(&again, 1040, 1041, -1);
	cr_assert(again.v.down, "the third at 1040 ms: 40 ms after the failure");
}

Test(verdict, comes_back_after_three_answers_in_time)
{
	struct run r = { 0 };

	run(&r, 0, 500, 1);
	run(&r, 500, 700, -1);
	cr_assert(r.v.down);
	run(&r, 700, 1000, 1);
	cr_assert_not(r.v.down);
	cr_assert_eq(r.downs, 1);
	cr_assert_eq(r.ups, 1);
}

Test(verdict, a_queue_delays_without_taking_the_path_down)
{
	struct run r = { 0 };

	/* Idle, then 25 ms round trips (a full 20 ms queue on the host's link):
	 * the first probes are late, their answers end the run of losses and
	 * teach the timeout. */
	run(&r, 0, 1000, 1);
	run(&r, 1000, 5000, 25);
	cr_assert_eq(r.downs, 0, "went down %d times", r.downs);
	cr_assert_geq(verdict_timeout(&r.v, &o), 25 * MS);
	cr_assert_leq(verdict_timeout(&r.v, &o), 40 * MS);
}

Test(verdict, a_new_path_under_load_is_not_judged_on_an_idle_timeout)
{
	struct run r = { 0 };

	cr_assert_eq(verdict_timeout(&r.v, &o), VERDICT_TIMEOUT_MAX_NS);
	run(&r, 0, 3000, 60);
	cr_assert_eq(r.downs, 0);
	cr_assert_eq(r.v.srtt_ns, 60 * MS);
}

Test(verdict, round_trips_longer_than_the_ring_still_teach_the_timeout)
{
	struct run r = { 0 };

	/* 90 ms: more than 8 intervals. Late slots are kept until they are
	 * VERDICT_TIMEOUT_MAX_NS old, so their answers still count. */
	run(&r, 0, 1000, 1);
	run(&r, 1000, 6000, 90);
	cr_assert_not(r.v.down, "stuck down");
	cr_assert_geq(r.v.srtt_ns / MS, 85, "srtt %llu ns", (unsigned long long)r.v.srtt_ns);
}

Test(verdict, past_the_longest_timeout_it_is_down)
{
	struct run r = { 0 };

	run(&r, 0, 1000, 1);
	run(&r, 1000, 3000, 150);
	cr_assert(r.v.down, "150 ms round trips: no answer in time");
	run(&r, 3000, 4000, 1);
	cr_assert_not(r.v.down, "back in time: up");
}

Test(verdict, answers_to_other_probes_are_not_ours)
{
	struct probe_verdict v;
	bool ours = true;

	memset(&v, 0, sizeof(v));
	cr_assert(verdict_send(&v, 7, 0));
	cr_assert_eq(verdict_answer(&v, &o, 8, MS, &ours), VERDICT_SAME);
	cr_assert_not(ours);
	verdict_answer(&v, &o, 7, MS, &ours);
	cr_assert(ours);
	verdict_answer(&v, &o, 7, 2 * MS, &ours);
	cr_assert_not(ours, "answered once");
	cr_assert_eq(v.probes_answered, 1);
}

Test(verdict, at_most_eight_wait)
{
	struct probe_verdict v;

	memset(&v, 0, sizeof(v));
	for (__u32 i = 0; i < VERDICT_INFLIGHT; i++)
		cr_assert(verdict_send(&v, i, i * MS));
	cr_assert_not(verdict_send(&v, 99, 9 * MS), "every slot waits");
}
