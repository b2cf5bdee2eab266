// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loader/sync/jalapeno.c: URLs, and every answer shape and quirk of the Jalapeño API
 * (shared/jalapeno-api.md §3, §4, §6, §8) turned into path sets or one-line errors.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/array.h"
#include "sync/jalapeno.h"
#include "unit_helpers.h"

/* --- answers as the server builds them ---------------------------------------------- */

/* A vertex as the load query projects it: all nine keys, null where missing. */
static cJSON *vertex(const char *coll, const char *key, unsigned int id, int host)
{
	cJSON *v = cJSON_CreateObject(), *sids = cJSON_CreateArray(), *s = cJSON_CreateObject();
	cJSON *b = cJSON_CreateObject();
	char buf[64];

	snprintf(buf, sizeof(buf), "%s/%s", coll, key);
	cJSON_AddStringToObject(v, "_id", buf);
	cJSON_AddStringToObject(v, "_key", key);
	if (host) {
		cJSON_AddNullToObject(v, "router_id");
		snprintf(buf, sizeof(buf), "198.51.100.%u", 4 * (id & 0xff) + 2);
		cJSON_AddStringToObject(v, "ipv4_address", buf);
		snprintf(buf, sizeof(buf), "2001:db8:1:%x::2", id & 0xff);
		cJSON_AddStringToObject(v, "ipv6_address", buf);
		snprintf(buf, sizeof(buf), "2001:db8:1:%x::", id & 0xff);
		cJSON_AddStringToObject(v, "prefix", buf);
		cJSON_AddNumberToObject(v, "prefix_len", 64);
	} else {
		cJSON_AddStringToObject(v, "router_id", "10.0.0.1");
		cJSON_AddNullToObject(v, "ipv4_address");
		cJSON_AddNullToObject(v, "ipv6_address");
		cJSON_AddNullToObject(v, "prefix");
		cJSON_AddNullToObject(v, "prefix_len");
	}
	cJSON_AddStringToObject(v, "name", key);
	snprintf(buf, sizeof(buf), "fc00:0:%x::", id);
	cJSON_AddStringToObject(s, "srv6_sid", buf);
	cJSON_AddNumberToObject(b, "endpoint_behavior", 48);
	cJSON_AddNumberToObject(b, "flag", 0);
	cJSON_AddNumberToObject(b, "algo", 0);
	cJSON_AddItemToObject(s, "srv6_endpoint_behavior", b);
	cJSON_AddItemToArray(sids, s);
	cJSON_AddItemToObject(v, "sids", sids);
	return v;
}

static cJSON *strings(const char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/* srv6_data as process_path_data builds it. */
static cJSON *srv6(const char *const *sids, size_t n, const char *usid)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddItemToObject(d, "srv6_sid_list", strings(sids, n));
	cJSON_AddStringToObject(d, "srv6_usid", usid);
	cJSON_AddStringToObject(d, "usid_block", "fc00:0:");
	cJSON_AddNumberToObject(d, "algo", 0);
	return d;
}

static const char *const sids_0_to_5[] = { "fc00:0:2000::", "fc00:0:1001::", "fc00:0:2002::",
					   "fc00:0:e005::" };

/* host00 -> leaf00 -> spine01 -> leaf02 -> host05, as shortest_path/load answers. */
static cJSON *load_answer(void)
{
	struct { const char *coll, *key; unsigned int id; int host; } hops[] = {
		{ "hosts", "host00", 0xe000, 1 },   { "fabric_node", "leaf00", 0x2000, 0 },
		{ "fabric_node", "spine01", 0x1001, 0 }, { "fabric_node", "leaf02", 0x2002, 0 },
		{ "hosts", "host05", 0xe005, 1 },
	};
	cJSON *a = cJSON_CreateObject(), *path = cJSON_CreateArray(), *ld;

	cJSON_AddBoolToObject(a, "found", 1);
	for (size_t i = 0; i < 5; i++) {
		cJSON *el = cJSON_CreateObject(), *e;

		cJSON_AddItemToObject(el, "vertex", vertex(hops[i].coll, hops[i].key, hops[i].id,
							   hops[i].host));
		if (i == 0) {
			cJSON_AddNullToObject(el, "edge");
		} else {
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "_key", hops[i].key);
			cJSON_AddNullToObject(e, "latency");
			cJSON_AddNumberToObject(e, "load", 10);
			cJSON_AddItemToObject(el, "edge", e);
		}
		cJSON_AddItemToArray(path, el);
	}
	cJSON_AddItemToObject(a, "path", path);
	cJSON_AddNumberToObject(a, "hopcount", 4);
	cJSON_AddNumberToObject(a, "vertex_count", 5);
	cJSON_AddItemToObject(a, "source_info", vertex("hosts", "host00", 0xe000, 1));
	cJSON_AddItemToObject(a, "destination_info", vertex("hosts", "host05", 0xe005, 1));
	cJSON_AddStringToObject(a, "direction", "outbound");
	cJSON_AddNumberToObject(a, "average_load", 3.3333333333333335);
	cJSON_AddNumberToObject(a, "algo", 0);
	cJSON_AddItemToObject(a, "srv6_data", srv6(sids_0_to_5, 4, "fc00:0:2000:1001:2002:e005::"));
	ld = cJSON_AddObjectToObject(a, "load_data");
	cJSON_AddNumberToObject(ld, "average_load", 10.0);
	/* total_load past 64 bits: the client must not care. */
	cJSON_AddItemToObject(ld, "total_load", cJSON_CreateRaw("36893488147419103268"));
	return a;
}

