/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF datapath on one interface: load, attach, pin, find again, unload.
 * Pins live in <bpffs>/srv6-bpf/netns-<inode>/<dev>/, unique per network
 * namespace and interface, so two pods with their own net1 never share state.
 */
#ifndef SRV6_DATAPATH_H
#define SRV6_DATAPATH_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include "ctx.h"
#include "util/err.h"
#include "srv6_maps.h"

/* Our tc filter's place on clsact egress: fixed so unload finds exactly it. */
#define SRV6_TC_HANDLE 0x5336
#define SRV6_TC_PRIORITY 0x5336

enum xdp_request {
	XDP_REQ_AUTO,    /* native where the driver supports it, else generic */
	XDP_REQ_NATIVE,
	XDP_REQ_GENERIC,
	XDP_REQ_OFF,     /* no decapsulation program */
	XDP_REQ_TC,      /* no XDP: End SIDs on clsact ingress */
};

struct load_opts {
	const char *dev;
	bool xdp_set;
	enum xdp_request xdp;
	bool src_set;
	__u8 src[SRV6_ADDR_LEN];
	bool hop_limit_set;
	unsigned int hop_limit;
	bool peers_max_set;
	unsigned int peers_max;
	bool peer_routes_set;
	bool peer_routes; /* MTU routes for the peers (default on) */
};

enum load_result {
	LOAD_NEW,        /* loaded and attached */
	LOAD_UPDATED,    /* was loaded: config updated in place */
	LOAD_REATTACHED, /* pins were there but the filter was gone: attached again */
};

struct dp_status {
	char dev[IF_NAMESIZE];
	char pin_dir[PATH_MAX];
	struct srv6_config cfg;
	bool dev_present;
	bool attached; /* our filter with our program sits on clsact egress */
	__u32 prog_id;
	bool xdp_attached; /* our SID program is attached as cfg.xdp_mode says */
	__u32 xdp_prog_id;
	size_t peers;
	__u32 peers_max;
};

const char *dp_xdp_mode_name(unsigned int mode);

int dp_pin_dir(const struct ctx *c, const char *dev, char *out, size_t len, struct err *e);
int dp_load(struct ctx *c, const struct load_opts *o, enum load_result *res, struct err *e);
int dp_unload(struct ctx *c, const char *dev, struct err *e);

/* Maps of the datapath on dev; "not loaded" error when there is none. */
int dp_open(struct ctx *c, const char *dev, struct srv6_maps *maps, struct err *e);

int dp_status(struct ctx *c, const char *dev, struct dp_status *st, struct err *e);

/*
 * Serialise the commands that change this namespace's SIDs and their kernel
 * routes (sid, unload): an exclusive lock on the namespace's pin directory.
 * Returns the fd to give dp_unlock, or -1 with e set.
 */
int dp_lock(struct ctx *c, struct err *e);
void dp_unlock(int fd);

/* Interfaces with a datapath in this namespace, sorted. free() *devs. */
int dp_list(struct ctx *c, char (**devs)[IF_NAMESIZE], size_t *count, struct err *e);

/* fn for dev, or for every loaded interface when dev is NULL; stops at an error. */
int dp_foreach(struct ctx *c, const char *dev,
	       int (*fn)(struct ctx *c, const char *dev, void *arg, struct err *e), void *arg,
	       struct err *e);

#endif
