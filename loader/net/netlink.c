// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "netlink.h"
#include "netlink_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/lwtunnel.h>
#include <linux/rtnetlink.h>
#include <linux/seg6.h>
#include <linux/seg6_iptunnel.h>
#include <linux/seg6_local.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include "util/addr.h"
#include "util/array.h"
#include "srv6_outer.h"

/* Requests in flight at once: enough to amortise round trips, few enough that
 * the acks fit the socket's receive buffer. */
#define NLX_WINDOW 256

/* 100::1, in the discard-only prefix 100::/64 (RFC 6666). */
static const __u8 discard_only[SRV6_ADDR_LEN] = { 0x01, 0x00, [15] = 0x01 };
#define NLX_SOCKBUF (4 << 20)

int nlx_open(struct nlx *n, struct err *e)
{
	int rc;

	n->seq = 1;
	n->sk = nl_socket_alloc();
	if (!n->sk)
		return errf(e, "netlink: out of memory");
	rc = nl_connect(n->sk, NETLINK_ROUTE);
	if (rc < 0) {
		nl_socket_free(n->sk);
		n->sk = NULL;
		return errf(e, "netlink: cannot open rtnetlink socket: %s", nl_geterror(rc));
	}
	nl_socket_set_buffer_size(n->sk, NLX_SOCKBUF, NLX_SOCKBUF);
	/* Our largest request (8 paths of 4 SIDs, multipath) is about 1 KiB;
	 * libnl's default page per message is wasted zeroing in a big batch. */
	nlmsg_set_default_size(2048);
	return 0;
}

void nlx_close(struct nlx *n)
{
	if (n->sk)
		nl_socket_free(n->sk);
	n->sk = NULL;
}

static int link_fill(struct rtnl_link *link, struct link_info *li)
{
	const char *name = rtnl_link_get_name(link);

	li->ifindex = rtnl_link_get_ifindex(link);
	li->mtu = rtnl_link_get_mtu(link);
	li->arptype = rtnl_link_get_arptype(link);
	li->up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
	snprintf(li->name, sizeof(li->name), "%s", name ? name : "");
	rtnl_link_put(link);
	return 0;
}

int nlx_link_get(struct nlx *n, const char *dev, struct link_info *li, struct err *e)
{
	struct rtnl_link *link = NULL;
	int rc = rtnl_link_get_kernel(n->sk, 0, dev, &link);

	if (rc < 0)
		return errf(e, "interface \"%s\" not found", dev);
	return link_fill(link, li);
}

int nlx_link_by_index(struct nlx *n, int ifindex, struct link_info *li, struct err *e)
{
	struct rtnl_link *link = NULL;
	int rc = rtnl_link_get_kernel(n->sk, ifindex, NULL, &link);

	if (rc < 0)
		return errf(e, "interface with index %d not found", ifindex);
	return link_fill(link, li);
}

/* The first usable global address of family on ifindex, in dump order. */
static int first_address(struct nlx *n, int ifindex, int family, void *out, size_t len,
			 struct err *e)
{
	struct nl_cache *cache = NULL;
	int rc = rtnl_addr_alloc_cache(n->sk, &cache), found = 1;

	if (rc < 0)
		return errf(e, "netlink: cannot list addresses: %s", nl_geterror(rc));
	for (struct nl_object *o = nl_cache_get_first(cache); o && found; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != family ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE || !local ||
		    (rtnl_addr_get_flags(a) & IFA_F_DADFAILED) || nl_addr_get_len(local) != len)
			continue;
		memcpy(out, nl_addr_get_binary_addr(local), len);
		found = 0;
	}
	nl_cache_free(cache);
	return found;
}

int nlx_first_global_ipv6(struct nlx *n, int ifindex, struct in6_addr *out, struct err *e)
{
	return first_address(n, ifindex, AF_INET6, out, sizeof(*out), e);
}

int nlx_first_ipv4(struct nlx *n, int ifindex, struct in_addr *out, struct err *e)
{
	return first_address(n, ifindex, AF_INET, out, sizeof(*out), e);
}

/* Assign the next sequence number and append the message to buf. */
static int nlx_queue(struct nlx *n, struct nl_msg *msg, char *buf, size_t *len, size_t cap,
		     unsigned int *seq)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (*len + NLMSG_ALIGN(h->nlmsg_len) > cap)
		return -ENOSPC;
	h->nlmsg_seq = *seq = n->seq++;
	h->nlmsg_pid = 0;
	memcpy(buf + *len, h, h->nlmsg_len);
	*len += NLMSG_ALIGN(h->nlmsg_len);
	return 0;
}

/*
 * Read until every request in [first_seq, last_seq] has its answer. Replies
 * other than acks go to on_msg when given (requests without NLM_F_ACK need it:
 * their answer is such a reply). Returns the index (seq - first_seq) of the
 * first request that failed, or -1, with *error its errno; NLX_LOST when the
 * socket itself failed (answers were lost). With ignore_absent, "no such
 * route" answers are not failures.
 */
#define NLX_LOST (-2L)
static long nlx_collect(struct nlx *n, unsigned int first_seq, unsigned int last_seq,
			bool ignore_absent, int *error,
			void (*on_msg)(struct nlmsghdr *, void *), void *arg)
{
	size_t pending = last_seq - first_seq + 1;
	long failed = -1;

	*error = 0;
	while (pending) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		int len = nl_recv(n->sk, &peer, &buf, NULL);

		if (len <= 0) {
			free(buf);
			*error = len == 0 ? EIO : -len;
			return NLX_LOST;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (h->nlmsg_seq < first_seq || h->nlmsg_seq > last_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *me = nlmsg_data(h);

				pending--;
				if (ignore_absent && (me->error == -ESRCH || me->error == -ENOENT))
					continue;
				if (me->error && failed < 0) {
					failed = (long)(h->nlmsg_seq - first_seq);
					*error = -me->error;
				}
			} else if (h->nlmsg_type == NLMSG_DONE) {
				pending--;
			} else if (on_msg) {
				on_msg(h, arg);
				if (!(h->nlmsg_flags & NLM_F_MULTI))
					pending--;
			}
		}
		free(buf);
	}
	return failed;
}

static int nlx_send(struct nlx *n, const char *buf, size_t len)
{
	int rc = nl_sendto(n->sk, (void *)buf, len);

	return rc < 0 ? rc : 0;
}

/* A reply other than an ack to request i of a pipeline. */
typedef void (*nlx_reply_fn)(struct nlmsghdr *h, size_t i, void *arg);

