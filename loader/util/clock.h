/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Time on a clock: durations (CLOCK_MONOTONIC), timestamps (CLOCK_REALTIME), and
 * path states (CLOCK_BOOTTIME, the clock bpf_ktime_get_boot_ns reads). */
#ifndef SRV6_CLOCK_H
#define SRV6_CLOCK_H

#include <time.h>

static inline double now_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline unsigned long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

#endif
