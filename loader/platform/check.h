/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `srv6-bpf check [dev DEV]`: what this kernel (and DEV's driver) offers
 * srv6-bpf. The one place that knows; tests, the lab and CI ask it what to run.
 * Probing changes nothing in the caller's namespace: what must be created to be
 * believed (a clsact qdisc, a seg6local End next-csid route) is created in a
 * throwaway network namespace of a forked child.
 *
 * JSON (`srv6-bpf -j check [dev DEV]`), stable field names. Every capability is
 * an object {"supported": true | false | null, "detail": "text"}; null means
 * unknown (a probe that needs privileges the caller lacks says "needs root"):
 *
 *   kernel               the release meets srv6-bpf's minimum (Linux 5.18);
 *                        also "release" (uname -r) and "minimum" ("5.18")
 *   bpf_jit              programs are JIT-compiled (a loaded program has machine
 *                        code; unprivileged: the sysctl or always-on says); also
 *                        "enable" (net.core.bpf_jit_enable, null where not visible:
 *                        only the initial network namespace has it) and "always_on"
 *                        (CONFIG_BPF_JIT_ALWAYS_ON from /boot/config-RELEASE or
 *                        /proc/config.gz, null if neither is readable)
 *   btf                  kernel BTF (/sys/kernel/btf/vmlinux; the programs' CO-RE
 *                        relocations need it)
 *   tc_bpf               SCHED_CLS programs load, and a clsact qdisc with a cls_bpf
 *                        filter can be made (in a throwaway namespace)
 *   xdp                  XDP programs load
 *   xdp_frags            multi-buffer XDP programs (BPF_F_XDP_HAS_FRAGS) load
 *   seg6_routes          `encap seg6` routes (CONFIG_IPV6_SEG6_LWTUNNEL)
 *   seg6local            `encap seg6local` routes
 *   seg6local_next_csid  seg6local End with flavors next-csid (tried in a
 *                        throwaway namespace); false without seg6local
 *   bpf_redirect_neigh   TC programs may call bpf_redirect_neigh
 *   dev                  only with `dev DEV`: {"name", "ifindex", "driver" (ethtool,
 *                        null if none), "xdp_features" (the netdev family's names,
 *                        e.g. ["basic", "redirect", "rx-sg"]; null if unknown),
 *                        "xdp_native" and "xdp_frags" (capabilities: the driver runs
 *                        XDP natively / takes multi-buffer frames natively)}
 *   features             what follows, each {"ok": bool, "why": "text"}:
 *                        bpf_platform (TC encapsulation, XDP decapsulation and End
 *                        SIDs), kernel_platform (--platform kernel), kernel_end_next_csid
 *                        (kernel uN routers), dev_native_xdp (only with dev)
 *
 * Text: one aligned line per capability, a blank line, one per feature:
 * "name  yes|no|unknown  detail". check.c renders, check_probe.c probes.
 */
#ifndef SRV6_CHECK_H
#define SRV6_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <cjson/cJSON.h>
#include "ctx.h"
#include "util/err.h"

enum check_state {
	CHECK_UNKNOWN,
	CHECK_NO,
	CHECK_YES,
};

/* Capabilities, in output order (the names are in check.c). */
enum check_cap {
	CHECK_KERNEL,
	CHECK_BPF_JIT,
	CHECK_BTF,
	CHECK_TC_BPF,
	CHECK_XDP,
	CHECK_XDP_FRAGS,
	CHECK_SEG6_ROUTES,
	CHECK_SEG6LOCAL,
	CHECK_SEG6LOCAL_NEXT_CSID,
	CHECK_REDIRECT_NEIGH,
	CHECK_CAP_COUNT,
};

/* What `dev DEV` adds. */
enum check_dev_cap {
	CHECK_DEV_XDP_NATIVE,
	CHECK_DEV_XDP_FRAGS,
	CHECK_DEV_CAP_COUNT,
};

/* What the capabilities allow. */
enum check_feature {
	CHECK_BPF_PLATFORM,
	CHECK_KERNEL_PLATFORM,
	CHECK_KERNEL_END_NEXT_CSID,
	CHECK_DEV_NATIVE_XDP, /* only with dev */
	CHECK_FEATURE_COUNT,
};

#define CHECK_TEXT_LEN 192

struct check_answer {
	enum check_state state;
	char detail[CHECK_TEXT_LEN];
};

/* Netdev family XDP feature bits (linux/netdev.h, 6.3+; Debian 12's headers are older). */
#define CHECK_XDP_ACT_BASIC 1u
#define CHECK_XDP_ACT_RX_SG 32u

/* Everything the probes found: a plain struct, so rendering and the features
 * can be tested without a kernel. */
struct check_report {
	struct check_answer cap[CHECK_CAP_COUNT];
	char release[65];		/* uname -r */
	int jit_enable;			/* net.core.bpf_jit_enable; -1 unread */
	enum check_state jit_always_on; /* CONFIG_BPF_JIT_ALWAYS_ON */
	bool has_dev;			/* the rest only with dev DEV */
	char dev[IF_NAMESIZE];
	int ifindex;
	char driver[32]; /* "" when ethtool names none */
	bool xdp_features_known;
	uint64_t xdp_features; /* NETDEV_XDP_ACT_* */
	struct check_answer dev_cap[CHECK_DEV_CAP_COUNT];
};

struct check_verdict {
	bool applies; /* CHECK_DEV_NATIVE_XDP applies only with dev */
	bool ok;
	char why[CHECK_TEXT_LEN];
};

/* Sets a's state and detail (truncated to fit). */
void check_answer(struct check_answer *a, enum check_state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *check_cap_name(enum check_cap cap);
const char *check_feature_name(enum check_feature f);

/* The features a report allows. */
void check_features(const struct check_report *r, struct check_verdict v[CHECK_FEATURE_COUNT]);

/* The aligned text table. */
void check_print_text(FILE *out, const struct check_report *r);

/* The JSON document described above; NULL when out of memory. */
cJSON *check_json(const struct check_report *r);

/* The seg6local route the next-csid probe adds with the kernel platform's own
 * request (nlx_local_sid_set), as `ip -6 route add` would: fc00:0:100::/48
 * encap seg6local action End flavors next-csid lblen 32 nflen 16 dev lo. */
#define CHECK_CSID_PREFIX "fc00:0:100::"
#define CHECK_CSID_PREFIXLEN 48
#define CHECK_CSID_LBLEN 32
#define CHECK_CSID_NFLEN 16

/* That route through ifindex (lo), as the probe hands it to nlx_local_sid_set. */
struct local_sid_route check_next_csid_route(int ifindex);

/* Whether routes (nlx_local_sids' read-back) hold that End with its flavour
 * and lengths. Kernels before 6.1 parse seg6local attributes leniently and
 * store a plain End, so only the route read back proves next-csid. */
bool check_next_csid_kept(const struct local_sid_route *routes, size_t n);

/*
 * Run every probe. Fails only when dev is given and is not an interface; an
 * answer the caller cannot get (privileges, netlink) is CHECK_UNKNOWN.
 */
int check_probe(struct nlx *nl, const char *dev, struct check_report *r, struct err *e);

#endif