static const struct jalapeno_want want_load = {
	.query = JALAPENO_LOAD,
	.destination = "hosts/host05",
	.families = ADDR_FAMS_ALL,
	.has_function = true,
	.function = 0xe006,
	.max_paths = 1,
};

/* Parse body as an HTTP 200 answer. */
static int parse_text(const struct jalapeno_want *w, const char *body, struct jalapeno_answer *a,
		      struct err *e)
{
	return jalapeno_parse(w, 200, body, strlen(body), a, e);
}

static int parse_json(const struct jalapeno_want *w, cJSON *root, struct jalapeno_answer *a,
		      struct err *e)
{
	char *text = cJSON_PrintUnformatted(root);
	int rc;

	cr_assert(text);
	rc = parse_text(w, text, a, e);
	free(text);
	cJSON_Delete(root);
	return rc;
}

static void assert_segs(const struct srv6_path *p, const char *const *want, size_t n)
{
	char got[INET6_ADDRSTRLEN];

	cr_assert_eq(p->seg_count, n, "%u segments, expected %zu", p->seg_count, n);
	for (size_t i = 0; i < n; i++) {
		__u8 w[SRV6_ADDR_LEN];

		ut_in6(want[i], w);
		cr_assert(!memcmp(p->segs[i], w, SRV6_ADDR_LEN), "segment %zu is %s, expected %s", i,
			  ut_ntop6(p->segs[i], got), want[i]);
	}
}

/* The answer fails, with a one-line message containing what. */
static void load_fails(cJSON *root, const char *what)
{
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert_eq(parse_json(&want_load, root, &a, &e), -1, "accepted; expected \"%s\"", what);
	cr_assert(strstr(e.msg, what), "message \"%s\" lacks \"%s\"", e.msg, what);
	cr_assert(ut_one_line(e.msg));
	cr_assert_eq(a.peer.path_count, 0, "nothing is returned on failure");
}

static cJSON *srv6_of(cJSON *root)
{
	return cJSON_GetObjectItemCaseSensitive(root, "srv6_data");
}

/* --- URLs ---------------------------------------------------------------------------- */

Test(jalapeno_url, load_as_the_plugin_asks)
{
	struct err e = { "" };
	char *url;

	cr_assert_eq(jalapeno_path_url(JALAPENO_LOAD, "http://198.18.128.101:30800/api/v1",
				       "fabric_graph", "hosts/host00", "hosts/host01", 1, &url, &e),
		     0, "%s", e.msg);
	cr_assert_str_eq(url, "http://198.18.128.101:30800/api/v1/graphs/fabric_graph/shortest_path/load?source=hosts%2Fhost00&destination=hosts%2Fhost01&direction=outbound");
	free(url);
}

Test(jalapeno_url, best_paths_with_limit_and_trailing_slashes)
{
	struct err e = { "" };
	char *url;

	cr_assert_eq(jalapeno_path_url(JALAPENO_BEST_PATHS, "https://jalapeno/api/v1//", "my graph",
				       "hosts/a", "hosts/b", 4, &url, &e), 0, "%s", e.msg);
	cr_assert_str_eq(url, "https://jalapeno/api/v1/graphs/my%20graph/shortest_path/best-paths?source=hosts%2Fa&destination=hosts%2Fb&direction=outbound&limit=4");
	free(url);
	cr_assert_eq(jalapeno_topology_url("http://j:1/api/v1/", "network_topology", &url, &e), 0);
	cr_assert_str_eq(url, "http://j:1/api/v1/graphs/network_topology/topology");
	free(url);
}

Test(jalapeno_url, bad_endpoints)
{
	const char *bad[] = { "ftp://x/api/v1", "jalapeno:30800/api/v1", "http://x/api v1",
			      "http://x/api/v1?x=1", "http://x/api/v1#f", "" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct err e = { "" };
		char *url = (char *)1;

		cr_assert_eq(jalapeno_path_url(JALAPENO_LOAD, bad[i], "c", "hosts/a", "hosts/b", 1,
					       &url, &e), -1, "\"%s\" accepted", bad[i]);
		cr_assert_null(url);
		cr_assert(strstr(e.msg, "endpoint"), "%s", e.msg);
	}
}

/* --- HTTP status and body (§6, §8.1) ------------------------------------------------ */

static void status_fails(long status, const char *body, size_t len, const char *what)
{
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert_eq(jalapeno_parse(&want_load, status, body, len, &a, &e), -1);
	cr_assert(strstr(e.msg, what), "HTTP %ld: message \"%s\" lacks \"%s\"", status, e.msg, what);
	cr_assert(ut_one_line(e.msg));
}

#define STATUS_FAILS(status, body, what) status_fails(status, body, sizeof(body) - 1, what)

Test(jalapeno_status, unknown_collection_is_500_with_empty_detail)
{
	STATUS_FAILS(500, "{\"detail\":\"\"}", "HTTP 500 with an empty detail");
	STATUS_FAILS(500, "{\"detail\":\"\"}", "check --collection or TOPOLOGY_COLLECTION");
}

