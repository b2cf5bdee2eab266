// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/platform/check.c: the features a capability report allows, its text table and
 * its JSON, the next-csid probe's request and its verdict on the routes read
 * back, and the argument errors of `srv6-bpf check` (no kernel needed). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/lwtunnel.h>
#include <linux/rtnetlink.h>
#include <linux/seg6_local.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include "util/array.h"
#include "cli/commands.h"
#include "platform/check.h"
#include "net/netlink_msg.h"
#include "util/sys.h"
#include "unit_helpers.h"

/* A kernel with everything, as the probes would fill it in. */
static struct check_report report_all_yes(void)
{
	struct check_report r;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < CHECK_CAP_COUNT; i++) {
		r.cap[i].state = CHECK_YES;
		snprintf(r.cap[i].detail, sizeof(r.cap[i].detail), "detail of %s",
			 check_cap_name(i));
	}
	snprintf(r.release, sizeof(r.release), "6.18.44");
	r.jit_enable = 1;
	r.jit_always_on = CHECK_YES;
	return r;
}

static void with_dev(struct check_report *r, uint64_t xdp_features, enum check_state native)
{
	r->has_dev = true;
	snprintf(r->dev, sizeof(r->dev), "eth0");
	r->ifindex = 7;
	snprintf(r->driver, sizeof(r->driver), "veth");
	r->xdp_features_known = true;
	r->xdp_features = xdp_features;
	r->dev_cap[CHECK_DEV_XDP_NATIVE].state = native;
	snprintf(r->dev_cap[CHECK_DEV_XDP_NATIVE].detail, CHECK_TEXT_LEN, "native detail");
	r->dev_cap[CHECK_DEV_XDP_FRAGS].state =
		xdp_features & CHECK_XDP_ACT_RX_SG ? CHECK_YES : CHECK_NO;
	snprintf(r->dev_cap[CHECK_DEV_XDP_FRAGS].detail, CHECK_TEXT_LEN, "frags detail");
}

static void set(struct check_report *r, enum check_cap cap, enum check_state s)
{
	r->cap[cap].state = s;
}

/* The kernel of this project's CI machine: no SRv6 routes at all. */
static void no_seg6(struct check_report *r)
{
	set(r, CHECK_SEG6_ROUTES, CHECK_NO);
	set(r, CHECK_SEG6LOCAL, CHECK_NO);
	set(r, CHECK_SEG6LOCAL_NEXT_CSID, CHECK_NO);
}

/* --- features --------------------------------------------------------------- */

Test(check_features, everything_present)
{
	struct check_report r = report_all_yes();
	struct check_verdict v[CHECK_FEATURE_COUNT];

	check_features(&r, v);
	for (int i = 0; i < CHECK_DEV_NATIVE_XDP; i++) {
		cr_assert(v[i].applies, "%s does not apply", check_feature_name(i));
		cr_assert(v[i].ok, "%s: %s", check_feature_name(i), v[i].why);
		cr_assert(ut_one_line(v[i].why));
	}
	cr_assert_not(v[CHECK_DEV_NATIVE_XDP].applies, "a device feature without dev");
	cr_assert_str_eq(v[CHECK_BPF_PLATFORM].why,
			 "TC encapsulation, XDP decapsulation and End SIDs (srv6-bpf load)");
}

Test(check_features, no_seg6_kernel_keeps_bpf_platform)
{
	struct check_report r = report_all_yes();
	struct check_verdict v[CHECK_FEATURE_COUNT];

	no_seg6(&r);
	check_features(&r, v);
	cr_assert(v[CHECK_BPF_PLATFORM].ok, "%s", v[CHECK_BPF_PLATFORM].why);
	cr_assert_not(v[CHECK_KERNEL_PLATFORM].ok);
	cr_assert_str_eq(v[CHECK_KERNEL_PLATFORM].why,
			 "CONFIG_IPV6_SEG6_LWTUNNEL is off (no encap seg6 or seg6local routes)");
	cr_assert_not(v[CHECK_KERNEL_END_NEXT_CSID].ok);
	cr_assert_str_eq(v[CHECK_KERNEL_END_NEXT_CSID].why,
			 "CONFIG_IPV6_SEG6_LWTUNNEL is off (no seg6local routes)");
}

