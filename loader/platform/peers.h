/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A device's peers as a platform holds them, and the changes device/route.c
 * checks against them before a platform commits them (all or nothing).
 */
#ifndef SRV6_PEERS_H
#define SRV6_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include "net/netlink.h"
#include "ctx.h"
#include "util/err.h"
#include "request.h"
#include "srv6_maps.h"

/* One request, checked against the running state and ready to commit. */
struct change {
	struct route_req *req;
	const char *file; /* batch requests: where they came from */
	unsigned int line;
	const struct srv6_peer *old;             /* the entry before (in the table), or NULL */
	struct nexthop old_nh[SRV6_MAX_PATHS];   /* kernel platform: its paths' next hops */
	struct srv6_peer *next;                  /* the entry after (add/replace): req->peer,
						    its flags and counter slot filled in */
	struct nexthop nh[SRV6_MAX_PATHS];       /* each new path's first-SID next hop */
	struct peer_route route;                 /* the host route after (add/replace);
						    BPF: route.mtu is the MTU the peer needs */
	bool had_route;                          /* srv6-bpf's host route before (kernel
						    platform: it carries the paths) */
	struct peer_route old_route;
	bool no_route;                           /* BPF with peer-routes off: no host route */
};

struct mtu_state;
struct every_peer;

/* What one device holds now. */
struct peer_table {
	const struct peer_ops *ops;     /* the platform that holds it */
	struct link_info li;
	unsigned int table;             /* table of srv6-bpf's peer routes */
	struct srv6_peer_entry *cur;    /* current peers, sorted by key */
	size_t ncur;
	struct host_route *routes;      /* host routes in table, sorted by key */
	size_t nroutes;
	struct nlx_specifics specific;  /* where one first-SID lookup does not stand for its /48 */
	bool peer_routes;               /* a host route per peer (BPF: unless loaded
					   with peer-routes off; kernel: always) */
	bool complete;                  /* cur holds every peer, not only those asked for */
	struct every_peer *every;       /* BPF: every peer, read at most once (dp_every_peer) */
	/* BPF platform */
	struct nlx_table_routes all;    /* every route of table (MTU routes) */
	struct mtu_state *mtu;          /* the commit's MTU routes (peers_mtu.h) */
	struct srv6_maps maps;
	unsigned char *slot_used;       /* counter slots: one per peer, peers_max of them
					   (made at the first new peer) */
	__u32 slot_next;
};

struct peers_token {
	__u32 map_id;
	__u64 token;
};

/* One path's liveness as srv6_path_state holds it. */
struct path_liveness {
	bool down;
	__u32 probes_lost;
	__u64 since_ns; /* CLOCK_BOOTTIME of the last change, 0: never */
};

struct peer_ops {
	/* The host route is the whole state (it carries the paths): a change
	 * needs the old paths' next hops to put it back. */
	bool routes_carry_paths;
	/* Read dev's peers (sorted by key) and host routes into t. */
	int (*open)(struct ctx *c, const char *dev, struct peer_table *t, struct err *e);
	/* The same, reading only the peers of keys (those the map has): a few
	 * changes among many peers. NULL: open. */
	int (*open_keys)(struct ctx *c, const char *dev, const struct srv6_peer_key *keys,
			 size_t nkeys, struct peer_table *t, struct err *e);
	/* Writers of peers hold the namespace's lock from reading to committing:
	 * returns a handle for unlock, -1 on error. NULL: no lock. */
	int (*lock)(struct ctx *c, struct err *e);
	void (*unlock)(int handle);
	/* What proves dev's peers unchanged since: the peers map's identity and
	 * the token its last writer left (BPF). NULL: nothing proves it. */
	int (*token)(struct ctx *c, const char *dev, struct peers_token *tok, struct err *e);
	void (*close)(struct peer_table *t);
	/* The platform's part of a change, called for every change that passed
	 * the checks, deletes too: ch->route and, to put it back, ch->old_route
	 * (kernel: their paths), and for BPF the paths' flags, the MTU and a
	 * counter slot. */
	int (*prepare)(struct ctx *c, struct change *ch, struct peer_table *t, struct err *e);
	/* Make the changes; on failure what this call changed is put back. */
	int (*commit)(struct ctx *c, const struct peer_table *t, struct change *v, size_t n,
		      struct err *e);
	/* Put back changes committed earlier (another device failed later). */
	void (*undo)(struct ctx *c, const struct peer_table *t, struct change *v, size_t n);
	/* Path i's counters; false when the platform counts none. */
	bool (*path_counters)(const struct peer_table *t, const struct srv6_peer *peer,
			      unsigned int i, struct srv6_path_counters *ctrs);
	/* Path i's liveness; NULL or false when the platform keeps none. */
	bool (*path_state)(const struct peer_table *t, const struct srv6_peer *peer,
			   unsigned int i, struct path_liveness *live);
	/* Every device's peers at once (route show without dev); NULL: ask
	 * each loaded device. */
	int (*dump_all)(struct ctx *c, struct srv6_peer_entry **v, int **ifindexes, size_t *n,
			struct err *e);
};

/* Shared by the platforms: the host routes of the changes pick selects. */
enum routes_to {
	ROUTES_NEW,    /* the change's new host route */
	ROUTES_OLD,    /* back to what was there: the old route, or none */
	ROUTES_REMOVE, /* no host route */
};
int change_routes_set(struct ctx *c, unsigned int table, struct change *v, size_t n,
		      bool (*pick)(const struct change *), enum routes_to to, struct err *e);
bool change_is_set(const struct change *ch); /* add or replace */
bool change_is_del(const struct change *ch);

int peer_entry_cmp(const void *a, const void *b); /* by key */
/* Pointers to changes by their peer's key; changes_sort leaves v as it is
 * when it is in order already (a batch file usually is). */
int change_key_cmp(const void *a, const void *b);
void changes_sort(const struct change **v, size_t n);
bool path_same(const struct srv6_path *a, const struct srv6_path *b);

#endif
