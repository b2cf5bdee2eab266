// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loader/net/netlink_msg.h: the rtnetlink requests srv6-bpf sends, attribute by
 * attribute, without a kernel. They stand in for the kernel platform's wire
 * checks where the kernel has no seg6 routes.
 *
 * The expected bytes are written by hand from the kernel's uapi
 * (linux/rtnetlink.h, lwtunnel.h, seg6.h, seg6_iptunnel.h, seg6_local.h) and
 * from what iproute2 sends for the same route: `ip -6 route add PEER encap seg6
 * mode encap.red segs A,B,C` carries every SID, last first, with Segments Left
 * and Last Entry n - 1 (the kernel drops the first SID itself in encap.red),
 * and `encap seg6local action End flavors next-csid lblen 32 nflen 16` a nested
 * SEG6_LOCAL_FLAVORS with the operation bitmask (u32) and two u8 lengths.
 * Numbers are literals on purpose: a builder that picks a wrong constant fails.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <linux/seg6_local.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include "net/netlink_msg.h"
#include "unit_helpers.h"

/* Netlink is host-endian: attribute headers and integers as this CPU stores them. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define H16(x) ((x) & 0xff), (((x) >> 8) & 0xff)
#define H32(x) ((x) & 0xff), (((x) >> 8) & 0xff), (((x) >> 16) & 0xff), (((x) >> 24) & 0xff)
#else
#define H16(x) (((x) >> 8) & 0xff), ((x) & 0xff)
#define H32(x) (((x) >> 24) & 0xff), (((x) >> 16) & 0xff), (((x) >> 8) & 0xff), ((x) & 0xff)
#endif
#define NLA(len, type) H16(len), H16(type) /* struct nlattr */

/* SIDs as bytes (network order). */
#define SID_A 0xfc, 0x00, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 /* fc00:0:100:: */
#define SID_B 0xfc, 0x00, 0, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 /* fc00:0:101:: */
/* fc00:0:2:e006:: */
#define SID_C 0xfc, 0x00, 0, 0, 0x00, 0x02, 0xe0, 0x06, 0, 0, 0, 0, 0, 0, 0, 0
/* fc00:0:102:2:e006:: */
#define SID_D 0xfc, 0x00, 0, 0, 0x01, 0x02, 0x00, 0x02, 0xe0, 0x06, 0, 0, 0, 0, 0, 0

/* Request flags. */
#define F_REQ_ACK (NLM_F_REQUEST | NLM_F_ACK)

static struct srv6_path path(__u8 weight, unsigned int n, const char *const *sids)
{
	struct srv6_path p;

	memset(&p, 0, sizeof(p));
	p.seg_count = (__u8)n;
	p.weight = weight;
	for (unsigned int i = 0; i < n; i++)
		ut_in6(sids[i], p.segs[i]);
	return p;
}

static struct nexthop nexthop(int ifindex, const char *gw)
{
	struct nexthop nh = { .ifindex = ifindex };

	if (gw) {
		cr_assert_eq(inet_pton(AF_INET6, gw, &nh.gw), 1, "test bug: %s", gw);
		nh.has_gw = true;
	}
	return nh;
}

static struct srv6_peer_key peer6(const char *text)
{
	struct srv6_peer_key k;

	ut_in6(text, k.addr);
	return k;
}

static struct srv6_peer_key peer4(const char *text)
{
	struct srv6_peer_key k = { .addr = { [10] = 0xff, [11] = 0xff } };

	cr_assert_eq(inet_pton(AF_INET, text, k.addr + 12), 1, "test bug: %s", text);
	return k;
}

/* The header and attributes of a built request; every attribute type at most once. */
struct req {
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	struct nlattr *tb[RTA_MAX + 1];
	uint64_t present; /* bit per attribute type */
};

static void req_parse(struct nl_msg *msg, struct req *r)
{
	struct nlattr *a;
	int rem;

	cr_assert_not_null(msg, "the builder returned no message");
	memset(r, 0, sizeof(*r));
	r->h = nlmsg_hdr(msg);
	r->rtm = nlmsg_data(r->h);
	cr_assert_geq(r->h->nlmsg_len, NLMSG_LENGTH(sizeof(struct rtmsg)));
	cr_assert_eq(nlmsg_parse(r->h, sizeof(struct rtmsg), r->tb, RTA_MAX, NULL), 0,
		     "attributes do not parse");
	nlmsg_for_each_attr(a, r->h, sizeof(struct rtmsg), rem) {
		int type = nla_type(a);

		cr_assert_lt(type, 64);
		cr_assert_not(r->present & (1ull << type), "attribute %d appears twice", type);
		r->present |= 1ull << type;
	}
	cr_assert_eq(rem, 0, "%d bytes of garbage after the attributes", rem);
}

#define BIT(t) (1ull << (t))

static void assert_rtmsg(const struct req *r, int type, int flags, int family, int dst_len,
			 int table, int scope, int rtype)
{
	cr_assert_eq(r->h->nlmsg_type, type, "nlmsg_type %u, expected %d", r->h->nlmsg_type, type);
	cr_assert_eq(r->h->nlmsg_flags, flags, "nlmsg_flags 0x%x, expected 0x%x",
		     r->h->nlmsg_flags, flags);
	cr_assert_eq(r->rtm->rtm_family, family);
	cr_assert_eq(r->rtm->rtm_dst_len, dst_len);
	cr_assert_eq(r->rtm->rtm_src_len, 0);
	cr_assert_eq(r->rtm->rtm_tos, 0);
	cr_assert_eq(r->rtm->rtm_table, table, "rtm_table %u, expected %d", r->rtm->rtm_table, table);
	cr_assert_eq(r->rtm->rtm_protocol, 206, "protocol %u: srv6-bpf tags its routes 206",
		     r->rtm->rtm_protocol);
	cr_assert_eq(r->rtm->rtm_scope, scope, "scope %u, expected %d", r->rtm->rtm_scope, scope);
	cr_assert_eq(r->rtm->rtm_type, rtype, "type %u, expected %d", r->rtm->rtm_type, rtype);
	cr_assert_eq(r->rtm->rtm_flags, 0);
}

