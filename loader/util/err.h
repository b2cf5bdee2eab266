/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* One error, one line: functions fill a struct err and return -1; main prints it. */
#ifndef SRV6_ERR_H
#define SRV6_ERR_H

#include <stddef.h>

#define ERR_LEN 512

struct err {
	char msg[ERR_LEN];
};

/* Formats the message (no trailing newline) and returns -1. */
int errf(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Puts "prefix: " in front of an existing message (e.g. "peers.txt:12"). */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
