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

#include <stdbool.h>
#include "util/err.h"
#include "platform/request.h"

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
