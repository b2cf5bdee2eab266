/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Prometheus text exposition of the datapath counters (`srv6-bpf metrics`). */
#ifndef SRV6_METRICS_H
#define SRV6_METRICS_H

#include <stdio.h>
#include "platform/ctx.h"
#include "util/err.h"

/* Every metric family for dev, or for every loaded device when dev is NULL. */
int metrics_write(struct ctx *c, const char *dev, FILE *out, struct err *e);

#endif
