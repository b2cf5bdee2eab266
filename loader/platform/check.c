// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* srv6-bpf check: what a capability report allows, its text and JSON
 * (the probes that fill the report are in check_probe.c; the command is cli/cmd_check.c). */
#include "check.h"

#include <stdarg.h>
#include <string.h>
#include "util/array.h"
#include "util/sys.h"

static const char *const cap_names[CHECK_CAP_COUNT] = {
	[CHECK_KERNEL] = "kernel",
	[CHECK_BPF_JIT] = "bpf_jit",
	[CHECK_BTF] = "btf",
	[CHECK_TC_BPF] = "tc_bpf",
	[CHECK_XDP] = "xdp",
	[CHECK_XDP_FRAGS] = "xdp_frags",
	[CHECK_SEG6_ROUTES] = "seg6_routes",
	[CHECK_SEG6LOCAL] = "seg6local",
	[CHECK_SEG6LOCAL_NEXT_CSID] = "seg6local_next_csid",
	[CHECK_REDIRECT_NEIGH] = "bpf_redirect_neigh",
};

static const char *const dev_cap_names[CHECK_DEV_CAP_COUNT] = {
	[CHECK_DEV_XDP_NATIVE] = "xdp_native",
	[CHECK_DEV_XDP_FRAGS] = "xdp_frags",
};

static const char *const feature_names[CHECK_FEATURE_COUNT] = {
	[CHECK_BPF_PLATFORM] = "bpf_platform",
	[CHECK_KERNEL_PLATFORM] = "kernel_platform",
	[CHECK_KERNEL_END_NEXT_CSID] = "kernel_end_next_csid",
	[CHECK_DEV_NATIVE_XDP] = "dev_native_xdp",
};

/* What a network engineer reads in the text table. */
static const char *const feature_labels[CHECK_FEATURE_COUNT] = {
	[CHECK_BPF_PLATFORM] = "bpf platform",
	[CHECK_KERNEL_PLATFORM] = "kernel platform",
	[CHECK_KERNEL_END_NEXT_CSID] = "kernel End SIDs (next-csid)",
	[CHECK_DEV_NATIVE_XDP] = "native XDP on", /* + the device */
};

/* Names of the netdev family's XDP feature bits, as `ynl` prints them. */
static const char *const xdp_feature_names[] = {
	"basic", "redirect", "ndo-xmit", "xsk-zerocopy", "hw-offload", "rx-sg", "ndo-xmit-sg",
};

const char *check_cap_name(enum check_cap cap)
{
	return cap_names[cap];
}

const char *check_feature_name(enum check_feature f)
{
	return feature_names[f];
}

static const char *state_word(enum check_state s)
{
	return s == CHECK_YES ? "yes" : s == CHECK_NO ? "no" : "unknown";
}

void check_answer(struct check_answer *a, enum check_state s, const char *fmt, ...)
{
	va_list ap;

	a->state = s;
	va_start(ap, fmt);
	vsnprintf(a->detail, sizeof(a->detail), fmt, ap);
	va_end(ap);
}

/* --- features --------------------------------------------------------------- */

/* True when every cap is a yes; else why names those that are not ("needs
 * xdp_frags (no), tc_bpf (unknown)"). */
static bool requires(const struct check_report *r, const enum check_cap *caps, size_t n, char *why,
		     size_t len)
{
	size_t used = (size_t)snprintf(why, len, "needs");
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		enum check_state s = r->cap[caps[i]].state;

		if (s == CHECK_YES)
			continue;
		if (used < len)
			used += (size_t)snprintf(why + used, len - used, "%s %s (%s)",
						 ok ? "" : ",", cap_names[caps[i]], state_word(s));
		ok = false;
	}
	return ok;
}

/* Both seg6 probes said no: the kernel was built without SRv6 routes. */
static bool seg6_off(const struct check_report *r)
{
	return r->cap[CHECK_SEG6_ROUTES].state == CHECK_NO &&
	       r->cap[CHECK_SEG6LOCAL].state == CHECK_NO;
}

