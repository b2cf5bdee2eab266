// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The planner on small fabrics whose answers are checked by hand. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/array.h"
#include "util/addr.h"
#include "plan/plan.h"
#include "test_fabric.h"
#include "unit_helpers.h"

/*
 * A topology from a compact spec: "h0-L0 L0-S0!" etc. Names starting with h
 * are hosts/hN (SID fc00:0:e00N::, ipv6 2001:db8::N), L leaves (1000 + N),
 * S spines (2000 + N). "A-B" is a link both ways, "A>B" one way, a trailing
 * "!" marks it down, "*C" gives it capacity C.
 */
static char *mini_json(const char *spec)
{
	cJSON *root = cJSON_CreateObject(), *vs = cJSON_CreateObject(), *es = cJSON_CreateArray();
	char *copy = strdup(spec), *save = NULL, *text;

	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char a[16] = "", b[16] = "", sep = 0, *bang = strchr(tok, '!'), *star = strchr(tok, '*');
		unsigned long cap = star ? strtoul(star + 1, NULL, 10) : 0;

		cr_assert_eq(sscanf(tok, "%15[A-Za-z0-9]%c%15[A-Za-z0-9]", a, &sep, b), 3, "spec %s", tok);
		for (int k = 0; k < 2; k++) {
			const char *name = k ? b : a;
			char id[32], sid[32], addr[32];
			unsigned int n = (unsigned int)atoi(name + 1);
			cJSON *v, *sids, *s;

			snprintf(id, sizeof(id), "%s/%s", name[0] == 'h' ? "hosts" : "fabric_node", name);
			if (cJSON_GetObjectItemCaseSensitive(vs, id))
				continue;
			v = cJSON_CreateObject();
			snprintf(sid, sizeof(sid), "fc00:0:%x::",
				 (name[0] == 'h' ? 0xe000u : name[0] == 'L' ? 0x1000u : 0x2000u) + n);
			sids = cJSON_AddArrayToObject(v, "sids");
			s = cJSON_CreateObject();
			cJSON_AddStringToObject(s, "srv6_sid", sid);
			cJSON_AddItemToArray(sids, s);
			if (name[0] == 'h') {
				snprintf(addr, sizeof(addr), "2001:db8::%x", n);
				cJSON_AddStringToObject(v, "ipv6_address", addr);
			}
			cJSON_AddItemToObject(vs, id, v);
		}
		for (int d = 0; d < (sep == '-' ? 2 : 1); d++) {
			cJSON *e = cJSON_CreateObject();
			char from[32], to[32];

			snprintf(from, sizeof(from), "%s/%s", (d ? b : a)[0] == 'h' ? "hosts" : "fabric_node",
				 d ? b : a);
			snprintf(to, sizeof(to), "%s/%s", (d ? a : b)[0] == 'h' ? "hosts" : "fabric_node",
				 d ? a : b);
			cJSON_AddStringToObject(e, "_from", from);
			cJSON_AddStringToObject(e, "_to", to);
			if (bang)
				cJSON_AddStringToObject(e, "status", "down");
			if (cap)
				cJSON_AddNumberToObject(e, "capacity", (double)cap);
			cJSON_AddItemToArray(es, e);
		}
	}
	cJSON_AddItemToObject(root, "vertices", vs);
	cJSON_AddItemToObject(root, "edges", es);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	free(copy);
	return text;
}

struct world {
	struct topology t;
	struct membership m;
	struct plan_pairs pairs;
	struct plan_opts o;
	struct plan *p;
	cJSON *json; /* the plan, parsed back */
};

/* Hosts (a HOSTS list), pairs "h0>h2:3 h1>h3" (demand after ':'), or NULL for
 * all-to-all. */
