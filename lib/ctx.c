// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context: where procfs and the registry are, and the kernel's mode,
 * probed once when it is made.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

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
	ctx->mc_fd = -1;
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
	netlink_ctx_free(ctx);
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

const char *acid_version(void)
{
	return ACID_VERSION;
}