Test(jalapeno_status, detail_strings_are_quoted)
{
	STATUS_FAILS(500, "{\"detail\":\"[HTTP 400][ERR 1501] invalid traversal depth\"}",
		     "HTTP 500: [HTTP 400][ERR 1501] invalid traversal depth");
	STATUS_FAILS(500, "{\"detail\":\"404: Collection x not found\"}", "404: Collection x not found");
	STATUS_FAILS(404, "{\"detail\":\"Not Found\"}", "HTTP 404: Not Found (check the endpoint");
	STATUS_FAILS(405, "{\"detail\":\"Method Not Allowed\"}", "HTTP 405: Method Not Allowed");
	STATUS_FAILS(500, "{\"detail\":\"line1\\nline2\"}", "line1?line2");
}

Test(jalapeno_status, validation_errors_have_an_array_detail)
{
	STATUS_FAILS(422,
		     "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"query\",\"source\"],\"msg\":\"Field required\",\"input\":null,\"url\":\"https://errors.pydantic.dev/2.4/v/missing\"}]}",
		     "HTTP 422: request rejected: query.source: Field required");
	STATUS_FAILS(422, "{\"detail\":[]}", "HTTP 422: request rejected");
	STATUS_FAILS(422, "{\"detail\":[42]}", "HTTP 422: request rejected");
}

Test(jalapeno_status, other_bodies)
{
	STATUS_FAILS(500, "Internal Server Error", "HTTP 500: \"Internal Server Error\"");
	STATUS_FAILS(502, "", "HTTP 502 with an empty body");
	STATUS_FAILS(503, "<html>\xff\xfe busy</html>", "HTTP 503: \"<html>?? busy</html>\"");
	STATUS_FAILS(500, "{\"detail\":{\"x\":1}}", "HTTP 500: \"{\"detail\":{\"x\":1}}\"");
	STATUS_FAILS(201, "{}", "HTTP 201");
	STATUS_FAILS(301, "", "HTTP 301");
}

Test(jalapeno_status, long_details_are_cut)
{
	char body[2048];
	struct jalapeno_answer a;
	struct err e = { "" };

	snprintf(body, sizeof(body), "{\"detail\":\"%01500d\"}", 7);
	cr_assert_eq(jalapeno_parse(&want_load, 500, body, strlen(body), &a, &e), -1);
	cr_assert(strstr(e.msg, "..."), "%s", e.msg);
	cr_assert_lt(strlen(e.msg), 200);
}

Test(jalapeno_body, broken_bodies)
{
	STATUS_FAILS(200, "", "empty answer");
	STATUS_FAILS(200, "{\"found\":true,\"path\":[{\"vert", "not JSON (cut short after 28 bytes)");
	STATUS_FAILS(200, "{\"found\":true,\"path\":[{\"v\":1}", "not JSON (cut short");
	STATUS_FAILS(200, "{\"found\":tru}", "not JSON (syntax error near byte");
	STATUS_FAILS(200, "{\"found\":false} {}", "data after the JSON document");
	STATUS_FAILS(200, "{\"found\":false}\0", "NUL byte");
	STATUS_FAILS(200, "{\"found\":\"\xc3\x28\"}", "not valid UTF-8");
	STATUS_FAILS(200, "{\"found\":\"\xed\xa0\x80\"}", "not valid UTF-8"); /* a surrogate */
	STATUS_FAILS(200, "{\"found\":\"\xc0\xaf\"}", "not valid UTF-8");     /* overlong */
	STATUS_FAILS(200, "{\"a\":\"x\\u0000y\",\"found\":true}", "escaped NUL");
	STATUS_FAILS(200, "[1,2,3]", "not a JSON object");
	STATUS_FAILS(200, "\"found\"", "not a JSON object");
}

Test(jalapeno_body, an_escaped_backslash_before_u0000_is_no_nul)
{
	/* "\\u0000" is a backslash and the text u0000: fine (and then not found). */
	STATUS_FAILS(200, "{\"message\":\"\\\\u0000\",\"found\":false}", "no path found");
}

Test(jalapeno_body, too_large)
{
	size_t len = JALAPENO_PATH_BODY_MAX + 1;
	char *body = malloc(len);
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert(body);
	memset(body, ' ', len);
	cr_assert_eq(jalapeno_parse(&want_load, 200, body, len, &a, &e), -1);
	cr_assert(strstr(e.msg, "answer larger than"), "%s", e.msg);
	free(body);
}

Test(jalapeno_body, deep_nesting_is_refused_not_a_crash)
{
	size_t n = 100000;
	char *body = malloc(n + 1);
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert(body);
	memset(body, '[', n);
	body[n] = '\0';
	cr_assert_eq(jalapeno_parse(&want_load, 200, body, n, &a, &e), -1);
	cr_assert(strstr(e.msg, "not JSON"), "%s", e.msg);
	free(body);
}

/* --- shortest_path/load (§3) ----------------------------------------------------------- */

Test(jalapeno_load, a_good_answer)
{
	static const char *const want[] = { "fc00:0:2000:1001:2002:e005:e006::" };
	struct jalapeno_answer a;
	struct err e = { "" };
	__u8 key[SRV6_ADDR_LEN];

	cr_assert_eq(parse_json(&want_load, load_answer(), &a, &e), 0, "%s", e.msg);
	cr_assert_eq(a.peer.path_count, 1);
	cr_assert_eq(a.peer.paths[0].weight, 1);
	assert_segs(&a.peer.paths[0], want, 1);
	/* Both addresses of a dual-stack host. */
	cr_assert(a.addrs.has[ADDR_IPV6] && a.addrs.has[ADDR_IPV4]);
	ut_in6("2001:db8:1:5::2", key);
	ut_assert_bytes_eq(a.addrs.key[ADDR_IPV6].addr, key, SRV6_ADDR_LEN, "peer key");
	ut_in6("::ffff:198.51.100.22", key);
	ut_assert_bytes_eq(a.addrs.key[ADDR_IPV4].addr, key, SRV6_ADDR_LEN, "IPv4 peer key");
}

