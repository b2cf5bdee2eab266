// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * prog-time: the run time of given BPF programs while COMMAND runs. BPF
 * run-time statistics are turned on for the duration by BPF_ENABLE_STATS (held
 * by a file descriptor, so they end with this process and the
 * kernel.bpf_stats_enabled sysctl is left alone); each program's run_cnt and
 * run_time_ns are read before and after.
 *
 *   prog-time [--prog ID]... [--json FILE] -- COMMAND [ARGS...]
 *
 * Unlike live-stats, nothing is attached: the caller decides what runs where
 * (bench/insitu attaches srv6_encap, an empty program or variants in turn).
 */
#include "command.h"
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <cjson/cJSON.h>

#define MAX_PROGS 8

struct prog {
	__u32 id;
	int fd;
	char name[BPF_OBJ_NAME_LEN];
	__u64 time0, cnt0, time1, cnt1;
};

static int prog_read(struct prog *p, __u64 *run_time_ns, __u64 *run_cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(p->fd, &info, &len)) {
		fprintf(stderr, "prog-time: cannot read program %u: %s\n", p->id, strerror(errno));
		return -1;
	}
	memcpy(p->name, info.name, sizeof(p->name));
	*run_time_ns = info.run_time_ns;
	*run_cnt = info.run_cnt;
	return 0;
}

static int write_json(const char *path, const struct prog *progs, int n, int status)
{
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "programs");
	int rc;

	for (int i = 0; i < n; i++) {
		const struct prog *p = &progs[i];
		cJSON *j = cJSON_CreateObject();
		__u64 runs = p->cnt1 - p->cnt0, ns = p->time1 - p->time0;

		cJSON_AddNumberToObject(j, "id", p->id);
		cJSON_AddStringToObject(j, "name", p->name);
		cJSON_AddNumberToObject(j, "runs", (double)runs);
		cJSON_AddNumberToObject(j, "run_time_ns", (double)ns);
		if (runs)
			cJSON_AddNumberToObject(j, "ns_per_run", (double)ns / (double)runs);
		else
			cJSON_AddNullToObject(j, "ns_per_run");
		cJSON_AddItemToArray(arr, j);
	}
	cJSON_AddNumberToObject(root, "status", status);
	rc = bench_json_write("prog-time", path, root);
	cJSON_Delete(root);
	return rc;
}

static void usage(FILE *f)
{
	fputs("Usage: prog-time [--prog ID]... [--json FILE] -- COMMAND [ARGS...]\n"
	      "Runs COMMAND with BPF run-time statistics on and reports, for each program\n"
	      "ID (up to 8), its runs and run time meanwhile (JSON, to FILE or stdout).\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "prog", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct prog progs[MAX_PROGS];
	const char *json_path = NULL;
	int c, n = 0, stats_fd = -1, status, rc = 1;

	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': {
			char *end;
			unsigned long id;

			errno = 0;
			id = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !id || id > UINT32_MAX || n == MAX_PROGS) {
				fprintf(stderr, "prog-time: bad --prog %s (a program id; at most %d)\n",
					optarg, MAX_PROGS);
				return 1;
			}
			progs[n++] = (struct prog){ .id = (__u32)id, .fd = -1 };
			break;
		}
		case 'j': json_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		progs[i].fd = bpf_prog_get_fd_by_id(progs[i].id);
		if (progs[i].fd < 0) {
			fprintf(stderr, "prog-time: no program %u: %s\n", progs[i].id, strerror(errno));
			goto out;
		}
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "prog-time: cannot enable BPF run-time statistics: %s\n",
			strerror(errno));
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (prog_read(&progs[i], &progs[i].time0, &progs[i].cnt0))
			goto out;
	status = bench_run_command("prog-time", argv + optind);
	for (int i = 0; i < n; i++)
		if (prog_read(&progs[i], &progs[i].time1, &progs[i].cnt1))
			goto out;
	if (status) {
		fprintf(stderr, "prog-time: %s exited with status %d\n", argv[optind], status);
		goto out;
	}
	rc = write_json(json_path, progs, n, status) ? 1 : 0;
out:
	if (stats_fd >= 0)
		close(stats_fd);
	for (int i = 0; i < n; i++)
		if (progs[i].fd >= 0)
			close(progs[i].fd);
	return rc;
}
