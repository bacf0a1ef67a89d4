// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Registration: the checks, the kernel write and the registry entry of a
 * container's start, and the end of it, each under the registry lock so
 * that it is one step for every other writer.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/*
 * The user-space mode's rules about the target's place in the process
 * tree. A kernel with the interface decides these itself.
 */
static int check_tree(const struct acid_ctx *ctx, pid_t pid)
{
	int r;

	if (ctx->mode != ACID_MODE_USER)
		return 0;
	r = proc_is_self_or_ancestor(ACID_DEFAULT_PROC_ROOT, pid);
	if (r < 0)
		return r;
	if (r)
		return -EXDEV;
	r = proc_has_children(ctx->proc_root, pid);
	if (r < 0)
		return r;
	return r ? -EBUSY : 0;
}

/* A registration whose record the kernel would cut short is refused. */
static int start_record_fits(const struct acid_entry *e)
{
	_cleanup_free_ char *text = NULL;
	char exe[4096];
	int r;

	record_self_exe(exe, sizeof(exe));
	r = record_start_text(e, exe, &text);
	if (r < 0)
		return r;
	return strlen(text) < RECORD_TEXT_MAX ? 0 : -ENAMETOOLONG;
}

/* The checks against what is registered, under the registry lock. */
static int check_target(const struct acid_ctx *ctx, int dirfd,
			const struct acid_entry *e)
{
	struct acid_entry *old;
	int r;

	if (ctx->mode != ACID_MODE_USER) {
		bool set;
		struct acid_id cur;

		/* the kernel decides EXDEV and EBUSY; we only spare it a
		 * write it would refuse anyway */
		r = kernel_read_id(ctx, e->pid, &set, &cur);
		if (r < 0)
			return r;
		if (set)
			return -EEXIST;
	}
	r = registry_get_pid(dirfd, e->pid, &old);
	if (r == 0) {
		bool same = old->starttime == e->starttime;

		acid_entry_free(old);
		if (same)
			return -EEXIST;
	}
	r = registry_get_id(dirfd, &e->id, &old);
	if (r == 0) {
		acid_entry_free(old);
		return -ENOTUNIQ;
	}
	if (r != -ENOENT)
		return r == -EBADMSG ? -ENOTUNIQ : r;
	return 0;
}

/*
 * @q: a request the front has checked (size, pid, text lengths, ID).
 */
