// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/probe/packet.c: the probe on the wire and the replies it accepts. */
#include <criterion/criterion.h>
#include <string.h>
#include <arpa/inet.h>
#include "probe/packet.h"
#include "srv6_outer.h"
#include "unit_helpers.h"

static void addrs_v6(struct probe_addrs *a)
{
	memset(a, 0, sizeof(*a));
	inet_pton(AF_INET6, "2001:db8:1::1", a->outer_src);
	inet_pton(AF_INET6, "2001:db8:1::1", a->self.addr);
	inet_pton(AF_INET6, "2001:db8:2::2", a->peer.addr);
	a->hop_limit = 64;
}

static struct srv6_path path_of(const char *const *sids, unsigned int n)
{
	struct srv6_path p;

	memset(&p, 0, sizeof(p));
	p.seg_count = (__u8)n;
	for (unsigned int i = 0; i < n; i++)
		inet_pton(AF_INET6, sids[i], p.segs[i]);
	return p;
}

/* The one's-complement sum over data (with sum folded in) is 0xffff when the
 * checksum inside is right. */
static __u16 fold(__u32 sum, const __u8 *data, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (__u32)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (__u32)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

Test(probe_packet, ipv6_echo_on_a_two_sid_path)
{
	static const char *const sids[] = { "fc00:0:100:101::", "fc00:0:2:e006::" };
	struct srv6_path path = path_of(sids, 2);
	__u8 frame[PROBE_FRAME_MAX], *inner, *icmp;
	struct probe_addrs a;
	size_t len, encap = SRV6_ENCAP_LEN(2);
	__u32 sum;

	addrs_v6(&a);
	len = probe_build(&a, &path, 0x1234, 0x0102, frame);
	cr_assert_eq(len, encap + 40 + 8 + 16);
	/* Outer: to the first SID, an SRH with the second, IPv6 inside. */
	cr_assert_eq(frame[0] >> 4, 6);
	cr_assert_eq((frame[4] << 8 | frame[5]), len - 40, "outer payload length");
	cr_assert_eq(frame[6], SRV6_NEXTHDR_ROUTING);
	cr_assert_arr_eq(frame + 8, a.outer_src, 16);
	cr_assert_arr_eq(frame + 24, path.segs[0], 16);
	cr_assert_eq(frame[40], SRV6_NEXTHDR_IPV6, "SRH next header");
	cr_assert_eq(frame[43], 1, "Segments Left");
	cr_assert_arr_eq(frame + 48, path.segs[1], 16);
	/* Inner: an echo request from self to the peer, its checksum right. */
	inner = frame + encap;
	icmp = inner + 40;
	cr_assert_eq(inner[6], 58);
	cr_assert_arr_eq(inner + 8, a.self.addr, 16);
	cr_assert_arr_eq(inner + 24, a.peer.addr, 16);
	cr_assert_eq(icmp[0], 128);
	cr_assert_eq(icmp[4] << 8 | icmp[5], 0x1234);
	cr_assert_eq(icmp[6] << 8 | icmp[7], 0x0102);
	sum = 58 + 24;
	for (int i = 8; i < 40; i += 2)
		sum += (__u32)inner[i] << 8 | inner[i + 1];
	cr_assert_eq(fold(sum, icmp, 24), 0xffff, "ICMPv6 checksum");
}

Test(probe_packet, ipv4_echo_on_a_one_sid_path)
{
	static const char *const sids[] = { "fc00:0:100:2:e004::" };
	struct srv6_path path = path_of(sids, 1);
	__u8 frame[PROBE_FRAME_MAX], *inner;
	struct probe_addrs a;
	size_t len;

	addrs_v6(&a);
	a.ipv4 = true;
	inet_pton(AF_INET, "192.0.2.1", a.self.addr + 12);
	inet_pton(AF_INET, "198.51.100.2", a.peer.addr + 12);
	len = probe_build(&a, &path, 7, 9, frame);
	cr_assert_eq(len, 40 + 20 + 8 + 16);
	cr_assert_eq(frame[6], SRV6_NEXTHDR_IPIP, "no SRH: IPv4 right after the outer header");
	inner = frame + 40;
	cr_assert_eq(inner[0], 0x45);
	cr_assert_eq(inner[9], 1);
	cr_assert_arr_eq(inner + 12, a.self.addr + 12, 4);
	cr_assert_arr_eq(inner + 16, a.peer.addr + 12, 4);
	cr_assert_eq(fold(0, inner, 20), 0xffff, "IPv4 header checksum");
	cr_assert_eq(inner[20], 8, "echo request");
	cr_assert_eq(fold(0, inner + 20, 24), 0xffff, "ICMP checksum");
}

/* A reply is the request with its type changed: accepted with its id and seq;
 * anything else (a request, another payload, too short) is not. */
Test(probe_packet, replies_are_recognised)
{
	static const char *const sids[] = { "fc00:0:100:2:e006::" };
	struct srv6_path path = path_of(sids, 1);
	__u8 frame[PROBE_FRAME_MAX], reply[64];
	struct probe_addrs a;
	__u16 id, seq;

	addrs_v6(&a);
	probe_build(&a, &path, 0xbeef, 0x00ff, frame);
	memcpy(reply, frame + 80, 24); /* as an ICMPv6 socket hands it over */
	cr_assert_eq(probe_reply_parse(reply, 24, false, &id, &seq), -1, "a request is no reply");
	reply[0] = 129;
	cr_assert_eq(probe_reply_parse(reply, 24, false, &id, &seq), 0);
	cr_assert_eq(id, 0xbeef);
	cr_assert_eq(seq, 0x00ff);
	cr_assert_eq(probe_reply_parse(reply, 23, false, &id, &seq), -1, "cut short");
	reply[10] ^= 1;
	cr_assert_eq(probe_reply_parse(reply, 24, false, &id, &seq), -1, "another payload");

	a.ipv4 = true;
	probe_build(&a, &path, 5, 6, frame);
	memcpy(reply, frame + 40, 44); /* as a raw IPv4 socket hands it over */
	reply[20] = 0;
	cr_assert_eq(probe_reply_parse(reply, 44, true, &id, &seq), 0);
	cr_assert_eq(id, 5);
	cr_assert_eq(seq, 6);
	cr_assert_eq(probe_reply_parse(reply, 44, false, &id, &seq), -1, "not as ICMPv6");
}
