// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/fabric/usid.c: micro-SID block, uSID of a SID, carrier composition. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "util/array.h"
#include "fabric/usid.h"
#include "unit_helpers.h"

#define SIDS_MAX 40

static struct usid_block block_of(const char *text)
{
	struct usid_block b;
	struct err e = { "" };

	cr_assert_eq(usid_block_parse(text, &b, &e), 0, "\"%s\" refused: %s", text, e.msg);
	return b;
}

static void block_bad(const char *text, const char *want)
{
	struct usid_block b;
	struct err e = { "" };

	cr_assert_eq(usid_block_parse(text, &b, &e), -1, "\"%s\" accepted (/%u)", text, b.bits);
	cr_assert(strstr(e.msg, want), "\"%s\": message \"%s\" lacks \"%s\"", text, e.msg, want);
	cr_assert(ut_one_line(e.msg));
}

static void assert_block(const struct usid_block *b, const char *prefix, unsigned int bits)
{
	__u8 want[SRV6_ADDR_LEN];

	ut_in6(prefix, want);
	cr_assert_eq(b->bits, bits);
	ut_assert_bytes_eq(b->prefix, want, SRV6_ADDR_LEN, prefix);
}

/* --- block --------------------------------------------------------------- */

Test(usid_block, prefix_and_length)
{
	struct usid_block b;

	b = block_of("fc00:0::/32");
	assert_block(&b, "fc00::", 32);
	cr_assert_eq(usid_per_carrier(&b), 6);
	b = block_of("fc00:0:1::/48");
	assert_block(&b, "fc00:0:1::", 48);
	cr_assert_eq(usid_per_carrier(&b), 5);
	b = block_of("fcbb::/16");
	assert_block(&b, "fcbb::", 16);
	cr_assert_eq(usid_per_carrier(&b), 7);
	b = block_of("fc00:0:0:0:0:0:1::/112");
	assert_block(&b, "fc00::1:0", 112);
	cr_assert_eq(usid_per_carrier(&b), 1);
}

Test(usid_block, jalapeno_spelling)
{
	struct usid_block a, b;

	/* Jalapeño's usid_block "fc00:0:" is the same block as fc00:0::/32. */
	a = block_of("fc00:0:");
	b = block_of("fc00:0::/32");
	assert_block(&a, "fc00::", 32);
	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0);
	a = block_of("fcbb:bb00:1:");
	assert_block(&a, "fcbb:bb00:1::", 48);
	a = block_of("fc00:");
	assert_block(&a, "fc00::", 16);
	a = block_of("fc00:0:0:0:0:0:1:");
	assert_block(&a, "fc00::1:0", 112);
}

Test(usid_block, bad_lengths)
{
	const char *const bad[] = { "fc00:0::/0",  "fc00:0::/8",   "fc00:0::/31", "fc00:0::/33",
				    "fc00:0::/128", "fc00:0::/",  "fc00:0::/x",  "fc00:0::/-32",
				    "fc00:0::/ 32", "fc00:0::/32 " };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		block_bad(bad[i], "length must be 16-112 in steps of 16");
}

Test(usid_block, bits_past_the_prefix)
{
	block_bad("fc00:0:1::/32", "bits set past /32");
	block_bad("fc00:0:0:1::/48", "bits set past /48");
	block_bad("fc00::1/16", "bits set past /16");
	block_bad("fc00:1::/16", "bits set past /16");
}

Test(usid_block, garbage)
{
	char big[200];

	block_bad("", "invalid micro-SID block \"\"");
	block_bad("fc00:0", "give PREFIX/LEN or \"fc00:0:\"");
	block_bad("fc00:0::", "invalid micro-SID block \"fc00:0::\"");
	block_bad("zz00:0:", "not an IPv6 prefix");
	block_bad("fc00:0:/32", "not an IPv6 prefix");
	block_bad("/32", "not an IPv6 prefix");
	block_bad("1:2:3:4:5:6:7:8:", "invalid micro-SID block");
	memset(big, '1', sizeof(big) - 2);
	big[sizeof(big) - 2] = ':';
	big[sizeof(big) - 1] = '\0';
	block_bad(big, "invalid micro-SID block");
}

