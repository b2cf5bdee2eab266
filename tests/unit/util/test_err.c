// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/util/err.c: one error, one line, never past ERR_LEN. */
#include <criterion/criterion.h>
#include <string.h>
#include "util/err.h"
#include "unit_helpers.h"

Test(err, errf_returns_minus_one_and_formats)
{
	struct err e;

	cr_assert_eq(errf(&e, "bad %s at %d", "weight", 7), -1);
	cr_assert_str_eq(e.msg, "bad weight at 7");
}

Test(err, errf_turns_newlines_into_spaces)
{
	struct err e;

	/* Input echoed into a message (a peer read from a file) must not split it. */
	errf(&e, "invalid peer \"%s\"", "a\nb\r\nc");
	cr_assert_str_eq(e.msg, "invalid peer \"a b  c\"");
	cr_assert(ut_one_line(e.msg));
}

Test(err, errf_truncates_at_err_len)
{
	struct err e;
	char big[ERR_LEN * 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(e.msg, 'Z', sizeof(e.msg));
	errf(&e, "%s", big);
	cr_assert_eq(strlen(e.msg), ERR_LEN - 1);
	cr_assert_eq(e.msg[0], 'x');
	cr_assert_eq(e.msg[ERR_LEN - 2], 'x');
}

Test(err, err_prefix_prepends)
{
	struct err e;

	errf(&e, "invalid weight \"0\"");
	err_prefix(&e, "%s:%d", "peers.txt", 12);
	cr_assert_str_eq(e.msg, "peers.txt:12: invalid weight \"0\"");
}

Test(err, err_prefix_twice_nests)
{
	struct err e;

	errf(&e, "m");
	err_prefix(&e, "inner");
	err_prefix(&e, "outer");
	cr_assert_str_eq(e.msg, "outer: inner: m");
}

Test(err, err_prefix_on_empty_message)
{
	struct err e;

	errf(&e, "%s", "");
	err_prefix(&e, "p");
	cr_assert_str_eq(e.msg, "p: ");
}

Test(err, err_prefix_truncates_a_full_message)
{
	struct err e;
	char want[ERR_LEN];

	memset(e.msg, 'm', ERR_LEN - 1);
	e.msg[ERR_LEN - 1] = '\0';
	err_prefix(&e, "pre");
	/* "pre: " then as much of the old message as fits in ERR_LEN - 1 characters. */
	memset(want, 'm', sizeof(want));
	memcpy(want, "pre: ", 5);
	want[ERR_LEN - 1] = '\0';
	cr_assert_eq(strlen(e.msg), ERR_LEN - 1);
	cr_assert_str_eq(e.msg, want);
}

Test(err, err_prefix_caps_a_long_prefix_at_half)
{
	struct err e;
	char prefix[ERR_LEN];
	size_t half = ERR_LEN / 2;

	memset(prefix, 'p', sizeof(prefix) - 1);
	prefix[sizeof(prefix) - 1] = '\0';
	memset(e.msg, 'm', ERR_LEN - 1);
	e.msg[ERR_LEN - 1] = '\0';
	err_prefix(&e, "%s", prefix);
	/* At most half the buffer goes to the prefix, so the message keeps the rest. */
	cr_assert_eq(strlen(e.msg), ERR_LEN - 1);
	for (size_t i = 0; i < half; i++)
		cr_assert_eq(e.msg[i], 'p', "byte %zu", i);
	cr_assert_eq(e.msg[half], ':');
	cr_assert_eq(e.msg[half + 1], ' ');
	cr_assert_eq(e.msg[half + 2], 'm');
	cr_assert_eq(e.msg[ERR_LEN - 2], 'm');
}

Test(err, err_prefix_keeps_one_line)
{
	struct err e;

	/* membership.c prefixes errors with a user-given file name. */
	errf(&e, "invalid rank");
	err_prefix(&e, "%s:%d", "hosts\nfile", 3);
	cr_assert(ut_one_line(e.msg), "two lines: \"%s\"", e.msg);
	cr_assert_str_eq(e.msg, "hosts file:3: invalid rank");
}
