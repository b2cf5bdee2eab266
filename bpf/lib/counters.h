/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Named per-CPU counters: a struct of reasons in a one-entry per-CPU array,
 * and a {packets, bytes} pair per object in a per-CPU array. Plain increments:
 * each CPU owns its copy. */
#ifndef SRV6_BPF_LIB_COUNTERS_H
#define SRV6_BPF_LIB_COUNTERS_H

#include "common.h"

/* The single entry of a reasons map, or NULL. */
static __always_inline void *counters_of(void *map)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(map, &zero);
}

/* Count one event by its field name in the reasons struct. */
#define COUNT(ctrs, reason)                                                        \
	do {                                                                       \
		if (ctrs)                                                          \
			(ctrs)->reason++;                                          \
	} while (0)

/* Add to entry index of a map whose values start with __u64 packets, bytes. */
#define COUNT_OBJECT(map, type, index, npackets, nbytes)                           \
	do {                                                                       \
		__u32 key_ = (index);                                              \
		type *c_ = bpf_map_lookup_elem(map, &key_);                        \
		if (c_) {                                                          \
			c_->packets += (npackets);                                 \
			c_->bytes += (nbytes);                                     \
		}                                                                  \
	} while (0)

#endif
