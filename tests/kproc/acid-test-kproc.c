// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-test-kproc: a procfs with the audit container ID interface, for
 * the bats tests that run real runtimes (runc) in libacid's kernel mode
 * on a kernel that has no such interface (ACID_PROC_ROOT=<mount point>).
 *
 *   acid-test-kproc MOUNTPOINT u64|uuid [LOG]
 *
 * A FUSE file system, in the foreground until SIGTERM (then unmounted):
 *   self/audit_containerid  the probe: the unset value of the form
 *   self/loginuid, sessionid symlinks to /proc/self/...: the opener's own
 *   <pid>/audit_containerid the ID, kept here, with the kernel's rules
 *   <pid>/<anything else>   a symlink to /proc/<pid>/<anything else>,
 *                           or for procfs's own links (exe, cwd, root) to
 *                           where they point
 * A write of <pid>/audit_containerid is judged as kernel/README.md says
 * the test kernel does, in that order: EINVAL (not a value of the form,
 * or the unset value), EPERM (writer without CAP_AUDIT_CONTROL), EXDEV
 * (the target is the writer itself or not its descendant: so a hook,
 * the container's sibling, is refused and its acid-exec ancestor is
 * not), EEXIST (set already, unless inherited from the writer). Not
 * modelled: EBUSY (children, threads) and the audit records; the test
 * kernel (kernel/run.sh) has those. A read gives the pid's own ID, else
 * the nearest ancestor's (inherited at fork), else the unset value.
 * Every write is logged to LOG (default stderr) as
 * "write writer=<pid> target=<pid> value=<text> errno=<n>".
 */
#define FUSE_USE_VERSION 31
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fuse.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IDS_MAX 4096

static struct {
	pid_t pid;
	unsigned long long start;
	char value[40];
} ids[IDS_MAX];
static bool uuid_form;
static FILE *logf;

/* The parent and start time of @pid from /proc, or -1. */
static int real_stat(pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	unsigned long long st;
	int pp;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u "
			 "%*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &pp,
			 &st) != 2)
		return -1;
	if (ppid)
		*ppid = pp;
	if (start)
		*start = st;
	return 0;
}

/* A field of /proc/<pid>/status ("Tgid:", "CapEff:"), or NULL. */
static bool status_field(pid_t pid, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0) {
			snprintf(out, len, "%s", line + strlen(key));
			found = true;
			break;
		}
	fclose(f);
	return found;
}

/* The pid's own ID, or NULL (none, or a dead process's with its pid). */
static const char *own_id(pid_t pid)
{
	unsigned long long start;

	if (real_stat(pid, NULL, &start) < 0)
		return NULL;
	for (int i = 0; i < IDS_MAX; i++)
		if (ids[i].pid == pid && ids[i].start == start)
			return ids[i].value;
	return NULL;
}

/* The pid's ID as the kernel holds it: its own or inherited, or NULL. */
static const char *effective_id(pid_t pid)
{
	for (int depth = 0; pid > 0 && depth < 4096; depth++) {
		const char *v = own_id(pid);
		pid_t pp;

		if (v)
			return v;
		if (real_stat(pid, &pp, NULL) < 0)
			return NULL;
		pid = pp;
	}
	return NULL;
}

static const char *unset_text(void)
{
	return uuid_form ? "00000000-0000-0000-0000-000000000000" :
			   "18446744073709551615";
}

static bool valid_value(const char *v)
{
	if (uuid_form) {
		if (strlen(v) != 36 || strcmp(v, unset_text()) == 0)
			return false;
		for (int i = 0; i < 36; i++) {
			bool dash = i == 8 || i == 13 || i == 18 || i == 23;

			if (dash ? v[i] != '-' : !isxdigit((unsigned char)v[i]))
				return false;
		}
		return true;
	}
	if (!*v || strlen(v) > 20 || strspn(v, "0123456789") != strlen(v))
		return false;
	errno = 0;
	unsigned long long n = strtoull(v, NULL, 10);

	return !errno && n != UINT64_MAX;
}

static bool is_descendant(pid_t pid, pid_t of)
{
	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		if (real_stat(pid, &pid, NULL) < 0)
			return false;
		if (pid == of)
			return true;
	}
	return false;
}

