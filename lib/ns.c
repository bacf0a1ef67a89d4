// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Namespace identities: the nsfs device and inode of each
 * /proc/<pid>/ns/<kind>, which is what the kernel itself prints for them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

static const char *const ns_names[ACID_NS_COUNT] = {
	[ACID_NS_CGROUP] = "cgroup",
	[ACID_NS_IPC] = "ipc",
	[ACID_NS_MNT] = "mnt",
	[ACID_NS_NET] = "net",
	[ACID_NS_PID] = "pid",
	[ACID_NS_PID_FOR_CHILDREN] = "pid_for_children",
	[ACID_NS_TIME] = "time",
	[ACID_NS_TIME_FOR_CHILDREN] = "time_for_children",
	[ACID_NS_USER] = "user",
	[ACID_NS_UTS] = "uts",
};

const char *acid_ns_name(enum acid_ns_kind kind)
{
	if ((unsigned int)kind >= ACID_NS_COUNT)
		return NULL;
	return ns_names[kind];
}

bool ns_same(const struct acid_ns_set *a, const struct acid_ns_set *b,
	     enum acid_ns_kind k)
{
	return a->ns[k].present && b->ns[k].present &&
	       a->ns[k].ino == b->ns[k].ino &&
	       a->ns[k].dev_major == b->ns[k].dev_major &&
	       a->ns[k].dev_minor == b->ns[k].dev_minor;
}

/*
 * The inode of the namespace that the link @path (of a /proc/<pid>/ns/
 * or /proc/self/ns/ directory) names, read from its text "<kind>:[<ino>]"
 * (@kind: "pid" for pid and pid_for_children alike). The kernel prints
 * the namespace's inode number there (proc_ns_readlink) without making
 * the nsfs dentry and inode that a stat() of the link makes and drops
 * again: a third to a quarter of the stat's cost. 1 and *@ino; 0: not
 * such a link (a test's tree of symlinks to the real ones), stat it;
 * -errno as stat() (ENOENT: no such link; EACCES: not the caller's to
 * read).
 */
int ns_link_ino(const char *path, const char *kind, uint64_t *ino)
{
	char text[64], *end;
	size_t kl = strlen(kind);
	unsigned long long v;
	ssize_t n = readlink(path, text, sizeof(text) - 1);

	if (n < 0)
		return errno == EINVAL ? 0 : -errno;
	text[n] = '\0';
	if ((size_t)n < kl + 4 || memcmp(text, kind, kl) ||
	    memcmp(text + kl, ":[", 2) || text[kl + 2] < '0' ||
	    text[kl + 2] > '9')
		return 0;
	errno = 0;
	v = strtoull(text + kl + 2, &end, 10);
	if (errno || strcmp(end, "]") != 0 || v == 0)
		return 0;
	*ino = v;
	return 1;
}

/* the kind's name as its link's text starts: pid_for_children is "pid" */
static const char *link_kind(int k)
{
	if (k == ACID_NS_PID_FOR_CHILDREN)
		return ns_names[ACID_NS_PID];
	if (k == ACID_NS_TIME_FOR_CHILDREN)
		return ns_names[ACID_NS_TIME];
	return ns_names[k];
}

/*
 * Read each entry while @h holds the process. If it exited (and its pid
 * was possibly reused) by the time we are done, what we read may belong
 * to another process: report ESRCH instead. The inodes come from the
 * links' text (ns_link_ino()); the device from one stat(): every
 * namespace file is on the one nsfs the kernel mounts internally
 * (fs/nsfs.c, nsfs_mnt), so the device of one is the device of all.
 */
static int collect(const struct proc_hold *h, unsigned int kinds,
		   struct acid_ns_set *out)
{
	struct acid_ns_set set;
	char path[4096 + 64];
	unsigned int dev_maj = 0, dev_min = 0;
	bool have_dev = false;
	int found = 0, r;

	memset(&set, 0, sizeof(set));
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		struct stat st;
		uint64_t ino = 0;

