// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loader/cli/cmd_sync.c and loader/sync/sync.c: options and environment as the
 * plugin reads them, and `sync --dry-run` end to end against a Jalapeño-shaped
 * test server: output, request order, retry policy, and failures that leave
 * nothing half-done.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "cli/commands.h"
#include "util/array.h"
#include "sync/sync.h"
#include "http_server.h"
#include "unit_helpers.h"

static const char *const plugin_env[] = {
	"BACKEND_INTERFACE", "JALAPENO_API_ENDPOINT", "TOPOLOGY_COLLECTION", "DEST_FUNCTION",
	"MASTER_ADDR", "JALAPENO_API_HEADER", "HOSTS", "HOSTNAME", "HOSTNAME_PREFIX", "RANK",
	"SRV6_BPF_FAMILY",
};

static void clean_env(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(plugin_env); i++)
		unsetenv(plugin_env[i]);
}

/* --- options ---------------------------------------------------------------------------- */

static int parse(struct sync_opts *o, struct err *e, const char *args)
{
	static char buf[512]; /* o points into it */
	char *argv[32];
	int argc;

	snprintf(buf, sizeof(buf), "%s", args);
	argc = ut_words(buf, argv, 32);
	return sync_opts_parse(argc, argv, o, e);
}

static void parse_fails(const char *args, const char *what)
{
	struct sync_opts o;
	struct err e = { "" };

	cr_assert_eq(parse(&o, &e, args), -1, "\"%s\" accepted", args);
	cr_assert(strstr(e.msg, what), "\"%s\": message \"%s\" lacks \"%s\"", args, e.msg, what);
	cr_assert(ut_one_line(e.msg));
}

TestSuite(sync_opts, .init = clean_env);

Test(sync_opts, plugin_defaults)
{
	struct sync_opts o;
	struct err e = { "" };

	setenv("JALAPENO_API_ENDPOINT", "http://j:30800/api/v1", 1);
	cr_assert_eq(parse(&o, &e, ""), 0, "%s", e.msg);
	cr_assert_str_eq(o.dev, "net1");
	cr_assert_str_eq(o.collection, "network_topology");
	cr_assert_str_eq(o.endpoint, "http://j:30800/api/v1");
	cr_assert_eq(o.source, SYNC_SOURCE_JALAPENO_LOAD);
	cr_assert_eq(o.paths, 1);
	cr_assert_eq(o.families, ADDR_FAMS_ALL, "every address a peer has");
	cr_assert_not(o.has_function);
	cr_assert_null(o.header);
	cr_assert_eq(o.timeout_ms, 10000);
	cr_assert_eq(o.connect_timeout_ms, 3000);
	cr_assert_eq(o.concurrency, 8);
	cr_assert_eq(o.retries, 2);
	cr_assert_not(o.dry_run);
}

Test(sync_opts, environment)
{
	struct sync_opts o;
	struct err e = { "" };

	setenv("JALAPENO_API_ENDPOINT", "http://j/api/v1", 1);
	setenv("BACKEND_INTERFACE", "eth1", 1);
	setenv("TOPOLOGY_COLLECTION", "fabric_graph", 1);
	setenv("DEST_FUNCTION", "fe06", 1);
	setenv("MASTER_ADDR", "192.0.2.1", 1);
	setenv("JALAPENO_API_HEADER", "Authorization: Bearer t", 1);
	cr_assert_eq(parse(&o, &e, ""), 0, "%s", e.msg);
	cr_assert_str_eq(o.dev, "eth1");
	cr_assert_str_eq(o.collection, "fabric_graph");
	cr_assert(o.has_function);
	cr_assert_eq(o.function, 0xfe06);
	cr_assert_eq(o.families, ADDR_FAMS_ALL, "MASTER_ADDR's family does not narrow the peers");
	cr_assert_str_eq(o.header, "Authorization: Bearer t");
	setenv("SRV6_BPF_FAMILY", "4", 1);
	cr_assert_eq(parse(&o, &e, ""), 0, "%s", e.msg);
	cr_assert_eq(o.families, ADDR_FAM_BIT(ADDR_IPV4));
	cr_assert_eq(parse(&o, &e, "--family 6"), 0, "%s", e.msg);
	cr_assert_eq(o.families, ADDR_FAM_BIT(ADDR_IPV6), "the flag wins");
	cr_assert_eq(parse(&o, &e, "--family both"), 0, "%s", e.msg);
	cr_assert_eq(o.families, ADDR_FAMS_ALL);
}