Test(usid_block, lone_colon_is_not_a_block)
{
	/* ":" would read as "::", an all-zero /16 block. */
	block_bad(":", "invalid micro-SID block");
}

/* --- uSID of a SID ------------------------------------------------------- */

static bool id_of(const struct usid_block *b, const char *sid_text, __u16 *id)
{
	__u8 sid[SRV6_ADDR_LEN];

	ut_in6(sid_text, sid);
	return usid_of_sid(b, sid, id);
}

Test(usid_of_sid, inside_and_outside)
{
	struct usid_block b32 = block_of("fc00:0::/32"), b48 = block_of("fc00:0:1::/48");
	__u16 id = 0;

	cr_assert(id_of(&b32, "fc00:0:1002::", &id));
	cr_assert_eq(id, 0x1002);
	/* Function bits after the node ID are dropped, as Jalapeño does. */
	cr_assert(id_of(&b32, "fc00:0:1003:fe06::", &id));
	cr_assert_eq(id, 0x1003);
	cr_assert(id_of(&b32, "fc00:0:ffff:1:2:3:4:5", &id));
	cr_assert_eq(id, 0xffff);
	cr_assert_not(id_of(&b32, "fc00:1:1002::", &id));
	cr_assert_not(id_of(&b32, "fcbb:0:1002::", &id));
	cr_assert_not(id_of(&b32, "2001:db8::1", &id));

	cr_assert(id_of(&b48, "fc00:0:1:abcd::", &id));
	cr_assert_eq(id, 0xabcd);
	cr_assert_not(id_of(&b48, "fc00:0:2:abcd::", &id));
}

/* --- composition: hand-checked cases ------------------------------------- */

/* Compose from SID texts; returns the result of usid_compose. */
static int compose(const char *block, const char *const *texts, size_t n, bool has_fn,
		   __u16 fn, struct srv6_path *out, struct err *e)
{
	struct usid_block b = block_of(block);
	__u8 sids[SIDS_MAX][SRV6_ADDR_LEN];

	cr_assert_leq(n, SIDS_MAX);
	for (size_t i = 0; i < n; i++)
		ut_in6(texts[i], sids[i]);
	memset(out, 0xee, sizeof(*out));
	memset(e->msg, 0, sizeof(e->msg));
	return usid_compose(&b, (const __u8(*)[SRV6_ADDR_LEN])sids, n, has_fn, fn, out, e);
}

static void assert_segs(const struct srv6_path *p, const char *const *want, unsigned int n)
{
	char got[INET6_ADDRSTRLEN];

	cr_assert_eq(p->seg_count, n, "%u segments, expected %u", p->seg_count, n);
	cr_assert_eq(p->weight, 1);
	cr_assert_eq(p->flags, 0);
	cr_assert_eq(p->reserved, 0);
	for (unsigned int i = 0; i < n; i++) {
		__u8 w[SRV6_ADDR_LEN];

		ut_in6(want[i], w);
		cr_assert_eq(memcmp(p->segs[i], w, SRV6_ADDR_LEN), 0, "segment %u is %s, expected %s",
			     i, ut_ntop6(p->segs[i], got), want[i]);
	}
	for (unsigned int i = n; i < SRV6_MAX_SEGS; i++)
		for (int k = 0; k < SRV6_ADDR_LEN; k++)
			cr_assert_eq(p->segs[i][k], 0, "unused segment %u not cleared", i);
}

static void compose_ok(const char *block, const char *const *texts, size_t n, bool has_fn,
		       __u16 fn, const char *const *want, unsigned int nwant)
{
	struct srv6_path out;
	struct err e;

	cr_assert_eq(compose(block, texts, n, has_fn, fn, &out, &e), 0, "refused: %s", e.msg);
	assert_segs(&out, want, nwant);
}

static void compose_bad(const char *block, const char *const *texts, size_t n, bool has_fn,
			__u16 fn, const char *want)
{
	struct srv6_path out;
	struct err e;

	cr_assert_eq(compose(block, texts, n, has_fn, fn, &out, &e), -1, "accepted (%u segments)",
		     out.seg_count);
	cr_assert(strstr(e.msg, want), "message \"%s\" lacks \"%s\"", e.msg, want);
	cr_assert(ut_one_line(e.msg));
}

