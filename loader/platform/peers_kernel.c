// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The kernel platform's peers: one seg6 route per peer, which is the whole state. */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

static void peers_close(struct peer_table *t)
{
	free(t->cur);
	free(t->routes);
	free(t->specific.head);
}

static int peers_open(struct ctx *c, const char *dev, struct peer_table *t, struct err *e)
{
	memset(t, 0, sizeof(*t));
	t->ops = &kernel_peer_ops;
	t->peer_routes = true;
	t->table = c->table;
	t->complete = true;
	if (nlx_link_get(&c->nl, dev, &t->li, e) ||
	    nlx_seg6_peers(&c->nl, t->table, t->li.ifindex, &t->cur, NULL, &t->ncur, e) ||
	    nlx_host_routes(&c->nl, t->table, &t->routes, &t->nroutes, &t->specific, NULL, e)) {
		peers_close(t);
		return -1;
	}
	qsort(t->cur, t->ncur, sizeof(*t->cur), peer_entry_cmp);
	return 0;
}

/* The routes with their encapsulation: the new one, and the old one to put back. */
static int peers_prepare(struct ctx *c, struct change *ch, struct peer_table *t, struct err *e)
{
	(void)t;
	(void)e;
	if (ch->old) {
		ch->old_route.encap_mode = c->encap_mode;
		ch->old_route.paths = ch->old;
		ch->old_route.path_nh = ch->old_nh;
	}
	if (change_is_set(ch)) {
		ch->route.encap_mode = c->encap_mode;
		ch->route.paths = ch->next;
		ch->route.path_nh = ch->nh;
	}
	return 0;
}

static int peers_commit(struct ctx *c, const struct peer_table *t, struct change *v, size_t n,
			struct err *e)
{
	struct err undo;

	if (change_routes_set(c, t->table, v, n, change_is_set, ROUTES_NEW, e)) {
		change_routes_set(c, t->table, v, n, change_is_set, ROUTES_OLD, &undo);
		return -1;
	}
	if (change_routes_set(c, t->table, v, n, change_is_del, ROUTES_REMOVE, e)) {
		change_routes_set(c, t->table, v, n, change_is_del, ROUTES_OLD, &undo);
		change_routes_set(c, t->table, v, n, change_is_set, ROUTES_OLD, &undo);
		return -1;
	}
	return 0;
}

static void peers_undo(struct ctx *c, const struct peer_table *t, struct change *v, size_t n)
{
	struct err ignored;

	change_routes_set(c, t->table, v, n, change_is_set, ROUTES_OLD, &ignored);
	change_routes_set(c, t->table, v, n, change_is_del, ROUTES_OLD, &ignored);
}

/* Kernel routes count nothing per path. */
static bool path_counters(const struct peer_table *t, const struct srv6_peer *peer,
			  unsigned int i, struct srv6_path_counters *ctrs)
{
	(void)t;
	(void)peer;
	(void)i;
	memset(ctrs, 0, sizeof(*ctrs));
	return false;
}

static int dump_all(struct ctx *c, struct srv6_peer_entry **v, int **ifindexes, size_t *n,
		    struct err *e)
{
	return nlx_seg6_peers(&c->nl, c->table, 0, v, ifindexes, n, e);
}

const struct peer_ops kernel_peer_ops = {
	.routes_carry_paths = true,
	.open = peers_open,
	.close = peers_close,
	.prepare = peers_prepare,
	.commit = peers_commit,
	.undo = peers_undo,
	.path_counters = path_counters,
	.dump_all = dump_all,
};
