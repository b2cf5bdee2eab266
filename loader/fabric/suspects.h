/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Links the probes say are dead, for the planner. A probe's walk is the
 * routers it crossed out from this host (and the same back: a U-turn), named
 * by their micro-SIDs. A link between two routers is suspect when a dead walk
 * crosses it and no live walk does: a live walk proves each of its links in
 * both directions, a dead one only that one of its links fails, in one
 * direction or both. The planner then plans as if the suspects were down.
 * This host's own link to its first router is never suspect: were it dead,
 * every path would be, and no plan could help.
 */
#ifndef SRV6_SUSPECTS_H
#define SRV6_SUSPECTS_H

#include <stdbool.h>
#include <stddef.h>
#include "fabric/topology.h"
#include "fabric/usid.h"

/* Two routers' micro-SIDs, a < b. */
struct suspect_link {
	__u16 a, b;
};

struct suspect_walk {
	const __u16 *routers;
	unsigned int n;
	bool dead;
};

/* What the planner is told to avoid: links, and the block their micro-SIDs are in. */
struct suspects {
	struct usid_block block;
	struct suspect_link *links; /* sorted, no duplicates */
	size_t n;
};

/* The links dead walks cross and no live one does, into s->links (s->block is
 * left as it is); -1 out of memory. */
int suspects_find(const struct suspect_walk *w, size_t n, struct suspects *s);

/* s->links and s->n copied into out (an empty copy keeps links NULL). */
int suspects_copy(const struct suspects *s, struct suspects *out);
void suspects_free(struct suspects *s);

/*
 * Mark the suspects down in t, both directions: a router is the vertex whose
 * SID is block + its micro-SID. Links with an end t does not have are
 * skipped. Returns how many links were marked; each marked one's vertex
 * indexes go to from[i], to[i] when those are not NULL (room for s->n).
 */
size_t topology_mark_suspects(struct topology *t, const struct suspects *s, size_t *from,
			      size_t *to);

#endif
