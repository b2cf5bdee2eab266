/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `srv6-bpf run`: the sync daemon with Prometheus metrics. */
#ifndef SRV6_DAEMON_H
#define SRV6_DAEMON_H

#include "util/ctx.h"
#include "util/err.h"

extern const char usage_run[];

int cmd_run(struct ctx *c, int argc, char **argv, struct err *e);

#endif