Test(check_features, seg6local_without_next_csid)
{
	struct check_report r = report_all_yes();
	struct check_verdict v[CHECK_FEATURE_COUNT];

	set(&r, CHECK_SEG6LOCAL_NEXT_CSID, CHECK_NO); /* a 5.x kernel: seg6local, no flavours */
	check_features(&r, v);
	cr_assert(v[CHECK_KERNEL_PLATFORM].ok, "%s", v[CHECK_KERNEL_PLATFORM].why);
	cr_assert_not(v[CHECK_KERNEL_END_NEXT_CSID].ok);
	cr_assert_str_eq(v[CHECK_KERNEL_END_NEXT_CSID].why, "needs seg6local_next_csid (no)");
}

Test(check_features, old_kernel)
{
	struct check_report r = report_all_yes();
	struct check_verdict v[CHECK_FEATURE_COUNT];

	set(&r, CHECK_KERNEL, CHECK_NO);
	check_features(&r, v);
	cr_assert_not(v[CHECK_BPF_PLATFORM].ok);
	cr_assert_str_eq(v[CHECK_BPF_PLATFORM].why, "needs kernel (no)");
	cr_assert(v[CHECK_KERNEL_PLATFORM].ok, "the kernel platform asks only for seg6 routes");
}

Test(check_features, each_bpf_requirement_counts)
{
	static const enum check_cap needed[] = {
		CHECK_KERNEL, CHECK_BTF,       CHECK_TC_BPF,
		CHECK_XDP,    CHECK_XDP_FRAGS, CHECK_REDIRECT_NEIGH
	};
	static const enum check_cap not_needed[] = { CHECK_BPF_JIT, CHECK_SEG6_ROUTES,
						     CHECK_SEG6LOCAL, CHECK_SEG6LOCAL_NEXT_CSID };

	for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
		struct check_report r = report_all_yes();
		struct check_verdict v[CHECK_FEATURE_COUNT];
		char want[CHECK_TEXT_LEN];

		set(&r, needed[i], CHECK_NO);
		check_features(&r, v);
		snprintf(want, sizeof(want), "needs %s (no)", check_cap_name(needed[i]));
		cr_assert_not(v[CHECK_BPF_PLATFORM].ok, "bpf platform without %s",
			      check_cap_name(needed[i]));
		cr_assert_str_eq(v[CHECK_BPF_PLATFORM].why, want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(not_needed); i++) {
		struct check_report r = report_all_yes();
		struct check_verdict v[CHECK_FEATURE_COUNT];

		set(&r, not_needed[i], CHECK_NO);
		check_features(&r, v);
		cr_assert(v[CHECK_BPF_PLATFORM].ok, "bpf platform refused for lack of %s",
			  check_cap_name(not_needed[i]));
	}
}

Test(check_features, no_xdp_frags_and_unknown_names_both)
{
	struct check_report r = report_all_yes();
	struct check_verdict v[CHECK_FEATURE_COUNT];

	set(&r, CHECK_XDP_FRAGS, CHECK_NO);
	set(&r, CHECK_TC_BPF, CHECK_UNKNOWN);
	check_features(&r, v);
	cr_assert_not(v[CHECK_BPF_PLATFORM].ok);
	cr_assert_str_eq(v[CHECK_BPF_PLATFORM].why, "needs tc_bpf (unknown), xdp_frags (no)");
}

Test(check_features, unknown_seg6_is_not_reported_as_off)
{
	struct check_report r = report_all_yes();
	struct check_verdict v[CHECK_FEATURE_COUNT];

	set(&r, CHECK_SEG6_ROUTES, CHECK_UNKNOWN);
	set(&r, CHECK_SEG6LOCAL, CHECK_UNKNOWN);
	set(&r, CHECK_SEG6LOCAL_NEXT_CSID, CHECK_UNKNOWN);
	check_features(&r, v);
	cr_assert_not(v[CHECK_KERNEL_PLATFORM].ok);
	cr_assert_str_eq(v[CHECK_KERNEL_PLATFORM].why,
			 "needs seg6_routes (unknown), seg6local (unknown)");
}

