// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "membership.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "util/lines.h"

#define RANK_MAX 1000000
#define HOSTS_LINE "name [rank] [address [address]]"

static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= MEMBER_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
			return false;
	return true;
}

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int push(struct membership *m, size_t *cap, const struct member *mem, struct err *e)
{
	if (m->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct member *v = realloc(m->v, ncap * sizeof(*v));

		if (!v)
			return errf(e, "out of memory");
		m->v = v;
		*cap = ncap;
	}
	m->v[m->n++] = *mem;
	return 0;
}

/* Sort, then refuse duplicate names or ranks: the plan must not depend on order. */
static int finish(struct membership *m, const char *what, struct err *e)
{
	if (m->n == 0)
		return errf(e, "%s names no hosts", what);
	qsort(m->v, m->n, sizeof(*m->v), member_cmp);
	for (size_t i = 1; i < m->n; i++) {
		if (m->v[i].rank == m->v[i - 1].rank)
			return errf(e, "%s: rank %d given to %s and %s", what, m->v[i].rank,
				    m->v[i - 1].name, m->v[i].name);
	}
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = i + 1; j < m->n; j++)
			if (!strcmp(m->v[i].name, m->v[j].name))
				return errf(e, "%s: host %s given twice", what, m->v[i].name);
	return 0;
}

int membership_from_list(const char *list, struct membership *m, struct err *e)
{
	size_t cap = 0;
	const char *p = list;

	m->v = NULL;
	m->n = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		struct member mem = { .rank = (int)m->n };

		while (len && isspace((unsigned char)*p))
			p++, len--;
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len == 0 || len >= MEMBER_NAME_MAX)
			goto bad;
		memcpy(mem.name, p, len);
		if (!name_ok(mem.name))
			goto bad;
		if (push(m, &cap, &mem, e))
			goto fail;
		if (!comma)
			break;
		p = comma + 1;
		if (!*p) { /* "a,b," ends with an empty name, as "a,,b" has one inside */
			errf(e, "HOSTS: invalid host name \"\"");
			goto fail;
		}
		continue;
bad:
		errf(e, "HOSTS: invalid host name \"%.*s\"", (int)(len > 64 ? 64 : len), p);
		goto fail;
	}
	if (finish(m, "HOSTS", e) == 0)
		return 0;
fail:
	membership_free(m);
	return -1;
}

/* The membership a hosts file fills, and its room. */
struct hosts_file {
	struct membership *m;
	size_t cap;
};

/* A hosts file line, "name [rank] [address [address]]" (words: nw of them, 1 to 4). */
static int member_line(void *arg, char **words, int nw, const char *path, size_t lineno,
		       struct err *e)
{
	struct hosts_file *h = arg;
	struct member mem = { .rank = (int)h->m->n };
	bool rank_set = false;
	unsigned long rank;

	if (!name_ok(words[0]))
		return errf(e, "%s:%zu: invalid host name \"%.64s\"", path, lineno, words[0]);
	strcpy(mem.name, words[0]);
	for (int w = 1; w < nw; w++) {
		struct srv6_peer_key key;
		enum addr_fam f;
		int family;

		if (isdigit((unsigned char)words[w][0]) && !strchr(words[w], '.') &&
		    !strchr(words[w], ':')) {
			if (rank_set)
				return errf(e, "%s:%zu: two ranks: expected \"" HOSTS_LINE "\"",
					    path, lineno);
			rank_set = true;
			if (parse_uint(words[w], 0, RANK_MAX, &rank))
				return errf(e, "%s:%zu: invalid rank \"%.32s\"", path, lineno,
					    words[w]);
			mem.rank = (int)rank;
			continue;
		}
		if (addr_parse_peer(words[w], &key, &family, e)) {
			err_prefix(e, "%s:%zu", path, lineno);
			return -1;
		}
		f = addr_fam_of(family);
		if (mem.addrs.has[f])
			return errf(e, "%s:%zu: two %s addresses: give at most one a family", path,
				    lineno, addr_fam_name(f));
		mem.addrs.has[f] = true;
		mem.addrs.key[f] = key;
	}
	return push(h->m, &h->cap, &mem, e);
}

int membership_from_file(const char *path, struct membership *m, struct err *e)
{
	struct hosts_file h = { m, 0 };

	m->v = NULL;
	m->n = 0;
	if (lines_each(path, "hosts file", 4, HOSTS_LINE, member_line, &h, e) ||
	    finish(m, path, e)) {
		membership_free(m);
		return -1;
	}
	return 0;
}

void membership_free(struct membership *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

const struct member *membership_find(const struct membership *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

int membership_local_name(const char *hostname, const char *prefix, const char *rank,
			  char *out, size_t len, struct err *e)
{
	unsigned long r;

	if (hostname && *hostname) {
		if (!name_ok(hostname))
			return errf(e, "HOSTNAME \"%.64s\" is not a valid host name", hostname);
		snprintf(out, len, "%s", hostname);
		return 0;
	}
	if (!rank || parse_uint(rank, 0, RANK_MAX, &r))
		return errf(e, "cannot tell the local host: set HOSTNAME, or RANK (with HOSTNAME_PREFIX)");
	if ((size_t)snprintf(out, len, "%s%02lu", prefix && *prefix ? prefix : "host", r) >= len ||
	    !name_ok(out))
		return errf(e, "HOSTNAME_PREFIX \"%.32s\" makes no valid host name", prefix);
	return 0;
}
