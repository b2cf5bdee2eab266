/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Path liveness: probe every programmed path of a device with a U-turn through
 * its routers (packet.h) and keep srv6_path_state in step, so the TC program
 * moves a dead path's flows to the peer's live paths. A path is down after
 * `loss` probes in a row did not come back in time (two intervals, or longer
 * when the path's round trips are: see target_timeout) and up again after
 * `recover` came back in a row. Paths through the same routers (to
 * several peers on one leaf, say) share one probe. A dead U-turn no path
 * uses any more (the planner went around it) is still probed until it comes
 * back, so the planner learns that too (probe_suspects).
 */
#ifndef SRV6_PROBER_H
#define SRV6_PROBER_H

#include "fabric/suspects.h"
#include "platform/ctx.h"
#include "util/err.h"

#define PROBE_INTERVAL_MS_DEFAULT 10
#define PROBE_INTERVAL_MS_MAX 10000
#define PROBE_LOSS_DEFAULT 3
#define PROBE_RECOVER_DEFAULT 3
#define PROBE_COUNT_MAX 100
#define PROBE_MAX_RATE_DEFAULT 100000 /* probes a second */
#define PROBE_MAX_RATE_MAX 500000 /* probes in flight (rate x timeout) stay under 65,536 */

struct probe_opts {
	const char *dev;
	unsigned int interval_ms;
	unsigned int loss;    /* probes lost in a row that make a path down */
	unsigned int recover; /* probes answered in a row that make it up again */
	unsigned int max_rate; /* probes a second at most: more U-turns stretch the interval */
	/* DEST_FUNCTION: paths end with the peer's SID and this function, so
	 * probes come home to ours and it. */
	bool has_function;
	__u16 function;
	int stop_fd;          /* readable: stop (the daemon's); -1: SIGTERM or SIGINT */
};

struct prober;

/* Everything that can fail before probing starts: the maps, the home SID, the
 * sockets. o must outlive the prober. */
int probe_open(struct ctx *c, const struct probe_opts *o, struct prober **p, struct err *e);

/* Probe until stop_fd is readable, or SIGTERM or SIGINT; one log line per
 * state change. */
int probe_loop(struct prober *p, struct err *e);

/* The paths this prober took down go back up (nothing proves them dead any
 * more), then everything is freed. NULL is fine. */
void probe_close(struct prober *p);

/* The links this prober's dead U-turns cross and its live ones do not, as of
 * its last verdict (empty when nothing is down); safe from another thread
 * while probe_loop runs. p may be NULL (no prober: nothing to avoid). */
int probe_suspects(struct prober *p, struct suspects *out);

/* probe_open, probe_loop, probe_close. */
int probe_run(struct ctx *c, const struct probe_opts *o, struct err *e);

#endif
