// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "datapath.h"
#include "mtu_routes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netlink/route/classifier.h>
#include "util/addr.h"
#include "util/array.h"
#include "srv6_decap.skel.h"
#include "srv6_encap.skel.h"
#include "util/sys.h"

static int ns_dir(const struct ctx *c, char *out, size_t len, struct err *e)
{
	char ns[64];

	if (sys_netns_id(ns, sizeof(ns), e))
		return -1;
	if ((size_t)snprintf(out, len, "%s/%s/%s", c->bpffs, SRV6_PIN_SUBDIR, ns) >= len)
		return errf(e, "pin path too long under %s", c->bpffs);
	return 0;
}

int dp_pin_dir(const struct ctx *c, const char *dev, char *out, size_t len, struct err *e)
{
	char dir[PATH_MAX];

	if (ns_dir(c, dir, sizeof(dir), e))
		return -1;
	if ((size_t)snprintf(out, len, "%s/%s", dir, dev) >= len)
		return errf(e, "pin path too long under %s", c->bpffs);
	return 0;
}

static int pin_path(const char *dir, const char *name, char *out, size_t len)
{
	return (size_t)snprintf(out, len, "%s/%s", dir, name) >= len ? -1 : 0;
}

/* Id of the program pinned as name in dir. */
static bool pinned_id(const char *dir, const char *name, __u32 *id)
{
	char path[PATH_MAX];
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	if (pin_path(dir, name, path, sizeof(path)))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return false;
	}
	close(fd);
	*id = info.id;
	return true;
}

static int mkdir_p(const char *path, struct err *e)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return errf(e, "cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return errf(e, "cannot create %s: %s", buf, strerror(errno));
	return 0;
}

/* Remove a pin directory and the empty parents srv6-bpf made above it. */
static void pins_remove(const char *dir)
{
	static const char *const names[] = {
		SRV6_PIN_ENCAP_PROG, SRV6_PIN_DECAP_PROG, SRV6_MAP_PEERS,    SRV6_MAP_PATH_CTRS,
		SRV6_MAP_PATH_STATE,
		SRV6_MAP_ENCAP_CTRS, SRV6_MAP_CONFIG,	  SRV6_MAP_LOCAL_SIDS, SRV6_MAP_SID_CTRS,
		SRV6_MAP_DECAP_CTRS, SRV6_MAP_ENCAP_TAIL, SRV6_MAP_ENCAP_WORK,
	};
	char path[PATH_MAX], parent[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (pin_path(dir, names[i], path, sizeof(path)) == 0)
			unlink(path);
	rmdir(dir);
	snprintf(parent, sizeof(parent), "%s", dir);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(parent, '/');

		if (!slash)
			break;
		*slash = '\0';
		if (rmdir(parent))
			break;
	}
}

static struct bpf_tc_hook tc_hook(int ifindex, enum bpf_tc_attach_point point)
{
	/* LIBBPF_OPTS zeroes the padding too: libbpf rejects opts with a dirty tail. */
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	return hook;
}

static const char *tc_point_name(enum bpf_tc_attach_point point)
{
	return point == BPF_TC_INGRESS ? "ingress" : "egress";
}

/* Program id of the filter at our handle and priority, 0 when there is none. */
static __u32 tc_attached_prog(int ifindex, enum bpf_tc_attach_point point)
{
	struct bpf_tc_hook hook = tc_hook(ifindex, point);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SRV6_TC_HANDLE, .priority = SRV6_TC_PRIORITY);

	if (bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id;
}

static int tc_attach(int ifindex, enum bpf_tc_attach_point point, int prog_fd,
		     bool *created_clsact, struct err *e)
{
	struct bpf_tc_hook hook = tc_hook(ifindex, point);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd, .handle = SRV6_TC_HANDLE,
		    .priority = SRV6_TC_PRIORITY);
	int rc = bpf_tc_hook_create(&hook);

	if (rc && rc != -EEXIST)
		return errf(e, "cannot create the clsact qdisc: %s", strerror(-rc));
	*created_clsact = rc == 0;
	rc = bpf_tc_attach(&hook, &opts);
	if (rc) {
		if (*created_clsact) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		if (rc == -EEXIST)
			return errf(e, "a tc filter already uses %s handle 0x%x priority 0x%x",
				    tc_point_name(point), SRV6_TC_HANDLE, SRV6_TC_PRIORITY);
		return errf(e, "cannot attach to tc %s: %s", tc_point_name(point), strerror(-rc));
	}
	return 0;
}

