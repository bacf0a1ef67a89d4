// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-attr-state - libacid-attribution's helpers for a report: a
 * container's state now against a prepared procfs, auditd's log files
 * (its config, the rotated files), names made safe for a terminal.
 *
 * usage: test-attr-state DATADIR
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <acid/attribution.h>

#include "tap.h"

static const char *datadir;

/* @file of the data dir read whole, no container selected. */
static struct acid_attr *run(const char *file)
{
	struct acid_attr *log;
	char *p;
	int r;

	if (asprintf(&p, "%s/%s", datadir, file) < 0)
		bail("asprintf");
	r = acid_attr_new(0, &log);
	if (r == 0)
		r = acid_attr_feed_file(log, p);
	if (r == 0)
		r = acid_attr_finish(log);
	if (r)
		bail("reading %s: %d", p, r);
	free(p);
	return log;
}

static const struct acid_attr_container *find(struct acid_attr *log,
					      const char *uuid)
{
	for (size_t i = 0; i < acid_attr_count(log); i++)
		if (strcmp(acid_attr_get(log, i)->uuid, uuid) == 0)
			return acid_attr_get(log, i);
	return NULL;
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		bail("%s", p);
}

/* Running, lost or ended, against a prepared procfs. */
static void test_state(void)
{
	char root[] = "/tmp/test-auditlog-proc-XXXXXX", d[4096], stat[512];
	struct acid_attr *log;
	const struct acid_attr_container *red, *s;
	long tck = sysconf(_SC_CLK_TCK);

	if (!mkdtemp(root))
		bail("mkdtemp");
	put(root, "stat", "cpu  1 2 3 4\nbtime 1795861000\nprocesses 9\n");
	snprintf(d, sizeof(d), "%s/10000", root);
	mkdir(d, 0755);
	log = run("hostile.log");
	red = find(log, "55555555-6666-4777-8888-aaaaaaaaaaaa");
	s = find(log, "55555555-6666-4777-8888-999999999999");
	if (!ok(red && s, "state: containers found"))
		goto out;

	/* started 9 s before its start record (1795861419): its init */
	snprintf(stat, sizeof(stat), "10000 (sh (x) y) S 1 2 3 4 5 6 7 8 9 "
		 "10 11 12 13 14 15 16 17 18 %ld 20 21\n", 410L * tck);
	put(d, "stat", stat);
	is_int(acid_attr_state(red, root), ACID_ATTR_STATE_RUNNING,
	       "state: no stop, init alive and older than the record: running");
	/* started after the record: another process on the same pid */
	snprintf(stat, sizeof(stat), "10000 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 "
		 "13 14 15 16 17 18 %ld 20 21\n", 500L * tck);
	put(d, "stat", stat);
	is_int(acid_attr_state(red, root), ACID_ATTR_STATE_LOST,
	       "state: pid reused by a younger process: lost");
	snprintf(d, sizeof(d), "%s/10000/stat", root);
	unlink(d);
	snprintf(d, sizeof(d), "%s/10000", root);
	is_int(acid_attr_state(red, root), ACID_ATTR_STATE_LOST, "state: no such pid: lost");
	is_int(acid_attr_state(s, root), ACID_ATTR_STATE_ENDED, "state: stop record: ended");
out:
	acid_attr_free(log);
	log = run("interleaved.log");
	s = find(log, "44444444-5555-4666-8777-888888888884");
	if (s)
		is_int(acid_attr_state(s, root), ACID_ATTR_STATE_LOST,
		       "state: stop record with reason=lost: lost");
	acid_attr_free(log);
	rmdir(d);
	snprintf(d, sizeof(d), "%s/stat", root);
	unlink(d);
	rmdir(root);
}

/* log_file from auditd.conf, then its rotations, oldest first. */
static void test_default_inputs(void)
{
	char dir[] = "/tmp/test-auditlog-logs-XXXXXX", conf[4096], text[4200];
	char **files = NULL, want[4096];
	size_t n = 0;
	int r;

	if (!mkdtemp(dir))
		bail("mkdtemp");
	snprintf(conf, sizeof(conf), "%s/auditd.conf", dir);
	snprintf(text, sizeof(text), "# comment\nlocal_events = yes\n"
		 "log_file = %s/a.log\nlog_format = ENRICHED\n", dir);
	put(dir, "auditd.conf", text);
	put(dir, "a.log", "");
	put(dir, "a.log.1", "");
	put(dir, "a.log.2", "");
	put(dir, "a.log.4", ""); /* after a gap: auditd never leaves one */
	r = acid_attr_default_inputs(conf, &files, &n);
	is_err(r, 0, "inputs: found");
	is_int(n, 3, "inputs: the log and two rotated files");
	if (n == 3) {
		snprintf(want, sizeof(want), "%s/a.log.2", dir);
		is_str(files[0], want, "inputs: oldest first");
		snprintf(want, sizeof(want), "%s/a.log", dir);
		is_str(files[2], want, "inputs: the live log last");
	}
	acid_attr_free_inputs(files);

	snprintf(text, sizeof(text), "log_file = %s/none.log\n", dir);
	put(dir, "auditd.conf", text);
	r = acid_attr_default_inputs(conf, &files, &n);
	is_err(r, -ENOENT, "inputs: no log file");
	snprintf(want, sizeof(want), "%s/none.log", dir);
	is_str(files ? files[0] : NULL, want, "inputs: the missing one named");
	acid_attr_free_inputs(files);

	r = acid_attr_default_inputs("/nonexistent/auditd.conf", &files, &n);
	is_str(files ? files[n - 1] : NULL, ACID_ATTR_DEFAULT_LOG,
	       "inputs: no config: auditd's default log");
	acid_attr_free_inputs(files);

	for (const char *const *p = (const char *const[]){ "auditd.conf",
		"a.log", "a.log.1", "a.log.2", "a.log.4", NULL }; *p; p++) {
		snprintf(want, sizeof(want), "%s/%s", dir, *p);
		unlink(want);
	}
	rmdir(dir);
}

static void test_escape(void)
{
	char b[64];

	is_str(acid_attr_escape("web-1", b, sizeof(b)), "web-1", "escape: plain");
	is_str(acid_attr_escape("a\x1b[31mb\\", b, sizeof(b)), "a\\033[31mb\\134",
	       "escape: control bytes and backslash");
	is_str(acid_attr_escape("caf\xc3\xa9", b, sizeof(b)), "caf\xc3\xa9",
	       "escape: valid UTF-8 kept");
	is_str(acid_attr_escape("\xc2\x9b" "x\xff", b, sizeof(b)), "\\302\\233x\\377",
	       "escape: C1 controls and invalid bytes");
	is_str(acid_attr_escape("0123456789012345678901234567890123456789", b, 16),
	       "01234567...", "escape: cut to the buffer");
}

int main(int argc, char **argv)
{
	if (argc != 2)
		bail("usage: test-attr-state DATADIR");
	datadir = argv[1];
	test_state();
	test_default_inputs();
	test_escape();
	return tap_done();
}
