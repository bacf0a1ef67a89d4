// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-kernel - the /proc/<pid>/audit_containerid interface, against
 * prepared proc trees (struct acid_opts.proc_root, as ACID_PROC_ROOT):
 *   <root>/self/audit_containerid       the probe (a file, or absent)
 *   <root>/<pid>/{stat,ns,task,status}  symlinks to the real /proc/<pid>
 *   <root>/<pid>/audit_containerid      a regular file the "kernel" keeps
 * The probe chooses the mode; registration writes the ID in that mode's
 * form; the kernel's errno (here: what the file system answers) comes back
 * unchanged; nothing is left in the registry after a refusal. The hand-off
 * to acid-exec (argv[1]: the built acid-exec) is run for real: acid-exec,
 * on the tree, runs this program again ("handoff-child"), which asks it to
 * write a child's ID in the tree's form.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "handoff.h"
#include "internal.h"

#include "child.h"
#include "tap.h"

#define UNSET_U64 "18446744073709551615\n"
#define UNSET_UUID "00000000-0000-0000-0000-000000000000\n"
#define UUID_L "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || !write_full(fd, text, strlen(text)) || close(fd) < 0)
		bail("write %s", path);
}

/* The file's text (up to 4 KiB), or NULL; the caller frees it. */
static char *read_text(const char *path)
{
	char *buf = calloc(1, 4097);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf)
		bail("calloc");
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	n = read(fd, buf, 4096);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A proc root whose probe file holds @probe (NULL: absent). */
static char *tree_new(const char *probe)
{
	char *root = temp_dir("proc");
	char path[4096];

	if (chmod(root, 0755) < 0)
		bail("chmod");
	snprintf(path, sizeof(path), "%s/self", root);
	if (mkdir(path, 0755) < 0)
		bail("mkdir %s", path);
	if (probe) {
		snprintf(path, sizeof(path), "%s/self/audit_containerid", root);
		write_file(path, probe);
	}
	return root;
}

/* <root>/<pid>: links to the real entries, and a contid file (or none). */
static void tree_add(const char *root, pid_t pid, const char *contid)
{
	static const char *const links[] = { "stat", "ns", "task", "status" };
	char path[4096], target[128];

	snprintf(path, sizeof(path), "%s/%d", root, (int)pid);
	if (mkdir(path, 0755) < 0)
		bail("mkdir %s", path);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%d/%s", root, (int)pid,
			 links[i]);
		snprintf(target, sizeof(target), "/proc/%d/%s", (int)pid,
			 links[i]);
		if (symlink(target, path) < 0)
			bail("symlink %s", path);
	}
	if (contid) {
		snprintf(path, sizeof(path), "%s/%d/audit_containerid", root,
			 (int)pid);
		write_file(path, contid);
	}
}

static char *contid_path(const char *root, pid_t pid)
{
	char *p;

	if (asprintf(&p, "%s/%d/audit_containerid", root, (int)pid) < 0)
		bail("asprintf");
	return p;
}

static int ctx_new(const char *root, const char *state, struct acid_ctx **out)
{
	struct acid_opts o = {
		.size = sizeof(o),
		.proc_root = root,
		.state_dir = state,
	};

	*out = NULL;
	return acid_ctx_new(&o, out);
}

static struct acid_ctx *ctx_must(const char *root, const char *state,
				 enum acid_mode mode)
{
	struct acid_ctx *ctx;
	int r = ctx_new(root, state, &ctx);

	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new(%s)", root);
	}
	if (acid_ctx_mode(ctx) != mode)
		bail("mode %s, want %s", acid_mode_name(acid_ctx_mode(ctx)),
		     acid_mode_name(mode));
	return ctx;
}

static int reg(struct acid_ctx *ctx, pid_t pid, const struct acid_id *id,
	       struct acid_entry **out)
{
	struct acid_reg q = {
		.size = sizeof(q),
		.pid = pid,
		.id = id,
		.name = "k",
	};

	return acid_register(ctx, &q, out);
}

static struct acid_id parse(const char *s)
{
	struct acid_id id;

