// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-register - the registration rules of SPEC.md in user-space mode,
 * each with a case that fails when the rule is broken:
 *   CAP_AUDIT_CONTROL (EPERM), the target exists (ESRCH), is not the caller
 *   or an ancestor (EXDEV), has not forked (EBUSY) though it may have
 *   threads, is not registered already (EEXIST), the ID is not live
 *   (ENOTUNIQ), bounded text (EINVAL), the caller in the initial pid
 *   namespace (EREMOTE), a safe state directory (ELOOP,
 *   EUCLEAN, ENOTDIR); nothing half-written after a failure; lookups by
 *   ID, name and pid (ancestry); forget; aliveness; pid reuse; nesting.
 *
 * Here the registrations and lookups that succeed, and the refusals;
 * the state directory, capabilities and pid reuse: test-register-env.c;
 * the helpers both share: register-test.h.
 *
 * Every case has a fresh state directory (mkdtemp, 0700) and the real
 * /proc. Needs root.
 */
#include <sys/mount.h>
#include <sys/wait.h>
#include <grp.h>
#include <fcntl.h>
#include <stddef.h>

#include "register-test.h"

/* ------------------------------------------------------------ success */

static void test_register_and_lookup(void)
{
	struct fixture fx;
	struct acid_entry *e = NULL, *l;
	struct acid_ns_set ns;
	struct child c;
	struct acid_id id = new_id();
	char a[ACID_ID_STRLEN], b[ACID_ID_STRLEN], path[4096], link[128];
	struct acid_reg q;
	time_t before, after;
	pid_t g;
	int r;

	fx_new(&fx, "reg");
	child_start(&c, 0);
	q = (struct acid_reg){ .size = sizeof(q), .pid = c.pid, .id = &id,
			       .name = "web-1", .bundle = "/var/lib/b1",
			       .ses_tag = 7 };
	before = time(NULL);
	r = acid_register(fx.ctx, &q, &e);
	after = time(NULL);
	if (!is_err(r, 0, "register blocked child %d", (int)c.pid)) {
		child_stop(&c);
		fx_free(&fx);
		return;
	}
	ok(ids_equal(acid_entry_id(e), &id), "entry id %s, want %s",
	   idstr(acid_entry_id(e), a), idstr(&id, b));
	is_int(acid_entry_pid(e), c.pid, "entry pid");
	is_str(acid_entry_name(e), "web-1", "entry name");
	is_str(acid_entry_bundle(e), "/var/lib/b1", "entry bundle");
	is_u64(acid_entry_starttime(e), starttime_of(c.pid),
	       "entry starttime vs /proc/%d/stat field 22", (int)c.pid);
	is_u64(acid_entry_ses_tag(e), 7, "entry ses tag");
	is_int(acid_entry_mode(e), ACID_MODE_USER, "entry mode");
	ok(acid_entry_time(e) >= before && acid_entry_time(e) <= after,
	   "entry time %lld within [%lld, %lld]",
	   (long long)acid_entry_time(e), (long long)before,
	   (long long)after);
	ok(acid_entry_parent(e) == NULL, "entry of a top-level container has "
					 "no parent");
	if (acid_ns_collect(fx.ctx, c.pid, &ns) == 0) {
		int differ = 0;

		for (int k = 0; k < ACID_NS_COUNT; k++)
			differ += !!memcmp(&ns.ns[k], &acid_entry_ns(e)->ns[k],
					   sizeof(ns.ns[k]));
		is_int(differ, 0, "entry namespaces differing from "
				  "acid_ns_collect of the child");
		is_u64(acid_entry_ns(e)->ns[ACID_NS_NET].ino, ns.ns[ACID_NS_NET].ino,
		       "entry net-ns inode");
	}

	/* the files: <uuid>.entry, pid-<pid> -> it */
	snprintf(path, sizeof(path), "%s/%s.entry", fx.dir, idstr(&id, a));
	struct stat st;
	int sr = lstat(path, &st);

	ok(sr == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0,
	   "%s.entry is a regular file closed to group/others (mode %o)", a,
	   (unsigned int)st.st_mode & 07777);
	snprintf(path, sizeof(path), "%s/pid-%d", fx.dir, (int)c.pid);
	ssize_t n = readlink(path, link, sizeof(link) - 1);

	link[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "%s.entry", a);
	is_str(link, path, "pid-%d points to the entry", (int)c.pid);
	expect_dir(fx.dir, 1, "after one registration");

	/* lookups */
	r = acid_lookup_id(fx.ctx, &id, &l);
	if (is_err(r, 0, "lookup by id")) {
		ok(ids_equal(acid_entry_id(l), &id) &&
			   acid_entry_pid(l) == c.pid &&
			   acid_entry_starttime(l) == acid_entry_starttime(e) &&
			   !strcmp(acid_entry_name(l), "web-1") &&
			   !strcmp(acid_entry_bundle(l), "/var/lib/b1") &&
			   acid_entry_ses_tag(l) == 7 &&
			   !memcmp(acid_entry_ns(l), acid_entry_ns(e),
				   sizeof(struct acid_ns_set)),
		   "lookup by id: the registered fields, read back from disk");
		acid_entry_free(l);
	}
	r = acid_lookup_name(fx.ctx, "web-1", NULL, &l);
	if (is_err(r, 0, "lookup by name")) {
		ok(ids_equal(acid_entry_id(l), &id), "lookup by name: id %s",
		   idstr(acid_entry_id(l), a));
		acid_entry_free(l);
	}
	r = acid_lookup_name(fx.ctx, "web-1", "/var/lib/b1", &l);
	if (is_err(r, 0, "lookup by name and bundle"))
		acid_entry_free(l);
	is_err(acid_lookup_name(fx.ctx, "web-1", "/other", &l), -ENOENT,
	       "lookup by name with another bundle");
	is_err(acid_lookup_name(fx.ctx, "web-2", NULL, &l), -ENOENT,
	       "lookup by an unknown name");
	r = acid_lookup_pid(fx.ctx, c.pid, &l);
	if (is_err(r, 0, "lookup by the child's pid %d", (int)c.pid)) {
		ok(ids_equal(acid_entry_id(l), &id), "lookup by pid: id %s",
		   idstr(acid_entry_id(l), a));
		acid_entry_free(l);
	}
	g = child_fork_grandchild(&c);
	r = acid_lookup_pid(fx.ctx, g, &l);
	if (is_err(r, 0, "lookup by a grandchild's pid %d (forked after "
			 "registration)", (int)g)) {
		ok(ids_equal(acid_entry_id(l), &id),
		   "lookup by grandchild pid: id %s", idstr(acid_entry_id(l), a));
		acid_entry_free(l);
	}
	is_err(acid_lookup_pid(fx.ctx, getpid(), &l), -ENOENT,
	       "lookup by the test's own pid (in no container)");
	is_err(acid_lookup_pid(fx.ctx, dead_pid(), &l), -ESRCH,
	       "lookup by a dead pid");
	is_int(acid_entry_alive(fx.ctx, e), 1, "alive while the child lives");

	/* forget */
	is_err(acid_forget(fx.ctx, e), 0, "forget");
	is_err(acid_lookup_id(fx.ctx, &id, &l), -ENOENT,
	       "lookup by id after forget");
	is_err(acid_lookup_pid(fx.ctx, c.pid, &l), -ENOENT,
	       "lookup by pid after forget");
	snprintf(path, sizeof(path), "%s/pid-%d", fx.dir, (int)c.pid);
	sr = lstat(path, &st);
	sr = sr < 0 ? errno : 0;
	ok(sr == ENOENT, "pid-%d link removed by forget (lstat: %s)",
	   (int)c.pid, strerror(sr));
	expect_dir(fx.dir, 0, "after forget");
	is_err(acid_forget(fx.ctx, e), -ENOENT, "forget twice");

	child_stop(&c);
	is_int(acid_entry_alive(fx.ctx, e), 0, "alive after the child was "
					       "reaped");
	acid_entry_free(e);
	fx_free(&fx);
}

