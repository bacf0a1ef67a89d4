// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-test-nsclone clone|clone3 SECONDS: a child made with clone(2) or
 * clone3(2) and CLONE_NEWUTS, in a new UTS namespace from its first
 * instruction (no unshare), for tests/bats/plugin-ns.bats. The child
 * sleeps SECONDS and exits; the parent prints "<child pid> <its
 * /proc/<pid>/ns/uts link>" once the child runs (the pid and the link as
 * seen where it runs: inside a container, the container's view) and
 * waits for it. Static: it runs in the busybox rootfs.
 *
 * acid-test-nsclone join PID SECONDS: joins PID's pid (for its children)
 * and mount namespaces with setns(fd, 0), nstype 0 as crun exec calls
 * it, then sleeps SECONDS: a process half-joined from the host.
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

int main(int argc, char **argv)
{
	char path[64], link[128];
	struct timespec ts = { 0, 0 };
	long pid;
	ssize_t n;
	int st, fds[2];
	char c;

	if (argc == 4 && !strcmp(argv[1], "join")) {
		static const char *const kinds[] = { "pid", "mnt" };

		for (int i = 0; i < 2; i++) {
			int fd;

			snprintf(path, sizeof(path), "/proc/%s/ns/%s", argv[2],
				 kinds[i]);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, 0) < 0) {
				fprintf(stderr, "acid-test-nsclone: %s: %s\n",
					path, strerror(errno));
				return 1;
			}
			close(fd);
		}
		ts.tv_sec = atoi(argv[3]);
		nanosleep(&ts, NULL);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "clone") && strcmp(argv[1], "clone3"))) {
		fputs("usage: acid-test-nsclone clone|clone3 SECONDS\n"
		      "       acid-test-nsclone join PID SECONDS\n", stderr);
		return 2;
	}
	ts.tv_sec = atoi(argv[2]);
	if (pipe(fds) < 0)
		return 1;
	if (!strcmp(argv[1], "clone")) {
		/* the raw syscall: (flags, stack 0 = the parent's, copied) */
		pid = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0);
	} else {
		struct clone_args args;

		memset(&args, 0, sizeof(args));
		args.flags = CLONE_NEWUTS;
		args.exit_signal = SIGCHLD;
		pid = syscall(SYS_clone3, &args, sizeof(args));
	}
	if (pid < 0) {
		fprintf(stderr, "acid-test-nsclone: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	if (pid == 0) {
		/* the child: say it runs, then sleep (no libc state used
		 * that the raw clone could have left inconsistent) */
		close(fds[0]);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		close(fds[1]);
		nanosleep(&ts, NULL);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/ns/uts", pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		fprintf(stderr, "acid-test-nsclone: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	link[n] = 0;
	printf("%ld %s\n", pid, link);
	fflush(stdout);
	if (waitpid((pid_t)pid, &st, 0) < 0 || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}
