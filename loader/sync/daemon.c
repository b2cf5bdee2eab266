// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `srv6-bpf run`: load if needed, sync, then re-sync every interval and on
 * SIGHUP. A failed sync (API down, a bad answer, a timeout) changes nothing:
 * the last good state stays programmed, the error is logged and counted, and
 * the next attempt backs off. SIGTERM/SIGINT end the loop; the datapath stays
 * pinned unless --cleanup-on-exit, and a restarted daemon adopts it without
 * touching traffic (load keeps the pins, sync leaves unchanged peers alone).
 */
#include "daemon.h"
#include "device/sid.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util/addr.h"
#include "util/array.h"
#include "util/clock.h"
#include "platform/datapath.h"
#include "util/log.h"
#include "util/prom.h"
#include "device/metrics.h"
#include "net/metrics_http.h"
#include "plan/plan.h"
#include "sync.h"
#include "util/sys.h"

#define INTERVAL_DEFAULT 30
#define INTERVAL_MAX 86400
#define BACKOFF_FIRST 1 /* seconds after the first failure, doubling up to the interval */

const char usage_run[] =
	"Usage: srv6-bpf run dev DEV [SYNC OPTIONS] [--interval S] [--metrics ADDR:PORT]\n"
	"                    [--cleanup-on-exit]\n"
	"\n"
	"The daemon: load the datapath on DEV if it is not loaded (defaults; run\n"
	"`srv6-bpf load` first for other options), sync, then sync again every\n"
	"interval and on SIGHUP. SYNC OPTIONS are those of `srv6-bpf sync --help`.\n"
	"  --interval S          seconds between syncs, 1-86400 (default 30)\n"
	"  --metrics ADDR:PORT   serve /metrics (Prometheus), /healthz and /readyz, e.g.\n"
	"                        :9536, 0.0.0.0:9536 or [::]:9536\n"
	"  --cleanup-on-exit     unload DEV on SIGTERM/SIGINT (default: leave it pinned,\n"
	"                        so traffic keeps its paths and a restart adopts them)\n"
	"A failed sync keeps the last good state, is logged and counted, and is retried\n"
	"after 1, 2, 4, ... seconds (at most the interval). Logs: one line per event\n"
	"on stderr.\n";

/* What /metrics and /readyz report; written by the loop, read by the server. */
struct daemon_state {
	pthread_mutex_t lock;
	struct ctx *metrics_ctx; /* the server thread's own netlink socket */
	const char *dev;
	unsigned long long syncs_ok, syncs_error;
	double last_time, last_success_time, last_duration;
	bool synced, last_ok;
	struct sync_report last; /* of the last successful sync */
};

/* A gauge family with its one sample, {dev="DEV"}. */
static void gauge(FILE *out, const char *name, const char *help, const char *dev, double value)
{
	const struct prom_label l[] = { { "dev", dev } };

	prom_family(out, name, "gauge", help);
	prom_sample_double(out, name, l, ARRAY_SIZE(l), value);
}

/* What the last successful sync did: peers by change, and the plan's loads. */
static void render_last_sync(FILE *out, const struct daemon_state *d)
{
	static const char *const changes[] = { "added", "replaced", "unchanged", "removed" };
	const size_t counts[] = { d->last.counts.added, d->last.counts.replaced,
				  d->last.counts.unchanged, d->last.counts.removed };

	gauge(out, "srv6_bpf_sync_last_success_timestamp_seconds",
	      "When the last successful sync ended (Unix time).", d->dev, d->last_success_time);
	prom_family(out, "srv6_bpf_sync_peers", "gauge",
		    "Peers the last successful sync changed or left alone.");
	for (size_t i = 0; i < ARRAY_SIZE(changes); i++) {
		const struct prom_label l[] = { { "dev", d->dev }, { "change", changes[i] } };

		prom_sample_u64(out, "srv6_bpf_sync_peers", l, ARRAY_SIZE(l), counts[i]);
	}
	if (d->last.has_plan) {
		gauge(out, "srv6_bpf_plan_max_link_load",
		      "Busiest link's load in the plan (flows per unit of capacity).", d->dev,
		      d->last.plan_max_load);
		gauge(out, "srv6_bpf_plan_lower_bound", "The lowest max link load any plan could reach.",
		      d->dev, d->last.plan_lower_bound);
	}
}

