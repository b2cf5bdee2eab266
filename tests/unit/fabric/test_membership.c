// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/fabric/membership.c: HOSTS lists, hosts files, the local host name. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fabric/membership.h"
#include "unit_helpers.h"

static void assert_member(const struct membership *m, size_t i, const char *name, int rank)
{
	cr_assert_lt(i, m->n, "member %zu of %zu", i, m->n);
	cr_assert_str_eq(m->v[i].name, name, "member %zu", i);
	cr_assert_eq(m->v[i].rank, rank, "member %zu (%s)", i, name);
}

/* --- HOSTS ---------------------------------------------------------------- */

static void list_bad(const char *list, const char *want)
{
	struct membership m = { (struct member *)0x1, 99 };
	struct err e = { "" };

	int rc = membership_from_list(list, &m, &e);

	if (rc == 0) /* keep the failure report free of a leak report */
		membership_free(&m);
	cr_assert_eq(rc, -1, "\"%s\" accepted", list);
	cr_assert_str_eq(e.msg, want, "\"%s\"", list);
	cr_assert_null(m.v, "nothing is left allocated on failure");
	cr_assert_eq(m.n, 0);
}

Test(hosts_list, ranks_by_position)
{
	struct membership m;
	struct err e = { "" };

	cr_assert_eq(membership_from_list("host00,host01,gpu-7", &m, &e), 0, "%s", e.msg);
	cr_assert_eq(m.n, 3);
	assert_member(&m, 0, "host00", 0);
	assert_member(&m, 1, "host01", 1);
	assert_member(&m, 2, "gpu-7", 2);
	cr_assert_eq(host_addrs_count(&m.v[0].addrs), 0);
	membership_free(&m);
	cr_assert_null(m.v);
	cr_assert_eq(m.n, 0);
}

Test(hosts_list, order_is_rank_not_name)
{
	struct membership m;
	struct err e = { "" };

	cr_assert_eq(membership_from_list("zeta,alpha,mid", &m, &e), 0, "%s", e.msg);
	assert_member(&m, 0, "zeta", 0);
	assert_member(&m, 1, "alpha", 1);
	assert_member(&m, 2, "mid", 2);
	membership_free(&m);
}

Test(hosts_list, whitespace_around_names)
{
	struct membership m;
	struct err e = { "" };

	cr_assert_eq(membership_from_list(" a , b\t,\tc.example_1 ", &m, &e), 0, "%s", e.msg);
	cr_assert_eq(m.n, 3);
	assert_member(&m, 0, "a", 0);
	assert_member(&m, 1, "b", 1);
	assert_member(&m, 2, "c.example_1", 2);
	membership_free(&m);
}

Test(hosts_list, one_host)
{
	struct membership m;
	struct err e = { "" };

	cr_assert_eq(membership_from_list("solo", &m, &e), 0, "%s", e.msg);
	cr_assert_eq(m.n, 1);
	assert_member(&m, 0, "solo", 0);
	membership_free(&m);
}

Test(hosts_list, find)
{
	struct membership m;
	struct err e = { "" };
	const struct member *x;

	cr_assert_eq(membership_from_list("a,b,c", &m, &e), 0, "%s", e.msg);
	x = membership_find(&m, "b");
	cr_assert_not_null(x);
	cr_assert_str_eq(x->name, "b");
	cr_assert_eq(x->rank, 1);
	cr_assert_null(membership_find(&m, "d"));
	cr_assert_null(membership_find(&m, "B"));
	cr_assert_null(membership_find(&m, ""));
	membership_free(&m);
}

