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
 *   name-<hash>.<k> symlinks to the entries whose OCI name hashes to
 *                   <hash> (64-bit FNV-1a, hex), or to "-" (a free
 *                   slot), k = 0, 1, ... with no gap: a lookup by name
 *                   (every poststop) reads the slots up to the first
 *                   missing one. A writer takes the first free slot
 *                   before the entry appears; a removal frees its slot in
 *                   place (the last slot it unlinks), and free slots at
 *                   the end are unlinked;
 *   .lock           flock()ed by writers, so that the checks before a
 *                   registration and its writes are one step for others.
 *                   Its content, once a writer has made the name index
 *                   whole, is NAME_INDEX_MARK: a registry an older acid
 *                   wrote has entries without slots, and until then a
 *                   lookup by name that the index misses reads every entry.
 * Readers take no lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
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
	fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOTDIR) {
		/* a symlink is refused as such (O_NOFOLLOW with O_DIRECTORY
		 * says ENOTDIR for it too) */
		if (lstat(state_dir, &st) < 0)
			return -errno;
		return S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
	}
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

#define NAME_INDEX_MARK "acid-registry name-index 1\n"

/* Has a writer made the name index whole (see the layout above)? */
static bool index_marked(int lockfd)
{
	char buf[sizeof(NAME_INDEX_MARK)];
	ssize_t n = pread(lockfd, buf, sizeof(buf), 0);

	return n == (ssize_t)strlen(NAME_INDEX_MARK) &&
	       memcmp(buf, NAME_INDEX_MARK, (size_t)n) == 0;
}

int registry_lock(int dirfd)
{
	int fd = openat(dirfd, ".lock",
			O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600), r;

	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = -errno;
			close(fd);
			return r;
		}
	}
	return fd;
}

/*
 * The first writer of this version on a registry an older one wrote:
 * make the name index whole, once, then say so in the lock file. Every
 * writer calls it with the lock held; after the first, it reads 27 bytes.
 */
