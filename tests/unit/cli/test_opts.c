// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loader/cli/opts.c: the option-table parser every command uses. Every kind,
 * the one error style, and the fragment sync, run and plan share failing with
 * the same words in each.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "unit_helpers.h"

struct cfg {
	bool flag, flag_seen;
	const char *str;
	unsigned int n, interval;
	bool n_seen;
	long ms;
	int colour;
	bool on;
	int even;
};

static int parse_even(const char *text, void *field)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*end || v % 2)
		return -1;
	*(int *)field = (int)v;
	return 0;
}

static const struct opt_word colours[] = {
	{ "red", 1 }, { "green", 2 }, { "blue", 3 }, { NULL, 0 },
};

#define C(member) offsetof(struct cfg, member)

static const struct opt test_opts[] = {
	{ .name = "--flag", .alias = "-f", .kind = OPT_FLAG, .off = C(flag),
	  .seen = OPT_SEEN(struct cfg, flag_seen) },
	{ .name = "--str", .kind = OPT_STRING, .off = C(str), .arg = "FILE", .env = "UT_OPTS_STR" },
	{ .name = "--n", .kind = OPT_UINT, .min = 2, .max = 9, .off = C(n),
	  .seen = OPT_SEEN(struct cfg, n_seen), .arg = "N" },
	{ .name = "--interval", .kind = OPT_UINT, .min = 1, .max = 86400, .unit = "seconds",
	  .off = C(interval), .arg = "S" },
	{ .name = "--timeout", .kind = OPT_SECONDS, .min = 1, .max = 3600 * 1000, .off = C(ms),
	  .arg = "S" },
	{ .name = "colour", .kind = OPT_ENUM, .words = colours, .off = C(colour), .arg = "C" },
	{ .name = "power", .kind = OPT_ONOFF, .off = C(on), .arg = "on|off" },
	{ .name = "--even", .kind = OPT_CUSTOM, .parse = parse_even, .off = C(even),
	  .expect = "an even number", .env = "UT_OPTS_EVEN" },
	{ .name = NULL },
};

static const struct opt_group groups[] = { { test_opts, 0 }, { NULL, 0 } };

static void clean_env(void)
{
	unsetenv("UT_OPTS_STR");
	unsetenv("UT_OPTS_EVEN");
}

TestSuite(opts, .init = clean_env);

static int parse(struct cfg *c, struct err *e, const char *line)
{
	static char buf[256]; /* c->str points into it */
	char *argv[16];
	int argc;

	memset(c, 0, sizeof(*c));
	snprintf(buf, sizeof(buf), "%s", line);
	argc = ut_words(buf, argv, 16);
	return opts_parse("cmd", groups, argc, argv, c, false, NULL, e);
}

static void ok(struct cfg *c, const char *line)
{
	struct err e = { "" };

	cr_assert_eq(parse(c, &e, line), 0, "\"%s\": %s", line, e.msg);
}

static void bad(const char *line, const char *want)
{
	struct cfg c;
	struct err e = { "" };

	cr_assert_eq(parse(&c, &e, line), -1, "\"%s\" accepted", line);
	cr_assert_str_eq(e.msg, want, "\"%s\"", line);
	cr_assert(ut_one_line(e.msg));
}

Test(opts, every_kind)
{
	struct cfg c;

	ok(&c, "--flag --str f.json --n 9 --interval 86400 --timeout 0.5 colour blue power on "
	       "--even 4");
	cr_assert(c.flag && c.flag_seen);
	cr_assert_str_eq(c.str, "f.json");
	cr_assert_eq(c.n, 9);
	cr_assert(c.n_seen);
	cr_assert_eq(c.interval, 86400);
	cr_assert_eq(c.ms, 500);
	cr_assert_eq(c.colour, 3);
	cr_assert(c.on);
	cr_assert_eq(c.even, 4);
	ok(&c, "power off --timeout 2");
	cr_assert_not(c.on);
	cr_assert_eq(c.ms, 2000);
	cr_assert_not(c.flag_seen, "not given, not seen");
	cr_assert_not(c.n_seen);
}

