/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Arrays: their length, and growing one. */
#ifndef SRV6_ARRAY_H
#define SRV6_ARRAY_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Elements of an array (not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Append item (size bytes) to the array *v of *n items with room for *cap,
 * doubling the room when full; false when out of memory (*v unchanged). */
static inline bool array_append(void **v, size_t *n, size_t *cap, const void *item, size_t size)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void *nv = realloc(*v, ncap * size);

		if (!nv)
			return false;
		*v = nv;
		*cap = ncap;
	}
	memcpy((char *)*v + *n * size, item, size);
	(*n)++;
	return true;
}

#endif