int register_add(const struct acid_ctx *ctx, const struct acid_reg *q,
		 struct acid_entry **out)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	struct acid_entry *e = NULL, *parent = NULL;
	struct proc_hold hold = { .pidfd = -1 };
	pid_t ppid;
	int r;

	r = acid_check_caps(ACID_CAP_CONTROL);
	if (r < 0)
		return r;

	/* from here to the last write the target is held */
	r = proc_hold_open(ctx->proc_root, q->pid, &hold);
	if (r < 0)
		return r;

	e = entry_new();
	if (!e) {
		r = -ENOMEM;
		goto fail;
	}
	e->pid = q->pid;
	e->mode = ctx->mode;
	e->ses_tag = q->ses_tag;
	e->time = (int64_t)time(NULL);
	if ((q->name && !(free(e->name), e->name = strdup(q->name))) ||
	    (q->bundle && !(free(e->bundle), e->bundle = strdup(q->bundle)))) {
		r = -ENOMEM;
		goto fail;
	}
	r = proc_stat(ctx->proc_root, q->pid, &ppid, &e->starttime);
	if (r < 0)
		goto fail;
	if (q->id)
		e->id = *q->id;
	else if ((r = acid_ctx_new_id(ctx, &e->id)) < 0)
		goto fail;
	r = check_tree(ctx, q->pid);
	if (r < 0)
		goto fail;
	r = ns_collect_held(&hold, &e->ns);
	if (r < 0)
		goto fail;
	r = start_record_fits(e);
	if (r < 0)
		goto fail;

	dirfd = registry_open(ctx->state_dir, true);
	if (dirfd < 0) {
		r = dirfd;
		goto fail;
	}
	lock = registry_lock(dirfd);
	if (lock < 0) {
		r = lock;
		goto fail;
	}
	r = registry_upgrade(dirfd, lock);
	if (r < 0)
		goto fail;
	r = check_target(ctx, dirfd, e);
	if (r < 0)
		goto fail;
	if (ctx->mode == ACID_MODE_KERNEL_U64) {
		uint64_t v;

		r = acid_id_to_u64(&e->id, &v);
		if (r < 0)
			goto fail;
	}

	/* nesting: the container that holds the orchestrator holds this */
	if (ppid > 0 && lookup_pid_at(ctx, dirfd, ppid, &parent) == 0) {
		e->has_parent = true;
		e->parent = parent->id;
		acid_entry_free(parent);
	}

	if (ctx->mode != ACID_MODE_USER) {
		/* the kernel's answer, unchanged. A hook is the container's
		 * sibling, refused with EXDEV: its acid-exec ancestor may
		 * write instead, and then that answer is the kernel's */
		r = kernel_write_id(ctx, &hold, &e->id);
		if (r == -EXDEV) {
			int h = handoff_write_id(ctx, q->pid, &e->id);

			if (h != -ENOENT)
				r = h;
		}
		if (r < 0)
			goto fail;
	}
	r = registry_put(dirfd, e);
	if (r < 0)
		goto fail;

	r = proc_hold_alive(&hold);
	if (r <= 0) {
		/* it died meanwhile: the pid may be another's by now */
		registry_remove(dirfd, e);
		r = r < 0 ? r : -ESRCH;
		goto fail;
	}
	proc_hold_close(&hold);
	if (out)
		*out = e;
	else
		acid_entry_free(e);
	return 0;
fail:
	proc_hold_close(&hold);
	acid_entry_free(e);
	return r;
}

/*
 * The prologue of every change to the registry: the capability, the
 * directory, and its lock (held until *lock is closed). A registry that
 * does not exist yet is -ENOENT, or, with @missing_ok, fd -1 and 0.
 */
static int open_for_change(const struct acid_ctx *ctx, bool missing_ok,
			   int *dirfd, int *lock)
{
	int r = acid_check_caps(ACID_CAP_CONTROL);

	if (r < 0)
		return r;
	*dirfd = registry_open(ctx->state_dir, false);
	if (*dirfd == -ENOENT && missing_ok)
		return 0;
	if (*dirfd < 0)
		return *dirfd;
	*lock = registry_lock(*dirfd);
	if (*lock < 0)
		return *lock;
	return registry_upgrade(*dirfd, *lock);
}

/*
 * The record is sent while the registry lock is held: a second writer
 * waits, then finds the entry gone and answers -ENOENT instead of sending
 * the record again.
 */
int register_end(const struct acid_ctx *ctx, const struct acid_entry *e,
		 const char *reason)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	struct acid_entry *now;
	int r;

	r = open_for_change(ctx, false, &dirfd, &lock);
	if (r < 0)
		return r;
	r = registry_get_id(dirfd, &e->id, &now);
	if (r < 0)
		return r;
	/* the same container, not a later one that reuses the ID */
	if (now->pid != e->pid || now->starttime != e->starttime) {
		acid_entry_free(now);
		return -ENOENT;
	}
	acid_entry_free(now);
	r = record_log_stop(e, reason);
	if (r < 0)
		return r;
	return registry_remove(dirfd, e);
}

int register_forget(const struct acid_ctx *ctx, const struct acid_entry *e)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	int r;

	r = open_for_change(ctx, false, &dirfd, &lock);
	if (r < 0)
		return r;
	return registry_remove(dirfd, e);
}

int register_clean(const struct acid_ctx *ctx, size_t *removed)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	int r;

	if (removed)
		*removed = 0;
	/* under the lock: no writer is between its temp file and rename */
	r = open_for_change(ctx, true, &dirfd, &lock);
	if (r < 0 || dirfd < 0)
		return r;
	return registry_clean(dirfd, removed);
}