Test(opts, alias_and_equals)
{
	struct cfg c;

	ok(&c, "-f --str=a=b --n=2 --timeout=.001");
	cr_assert(c.flag);
	cr_assert_str_eq(c.str, "a=b", "only the first = splits");
	cr_assert_eq(c.n, 2);
	cr_assert_eq(c.ms, 1);
	ok(&c, "--str=");
	cr_assert_str_eq(c.str, "");
	bad("colour=red", "cmd: unknown argument \"colour=red\" (see: srv6-bpf cmd --help)");
	bad("-f=1", "cmd: unknown argument \"-f=1\" (see: srv6-bpf cmd --help)");
}

Test(opts, a_later_occurrence_wins)
{
	struct cfg c;

	ok(&c, "--n 3 --n 4 colour red colour green --str a --str b");
	cr_assert_eq(c.n, 4);
	cr_assert_eq(c.colour, 2);
	cr_assert_str_eq(c.str, "b");
}

Test(opts, range_and_value_errors)
{
	bad("--n 1", "cmd: --n: invalid value \"1\": give 2-9");
	bad("--n 10", "cmd: --n: invalid value \"10\": give 2-9");
	bad("--n -3", "cmd: --n: invalid value \"-3\": give 2-9");
	bad("--n x", "cmd: --n: invalid value \"x\": give 2-9");
	bad("--interval 0", "cmd: --interval: invalid value \"0\": give seconds (1-86400)");
	bad("--interval 1.5", "cmd: --interval: invalid value \"1.5\": give seconds (1-86400)");
	bad("--timeout 0", "cmd: --timeout: invalid value \"0\": give seconds (0.001-3600)");
	bad("--timeout 3601", "cmd: --timeout: invalid value \"3601\": give seconds (0.001-3600)");
	bad("--timeout -1", "cmd: --timeout: invalid value \"-1\": give seconds (0.001-3600)");
	bad("--timeout 1e9", "cmd: --timeout: invalid value \"1e9\": give seconds (0.001-3600)");
	bad("colour pink", "cmd: colour: invalid value \"pink\": give red, green or blue");
	bad("power maybe", "cmd: power: invalid value \"maybe\": give on or off");
	bad("--even 3", "cmd: --even: invalid value \"3\": give an even number");
}

Test(opts, unknown_missing_and_flag_values)
{
	bad("--bogus", "cmd: unknown argument \"--bogus\" (see: srv6-bpf cmd --help)");
	bad("word", "cmd: unknown argument \"word\" (see: srv6-bpf cmd --help)");
	bad("--str", "cmd: --str: missing FILE");
	bad("--flag --n", "cmd: --n: missing N");
	bad("--even", "cmd: --even: missing value");
	bad("--flag=yes", "cmd: --flag: takes no value");
}

Test(opts, environment_when_not_given)
{
	struct cfg c;

	setenv("UT_OPTS_STR", "env.json", 1);
	setenv("UT_OPTS_EVEN", "6", 1);
	ok(&c, "");
	cr_assert_str_eq(c.str, "env.json");
	cr_assert_eq(c.even, 6);
	ok(&c, "--str flag.json --even 8");
	cr_assert_str_eq(c.str, "flag.json");
	cr_assert_eq(c.even, 8);
	setenv("UT_OPTS_EVEN", "7", 1);
	bad("", "cmd: UT_OPTS_EVEN: invalid value \"7\": give an even number");
	ok(&c, "--even 2");
	setenv("UT_OPTS_EVEN", "", 1);
	ok(&c, "");
	cr_assert_eq(c.even, 0, "empty is unset");
}

