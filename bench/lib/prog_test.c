// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What the BPF_PROG_TEST_RUN benchmarks share (prog_test.h). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "prog_test.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die("out of memory");
	return p;
}

void in6(const char *text, __u8 out[16])
{
	if (inet_pton(AF_INET6, text, out) != 1)
		die("bug: \"%s\" is not IPv6", text);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double median(const double *v, unsigned int n)
{
	double *s = xcalloc(n, sizeof(*s)), m;

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

void samples_alloc(struct samples *s, unsigned int n)
{
	s->raw = xcalloc(n, sizeof(double));
	s->base = xcalloc(n, sizeof(double));
	s->net = xcalloc(n, sizeof(double));
}

void samples_done(struct samples *s, unsigned int n, double *ns, double *raw, double *base)
{
	for (unsigned int t = 0; t < n; t++)
		s->net[t] = s->raw[t] - s->base[t];
	*ns = median(s->net, n);
	*raw = median(s->raw, n);
	*base = median(s->base, n);
	free(s->raw), free(s->base), free(s->net);
}

int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN && !getenv("BENCH_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

unsigned int opt_uint(const char *name, const char *arg, unsigned int min, unsigned int max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || v < min || v > max)
		die("invalid %s \"%s\": give %u-%u", name, arg, min, max);
	return (unsigned int)v;
}

cJSON *measure_json(double ns, double raw, double base)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddNumberToObject(j, "ns_per_packet", ns);
	cJSON_AddNumberToObject(j, "raw_ns", raw);
	cJSON_AddNumberToObject(j, "baseline_ns", base);
	return j;
}

void json_write(const char *path, cJSON *root)
{
	char *text = cJSON_Print(root);
	FILE *f = fopen(path, "w");

	if (!text || !f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
	free(text);
}

void pin_cpu(int *cpu)
{
	cpu_set_t set;

	if (*cpu < 0)
		*cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(*cpu, &set);
	if (*cpu < 0 || sched_setaffinity(0, sizeof(set), &set))
		die("cannot pin to CPU %d: %s", *cpu, strerror(errno));
}
