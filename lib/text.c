// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Text helpers the modules share, one of each: the strict decimal
 * reader, the hex writer, and the growing string that records and
 * registry entries are built in.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/*
 * Strict decimal: digits only, no sign, no leading zeros beyond a lone
 * "0", nothing over @max. strtoull would take " +12" and wrap "-1".
 */
int text_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0,
			      fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if (b->p && (size_t)n < room)
			break;
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		if (!b->p)
			p[0] = '\0';
		b->p = p;
		b->cap = cap;
	}
	b->len += (size_t)n;
}

void strbuf_add_hex(struct strbuf *b, const char *s, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = strlen(s);
	char *o;

	strbuf_addf(b, "%s", "");
	if (b->err)
		return;
	if (b->cap - b->len < 2 * n + 1) {
		size_t cap = b->len + 2 * n + 1;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	o = b->p + b->len;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		*o++ = digits[*c >> 4];
		*o++ = digits[*c & 15];
	}
	*o = '\0';
	b->len += 2 * n;
}

int strbuf_finish(struct strbuf *b, char **out, size_t *len)
{
	if (!b->err && !b->p)
		strbuf_addf(b, "%s", "");
	if (b->err) {
		free(b->p);
		b->p = NULL;
		return b->err;
	}
	*out = b->p;
	if (len)
		*len = b->len;
	return 0;
}
