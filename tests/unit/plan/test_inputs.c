// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The planner's inputs and outputs around the algorithm: pairs files, job
 * members, route requests for sync, and the `plan` command's arguments. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/addr.h"
#include "platform/ctx.h"
#include "cli/commands.h"
#include "test_fabric.h"
#include "unit_helpers.h"

static char *temp_file(const char *content)
{
	char *path = strdup("/tmp/srv6-plan-XXXXXX");
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

static void members(const char *list, struct membership *m)
{
	struct err e = { "" };

	cr_assert_eq(membership_from_list(list, m, &e), 0, "%s", e.msg);
}

/* --- pairs files --------------------------------------------------------------- */

Test(plan_pairs, lines_comments_and_demands)
{
	struct membership m;
	struct plan_pairs p;
	struct err e = { "" };
	char *path = temp_file("# flows\nb a 5\n\na c   # trailing comment\n\tc b 1\n");

	members("a,b,c", &m);
	cr_assert_eq(plan_pairs_load(path, &m, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(p.n, 3);
	cr_assert(p.v[0].src == 1 && p.v[0].dst == 0 && p.v[0].demand == 5);
	cr_assert(p.v[1].src == 0 && p.v[1].dst == 2 && p.v[1].demand == 1);
	cr_assert(p.v[2].src == 2 && p.v[2].dst == 1 && p.v[2].demand == 1);
	plan_pairs_free(&p);
	unlink(path);
	free(path);
	membership_free(&m);
}

static void pairs_bad(const char *content, const char *want_after_path)
{
	struct membership m;
	struct plan_pairs p = { (struct plan_pair *)0x1, 3 };
	struct err e = { "" };
	char *path = temp_file(content), want[512];

	members("a,b,c", &m);
	cr_assert_eq(plan_pairs_load(path, &m, &p, &e), -1, "accepted: %s", content);
	snprintf(want, sizeof(want), "%s:%s", path, want_after_path);
	cr_assert_str_eq(e.msg, want);
	cr_assert_null(p.v);
	cr_assert_eq(p.n, 0);
	unlink(path);
	free(path);
	membership_free(&m);
}

Test(plan_pairs, errors_name_file_and_line)
{
	pairs_bad("a b\nzz a\n",
		  "2: unknown host \"zz\": not in the job's hosts (HOSTS or --hosts-file)");
	pairs_bad("a qq\n", "1: unknown host \"qq\": not in the job's hosts (HOSTS or --hosts-file)");
	pairs_bad("a a\n", "1: flow from a to itself");
	pairs_bad("a\n", "1: expected \"SRC DST [DEMAND]\"");
	pairs_bad("a b 1 2\n", "1: expected \"SRC DST [DEMAND]\"");
	pairs_bad("a b 0\n", "1: invalid demand \"0\": give an integer from 1 to 1000000");
	pairs_bad("a b x\n", "1: invalid demand \"x\": give an integer from 1 to 1000000");
}

Test(plan_pairs, missing_file)
{
	struct membership m;
	struct plan_pairs p;
	struct err e = { "" };

	members("a,b", &m);
	cr_assert_eq(plan_pairs_load("/nonexistent/pairs", &m, &p, &e), -1);
	cr_assert_str_eq(e.msg, "cannot read pairs file /nonexistent/pairs: No such file or directory");
	membership_free(&m);
}

/* --- plan_compute's own checks ------------------------------------------------------ */

Test(plan_inputs, member_missing_from_the_topology)
{
	struct fab f = { .leaves = 2, .spines = 2 };
	struct topology t;
	struct membership m;
	struct plan_opts o;
	struct plan *p = (struct plan *)0x1;
	struct err e = { "" };

	fab_topology(&f, &t, NULL);
	members("host0000,host0001,gpu7", &m);
	plan_opts_init(&o);
	cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), -1);
	cr_assert_null(p);
	cr_assert_str_eq(e.msg, "host gpu7 is not in the topology (no vertex hosts/gpu7)");
	o.paths = 9;
	cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), -1);
	cr_assert_str_eq(e.msg, "paths per flow must be 1 to 8, not 9");
	o.paths = 1;
	o.pattern = PLAN_PAIRS;
	cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), -1);
	cr_assert_str_eq(e.msg, "the pairs pattern needs a pairs file");
	membership_free(&m);
	topology_free(&t);
}

Test(plan_inputs, one_host_has_no_flows)
{
	struct fab f = { .leaves = 2, .spines = 2 };
	struct topology t;
	struct membership m;
	struct plan_opts o;
	struct plan *p;
	struct err e = { "" };

	fab_topology(&f, &t, NULL);
	members("host0003", &m);
	plan_opts_init(&o);
	cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(plan_get_summary(p)->flows, 0);
	cr_assert_eq(plan_get_summary(p)->method, PLAN_METHOD_NONE);
	plan_free(p);
	membership_free(&m);
	topology_free(&t);
}

