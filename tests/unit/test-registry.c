// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-registry - the registry's atomicity under concurrency, and the
 * entry's text form.
 *
 *  - 16 threads (each with its own acid_ctx) and 8 forked processes put
 *    50 crafted entries each into one state dir and remove every other
 *    one, while readers list and parse whatever is there: afterwards
 *    exactly the expected entries, each whole; no reader ever saw a
 *    malformed entry; no temporary file left.
 *  - real registrations from 8 threads at once; 8 threads racing to
 *    register one process (one wins, the rest EEXIST) and one ID (one
 *    wins, the rest ENOTUNIQ); 4 processes racing for one ID.
 *  - entry_to_text -> entry_from_text round trip over hostile names, and
 *    a table of damaged texts entry_from_text must refuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#include "child.h"
#include "tap.h"

static struct acid_ctx *ctx_at(const char *state_dir)
{
	struct acid_opts o = {
		.size = sizeof(o),
		.state_dir = state_dir,
	};
	struct acid_ctx *ctx;
	int r = acid_ctx_new(&o, &ctx);

	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new(%s)", state_dir);
	}
	return ctx;
}

/* Take the registry lock and upgrade once, as every writer does: it marks the index. */
static void mark_index(int dirfd)
{
	int lock = registry_lock(dirfd), r;

	if (lock < 0) {
		errno = -lock;
		bail("registry_lock");
	}
	r = registry_upgrade(dirfd, lock);
	if (r < 0) {
		errno = -r;
		bail("registry_upgrade");
	}
	close(lock);
}

/* ------------------------------------------------- crafted entries */

#define NTHREADS 16
#define NPROCS 8
#define NWRITERS (NTHREADS + NPROCS)
#define PER_WRITER 50
#define NREADERS 2

/* Entry i of writer w: everything derived from (w, i). */
static struct acid_entry *crafted(int w, int i)
{
	struct acid_entry *e = entry_new();

	if (!e)
		return NULL;
	e->id.bytes[0] = 0xac;
	e->id.bytes[1] = 0x1d;
	e->id.bytes[2] = (uint8_t)w;
	e->id.bytes[3] = (uint8_t)i;
	e->id.bytes[6] = 0x40;
	e->id.bytes[8] = 0x80;
	e->pid = 100000 + w * 100 + i;
	e->starttime = (uint64_t)w * 1000 + (uint64_t)i + 1;
	e->time = 1700000000 + w;
	e->ses_tag = (uint32_t)i;
	e->mode = ACID_MODE_USER;
	e->ns.ns[ACID_NS_NET].present = true;
	e->ns.ns[ACID_NS_NET].dev_minor = 4;
	e->ns.ns[ACID_NS_NET].ino = 4026531000u + (uint64_t)i;
	free(e->name);
	free(e->bundle);
	if (asprintf(&e->name, "writer %d \"entry\"\n%d", w, i) < 0)
		e->name = NULL;
	if (asprintf(&e->bundle, "/run/b/%d/%d", w, i) < 0)
		e->bundle = NULL;
	if (!e->name || !e->bundle) {
		acid_entry_free(e);
		return NULL;
	}
	return e;
}

/* Does @e hold exactly what crafted() made for its (w, i)? */
static bool crafted_ok(const struct acid_entry *e, int *w, int *i)
{
	struct acid_entry *want;
	bool same;

	if (e->id.bytes[0] != 0xac || e->id.bytes[1] != 0x1d ||
	    e->id.bytes[2] >= NWRITERS || e->id.bytes[3] >= PER_WRITER)
		return false;
	*w = e->id.bytes[2];
	*i = e->id.bytes[3];
	want = crafted(*w, *i);
	if (!want)
		return false;
	same = acid_id_equal(&want->id, &e->id) && want->pid == e->pid &&
	       want->starttime == e->starttime && want->time == e->time &&
	       want->ses_tag == e->ses_tag && want->mode == e->mode &&
	       !strcmp(want->name, e->name) &&
	       !strcmp(want->bundle, e->bundle) &&
	       !memcmp(&want->ns, &e->ns, sizeof(e->ns)) && !e->has_parent;
	acid_entry_free(want);
	return same;
}

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

/* ------------------------------------------------- damaged entries */

