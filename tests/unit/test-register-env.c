// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-register-env - registration and what is around it: a safe state
 * directory (ELOOP, EUCLEAN, ENOTDIR; made when missing), the caller's
 * capabilities (EPERM without CAP_AUDIT_CONTROL; a start without
 * CAP_AUDIT_WRITE), and pid reuse.
 *
 * Every case has a fresh state directory (mkdtemp, 0700) and the real
 * /proc. Needs root. Shared helpers: register-test.h.
 */
#include "register-test.h"

/* ------------------------------------------------- the state directory */

static void test_state_dir_symlink(void)
{
	char *real = temp_dir("real"), *lnk;
	struct acid_ctx *ctx;
	struct acid_entry **list;
	struct dir_census cs;
	struct child c;
	size_t n;

	if (asprintf(&lnk, "%s.lnk", real) < 0 || symlink(real, lnk) < 0)
		bail("symlink %s", real);
	ctx = ctx_at(lnk);
	child_start(&c, 0);
	is_err(reg(ctx, c.pid, NULL, "lnk", NULL, NULL), -ELOOP,
	       "register with a state dir that is a symlink");
	ok(strncmp(acid_ctx_errmsg(ctx), "opening the registry ", 21) == 0 &&
	   strstr(acid_ctx_errmsg(ctx), lnk) &&
	   strstr(acid_ctx_errmsg(ctx), "symbolic link"),
	   "the message names the registry: %s", acid_ctx_errmsg(ctx));
	cs = census(real);
	is_int(cs.total, 0, "the symlink's target is left empty (files)");
	is_err(acid_list(ctx, &list, &n), -ELOOP,
	       "list with a state dir that is a symlink");
	ok(strncmp(acid_ctx_errmsg(ctx), "opening the registry ", 21) == 0,
	   "... and for a lookup: %s", acid_ctx_errmsg(ctx));
	child_stop(&c);
	acid_ctx_free(ctx);
	unlink(lnk);
	free(lnk);
	remove_tree(real);
	free(real);
}

static void test_state_dir_modes(void)
{
	static const mode_t modes[] = { 0755, 0750, 0705, 0701, 0710, 0770,
					0777, 01777 };
	struct child c;

	child_start(&c, 0);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct fixture fx;
		struct dir_census cs;

		fx_new(&fx, "mode");
		if (chmod(fx.dir, modes[i]) < 0)
			bail("chmod");
		is_err(reg(fx.ctx, c.pid, NULL, "mode", NULL, NULL), -EUCLEAN,
		       "register with a state dir of mode %04o",
		       (unsigned int)modes[i]);
		cs = census(fx.dir);
		is_int(cs.total, 0, "state dir of mode %04o: files written",
		       (unsigned int)modes[i]);
		fx_free(&fx);
	}
	child_stop(&c);
}

static void test_state_dir_owner(void)
{
	struct fixture fx;
	struct dir_census cs;
	struct child c;

	fx_new(&fx, "owner");
	if (chown(fx.dir, 65534, 65534) < 0)
		bail("chown %s", fx.dir);
	child_start(&c, 0);
	is_err(reg(fx.ctx, c.pid, NULL, "owner", NULL, NULL), -EUCLEAN,
	       "register with a state dir owned by uid 65534");
	cs = census(fx.dir);
	is_int(cs.total, 0, "state dir owned by 65534: files written");
	child_stop(&c);
	fx_free(&fx);
}

