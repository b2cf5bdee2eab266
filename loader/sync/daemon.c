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
#include "platform/platform.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "util/addr.h"
#include "util/array.h"
#include "util/clock.h"
#include "platform/datapath.h"
#include "util/log.h"
#include "util/prom.h"
#include "device/metrics.h"
#include "device/route.h"
#include "net/metrics_http.h"
#include "plan/plan.h"
#include "probe/prober.h"
#include "sync.h"
#include "util/sys.h"

#define BACKOFF_FIRST 1 /* seconds after the first failure, doubling up to the interval */

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
		    "Peer addresses the last successful sync changed or left alone.");
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
		gauge(out, "srv6_bpf_plan_avoided_links",
		      "Links the prober found dead that the last plan went around.", d->dev,
		      (double)d->last.avoided);
	}
}

static int render(FILE *out, void *arg)
{
	struct daemon_state *d = arg;
	struct err e;
	/* The kernel platform has no datapath counters: the daemon's own only. */
	int rc = d->metrics_ctx->ops->datapath ?
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
			  "dev=%s source=%s peers=%zu addresses=%zu added=%zu replaced=%zu unchanged=%zu removed=%zu duration_ms=%.0f program_ms=%.1f%s",
			  o->dev, r.source, r.peers, r.addresses, r.counts.added, r.counts.replaced,
			  r.counts.unchanged, r.counts.removed, took * 1000, r.program_s * 1000,
			  !r.has_plan ? ""
			  : r.plan_max_load > r.plan_lower_bound ? " plan=above-lower-bound"
								 : " plan=optimal");
	} else {
		++*failures;
		log_event(LOG_LEVEL_ERROR, "sync",
			  "dev=%s failures=%u kept the last good state: %s", o->dev, *failures, e.msg);
	}
}

/* Signals are taken synchronously: blocked here, before the server's thread
 * exists (it inherits the mask), and waited for in the loop. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* The metrics server, with its own netlink socket in mctx. */
static int metrics_start(struct ctx *mctx, struct daemon_state *d, const char *addr,
			 struct metrics_http **srv, struct err *e)
{
	struct metrics_http_ops ops = { .render = render, .ready = ready, .arg = d };

	if (nlx_open(&mctx->nl, e))
		return -1;
	d->metrics_ctx = mctx;
	if (metrics_http_start(srv, addr, &ops, e)) {
		d->metrics_ctx = NULL;
		nlx_close(&mctx->nl);
		return -1;
	}
	return 0;
}

/* Sync, wait (the interval, or less after failures), until SIGTERM or SIGINT. */
static void sync_loop(struct ctx *c, struct sync_opts *o, const struct daemon_opts *r,
		      struct daemon_state *d, const sigset_t *set, struct plan_prev **prev,
		      struct prober *prober)
{
	unsigned int failures = 0;

	for (;;) {
		struct suspects avoid;
		double delay;
		int sig;

		/* Out of memory: this sync plans with every link. */
		o->avoid = probe_suspects(prober, &avoid) == 0 ? &avoid : NULL;
		sync_and_record(c, o, d, &failures, prev);
		o->avoid = NULL;
		suspects_free(&avoid);
		delay = r->interval;
		if (failures) {
			unsigned int shift = failures - 1 < 16 ? failures - 1 : 16;
			double backoff = (double)(BACKOFF_FIRST << shift);

			delay = backoff < delay ? backoff : delay;
		}
		sig = wait_signal(set, delay);
		if (sig == SIGHUP) {
			log_event(LOG_LEVEL_INFO, "sighup", "dev=%s sync now", o->dev);
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT) {
			log_event(LOG_LEVEL_INFO, "stop", "dev=%s signal=%s", o->dev,
				  sig == SIGTERM ? "TERM" : "INT");
			return;
		}
	}
}

/* The prober, in a thread of its own with its own netlink socket. */
struct daemon_prober {
	struct ctx c;
	struct probe_opts o;
	struct prober *prober;
	pthread_t thread;
	int stop; /* eventfd */
	bool running;
};

