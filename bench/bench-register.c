// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-bench-register - the cost of one registration in user-space mode,
 * broken down and whole.
 *
 *   acid-bench-register [-n N] [-r N] [-b N] [-d DIR] [--no-records]
 *
 *   -n N          samples per case (default 2000)
 *   -r N          samples for the cases that send audit records
 *                 (default min(N, 1000))
 *   -b N          children forked ahead per batch (default 100)
 *   -d DIR        where the temporary state directory is made
 *                 (default /run, where the real registry lives)
 *   --no-records  send nothing to the kernel audit
 *
 * Cases:
 *   id            acid_ctx_new_id()
 *   ns_collect    acid_ns_collect() on a live child
 *   register      acid_register() of a fresh blocked child
 *   forget        acid_forget() of that entry
 *   register+forget   both, one sample
 *   log_start     acid_log_start(): one VIRT_CONTROL record to the kernel
 *   whole         register + log_start + log_stop + forget
 *
 * Every child is forked before its timed region (a pool blocked on one pipe
 * read), so no fork is measured. The registry is a fresh temporary state
 * directory, removed at the end. Sending records needs the kernel's backlog
 * limit raised well above the number sent (see bench/run.sh): the number of
 * records sent, and the kernel's "lost" counter before and after, are
 * printed so that a record dropped on the way shows.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <libaudit.h>

#include <acid/libacid.h>

#include "bench-util.h"

#define WARMUP 10

static struct acid_ctx *ctx;
static unsigned long sent_start, sent_stop;

static void die(const char *what, int r)
{
	fprintf(stderr, "acid-bench-register: %s: %s\n", what,
		acid_strerror(r));
	exit(1);
}

static void make_req(struct acid_reg *req, pid_t pid, size_t i,
		     char *name, size_t nlen, char *bundle, size_t blen)
{
	snprintf(name, nlen, "acid-bench-%d-%zu", (int)getpid(), i);
	snprintf(bundle, blen,
		 "/run/containers/storage/overlay-containers/%s/userdata",
		 name);
	memset(req, 0, sizeof(*req));
	req->size = sizeof(*req);
	req->pid = pid;
	req->name = name;
	req->bundle = bundle;
}

/* --------------------------------------------------------------- cases */

static void bench_id(size_t n)
{
	struct samples s;
	struct acid_id id;

	samples_init(&s, n);
	for (size_t i = 0; i < n + WARMUP; i++) {
		uint64_t t0 = now_ns();
		int r = acid_ctx_new_id(ctx, &id);
		uint64_t t1 = now_ns();

		if (r < 0)
			die("acid_ctx_new_id", r);
		if (i >= WARMUP)
			samples_add(&s, t1 - t0);
	}
	print_row("id (acid_ctx_new_id)", &s);
	samples_free(&s);
}

static void bench_ns(size_t n, size_t batch)
{
	struct samples s;
	struct acid_ns_set ns;
	struct pool p;
	int r;

	samples_init(&s, n);
	r = pool_spawn(&p, batch);
	if (r < 0)
		die("fork", r);
	for (size_t i = 0; i < n + WARMUP; i++) {
		pid_t pid = p.pids[i % p.n];
		uint64_t t0 = now_ns();

		r = acid_ns_collect(ctx, pid, &ns);
		uint64_t t1 = now_ns();

		if (r < 0)
			die("acid_ns_collect", r);
		if (i >= WARMUP)
			samples_add(&s, t1 - t0);
	}
	pool_release(&p);
	print_row("ns_collect (acid_ns_collect)", &s);
	samples_free(&s);
}

/*
 * Register @n fresh children, in batches forked ahead. With @records the
 * whole path is timed (register, start record, stop record, forget);
 * without, register and forget are timed each and together.
 */
static void bench_registration(size_t n, size_t batch, bool records)
{
	struct samples reg, fgt, both;
	size_t done = 0, total = n + WARMUP;

	samples_init(&reg, n);
	samples_init(&fgt, n);
	samples_init(&both, n);
	while (done < total) {
		size_t k = total - done < batch ? total - done : batch;
		struct pool p;
		int r = pool_spawn(&p, k);

		if (r < 0)
			die("fork", r);
		for (size_t j = 0; j < k; j++, done++) {
			char name[64], bundle[256];
			struct acid_entry *e = NULL;
			struct acid_reg req;
			uint64_t t0, t1, t2, t3;

			make_req(&req, p.pids[j], done, name, sizeof(name),
				 bundle, sizeof(bundle));
			t0 = now_ns();
			r = acid_register(ctx, &req, &e);
			if (r < 0)
				die("acid_register", r);
			t1 = now_ns();
			if (records) {
				r = acid_log_start(ctx, e);
				if (r < 0)
					die("acid_log_start", r);
				sent_start++;
				r = acid_log_stop(ctx, e, "exit");
				if (r < 0)
					die("acid_log_stop", r);
				sent_stop++;
			}
			t2 = now_ns();
			r = acid_forget(ctx, e);
			t3 = now_ns();
			if (r < 0)
				die("acid_forget", r);
			acid_entry_free(e);
			if (done < WARMUP)
				continue;
			samples_add(&reg, t1 - t0);
			samples_add(&fgt, t3 - t2);
			samples_add(&both, t3 - t0);
		}
		pool_release(&p);
	}
	if (records) {
		print_row("whole (reg+start+stop+forget)", &both);
	} else {
		print_row("register (acid_register)", &reg);
		print_row("forget (acid_forget)", &fgt);
		print_row("register+forget", &both);
	}
	samples_free(&reg);
	samples_free(&fgt);
	samples_free(&both);
}

