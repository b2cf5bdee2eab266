/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Jalapeño topology (GET /graphs/{collection}/topology, or a file of the
 * same shape) as a graph: vertices sorted by id, each with the one SID a path
 * through it contributes (chosen as Jalapeño's process_path_data does), and
 * directed edges sorted by (from, to) with up/down state and capacity.
 *
 * Conventions srv6-bpf adds: an edge with "status":"down" is down (an absent
 * edge is down too); "capacity" is a positive integer in any unit, the same for
 * all edges (default 1). Parallel edges between the same two vertices are one
 * link to the planner (SIDs name vertices, so a path cannot pick one of them):
 * up if any is up, with the sum of the up ones' capacities.
 */
#ifndef SRV6_TOPOLOGY_H
#define SRV6_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "util/addr.h"
#include "util/err.h"
#include "srv6_bpf.h"

#define TOPO_HOST_PREFIX "hosts/"
#define TOPO_FILE_MAX (1024ul * 1024 * 1024)
#define TOPO_CAPACITY_MAX (1ull << 53) /* integers a JSON double holds exactly */

struct topo_vertex {
	char *id;         /* "_id": "hosts/host00", "fabric_node/10.0.0.200_leaf00" */
	bool is_host;     /* id starts with "hosts/" */
	bool has_sid;     /* the SID this vertex contributes to a path */
	__u8 sid[SRV6_ADDR_LEN];
	struct host_addrs addrs; /* ipv6_address, ipv4_address */
};

struct topo_edge {
	uint32_t from, to; /* vertex indexes */
	bool up;
	uint64_t capacity; /* sum over the up parallel edges; 0 when down */
};

struct topology {
	struct topo_vertex *v; /* sorted by id (bytewise) */
	size_t nv;
	struct topo_edge *e;   /* sorted by (from, to), one per ordered pair */
	size_t ne;
};

/*
 * Build t from a parsed topology document. algo selects SIDs (Jalapeño's
 * algo parameter, 0 by default): the first sids entry whose
 * srv6_endpoint_behavior.algo equals it, else the first entry without
 * srv6_endpoint_behavior (plain strings, as include_all_fields=false gives,
 * count as such). Errors name the offending vertex or edge in one line.
 */
int topology_from_json(const cJSON *root, int algo, struct topology *t, struct err *e);

/* The same from text (len bytes; no NUL needed) or from a file. */
int topology_parse(const char *text, size_t len, int algo, struct topology *t, struct err *e);
int topology_load_file(const char *path, int algo, struct topology *t, struct err *e);

void topology_free(struct topology *t);

/* Index of the vertex with this id, or -1. */
long topology_find(const struct topology *t, const char *id);

/* The host name of a hosts/NAME vertex. */
static inline const char *topo_host_name(const struct topo_vertex *v)
{
	return v->id + sizeof(TOPO_HOST_PREFIX) - 1;
}

#endif
