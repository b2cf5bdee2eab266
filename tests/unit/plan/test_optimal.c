// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Optimality: on leaf-spines and k-ary fat-trees the plan's max link load
 * equals the lower bound for permutations, rings and all-to-all; with failed
 * links it matches the optimum an exhaustive search finds; the colouring
 * keeps its per-vertex guarantee on random multigraphs.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "plan/model.h"
#include "test_fabric.h"
#include "unit_helpers.h"

struct outcome {
	struct plan_summary s;
};

static struct plan_summary plan_of(const struct fab *f, enum plan_pattern pat, uint64_t seed,
				   unsigned int k)
{
	struct topology t;
	struct membership m;
	struct plan_pairs pairs = { 0 };
	struct plan_opts o;
	struct plan *p;
	struct plan_summary s;
	struct err e = { "" };
	int n;

	fab_topology(f, &t, &n);
	/* Rings run over a random rank placement; permutations are drawn by seed. */
	fab_members(n, pat == PLAN_RING ? seed : 0, &m);
	plan_opts_init(&o);
	o.pattern = pat;
	o.paths = k;
	if (pat == PLAN_PAIRS) {
		fab_permutation(&m, seed, &pairs);
		o.pairs = &pairs;
	}
	cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), 0, "%s", e.msg);
	s = *plan_get_summary(p);
	plan_free(p);
	plan_pairs_free(&pairs);
	membership_free(&m);
	topology_free(&t);
	return s;
}

static const char *pattern_name(enum plan_pattern p)
{
	return p == PLAN_RING ? "ring" : p == PLAN_PAIRS ? "permutation" : "all-to-all";
}

static void assert_optimal(const struct fab *f, enum plan_pattern pat, uint64_t seed,
			   unsigned int k, enum plan_method method)
{
	struct plan_summary s = plan_of(f, pat, seed, k);
	char what[128];

	snprintf(what, sizeof(what), "%s %dx%d/k%d hosts %d, %s seed %llu, %u paths",
		 f->fat_k ? "fat-tree" : "leaf-spine", f->leaves, f->spines, f->fat_k,
		 f->hosts_per_leaf, pattern_name(pat), (unsigned long long)seed, k);
	cr_assert_eq(s.method, method, "%s: method %s", what, plan_method_name(s.method));
	cr_assert_eq(pm_ratio_cmp(s.max_load.num, s.max_load.den, s.lower_bound.num,
				  s.lower_bound.den), 0,
		     "%s: max load %g, lower bound %g", what, plan_ratio_value(s.max_load),
		     plan_ratio_value(s.lower_bound));
	cr_assert_eq(s.unroutable, 0);
}

static void all_patterns(const struct fab *f, enum plan_method method)
{
	for (uint64_t seed = 1; seed <= 4; seed++) {
		assert_optimal(f, PLAN_PAIRS, seed, 1, method);
		assert_optimal(f, PLAN_RING, seed, 1, method);
	}
	assert_optimal(f, PLAN_ALL_TO_ALL, 0, 1, method);
	assert_optimal(f, PLAN_PAIRS, 9, 2, method);
	assert_optimal(f, PLAN_PAIRS, 9, 3, method);
	assert_optimal(f, PLAN_RING, 9, 4, method);
}

Test(plan_optimal, leaf_spine_square)
{
	struct fab f = { .leaves = 8, .spines = 8 };

	all_patterns(&f, PLAN_METHOD_LEAF_SPINE);
	f.leaves = f.spines = 4;
	all_patterns(&f, PLAN_METHOD_LEAF_SPINE);
}

Test(plan_optimal, leaf_spine_odd_sizes)
{
	struct fab f = { .leaves = 5, .spines = 3, .hosts_per_leaf = 3 };

	all_patterns(&f, PLAN_METHOD_LEAF_SPINE);
	f = (struct fab){ .leaves = 6, .spines = 7, .hosts_per_leaf = 2 };
	all_patterns(&f, PLAN_METHOD_LEAF_SPINE);
}

Test(plan_optimal, leaf_spine_oversubscribed)
{
	struct fab f = { .leaves = 8, .spines = 4, .hosts_per_leaf = 8 };

	all_patterns(&f, PLAN_METHOD_LEAF_SPINE);
	f = (struct fab){ .leaves = 4, .spines = 3, .hosts_per_leaf = 7 };
	all_patterns(&f, PLAN_METHOD_LEAF_SPINE);
}

