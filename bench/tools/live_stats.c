// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * live-stats: ns per packet of the attached srv6_encap program under real
 * traffic. Runs COMMAND (e.g. an iperf3 client) with BPF run-time statistics on
 * (BPF_ENABLE_STATS: held by a file descriptor, so it ends with this process
 * and leaves the kernel.bpf_stats_enabled sysctl alone) and reports run_time_ns
 * / run_cnt of srv6-bpf's tc egress program on DEV.
 *
 * The statistics time each run with two clock reads. To take that out, an empty
 * program that returns TC_ACT_UNSPEC (so the packet goes on to srv6_encap) is
 * attached in front of it for the duration, and timed in the same packets: the
 * figure is the difference.
 */
#include "command.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cjson/cJSON.h>
#include <linux/pkt_cls.h>
#include "platform/datapath.h" /* SRV6_TC_HANDLE, SRV6_TC_PRIORITY */
#include "util/array.h"

#define EMPTY_HANDLE 1
#define EMPTY_PRIORITY 1 /* runs before srv6-bpf's filter */

struct prog_stats {
	__u32 id;
	__u64 run_time_ns, run_cnt;
};

static int prog_stats(int fd, struct prog_stats *s)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	s->id = info.id;
	s->run_time_ns = info.run_time_ns;
	s->run_cnt = info.run_cnt;
	return 0;
}

static int empty_prog_load(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = TC_ACT_UNSPEC },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "bench_empty", "GPL", insns,
			     ARRAY_SIZE(insns), NULL);
}

static double ns_per_run(const struct prog_stats *a, const struct prog_stats *b)
{
	__u64 runs = b->run_cnt - a->run_cnt;

	return runs ? (double)(b->run_time_ns - a->run_time_ns) / (double)runs : 0;
}

static cJSON *prog_json(const char *name, const struct prog_stats *a, const struct prog_stats *b)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "program", name);
	cJSON_AddNumberToObject(j, "prog_id", b->id);
	cJSON_AddNumberToObject(j, "runs", (double)(b->run_cnt - a->run_cnt));
	cJSON_AddNumberToObject(j, "run_time_ns", (double)(b->run_time_ns - a->run_time_ns));
	cJSON_AddNumberToObject(j, "ns_per_run", ns_per_run(a, b));
	return j;
}

static void usage(FILE *f)
{
	fputs("Usage: live-stats --dev DEV [--json FILE] -- COMMAND [ARGS...]\n"
	      "Runs COMMAND and reports the ns per run of srv6-bpf's tc egress program on DEV\n"
	      "(in this network namespace), net of an empty program timed in the same packets.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dev = NULL, *json_path = NULL;
	struct prog_stats enc0, enc1, emp0, emp1;
	int c, ifindex, enc_fd = -1, emp_fd = -1, stats_fd = -1, rc = 1, cmd_rc;
	bool attached = false;

	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'j': json_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (!dev || optind >= argc) {
		usage(stderr);
		return 1;
	}
	ifindex = (int)if_nametoindex(dev);
	if (!ifindex) {
		fprintf(stderr, "live-stats: no interface %s in this network namespace\n", dev);
		return 1;
	}

	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, ours, .handle = SRV6_TC_HANDLE, .priority = SRV6_TC_PRIORITY);
	if (bpf_tc_query(&hook, &ours) || !ours.prog_id ||
	    (enc_fd = bpf_prog_get_fd_by_id(ours.prog_id)) < 0) {
		fprintf(stderr, "live-stats: srv6-bpf is not attached to %s (run: srv6-bpf load %s)\n",
			dev, dev);
		return 1;
	}
	emp_fd = empty_prog_load();
	if (emp_fd < 0) {
		fprintf(stderr, "live-stats: cannot load the empty program: %s\n", strerror(errno));
		goto out;
	}
	LIBBPF_OPTS(bpf_tc_opts, empty, .prog_fd = emp_fd, .handle = EMPTY_HANDLE,
		    .priority = EMPTY_PRIORITY);
	if ((c = bpf_tc_attach(&hook, &empty))) {
		fprintf(stderr, "live-stats: cannot attach the empty program to %s egress: %s\n", dev,
			strerror(-c));
		goto out;
	}
	attached = true;
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "live-stats: cannot enable BPF run-time statistics: %s\n",
			strerror(errno));
		goto out;
	}
	if (prog_stats(enc_fd, &enc0) || prog_stats(emp_fd, &emp0))
		goto out;
	cmd_rc = bench_run_command("live-stats", argv + optind);
	if (prog_stats(enc_fd, &enc1) || prog_stats(emp_fd, &emp1))
		goto out;
	if (cmd_rc) {
		fprintf(stderr, "live-stats: %s exited with status %d\n", argv[optind], cmd_rc);
		goto out;
	}
	if (enc1.run_cnt == enc0.run_cnt) {
		fprintf(stderr, "live-stats: srv6_encap did not run: no traffic left through %s\n", dev);
		goto out;
	}

	fprintf(stderr, "live-stats: srv6_encap on %s: %llu runs, %.1f ns/run; empty program %.1f ns/run; net %.1f ns per packet\n",
	       dev, (unsigned long long)(enc1.run_cnt - enc0.run_cnt), ns_per_run(&enc0, &enc1),
	       ns_per_run(&emp0, &emp1), ns_per_run(&enc0, &enc1) - ns_per_run(&emp0, &emp1));
	if (json_path) {
		cJSON *root = cJSON_CreateObject();

		cJSON_AddStringToObject(root, "dev", dev);
		cJSON_AddNumberToObject(root, "ns_per_packet",
					ns_per_run(&enc0, &enc1) - ns_per_run(&emp0, &emp1));
		cJSON_AddItemToObject(root, "srv6_encap", prog_json("srv6_encap", &enc0, &enc1));
		cJSON_AddItemToObject(root, "empty", prog_json("empty", &emp0, &emp1));
		if (bench_json_write("live-stats", json_path, root)) {
			cJSON_Delete(root);
			goto out;
		}
		cJSON_Delete(root);
	}
	rc = 0;
out:
	if (stats_fd >= 0)
		close(stats_fd);
	if (attached) {
		LIBBPF_OPTS(bpf_tc_opts, detach, .handle = EMPTY_HANDLE, .priority = EMPTY_PRIORITY);
		bpf_tc_detach(&hook, &detach);
	}
	if (emp_fd >= 0)
		close(emp_fd);
	close(enc_fd);
	return rc;
}