	if (acid_id_parse(s, &id) < 0)
		bail("parse %s", s);
	return id;
}

static void expect_no_entries(const char *state, const char *what)
{
	struct dir_census c = census(state);

	ok(c.entries == 0 && c.pidlinks == 0 && c.tmps == 0,
	   "%s: registry has %d entries, %d pid links, %d .tmp-*; want none",
	   what, c.entries, c.pidlinks, c.tmps);
}

/* ------------------------------------------------------------ probe */

static const struct probe_row {
	const char *what;
	const char *text;	/* NULL: absent */
	bool dir;		/* a directory instead */
	int rc;
	enum acid_mode mode;
} probe_rows[] = {
	{ "absent", NULL, false, 0, ACID_MODE_USER },
	{ "u64 unset", UNSET_U64, false, 0, ACID_MODE_KERNEL_U64 },
	{ "u64 unset, no newline", "18446744073709551615", false, 0,
	  ACID_MODE_KERNEL_U64 },
	{ "u64 set (we run in a container)", "42\n", false, 0,
	  ACID_MODE_KERNEL_U64 },
	{ "uuid unset (all zero)", UNSET_UUID, false, 0,
	  ACID_MODE_KERNEL_UUID },
	{ "uuid set", UUID_L "\n", false, 0, ACID_MODE_KERNEL_UUID },
	{ "garbage", "garbage\n", false, -EPROTO, 0 },
	{ "negative", "-1\n", false, -EPROTO, 0 },
	{ "a UUID cut short", "0f1e2d3c-4b5a-4978\n", false, -EPROTO, 0 },
	{ "2^64, no u64", "18446744073709551616\n", false, -EPROTO, 0 },
	{ "23 digits, no u64", "99999999999999999999999\n", false, -EPROTO,
	  0 },
	{ "a directory", NULL, true, -EISDIR, 0 },
};

static void test_probe(const char *state)
{
	for (size_t i = 0; i < sizeof(probe_rows) / sizeof(probe_rows[0]);
	     i++) {
		const struct probe_row *row = &probe_rows[i];
		char *root = tree_new(row->text);
		struct acid_ctx *ctx;
		int r;

		if (row->dir) {
			char path[4096];

			snprintf(path, sizeof(path),
				 "%s/self/audit_containerid", root);
			if (mkdir(path, 0755) < 0)
				bail("mkdir %s", path);
		}
		r = ctx_new(root, state, &ctx);
		if (is_err(r, row->rc, "probe %s", row->what) && r == 0)
			is_str(acid_mode_name(acid_ctx_mode(ctx)),
			       acid_mode_name(row->mode), "probe %s: mode",
			       row->what);
		if (r == 0)
			acid_ctx_free(ctx);
		remove_tree(root);
		free(root);
	}
}

static void test_env_and_options(const char *state)
{
	char *root = tree_new(UNSET_U64);
	struct acid_ctx *ctx;
	struct acid_opts o = { .size = sizeof(o), .state_dir = state };
	int r;

	setenv("ACID_PROC_ROOT", root, 1);
	r = acid_ctx_new(&o, &ctx);
	if (is_err(r, 0, "ACID_PROC_ROOT=%s, no proc_root option", root)) {
		is_str(acid_ctx_proc_root(ctx), root, "proc root from the "
						      "environment");
		is_int(acid_ctx_mode(ctx), ACID_MODE_KERNEL_U64,
		       "mode probed under ACID_PROC_ROOT");
		acid_ctx_free(ctx);
	}
	unsetenv("ACID_PROC_ROOT");
	o.proc_root = "proc";
	is_err(acid_ctx_new(&o, &ctx), -EINVAL, "a relative proc root");
	o.proc_root = root;
	o.state_dir = "run/acid";
	is_err(acid_ctx_new(&o, &ctx), -EINVAL, "a relative state dir");
	is_str(acid_mode_name(ACID_MODE_USER), "user", "mode name user");
	is_str(acid_mode_name(ACID_MODE_KERNEL_U64), "kernel-u64",
	       "mode name kernel-u64");
	is_str(acid_mode_name(ACID_MODE_KERNEL_UUID), "kernel-uuid",
	       "mode name kernel-uuid");
	remove_tree(root);
	free(root);
}

