// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Handing the kernel write to an acid-exec ancestor.
 *
 * On a kernel with the audit container ID interface only an ancestor of
 * the container may write its ID; a hook is the container's sibling, so
 * the kernel answers it EXDEV. Under acid-exec the hook has an ancestor
 * that is ours: acid-exec listens on <state dir>/exec-<its pid>.sock
 * (handoff.h: in the root-only registry directory, so no other user can
 * take the name or connect) and writes /proc/<target>/audit_containerid
 * for a privileged descendant that asks. The request is one datagram of
 * text, "<target pid> <ID, decimal u64 or UUID> <asker's start time>";
 * the answer is the kernel's errno as an int32_t (0: written), in the
 * form of this kernel (acid-exec writes the ID as the kernel reads it).
 *
 * acid-exec knows the asker by the credentials the kernel stamps on the
 * datagram (SO_PASSCRED; the same pid as SO_PEERCRED's, taken at connect
 * time: a socket handed on to another process does not ask). 6.1 has no
 * SO_PEERPIDFD, so the start time, in clock ticks since boot as
 * /proc/<pid>/stat gives it and read after every other check, tells the
 * asker from a process that got its pid after it died.
 *
 * The asker waits HANDOFF_DEADLINE_MS in all, connecting included (a full
 * backlog is retried, never waited on without bound): then -ETIMEDOUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "handoff.h"
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

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @events on @fd until @deadline: 1 ready, 0 timed out, -errno */
static int wait_until(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0)
			return 1;
	}
}

/* Connect to acid-exec @server by @deadline: 0, -ENOENT (it does not
 * serve), -ETIMEDOUT, or -errno */
static int connect_server(int fd, int dirfd, pid_t server, int64_t deadline)
{
	struct sockaddr_un sa;
	socklen_t salen;

	if (handoff_sockaddr(&sa, &salen, dirfd, server) < 0)
		return -ENAMETOOLONG;
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sa, salen) == 0)
			return 0;
		switch (errno) {
		case EINTR:
			continue;
		case EAGAIN:	/* the backlog is full: retry, bounded */
			if (now_ms() >= deadline)
				return -ETIMEDOUT;
			poll(NULL, 0, 10);
			continue;
		case ENOENT:
		case ECONNREFUSED:
			/* an acid-exec that does not serve (user mode, older,
			 * another state dir) is none */
			return -ENOENT;
		default:
			return -errno;
		}
	}
}

/* The exchange of handoff_write_id(), whose errors it words. */
static int ask(struct acid_ctx *ctx, pid_t target, const struct acid_id *id,
	       pid_t *serverp, bool *answered)
{
	int64_t deadline = now_ms() + HANDOFF_DEADLINE_MS;
	struct ucred peer;
	socklen_t plen = sizeof(peer);
	char value[64], msg[128];
	_cleanup_close_ int fd = -1, dirfd = -1;
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
	*serverp = server;
	/* the registry directory, checked: root's, 0700, no symlink */
	dirfd = registry_open(ctx->state_dir, false);
	if (dirfd == -ENOENT)
		return -ENOENT;
	if (dirfd < 0)
		return dirfd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* the kernel stamps what we send with our credentials */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	r = connect_server(fd, dirfd, server, deadline);
	if (r < 0)
		return r;
	/* only root can bind there; still, talk only to that acid-exec */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0 ||
	    peer.pid != server || peer.uid != 0)
		return -ENOENT;

	r = proc_stat(ctx->proc_root, getpid(), NULL, &self_start);
	if (r < 0)
		return r;
	snprintf(msg, sizeof(msg), "%d %s %" PRIu64, (int)target, value,
		 self_start);
	while (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0) {
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		r = wait_until(fd, POLLOUT, deadline);
		if (r <= 0)
			return r < 0 ? r : -ETIMEDOUT;
	}
	for (;;) {
		r = wait_until(fd, POLLIN, deadline);
		if (r <= 0)
			return r < 0 ? r : -ETIMEDOUT;
		n = recv(fd, &answer, sizeof(answer), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		/* closed without an answer: it refused to talk to us */
		if (n != sizeof(answer) || answer < 0)
			return -EPROTO;
		*answered = true;
		return -answer;
	}
}

/*
 * The kernel write of @id for @target, asked of the nearest acid-exec
 * ancestor: its answer is the kernel's. -ENOENT: no acid-exec serves
 * here (a message is left only for the failures of one that does).
 */
int handoff_write_id(struct acid_ctx *ctx, pid_t target,
		     const struct acid_id *id)
{
	bool answered = false;
	pid_t server = 0;
	int r = ask(ctx, target, id, &server, &answered);

	if (r == 0 || r == -ENOENT)
		return r;
	if (answered)
		return ctx_fail(ctx, r, "acid-exec %d writing %s/%d/"
				"audit_containerid", (int)server,
				ctx->proc_root, (int)target);
	if (r == -EPROTO)
		return ctx_fail(ctx, r, "acid-exec %d closed the hand-off "
				"without an answer (it refused the request)",
				(int)server);
	if (r == -ETIMEDOUT)
		return ctx_failw(ctx, r, "Connection timed out",
				 "acid-exec %d did not answer within %d ms "
				 "(asked to write %s/%d/audit_containerid)",
				 (int)server, HANDOFF_DEADLINE_MS,
				 ctx->proc_root, (int)target);
	return ctx_failx(ctx, r, "handing the write of %s/%d/"
			 "audit_containerid to acid-exec %d", ctx->proc_root,
			 (int)target, (int)server);
}
