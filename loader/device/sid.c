// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "sid.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "util/addr.h"
#include "util/array.h"
#include "platform/datapath.h"
#include "util/output.h"
#include "show.h"
#include "srv6_usid.h"

static const char *const action_names[] = {
	[SRV6_SID_DECAP] = "decap",
	[SRV6_SID_DECAP4] = "decap4",
	[SRV6_SID_DECAP6] = "decap6",
	[SRV6_SID_END] = "end",
};

const char *sid_action_name(__u32 action)
{
	if (action < ARRAY_SIZE(action_names) && action_names[action])
		return action_names[action];
	return "unknown";
}

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
			for (__u32 a = 1; a < ARRAY_SIZE(action_names); a++)
				if (!strcmp(arg, action_names[a]))
					req->action = a;
			if (!req->action)
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

static int sid_cmp(const void *a, const void *b)
{
	const struct srv6_sid_entry *x = a, *y = b;
	int c = memcmp(x->key.addr, y->key.addr, SRV6_ADDR_LEN);

	return c ? c : (x->key.prefixlen > y->key.prefixlen) - (x->key.prefixlen < y->key.prefixlen);
}

const char *sid_prefix_str(const struct srv6_sid_key *key, char *buf, size_t len)
{
	char addr[ADDR_STR_LEN];

	snprintf(buf, len, "%s/%u", addr_sid_str(key->addr, addr), key->prefixlen);
	return buf;
}

/* The SID maps of dev, and the hook its SID program runs at (*mode). */
static int open_decap(struct ctx *c, const char *dev, struct srv6_maps *maps,
		      enum srv6_xdp_mode *mode, struct err *e)
{
	struct srv6_config cfg;

	if (dp_open(c, dev, maps, e))
		return -1;
	if (maps->local_sids_fd < 0) {
		srv6_maps_close(maps);
		return errf(e, "%s was loaded with xdp off: no decapsulation (unload, then load without xdp off)",
			    dev);
	}
	if (srv6_config_read(maps, &cfg)) {
		srv6_maps_close(maps);
		return errf(e, "cannot read the config of %s", dev);
	}
	*mode = cfg.xdp_mode;
	return 0;
}

/* Every (End SID, device that is up and has it) pair of the namespace. */
struct end_sids {
	struct sid_route *v;
	size_t n, cap;
	bool partial; /* a device could not be read: its SIDs are unknown */
};

/* The first pair of key in v (and with ifindex, unless it is 0), or NULL. */
static const struct sid_route *sid_route_find(const struct sid_route *v, size_t n,
					      const struct srv6_sid_key *key, int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (addr_sid_key_eq(&v[i].key, key) && (!ifindex || v[i].ifindex == ifindex))
			return &v[i];
	return NULL;
}

static int end_sids_collect(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	struct end_sids *want = arg;
	struct srv6_sid_entry *cur = NULL;
	struct srv6_maps maps;
	struct link_info li;
	struct err ignored;
	size_t n = 0;

	/* A device gone or down takes its routes with it: no candidate. */
	if (nlx_link_get(&c->nl, dev, &li, &ignored) || !li.up)
		return 0;
	if (dp_open(c, dev, &maps, &ignored)) {
		want->partial = true; /* pins of another version, half a datapath */
		return 0;
	}
	if (maps.local_sids_fd >= 0 && srv6_sids_dump(&maps, &cur, &n))
		want->partial = true;
	for (size_t i = 0; i < n; i++) {
		struct sid_route r = { .key = cur[i].key, .ifindex = li.ifindex };

		if (cur[i].value.action == SRV6_SID_END &&
		    !array_append((void **)&want->v, &want->n, &want->cap, &r, sizeof(r))) {
			free(cur);
			srv6_maps_close(&maps);
			return errf(e, "out of memory");
		}
	}
	free(cur);
	srv6_maps_close(&maps);
	return 0;
}