/* Filters other programs or users keep on either clsact hook. */
static int clsact_filters(struct ctx *c, int ifindex)
{
	static const __u32 parents[] = { TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
					 TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) };
	int total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(parents); i++) {
		struct nl_cache *cache = NULL;

		if (rtnl_cls_alloc_cache(c->nl.sk, ifindex, parents[i], &cache) < 0)
			return -1;
		total += nl_cache_nitems(cache);
		nl_cache_free(cache);
	}
	return total;
}

/* Our filter at point, only if it runs our program: never somebody else's at the same spot. */
static int tc_filter_detach(int ifindex, enum bpf_tc_attach_point point, __u32 our_prog_id)
{
	struct bpf_tc_hook hook = tc_hook(ifindex, point);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SRV6_TC_HANDLE, .priority = SRV6_TC_PRIORITY);

	if (our_prog_id && tc_attached_prog(ifindex, point) == our_prog_id &&
	    bpf_tc_detach(&hook, &opts))
		return -1;
	return 0;
}

/* The egress filter, then clsact if load created it and nothing else uses it. */
static int tc_detach(struct ctx *c, int ifindex, __u32 our_prog_id, bool owns_clsact)
{
	struct bpf_tc_hook hook = tc_hook(ifindex, BPF_TC_INGRESS | BPF_TC_EGRESS);

	if (tc_filter_detach(ifindex, BPF_TC_EGRESS, our_prog_id))
		return -1;
	if (owns_clsact && clsact_filters(c, ifindex) == 0)
		bpf_tc_hook_destroy(&hook);
	return 0;
}

static void config_from_opts(struct srv6_config *cfg, const struct load_opts *o,
			     const __u8 *default_src, int ifindex)
{
	if (o->src_set)
		memcpy(cfg->src, o->src, SRV6_ADDR_LEN);
	else if (default_src)
		memcpy(cfg->src, default_src, SRV6_ADDR_LEN);
	if (o->hop_limit_set)
		cfg->hop_limit = (__u8)o->hop_limit;
	else if (!cfg->hop_limit)
		cfg->hop_limit = SRV6_HOP_LIMIT_DEFAULT;
	cfg->ifindex = (__u32)ifindex;
}

const char *dp_xdp_mode_name(unsigned int mode)
{
	switch (mode) {
	case SRV6_XDP_NATIVE:
		return "native";
	case SRV6_XDP_GENERIC:
		return "generic";
	case SRV6_XDP_TC:
		return "tc";
	default:
		return "off";
	}
}

static __u32 xdp_mode_flag(enum srv6_xdp_mode mode)
{
	return mode == SRV6_XDP_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
}

/* Program id attached to ifindex in mode, 0 for none. */
static __u32 xdp_attached_prog(int ifindex, enum srv6_xdp_mode mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	return mode == SRV6_XDP_NATIVE ? q.drv_prog_id : q.skb_prog_id;
}

/* Attach in the requested mode; "auto" tries native first, then generic. Never
 * replaces another XDP program. */
/* No XDP program in any mode: srv6-bpf never replaces one. */
static int xdp_free(int ifindex, const char *dev, struct err *e)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q) == 0 && (q.drv_prog_id || q.skb_prog_id || q.hw_prog_id))
		return errf(e, "%s already runs an XDP program (id %u): srv6-bpf does not replace it (load with xdp off)",
			    dev, q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id);
	return 0;
}

/* Before anything is loaded: the hooks srv6-bpf needs must be free. */
static int hooks_free(int ifindex, enum xdp_request sids, const char *dev, struct err *e)
{
	if (sids != XDP_REQ_OFF && sids != XDP_REQ_TC && xdp_free(ifindex, dev, e))
		return -1;
	if (tc_attached_prog(ifindex, BPF_TC_EGRESS))
		return errf(e, "a tc filter already uses egress handle 0x%x priority 0x%x on %s",
			    SRV6_TC_HANDLE, SRV6_TC_PRIORITY, dev);
	if (sids == XDP_REQ_TC && tc_attached_prog(ifindex, BPF_TC_INGRESS))
		return errf(e, "a tc filter already uses ingress handle 0x%x priority 0x%x on %s",
			    SRV6_TC_HANDLE, SRV6_TC_PRIORITY, dev);
	return 0;
}

