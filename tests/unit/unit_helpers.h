/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Small helpers shared by the unit tests: addresses from text, byte comparison
 * that names the first differing offset, one-line checks, a fixed-seed generator. */
#ifndef SRV6_UNIT_HELPERS_H
#define SRV6_UNIT_HELPERS_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "srv6_bpf.h"

/* An IPv6 address from text; a typo in a test fails loudly instead of testing zeros. */
static inline void ut_in6(const char *text, __u8 out[SRV6_ADDR_LEN])
{
	cr_assert_eq(inet_pton(AF_INET6, text, out), 1, "test bug: \"%s\" is not IPv6", text);
}

/* Canonical text of 16 address bytes (for readable assertion messages). */
static inline const char *ut_ntop6(const __u8 a[SRV6_ADDR_LEN], char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* Split buf in place at spaces into argv (at most max words); the count. */
static inline int ut_words(char *buf, char **argv, int max)
{
	char *save = NULL;
	int argc = 0;

	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		cr_assert_lt(argc, max, "test bug: more than %d words", max);
		argv[argc++] = t;
	}
	return argc;
}

static inline bool ut_one_line(const char *s)
{
	return !strchr(s, '\n') && !strchr(s, '\r');
}

/* Asserts that got and want hold the same len bytes, naming the first difference. */
static inline void ut_assert_bytes_eq(const void *got, const void *want, size_t len,
				      const char *what)
{
	const __u8 *g = got, *w = want;

	for (size_t i = 0; i < len; i++)
		cr_assert_eq(g[i], w[i], "%s: byte %zu is 0x%02x, expected 0x%02x", what, i, g[i],
			     w[i]);
}

/* SplitMix64 with a fixed seed: every run sees the same "random" flows, so a
 * statistical assertion either always passes or always fails. */
struct ut_rng {
	uint64_t state;
};

static inline uint64_t ut_rng_next(struct ut_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t ut_rng_u32(struct ut_rng *r)
{
	return (uint32_t)(ut_rng_next(r) >> 32);
}

#endif