static void test_defaults(void)
{
	struct fixture fx;
	struct acid_entry *l;
	struct child c;
	int r;

	fx_new(&fx, "defaults");
	child_start(&c, 0);
	/* no ID, no name, no bundle, no out */
	r = reg(fx.ctx, c.pid, NULL, NULL, NULL, NULL);
	is_err(r, 0, "register with no id, name, bundle or out");
	r = acid_lookup_pid(fx.ctx, c.pid, &l);
	if (is_err(r, 0, "lookup the entry registered without out")) {
		const struct acid_id *id = acid_entry_id(l);

		ok(!acid_id_is_zero(id) && (id->bytes[6] >> 4) == 4 &&
			   (id->bytes[8] & 0xc0) == 0x80,
		   "a fresh v4 UUID was made (version nibble %x, variant %x)",
		   id->bytes[6] >> 4, id->bytes[8] >> 6);
		is_str(acid_entry_name(l), "", "no name: \"\"");
		is_str(acid_entry_bundle(l), "", "no bundle: \"\"");
		is_u64(acid_entry_ses_tag(l), 0, "no ses tag");
		acid_entry_free(l);
	}
	child_stop(&c);
	fx_free(&fx);
}

static void test_threads(void)
{
	struct fixture fx;
	struct child c;
	char path[64];
	int tasks = 0;
	DIR *d;
	struct dirent *de;

	fx_new(&fx, "threads");
	child_start(&c, CHILD_THREADS);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)c.pid);
	d = opendir(path);
	while (d && (de = readdir(d)))
		tasks += de->d_name[0] != '.';
	if (d)
		closedir(d);
	is_int(tasks, 5, "setup: child %d has 5 threads", (int)c.pid);
	is_err(reg(fx.ctx, c.pid, NULL, "threads", NULL, NULL), 0,
	       "register a child with 4 extra threads (user mode allows)");
	expect_dir(fx.dir, 1, "threads");
	child_stop(&c);
	fx_free(&fx);
}