static int xdp_attach(int ifindex, int prog_fd, enum xdp_request req, const char *dev,
		      enum srv6_xdp_mode *mode, struct err *e)
{
	__u32 flags = XDP_FLAGS_UPDATE_IF_NOEXIST;
	int rc = -EOPNOTSUPP;

	if (xdp_free(ifindex, dev, e))
		return -1;
	if (req == XDP_REQ_AUTO || req == XDP_REQ_NATIVE) {
		rc = bpf_xdp_attach(ifindex, prog_fd, flags | XDP_FLAGS_DRV_MODE, NULL);
		if (rc == 0) {
			*mode = SRV6_XDP_NATIVE;
			return 0;
		}
		if (req == XDP_REQ_NATIVE)
			return errf(e, "cannot attach XDP in native mode on %s: %s (try xdp generic)", dev,
				    strerror(-rc));
	}
	rc = bpf_xdp_attach(ifindex, prog_fd, flags | XDP_FLAGS_SKB_MODE, NULL);
	if (rc)
		return errf(e, "cannot attach XDP in generic mode on %s: %s", dev, strerror(-rc));
	*mode = SRV6_XDP_GENERIC;
	return 0;
}

/* Detach only if our program is the one attached (XDP_FLAGS_REPLACE checks
 * it; tc: the filter's program id). */
static void sids_detach(int ifindex, int prog_fd, enum srv6_xdp_mode mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = prog_fd);
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (mode == SRV6_XDP_OFF || prog_fd < 0)
		return;
	if (mode != SRV6_XDP_TC)
		bpf_xdp_detach(ifindex, xdp_mode_flag(mode) | XDP_FLAGS_REPLACE, &opts);
	else if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) == 0)
		tc_filter_detach(ifindex, BPF_TC_INGRESS, info.id);
}

/* The SID program where mode says: XDP (native or generic, auto tries native
 * first) or clsact ingress. */
static int sids_attach(int ifindex, int prog_fd, enum xdp_request req, const char *dev,
		       enum srv6_xdp_mode *mode, struct err *e)
{
	bool created;

	if (req != XDP_REQ_TC)
		return xdp_attach(ifindex, prog_fd, req, dev, mode, e);
	/* clsact exists: the egress filter is attached first. */
	if (tc_attach(ifindex, BPF_TC_INGRESS, prog_fd, &created, e))
		return -1;
	*mode = SRV6_XDP_TC;
	return 0;
}

static int pinned_fd(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return pin_path(dir, name, path, sizeof(path)) ? -1 : bpf_obj_get(path);
}

static bool sids_are_ours(const char *dir, int ifindex, enum srv6_xdp_mode mode)
{
	__u32 id;

	if (mode == SRV6_XDP_OFF || !pinned_id(dir, SRV6_PIN_DECAP_PROG, &id))
		return false;
	if (mode == SRV6_XDP_TC)
		return tc_attached_prog(ifindex, BPF_TC_INGRESS) == id;
	return xdp_attached_prog(ifindex, mode) == id;
}

/* The request that attaches again what mode describes. */
static enum xdp_request mode_request(enum srv6_xdp_mode mode)
{
	switch (mode) {
	case SRV6_XDP_NATIVE:
		return XDP_REQ_NATIVE;
	case SRV6_XDP_TC:
		return XDP_REQ_TC;
	case SRV6_XDP_GENERIC:
		return XDP_REQ_GENERIC;
	default:
		return XDP_REQ_OFF;
	}
}

/* Which program the SID hook gets: End on clsact ingress, or the XDP one. */
static struct bpf_program *sids_prog(struct srv6_decap *decap, enum xdp_request req)
{
	return req == XDP_REQ_TC ? decap->progs.srv6_end_tc : decap->progs.srv6_decap;
}

/* Pins exist: keep the maps (and so the peers and SIDs), update config, and
 * attach again what is missing. */
static int adopt(const char *dir, const struct load_opts *o, int ifindex,
		 enum load_result *res, struct err *e)
{
	struct srv6_maps maps;
	struct srv6_config cfg;
	__u32 prog_id = 0;
	bool created = false;
	int prog_fd, rc = 0;