/* An attribute's payload is exactly want (length and bytes). */
static void assert_attr(const struct nlattr *a, const void *want, int len, const char *what)
{
	cr_assert_not_null(a, "%s: missing", what);
	cr_assert_eq(nla_len(a), len, "%s: %d bytes, expected %d", what, nla_len(a), len);
	ut_assert_bytes_eq(nla_data(a), want, (size_t)len, what);
}

static void assert_u32(const struct nlattr *a, __u32 want, const char *what)
{
	cr_assert_not_null(a, "%s: missing", what);
	cr_assert_eq(nla_len(a), 4, "%s: %d bytes, expected 4", what, nla_len(a));
	cr_assert_eq(nla_get_u32((struct nlattr *)a), want, "%s: %u, expected %u", what,
		     nla_get_u32((struct nlattr *)a), want);
}

static void assert_u16(const struct nlattr *a, __u16 want, const char *what)
{
	cr_assert_not_null(a, "%s: missing", what);
	cr_assert_eq(nla_len(a), 2, "%s: %d bytes, expected 2", what, nla_len(a));
	cr_assert_eq(nla_get_u16((struct nlattr *)a), want, "%s: %u, expected %u", what,
		     nla_get_u16((struct nlattr *)a), want);
}

static const __u8 peer_h1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 2 }; /* 2001:db8:2::2 */
static const __u8 gw_r1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0xff }; /* 2001:db8:1::ff */

static const char *const abc[] = { "fc00:0:100::", "fc00:0:101::", "fc00:0:2:e006::" };

/* --- seg6 peer routes (kernel platform) -------------------------------------- */

Test(netlink_msg, seg6_encap_red_three_sids)
{
	/* What RTA_ENCAP holds for `encap seg6 mode encap.red segs A,B,C`. */
	static const __u8 encap[] = {
		NLA(64, 1),              /* SEG6_IPTUNNEL_SRH: 4 + 4 + 8 + 3 * 16 */
		H32(3),                  /* struct seg6_iptunnel_encap: mode 3 = encap.red */
		0,                       /* SRH next header: the kernel fills it in */
		6,                       /* hdrlen: 3 SIDs = 6 units of 8 octets */
		4,                       /* routing type 4: SRH */
		2,                       /* segments left */
		2,                       /* first segment (last entry) */
		0, 0, 0,                 /* flags, tag */
		SID_C, SID_B, SID_A,     /* last first, the first SID included */
	};
	struct srv6_peer set = { .path_count = 1, .paths = { path(1, 3, abc) } };
	struct nexthop nh = nexthop(3, "2001:db8:1::ff");
	struct peer_route route = { .key = peer6("2001:db8:2::2"), .table = 254, .nh = nh,
				    .encap_mode = 3, .paths = &set, .path_nh = &nh };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET6, 128,
		     254, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_OIF) | BIT(RTA_GATEWAY) |
					BIT(RTA_ENCAP_TYPE) | BIT(RTA_ENCAP),
		     "attributes 0x%llx", (unsigned long long)r.present);
	assert_attr(r.tb[RTA_DST], peer_h1, 16, "RTA_DST");
	assert_u32(r.tb[RTA_TABLE], 254, "RTA_TABLE");
	assert_u32(r.tb[RTA_OIF], 3, "RTA_OIF");
	assert_attr(r.tb[RTA_GATEWAY], gw_r1, 16, "RTA_GATEWAY");
	assert_u16(r.tb[RTA_ENCAP_TYPE], 5, "RTA_ENCAP_TYPE (LWTUNNEL_ENCAP_SEG6)");
	assert_attr(r.tb[RTA_ENCAP], encap, sizeof(encap), "RTA_ENCAP (seg6)");
	nlmsg_free(msg);
}

Test(netlink_msg, seg6_encap_mode_one_sid)
{
	static const __u8 encap[] = {
		NLA(32, 1),      /* 4 + 4 + 8 + 16 */
		H32(1),          /* mode 1 = encap */
		0, 2, 4, 0, 0, 0, 0, 0, /* hdrlen 2, type 4, segments left 0, last entry 0 */
		SID_D,
	};
	const char *const d[] = { "fc00:0:102:2:e006::" };
	struct srv6_peer set = { .path_count = 1, .paths = { path(1, 1, d) } };
	struct nexthop nh = nexthop(7, NULL);
	struct peer_route route = { .key = peer6("2001:db8:2::2"), .table = 100, .nh = nh,
				    .encap_mode = 1, .paths = &set, .path_nh = &nh };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET6, 128,
		     100, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_OIF) |
					BIT(RTA_ENCAP_TYPE) | BIT(RTA_ENCAP),
		     "no gateway: attributes 0x%llx", (unsigned long long)r.present);
	assert_u32(r.tb[RTA_OIF], 7, "RTA_OIF");
	assert_u32(r.tb[RTA_TABLE], 100, "RTA_TABLE");
	assert_attr(r.tb[RTA_ENCAP], encap, sizeof(encap), "RTA_ENCAP (seg6, mode encap)");
	nlmsg_free(msg);
}

