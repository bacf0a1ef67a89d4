// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz-auditlog: the audit-log reader of acid events and acid report
 * (tools/auditlog.c). An audit log is input like any other: a truncated
 * write, a disk error, a log copied from elsewhere, records forged by a
 * container with CAP_AUDIT_WRITE.
 *
 * The input is one log file, read both ways (the fast scanner and the
 * libauparse reference) for every container, then once per container as
 * acid events reads it. Nothing may crash or leak; every container found
 * has a canonical UUID; a container's replay gives exactly the events the
 * scan selected for it, never more (fewer only for records libauparse
 * refuses).
 */
// fuzz-sources: tools/auditlog.c
// fuzz-pkgs: auparse
// fuzz-options: -max_len=65536
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "auditlog.h"
#include "fuzz.h"

/*
 * libauparse 3.0.9 itself leaks a few bytes (a strdup inside
 * auparse_feed -> auparse_next_event) on some damaged records, e.g.
 * tests/fuzz/regress/auditlog/leak-7db75a71...: not ours to fix. Leaks
 * whose allocation goes through libauparse are not reported; every other
 * leak still is.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libauparse.so\n";
}

/* the containers whose events are wanted: all, or the one named */
static bool select_uuid(const struct al_container *c, void *arg)
{
	return !arg || strcmp(c->uuid, arg) == 0;
}

static int count(struct al_log *log, auparse_state_t *au, void *arg)
{
	(void)log;
	(void)au;
	(*(uint64_t *)arg)++;
	return 0;
}

/*
 * One pass as acid events makes it: scan selecting @uuid (NULL: every
 * container, as acid report does), replay, compare. The UUIDs found are
 * copied to @found (up to 4) for the per-container passes.
 */
static void read_log(const char *path, bool reference, const char *uuid,
		     FILE *devnull, char found[4][ACID_ID_STRLEN], size_t *n)
{
	const char *inputs[] = { path };
	struct al_opts o = {
		.inputs = inputs,
		.n_inputs = 1,
		.cmd = "fuzz",
		.reference = reference,
		.warn = devnull,
	};
	struct al_log *log;
	char err[256];
	uint64_t replayed = 0;

	if (al_open(&o, &log, err, sizeof(err)) < 0)
		return;
	if (al_scan(log, select_uuid, (void *)uuid, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < al_count(log); i++) {
			struct acid_id id;
			char back[ACID_ID_STRLEN];
			const struct al_container *c = al_get(log, i);

			FUZZ_CHECK(acid_id_parse(c->uuid, &id) == 0 &&
					   acid_id_format(&id, back, sizeof(back)) == 0 &&
					   strcmp(back, c->uuid) == 0,
				   "container uuid \"%s\" not canonical", c->uuid);
			if (found && *n < 4)
				memcpy(found[(*n)++], c->uuid, ACID_ID_STRLEN);
		}
		/*
		 * acid events prints each selected event once and nothing
		 * else. Fewer is allowed: a record mangled enough that
		 * libauparse refuses it at replay (a type of "SYSCALrrr...L")
		 * can still carry the pid the fast scanner selected it by.
		 */
		if (uuid && al_replay(log, true, count, &replayed, err,
				      sizeof(err)) == 0)
			FUZZ_CHECK(replayed <= al_selected(log),
				   "%s: replayed %llu events, selected %llu",
				   uuid, (unsigned long long)replayed,
				   (unsigned long long)al_selected(log));
	}
	al_close(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char path[64];
	int fd;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	/* a regular file (the reader reads its inputs twice), in memory */
	fd = memfd_create("fuzz-auditlog", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	{
		char found[4][ACID_ID_STRLEN];
		size_t n = 0;

		read_log(path, true, NULL, devnull, NULL, NULL);
		read_log(path, false, NULL, devnull, found, &n);
		for (size_t i = 0; i < n; i++)
			read_log(path, false, found[i], devnull, NULL, NULL);
	}
	close(fd);
	return 0;
}
