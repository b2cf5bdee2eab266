/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The planner's internal state, shared by the files in plan/: the graph of up
 * links, hosts' attachments, candidate path sets, flows split into subflows,
 * and link loads. Everything is indexed in canonical order (vertex ids sorted,
 * edges by (from, to), flows by (src, dst)) so no result depends on input order.
 */
#ifndef SRV6_PLAN_MODEL_H
#define SRV6_PLAN_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "util/err.h"
#include "fabric/membership.h"
#include "fabric/topology.h"
#include "types.h"

#define NONE UINT32_MAX
#define PLAN_CANDS_MAX 256 /* candidate paths kept per flow */
#define PLAN_HOPS_MAX 32   /* edges in one candidate path */
#define PLAN_DIST_INF UINT16_MAX
#define PLAN_SWITCHES_MAX 4096u

/* A path between two switches: len edges at path_edges[first]. */
struct pm_path {
	uint32_t first;
	uint32_t len;
};

/* One candidate of a flow: the source host's up-link att_up (index into its
 * attachments), a switch path (NONE when both ends sit on one switch, or for a
 * direct host-to-host link), the destination's down-link att_down. */
struct pm_cand {
	uint32_t att_up, path, att_down;
};

/* The candidates every flow between hosts with these attachments shares. */
struct pm_cset {
	uint32_t first, count; /* in cands[] */
	uint32_t hops;         /* edges per candidate, host links included */
	bool direct;           /* the one candidate is a direct host-to-host link */
};

struct pm_flow {
	uint32_t src, dst; /* vertex indexes */
	uint32_t demand;
	uint32_t cset;     /* NONE: no path (unroutable) */
};

/* Host attachments of one vertex: edge ids, ordered by the switch's index. */
struct pm_att {
	uint32_t up_first, up_count;     /* in att_edges[]: host -> switch */
	uint32_t down_first, down_count; /* in att_edges[]: switch -> host */
	uint32_t up_sig, down_sig;       /* interned switch lists */
};

/* A small open-addressing map from 64-bit keys to indexes (lookup only: never iterated). */
struct pm_map {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n;
};

/* A previous plan (previous.c reads it, churn.c keeps its paths). */
struct prev_path {
	uint32_t first, n; /* vertex names in verts[] */
	uint32_t weight;
};

struct prev_flow {
	uint32_t src, dst;         /* names */
	uint32_t first, npaths;    /* in paths[] */
};

struct plan_prev {
	char **names; /* interned vertex ids */
	uint32_t nnames, names_cap;
	struct pm_map name_of;
	uint32_t *verts;
	size_t nverts, verts_cap;
	struct prev_path *paths;
	size_t npaths, paths_cap;
	struct prev_flow *flows;
	size_t nflows;
};

struct plan {
	const struct topology *t;
	const struct membership *m;
	struct plan_opts o;
	unsigned int k; /* subflows per flow */

	/* Up links as CSR, by source (ordered by destination) and by destination. */
	uint32_t nv, ne;
	uint32_t *out_start, *out_edge;
	uint32_t *in_start, *in_edge;
	uint32_t *any_start; /* per vertex: its edges in t->e, up or down (a range) */
	uint64_t *cap; /* capacity / cap_gcd; 0 when down */
	uint64_t cap_gcd; /* of all up capacities */

	/* Switches (non-host vertices) and hop distances between them. */
	uint32_t nsw;
	uint32_t *sw_of; /* vertex -> switch index, NONE for hosts */
	uint32_t *sw_vertex;
	uint16_t *dist; /* nsw x nsw, over switch-to-switch links */

	/* Switch-to-switch shortest paths, enumerated on first use. */
	uint32_t *pair_paths; /* nsw x nsw: index of the first path in paths[], NONE if not yet */
	uint32_t *pair_count;
	struct pm_path *paths;
	uint32_t npaths, paths_cap;
	uint32_t *path_edges;
	uint32_t npath_edges, path_edges_cap;

	/* Hosts' attachments (indexed by vertex; unused for switches). */
	struct pm_att *att;
	uint32_t *att_edges;
	uint32_t *sig_first, *sig_count, *sig_sw; /* interned sorted switch lists */
	uint32_t nsig;

