// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-auditlog - libacid-attribution, the audit-log reader behind acid
 * events and acid report (attribution/), over crafted logs in tests/data/auditlog (its README
 * says what each file holds and which events belong to whom): attribution
 * by ancestry with a reparented orphan, pid reuse during and after a
 * lifetime, session tags, two containers whose records interleave,
 * nesting and the forgery flag, records that would cut a running
 * container's lifetime short, two claims of one ID (a conflict: the claim
 * from outside any container preferred), a stop reason as long as acid
 * writes, hostile lines (warnings, the rest read), an aggregator's log
 * of several nodes with colliding pids, sessions and serials (a
 * container is (node, ID)),
 * more warnings than are printed, over-long lines, damaged fields; the
 * fast reader and the libauparse reader give the same answers; the
 * printers (test-attr-state.c: a container's state, auditd's files,
 * escaping; test-attr-stream.c: the reader fed record by record).
 *
 * Here one node's logs; an aggregator's log of several nodes:
 * test-auditlog-fleet.c; the events printed raw and interpreted, and
 * many warnings: test-auditlog-print.c; shared helpers: auditlog-test.h.
 *
 * usage: test-auditlog DATADIR
 */
#include "auditlog-test.h"

static void test_ancestry(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	struct warns w;
	const struct acid_attr_container *c;
	struct acid_attr *log;

	warns_open(&w);
	log = run("ancestry.log", ref, "web-1", &g, w.f);
	is_int(warns_lines(&w), 0, "%s: ancestry.log: warnings", m);
	is_int(acid_attr_count(log), 1, "%s: ancestry.log: containers", m);
	c = find(log, WEB1);
	if (!ok(c != NULL, "%s: ancestry.log: container %s found", m, WEB1))
		goto out;
	is_str(c->name, "web-1", "%s: name", m);
	is_str(c->bundle, "/srv/b", "%s: bundle", m);
	is_int(c->vm_pid, 5000, "%s: vm-pid", m);
	is_int(c->sender, 4995, "%s: sender of the start record", m);
	is_int(c->ses_tag, 0, "%s: no session tag", m);
	is_int(c->has_start, 1, "%s: has a start record", m);
	is_u64(c->start.serial, 12, "%s: start serial", m);
	is_int(c->end, ACID_ATTR_END_STOP, "%s: ended by a stop record", m);
	is_u64(c->stop.serial, 25, "%s: stop serial", m);
	is_str(c->reason, "exit", "%s: stop reason", m);
	is_int(c->forged, 0, "%s: not forged", m);
	/*
	 * 13 init's exec (parent outside: it is the init), 14 its clone,
	 * 16 child, 17 child's clone, 18 orphan reparented to the init,
	 * 19 a kernel record with pid only, 24 AVC+SYSCALL counted once.
	 * Not: 10-11 before start, 15/21 host, 20 host message naming
	 * container pids inside msg='', 22 host process on a reused pid,
	 * 23 that pid again, 26-27 after the stop.
	 */
	is_u64(c->events, 7, "%s: events attributed", m);
	SERIALS(&g, "ancestry.log: acid events web-1", 12, 13, 14, 16, 17,
		18, 19, 24, 25);
out:
	acid_attr_free(log);
	warns_close(&w);
}

static void test_reuse(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	struct acid_attr *log = run("reuse.log", ref, "job", &g, NULL);
	const struct acid_attr_container *a, *b;

	is_int(acid_attr_count(log), 2, "%s: reuse.log: two runs of \"job\"", m);
	a = find(log, "22222222-3333-4444-8555-666666666666");
	b = find(log, "22222222-3333-4444-8555-777777777777");
	if (ok(a && b, "%s: reuse.log: both runs found", m)) {
		is_u64(a->events, 2, "%s: first run's events", m);
		is_u64(b->events, 2, "%s: second run's events", m);
	}
	/* 44, 45, 47: host processes on the pids of the first run */
	SERIALS(&g, "reuse.log: acid events job (both runs)", 40, 41, 42, 43,
		46, 48, 49, 50);
	acid_attr_free(log);
}

/*
 * A log that holds some records twice (copied into itself): each event
 * is given once, and the replay gives what acid_attr_selected() says.
 */
static void test_repeat(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	struct acid_attr *log = run("repeat.log", ref, "twice", &g, NULL);
	const struct acid_attr_container *c;

	is_int(acid_attr_count(log), 1, "%s: repeat.log: one run of \"twice\"", m);
	c = find(log, "33333333-4444-4555-8666-999999999999");
	if (ok(c != NULL, "%s: repeat.log: \"twice\" found", m))
		is_u64(c->events, 2, "%s: repeat.log: events counted once", m);
	is_u64(g.n, acid_attr_selected(log),
	       "%s: repeat.log: replayed as many events as selected", m);
	SERIALS(&g, "repeat.log: acid events twice (each event once)", 300,
		301, 302, 303);
	acid_attr_free(log);
}

static void test_session(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	struct acid_attr *log = run("session.log", ref, "tagged", &g, NULL);
	const struct acid_attr_container *t, *p;

	t = find(log, "33333333-4444-4555-8666-777777777777");
	p = find(log, "33333333-4444-4555-8666-888888888888");
	if (!ok(t && p, "%s: session.log: both containers found", m))
		goto out;
	is_int(t->ses_tag, 42, "%s: ses-tag", m);
	is_int(p->ses_tag, 0, "%s: the other has none", m);
	/*
	 * 64, 65 the container, 68 its runtime in the session; not 60-62
	 * (before start), 66 (other session), 67 (ancestry but no session),
	 * 73 (after stop); 63 and 72 are its own records.
	 */
	is_u64(t->events, 3, "%s: tagged: events", m);
	is_int(t->forged, 0, "%s: tagged: hooks in its session are not "
	       "\"inside\" it", m);
	SERIALS(&g, "session.log: acid events tagged", 63, 64, 65, 68, 72);
	is_u64(p->events, 3, "%s: plain: events (70, 71, 74)", m);
out:
	acid_attr_free(log);
}

