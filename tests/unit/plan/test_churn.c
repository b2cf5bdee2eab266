// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* --previous: flows keep their old paths where that does not raise the max load. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test_fabric.h"
#include "unit_helpers.h"

struct job {
	struct topology t;
	struct membership m;
	struct plan_pairs pairs;
	struct plan_opts o;
};

static void job_init(struct job *j, const struct fab *f, enum plan_pattern pat)
{
	int n;

	memset(j, 0, sizeof(*j));
	fab_topology(f, &j->t, &n);
	fab_members(n, 7, &j->m);
	plan_opts_init(&j->o);
	j->o.pattern = pat;
	if (pat == PLAN_PAIRS) {
		fab_permutation(&j->m, 3, &j->pairs);
		j->o.pairs = &j->pairs;
	}
}

static void job_free(struct job *j)
{
	plan_pairs_free(&j->pairs);
	membership_free(&j->m);
	topology_free(&j->t);
}

static struct plan_prev *prev_of(const char *json)
{
	cJSON *root = cJSON_Parse(json);
	struct plan_prev *pv;
	struct err e = { "" };

	cr_assert_not_null(root);
	cr_assert_eq(plan_prev_from_json(root, &pv, &e), 0, "%s", e.msg);
	cJSON_Delete(root);
	return pv;
}

static double field(const char *json, const char *name)
{
	cJSON *root = cJSON_Parse(json);
	double v = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "summary"), name)->valuedouble;

	cJSON_Delete(root);
	return v;
}

/* Flows of b whose path set differs from the same flow's in a. */
static int differing_flows(const char *a, const char *b)
{
	cJSON *ra = cJSON_Parse(a), *rb = cJSON_Parse(b), *fa, *fb;
	int n = 0;

	cJSON_ArrayForEach(fb, cJSON_GetObjectItem(rb, "flows")) {
		cJSON_ArrayForEach(fa, cJSON_GetObjectItem(ra, "flows")) {
			if (strcmp(cJSON_GetObjectItem(fa, "src")->valuestring,
				   cJSON_GetObjectItem(fb, "src")->valuestring) ||
			    strcmp(cJSON_GetObjectItem(fa, "dst")->valuestring,
				   cJSON_GetObjectItem(fb, "dst")->valuestring))
				continue;
			n += !cJSON_Compare(cJSON_GetObjectItem(fa, "paths"),
					    cJSON_GetObjectItem(fb, "paths"), true);
		}
	}
	cJSON_Delete(ra);
	cJSON_Delete(rb);
	return n;
}

Test(plan_churn, own_plan_as_previous_changes_nothing)
{
	struct fab f = { .leaves = 6, .spines = 4, .fail_links = 1, .fail_seed = 4 };
	struct job j;
	char *a, *b;

	job_init(&j, &f, PLAN_PAIRS);
	a = fab_plan_json(&j.t, &j.m, &j.o);
	j.o.previous = prev_of(a);
	b = fab_plan_json(&j.t, &j.m, &j.o);
	cr_assert_str_eq(a, b);
	cr_assert_eq(field(b, "moved"), 0);
	plan_prev_free((struct plan_prev *)j.o.previous);
	free(a);
	free(b);
	job_free(&j);
}

static void failure_moves_only_what_it_must(enum plan_pattern pat, unsigned int k)
{
	struct fab whole = { .leaves = 6, .spines = 4 };
	struct fab broken = { .leaves = 6, .spines = 4, .fail_links = 1, .fail_seed = 5 };
	struct job j0, j1;
	char *before, *fresh, *kept;
	int differ;

	job_init(&j0, &whole, pat);
	job_init(&j1, &broken, pat);
	j0.o.paths = j1.o.paths = k;
	before = fab_plan_json(&j0.t, &j0.m, &j0.o);
	fresh = fab_plan_json(&j1.t, &j1.m, &j1.o);
	j1.o.previous = prev_of(before);
	kept = fab_plan_json(&j1.t, &j1.m, &j1.o);
	differ = differing_flows(before, kept);
	/* The max load is what a fresh plan reaches, and `moved` counts exactly the
	 * flows whose paths changed: at most those a fresh plan changes. */
	cr_assert_eq(field(kept, "max_load"), field(fresh, "max_load"));
	cr_assert_eq(field(kept, "moved"), differ);
	cr_assert_gt(differ, 0, "the failed link carried something");
	cr_assert_leq(differ, differing_flows(before, fresh), "kept %d", differ);
	plan_prev_free((struct plan_prev *)j1.o.previous);
	free(before);
	free(fresh);
	free(kept);
	job_free(&j0);
	job_free(&j1);
}