static void test_damaged_files(void)
{
	char *dir = temp_dir("damaged"), path[4096];
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *good = crafted(1, 2), *e, **list;
	char *text;
	size_t len, n;
	int dirfd = registry_open(dir, true), fd;

	if (dirfd < 0 || !good || registry_put(dirfd, good) < 0)
		bail("registry_put");
	/* garbage under an entry's name */
	snprintf(path, sizeof(path),
		 "%s/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.entry", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || !write_full(fd, "garbage\n", 8))
		bail("write %s", path);
	close(fd);
	/* a whole entry under another entry's name */
	if (entry_to_text(good, &text, &len) < 0)
		bail("entry_to_text");
	snprintf(path, sizeof(path),
		 "%s/11111111-2222-4333-8444-555555555555.entry", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || !write_full(fd, text, len))
		bail("write %s", path);
	close(fd);
	free(text);

	if (is_err(acid_list(ctx, &list, &n), 0, "list with damaged files")) {
		int w, i;

		ok(n == 1 && crafted_ok(list[0], &w, &i),
		   "list skips the damaged files: %zu entries, want 1", n);
		acid_list_free(list, n);
	}
	struct acid_id id;

	acid_id_parse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", &id);
	is_err(acid_lookup_id(ctx, &id, &e), -EBADMSG,
	       "lookup of an entry file holding garbage");
	acid_id_parse("11111111-2222-4333-8444-555555555555", &id);
	is_err(acid_lookup_id(ctx, &id, &e), -EBADMSG,
	       "lookup of an entry file holding another id's entry");
	close(dirfd);
	acid_entry_free(good);
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

/* ------------------------------------------------- the name index */

/* Entry k of the same-name family: one name, bundle /b/<k>. */
static struct acid_entry *same_name(int k)
{
	struct acid_entry *e = crafted(0, k);

	if (!e)
		bail("crafted");
	free(e->name);
	free(e->bundle);
	e->name = strdup("web");
	if (asprintf(&e->bundle, "/b/%d", k) < 0 || !e->name)
		bail("strdup");
	return e;
}

/* The slot links of @dir: how many lead to entries, how many are free. */
static void slots_of(const char *dir, int *live, int *free_)
{
	char path[4096], target[128];
	DIR *d = opendir(dir);
	struct dirent *de;

	*live = *free_ = 0;
	while (d && (de = readdir(d))) {
		ssize_t n;

		if (strncmp(de->d_name, "name-", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "-") == 0)
			(*free_)++;
		else
			(*live)++;
	}
	if (d)
		closedir(d);
}

/* The path of slot @k of the family (all share the hash of "web"). */
static void family_slot(const char *dir, unsigned k, char *buf, size_t len)
{
	char hash[17] = "";
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "name-", 5))
			snprintf(hash, sizeof(hash), "%.16s", de->d_name + 5);
	if (d)
		closedir(d);
	if (!hash[0])
		bail("no name slot in %s", dir);
	snprintf(buf, len, "%s/name-%s.%u", dir, hash, k);
}

/* Does the index alone (no lock, no scan) lead to family member @k? */
static bool index_finds(int dirfd, int k)
{
	struct acid_entry *want = same_name(k), *got;
	int r = registry_get_name(dirfd, "web", want->bundle, &got);
	bool yes = r == 0 && acid_id_equal(&got->id, &want->id);

	if (r == 0)
		acid_entry_free(got);
	acid_entry_free(want);
	return yes;
}

static void expect_slots(const char *dir, int live, int free_,
			 const char *what)
{
	int l, f;

	slots_of(dir, &l, &f);
	ok(l == live && f == free_, "%s: %d live slots and %d free; want %d "
	   "and %d", what, l, f, live, free_);
}

/* a reader that must find family member 4 every time, writers or not */
struct steady_job {
	const char *dir;
	atomic_bool stop;
	long rounds, misses;
};

static void *steady_reader(void *arg)
{
	struct steady_job *j = arg;
	int dirfd = registry_open(j->dir, false);

	if (dirfd < 0)
		bail("registry_open");
	while (!atomic_load(&j->stop)) {
		j->misses += !index_finds(dirfd, 4);
		j->rounds++;
	}
	close(dirfd);
	return NULL;
}

