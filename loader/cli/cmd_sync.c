// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf sync`: its options (run takes them too), then one sync_once. */
#include "commands.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>
#include <cjson/cJSON.h>
#include "net/http.h"
#include "sync/jalapeno.h"
#include "util/env.h"
#include "util/output.h"

const char usage_sync[] =
	"Usage: srv6-bpf sync [dev DEV] [OPTIONS]\n"
	"\n"
	"Program DEV with every job peer's paths from a path source, in one step: peers\n"
	"no longer in the job are removed, changed ones replaced, the rest left alone.\n"
	"If anything fails first (API down, a bad answer for any peer, an invalid SID),\n"
	"nothing changes.\n"
	"\n"
	"  dev DEV                 interface (env BACKEND_INTERFACE, default net1)\n"
	"  --source S              where paths come from (default jalapeno-load):\n"
	"                            jalapeno-load: one shortest_path/load call a peer,\n"
	"                              as the PyTorch plugin does\n"
	"                            jalapeno-best-paths: shortest_path/best-paths, up\n"
	"                              to --paths equal-weight paths a peer\n"
	"                            topology: GET .../topology once (or\n"
	"                              --topology-file) and plan every sender's\n"
	"                              flows so that they do not collide; program\n"
	"                              the local host's share\n"
	"  --paths K               paths per peer, 1-8 (jalapeno-best-paths: default 4)\n"
	"  --family F              which of a peer's addresses are programmed: both\n"
	"                          (default), 6 or 4 (env SRV6_BPF_FAMILY)\n"
	"  --endpoint URL          Jalapeño API base (env JALAPENO_API_ENDPOINT),\n"
	"                          e.g. http://jalapeno:30800/api/v1\n"
	"  --collection C          graph collection (env TOPOLOGY_COLLECTION,\n"
	"                          default network_topology)\n"
	"  --hosts-file F          job members, one \"name [rank] [address...]\" a line,\n"
	"                          at most one address a family\n"
	"                          (else env HOSTS: names in rank order, comma separated)\n"
	"  --topology-file F       the topology JSON from a file (implies topology)\n"
	"  --pattern P             topology: the job's traffic, all-to-all (default) or\n"
	"                          ring (rank i sends to rank i+1)\n"
	"  --pairs F               topology: explicit flows, \"SRC DST [DEMAND]\" a line\n"
	"  --previous F            topology: a plan (srv6-bpf plan -j) to stay close to\n"
	"  --dest-function HEX     uSID appended after each path, e.g. e006\n"
	"                          (env DEST_FUNCTION)\n"
	"  --cacert FILE           CA bundle that verifies an https endpoint\n"
	"  --header 'Name: value'  extra request header, e.g. a token\n"
	"                          (env JALAPENO_API_HEADER)\n"
	"  --timeout S             per request attempt, seconds (default 10)\n"
	"  --connect-timeout S     per connection attempt, seconds (default 3)\n"
	"  --concurrency N         requests in flight, 1-256 (default 8; 1 asks one peer\n"
	"                          at a time in rank order, exactly as the plugin does)\n"
	"  --retries N             further attempts per request, 0-10 (default 2)\n"
	"  --dry-run               print what would be programmed (route grammar, or JSON\n"
	"                          with -j); needs no datapath. (jalapeno-load calls\n"
	"                          still add load on the server.)\n"
	"\n"
	"The local host is HOSTNAME, else HOSTNAME_PREFIX (default host) + RANK as two\n"
	"digits; graph vertices are hosts/NAME. A peer's addresses are the hosts file's,\n"
	"else the path source's (destination_info or the topology's ipv6_address and\n"
	"ipv4_address), family by family: a dual-stack host is a peer under both, with\n"
	"the same paths (DEST_FUNCTION included: the peer must decapsulate both\n"
	"families under it, End.DT46; else --family 6). SID lists are rebuilt from\n"
	"srv6_sid_list and usid_block (never taken from srv6_usid), DEST_FUNCTION\n"
	"appended, split over several carriers when one does not hold them.\n"
	"Retries back off from 0.2 s, doubling, with jitter. best-paths and topology\n"
	"reads are retried after timeouts, connection errors and HTTP 5xx. A\n"
	"shortest_path/load call adds load on the server, so it is retried only when it\n"
	"never reached the server (resolve or connect failed). HTTP 4xx is never retried.\n";

