// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * audisp-acid - an auditd plugin (auditd-plugins(5)): the audit records on
 * standard input in string format, every event attributed to its container
 * as it arrives (libacid-attribution, the engine of acid events) and
 * written as one JSON object per line (SPEC "JSON events") to --output.
 *
 * At start the containers already running are taken from libacid's
 * registry, with their processes as /proc shows them, so that the events
 * of processes started before the plugin are attributed too.
 *
 * Reliability: the plugin never stops reading standard input (auditd drops
 * events to a plugin that stalls): when the output cannot be written
 * (removed directory, full disk) the events are dropped and counted, and
 * one line says so on stderr and syslog when it starts, and again when it
 * ends; lines that are not audit records are skipped and counted. Memory
 * stays bounded (ACID_ATTR_LIVE). SIGHUP reopens the output (logrotate),
 * SIGTERM (auditd stopping its plugins) flushes and exits 0.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <acid/attribution.h>
#include <acid/libacid.h>

#include "joiners.h"
#include "say.h"
#include "nschange.h"

#define DEFAULT_OUTPUT "/var/log/acid/events.json"
/*
 * Output: what one read of the input gave is written at once (under load
 * a read gives many events: one write for them), and in batches of about
 * this size within one read.
 */
#define OUT_BATCH (256 * 1024)
/*
 * Quiet input this long: the last event is given (auditd ends a syscall's
 * event with EOE; an event without one waits for a later record).
 */
#define QUIET_MS 100
/* A failed output is tried again this often (and at SIGHUP). */
#define RETRY_SEC 10

static const char usage[] =
	"usage: audisp-acid [--output FILE] [--no-seed]\n"
	"\n"
	"An auditd plugin: reads audit records on standard input (format =\n"
	"string), attributes every event to its container as acid events does\n"
	"and writes one JSON object per event to FILE (default\n"
	DEFAULT_OUTPUT "). SIGHUP reopens FILE; SIGTERM ends.\n"
	"\n"
	"  --output FILE  where the JSON lines go (appended)\n"
	"  --no-seed      do not take the running containers from the\n"
	"                 registry (only the records read count)\n";

static volatile sig_atomic_t got_hup, got_term;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

struct plugin {
	const char *path;
	int fd;	       /* -1: not open */
	int open_err;  /* errno of the last failed open, 0 */
	time_t retry;  /* when to try opening again */
	bool broken;   /* a write failed: a line may be cut */

	FILE *ms;      /* the JSON of the events not yet written */
	char *buf;
	size_t len;
	unsigned long pending; /* events in buf */

	unsigned long written, dropped, drop_reported;
	int drop_err;
	bool dropping;
	unsigned long warned_skipped;
};

static void out_open(struct plugin *p)
{
	int fd;

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		  O_NOCTTY | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT) {
		/* the directory, as for the default /var/log/acid */
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", p->path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			if (mkdir(dir, 0750) == 0 || errno == EEXIST)
				fd = open(p->path, O_WRONLY | O_APPEND |
					  O_CREAT | O_CLOEXEC | O_NOCTTY |
					  O_NOFOLLOW, 0600);
			else
				errno = ENOENT;
		}
	}
	if (fd < 0) {
		if (errno != p->open_err)
			say("cannot open %s: %s; events are dropped until it "
			    "can be", p->path, strerror(errno));
		p->open_err = errno;
		p->retry = time(NULL) + RETRY_SEC;
		return;
	}
	if (p->open_err)
		say("%s open again", p->path);
	p->open_err = 0;
	p->fd = fd;
	p->broken = false;
}

/* Events in the batch are lost: counted, and said once per spell. */
static void drop_batch(struct plugin *p, int err)
{
	p->dropped += p->pending;
	if (!p->dropping && p->pending) {
		say("writing %s: %s; dropping events until it can be written "
		    "(SIGHUP reopens it)", p->path, strerror(err));
		p->dropping = true;
		p->drop_err = err;
	}
}

