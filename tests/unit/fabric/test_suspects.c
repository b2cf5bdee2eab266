// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/fabric/suspects.c: which links dead probes point at, and the planner
 * going around them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "fabric/suspects.h"
#include "plan/plan.h"
#include "plan/test_fabric.h"
#include "util/array.h"

/* Lab numbering (tests/jalapeno/gen_fabric.py): spines 1xxx, leaves 2xxx. */
#define S0 0x1000
#define S1 0x1001
#define L0 0x2000
#define L1 0x2001

static const __u16 via_s0[] = { L0, S0, L1 }, via_s1[] = { L0, S1, L1 };

static void find(const struct suspect_walk *w, size_t n, struct suspects *s)
{
	memset(s, 0, sizeof(*s));
	cr_assert_eq(suspects_find(w, n, s), 0);
}

static void assert_links(const struct suspects *s, const struct suspect_link *want, size_t n)
{
	cr_assert_eq(s->n, n, "%zu suspects, want %zu", s->n, n);
	for (size_t i = 0; i < n; i++)
		cr_assert(s->links[i].a == want[i].a && s->links[i].b == want[i].b,
			  "suspect %zu: %04x~%04x, want %04x~%04x", i, s->links[i].a, s->links[i].b,
			  want[i].a, want[i].b);
}

Test(suspects, a_live_walk_clears_the_links_it_shares)
{
	const struct suspect_walk w[] = { { via_s0, 3, true }, { via_s1, 3, false } };
	/* L0 is proven by the live walk; S0's two links are not. */
	const struct suspect_link want[] = { { S0, L0 }, { S0, L1 } };
	struct suspects s;

	find(w, ARRAY_SIZE(w), &s);
	assert_links(&s, want, ARRAY_SIZE(want));
	suspects_free(&s);
}

Test(suspects, nothing_dead_nothing_suspect)
{
	const struct suspect_walk w[] = { { via_s0, 3, false }, { via_s1, 3, false } };
	struct suspects s;

	find(w, ARRAY_SIZE(w), &s);
	cr_assert_eq(s.n, 0);
	cr_assert_null(s.links);
	find(NULL, 0, &s);
	cr_assert_eq(s.n, 0);
}

Test(suspects, every_walk_dead_suspects_every_link_once)
{
	/* Two dead walks through the same routers (two peers on L1) and S1's;
	 * the host's own link to L0 is never suspect (no plan avoids it). */
	const struct suspect_walk w[] = { { via_s0, 3, true }, { via_s0, 3, true },
					  { via_s1, 3, true } };
	const struct suspect_link want[] = { { S0, L0 }, { S0, L1 }, { S1, L0 }, { S1, L1 } };
	struct suspects s;

	find(w, ARRAY_SIZE(w), &s);
	assert_links(&s, want, ARRAY_SIZE(want));
	suspects_free(&s);
}

Test(suspects, a_shorter_live_walk_clears_only_its_own_links)
{
	/* A live walk up to S0 proves L0~S0, not S0~L1; a dead walk of L0 alone
	 * (a peer on our leaf) has no link to suspect. */
	static const __u16 l0[] = { L0 }, l0_s0[] = { L0, S0 };
	const struct suspect_walk w[] = { { via_s0, 3, true }, { l0, 1, true }, { l0_s0, 2, false } };
	const struct suspect_link want[] = { { S0, L1 } };
	struct suspects s;

	find(w, ARRAY_SIZE(w), &s);
	assert_links(&s, want, ARRAY_SIZE(want));
	suspects_free(&s);
}