static void test_interleaved(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	char *buf = NULL;
	size_t len = 0, n103 = 0;
	struct acid_attr *log = run("interleaved.log", ref, "east", &g, NULL);
	const struct acid_attr_container *e, *f, *gi, *h;

	e = find(log, "44444444-5555-4666-8777-888888888881");
	f = find(log, "44444444-5555-4666-8777-888888888882");
	gi = find(log, "44444444-5555-4666-8777-888888888883");
	h = find(log, "44444444-5555-4666-8777-888888888884");
	if (!ok(e && f && gi && h, "%s: interleaved.log: 4 containers", m))
		goto out;
	/* 108 and 114 (inner's records) and 112 (west's stop) were sent
	 * from inside east: they are east's events */
	is_u64(e->events, 9, "%s: east: events", m);
	is_u64(f->events, 4, "%s: west: events (103 105 107 110)", m);
	is_u64(gi->events, 1, "%s: inner: events (109)", m);
	is_u64(h->events, 0, "%s: sneaky: events", m);
	is_int(e->forged, 0, "%s: east not forged", m);
	is_int(f->forged, 1, "%s: west's stop came from inside east: forged?",
	       m);
	is_int(f->end, ACID_ATTR_END_NONE, "%s: ... and does not end west", m);
	is_str(gi->parent, e->uuid, "%s: inner's parent", m);
	is_int(gi->forged, 0, "%s: inner: registered from inside its parent "
	       "(nesting), not forged", m);
	is_int(h->forged, 1, "%s: sneaky: registered from inside west without "
	       "a parent: forged?", m);
	is_str(h->reason, "lost", "%s: sneaky's stop reason", m);
	SERIALS(&g, "interleaved.log: acid events east", 100, 102, 104, 106,
		108, 109, 111, 112, 113, 114, 115);
	acid_attr_free(log);

	/* the interleaved lines of an event come out together */
	g.raw = open_memstream(&buf, &len);
	log = run("interleaved.log", ref, "west", &g, NULL);
	fclose(g.raw);
	for (char *p = buf; (p = strstr(p, ":103): ")); p++)
		n103++;
	is_int(n103, 5, "%s: west: the 5 records of event 103", m);
	ok(strstr(buf, ":103): arch=") && strstr(buf, ":103): proctitle=") &&
	   strstr(buf, ":103): proctitle=") > strstr(buf, ":103): arch="),
	   "%s: west: event 103 whole, SYSCALL before PROCTITLE", m);
	free(buf);
out:
	acid_attr_free(log);
}

static void test_hostile(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	struct warns w;
	struct acid_attr *log;
	const struct acid_attr_container *s, *red;

	warns_open(&w);
	log = run("hostile.log", ref, "survivor", &g, w.f);
	/* lines 1 2 4 5 6 7 8 9 10 11 12 14 15 18 19 20: see the README */
	is_int(warns_lines(&w), 16, "%s: hostile.log: one warning per bad "
	       "line", m);
	is_int(acid_attr_skipped(log), 16, "%s: hostile.log: records skipped", m);
	ok(strstr(warns_text(&w), "test: warning: ") &&
	   strstr(warns_text(&w), "hostile.log:5: acid record (serial 151) "
				  "skipped: uuid \"not-a-uuid\" is not a "
				  "container ID\n"),
	   "%s: a warning names the file, the line and the problem", m);
	ok(strstr(warns_text(&w), "hostile.log:13:") == NULL,
	   "%s: someone else's VIRT_CONTROL (virt=kvm) is no warning", m);
	is_int(acid_attr_count(log), 2, "%s: hostile.log: containers", m);
	s = find(log, "55555555-6666-4777-8888-999999999999");
	red = find(log, "55555555-6666-4777-8888-aaaaaaaaaaaa");
	if (ok(s && red, "%s: hostile.log: the valid ones are read", m)) {
		is_u64(s->events, 2, "%s: survivor: events", m);
		is_str(red->name, "\x1b[31mred", "%s: hex name decoded", m);
	}
	SERIALS(&g, "hostile.log: acid events survivor", 166, 167, 168, 169);
	acid_attr_free(log);
	warns_close(&w);
}

/*
 * Records that would end or replace a running container's lifetime, sent
 * from inside it or naming another init: the run goes on, flagged; the
 * two other start records are claims displaced at once.
 */
