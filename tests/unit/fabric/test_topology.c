// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/fabric/topology.c: the Jalapeño topology JSON as a graph, and its errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/array.h"
#include "util/addr.h"
#include "fabric/topology.h"
#include "unit_helpers.h"

static void parse_ok(const char *json, int algo, struct topology *t)
{
	struct err e = { "" };

	cr_assert_eq(topology_parse(json, strlen(json), algo, t, &e), 0, "refused: %s", e.msg);
}

static void parse_bad(const char *json, const char *want)
{
	struct topology t = { (struct topo_vertex *)0x1, 7, NULL, 0 };
	struct err e = { "" };

	cr_assert_eq(topology_parse(json, strlen(json), 0, &t, &e), -1, "accepted: %s", json);
	cr_assert_str_eq(e.msg, want, "for %s", json);
	cr_assert(ut_one_line(e.msg));
	cr_assert_null(t.v, "nothing left allocated");
	cr_assert_eq(t.nv, 0);
}

static const struct topo_vertex *vertex(const struct topology *t, const char *id)
{
	long i = topology_find(t, id);

	cr_assert_geq(i, 0, "no vertex %s", id);
	return &t->v[i];
}

static void assert_sid(const struct topo_vertex *v, const char *want)
{
	__u8 w[SRV6_ADDR_LEN];
	char buf[INET6_ADDRSTRLEN];

	if (!want) {
		cr_assert_not(v->has_sid, "%s has SID %s", v->id, ut_ntop6(v->sid, buf));
		return;
	}
	cr_assert(v->has_sid, "%s has no SID", v->id);
	ut_in6(want, w);
	ut_assert_bytes_eq(v->sid, w, SRV6_ADDR_LEN, v->id);
}

/* A vertex document with the given sids array, in a one-vertex topology. */
static void sid_case(const char *sids, int algo, const char *want)
{
	char json[1024];
	struct topology t;

	snprintf(json, sizeof(json), "{\"vertices\":{\"fabric_node/r\":{\"sids\":%s}},\"edges\":[]}",
		 sids);
	parse_ok(json, algo, &t);
	assert_sid(vertex(&t, "fabric_node/r"), want);
	topology_free(&t);
}

#define BEH(a) "\"srv6_endpoint_behavior\":{\"endpoint_behavior\":48,\"flag\":0,\"algo\":" #a "}"

Test(topology_sids, first_entry_of_the_algo)
{
	sid_case("[{\"srv6_sid\":\"fc00:0:1000::\"," BEH(0) "},{\"srv6_sid\":\"fc00:0:1000:fe06::\","
		 BEH(0) "}]", 0, "fc00:0:1000::");
	/* Flex-algo 128 first: algo 0 still takes its own. */
	sid_case("[{\"srv6_sid\":\"fc00:1:1000::\"," BEH(128) "},{\"srv6_sid\":\"fc00:0:1000::\","
		 BEH(0) "}]", 0, "fc00:0:1000::");
	sid_case("[{\"srv6_sid\":\"fc00:1:1000::\"," BEH(128) "},{\"srv6_sid\":\"fc00:0:1000::\","
		 BEH(0) "}]", 128, "fc00:1:1000::");
}

Test(topology_sids, entry_without_behaviour_is_the_fallback)
{
	sid_case("[{\"srv6_sid\":\"fc00:0:1::\"},{\"srv6_sid\":\"fc00:0:2::\"," BEH(0) "}]", 0,
		 "fc00:0:2::");
	sid_case("[{\"srv6_sid\":\"fc00:0:1::\"},{\"srv6_sid\":\"fc00:0:2::\"," BEH(128) "}]", 0,
		 "fc00:0:1::");
	/* Two fallbacks: the first. A plain string (include_all_fields=false) is one. */
	sid_case("[{\"srv6_sid\":\"fc00:0:1::\"},{\"srv6_sid\":\"fc00:0:2::\"}]", 0, "fc00:0:1::");
	sid_case("[\"fc00:0:3::\",{\"srv6_sid\":\"fc00:0:2::\"}]", 0, "fc00:0:3::");
}

