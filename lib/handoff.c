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
 * text, "<target pid> <ID, decimal u64 or UUID> <asker's start time>
 * <target's start time>"; the answer is the kernel's errno as an int32_t
 * (0: written), in the form of this kernel (acid-exec writes the ID as
 * the kernel reads it). Both ends are here: the hooks' side
 * (handoff_write_id) and acid-exec's (handoff_serve_*), which opens
 * /proc/<target> once and checks the start time, the descent and writes
 * all through that one directory, so a target that died and whose pid
 * was taken meanwhile is never written.
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
#include <sys/stat.h>
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
static int ask(struct acid_ctx *ctx, const struct proc_hold *target,
	       const struct acid_id *id, pid_t *serverp, bool *answered)
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
	snprintf(msg, sizeof(msg), "%d %s %" PRIu64 " %" PRIu64,
		 (int)target->pid, value, self_start, target->start);
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
int handoff_write_id(struct acid_ctx *ctx, const struct proc_hold *h,
		     const struct acid_id *id)
{
	bool answered = false;
	pid_t server = 0, target = h->pid;
	int r = ask(ctx, h, id, &server, &answered);

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

/* ------------------------------------------------------------- server */

/* Connected peers waiting to send their request, each with a deadline. */
struct handoff_server {
	struct acid_ctx *ctx;
	pid_t self;
	int lfd, dirfd, npeers;
	struct {
		int fd;
		int64_t deadline;	/* ms, CLOCK_MONOTONIC */
	} peers[HANDOFF_PEERS_MAX];
};

/* Does @pid (whose parent is @ppid, when known: else 0) descend from us? */
static bool descends_from_us(const struct handoff_server *s, pid_t pid,
			     pid_t ppid)
{
	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		if (!ppid && proc_stat(s->ctx->proc_root, pid, &ppid, NULL) < 0)
			return false;
		if (ppid == s->self)
			return true;
		pid = ppid;
		ppid = 0;
	}
	return false;
}

int handoff_serve_open(struct acid_ctx *ctx, struct handoff_server **out,
		       const char **what)
{
	struct handoff_server *s;
	struct sockaddr_un sa;
	socklen_t salen;
	char name[32];
	int r, one = 1;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->self = getpid();
	s->lfd = -1;
	/* the registry directory, made if missing, checked as every writer
	 * checks it: ours, 0700, no symlink */
	*what = "open the directory (root's, mode 0700, no symlink)";
	s->dirfd = registry_open(ctx->state_dir, true);
	if (s->dirfd < 0) {
		r = s->dirfd == -EUCLEAN ? -EPERM : s->dirfd;
		goto fail;
	}
	*what = "bind";
	if (handoff_sock_name(name, sizeof(name), s->self) < 0 ||
	    handoff_sockaddr(&sa, &salen, s->dirfd, s->self) < 0) {
		r = -ENAMETOOLONG;
		goto fail;
	}
	/* a stale socket of a dead acid-exec with our pid: only root can
	 * have made it */
	if (unlinkat(s->dirfd, name, 0) < 0 && errno != ENOENT) {
		r = -errno;
		goto fail;
	}
	s->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
	if (s->lfd < 0) {
		r = -errno;
		goto fail;
	}
	/* every datagram carries its sender (accepted sockets inherit it) */
	if (setsockopt(s->lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(s->lfd, (struct sockaddr *)&sa, salen) < 0 ||
	    fchmodat(s->dirfd, name, 0600, 0) < 0 ||
	    (*what = "listen", listen(s->lfd, 64) < 0)) {
		r = -errno;
		unlinkat(s->dirfd, name, 0);
		close(s->lfd);
		s->lfd = -1;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	handoff_serve_close(s);
	return r;
}

void handoff_serve_close(struct handoff_server *s)
{
	char name[32];

	if (!s)
		return;
	for (int k = 0; k < s->npeers; k++)
		close(s->peers[k].fd);
	if (s->lfd >= 0 && handoff_sock_name(name, sizeof(name), s->self) == 0)
		unlinkat(s->dirfd, name, 0);
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s);
}

/*
 * The sender of the one datagram on @c, as the kernel stamped it at send
 * time (SCM_CREDENTIALS: a process can only send its own pid), into
 * @cred; the datagram into @buf. Returns its length, 0 for nothing yet
 * (a non-blocking socket), or -1.
 */
static ssize_t recv_with_sender(int c, char *buf, size_t len,
				struct ucred *cred)
{
	union {
		char space[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.space,
			      .msg_controllen = sizeof(control.space) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(*cred))) {
			memcpy(cred, CMSG_DATA(cm), sizeof(*cred));
			return n;
		}
	return -1;
}

/*
 * The write asked for: @text (an ID in either form, written in this
 * kernel's: what it cannot hold is ERANGE, what is no ID EINVAL) as the
 * ID of @target, which started at @start. /proc/<target> is opened once;
 * through it the start time (the process the asker meant, not one that
 * got its pid since), the descent (the parent read in the same look) and
 * the write. Returns the errno to answer.
 */
static int32_t serve_write(struct handoff_server *s, pid_t target,
			   uint64_t start, const char *text)
{
	char path[4096 + 64], value[64];
	_cleanup_close_ int dirfd = -1;
	struct acid_id id;
	uint64_t now;
	pid_t ppid;
	int r;

	if (acid_id_parse(text, &id) < 0)
		return EINVAL;
	r = kernel_format_id(s->ctx->mode, &id, value, sizeof(value));
	if (r < 0)
		return r == -ERANGE ? ERANGE : EINVAL;
	snprintf(path, sizeof(path), "%s/%d", s->ctx->proc_root, (int)target);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? ESRCH : errno;
	r = proc_stat_at(dirfd, "stat", NULL, &ppid, &now);
	if (r < 0 || now != start)
		return ESRCH;
	if (!descends_from_us(s, target, ppid))
		return EXDEV;
	return -kernel_write_at(s->ctx, dirfd, path, value);
}

/*
 * One request on @c, whose peer passed the checks at accept:
 * "<target pid> <ID> <asker's start time> <target's start time>",
 * answered with an errno. The asker is who sent the datagram (its kernel
 * credentials, not SO_PEERCRED's connect-time pid alone: a socket can be
 * handed on), the process that connected, root, a descendant of ours
 * with CAP_AUDIT_CONTROL, and, read last, still started when it says:
 * its pid was not taken over by another process meanwhile. Returns false
 * while the request has not come yet.
 */
static bool serve_request(struct handoff_server *s, int c)
{
	struct ucred peer, sender;
	socklen_t plen = sizeof(peer);
	char buf[160], text[64];
	unsigned long long said, tstart;
	uint64_t now = 0;
	int32_t answer;
	int target, end = 0;
	ssize_t n;

	n = recv_with_sender(c, buf, sizeof(buf) - 1, &sender);
	if (n == 0)
		return false;
	if (n < 0) {
		answer = EPERM;
		goto answer;
	}
	buf[n] = '\0';
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0 ||
	    peer.pid != sender.pid || sender.uid != 0 ||
	    !descends_from_us(s, sender.pid, 0) ||
	    caps_of_pid(s->ctx->proc_root, sender.pid,
			ACID_CAP_CONTROL) != 0)
		answer = EPERM;
	else if (sscanf(buf, "%d %63s %llu %llu%n", &target, text, &said,
			&tstart, &end) != 4 || (size_t)end != (size_t)n ||
		 target <= 0)
		answer = EINVAL;
	else if (proc_stat(s->ctx->proc_root, sender.pid, NULL, &now) < 0 ||
		 now != said)
		answer = EPERM;
	else
		answer = serve_write(s, target, tstart, text);
answer:
	send(c, &answer, sizeof(answer), MSG_NOSIGNAL | MSG_DONTWAIT);
	return true;
}