Test(jalapeno_load, without_dest_function_the_usid_is_used_unchanged)
{
	static const char *const want[] = { "fc00:0:2000:1001:2002:e005::" };
	struct jalapeno_want w = want_load;
	struct jalapeno_answer a;
	struct err e = { "" };

	w.has_function = false;
	cr_assert_eq(parse_json(&w, load_answer(), &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 1);
}

Test(jalapeno_load, one_family_takes_only_its_address)
{
	struct jalapeno_want w = want_load;
	struct jalapeno_answer a;
	struct err e = { "" };
	__u8 key[SRV6_ADDR_LEN];
	cJSON *r = load_answer();

	w.families = ADDR_FAM_BIT(ADDR_IPV4);
	cr_assert_eq(parse_json(&w, load_answer(), &a, &e), 0, "%s", e.msg);
	cr_assert_not(a.addrs.has[ADDR_IPV6]);
	ut_in6("::ffff:198.51.100.22", key);
	ut_assert_bytes_eq(a.addrs.key[ADDR_IPV4].addr, key, SRV6_ADDR_LEN, "IPv4 peer key");
	/* A family not asked for is not read: a broken ipv6_address does not matter. */
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "destination_info"), "ipv6_address",
				  cJSON_CreateString("not an address"));
	cr_assert_eq(parse_json(&w, r, &a, &e), 0, "%s", e.msg);
	cr_assert(a.addrs.has[ADDR_IPV4]);
}

Test(jalapeno_load, found_false_with_http_200)
{
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert_eq(parse_text(&want_load,
				"{\"found\":false,\"message\":\"No path found between specified nodes\"}",
				&a, &e), -1);
	cr_assert_str_eq(e.msg, "no path found (the API says \"No path found between specified nodes\")");
	cr_assert_eq(parse_text(&want_load, "{\"found\":false}", &a, &e), -1);
	cr_assert_str_eq(e.msg, "no path found");
}

Test(jalapeno_load, found_must_be_a_boolean)
{
	cJSON *r = load_answer();

	cJSON_DeleteItemFromObject(r, "found");
	load_fails(r, "no boolean \"found\"");
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "found", cJSON_CreateString("true"));
	load_fails(r, "no boolean \"found\"");
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "found", cJSON_CreateNumber(1));
	load_fails(r, "no boolean \"found\"");
}

Test(jalapeno_load, srv6_data_with_error)
{
	cJSON *r = load_answer(), *d = cJSON_CreateObject();
	static const char *const none[] = { NULL };

	cJSON_AddStringToObject(d, "error", "argument of type 'int' is not iterable");
	cJSON_AddItemToObject(d, "srv6_sid_list", strings(none, 0));
	cJSON_AddStringToObject(d, "srv6_usid", "");
	cJSON_ReplaceItemInObject(r, "srv6_data", d);
	load_fails(r, "the API could not build the SID list: \"argument of type 'int' is not iterable\"");
	r = load_answer();
	cJSON_AddNumberToObject(srv6_of(r), "error", 1);
	load_fails(r, "srv6_data carries an error");
}

Test(jalapeno_load, srv6_data_missing_or_wrong)
{
	cJSON *r = load_answer();

	cJSON_DeleteItemFromObject(r, "srv6_data");
	load_fails(r, "srv6_data is missing or not an object");
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "srv6_data", cJSON_CreateString("fc00:0:1::"));
	load_fails(r, "srv6_data is missing or not an object");
	r = load_answer();
	cJSON_DeleteItemFromObject(srv6_of(r), "srv6_sid_list");
	load_fails(r, "srv6_sid_list is missing or not an array");
	r = load_answer();
	cJSON_ReplaceItemInObject(srv6_of(r), "srv6_sid_list", cJSON_CreateString("fc00:0:1::"));
	load_fails(r, "srv6_sid_list is missing or not an array");
}

Test(jalapeno_load, empty_sid_list_is_no_route)
{
	static const char *const none[] = { NULL };
	cJSON *r = load_answer();

	/* source == destination, or no vertex with a SID: "fc00:0:::" */
	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(none, 0, "fc00:0:::"));
	load_fails(r, "srv6_sid_list is empty: no SIDs on the path (no route)");
}

Test(jalapeno_load, empty_srv6_usid_is_no_route)
{
	cJSON *r = load_answer();

	cJSON_ReplaceItemInObject(srv6_of(r), "srv6_usid", cJSON_CreateString(""));
	load_fails(r, "srv6_usid is empty (no route)");
}

Test(jalapeno_load, usid_without_micro_sids_is_no_route)
{
	/* Every SID from another block: Jalapeño drops them from srv6_usid. */
	static const char *const other[] = { "fc00:1:2000::", "fc00:1:e005::" };
	cJSON *r = load_answer();

	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(other, 2, "fc00:0:::"));
	load_fails(r, "srv6_usid \"fc00:0:::\" holds no micro-SID (no route)");
}

