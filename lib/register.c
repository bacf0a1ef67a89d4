// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Registration: the checks, the kernel write and the registry entry of a
 * container's start, and the end of it, each under the registry lock so
 * that it is one step for every other writer.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/*
 * The user-space mode's rules about the target's place in the process
 * tree. A kernel with the interface decides these itself.
 */
static int check_tree(struct acid_ctx *ctx, pid_t pid, unsigned long threads)
{
	int r, kids;

	if (ctx->mode != ACID_MODE_USER)
		return 0;
	if (pid == getpid())
		return -EXDEV;
	/*
	 * The caller's ancestors all have children: a process without any
	 * is neither an ancestor nor busy, and the walk up the caller's
	 * ancestry (a stat read per ancestor) is spared. The walk reads the
	 * real /proc, the children check the context's procfs: only where
	 * they are the same does one answer for the other.
	 */
	if (strcmp(ctx->proc_root, ACID_DEFAULT_PROC_ROOT) == 0) {
		kids = proc_has_children(ctx->proc_root, pid, threads);
		if (kids == 0)
			return 0;
		r = proc_is_self_or_ancestor(ACID_DEFAULT_PROC_ROOT, pid);
		if (r < 0)
			return r;
		if (r)
			return -EXDEV;
		return kids < 0 ? kids : -EBUSY;
	}
	r = proc_is_self_or_ancestor(ACID_DEFAULT_PROC_ROOT, pid);
	if (r < 0)
		return r;
	if (r)
		return -EXDEV;
	r = proc_has_children(ctx->proc_root, pid, threads);
	if (r < 0)
		return r;
	return r ? -EBUSY : 0;
}

/*
 * The register record of @e, built once: sent as it is by acid_start(),
 * and a registration whose record the kernel would cut short is refused.
 */
static int start_record(const struct acid_entry *e, char **text)
{
	char exe[4096];
	int r;

	record_self_exe(exe, sizeof(exe));
	r = record_start_text(e, exe, text);
	if (r < 0)
		return r;
	if (strlen(*text) >= RECORD_TEXT_MAX) {
		free(*text);
		*text = NULL;
		return -ENAMETOOLONG;
	}
	return 0;
}

/*
 * The register record could not be sent (@err) and the registration is
 * undone, under the lock still held. A record that may be in the log all
 * the same gets its stop record (reason=failed), so that no start stands
 * in the log without its stop; where that fails too the entry stays, and
 * `acid gc` sends the stop once the process is gone. The context's
 * message (the start record's failure) says so.
 */
static void start_undo(struct acid_ctx *ctx, int dirfd,
		       const struct acid_entry *e, int err)
{
	char id[ACID_ID_STRLEN] = "?", keep[ACID_ERRMSG_MAX];
	int r = 0;

	acid_id_format(&e->id, id, sizeof(id));
	memcpy(keep, ctx->msg, sizeof(keep));
	if (netlink_maybe_sent(err)) {
		r = record_log_stop(ctx, e, "failed");
		memcpy(ctx->msg, keep, sizeof(keep));
		ctx->msg_err = err;
		if (r < 0) {
			ctx_also(ctx, "stop record for %s not sent either, "
				 "the entry stays for acid gc: %s", id,
				 acid_strerror(r));
			return;
		}
	}
	r = registry_remove(dirfd, e);
	if (r < 0)
		ctx_also(ctx, "removing the registry entry %s: %s", id,
			 acid_strerror(r));
}

/* The registry directory, made if missing, or the message of its error */
static int open_registry(struct acid_ctx *ctx, bool create)
{
	int fd = registry_open(ctx->state_dir, create);

	if (fd < 0 && fd != -ENOENT)
		return ctx_failx(ctx, fd, "opening the registry %s",
				 ctx->state_dir);
	return fd;
}

/* Its lock, taken, and the registry made current */
static int lock_registry(struct acid_ctx *ctx, int dirfd)
{
	int lock = registry_lock(dirfd), r;

	if (lock < 0)
		return ctx_fail(ctx, lock, "locking the registry %s/.lock",
				ctx->state_dir);
	r = registry_upgrade(dirfd, lock);
	if (r < 0) {
		close(lock);
		return ctx_failx(ctx, r, "completing the name index of the "
				 "registry %s", ctx->state_dir);
	}
	return lock;
}

