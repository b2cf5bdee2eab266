// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * include/srv6_usid.h: the End behaviour's NEXT-C-SID argument test and shift
 * (RFC 9800 4.1), which the XDP program runs on the destination address; and
 * the `sid ... action end [lblen N nflen N]` grammar.
 *
 * Expected addresses are written by hand from RFC 9800's pseudocode (copy the
 * argument into the bits after the block, zero the rest); the property test
 * compares the 64-bit implementation with a byte-by-byte model of the same
 * sentence for every valid layout.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "device/sid.h"
#include "srv6_usid.h"
#include "unit_helpers.h"

static void expect_shift(const char *in, unsigned int lblen, unsigned int nflen,
			 const char *want_text)
{
	__u8 da[SRV6_ADDR_LEN], want[SRV6_ADDR_LEN];
	char got[INET6_ADDRSTRLEN];

	ut_in6(in, da);
	ut_in6(want_text, want);
	cr_assert(srv6_usid_has_arg(da, lblen, nflen), "%s has an argument at %u/%u", in, lblen,
		  nflen);
	srv6_usid_shift(da, lblen, nflen);
	cr_assert_eq(memcmp(da, want, SRV6_ADDR_LEN), 0, "%s at %u/%u: got %s, want %s", in,
		     lblen, nflen, ut_ntop6(da, got), want_text);
}

static bool has_arg(const char *text, unsigned int lblen, unsigned int nflen)
{
	__u8 da[SRV6_ADDR_LEN];

	ut_in6(text, da);
	return srv6_usid_has_arg(da, lblen, nflen);
}

Test(usid_shift, carriers_32_16)
{
	/* r1 (0100) then r2 (0200) then h1's decap function. */
	expect_shift("fc00:0:100:200:2:e006::", 32, 16, "fc00:0:200:2:e006::");
	expect_shift("fc00:0:200:2:e006::", 32, 16, "fc00:0:2:e006::");
	/* A full carrier: six micro-SIDs, the last one shifts out into zeros. */
	expect_shift("fc00:0:1:2:3:4:5:6", 32, 16, "fc00:0:2:3:4:5:6:0");
	/* Only the last 16 bits set: still an argument. */
	expect_shift("fc00:0:100::1", 32, 16, "fc00::1:0");
}

Test(usid_shift, other_layouts)
{
	/* A 48-bit block (2001:db8:aa::/48), 16-bit node IDs. */
	expect_shift("2001:db8:aa:100:200:e006::", 48, 16, "2001:db8:aa:200:e006::");
	/* 32-bit node IDs. */
	expect_shift("fc00:0:1:1:2:2:e006:0", 32, 32, "fc00:0:2:2:e006::");
	/* A block of 56 bits and 16-bit IDs: the shift crosses the 64-bit halves. */
	expect_shift("fc00:0:0:0011:2233:4455:6677:8899", 56, 16, "fc00::33:4455:6677:8899:0");
	/* 8-bit block and 8-bit IDs, the smallest layout the kernel accepts. */
	expect_shift("fc01:0203:0405:0607:0809:0a0b:0c0d:0e0f", 8, 8,
		     "fc02:0304:0506:0708:090a:0b0c:0d0e:0f00");
}