static void test_hijack(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	struct warns w;
	struct acid_attr *log;
	const struct acid_attr_container *c;

	warns_open(&w);
	log = run("hijack.log", ref, "victim", &g, w.f);
	is_int(acid_attr_count(log), 3, "%s: hijack.log: one run, two displaced "
	       "claims", m);
	c = acid_attr_get(log, 0);
	if (!ok(c != NULL, "%s: hijack.log: victim found", m))
		goto out;
	is_str(c->name, "victim", "%s: its name stays", m);
	is_int(c->vm_pid, 1000, "%s: its init stays", m);
	is_int(c->forged, 1, "%s: forged? (the stop sent from inside)", m);
	is_int(c->conflict, 1, "%s: conflict", m);
	is_int(c->end, ACID_ATTR_END_STOP, "%s: a run that ended", m);
	is_u64(c->stop.serial, 207, "%s: ended by the stop sent from outside",
	       m);
	/* 203 was sent by its process 1001: an event of it like any other */
	is_u64(c->events, 4, "%s: events (201 202 203 206)", m);
	for (size_t i = 1; i < 3 && acid_attr_count(log) == 3; i++) {
		const struct acid_attr_container *d = acid_attr_get(log, i);

		is_str(d->uuid, c->uuid, "%s: claim %zu: the victim's ID", m,
		       i);
		is_int(d->conflict, 1, "%s: claim %zu: conflict", m, i);
		is_int(d->end, ACID_ATTR_END_DISPLACED, "%s: claim %zu: displaced", m,
		       i);
		is_u64(d->stop.serial, d->start.serial, "%s: claim %zu: "
		       "displaced at once", m, i);
		is_u64(d->events, 0, "%s: claim %zu: no events", m, i);
		is_int(acid_attr_state(d, NULL), ACID_ATTR_STATE_DISPLACED, "%s: claim %zu: "
		       "state displaced", m, i);
	}
	if (acid_attr_count(log) == 3) {
		is_str(acid_attr_get(log, 1)->name, "evil", "%s: 203's claim", m);
		is_int(acid_attr_get(log, 1)->forged, 1, "%s: 203 sent from inside: "
		       "forged?", m);
		is_int(acid_attr_get(log, 2)->vm_pid, 2, "%s: 204's claim", m);
		is_int(acid_attr_get(log, 2)->forged, 0, "%s: 204 sent from outside, "
		       "second: displaced, not forged", m);
	}
	is_int(warns_lines(&w), 4, "%s: two starts while it runs (one naming "
	       "vm-pid 1) and a stop from inside: warned", m);
	ok(strstr(warns_text(&w), "hijack.log:12: start record (serial 203) "
				  "for container 77777777-8888-4999-8aaa-"
				  "bbbbbbbbbbbb names vm-pid 1, the host's "
				  "init: not acid's (forged?)\n"),
	   "%s: vm-pid 1 is not acid's", m);
	ok(strstr(warns_text(&w), "hijack.log:12: start record (serial 203) "
				  "for container 77777777-8888-4999-8aaa-"
				  "bbbbbbbbbbbb while it runs, naming \"evil\" "
				  "vm-pid 1, sent by pid 1001 inside a "
				  "container (its start at "),
	   "%s: the warning says what the record claims", m);
	ok(strstr(warns_text(&w), "hijack.log:13: start record (serial 204) "
				  "for container 77777777-8888-4999-8aaa-"
				  "bbbbbbbbbbbb while it runs, naming "
				  "\"victim\" vm-pid 2, sent by pid 995 "
				  "outside any container (its start at "),
	   "%s: and who sent it", m);
	ok(strstr(warns_text(&w), "): conflict, the run goes on\n"),
	   "%s: and that it is a conflict", m);
	ok(strstr(warns_text(&w), ": stop record (serial 205) for container "
				  "77777777-8888-4999-8aaa-bbbbbbbbbbbb "
				  "(\"victim\") sent by pid 1001 inside a "
				  "container: the run goes on (forged?)\n"),
	   "%s: and names the sender", m);
	SERIALS(&g, "hijack.log: acid events victim", 200, 201, 202, 203, 204,
		205, 206, 207);
out:
	acid_attr_free(log);
	warns_close(&w);
}

#define CONFLICT_UUID "c0c0c0c0-1111-4222-8333-444444444444"

static bool by_uuid(const struct acid_attr_container *c, void *arg)
{
	return strcmp(c->uuid, (const char *)arg) == 0;
}

/*
 * conflict.log: a container forges the start record of a UUID before the
 * genuine one comes, and again while it runs; a container is named like
 * that UUID. The genuine run gets the events from its start on, both
 * sides are flagged, a UUID selects IDs only.
 */
static void test_conflict(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	const struct acid_attr_container *evil, *forged, *genuine, *late, *imp;
	struct got g = { 0 };
	struct warns w;
	struct acid_attr *log;

	warns_open(&w);
	log = run_by("conflict.log", ref, by_uuid, CONFLICT_UUID, &g, w.f);
	if (!ok(acid_attr_count(log) == 5, "%s: conflict.log: 5 containers (got %zu)",
		m, acid_attr_count(log)))
		goto out;
	evil = acid_attr_get(log, 0);
	forged = acid_attr_get(log, 1);
	genuine = acid_attr_get(log, 2);
	late = acid_attr_get(log, 3);
	imp = acid_attr_get(log, 4);
	is_str(forged->uuid, CONFLICT_UUID, "%s: the forged claim", m);
	is_int(forged->forged, 1, "%s: forged claim: forged?", m);
	is_int(forged->conflict, 1, "%s: forged claim: conflict", m);
	is_int(forged->end, ACID_ATTR_END_DISPLACED, "%s: forged claim: displaced", m);
	is_u64(forged->stop.serial, 502, "%s: ... by the genuine start", m);
	is_int(acid_attr_state(forged, NULL), ACID_ATTR_STATE_DISPLACED,
	       "%s: forged claim: state displaced", m);
	/* 501: the hook, a child of 4990, the claimed init */
	is_u64(forged->events, 1, "%s: forged claim: 501 (before 502)", m);
	is_int(forged->vm_pid, 4990, "%s: forged claim: the runtime", m);

	is_str(genuine->uuid, CONFLICT_UUID, "%s: the genuine run", m);
	is_int(genuine->forged, 0, "%s: genuine: not forged", m);
	is_int(genuine->conflict, 1, "%s: genuine: conflict", m);
	is_int(genuine->vm_pid, 5000, "%s: genuine: its init", m);
	is_int(genuine->sender, 4995, "%s: genuine: its sender", m);
	is_u64(genuine->start.serial, 502, "%s: genuine: start", m);
	is_int(genuine->end, ACID_ATTR_END_STOP, "%s: genuine: ended", m);
	is_u64(genuine->stop.serial, 507, "%s: genuine: by its stop", m);
	is_u64(genuine->events, 2, "%s: genuine: 503 505", m);

	is_int(late->forged, 1, "%s: late claim: forged?", m);
	is_int(late->conflict, 1, "%s: late claim: conflict", m);
	is_int(late->end, ACID_ATTR_END_DISPLACED, "%s: late claim: displaced", m);
	is_u64(late->stop.serial, 506, "%s: ... at once", m);
	is_u64(late->events, 0, "%s: late claim: no events", m);

	is_str(evil->name, "evil", "%s: the forger's container", m);
	is_int(evil->forged, 0, "%s: evil: not forged", m);
	is_int(evil->conflict, 0, "%s: evil: no conflict of its own", m);
	is_u64(evil->events, 3, "%s: evil: 499 and the records it sent, 500 "
	       "506", m);

	is_str(imp->name, CONFLICT_UUID, "%s: impostor named like the ID", m);
	is_int(imp->conflict, 0, "%s: impostor: no conflict (another ID)", m);

	/* acid events UUID: both claims' records, the genuine run's events */
	SERIALS(&g, "conflict.log: acid events " CONFLICT_UUID, 500, 501, 502,
		503, 505, 506, 507);
	is_int(warns_lines(&w), 3, "%s: conflict.log: three warnings", m);
	ok(strstr(warns_text(&w), "conflict.log:9: start record (serial 502) "
				  "for container " CONFLICT_UUID ", sent by "
				  "pid 4995 outside any container, displaces "
				  "the claim sent from inside a container at "),
	   "%s: the displacement is warned about", m);
out:
	acid_attr_free(log);
	warns_close(&w);
}

