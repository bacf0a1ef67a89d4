// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * registry-test.h - what the registry tests share (test-registry.c,
 * test-registry-index.c, test-registry-concurrent.c): a context on a
 * state dir, the index mark, and the crafted entries.
 */
#ifndef ACID_TEST_REGISTRY_TEST_H
#define ACID_TEST_REGISTRY_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#include "child.h"
#include "tap.h"

static inline struct acid_ctx *ctx_at(const char *state_dir)
{
	struct acid_opts o = {
		.size = sizeof(o),
		.state_dir = state_dir,
	};
	struct acid_ctx *ctx;
	int r = acid_ctx_new(&o, &ctx);

	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new(%s)", state_dir);
	}
	return ctx;
}

/* Take the registry lock and upgrade once, as every writer does: it marks the index. */
static inline void mark_index(int dirfd)
{
	int lock = registry_lock(dirfd), r;

	if (lock < 0) {
		errno = -lock;
		bail("registry_lock");
	}
	r = registry_upgrade(dirfd, lock);
	if (r < 0) {
		errno = -r;
		bail("registry_upgrade");
	}
	close(lock);
}

/* ------------------------------------------------- crafted entries */

#define NTHREADS 16
#define NPROCS 8
#define NWRITERS (NTHREADS + NPROCS)
#define PER_WRITER 50
#define NREADERS 2

/* Entry i of writer w: everything derived from (w, i). */
static inline struct acid_entry *crafted(int w, int i)
{
	struct acid_entry *e = entry_new();

	if (!e)
		return NULL;
	e->id.bytes[0] = 0xac;
	e->id.bytes[1] = 0x1d;
	e->id.bytes[2] = (uint8_t)w;
	e->id.bytes[3] = (uint8_t)i;
	e->id.bytes[6] = 0x40;
	e->id.bytes[8] = 0x80;
	e->pid = 100000 + w * 100 + i;
	e->starttime = (uint64_t)w * 1000 + (uint64_t)i + 1;
	e->time = 1700000000 + w;
	e->ses_tag = (uint32_t)i;
	e->mode = ACID_MODE_USER;
	e->ns.ns[ACID_NS_NET].present = true;
	e->ns.ns[ACID_NS_NET].dev_minor = 4;
	e->ns.ns[ACID_NS_NET].ino = 4026531000u + (uint64_t)i;
	free(e->name);
	free(e->bundle);
	if (asprintf(&e->name, "writer %d \"entry\"\n%d", w, i) < 0)
		e->name = NULL;
	if (asprintf(&e->bundle, "/run/b/%d/%d", w, i) < 0)
		e->bundle = NULL;
	if (!e->name || !e->bundle) {
		acid_entry_free(e);
		return NULL;
	}
	return e;
}

/* Does @e hold exactly what crafted() made for its (w, i)? */
static inline bool crafted_ok(const struct acid_entry *e, int *w, int *i)
{
	struct acid_entry *want;
	bool same;

	if (e->id.bytes[0] != 0xac || e->id.bytes[1] != 0x1d ||
	    e->id.bytes[2] >= NWRITERS || e->id.bytes[3] >= PER_WRITER)
		return false;
	*w = e->id.bytes[2];
	*i = e->id.bytes[3];
	want = crafted(*w, *i);
	if (!want)
		return false;
	same = acid_id_equal(&want->id, &e->id) && want->pid == e->pid &&
	       want->starttime == e->starttime && want->time == e->time &&
	       want->ses_tag == e->ses_tag && want->mode == e->mode &&
	       !strcmp(want->name, e->name) &&
	       !strcmp(want->bundle, e->bundle) &&
	       !memcmp(&want->ns, &e->ns, sizeof(e->ns)) && !e->has_parent;
	acid_entry_free(want);
	return same;
}

#endif
