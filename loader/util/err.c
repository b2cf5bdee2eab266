// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One line, whatever the input echoed into it contained. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

int errf(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	one_line(e->msg);
	return -1;
}

void err_prefix(struct err *e, const char *fmt, ...)
{
	char prefix[ERR_LEN];
	size_t plen, olen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strnlen(prefix, ERR_LEN / 2);
	olen = strnlen(e->msg, ERR_LEN - 1);
	if (plen + 2 + olen > ERR_LEN - 1)
		olen = ERR_LEN - 1 - plen - 2;
	memmove(e->msg + plen + 2, e->msg, olen);
	memcpy(e->msg, prefix, plen);
	memcpy(e->msg + plen, ": ", 2);
	e->msg[plen + 2 + olen] = '\0';
	one_line(e->msg);
}