Test(check_features, device_native_xdp)
{
	struct check_report r = report_all_yes();
	struct check_verdict v[CHECK_FEATURE_COUNT];

	with_dev(&r, CHECK_XDP_ACT_BASIC, CHECK_YES);
	check_features(&r, v);
	cr_assert(v[CHECK_DEV_NATIVE_XDP].applies);
	cr_assert(v[CHECK_DEV_NATIVE_XDP].ok);
	cr_assert_str_eq(v[CHECK_DEV_NATIVE_XDP].why,
			 "load eth0 attaches XDP in native mode (xdp auto)");

	with_dev(&r, 0, CHECK_NO);
	check_features(&r, v);
	cr_assert_not(v[CHECK_DEV_NATIVE_XDP].ok);
	cr_assert_str_eq(v[CHECK_DEV_NATIVE_XDP].why,
			 "load eth0 falls back to generic XDP (slower)");

	with_dev(&r, 0, CHECK_UNKNOWN);
	check_features(&r, v);
	cr_assert_not(v[CHECK_DEV_NATIVE_XDP].ok);
	cr_assert_str_eq(v[CHECK_DEV_NATIVE_XDP].why, "unknown: native detail");
}

/* --- text ---------------------------------------------------------------------- */

/* The text table of r, in a buffer the caller frees. */
static char *text_of(const struct check_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	check_print_text(f, r);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* The line of text that starts with name followed by spaces, or NULL. */
static const char *line_of(const char *text, const char *name, char *out, size_t len)
{
	size_t n = strlen(name);

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		const char *end = strchr(p, '\n');

		cr_assert_not_null(end, "text does not end with a newline");
		if (!strncmp(p, name, n) && p[n] == ' ' && p[n + 1] == ' ') {
			snprintf(out, len, "%.*s", (int)(end - p), p);
			return out;
		}
	}
	return NULL;
}

/* "name   state    detail": the state and the detail, split at runs of two spaces. */
static void assert_row(const char *text, const char *name, const char *state, const char *detail)
{
	char line[512], want[512];
	const char *got = line_of(text, name, line, sizeof(line));
	const char *p;

	cr_assert_not_null(got, "no line for \"%s\" in:\n%s", name, text);
	p = got + strlen(name);
	while (*p == ' ')
		p++;
	snprintf(want, sizeof(want), "%s", state);
	cr_assert(!strncmp(p, want, strlen(want)) && p[strlen(want)] == ' ',
		  "\"%s\": state is not %s: %s", name, state, got);
	p += strlen(want);
	while (*p == ' ')
		p++;
	cr_assert_str_eq(p, detail, "\"%s\": detail", name);
}

Test(check_text, rows_are_aligned_with_a_gap_before_the_features)
{
	struct check_report r = report_all_yes();
	char *text;
	size_t col = 0, lines = 0, blank_at = 0;

	no_seg6(&r);
	with_dev(&r, CHECK_XDP_ACT_BASIC | CHECK_XDP_ACT_RX_SG, CHECK_YES);
	text = text_of(&r);
	/* 10 capabilities, 2 device lines, a blank line, 4 features. */
	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		const char *state;

		lines++;
		if (*p == '\n') {
			blank_at = lines;
			continue;
		}
		state = strstr(p, "  yes  ");
		if (!state || state > strchr(p, '\n'))
			state = strstr(p, "  no  ");
		cr_assert(state && state < strchr(p, '\n'), "no state in line %zu of:\n%s", lines,
			  text);
		/* The state column starts at the same offset on every line. */
		while (*state == ' ')
			state++;
		if (!col)
			col = (size_t)(state - p);
		cr_assert_eq((size_t)(state - p), col, "line %zu is not aligned:\n%s", lines, text);
	}
	cr_assert_eq(lines, 10 + 2 + 1 + 4, "lines of:\n%s", text);
	cr_assert_eq(blank_at, 13, "the blank line is line %zu of:\n%s", blank_at, text);
	free(text);
}

