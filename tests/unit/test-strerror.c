// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-strerror - every errno libacid returns has its own sentence.
 *
 * The list below is the errnos the library's functions document or pass
 * through from its checks (ENOBUFS: a record lost to a full backlog,
 * which replaced EAGAIN); a new errno in the library needs a row here
 * and a sentence in lib/strerror.c.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <acid/libacid.h>

#include "tap.h"

#define E(x) { x, #x }
static const struct {
	int err;
	const char *name;
} errnos[] = {
	E(EPERM), E(ESRCH), E(EXDEV), E(EBUSY), E(EEXIST), E(ENOTUNIQ),
	E(EINVAL), E(ERANGE), E(ENOENT), E(ENOMEM), E(ENOSPC), E(EACCES),
	E(EROFS), E(ELOOP), E(ENOTDIR), E(EUCLEAN), E(EBADMSG), E(EPROTO),
	E(ENOTCONN), E(ECONNREFUSED), E(EPROTONOSUPPORT), E(ETIMEDOUT),
	E(EIO), E(ENOBUFS), E(EAGAIN), E(ECONNABORTED), E(ENOMSG), E(EREMOTE),
};
#define NERR (sizeof(errnos) / sizeof(errnos[0]))

static void test_sentences(void)
{
	for (size_t i = 0; i < NERR; i++) {
		const char *neg = acid_strerror(-errnos[i].err);
		const char *pos = acid_strerror(errnos[i].err);
		size_t n = neg ? strlen(neg) : 0;

		if (!ok(neg != NULL, "%s: acid_strerror(-%s) is not NULL",
			errnos[i].name, errnos[i].name))
			continue;
		ok(n > 1 && neg[n - 1] == '.',
		   "%s: a sentence ending in '.': \"%s\"", errnos[i].name, neg);
		is_str(pos, neg, "%s: positive and negative forms agree",
		       errnos[i].name);
		/* its own words, not the C library's (which have no '.') */
		ok(strcmp(neg, strerror(errnos[i].err)) != 0,
		   "%s: not just strerror()'s \"%s\"", errnos[i].name,
		   strerror(errnos[i].err));
	}
}

static void test_distinct(void)
{
	int same = 0;

	for (size_t i = 0; i < NERR; i++) {
		for (size_t k = i + 1; k < NERR; k++) {
			const char *a = acid_strerror(-errnos[i].err);
			const char *b = acid_strerror(-errnos[k].err);

			if (a && b && strcmp(a, b) == 0) {
				diag("%s and %s share \"%s\"", errnos[i].name,
				     errnos[k].name, a);
				same++;
			}
		}
	}
	is_int(same, 0, "pairs of distinct errnos (%zu errnos) sharing a "
			"sentence", NERR);
}

static void test_others(void)
{
	static const int odd[] = { 9999, -9999, 4095, EISDIR, EMSGSIZE,
				   INT_MAX, INT_MIN + 1 };
	const char *s;

	s = acid_strerror(0);
	ok(s && *s, "acid_strerror(0) is a non-empty string: \"%s\"",
	   s ? s : "(null)");
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		s = acid_strerror(odd[i]);
		ok(s && *s, "acid_strerror(%d) is a non-empty string: \"%s\"",
		   odd[i], s ? s : "(null)");
	}
	/* the sentence for an unknown errno is not one of the known ones */
	s = acid_strerror(-9999);
	for (size_t i = 0; s && i < NERR; i++)
		if (strcmp(s, acid_strerror(errnos[i].err)) == 0)
			s = NULL;
	ok(s != NULL, "acid_strerror(-9999) is not a known errno's sentence");
}

/*
 * Last, because a build with -fsanitize=undefined stops here if the
 * library negates INT_MIN (undefined behaviour) to make it positive.
 */
static void test_int_min(void)
{
	const char *s;

	diag("acid_strerror(INT_MIN): \"may be negative or positive\"");
	s = acid_strerror(INT_MIN);
	ok(s && *s, "acid_strerror(INT_MIN) is a non-empty string: \"%s\"",
	   s ? s : "(null)");
}

/* acid_version: the project's version, as meson has it */
static void test_version(void)
{
	is_str(acid_version(), ACID_VERSION, "acid_version");
}

/* acid_stop_reason_valid: the one test of a stop reason */
static void test_reasons(void)
{
	static const char *const good[] = {
		"exit", "lost", "failed", "a-b", "-",
		"abcdefghijklmnopqrstuvwxyzabcdef",	/* 32 */
	};
	static const char *const bad[] = {
		"", "Exit", "e x", "exit\n", "r2", "reason=x",
		"abcdefghijklmnopqrstuvwxyzabcdefg",	/* 33 */
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(acid_stop_reason_valid(good[i]), "reason \"%s\" valid",
		   good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		/* %.*s: "exit\n" printed whole would break the TAP line */
		ok(!acid_stop_reason_valid(bad[i]), "reason %zu \"%.*s\" "
		   "refused", i, (int)strcspn(bad[i], "\n"), bad[i]);
	ok(!acid_stop_reason_valid(NULL), "no reason refused");
}

int main(void)
{
	test_version();
	test_reasons();
	test_sentences();
	test_distinct();
	test_others();
	test_int_min();
	return tap_done();
}