static const struct opt_word family_words[] = {
	{ "both", ADDR_FAMS_ALL },
	{ "6", ADDR_FAM_BIT(ADDR_IPV6) },
	{ "4", ADDR_FAM_BIT(ADDR_IPV4) },
	{ NULL, 0 },
};

static const struct opt_word source_words[] = {
	{ "jalapeno-load", SYNC_SOURCE_JALAPENO_LOAD },
	{ "jalapeno-best-paths", SYNC_SOURCE_JALAPENO_BEST_PATHS },
	{ "topology", SYNC_SOURCE_TOPOLOGY },
	{ NULL, 0 },
};

#define SA(member) offsetof(struct sync_args, member)

const struct opt sync_own_opts[] = {
	{ .name = "dev", .kind = OPT_STRING, .off = SA(o.dev), .arg = "DEV",
	  .env = "BACKEND_INTERFACE" },
	{ .name = "--source", .kind = OPT_ENUM, .words = source_words, .off = SA(o.source),
	  .seen = OPT_SEEN(struct sync_args, source_set), .arg = "S" },
	{ .name = "--family", .kind = OPT_ENUM, .words = family_words, .off = SA(o.families),
	  .arg = "F", .env = "SRV6_BPF_FAMILY" },
	{ .name = "--endpoint", .kind = OPT_STRING, .off = SA(o.endpoint), .arg = "URL",
	  .env = "JALAPENO_API_ENDPOINT" },
	{ .name = "--collection", .kind = OPT_STRING, .off = SA(o.collection), .arg = "C",
	  .env = "TOPOLOGY_COLLECTION" },
	{ .name = "--cacert", .kind = OPT_STRING, .off = SA(o.cacert), .arg = "FILE" },
	{ .name = "--header", .kind = OPT_STRING, .off = SA(o.header), .arg = "'Name: value'",
	  .env = "JALAPENO_API_HEADER" },
	{ .name = "--timeout", .kind = OPT_SECONDS, .min = 1, .max = 3600 * 1000,
	  .off = SA(o.timeout_ms), .arg = "S" },
	{ .name = "--connect-timeout", .kind = OPT_SECONDS, .min = 1, .max = 3600 * 1000,
	  .off = SA(o.connect_timeout_ms), .arg = "S" },
	{ .name = "--concurrency", .kind = OPT_UINT, .min = 1, .max = SYNC_CONCURRENCY_MAX,
	  .off = SA(o.concurrency), .arg = "N" },
	{ .name = "--retries", .kind = OPT_UINT, .min = 0, .max = SYNC_RETRIES_MAX,
	  .off = SA(o.retries), .arg = "N" },
	{ .name = "--dry-run", .kind = OPT_FLAG, .off = SA(o.dry_run) },
	{ .name = NULL },
};

static const struct opt_group sync_groups[] = {
	{ sync_own_opts, 0 },
	{ plan_input_opts, SA(in) },
	{ NULL, 0 },
};

void sync_args_init(struct sync_args *a)
{
	struct sync_opts *o = &a->o;

	memset(a, 0, sizeof(*a));
	o->pattern = PLAN_ALL_TO_ALL;
	o->dev = SYNC_DEFAULT_DEV;
	o->collection = SYNC_DEFAULT_COLLECTION;
	o->timeout_ms = SYNC_DEFAULT_TIMEOUT_MS;
	o->connect_timeout_ms = SYNC_DEFAULT_CONNECT_TIMEOUT_MS;
	o->concurrency = SYNC_DEFAULT_CONCURRENCY;
	o->retries = SYNC_DEFAULT_RETRIES;
	/* Every address a peer has: gloo and NCCL may talk either family, whatever
	 * MASTER_ADDR's is (the plugin's rule picked one and missed the other). */
	o->families = ADDR_FAMS_ALL;
}

