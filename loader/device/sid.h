/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The sid grammar: local SIDs a device ends (decapsulates, or forwards as End):
 *   sid add|replace SID/LEN dev DEV action decap|decap4|decap6|end [lblen N nflen N]
 *   sid del SID/LEN dev DEV
 *   sid show [dev DEV]
 */
#ifndef SRV6_SID_H
#define SRV6_SID_H

#include <net/if.h>
#include "platform/ctx.h"
#include "util/err.h"
#include "platform/request.h"

/* argv is what follows "sid VERB". */
int sid_req_parse(enum route_verb verb, int argc, char **argv, struct sid_req *req,
		  struct err *e);

/* Through the platform (ctx.ops); sid show prints text or, with -j, JSON. */
int sid_apply(struct ctx *c, const struct sid_req *req, struct err *e);
int sid_show(struct ctx *c, const char *dev, struct err *e);

#endif
