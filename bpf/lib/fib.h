/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Sending an encapsulated packet to its outer destination's next hop when that
 * differs from the inner destination's (SRV6_PATH_F_REROUTE). */
#ifndef SRV6_BPF_LIB_FIB_H
#define SRV6_BPF_LIB_FIB_H

#include "common.h"
#include "srv6_outer.h"

#define AF_INET6 10
#define ETH_ALEN 6

/* bpf_fib_lookup answers nothing but FWD_DISABLED on a device without IPv6
 * forwarding (most hosts): after that answer the lookup is left out for a
 * while (coarse clock, seconds), so such a host pays one cheap helper call per
 * packet over bpf_redirect_neigh alone, and notices forwarding turned on. */
#define FIB_FWD_RETRY_NS 1000000000ull
static __u64 fib_fwd_off_until;

/*
 * The TC verdict for a packet whose Ethernet header still addresses the inner
 * destination's next hop. The FIB and neighbour tables answer as the stack
 * would route the outer header out (BPF_FIB_LOOKUP_OUTPUT), where the device
 * has IPv6 forwarding on (the helper answers FWD_DISABLED otherwise): a
 * resolved neighbour on this device -> new MAC addresses and on, with no
 * second pass through this hook; on another device -> redirected there.
 * Anything else (forwarding off, no neighbour entry yet, an lwtunnel route, a
 * mark that policy routing may match, an error) -> bpf_redirect_neigh, which
 * resolves it and brings the packet through this hook once more.
 */
static __always_inline int fib_send(struct __sk_buff *skb, const struct srv6_outer *o)
{
	struct bpf_fib_lookup fib = {
		.family = AF_INET6,
		.l4_protocol = o->ip6.nexthdr,
		.ifindex = skb->ifindex,
		/* Traffic class and flow label: the multipath hash's input, as the
		 * route lookup of bpf_redirect_neigh takes it from the header. */
		.flowinfo = o->ip6.vtc_flow & bpf_htonl(0x0fffffff),
	};
	void *data, *end;
	struct ethhdr *eth;
	__u64 now;
	long rc;

	if (skb->mark)
		return bpf_redirect_neigh(skb->ifindex, NULL, 0, 0);
	now = bpf_ktime_get_coarse_ns();
	if (now < fib_fwd_off_until)
		return bpf_redirect_neigh(skb->ifindex, NULL, 0, 0);
	__builtin_memcpy(fib.ipv6_src, o->ip6.saddr, SRV6_ADDR_LEN);
	__builtin_memcpy(fib.ipv6_dst, o->ip6.daddr, SRV6_ADDR_LEN);
	/* tot_len 0: the helper checks the skb against the chosen device's MTU. */
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), BPF_FIB_LOOKUP_OUTPUT);
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		fib_fwd_off_until = now + FIB_FWD_RETRY_NS;
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return bpf_redirect_neigh(skb->ifindex, NULL, 0, 0);
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return bpf_redirect_neigh(skb->ifindex, NULL, 0, 0);
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	if (fib.ifindex == skb->ifindex)
		return TC_ACT_OK;
	return bpf_redirect(fib.ifindex, 0);
}

#endif