static int need_caps(struct acid_ctx *ctx, unsigned int caps)
{
	int r = acid_check_caps(caps);

	if (r < 0)
		return ctx_failw(ctx, r, caps == ACID_CAP_WRITE ?
				 "Operation not permitted: the caller lacks "
				 "CAP_AUDIT_WRITE in its effective set" :
				 "Operation not permitted: the caller lacks "
				 "CAP_AUDIT_CONTROL in its effective set",
				 "checking the caller's capabilities");
	return 0;
}

/*
 * The caller's pid namespace is the initial one, or -EREMOTE: every pid
 * acid registers or records is a host pid (registration, the link and
 * namespace-change records alike).
 */
int ctx_check_pidns(struct acid_ctx *ctx)
{
	uint64_t ino;
	int r = proc_pidns_initial(&ino);

	/* no /proc/self: /proc is a procfs the caller is not in */
	if (r == -ENOENT)
		return ctx_failw(ctx, -EREMOTE, "acid records host pids; run "
				 "the runtime's hooks on the host",
				 "%s/self/ns/pid does not exist: %s is not the "
				 "procfs of the caller's pid namespace",
				 ACID_DEFAULT_PROC_ROOT, ACID_DEFAULT_PROC_ROOT);
	if (r < 0)
		return ctx_fail(ctx, r, "reading %s/self/ns/pid (the caller's "
				"pid namespace)", ACID_DEFAULT_PROC_ROOT);
	if (r == 0)
		return ctx_failw(ctx, -EREMOTE, "acid records host pids; run "
				 "the runtime's hooks on the host",
				 "the caller runs in a pid namespace that is "
				 "not the host's (%s/self/ns/pid is "
				 "pid:[%" PRIu64 "])", ACID_DEFAULT_PROC_ROOT,
				 ino);
	return 0;
}

/* The checks against what is registered, under the registry lock. */
static int check_target(struct acid_ctx *ctx, int dirfd,
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
			return ctx_failx(ctx, -EEXIST, "pid %d has a container "
					 "ID in %s/%d/audit_containerid",
					 (int)e->pid, ctx->proc_root,
					 (int)e->pid);
	}
	r = registry_get_pid(dirfd, e->pid, &old);
	if (r == 0) {
		bool same = old->starttime == e->starttime;

		acid_entry_free(old);
		if (same)
			return ctx_failx(ctx, -EEXIST, "pid %d is in the "
					 "registry %s", (int)e->pid,
					 ctx->state_dir);
	}
	r = registry_get_id(dirfd, &e->id, &old);
	if (r == 0) {
		acid_entry_free(old);
		r = -ENOTUNIQ;
	}
	if (r == -EBADMSG)
		r = -ENOTUNIQ;
	if (r != -ENOENT) {
		char id[ACID_ID_STRLEN] = "?";

		acid_id_format(&e->id, id, sizeof(id));
		return ctx_failx(ctx, r, "ID %s in the registry %s", id,
				 ctx->state_dir);
	}
	return 0;
}

/*
 * @q: a request the front has checked (size, pid, text lengths, ID).
 * @flags: REGISTER_SEND sends the register record before the lock is
 * let go (acid_start), REGISTER_WARN keeps the registration when it
 * cannot be sent, its error in *@record_err.
 */