void check_features(const struct check_report *r, struct check_verdict v[CHECK_FEATURE_COUNT])
{
	/* The datapath's programs carry CO-RE relocations, hence btf. */
	static const enum check_cap bpf_needs[] = { CHECK_KERNEL,    CHECK_BTF,
						    CHECK_TC_BPF,    CHECK_XDP,
						    CHECK_XDP_FRAGS, CHECK_REDIRECT_NEIGH };
	static const enum check_cap kernel_needs[] = { CHECK_SEG6_ROUTES, CHECK_SEG6LOCAL };
	static const enum check_cap csid_needs[] = { CHECK_SEG6LOCAL_NEXT_CSID };
	struct check_verdict *f;

	memset(v, 0, CHECK_FEATURE_COUNT * sizeof(*v));

	f = &v[CHECK_BPF_PLATFORM];
	f->applies = true;
	f->ok = requires(r, bpf_needs, ARRAY_SIZE(bpf_needs), f->why, sizeof(f->why));
	if (f->ok)
		snprintf(f->why, sizeof(f->why),
			 "TC encapsulation, XDP decapsulation and End SIDs (srv6-bpf load)");

	f = &v[CHECK_KERNEL_PLATFORM];
	f->applies = true;
	f->ok = requires(r, kernel_needs, ARRAY_SIZE(kernel_needs), f->why, sizeof(f->why));
	if (f->ok)
		snprintf(
			f->why, sizeof(f->why),
			"peers as encap seg6 routes, local SIDs as seg6local routes (--platform kernel)");
	else if (seg6_off(r))
		snprintf(f->why, sizeof(f->why),
			 "CONFIG_IPV6_SEG6_LWTUNNEL is off (no encap seg6 or seg6local routes)");

	f = &v[CHECK_KERNEL_END_NEXT_CSID];
	f->applies = true;
	f->ok = requires(r, csid_needs, ARRAY_SIZE(csid_needs), f->why, sizeof(f->why));
	if (f->ok)
		snprintf(f->why, sizeof(f->why),
			 "routers can run uN as seg6local End flavors next-csid");
	else if (seg6_off(r))
		snprintf(f->why, sizeof(f->why),
			 "CONFIG_IPV6_SEG6_LWTUNNEL is off (no seg6local routes)");

	f = &v[CHECK_DEV_NATIVE_XDP];
	f->applies = r->has_dev;
	if (!r->has_dev)
		return;
	switch (r->dev_cap[CHECK_DEV_XDP_NATIVE].state) {
	case CHECK_YES:
		f->ok = true;
		snprintf(f->why, sizeof(f->why), "load %s attaches XDP in native mode (xdp auto)",
			 r->dev);
		break;
	case CHECK_NO:
		snprintf(f->why, sizeof(f->why), "load %s falls back to generic XDP (slower)",
			 r->dev);
		break;
	default:
		snprintf(f->why, sizeof(f->why), "unknown: %.150s",
			 r->dev_cap[CHECK_DEV_XDP_NATIVE].detail);
		break;
	}
}

/* --- text and JSON --------------------------------------------------------------- */

struct row {
	char name[64];
	const char *state;
	const char *detail;
};

