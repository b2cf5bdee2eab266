/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The route grammar, iproute2 style:
 *   PEER dev DEV segs SID[,SID...] [weight W]
 *   PEER dev DEV path segs SID[,SID...] [weight W] path segs ... [weight W]
 *   PEER dev DEV                                   (del)
 * Parsing only: no kernel state is read here.
 */
#ifndef SRV6_ROUTE_PARSE_H
#define SRV6_ROUTE_PARSE_H

#include <net/if.h>
#include <stdbool.h>
#include "util/err.h"
#include "srv6_bpf.h"

enum route_verb {
	ROUTE_ADD,
	ROUTE_REPLACE,
	ROUTE_DEL,
};

struct route_req {
	enum route_verb verb;
	struct srv6_peer_key key;
	int family; /* AF_INET6 or AF_INET: how the peer was written */
	char dev[IF_NAMESIZE];
	/* path_count and each path's seg_count, weight and segs; the loader
	 * fills counters_base and flags. */
	struct srv6_peer peer;
};

const char *route_verb_name(enum route_verb verb);
int route_verb_parse(const char *word, enum route_verb *verb);

/* argv is what follows "route VERB". */
int route_req_parse(enum route_verb verb, int argc, char **argv, struct route_req *req,
		    struct err *e);

/*
 * One line of a batch file: "[route] [add|replace|del] PEER dev DEV ...", with
 * default_verb when the line names none. A word starting with '#' begins a
 * comment (so `route show` output reads back); blank lines set *empty. The line
 * is split in place.
 */
int route_line_parse(enum route_verb default_verb, char *line, struct route_req *req,
		     bool *empty, struct err *e);

#endif
