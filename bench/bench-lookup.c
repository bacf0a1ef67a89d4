// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-bench-lookup - the cost of the registry lookups as the registry
 * grows.
 *
 *   acid-bench-lookup [-n N] [-t SECONDS] [-s SIZES] [-d DIR]
 *
 *   -n N        most samples per case and size (default 1000)
 *   -t SECONDS  time budget per case and size (default 2): the cases that
 *               scan the registry take fewer samples (at least 10), and
 *               the table says how many
 *   -s SIZES    registry sizes, comma-separated (default 10,1000,10000)
 *   -d DIR      where the temporary state directory is made (default /run)
 *
 * The registry holds one real container - a forked child blocked on a pipe,
 * registered with acid_register() - and is filled up to each size with
 * entries written through the internal registry_put() for fake pids above
 * pid_max (so no process can ever have them) and fake namespaces (inode
 * numbers above 2^32, which nsfs never hands out). Cases:
 *
 *   pid: child        acid_lookup_pid(child): found by ancestry, 1 step
 *   pid: grandchild   a process the child forked: ancestry, 2 steps
 *   pid: host process acid_lookup_pid(getpid()): in no container; walks
 *                     its ancestry to pid 1 (one readlink per step), then
 *                     falls back to the namespace scan, which reads every
 *                     entry: the expensive case (-ENOENT expected)
 *   name (index)      acid_lookup_name(child's name): the name slots of
 *                     its hash, one readlink and one entry read each
 *   name: none such   acid_lookup_name() of a name no entry has (a
 *                     poststop whose prestart registered nothing): the
 *                     first slot of its hash is missing, -ENOENT
 *   registry_list     the internal scan alone (open, read and parse every
 *                     entry), which both the above scans are made of
 *   id (direct)       acid_lookup_id(child's id): one file, for contrast
 *   register+forget   acid_register() + acid_forget() of a fresh child
 *                     (forked ahead): registration looks up the caller's
 *                     own container (nesting), so it pays a lookup too
 *
 * Every lookup's answer is checked. The page cache is warm: the entries
 * were just written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "internal.h"
#include "bench-util.h"

#define MAX_SIZES 8
#define MIN_SAMPLES 10
#define WARMUP 3

static struct acid_ctx *ctx;
static int dirfd_reg = -1;
static pid_t fake_pid_base;
static size_t fake_count, live_count;
static int host_result = 1;

/* the real container */
static pid_t child, grandchild;
static int child_cmd = -1, child_reply = -1;
static struct acid_id child_id;
static const char *child_name = "acid-bench-lookup-real";

static void die(const char *what, int r)
{
	fprintf(stderr, "acid-bench-lookup: %s: %s\n", what,
		acid_strerror(r));
	exit(1);
}

/* ------------------------------------------------------ the real child */

/*
 * The child blocks reading commands: 'f' forks the grandchild (which blocks
 * on a pipe of its own) and replies with its pid; end of file makes it let
 * the grandchild go, reap it and exit.
 */
static void child_main(int cmd, int reply)
{
	int gp[2] = { -1, -1 };
	pid_t g = -1;
	char c;

	for (;;) {
		ssize_t n = read(cmd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c != 'f' || g > 0)
			continue;
		if (pipe2(gp, O_CLOEXEC) < 0)
			_exit(1);
		g = fork();
		if (g < 0)
			_exit(1);
		if (g == 0) {
			close(gp[1]);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			while (read(gp[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		close(gp[0]);
		if (write(reply, &g, sizeof(g)) != sizeof(g))
			_exit(1);
	}
	if (gp[1] >= 0)
		close(gp[1]);
	if (g > 0)
		while (waitpid(g, NULL, 0) < 0 && errno == EINTR)
			;
	_exit(0);
}

static void child_start(void)
{
	int cmd[2], reply[2];
	pid_t parent = getpid();

	if (pipe2(cmd, O_CLOEXEC) < 0 || pipe2(reply, O_CLOEXEC) < 0)
		die("pipe", -errno);
	child = fork();
	if (child < 0)
		die("fork", -errno);
	if (child == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(cmd[1]);
		close(reply[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		child_main(cmd[0], reply[1]);
	}
	close(cmd[0]);
	close(reply[1]);
	child_cmd = cmd[1];
	child_reply = reply[0];
}

static void child_fork_grandchild(void)
{
	char c = 'f';

	if (write(child_cmd, &c, 1) != 1 ||
	    read(child_reply, &grandchild, sizeof(grandchild)) !=
		    sizeof(grandchild))
		die("asking the child to fork", -EIO);
}

static void child_stop(void)
{
	close(child_cmd);
	close(child_reply);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
}

/* --------------------------------------------------------- fake entries */

static void fill_to(size_t live)
{
	/* live = fake entries + the one real container */
	int lock = registry_lock(dirfd_reg);

	if (lock < 0)
		die("registry_lock", lock);
	while (fake_count + 1 < live) {
		struct acid_entry *e = entry_new();
		size_t i = fake_count;
		char buf[256];
		int r;

		if (!e)
			die("entry_new", -ENOMEM);
		r = acid_id_generate(ACID_ID_UUID, &e->id);
		if (r < 0)
			die("acid_id_generate", r);
		e->pid = fake_pid_base + (pid_t)i;
		e->starttime = 100000 + i;
		e->time = (int64_t)time(NULL);
		e->mode = ACID_MODE_USER;
		snprintf(buf, sizeof(buf), "bench-fake-%zu", i);
		free(e->name);
		e->name = strdup(buf);
		snprintf(buf, sizeof(buf),
			 "/run/containers/storage/overlay-containers/"
			 "bench-fake-%zu/userdata", i);
		free(e->bundle);
		e->bundle = strdup(buf);
		if (!e->name || !e->bundle)
			die("strdup", -ENOMEM);
		for (int k = 0; k < ACID_NS_COUNT; k++) {
			e->ns.ns[k].present = true;
			e->ns.ns[k].dev_major = 0;
			e->ns.ns[k].dev_minor = 4;
			/* nsfs inodes are 32-bit: these match no real one */
			e->ns.ns[k].ino = (1ull << 33) + i * ACID_NS_COUNT +
					  (uint64_t)k;
		}
		r = registry_put(dirfd_reg, e);
		if (r < 0)
			die("registry_put", r);
		acid_entry_free(e);
		fake_count++;
	}
	live_count = fake_count + 1;
	close(lock);
}

/* ---------------------------------------------------------------- cases */

enum case_kind {
	C_PID_CHILD,
	C_PID_GRANDCHILD,
	C_PID_HOST,
	C_NAME,
	C_NAME_MISS,
	C_SCAN,
	C_ID,
	C_REGISTER,
	C_COUNT
};

static const char *const case_name[C_COUNT] = {
	[C_PID_CHILD] = "pid: child (ancestry, 1 step)",
	[C_PID_GRANDCHILD] = "pid: grandchild (ancestry, 2)",
	[C_PID_HOST] = "pid: host process (ns scan)",
	[C_NAME] = "name (index)",
	[C_NAME_MISS] = "name: none such (index)",
	[C_SCAN] = "registry_list (the scan itself)",
	[C_ID] = "id (direct, for contrast)",
	[C_REGISTER] = "register+forget (nesting lookup)",
};

/* state for C_REGISTER: a pool of fresh children */
static struct pool reg_pool = { .wfd = -1 };
static size_t reg_next;

static void check_found(const char *what, int r, struct acid_entry *e)
{
	if (r < 0)
		die(what, r);
	if (!acid_id_equal(acid_entry_id(e), &child_id)) {
		fprintf(stderr, "acid-bench-lookup: %s: found the wrong "
				"container\n", what);
		exit(1);
	}
	acid_entry_free(e);
}

/* One timed call of case @k; its answer is checked after the clock. */
static uint64_t run_case(enum case_kind k)
{
	struct acid_entry *e = NULL;
	uint64_t t0, t1;
	int r = 0, r2 = 0;

	switch (k) {
	case C_PID_CHILD:
		t0 = now_ns();
		r = acid_lookup_pid(ctx, child, &e);
		t1 = now_ns();
		check_found("acid_lookup_pid(child)", r, e);
		break;
	case C_PID_GRANDCHILD:
		t0 = now_ns();
		r = acid_lookup_pid(ctx, grandchild, &e);
		t1 = now_ns();
		check_found("acid_lookup_pid(grandchild)", r, e);
		break;
	case C_PID_HOST:
		t0 = now_ns();
		r = acid_lookup_pid(ctx, getpid(), &e);
		t1 = now_ns();
		/* -ENOENT after the scan; -EACCES/-EPERM where pid 1's
		 * namespaces can't be read, before the scan (see below) */
		if (r != -ENOENT && r != -EACCES && r != -EPERM) {
			if (r == 0)
				acid_entry_free(e);
			fprintf(stderr, "acid-bench-lookup: "
					"acid_lookup_pid(self): expected "
					"ENOENT, got %s\n", acid_strerror(r));
			exit(1);
		}
		host_result = r;
		break;
	case C_SCAN: {
		struct acid_entry **list;
		size_t n;

		t0 = now_ns();
		r = registry_list(dirfd_reg, &list, &n);
		if (r == 0)
			acid_list_free(list, n);
		t1 = now_ns();
		if (r < 0)
			die("registry_list", r);
		if (n != live_count) {
			fprintf(stderr, "acid-bench-lookup: registry_list: "
					"%zu entries, expected %zu\n", n,
				live_count);
			exit(1);
		}
		break;
	}
	case C_NAME:
		t0 = now_ns();
		r = acid_lookup_name(ctx, child_name, NULL, &e);
		t1 = now_ns();
		check_found("acid_lookup_name", r, e);
		break;
	case C_NAME_MISS:
		t0 = now_ns();
		r = acid_lookup_name(ctx, "acid-bench-lookup-none", NULL, &e);
		t1 = now_ns();
		if (r != -ENOENT)
			die("acid_lookup_name(none such)", r < 0 ? r : -EEXIST);
		break;
	case C_ID:
		t0 = now_ns();
		r = acid_lookup_id(ctx, &child_id, &e);
		t1 = now_ns();
		check_found("acid_lookup_id", r, e);
		break;
	case C_REGISTER: {
		struct acid_reg req;
		char name[64];

		if (reg_next >= reg_pool.n) {
			pool_release(&reg_pool);
			r = pool_spawn(&reg_pool, 100);
			if (r < 0)
				die("fork", r);
			reg_next = 0;
		}
		snprintf(name, sizeof(name), "acid-bench-lookup-reg-%zu",
			 reg_next);
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.pid = reg_pool.pids[reg_next++];
		req.name = name;
		t0 = now_ns();
		r = acid_register(ctx, &req, &e);
		if (r == 0)
			r2 = acid_forget(ctx, e);
		t1 = now_ns();
		if (r < 0)
			die("acid_register", r);
		if (r2 < 0)
			die("acid_forget", r2);
		acid_entry_free(e);
		break;
	}
	default:
		abort();
	}
	return t1 - t0;
}

struct result {
	struct stats st;
};

static struct result time_case(enum case_kind k, size_t nmax,
			       uint64_t budget_ns)
{
	struct result res;
	uint64_t est = 0;
	struct samples s;
	size_t n;

	for (int i = 0; i < WARMUP; i++)
		est += run_case(k);
	est /= WARMUP;
	n = est ? budget_ns / est : nmax;
	if (n > nmax)
		n = nmax;
	if (n < MIN_SAMPLES)
		n = MIN_SAMPLES;
	samples_init(&s, n);
	for (size_t i = 0; i < n; i++)
		samples_add(&s, run_case(k));
	res.st = samples_stats(&s);
	samples_free(&s);
	return res;
}

/* ---------------------------------------------------------------- main */

static int ancestry_depth(pid_t pid)
{
	int depth = 0;

	while (pid > 1 && depth < 4096) {
		pid_t parent;

		if (proc_stat("/proc", pid, &parent, NULL) < 0)
			break;
		pid = parent;
		depth++;
	}
	return depth + 1; /* pid 1 too */
}

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: acid-bench-lookup [-n N] [-t SECONDS] "
		   "[-s SIZE,SIZE,...] [-d DIR]\n");
	return code;
}

static size_t parse_count(const char *s, const char *opt, char **endp)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || v == 0 || v > 1000000 || s[0] == '-' ||
	    (!endp && *end)) {
		fprintf(stderr, "acid-bench-lookup: %s: bad number '%s'\n",
			opt, s);
		exit(2);
	}
	if (endp)
		*endp = end;
	return (size_t)v;
}

int main(int argc, char **argv)
{
	size_t nmax = 1000, sizes[MAX_SIZES] = { 10, 1000, 10000 };
	size_t nsizes = 3;
	double budget_s = 2.0;
	const char *parent = "/run", *dir;
	struct result res[MAX_SIZES][C_COUNT];
	struct acid_entry *e = NULL;
	struct acid_opts opts;
	struct acid_reg req;
	char buf[64];
	int c, r;

	while ((c = getopt(argc, argv, "n:t:s:d:h")) != -1) {
		switch (c) {
		case 'n':
			nmax = parse_count(optarg, "-n", NULL);
			break;
		case 't': {
			char *end;

			budget_s = strtod(optarg, &end);
			if (*end || !(budget_s > 0 && budget_s < 3600)) {
				fprintf(stderr, "acid-bench-lookup: -t: bad "
						"time '%s'\n", optarg);
				return 2;
			}
			break;
		}
		case 's': {
			char *p = optarg, *end;

			nsizes = 0;
			for (;;) {
				if (nsizes == MAX_SIZES) {
					fprintf(stderr, "acid-bench-lookup: "
							"-s: at most %d "
							"sizes\n", MAX_SIZES);
					return 2;
				}
				sizes[nsizes] = parse_count(p, "-s", &end);
				if (nsizes && sizes[nsizes] <= sizes[nsizes - 1]) {
					fprintf(stderr, "acid-bench-lookup: "
							"-s: sizes must "
							"grow\n");
					return 2;
				}
				nsizes++;
				if (*end == '\0')
					break;
				if (*end != ',')
					return usage(stderr, 2);
				p = end + 1;
			}
			break;
		}
		case 'd':
			parent = optarg;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind != argc)
		return usage(stderr, 2);

	r = acid_check_caps(ACID_CAP_CONTROL);
	if (r < 0)
		die("capabilities", r);
	r = proc_read_small(AT_FDCWD, "/proc/sys/kernel/pid_max", buf,
			    sizeof(buf));
	if (r < 0)
		die("/proc/sys/kernel/pid_max", r);
	fake_pid_base = (pid_t)strtol(buf, NULL, 10) + 1;

	dir = state_dir_make(parent);
	if (!dir) {
		fprintf(stderr, "acid-bench-lookup: mkdtemp in %s: %s\n",
			parent, strerror(errno));
		return 1;
	}
	memset(&opts, 0, sizeof(opts));
	opts.size = sizeof(opts);
	opts.state_dir = dir;
	r = acid_ctx_new(&opts, &ctx);
	if (r < 0)
		die("acid_ctx_new", r);
	dirfd_reg = registry_open(dir, false);
	if (dirfd_reg < 0)
		die("registry_open", dirfd_reg);

	/* the real container: registered while it has no child yet */
	child_start();
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.pid = child;
	req.name = child_name;
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register(child)", r);
	child_id = *acid_entry_id(e);
	acid_entry_free(e);
	child_fork_grandchild();

	printf("acid-bench-lookup: mode %s, state dir %s; real container: "
	       "child %d, grandchild %d; fake pids from %d\n",
	       acid_mode_name(acid_ctx_mode(ctx)), dir, (int)child,
	       (int)grandchild, (int)fake_pid_base);
	printf("host-process case: pid %d, %d processes from it to pid 1 "
	       "(ancestry steps before the scan)\n",
	       (int)getpid(), ancestry_depth(getpid()));
	printf("up to %zu samples per case, %.1f s budget per case "
	       "(at least %d samples), %d warm-up runs not counted\n\n",
	       nmax, budget_s, MIN_SAMPLES, WARMUP);
	printf("%-34s %7s %7s %11s %11s\n", "case", "entries", "N",
	       "median_us", "p99_us");
	fflush(stdout);

	for (size_t z = 0; z < nsizes; z++) {
		uint64_t t0 = now_ns();

		fill_to(sizes[z]);
		printf("(registry filled to %zu entries in %.1f s)\n",
		       sizes[z], (double)(now_ns() - t0) / 1e9);
		for (int k = 0; k < C_COUNT; k++) {
			res[z][k] = time_case((enum case_kind)k, nmax,
					      (uint64_t)(budget_s * 1e9));
			printf("%-34s %7zu %7zu %11.2f %11.2f\n",
			       case_name[k], sizes[z], res[z][k].st.n,
			       res[z][k].st.median_us, res[z][k].st.p99_us);
			fflush(stdout);
		}
		printf("\n");
	}

	if (nsizes > 1) {
		printf("median_us by registry size, and the ratio of the "
		       "largest to the smallest\n");
		printf("%-34s %11zu %13zu %9s\n", "case", sizes[0],
		       sizes[nsizes - 1], "ratio");
		for (int k = 0; k < C_COUNT; k++) {
			double a = res[0][k].st.median_us;
			double b = res[nsizes - 1][k].st.median_us;

			printf("%-34s %11.2f %13.2f %8.1fx\n", case_name[k],
			       a, b, a > 0 ? b / a : 0.0);
		}
	}

	if (host_result == -ENOENT)
		printf("\nhost-process lookups answered ENOENT after the "
		       "namespace scan (every entry read)\n");
	else if (host_result < 0)
		printf("\nhost-process lookups answered '%s' before the "
		       "namespace scan: the scan was not measured there; "
		       "see registry_list\n", acid_strerror(host_result));

	pool_release(&reg_pool);
	child_stop();
	close(dirfd_reg);
	acid_ctx_free(ctx);
	return 0;
}