Test(check_text, names_states_and_details)
{
	struct check_report r = report_all_yes();
	char *text;

	no_seg6(&r);
	set(&r, CHECK_XDP, CHECK_UNKNOWN);
	snprintf(r.cap[CHECK_XDP].detail, CHECK_TEXT_LEN, "needs root (CAP_BPF and CAP_NET_ADMIN)");
	with_dev(&r, CHECK_XDP_ACT_BASIC, CHECK_YES);
	text = text_of(&r);
	assert_row(text, "kernel", "yes", "detail of kernel");
	assert_row(text, "seg6_routes", "no", "detail of seg6_routes");
	assert_row(text, "seg6local_next_csid", "no", "detail of seg6local_next_csid");
	assert_row(text, "xdp", "unknown", "needs root (CAP_BPF and CAP_NET_ADMIN)");
	assert_row(text, "eth0 xdp_native", "yes", "native detail");
	assert_row(text, "eth0 xdp_frags", "no", "frags detail");
	assert_row(text, "bpf platform", "no", "needs xdp (unknown)");
	assert_row(text, "kernel platform", "no",
		   "CONFIG_IPV6_SEG6_LWTUNNEL is off (no encap seg6 or seg6local routes)");
	assert_row(text, "kernel End SIDs (next-csid)", "no",
		   "CONFIG_IPV6_SEG6_LWTUNNEL is off (no seg6local routes)");
	assert_row(text, "native XDP on eth0", "yes",
		   "load eth0 attaches XDP in native mode (xdp auto)");
	free(text);
}

Test(check_text, no_device_lines_without_dev)
{
	struct check_report r = report_all_yes();
	char *text = text_of(&r);

	cr_assert_null(strstr(text, "xdp_native"), "%s", text);
	cr_assert_null(strstr(text, "native XDP on"), "%s", text);
	free(text);
}

/* --- JSON ---------------------------------------------------------------------- */

static cJSON *json_of(const struct check_report *r)
{
	cJSON *j = check_json(r);

	cr_assert_not_null(j);
	return j;
}

static const cJSON *field(const cJSON *o, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);

	cr_assert_not_null(f, "no field \"%s\"", name);
	return f;
}

/* Every capability is {"supported": bool or null, "detail": string}. */
static void assert_answer(const cJSON *o, const char *name, enum check_state s, const char *detail)
{
	const cJSON *a = field(o, name), *sup = field(a, "supported");

	if (s == CHECK_UNKNOWN)
		cr_assert(cJSON_IsNull(sup), "%s.supported is not null", name);
	else
		cr_assert(cJSON_IsBool(sup) && cJSON_IsTrue(sup) == (s == CHECK_YES),
			  "%s.supported is not %s", name, s == CHECK_YES ? "true" : "false");
	cr_assert(cJSON_IsString(field(a, "detail")));
	cr_assert_str_eq(field(a, "detail")->valuestring, detail, "%s.detail", name);
}

Test(check_json, every_documented_field)
{
	static const char *const caps[] = { "kernel",
					    "bpf_jit",
					    "btf",
					    "tc_bpf",
					    "xdp",
					    "xdp_frags",
					    "seg6_routes",
					    "seg6local",
					    "seg6local_next_csid",
					    "bpf_redirect_neigh" };
	struct check_report r = report_all_yes();
	cJSON *j = json_of(&r);
	const cJSON *features = field(j, "features"), *kernel = field(j, "kernel");
	char minimum[16];

	cr_assert_eq(ARRAY_SIZE(caps), CHECK_CAP_COUNT);
	for (size_t i = 0; i < CHECK_CAP_COUNT; i++) {
		char detail[64];

		cr_assert_str_eq(check_cap_name(i), caps[i], "capability %zu", i);
		snprintf(detail, sizeof(detail), "detail of %s", caps[i]);
		assert_answer(j, caps[i], CHECK_YES, detail);
	}
	cr_assert_str_eq(field(kernel, "release")->valuestring, "6.18.44");
	snprintf(minimum, sizeof(minimum), "%d.%d", SRV6_KERNEL_MIN_MAJOR, SRV6_KERNEL_MIN_MINOR);
	cr_assert_str_eq(field(kernel, "minimum")->valuestring, minimum);
	cr_assert_eq(field(field(j, "bpf_jit"), "enable")->valueint, 1);
	cr_assert(cJSON_IsTrue(field(field(j, "bpf_jit"), "always_on")));
	cr_assert_null(cJSON_GetObjectItemCaseSensitive(j, "dev"), "dev without dev DEV");
	/* 10 capabilities and features, nothing else. */
	cr_assert_eq(cJSON_GetArraySize(j), CHECK_CAP_COUNT + 1);
	cr_assert_eq(cJSON_GetArraySize(features), 3);
	for (int i = 0; i < CHECK_DEV_NATIVE_XDP; i++) {
		const cJSON *f = field(features, check_feature_name(i));

		cr_assert(cJSON_IsTrue(field(f, "ok")), "%s", check_feature_name(i));
		cr_assert(cJSON_IsString(field(f, "why")));
	}
	cJSON_Delete(j);
}

