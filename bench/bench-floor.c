// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-bench-floor - libacid's container lifecycle against its floor: the
 * same work done with bare system calls, side by side in one run.
 *
 *   acid-bench-floor [-n PAIRS] [-b N] [-d DIR] [--parts N] [--trace]
 *   acid-bench-floor --confirm ROUNDS
 *
 *   -n PAIRS   alternating pairs per comparison (default 100, at least 80
 *              are wanted: the machine is noisy)
 *   -b N       children forked ahead per batch (default 50)
 *   -d DIR     where both temporary state directories are made (default
 *              /run, where the real registry lives): the same filesystem
 *   --parts N  also time the single steps libacid takes (N samples each):
 *              the unit costs the findings of issue 11 are priced in
 *   --confirm ROUNDS  only this: one record confirmed by seeing it on
 *              the audit multicast group (bench-floor-confirm.c), on a
 *              fresh subscribed socket and on one kept, against a bare
 *              send+ACK, acid_log_start and the pipelined checks
 *   --trace    do one lifecycle of each kind, untimed, with marker calls
 *              write(-1, "acid-bench: <phase>") between the phases, for
 *              strace -f (the markers fail with EBADF and do nothing):
 *                strace -f -T -o /tmp/t build/bench/acid-bench-floor --trace
 *
 * Run as root with kernel audit enabled and auditd running, e.g.
 *   build/bench/acid-bench-floor -n 100 --parts 200
 * or through bench/run.sh. Every record goes to the real audit log; their
 * vm= names start with "acid-bench-floor-" (the floor's) and
 * "acid-bench-lib-" (libacid's). One full run sends about 9 x PAIRS
 * records (plus N with --parts); the kernel's lost counter is printed
 * before and after. Other engineers' tests on the same machine show in
 * the times: compare the ratios of one run, not times across runs.
 *
 * The floor of one lifecycle, three calls as a hook pair makes them:
 *   register  pidfd_open; stat of the ten /proc/<pid>/ns files; getrandom
 *             for the ID; open the state dir and .lock, flock; write the
 *             entry to a temp name, renameat2(RENAME_NOREPLACE) it in,
 *             symlink pid-<pid> to it; poll the pidfd (still alive);
 *   start     the start record, the same text libacid sends: one
 *             NETLINK_AUDIT socket, VIRT_CONTROL with NLM_F_ACK, the ACK;
 *   stop      open the state dir and .lock, flock; the stop record and its
 *             ACK (its own socket); unlink pid-<pid> and the entry.
 * libacid's: acid_register, acid_log_start, acid_unregister(.., "exit").
 *
 * Each pair runs both on fresh blocked single-threaded children (a pool
 * forked before the timed region), the order swapped every pair; each
 * figure is a median, each ratio the median of the per-pair ratios.
 * Splits: registration alone (acid_register vs the floor's register), the
 * start record and the unregistration within the lifecycle, one
 * record (acid_log_start of a registered entry vs a bare send+ACK on a
 * fresh socket; a send+ACK on a socket kept open is printed too). And a
 * prototype, "record, checks pipelined": the kernel round trips libacid's
 * record_send() makes (status, rule list, record, status), two by two in
 * one sendto each, what it would cost with the same checks; and "record,
 * one batch": all four in one sendto (see batch_record() for what that
 * changes).
 *
 * Here main, libacid's side, the comparisons and --trace; the floor and
 * its netlink calls: bench-floor-bare.c; --parts: bench-floor-parts.c;
 * what they share: bench-floor.h.
 *
 * Targets: the lifecycle <= 1.5x its floor (stretch 1.2x), one record <=
 * 2x a bare send+ACK (issue 11). A bare send+ACK is answered within the
 * sendto(); each check libacid makes around a record is a request whose
 * answer the kernel sends from a kernel thread it creates for it
 * (AUDIT_GET twice, AUDIT_LIST_RULES), three per record, created one
 * after the other within the sendto(), pipelined or not: with the checks
 * kept, no record comes near 2x a bare send. So "log_start vs pipelined"
 * (acid_log_start against the prototype with the same kernel requests)
 * carries a target of its own, <= 1.25x: what libacid adds to the
 * checks' own cost.
 */
#include "bench-floor.h"

struct acid_ctx *ctx;
const char *lib_dir;
char floor_dir[4096];
char self_exe[4096];
unsigned long records_sent;

void die(const char *what, int r)
{
	fprintf(stderr, "acid-bench-floor: %s: %s\n", what, strerror(-r));
	exit(1);
}

static void on_signal(int sig)
{
	floor_dir_remove();
	state_dir_remove();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ------------------------------------------------------ libacid's */

static void lib_req(struct acid_reg *req, pid_t pid, char *name,
		    char *bundle)
{
	memset(req, 0, sizeof(*req));
	req->size = sizeof(*req);
	req->pid = pid;
	req->name = name;
	req->bundle = bundle;
}

/* ---------------------------------------------------- comparisons */

struct pair_set {
	const char *what;
	struct samples lib, floor, ratio;
};

static void set_init(struct pair_set *s, const char *what, size_t n)
{
	s->what = what;
	samples_init(&s->lib, n);
	samples_init(&s->floor, n);
	samples_init(&s->ratio, n);
}

static void set_add(struct pair_set *s, uint64_t lib, uint64_t floor)
{
	samples_add(&s->lib, lib);
	samples_add(&s->floor, floor);
	/* the ratio x 1000, kept in the integer samples */
	samples_add(&s->ratio, floor ? lib * 1000 / floor : 0);
}

static double set_print(struct pair_set *s, const char *target,
			double limit, double stretch)
{
	struct stats l = samples_stats(&s->lib), f = samples_stats(&s->floor);
	struct stats q = samples_stats(&s->ratio);
	double ratio = q.median_us; /* ratio x 1000 / 1000 */

	printf("%-26s %5zu %10.1f %10.1f %7.2fx", s->what, l.n, l.median_us,
	       f.median_us, ratio);
	if (target) {
		printf("   target %s %s", target,
		       ratio <= limit ? "MET" : "MISSED");
		if (stretch > 0)
			printf(", stretch %.1fx %s", stretch,
			       ratio <= stretch ? "MET" : "MISSED");
	}
	printf("\n");
	return ratio;
}

static void set_free(struct pair_set *s)
{
	samples_free(&s->lib);
	samples_free(&s->floor);
	samples_free(&s->ratio);
}

/*
 * The lifecycle, libacid's and the floor's alternating, each on its own
 * fresh child; the registration and the start record timed on the way.
 */
static void bench_lifecycle(size_t pairs, size_t batch, struct pair_set *life,
			    struct pair_set *reg, struct pair_set *rec,
			    struct pair_set *unreg)
{
	size_t done = 0, total = pairs + WARMUP;

	while (done < total) {
		size_t k = total - done < batch ? total - done : batch;
		struct pool p;
		int r = pool_spawn(&p, 2 * k);

		if (r < 0)
			die("fork", r);
		for (size_t j = 0; j < k; j++, done++) {
			uint64_t lt[4] = { 0 }, ft[4] = { 0 };
			char name[64], bundle[256];

			for (int side = 0; side < 2; side++) {
				/* swap the order every pair */
				bool lib = (side == 0) == (done % 2 == 0);

				if (lib) {
					struct acid_entry *e = NULL;
					struct acid_reg req;

					names(name, bundle, "lib", done);
					lib_req(&req, p.pids[2 * j], name,
						bundle);
					lt[0] = now_ns();
					r = acid_register(ctx, &req, &e);
					if (r < 0)
						die("acid_register", r);
					lt[1] = now_ns();
					r = acid_log_start(ctx, e);
					if (r < 0)
						die("acid_log_start", r);
					records_sent++;
					lt[2] = now_ns();
					r = acid_unregister(ctx, e, "exit");
					if (r < 0)
						die("acid_unregister", r);
					records_sent++;
					lt[3] = now_ns();
					acid_entry_free(e);
				} else {
					struct floor_ent f = {
						.pid = p.pids[2 * j + 1]
					};

					names(f.name, f.bundle, "floor", done);
					ft[0] = now_ns();
					r = floor_register(&f);
					if (r < 0)
						die("floor register", r);
					ft[1] = now_ns();
					r = floor_start(&f);
					if (r < 0)
						die("floor start record", r);
					ft[2] = now_ns();
					r = floor_stop(&f);
					if (r < 0)
						die("floor stop", r);
					ft[3] = now_ns();
				}
			}
			if (done < WARMUP)
				continue;
			set_add(life, lt[3] - lt[0], ft[3] - ft[0]);
			set_add(reg, lt[1] - lt[0], ft[1] - ft[0]);
			set_add(rec, lt[2] - lt[1], ft[2] - ft[1]);
			set_add(unreg, lt[3] - lt[2], ft[3] - ft[2]);
		}
		pool_release(&p);
	}
}

/*
 * One record: acid_log_start of one registered entry against the same
 * text sent bare on a fresh socket, alternating; and on a socket kept
 * open (what a send costs when nothing else is done).
 */
static void bench_record(size_t pairs, struct pair_set *rec,
			 struct pair_set *proto, struct pair_set *pvl,
			 struct pair_set *lvp, struct pair_set *batch,
			 struct pair_set *bvl, struct samples *held)
{
	char name[64], bundle[256], text[4096];
	struct acid_entry *e = NULL;
	struct floor_ent f = { 0 };
	struct acid_reg req;
	struct pool p;
	int r, fd;

	r = pool_spawn(&p, 2);
	if (r < 0)
		die("fork", r);
	names(name, bundle, "lib", 999999);
	lib_req(&req, p.pids[0], name, bundle);
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	f.pid = p.pids[1];
	names(f.name, f.bundle, "floor", 999999);
	r = floor_register(&f);
	if (r < 0)
		die("floor register", r);
	floor_start_text(&f, text, sizeof(text));
	fd = audit_socket();
	if (fd < 0)
		die("socket", fd);
	for (size_t i = 0; i < pairs + WARMUP; i++) {
		uint64_t l = 0, b = 0, c = 0, d = 0, h0, h1;

		/* four sides, the order rotated every round */
		for (int side = 0; side < 4; side++) {
			uint64_t t0 = now_ns();
			int which = (int)((i + (size_t)side) % 4);

			if (which == 3) {
				r = batch_record(text);
				if (r < 0)
					die("batched record (prototype)", r);
				d = now_ns() - t0;
			} else if (which == 2) {
				r = checked_record(text);
				if (r < 0)
					die("checked record (prototype)", r);
				c = now_ns() - t0;
			} else if (which == 0) {
				r = acid_log_start(ctx, e);
				if (r < 0)
					die("acid_log_start", r);
				records_sent++;
				l = now_ns() - t0;
			} else {
				r = send_ack_fresh(text);
				if (r < 0)
					die("send+ACK", r);
				b = now_ns() - t0;
			}
		}
		h0 = now_ns();
		r = send_ack(fd, text);
		h1 = now_ns();
		if (r < 0)
			die("send+ACK", r);
		if (i < WARMUP)
			continue;
		set_add(rec, l, b);
		set_add(proto, c, b);
		set_add(pvl, c, l);
		set_add(lvp, l, c);
		set_add(batch, d, b);
		set_add(bvl, d, l);
		samples_add(held, h1 - h0);
	}
	close(fd);
	r = acid_unregister(ctx, e, "exit");
	if (r < 0)
		die("acid_unregister", r);
	records_sent++;
	acid_entry_free(e);
	r = floor_stop(&f);
	if (r < 0)
		die("floor stop", r);
	pool_release(&p);
}

/* ---------------------------------------------------------- trace */

static void mark(const char *phase)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "acid-bench: %s", phase);

	/* fails with EBADF: a line in strace's output, nothing else */
	if (write(-1, buf, (size_t)n) < 0)
		(void)0;
}

static void trace_once(void)
{
	char name[64], bundle[256];
	struct acid_entry *e = NULL;
	struct floor_ent f = { 0 };
	struct acid_reg req;
	struct pool p;
	int r;

	r = pool_spawn(&p, 3);
	if (r < 0)
		die("fork", r);
	/* one unmarked first: a fresh registry's first writer does more */
	names(name, bundle, "lib", 777776);
	lib_req(&req, p.pids[2], name, bundle);
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	r = acid_unregister(ctx, e, "exit");
	if (r < 0)
		die("acid_unregister", r);
	acid_entry_free(e);
	e = NULL;
	names(name, bundle, "lib", 777777);
	lib_req(&req, p.pids[0], name, bundle);
	mark("lib register");
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	mark("lib log_start");
	r = acid_log_start(ctx, e);
	if (r < 0)
		die("acid_log_start", r);
	mark("lib unregister");
	r = acid_unregister(ctx, e, "exit");
	if (r < 0)
		die("acid_unregister", r);
	mark("lib done");
	acid_entry_free(e);

	f.pid = p.pids[1];
	names(f.name, f.bundle, "floor", 777777);
	mark("floor register");
	r = floor_register(&f);
	if (r < 0)
		die("floor register", r);
	mark("floor start");
	r = floor_start(&f);
	if (r < 0)
		die("floor start", r);
	mark("floor stop");
	r = floor_stop(&f);
	if (r < 0)
		die("floor stop", r);
	mark("floor done");
	records_sent += 3;
	pool_release(&p);
}

/* ----------------------------------------------------------- main */

static const char *fs_name_of(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return "?";
	switch ((unsigned long)sf.f_type) {
	case 0x01021994UL:
		return "tmpfs";
	case 0xEF53UL:
		return "ext2/3/4";
	case 0x58465342UL:
		return "xfs";
	case 0x9123683EUL:
		return "btrfs";
	}
	return "other";
}

static size_t parse_count(const char *s, const char *opt)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v == 0 || v > 1000000 || s[0] == '-') {
		fprintf(stderr, "acid-bench-floor: %s: bad count '%s'\n", opt,
			s);
		exit(2);
	}
	return (size_t)v;
}

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: acid-bench-floor [-n PAIRS] [-b N] [-d DIR] "
		   "[--parts N] [--trace] | --confirm ROUNDS\n");
	return code;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "parts", required_argument, NULL, 'P' },
		{ "trace", no_argument, NULL, 'T' },
		{ "confirm", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	size_t pairs = 100, batch = 50, parts = 0, confirm = 0;
	const char *parent = "/run";
	bool trace = false;
	struct audit_status before, after;
	struct pair_set life, reg, rec, unreg, rec1, proto, pvl, lvp, bat, bvl;
	struct samples held;
	struct acid_opts opts;
	struct sigaction sa;
	int c, r, fd;

	while ((c = getopt_long(argc, argv, "n:b:d:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			pairs = parse_count(optarg, "-n");
			break;
		case 'b':
			batch = parse_count(optarg, "-b");
			break;
		case 'd':
			parent = optarg;
			break;
		case 'P':
			parts = parse_count(optarg, "--parts");
			break;
		case 'T':
			trace = true;
			break;
		case 'C':
			confirm = parse_count(optarg, "--confirm");
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind != argc)
		return usage(stderr, 2);

	r = acid_check_caps(ACID_CAP_CONTROL | ACID_CAP_WRITE);
	if (r < 0)
		die("capabilities (run as root)", r);
	r = (int)readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (r < 0)
		die("readlink /proc/self/exe", -errno);
	self_exe[r] = '\0';

	lib_dir = state_dir_make(parent);
	if (!lib_dir) {
		fprintf(stderr, "acid-bench-floor: -d %s: cannot make a state "
				"directory there: %s\n",
			parent, strerror(errno));
		return 1;
	}
	snprintf(floor_dir, sizeof(floor_dir), "%s/acid-bench-floor.XXXXXX",
		 parent);
	if (!mkdtemp(floor_dir)) {
		floor_dir[0] = '\0';
		die("mkdtemp", -errno);
	}
	atexit(floor_dir_remove); /* runs before state_dir_remove */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	memset(&opts, 0, sizeof(opts));
	opts.size = sizeof(opts);
	opts.state_dir = lib_dir;
	r = acid_ctx_new(&opts, &ctx);
	if (r < 0)
		die("acid_ctx_new", r);
	if (acid_ctx_mode(ctx) != ACID_MODE_USER) {
		fprintf(stderr, "acid-bench-floor: measures user-space mode; "
				"this kernel has mode %s\n",
			acid_mode_name(acid_ctx_mode(ctx)));
		return 1;
	}
	fd = audit_socket();
	if (fd < 0 || audit_get(fd, &before) < 0)
		die("AUDIT_GET", fd < 0 ? fd : -EIO);
	if (!before.enabled || !before.pid) {
		fprintf(stderr, "acid-bench-floor: kernel audit must be "
				"enabled and auditd running (enabled=%u "
				"pid=%u)\n",
			before.enabled, before.pid);
		return 1;
	}

	if (confirm) {
		bench_confirm(confirm);
		printf("\naudit records sent: %lu\n", records_sent);
		close(fd);
		acid_ctx_free(ctx);
		return 0;
	}
	if (trace) {
		trace_once();
		printf("acid-bench-floor: one lifecycle of each traced; "
		       "records sent: %lu\n", records_sent);
		close(fd);
		acid_ctx_free(ctx);
		return 0;
	}

	printf("acid-bench-floor: state dirs %s and %s (%s), %zu pairs, "
	       "%d warm-up pairs not counted\n",
	       lib_dir, floor_dir, fs_name_of(lib_dir), pairs, WARMUP);
	printf("kernel audit: enabled=%u backlog_limit=%u lost=%u\n",
	       before.enabled, before.backlog_limit, before.lost);
	printf("a noisy shared machine: read the ratios (medians of per-pair "
	       "ratios), not single times\n\n");
	fflush(stdout);

	set_init(&life, "lifecycle (reg+start+unreg)", pairs);
	set_init(&reg, "registration", pairs);
	set_init(&rec, "start record in lifecycle", pairs);
	set_init(&unreg, "unregister (stop record)", pairs);
	set_init(&rec1, "one record (log_start)", pairs);
	set_init(&proto, "record, checks pipelined", pairs);
	set_init(&pvl, "  pipelined vs log_start", pairs);
	set_init(&lvp, "  log_start vs pipelined", pairs);
	set_init(&bat, "record, one batch", pairs);
	set_init(&bvl, "  one batch vs log_start", pairs);
	samples_init(&held, pairs);
	bench_lifecycle(pairs, batch, &life, &reg, &rec, &unreg);
	bench_record(pairs, &rec1, &proto, &pvl, &lvp, &bat, &bvl, &held);

	printf("%-26s %5s %10s %10s %8s\n", "case (median us)", "N",
	       "libacid", "floor", "ratio");
	set_print(&life, "<= 1.5x", 1.5, 1.2);
	set_print(&reg, NULL, 0, 0);
	set_print(&rec, NULL, 0, 0);
	set_print(&unreg, NULL, 0, 0);
	set_print(&rec1, "<= 2x", 2.0, 0);
	set_print(&proto, NULL, 0, 0);
	set_print(&pvl, NULL, 0, 0);
	/* a record's floor with its checks: see the header */
	set_print(&lvp, "<= 1.25x", 1.25, 0);
	set_print(&bat, NULL, 0, 0);
	set_print(&bvl, NULL, 0, 0);
	{
		struct stats h = samples_stats(&held);

		printf("%-26s %5zu %10s %10.1f   (the floor of one record "
		       "above opens a socket per record)\n",
		       "send+ACK, socket kept", h.n, "-", h.median_us);
	}
	set_free(&life);
	set_free(&reg);
	set_free(&rec);
	set_free(&unreg);
	set_free(&rec1);
	set_free(&proto);
	set_free(&pvl);
	set_free(&lvp);
	set_free(&bat);
	set_free(&bvl);
	samples_free(&held);

	if (parts)
		bench_parts(parts);

	printf("\naudit records sent: %lu (vm=acid-bench-lib-* and "
	       "acid-bench-floor-*)\n",
	       records_sent);
	if (audit_get(fd, &after) == 0) {
		printf("kernel audit lost counter: %u before, %u after%s\n",
		       before.lost, after.lost,
		       after.lost != before.lost ?
			       "  <-- records lost (another process's, or "
			       "raise the backlog limit)" :
			       "");
	}
	close(fd);
	acid_ctx_free(ctx);
	return 0;
}