static void test_state_dir_made(void)
{
	char *base = temp_dir("made"), *dir, *file;
	struct acid_ctx *ctx;
	struct stat st;
	struct child c;
	mode_t old = umask(0);

	if (asprintf(&dir, "%s/state", base) < 0 ||
	    asprintf(&file, "%s/file", base) < 0)
		bail("asprintf");
	child_start(&c, 0);
	ctx = ctx_at(dir);
	is_err(reg(ctx, c.pid, NULL, "made", NULL, NULL), 0,
	       "register with a state dir that does not exist yet (umask 0)");
	memset(&st, 0, sizeof(st));
	lstat(dir, &st);
	ok(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700 &&
		   st.st_uid == geteuid(),
	   "the state dir was made: a directory of mode %04o, uid %u",
	   (unsigned int)st.st_mode & 07777, (unsigned int)st.st_uid);
	acid_ctx_free(ctx);

	/* a state "dir" that is a regular file */
	int fd = open(file, O_CREAT | O_WRONLY, 0600);

	if (fd < 0)
		bail("create %s", file);
	close(fd);
	ctx = ctx_at(file);
	is_err(reg(ctx, c.pid, NULL, "file", NULL, NULL), -ENOTDIR,
	       "register with a state dir that is a regular file");
	acid_ctx_free(ctx);
	umask(old);
	child_stop(&c);
	free(dir);
	free(file);
	remove_tree(base);
	free(base);
}

/* ---------------------------------------------------- capabilities */

static bool effective_has(int cap)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ull << cap);
}

struct dropped_job {
	struct acid_ctx *ctx;
	pid_t pid;
	const struct acid_entry *forget;
};

/*
 * In a forked test process with CAP_AUDIT_CONTROL dropped from its
 * effective set: results[0] the drop (0 ok), [1] acid_check_caps(CONTROL),
 * [2] acid_check_caps(WRITE), [3] register or forget.
 */
static bool run_dropped(const struct dropped_job *job, int results[4])
{
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		int res[4] = { -1, 0, 0, 0 };

		close(p[0]);
		if (capng_get_caps_process() == 0 &&
		    capng_update(CAPNG_DROP, CAPNG_EFFECTIVE,
				 CAP_AUDIT_CONTROL) == 0 &&
		    capng_apply(CAPNG_SELECT_CAPS) == 0 &&
		    !effective_has(CAP_AUDIT_CONTROL) &&
		    effective_has(CAP_AUDIT_WRITE))
			res[0] = 0;
		if (res[0] == 0) {
			res[1] = acid_check_caps(ACID_CAP_CONTROL);
			res[2] = acid_check_caps(ACID_CAP_WRITE);
			if (job->forget)
				res[3] = acid_forget(job->ctx, job->forget);
			else
				res[3] = reg(job->ctx, job->pid, NULL, "nocap",
					     NULL, NULL);
		}
		write_full(p[1], res, sizeof(res));
		_exit(0);
	}
	close(p[1]);
	bool got = read_full(p[0], results, 4 * sizeof(int));

	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	ok(got && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "capability-dropped helper %d reported and exited 0 (status %#x)",
	   (int)pid, st);
	return got;
}

static void test_eperm(void)
{
	struct fixture fx;
	struct dropped_job job = { 0 };
	struct acid_entry *e;
	struct dir_census cs;
	struct child c;
	int res[4];

	fx_new(&fx, "eperm");
	child_start(&c, 0);
	job.ctx = fx.ctx;
	job.pid = c.pid;
	if (run_dropped(&job, res) &&
	    is_err(res[0], 0, "setup: CAP_AUDIT_CONTROL dropped from the "
			      "effective set, CAP_AUDIT_WRITE kept")) {
		is_err(res[1], -EPERM, "without CAP_AUDIT_CONTROL: "
				       "acid_check_caps(CONTROL)");
		is_err(res[2], 0, "without CAP_AUDIT_CONTROL: "
				  "acid_check_caps(WRITE)");
		is_err(res[3], -EPERM, "without CAP_AUDIT_CONTROL: register "
				       "child %d", (int)c.pid);
		cs = census(fx.dir);
		is_int(cs.total, 0, "without CAP_AUDIT_CONTROL: files written "
				    "in the state dir");
	}

	/* forget needs it too, and leaves the entry alone */
	if (is_err(reg(fx.ctx, c.pid, NULL, "cap", NULL, &e), 0,
		   "register child %d (with the capability)", (int)c.pid)) {
		job.forget = e;
		if (run_dropped(&job, res) && res[0] == 0)
			is_err(res[3], -EPERM,
			       "without CAP_AUDIT_CONTROL: forget");
		expect_dir(fx.dir, 1, "after a forget without the capability");
		acid_entry_free(e);
	}
	child_stop(&c);
	fx_free(&fx);
}

