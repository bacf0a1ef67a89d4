// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-registry-concurrent - the registry's atomicity under concurrency.
 *
 *  - 16 threads (each with its own acid_ctx) and 8 forked processes put
 *    50 crafted entries each into one state dir and remove every other
 *    one, while readers list and parse whatever is there: afterwards
 *    exactly the expected entries, each whole; no reader ever saw a
 *    malformed entry; no temporary file left.
 *  - real registrations from 8 threads at once; 8 threads racing to
 *    register one process (one wins, the rest EEXIST) and one ID (one
 *    wins, the rest ENOTUNIQ); 4 processes racing for one ID.
 *
 * Shared helpers: registry-test.h.
 */
#include "registry-test.h"

static const char *g_dir;
static atomic_int g_writers_left;
static pthread_barrier_t g_start;

/* Put all 50, then remove the odd ones. Returns the failures. */
static int writer(int w, struct acid_ctx *ctx)
{
	int dirfd = registry_open(g_dir, false), fails = 0;

	if (dirfd < 0)
		return PER_WRITER * 2;
	for (int i = 0; i < PER_WRITER; i++) {
		struct acid_entry *e = crafted(w, i);

		if (!e || registry_put(dirfd, e) < 0)
			fails++;
		acid_entry_free(e);
		/* and look, as a hook would, through the public API */
		if (ctx && i % 10 == 9) {
			struct acid_entry **list;
			size_t n;

			if (acid_list(ctx, &list, &n) < 0)
				fails++;
			else
				acid_list_free(list, n);
		}
	}
	for (int i = 1; i < PER_WRITER; i += 2) {
		struct acid_entry *e = crafted(w, i);

		if (!e || registry_remove(dirfd, e) < 0)
			fails++;
		acid_entry_free(e);
	}
	close(dirfd);
	return fails;
}

struct wjob {
	int w;
	int fails;
};

static void *writer_thread(void *arg)
{
	struct wjob *j = arg;
	struct acid_ctx *ctx = ctx_at(g_dir);

	pthread_barrier_wait(&g_start);
	j->fails = writer(j->w, ctx);
	acid_ctx_free(ctx);
	atomic_fetch_sub(&g_writers_left, 1);
	return NULL;
}

struct rjob {
	long rounds;
	long seen;		/* entries read */
	long listed;		/* entries acid_list gave */
	long bad_parse;		/* raw files entry_from_text refused */
	long bad_list;		/* listed entries not as written */
	long list_errors;	/* acid_list failures */
	long empty;		/* zero-length *.entry files */
};

