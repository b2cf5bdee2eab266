// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "prom.h"

void prom_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void prom_label_value(FILE *out, const char *value)
{
	for (const char *v = value; *v; v++) {
		if (*v == '\\' || *v == '"') {
			fputc('\\', out);
			fputc(*v, out);
		} else if (*v == '\n') {
			fputs("\\n", out);
		} else {
			fputc(*v, out);
		}
	}
}

/* name{a="x",b="y"} and the space before the value (no braces without labels). */
static void sample_start(FILE *out, const char *name, const struct prom_label *labels, size_t n)
{
	fputs(name, out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s%s=\"", i ? "," : "{", labels[i].name);
		prom_label_value(out, labels[i].value);
		fputc('"', out);
	}
	fputs(n ? "} " : " ", out);
}

void prom_sample_u64(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		     unsigned long long value)
{
	sample_start(out, name, labels, n);
	fprintf(out, "%llu\n", value);
}

void prom_sample_double(FILE *out, const char *name, const struct prom_label *labels, size_t n,
			double value)
{
	sample_start(out, name, labels, n);
	fprintf(out, "%.17g\n", value);
}