Test(check_json, unknowns_are_null)
{
	struct check_report r = report_all_yes();
	cJSON *j;

	set(&r, CHECK_TC_BPF, CHECK_UNKNOWN);
	snprintf(r.cap[CHECK_TC_BPF].detail, CHECK_TEXT_LEN,
		 "needs root (CAP_BPF and CAP_NET_ADMIN)");
	r.jit_enable = -1;
	r.jit_always_on = CHECK_UNKNOWN;
	j = json_of(&r);
	assert_answer(j, "tc_bpf", CHECK_UNKNOWN, "needs root (CAP_BPF and CAP_NET_ADMIN)");
	cr_assert(cJSON_IsNull(field(field(j, "bpf_jit"), "enable")));
	cr_assert(cJSON_IsNull(field(field(j, "bpf_jit"), "always_on")));
	cr_assert(cJSON_IsFalse(field(field(field(j, "features"), "bpf_platform"), "ok")));
	cJSON_Delete(j);
}

Test(check_json, no_seg6)
{
	struct check_report r = report_all_yes();
	const cJSON *kp;
	cJSON *j;

	no_seg6(&r);
	j = json_of(&r);
	assert_answer(j, "seg6_routes", CHECK_NO, "detail of seg6_routes");
	assert_answer(j, "seg6local", CHECK_NO, "detail of seg6local");
	assert_answer(j, "seg6local_next_csid", CHECK_NO, "detail of seg6local_next_csid");
	kp = field(field(j, "features"), "kernel_platform");
	cr_assert(cJSON_IsFalse(field(kp, "ok")));
	cr_assert_str_eq(field(kp, "why")->valuestring,
			 "CONFIG_IPV6_SEG6_LWTUNNEL is off (no encap seg6 or seg6local routes)");
	cr_assert(cJSON_IsTrue(field(field(field(j, "features"), "bpf_platform"), "ok")));
	cJSON_Delete(j);
}

Test(check_json, device)
{
	struct check_report r = report_all_yes();
	const cJSON *dev, *list;
	cJSON *j;

	/* basic, redirect and rx-sg: what veth says. */
	with_dev(&r, CHECK_XDP_ACT_BASIC | 2 | CHECK_XDP_ACT_RX_SG, CHECK_YES);
	j = json_of(&r);
	dev = field(j, "dev");
	cr_assert_str_eq(field(dev, "name")->valuestring, "eth0");
	cr_assert_eq(field(dev, "ifindex")->valueint, 7);
	cr_assert_str_eq(field(dev, "driver")->valuestring, "veth");
	list = field(dev, "xdp_features");
	cr_assert_eq(cJSON_GetArraySize(list), 3);
	cr_assert_str_eq(cJSON_GetArrayItem(list, 0)->valuestring, "basic");
	cr_assert_str_eq(cJSON_GetArrayItem(list, 1)->valuestring, "redirect");
	cr_assert_str_eq(cJSON_GetArrayItem(list, 2)->valuestring, "rx-sg");
	assert_answer(dev, "xdp_native", CHECK_YES, "native detail");
	assert_answer(dev, "xdp_frags", CHECK_YES, "frags detail");
	cr_assert(cJSON_IsTrue(field(field(field(j, "features"), "dev_native_xdp"), "ok")));
	cJSON_Delete(j);

	/* A kernel without the netdev family: features unknown, no driver name. */
	with_dev(&r, 0, CHECK_UNKNOWN);
	r.xdp_features_known = false;
	r.driver[0] = '\0';
	j = json_of(&r);
	dev = field(j, "dev");
	cr_assert(cJSON_IsNull(field(dev, "xdp_features")));
	cr_assert(cJSON_IsNull(field(dev, "driver")));
	assert_answer(dev, "xdp_native", CHECK_UNKNOWN, "native detail");
	cr_assert(cJSON_IsFalse(field(field(field(j, "features"), "dev_native_xdp"), "ok")));
	cJSON_Delete(j);
}

