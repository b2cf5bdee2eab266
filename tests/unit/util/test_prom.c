// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/util/prom.c: families, samples, label values escaped per the
 * Prometheus text exposition format. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include "util/array.h"
#include "util/prom.h"
#include "unit_helpers.h"

struct buf {
	FILE *f;
	char *text;
	size_t len;
};

static FILE *buf_open(struct buf *b)
{
	b->f = open_memstream(&b->text, &b->len);
	cr_assert_not_null(b->f);
	return b->f;
}

/* The text written so far (freed with the buffer). */
static const char *buf_text(struct buf *b)
{
	fflush(b->f);
	return b->text;
}

static void buf_close(struct buf *b)
{
	fclose(b->f);
	free(b->text);
}

Test(prom, family_then_samples)
{
	struct buf b;
	FILE *f = buf_open(&b);
	struct prom_label l[] = { { "dev", "eth0" }, { "result", "ok" } };

	prom_family(f, "srv6_bpf_syncs_total", "counter", "Syncs the daemon ran, by result.");
	prom_sample_u64(f, "srv6_bpf_syncs_total", l, ARRAY_SIZE(l), 3);
	l[1].value = "error";
	prom_sample_u64(f, "srv6_bpf_syncs_total", l, ARRAY_SIZE(l), 18446744073709551615ull);
	cr_assert_str_eq(buf_text(&b),
			 "# HELP srv6_bpf_syncs_total Syncs the daemon ran, by result.\n"
			 "# TYPE srv6_bpf_syncs_total counter\n"
			 "srv6_bpf_syncs_total{dev=\"eth0\",result=\"ok\"} 3\n"
			 "srv6_bpf_syncs_total{dev=\"eth0\",result=\"error\"} 18446744073709551615\n");
	buf_close(&b);
}

Test(prom, doubles_round_trip_and_no_labels_no_braces)
{
	struct buf b;
	FILE *f = buf_open(&b);
	const struct prom_label l[] = { { "dev", "veth-a" } };

	prom_sample_double(f, "g", l, ARRAY_SIZE(l), 0.1);
	prom_sample_double(f, "g", l, ARRAY_SIZE(l), 1);
	prom_sample_double(f, "h", NULL, 0, 1765000000.25);
	cr_assert_str_eq(buf_text(&b), "g{dev=\"veth-a\"} 0.10000000000000001\n"
				       "g{dev=\"veth-a\"} 1\n"
				       "h 1765000000.25\n");
	buf_close(&b);
}

Test(prom, label_value_escapes_backslash_quote_newline)
{
	struct buf b;
	FILE *f = buf_open(&b);

	prom_label_value(f, "a\\b\"c\nd");
	cr_assert_str_eq(buf_text(&b), "a\\\\b\\\"c\\nd");
	buf_close(&b);
}

Test(prom, sample_with_hostile_label_stays_one_line_and_parses)
{
	struct buf b;
	FILE *f = buf_open(&b);
	const struct prom_label l[] = { { "dev", "x\"} 1\nevil{a=\"\\" }, { "change", "added" } };

	prom_sample_u64(f, "srv6_bpf_sync_peers", l, ARRAY_SIZE(l), 7);
	cr_assert_str_eq(buf_text(&b),
			 "srv6_bpf_sync_peers{dev=\"x\\\"} 1\\nevil{a=\\\"\\\\\",change=\"added\"} 7\n");
	cr_assert_eq(strchr(b.text, '\n'), b.text + b.len - 1, "one sample, one line");
	buf_close(&b);
}