/* Requests 0..count-1, built on demand, sent a window at a time. */
struct nlx_requests {
	struct nl_msg *(*build)(size_t i, const void *arg);
	const void *arg;
	size_t count;
	bool ignore_absent; /* "no such route" answers are not failures (deletes) */
	bool keep_going;    /* a failed request does not stop the rest (lookups) */
	nlx_reply_fn on_reply;
	void *reply_arg;
};

struct nlx_window {
	const struct nlx_requests *r;
	unsigned int first_seq;
	size_t start;
};

static void nlx_window_reply(struct nlmsghdr *h, void *arg)
{
	struct nlx_window *w = arg;

	w->r->on_reply(h, w->start + (h->nlmsg_seq - w->first_seq), w->r->reply_arg);
}

/*
 * Send the requests in windows, two system calls per window instead of per
 * request. Stops at the first failure (its index in *failed, its errno in
 * *error) unless keep_going; then *failed and *error name the first failure,
 * or count and 0. Returns -1 when it stopped or netlink failed.
 */
static int nlx_pipeline(struct nlx *n, const struct nlx_requests *r, size_t *failed, int *error)
{
	const size_t cap = (r->count < NLX_WINDOW ? r->count : NLX_WINDOW) * (size_t)2048 + 1;
	char *buf = malloc(cap);
	struct nlx_window w = { .r = r };
	size_t start = 0;

	*failed = r->count;
	*error = 0;
	if (!buf)
		return (*error = ENOMEM), -1;
	while (start < r->count) {
		size_t len = 0, batch = 0;
		unsigned int seq = 0;
		int werror;
		long bad;

		w.first_seq = n->seq;
		w.start = start;
		for (; batch < NLX_WINDOW && start + batch < r->count; batch++) {
			struct nl_msg *msg = r->build(start + batch, r->arg);
			int full = !msg || nlx_queue(n, msg, buf, &len, cap, &seq);

			nlmsg_free(msg);
			if (full)
				break;
		}
		if (batch == 0 || nlx_send(n, buf, len)) {
			free(buf);
			*failed = start;
			*error = batch == 0 ? ENOMEM : EIO;
			return -1;
		}
		bad = nlx_collect(n, w.first_seq, seq, r->ignore_absent, &werror,
				  r->on_reply ? nlx_window_reply : NULL, &w);
		if (bad == NLX_LOST) { /* keep_going or not: the answers are gone */
			free(buf);
			*failed = start;
			*error = werror;
			return -1;
		}
		if (bad >= 0 && *failed == r->count) {
			*failed = start + (size_t)bad;
			*error = werror;
		}
		if (bad >= 0 && !r->keep_going) {
			free(buf);
			return -1;
		}
		start += batch;
	}
	free(buf);
	return 0;
}

/* The next hop of an RTM_GETROUTE answer; false if h is not one. */
static bool route_nh_parse(struct nlmsghdr *h, struct nexthop *nh)
{
	struct nlattr *tb[RTA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(h, sizeof(struct rtmsg), tb, RTA_MAX, NULL) < 0)
		return false;
	memset(nh, 0, sizeof(*nh));
	if (tb[RTA_OIF])
		nh->ifindex = (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] && nla_len(tb[RTA_GATEWAY]) == sizeof(struct in6_addr)) {
		nh->has_gw = true;
		memcpy(&nh->gw, nla_data(tb[RTA_GATEWAY]), sizeof(struct in6_addr));
	}
	return true;
}

static struct nl_msg *route_get_msg(const __u8 dst[SRV6_ADDR_LEN])
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = 128 };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);

	if (msg && (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
		    nla_put(msg, RTA_DST, SRV6_ADDR_LEN, dst) < 0)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct nl_msg *build_get(size_t i, const void *arg)
{
	return route_get_msg(((const __u8(*)[SRV6_ADDR_LEN])arg)[i]);
}

struct route_get_many {
	struct nexthop *nh;
	bool *found;
};

static void route_get_reply(struct nlmsghdr *h, size_t i, void *arg)
{
	struct route_get_many *g = arg;

	if (route_nh_parse(h, &g->nh[i]))
		g->found[i] = true;
}

int nlx_route_get6_many(struct nlx *n, const __u8 (*dsts)[SRV6_ADDR_LEN], size_t count,
			struct nexthop *nh, bool *found, struct err *e)
{
	struct route_get_many g = { .nh = nh, .found = found };
	struct nlx_requests r = { .build = build_get, .arg = dsts, .count = count,
				  .keep_going = true, .on_reply = route_get_reply, .reply_arg = &g };
	size_t failed;
	int error;

	memset(found, 0, count * sizeof(*found));
	/* A destination without a route only leaves its found[] false. */
	if (nlx_pipeline(n, &r, &failed, &error))
		return errf(e, "netlink: cannot look up routes: %s", strerror(error));
	return 0;
}

int nlx_route_get6(struct nlx *n, const __u8 dst[SRV6_ADDR_LEN], struct nexthop *nh,
		   struct err *e)
{
	struct nexthop got;
	struct route_get_many g = { .nh = &got };
	struct nlx_requests r = { .build = build_get, .arg = dst, .count = 1, .keep_going = true,
				  .on_reply = route_get_reply, .reply_arg = &g };
	char text[ADDR_STR_LEN];
	bool found = false;
	size_t failed;
	int error;

	g.found = &found;
	if (nlx_pipeline(n, &r, &failed, &error))
		return errf(e, "netlink: cannot look up the route to %s: %s", addr_sid_str(dst, text),
			    strerror(error));
	if (error || !found)
		return errf(e, "no route to %s: %s", addr_sid_str(dst, text),
			    error ? strerror(error) : "no answer");
	*nh = got;
	return 0;
}

/* Call fn for every object of a dump request (type, with header hdr); what
 * names them in errors. */
static int nlx_dump(struct nlx *n, int type, const void *hdr, size_t hdr_len, const char *what,
		    void (*fn)(struct nlmsghdr *, void *), void *arg, struct err *e)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_DUMP);
	char buf[128];
	unsigned int seq;
	size_t len = 0;
	int error = 0;

	if (!msg || nlmsg_append(msg, (void *)hdr, hdr_len, NLMSG_ALIGNTO) < 0 ||
	    nlx_queue(n, msg, buf, &len, sizeof(buf), &seq) || nlx_send(n, buf, len)) {
		nlmsg_free(msg);
		return errf(e, "netlink: cannot list %s", what);
	}
	nlmsg_free(msg);
	nlx_collect(n, seq, seq, false, &error, fn, arg);
	return error ? errf(e, "netlink: cannot list %s: %s", what, strerror(error)) : 0;
}