/* --- the next-csid probe: its request, and its verdict on the read-back -------- */

/* route as the kernel platform sends it, parsed as nlx_local_sids reads it back. */
static struct local_sid_route sent_and_parsed(const struct local_sid_route *route)
{
	struct nl_msg *msg = nlx_local_sid_set_msg(route, true);
	struct local_sid_route got;

	cr_assert_not_null(msg);
	cr_assert(nlx_local_sid_route_parse(nlmsg_hdr(msg), RT_TABLE_MAIN, &got));
	nlmsg_free(msg);
	return got;
}

/* What no builder of ours sends: an End (or action) with the flavours
 * attribute absent or carrying other operations, as a kernel may store it. */
static struct local_sid_route dumped_and_parsed(__u32 action, bool flavors, __u32 operations)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6,
			     .rtm_dst_len = CHECK_CSID_PREFIXLEN,
			     .rtm_table = RT_TABLE_MAIN,
			     .rtm_protocol = SRV6_RTPROT,
			     .rtm_type = RTN_UNICAST };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_MULTI);
	struct local_sid_route got;
	struct nlattr *encap, *flv;
	__u8 dst[SRV6_ADDR_LEN];

	ut_in6(CHECK_CSID_PREFIX, dst);
	cr_assert_not_null(msg);
	cr_assert_eq(nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO), 0);
	cr_assert_eq(nla_put_u32(msg, RTA_TABLE, RT_TABLE_MAIN), 0);
	cr_assert_eq(nla_put(msg, RTA_DST, sizeof(dst), dst), 0);
	cr_assert_eq(nla_put_u32(msg, RTA_OIF, 1), 0);
	cr_assert_not_null(encap = nla_nest_start(msg, RTA_ENCAP));
	cr_assert_eq(nla_put_u32(msg, SEG6_LOCAL_ACTION, action), 0);
	if (flavors) {
		cr_assert_not_null(flv = nla_nest_start(msg, SEG6_LOCAL_FLAVORS));
		cr_assert_eq(nla_put_u32(msg, SEG6_LOCAL_FLV_OPERATION, operations), 0);
		cr_assert_eq(nla_put_u8(msg, SEG6_LOCAL_FLV_LCBLOCK_BITS, CHECK_CSID_LBLEN), 0);
		cr_assert_eq(nla_put_u8(msg, SEG6_LOCAL_FLV_LCNODE_FN_BITS, CHECK_CSID_NFLEN), 0);
		nla_nest_end(msg, flv);
	}
	nla_nest_end(msg, encap);
	cr_assert_eq(nla_put_u16(msg, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_SEG6_LOCAL), 0);
	cr_assert(nlx_local_sid_route_parse(nlmsg_hdr(msg), RT_TABLE_MAIN, &got));
	nlmsg_free(msg);
	return got;
}

static bool kept_alone(struct local_sid_route r)
{
	return check_next_csid_kept(&r, 1);
}

#define NEXT_CSID (1u << SEG6_LOCAL_FLV_OP_NEXT_CSID)

