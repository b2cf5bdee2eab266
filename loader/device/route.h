/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Programming peers' path sets into a loaded datapath, all or nothing. */
#ifndef SRV6_ROUTE_H
#define SRV6_ROUTE_H

#include <stddef.h>
#include "platform/ctx.h"
#include "util/err.h"
#include "route_parse.h"

/*
 * Apply every request or none: validation against the running state (peer
 * exists or not, capacity, reachability of first SIDs, foreign host routes)
 * happens before anything changes; a kernel failure while committing rolls
 * back what this call changed. Errors name the request's peer, and for a batch
 * (origin not NULL) the file and line it came from.
 */
struct batch_origin {
	const char *file;
	const unsigned int *lines; /* lines[i]: the line of reqs[i] */
};

int route_apply(struct ctx *c, struct route_req *reqs, size_t n,
		const struct batch_origin *origin, struct err *e);

struct sync_counts {
	size_t added, replaced, unchanged, removed;
};

/*
 * What a caller that syncs again and again (the daemon) keeps between syncs:
 * its last requests, and the token the datapath's peers carried after them.
 * While no one else wrote the peers and the next sync names the same peers in
 * the same order, that sync compares requests with requests and reads only
 * the peers that changed, instead of every peer of the device (the route table
 * is read either way; every peer still is when the MTU routes must be planned
 * again or a new peer needs a counter slot).
 */
struct route_memo;
struct route_memo *route_memo_new(void);
void route_memo_free(struct route_memo *m);

/*
 * Make dev's peers exactly reqs, in one all-or-nothing step: new peers are
 * added, changed ones replaced, unchanged ones (same SIDs and weights) left
 * alone, peers not in reqs removed. reqs' verb and dev are ignored. memo may
 * be NULL.
 */
int route_sync(struct ctx *c, const char *dev, const struct route_req *reqs, size_t n,
	       struct sync_counts *counts, struct route_memo *memo, struct err *e);

/* Print the peers on dev (or every loaded dev when dev is NULL). */
int route_show(struct ctx *c, const char *dev, struct err *e);

#endif