Test(sync_opts, flags_override_the_environment)
{
	struct sync_opts o;
	struct err e = { "" };

	setenv("JALAPENO_API_ENDPOINT", "http://env/api/v1", 1);
	setenv("BACKEND_INTERFACE", "eth1", 1);
	setenv("TOPOLOGY_COLLECTION", "fabric_graph", 1);
	setenv("DEST_FUNCTION", "fe06", 1);
	cr_assert_eq(parse(&o, &e,
			   "dev eth9 --endpoint http://flag/api/v1 --collection=c2 --dest-function E006 "
			   "--source jalapeno-best-paths --paths=3 --timeout 0.5 --connect-timeout=2 "
			   "--concurrency 1 --retries 0 --dry-run --header X-A:b --cacert /ca.pem "
			   "--hosts-file /h"),
		     0, "%s", e.msg);
	cr_assert_str_eq(o.dev, "eth9");
	cr_assert_str_eq(o.endpoint, "http://flag/api/v1");
	cr_assert_str_eq(o.collection, "c2");
	cr_assert_eq(o.function, 0xe006);
	cr_assert_eq(o.source, SYNC_SOURCE_JALAPENO_BEST_PATHS);
	cr_assert_eq(o.paths, 3);
	cr_assert_eq(o.timeout_ms, 500);
	cr_assert_eq(o.connect_timeout_ms, 2000);
	cr_assert_eq(o.concurrency, 1);
	cr_assert_eq(o.retries, 0);
	cr_assert(o.dry_run);
	cr_assert_str_eq(o.header, "X-A:b");
	cr_assert_str_eq(o.cacert, "/ca.pem");
	cr_assert_str_eq(o.hosts_file, "/h");
}

Test(sync_opts, best_paths_defaults_to_four)
{
	struct sync_opts o;
	struct err e = { "" };

	setenv("JALAPENO_API_ENDPOINT", "http://j/api/v1", 1);
	cr_assert_eq(parse(&o, &e, "--source jalapeno-best-paths"), 0, "%s", e.msg);
	cr_assert_eq(o.paths, 4);
}

Test(sync_opts, topology_file_implies_the_topology_source)
{
	struct sync_opts o;
	struct err e = { "" };

	cr_assert_eq(parse(&o, &e, "--topology-file /t.json"), 0, "%s", e.msg);
	cr_assert_eq(o.source, SYNC_SOURCE_TOPOLOGY);
	cr_assert_str_eq(o.topology_file, "/t.json");
	parse_fails("--topology-file /t.json --source jalapeno-load", "goes with --source topology");
}

Test(sync_opts, errors)
{
	setenv("JALAPENO_API_ENDPOINT", "http://j/api/v1", 1);
	parse_fails("--bogus", "unknown argument \"--bogus\"");
	parse_fails("--paths", "sync: --paths: missing K");
	parse_fails("dev", "sync: dev: missing DEV");
	parse_fails("dev abcdefghijklmnopq", "invalid interface name");
	parse_fails("--source magic",
		    "--source: invalid value \"magic\": give jalapeno-load, jalapeno-best-paths or topology");
	parse_fails("--source jalapeno-best-paths --paths 9", "--paths: invalid value \"9\": give 1-8");
	parse_fails("--source jalapeno-best-paths --paths 0", "--paths: invalid value");
	parse_fails("--paths 2", "jalapeno-load gives one path per peer");
	parse_fails("--family 5", "--family: invalid value \"5\": give both, 6 or 4");
	parse_fails("--family ipv6", "--family: invalid value");
	parse_fails("--dest-function xyz", "--dest-function: invalid value \"xyz\"");
	parse_fails("--dest-function 12345", "--dest-function: invalid value");
	parse_fails("--dest-function 0", "--dest-function: invalid value");
	parse_fails("--header NoColon", "invalid header");
	parse_fails("--timeout 0", "--timeout: invalid value \"0\": give seconds (0.001-3600)");
	parse_fails("--timeout abc", "--timeout: invalid value");
	parse_fails("--timeout 1e9", "--timeout: invalid value");
	parse_fails("--connect-timeout -1", "--connect-timeout: invalid value");
	parse_fails("--concurrency 0", "--concurrency: invalid value \"0\": give 1-256");
	parse_fails("--concurrency 257", "--concurrency: invalid value");
	parse_fails("--retries 11", "--retries: invalid value \"11\": give 0-10");
	parse_fails("--collection=", "empty collection name");
	parse_fails("--endpoint ftp://x", "not an http:// or https:// URL");
	setenv("DEST_FUNCTION", "nothex", 1);
	parse_fails("", "DEST_FUNCTION: invalid value \"nothex\"");
}

