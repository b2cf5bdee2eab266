/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The daemon's log: one line per event on stderr, with a UTC timestamp and a
 * level, in key=value form that journald and `kubectl logs` keep as is. */
#ifndef SRV6_LOG_H
#define SRV6_LOG_H

enum log_level {
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
};

/* "2026-11-24T12:00:00.000Z level=info event=EVENT <fmt...>" */
void log_event(enum log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