int registry_upgrade(int dirfd, int lockfd)
{
	int r;

	if (index_marked(lockfd))
		return 0;
	r = registry_clean(dirfd, NULL);
	if (r == 0 && (pwrite(lockfd, NAME_INDEX_MARK, strlen(NAME_INDEX_MARK),
			      0) < 0 ||
		       ftruncate(lockfd, strlen(NAME_INDEX_MARK)) < 0))
		r = -errno;
	return r;
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

/* ---- the name index ---- */

#define NAME_LINK_MAX 40
#define NAME_FREE "-" /* the target of a free slot */
#define NAME_SLOT_LIMIT 65536 /* containers of one name hash, at most */

static uint64_t name_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void name_link(uint64_t hash, unsigned slot, char *buf, size_t len)
{
	snprintf(buf, len, "name-%016" PRIx64 ".%u", hash, slot);
}

/*
 * Slot @k of @hash: 1 and its target in @target if it leads to an entry
 * file, 0 if free, -ENOENT past the last slot, another -errno when it
 * cannot be read (-EINVAL: not a symlink): taken, by nothing we know.
 */
static int name_slot_read(int dirfd, uint64_t hash, unsigned k, char *target,
			  size_t len)
{
	char link[NAME_LINK_MAX];
	ssize_t n;

	name_link(hash, k, link, sizeof(link));
	n = readlinkat(dirfd, link, target, len - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	return strcmp(target, NAME_FREE) != 0;
}

/*
 * Make @link a symlink to @target, replacing what it was in one rename: a
 * reader sees the old link or the new one, never none.
 */
static int link_replace(int dirfd, const char *link, const char *target)
{
	char tmp[128];
	int r;

	snprintf(tmp, sizeof(tmp), ".tmp-%d-%ld-%s", (int)getpid(),
		 (long)syscall(SYS_gettid), link);
	/* a temp name taken is a dead writer's (see registry_put()) */
	r = symlinkat(target, dirfd, tmp);
	if (r < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0)
		r = symlinkat(target, dirfd, tmp);
	if (r < 0 || renameat(dirfd, tmp, dirfd, link) < 0) {
		r = -errno;
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return 0;
}

/*
 * Make @link a symlink to @target: in place where there is none (a
 * symlink appears whole), else replacing the one there (link_replace()).
 */
static int link_set(int dirfd, const char *link, const char *target)
{
	if (symlinkat(target, dirfd, link) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	return link_replace(dirfd, link, target);
}

/* Point slot @k of @hash at @target (lock held). */
static int name_slot_set(int dirfd, uint64_t hash, unsigned k,
			 const char *target)
{
	char link[NAME_LINK_MAX];

	name_link(hash, k, link, sizeof(link));
	return link_replace(dirfd, link, target);
}

/* Unlink the free slots at the end of @hash's, the last first (lock held). */
static void name_trim(int dirfd, uint64_t hash)
{
	char target[128], link[NAME_LINK_MAX];
	unsigned n = 0;

	while (name_slot_read(dirfd, hash, n, target, sizeof(target)) !=
	       -ENOENT)
		n++;
	while (n > 0 &&
	       name_slot_read(dirfd, hash, n - 1, target, sizeof(target)) == 0) {
		name_link(hash, n - 1, link, sizeof(link));
		if (unlinkat(dirfd, link, 0) < 0)
			break;
		n--;
	}
}

/* Point the first free slot of @name at @final; the slot used. */
static int name_add(int dirfd, const char *name, const char *final,
		    unsigned *slot)
{
	uint64_t hash = name_hash(name);
	char target[128];
	unsigned k = 0;
	bool r_past_end;

	for (;;) {
		int r = name_slot_read(dirfd, hash, k, target, sizeof(target));

		r_past_end = r == -ENOENT;
		if (r == 0 || r == -ENOENT)
			break;
		if (++k >= NAME_SLOT_LIMIT)
			return -ENOSPC;
	}
	*slot = k;
	if (r_past_end) {
		char link[NAME_LINK_MAX];

		name_link(hash, k, link, sizeof(link));
		return link_set(dirfd, link, final);
	}
	return name_slot_set(dirfd, hash, k, final);
}

/*
 * Free slot @k of @hash, and the free slots it may end (lock held). The
 * last slot is unlinked at once, and the free ones before it after it,
 * the last first: the slots that stay have no gap, and none moved. A
 * slot with others behind it is marked free in one rename.
 */
static void name_free(int dirfd, uint64_t hash, unsigned k)
{
	char target[128], link[NAME_LINK_MAX];

	if (name_slot_read(dirfd, hash, k + 1, target, sizeof(target)) !=
	    -ENOENT) {
		if (name_slot_set(dirfd, hash, k, NAME_FREE) == 0)
			name_trim(dirfd, hash);
		return;
	}
	name_link(hash, k, link, sizeof(link));
	if (unlinkat(dirfd, link, 0) < 0)
		return;
	while (k > 0 &&
	       name_slot_read(dirfd, hash, k - 1, target, sizeof(target)) == 0) {
		name_link(hash, k - 1, link, sizeof(link));
		if (unlinkat(dirfd, link, 0) < 0)
			break;
		k--;
	}
}

/* Free the slot of @name that leads to @final, if there is one. */
static void name_remove(int dirfd, const char *name, const char *final)
{
	uint64_t hash = name_hash(name);
	char target[128];
	int r;

	for (unsigned k = 0;
	     (r = name_slot_read(dirfd, hash, k, target, sizeof(target))) !=
	     -ENOENT;
	     k++) {
		if (r == 1 && strcmp(target, final) == 0) {
			name_free(dirfd, hash, k);
			return;
		}
	}
}

int registry_put(int dirfd, const struct acid_entry *e)
{
	char final[64], tmp[128], link[64];
	_cleanup_free_ char *text = NULL;
	unsigned slot = 0;
	size_t len;
	int fd, r;

	r = entry_to_text(e, &text, &len);
	if (r < 0)
		return r;
	entry_file_name(&e->id, final, sizeof(final));
	snprintf(tmp, sizeof(tmp), ".tmp-%d-%ld-%s", (int)getpid(),
		 (long)syscall(SYS_gettid), final);
	/*
	 * A file by this name is a dead writer's: no other live thread has
	 * this pid and thread id, and writers work under the lock. A hook
	 * killed before its rename, whose pid came round again, must not
	 * block this registration until acid gc.
	 */
	fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
			return -errno;
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
						O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return -errno;
	/*
	 * No fsync: an entry describes live processes, which a power loss
	 * ends too; the rename alone makes it whole for every reader.
	 */
	r = write_all(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* the name slot first: an entry that exists is always found by name */
	if (r == 0 && *e->name)
		r = name_add(dirfd, e->name, final, &slot);
	if (r == 0) {
		r = rename_noreplace(dirfd, tmp, final);
		if (r < 0 && *e->name)
			name_free(dirfd, name_hash(e->name), slot);
	}
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r == -EEXIST ? -ENOTUNIQ : r;
	}

	/* the pid index: replace a stale link left by a dead container */
	snprintf(link, sizeof(link), "pid-%d", (int)e->pid);
	r = link_set(dirfd, link, final);
	if (r < 0) {
		unlinkat(dirfd, final, 0);
		if (*e->name)
			name_remove(dirfd, e->name, final);
		return r;
	}
	return 0;
}

int registry_remove(int dirfd, const struct acid_entry *e)
{
	char final[64], link[64], target[128];
	ssize_t n;
	int r;

	entry_file_name(&e->id, final, sizeof(final));
	snprintf(link, sizeof(link), "pid-%d", (int)e->pid);
	n = readlinkat(dirfd, link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (strcmp(target, final) == 0)
			unlinkat(dirfd, link, 0);
	}
	r = unlinkat(dirfd, final, 0) < 0 ? -errno : 0;
	/*
	 * After the entry: killed in between leaves a stale slot, not an
	 * entry that a lookup by name misses. An entry already gone (a
	 * removal killed there, done again) may have left its slot.
	 */
	if ((r == 0 || r == -ENOENT) && *e->name)
		name_remove(dirfd, e->name, final);
	return r;
}

static int read_entry(int dirfd, const char *name, struct acid_entry **out)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *big = NULL;
	/* an entry is a few hundred bytes: the heap only for a long one
	 * (a 64 KiB buffer made and given back is two brk() calls) */
	char small[4096], *buf = small;
	size_t got = 0, cap = sizeof(small);

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (got == cap && buf == small) {
			big = malloc(ENTRY_FILE_MAX + 1);
			if (!big)
				return -ENOMEM;
			memcpy(big, small, got);
			buf = big;
			cap = ENTRY_FILE_MAX + 1;
		}
		n = read(fd, buf + got, cap - got);
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

/*
 * Not in the index: the answer, unless no writer of this version has made
 * the index whole yet. Then every entry is read, as before the index.
 */
static int name_scan_unindexed(int dirfd, const char *name,
			       const char *bundle, struct acid_entry **out)
{
	_cleanup_close_ int lock = openat(dirfd, ".lock",
					  O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct acid_entry **list, *found = NULL;
	size_t n;
	int r;

	/* no .lock: no writer was ever here, nor any entry */
	if (lock < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (index_marked(lock))
		return -ENOENT;
	r = registry_list(dirfd, &list, &n);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i]->name, name) != 0 ||
		    (bundle && strcmp(list[i]->bundle, bundle) != 0))
			continue;
		if (found) {
			r = -ENOTUNIQ;
			break;
		}
		found = list[i];
		list[i] = NULL;
		r = 0;
	}
	if (r == 0)
		*out = found;
	else
		acid_entry_free(found);
	acid_list_free(list, n);
	return r;
}

/*
 * Readers take no lock: a slot is only ever replaced in one rename (an
 * entry's target by the free mark, or the reverse), made whole by one
 * symlinkat() past the last, and unlinked only from the end (free, or
 * the last one once its entry is gone), so no live slot ever moves and
 * a reader sees every entry that exists while it reads.
 */
int registry_get_name(int dirfd, const char *name, const char *bundle,
		      struct acid_entry **out)
{
	uint64_t hash = name_hash(name);
	struct acid_entry *found = NULL;
	char target[128];
	int r;

	for (unsigned k = 0;
	     (r = name_slot_read(dirfd, hash, k, target, sizeof(target))) !=
	     -ENOENT;
	     k++) {
		struct acid_entry *e;

		/* free, stale (its entry gone), or another name's slot */
		if (r != 1 || !is_entry_name(target) ||
		    read_entry_checked(dirfd, target, &e) < 0)
			continue;
		if (strcmp(e->name, name) != 0 ||
		    (bundle && strcmp(e->bundle, bundle) != 0) ||
		    (found && acid_id_equal(&found->id, &e->id))) {
			acid_entry_free(e);
			continue;
		}
		if (found) {
			acid_entry_free(e);
			acid_entry_free(found);
			return -ENOTUNIQ;
		}
		found = e;
	}
	if (found) {
		*out = found;
		return 0;
	}
	return name_scan_unindexed(dirfd, name, bundle, out);
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
 * "name-", 16 lower-case hex digits, ".", a slot number as name_link()
 * writes it (no leading zero, below NAME_SLOT_LIMIT): the hash in *@hash,
 * the slot in *@slot.
 */
static bool parse_name_link(const char *s, uint64_t *hash, unsigned *slot)
{
	unsigned long v = 0;
	size_t digits = 0;

	if (strncmp(s, "name-", 5) != 0)
		return false;
	for (int i = 5; i < 21; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	if (s[21] != '.' || (s[22] == '0' && s[23]))
		return false;
	for (const char *p = s + 22; *p; p++, digits++) {
		if (*p < '0' || *p > '9' || digits >= 5)
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (!digits || v >= NAME_SLOT_LIMIT)
		return false;
	*hash = strtoull(s + 5, NULL, 16);
	*slot = (unsigned)v;
	return true;
}

struct name_slot {
	uint64_t hash;
	unsigned slot;
};

static int by_hash_slot(const void *a, const void *b)
{
	const struct name_slot *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* a growable array of @size-byte elements */
static int push(void *vp, size_t *n, size_t *cap, const void *x, size_t size)
{
	char **v = vp;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		char *nv = realloc(*v, nc * size);

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	memcpy(*v + *n * size, x, size);
	(*n)++;
	return 0;
}

/*
 * Repair the slots @v[0..n) (sorted) name: a slot to an entry that is
 * gone is freed (counted in *@removed), a gap below a hash's last slot
 * (no writer makes one) is filled with a free slot, free slots at the end
 * are trimmed. The targets of the live slots go to @live. Lock held.
 */
static int name_repair(int dirfd, const struct name_slot *v, size_t n,
		       char ***live, size_t *n_live, size_t *removed)
{
	size_t cap = 0;

	for (size_t i = 0; i < n;) {
		uint64_t hash = v[i].hash;
		unsigned top = 0;

		for (; i < n && v[i].hash == hash; i++)
			top = v[i].slot;
		for (unsigned k = 0; k <= top; k++) {
			char target[128];
			struct stat st;
			char *copy;
			int r = name_slot_read(dirfd, hash, k, target,
					       sizeof(target));

			if (r == -ENOENT) {
				name_slot_set(dirfd, hash, k, NAME_FREE);
				continue;
			}
			/* free, or not a link of ours: left as it is */
			if (r <= 0)
				continue;
			if (!is_entry_name(target) ||
			    (fstatat(dirfd, target, &st, AT_SYMLINK_NOFOLLOW) <
				     0 &&
			     errno == ENOENT)) {
				if (name_slot_set(dirfd, hash, k, NAME_FREE) == 0)
					(*removed)++;
				continue;
			}
			copy = strdup(target);
			if (!copy || push(live, n_live, &cap, &copy,
					  sizeof(copy)) < 0) {
				free(copy);
				return -ENOMEM;
			}
		}
		name_trim(dirfd, hash);
	}
	return 0;
}

/*
 * Give a slot to every named entry that has none (one whose slot was
 * removed by hand, say), @live being the sorted targets of the slots.
 */
static int name_fill(int dirfd, char **live, size_t n_live)
{
	struct dirent *de;
	DIR *d = open_stream(dirfd);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		const char *key = de->d_name;
		struct acid_entry *e;
		unsigned slot;

		if (!is_entry_name(de->d_name) ||
		    (n_live && bsearch(&key, live, n_live, sizeof(*live),
				       by_string)))
			continue;
		if (read_entry_checked(dirfd, de->d_name, &e) < 0)
			continue;
		if (*e->name)
			name_add(dirfd, e->name, de->d_name, &slot);
		acid_entry_free(e);
	}
	closedir(d);
	return 0;
}

/*
 * A writer killed between creating its temporary file and renaming it
 * leaves the file; one killed between the entry's rename and the pid
 * link's leaves no link (lookups by pid fall back to namespaces); one
 * killed between its name slot and the entry, or between removing the
 * entry and freeing its slot, leaves a slot to nothing. What can be
 * stale: temporary files, links to entries that are gone. The name index
 * is repaired whole: stale slots freed, gaps filled, named entries
 * without a slot given one. Called with the registry lock held.
 */
int registry_clean(int dirfd, size_t *removed)
{
	struct name_slot *slots = NULL;
	char **live = NULL;
	size_t n = 0, n_slots = 0, cap = 0, n_live = 0;
	struct dirent *de;
	DIR *d = open_stream(dirfd);
	int r = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct name_slot ns;
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
		} else if (S_ISLNK(st.st_mode) &&
			   parse_name_link(de->d_name, &ns.hash, &ns.slot)) {
			r = push(&slots, &n_slots, &cap, &ns, sizeof(ns));
			if (r < 0)
				break;
		}
	}
	closedir(d);
	if (r == 0 && n_slots) {
		qsort(slots, n_slots, sizeof(*slots), by_hash_slot);
		r = name_repair(dirfd, slots, n_slots, &live, &n_live, &n);
	}
	if (r == 0) {
		if (n_live)
			qsort(live, n_live, sizeof(*live), by_string);
		r = name_fill(dirfd, live, n_live);
	}
	for (size_t i = 0; i < n_live; i++)
		free(live[i]);
	free(live);
	free(slots);
	if (removed)
		*removed = n;
	return r;
}
