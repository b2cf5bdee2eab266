// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A pairs file: "SRC DST [DEMAND]" a line, hosts by name, '#' comments. */
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

/* The pairs a pairs file fills, their room, and the hosts they name. */
struct pairs_file {
	const struct membership *m;
	struct plan_pairs *out;
	size_t cap;
};

/* A pairs file line, "SRC DST [DEMAND]" (w: nw words, 1 to 3). */
static int pair_line(void *arg, char **w, int nw, const char *path, size_t lineno,
		     struct err *e)
{
	struct pairs_file *pf = arg;
	const struct membership *m = pf->m;
	struct plan_pair pair;
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
	pair = (struct plan_pair){ (size_t)src, (size_t)dst, (uint32_t)demand };
	if (!array_append((void **)&pf->out->v, &pf->out->n, &pf->cap, &pair, sizeof(pair)))
		return errf(e, "out of memory");
	return 0;
}

int plan_pairs_load(const char *path, const struct membership *m, struct plan_pairs *out,
		    struct err *e)
{
	struct pairs_file pf = { m, out, 0 };

	out->v = NULL;
	out->n = 0;
	if (lines_each(path, "pairs file", 3, "SRC DST [DEMAND]", pair_line, &pf, e)) {
		plan_pairs_free(out);
		return -1;
	}
	return 0;
}