/*
 * Take the connections waiting while there is room. A peer that is not
 * root or not our descendant is dropped at once, unanswered.
 */
static void serve_accept(struct handoff_server *s)
{
	while (s->npeers < HANDOFF_PEERS_MAX) {
		struct ucred peer;
		socklen_t plen = sizeof(peer);
		int c = accept4(s->lfd, NULL, NULL,
				SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (c < 0)
			return;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0 ||
		    peer.uid != 0 || !descends_from_us(s, peer.pid, 0)) {
			close(c);
			continue;
		}
		s->peers[s->npeers].fd = c;
		s->peers[s->npeers].deadline = now_ms() + HANDOFF_DEADLINE_MS;
		s->npeers++;
	}
}

int handoff_serve_pollfds(const struct handoff_server *s, struct pollfd *p,
			  int *timeout_ms)
{
	int64_t next = -1, now = now_ms();
	int np = 0;

	/* a full table: new peers wait in the backlog */
	p[np++] = (struct pollfd){
		.fd = s->npeers < HANDOFF_PEERS_MAX ? s->lfd : -1,
		.events = POLLIN };
	for (int k = 0; k < s->npeers; k++) {
		p[np++] = (struct pollfd){ .fd = s->peers[k].fd,
					   .events = POLLIN };
		if (next < 0 || s->peers[k].deadline < next)
			next = s->peers[k].deadline;
	}
	*timeout_ms = next < 0 ? -1 : next > now ? (int)(next - now) : 0;
	return np;
}

void handoff_serve_events(struct handoff_server *s, const struct pollfd *p,
			  int np)
{
	int64_t now = now_ms();

	/* each peer: its request, or its end, or its deadline */
	for (int k = s->npeers - 1; k >= 0; k--) {
		short ev = k + 1 < np ? p[k + 1].revents : 0;

		if ((ev & POLLIN && serve_request(s, s->peers[k].fd)) ||
		    (ev & (POLLHUP | POLLERR | POLLNVAL)) ||
		    s->peers[k].deadline <= now) {
			close(s->peers[k].fd);
			s->peers[k] = s->peers[--s->npeers];
		}
	}
	if (np > 0 && (p[0].revents & POLLIN))
		serve_accept(s);
}
