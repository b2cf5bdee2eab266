// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * include/srv6_outer.h: the H.Encaps.Red outer header, byte for byte.
 *
 * The expected arrays below are written by hand from RFC 8200 (IPv6 header),
 * RFC 8754 (SRH) and RFC 8986 5.2 (H.Encaps.Red: the first SID only in the
 * destination, the SRH lists the others last-first), in the form the Linux
 * kernel's `encap seg6 mode encap.red` emits: Segments Left = n - 1 (it still
 * counts the SID in the destination), Last Entry = n - 2 (the last index of
 * the shortened list), no SRH at all for one SID.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "srv6_outer.h"
#include "unit_helpers.h"

/* The SIDs and source used by every case, as bytes. */
#define SRC 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01        /* 2001:db8::1 */
#define SID1 0xfc, 0x00, 0x00, 0x00, 0x11, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0    /* fc00:0:1111:: */
#define SID2 0xfc, 0x00, 0x00, 0x00, 0x22, 0x22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0    /* fc00:0:2222:: */
#define SID3 0xfc, 0x00, 0x00, 0x00, 0x33, 0x33, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0    /* fc00:0:3333:: */
#define SID4 0xfc, 0x00, 0x00, 0x00, 0x44, 0x44, 0xe0, 0x06, 0, 0, 0, 0, 0, 0, 0, 0 /* fc00:0:4444:e006:: */

static const char *const sid_text[] = { "fc00:0:1111::", "fc00:0:2222::", "fc00:0:3333::",
					"fc00:0:4444:e006::" };

static struct srv6_path path_of(unsigned int n)
{
	struct srv6_path p;

	memset(&p, 0, sizeof(p));
	p.seg_count = (__u8)n;
	p.weight = 1;
	for (unsigned int i = 0; i < n; i++)
		ut_in6(sid_text[i], p.segs[i]);
	return p;
}

/* Fill over a poisoned buffer so that a field left unwritten shows up. */
static void fill(struct srv6_outer *o, unsigned int n, __u8 hop, __u8 tclass, __u32 label,
		 __u32 inner_len, __u8 inner_nexthdr)
{
	struct srv6_path p = path_of(n);
	__u8 src[SRV6_ADDR_LEN];

	ut_in6("2001:db8::1", src);
	memset(o, 0xaa, sizeof(*o));
	srv6_outer_fill(o, &p, src, hop, tclass, label, inner_len, inner_nexthdr);
}

Test(outer, encap_lengths)
{
	cr_assert_eq(SRV6_ENCAP_LEN(1), 40);
	cr_assert_eq(SRV6_ENCAP_LEN(2), 64);
	cr_assert_eq(SRV6_ENCAP_LEN(3), 80);
	cr_assert_eq(SRV6_ENCAP_LEN(4), 96);
	cr_assert_eq(SRV6_ENCAP_LEN_MAX, 96);
	cr_assert_eq(sizeof(struct srv6_ipv6_hdr), 40);
	cr_assert_eq(sizeof(struct srv6_srh), 8);
}

Test(outer, one_sid_ipv6_inner_has_no_srh)
{
	static const __u8 want[40] = {
		0x6b, 0x81, 0x23, 0x45, /* version 6, traffic class 0xb8 (EF), label 0x12345 */
		0x00, 0x64,             /* payload length 100: the inner packet only */
		41, 64,                 /* next header IPv6, hop limit 64 */
		SRC, SID1,              /* destination: the only SID */
	};
	struct srv6_outer o;

	fill(&o, 1, 64, 0xb8, 0x12345, 100, SRV6_NEXTHDR_IPV6);
	ut_assert_bytes_eq(&o, want, SRV6_ENCAP_LEN(1), "1 SID, IPv6 inner");
}

Test(outer, one_sid_ipv4_inner)
{
	static const __u8 want[40] = {
		0x60, 0x00, 0x00, 0x00, /* traffic class 0, label 0 */
		0x05, 0xdc,             /* 1500 */
		4, 1,                   /* next header IPv4, hop limit 1 */
		SRC, SID1,
	};
	struct srv6_outer o;

	fill(&o, 1, 1, 0, 0, 1500, SRV6_NEXTHDR_IPIP);
	ut_assert_bytes_eq(&o, want, SRV6_ENCAP_LEN(1), "1 SID, IPv4 inner");
}

Test(outer, two_sids_ipv4_inner)
{
	static const __u8 want[64] = {
		0x60, 0x0f, 0xff, 0xff, /* traffic class 0, label 0xfffff */
		0x05, 0x90,             /* 1400 + 8 + 16 = 1424 */
		43, 1,                  /* next header routing (SRH), hop limit 1 */
		SRC, SID1,
		4,    /* SRH next header: IPv4 */
		2,    /* hdrlen: 1 SID = 2 units of 8 octets */
		4,    /* routing type 4: SRH */
		1,    /* segments left */
		0,    /* last entry */
		0,    /* flags */
		0, 0, /* tag */
		SID2,
	};
	struct srv6_outer o;

	fill(&o, 2, 1, 0, 0xfffff, 1400, SRV6_NEXTHDR_IPIP);
	ut_assert_bytes_eq(&o, want, SRV6_ENCAP_LEN(2), "2 SIDs, IPv4 inner");
}