Test(check_next_csid, the_route_with_its_flavour)
{
	struct local_sid_route route = check_next_csid_route(1), got = sent_and_parsed(&route);
	__u8 want[SRV6_ADDR_LEN];

	/* `ip -6 route add fc00:0:100::/48 encap seg6local action End flavors
	 * next-csid lblen 32 nflen 16 dev lo`, in the main table. */
	ut_in6("fc00:0:100::", want);
	ut_assert_bytes_eq(route.key.addr, want, SRV6_ADDR_LEN, "prefix");
	cr_assert_eq(route.key.prefixlen, 48);
	cr_assert_eq(route.action, SEG6_LOCAL_ACTION_END);
	cr_assert_eq(route.lblen, 32);
	cr_assert_eq(route.nflen, 16);
	cr_assert_eq(route.table, RT_TABLE_MAIN);
	cr_assert_eq(route.ifindex, 1);
	cr_assert(kept_alone(got));
	/* The kernel's own dump of it (the operation bitmask as it stores it). */
	cr_assert(kept_alone(dumped_and_parsed(SEG6_LOCAL_ACTION_END, true, NEXT_CSID)));
}

Test(check_next_csid, plain_end_or_other_flavours_do_not_count)
{
	/* What a kernel that ignores the flavours attribute stores. */
	cr_assert_not(kept_alone(dumped_and_parsed(SEG6_LOCAL_ACTION_END, false, 0)));
	cr_assert_not(
		kept_alone(dumped_and_parsed(SEG6_LOCAL_ACTION_END, true, 1u << SEG6_LOCAL_FLV_OP_PSP)));
}

Test(check_next_csid, other_lengths_prefixes_or_actions_do_not_count)
{
	struct local_sid_route lblen = check_next_csid_route(1), nflen = lblen,
			       other_prefix = lblen, other_len = lblen, dt6 = lblen, dt6_lengths;

	lblen.lblen = 48;
	nflen.nflen = 32;
	ut_in6("fc00:0:101::", other_prefix.key.addr);
	other_len.key.prefixlen = 64;
	dt6.action = SEG6_LOCAL_ACTION_END_DT6;
	cr_assert_not(kept_alone(sent_and_parsed(&lblen)));
	cr_assert_not(kept_alone(sent_and_parsed(&nflen)));
	cr_assert_not(kept_alone(sent_and_parsed(&other_prefix)));
	cr_assert_not(kept_alone(sent_and_parsed(&other_len)));
	cr_assert_not(kept_alone(sent_and_parsed(&dt6)));
	cr_assert_not(
		kept_alone(dumped_and_parsed(SEG6_LOCAL_ACTION_END_DT6, true, NEXT_CSID)));
	/* The action counts by itself, whatever the parser leaves in the lengths. */
	dt6_lengths = check_next_csid_route(1);
	dt6_lengths.action = SEG6_LOCAL_ACTION_END_DT6;
	cr_assert_not(kept_alone(dt6_lengths));
}

Test(check_next_csid, found_among_the_tables_other_routes)
{
	struct local_sid_route probe = check_next_csid_route(1), other = probe, routes[3];

	ut_in6("fc00:0:101::", other.key.addr);
	routes[0] = sent_and_parsed(&other);
	routes[1] = dumped_and_parsed(SEG6_LOCAL_ACTION_END, false, 0);
	routes[2] = sent_and_parsed(&probe);
	cr_assert(check_next_csid_kept(routes, ARRAY_SIZE(routes)));
	cr_assert_not(check_next_csid_kept(routes, ARRAY_SIZE(routes) - 1));
	cr_assert_not(check_next_csid_kept(NULL, 0));
}

/* --- arguments ---------------------------------------------------------------------- */

static void args_bad(int argc, char **argv, const char *want)
{
	struct ctx c = { .json = false };
	struct err e = { "" };

	cr_assert_eq(cmd_check(&c, argc, argv, &e), -1, "accepted: %s", want);
	cr_assert_str_eq(e.msg, want);
	cr_assert(ut_one_line(e.msg));
}

Test(check_args, refused_before_probing)
{
	char *dev_only[] = { "dev" }, *other[] = { "eth0" }, *extra[] = { "dev", "eth0", "now" };

	args_bad(1, dev_only, "check: missing DEV after \"dev\" (srv6-bpf check [dev DEV])");
	args_bad(1, other, "check: unexpected \"eth0\": give [dev DEV]");
	args_bad(3, extra, "check: unexpected \"now\" after dev eth0: give [dev DEV]");
}
