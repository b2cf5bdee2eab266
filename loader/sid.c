// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "sid.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <linux/seg6_local.h>
#include "addr.h"
#include "datapath.h"
#include "output.h"
#include "show.h"

static const char *const action_names[] = {
	[SRV6_SID_DECAP] = "decap",
	[SRV6_SID_DECAP4] = "decap4",
	[SRV6_SID_DECAP6] = "decap6",
};

const char *sid_action_name(__u32 action)
{
	if (action < sizeof(action_names) / sizeof(action_names[0]) && action_names[action])
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

int sid_req_parse(enum route_verb verb, int argc, char **argv, struct sid_req *req,
		  struct err *e)
{
	memset(req, 0, sizeof(*req));
	req->verb = verb;
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
			for (__u32 a = 1; a < sizeof(action_names) / sizeof(action_names[0]); a++)
				if (!strcmp(arg, action_names[a]))
					req->action = a;
			if (!req->action)
				return errf(e, "invalid action \"%s\": give decap, decap4 or decap6", arg);
		} else {
			return errf(e, "unknown argument \"%s\" (see: srv6-bpf sid help)", word);
		}
	}
	if (!req->dev[0])
		return errf(e, "missing dev DEV");
	if (verb != ROUTE_DEL && !req->action)
		return errf(e, "missing action decap|decap4|decap6");
	return 0;
}

static int sid_cmp(const void *a, const void *b)
{
	const struct srv6_sid_entry *x = a, *y = b;
	int c = memcmp(x->key.addr, y->key.addr, SRV6_ADDR_LEN);

	return c ? c : (x->key.prefixlen > y->key.prefixlen) - (x->key.prefixlen < y->key.prefixlen);
}

static const char *prefix_str(const struct srv6_sid_key *key, char *buf, size_t len)
{
	char addr[ADDR_STR_LEN];

	snprintf(buf, len, "%s/%u", addr_sid_str(key->addr, addr), key->prefixlen);
	return buf;
}

static int open_decap(struct ctx *c, const char *dev, struct srv6_maps *maps, struct err *e)
{
	if (dp_open(c, dev, maps, e))
		return -1;
	if (maps->local_sids_fd < 0) {
		srv6_maps_close(maps);
		return errf(e, "%s was loaded with xdp off: no decapsulation (unload, then load without xdp off)",
			    dev);
	}
	return 0;
}

/* Kernel platform: seg6local End.DT6 (IPv6 inside, to the local table) or
 * End.DX4 (IPv4 inside, to this device's own address). */
