// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/platform/mtu_routes.c: which prefix and host routes give every peer
 * its MTU and next hop, changing nothing else for any other address. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "platform/mtu_routes.h"
#include "unit_helpers.h"

#define MAX_ROUTES 4096

static struct nexthop nh_gw(int ifindex, const char *gw)
{
	struct nexthop nh = { .ifindex = ifindex, .has_gw = true };

	cr_assert_eq(inet_pton(AF_INET6, gw, &nh.gw), 1);
	return nh;
}

/* "2001:db8::1" or "203.0.113.7" as a key address. */
static void addr_of(const char *text, __u8 out[SRV6_ADDR_LEN])
{
	memset(out, 0, SRV6_ADDR_LEN);
	if (strchr(text, ':')) {
		ut_in6(text, out);
	} else {
		out[10] = out[11] = 0xff;
		cr_assert_eq(inet_pton(AF_INET, text, out + 12), 1);
	}
}

static struct table_route foreign_route(const char *prefix, unsigned int plen,
					const struct nexthop *nh)
{
	struct table_route r = { .plen = (unsigned char)plen, .protocol = 3, .plain = true };

	addr_of(prefix, r.addr);
	if (!strchr(prefix, ':'))
		r.plen = (unsigned char)(96 + plen);
	r.nh = *nh;
	return r;
}

/* addr's bits past the first plen cleared. */
static void mask_to(__u8 addr[SRV6_ADDR_LEN], unsigned int plen)
{
	for (unsigned int b = 0; b < SRV6_ADDR_LEN; b++) {
		unsigned int keep = plen >= 8 ? 8 : plen;

		addr[b] &= (__u8)(0xff00u >> keep);
		plen -= keep;
	}
}

static int peer_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SRV6_ADDR_LEN);
}

struct fixture {
	struct mtu_peer peers[70000];
	size_t npeers;
	struct table_route foreign[64];
	size_t nforeign;
	struct table_route *out;
	size_t nout;
};

static struct fixture *fx;

static void setup(void)
{
	fx = calloc(1, sizeof(*fx));
	cr_assert_not_null(fx);
}

static void teardown(void)
{
	free(fx->out);
	free(fx);
}

static void add_peer(const char *text, const struct nexthop *nh, unsigned int mtu)
{
	struct mtu_peer *p = &fx->peers[fx->npeers++];

	addr_of(text, p->addr);
	p->nh = *nh;
	p->mtu = mtu;
}

static void plan(void)
{
	struct route_index ix;

	qsort(fx->peers, fx->npeers, sizeof(*fx->peers), peer_cmp);
	cr_assert_eq(route_index_build(&ix, fx->foreign, fx->nforeign), 0);
	cr_assert_eq(mtu_routes_plan(fx->peers, fx->npeers, &ix, &fx->out, &fx->nout), 0);
	route_index_free(&ix);
}

/* What the kernel would do: the longest match over ours and everyone else's. */
static const struct table_route *lookup(const __u8 *addr, bool *ours)
{
	struct table_route *all = calloc(fx->nout + fx->nforeign + 1, sizeof(*all));
	const struct table_route *hit;
	static struct table_route found;
	struct route_index ix;

	cr_assert_not_null(all);
	memcpy(all, fx->out, fx->nout * sizeof(*all));
	memcpy(all + fx->nout, fx->foreign, fx->nforeign * sizeof(*all));
	cr_assert_eq(route_index_build(&ix, all, fx->nout + fx->nforeign), 0);
	hit = route_index_lpm(&ix, addr);
	if (hit) {
		*ours = hit < all + fx->nout;
		found = *hit;
		hit = &found;
	}
	route_index_free(&ix);
	free(all);
	return hit;
}

/* Every peer reaches its own next hop with its own MTU through a route of ours. */
static void assert_every_peer_served(void)
{
	for (size_t i = 0; i < fx->npeers; i++) {
		char text[INET6_ADDRSTRLEN];
		bool ours = false;
		const struct table_route *r = lookup(fx->peers[i].addr, &ours);

		cr_assert(r && ours, "peer %s has no route of ours", ut_ntop6(fx->peers[i].addr, text));
		cr_assert(nexthop_same(&r->nh, &fx->peers[i].nh), "peer %s: next hop",
			  ut_ntop6(fx->peers[i].addr, text));
		cr_assert_eq(r->mtu, fx->peers[i].mtu, "peer %s: MTU %u, want %u",
			     ut_ntop6(fx->peers[i].addr, text), r->mtu, fx->peers[i].mtu);
	}
}

