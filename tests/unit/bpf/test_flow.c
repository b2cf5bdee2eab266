// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* include/srv6_flow.h: flow hash, weighted path choice, outer flow label. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "srv6_flow.h"
#include "unit_helpers.h"

struct tuple {
	__u32 saddr[4];
	__u32 daddr[4];
	__u32 ports;
	__u8 proto;
};

static __u32 tuple_hash(const struct tuple *t)
{
	return srv6_flow_hash(t->saddr, t->daddr, t->ports, t->proto);
}

/* A pseudo-random flow: IPv6 or IPv4 (address in word 3), TCP, UDP or ICMP. */
static void tuple_random(struct ut_rng *r, struct tuple *t)
{
	static const __u8 protos[] = { 6, 17, 58, 1 };
	__u32 pick = ut_rng_u32(r);

	memset(t, 0, sizeof(*t));
	t->proto = protos[pick % 4];
	if (pick & 0x100) { /* IPv6 */
		for (int i = 0; i < 4; i++) {
			t->saddr[i] = ut_rng_u32(r);
			t->daddr[i] = ut_rng_u32(r);
		}
	} else {
		t->saddr[3] = ut_rng_u32(r);
		t->daddr[3] = ut_rng_u32(r);
	}
	if (t->proto == 6 || t->proto == 17)
		t->ports = ut_rng_u32(r);
}

static struct srv6_peer peer_with(const __u8 *weights, unsigned int n)
{
	struct srv6_peer p;

	memset(&p, 0, sizeof(p));
	p.path_count = (__u8)n;
	for (unsigned int i = 0; i < n && i < SRV6_MAX_PATHS; i++) {
		p.paths[i].seg_count = 1;
		p.paths[i].weight = weights[i];
	}
	return p;
}

/* --- hash ---------------------------------------------------------------- */

Test(flow_hash, deterministic)
{
	struct tuple a = { { 0x20010db8, 0, 0, 1 }, { 0x20010db8, 0, 0, 2 }, 0x1f900050, 6 };
	struct tuple b = a;

	cr_assert_eq(tuple_hash(&a), tuple_hash(&b));
	cr_assert_eq(tuple_hash(&a), tuple_hash(&a));
}

Test(flow_hash, depends_on_every_field_and_bit)
{
	struct ut_rng r = { 1 };

	/* Each hash round is a bijection of the running state, so changing any single
	 * input bit must change the hash; tried on several random base tuples. */
	for (int round = 0; round < 16; round++) {
		struct tuple base;
		__u32 h0;

		tuple_random(&r, &base);
		h0 = tuple_hash(&base);
		for (int w = 0; w < 4; w++) {
			for (int bit = 0; bit < 32; bit++) {
				struct tuple t = base;

				t.saddr[w] ^= 1u << bit;
				cr_assert_neq(tuple_hash(&t), h0, "saddr[%d] bit %d ignored", w, bit);
				t = base;
				t.daddr[w] ^= 1u << bit;
				cr_assert_neq(tuple_hash(&t), h0, "daddr[%d] bit %d ignored", w, bit);
			}
		}
		for (int bit = 0; bit < 32; bit++) {
			struct tuple t = base;

			t.ports ^= 1u << bit;
			cr_assert_neq(tuple_hash(&t), h0, "ports bit %d ignored", bit);
		}
		for (int bit = 0; bit < 8; bit++) {
			struct tuple t = base;

			t.proto ^= (__u8)(1u << bit);
			cr_assert_neq(tuple_hash(&t), h0, "proto bit %d ignored", bit);
		}
	}
}

Test(flow_hash, source_and_destination_are_not_interchangeable)
{
	struct tuple a = { { 0, 0, 0, 0xc0000201 }, { 0, 0, 0, 0xc0000202 }, 0x30390050, 6 };
	struct tuple b = { { 0, 0, 0, 0xc0000202 }, { 0, 0, 0, 0xc0000201 }, 0x30390050, 6 };

	cr_assert_neq(tuple_hash(&a), tuple_hash(&b));
}

/* --- path choice: exact slices ------------------------------------------- */

