// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp-run: ns per packet of the srv6_decap XDP program through BPF_PROG_TEST_RUN.
 *
 * Two sets of cases (--set):
 * decap: a host's table. Decapsulated packets (outer IPv6 + SRH with Segments
 *   Left 0, and the micro-SID carrier with no SRH; IPv6 and IPv4 TCP inside)
 *   and packets that are not the host's to end (plain IPv6 to a non-SID, and
 *   IPv4); with the host's own 3 SIDs, with a full SID table (1,024) and one
 *   destination, and with the full table and packets spread over many SIDs.
 * end: a micro-SID router's table (End with NEXT-C-SID). A one-carrier shift
 *   (fc00:0:100:2:e006:: becomes fc00:0:2:e006::, no SRH), an exhausted carrier
 *   with an SRH (fc00:0:100::, Segments Left 1 becomes 0 and the destination
 *   the SRH's fc00:0:2:e006::), and plain IPv6 that misses the table (pass);
 *   with the router's one End SID, with 1,024 End SIDs and one destination,
 *   and with 1,024 and packets spread over many routers' SIDs.
 *
 * BPF_PROG_TEST_RUN's `repeat` runs the program again on the same buffer: after
 * the first run a decapsulated packet is gone and every later run sees the inner
 * packet, a miss; after an End the destination is the next micro-SID, which is
 * not this router's, so every later run is a miss too (the JSON's
 * repeat_sees_inner_packet and repeat_sees_shifted_packet show both). So
 * decapsulation and End are timed one packet per call (repeat 1, a "single
 * shot"): the kernel times that one run, including two clock reads; an empty
 * XDP program timed the same way, interleaved trial by trial, is the baseline,
 * and the figure is the difference, as bench/prog_run does for the TC program.
 * The pass cases, which `repeat` can time, also get the hot loop (net of an
 * empty program's loop).
 *
 * Every output frame is compared byte for byte with the expected one (the inner
 * frame with its Ethernet type fixed, the frame with the destination and
 * Segments Left an End must leave, or the input untouched), and every counter
 * of the program (the reasons, each SID's packets and bytes) must match what it
 * was given, or the benchmark fails.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <cjson/cJSON.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include "../lib/driver.h"
#include "frames.h"
#include "sid_table.h"
#include "srv6_decap.skel.h"
#include "srv6_maps.h"
#include "srv6_outer.h"
#include "util/array.h"

#define SPREAD_MAX 500 /* destinations per case; IPv4 ones come from two /24s */

/* Which cases run (--set). */
enum { SET_DECAP = 1, SET_END = 2, SET_ALL = SET_DECAP | SET_END };

/* The common options (driver.h) and xdp-run's own. */
struct opts {
	struct bench_opts b;
	unsigned int sets; /* SET_* */
};

enum {
	CASE_SRH_V6, CASE_SRH_V4, CASE_USID_V6, CASE_USID_V4, CASE_MISS_V6, CASE_MISS_V4,
	CASE_END_SHIFT, CASE_END_SRH, CASE_END_MISS, NCASES
};

/* What srv6_decap must do with a case's frames. */
enum kind {
	KIND_DECAP,     /* strip the outer headers: the inner frame comes back */
	KIND_PASS,      /* not a local SID's: the frame comes back untouched */
	KIND_END_SHIFT, /* End, NEXT-C-SID: the destination becomes `out` */
	KIND_END_SRH,   /* End on the SRH: Segments Left 1 -> 0, destination the last SID */
};

/* In the JSON: the counter each kind of case moves (decap, pass: their own). */
static const char *const kind_name[] = {
	[KIND_DECAP] = "decap",
	[KIND_PASS] = "pass",
	[KIND_END_SHIFT] = "end_next_csid",
	[KIND_END_SRH] = "end_srh",
};

static const struct bench_case {
	const char *id;
	const char *title;
	unsigned int set; /* SET_DECAP or SET_END */
	enum kind kind;
	bool ipv4; /* inner (or only) packet */
	unsigned int nsegs; /* 0: no SRv6 header */
	/* The path. Decap: the frame arrives at the last SID. End: the frame as sent,
	 * at the first SID (with --spread, other routers' carriers). */
	const char *segs[SRV6_MAX_SEGS];
	const char *out; /* KIND_END_SHIFT: the destination End must leave */
} cases[NCASES] = {
	[CASE_SRH_V6] = { "srh_ipv6", "SRH SL 0, IPv6 inner", SET_DECAP, KIND_DECAP, false, 3,
			  { "fc00:0:100::", "fc00:0:200::", "fc00:0:2:e006::" }, NULL },
	[CASE_SRH_V4] = { "srh_ipv4", "SRH SL 0, IPv4 inner", SET_DECAP, KIND_DECAP, true, 3,
			  { "fc00:0:100::", "fc00:0:200::", "fc00:0:2:e004::" }, NULL },
	[CASE_USID_V6] = { "usid_ipv6", "no SRH (uSID), IPv6 inner", SET_DECAP, KIND_DECAP, false,
			   1, { "fc00:0:2:e006::" }, NULL },
	[CASE_USID_V4] = { "usid_ipv4", "no SRH (uSID), IPv4 inner", SET_DECAP, KIND_DECAP, true,
			   1, { "fc00:0:2:e004::" }, NULL },
	[CASE_MISS_V6] = { "miss_ipv6", "IPv6 to a non-SID (pass)", SET_DECAP, KIND_PASS, false, 0,
			   { NULL }, NULL },
	[CASE_MISS_V4] = { "miss_ipv4", "IPv4 (pass)", SET_DECAP, KIND_PASS, true, 0, { NULL },
			   NULL },
	[CASE_END_SHIFT] = { "end_shift", "End: shift (1 carrier, no SRH)", SET_END,
			     KIND_END_SHIFT, false, 1, { "fc00:0:100:2:e006::" },
			     "fc00:0:2:e006::" },
	[CASE_END_SRH] = { "end_srh", "End: SRH SL 1->0 (carrier done)", SET_END, KIND_END_SRH,
			   false, 2, { "fc00:0:100::", "fc00:0:2:e006::" }, NULL },
	[CASE_END_MISS] = { "end_miss", "router: IPv6 to a non-SID (pass)", SET_END, KIND_PASS,
			    false, 0, { NULL }, NULL },
};

/* SID tables and traffic: dests 0 stands for --spread. */
enum table { TABLE_OWN, TABLE_FULL, TABLE_ROUTER, TABLE_ROUTER_FULL, NTABLES };
static const struct config {
	unsigned int set;
	enum table table;
	unsigned int dests;
} configs[] = {
	{ SET_DECAP, TABLE_OWN, 1 },	  { SET_DECAP, TABLE_FULL, 1 },
	{ SET_DECAP, TABLE_FULL, 0 },	  { SET_END, TABLE_ROUTER, 1 },
	{ SET_END, TABLE_ROUTER_FULL, 1 }, { SET_END, TABLE_ROUTER_FULL, 0 },
};

/* Everything one case needs: its frames, what must come back, which SID each hits. */
struct workload {
	const struct bench_case *bc;
	unsigned int n;
	struct pkt *in, *want;
	int *sid; /* index in the SID table (its counters), -1: none */
};

/* Inner packet i: 2001:db8:1::1 -> 2001:db8:2::<i + 2>, or 192.0.2.1 ->
 * 198.51.100.<i + 2> then 203.0.113.x. */
static void case_flow(const struct bench_case *bc, unsigned int i, struct pkt_flow *f)
{
	unsigned int host = i + 2;

	pkt_flow_init(f, bc->ipv4, host);
	if (bc->ipv4)
		return;
	in6("2001:db8:1::1", f->saddr);
	in6("2001:db8:2::", f->daddr);
	f->daddr[14] = (__u8)(host >> 8);
	f->daddr[15] = (__u8)host;
}

/* The case's path; spread over destinations, packet i ends at other node i's SID
 * (decapsulation) or starts at other router i's carrier (End). */
static void case_path(const struct bench_case *bc, unsigned int i, bool spread,
		      struct srv6_path *p)
{
	pkt_path(p, bc->segs, bc->nsegs);
	if (spread && bc->kind == KIND_DECAP)
		sid_table_other_sid(i, !bc->ipv4, p->segs[bc->nsegs - 1]);
	else if (spread)
		sid_table_other_router(i, p->segs[0]);
}

/* The frame an End must hand back for path p: the destination End writes and,
 * with an SRH, Segments Left 0 (frame_arrived); computed from the case's own
 * literals, not by the code under test. */
static void end_expected(const struct bench_case *bc, const struct pkt_flow *f,
			 const struct pkt *inner, const struct srv6_path *p, struct pkt *out)
{
	struct srv6_path shifted = *p;

	if (bc->kind == KIND_END_SRH) {
		frame_arrived(f, inner, p, out);
		return;
	}
	in6(bc->out, shifted.segs[0]);
	frame_sent(f, inner, &shifted, out);
}

static void workload_build(const struct bench_case *bc, unsigned int n, unsigned int payload,
			   const struct sid_table *t, struct workload *w)
{
	w->bc = bc;
	w->n = n;
	w->in = xcalloc(n, sizeof(*w->in));
	w->want = xcalloc(n, sizeof(*w->want));
	w->sid = xcalloc(n, sizeof(*w->sid));
	for (unsigned int i = 0; i < n; i++) {
		struct pkt_flow f;
		struct pkt inner;

		case_flow(bc, i, &f);
		if (pkt_build(&f, payload, &inner))
			die("payload of %u bytes does not fit a %d-byte test frame", payload, PKT_MAX);
		w->want[i] = inner;
		if (bc->kind == KIND_DECAP) {
			struct srv6_path p;

			case_path(bc, i, n > 1, &p);
			frame_arrived(&f, &inner, &p, &w->in[i]);
			w->sid[i] = sid_table_match(t, p.segs[p.seg_count - 1]);
			if (w->sid[i] < 0 || t->e[w->sid[i]].value.action == SRV6_SID_END)
				die("bug: %s packet %u is addressed to no local decap SID", bc->id, i);
		} else if (bc->kind != KIND_PASS) {
			struct srv6_path p;
			const __u8 *da = w->want[i].data + ETH_HLEN +
					 offsetof(struct srv6_ipv6_hdr, daddr);

			case_path(bc, i, n > 1, &p);
			frame_sent(&f, &inner, &p, &w->in[i]);
			end_expected(bc, &f, &inner, &p, &w->want[i]);
			w->sid[i] = sid_table_match(t, p.segs[0]);
			if (w->sid[i] < 0 || t->e[w->sid[i]].value.action != SRV6_SID_END)
				die("bug: %s packet %u is addressed to no local End SID", bc->id, i);
			/* Else the program would go on with that SID in the same run. */
			if (sid_table_match(t, da) >= 0)
				die("bug: %s packet %u leaves End for another local SID", bc->id, i);
		} else {
			w->in[i] = inner;
			w->sid[i] = bc->ipv4 ? -1 : sid_table_match(t, f.daddr);
			if (w->sid[i] >= 0)
				die("bug: %s packet %u is addressed to a local SID", bc->id, i);
		}
	}
}

static void workload_free(struct workload *w)
{
	free(w->in);
	free(w->want);
	free(w->sid);
}

/* A fresh srv6_decap: no pins, nothing attached; its maps in dp->maps. */
struct datapath {
	struct srv6_decap *skel;
	struct srv6_maps maps;
	const struct sid_table *sids;
	int prog_fd;
};

static void datapath_load(struct datapath *dp, const struct sid_table *t)
{
	int rc;

	dp->skel = srv6_decap__open();
	if (!dp->skel)
		die("cannot open the BPF object: %s", strerror(errno));
	bench_unpin_maps(dp->skel->obj);
	bench_loaded(srv6_decap__load(dp->skel));
	dp->prog_fd = bpf_program__fd(dp->skel->progs.srv6_decap);
	/* Every fd this benchmark does not open (the encap maps) reads as -1. */
	memset(&dp->maps, 0xff, sizeof(dp->maps));
	dp->maps.local_sids_fd = bpf_map__fd(dp->skel->maps.srv6_local_sids);
	dp->maps.sid_ctrs_fd = bpf_map__fd(dp->skel->maps.srv6_sid_ctrs);
	dp->maps.decap_ctrs_fd = bpf_map__fd(dp->skel->maps.srv6_decap_ctrs);
	dp->maps.peers_max = dp->maps.path_ctrs_max = 0;
	dp->sids = t;
	for (unsigned int i = 0; i < t->n; i++) {
		rc = srv6_sid_update(&dp->maps, &t->e[i], true);
		if (rc)
			die("cannot add SID %u of %u to srv6_local_sids: %s", i + 1, t->n,
			    strerror(-rc));
	}
}

static void datapath_free(struct datapath *dp)
{
	srv6_decap__destroy(dp->skel);
}

/* An empty XDP program (return XDP_PASS), multi-buffer capable like srv6_decap so
 * the kernel prepares the same buffer for both: the cost of the measurement itself. */
static int empty_prog_load(void)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_XDP,
		    .prog_flags = BPF_F_XDP_HAS_FRAGS);

	return bench_empty_prog(BPF_PROG_TYPE_XDP, XDP_PASS, &lo);
}

/* Everything srv6_decap counts: its reasons and each SID's packets and bytes. */
struct counts {
	struct srv6_decap_counters reasons;
	struct srv6_sid_counters sid[SRV6_SIDS_MAX];
};

#define REASON(f) { #f, offsetof(struct srv6_decap_counters, f) }
static const struct {
	const char *name;
	size_t offset;
} reasons[] = {
	REASON(decap_packets),	    REASON(decap_bytes),	  REASON(pass_not_ipv6),
	REASON(pass_no_sid),	    REASON(pass_segments_left),	  REASON(pass_bad_srh),
	REASON(pass_unknown_nexthdr), REASON(pass_wrong_family), REASON(pass_truncated),
	REASON(drop_adjust_failed), REASON(end_next_csid), REASON(end_srh),
	REASON(end_bytes),	    REASON(pass_hop_limit),	  REASON(pass_last_sid),
};
_Static_assert(ARRAY_SIZE(reasons) * sizeof(__u64) ==
		       sizeof(struct srv6_decap_counters),
	       "every reason counter is checked");

static __u64 reason_of(const struct srv6_decap_counters *c, size_t i)
{
	__u64 v;

	memcpy(&v, (const char *)c + reasons[i].offset, sizeof(v));
	return v;
}

static void counts_read(const struct datapath *dp, struct counts *c)
{
	int rc = srv6_decap_ctrs_read(&dp->maps, &c->reasons);

	if (rc)
		die("cannot read srv6_decap_ctrs: %s", strerror(-rc));
	for (unsigned int i = 0; i < dp->sids->n; i++) {
		rc = srv6_sid_ctrs_read(&dp->maps, i, &c->sid[i]);
		if (rc)
			die("cannot read srv6_sid_ctrs[%u]: %s", i, strerror(-rc));
	}
}

/* What one srv6_decap run on packet i must count. Decap counts inner bytes, End
 * the IPv6 packet's (the frame's minus Ethernet). The new destination after an
 * End is no local SID: the program passes it uncounted. */
static void expect_run(struct counts *e, const struct workload *w, unsigned int i,
		       unsigned long long runs)
{
	__u64 inner = w->want[i].len - ETH_HLEN, ip = w->in[i].len - ETH_HLEN;

	switch (w->bc->kind) {
	case KIND_DECAP:
		e->reasons.decap_packets += runs;
		e->reasons.decap_bytes += runs * inner;
		e->sid[w->sid[i]].packets += runs;
		e->sid[w->sid[i]].bytes += runs * inner;
		break;
	case KIND_END_SHIFT:
	case KIND_END_SRH:
		if (w->bc->kind == KIND_END_SHIFT)
			e->reasons.end_next_csid += runs;
		else
			e->reasons.end_srh += runs;
		e->reasons.end_bytes += runs * ip;
		e->sid[w->sid[i]].packets += runs;
		e->sid[w->sid[i]].bytes += runs * ip;
		break;
	case KIND_PASS:
		if (w->bc->ipv4)
			e->reasons.pass_not_ipv6 += runs;
		else
			e->reasons.pass_no_sid += runs;
		break;
	}
}

/* The program's own account must match what it was given, counter by counter. */
static void counts_check(const struct workload *w, const struct datapath *dp,
			 const struct counts *before, const struct counts *expected)
{
	struct counts *after = xcalloc(1, sizeof(*after));

	counts_read(dp, after);
	for (size_t r = 0; r < ARRAY_SIZE(reasons); r++) {
		__u64 got = reason_of(&after->reasons, r) - reason_of(&before->reasons, r);

		if (got != reason_of(&expected->reasons, r))
			die("%s: srv6_decap counted %llu %s, expected %llu", w->bc->id,
			    (unsigned long long)got, reasons[r].name,
			    (unsigned long long)reason_of(&expected->reasons, r));
	}
	for (unsigned int i = 0; i < dp->sids->n; i++) {
		__u64 p = after->sid[i].packets - before->sid[i].packets;
		__u64 b = after->sid[i].bytes - before->sid[i].bytes;

		if (p != expected->sid[i].packets || b != expected->sid[i].bytes)
			die("%s: SID %u counted %llu packets %llu bytes, expected %llu and %llu",
			    w->bc->id, i, (unsigned long long)p, (unsigned long long)b,
			    (unsigned long long)expected->sid[i].packets,
			    (unsigned long long)expected->sid[i].bytes);
	}
	free(after);
}

/* A case on srv6_decap, for the driver's check: what its runs must count. */
struct case_check {
	const struct workload *w;
	struct counts *expected;
};

/* srv6_decap must hand back the expected frame (for a pass: want = in), the
 * empty program its input; srv6_decap's runs go into the expected counts. */
static void check_run(void *ctx, unsigned int i, const struct bench_run_out *out, bool decap,
		      unsigned int runs)
{
	struct case_check *cc = ctx;
	const struct workload *w = cc->w;
	const char *name = decap ? "srv6_decap" : "the empty program";

	if (out->retval != XDP_PASS)
		die("%s: %s returned %u, expected XDP_PASS (%d)", w->bc->id, name, out->retval,
		    XDP_PASS);
	bench_compare(w->bc->id, name, "frame", i, out, decap ? &w->want[i] : &w->in[i]);
	if (decap)
		expect_run(cc->expected, w, i, runs);
}

static void run_case(const struct opts *o, const struct datapath *dp, int empty_fd,
		     const struct workload *w, struct bench_result *r)
{
	struct counts *before = xcalloc(1, sizeof(*before)), *expected = xcalloc(1, sizeof(*expected));
	struct case_check cc = { w, expected };
	const struct bench_case_run c = {
		.id = w->bc->id, .n = w->n, .in = w->in, .prog_fd = dp->prog_fd,
		.empty_fd = empty_fd, .loop = w->bc->kind == KIND_PASS, .check = check_run,
		.ctx = &cc,
	};

	counts_read(dp, before);
	bench_run_case(&o->b, &c, r);
	counts_check(w, dp, before, expected);
	free(before);
	free(expected);
}

/* Shows why decapsulation and End cannot use `repeat`: runs 2..N see the inner
 * packet, or the shifted destination that is no longer this router's. */
static cJSON *repeat_demo(unsigned int payload, unsigned int c)
{
	const unsigned int repeat = 100;
	struct sid_table *t = xcalloc(1, sizeof(*t));
	struct counts *before = xcalloc(1, sizeof(*before)), *after = xcalloc(1, sizeof(*after));
	struct datapath dp;
	struct workload w;
	struct bench_run_out out;
	cJSON *j = cJSON_CreateObject();

	if (cases[c].set == SET_END)
		sid_table_router(t);
	else
		sid_table_own(t);
	datapath_load(&dp, t);
	workload_build(&cases[c], 1, payload, t, &w);
	counts_read(&dp, before);
	bench_test_run(dp.prog_fd, w.bc->id, &w.in[0], repeat, &out);
	counts_read(&dp, after);
	cJSON_AddStringToObject(j, "case", w.bc->id);
	cJSON_AddNumberToObject(j, "repeat", repeat);
	cJSON_AddNumberToObject(j, "decapsulated",
				(double)(after->reasons.decap_packets - before->reasons.decap_packets));
	cJSON_AddNumberToObject(j, "end_next_csid",
				(double)(after->reasons.end_next_csid - before->reasons.end_next_csid));
	cJSON_AddNumberToObject(j, "passed_no_sid",
				(double)(after->reasons.pass_no_sid - before->reasons.pass_no_sid));
	cJSON_AddBoolToObject(j, cases[c].kind == KIND_DECAP ? "output_is_inner_frame"
							     : "output_is_shifted_frame",
			      out.len == w.want[0].len && !memcmp(out.data, w.want[0].data, w.want[0].len));
	workload_free(&w);
	datapath_free(&dp);
	free(before);
	free(after);
	free(t);
	return j;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xdp-run [--set decap|end|all] [--trials N] [--shots N] [--repeat N]\n"
		"               [--payload BYTES] [--spread N] [--cpu N] [--json FILE]\n"
		"ns per packet of the srv6_decap XDP program via BPF_PROG_TEST_RUN.\n"
		"  decap: decapsulation and pass on a host's table (its own 3 SIDs, and a\n"
		"         full table of %d)\n"
		"  end:   End with NEXT-C-SID and pass on a micro-SID router's table (its one\n"
		"         End SID, and %d End SIDs)\n"
		"  all:   both (the default). Needs root.\n",
		SRV6_SIDS_MAX, SRV6_SIDS_MAX);
}

