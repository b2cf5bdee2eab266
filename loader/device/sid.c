// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "sid.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "util/addr.h"
#include "platform/platform.h"
#include "util/output.h"
#include "srv6_usid.h"

static int parse_prefix(const char *text, struct srv6_sid_key *key, struct err *e)
{
	char addr[ADDR_STR_LEN + 1];
	const char *slash = strchr(text, '/');
	unsigned long len;
	struct in6_addr a;

	if (!slash || (size_t)(slash - text) > ADDR_STR_LEN)
		return errf(e, "invalid SID \"%s\": give SID/LEN, e.g. fc00:0:2::/48", text);
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	if (parse_uint(slash + 1, 1, 128, &len))
		return errf(e, "invalid SID \"%s\": the length must be 1-128", text);
	if (addr_parse_sid(addr, key->addr, e))
		return -1;
	memcpy(&a, key->addr, sizeof(a));
	for (unsigned int bit = (unsigned int)len; bit < 128; bit++) {
		if (a.s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return errf(e, "invalid SID \"%s\": bits set past /%lu", text, len);
	}
	key->prefixlen = (__u32)len;
	return 0;
}

/* "lblen N" / "nflen N": bits, checked together once both are known. */
static int parse_bits(const char *word, const char *arg, __u8 *out, struct err *e)
{
	unsigned long v;

	if (parse_uint(arg, 0, 128, &v))
		return errf(e, "invalid %s \"%s\": give a number of bits, a multiple of 8", word, arg);
	*out = (__u8)v;
	return 0;
}

int sid_req_parse(enum route_verb verb, int argc, char **argv, struct sid_req *req,
		  struct err *e)
{
	bool lengths_given = false;

	memset(req, 0, sizeof(*req));
	req->verb = verb;
	req->lblen = SRV6_USID_LBLEN_DEFAULT;
	req->nflen = SRV6_USID_NFLEN_DEFAULT;
	if (argc < 1)
		return errf(e, "missing SID/LEN");
	if (parse_prefix(argv[0], &req->key, e))
		return -1;
	for (int i = 1; i < argc; i += 2) {
		const char *word = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!arg)
			return errf(e, "missing value after \"%s\"", word);
		if (!strcmp(word, "dev")) {
			if (strlen(arg) >= IF_NAMESIZE || !*arg)
				return errf(e, "invalid dev \"%s\": not an interface name", arg);
			strcpy(req->dev, arg);
		} else if (!strcmp(word, "action") && verb != ROUTE_DEL) {
			if (sid_action_parse(arg, &req->action))
				return errf(e, "invalid action \"%s\": give decap, decap4, decap6 or end", arg);
		} else if ((!strcmp(word, "lblen") || !strcmp(word, "nflen")) && verb != ROUTE_DEL) {
			if (parse_bits(word, arg, word[0] == 'l' ? &req->lblen : &req->nflen, e))
				return -1;
			lengths_given = true;
		} else {
			return errf(e, "unknown argument \"%s\" (see: srv6-bpf sid help)", word);
		}
	}
	if (!req->dev[0])
		return errf(e, "missing dev DEV");
	if (verb != ROUTE_DEL && !req->action)
		return errf(e, "missing action decap|decap4|decap6|end");
	if (lengths_given && req->action != SRV6_SID_END)
		return errf(e, "lblen and nflen belong to action end");
	if (req->action == SRV6_SID_END && !srv6_usid_lengths_valid(req->lblen, req->nflen))
		return errf(e, "invalid micro-SID layout lblen %u nflen %u: each 8-120 bits in whole bytes, together at most 128",
			    req->lblen, req->nflen);
	/* A uN SID is its block and node ID: a shorter prefix would end other
	 * nodes' SIDs, a longer one would fix bits of the argument. */
	if (req->action == SRV6_SID_END && req->key.prefixlen != (__u32)req->lblen + req->nflen)
		return errf(e, "an End SID's prefix is its block and node ID: give /%u for lblen %u nflen %u, not /%u",
			    req->lblen + req->nflen, req->lblen, req->nflen, req->key.prefixlen);
	return 0;
}

static void row_json(cJSON *json, const struct sid_row *r)
{
	cJSON *obj = cJSON_CreateObject();
	char text[ADDR_STR_LEN + 8];

	cJSON_AddStringToObject(obj, "sid", sid_prefix_str(&r->key, text, sizeof(text)));
	cJSON_AddStringToObject(obj, "dev", r->dev);
	cJSON_AddStringToObject(obj, "action", r->action);
	if (r->end) {
		cJSON_AddNumberToObject(obj, "lblen", r->lblen);
		cJSON_AddNumberToObject(obj, "nflen", r->nflen);
	}
	if (r->counted) {
		cJSON_AddNumberToObject(obj, "packets", (double)r->packets);
		cJSON_AddNumberToObject(obj, "bytes", (double)r->bytes);
	} else { /* kernel routes count nothing */
		cJSON_AddNullToObject(obj, "packets");
		cJSON_AddNullToObject(obj, "bytes");
	}
	cJSON_AddItemToArray(json, obj);
}

/* The grammar `sid add` reads, counters after '#'. */
static void row_text(const struct sid_row *r)
{
	char text[ADDR_STR_LEN + 8];

	printf("%s dev %s action %s", sid_prefix_str(&r->key, text, sizeof(text)), r->dev,
	       r->action);
	if (r->end)
		printf(" lblen %u nflen %u", r->lblen, r->nflen);
	if (r->counted)
		printf("  # packets %llu bytes %llu", (unsigned long long)r->packets,
		       (unsigned long long)r->bytes);
	printf("\n");
}

int sid_apply(struct ctx *c, const struct sid_req *req, struct err *e)
{
	return c->ops->sid_apply(c, req, e);
}

int sid_show(struct ctx *c, const char *dev, struct err *e)
{
	cJSON *json = c->json ? cJSON_CreateArray() : NULL;
	struct sid_row *rows = NULL;
	size_t n = 0;

	if (c->ops->sid_list(c, dev, &rows, &n, e)) {
		cJSON_Delete(json);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		json ? row_json(json, &rows[i]) : row_text(&rows[i]);
	if (json)
		out_json(json);
	cJSON_Delete(json);
	free(rows);
	return 0;
}
