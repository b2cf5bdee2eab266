/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A tiny HTTP/1.1 server on 127.0.0.1 for the unit tests of the HTTP client and
 * sync: a thread accepts connections (keep-alive) and asks a callback how to
 * answer each request. Counts requests per path and connections accepted.
 */
#ifndef SRV6_TEST_HTTP_SERVER_H
#define SRV6_TEST_HTTP_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

enum uts_action {
	UTS_ANSWER,       /* status + body (+ content type) */
	UTS_CLOSE,        /* close the connection without answering */
	UTS_SLOW,         /* sleep delay_ms, then answer */
	UTS_HUGE,         /* announce and stream `huge` bytes of 'x' */
	UTS_TRUNCATE,     /* announce the body's length, send half, close */
};

struct uts_reply {
	enum uts_action action;
	int status;
	const char *body; /* NUL-terminated; body_len overrides when non-zero */
	size_t body_len;
	const char *content_type;
	unsigned int delay_ms;
	size_t huge;
};

/* Request target ("/path?query") and headers (raw, CRLF separated). n counts
 * requests to the same path (without query) so far, from 1. */
typedef void (*uts_handler)(const char *target, const char *headers, unsigned int n, void *arg,
			    struct uts_reply *reply);

struct uts_server {
	int fd;
	int port;
	pthread_t thread;
	uts_handler handler;
	void *arg;
	pthread_mutex_t lock;
	unsigned int connections; /* accepted so far */
	unsigned int requests;    /* answered or refused so far */
	struct { char path[256]; unsigned int n; } paths[64];
	size_t npaths;
	bool stopping;
	struct uts_conn *conns; /* open connections, for uts_stop */
};

/* Start listening on 127.0.0.1 (a free port) and serve in a thread. */
void uts_start(struct uts_server *s, uts_handler handler, void *arg);

/* Close every connection and join every thread (a test's .fini). */
void uts_stop(struct uts_server *s);

/* Requests seen for path (without query). */
unsigned int uts_count(struct uts_server *s, const char *path);

/* "http://127.0.0.1:PORT" + suffix, in buf. */
const char *uts_url(const struct uts_server *s, const char *suffix, char *buf, size_t len);

/* A port where nothing listens (bound, then closed). */
int uts_closed_port(void);

#endif