static void test_name_index(void)
{
	char *dir = temp_dir("names"), path[4096], final[64];
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *e, *fam[8];
	int dirfd = registry_open(dir, true), found = 0, lock;
	size_t removed = 99;

	if (dirfd < 0)
		bail("registry_open");
	mark_index(dirfd);
	for (int k = 0; k < 8; k++)
		fam[k] = same_name(k);
	for (int k = 0; k < 6; k++)
		if (registry_put(dirfd, fam[k]) < 0)
			bail("registry_put");
	expect_slots(dir, 6, 0, "6 entries of one name");
	is_err(acid_lookup_name(ctx, "web", NULL, &e), -ENOTUNIQ,
	       "lookup of a name 6 entries share");
	for (int k = 0; k < 6; k++)
		found += index_finds(dirfd, k);
	is_int(found, 6, "each of the 6 found by name and bundle");

	/* a removal frees its slot in place; free slots at the end go */
	registry_remove(dirfd, fam[2]);
	registry_remove(dirfd, fam[0]);
	expect_slots(dir, 4, 2, "/b/2 and /b/0 removed");
	registry_remove(dirfd, fam[5]);
	expect_slots(dir, 3, 2, "/b/5 removed (the last slot: trimmed)");
	ok(index_finds(dirfd, 1) && index_finds(dirfd, 3) &&
		   index_finds(dirfd, 4),
	   "the other 3 found in place (slots 1, 3, 4)");
	ok(!index_finds(dirfd, 0) && !index_finds(dirfd, 2) &&
		   !index_finds(dirfd, 5),
	   "the removed 3 not found");
	is_err(registry_get_name(dirfd, "Web", NULL, &e), -ENOENT,
	       "another name: not found");
	/* a put takes the first free slot */
	if (registry_put(dirfd, fam[6]) < 0)
		bail("registry_put");
	family_slot(dir, 0, path, sizeof(path));
	{
		char target[128], idstr[ACID_ID_STRLEN];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		acid_id_format(&fam[6]->id, idstr, sizeof(idstr));
		snprintf(final, sizeof(final), "%s.entry", idstr);
		ok(n > 0 && (target[n] = '\0', !strcmp(target, final)),
		   "/b/6 put into the first free slot, 0");
	}

	/*
	 * No slot moves, so a reader without the lock never misses an
	 * entry that stays, however the others come and go around it.
	 */
	{
		struct steady_job j = { .dir = dir };
		pthread_t t;
		int errs = 0;

		pthread_create(&t, NULL, steady_reader, &j);
		for (int round = 0; round < 300; round++) {
			lock = registry_lock(dirfd);
			errs += registry_put(dirfd, fam[7]) < 0;
			errs += registry_remove(dirfd, fam[1]) < 0;
			errs += registry_put(dirfd, fam[1]) < 0;
			errs += registry_remove(dirfd, fam[7]) < 0;
			close(lock);
		}
		atomic_store(&j.stop, true);
		pthread_join(t, NULL);
		is_int(errs, 0, "300 rounds of puts and removes of /b/1 and "
				"/b/7: failures");
		diag("steady reader: %ld lookups", j.rounds);
		ok(j.rounds > 0 && j.misses == 0,
		   "a lock-free reader of /b/4 during them: %ld misses in %ld",
		   j.misses, j.rounds);
	}
	expect_slots(dir, 4, 1, "after the rounds (0: /b/6, 1: /b/1, 2 free, "
				"3: /b/3, 4: /b/4)");

	/*
	 * What only a hand or a crash makes: a slot removed (a gap, which
	 * hides the slots above it), slots to entries that are gone. gc
	 * frees the stale, fills the gap, and slots the entry that lost its
	 * own.
	 */
	registry_remove(dirfd, fam[1]);
	family_slot(dir, 3, path, sizeof(path));
	ok(unlink(path) == 0, "setup: slot 3 (/b/3) removed by hand");
	ok(!index_finds(dirfd, 3) && !index_finds(dirfd, 4),
	   "the gap hides /b/4 above it, and /b/3 has no slot");
	family_slot(dir, 1, path, sizeof(path));
	ok(unlink(path) == 0 && symlink("0f1e2d3c-4b5a-4978-8695-"
					"a4b3c2d1e0f9.entry", path) == 0,
	   "setup: slot 1 to an entry that is gone");
	family_slot(dir, 7, path, sizeof(path));
	ok(symlink("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.entry", path) == 0,
	   "setup: slot 7 to an entry that is gone");
	is_err(acid_registry_clean(ctx, &removed), 0, "clean the index");
	is_int(removed, 2, "clean: the 2 slots to nothing freed");
	found = index_finds(dirfd, 6) + index_finds(dirfd, 3) +
		index_finds(dirfd, 4);
	is_int(found, 3, "after clean, /b/6, /b/3 and /b/4 found again");
	expect_slots(dir, 3, 2, "after clean (0: /b/6, 1: /b/3 in the first "
				"free slot, 2 free, 3 the gap, free, 4: /b/4; "
				"5-7 trimmed)");
	close(dirfd);
	for (int k = 0; k < 8; k++)
		acid_entry_free(fam[k]);
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

/*
 * A registry an older acid wrote: entries without name slots, a .lock
 * without the mark. Lookups by name read every entry until the first
 * writer of this version makes the index whole and marks it; from then
 * on the index alone answers.
 */
static void test_unindexed_registry(void)
{
	char *dir = temp_dir("legacy"), path[4096], buf[64] = "";
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *e, *fam[3];
	int dirfd = registry_open(dir, true), fd, live, free_, found = 0;
	ssize_t n;

	if (dirfd < 0)
		bail("registry_open");
	for (int k = 0; k < 3; k++) {
		fam[k] = same_name(k);
		if (registry_put(dirfd, fam[k]) < 0)
			bail("registry_put");
	}
	/* as the old layout had it: no slots, a .lock that says nothing */
	{
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, "name-", 5))
				unlinkat(dirfd, de->d_name, 0);
		if (d)
			closedir(d);
	}
	snprintf(path, sizeof(path), "%s/.lock", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		bail("%s", path);
	close(fd);
	slots_of(dir, &live, &free_);
	is_int(live + free_, 0, "old layout: no name slots");
	for (int k = 0; k < 3; k++)
		found += index_finds(dirfd, k);
	is_int(found, 3, "old layout: each found by name (every entry read)");
	is_err(acid_lookup_name(ctx, "web", NULL, &e), -ENOTUNIQ,
	       "old layout: a shared name is ENOTUNIQ by the scan too");
	is_err(acid_lookup_name(ctx, "none", NULL, &e), -ENOENT,
	       "old layout: a name no entry has");

	mark_index(dirfd);
	slots_of(dir, &live, &free_);
	is_int(live, 3, "the first writer's lock gave each entry its slot");
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "acid-registry name-index 1\n", "and marked .lock");
	/* from now on the index alone: a slot removed by hand is a miss */
	family_slot(dir, 2, path, sizeof(path));
	ok(unlink(path) == 0, "setup: the last slot, 2, removed by hand");
	found = 0;
	for (int k = 0; k < 3; k++)
		found += index_finds(dirfd, k);
	is_int(found, 2, "marked: the one without a slot is not found (no "
			 "scan behind the index)");
	close(dirfd);
	for (int k = 0; k < 3; k++)
		acid_entry_free(fam[k]);
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

