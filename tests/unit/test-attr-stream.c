// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-attr-stream - libacid-attribution as a live reader uses it: a log
 * fed record by record (as an auditd plugin gets it) or in pieces gives
 * exactly what reading the file gives, for every log of tests/data/auditlog;
 * a live reader's memory is bounded; containers running since before the
 * first record are seeded.
 *
 * usage: test-attr-stream DATADIR
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <acid/attribution.h>

#include "tap.h"

#define WEB1 "11111111-2222-4333-8444-555555555555"

static const char *datadir;

#define JOINED_ID "55555555-6666-4777-8888-999999999991"

static char *path_of(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", datadir, name) < 0)
		bail("asprintf");
	return p;
}

/*
 * Streaming: a log fed record by record (acid_attr_feed, as an auditd
 * plugin gets it), or in pieces of any size (acid_attr_feed_bytes), gives
 * exactly what reading the file gives: the same events (raw and
 * interpreted, with the containers each belongs to), the same containers,
 * the same warnings. Every log of the data dir, both readers, every
 * container selected.
 */
struct trace {
	FILE *f;
	char *buf;
	size_t len;
};

static bool select_all(const struct acid_attr_container *c, void *arg)
{
	return true;
}

static int trace_event(const struct acid_attr_event *ev, void *arg)
{
	FILE *f = arg;

	fprintf(f, "event %" PRIu64 " of", acid_attr_event_stamp(ev)->serial);
	for (size_t i = 0; i < acid_attr_event_containers(ev); i++)
		fprintf(f, " %s", acid_attr_event_container(ev, i)->uuid);
	fputc('\n', f);
	acid_attr_event_write(ev, ACID_ATTR_RAW, f);
	acid_attr_event_write(ev, ACID_ATTR_INTERPRET, f);
	return 0;
}

static void trace_warn(const struct acid_attr_warning *w, void *arg)
{
	fprintf(arg, "warning %lu %s %d %s [%s] %s\n", w->line,
		acid_attr_warn_kind_name(w->kind), w->skipped,
		w->uuid ? w->uuid : "-", w->name ? w->name : "-", w->text);
}

static void trace_ctr(const struct acid_attr_container *c,
		      enum acid_attr_ctr_change what, void *arg)
{
	fprintf(arg, "container %s %s\n", c->uuid,
		what == ACID_ATTR_CTR_START ? "start" : "end");
}

static void trace_link(const struct acid_attr_link_info *l, void *arg)
{
	fprintf(arg, "link %s %s %s %d %u [%s] %d %d %d\n", l->uuid,
		l->node ? l->node : "-", l->reason, (int)l->task_pid,
		l->ses_tag, l->trigger, (int)l->sender, l->forged, l->applied);
}

/* The links with a trigger of @path (a first reader), into @a. */
struct pre {
	struct acid_attr *a;
	int err;
	unsigned int n;
};

static void pre_link(const struct acid_attr_link_info *l, void *arg)
{
	struct pre *p = arg;
	int r;

	if (!l->applied || !l->trigger[0])
		return;
	r = acid_attr_link(p->a, l->node, l->uuid, l->task_pid, l->trigger);
	if (r < 0)
		p->err = r;
	p->n++;
}

static unsigned int prescan(const char *path, bool ref, struct acid_attr *a)
{
	struct pre p = { .a = a };
	struct acid_attr *first;

	if (acid_attr_new(ref ? ACID_ATTR_REFERENCE : 0, &first) < 0)
		bail("acid_attr_new");
	acid_attr_set_link(first, pre_link, &p);
	if (acid_attr_feed_file(first, path) < 0 ||
	    acid_attr_finish(first) < 0 || p.err)
		bail("prescan %s", path);
	acid_attr_free(first);
	return p.n;
}

/*
 * @how: 0 the file, 1 record by record, 2 in pieces of 7 bytes, 3 record
 * by record by a live reader (none of these logs spans its window).
 * @pre: the links with a trigger given first, as acid events does.
 */
static void trace_read(const char *path, bool ref, int how, bool pre,
		       struct trace *t)
{
	struct acid_attr *a;
	FILE *in;
	char *line = NULL, piece[7];
	size_t cap = 0, n;
	ssize_t len;
	int r;

