/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Local SIDs the XDP program decapsulates:
 *   sid add|replace SID/LEN dev DEV action decap|decap4|decap6
 *   sid del SID/LEN dev DEV
 *   sid show [dev DEV]
 */
#ifndef SRV6_SID_H
#define SRV6_SID_H

#include <net/if.h>
#include "ctx.h"
#include "err.h"
#include "route_parse.h"
#include "srv6_bpf.h"

struct sid_req {
	enum route_verb verb; /* add, replace, del */
	struct srv6_sid_key key;
	__u32 action; /* enum srv6_sid_action; 0 for del */
	char dev[IF_NAMESIZE];
};

const char *sid_action_name(__u32 action);

/* argv is what follows "sid VERB". */
int sid_req_parse(enum route_verb verb, int argc, char **argv, struct sid_req *req,
		  struct err *e);

int sid_apply(struct ctx *c, const struct sid_req *req, struct err *e);
int sid_show(struct ctx *c, const char *dev, struct err *e);

#endif
