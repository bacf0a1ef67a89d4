// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Session tags on stock kernels. The kernel stamps every record of a task
 * with ses=, its audit session, inherited on fork; a process with
 * CAP_AUDIT_CONTROL that writes its own loginuid gets a fresh session
 * (writing the same uid twice gives two sessions). So a runtime started in
 * a fresh session marks every kernel record of its container.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"


static int read_u32(const char *path, uint32_t *out)
{
	char buf[32], *end;
	unsigned long long v;
	int r = proc_read_small(AT_FDCWD, path, buf, sizeof(buf));

	if (r < 0)
		return r;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v > UINT32_MAX)
		return -EBADMSG;
	*out = (uint32_t)v;
	return 0;
}

int acid_session_new(const struct acid_ctx *ctx, uid_t uid, uint32_t *ses)
{
	char path[4096 + 64], buf[32];
	_cleanup_close_ int fd = -1;
	uint32_t before = 0;
	ssize_t n;
	int r;

	if (!ctx || !ses || uid == (uid_t)-1)
		return -EINVAL;
	r = acid_check_caps(ACID_CAP_CONTROL);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/self/sessionid", ctx->proc_root);
	read_u32(path, &before);
	snprintf(path, sizeof(path), "%s/self/loginuid", ctx->proc_root);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(buf, sizeof(buf), "%u", (unsigned int)uid);
	n = write(fd, buf, strlen(buf));
	if (n < 0)
		/* with the capability, EPERM means loginuid is immutable */
		return errno == EPERM ? -EACCES : -errno;
	snprintf(path, sizeof(path), "%s/self/sessionid", ctx->proc_root);
	r = read_u32(path, ses);
	if (r < 0)
		return r;
	if (*ses == ACID_AUDIT_UNSET || *ses == before)
		return -EIO;
	return 0;
}

/*
 * Is @pid running the installed acid-exec? Its executable is named
 * acid-exec, and the file it runs (stat through /proc/<pid>/exe: the
 * inode itself, whatever path it was started by) is root's and not
 * writable by group or others: what an administrator installed, not a
 * user's own program, nor a copy another user could have changed. Where
 * it lies does not matter: only root can make a root-owned file, and a
 * user cannot change one it does not own (protected_hardlinks keeps it
 * from linking root's other programs under that name).
 */
bool proc_is_acid_exec(const char *proc_root, pid_t pid)
{
	char path[4096 + 64], exe[4096];
	const char *base;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/exe", proc_root, (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	if (strcmp(base, "acid-exec") != 0)
		return false;
	if (stat(path, &st) < 0)
		return false;
	return S_ISREG(st.st_mode) && st.st_uid == 0 &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

int acid_session_tag(const struct acid_ctx *ctx, pid_t pid, uint32_t *ses)
{
	char path[4096 + 64];
	pid_t cur = pid;
	uint32_t own;

	if (!ctx || !ses)
		return -EINVAL;
	/*
	 * A process in no session runs under no tag: its records carry
	 * ses=unset, and so do those of the processes it starts. An
	 * acid-exec above it gave a session that something between them
	 * took away again (loginuid written unset): no record of the
	 * container would carry that tag. One read spares the walk up the
	 * ancestry (four system calls an ancestor), which is what a
	 * runtime started by a service (containerd, CRI-O, podman's
	 * system service: no login session) comes to.
	 */
	snprintf(path, sizeof(path), "%s/%d/sessionid", ctx->proc_root,
		 (int)pid);
	if (pid > 0 && read_u32(path, &own) == 0 && own == ACID_AUDIT_UNSET)
		return -ENOENT;
	for (int depth = 0; cur > 1 && depth < 4096; depth++) {
		pid_t parent;
		int r = proc_stat(ctx->proc_root, cur, &parent, NULL);

		if (r < 0)
			return cur == pid ? r : -ENOENT;
		if (proc_is_acid_exec(ctx->proc_root, cur)) {
			uint32_t v;

			snprintf(path, sizeof(path), "%s/%d/sessionid",
				 ctx->proc_root, (int)cur);
			r = read_u32(path, &v);
			/* *ses is left alone unless there is a tag */
			if (r < 0 || v == ACID_AUDIT_UNSET)
				return -ENOENT;
			*ses = v;
			return 0;
		}
		cur = parent;
	}
	return -ENOENT;
}

int session_loginuid(const struct acid_ctx *ctx, uint32_t *uid)
{
	char path[4096 + 64];

	snprintf(path, sizeof(path), "%s/self/loginuid", ctx->proc_root);
	return read_u32(path, uid);
}
