// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bench/insitu's calibration: a TC program that does nothing. Timed by BPF
 * run-time statistics on the same hook and traffic as srv6_encap, it is what
 * the statistics and the hook cost by themselves. */
#include "lib/common.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int insitu_empty(struct __sk_buff *skb)
{
	(void)skb;
	return TC_ACT_OK;
}