/* The plan's inputs into o, and which source they make (or conflict with). */
static int sync_inputs(const char *cmd, struct sync_args *a, struct err *e)
{
	const struct plan_inputs *in = &a->in;
	struct sync_opts *o = &a->o;

	if (plan_inputs_check(cmd, in, e))
		return -1;
	o->topology_file = in->topology_file;
	o->hosts_file = in->hosts_file;
	o->pairs_file = in->pairs_file;
	o->previous_file = in->previous_file;
	o->has_function = in->has_function;
	o->function = in->function;
	if (in->pattern_set)
		o->pattern = (enum plan_pattern)in->pattern;
	if (in->pairs_file)
		o->pattern = PLAN_PAIRS;
	if ((in->pattern_set || in->pairs_file || in->previous_file) && a->source_set &&
	    o->source != SYNC_SOURCE_TOPOLOGY && !o->topology_file)
		return errf(e, "%s: --pattern, --pairs and --previous plan with --source topology, not %s",
			    cmd, sync_source_name(o->source));
	if (o->topology_file) {
		if (a->source_set && o->source != SYNC_SOURCE_TOPOLOGY)
			return errf(e, "%s: --topology-file goes with --source topology, not %s", cmd,
				    sync_source_name(o->source));
		o->source = SYNC_SOURCE_TOPOLOGY;
	}
	o->paths = in->paths_set ? in->paths :
		   o->source == SYNC_SOURCE_JALAPENO_BEST_PATHS ? SYNC_DEFAULT_BEST_PATHS : 1;
	if (o->source == SYNC_SOURCE_JALAPENO_LOAD && o->paths != 1)
		return errf(e, "%s: jalapeno-load gives one path per peer: use --source jalapeno-best-paths (or topology) for --paths %u",
			    cmd, o->paths);
	return 0;
}

int sync_args_finish(const char *cmd, struct sync_args *a, struct err *e)
{
	struct sync_opts *o = &a->o;
	char *url = NULL;

	if (o->dev[0] == '\0' || strlen(o->dev) >= IF_NAMESIZE)
		return errf(e, "%s: invalid interface name \"%.32s\"", cmd, o->dev);
	if (sync_inputs(cmd, a, e))
		return -1;
	if (o->header && !http_header_valid(o->header))
		return errf(e, "%s: invalid header \"%.64s\": give \"Name: value\"", cmd, o->header);
	if (o->collection[0] == '\0')
		return errf(e, "%s: empty collection name", cmd);
	if (o->source == SYNC_SOURCE_TOPOLOGY && o->topology_file)
		return 0;
	if (!o->endpoint)
		return errf(e, "%s: no Jalapeño endpoint: set JALAPENO_API_ENDPOINT or give --endpoint URL",
			    cmd);
	if (jalapeno_topology_url(o->endpoint, o->collection, &url, e)) {
		err_prefix(e, "%s", cmd);
		return -1;
	}
	free(url);
	return 0;
}

int sync_opts_parse(int argc, char **argv, struct sync_opts *o, struct err *e)
{
	struct sync_args a;

	sync_args_init(&a);
	if (opts_parse("sync", sync_groups, argc, argv, &a, false, NULL, e) ||
	    sync_args_finish("sync", &a, e))
		return -1;
	*o = a.o;
	return 0;
}

static void print_counts(const struct ctx *c, const struct sync_report *r)
{
	if (c->json) {
		cJSON *root = cJSON_CreateObject();

		cJSON_AddStringToObject(root, "dev", r->dev);
		cJSON_AddStringToObject(root, "source", r->source);
		cJSON_AddNumberToObject(root, "peers", (double)r->peers);
		cJSON_AddNumberToObject(root, "addresses", (double)r->addresses);
		cJSON_AddNumberToObject(root, "added", (double)r->counts.added);
		cJSON_AddNumberToObject(root, "replaced", (double)r->counts.replaced);
		cJSON_AddNumberToObject(root, "unchanged", (double)r->counts.unchanged);
		cJSON_AddNumberToObject(root, "removed", (double)r->counts.removed);
		out_json(root);
		cJSON_Delete(root);
	} else {
		printf("sync %s: %zu peers (%zu addresses) from %s: %zu added, %zu replaced, %zu unchanged, %zu removed\n",
		       r->dev, r->peers, r->addresses, r->source, r->counts.added, r->counts.replaced,
		       r->counts.unchanged, r->counts.removed);
	}
}

int cmd_sync(struct ctx *c, int argc, char **argv, struct err *e)
{
	struct sync_report r;
	struct sync_opts o;

	if (sync_opts_parse(argc, argv, &o, e) || sync_once(c, &o, &r, e))
		return -1;
	if (!o.dry_run)
		print_counts(c, &r);
	free(r.plan_json);
	return 0;
}
