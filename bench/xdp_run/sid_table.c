// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "sid_table.h"

#include <string.h>

/* fc00:0:<node>:<function>:: */
static void sid(unsigned int node, unsigned int function, __u8 out[SRV6_ADDR_LEN])
{
	memset(out, 0, SRV6_ADDR_LEN);
	out[0] = 0xfc;
	out[4] = (__u8)(node >> 8);
	out[5] = (__u8)node;
	out[6] = (__u8)(function >> 8);
	out[7] = (__u8)function;
}

static struct srv6_sid_entry *add(struct sid_table *t, unsigned int node, unsigned int function,
				  __u32 len)
{
	struct srv6_sid_entry *e = &t->e[t->n];

	memset(e, 0, sizeof(*e));
	sid(node, function, e->key.addr);
	e->key.prefixlen = len;
	e->value.action = SRV6_SID_DECAP;
	e->value.counters_index = t->n++;
	return e;
}

/* End with NEXT-C-SID on node's micro-SID locator (32-bit block, 16-bit IDs). */
static void add_end(struct sid_table *t, unsigned int node)
{
	struct srv6_sid_entry *e = add(t, node, 0, 48);

	e->value.action = SRV6_SID_END;
	e->value.lblen = 32;
	e->value.nflen = 16;
}

void sid_table_router(struct sid_table *t)
{
	t->n = 0;
	add_end(t, 0x100);
}

void sid_table_router_full(struct sid_table *t)
{
	sid_table_router(t);
	for (unsigned int j = 0; t->n < SRV6_SIDS_MAX; j++)
		add_end(t, 0x1000 + j);
}

void sid_table_other_router(unsigned int j, __u8 carrier[SRV6_ADDR_LEN])
{
	carrier[4] = (__u8)((0x1000 + j) >> 8);
	carrier[5] = (__u8)(0x1000 + j);
}

void sid_table_own(struct sid_table *t)
{
	t->n = 0;
	add(t, 2, 0, 48);
	add(t, 2, 0xe006, 64);
	add(t, 2, 0xe004, 64);
}

void sid_table_full(struct sid_table *t)
{
	sid_table_own(t);
	for (unsigned int j = 0; t->n < SRV6_SIDS_MAX; j++) {
		add(t, 0x1000 + j, 0, 48);
		if (t->n < SRV6_SIDS_MAX)
			add(t, 0x1000 + j, 0xe006, 64);
	}
}

void sid_table_other_sid(unsigned int j, bool ipv6, __u8 out[SRV6_ADDR_LEN])
{
	sid(0x1000 + j, ipv6 ? 0xe006 : 0xe004, out);
}

static bool prefix_has(const struct srv6_sid_key *k, const __u8 addr[SRV6_ADDR_LEN])
{
	for (__u32 bit = 0; bit < k->prefixlen; bit++) {
		__u8 mask = (__u8)(0x80 >> (bit % 8));

		if ((k->addr[bit / 8] & mask) != (addr[bit / 8] & mask))
			return false;
	}
	return true;
}

int sid_table_match(const struct sid_table *t, const __u8 addr[SRV6_ADDR_LEN])
{
	int best = -1;

	for (unsigned int i = 0; i < t->n; i++)
		if (prefix_has(&t->e[i].key, addr) &&
		    (best < 0 || t->e[i].key.prefixlen > t->e[best].key.prefixlen))
			best = (int)i;
	return best;
}