static int judge_write(pid_t writer, pid_t target, const char *value)
{
	char cap[64];
	unsigned long long start;
	const char *inherited;

	if (!valid_value(value))
		return EINVAL;
	if (!status_field(writer, "CapEff:", cap, sizeof(cap)) ||
	    !(strtoull(cap, NULL, 16) >> 30 & 1))	/* CAP_AUDIT_CONTROL */
		return EPERM;
	if (target == writer || !is_descendant(target, writer))
		return EXDEV;
	if (own_id(target))
		return EEXIST;
	inherited = effective_id(target);
	if (inherited && (!effective_id(writer) ||
			  strcmp(inherited, effective_id(writer)) != 0))
		return EEXIST;
	if (real_stat(target, NULL, &start) < 0)
		return ESRCH;
	for (int i = 0; i < IDS_MAX; i++)
		if (ids[i].pid == 0 || !own_id(ids[i].pid) ||
		    ids[i].pid == target) {
			ids[i].pid = target;
			ids[i].start = start;
			snprintf(ids[i].value, sizeof(ids[i].value), "%s", value);
			return 0;
		}
	return ENOSPC;
}

/* ------------------------------------------------------------- paths */

enum kind { K_NONE, K_ROOT, K_SELF, K_SELF_ID, K_SELF_LINK, K_PID, K_ID,
	    K_LINK };

/* What @path is; *pid and *name (the last component) for the pid kinds. */
static enum kind classify(const char *path, pid_t *pid, const char **name)
{
	char *end;
	long v;

	if (strcmp(path, "/") == 0)
		return K_ROOT;
	if (strcmp(path, "/self") == 0)
		return K_SELF;
	if (strcmp(path, "/self/audit_containerid") == 0)
		return K_SELF_ID;
	if (strcmp(path, "/self/loginuid") == 0 ||
	    strcmp(path, "/self/sessionid") == 0) {
		*name = path + 6;
		return K_SELF_LINK;
	}
	if (!isdigit((unsigned char)path[1]))
		return K_NONE;
	v = strtol(path + 1, &end, 10);
	if (v <= 0 || v > 1 << 22)
		return K_NONE;
	*pid = (pid_t)v;
	if (!*end)
		return K_PID;
	if (*end != '/' || strchr(end + 1, '/') || !end[1])
		return K_NONE;
	*name = end + 1;
	return strcmp(*name, "audit_containerid") == 0 ? K_ID : K_LINK;
}

static int kp_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	char real[128];
	struct stat rs;
	const char *name = NULL;
	pid_t pid = 0;
	enum kind k = classify(path, &pid, &name);

	(void)fi;
	memset(st, 0, sizeof(*st));
	switch (k) {
	case K_ROOT:
	case K_SELF:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		return 0;
	case K_SELF_ID:
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		return 0;
	case K_SELF_LINK:
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		return 0;
	case K_PID:
		snprintf(real, sizeof(real), "/proc/%d", (int)pid);
		if (stat(real, &rs) < 0)
			return -ENOENT;
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		return 0;
	case K_ID:
		snprintf(real, sizeof(real), "/proc/%d", (int)pid);
		if (stat(real, &rs) < 0)
			return -ENOENT;
		st->st_mode = S_IFREG | 0644;
		st->st_nlink = 1;
		return 0;
	case K_LINK:
		snprintf(real, sizeof(real), "/proc/%d/%s", (int)pid, name);
		if (lstat(real, &rs) < 0)
			return -errno;
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		return 0;
	default:
		return -ENOENT;
	}
}

