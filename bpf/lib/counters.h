/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Named per-CPU counters: one struct of reasons, one map entry, plain increments. */
#ifndef SRV6_BPF_LIB_COUNTERS_H
#define SRV6_BPF_LIB_COUNTERS_H

#include "common.h"
#include "srv6_maps.bpf.h"

static __always_inline struct srv6_encap_counters *encap_counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&srv6_encap_ctrs, &zero);
}

/* Count one event by its field name in struct srv6_encap_counters. */
#define ENCAP_COUNT(ctrs, reason)                                                  \
	do {                                                                       \
		if (ctrs)                                                          \
			(ctrs)->reason++;                                          \
	} while (0)

static __always_inline void path_count(__u32 index, __u64 packets, __u64 bytes)
{
	struct srv6_path_counters *c = bpf_map_lookup_elem(&srv6_path_ctrs, &index);

	if (c) {
		c->packets += packets;
		c->bytes += bytes;
	}
}

#endif
