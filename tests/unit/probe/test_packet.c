// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/probe/packet.c: the U-turn of a path, the probe on the wire, and what
 * counts as a probe back home. */
#include <criterion/criterion.h>
#include <string.h>
#include <arpa/inet.h>
#include "probe/packet.h"
#include "srv6_outer.h"
#include "util/array.h"
#include "unit_helpers.h"

static struct srv6_path path_of(const char *const *sids, unsigned int n)
{
	struct srv6_path p;

	memset(&p, 0, sizeof(p));
	p.seg_count = (__u8)n;
	for (unsigned int i = 0; i < n; i++)
		cr_assert_eq(inet_pton(AF_INET6, sids[i], p.segs[i]), 1, "%s", sids[i]);
	return p;
}

static void home_of(const char *prefix, unsigned int len, struct probe_home *h)
{
	struct srv6_sid_key k = { .prefixlen = len };

	cr_assert_eq(inet_pton(AF_INET6, prefix, k.addr), 1);
	cr_assert_eq(probe_home_of(&k, h), 0);
	inet_pton(AF_INET6, "2001:db8:1::2", h->addr);
	h->hop_limit = 64;
}

static void assert_path(const struct srv6_path *p, const char *const *want, unsigned int n)
{
	char text[INET6_ADDRSTRLEN];

	cr_assert_eq(p->seg_count, n);
	for (unsigned int i = 0; i < n; i++)
		cr_assert_str_eq(inet_ntop(AF_INET6, p->segs[i], text, sizeof(text)), want[i]);
}

/* Leaf-spine, host locators as decap SIDs (one micro-SID): out through leaf,
 * spine and the peer's leaf, back through the spine and our leaf, home. */
Test(probe_uturn, leaf_spine_locators)
{
	static const char *const fwd[] = { "fc00:0:2000:1000:2001:e001::" };
	static const char *const want[] = { "fc00:0:2000:1000:2001:1000:2000:e000" };
	struct srv6_path p = path_of(fwd, 1), u;
	struct probe_home h;

	home_of("fc00:0:e000::", 48, &h);
	cr_assert_eq(probe_uturn(&p, &h, &u), 0);
	assert_path(&u, want, 1);
}

/* Function SIDs (node + function: two micro-SIDs), one router; and a U-turn
 * that needs a second carrier. */
Test(probe_uturn, function_sids_and_two_carriers)
{
	static const char *const line[] = { "fc00:0:100:2:e006::" };
	static const char *const line_want[] = { "fc00:0:100:1:e006::" };
	static const char *const fabric[] = { "fc00:0:2000:1000:2001:2:e006::" };
	/* Our SID fc00:0:1:e006:: whole in the second carrier, not split. */
	static const char *const fabric_want[] = { "fc00:0:2000:1000:2001:1000:2000:0",
						   "fc00:0:1:e006::" };
	struct srv6_path p = path_of(line, 1), u;
	struct probe_home h;

	home_of("fc00:0:1:e006::", 64, &h);
	cr_assert_eq(probe_uturn(&p, &h, &u), 0);
	assert_path(&u, line_want, 1);
	p = path_of(fabric, 1);
	cr_assert_eq(probe_uturn(&p, &h, &u), 0);
	assert_path(&u, fabric_want, 2);
}

/* Paths of several carriers read as one list of micro-SIDs. */
Test(probe_uturn, a_path_of_two_carriers)
{
	static const char *const fwd[] = { "fc00:0:2000:1000:3000:4000:3001:1001",
					   "fc00:0:2001:e001::" };
	static const char *const want[] = { "fc00:0:2000:1000:3000:4000:3001:1001",
					    "fc00:0:2001:1001:3001:4000:3000:1000",
					    "fc00:0:2000:e000::" };
	struct srv6_path p = path_of(fwd, 2), u;
	struct probe_home h;

	home_of("fc00:0:e000::", 48, &h);
	cr_assert_eq(probe_uturn(&p, &h, &u), 0);
	assert_path(&u, want, 3);
}