static void own_opt(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c != 'S')
		return;
	if (!strcmp(arg, "decap"))
		o->sets = SET_DECAP;
	else if (!strcmp(arg, "end"))
		o->sets = SET_END;
	else if (!strcmp(arg, "all"))
		o->sets = SET_ALL;
	else
		die("invalid --set \"%s\": give decap, end or all", arg);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option own[] = {
		{ "set", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const struct bench_cli cli = {
		.name = "xdp-run", .spread_default = 256, .spread_min = 2, .spread_max = SPREAD_MAX,
		.own = own, .own_opt = own_opt, .usage = usage, .ctx = o,
	};

	o->sets = SET_ALL;
	bench_start(argc, argv, &cli, &o->b);
	_Static_assert(SPREAD_MAX <= SID_TABLE_OTHER_NODES && SPREAD_MAX <= SID_TABLE_OTHER_ROUTERS,
		       "spread destinations are distinct SIDs");
}

/* One untimed trial of case c, so the first row does not pay for cold caches
 * and an idle CPU waking up. */
static void warm_up(const struct opts *o, const struct sid_table *t, unsigned int c, int empty_fd)
{
	struct opts once = *o;
	struct datapath dp;
	struct workload w;
	struct bench_result r;

	once.b.trials = 1;
	datapath_load(&dp, t);
	workload_build(&cases[c], 1, o->b.payload, t, &w);
	run_case(&once, &dp, empty_fd, &w, &r);
	workload_free(&w);
	datapath_free(&dp);
}

static cJSON *result_json(const struct bench_case *bc, unsigned int sids, unsigned int dests,
			  const struct bench_result *r)
{
	cJSON *j = bench_result_json(bc->id, bc->title);

	cJSON_AddNumberToObject(j, "sids", sids);
	cJSON_AddNumberToObject(j, "destinations", dests);
	cJSON_AddStringToObject(j, "set", bc->set == SET_END ? "end" : "decap");
	cJSON_AddStringToObject(j, "behaviour", kind_name[bc->kind]);
	cJSON_AddBoolToObject(j, "decapsulates", bc->kind == KIND_DECAP);
	cJSON_AddBoolToObject(j, "srh", bc->nsegs > 1);
	bench_result_measures(j, r, bc->kind == KIND_PASS);
	return j;
}

/* The 1, 5 and 15 minute load averages: the machine is shared. */
static void loadavg(double v[3])
{
	FILE *f = fopen("/proc/loadavg", "r");

	v[0] = v[1] = v[2] = -1;
	if (!f)
		return;
	if (fscanf(f, "%lf %lf %lf", &v[0], &v[1], &v[2]) != 3)
		v[0] = v[1] = v[2] = -1;
	fclose(f);
}

static cJSON *loadavg_json(const double v[3])
{
	return cJSON_CreateDoubleArray(v, 3);
}

/* The first case of a set, for the warm-up. */
static unsigned int first_case(unsigned int set)
{
	for (unsigned int c = 0; c < NCASES; c++)
		if (cases[c].set & set)
			return c;
	die("bug: no case in set %u", set);
}

static const char *set_title(unsigned int sets)
{
	return sets == SET_DECAP ? "XDP program srv6_decap, decapsulation: ns per packet (BPF_PROG_TEST_RUN)"
	       : sets == SET_END ? "XDP program srv6_decap, End (micro-SID router): ns per packet (BPF_PROG_TEST_RUN)"
				 : "XDP program srv6_decap: ns per packet (BPF_PROG_TEST_RUN)";
}

/* The rows of one set: its SID tables, and on each its cases. */
static void run_set(const struct opts *o, unsigned int set, const struct sid_table *tables,
		    int empty_fd, cJSON *results)
{
	bool warm = false;

	for (size_t k = 0; k < ARRAY_SIZE(configs); k++) {
		const struct sid_table *t = &tables[configs[k].table];
		unsigned int dests = configs[k].dests ? configs[k].dests : o->b.spread;
		struct datapath dp;

		if (configs[k].set != set)
			continue;
		if (!warm) {
			warm_up(o, t, first_case(set), empty_fd);
			warm = true;
		}
		datapath_load(&dp, t);
		for (unsigned int c = 0; c < NCASES; c++) {
			struct workload w;
			struct bench_result r;
			char loop[32] = "-";

			if (cases[c].set != set)
				continue;
			workload_build(&cases[c], dests, o->b.payload, t, &w);
			run_case(o, &dp, empty_fd, &w, &r);
			if (cases[c].kind == KIND_PASS)
				snprintf(loop, sizeof(loop), "%.1f", r.loop_ns);
			printf("%-32s %5u %6u %8.1f %8.1f %8.1f %9s\n", cases[c].title, t->n,
			       dests, r.single_ns, r.single_raw, r.single_base, loop);
			fflush(stdout);
			cJSON_AddItemToArray(results, result_json(&cases[c], t->n, dests, &r));
			workload_free(&w);
		}
		datapath_free(&dp);
	}
}

/* The method: the common options, what is checked, and the repeat demos. */
static void method_json(cJSON *root, const struct opts *o)
{
	cJSON *method = bench_method_json(root, &o->b,
					  "single shot: median over trials of (mean kernel-timed ns of one srv6_decap run per BPF_PROG_TEST_RUN call) - (the same for an empty XDP program)");

	cJSON_AddStringToObject(method, "checks",
				"every output frame byte for byte (the inner frame with its Ethernet type fixed; after End the frame with the new destination, and Segments Left 0 for the SRH case, built from the case's literal SIDs; or the input untouched), return code XDP_PASS, and every reason and per-SID counter");
	if (o->sets & SET_DECAP)
		cJSON_AddItemToObject(method, "repeat_sees_inner_packet",
				      repeat_demo(o->b.payload, CASE_USID_V6));
	if (o->sets & SET_END)
		cJSON_AddItemToObject(method, "repeat_sees_shifted_packet",
				      repeat_demo(o->b.payload, CASE_END_SHIFT));
}

/* What the table's columns mean, after it. */
static void legend(const struct opts *o, const double load_end[3])
{
	printf("\nns/pkt = raw - empty: kernel-timed ns of one run per BPF_PROG_TEST_RUN call, for\n"
	       "  srv6_decap and for an empty XDP program (timer and call overhead), medians.\n"
	       "  Each packet meets caches the syscall path has just stirred: pessimistic.\n"
	       "hot loop: %u runs per call (repeat), net of an empty program's loop. repeat\n"
	       "  cannot time decapsulation or End: from the second run on, the program sees\n"
	       "  the inner packet it has just uncovered, or a destination that is no longer\n"
	       "  this router's, and passes it as a miss.\n",
	       o->b.repeat);
	if (o->sets & SET_DECAP)
		printf("sids (decap): the host's table (3: its locator and two function SIDs; %d:\n"
		       "  full). dests: packets cycle over this many SIDs (or inner destinations).\n",
		       SRV6_SIDS_MAX);
	if (o->sets & SET_END)
		printf("sids (End): a router's table of End SIDs with NEXT-C-SID (1: its own\n"
		       "  fc00:0:100::/48; %d: other routers' too). dests: packets cycle over this\n"
		       "  many routers' carriers. After End the new destination (fc00:0:2:e006::)\n"
		       "  is no local SID: one lookup more, then the kernel would forward it.\n",
		       SRV6_SIDS_MAX);
	printf("Every output frame and every counter is checked. Load average %.2f %.2f %.2f at end.\n",
	       load_end[0], load_end[1], load_end[2]);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sid_table *tables = xcalloc(NTABLES, sizeof(*tables));
	cJSON *root = cJSON_CreateObject(), *results, *load;
	double load_start[3], load_end[3];
	int empty_fd;

	parse_opts(argc, argv, &o);
	loadavg(load_start);
	empty_fd = empty_prog_load();
	sid_table_own(&tables[TABLE_OWN]);
	sid_table_full(&tables[TABLE_FULL]);
	sid_table_router(&tables[TABLE_ROUTER]);
	sid_table_router_full(&tables[TABLE_ROUTER_FULL]);

	cJSON_AddStringToObject(root, "title", set_title(o.sets));
	method_json(root, &o);
	results = cJSON_AddArrayToObject(root, "results");

	printf("%s\n"
	       "(median of %u trials x %u one-packet calls, net of an empty XDP program; CPU %d;\n"
	       " load average %.2f %.2f %.2f at start)\n\n",
	       set_title(o.sets), o.b.trials, o.b.shots, o.b.cpu, load_start[0], load_start[1],
	       load_start[2]);
	printf("%-32s %5s %6s %8s %8s %8s %9s\n", "case", "sids", "dests", "ns/pkt", "raw", "empty",
	       "hot loop");
	for (unsigned int set = SET_DECAP; set <= SET_END; set <<= 1)
		if (o.sets & set)
			run_set(&o, set, tables, empty_fd, results);
	loadavg(load_end);
	legend(&o, load_end);

	load = cJSON_AddObjectToObject(root, "load_average");
	cJSON_AddItemToObject(load, "start", loadavg_json(load_start));
	cJSON_AddItemToObject(load, "end", loadavg_json(load_end));
	/* No ns target for decapsulation or End: the figures are reported, not judged. */
	cJSON_AddArrayToObject(root, "targets");
	bench_finish(&o.b, root, empty_fd);
	free(tables);
	return 0;
}