static int kp_readlink(const char *path, char *buf, size_t len)
{
	const char *name = NULL;
	pid_t pid = 0;

	switch (classify(path, &pid, &name)) {
	case K_SELF_LINK:
		snprintf(buf, len, "/proc/self/%s", name);
		return 0;
	case K_LINK: {
		char real[128];
		ssize_t n;

		/* a link of procfs's own (exe, cwd, root) reads as its
		 * target, as in /proc; anything else is a link to /proc */
		snprintf(real, sizeof(real), "/proc/%d/%s", (int)pid, name);
		n = readlink(real, buf, len - 1);
		if (n >= 0) {
			buf[n] = '\0';
			return 0;
		}
		snprintf(buf, len, "%s", real);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static int kp_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	char real[64];
	const char *name = NULL;
	pid_t pid = 0;
	struct dirent *de;
	DIR *d;

	(void)off;
	(void)fi;
	(void)flags;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	switch (classify(path, &pid, &name)) {
	case K_ROOT:
		fill(buf, "self", NULL, 0, 0);
		snprintf(real, sizeof(real), "/proc");
		break;
	case K_SELF:
		fill(buf, "audit_containerid", NULL, 0, 0);
		fill(buf, "loginuid", NULL, 0, 0);
		fill(buf, "sessionid", NULL, 0, 0);
		return 0;
	case K_PID:
		fill(buf, "audit_containerid", NULL, 0, 0);
		snprintf(real, sizeof(real), "/proc/%d", (int)pid);
		break;
	default:
		return -ENOTDIR;
	}
	d = opendir(real);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "self") &&
		    strcmp(de->d_name, "thread-self") &&
		    (pid || isdigit((unsigned char)de->d_name[0])))
			fill(buf, de->d_name, NULL, 0, 0);
	closedir(d);
	return 0;
}

static int kp_open(const char *path, struct fuse_file_info *fi)
{
	const char *name = NULL;
	pid_t pid = 0;
	enum kind k = classify(path, &pid, &name);

	if (k != K_ID && k != K_SELF_ID)
		return -EISDIR;
	if (k == K_SELF_ID && (fi->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	fi->direct_io = 1;	/* every read asks us: the value changes */
	return 0;
}

static int kp_read(const char *path, char *buf, size_t len, off_t off,
		   struct fuse_file_info *fi)
{
	char text[64];
	const char *name = NULL, *v;
	pid_t pid = 0;
	size_t n;

	(void)fi;
	if (classify(path, &pid, &name) == K_ID)
		v = effective_id(pid);
	else
		v = NULL;
	snprintf(text, sizeof(text), "%s\n", v ? v : unset_text());
	n = strlen(text);
	if ((size_t)off >= n)
		return 0;
	n -= (size_t)off;
	if (n > len)
		n = len;
	memcpy(buf, text + off, n);
	return (int)n;
}

static int kp_write(const char *path, const char *buf, size_t len,
		    off_t off, struct fuse_file_info *fi)
{
	char value[64], tgid[32];
	const char *name = NULL;
	pid_t target = 0, writer = fuse_get_context()->pid;
	int e;

	(void)fi;
	if (classify(path, &target, &name) != K_ID)
		return -EACCES;
	/* the thread that wrote: its process */
	if (status_field(writer, "Tgid:", tgid, sizeof(tgid)))
		writer = (pid_t)strtol(tgid, NULL, 10);
	snprintf(value, sizeof(value), "%.*s",
		 (int)(len < sizeof(value) - 1 ? len : sizeof(value) - 1), buf);
	value[strcspn(value, "\n")] = '\0';
	e = off != 0 || len >= sizeof(value) ? EINVAL :
					       judge_write(writer, target, value);
	fprintf(logf, "write writer=%d target=%d value=%s errno=%d\n",
		(int)writer, (int)target, value, e);
	fflush(logf);
	return e ? -e : (int)len;
}

static int kp_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)path;
	(void)size;
	(void)fi;
	return 0;
}

static void *kp_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	return NULL;
}

static const struct fuse_operations ops = {
	.init = kp_init,
	.getattr = kp_getattr,
	.readlink = kp_readlink,
	.readdir = kp_readdir,
	.open = kp_open,
	.read = kp_read,
	.write = kp_write,
	.truncate = kp_truncate,
};

int main(int argc, char **argv)
{
	char *fargv[] = { argv[0], "-f", "-s", "-o", "fsname=acid-test-kproc",
			  argc > 1 ? argv[1] : NULL, NULL };

	if (argc < 3 || (strcmp(argv[2], "u64") && strcmp(argv[2], "uuid"))) {
		fprintf(stderr, "usage: acid-test-kproc MOUNTPOINT u64|uuid "
				"[LOG]\n");
		return 2;
	}
	uuid_form = strcmp(argv[2], "uuid") == 0;
	logf = stderr;
	if (argc > 3 && !(logf = fopen(argv[3], "ae"))) {
		fprintf(stderr, "acid-test-kproc: %s: %s\n", argv[3],
			strerror(errno));
		return 1;
	}
	return fuse_main(6, fargv, &ops, NULL);
}
