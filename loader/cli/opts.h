/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One option table parser for every command (in the spirit of xdp-tools'
 * lib/util/params.h). An option is defined once: its name ("--paths", or a
 * bare word such as "hoplimit" for iproute2-style options), its kind, where
 * its value goes (offsetof into the command's struct) and the words its help
 * and errors use. Commands that share options share one table fragment, so the
 * options parse and fail the same way everywhere.
 *
 * Syntax: "--name value", "--name=value" (dash options only), "word value";
 * a flag takes no value. A later occurrence overrides an earlier one. Errors,
 * one house style, CMD being the command ("sync") or empty (global options):
 *   CMD: unknown argument "X" (see: srv6-bpf CMD --help)
 *   CMD: NAME: missing ARG
 *   CMD: NAME: takes no value
 *   CMD: NAME: invalid value "X": give EXPECT
 * EXPECT is the option's expect text, else made from the kind: "1-8",
 * "seconds (1-86400)", "seconds (0.001-3600)", "on or off", "a, b or c".
 */
#ifndef SRV6_CLI_OPTS_H
#define SRV6_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

enum opt_kind {
	OPT_FLAG,    /* bool, set to true; no value */
	OPT_STRING,  /* const char *, the argument itself */
	OPT_UINT,    /* unsigned int in [min, max] (unit: words for errors, e.g. "seconds") */
	OPT_SECONDS, /* long milliseconds from "2" or "0.5" seconds, in [min, max] ms */
	OPT_ENUM,    /* int: the value of one of words */
	OPT_ONOFF,   /* bool: on or off */
	OPT_CUSTOM,  /* parse(text, field); expect says what it takes */
};

struct opt_word {
	const char *word;
	int value;
};

struct opt {
	const char *name;  /* "--paths", "dev", "hoplimit"; NULL ends a table */
	const char *alias; /* e.g. "-j" for "--json" */
	enum opt_kind kind;
	size_t off;                     /* offsetof the value in the group's struct */
	size_t seen;                    /* OPT_SEEN(): a bool set when given; 0: none */
	unsigned long min, max;         /* OPT_UINT, OPT_SECONDS (ms) */
	const char *unit;               /* OPT_UINT: "seconds" in "give seconds (1-86400)" */
	const struct opt_word *words;   /* OPT_ENUM: ends with a NULL word */
	int (*parse)(const char *text, void *field); /* OPT_CUSTOM: 0 or -1 */
	const char *arg;    /* the value's name in help and errors: "FILE", "K" */
	const char *expect; /* what an invalid value should have been (else from the kind) */
	const char *env;    /* when not given: the value of this environment variable */
	bool stop;          /* a flag after which parsing stops (-h, -V) */
};

/* The offset of a bool that records that the option was given (0 means none). */
#define OPT_SEEN(type, member) (offsetof(type, member) + 1)

/* A table fragment and where its struct sits in the command's struct. */
struct opt_group {
	const struct opt *opts;
	size_t base;
};

/* Parse argv against the groups (ending with opts == NULL) into cfg, then take
 * options not given from their environment variables. With stop_at_word, the
 * first argument that names no option ends the options (global options before
 * a command): *used says how many arguments were options. Without it, such an
 * argument is an error. cmd ("" for none) prefixes every error. */
int opts_parse(const char *cmd, const struct opt_group *groups, int argc, char **argv,
	       void *cfg, bool stop_at_word, int *used, struct err *e);

/* "seconds (0.001-3600)": what opt takes, for errors and help. */
void opt_expect(const struct opt *o, char *buf, size_t len);

#endif
