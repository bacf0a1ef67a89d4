// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public entry points of registration, lookups and records: each
 * checks its arguments and calls the module that does the job (see
 * internal.h). Thin on purpose; calls run one way, from here to the
 * modules, never back.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------- registration */

static bool text_ok(const char *s, size_t max)
{
	return !s || strnlen(s, max + 1) <= max;
}

/* A copy of @req, checked: 0, or the error the request deserves. */
static int reg_check(const struct acid_reg *req, struct acid_reg *q)
{
	const char *k8s[K8S_COUNT];

	memset(q, 0, sizeof(*q));
	if (!req || req->size < offsetof(struct acid_reg, ses_tag) +
					sizeof(req->ses_tag))
		return -EINVAL;
	memcpy(q, req, sizeof(*q) < req->size ? sizeof(*q) : req->size);
	if (q->id && acid_id_is_zero(q->id))
		return -EINVAL;
	if (!text_ok(q->name, ACID_NAME_MAX) ||
	    !text_ok(q->bundle, ACID_BUNDLE_MAX))
		return -ENAMETOOLONG;
	reg_k8s(q, k8s);
	for (int k = 0; k < K8S_COUNT; k++)
		if (!text_ok(k8s[k], k8s_fields[k].max))
			return -ENAMETOOLONG;
	if (q->pid <= 0)
		return -ESRCH;
	return 0;
}

int acid_register(struct acid_ctx *ctx, const struct acid_reg *req,
		  struct acid_entry **out)
{
	struct acid_reg q;
	int r;

	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	r = reg_check(req, &q);
	if (r == 0)
		r = register_add(ctx, &q, 0, out, NULL);
	return ctx_end(ctx, r);
}

int acid_start(struct acid_ctx *ctx, const struct acid_reg *req,
	       unsigned int flags, struct acid_entry **out, int *record_err)
{
	struct acid_reg q;
	int r, rec = 0;

	if (record_err)
		*record_err = 0;
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	r = flags & ~ACID_START_WARN ? -EINVAL : reg_check(req, &q);
	if (r == 0)
		r = register_add(ctx, &q,
				 REGISTER_SEND | (flags & ACID_START_WARN ?
						  REGISTER_WARN : 0),
				 out, &rec);
	if (record_err)
		*record_err = rec;
	/* a record let go (ACID_START_WARN) is still said in the context */
	ctx_end(ctx, r < 0 ? r : rec);
	return r;
}

int acid_unregister(struct acid_ctx *ctx, const struct acid_entry *e,
		    const char *reason)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!e || !reason)
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, register_end(ctx, e, reason));
}

int acid_forget(struct acid_ctx *ctx, const struct acid_entry *e)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!e)
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, register_forget(ctx, e));
}

int acid_registry_clean(struct acid_ctx *ctx, size_t *removed)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	return ctx_end(ctx, register_clean(ctx, removed));
}

/* ------------------------------------------------------------ lookups */

int acid_lookup_pid(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!out)
		return ctx_end(ctx, -EINVAL);
	if (pid <= 0)
		return ctx_end(ctx, -ESRCH);
	return ctx_end(ctx, lookup_pid(ctx, pid, out));
}

int acid_lookup_ns(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!out)
		return ctx_end(ctx, -EINVAL);
	if (pid <= 0)
		return ctx_end(ctx, -ESRCH);
	return ctx_end(ctx, lookup_ns(ctx, pid, out));
}

int acid_lookup_id(struct acid_ctx *ctx, const struct acid_id *id,
		   struct acid_entry **out)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!id || !out || acid_id_is_zero(id))
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, lookup_id(ctx, id, out));
}

int acid_lookup_name(struct acid_ctx *ctx, const char *name,
		     const char *bundle, struct acid_entry **out)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!name || !*name || !out)
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, lookup_name(ctx, name, bundle, out));
}

int acid_list(struct acid_ctx *ctx, struct acid_entry ***out, size_t *n)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!out || !n)
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, lookup_all(ctx, out, n));
}

/* a call that only reads the context takes it const (see libacid.h) */
int acid_entry_alive(const struct acid_ctx *ctx, const struct acid_entry *e)
{
	if (!ctx || !e)
		return -EINVAL;
	return proc_alive(ctx->proc_root, e->pid, e->starttime);
}

/* ------------------------------------------------------------ records */

int acid_log_start(struct acid_ctx *ctx, const struct acid_entry *e)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!e)
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, record_log_start(ctx, e));
}

int acid_log_stop(struct acid_ctx *ctx, const struct acid_entry *e,
		  const char *reason)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!e || !reason || !acid_stop_reason_valid(reason))
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, record_log_stop(ctx, e, reason));
}

bool acid_log_maybe_sent(int err)
{
	return netlink_maybe_sent(err < 0 ? err : -err);
}

int acid_log_exec(struct acid_ctx *ctx, const struct acid_entry *e,
		  const char *reason, pid_t task_pid, uint32_t ses_tag,
		  const char *trigger)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!e || record_exec_check(reason, task_pid, ses_tag, trigger) < 0)
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, record_log_exec(ctx, e, reason, task_pid, ses_tag,
					    trigger));
}

int acid_log_ns_change(struct acid_ctx *ctx, const struct acid_entry *e,
		       const char *reason, pid_t task_pid, unsigned int kinds,
		       const struct acid_ns_set *now, const char *trigger)
{
	if (!ctx)
		return -EINVAL;
	ctx_begin(ctx);
	if (!e || record_ns_check(reason, task_pid, kinds, trigger) < 0)
		return ctx_end(ctx, -EINVAL);
	return ctx_end(ctx, record_log_ns(ctx, e, reason, task_pid, kinds, now,
					  trigger));
}
