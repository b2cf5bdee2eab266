// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Prometheus text exposition of the datapath's counters. Names follow the
 * Prometheus conventions: srv6_bpf_ prefix, _total for counters, base units.
 * Every metric family is written once (HELP, TYPE, then its samples for all
 * devices), as the format requires.
 */
#include "metrics.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "platform/datapath.h"
#include "util/output.h"
#include "util/array.h"
#include "util/prom.h"

/* metric{dev="DEV"} value. */
static void dev_sample(FILE *out, const char *metric, const char *dev, unsigned long long value)
{
	const struct prom_label l[] = { { "dev", dev } };

	prom_sample_u64(out, metric, l, ARRAY_SIZE(l), value);
}

/* One device's maps and status, read once for all families. */
struct dev_snapshot {
	char dev[IF_NAMESIZE];
	struct dp_status st;
	struct srv6_encap_counters encap;
	struct srv6_decap_counters decap;
	bool have_decap;
	struct srv6_peer_entry *peers;
	size_t npeers;
	struct srv6_path_counters (*path_ctrs)[SRV6_MAX_PATHS];
	struct srv6_path_state *path_state; /* per peer */
	struct srv6_sid_entry *sids;
	size_t nsids;
	struct srv6_sid_counters *sid_ctrs;
};

static void snapshot_free(struct dev_snapshot *s)
{
	free(s->peers);
	free(s->path_ctrs);
	free(s->path_state);
	free(s->sids);
	free(s->sid_ctrs);
}

static int snapshot_take(struct ctx *c, const char *dev, struct dev_snapshot *s, struct err *e)
{
	struct srv6_maps maps;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->dev, sizeof(s->dev), "%s", dev);
	if (dp_status(c, dev, &s->st, e) || dp_open(c, dev, &maps, e))
		return -1;
	if (srv6_encap_ctrs_read(&maps, &s->encap) ||
	    srv6_peers_dump(&maps, &s->peers, &s->npeers)) {
		rc = errf(e, "cannot read the maps of %s", dev);
		goto out;
	}
	s->path_ctrs = calloc(s->npeers ? s->npeers : 1, sizeof(*s->path_ctrs));
	s->path_state = calloc(s->npeers ? s->npeers : 1, sizeof(*s->path_state));
	if (!s->path_ctrs || !s->path_state) {
		rc = errf(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < s->npeers; i++) {
		srv6_path_state_read(&maps, s->peers[i].value.counters_base / SRV6_MAX_PATHS,
				     &s->path_state[i]);
		for (unsigned int p = 0; p < s->peers[i].value.path_count && p < SRV6_MAX_PATHS; p++)
			srv6_path_ctrs_read(&maps, s->peers[i].value.counters_base + p,
					    &s->path_ctrs[i][p]);
	}
	s->have_decap = maps.decap_ctrs_fd >= 0;
	if (s->have_decap) {
		if (srv6_decap_ctrs_read(&maps, &s->decap) ||
		    srv6_sids_dump(&maps, &s->sids, &s->nsids)) {
			rc = errf(e, "cannot read the decap maps of %s", dev);
			goto out;
		}
		s->sid_ctrs = calloc(s->nsids ? s->nsids : 1, sizeof(*s->sid_ctrs));
		if (!s->sid_ctrs) {
			rc = errf(e, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < s->nsids; i++)
			srv6_sid_ctrs_read(&maps, s->sids[i].value.counters_index, &s->sid_ctrs[i]);
	}
out:
	srv6_maps_close(&maps);
	return rc;
}

/* One path's sample: dev, peer, path (its index) and segs (SID,SID,...). */
static void path_sample(FILE *out, const char *metric, const struct dev_snapshot *s, size_t i,
			unsigned int p, unsigned long long value)
{
	const struct srv6_path *path = &s->peers[i].value.paths[p];
	char peer[ADDR_STR_LEN], index[16], segs[ADDR_SEGS_STR_LEN];

	addr_segs_str(path, segs);
	snprintf(index, sizeof(index), "%u", p);
	const struct prom_label l[] = { { "dev", s->dev },
					{ "peer", addr_key_str(&s->peers[i].key, peer) },
					{ "path", index },
					{ "segs", segs } };

	prom_sample_u64(out, metric, l, ARRAY_SIZE(l), value);
}

/* A reason counter's sample: dev, result and reason. */
static void reason_sample(FILE *out, const char *metric, const char *dev, const char *result,
			  size_t result_len, const char *reason, unsigned long long value)
{
	char res[64];

	snprintf(res, sizeof(res), "%.*s", (int)result_len, result);
	const struct prom_label l[] = { { "dev", dev }, { "result", res }, { "reason", reason } };

	prom_sample_u64(out, metric, l, ARRAY_SIZE(l), value);
}

/* One device's reason counters, except the *_bytes ones, which have their own family. */
static void reason_samples(FILE *out, const char *metric, const char *dev, const void *ctrs,
			   const struct counter_field *fields, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		const char *name = fields[i].name;
		size_t len = strlen(name);

		if (len > 6 && !strcmp(name + len - 6, "_bytes"))
			continue;
		/* "encap_packets" is the success count: result encap, reason ok; else a
		 * field name "pass_no_peer" is result="pass", reason="no_peer". */
		const char *us = strchr(name, '_');
		unsigned long long v = counter_value(ctrs, &fields[i]);

		if (len > 8 && !strcmp(name + len - 8, "_packets"))
			reason_sample(out, metric, dev, name, len - 8, "ok", v);
		else
			reason_sample(out, metric, dev, name, us ? (size_t)(us - name) : len,
				      us ? us + 1 : "", v);
	}
}

