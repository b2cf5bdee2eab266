/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `srv6-bpf sync`: work out the job (who am I, who are my peers) as the SRv6
 * PyTorch plugin does, get every peer's paths from a path source, and make
 * DEV's peers exactly that set in one all-or-nothing step.
 */
#ifndef SRV6_SYNC_H
#define SRV6_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include "platform/ctx.h"
#include "util/err.h"
#include "fabric/membership.h"
#include "fabric/suspects.h"
#include "plan/plan.h"
#include "device/route.h"
#include "platform/request.h"

enum sync_source_id {
	SYNC_SOURCE_JALAPENO_LOAD,
	SYNC_SOURCE_JALAPENO_BEST_PATHS,
	SYNC_SOURCE_TOPOLOGY,
};

/* Everything sync was told, from flags over environment over defaults. */
struct route_memo;

struct sync_opts {
	const char *dev;
	enum sync_source_id source;
	unsigned int paths;        /* --paths K: paths per peer */
	const char *endpoint;      /* JALAPENO_API_ENDPOINT */
	const char *collection;    /* TOPOLOGY_COLLECTION */
	const char *hosts_file;    /* else HOSTS */
	const char *topology_file; /* --topology-file: the topology without a server */
	bool has_function;         /* DEST_FUNCTION */
	__u16 function;
	unsigned int families;     /* --family: ADDR_FAM_BIT()s (default both) */
	const char *cacert;
	const char *header;        /* JALAPENO_API_HEADER */
	long timeout_ms;
	long connect_timeout_ms;
	unsigned int concurrency;
	unsigned int retries;
	bool dry_run;
	/* --source topology: the traffic the plan is for, and the plan to stay close to. */
	enum plan_pattern pattern;
	const char *pairs_file;          /* --pairs: explicit flows */
	const char *previous_file;       /* --previous PLAN.json */
	const struct plan_prev *previous; /* the daemon's last plan (wins over the file) */
	bool keep_plan;                   /* hand the plan back as JSON (the daemon) */
	const struct suspects *avoid;     /* links the daemon's prober found dead: planned as down */
	struct route_memo *memo;          /* the daemon's: what its last sync left (device/route.h) */
};

/* One peer of the job and, once a source filled it, its path set. */
struct sync_peer {
	const struct member *member;
	char vertex[8 + MEMBER_NAME_MAX]; /* hosts/NAME */
	char *url;                        /* where the paths came from (for errors and -j) */
	bool no_flow;                     /* topology: the plan sends it nothing, not programmed */
	/* The hosts file's, then the source's, family by family; only o->families'
	 * once the source has filled it. Each is a peer of DEV with the same paths. */
	struct host_addrs addrs;
	struct srv6_peer peer;            /* path_count and paths */
};

struct sync_job {
	const struct sync_opts *o;
	struct membership members;
	const struct member *local;
	char local_vertex[8 + MEMBER_NAME_MAX];
	struct sync_peer *peers; /* every member but the local host, in rank order */
	size_t npeers;
	/* Filled by the topology source. */
	bool has_plan;
	double plan_max_load, plan_lower_bound;
	size_t avoided; /* links of o->avoid the plan went around */
	char *plan_json; /* the whole plan (plan_write_json), for the next --previous */
};

/*
 * A path source fills every peer's peer (path_count, paths, weights) and,
 * where it knows them, the peer's addresses (host_addrs_fill: the hosts file's
 * are filled in before and win, family by family). It fails as a whole, with
 * an error naming the peer, or fills every peer.
 */
typedef int (*sync_source_fn)(struct sync_job *job, struct err *e);

/* What one sync did. */
struct sync_report {
	const char *dev;
	const char *source;
	size_t peers;     /* hosts the local host sends to */
	size_t addresses; /* their addresses: the peers of DEV (a dual-stack host is two) */
	struct sync_counts counts;
	bool has_plan; /* --source topology: the plan's quality */
	double plan_max_load, plan_lower_bound;
	size_t avoided; /* links the prober found dead that the plan went around */
	double program_s; /* programming the device (reading it, checking, committing) */
	char *plan_json; /* with has_plan: the plan; the caller frees it */
};

/* Parse-free core of `sync` (the daemon runs it in a loop): programs dev, or
 * with o->dry_run prints what it would program. */
int sync_once(struct ctx *c, const struct sync_opts *o, struct sync_report *r, struct err *e);

/* "jalapeno-load", "jalapeno-best-paths", "topology". */
const char *sync_source_name(enum sync_source_id id);

/* sync's defaults (the command line and environment are cli/cmd_sync.c's). */
#define SYNC_DEFAULT_DEV "net1"
#define SYNC_DEFAULT_COLLECTION "network_topology"
#define SYNC_DEFAULT_BEST_PATHS 4
#define SYNC_DEFAULT_TIMEOUT_MS 10000
#define SYNC_DEFAULT_CONNECT_TIMEOUT_MS 3000
#define SYNC_DEFAULT_CONCURRENCY 8
#define SYNC_DEFAULT_RETRIES 2
#define SYNC_CONCURRENCY_MAX 256
#define SYNC_RETRIES_MAX 10

/*
 * One read-only GET with sync's HTTP options (timeouts, retries, CA, header),
 * e.g. the topology for a source that plans locally: on success *body (free())
 * holds len bytes of checked answer (HTTP 200, at most max bytes, valid UTF-8,
 * NUL-terminated); errors read "GET URL: reason".
 */
int sync_http_get(const struct sync_opts *o, const char *url, size_t max, char **body,
		  size_t *len, struct err *e);

#endif
