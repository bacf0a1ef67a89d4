// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Namespace identities: the nsfs device and inode of each
 * /proc/<pid>/ns/<kind>, which is what the kernel itself prints for them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

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
 * Stat each entry while @h holds the process. If it exited (and its pid
 * was possibly reused) by the time we are done, what we read may belong
 * to another process: report ESRCH instead.
 */
static int collect(const struct proc_hold *h, unsigned int kinds,
		   struct acid_ns_set *out)
{
	struct acid_ns_set set;
	char path[4096 + 64];
	int found = 0, r;

	memset(&set, 0, sizeof(set));
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		struct stat st;

		if (!(kinds & 1u << k))
			continue;
		snprintf(path, sizeof(path), "%s/%d/ns/%s", h->proc_root,
			 (int)h->pid, ns_names[k]);
		if (stat(path, &st) < 0) {
			/* a kind this kernel lacks: left out */
			if (errno == ENOENT)
				continue;
			return errno == ESRCH ? -ESRCH : -errno;
		}
		set.ns[k].present = true;
		set.ns[k].dev_major = major(st.st_dev);
		set.ns[k].dev_minor = minor(st.st_dev);
		set.ns[k].ino = st.st_ino;
		found++;
	}
	/* a zombie keeps a few ns files: alive is what counts */
	r = proc_hold_alive(h);
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