Test(usid_compose, plugin_example)
{
	/* jalapeno-api.md section 2: the plugin's DEST_FUNCTION fe06 example. */
	const char *const sids[] = { "fc00:0:1002::", "fc00:0:2000::", "fc00:0:1001::",
				     "fc00:0:e002::" };
	const char *const with_fn[] = { "fc00:0:1002:2000:1001:e002:fe06::" };
	const char *const without[] = { "fc00:0:1002:2000:1001:e002::" };

	compose_ok("fc00:0:", sids, 4, true, 0xfe06, with_fn, 1);
	compose_ok("fc00:0::/32", sids, 4, false, 0, without, 1);
}

Test(usid_compose, function_bits_of_path_sids_are_dropped)
{
	const char *const sids[] = { "fc00:0:1002:fe06::", "fc00:0:1003:e000:1::" };
	const char *const want[] = { "fc00:0:1002:1003::" };

	compose_ok("fc00:0::/32", sids, 2, false, 0, want, 1);
}

Test(usid_compose, one_sid)
{
	const char *const sids[] = { "fc00:0:1001::" };
	const char *const plain[] = { "fc00:0:1001::" };
	const char *const fn[] = { "fc00:0:1001:fe06::" };

	compose_ok("fc00:0::/32", sids, 1, false, 0, plain, 1);
	compose_ok("fc00:0::/32", sids, 1, true, 0xfe06, fn, 1);
}

Test(usid_compose, full_carrier_then_function_moves_the_last_usid)
{
	const char *const five[] = { "fc00:0:1001::", "fc00:0:1002::", "fc00:0:1003::",
				     "fc00:0:1004::", "fc00:0:1005::", "fc00:0:1006::" };
	const char *const five_fn[] = { "fc00:0:1001:1002:1003:1004:1005:fe06" };
	const char *const six[] = { "fc00:0:1001:1002:1003:1004:1005:1006" };
	const char *const six_fn[] = { "fc00:0:1001:1002:1003:1004:1005::",
				       "fc00:0:1006:fe06::" };

	/* 5 uSIDs + function fill one carrier exactly. */
	compose_ok("fc00:0::/32", five, 5, true, 0xfe06, five_fn, 1);
	/* 6 uSIDs fill it; with a function, the 6th moves to keep it company. */
	compose_ok("fc00:0::/32", five, 6, false, 0, six, 1);
	compose_ok("fc00:0::/32", five, 6, true, 0xfe06, six_fn, 2);
}

Test(usid_compose, sids_outside_the_block_stay_whole)
{
	const char *const sids[] = { "fc00:0:1001::", "2001:db8:ffff::5", "fc00:0:1002::",
				     "fc00:0:1003::" };
	const char *const want[] = { "fc00:0:1001::", "2001:db8:ffff::5",
				     "fc00:0:1002:1003:fe06::" };
	const char *const first_whole[] = { "fcbb:0:1:e000::", "fc00:0:1001::" };
	const char *const first_whole_want[] = { "fcbb:0:1:e000::", "fc00:0:1001::" };
	const char *const last_whole[] = { "fc00:0:1001::", "fc00:0:1002::", "2001:db8::9" };
	const char *const last_whole_want[] = { "fc00:0:1001:1002::", "2001:db8::9" };

	compose_ok("fc00:0::/32", sids, 4, true, 0xfe06, want, 3);
	compose_ok("fc00:0::/32", first_whole, 2, false, 0, first_whole_want, 2);
	compose_ok("fc00:0::/32", last_whole, 3, false, 0, last_whole_want, 2);
}

Test(usid_compose, four_whole_sids_ok_five_too_many)
{
	const char *const sids[] = { "2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4",
				     "2001:db8::5" };

	compose_ok("fc00:0::/32", sids, 4, false, 0, sids, 4);
	compose_bad("fc00:0::/32", sids, 5, false, 0, "path needs more than 4 segments");
}

Test(usid_compose, function_after_a_whole_sid_is_refused)
{
	const char *const sids[] = { "fc00:0:1001::", "2001:db8::9" };

	compose_bad("fc00:0::/32", sids, 2, true, 0xfe06,
		    "the last SID is outside the micro-SID block: cannot append function fe06");
}

