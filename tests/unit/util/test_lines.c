// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/util/lines.c: lines with their numbers, comments, blanks, words. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "util/lines.h"
#include "unit_helpers.h"

static FILE *text(const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");

	cr_assert_not_null(f);
	return f;
}

/* The next line is text, numbered lineno. */
static void expect_line(struct line_reader *r, const char *text, size_t lineno)
{
	cr_assert_eq(line_reader_next(r), 1, "line %zu", lineno);
	cr_assert_str_eq(r->line, text);
	cr_assert_eq(r->lineno, lineno);
}

Test(lines, raw_lines_keep_blanks_and_comments)
{
	FILE *f = text("a b\n\n# c\nlast");
	struct line_reader r;

	line_reader_init(&r, f, 0);
	expect_line(&r, "a b", 1);
	expect_line(&r, "", 2);
	expect_line(&r, "# c", 3);
	expect_line(&r, "last", 4);
	cr_assert_eq(line_reader_next(&r), 0);
	line_reader_close(&r);
	fclose(f);
}

Test(lines, comments_cut_and_blank_lines_skipped_numbers_kept)
{
	FILE *f = text("  \n# only a comment\nh1 3 # rank three\nh#2 x\n\t\r\n h3\n");
	struct line_reader r;

	line_reader_init(&r, f, LINES_COMMENTS | LINES_SKIP_BLANK);
	expect_line(&r, "h1 3 ", 3);
	expect_line(&r, "h#2 x", 4); /* a '#' inside a word is not a comment */
	expect_line(&r, " h3", 6);
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

struct collected {
	char text[256];
	size_t calls;
};

static int collect(void *arg, char **words, int n, const char *path, size_t lineno,
		   struct err *e)
{
	struct collected *c = arg;
	size_t len = strlen(c->text);

	(void)path;
	c->calls++;
	if (!strcmp(words[0], "stop"))
		return errf(e, "stopped at %zu", lineno);
	len += (size_t)snprintf(c->text + len, sizeof(c->text) - len, "%zu:", lineno);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(c->text + len, sizeof(c->text) - len, "%s%s", i ? "," : "",
					words[i]);
	snprintf(c->text + len, sizeof(c->text) - len, ";");
	return 0;
}

static char *temp_text(const char *text)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_lines.XXXXXX");
	cr_assert_neq(mkstemp(path), -1);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

Test(lines, each_gives_words_with_line_numbers_and_stops_on_errors)
{
	struct collected c = { "", 0 };
	struct err e = { "" };
	char *path = temp_text("# hosts\na 1\n\nb  2 x # c\n");

	cr_assert_eq(lines_each(path, "hosts file", 3, "name [rank] [address]", collect, &c, &e), 0);
	cr_assert_str_eq(c.text, "2:a,1;4:b,2,x;");
	unlink(path);

	path = temp_text("a\na b c d\n");
	cr_assert_eq(lines_each(path, "hosts file", 3, "name [rank] [address]", collect, &c, &e), -1);
	cr_assert(strstr(e.msg, ":2: expected \"name [rank] [address]\""), "%s", e.msg);
	unlink(path);

	c.calls = 0;
	path = temp_text("stop\nnever\n");
	cr_assert_eq(lines_each(path, "pairs file", 3, "SRC DST", collect, &c, &e), -1);
	cr_assert_str_eq(e.msg, "stopped at 1");
	cr_assert_eq(c.calls, 1);
	unlink(path);

	cr_assert_eq(lines_each("/nonexistent/x", "pairs file", 3, "SRC DST", collect, &c, &e), -1);
	cr_assert_str_eq(e.msg, "cannot read pairs file /nonexistent/x: No such file or directory");
}