Test(opts, global_options_stop_at_the_command)
{
	char *argv[] = { "-f", "--n", "5", "route", "--flag" }, *stop[] = { "-h", "--bogus" };
	struct opt help[] = { { .name = "--help", .alias = "-h", .kind = OPT_FLAG,
				.off = C(flag), .stop = true },
			      { .name = NULL } };
	struct opt_group hg[] = { { help, 0 }, { NULL, 0 } };
	struct cfg c = { .flag = false };
	struct err e = { "" };
	int used = -1;

	cr_assert_eq(opts_parse("", groups, 5, argv, &c, true, &used, &e), 0, "%s", e.msg);
	cr_assert_eq(used, 3, "stops at the first word naming no option");
	cr_assert(c.flag);
	cr_assert_eq(c.n, 5);
	cr_assert_eq(opts_parse("", hg, 2, stop, &c, true, &used, &e), 0, "%s", e.msg);
	cr_assert_eq(used, 1, "a stop flag ends the options");
	argv[0] = "--nope";
	cr_assert_eq(opts_parse("", groups, 5, argv, &c, true, &used, &e), -1);
	cr_assert_str_eq(e.msg, "unknown option \"--nope\" (see: srv6-bpf help)");
	argv[0] = "--str";
	cr_assert_eq(opts_parse("", groups, 1, argv, &c, true, &used, &e), -1);
	cr_assert_str_eq(e.msg, "--str: missing FILE", "no command: no prefix");
}

Test(opts, expect_text)
{
	char buf[64];

	opt_expect(&test_opts[2], buf, sizeof(buf));
	cr_assert_str_eq(buf, "2-9");
	opt_expect(&test_opts[5], buf, sizeof(buf));
	cr_assert_str_eq(buf, "red, green or blue");
	opt_expect(&test_opts[1], buf, sizeof(buf));
	cr_assert_str_eq(buf, "", "a string takes anything");
}

/* --- the fragment sync, run and plan share -------------------------------------------- */

static void shared_error(const char *args, const char *want)
{
	char buf[3][256], *argv[3][16];
	int argc[3];
	struct sync_opts so;
	struct ctx c = { 0 };
	struct err e[3] = { { "" }, { "" }, { "" } };
	char want_sync[256], want_run[256], want_plan[256];

	for (int i = 0; i < 3; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s", args);
		argc[i] = ut_words(buf[i], argv[i], 16);
	}
	cr_assert_eq(sync_opts_parse(argc[0], argv[0], &so, &e[0]), -1, "sync took %s", args);
	cr_assert_eq(cmd_run(&c, argc[1], argv[1], &e[1]), -1, "run took %s", args);
	cr_assert_eq(cmd_plan(&c, argc[2], argv[2], &e[2]), -1, "plan took %s", args);
	snprintf(want_sync, sizeof(want_sync), "sync: %s", want);
	snprintf(want_run, sizeof(want_run), "run: %s", want);
	snprintf(want_plan, sizeof(want_plan), "plan: %s", want);
	cr_assert_str_eq(e[0].msg, want_sync);
	cr_assert_str_eq(e[1].msg, want_run);
	cr_assert_str_eq(e[2].msg, want_plan);
}

Test(opts, the_plan_inputs_fail_alike_in_sync_run_and_plan)
{
	unsetenv("DEST_FUNCTION");
	setenv("JALAPENO_API_ENDPOINT", "http://j/api/v1", 1);
	shared_error("--topology-file t --paths 9", "--paths: invalid value \"9\": give 1-8");
	shared_error("--topology-file t --paths 0", "--paths: invalid value \"0\": give 1-8");
	shared_error("--topology-file t --pattern star",
		     "--pattern: invalid value \"star\": give all-to-all or ring");
	shared_error("--topology-file t --dest-function fe0g",
		     "--dest-function: invalid value \"fe0g\": give a 16-bit uSID in hex, e.g. fe06");
	shared_error("--topology-file", "--topology-file: missing FILE");
	shared_error("--topology-file t --hosts-file", "--hosts-file: missing FILE");
	shared_error("--topology-file t --pairs", "--pairs: missing FILE");
	shared_error("--topology-file t --previous", "--previous: missing PLAN.json");
	shared_error("--topology-file t --pattern ring --pairs p",
		     "give --pattern or --pairs, not both");
	setenv("DEST_FUNCTION", "12345", 1);
	shared_error("--topology-file t",
		     "DEST_FUNCTION: invalid value \"12345\": give a 16-bit uSID in hex, e.g. fe06");
	unsetenv("DEST_FUNCTION");
	unsetenv("JALAPENO_API_ENDPOINT");
}
