// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The BPF platform: the TC/XDP datapath on each device (datapath.h). */
#include "bpf.h"

#include "datapath.h"
#include "util/log.h"
#include "util/sys.h"

/* The datapath must be there before a source is asked: a load call changes server state. */
static int dev_ready(struct ctx *c, const char *dev, struct err *e)
{
	struct srv6_maps maps;

	if (sys_check_caps(e) || sys_check_bpffs(c->bpffs, c->bpffs_default, e) ||
	    dp_open(c, dev, &maps, e))
		return -1;
	srv6_maps_close(&maps);
	return 0;
}

/* Loaded already (a restart): adopt it as it is. Else load with defaults. */
static int dev_ensure(struct ctx *c, const char *dev, struct err *e)
{
	struct load_opts lo = { .dev = dev };
	struct srv6_maps maps;
	enum load_result res;

	if (dp_open(c, dev, &maps, e) == 0) {
		srv6_maps_close(&maps);
		log_event(LOG_LEVEL_INFO, "adopt", "dev=%s pinned datapath found: kept as it is", dev);
		return 0;
	}
	if (sys_check_kernel(e) || sys_check_caps(e) ||
	    sys_check_bpffs(c->bpffs, c->bpffs_default, e) || dp_load(c, &lo, &res, e))
		return -1;
	log_event(LOG_LEVEL_INFO, "load", "dev=%s datapath loaded", dev);
	return 0;
}

const struct platform_ops platform_bpf = {
	.name = "bpf",
	.datapath = true,
	.check_caps = sys_check_caps, /* CAP_BPF as well as CAP_NET_ADMIN */
	.dev_ready = dev_ready,
	.dev_ensure = dev_ensure,
	.dev_release = dp_dev_unload,
	.peers = &dp_peer_ops,
	.sid_apply = dp_sid_apply,
	.sid_list = dp_sid_list,
};