/* ------------------------------------------------------------ u64 */

static void test_u64(void)
{
	char *root = tree_new(UNSET_U64), *state = temp_dir("kstate"),
	     *state2 = temp_dir("kstate2");
	struct acid_ctx *ctx = ctx_must(root, state, ACID_MODE_KERNEL_U64);
	struct acid_ctx *ctx2 = ctx_must(root, state2, ACID_MODE_KERNEL_U64);
	struct acid_entry *e = NULL, *l;
	struct acid_id id;
	struct child a, b;
	char *pa, *pb, *text, want[32];
	uint64_t v;
	int r, upper = 0, bad = 0;

	/* IDs made for this kernel fit it */
	for (int i = 0; i < 1000; i++) {
		if (acid_ctx_new_id(ctx, &id) < 0 ||
		    acid_id_to_u64(&id, &v) < 0)
			bad++;
		for (int k = 0; k < 8; k++)
			upper += id.bytes[k] != 0;
	}
	is_int(bad, 0, "u64 mode: 1000 new ids that do not fit a u64");
	is_int(upper, 0, "u64 mode: non-zero upper bytes in 1000 new ids");

	child_start(&a, 0);
	child_start(&b, 0);
	tree_add(root, a.pid, UNSET_U64);
	tree_add(root, b.pid, UNSET_U64);
	pa = contid_path(root, a.pid);
	pb = contid_path(root, b.pid);

	if (acid_id_generate(ACID_ID_U64, &id) < 0 || acid_id_to_u64(&id, &v))
		bail("generate");
	snprintf(want, sizeof(want), "%" PRIu64, v);
	r = reg(ctx, a.pid, &id, &e);
	if (is_err(r, 0, "u64 mode: register child %d with %s", (int)a.pid,
		   want)) {
		text = read_text(pa);
		is_str(text, want, "u64 mode: the child's audit_containerid");
		free(text);
		is_int(acid_entry_mode(e), ACID_MODE_KERNEL_U64,
		       "u64 mode: entry mode");
		if (is_err(acid_lookup_id(ctx, &id, &l), 0,
			   "u64 mode: the registry has the entry too")) {
			is_str(acid_entry_name(l), "k",
			       "u64 mode: entry keeps the OCI name");
			acid_entry_free(l);
		}
		acid_entry_free(e);
		/* the file now reads a set value: the kernel says EEXIST */
		is_err(reg(ctx2, a.pid, NULL, NULL), -EEXIST,
		       "u64 mode: register the same pid again (fresh "
		       "registry, set contid)");
		expect_no_entries(state2, "u64 mode: after EEXIST");
		is_err(reg(ctx, a.pid, NULL, NULL), -EEXIST,
		       "u64 mode: register the same pid again (same registry)");
	}

	/* an ID with its upper 64 bits set does not fit: never truncated */
	id = parse(UUID_L);
	r = reg(ctx2, b.pid, &id, NULL);
	is_err(r, -ERANGE, "u64 mode: register child %d with " UUID_L,
	       (int)b.pid);
	text = read_text(pb);
	is_str(text, UNSET_U64, "u64 mode: file unchanged after ERANGE");
	free(text);
	expect_no_entries(state2, "u64 mode: after ERANGE");
	id = parse("00000000-0000-0000-ffff-ffffffffffff");
	ok(reg(ctx2, b.pid, &id, NULL) < 0,
	   "u64 mode: the unset value written as a UUID is refused");
	text = read_text(pb);
	is_str(text, UNSET_U64, "u64 mode: file unchanged after the unset "
				"value");
	free(text);

	/* a u64 ID written in UUID form goes in as its decimal */
	id = parse("00000000-0000-0000-0000-00000000002a");
	r = reg(ctx2, b.pid, &id, &e);
	if (is_err(r, 0, "u64 mode: register child %d with 0...002a",
		   (int)b.pid)) {
		text = read_text(pb);
		is_str(text, "42", "u64 mode: the child's audit_containerid");
		free(text);
		acid_entry_free(e);
	}

	child_stop(&a);
	child_stop(&b);
	free(pa);
	free(pb);
	acid_ctx_free(ctx);
	acid_ctx_free(ctx2);
	remove_tree(root);
	remove_tree(state);
	remove_tree(state2);
	free(root);
	free(state);
	free(state2);
}

