/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `srv6-bpf plan`: the collision-aware plan for a job, printed (text or JSON). */
#ifndef SRV6_PLAN_CMD_H
#define SRV6_PLAN_CMD_H

#include "util/ctx.h"
#include "util/err.h"

extern const char usage_plan[];

int cmd_plan(struct ctx *c, int argc, char **argv, struct err *e);

#endif