Test(plan_churn, failure_moves_only_what_it_must)
{
	failure_moves_only_what_it_must(PLAN_ALL_TO_ALL, 1);
	failure_moves_only_what_it_must(PLAN_ALL_TO_ALL, 2);
}

Test(plan_churn, new_flows_leave_old_ones_in_place)
{
	struct fab f = { .leaves = 6, .spines = 4 };
	struct job j;
	struct plan_pairs more;
	char *before, *fresh, *kept;
	size_t n;

	job_init(&j, &f, PLAN_PAIRS);
	before = fab_plan_json(&j.t, &j.m, &j.o);
	/* The job grows: a second permutation's flows join the first's. */
	fab_permutation(&j.m, 4, &more);
	n = j.pairs.n;
	j.pairs.v = realloc(j.pairs.v, (n + more.n) * sizeof(*j.pairs.v));
	for (size_t i = 0; i < more.n; i++) {
		bool dup = false;

		for (size_t q = 0; q < n; q++)
			dup |= j.pairs.v[q].src == more.v[i].src && j.pairs.v[q].dst == more.v[i].dst;
		if (!dup)
			j.pairs.v[j.pairs.n++] = more.v[i];
	}
	plan_pairs_free(&more);
	fresh = fab_plan_json(&j.t, &j.m, &j.o);
	j.o.previous = prev_of(before);
	kept = fab_plan_json(&j.t, &j.m, &j.o);
	cr_assert_eq(field(kept, "max_load"), field(fresh, "max_load"));
	cr_assert_eq(field(kept, "max_load"), field(kept, "lower_bound"));
	cr_assert_eq(field(kept, "moved"), differing_flows(before, kept));
	cr_assert_lt(field(kept, "moved"), differing_flows(before, fresh),
		     "a fresh plan reshuffles the old flows; --previous keeps them");
	plan_prev_free((struct plan_prev *)j.o.previous);
	free(before);
	free(fresh);
	free(kept);
	job_free(&j);
}

Test(plan_churn, repair_goes_back_without_raising_the_max)
{
	struct fab whole = { .leaves = 6, .spines = 4 };
	struct fab broken = { .leaves = 6, .spines = 4, .fail_links = 1, .fail_seed = 5 };
	struct job j0, j1;
	char *during, *after;

	job_init(&j0, &broken, PLAN_ALL_TO_ALL);
	job_init(&j1, &whole, PLAN_ALL_TO_ALL);
	during = fab_plan_json(&j0.t, &j0.m, &j0.o);
	j1.o.previous = prev_of(during);
	after = fab_plan_json(&j1.t, &j1.m, &j1.o);
	cr_assert_eq(field(after, "max_load"), field(after, "lower_bound"));
	cr_assert_eq(field(after, "moved"), differing_flows(during, after));
	plan_prev_free((struct plan_prev *)j1.o.previous);
	free(during);
	free(after);
	job_free(&j0);
	job_free(&j1);
}

