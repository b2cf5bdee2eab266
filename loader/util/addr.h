/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Addresses and SIDs as users type them, and back. */
#ifndef SRV6_ADDR_H
#define SRV6_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include "err.h"
#include "srv6_bpf.h"

#define ADDR_STR_LEN INET6_ADDRSTRLEN

/* A peer: an IPv6 or IPv4 host address, optionally with /128 or /32.
 * IPv4 is stored as ::ffff:a.b.c.d; *family tells which it was. */
int addr_parse_peer(const char *text, struct srv6_peer_key *key, int *family, struct err *e);

/* One SID: a unicast IPv6 address (not ::, ::1, multicast, link-local or IPv4-mapped). */
int addr_parse_sid(const char *text, __u8 sid[SRV6_ADDR_LEN], struct err *e);

/* "SID[,SID...]" into path->segs/seg_count (1..SRV6_MAX_SEGS). */
int addr_parse_segs(const char *text, struct srv6_path *path, struct err *e);

bool addr_key_is_ipv4(const struct srv6_peer_key *key);
void addr_key_from_in6(struct srv6_peer_key *key, const struct in6_addr *a);
void addr_key_from_in(struct srv6_peer_key *key, const struct in_addr *a);

/*
 * A host's addresses: at most one a family. Dual-stack hosts are peers under
 * both, with the same paths; the index is the family's (IPv6 first).
 */
enum addr_fam { ADDR_IPV6, ADDR_IPV4, ADDR_FAMS };
#define ADDR_FAM_BIT(f) (1u << (f))
#define ADDR_FAMS_ALL (ADDR_FAM_BIT(ADDR_IPV6) | ADDR_FAM_BIT(ADDR_IPV4))

struct host_addrs {
	bool has[ADDR_FAMS];
	struct srv6_peer_key key[ADDR_FAMS]; /* IPv4 as ::ffff:a.b.c.d */
};

enum addr_fam addr_fam_of(int family); /* AF_INET: ADDR_IPV4, else ADDR_IPV6 */
int addr_fam_af(enum addr_fam f);
const char *addr_fam_name(enum addr_fam f);  /* "IPv6", "IPv4" */
const char *addr_fam_field(enum addr_fam f); /* "ipv6_address", "ipv4_address" (Jalapeño) */
/* The families of mask as text: "IPv6", "IPv4" or "IPv6 or IPv4". */
const char *addr_fams_name(unsigned int mask);

/*
 * A host's address as Jalapeño documents spell it (ipv6_address, ipv4_address):
 * "" is none (*has false), a prefix length is dropped (the host is the address),
 * and it must be a unicast host address of family f (not ::ffff:a.b.c.d, which
 * would be the IPv4 key). -1 when it is not.
 */
int addr_parse_host_field(const char *text, enum addr_fam f, struct srv6_peer_key *key,
			  bool *has);

/* How many addresses a has. */
unsigned int host_addrs_count(const struct host_addrs *a);
/* Every family a lacks, from b: the first source's word wins, family by family. */
void host_addrs_fill(struct host_addrs *a, const struct host_addrs *b);

/* Text of a peer key (dotted quad for IPv4 peers) or a SID. */
const char *addr_key_str(const struct srv6_peer_key *key, char buf[ADDR_STR_LEN]);
const char *addr_sid_str(const __u8 sid[SRV6_ADDR_LEN], char buf[ADDR_STR_LEN]);

/* "SID,SID,..." of a path: what addr_parse_segs reads back. */
#define ADDR_SEGS_STR_LEN (SRV6_MAX_SEGS * (ADDR_STR_LEN + 1))
const char *addr_segs_str(const struct srv6_path *path, char buf[ADDR_SEGS_STR_LEN]);

/* The same SID prefix (length and address). */
bool addr_sid_key_eq(const struct srv6_sid_key *a, const struct srv6_sid_key *b);

/* Strict unsigned integer in [min, max]. */
int parse_uint(const char *text, unsigned long min, unsigned long max, unsigned long *out);

#endif
