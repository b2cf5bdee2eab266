/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The two ways srv6-bpf programs a device, behind one table chosen once (main
 * sets ctx.ops from --platform / ROUTE_PLATFORM):
 *   bpf     the TC/XDP datapath and its pinned maps (datapath.h), plus MTU host
 *           routes per peer and a kernel route per End SID;
 *   kernel  seg6 routes per peer and seg6local routes per SID (the plugin's
 *           ROUTE_PLATFORM=linux), in ctx.table.
 * Callers ask what a platform offers (datapath, NULL entries) instead of which
 * platform it is.
 */
#ifndef SRV6_PLATFORM_H
#define SRV6_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include "ctx.h"
#include "util/err.h"
#include "request.h"

struct peer_ops; /* peers.h */

struct platform_ops {
	const char *name;
	/* A BPF datapath to load, unload, show and count (load, unload, show,
	 * stats, metrics); the kernel platform has none. */
	bool datapath;
	/* This kernel has what the platform needs, else one line why; NULL:
	 * the commands check what they use (load: sys_check_kernel). */
	int (*present)(struct ctx *c, struct err *e);
	/* The privileges every command of this platform needs. */
	int (*check_caps)(struct err *e);
	/* sync, run: dev can be programmed now, else one line why. */
	int (*dev_ready)(struct ctx *c, const char *dev, struct err *e);
	/* run: a datapath on dev, adopted as it is or loaded with defaults. */
	int (*dev_ensure)(struct ctx *c, const char *dev, struct err *e);
	/* run --cleanup-on-exit: remove what srv6-bpf made on dev; NULL: the
	 * platform leaves its routes in place. */
	int (*dev_release)(struct ctx *c, const char *dev, struct err *e);
	const struct peer_ops *peers;
	int (*sid_apply)(struct ctx *c, const struct sid_req *req, struct err *e);
	/* The local SIDs of dev (every device when NULL), for sid show. */
	int (*sid_list)(struct ctx *c, const char *dev, struct sid_row **rows, size_t *n,
			struct err *e);
};

extern const struct platform_ops platform_bpf, platform_kernel;

static inline const struct platform_ops *platform_ops_of(enum platform p)
{
	return p == PLATFORM_KERNEL ? &platform_kernel : &platform_bpf;
}

#endif
