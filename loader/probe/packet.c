// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "packet.h"

#include <string.h>
#include "srv6_outer.h"
#include "util/array.h"

#define ICMP6_ECHO_REQUEST 128
#define IPPROTO_ICMPV6_ 58
#define USID_BLOCK_LEN 4 /* bytes */
#define USIDS_PER_CARRIER 6
#define PROBE_MAGIC "srv6prb" /* 8 bytes with its NUL, then the nonce: the echo payload */
#define PROBE_PAYLOAD (sizeof(PROBE_MAGIC) + 8)

int probe_home_of(const struct srv6_sid_key *sid, struct probe_home *home)
{
	unsigned int bits = sid->prefixlen;

	if (bits < 48 || bits > 128 || (bits - 32) % 16)
		return -1;
	memset(home, 0, sizeof(*home));
	memcpy(home->block, sid->addr, USID_BLOCK_LEN);
	home->n = (bits - 32) / 16;
	for (unsigned int i = 0; i < home->n; i++)
		home->usids[i] = (__u16)(sid->addr[4 + 2 * i] << 8 | sid->addr[5 + 2 * i]);
	return 0;
}

int probe_home_function(struct probe_home *home, __u16 function)
{
	if (home->n >= 2 && home->usids[home->n - 1] == function)
		return 0;
	if (home->n >= ARRAY_SIZE(home->usids))
		return -1;
	home->usids[home->n++] = function;
	return 0;
}

/* The micro-SIDs of path p (every carrier's, in order), when all are in block. */
static int path_usids(const struct srv6_path *p, const __u8 *block, __u16 *u, unsigned int *n)
{
	*n = 0;
	for (unsigned int s = 0; s < p->seg_count && s < SRV6_MAX_SEGS; s++) {
		if (memcmp(p->segs[s], block, USID_BLOCK_LEN))
			return -1;
		for (unsigned int i = 0; i < USIDS_PER_CARRIER; i++) {
			__u16 v = (__u16)(p->segs[s][4 + 2 * i] << 8 | p->segs[s][5 + 2 * i]);

			if (!v)
				break;
			u[(*n)++] = v;
		}
	}
	return 0;
}

/* k micro-SIDs into carriers of six; home's, the last home->n, stay in one
 * carrier (a SID split across two would be neither), so they start a new
 * carrier when they do not fit: the last router then ends its carrier and
 * moves on to home's through the SRH. */
static int uturn_pack(const __u16 *turn, unsigned int k, const struct probe_home *home,
		      struct srv6_path *out)
{
	unsigned int home_at = k - home->n, slot = 0;

	memset(out, 0, sizeof(*out));
	out->weight = 1;
	for (unsigned int i = 0; i < k; i++, slot++) {
		__u8 *seg;

		if (i == home_at && slot % USIDS_PER_CARRIER + home->n > USIDS_PER_CARRIER)
			slot += USIDS_PER_CARRIER - slot % USIDS_PER_CARRIER;
		if (slot >= SRV6_MAX_SEGS * USIDS_PER_CARRIER)
			return -1;
		seg = out->segs[slot / USIDS_PER_CARRIER];
		memcpy(seg, home->block, USID_BLOCK_LEN);
		seg[4 + 2 * (slot % USIDS_PER_CARRIER)] = (__u8)(turn[i] >> 8);
		seg[5 + 2 * (slot % USIDS_PER_CARRIER)] = (__u8)turn[i];
	}
	out->seg_count = (__u8)((slot + USIDS_PER_CARRIER - 1) / USIDS_PER_CARRIER);
	return 0;
}

int probe_routers(const struct srv6_path *fwd, const struct probe_home *home,
		  __u16 routers[PROBE_USIDS_MAX], unsigned int *n)
{
	if (path_usids(fwd, home->block, routers, n) || *n <= home->n)
		return -1;
	*n -= home->n;
	return 0;
}

int probe_uturn(const struct srv6_path *fwd, const struct probe_home *home, struct srv6_path *out)
{
	__u16 u[PROBE_USIDS_MAX], turn[2 * PROBE_USIDS_MAX];
	unsigned int routers, k = 0;

	if (probe_routers(fwd, home, u, &routers))
		return -1;
	if (2 * routers - 1 + home->n > ARRAY_SIZE(turn))
		return -1;
	for (unsigned int i = 0; i < routers; i++)
		turn[k++] = u[i];
	for (unsigned int i = routers - 1; i-- > 0;)
		turn[k++] = u[i];
	for (unsigned int i = 0; i < home->n; i++)
		turn[k++] = home->usids[i];
	return uturn_pack(turn, k, home, out);
}

/* The Internet checksum of data (RFC 1071), folded on top of sum. */
static __u16 csum(__u32 sum, const __u8 *data, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (__u32)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (__u32)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* IPv6 + ICMPv6 echo request from home to home at p; returns its length. */
static size_t inner_build(const struct probe_home *home, const struct probe_tag *tag, __u8 *p)
{
	__u8 *icmp = p + 40;
	size_t icmp_len = 8 + PROBE_PAYLOAD;
	__u32 sum = (__u32)icmp_len + IPPROTO_ICMPV6_;
	__u16 c;

	memset(p, 0, 40 + icmp_len);
	p[0] = 0x60;
	p[5] = (__u8)icmp_len;
	p[6] = IPPROTO_ICMPV6_;
	p[7] = 64;
	memcpy(p + 8, home->addr, SRV6_ADDR_LEN);
	memcpy(p + 24, home->addr, SRV6_ADDR_LEN);
	icmp[0] = ICMP6_ECHO_REQUEST;
	icmp[4] = (__u8)(tag->id >> 8);
	icmp[5] = (__u8)tag->id;
	icmp[6] = (__u8)(tag->seq >> 8);
	icmp[7] = (__u8)tag->seq;
	memcpy(icmp + 8, PROBE_MAGIC, sizeof(PROBE_MAGIC));
	memcpy(icmp + 8 + sizeof(PROBE_MAGIC), &tag->nonce, sizeof(tag->nonce));
	for (int i = 8; i < 40; i += 2) /* pseudo-header: the addresses */
		sum += (__u32)p[i] << 8 | p[i + 1];
	c = csum(sum, icmp, icmp_len);
	icmp[2] = (__u8)(c >> 8);
	icmp[3] = (__u8)c;
	return 40 + icmp_len;
}

size_t probe_build(const struct probe_home *home, const __u8 *src, const struct srv6_path *uturn,
		   const struct probe_tag *tag, __u8 *frame)
{
	__u32 encap_len = SRV6_ENCAP_LEN(uturn->seg_count);
	size_t inner_len = inner_build(home, tag, frame + encap_len);
	struct srv6_outer outer;

	memset(&outer, 0, sizeof(outer));
	srv6_outer_fill(&outer, uturn, src, home->hop_limit, 0, 0, (__u32)inner_len,
			SRV6_NEXTHDR_IPV6);
	memcpy(frame, &outer, encap_len);
	return encap_len + inner_len;
}

int probe_parse(const __u8 *buf, size_t len, struct probe_tag *tag)
{
	if (len < 8 + PROBE_PAYLOAD || buf[0] != ICMP6_ECHO_REQUEST ||
	    memcmp(buf + 8, PROBE_MAGIC, sizeof(PROBE_MAGIC)))
		return -1;
	tag->id = (__u16)(buf[4] << 8 | buf[5]);
	tag->seq = (__u16)(buf[6] << 8 | buf[7]);
	memcpy(&tag->nonce, buf + 8 + sizeof(PROBE_MAGIC), sizeof(tag->nonce));
	return 0;
}
