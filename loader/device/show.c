// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "show.h"

#include <stdio.h>
#include <cjson/cJSON.h>
#include "util/addr.h"
#include "util/array.h"
#include "platform/datapath.h"
#include "util/output.h"

static const struct {
	const char *json_name;
	const char *pin;
} pins[] = {
	{ "encap_prog", SRV6_PIN_ENCAP_PROG },   { "peers", SRV6_MAP_PEERS },
	{ "path_counters", SRV6_MAP_PATH_CTRS }, { "path_state", SRV6_MAP_PATH_STATE },
	{ "encap_counters", SRV6_MAP_ENCAP_CTRS }, { "config", SRV6_MAP_CONFIG },
	{ "decap_prog", SRV6_PIN_DECAP_PROG },
	{ "local_sids", SRV6_MAP_LOCAL_SIDS },	 { "sid_counters", SRV6_MAP_SID_CTRS },
	{ "decap_counters", SRV6_MAP_DECAP_CTRS },
};

/* Decap pins exist only when the XDP program was loaded. */
static bool pin_present(const struct dp_status *st, size_t i)
{
	return i < 6 || st->cfg.xdp_mode != SRV6_XDP_OFF;
}

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
		if (st.cfg.xdp_mode == SRV6_XDP_OFF)
			printf("    xdp off\n");
		else if (st.cfg.xdp_mode == SRV6_XDP_TC)
			printf("    %s tc ingress (xdp tc: End SIDs) handle 0x%x priority 0x%x prog-id %u\n",
			       st.xdp_attached ? "attached" : "NOT attached", SRV6_TC_HANDLE,
			       SRV6_TC_PRIORITY, st.xdp_prog_id);
		else
			printf("    %s xdp %s prog-id %u\n",
			       st.xdp_attached ? "attached" : "NOT attached",
			       dp_xdp_mode_name(st.cfg.xdp_mode), st.xdp_prog_id);
		printf("    src %s hoplimit %u peers %zu peers-max %u\n", src, st.cfg.hop_limit,
		       st.peers, st.peers_max);
		printf("    pin-dir %s\n", st.pin_dir);
		for (size_t i = 0; i < ARRAY_SIZE(pins); i++)
			if (pin_present(&st, i))
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
	cJSON_AddStringToObject(obj, "xdp_mode", dp_xdp_mode_name(st.cfg.xdp_mode));
	cJSON_AddBoolToObject(obj, "xdp_attached", st.xdp_attached);
	cJSON_AddNumberToObject(obj, "xdp_prog_id", st.xdp_prog_id);
	cJSON_AddStringToObject(obj, "src", src);
	cJSON_AddNumberToObject(obj, "hoplimit", st.cfg.hop_limit);
	cJSON_AddNumberToObject(obj, "peers", (double)st.peers);
	cJSON_AddNumberToObject(obj, "peers_max", st.peers_max);
	cJSON_AddStringToObject(obj, "pin_dir", st.pin_dir);
	pin_obj = cJSON_AddObjectToObject(obj, "pins");
	for (size_t i = 0; i < ARRAY_SIZE(pins); i++) {
		char path[sizeof(st.pin_dir) + 32];

		if (!pin_present(&st, i))
			continue;
		snprintf(path, sizeof(path), "%s/%s", st.pin_dir, pins[i].pin);
		cJSON_AddStringToObject(pin_obj, pins[i].json_name, path);
	}
	cJSON_AddItemToArray(json, obj);
	return 0;
}

/* One block of named counters: text lines, or a JSON object under name. */
static void counters_out(const char *name, const void *ctrs, const struct counter_field *fields,
			 unsigned int count, cJSON *parent)
{
	cJSON *obj = parent ? cJSON_AddObjectToObject(parent, name) : NULL;

	for (unsigned int i = 0; i < count; i++) {
		if (obj)
			cJSON_AddNumberToObject(obj, fields[i].name,
						(double)counter_value(ctrs, &fields[i]));
		else
			printf("    %-26s %llu\n", fields[i].name,
			       (unsigned long long)counter_value(ctrs, &fields[i]));
	}
}

static int stats_one(struct ctx *c, const char *dev, void *arg, struct err *e)
{
	struct srv6_encap_counters encap;
	struct srv6_decap_counters decap;
	struct srv6_maps maps;
	bool have_decap;
	cJSON *json = arg, *obj = NULL;
	int rc;

	if (dp_open(c, dev, &maps, e))
		return -1;
	have_decap = maps.decap_ctrs_fd >= 0;
	rc = srv6_encap_ctrs_read(&maps, &encap);
	if (!rc && have_decap)
		rc = srv6_decap_ctrs_read(&maps, &decap);
	srv6_maps_close(&maps);
	if (rc)
		return errf(e, "cannot read the counters of %s", dev);
	if (json) {
		obj = cJSON_CreateObject();
		cJSON_AddStringToObject(obj, "dev", dev);
		cJSON_AddItemToArray(json, obj);
	} else {
		printf("%s: encap (tc egress)\n", dev);
	}
	counters_out("counters", &encap, encap_counter_fields, encap_counter_count, obj);
	if (have_decap) {
		if (!json)
			printf("%s: decap (xdp)\n", dev);
		counters_out("decap_counters", &decap, decap_counter_fields, decap_counter_count,
			     obj);
	}
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
