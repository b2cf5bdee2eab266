// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "output.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "array.h"

void out_json(const cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);

	if (text) {
		puts(text);
		free(text);
	}
}

#define ENCAP_FIELD(f) { #f, offsetof(struct srv6_encap_counters, f) }

/* Same names as the struct fields bpftool prints. */
const struct counter_field encap_counter_fields[] = {
	ENCAP_FIELD(encap_packets),
	ENCAP_FIELD(encap_bytes),
	ENCAP_FIELD(pass_no_peer),
	ENCAP_FIELD(pass_not_ip),
	ENCAP_FIELD(pass_already_encapsulated),
	ENCAP_FIELD(pass_truncated),
	ENCAP_FIELD(drop_no_room),
	ENCAP_FIELD(drop_too_big),
	ENCAP_FIELD(drop_bad_path),
	ENCAP_FIELD(pass_all_paths_down),
};

const unsigned int encap_counter_count = ARRAY_SIZE(encap_counter_fields);

_Static_assert(ARRAY_SIZE(encap_counter_fields) ==
		       sizeof(struct srv6_encap_counters) / sizeof(__u64),
	       "every encap counter has a name");

#define DECAP_FIELD(f) { #f, offsetof(struct srv6_decap_counters, f) }

const struct counter_field decap_counter_fields[] = {
	DECAP_FIELD(decap_packets),	   DECAP_FIELD(decap_bytes),
	DECAP_FIELD(pass_not_ipv6),	   DECAP_FIELD(pass_no_sid),
	DECAP_FIELD(pass_segments_left),   DECAP_FIELD(pass_bad_srh),
	DECAP_FIELD(pass_unknown_nexthdr), DECAP_FIELD(pass_wrong_family),
	DECAP_FIELD(pass_truncated),	   DECAP_FIELD(drop_adjust_failed),
	DECAP_FIELD(end_next_csid),	   DECAP_FIELD(end_srh),
	DECAP_FIELD(end_bytes),		   DECAP_FIELD(pass_hop_limit),
	DECAP_FIELD(pass_last_sid),
};

const unsigned int decap_counter_count = ARRAY_SIZE(decap_counter_fields);

_Static_assert(ARRAY_SIZE(decap_counter_fields) ==
		       sizeof(struct srv6_decap_counters) / sizeof(__u64),
	       "every decap counter has a name");