static void test_nesting(void)
{
	struct fixture fx;
	struct acid_entry *ea = NULL, *eb = NULL, *l;
	struct acid_id ida = new_id(), idb = new_id();
	char s1[ACID_ID_STRLEN], s2[ACID_ID_STRLEN];
	struct child a;
	pid_t b;
	int r;

	fx_new(&fx, "nest");
	child_start(&a, 0);
	if (!is_err(reg(fx.ctx, a.pid, &ida, "outer", NULL, &ea), 0,
		    "nesting: register A (%d)", (int)a.pid))
		goto out;
	b = child_fork_grandchild(&a);
	r = reg(fx.ctx, b, &idb, "inner", NULL, &eb);
	if (!is_err(r, 0, "nesting: register B (%d), A's child", (int)b))
		goto out;
	ok(ids_equal(acid_entry_parent(eb), &ida), "B's parent is A: %s, "
	   "want %s", idstr(acid_entry_parent(eb), s1), idstr(&ida, s2));
	ok(acid_entry_parent(ea) == NULL, "A has no parent");
	r = acid_lookup_id(fx.ctx, &idb, &l);
	if (is_err(r, 0, "nesting: lookup B by id")) {
		ok(ids_equal(acid_entry_parent(l), &ida),
		   "B's parent as stored: %s", idstr(acid_entry_parent(l), s1));
		acid_entry_free(l);
	}
	r = acid_lookup_pid(fx.ctx, b, &l);
	if (is_err(r, 0, "nesting: lookup by B's pid")) {
		ok(ids_equal(acid_entry_id(l), &idb),
		   "the nearest registered ancestor of B is B: %s",
		   idstr(acid_entry_id(l), s1));
		acid_entry_free(l);
	}
	expect_dir(fx.dir, 2, "nesting");
out:
	acid_entry_free(ea);
	acid_entry_free(eb);
	child_stop(&a);
	fx_free(&fx);
}

/* A command name that mimics /proc/<pid>/stat fields fools no parser. */
static void test_hostile_comm(void)
{
	struct fixture fx;
	struct acid_entry *e, *l;
	struct child c;
	char path[64], comm[64] = "";
	FILE *f;

	fx_new(&fx, "comm");
	child_start(&c, CHILD_COMM);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)c.pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	is_str(comm, CHILD_HOSTILE_COMM, "setup: the child's command name");
	if (is_err(reg(fx.ctx, c.pid, NULL, "comm", NULL, &e), 0,
		   "register a child named \"%s\"", comm)) {
		is_u64(acid_entry_starttime(e), starttime_of(c.pid),
		       "starttime of the child named \"%s\"", comm);
		is_int(acid_entry_alive(fx.ctx, e), 1, "alive");
		if (is_err(acid_lookup_pid(fx.ctx, c.pid, &l), 0,
			   "lookup by its pid"))
			acid_entry_free(l);
		acid_entry_free(e);
	}
	child_stop(&c);
	fx_free(&fx);
}

/*
 * The host's namespaces are kept per context (lib/lookup.c, host_ns()):
 * a caller that looked up once and then joins container A's mount
 * namespace itself still finds B (in A's mount namespace) to be A's.
 * Where pid 1's namespaces are out of reach the caller's own stand for
 * the host's; read afresh at each lookup they were A's by then, and B
 * belonged to no container. In a child, with a context of its own.
 */
static void lookup_after_join(const char *dir, pid_t a, pid_t b)
{
	int status = -1;
	pid_t c;

	fflush(NULL);
	c = fork();
	if (c < 0)
		bail("fork");
	if (c == 0) {
		struct acid_ctx *ctx = ctx_at(dir);
		struct acid_entry *l = NULL;
		char path[64];
		int fd;

		if (acid_lookup_pid(ctx, getpid(), &l) != -ENOENT)
			_exit(2);
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)a);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
			_exit(3);
		if (acid_lookup_pid(ctx, b, &l) != 0)
			_exit(4);
		acid_entry_free(l);
		acid_ctx_free(ctx);
		_exit(0);
	}
	waitpid(c, &status, 0);
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
	       "a context's caller that joined A's mount namespace after a "
	       "lookup finds B in A (exit 2: first lookup, 3: setns, "
	       "4: B not found)");
}

/*
 * A process that joined a container's mount namespace (as runc exec does)
 * without descending from its first process belongs to it.
 */