/* Call fn for every route of family in the kernel's dump. */
static int nlx_routes_dump(struct nlx *n, int family, void (*fn)(struct nlmsghdr *, void *),
			   void *arg, struct err *e)
{
	struct rtmsg rtm = { .rtm_family = (unsigned char)family };

	return nlx_dump(n, RTM_GETROUTE, &rtm, sizeof(rtm), "routes", fn, arg, e);
}

/* The fields of one dumped route that srv6-bpf reads. */
struct route_view {
	struct rtmsg *rtm;
	struct nlattr *tb[RTA_MAX + 1];
	unsigned int table;
	struct srv6_peer_key key; /* host routes only */
	bool host;
};

static bool route_view(struct nlmsghdr *h, struct route_view *v)
{
	v->rtm = nlmsg_data(h);
	/* A default route comes without RTA_DST. */
	if (h->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(h, sizeof(*v->rtm), v->tb, RTA_MAX, NULL) < 0 ||
	    (!v->tb[RTA_DST] && v->rtm->rtm_dst_len))
		return false;
	v->table = v->tb[RTA_TABLE] ? nla_get_u32(v->tb[RTA_TABLE]) : v->rtm->rtm_table;
	v->host = true;
	if (v->rtm->rtm_family == AF_INET6 && v->rtm->rtm_dst_len == 128 &&
	    nla_len(v->tb[RTA_DST]) == 16)
		addr_key_from_in6(&v->key, nla_data(v->tb[RTA_DST]));
	else if (v->rtm->rtm_family == AF_INET && v->rtm->rtm_dst_len == 32 &&
		 nla_len(v->tb[RTA_DST]) == 4)
		addr_key_from_in(&v->key, nla_data(v->tb[RTA_DST]));
	else
		v->host = false;
	return true;
}

/* Next hop from RTA_OIF/RTA_GATEWAY/RTA_VIA in tb (a route's or a multipath hop's). */
static void nexthop_parse(struct nlattr *const *tb, int ifindex, struct nexthop *nh)
{
	memset(nh, 0, sizeof(*nh));
	nh->ifindex = tb[RTA_OIF] ? (int)nla_get_u32(tb[RTA_OIF]) : ifindex;
	if (tb[RTA_GATEWAY] && nla_len(tb[RTA_GATEWAY]) == 16) {
		nh->has_gw = true;
		memcpy(&nh->gw, nla_data(tb[RTA_GATEWAY]), 16);
	} else if (tb[RTA_VIA] && nla_len(tb[RTA_VIA]) == 18) {
		nh->has_gw = true;
		memcpy(&nh->gw, (const char *)nla_data(tb[RTA_VIA]) + 2, 16);
	}
}

static int host_route_cmp(const void *a, const void *b)
{
	return memcmp(((const struct host_route *)a)->route.key.addr,
		      ((const struct host_route *)b)->route.key.addr, SRV6_ADDR_LEN);
}

struct host_routes {
	unsigned int table;
	struct host_route *v;
	size_t n, cap;
	struct nlx_specifics *specific; /* or NULL */
	struct nlx_table_routes *all;   /* or NULL */
	int oom;
};

static int head_cmp(const void *a, const void *b)
{
	return memcmp(a, b, NLX_GROUP_BYTES);
}

bool nlx_specific_in(const struct nlx_specifics *s, const __u8 addr[SRV6_ADDR_LEN])
{
	return s->n && bsearch(addr, s->head, s->n, sizeof(*s->head), head_cmp);
}

static void specific_add(struct nlx_specifics *s, unsigned int len, const struct nlattr *dst, int *oom)
{
	if (len <= 8 * NLX_GROUP_BYTES || !dst || nla_len(dst) != SRV6_ADDR_LEN)
		return;
	if (!array_append((void **)&s->head, &s->n, &s->cap, nla_data(dst), sizeof(*s->head)))
		*oom = 1;
}

static void rule_specific(struct nlmsghdr *h, void *arg)
{
	struct host_routes *acc = arg;
	struct fib_rule_hdr *frh = nlmsg_data(h);
	struct nlattr *tb[FRA_MAX + 1];

	if (h->nlmsg_type == RTM_NEWRULE && nlmsg_parse(h, sizeof(*frh), tb, FRA_MAX, NULL) == 0)
		specific_add(acc->specific, frh->dst_len, tb[FRA_DST], &acc->oom);
}

/* The rules' destinations longer than /48 into acc->specific. */
static int rules_specific(struct nlx *n, struct host_routes *acc, struct err *e)
{
	struct fib_rule_hdr frh = { .family = AF_INET6 };

	return nlx_dump(n, RTM_GETRULE, &frh, sizeof(frh), "rules", rule_specific, acc, e);
}

/* The route's RTAX_MTU, 0 for none. */
static unsigned int route_mtu(const struct route_view *v)
{
	struct nlattr *mx[RTAX_MAX + 1];

	if (v->tb[RTA_METRICS] && nla_parse_nested(mx, RTAX_MAX, v->tb[RTA_METRICS], NULL) == 0 &&
	    mx[RTAX_MTU])
		return nla_get_u32(mx[RTAX_MTU]);
	return 0;
}

/* The host route of table that v is, if it is one. */
static bool host_route_of(const struct route_view *v, unsigned int table, struct host_route *r)
{
	memset(r, 0, sizeof(*r));
	if (!v->host || v->table != table)
		return false;
	r->protocol = v->rtm->rtm_protocol;
	r->route.key = v->key;
	r->route.table = v->table;
	nexthop_parse(v->tb, 0, &r->route.nh);
	r->route.mtu = route_mtu(v);
	return true;
}

bool nlx_host_route_parse(struct nlmsghdr *h, unsigned int table, struct host_route *r)
{
	struct route_view v;

	if (!route_view(h, &v)) {
		memset(r, 0, sizeof(*r));
		return false;
	}
	return host_route_of(&v, table, r);
}

/* Any route of table that v is: a plain one only when nothing but its one
 * next hop decides where it leads (an IPv4 gateway is not comparable with a
 * first SID's next hop, so it is not plain either). */