Test(topology_sids, no_qualifying_entry)
{
	sid_case("[{\"srv6_sid\":\"fc00:1:1::\"," BEH(128) "}]", 0, NULL);
	sid_case("[]", 0, NULL);
	sid_case("null", 0, NULL);
	/* A behaviour without algo matches neither rule. */
	sid_case("[{\"srv6_sid\":\"fc00:0:1::\",\"srv6_endpoint_behavior\":{\"endpoint_behavior\":48}}]",
		 0, NULL);
	/* Non-object entries are skipped. */
	sid_case("[7,{\"srv6_sid\":\"fc00:0:4::\"}]", 0, "fc00:0:4::");
}

Test(topology_sids, first_match_wins_even_when_empty)
{
	sid_case("[{\"srv6_sid\":null," BEH(0) "},{\"srv6_sid\":\"fc00:0:2::\"," BEH(0) "}]", 0, NULL);
	sid_case("[{\"srv6_sid\":\"\"," BEH(0) "},{\"srv6_sid\":\"fc00:0:2::\"," BEH(0) "}]", 0, NULL);
}

Test(topology_sids, missing_sids_field)
{
	struct topology t;

	parse_ok("{\"vertices\":{\"hosts/h1\":{\"name\":\"h1\"}},\"edges\":[]}", 0, &t);
	assert_sid(vertex(&t, "hosts/h1"), NULL);
	topology_free(&t);
}

Test(topology, hosts_and_addresses)
{
	struct topology t;
	const struct topo_vertex *h;
	struct srv6_peer_key want;
	int fam;
	struct err e = { "" };

	parse_ok("{\"vertices\":{"
		 "\"hosts/host00\":{\"ipv6_address\":\"2001:db8:1000::2\",\"ipv4_address\":\"192.0.2.2\"},"
		 "\"hosts/host01\":{\"ipv6_address\":\"2001:db8:1001::2/64\",\"ipv4_address\":null},"
		 "\"fabric_node/leaf00\":{\"ipv6_address\":\"\"}},\"edges\":[]}",
		 0, &t);
	cr_assert_eq(t.nv, 3);
	/* Sorted by id, bytewise. */
	cr_assert_str_eq(t.v[0].id, "fabric_node/leaf00");
	cr_assert_str_eq(t.v[1].id, "hosts/host00");
	cr_assert_str_eq(t.v[2].id, "hosts/host01");
	cr_assert_not(t.v[0].is_host);
	cr_assert_not(t.v[0].addrs.has[ADDR_IPV6]);
	h = vertex(&t, "hosts/host00");
	cr_assert(h->is_host);
	cr_assert_str_eq(topo_host_name(h), "host00");
	cr_assert(h->addrs.has[ADDR_IPV6] && h->addrs.has[ADDR_IPV4]);
	cr_assert_eq(addr_parse_peer("2001:db8:1000::2", &want, &fam, &e), 0);
	ut_assert_bytes_eq(&h->addrs.key[ADDR_IPV6], &want, sizeof(want), "ipv6");
	cr_assert_eq(addr_parse_peer("192.0.2.2", &want, &fam, &e), 0);
	ut_assert_bytes_eq(&h->addrs.key[ADDR_IPV4], &want, sizeof(want), "ipv4 as mapped");
	h = vertex(&t, "hosts/host01");
	cr_assert(h->addrs.has[ADDR_IPV6], "a prefix length is dropped");
	cr_assert_not(h->addrs.has[ADDR_IPV4]);
	cr_assert_eq(topology_find(&t, "hosts/host02"), -1);
	topology_free(&t);
}