Test(jalapeno_load, srv6_usid_is_not_trusted)
{
	static const char *const want[] = { "fc00:0:2000:1001:2002:e005:e006::" };
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = load_answer();

	/* Nonsense, too long for an address: the SIDs are rebuilt from the list. */
	cJSON_ReplaceItemInObject(srv6_of(r), "srv6_usid",
				  cJSON_CreateString("fc00:0:1:2:3:4:5:6:7::"));
	cJSON_DeleteItemFromObject(srv6_of(r), "algo");
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 1);

	r = load_answer();
	cJSON_DeleteItemFromObject(srv6_of(r), "srv6_usid");
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 1);
}

Test(jalapeno_load, sid_list_entries_are_checked)
{
	static const char *const bad_sid[] = { "fc00:0:2000::", "fc00:0:1001::", "zzz" };
	static const char *const ctl[] = { "fc00:0:2000::", "fc00\x01:0::" };
	static const char *const mcast[] = { "ff02::1" };
	cJSON *r = load_answer();

	cJSON_AddItemToArray(cJSON_GetObjectItem(srv6_of(r), "srv6_sid_list"), cJSON_CreateNumber(7));
	load_fails(r, "srv6_sid_list[4] is not a string");
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(bad_sid, 3, "fc00:0:2000:1001::"));
	load_fails(r, "srv6_sid_list[2] \"zzz\" is not a usable SID");
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(ctl, 2, "fc00:0:2000::"));
	load_fails(r, "srv6_sid_list[1] \"fc00?:0::\" is not a usable SID");
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(mcast, 1, "ff02::"));
	load_fails(r, "srv6_sid_list[0] \"ff02::1\" is not a usable SID");
}

Test(jalapeno_load, usid_block_is_checked)
{
	cJSON *r = load_answer();

	cJSON_ReplaceItemInObject(srv6_of(r), "usid_block", cJSON_CreateNumber(32));
	load_fails(r, "usid_block is not a string");
	r = load_answer();
	cJSON_ReplaceItemInObject(srv6_of(r), "usid_block", cJSON_CreateString("fc00::"));
	load_fails(r, "usid_block \"fc00::\" is not a micro-SID block");
	r = load_answer();
	cJSON_ReplaceItemInObject(srv6_of(r), "srv6_usid", cJSON_CreateNumber(1));
	load_fails(r, "srv6_usid is not a string");
}

Test(jalapeno_load, missing_usid_block_means_the_first_sids_32)
{
	static const char *const want[] = { "fc00:0:2000:1001:2002:e005:e006::" };
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = load_answer();

	/* The {"error":...} form has no usid_block; neither may a future server. */
	cJSON_DeleteItemFromObject(srv6_of(r), "usid_block");
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 1);
}

Test(jalapeno_load, a_48_bit_block)
{
	static const char *const sids[] = { "fc00:0:1:2000::", "fc00:0:1:e005::" };
	static const char *const want[] = { "fc00:0:1:2000:e005:e006::" };
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = load_answer();

	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(sids, 2, "fc00:0:1:2000:e005::"));
	cJSON_ReplaceItemInObject(srv6_of(r), "usid_block", cJSON_CreateString("fc00:0:1:"));
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 1);
}

Test(jalapeno_load, long_paths_are_split_over_carriers)
{
	/* A detour (every direct route loaded): 6 uSIDs + the function do not fit
	 * in one /32 carrier; the function stays with the last uSID. */
	static const char *const sids[] = { "fc00:0:2000::", "fc00:0:1000::", "fc00:0:2001::",
					    "fc00:0:1001::", "fc00:0:2002::", "fc00:0:e005::" };
	static const char *const want[] = { "fc00:0:2000:1000:2001:1001:2002::",
					    "fc00:0:e005:e006::" };
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = load_answer();

	cJSON_ReplaceItemInObject(r, "srv6_data",
				  srv6(sids, 6, "fc00:0:2000:1000:2001:1001:2002:e005::"));
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 2);
}

Test(jalapeno_load, sids_outside_the_block_are_kept_whole)
{
	/* Jalapeño drops them from srv6_usid; srv6-bpf keeps them as segments. */
	static const char *const sids[] = { "fc00:0:2000::", "2001:db8:ffff::1", "fc00:0:2002::",
					    "fc00:0:e005::" };
	static const char *const want[] = { "fc00:0:2000::", "2001:db8:ffff::1",
					    "fc00:0:2002:e005:e006::" };
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = load_answer();

	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(sids, 4, "fc00:0:2000:2002:e005::"));
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 3);
}

Test(jalapeno_load, paths_too_long_for_the_datapath)
{
	const char *sids[40];
	char text[40][32];
	cJSON *r;

	for (size_t i = 0; i < 40; i++) {
		snprintf(text[i], sizeof(text[i]), "fc00:0:%zx::", 0x100 + i);
		sids[i] = text[i];
	}
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(sids, 40, "fc00:0:100:101::"));
	load_fails(r, "srv6_sid_list has more than 32 SIDs");
	r = load_answer();
	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(sids, 24, "fc00:0:100:101::"));
	load_fails(r, "needs more than 4 segments");
}

Test(jalapeno_load, the_function_needs_a_micro_sid_before_it)
{
	static const char *const sids[] = { "fc00:0:2000::", "2001:db8:ffff::1" };
	cJSON *r = load_answer();

	cJSON_ReplaceItemInObject(r, "srv6_data", srv6(sids, 2, "fc00:0:2000::"));
	load_fails(r, "cannot append function e006");
}

