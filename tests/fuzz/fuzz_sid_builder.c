// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the SID builder (srv6_sid_list + usid_block + DEST_FUNCTION
 * into micro-SID carriers). Input: one flag byte (bit 0: a function is set,
 * the next byte and the one after are its value), then newline-separated text:
 * the usid_block ("-" for none), then the SIDs. A success must be 1..4
 * segments, and no segment may be the unspecified address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sync/jalapeno.h"

#define SIDS_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const __u8 zero[SRV6_ADDR_LEN];
	const char *sids[SIDS_MAX], *block;
	struct err e = { { 0 } };
	struct srv6_path p;
	bool has_function;
	__u16 function;
	size_t n = 0;
	char *text, *line, *save = NULL;

	if (size < 3)
		return 0;
	has_function = data[0] & 1;
	function = (__u16)(data[1] << 8 | data[2]);
	text = malloc(size - 3 + 1);
	if (!text)
		return 0;
	memcpy(text, data + 3, size - 3);
	text[size - 3] = '\0';
	block = strtok_r(text, "\n", &save);
	if (!block) {
		free(text);
		return 0;
	}
	if (!strcmp(block, "-"))
		block = NULL;
	while (n < SIDS_MAX && (line = strtok_r(NULL, "\n", &save)))
		sids[n++] = line;
	if (jalapeno_build_path(sids, n, block, has_function, function, &p, &e) == 0) {
		if (p.seg_count < 1 || p.seg_count > SRV6_MAX_SEGS)
			__builtin_trap();
		for (unsigned int i = 0; i < p.seg_count; i++)
			if (!memcmp(p.segs[i], zero, sizeof(zero)))
				__builtin_trap();
	} else if (e.msg[0] == '\0' || strchr(e.msg, '\n')) {
		__builtin_trap();
	}
	free(text);
	return 0;
}