	rc = srv6_maps_open(dir, &maps);
	if (rc == -EPROTO)
		return errf(e, "%s holds a datapath of another srv6-bpf version (its maps differ): run srv6-bpf unload %s, then load",
			    dir, o->dev);
	if (rc)
		return errf(e, "%s holds an incomplete srv6-bpf datapath: run srv6-bpf unload %s",
			    dir, o->dev);
	if (srv6_config_read(&maps, &cfg)) {
		rc = errf(e, "cannot read the config of %s", o->dev);
		goto out;
	}
	if (o->peers_max_set && o->peers_max != maps.peers_max) {
		rc = errf(e, "%s is loaded with peers-max %u, not %u: unload it first", o->dev,
			  maps.peers_max, o->peers_max);
		goto out;
	}
	if (o->peer_routes_set && o->peer_routes == !!(cfg.loader_flags & SRV6_LOADER_NO_PEER_ROUTES)) {
		rc = errf(e, "%s is loaded with peer-routes %s: unload it first to change", o->dev,
			  o->peer_routes ? "off" : "on");
		goto out;
	}
	/* off, tc and XDP load different programs: changing among them needs an unload. */
	if (o->xdp_set && o->xdp != XDP_REQ_AUTO &&
	    ((o->xdp == XDP_REQ_OFF) != (cfg.xdp_mode == SRV6_XDP_OFF) ||
	     (o->xdp == XDP_REQ_TC) != (cfg.xdp_mode == SRV6_XDP_TC))) {
		rc = errf(e, "%s is loaded with xdp %s: unload it first to change", o->dev,
			  dp_xdp_mode_name(cfg.xdp_mode));
		goto out;
	}
	*res = LOAD_UPDATED;
	pinned_id(dir, SRV6_PIN_ENCAP_PROG, &prog_id);
	if (!prog_id || tc_attached_prog(ifindex, BPF_TC_EGRESS) != prog_id ||
	    (int)cfg.ifindex != ifindex) {
		prog_fd = pinned_fd(dir, SRV6_PIN_ENCAP_PROG);
		if (prog_fd < 0) {
			rc = errf(e, "%s holds an incomplete srv6-bpf datapath: run srv6-bpf unload %s",
				  dir, o->dev);
			goto out;
		}
		rc = tc_attach(ifindex, BPF_TC_EGRESS, prog_fd, &created, e);
		close(prog_fd);
		if (rc)
			goto out;
		if (created)
			cfg.loader_flags |= SRV6_LOADER_OWNS_CLSACT;
		*res = LOAD_REATTACHED;
	}
	if (cfg.xdp_mode != SRV6_XDP_OFF && !sids_are_ours(dir, ifindex, cfg.xdp_mode)) {
		enum srv6_xdp_mode mode;

		prog_fd = pinned_fd(dir, SRV6_PIN_DECAP_PROG);
		rc = prog_fd < 0 ? errf(e, "%s has no pinned SID program: run srv6-bpf unload %s",
					dir, o->dev)
				 : sids_attach(ifindex, prog_fd, mode_request(cfg.xdp_mode), o->dev,
					       &mode, e);
		if (prog_fd >= 0)
			close(prog_fd);
		if (rc)
			goto out;
		*res = LOAD_REATTACHED;
	}
	config_from_opts(&cfg, o, NULL, ifindex);
	rc = srv6_config_write(&maps, &cfg);
	if (rc)
		rc = errf(e, "cannot update the config of %s: %s", o->dev, strerror(-rc));
out:
	srv6_maps_close(&maps);
	return rc;
}

/* Both BPF objects, loaded with their maps pinned in dir (reusing pins there). */
struct objects {
	struct srv6_encap *encap;
	struct srv6_decap *decap; /* NULL with xdp off */
};

static int objects_load(struct objects *obj, const char *dir, __u32 peers_max,
			enum xdp_request sids, struct err *e)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .pin_root_path = dir);
	int rc;

	obj->encap = srv6_encap__open_opts(&open_opts);
	if (!obj->encap)
		return errf(e, "cannot open the BPF object: %s", strerror(errno));
	bpf_map__set_max_entries(obj->encap->maps.srv6_peers, peers_max);
	bpf_map__set_max_entries(obj->encap->maps.srv6_path_ctrs, peers_max * SRV6_MAX_PATHS);
	bpf_map__set_max_entries(obj->encap->maps.srv6_path_state, peers_max);
	rc = srv6_encap__load(obj->encap);
	if (!rc && sids != XDP_REQ_OFF) {
		obj->decap = srv6_decap__open_opts(&open_opts);
		if (!obj->decap) {
			rc = -errno;
		} else {
			/* Only the SID program the hook runs is verified and loaded. */
			bpf_program__set_autoload(sids == XDP_REQ_TC ? obj->decap->progs.srv6_decap
								     : obj->decap->progs.srv6_end_tc,
						  false);
			rc = srv6_decap__load(obj->decap);
		}
	}
	if (rc)
		return errf(e, "cannot load the BPF datapath: %s (SRV6_BPF_DEBUG=1 shows the verifier log)",
			    strerror(-rc));
	return 0;
}