Test(flow_select, slices_follow_weights_in_order)
{
	/* Weights {2,1,3}: points 0-1 -> path 0, 2 -> path 1, 3-5 -> path 2 (hash mod 6). */
	const __u8 w[] = { 2, 1, 3 };
	const int want[6] = { 0, 0, 1, 2, 2, 2 };
	struct srv6_peer p = peer_with(w, 3);

	for (__u32 h = 0; h < 60; h++)
		cr_assert_eq(srv6_select_path(&p, h), want[h % 6], "hash %u", h);
	cr_assert_eq(srv6_select_path(&p, 0xffffffffu), want[0xffffffffu % 6]);
}

Test(flow_select, one_path_takes_everything)
{
	const __u8 w[] = { 255 };
	struct srv6_peer p = peer_with(w, 1);

	for (__u32 h = 0; h < 1000; h++)
		cr_assert_eq(srv6_select_path(&p, h * 2654435761u), 0);
}

Test(flow_select, zero_weight_path_is_never_chosen)
{
	const __u8 w[] = { 0, 5, 0, 1 };
	struct srv6_peer p = peer_with(w, 4);

	for (__u32 h = 0; h < 1200; h++)
		cr_assert_eq(srv6_select_path(&p, h), h % 6 < 5 ? 1 : 3, "hash %u", h);
}

Test(flow_select, no_usable_path)
{
	const __u8 zeros[] = { 0, 0, 0 }, ones[] = { 1, 1 };
	struct srv6_peer p = peer_with(zeros, 3);

	cr_assert_eq(srv6_select_path(&p, 0), -1);
	cr_assert_eq(srv6_select_path(&p, 12345), -1);
	/* Weights present but path_count 0: nothing to choose from. */
	p = peer_with(ones, 2);
	p.path_count = 0;
	cr_assert_eq(srv6_select_path(&p, 0), -1);
	cr_assert_eq(srv6_select_path(&p, 7), -1);
}

