// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * prog-run: ns per packet of the srv6_encap TC program through BPF_PROG_TEST_RUN.
 *
 * Cases: IPv6 inner with one SID, IPv4 inner with one SID, IPv6 inner with three
 * SIDs (SRH), and a peer miss (pass); with 1 peer in the map, with a full map
 * (65,536 peers) and one destination, and with a full map and packets spread
 * over many destinations.
 *
 * BPF_PROG_TEST_RUN's `repeat` runs the program again and again on the same
 * skb: from the second run on, srv6_encap sees its own output and passes it as
 * already encapsulated (the JSON's plain_repeat_reruns_own_output shows it), and
 * the kernel refuses a second encapsulation of one skb (-EALREADY), so no
 * in-kernel loop can time encapsulation. Hence every packet is one call with
 * repeat 1 (a "single shot"): the kernel times that one run, including two clock
 * reads; an empty TC program timed the same way, interleaved trial by trial, is
 * the baseline, and the figure is the difference. It is the cost of a packet
 * that meets caches the syscall path has just stirred: pessimistic next to a
 * hot loop. For the miss case, which `repeat` can time, the hot loop (net of an
 * empty program's loop) is reported next to it.
 *
 * Every output packet is compared byte for byte with the expected one and the
 * program's own counters must add up, or the benchmark fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <cjson/cJSON.h>
#include <linux/pkt_cls.h>
#include "../lib/driver.h"
#include "util/array.h"
#include "srv6_encap.skel.h"
#include "srv6_maps.h"

#define OUTER_SRC "2001:db8:1::1"
#define OUTER_HOP_LIMIT 60 /* not the default: proves the program reads its config */
#define SPREAD_MAX 512     /* destinations per case; IPv4 ones come from two /24s */

/* The common options (driver.h) and prog-run's own. */
struct opts {
	struct bench_opts b;
	unsigned int peers_max;
};

enum { CASE_V6_1SID, CASE_V4_1SID, CASE_V6_3SID, CASE_MISS, NCASES };

static const struct bench_case {
	const char *id;
	const char *title;
	bool ipv4;
	unsigned int nsegs; /* 0: the destination is not in the map */
	const char *segs[SRV6_MAX_SEGS];
} cases[NCASES] = {
	[CASE_V6_1SID] = { "ipv6_1sid", "IPv6 inner, 1 SID", false, 1, { "fc00:0:100:2:e006::" } },
	[CASE_V4_1SID] = { "ipv4_1sid", "IPv4 inner, 1 SID", true, 1, { "fc00:0:100:2:e004::" } },
	[CASE_V6_3SID] = { "ipv6_3sid", "IPv6 inner, 3 SIDs (SRH)", false, 3,
			   { "fc00:0:100::", "fc00:0:200::", "fc00:0:2:e006::" } },
	[CASE_MISS] = { "miss", "peer miss (pass)", false, 0, { NULL } },
};

/* Everything one case needs: its packets and what must come back. */
struct workload {
	const struct bench_case *bc;
	unsigned int n;
	struct pkt *in, *want;
	struct srv6_peer_entry *peers; /* the entries this case's packets hit */
};

/* Map contents and traffic: peers 0 and dests 0 stand for --peers-max and --spread. */
static const struct config {
	unsigned int peers, dests;
} configs[] = { { 1, 1 }, { 0, 1 }, { 0, 0 } };

/* Destination i of a case: 2001:db8:2::<case>:<i>, IPv4 198.51.100.i then 203.0.113.i. */
static void case_flow(const struct bench_case *bc, unsigned int i, struct pkt_flow *f)
{
	pkt_flow_init(f, bc->ipv4, i);
	if (bc->ipv4)
		return;
	in6(OUTER_SRC, f->saddr);
	in6(bc->nsegs ? "2001:db8:2::" : "2001:db8:3::", f->daddr);
	f->daddr[13] = (__u8)(bc - cases);
	f->daddr[14] = (__u8)(i >> 8);
	f->daddr[15] = (__u8)i;
}

static void workload_build(const struct bench_case *bc, unsigned int n, unsigned int payload,
			   struct workload *w)
{
	__u8 src[SRV6_ADDR_LEN];
	struct srv6_path path;

	in6(OUTER_SRC, src);
	pkt_path(&path, bc->segs, bc->nsegs);
	w->bc = bc;
	w->n = n;
	w->in = xcalloc(n, sizeof(*w->in));
	w->want = xcalloc(n, sizeof(*w->want));
	w->peers = xcalloc(n, sizeof(*w->peers));
	for (unsigned int i = 0; i < n; i++) {
		struct pkt_flow f;

		case_flow(bc, i, &f);
		if (pkt_build(&f, payload, &w->in[i]))
			die("payload of %u bytes does not fit a %d-byte test packet", payload, PKT_MAX);
		pkt_peer_key(&f, &w->peers[i].key);
		w->peers[i].value.path_count = 1;
		w->peers[i].value.paths[0] = path;
		if (bc->nsegs)
			pkt_expect_encap(&f, &w->in[i], &path, src, OUTER_HOP_LIMIT, &w->want[i]);
		else
			w->want[i] = w->in[i];
	}
}

static void workload_free(struct workload *w)
{
	free(w->in);
	free(w->want);
	free(w->peers);
}

/* A fresh datapath: no pins, nothing attached; its maps in dp->maps. */
struct datapath {
	struct srv6_encap *skel;
	struct srv6_maps maps;
	int prog_fd;
};

static void datapath_load(struct datapath *dp, unsigned int peers_max)
{
	struct srv6_config cfg = { .hop_limit = OUTER_HOP_LIMIT, .ifindex = 1,
				   .peers_max = peers_max };
	int rc;

	dp->skel = srv6_encap__open();
	if (!dp->skel)
		die("cannot open the BPF object: %s", strerror(errno));
	bench_unpin_maps(dp->skel->obj);
	bpf_map__set_max_entries(dp->skel->maps.srv6_peers, peers_max);
	bpf_map__set_max_entries(dp->skel->maps.srv6_path_ctrs, peers_max * SRV6_MAX_PATHS);
	bench_loaded(srv6_encap__load(dp->skel));
	dp->prog_fd = bpf_program__fd(dp->skel->progs.srv6_encap);
	/* Every fd this benchmark does not open (e.g. the decap maps) reads as -1. */
	memset(&dp->maps, 0xff, sizeof(dp->maps));
	dp->maps.peers_fd = bpf_map__fd(dp->skel->maps.srv6_peers);
	dp->maps.path_ctrs_fd = bpf_map__fd(dp->skel->maps.srv6_path_ctrs);
	dp->maps.encap_ctrs_fd = bpf_map__fd(dp->skel->maps.srv6_encap_ctrs);
	dp->maps.config_fd = bpf_map__fd(dp->skel->maps.srv6_config);
	dp->maps.peers_max = peers_max;
	dp->maps.path_ctrs_max = peers_max * SRV6_MAX_PATHS;
	in6(OUTER_SRC, cfg.src);
	rc = srv6_config_write(&dp->maps, &cfg);
	if (rc)
		die("cannot write srv6_config: %s", strerror(-rc));
}

/* Peers of every case (its `spread` destinations) plus one-SID fillers up to
 * peers_max: the same full map whichever case runs. */
static void datapath_fill_full(struct datapath *dp, unsigned int spread, unsigned int payload)
{
	struct srv6_peer_entry *all = xcalloc(dp->maps.peers_max, sizeof(*all));
	unsigned int n = 0, filler = 0;
	int rc;

	for (unsigned int c = 0; c < NCASES; c++) {
		struct workload w;

		if (!cases[c].nsegs)
			continue;
		workload_build(&cases[c], spread, payload, &w);
		for (unsigned int i = 0; i < spread && n < dp->maps.peers_max; i++)
			all[n++] = w.peers[i];
		workload_free(&w);
	}
	while (n < dp->maps.peers_max) {
		struct srv6_peer_entry *e = &all[n++];

		in6("2001:db8:ffff::", e->key.addr);
		e->key.addr[12] = (__u8)(filler >> 24);
		e->key.addr[13] = (__u8)(filler >> 16);
		e->key.addr[14] = (__u8)(filler >> 8);
		e->key.addr[15] = (__u8)filler;
		e->value.path_count = 1;
		e->value.paths[0].seg_count = 1;
		e->value.paths[0].weight = 1;
		in6("fc00:0:300:0:e006::", e->value.paths[0].segs[0]);
		e->value.paths[0].segs[0][6] = (__u8)(filler >> 8);
		e->value.paths[0].segs[0][7] = (__u8)filler;
		filler++;
	}
	for (unsigned int i = 0; i < n; i++)
		all[i].value.counters_base = i * SRV6_MAX_PATHS;
	rc = srv6_peers_update(&dp->maps, all, n);
	if (rc)
		die("cannot fill srv6_peers with %u peers: %s", n, strerror(-rc));
	free(all);
}

static void datapath_free(struct datapath *dp)
{
	srv6_encap__destroy(dp->skel);
}

static void counters(const struct datapath *dp, struct srv6_encap_counters *c)
{
	int rc = srv6_encap_ctrs_read(&dp->maps, c);

	if (rc)
		die("cannot read srv6_encap_ctrs: %s", strerror(-rc));
}

/* Why a run dropped its packet, from srv6_encap's own counters when it ran. */
static const char *drop_reason(const struct datapath *dp, char *buf, size_t len)
{
	struct srv6_encap_counters c;

	if (!dp)
		return "the empty baseline program did not pass it";
	counters(dp, &c);
	snprintf(buf, len,
		 "srv6_encap counters so far: drop_no_room %llu, drop_too_big %llu, drop_bad_path %llu%s",
		 (unsigned long long)c.drop_no_room, (unsigned long long)c.drop_too_big,
		 (unsigned long long)c.drop_bad_path,
		 c.drop_too_big ? " (too big: the loopback MTU of this netns is too small; run in a fresh netns)" : "");
	return buf;
}

/* A case on a datapath (dp->prog_fd), for the driver's check. */
struct case_check {
	const struct workload *w;
	const struct datapath *dp;
};

/* srv6_encap must hand back the expected packet, the empty program its input. */
static void check_run(void *ctx, unsigned int i, const struct bench_run_out *out, bool prog,
		      unsigned int runs)
{
	const struct case_check *cc = ctx;
	const struct workload *w = cc->w;
	const char *name = prog ? "srv6_encap" : "the empty program";
	char why[256];

	(void)runs; /* the counters are checked once per case */
	if (out->retval != TC_ACT_OK)
		die("%s: %s returned %u, expected TC_ACT_OK (%d): %s", w->bc->id, name, out->retval,
		    TC_ACT_OK,
		    drop_reason(prog && out->retval == TC_ACT_SHOT ? cc->dp : NULL, why, sizeof(why)));
	bench_compare(w->bc->id, name, "packet", i, out, prog ? &w->want[i] : &w->in[i]);
}

/* The program's own account must match what it was given. */
static void counters_check(const struct workload *w, const struct srv6_encap_counters *before,
			   const struct srv6_encap_counters *after, unsigned long long runs)
{
	if (!w->bc->nsegs) {
		if (after->pass_no_peer - before->pass_no_peer != runs ||
		    after->encap_packets != before->encap_packets)
			die("%s: counters say %llu passed (no peer) and %llu encapsulated, expected %llu and 0",
			    w->bc->id, after->pass_no_peer - before->pass_no_peer,
			    after->encap_packets - before->encap_packets, runs);
	} else if (after->encap_packets - before->encap_packets != runs ||
		   after->pass_no_peer != before->pass_no_peer ||
		   after->pass_already_encapsulated != before->pass_already_encapsulated) {
		die("%s: counters say %llu encapsulated, %llu passed as already encapsulated, expected %llu and 0",
		    w->bc->id, after->encap_packets - before->encap_packets,
		    after->pass_already_encapsulated - before->pass_already_encapsulated, runs);
	}
}

static void run_case(const struct opts *o, const struct datapath *dp, int empty_fd,
		     const struct workload *w, struct bench_result *r)
{
	bool miss = w->bc->nsegs == 0;
	struct case_check cc = { w, dp };
	const struct bench_case_run c = {
		.id = w->bc->id, .n = w->n, .in = w->in, .prog_fd = dp->prog_fd,
		.empty_fd = empty_fd, .loop = miss, .check = check_run, .ctx = &cc,
	};
	struct srv6_encap_counters before, after;

	counters(dp, &before);
	bench_run_case(&o->b, &c, r);
	counters(dp, &after);
	counters_check(w, &before, &after,
		       (unsigned long long)o->b.trials * (o->b.shots + (miss ? o->b.repeat : 0)));
}

/* Shows why encapsulation cannot use `repeat`: runs 2..N see the program's own output. */
static cJSON *repeat_demo(unsigned int payload)
{
	struct srv6_encap_counters before, after;
	struct datapath dp;
	struct workload w;
	struct bench_run_out out;
	const unsigned int repeat = 100;
	cJSON *j = cJSON_CreateObject();

	datapath_load(&dp, 1);
	workload_build(&cases[CASE_V6_1SID], 1, payload, &w);
	if (srv6_peers_update(&dp.maps, w.peers, 1))
		die("cannot add a peer");
	counters(&dp, &before);
	bench_test_run(dp.prog_fd, "plain_repeat_reruns_own_output", &w.in[0], repeat, &out);
	counters(&dp, &after);
	cJSON_AddNumberToObject(j, "repeat", repeat);
	cJSON_AddNumberToObject(j, "encapsulated", (double)(after.encap_packets - before.encap_packets));
	cJSON_AddNumberToObject(j, "passed_already_encapsulated",
				(double)(after.pass_already_encapsulated -
					 before.pass_already_encapsulated));
	workload_free(&w);
	datapath_free(&dp);
	return j;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: prog-run [--trials N] [--shots N] [--repeat N] [--payload BYTES]\n"
		"                [--spread N] [--peers-max N] [--cpu N] [--json FILE]\n"
		"ns per packet of the srv6_encap TC program via BPF_PROG_TEST_RUN, with 1 peer\n"
		"and with a full peers map (--peers-max, default %u). Needs root. Run it in a\n"
		"fresh network namespace: the test skb's device is that namespace's loopback.\n",
		SRV6_PEERS_MAX_DEFAULT);
}

static void own_opt(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c == 'm')
		o->peers_max = opt_uint("--peers-max", arg, 1, 1u << 22);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option own[] = {
		{ "peers-max", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const struct bench_cli cli = {
		.name = "prog-run", .spread_default = SPREAD_MAX, .spread_min = 1,
		.spread_max = SPREAD_MAX, .own = own, .own_opt = own_opt, .usage = usage, .ctx = o,
	};

	o->peers_max = SRV6_PEERS_MAX_DEFAULT;
	bench_start(argc, argv, &cli, &o->b);
	if (o->peers_max < (NCASES - 1) * o->b.spread)
		die("--peers-max %u cannot hold %u destinations for each of %d cases", o->peers_max,
		    o->b.spread, NCASES - 1);
}

static cJSON *result_json(const struct bench_case *bc, unsigned int peers, unsigned int dests,
			  const struct bench_result *r)
{
	cJSON *j = bench_result_json(bc->id, bc->title);

	cJSON_AddNumberToObject(j, "peers", peers);
	cJSON_AddNumberToObject(j, "destinations", dests);
	cJSON_AddBoolToObject(j, "encapsulates", bc->nsegs > 0);
	cJSON_AddNumberToObject(j, "sids", bc->nsegs);
	bench_result_measures(j, r, bc->nsegs == 0);
	return j;
}

static cJSON *target_json(double worst)
{
	cJSON *t = cJSON_CreateObject();

	cJSON_AddStringToObject(t, "metric", "ns per encapsulated packet, worst case (single shot)");
	cJSON_AddNumberToObject(t, "value", worst);
	cJSON_AddStringToObject(t, "unit", "ns");
	cJSON_AddStringToObject(t, "target", "<= 50");
	cJSON_AddBoolToObject(t, "met", worst <= 50);
	return t;
}

/* A datapath holding the config's peers: this case's own, or for a miss somebody else's. */
static void datapath_for(const struct opts *o, const struct config *cf, const struct workload *w,
			 struct datapath *dp)
{
	struct workload other;

	datapath_load(dp, o->peers_max);
	if (cf->peers != 1) {
		datapath_fill_full(dp, o->b.spread, o->b.payload);
		return;
	}
	workload_build(&cases[CASE_V6_1SID], 1, o->b.payload, &other);
	if (srv6_peers_update(&dp->maps, w->bc->nsegs ? w->peers : other.peers, 1))
		die("cannot add a peer to srv6_peers");
	workload_free(&other);
}

/* One row of the table and of the JSON per case and map configuration; the
 * worst ns per encapsulated packet. */
static double run_configs(const struct opts *o, int empty_fd, cJSON *results)
{
	double worst_encap = 0;

	for (size_t k = 0; k < ARRAY_SIZE(configs); k++) {
		unsigned int peers = configs[k].peers ? configs[k].peers : o->peers_max;
		unsigned int dests = configs[k].dests ? configs[k].dests : o->b.spread;

		for (unsigned int c = 0; c < NCASES; c++) {
			struct datapath dp;
			struct workload w;
			struct bench_result r;
			char loop[32] = "-";

			workload_build(&cases[c], dests, o->b.payload, &w);
			datapath_for(o, &configs[k], &w, &dp);
			run_case(o, &dp, empty_fd, &w, &r);
			if (cases[c].nsegs && r.single_ns > worst_encap)
				worst_encap = r.single_ns;
			if (!cases[c].nsegs)
				snprintf(loop, sizeof(loop), "%.1f", r.loop_ns);
			printf("%-26s %6u %6u %8.1f %10.1f %10.1f %10s\n", cases[c].title, peers, dests,
			       r.single_ns, r.single_raw, r.single_base, loop);
			fflush(stdout);
			cJSON_AddItemToArray(results, result_json(&cases[c], peers, dests, &r));
			workload_free(&w);
			datapath_free(&dp);
		}
	}
	return worst_encap;
}

int main(int argc, char **argv)
{
	struct opts o;
	cJSON *root = cJSON_CreateObject(), *results, *method;
	double worst_encap;
	int empty_fd;

	parse_opts(argc, argv, &o);
	empty_fd = bench_empty_prog(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK, NULL);

	cJSON_AddStringToObject(root, "title", "TC program srv6_encap: ns per packet (BPF_PROG_TEST_RUN)");
	method = bench_method_json(root, &o.b,
				   "single shot: median over trials of (mean kernel-timed ns of one srv6_encap run per BPF_PROG_TEST_RUN call) - (the same for an empty TC program)");
	cJSON_AddItemToObject(method, "plain_repeat_reruns_own_output", repeat_demo(o.b.payload));
	results = cJSON_AddArrayToObject(root, "results");

	printf("TC program srv6_encap: ns per packet via BPF_PROG_TEST_RUN\n"
	       "(median of %u trials x %u one-packet calls, net of an empty program; CPU %d)\n\n",
	       o.b.trials, o.b.shots, o.b.cpu);
	printf("%-26s %6s %6s %8s %10s %10s %10s\n", "case", "peers", "dests", "ns/pkt",
	       "raw", "empty", "hot loop");
	worst_encap = run_configs(&o, empty_fd, results);
	printf("\nns/pkt = raw - empty: kernel-timed ns of one run per BPF_PROG_TEST_RUN call, for\n"
	       "  srv6_encap and for an empty TC program (timer and call overhead), medians.\n"
	       "  Each packet meets caches the syscall path has just stirred: pessimistic.\n"
	       "hot loop: %u runs per call (repeat), net of an empty program's loop. repeat\n"
	       "  cannot time encapsulation: each run gets the previous run's output.\n"
	       "dests: packets cycle over this many peers. Every output is checked byte for byte.\n",
	       o.b.repeat);
	printf("Target <= 50 ns per encapsulated packet: worst case %.1f ns: %s\n", worst_encap,
	       worst_encap <= 50 ? "met" : "NOT met");

	cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "targets"), target_json(worst_encap));
	bench_finish(&o.b, root, empty_fd);
	return 0;
}
