/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What the bench tools that time a command share. */
#ifndef SRV6_BENCH_COMMAND_H
#define SRV6_BENCH_COMMAND_H

/* Run argv[0] with argv and wait: its exit status, 128 when a signal ended it,
 * 127 when it could not run (one line naming tool), -1 when fork or wait failed. */
int bench_run_command(const char *tool, char **argv);

#endif