/*
 * acid_start without CAP_AUDIT_WRITE (CAP_AUDIT_CONTROL kept), in a
 * forked process: fail-closed, nothing is written and the record's error
 * comes back; with ACID_START_WARN the registration stays and the
 * record's error comes back beside a success. The message names the
 * missing capability.
 */
static void test_start_without_write(void)
{
	struct fixture fx;
	struct dir_census cs;
	struct child c;
	struct acid_entry *e = NULL;
	int p[2], st, res[6] = { -1, 0, 0, 0, 0, 0 };
	pid_t pid;

	fx_new(&fx, "start-nowrite");
	child_start(&c, 0);
	if (pipe2(p, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		struct acid_reg q = { .size = sizeof(q), .pid = c.pid,
				      .name = "start-nowrite" };
		int rec = 1;

		close(p[0]);
		if (capng_get_caps_process() == 0 &&
		    capng_update(CAPNG_DROP, CAPNG_EFFECTIVE,
				 CAP_AUDIT_WRITE) == 0 &&
		    capng_apply(CAPNG_SELECT_CAPS) == 0 &&
		    !effective_has(CAP_AUDIT_WRITE) &&
		    effective_has(CAP_AUDIT_CONTROL))
			res[0] = 0;
		if (res[0] == 0) {
			res[1] = acid_start(fx.ctx, &q, 0, NULL, &rec);
			res[2] = rec;
			res[3] = strstr(acid_ctx_errmsg(fx.ctx),
					"CAP_AUDIT_WRITE") != NULL;
			res[4] = acid_start(fx.ctx, &q, ACID_START_WARN, NULL,
					    &rec);
			res[5] = rec;
		}
		write_full(p[1], res, sizeof(res));
		_exit(0);
	}
	close(p[1]);
	bool got = read_full(p[0], res, sizeof(res));

	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (ok(got && res[0] == 0, "setup: CAP_AUDIT_WRITE dropped, "
				   "CAP_AUDIT_CONTROL kept")) {
		is_err(res[1], -EPERM, "acid_start without CAP_AUDIT_WRITE");
		is_err(res[2], -EPERM, "... the record's error comes back");
		ok(res[3], "... the message names CAP_AUDIT_WRITE");
		is_err(res[4], 0, "acid_start(ACID_START_WARN) without "
				  "CAP_AUDIT_WRITE registers");
		is_err(res[5], -EPERM, "... and gives the record's error");
	}
	cs = census(fx.dir);
	is_int(cs.entries, 1, "one entry: the warned start's, none of the "
			      "refused one");
	if (is_err(acid_lookup_pid(fx.ctx, c.pid, &e), 0,
		   "the warned start's entry is found")) {
		is_err(acid_forget(fx.ctx, e), 0, "forget it");
		acid_entry_free(e);
	}
	is_err(acid_start(fx.ctx, NULL, 0, NULL, NULL), -EINVAL,
	       "acid_start without a request");
	is_err(acid_start(fx.ctx, &(struct acid_reg){ .size = sizeof(
					   struct acid_reg), .pid = c.pid },
			  0x100, NULL, NULL), -EINVAL,
	       "acid_start with an unknown flag");
	is_str(acid_ctx_errmsg(fx.ctx), acid_strerror(-EINVAL),
	       "the message of an error said nowhere else is its sentence");
	child_stop(&c);
	fx_free(&fx);
}

/* ---------------------------------------------------------- pid reuse */

static void test_pid_reuse(void)
{
	struct fixture fx;
	struct acid_entry *e, *l, *stale;
	struct acid_id id = new_id(), staleid = new_id();
	char s[ACID_ID_STRLEN];
	struct child a, b;
	pid_t apid, g;
	int dirfd, r;

	fx_new(&fx, "reuse");

	/* A registered, then gone: its pid is nobody's */
	child_start(&a, 0);
	apid = a.pid;
	if (is_err(reg(fx.ctx, a.pid, NULL, "gone", NULL, &e), 0,
		   "register child A %d", (int)a.pid)) {
		child_stop(&a);
		is_int(acid_entry_alive(fx.ctx, e), 0, "A alive after reaping");
		r = acid_lookup_pid(fx.ctx, apid, &l);
		ok(r < 0, "lookup by A's pid %d after A was reaped fails (%s)",
		   (int)apid, r < 0 ? strerrorname_np(-r) : "an entry");
		if (r == 0)
			acid_entry_free(l);
		acid_entry_free(e);
	}
	child_stop(&a);

	/*
	 * B is live, and a stale entry says B's pid with another start
	 * time: the container that had this pid before B.
	 */
	child_start(&b, 0);
	stale = entry_new();
	if (!stale)
		bail("entry_new");
	stale->id = staleid;
	stale->pid = b.pid;
	stale->starttime = starttime_of(b.pid) - 1;
	stale->mode = ACID_MODE_USER;
	free(stale->name);
	stale->name = strdup("stale");
	if (acid_ns_collect(fx.ctx, b.pid, &stale->ns) < 0)
		bail("collect");
	dirfd = registry_open(fx.dir, true);
	if (dirfd < 0 || registry_put(dirfd, stale) < 0)
		bail("registry_put of the stale entry");
	close(dirfd);

	is_int(acid_entry_alive(fx.ctx, stale), 0,
	       "alive for an entry whose start time is not B's");
	r = acid_lookup_pid(fx.ctx, b.pid, &l);
	if (!is_err(r, -ENOENT, "lookup by B's pid %d: the stale entry (start "
				"time %" PRIu64 ", B's %" PRIu64 ") is not B's",
		    (int)b.pid, stale->starttime, starttime_of(b.pid)))
		if (r == 0)
			acid_entry_free(l);
	g = child_fork_grandchild(&b);
	r = acid_lookup_pid(fx.ctx, g, &l);
	if (!is_err(r, -ENOENT, "lookup by B's child %d: not the stale entry",
		    (int)g))
		if (r == 0)
			acid_entry_free(l);
	child_stop(&b);

	/* a stale entry does not make a new process "already registered" */
	child_start(&b, 0);
	stale->pid = b.pid;
	stale->starttime = starttime_of(b.pid) + 1000;
	free(stale->name);
	stale->name = strdup("stale2");
	stale->id = new_id();
	dirfd = registry_open(fx.dir, true);
	if (dirfd < 0 || registry_put(dirfd, stale) < 0)
		bail("registry_put of the stale entry");
	close(dirfd);
	if (is_err(reg(fx.ctx, b.pid, &id, "fresh", NULL, NULL), 0,
		   "register B' %d over a stale entry for its pid",
		   (int)b.pid)) {
		r = acid_lookup_pid(fx.ctx, b.pid, &l);
		if (is_err(r, 0, "lookup by B's pid after registering it")) {
			ok(ids_equal(acid_entry_id(l), &id),
			   "lookup by B's pid gives the new entry: %s",
			   idstr(acid_entry_id(l), s));
			acid_entry_free(l);
		}
		/* forgetting the stale entry leaves B's pid link alone */
		is_err(acid_forget(fx.ctx, stale), 0,
		       "forget the stale entry for B's pid");
		r = acid_lookup_pid(fx.ctx, b.pid, &l);
		if (is_err(r, 0, "lookup by B's pid after the stale entry "
				 "was forgotten")) {
			ok(ids_equal(acid_entry_id(l), &id),
			   "B's pid still leads to B's entry: %s",
			   idstr(acid_entry_id(l), s));
			acid_entry_free(l);
		}
	}
	child_stop(&b);
	acid_entry_free(stale);
	fx_free(&fx);
}

int main(void)
{
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-register-env needs root (CAP_AUDIT_CONTROL)");

	test_state_dir_symlink();
	test_state_dir_modes();
	test_state_dir_owner();
	test_state_dir_made();
	test_eperm();
	test_start_without_write();
	test_pid_reuse();
	return tap_done();
}