/* One per-path family: every device's peers' paths, the counter at offset. */
static void path_family(FILE *out, const struct dev_snapshot *s, size_t n, const char *name,
			const char *help, size_t offset)
{
	prom_family(out, name, "counter", help);
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < s[d].npeers; i++)
			for (unsigned int p = 0; p < s[d].peers[i].value.path_count && p < SRV6_MAX_PATHS; p++)
				path_sample(out, name, &s[d], i, p,
					    *(const __u64 *)((const char *)&s[d].path_ctrs[i][p] + offset));
}

/* Whether each path is up (1) or down (0). */
static void path_up_family(FILE *out, const struct dev_snapshot *s, size_t n)
{
	const char *name = "srv6_bpf_path_up";

	prom_family(out, name, "gauge", "1 while a path is live, 0 while its flows fail over.");
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < s[d].npeers; i++)
			for (unsigned int p = 0; p < s[d].peers[i].value.path_count && p < SRV6_MAX_PATHS; p++)
				path_sample(out, name, &s[d], i, p,
					    !((s[d].path_state[i].down_mask >> p) & 1u));
}

/* A counter family with one sample per device: the __u64 at offset in its
 * snapshot (decap: only devices with the local-SID maps). */
static void dev_counter_family(FILE *out, const struct dev_snapshot *s, size_t n,
			       const char *name, const char *help, size_t offset, bool decap)
{
	prom_family(out, name, "counter", help);
	for (size_t d = 0; d < n; d++) {
		if (decap && !s[d].have_decap)
			continue;
		dev_sample(out, name, s[d].dev, *(const __u64 *)((const char *)&s[d] + offset));
	}
}

/* A gauge per device: peers, capacity, and whether each hook has the program. */
static void status_families(FILE *out, const struct dev_snapshot *s, size_t n)
{
	prom_family(out, "srv6_bpf_peers", "gauge", "Peers programmed in the datapath.");
	for (size_t d = 0; d < n; d++)
		dev_sample(out, "srv6_bpf_peers", s[d].dev, s[d].npeers);
	prom_family(out, "srv6_bpf_peers_max", "gauge", "Capacity of the peers map.");
	for (size_t d = 0; d < n; d++)
		dev_sample(out, "srv6_bpf_peers_max", s[d].dev, s[d].st.peers_max);
	prom_family(out, "srv6_bpf_attached", "gauge",
		    "1 when srv6-bpf's program is attached to the hook.");
	for (size_t d = 0; d < n; d++) {
		struct prom_label l[] = { { "dev", s[d].dev }, { "hook", "tc_egress" } };

		prom_sample_u64(out, "srv6_bpf_attached", l, ARRAY_SIZE(l), (unsigned)s[d].st.attached);
		if (s[d].have_decap) {
			l[1].value = s[d].st.cfg.xdp_mode == SRV6_XDP_TC ? "tc_ingress" : "xdp";
			prom_sample_u64(out, "srv6_bpf_attached", l, ARRAY_SIZE(l),
					(unsigned)s[d].st.xdp_attached);
		}
	}
}