static void bench_log_start(size_t n)
{
	char name[64], bundle[256];
	struct acid_entry *e = NULL;
	struct acid_reg req;
	struct samples s;
	struct pool p;
	int r;

	samples_init(&s, n);
	r = pool_spawn(&p, 1);
	if (r < 0)
		die("fork", r);
	make_req(&req, p.pids[0], 0, name, sizeof(name), bundle,
		 sizeof(bundle));
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	for (size_t i = 0; i < n + WARMUP; i++) {
		uint64_t t0 = now_ns();

		r = acid_log_start(ctx, e);
		uint64_t t1 = now_ns();

		if (r < 0)
			die("acid_log_start", r);
		sent_start++;
		if (i >= WARMUP)
			samples_add(&s, t1 - t0);
	}
	r = acid_forget(ctx, e);
	if (r < 0)
		die("acid_forget", r);
	acid_entry_free(e);
	pool_release(&p);
	print_row("log_start (one record)", &s);
	samples_free(&s);
}

/* -------------------------------------------------------- audit status */

/* The kernel's audit status, through libaudit; false if unavailable. */
static bool audit_status(struct audit_status *out)
{
	struct audit_reply rep;
	bool ok = false;
	int fd = audit_open();

	if (fd < 0)
		return false;
	if (audit_request_status(fd) > 0) {
		for (int i = 0; i < 10; i++) {
			if (audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0) <=
			    0)
				break;
			if (rep.type == AUDIT_GET && rep.status) {
				*out = *rep.status;
				ok = true;
				break;
			}
		}
	}
	audit_close(fd);
	return ok;
}

static const char *fs_name(const char *path)
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
	case 0x794c7630UL:
		return "overlayfs";
	}
	return "other";
}

/* ---------------------------------------------------------------- main */

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: acid-bench-register [-n N] [-r N] [-b N] [-d DIR] "
		   "[--no-records]\n");
	return code;
}

static size_t parse_count(const char *s, const char *opt)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v == 0 || v > 10000000 || s[0] == '-') {
		fprintf(stderr, "acid-bench-register: %s: bad count '%s'\n",
			opt, s);
		exit(2);
	}
	return (size_t)v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-records", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	size_t n = 2000, nrec = 0, batch = 100;
	const char *parent = "/run", *dir;
	bool records = true, have_before;
	struct audit_status before, after;
	struct acid_opts opts;
	int c, r;

	while ((c = getopt_long(argc, argv, "n:r:b:d:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			n = parse_count(optarg, "-n");
			break;
		case 'r':
			nrec = parse_count(optarg, "-r");
			break;
		case 'b':
			batch = parse_count(optarg, "-b");
			break;
		case 'd':
			parent = optarg;
			break;
		case 'R':
			records = false;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind != argc)
		return usage(stderr, 2);
	if (!nrec)
		nrec = n < 1000 ? n : 1000;

	r = acid_check_caps(ACID_CAP_CONTROL |
			    (records ? ACID_CAP_WRITE : 0));
	if (r < 0)
		die("capabilities", r);
	dir = state_dir_make(parent);
	if (!dir) {
		fprintf(stderr, "acid-bench-register: mkdtemp in %s: %s\n",
			parent, strerror(errno));
		return 1;
	}
	memset(&opts, 0, sizeof(opts));
	opts.size = sizeof(opts);
	opts.state_dir = dir;
	r = acid_ctx_new(&opts, &ctx);
	if (r < 0)
		die("acid_ctx_new", r);
	if (acid_ctx_mode(ctx) != ACID_MODE_USER) {
		fprintf(stderr, "acid-bench-register: the kernel has an audit "
				"container ID interface (mode %s); this "
				"benchmark measures user-space mode\n",
			acid_mode_name(acid_ctx_mode(ctx)));
		return 1;
	}

	have_before = records && audit_status(&before);
	printf("acid-bench-register: mode %s, state dir %s (%s), "
	       "%d warm-up runs per case not counted\n",
	       acid_mode_name(acid_ctx_mode(ctx)), dir, fs_name(dir), WARMUP);
	if (have_before) {
		printf("kernel audit: enabled=%u backlog_limit=%u lost=%u\n",
		       before.enabled, before.backlog_limit, before.lost);
		if (before.backlog_limit < 1024)
			fprintf(stderr, "acid-bench-register: warning: audit "
					"backlog limit %u is low; records may "
					"be lost (auditctl -b 8192)\n",
				before.backlog_limit);
	}
	printf("\n");
	print_header("case");
	fflush(stdout);

	bench_id(n);
	bench_ns(n, batch);
	bench_registration(n, batch, false);
	if (records) {
		bench_log_start(nrec);
		bench_registration(nrec, batch, true);
	} else {
		printf("%-34s %s\n", "log_start (one record)",
		       "skipped (--no-records)");
		printf("%-34s %s\n", "whole (reg+start+stop+forget)",
		       "skipped (--no-records)");
	}

	printf("\naudit records sent: %lu (%lu register op=start, "
	       "%lu destroy op=stop), warm-up included\n",
	       sent_start + sent_stop, sent_start, sent_stop);
	if (have_before && audit_status(&after)) {
		printf("kernel audit lost counter: %u before, %u after",
		       before.lost, after.lost);
		if (after.lost != before.lost)
			printf("  <-- %u records lost: raise the backlog "
			       "limit", after.lost - before.lost);
		printf("\n");
	}
	acid_ctx_free(ctx);
	return 0;
}