/* DEST_FUNCTION: a node's decap SID gets the function, a node + function
 * SID is left as it is; a node ID equal to the function is still a node. */
Test(probe_home_function, node_then_function)
{
	static const char *const fwd[] = { "fc00:0:2003:1000:2000:e000:e006::" };
	/* Home's two micro-SIDs stay in one carrier: they start the second. */
	static const char *const want[] = { "fc00:0:2003:1000:2000:1000:2003:0", "fc00:0:e006:e006::" };
	struct srv6_path p = path_of(fwd, 1), u;
	struct probe_home h;

	home_of("fc00:0:e000::", 48, &h);
	probe_home_function(&h, 0xe006);
	cr_assert_eq(h.n, 2);
	cr_assert(h.usids[0] == 0xe000 && h.usids[1] == 0xe006);
	home_of("fc00:0:e000:e006::", 64, &h);
	probe_home_function(&h, 0xe006);
	cr_assert_eq(h.n, 2, "node + function already");
	/* host0006 of the lab: node e006, the function e006 too. */
	home_of("fc00:0:e006::", 48, &h);
	probe_home_function(&h, 0xe006);
	cr_assert_eq(h.n, 2);
	cr_assert(h.usids[0] == 0xe006 && h.usids[1] == 0xe006);
	/* Its U-turn to host0000 through leaf03, spine00, leaf00: turns at leaf00
	 * (before: at host0000, taking e006 for the function alone). */
	cr_assert_eq(probe_uturn(&p, &h, &u), 0);
	assert_path(&u, want, 2);
}

/* The walk the planner's suspects are made of: the routers, across carriers,
 * without the peer's SID. */
Test(probe_routers, across_carriers_without_the_peer)
{
	static const char *const fwd[] = { "fc00:0:2000:1000:3000:4000:3001:1001",
					   "fc00:0:2001:e001::" };
	static const char *const fn[] = { "fc00:0:100:e001:fe06::" };
	static const __u16 want[] = { 0x2000, 0x1000, 0x3000, 0x4000, 0x3001, 0x1001, 0x2001 };
	__u16 r[PROBE_USIDS_MAX];
	struct srv6_path p = path_of(fwd, 2);
	struct probe_home h;
	unsigned int n;

	home_of("fc00:0:e000::", 48, &h);
	cr_assert_eq(probe_routers(&p, &h, r, &n), 0);
	cr_assert_eq(n, ARRAY_SIZE(want));
	cr_assert_eq(memcmp(r, want, sizeof(want)), 0);
	/* A node + function SID home: the peer's last two micro-SIDs are its own. */
	home_of("fc00:0:e000:fe06::", 64, &h);
	p = path_of(fn, 1);
	cr_assert_eq(probe_routers(&p, &h, r, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0], 0x100);
	p = path_of((const char *const[]){ "fc00:0:e001:fe06::" }, 1);
	cr_assert_eq(probe_routers(&p, &h, r, &n), -1, "no router");
}

/* The most a U-turn may take: four carriers; one micro-SID more is refused. */
Test(probe_uturn, four_carriers_at_most)
{
	static const char *const fits[] = { "fc00:0:1:2:3:4:5:6", "fc00:0:7:8:9:a:b:e001" };
	static const char *const full[] = { "fc00:0:1:2:3:4:5:6", "fc00:0:7:8:9:a:b:c",
					    "fc00:0:e001::" };
	static const char *const too_long[] = { "fc00:0:1:2:3:4:5:6", "fc00:0:7:8:9:a:b:c",
						"fc00:0:d:e001::" };
	struct srv6_path p = path_of(fits, 2), u;
	struct probe_home h;

	home_of("fc00:0:e000::", 48, &h);
	cr_assert_eq(probe_uturn(&p, &h, &u), 0, "11 routers: 11 + 10 + 1 = 22 micro-SIDs");
	cr_assert_eq(u.seg_count, 4);
	p = path_of(full, 3);
	cr_assert_eq(probe_uturn(&p, &h, &u), 0, "12 routers: 12 + 11 + 1 = 24, four carriers full");
	cr_assert_eq(u.seg_count, 4);
	p = path_of(too_long, 3);
	cr_assert_eq(probe_uturn(&p, &h, &u), -1, "13 routers: 13 + 12 + 1 = 26");
}