/* Every prefix route of ours only sets an MTU: the route it shadows is plain,
 * through the same next hop, and nothing else's lies inside it. */
static void assert_prefixes_change_only_the_mtu(void)
{
	struct route_index ix;

	cr_assert_eq(route_index_build(&ix, fx->foreign, fx->nforeign), 0);
	for (size_t i = 0; i < fx->nout; i++) {
		const struct table_route *r = &fx->out[i];
		const struct table_route *under = NULL;

		if (r->plen == 128)
			continue;
		for (size_t k = 0; k < fx->nforeign; k++) {
			const struct table_route *f = &fx->foreign[k];
			__u8 x[SRV6_ADDR_LEN];
			bool inside = f->plen >= r->plen;

			/* f inside r: r's first plen bits equal f's. */
			memcpy(x, f->addr, SRV6_ADDR_LEN);
			if (inside) {
				mask_to(x, r->plen);
				cr_assert(memcmp(x, r->addr, SRV6_ADDR_LEN) != 0,
					  "a foreign route lies inside our prefix route %zu", i);
			}
		}
		under = route_index_lpm(&ix, r->addr);
		cr_assert_not_null(under, "prefix route %zu covers addresses nothing routed", i);
		cr_assert(under->plen < r->plen && under->plain && nexthop_same(&under->nh, &r->nh),
			  "prefix route %zu changes more than the MTU", i);
		cr_assert_geq(r->plen, r->addr[10] == 0xff ? MTU_ROUTE_MIN_PLEN4 : MTU_ROUTE_MIN_PLEN6);
	}
	route_index_free(&ix);
}

static size_t host_routes(void)
{
	size_t n = 0;

	for (size_t i = 0; i < fx->nout; i++)
		n += fx->out[i].plen == 128;
	return n;
}

TestSuite(mtu_routes, .init = setup, .fini = teardown);

/* The batch of the benchmark: 65,536 peers in one subnet, one next hop. */
Test(mtu_routes, one_prefix_for_a_subnet)
{
	struct nexthop leaf = nh_gw(3, "2001:db8:1::ff");
	char text[64];

	fx->foreign[fx->nforeign++] = foreign_route("2001:db8:a::", 64, &leaf);
	for (unsigned int i = 0; i < 65536; i++) {
		snprintf(text, sizeof(text), "2001:db8:a::%x:%x", i >> 16, i & 0xffff);
		add_peer(text, &leaf, 1460);
	}
	plan();
	cr_assert_eq(fx->nout, 1, "%zu routes", fx->nout);
	cr_assert_eq(fx->out[0].plen, 112);
	cr_assert_eq(fx->out[0].mtu, 1460);
	assert_every_peer_served();
	assert_prefixes_change_only_the_mtu();
}

/* Different encapsulation sizes in one prefix: the prefix takes the MTU most
 * need, the others get host routes. */
Test(mtu_routes, odd_peers_get_host_routes)
{
	struct nexthop leaf = nh_gw(3, "2001:db8:1::ff"), other = nh_gw(3, "2001:db8:1::fe");
	char text[64];

	fx->foreign[fx->nforeign++] = foreign_route("::", 0, &leaf);
	for (unsigned int i = 1; i <= 100; i++) {
		snprintf(text, sizeof(text), "2001:db8:100::%x", i);
		add_peer(text, &leaf, i == 7 || i == 50 ? 1420 : 1460);
	}
	add_peer("2001:db8:100::200", &other, 1460); /* first SID behind another router */
	plan();
	cr_assert_eq(host_routes(), 3, "%zu host routes", host_routes());
	cr_assert_eq(fx->nout, 4);
	cr_assert_eq(fx->out[3].mtu, 1460, "the prefix keeps the common MTU");
	assert_every_peer_served();
	assert_prefixes_change_only_the_mtu();
}

/* No route covers the peers, or it leads elsewhere, or it is not plain: only
 * host routes, so no other address changes where it goes. */
Test(mtu_routes, host_routes_where_a_prefix_would_change_more)
{
	struct nexthop leaf = nh_gw(3, "2001:db8:1::ff"), elsewhere = nh_gw(4, "2001:db8:9::1");
	struct table_route multipath = foreign_route("2001:db8:300::", 48, &leaf);

	add_peer("2001:db8:100::1", &leaf, 1460);
	add_peer("2001:db8:100::2", &leaf, 1460);
	fx->foreign[fx->nforeign++] = foreign_route("2001:db8:200::", 48, &elsewhere);
	add_peer("2001:db8:200::1", &leaf, 1460);
	add_peer("2001:db8:200::2", &leaf, 1460);
	multipath.plain = false;
	fx->foreign[fx->nforeign++] = multipath;
	add_peer("2001:db8:300::1", &leaf, 1460);
	add_peer("2001:db8:300::2", &leaf, 1460);
	plan();
	cr_assert_eq(fx->nout, 6);
	cr_assert_eq(host_routes(), 6);
	assert_every_peer_served();
}

