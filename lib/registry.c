// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The registry of live containers (user-space mode, and the names and
 * bundles a kernel does not know in kernel mode).
 *
 * Layout of the state directory (root-owned, 0700, never a symlink):
 *   <uuid>.entry    one file per live container, written whole to a
 *                   temporary name and renamed into place, so a reader
 *                   sees the old state or the new, never half of one;
 *   pid-<pid>       symlink to the entry of the container whose first
 *                   process has that pid: lookups by pid walk a process's
 *                   ancestry and need one readlink per step, not a scan;
 *   .lock           flock()ed by writers, so that the checks before a
 *                   registration and its writes are one step for others.
 * Readers take no lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "internal.h"

#define ENTRY_SUFFIX ".entry"
#define ENTRY_NAME_LEN (36 + sizeof(ENTRY_SUFFIX) - 1)
#define ENTRY_FILE_MAX (64 * 1024)

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

int registry_open(const char *state_dir, bool create)
{
	struct stat st;
	int fd;

	/* a missing parent is a missing directory, not a missing container */
	if (create && mkdir(state_dir, 0700) < 0 && errno != EEXIST)
		return errno == ENOENT ? -ENOTDIR : -errno;
	if (lstat(state_dir, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* checked on the open directory: no window for a swap */
	if (fstat(fd, &st) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		return -EUCLEAN;
	}
	return fd;
}

int registry_lock(int dirfd)
{
	int fd = openat(dirfd, ".lock",
			O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int r = -errno;

			close(fd);
			return r;
		}
	}
	return fd;
}

static void entry_file_name(const struct acid_id *id, char *buf, size_t len)
{
	char s[ACID_ID_STRLEN];

	acid_id_format(id, s, sizeof(s));
	snprintf(buf, len, "%s%s", s, ENTRY_SUFFIX);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int rename_noreplace(int dirfd, const char *from, const char *to)
{
	if (syscall(SYS_renameat2, dirfd, from, dirfd, to, RENAME_NOREPLACE) ==
	    0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* filesystems without RENAME_NOREPLACE: link() refuses to replace */
	if (linkat(dirfd, from, dirfd, to, 0) < 0)
		return -errno;
	unlinkat(dirfd, from, 0);
	return 0;
}

int registry_put(int dirfd, const struct acid_entry *e)
{
	char final[64], tmp[128], link[64];
	_cleanup_free_ char *text = NULL;
	size_t len;
	int fd, r;

	r = entry_to_text(e, &text, &len);
	if (r < 0)
		return r;
	entry_file_name(&e->id, final, sizeof(final));
	snprintf(tmp, sizeof(tmp), ".tmp-%d-%ld-%s", (int)getpid(),
		 (long)syscall(SYS_gettid), final);
	fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/*
	 * No fsync: an entry describes live processes, which a power loss
	 * ends too; the rename alone makes it whole for every reader.
	 */
	r = write_all(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = rename_noreplace(dirfd, tmp, final);
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r == -EEXIST ? -ENOTUNIQ : r;
	}

	/* the pid index: replace a stale link left by a dead container */
	snprintf(link, sizeof(link), "pid-%d", (int)e->pid);
	snprintf(tmp, sizeof(tmp), ".tmp-%d-%ld-%s", (int)getpid(),
		 (long)syscall(SYS_gettid), link);
	unlinkat(dirfd, tmp, 0);
	if (symlinkat(final, dirfd, tmp) < 0 ||
	    renameat(dirfd, tmp, dirfd, link) < 0) {
		r = -errno;
		unlinkat(dirfd, tmp, 0);
		unlinkat(dirfd, final, 0);
		return r;
	}
	return 0;
}

int registry_remove(int dirfd, const struct acid_entry *e)
{
	char final[64], link[64], target[128];
	ssize_t n;

	entry_file_name(&e->id, final, sizeof(final));
	snprintf(link, sizeof(link), "pid-%d", (int)e->pid);
	n = readlinkat(dirfd, link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (strcmp(target, final) == 0)
			unlinkat(dirfd, link, 0);
	}
	if (unlinkat(dirfd, final, 0) < 0)
		return -errno;
	return 0;
}

static int read_entry(int dirfd, const char *name, struct acid_entry **out)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t got = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(ENTRY_FILE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf + got, ENTRY_FILE_MAX + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > ENTRY_FILE_MAX)
			return -EBADMSG;
	}
	return entry_from_text(buf, got, out);
}

/* Read entry @name and check that it is the one its name says it is. */
static int read_entry_checked(int dirfd, const char *name,
			      struct acid_entry **out)
{
	struct acid_entry *e;
	char expect[64];
	int r = read_entry(dirfd, name, &e);

	if (r < 0)
		return r;
	entry_file_name(&e->id, expect, sizeof(expect));
	if (strcmp(expect, name) != 0) {
		acid_entry_free(e);
		return -EBADMSG;
	}
	*out = e;
	return 0;
}

int registry_get_id(int dirfd, const struct acid_id *id,
		    struct acid_entry **out)
{
	char name[64];

	entry_file_name(id, name, sizeof(name));
	return read_entry_checked(dirfd, name, out);
}

static bool is_entry_name(const char *s)
{
	size_t n = strlen(s);

	return n == ENTRY_NAME_LEN &&
	       strcmp(s + 36, ENTRY_SUFFIX) == 0 && s[0] != '.';
}

int registry_get_pid(int dirfd, pid_t pid, struct acid_entry **out)
{
	char link[64], target[128];
	struct acid_entry *e;
	ssize_t n;
	int r;

	snprintf(link, sizeof(link), "pid-%d", (int)pid);
	n = readlinkat(dirfd, link, target, sizeof(target) - 1);
	if (n < 0)
		return errno == EINVAL ? -EBADMSG : -errno;
	target[n] = '\0';
	if (!is_entry_name(target))
		return -EBADMSG;
	r = read_entry_checked(dirfd, target, &e);
	if (r < 0)
		return r;
	if (e->pid != pid) {
		acid_entry_free(e);
		return -ENOENT;
	}
	*out = e;
	return 0;
}

/* A directory stream of its own over @dirfd, from the start. */
static DIR *open_stream(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	rewinddir(d);
	return d;
}

int registry_list(int dirfd, struct acid_entry ***out, size_t *count)
{
	struct acid_entry **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = open_stream(dirfd);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct acid_entry *e;

		if (!is_entry_name(de->d_name))
			continue;
		/* gone meanwhile, or unreadable: not a live entry */
		if (read_entry_checked(dirfd, de->d_name, &e) < 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct acid_entry **nl =
				realloc(list, nc * sizeof(*list));

			if (!nl) {
				acid_entry_free(e);
				acid_list_free(list, n);
				closedir(d);
				return -ENOMEM;
			}
			list = nl;
			cap = nc;
		}
		list[n++] = e;
	}
	closedir(d);
	*out = list;
	*count = n;
	return 0;
}

/*
 * A writer killed between creating its temporary file and renaming it
 * leaves the file; one killed between the entry's rename and the pid
 * link's leaves no link (lookups by pid fall back to namespaces); a
 * removal interrupted after the link went leaves nothing stale either.
 * What can be stale: temporary files and links to entries that are gone.
 * Called with the registry lock held.
 */
int registry_clean(int dirfd, size_t *removed)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d = open_stream(dirfd);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;

		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		/* the caller holds the lock: no writer is mid-way */
		if (strncmp(de->d_name, ".tmp-", 5) == 0) {
			if (unlinkat(dirfd, de->d_name, 0) == 0)
				n++;
		} else if (strncmp(de->d_name, "pid-", 4) == 0 &&
			   S_ISLNK(st.st_mode)) {
			struct stat target;

			if (fstatat(dirfd, de->d_name, &target, 0) < 0 &&
			    errno == ENOENT && unlinkat(dirfd, de->d_name, 0) == 0)
				n++;
		}
	}
	closedir(d);
	if (removed)
		*removed = n;
	return 0;
}
