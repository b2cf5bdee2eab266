// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: an HTTP answer from the Jalapeño API into a path set.
 * The first byte picks the query (load / best-paths), the peer family, whether
 * DEST_FUNCTION is set, the HTTP status (200 or 500) and the path limit; the
 * rest is the body. Whatever the bytes, the parser must not crash, leak or hit
 * undefined behaviour, and what it accepts must be a valid path set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "sync/jalapeno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jalapeno_answer a;
	struct err e = { { 0 } };
	struct jalapeno_want w;
	uint8_t flags;
	char *body;
	int rc;

	if (size < 1)
		return 0;
	flags = data[0];
	w = (struct jalapeno_want){
		.query = flags & 1 ? JALAPENO_BEST_PATHS : JALAPENO_LOAD,
		.destination = "hosts/host05",
		.families = flags & 2 ? ADDR_FAM_BIT(ADDR_IPV4) : ADDR_FAMS_ALL,
		.has_function = flags & 4,
		.function = 0xe006,
		.max_paths = 1 + (flags >> 4) % SRV6_MAX_PATHS,
	};
	/* An exact-size copy, so ASan sees any read past the answer. */
	body = malloc(size - 1 ? size - 1 : 1);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	rc = jalapeno_parse(&w, flags & 8 ? 500 : 200, body, size - 1, &a, &e);
	free(body);
	if (rc == 0) {
		if (a.peer.path_count < 1 || a.peer.path_count > w.max_paths ||
		    (w.query == JALAPENO_LOAD && a.peer.path_count != 1))
			__builtin_trap();
		for (unsigned int i = 0; i < a.peer.path_count; i++) {
			const struct srv6_path *p = &a.peer.paths[i];

			if (p->seg_count < 1 || p->seg_count > SRV6_MAX_SEGS || p->weight != 1)
				__builtin_trap();
		}
		/* Only the families asked for, each key of its own family. */
		for (int f = 0; f < ADDR_FAMS; f++)
			if (a.addrs.has[f] && (!(w.families & ADDR_FAM_BIT(f)) ||
					       addr_key_is_ipv4(&a.addrs.key[f]) != (f == ADDR_IPV4)))
				__builtin_trap();
	} else if (rc != -1 || !memchr(e.msg, '\0', sizeof(e.msg)) || strchr(e.msg, '\n') ||
		   e.msg[0] == '\0') {
		__builtin_trap(); /* failures are one non-empty line */
	}
	return 0;
}