static bool table_route_of(const struct route_view *v, unsigned int table, struct table_route *r)
{
	int family = v->rtm->rtm_family;
	unsigned int len = v->rtm->rtm_dst_len, bytes = family == AF_INET ? 4 : 16;
	const struct nlattr *dst = v->tb[RTA_DST];

	memset(r, 0, sizeof(*r));
	if (v->table != table || (family != AF_INET && family != AF_INET6) || len > 8 * bytes ||
	    (dst && nla_len(dst) != (int)bytes))
		return false;
	if (family == AF_INET) {
		r->addr[10] = r->addr[11] = 0xff;
		if (dst)
			memcpy(r->addr + 12, nla_data(dst), 4);
		r->plen = (unsigned char)(96 + len);
	} else {
		if (dst)
			memcpy(r->addr, nla_data(dst), 16);
		r->plen = (unsigned char)len;
	}
	r->protocol = v->rtm->rtm_protocol;
	r->metric = v->tb[RTA_PRIORITY] ? nla_get_u32(v->tb[RTA_PRIORITY]) : 0;
	nexthop_parse(v->tb, 0, &r->nh);
	r->mtu = route_mtu(v);
	/* A prefix route of ours copies only the next hop: a route that also sets
	 * a source address, an MTU or an expiry is not plain. */
	r->plain = v->rtm->rtm_type == RTN_UNICAST && !v->tb[RTA_MULTIPATH] &&
		   !v->tb[RTA_NH_ID] && !v->tb[RTA_ENCAP] && r->nh.ifindex > 0 &&
		   !(v->tb[RTA_GATEWAY] && nla_len(v->tb[RTA_GATEWAY]) != 16) &&
		   !v->tb[RTA_PREFSRC] && !v->tb[RTA_EXPIRES] &&
		   (r->mtu == 0 || r->protocol == SRV6_RTPROT);
	return true;
}

bool nlx_table_route_parse(struct nlmsghdr *h, unsigned int table, struct table_route *r)
{
	struct route_view v;

	if (!route_view(h, &v)) {
		memset(r, 0, sizeof(*r));
		return false;
	}
	return table_route_of(&v, table, r);
}

/* One parse of each dumped route: a host route of the table, with
 * acc->specific an IPv6 prefix longer than /48, with acc->all any route of
 * the table. */
static void host_route_parse(struct nlmsghdr *h, void *arg)
{
	struct host_routes *acc = arg;
	struct route_view v;
	struct host_route r;

	if (!route_view(h, &v))
		return;
	if (host_route_of(&v, acc->table, &r) &&
	    !array_append((void **)&acc->v, &acc->n, &acc->cap, &r, sizeof(r)))
		acc->oom = 1;
	if (acc->specific && v.rtm->rtm_family == AF_INET6)
		specific_add(acc->specific, v.rtm->rtm_dst_len, v.tb[RTA_DST], &acc->oom);
	if (acc->all) {
		struct table_route tr;

		if (table_route_of(&v, acc->table, &tr) &&
		    !array_append((void **)&acc->all->v, &acc->all->n, &acc->all->cap, &tr,
				  sizeof(tr)))
			acc->oom = 1;
	}
}

/* What a failed dump collected, freed (the caller gets nothing). */
static void host_routes_free(struct host_routes *acc)
{
	free(acc->v);
	if (acc->specific) {
		free(acc->specific->head);
		memset(acc->specific, 0, sizeof(*acc->specific));
	}
	if (acc->all) {
		free(acc->all->v);
		memset(acc->all, 0, sizeof(*acc->all));
	}
}

int nlx_host_routes(struct nlx *n, unsigned int table, struct host_route **routes,
		    size_t *count, struct nlx_specifics *specific, struct nlx_table_routes *all,
		    struct err *e)
{
	static const int families[] = { AF_INET6, AF_INET };
	struct host_routes acc = { .table = table, .specific = specific, .all = all };

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		if (nlx_routes_dump(n, families[i], host_route_parse, &acc, e) || acc.oom) {
			host_routes_free(&acc);
			return acc.oom ? errf(e, "netlink: cannot list routes: out of memory") : -1;
		}
	}
	if (specific) {
		if (rules_specific(n, &acc, e) || acc.oom) {
			host_routes_free(&acc);
			return acc.oom ? errf(e, "netlink: cannot list rules: out of memory") : -1;
		}
		if (specific->n)
			qsort(specific->head, specific->n, sizeof(*specific->head), head_cmp);
	}
	qsort(acc.v, acc.n, sizeof(*acc.v), host_route_cmp);
	*routes = acc.v;
	*count = acc.n;
	return 0;
}

const struct host_route *nlx_host_route_find(const struct host_route *routes, size_t count,
					     const struct srv6_peer_key *key)
{
	struct host_route probe = { .route.key = *key };

	return count ? bsearch(&probe, routes, count, sizeof(*routes), host_route_cmp) : NULL;
}

/* --- seg6 (H.Encaps) routes: the kernel platform's peers ---------------------- */

/* SRH in the kernel's seg6 lwtunnel attribute: every SID, last first; the kernel
 * drops the first one itself in encap.red mode. */
static int seg6_encap_put(struct nl_msg *msg, const struct srv6_path *path, int mode)
{
	unsigned int nsegs = path->seg_count;
	size_t srh_len = sizeof(struct ipv6_sr_hdr) + SRV6_ADDR_LEN * nsegs;
	char buf[sizeof(struct seg6_iptunnel_encap) + sizeof(struct ipv6_sr_hdr) +
		 SRV6_ADDR_LEN * SRV6_MAX_SEGS] = { 0 };
	struct seg6_iptunnel_encap *tun = (void *)buf;
	struct ipv6_sr_hdr *srh = (void *)(buf + sizeof(*tun));
	struct nlattr *encap;

	if (nsegs < 1 || nsegs > SRV6_MAX_SEGS)
		return -1;
	tun->mode = mode;
	srh->hdrlen = (__u8)(2 * nsegs);
	srh->type = SRV6_SRH_TYPE;
	srh->segments_left = (__u8)(nsegs - 1);
	srh->first_segment = (__u8)(nsegs - 1);
	for (unsigned int i = 0; i < nsegs; i++)
		memcpy(&srh->segments[i], path->segs[nsegs - 1 - i], SRV6_ADDR_LEN);
	if (nla_put_u16(msg, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_SEG6) < 0)
		return -1;
	encap = nla_nest_start(msg, RTA_ENCAP);
	if (!encap || nla_put(msg, SEG6_IPTUNNEL_SRH, (int)(sizeof(*tun) + srh_len), buf) < 0)
		return -1;
	nla_nest_end(msg, encap);
	return 0;
}