int sid_routes_sync(struct ctx *c, struct err *e)
{
	struct end_sids want = { 0 };
	struct sid_route *have = NULL;
	size_t nhave = 0;
	int rc = dp_foreach(c, NULL, end_sids_collect, &want, e);

	if (rc == 0)
		rc = nlx_sid_routes(&c->nl, &have, &nhave, e);
	/* A route stays while its device has the SID; else it moves to the first
	 * device that has it, or is made there. */
	for (size_t i = 0; i < want.n && rc == 0; i++) {
		const struct sid_route *h = sid_route_find(have, nhave, &want.v[i].key, 0);

		if (sid_route_find(want.v, i, &want.v[i].key, 0))
			continue; /* not the key's first pair: decided already */
		if (!h || !sid_route_find(want.v, want.n, &h->key, h->ifindex))
			rc = nlx_sid_route_set(&c->nl, &want.v[i].key, want.v[i].ifindex, e);
	}
	/* Routes of End SIDs no device has; never when a device was unreadable. */
	for (size_t i = 0; i < nhave && rc == 0 && !want.partial; i++)
		if (!sid_route_find(want.v, want.n, &have[i].key, 0))
			rc = nlx_sid_route_del(&c->nl, &have[i].key, e);
	free(want.v);
	free(have);
	return rc;
}

int sid_dev_unload(struct ctx *c, const char *dev, struct err *e)
{
	int lock = dp_lock(c, e), rc;

	if (lock < 0)
		return -1;
	rc = dp_unload(c, dev, e) || sid_routes_sync(c, e) ? -1 : 0;
	dp_unlock(lock);
	return rc;
}

int sid_dev_reloaded(struct ctx *c, struct err *e)
{
	int lock = dp_lock(c, e), rc;

	if (lock < 0)
		return -1;
	rc = sid_routes_sync(c, e);
	dp_unlock(lock);
	return rc;
}

static int sid_apply_locked(struct ctx *c, const struct sid_req *req, struct err *e);

int sid_apply(struct ctx *c, const struct sid_req *req, struct err *e)
{
	int lock, rc;

	if (c->platform == PLATFORM_KERNEL)
		return sid_kernel_apply(c, req, e);
	lock = dp_lock(c, e);
	if (lock < 0)
		return -1;
	rc = sid_apply_locked(c, req, e);
	dp_unlock(lock);
	return rc;
}

