// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/device/route_parse.c: the route grammar, argv and batch-line forms. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "device/route_parse.h"
#include "unit_helpers.h"

#define WORDS_MAX 128

/* route_req_parse on the words of text, as main() would pass argv after "route VERB". */
static int parse_words(enum route_verb verb, const char *text, struct route_req *req,
		       struct err *e)
{
	static char buf[4096];
	char *argv[WORDS_MAX];
	int argc;

	cr_assert_lt(strlen(text), sizeof(buf), "test bug: text too long");
	strcpy(buf, text);
	argc = ut_words(buf, argv, WORDS_MAX);
	memset(e->msg, 0, sizeof(e->msg));
	return route_req_parse(verb, argc, argv, req, e);
}

static void parse_ok(enum route_verb verb, const char *text, struct route_req *req)
{
	struct err e;

	cr_assert_eq(parse_words(verb, text, req, &e), 0, "\"%s\" rejected: %s", text, e.msg);
	cr_assert_eq(req->verb, verb);
}

/* Rejected, with one line containing want. */
static void parse_bad(enum route_verb verb, const char *text, const char *want)
{
	struct route_req req;
	struct err e;

	cr_assert_eq(parse_words(verb, text, &req, &e), -1, "\"%s\" accepted", text);
	cr_assert(strstr(e.msg, want), "\"%s\": message \"%s\" lacks \"%s\"", text, e.msg, want);
	cr_assert(ut_one_line(e.msg));
}

static void assert_sid(const __u8 got[SRV6_ADDR_LEN], const char *want)
{
	__u8 w[SRV6_ADDR_LEN];

	ut_in6(want, w);
	ut_assert_bytes_eq(got, w, SRV6_ADDR_LEN, want);
}

static void assert_peer(const struct route_req *req, const char *addr6, int family)
{
	__u8 w[SRV6_ADDR_LEN];

	ut_in6(addr6, w);
	ut_assert_bytes_eq(req->key.addr, w, SRV6_ADDR_LEN, addr6);
	cr_assert_eq(req->family, family);
}

/* --- verbs --------------------------------------------------------------- */

Test(route_verb, names_round_trip)
{
	enum route_verb v;

	cr_assert_eq(route_verb_parse("add", &v), 0);
	cr_assert_eq(v, ROUTE_ADD);
	cr_assert_eq(route_verb_parse("replace", &v), 0);
	cr_assert_eq(v, ROUTE_REPLACE);
	cr_assert_eq(route_verb_parse("del", &v), 0);
	cr_assert_eq(v, ROUTE_DEL);
	cr_assert_eq(route_verb_parse("delete", &v), 0);
	cr_assert_eq(v, ROUTE_DEL);
	cr_assert_str_eq(route_verb_name(ROUTE_ADD), "add");
	cr_assert_str_eq(route_verb_name(ROUTE_REPLACE), "replace");
	cr_assert_str_eq(route_verb_name(ROUTE_DEL), "del");
	cr_assert_eq(route_verb_parse("show", &v), -1);
	cr_assert_eq(route_verb_parse("ADD", &v), -1);
	cr_assert_eq(route_verb_parse("", &v), -1);
}

/* --- single path --------------------------------------------------------- */

