/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tap.h - the few lines of TAP that libacid's unit tests print.
 *
 * Every check prints one "ok N - what: got X, want Y" or "not ok N - ..."
 * line, so a log shows what was compared and not only that something
 * failed. tap_done() prints the plan and gives the exit status: non-zero
 * when any check failed. Only the test's own process prints: a forked
 * helper reports back through a pipe or its exit status and leaves with
 * _exit(), so stdio buffers are never flushed twice (each line is flushed
 * as it is printed for the same reason).
 */
#ifndef ACID_TEST_TAP_H
#define ACID_TEST_TAP_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int tap_count __attribute__((unused));
static unsigned int tap_failed __attribute__((unused));

static inline __attribute__((format(printf, 2, 0))) bool
tap_vok(bool pass, const char *fmt, va_list ap)
{
	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %u - ", pass ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return pass;
}

/* ok - a check: @pass, described by @fmt. Returns @pass. */
static inline __attribute__((format(printf, 2, 3))) bool
ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(pass, fmt, ap);
	va_end(ap);
	return pass;
}

/* diag - a comment line, for context that is not a check. */
static inline __attribute__((format(printf, 1, 2))) void
diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

/* skip - a check that cannot be made here, and why. */
static inline __attribute__((format(printf, 1, 2))) void
skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_count++;
	printf("ok %u # SKIP ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

/* "-EXDEV" for -18, "0" for 0, a number for anything unnamed. */
static inline const char *tap_errname(long long v, char *buf, size_t len)
{
	const char *n = NULL;

	if (v < 0 && v > -4096)
		n = strerrorname_np((int)-v);
	if (n)
		snprintf(buf, len, "-%s", n);
	else
		snprintf(buf, len, "%lld", v);
	return buf;
}

/* is_int - integers, printed as numbers. */
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __VA_ARGS__)
static inline __attribute__((format(printf, 3, 4))) bool
tap_is_int(long long got, long long want, const char *fmt, ...)
{
	char what[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ok(got == want, "%s: got %lld, want %lld", what, got, want);
}

/* is_u64 - unsigned 64-bit values. */
static inline __attribute__((format(printf, 3, 4))) bool
is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
{
	char what[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ok(got == want, "%s: got %" PRIu64 ", want %" PRIu64, what,
		  got, want);
}

/* is_err - return codes (0 or -errno), printed with the errno's name. */
#define is_err(got, want, ...) \
	tap_is_err((long long)(got), (long long)(want), __VA_ARGS__)
static inline __attribute__((format(printf, 3, 4))) bool
tap_is_err(long long got, long long want, const char *fmt, ...)
{
	char what[2048], g[32], w[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ok(got == want, "%s: got %s, want %s", what,
		  tap_errname(got, g, sizeof(g)),
		  tap_errname(want, w, sizeof(w)));
}

/* Quote @s into @buf, control bytes and bytes >= 0x7f escaped, cut. */
static inline const char *tap_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (!s)
		return "NULL";
	buf[o++] = '"';
	for (; *s && o + 8 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '"')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else if (c == '\n')
			o += (size_t)snprintf(buf + o, len - o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (*s)
		o += (size_t)snprintf(buf + o, len - o, "...");
	snprintf(buf + o, len - o, "\"");
	return buf;
}

/* is_str - strings (NULL allowed), printed quoted and escaped. */
static inline __attribute__((format(printf, 3, 4))) bool
is_str(const char *got, const char *want, const char *fmt, ...)
{
	char what[2048], g[400], w[400];
	bool pass;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pass = (!got && !want) || (got && want && strcmp(got, want) == 0);
	if (pass && got && strlen(got) > 300)
		return ok(pass, "%s: got the expected %zu-byte string", what,
			  strlen(got));
	return ok(pass, "%s: got %s, want %s", what,
		  tap_quote(got, g, sizeof(g)), tap_quote(want, w, sizeof(w)));
}

/* bail - the test cannot go on (its setup failed): stop, loudly. */
#define bail(...)                                                     \
	do {                                                          \
		printf("Bail out! ");                                 \
		printf(__VA_ARGS__);                                  \
		printf(" (%s:%d, errno %s)\n", __FILE__, __LINE__,    \
		       strerrorname_np(errno) ? strerrorname_np(errno) \
					      : "0");                  \
		fflush(stdout);                                       \
		exit(2);                                              \
	} while (0)

/* tap_done - the plan, and the exit status for main(). */
static inline int tap_done(void)
{
	printf("1..%u\n", tap_count);
	if (tap_failed)
		printf("# %u of %u checks failed\n", tap_failed, tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* ACID_TEST_TAP_H */