/* The batch to the output; never blocks on anything but the disk. */
static void out_flush(struct plugin *p)
{
	size_t off = 0;

	if (fflush(p->ms) != 0) {
		drop_batch(p, ENOMEM);
		goto reset;
	}
	if (!p->len)
		return;
	if (p->fd < 0 && time(NULL) >= p->retry)
		out_open(p);
	if (p->fd < 0) {
		drop_batch(p, p->open_err ? p->open_err : EBADF);
		goto reset;
	}
	/* the last write cut a line: end it, so the next lines parse */
	if (p->broken && write(p->fd, "\n", 1) == 1)
		p->broken = false;
	while (off < p->len) {
		ssize_t n = write(p->fd, p->buf + off, p->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->broken = off > 0;
			drop_batch(p, n < 0 ? errno : ENOSPC);
			goto reset;
		}
		off += (size_t)n;
	}
	p->written += p->pending;
	if (p->dropping) {
		say("%s written again; %lu events dropped meanwhile", p->path,
		    p->dropped - p->drop_reported);
		p->drop_reported = p->dropped;
		p->dropping = false;
	}
reset:
	p->pending = 0;
	rewind(p->ms);
	p->len = 0;
}

static int on_event(const struct acid_attr_event *ev, void *arg)
{
	struct plugin *p = arg;

	if (acid_attr_event_write(ev, ACID_ATTR_JSON, p->ms) < 0) {
		p->dropped++;
		return 0;
	}
	p->pending++;
	/* p->len is brought up to date by fflush */
	if (ftell(p->ms) >= OUT_BATCH)
		out_flush(p);
	return 0;
}

static bool select_all(const struct acid_attr_container *c, void *arg)
{
	return true;
}

/* Warnings are counted by the library; only a count is said (at end). */
static void on_warn(const struct acid_attr_warning *w, void *arg)
{
}

/*
 * The containers running now, from the registry, and their processes as
 * libacid places them.
 */
static void seed(struct acid_attr *a)
{
	struct acid_opts opts = { .size = sizeof(opts) };
	struct acid_entry **list = NULL;
	struct acid_ctx *ctx = NULL;
	const char *proc;
	size_t n = 0, seeded = 0;
	DIR *d;
	struct dirent *de;
	int r;

	r = acid_ctx_new(&opts, &ctx);
	if (r < 0) {
		say("the registry: %s; running containers not seeded",
		    acid_strerror(r));
		return;
	}
	r = acid_list(ctx, &list, &n);
	if (r < 0) {
		if (r != -ENOENT)
			say("%s: %s; running containers not seeded",
			    acid_ctx_state_dir(ctx), acid_strerror(r));
		acid_ctx_free(ctx);
		return;
	}
	proc = acid_ctx_proc_root(ctx);
	for (size_t i = 0; i < n; i++) {
		char id[ACID_ID_STRLEN], parent[ACID_ID_STRLEN];
		const struct acid_id *pid_parent = acid_entry_parent(list[i]);
		struct acid_attr_seed s = { .size = sizeof(s) };

		if (acid_entry_alive(ctx, list[i]) != 1 ||
		    acid_id_format(acid_entry_id(list[i]), id, sizeof(id)) < 0)
			continue;
		s.uuid = id;
		s.name = acid_entry_name(list[i]);
		s.vm_pid = acid_entry_pid(list[i]);
		s.ses_tag = acid_entry_ses_tag(list[i]);
		if (pid_parent && !acid_id_is_zero(pid_parent) &&
		    acid_id_format(pid_parent, parent, sizeof(parent)) == 0)
			s.parent = parent;
		s.kernel = acid_entry_mode(list[i]) != ACID_MODE_USER;
		s.k8s_pod = acid_entry_k8s_pod(list[i]);
		s.k8s_namespace = acid_entry_k8s_namespace(list[i]);
		s.k8s_pod_uid = acid_entry_k8s_pod_uid(list[i]);
		s.k8s_container = acid_entry_k8s_container(list[i]);
		s.image = acid_entry_image(list[i]);
		if (acid_attr_seed(a, &s) == 0)
			seeded++;
	}
	/*
	 * Their processes: each pid libacid places in a running container
	 * (a descendant of its init, or in its pid namespace: runc exec too).
	 */
	d = seeded ? opendir(proc) : NULL;
	while (d && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		struct acid_entry *e = NULL;
		char id[ACID_ID_STRLEN];

		if (pid <= 1 || acid_lookup_pid(ctx, pid, &e) < 0)
			continue;
		if (acid_entry_pid(e) != pid &&
		    acid_id_format(acid_entry_id(e), id, sizeof(id)) == 0)
			acid_attr_seed_pid(a, id, NULL, pid);
		acid_entry_free(e);
	}
	if (d)
		closedir(d);
	acid_list_free(list, n);
	acid_ctx_free(ctx);
}

