/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Machine-readable output: compact JSON, one document per command, stable names. */
#ifndef SRV6_OUTPUT_H
#define SRV6_OUTPUT_H

#include <cjson/cJSON.h>
#include "srv6_bpf.h"

/* Print root on stdout followed by a newline. Does not free it. */
void out_json(const cJSON *root);

/* A named counter: the JSON name and where it sits in a struct of __u64. */
struct counter_field {
	const char *name;
	unsigned int offset;
};

static inline __u64 counter_value(const void *counters, const struct counter_field *f)
{
	return *(const __u64 *)((const char *)counters + f->offset);
}

extern const struct counter_field encap_counter_fields[];
extern const unsigned int encap_counter_count;
extern const struct counter_field decap_counter_fields[];
extern const unsigned int decap_counter_count;

#endif