static void world_init(struct world *w, const char *spec, const char *hosts, const char *pairs)
{
	char *text = mini_json(spec);
	struct err e = { "" };

	memset(w, 0, sizeof(*w));
	cr_assert_eq(topology_parse(text, strlen(text), 0, &w->t, &e), 0, "%s", e.msg);
	free(text);
	cr_assert_eq(membership_from_list(hosts, &w->m, &e), 0, "%s", e.msg);
	plan_opts_init(&w->o);
	if (pairs) {
		char *copy = strdup(pairs), *save = NULL;

		w->pairs.v = calloc(64, sizeof(*w->pairs.v));
		for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char s[16], d[16];
			unsigned int demand = 1;

			cr_assert_geq(sscanf(tok, "%15[a-z0-9]>%15[a-z0-9]:%u", s, d, &demand), 2);
			w->pairs.v[w->pairs.n++] = (struct plan_pair){
				(size_t)(membership_find(&w->m, s) - w->m.v),
				(size_t)(membership_find(&w->m, d) - w->m.v), demand };
		}
		free(copy);
		w->o.pattern = PLAN_PAIRS;
		w->o.pairs = &w->pairs;
	}
}

static void world_plan(struct world *w)
{
	struct err e = { "" };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(plan_compute(&w->t, &w->m, &w->o, &w->p, &e), 0, "plan: %s", e.msg);
	f = open_memstream(&text, &len);
	cr_assert_eq(plan_write_json(w->p, false, f, &e), 0, "%s", e.msg);
	fclose(f);
	w->json = cJSON_Parse(text);
	cr_assert_not_null(w->json, "plan JSON parses: %s", text);
	free(text);
}

static void world_free(struct world *w)
{
	cJSON_Delete(w->json);
	plan_free(w->p);
	plan_pairs_free(&w->pairs);
	membership_free(&w->m);
	topology_free(&w->t);
}

static double summary(const struct world *w, const char *field)
{
	const cJSON *s = cJSON_GetObjectItem(w->json, "summary");
	const cJSON *v = cJSON_GetObjectItem(s, field);

	cr_assert(cJSON_IsNumber(v), "summary.%s", field);
	return v->valuedouble;
}

static const cJSON *flow(const struct world *w, const char *src, const char *dst)
{
	const cJSON *f;
	char s[32], d[32];

	snprintf(s, sizeof(s), "hosts/%s", src);
	snprintf(d, sizeof(d), "hosts/%s", dst);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(w->json, "flows"))
		if (!strcmp(cJSON_GetObjectItem(f, "src")->valuestring, s) &&
		    !strcmp(cJSON_GetObjectItem(f, "dst")->valuestring, d))
			return f;
	cr_assert_fail("no flow %s -> %s", src, dst);
	return NULL;
}

/* The paths of a flow as "L0,S1,L1=w;..." (switch names, weight). */
static void paths_text(const cJSON *f, char *buf, size_t len)
{
	const cJSON *p, *v;
	size_t o = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(f, "paths")) {
		bool first = true;

		if (o)
			o += (size_t)snprintf(buf + o, len - o, ";");
		cJSON_ArrayForEach(v, cJSON_GetObjectItem(p, "vertices")) {
			const char *id = v->valuestring;

			if (!strncmp(id, "hosts/", 6))
				continue;
			o += (size_t)snprintf(buf + o, len - o, "%s%s", first ? "" : ",",
					      strchr(id, '/') + 1);
			first = false;
		}
		o += (size_t)snprintf(buf + o, len - o, "=%d",
				      cJSON_GetObjectItem(p, "weight")->valueint);
	}
}

static void assert_paths(const struct world *w, const char *src, const char *dst, const char *want)
{
	char got[512];

	paths_text(flow(w, src, dst), got, sizeof(got));
	cr_assert_str_eq(got, want, "%s -> %s", src, dst);
}