static void objects_destroy(struct objects *obj, bool unpin)
{
	if (obj->decap) {
		if (unpin)
			bpf_object__unpin_maps(obj->decap->obj, NULL);
		srv6_decap__destroy(obj->decap);
	}
	if (obj->encap) {
		if (unpin)
			bpf_object__unpin_maps(obj->encap->obj, NULL);
		srv6_encap__destroy(obj->encap);
	}
}

static int pin_prog(struct bpf_program *prog, const char *dir, const char *name, struct err *e)
{
	char path[PATH_MAX];
	int rc = -ENAMETOOLONG;

	if (pin_path(dir, name, path, sizeof(path)) == 0)
		rc = bpf_program__pin(prog, path);
	return rc ? errf(e, "cannot pin %s in %s: %s", name, dir, strerror(-rc)) : 0;
}

static int load_fresh(struct ctx *c, const char *dir, const struct load_opts *o, int ifindex,
		      const __u8 *src, struct err *e)
{
	__u32 peers_max = o->peers_max_set ? o->peers_max : SRV6_PEERS_MAX_DEFAULT;
	struct srv6_config cfg = { .peers_max = peers_max, .xdp_mode = SRV6_XDP_OFF };
	bool with_decap = o->xdp != XDP_REQ_OFF, created = false, tc_attached = false;
	struct objects obj = { 0 };
	struct srv6_maps maps;
	enum srv6_xdp_mode mode = SRV6_XDP_OFF;
	int rc;

	/* Only loading programs needs CAP_PERFMON; adopting pins does not. */
	if (sys_check_load_caps(e) || hooks_free(ifindex, o->xdp, o->dev, e))
		return -1;
	if (mkdir_p(dir, e) || objects_load(&obj, dir, peers_max, o->xdp, e))
		goto fail;
	config_from_opts(&cfg, o, src, ifindex);
	if (o->peer_routes_set && !o->peer_routes)
		cfg.loader_flags |= SRV6_LOADER_NO_PEER_ROUTES;
	maps.config_fd = bpf_map__fd(obj.encap->maps.srv6_config);
	if (tc_attach(ifindex, BPF_TC_EGRESS, bpf_program__fd(obj.encap->progs.srv6_encap), &created,
		      e))
		goto fail;
	tc_attached = true;
	if (created)
		cfg.loader_flags |= SRV6_LOADER_OWNS_CLSACT;
	if (with_decap &&
	    sids_attach(ifindex, bpf_program__fd(sids_prog(obj.decap, o->xdp)), o->xdp, o->dev, &mode, e))
		goto fail;
	cfg.xdp_mode = (__u8)mode;
	if ((rc = srv6_config_write(&maps, &cfg))) {
		errf(e, "cannot write the config: %s", strerror(-rc));
		goto fail;
	}
	if (pin_prog(obj.encap->progs.srv6_encap, dir, SRV6_PIN_ENCAP_PROG, e) ||
	    (with_decap && pin_prog(sids_prog(obj.decap, o->xdp), dir, SRV6_PIN_DECAP_PROG, e)))
		goto fail;
	objects_destroy(&obj, false);
	return 0;
fail:
	if (mode != SRV6_XDP_OFF)
		sids_detach(ifindex, bpf_program__fd(sids_prog(obj.decap, o->xdp)), mode);
	if (tc_attached)
		tc_detach(c, ifindex, tc_attached_prog(ifindex, BPF_TC_EGRESS), created);
	objects_destroy(&obj, true);
	pins_remove(dir);
	return -1;
}