/* Path (SIDs in path order) from a seg6 lwtunnel attribute; false if it is none. */
static bool seg6_encap_parse(struct nlattr **tb, struct srv6_path *path, int *mode)
{
	struct nlattr *encap[SEG6_IPTUNNEL_MAX + 1];
	const struct seg6_iptunnel_encap *tun;
	const struct ipv6_sr_hdr *srh;
	unsigned int nsegs;
	int len;

	if (!tb[RTA_ENCAP_TYPE] || nla_get_u16(tb[RTA_ENCAP_TYPE]) != LWTUNNEL_ENCAP_SEG6 ||
	    !tb[RTA_ENCAP] || nla_parse_nested(encap, SEG6_IPTUNNEL_MAX, tb[RTA_ENCAP], NULL) ||
	    !encap[SEG6_IPTUNNEL_SRH])
		return false;
	len = nla_len(encap[SEG6_IPTUNNEL_SRH]);
	if (len < (int)(sizeof(*tun) + sizeof(*srh)))
		return false;
	tun = nla_data(encap[SEG6_IPTUNNEL_SRH]);
	srh = (const void *)tun->srh;
	nsegs = srh->first_segment + 1u;
	if (nsegs > SRV6_MAX_SEGS || len < (int)(sizeof(*tun) + sizeof(*srh) + 16 * nsegs))
		return false;
	memset(path, 0, sizeof(*path));
	path->seg_count = (__u8)nsegs;
	for (unsigned int i = 0; i < nsegs; i++)
		memcpy(path->segs[i], &srh->segments[nsegs - 1 - i], SRV6_ADDR_LEN);
	*mode = tun->mode;
	return true;
}

struct seg6_peers {
	unsigned int table;
	int ifindex; /* 0: any */
	struct srv6_peer_entry *v;
	size_t n, cap;
	int *ifindexes; /* the device each entry's route goes through */
	size_t nif, ifcap;
	int oom;
};

bool nlx_seg6_peer_route_parse(struct nlmsghdr *h, unsigned int table,
			       struct srv6_peer_entry *entry, struct nexthop nh[SRV6_MAX_PATHS])
{
	struct srv6_peer_entry ent = { 0 };
	struct route_view v;
	int mode;

	memset(nh, 0, SRV6_MAX_PATHS * sizeof(*nh));
	if (!route_view(h, &v) || !v.host || v.table != table ||
	    v.rtm->rtm_protocol != SRV6_RTPROT)
		return false;
	ent.key = v.key;
	if (v.tb[RTA_MULTIPATH]) {
		struct rtnexthop *rtnh = nla_data(v.tb[RTA_MULTIPATH]);
		int left = nla_len(v.tb[RTA_MULTIPATH]);

		while (left >= (int)sizeof(*rtnh) && rtnh->rtnh_len >= sizeof(*rtnh) &&
		       rtnh->rtnh_len <= left && ent.value.path_count < SRV6_MAX_PATHS) {
			struct nlattr *ntb[RTA_MAX + 1];
			struct srv6_path *path = &ent.value.paths[ent.value.path_count];

			if (nla_parse(ntb, RTA_MAX, (struct nlattr *)((char *)rtnh + RTNH_ALIGN(sizeof(*rtnh))),
				      rtnh->rtnh_len - (int)RTNH_ALIGN(sizeof(*rtnh)), NULL) == 0 &&
			    seg6_encap_parse(ntb, path, &mode)) {
				path->weight = (__u8)(rtnh->rtnh_hops + 1);
				nexthop_parse(ntb, rtnh->rtnh_ifindex, &nh[ent.value.path_count]);
				ent.value.path_count++;
			}
			left -= RTNH_ALIGN(rtnh->rtnh_len);
			rtnh = (struct rtnexthop *)((char *)rtnh + RTNH_ALIGN(rtnh->rtnh_len));
		}
	} else if (seg6_encap_parse(v.tb, &ent.value.paths[0], &mode)) {
		ent.value.paths[0].weight = 1;
		ent.value.path_count = 1;
		nexthop_parse(v.tb, 0, &nh[0]);
	}
	*entry = ent;
	return ent.value.path_count > 0;
}

static void seg6_peer_parse(struct nlmsghdr *h, void *arg)
{
	struct seg6_peers *acc = arg;
	struct nexthop nh[SRV6_MAX_PATHS];
	struct srv6_peer_entry ent;

	if (!nlx_seg6_peer_route_parse(h, acc->table, &ent, nh) ||
	    (acc->ifindex && nh[0].ifindex != acc->ifindex))
		return;
	if (!array_append((void **)&acc->v, &acc->n, &acc->cap, &ent, sizeof(ent)) ||
	    !array_append((void **)&acc->ifindexes, &acc->nif, &acc->ifcap, &nh[0].ifindex, sizeof(int)))
		acc->oom = 1;
}

int nlx_seg6_peers(struct nlx *n, unsigned int table, int ifindex,
		   struct srv6_peer_entry **entries, int **ifindexes, size_t *count, struct err *e)
{
	static const int families[] = { AF_INET6, AF_INET };
	struct seg6_peers acc = { .table = table, .ifindex = ifindex };

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		if (nlx_routes_dump(n, families[i], seg6_peer_parse, &acc, e) || acc.oom) {
			free(acc.v);
			free(acc.ifindexes);
			return acc.oom ? errf(e, "netlink: cannot list routes: out of memory") : -1;
		}
	}
	if (ifindexes)
		*ifindexes = acc.ifindexes;
	else
		free(acc.ifindexes);
	*entries = acc.v;
	*count = acc.n;
	return 0;
}

/* --- building and sending route changes ------------------------------------- */

static int rtmsg_put(struct nl_msg *msg, const struct srv6_peer_key *key, unsigned char prefix_len,
		     unsigned int table, bool del)
{
	bool ipv4 = addr_key_is_ipv4(key);
	unsigned int len = prefix_len ? prefix_len : 128;
	struct rtmsg rtm = {
		.rtm_family = ipv4 ? AF_INET : AF_INET6,
		.rtm_dst_len = (unsigned char)(ipv4 ? len - 96 : len),
		.rtm_table = table < 256 ? (unsigned char)table : RT_TABLE_UNSPEC,
		.rtm_protocol = SRV6_RTPROT,
		.rtm_scope = del ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE,
		.rtm_type = del ? RTN_UNSPEC : RTN_UNICAST,
	};

	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, ipv4 ? 4 : 16, ipv4 ? key->addr + 12 : key->addr) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, table) < 0)
		return -1;
	return 0;
}

/* Gateway of a next hop; an IPv4 route reaches an IPv6 one through RTA_VIA (RFC 5549). */
static int gateway_put(struct nl_msg *msg, const struct nexthop *nh, bool ipv4)
{
	struct {
		__u16 family;
		__u8 addr[16];
	} __attribute__((packed)) via = { .family = AF_INET6 };

	if (!nh->has_gw)
		return 0;
	if (!ipv4)
		return nla_put(msg, RTA_GATEWAY, 16, &nh->gw);
	memcpy(via.addr, &nh->gw, sizeof(via.addr));
	return nla_put(msg, RTA_VIA, sizeof(via), &via);
}

