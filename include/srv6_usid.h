/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The End behaviour's NEXT-C-SID flavour (RFC 9800 4.1) on a destination
 * address: is there an argument left, and shift it into place. Shared by the
 * XDP program and the unit tests, so what the tests prove is what runs in the
 * kernel. Pure integer C.
 *
 * A micro-SID carrier is block (lblen bits) | node function (nflen bits) |
 * argument (the following micro-SIDs). The End shifts the argument left by
 * nflen bits into the node function's place and zero-fills the tail.
 */
#ifndef SRV6_USID_H
#define SRV6_USID_H

#include "srv6_flow.h"

/* As the kernel's seg6local next-csid accepts them: each 8..120 bits in whole
 * bytes, both together at most the 128 of an address. */
SRV6_INLINE int srv6_usid_lengths_valid(unsigned int lblen, unsigned int nflen)
{
	return lblen >= 8 && lblen <= 120 && lblen % 8 == 0 && nflen >= 8 && nflen <= 120 &&
	       nflen % 8 == 0 && lblen + nflen <= 128;
}

/* An address as two big-endian halves, and back. */
struct srv6_u128 {
	__u64 hi, lo;
};

SRV6_INLINE struct srv6_u128 srv6_u128_load(const __u8 *a)
{
	struct srv6_u128 v = { 0, 0 };

	for (int i = 0; i < 8; i++) {
		v.hi = v.hi << 8 | a[i];
		v.lo = v.lo << 8 | a[i + 8];
	}
	return v;
}

SRV6_INLINE void srv6_u128_store(__u8 *a, struct srv6_u128 v)
{
	for (int i = 7; i >= 0; i--) {
		a[i] = (__u8)v.hi;
		a[i + 8] = (__u8)v.lo;
		v.hi >>= 8;
		v.lo >>= 8;
	}
}

/* The top bits (0..128) of an address set. */
SRV6_INLINE struct srv6_u128 srv6_u128_top(unsigned int bits)
{
	struct srv6_u128 m = { 0, 0 };

	if (bits >= 128) {
		m.hi = m.lo = ~0ULL;
	} else if (bits >= 64) {
		m.hi = ~0ULL;
		m.lo = bits == 64 ? 0 : ~0ULL << (128 - bits);
	} else if (bits > 0) {
		m.hi = ~0ULL << (64 - bits);
	}
	return m;
}

/* DA.Argument != 0: any bit after the block and the node function. */
SRV6_INLINE int srv6_usid_has_arg(const __u8 *da, unsigned int lblen, unsigned int nflen)
{
	struct srv6_u128 a = srv6_u128_load(da), m = srv6_u128_top(lblen + nflen);

	return ((a.hi & ~m.hi) | (a.lo & ~m.lo)) != 0;
}

/* Copy DA.Argument into the node function's place and zero the tail:
 * new = block | ((DA << nflen) without the block's bits). */
SRV6_INLINE void srv6_usid_shift(__u8 *da, unsigned int lblen, unsigned int nflen)
{
	struct srv6_u128 a = srv6_u128_load(da), blk = srv6_u128_top(lblen), s;

	if (nflen >= 64) {
		s.hi = a.lo << (nflen - 64);
		s.lo = 0;
	} else {
		s.hi = a.hi << nflen | (nflen ? a.lo >> (64 - nflen) : 0);
		s.lo = a.lo << nflen;
	}
	a.hi = (a.hi & blk.hi) | (s.hi & ~blk.hi);
	a.lo = (a.lo & blk.lo) | (s.lo & ~blk.lo);
	srv6_u128_store(da, a);
}

#endif /* SRV6_USID_H */
