// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A tc program that drops every packet: a dead link for the failover tests
 * (this kernel has no matchall/gact or netem), removed as easily as added. */
#define SEC(name) __attribute__((section(name), used))

SEC("tc")
int drop_all(void *ctx)
{
	(void)ctx;
	return 2; /* TC_ACT_SHOT */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
