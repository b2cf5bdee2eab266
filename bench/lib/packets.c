// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "packets.h"

#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include "prog_test.h"
#include "srv6_outer.h"

static const __u8 mac_dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const __u8 mac_src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

static __u16 ipv4_checksum(const void *hdr, size_t len)
{
	const __u8 *b = hdr;
	__u32 sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (__u32)b[i] << 8 | b[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((__u16)~sum);
}

/* The TCP checksum stays zero: nothing on the program's path reads it. */
/* Built aside and copied: at offset 54 of a frame the header is not aligned. */
static void tcp_fill(__u8 *l4, const struct pkt_flow *f)
{
	struct tcphdr t;

	memset(&t, 0, sizeof(t));
	t.source = htons(f->sport);
	t.dest = htons(f->dport);
	t.seq = htonl(1);
	t.ack_seq = htonl(1);
	t.doff = sizeof(t) / 4;
	t.ack = 1;
	t.window = htons(512);
	memcpy(l4, &t, sizeof(t));
}

int pkt_build(const struct pkt_flow *f, size_t payload, struct pkt *out)
{
	size_t ip_len = (f->ipv4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr));
	size_t len = ETH_HLEN + ip_len + sizeof(struct tcphdr) + payload;
	struct ethhdr *eth = (struct ethhdr *)out->data;
	__u8 *l4 = out->data + ETH_HLEN + ip_len;

	if (len + SRV6_ENCAP_LEN_MAX > PKT_MAX)
		return -1;
	memset(out, 0, sizeof(*out));
	memcpy(eth->h_dest, mac_dst, ETH_ALEN);
	memcpy(eth->h_source, mac_src, ETH_ALEN);
	eth->h_proto = htons(f->ipv4 ? ETH_P_IP : ETH_P_IPV6);
	if (f->ipv4) {
		struct iphdr ip = {
			.version = 4,
			.ihl = 5,
			.tos = f->tclass,
			.tot_len = htons((__u16)(len - ETH_HLEN)),
			.frag_off = htons(0x4000), /* DF, as TCP sends */
			.ttl = 64,
			.protocol = IPPROTO_TCP,
		};

		memcpy(&ip.saddr, f->saddr + 12, 4);
		memcpy(&ip.daddr, f->daddr + 12, 4);
		ip.check = ipv4_checksum(&ip, sizeof(ip));
		memcpy(out->data + ETH_HLEN, &ip, sizeof(ip));
	} else {
		struct ipv6hdr ip = {
			.version = 6,
			.priority = f->tclass >> 4,
			.flow_lbl = { (__u8)((f->tclass & 0xf) << 4), 0x12, 0x34 },
			.payload_len = htons((__u16)(sizeof(struct tcphdr) + payload)),
			.nexthdr = IPPROTO_TCP,
			.hop_limit = 64,
		};

		memcpy(&ip.saddr, f->saddr, SRV6_ADDR_LEN);
		memcpy(&ip.daddr, f->daddr, SRV6_ADDR_LEN);
		memcpy(out->data + ETH_HLEN, &ip, sizeof(ip));
	}
	tcp_fill(l4, f);
	for (size_t i = 0; i < payload; i++)
		l4[sizeof(struct tcphdr) + i] = (__u8)i;
	out->len = (__u32)len;
	return 0;
}

void pkt_peer_key(const struct pkt_flow *f, struct srv6_peer_key *key)
{
	memcpy(key->addr, f->daddr, SRV6_ADDR_LEN);
	if (f->ipv4) {
		memset(key->addr, 0, 10);
		key->addr[10] = key->addr[11] = 0xff;
	}
}

/* The hash inputs as bpf/lib/inner.h reads them: address words in packet byte
 * order (IPv4 in word 3), ports in host order. */
static __u32 flow_hash(const struct pkt_flow *f)
{
	__u32 s[4] = { 0 }, d[4] = { 0 };

	if (f->ipv4) {
		memcpy(&s[3], f->saddr + 12, 4);
		memcpy(&d[3], f->daddr + 12, 4);
	} else {
		memcpy(s, f->saddr, SRV6_ADDR_LEN);
		memcpy(d, f->daddr, SRV6_ADDR_LEN);
	}
	return srv6_flow_hash(s, d, (__u32)f->sport << 16 | f->dport, IPPROTO_TCP);
}

void pkt_expect_encap(const struct pkt_flow *f, const struct pkt *in, const struct srv6_path *p,
		      const __u8 src[SRV6_ADDR_LEN], __u8 hop_limit, struct pkt *out)
{
	__u32 hash = flow_hash(f), inner_len = in->len - ETH_HLEN;
	__u32 encap_len = SRV6_ENCAP_LEN(p->seg_count);
	struct srv6_outer outer;
	__be16 ipv6 = htons(ETH_P_IPV6);

	memset(&outer, 0, sizeof(outer));
	srv6_outer_fill(&outer, p, src, hop_limit, f->tclass, srv6_flow_label(hash), inner_len,
			f->ipv4 ? SRV6_NEXTHDR_IPIP : SRV6_NEXTHDR_IPV6);
	memset(out, 0, sizeof(*out));
	memcpy(out->data, in->data, ETH_HLEN - sizeof(ipv6));
	memcpy(out->data + ETH_HLEN - sizeof(ipv6), &ipv6, sizeof(ipv6));
	memcpy(out->data + ETH_HLEN, &outer, encap_len);
	memcpy(out->data + ETH_HLEN + encap_len, in->data + ETH_HLEN, inner_len);
	out->len = in->len + encap_len;
}

void pkt_flow_init(struct pkt_flow *f, bool ipv4, unsigned int host)
{
	memset(f, 0, sizeof(*f));
	f->ipv4 = ipv4;
	f->sport = 40000;
	f->dport = 5201;
	f->tclass = 0x28;
	if (ipv4) {
		__u8 s[4] = { 192, 0, 2, 1 }, d[4] = { 198, 51, 100, (__u8)host };

		if (host >= 256) {
			d[0] = 203, d[1] = 0, d[2] = 113, d[3] = (__u8)(host - 256);
		}
		memcpy(f->saddr + 12, s, 4);
		memcpy(f->daddr + 12, d, 4);
	}
}

void pkt_path(struct srv6_path *p, const char *const *segs, unsigned int nsegs)
{
	memset(p, 0, sizeof(*p));
	p->seg_count = (__u8)nsegs;
	p->weight = 1;
	for (unsigned int s = 0; s < nsegs; s++)
		in6(segs[s], p->segs[s]);
}