#define PID1_UUID "f0f0f0f0-1111-4222-8333-000000000001"

/*
 * pid1.log: a start record that names the host's init (vm-pid=1), sent by
 * a process the log does not show inside a container. Every process
 * descends from pid 1: were its run given a process set, all the host's
 * later processes (sshd, a user's shell) would be this "container's", in
 * acid events and in the live plugin alike. It is listed, forged?, with
 * its own record and nothing else.
 */
static void test_pid1_claim(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	const struct acid_attr_container *c;
	struct got g = { 0 };
	struct warns w;
	struct acid_attr *log;

	warns_open(&w);
	log = run_by("pid1.log", ref, by_uuid, PID1_UUID, &g, w.f);
	if (!ok(acid_attr_count(log) == 1, "%s: pid1.log: 1 container (got %zu)",
		m, acid_attr_count(log)))
		goto out;
	c = acid_attr_get(log, 0);
	is_int(c->forged, 1, "%s: pid1.log: a claim of vm-pid 1 is forged?", m);
	is_u64(c->events, 0, "%s: pid1.log: the host's processes are not its "
	       "(got %" PRIu64 ")", m, c->events);
	SERIALS(&g, "pid1.log: acid events " PID1_UUID, 900);
	ok(strstr(warns_text(&w), "names vm-pid 1, the host's init: not "
				  "acid's (forged?)") != NULL,
	   "%s: pid1.log: warned about", m);
out:
	acid_attr_free(log);
	warns_close(&w);
}

/*
 * Lines damaged in ways seen while fuzzing: a 0x1d inside the type or the
 * node name (libauparse splits there and leaks a half record: not a
 * record for us), a field with no value (libauparse drops it: so do we).
 */
static void test_odd_fields(bool ref)
{
	static const char text[] =
		"type=VIRT_CONTROL msg=audit(1795861416.000:1): pid=1 uid=0 "
		"auid=4294967295 ses=4294967295 msg='virt=oci op=start "
		"reason=register vm=\"odd\" "
		"uuid=66666666-7777-4888-8999-aaaaaaaaaaaa vm-pid=7 "
		"exe=\"/x\" hostname=? addr=? terminal=? res=success'\n"
		"type=\x1dPATH msg=audit(1795861416.000:2): item=0\n"
		"node=a\x1d" "b type=SYSCALL "
		"msg=audit(1795861416.000:3): pid=7\n"
		"type=SYSCALL msg=audit(1795861416.000:4): arch=c000003e "
		"syscall=59 pid= ppid=7 pid=8 ses=4294967295\n"
		"type=SYSCALL msg=audit(1795861416.000:5): arch=c000003e "
		"syscall=59 ppid=8 pid=9 ses= ses=4294967295\n";
	const char *m = ref ? "reference" : "fast";
	char tmpl[] = "/tmp/test-auditlog-odd-XXXXXX";
	struct got g = { 0 };
	struct warns w;
	struct acid_attr *log;
	int fd = mkstemp(tmpl);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		bail("mkstemp");
	close(fd);
	warns_open(&w);
	log = run(tmpl, ref, "odd", &g, w.f);
	is_int(warns_lines(&w), 2, "%s: odd: 0x1d in a type or a node name: "
	       "not a record", m);
	SERIALS(&g, "odd: an empty pid= is no field, the next one counts",
		1, 4, 5);
	acid_attr_free(log);
	warns_close(&w);
	unlink(tmpl);
}

/* @text into a fresh file made from @tmpl (mkstemp form). */
static void write_tmp(char *tmpl, const char *text)
{
	int fd = mkstemp(tmpl);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		bail("mkstemp %s", tmpl);
	close(fd);
}

/* An acid record of @pid: op, name, uuid, vm-pid, reason; serial @n. */
static char *acid_line(unsigned int n, unsigned int pid, bool start,
		       const char *reason, const char *vm, const char *uuid,
		       unsigned int vm_pid)
{
	char *l;

	if (asprintf(&l, "type=VIRT_CONTROL msg=audit(1795861500.%03u:%u): "
		     "pid=%u uid=0 auid=4294967295 ses=4294967295 "
		     "msg='virt=oci op=%s reason=%s vm=%s uuid=%s vm-pid=%u "
		     "exe=\"/x\" hostname=? addr=? terminal=? res=success'\n",
		     n % 1000, n, pid, start ? "start" : "stop", reason, vm,
		     uuid, vm_pid) < 0)
		bail("asprintf");
	return l;
}

/*
 * A stop reason of ACID_REASON_MAX bytes is what acid_log_stop() writes
 * at most: the reader takes it, and refuses one byte more.
 */