Test(flow_select, path_count_above_max_is_clamped)
{
	const __u8 w[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct srv6_peer eight = peer_with(w, 8), over = eight;
	unsigned int counts[SRV6_MAX_PATHS] = { 0 };

	/* A corrupt count must neither read past paths[] nor change the choice. */
	over.path_count = 255;
	for (__u32 h = 0; h < 36 * 4; h++) {
		int got = srv6_select_path(&over, h);

		cr_assert_eq(got, srv6_select_path(&eight, h), "hash %u", h);
		cr_assert(got >= 0 && got < SRV6_MAX_PATHS);
		counts[got]++;
	}
	/* 4 rounds of the 36 points: path i owns i + 1 of them. */
	for (int i = 0; i < SRV6_MAX_PATHS; i++)
		cr_assert_eq(counts[i], 4u * (unsigned int)(i + 1), "path %d", i);
}

Test(flow_select, path_count_below_array_ignores_the_rest)
{
	const __u8 w[] = { 1, 1, 100, 100 };
	struct srv6_peer p = peer_with(w, 4);

	p.path_count = 2;
	for (__u32 h = 0; h < 100; h++)
		cr_assert_eq(srv6_select_path(&p, h), (int)(h % 2), "hash %u", h);
}

/* --- path choice: many flows --------------------------------------------- */

#define FLOWS 100000
#define RECHECK 2000

/*
 * Every flow gets a valid index, the same one each time, and the shares follow
 * the weights. Path i's count is Binomial(FLOWS, p_i) with p_i = w_i / sum(w);
 * we allow 5 standard deviations, sqrt(FLOWS * p_i * (1 - p_i)) (about 0.8% of
 * FLOWS at worst), compared squared to avoid libm. The generator has a fixed
 * seed, so the verdict is the same on every run.
 */
static void check_spread(const __u8 *weights, unsigned int n, __u64 seed)
{
	struct srv6_peer p = peer_with(weights, n);
	static int first[RECHECK];
	unsigned long counts[SRV6_MAX_PATHS] = { 0 }, total_w = 0;
	struct ut_rng r = { seed };

	for (unsigned int i = 0; i < n; i++)
		total_w += weights[i];
	for (int f = 0; f < FLOWS; f++) {
		struct tuple t, copy;
		int idx;

		tuple_random(&r, &t);
		copy = t;
		idx = srv6_select_path(&p, tuple_hash(&t));
		cr_assert(idx >= 0 && (unsigned int)idx < n, "flow %d: index %d", f, idx);
		cr_assert_eq(srv6_select_path(&p, tuple_hash(&copy)), idx, "flow %d moved", f);
		if (f < RECHECK)
			first[f] = idx;
		counts[idx]++;
	}
	/* The same flows again, later: still on the same paths. */
	r.state = seed;
	for (int f = 0; f < RECHECK; f++) {
		struct tuple t;

		tuple_random(&r, &t);
		cr_assert_eq(srv6_select_path(&p, tuple_hash(&t)), first[f], "flow %d moved", f);
	}
	for (unsigned int i = 0; i < n; i++) {
		double pi = (double)weights[i] / (double)total_w;
		double expected = FLOWS * pi, var = FLOWS * pi * (1 - pi);
		double diff = (double)counts[i] - expected;

		cr_assert(diff * diff <= 25 * var,
			  "path %u (weight %u of %lu): %lu flows, expected %.0f +- 5 sd (var %.1f)", i,
			  weights[i], total_w, counts[i], expected, var);
	}
}

Test(flow_spread, weights_1)
{
	const __u8 w[] = { 1 };

	check_spread(w, 1, 11);
}

Test(flow_spread, weights_1_1)
{
	const __u8 w[] = { 1, 1 };

	check_spread(w, 2, 12);
}

Test(flow_spread, weights_1_3)
{
	const __u8 w[] = { 1, 3 };

	check_spread(w, 2, 13);
}

Test(flow_spread, weights_1_to_8)
{
	const __u8 w[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	check_spread(w, 8, 14);
}

Test(flow_spread, weights_255_1)
{
	const __u8 w[] = { 255, 1 };

	check_spread(w, 2, 15);
}

Test(flow_spread, weights_255_x8)
{
	const __u8 w[] = { 255, 255, 255, 255, 255, 255, 255, 255 };

	check_spread(w, 8, 16);
}

Test(flow_spread, connections_between_two_hosts)
{
	/* The common case: one host pair, flows differ only in the source port. */
	const __u8 w[] = { 1, 3 };
	struct srv6_peer p = peer_with(w, 2);
	struct tuple t = { { 0x20010db8, 0, 0, 1 }, { 0x20010db8, 0, 0, 2 }, 0, 6 };
	unsigned long counts[2] = { 0 };
	const unsigned int n = 28232; /* the Linux ephemeral range 32768-60999 */

	for (unsigned int sport = 32768; sport < 32768 + n; sport++) {
		t.ports = sport << 16 | 5201;
		counts[srv6_select_path(&p, tuple_hash(&t))]++;
	}
	/* Same 5-sigma bound as above: p = 1/4, var = n * 3/16. */
	double diff = (double)counts[0] - n / 4.0;

	cr_assert(diff * diff <= 25.0 * n * 3 / 16, "path 0: %lu of %u", counts[0], n);
}

/* --- failover: the flows of down paths ------------------------------------ */

/* What the TC program does: the flow's own path, or when it is down, the
 * live path srv6_select_live_path gives; -1 when none is live. */
static int path_taken(const struct srv6_peer *p, __u32 hash, __u32 down)
{
	int own = srv6_select_path(p, hash);

	return own >= 0 && (down & (1u << own)) ? srv6_select_live_path(p, hash, down) : own;
}

Test(flow_failover, no_path_down_is_the_plain_choice)
{
	static const __u8 w[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct srv6_peer p = peer_with(w, 8);
	struct ut_rng r = { 11 };

	for (int f = 0; f < 10000; f++) {
		__u32 h = ut_rng_u32(&r);

		cr_assert_eq(srv6_select_live_path(&p, h, 0), srv6_select_path(&p, h));
	}
}

/* Weights 1, 2, 3, 4 with path 1 down: flows of live paths stay, path 1's
 * flows spread over 0, 2, 3 as 1 : 3 : 4 (within 5 sd), and come back. */
Test(flow_failover, only_the_down_paths_flows_move_in_proportion_to_weights)
{
	static const __u8 w[] = { 1, 2, 3, 4 };
	struct srv6_peer p = peer_with(w, 4);
	unsigned long moved[4] = { 0 }, nmoved = 0;
	struct ut_rng r = { 12 };

	for (int f = 0; f < FLOWS; f++) {
		__u32 h = ut_rng_u32(&r);
		int own = srv6_select_path(&p, h), now = path_taken(&p, h, 1u << 1);

		cr_assert_neq(now, 1, "flow %d still on the down path", f);
		if (own != 1) {
			cr_assert_eq(now, own, "flow %d of live path %d moved to %d", f, own, now);
			continue;
		}
		moved[now]++;
		nmoved++;
		cr_assert_eq(path_taken(&p, h, 0), 1, "flow %d does not return", f);
	}
	for (int i = 0; i < 4; i++) {
		double pi = i == 1 ? 0 : (double)w[i] / 8.0, expected = (double)nmoved * pi;
		double diff = (double)moved[i] - expected, var = (double)nmoved * pi * (1 - pi);

		cr_assert(diff * diff <= 25 * var + 1e-9, "path %d: %lu of %lu moved flows, expected %.0f",
			  i, moved[i], nmoved, expected);
	}
}

Test(flow_failover, every_path_down_leaves_no_path)
{
	static const __u8 w[] = { 1, 1, 1 };
	struct srv6_peer p = peer_with(w, 3);

	cr_assert_eq(srv6_select_live_path(&p, 12345, 0x7), -1);
	cr_assert_eq(path_taken(&p, 12345, 0x7), -1);
	/* Bits beyond path_count are no paths: they change nothing. */
	cr_assert_eq(srv6_select_live_path(&p, 12345, 0xf8), srv6_select_path(&p, 12345));
	cr_assert_eq(srv6_select_live_path(&p, 7, 0x6), 0, "the one live path takes all");
}

/* --- flow label ---------------------------------------------------------- */

Test(flow_label, rotates_and_masks_to_20_bits)
{
	/* rol32(h, 16) & 0xfffff, as the kernel's seg6_make_flowlabel. */
	cr_assert_eq(srv6_flow_label(0x12345678), 0x81234);
	cr_assert_eq(srv6_flow_label(0xffffffff), 0xfffff);
	cr_assert_eq(srv6_flow_label(0x0000ffff), 0xf0000);
	cr_assert_eq(srv6_flow_label(0x000f0000), 0x0000f);
	cr_assert_eq(srv6_flow_label(0xfff00000), 0x0fff0);
	cr_assert_eq(srv6_flow_label(0), 0);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* Labels fit in 20 bits and at least 99% of n flows get distinct labels
 * (for uniform labels about 0.5% of 10,000 would collide). */
static void check_labels(__u32 *labels, unsigned int n)
{
	unsigned int distinct = 1;

	for (unsigned int i = 0; i < n; i++)
		cr_assert_leq(labels[i], 0xfffffu, "label %u = 0x%x", i, labels[i]);
	qsort(labels, n, sizeof(labels[0]), cmp_u32);
	for (unsigned int i = 1; i < n; i++)
		distinct += labels[i] != labels[i - 1];
	cr_assert_geq(distinct * 100, n * 99, "%u distinct labels of %u", distinct, n);
}

Test(flow_label, distinct_across_random_flows)
{
	static __u32 labels[10000];
	struct ut_rng r = { 21 };

	for (unsigned int i = 0; i < 10000; i++) {
		struct tuple t;

		tuple_random(&r, &t);
		labels[i] = srv6_flow_label(tuple_hash(&t));
	}
	check_labels(labels, 10000);
}

Test(flow_label, distinct_across_source_ports)
{
	static __u32 labels[10000];
	struct tuple t = { { 0, 0, 0, 0xc6336401 }, { 0, 0, 0, 0xcb007101 }, 0, 17 };

	for (unsigned int i = 0; i < 10000; i++) {
		t.ports = (40000 + i) << 16 | 4791;
		labels[i] = srv6_flow_label(tuple_hash(&t));
	}
	check_labels(labels, 10000);
}