Test(plan_optimal, fat_tree)
{
	struct fab f = { .fat_k = 4 };

	all_patterns(&f, PLAN_METHOD_FAT_TREE);
	f.hosts_per_leaf = 4; /* 2:1 at the edge */
	all_patterns(&f, PLAN_METHOD_FAT_TREE);
	f = (struct fab){ .fat_k = 6 };
	assert_optimal(&f, PLAN_PAIRS, 1, 1, PLAN_METHOD_FAT_TREE);
	assert_optimal(&f, PLAN_RING, 1, 1, PLAN_METHOD_FAT_TREE);
}

Test(plan_optimal, capacity_everywhere_changes_nothing)
{
	struct fab f = { .leaves = 4, .spines = 4, .capacity = 100 };
	struct plan_summary s;

	assert_optimal(&f, PLAN_PAIRS, 1, 1, PLAN_METHOD_LEAF_SPINE);
	s = plan_of(&f, PLAN_PAIRS, 1, 1);
	cr_assert_float_eq(plan_ratio_value(s.max_load), 0.01, 1e-12);
}

Test(plan_optimal, ecmp_collides_where_the_plan_does_not)
{
	struct fab f = { .leaves = 16, .spines = 16 };
	struct plan_summary s = plan_of(&f, PLAN_PAIRS, 3, 1);

	/* Hashing 256 flows over 16 spines: some link gets several (the mean max
	 * over the seeds is about 4.6); the plan puts one on each. */
	cr_assert_eq(plan_ratio_value(s.max_load), 1);
	cr_assert_geq(plan_ratio_value(s.ecmp_max_load), 3, "ECMP mean max %g",
		      plan_ratio_value(s.ecmp_max_load));
	cr_assert_geq(plan_ratio_value(s.jalapeno_load_max_load), 1);
}

/* --- failed links: compare with an exhaustive search ---------------------------- */

struct exact {
	int nflows, nspines;
	int (*fl)[2];      /* cross-leaf flows as (src leaf, dst leaf) */
	bool (*up)[16];    /* leaf x spine link up (both ways) */
	int (*out)[16], (*in)[16];
	int limit;
};

static bool fits(const struct exact *x, int f, int s)
{
	return x->up[x->fl[f][0]][s] && x->up[x->fl[f][1]][s] && x->out[x->fl[f][0]][s] < x->limit &&
	       x->in[x->fl[f][1]][s] < x->limit;
}

/* Assign every flow a spine with no link above limit: most constrained first. */
static bool search(struct exact *x, bool *done, int left)
{
	int best = -1, best_n = 99;

	if (!left)
		return true;
	for (int f = 0; f < x->nflows; f++) {
		int n = 0;

		if (done[f])
			continue;
		for (int s = 0; s < x->nspines; s++)
			n += fits(x, f, s);
		if (n < best_n) {
			best = f;
			best_n = n;
		}
	}
	if (!best_n)
		return false;
	done[best] = true;
	for (int s = 0; s < x->nspines; s++) {
		if (!fits(x, best, s))
			continue;
		x->out[x->fl[best][0]][s]++;
		x->in[x->fl[best][1]][s]++;
		if (search(x, done, left - 1))
			return true;
		x->out[x->fl[best][0]][s]--;
		x->in[x->fl[best][1]][s]--;
	}
	done[best] = false;
	return false;
}

/* The least max load of any assignment (host links carry 1 each in a permutation). */
static int optimum(const struct fab *f, const struct topology *t, const struct membership *m,
		   const struct plan_pairs *pairs)
{
	int h = f->hosts_per_leaf ? f->hosts_per_leaf : f->spines;
	struct exact x = { .nspines = f->spines };
	bool up[16][16];
	int out[16][16], in[16][16], fl[64][2], host;
	bool done[64] = { false };

	cr_assert_leq(f->leaves, 16);
	cr_assert_leq(f->spines, 16);
	for (int l = 0; l < f->leaves; l++)
		for (int s = 0; s < f->spines; s++) {
			char a[32], b[32];
			long va, vb;

			snprintf(a, sizeof(a), "fabric_node/leaf%02d", l);
			snprintf(b, sizeof(b), "fabric_node/spine%02d", s);
			va = topology_find(t, a);
			vb = topology_find(t, b);
			up[l][s] = false;
			for (size_t i = 0; i < t->ne; i++)
				if (t->e[i].from == va && t->e[i].to == vb)
					up[l][s] = t->e[i].up;
		}
	for (size_t i = 0; i < pairs->n; i++) {
		int sl, dl;

		cr_assert_eq(sscanf(m->v[pairs->v[i].src].name, "host%d", &host), 1);
		sl = host / h;
		cr_assert_eq(sscanf(m->v[pairs->v[i].dst].name, "host%d", &host), 1);
		dl = host / h;
		if (sl == dl)
			continue;
		cr_assert_lt(x.nflows, 64);
		fl[x.nflows][0] = sl;
		fl[x.nflows++][1] = dl;
	}
	x.fl = fl;
	x.up = up;
	x.out = out;
	x.in = in;
	for (x.limit = 1;; x.limit++) {
		memset(out, 0, sizeof(out));
		memset(in, 0, sizeof(in));
		memset(done, 0, sizeof(done));
		if (search(&x, done, x.nflows))
			return x.limit;
	}
}

