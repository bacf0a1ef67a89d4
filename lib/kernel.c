// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel interface: /proc/<pid>/audit_containerid.
 *
 * No mainline kernel has it. The v11 series (2021) reads and writes a
 * decimal u64 with (u64)-1 meaning unset; the seed proposal used a 128-bit
 * UUID. The probe tells them apart by what /proc/self/audit_containerid
 * reads; a write's errno is the kernel's answer and goes back unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * What one audit_containerid file holds: in u64 form a decimal number,
 * in UUID form a UUID (all zero, or empty, when unset).
 */
static int parse_kernel_value(enum acid_mode mode, char *buf, bool *set,
			      struct acid_id *id)
{
	trim(buf);
	if (mode == ACID_MODE_KERNEL_U64) {
		if (!all_digits(buf))
			return -EBADMSG;
		if (strcmp(buf, "18446744073709551615") == 0) {
			*set = false;
			return 0;
		}
		if (acid_id_parse(buf, id) < 0)
			return -EBADMSG;
		*set = true;
		return 0;
	}
	if (!*buf || strcmp(buf, "00000000-0000-0000-0000-000000000000") == 0 ||
	    strspn(buf, "0") == 32) {
		*set = false;
		return 0;
	}
	if (acid_id_parse(buf, id) < 0 || all_digits(buf))
		return -EBADMSG;
	*set = true;
	return 0;
}

int kernel_probe(const char *proc_root, enum acid_mode *mode)
{
	char path[4096 + 64], buf[128];
	int r;

	snprintf(path, sizeof(path), "%s/self/audit_containerid", proc_root);
	r = proc_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (r == -ENOENT) {
		*mode = ACID_MODE_USER;
		return 0;
	}
	if (r < 0)
		return r;
	trim(buf);
	*mode = all_digits(buf) ? ACID_MODE_KERNEL_U64 : ACID_MODE_KERNEL_UUID;
	/* the value must be one the form can hold, or we know neither */
	{
		struct acid_id id;
		bool set;

		if (parse_kernel_value(*mode, buf, &set, &id) < 0)
			return -EPROTO;
	}
	return 0;
}

int kernel_format_id(enum acid_mode mode, const struct acid_id *id,
		     char *buf, size_t len)
{
	if (mode == ACID_MODE_KERNEL_U64) {
		uint64_t v;
		int r = acid_id_to_u64(id, &v);

		if (r < 0)
			return r;
		if ((size_t)snprintf(buf, len, "%" PRIu64, v) >= len)
			return -ENOSPC;
		return 0;
	}
	return acid_id_format(id, buf, len);
}

int kernel_read_id(struct acid_ctx *ctx, pid_t pid, bool *set,
		   struct acid_id *id)
{
	char path[4096 + 64], buf[128];
	int r;

	snprintf(path, sizeof(path), "%s/%d/audit_containerid",
		 ctx->proc_root, (int)pid);
	r = proc_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (r == -ENOENT)
		r = -ESRCH;
	if (r < 0)
		return ctx_fail(ctx, r, "reading %s", path);
	r = parse_kernel_value(ctx->mode, buf, set, id);
	if (r < 0)
		return ctx_failx(ctx, r, "reading %s", path);
	return 0;
}

/*
 * Write @value (the kernel's form) to audit_containerid in the open
 * /proc/<pid> directory @dirfd, named @path in messages: 0 or the
 * kernel's errno, said in @ctx ("writing /proc/12/audit_containerid:
 * <the kernel's errno>").
 */
int kernel_write_at(struct acid_ctx *ctx, int dirfd, const char *path,
		    const char *value)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	/* O_TRUNC so that a prepared file (tests) holds just the value */
	fd = openat(dirfd, "audit_containerid", O_WRONLY | O_CLOEXEC | O_TRUNC);
	if (fd < 0)
		return ctx_fail(ctx, errno == ENOENT ? -ESRCH : -errno,
				"writing %s/audit_containerid", path);
	do
		n = write(fd, value, strlen(value));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ctx_fail(ctx, -errno, "writing %s/audit_containerid",
				path);
	if ((size_t)n != strlen(value))
		return ctx_fail(ctx, -EIO, "writing %s/audit_containerid: "
				"short write", path);
	return 0;
}

/*
 * The write goes through the target's /proc/<pid> directory, opened first
 * and then confirmed to be the held process's: the hold says it is still
 * alive after the open, so the pid named it when the directory was
 * opened, and a procfs directory stays with its process (a dead one's
 * files answer ESRCH, never another's). A target that died meanwhile is
 * -ESRCH, and nothing is written to whoever has its pid now.
 */
int kernel_write_id(struct acid_ctx *ctx, const struct proc_hold *h,
		    const struct acid_id *id)
{
	char path[4096 + 64], buf[64];
	_cleanup_close_ int dirfd = -1;
	int r;

	r = kernel_format_id(ctx->mode, id, buf, sizeof(buf));
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%d", ctx->proc_root, (int)h->pid);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return ctx_fail(ctx, errno == ENOENT ? -ESRCH : -errno,
				"opening %s", path);
	r = proc_hold_alive(h);
	if (r <= 0)
		return ctx_fail(ctx, r < 0 ? r : -ESRCH,
				"writing %s/audit_containerid: pid %d exited",
				path, (int)h->pid);
	return kernel_write_at(ctx, dirfd, path, buf);
}