int register_add(struct acid_ctx *ctx, const struct acid_reg *q,
		 unsigned int flags, struct acid_entry **out, int *record_err)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	_cleanup_free_ char *text = NULL;
	struct acid_entry *e = NULL, *parent = NULL;
	struct proc_hold hold = { .pidfd = -1 };
	pid_t ppid;
	int r;

	if (record_err)
		*record_err = 0;
	r = need_caps(ctx, ACID_CAP_CONTROL);
	if (r < 0)
		return r;
	/* fail-closed: a record that cannot go out is refused up front */
	if ((flags & (REGISTER_SEND | REGISTER_WARN)) == REGISTER_SEND) {
		r = need_caps(ctx, ACID_CAP_WRITE);
		if (r < 0) {
			if (record_err)
				*record_err = r;
			return r;
		}
	}

	/*
	 * acid records host pids: a caller in another pid namespace (a
	 * runtime run inside a container with its own) would register
	 * pids of its own numbering, another process's on the host
	 */
	r = ctx_check_pidns(ctx);
	if (r < 0)
		return r;

	/* from here to the last write the target is held */
	r = proc_hold_open(ctx->proc_root, q->pid, &hold);
	if (r < 0)
		return ctx_fail(ctx, r, "holding pid %d", (int)q->pid);

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
	{
		const char *k8s[K8S_COUNT];

		reg_k8s(q, k8s);
		if ((r = entry_set_k8s(e, k8s)) < 0)
			goto fail;
	}
	/* the hold read the target's stat file once its pidfd was open */
	ppid = hold.ppid;
	e->starttime = hold.start;
	r = hold.stat_err;
	if (r < 0) {
		ctx_fail(ctx, r, "reading %s/%d/stat", ctx->proc_root,
			 (int)q->pid);
		goto fail;
	}
	if (q->id)
		e->id = *q->id;
	else if ((r = acid_ctx_new_id(ctx, &e->id)) < 0)
		goto fail;
	r = check_tree(ctx, q->pid, hold.threads);
	if (r < 0) {
		ctx_failx(ctx, r, "pid %d", (int)q->pid);
		goto fail;
	}
	r = ns_collect_held(&hold, &e->ns);
	if (r < 0) {
		ctx_fail(ctx, r, "reading the namespaces of pid %d",
			 (int)q->pid);
		goto fail;
	}
	dirfd = open_registry(ctx, true);
	if (dirfd < 0) {
		r = dirfd;
		goto fail;
	}
	lock = lock_registry(ctx, dirfd);
	if (lock < 0) {
		r = lock;
		goto fail;
	}
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
	r = start_record(e, &text);
	if (r < 0)
		goto fail;

	if (ctx->mode != ACID_MODE_USER) {
		/* the kernel's answer, unchanged. A hook is the container's
		 * sibling, refused with EXDEV: its acid-exec ancestor may
		 * write instead, and then that answer is the kernel's */
		r = kernel_write_id(ctx, &hold, &e->id);
		if (r == -EXDEV) {
			int h = handoff_write_id(ctx, &hold, &e->id);

			if (h != -ENOENT)
				r = h;
			else
				ctx_also(ctx, "only an ancestor of the container "
					 "may write its ID, and no acid-exec "
					 "serves among the caller's: "
					 "registration belongs to the "
					 "orchestrator (run the runtime under "
					 "acid-exec)");
		}
		if (r < 0)
			goto fail;
	}
	r = registry_put(dirfd, e);
	if (r < 0) {
		ctx_failx(ctx, r, "writing the registry entry in %s",
			  ctx->state_dir);
		goto fail;
	}

	r = proc_hold_alive(&hold);
	if (r <= 0) {
		/* it died meanwhile: the pid may be another's by now */
		registry_remove(dirfd, e);
		r = r < 0 ? r : -ESRCH;
		ctx_fail(ctx, r, "pid %d exited during its registration",
			 (int)q->pid);
		goto fail;
	}
	proc_hold_close(&hold);
	if (flags & REGISTER_SEND) {
		/* CAP_AUDIT_WRITE was checked up front unless under WARN */
		r = record_send_text(ctx, "start", text,
				     !(flags & REGISTER_WARN));
		if (r < 0 && record_err)
			*record_err = r;
		if (r < 0 && !(flags & REGISTER_WARN)) {
			start_undo(ctx, dirfd, e, r);
			goto fail;
		}
	}
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
static int open_for_change(struct acid_ctx *ctx, bool missing_ok,
			   int *dirfd, int *lock)
{
	int r = need_caps(ctx, ACID_CAP_CONTROL);

	if (r < 0)
		return r;
	*dirfd = open_registry(ctx, false);
	if (*dirfd == -ENOENT && missing_ok)
		return 0;
	if (*dirfd < 0)
		return *dirfd;
	*lock = lock_registry(ctx, *dirfd);
	return *lock < 0 ? *lock : 0;
}

/*
 * The record is sent while the registry lock is held: a second writer
 * waits, then finds the entry gone and answers -ENOENT instead of sending
 * the record again.
 */
int register_end(struct acid_ctx *ctx, const struct acid_entry *e,
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
	r = record_log_stop(ctx, e, reason);
	if (r < 0)
		return r;
	return registry_remove(dirfd, e);
}

int register_forget(struct acid_ctx *ctx, const struct acid_entry *e)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	int r;

	r = open_for_change(ctx, false, &dirfd, &lock);
	if (r < 0)
		return r;
	return registry_remove(dirfd, e);
}

int register_clean(struct acid_ctx *ctx, size_t *removed)
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