static double link_load(const struct world *w, const char *from, const char *to)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, cJSON_GetObjectItem(w->json, "links")) {
		const char *f = cJSON_GetObjectItem(l, "from")->valuestring;
		const char *t = cJSON_GetObjectItem(l, "to")->valuestring;

		if (!strcmp(strchr(f, '/') + 1, from) && !strcmp(strchr(t, '/') + 1, to))
			return cJSON_GetObjectItem(l, "load")->valuedouble;
	}
	return -1; /* not listed: down */
}

#define FABRIC_2X2 "h0-L0 h1-L0 h2-L1 h3-L1 L0-S0 L0-S1 L1-S0 L1-S1"

Test(plan_small, two_by_two_permutation)
{
	struct world w;
	const cJSON *f, *path;

	world_init(&w, FABRIC_2X2, "h0,h1,h2,h3", "h0>h2 h1>h3 h2>h0 h3>h1");
	w.o.has_function = true;
	w.o.function = 0xfe06;
	world_plan(&w);
	cr_assert_eq(summary(&w, "flows"), 4);
	cr_assert_eq(summary(&w, "max_load"), 1);
	cr_assert_eq(summary(&w, "lower_bound"), 1);
	/* Jalapeño-load in rank order: h0 ties -> S0, h1 sees S0 loaded -> S1, the
	 * same backwards: no collision. */
	cr_assert_eq(summary(&w, "jalapeno_load_max_load"), 1);
	cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(w.json, "summary"), "method")->valuestring,
			 "leaf-spine-colouring");
	/* König: the two L0 -> L1 flows take different spines, canonical order first. */
	assert_paths(&w, "h0", "h2", "L0,S0,L1=1");
	assert_paths(&w, "h1", "h3", "L0,S1,L1=1");
	assert_paths(&w, "h2", "h0", "L1,S0,L0=1");
	assert_paths(&w, "h3", "h1", "L1,S1,L0=1");
	f = flow(&w, "h0", "h2");
	cr_assert_eq(cJSON_GetObjectItem(f, "demand")->valueint, 1);
	path = cJSON_GetArrayItem(cJSON_GetObjectItem(f, "paths"), 0);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(path, "vertices"), 0)->valuestring,
			 "hosts/h0");
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(path, "vertices"), 4)->valuestring,
			 "hosts/h2");
	/* SIDs of L0, S0, L1, h2 in one carrier, DEST_FUNCTION last. */
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(path, "segs")), 1);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(path, "segs"), 0)->valuestring,
			 "fc00:0:1000:2000:1001:e002:fe06:0");
	for (int s = 0; s < 2; s++) {
		char sp[16];

		snprintf(sp, sizeof(sp), "S%d", s);
		cr_assert_eq(link_load(&w, "L0", sp), 1);
		cr_assert_eq(link_load(&w, sp, "L1"), 1);
	}
	cr_assert_eq(link_load(&w, "h0", "L0"), 1);
	world_free(&w);
}

Test(plan_small, down_link_forces_sharing)
{
	struct world w;

	world_init(&w, "h0-L0 h1-L0 h2-L1 h3-L1 L0-S0! L0-S1 L1-S0 L1-S1", "h0,h1,h2,h3",
		   "h0>h2 h1>h3");
	world_plan(&w);
	assert_paths(&w, "h0", "h2", "L0,S1,L1=1");
	assert_paths(&w, "h1", "h3", "L0,S1,L1=1");
	cr_assert_eq(summary(&w, "max_load"), 2);
	cr_assert_eq(summary(&w, "lower_bound"), 2, "L0 has one uplink left");
	cr_assert_eq(summary(&w, "ecmp_max_load"), 2, "hashing never uses a down link");
	cr_assert_eq(summary(&w, "jalapeno_load_max_load"), 2);
	cr_assert_eq(link_load(&w, "L0", "S0"), -1, "a down link is not listed");
	cr_assert_eq(link_load(&w, "L0", "S1"), 2);
	cr_assert_eq(link_load(&w, "S1", "L1"), 2);
	cr_assert_eq(link_load(&w, "S0", "L1"), 0);
	world_free(&w);
}