Test(outer, three_sids_ipv6_inner)
{
	static const __u8 want[80] = {
		0x60, 0x10, 0x00, 0x01, /* traffic class 0x01, label 0x00001 */
		0x00, 0x28,             /* 0 + 8 + 32 = 40 */
		43, 255,
		SRC, SID1,
		41, 4, 4, 2, 1, 0, 0, 0, /* IPv6 inside, hdrlen 4, type 4, SL 2, LE 1 */
		SID3, SID2,              /* reversed, without the first SID */
	};
	struct srv6_outer o;

	fill(&o, 3, 255, 0x01, 0x00001, 0, SRV6_NEXTHDR_IPV6);
	ut_assert_bytes_eq(&o, want, SRV6_ENCAP_LEN(3), "3 SIDs, IPv6 inner");
}

Test(outer, four_sids_ipv6_inner)
{
	static const __u8 want[96] = {
		0x6f, 0xfa, 0xbc, 0xde, /* traffic class 0xff, label 0xabcde */
		0x05, 0x38,             /* 1280 + 8 + 48 = 1336 */
		43, 64,
		SRC, SID1,
		41, 6, 4, 3, 2, 0, 0, 0, /* hdrlen 6, SL 3, LE 2 */
		SID4, SID3, SID2,
	};
	struct srv6_outer o;

	fill(&o, 4, 64, 0xff, 0xabcde, 1280, SRV6_NEXTHDR_IPV6);
	ut_assert_bytes_eq(&o, want, SRV6_ENCAP_LEN(4), "4 SIDs, IPv6 inner");
}

Test(outer, four_sids_ipv4_inner)
{
	static const __u8 want[96] = {
		0x60, 0x00, 0x00, 0x07,
		0x00, 0x54,             /* 28 + 56 = 84: a minimal ICMP echo */
		43, 64,
		SRC, SID1,
		4, 6, 4, 3, 2, 0, 0, 0,
		SID4, SID3, SID2,
	};
	struct srv6_outer o;

	fill(&o, 4, 64, 0, 7, 28, SRV6_NEXTHDR_IPIP);
	ut_assert_bytes_eq(&o, want, SRV6_ENCAP_LEN(4), "4 SIDs, IPv4 inner");
}

Test(outer, label_wider_than_20_bits_is_masked)
{
	struct srv6_outer o;
	const __u8 *b = (const __u8 *)&o;

	/* A full 32-bit hash as label must not spill into the traffic class or version. */
	fill(&o, 1, 64, 0x00, 0xfff12345, 100, SRV6_NEXTHDR_IPV6);
	cr_assert_eq(b[0], 0x60);
	cr_assert_eq(b[1], 0x01);
	cr_assert_eq(b[2], 0x23);
	cr_assert_eq(b[3], 0x45);
}

Test(outer, payload_length_at_the_16_bit_limit)
{
	struct srv6_outer o;
	const __u8 *b = (const __u8 *)&o;

	/* Inner 65479 + SRH 56 (8 + 3 * 16) = 65535: the largest payload length. */
	fill(&o, 4, 64, 0, 0, 65535 - 56, SRV6_NEXTHDR_IPV6);
	cr_assert_eq(b[4], 0xff);
	cr_assert_eq(b[5], 0xff);
}

/*
 * Walk the SRH as routers do (RFC 8754 4.3.1: decrement Segments Left, the
 * destination becomes Segment List[Segments Left]) and check every SID is
 * visited in path order, then that Last Entry and hdrlen describe the list.
 */
Test(outer, srh_walk_visits_sids_in_order)
{
	for (unsigned int n = 2; n <= SRV6_MAX_SEGS; n++) {
		struct srv6_path p = path_of(n);
		struct srv6_outer o;
		const __u8 *b = (const __u8 *)&o, *srh = b + 40, *list = srh + 8;
		__u8 da[SRV6_ADDR_LEN];
		unsigned int sl, visited = 0;

		fill(&o, n, 64, 0, 0, 100, SRV6_NEXTHDR_IPV6);
		memcpy(da, b + 24, SRV6_ADDR_LEN);
		ut_assert_bytes_eq(da, p.segs[visited++], SRV6_ADDR_LEN, "first destination");
		cr_assert_eq(srh[4] + 1u, n - 1, "last entry + 1 = entries in the list");
		cr_assert_eq(srh[1] * 8u, (n - 1) * 16u, "hdrlen covers the list");
		for (sl = srh[3]; sl > 0;) {
			sl--;
			cr_assert_leq(sl, (unsigned int)srh[4], "segments left %u past last entry", sl);
			memcpy(da, list + 16 * sl, SRV6_ADDR_LEN);
			ut_assert_bytes_eq(da, p.segs[visited++], SRV6_ADDR_LEN, "next destination");
		}
		cr_assert_eq(visited, n, "%u SIDs: visited %u", n, visited);
	}
}