		if (!(kinds & 1u << k))
			continue;
		snprintf(path, sizeof(path), "%s/%d/ns/%s", h->proc_root,
			 (int)h->pid, ns_names[k]);
		r = ns_link_ino(path, link_kind(k), &ino);
		/* a kind this kernel lacks: left out */
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (r == 0 || !have_dev) {
			if (stat(path, &st) < 0) {
				if (errno == ENOENT)
					continue;
				return errno == ESRCH ? -ESRCH : -errno;
			}
			/* the stat's inode, should the namespace have
			 * changed between the two (setns) */
			ino = st.st_ino;
			if (r == 1) {
				dev_maj = major(st.st_dev);
				dev_min = minor(st.st_dev);
				have_dev = true;
			}
			set.ns[k].dev_major = major(st.st_dev);
			set.ns[k].dev_minor = minor(st.st_dev);
		} else {
			set.ns[k].dev_major = dev_maj;
			set.ns[k].dev_minor = dev_min;
		}
		set.ns[k].present = true;
		set.ns[k].ino = ino;
		found++;
	}
	/* a zombie keeps a few ns files: alive is what counts (a process
	 * that cannot be gone meanwhile is not held: pidfd -2) */
	r = h->pidfd == -2 ? 1 : proc_hold_alive(h);
	if (r < 0)
		return r;
	if (r == 0 || found == 0)
		return -ESRCH;
	*out = set;
	return 0;
}

int ns_collect_held(const struct proc_hold *h, struct acid_ns_set *out)
{
	return collect(h, ~0u, out);
}

/* Some kinds only, for lookups, which compare two of them. */
int ns_collect_kinds(const char *proc_root, pid_t pid, unsigned int kinds,
		     struct acid_ns_set *out)
{
	struct proc_hold h;
	int r = proc_hold_open(proc_root, pid, &h);

	if (r < 0)
		return r;
	r = collect(&h, kinds, out);
	proc_hold_close(&h);
	return r;
}

/*
 * The namespaces of pid 1 or of the caller itself: neither can be gone
 * while it is read (pid 1's death ends its pid namespace, the caller's
 * pid is its own), so neither is held (no pidfd, no stat read, no poll).
 */
int ns_collect_stable(const char *proc_root, pid_t pid, unsigned int kinds,
		      struct acid_ns_set *out)
{
	struct proc_hold h = { .proc_root = proc_root, .pid = pid,
			       .pidfd = -2 };

	if (pid != 1 && pid != getpid())
		return ns_collect_kinds(proc_root, pid, kinds, out);
	return collect(&h, kinds, out);
}

int acid_ns_collect(const struct acid_ctx *ctx, pid_t pid,
		    struct acid_ns_set *out)
{
	if (!ctx || !out)
		return -EINVAL;
	return ns_collect_kinds(ctx->proc_root, pid, ~0u, out);
}

unsigned int acid_ns_count(void)
{
	return ACID_NS_COUNT;
}

int acid_ns_get(const struct acid_ns_set *set, enum acid_ns_kind kind,
		struct acid_ns_id *out)
{
	if (!set || !out || (unsigned int)kind >= ACID_NS_COUNT)
		return -EINVAL;
	if (!set->ns[kind].present)
		return -ENOENT;
	out->dev_major = set->ns[kind].dev_major;
	out->dev_minor = set->ns[kind].dev_minor;
	out->ino = set->ns[kind].ino;
	return 0;
}

int acid_ns_collect_new(const struct acid_ctx *ctx, pid_t pid,
			struct acid_ns_set **out)
{
	struct acid_ns_set *set;
	int r;

	if (!ctx || !out)
		return -EINVAL;
	set = calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	r = ns_collect_kinds(ctx->proc_root, pid, ~0u, set);
	if (r < 0) {
		free(set);
		return r;
	}
	*out = set;
	return 0;
}

void acid_ns_set_free(struct acid_ns_set *set)
{
	free(set);
}
