// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/net/http.c: parallel GETs, keep-alive, timeouts, size cap and the retry policy. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net/http.h"
#include "http_server.h"
#include "unit_helpers.h"

/* Paths the test server knows:
 *   /ok/N          200, body "answer N"
 *   /flaky         503 for the first two requests, then 200 "recovered"
 *   /s503, /s500   always that status ({"detail":"busy"})
 *   /s404, /s422   always that status
 *   /slow          answers after 4 s (tests use a shorter timeout)
 *   /close         closes the connection without answering
 *   /huge          announces and sends 1 MiB
 *   /cut           announces 40 bytes, sends 20, closes
 *   /header        echoes the X-Test request header */
static void handler(const char *target, const char *headers, unsigned int n, void *arg,
		    struct uts_reply *r)
{
	static __thread char buf[256];

	(void)arg;
	if (!strncmp(target, "/ok/", 4)) {
		snprintf(buf, sizeof(buf), "answer %s", target + 4);
		r->body = buf;
	} else if (!strcmp(target, "/flaky")) {
		r->status = n <= 2 ? 503 : 200;
		r->body = n <= 2 ? "{\"detail\":\"busy\"}" : "recovered";
	} else if (!strcmp(target, "/s503") || !strcmp(target, "/s500")) {
		r->status = atoi(target + 2);
		r->body = "{\"detail\":\"busy\"}";
	} else if (!strcmp(target, "/s404") || !strcmp(target, "/s422")) {
		r->status = atoi(target + 2);
		r->body = "{\"detail\":\"no\"}";
	} else if (!strcmp(target, "/slow")) {
		r->action = UTS_SLOW;
		r->delay_ms = 4000;
		r->body = "late";
	} else if (!strcmp(target, "/close")) {
		r->action = UTS_CLOSE;
	} else if (!strcmp(target, "/huge")) {
		r->action = UTS_HUGE;
		r->huge = 1 << 20;
	} else if (!strcmp(target, "/cut")) {
		r->action = UTS_TRUNCATE;
		r->body = "0123456789012345678901234567890123456789";
	} else if (!strcmp(target, "/header")) {
		const char *h = strcasestr(headers, "\r\nX-Test:");
		size_t len = h ? strcspn(h + 9, "\r") : 0;

		snprintf(buf, sizeof(buf), "%.*s", (int)len, h ? h + 9 : "");
		r->body = buf;
	} else {
		r->status = 404;
		r->body = "{\"detail\":\"Not Found\"}";
	}
}

static struct uts_server srv;

static void setup(void)
{
	uts_start(&srv, handler, NULL);
}

static void teardown(void)
{
	uts_stop(&srv);
}

TestSuite(http, .init = setup, .fini = teardown);

static struct http_opts opts(void)
{
	return (struct http_opts){
		.concurrency = 4,
		.connect_timeout_ms = 5000,
		.timeout_ms = 5000,
		.retries = 2,
		.backoff_ms = 5,
		.max_body = 64 << 10,
	};
}

/* What the callback saw, per request. */
struct seen {
	unsigned int calls;
	long status;
	char body[256];
	char error[256];
	unsigned int attempts;
};

static int record(struct http_req *r, void *arg, struct err *e)
{
	struct seen *s = (struct seen *)arg + (size_t)r->user;

	(void)e;
	s->calls++;
	s->status = r->status;
	s->attempts = r->attempts;
	snprintf(s->body, sizeof(s->body), "%s", r->body);
	snprintf(s->error, sizeof(s->error), "%s", r->error);
	return 0;
}

/* One request to path with policy, run to completion. */
static struct seen one(const char *path, enum http_retry retry, const struct http_opts *o)
{
	struct seen seen[1] = { { 0 } };
	char url[128];
	struct http_req req = { .url = uts_url(&srv, path, url, sizeof(url)), .retry = retry };
	struct err e = { "" };

	cr_assert_eq(http_run(o, &req, 1, record, seen, &e), 0, "%s", e.msg);
	cr_assert_eq(seen[0].calls, 1, "callback called %u times", seen[0].calls);
	cr_assert_null(req.body, "the body is freed after the callback");
	return seen[0];
}

