// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/util/addr.c: peers, SIDs, SID lists, integers, and their text. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "util/array.h"
#include "util/addr.h"
#include "unit_helpers.h"

/* --- peers --------------------------------------------------------------- */

static void peer_ok(const char *text, const char *want_addr6, int want_family)
{
	struct srv6_peer_key key, want;
	struct err e = { "" };
	int family = -1;

	memset(&key, 0xa5, sizeof(key));
	ut_in6(want_addr6, want.addr);
	cr_assert_eq(addr_parse_peer(text, &key, &family, &e), 0, "\"%s\" rejected: %s", text,
		     e.msg);
	cr_assert_eq(family, want_family, "\"%s\": family %d", text, family);
	ut_assert_bytes_eq(key.addr, want.addr, SRV6_ADDR_LEN, text);
}

/* Every rejection is one line that quotes the input and says what is wrong. */
static void peer_bad(const char *text, const char *reason)
{
	struct srv6_peer_key key;
	struct err e = { "" };
	char quoted[128];
	int family = -1;

	cr_assert_eq(addr_parse_peer(text, &key, &family, &e), -1, "\"%s\" accepted", text);
	snprintf(quoted, sizeof(quoted), "invalid peer \"%s\"", text);
	cr_assert(strstr(e.msg, quoted), "\"%s\": message \"%s\" does not name it", text, e.msg);
	cr_assert(strstr(e.msg, reason), "\"%s\": message \"%s\" lacks \"%s\"", text, e.msg,
		  reason);
	cr_assert(ut_one_line(e.msg));
}

Test(addr_peer, ipv6)
{
	peer_ok("2001:db8::2", "2001:db8::2", AF_INET6);
	peer_ok("2001:DB8:0:0:0:0:0:1", "2001:db8::1", AF_INET6);
	peer_ok("2001:db8::2/128", "2001:db8::2", AF_INET6);
}

Test(addr_peer, ipv4_is_stored_v4_mapped)
{
	peer_ok("192.0.2.1", "::ffff:192.0.2.1", AF_INET);
	peer_ok("203.0.113.254/32", "::ffff:203.0.113.254", AF_INET);
}

Test(addr_peer, prefixes_other_than_host_are_rejected)
{
	peer_bad("2001:db8::2/64", "/128");
	peer_bad("2001:db8::2/127", "/128");
	peer_bad("2001:db8::2/", "/128");
	peer_bad("2001:db8::2/128/128", "/128");
	peer_bad("192.0.2.1/24", "/32");
	peer_bad("192.0.2.1/128", "/32");
	peer_bad("192.0.2.1/", "/32");
}

Test(addr_peer, non_unicast_is_rejected)
{
	peer_bad("::", "not a unicast host address");
	peer_bad("ff02::1", "not a unicast host address");
	peer_bad("ff05::2/128", "not a unicast host address");
	/* IPv4 peers are written as IPv4; the mapped form would alias them. */
	peer_bad("::ffff:192.0.2.1", "not a unicast host address");
	peer_bad("0.0.0.0", "not a unicast host address");
	peer_bad("224.0.0.1", "not a unicast host address");
	peer_bad("239.255.255.250", "not a unicast host address");
	peer_bad("255.255.255.255", "not a unicast host address");
}

Test(addr_peer, garbage_is_rejected)
{
	peer_bad("", "not an IPv4 or IPv6 address");
	peer_bad("/128", "not an IPv4 or IPv6 address");
	peer_bad("host1", "not an IPv4 or IPv6 address");
	peer_bad("2001:db8::g", "not an IPv4 or IPv6 address");
	peer_bad("2001:db8:::2", "not an IPv4 or IPv6 address");
	peer_bad("192.0.2", "not an IPv4 or IPv6 address");
	peer_bad("192.0.2.256", "not an IPv4 or IPv6 address");
	peer_bad("192.0.2.1 ", "not an IPv4 or IPv6 address");
	peer_bad(" 192.0.2.1", "not an IPv4 or IPv6 address");
	peer_bad("0x01020304", "not an IPv4 or IPv6 address");
}