/* --- route requests for sync ----------------------------------------------------------- */

static void assert_key(const struct srv6_peer_key *k, const char *text)
{
	struct srv6_peer_key want;
	int fam;
	struct err e = { "" };

	cr_assert_eq(addr_parse_peer(text, &want, &fam, &e), 0, "%s", e.msg);
	ut_assert_bytes_eq(k, &want, sizeof(want), text);
}

static void assert_seg(const __u8 *seg, const char *text)
{
	__u8 want[SRV6_ADDR_LEN];

	ut_in6(text, want);
	ut_assert_bytes_eq(seg, want, SRV6_ADDR_LEN, text);
}

Test(plan_routes, local_flows_as_paths_per_destination)
{
	struct fab f = { .leaves = 2, .spines = 2 };
	struct topology t;
	struct membership m;
	struct plan_opts o;
	struct plan *p;
	struct plan_peer_paths *r;
	size_t n;
	struct err e = { "" };

	fab_topology(&f, &t, NULL);
	members("host0000,host0001,host0002,host0003", &m);
	plan_opts_init(&o);
	o.pattern = PLAN_RING;
	o.paths = 2;
	o.has_function = true;
	o.function = 0xfe06;
	cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), 0, "%s", e.msg);
	/* host0001 (leaf00) sends to host0002 (leaf01), split over both spines. */
	cr_assert_eq(plan_local_paths(p, "host0001", &r, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(r[0].vertex, "hosts/host0002");
	cr_assert_str_eq(r[0].member->name, "host0002");
	/* A dual-stack destination is one flow: both its addresses share the paths. */
	cr_assert(r[0].addrs.has[ADDR_IPV6] && r[0].addrs.has[ADDR_IPV4]);
	assert_key(&r[0].addrs.key[ADDR_IPV6], "2001:db8:1:2::2");
	cr_assert_eq(r[0].path_count, 2);
	for (int i = 0; i < 2; i++) {
		char want[64];

		snprintf(want, sizeof(want), "fc00:0:2000:%x:2001:e002:fe06::", 0x1000 + i);
		cr_assert_eq(r[0].paths[i].seg_count, 1);
		cr_assert_eq(r[0].paths[i].weight, 1);
		assert_seg(r[0].paths[i].segs[0], want);
	}
	free(r);
	/* IPv4 keys from ipv4_address. */
	cr_assert_eq(plan_local_paths(p, "host0003", &r, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 1);
	assert_key(&r[0].addrs.key[ADDR_IPV4], "198.51.100.1");
	free(r);
	cr_assert_eq(plan_local_paths(p, "host0009", &r, &n, &e), -1);
	cr_assert_str_eq(e.msg, "local host host0009 is not in the job's hosts");
	plan_free(p);
	membership_free(&m);
	topology_free(&t);
}

Test(plan_routes, hosts_file_address_wins_family_by_family)
{
	struct fab f = { .leaves = 2, .spines = 2 };
	struct topology t;
	struct membership m;
	struct plan_opts o;
	struct plan *p;
	struct plan_peer_paths *r;
	size_t n;
	struct err e = { "" };
	char *path = temp_file("host0000 0\nhost0001 1 2001:db8:ff::1\n");
	cJSON *root;
	char *json = fab_json(&f, NULL), *text;

	/* Drop host0000's addresses from the topology. */
	root = cJSON_Parse(json);
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "vertices"),
						       "hosts/host0000"), "ipv6_address");
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "vertices"),
						       "hosts/host0000"), "ipv4_address");
	text = cJSON_PrintUnformatted(root);
	cr_assert_eq(topology_parse(text, strlen(text), 0, &t, &e), 0, "%s", e.msg);
	cr_assert_eq(membership_from_file(path, &m, &e), 0, "%s", e.msg);
	plan_opts_init(&o);
	cr_assert_eq(plan_compute(&t, &m, &o, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(plan_local_paths(p, "host0000", &r, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 1);
	/* host0001: IPv6 from the hosts file, IPv4 (which the file does not give) from the topology. */
	assert_key(&r[0].addrs.key[ADDR_IPV6], "2001:db8:ff::1");
	assert_key(&r[0].addrs.key[ADDR_IPV4], "198.51.100.2");
	free(r);
	/* host0000 has no address anywhere: planned all the same, the caller decides. */
	cr_assert_eq(plan_local_paths(p, "host0001", &r, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 1);
	cr_assert_eq(host_addrs_count(&r[0].addrs), 0);
	cr_assert_gt(r[0].path_count, 0);
	free(r);
	plan_free(p);
	membership_free(&m);
	topology_free(&t);
	cJSON_Delete(root);
	free(json);
	free(text);
	unlink(path);
	free(path);
}

/* --- the command --------------------------------------------------------------------- */

static void cmd_bad(const char *const *args, const char *want)
{
	struct ctx c = { 0 };
	struct err e = { "" };
	char *argv[16];
	int argc = 0;

	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	cr_assert_eq(cmd_plan(&c, argc, argv, &e), -1, "accepted");
	cr_assert_str_eq(e.msg, want);
	cr_assert(ut_one_line(e.msg));
}

Test(cmd_plan, argument_errors)
{
	unsetenv("HOSTS");
	unsetenv("DEST_FUNCTION");
	cmd_bad((const char *[]){ NULL }, "plan: give --topology-file FILE (the Jalapeño topology JSON)");
	cmd_bad((const char *[]){ "--frobnicate", NULL },
		"plan: unknown argument \"--frobnicate\" (see: srv6-bpf plan --help)");
	cmd_bad((const char *[]){ "--topology-file", NULL }, "plan: --topology-file: missing FILE");
	cmd_bad((const char *[]){ "--topology-file", "t", "--pattern", "ring", "--pairs", "p", NULL },
		"plan: give --pattern or --pairs, not both");
	cmd_bad((const char *[]){ "--topology-file", "t", "--pattern", "star", NULL },
		"plan: --pattern: invalid value \"star\": give all-to-all or ring");
	cmd_bad((const char *[]){ "--topology-file", "t", "--paths", "9", NULL },
		"plan: --paths: invalid value \"9\": give 1-8");
	cmd_bad((const char *[]){ "--topology-file", "t", "--dest-function", "fe0g", NULL },
		"plan: --dest-function: invalid value \"fe0g\": give a 16-bit uSID in hex, e.g. fe06");
	cmd_bad((const char *[]){ "--topology-file", "t", "--algo", "-1", NULL },
		"plan: --algo: invalid value \"-1\": give 0-255");
	cmd_bad((const char *[]){ "--topology-file", "t", NULL },
		"plan: give the job's hosts: --hosts-file FILE or HOSTS=host00,host01,...");
	setenv("HOSTS", "a,b", 1);
	cmd_bad((const char *[]){ "--topology-file", "t", "--local", "c", NULL },
		"plan: --local c is not one of the job's hosts");
	cmd_bad((const char *[]){ "--topology-file", "/nonexistent/t.json", NULL },
		"cannot read topology /nonexistent/t.json: No such file or directory");
	setenv("DEST_FUNCTION", "12345", 1);
	cmd_bad((const char *[]){ "--topology-file", "t", NULL },
		"plan: DEST_FUNCTION: invalid value \"12345\": give a 16-bit uSID in hex, e.g. fe06");
}

static void redirect_both(void)
{
	cr_redirect_stdout();
	cr_redirect_stderr();
}

Test(cmd_plan, prints_the_library_plan, .init = redirect_both)
{
	struct fab f = { .leaves = 2, .spines = 2 };
	char *json = fab_json(&f, NULL), *path = temp_file(json), *want;
	struct topology t;
	struct membership m;
	struct plan_opts o;
	struct ctx c = { .json = true };
	struct err e = { "" };
	char *argv[] = { "--topology-file", path, "--pattern", "ring", "--dest-function", "fe06",
			 "--timing" };
	char line[256] = "";

	setenv("HOSTS", "host0000,host0001,host0002,host0003", 1);
	unsetenv("DEST_FUNCTION");
	fab_topology(&f, &t, NULL);
	members("host0000,host0001,host0002,host0003", &m);
	plan_opts_init(&o);
	o.pattern = PLAN_RING;
	o.has_function = true;
	o.function = 0xfe06;
	want = fab_plan_json(&t, &m, &o);
	cr_assert_eq(cmd_plan(&c, 7, argv, &e), 0, "%s", e.msg);
	fflush(stdout);
	fflush(stderr);
	cr_assert_stdout_eq_str(want);
	/* --timing: one line on stderr, the plan itself unchanged. */
	cr_assert_not_null(fgets(line, sizeof(line), cr_get_redirected_stderr()));
	cr_assert(!strncmp(line, "timing: topology ", 17), "%s", line);
	cr_assert(strstr(line, " ms, plan ") && strstr(line, " ms, baselines ") &&
		  strstr(line, " ms, output "), "%s", line);
	unlink(path);
	free(path);
	free(json);
	free(want);
	membership_free(&m);
	topology_free(&t);
}