Test(sync_opts, an_endpoint_is_needed_for_jalapeno_sources)
{
	parse_fails("", "no Jalapeño endpoint: set JALAPENO_API_ENDPOINT or give --endpoint URL");
}

/* --- sync --dry-run against a test server ------------------------------------------------ */

/* Per destination host index (hostNN): requests seen, and in which order. */
static atomic_uint hits[16];
static atomic_uint order[64];
static atomic_uint norder;
static int broken = -1;       /* this destination answers 500 {"detail":""} */
static int flaky = -1;        /* this destination answers 503 once */
static int no_address = -1;   /* destination_info without addresses */
static int same_address = -1; /* destination_info with host01's address */
static const char *need_header;

static int host_index(const char *target)
{
	const char *d = strstr(target, "destination=hosts%2Fhost");

	return d ? atoi(d + strlen("destination=hosts%2Fhost")) : -1;
}

/* Answers shaped as Jalapeño's: hostNN sits on leaf NN/2, paths via spine NN%4. */
static void jalapeno_handler(const char *target, const char *headers, unsigned int n, void *arg,
			     struct uts_reply *r)
{
	static __thread char body[4096];
	bool best = strstr(target, "/shortest_path/best-paths?");
	int h = host_index(target), addr;
	unsigned int k;
	size_t o = 0;

	(void)n;
	(void)arg;
	if (!strstr(target, "/api/v1/graphs/network_topology/shortest_path/") || h < 0 || h > 15) {
		r->status = 404;
		r->body = "{\"detail\":\"Not Found\"}";
		return;
	}
	k = atomic_fetch_add(&hits[h], 1);
	order[atomic_fetch_add(&norder, 1) % 64] = (unsigned int)h;
	if (need_header && !strstr(headers, need_header)) {
		r->status = 401;
		r->body = "{\"detail\":\"Not authenticated\"}";
		return;
	}
	if (h == broken || (h == flaky && k == 0)) {
		r->status = h == broken ? 500 : 503;
		r->body = "{\"detail\":\"\"}";
		return;
	}
	addr = h == same_address ? 1 : h;
	if (best)
		o += (size_t)snprintf(body + o, sizeof(body) - o, "{\"found\":true,\"paths\":[");
	for (int p = 0; p < (best ? 2 : 1); p++) {
		o += (size_t)snprintf(body + o, sizeof(body) - o, "%s{", p ? "," : "");
		if (h == no_address)
			o += (size_t)snprintf(body + o, sizeof(body) - o,
					      "\"destination_info\":{\"_id\":\"hosts/host%02d\",\"ipv6_address\":null,\"ipv4_address\":null},",
					      h);
		else
			o += (size_t)snprintf(body + o, sizeof(body) - o,
					      "\"destination_info\":{\"_id\":\"hosts/host%02d\",\"ipv6_address\":\"2001:db8:1:%x::2\",\"ipv4_address\":\"198.51.100.%d\"},",
					      h, addr, 4 * addr + 2);
		o += (size_t)snprintf(body + o, sizeof(body) - o,
				      "\"hopcount\":4,\"srv6_data\":{\"srv6_sid_list\":[\"fc00:0:2000::\",\"fc00:0:%x::\",\"fc00:0:%x::\",\"fc00:0:%x::\"],\"srv6_usid\":\"fc00:0:x::\",\"usid_block\":\"fc00:0:\",\"algo\":0}",
				      0x1000 + (h + p) % 4, 0x2000 + h / 2, 0xe000 + h);
		o += (size_t)snprintf(body + o, sizeof(body) - o, "%s}", best ? "" : ",\"found\":true");
	}
	if (best)
		snprintf(body + o, sizeof(body) - o, "]}");
	r->body = body;
}