Test(plan_small, down_link_detour_when_no_shortest_path_is_left)
{
	struct world w;

	/* L0's only spine link to L1's spine is down: the best remaining path goes
	 * L0 -> S1 -> L2 -> S0 -> L1. */
	world_init(&w, "h0-L0 h1-L1 L0-S0! L0-S1 L1-S0 L2-S0 L2-S1", "h0,h1", "h0>h1");
	world_plan(&w);
	assert_paths(&w, "h0", "h1", "L0,S1,L2,S0,L1=1");
	cr_assert_eq(summary(&w, "max_load"), 1);
	world_free(&w);
}

Test(plan_small, oversubscribed_leaf)
{
	struct world w;

	world_init(&w, "h0-L0 h1-L0 h2-L0 h3-L0 h4-L1 h5-L1 h6-L1 h7-L1 L0-S0 L0-S1 L1-S0 L1-S1",
		   "h0,h1,h2,h3,h4,h5,h6,h7", "h0>h4 h1>h5 h2>h6 h3>h7 h4>h0 h5>h1 h6>h2 h7>h3");
	world_plan(&w);
	cr_assert_eq(summary(&w, "lower_bound"), 2, "4 flows over 2 uplinks");
	cr_assert_eq(summary(&w, "max_load"), 2);
	cr_assert_eq(link_load(&w, "L0", "S0"), 2);
	cr_assert_eq(link_load(&w, "L0", "S1"), 2);
	cr_assert_eq(link_load(&w, "S0", "L0"), 2);
	cr_assert_eq(link_load(&w, "S1", "L0"), 2);
	world_free(&w);
}

Test(plan_small, capacity_weighs_links)
{
	struct world w;

	/* L0's uplinks: 2 and 1. Three flows fit at load/capacity 1: two on S0. */
	world_init(&w, "h0-L0*3 h1-L0*3 h2-L0*3 h3-L1*3 h4-L1*3 h5-L1*3 L0-S0*2 L0-S1*1 "
		       "L1-S0*2 L1-S1*1",
		   "h0,h1,h2,h3,h4,h5", "h0>h3 h1>h4 h2>h5");
	world_plan(&w);
	cr_assert_eq(summary(&w, "lower_bound"), 1);
	cr_assert_eq(summary(&w, "max_load"), 1);
	cr_assert_eq(link_load(&w, "L0", "S0"), 2);
	cr_assert_eq(link_load(&w, "L0", "S1"), 1);
	world_free(&w);
}

Test(plan_small, capacity_units_scale_the_ratio)
{
	struct world w;

	world_init(&w, "h0-L0*10 h1-L0*10 h2-L1*10 h3-L1*10 L0-S0*10 L0-S1*10 L1-S0*10 L1-S1*10",
		   "h0,h1,h2,h3", "h0>h2 h1>h3");
	world_plan(&w);
	cr_assert_float_eq(summary(&w, "max_load"), 0.1, 1e-12);
	cr_assert_float_eq(summary(&w, "lower_bound"), 0.1, 1e-12);
	cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(w.json, "links"), 0),
					 "capacity")->valueint, 10);
	world_free(&w);
}

Test(plan_small, unequal_demands)
{
	struct world w;

	/* Host links wide enough not to matter: 3 + 1 + 1 + 1 over two uplinks is
	 * 3 and 3 at best, which greedy (largest first) finds. */
	world_init(&w, "h0-L0*10 h1-L0*10 h2-L0*10 h3-L0*10 h4-L1*10 h5-L1*10 h6-L1*10 h7-L1*10 "
		       "L0-S0*10 L0-S1*10 L1-S0*10 L1-S1*10",
		   "h0,h1,h2,h3,h4,h5,h6,h7", "h0>h4:3 h1>h5 h2>h6 h3>h7");
	world_plan(&w);
	cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(w.json, "summary"), "method")->valuestring,
			 "greedy-local-search");
	cr_assert_float_eq(summary(&w, "lower_bound"), 0.3, 1e-12);
	cr_assert_float_eq(summary(&w, "max_load"), 0.3, 1e-12);
	cr_assert_eq(cJSON_GetObjectItem(flow(&w, "h0", "h4"), "demand")->valueint, 3);
	assert_paths(&w, "h0", "h4", "L0,S0,L1=1");
	assert_paths(&w, "h1", "h5", "L0,S1,L1=1");
	assert_paths(&w, "h2", "h6", "L0,S1,L1=1");
	assert_paths(&w, "h3", "h7", "L0,S1,L1=1");
	world_free(&w);
}

