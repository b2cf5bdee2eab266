// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "route_parse.h"

#include <string.h>
#include "util/addr.h"
#include "util/array.h"
#include "util/lines.h"

#define LINE_ARGS_MAX 64

static const char *const verb_names[] = {
	[ROUTE_ADD] = "add",
	[ROUTE_REPLACE] = "replace",
	[ROUTE_DEL] = "del",
};

const char *route_verb_name(enum route_verb verb)
{
	return verb_names[verb];
}

int route_verb_parse(const char *word, enum route_verb *verb)
{
	for (size_t i = 0; i < ARRAY_SIZE(verb_names); i++) {
		if (strcmp(word, verb_names[i]) == 0) {
			*verb = (enum route_verb)i;
			return 0;
		}
	}
	if (strcmp(word, "delete") == 0) {
		*verb = ROUTE_DEL;
		return 0;
	}
	return -1;
}

static int parse_weight(const char *text, __u8 *weight, struct err *e)
{
	unsigned long w;

	if (parse_uint(text, SRV6_WEIGHT_MIN, SRV6_WEIGHT_MAX, &w))
		return errf(e, "invalid weight \"%s\": give an integer from %d to %d", text,
			    SRV6_WEIGHT_MIN, SRV6_WEIGHT_MAX);
	*weight = (__u8)w;
	return 0;
}

int route_req_parse(enum route_verb verb, int argc, char **argv, struct route_req *req,
		    struct err *e)
{
	struct srv6_path *cur = NULL;
	bool explicit_paths = false, weight_set = false;
	int i = 1;

	memset(req, 0, sizeof(*req));
	req->verb = verb;
	if (argc < 1)
		return errf(e, "missing PEER: route %s PEER dev DEV%s", route_verb_name(verb),
			    verb == ROUTE_DEL ? "" : " segs SID[,SID...]");
	if (addr_parse_peer(argv[0], &req->key, &req->family, e))
		return -1;

	for (; i < argc; i++) {
		const char *word = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(word, "path") == 0) {
			if (verb == ROUTE_DEL)
				return errf(e, "route del takes PEER dev DEV only");
			if (cur && !explicit_paths)
				return errf(e, "mixing \"segs\" and \"path segs\": start every path with \"path\"");
			if (cur && cur->seg_count == 0)
				return errf(e, "path %u has no segs", req->peer.path_count);
			if (req->peer.path_count == SRV6_MAX_PATHS)
				return errf(e, "too many paths: at most %d per peer", SRV6_MAX_PATHS);
			explicit_paths = true;
			weight_set = false;
			cur = &req->peer.paths[req->peer.path_count++];
			cur->weight = 1;
			continue;
		}
		if (strcmp(word, "dev") && strcmp(word, "segs") && strcmp(word, "weight"))
			return errf(e, "unknown argument \"%s\" (see: srv6-bpf route help)", word);
		if (!arg)
			return errf(e, "missing value after \"%s\"", word);
		if (strcmp(word, "dev") == 0) {
			if (req->dev[0])
				return errf(e, "dev given twice");
			if (strlen(arg) >= IF_NAMESIZE || !*arg)
				return errf(e, "invalid dev \"%s\": not an interface name", arg);
			strcpy(req->dev, arg);
		} else if (strcmp(word, "segs") == 0 || strcmp(word, "weight") == 0) {
			if (verb == ROUTE_DEL)
				return errf(e, "route del takes PEER dev DEV only");
			if (!cur) {
				cur = &req->peer.paths[req->peer.path_count++];
				cur->weight = 1;
			}
			if (word[0] == 's') {
				if (cur->seg_count)
					return errf(e, "segs given twice for one path%s",
						    explicit_paths ? "" : " (use \"path segs ...\" for several paths)");
				if (addr_parse_segs(arg, cur, e))
					return -1;
			} else {
				if (weight_set)
					return errf(e, "weight given twice for one path");
				if (parse_weight(arg, &cur->weight, e))
					return -1;
				weight_set = true;
			}
		} else {
			return errf(e, "unknown argument \"%s\" (see: srv6-bpf route help)", word);
		}
		i++;
	}

	if (!req->dev[0])
		return errf(e, "missing dev DEV");
	if (verb == ROUTE_DEL)
		return 0;
	if (req->peer.path_count == 0)
		return errf(e, "missing segs SID[,SID...]");
	for (unsigned int p = 0; p < req->peer.path_count; p++)
		if (req->peer.paths[p].seg_count == 0)
			return errf(e, "path %u has no segs", p + 1);
	return 0;
}

int route_line_parse(enum route_verb default_verb, char *line, struct route_req *req,
		     bool *empty, struct err *e)
{
	char *argv[LINE_ARGS_MAX];
	int argc, first = 0;
	enum route_verb verb = default_verb;

	argc = line_words(line, argv, LINE_ARGS_MAX);
	if (argc > LINE_ARGS_MAX)
		return errf(e, "line too long: more than %d words", LINE_ARGS_MAX);
	*empty = argc == 0;
	if (*empty)
		return 0;
	if (strcmp(argv[first], "route") == 0)
		first++;
	if (first < argc && route_verb_parse(argv[first], &verb) == 0)
		first++;
	return route_req_parse(verb, argc - first, argv + first, req, e);
}