static struct uts_server srv;

static void sync_setup(void)
{
	char url[128];

	clean_env();
	cr_redirect_stdout();
	uts_start(&srv, jalapeno_handler, NULL);
	setenv("JALAPENO_API_ENDPOINT", uts_url(&srv, "/api/v1", url, sizeof(url)), 1);
	setenv("HOSTS", "host00,host01,host02,host03", 1);
	setenv("HOSTNAME", "host00", 1);
	setenv("DEST_FUNCTION", "e006", 1);
}

static void sync_teardown(void)
{
	uts_stop(&srv);
}

TestSuite(sync_run, .init = sync_setup, .fini = sync_teardown);

static int run(struct ctx *c, struct err *e, const char *args)
{
	char buf[512], *argv[32];
	int argc;

	snprintf(buf, sizeof(buf), "%s", args);
	argc = ut_words(buf, argv, 32);
	return cmd_sync(c, argc, argv, e);
}

static void read_stdout(char *buf, size_t len)
{
	FILE *f = cr_get_redirected_stdout();
	size_t n;

	fflush(stdout);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
}

static void sync_fails(const char *args, const char *what)
{
	struct ctx c = { .json = false };
	struct err e = { "" };
	char out[4096];

	cr_assert_eq(run(&c, &e, args), -1, "\"%s\" succeeded", args);
	cr_assert(strstr(e.msg, what), "\"%s\": message \"%s\" lacks \"%s\"", args, e.msg, what);
	cr_assert(ut_one_line(e.msg));
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, "", "nothing is printed when sync fails");
}

Test(sync_run, dry_run_prints_routes_in_the_route_grammar)
{
	struct ctx c = { .json = false };
	struct err e = { "" };
	char out[4096];

	/* Dual-stack peers: a line an address, the host's one path each. */
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run"), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out,
			 "2001:db8:1:1::2 dev eth0 segs fc00:0:2000:1001:2000:e001:e006:0 weight 1  # hosts/host01\n"
			 "198.51.100.6 dev eth0 segs fc00:0:2000:1001:2000:e001:e006:0 weight 1  # hosts/host01\n"
			 "2001:db8:1:2::2 dev eth0 segs fc00:0:2000:1002:2001:e002:e006:0 weight 1  # hosts/host02\n"
			 "198.51.100.10 dev eth0 segs fc00:0:2000:1002:2001:e002:e006:0 weight 1  # hosts/host02\n"
			 "2001:db8:1:3::2 dev eth0 segs fc00:0:2000:1003:2001:e003:e006:0 weight 1  # hosts/host03\n"
			 "198.51.100.14 dev eth0 segs fc00:0:2000:1003:2001:e003:e006:0 weight 1  # hosts/host03\n");
	for (int h = 1; h < 4; h++)
		cr_assert_eq(hits[h], 1, "one load call per peer, not per address");
	cr_assert_eq(hits[0], 0, "no call for the local host");
}

Test(sync_run, dry_run_json)
{
	struct ctx c = { .json = true };
	struct err e = { "" };
	char out[8192], url[256];
	cJSON *root, *peer, *path;

	setenv("RANK", "1", 1);
	unsetenv("HOSTNAME"); /* host + RANK as two digits: host01 */
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run --source jalapeno-best-paths --paths 2"), 0,
		     "%s", e.msg);
	read_stdout(out, sizeof(out));
	root = cJSON_Parse(out);
	cr_assert(root, "not JSON: %s", out);
	cr_assert_str_eq(cJSON_GetObjectItem(root, "dev")->valuestring, "eth0");
	cr_assert_str_eq(cJSON_GetObjectItem(root, "source")->valuestring, "jalapeno-best-paths");
	cr_assert_str_eq(cJSON_GetObjectItem(root, "local")->valuestring, "hosts/host01");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "peers")), 3);
	peer = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "peers"), 0);
	cr_assert_str_eq(cJSON_GetObjectItem(peer, "vertex")->valuestring, "hosts/host00");
	cr_assert_eq(cJSON_GetObjectItem(peer, "rank")->valueint, 0);
	cr_assert_str_eq(cJSON_GetObjectItem(peer, "peer")->valuestring, "2001:db8:1::2");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(peer, "addresses")), 2);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(peer, "addresses"), 0)->valuestring,
			 "2001:db8:1::2");
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(peer, "addresses"), 1)->valuestring,
			 "198.51.100.2");
	uts_url(&srv, "/api/v1/graphs/network_topology/shortest_path/best-paths?source=hosts%2Fhost01&destination=hosts%2Fhost00&direction=outbound&limit=2",
		url, sizeof(url));
	cr_assert_str_eq(cJSON_GetObjectItem(peer, "url")->valuestring, url);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(peer, "paths")), 2);
	path = cJSON_GetArrayItem(cJSON_GetObjectItem(peer, "paths"), 1);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(path, "segs"), 0)->valuestring,
			 "fc00:0:2000:1001:2000:e000:e006:0");
	cr_assert_eq(cJSON_GetObjectItem(path, "weight")->valueint, 1);
	cJSON_Delete(root);
}