Test(plan_small, leaf_with_one_uplink_left)
{
	struct world w;

	/* L1 -> S0 is down: L1's two outgoing flows share S1, the rest avoid it. */
	world_init(&w, "h0-L0 h1-L0 h2-L1 h3-L1 h4-L2 h5-L2 L0-S0 L0-S1 L1-S0! L1-S1 L2-S0 L2-S1",
		   "h0,h1,h2,h3,h4,h5", "h0>h4 h1>h2 h2>h5 h3>h0 h4>h3 h5>h1");
	world_plan(&w);
	cr_assert_eq(summary(&w, "lower_bound"), 2);
	cr_assert_eq(summary(&w, "max_load"), 2);
	cr_assert_eq(link_load(&w, "L1", "S1"), 2);
	cr_assert_eq(link_load(&w, "S1", "L1"), 2);
	assert_paths(&w, "h2", "h5", "L1,S1,L2=1");
	assert_paths(&w, "h3", "h0", "L1,S1,L0=1");
	world_free(&w);
}

Test(plan_small, same_leaf_unroutable_and_direct_links)
{
	struct world w;

	world_init(&w, "h0-L0 h1-L0 h10-h0 h9-L1! L0-S0 L1-S0", "h0,h1,h9,h10", "h0>h1 h0>h9 h0>h10");
	world_plan(&w);
	assert_paths(&w, "h0", "h1", "L0=1");
	assert_paths(&w, "h0", "h9", "");
	assert_paths(&w, "h0", "h10", "=1");
	cr_assert_eq(summary(&w, "unroutable"), 1);
	cr_assert_eq(summary(&w, "flows"), 3);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
				     flow(&w, "h0", "h1"), "paths"), 0), "segs"), 0)->valuestring,
			 "fc00:0:1000:e001::");
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
				     flow(&w, "h0", "h10"), "paths"), 0), "segs"), 0)->valuestring,
			 "fc00:0:e00a::");
	world_free(&w);
}

Test(plan_small, paths_split_with_weights)
{
	struct world w;

	world_init(&w, FABRIC_2X2, "h0,h1,h2,h3", "h0>h2 h1>h3");
	w.o.paths = 3;
	world_plan(&w);
	/* Six subflows from L0 to L1 over two spines: three each. */
	assert_paths(&w, "h0", "h2", "L0,S0,L1=2;L0,S1,L1=1");
	assert_paths(&w, "h1", "h3", "L0,S0,L1=1;L0,S1,L1=2");
	cr_assert_eq(summary(&w, "paths_per_flow"), 3);
	cr_assert_eq(summary(&w, "max_load"), 1);
	cr_assert_eq(link_load(&w, "L0", "S0"), 1);
	plan_free(w.p);
	cJSON_Delete(w.json);
	w.o.paths = 4;
	world_plan(&w);
	assert_paths(&w, "h0", "h2", "L0,S0,L1=2;L0,S1,L1=2");
	cr_assert_eq(summary(&w, "max_load"), 1);
	plan_free(w.p);
	cJSON_Delete(w.json);
	/* Half a flow per link when the flows are alone. */
	w.pairs.n = 1;
	w.o.paths = 2;
	world_plan(&w);
	cr_assert_eq(summary(&w, "max_load"), 1, "the host link still carries the whole flow");
	cr_assert_float_eq(link_load(&w, "L0", "S0"), 0.5, 1e-12);
	cr_assert_float_eq(link_load(&w, "L0", "S1"), 0.5, 1e-12);
	world_free(&w);
}