/* What interrupted writers leave: temporary files, dangling pid links. */
static void test_clean(void)
{
	char *dir = temp_dir("clean"), *missing, path[4096];
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *good = crafted(3, 4);
	struct dir_census c;
	size_t removed = 99;
	int dirfd = registry_open(dir, true), fd;

	if (dirfd < 0 || !good || registry_put(dirfd, good) < 0)
		bail("registry_put");
	mark_index(dirfd);
	snprintf(path, sizeof(path), "%s/.tmp-1-1-0f1e2d3c-4b5a-4978-8695-"
		 "a4b3c2d1e0f9.entry", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || !write_full(fd, "acid-entry 1\nid=", 16))
		bail("write %s", path);
	close(fd);
	snprintf(path, sizeof(path), "%s/pid-999999", dir);
	if (symlink("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.entry", path) < 0)
		bail("symlink %s", path);
	close(dirfd);

	is_err(acid_registry_clean(ctx, &removed), 0, "registry clean");
	is_int(removed, 2, "registry clean: files removed (a .tmp-* and a "
			   "dangling pid link)");
	c = census(dir);
	ok(c.entries == 1 && c.pidlinks == 1 && c.namelinks == 1 &&
		   c.tmps == 0 && c.others == 0,
	   "after clean: %d entries, %d pid links, %d name slots, %d .tmp-*, "
	   "%d others; want 1, 1, 1, 0, 0", c.entries, c.pidlinks,
	   c.namelinks, c.tmps, c.others);
	removed = 99;
	is_err(acid_registry_clean(ctx, &removed), 0, "registry clean again");
	is_int(removed, 0, "registry clean again: files removed");
	acid_ctx_free(ctx);

	if (asprintf(&missing, "%s/none", dir) < 0)
		bail("asprintf");
	ctx = ctx_at(missing);
	removed = 99;
	is_err(acid_registry_clean(ctx, &removed), 0,
	       "registry clean without a registry");
	is_int(removed, 0, "registry clean without a registry: removed");
	acid_ctx_free(ctx);
	free(missing);
	acid_entry_free(good);
	remove_tree(dir);
	free(dir);
}

/* ------------------------------------------------ text round trip */

