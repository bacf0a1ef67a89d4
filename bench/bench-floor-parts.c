// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-floor-parts - acid-bench-floor --parts N: the single steps
 * libacid takes, timed one by one (N samples each): the unit costs the
 * findings of issue 11 are priced in.
 */
#include "bench-floor.h"

/* ---------------------------------------------------------- parts */

static pid_t parts_pid;
static int parts_fd = -1;
static char parts_text[4096];

static int part_proc_stat(void)
{
	char path[64], buf[1024];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)parts_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int part_ns10(void)
{
	char path[64];
	struct stat st;

	for (int k = 0; k < 10; k++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)parts_pid,
			 ns_file[k]);
		if (stat(path, &st) < 0)
			return -errno;
	}
	return 0;
}

/* the same ten inodes from the links' text (what libacid reads now) */
static int part_ns10_readlink(void)
{
	char path[64], text[64];

	for (int k = 0; k < 10; k++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)parts_pid,
			 ns_file[k]);
		if (readlink(path, text, sizeof(text)) < 0)
			return -errno;
	}
	return 0;
}

static int part_ns_collect(void)
{
	struct acid_ns_set ns;

	return acid_ns_collect(ctx, parts_pid, &ns);
}

static int part_pidfd(void)
{
	int fd = (int)syscall(SYS_pidfd_open, parts_pid, 0);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int part_children(void)
{
	char path[64], buf[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
		 (int)parts_pid, (int)parts_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int part_self_exe_readlink(void)
{
	char buf[4096];

	return readlink("/proc/self/exe", buf, sizeof(buf)) < 0 ? -errno : 0;
}

static int part_self_exe_stat(void)
{
	struct stat st;

	return stat("/proc/self/exe", &st) < 0 ? -errno : 0;
}

static int part_loginuid(void)
{
	char buf[32];
	int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int part_caps(void)
{
	return acid_check_caps(ACID_CAP_CONTROL);
}

static int part_capget(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	return d[0].effective & (1u << CAP_AUDIT_CONTROL) ? 0 : -EPERM;
}

static int part_socket(void)
{
	int fd = audit_socket();

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int part_audit_get(void)
{
	struct audit_status st;

	return audit_get(parts_fd, &st);
}

static int part_list_rules(void)
{
	int n;

	return audit_list_rules(parts_fd, &n);
}

static int part_send_ack(void)
{
	return send_ack(parts_fd, parts_text);
}

static int part_registry_open(void)
{
	struct stat st;
	int fd;

	if (mkdir(lib_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(lib_dir, &st) < 0)
		return -errno;
	fd = open(lib_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fstat(fd, &st);
	close(fd);
	return 0;
}

static int part_lock(void)
{
	char buf[64];
	int dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (dirfd < 0)
		return -errno;
	fd = openat(dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0 || pread(fd, buf, 64, 0) < 0) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		close(dirfd);
		return r;
	}
	close(fd);
	close(dirfd);
	return 0;
}

static int part_link_replace(void)
{
	int dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (dirfd < 0)
		return -errno;
	unlinkat(dirfd, ".tmp-x", 0);
	if (symlinkat("target", dirfd, ".tmp-x") < 0 ||
	    renameat(dirfd, ".tmp-x", dirfd, "pid-x") < 0)
		r = -errno;
	unlinkat(dirfd, "pid-x", 0);
	close(dirfd);
	return r;
}

static int part_symlink(void)
{
	int dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (dirfd < 0)
		return -errno;
	if (symlinkat("target", dirfd, "pid-x") < 0)
		r = -errno;
	unlinkat(dirfd, "pid-x", 0);
	close(dirfd);
	return r;
}

static int part_session_tag(void)
{
	uint32_t ses;
	int r = acid_session_tag(ctx, getpid(), &ses);

	return r == -ENOENT ? 0 : r;
}

static int part_ancestry(void)
{
	/* what lookup_pid_at's walk reads per step: stat + readlink */
	pid_t cur = getpid();

	while (cur > 1) {
		char path[64], buf[1024], link[32], *p;
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)cur);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return -EIO;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (!p)
			return -EBADMSG;
		snprintf(link, sizeof(link), "pid-%d", (int)cur);
		readlinkat(AT_FDCWD, link, path, sizeof(path));
		cur = (pid_t)strtol(p + 4, NULL, 10);
	}
	return 0;
}

static size_t ancestry_depth(void)
{
	size_t d = 0;
	pid_t cur = getpid();

	while (cur > 1 && d < 4096) {
		char path[64], buf[1024], *p;
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)cur);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			break;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (!p)
			break;
		cur = (pid_t)strtol(p + 4, NULL, 10);
		d++;
	}
	return d;
}

static int part_lookup_name(void)
{
	struct acid_entry *e;
	int r = acid_lookup_name(ctx, "acid-bench-lib-none", NULL, &e);

	if (r == 0)
		acid_entry_free(e);
	return r == -ENOENT ? 0 : r;
}

static int part_lookup_pid(void)
{
	/* what acid_register's nesting lookup does for a target whose
	 * parent is the caller: lookup_pid_at(ppid), a miss */
	struct acid_entry *e;
	int r = acid_lookup_pid(ctx, getpid(), &e);

	if (r == 0)
		acid_entry_free(e);
	return r == -ENOENT ? 0 : r;
}

static void time_part(const char *what, int (*fn)(void), size_t n)
{
	struct samples s;

	samples_init(&s, n);
	for (size_t i = 0; i < n + WARMUP; i++) {
		uint64_t t0 = now_ns();
		int r = fn();
		uint64_t t1 = now_ns();

		if (r < 0)
			die(what, r);
		if (i >= WARMUP)
			samples_add(&s, t1 - t0);
	}
	print_row(what, &s);
	samples_free(&s);
}

void bench_parts(size_t n)
{
	struct floor_ent f = { 0 };
	struct pool p;
	int r, rules = 0;

	r = pool_spawn(&p, 1);
	if (r < 0)
		die("fork", r);
	parts_pid = p.pids[0];
	parts_fd = audit_socket();
	if (parts_fd < 0)
		die("socket", parts_fd);
	f.pid = parts_pid;
	names(f.name, f.bundle, "floor", 888888);
	snprintf(f.id, sizeof(f.id), "00000000-0000-4000-8000-000000000000");
	floor_start_text(&f, parts_text, sizeof(parts_text));
	r = audit_list_rules(parts_fd, &rules);
	if (r < 0)
		die("AUDIT_LIST_RULES", r);

	printf("\nunit costs, %zu samples each (audit rules loaded now: %d; "
	       "this process's ancestry: %zu processes above it)\n",
	       n, rules, ancestry_depth());
	print_header("step");
	time_part("open+read+close /proc/PID/stat", part_proc_stat, n);
	time_part("stat x10 /proc/PID/ns/*", part_ns10, n);
	time_part("readlink x10 /proc/PID/ns/*", part_ns10_readlink, n);
	time_part("acid_ns_collect (10 + hold)", part_ns_collect, n);
	time_part("pidfd_open+close", part_pidfd, n);
	time_part("read task/PID/children", part_children, n);
	time_part("readlink /proc/self/exe", part_self_exe_readlink, n);
	time_part("stat /proc/self/exe", part_self_exe_stat, n);
	time_part("read /proc/self/loginuid", part_loginuid, n);
	time_part("acid_check_caps (capng)", part_caps, n);
	time_part("capget (raw, effective)", part_capget, n);
	time_part("socket+close NETLINK_AUDIT", part_socket, n);
	time_part("AUDIT_GET round trip", part_audit_get, n);
	time_part("AUDIT_LIST_RULES round trip", part_list_rules, n);
	time_part("send+ACK (socket kept)", part_send_ack, n);
	time_part("registry_open (mkdir,open,..)", part_registry_open, n);
	time_part("open dir+.lock, flock, pread", part_lock, n);
	time_part("pid link: symlink+rename", part_link_replace, n);
	time_part("pid link: symlink", part_symlink, n);
	time_part("ancestry walk: stat+readlink", part_ancestry, n);
	time_part("acid_session_tag (self)", part_session_tag, n);
	time_part("acid_lookup_name (a miss)", part_lookup_name, n);
	time_part("acid_lookup_pid (caller, miss)", part_lookup_pid, n);
	close(parts_fd);
	pool_release(&p);
}
