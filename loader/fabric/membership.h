/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Who is in the job, as the SRv6 PyTorch plugin works it out: hosts from HOSTS
 * (comma list, rank = position) or a hosts file (`name [rank] [address...]` a line,
 * at most one address a family),
 * the local host from HOSTNAME or HOSTNAME_PREFIX + RANK as two digits.
 * Graph vertices are hosts/NAME.
 */
#ifndef SRV6_MEMBERSHIP_H
#define SRV6_MEMBERSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include "util/addr.h"
#include "util/err.h"
#include "srv6_bpf.h"

#define MEMBER_NAME_MAX 64

struct member {
	char name[MEMBER_NAME_MAX];
	int rank;
	struct host_addrs addrs; /* the hosts file's: win over any source's, family by family */
};

struct membership {
	struct member *v; /* sorted by rank, then name */
	size_t n;
};

int membership_from_list(const char *list, struct membership *m, struct err *e);
int membership_from_file(const char *path, struct membership *m, struct err *e);
void membership_free(struct membership *m);

/* The member named name, or NULL. */
const struct member *membership_find(const struct membership *m, const char *name);

/* hostname (HOSTNAME) wins; else prefix (default "host") + rank as two digits. */
int membership_local_name(const char *hostname, const char *prefix, const char *rank,
			  char *out, size_t len, struct err *e);

#endif