Test(plan_churn, unusable_previous_paths_count_as_moved)
{
	struct fab f = { .leaves = 4, .spines = 2 };
	struct job j;
	char *two, *one;

	job_init(&j, &f, PLAN_PAIRS);
	j.o.paths = 2;
	two = fab_plan_json(&j.t, &j.m, &j.o);
	j.o.paths = 1;
	j.o.previous = prev_of(two);
	one = fab_plan_json(&j.t, &j.m, &j.o);
	/* Weights that do not add up to --paths: every flow changes its path set. */
	cr_assert_eq(field(one, "moved"), field(one, "flows"));
	plan_prev_free((struct plan_prev *)j.o.previous);
	/* A previous plan naming vertexes this topology lacks, and a flow of hosts
	 * outside the job: ignored, not an error. */
	j.o.previous = prev_of("{\"flows\":[{\"src\":\"hosts/host0000\",\"dst\":\"hosts/host9999\","
			       "\"paths\":[]},{\"src\":\"hosts/host0000\",\"dst\":\"hosts/host0001\","
			       "\"paths\":[{\"vertices\":[\"hosts/host0000\",\"fabric_node/gone\","
			       "\"hosts/host0001\"],\"weight\":1}]}]}");
	free(one);
	one = fab_plan_json(&j.t, &j.m, &j.o);
	cr_assert_leq(field(one, "moved"), 1);
	plan_prev_free((struct plan_prev *)j.o.previous);
	free(two);
	free(one);
	job_free(&j);
}

static void prev_bad(const char *json, const char *want)
{
	cJSON *root = cJSON_Parse(json);
	struct plan_prev *pv = (struct plan_prev *)0x1;
	struct err e = { "" };

	cr_assert_not_null(root, "test bug: %s", json);
	cr_assert_eq(plan_prev_from_json(root, &pv, &e), -1, "accepted %s", json);
	cr_assert_null(pv);
	cr_assert_str_eq(e.msg, want);
	cJSON_Delete(root);
}

Test(plan_churn, malformed_previous_plans)
{
	prev_bad("[]", "expected a plan: an object with a \"flows\" array");
	prev_bad("{\"summary\":{}}", "expected a plan: an object with a \"flows\" array");
	prev_bad("{\"flows\":[{\"src\":\"hosts/a\"}]}",
		 "flows[0]: needs src, dst (vertex ids) and paths (an array)");
	prev_bad("{\"flows\":[{\"src\":\"hosts/a\",\"dst\":\"hosts/b\",\"paths\":[7]}]}",
		 "flows[0].paths[0] is not an object");
	prev_bad("{\"flows\":[{\"src\":\"hosts/a\",\"dst\":\"hosts/b\",\"paths\":[{\"weight\":1}]}]}",
		 "flows[0].paths[0]: vertices must be an array of vertex ids");
	prev_bad("{\"flows\":[{\"src\":\"hosts/a\",\"dst\":\"hosts/b\",\"paths\":[{\"vertices\":[],"
		 "\"weight\":0}]}]}",
		 "flows[0].paths[0]: weight must be an integer from 1 to 255");
	prev_bad("{\"flows\":[{\"src\":\"hosts/a\",\"dst\":\"hosts/b\",\"paths\":[{\"vertices\":[1],"
		 "\"weight\":1}]}]}",
		 "flows[0].paths[0]: vertices must be an array of vertex ids");
}

Test(plan_churn, previous_plan_files)
{
	char path[] = "/tmp/srv6-plan-prev-XXXXXX";
	int fd = mkstemp(path);
	struct plan_prev *pv;
	struct err e = { "" };
	char want[256];

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "{\"flows\":", 9), 9);
	close(fd);
	cr_assert_eq(plan_prev_load(path, &pv, &e), -1);
	snprintf(want, sizeof(want), "previous plan %s: invalid JSON", path);
	cr_assert_str_eq(e.msg, want);
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_eq(write(fd, "{\"flows\":[]}", 12), 12);
	close(fd);
	cr_assert_eq(plan_prev_load(path, &pv, &e), 0, "%s", e.msg);
	plan_prev_free(pv);
	unlink(path);
	cr_assert_eq(plan_prev_load(path, &pv, &e), -1);
	snprintf(want, sizeof(want), "cannot read previous plan %s: No such file or directory", path);
	cr_assert_str_eq(e.msg, want);
}
