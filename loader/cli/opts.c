// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "util/env.h"

/* Seconds, "2" or "0.5", into milliseconds in [min, max]. */
static int parse_seconds(const char *text, unsigned long min, unsigned long max, long *ms)
{
	char *end;
	double v;

	if (!(isdigit((unsigned char)text[0]) || text[0] == '.'))
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno || *end || !(v * 1000 >= (double)min && v * 1000 <= (double)max))
		return -1;
	*ms = (long)(v * 1000 + 0.5);
	return 0;
}

static void seconds_text(unsigned long ms, char *buf, size_t len)
{
	snprintf(buf, len, "%g", (double)ms / 1000);
}

void opt_expect(const struct opt *o, char *buf, size_t len)
{
	char lo[32], hi[32];
	size_t used = 0;

	buf[0] = '\0';
	if (o->expect) {
		snprintf(buf, len, "%s", o->expect);
	} else if (o->kind == OPT_UINT) {
		snprintf(buf, len, o->unit ? "%3$s (%1$lu-%2$lu)" : "%lu-%lu", o->min, o->max,
			 o->unit ? o->unit : "");
	} else if (o->kind == OPT_SECONDS) {
		seconds_text(o->min, lo, sizeof(lo));
		seconds_text(o->max, hi, sizeof(hi));
		snprintf(buf, len, "seconds (%s-%s)", lo, hi);
	} else if (o->kind == OPT_ONOFF) {
		snprintf(buf, len, "on or off");
	} else if (o->kind == OPT_ENUM) {
		for (const struct opt_word *w = o->words; w->word && used < len; w++) {
			const char *sep = w == o->words ? "" : w[1].word ? ", " : " or ";

			used += (size_t)snprintf(buf + used, len - used, "%s%s", sep, w->word);
		}
	}
}

/* The option's value into its field; -1 when the text is not one. */
static int opt_store(const struct opt *o, const char *text, char *field)
{
	unsigned long v;

	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_STRING:
		*(const char **)field = text;
		return 0;
	case OPT_UINT:
		if (parse_uint(text, o->min, o->max, &v))
			return -1;
		*(unsigned int *)field = (unsigned int)v;
		return 0;
	case OPT_SECONDS:
		return parse_seconds(text, o->min, o->max, (long *)field);
	case OPT_ONOFF:
		if (strcmp(text, "on") && strcmp(text, "off"))
			return -1;
		*(bool *)field = !strcmp(text, "on");
		return 0;
	case OPT_ENUM:
		for (const struct opt_word *w = o->words; w->word; w++) {
			if (!strcmp(text, w->word)) {
				*(int *)field = w->value;
				return 0;
			}
		}
		return -1;
	case OPT_CUSTOM:
		return o->parse(text, field);
	}
	return -1;
}

/* Store text for o (named name: the option, or its environment variable). */
static int opt_set(const char *cmd, const struct opt *o, const char *name, const char *text,
		   char *base, struct err *e)
{
	char expect[160];

	if (opt_store(o, text, base + o->off)) {
		opt_expect(o, expect, sizeof(expect));
		return errf(e, "%s%s%s: invalid value \"%.64s\": give %s", cmd, *cmd ? ": " : "",
			    name, text, expect);
	}
	if (o->seen)
		*(bool *)(base + o->seen - 1) = true;
	return 0;
}

/* The option arg names (exactly, or as "--name=value"), and where its value starts. */
static const struct opt *opt_find(const struct opt_group *groups, const char *arg,
				  const char **value, char **base, char *cfg)
{
	const char *eq = arg[0] == '-' && arg[1] == '-' ? strchr(arg, '=') : NULL;
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	for (const struct opt_group *g = groups; g->opts; g++) {
		for (const struct opt *o = g->opts; o->name; o++) {
			if ((strlen(o->name) == len && !strncmp(arg, o->name, len)) ||
			    (o->alias && !eq && !strcmp(arg, o->alias))) {
				*value = eq ? eq + 1 : NULL;
				*base = cfg + g->base;
				return o;
			}
		}
	}
	return NULL;
}

static int unknown(const char *cmd, const char *arg, struct err *e)
{
	if (!*cmd)
		return errf(e, "unknown option \"%.64s\" (see: srv6-bpf help)", arg);
	return errf(e, "%s: unknown argument \"%.64s\" (see: srv6-bpf %s --help)", cmd, arg, cmd);
}

/* Options not given take their environment variable's value, if any. */
static int opts_env(const char *cmd, const struct opt_group *groups, char *cfg,
		    const bool *given, struct err *e)
{
	size_t k = 0;

	for (const struct opt_group *g = groups; g->opts; g++) {
		for (const struct opt *o = g->opts; o->name; o++, k++) {
			const char *v = o->env ? env_value(o->env) : NULL;

			if (v && !given[k] && opt_set(cmd, o, o->env, v, cfg + g->base, e))
				return -1;
		}
	}
	return 0;
}

/* want's position among all the groups' options, or their count for NULL. */
static size_t opt_index(const struct opt_group *groups, const struct opt *want)
{
	size_t k = 0;

	for (const struct opt_group *g = groups; g->opts; g++)
		for (const struct opt *o = g->opts; o->name; o++, k++)
			if (o == want)
				return k;
	return k;
}

#define OPTS_MAX 64

int opts_parse(const char *cmd, const struct opt_group *groups, int argc, char **argv,
	       void *cfg, bool stop_at_word, int *used, struct err *e)
{
	bool given[OPTS_MAX] = { false };
	int i = 0;

	if (opt_index(groups, NULL) > OPTS_MAX)
		return errf(e, "%s: more than %d options in the table", cmd, OPTS_MAX);
	for (; i < argc; i++) {
		const char *value = NULL;
		char *base = NULL;
		const struct opt *o = opt_find(groups, argv[i], &value, &base, cfg);

		if (!o && stop_at_word && argv[i][0] != '-')
			break;
		if (!o)
			return unknown(cmd, argv[i], e);
		given[opt_index(groups, o)] = true;
		if (o->kind == OPT_FLAG) {
			if (value)
				return errf(e, "%s%s%s: takes no value", cmd, *cmd ? ": " : "",
					    o->name);
			opt_set(cmd, o, o->name, "", base, e);
			if (o->stop) {
				i++;
				break;
			}
			continue;
		}
		if (!value && i + 1 == argc)
			return errf(e, "%s%s%s: missing %s", cmd, *cmd ? ": " : "", o->name,
				    o->arg ? o->arg : "value");
		if (opt_set(cmd, o, o->name, value ? value : argv[++i], base, e))
			return -1;
	}
	if (used)
		*used = i;
	return opts_env(cmd, groups, cfg, given, e);
}