/* ------------------------------------------------------------ UUID */

static void test_uuid(void)
{
	char *root = tree_new(UNSET_UUID), *state = temp_dir("kstate"),
	     *state2 = temp_dir("kstate2");
	struct acid_ctx *ctx = ctx_must(root, state, ACID_MODE_KERNEL_UUID);
	struct acid_ctx *ctx2 = ctx_must(root, state2, ACID_MODE_KERNEL_UUID);
	struct acid_entry *e;
	struct acid_id id;
	struct child a, b;
	char *pa, *pb, *text;
	int r, bad = 0;

	for (int i = 0; i < 1000; i++)
		if (acid_ctx_new_id(ctx, &id) < 0 ||
		    (id.bytes[6] >> 4) != 4 || (id.bytes[8] & 0xc0) != 0x80)
			bad++;
	is_int(bad, 0, "uuid mode: 1000 new ids that are no v4 UUID");

	child_start(&a, 0);
	child_start(&b, 0);
	tree_add(root, a.pid, UNSET_UUID);
	tree_add(root, b.pid, UNSET_UUID);
	pa = contid_path(root, a.pid);
	pb = contid_path(root, b.pid);

	id = parse("0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9");
	r = reg(ctx, a.pid, &id, &e);
	if (is_err(r, 0, "uuid mode: register child %d", (int)a.pid)) {
		text = read_text(pa);
		is_str(text, UUID_L, "uuid mode: the child's audit_containerid "
				     "(canonical lower case)");
		free(text);
		is_int(acid_entry_mode(e), ACID_MODE_KERNEL_UUID,
		       "uuid mode: entry mode");
		acid_entry_free(e);
		is_err(reg(ctx2, a.pid, NULL, NULL), -EEXIST,
		       "uuid mode: register the same pid again (fresh "
		       "registry, set contid)");
		expect_no_entries(state2, "uuid mode: after EEXIST");
	}
	id = parse("42");
	r = reg(ctx2, b.pid, &id, NULL);
	if (is_err(r, 0, "uuid mode: register child %d with 42", (int)b.pid)) {
		text = read_text(pb);
		is_str(text, "00000000-0000-0000-0000-00000000002a",
		       "uuid mode: a u64 id as a UUID");
		free(text);
	}
	child_stop(&a);
	child_stop(&b);
	free(pa);
	free(pb);
	acid_ctx_free(ctx);
	acid_ctx_free(ctx2);
	remove_tree(root);
	remove_tree(state);
	remove_tree(state2);
	free(root);
	free(state);
	free(state2);
}

/* ------------------------------------------------ errno passthrough */

static int set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = 0, r = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		r = -errno;
	if (r == 0) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0)
			r = -errno;
	}
	close(fd);
	return r;
}

