/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow hashing and weighted path choice, shared by the TC program and the unit
 * tests so that what the tests prove is what runs in the kernel. Pure integer C.
 *
 * The hash covers the inner 5-tuple (3-tuple for non-TCP/UDP or fragments) and
 * nothing that changes during a flow: not skb->hash, which a local TCP socket
 * re-rolls after a retransmit timeout, and not the inner IPv6 flow label, which
 * follows skb->hash.
 */
#ifndef SRV6_FLOW_H
#define SRV6_FLOW_H

#include "srv6_bpf.h"

#ifndef __bpf__
#define SRV6_INLINE static inline
#else
#define SRV6_INLINE static __always_inline
#endif

#define SRV6_FLOW_HASH_SEED 0x5256e6a1u

SRV6_INLINE __u32 srv6_rol32(__u32 word, unsigned int shift)
{
	return (word << shift) | (word >> ((32 - shift) & 31));
}

/* One MurmurHash3 round: cheap, and every input bit reaches every output bit
 * after srv6_hash_final. */
SRV6_INLINE __u32 srv6_hash_word(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51u;
	k = srv6_rol32(k, 15);
	k *= 0x1b873593u;
	h ^= k;
	h = srv6_rol32(h, 13);
	return h * 5 + 0xe6546b64u;
}

SRV6_INLINE __u32 srv6_hash_final(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/*
 * Addresses as 4 words each (IPv4: the address in word 3, the rest zero);
 * ports = (sport << 16) | dport in host order, 0 for a 3-tuple.
 */
SRV6_INLINE __u32 srv6_flow_hash(const __u32 saddr[4], const __u32 daddr[4], __u32 ports,
				 __u8 proto)
{
	__u32 h = SRV6_FLOW_HASH_SEED;

	h = srv6_hash_word(h, saddr[0]);
	h = srv6_hash_word(h, saddr[1]);
	h = srv6_hash_word(h, saddr[2]);
	h = srv6_hash_word(h, saddr[3]);
	h = srv6_hash_word(h, daddr[0]);
	h = srv6_hash_word(h, daddr[1]);
	h = srv6_hash_word(h, daddr[2]);
	h = srv6_hash_word(h, daddr[3]);
	h = srv6_hash_word(h, ports);
	h = srv6_hash_word(h, proto);
	return srv6_hash_final(h);
}

/* The outer flow label, as the kernel's seg6 derives it from a flow hash. */
SRV6_INLINE __u32 srv6_flow_label(__u32 hash)
{
	return srv6_rol32(hash, 16) & 0xfffff;
}

/*
 * The path a flow takes among the paths not in down_mask (bit i: path i is
 * down). The live paths own consecutive slices of [0, sum of their weights) in
 * proportion to their weights, so a flow of a down path lands
 * on a live one in proportion to the weights, the same flow always on the same
 * one. With no path down this is srv6_select_path; the TC program asks again
 * with the mask only when a flow's own path is down, so flows of live paths
 * never move. Returns -1 when no path is live. Bounded loops, so the verifier
 * unrolls them.
 */
SRV6_INLINE int srv6_select_live_path(const struct srv6_peer *peer, __u32 hash, __u32 down_mask)
{
	__u32 total = 0, point, bound = 0;
	__u32 count = peer->path_count;
	int i;

	if (count > SRV6_MAX_PATHS)
		count = SRV6_MAX_PATHS;
	/* A down path weighs 0: arithmetic, not a branch per path, keeps the
	 * verifier's state count flat. */
	for (i = 0; i < SRV6_MAX_PATHS; i++) {
		if ((__u32)i < count)
			total += peer->paths[i].weight * (1u - ((down_mask >> i) & 1u));
	}
	if (total == 0)
		return -1;
	point = hash % total;
	for (i = 0; i < SRV6_MAX_PATHS; i++) {
		__u32 weight;

		if ((__u32)i >= count)
			break;
		weight = peer->paths[i].weight * (1u - ((down_mask >> i) & 1u));
		bound += weight;
		if (point < bound)
			return i;
	}
	return -1;
}

/*
 * Index of the path a flow takes: paths own consecutive slices of
 * [0, sum of weights) in proportion to their weights. Returns -1 for a path set
 * with no usable path. Bounded loops, so the verifier unrolls them.
 */
SRV6_INLINE int srv6_select_path(const struct srv6_peer *peer, __u32 hash)
{
	return srv6_select_live_path(peer, hash, 0);
}

#endif /* SRV6_FLOW_H */