static int ksid_apply(struct ctx *c, const struct sid_req *req, struct err *e)
{
	struct local_sid_route r = { .key = req->key, .table = c->table }, *cur = NULL;
	char text[ADDR_STR_LEN + 8];
	struct link_info li;
	bool ours = false;
	size_t n = 0;
	int rc;

	prefix_str(&req->key, text, sizeof(text));
	if (nlx_link_get(&c->nl, req->dev, &li, e) || nlx_local_sids(&c->nl, c->table, &cur, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		ours |= cur[i].key.prefixlen == req->key.prefixlen &&
			!memcmp(cur[i].key.addr, req->key.addr, SRV6_ADDR_LEN);
	free(cur);
	r.ifindex = li.ifindex;
	if (req->verb == ROUTE_DEL) {
		if (!ours)
			return errf(e, "no SID %s on %s", text, req->dev);
		return nlx_local_sid_del(&c->nl, &r, e) ? (err_prefix(e, "cannot remove SID %s", text), -1) : 0;
	}
	if (ours && req->verb == ROUTE_ADD)
		return errf(e, "SID %s exists on %s (use: srv6-bpf sid replace)", text, req->dev);
	switch (req->action) {
	case SRV6_SID_DECAP6:
		r.action = SEG6_LOCAL_ACTION_END_DT6;
		break;
	case SRV6_SID_DECAP4:
		r.action = SEG6_LOCAL_ACTION_END_DX4;
		rc = nlx_first_ipv4(&c->nl, li.ifindex, &r.nh4, e);
		if (rc > 0)
			return errf(e, "%s has no IPv4 address for End.DX4 to deliver to", req->dev);
		if (rc < 0)
			return -1;
		break;
	default:
		return errf(e, "the kernel platform cannot decapsulate IPv4 and IPv6 on one SID (End.DT46 needs a VRF): use action decap6 and action decap4 on two SIDs");
	}
	if (nlx_local_sid_set(&c->nl, &r, !ours, e)) {
		if (strstr(e->msg, "exists"))
			return errf(e, "a route for %s exists that srv6-bpf did not make: remove it first", text);
		err_prefix(e, "cannot program SID %s on %s", text, req->dev);
		return -1;
	}
	return 0;
}

static int ksid_show(struct ctx *c, const char *dev, struct err *e)
{
	cJSON *json = c->json ? cJSON_CreateArray() : NULL;
	struct local_sid_route *cur = NULL;
	char text[ADDR_STR_LEN + 8];
	struct link_info li;
	size_t n = 0;

	if ((dev && nlx_link_get(&c->nl, dev, &li, e)) ||
	    nlx_local_sids(&c->nl, c->table, &cur, &n, e)) {
		cJSON_Delete(json);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *action = cur[i].action == SEG6_LOCAL_ACTION_END_DT6 ? "decap6"
				     : cur[i].action == SEG6_LOCAL_ACTION_END_DX4 ? "decap4"
										  : "other";
		struct link_info via;
		struct err ignored;

		if (dev && cur[i].ifindex != li.ifindex)
			continue;
		if (nlx_link_by_index(&c->nl, cur[i].ifindex, &via, &ignored))
			snprintf(via.name, sizeof(via.name), "if%d", cur[i].ifindex);
		prefix_str(&cur[i].key, text, sizeof(text));
		if (json) {
			cJSON *obj = cJSON_CreateObject();

			cJSON_AddStringToObject(obj, "sid", text);
			cJSON_AddStringToObject(obj, "dev", via.name);
			cJSON_AddStringToObject(obj, "action", action);
			cJSON_AddNullToObject(obj, "packets");
			cJSON_AddNullToObject(obj, "bytes");
			cJSON_AddItemToArray(json, obj);
		} else {
			printf("%s dev %s action %s\n", text, via.name, action);
		}
	}
	if (json)
		out_json(json);
	cJSON_Delete(json);
	free(cur);
	return 0;
}

int sid_apply(struct ctx *c, const struct sid_req *req, struct err *e)
{
	struct srv6_sid_entry *cur = NULL, entry = { .key = req->key };
	const struct srv6_sid_entry *found = NULL;
	struct srv6_maps maps;
	unsigned char used[SRV6_SIDS_MAX] = { 0 };
	char text[ADDR_STR_LEN + 8];
	size_t n = 0;
	int rc;

	if (c->platform == PLATFORM_KERNEL)
		return ksid_apply(c, req, e);
	if (open_decap(c, req->dev, &maps, e))
		return -1;
	rc = srv6_sids_dump(&maps, &cur, &n);
	if (rc) {
		rc = errf(e, "cannot read the SIDs of %s: %s", req->dev, strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (cur[i].value.counters_index < SRV6_SIDS_MAX)
			used[cur[i].value.counters_index] = 1;
		if (cur[i].key.prefixlen == req->key.prefixlen &&
		    !memcmp(cur[i].key.addr, req->key.addr, SRV6_ADDR_LEN))
			found = &cur[i];
	}
	prefix_str(&req->key, text, sizeof(text));
	if (req->verb == ROUTE_DEL) {
		rc = found ? srv6_sid_delete(&maps, &req->key) : -ENOENT;
		if (rc)
			rc = errf(e, "no SID %s on %s", text, req->dev);
		goto out;
	}
	if (found && req->verb == ROUTE_ADD) {
		rc = errf(e, "SID %s exists on %s (use: srv6-bpf sid replace)", text, req->dev);
		goto out;
	}
	entry.value.action = req->action;
	if (found) {
		entry.value.counters_index = found->value.counters_index;
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
	if (rc)
		rc = errf(e, "cannot program SID %s on %s: %s", text, req->dev, strerror(-rc));
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
		prefix_str(&cur[i].key, text, sizeof(text));
		if (json) {
			cJSON *obj = cJSON_CreateObject();

			cJSON_AddStringToObject(obj, "sid", text);
			cJSON_AddStringToObject(obj, "dev", dev);
			cJSON_AddStringToObject(obj, "action", sid_action_name(cur[i].value.action));
			cJSON_AddNumberToObject(obj, "packets", (double)ctrs.packets);
			cJSON_AddNumberToObject(obj, "bytes", (double)ctrs.bytes);
			cJSON_AddItemToArray(json, obj);
		} else {
			printf("%s dev %s action %s  # packets %llu bytes %llu\n", text, dev,
			       sid_action_name(cur[i].value.action),
			       (unsigned long long)ctrs.packets, (unsigned long long)ctrs.bytes);
		}
	}
	free(cur);
	srv6_maps_close(&maps);
	return 0;
}

int sid_show(struct ctx *c, const char *dev, struct err *e)
{
	if (c->platform == PLATFORM_KERNEL)
		return ksid_show(c, dev, e);
	return show_foreach(c, dev, show_dev, e);
}
