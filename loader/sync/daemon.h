/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `srv6-bpf run`: the sync daemon with Prometheus metrics (the command line is
 * cli/cmd_run.c's). */
#ifndef SRV6_DAEMON_H
#define SRV6_DAEMON_H

#include <stdbool.h>
#include "platform/ctx.h"
#include "util/err.h"
#include "sync.h"

#define DAEMON_INTERVAL_DEFAULT 30
#define DAEMON_INTERVAL_MAX 86400

/* What the daemon adds to sync's options. */
struct daemon_opts {
	unsigned int interval; /* seconds between syncs */
	const char *metrics;   /* ADDR:PORT to serve /metrics on, or NULL */
	bool cleanup;          /* unload DEV on SIGTERM/SIGINT */
	unsigned int probe_interval_ms; /* probe DEV's paths this often; 0: no prober */
	unsigned int probe_max_rate;    /* probes a second at most; 0: the prober's default */
};

/* Load DEV if needed, sync every interval and on SIGHUP until SIGTERM or
 * SIGINT; o gets keep_plan (and each plan as the next one's previous). */
int daemon_run(struct ctx *c, struct sync_opts *o, const struct daemon_opts *r, struct err *e);

#endif
