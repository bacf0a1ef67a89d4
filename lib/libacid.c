// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Public entry points: the context, registration, records and lookups.
 * Thin on purpose; each concern lives in its own file (see internal.h).
 * One path, one direction: request -> checks -> kernel or registry ->
 * record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libaudit.h>

#include "internal.h"

/* ------------------------------------------------------------ context */

const char *acid_mode_name(enum acid_mode mode)
{
	switch (mode) {
	case ACID_MODE_USER:
		return "user";
	case ACID_MODE_KERNEL_U64:
		return "kernel-u64";
	case ACID_MODE_KERNEL_UUID:
		return "kernel-uuid";
	}
	return "unknown";
}

static const char *pick(const char *opt, const char *env, const char *def)
{
	const char *v;

	if (opt)
		return opt;
	v = secure_getenv(env);
	return v && *v ? v : def;
}

int acid_ctx_new(const struct acid_opts *opts, struct acid_ctx **out)
{
	struct acid_opts o = { 0 };
	struct acid_ctx *ctx;
	const char *proc, *state;
	int r;

	if (!out)
		return -EINVAL;
	if (opts) {
		if (opts->size < offsetof(struct acid_opts, state_dir) +
					 sizeof(opts->state_dir))
			return -EINVAL;
		memcpy(&o, opts, sizeof(o) < opts->size ? sizeof(o) : opts->size);
	}
	proc = pick(o.proc_root, "ACID_PROC_ROOT", ACID_DEFAULT_PROC_ROOT);
	state = pick(o.state_dir, "ACID_STATE_DIR", ACID_DEFAULT_STATE_DIR);
	if (proc[0] != '/' || state[0] != '/' || strlen(proc) > 4000 ||
	    strlen(state) > 4000)
		return -EINVAL;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->proc_root = strdup(proc);
	ctx->state_dir = strdup(state);
	if (!ctx->proc_root || !ctx->state_dir) {
		acid_ctx_free(ctx);
		return -ENOMEM;
	}
	r = kernel_probe(ctx->proc_root, &ctx->mode);
	if (r < 0) {
		acid_ctx_free(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

void acid_ctx_free(struct acid_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->proc_root);
	free(ctx->state_dir);
	free(ctx);
}

enum acid_mode acid_ctx_mode(const struct acid_ctx *ctx)
{
	return ctx->mode;
}
const char *acid_ctx_proc_root(const struct acid_ctx *ctx)
{
	return ctx->proc_root;
}
const char *acid_ctx_state_dir(const struct acid_ctx *ctx)
{
	return ctx->state_dir;
}

int acid_ctx_new_id(const struct acid_ctx *ctx, struct acid_id *out)
{
	if (!ctx)
		return -EINVAL;
	return acid_id_generate(ctx->mode == ACID_MODE_KERNEL_U64 ?
					ACID_ID_U64 :
					ACID_ID_UUID,
				out);
}

/* ------------------------------------------------------------ lookups */

int acid_entry_alive(const struct acid_ctx *ctx, const struct acid_entry *e)
{
	uint64_t st;
	int r;

	if (!ctx || !e)
		return -EINVAL;
	r = proc_stat(ctx->proc_root, e->pid, NULL, &st);
	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	if (st != e->starttime)
		return 0;
	/* an init that exited and waits for its reaper is not alive */
	r = proc_exited(ctx->proc_root, e->pid);
	return r < 0 ? r : !r;
}

/* A registered container that @ns shares a non-host namespace with. */
static int lookup_by_ns(struct acid_ctx *ctx, int dirfd,
			const struct acid_ns_set *ns, struct acid_entry **out)
{
	static const enum acid_ns_kind kinds[] = { ACID_NS_PID, ACID_NS_MNT };
	struct acid_ns_set host;
	struct acid_entry **list;
	size_t n;
	int r;

	/*
	 * The host's namespaces are pid 1's; where pid 1 is out of reach (a
	 * sandbox whose init is in another user namespace) the caller's own
	 * stand in: a namespace the caller shares is no container's either.
	 */
	r = ns_collect_kinds(ctx->proc_root, 1, NS_LOOKUP_KINDS, &host);
	if (r == -EACCES || r == -EPERM)
		r = ns_collect_kinds(ctx->proc_root, getpid(), NS_LOOKUP_KINDS,
				     &host);
	if (r < 0)
		return r;
	/*
	 * Sharing the host's namespace says nothing; a process that shares
	 * both with the host belongs to no container, and the scan of the
	 * whole registry below is spared (most lookups are of such).
	 */
	bool own[sizeof(kinds) / sizeof(kinds[0])], any = false;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		own[k] = ns->ns[kinds[k]].present &&
			 !ns_same(ns, &host, kinds[k]);
		any |= own[k];
	}
	if (!any)
		return -ENOENT;
	r = registry_list(dirfd, &list, &n);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && r; k++) {
		if (!own[k])
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!ns_same(ns, &list[i]->ns, kinds[k]) ||
			    acid_entry_alive(ctx, list[i]) != 1)
				continue;
			*out = list[i];
			list[i] = NULL;
			r = 0;
			break;
		}
	}
	acid_list_free(list, n);
	return r;
}

