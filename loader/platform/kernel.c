// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The kernel platform: seg6 and seg6local routes, no datapath of ours. */
#include "kernel.h"

#include <linux/lwtunnel.h>
#include "util/sys.h"

/* The kernel platform is seg6 and seg6local routes: without them in the kernel
 * every command would fail late or do nothing, so they are refused before
 * anything changes (the probes change nothing). */
static int present(struct ctx *c, struct err *e)
{
	int has = nlx_probe_lwt_encap(&c->nl, LWTUNNEL_ENCAP_SEG6, e);

	if (has > 0)
		has = nlx_probe_lwt_encap(&c->nl, LWTUNNEL_ENCAP_SEG6_LOCAL, e);
	if (has == 0)
		errf(e, "the kernel platform needs SRv6 routes, which this kernel lacks (CONFIG_IPV6_SEG6_LWTUNNEL is off): use --platform bpf");
	return has > 0 ? 0 : -1;
}

/* Kernel routes: the device is enough. */
static int dev_ready(struct ctx *c, const char *dev, struct err *e)
{
	struct link_info li;

	return sys_check_net_admin(e) || nlx_link_get(&c->nl, dev, &li, e) ? -1 : 0;
}

static int dev_ensure(struct ctx *c, const char *dev, struct err *e)
{
	(void)c;
	(void)dev;
	(void)e;
	return 0;
}

const struct platform_ops platform_kernel = {
	.name = "kernel",
	.datapath = false,
	.present = present,
	.check_caps = sys_check_net_admin, /* routes need CAP_NET_ADMIN only */
	.dev_ready = dev_ready,
	.dev_ensure = dev_ensure,
	.dev_release = NULL,
	.peers = &kernel_peer_ops,
	.sid_apply = kernel_sid_apply,
	.sid_list = kernel_sid_list,
};
