// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-exec: run an OCI runtime in a fresh kernel audit session.
 *
 * It writes its own /proc/self/loginuid, which gives it a new audit
 * session (ses=); the runtime, its hooks and the container inherit it, so
 * every kernel record of the container carries that one number, and
 * acid-prestart puts it in the register record as ses-tag=. acid-exec
 * stays the runtime's parent (the hooks find it as their ancestor; on a
 * kernel with the audit container ID interface only an ancestor may
 * register), passes signals on, and exits as the runtime did.
 *
 * On such a kernel it also serves the hooks below it: a hook is the
 * container's sibling and the kernel refuses it the write (EXDEV), so it
 * asks acid-exec, the ancestor, on the unix socket
 * <state dir>/exec-<pid>.sock (lib/handoff.h, lib/handoff.c has the
 * protocol). The name is in the registry directory, root's and 0700: no
 * other user can take it first or connect. acid-exec refuses to run the
 * runtime when it cannot serve (the hooks would fail), drops at once a
 * peer that is not root or not its descendant, gives a peer
 * HANDOFF_DEADLINE_MS to send its request and never waits on one peer
 * while others wait. It answers only a peer that runs as root with
 * CAP_AUDIT_CONTROL and descends from it, for a target that descends
 * from it, and passes the kernel's errno back unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <acid/libacid.h>

#include "handoff.h"

static const char usage[] =
	"usage: acid-exec [--uid UID] RUNTIME [ARGS...]\n"
	"\n"
	"Run RUNTIME (runc, crun, ...) with ARGS in a fresh kernel audit\n"
	"session, so that every audit record of the containers it starts\n"
	"carries one ses= number (ausearch --session N, acid events).\n"
	"Usable as an engine's runtime path: arguments, signals and the exit\n"
	"status pass through.\n"
	"\n"
	"Opt-in, because it is not free: it sets the audit uid (auid) of\n"
	"every record of the runtime and its containers to UID: by default\n"
	"the caller's current loginuid, or its real uid where loginuid is\n"
	"unset. Needs CAP_AUDIT_CONTROL, and a loginuid that is not\n"
	"immutable (auditctl --loginuid-immutable forbids this).\n"
	"\n"
	"On a kernel with the audit container ID interface it also writes\n"
	"the container IDs its hooks register, asked on a socket in the\n"
	"registry directory (ACID_STATE_DIR, default /run/acid: the hooks'\n"
	"must be the same); it runs nothing if it cannot serve there.\n";

static pid_t child;
static int chld_pipe[2] = { -1, -1 };
/* procfs as the library sees it (ACID_PROC_ROOT; /proc by default) */
static char proc_root[4096] = "/proc";
/* the kernel's form of container IDs */
static enum acid_mode mode;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void on_sigchld(int sig)
{
	int e = errno;
	ssize_t n = write(chld_pipe[1], "c", 1);

	(void)n;
	(void)sig;
	errno = e;
}

/* ------------------------------------------- serving the hooks' writes */

/* The parent of @pid, and its start time in *@start if not NULL. */
static pid_t parent_of(pid_t pid, unsigned long long *start)
{
	char path[4096 + 64], buf[1024], *p;
	int fd, ppid = 0;
	unsigned long long st;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the name may hold anything */
	/* state ppid pgrp session tty tpgid flags 4 faults utime stime
	 * cutime cstime priority nice threads itrealvalue starttime */
	if (!p || sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u "
			 "%*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &ppid,
			 &st) != 2)
		return 0;
	if (start)
		*start = st;
	return ppid;
}

static bool descends_from_us(pid_t pid)
{
	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		pid = parent_of(pid, NULL);
		if (pid == getpid())
			return true;
	}
	return false;
}

static bool has_audit_control(pid_t pid)
{
	char path[4096 + 64], line[256];
	unsigned long long eff = 0;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/status", proc_root, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	fclose(f);
	return found && (eff >> 30 & 1);	/* CAP_AUDIT_CONTROL */
}

static int write_id(pid_t target, const char *value)
{
	char path[4096 + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/audit_containerid", proc_root,
		 (int)target);
	/* O_TRUNC, as libacid: a prepared file (tests) holds just the value */
	fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	if (fd < 0)
		return errno == ENOENT ? ESRCH : errno;
	n = write(fd, value, strlen(value));
	if (n < 0) {
		int e = errno;

		close(fd);
		return e;
	}
	close(fd);
	return (size_t)n == strlen(value) ? 0 : EIO;
}

/*
 * The registry directory @dir, made if missing, checked as libacid
 * checks it (ours, 0700, no symlink), open in *@dirfd; the socket bound
 * in it, listening. A stale socket of a dead acid-exec with our pid is
 * replaced (only root can have made it). Returns the socket or -errno,
 * *@what saying which step failed.
 */
