// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf route`: peers and their paths, one at a time or a batch file. */
#include "commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "device/route.h"
#include "device/route_parse.h"
#include "util/lines.h"

const char usage_route[] =
	"Usage: srv6-bpf route add|replace PEER dev DEV segs SID[,SID...] [weight W]\n"
	"       srv6-bpf route add|replace PEER dev DEV path segs SID[,SID...] [weight W]\n"
	"                                               [path segs ... [weight W]]...\n"
	"       srv6-bpf route del PEER dev DEV\n"
	"       srv6-bpf route add|replace|del -batch FILE\n"
	"       srv6-bpf route show [dev DEV]\n"
	"\n"
	"PEER is an IPv6 or IPv4 host address. A path is 1-4 SIDs (the first one is the\n"
	"outer destination; the rest go into an SRH); a peer has 1-8 paths with weights\n"
	"1-255 (default 1). Each flow (5-tuple) takes one path; flows spread over paths\n"
	"in proportion to their weights. add fails if PEER has a route; replace swaps\n"
	"it atomically. Each PEER is also reached through a route (protocol 206: its\n"
	"host route, or a prefix route peers share) whose MTU leaves room for the SRv6\n"
	"headers; `ip route get PEER` shows it. -batch reads lines in the same grammar,\n"
	"optionally starting with \"route\" and a verb; '#' starts a comment, so\n"
	"`route show` output reads back. A batch is applied entirely or not at all.\n";

/* Make room for one more request (and its line number). */
static int batch_grow(struct route_req **v, unsigned int **l, size_t n, size_t *cap,
		      struct err *e)
{
	size_t ncap = *cap ? *cap * 2 : 1024;
	void *nv, *nl;

	if (n < *cap)
		return 0;
	nv = realloc(*v, ncap * sizeof(**v));
	if (nv)
		*v = nv;
	nl = nv ? realloc(*l, ncap * sizeof(**l)) : NULL;
	if (!nl)
		return errf(e, "out of memory");
	*l = nl;
	*cap = ncap;
	return 0;
}

/* Read FILE (or stdin for "-") into requests, one per non-empty line. */
static int read_batch(const char *file, enum route_verb verb, struct route_req **reqs,
		      unsigned int **lines, size_t *count, struct err *e)
{
	struct line_reader r;
	size_t cap = 0, n = 0;
	unsigned int *l = NULL;
	struct route_req *v = NULL;
	int rc = 0, more;

	if (line_reader_open(&r, file, 0))
		return errf(e, "cannot read %s: %s", file, strerror(errno));
	while ((more = line_reader_next(&r)) > 0) {
		bool empty;

		if (batch_grow(&v, &l, n, &cap, e)) {
			rc = -1;
			break;
		}
		if (route_line_parse(verb, r.line, &v[n], &empty, e)) {
			err_prefix(e, "%s:%zu", file, r.lineno);
			rc = -1;
			break;
		}
		if (!empty)
			l[n++] = (unsigned int)r.lineno;
	}
	if (more < 0 && rc == 0)
		rc = errf(e, "cannot read %s: %s", file, strerror(errno));
	line_reader_close(&r);
	*reqs = v;
	*lines = l;
	*count = n;
	return rc;
}

int cmd_route(struct ctx *c, int argc, char **argv, struct err *e)
{
	enum route_verb verb;

	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return dev_view(c, argc ? argc - 1 : 0, argv + 1, "route show", route_show, false, e);
	if (route_verb_parse(argv[0], &verb))
		return errf(e, "route: unknown command \"%s\" (add, replace, del, show)", argv[0]);
	if (argc >= 2 && !strcmp(argv[1], "-batch")) {
		struct route_req *reqs = NULL;
		struct batch_origin origin = { .file = NULL };
		unsigned int *lines = NULL;
		size_t n = 0;
		int rc;

		if (argc != 3)
			return errf(e, "route %s -batch: give exactly one FILE (- for stdin)", argv[0]);
		rc = read_batch(argv[2], verb, &reqs, &lines, &n, e);
		origin.file = argv[2];
		origin.lines = lines;
		if (rc == 0)
			rc = check_caps(c, e) || route_apply(c, reqs, n, &origin, e);
		free(lines);
		free(reqs);
		return rc ? -1 : 0;
	}
	{
		struct route_req req;

		if (route_req_parse(verb, argc - 1, argv + 1, &req, e)) {
			err_prefix(e, "route %s", argv[0]);
			return -1;
		}
		return check_caps(c, e) || route_apply(c, &req, 1, NULL, e) ? -1 : 0;
	}
}