static void passthrough(enum acid_mode mode)
{
	const char *unset = mode == ACID_MODE_KERNEL_U64 ? UNSET_U64 :
							   UNSET_UUID;
	const char *m = acid_mode_name(mode);
	char *root = tree_new(unset), *state = temp_dir("kstate");
	struct acid_ctx *ctx = ctx_must(root, state, mode);
	struct child c;
	char *p, *text;
	int r;

	child_start(&c, 0);

	/* no audit_containerid for the pid: the kernel would say ESRCH */
	tree_add(root, c.pid, NULL);
	p = contid_path(root, c.pid);
	is_err(reg(ctx, c.pid, NULL, NULL), -ESRCH,
	       "%s: register with <pid>/audit_containerid absent", m);
	expect_no_entries(state, m);

	/* a directory: EISDIR, unchanged */
	if (mkdir(p, 0755) < 0)
		bail("mkdir %s", p);
	is_err(reg(ctx, c.pid, NULL, NULL), -EISDIR,
	       "%s: register with audit_containerid a directory", m);
	ok(strstr(acid_ctx_errmsg(ctx), "audit_containerid: Is a directory"),
	   "%s: the message names the file: %s", m, acid_ctx_errmsg(ctx));
	expect_no_entries(state, m);
	rmdir(p);

	/* /dev/full: the write's ENOSPC, unchanged (a u64 reader refuses
	 * the NUL bytes /dev/full reads as before it writes) */
	if (mode == ACID_MODE_KERNEL_UUID) {
		if (symlink("/dev/full", p) < 0)
			bail("symlink %s", p);
		is_err(reg(ctx, c.pid, NULL, NULL), -ENOSPC,
		       "%s: register with audit_containerid -> /dev/full", m);
		expect_no_entries(state, m);
		unlink(p);
	}

	/* an immutable file: open for writing fails EPERM, unchanged */
	write_file(p, unset);
	r = set_immutable(p, true);
	if (r < 0) {
		skip("%s: no immutable files here (%s)", m, strerror(-r));
	} else {
		char want[8192];

		is_err(reg(ctx, c.pid, NULL, NULL), -EPERM,
		       "%s: register with an immutable audit_containerid", m);
		/* the kernel's refusal is said as one, not as missing
		 * capabilities */
		snprintf(want, sizeof(want), "writing %s: Operation not "
			 "permitted", p);
		is_str(acid_ctx_errmsg(ctx), want,
		       "%s: the message names the refused write", m);
		expect_no_entries(state, m);
		set_immutable(p, false);
		text = read_text(p);
		is_str(text, unset, "%s: immutable file unchanged", m);
		free(text);
	}

	/* no <pid> directory at all */
	{
		struct child d;

		child_start(&d, 0);
		is_err(reg(ctx, d.pid, NULL, NULL), -ESRCH,
		       "%s: register a pid the tree does not have", m);
		expect_no_entries(state, m);
		child_stop(&d);
	}

	child_stop(&c);
	free(p);
	acid_ctx_free(ctx);
	remove_tree(root);
	remove_tree(state);
	free(root);
	free(state);
}

/* ----------------------------------------- death before the write */

/*
 * The target dies after the last look and before the write; on a real
 * kernel its pid may then be another process's, whose audit_containerid
 * the write would set. Here the tree's audit_containerid is a FIFO: the
 * library's read of the current value (check_target) waits on it, and
 * meanwhile a thread kills the target and puts a plain file where the
 * FIFO was, standing for the /proc/<pid> of whoever has the pid now. The
 * write must not reach it.
 */
struct swap_job {
	const char *fifo, *file;
	const char *unset;
	struct child *c;
};

