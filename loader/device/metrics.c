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

/* A path's labels: dev, peer, path (its index) and segs (SID,SID,...). */
struct path_labels {
	char peer[ADDR_STR_LEN], index[16], segs[ADDR_SEGS_STR_LEN];
	struct prom_label l[4];
};

static const struct prom_label *path_labels(const struct dev_snapshot *s, size_t i, unsigned int p,
					    struct path_labels *pl)
{
	addr_segs_str(&s->peers[i].value.paths[p], pl->segs);
	snprintf(pl->index, sizeof(pl->index), "%u", p);
	pl->l[0] = (struct prom_label){ "dev", s->dev };
	pl->l[1] = (struct prom_label){ "peer", addr_key_str(&s->peers[i].key, pl->peer) };
	pl->l[2] = (struct prom_label){ "path", pl->index };
	pl->l[3] = (struct prom_label){ "segs", pl->segs };
	return pl->l;
}

/* A per-path family's samples: value(snapshot, peer i, path p, arg) for every
 * path of every device; without value, the probe RTT summary's _sum and _count. */
typedef unsigned long long path_value_fn(const struct dev_snapshot *s, size_t i, unsigned int p,
					 size_t arg);

static void path_samples(FILE *out, const struct dev_snapshot *s, size_t n, const char *name,
			 path_value_fn *value, size_t arg)
{
	char sum[96], count[96];

	snprintf(sum, sizeof(sum), "%s_sum", name);
	snprintf(count, sizeof(count), "%s_count", name);
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < s[d].npeers; i++)
			for (unsigned int p = 0; p < s[d].peers[i].value.path_count && p < SRV6_MAX_PATHS; p++) {
				const struct srv6_path_state *st = &s[d].path_state[i];
				struct path_labels pl;
				const struct prom_label *l = path_labels(&s[d], i, p, &pl);

				if (value) {
					prom_sample_u64(out, name, l, ARRAY_SIZE(pl.l), value(&s[d], i, p, arg));
					continue;
				}
				prom_sample_double(out, sum, l, ARRAY_SIZE(pl.l), (double)st->rtt_ns_sum[p] / 1e9);
				prom_sample_u64(out, count, l, ARRAY_SIZE(pl.l), st->probes_answered[p]);
			}
}

static unsigned long long path_counter(const struct dev_snapshot *s, size_t i, unsigned int p,
				       size_t offset)
{
	return *(const __u64 *)((const char *)&s->path_ctrs[i][p] + offset);
}

static unsigned long long path_up(const struct dev_snapshot *s, size_t i, unsigned int p, size_t arg)
{
	(void)arg;
	return !((s->path_state[i].down_mask >> p) & 1u);
}

static unsigned long long path_changes(const struct dev_snapshot *s, size_t i, unsigned int p,
				       size_t arg)
{
	(void)arg;
	return s->path_state[i].changes[p];
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

/* One per-path counter family: the counter at offset in srv6_path_counters. */
static void path_family(FILE *out, const struct dev_snapshot *s, size_t n, const char *name,
			const char *help, size_t offset)
{
	prom_family(out, name, "counter", help);
	path_samples(out, s, n, name, path_counter, offset);
}

/* The liveness families: whether each path is up, its state changes and its
 * probes' round trips (a summary: _sum in seconds, _count). */
static void path_state_families(FILE *out, const struct dev_snapshot *s, size_t n)
{
	prom_family(out, "srv6_bpf_path_up", "gauge",
		    "1 while a path is live, 0 while its flows fail over.");
	path_samples(out, s, n, "srv6_bpf_path_up", path_up, 0);
	prom_family(out, "srv6_bpf_path_state_changes_total", "counter",
		    "Times the prober took a path down or up.");
	path_samples(out, s, n, "srv6_bpf_path_state_changes_total", path_changes, 0);
	prom_family(out, "srv6_bpf_path_probe_rtt_seconds", "summary",
		    "Round trips of the path's answered probes.");
	path_samples(out, s, n, "srv6_bpf_path_probe_rtt_seconds", NULL, 0);
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
	path_state_families(out, s, n);

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
