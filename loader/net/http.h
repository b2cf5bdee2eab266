/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * HTTP GETs in parallel with libcurl's multi interface: bounded concurrency,
 * keep-alive connections, connect and total timeouts, capped answer size, and
 * retries with backoff only where repeating the request cannot do harm.
 */
#ifndef SRV6_HTTP_H
#define SRV6_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct http_opts {
	unsigned int concurrency; /* requests in flight at once, >= 1 */
	long connect_timeout_ms;  /* TCP (and TLS) connect, per attempt */
	long timeout_ms;          /* the whole request, per attempt */
	unsigned int retries;     /* further attempts after the first */
	long backoff_ms;          /* delay before the first retry; doubles, capped at 8x */
	const char *cacert;       /* CA bundle for https; NULL: the system's */
	const char *header;       /* one extra "Name: value" header, or NULL */
	size_t max_body;          /* a longer answer fails */
};

/* What a failed attempt may be followed by. */
enum http_retry {
	/* Read-only request: retry timeouts, transport errors and 5xx. */
	HTTP_RETRY_IDEMPOTENT,
	/* The request changes server state (Jalapeño's shortest_path/load): retry
	 * only when no byte of it reached the server (resolve or connect failed,
	 * connect timed out). A timeout or 5xx after sending may have changed
	 * state already, so it is final. */
	HTTP_RETRY_UNSENT,
};

struct http_req {
	const char *url;       /* in */
	enum http_retry retry; /* in */
	void *user;            /* in: for the caller's callback */

	long status;           /* HTTP status of the final attempt; 0 if none arrived */
	char *body;            /* the answer, NUL-terminated (may contain NULs) */
	size_t len;
	unsigned int attempts;
	char error[256];       /* set when no complete answer arrived */
};

/*
 * Called once per request when it is final (answer or given up). Return 0 to go
 * on; -1 (with e filled) stops: no further request is started, those in flight
 * are abandoned, and http_run returns -1. The body may be kept (set req->body
 * to NULL after taking it) or is freed after the call.
 */
typedef int (*http_done_fn)(struct http_req *req, void *arg, struct err *e);

/* Run reqs[0..n) with o; started in array order. */
int http_run(const struct http_opts *o, struct http_req *reqs, size_t n, http_done_fn done,
	     void *arg, struct err *e);

/* Check an extra header "Name: value" (token name, printable value). */
bool http_header_valid(const char *header);

/* Append text to buf as a URL query value (RFC 3986 unreserved kept). */
int http_query_escape(const char *text, char *buf, size_t len);

#endif