/* The BPF platform's sid add|replace|del, under the namespace's lock. */
static int sid_apply_locked(struct ctx *c, const struct sid_req *req, struct err *e)
{
	struct srv6_sid_entry *cur = NULL, entry = { .key = req->key }, old = { .key = req->key };
	enum srv6_xdp_mode mode = SRV6_XDP_OFF;
	struct srv6_maps maps;
	unsigned char used[SRV6_SIDS_MAX] = { 0 };
	char text[ADDR_STR_LEN + 8];
	bool found = false;
	size_t n = 0;
	int rc;

	if (open_decap(c, req->dev, &maps, &mode, e))
		return -1;
	if (mode == SRV6_XDP_TC && req->verb != ROUTE_DEL && req->action != SRV6_SID_END) {
		srv6_maps_close(&maps);
		return errf(e, "%s runs End SIDs only (loaded with xdp tc): decapsulation needs XDP (unload, then load with xdp auto)",
			    req->dev);
	}
	rc = srv6_sids_dump(&maps, &cur, &n);
	if (rc) {
		rc = errf(e, "cannot read the SIDs of %s: %s", req->dev, strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (cur[i].value.counters_index < SRV6_SIDS_MAX)
			used[cur[i].value.counters_index] = 1;
		if (addr_sid_key_eq(&cur[i].key, &req->key)) {
			old = cur[i];
			found = true;
		}
	}
	sid_prefix_str(&req->key, text, sizeof(text));
	if (req->verb == ROUTE_DEL) {
		rc = found ? srv6_sid_delete(&maps, &req->key) : -ENOENT;
		if (rc) {
			rc = errf(e, "no SID %s on %s", text, req->dev);
		} else if (old.value.action == SRV6_SID_END && sid_routes_sync(c, e)) {
			struct err ignored;

			srv6_sid_update(&maps, &old, false); /* as it was */
			sid_routes_sync(c, &ignored);
			rc = -1;
		}
		goto out;
	}
	if (found && req->verb == ROUTE_ADD) {
		rc = errf(e, "SID %s exists on %s (use: srv6-bpf sid replace)", text, req->dev);
		goto out;
	}
	entry.value.action = req->action;
	if (req->action == SRV6_SID_END) {
		entry.value.lblen = req->lblen;
		entry.value.nflen = req->nflen;
	}
	if (found) {
		entry.value.counters_index = old.value.counters_index;
	} else {
		__u32 i = 0;

		while (i < SRV6_SIDS_MAX && used[i])
			i++;
		if (i == SRV6_SIDS_MAX) {
			rc = errf(e, "the SID table of %s is full (%d SIDs)", req->dev, SRV6_SIDS_MAX);
			goto out;
		}
		entry.value.counters_index = i;
		srv6_sid_ctrs_zero(&maps, i);
	}
	rc = srv6_sid_update(&maps, &entry, false);
	if (rc) {
		rc = errf(e, "cannot program SID %s on %s: %s", text, req->dev, strerror(-rc));
		goto out;
	}
	if ((req->action == SRV6_SID_END || old.value.action == SRV6_SID_END) &&
	    sid_routes_sync(c, e)) {
		/* Put the map back as it was; the routes follow it. */
		struct err ignored;

		if (found)
			srv6_sid_update(&maps, &old, false);
		else
			srv6_sid_delete(&maps, &req->key);
		sid_routes_sync(c, &ignored);
		rc = -1;
	}
out:
	free(cur);
	srv6_maps_close(&maps);
	return rc ? -1 : 0;
}

static int show_dev(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	struct srv6_sid_entry *cur = NULL;
	struct srv6_maps maps;
	cJSON *json = arg;
	char text[ADDR_STR_LEN + 8];
	size_t n = 0;

	if (dp_open(c, dev, &maps, e))
		return -1;
	if (maps.local_sids_fd < 0) { /* xdp off: nothing to show */
		srv6_maps_close(&maps);
		return 0;
	}
	if (srv6_sids_dump(&maps, &cur, &n)) {
		srv6_maps_close(&maps);
		free(cur);
		return errf(e, "cannot read the SIDs of %s", dev);
	}
	qsort(cur, n, sizeof(*cur), sid_cmp);
	for (size_t i = 0; i < n; i++) {
		struct srv6_sid_counters ctrs = { 0 };

		srv6_sid_ctrs_read(&maps, cur[i].value.counters_index, &ctrs);
		sid_prefix_str(&cur[i].key, text, sizeof(text));
		const struct srv6_local_sid *v = &cur[i].value;
		bool is_end = v->action == SRV6_SID_END;

		if (json) {
			cJSON *obj = cJSON_CreateObject();

			cJSON_AddStringToObject(obj, "sid", text);
			cJSON_AddStringToObject(obj, "dev", dev);
			cJSON_AddStringToObject(obj, "action", sid_action_name(v->action));
			if (is_end) {
				cJSON_AddNumberToObject(obj, "lblen", v->lblen);
				cJSON_AddNumberToObject(obj, "nflen", v->nflen);
			}
			cJSON_AddNumberToObject(obj, "packets", (double)ctrs.packets);
			cJSON_AddNumberToObject(obj, "bytes", (double)ctrs.bytes);
			cJSON_AddItemToArray(json, obj);
		} else {
			/* The grammar `sid add` reads, counters after '#'. */
			printf("%s dev %s action %s", text, dev, sid_action_name(v->action));
			if (is_end)
				printf(" lblen %u nflen %u", v->lblen, v->nflen);
			printf("  # packets %llu bytes %llu\n", (unsigned long long)ctrs.packets,
			       (unsigned long long)ctrs.bytes);
		}
	}
	free(cur);
	srv6_maps_close(&maps);
	return 0;
}

int sid_show(struct ctx *c, const char *dev, struct err *e)
{
	if (c->platform == PLATFORM_KERNEL)
		return sid_kernel_show(c, dev, e);
	return show_foreach(c, dev, show_dev, e);
}
