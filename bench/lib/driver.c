// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The BPF_PROG_TEST_RUN benchmarks' one driver (driver.h). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "driver.h"
#include "util/array.h"

static const struct option common_opts[] = {
	{ "trials", required_argument, NULL, 't' }, { "shots", required_argument, NULL, 's' },
	{ "repeat", required_argument, NULL, 'r' }, { "payload", required_argument, NULL, 'p' },
	{ "spread", required_argument, NULL, 'd' }, { "cpu", required_argument, NULL, 'c' },
	{ "json", required_argument, NULL, 'j' },   { "help", no_argument, NULL, 'h' },
};

/* The common long options, then the benchmark's own, then the end. */
static struct option *longopts_of(const struct bench_cli *cli)
{
	size_t n = 0;
	struct option *all;

	while (cli->own && cli->own[n].name)
		n++;
	all = xcalloc(ARRAY_SIZE(common_opts) + n + 1, sizeof(*all));
	memcpy(all, common_opts, sizeof(common_opts));
	if (n)
		memcpy(all + ARRAY_SIZE(common_opts), cli->own, n * sizeof(*all));
	return all;
}

static void parse_opts(int argc, char **argv, const struct bench_cli *cli, struct bench_opts *o)
{
	struct option *longopts = longopts_of(cli);
	int c;

	*o = (struct bench_opts){ .trials = 5, .shots = 10000, .repeat = 1000000, .payload = 64,
				  .spread = cli->spread_default, .cpu = -1 };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o->trials = opt_uint("--trials", optarg, 1, 1000); break;
		case 's': o->shots = opt_uint("--shots", optarg, 1, 100000000); break;
		case 'r': o->repeat = opt_uint("--repeat", optarg, 1, 100000000); break;
		case 'p': o->payload = opt_uint("--payload", optarg, 0, 256); break;
		case 'd':
			o->spread = opt_uint("--spread", optarg, cli->spread_min, cli->spread_max);
			break;
		case 'c': o->cpu = (int)opt_uint("--cpu", optarg, 0, CPU_SETSIZE - 1); break;
		case 'j': o->json = optarg; break;
		case 'h': cli->usage(stdout); exit(0);
		case '?': cli->usage(stderr); exit(1);
		default: cli->own_opt(c, optarg, cli->ctx); break;
		}
	}
	free(longopts);
	if (optind != argc)
		die("unexpected argument \"%s\" (see: %s --help)", argv[optind], cli->name);
}

void bench_start(int argc, char **argv, const struct bench_cli *cli, struct bench_opts *o)
{
	parse_opts(argc, argv, cli, o);
	pin_cpu(&o->cpu);
	libbpf_set_print(libbpf_print);
}

int bench_empty_prog(enum bpf_prog_type type, int retval, const struct bpf_prog_load_opts *lo)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = retval },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(type, "bench_empty", "GPL", insns, ARRAY_SIZE(insns), lo);

	if (fd < 0)
		die("cannot load the empty calibration program: %s", strerror(errno));
	return fd;
}

void bench_unpin_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
}

void bench_loaded(int rc)
{
	if (rc)
		die("cannot load the BPF program: %s (BENCH_DEBUG=1 shows libbpf's log)",
		    strerror(-rc));
}

void bench_test_run(int prog_fd, const char *id, const struct pkt *in, unsigned int repeat,
		    struct bench_run_out *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->data, .data_size_in = in->len,
		    .data_out = out->data, .data_size_out = sizeof(out->data), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &o))
		die("%s: BPF_PROG_TEST_RUN failed: %s", id, strerror(errno));
	out->len = o.data_size_out;
	out->retval = o.retval;
	out->duration = o.duration;
}

void bench_compare(const char *id, const char *prog, const char *noun, unsigned int i,
		   const struct bench_run_out *out, const struct pkt *want)
{
	if (out->len != want->len)
		die("%s: %s returned a %u-byte %s, expected %u bytes", id, prog, out->len, noun,
		    want->len);
	for (__u32 b = 0; b < out->len; b++)
		if (out->data[b] != want->data[b])
			die("%s: %s output byte %u of packet %u is 0x%02x, expected 0x%02x", id,
			    prog, b, i, out->data[b], want->data[b]);
}

