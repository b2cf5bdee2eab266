// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "packet.h"

#include <string.h>
#include "srv6_outer.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP_ECHO_REQUEST 8
#define ICMP_ECHO_REPLY 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_ICMPV6_ 58
#define PROBE_MAGIC "srv6-bpf probe!"  /* 16 bytes with its NUL: the echo payload */

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

/* ICMP(v6) echo request with the magic payload at p; returns its length. */
static size_t echo_build(__u8 *p, __u8 type, __u16 id, __u16 seq)
{
	p[0] = type;
	p[1] = 0;
	p[2] = p[3] = 0; /* checksum, filled by the caller */
	p[4] = (__u8)(id >> 8);
	p[5] = (__u8)id;
	p[6] = (__u8)(seq >> 8);
	p[7] = (__u8)seq;
	memcpy(p + 8, PROBE_MAGIC, sizeof(PROBE_MAGIC));
	return 8 + sizeof(PROBE_MAGIC);
}

static size_t inner6_build(const struct probe_addrs *a, __u16 id, __u16 seq, __u8 *p)
{
	size_t icmp_len = echo_build(p + 40, ICMP6_ECHO_REQUEST, id, seq);
	__u32 sum = (__u32)icmp_len + IPPROTO_ICMPV6_;
	__u16 c;

	p[0] = 0x60;
	memset(p + 1, 0, 3);
	p[4] = (__u8)(icmp_len >> 8);
	p[5] = (__u8)icmp_len;
	p[6] = IPPROTO_ICMPV6_;
	p[7] = 64;
	memcpy(p + 8, a->self.addr, SRV6_ADDR_LEN);
	memcpy(p + 24, a->peer.addr, SRV6_ADDR_LEN);
	/* Pseudo-header: both addresses, length, next header. */
	for (int i = 8; i < 40; i += 2)
		sum += (__u32)p[i] << 8 | p[i + 1];
	c = csum(sum, p + 40, icmp_len);
	p[42] = (__u8)(c >> 8);
	p[43] = (__u8)c;
	return 40 + icmp_len;
}

static size_t inner4_build(const struct probe_addrs *a, __u16 id, __u16 seq, __u8 *p)
{
	size_t icmp_len = echo_build(p + 20, ICMP_ECHO_REQUEST, id, seq), len = 20 + icmp_len;
	__u16 c;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (__u8)(len >> 8);
	p[3] = (__u8)len;
	p[6] = 0x40; /* DF */
	p[8] = 64;
	p[9] = IPPROTO_ICMP_;
	memcpy(p + 12, a->self.addr + 12, 4);
	memcpy(p + 16, a->peer.addr + 12, 4);
	c = csum(0, p, 20);
	p[10] = (__u8)(c >> 8);
	p[11] = (__u8)c;
	c = csum(0, p + 20, icmp_len);
	p[22] = (__u8)(c >> 8);
	p[23] = (__u8)c;
	return len;
}

size_t probe_build(const struct probe_addrs *a, const struct srv6_path *path, __u16 id, __u16 seq,
		   __u8 *frame)
{
	__u32 encap_len = SRV6_ENCAP_LEN(path->seg_count);
	struct srv6_outer outer;
	size_t inner_len;

	inner_len = a->ipv4 ? inner4_build(a, id, seq, frame + encap_len)
			    : inner6_build(a, id, seq, frame + encap_len);
	memset(&outer, 0, sizeof(outer));
	srv6_outer_fill(&outer, path, a->outer_src, a->hop_limit, 0, 0, (__u32)inner_len,
			a->ipv4 ? SRV6_NEXTHDR_IPIP : SRV6_NEXTHDR_IPV6);
	memcpy(frame, &outer, encap_len);
	return encap_len + inner_len;
}

int probe_reply_parse(const __u8 *buf, size_t len, bool ipv4, __u16 *id, __u16 *seq)
{
	size_t off = 0;

	if (ipv4) {
		if (len < 20 || (buf[0] >> 4) != 4 || buf[9] != IPPROTO_ICMP_)
			return -1;
		off = (size_t)(buf[0] & 0xf) * 4;
	}
	if (len < off + 8 + sizeof(PROBE_MAGIC) ||
	    buf[off] != (ipv4 ? ICMP_ECHO_REPLY : ICMP6_ECHO_REPLY) ||
	    memcmp(buf + off + 8, PROBE_MAGIC, sizeof(PROBE_MAGIC)))
		return -1;
	*id = (__u16)(buf[off + 4] << 8 | buf[off + 5]);
	*seq = (__u16)(buf[off + 6] << 8 | buf[off + 7]);
	return 0;
}
