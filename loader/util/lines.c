// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "lines.h"
#include "array.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BLANKS " \t\r\n"

void line_reader_init(struct line_reader *r, FILE *f, unsigned int flags)
{
	*r = (struct line_reader){ .f = f, .flags = flags };
}

int line_reader_open(struct line_reader *r, const char *path, unsigned int flags)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;

	line_reader_init(r, f, flags);
	if (!f)
		return -1;
	r->own = f != stdin;
	return 0;
}

/* Cut the line at the first word that starts with '#'. */
static void cut_comment(char *line)
{
	for (char *p = line; *p; p++) {
		if (*p == '#' && (p == line || strchr(BLANKS, p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static bool blank(const char *line)
{
	return line[strspn(line, BLANKS)] == '\0';
}

int line_reader_next(struct line_reader *r)
{
	for (;;) {
		ssize_t len;

		errno = 0;
		len = getline(&r->line, &r->cap, r->f);
		if (len < 0)
			return ferror(r->f) ? (errno ? -1 : (errno = EIO, -1)) : 0;
		r->lineno++;
		if (len > 0 && r->line[len - 1] == '\n')
			r->line[--len] = '\0';
		if (r->flags & LINES_COMMENTS)
			cut_comment(r->line);
		if ((r->flags & LINES_SKIP_BLANK) && blank(r->line))
			continue;
		return 1;
	}
}

void line_reader_close(struct line_reader *r)
{
	free(r->line);
	if (r->own && r->f)
		fclose(r->f);
	*r = (struct line_reader){ 0 };
}

int line_words(char *line, char **words, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, BLANKS, &save); t; t = strtok_r(NULL, BLANKS, &save)) {
		if (t[0] == '#')
			break;
		if (n == max)
			return max + 1;
		words[n++] = t;
	}
	return n;
}

int lines_each(const char *path, const char *what, int max, const char *usage, lines_fn fn,
	       void *arg, struct err *e)
{
	struct line_reader r;
	char *words[16];
	int rc, failed = 0;

	if (max < 1 || max > (int)ARRAY_SIZE(words))
		return errf(e, "%s: at most %zu words a line", what, ARRAY_SIZE(words));
	if (line_reader_open(&r, path, LINES_COMMENTS | LINES_SKIP_BLANK))
		return errf(e, "cannot read %s %s: %s", what, path, strerror(errno));
	while (!failed && (rc = line_reader_next(&r)) > 0) {
		int n = line_words(r.line, words, max);

		if (n > max)
			failed = errf(e, "%s:%zu: expected \"%s\"", path, r.lineno, usage);
		else
			failed = fn(arg, words, n, path, r.lineno, e);
	}
	if (!failed && rc < 0)
		failed = errf(e, "cannot read %s %s: %s", what, path, strerror(errno));
	line_reader_close(&r);
	return failed ? -1 : 0;
}