static int multipath_put(struct nl_msg *msg, const struct peer_route *r, bool ipv4)
{
	struct nlattr *mp = nla_nest_start(msg, RTA_MULTIPATH);

	if (!mp)
		return -1;
	for (unsigned int i = 0; i < r->paths->path_count; i++) {
		struct rtnexthop *rtnh = nlmsg_reserve(msg, sizeof(*rtnh), NLA_ALIGNTO);
		char *start = (char *)rtnh;

		if (!rtnh)
			return -1;
		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_ifindex = r->path_nh[i].ifindex;
		rtnh->rtnh_hops = (unsigned char)(r->paths->paths[i].weight - 1);
		if (gateway_put(msg, &r->path_nh[i], ipv4) < 0 ||
		    seg6_encap_put(msg, &r->paths->paths[i], r->encap_mode) < 0)
			return -1;
		rtnh->rtnh_len = (unsigned short)((char *)nlmsg_tail(nlmsg_hdr(msg)) - start);
	}
	nla_nest_end(msg, mp);
	return 0;
}

struct nl_msg *nlx_peer_route_msg(const struct peer_route *r)
{
	bool ipv4 = addr_key_is_ipv4(&r->key);
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK |
								      NLM_F_CREATE | NLM_F_REPLACE);
	struct nlattr *metrics;

	if (!msg || rtmsg_put(msg, &r->key, r->prefix_len, r->table, false) < 0)
		goto fail;
	if (r->encap_mode && r->paths->path_count > 1) {
		if (multipath_put(msg, r, ipv4) < 0)
			goto fail;
	} else {
		if (nla_put_u32(msg, RTA_OIF, (__u32)r->nh.ifindex) < 0 ||
		    gateway_put(msg, &r->nh, ipv4) < 0 ||
		    (r->encap_mode && seg6_encap_put(msg, &r->paths->paths[0], r->encap_mode) < 0))
			goto fail;
	}
	if (r->mtu) {
		metrics = nla_nest_start(msg, RTA_METRICS);
		if (!metrics || nla_put_u32(msg, RTAX_MTU, r->mtu) < 0)
			goto fail;
		nla_nest_end(msg, metrics);
	}
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

struct del_args {
	const struct srv6_peer_key *keys;
	unsigned int table;
};

struct nl_msg *nlx_peer_route_del_msg(const struct srv6_peer_key *key, unsigned char prefix_len,
				      unsigned int table)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK);

	/* IPv6 with the metric our routes get: an End SID's route of the same
	 * prefix (protocol 206 too, metric SRV6_SID_ROUTE_METRIC) never matches. */
	if (msg && (rtmsg_put(msg, key, prefix_len, table, true) < 0 ||
		    (!addr_key_is_ipv4(key) && nla_put_u32(msg, RTA_PRIORITY, 1024) < 0))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct nl_msg *build_set(size_t i, const void *arg)
{
	return nlx_peer_route_msg(&((const struct peer_route *)arg)[i]);
}

static struct nl_msg *build_del(size_t i, const void *arg)
{
	const struct del_args *d = arg;

	return nlx_peer_route_del_msg(&d->keys[i], 0, d->table);
}

static struct nl_msg *build_remove(size_t i, const void *arg)
{
	const struct peer_route *r = &((const struct peer_route *)arg)[i];

	return nlx_peer_route_del_msg(&r->key, r->prefix_len, r->table);
}

/* "PEER" for a host route, "PREFIX/LEN" for a prefix route. */
static const char *route_dst_str(const struct peer_route *r, char buf[ADDR_STR_LEN + 4])
{
	bool ipv4 = addr_key_is_ipv4(&r->key);

	addr_key_str(&r->key, buf);
	if (r->prefix_len && r->prefix_len != 128)
		snprintf(buf + strlen(buf), 5, "/%u", ipv4 ? r->prefix_len - 96u : r->prefix_len);
	return buf;
}

int nlx_peer_routes_set(struct nlx *n, const struct peer_route *routes, size_t count,
			struct err *e)
{
	struct nlx_requests r = { .build = build_set, .arg = routes, .count = count };
	char text[ADDR_STR_LEN + 4];
	size_t failed;
	int error;

	if (nlx_pipeline(n, &r, &failed, &error) == 0)
		return 0;
	return errf(e, "cannot install the route for peer %s: %s",
		    route_dst_str(&routes[failed < count ? failed : 0], text), strerror(error));
}

int nlx_peer_routes_remove(struct nlx *n, const struct peer_route *routes, size_t count,
			   struct err *e)
{
	struct nlx_requests r = { .build = build_remove, .arg = routes, .count = count,
				  .ignore_absent = true };
	char text[ADDR_STR_LEN + 4];
	size_t failed;
	int error;

	if (nlx_pipeline(n, &r, &failed, &error) == 0)
		return 0;
	return errf(e, "cannot remove the route for peer %s: %s",
		    route_dst_str(&routes[failed < count ? failed : 0], text), strerror(error));
}

int nlx_peer_routes_del(struct nlx *n, unsigned int table, const struct srv6_peer_key *keys,
			size_t count, struct err *e)
{
	struct del_args args = { .keys = keys, .table = table };
	struct nlx_requests r = { .build = build_del, .arg = &args, .count = count,
				  .ignore_absent = true };
	char text[ADDR_STR_LEN];
	size_t failed;
	int error;

	if (nlx_pipeline(n, &r, &failed, &error) == 0)
		return 0;
	return errf(e, "cannot remove the route for peer %s: %s",
		    addr_key_str(&keys[failed < count ? failed : 0], text), strerror(error));
}

/* --- probing the kernel's SRv6 route support ---------------------------------- */

struct nl_msg *nlx_probe_msg(unsigned int encap_type)
{
	/* In the discard-only prefix, with our protocol and a metric nobody uses:
	 * the delete cannot match a real route. */
	struct rtmsg rtm = {
		.rtm_family = AF_INET6,
		.rtm_dst_len = 128,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = SRV6_RTPROT,
		.rtm_scope = RT_SCOPE_NOWHERE,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK);

	if (msg && (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
		    nla_put(msg, RTA_DST, SRV6_ADDR_LEN, discard_only) < 0 ||
		    nla_put_u32(msg, RTA_PRIORITY, 0xfffffff0u) < 0 ||
		    nla_put_u16(msg, RTA_ENCAP_TYPE, (__u16)encap_type) < 0)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int nlx_probe_lwt_encap(struct nlx *n, unsigned int encap_type, struct err *e)
{
	struct nl_msg *msg = nlx_probe_msg(encap_type);
	char buf[256];
	unsigned int seq;
	size_t len = 0;
	int error = 0;
	long failed;

	if (!msg || nlx_queue(n, msg, buf, &len, sizeof(buf), &seq) || nlx_send(n, buf, len)) {
		nlmsg_free(msg);
		return errf(e, "netlink: cannot probe the kernel's route encapsulations");
	}
	nlmsg_free(msg);
	failed = nlx_collect(n, seq, seq, false, &error, NULL, NULL);
	if (failed == NLX_LOST)
		return errf(e, "netlink: cannot probe the kernel's route encapsulations: %s",
			    strerror(error));
	/* Past the encapsulation check, the kernel looks for the route (ESRCH);
	 * a caller without CAP_NET_ADMIN is refused first, and learns that from
	 * the command itself. */
	if (error == EOPNOTSUPP)
		return 0;
	if (error == ESRCH || error == ENOENT || error == EPERM || error == EACCES)
		return 1;
	return errf(e, "netlink: cannot probe the kernel's route encapsulations: %s",
		    strerror(error));
}

/* --- seg6local routes: the kernel platform's local SIDs ------------------------ */

/* End's flavours as iproute2 sends `flavors next-csid lblen N nflen N`: the
 * operation is a bitmask of SEG6_LOCAL_FLV_OP_*, the lengths one byte each. */
static int flavors_put(struct nl_msg *msg, const struct local_sid_route *r)
{
	const __u32 ops = 1u << SEG6_LOCAL_FLV_OP_NEXT_CSID;
	struct nlattr *flv = nla_nest_start(msg, SEG6_LOCAL_FLAVORS);

	if (!flv || nla_put_u32(msg, SEG6_LOCAL_FLV_OPERATION, ops) < 0 ||
	    nla_put_u8(msg, SEG6_LOCAL_FLV_LCBLOCK_BITS, r->lblen) < 0 ||
	    nla_put_u8(msg, SEG6_LOCAL_FLV_LCNODE_FN_BITS, r->nflen) < 0)
		return -1;
	nla_nest_end(msg, flv);
	return 0;
}

static struct nl_msg *local_sid_msg(int type, int flags, const struct local_sid_route *r)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET6,
		.rtm_dst_len = (unsigned char)r->key.prefixlen,
		.rtm_table = r->table < 256 ? (unsigned char)r->table : RT_TABLE_UNSPEC,
		.rtm_protocol = SRV6_RTPROT,
		.rtm_scope = type == RTM_DELROUTE ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE,
		.rtm_type = type == RTM_DELROUTE ? RTN_UNSPEC : RTN_UNICAST,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK | flags);
	struct nlattr *encap;

	if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, SRV6_ADDR_LEN, r->key.addr) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, r->table) < 0)
		goto fail;
	if (type == RTM_DELROUTE)
		return msg;
	if (nla_put_u32(msg, RTA_OIF, (__u32)r->ifindex) < 0 ||
	    nla_put_u16(msg, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_SEG6_LOCAL) < 0 ||
	    !(encap = nla_nest_start(msg, RTA_ENCAP)) ||
	    nla_put_u32(msg, SEG6_LOCAL_ACTION, r->action) < 0)
		goto fail;
	if (r->action == SEG6_LOCAL_ACTION_END_DT6 &&
	    nla_put_u32(msg, SEG6_LOCAL_TABLE, RT_TABLE_LOCAL) < 0)
		goto fail;
	if (r->action == SEG6_LOCAL_ACTION_END_DX4 &&
	    nla_put(msg, SEG6_LOCAL_NH4, sizeof(r->nh4), &r->nh4) < 0)
		goto fail;
	if (r->action == SEG6_LOCAL_ACTION_END && flavors_put(msg, r) < 0)
		goto fail;
	nla_nest_end(msg, encap);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