Test(addr_peer, overlong_input_is_rejected)
{
	char text[200];

	/* Longer than any address text: must not be cut to something valid. */
	snprintf(text, sizeof(text), "2001:db8::1%0150d", 0);
	peer_bad(text, "not an IPv4 or IPv6 address");
}

Test(addr_peer, newline_in_input_keeps_one_line)
{
	struct srv6_peer_key key;
	struct err e = { "" };
	int family;

	cr_assert_eq(addr_parse_peer("2001:db8::1\nx", &key, &family, &e), -1);
	cr_assert(ut_one_line(e.msg), "\"%s\"", e.msg);
}

/* --- SIDs ---------------------------------------------------------------- */

static void sid_bad(const char *text, const char *reason)
{
	__u8 sid[SRV6_ADDR_LEN];
	struct err e = { "" };
	char quoted[128];

	cr_assert_eq(addr_parse_sid(text, sid, &e), -1, "\"%s\" accepted", text);
	snprintf(quoted, sizeof(quoted), "invalid SID \"%s\"", text);
	cr_assert(strstr(e.msg, quoted), "\"%s\": message \"%s\" does not name it", text, e.msg);
	cr_assert(strstr(e.msg, reason), "\"%s\": message \"%s\" lacks \"%s\"", text, e.msg,
		  reason);
	cr_assert(ut_one_line(e.msg));
}

Test(addr_sid, unicast_accepted_as_bytes)
{
	__u8 sid[SRV6_ADDR_LEN], want[SRV6_ADDR_LEN];
	struct err e = { "" };

	cr_assert_eq(addr_parse_sid("fc00:0:100:2:e006::", sid, &e), 0, "%s", e.msg);
	ut_in6("fc00:0:100:2:e006::", want);
	ut_assert_bytes_eq(sid, want, SRV6_ADDR_LEN, "sid");
	cr_assert_eq(sid[0], 0xfc);
	cr_assert_eq(sid[8], 0xe0);
	cr_assert_eq(sid[9], 0x06);

	cr_assert_eq(addr_parse_sid("2001:db8::5", sid, &e), 0, "%s", e.msg);
	ut_in6("2001:db8::5", want);
	ut_assert_bytes_eq(sid, want, SRV6_ADDR_LEN, "sid");
}

Test(addr_sid, special_addresses_rejected)
{
	const char *reason = "a SID is a global unicast IPv6 address";

	sid_bad("::", reason);
	sid_bad("::1", reason);
	sid_bad("ff02::2", reason);
	sid_bad("ff0e::1", reason);
	sid_bad("fe80::1", reason);
	sid_bad("fe80::1:2:3:4", reason);
	sid_bad("::ffff:192.0.2.1", reason);
}

Test(addr_sid, not_an_address_rejected)
{
	sid_bad("", "not an IPv6 address");
	sid_bad("192.0.2.1", "not an IPv6 address");
	sid_bad("fc00:0:1::/48", "not an IPv6 address");
	sid_bad("fc00::zz", "not an IPv6 address");
	sid_bad("fc00:0:1:2:3:4:5:6:7", "not an IPv6 address");
}

/* --- SID lists ----------------------------------------------------------- */

static void segs_ok(const char *text, unsigned int n, const char *const want[])
{
	struct srv6_path path;
	struct err e = { "" };

	memset(&path, 0, sizeof(path));
	cr_assert_eq(addr_parse_segs(text, &path, &e), 0, "\"%s\" rejected: %s", text, e.msg);
	cr_assert_eq(path.seg_count, n, "\"%s\": %u SIDs", text, path.seg_count);
	for (unsigned int i = 0; i < n; i++) {
		__u8 sid[SRV6_ADDR_LEN];

		ut_in6(want[i], sid);
		ut_assert_bytes_eq(path.segs[i], sid, SRV6_ADDR_LEN, want[i]);
	}
}

static void segs_bad(const char *text, const char *needle)
{
	struct srv6_path path;
	struct err e = { "" };

	memset(&path, 0, sizeof(path));
	cr_assert_eq(addr_parse_segs(text, &path, &e), -1, "\"%s\" accepted", text);
	cr_assert(strstr(e.msg, needle), "\"%s\": message \"%s\" lacks \"%s\"", text, e.msg,
		  needle);
	cr_assert(ut_one_line(e.msg));
	cr_assert(strlen(e.msg) < 200, "message too long: %zu", strlen(e.msg));
}