Test(plan_small, a_pair_given_twice_adds_up)
{
	struct world w;

	world_init(&w, FABRIC_2X2, "h0,h1,h2,h3", "h0>h2 h0>h2:2");
	world_plan(&w);
	cr_assert_eq(summary(&w, "flows"), 1);
	cr_assert_eq(cJSON_GetObjectItem(flow(&w, "h0", "h2"), "demand")->valueint, 3);
	world_free(&w);
}

Test(plan_small, all_to_all_and_ring)
{
	struct world w;

	world_init(&w, FABRIC_2X2, "h0,h1,h2,h3", NULL);
	world_plan(&w);
	cr_assert_eq(summary(&w, "flows"), 12);
	cr_assert_eq(summary(&w, "lower_bound"), 3, "each host sends 3 flows on one link");
	cr_assert_eq(summary(&w, "max_load"), 3);
	plan_free(w.p);
	cJSON_Delete(w.json);
	w.o.pattern = PLAN_RING;
	world_plan(&w);
	cr_assert_eq(summary(&w, "flows"), 4);
	flow(&w, "h0", "h1");
	flow(&w, "h1", "h2");
	flow(&w, "h2", "h3");
	flow(&w, "h3", "h0");
	world_free(&w);
}

/* sync asks for paths only: the same plan, without the ECMP and Jalapeño-load
 * simulations (they cost more than the plan on large fabrics). */
Test(plan_small, no_baselines_same_paths)
{
	struct world with, without;

	world_init(&with, FABRIC_2X2, "h0,h1,h2,h3", NULL);
	world_plan(&with);
	world_init(&without, FABRIC_2X2, "h0,h1,h2,h3", NULL);
	without.o.no_baselines = true;
	world_plan(&without);
	cr_assert_gt(summary(&with, "ecmp_max_load"), 0);
	cr_assert_gt(summary(&with, "jalapeno_load_max_load"), 0);
	cr_assert_eq(summary(&without, "ecmp_max_load"), 0, "not simulated");
	cr_assert_eq(summary(&without, "jalapeno_load_max_load"), 0, "not simulated");
	cr_assert_eq(summary(&without, "max_load"), summary(&with, "max_load"));
	cr_assert(cJSON_Compare(cJSON_GetObjectItem(with.json, "flows"),
				cJSON_GetObjectItem(without.json, "flows"), true),
		  "identical flows and paths");
	cr_assert(cJSON_Compare(cJSON_GetObjectItem(with.json, "links"),
				cJSON_GetObjectItem(without.json, "links"), true),
		  "identical link loads");
	world_free(&with);
	world_free(&without);
}

/* --- JSON shape ----------------------------------------------------------- */

static void assert_sorted_keys(const cJSON *item, const char *where)
{
	const cJSON *c, *prev = NULL;

	cJSON_ArrayForEach(c, item) {
		if (cJSON_IsObject(item) && prev)
			cr_assert_lt(strcmp(prev->string, c->string), 0, "%s: \"%s\" before \"%s\"", where,
				     prev->string, c->string);
		prev = c;
		assert_sorted_keys(c, c->string ? c->string : where);
	}
}

