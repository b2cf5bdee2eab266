/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What the host must offer before srv6-bpf touches anything. */
#ifndef SRV6_SYS_H
#define SRV6_SYS_H

#include <stdbool.h>
#include "err.h"

/* Oldest kernel with every helper and flag the datapath uses (bpf_check_mtu,
 * bpf_redirect_neigh, adjust_room ENCAP_L3_IPV6 turning IPv4 into IPv6,
 * multi-buffer XDP and bpf_xdp_get_buff_len: 5.18). */
#define SRV6_KERNEL_MIN_MAJOR 5
#define SRV6_KERNEL_MIN_MINOR 18

/* release as uname -r prints it ("6.1.0-18-amd64"). */
int sys_check_kernel_release(const char *release, struct err *e);
int sys_check_kernel(struct err *e);

/* CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN in the effective set. */
int sys_check_caps(struct err *e);

/* Loading also needs CAP_PERFMON (or CAP_SYS_ADMIN) for the verifier. */
int sys_check_load_caps(struct err *e);

/* CAP_NET_RAW: the prober's raw sockets. */
int sys_check_net_raw(struct err *e);

/* CAP_NET_ADMIN alone: enough for kernel routes. */
int sys_check_net_admin(struct err *e);

/* dir must be a bpffs mount; the default /sys/fs/bpf is mounted when it is not. */
int sys_check_bpffs(const char *dir, bool is_default, struct err *e);

/* "netns-<inode>": names this network namespace in pin paths. */
int sys_netns_id(char *buf, unsigned long len, struct err *e);

#endif