	/* Candidate sets. */
	struct pm_cset *csets;
	uint32_t ncsets, csets_cap;
	struct pm_cand *cands;
	uint32_t ncands, cands_cap;
	struct pm_map cset_of; /* (up_sig << 32 | down_sig) -> cset */

	/* Flows, sorted by (src, dst), and their subflows' chosen candidates. */
	struct pm_flow *flows;
	size_t nflows;
	uint32_t *member_of; /* vertex -> member index, NONE for non-members */
	uint32_t *sub;       /* nflows x k: candidate index within the flow's cset */
	uint64_t *load;      /* per edge, in subflow units (demand per subflow) */

	struct plan_summary s;
	struct plan_ratio lb_units; /* lower bound in units / capacity */
	double plan_s, baselines_s; /* wall clock, for --timing */
};

/* graph.c: graph, distances, attachments, candidate sets. */
int pm_graph_build(struct plan *p, struct err *e);
int pm_cset_for(struct plan *p, uint32_t src, uint32_t dst, uint32_t *cset, struct err *e);
/* Edges of candidate c of flow f (host links included); returns the count. */
uint32_t pm_cand_edges(const struct plan *p, const struct pm_flow *f, uint32_t c,
		       uint32_t out[PLAN_HOPS_MAX]);
/* The up edge from a to b (vertex indexes), or NONE. */
uint32_t pm_edge_find(const struct plan *p, uint32_t a, uint32_t b);
/* The edge from a to b, up or down, or NONE: the fabric as built. */
uint32_t pm_edge_any(const struct plan *p, uint32_t a, uint32_t b);

int pm_map_init(struct pm_map *m, size_t expect);
void pm_map_free(struct pm_map *m);
uint32_t pm_map_get(const struct pm_map *m, uint64_t key);
int pm_map_put(struct pm_map *m, uint64_t key, uint32_t val);

/* flows.c: the traffic pattern as flows. */
int pm_flows_build(struct plan *p, struct err *e);

/* load.c: link loads and the lower bound. */
static inline uint64_t pm_gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;

		a = b;
		b = r;
	}
	return a;
}

static inline int pm_ratio_cmp(uint64_t an, uint64_t ad, uint64_t bn, uint64_t bd)
{
	unsigned __int128 l = (unsigned __int128)an * bd, r = (unsigned __int128)bn * ad;

	return l < r ? -1 : l > r;
}
void pm_load_apply(struct plan *p, const struct pm_flow *f, uint32_t c, int64_t delta);
void pm_loads_recompute(struct plan *p);
/* The busiest up link (lowest index on ties) and its load ratio in units. */
uint32_t pm_max_edge(const struct plan *p, struct plan_ratio *r);
int pm_lower_bound(struct plan *p, struct err *e);

/* colour.c: exact assignments for leaf-spine and fat-tree fabrics. */
enum plan_method pm_colour(struct plan *p, struct err *e, int *rc);
/* Colour items (left[i], right[i]) with ncol colours so that at every vertex
 * each colour is used at most ceil(degree / ncol) times (König). */
int pm_balanced_colour(uint32_t nleft, uint32_t nright, uint32_t ncol, const uint32_t *left,
		       const uint32_t *right, size_t n, uint32_t *colour, struct err *e);

/* search.c: greedy least-loaded, then bounded local search. */
int pm_greedy(struct plan *p, const bool *fixed, struct err *e);
int pm_local_search(struct plan *p, struct err *e);

/* baseline.c: what ECMP hashing and Jalapeño's load endpoint would do. */
int pm_ecmp(struct plan *p, struct err *e);
int pm_jalapeno_load(struct plan *p, struct err *e);

/* churn.c: keep the previous plan's paths where they cost nothing. */
int pm_churn(struct plan *p, struct err *e);
/* The flow (src, dst) or NONE. */
uint32_t pm_flow_find(const struct plan *p, uint32_t src, uint32_t dst);

/* Cheap deterministic mixing (SplitMix64 finaliser). */
static inline uint64_t pm_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

#endif