Test(sync_run, concurrency_one_asks_in_rank_order_like_the_plugin)
{
	struct ctx c = { 0 };
	struct err e = { "" };

	setenv("HOSTS", "host00,host05,host03,host09,host01,host07", 1);
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run --concurrency 1"), 0, "%s", e.msg);
	cr_assert_eq(norder, 5);
	cr_assert_eq(order[0], 5);
	cr_assert_eq(order[1], 3);
	cr_assert_eq(order[2], 9);
	cr_assert_eq(order[3], 1);
	cr_assert_eq(order[4], 7);
}

Test(sync_run, both_families_whatever_master_addr_unless_one_is_asked_for)
{
	struct ctx c = { 0 };
	struct err e = { "" };
	char out[4096];
	const char *both =
		"2001:db8:1:1::2 dev eth0 segs fc00:0:2000:1001:2000:e001:e006:0 weight 1  # hosts/host01\n"
		"198.51.100.6 dev eth0 segs fc00:0:2000:1001:2000:e001:e006:0 weight 1  # hosts/host01\n";

	setenv("HOSTS", "host00,host01", 1);
	setenv("MASTER_ADDR", "198.51.100.2", 1);
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run"), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, both);
	setenv("MASTER_ADDR", "2001:db8:1::2", 1);
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run"), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, both);
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run --family 4"), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, "198.51.100.6 dev eth0 segs fc00:0:2000:1001:2000:e001:e006:0 weight 1  # hosts/host01\n");
	setenv("SRV6_BPF_FAMILY", "6", 1);
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run"), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, "2001:db8:1:1::2 dev eth0 segs fc00:0:2000:1001:2000:e001:e006:0 weight 1  # hosts/host01\n");
}

Test(sync_run, a_hosts_file_address_wins)
{
	struct ctx c = { 0 };
	struct err e = { "" };
	char out[4096], file[] = "/tmp/sync-hosts.XXXXXX", args[128];
	int fd = mkstemp(file);

	cr_assert(fd >= 0);
	cr_assert(write(fd, "host00 0\n# comment\nhost03 1 2001:db8:99::3\n", 43) == 43);
	close(fd);
	/* Family by family: the file's IPv6 address, the API's IPv4 one. */
	snprintf(args, sizeof(args), "dev eth0 --dry-run --hosts-file %s", file);
	cr_assert_eq(run(&c, &e, args), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, "2001:db8:99::3 dev eth0 segs fc00:0:2000:1003:2001:e003:e006:0 weight 1  # hosts/host03\n"
			      "198.51.100.14 dev eth0 segs fc00:0:2000:1003:2001:e003:e006:0 weight 1  # hosts/host03\n");
	snprintf(args, sizeof(args), "dev eth0 --dry-run --hosts-file %s --family 6", file);
	cr_assert_eq(run(&c, &e, args), 0, "%s", e.msg);
	unlink(file);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, "2001:db8:99::3 dev eth0 segs fc00:0:2000:1003:2001:e003:e006:0 weight 1  # hosts/host03\n");
}

Test(sync_run, the_header_reaches_the_server)
{
	struct ctx c = { 0 };
	struct err e = { "" };

	need_header = "\r\nAuthorization: Bearer s3cret";
	sync_fails("dev eth0 --dry-run", "HTTP 401: Not authenticated");
	setenv("JALAPENO_API_HEADER", "Authorization: Bearer s3cret", 1);
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run"), 0, "%s", e.msg);
}

