/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Global options every command sees. */
#ifndef SRV6_CTX_H
#define SRV6_CTX_H

#include <stdbool.h>
#include "netlink.h"

#define SRV6_BPFFS_DEFAULT "/sys/fs/bpf"
#define SRV6_PIN_SUBDIR "srv6-bpf"

struct ctx {
	const char *bpffs; /* the bpffs mount that holds our pins */
	bool bpffs_default;
	bool json;
	struct nlx nl; /* opened by main before a command runs */
};

#endif
