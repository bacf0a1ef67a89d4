// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Errors that say what failed: the failing operation kept with its error
 * in the context, said where the error arises (ctx_fail and friends, see
 * internal.h), read with acid_ctx_errmsg().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static void say(struct acid_ctx *ctx, size_t at, const char *fmt, va_list ap)
{
	if (at < sizeof(ctx->msg))
		vsnprintf(ctx->msg + at, sizeof(ctx->msg) - at, fmt, ap);
}

static int fail(struct acid_ctx *ctx, int err, const char *words,
		const char *fmt, va_list ap)
{
	size_t n;

	say(ctx, 0, fmt, ap);
	n = strlen(ctx->msg);
	snprintf(ctx->msg + n, sizeof(ctx->msg) - n, ": %s", words);
	ctx->msg_err = err;
	return err;
}

int ctx_fail(struct acid_ctx *ctx, int err, const char *fmt, ...)
{
	const char *words = strerrordesc_np(err < 0 ? -err : err);
	va_list ap;

	va_start(ap, fmt);
	fail(ctx, err, words ? words : "Unknown error", fmt, ap);
	va_end(ap);
	return err;
}

int ctx_failx(struct acid_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(ctx, err, acid_strerror(err), fmt, ap);
	va_end(ap);
	return err;
}

int ctx_failw(struct acid_ctx *ctx, int err, const char *words,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(ctx, err, words, fmt, ap);
	va_end(ap);
	return err;
}

void ctx_also(struct acid_ctx *ctx, const char *fmt, ...)
{
	size_t n = strlen(ctx->msg);
	va_list ap;

	/* a sentence's full stop goes where more follows */
	if (n && ctx->msg[n - 1] == '.')
		ctx->msg[--n] = '\0';
	if (n + 2 >= sizeof(ctx->msg))
		return;
	memcpy(ctx->msg + n, "; ", 3);
	va_start(ap, fmt);
	say(ctx, n + 2, fmt, ap);
	va_end(ap);
}

void ctx_begin(struct acid_ctx *ctx)
{
	ctx->err = 0;
	ctx->msg_err = 0;
	ctx->msg[0] = '\0';
}

int ctx_end(struct acid_ctx *ctx, int r)
{
	ctx->err = r < 0 ? r : 0;
	return r;
}

const char *acid_ctx_errmsg(const struct acid_ctx *ctx)
{
	if (!ctx || !ctx->err)
		return "";
	/* a message about an error the call got over is not its failure */
	if (ctx->msg[0] && ctx->msg_err == ctx->err)
		return ctx->msg;
	return acid_strerror(ctx->err);
}
