/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the BPF_PROG_TEST_RUN benchmarks (bench/prog_run, bench/xdp_run) share:
 * dying with the program's name, checked allocation, medians of trials net of
 * an empty program, option parsing, JSON output and CPU pinning.
 */
#ifndef SRV6_BENCH_PROG_TEST_H
#define SRV6_BENCH_PROG_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <bpf/libbpf.h>
#include <cjson/cJSON.h>
#include <linux/types.h>

/* "NAME: message" on stderr (NAME: the binary's), exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void *xcalloc(size_t n, size_t size);
/* An IPv6 literal of the benchmark's own (a bad one is a bug). */
void in6(const char *text, __u8 out[16]);
double median(const double *v, unsigned int n);

/* Per-trial times of the program (raw) and of the empty one (base). */
struct samples {
	double *raw, *base, *net;
};

void samples_alloc(struct samples *s, unsigned int n);
/* Medians of raw - base, raw and base; frees the samples. */
void samples_done(struct samples *s, unsigned int n, double *ns, double *raw, double *base);

/* libbpf's messages: warnings, or everything with BENCH_DEBUG set. */
int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap);
unsigned int opt_uint(const char *name, const char *arg, unsigned int min, unsigned int max);

cJSON *measure_json(double ns, double raw, double base);
void json_write(const char *path, cJSON *root);

/* Pin to *cpu (-1: the current one, written back): a run that migrates finds
 * cold caches, noise that says nothing about the program. */
void pin_cpu(int *cpu);

#endif