static const struct rt_row {
	const char *what;
	const char *name;
	const char *bundle;
	bool parent;
	uint32_t ses;
	unsigned int ns;	/* bit mask of present kinds */
	pid_t pid;
	uint64_t starttime;
	int64_t time;
	enum acid_mode mode;
} rt_rows[] = {
	{ "plain", "web", "/b", false, 0, 0x3ff, 1, 1, 0, ACID_MODE_USER },
	{ "empty texts", "", "", false, 0, 0, 2, 0, 0, ACID_MODE_USER },
	{ "space", "my container", "/var/lib/my bundle", false, 1, 0x1, 3,
	  42, 1, ACID_MODE_USER },
	{ "quotes", "say \"hi\" 'there'", "/q\"", false, 0, 0x8, 4, 5, 6,
	  ACID_MODE_KERNEL_U64 },
	{ "newlines", "a\nb\n", "\nend\n", false, 0, 0x10, 5, 7, 8,
	  ACID_MODE_KERNEL_UUID },
	{ "a forged end line", "x\nend\nid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
	  "", false, 0, 0, 6, 9, 10, ACID_MODE_USER },
	{ "UTF-8", "caf\xc3\xa9 \xe2\x98\x83", "/\xc3\xa9t\xc3\xa9", true, 7,
	  0x200, 7, 11, 12, ACID_MODE_USER },
	{ "control bytes", "\x01\x1f\x7f\xff", "\t\r", false, 0, 0x2, 8, 13,
	  14, ACID_MODE_USER },
	{ "equals and hash", "k=v # not a comment", "=", true, 0, 0x3ff, 9,
	  15, 16, ACID_MODE_USER },
	{ "extremes", "x", "y", true, UINT32_MAX, 0x3ff, INT32_MAX,
	  UINT64_MAX, INT64_MAX, ACID_MODE_USER },
};

static struct acid_entry *rt_entry(const struct rt_row *row)
{
	struct acid_entry *e = entry_new();

	if (!e)
		bail("entry_new");
	if (acid_id_generate(ACID_ID_UUID, &e->id) < 0)
		bail("generate");
	free(e->name);
	free(e->bundle);
	e->name = strdup(row->name);
	e->bundle = strdup(row->bundle);
	if (!e->name || !e->bundle)
		bail("strdup");
	e->pid = row->pid;
	e->starttime = row->starttime;
	e->time = row->time;
	e->ses_tag = row->ses;
	e->mode = row->mode;
	e->has_parent = row->parent;
	if (row->parent && acid_id_generate(ACID_ID_U64, &e->parent) < 0)
		bail("generate");
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (!(row->ns & (1u << k)))
			continue;
		e->ns.ns[k].present = true;
		e->ns.ns[k].dev_major = (uint32_t)k * 1000;
		e->ns.ns[k].dev_minor = k == 9 ? UINT32_MAX : 4;
		e->ns.ns[k].ino = k == 0 ? UINT64_MAX : 4026531830u + (unsigned)k;
	}
	return e;
}

static void round_trip(const char *what, const struct acid_entry *e)
{
	struct acid_entry *back = NULL;
	char *text = NULL;
	size_t len = 0, unsafe = 0;
	int r;

	r = entry_to_text(e, &text, &len);
	if (!is_err(r, 0, "round trip %s: entry_to_text", what))
		return;
	/* free text is hex: the file is printable lines whatever the name */
	for (size_t i = 0; i < len; i++)
		unsafe += text[i] != '\n' && (text[i] < 0x20 || text[i] > 0x7e);
	is_int(unsafe, 0, "round trip %s: unprintable bytes in the text", what);
	is_int(len, strlen(text), "round trip %s: length", what);
	r = entry_from_text(text, len, &back);
	if (is_err(r, 0, "round trip %s: entry_from_text", what)) {
		ok(acid_id_equal(&back->id, &e->id), "round trip %s: id", what);
		is_str(back->name, e->name, "round trip %s: name", what);
		is_str(back->bundle, e->bundle, "round trip %s: bundle", what);
		is_int(back->pid, e->pid, "round trip %s: pid", what);
		is_u64(back->starttime, e->starttime,
		       "round trip %s: starttime", what);
		is_int(back->time, e->time, "round trip %s: time", what);
		is_u64(back->ses_tag, e->ses_tag, "round trip %s: ses", what);
		is_int(back->mode, e->mode, "round trip %s: mode", what);
		ok(back->has_parent == e->has_parent &&
			   (!e->has_parent ||
			    acid_id_equal(&back->parent, &e->parent)),
		   "round trip %s: parent (%d, want %d)", what,
		   back->has_parent, e->has_parent);
		ok(!memcmp(&back->ns, &e->ns, sizeof(e->ns)),
		   "round trip %s: namespaces", what);
		for (int k = 0; k < K8S_COUNT; k++) {
			if (!e->k8s[k])
				ok(!back->k8s[k], "round trip %s: no %s", what,
				   k8s_fields[k].entry);
			else
				is_str(back->k8s[k], e->k8s[k],
				       "round trip %s: %s", what,
				       k8s_fields[k].entry);
		}
		acid_entry_free(back);
	}
	free(text);
}

