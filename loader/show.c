// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "show.h"

#include <stdio.h>
#include <cjson/cJSON.h>
#include "addr.h"
#include "datapath.h"
#include "output.h"

static const struct {
	const char *json_name;
	const char *pin;
} pins[] = {
	{ "encap_prog", SRV6_PIN_ENCAP_PROG },   { "peers", SRV6_MAP_PEERS },
	{ "path_counters", SRV6_MAP_PATH_CTRS }, { "encap_counters", SRV6_MAP_ENCAP_CTRS },
	{ "config", SRV6_MAP_CONFIG },
};

static int show_one(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	cJSON *json = arg, *obj, *pin_obj;
	struct dp_status st;
	char src[ADDR_STR_LEN];

	if (dp_status(c, dev, &st, e))
		return -1;
	addr_sid_str(st.cfg.src, src);
	if (!json) {
		printf("%s: %s tc egress handle 0x%x priority 0x%x prog-id %u\n", dev,
		       st.attached ? "attached" : (st.dev_present ? "NOT attached" : "interface gone"),
		       SRV6_TC_HANDLE, SRV6_TC_PRIORITY, st.prog_id);
		printf("    src %s hoplimit %u peers %zu peers-max %u\n", src, st.cfg.hop_limit,
		       st.peers, st.peers_max);
		printf("    pin-dir %s\n", st.pin_dir);
		for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++)
			printf("    pin %s/%s\n", st.pin_dir, pins[i].pin);
		return 0;
	}
	obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "dev", dev);
	cJSON_AddNumberToObject(obj, "ifindex", st.cfg.ifindex);
	cJSON_AddBoolToObject(obj, "attached", st.attached);
	cJSON_AddNumberToObject(obj, "prog_id", st.prog_id);
	cJSON_AddNumberToObject(obj, "tc_handle", SRV6_TC_HANDLE);
	cJSON_AddNumberToObject(obj, "tc_priority", SRV6_TC_PRIORITY);
	cJSON_AddStringToObject(obj, "src", src);
	cJSON_AddNumberToObject(obj, "hoplimit", st.cfg.hop_limit);
	cJSON_AddNumberToObject(obj, "peers", (double)st.peers);
	cJSON_AddNumberToObject(obj, "peers_max", st.peers_max);
	cJSON_AddStringToObject(obj, "pin_dir", st.pin_dir);
	pin_obj = cJSON_AddObjectToObject(obj, "pins");
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		char path[sizeof(st.pin_dir) + 32];

		snprintf(path, sizeof(path), "%s/%s", st.pin_dir, pins[i].pin);
		cJSON_AddStringToObject(pin_obj, pins[i].json_name, path);
	}
	cJSON_AddItemToArray(json, obj);
	return 0;
}

static int stats_one(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	struct srv6_encap_counters ctrs;
	struct srv6_maps maps;
	cJSON *json = arg, *obj, *counters;
	int rc;

	if (dp_open(c, dev, &maps, e))
		return -1;
	rc = srv6_encap_ctrs_read(&maps, &ctrs);
	srv6_maps_close(&maps);
	if (rc)
		return errf(e, "cannot read the counters of %s", dev);
	if (!json) {
		printf("%s:\n", dev);
		for (unsigned int i = 0; i < encap_counter_count; i++)
			printf("    %-26s %llu\n", encap_counter_fields[i].name,
			       (unsigned long long)counter_value(&ctrs, &encap_counter_fields[i]));
		return 0;
	}
	obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "dev", dev);
	counters = cJSON_AddObjectToObject(obj, "counters");
	for (unsigned int i = 0; i < encap_counter_count; i++)
		cJSON_AddNumberToObject(counters, encap_counter_fields[i].name,
					(double)counter_value(&ctrs, &encap_counter_fields[i]));
	cJSON_AddItemToArray(json, obj);
	return 0;
}

int show_foreach(struct ctx *c, const char *dev,
		 int (*fn)(struct ctx *, const char *, void *, struct err *), struct err *e)
{
	cJSON *json = c->json ? cJSON_CreateArray() : NULL;
	int rc = dp_foreach(c, dev, fn, json, e);

	if (rc == 0 && json)
		out_json(json);
	cJSON_Delete(json);
	return rc;
}

int show_datapath(struct ctx *c, const char *dev, struct err *e)
{
	return show_foreach(c, dev, show_one, e);
}

int show_stats(struct ctx *c, const char *dev, struct err *e)
{
	return show_foreach(c, dev, stats_one, e);
}