Test(usid_compose, empty_list_is_refused)
{
	compose_bad("fc00:0::/32", NULL, 0, false, 0, "empty SID list");
	compose_bad("fc00:0::/32", NULL, 0, true, 0xfe06, "empty SID list");
}

Test(usid_compose, other_block_lengths)
{
	const char *const sids48[] = { "fc00:0:1:a::", "fc00:0:1:b::", "fc00:0:1:c::",
				       "fc00:0:1:d::", "fc00:0:1:e::" };
	const char *const want48[] = { "fc00:0:1:a:b:c:d::", "fc00:0:1:e:fe06::" };
	const char *const sids96[] = { "fc00:0:0:0:0:1:a::", "fc00:0:0:0:0:1:b::" };
	const char *const want96[] = { "fc00:0:0:0:0:1:a::", "fc00:0:0:0:0:1:b:fe06" };

	/* /48: 5 uSIDs per carrier. */
	compose_ok("fc00:0:1::/48", sids48, 5, true, 0xfe06, want48, 2);
	/* /96: 2 per carrier, the function still shares the last one. */
	compose_ok("fc00:0:0:0:0:1::/96", sids96, 2, true, 0xfe06, want96, 2);
}

Test(usid_compose, function_never_alone_even_with_one_usid_per_carrier)
{
	/* A /112 block leaves room for one uSID: a carrier with the function alone
	 * would send the packet to the wrong node, so this must be refused. */
	const char *const sids[] = { "fc00:0:0:0:0:0:1:a" };
	struct srv6_path out;
	struct err e;

	cr_assert_eq(compose("fc00:0:0:0:0:0:1::/112", sids, 1, true, 0xfe06, &out, &e), -1,
		     "accepted: %u segments, the last holding the function alone", out.seg_count);
	cr_assert(ut_one_line(e.msg));
}

Test(usid_compose, usid_zero_is_refused)
{
	/* fc00:0:: is inside the block but its uSID is 0, the end-of-carrier
	 * marker: routers would never see the uSIDs packed after it. */
	const char *const sids[] = { "fc00:0::", "fc00:0:1002::" };

	compose_bad("fc00:0::/32", sids, 2, false, 0, "fc00::");
	compose_bad("fc00:0::/32", sids, 1, true, 0xfe06, "fc00::");
}

Test(usid_compose, function_zero_is_refused)
{
	/* A zero function would be the end-of-carrier marker, not a function. */
	const char *const sids[] = { "fc00:0:1002::" };

	compose_bad("fc00:0::/32", sids, 1, true, 0, "function 0");
}

/* --- composition: 1 to 20+ uSIDs, checked by rule ------------------------ */

/*
 * Reads the carriers back and checks: each is the block followed by 1..per
 * non-zero IDs and then zeros; together they spell ids (then the function);
 * all carriers are full except the last, or the last two when the function
 * would otherwise be alone; the function sits next to the last uSID.
 */
static void check_carriers(const struct usid_block *b, const __u16 *ids, size_t n, bool has_fn,
			   __u16 fn, const struct srv6_path *out)
{
	size_t per = usid_per_carrier(b), total = n + has_fn, at = 0;
	size_t k = (total + per - 1) / per, sizes[SRV6_MAX_SEGS + 1];
	unsigned int off = b->bits / 8;

	cr_assert_leq(k, SRV6_MAX_SEGS, "test bug: %zu carriers", k);
	for (size_t c = 0; c < k; c++)
		sizes[c] = c + 1 < k ? per : total - per * (k - 1);
	if (has_fn && k > 1 && sizes[k - 1] == 1) {
		sizes[k - 2]--;
		sizes[k - 1]++;
	}
	cr_assert_eq(out->seg_count, k, "%zu uSIDs%s: %u carriers, expected %zu", n,
		     has_fn ? " + function" : "", out->seg_count, k);
	for (size_t c = 0; c < k; c++) {
		const __u8 *seg = out->segs[c];
		size_t used = 0;

		cr_assert_eq(memcmp(seg, b->prefix, off), 0, "carrier %zu lacks the block", c);
		for (size_t g = 0; g < per; g++) {
			__u16 id = (__u16)(seg[off + 2 * g] << 8 | seg[off + 2 * g + 1]);

			if (g < sizes[c]) {
				__u16 want = at < n ? ids[at] : fn;

				cr_assert_eq(id, want, "carrier %zu group %zu: %04x, expected %04x", c,
					     g, id, want);
				at++;
				used++;
			} else {
				cr_assert_eq(id, 0, "carrier %zu: uSID %04x past %zu", c, id, sizes[c]);
			}
		}
		cr_assert_geq(used, 1);
	}
	cr_assert_eq(at, total);
	if (has_fn) {
		/* The function and the last uSID share the last carrier. */
		cr_assert_geq(sizes[k - 1], 2, "function alone in its carrier");
	}
}

