/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Global options every command sees. */
#ifndef SRV6_CTX_H
#define SRV6_CTX_H

#include <stdbool.h>
#include "net/netlink.h"

#define SRV6_BPFFS_DEFAULT "/sys/fs/bpf"
#define SRV6_PIN_SUBDIR "srv6-bpf"

enum platform {
	PLATFORM_BPF,    /* the TC/XDP datapath */
	PLATFORM_KERNEL, /* kernel seg6 / seg6local routes (the plugin's ROUTE_PLATFORM=linux) */
};

struct platform_ops; /* platform/platform.h */

struct ctx {
	const char *bpffs; /* the bpffs mount that holds our pins */
	bool bpffs_default;
	bool json;
	enum platform platform;
	const struct platform_ops *ops; /* the platform's, set once by main */
	unsigned int table; /* kernel platform: ROUTE_TABLE_ID (default 254) */
	int encap_mode;     /* kernel platform: SEG6_IPTUN_MODE_ENCAP_RED or _ENCAP */
	struct nlx nl;      /* opened by main for the commands that use it */
};

#endif
