// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Handing the kernel write to an acid-exec ancestor.
 *
 * On a kernel with the audit container ID interface only an ancestor of
 * the container may write its ID; a hook is the container's sibling, so
 * the kernel answers it EXDEV. Under acid-exec the hook has an ancestor
 * that is ours: acid-exec listens on the abstract unix socket
 * "acid-exec/<its pid>" and writes /proc/<target>/audit_containerid for a
 * privileged descendant that asks. The request is one datagram of text,
 * "<target pid> <value as the kernel reads it> <asker's start time>";
 * the answer is the kernel's errno as an int32_t (0: written).
 *
 * acid-exec knows the asker by the credentials the kernel stamps on the
 * datagram (SO_PASSCRED; the same pid as SO_PEERCRED's, taken at connect
 * time: a socket handed on to another process does not ask). 6.1 has no
 * SO_PEERPIDFD, so the start time, in clock ticks since boot as
 * /proc/<pid>/stat gives it and read after every other check, tells the
 * asker from a process that got its pid after it died.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "internal.h"

/* The nearest acid-exec among our ancestors, or 0. */
static pid_t find_acid_exec(const char *proc_root)
{
	pid_t cur = getppid();

	for (int depth = 0; cur > 1 && depth < 4096; depth++) {
		pid_t parent;

		if (proc_is_acid_exec(proc_root, cur))
			return cur;
		if (proc_stat(proc_root, cur, &parent, NULL) < 0)
			return 0;
		cur = parent;
	}
	return 0;
}

int handoff_write_id(const struct acid_ctx *ctx, pid_t target,
		     const struct acid_id *id)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	struct ucred peer;
	socklen_t plen = sizeof(peer), salen;
	char value[64], msg[128];
	_cleanup_close_ int fd = -1;
	uint64_t self_start;
	int32_t answer;
	pid_t server;
	ssize_t n;
	int r, one = 1;

	r = kernel_format_id(ctx->mode, id, value, sizeof(value));
	if (r < 0)
		return r;
	server = find_acid_exec(ctx->proc_root);
	if (server <= 0)
		return -ENOENT;

	/* abstract name: sun_path[0] is NUL */
	n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
		     "acid-exec/%d", (int)server);
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* the kernel stamps what we send with our credentials */
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	/* an acid-exec that does not serve (user mode, older) is none */
	if (connect(fd, (struct sockaddr *)&sa, salen) < 0)
		return -ENOENT;
	/* anyone may bind an abstract name: talk only to that acid-exec */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0 ||
	    peer.pid != server || peer.uid != 0)
		return -ENOENT;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	r = proc_stat(ctx->proc_root, getpid(), NULL, &self_start);
	if (r < 0)
		return r;
	snprintf(msg, sizeof(msg), "%d %s %" PRIu64, (int)target, value,
		 self_start);
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		return -errno;
	n = recv(fd, &answer, sizeof(answer), 0);
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (n != sizeof(answer) || answer < 0)
		return -EPROTO;
	return -answer;
}
