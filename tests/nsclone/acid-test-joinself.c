// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-test-joinself: a process of a container that calls setns(2) into
 * namespaces it is in already, for the attacks on audisp-acid's joiner
 * logic in tests/bats/plugin-exec.bats. Static: it runs in the busybox
 * rootfs, with CAP_SYS_ADMIN.
 *
 * acid-test-joinself clone TID SECONDS: setns into its own network
 * namespace, then clone3(2) with set_tid = { TID }: the child's pid in
 * the caller's pid namespace is TID (the clone record's exit=), chosen.
 * The child sleeps SECONDS; the parent prints "<TID>" once the child
 * runs and waits for it.
 *
 * acid-test-joinself setns N SECONDS: N children, siblings, each of which
 * calls setns into its own network namespace and sleeps SECONDS; the
 * parent prints "ok" once all have joined, and waits for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int join_own_net(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "acid-test-joinself: setns /proc/self/ns/net: "
			"%s\n", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* a child: say it runs on @fd, sleep @ts, exit (nothing else of libc) */
static void __attribute__((noreturn)) ready_then_sleep(int fd,
							const struct timespec *ts)
{
	if (write(fd, "x", 1) != 1)
		_exit(1);
	close(fd);
	nanosleep(ts, NULL);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 0 };
	int fds[2], st, n;
	char c;

	if (argc != 4 || (strcmp(argv[1], "clone") &&
			  strcmp(argv[1], "setns"))) {
		fputs("usage: acid-test-joinself clone TID SECONDS\n"
		      "       acid-test-joinself setns N SECONDS\n", stderr);
		return 2;
	}
	ts.tv_sec = atoi(argv[3]);
	n = atoi(argv[2]);
	if (n <= 0 || pipe(fds) < 0)
		return 1;
	if (!strcmp(argv[1], "clone")) {
		struct clone_args args;
		pid_t tid = n;
		long pid;

		if (join_own_net() < 0)
			return 1;
		memset(&args, 0, sizeof(args));
		args.exit_signal = SIGCHLD;
		args.set_tid = (uint64_t)(uintptr_t)&tid;
		args.set_tid_size = 1;
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid < 0) {
			fprintf(stderr, "acid-test-joinself: clone3 set_tid %d: "
				"%s\n", (int)tid, strerror(errno));
			return 1;
		}
		if (pid == 0) {
			close(fds[0]);
			ready_then_sleep(fds[1], &ts);
		}
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			return 1;
		printf("%ld\n", pid);
		fflush(stdout);
		return waitpid((pid_t)pid, &st, 0) < 0 ? 1 : 0;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(fds[0]);
			if (join_own_net() < 0)
				_exit(1);
			ready_then_sleep(fds[1], &ts);
		}
	}
	close(fds[1]);
	for (int i = 0; i < n; i++)
		if (read(fds[0], &c, 1) != 1)
			return 1;
	puts("ok");
	fflush(stdout);
	while (wait(&st) > 0)
		;
	return 0;
}
