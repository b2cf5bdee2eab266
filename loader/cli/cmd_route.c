// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf route`: peers and their paths, one at a time or a batch file. */
#include "commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "device/route.h"
#include "device/route_parse.h"

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
	"it atomically. Each PEER also gets a host route (protocol 206) whose MTU leaves\n"
	"room for the SRv6 headers. -batch reads lines in the same grammar, optionally\n"
	"starting with \"route\" and a verb; '#' starts a comment, so `route show`\n"
	"output reads back. A batch is applied entirely or not at all.\n";

/* Read FILE (or stdin for "-") into requests, one per non-empty line. */
static int read_batch(const char *file, enum route_verb verb, struct route_req **reqs,
		      unsigned int **lines, size_t *count, struct err *e)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, n = 0, linecap = 0;
	unsigned int lineno = 0, *l = NULL;
	struct route_req *v = NULL;
	int rc = 0;

	if (!f)
		return errf(e, "cannot read %s: %s", file, strerror(errno));
	while (getline(&line, &linecap, f) >= 0) {
		bool empty;

		lineno++;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			void *nv = realloc(v, ncap * sizeof(*v)), *nl;

			if (nv)
				v = nv;
			nl = nv ? realloc(l, ncap * sizeof(*l)) : NULL;
			if (!nl) {
				rc = errf(e, "out of memory");
				break;
			}
			l = nl;
			cap = ncap;
		}
		if (route_line_parse(verb, line, &v[n], &empty, e)) {
			err_prefix(e, "%s:%u", file, lineno);
			rc = -1;
			break;
		}
		if (!empty)
			l[n++] = lineno;
	}
	free(line);
	if (f != stdin)
		fclose(f);
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