Test(plan_output, json_keys_sorted_and_complete)
{
	struct world w;
	const char *summary_fields[] = { "ecmp_max_load", "flows", "jalapeno_load_max_load",
					 "lower_bound", "max_load", "moved" };
	const cJSON *l;

	world_init(&w, FABRIC_2X2, "h0,h1,h2,h3", NULL);
	world_plan(&w);
	assert_sorted_keys(w.json, "plan");
	cr_assert_str_eq(w.json->child->string, "flows");
	cr_assert_str_eq(w.json->child->next->string, "links");
	cr_assert_str_eq(w.json->child->next->next->string, "summary");
	for (size_t i = 0; i < ARRAY_SIZE(summary_fields); i++)
		summary(&w, summary_fields[i]);
	cJSON_ArrayForEach(l, cJSON_GetObjectItem(w.json, "links")) {
		cr_assert(cJSON_IsString(cJSON_GetObjectItem(l, "from")));
		cr_assert(cJSON_IsString(cJSON_GetObjectItem(l, "to")));
		cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(l, "load")));
	}
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(w.json, "links")), 16);
	world_free(&w);
}

Test(plan_output, summary_only_json_and_text)
{
	struct world w;
	struct err e = { "" };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	world_init(&w, FABRIC_2X2, "h0,h1,h2,h3", "h0>h2 h1>h3");
	world_plan(&w);
	f = open_memstream(&text, &len);
	cr_assert_eq(plan_write_json(w.p, true, f, &e), 0);
	fclose(f);
	{
		cJSON *root = cJSON_Parse(text), *s = cJSON_GetObjectItem(root, "summary"), *c;
		const char *keys[] = { "ecmp_max_load", "flows", "hosts", "jalapeno_load_max_load",
				       "lower_bound", "max_load", "method", "moved", "paths_per_flow",
				       "unroutable", "unsteerable" };
		size_t i = 0;

		cr_assert_eq(cJSON_GetArraySize(root), 1, "summary only: %s", text);
		cJSON_ArrayForEach(c, s)
			cr_assert_str_eq(c->string, keys[i++]);
		cr_assert_eq(i, ARRAY_SIZE(keys));
		cr_assert_eq(cJSON_GetObjectItem(s, "flows")->valueint, 2);
		cr_assert_eq(cJSON_GetObjectItem(s, "hosts")->valueint, 4);
		cr_assert_eq(cJSON_GetObjectItem(s, "max_load")->valueint, 1);
		cr_assert(text[len - 1] == '\n' && !strchr(text, ' '), "one compact line");
		cJSON_Delete(root);
	}
	free(text);
	f = open_memstream(&text, &len);
	cr_assert_eq(plan_write_text(w.p, false, "h0", f, &e), 0);
	fclose(f);
	cr_assert(strstr(text, "plan: 4 hosts, 2 flows (0 unroutable), 1 path per flow, method "
			       "leaf-spine-colouring\n"), "%s", text);
	cr_assert(strstr(text, "max link load 1 (lower bound 1)"), "%s", text);
	cr_assert(strstr(text, "paths from hosts/h0 (1 flows):\n  to hosts/h2  demand 1\n"
			       "    weight 1  via fabric_node/L0,fabric_node/S0,fabric_node/L1  segs "
			       "fc00:0:1000:2000:1001:e002::\n"), "%s", text);
	free(text);
	world_free(&w);
}

Test(plan_output, no_sid_means_no_segments)
{
	struct world w;
	struct err e = { "" };
	char *text = mini_json("h0-L0 h1-L0");
	cJSON *root = cJSON_Parse(text), *v;

	/* Strip every SID: the plan still says where flows go, with empty segs. */
	cJSON_ArrayForEach(v, cJSON_GetObjectItem(root, "vertices"))
		cJSON_DeleteItemFromObject(v, "sids");
	free(text);
	memset(&w, 0, sizeof(w));
	cr_assert_eq(topology_from_json(root, 0, &w.t, &e), 0, "%s", e.msg);
	cJSON_Delete(root);
	cr_assert_eq(membership_from_list("h0,h1", &w.m, &e), 0);
	plan_opts_init(&w.o);
	world_plan(&w);
	cr_assert_eq(summary(&w, "unsteerable"), 2);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
				 flow(&w, "h0", "h1"), "paths"), 0), "segs")), 0);
	world_free(&w);
}