Test(topology, edges_sorted_status_capacity_and_parallel_links)
{
	struct topology t;
	long a, b, c;

	parse_ok("{\"vertices\":{\"v/c\":{},\"v/a\":{},\"v/b\":{}},\"edges\":["
		 "{\"_from\":\"v/c\",\"_to\":\"v/a\"},"
		 "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"capacity\":40},"
		 "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"capacity\":60},"
		 "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"capacity\":100,\"status\":\"down\"},"
		 "{\"_from\":\"v/b\",\"_to\":\"v/c\",\"status\":\"down\"},"
		 "{\"_from\":\"v/b\",\"_to\":\"v/a\",\"status\":\"up\",\"load\":30},"
		 "{\"_from\":\"v/a\",\"_to\":\"v/a\"}]}",
		 0, &t);
	a = topology_find(&t, "v/a");
	b = topology_find(&t, "v/b");
	c = topology_find(&t, "v/c");
	cr_assert_eq(t.ne, 4, "parallel a->b merged, self-loop dropped: %zu", t.ne);
	/* (from, to) order: a->b, b->a, b->c, c->a */
	cr_assert(t.e[0].from == a && t.e[0].to == b);
	cr_assert(t.e[0].up);
	cr_assert_eq(t.e[0].capacity, 100, "40 + 60; the down one adds nothing");
	cr_assert(t.e[1].from == b && t.e[1].to == a && t.e[1].up);
	cr_assert_eq(t.e[1].capacity, 1, "default capacity");
	cr_assert(t.e[2].from == b && t.e[2].to == c);
	cr_assert_not(t.e[2].up);
	cr_assert_eq(t.e[2].capacity, 0);
	cr_assert(t.e[3].from == c && t.e[3].to == a && t.e[3].up);
	topology_free(&t);
}

Test(topology, empty_graph)
{
	struct topology t;

	parse_ok("{\"vertices\":{},\"edges\":[],\"total_edges\":0}", 0, &t);
	cr_assert_eq(t.nv, 0);
	cr_assert_eq(t.ne, 0);
	topology_free(&t);
}

/* --- errors ---------------------------------------------------------------- */

Test(topology_errors, bad_json)
{
	parse_bad("{\"vertices\":{}, \"edges\":[", "invalid JSON near byte 24");
	parse_bad("", "invalid JSON near byte 0");
	parse_bad("[1,2]", "expected a JSON object with \"vertices\" and \"edges\"");
}

Test(topology_errors, missing_or_mistyped_members)
{
	parse_bad("{\"edges\":[]}", "missing \"vertices\" (an object keyed by vertex id)");
	parse_bad("{\"vertices\":{}}", "missing \"edges\" (an array of {_from, _to} documents)");
	parse_bad("{\"vertices\":[],\"edges\":[]}", "\"vertices\" must be an object keyed by vertex id");
	parse_bad("{\"vertices\":{},\"edges\":{}}",
		  "\"edges\" must be an array of {_from, _to} documents");
	parse_bad("{\"vertices\":{\"v/a\":[]},\"edges\":[]}", "vertex \"v/a\" is not an object");
	parse_bad("{\"vertices\":{\"v/a\":{},\"v/a\":{}},\"edges\":[]}", "vertex \"v/a\" is given twice");
	parse_bad("{\"vertices\":{\"hosts/\":{}},\"edges\":[]}", "vertex \"hosts/\" names no host");
	parse_bad("{\"vertices\":{\"\":{}},\"edges\":[]}", "vertices: a vertex has an empty id");
}