static void report(const struct plugin *p, const struct acid_attr *a,
		   const char *when)
{
	unsigned long skipped = acid_attr_skipped(a);

	if (p->dropped || skipped)
		say("%s: %lu events written, %lu dropped (%s), %lu input lines "
		    "skipped (not audit records)", when, p->written,
		    p->dropped, p->dropped ? strerror(p->drop_err ?
						      p->drop_err : EIO)
					   : "none",
		    skipped);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-seed", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct plugin p = { .path = DEFAULT_OUTPUT, .fd = -1 };
	struct acid_attr *a = NULL;
	struct joiners *jn;
	struct nschange *nsc = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, wait_mask;
	bool do_seed = true, line_open = false, idle = true;
	static char in[65536];
	unsigned long skipped_said = 0;
	int c, r;

	/*
	 * First of all: auditd sends SIGHUP to every plugin at each reload,
	 * and one that came before the handler would end the plugin.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg) {
				fputs("audisp-acid: --output needs a FILE\n",
				      stderr);
				return 2;
			}
			p.path = optarg;
			break;
		case 'S':
			do_seed = false;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "audisp-acid: unexpected argument \"%s\"\n",
			argv[optind]);
		return 2;
	}
	openlog("audisp-acid", LOG_PID, LOG_DAEMON);


	p.ms = open_memstream(&p.buf, &p.len);
	r = p.ms ? acid_attr_new(ACID_ATTR_LIVE | ACID_ATTR_ALL, &a) : -ENOMEM;
	if (r < 0) {
		say("out of memory");
		return 1;
	}
	acid_attr_set_select(a, select_all, NULL);
	acid_attr_set_event(a, on_event, &p);
	acid_attr_set_warn(a, on_warn, NULL);
	acid_attr_set_source(a, "stdin");
	if (do_seed)
		seed(a);
	/* processes that join a container (runc exec): linked as they come */
	jn = joiners_new(&r);
	if (!jn)
		say("%s; processes that join containers are not linked",
		    acid_strerror(r));
	/* namespace changes: written to the audit log (SPEC "Live
	 * attribution"); without a libacid context, not */
	r = nschange_new(&nsc);
	if (r < 0)
		say("namespace changes are not recorded: %s", acid_strerror(r));
	out_open(&p);

	while (!got_term) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		struct timespec ts = { 0, QUIET_MS * 1000000L };
		ssize_t n;
		int pr;

		if (got_hup) {
			got_hup = 0;
			out_flush(&p);
			out_open(&p);
		}
		pr = ppoll(&pfd, 1, idle ? NULL : &ts, &wait_mask);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			/* quiet: the event that waits for a next record */
			if (!line_open)
				acid_attr_finish(a);
			out_flush(&p);
			idle = true;
			continue;
		}
		n = read(0, in, sizeof(in));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break; /* auditd closed the pipe: the end */
		idle = false;
		line_open = in[n - 1] != '\n';
		if (nsc)
			nschange_feed(nsc, in, (size_t)n);
		r = joiners_feed_bytes(jn, a, in, (size_t)n);
		if (r < 0 && r != -ENOMEM) {
			say("reading the records: %s", strerror(-r));
		} else if (r == -ENOMEM) {
			/* the reader cannot go on: start a new one */
			say("out of memory; the attribution starts again");
			acid_attr_free(a);
			a = NULL;
			if (acid_attr_new(ACID_ATTR_LIVE | ACID_ATTR_ALL, &a)
			    < 0)
				return 1;
			acid_attr_set_select(a, select_all, NULL);
			acid_attr_set_event(a, on_event, &p);
			acid_attr_set_warn(a, on_warn, NULL);
			if (do_seed)
				seed(a);
		}
		if (acid_attr_skipped(a) > skipped_said &&
		    skipped_said == 0) {
			say("skipping input lines that are not audit records "
			    "(counted; the total is said at the end)");
			skipped_said = acid_attr_skipped(a);
		}
		/* the events of this read, written now: no lag */
		if (p.pending)
			out_flush(&p);
	}
	acid_attr_finish(a);
	out_flush(&p);
	report(&p, a, got_term ? "stopping" : "end of input");
	acid_attr_free(a);
	joiners_free(jn);
	nschange_free(nsc);
	fclose(p.ms);
	free(p.buf);
	if (p.fd >= 0 && close(p.fd) < 0 && !p.dropping)
		say("closing %s: %s", p.path, strerror(errno));
	closelog();
	return 0;
}