Test(suspects, copy_is_independent)
{
	const struct suspect_walk w[] = { { via_s0, 3, true } };
	struct suspects s, c;

	find(w, ARRAY_SIZE(w), &s);
	s.block.bits = 32;
	cr_assert_eq(suspects_copy(&s, &c), 0);
	cr_assert_eq(c.n, s.n);
	cr_assert_eq(c.block.bits, 32);
	cr_assert_neq(c.links, s.links);
	cr_assert_eq(memcmp(c.links, s.links, s.n * sizeof(*s.links)), 0);
	suspects_free(&s);
	suspects_free(&c);
	cr_assert_eq(suspects_copy(&s, &c), 0);
	cr_assert_null(c.links);
}

/* The 2 x 2 leaf-spine, one host a leaf, host0000 on leaf00 (L0). */
static void two_by_two(struct topology *t, struct membership *m, struct suspects *s)
{
	static struct suspect_link links[] = { { S0, L0 }, { S0, L1 }, { 0x7777, L0 } };
	int nhosts;

	fab_topology(&(struct fab){ .leaves = 2, .spines = 2, .hosts_per_leaf = 1 }, t, &nhosts);
	cr_assert_eq(nhosts, 2);
	fab_members(2, 0, m);
	*s = (struct suspects){ .links = links, .n = ARRAY_SIZE(links) };
	cr_assert_eq(usid_block_parse("fc00:0::/32", &s->block, NULL), 0);
}

static bool edge_up(const struct topology *t, const char *from, const char *to)
{
	long f = topology_find(t, from), g = topology_find(t, to);

	cr_assert(f >= 0 && g >= 0, "%s, %s", from, to);
	for (size_t i = 0; i < t->ne; i++)
		if (t->e[i].from == (uint32_t)f && t->e[i].to == (uint32_t)g)
			return t->e[i].up;
	cr_assert_fail("no edge %s -> %s", from, to);
	return false;
}

/* Whether any of host0000's planned paths names micro-SID id. */
static bool plan_crosses(const struct topology *t, const struct membership *m, __u16 id)
{
	struct plan_peer_paths *pp;
	struct plan_opts o;
	struct plan *p;
	struct err e = { "" };
	bool crosses = false;
	size_t n;

	plan_opts_init(&o);
	o.paths = 2;
	cr_assert_eq(plan_compute(t, m, &o, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(plan_local_paths(p, "host0000", &pp, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 1);
	for (unsigned int k = 0; k < pp[0].path_count; k++)
		for (unsigned int s = 0; s < pp[0].paths[k].seg_count; s++)
			for (unsigned int b = 4; b < SRV6_ADDR_LEN; b += 2)
				crosses |= (pp[0].paths[k].segs[s][b] << 8 | pp[0].paths[k].segs[s][b + 1]) == id;
	free(pp);
	plan_free(p);
	return crosses;
}

Test(suspects, marked_down_both_ways_and_planned_around)
{
	const char *s0 = "fabric_node/spine00", *l0 = "fabric_node/leaf00", *l1 = "fabric_node/leaf01";
	struct topology t;
	struct membership m;
	struct suspects s;
	size_t from[3], to[3];

	two_by_two(&t, &m, &s);
	cr_assert(plan_crosses(&t, &m, S0), "two paths: one through each spine");
	/* 0x7777 is no vertex of this fabric: skipped. */
	cr_assert_eq(topology_mark_suspects(&t, &s, from, to), 2);
	cr_assert_str_eq(t.v[from[0]].id, s0);
	cr_assert_str_eq(t.v[to[0]].id, l0);
	cr_assert_str_eq(t.v[to[1]].id, l1);
	cr_assert_not(edge_up(&t, s0, l0));
	cr_assert_not(edge_up(&t, l0, s0));
	cr_assert_not(edge_up(&t, s0, l1));
	cr_assert_not(edge_up(&t, l1, s0));
	cr_assert(edge_up(&t, "fabric_node/spine01", l1));
	cr_assert(edge_up(&t, l0, "fabric_node/spine01"));
	cr_assert_not(plan_crosses(&t, &m, S0), "no path through spine00 any more");
	cr_assert(plan_crosses(&t, &m, S1));
	membership_free(&m);
	topology_free(&t);
}