Test(netlink_msg, seg6_table_above_255_only_in_rta_table)
{
	const char *const d[] = { "fc00:0:102:2:e006::" };
	struct srv6_peer set = { .path_count = 1, .paths = { path(1, 1, d) } };
	struct nexthop nh = nexthop(7, NULL);
	struct peer_route route = { .key = peer6("2001:db8:2::2"), .table = 100000, .nh = nh,
				    .encap_mode = 3, .paths = &set, .path_nh = &nh };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	cr_assert_eq(r.rtm->rtm_table, RT_TABLE_UNSPEC, "rtm_table is 8 bits: 0, RTA_TABLE says");
	assert_u32(r.tb[RTA_TABLE], 100000, "RTA_TABLE");
	nlmsg_free(msg);
}

/* One rtnexthop of RTA_MULTIPATH: its header, then its attributes. */
struct hop {
	const struct rtnexthop *rtnh;
	struct nlattr *tb[RTA_MAX + 1];
	uint64_t present;
};

static size_t hops_parse(const struct nlattr *mp, struct hop *hops, size_t max)
{
	const char *p = nla_data(mp);
	int left = nla_len(mp);
	size_t n = 0;

	while (left > 0) {
		const struct rtnexthop *rtnh = (const void *)p;
		struct nlattr *a;
		int rem, alen;

		cr_assert_lt(n, max, "more hops than paths");
		cr_assert_geq(left, (int)sizeof(*rtnh), "truncated rtnexthop");
		cr_assert_geq(rtnh->rtnh_len, sizeof(*rtnh));
		cr_assert_leq(rtnh->rtnh_len, left, "rtnh_len %u past the attribute", rtnh->rtnh_len);
		hops[n].rtnh = rtnh;
		alen = rtnh->rtnh_len - (int)RTNH_ALIGN(sizeof(*rtnh));
		a = (struct nlattr *)(p + RTNH_ALIGN(sizeof(*rtnh)));
		cr_assert_eq(nla_parse(hops[n].tb, RTA_MAX, a, alen, NULL), 0);
		hops[n].present = 0;
		nla_for_each_attr(a, (struct nlattr *)(p + RTNH_ALIGN(sizeof(*rtnh))), alen, rem)
			hops[n].present |= 1ull << nla_type(a);
		cr_assert_eq(rem, 0, "hop %zu: garbage after its attributes", n);
		left -= RTNH_ALIGN(rtnh->rtnh_len);
		p += RTNH_ALIGN(rtnh->rtnh_len);
		n++;
	}
	cr_assert_eq(left, 0);
	return n;
}

Test(netlink_msg, seg6_multipath_weights_and_per_hop_encap)
{
	static const __u8 encap0[] = {
		NLA(48, 1), H32(3), 0, 4, 4, 1, 1, 0, 0, 0, SID_C, SID_A, /* segs A,C */
	};
	static const __u8 encap1[] = {
		NLA(32, 1), H32(3), 0, 2, 4, 0, 0, 0, 0, 0, SID_D, /* segs D */
	};
	static const __u8 gw1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0xfe };
	const char *const ac[] = { "fc00:0:100::", "fc00:0:2:e006::" };
	const char *const d[] = { "fc00:0:102:2:e006::" };
	struct srv6_peer set = { .path_count = 2, .paths = { path(3, 2, ac), path(1, 1, d) } };
	struct nexthop nh[2] = { nexthop(3, "2001:db8:1::ff"), nexthop(4, "2001:db8:1::fe") };
	struct peer_route route = { .key = peer6("2001:db8:2::2"), .table = 254, .nh = nh[0],
				    .encap_mode = 3, .paths = &set, .path_nh = nh };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct hop hops[4];
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET6, 128,
		     254, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_MULTIPATH),
		     "next hops only inside RTA_MULTIPATH: attributes 0x%llx",
		     (unsigned long long)r.present);
	cr_assert_eq(hops_parse(r.tb[RTA_MULTIPATH], hops, 4), 2);
	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(hops[i].rtnh->rtnh_flags, 0);
		cr_assert_eq(hops[i].present,
			     BIT(RTA_GATEWAY) | BIT(RTA_ENCAP_TYPE) | BIT(RTA_ENCAP),
			     "hop %zu: attributes 0x%llx", i, (unsigned long long)hops[i].present);
		assert_u16(hops[i].tb[RTA_ENCAP_TYPE], 5, "hop RTA_ENCAP_TYPE");
	}
	/* rtnh_hops is weight - 1 (the kernel's nh_weight = rtnh_hops + 1). */
	cr_assert_eq(hops[0].rtnh->rtnh_hops, 2, "weight 3");
	cr_assert_eq(hops[1].rtnh->rtnh_hops, 0, "weight 1");
	cr_assert_eq(hops[0].rtnh->rtnh_ifindex, 3);
	cr_assert_eq(hops[1].rtnh->rtnh_ifindex, 4);
	/* 8 (rtnexthop) + 20 (gateway) + 8 (encap type, padded) + 4 (encap) + payload */
	cr_assert_eq(hops[0].rtnh->rtnh_len, 8 + 20 + 8 + 4 + 48);
	cr_assert_eq(hops[1].rtnh->rtnh_len, 8 + 20 + 8 + 4 + 32);
	assert_attr(hops[0].tb[RTA_GATEWAY], gw_r1, 16, "hop 0 RTA_GATEWAY");
	assert_attr(hops[1].tb[RTA_GATEWAY], gw1, 16, "hop 1 RTA_GATEWAY");
	assert_attr(hops[0].tb[RTA_ENCAP], encap0, sizeof(encap0), "hop 0 RTA_ENCAP");
	assert_attr(hops[1].tb[RTA_ENCAP], encap1, sizeof(encap1), "hop 1 RTA_ENCAP");
	nlmsg_free(msg);
}