static void compose_ids(const char *block, size_t n, bool has_fn)
{
	struct usid_block b = block_of(block);
	__u8 sids[SIDS_MAX][SRV6_ADDR_LEN];
	__u16 ids[SIDS_MAX];
	struct srv6_path out;
	struct err e = { "" };
	unsigned int off = b.bits / 8;

	for (size_t i = 0; i < n; i++) {
		ids[i] = (__u16)(0x1001 + i);
		memcpy(sids[i], b.prefix, SRV6_ADDR_LEN);
		sids[i][off] = (__u8)(ids[i] >> 8);
		sids[i][off + 1] = (__u8)ids[i];
		if (i % 2 && off + 3 < SRV6_ADDR_LEN)
			sids[i][off + 3] = 0x06; /* a function after the ID: dropped */
	}
	cr_assert_eq(usid_compose(&b, (const __u8(*)[SRV6_ADDR_LEN])sids, n, has_fn, 0xfe06, &out,
				  &e),
		     0, "%zu uSIDs%s refused: %s", n, has_fn ? " + function" : "", e.msg);
	cr_assert_eq(out.weight, 1);
	check_carriers(&b, ids, n, has_fn, 0xfe06, &out);
}

Test(usid_compose, one_to_twenty_usids)
{
	for (size_t n = 1; n <= 20; n++) {
		compose_ids("fc00:0::/32", n, false);
		compose_ids("fc00:0::/32", n, true);
	}
}

Test(usid_compose, up_to_capacity_on_other_blocks)
{
	/* 4 carriers hold 4 * per items: every count that fits. */
	for (size_t n = 1; n <= 4 * 5; n++) {
		compose_ids("fc00:0:1::/48", n, false);
		if (n < 4 * 5)
			compose_ids("fc00:0:1::/48", n, true);
	}
	for (size_t n = 1; n <= 4 * 7 && n <= SIDS_MAX; n++) {
		compose_ids("fc00::/16", n, false);
		if (n < 4 * 7)
			compose_ids("fc00::/16", n, true);
	}
}

Test(usid_compose, capacity_limits)
{
	static const char *texts[SIDS_MAX];
	static char buf[SIDS_MAX][32];
	struct srv6_path out;
	struct err e;

	for (int i = 0; i < SIDS_MAX; i++) {
		snprintf(buf[i], sizeof(buf[i]), "fc00:0:%x::", 0x1001 + i);
		texts[i] = buf[i];
	}
	/* /32: 4 carriers of 6. */
	cr_assert_eq(compose("fc00:0::/32", texts, 24, false, 0, &out, &e), 0, "%s", e.msg);
	cr_assert_eq(out.seg_count, 4);
	cr_assert_eq(compose("fc00:0::/32", texts, 23, true, 0xfe06, &out, &e), 0, "%s", e.msg);
	cr_assert_eq(out.seg_count, 4);
	compose_bad("fc00:0::/32", texts, 25, false, 0, "needs more than 4 segments");
	compose_bad("fc00:0::/32", texts, 24, true, 0xfe06, "needs more than 4 segments");
	compose_bad("fc00:0::/32", texts, 33, false, 0, "path of 33 SIDs needs more than 4 segments");
	compose_bad("fc00:0::/32", texts, SIDS_MAX, true, 0xfe06, "needs more than 4 segments");
}