static int load_locked(struct ctx *c, const struct load_opts *o, enum load_result *res,
		       struct err *e)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct link_info li;
	struct in6_addr src;
	struct stat st;

	if (nlx_link_get(&c->nl, o->dev, &li, e))
		return -1;
	if (li.arptype != ARPHRD_ETHER)
		return errf(e, "%s is not an Ethernet interface (link type %u): srv6-bpf needs Ethernet framing",
			    o->dev, li.arptype);
	if (dp_pin_dir(c, o->dev, dir, sizeof(dir), e))
		return -1;
	if (pin_path(dir, SRV6_PIN_ENCAP_PROG, path, sizeof(path)) == 0 && stat(path, &st) == 0)
		return adopt(dir, o, li.ifindex, res, e);
	if (!o->src_set) {
		int rc = nlx_first_global_ipv6(&c->nl, li.ifindex, &src, e);

		if (rc > 0)
			return errf(e, "%s has no global IPv6 address to use as the outer source: give src ADDR",
				    o->dev);
		if (rc < 0)
			return -1;
	}
	*res = LOAD_NEW;
	return load_fresh(c, dir, o, li.ifindex, o->src_set ? o->src : (const __u8 *)&src, e);
}

/* srv6-bpf's MTU routes (host and prefix) through ifindex. */
static int our_routes_del(struct ctx *c, int ifindex, struct err *e)
{
	struct nlx_table_routes all = { 0 };
	struct host_route *hosts = NULL;
	struct peer_route *gone;
	size_t nhosts = 0, k = 0;
	int rc;

	if (nlx_host_routes(&c->nl, RT_TABLE_MAIN, &hosts, &nhosts, NULL, &all, e))
		return -1;
	free(hosts);
	gone = calloc(all.n ? all.n : 1, sizeof(*gone));
	if (!gone) {
		free(all.v);
		return errf(e, "out of memory");
	}
	for (size_t i = 0; i < all.n; i++) {
		if (!table_route_is_mtu_route(&all.v[i], ifindex))
			continue;
		memcpy(gone[k].key.addr, all.v[i].addr, SRV6_ADDR_LEN);
		gone[k].prefix_len = all.v[i].plen;
		gone[k++].table = RT_TABLE_MAIN;
	}
	rc = nlx_peer_routes_remove(&c->nl, gone, k, e);
	free(gone);
	free(all.v);
	return rc;
}

int dp_unload(struct ctx *c, const char *dev, struct err *e)
{
	char dir[PATH_MAX];
	struct srv6_config cfg = { 0 };
	struct link_info li;
	struct err ignored;
	__u32 prog_id = 0;
	bool have_config = false;

	if (dp_pin_dir(c, dev, dir, sizeof(dir), e))
		return -1;
	if (access(dir, F_OK))
		return errf(e, "srv6-bpf is not loaded on %s", dev);
	/* The config alone: its layout is all unload needs, whatever version made the pins. */
	have_config = srv6_config_read_pinned(dir, &cfg) == 0;
	pinned_id(dir, SRV6_PIN_ENCAP_PROG, &prog_id);
	if (nlx_link_get(&c->nl, dev, &li, &ignored) == 0) {
		int decap_fd = pinned_fd(dir, SRV6_PIN_DECAP_PROG);

		if (have_config && decap_fd >= 0)
			sids_detach(li.ifindex, decap_fd, cfg.xdp_mode);
		if (decap_fd >= 0)
			close(decap_fd);
		if (tc_detach(c, li.ifindex, prog_id,
			      have_config && (cfg.loader_flags & SRV6_LOADER_OWNS_CLSACT)))
			return errf(e, "cannot detach from tc egress on %s: %s", dev, strerror(errno));
		if (our_routes_del(c, li.ifindex, e))
			return -1;
	}
	pins_remove(dir);
	return 0;
}

int dp_open(struct ctx *c, const char *dev, struct srv6_maps *maps, struct err *e)
{
	char dir[PATH_MAX];
	int rc;

	if (dp_pin_dir(c, dev, dir, sizeof(dir), e))
		return -1;
	rc = srv6_maps_open(dir, maps);
	if (rc == -EPROTO)
		return errf(e, "the datapath pinned in %s comes from another srv6-bpf version (its maps differ): run srv6-bpf unload %s, then load",
			    dir, dev);
	if (rc == -ENOENT) {
		struct link_info li;

		/* The likelier mistake first: a misspelt or missing interface. */
		if (nlx_link_get(&c->nl, dev, &li, e))
			return -1;
		return errf(e, "srv6-bpf is not loaded on %s (run: srv6-bpf load %s)", dev, dev);
	}
	if (rc)
		return errf(e, "cannot open the maps pinned in %s: %s", dir, strerror(-rc));
	return 0;
}

