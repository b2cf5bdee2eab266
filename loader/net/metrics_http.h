/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's HTTP endpoint (libmicrohttpd, its own thread): /metrics in the
 * Prometheus text format, /healthz (the process answers) and /readyz (the last
 * sync succeeded).
 */
#ifndef SRV6_METRICS_HTTP_H
#define SRV6_METRICS_HTTP_H

#include <stdbool.h>
#include <stdio.h>
#include "util/err.h"

struct metrics_http;

struct metrics_http_ops {
	/* Write the exposition to out; non-zero makes the answer a 500. Called
	 * from the server's thread: it must lock what it shares. */
	int (*render)(FILE *out, void *arg);
	bool (*ready)(void *arg);
	void *arg;
};

/* listen is "ADDR:PORT", "[IPv6]:PORT" or ":PORT" (every address). */
int metrics_http_start(struct metrics_http **srv, const char *listen,
		       const struct metrics_http_ops *ops, struct err *e);
void metrics_http_stop(struct metrics_http *srv);

/* Parse listen into a socket address (exposed for tests). */
int metrics_listen_parse(const char *listen, void *sockaddr, unsigned int *len, struct err *e);

#endif
