// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bench/insitu's receiver for the UDP runs: h1 drops every packet at clsact
 * ingress, encapsulated or not, before any protocol work, so the receiving
 * side costs the same little in every mode (on one machine it runs on the
 * sender's CPU). */
#include "lib/common.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int insitu_sink(struct __sk_buff *skb)
{
	(void)skb;
	return TC_ACT_SHOT;
}