static void test_round_trip(void)
{
	for (size_t i = 0; i < sizeof(rt_rows) / sizeof(rt_rows[0]); i++) {
		struct acid_entry *e = rt_entry(&rt_rows[i]);

		round_trip(rt_rows[i].what, e);
		acid_entry_free(e);
	}

	/* Kubernetes metadata: real values, hostile ones, some absent */
	static const char *const k8s_real[K8S_COUNT] = {
		"coredns-6d4b75cb6d-4mtdm", "kube-system",
		"5b5e07db-f1b9-4530-81ef-b7d04d66b83e", "coredns",
		"registry.k8s.io/coredns/coredns:v1.10.1",
	};
	static const char *const k8s_hostile[K8S_COUNT] = {
		"x uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "\nend\nid=1",
		NULL, "say \"hi\"", "\x01\x7f\xff",
	};
	const char *const *k8s_rows[] = { k8s_real, k8s_hostile };
	char *text;
	size_t len;

	for (size_t i = 0; i < 2; i++) {
		struct acid_entry *k = rt_entry(&rt_rows[i]);

		if (entry_set_k8s(k, k8s_rows[i]) < 0)
			bail("entry_set_k8s");
		round_trip(i ? "hostile k8s values" : "k8s values", k);
		acid_entry_free(k);
	}
	/* without them, the text an older acid writes and reads */
	{
		struct acid_entry *k = rt_entry(&rt_rows[0]);

		if (entry_to_text(k, &text, &len) < 0)
			bail("entry_to_text");
		ok(!strstr(text, "k8s-") && !strstr(text, "image="),
		   "an entry without Kubernetes metadata has no k8s lines");
		free(text);
		acid_entry_free(k);
	}

	/* the longest texts an entry may hold, every byte value in them */
	struct rt_row big = rt_rows[0];
	struct acid_entry *e = rt_entry(&big);

	free(e->name);
	free(e->bundle);
	e->name = malloc(ACID_NAME_MAX + 1);
	e->bundle = malloc(ACID_BUNDLE_MAX + 1);
	if (!e->name || !e->bundle)
		bail("malloc");
	for (int i = 0; i < ACID_NAME_MAX; i++)
		e->name[i] = (char)(1 + i % 255);
	e->name[ACID_NAME_MAX] = '\0';
	for (int i = 0; i < ACID_BUNDLE_MAX; i++)
		e->bundle[i] = (char)(1 + (i * 7) % 255);
	e->bundle[ACID_BUNDLE_MAX] = '\0';
	round_trip("1024-byte name, 4096-byte bundle", e);

	/* one byte more is refused on reading */
	struct acid_entry *back;

	free(e->name);
	e->name = malloc(ACID_NAME_MAX + 2);
	if (!e->name)
		bail("malloc");
	memset(e->name, 'n', ACID_NAME_MAX + 1);
	e->name[ACID_NAME_MAX + 1] = '\0';
	if (entry_to_text(e, &text, &len) == 0) {
		is_err(entry_from_text(text, len, &back), -EBADMSG,
		       "entry_from_text of a %d-byte name", ACID_NAME_MAX + 1);
		free(text);
	}
	acid_entry_free(e);
}

/* ------------------------------------------------ refused texts */

#define MAGIC "acid-entry 1\n"
#define ID "id=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\n"
#define MODE "mode=user\n"
#define PID "pid=1234\n"
#define ST "starttime=5678\n"
#define TIME "time=1700000000\n"
#define SES "ses=0\n"
#define NAME "name=776562\n"
#define BUNDLE "bundle=\n"
#define NS "ns.net=0:4:4026531833\n"
#define END "end\n"
#define BODY ID MODE PID ST TIME SES NAME BUNDLE NS

#define TXT(s) .text = (s), .len = sizeof(s) - 1