static int render(FILE *out, void *arg)
{
	struct daemon_state *d = arg;
	struct err e;
	/* The kernel platform has no datapath counters: the daemon's own only. */
	int rc = d->metrics_ctx->platform == PLATFORM_BPF ?
			 metrics_write(d->metrics_ctx, d->dev, out, &e) : 0;
	struct prom_label l[] = { { "dev", d->dev }, { "result", "ok" } };

	pthread_mutex_lock(&d->lock);
	prom_family(out, "srv6_bpf_syncs_total", "counter", "Syncs the daemon ran, by result.");
	prom_sample_u64(out, "srv6_bpf_syncs_total", l, ARRAY_SIZE(l), d->syncs_ok);
	l[1].value = "error";
	prom_sample_u64(out, "srv6_bpf_syncs_total", l, ARRAY_SIZE(l), d->syncs_error);
	if (d->last_time > 0) {
		gauge(out, "srv6_bpf_sync_last_timestamp_seconds", "When the last sync ended (Unix time).",
		      d->dev, d->last_time);
		gauge(out, "srv6_bpf_sync_last_success", "1 when the last sync succeeded.", d->dev,
		      d->last_ok);
		gauge(out, "srv6_bpf_sync_duration_seconds", "How long the last sync took.", d->dev,
		      d->last_duration);
	}
	if (d->synced)
		render_last_sync(out, d);
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static bool ready(void *arg)
{
	struct daemon_state *d = arg;
	bool ok;

	pthread_mutex_lock(&d->lock);
	ok = d->synced && d->last_ok;
	pthread_mutex_unlock(&d->lock);
	return ok;
}

struct run_opts {
	unsigned int interval;
	const char *metrics;
	bool cleanup;
};

/* Take the daemon's own options out of argv; the rest are sync's. */
static int run_opts_parse(int *argc, char **argv, struct run_opts *r, struct err *e)
{
	int out = 0;
	unsigned long v;

	r->interval = INTERVAL_DEFAULT;
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--cleanup-on-exit")) {
			r->cleanup = true;
		} else if (!strcmp(argv[i], "--interval") || !strcmp(argv[i], "--metrics")) {
			if (i + 1 == *argc)
				return errf(e, "run: missing value after %s", argv[i]);
			if (argv[i][2] == 'm') {
				r->metrics = argv[++i];
			} else {
				if (parse_uint(argv[++i], 1, INTERVAL_MAX, &v))
					return errf(e, "run: invalid --interval \"%s\": give 1-%d seconds",
						    argv[i], INTERVAL_MAX);
				r->interval = (unsigned int)v;
			}
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	return 0;
}

/* Loaded already (a restart): adopt it as it is. Else load with defaults. */
static int ensure_loaded(struct ctx *c, const char *dev, struct err *e)
{
	struct load_opts lo = { .dev = dev };
	struct srv6_maps maps;
	enum load_result res;

	if (c->platform == PLATFORM_KERNEL)
		return 0;
	if (dp_open(c, dev, &maps, e) == 0) {
		srv6_maps_close(&maps);
		log_event(LOG_LEVEL_INFO, "adopt", "dev=%s pinned datapath found: kept as it is", dev);
		return 0;
	}
	if (sys_check_kernel(e) || sys_check_caps(e) ||
	    sys_check_bpffs(c->bpffs, c->bpffs_default, e) || dp_load(c, &lo, &res, e))
		return -1;
	log_event(LOG_LEVEL_INFO, "load", "dev=%s datapath loaded", dev);
	return 0;
}

/* Wait up to seconds for a signal; returns it, or 0 at the timeout. */
static int wait_signal(const sigset_t *set, double seconds)
{
	struct timespec ts = { .tv_sec = (time_t)seconds,
			       .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9) };
	int sig;

	do {
		sig = sigtimedwait(set, NULL, &ts);
	} while (sig < 0 && errno == EINTR);
	return sig < 0 ? 0 : sig;
}

/* The last plan applied: the next one stays close to it (minimal churn). */
static void keep_plan(struct sync_opts *o, struct plan_prev **prev, const char *json)
{
	cJSON *root = cJSON_Parse(json);
	struct plan_prev *next = NULL;
	struct err ignored;

	if (root && plan_prev_from_json(root, &next, &ignored) == 0) {
		plan_prev_free(*prev);
		*prev = next;
		o->previous = next;
	}
	cJSON_Delete(root);
}