static int lookup_pid_at(struct acid_ctx *ctx, int dirfd, pid_t pid,
			 struct acid_entry **out)
{
	struct acid_ns_set ns;
	pid_t cur = pid;
	int r;

	/* ancestry first: the nearest registered ancestor holds it */
	for (int depth = 0; cur > 0 && depth < 4096; depth++) {
		struct acid_entry *e;
		uint64_t start;
		pid_t parent;

		r = proc_stat(ctx->proc_root, cur, &parent, &start);
		if (r < 0) {
			if (cur == pid)
				return r;
			break;
		}
		r = registry_get_pid(dirfd, cur, &e);
		if (r == 0) {
			/* the same pid and start time: not a reused pid */
			if (e->starttime == start) {
				*out = e;
				return 0;
			}
			acid_entry_free(e);
		}
		cur = parent;
	}
	/* then namespaces: a process joined in with setns (runc exec) */
	r = ns_collect_kinds(ctx->proc_root, pid, NS_LOOKUP_KINDS, &ns);
	if (r < 0)
		return r;
	return lookup_by_ns(ctx, dirfd, &ns, out);
}

static int open_for_lookup(const struct acid_ctx *ctx)
{
	int fd = registry_open(ctx->state_dir, false);

	/* no registry yet: nothing registered */
	return fd == -ENOENT ? -ENOENT : fd;
}

int acid_lookup_pid(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out)
{
	_cleanup_close_ int dirfd = -1;

	if (!ctx || !out)
		return -EINVAL;
	if (pid <= 0)
		return -ESRCH;
	dirfd = open_for_lookup(ctx);
	if (dirfd < 0)
		return dirfd;
	return lookup_pid_at(ctx, dirfd, pid, out);
}

int acid_lookup_id(struct acid_ctx *ctx, const struct acid_id *id,
		   struct acid_entry **out)
{
	_cleanup_close_ int dirfd = -1;

	if (!ctx || !id || !out || acid_id_is_zero(id))
		return -EINVAL;
	dirfd = open_for_lookup(ctx);
	if (dirfd < 0)
		return dirfd;
	return registry_get_id(dirfd, id, out);
}

int acid_lookup_name(struct acid_ctx *ctx, const char *name,
		     const char *bundle, struct acid_entry **out)
{
	_cleanup_close_ int dirfd = -1;

	if (!ctx || !name || !*name || !out)
		return -EINVAL;
	dirfd = open_for_lookup(ctx);
	if (dirfd < 0)
		return dirfd;
	return registry_get_name(dirfd, name, bundle, out);
}

int acid_list(struct acid_ctx *ctx, struct acid_entry ***out, size_t *n)
{
	_cleanup_close_ int dirfd = -1;

	if (!ctx || !out || !n)
		return -EINVAL;
	dirfd = open_for_lookup(ctx);
	if (dirfd == -ENOENT) {
		*out = NULL;
		*n = 0;
		return 0;
	}
	if (dirfd < 0)
		return dirfd;
	return registry_list(dirfd, out, n);
}

void acid_list_free(struct acid_entry **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		acid_entry_free(list[i]);
	free(list);
}

/* ------------------------------------------------------- registration */

static bool text_ok(const char *s, size_t max)
{
	return !s || strnlen(s, max + 1) <= max;
}

/*
 * The user-space mode's rules about the target's place in the process
 * tree. A kernel with the interface decides these itself.
 */
static int check_tree(struct acid_ctx *ctx, pid_t pid)
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

int acid_register(struct acid_ctx *ctx, const struct acid_reg *req,
		  struct acid_entry **out)
{
	struct acid_reg q = { 0 };
	_cleanup_close_ int dirfd = -1, lock = -1;
	struct acid_entry *e = NULL, *parent = NULL;
	struct proc_hold hold = { .pidfd = -1 };
	pid_t ppid;
	int r;

