/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Seconds on a clock, for durations (CLOCK_MONOTONIC) and timestamps (CLOCK_REALTIME). */
#ifndef SRV6_CLOCK_H
#define SRV6_CLOCK_H

#include <time.h>

static inline double now_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