static void test_lookup_by_namespace(void)
{
	struct fixture fx;
	struct acid_entry *e = NULL, *l;
	struct acid_id id = new_id();
	char s[ACID_ID_STRLEN];
	struct child a;
	int p[2], res = -1, r;
	pid_t b;

	fx_new(&fx, "nslookup");
	child_start(&a, CHILD_NEWNS);
	if (!is_err(reg(fx.ctx, a.pid, &id, "mntns", NULL, &e), 0,
		    "register child A %d in a new mount namespace", (int)a.pid))
		goto out;
	if (pipe2(p, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	b = fork();
	if (b < 0)
		bail("fork");
	if (b == 0) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)a.pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		res = fd >= 0 && setns(fd, CLONE_NEWNS) == 0 ? 0 : errno;
		write_full(p[1], &res, sizeof(res));
		child_block_forever();
	}
	close(p[1]);
	if (!read_full(p[0], &res, sizeof(res)))
		res = -1;
	close(p[0]);
	if (is_int(res, 0, "setup: process B %d joined A's mount namespace "
			   "(setns errno)", (int)b)) {
		r = acid_lookup_pid(fx.ctx, b, &l);
		if (is_err(r, 0, "lookup by B's pid (not A's descendant)")) {
			ok(ids_equal(acid_entry_id(l), &id),
			   "B belongs to A by its mount namespace: %s",
			   idstr(acid_entry_id(l), s));
			acid_entry_free(l);
		}
		lookup_after_join(fx.dir, a.pid, b);
		if (acid_forget(fx.ctx, e) == 0)
			is_err(acid_lookup_pid(fx.ctx, b, &l), -ENOENT,
			       "lookup by B's pid after A was forgotten");
	}
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);
out:
	acid_entry_free(e);
	child_stop(&a);
	fx_free(&fx);
}

/* acid_unregister's refusals, none of which may send a record. */
static void test_unregister_refusals(void)
{
	struct fixture fx;
	struct acid_entry *e = NULL, *other = NULL, *l;
	struct child c;

	fx_new(&fx, "unreg");
	child_start(&c, 0);
	if (!is_err(reg(fx.ctx, c.pid, NULL, "unreg", NULL, &e), 0,
		    "register child %d", (int)c.pid))
		goto out;
	is_err(acid_unregister(fx.ctx, e, "Bad Reason"), -EINVAL,
	       "unregister with reason \"Bad Reason\"");
	is_err(acid_unregister(fx.ctx, e, NULL), -EINVAL,
	       "unregister with no reason");
	expect_dir(fx.dir, 1, "the entry stays after a refused unregister");
	/* the same ID, another process: not this container */
	if (acid_lookup_id(fx.ctx, acid_entry_id(e), &other) == 0) {
		other->starttime++;
		is_err(acid_unregister(fx.ctx, other, "exit"), -ENOENT,
		       "unregister an entry whose start time is not the "
		       "registered one");
		expect_dir(fx.dir, 1, "the registered entry stays");
	}
	is_err(acid_forget(fx.ctx, e), 0, "forget");
	is_err(acid_unregister(fx.ctx, e, "exit"), -ENOENT,
	       "unregister after forget");
	is_err(acid_lookup_id(fx.ctx, acid_entry_id(e), &l), -ENOENT,
	       "the entry is gone");
out:
	acid_entry_free(e);
	acid_entry_free(other);
	child_stop(&c);
	fx_free(&fx);
}

/* ----------------------------------------------------------- refusals */

static void test_exdev(void)
{
	struct fixture fx;

	fx_new(&fx, "exdev");
	is_err(reg(fx.ctx, getpid(), NULL, "self", NULL, NULL), -EXDEV,
	       "register getpid() %d", (int)getpid());
	expect_clean(fx.dir, "after EXDEV (self)");
	is_err(reg(fx.ctx, getppid(), NULL, "parent", NULL, NULL), -EXDEV,
	       "register getppid() %d", (int)getppid());
	expect_clean(fx.dir, "after EXDEV (parent)");
	is_err(reg(fx.ctx, 1, NULL, "init", NULL, NULL), -EXDEV,
	       "register pid 1 (an ancestor)");
	expect_clean(fx.dir, "after EXDEV (pid 1)");
	fx_free(&fx);
}

