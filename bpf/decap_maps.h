/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps of the XDP decapsulation program, pinned by name beside the
 * encapsulation program's (see encap_maps.h).
 */
#ifndef SRV6_DECAP_MAPS_H
#define SRV6_DECAP_MAPS_H

#include "srv6_bpf.h"

/* Local SID prefixes -> action; longest prefix wins. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SRV6_SIDS_MAX);
	__type(key, struct srv6_sid_key);
	__type(value, struct srv6_local_sid);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_local_sids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SRV6_SIDS_MAX);
	__type(key, __u32);
	__type(value, struct srv6_sid_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_sid_ctrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srv6_decap_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_decap_ctrs SEC(".maps");

#endif
