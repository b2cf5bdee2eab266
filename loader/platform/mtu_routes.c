// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The BPF platform's MTU routes (mtu_routes.h): prefixes where they change
 * nothing but the MTU, host routes where a peer differs. */
#include "mtu_routes.h"

#include <stdlib.h>
#include <string.h>

static bool bit_of(const __u8 *a, unsigned int i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

static unsigned int common_plen(const __u8 *a, const __u8 *b)
{
	for (unsigned int i = 0; i < SRV6_ADDR_LEN; i++) {
		unsigned int x = a[i] ^ b[i];

		if (x)
			return 8 * i + (unsigned int)__builtin_clz(x) - 24;
	}
	return 8 * SRV6_ADDR_LEN;
}

static void prefix_mask(__u8 *out, const __u8 *a, unsigned int plen)
{
	for (unsigned int i = 0; i < SRV6_ADDR_LEN; i++) {
		unsigned int bits = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;

		out[i] = (__u8)(a[i] & (0xff00u >> bits));
	}
}

/* addr lies in prefix/plen (prefix masked). */
static bool prefix_holds(const __u8 *prefix, unsigned int plen, const __u8 *addr)
{
	return common_plen(prefix, addr) >= plen;
}

static bool is_v4mapped(const __u8 *a)
{
	static const __u8 head[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, head, sizeof(head)) == 0;
}

bool nexthop_same(const struct nexthop *a, const struct nexthop *b)
{
	return a->ifindex == b->ifindex && a->has_gw == b->has_gw &&
	       (!a->has_gw || memcmp(&a->gw, &b->gw, sizeof(a->gw)) == 0);
}

bool table_route_same_prefix(const struct table_route *a, const struct table_route *b)
{
	return a->plen == b->plen && memcmp(a->addr, b->addr, SRV6_ADDR_LEN) == 0;
}

bool table_route_same(const struct table_route *a, const struct table_route *b)
{
	return table_route_same_prefix(a, b) && a->mtu == b->mtu && nexthop_same(&a->nh, &b->nh);
}

bool table_route_is_mtu_route(const struct table_route *r, int ifindex)
{
	return r->protocol == SRV6_RTPROT && r->plain && r->metric != SRV6_SID_ROUTE_METRIC &&
	       r->nh.ifindex == ifindex;
}

/* Most specific first, then by address. */
static int route_order(const struct table_route *x, const struct table_route *y)
{
	if (x->plen != y->plen)
		return x->plen > y->plen ? -1 : 1;
	return memcmp(x->addr, y->addr, SRV6_ADDR_LEN);
}

static int route_ptr_cmp(const void *a, const void *b)
{
	return route_order(*(const struct table_route *const *)a,
			   *(const struct table_route *const *)b);
}

int table_route_order(const void *a, const void *b)
{
	return route_order(a, b);
}

int route_index_build(struct route_index *ix, const struct table_route *v, size_t n)
{
	memset(ix, 0, sizeof(*ix));
	ix->v = calloc(n ? n : 1, sizeof(*ix->v));
	if (!ix->v)
		return -1;
	for (size_t i = 0; i < n; i++)
		ix->v[i] = &v[i];
	qsort(ix->v, n, sizeof(*ix->v), route_ptr_cmp);
	ix->n = n;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || ix->v[i]->plen != ix->v[i - 1]->plen) {
			ix->plen[ix->nbuckets] = ix->v[i]->plen;
			ix->start[ix->nbuckets++] = i;
		}
	}
	ix->start[ix->nbuckets] = n;
	return 0;
}

void route_index_free(struct route_index *ix)
{
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}

