/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Local SIDs the XDP program ends (decapsulates, or forwards as End):
 *   sid add|replace SID/LEN dev DEV action decap|decap4|decap6|end [lblen N nflen N]
 *   sid del SID/LEN dev DEV
 *   sid show [dev DEV]
 */
#ifndef SRV6_SID_H
#define SRV6_SID_H

#include <net/if.h>
#include "util/ctx.h"
#include "util/err.h"
#include "route_parse.h"
#include "srv6_bpf.h"

struct sid_req {
	enum route_verb verb; /* add, replace, del */
	struct srv6_sid_key key;
	__u32 action; /* enum srv6_sid_action; 0 for del */
	__u8 lblen, nflen; /* action end: micro-SID block and node function bits */
	char dev[IF_NAMESIZE];
};

const char *sid_action_name(__u32 action);

/* "PREFIX/LEN" of a SID key; buf holds ADDR_STR_LEN + 8 bytes. */
const char *sid_prefix_str(const struct srv6_sid_key *key, char *buf, size_t len);

/* The kernel platform's SIDs: seg6local routes (sid_kernel.c). */
int sid_kernel_apply(struct ctx *c, const struct sid_req *req, struct err *e);
int sid_kernel_show(struct ctx *c, const char *dev, struct err *e);

/* argv is what follows "sid VERB". */
int sid_req_parse(enum route_verb verb, int argc, char **argv, struct sid_req *req,
		  struct err *e);

int sid_apply(struct ctx *c, const struct sid_req *req, struct err *e);

/* BPF platform: make srv6-bpf's End SID routes (netlink.h) match the End SIDs
 * of every loaded device in this namespace that is up. */
int sid_routes_sync(struct ctx *c, struct err *e);

/* Unload dev's datapath (dp_unload); its End SIDs' routes follow. */
int sid_dev_unload(struct ctx *c, const char *dev, struct err *e);

/* After loading dev again: routes a link going down took with it come back. */
int sid_dev_reloaded(struct ctx *c, struct err *e);
int sid_show(struct ctx *c, const char *dev, struct err *e);

#endif
