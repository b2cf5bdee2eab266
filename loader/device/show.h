/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `show` (attachment, pins, config) and `stats` (counters by reason). */
#ifndef SRV6_SHOW_H
#define SRV6_SHOW_H

#include "platform/ctx.h"
#include "util/err.h"

int show_datapath(struct ctx *c, const char *dev, struct err *e);
int show_stats(struct ctx *c, const char *dev, struct err *e);

/* fn(dev, json array or NULL) for dev or every loaded interface; with -j the
 * array is printed once at the end. */
int show_foreach(struct ctx *c, const char *dev,
		 int (*fn)(struct ctx *c, const char *dev, void *json, struct err *e),
		 struct err *e);

#endif
