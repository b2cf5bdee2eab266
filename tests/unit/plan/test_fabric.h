/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Generated fabrics for the planner's tests, in the shape Jalapeño's topology
 * endpoint gives, named and numbered as tests/jalapeno/gen_fabric.py does: leaves
 * leafNN, spines spineNN (or edgeNNN, aggNNN, coreNNN for a k-ary fat-tree),
 * hosts hostNNNN with ipv6_address 2001:db8:1:N::2, every vertex one uN SID in
 * fc00:0::/32 (spines and cores 1xxx, leaves and edges 2xxx, aggregation 3xxx).
 * Shuffled variants hold the same fabric in another order.
 */
#ifndef SRV6_TEST_PLAN_FABRIC_H
#define SRV6_TEST_PLAN_FABRIC_H

#include <stdbool.h>
#include <stdint.h>
#include "fabric/membership.h"
#include "plan/plan.h"
#include "fabric/topology.h"

struct fab {
	int leaves, spines;  /* a 2-tier leaf-spine, unless fat_k is set */
	int fat_k;           /* a k-ary fat-tree */
	int hosts_per_leaf;  /* per leaf or edge switch; 0: spines (leaf-spine) or k/2 */
	int fail_links;      /* leaf-spine or agg-core links marked down, both ways */
	uint64_t fail_seed;
	uint64_t shuffle;    /* 0: canonical order, else vertex and edge order shuffled */
	uint64_t capacity;   /* 0: no capacity field */
};

/* The topology JSON (free() it) and the number of hosts. */
char *fab_json(const struct fab *f, int *nhosts);
/* The same, parsed (asserts success). */
void fab_topology(const struct fab *f, struct topology *t, int *nhosts);

/* host0000..host(n-1) with ranks placed by seed (0: rank = host index). */
void fab_members(int n, uint64_t seed, struct membership *m);

/* A random permutation without fixed points over the members. */
void fab_permutation(const struct membership *m, uint64_t seed, struct plan_pairs *pairs);

/* Plan and return the JSON text (free() it); asserts success. */
char *fab_plan_json(const struct topology *t, const struct membership *m,
		    const struct plan_opts *o);

#endif
