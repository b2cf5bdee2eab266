/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The kernel platform's parts (platform_kernel in kernel.c puts them together). */
#ifndef SRV6_PLATFORM_KERNEL_H
#define SRV6_PLATFORM_KERNEL_H

#include "peers.h"
#include "platform.h"

extern const struct peer_ops kernel_peer_ops; /* peers_kernel.c */

/* sids_kernel.c: seg6local routes. */
int kernel_sid_apply(struct ctx *c, const struct sid_req *req, struct err *e);
int kernel_sid_list(struct ctx *c, const char *dev, struct sid_row **rows, size_t *n,
		    struct err *e);

#endif
