/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What every srv6-bpf program includes: kernel types, libbpf helpers, and the
 * constants vmlinux.h cannot carry because they are macros. */
#ifndef SRV6_BPF_LIB_COMMON_H
#define SRV6_BPF_LIB_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

#define IPV6_MIN_MTU 1280 /* RFC 8200 5: no IPv6 link has less */
#define IPV4_HDR_LEN_MIN 20 /* no options */
#define IPV4_MORE_FRAGMENTS 0x2000
#define IPV4_FRAG_OFFSET 0x1fff

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#endif
