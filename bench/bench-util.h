/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the benchmarks: a clock, sample statistics, pools of
 * forked children blocked on a pipe, and a temporary state directory that
 * is removed again on exit or on SIGINT/SIGTERM.
 */
#ifndef ACID_BENCH_UTIL_H
#define ACID_BENCH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* ------------------------------------------------------------- timing */

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A set of samples in nanoseconds. */
struct samples {
	uint64_t *v;
	size_t n, cap;
};

static inline void samples_init(struct samples *s, size_t cap)
{
	s->v = calloc(cap ? cap : 1, sizeof(*s->v));
	if (!s->v) {
		perror("bench: calloc");
		exit(1);
	}
	s->n = 0;
	s->cap = cap ? cap : 1;
}

static inline void samples_add(struct samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap * 2;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			perror("bench: realloc");
			exit(1);
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = ns;
}

static inline void samples_free(struct samples *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	size_t n;
	double median_us, p99_us, mean_us;
};

/* median and nearest-rank p99; sorts the samples */
static inline struct stats samples_stats(struct samples *s)
{
	struct stats st = { .n = s->n };
	double sum = 0;
	size_t rank;

	if (!s->n)
		return st;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	for (size_t i = 0; i < s->n; i++)
		sum += (double)s->v[i];
	st.mean_us = sum / (double)s->n / 1000.0;
	if (s->n % 2)
		st.median_us = (double)s->v[s->n / 2] / 1000.0;
	else
		st.median_us = ((double)s->v[s->n / 2 - 1] +
				(double)s->v[s->n / 2]) / 2000.0;
	rank = (s->n * 99 + 99) / 100; /* ceil(0.99 n), 1-based */
	st.p99_us = (double)s->v[rank - 1] / 1000.0;
	return st;
}

/* ------------------------------------------------- pools of children */

/*
 * A pool of children forked ahead of the timed region. Each one blocks in
 * read() on one shared pipe; closing its write end lets them all exit.
 * PR_SET_PDEATHSIG ends them if the benchmark dies first.
 */
struct pool {
	pid_t *pids;
	size_t n;
	int wfd;
};

static inline int pool_spawn(struct pool *p, size_t n)
{
	pid_t parent = getpid();
	int fds[2];

	p->pids = calloc(n ? n : 1, sizeof(*p->pids));
	p->n = 0;
	p->wfd = -1;
	if (!p->pids)
		return -ENOMEM;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	p->wfd = fds[1];
	for (size_t i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			int r = -errno;

			close(fds[0]);
			return r;
		}
		if (pid == 0) {
			char c;

			close(fds[1]);
			/* the parent's handlers clean up; not ours to run */
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			while (read(fds[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		p->pids[p->n++] = pid;
	}
	close(fds[0]);
	return 0;
}

static inline void pool_release(struct pool *p)
{
	if (p->wfd >= 0)
		close(p->wfd);
	p->wfd = -1;
	for (size_t i = 0; i < p->n; i++)
		while (waitpid(p->pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	free(p->pids);
	p->pids = NULL;
	p->n = 0;
}

/* ------------------------------------------------ temporary state dir */

static char bench_state_dir[4096];

/*
 * Empty and remove the state directory. Only async-signal-safe calls
 * (getdents64, unlinkat, rmdir), so the signal handler may use it.
 */
static inline void state_dir_remove(void)
{
	static char buf[32768];
	int fd;

	if (!bench_state_dir[0])
		return;
	fd = open(bench_state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		for (;;) {
			long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
			long off = 0;
			int removed = 0;

			if (n <= 0)
				break;
			while (off < n) {
				/* struct linux_dirent64 */
				unsigned short reclen;
				const char *name = buf + off + 19;

				memcpy(&reclen, buf + off + 16, sizeof(reclen));
				if (strcmp(name, ".") && strcmp(name, "..") &&
				    unlinkat(fd, name, 0) == 0)
					removed = 1;
				off += reclen;
			}
			/* rewind: unlinking while reading may skip names */
			if (removed)
				lseek(fd, 0, SEEK_SET);
		}
		close(fd);
	}
	rmdir(bench_state_dir);
	bench_state_dir[0] = '\0';
}

static void state_dir_on_signal(int sig)
{
	state_dir_remove();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Make <parent>/acid-bench.XXXXXX (0700, ours, as the registry wants it)
 * and arrange for its removal. Returns its path or NULL.
 */
static inline const char *state_dir_make(const char *parent)
{
	struct sigaction sa;

	if (snprintf(bench_state_dir, sizeof(bench_state_dir),
		     "%s/acid-bench.XXXXXX", parent) >=
	    (int)sizeof(bench_state_dir)) {
		bench_state_dir[0] = '\0';
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (!mkdtemp(bench_state_dir)) {
		bench_state_dir[0] = '\0';
		return NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = state_dir_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(state_dir_remove);
	return bench_state_dir;
}

/* -------------------------------------------------------------- output */

static inline void print_header(const char *first)
{
	printf("%-34s %7s %11s %11s %11s\n", first, "N", "median_us",
	       "p99_us", "mean_us");
}

static inline void print_row(const char *name, struct samples *s)
{
	struct stats st = samples_stats(s);

	printf("%-34s %7zu %11.2f %11.2f %11.2f\n", name, st.n,
	       st.median_us, st.p99_us, st.mean_us);
}

#endif /* ACID_BENCH_UTIL_H */
