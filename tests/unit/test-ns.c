// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-ns - acid_ns_collect against what stat(2) says of /proc/<pid>/ns:
 * on the test itself, a forked child, a child in new namespaces, a child
 * whose pid_for_children does not resolve yet, and a prepared proc tree
 * where some kinds are missing; dead and zombie pids; acid_ns_name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <acid/libacid.h>

#include "child.h"
#include "tap.h"

static const char *const kinds[ACID_NS_COUNT] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time",
	"time_for_children", "user", "uts",
};

static char *state_dir;

static struct acid_ctx *make_ctx(const char *proc_root)
{
	struct acid_opts o = {
		.size = sizeof(o),
		.proc_root = proc_root,
		.state_dir = state_dir,
	};
	struct acid_ctx *ctx;
	int r = acid_ctx_new(&o, &ctx);

	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new(proc_root %s)", proc_root);
	}
	return ctx;
}

/*
 * Compare @set with stat() of <real_root>/<pid>/ns/<kind>, kind by kind:
 * present with the same dev and inode where the file resolves, absent with
 * zero numbers where it does not. @missing: kinds that must be absent.
 */
static void compare(const char *what, const char *real_root, pid_t pid,
		    const struct acid_ns_set *set, unsigned int missing)
{
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		char path[128];
		struct stat st;
		bool there;

		snprintf(path, sizeof(path), "%s/%d/ns/%s", real_root,
			 (int)pid, kinds[k]);
		there = stat(path, &st) == 0 && !(missing & (1u << k));
		if (!there) {
			ok(!set->ns[k].present && !set->ns[k].ino &&
				   !set->ns[k].dev_major && !set->ns[k].dev_minor,
			   "%s: %s absent (stat: %s): present %d ino %" PRIu64,
			   what, kinds[k],
			   missing & (1u << k) ? "left out of the tree" :
						 strerror(errno),
			   set->ns[k].present, set->ns[k].ino);
			continue;
		}
		ok(set->ns[k].present && set->ns[k].ino == st.st_ino &&
			   set->ns[k].dev_major == major(st.st_dev) &&
			   set->ns[k].dev_minor == minor(st.st_dev),
		   "%s: %s: got %s %u:%u:%" PRIu64 ", stat %u:%u:%" PRIu64,
		   what, kinds[k], set->ns[k].present ? "present" : "absent",
		   set->ns[k].dev_major, set->ns[k].dev_minor, set->ns[k].ino,
		   major(st.st_dev), minor(st.st_dev), (uint64_t)st.st_ino);
	}
}

static void test_self(struct acid_ctx *ctx)
{
	struct acid_ns_set set;
	int r;

	memset(&set, 0x5a, sizeof(set));
	r = acid_ns_collect(ctx, getpid(), &set);
	if (is_err(r, 0, "collect self (pid %d)", (int)getpid()))
		compare("self", "/proc", getpid(), &set, 0);
}

/* The accessors: a library-allocated set read kind by kind agrees with
 * the caller's struct, and says -ENOENT / -EINVAL where it must. */
static void test_accessors(struct acid_ctx *ctx)
{
	struct acid_ns_set *set = NULL, mine;
	struct acid_ns_id n;
	int r;

	is_int(acid_ns_count(), ACID_NS_COUNT, "acid_ns_count");
	r = acid_ns_collect_new(ctx, getpid(), &set);
	if (is_err(r, 0, "collect_new self") &&
	    is_err(acid_ns_collect(ctx, getpid(), &mine), 0, "collect self")) {
		for (unsigned int k = 0; k < acid_ns_count(); k++) {
			r = acid_ns_get(set, (enum acid_ns_kind)k, &n);
			if (!mine.ns[k].present) {
				is_err(r, -ENOENT, "get %s: absent",
				       acid_ns_name((enum acid_ns_kind)k));
				continue;
			}
			ok(r == 0 && n.ino == mine.ns[k].ino &&
			   n.dev_major == mine.ns[k].dev_major &&
			   n.dev_minor == mine.ns[k].dev_minor,
			   "get %s: %u:%u %llu", acid_ns_name(
				   (enum acid_ns_kind)k), n.dev_major,
			   n.dev_minor, (unsigned long long)n.ino);
		}
		is_err(acid_ns_get(set, ACID_NS_COUNT, &n), -EINVAL,
		       "get a kind past the last");
		is_err(acid_ns_get(NULL, ACID_NS_PID, &n), -EINVAL,
		       "get from no set");
	}
	acid_ns_set_free(set);
	is_err(acid_ns_collect_new(ctx, 0, &set), -ESRCH, "collect_new pid 0");
}

