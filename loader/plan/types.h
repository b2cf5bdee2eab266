/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The planner's value types, below both its public API (plan.h) and its
 * internal model (model.h): options, inputs, the summary, and what the plan
 * gives a host to program (per destination, its paths: SIDs and weights).
 */
#ifndef SRV6_PLAN_TYPES_H
#define SRV6_PLAN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fabric/usid.h"
#include "util/addr.h"

struct member;

#define PLAN_DEMAND_MAX 1000000u

enum plan_pattern {
	PLAN_ALL_TO_ALL, /* every ordered pair of hosts */
	PLAN_RING,       /* rank i to rank i+1 (mod N), in rank order */
	PLAN_PAIRS,      /* explicit flows */
};

/* One explicit flow (a --pairs line): member indexes into the membership. */
struct plan_pair {
	size_t src, dst;
	uint32_t demand;
};

struct plan_pairs {
	struct plan_pair *v;
	size_t n;
};

/* A previous plan (its flows' paths), to keep where that costs nothing. */
struct plan_prev;

struct plan_opts {
	enum plan_pattern pattern;
	const struct plan_pairs *pairs; /* with PLAN_PAIRS */
	unsigned int paths;             /* K: 1..SRV6_MAX_PATHS */
	bool has_function;              /* DEST_FUNCTION, appended to each path */
	uint16_t function;
	bool block_auto;                /* micro-SID block from each path's first SID */
	struct usid_block block;        /* else this one (fc00:0::/32 by default) */
	const struct plan_prev *previous;
	bool no_baselines;              /* skip the ECMP and Jalapeño-load simulations
					   (sync needs paths, not the comparison) */
};

enum plan_method {
	PLAN_METHOD_NONE,       /* no flow to route */
	PLAN_METHOD_LEAF_SPINE, /* König edge colouring, colour = spine */
	PLAN_METHOD_FAT_TREE,   /* the same, per tier: aggregation, then core */
	PLAN_METHOD_GREEDY,     /* greedy least-loaded + bounded local search */
};

/* Loads are ratios load/capacity; each is num/den exactly. */
struct plan_ratio {
	uint64_t num, den;
};

struct plan_summary {
	size_t hosts, flows, unroutable, moved;
	unsigned int paths; /* K */
	enum plan_method method;
	struct plan_ratio max_load, lower_bound, jalapeno_load_max_load;
	struct plan_ratio ecmp_max_load; /* mean over PLAN_ECMP_SEEDS hashings */
};

#define PLAN_ECMP_SEEDS 8

/* A plan (opaque outside the planner). */
struct plan;

/*
 * The flows one host sends, as planned: the destination (its vertex and
 * addresses) and one path per distinct route, with its SIDs (segments) and
 * weight (the subflows on it). A dual-stack destination is one flow: its
 * addresses share the paths.
 */
struct plan_peer_paths {
	const struct member *member; /* of the membership the plan was computed for */
	const char *vertex;      /* hosts/NAME: the plan's topology's string */
	struct host_addrs addrs; /* the hosts file's, else the topology's, family by family */
	unsigned int path_count; /* 1..SRV6_MAX_PATHS */
	struct srv6_path paths[SRV6_MAX_PATHS]; /* seg_count, weight and segs */
};

#endif