Test(route_grammar, single_path_defaults_weight_one)
{
	struct route_req req;

	parse_ok(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:100:2:e006::", &req);
	assert_peer(&req, "2001:db8::2", AF_INET6);
	cr_assert_str_eq(req.dev, "eth0");
	cr_assert_eq(req.peer.path_count, 1);
	cr_assert_eq(req.peer.paths[0].seg_count, 1);
	cr_assert_eq(req.peer.paths[0].weight, 1);
	cr_assert_eq(req.peer.paths[0].flags, 0);
	cr_assert_eq(req.peer.counters_base, 0);
	assert_sid(req.peer.paths[0].segs[0], "fc00:0:100:2:e006::");
}

Test(route_grammar, single_path_with_weight_and_four_sids)
{
	struct route_req req;

	parse_ok(ROUTE_REPLACE,
		 "192.0.2.7 dev veth-h0 segs fc00:0:1::,fc00:0:2::,fc00:0:3::,fc00:0:4:: weight 200",
		 &req);
	assert_peer(&req, "::ffff:192.0.2.7", AF_INET);
	cr_assert_str_eq(req.dev, "veth-h0");
	cr_assert_eq(req.peer.path_count, 1);
	cr_assert_eq(req.peer.paths[0].seg_count, 4);
	cr_assert_eq(req.peer.paths[0].weight, 200);
	assert_sid(req.peer.paths[0].segs[0], "fc00:0:1::");
	assert_sid(req.peer.paths[0].segs[3], "fc00:0:4::");
}

Test(route_grammar, words_in_any_order)
{
	struct route_req req;

	parse_ok(ROUTE_ADD, "2001:db8::2 weight 3 segs fc00:0:9:: dev eth1", &req);
	cr_assert_str_eq(req.dev, "eth1");
	cr_assert_eq(req.peer.path_count, 1);
	cr_assert_eq(req.peer.paths[0].weight, 3);
	assert_sid(req.peer.paths[0].segs[0], "fc00:0:9::");
}

Test(route_grammar, weight_bounds)
{
	struct route_req req;

	parse_ok(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight 1", &req);
	cr_assert_eq(req.peer.paths[0].weight, 1);
	parse_ok(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight 255", &req);
	cr_assert_eq(req.peer.paths[0].weight, 255);

	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight 0",
		  "invalid weight \"0\": give an integer from 1 to 255");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight 256",
		  "invalid weight \"256\": give an integer from 1 to 255");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight heavy",
		  "invalid weight \"heavy\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight -1",
		  "invalid weight \"-1\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight 1.5",
		  "invalid weight \"1.5\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight 4294967297",
		  "invalid weight \"4294967297\"");
}

Test(route_grammar, errors_from_addresses_pass_through)
{
	parse_bad(ROUTE_ADD, "2001:db8::2/64 dev eth0 segs fc00:0:1::",
		  "invalid peer \"2001:db8::2/64\"");
	parse_bad(ROUTE_ADD, "dev eth0 segs fc00:0:1::", "invalid peer \"dev\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fe80::1", "invalid SID \"fe80::1\"");
	parse_bad(ROUTE_ADD,
		  "2001:db8::2 dev eth0 segs fc00:0:1::,fc00:0:2::,fc00:0:3::,fc00:0:4::,fc00:0:5::",
		  "too many SIDs");
}

/* --- multipath ----------------------------------------------------------- */

Test(route_grammar, multipath)
{
	struct route_req req;

	parse_ok(ROUTE_ADD,
		 "2001:db8::2 dev eth0 path segs fc00:0:1:: weight 1 "
		 "path segs fc00:0:2::,fc00:0:3:: weight 3 path weight 7 segs fc00:0:4:: "
		 "path segs fc00:0:5::",
		 &req);
	cr_assert_eq(req.peer.path_count, 4);
	cr_assert_eq(req.peer.paths[0].seg_count, 1);
	cr_assert_eq(req.peer.paths[0].weight, 1);
	assert_sid(req.peer.paths[0].segs[0], "fc00:0:1::");
	cr_assert_eq(req.peer.paths[1].seg_count, 2);
	cr_assert_eq(req.peer.paths[1].weight, 3);
	assert_sid(req.peer.paths[1].segs[0], "fc00:0:2::");
	assert_sid(req.peer.paths[1].segs[1], "fc00:0:3::");
	cr_assert_eq(req.peer.paths[2].weight, 7);
	assert_sid(req.peer.paths[2].segs[0], "fc00:0:4::");
	cr_assert_eq(req.peer.paths[3].weight, 1, "weight defaults to 1 in every path");
	assert_sid(req.peer.paths[3].segs[0], "fc00:0:5::");
}

Test(route_grammar, dev_may_come_after_paths)
{
	struct route_req req;

	parse_ok(ROUTE_ADD, "2001:db8::2 path segs fc00:0:1:: path segs fc00:0:2:: dev eth0", &req);
	cr_assert_str_eq(req.dev, "eth0");
	cr_assert_eq(req.peer.path_count, 2);
}