	if (!ctx || !req || req->size < offsetof(struct acid_reg, ses_tag) +
						sizeof(req->ses_tag))
		return -EINVAL;
	memcpy(&q, req, sizeof(q) < req->size ? sizeof(q) : req->size);
	if (q.id && acid_id_is_zero(q.id))
		return -EINVAL;
	if (!text_ok(q.name, ACID_NAME_MAX) ||
	    !text_ok(q.bundle, ACID_BUNDLE_MAX))
		return -ENAMETOOLONG;
	if (q.pid <= 0)
		return -ESRCH;

	r = acid_check_caps(ACID_CAP_CONTROL);
	if (r < 0)
		return r;

	/* from here to the last write the target is held */
	r = proc_hold_open(ctx->proc_root, q.pid, &hold);
	if (r < 0)
		return r;

	e = entry_new();
	if (!e) {
		r = -ENOMEM;
		goto fail;
	}
	e->pid = q.pid;
	e->mode = ctx->mode;
	e->ses_tag = q.ses_tag;
	e->time = (int64_t)time(NULL);
	if ((q.name && !(free(e->name), e->name = strdup(q.name))) ||
	    (q.bundle && !(free(e->bundle), e->bundle = strdup(q.bundle)))) {
		r = -ENOMEM;
		goto fail;
	}
	r = proc_stat(ctx->proc_root, q.pid, &ppid, &e->starttime);
	if (r < 0)
		goto fail;
	if (q.id)
		e->id = *q.id;
	else if ((r = acid_ctx_new_id(ctx, &e->id)) < 0)
		goto fail;
	r = check_tree(ctx, q.pid);
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
			int h = handoff_write_id(ctx, q.pid, &e->id);

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
	return *lock < 0 ? *lock : 0;
}

/*
 * The record is sent while the registry lock is held: a second writer
 * waits, then finds the entry gone and answers -ENOENT instead of sending
 * the record again.
 */
int acid_unregister(struct acid_ctx *ctx, const struct acid_entry *e,
		    const char *reason)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	struct acid_entry *now;
	int r;

	if (!ctx || !e || !reason)
		return -EINVAL;
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
	r = acid_log_stop(ctx, e, reason);
	if (r < 0)
		return r;
	return registry_remove(dirfd, e);
}

int acid_forget(struct acid_ctx *ctx, const struct acid_entry *e)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	int r;

	if (!ctx || !e)
		return -EINVAL;
	r = open_for_change(ctx, false, &dirfd, &lock);
	if (r < 0)
		return r;
	return registry_remove(dirfd, e);
}

int acid_registry_clean(struct acid_ctx *ctx, size_t *removed)
{
	_cleanup_close_ int dirfd = -1, lock = -1;
	int r;

	if (!ctx)
		return -EINVAL;
	if (removed)
		*removed = 0;
	/* under the lock: no writer is between its temp file and rename */
	r = open_for_change(ctx, true, &dirfd, &lock);
	if (r < 0 || dirfd < 0)
		return r;
	return registry_clean(dirfd, removed);
}

/* ------------------------------------------------------------ records */

bool acid_log_maybe_sent(int err)
{
	return record_maybe_sent(err < 0 ? err : -err);
}

static int send_record(const char *text)
{
	int r = acid_check_caps(ACID_CAP_WRITE);

	if (r < 0)
		return r;
	return record_send(AUDIT_VIRT_CONTROL, text);
}

int acid_log_start(struct acid_ctx *ctx, const struct acid_entry *e)
{
	_cleanup_free_ char *text = NULL;
	char exe[4096];
	int r;

	if (!ctx || !e)
		return -EINVAL;
	record_self_exe(exe, sizeof(exe));
	r = record_start_text(e, exe, &text);
	if (r < 0)
		return r;
	return send_record(text);
}

int acid_log_stop(struct acid_ctx *ctx, const struct acid_entry *e,
		  const char *reason)
{
	_cleanup_free_ char *text = NULL;
	char exe[4096];
	int r;

	if (!ctx || !e || !reason || !*reason ||
	    strlen(reason) > ACID_REASON_MAX ||
	    strspn(reason, "abcdefghijklmnopqrstuvwxyz-") != strlen(reason))
		return -EINVAL;
	record_self_exe(exe, sizeof(exe));
	r = record_stop_text(e, reason, exe, &text);
	if (r < 0)
		return r;
	return send_record(text);
}
