/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ECMP-collision-aware planner: given the topology, the job's hosts and a
 * traffic pattern, choose every flow's path(s) at once so that the busiest
 * link carries as little as possible. Every host runs it on the same inputs
 * and gets the same plan, byte for byte: inputs are put in a canonical order
 * (vertex ids, flow endpoints), decisions use integers only, ties break on
 * the lowest index.
 *
 * A flow is (source host, destination host, demand); with --paths K it is
 * split into K equal subflows, each on one path, so a path's weight is the
 * number of subflows on it. Loads count in those 1/K units.
 */
/*
 * Layers: types.h (value types) below model.h (the internal model) and this
 * API; the step files (graph, flows, load, colour, search, churn, baseline)
 * include model.h only; plan.c (the orchestrator), output.c, pairs.c and
 * previous.c implement this API on top of them.
 */
#ifndef SRV6_PLAN_H
#define SRV6_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "util/err.h"
#include "fabric/membership.h"
#include "fabric/topology.h"
#include "types.h"

/* "SRC DST [DEMAND]" a line, '#' comments; hosts must be members. Flows given
 * twice add up. */
int plan_pairs_load(const char *path, const struct membership *m, struct plan_pairs *out,
		    struct err *e);
void plan_pairs_free(struct plan_pairs *p);

/* A previous plan (plan_write_json's output) from a file. */
int plan_prev_load(const char *path, struct plan_prev **out, struct err *e);
/* The same from a parsed plan document (what plan_write_json printed). */
int plan_prev_from_json(const cJSON *root, struct plan_prev **out, struct err *e);
void plan_prev_free(struct plan_prev *p);

/* The defaults: all-to-all, one path per flow, block fc00:0::/32. */
void plan_opts_init(struct plan_opts *o);


/*
 * Plan the job m on topology t (both must outlive the plan). Fails, with one
 * line naming the host or flow, when a member has no hosts/NAME vertex or an
 * input is inconsistent; flows without any path are kept as unroutable.
 */
int plan_compute(const struct topology *t, const struct membership *m, const struct plan_opts *o,
		 struct plan **out, struct err *e);
void plan_free(struct plan *p);

const struct plan_summary *plan_get_summary(const struct plan *p);

/* Wall-clock seconds plan_compute spent planning, and on the ECMP and
 * Jalapeño-load baselines (for --timing; never part of the plan). */
void plan_get_timing(const struct plan *p, double *plan_s, double *baselines_s);
const char *plan_method_name(enum plan_method m);
double plan_ratio_value(struct plan_ratio r);

/*
 * The whole plan as JSON with sorted keys (summary_only: just the summary),
 * one line. Fails only when a chosen path's SIDs cannot be composed into
 * segments (the error names the flow).
 */
int plan_write_json(const struct plan *p, bool summary_only, FILE *f, struct err *e);

/* Summary, per-link loads and, with local, that host's path sets. */
int plan_write_text(const struct plan *p, bool summary_only, const char *local, FILE *f,
		    struct err *e);

/*
 * The flows local (a host name) sends, per destination (see struct
 * plan_peer_paths), with the destination's addresses as far as they are known
 * (none is not an error here: the caller says what it needs). Unroutable flows
 * are left out. *out is malloc'ed (NULL when *n is 0).
 */
int plan_local_paths(const struct plan *p, const char *local, struct plan_peer_paths **out,
		     size_t *n, struct err *e);

#endif
