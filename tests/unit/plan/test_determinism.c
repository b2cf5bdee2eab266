// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The same inputs in any order give a byte-identical JSON plan. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test_fabric.h"
#include "unit_helpers.h"

/* The members of fab_members(n, rank_seed), read from a hosts file whose
 * lines (with explicit ranks) are shuffled by line_seed. */
static void members_from_shuffled_file(int n, uint64_t rank_seed, uint64_t line_seed,
				       struct membership *m)
{
	struct membership ref;
	char path[] = "/tmp/srv6-plan-hosts-XXXXXX";
	int fd = mkstemp(path), *order = malloc((size_t)n * sizeof(int));
	struct ut_rng r = { line_seed };
	struct err e = { "" };
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fab_members(n, rank_seed, &ref);
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(ut_rng_next(&r) % (uint64_t)(i + 1)), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (int i = 0; i < n; i++)
		fprintf(f, "%s %d\n", ref.v[order[i]].name, ref.v[order[i]].rank);
	fclose(f);
	cr_assert_eq(membership_from_file(path, m, &e), 0, "%s", e.msg);
	unlink(path);
	membership_free(&ref);
	free(order);
}

static void shuffle_pairs(struct plan_pairs *p, uint64_t seed)
{
	struct ut_rng r = { seed };

	for (size_t i = p->n - 1; p->n && i > 0; i--) {
		size_t j = (size_t)(ut_rng_next(&r) % (i + 1));
		struct plan_pair x = p->v[i];

		p->v[i] = p->v[j];
		p->v[j] = x;
	}
}

/* Plan f (canonical order) and f shuffled by seed; compare the JSON. */
static void same_plan(struct fab f, enum plan_pattern pat, unsigned int k, uint64_t seed)
{
	struct topology t1, t2;
	struct membership m1, m2;
	struct plan_pairs p1 = { 0 }, p2 = { 0 };
	struct plan_opts o1, o2;
	char *a, *b;
	int n;

	f.shuffle = 0;
	fab_topology(&f, &t1, &n);
	f.shuffle = seed;
	fab_topology(&f, &t2, NULL);
	fab_members(n, 5, &m1);
	members_from_shuffled_file(n, 5, seed, &m2);
	plan_opts_init(&o1);
	o1.pattern = pat;
	o1.paths = k;
	o1.has_function = true;
	o1.function = 0xfe06;
	o2 = o1;
	if (pat == PLAN_PAIRS) {
		fab_permutation(&m1, 77, &p1);
		fab_permutation(&m2, 77, &p2);
		shuffle_pairs(&p2, seed);
		o1.pairs = &p1;
		o2.pairs = &p2;
	}
	a = fab_plan_json(&t1, &m1, &o1);
	b = fab_plan_json(&t2, &m2, &o2);
	cr_assert_gt(strlen(a), 100);
	cr_assert(!strcmp(a, b), "shuffle %llu: plans differ", (unsigned long long)seed);
	free(a);
	free(b);
	plan_pairs_free(&p1);
	plan_pairs_free(&p2);
	membership_free(&m1);
	membership_free(&m2);
	topology_free(&t1);
	topology_free(&t2);
}

Test(plan_determinism, leaf_spine_with_failed_links)
{
	/* Two failed links: the greedy + local search path. */
	struct fab f = { .leaves = 6, .spines = 4, .fail_links = 2, .fail_seed = 3 };

	for (uint64_t seed = 1; seed <= 3; seed++) {
		same_plan(f, PLAN_PAIRS, 1, seed);
		same_plan(f, PLAN_RING, 1, seed);
	}
	same_plan(f, PLAN_ALL_TO_ALL, 1, 4);
	same_plan(f, PLAN_PAIRS, 3, 5);
}

Test(plan_determinism, colouring_fabrics)
{
	struct fab ls = { .leaves = 5, .spines = 4 }, ft = { .fat_k = 4 };

	same_plan(ls, PLAN_PAIRS, 1, 11);
	same_plan(ls, PLAN_ALL_TO_ALL, 2, 12);
	same_plan(ft, PLAN_PAIRS, 1, 13);
	same_plan(ft, PLAN_RING, 3, 14);
}

Test(plan_determinism, oversubscribed_with_capacity)
{
	struct fab f = { .leaves = 4, .spines = 2, .hosts_per_leaf = 5, .capacity = 25,
			 .fail_links = 1, .fail_seed = 9 };

	same_plan(f, PLAN_PAIRS, 2, 21);
	same_plan(f, PLAN_ALL_TO_ALL, 1, 22);
}

Test(plan_determinism, repeated_runs)
{
	struct fab f = { .leaves = 4, .spines = 4, .fail_links = 1, .fail_seed = 2 };
	struct topology t;
	struct membership m;
	struct plan_opts o;
	char *a, *b;
	int n;

	fab_topology(&f, &t, &n);
	fab_members(n, 3, &m);
	plan_opts_init(&o);
	a = fab_plan_json(&t, &m, &o);
	b = fab_plan_json(&t, &m, &o);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	membership_free(&m);
	topology_free(&t);
}