static void test_reason_length(bool ref)
{
	static const char *const uuids[3] = {
		"31313131-3131-4131-8131-313131313131",
		"32323232-3232-4232-8232-323232323232",
		"33333333-3333-4333-8333-333333333333",
	};
	const char *m = ref ? "reference" : "fast";
	char tmpl[] = "/tmp/test-auditlog-reason-XXXXXX";
	char reason[3][ACID_REASON_MAX + 2], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct warns w;
	struct acid_attr *log;

	if (!f)
		bail("open_memstream");
	for (int i = 0; i < 3; i++) {
		char *a, *b;

		memset(reason[i], 'a', ACID_REASON_MAX - 1 + (size_t)i);
		reason[i][ACID_REASON_MAX - 1 + i] = '\0';
		a = acid_line(10 + 2 * (unsigned int)i, 100, true, "register",
			      "\"r\"", uuids[i], 200 + (unsigned int)i);
		b = acid_line(11 + 2 * (unsigned int)i, 100, false, reason[i],
			      "\"r\"", uuids[i], 200 + (unsigned int)i);
		fputs(a, f);
		fputs(b, f);
		free(a);
		free(b);
	}
	fclose(f);
	write_tmp(tmpl, text);
	warns_open(&w);
	log = run(tmpl, ref, NULL, NULL, w.f);
	for (int i = 0; i < 3; i++) {
		const struct acid_attr_container *c = find(log, uuids[i]);
		size_t n = strlen(reason[i]);

		if (!ok(c != NULL, "%s: reason of %zu bytes: container found",
			m, n))
			continue;
		if (n <= ACID_REASON_MAX) {
			is_int(c->end, ACID_ATTR_END_STOP, "%s: reason of %zu bytes: "
			       "the stop record counts", m, n);
			is_str(c->reason, reason[i], "%s: reason of %zu bytes "
			       "kept whole", m, n);
		} else {
			is_int(c->end, ACID_ATTR_END_NONE, "%s: reason of %zu bytes: "
			       "not acid's, skipped", m, n);
		}
	}
	is_int(warns_lines(&w), 1, "%s: one warning, for the 33 bytes", m);
	ok(strstr(warns_text(&w), "is not a reason") != NULL,
	   "%s: it says the reason is not one", m);
	acid_attr_free(log);
	warns_close(&w);
	unlink(tmpl);
	free(text);
}

/*
 * A kernel that holds container IDs (kernel/audit-containerid.patch):
 * its CONTAINER_ID record decides, not ancestry or session.
 */
static void test_kernel(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	struct got g = { 0 };
	struct warns w;
	const struct acid_attr_container *kc = NULL, *kc2 = NULL, *kr, *sneak,
				  *sneak2, *honest;
	struct acid_attr *log;

	warns_open(&w);
	log = run("kernel.log", ref, "kc", &g, w.f);
	is_int(warns_lines(&w), 0, "%s: kernel.log: warnings", m);
	is_int(acid_attr_count(log), 6, "%s: kernel.log: runs", m);
	for (size_t i = 0; i < acid_attr_count(log); i++) {
		const struct acid_attr_container *c = acid_attr_get(log, i);

		if (!strcmp(c->uuid, "00000000-0000-0000-0000-000000001092"))
			*(kc ? &kc2 : &kc) = c;
	}
	kr = find(log, "00000000-0000-0000-0000-00000000004d");
	sneak = find(log, "44444444-5555-4666-8777-888888888888");
	sneak2 = find(log, "44444444-5555-4666-8777-999999999999");
	honest = find(log, "55555555-6666-4777-8888-999999999999");
	if (!ok(kc && kc2 && kr && sneak && sneak2 && honest,
		"%s: kernel.log: every run found", m))
		goto out;
	/*
	 * 402 the init, 403 a child of a subshell never seen (ancestry
	 * misses it), 405 a process given the ID from outside, 414, and
	 * 417 whose CONTAINER_ID comes after another event's records. Not:
	 * 404 (a child of the init without the kernel's record), 406 host,
	 * 407 another ID, 415 a host process on a pid kc used, 418 host.
	 */
	is_u64(kc->events, 5, "%s: kc: events by CONTAINER_ID", m);
	/* its second run, same ID, no set record: ancestry (441) */
	is_u64(kc2->events, 1, "%s: kc's second run, on no kernel's word: by "
	       "ancestry", m);
	SERIALS(&g, "kernel.log: acid events kc (both runs; the kernel's set, "
		"second set and drop with the first)", 400, 401, 402, 403, 405,
		413, 414, 417, 420, 421, 440, 441, 442);
	/* 4002 carried kc's ID: a start record it sends is from inside */
	is_int(sneak->forged, 1, "%s: sneak, registered from inside kc: "
	       "forged?", m);
	is_int(sneak2->forged, 1, "%s: sneak2, from 4020, whose CONTAINER_ID "
	       "came after another event's records: forged?", m);
	is_int(honest->forged, 0, "%s: honest, from a host process on a pid "
	       "kc used before: not forged", m);
	/* the set record rotated away: the first CONTAINER_ID tells */
	is_u64(kr->events, 1, "%s: kr: 431 only (432 has no CONTAINER_ID)",
	       m);
out:
	acid_attr_free(log);
	warns_close(&w);
}

/* ------------------------------------------------------------ exec.log */

#define JOINED "55555555-6666-4777-8888-999999999991"
#define SESS "55555555-6666-4777-8888-999999999992"
#define QUIET "55555555-6666-4777-8888-999999999993"
#define LATE "55555555-6666-4777-8888-999999999994"
#define FAKE "55555555-6666-4777-8888-999999999995"