Test(http, parallel_requests_each_answered_once_over_kept_alive_connections)
{
	enum { N = 40 };
	struct http_req reqs[N];
	struct seen seen[N];
	char urls[N][64];
	struct http_opts o = opts();
	struct err e = { "" };

	memset(reqs, 0, sizeof(reqs));
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < N; i++) {
		char path[16];

		snprintf(path, sizeof(path), "/ok/%zu", i);
		reqs[i].url = uts_url(&srv, path, urls[i], sizeof(urls[i]));
		reqs[i].user = (void *)i;
	}
	cr_assert_eq(http_run(&o, reqs, N, record, seen, &e), 0, "%s", e.msg);
	for (size_t i = 0; i < N; i++) {
		char want[32];

		snprintf(want, sizeof(want), "answer %zu", i);
		cr_assert_eq(seen[i].calls, 1, "request %zu: %u callbacks", i, seen[i].calls);
		cr_assert_eq(seen[i].status, 200);
		cr_assert_str_eq(seen[i].body, want);
		cr_assert_eq(seen[i].attempts, 1);
	}
	/* Keep-alive: 40 requests over at most 4 connections (one per slot). */
	cr_assert_leq(srv.connections, 4, "%u connections for %d requests", srv.connections, N);
}

Test(http, idempotent_requests_are_retried_on_5xx)
{
	struct http_opts o = opts();
	struct seen s = one("/flaky", HTTP_RETRY_IDEMPOTENT, &o);

	cr_assert_eq(s.status, 200);
	cr_assert_str_eq(s.body, "recovered");
	cr_assert_eq(s.attempts, 3);
	cr_assert_eq(uts_count(&srv, "/flaky"), 3);
}

Test(http, retries_stop_at_the_limit)
{
	struct http_opts o = opts();
	struct seen s;

	o.retries = 1;
	s = one("/s503", HTTP_RETRY_IDEMPOTENT, &o);
	cr_assert_eq(s.status, 503, "the last attempt's status is reported");
	cr_assert_eq(s.attempts, 2);
	cr_assert_eq(uts_count(&srv, "/s503"), 2);
}

Test(http, state_changing_requests_are_not_retried_on_5xx)
{
	struct http_opts o = opts();
	struct seen s = one("/s500", HTTP_RETRY_UNSENT, &o);

	cr_assert_eq(s.status, 500);
	cr_assert_eq(s.attempts, 1);
	cr_assert_eq(uts_count(&srv, "/s500"), 1);
}

Test(http, client_errors_are_never_retried)
{
	struct http_opts o = opts();

	cr_assert_eq(one("/s404", HTTP_RETRY_IDEMPOTENT, &o).attempts, 1);
	cr_assert_eq(one("/s422", HTTP_RETRY_IDEMPOTENT, &o).attempts, 1);
	cr_assert_eq(uts_count(&srv, "/s404"), 1);
	cr_assert_eq(uts_count(&srv, "/s422"), 1);
}

Test(http, a_timeout_is_retried_only_when_idempotent)
{
	struct http_opts o = opts();
	struct seen s;

	/* Long enough for the request to leave even under valgrind. */
	o.timeout_ms = 1000;
	o.retries = 1;
	s = one("/slow", HTTP_RETRY_UNSENT, &o);
	cr_assert_eq(s.status, 0);
	cr_assert(strstr(s.error, "timed out"), "error \"%s\"", s.error);
	cr_assert_eq(s.attempts, 1, "the request was sent: it may have changed state");
	cr_assert_eq(uts_count(&srv, "/slow"), 1);

	s = one("/slow", HTTP_RETRY_IDEMPOTENT, &o);
	cr_assert_eq(s.attempts, 2);
	cr_assert_eq(uts_count(&srv, "/slow"), 3);
}

Test(http, a_connection_closed_without_answer_is_retried_only_when_idempotent)
{
	struct http_opts o = opts();
	struct seen s = one("/close", HTTP_RETRY_UNSENT, &o);

	cr_assert_eq(s.status, 0);
	cr_assert_neq(s.error[0], '\0');
	/* libcurl itself retries once on a connection that closed before any answer. */
	cr_assert_eq(s.attempts, 1);
	s = one("/close", HTTP_RETRY_IDEMPOTENT, &o);
	cr_assert_eq(s.attempts, 3);
}

