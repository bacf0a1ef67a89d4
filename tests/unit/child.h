/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * child.h - the processes the unit tests register, and their state dirs.
 *
 * A "blocked child" is what an orchestrator registers: a forked process
 * that waits on a pipe before it execs anything. child_start() returns
 * once the child has done its setup (threads, a grandchild, new
 * namespaces) and said so; the child then serves commands on its pipe:
 *   'f'  fork a grandchild that blocks too, answer its pid;
 *   EOF  exit (status 0).
 * child_stop() kills the child and the grandchildren it reported, and
 * reaps the child.
 *
 * Everything here only runs in the test process or in its forked
 * helpers, which never print and leave with _exit().
 */
#ifndef ACID_TEST_CHILD_H
#define ACID_TEST_CHILD_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

enum {
	CHILD_THREADS = 1 << 0,	/* 4 more threads, blocked, before ready */
	CHILD_FORK = 1 << 1,	/* a grandchild, forked before ready */
	CHILD_UNSHARE = 1 << 2,	/* new uts, ipc and net namespaces */
	CHILD_NEWPID = 1 << 3,	/* a new pid namespace, no process in it */
	CHILD_NEWNS = 1 << 4,	/* a new mount namespace */
	CHILD_COMM = 1 << 5,	/* a command name that mimics stat fields */
};

/* What CHILD_COMM names the child: /proc/<pid>/stat parsers beware. */
#define CHILD_HOSTILE_COMM ") Z 1 1 1 1 1 ("

#define CHILD_MAX_GRAND 8

struct child {
	pid_t pid;
	int cmd;	/* write end: commands; closing it ends the child */
	int reply;	/* read end: the child's answers */
	pid_t grand[CHILD_MAX_GRAND];
	int ngrand;
};

static inline bool read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static inline bool write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static inline void __attribute__((noreturn)) child_block_forever(void)
{
	for (;;)
		pause();
}

static inline void *child_thread(void *arg)
{
	child_block_forever();
	return arg;
}

static inline void __attribute__((noreturn))
child_main(int cmd, int reply, unsigned int flags)
{
	pid_t g = 0;
	char c;

	if ((flags & CHILD_UNSHARE) &&
	    unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) < 0)
		_exit(3);
	if ((flags & CHILD_NEWPID) && unshare(CLONE_NEWPID) < 0)
		_exit(3);
	if ((flags & CHILD_NEWNS) && unshare(CLONE_NEWNS) < 0)
		_exit(3);
	if ((flags & CHILD_COMM) &&
	    prctl(PR_SET_NAME, CHILD_HOSTILE_COMM, 0, 0, 0) < 0)
		_exit(3);
	if (flags & CHILD_THREADS) {
		for (int i = 0; i < 4; i++) {
			pthread_t t;

			if (pthread_create(&t, NULL, child_thread, NULL))
				_exit(4);
		}
	}
	if (flags & CHILD_FORK) {
		g = fork();
		if (g < 0)
			_exit(5);
		if (g == 0)
			child_block_forever();
	}
	if (!write_full(reply, &g, sizeof(g)))
		_exit(6);
	for (;;) {
		ssize_t n = read(cmd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		if (c == 'f') {
			g = fork();
			if (g == 0)
				child_block_forever();
			if (!write_full(reply, &g, sizeof(g)))
				_exit(6);
		}
	}
}

/* Start a blocked child; bails out when that is impossible. */
static inline void child_start(struct child *c, unsigned int flags)
{
	int cmd[2], reply[2];
	pid_t g;

	memset(c, 0, sizeof(*c));
	if (pipe2(cmd, O_CLOEXEC) < 0 || pipe2(reply, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0)
		bail("fork");
	if (c->pid == 0) {
		close(cmd[1]);
		close(reply[0]);
		child_main(cmd[0], reply[1], flags);
	}
	close(cmd[0]);
	close(reply[1]);
	c->cmd = cmd[1];
	c->reply = reply[0];
	if (!read_full(c->reply, &g, sizeof(g))) {
		int st = 0;

		waitpid(c->pid, &st, 0);
		bail("child %d did not get ready (flags %#x, status %#x)",
		     (int)c->pid, flags, st);
	}
	if (g > 0)
		c->grand[c->ngrand++] = g;
}

/* Have the child fork a grandchild now; its pid. */
static inline pid_t child_fork_grandchild(struct child *c)
{
	pid_t g;

	if (c->ngrand >= CHILD_MAX_GRAND)
		bail("too many grandchildren");
	if (!write_full(c->cmd, "f", 1) || !read_full(c->reply, &g, sizeof(g)) ||
	    g <= 0)
		bail("child %d could not fork", (int)c->pid);
	c->grand[c->ngrand++] = g;
	return g;
}

/* Kill and reap the child (and kill its grandchildren). Idempotent. */
static inline void child_stop(struct child *c)
{
	for (int i = 0; i < c->ngrand; i++)
		kill(c->grand[i], SIGKILL);
	c->ngrand = 0;
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->pid = 0;
	}
	if (c->cmd > 0)
		close(c->cmd);
	if (c->reply > 0)
		close(c->reply);
	c->cmd = c->reply = -1;
}

/* A dead pid: a child forked, exited and reaped. */
static inline pid_t dead_pid(void)
{
	pid_t p;

	fflush(NULL);
	p = fork();
	if (p < 0)
		bail("fork");
	if (p == 0)
		_exit(0);
	while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
		;
	return p;
}

/* ------------------------------------------------------ state dirs */

/* A fresh root-owned 0700 directory; the caller frees the path. */
static inline char *temp_dir(const char *what)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (asprintf(&path, "%s/acid-unit-%s-XXXXXX",
		     tmp && *tmp ? tmp : "/tmp", what) < 0)
		bail("asprintf");
	if (!mkdtemp(path))
		bail("mkdtemp %s", path);
	if (chmod(path, 0700) < 0)
		bail("chmod %s", path);
	return path;
}

/* rm -rf of a test directory (no symlinks followed). */
static inline void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0700);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			char *sub;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (asprintf(&sub, "%s/%s", path, de->d_name) < 0)
				continue;
			remove_tree(sub);
			free(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* What a state directory holds, by kind of name. */
struct dir_census {
	int entries;	/* *.entry */
	int pidlinks;	/* pid-* */
	int namelinks;	/* name-* */
	int tmps;	/* .tmp-* */
	int others;	/* anything but these and .lock */
	int lock;	/* .lock */
	int total;	/* all but . and .. */
};

static inline struct dir_census census(const char *path)
{
	struct dir_census c = { 0 };
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d) {
		c.total = c.others = -1;
		return c;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		c.total++;
		if (n > 6 && !strcmp(de->d_name + n - 6, ".entry") &&
		    de->d_name[0] != '.')
			c.entries++;
		else if (!strncmp(de->d_name, "pid-", 4))
			c.pidlinks++;
		else if (!strncmp(de->d_name, "name-", 5))
			c.namelinks++;
		else if (!strncmp(de->d_name, ".tmp-", 5))
			c.tmps++;
		else if (!strcmp(de->d_name, ".lock"))
			c.lock++;
		else
			c.others++;
	}
	closedir(d);
	return c;
}

/* Field 22 of /proc/<pid>/stat, read here independently of libacid. */
static inline uint64_t starttime_of(pid_t pid)
{
	char path[64], buf[1024];
	const char *p;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

#endif /* ACID_TEST_CHILD_H */