/* The first route of bucket b whose address is not below key. */
static size_t bucket_lower(const struct route_index *ix, size_t b, const __u8 *key)
{
	size_t lo = ix->start[b], hi = ix->start[b + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(ix->v[mid]->addr, key, SRV6_ADDR_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The most specific route shorter than below_plen holding addr; *alone says
 * whether it is the only one of its prefix (another metric could win). */
static const struct table_route *lpm_below(const struct route_index *ix, const __u8 *addr,
					   unsigned int below_plen, bool *alone)
{
	for (size_t b = 0; b < ix->nbuckets; b++) {
		__u8 key[SRV6_ADDR_LEN];
		size_t i;

		if (ix->plen[b] >= below_plen)
			continue;
		prefix_mask(key, addr, ix->plen[b]);
		i = bucket_lower(ix, b, key);
		if (i < ix->start[b + 1] && memcmp(ix->v[i]->addr, key, SRV6_ADDR_LEN) == 0) {
			*alone = i + 1 == ix->start[b + 1] ||
				 memcmp(ix->v[i + 1]->addr, key, SRV6_ADDR_LEN) != 0;
			return ix->v[i];
		}
	}
	return NULL;
}

const struct table_route *route_index_lpm(const struct route_index *ix,
					  const __u8 addr[SRV6_ADDR_LEN])
{
	bool alone;

	return lpm_below(ix, addr, 8 * SRV6_ADDR_LEN + 1, &alone);
}

/* Some route of ix lies inside prefix/plen (or is that prefix). */
static bool route_inside(const struct route_index *ix, const __u8 *prefix, unsigned int plen)
{
	for (size_t b = 0; b < ix->nbuckets && ix->plen[b] >= plen; b++) {
		size_t i = bucket_lower(ix, b, prefix);

		if (i < ix->start[b + 1] && prefix_holds(prefix, plen, ix->v[i]->addr))
			return true;
	}
	return false;
}

struct planner {
	const struct mtu_peer *peers;
	const struct route_index *foreign;
	struct table_route *out;
	size_t n, cap;
	int oom;
};

static void emit(struct planner *pl, const __u8 *addr, unsigned int plen,
		 const struct nexthop *nh, unsigned int mtu)
{
	struct table_route *r;

	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? 2 * pl->cap : 64;
		void *v = realloc(pl->out, cap * sizeof(*pl->out));

		if (!v) {
			pl->oom = 1;
			return;
		}
		pl->out = v;
		pl->cap = cap;
	}
	r = &pl->out[pl->n++];
	memset(r, 0, sizeof(*r));
	prefix_mask(r->addr, addr, plen);
	r->plen = (unsigned char)plen;
	r->protocol = SRV6_RTPROT;
	r->plain = true;
	r->nh = *nh;
	r->mtu = mtu;
}

/* Someone else's host route for addr with the metric ours would get (IPv6
 * 1024, IPv4 0): installing ours would replace it. */
static bool host_route_taken(const struct route_index *ix, const __u8 *addr)
{
	unsigned int metric = is_v4mapped(addr) ? 0 : 1024;

	for (size_t b = 0; b < ix->nbuckets; b++) {
		if (ix->plen[b] != 8 * SRV6_ADDR_LEN)
			continue;
		for (size_t i = bucket_lower(ix, b, addr);
		     i < ix->start[b + 1] && memcmp(ix->v[i]->addr, addr, SRV6_ADDR_LEN) == 0; i++)
			if (ix->v[i]->metric == metric)
				return true;
	}
	return false;
}

/* A peer's own route. Someone else's host route for it at our metric stands
 * (a request to change such a peer is refused before anything is planned);
 * at another metric, ours stays beside it. */
static void emit_host(struct planner *pl, const struct mtu_peer *p)
{
	if (!host_route_taken(pl->foreign, p->addr))
		emit(pl, p->addr, 8 * SRV6_ADDR_LEN, &p->nh, p->mtu);
}

/* The MTU most of peers[lo, hi) through nh need (the smaller on a tie), or 0
 * when none goes through nh. Up to 16 distinct MTUs are weighed: past that,
 * the rest get host routes. */
static unsigned int majority_mtu(const struct mtu_peer *p, size_t lo, size_t hi,
				 const struct nexthop *nh)
{
	unsigned int mtu[16], best = 0;
	size_t count[16], nd = 0, best_count = 0;

	for (size_t i = lo; i < hi; i++) {
		size_t k = 0;

		if (!nexthop_same(&p[i].nh, nh))
			continue;
		while (k < nd && mtu[k] != p[i].mtu)
			k++;
		if (k == nd) {
			if (nd == 16)
				continue;
			mtu[nd] = p[i].mtu;
			count[nd++] = 0;
		}
		count[k]++;
	}
	for (size_t k = 0; k < nd; k++) {
		if (count[k] > best_count || (count[k] == best_count && mtu[k] < best)) {
			best = mtu[k];
			best_count = count[k];
		}
	}
	return best;
}

/* A prefix of plen bits through nh changes nothing but the MTU: a plain
 * route of foreign covers it through nh, and none lies inside it. */
static bool prefix_only_mtu(const struct route_index *foreign, const __u8 *prefix,
			    unsigned int plen, const struct nexthop *nh)
{
	const struct table_route *covering;
	bool alone = false;

	if (route_inside(foreign, prefix, plen))
		return false;
	covering = lpm_below(foreign, prefix, plen, &alone);
	return covering && alone && covering->plain && nexthop_same(&covering->nh, nh) &&
	       (!is_v4mapped(prefix) || covering->plen >= 96);
}

bool mtu_routes_still_serve(const struct table_route *ours, size_t nours,
			    const struct route_index *ours_ix, const struct route_index *foreign,
			    const struct mtu_peer *changed, size_t nchanged)
{
	for (size_t i = 0; i < nours; i++)
		if (ours[i].plen < 8 * SRV6_ADDR_LEN &&
		    !prefix_only_mtu(foreign, ours[i].addr, ours[i].plen, &ours[i].nh))
			return false;
	for (size_t i = 0; i < nchanged; i++) {
		const struct table_route *r = route_index_lpm(ours_ix, changed[i].addr);

		if (!r || r->mtu != changed[i].mtu || !nexthop_same(&r->nh, &changed[i].nh))
			return false;
	}
	return true;
}

/* One route for peers[lo, hi), their common prefix of plen bits, if it
 * changes nothing but the MTU (see mtu_routes.h); the peers that differ get
 * host routes inside it. */
static bool aggregate(struct planner *pl, size_t lo, size_t hi, unsigned int plen)
{
	const struct mtu_peer *p = pl->peers;
	bool v4 = is_v4mapped(p[lo].addr), alone = false;
	const struct table_route *covering;
	__u8 prefix[SRV6_ADDR_LEN];
	unsigned int mtu;

	if (v4 != is_v4mapped(p[hi - 1].addr) ||
	    plen < (v4 ? MTU_ROUTE_MIN_PLEN4 : MTU_ROUTE_MIN_PLEN6))
		return false;
	prefix_mask(prefix, p[lo].addr, plen);
	covering = lpm_below(pl->foreign, prefix, plen, &alone);
	/* An IPv6 route (::/0 say) holds ::ffff:0:0/96 too, but routes no IPv4. */
	if (!covering || (v4 && covering->plen < 96) ||
	    !prefix_only_mtu(pl->foreign, prefix, plen, &covering->nh))
		return false;
	mtu = majority_mtu(p, lo, hi, &covering->nh);
	if (!mtu)
		return false;
	emit(pl, prefix, plen, &covering->nh, mtu);
	for (size_t i = lo; i < hi; i++)
		if (p[i].mtu != mtu || !nexthop_same(&p[i].nh, &covering->nh))
			emit_host(pl, &p[i]);
	return true;
}

static void cover(struct planner *pl, size_t lo, size_t hi)
{
	const struct mtu_peer *p = pl->peers;
	unsigned int plen;
	size_t a, b;

	if (hi - lo == 1) {
		emit_host(pl, &p[lo]);
		return;
	}
	plen = common_plen(p[lo].addr, p[hi - 1].addr);
	if (plen >= 8 * SRV6_ADDR_LEN || aggregate(pl, lo, hi, plen))
		return;
	/* Sorted peers sharing plen bits: those with bit plen clear come first. */
	a = lo + 1;
	b = hi - 1;
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (bit_of(p[mid].addr, plen))
			b = mid;
		else
			a = mid + 1;
	}
	cover(pl, lo, a);
	cover(pl, a, hi);
}

int mtu_routes_plan(const struct mtu_peer *peers, size_t n, const struct route_index *foreign,
		    struct table_route **out, size_t *nout)
{
	struct planner pl = { .peers = peers, .foreign = foreign };

	if (n)
		cover(&pl, 0, n);
	if (pl.oom) {
		free(pl.out);
		return -1;
	}
	if (pl.n)
		qsort(pl.out, pl.n, sizeof(*pl.out), table_route_order);
	*out = pl.out;
	*nout = pl.n;
	return 0;
}