Test(hosts_list, many_hosts_grow_the_array)
{
	char list[200 * 8];
	size_t used = 0;
	struct membership m;
	struct err e = { "" };

	for (int i = 0; i < 200; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%sh%03d", i ? "," : "", i);
	cr_assert_eq(membership_from_list(list, &m, &e), 0, "%s", e.msg);
	cr_assert_eq(m.n, 200);
	assert_member(&m, 0, "h000", 0);
	assert_member(&m, 137, "h137", 137);
	assert_member(&m, 199, "h199", 199);
	membership_free(&m);
}

Test(hosts_list, empty_items)
{
	list_bad("", "HOSTS names no hosts");
	list_bad(" ", "HOSTS: invalid host name \"\"");
	list_bad("a,,b", "HOSTS: invalid host name \"\"");
	list_bad(",a", "HOSTS: invalid host name \"\"");
	list_bad("a, ,b", "HOSTS: invalid host name \"\"");
}

Test(hosts_list, trailing_comma_is_an_empty_item)
{
	/* As "a,,b" and "a,b, " are refused, so is "a,b,". */
	list_bad("a,b,", "HOSTS: invalid host name \"\"");
}

Test(hosts_list, bad_names)
{
	char long_name[MEMBER_NAME_MAX + 8];

	list_bad("a,b c", "HOSTS: invalid host name \"b c\"");
	list_bad("a,b/c", "HOSTS: invalid host name \"b/c\"");
	list_bad("hosts/a", "HOSTS: invalid host name \"hosts/a\"");
	list_bad("a;b", "HOSTS: invalid host name \"a;b\"");
	list_bad("h\xc3\xa9", "HOSTS: invalid host name \"h\xc3\xa9\"");
	/* 63 characters fit, 64 do not. */
	memset(long_name, 'n', MEMBER_NAME_MAX);
	long_name[MEMBER_NAME_MAX] = '\0';
	{
		char want[ERR_LEN];

		snprintf(want, sizeof(want), "HOSTS: invalid host name \"%s\"", long_name);
		list_bad(long_name, want);
	}
	long_name[MEMBER_NAME_MAX - 1] = '\0';
	{
		struct membership m;
		struct err e = { "" };

		cr_assert_eq(membership_from_list(long_name, &m, &e), 0, "%s", e.msg);
		cr_assert_str_eq(m.v[0].name, long_name);
		membership_free(&m);
	}
}

Test(hosts_list, duplicates)
{
	list_bad("a,b,a", "HOSTS: host a given twice");
	list_bad("x, x", "HOSTS: host x given twice");
}

/* --- hosts file ----------------------------------------------------------- */

/* Each case writes its own temporary file and removes it right after parsing. */
static char tmp_path[64];

static int parse_text(const char *text, struct membership *m, struct err *e)
{
	int fd, rc;
	FILE *f;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/srv6-bpf-unit-hosts.XXXXXX");
	fd = mkstemp(tmp_path);
	cr_assert_geq(fd, 0, "mkstemp");
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	rc = membership_from_file(tmp_path, m, e);
	unlink(tmp_path);
	return rc;
}

static void file_ok(const char *text, struct membership *m)
{
	struct err e = { "" };

	cr_assert_eq(parse_text(text, m, &e), 0, "%s", e.msg);
}

/* Refused with exactly "<path>" + want_after_path, leaving nothing allocated. */
static void file_bad(const char *text, const char *want_after_path)
{
	struct membership m = { (struct member *)0x1, 99 };
	struct err e = { "" };
	char want[ERR_LEN];

	cr_assert_eq(parse_text(text, &m, &e), -1, "accepted:\n%s", text);
	snprintf(want, sizeof(want), "%s%s", tmp_path, want_after_path);
	cr_assert_str_eq(e.msg, want);
	cr_assert(ut_one_line(e.msg));
	cr_assert_null(m.v);
	cr_assert_eq(m.n, 0);
}

static void assert_addr(const struct member *x, const char *addr6, int family)
{
	__u8 want[SRV6_ADDR_LEN];
	enum addr_fam f = addr_fam_of(family);

	ut_in6(addr6, want);
	cr_assert(x->addrs.has[f], "%s has no %s address", x->name, addr_fam_name(f));
	ut_assert_bytes_eq(x->addrs.key[f].addr, want, SRV6_ADDR_LEN, x->name);
}

Test(hosts_file, names_only_rank_by_line)
{
	struct membership m;

	file_ok("host00\nhost01\n\nhost02\n", &m);
	cr_assert_eq(m.n, 3);
	assert_member(&m, 0, "host00", 0);
	assert_member(&m, 1, "host01", 1);
	assert_member(&m, 2, "host02", 2);
	cr_assert_eq(host_addrs_count(&m.v[0].addrs), 0);
	membership_free(&m);
}

Test(hosts_file, ranks_addresses_and_comments)
{
	struct membership m;
	const struct member *x;

	file_ok("# job hosts\n"
		"\n"
		"b 2 2001:db8::b   # rank then address\n"
		"a 192.0.2.10 7\t# address then rank\n"
		"   c\t0\r\n"
		"d 5 198.51.100.4/32\n"
		"e 2001:db8::e/128 9\n"
		"   # indented comment\n",
		&m);
	cr_assert_eq(m.n, 5);
	/* Sorted by rank. */
	assert_member(&m, 0, "c", 0);
	assert_member(&m, 1, "b", 2);
	assert_member(&m, 2, "d", 5);
	assert_member(&m, 3, "a", 7);
	assert_member(&m, 4, "e", 9);
	x = membership_find(&m, "a");
	assert_addr(x, "::ffff:192.0.2.10", AF_INET);
	x = membership_find(&m, "b");
	assert_addr(x, "2001:db8::b", AF_INET6);
	x = membership_find(&m, "d");
	assert_addr(x, "::ffff:198.51.100.4", AF_INET);
	x = membership_find(&m, "e");
	assert_addr(x, "2001:db8::e", AF_INET6);
	cr_assert_eq(host_addrs_count(&membership_find(&m, "c")->addrs), 0);
	cr_assert_not(membership_find(&m, "a")->addrs.has[ADDR_IPV6], "one family given, one had");
	membership_free(&m);
}

Test(hosts_file, no_trailing_newline)
{
	struct membership m;

	file_ok("a 1\nb 0", &m);
	assert_member(&m, 0, "b", 0);
	assert_member(&m, 1, "a", 1);
	membership_free(&m);
}

Test(hosts_file, rank_bounds)
{
	struct membership m;

	file_ok("a 1000000\n", &m);
	assert_member(&m, 0, "a", 1000000);
	membership_free(&m);
	file_bad("a 1000001\n", ":1: invalid rank \"1000001\"");
	file_bad("a 5x\n", ":1: invalid rank \"5x\"");
	file_bad("a 99999999999999999999\n", ":1: invalid rank \"99999999999999999999\"");
}

Test(hosts_file, bad_lines)
{
	file_bad("a\nb 1 192.0.2.1 2001:db8::1 extra\n",
		 ":2: expected \"name [rank] [address [address]]\"");
	file_bad("ok\nbad/name\n", ":2: invalid host name \"bad/name\"");
	file_bad("a#b 1\n", ":1: invalid host name \"a#b\"");
	file_bad("a 192.0.2.0/24\n",
		 ":1: invalid peer \"192.0.2.0/24\": a peer is one host (/32)");
	file_bad("a 2001:db8::/64\n",
		 ":1: invalid peer \"2001:db8::/64\": a peer is one host (/128)");
	file_bad("a x5\n", ":1: invalid peer \"x5\": not an IPv4 or IPv6 address");
	file_bad("a ff02::1\n", ":1: invalid peer \"ff02::1\": not a unicast host address");
}

/* Refused, naming the file and line, with a message that mentions needle. */
static void file_refused(const char *text, const char *needle)
{
	struct membership m = { NULL, 0 };
	struct err e = { "" };
	char where[80];
	int rc = parse_text(text, &m, &e);
	int rank = m.n ? m.v[0].rank : -1;

	if (rc == 0)
		membership_free(&m);
	cr_assert_eq(rc, -1, "accepted (rank %d):\n%s", rank, text);
	snprintf(where, sizeof(where), "%s:1: ", tmp_path);
	cr_assert_eq(strncmp(e.msg, where, strlen(where)), 0, "\"%s\" lacks \"%s\"", e.msg, where);
	cr_assert(strstr(e.msg, needle), "\"%s\" lacks \"%s\"", e.msg, needle);
	cr_assert(ut_one_line(e.msg));
}

Test(hosts_file, one_rank_and_one_address_a_family_per_line)
{
	/* A second rank, or a second address of one family, is an error, not an override. */
	file_refused("a 1 2\n", "two ranks");
	file_refused("a 192.0.2.1 192.0.2.2\n", "two IPv4 addresses");
	file_refused("a 2001:db8::1 7 2001:db8::2\n", "two IPv6 addresses");
}

Test(hosts_file, dual_stack_hosts)
{
	struct membership m;
	const struct member *x;

	file_ok("a 0 2001:db8::a 192.0.2.10\n"
		"b 192.0.2.11 1 2001:db8::b\n",
		&m);
	x = membership_find(&m, "a");
	assert_addr(x, "2001:db8::a", AF_INET6);
	assert_addr(x, "::ffff:192.0.2.10", AF_INET);
	x = membership_find(&m, "b");
	assert_addr(x, "2001:db8::b", AF_INET6);
	assert_addr(x, "::ffff:192.0.2.11", AF_INET);
	cr_assert_eq(x->rank, 1);
	membership_free(&m);
}

Test(hosts_file, name_length_limit)
{
	char text[MEMBER_NAME_MAX + 8], want[ERR_LEN];
	struct membership m;

	/* 64 characters do not fit in a member name (63 + NUL). */
	memset(text, 'n', MEMBER_NAME_MAX);
	memcpy(text + MEMBER_NAME_MAX, " 3\n", 4);
	snprintf(want, sizeof(want), ":1: invalid host name \"%.*s\"", MEMBER_NAME_MAX, text);
	file_bad(text, want);
	/* 63 do. */
	memmove(text + 1, text + 2, sizeof(text) - 2);
	file_ok(text, &m);
	cr_assert_eq(m.n, 1);
	cr_assert_eq(strlen(m.v[0].name), MEMBER_NAME_MAX - 1);
	cr_assert_eq(m.v[0].rank, 3);
	membership_free(&m);
}

Test(hosts_file, duplicates)
{
	file_bad("a 1\nb 1\n", ": rank 1 given to a and b");
	/* Default ranks count lines, so they can clash with an explicit one. */
	file_bad("a 1\nb\n", ": rank 1 given to a and b");
	file_bad("a 0\nb 1\na 2\n", ": host a given twice");
}

Test(hosts_file, empty_file)
{
	file_bad("", " names no hosts");
	file_bad("# only comments\n\n   \n", " names no hosts");
}

Test(hosts_file, missing_file_is_named)
{
	struct membership m = { NULL, 0 };
	struct err e = { "" };

	cr_assert_eq(membership_from_file("/nonexistent/srv6-bpf-hosts", &m, &e), -1);
	cr_assert_str_eq(e.msg,
			 "cannot read hosts file /nonexistent/srv6-bpf-hosts: No such file or directory");
	cr_assert_null(m.v);
}

Test(hosts_file, long_lines)
{
	struct membership m;
	char text[3000];

	/* getline reads any length; the trailing comment may be long. */
	memset(text, '#', sizeof(text));
	memcpy(text, "h9 4 #", 6);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	file_ok(text, &m);
	cr_assert_eq(m.n, 1);
	assert_member(&m, 0, "h9", 4);
	membership_free(&m);
}

/* --- local host name ----------------------------------------------------- */

static void local_ok(const char *hostname, const char *prefix, const char *rank,
		     const char *want)
{
	char out[MEMBER_NAME_MAX];
	struct err e = { "" };

	memset(out, 'X', sizeof(out));
	cr_assert_eq(membership_local_name(hostname, prefix, rank, out, sizeof(out), &e), 0,
		     "refused: %s", e.msg);
	cr_assert_str_eq(out, want);
}

static void local_bad(const char *hostname, const char *prefix, const char *rank,
		      const char *want)
{
	char out[MEMBER_NAME_MAX];
	struct err e = { "" };

	cr_assert_eq(membership_local_name(hostname, prefix, rank, out, sizeof(out), &e), -1,
		     "accepted");
	cr_assert_str_eq(e.msg, want);
}

Test(local_name, hostname_wins)
{
	local_ok("gpu-node-3", "host", "5", "gpu-node-3");
	local_ok("h1", NULL, NULL, "h1");
	local_ok("h1", NULL, "garbage", "h1");
}

Test(local_name, prefix_and_two_digit_rank)
{
	local_ok(NULL, "host", "0", "host00");
	local_ok(NULL, "host", "7", "host07");
	local_ok(NULL, "host", "42", "host42");
	local_ok(NULL, "host", "123", "host123");
	local_ok(NULL, "gpu-", "3", "gpu-03");
	local_ok("", "node", "9", "node09");
}

Test(local_name, default_prefix_is_host)
{
	local_ok(NULL, NULL, "1", "host01");
	local_ok(NULL, "", "12", "host12");
	local_ok("", "", "0", "host00");
}

Test(local_name, bad_input)
{
	const char *cannot = "cannot tell the local host: set HOSTNAME, or RANK (with HOSTNAME_PREFIX)";
	char long_prefix[MEMBER_NAME_MAX + 1], want[ERR_LEN];

	local_bad(NULL, NULL, NULL, cannot);
	local_bad("", "host", NULL, cannot);
	local_bad(NULL, "host", "", cannot);
	local_bad(NULL, "host", "-1", cannot);
	local_bad(NULL, "host", "one", cannot);
	local_bad(NULL, "host", "1000001", cannot);
	local_bad("bad name", NULL, "1", "HOSTNAME \"bad name\" is not a valid host name");
	local_bad("a/b", NULL, NULL, "HOSTNAME \"a/b\" is not a valid host name");
	memset(long_prefix, 'h', MEMBER_NAME_MAX);
	long_prefix[MEMBER_NAME_MAX] = '\0';
	snprintf(want, sizeof(want), "HOSTNAME \"%s\" is not a valid host name", long_prefix);
	local_bad(long_prefix, NULL, NULL, want);
	local_bad(NULL, "gpu node", "1", "HOSTNAME_PREFIX \"gpu node\" makes no valid host name");
	/* 62 + 2 digits = 64 characters: one too many (the message quotes 32 of them). */
	memset(long_prefix, 'p', MEMBER_NAME_MAX - 2);
	long_prefix[MEMBER_NAME_MAX - 2] = '\0';
	snprintf(want, sizeof(want), "HOSTNAME_PREFIX \"%.32s\" makes no valid host name",
		 long_prefix);
	local_bad(NULL, long_prefix, "1", want);
	/* 61 + 2 = 63: the longest name. */
	long_prefix[MEMBER_NAME_MAX - 3] = '\0';
	snprintf(want, sizeof(want), "%s01", long_prefix);
	local_ok(NULL, long_prefix, "1", want);
}

Test(local_name, output_buffer_too_small)
{
	char out[16];
	struct err e = { "" };

	/* "host07" needs 7 bytes. */
	cr_assert_eq(membership_local_name(NULL, "host", "7", out, 6, &e), -1);
	cr_assert_eq(membership_local_name(NULL, "host", "7", out, 7, &e), 0, "%s", e.msg);
	cr_assert_str_eq(out, "host07");
}