Test(netlink_msg, seg6_ipv4_peer_reaches_inet6_gateway_by_rta_via)
{
	static const __u8 dst[4] = { 198, 51, 100, 2 };
	static const __u8 via[18] = { H16(10), /* AF_INET6 */
				      0x20, 0x01, 0x0d, 0xb8, 0, 1, [17] = 0xff };
	const char *const d[] = { "fc00:0:102:2:e006::" };
	struct srv6_peer set = { .path_count = 1, .paths = { path(1, 1, d) } };
	struct nexthop nh = nexthop(3, "2001:db8:1::ff");
	struct peer_route route = { .key = peer4("198.51.100.2"), .table = 254, .nh = nh,
				    .encap_mode = 3, .paths = &set, .path_nh = &nh };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET, 32, 254,
		     RT_SCOPE_UNIVERSE, RTN_UNICAST);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_OIF) | BIT(RTA_VIA) |
					BIT(RTA_ENCAP_TYPE) | BIT(RTA_ENCAP),
		     "RTA_VIA, not RTA_GATEWAY: attributes 0x%llx", (unsigned long long)r.present);
	assert_attr(r.tb[RTA_DST], dst, 4, "RTA_DST (IPv4)");
	assert_attr(r.tb[RTA_VIA], via, 18, "RTA_VIA (struct rtvia)");
	assert_u16(r.tb[RTA_ENCAP_TYPE], 5, "RTA_ENCAP_TYPE");
	nlmsg_free(msg);
}

Test(netlink_msg, seg6_ipv4_multipath_hops_use_rta_via)
{
	const char *const d[] = { "fc00:0:102:2:e006::" };
	struct srv6_peer set = { .path_count = 2, .paths = { path(2, 3, abc), path(5, 1, d) } };
	struct nexthop nh[2] = { nexthop(3, "2001:db8:1::ff"), nexthop(3, "2001:db8:1::ff") };
	struct peer_route route = { .key = peer4("198.51.100.2"), .table = 254, .nh = nh[0],
				    .encap_mode = 3, .paths = &set, .path_nh = nh };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct hop hops[4];
	struct req r;

	req_parse(msg, &r);
	cr_assert_eq(hops_parse(r.tb[RTA_MULTIPATH], hops, 4), 2);
	for (size_t i = 0; i < 2; i++)
		cr_assert_eq(hops[i].present, BIT(RTA_VIA) | BIT(RTA_ENCAP_TYPE) | BIT(RTA_ENCAP),
			     "hop %zu: attributes 0x%llx", i, (unsigned long long)hops[i].present);
	cr_assert_eq(hops[0].rtnh->rtnh_hops, 1);
	cr_assert_eq(hops[1].rtnh->rtnh_hops, 4);
	nlmsg_free(msg);
}

Test(netlink_msg, seg6_path_without_sids_is_refused)
{
	struct srv6_peer set = { .path_count = 1 }; /* seg_count 0 */
	struct nexthop nh = nexthop(3, NULL);
	struct peer_route route = { .key = peer6("2001:db8:2::2"), .table = 254, .nh = nh,
				    .encap_mode = 3, .paths = &set, .path_nh = &nh };

	cr_assert_null(nlx_peer_route_msg(&route));
}

/* --- BPF platform host routes ------------------------------------------------ */

Test(netlink_msg, bpf_host_route_mtu_and_gateway)
{
	static const __u8 metrics[] = { NLA(8, 2), H32(1404) }; /* RTAX_MTU */
	struct peer_route route = { .key = peer6("2001:db8:2::2"), .table = 254, .mtu = 1404,
				    .nh = nexthop(3, "2001:db8:1::ff") };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET6, 128,
		     254, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_OIF) | BIT(RTA_GATEWAY) |
					BIT(RTA_METRICS),
		     "no encapsulation on the BPF platform: attributes 0x%llx",
		     (unsigned long long)r.present);
	assert_attr(r.tb[RTA_DST], peer_h1, 16, "RTA_DST");
	assert_u32(r.tb[RTA_OIF], 3, "RTA_OIF");
	assert_attr(r.tb[RTA_GATEWAY], gw_r1, 16, "RTA_GATEWAY");
	assert_attr(r.tb[RTA_METRICS], metrics, sizeof(metrics), "RTA_METRICS");
	nlmsg_free(msg);
}

Test(netlink_msg, bpf_host_route_ipv4_peer_via_inet6_gateway)
{
	static const __u8 dst[4] = { 198, 51, 100, 2 };
	static const __u8 via[18] = { H16(10), 0x20, 0x01, 0x0d, 0xb8, 0, 1, [17] = 0xff };
	static const __u8 metrics[] = { NLA(8, 2), H32(1424) };
	struct peer_route route = { .key = peer4("198.51.100.2"), .table = 254, .mtu = 1424,
				    .nh = nexthop(9, "2001:db8:1::ff") };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET, 32, 254,
		     RT_SCOPE_UNIVERSE, RTN_UNICAST);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_OIF) | BIT(RTA_VIA) |
					BIT(RTA_METRICS),
		     "attributes 0x%llx", (unsigned long long)r.present);
	assert_attr(r.tb[RTA_DST], dst, 4, "RTA_DST");
	assert_u32(r.tb[RTA_OIF], 9, "RTA_OIF");
	assert_attr(r.tb[RTA_VIA], via, 18, "RTA_VIA");
	assert_attr(r.tb[RTA_METRICS], metrics, sizeof(metrics), "RTA_METRICS");
	nlmsg_free(msg);
}

Test(netlink_msg, bpf_host_route_on_link_without_mtu)
{
	struct peer_route route = { .key = peer6("2001:db8:2::2"), .table = 254,
				    .nh = nexthop(3, NULL) };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_OIF),
		     "attributes 0x%llx", (unsigned long long)r.present);
	nlmsg_free(msg);
}