Test(route_grammar, eight_paths_ok_nine_too_many)
{
	char text[2048];
	struct route_req req;
	size_t used;

	used = (size_t)snprintf(text, sizeof(text), "2001:db8::2 dev eth0");
	for (int i = 1; i <= 8; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 " path segs fc00:0:%x:: weight %d", i, i);
	parse_ok(ROUTE_ADD, text, &req);
	cr_assert_eq(req.peer.path_count, 8);
	for (int i = 0; i < 8; i++) {
		char sid[32];

		snprintf(sid, sizeof(sid), "fc00:0:%x::", i + 1);
		assert_sid(req.peer.paths[i].segs[0], sid);
		cr_assert_eq(req.peer.paths[i].weight, i + 1);
	}
	snprintf(text + used, sizeof(text) - used, " path segs fc00:0:9::");
	parse_bad(ROUTE_ADD, text, "too many paths: at most 8 per peer");
}

Test(route_grammar, mixing_segs_and_path)
{
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: path segs fc00:0:2::",
		  "mixing \"segs\" and \"path segs\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 weight 2 path segs fc00:0:2::",
		  "mixing \"segs\" and \"path segs\"");
	/* After "path", a second segs in the same path is a repeat, not a new path. */
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 path segs fc00:0:1:: segs fc00:0:2::",
		  "segs given twice for one path");
}

Test(route_grammar, path_without_segs)
{
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 path", "path 1 has no segs");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 path weight 2", "path 1 has no segs");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 path path segs fc00:0:1::",
		  "path 1 has no segs");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 path segs fc00:0:1:: path",
		  "path 2 has no segs");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 path segs fc00:0:1:: path weight 4",
		  "path 2 has no segs");
}

Test(route_grammar, repeats)
{
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: segs fc00:0:2::",
		  "segs given twice for one path (use \"path segs ...\" for several paths)");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 dev eth1 segs fc00:0:1::", "dev given twice");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight 1 weight 2",
		  "weight given twice for one path");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 path segs fc00:0:1:: weight 1 weight 2",
		  "weight given twice for one path");
}

Test(route_grammar, weight_is_per_path)
{
	struct route_req req;

	/* A weight in path 1 does not count as a repeat in path 2. */
	parse_ok(ROUTE_ADD,
		 "2001:db8::2 dev eth0 path segs fc00:0:1:: weight 9 path weight 8 segs fc00:0:2::",
		 &req);
	cr_assert_eq(req.peer.paths[0].weight, 9);
	cr_assert_eq(req.peer.paths[1].weight, 8);
}

Test(route_grammar, missing_parts)
{
	parse_bad(ROUTE_ADD, "", "missing PEER: route add PEER dev DEV segs SID[,SID...]");
	parse_bad(ROUTE_REPLACE, "", "missing PEER: route replace PEER dev DEV segs");
	parse_bad(ROUTE_ADD, "2001:db8::2", "missing dev DEV");
	parse_bad(ROUTE_ADD, "2001:db8::2 segs fc00:0:1::", "missing dev DEV");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0", "missing segs SID[,SID...]");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 weight 3", "path 1 has no segs");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev", "missing value after \"dev\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs", "missing value after \"segs\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: weight",
		  "missing value after \"weight\"");
}

Test(route_grammar, bad_dev_names)
{
	parse_bad(ROUTE_ADD, "2001:db8::2 dev abcdefghijklmnop segs fc00:0:1::",
		  "invalid dev \"abcdefghijklmnop\": not an interface name");
}

Test(route_grammar, longest_dev_name)
{
	struct route_req req;

	parse_ok(ROUTE_ADD, "2001:db8::2 dev abcdefghijklmno segs fc00:0:1::", &req);
	cr_assert_str_eq(req.dev, "abcdefghijklmno");
}

Test(route_grammar, unknown_words)
{
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: via fe80::1",
		  "unknown argument \"via\"");
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 SEGS fc00:0:1::", "unknown argument \"SEGS\"");
	parse_bad(ROUTE_DEL, "2001:db8::2 dev eth0 table 5", "unknown argument \"table\"");
}

Test(route_grammar, unknown_last_word_is_called_unknown)
{
	/* A stray word at the end is not a keyword missing its value. */
	parse_bad(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: onlink",
		  "unknown argument \"onlink\"");
}

