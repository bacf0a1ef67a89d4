// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-auditlog-print - the events libacid-attribution gives as the
 * log's own lines (raw) and interpreted (as ausearch -i), and more
 * warnings than are printed, over-long lines.
 *
 * usage: test-auditlog-print DATADIR (tests/data/auditlog)
 */
#include "auditlog-test.h"

/* The raw output is the log's own lines, the enriched part included. */
static void test_raw_lines(void)
{
	char *path = path_of("ancestry.log"), *buf = NULL, line[16384];
	struct got g = { 0 };
	size_t len = 0, want = 0, same = 0;
	struct acid_attr *log;
	FILE *f;

	g.raw = open_memstream(&buf, &len);
	log = run("ancestry.log", false, "web-1", &g, NULL);
	fclose(g.raw);
	f = fopen(path, "re");
	if (!f)
		bail("%s", path);
	while (fgets(line, sizeof(line), f)) {
		static const char *const serials[] = {
			":12)", ":13)", ":14)", ":16)", ":17)", ":18)",
			":19)", ":24)", ":25)",
		};

		for (size_t i = 0; i < 9; i++) {
			if (!strstr(line, serials[i]))
				continue;
			want++;
			same += strstr(buf, line) != NULL;
		}
	}
	fclose(f);
	is_int(want, 28, "raw: lines of the 9 events in ancestry.log");
	is_int(same, want, "raw: each printed exactly as in the log");
	is_int(strchr(buf, 0x1d) != NULL, 1,
	       "raw: the enriched part (after 0x1d) is kept");
	acid_attr_free(log);
	free(buf);
	free(path);
}

/* ausearch -i's layout: records last to first, times in local time. */
static void test_interpreted(void)
{
	struct got g = { 0 };
	char *buf = NULL;
	size_t len = 0;
	struct acid_attr *log;

	setenv("TZ", "UTC", 1);
	tzset();
	g.interp = open_memstream(&buf, &len);
	log = run("ancestry.log", false, "web-1", &g, NULL);
	fclose(g.interp);
	ok(strncmp(buf, "----\ntype=VIRT_CONTROL msg=audit(11/28/26 "
			"10:23:36.048:12) : pid=4995 uid=root auid=unset "
			"ses=unset msg='virt=oci op=start reason=register "
			"vm=web-1 uuid=" WEB1 " vm-pid=5000 ", 156) == 0,
	   "-i: the start record as ausearch -i prints it");
	ok(strstr(buf, "----\ntype=PROCTITLE msg=audit(11/28/26 "
		       "10:23:36.064:16) : proctitle=/bin/ls -d /CTR.ls \n"),
	   "-i: an execve event starts with its PROCTITLE");
	ok(strstr(buf, "type=EXECVE msg=audit(11/28/26 10:23:36.064:16) : "
		       "argc=3 a0=/bin/ls a1=-d a2=/CTR.ls \n") != NULL,
	   "-i: EXECVE arguments");
	ok(strstr(buf, "type=AVC msg=audit(11/28/26 10:23:36.096:24) : avc:  "
		       "denied  { read } for  pid=5003 comm=cat ") != NULL,
	   "-i: AVC text as the kernel wrote it");
	ok(strstr(buf, "res=success' \n") != NULL,
	   "-i: a user record's fields inside msg='...'");
	acid_attr_free(log);
	free(buf);
}

/* 25 garbage lines, a long line, a line longer than the read buffer,
 * then a good log: a warning each, the log read. */
static void test_many_warnings(void)
{
	char tmpl[] = "/tmp/test-auditlog-XXXXXX";
	char *src = path_of("ancestry.log");
	struct warns w;
	struct acid_attr *log;
	const struct acid_attr_container *c;
	FILE *f, *in;
	int fd = mkstemp(tmpl);
	char line[16384];

	if (fd < 0 || !(f = fdopen(fd, "w")))
		bail("mkstemp");
	for (int i = 0; i < 25; i++)
		fprintf(f, "garbage %d\n", i);
	fputs("type=SYSCALL msg=audit(1795861416.000:1): a0=", f);
	for (int i = 0; i < 70000; i++)
		fputc('A', f);
	fputc('\n', f);
	for (int i = 0; i < 5 * 1024 * 1024; i++)
		fputc('B', f);
	fputc('\n', f);
	in = fopen(src, "re");
	if (!in)
		bail("%s", src);
	while (fgets(line, sizeof(line), in))
		fputs(line, f);
	fclose(in);
	fclose(f);

	warns_open(&w);
	log = run(tmpl, false, NULL, NULL, w.f);
	is_int(warns_lines(&w), 27, "many: every warning is given (the "
	       "tools count them)");
	is_int(acid_attr_skipped(log), 27, "many: 27 records skipped");
	is_int(acid_attr_warnings(log), 27, "many: 27 warnings");
	c = find(log, WEB1);
	ok(c && c->events == 7, "many: the log after them is read (events %"
	   PRIu64 ")", c ? c->events : 0);
	acid_attr_free(log);
	warns_close(&w);

	/* the same lines one by one, to see the long-line warnings */
	f = fopen(tmpl, "w");
	if (!f)
		bail("%s", tmpl);
	fputs("type=SYSCALL msg=audit(1795861416.000:1): a0=", f);
	for (int i = 0; i < 70000; i++)
		fputc('A', f);
	fputc('\n', f);
	for (int i = 0; i < 5 * 1024 * 1024; i++)
		fputc('B', f);
	fputs("\ngarbage\n", f);
	fclose(f);
	warns_open(&w);
	log = run(tmpl, false, NULL, NULL, w.f);
	ok(strstr(warns_text(&w), ":1: line of 70045 bytes, more than "
				  "any audit record: skipped\n"),
	   "long: a complete long line is skipped with a warning");
	ok(strstr(warns_text(&w), ":2: line longer than 65536 bytes, "
				  "more than any audit record: skipped\n"),
	   "long: a line longer than the read buffer too");
	ok(strstr(warns_text(&w), ":3: not an audit record") != NULL,
	   "long: line numbers stay right after them");
	acid_attr_free(log);
	warns_close(&w);
	unlink(tmpl);
	free(src);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		bail("usage: test-auditlog-print DATADIR");
	datadir = argv[1];
	test_raw_lines();
	test_interpreted();
	test_many_warnings();
	return tap_done();
}