	t->buf = NULL;
	t->f = open_memstream(&t->buf, &t->len);
	if (!t->f || acid_attr_new((ref ? ACID_ATTR_REFERENCE : 0) |
				   (how == 3 ? ACID_ATTR_LIVE : 0), &a) < 0)
		bail("trace_read");
	acid_attr_set_select(a, select_all, NULL);
	acid_attr_set_event(a, trace_event, t->f);
	acid_attr_set_warn(a, trace_warn, t->f);
	acid_attr_set_container(a, trace_ctr, t->f);
	acid_attr_set_link(a, trace_link, t->f);
	if (pre)
		fprintf(t->f, "pre-scanned %u\n", prescan(path, ref, a));
	if (how == 0) {
		r = acid_attr_feed_file(a, path);
	} else {
		in = fopen(path, "re");
		if (!in || acid_attr_set_source(a, path) < 0)
			bail("%s", path);
		r = 0;
		if (how != 2)
			while (!r && (len = getline(&line, &cap, in)) > 0)
				r = acid_attr_feed(a, line, (size_t)len);
		else
			while (!r && (n = fread(piece, 1, sizeof(piece),
						in)) > 0)
				r = acid_attr_feed_bytes(a, piece, n);
		fclose(in);
		free(line);
	}
	if (!r)
		r = acid_attr_finish(a);
	if (r)
		bail("%s: %d", path, r);
	for (size_t i = 0; i < acid_attr_count(a); i++) {
		const struct acid_attr_container *c = acid_attr_get(a, i);

		fprintf(t->f, "%s %s %s %d %d %u %s %d %" PRId64 ".%u:%" PRIu64
			" %d %" PRId64 ".%u:%" PRIu64 " %s %d %d %" PRIu64
			" %lu\n", c->uuid, c->name, c->bundle ? c->bundle : "-",
			(int)c->vm_pid, (int)c->sender, c->ses_tag, c->parent,
			c->has_start, c->start.sec, c->start.milli,
			c->start.serial, (int)c->end, c->stop.sec,
			c->stop.milli, c->stop.serial, c->reason, c->forged,
			c->conflict, c->events, c->line);
	}
	fprintf(t->f, "skipped %lu warnings %lu selected %" PRIu64 "\n",
		acid_attr_skipped(a), acid_attr_warnings(a),
		acid_attr_selected(a));
	fclose(t->f);
	acid_attr_free(a);
}

static int count_serial(const struct acid_attr_event *ev, void *arg)
{
	uint64_t *n = arg;

	if (acid_attr_event_stamp(ev)->serial == 2)
		(*n)++;
	return 0;
}

/*
 * A live reader stays bounded: 5000 events of a container over 5000 s,
 * then a copy of the first one. A whole-log reader remembers that it gave
 * it; a live one forgot (ACID_ATTR_LIVE_WINDOW) and gives it again.
 */
static void test_live_window(void)
{
	char line[512], first[512];
	uint64_t given[2] = { 0, 0 };

	for (int live = 0; live < 2; live++) {
		struct acid_attr *a;
		int r;

		if (acid_attr_new(live ? ACID_ATTR_LIVE : 0, &a) < 0)
			bail("acid_attr_new");
		acid_attr_set_select(a, select_all, NULL);
		acid_attr_set_event(a, count_serial, &given[live]);
		snprintf(line, sizeof(line), "type=VIRT_CONTROL msg=audit("
			 "1795860000.000:1): pid=100 uid=0 auid=4294967295 "
			 "ses=4294967295 msg='virt=oci op=start "
			 "reason=register vm=\"w\" uuid=%s vm-pid=200 "
			 "exe=\"/x\" hostname=? addr=? terminal=? "
			 "res=success'", WEB1);
		r = acid_attr_feed(a, line, strlen(line));
		for (unsigned int i = 0; !r && i < 5000; i++) {
			snprintf(line, sizeof(line), "type=SYSCALL msg=audit("
				 "%u.000:%u): arch=c000003e syscall=59 "
				 "success=yes exit=0 ppid=100 pid=200 "
				 "ses=4294967295", 1795860001 + i, 2 + i);
			if (i == 0)
				strcpy(first, line);
			r = acid_attr_feed(a, line, strlen(line));
		}
		if (!r)
			r = acid_attr_feed(a, first, strlen(first));
		if (!r)
			r = acid_attr_finish(a);
		/* live: the copy is a new event */
		ok(r == 0 && acid_attr_selected(a) == 5001u + (unsigned)live,
		   "live %d: %d events selected (%" PRIu64 ")", live,
		   5001 + live, acid_attr_selected(a));
		acid_attr_free(a);
	}
	is_u64(given[0], 1, "whole log: an event read again is given once");
	is_u64(given[1], 2, "live: an event read again long after is given "
	       "again (its stamp forgotten)");
}