static void *swap_thread(void *arg)
{
	struct swap_job *j = arg;
	int fd = open(j->fifo, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	child_stop(j->c);
	if (rename(j->file, j->fifo) < 0)
		diag("rename %s: %s", j->file, strerror(errno));
	(void)!write(fd, j->unset, strlen(j->unset));
	close(fd);
	return NULL;
}

static void death_before_write(enum acid_mode mode)
{
	const char *unset = mode == ACID_MODE_KERNEL_U64 ? UNSET_U64 :
							   UNSET_UUID;
	const char *m = acid_mode_name(mode);
	char *root = tree_new(unset), *state = temp_dir("kstate");
	struct acid_ctx *ctx = ctx_must(root, state, mode);
	struct swap_job job;
	struct acid_id id;
	pthread_t t;
	struct child c;
	char *p, *other, *text;
	int r;

	if (acid_ctx_new_id(ctx, &id) < 0)
		bail("new id");
	child_start(&c, 0);
	tree_add(root, c.pid, NULL);
	p = contid_path(root, c.pid);
	if (mkfifo(p, 0600) < 0)
		bail("mkfifo %s", p);
	if (asprintf(&other, "%s.other", p) < 0)
		bail("asprintf");
	write_file(other, unset);
	job = (struct swap_job){ .fifo = p, .file = other, .unset = unset,
				 .c = &c };
	if (pthread_create(&t, NULL, swap_thread, &job))
		bail("pthread_create");
	r = reg(ctx, c.pid, &id, NULL);
	pthread_join(t, NULL);
	is_err(r, -ESRCH, "%s: the target died before the write", m);
	text = read_text(p);
	is_str(text, unset, "%s: the audit_containerid now at its pid is "
			    "not written", m);
	free(text);
	expect_no_entries(state, m);

	child_stop(&c);
	free(p);
	free(other);
	acid_ctx_free(ctx);
	remove_tree(root);
	remove_tree(state);
	free(root);
	free(state);
}

/* ------------------------------------------------------- hand-off */

/* <root>/<pid>/exe: where /proc/<pid>/exe points, as procfs reads it */
static void tree_add_exe(const char *root, pid_t pid)
{
	char path[4096], real[64], target[4096];
	ssize_t n;

	snprintf(real, sizeof(real), "/proc/%d/exe", (int)pid);
	n = readlink(real, target, sizeof(target) - 1);
	if (n < 0)
		bail("readlink %s", real);
	target[n] = '\0';
	snprintf(path, sizeof(path), "%s/%d/exe", root, (int)pid);
	if (symlink(target, path) < 0)
		bail("symlink %s", path);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connections to acid-exec (our parent) that say nothing: -1 or 0 */
static int silent_peers(const char *state, int *fds, int n)
{
	struct sockaddr_un sa;
	socklen_t salen;
	int dirfd = registry_open(state, false);

	if (dirfd < 0 || handoff_sockaddr(&sa, &salen, dirfd, getppid()) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		fds[i] = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 ||
		    connect(fds[i], (struct sockaddr *)&sa, salen) < 0) {
			close(dirfd);
			return -1;
		}
	}
	close(dirfd);
	return 0;
}

/*
 * acid-exec's runtime: put itself, acid-exec and a child in the tree
 * (ACID_PROC_ROOT); hold 4 connections to acid-exec that say nothing;
 * ask acid-exec to write @value (an ID) as the child's, and print
 * "handoff=<errno> contid=<what the child's file holds>" and, on a line
 * of its own, "ms=<how long the asking took>".
 */
static int handoff_child(const char *value)
{
	const char *root = getenv("ACID_PROC_ROOT");
	struct acid_ctx *ctx;
	struct acid_id id;
	struct child c;
	char *p, *text;
	int r, silent[4];
	long long t0;

	if (!root || acid_ctx_new(NULL, &ctx) < 0 ||
	    acid_id_parse(value, &id) < 0)
		return 2;
	if (silent_peers(acid_ctx_state_dir(ctx), silent, 4) < 0)
		return 3;
	child_start(&c, 0);
	tree_add(root, getppid(), NULL);
	tree_add_exe(root, getppid());
	tree_add(root, getpid(), NULL);
	tree_add_exe(root, getpid());
	tree_add(root, c.pid, acid_ctx_mode(ctx) == ACID_MODE_KERNEL_UUID ?
				      UNSET_UUID : UNSET_U64);
	p = contid_path(root, c.pid);
	t0 = ms_now();
	{
		struct proc_hold h;
		char *stale;
		int rs;

		if (proc_hold_open(acid_ctx_proc_root(ctx), c.pid, &h) < 0)
			return 4;
		/* the target as it would be if its pid were another's now:
		 * a start time that is not its own */
		h.start++;
		rs = handoff_write_id(ctx, &h, &id);
		stale = read_text(p);
		h.start--;
		r = handoff_write_id(ctx, &h, &id);
		proc_hold_close(&h);
		t0 = ms_now() - t0;
		text = read_text(p);
		printf("handoff=%d contid=%s\nms=%lld\nstale=%d contid=%s\n",
		       -r, text ? text : "(none)", t0, -rs,
		       stale ? stale : "(none)");
		free(stale);
	}
	free(text);
	free(p);
	child_stop(&c);
	acid_ctx_free(ctx);
	return 0;
}

/* acid-exec on a tree of @unset's form, asked to write @value */
static void handoff(const char *acid_exec, const char *self, const char *form,
		    const char *unset, const char *value, const char *want)
{
	char *root = tree_new(unset), *state = temp_dir("kstate");
	char path[4096], out[512] = "", wanted[128], *ms, *stale;
	int pipefd[2], status = -1;
	size_t got = 0;
	pid_t pid;
	ssize_t n;

	/* acid-exec's own session: through the tree, to the real files */
	snprintf(path, sizeof(path), "%s/self/loginuid", root);
	if (symlink("/proc/self/loginuid", path) < 0)
		bail("symlink %s", path);
	snprintf(path, sizeof(path), "%s/self/sessionid", root);
	if (symlink("/proc/self/sessionid", path) < 0)
		bail("symlink %s", path);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		bail("pipe");
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		dup2(pipefd[1], 1);
		setenv("ACID_PROC_ROOT", root, 1);
		setenv("ACID_STATE_DIR", state, 1);
		execl(acid_exec, "acid-exec", "--uid", "0", self,
		      "handoff-child", value, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	while (got < sizeof(out) - 1 &&
	       (n = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	ms = strstr(out, "\nms=");
	stale = strstr(out, "\nstale=");
	out[strcspn(out, "\n")] = '\0';
	if (stale)
		stale[strcspn(stale + 1, "\n") + 1] = '\0';
	/* the target is checked through the /proc/<pid> directory written:
	 * a process that is not the one the hook held is never written */
	snprintf(wanted, sizeof(wanted), "\nstale=%d contid=%s", ESRCH,
		 unset);
	wanted[strlen(wanted) - 1] = '\0';
	is_str(stale, wanted, "%s hand-off for a target whose start time is "
			      "not the one held: ESRCH, nothing written", form);
	is_int(status, 0, "%s hand-off: acid-exec and its runtime exit 0", form);
	snprintf(wanted, sizeof(wanted), "handoff=0 contid=%s", want);
	is_str(out, wanted, "%s hand-off of %s: acid-exec writes it in the "
			    "kernel's form", form, value);
	/* a peer that says nothing holds up no other (it would wait its
	 * 2 s deadline, four times over, if acid-exec served one by one) */
	ok(ms && atoll(ms + 4) < 1000, "%s hand-off: 4 silent connections "
	   "before it, the answer took %lld ms (< 1000)", form,
	   ms ? atoll(ms + 4) : -1LL);
	remove_tree(root);
	remove_tree(state);
	free(root);
	free(state);
}

static void test_handoff(const char *acid_exec, const char *self)
{
	if (!acid_exec) {
		ok(false, "hand-off: no acid-exec given (argv[1])");
		return;
	}
	/* the 128-bit form: a UUID, canonical lower case */
	handoff(acid_exec, self, "uuid", UNSET_UUID,
		"0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9", UUID_L);
	/* the 64-bit form, decimal */
	handoff(acid_exec, self, "u64", UNSET_U64,
		"00000000-0000-0000-0000-00000000002a", "42");
}

int main(int argc, char **argv)
{
	char *state, self[4096];

	if (argc > 2 && strcmp(argv[1], "handoff-child") == 0)
		return handoff_child(argv[2]);
	if (!realpath(argv[0], self))
		bail("realpath %s", argv[0]);

	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-kernel needs root (CAP_AUDIT_CONTROL)");
	state = temp_dir("kprobe");

	test_probe(state);
	test_env_and_options(state);
	test_u64();
	test_uuid();
	passthrough(ACID_MODE_KERNEL_U64);
	passthrough(ACID_MODE_KERNEL_UUID);
	death_before_write(ACID_MODE_KERNEL_U64);
	death_before_write(ACID_MODE_KERNEL_UUID);
	test_handoff(argc > 1 ? argv[1] : NULL, self);

	remove_tree(state);
	free(state);
	return tap_done();
}