Test(jalapeno_load, destination_info_is_checked)
{
	cJSON *r = load_answer(), *d;

	cJSON_DeleteItemFromObject(r, "destination_info");
	load_fails(r, "destination_info is missing or not an object");
	r = load_answer();
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_ReplaceItemInObject(d, "_id", cJSON_CreateString("hosts/host06"));
	load_fails(r, "the answer is for \"hosts/host06\", not hosts/host05");
	r = load_answer();
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_ReplaceItemInObject(d, "_id", cJSON_CreateNumber(5));
	load_fails(r, "destination_info._id is not a string");
	r = load_answer();
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_ReplaceItemInObject(d, "ipv6_address", cJSON_CreateNumber(5));
	load_fails(r, "destination_info.ipv6_address is not a string");
	r = load_answer();
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_ReplaceItemInObject(d, "ipv6_address", cJSON_CreateString("198.51.100.22"));
	load_fails(r, "destination_info.ipv6_address \"198.51.100.22\" is not a unicast IPv6 host address");
	r = load_answer();
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_ReplaceItemInObject(d, "ipv6_address", cJSON_CreateString("ff02::1"));
	load_fails(r, "is not a unicast IPv6 host address");
}

Test(jalapeno_load, a_missing_address_leaves_the_key_to_the_caller)
{
	struct jalapeno_answer a;
	struct err e = { "" };
	__u8 key[SRV6_ADDR_LEN];
	cJSON *r = load_answer(), *d = cJSON_GetObjectItem(r, "destination_info");

	cJSON_ReplaceItemInObject(d, "ipv6_address", cJSON_CreateNull());
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	cr_assert_not(a.addrs.has[ADDR_IPV6]);
	cr_assert(a.addrs.has[ADDR_IPV4], "the other family stands on its own");
	cr_assert_eq(a.peer.path_count, 1);
	r = load_answer();
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_DeleteItemFromObject(d, "ipv6_address");
	cJSON_DeleteItemFromObject(d, "ipv4_address");
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	cr_assert_eq(host_addrs_count(&a.addrs), 0);
	/* As the topology: "" is none, a prefix length is dropped. */
	r = load_answer();
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_ReplaceItemInObject(d, "ipv6_address", cJSON_CreateString(""));
	cJSON_ReplaceItemInObject(d, "ipv4_address", cJSON_CreateString("198.51.100.22/24"));
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	cr_assert_not(a.addrs.has[ADDR_IPV6]);
	cr_assert(a.addrs.has[ADDR_IPV4]);
	ut_in6("::ffff:198.51.100.22", key);
	ut_assert_bytes_eq(a.addrs.key[ADDR_IPV4].addr, key, SRV6_ADDR_LEN, "the host of 198.51.100.22/24");
}