Test(plan_optimal, failed_links_reach_the_exhaustive_optimum)
{
	int checked = 0;

	for (uint64_t fail = 1; fail <= 4; fail++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			struct fab f = { .leaves = 6, .spines = 4, .fail_links = 1 + (int)(fail % 2),
					 .fail_seed = fail };
			struct topology t;
			struct membership m;
			struct plan_pairs pairs;
			struct plan_opts o;
			struct plan *p;
			struct err e = { "" };
			int n, best;

			fab_topology(&f, &t, &n);
			fab_members(n, 0, &m);
			fab_permutation(&m, seed, &pairs);
			plan_opts_init(&o);
			o.pattern = PLAN_PAIRS;
			o.pairs = &pairs;
			cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), 0, "%s", e.msg);
			best = optimum(&f, &t, &m, &pairs);
			cr_assert_eq(plan_ratio_value(plan_get_summary(p)->max_load), best,
				     "fail seed %llu, flows seed %llu: plan %g, optimum %d",
				     (unsigned long long)fail, (unsigned long long)seed,
				     plan_ratio_value(plan_get_summary(p)->max_load), best);
			cr_assert_leq(plan_ratio_value(plan_get_summary(p)->lower_bound), best);
			checked++;
			plan_free(p);
			plan_pairs_free(&pairs);
			membership_free(&m);
			topology_free(&t);
		}
	}
	cr_assert_eq(checked, 16);
}

/* --- the colouring itself ---------------------------------------------------------- */

Test(plan_colour, per_vertex_bound_on_random_multigraphs)
{
	struct ut_rng r = { 42 };

	for (int round = 0; round < 200; round++) {
		uint32_t nl = 1 + ut_rng_u32(&r) % 9, nr = 1 + ut_rng_u32(&r) % 9;
		uint32_t ncol = 1 + ut_rng_u32(&r) % 8, n = ut_rng_u32(&r) % 400;
		uint32_t *l = malloc((n + 1) * sizeof(uint32_t)), *rt = malloc((n + 1) * sizeof(uint32_t));
		uint32_t *c = malloc((n + 1) * sizeof(uint32_t));
		uint32_t ldeg[9] = { 0 }, rdeg[9] = { 0 }, lc[9][8] = { { 0 } }, rc[9][8] = { { 0 } };
		struct err e = { "" };

		for (uint32_t i = 0; i < n; i++) {
			/* Half the items on a few heavy pairs: floors and remainders both. */
			bool heavy = ut_rng_u32(&r) % 2;

			l[i] = heavy ? 0 : ut_rng_u32(&r) % nl;
			rt[i] = heavy ? ut_rng_u32(&r) % (nr < 2 ? nr : 2) : ut_rng_u32(&r) % nr;
		}
		cr_assert_eq(pm_balanced_colour(nl, nr, ncol, l, rt, n, c, &e), 0, "%s", e.msg);
		for (uint32_t i = 0; i < n; i++) {
			cr_assert_lt(c[i], ncol);
			ldeg[l[i]]++;
			rdeg[rt[i]]++;
			lc[l[i]][c[i]]++;
			rc[rt[i]][c[i]]++;
		}
		for (uint32_t v = 0; v < 9; v++)
			for (uint32_t k = 0; k < ncol; k++) {
				cr_assert_leq(lc[v][k], (ldeg[v] + ncol - 1) / ncol,
					      "round %d: left %u colour %u", round, v, k);
				cr_assert_leq(rc[v][k], (rdeg[v] + ncol - 1) / ncol,
					      "round %d: right %u colour %u", round, v, k);
			}
		free(l);
		free(rt);
		free(c);
	}
}