Test(sync_run, one_broken_peer_fails_everything_and_names_it)
{
	char want[512];

	broken = 2;
	snprintf(want, sizeof(want),
		 "sync: peer hosts/host02: GET http://127.0.0.1:%d/api/v1/graphs/network_topology/shortest_path/load?source=hosts%%2Fhost00&destination=hosts%%2Fhost02&direction=outbound: HTTP 500 with an empty detail",
		 srv.port);
	sync_fails("dev eth0 --dry-run --concurrency 1", want);
	cr_assert_eq(hits[3], 0, "with one request at a time, nothing is asked after a failure");
}

Test(sync_run, a_load_call_is_not_repeated_after_a_5xx)
{
	flaky = 3;
	sync_fails("dev eth0 --dry-run", "peer hosts/host03: GET ");
	cr_assert_eq(hits[3], 1, "shortest_path/load changes server state: no retry");
}

Test(sync_run, a_best_paths_call_is_retried_after_a_5xx)
{
	struct ctx c = { 0 };
	struct err e = { "" };

	flaky = 3;
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run --source jalapeno-best-paths"), 0, "%s", e.msg);
	cr_assert_eq(hits[3], 2);
}

Test(sync_run, an_unknown_collection)
{
	sync_fails("dev eth0 --dry-run --collection fabric_graph", "HTTP 404");
}

Test(sync_run, the_server_is_down)
{
	char endpoint[64];

	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d/api/v1", uts_closed_port());
	setenv("JALAPENO_API_ENDPOINT", endpoint, 1);
	sync_fails("dev eth0 --dry-run --retries 1", "onnect");
	sync_fails("dev eth0 --dry-run --retries 1", "(2 attempts)");
}

Test(sync_run, a_peer_without_address)
{
	no_address = 2;
	sync_fails("dev eth0 --dry-run", "peer hosts/host02: no IPv6 or IPv4 address: the API's destination_info has no ipv6_address or ipv4_address and the hosts file gives none");
	sync_fails("dev eth0 --dry-run --family 4", "peer hosts/host02: no IPv4 address: the API's destination_info has no ipv4_address and the hosts file gives none");
}

Test(sync_run, two_peers_with_one_address)
{
	same_address = 3;
	sync_fails("dev eth0 --dry-run --family 6", "peers hosts/host01 and hosts/host03 have the same address 2001:db8:1:1::2");
	/* Both families: the IPv6 key sorts first among the duplicates. */
	sync_fails("dev eth0 --dry-run", "peers hosts/host01 and hosts/host03 have the same address ");
}

Test(sync_run, membership_errors)
{
	setenv("HOSTNAME", "host07", 1);
	sync_fails("dev eth0 --dry-run", "the local host host07 is not one of the job's hosts (HOSTS)");
	unsetenv("HOSTS");
	sync_fails("dev eth0 --dry-run", "no job members: set HOSTS");
	setenv("HOSTS", "host00,host00", 1);
	sync_fails("dev eth0 --dry-run", "host00 given twice");
}

Test(sync_run, a_job_of_one_has_no_peers)
{
	struct ctx c = { 0 };
	struct err e = { "" };
	char out[64];

	setenv("HOSTS", "host00", 1);
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run"), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, "");
}

#define FIXTURE "tests/jalapeno/fixtures/leafspine-4x4.json"

Test(sync_run, the_topology_source_plans_the_local_share)
{
	struct ctx c = { 0 };
	struct err e = { "" };
	char out[4096];

	/* A ring of host00..host03: host00 sends to host01 only, on its leaf. */
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run --topology-file " FIXTURE " --pattern ring"),
		     0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert_str_eq(out, "2001:db8:1:1::2 dev eth0 segs fc00:0:2000:e001:e006:: weight 1  # hosts/host01\n"
			      "198.51.100.6 dev eth0 segs fc00:0:2000:e001:e006:: weight 1  # hosts/host01\n");
	/* All-to-all: every peer, cross-leaf ones over a spine (fc00:0:100x). */
	cr_assert_eq(run(&c, &e, "dev eth0 --dry-run --topology-file " FIXTURE), 0, "%s", e.msg);
	read_stdout(out, sizeof(out));
	cr_assert(strstr(out, "# hosts/host01\n") && strstr(out, "# hosts/host02\n") &&
			  strstr(out, "# hosts/host03\n"),
		  "%s", out);
	cr_assert(strstr(out, "segs fc00:0:2000:100"), "a spine uSID after leaf00's: %s", out);
}

