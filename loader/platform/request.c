// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "request.h"

#include <stdio.h>
#include <string.h>
#include "util/addr.h"
#include "util/array.h"

static const char *const action_names[] = {
	[SRV6_SID_DECAP] = "decap",
	[SRV6_SID_DECAP4] = "decap4",
	[SRV6_SID_DECAP6] = "decap6",
	[SRV6_SID_END] = "end",
};

const char *sid_action_name(__u32 action)
{
	if (action < ARRAY_SIZE(action_names) && action_names[action])
		return action_names[action];
	return "unknown";
}

int sid_action_parse(const char *word, __u32 *action)
{
	for (__u32 a = 1; a < ARRAY_SIZE(action_names); a++) {
		if (action_names[a] && !strcmp(word, action_names[a])) {
			*action = a;
			return 0;
		}
	}
	return -1;
}

const char *sid_prefix_str(const struct srv6_sid_key *key, char *buf, size_t len)
{
	char addr[ADDR_STR_LEN];

	snprintf(buf, len, "%s/%u", addr_sid_str(key->addr, addr), key->prefixlen);
	return buf;
}
