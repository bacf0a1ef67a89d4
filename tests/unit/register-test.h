// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * register-test.h - what the registration tests share (test-register.c,
 * test-register-env.c): a fixture (a fresh state directory and a context
 * on it), registering, IDs, and what a state directory must hold.
 */
#ifndef ACID_TEST_REGISTER_TEST_H
#define ACID_TEST_REGISTER_TEST_H

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#include "child.h"
#include "tap.h"

struct fixture {
	char *dir;
	struct acid_ctx *ctx;
};

static inline struct acid_ctx *ctx_at(const char *state_dir)
{
	struct acid_opts o = {
		.size = sizeof(o),
		.proc_root = NULL,
		.state_dir = state_dir,
	};
	struct acid_ctx *ctx;
	int r = acid_ctx_new(&o, &ctx);

	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new(state_dir %s)", state_dir);
	}
	if (acid_ctx_mode(ctx) != ACID_MODE_USER)
		bail("this kernel has /proc/self/audit_containerid: these "
		     "cases are for user-space mode");
	return ctx;
}

static inline void fx_new(struct fixture *fx, const char *what)
{
	fx->dir = temp_dir(what);
	fx->ctx = ctx_at(fx->dir);
}

static inline void fx_free(struct fixture *fx)
{
	acid_ctx_free(fx->ctx);
	remove_tree(fx->dir);
	free(fx->dir);
}

static inline int reg(struct acid_ctx *ctx, pid_t pid,
		      const struct acid_id *id, const char *name,
		      const char *bundle, struct acid_entry **out)
{
	struct acid_reg q = {
		.size = sizeof(q),
		.pid = pid,
		.id = id,
		.name = name,
		.bundle = bundle,
	};

	return acid_register(ctx, &q, out);
}

static inline struct acid_id new_id(void)
{
	struct acid_id id;

	if (acid_id_generate(ACID_ID_UUID, &id) < 0)
		bail("acid_id_generate");
	return id;
}

static inline const char *idstr(const struct acid_id *id,
				char buf[ACID_ID_STRLEN])
{
	if (!id)
		return "(none)";
	if (acid_id_format(id, buf, ACID_ID_STRLEN) < 0)
		return "(bad id)";
	return buf;
}

/*
 * The state directory holds exactly @entries entries and pid links, and
 * one name slot for each entry that has a name.
 */
static inline void expect_dir(const char *dir, int entries, const char *what)
{
	struct dir_census c = census(dir);
	struct acid_entry **list = NULL;
	size_t n = 0;
	int named = 0, dirfd = registry_open(dir, false);

	if (dirfd >= 0 && registry_list(dirfd, &list, &n) == 0)
		for (size_t i = 0; i < n; i++)
			named += *acid_entry_name(list[i]) != '\0';
	if (dirfd >= 0)
		close(dirfd);
	acid_list_free(list, n);
	ok(c.entries == entries && c.pidlinks == entries &&
		   c.namelinks == named && c.tmps == 0 && c.others == 0,
	   "%s: state dir holds %d entries, %d pid links, %d name slots "
	   "(%d named), %d .tmp-*, %d others; want %d, %d, %d, 0, 0",
	   what, c.entries, c.pidlinks, c.namelinks, named, c.tmps, c.others,
	   entries, entries, named);
}

/* A failed registration left nothing behind. */
static inline void expect_clean(const char *dir, const char *what)
{
	expect_dir(dir, 0, what);
}

static inline bool ids_equal(const struct acid_id *a, const struct acid_id *b)
{
	return a && b && acid_id_equal(a, b);
}

#endif