Test(jalapeno_load, odd_but_harmless_answers)
{
	static const char *const want[] = { "fc00:0:2000:1001:2002:e005:e006::" };
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = load_answer(), *d;

	/* Numbers no 64-bit type holds, UTF-8 names, unknown fields, null loads. */
	cJSON_ReplaceItemInObject(r, "average_load", cJSON_CreateRaw("1e400"));
	cJSON_ReplaceItemInObject(r, "hopcount", cJSON_CreateRaw("-99999999999999999999999"));
	cJSON_ReplaceItemInObject(r, "algo", cJSON_CreateRaw("18446744073709551617"));
	d = cJSON_GetObjectItem(r, "destination_info");
	cJSON_ReplaceItemInObject(d, "name", cJSON_CreateString("h\xc3\xb4te \xe2\x82\xac \xf0\x9f\x9a\x80"));
	cJSON_AddStringToObject(r, "future_field", "x");
	cJSON_ReplaceItemInObject(r, "load_data", cJSON_CreateNull());
	cr_assert_eq(parse_json(&want_load, r, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 1);
}

Test(jalapeno_load, key_order_does_not_matter)
{
	static const char *const want[] = { "fc00:0:2000:1001:2002:e005:e006::" };
	static const char body[] =
		"{\"srv6_data\":{\"algo\":0,\"usid_block\":\"fc00:0:\",\"srv6_usid\":\"fc00:0:2000:1001:2002:e005::\","
		"\"srv6_sid_list\":[\"fc00:0:2000::\",\"fc00:0:1001::\",\"fc00:0:2002::\",\"fc00:0:e005::\"]},"
		"\"destination_info\":{\"sids\":null,\"ipv6_address\":\"2001:db8:1:5::2\",\"_id\":\"hosts/host05\"},"
		"\"found\":true}";
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert_eq(parse_text(&want_load, body, &a, &e), 0, "%s", e.msg);
	assert_segs(&a.peer.paths[0], want, 1);
}

/* --- shortest_path/best-paths (§4) ----------------------------------------------------- */

static const struct jalapeno_want want_best = {
	.query = JALAPENO_BEST_PATHS,
	.destination = "hosts/host05",
	.families = ADDR_FAMS_ALL,
	.has_function = true,
	.function = 0xe006,
	.max_paths = 8,
};

/* One best-paths entry: no edges, full destination document. */
static cJSON *best_path(const char *spine, unsigned int hops, const char *const *sids, size_t n)
{
	cJSON *p = cJSON_CreateObject(), *vs = cJSON_CreateArray();

	for (unsigned int i = 0; i <= hops; i++) {
		cJSON *v = cJSON_CreateObject(), *inner = cJSON_CreateObject();

		cJSON_AddStringToObject(inner, "_id", i == 0 ? "hosts/host00" : "fabric_node/x");
		cJSON_AddItemToObject(v, "vertex", inner);
		cJSON_AddItemToArray(vs, v);
	}
	cJSON_AddItemToObject(p, "path", vs);
	cJSON_AddNumberToObject(p, "hopcount", hops);
	cJSON_AddNumberToObject(p, "vertex_count", hops + 1);
	cJSON_AddItemToObject(p, "source_info", vertex("hosts", "host00", 0xe000, 1));
	cJSON_AddItemToObject(p, "destination_info", vertex("hosts", "host05", 0xe005, 1));
	cJSON_AddItemToObject(p, "countries_traversed", cJSON_CreateArray());
	cJSON_AddItemToObject(p, "srv6_data", srv6(sids, n, spine));
	return p;
}

static cJSON *best_answer(size_t n4, size_t n6)
{
	static const char *const spines[] = { "1000", "1001", "1002", "1003" };
	cJSON *a = cJSON_CreateObject(), *paths = cJSON_CreateArray();

	cJSON_AddBoolToObject(a, "found", 1);
	for (size_t i = 0; i < n4 + n6; i++) {
		char s[4][24];
		const char *sids[6] = { s[0], s[1], "fc00:0:2002::", "fc00:0:e005::" };

		snprintf(s[0], sizeof(s[0]), "fc00:0:2000::");
		snprintf(s[1], sizeof(s[1]), "fc00:0:%s::", spines[i % 4]);
		if (i < n4) {
			cJSON_AddItemToArray(paths, best_path("x", 4, sids, 4));
		} else {
			const char *detour[6] = { s[0], s[1], "fc00:0:2001::", "fc00:0:1003::",
						  "fc00:0:2002::", "fc00:0:e005::" };

			cJSON_AddItemToArray(paths, best_path("x", 6, detour, 6));
		}
	}
	cJSON_AddNumberToObject(a, "total_paths_found", (double)(n4 + n6));
	cJSON_AddStringToObject(a, "direction", "outbound");
	cJSON_AddNumberToObject(a, "algo", 0);
	cJSON_AddItemToObject(a, "paths", paths);
	return a;
}

static void best_fails(cJSON *root, const char *what)
{
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert_eq(parse_json(&want_best, root, &a, &e), -1, "accepted; expected \"%s\"", what);
	cr_assert(strstr(e.msg, what), "message \"%s\" lacks \"%s\"", e.msg, what);
	cr_assert(ut_one_line(e.msg));
}

Test(jalapeno_best, four_equal_paths)
{
	static const char *const want[4][1] = {
		{ "fc00:0:2000:1000:2002:e005:e006::" }, { "fc00:0:2000:1001:2002:e005:e006::" },
		{ "fc00:0:2000:1002:2002:e005:e006::" }, { "fc00:0:2000:1003:2002:e005:e006::" },
	};
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert_eq(parse_json(&want_best, best_answer(4, 0), &a, &e), 0, "%s", e.msg);
	cr_assert_eq(a.peer.path_count, 4);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(a.peer.paths[i].weight, 1, "equal weights");
		assert_segs(&a.peer.paths[i], want[i], 1);
	}
	cr_assert(a.addrs.has[ADDR_IPV6]);
}

Test(jalapeno_best, longer_detours_are_left_out)
{
	struct jalapeno_answer a;
	struct err e = { "" };

	cr_assert_eq(parse_json(&want_best, best_answer(2, 4), &a, &e), 0, "%s", e.msg);
	cr_assert_eq(a.peer.path_count, 2);
	for (size_t i = 0; i < 2; i++)
		cr_assert_eq(a.peer.paths[i].seg_count, 1);
}

Test(jalapeno_best, at_most_max_paths)
{
	struct jalapeno_want w = want_best;
	struct jalapeno_answer a;
	struct err e = { "" };

	w.max_paths = 2;
	cr_assert_eq(parse_json(&w, best_answer(4, 0), &a, &e), 0, "%s", e.msg);
	cr_assert_eq(a.peer.path_count, 2);
}

Test(jalapeno_best, identical_sid_lists_count_once)
{
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = best_answer(4, 0), *paths = cJSON_GetObjectItem(r, "paths");

	/* Two vertex paths whose SIDs coincide (a SID-less vertex differs). */
	cJSON_AddItemToArray(paths, cJSON_Duplicate(cJSON_GetArrayItem(paths, 1), 1));
	cJSON_AddItemToArray(paths, cJSON_Duplicate(cJSON_GetArrayItem(paths, 1), 1));
	cr_assert_eq(parse_json(&want_best, r, &a, &e), 0, "%s", e.msg);
	cr_assert_eq(a.peer.path_count, 4);
}

Test(jalapeno_best, not_found_and_empty)
{
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r;

	cr_assert_eq(parse_text(&want_best,
				"{\"found\":false,\"message\":\"No paths found between specified nodes\"}",
				&a, &e), -1);
	cr_assert(strstr(e.msg, "No paths found between specified nodes"), "%s", e.msg);
	r = best_answer(0, 0);
	best_fails(r, "answer says found but lists no paths");
	r = best_answer(1, 0);
	cJSON_DeleteItemFromObject(r, "paths");
	best_fails(r, "no \"paths\" array");
}