/* An MTU prefix route: the key's prefix, its length in the family's bits. */
Test(netlink_msg, bpf_prefix_route_lengths)
{
	static const __u8 dst4[4] = { 203, 0, 113, 0 };
	struct peer_route route = { .key = peer6("2001:db8:2::"), .prefix_len = 112, .table = 254,
				    .mtu = 1460, .nh = nexthop(3, "2001:db8:1::ff") };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET6, 112,
		     254, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	nlmsg_free(msg);

	route.key = peer4("203.0.113.0");
	route.prefix_len = 96 + 24;
	msg = nlx_peer_route_msg(&route);
	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE, AF_INET, 24, 254,
		     RT_SCOPE_UNIVERSE, RTN_UNICAST);
	assert_attr(r.tb[RTA_DST], dst4, 4, "RTA_DST");
	nlmsg_free(msg);

	msg = nlx_peer_route_del_msg(&route.key, route.prefix_len, 254);
	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_DELROUTE, F_REQ_ACK, AF_INET, 24, 254, RT_SCOPE_NOWHERE, RTN_UNSPEC);
	nlmsg_free(msg);
}

/* --- deletes ----------------------------------------------------------------- */

Test(netlink_msg, peer_route_delete)
{
	struct srv6_peer_key k6 = peer6("2001:db8:2::2"), k4 = peer4("198.51.100.2");
	static const __u8 dst4[4] = { 198, 51, 100, 2 };
	struct nl_msg *msg = nlx_peer_route_del_msg(&k6, 0, 254);
	struct req r;

	req_parse(msg, &r);
	/* Scope nowhere and type unspec: the kernel matches any scope and type,
	 * protocol 206 restricts the delete to srv6-bpf's route. */
	assert_rtmsg(&r, RTM_DELROUTE, F_REQ_ACK, AF_INET6, 128, 254, RT_SCOPE_NOWHERE, RTN_UNSPEC);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_PRIORITY),
		     "attributes 0x%llx", (unsigned long long)r.present);
	assert_attr(r.tb[RTA_DST], peer_h1, 16, "RTA_DST");
	assert_u32(r.tb[RTA_TABLE], 254, "RTA_TABLE");
	assert_u32(r.tb[RTA_PRIORITY], 1024, "RTA_PRIORITY (not an End SID's metric)");
	nlmsg_free(msg);

	msg = nlx_peer_route_del_msg(&k4, 0, 4000);
	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_DELROUTE, F_REQ_ACK, AF_INET, 32, RT_TABLE_UNSPEC, RT_SCOPE_NOWHERE,
		     RTN_UNSPEC);
	assert_attr(r.tb[RTA_DST], dst4, 4, "RTA_DST (IPv4)");
	assert_u32(r.tb[RTA_TABLE], 4000, "RTA_TABLE");
	nlmsg_free(msg);
}

/* --- seg6local routes (kernel platform SIDs) --------------------------------- */

static struct local_sid_route local_sid(const char *prefix, unsigned int len, unsigned int action)
{
	struct local_sid_route r = { .key.prefixlen = len, .action = action, .ifindex = 5,
				     .table = 254 };

	ut_in6(prefix, r.key.addr);
	return r;
}

static void assert_local_sid_req(struct nl_msg *msg, int flags, const __u8 *dst, int dst_len,
				 const __u8 *encap, int encap_len)
{
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_NEWROUTE, F_REQ_ACK | flags, AF_INET6, dst_len, 254,
		     RT_SCOPE_UNIVERSE, RTN_UNICAST);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE) | BIT(RTA_OIF) |
					BIT(RTA_ENCAP_TYPE) | BIT(RTA_ENCAP),
		     "attributes 0x%llx", (unsigned long long)r.present);
	assert_attr(r.tb[RTA_DST], dst, 16, "RTA_DST");
	assert_u32(r.tb[RTA_TABLE], 254, "RTA_TABLE");
	assert_u32(r.tb[RTA_OIF], 5, "RTA_OIF");
	assert_u16(r.tb[RTA_ENCAP_TYPE], 7, "RTA_ENCAP_TYPE (LWTUNNEL_ENCAP_SEG6_LOCAL)");
	assert_attr(r.tb[RTA_ENCAP], encap, encap_len, "RTA_ENCAP (seg6local)");
}

Test(netlink_msg, seg6local_end_dt6_table_local)
{
	static const __u8 dst[16] = { 0xfc, 0, 0, 0, 0, 2, 0xe0, 0x06 };
	static const __u8 encap[] = {
		NLA(8, 1), H32(7),   /* SEG6_LOCAL_ACTION: End.DT6 */
		NLA(8, 3), H32(255), /* SEG6_LOCAL_TABLE: local */
	};
	struct local_sid_route sid = local_sid("fc00:0:2:e006::", 64, SEG6_LOCAL_ACTION_END_DT6);
	struct nl_msg *msg = nlx_local_sid_set_msg(&sid, true);

	/* add: create, and fail if the route exists */
	assert_local_sid_req(msg, NLM_F_CREATE | NLM_F_EXCL, dst, 64, encap, sizeof(encap));
	nlmsg_free(msg);
	msg = nlx_local_sid_set_msg(&sid, false);
	/* replace */
	assert_local_sid_req(msg, NLM_F_CREATE | NLM_F_REPLACE, dst, 64, encap, sizeof(encap));
	nlmsg_free(msg);
}