static void sync_and_record(struct ctx *c, struct sync_opts *o, struct daemon_state *d,
			    unsigned int *failures, struct plan_prev **prev)
{
	double start = now_seconds(CLOCK_MONOTONIC), took;
	struct sync_report r;
	struct err e = { { 0 } };
	int rc = sync_once(c, o, &r, &e);

	took = now_seconds(CLOCK_MONOTONIC) - start;
	pthread_mutex_lock(&d->lock);
	d->last_time = now_seconds(CLOCK_REALTIME);
	d->last_duration = took;
	d->last_ok = rc == 0;
	if (rc == 0) {
		d->syncs_ok++;
		d->synced = true;
		d->last = r;
		d->last.plan_json = NULL; /* not ours to keep */
		d->last_success_time = d->last_time;
	} else {
		d->syncs_error++;
	}
	pthread_mutex_unlock(&d->lock);
	if (rc == 0) {
		*failures = 0;
		if (r.plan_json)
			keep_plan(o, prev, r.plan_json);
		free(r.plan_json);
		r.plan_json = NULL;
		log_event(LOG_LEVEL_INFO, "sync",
			  "dev=%s source=%s peers=%zu added=%zu replaced=%zu unchanged=%zu removed=%zu duration_ms=%.0f%s",
			  o->dev, r.source, r.peers, r.counts.added, r.counts.replaced,
			  r.counts.unchanged, r.counts.removed, took * 1000,
			  r.has_plan ? (r.plan_max_load > r.plan_lower_bound ? " plan=above-lower-bound"
									      : " plan=optimal")
				     : "");
	} else {
		++*failures;
		log_event(LOG_LEVEL_ERROR, "sync",
			  "dev=%s failures=%u kept the last good state: %s", o->dev, *failures, e.msg);
	}
}

int cmd_run(struct ctx *c, int argc, char **argv, struct err *e)
{
	struct daemon_state d = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct metrics_http *srv = NULL;
	struct ctx mctx = *c;
	struct sync_opts o;
	struct run_opts r = { 0 };
	struct plan_prev *prev = NULL;
	unsigned int failures = 0;
	sigset_t set;
	int rc = 0;

	if (run_opts_parse(&argc, argv, &r, e) || sync_opts_parse(argc, argv, &o, e))
		return -1;
	if (o.dry_run)
		return errf(e, "run: --dry-run is for sync, not for the daemon");
	o.keep_plan = true; /* each plan stays close to the last one */
	d.dev = o.dev;
	if (ensure_loaded(c, o.dev, e))
		return -1;

	/* Signals are taken synchronously: blocked here, before the server's
	 * thread exists (it inherits the mask), and waited for in the loop. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (r.metrics) {
		struct metrics_http_ops ops = { .render = render, .ready = ready, .arg = &d };

		if (nlx_open(&mctx.nl, e))
			return -1;
		d.metrics_ctx = &mctx;
		if (metrics_http_start(&srv, r.metrics, &ops, e)) {
			nlx_close(&mctx.nl);
			return -1;
		}
	}
	log_event(LOG_LEVEL_INFO, "start", "dev=%s interval=%us metrics=%s cleanup_on_exit=%s",
		  o.dev, r.interval, r.metrics ? r.metrics : "off", r.cleanup ? "yes" : "no");
	for (;;) {
		double delay;
		int sig;

		sync_and_record(c, &o, &d, &failures, &prev);
		delay = r.interval;
		if (failures) {
			unsigned int shift = failures - 1 < 16 ? failures - 1 : 16;
			double backoff = (double)(BACKOFF_FIRST << shift);

			delay = backoff < delay ? backoff : delay;
		}
		sig = wait_signal(&set, delay);
		if (sig == SIGHUP) {
			log_event(LOG_LEVEL_INFO, "sighup", "dev=%s sync now", o.dev);
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT) {
			log_event(LOG_LEVEL_INFO, "stop", "dev=%s signal=%s", o.dev,
				  sig == SIGTERM ? "TERM" : "INT");
			break;
		}
	}
	metrics_http_stop(srv);
	plan_prev_free(prev);
	if (d.metrics_ctx)
		nlx_close(&mctx.nl);
	if (r.cleanup && c->platform == PLATFORM_BPF) {
		rc = sid_dev_unload(c, o.dev, e);
		if (rc == 0)
			log_event(LOG_LEVEL_INFO, "unload", "dev=%s datapath removed", o.dev);
	} else {
		log_event(LOG_LEVEL_INFO, "exit", "dev=%s datapath left in place", o.dev);
	}
	return rc;
}