static int local_sid_send(struct nlx *n, struct nl_msg *msg, struct err *e)
{
	char buf[1024];
	unsigned int seq;
	size_t len = 0;
	int error = 0;

	if (!msg || nlx_queue(n, msg, buf, &len, sizeof(buf), &seq) || nlx_send(n, buf, len)) {
		nlmsg_free(msg);
		return errf(e, "netlink: cannot build the seg6local route");
	}
	nlmsg_free(msg);
	if (nlx_collect(n, seq, seq, false, &error, NULL, NULL) >= 0 || error)
		return errf(e, "%s", strerror(error ? error : EIO));
	return 0;
}

struct nl_msg *nlx_local_sid_set_msg(const struct local_sid_route *r, bool create)
{
	return local_sid_msg(RTM_NEWROUTE, NLM_F_CREATE | (create ? NLM_F_EXCL : NLM_F_REPLACE), r);
}

struct nl_msg *nlx_local_sid_del_msg(const struct local_sid_route *r)
{
	return local_sid_msg(RTM_DELROUTE, 0, r);
}

int nlx_local_sid_set(struct nlx *n, const struct local_sid_route *r, bool create, struct err *e)
{
	return local_sid_send(n, nlx_local_sid_set_msg(r, create), e);
}

int nlx_local_sid_del(struct nlx *n, const struct local_sid_route *r, struct err *e)
{
	return local_sid_send(n, nlx_local_sid_del_msg(r), e);
}

struct local_sids {
	unsigned int table;
	struct local_sid_route *v;
	size_t n, cap;
	int oom;
};

/* lblen and nflen of End's NEXT-C-SID flavour (the kernel's defaults when a
 * length is absent); both 0 when the route has no such flavour. */
static void flavors_parse(struct nlattr *attr, struct local_sid_route *r)
{
	struct nlattr *flv[SEG6_LOCAL_FLV_MAX + 1], *block, *node;

	if (!attr || nla_parse_nested(flv, SEG6_LOCAL_FLV_MAX, attr, NULL) ||
	    !flv[SEG6_LOCAL_FLV_OPERATION] || nla_len(flv[SEG6_LOCAL_FLV_OPERATION]) != 4 ||
	    !(nla_get_u32(flv[SEG6_LOCAL_FLV_OPERATION]) & (1u << SEG6_LOCAL_FLV_OP_NEXT_CSID)))
		return;
	block = flv[SEG6_LOCAL_FLV_LCBLOCK_BITS];
	node = flv[SEG6_LOCAL_FLV_LCNODE_FN_BITS];
	r->lblen = block ? nla_get_u8(block) : SRV6_USID_LBLEN_DEFAULT;
	r->nflen = node ? nla_get_u8(node) : SRV6_USID_NFLEN_DEFAULT;
}