Test(http, an_unreachable_server_is_retried_with_either_policy)
{
	struct http_opts o = opts();
	struct http_req req = { .retry = HTTP_RETRY_UNSENT };
	struct seen seen[1] = { { 0 } };
	struct err e = { "" };
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok/1", uts_closed_port());
	req.url = url;
	cr_assert_eq(http_run(&o, &req, 1, record, seen, &e), 0, "%s", e.msg);
	cr_assert_eq(seen[0].status, 0);
	cr_assert_eq(seen[0].attempts, 3, "nothing was sent: safe to retry");
	cr_assert(strstr(seen[0].error, "onnect"), "error \"%s\"", seen[0].error);
}

Test(http, answers_beyond_the_cap_fail_and_are_not_retried)
{
	struct http_opts o = opts();
	struct seen s = one("/huge", HTTP_RETRY_IDEMPOTENT, &o);

	cr_assert_eq(s.status, 0);
	cr_assert(strstr(s.error, "answer larger than 65536 bytes"), "error \"%s\"", s.error);
	cr_assert_eq(s.attempts, 1);
}

Test(http, a_cut_answer_is_an_error)
{
	struct http_opts o = opts();
	struct seen s;

	o.retries = 0;
	s = one("/cut", HTTP_RETRY_IDEMPOTENT, &o);
	cr_assert_eq(s.status, 0);
	cr_assert_neq(s.error[0], '\0');
}

Test(http, the_extra_header_is_sent)
{
	struct http_opts o = opts();
	struct seen s;

	o.header = "X-Test: token 123";
	s = one("/header", HTTP_RETRY_IDEMPOTENT, &o);
	cr_assert_str_eq(s.body, " token 123");
}

static int stop_at_first(struct http_req *r, void *arg, struct err *e)
{
	(*(unsigned int *)arg)++;
	return errf(e, "stop at %s", r->url);
}

Test(http, a_failing_callback_stops_the_run)
{
	enum { N = 10 };
	struct http_req reqs[N];
	char urls[N][64];
	struct http_opts o = opts();
	struct err e = { "" };
	unsigned int calls = 0;

	o.concurrency = 1;
	memset(reqs, 0, sizeof(reqs));
	for (size_t i = 0; i < N; i++)
		reqs[i].url = uts_url(&srv, "/ok/x", urls[i], sizeof(urls[i]));
	cr_assert_eq(http_run(&o, reqs, N, stop_at_first, &calls, &e), -1);
	cr_assert_eq(calls, 1);
	cr_assert(strstr(e.msg, "stop at http://127.0.0.1:"), "%s", e.msg);
	cr_assert_eq(uts_count(&srv, "/ok/x"), 1, "no request starts after the failure");
	for (size_t i = 0; i < N; i++)
		cr_assert_null(reqs[i].body);
}

Test(http, nothing_to_do)
{
	struct http_opts o = opts();
	struct err e = { "" };

	cr_assert_eq(http_run(&o, NULL, 0, record, NULL, &e), 0);
}

Test(http_text, header_validation)
{
	cr_assert(http_header_valid("Authorization: Bearer abc"));
	cr_assert(http_header_valid("X-Token:abc"));
	cr_assert_not(http_header_valid("no colon"));
	cr_assert_not(http_header_valid(": value"));
	cr_assert_not(http_header_valid("Bad Name: v"));
	cr_assert_not(http_header_valid("X-A: line\r\nX-B: injected"));
}

Test(http_text, query_escape)
{
	char buf[64];

	cr_assert_eq(http_query_escape("hosts/host00", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "hosts%2Fhost00");
	cr_assert_eq(http_query_escape("a b&c=d~e.f_g-h", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "a%20b%26c%3Dd~e.f_g-h");
	cr_assert_eq(http_query_escape("\xc3\xa9", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "%C3%A9");
	cr_assert_eq(http_query_escape("hosts/host00", buf, 10), -1, "too small a buffer fails");
}