static const struct text_row {
	const char *what;
	const char *text;
	size_t len;
	int rc;
} text_rows[] = {
	{ "the base text", TXT(MAGIC BODY END), 0 },
	{ "with a parent",
	  TXT(MAGIC BODY "parent=00000000-0000-0000-0000-00000000002a\n" END),
	  0 },
	{ "without ns lines", TXT(MAGIC ID MODE PID ST TIME SES NAME BUNDLE END),
	  0 },
	{ "Kubernetes lines",
	  TXT(MAGIC BODY "k8s-pod=706f64\nk8s-namespace=6e73\n"
		    "k8s-pod-uid=75\nk8s-container=63\nimage=696d67\n" END),
	  0 },
	{ "one Kubernetes line", TXT(MAGIC BODY "image=696d67\n" END), 0 },
	{ "duplicate k8s-pod",
	  TXT(MAGIC BODY "k8s-pod=706f64\nk8s-pod=706f64\n" END), -EBADMSG },
	{ "empty k8s-pod (never written)", TXT(MAGIC BODY "k8s-pod=\n" END),
	  -EBADMSG },
	{ "unknown k8s- key", TXT(MAGIC BODY "k8s-node=6e\n" END), -EBADMSG },
	{ "k8s-namespace of 64 bytes",
	  TXT(MAGIC BODY "k8s-namespace="
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "\n" END),
	  -EBADMSG },
	{ "k8s-container with an embedded 00",
	  TXT(MAGIC BODY "k8s-container=6300\n" END), -EBADMSG },

	{ "empty", TXT(""), -EBADMSG },
	{ "truncated: no end", TXT(MAGIC BODY), -EBADMSG },
	{ "truncated: half an end", TXT(MAGIC BODY "en"), -EBADMSG },
	{ "truncated: end without newline", TXT(MAGIC BODY "end"), -EBADMSG },
	{ "truncated: mid-line", TXT(MAGIC ID MODE "pid=12"), -EBADMSG },
	{ "truncated: magic only", TXT(MAGIC), -EBADMSG },
	{ "missing magic", TXT(BODY END), -EBADMSG },
	{ "other version", TXT("acid-entry 2\n" BODY END), -EBADMSG },
	{ "magic with a trailing space", TXT("acid-entry 1 \n" BODY END),
	  -EBADMSG },
	{ "magic twice", TXT(MAGIC MAGIC BODY END), -EBADMSG },
	{ "duplicate id", TXT(MAGIC BODY ID END), -EBADMSG },
	{ "duplicate name", TXT(MAGIC BODY NAME END), -EBADMSG },
	{ "duplicate ns.net", TXT(MAGIC BODY NS END), -EBADMSG },
	{ "duplicate parent",
	  TXT(MAGIC BODY "parent=00000000-0000-0000-0000-00000000002a\n"
		    "parent=00000000-0000-0000-0000-00000000002b\n" END),
	  -EBADMSG },
	{ "unknown key", TXT(MAGIC BODY "color=red\n" END), -EBADMSG },
	{ "unknown ns kind", TXT(MAGIC BODY "ns.foo=0:4:1\n" END), -EBADMSG },
	{ "key with a space", TXT(MAGIC BODY " ses=0\n" END), -EBADMSG },
	{ "line without =", TXT(MAGIC BODY "garbage\n" END), -EBADMSG },
	{ "missing id", TXT(MAGIC MODE PID ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing pid", TXT(MAGIC ID MODE ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing name", TXT(MAGIC ID MODE PID ST TIME SES BUNDLE END),
	  -EBADMSG },
	{ "missing bundle", TXT(MAGIC ID MODE PID ST TIME SES NAME END),
	  -EBADMSG },
	{ "missing ses", TXT(MAGIC ID MODE PID ST TIME NAME BUNDLE END),
	  -EBADMSG },
	{ "missing time", TXT(MAGIC ID MODE PID ST SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing starttime", TXT(MAGIC ID MODE PID TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing mode", TXT(MAGIC ID PID ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "bad hex digit", TXT(MAGIC ID MODE PID ST TIME SES "name=77g562\n"
			       BUNDLE NS END), -EBADMSG },
	{ "odd hex length", TXT(MAGIC ID MODE PID ST TIME SES "name=77656\n"
				BUNDLE NS END), -EBADMSG },
	{ "hex with 0x", TXT(MAGIC ID MODE PID ST TIME SES "name=0x77\n"
			     BUNDLE NS END), -EBADMSG },
	{ "hex with a sign", TXT(MAGIC ID MODE PID ST TIME SES "name=+7\n"
				 BUNDLE NS END), -EBADMSG },
	{ "upper-case hex", TXT(MAGIC ID MODE PID ST TIME SES "name=574A\n"
				BUNDLE NS END), -EBADMSG },
	{ "name with an embedded 00",
	  TXT(MAGIC ID MODE PID ST TIME SES "name=770065\n" BUNDLE NS END),
	  -EBADMSG },
	{ "name of one 00", TXT(MAGIC ID MODE PID ST TIME SES "name=00\n"
				BUNDLE NS END), -EBADMSG },
	{ "bundle with an embedded 00",
	  TXT(MAGIC ID MODE PID ST TIME SES NAME "bundle=2f00\n" NS END),
	  -EBADMSG },
	{ "pid 0", TXT(MAGIC ID MODE "pid=0\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid -1", TXT(MAGIC ID MODE "pid=-1\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid +1", TXT(MAGIC ID MODE "pid=+1\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid 01", TXT(MAGIC ID MODE "pid=01\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid 2^31", TXT(MAGIC ID MODE "pid=2147483648\n" ST TIME SES NAME
			  BUNDLE END), -EBADMSG },
	{ "pid empty", TXT(MAGIC ID MODE "pid=\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid with text", TXT(MAGIC ID MODE "pid=12a\n" ST TIME SES NAME
			       BUNDLE END), -EBADMSG },
	{ "pid with a space", TXT(MAGIC ID MODE "pid= 12\n" ST TIME SES NAME
				  BUNDLE END), -EBADMSG },
	{ "starttime 2^64", TXT(MAGIC ID MODE PID "starttime=18446744073709551616\n"
				TIME SES NAME BUNDLE END), -EBADMSG },
	{ "ses 2^32", TXT(MAGIC ID MODE PID ST TIME "ses=4294967296\n" NAME
			  BUNDLE END), -EBADMSG },
	{ "time -1", TXT(MAGIC ID MODE PID ST "time=-1\n" SES NAME BUNDLE END),
	  -EBADMSG },
	{ "mode unknown", TXT(MAGIC ID "mode=kernel\n" PID ST TIME SES NAME
			      BUNDLE END), -EBADMSG },
	{ "id all zero", TXT(MAGIC "id=00000000-0000-0000-0000-000000000000\n"
			     MODE PID ST TIME SES NAME BUNDLE END), -EBADMSG },
	{ "id in 32-hex form", TXT(MAGIC "id=0f1e2d3c4b5a49788695a4b3c2d1e0f9\n"
				   MODE PID ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "id as a decimal", TXT(MAGIC "id=42\n" MODE PID ST TIME SES NAME
				 BUNDLE END), -EBADMSG },
	{ "parent all zero",
	  TXT(MAGIC BODY "parent=00000000-0000-0000-0000-000000000000\n" END),
	  -EBADMSG },
	{ "ns without inode", TXT(MAGIC BODY "ns.uts=0:4\n" END), -EBADMSG },
	{ "ns with trailing text", TXT(MAGIC BODY "ns.uts=0:4:12x\n" END),
	  -EBADMSG },
	{ "ns with a negative", TXT(MAGIC BODY "ns.uts=0:4:-12\n" END),
	  -EBADMSG },
	{ "ns with a fourth field", TXT(MAGIC BODY "ns.uts=0:4:12:1\n" END),
	  -EBADMSG },
	{ "ns major 2^32", TXT(MAGIC BODY "ns.uts=4294967296:4:12\n" END),
	  -EBADMSG },
	{ "trailing garbage after end", TXT(MAGIC BODY END "x\n"), -EBADMSG },
	{ "a key after end", TXT(MAGIC ID MODE PID ST TIME SES NAME END BUNDLE),
	  -EBADMSG },
	{ "two ends", TXT(MAGIC BODY END END), -EBADMSG },
	{ "CRLF lines", TXT("acid-entry 1\r\n" BODY END), -EBADMSG },
	{ "a CR in a value", TXT(MAGIC BODY "ses=0\r\n" END), -EBADMSG },
	{ "embedded NUL in the text", TXT(MAGIC BODY "\0" END), -EBADMSG },
	{ "NUL after end", TXT(MAGIC BODY END "\0"), -EBADMSG },
};

static void test_refused_texts(void)
{
	for (size_t i = 0; i < sizeof(text_rows) / sizeof(text_rows[0]); i++) {
		const struct text_row *row = &text_rows[i];
		struct acid_entry *e = NULL;
		int r = entry_from_text(row->text, row->len, &e);

		is_err(r, row->rc, "entry_from_text: %s", row->what);
		if (r == 0)
			acid_entry_free(e);
	}

	/* more than the 64 KiB an entry file may hold */
	size_t big = 64 * 1024 + 1;
	char *text = malloc(big);
	struct acid_entry *e;

	if (!text)
		bail("malloc");
	memset(text, '\n', big);
	memcpy(text, MAGIC BODY END, sizeof(MAGIC BODY END) - 1);
	is_err(entry_from_text(text, big, &e), -EBADMSG,
	       "entry_from_text of %zu bytes", big);
	free(text);
}

int main(void)
{
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-registry needs root (CAP_AUDIT_CONTROL)");

	test_round_trip();
	test_refused_texts();
	test_damaged_files();
	test_clean();
	test_name_index();
	test_unindexed_registry();
	test_concurrent_puts();
	test_concurrent_registrations();
	return tap_done();
}