static void *prober_main(void *arg)
{
	struct daemon_prober *dp = arg;
	struct err e = { { 0 } };

	if (probe_loop(dp->prober, &e))
		log_event(LOG_LEVEL_ERROR, "probe-error", "dev=%s %s", dp->o.dev, e.msg);
	return NULL;
}

/* What can fail is checked here, before the daemon starts (one line). */
static int prober_start(struct ctx *c, const struct sync_opts *o, const struct daemon_opts *r,
			struct daemon_prober *dp, struct err *e)
{
	int err;

	*dp = (struct daemon_prober){ .c = *c, .stop = -1 };
	dp->o = (struct probe_opts){ .dev = o->dev, .interval_ms = r->probe_interval_ms,
				     .loss = PROBE_LOSS_DEFAULT, .recover = PROBE_RECOVER_DEFAULT,
				     .max_rate = r->probe_max_rate, .has_function = o->has_function,
				     .function = o->function };
	if (nlx_open(&dp->c.nl, e))
		return -1;
	dp->stop = eventfd(0, EFD_CLOEXEC);
	dp->o.stop_fd = dp->stop;
	if (dp->stop < 0)
		err = errf(e, "cannot start the prober: %s", strerror(errno));
	else
		err = probe_open(&dp->c, &dp->o, &dp->prober, e);
	if (!err && (err = pthread_create(&dp->thread, NULL, prober_main, dp)))
		err = errf(e, "cannot start the prober: %s", strerror(err));
	if (err) {
		probe_close(dp->prober);
		if (dp->stop >= 0)
			close(dp->stop);
		nlx_close(&dp->c.nl);
		return -1;
	}
	dp->running = true;
	return 0;
}

static void prober_stop(struct daemon_prober *dp)
{
	__u64 one = 1;

	if (!dp->running)
		return;
	(void)!write(dp->stop, &one, sizeof(one));
	pthread_join(dp->thread, NULL);
	probe_close(dp->prober);
	close(dp->stop);
	nlx_close(&dp->c.nl);
}

int daemon_run(struct ctx *c, struct sync_opts *o, const struct daemon_opts *r, struct err *e)
{
	struct daemon_state d = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct metrics_http *srv = NULL;
	struct ctx mctx = *c;
	struct daemon_prober prober = { .running = false };
	struct plan_prev *prev = NULL;
	sigset_t set;
	int rc = 0;

	o->keep_plan = true; /* each plan stays close to the last one */
	d.dev = o->dev;
	if (c->ops->dev_ensure(c, o->dev, e))
		return -1;
	block_signals(&set);
	if (r->metrics && metrics_start(&mctx, &d, r->metrics, &srv, e))
		return -1;
	if (r->probe_interval_ms && prober_start(c, o, r, &prober, e)) {
		metrics_http_stop(srv);
		if (d.metrics_ctx)
			nlx_close(&mctx.nl);
		return -1;
	}
	o->memo = route_memo_new(); /* NULL (no memory): every sync reads every peer */
	log_event(LOG_LEVEL_INFO, "start", "dev=%s interval=%us metrics=%s cleanup_on_exit=%s",
		  o->dev, r->interval, r->metrics ? r->metrics : "off", r->cleanup ? "yes" : "no");
	sync_loop(c, o, r, &d, &set, &prev, prober.running ? prober.prober : NULL);
	prober_stop(&prober);
	metrics_http_stop(srv);
	plan_prev_free(prev);
	route_memo_free(o->memo);
	o->memo = NULL;
	if (d.metrics_ctx)
		nlx_close(&mctx.nl);
	if (r->cleanup && c->ops->dev_release) {
		rc = c->ops->dev_release(c, o->dev, e);
		if (rc == 0)
			log_event(LOG_LEVEL_INFO, "unload", "dev=%s datapath removed", o->dev);
	} else {
		log_event(LOG_LEVEL_INFO, "exit", "dev=%s datapath left in place", o->dev);
	}
	return rc;
}