/* `shots` calls of one run each, over the case's packets in turn; the kernel's
 * mean ns per call. */
static double shots_trial(const struct bench_case_run *c, bool prog, unsigned int shots,
			  unsigned long long *verified)
{
	struct bench_run_out out;
	unsigned long long total = 0;

	for (unsigned int s = 0; s < shots; s++) {
		unsigned int i = s % c->n;

		bench_test_run(prog ? c->prog_fd : c->empty_fd, c->id, &c->in[i], 1, &out);
		c->check(c->ctx, i, &out, prog, 1);
		*verified += prog;
		total += out.duration;
	}
	return (double)total / shots;
}

/* One call of `repeat` runs on the first packet. */
static double repeat_trial(const struct bench_case_run *c, bool prog, unsigned int repeat,
			   unsigned long long *verified)
{
	struct bench_run_out out;

	bench_test_run(prog ? c->prog_fd : c->empty_fd, c->id, &c->in[0], repeat, &out);
	c->check(c->ctx, 0, &out, prog, repeat);
	*verified += prog;
	return out.duration;
}

void bench_run_case(const struct bench_opts *o, const struct bench_case_run *c,
		    struct bench_result *r)
{
	struct samples single, loop;
	unsigned long long *verified = &r->packets_verified;

	memset(r, 0, sizeof(*r));
	samples_alloc(&single, o->trials);
	samples_alloc(&loop, o->trials);
	for (unsigned int t = 0; t < o->trials; t++) {
		/* Baseline next to the measurement: drift on a shared machine hits both. */
		single.base[t] = shots_trial(c, false, o->shots, verified);
		single.raw[t] = shots_trial(c, true, o->shots, verified);
		if (c->loop) {
			loop.base[t] = repeat_trial(c, false, o->repeat, verified);
			loop.raw[t] = repeat_trial(c, true, o->repeat, verified);
		}
	}
	samples_done(&single, o->trials, &r->single_ns, &r->single_raw, &r->single_base);
	samples_done(&loop, o->trials, &r->loop_ns, &r->loop_raw, &r->loop_base);
}

cJSON *bench_method_json(cJSON *root, const struct bench_opts *o, const char *ns_per_packet)
{
	cJSON *method = cJSON_AddObjectToObject(root, "method");

	cJSON_AddNumberToObject(method, "trials", o->trials);
	cJSON_AddNumberToObject(method, "single_shots_per_trial", o->shots);
	cJSON_AddNumberToObject(method, "repeat", o->repeat);
	cJSON_AddNumberToObject(method, "tcp_payload_bytes", o->payload);
	cJSON_AddNumberToObject(method, "cpu", o->cpu);
	cJSON_AddStringToObject(method, "ns_per_packet", ns_per_packet);
	return method;
}

cJSON *bench_result_json(const char *id, const char *title)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "case", id);
	cJSON_AddStringToObject(j, "title", title);
	return j;
}

void bench_result_measures(cJSON *j, const struct bench_result *r, bool loop)
{
	cJSON_AddNumberToObject(j, "ns_per_packet", r->single_ns);
	cJSON_AddItemToObject(j, "single_shot",
			      measure_json(r->single_ns, r->single_raw, r->single_base));
	if (loop)
		cJSON_AddItemToObject(j, "repeat_loop",
				      measure_json(r->loop_ns, r->loop_raw, r->loop_base));
	else
		cJSON_AddNullToObject(j, "repeat_loop");
	cJSON_AddNumberToObject(j, "packets_verified", (double)r->packets_verified);
}

void bench_finish(const struct bench_opts *o, cJSON *root, int empty_fd)
{
	if (o->json)
		json_write(o->json, root);
	cJSON_Delete(root);
	close(empty_fd);
}