static void test_esrch(void)
{
	struct fixture fx;
	siginfo_t si;
	pid_t p;

	fx_new(&fx, "esrch");
	is_err(reg(fx.ctx, 0, NULL, NULL, NULL, NULL), -ESRCH, "register pid 0");
	is_err(reg(fx.ctx, -1, NULL, NULL, NULL, NULL), -ESRCH,
	       "register pid -1");
	p = dead_pid();
	is_err(reg(fx.ctx, p, NULL, NULL, NULL, NULL), -ESRCH,
	       "register a reaped child (pid %d)", (int)p);
	expect_clean(fx.dir, "after ESRCH");

	/* exited but not reaped: a zombie is no container's first process */
	fflush(NULL);
	p = fork();
	if (p < 0)
		bail("fork");
	if (p == 0)
		_exit(0);
	while (waitid(P_PID, (id_t)p, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			bail("waitid");
	is_err(reg(fx.ctx, p, NULL, "zombie", NULL, NULL), -ESRCH,
	       "register a zombie (pid %d, exited, not reaped)", (int)p);
	expect_clean(fx.dir, "after registering a zombie");
	waitpid(p, NULL, 0);
	fx_free(&fx);
}

static void test_ebusy(void)
{
	struct fixture fx;
	struct child c;

	fx_new(&fx, "ebusy");
	child_start(&c, CHILD_FORK);
	is_err(reg(fx.ctx, c.pid, NULL, "busy", NULL, NULL), -EBUSY,
	       "register child %d that has forked grandchild %d", (int)c.pid,
	       (int)c.grand[0]);
	expect_clean(fx.dir, "after EBUSY");
	child_stop(&c);
	fx_free(&fx);
}

static void test_eexist(void)
{
	struct fixture fx;
	struct acid_id id = new_id(), other = new_id();
	struct child c;

	fx_new(&fx, "eexist");
	child_start(&c, 0);
	if (is_err(reg(fx.ctx, c.pid, &id, "once", NULL, NULL), 0,
		   "register child %d", (int)c.pid)) {
		is_err(reg(fx.ctx, c.pid, &id, "once", NULL, NULL), -EEXIST,
		       "register it again, same id");
		is_err(reg(fx.ctx, c.pid, &other, "twice", NULL, NULL), -EEXIST,
		       "register it again, another id");
		is_err(reg(fx.ctx, c.pid, NULL, "thrice", NULL, NULL), -EEXIST,
		       "register it again, a fresh id");
		expect_dir(fx.dir, 1, "after EEXIST");
	}
	child_stop(&c);
	fx_free(&fx);
}

/*
 * A hook killed between creating its temporary file and renaming it
 * leaves .tmp-<pid>-<tid>-<entry>. A later hook that gets the same pid
 * (pids are reused) registering the same ID (an orchestrator's
 * org.acid.container-id, a restarted container) must not be refused
 * until acid gc runs: the leftover is this process's name, as such a
 * hook's would be, and half an entry.
 */
static void test_stale_temp(void)
{
	struct fixture fx;
	struct acid_id id = new_id();
	char path[4096], ids[ACID_ID_STRLEN];
	struct child first, c;
	FILE *f;

	fx_new(&fx, "staletmp");
	acid_id_format(&id, ids, sizeof(ids));
	/* a registry in use (the first writer tidies a new one) */
	child_start(&first, 0);
	if (!is_err(reg(fx.ctx, first.pid, NULL, "first", NULL, NULL), 0,
		    "register child %d", (int)first.pid))
		bail("no registry to test in");
	snprintf(path, sizeof(path), "%s/.tmp-%d-%ld-%s.entry", fx.dir,
		 (int)getpid(), (long)syscall(SYS_gettid), ids);
	f = fopen(path, "w");
	if (!f)
		bail("fopen %s", path);
	fputs("version 1\nid ", f);	/* cut short by the kill */
	fclose(f);
	child_start(&c, 0);
	is_err(reg(fx.ctx, c.pid, &id, "stale", NULL, NULL), 0,
	       "register child %d with %s over a dead writer's temporary "
	       "file of the same name", (int)c.pid, ids);
	expect_dir(fx.dir, 2, "after registering over a stale temporary");
	child_stop(&c);
	child_stop(&first);
	fx_free(&fx);
}

static void test_enotuniq(void)
{
	struct fixture fx;
	struct acid_id id = new_id();
	struct acid_entry *l;
	struct child a, b;
	char s[ACID_ID_STRLEN];

	fx_new(&fx, "enotuniq");
	child_start(&a, 0);
	child_start(&b, 0);
	if (is_err(reg(fx.ctx, a.pid, &id, "a", NULL, NULL), 0,
		   "register child A %d with %s", (int)a.pid, idstr(&id, s))) {
		is_err(reg(fx.ctx, b.pid, &id, "b", NULL, NULL), -ENOTUNIQ,
		       "register child B %d with A's live id", (int)b.pid);
		expect_dir(fx.dir, 1, "after ENOTUNIQ");
		is_err(acid_lookup_pid(fx.ctx, b.pid, &l), -ENOENT,
		       "B is not registered");
		if (acid_lookup_id(fx.ctx, &id, &l) == 0) {
			is_int(acid_entry_pid(l), a.pid,
			       "the id still belongs to A");
			acid_entry_free(l);
		}
	}
	child_stop(&a);
	child_stop(&b);
	fx_free(&fx);
}

/*
 * The Kubernetes fields of a request: kept in the entry and read back
 * through the accessors; an ACID_0.1 caller's smaller request (it ends
 * at ses_tag) registers without them, whatever lies past its end; a
 * value over its bound is refused before anything is written.
 */
static void test_k8s(void)
{
	struct fixture fx;
	struct acid_entry *e, *l;
	struct child c;
	char big[ACID_K8S_POD_MAX + 2];
	struct {
		struct acid_reg q;
		char junk[64];
	} old;
	struct acid_reg q = {
		.size = sizeof(q),
		.name = "k8s",
		.k8s_pod = "coredns-6d4b75cb6d-4mtdm",
		.k8s_namespace = "kube-system",
		.k8s_pod_uid = "5b5e07db-f1b9-4530-81ef-b7d04d66b83e",
		.k8s_container = "coredns",
		.image = "registry.k8s.io/coredns/coredns:v1.10.1",
	};

	fx_new(&fx, "k8s");
	child_start(&c, 0);
	q.pid = c.pid;
	if (is_err(acid_register(fx.ctx, &q, &e), 0,
		   "register with Kubernetes metadata")) {
		if (is_err(acid_lookup_pid(fx.ctx, c.pid, &l), 0,
			   "lookup of the Kubernetes entry")) {
			is_str(acid_entry_k8s_pod(l), q.k8s_pod, "pod");
			is_str(acid_entry_k8s_namespace(l), q.k8s_namespace,
			       "namespace");
			is_str(acid_entry_k8s_pod_uid(l), q.k8s_pod_uid,
			       "pod uid");
			is_str(acid_entry_k8s_container(l), q.k8s_container,
			       "container");
			is_str(acid_entry_image(l), q.image, "image");
			acid_entry_free(l);
		}
		acid_forget(fx.ctx, e);
		acid_entry_free(e);
	}
	child_stop(&c);

	/* an ACID_0.1 request: its size ends at ses_tag */
	child_start(&c, 0);
	memset(&old, 0xff, sizeof(old));
	old.q = q;
	old.q.pid = c.pid;
	old.q.size = offsetof(struct acid_reg, k8s_pod);
	/* what lies past its end is not the caller's: garbage pointers */
	memset((char *)&old.q + old.q.size, 0x5a,
	       sizeof(old.q) - old.q.size);
	if (is_err(acid_register(fx.ctx, &old.q, &e), 0,
		   "register with an ACID_0.1-sized request (%zu bytes)",
		   old.q.size)) {
		ok(!*acid_entry_k8s_pod(e) && !*acid_entry_k8s_namespace(e) &&
			   !*acid_entry_k8s_pod_uid(e) &&
			   !*acid_entry_k8s_container(e) &&
			   !*acid_entry_image(e),
		   "an ACID_0.1 request has no Kubernetes metadata");
		acid_forget(fx.ctx, e);
		acid_entry_free(e);
	}
	child_stop(&c);

	/* one byte over a bound: refused, nothing written */
	child_start(&c, 0);
	q.pid = c.pid;
	memset(big, 'p', ACID_K8S_POD_MAX + 1);
	big[ACID_K8S_POD_MAX + 1] = '\0';
	q.k8s_pod = big;
	is_err(acid_register(fx.ctx, &q, NULL), -ENAMETOOLONG,
	       "register with a %d-byte pod name", ACID_K8S_POD_MAX + 1);
	q.k8s_pod = "p";
	big[ACID_K8S_NAMESPACE_MAX + 1] = '\0';
	q.k8s_namespace = big;
	is_err(acid_register(fx.ctx, &q, NULL), -ENAMETOOLONG,
	       "register with a %d-byte namespace",
	       ACID_K8S_NAMESPACE_MAX + 1);
	expect_clean(fx.dir, "after too long Kubernetes values");
	child_stop(&c);
	fx_free(&fx);
}

static void test_einval(void)
{
	struct fixture fx;
	struct acid_id zero = { { 0 } };
	struct acid_entry *e;
	struct child c;
	char *name = malloc(ACID_BUNDLE_MAX + 2);
	struct acid_reg q;

	if (!name)
		bail("malloc");
	fx_new(&fx, "einval");
	child_start(&c, 0);

	memset(name, 'n', ACID_NAME_MAX + 1);
	name[ACID_NAME_MAX + 1] = '\0';
	is_err(reg(fx.ctx, c.pid, NULL, name, NULL, NULL), -ENAMETOOLONG,
	       "register with a %d-byte name", ACID_NAME_MAX + 1);
	expect_clean(fx.dir, "after a too long name");
	memset(name, 'b', ACID_BUNDLE_MAX + 1);
	name[ACID_BUNDLE_MAX + 1] = '\0';
	is_err(reg(fx.ctx, c.pid, NULL, NULL, name, NULL), -ENAMETOOLONG,
	       "register with a %d-byte bundle", ACID_BUNDLE_MAX + 1);
	expect_clean(fx.dir, "after a too long bundle");
	is_err(reg(fx.ctx, c.pid, &zero, NULL, NULL, NULL), -EINVAL,
	       "register with the zero id");
	expect_clean(fx.dir, "after the zero id");
	q = (struct acid_reg){ .size = sizeof(size_t) + sizeof(pid_t),
			       .pid = c.pid };
	is_err(acid_register(fx.ctx, &q, NULL), -EINVAL,
	       "register with a request size %zu too small", q.size);
	is_err(acid_register(fx.ctx, NULL, NULL), -EINVAL,
	       "register a NULL request");
	is_err(acid_register(NULL, &q, NULL), -EINVAL,
	       "register with a NULL context");
	expect_clean(fx.dir, "after the EINVAL cases");

	/* the bounds themselves are accepted, and kept whole */
	memset(name, 'n', ACID_NAME_MAX);
	name[ACID_NAME_MAX] = '\0';
	char *bundle = malloc(ACID_BUNDLE_MAX + 1);

	if (!bundle)
		bail("malloc");
	memset(bundle, 'b', ACID_BUNDLE_MAX);
	bundle[ACID_BUNDLE_MAX] = '\0';
	if (is_err(reg(fx.ctx, c.pid, NULL, name, bundle, &e), 0,
		   "register with a %d-byte name and a %d-byte bundle",
		   ACID_NAME_MAX, ACID_BUNDLE_MAX)) {
		struct acid_entry *l;

		if (is_err(acid_lookup_pid(fx.ctx, c.pid, &l), 0,
			   "lookup of the entry with the longest texts")) {
			is_str(acid_entry_name(l), name, "longest name stored");
			is_str(acid_entry_bundle(l), bundle,
			       "longest bundle stored");
			acid_entry_free(l);
		}
		acid_entry_free(e);
	}
	free(bundle);
	free(name);
	child_stop(&c);
	fx_free(&fx);
}

/* --------------------------------------------- another pid namespace */

/* What a registrar in its own pid namespace got: the answer of each call */
struct pidns_answer {
	pid_t target;		/* the target, in the registrar's numbering */
	pid_t self;		/* the registrar's getpid() */
	int start, start_rec;	/* acid_start, fail-closed */
	int warn, warn_rec;	/* acid_start, ACID_START_WARN */
	int reg;		/* acid_register */
	int link, ns;		/* acid_log_exec, acid_log_ns_change */
	char msg[ACID_ERRMSG_MAX];
};

/*
 * The registrar: pid 1 of a new pid namespace with a fresh procfs on
 * /proc in its own mount namespace (as a runtime in a container with its
 * own pid namespace sees it), registering its own child, pid 2 there.
 */
static void __attribute__((noreturn))
pidns_registrar(const char *dir, const struct acid_id *id,
		const struct acid_id *host_id, int out)
{
	struct pidns_answer a = { .self = getpid() };
	struct acid_ctx *ctx;
	struct acid_reg q;
	int block[2];

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		_exit(10);
	if (pipe(block) < 0)
		_exit(11);
	a.target = fork();
	if (a.target < 0)
		_exit(12);
	if (a.target == 0) {
		char c;

		close(block[1]);
		while (read(block[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(block[0]);
	if (acid_ctx_new(&(struct acid_opts){ .size = sizeof(struct acid_opts),
					      .state_dir = dir },
			 &ctx) < 0)
		_exit(13);
	q = (struct acid_reg){ .size = sizeof(q), .pid = a.target, .id = id,
			       .name = "pidns", .bundle = "/b" };
	a.start = acid_start(ctx, &q, 0, NULL, &a.start_rec);
	snprintf(a.msg, sizeof(a.msg), "%s", acid_ctx_errmsg(ctx));
	a.warn = acid_start(ctx, &q, ACID_START_WARN, NULL, &a.warn_rec);
	a.reg = acid_register(ctx, &q, NULL);
	/* a host container's entry: its link and namespace records would
	 * name pid 2 of this namespace as a host pid */
	a.link = a.ns = -ENOENT;
	{
		struct acid_entry *e = NULL;

		if (acid_lookup_id(ctx, host_id, &e) == 0) {
			a.link = acid_log_exec(ctx, e, "setns", a.target, 0,
					       NULL);
			a.ns = acid_log_ns_change(ctx, e, "unshare", a.target,
						  1u << ACID_NS_NET, NULL,
						  NULL);
			acid_entry_free(e);
		}
	}
	acid_ctx_free(ctx);
	close(block[1]);
	waitpid(a.target, NULL, 0);
	_exit(write_full(out, &a, sizeof(a)) ? 0 : 14);
}

/*
 * A registrar in a pid namespace other than the initial one sees pids
 * of its own numbering (its target is pid 2 there: kthreadd on the
 * host): refused with EREMOTE, by acid_register and by acid_start in
 * both modes, before anything is written or sent.
 */
static void test_eremote(void)
{
	struct fixture fx;
	struct pidns_answer a = { 0 };
	struct acid_id id = new_id(), host_id = new_id();
	char ids[ACID_ID_STRLEN], cmd[256], line[4096];
	struct acid_entry *host_e = NULL;
	struct child c;
	int p[2], st = 0;
	bool logged = false;
	pid_t pid;
	FILE *f;

	fx_new(&fx, "eremote");
	/* a container registered from the host (no record sent) */
	child_start(&c, 0);
	if (acid_register(fx.ctx, &(struct acid_reg){ .size =
			  sizeof(struct acid_reg), .pid = c.pid,
			  .id = &host_id, .name = "host-one" }, &host_e) < 0)
		bail("registering a host container: %s",
		     acid_ctx_errmsg(fx.ctx));
	if (pipe(p) < 0)
		bail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		pid_t r;

		close(p[0]);
		if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
			_exit(20);
		r = fork();
		if (r < 0)
			_exit(21);
		if (r == 0)
			pidns_registrar(fx.dir, &id, &host_id, p[1]);
		while (waitpid(r, &st, 0) < 0)
			if (errno != EINTR)
				_exit(22);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 23);
	}
	close(p[1]);
	if (!read_full(p[0], &a, sizeof(a))) {
		waitpid(pid, &st, 0);
		bail("the registrar in a new pid namespace said nothing "
		     "(status %#x)", st);
	}
	close(p[0]);
	waitpid(pid, &st, 0);
	is_int(a.self, 1, "the registrar is pid 1 of its own pid namespace");
	is_int(a.target, 2, "its child is pid 2 there");
	is_err(a.start, -EREMOTE, "acid_start (fail-closed) from a non-initial "
	       "pid namespace");
	is_int(a.start_rec, 0, "acid_start: a failed registration, no record "
	       "tried (*record_err 0)");
	ok(strstr(a.msg, "pid namespace that is not the host's") &&
	   strstr(a.msg, "acid records host pids; run the runtime's hooks on "
		  "the host"),
	   "acid_ctx_errmsg says why: %s", a.msg);
	is_err(a.warn, -EREMOTE, "acid_start (ACID_START_WARN)");
	is_int(a.warn_rec, 0, "ACID_START_WARN: no record tried");
	is_err(a.reg, -EREMOTE, "acid_register");
	is_err(a.link, -EREMOTE, "acid_log_exec naming a pid of that namespace");
	is_err(a.ns, -EREMOTE, "acid_log_ns_change naming a pid of that "
	       "namespace");
	if (acid_forget(fx.ctx, host_e) < 0)
		bail("forgetting the host container: %s",
		     acid_ctx_errmsg(fx.ctx));
	acid_entry_free(host_e);
	child_stop(&c);
	expect_clean(fx.dir, "after EREMOTE");
	ok(strstr(acid_strerror(-EREMOTE), "pid namespace") != NULL,
	   "acid_strerror(-EREMOTE) names the pid namespace");

	/* no start record with that ID in the log (auditd writes behind:
	 * asked after 1 s, when a record sent would be there) */
	idstr(&id, ids);
	usleep(1000000);
	snprintf(cmd, sizeof(cmd), "ausearch --input-logs -m VIRT_CONTROL "
		 "--uuid %s --raw 2>/dev/null", ids);
	f = popen(cmd, "r");
	if (!f)
		bail("popen %s", cmd);
	while (fgets(line, sizeof(line), f))
		logged = true;
	pclose(f);
	ok(!logged, "no record with uuid=%s in the audit log", ids);
	idstr(&host_id, ids);
	snprintf(cmd, sizeof(cmd), "ausearch --input-logs -m VIRT_CONTROL,"
		 "VIRT_RESOURCE --uuid %s --raw 2>/dev/null", ids);
	f = popen(cmd, "r");
	if (!f)
		bail("popen %s", cmd);
	logged = false;
	while (fgets(line, sizeof(line), f))
		logged = true;
	pclose(f);
	ok(!logged, "no link or namespace record with uuid=%s", ids);
	fx_free(&fx);
}

/*
 * caps_of_pid() of a process with many supplementary groups: its status
 * file's Groups line pushes CapEff past 4 KiB, where the one-buffer reader
 * found no CapEff line (EBADMSG: an acid-exec asked by such a hook refused
 * it). 2,000 groups make a Groups line of some 10 KB.
 */
static void test_caps_many_groups(void)
{
	int ready[2], hold[2];
	char path[64], buf[65536];
	ssize_t n, got = 0;
	const char *capeff;
	pid_t pid;
	int fd, r;
	char c;

	if (pipe(ready) < 0 || pipe(hold) < 0)
		bail("pipe");
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		static gid_t groups[2000];

		for (size_t i = 0; i < 2000; i++)
			groups[i] = (gid_t)(100000 + i);
		close(ready[0]);
		close(hold[1]);
		c = setgroups(2000, groups) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* until the parent closes its end */
		(void)read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (read(ready[0], &c, 1) != 1 || c != 'y')
		bail("the child could not set 2000 groups");
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bail("open %s", path);
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	capeff = strstr(buf, "\nCapEff:");
	ok(capeff && capeff - buf > 4096,
	   "the child's CapEff line starts past 4 KiB of its status (at %td)",
	   capeff ? capeff - buf : (ptrdiff_t)-1);
	r = caps_of_pid("/proc", pid, ACID_CAP_CONTROL | ACID_CAP_WRITE);
	ok(r == 0, "caps_of_pid of a root process with 2000 groups: %d (%s)",
	   r, r < 0 ? strerror(-r) : "both capabilities");
	close(hold[1]);
	waitpid(pid, NULL, 0);
	close(ready[0]);
}

int main(void)
{
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-register needs root (CAP_AUDIT_CONTROL)");

	test_register_and_lookup();
	test_defaults();
	test_threads();
	test_hostile_comm();
	test_nesting();
	test_lookup_by_namespace();
	test_unregister_refusals();
	test_exdev();
	test_esrch();
	test_ebusy();
	test_eexist();
	test_stale_temp();
	test_enotuniq();
	test_k8s();
	test_einval();
	test_eremote();
	test_caps_many_groups();
	return tap_done();
}