Test(netlink_msg, seg6local_end_dx4_nh4)
{
	static const __u8 dst[16] = { 0xfc, 0, 0, 0, 0, 2, 0xe0, 0x04 };
	static const __u8 encap[] = {
		NLA(8, 1), H32(6),            /* SEG6_LOCAL_ACTION: End.DX4 */
		NLA(8, 4), 198, 51, 100, 2,   /* SEG6_LOCAL_NH4 */
	};
	struct local_sid_route sid = local_sid("fc00:0:2:e004::", 64, SEG6_LOCAL_ACTION_END_DX4);
	struct nl_msg *msg;

	cr_assert_eq(inet_pton(AF_INET, "198.51.100.2", &sid.nh4), 1);
	msg = nlx_local_sid_set_msg(&sid, true);
	assert_local_sid_req(msg, NLM_F_CREATE | NLM_F_EXCL, dst, 64, encap, sizeof(encap));
	nlmsg_free(msg);
}

Test(netlink_msg, seg6local_end_next_csid_default_lengths)
{
	static const __u8 dst[16] = { 0xfc, 0, 0, 0, 0x01, 0x01 };
	/* `encap seg6local action End flavors next-csid lblen 32 nflen 16` */
	static const __u8 encap[] = {
		NLA(8, 1), H32(1),       /* SEG6_LOCAL_ACTION: End */
		NLA(28, 0x8000 | 11),    /* SEG6_LOCAL_FLAVORS, NLA_F_NESTED (as the kernel
					  * marks it in its dumps): 4 + 8 + 8 + 8 */
		NLA(8, 1), H32(0x10),    /* SEG6_LOCAL_FLV_OPERATION: 1 << NEXT_CSID (4) */
		NLA(5, 2), 32, 0, 0, 0,  /* SEG6_LOCAL_FLV_LCBLOCK_BITS (u8, padded) */
		NLA(5, 3), 16, 0, 0, 0,  /* SEG6_LOCAL_FLV_LCNODE_FN_BITS */
	};
	struct local_sid_route sid = local_sid("fc00:0:101::", 48, SEG6_LOCAL_ACTION_END);
	struct nl_msg *msg;

	sid.lblen = 32;
	sid.nflen = 16;
	msg = nlx_local_sid_set_msg(&sid, true);
	assert_local_sid_req(msg, NLM_F_CREATE | NLM_F_EXCL, dst, 48, encap, sizeof(encap));
	nlmsg_free(msg);
}

Test(netlink_msg, seg6local_end_next_csid_other_lengths)
{
	static const __u8 dst[16] = { 0xfc, 0, 0, 0, 0x01, 0x01 };
	static const __u8 encap[] = {
		NLA(8, 1), H32(1),
		NLA(28, 0x8000 | 11),
		NLA(8, 1), H32(0x10),
		NLA(5, 2), 48, 0, 0, 0,
		NLA(5, 3), 24, 0, 0, 0,
	};
	struct local_sid_route sid = local_sid("fc00:0:101::", 48, SEG6_LOCAL_ACTION_END);
	struct nl_msg *msg;

	sid.lblen = 48;
	sid.nflen = 24;
	msg = nlx_local_sid_set_msg(&sid, false);
	assert_local_sid_req(msg, NLM_F_CREATE | NLM_F_REPLACE, dst, 48, encap, sizeof(encap));
	nlmsg_free(msg);
}

Test(netlink_msg, seg6local_delete)
{
	static const __u8 dst[16] = { 0xfc, 0, 0, 0, 0x01, 0x01 };
	struct local_sid_route sid = local_sid("fc00:0:101::", 48, SEG6_LOCAL_ACTION_END);
	struct nl_msg *msg = nlx_local_sid_del_msg(&sid);
	struct req r;

	req_parse(msg, &r);
	assert_rtmsg(&r, RTM_DELROUTE, F_REQ_ACK, AF_INET6, 48, 254, RT_SCOPE_NOWHERE, RTN_UNSPEC);
	cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_TABLE), "attributes 0x%llx",
		     (unsigned long long)r.present);
	assert_attr(r.tb[RTA_DST], dst, 16, "RTA_DST");
	nlmsg_free(msg);
}

/* --- the probe of nlx_probe_lwt_encap ------------------------------------------ */

Test(netlink_msg, probe_is_a_delete_that_cannot_match)
{
	static const __u8 discard[16] = { 0x01, 0x00, [15] = 0x01 }; /* 100::1, RFC 6666 */
	static const unsigned int types[] = { 5, 7 }; /* LWTUNNEL_ENCAP_SEG6, _SEG6_LOCAL */

	for (size_t i = 0; i < 2; i++) {
		struct nl_msg *msg = nlx_probe_msg(types[i]);
		struct req r;

		req_parse(msg, &r);
		/* A delete: the kernel validates the encapsulation type before it
		 * looks for the route, and creates nothing either way. */
		assert_rtmsg(&r, RTM_DELROUTE, F_REQ_ACK, AF_INET6, 128, 254, RT_SCOPE_NOWHERE,
			     RTN_UNSPEC);
		cr_assert_eq(r.present, BIT(RTA_DST) | BIT(RTA_PRIORITY) | BIT(RTA_ENCAP_TYPE),
			     "attributes 0x%llx", (unsigned long long)r.present);
		assert_attr(r.tb[RTA_DST], discard, 16, "RTA_DST");
		assert_u32(r.tb[RTA_PRIORITY], 0xfffffff0u, "RTA_PRIORITY");
		assert_u16(r.tb[RTA_ENCAP_TYPE], (__u16)types[i], "RTA_ENCAP_TYPE");
		nlmsg_free(msg);
	}
}

/* --- parsing: a route built, then read back as the kernel dumps it ------------ */

static void assert_path_eq(const struct srv6_path *got, const struct srv6_path *want, size_t i)
{
	cr_assert_eq(got->seg_count, want->seg_count, "path %zu: %u SIDs, expected %u", i,
		     got->seg_count, want->seg_count);
	cr_assert_eq(got->weight, want->weight, "path %zu: weight %u, expected %u", i, got->weight,
		     want->weight);
	for (unsigned int s = 0; s < want->seg_count; s++)
		ut_assert_bytes_eq(got->segs[s], want->segs[s], SRV6_ADDR_LEN, "SID");
}