/* Read every *.entry file raw and parse it; list through the API. */
static void *reader_thread(void *arg)
{
	struct rjob *j = arg;
	struct acid_ctx *ctx = ctx_at(g_dir);
	char *buf = malloc(65 * 1024);

	if (!buf)
		bail("malloc");
	pthread_barrier_wait(&g_start);
	do {
		DIR *d = opendir(g_dir);
		struct dirent *de;
		struct acid_entry **list;
		size_t n;

		j->rounds++;
		while (d && (de = readdir(d))) {
			size_t len = strlen(de->d_name), got = 0;
			struct acid_entry *e;
			char path[4096];
			ssize_t k;
			int fd;

			if (len < 6 || strcmp(de->d_name + len - 6, ".entry") ||
			    de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", g_dir, de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue; /* removed meanwhile */
			while ((k = read(fd, buf + got, 65 * 1024 - got)) > 0)
				got += (size_t)k;
			close(fd);
			j->seen++;
			if (got == 0) {
				j->empty++;
				continue;
			}
			if (entry_from_text(buf, got, &e) < 0) {
				j->bad_parse++;
				continue;
			}
			acid_entry_free(e);
		}
		if (d)
			closedir(d);
		if (acid_list(ctx, &list, &n) < 0) {
			j->list_errors++;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			int w, x;

			j->listed++;
			if (!crafted_ok(list[i], &w, &x))
				j->bad_list++;
		}
		acid_list_free(list, n);
	} while (atomic_load(&g_writers_left) > 0);
	free(buf);
	acid_ctx_free(ctx);
	return NULL;
}

/*
 * One lookup of entry (w, i) after the writers: the even ones must be
 * found whole (else *@bad), the odd ones, removed, not at all (else
 * *@stale). Frees what was found.
 */
static void tally(int r, struct acid_entry *e, int w, int i, int *bad,
		  int *stale)
{
	int x, y;

	if (i % 2)
		*stale += r != -ENOENT;
	else if (r < 0)
		(*bad)++;
	else
		*bad += !crafted_ok(e, &x, &y) || x != w || y != i;
	if (r == 0)
		acid_entry_free(e);
}

static void test_concurrent_puts(void)
{
	char *dir = temp_dir("conc");
	pthread_t wt[NTHREADS], rt[NREADERS];
	struct wjob wj[NTHREADS];
	struct rjob rj[NREADERS];
	pid_t procs[NPROCS];
	int res[NPROCS][2], go[2], fails = 0, pfails = 0, dirfd;
	struct acid_ctx *ctx;
	struct acid_entry **list;
	size_t n;
	static bool seen[NWRITERS][PER_WRITER];
	int dup = 0, missing = 0, extra = 0, wrong = 0;

	g_dir = dir;
	/*
	 * make the registry as a first registration would (its lock marks
	 * the name index whole: lookups by name then trust it alone)
	 */
	dirfd = registry_open(dir, true);
	if (dirfd < 0)
		bail("registry_open");
	mark_index(dirfd);
	close(dirfd);
	/* the threads, and one for the processes (counted down by main) */
	atomic_store(&g_writers_left, NTHREADS + 1);
	if (pthread_barrier_init(&g_start, NULL, NTHREADS + NREADERS + 1))
		bail("barrier");
	if (pipe2(go, O_CLOEXEC) < 0)
		bail("pipe");

	/* the processes first, while this one has a single thread */
	for (int p = 0; p < NPROCS; p++) {
		if (pipe2(res[p], O_CLOEXEC) < 0)
			bail("pipe");
		fflush(NULL);
		procs[p] = fork();
		if (procs[p] < 0)
			bail("fork");
		if (procs[p] == 0) {
			char c;
			int f;

			close(go[1]);
			close(res[p][0]);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			f = writer(NTHREADS + p, NULL);
			write_full(res[p][1], &f, sizeof(f));
			_exit(0);
		}
		close(res[p][1]);
	}
	close(go[0]);
	for (int r = 0; r < NREADERS; r++) {
		memset(&rj[r], 0, sizeof(rj[r]));
		if (pthread_create(&rt[r], NULL, reader_thread, &rj[r]))
			bail("pthread_create");
	}
	for (int t = 0; t < NTHREADS; t++) {
		wj[t].w = t;
		wj[t].fails = 0;
		if (pthread_create(&wt[t], NULL, writer_thread, &wj[t]))
			bail("pthread_create");
	}
	/* the processes start (a byte each: other children hold go[1]) */
	if (!write_full(go[1], "gggggggg", NPROCS))
		bail("start the writer processes");
	close(go[1]);
	pthread_barrier_wait(&g_start);
	for (int t = 0; t < NTHREADS; t++) {
		pthread_join(wt[t], NULL);
		fails += wj[t].fails;
	}
	for (int p = 0; p < NPROCS; p++) {
		int f = PER_WRITER * 2, st = 0;

		if (!read_full(res[p][0], &f, sizeof(f)))
			pfails++;
		close(res[p][0]);
		while (waitpid(procs[p], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			pfails++;
		fails += f;
	}
	atomic_fetch_sub(&g_writers_left, 1);
	for (int r = 0; r < NREADERS; r++)
		pthread_join(rt[r], NULL);
	pthread_barrier_destroy(&g_start);

	is_int(fails, 0, "%d threads + %d processes x %d puts and %d removes: "
			 "failed calls", NTHREADS, NPROCS, PER_WRITER,
	       PER_WRITER / 2);
	is_int(pfails, 0, "writer processes that did not report or exit 0");
	for (int r = 0; r < NREADERS; r++) {
		diag("reader %d: %ld rounds, %ld files read, %ld listed", r,
		     rj[r].rounds, rj[r].seen, rj[r].listed);
		ok(rj[r].rounds > 0 && rj[r].seen > 0,
		   "reader %d read while writers wrote (%ld files)", r,
		   rj[r].seen);
		is_int(rj[r].bad_parse, 0, "reader %d: raw entry files "
					   "entry_from_text refused", r);
		is_int(rj[r].empty, 0, "reader %d: empty entry files seen", r);
		is_int(rj[r].bad_list, 0, "reader %d: acid_list entries not "
					  "as written", r);
		is_int(rj[r].list_errors, 0, "reader %d: acid_list failures",
		       r);
	}

	/* exactly the even entries of every writer */
	ctx = ctx_at(dir);
	if (is_err(acid_list(ctx, &list, &n), 0, "final list")) {
		for (size_t k = 0; k < n; k++) {
			int w, i;

			if (!crafted_ok(list[k], &w, &i)) {
				wrong++;
				continue;
			}
			if (seen[w][i])
				dup++;
			if (i % 2)
				extra++;
			seen[w][i] = true;
		}
		for (int w = 0; w < NWRITERS; w++)
			for (int i = 0; i < PER_WRITER; i += 2)
				missing += !seen[w][i];
		is_int(n, NWRITERS * PER_WRITER / 2, "final list: entries");
		is_int(wrong, 0, "final list: entries not as written");
		is_int(dup, 0, "final list: duplicates");
		is_int(extra, 0, "final list: removed entries still listed");
		is_int(missing, 0, "final list: entries lost");
		acid_list_free(list, n);
	}

	struct dir_census c = census(dir);

	is_int(c.entries, NWRITERS * PER_WRITER / 2, "final dir: *.entry");
	is_int(c.pidlinks, NWRITERS * PER_WRITER / 2, "final dir: pid-*");
	is_int(c.namelinks, NWRITERS * PER_WRITER / 2, "final dir: name-*");
	is_int(c.tmps, 0, "final dir: .tmp-* left");
	is_int(c.others, 0, "final dir: other files");

	/* every pid link leads to its entry; removed pids to nothing */
	dirfd = registry_open(dir, false);
	if (dirfd < 0)
		bail("registry_open");
	int badlink = 0, stale = 0, badname = 0, stalename = 0;

	for (int w = 0; w < NWRITERS; w++) {
		for (int i = 0; i < PER_WRITER; i++) {
			struct acid_entry *want = crafted(w, i), *e;
			int r;

			if (!want)
				bail("crafted");
			r = registry_get_pid(dirfd, want->pid, &e);
			tally(r, e, w, i, &badlink, &stale);
			/* and the name index, read alone (no scan behind it) */
			r = registry_get_name(dirfd, want->name, NULL, &e);
			tally(r, e, w, i, &badname, &stalename);
			acid_entry_free(want);
		}
	}
	close(dirfd);
	is_int(badlink, 0, "pid links of live entries that do not lead to "
			   "them");
	is_int(stale, 0, "pid links of removed entries still answering");
	is_int(badname, 0, "live entries the name index does not lead to");
	is_int(stalename, 0, "removed entries the name index still finds");
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

/* --------------------------------------------- real registrations */

#define NREG_THREADS 8
#define PER_REG_THREAD 4
#define RACE_ROUNDS 20

struct rregjob {
	const char *dir;
	pid_t pids[PER_REG_THREAD];
	int n;
	const struct acid_id *id;	/* NULL: a fresh one each */
	int rc[PER_REG_THREAD];
};

static void *register_thread(void *arg)
{
	struct rregjob *j = arg;
	struct acid_ctx *ctx = ctx_at(j->dir);

	pthread_barrier_wait(&g_start);
	for (int i = 0; i < j->n; i++) {
		struct acid_reg q = {
			.size = sizeof(q),
			.pid = j->pids[i],
			.id = j->id,
			.name = "racer",
		};

		j->rc[i] = acid_register(ctx, &q, NULL);
	}
	acid_ctx_free(ctx);
	return NULL;
}

/* Run @n register_thread jobs at once. */
static void run_register_threads(struct rregjob *jobs, int n)
{
	pthread_t t[NREG_THREADS];

	if (pthread_barrier_init(&g_start, NULL, (unsigned int)n + 1))
		bail("barrier");
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, register_thread, &jobs[i]))
			bail("pthread_create");
	pthread_barrier_wait(&g_start);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&g_start);
}

static void test_concurrent_registrations(void)
{
	char *dir = temp_dir("creg");
	struct child kids[NREG_THREADS * PER_REG_THREAD];
	struct rregjob jobs[NREG_THREADS];
	struct acid_ctx *ctx;
	struct acid_entry **list, *e;
	struct acid_id id;
	size_t n;
	int okc = 0, bad = 0, wins, eexist, enotuniq, other;

	for (int i = 0; i < NREG_THREADS * PER_REG_THREAD; i++)
		child_start(&kids[i], 0);
	ctx = ctx_at(dir);

	/* 8 threads, 4 distinct children each */
	for (int t = 0; t < NREG_THREADS; t++) {
		memset(&jobs[t], 0, sizeof(jobs[t]));
		jobs[t].dir = dir;
		jobs[t].n = PER_REG_THREAD;
		for (int i = 0; i < PER_REG_THREAD; i++)
			jobs[t].pids[i] = kids[t * PER_REG_THREAD + i].pid;
	}
	run_register_threads(jobs, NREG_THREADS);
	for (int t = 0; t < NREG_THREADS; t++)
		for (int i = 0; i < PER_REG_THREAD; i++)
			okc += jobs[t].rc[i] == 0;
	is_int(okc, NREG_THREADS * PER_REG_THREAD,
	       "%d threads registering %d children each at once: successes",
	       NREG_THREADS, PER_REG_THREAD);
	if (acid_list(ctx, &list, &n) == 0) {
		is_int(n, NREG_THREADS * PER_REG_THREAD,
		       "entries after the concurrent registrations");
		acid_list_free(list, n);
	}
	for (int i = 0; i < NREG_THREADS * PER_REG_THREAD; i++) {
		if (acid_lookup_pid(ctx, kids[i].pid, &e) < 0) {
			bad++;
			continue;
		}
		bad += acid_entry_pid(e) != kids[i].pid;
		acid_entry_free(e);
	}
	is_int(bad, 0, "children whose lookup by pid fails or is wrong");
	struct dir_census c = census(dir);

	is_int(c.tmps, 0, "no .tmp-* left after concurrent registrations");
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
	for (int i = 0; i < NREG_THREADS * PER_REG_THREAD; i++)
		child_stop(&kids[i]);

	/*
	 * 8 threads race to register one child, each with its own id; the
	 * window between the checks and the writes is narrow, so the race
	 * is run RACE_ROUNDS times, a fresh child and registry each round.
	 */
	int bad_rounds = 0, extra_entries = 0;

	for (int round = 0; round < RACE_ROUNDS; round++) {
		struct child one;

		dir = temp_dir("race1");
		child_start(&one, 0);
		for (int t = 0; t < NREG_THREADS; t++) {
			memset(&jobs[t], 0, sizeof(jobs[t]));
			jobs[t].dir = dir;
			jobs[t].n = 1;
			jobs[t].pids[0] = one.pid;
		}
		run_register_threads(jobs, NREG_THREADS);
		wins = eexist = other = 0;
		for (int t = 0; t < NREG_THREADS; t++) {
			wins += jobs[t].rc[0] == 0;
			eexist += jobs[t].rc[0] == -EEXIST;
			other += jobs[t].rc[0] != 0 &&
				 jobs[t].rc[0] != -EEXIST;
		}
		c = census(dir);
		if (wins != 1 || eexist != NREG_THREADS - 1 || other) {
			diag("round %d: %d won, %d EEXIST, %d other", round,
			     wins, eexist, other);
			bad_rounds++;
		}
		if (c.entries != 1 || c.pidlinks != 1 || c.tmps)
			extra_entries++;
		child_stop(&one);
		remove_tree(dir);
		free(dir);
	}
	is_int(bad_rounds, 0, "%d rounds of %d threads racing to register one "
			      "child: rounds without exactly 1 win and %d "
			      "EEXIST", RACE_ROUNDS, NREG_THREADS,
	       NREG_THREADS - 1);
	is_int(extra_entries, 0, "rounds whose registry is not exactly 1 "
				 "entry, 1 pid link, no .tmp-*");

	/* 8 threads race to register 8 children with one id */
	dir = temp_dir("race2");
	if (acid_id_generate(ACID_ID_UUID, &id) < 0)
		bail("generate");
	for (int t = 0; t < NREG_THREADS; t++) {
		child_start(&kids[t], 0);
		memset(&jobs[t], 0, sizeof(jobs[t]));
		jobs[t].dir = dir;
		jobs[t].n = 1;
		jobs[t].pids[0] = kids[t].pid;
		jobs[t].id = &id;
	}
	run_register_threads(jobs, NREG_THREADS);
	wins = enotuniq = other = 0;
	for (int t = 0; t < NREG_THREADS; t++) {
		wins += jobs[t].rc[0] == 0;
		enotuniq += jobs[t].rc[0] == -ENOTUNIQ;
		other += jobs[t].rc[0] != 0 && jobs[t].rc[0] != -ENOTUNIQ;
	}
	ok(wins == 1 && enotuniq == NREG_THREADS - 1 && other == 0,
	   "%d threads race to register %d children with one id: %d won, "
	   "%d ENOTUNIQ, %d other; want 1, %d, 0",
	   NREG_THREADS, NREG_THREADS, wins, enotuniq, other,
	   NREG_THREADS - 1);
	c = census(dir);
	ok(c.entries == 1 && c.pidlinks == 1 && c.tmps == 0,
	   "after the race for one id: %d entries, %d pid links, %d .tmp-*; "
	   "want 1, 1, 0", c.entries, c.pidlinks, c.tmps);
	for (int t = 0; t < NREG_THREADS; t++)
		child_stop(&kids[t]);
	remove_tree(dir);
	free(dir);

	/* 4 processes race to register 4 children with one id */
	dir = temp_dir("race3");
	if (acid_id_generate(ACID_ID_UUID, &id) < 0)
		bail("generate");
	pid_t procs[4];
	int res[4][2], go[2];

	if (pipe2(go, O_CLOEXEC) < 0)
		bail("pipe");
	for (int p = 0; p < 4; p++) {
		child_start(&kids[p], 0);
		if (pipe2(res[p], O_CLOEXEC) < 0)
			bail("pipe");
		fflush(NULL);
		procs[p] = fork();
		if (procs[p] < 0)
			bail("fork");
		if (procs[p] == 0) {
			struct acid_ctx *pc = ctx_at(dir);
			struct acid_reg q = { .size = sizeof(q),
					      .pid = kids[p].pid,
					      .id = &id };
			char ch;
			int r;

			close(go[1]);
			if (read(go[0], &ch, 1) < 0)
				_exit(3);
			r = acid_register(pc, &q, NULL);
			acid_ctx_free(pc);
			write_full(res[p][1], &r, sizeof(r));
			_exit(0);
		}
		close(res[p][1]);
	}
	close(go[0]);
	/* a byte each: the blocked children hold go[1] open too */
	if (!write_full(go[1], "gggg", 4))
		bail("start the racing processes");
	close(go[1]);
	wins = enotuniq = other = 0;
	for (int p = 0; p < 4; p++) {
		int r = 1;

		if (!read_full(res[p][0], &r, sizeof(r)))
			r = 1;
		close(res[p][0]);
		waitpid(procs[p], NULL, 0);
		wins += r == 0;
		enotuniq += r == -ENOTUNIQ;
		other += r != 0 && r != -ENOTUNIQ;
	}
	ok(wins == 1 && enotuniq == 3 && other == 0,
	   "4 processes race to register 4 children with one id: %d won, %d "
	   "ENOTUNIQ, %d other; want 1, 3, 0", wins, enotuniq, other);
	c = census(dir);
	ok(c.entries == 1 && c.pidlinks == 1 && c.tmps == 0,
	   "after the process race: %d entries, %d pid links, %d .tmp-*; "
	   "want 1, 1, 0", c.entries, c.pidlinks, c.tmps);
	for (int p = 0; p < 4; p++)
		child_stop(&kids[p]);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-registry-concurrent needs root (CAP_AUDIT_CONTROL)");

	test_concurrent_puts();
	test_concurrent_registrations();
	return tap_done();
}