/* The links a first reader found, as acid events collects them. */
struct links {
	char node[8][32];
	char uuid[8][ACID_ATTR_ID_STRLEN];
	char trigger[8][48];
	pid_t pid[8];
	bool forged[8], applied[8];
	char reason[8][16];
	uint32_t ses_tag[8];
	size_t n;
};

static void on_link(const struct acid_attr_link_info *li, void *arg)
{
	struct links *ls = arg;
	size_t i = ls->n;

	if (i >= 8 || li->size < sizeof(*li))
		return;
	snprintf(ls->node[i], sizeof(ls->node[i]), "%s",
		 li->node ? li->node : "");
	snprintf(ls->uuid[i], sizeof(ls->uuid[i]), "%s", li->uuid);
	snprintf(ls->trigger[i], sizeof(ls->trigger[i]), "%s", li->trigger);
	snprintf(ls->reason[i], sizeof(ls->reason[i]), "%s", li->reason);
	ls->pid[i] = li->task_pid;
	ls->forged[i] = li->forged;
	ls->applied[i] = li->applied;
	ls->ses_tag[i] = li->ses_tag;
	ls->n++;
}

/*
 * exec.log read as acid events reads it: a first reader for the links
 * with a trigger, then the reader that selects @name, given them first
 * (@prescan false: read once, links from their record on).
 */
static struct acid_attr *run_exec(bool ref, bool prescan, const char *name,
				  struct got *g, FILE *warn,
				  struct links *ls)
{
	char *p = path_of("exec.log");
	struct acid_attr *pre, *log;
	int r;

	memset(ls, 0, sizeof(*ls));
	if (acid_attr_new(ref ? ACID_ATTR_REFERENCE : 0, &pre) < 0 ||
	    acid_attr_new(ref ? ACID_ATTR_REFERENCE : 0, &log) < 0)
		bail("acid_attr_new");
	acid_attr_set_link(pre, on_link, ls);
	if (acid_attr_feed_file(pre, p) < 0 || acid_attr_finish(pre) < 0)
		bail("exec.log");
	acid_attr_free(pre);
	for (size_t i = 0; prescan && i < ls->n; i++) {
		if (!ls->applied[i] || !ls->trigger[i][0])
			continue;
		r = acid_attr_link(log, ls->node[i][0] ? ls->node[i] : NULL,
				   ls->uuid[i], ls->pid[i], ls->trigger[i]);
		if (r < 0)
			bail("acid_attr_link: %s", strerror(-r));
	}
	if (warn)
		acid_attr_set_warn(log, warn_to, warn);
	acid_attr_set_select(log, by_name, (void *)name);
	g->n = 0;
	acid_attr_set_event(log, collect, g);
	if (acid_attr_feed_file(log, p) < 0 || acid_attr_finish(log) < 0)
		bail("exec.log");
	free(p);
	return log;
}