Test(addr_segs, one_to_four_in_order)
{
	const char *const s[] = { "fc00:0:1::", "fc00:0:2::", "fc00:0:3::", "fc00:0:4::" };

	segs_ok("fc00:0:1::", 1, s);
	segs_ok("fc00:0:1::,fc00:0:2::", 2, s);
	segs_ok("fc00:0:1::,fc00:0:2::,fc00:0:3::", 3, s);
	segs_ok("fc00:0:1::,fc00:0:2::,fc00:0:3::,fc00:0:4::", 4, s);
}

Test(addr_segs, keeps_duplicates_and_full_width)
{
	const char *const s[] = { "fc00:0:1:2:3:4:5:6", "fc00:0:1:2:3:4:5:6" };

	segs_ok("fc00:0:1:2:3:4:5:6,fc00:0:1:2:3:4:5:6", 2, s);
}

Test(addr_segs, five_is_too_many)
{
	segs_bad("fc00:0:1::,fc00:0:2::,fc00:0:3::,fc00:0:4::,fc00:0:5::",
		 "too many SIDs in \"fc00:0:1::,");
	segs_bad("fc00:0:1::,fc00:0:2::,fc00:0:3::,fc00:0:4::,fc00:0:5::", "at most 4 per path");
}

Test(addr_segs, empty_items)
{
	segs_bad("", "empty segs");
	segs_bad(",", "empty SID");
	segs_bad(",fc00:0:1::", "invalid segs \",fc00:0:1::\": empty SID");
	segs_bad("fc00:0:1::,", "invalid segs \"fc00:0:1::,\": empty SID");
	segs_bad("fc00:0:1::,,fc00:0:2::", "empty SID");
}

Test(addr_segs, bad_sid_named)
{
	segs_bad("fc00:0:1::,fe80::1", "invalid SID \"fe80::1\"");
	segs_bad("fc00:0:1::,nope,fc00:0:2::", "invalid SID \"nope\": not an IPv6 address");
	segs_bad("fc00:0:1:: ", "invalid SID \"fc00:0:1:: \"");
}

Test(addr_segs, overlong_token)
{
	char text[400], want[128];

	/* 300 characters in one item: rejected, and the message quotes at most 64 of them. */
	memset(text, 'a', 300);
	text[300] = '\0';
	snprintf(want, sizeof(want), "invalid SID \"%.64s\": not an IPv6 address", text);
	segs_bad(text, want);

	/* One and two characters past the longest address text (45), after a valid SID. */
	snprintf(text, sizeof(text), "fc00::1,%s", "0000:0000:0000:0000:0000:ffff:192.168.100.2280");
	segs_bad(text, "invalid SID \"0000:0000:0000:0000:0000:ffff:192.168.100.2280\"");
	snprintf(text, sizeof(text), "fc00::1,%s", "0000:0000:0000:0000:0000:ffff:192.168.100.22800");
	segs_bad(text, "invalid SID \"0000:0000:0000:0000:0000:ffff:192.168.100.22800\"");
}

/* --- integers ------------------------------------------------------------ */