Test(topology_errors, vertex_fields)
{
	parse_bad("{\"vertices\":{\"v/a\":{\"sids\":{}}},\"edges\":[]}",
		  "vertex \"v/a\": sids must be an array");
	parse_bad("{\"vertices\":{\"v/a\":{\"sids\":[{\"srv6_sid\":7}]}},\"edges\":[]}",
		  "vertex \"v/a\": srv6_sid must be a string");
	parse_bad("{\"vertices\":{\"v/a\":{\"sids\":[{\"srv6_sid\":\"fc00:0:zz::\"}]}},\"edges\":[]}",
		  "vertex \"v/a\": srv6_sid \"fc00:0:zz::\" is not an IPv6 address");
	parse_bad("{\"vertices\":{\"hosts/a\":{\"ipv6_address\":\"10.0.0.1\"}},\"edges\":[]}",
		  "vertex \"hosts/a\": ipv6_address \"10.0.0.1\" is not a unicast IPv6 host address");
	/* An IPv4-mapped IPv6 address would be the host's IPv4 key. */
	parse_bad("{\"vertices\":{\"hosts/a\":{\"ipv6_address\":\"::ffff:192.0.2.1\"}},\"edges\":[]}",
		  "vertex \"hosts/a\": ipv6_address \"::ffff:192.0.2.1\" is not a unicast IPv6 host address");
	parse_bad("{\"vertices\":{\"hosts/a\":{\"ipv4_address\":\"2001:db8::1\"}},\"edges\":[]}",
		  "vertex \"hosts/a\": ipv4_address \"2001:db8::1\" is not a unicast IPv4 host address");
	parse_bad("{\"vertices\":{\"hosts/a\":{\"ipv6_address\":[]}},\"edges\":[]}",
		  "vertex \"hosts/a\": ipv6_address must be a string");
}

Test(topology_errors, edges)
{
	const char *v = "{\"vertices\":{\"v/a\":{},\"v/b\":{}},\"edges\":[{\"_from\":\"v/a\",\"_to\":\"v/b\"},";

	struct {
		const char *edge, *want;
	} cases[] = {
		{ "7]}", "edges[1] is not an object" },
		{ "{\"_to\":\"v/a\"}]}", "edges[1]: missing _from" },
		{ "{\"_from\":\"v/a\"}]}", "edges[1]: missing _to" },
		{ "{\"_from\":1,\"_to\":\"v/a\"}]}", "edges[1]: _from must be a vertex id string" },
		{ "{\"_from\":\"v/a\",\"_to\":\"v/zz\"}]}",
		  "edges[1]: _to \"v/zz\" is not a vertex of the topology" },
		{ "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"status\":0}]}",
		  "edges[1]: status must be a string (\"up\" or \"down\")" },
		{ "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"capacity\":\"10G\"}]}",
		  "edges[1]: capacity must be a positive integer" },
		{ "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"capacity\":0}]}",
		  "edges[1]: capacity must be a positive integer" },
		{ "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"capacity\":2.5}]}",
		  "edges[1]: capacity must be a positive integer" },
		{ "{\"_from\":\"v/a\",\"_to\":\"v/b\",\"capacity\":1e300}]}",
		  "edges[1]: capacity must be a positive integer" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char json[512];

		snprintf(json, sizeof(json), "%s%s", v, cases[i].edge);
		parse_bad(json, cases[i].want);
	}
}

Test(topology_errors, file)
{
	char path[] = "/tmp/srv6-topo-XXXXXX";
	int fd = mkstemp(path);
	struct topology t;
	struct err e = { "" };
	char want[256];

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "{\"vertices\":{},", 15), 15);
	close(fd);
	cr_assert_eq(topology_load_file(path, 0, &t, &e), -1);
	snprintf(want, sizeof(want), "topology %s: invalid JSON near byte 14", path);
	cr_assert_str_eq(e.msg, want);
	unlink(path);
	cr_assert_eq(topology_load_file(path, 0, &t, &e), -1);
	snprintf(want, sizeof(want), "cannot read topology %s: No such file or directory", path);
	cr_assert_str_eq(e.msg, want);
}

Test(topology, file_round_trip)
{
	char path[] = "/tmp/srv6-topo-XXXXXX";
	int fd = mkstemp(path);
	const char *json = "{\"vertices\":{\"hosts/a\":{},\"fabric_node/r\":{}},\"edges\":"
			   "[{\"_from\":\"hosts/a\",\"_to\":\"fabric_node/r\"}]}";
	struct topology t;
	struct err e = { "" };

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	cr_assert_eq(topology_load_file(path, 0, &t, &e), 0, "%s", e.msg);
	unlink(path);
	cr_assert_eq(t.nv, 2);
	cr_assert_eq(t.ne, 1);
	topology_free(&t);
}