Test(jalapeno_best, one_bad_path_fails_the_answer)
{
	cJSON *r = best_answer(4, 0), *p = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "paths"), 2);
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "error", "'NoneType' object is not iterable");
	cJSON_ReplaceItemInObject(p, "srv6_data", d);
	best_fails(r, "paths[2]: the API could not build the SID list");
	r = best_answer(4, 0);
	cJSON_ReplaceItemInArray(cJSON_GetObjectItem(r, "paths"), 1, cJSON_CreateString("x"));
	best_fails(r, "paths[1] is not an object");
}

Test(jalapeno_best, hop_counts)
{
	struct jalapeno_answer a;
	struct err e = { "" };
	cJSON *r = best_answer(2, 0), *p = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "paths"), 0);

	/* Without the vertex list the hopcount serves; without both: an error. */
	cJSON_DeleteItemFromObject(p, "path");
	cr_assert_eq(parse_json(&want_best, r, &a, &e), 0, "%s", e.msg);
	cr_assert_eq(a.peer.path_count, 2);
	r = best_answer(2, 0);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "paths"), 0);
	cJSON_DeleteItemFromObject(p, "path");
	cJSON_ReplaceItemInObject(p, "hopcount", cJSON_CreateRaw("1e30"));
	best_fails(r, "paths[0]: path has neither a vertex list nor a hopcount");
}

Test(jalapeno_best, paths_must_agree_on_the_destination)
{
	cJSON *r = best_answer(2, 0), *p = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "paths"), 1);
	cJSON *d = cJSON_GetObjectItem(p, "destination_info");

	cJSON_ReplaceItemInObject(d, "ipv6_address", cJSON_CreateString("2001:db8:1:6::2"));
	best_fails(r, "paths[1]: the paths disagree on destination_info.ipv6_address");
}

/* --- the SID builder ------------------------------------------------------------------- */

Test(jalapeno_build, direct)
{
	static const char *const sids[] = { "fc00:0:2000::", "fc00:0:e001::" };
	static const char *const want[] = { "fc00:0:2000:e001:e006::" };
	struct srv6_path p;
	struct err e = { "" };

	cr_assert_eq(jalapeno_build_path(sids, 2, "fc00:0:", true, 0xe006, &p, &e), 0, "%s", e.msg);
	assert_segs(&p, want, 1);
	cr_assert_eq(jalapeno_build_path(sids, 0, "fc00:0:", true, 0xe006, &p, &e), -1);
	cr_assert(strstr(e.msg, "srv6_sid_list is empty"), "%s", e.msg);
}

Test(jalapeno_build, micro_sid_zero_is_refused)
{
	/* 0 ends a carrier: the routers would never see what follows it. */
	static const char *const sids[] = { "fc00:0:2000::", "fc00:0:0:1::", "fc00:0:e001::" };
	struct srv6_path p;
	struct err e = { "" };

	cr_assert_eq(jalapeno_build_path(sids, 3, "fc00:0:", false, 0, &p, &e), -1);
	cr_assert(strstr(e.msg, "srv6_sid_list[1] \"fc00:0:0:1::\" has micro-SID 0"), "%s", e.msg);
}

Test(jalapeno_build, text_that_is_not_a_sid)
{
	static const char *const long_text[] = { "fc00:0:2000:0000:0000:0000:0000:0000:0000" };
	static const char *const spaced[] = { " fc00:0:2000::" };
	struct srv6_path p;
	struct err e = { "" };

	cr_assert_eq(jalapeno_build_path(long_text, 1, NULL, false, 0, &p, &e), -1);
	cr_assert(strstr(e.msg, "is not a usable SID"), "%s", e.msg);
	cr_assert_eq(jalapeno_build_path(spaced, 1, NULL, false, 0, &p, &e), -1);
	cr_assert_eq(jalapeno_build_path(spaced + 0, 1, "fc00:0:\x7f", false, 0, &p, &e), -1);
}

/* --- text helpers ----------------------------------------------------------------------- */

Test(jalapeno_text, utf8)
{
	cr_assert(utf8_valid("", 0));
	cr_assert(utf8_valid("plain", 5));
	cr_assert(utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x9a\x80", 9));
	cr_assert_not(utf8_valid("\x80", 1));
	cr_assert_not(utf8_valid("\xc3", 1), "cut short");
	cr_assert_not(utf8_valid("\xe2\x82", 2), "cut short");
	cr_assert_not(utf8_valid("\xc1\xbf", 2), "overlong");
	cr_assert_not(utf8_valid("\xe0\x80\xaf", 3), "overlong");
	cr_assert_not(utf8_valid("\xf0\x80\x80\xaf", 4), "overlong");
	cr_assert_not(utf8_valid("\xed\xbf\xbf", 3), "surrogate");
	cr_assert_not(utf8_valid("\xf4\x90\x80\x80", 4), "past U+10FFFF");
	cr_assert_not(utf8_valid("\xff", 1));
}

Test(jalapeno_text, quote)
{
	char buf[8];

	jalapeno_quote("abc", 3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "abc");
	jalapeno_quote("a\nb\x01\xff", 5, buf, sizeof(buf));
	cr_assert_str_eq(buf, "a?b??");
	jalapeno_quote("0123456789", 10, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0123...");
	jalapeno_quote("0123456", 7, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0123456", "exactly fits");
}