static void test_child(struct acid_ctx *ctx)
{
	struct acid_ns_set set, self;
	struct child c;
	int r;

	child_start(&c, 0);
	r = acid_ns_collect(ctx, c.pid, &set);
	if (is_err(r, 0, "collect forked child %d", (int)c.pid))
		compare("child", "/proc", c.pid, &set, 0);
	if (acid_ns_collect(ctx, getpid(), &self) == 0 && r == 0)
		ok(memcmp(&self, &set, sizeof(set)) == 0,
		   "a forked child has its parent's namespaces");
	child_stop(&c);
}

static void test_unshared(struct acid_ctx *ctx)
{
	static const enum acid_ns_kind fresh[] = { ACID_NS_UTS, ACID_NS_IPC,
						   ACID_NS_NET };
	struct acid_ns_set set, self;
	struct child c;
	int r;

	child_start(&c, CHILD_UNSHARE);
	r = acid_ns_collect(ctx, c.pid, &set);
	if (is_err(r, 0, "collect child %d in new uts/ipc/net namespaces",
		   (int)c.pid))
		compare("unshared child", "/proc", c.pid, &set, 0);
	if (r == 0 && acid_ns_collect(ctx, getpid(), &self) == 0) {
		for (size_t i = 0; i < sizeof(fresh) / sizeof(fresh[0]); i++) {
			enum acid_ns_kind k = fresh[i];

			ok(set.ns[k].present && set.ns[k].ino != self.ns[k].ino,
			   "unshared child: %s inode %" PRIu64
			   " differs from ours %" PRIu64,
			   kinds[k], set.ns[k].ino, self.ns[k].ino);
		}
		is_u64(set.ns[ACID_NS_MNT].ino, self.ns[ACID_NS_MNT].ino,
		       "unshared child: mnt inode is still ours");
	}
	child_stop(&c);
}

/*
 * After unshare(CLONE_NEWPID) and before its first fork, a process's
 * pid_for_children has no reaper: the ns file does not resolve (ENOENT).
 * That kind must be absent, not faked; the others present.
 */
static void test_newpid(struct acid_ctx *ctx)
{
	struct acid_ns_set set;
	struct child c;
	char path[64];
	struct stat st;
	int r, e;

	child_start(&c, CHILD_NEWPID);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid_for_children",
		 (int)c.pid);
	r = stat(path, &st);
	e = errno;
	if (r == 0 || e != ENOENT) {
		skip("pid_for_children of a fresh pid namespace resolves on "
		     "this kernel (stat rc %d, %s)", r, strerror(e));
		child_stop(&c);
		return;
	}
	r = acid_ns_collect(ctx, c.pid, &set);
	if (is_err(r, 0, "collect child %d with an empty pid namespace",
		   (int)c.pid)) {
		compare("newpid child", "/proc", c.pid, &set, 0);
		ok(!set.ns[ACID_NS_PID_FOR_CHILDREN].present,
		   "newpid child: pid_for_children (stat ENOENT) left out: "
		   "present %d", set.ns[ACID_NS_PID_FOR_CHILDREN].present);
	}
	child_stop(&c);
}

/*
 * A prepared proc root whose <pid>/ns holds only some kinds (symlinks to
 * the real files): the missing ones must come back absent.
 */
