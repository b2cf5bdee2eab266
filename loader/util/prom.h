/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Prometheus text exposition format: a family's HELP and TYPE lines (once,
 * before all of its samples), then samples "name{label="value",...} value" with
 * label values escaped as the format requires (\\, \" and \n).
 */
#ifndef SRV6_PROM_H
#define SRV6_PROM_H

#include <stddef.h>
#include <stdio.h>

struct prom_label {
	const char *name;
	const char *value; /* any text: escaped on output */
};

/* "# HELP name help" and "# TYPE name type" (counter, gauge, ...). */
void prom_family(FILE *out, const char *name, const char *type, const char *help);

/* A label value with backslash, double quote and newline escaped. */
void prom_label_value(FILE *out, const char *value);

/* name{labels} value: an integer, or a double ("%.17g": exact round trip). */
void prom_sample_u64(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		     unsigned long long value);
void prom_sample_double(FILE *out, const char *name, const struct prom_label *labels, size_t n,
			double value);

#endif