Test(probe_uturn, what_has_no_uturn)
{
	static const char *const other_block[] = { "fc00:1:2000:1000:2001:e001::" };
	static const char *const no_router[] = { "fc00:0:e001::" };
	static const char *const plain[] = { "2001:db8:ff::1" };
	struct srv6_path p, u;
	struct probe_home h;
	struct srv6_sid_key odd = { .prefixlen = 56 };

	home_of("fc00:0:e000::", 48, &h);
	p = path_of(other_block, 1);
	cr_assert_eq(probe_uturn(&p, &h, &u), -1, "another block");
	p = path_of(no_router, 1);
	cr_assert_eq(probe_uturn(&p, &h, &u), -1, "no router to turn at");
	p = path_of(plain, 1);
	cr_assert_eq(probe_uturn(&p, &h, &u), -1, "no micro-SIDs");
	cr_assert_eq(probe_home_of(&odd, &h), -1, "a /56 is no micro-SID prefix");
}

/* One checksum, computed another way: the sum over the pseudo-header and the
 * message, checksum included, folds to 0xffff. */
static __u16 ones_sum(const __u8 *inner)
{
	__u32 sum = 58 + 24;

	for (int i = 8; i < 40 + 24; i += 2)
		sum += (__u32)inner[i] << 8 | inner[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

Test(probe_packet, an_echo_to_home_behind_the_uturn)
{
	static const char *const turn[] = { "fc00:0:2000:1000:2001:1000:2000:1", "fc00:0:e006::" };
	struct srv6_path u = path_of(turn, 2);
	__u8 frame[PROBE_FRAME_MAX], src[16], *inner;
	struct probe_tag tag = { 0x1234, 0x0102, 0x1122334455667788ull }, got;
	struct probe_home h;
	size_t len, encap = SRV6_ENCAP_LEN(2);

	home_of("fc00:0:1:e006::", 64, &h);
	inet_pton(AF_INET6, "2001:db8:1::2", src);
	len = probe_build(&h, src, &u, &tag, frame);
	cr_assert_eq(len, encap + 40 + 24);
	cr_assert_eq(frame[6], SRV6_NEXTHDR_ROUTING);
	cr_assert_arr_eq(frame + 24, u.segs[0], 16, "outer destination: the first carrier");
	cr_assert_eq(frame[43], 1, "Segments Left");
	cr_assert_arr_eq(frame + 48, u.segs[1], 16);
	inner = frame + encap;
	cr_assert_arr_eq(inner + 8, h.addr, 16, "from home");
	cr_assert_arr_eq(inner + 24, h.addr, 16, "to home");
	cr_assert_eq(ones_sum(inner), 0xffff, "ICMPv6 checksum");
	cr_assert_eq(probe_parse(inner + 40, 24, &got), 0);
	cr_assert_eq(got.id, 0x1234);
	cr_assert_eq(got.seq, 0x0102);
	cr_assert_eq(got.nonce, tag.nonce, "the run's nonce comes back");
	cr_assert_eq(probe_parse(inner + 40, 23, &got), -1, "cut short");
	inner[40] = 129;
	cr_assert_eq(probe_parse(inner + 40, 24, &got), -1, "a reply is no probe");
	inner[40] = 128;
	inner[50] ^= 1;
	cr_assert_eq(probe_parse(inner + 40, 24, &got), -1, "another payload");
}
