// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "usid.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "util/addr.h"

#define USID_ITEMS_MAX (SRV6_MAX_SEGS * 8)

int usid_block_parse(const char *text, struct usid_block *b, struct err *e)
{
	char buf[ADDR_STR_LEN + 8];
	struct in6_addr a;
	size_t len = strlen(text);
	const char *slash = strchr(text, '/');
	unsigned long bits;

	memset(b, 0, sizeof(*b));
	if (len == 0 || len >= sizeof(buf) - 2)
		return errf(e, "invalid micro-SID block \"%s\"", text);
	if (slash) {
		memcpy(buf, text, (size_t)(slash - text));
		buf[slash - text] = '\0';
		if (parse_uint(slash + 1, USID_BITS, 128 - USID_BITS, &bits) || bits % USID_BITS)
			return errf(e, "invalid micro-SID block \"%s\": length must be 16-112 in steps of 16",
				    text);
	} else {
		/* "fc00:0:" as Jalapeño spells it: count the groups, add "::". */
		size_t groups = 0;

		if (text[len - 1] != ':' || text[0] == ':')
			return errf(e, "invalid micro-SID block \"%s\": give PREFIX/LEN or \"fc00:0:\"", text);
		for (const char *p = text; *p; p++)
			groups += *p == ':';
		if (strstr(text, "::") || groups < 1 || groups > 7)
			return errf(e, "invalid micro-SID block \"%s\"", text);
		snprintf(buf, sizeof(buf), "%s:", text);
		bits = groups * USID_BITS;
	}
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return errf(e, "invalid micro-SID block \"%s\": not an IPv6 prefix", text);
	b->bits = (unsigned int)bits;
	memcpy(b->prefix, &a, bits / 8);
	for (size_t i = bits / 8; i < SRV6_ADDR_LEN; i++)
		if (((const __u8 *)&a)[i])
			return errf(e, "invalid micro-SID block \"%s\": bits set past /%lu", text, bits);
	return 0;
}

int usid_function_parse(const char *text, __u16 *fn)
{
	size_t len = strlen(text);
	unsigned long v = 0;

	if (len == 0 || len > 4)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)text[i]))
			return -1;
		v = v << 4 | (unsigned long)(isdigit((unsigned char)text[i])
						     ? text[i] - '0'
						     : tolower((unsigned char)text[i]) - 'a' + 10);
	}
	if (v == 0)
		return -1;
	*fn = (__u16)v;
	return 0;
}

bool usid_of_sid(const struct usid_block *b, const __u8 sid[SRV6_ADDR_LEN], __u16 *id)
{
	unsigned int at = b->bits / 8;

	if (memcmp(sid, b->prefix, at) != 0)
		return false;
	*id = (__u16)(sid[at] << 8 | sid[at + 1]);
	return true;
}

/* One element of the composed list: a uSID or a whole SID. */
struct item {
	bool whole;
	__u16 id;
	const __u8 *sid;
};

static int emit_carrier(const struct usid_block *b, const struct item *items, size_t n,
			struct srv6_path *out, struct err *e)
{
	__u8 *seg;

	if (out->seg_count == SRV6_MAX_SEGS)
		return errf(e, "path needs more than %d segments", SRV6_MAX_SEGS);
	seg = out->segs[out->seg_count++];
	memset(seg, 0, SRV6_ADDR_LEN);
	memcpy(seg, b->prefix, b->bits / 8);
	for (size_t i = 0; i < n; i++) {
		seg[b->bits / 8 + 2 * i] = (__u8)(items[i].id >> 8);
		seg[b->bits / 8 + 2 * i + 1] = (__u8)items[i].id;
	}
	return 0;
}

int usid_compose(const struct usid_block *b, const __u8 (*sids)[SRV6_ADDR_LEN], size_t n,
		 bool has_function, __u16 function, struct srv6_path *out, struct err *e)
{
	struct item items[USID_ITEMS_MAX + 1];
	size_t count = 0, per = usid_per_carrier(b);

	memset(out, 0, sizeof(*out));
	out->weight = 1;
	if (n == 0)
		return errf(e, "empty SID list");
	if (n > USID_ITEMS_MAX)
		return errf(e, "path of %zu SIDs needs more than %d segments", n, SRV6_MAX_SEGS);
	for (size_t i = 0; i < n; i++) {
		items[count].whole = !usid_of_sid(b, sids[i], &items[count].id);
		items[count].sid = sids[i];
		/* A zero ID ends a carrier: every uSID after it would be unreachable. */
		if (!items[count].whole && items[count].id == 0) {
			char text[ADDR_STR_LEN];

			return errf(e, "SID %s has micro-SID 0 after the block: not a node's uSID",
				    addr_sid_str(sids[i], text));
		}
		count++;
	}
	if (has_function) {
		if (per < 2)
			return errf(e, "a /%u block leaves room for one uSID per carrier: function %x cannot share the last one",
				    b->bits, function);
		if (items[count - 1].whole)
			return errf(e, "the last SID is outside the micro-SID block: cannot append function %x",
				    function);
		if (function == 0)
			return errf(e, "function 0 is no micro-SID");
		items[count].whole = false;
		items[count].id = function;
		items[count].sid = NULL;
		count++;
	}
	/* Runs of uSIDs between whole SIDs become carriers of up to per uSIDs. */
	for (size_t i = 0; i < count;) {
		size_t run = 0, take;

		if (items[i].whole) {
			if (out->seg_count == SRV6_MAX_SEGS)
				return errf(e, "path needs more than %d segments", SRV6_MAX_SEGS);
			memcpy(out->segs[out->seg_count++], items[i].sid, SRV6_ADDR_LEN);
			i++;
			continue;
		}
		while (i + run < count && !items[i + run].whole)
			run++;
		while (run) {
			take = run < per ? run : per;
			/* Keep the function with the uSID before it: alone in a carrier
			 * it would reach the wrong node. */
			if (has_function && i + take == count - 1 && run == take + 1 && take > 1)
				take--;
			if (emit_carrier(b, &items[i], take, out, e))
				return -1;
			i += take;
			run -= take;
		}
	}
	return 0;
}
