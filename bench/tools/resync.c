// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * resync: how long programming takes when a re-sync changes a few peers of
 * many, through the loader's own route_sync. DEV's peers become FILE's (a
 * `route -batch` file); then, RUNS times, CHANGED peers get another first SID
 * in the same /48 (same next hop, same MTU) and the device is synced again:
 * once as the daemon does (its memo: requests against its last requests, only
 * the changed peers read), once as `srv6-bpf sync` does (every peer read).
 *
 *   resync --bpffs DIR [--runs N] [--changed K] [--json FILE] DEV FILE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "command.h"
#include "device/route.h"
#include "device/route_parse.h"
#include "platform/platform.h"
#include "util/clock.h"

static int reqs_read(const char *path, const char *dev, struct route_req **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0;
	struct err e = { { 0 } };

	*out = NULL;
	*n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct route_req req;
		bool empty;

		if (route_line_parse(ROUTE_ADD, line, &req, &empty, &e)) {
			fprintf(stderr, "resync: %s: %s\n", path, e.msg);
			fclose(f);
			return -1;
		}
		if (empty)
			continue;
		if (*n == cap) {
			void *v = realloc(*out, (cap = cap ? 2 * cap : 1024) * sizeof(**out));

			if (!v) {
				fclose(f);
				return -1;
			}
			*out = v;
		}
		req.verb = ROUTE_REPLACE;
		snprintf(req.dev, sizeof(req.dev), "%s", dev);
		(*out)[(*n)++] = req;
	}
	fclose(f);
	return 0;
}

/* One timed sync; ms, or a negative value on failure. */
static double timed_sync(struct ctx *c, const char *dev, const struct route_req *reqs, size_t n,
			 struct route_memo *memo, size_t want_replaced)
{
	struct sync_counts counts;
	struct err e = { { 0 } };
	double t0 = now_seconds(CLOCK_MONOTONIC), ms;

	if (route_sync(c, dev, reqs, n, &counts, memo, &e)) {
		fprintf(stderr, "resync: %s\n", e.msg);
		return -1;
	}
	ms = (now_seconds(CLOCK_MONOTONIC) - t0) * 1e3;
	if (counts.replaced != want_replaced || counts.added || counts.removed) {
		fprintf(stderr, "resync: replaced %zu (want %zu), added %zu, removed %zu\n",
			counts.replaced, want_replaced, counts.added, counts.removed);
		return -1;
	}
	return ms;
}

/* The next first SID for the changed peers: the byte after the /48 and the
 * node ID, so the /48 (and the next hop) stays. */
static void change(struct route_req *reqs, size_t n, size_t k, unsigned int round)
{
	for (size_t i = 0; i < k && i < n; i++)
		reqs[i * (n / k)].peer.paths[0].segs[0][8] = (__u8)(0x10 + round % 200);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "bpffs", required_argument, NULL, 'b' },
					       { "runs", required_argument, NULL, 'r' },
					       { "changed", required_argument, NULL, 'k' },
					       { "json", required_argument, NULL, 'j' },
					       { NULL, 0, NULL, 0 } };
	struct ctx c = { .bpffs = SRV6_BPFFS_DEFAULT, .platform = PLATFORM_BPF };
	unsigned int runs = 5, k = 1;
	const char *json_path = NULL;
	struct route_memo *memo = route_memo_new();
	cJSON *root = cJSON_CreateObject(), *with = cJSON_CreateArray(), *without = cJSON_CreateArray();
	struct route_req *reqs = NULL;
	struct err e = { { 0 } };
	size_t n = 0;
	int opt, rc = 1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'b')
			c.bpffs = optarg;
		else if (opt == 'r')
			runs = (unsigned int)strtoul(optarg, NULL, 10);
		else if (opt == 'k')
			k = (unsigned int)strtoul(optarg, NULL, 10);
		else if (opt == 'j')
			json_path = optarg;
		else
			return 2;
	}
	if (argc - optind != 2 || k == 0) {
		fprintf(stderr, "usage: resync --bpffs DIR [--runs N] [--changed K] [--json FILE] DEV FILE\n");
		return 2;
	}
	c.ops = platform_ops_of(c.platform);
	if (!memo || !root || nlx_open(&c.nl, &e) || reqs_read(argv[optind + 1], argv[optind], &reqs, &n) ||
	    n < k) {
		fprintf(stderr, "resync: cannot start: %s\n", e.msg[0] ? e.msg : "bad input");
		goto out;
	}
	/* The first sync programs what FILE says; the memo learns it. */
	{
		struct sync_counts counts;

		if (route_sync(&c, argv[optind], reqs, n, &counts, memo, &e)) {
			fprintf(stderr, "resync: %s\n", e.msg);
			goto out;
		}
	}
	/* The memo's runs first: a sync without it leaves a token the memo
	 * does not know, and the memo would rightly be dropped. */
	for (unsigned int r = 0; r < 2 * runs; r++) {
		bool with_memo = r < runs;
		double ms;

		change(reqs, n, k, r);
		ms = timed_sync(&c, argv[optind], reqs, n, with_memo ? memo : NULL, k);
		if (ms < 0)
			goto out;
		cJSON_AddItemToArray(with_memo ? with : without, cJSON_CreateNumber(ms));
		fprintf(stderr, "  re-sync of %zu peers, %u changed, %s: %.2f ms\n", n, k,
			with_memo ? "as the daemon (memo)" : "every peer read", ms);
	}
	cJSON_AddNumberToObject(root, "peers", (double)n);
	cJSON_AddNumberToObject(root, "changed", k);
	cJSON_AddItemToObject(root, "memo_ms", with);
	cJSON_AddItemToObject(root, "full_ms", without);
	with = without = NULL;
	if (json_path && bench_json_write("resync", json_path, root))
		goto out;
	rc = 0;
out:
	cJSON_Delete(with);
	cJSON_Delete(without);
	cJSON_Delete(root);
	route_memo_free(memo);
	free(reqs);
	nlx_close(&c.nl);
	return rc;
}