static void assert_nh_eq(const struct nexthop *got, const struct nexthop *want)
{
	cr_assert_eq(got->ifindex, want->ifindex);
	cr_assert_eq(got->has_gw, want->has_gw);
	if (want->has_gw)
		ut_assert_bytes_eq(&got->gw, &want->gw, 16, "gateway");
}

static void seg6_round_trip(const struct peer_route *route)
{
	struct nl_msg *msg = nlx_peer_route_msg(route);
	struct nexthop nh[SRV6_MAX_PATHS];
	struct srv6_peer_entry ent;

	cr_assert_not_null(msg);
	cr_assert(nlx_seg6_peer_route_parse(nlmsg_hdr(msg), route->table, &ent, nh));
	ut_assert_bytes_eq(ent.key.addr, route->key.addr, SRV6_ADDR_LEN, "peer");
	cr_assert_eq(ent.value.path_count, route->paths->path_count);
	for (size_t i = 0; i < route->paths->path_count; i++) {
		assert_path_eq(&ent.value.paths[i], &route->paths->paths[i], i);
		assert_nh_eq(&nh[i], &route->path_nh[i]);
	}
	/* Another table's route, or one without protocol 206, is not ours. */
	cr_assert_not(nlx_seg6_peer_route_parse(nlmsg_hdr(msg), route->table + 1, &ent, nh));
	((struct rtmsg *)nlmsg_data(nlmsg_hdr(msg)))->rtm_protocol = 3; /* boot */
	cr_assert_not(nlx_seg6_peer_route_parse(nlmsg_hdr(msg), route->table, &ent, nh));
	nlmsg_free(msg);
}

Test(netlink_msg, seg6_route_parses_back)
{
	const char *const ac[] = { "fc00:0:100::", "fc00:0:2:e006::" };
	const char *const d[] = { "fc00:0:102:2:e006::" };
	struct srv6_peer one = { .path_count = 1, .paths = { path(1, 3, abc) } };
	struct srv6_peer three = { .path_count = 3,
				   .paths = { path(3, 2, ac), path(1, 1, d), path(255, 3, abc) } };
	struct nexthop nh[3] = { nexthop(3, "2001:db8:1::ff"), nexthop(4, "2001:db8:1::fe"),
				 nexthop(5, NULL) };
	struct peer_route single = { .key = peer6("2001:db8:2::2"), .table = 254, .nh = nh[0],
				     .encap_mode = 3, .paths = &one, .path_nh = nh };
	struct peer_route multi = { .key = peer6("2001:db8:2::2"), .table = 100, .nh = nh[0],
				    .encap_mode = 1, .paths = &three, .path_nh = nh };
	struct peer_route multi4 = multi;

	multi4.key = peer4("198.51.100.2");
	seg6_round_trip(&single);
	seg6_round_trip(&multi);
	seg6_round_trip(&multi4);
}

static void local_sid_round_trip(const struct local_sid_route *sid)
{
	struct nl_msg *msg = nlx_local_sid_set_msg(sid, true);
	struct local_sid_route got;

	cr_assert_not_null(msg);
	cr_assert(nlx_local_sid_route_parse(nlmsg_hdr(msg), sid->table, &got));
	cr_assert_eq(got.key.prefixlen, sid->key.prefixlen);
	ut_assert_bytes_eq(got.key.addr, sid->key.addr, SRV6_ADDR_LEN, "SID");
	cr_assert_eq(got.action, sid->action);
	cr_assert_eq(got.ifindex, sid->ifindex);
	cr_assert_eq(got.table, sid->table);
	cr_assert_eq(got.nh4.s_addr, sid->nh4.s_addr);
	cr_assert_eq(got.lblen, sid->lblen, "lblen %u, expected %u", got.lblen, sid->lblen);
	cr_assert_eq(got.nflen, sid->nflen, "nflen %u, expected %u", got.nflen, sid->nflen);
	cr_assert_not(nlx_local_sid_route_parse(nlmsg_hdr(msg), sid->table + 1, &got));
	nlmsg_free(msg);
}

Test(netlink_msg, seg6local_routes_parse_back)
{
	struct local_sid_route dt6 = local_sid("fc00:0:2:e006::", 64, SEG6_LOCAL_ACTION_END_DT6);
	struct local_sid_route dx4 = local_sid("fc00:0:2:e004::", 64, SEG6_LOCAL_ACTION_END_DX4);
	struct local_sid_route end = local_sid("fc00:0:101::", 48, SEG6_LOCAL_ACTION_END);
	struct local_sid_route end2 = local_sid("fc00:0:101::", 48, SEG6_LOCAL_ACTION_END);

	cr_assert_eq(inet_pton(AF_INET, "198.51.100.2", &dx4.nh4), 1);
	end.lblen = 32;
	end.nflen = 16;
	end2.lblen = 48;
	end2.nflen = 8;
	end2.table = 4000;
	local_sid_round_trip(&dt6);
	local_sid_round_trip(&dx4);
	local_sid_round_trip(&end);
	local_sid_round_trip(&end2);
}