static int serve_open(const char *dir, int *dirfd, const char **what)
{
	struct sockaddr_un sa;
	socklen_t salen;
	struct stat st;
	char name[32];
	int fd, one = 1;

	*what = "make the directory";
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	*what = "open the directory";
	*dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*dirfd < 0)
		return -errno;
	*what = "check the directory (root's, mode 0700)";
	if (fstat(*dirfd, &st) < 0)
		return -errno;
	if (st.st_uid != geteuid() || (st.st_mode & 077))
		return -EPERM;
	*what = "bind";
	if (handoff_sock_name(name, sizeof(name), getpid()) < 0 ||
	    handoff_sockaddr(&sa, &salen, *dirfd, getpid()) < 0)
		return -ENAMETOOLONG;
	if (unlinkat(*dirfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* every datagram carries its sender (accepted sockets inherit it) */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, salen) < 0 ||
	    fchmodat(*dirfd, name, 0600, 0) < 0 ||
	    (*what = "listen", listen(fd, 64) < 0)) {
		int e = errno;

		close(fd);
		unlinkat(*dirfd, name, 0);
		return -e;
	}
	return fd;
}

static void serve_close(int lfd, int dirfd)
{
	char name[32];

	if (lfd >= 0 && handoff_sock_name(name, sizeof(name), getpid()) == 0)
		unlinkat(dirfd, name, 0);
	if (lfd >= 0)
		close(lfd);
	if (dirfd >= 0)
		close(dirfd);
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
 * The ID of a request, in the kernel's form: a decimal u64 on a u64
 * kernel, a UUID on a 128-bit one. Either form is read (an ID is an ID);
 * what this kernel cannot hold is ERANGE, what is no ID EINVAL.
 */
static int kernel_value(const char *text, char *out, size_t len)
{
	struct acid_id id;
	uint64_t v;

	if (acid_id_parse(text, &id) < 0)
		return EINVAL;
	if (mode == ACID_MODE_KERNEL_U64) {
		if (acid_id_to_u64(&id, &v) < 0)
			return ERANGE;
		snprintf(out, len, "%" PRIu64, v);
		return 0;
	}
	return acid_id_format(&id, out, len) < 0 ? EINVAL : 0;
}

/*
 * One request on @c, whose peer passed the checks at accept:
 * "<target pid> <ID> <asker's start time>", answered with an errno. The
 * asker is who sent the datagram (its kernel credentials, not
 * SO_PEERCRED's connect-time pid alone: a socket can be handed on), the
 * process that connected, root, a descendant of ours with
 * CAP_AUDIT_CONTROL, and, read last, still started when it says: its pid
 * was not taken over by another process meanwhile. Returns false while
 * the request has not come yet.
 */
static bool serve_request(int c)
{
	struct ucred peer, sender;
	socklen_t plen = sizeof(peer);
	char buf[128], text[64], value[64];
	unsigned long long said, now = 0;
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
	    !descends_from_us(sender.pid) || !has_audit_control(sender.pid))
		answer = EPERM;
	else if (sscanf(buf, "%d %63s %llu%n", &target, text, &said,
			&end) != 3 || (size_t)end != (size_t)n || target <= 0)
		answer = EINVAL;
	else if (!parent_of(sender.pid, &now) || now != said)
		answer = EPERM;
	else if (!descends_from_us(target))
		answer = EXDEV;
	else if ((answer = kernel_value(text, value, sizeof(value))) == 0)
		answer = write_id(target, value);
answer:
	send(c, &answer, sizeof(answer), MSG_NOSIGNAL | MSG_DONTWAIT);
	return true;
}

/* Connected peers waiting to send their request, each with a deadline. */
#define PEERS_MAX 16

struct peer {
	int fd;
	long long deadline;	/* ms, CLOCK_MONOTONIC */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Take the connections waiting on @lfd while there is room. A peer that
 * is not root or not our descendant is dropped at once, unanswered.
 */
static void serve_accept(int lfd, struct peer *peers, int *npeers)
{
	while (*npeers < PEERS_MAX) {
		struct ucred peer;
		socklen_t plen = sizeof(peer);
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (c < 0)
			return;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0 ||
		    peer.uid != 0 || !descends_from_us(peer.pid)) {
			close(c);
			continue;
		}
		peers[*npeers].fd = c;
		peers[*npeers].deadline = now_ms() + HANDOFF_DEADLINE_MS;
		(*npeers)++;
	}
}

