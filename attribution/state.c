// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * state.c - what became of a container, now: its records say ended or
 * displaced; without a stop record, /proc says whether its init still
 * runs (and is the same process, not one that reuses its pid).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* Field 22 (starttime, clock ticks after boot) of /proc/<pid>/stat. */
static bool proc_starttime(const char *root, pid_t pid, uint64_t *ticks)
{
	char path[PATH_MAX], buf[1024], *p;
	uint64_t v;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%d/stat", root, (int)pid) >=
	    (int)sizeof(path))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* the command name may hold spaces and ')': the last ')' ends it */
	p = strrchr(buf, ')');
	if (!p)
		return false;
	p++;
	for (int field = 3; field <= 22; field++) {
		const char *q;

		while (*p == ' ')
			p++;
		q = p;
		if (field == 22) {
			if (!digits(&q, q + strlen(q), UINT64_MAX, &v))
				return false;
			*ticks = v;
			return true;
		}
		p = strchr(p, ' ');
		if (!p)
			return false;
	}
	return false;
}

static bool boot_time(const char *root, int64_t *btime)
{
	char path[PATH_MAX], line[256];
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stat", root);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!ok && fgets(line, sizeof(line), f)) {
		long long v;

		if (sscanf(line, "btime %lld", &v) == 1) {
			*btime = v;
			ok = true;
		}
	}
	fclose(f);
	return ok;
}

API enum acid_attr_state acid_attr_state(const struct acid_attr_container *c,
					 const char *proc_root)
{
	long tck = sysconf(_SC_CLK_TCK);
	uint64_t ticks;
	int64_t btime, started;

	if (c->end == ACID_ATTR_END_DISPLACED)
		return ACID_ATTR_STATE_DISPLACED;
	if (c->end == ACID_ATTR_END_STOP)
		return strcmp(c->reason, "lost") == 0 ? ACID_ATTR_STATE_LOST
						       : ACID_ATTR_STATE_ENDED;
	if (c->node)
		return ACID_ATTR_STATE_UNKNOWN;
	/* no start in the logs, or one dated after now: not a live run */
	if (!c->has_start || c->start.sec > (int64_t)time(NULL) + 60)
		return ACID_ATTR_STATE_LOST;
	if (!proc_root)
		proc_root = getenv("ACID_PROC_ROOT");
	if (!proc_root || !*proc_root)
		proc_root = "/proc";
	if (tck <= 0 || !proc_starttime(proc_root, c->vm_pid, &ticks) ||
	    !boot_time(proc_root, &btime))
		return ACID_ATTR_STATE_LOST;
	/*
	 * The init existed before its start record was sent; a process
	 * that started later holds a reused pid. btime is whole seconds,
	 * hence the slack.
	 */
	started = btime + (int64_t)(ticks / (uint64_t)tck);
	if (started > c->start.sec + 2 || c->start.sec + 2 < btime)
		return ACID_ATTR_STATE_LOST;
	return ACID_ATTR_STATE_RUNNING;
}
