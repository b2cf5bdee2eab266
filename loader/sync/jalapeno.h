/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Jalapeño API as srv6-bpf uses it: the URLs it asks, and defensive parsing
 * of the answers (shapes and quirks: ../shared/jalapeno-api.md) into a peer's
 * path set. Nothing here trusts the server: every field is type-checked, SID
 * lists are rebuilt from srv6_sid_list rather than taken from srv6_usid, and
 * each failure is one line saying what was wrong with the answer.
 */
#ifndef SRV6_JALAPENO_H
#define SRV6_JALAPENO_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include "util/addr.h"
#include "util/err.h"
#include "srv6_bpf.h"

/* Answers larger than this are refused (a path query answers a few KiB). */
#define JALAPENO_PATH_BODY_MAX (4u << 20)
#define JALAPENO_TOPOLOGY_BODY_MAX (64u << 20)

enum jalapeno_query {
	JALAPENO_LOAD,       /* shortest_path/load: one path, adds load on the server */
	JALAPENO_BEST_PATHS, /* shortest_path/best-paths: up to limit paths, read-only */
};

/*
 * {endpoint}/graphs/{collection}/shortest_path/{load|best-paths}
 *   ?source=SRC&destination=DST&direction=outbound[&limit=N]
 * endpoint is the API base (e.g. http://host:30800/api/v1); free() *url.
 */
int jalapeno_path_url(enum jalapeno_query q, const char *endpoint, const char *collection,
		      const char *source, const char *destination, unsigned int limit, char **url,
		      struct err *e);

/* {endpoint}/graphs/{collection}/topology; free() *url. */
int jalapeno_topology_url(const char *endpoint, const char *collection, char **url,
			  struct err *e);

/* What the caller asked and how to turn the answer into paths. */
struct jalapeno_want {
	enum jalapeno_query query;
	const char *destination; /* vertex id asked for, e.g. hosts/host01 */
	unsigned int families;   /* ADDR_FAM_BIT()s: the destination_info addresses wanted */
	bool has_function;       /* DEST_FUNCTION set: appended after the last uSID */
	__u16 function;
	unsigned int max_paths;  /* best-paths: keep at most this many, 1..SRV6_MAX_PATHS */
};

struct jalapeno_answer {
	struct host_addrs addrs; /* destination_info's of the wanted families, where given */
	struct srv6_peer peer; /* path_count and paths (weight 1 each); counters_base 0 */
};

/*
 * Check an HTTP answer: status 200, at most max bytes, no NUL, valid UTF-8.
 * Other statuses become errors that quote the server's detail (a string, or
 * FastAPI's 422 array) with a hint where Jalapeño's answer is known.
 */
int jalapeno_check(long status, const char *body, size_t len, size_t max, struct err *e);

/* jalapeno_check, then parse one JSON document. Free *root with cJSON_Delete. */
int jalapeno_json(long status, const char *body, size_t len, size_t max, cJSON **root,
		  struct err *e);

/* A load or best-paths answer into the peer's path set. */
int jalapeno_parse(const struct jalapeno_want *w, long status, const char *body, size_t len,
		   struct jalapeno_answer *out, struct err *e);

/*
 * The SID builder: one path's srv6_sid_list (full SIDs in path order) and
 * usid_block (Jalapeño's "fc00:0:" spelling, or NULL: the first SID's /32)
 * into micro-SID carriers with the function appended, split over several
 * carriers when they do not fit in one.
 */
int jalapeno_build_path(const char *const *sids, size_t n, const char *usid_block,
			bool has_function, __u16 function, struct srv6_path *out, struct err *e);

/* text for an error message: printable ASCII, at most max bytes, "..." when cut. */
void jalapeno_quote(const char *text, size_t len, char *buf, size_t max);

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool utf8_valid(const char *s, size_t len);

#endif
