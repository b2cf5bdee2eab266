/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What a platform is asked to do on a device: a peer's paths (route) or a
 * local SID (sid). The grammar that writes these is device/route_parse.h and
 * device/sid.h; the platforms (platform.h) carry them out.
 */
#ifndef SRV6_REQUEST_H
#define SRV6_REQUEST_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include "srv6_bpf.h"

enum route_verb {
	ROUTE_ADD,
	ROUTE_REPLACE,
	ROUTE_DEL,
};

struct route_req {
	enum route_verb verb;
	struct srv6_peer_key key;
	int family; /* AF_INET6 or AF_INET: how the peer was written */
	char dev[IF_NAMESIZE];
	/* path_count and each path's seg_count, weight and segs; the platform
	 * fills counters_base and flags. */
	struct srv6_peer peer;
};

struct sid_req {
	enum route_verb verb; /* add, replace, del */
	struct srv6_sid_key key;
	__u32 action; /* enum srv6_sid_action; 0 for del */
	__u8 lblen, nflen; /* action end: micro-SID block and node function bits */
	char dev[IF_NAMESIZE];
};

/* One local SID as `sid show` prints it, whichever platform holds it. */
struct sid_row {
	struct srv6_sid_key key;
	char dev[IF_NAMESIZE];
	const char *action; /* the sid grammar's word, or "other" */
	bool end;           /* action end: lblen and nflen are its layout */
	__u8 lblen, nflen;
	bool counted;       /* packets and bytes are known (BPF platform) */
	__u64 packets, bytes;
};

/* The sid grammar's word for an action ("unknown" for none of ours). */
const char *sid_action_name(__u32 action);
int sid_action_parse(const char *word, __u32 *action);

/* "PREFIX/LEN" of a SID key; buf holds ADDR_STR_LEN + 8 bytes. */
const char *sid_prefix_str(const struct srv6_sid_key *key, char *buf, size_t len);

#endif