static void test_partial_tree(void)
{
	/* leave out time, time_for_children and cgroup */
	const unsigned int missing = 1u << ACID_NS_TIME |
				     1u << ACID_NS_TIME_FOR_CHILDREN |
				     1u << ACID_NS_CGROUP;
	char *root = temp_dir("nsroot");
	struct acid_ctx *ctx;
	struct acid_ns_set set;
	struct child c;
	char path[4096], target[128];
	int r;

	child_start(&c, 0);
	snprintf(path, sizeof(path), "%s/%d", root, (int)c.pid);
	if (mkdir(path, 0755) < 0)
		bail("mkdir %s", path);
	snprintf(path, sizeof(path), "%s/%d/ns", root, (int)c.pid);
	if (mkdir(path, 0755) < 0)
		bail("mkdir %s", path);
	/* the start time holds the process where there is no pidfd */
	snprintf(path, sizeof(path), "%s/%d/stat", root, (int)c.pid);
	snprintf(target, sizeof(target), "/proc/%d/stat", (int)c.pid);
	if (symlink(target, path) < 0)
		bail("symlink %s", path);
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (missing & (1u << k))
			continue;
		snprintf(path, sizeof(path), "%s/%d/ns/%s", root, (int)c.pid,
			 kinds[k]);
		snprintf(target, sizeof(target), "/proc/%d/ns/%s", (int)c.pid,
			 kinds[k]);
		if (symlink(target, path) < 0)
			bail("symlink %s", path);
	}
	ctx = make_ctx(root);
	is_int(acid_ctx_mode(ctx), ACID_MODE_USER,
	       "prepared tree without self/audit_containerid: user mode");
	r = acid_ns_collect(ctx, c.pid, &set);
	if (is_err(r, 0, "collect child %d through a tree missing 3 kinds",
		   (int)c.pid))
		compare("partial tree", "/proc", c.pid, &set, missing);

	/* a tree with no ns directory at all: nothing to collect */
	snprintf(path, sizeof(path), "%s/%d/ns", root, (int)c.pid);
	remove_tree(path);
	r = acid_ns_collect(ctx, c.pid, &set);
	ok(r < 0, "collect through a tree without <pid>/ns fails: %d (%s)", r,
	   r < 0 ? strerrorname_np(-r) : "success");
	acid_ctx_free(ctx);
	child_stop(&c);
	remove_tree(root);
	free(root);
}

static void test_dead(struct acid_ctx *ctx)
{
	struct acid_ns_set set, before;
	pid_t p = dead_pid();
	int r;

	memset(&set, 0x5a, sizeof(set));
	before = set;
	r = acid_ns_collect(ctx, p, &set);
	is_err(r, -ESRCH, "collect a reaped child (pid %d)", (int)p);
	ok(memcmp(&set, &before, sizeof(set)) == 0,
	   "collect a reaped child: output untouched");
	is_err(acid_ns_collect(ctx, 0, &set), -ESRCH, "collect pid 0");
	is_err(acid_ns_collect(ctx, -1, &set), -ESRCH, "collect pid -1");
	is_err(acid_ns_collect(NULL, getpid(), &set), -EINVAL,
	       "collect with a NULL context");
	is_err(acid_ns_collect(ctx, getpid(), NULL), -EINVAL,
	       "collect into NULL");
}

static void test_zombie(struct acid_ctx *ctx)
{
	struct acid_ns_set set;
	siginfo_t si;
	pid_t p;
	int r;

	fflush(NULL);
	p = fork();
	if (p < 0)
		bail("fork");
	if (p == 0)
		_exit(0);
	/* wait for the exit without reaping it */
	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)p, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			bail("waitid");
	r = acid_ns_collect(ctx, p, &set);
	is_err(r, -ESRCH, "collect a zombie (pid %d, not reaped)", (int)p);
	if (r == 0) {
		/* say what a zombie's ns files still gave */
		for (int k = 0; k < ACID_NS_COUNT; k++)
			if (set.ns[k].present)
				diag("zombie: %s collected as %" PRIu64,
				     kinds[k], set.ns[k].ino);
	}
	waitpid(p, NULL, 0);
}

static void test_names(void)
{
	for (int k = 0; k < ACID_NS_COUNT; k++)
		is_str(acid_ns_name((enum acid_ns_kind)k), kinds[k],
		       "acid_ns_name(%d)", k);
	is_str(acid_ns_name(ACID_NS_COUNT), NULL, "acid_ns_name(ACID_NS_COUNT)");
	is_str(acid_ns_name((enum acid_ns_kind)-1), NULL, "acid_ns_name(-1)");
	is_str(acid_ns_name((enum acid_ns_kind)1000), NULL,
	       "acid_ns_name(1000)");
}

int main(void)
{
	struct acid_ctx *ctx;

	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	state_dir = temp_dir("ns-state");
	ctx = make_ctx(NULL);

	test_self(ctx);
	test_accessors(ctx);
	test_child(ctx);
	test_unshared(ctx);
	test_newpid(ctx);
	test_partial_tree();
	test_dead(ctx);
	test_zombie(ctx);
	test_names();

	acid_ctx_free(ctx);
	remove_tree(state_dir);
	free(state_dir);
	return tap_done();
}
