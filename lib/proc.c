// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Process facts from procfs, and pidfds that hold a process so that a pid
 * reused meanwhile is noticed rather than mistaken for the target.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "internal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static int stat_fields(int dirfd, const char *path, char *state, pid_t *ppid,
		       unsigned long *threads, uint64_t *starttime);

static int pidfd_open_(pid_t pid)
{
	long fd = syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return errno == EINVAL ? -ESRCH : -errno;
	return (int)fd;
}

/* 'Z' or 'X' in field 3 of /proc/<pid>/stat: exited, not yet reaped */
int proc_exited(const char *proc_root, pid_t pid)
{
	char path[4096 + 64], state;
	int r;

	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, (int)pid);
	r = proc_stat_at(AT_FDCWD, path, &state, NULL, NULL);
	if (r < 0)
		return r == -ESRCH ? 1 : r;
	return state == 'Z' || state == 'X';
}

int proc_hold_open(const char *proc_root, pid_t pid, struct proc_hold *h)
{
	char path[4096 + 64];
	int r;

	h->proc_root = proc_root;
	h->pid = pid;
	h->pidfd = -1;
	h->start = 0;
	h->ppid = 0;
	h->threads = 0;
	h->stat_err = 0;
	if (pid <= 0)
		return -ESRCH;
	r = pidfd_open_(pid);
	if (r >= 0)
		h->pidfd = r;
	else if (r != -ENOSYS)
		return r;
	/*
	 * The start time, read after the pidfd so it is the held process's,
	 * is what holds it where there is no pidfd; with one, a proc tree
	 * without stat files (tests) is fine.
	 */
	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, (int)pid);
	r = stat_fields(AT_FDCWD, path, NULL, &h->ppid, &h->threads, &h->start);
	if (r < 0)
		h->threads = 0;
	h->stat_err = r < 0 ? r : 0;
	if (r < 0 && h->pidfd < 0) {
		proc_hold_close(h);
		return r;
	}
	r = proc_hold_alive(h);
	if (r <= 0) {
		proc_hold_close(h);
		return r < 0 ? r : -ESRCH;
	}
	return 0;
}

/*
 * Is process @pid still the one that started at @start, and not exited
 * (a zombie waiting for its reaper is not alive)? 1, 0, or -errno.
 */
int proc_alive(const char *proc_root, pid_t pid, uint64_t start)
{
	uint64_t now;
	int r = proc_stat(proc_root, pid, NULL, &now);

	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	if (now != start)
		return 0;
	r = proc_exited(proc_root, pid);
	return r < 0 ? r : !r;
}

int proc_hold_alive(const struct proc_hold *h)
{
	int r;

	if (h->pidfd >= 0) {
		/* a pidfd polls readable once its process has exited */
		struct pollfd pfd = { .fd = h->pidfd, .events = POLLIN };

		r = poll(&pfd, 1, 0);
		if (r < 0)
			return -errno;
		return r == 0;
	}
	return proc_alive(h->proc_root, h->pid, h->start);
}

void proc_hold_close(struct proc_hold *h)
{
	if (h->pidfd >= 0)
		close(h->pidfd);
	h->pidfd = -1;
}

/*
 * Read a small file relative to @dirfd (AT_FDCWD for absolute paths).
 * A read that returns less than was asked ends it, sparing the read that
 * would return 0: the files read so are procfs's one-record files (stat,
 * status, loginuid, sessionid, audit_containerid), whose whole text the
 * kernel hands out in one read when it fits (seq_read_iter for a single
 * record, simple_read_from_buffer), and regular files of test trees,
 * short only at their end. Not so a multi-record seq file such as
 * task/<tid>/children: it may return short with records left, whenever
 * the next one would not fit the kernel's buffer; read with a buffer of
 * 64 bytes (a record is a pid and a space) it never does, and its one
 * caller only asks whether there is a first pid.
 */
int proc_read_small(int dirfd, const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got + 1 < len) {
		size_t want = len - 1 - got;
		ssize_t n = read(fd, buf + got, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	buf[got] = '\0';
	return (int)got;
}

/*
 * The one reader of /proc/<pid>/stat: @path at @dirfd (AT_FDCWD for an
 * absolute path; "stat" in an open /proc/<pid>). The command name (field
 * 2) may hold spaces and parentheses, so fields are counted from the last
 * ')'. Fills what is asked: the state (field 3), the parent (4), the
 * number of threads (20), the start time in clock ticks since boot (22).
 * -ESRCH: no such process.
 */
static int stat_fields(int dirfd, const char *path, char *state, pid_t *ppid,
		       unsigned long *threads, uint64_t *starttime)
{
	char buf[2048];
	const char *p;
	int r, field, last = starttime ? 22 : threads ? 20 : ppid ? 4 : 3;

	r = proc_read_small(dirfd, path, buf, sizeof(buf));
	if (r == -ENOENT)
		return -ESRCH;
	if (r < 0)
		return r;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EBADMSG;
	/* p+2 is field 3 (state) */
	p += 2;
	if (state)
		*state = *p;
	for (field = 3; *p && field < last; field++) {
		if (field == 4 && ppid)
			*ppid = (pid_t)strtol(p, NULL, 10);
		if (field == 20 && threads)
			*threads = strtoul(p, NULL, 10);
		p = strchr(p, ' ');
		if (!p)
			return -EBADMSG;
		p++;
	}
	if (field != last || !*p)
		return -EBADMSG;
	if (field == 4 && ppid)
		*ppid = (pid_t)strtol(p, NULL, 10);
	if (field == 20 && threads)
		*threads = strtoul(p, NULL, 10);
	if (starttime)
		*starttime = strtoull(p, NULL, 10);
	return 0;
}

int proc_stat_at(int dirfd, const char *path, char *state, pid_t *ppid,
		 uint64_t *starttime)
{
	return stat_fields(dirfd, path, state, ppid, NULL, starttime);
}

int proc_stat(const char *proc_root, pid_t pid, pid_t *ppid,
	      uint64_t *starttime)
{
	char path[64 + 4096];

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, (int)pid);
	return proc_stat_at(AT_FDCWD, path, NULL, ppid, starttime);
}

