// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/util/lines.c: lines with their numbers, comments, blanks, words. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "util/lines.h"
#include "unit_helpers.h"

static FILE *text(const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");

	cr_assert_not_null(f);
	return f;
}

Test(lines, raw_lines_keep_blanks_and_comments)
{
	FILE *f = text("a b\n\n# c\nlast");
	struct line_reader r;

	line_reader_init(&r, f, 0);
	cr_assert_eq(line_reader_next(&r), 1);
	cr_assert_str_eq(r.line, "a b");
	cr_assert_eq(r.lineno, 1);
	cr_assert_eq(line_reader_next(&r), 1);
	cr_assert_str_eq(r.line, "");
	cr_assert_eq(line_reader_next(&r), 1);
	cr_assert_str_eq(r.line, "# c");
	cr_assert_eq(line_reader_next(&r), 1);
	cr_assert_str_eq(r.line, "last");
	cr_assert_eq(r.lineno, 4);
	cr_assert_eq(line_reader_next(&r), 0);
	line_reader_close(&r);
	fclose(f);
}

Test(lines, comments_cut_and_blank_lines_skipped_numbers_kept)
{
	FILE *f = text("  \n# only a comment\nh1 3 # rank three\nh#2 x\n\t\r\n h3\n");
	struct line_reader r;

	line_reader_init(&r, f, LINES_COMMENTS | LINES_SKIP_BLANK);
	cr_assert_eq(line_reader_next(&r), 1);
	cr_assert_str_eq(r.line, "h1 3 ");
	cr_assert_eq(r.lineno, 3);
	cr_assert_eq(line_reader_next(&r), 1);
	cr_assert_str_eq(r.line, "h#2 x", "a '#' inside a word is not a comment");
	cr_assert_eq(line_reader_next(&r), 1);
	cr_assert_str_eq(r.line, " h3");
	cr_assert_eq(r.lineno, 6);
	cr_assert_eq(line_reader_next(&r), 0);
	line_reader_close(&r);
	fclose(f);
}

Test(lines, open_fails_with_errno)
{
	struct line_reader r;

	cr_assert_eq(line_reader_open(&r, "/nonexistent/lines", 0), -1);
	cr_assert_neq(errno, 0);
}

Test(lines, words_split_stop_at_comment_and_count_overflow)
{
	char a[] = " add\tfc00::1  dev\r\n", b[] = "x y #z w", c[] = "1 2 3 4", d[] = "# all";
	char *w[3];

	cr_assert_eq(line_words(a, w, 3), 3);
	cr_assert_str_eq(w[0], "add");
	cr_assert_str_eq(w[1], "fc00::1");
	cr_assert_str_eq(w[2], "dev");
	cr_assert_eq(line_words(b, w, 3), 2);
	cr_assert_eq(line_words(c, w, 3), 4, "more than max: max + 1");
	cr_assert_eq(line_words(d, w, 3), 0);
}