Test(route_grammar, parse_clears_previous_request)
{
	struct route_req req;

	memset(&req, 0x5a, sizeof(req));
	parse_ok(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1::", &req);
	cr_assert_eq(req.peer.path_count, 1);
	cr_assert_eq(req.peer.paths[1].seg_count, 0);
	cr_assert_eq(req.peer.paths[1].weight, 0);
	cr_assert_eq(req.peer.paths[0].reserved, 0);
	cr_assert_eq(req.peer.counters_base, 0);
}

/* --- del ----------------------------------------------------------------- */

Test(route_del, peer_and_dev_only)
{
	struct route_req req;

	parse_ok(ROUTE_DEL, "192.0.2.1 dev eth0", &req);
	assert_peer(&req, "::ffff:192.0.2.1", AF_INET);
	cr_assert_str_eq(req.dev, "eth0");
	cr_assert_eq(req.peer.path_count, 0);

	parse_bad(ROUTE_DEL, "", "missing PEER: route del PEER dev DEV");
	parse_bad(ROUTE_DEL, "192.0.2.1", "missing dev DEV");
	parse_bad(ROUTE_DEL, "192.0.2.1 dev eth0 segs fc00:0:1::",
		  "route del takes PEER dev DEV only");
	parse_bad(ROUTE_DEL, "192.0.2.1 dev eth0 weight 1", "route del takes PEER dev DEV only");
	parse_bad(ROUTE_DEL, "192.0.2.1 dev eth0 path segs fc00:0:1::",
		  "route del takes PEER dev DEV only");
	parse_bad(ROUTE_DEL, "192.0.2.1 dev eth0 dev eth1", "dev given twice");
}

Test(route_del, missing_peer_message_has_no_segs)
{
	struct route_req req;
	struct err e;

	cr_assert_eq(parse_words(ROUTE_DEL, "", &req, &e), -1);
	cr_assert_str_eq(e.msg, "missing PEER: route del PEER dev DEV");
}

/* --- batch lines --------------------------------------------------------- */

static int line_parse(enum route_verb dflt, const char *text, struct route_req *req,
		      bool *empty, struct err *e)
{
	static char buf[8192];

	cr_assert_lt(strlen(text), sizeof(buf), "test bug: line too long");
	strcpy(buf, text);
	memset(e->msg, 0, sizeof(e->msg));
	return route_line_parse(dflt, buf, req, empty, e);
}

static void line_ok(enum route_verb dflt, const char *text, enum route_verb want_verb,
		    struct route_req *req)
{
	struct err e;
	bool empty = true;

	cr_assert_eq(line_parse(dflt, text, req, &empty, &e), 0, "\"%s\" rejected: %s", text,
		     e.msg);
	cr_assert_not(empty, "\"%s\" read as empty", text);
	cr_assert_eq(req->verb, want_verb, "\"%s\": verb %d", text, req->verb);
}

static void line_empty(const char *text)
{
	struct route_req req;
	struct err e;
	bool empty = false;

	cr_assert_eq(line_parse(ROUTE_ADD, text, &req, &empty, &e), 0, "\"%s\": %s", text, e.msg);
	cr_assert(empty, "\"%s\" not read as empty", text);
}

static void line_bad(enum route_verb dflt, const char *text, const char *want)
{
	struct route_req req;
	struct err e;
	bool empty = true;

	cr_assert_eq(line_parse(dflt, text, &req, &empty, &e), -1, "\"%s\" accepted", text);
	cr_assert(strstr(e.msg, want), "\"%s\": message \"%s\" lacks \"%s\"", text, e.msg, want);
	cr_assert(ut_one_line(e.msg));
}

Test(route_line, verb_words_are_optional)
{
	struct route_req req;

	line_ok(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1::", ROUTE_ADD, &req);
	line_ok(ROUTE_REPLACE, "2001:db8::2 dev eth0 segs fc00:0:1::", ROUTE_REPLACE, &req);
	line_ok(ROUTE_ADD, "route 2001:db8::2 dev eth0 segs fc00:0:1::", ROUTE_ADD, &req);
	line_ok(ROUTE_ADD, "replace 2001:db8::2 dev eth0 segs fc00:0:1::", ROUTE_REPLACE, &req);
	line_ok(ROUTE_ADD, "route replace 2001:db8::2 dev eth0 segs fc00:0:1::", ROUTE_REPLACE,
		&req);
	line_ok(ROUTE_REPLACE, "route add 2001:db8::2 dev eth0 segs fc00:0:1::", ROUTE_ADD, &req);
	line_ok(ROUTE_ADD, "route del 2001:db8::2 dev eth0", ROUTE_DEL, &req);
	line_ok(ROUTE_ADD, "delete 192.0.2.1 dev eth0", ROUTE_DEL, &req);
	assert_peer(&req, "::ffff:192.0.2.1", AF_INET);
	cr_assert_str_eq(req.dev, "eth0");
}

Test(route_line, tabs_and_crlf)
{
	struct route_req req;

	line_ok(ROUTE_ADD, "\t2001:db8::2\tdev  eth0 segs\tfc00:0:1::  weight 5\r\n", ROUTE_ADD,
		&req);
	cr_assert_str_eq(req.dev, "eth0");
	cr_assert_eq(req.peer.paths[0].weight, 5);
}

Test(route_line, blank_and_comment_lines)
{
	line_empty("");
	line_empty("\n");
	line_empty("   \t \r\n");
	line_empty("# a comment");
	line_empty("   #indented comment with 2001:db8::2 dev eth0");
	line_empty("#");
}

Test(route_line, route_show_output_reads_back)
{
	struct route_req req;

	/* Exactly what `srv6-bpf route show` prints for a one-path peer. */
	line_ok(ROUTE_ADD,
		"2001:db8::2 dev eth0 segs fc00:0:100:2:e006:: weight 1  # packets 2 bytes 208",
		ROUTE_ADD, &req);
	assert_peer(&req, "2001:db8::2", AF_INET6);
	cr_assert_eq(req.peer.path_count, 1);
	cr_assert_eq(req.peer.paths[0].weight, 1);
	assert_sid(req.peer.paths[0].segs[0], "fc00:0:100:2:e006::");

	/* ... and for a multipath IPv4 peer. */
	line_ok(ROUTE_REPLACE,
		"192.0.2.9 dev eth0 path segs fc00:0:1::,fc00:0:2:: weight 3 path segs fc00:0:3:: "
		"weight 1  # packets 10 bytes 1000; packets 0 bytes 0",
		ROUTE_REPLACE, &req);
	cr_assert_eq(req.peer.path_count, 2);
	cr_assert_eq(req.peer.paths[0].seg_count, 2);
	cr_assert_eq(req.peer.paths[0].weight, 3);
	cr_assert_eq(req.peer.paths[1].weight, 1);
}

Test(route_line, comment_right_after_a_word)
{
	struct route_req req;

	line_ok(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: #packets 1 bytes 1", ROUTE_ADD,
		&req);
	cr_assert_eq(req.peer.path_count, 1);
	/* Words after the comment mark are ignored even when they would be errors. */
	line_ok(ROUTE_ADD, "2001:db8::2 dev eth0 segs fc00:0:1:: # weight 0 dev x", ROUTE_ADD,
		&req);
	cr_assert_eq(req.peer.paths[0].weight, 1);
	cr_assert_str_eq(req.dev, "eth0");
}

Test(route_line, errors)
{
	line_bad(ROUTE_ADD, "route", "missing PEER");
	line_bad(ROUTE_ADD, "route add", "missing PEER: route add");
	line_bad(ROUTE_ADD, "route del # gone", "missing PEER: route del");
	line_bad(ROUTE_ADD, "route show dev eth0", "invalid peer \"show\"");
	line_bad(ROUTE_ADD, "2001:db8::2 dev eth0 # segs fc00:0:1::", "missing segs");
}

Test(route_line, too_many_words)
{
	char line[4096];
	size_t used;
	struct route_req req;

	/* 64 words are read (then fail the grammar); 65 are refused as a long line. */
	used = (size_t)snprintf(line, sizeof(line), "2001:db8::2 dev eth0 segs fc00:0:1::");
	for (int i = 6; i <= 64; i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, " x");
	line_bad(ROUTE_ADD, line, "unknown argument \"x\"");
	snprintf(line + used, sizeof(line) - used, " x");
	line_bad(ROUTE_ADD, line, "line too long: more than 64 words");

	/* A long comment does not count. */
	used = (size_t)snprintf(line, sizeof(line), "2001:db8::2 dev eth0 segs fc00:0:1:: #");
	for (int i = 0; i < 100; i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, " c");
	line_ok(ROUTE_ADD, line, ROUTE_ADD, &req);
}