/*
 * Has @pid forked? The children of every thread are listed in
 * task/<tid>/children (CONFIG_PROC_CHILDREN); without that file the whole
 * process table is scanned for a parent of @pid.
 */
int proc_has_children(const char *proc_root, pid_t pid, unsigned long threads)
{
	char path[64 + 4096];
	DIR *d;
	struct dirent *de;
	int found = 0, tasks = 0;

	/*
	 * A process of one thread (its stat said so, read after its pidfd
	 * was opened) has one children file: read at once, the task
	 * directory unlisted. The thread count is a few microseconds older
	 * than a listing made here would be (a thread made in between, and
	 * its child, go unseen); the check was never free of such a race:
	 * a fork right after it is missed all the same, and a runtime's
	 * init blocked at prestart makes neither.
	 */
	if (threads == 1) {
		char buf[64];
		int r;

		snprintf(path, sizeof(path), "%s/%d/task/%d/children",
			 proc_root, (int)pid, (int)pid);
		r = proc_read_small(AT_FDCWD, path, buf, sizeof(buf));
		if (r >= 0)
			return strpbrk(buf, "0123456789") != NULL;
		/* no CONFIG_PROC_CHILDREN, or gone: as below */
	}
	snprintf(path, sizeof(path), "%s/%d/task", proc_root, (int)pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? -ESRCH : -errno;
	while (!found && (de = readdir(d))) {
		char buf[64];
		int r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/children", de->d_name);
		r = proc_read_small(dirfd(d), path, buf, sizeof(buf));
		if (r == -ENOENT)
			continue; /* thread gone, or no CONFIG_PROC_CHILDREN */
		if (r < 0) {
			closedir(d);
			return r;
		}
		tasks++;
		for (char *c = buf; *c; c++)
			if (*c >= '0' && *c <= '9')
				found = 1;
	}
	closedir(d);
	if (found || tasks)
		return found;

	/* no children files: look for a process whose parent is pid */
	d = opendir(proc_root);
	if (!d)
		return -errno;
	while (!found && (de = readdir(d))) {
		pid_t p, pp;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		p = (pid_t)strtol(de->d_name, NULL, 10);
		if (proc_stat(proc_root, p, &pp, NULL) == 0 && pp == pid)
			found = 1;
	}
	closedir(d);
	return found;
}

/* Is @pid the caller or one of the caller's ancestors? */
int proc_is_self_or_ancestor(const char *proc_root, pid_t pid)
{
	pid_t cur = getpid();

	for (int depth = 0; cur > 0 && depth < 4096; depth++) {
		pid_t parent;
		int r;

		if (cur == pid)
			return 1;
		r = proc_stat(proc_root, cur, &parent, NULL);
		if (r < 0)
			return r == -ESRCH ? 0 : r;
		cur = parent;
	}
	return 0;
}

/*
 * The initial pid namespace's nsfs inode: fixed since Linux 3.8
 * (PROC_PID_INIT_INO in include/linux/proc_ns.h, part of the UAPI
 * <linux/nsfs.h> since 6.18); every other pid namespace gets one from
 * the dynamic range, which starts at 0xF0000000.
 */
#define PIDNS_INIT_INO 0xEFFFFFFCu

/*
 * Does the caller run in the initial pid namespace, and is /proc that
 * namespace's procfs? 1, 0 (*@ino: the namespace seen), or -errno.
 * /proc/self names the caller in every procfs the caller is visible in,
 * so its ns/pid is the caller's own namespace; in a procfs of a
 * namespace the caller is not in, /proc/self does not exist (-ENOENT).
 * An initial-namespace caller is visible only in the initial
 * namespace's procfs, so one stat answers both questions. Always the
 * real /proc, whatever the context's proc root: it is about the caller.
 */
int proc_pidns_initial(uint64_t *ino)
{
	const char *path = ACID_DEFAULT_PROC_ROOT "/self/ns/pid";
	struct stat st;
	int r;

	*ino = 0;
	r = ns_link_ino(path, "pid", ino);
	if (r < 0)
		return r;
	if (r == 0) {
		if (stat(path, &st) < 0)
			return -errno;
		*ino = (uint64_t)st.st_ino;
	}
	return *ino == PIDNS_INIT_INO;
}