static void test_exec(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	const struct acid_attr_container *j, *s, *q, *l, *f;
	struct got g = { 0 };
	struct links ls;
	struct warns w;
	struct acid_attr *log;

	/* read once: a link counts from its own record on */
	log = run_exec(ref, false, "joined", &g, NULL, &ls);
	l = find(log, LATE);
	f = find(log, FAKE);
	if (ok(l && f, "%s: read once: late and fake found", m)) {
		is_u64(l->events, 0, "%s: read once: late: 8420 before its "
		       "link is not late's", m);
		is_int(f->forged, 0, "%s: read once: fake's start record "
		       "looks sent from outside", m);
	}
	j = find(log, JOINED);
	if (ok(j != NULL, "%s: exec.log: joined found", m)) {
		/*
		 * 202, 203 the init; 218 a child of 5420, linked at 217;
		 * 229 the init's child; 240, 247 records its 5399 sent;
		 * 246 its namespace change. Not 214, 215 (5420 before its
		 * link), 224-227 (the joiner before its link), 216 (host
		 * pid 7: 5420's clone3 returned a pid of the container's
		 * namespace), 219 (host), 249 (after the stop).
		 */
		is_u64(j->events, 7, "%s: read once: joined's events", m);
		SERIALS(&g, "exec.log read once: acid events joined", 201,
			202, 203, 217, 218, 228, 229, 240, 246, 247, 248);
	}
	acid_attr_free(log);

	/* with the first pass: from the trigger event on */
	warns_open(&w);
	log = run_exec(ref, true, "joined", &g, w.f, &ls);
	is_int(ls.n, 8, "%s: exec.log: eight valid link records told", m);
	if (ls.n == 8) {
		is_str(ls.uuid[0], JOINED, "%s: link 1: joined", m);
		is_int(ls.pid[0], 5420, "%s: link 1: task-pid 5420", m);
		is_str(ls.trigger[0], "1795861420.856:214",
		       "%s: link 1: trigger = the execve's event", m);
		is_str(ls.reason[0], "setns", "%s: link 1: reason", m);
		ok(ls.applied[0] && !ls.forged[0], "%s: link 1 applied", m);
		is_str(ls.trigger[1], "1795861420.896:224",
		       "%s: link 2: trigger = the joiner's setns", m);
		is_int(ls.pid[1], 5439, "%s: link 2: the joiner 5439", m);
		is_str(ls.reason[2], "session", "%s: link 3: session", m);
		is_int(ls.ses_tag[2], 77, "%s: link 3: ses-tag 77", m);
		is_str(ls.trigger[3], "", "%s: link 4: no trigger", m);
		ok(ls.forged[4] && !ls.applied[4],
		   "%s: link 5 (from inside joined): forged, not applied", m);
		ok(!ls.applied[5] && !ls.forged[5] && !ls.node[5][0],
		   "%s: link 6 (an ID with no run): not applied", m);
		ok(!ls.applied[6] && !ls.forged[6] &&
		   strcmp(ls.node[6], "other") == 0,
		   "%s: link 7 (node other): not applied", m);
	}
	j = find(log, JOINED);
	s = find(log, SESS);
	q = find(log, QUIET);
	l = find(log, LATE);
	f = find(log, FAKE);
	if (!ok(j && s && q && l && f, "%s: exec.log: 5 containers", m))
		goto out;
	/* 8420 in late from its execve (255) on: its start record of fake
	 * (256) came from inside late */
	is_u64(l->events, 2, "%s: pre-scanned: late: 255, 256", m);
	is_int(f->forged, 1, "%s: pre-scanned: fake, sent by a process runc "
	       "exec put in late: forged?", m);
	is_int(f->end, ACID_ATTR_END_STOP, "%s: fake: stopped", m);
	/*
	 * And 214, 215 (5420 from its execve on), 224-227 (the joiner
	 * from its first setns; 5440 by its CLONE_PARENT clone).
	 */
	is_u64(j->events, 13, "%s: pre-scanned: joined's events", m);
	SERIALS(&g, "exec.log pre-scanned: acid events joined", 201, 202,
		203, 214, 215, 217, 218, 224, 225, 226, 227, 228, 229, 240,
		246, 247, 248);
	is_int(j->forged, 0, "%s: joined: not forged", m);
	is_int(j->end, ACID_ATTR_END_STOP, "%s: joined: stopped", m);
	/*
	 * sess: 231 its init, 234 and 235 in session 77 after acid-exec's
	 * link, 238 the child of 6430 (linked without trigger; no session
	 * of sess: by S). Not 232 (session 77 before the link), 236
	 * (6430 before its link), 239, 241 (the pid the forged link
	 * named), 244 (another node's link), 251 (after the stop).
	 */
	is_u64(s->events, 4, "%s: sess: events", m);
	is_int(s->forged, 1, "%s: sess: a link sent from inside joined: "
	       "forged?", m);
	is_int(q->forged, 1, "%s: quiet: a resrc=ns record sent from inside "
	       "joined: forged?", m);
	is_u64(q->events, 0, "%s: quiet: the forged record not counted", m);
	is_int(warns_lines(&w), 4, "%s: exec.log: 4 warnings", m);
	ok(strstr(warns_text(&w), "link record (serial 240) for container "
		  SESS " (\"sess\") sent by pid 5399 inside a container: not "
		  "applied (forged?)") != NULL,
	   "%s: the forged link's warning", m);
	ok(strstr(warns_text(&w), "link record (serial 242, op=exec "
		  "reason=setns task-pid=6002) for container "
		  "55555555-6666-4777-8888-999999999999, which is not running: "
		  "ignored") != NULL, "%s: the unknown ID's warning", m);
	ok(strstr(warns_text(&w), "(serial 243, op=exec reason=setns "
		  "task-pid=6003) for container " JOINED ", which is not "
		  "running on this node: ignored") != NULL,
	   "%s: the other node's warning", m);
	ok(strstr(warns_text(&w), "namespace change record (serial 247) for "
		  "container " QUIET " (\"quiet\") sent by pid 5399 inside a "
		  "container (forged?)") != NULL,
	   "%s: the forged resrc=ns warning", m);
out:
	acid_attr_free(log);
	warns_close(&w);

	log = run_exec(ref, true, "sess", &g, NULL, &ls);
	SERIALS(&g, "exec.log: acid events sess", 230, 231, 233, 234, 235,
		237, 238, 240, 250);
	acid_attr_free(log);
	log = run_exec(ref, true, "quiet", &g, NULL, &ls);
	SERIALS(&g, "exec.log: acid events quiet", 245, 247, 252);
	acid_attr_free(log);
}