/* A seg6local End as the kernel or another tool may dump it, built by hand. */
static struct nl_msg *end_route(bool flavors, bool lengths, __u32 ops)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = 48, .rtm_table = 254,
			     .rtm_protocol = 206, .rtm_type = RTN_UNICAST };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWROUTE, 0);
	__u8 dst[16];
	struct nlattr *encap, *flv;

	ut_in6("fc00:0:101::", dst);
	cr_assert_not_null(msg);
	cr_assert_eq(nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO), 0);
	cr_assert_eq(nla_put(msg, RTA_DST, 16, dst), 0);
	cr_assert_eq(nla_put_u32(msg, RTA_TABLE, 254), 0);
	cr_assert_eq(nla_put_u32(msg, RTA_OIF, 5), 0);
	cr_assert_eq(nla_put_u16(msg, RTA_ENCAP_TYPE, 7), 0);
	encap = nla_nest_start(msg, RTA_ENCAP);
	cr_assert_eq(nla_put_u32(msg, 1, 1), 0); /* action End */
	if (flavors) {
		/* the kernel's own dumps mark nests with NLA_F_NESTED */
		flv = nla_nest_start(msg, 11 | NLA_F_NESTED);
		cr_assert_eq(nla_put_u32(msg, 1, ops), 0);
		if (lengths) {
			cr_assert_eq(nla_put_u8(msg, 2, 40), 0);
			cr_assert_eq(nla_put_u8(msg, 3, 8), 0);
		}
		nla_nest_end(msg, flv);
	}
	nla_nest_end(msg, encap);
	return msg;
}

Test(netlink_msg, seg6local_end_flavors_parse)
{
	struct local_sid_route got;
	struct nl_msg *msg = end_route(true, true, 0x10);

	cr_assert(nlx_local_sid_route_parse(nlmsg_hdr(msg), 254, &got));
	cr_assert_eq(got.action, SEG6_LOCAL_ACTION_END);
	cr_assert_eq(got.lblen, 40);
	cr_assert_eq(got.nflen, 8);
	nlmsg_free(msg);

	/* next-csid without lengths: the kernel's defaults, 32 and 16 */
	msg = end_route(true, false, 0x10);
	cr_assert(nlx_local_sid_route_parse(nlmsg_hdr(msg), 254, &got));
	cr_assert_eq(got.lblen, 32);
	cr_assert_eq(got.nflen, 16);
	nlmsg_free(msg);

	/* End without NEXT-C-SID (plain End, or PSP only): no lengths */
	msg = end_route(false, false, 0);
	cr_assert(nlx_local_sid_route_parse(nlmsg_hdr(msg), 254, &got));
	cr_assert_eq(got.action, SEG6_LOCAL_ACTION_END);
	cr_assert_eq(got.lblen, 0);
	cr_assert_eq(got.nflen, 0);
	nlmsg_free(msg);
	msg = end_route(true, true, 0x2); /* 1 << PSP */
	cr_assert(nlx_local_sid_route_parse(nlmsg_hdr(msg), 254, &got));
	cr_assert_eq(got.lblen, 0);
	nlmsg_free(msg);
}

Test(netlink_msg, host_route_parses_back_with_mtu)
{
	struct peer_route route = { .key = peer4("198.51.100.2"), .table = 254, .mtu = 1424,
				    .nh = nexthop(9, "2001:db8:1::ff") };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct host_route got;

	cr_assert_not_null(msg);
	cr_assert(nlx_host_route_parse(nlmsg_hdr(msg), 254, &got));
	ut_assert_bytes_eq(got.route.key.addr, route.key.addr, SRV6_ADDR_LEN, "peer");
	cr_assert_eq(got.protocol, 206);
	cr_assert_eq(got.route.mtu, 1424);
	assert_nh_eq(&got.route.nh, &route.nh);
	cr_assert_not(nlx_host_route_parse(nlmsg_hdr(msg), 255, &got));
	nlmsg_free(msg);
}

Test(netlink_msg, table_route_parses_prefix_and_plain)
{
	struct peer_route route = { .key = peer4("203.0.113.0"), .prefix_len = 96 + 24,
				    .table = 254, .mtu = 1420, .nh = nexthop(9, "2001:db8:1::ff") };
	struct nl_msg *msg = nlx_peer_route_msg(&route);
	struct table_route got;

	cr_assert(nlx_table_route_parse(nlmsg_hdr(msg), 254, &got));
	ut_assert_bytes_eq(got.addr, route.key.addr, SRV6_ADDR_LEN, "prefix");
	cr_assert_eq(got.plen, 96 + 24);
	cr_assert_eq(got.protocol, 206);
	cr_assert_eq(got.mtu, 1420);
	cr_assert(got.plain, "one next hop through RTA_VIA is plain");
	assert_nh_eq(&got.nh, &route.nh);
	cr_assert_not(nlx_table_route_parse(nlmsg_hdr(msg), 255, &got));
	nlmsg_free(msg);
}

/* A default route has no RTA_DST; a multipath route is not plain. */
Test(netlink_msg, table_route_default_and_multipath)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_table = 254, .rtm_type = RTN_UNICAST };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWROUTE, 0);
	struct table_route got;
	struct nlattr *mp;

	cr_assert_not_null(msg);
	cr_assert_geq(nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO), 0);
	cr_assert_geq(nla_put_u32(msg, RTA_OIF, 4), 0);
	cr_assert_geq(nla_put(msg, RTA_GATEWAY, 16, gw_r1), 0);
	cr_assert(nlx_table_route_parse(nlmsg_hdr(msg), 254, &got));
	cr_assert_eq(got.plen, 0);
	cr_assert(got.plain);
	cr_assert_eq(got.nh.ifindex, 4);
	mp = nla_nest_start(msg, RTA_MULTIPATH);
	cr_assert_geq(nla_put_u32(msg, 1, 0), 0); /* libnl trims an empty nest */
	nla_nest_end(msg, mp);
	cr_assert(nlx_table_route_parse(nlmsg_hdr(msg), 254, &got));
	cr_assert_not(got.plain, "multipath is not plain");
	nlmsg_free(msg);
}
