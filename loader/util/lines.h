/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading a text input line by line (hosts files, pairs files, route batches):
 * each line with its number, the newline stripped; optionally '#' comments cut
 * and blank lines skipped; and a line split into whitespace words.
 */
#ifndef SRV6_LINES_H
#define SRV6_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

enum {
	LINES_COMMENTS = 1 << 0,   /* a word starting with '#' ends the line */
	LINES_SKIP_BLANK = 1 << 1, /* skip lines with no words (after comments) */
};

struct line_reader {
	FILE *f;
	bool own;     /* opened here: closed by line_reader_close */
	unsigned int flags;
	char *line;   /* the current line, without its newline */
	size_t cap;
	size_t lineno; /* 1-based number of the current line */
};

/* Read f (not closed by line_reader_close). */
void line_reader_init(struct line_reader *r, FILE *f, unsigned int flags);

/* Read path, or stdin for "-"; -1 with errno set when it cannot be opened. */
int line_reader_open(struct line_reader *r, const char *path, unsigned int flags);

/* The next line in r->line (r->lineno its number): 1, 0 at the end of the
 * input, -1 with errno set on a read error. */
int line_reader_next(struct line_reader *r);

void line_reader_close(struct line_reader *r);

/*
 * Split line in place at blanks (space, tab, CR, LF) into at most max words;
 * a word starting with '#' begins a comment that runs to the end of the line.
 * Returns the number of words, or max + 1 when the line has more than max.
 */
int line_words(char *line, char **words, int max);

/* One line's words (1 to the max given to lines_each) and its number. */
typedef int (*lines_fn)(void *arg, char **words, int n, const char *path, size_t lineno,
			struct err *e);

/*
 * A word file: each line of path ("-" for stdin), '#' comments cut and blank
 * lines skipped, split into words for fn. A line with more than max words
 * (max <= 16) fails as "PATH:LINE: expected \"usage\""; what names the file
 * in "cannot read WHAT PATH: ...". Stops at the first fn that fails.
 */
int lines_each(const char *path, const char *what, int max, const char *usage, lines_fn fn,
	       void *arg, struct err *e);

#endif