Test(sync_run, the_topology_source_errors)
{
	sync_fails("dev eth0 --dry-run --topology-file /nonexistent.json", "/nonexistent.json");
	sync_fails("dev eth0 --dry-run --topology-file " FIXTURE " --pattern star",
		   "--pattern: invalid value \"star\": give all-to-all or ring");
	sync_fails("dev eth0 --dry-run --topology-file " FIXTURE " --pattern ring --pairs x",
		   "--pattern or --pairs");
	sync_fails("dev eth0 --dry-run --source jalapeno-load --pattern ring", "with --source topology");
}

/* --- sync_http_get: one checked document for sources such as the topology --------------- */

static void doc_handler(const char *target, const char *headers, unsigned int n, void *arg,
			struct uts_reply *r)
{
	(void)headers;
	(void)arg;
	if (!strcmp(target, "/topology")) {
		r->body = "{\"edges\":[],\"vertices\":{\"hosts/h\\u00e9\":{}}}";
	} else if (!strcmp(target, "/flaky")) {
		r->status = n == 1 ? 502 : 200;
		r->body = n == 1 ? "Bad Gateway" : "{\"edges\":[]}";
	} else if (!strcmp(target, "/binary")) {
		r->body = "{\"x\":\"\xff\"}";
	} else {
		r->status = 500;
		r->body = "{\"detail\":\"\"}";
	}
}

static struct uts_server doc_srv;

static void doc_setup(void)
{
	uts_start(&doc_srv, doc_handler, NULL);
}

static void doc_teardown(void)
{
	uts_stop(&doc_srv);
}

TestSuite(sync_get, .init = doc_setup, .fini = doc_teardown);

static struct sync_opts get_opts(void)
{
	return (struct sync_opts){ .timeout_ms = 5000, .connect_timeout_ms = 5000, .retries = 2 };
}

Test(sync_get, a_document)
{
	struct sync_opts o = get_opts();
	struct err e = { "" };
	char url[128], *body;
	size_t len;

	cr_assert_eq(sync_http_get(&o, uts_url(&doc_srv, "/topology", url, sizeof(url)), 1 << 20,
				   &body, &len, &e), 0, "%s", e.msg);
	cr_assert_str_eq(body, "{\"edges\":[],\"vertices\":{\"hosts/h\\u00e9\":{}}}");
	cr_assert_eq(len, strlen(body));
	free(body);
}

Test(sync_get, retried_after_a_5xx)
{
	struct sync_opts o = get_opts();
	struct err e = { "" };
	char url[128], *body;
	size_t len;

	cr_assert_eq(sync_http_get(&o, uts_url(&doc_srv, "/flaky", url, sizeof(url)), 1 << 20, &body,
				   &len, &e), 0, "%s", e.msg);
	cr_assert_str_eq(body, "{\"edges\":[]}");
	cr_assert_eq(uts_count(&doc_srv, "/flaky"), 2);
	free(body);
}

Test(sync_get, failures_name_the_url)
{
	struct sync_opts o = get_opts();
	struct err e = { "" };
	char url[128], want[256], *body = (char *)1;
	size_t len;

	o.retries = 0;
	uts_url(&doc_srv, "/nope", url, sizeof(url));
	cr_assert_eq(sync_http_get(&o, url, 1 << 20, &body, &len, &e), -1);
	snprintf(want, sizeof(want), "GET %s: HTTP 500 with an empty detail", url);
	cr_assert(strstr(e.msg, want), "%s", e.msg);
	cr_assert_null(body);
	uts_url(&doc_srv, "/binary", url, sizeof(url));
	cr_assert_eq(sync_http_get(&o, url, 1 << 20, &body, &len, &e), -1);
	cr_assert(strstr(e.msg, "answer is not valid UTF-8"), "%s", e.msg);
	uts_url(&doc_srv, "/topology", url, sizeof(url));
	cr_assert_eq(sync_http_get(&o, url, 8, &body, &len, &e), -1);
	cr_assert(strstr(e.msg, "answer larger than 8 bytes"), "%s", e.msg);
}
