/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF_PROG_TEST_RUN benchmarks' one driver (bench/prog_run, bench/xdp_run):
 * the options they share, the empty calibration program, the interleaved
 * trials (one packet per call, and the `repeat` hot loop), the byte-for-byte
 * output check and the JSON they write. Each benchmark keeps its cases, its
 * packets, its program and what its counters must say (the check callback).
 */
#ifndef SRV6_BENCH_DRIVER_H
#define SRV6_BENCH_DRIVER_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <cjson/cJSON.h>
#include "packets.h"
#include "prog_test.h"

/* The options every benchmark takes. */
struct bench_opts {
	unsigned int trials;  /* median over these */
	unsigned int shots;   /* one-packet calls per trial */
	unsigned int repeat;  /* runs per call in the hot loop */
	unsigned int payload; /* TCP payload bytes */
	unsigned int spread;  /* destinations per case when spread */
	int cpu;              /* pinned to this CPU; -1: the current one */
	const char *json;
};

/* A benchmark's command line: the common options plus its own. */
struct bench_cli {
	const char *name; /* for "see: NAME --help" */
	unsigned int spread_default, spread_min, spread_max;
	const struct option *own;                  /* its long options, { NULL } ends; or NULL */
	void (*own_opt)(int c, const char *arg, void *ctx); /* one of them was given */
	void (*usage)(FILE *f);
	void *ctx;
};

/* Parse the command line, pin the CPU, route libbpf's messages. */
void bench_start(int argc, char **argv, const struct bench_cli *cli, struct bench_opts *o);

/* An empty program of this type returning retval (lo: load options, or NULL):
 * the cost of the measurement itself. */
int bench_empty_prog(enum bpf_prog_type type, int retval, const struct bpf_prog_load_opts *lo);
/* The skeleton's maps say pin-by-name; a benchmark must not pin anything. */
void bench_unpin_maps(struct bpf_object *obj);
/* Dies unless the skeleton's load returned 0. */
void bench_loaded(int rc);

/* What one BPF_PROG_TEST_RUN call handed back. */
struct bench_run_out {
	__u8 data[PKT_MAX];
	__u32 len, retval, duration;
};

/* One call of `repeat` runs of prog_fd on packet in (id: the case, in messages). */
void bench_test_run(int prog_fd, const char *id, const struct pkt *in, unsigned int repeat,
		    struct bench_run_out *out);
/* The output must be exactly want; prog and noun ("packet", "frame") for messages. */
void bench_compare(const char *id, const char *prog, const char *noun, unsigned int i,
		   const struct bench_run_out *out, const struct pkt *want);

/* One case as the driver times it. */
struct bench_case_run {
	const char *id;
	unsigned int n;       /* packets, taken in turn */
	const struct pkt *in;
	int prog_fd, empty_fd;
	bool loop;            /* also time the `repeat` hot loop on packet 0 */
	/* After the call on packet i: check it and account for its runs (1, or
	 * repeat); prog false: it was the empty program's. */
	void (*check)(void *ctx, unsigned int i, const struct bench_run_out *out, bool prog,
		      unsigned int runs);
	void *ctx;
};

/* Medians over trials; *_base is the empty program, the figure is the difference. */
struct bench_result {
	double single_ns, single_raw, single_base; /* one packet per call */
	double loop_ns, loop_raw, loop_base;       /* `repeat` loop, when timed */
	unsigned long long packets_verified;
};

/* The trials, each the empty program next to the one measured. */
void bench_run_case(const struct bench_opts *o, const struct bench_case_run *c,
		    struct bench_result *r);

/* root's "method": the options, and how ns_per_packet is computed. */
cJSON *bench_method_json(cJSON *root, const struct bench_opts *o, const char *ns_per_packet);
/* A result's "case" and "title"; the benchmark adds its own fields, then
 * bench_result_measures the figures. */
cJSON *bench_result_json(const char *id, const char *title);
void bench_result_measures(cJSON *j, const struct bench_result *r, bool loop);
/* Write root to --json if given, free it and the empty program. */
void bench_finish(const struct bench_opts *o, cJSON *root, int empty_fd);

#endif
