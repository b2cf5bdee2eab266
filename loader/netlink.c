// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include "addr.h"

/* Requests in flight at once: enough to amortise round trips, few enough that
 * the acks fit the socket's receive buffer. */
#define NLX_WINDOW 256
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

int nlx_first_global_ipv6(struct nlx *n, int ifindex, struct in6_addr *out, struct err *e)
{
	struct nl_cache *cache = NULL;
	int rc = rtnl_addr_alloc_cache(n->sk, &cache), found = 1;

	if (rc < 0)
		return errf(e, "netlink: cannot list addresses: %s", nl_geterror(rc));
	for (struct nl_object *o = nl_cache_get_first(cache); o && found; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != AF_INET6 ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE || !local ||
		    (rtnl_addr_get_flags(a) & IFA_F_DADFAILED) ||
		    nl_addr_get_len(local) != sizeof(*out))
			continue;
		memcpy(out, nl_addr_get_binary_addr(local), sizeof(*out));
		found = 0;
	}
	nl_cache_free(cache);
	return found;
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
 * other than acks go to on_msg when given. Returns the index (seq - first_seq)
 * of the first request that failed, or -1, with *error its errno. With
 * ignore_absent, "no such route" answers are not failures.
 */
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
			return failed >= 0 ? failed : 0;
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

struct route_get_result {
	struct nexthop *nh;
	int found;
};

static void route_get_parse(struct nlmsghdr *h, void *arg)
{
	struct route_get_result *res = arg;
	struct nlattr *tb[RTA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(h, sizeof(struct rtmsg), tb, RTA_MAX, NULL) < 0)
		return;
	memset(res->nh, 0, sizeof(*res->nh));
	if (tb[RTA_OIF])
		res->nh->ifindex = (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] && nla_len(tb[RTA_GATEWAY]) == sizeof(struct in6_addr)) {
		res->nh->has_gw = true;
		memcpy(&res->nh->gw, nla_data(tb[RTA_GATEWAY]), sizeof(struct in6_addr));
	}
	res->found = 1;
}

int nlx_route_get6(struct nlx *n, const __u8 dst[SRV6_ADDR_LEN], struct nexthop *nh,
		   struct err *e)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = 128 };
	struct route_get_result res = { .nh = nh };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);
	char buf[256], text[ADDR_STR_LEN];
	unsigned int seq;
	size_t len = 0;
	int error, rc;

	if (!msg)
		return errf(e, "netlink: out of memory");
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, SRV6_ADDR_LEN, dst) < 0 ||
	    nlx_queue(n, msg, buf, &len, sizeof(buf), &seq)) {
		nlmsg_free(msg);
		return errf(e, "netlink: cannot build route request");
	}
	nlmsg_free(msg);
	rc = nlx_send(n, buf, len);
	if (rc < 0)
		return errf(e, "netlink: %s", nl_geterror(rc));
	nlx_collect(n, seq, seq, false, &error, route_get_parse, &res);
	if (error || !res.found)
		return errf(e, "no route to %s: %s", addr_sid_str(dst, text),
			    error ? strerror(error) : "no answer");
	return 0;
}

static int host_route_cmp(const void *a, const void *b)
{
	return memcmp(((const struct host_route *)a)->route.key.addr,
		      ((const struct host_route *)b)->route.key.addr, SRV6_ADDR_LEN);
}

struct host_routes {
	struct host_route *v;
	size_t n, cap;
	int oom;
};

static void host_route_parse(struct nlmsghdr *h, void *arg)
{
	struct host_routes *acc = arg;
	struct rtmsg *rtm = nlmsg_data(h);
	struct nlattr *tb[RTA_MAX + 1];
	struct host_route r = { .protocol = rtm->rtm_protocol };
	__u32 table = rtm->rtm_table;

	if (h->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) < 0 || !tb[RTA_DST])
		return;
	if (tb[RTA_TABLE])
		table = nla_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN)
		return;
	if (rtm->rtm_family == AF_INET6 && rtm->rtm_dst_len == 128 &&
	    nla_len(tb[RTA_DST]) == 16) {
		addr_key_from_in6(&r.route.key, nla_data(tb[RTA_DST]));
	} else if (rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 32 &&
		   nla_len(tb[RTA_DST]) == 4) {
		addr_key_from_in(&r.route.key, nla_data(tb[RTA_DST]));
	} else {
		return;
	}
	if (tb[RTA_OIF])
		r.route.nh.ifindex = (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] && nla_len(tb[RTA_GATEWAY]) == 16) {
		r.route.nh.has_gw = true;
		memcpy(&r.route.nh.gw, nla_data(tb[RTA_GATEWAY]), 16);
	} else if (tb[RTA_VIA] && nla_len(tb[RTA_VIA]) == 18) {
		r.route.nh.has_gw = true;
		memcpy(&r.route.nh.gw, (const char *)nla_data(tb[RTA_VIA]) + 2, 16);
	}
	if (tb[RTA_METRICS]) {
		struct nlattr *mx[RTAX_MAX + 1];

		if (nla_parse_nested(mx, RTAX_MAX, tb[RTA_METRICS], NULL) == 0 && mx[RTAX_MTU])
			r.route.mtu = nla_get_u32(mx[RTAX_MTU]);
	}
	if (acc->n == acc->cap) {
		size_t cap = acc->cap ? acc->cap * 2 : 256;
		struct host_route *v = realloc(acc->v, cap * sizeof(*v));

		if (!v) {
			acc->oom = 1;
			return;
		}
		acc->v = v;
		acc->cap = cap;
	}
	acc->v[acc->n++] = r;
}

