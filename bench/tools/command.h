/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What the bench tools that time a command share. */
#ifndef SRV6_BENCH_COMMAND_H
#define SRV6_BENCH_COMMAND_H

/* Run argv[0] with argv and wait: its exit status, 128 when a signal ended it,
 * 127 when it could not run (one line naming tool), -1 when fork or wait failed. */
int bench_run_command(const char *tool, char **argv);

struct cJSON;
/* root printed to path (stdout when NULL), a newline after it; 0, or -1 with
 * one line naming tool. */
int bench_json_write(const char *tool, const char *path, const struct cJSON *root);

#endif