Test(addr_uint, accepts_decimal_in_range)
{
	unsigned long v = 12345;

	cr_assert_eq(parse_uint("0", 0, 10, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(parse_uint("10", 0, 10, &v), 0);
	cr_assert_eq(v, 10);
	cr_assert_eq(parse_uint("255", 1, 255, &v), 0);
	cr_assert_eq(v, 255);
	cr_assert_eq(parse_uint("007", 1, 255, &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(parse_uint("18446744073709551615", 0, ULONG_MAX, &v), 0);
	cr_assert_eq(v, ULONG_MAX);
}

Test(addr_uint, rejects_and_leaves_out_alone)
{
	const char *const bad[] = { "", " 1", "1 ", "+1", "-1", "0x10", "1.5", "1e3", "abc",
				    "256", "18446744073709551616" };
	unsigned long v = 42;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		cr_assert_eq(parse_uint(bad[i], 1, 255, &v), -1, "\"%s\" accepted", bad[i]);
		cr_assert_eq(v, 42, "\"%s\" changed the output", bad[i]);
	}
	cr_assert_eq(parse_uint(NULL, 0, 10, &v), -1);
	cr_assert_eq(parse_uint("0", 1, 10, &v), -1, "below min");
	cr_assert_eq(v, 42);
}

/* --- text ---------------------------------------------------------------- */

Test(addr_text, key_of_ipv6_peer)
{
	struct srv6_peer_key key;
	struct in6_addr a;
	char buf[ADDR_STR_LEN];

	ut_in6("2001:0db8:0000:0000:0000:0000:0000:0002", a.s6_addr);
	addr_key_from_in6(&key, &a);
	cr_assert_not(addr_key_is_ipv4(&key));
	cr_assert_str_eq(addr_key_str(&key, buf), "2001:db8::2");
}

Test(addr_text, key_of_ipv4_peer)
{
	struct srv6_peer_key key, want;
	struct in_addr a;
	char buf[ADDR_STR_LEN];

	cr_assert_eq(inet_pton(AF_INET, "198.51.100.7", &a), 1);
	addr_key_from_in(&key, &a);
	ut_in6("::ffff:198.51.100.7", want.addr);
	ut_assert_bytes_eq(key.addr, want.addr, SRV6_ADDR_LEN, "v4-mapped key");
	cr_assert(addr_key_is_ipv4(&key));
	cr_assert_str_eq(addr_key_str(&key, buf), "198.51.100.7");
}

Test(addr_text, parsed_peers_read_back)
{
	const char *const in[] = { "2001:db8::2/128", "2001:DB8:0::A", "192.0.2.1/32",
				   "203.0.113.9" };
	const char *const out[] = { "2001:db8::2", "2001:db8::a", "192.0.2.1", "203.0.113.9" };
	char buf[ADDR_STR_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		struct srv6_peer_key key;
		struct err e = { "" };
		int family;

		cr_assert_eq(addr_parse_peer(in[i], &key, &family, &e), 0, "%s", e.msg);
		cr_assert_str_eq(addr_key_str(&key, buf), out[i]);
	}
}

Test(addr_text, sid_text_is_canonical)
{
	__u8 sid[SRV6_ADDR_LEN];
	struct err e = { "" };
	char buf[ADDR_STR_LEN];

	cr_assert_eq(addr_parse_sid("FC00:0000:0100:0002:E006:0:0:0", sid, &e), 0, "%s", e.msg);
	cr_assert_str_eq(addr_sid_str(sid, buf), "fc00:0:100:2:e006::");
	cr_assert_eq(addr_parse_sid("fc00:0:1002:2000:1001:e002:fe06::", sid, &e), 0, "%s", e.msg);
	cr_assert_str_eq(addr_sid_str(sid, buf), "fc00:0:1002:2000:1001:e002:fe06:0");
}

/* The longest SID text there is, four times: the list fits and reads back. */
Test(addr_text, segs_text_of_the_longest_path_reads_back)
{
	const char *longest = "fc00:1111:2222:3333:4444:5555:6666:7777";
	char text[4 * 40 + 8], buf[ADDR_SEGS_STR_LEN];
	struct srv6_path path = { 0 }, back = { 0 };
	struct err e = { "" };

	snprintf(text, sizeof(text), "%s,%s,%s,%s", longest, longest, longest, longest);
	cr_assert_eq(addr_parse_segs(text, &path, &e), 0, "%s", e.msg);
	cr_assert_str_eq(addr_segs_str(&path, buf), text);
	cr_assert_eq(addr_parse_segs(buf, &back, &e), 0, "%s", e.msg);
	cr_assert_eq(back.seg_count, SRV6_MAX_SEGS);
	cr_assert_arr_eq(back.segs, path.segs, sizeof(path.segs));
	path.seg_count = 1;
	cr_assert_str_eq(addr_segs_str(&path, buf), longest);
}