int nlx_host_routes(struct nlx *n, struct host_route **routes, size_t *count, struct err *e)
{
	static const int families[] = { AF_INET6, AF_INET };
	struct host_routes acc = { 0 };

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		struct rtmsg rtm = { .rtm_family = (unsigned char)families[i] };
		struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
		char buf[128];
		unsigned int seq;
		size_t len = 0;
		int error = 0;

		if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
		    nlx_queue(n, msg, buf, &len, sizeof(buf), &seq) || nlx_send(n, buf, len)) {
			nlmsg_free(msg);
			free(acc.v);
			return errf(e, "netlink: cannot list routes");
		}
		nlmsg_free(msg);
		nlx_collect(n, seq, seq, false, &error, host_route_parse, &acc);
		if (error || acc.oom) {
			free(acc.v);
			return errf(e, "netlink: cannot list routes: %s",
				    acc.oom ? "out of memory" : strerror(error));
		}
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

/* RTM_NEWROUTE (create or replace) or RTM_DELROUTE for a peer host route. */
static struct nl_msg *peer_route_msg(int type, const struct srv6_peer_key *key,
				     const struct peer_route *r)
{
	bool ipv4 = addr_key_is_ipv4(key);
	int flags = NLM_F_REQUEST | NLM_F_ACK;
	struct rtmsg rtm = {
		.rtm_family = ipv4 ? AF_INET : AF_INET6,
		.rtm_dst_len = ipv4 ? 32 : 128,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = SRV6_RTPROT,
		.rtm_scope = type == RTM_DELROUTE ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE,
		.rtm_type = type == RTM_DELROUTE ? RTN_UNSPEC : RTN_UNICAST,
	};
	struct nl_msg *msg;
	struct nlattr *metrics;

	if (type == RTM_NEWROUTE)
		flags |= NLM_F_CREATE | NLM_F_REPLACE;
	msg = nlmsg_alloc_simple(type, flags);
	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, ipv4 ? 4 : 16, ipv4 ? key->addr + 12 : key->addr) < 0)
		goto fail;
	if (!r)
		return msg;
	if (nla_put_u32(msg, RTA_OIF, (__u32)r->nh.ifindex) < 0)
		goto fail;
	if (r->nh.has_gw && !ipv4 && nla_put(msg, RTA_GATEWAY, 16, &r->nh.gw) < 0)
		goto fail;
	if (r->nh.has_gw && ipv4) {
		/* An IPv4 peer reached through an IPv6 next hop (RFC 5549). */
		struct {
			__u16 family;
			__u8 addr[16];
		} __attribute__((packed)) via = { .family = AF_INET6 };

		memcpy(via.addr, &r->nh.gw, sizeof(via.addr));
		if (nla_put(msg, RTA_VIA, sizeof(via), &via) < 0)
			goto fail;
	}
	metrics = nla_nest_start(msg, RTA_METRICS);
	if (!metrics || nla_put_u32(msg, RTAX_MTU, r->mtu) < 0)
		goto fail;
	nla_nest_end(msg, metrics);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/* Send the requests in windows; stop at the first failure (index in *failed). */
static int nlx_pipeline(struct nlx *n, int type, const struct srv6_peer_key *keys,
			const struct peer_route *routes, size_t count, bool ignore_absent,
			size_t *failed, int *error)
{
	char *buf = malloc((size_t)NLX_WINDOW * 256);
	size_t start = 0;

	*error = 0;
	if (!buf)
		return (*error = ENOMEM), -1;
	while (start < count) {
		size_t len = 0, batch = 0;
		unsigned int first_seq = n->seq, seq = 0;
		long bad;

		for (; batch < NLX_WINDOW && start + batch < count; batch++) {
			size_t i = start + batch;
			struct nl_msg *msg = peer_route_msg(type, routes ? &routes[i].key : &keys[i],
							    routes ? &routes[i] : NULL);

			if (!msg || nlx_queue(n, msg, buf, &len, (size_t)NLX_WINDOW * 256, &seq)) {
				nlmsg_free(msg);
				break;
			}
			nlmsg_free(msg);
		}
		if (batch == 0 || nlx_send(n, buf, len)) {
			free(buf);
			*failed = start;
			*error = batch == 0 ? ENOMEM : EIO;
			return -1;
		}
		bad = nlx_collect(n, first_seq, seq, ignore_absent, error, NULL, NULL);
		if (bad >= 0) {
			free(buf);
			*failed = start + (size_t)bad;
			return -1;
		}
		*error = 0;
		start += batch;
	}
	free(buf);
	*failed = count;
	return 0;
}

int nlx_peer_routes_set(struct nlx *n, const struct peer_route *routes, size_t count,
			size_t *done, struct err *e)
{
	char text[ADDR_STR_LEN];
	int error;

	if (nlx_pipeline(n, RTM_NEWROUTE, NULL, routes, count, false, done, &error) == 0)
		return 0;
	return errf(e, "cannot install the route for peer %s: %s",
		    addr_key_str(&routes[*done < count ? *done : 0].key, text), strerror(error));
}

int nlx_peer_routes_del(struct nlx *n, const struct srv6_peer_key *keys, size_t count,
			struct err *e)
{
	char text[ADDR_STR_LEN];
	size_t failed;
	int error;

	if (nlx_pipeline(n, RTM_DELROUTE, keys, NULL, count, true, &failed, &error) == 0)
		return 0;
	return errf(e, "cannot remove the route for peer %s: %s",
		    addr_key_str(&keys[failed < count ? failed : 0], text), strerror(error));
}