/* A per-local-SID counter family: packets or bytes (bytes: true). */
static void sid_family(FILE *out, const struct dev_snapshot *s, size_t n, const char *name,
		       const char *help, bool bytes)
{
	prom_family(out, name, "counter", help);
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < s[d].nsids; i++) {
			char text[ADDR_STR_LEN], sid[ADDR_STR_LEN + 8];
			const struct srv6_sid_counters *c = &s[d].sid_ctrs[i];

			snprintf(sid, sizeof(sid), "%s/%u", addr_sid_str(s[d].sids[i].key.addr, text),
				 s[d].sids[i].key.prefixlen);
			const struct prom_label l[] = { { "dev", s[d].dev }, { "sid", sid } };

			prom_sample_u64(out, name, l, ARRAY_SIZE(l), bytes ? c->bytes : c->packets);
		}
}

static void render(FILE *out, const struct dev_snapshot *s, size_t n)
{
	status_families(out, s, n);
	path_family(out, s, n, "srv6_bpf_path_packets_total",
		    "Packets encapsulated onto a path (a GSO packet counts as its segments).",
		    offsetof(struct srv6_path_counters, packets));
	path_family(out, s, n, "srv6_bpf_path_bytes_total", "Inner IP bytes encapsulated onto a path.",
		    offsetof(struct srv6_path_counters, bytes));
	path_family(out, s, n, "srv6_bpf_path_failover_packets_total",
		    "Packets of a path's flows sent on another of the peer's paths while it was down.",
		    offsetof(struct srv6_path_counters, failover_packets));
	path_up_family(out, s, n);

	prom_family(out, "srv6_bpf_tc_packets_total", "counter",
		    "Packets the TC egress program saw, by result (encap, pass, drop) and reason.");
	for (size_t d = 0; d < n; d++)
		reason_samples(out, "srv6_bpf_tc_packets_total", s[d].dev, &s[d].encap,
			       encap_counter_fields, encap_counter_count);
	dev_counter_family(out, s, n, "srv6_bpf_tc_encap_bytes_total", "Inner IP bytes encapsulated.",
			   offsetof(struct dev_snapshot, encap.encap_bytes), false);

	prom_family(out, "srv6_bpf_xdp_packets_total", "counter",
		    "Packets the local-SID program (XDP, or clsact ingress with xdp tc) saw, by result (decap, end, pass, drop) and reason.");
	for (size_t d = 0; d < n; d++)
		if (s[d].have_decap)
			reason_samples(out, "srv6_bpf_xdp_packets_total", s[d].dev, &s[d].decap,
				       decap_counter_fields, decap_counter_count);
	dev_counter_family(out, s, n, "srv6_bpf_xdp_decap_bytes_total", "Inner IP bytes decapsulated.",
			   offsetof(struct dev_snapshot, decap.decap_bytes), true);
	dev_counter_family(out, s, n, "srv6_bpf_xdp_end_bytes_total",
			   "IPv6 bytes End SIDs forwarded (micro-SID shift or SRH).",
			   offsetof(struct dev_snapshot, decap.end_bytes), true);

	sid_family(out, s, n, "srv6_bpf_sid_packets_total",
		   "Packets a local SID handled (decapsulated, or forwarded by End).", false);
	sid_family(out, s, n, "srv6_bpf_sid_bytes_total",
		   "Bytes a local SID handled (decap: inner IP bytes; End: IPv6 bytes).", true);
}

int metrics_write(struct ctx *c, const char *dev, FILE *out, struct err *e)
{
	char(*devs)[IF_NAMESIZE] = NULL;
	struct dev_snapshot *snaps;
	size_t n = 0, taken = 0;
	int rc = 0;

	if (dev) {
		devs = calloc(1, IF_NAMESIZE);
		if (!devs)
			return errf(e, "out of memory");
		snprintf(devs[0], IF_NAMESIZE, "%s", dev);
		n = 1;
	} else if (dp_list(c, &devs, &n, e)) {
		return -1;
	}
	snaps = calloc(n ? n : 1, sizeof(*snaps));
	if (!snaps) {
		free(devs);
		return errf(e, "out of memory");
	}
	for (; taken < n && rc == 0; taken++)
		rc = snapshot_take(c, devs[taken], &snaps[taken], e);
	if (rc == 0)
		render(out, snaps, n);
	for (size_t i = 0; i < taken; i++)
		snapshot_free(&snaps[i]);
	free(snaps);
	free(devs);
	return rc;
}
