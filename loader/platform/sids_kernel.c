// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Local SIDs on the kernel platform: seg6local routes instead of the XDP map. */
#include "kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seg6_local.h>
#include "util/addr.h"
#include "util/array.h"

/* Kernel platform: seg6local End.DT6 (IPv6 inside, to the local table),
 * End.DX4 (IPv4 inside, to this device's own address), or End with the
 * NEXT-C-SID flavour (a micro-SID node: the kernel shifts and forwards). */
int kernel_sid_apply(struct ctx *c, const struct sid_req *req, struct err *e)
{
	struct local_sid_route r = { .key = req->key, .table = c->table }, *cur = NULL;
	char text[ADDR_STR_LEN + 8];
	struct link_info li;
	bool ours = false;
	size_t n = 0;
	int rc;

	sid_prefix_str(&req->key, text, sizeof(text));
	if (nlx_link_get(&c->nl, req->dev, &li, e) || nlx_local_sids(&c->nl, c->table, &cur, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		ours |= addr_sid_key_eq(&cur[i].key, &req->key);
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
	case SRV6_SID_END:
		r.action = SEG6_LOCAL_ACTION_END;
		r.lblen = req->lblen; /* the parser checked them (and set the defaults) */
		r.nflen = req->nflen;
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

/* The sid grammar's name of a seg6local route's action. */
static const char *kernel_action_name(const struct local_sid_route *r)
{
	switch (r->action) {
	case SEG6_LOCAL_ACTION_END_DT6:
		return sid_action_name(SRV6_SID_DECAP6);
	case SEG6_LOCAL_ACTION_END_DX4:
		return sid_action_name(SRV6_SID_DECAP4);
	case SEG6_LOCAL_ACTION_END: /* without NEXT-C-SID it is none of ours */
		return r->lblen ? sid_action_name(SRV6_SID_END) : "other";
	default:
		return "other";
	}
}

int kernel_sid_list(struct ctx *c, const char *dev, struct sid_row **v, size_t *n,
		    struct err *e)
{
	struct local_sid_route *cur = NULL;
	struct sid_row *rows = NULL;
	size_t ncur = 0, nrows = 0, cap = 0;
	struct link_info li;
	int rc = 0;

	if ((dev && nlx_link_get(&c->nl, dev, &li, e)) ||
	    nlx_local_sids(&c->nl, c->table, &cur, &ncur, e))
		return -1;
	for (size_t i = 0; i < ncur && rc == 0; i++) {
		bool end = cur[i].action == SEG6_LOCAL_ACTION_END && cur[i].lblen;
		struct sid_row r = { .key = cur[i].key, .action = kernel_action_name(&cur[i]) };
		struct link_info via;
		struct err ignored;

		if (dev && cur[i].ifindex != li.ifindex)
			continue;
		if (nlx_link_by_index(&c->nl, cur[i].ifindex, &via, &ignored))
			snprintf(via.name, sizeof(via.name), "if%d", cur[i].ifindex);
		snprintf(r.dev, sizeof(r.dev), "%s", via.name);
		if (end) {
			r.end = true;
			r.lblen = cur[i].lblen;
			r.nflen = cur[i].nflen;
		}
		if (!array_append((void **)&rows, &nrows, &cap, &r, sizeof(r)))
			rc = errf(e, "out of memory");
	}
	free(cur);
	if (rc) {
		free(rows);
		return -1;
	}
	*v = rows;
	*n = nrows;
	return 0;
}
