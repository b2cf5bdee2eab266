/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Parsing the inner (to be encapsulated) packet into what the datapath needs:
 * the peer key, the flow hash inputs and the traffic class. */
#ifndef SRV6_BPF_LIB_INNER_H
#define SRV6_BPF_LIB_INNER_H

#include "common.h"
#include "srv6_flow.h"

struct inner_flow {
	struct srv6_peer_key key; /* destination, IPv4 as ::ffff:a.b.c.d */
	__u32 saddr[4];           /* hash input; IPv4 in word 3 */
	__u32 daddr[4];
	__u32 ports; /* sport << 16 | dport, 0 for a 3-tuple */
	__u32 hdr_len; /* IP + TCP/UDP header bytes, repeated in every GSO segment */
	__u8 proto;
	__u8 tclass;
	__u8 is_ipv4;
	__u8 nexthdr; /* IPv6 next header as seen (for the re-entry check) */
};

/* Bytes of headers the parsers read directly: Ethernet, the largest IPv4
 * header, and the ports. */
#define INNER_PARSE_LEN (ETH_HLEN + 60 + 4)

/* Ports, and the transport header's length for counting GSO segments' bytes. */
static __always_inline void inner_ports(void *l4, void *end, __u32 l3_len, struct inner_flow *f)
{
	__be16 *ports = l4;

	f->hdr_len = l3_len;
	if (f->proto == IPPROTO_UDP && l4 + 8 <= end) {
		f->hdr_len += 8;
	} else if (f->proto == IPPROTO_TCP && l4 + 13 <= end) {
		/* Data offset: the high nibble of byte 12, in 32-bit words. */
		f->hdr_len += (__u32)(((__u8 *)l4)[12] >> 4) * 4;
	} else {
		return;
	}
	f->ports = (__u32)bpf_ntohs(ports[0]) << 16 | bpf_ntohs(ports[1]);
}

/* 0 on success, -1 if the IPv6 header is cut short. */
static __always_inline int inner_parse_ipv6(void *data, void *end, struct inner_flow *f)
{
	struct ipv6hdr *ip6 = data + ETH_HLEN;

	if ((void *)(ip6 + 1) > end)
		return -1;
	__builtin_memcpy(f->key.addr, &ip6->daddr, SRV6_ADDR_LEN);
	__builtin_memcpy(f->saddr, &ip6->saddr, SRV6_ADDR_LEN);
	__builtin_memcpy(f->daddr, &ip6->daddr, SRV6_ADDR_LEN);
	f->proto = ip6->nexthdr;
	f->nexthdr = ip6->nexthdr;
	f->tclass = ip6->priority << 4 | ip6->flow_lbl[0] >> 4;
	f->is_ipv4 = 0;
	/* Extension headers (fragments included) leave the ports out: a 3-tuple. */
	inner_ports(ip6 + 1, end, sizeof(*ip6), f);
	return 0;
}

static __always_inline int inner_parse_ipv4(void *data, void *end, struct inner_flow *f)
{
	struct iphdr *ip4 = data + ETH_HLEN;
	__u32 ihl;

	if ((void *)(ip4 + 1) > end)
		return -1;
	ihl = ip4->ihl;
	if (ihl < 5)
		return -1;
	f->key.addr[10] = 0xff;
	f->key.addr[11] = 0xff;
	__builtin_memcpy(&f->key.addr[12], &ip4->daddr, 4);
	f->saddr[3] = ip4->saddr;
	f->daddr[3] = ip4->daddr;
	f->proto = ip4->protocol;
	f->tclass = ip4->tos;
	f->is_ipv4 = 1;
	/* Only the first fragment has ports: hash every fragment on the 3-tuple. */
	if (ip4->frag_off & bpf_htons(IPV4_MORE_FRAGMENTS | IPV4_FRAG_OFFSET))
		return 0;
	inner_ports((void *)ip4 + ihl * 4, end, ihl * 4, f);
	return 0;
}

#endif