static uid_t default_uid(void)
{
	FILE *f = fopen("/proc/self/loginuid", "re");
	unsigned long v = 4294967295UL;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 4294967295UL;
		fclose(f);
	}
	return v == 4294967295UL ? getuid() : (uid_t)v;
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };
	struct acid_ctx *ctx;
	struct peer peers[PEERS_MAX];
	char state_dir[4096];
	uid_t uid;
	uint32_t ses;
	int i, r, status, npeers = 0;
	bool uid_given = false, serving;
	int lfd = -1, dirfd = -1;

	static const struct option opts[] = {
		{ "uid", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	/* "+": the runtime's own arguments, from RUNTIME on, are not ours */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'u':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || v >= 4294967295UL ||
			    optarg[0] == '-') {
				fprintf(stderr, "acid-exec: --uid \"%s\" is not "
						"a uid\n", optarg);
				return 2;
			}
			uid = (uid_t)v;
			uid_given = true;
			break;
		default:
			fprintf(stderr, "acid-exec: %s \"%s\" (see --help)\n",
				optopt == 'u' ? "no value for option" :
						"unknown option",
				argv[optind - 1]);
			return 2;
		}
	}
	i = optind;
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (!uid_given)
		uid = default_uid();

	r = acid_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "acid-exec: %s\n", acid_strerror(r));
		return 1;
	}
	r = acid_session_new(ctx, uid, &ses);
	serving = acid_ctx_mode(ctx) != ACID_MODE_USER;
	mode = acid_ctx_mode(ctx);
	snprintf(proc_root, sizeof(proc_root), "%s", acid_ctx_proc_root(ctx));
	snprintf(state_dir, sizeof(state_dir), "%s", acid_ctx_state_dir(ctx));
	acid_ctx_free(ctx);
	if (r == -EACCES) {
		fprintf(stderr, "acid-exec: cannot start a new audit session: "
				"loginuid is immutable (auditctl "
				"--loginuid-immutable) and already set\n");
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "acid-exec: cannot start a new audit session "
				"for uid %u: %s\n", (unsigned int)uid,
			acid_strerror(r));
		return 1;
	}

	if (serving) {
		const char *what;

		lfd = serve_open(state_dir, &dirfd, &what);
		if (lfd < 0) {
			/* the hooks could not register: run nothing */
			fprintf(stderr, "acid-exec: cannot serve the hooks' "
					"registrations (%s/exec-%d.sock: %s: "
					"%s): nothing run\n", state_dir,
				(int)getpid(), what,
				lfd == -EPERM ? "not root's or not 0700" :
						strerror(-lfd));
			return 1;
		}
	}
	if (pipe2(chld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("acid-exec: pipe");
		return 1;
	}

	struct sigaction sa = { .sa_handler = forward };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigaction(sigs[k], &sa, NULL);
	struct sigaction sc = { .sa_handler = on_sigchld,
				.sa_flags = SA_RESTART | SA_NOCLDSTOP };
	sigemptyset(&sc.sa_mask);
	sigaction(SIGCHLD, &sc, NULL);

	child = fork();
	if (child < 0) {
		perror("acid-exec: fork");
		return 1;
	}
	if (child == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
			sigaction(sigs[k], &dfl, NULL);
		execvp(argv[i], argv + i);
		fprintf(stderr, "acid-exec: %s: %s\n", argv[i],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* wait for the runtime, serving the hooks' writes meanwhile */
	for (;;) {
		struct pollfd p[2 + PEERS_MAX];
		pid_t w = waitpid(child, &status, WNOHANG);
		long long now, next = -1;
		int np = 0, k;
		char drain[64];

		if (w == child)
			break;
		if (w < 0 && errno != EINTR) {
			perror("acid-exec: waitpid");
			return 1;
		}
		p[np++] = (struct pollfd){ .fd = chld_pipe[0], .events = POLLIN };
		/* a full table: new peers wait in the backlog */
		p[np++] = (struct pollfd){ .fd = npeers < PEERS_MAX ? lfd : -1,
					   .events = POLLIN };
		for (k = 0; k < npeers; k++) {
			p[np++] = (struct pollfd){ .fd = peers[k].fd,
						   .events = POLLIN };
			if (next < 0 || peers[k].deadline < next)
				next = peers[k].deadline;
		}
		now = now_ms();
		if (poll(p, (nfds_t)np, next < 0 ? -1 :
			 next > now ? (int)(next - now) : 0) < 0 &&
		    errno != EINTR) {
			perror("acid-exec: poll");
			return 1;
		}
		while (read(chld_pipe[0], drain, sizeof(drain)) > 0)
			;
		/* each peer: its request, or its end, or its deadline */
		now = now_ms();
		for (k = npeers - 1; k >= 0; k--) {
			short ev = p[2 + k].revents;

			if ((ev & POLLIN && serve_request(peers[k].fd)) ||
			    (ev & (POLLHUP | POLLERR | POLLNVAL)) ||
			    peers[k].deadline <= now) {
				close(peers[k].fd);
				peers[k] = peers[--npeers];
			}
		}
		if (lfd >= 0 && (p[1].revents & POLLIN))
			serve_accept(lfd, peers, &npeers);
	}
	for (int k = 0; k < npeers; k++)
		close(peers[k].fd);
	serve_close(lfd, dirfd);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* die of the same signal, so our parent sees what the runtime did */
	signal(WTERMSIG(status), SIG_DFL);
	raise(WTERMSIG(status));
	return 128 + WTERMSIG(status);
}
