/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps of the TC encapsulation program. Pinned by name below the per-interface
 * pin directory, so a reload reuses them and bpftool finds them by path.
 * Sizes here are defaults; the loader sets the real ones before loading.
 */
#ifndef SRV6_ENCAP_MAPS_H
#define SRV6_ENCAP_MAPS_H

#include "srv6_bpf.h"
#include "srv6_outer.h"

/* Inner destination -> path set. No prealloc: an update links a new element and
 * frees the old one after an RCU grace period, so a packet never reads a
 * half-written path set during `route replace`. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SRV6_PEERS_MAX_DEFAULT);
	__type(key, struct srv6_peer_key);
	__type(value, struct srv6_peer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_peers SEC(".maps");

/* Per-path packets and bytes, SRV6_MAX_PATHS entries per peer slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SRV6_PEERS_MAX_DEFAULT * SRV6_MAX_PATHS);
	__type(key, __u32);
	__type(value, struct srv6_path_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_path_ctrs SEC(".maps");

/* Per-peer liveness of the paths, one entry per peer slot: written by the
 * prober, read per packet (one lookup). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SRV6_PEERS_MAX_DEFAULT);
	__type(key, __u32);
	__type(value, struct srv6_path_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_path_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srv6_encap_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_encap_ctrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srv6_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_config SEC(".maps");

/*
 * The writes go to a second program, srv6_encap_write, reached by a tail call
 * through srv6_encap_tail: a program with direct packet writes gets the
 * verifier's unclone prologue, a bpf_skb_pull_data on every cloned skb (TCP's)
 * at its start; there it runs for encapsulated packets only, not for every
 * packet that passes. Pinned: a program array forgets its programs when no
 * file descriptor or pin holds it any more.
 */
int srv6_encap_write(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, int(struct __sk_buff *)); /* last: a flexible array */
} srv6_encap_tail SEC(".maps") = {
	.values = { [0] = (void *)&srv6_encap_write },
};

/* What srv6_encap hands srv6_encap_write across its tail call: the outer
 * header and how to send the packet. Per CPU, as a tail call stays on its
 * CPU. Pinned with the program array, so that while a reload swaps programs
 * the old srv6_encap and the new srv6_encap_write share it. */
struct srv6_encap_work {
	struct srv6_outer outer;
	__u32 nsegs;
	__u8 inner_ipv4;
	__u8 reroute; /* SRV6_PATH_F_REROUTE */
	__u8 reserved[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srv6_encap_work);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} srv6_encap_work SEC(".maps");

#endif
