// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid_lookup_ns: which registered container a process is in by its
 * namespaces, for processes that joined one with setns(2) as runc exec
 * and nsenter do. Real processes in real namespaces: a "container" is a
 * forked process that unshare(2)s namespaces and forks its init (pid 1 of
 * a new pid namespace when it has one); a "joiner" is a forked process
 * that setns(2)s into some of the init's namespaces (through
 * /proc/<init>/ns/<kind>), and may fork a child that is then in the pid
 * namespace itself. Needs root.
 */
#include "register-test.h"

#include <sched.h>
#include <sys/wait.h>

/* A process of this test that blocks until killed. */
struct proc {
	pid_t pid;	/* 0: none */
	pid_t extra;	/* a second one (a container's init, a joiner's child) */
};

static void proc_kill(struct proc *p)
{
	if (p->extra > 0)
		kill(p->extra, SIGKILL);
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	p->pid = p->extra = 0;
}

/*
 * A container: a process that unshares @flags and forks its init, which
 * blocks; p->pid the unsharer, p->extra the init (its host pid: the
 * unsharer stays in the host's pid namespace).
 */
static void container_start(struct proc *p, int flags)
{
	int fd[2];
	pid_t init = -1;

	if (pipe2(fd, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		bail("fork");
	if (p->pid == 0) {
		close(fd[0]);
		if (unshare(flags) == 0) {
			init = fork();
			if (init == 0)
				child_block_forever();
		}
		write_full(fd[1], &init, sizeof(init));
		child_block_forever();
	}
	close(fd[1]);
	if (!read_full(fd[0], &init, sizeof(init)) || init <= 0)
		bail("container (unshare %#x) did not start", flags);
	close(fd[0]);
	p->extra = init;
}

static const struct {
	int flag;
	const char *name;
} kinds[] = {
	/* in runc's order: the mount namespace last */
	{ CLONE_NEWIPC, "ipc" },   { CLONE_NEWUTS, "uts" },
	{ CLONE_NEWNET, "net" },   { CLONE_NEWPID, "pid" },
	{ CLONE_NEWNS, "mnt" },
};

/*
 * A joiner: a process that setns()s into the namespaces @flags of
 * @target, then (@fork_child) forks a child; p->pid the joiner, p->extra
 * the child (host pid). Returns 0 or the errno of a failed setns.
 */
static int joiner_start(struct proc *p, pid_t target, int flags,
			bool fork_child)
{
	int fd[2];
	int res[2] = { -1, 0 };

	if (pipe2(fd, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		bail("fork");
	if (p->pid == 0) {
		close(fd[0]);
		res[0] = 0;
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			char path[64];
			int ns;

			if (!(flags & kinds[i].flag))
				continue;
			snprintf(path, sizeof(path), "/proc/%d/ns/%s",
				 (int)target, kinds[i].name);
			ns = open(path, O_RDONLY | O_CLOEXEC);
			if (ns < 0 || setns(ns, kinds[i].flag) < 0) {
				res[0] = errno;
				break;
			}
			close(ns);
		}
		if (res[0] == 0 && fork_child) {
			res[1] = fork();
			if (res[1] == 0)
				child_block_forever();
		}
		write_full(fd[1], res, sizeof(res));
		child_block_forever();
	}
	close(fd[1]);
	if (!read_full(fd[0], res, sizeof(res)))
		bail("joiner of %d did not answer", (int)target);
	close(fd[0]);
	p->extra = res[1];
	return res[0];
}

/* acid_lookup_ns of @pid is the entry with @id. */
static void expect_in(struct acid_ctx *ctx, pid_t pid,
		      const struct acid_id *id, const char *what)
{
	char a[ACID_ID_STRLEN], b[ACID_ID_STRLEN];
	struct acid_entry *l = NULL;
	int r = acid_lookup_ns(ctx, pid, &l);

	if (is_err(r, 0, "%s: acid_lookup_ns(%d)", what, (int)pid)) {
		ok(ids_equal(acid_entry_id(l), id), "%s: container %s (want %s)",
		   what, idstr(acid_entry_id(l), a), idstr(id, b));
		acid_entry_free(l);
	}
}

static void expect_err(struct acid_ctx *ctx, pid_t pid, int err,
		       const char *what)
{
	struct acid_entry *l = NULL;
	int r = acid_lookup_ns(ctx, pid, &l);

	is_err(r, err, "%s: acid_lookup_ns(%d)", what, (int)pid);
	if (r == 0)
		acid_entry_free(l);
}

#define ALL_NS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | \
		CLONE_NEWNET)

/*
 * A container with every kind runc gives one: joiners of all of them (as
 * runc exec) and their children are its; a partial joiner, the host and
 * the container's own unsharer are not.
 */
static void test_runc_like(void)
{
	struct fixture fx;
	struct acid_entry *e = NULL;
	struct acid_id id = new_id();
	struct proc c = { 0 }, j = { 0 }, pidonly = { 0 }, mntonly = { 0 };

	fx_new(&fx, "lookup-ns");
	container_start(&c, ALL_NS);
	if (!is_err(reg(fx.ctx, c.extra, &id, "full", NULL, &e), 0,
		    "register the init %d of a container with its own mnt, "
		    "pid, uts, ipc, net", (int)c.extra))
		goto out;
	/* the init itself, by its namespaces */
	expect_in(fx.ctx, c.extra, &id, "the container's init");
	if (is_int(joiner_start(&j, c.extra, ALL_NS, true), 0,
		   "setup: a joiner entered all five (setns errno)")) {
		/* the joiner: pid_for_children is the container's */
		expect_in(fx.ctx, j.pid, &id, "a joiner of all its namespaces");
		expect_in(fx.ctx, j.extra, &id,
			  "the joiner's child (in the pid namespace)");
		/* not a descendant of the init: acid_lookup_pid agrees */
		struct acid_entry *l = NULL;

		if (is_err(acid_lookup_pid(fx.ctx, j.extra, &l), 0,
			   "acid_lookup_pid of the joiner's child"))
			acid_entry_free(l);
	}
	/* a pid namespace alone, or a mount namespace alone: not in it */
	if (is_int(joiner_start(&pidonly, c.extra, CLONE_NEWPID, true), 0,
		   "setup: a joiner of the pid namespace only"))
		expect_err(fx.ctx, pidonly.extra, -ENOENT,
			   "a child in its pid namespace but the host's mount "
			   "namespace");
	if (is_int(joiner_start(&mntonly, c.extra, CLONE_NEWNS, false), 0,
		   "setup: a joiner of the mount namespace only"))
		expect_err(fx.ctx, mntonly.pid, -ENOENT,
			   "a joiner of its mount namespace only");
	expect_err(fx.ctx, getpid(), -ENOENT, "the test itself (the host's)");
	/* the runtime's process that unshared and forked the init (runc's
	 * [1:CHILD]): its mount namespace and its children's pid namespace
	 * are the container's */
	expect_in(fx.ctx, c.pid, &id, "the process that made the namespaces");
	expect_err(fx.ctx, dead_pid(), -ESRCH, "a pid that is gone");
out:
	proc_kill(&j);
	proc_kill(&pidonly);
	proc_kill(&mntonly);
	proc_kill(&c);
	acid_entry_free(e);
	fx_free(&fx);
}

/*
 * The container's init gone (killed: its pid namespace with it): a
 * joiner of its mount namespace that outlives it is nobody's.
 */
static void test_dead_container(void)
{
	struct fixture fx;
	struct acid_entry *e = NULL;
	struct acid_id id = new_id();
	struct proc c = { 0 }, j = { 0 };

	fx_new(&fx, "lookup-ns-dead");
	container_start(&c, CLONE_NEWNS | CLONE_NEWUTS);
	if (!is_err(reg(fx.ctx, c.extra, &id, "dies", NULL, &e), 0,
		    "register a container with its own mnt and uts"))
		goto out;
	if (!is_int(joiner_start(&j, c.extra, CLONE_NEWNS | CLONE_NEWUTS,
				 false), 0, "setup: a joiner of mnt and uts"))
		goto out;
	expect_in(fx.ctx, j.pid, &id, "the joiner while the init lives");
	kill(c.extra, SIGKILL);
	/* (a zombie, its parent blocking: not alive either) */
	for (int i = 0; i < 100 && acid_entry_alive(fx.ctx, e) == 1; i++)
		usleep(10000);
	is_int(acid_entry_alive(fx.ctx, e), 0, "setup: the init is dead");
	expect_err(fx.ctx, j.pid, -ENOENT,
		   "the joiner after the container's init died");
out:
	proc_kill(&j);
	proc_kill(&c);
	acid_entry_free(e);
	fx_free(&fx);
}

/*
 * A container that shares the host's mount and pid namespaces (its own
 * uts, ipc, net only): a process is its when every one of those matches.
 * One with its own mount namespace only: the mount namespace decides.
 */
static void test_shared_host_namespaces(void)
{
	struct fixture fx;
	struct acid_entry *e1 = NULL, *e2 = NULL;
	struct acid_id id1 = new_id(), id2 = new_id();
	struct proc c1 = { 0 }, c2 = { 0 }, all = { 0 }, net = { 0 },
		    mnt = { 0 };
	const int three = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;

	fx_new(&fx, "lookup-ns-shared");
	container_start(&c1, three);
	container_start(&c2, CLONE_NEWNS);
	if (!is_err(reg(fx.ctx, c1.extra, &id1, "net-only", NULL, &e1), 0,
		    "register a container with its own uts, ipc, net") ||
	    !is_err(reg(fx.ctx, c2.extra, &id2, "mnt-only", NULL, &e2), 0,
		    "register a container with its own mount namespace"))
		goto out;
	if (is_int(joiner_start(&all, c1.extra, three, false), 0,
		   "setup: a joiner of its uts, ipc and net"))
		expect_in(fx.ctx, all.pid, &id1, "a joiner of all its own kinds");
	if (is_int(joiner_start(&net, c1.extra, CLONE_NEWNET, false), 0,
		   "setup: a joiner of its net namespace only"))
		expect_err(fx.ctx, net.pid, -ENOENT,
			   "a joiner of one of its three kinds");
	if (is_int(joiner_start(&mnt, c2.extra, CLONE_NEWNS, false), 0,
		   "setup: a joiner of the other's mount namespace"))
		expect_in(fx.ctx, mnt.pid, &id2,
			  "a joiner of a mount-namespace-only container");
out:
	proc_kill(&all);
	proc_kill(&net);
	proc_kill(&mnt);
	proc_kill(&c1);
	proc_kill(&c2);
	acid_entry_free(e1);
	acid_entry_free(e2);
	fx_free(&fx);
}

/* Two containers: each joiner is its own one's; no registry: none. */
static void test_two_and_none(void)
{
	struct fixture fx;
	struct acid_entry *ea = NULL, *eb = NULL, *l = NULL;
	struct acid_id ida = new_id(), idb = new_id();
	struct proc a = { 0 }, b = { 0 }, ja = { 0 }, jb = { 0 };
	struct acid_ctx *none;
	char *empty;

	fx_new(&fx, "lookup-ns-two");
	container_start(&a, ALL_NS);
	container_start(&b, ALL_NS);
	if (!is_err(reg(fx.ctx, a.extra, &ida, "a", NULL, &ea), 0,
		    "register container A") ||
	    !is_err(reg(fx.ctx, b.extra, &idb, "b", NULL, &eb), 0,
		    "register container B"))
		goto out;
	if (is_int(joiner_start(&ja, a.extra, ALL_NS, true), 0,
		   "setup: a joiner of A") &&
	    is_int(joiner_start(&jb, b.extra, ALL_NS, true), 0,
		   "setup: a joiner of B")) {
		expect_in(fx.ctx, ja.extra, &ida, "A's joiner's child");
		expect_in(fx.ctx, jb.extra, &idb, "B's joiner's child");
		expect_in(fx.ctx, jb.pid, &idb, "B's joiner");
	}
	/* a registry that does not exist holds no container */
	empty = temp_dir("lookup-ns-none");
	remove_tree(empty);
	none = ctx_at(empty);
	expect_err(none, ja.extra, -ENOENT, "no registry");
	acid_ctx_free(none);
	free(empty);
	is_err(acid_lookup_ns(NULL, getpid(), &l), -EINVAL, "a NULL context");
	is_err(acid_lookup_ns(fx.ctx, getpid(), NULL), -EINVAL, "a NULL out");
	is_err(acid_lookup_ns(fx.ctx, 0, &l), -ESRCH, "pid 0");
out:
	proc_kill(&ja);
	proc_kill(&jb);
	proc_kill(&a);
	proc_kill(&b);
	acid_entry_free(ea);
	acid_entry_free(eb);
	fx_free(&fx);
}

int main(void)
{
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-lookup-ns needs root (setns, CAP_AUDIT_CONTROL)");

	test_runc_like();
	test_dead_container();
	test_shared_host_namespaces();
	test_two_and_none();
	return tap_done();
}
