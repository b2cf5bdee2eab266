// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const __u8 v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool addr_key_is_ipv4(const struct srv6_peer_key *key)
{
	return memcmp(key->addr, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0;
}

void addr_key_from_in6(struct srv6_peer_key *key, const struct in6_addr *a)
{
	memcpy(key->addr, a, SRV6_ADDR_LEN);
}

void addr_key_from_in(struct srv6_peer_key *key, const struct in_addr *a)
{
	memcpy(key->addr, v4mapped_prefix, sizeof(v4mapped_prefix));
	memcpy(key->addr + 12, a, 4);
}

int parse_uint(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!text || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int addr_parse_peer(const char *text, struct srv6_peer_key *key, int *family, struct err *e)
{
	char buf[ADDR_STR_LEN + 8];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	struct in6_addr a6;
	struct in_addr a4;

	if (len == 0 || len >= ADDR_STR_LEN)
		return errf(e, "invalid peer \"%s\": not an IPv4 or IPv6 address", text);
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, &a6) == 1) {
		if (slash && strcmp(slash, "/128"))
			return errf(e, "invalid peer \"%s\": a peer is one host (/128)", text);
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_MULTICAST(&a6) ||
		    IN6_IS_ADDR_V4MAPPED(&a6))
			return errf(e, "invalid peer \"%s\": not a unicast host address", text);
		addr_key_from_in6(key, &a6);
		*family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		if (slash && strcmp(slash, "/32"))
			return errf(e, "invalid peer \"%s\": a peer is one host (/32)", text);
		if (a4.s_addr == 0 || IN_MULTICAST(ntohl(a4.s_addr)) ||
		    a4.s_addr == htonl(INADDR_BROADCAST))
			return errf(e, "invalid peer \"%s\": not a unicast host address", text);
		addr_key_from_in(key, &a4);
		*family = AF_INET;
		return 0;
	}
	return errf(e, "invalid peer \"%s\": not an IPv4 or IPv6 address", text);
}

int addr_parse_sid(const char *text, __u8 sid[SRV6_ADDR_LEN], struct err *e)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, text, &a) != 1)
		return errf(e, "invalid SID \"%s\": not an IPv6 address", text);
	if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) ||
	    IN6_IS_ADDR_MULTICAST(&a) || IN6_IS_ADDR_LINKLOCAL(&a) ||
	    IN6_IS_ADDR_V4MAPPED(&a))
		return errf(e, "invalid SID \"%s\": a SID is a global unicast IPv6 address",
			    text);
	memcpy(sid, &a, SRV6_ADDR_LEN);
	return 0;
}

int addr_parse_segs(const char *text, struct srv6_path *path, struct err *e)
{
	char sid[ADDR_STR_LEN + 1];
	const char *p = text;
	unsigned int n = 0;

	if (!*text)
		return errf(e, "empty segs: give SID[,SID...]");
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 0)
			return errf(e, "invalid segs \"%s\": empty SID", text);
		if (n == SRV6_MAX_SEGS)
			return errf(e, "too many SIDs in \"%s\": at most %d per path", text,
				    SRV6_MAX_SEGS);
		if (len > ADDR_STR_LEN) {
			return errf(e, "invalid SID \"%.*s\": not an IPv6 address",
				    (int)(len > 64 ? 64 : len), p);
		}
		memcpy(sid, p, len);
		sid[len] = '\0';
		if (addr_parse_sid(sid, path->segs[n], e))
			return -1;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	path->seg_count = (__u8)n;
	return 0;
}

const char *addr_key_str(const struct srv6_peer_key *key, char buf[ADDR_STR_LEN])
{
	if (addr_key_is_ipv4(key))
		return inet_ntop(AF_INET, key->addr + 12, buf, ADDR_STR_LEN);
	return inet_ntop(AF_INET6, key->addr, buf, ADDR_STR_LEN);
}

enum addr_fam addr_fam_of(int family)
{
	return family == AF_INET ? ADDR_IPV4 : ADDR_IPV6;
}

int addr_fam_af(enum addr_fam f)
{
	return f == ADDR_IPV4 ? AF_INET : AF_INET6;
}

const char *addr_fam_name(enum addr_fam f)
{
	return f == ADDR_IPV4 ? "IPv4" : "IPv6";
}

const char *addr_fam_field(enum addr_fam f)
{
	return f == ADDR_IPV4 ? "ipv4_address" : "ipv6_address";
}

const char *addr_fams_name(unsigned int mask)
{
	if (mask == ADDR_FAM_BIT(ADDR_IPV6))
		return "IPv6";
	if (mask == ADDR_FAM_BIT(ADDR_IPV4))
		return "IPv4";
	return "IPv6 or IPv4";
}

int addr_parse_host_field(const char *text, enum addr_fam f, struct srv6_peer_key *key,
			  bool *has)
{
	char buf[ADDR_STR_LEN];
	size_t len = strcspn(text, "/");
	struct err why;
	int family;

	*has = false;
	if (text[0] == '\0')
		return 0;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (addr_parse_peer(buf, key, &family, &why) || addr_fam_of(family) != f)
		return -1;
	*has = true;
	return 0;
}

unsigned int host_addrs_count(const struct host_addrs *a)
{
	unsigned int n = 0;

	for (int f = 0; f < ADDR_FAMS; f++)
		n += a->has[f];
	return n;
}

void host_addrs_fill(struct host_addrs *a, const struct host_addrs *b)
{
	for (int f = 0; f < ADDR_FAMS; f++) {
		if (!a->has[f] && b->has[f]) {
			a->has[f] = true;
			a->key[f] = b->key[f];
		}
	}
}

const char *addr_sid_str(const __u8 sid[SRV6_ADDR_LEN], char buf[ADDR_STR_LEN])
{
	return inet_ntop(AF_INET6, sid, buf, ADDR_STR_LEN);
}

bool addr_sid_key_eq(const struct srv6_sid_key *a, const struct srv6_sid_key *b)
{
	return a->prefixlen == b->prefixlen && !memcmp(a->addr, b->addr, SRV6_ADDR_LEN);
}

const char *addr_segs_str(const struct srv6_path *path, char buf[ADDR_SEGS_STR_LEN])
{
	char sid[ADDR_STR_LEN];
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int s = 0; s < path->seg_count && s < SRV6_MAX_SEGS; s++)
		used += (size_t)snprintf(buf + used, ADDR_SEGS_STR_LEN - used, "%s%s", s ? "," : "",
					 addr_sid_str(path->segs[s], sid));
	return buf;
}