static void test_stream(void)
{
	DIR *d = opendir(datadir);
	struct dirent *e;
	int files = 0;

	if (!d)
		bail("%s", datadir);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char *p;

		if (l < 5 || strcmp(e->d_name + l - 4, ".log") != 0)
			continue;
		p = path_of(e->d_name);
		files++;
		for (int v = 0; v < 4; v++) {
			bool ref = v & 1, pre = v & 2;
			struct trace file, rec, bytes, live;
			char m[64];

			snprintf(m, sizeof(m), "%s%s", ref ? "reference" :
				 "fast", pre ? ", links pre-scanned" : "");
			trace_read(p, ref, 0, pre, &file);
			trace_read(p, ref, 1, pre, &rec);
			trace_read(p, ref, 2, pre, &bytes);
			trace_read(p, ref, 3, pre, &live);
			ok(file.len > 0 && strstr(file.buf, "selected "),
			   "stream: %s (%s): the file read", e->d_name, m);
			ok(rec.len == file.len &&
			   memcmp(rec.buf, file.buf, file.len) == 0,
			   "stream: %s (%s): record by record = the file",
			   e->d_name, m);
			ok(bytes.len == file.len &&
			   memcmp(bytes.buf, file.buf, file.len) == 0,
			   "stream: %s (%s): 7 bytes at a time = the file",
			   e->d_name, m);
			ok(live.len == file.len &&
			   memcmp(live.buf, file.buf, file.len) == 0,
			   "stream: %s (%s): a live reader = the file",
			   e->d_name, m);
			if (live.len != file.len ||
			    memcmp(live.buf, file.buf, file.len) != 0) {
				size_t i = 0;

				while (i < live.len && i < file.len &&
				       live.buf[i] == file.buf[i])
					i++;
				fprintf(stderr, "# at %zu: file \"%.80s\", live "
					"\"%.80s\"\n", i, file.buf + i,
					live.buf + i);
			}
			if (pre && strcmp(e->d_name, "exec.log") == 0)
				ok(strstr(file.buf, "pre-scanned 3\n") &&
				   strstr(file.buf, "link " JOINED_ID " - setns "
					  "5420 0 [1795861420.856:214] 900 0 "
					  "1\n") &&
				   strstr(file.buf, "event 214 of " JOINED_ID
					  "\n"),
				   "stream: exec.log (%s): three links given "
				   "first; 5420's execve (214) is joined's", m);
			free(file.buf);
			free(rec.buf);
			free(bytes.buf);
			free(live.buf);
		}
		free(p);
	}
	closedir(d);
	ok(files >= 9, "stream: %d logs in %s", files, datadir);
}


struct seen {
	uint64_t serial[16];
	size_t n;
	int starts, ends;
};

static int seen_event(const struct acid_attr_event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->serial[s->n++] = acid_attr_event_stamp(ev)->serial;
	return 0;
}

static void seen_ctr(const struct acid_attr_container *c,
		     enum acid_attr_ctr_change what, void *arg)
{
	struct seen *s = arg;

	if (what == ACID_ATTR_CTR_START)
		s->starts++;
	else
		s->ends++;
}

static int feed_str(struct acid_attr *a, const char *line)
{
	return acid_attr_feed(a, line, strlen(line));
}

/*
 * A live reader that starts while a container runs: seeded with it (and
 * one of its processes /proc shows), the records of its processes are its
 * events from the first one, a host process's are not, and its stop
 * record ends it.
 */