/* A route of someone else's inside the peers' range splits the prefix around
 * it; the peers inside it get host routes, as they always did. */
Test(mtu_routes, split_around_a_foreign_route)
{
	struct nexthop leaf = nh_gw(3, "2001:db8:1::ff"), other = nh_gw(4, "2001:db8:9::1");
	char text[64];

	fx->foreign[fx->nforeign++] = foreign_route("2001:db8:a::", 64, &leaf);
	fx->foreign[fx->nforeign++] = foreign_route("2001:db8:a::80", 121, &other);
	for (unsigned int i = 0; i < 256; i++) {
		if (i >= 0x80 && i % 2) /* inside the foreign /121: every other one */
			continue;
		snprintf(text, sizeof(text), "2001:db8:a::%x", i);
		add_peer(text, &leaf, 1460);
	}
	plan();
	assert_every_peer_served();
	assert_prefixes_change_only_the_mtu();
	/* ::0-::7f under one prefix; the 64 peers inside the /121 need their own. */
	cr_assert_eq(fx->nout, 65, "%zu routes", fx->nout);
	cr_assert_eq(host_routes(), 64);
}

/* IPv4 peers: a default route through an IPv6 next hop (RFC 5549) is plain;
 * one through an IPv4 gateway is not comparable, so host routes. */
Test(mtu_routes, ipv4_prefixes)
{
	struct nexthop leaf = nh_gw(3, "fe80::1");
	struct table_route v4gw = foreign_route("198.51.100.0", 24, &leaf);
	char text[64];

	fx->foreign[fx->nforeign++] = foreign_route("0.0.0.0", 0, &leaf);
	v4gw.plain = false;
	fx->foreign[fx->nforeign++] = v4gw;
	for (unsigned int i = 1; i < 255; i++) {
		snprintf(text, sizeof(text), "203.0.113.%u", i);
		add_peer(text, &leaf, 1480);
	}
	add_peer("198.51.100.1", &leaf, 1480);
	add_peer("198.51.100.2", &leaf, 1480);
	add_peer("2001:db8:100::1", &leaf, 1460);
	plan();
	cr_assert_eq(fx->nout, 4, "%zu routes", fx->nout);
	cr_assert_eq(fx->out[3].plen, 96 + 24, "203.0.113.0/24");
	assert_every_peer_served();
	assert_prefixes_change_only_the_mtu();
}

/* Someone else's host route for a peer at the metric ours would get stands
 * (ours would replace it); at another metric ours stays beside it. */
Test(mtu_routes, foreign_host_route_is_left_alone)
{
	struct nexthop leaf = nh_gw(3, "2001:db8:1::ff");
	struct table_route theirs = foreign_route("2001:db8:100::9", 128, &leaf);

	theirs.metric = 1024;
	fx->foreign[fx->nforeign++] = theirs;
	add_peer("2001:db8:100::9", &leaf, 1460);
	plan();
	cr_assert_eq(fx->nout, 0);
	free(fx->out);
	fx->out = NULL;
	fx->foreign[0].metric = 20; /* a routing protocol's, beside ours */
	plan();
	cr_assert_eq(fx->nout, 1);
	cr_assert_eq(fx->out[0].plen, 128);
}

/* An IPv6 default route holds ::ffff:0:0/96 but routes no IPv4: IPv4 peers
 * under it alone get host routes, not an IPv4 prefix nothing routed before. */
Test(mtu_routes, ipv6_default_does_not_cover_ipv4)
{
	struct nexthop leaf = nh_gw(3, "fe80::1");

	fx->foreign[fx->nforeign++] = foreign_route("::", 0, &leaf);
	add_peer("10.1.0.1", &leaf, 1480);
	add_peer("10.1.0.2", &leaf, 1480);
	plan();
	cr_assert_eq(fx->nout, 2);
	cr_assert_eq(host_routes(), 2);
}

