// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A pairs file: "SRC DST [DEMAND]" a line, hosts by name, '#' comments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "util/array.h"
#include "util/lines.h"
#include "plan.h"

void plan_pairs_free(struct plan_pairs *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static long member_index(const struct membership *m, const char *name)
{
	const struct member *mem = membership_find(m, name);

	return mem ? (long)(mem - m->v) : -1;
}

/* "SRC DST [DEMAND]" (w: nw words, 1 to 3) into pair. */
static int pair_line(const struct membership *m, char **w, int nw, const char *path,
		     size_t lineno, struct plan_pair *pair, struct err *e)
{
	long src = member_index(m, w[0]), dst = member_index(m, w[nw > 1 ? 1 : 0]);
	unsigned long demand = 1;

	if (nw < 2)
		return errf(e, "%s:%zu: expected \"SRC DST [DEMAND]\"", path, lineno);
	if (src < 0 || dst < 0)
		return errf(e, "%s:%zu: unknown host \"%.64s\": not in the job's hosts (HOSTS or --hosts-file)",
			    path, lineno, src < 0 ? w[0] : w[1]);
	if (src == dst)
		return errf(e, "%s:%zu: flow from %s to itself", path, lineno, w[0]);
	if (nw == 3 && parse_uint(w[2], 1, PLAN_DEMAND_MAX, &demand))
		return errf(e, "%s:%zu: invalid demand \"%.32s\": give an integer from 1 to %u",
			    path, lineno, w[2], PLAN_DEMAND_MAX);
	*pair = (struct plan_pair){ (size_t)src, (size_t)dst, (uint32_t)demand };
	return 0;
}

int plan_pairs_load(const char *path, const struct membership *m, struct plan_pairs *out,
		    struct err *e)
{
	struct line_reader r;
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (line_reader_open(&r, path, LINES_COMMENTS | LINES_SKIP_BLANK))
		return errf(e, "cannot read pairs file %s: %s", path, strerror(errno));
	while ((rc = line_reader_next(&r)) > 0) {
		char *w[3];
		int nw = line_words(r.line, w, 3);
		struct plan_pair pair;

		if (nw > 3) {
			errf(e, "%s:%zu: expected \"SRC DST [DEMAND]\"", path, r.lineno);
			goto fail;
		}
		if (pair_line(m, w, nw, path, r.lineno, &pair, e))
			goto fail;
		if (!array_append((void **)&out->v, &out->n, &cap, &pair, sizeof(pair))) {
			errf(e, "out of memory");
			goto fail;
		}
	}
	if (rc < 0) {
		errf(e, "cannot read pairs file %s: %s", path, strerror(errno));
		goto fail;
	}
	line_reader_close(&r);
	return 0;
fail:
	line_reader_close(&r);
	plan_pairs_free(out);
	return -1;
}