static void test_seed(void)
{
	struct acid_attr_seed s = {
		.size = sizeof(s), .uuid = WEB1, .name = "early",
		.vm_pid = 5000,
	};
	struct seen seen = { 0 };
	const struct acid_attr_container *c;
	struct acid_attr *a;
	int r;

	if (acid_attr_new(ACID_ATTR_LIVE, &a) < 0)
		bail("acid_attr_new");
	acid_attr_set_select(a, select_all, NULL);
	acid_attr_set_event(a, seen_event, &seen);
	acid_attr_set_container(a, seen_ctr, &seen);
	is_int(acid_attr_seed(a, &s), 0, "seed: a running container");
	is_int(acid_attr_seed(a, &s), -EEXIST, "seed: twice: EEXIST");
	s.vm_pid = 1;
	is_int(acid_attr_seed(a, &s), -EINVAL, "seed: vm-pid 1: EINVAL");
	s.vm_pid = 5000;
	s.uuid = "not-an-id";
	is_int(acid_attr_seed(a, &s), -EINVAL, "seed: a bad ID: EINVAL");
	is_int(acid_attr_seed_pid(a, WEB1, NULL, 5100), 0,
	       "seed: a process of it from /proc");
	is_int(acid_attr_seed_pid(a, WEB1, NULL, 5200), 0,
	       "seed: a process that joined it (runc exec) from /proc");
	is_int(acid_attr_seed_pid(a, "22222222-3333-4444-8555-666666666666",
				  NULL, 5100), -ENOENT,
	       "seed: a process of a container not running: ENOENT");
	r = feed_str(a, "type=SYSCALL msg=audit(1795861500.000:10): "
		     "arch=c000003e syscall=59 success=yes exit=0 ppid=5000 "
		     "pid=5001 ses=4294967295\n");
	r = r ? r : feed_str(a, "type=SYSCALL msg=audit(1795861500.001:11): "
			     "arch=c000003e syscall=59 success=yes exit=0 "
			     "ppid=5100 pid=5101 ses=4294967295\n");
	r = r ? r : feed_str(a, "type=SYSCALL msg=audit(1795861500.002:12): "
			     "arch=c000003e syscall=59 success=yes exit=0 "
			     "ppid=1 pid=6000 ses=4294967295\n");
	/* the joined process: its parent is outside (runc exited) */
	r = r ? r : feed_str(a, "type=SYSCALL msg=audit(1795861500.002:15): "
			     "arch=c000003e syscall=56 success=yes exit=5201 "
			     "ppid=1 pid=5200 ses=4294967295\n");
	r = r ? r : feed_str(a, "type=SYSCALL msg=audit(1795861500.002:16): "
			     "arch=c000003e syscall=59 success=yes exit=0 "
			     "ppid=5200 pid=5201 ses=4294967295\n");
	r = r ? r : feed_str(a, "type=VIRT_CONTROL msg=audit(1795861500.003:13):"
			     " pid=99 uid=0 auid=4294967295 ses=4294967295 "
			     "msg='virt=oci op=stop reason=exit vm=\"early\" "
			     "uuid=" WEB1 " vm-pid=5000 exe=\"/x\" hostname=? "
			     "addr=? terminal=? res=success'\n");
	r = r ? r : feed_str(a, "type=SYSCALL msg=audit(1795861500.004:14): "
			     "arch=c000003e syscall=59 success=yes exit=0 "
			     "ppid=5000 pid=5002 ses=4294967295\n");
	r = r ? r : acid_attr_finish(a);
	is_int(r, 0, "seed: the records read");
	is_int(seen.starts, 1, "seed: told of its start");
	is_int(seen.ends, 1, "seed: told of its end");
	ok(seen.n == 5 && seen.serial[0] == 10 && seen.serial[1] == 11 &&
	   seen.serial[2] == 15 && seen.serial[3] == 16 &&
	   seen.serial[4] == 13, "seed: events 10 (its init's child), 11 (a "
	   "child of the seeded process), 15 and 16 (the joined process, "
	   "parent outside, and its child), 13 (its stop); not 12 (the "
	   "host), nor 14 (after the stop): got %zu", seen.n);
	c = acid_attr_get(a, 0);
	if (ok(acid_attr_count(a) == 1 && c, "seed: one container")) {
		is_str(c->name, "early", "seed: its name");
		is_int(c->has_start, 0, "seed: no start record read");
		is_int(c->end, ACID_ATTR_END_STOP, "seed: ended by the stop");
		is_u64(c->events, 4, "seed: 4 events charged");
		ok(c->file == NULL, "seed: no file");
	}
	acid_attr_free(a);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		bail("usage: test-attr-stream DATADIR");
	datadir = argv[1];
	test_stream();
	test_live_window();
	test_seed();
	return tap_done();
}