/* Random peers, MTUs, next hops and foreign routes: the two invariants hold. */
Test(mtu_routes, random_tables_keep_the_invariants)
{
	struct ut_rng rng = { .state = 0x5eed };

	for (int round = 0; round < 40; round++) {
		struct nexthop hops[2] = { nh_gw(3, "2001:db8:1::ff"), nh_gw(3, "2001:db8:1::fe") };
		char text[64];

		fx->npeers = fx->nforeign = 0;
		free(fx->out);
		fx->out = NULL;
		fx->foreign[fx->nforeign++] = foreign_route("::", 0, &hops[0]);
		for (int k = 0; k < 6; k++) {
			struct table_route f;

			snprintf(text, sizeof(text), "2001:db8:%x::%x00", ut_rng_u32(&rng) % 4,
				 ut_rng_u32(&rng) % 4);
			f = foreign_route(text, 40 + ut_rng_u32(&rng) % 80, &hops[ut_rng_u32(&rng) % 2]);
			mask_to(f.addr, f.plen); /* as the kernel keeps prefixes */
			f.plain = ut_rng_u32(&rng) % 4 != 0;
			fx->foreign[fx->nforeign++] = f;
		}
		for (int i = 0; i < 300; i++) {
			struct mtu_peer *p = &fx->peers[fx->npeers];
			bool dup = false;

			snprintf(text, sizeof(text), "2001:db8:%x::%x", ut_rng_u32(&rng) % 4,
				 ut_rng_u32(&rng) % 1024);
			addr_of(text, p->addr);
			for (size_t k = 0; k < fx->npeers && !dup; k++)
				dup = memcmp(fx->peers[k].addr, p->addr, SRV6_ADDR_LEN) == 0;
			for (size_t k = 0; k < fx->nforeign && !dup; k++)
				dup = fx->foreign[k].plen == 128 &&
				      memcmp(fx->foreign[k].addr, p->addr, SRV6_ADDR_LEN) == 0;
			if (dup)
				continue;
			p->nh = hops[ut_rng_u32(&rng) % 8 == 0];
			p->mtu = ut_rng_u32(&rng) % 5 == 0 ? 1420 : 1460;
			fx->npeers++;
		}
		plan();
		assert_every_peer_served();
		assert_prefixes_change_only_the_mtu();
	}
}

/* The routes in place serve a change that keeps its peer's next hop and MTU;
 * not one that needs another MTU, nor once a foreign route lies inside. */
Test(mtu_routes, routes_in_place_still_serve)
{
	struct nexthop leaf = nh_gw(3, "2001:db8:1::ff");
	struct route_index ours_ix, foreign_ix;
	struct mtu_peer changed = { .nh = leaf, .mtu = 1460 };
	char text[64];

	fx->foreign[fx->nforeign++] = foreign_route("2001:db8:a::", 64, &leaf);
	for (unsigned int i = 0; i < 256; i++) {
		snprintf(text, sizeof(text), "2001:db8:a::%x", i);
		add_peer(text, &leaf, i == 9 ? 1420 : 1460);
	}
	plan();
	cr_assert_eq(fx->nout, 2);
	cr_assert_eq(route_index_build(&ours_ix, fx->out, fx->nout), 0);
	cr_assert_eq(route_index_build(&foreign_ix, fx->foreign, fx->nforeign), 0);
	addr_of("2001:db8:a::20", changed.addr); /* replaced, same MTU */
	cr_assert(mtu_routes_still_serve(fx->out, fx->nout, &ours_ix, &foreign_ix, &changed, 1));
	addr_of("2001:db8:a::9", changed.addr);  /* the odd one, on its own route */
	changed.mtu = 1420;
	cr_assert(mtu_routes_still_serve(fx->out, fx->nout, &ours_ix, &foreign_ix, &changed, 1));
	addr_of("2001:db8:a::20", changed.addr); /* now needs less */
	cr_assert_not(mtu_routes_still_serve(fx->out, fx->nout, &ours_ix, &foreign_ix, &changed, 1));
	addr_of("2001:db8:b::1", changed.addr);  /* no route of ours */
	changed.mtu = 1460;
	cr_assert_not(mtu_routes_still_serve(fx->out, fx->nout, &ours_ix, &foreign_ix, &changed, 1));
	route_index_free(&foreign_ix);
	fx->foreign[fx->nforeign++] = foreign_route("2001:db8:a::80", 121, &leaf);
	cr_assert_eq(route_index_build(&foreign_ix, fx->foreign, fx->nforeign), 0);
	addr_of("2001:db8:a::20", changed.addr);
	cr_assert_not(mtu_routes_still_serve(fx->out, fx->nout, &ours_ix, &foreign_ix, &changed, 1),
		      "a foreign route inside the prefix");
	route_index_free(&foreign_ix);
	route_index_free(&ours_ix);
}