bool nlx_local_sid_route_parse(struct nlmsghdr *h, unsigned int table, struct local_sid_route *r)
{
	struct nlattr *encap[SEG6_LOCAL_MAX + 1];
	struct route_view v;

	memset(r, 0, sizeof(*r));
	if (!route_view(h, &v) || v.table != table || v.rtm->rtm_family != AF_INET6 ||
	    v.rtm->rtm_protocol != SRV6_RTPROT || !v.tb[RTA_ENCAP_TYPE] ||
	    nla_get_u16(v.tb[RTA_ENCAP_TYPE]) != LWTUNNEL_ENCAP_SEG6_LOCAL || !v.tb[RTA_ENCAP] ||
	    nla_parse_nested(encap, SEG6_LOCAL_MAX, v.tb[RTA_ENCAP], NULL) ||
	    !encap[SEG6_LOCAL_ACTION] || !v.tb[RTA_DST] || nla_len(v.tb[RTA_DST]) != SRV6_ADDR_LEN)
		return false;
	r->key.prefixlen = v.rtm->rtm_dst_len;
	memcpy(r->key.addr, nla_data(v.tb[RTA_DST]), SRV6_ADDR_LEN);
	r->action = nla_get_u32(encap[SEG6_LOCAL_ACTION]);
	r->table = v.table;
	r->ifindex = v.tb[RTA_OIF] ? (int)nla_get_u32(v.tb[RTA_OIF]) : 0;
	if (encap[SEG6_LOCAL_NH4] && nla_len(encap[SEG6_LOCAL_NH4]) == sizeof(r->nh4))
		memcpy(&r->nh4, nla_data(encap[SEG6_LOCAL_NH4]), sizeof(r->nh4));
	if (r->action == SEG6_LOCAL_ACTION_END)
		flavors_parse(encap[SEG6_LOCAL_FLAVORS], r);
	return true;
}

static void local_sid_parse(struct nlmsghdr *h, void *arg)
{
	struct local_sids *acc = arg;
	struct local_sid_route r;

	if (nlx_local_sid_route_parse(h, acc->table, &r) &&
	    !array_append((void **)&acc->v, &acc->n, &acc->cap, &r, sizeof(r)))
		acc->oom = 1;
}

int nlx_local_sids(struct nlx *n, unsigned int table, struct local_sid_route **routes,
		   size_t *count, struct err *e)
{
	struct local_sids acc = { .table = table };

	if (nlx_routes_dump(n, AF_INET6, local_sid_parse, &acc, e) || acc.oom) {
		free(acc.v);
		return acc.oom ? errf(e, "netlink: cannot list routes: out of memory") : -1;
	}
	*routes = acc.v;
	*count = acc.n;
	return 0;
}

/* --- End SID routes (BPF platform) --------------------------------------------- */

static struct nl_msg *sid_route_msg(int type, int flags, const struct srv6_sid_key *key,
				    int ifindex)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET6,
		.rtm_dst_len = (unsigned char)key->prefixlen,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = SRV6_RTPROT,
		.rtm_scope = type == RTM_DELROUTE ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE,
		.rtm_type = type == RTM_DELROUTE ? RTN_UNSPEC : RTN_UNICAST,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK | flags);

	/* Via the discard-only 100::1, on-link: the kernel forwards, so a hop
	 * limit <= 1 gets Time Exceeded; what else End left to the stack fails
	 * neighbour discovery for 100::1 and gets Destination Unreachable
	 * (address unreachable); a gateway that is not link-local means no ICMP
	 * redirect ever names the SID as on-link. */
	if (type != RTM_DELROUTE)
		rtm.rtm_flags = RTNH_F_ONLINK;
	if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, SRV6_ADDR_LEN, key->addr) < 0 ||
	    nla_put_u32(msg, RTA_PRIORITY, SRV6_SID_ROUTE_METRIC) < 0 ||
	    (type != RTM_DELROUTE && (nla_put_u32(msg, RTA_OIF, (__u32)ifindex) < 0 ||
				      nla_put(msg, RTA_GATEWAY, SRV6_ADDR_LEN, discard_only) < 0))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* One request, one answer: 0 or the kernel's errno. */
static int nlx_request(struct nlx *n, struct nl_msg *msg)
{
	char buf[512];
	unsigned int seq;
	size_t len = 0;
	int error = 0;

	if (!msg || nlx_queue(n, msg, buf, &len, sizeof(buf), &seq) || nlx_send(n, buf, len)) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	nlmsg_free(msg);
	if (nlx_collect(n, seq, seq, false, &error, NULL, NULL) == NLX_LOST)
		return error ? error : EIO;
	return error;
}

int nlx_sid_route_set(struct nlx *n, const struct srv6_sid_key *key, int ifindex, struct err *e)
{
	int error = nlx_request(n, sid_route_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, key,
						 ifindex));
	char text[ADDR_STR_LEN];

	if (error)
		return errf(e, "cannot install the route for End SID %s/%u: %s",
			    addr_sid_str(key->addr, text), key->prefixlen, strerror(error));
	return 0;
}

int nlx_sid_route_del(struct nlx *n, const struct srv6_sid_key *key, struct err *e)
{
	int error = nlx_request(n, sid_route_msg(RTM_DELROUTE, 0, key, 0));
	char text[ADDR_STR_LEN];

	if (error && error != ESRCH && error != ENOENT)
		return errf(e, "cannot remove the route for End SID %s/%u: %s",
			    addr_sid_str(key->addr, text), key->prefixlen, strerror(error));
	return 0;
}

struct sid_routes {
	struct sid_route *v;
	size_t n, cap;
	int oom;
};

static void sid_route_parse(struct nlmsghdr *h, void *arg)
{
	struct sid_routes *acc = arg;
	struct sid_route r = { 0 };
	struct route_view v;

	if (!route_view(h, &v) || v.table != RT_TABLE_MAIN || v.rtm->rtm_family != AF_INET6 ||
	    v.rtm->rtm_protocol != SRV6_RTPROT || !v.tb[RTA_PRIORITY] ||
	    nla_get_u32(v.tb[RTA_PRIORITY]) != SRV6_SID_ROUTE_METRIC || !v.tb[RTA_DST] ||
	    nla_len(v.tb[RTA_DST]) != SRV6_ADDR_LEN)
		return;
	r.key.prefixlen = v.rtm->rtm_dst_len;
	memcpy(r.key.addr, nla_data(v.tb[RTA_DST]), SRV6_ADDR_LEN);
	r.ifindex = v.tb[RTA_OIF] ? (int)nla_get_u32(v.tb[RTA_OIF]) : 0;
	if (!array_append((void **)&acc->v, &acc->n, &acc->cap, &r, sizeof(r)))
		acc->oom = 1;
}

int nlx_sid_routes(struct nlx *n, struct sid_route **routes, size_t *count, struct err *e)
{
	struct sid_routes acc = { 0 };

	if (nlx_routes_dump(n, AF_INET6, sid_route_parse, &acc, e) || acc.oom) {
		free(acc.v);
		return acc.oom ? errf(e, "netlink: cannot list routes: out of memory") : -1;
	}
	*routes = acc.v;
	*count = acc.n;
	return 0;
}