void check_print_text(FILE *out, const struct check_report *r)
{
	struct check_verdict v[CHECK_FEATURE_COUNT];
	struct row rows[CHECK_CAP_COUNT + CHECK_DEV_CAP_COUNT + CHECK_FEATURE_COUNT];
	size_t n = 0, caps, width = 0;

	check_features(r, v);
	for (int i = 0; i < CHECK_CAP_COUNT; i++, n++) {
		snprintf(rows[n].name, sizeof(rows[n].name), "%s", cap_names[i]);
		rows[n].state = state_word(r->cap[i].state);
		rows[n].detail = r->cap[i].detail;
	}
	for (int i = 0; r->has_dev && i < CHECK_DEV_CAP_COUNT; i++, n++) {
		snprintf(rows[n].name, sizeof(rows[n].name), "%s %s", r->dev, dev_cap_names[i]);
		rows[n].state = state_word(r->dev_cap[i].state);
		rows[n].detail = r->dev_cap[i].detail;
	}
	caps = n;
	for (int i = 0; i < CHECK_FEATURE_COUNT; i++) {
		if (!v[i].applies)
			continue;
		snprintf(rows[n].name, sizeof(rows[n].name), "%s%s%s", feature_labels[i],
			 i == CHECK_DEV_NATIVE_XDP ? " " : "",
			 i == CHECK_DEV_NATIVE_XDP ? r->dev : "");
		rows[n].state = v[i].ok ? "yes" : "no";
		rows[n].detail = v[i].why;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		if (strlen(rows[i].name) > width)
			width = strlen(rows[i].name);
	for (size_t i = 0; i < n; i++) {
		if (i == caps) /* what the kernel has, then what that allows */
			fputc('\n', out);
		fprintf(out, "%-*s  %-7s  %s\n", (int)width, rows[i].name, rows[i].state,
			rows[i].detail);
	}
}

static cJSON *answer_json(const struct check_answer *a)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	if (!(a->state == CHECK_UNKNOWN
		      ? cJSON_AddNullToObject(o, "supported")
		      : cJSON_AddBoolToObject(o, "supported", a->state == CHECK_YES)) ||
	    !cJSON_AddStringToObject(o, "detail", a->detail)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Adds item to parent under name; item may be NULL (out of memory): false then. */
static bool add(cJSON *parent, const char *name, cJSON *item)
{
	if (!item)
		return false;
	if (!cJSON_AddItemToObject(parent, name, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

static bool kernel_extras(cJSON *o, const struct check_report *r)
{
	char min[16];

	snprintf(min, sizeof(min), "%d.%d", SRV6_KERNEL_MIN_MAJOR, SRV6_KERNEL_MIN_MINOR);
	return cJSON_AddStringToObject(o, "release", r->release) &&
	       cJSON_AddStringToObject(o, "minimum", min);
}

static bool jit_extras(cJSON *o, const struct check_report *r)
{
	return (r->jit_enable < 0 ? cJSON_AddNullToObject(o, "enable")
				  : cJSON_AddNumberToObject(o, "enable", r->jit_enable)) &&
	       (r->jit_always_on == CHECK_UNKNOWN
			? cJSON_AddNullToObject(o, "always_on")
			: cJSON_AddBoolToObject(o, "always_on", r->jit_always_on == CHECK_YES));
}

static cJSON *dev_json(const struct check_report *r)
{
	cJSON *d = cJSON_CreateObject(), *list;
	bool ok = d && cJSON_AddStringToObject(d, "name", r->dev) &&
		  cJSON_AddNumberToObject(d, "ifindex", r->ifindex) &&
		  (*r->driver ? cJSON_AddStringToObject(d, "driver", r->driver)
			      : cJSON_AddNullToObject(d, "driver"));

	if (ok && r->xdp_features_known) {
		ok = (list = cJSON_AddArrayToObject(d, "xdp_features")) != NULL;
		for (size_t b = 0; ok && b < ARRAY_SIZE(xdp_feature_names); b++) {
			cJSON *s;

			if (!(r->xdp_features & (1ull << b)))
				continue;
			s = cJSON_CreateString(xdp_feature_names[b]);
			ok = s && cJSON_AddItemToArray(list, s);
			if (!ok)
				cJSON_Delete(s);
		}
	} else if (ok) {
		ok = cJSON_AddNullToObject(d, "xdp_features") != NULL;
	}
	for (int i = 0; ok && i < CHECK_DEV_CAP_COUNT; i++)
		ok = add(d, dev_cap_names[i], answer_json(&r->dev_cap[i]));
	if (!ok) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

cJSON *check_json(const struct check_report *r)
{
	struct check_verdict v[CHECK_FEATURE_COUNT];
	cJSON *root = cJSON_CreateObject(), *features = NULL;
	bool ok = root != NULL;

	for (int i = 0; ok && i < CHECK_CAP_COUNT; i++) {
		cJSON *o = answer_json(&r->cap[i]);

		ok = add(root, cap_names[i], o) && (i != CHECK_KERNEL || kernel_extras(o, r)) &&
		     (i != CHECK_BPF_JIT || jit_extras(o, r));
	}
	if (ok && r->has_dev)
		ok = add(root, "dev", dev_json(r));
	if (ok)
		ok = (features = cJSON_AddObjectToObject(root, "features")) != NULL;
	check_features(r, v);
	for (int i = 0; ok && i < CHECK_FEATURE_COUNT; i++) {
		cJSON *f;

		if (!v[i].applies)
			continue;
		f = cJSON_CreateObject();
		ok = add(features, feature_names[i], f) &&
		     cJSON_AddBoolToObject(f, "ok", v[i].ok) &&
		     cJSON_AddStringToObject(f, "why", v[i].why);
	}
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}