/* acid_attr_link: its arguments, a run not open, the cap on waiting. */
static void test_link_api(void)
{
	struct acid_attr *a;
	char line[600];
	int r = 0;

	if (acid_attr_new(0, &a) < 0)
		bail("acid_attr_new");
	is_int(acid_attr_link(a, NULL, "not-an-id", 100, NULL), -EINVAL,
	       "link: a bad ID: -EINVAL");
	is_int(acid_attr_link(a, NULL, WEB1, 1, NULL), -EINVAL,
	       "link: pid 1: -EINVAL");
	is_int(acid_attr_link(a, NULL, WEB1, 100, "1795861420.85:214"),
	       -EINVAL, "link: a trigger with two digits of ms: -EINVAL");
	is_int(acid_attr_link(a, NULL, WEB1, 100, "1795861420.856:"),
	       -EINVAL, "link: a trigger without serial: -EINVAL");
	is_int(acid_attr_link(a, NULL, WEB1, 100, NULL), -ENOENT,
	       "link: now, no such open run: -ENOENT");
	is_int(acid_attr_link(a, "nowhere", WEB1, 100, NULL), -ENOENT,
	       "link: now, a node never heard of: -ENOENT");
	is_int(acid_attr_link(a, NULL, WEB1, 100, "1795861420.856:214"), 0,
	       "link: with a trigger, waits for its event");
	for (int i = 1; i < ACID_ATTR_MAX_LINKS && !r; i++) {
		snprintf(line, sizeof(line), "1795861420.856:%d", 1000 + i);
		r = acid_attr_link(a, NULL, WEB1, 100, line);
	}
	is_int(r, 0, "link: %d links wait", ACID_ATTR_MAX_LINKS);
	is_int(acid_attr_link(a, NULL, WEB1, 100, "1795861420.856:9"),
	       -ENOSPC, "link: one more: -ENOSPC");
	/* the run, then its trigger event: the waiting link is applied */
	snprintf(line, sizeof(line), "type=VIRT_CONTROL msg=audit("
		 "1795861420.800:200): pid=90 uid=0 auid=4294967295 "
		 "ses=4294967295 msg='virt=oci op=start reason=register "
		 "vm=\"w\" uuid=%s vm-pid=200 exe=\"/x\" hostname=? addr=? "
		 "terminal=? res=success'", WEB1);
	is_int(acid_attr_feed(a, line, strlen(line)), 0, "link: start fed");
	snprintf(line, sizeof(line), "type=SYSCALL msg=audit(1795861420.856:"
		 "214): arch=c000003e syscall=59 success=yes exit=0 ppid=50 "
		 "pid=100 ses=4294967295");
	is_int(acid_attr_feed(a, line, strlen(line)), 0, "link: trigger fed");
	is_u64(acid_attr_get(a, 0)->events, 1,
	       "link: the trigger event is the run's (its parent outside)");
	is_int(acid_attr_link(a, NULL, WEB1, 100, "1795861420.856:9"), 0,
	       "link: one waits fewer: room again");
	is_int(acid_attr_link(a, NULL, WEB1, 300, NULL), 0,
	       "link: now, the open run: 0");
	snprintf(line, sizeof(line), "type=SYSCALL msg=audit(1795861420.860:"
		 "215): arch=c000003e syscall=59 success=yes exit=0 ppid=51 "
		 "pid=300 ses=4294967295");
	is_int(acid_attr_feed(a, line, strlen(line)), 0, "link: 300 fed");
	is_u64(acid_attr_get(a, 0)->events, 2, "link: 300 is the run's");

	/*
	 * Clones by the root 300 (its parent 51 outside S): with
	 * CLONE_PARENT (a0 0x8000) its child is the run's though its
	 * parent is 51 - i386 and aarch64 by their own numbers; fork,
	 * clone3 and a clone without CLONE_PARENT add nothing (their
	 * exit value may be a pid of the container's pid namespace).
	 */
	{
		static const struct { const char *sys; unsigned int child;
				      unsigned int counted; } c[] = {
			{ "arch=40000003 syscall=120 success=yes exit=401 a0=8011",
			  401, 1 },
			{ "arch=c00000b7 syscall=220 success=yes exit=402 a0=8011",
			  402, 1 },
			{ "arch=c000003e syscall=56 success=yes exit=403 a0=8011",
			  403, 1 },
			{ "arch=c000003e syscall=57 success=yes exit=404 a0=0",
			  404, 0 },
			{ "arch=c000003e syscall=435 success=yes exit=405 a0=8011",
			  405, 0 },
			{ "arch=c000003e syscall=56 success=yes exit=406 a0=1200011",
			  406, 0 },
			{ "arch=c000003e syscall=56 success=no exit=-11 a0=8011",
			  407, 0 },
			{ "arch=40000003 syscall=56 success=yes exit=408 a0=8011",
			  408, 0 },
		};
		unsigned int serial = 300;

		for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			uint64_t before;

			snprintf(line, sizeof(line), "type=SYSCALL msg=audit("
				 "1795861421.000:%u): %s ppid=51 pid=300 "
				 "ses=4294967295", serial++, c[i].sys);
			acid_attr_feed(a, line, strlen(line));
			before = acid_attr_get(a, 0)->events;
			snprintf(line, sizeof(line), "type=SYSCALL msg=audit("
				 "1795861421.000:%u): arch=c000003e syscall=59 "
				 "success=yes exit=0 ppid=51 pid=%u "
				 "ses=4294967295", serial++, c[i].child);
			acid_attr_feed(a, line, strlen(line));
			is_u64(acid_attr_get(a, 0)->events - before,
			       c[i].counted, "clone by a root: %s: child %s",
			       c[i].sys, c[i].counted ? "the run's"
						      : "not the run's");
		}
	}
	acid_attr_free(a);
}

/* Both readers agree on every container and every selection. */
static void test_same_both_ways(void)
{
	static const char *const files[] = {
		"ancestry.log", "reuse.log", "session.log", "interleaved.log",
		"hostile.log", "hijack.log", "repeat.log", "kernel.log",
		"conflict.log", "fleet.log", "pid1.log", "exec.log",
	};
	static const char *const names[] = {
		"web-1", "job", "tagged", "plain", "east", "west", "inner",
		"sneaky", "survivor", "victim", "twice", "kc", "kr", "sneak",
		"sneak2", "honest", "web", "evil", CONFLICT_UUID, "hashed",
		"joined", "sess", "quiet", "late", "fake",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		bool same = true;

		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			struct got a = { 0 }, b = { 0 };
			struct acid_attr *fa, *fb;

			fa = run(files[i], false, names[k], &a, NULL);
			fb = run(files[i], true, names[k], &b, NULL);
			same = same && acid_attr_count(fa) == acid_attr_count(fb) &&
			       a.n == b.n &&
			       memcmp(a.serial, b.serial,
				      a.n * sizeof(a.serial[0])) == 0;
			for (size_t j = 0; same && j < acid_attr_count(fa); j++) {
				const struct acid_attr_container *x = acid_attr_get(fa, j),
							  *y = acid_attr_get(fb, j);

				same = strcmp(x->uuid, y->uuid) == 0 &&
				       same_node(x->node, y->node) &&
				       x->events == y->events &&
				       x->forged == y->forged &&
				       x->conflict == y->conflict &&
				       x->end == y->end &&
				       x->start.serial == y->start.serial &&
				       x->stop.serial == y->stop.serial;
			}
			acid_attr_free(fa);
			acid_attr_free(fb);
		}
		ok(same, "%s: the fast reader and libauparse agree", files[i]);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2)
		bail("usage: test-auditlog DATADIR");
	datadir = argv[1];
	for (int ref = 0; ref <= 1; ref++) {
		test_ancestry(ref);
		test_reuse(ref);
		test_repeat(ref);
		test_session(ref);
		test_interleaved(ref);
		test_hostile(ref);
		test_hijack(ref);
		test_odd_fields(ref);
		test_kernel(ref);
		test_reason_length(ref);
		test_conflict(ref);
		test_pid1_claim(ref);
		test_exec(ref);
	}
	test_link_api();
	test_same_both_ways();
	return tap_done();
}