int dp_status(struct ctx *c, const char *dev, struct dp_status *st, struct err *e)
{
	struct srv6_peer_entry *entries = NULL;
	struct srv6_maps maps;
	struct link_info li;
	struct err ignored;

	memset(st, 0, sizeof(*st));
	snprintf(st->dev, sizeof(st->dev), "%s", dev);
	if (dp_pin_dir(c, dev, st->pin_dir, sizeof(st->pin_dir), e) || dp_open(c, dev, &maps, e))
		return -1;
	if (srv6_config_read(&maps, &st->cfg) ||
	    srv6_peers_dump(&maps, &entries, &st->peers)) {
		srv6_maps_close(&maps);
		return errf(e, "cannot read the maps pinned in %s", st->pin_dir);
	}
	free(entries);
	st->peers_max = maps.peers_max;
	srv6_maps_close(&maps);
	pinned_id(st->pin_dir, SRV6_PIN_ENCAP_PROG, &st->prog_id);
	pinned_id(st->pin_dir, SRV6_PIN_DECAP_PROG, &st->xdp_prog_id);
	st->dev_present = nlx_link_get(&c->nl, dev, &li, &ignored) == 0;
	st->attached = st->dev_present && st->prog_id &&
		       tc_attached_prog(li.ifindex, BPF_TC_EGRESS) == st->prog_id;
	st->xdp_attached = st->dev_present && sids_are_ours(st->pin_dir, li.ifindex, st->cfg.xdp_mode);
	return 0;
}

/* Under the namespace's lock: a reload rewrites srv6_config, where writers of
 * peers renew their token. */
int dp_load(struct ctx *c, const struct load_opts *o, enum load_result *res, struct err *e)
{
	int lock = dp_lock(c, e), rc;

	if (lock < 0)
		return -1;
	rc = load_locked(c, o, res, e);
	dp_unlock(lock);
	return rc;
}

int dp_lock(struct ctx *c, struct err *e)
{
	char dir[PATH_MAX];
	int fd;

	if (ns_dir(c, dir, sizeof(dir), e) || mkdir_p(dir, e))
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errf(e, "cannot open %s: %s", dir, strerror(errno));
	if (flock(fd, LOCK_EX)) {
		errf(e, "cannot lock %s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void dp_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the lock */
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int dp_list(struct ctx *c, char (**devs)[IF_NAMESIZE], size_t *count, struct err *e)
{
	char dir[PATH_MAX];
	struct dirent *d;
	size_t n = 0, cap = 8;
	char(*v)[IF_NAMESIZE] = calloc(cap, IF_NAMESIZE);
	DIR *dh;

	*devs = NULL;
	*count = 0;
	if (!v)
		return errf(e, "out of memory");
	if (ns_dir(c, dir, sizeof(dir), e)) {
		free(v);
		return -1;
	}
	dh = opendir(dir);
	if (!dh) {
		*devs = v;
		return 0; /* nothing loaded in this namespace */
	}
	while ((d = readdir(dh))) {
		if (d->d_name[0] == '.' || strlen(d->d_name) >= IF_NAMESIZE)
			continue;
		if (n == cap) {
			char(*nv)[IF_NAMESIZE] = realloc(v, cap * 2 * IF_NAMESIZE);

			if (!nv)
				break;
			v = nv;
			cap *= 2;
		}
		snprintf(v[n++], IF_NAMESIZE, "%s", d->d_name);
	}
	closedir(dh);
	qsort(v, n, IF_NAMESIZE, name_cmp);
	*devs = v;
	*count = n;
	return 0;
}

int dp_foreach(struct ctx *c, const char *dev,
	       int (*fn)(struct ctx *c, const char *dev, void *arg, struct err *e), void *arg,
	       struct err *e)
{
	char(*devs)[IF_NAMESIZE] = NULL;
	size_t count = 0;
	int rc = 0;

	if (dev)
		return fn(c, dev, arg, e);
	if (dp_list(c, &devs, &count, e))
		return -1;
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = fn(c, devs[i], arg, e);
	free(devs);
	return rc;
}