Test(usid_shift, argument_zero)
{
	cr_assert_not(has_arg("fc00:0:100::", 32, 16));
	cr_assert_not(has_arg("fc00:0:ffff::", 32, 16), "the node ID is not the argument");
	cr_assert(has_arg("fc00:0:100:1::", 32, 16));
	cr_assert_not(has_arg("fc00:0:100:1::", 32, 32), "with 32-bit IDs 100:1 is the node");
	/* Block and node fill the address: never an argument. */
	cr_assert_not(has_arg("fc00:0:1:2:3:4:5:6", 64, 64));
	cr_assert_not(has_arg("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 120, 8));
	cr_assert(has_arg("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff01", 112, 8));
}

/* RFC 9800's sentence, byte by byte: the model the 64-bit code must match. */
static void model_shift(__u8 *da, unsigned int lblen, unsigned int nflen)
{
	unsigned int lb = lblen / 8, nf = nflen / 8;

	for (unsigned int i = lb; i < SRV6_ADDR_LEN; i++)
		da[i] = i + nf < SRV6_ADDR_LEN ? da[i + nf] : 0;
}

static bool model_has_arg(const __u8 *da, unsigned int lblen, unsigned int nflen)
{
	for (unsigned int i = (lblen + nflen) / 8; i < SRV6_ADDR_LEN; i++)
		if (da[i])
			return true;
	return false;
}

Test(usid_shift, every_layout_matches_the_byte_model)
{
	unsigned int seed = 12345, layouts = 0;

	for (unsigned int lblen = 8; lblen <= 120; lblen += 8) {
		for (unsigned int nflen = 8; nflen <= 120; nflen += 8) {
			if (lblen + nflen > 128)
				continue;
			layouts++;
			for (int round = 0; round < 200; round++) {
				__u8 da[SRV6_ADDR_LEN], want[SRV6_ADDR_LEN];

				for (int i = 0; i < SRV6_ADDR_LEN; i++)
					da[i] = (__u8)rand_r(&seed);
				/* Half the rounds with a zero argument. */
				if (round % 2)
					memset(da + (lblen + nflen) / 8, 0,
					       SRV6_ADDR_LEN - (lblen + nflen) / 8);
				memcpy(want, da, sizeof(da));
				cr_assert_eq(srv6_usid_has_arg(da, lblen, nflen),
					     model_has_arg(da, lblen, nflen), "has_arg at %u/%u",
					     lblen, nflen);
				model_shift(want, lblen, nflen);
				srv6_usid_shift(da, lblen, nflen);
				cr_assert_eq(memcmp(da, want, SRV6_ADDR_LEN), 0,
					     "shift at %u/%u round %d", lblen, nflen, round);
			}
		}
	}
	cr_assert_eq(layouts, 120, "every valid (lblen, nflen) pair was tried");
}

Test(usid_shift, lengths_as_the_kernel_accepts)
{
	cr_assert(srv6_usid_lengths_valid(32, 16));
	cr_assert(srv6_usid_lengths_valid(8, 8));
	cr_assert(srv6_usid_lengths_valid(120, 8));
	cr_assert(srv6_usid_lengths_valid(64, 64));
	cr_assert_not(srv6_usid_lengths_valid(0, 16), "a block of 0 bits");
	cr_assert_not(srv6_usid_lengths_valid(32, 0), "a node ID of 0 bits");
	cr_assert_not(srv6_usid_lengths_valid(33, 16), "not whole bytes");
	cr_assert_not(srv6_usid_lengths_valid(32, 12), "not whole bytes");
	cr_assert_not(srv6_usid_lengths_valid(128, 8), "more than 120");
	cr_assert_not(srv6_usid_lengths_valid(120, 16), "more than 128 together");
}

/* sid VERB ARGS... parsed into req; 0 or -1 with the error in e. */
static int parse(enum route_verb verb, const char *line, struct sid_req *req, struct err *e)
{
	char buf[256], *argv[16];
	int argc;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = ut_words(buf, argv, 16);
	memset(e, 0, sizeof(*e));
	return sid_req_parse(verb, argc, argv, req, e);
}

static void expect_error(enum route_verb verb, const char *line, const char *needle)
{
	struct sid_req req;
	struct err e;

	cr_assert_neq(parse(verb, line, &req, &e), 0, "accepted: %s", line);
	cr_assert(strstr(e.msg, needle), "error of \"%s\": \"%s\" lacks \"%s\"", line, e.msg, needle);
	cr_assert(ut_one_line(e.msg));
}

Test(sid_grammar, end_defaults_and_lengths)
{
	struct sid_req req;
	struct err e;

	cr_assert_eq(parse(ROUTE_ADD, "fc00:0:100::/48 dev eth0 action end", &req, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(req.action, SRV6_SID_END);
	cr_assert_eq(req.lblen, 32);
	cr_assert_eq(req.nflen, 16);
	cr_assert_eq(req.key.prefixlen, 48);
	cr_assert_str_eq(req.dev, "eth0");
	cr_assert_str_eq(sid_action_name(req.action), "end");

	cr_assert_eq(parse(ROUTE_REPLACE, "2001:db8:aa::/80 dev eth1 action end lblen 48 nflen 32",
			   &req, &e), 0, "%s", e.msg);
	cr_assert_eq(req.lblen, 48);
	cr_assert_eq(req.nflen, 32);
	cr_assert_eq(parse(ROUTE_ADD, "fc00:0:100::/56 nflen 24 dev eth0 action end", &req, &e), 0,
		     "%s", e.msg);
	cr_assert_eq(req.lblen, 32, "lblen keeps its default");
	cr_assert_eq(req.nflen, 24);
}

Test(sid_grammar, end_errors)
{
	/* The prefix is the block and the node ID, no more, no less. */
	expect_error(ROUTE_ADD, "fc00::/32 dev eth0 action end", "give /48 for lblen 32 nflen 16, not /32");
	expect_error(ROUTE_ADD, "fc00:0:100:1::/64 dev eth0 action end", "give /48 for lblen 32 nflen 16");
	expect_error(ROUTE_ADD, "2001:db8:aa::/48 dev eth0 action end lblen 48 nflen 16", "give /64");
	expect_error(ROUTE_ADD, "fc00:0:100::/48 dev eth0 action end lblen 33", "invalid micro-SID layout");
	expect_error(ROUTE_ADD, "fc00:0:100::/48 dev eth0 action end nflen 0", "invalid micro-SID layout");
	expect_error(ROUTE_ADD, "fc00:0:100::/48 dev eth0 action end lblen 120 nflen 16",
		     "together at most 128");
	expect_error(ROUTE_ADD, "fc00:0:100::/48 dev eth0 action end lblen 129", "invalid lblen");
	expect_error(ROUTE_ADD, "fc00:0:100::/48 dev eth0 action end lblen x", "invalid lblen");
	expect_error(ROUTE_ADD, "fc00:0:100::/48 dev eth0 action end nflen", "missing value");
	expect_error(ROUTE_ADD, "fc00:0:2::/48 dev eth0 action decap lblen 32", "belong to action end");
	expect_error(ROUTE_ADD, "fc00:0:2::/48 dev eth0 action forward", "decap, decap4, decap6 or end");
	expect_error(ROUTE_ADD, "fc00:0:2::/48 dev eth0", "missing action");
	expect_error(ROUTE_DEL, "fc00:0:2::/48 dev eth0 lblen 32", "unknown argument");
}
