// SPDX-License-Identifier: LGPL-2.1-or-later
/* The plugin's readers of a process's /proc files (procfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

/* <@root>/<@pid>/@name into @buf: its length, or -errno (-ESRCH: read
 * empty or failed) */
static ssize_t read_small(const char *root, pid_t pid, const char *name,
			  char *buf, size_t size)
{
	char path[4200];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", root, (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = 0;
	return n;
}

int procfs_stat(const char *root, pid_t pid, pid_t *ppid,
		unsigned long long *start)
{
	char buf[1024], *p, state;
	ssize_t n = read_small(root, pid, "stat", buf, sizeof(buf));
	int pp;

	if (n < 0)
		return (int)n;
	/* after the command name, which may hold anything: the last ')';
	 * state is field 3, ppid 4, starttime 22 */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %d", &state, &pp) != 2 || pp < 0)
		return -EBADMSG;
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", start) != 1)
		return -EBADMSG;
	*ppid = (pid_t)pp;
	return 0;
}

int procfs_nspid(const char *root, pid_t pid, long *ids, int max)
{
	char buf[4096], *p;
	int k = 0;

	if (read_small(root, pid, "status", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return 0;
	p += strlen("\nNSpid:");
	while (k < max && *p && *p != '\n') {
		char *e;
		long v = strtol(p, &e, 10);

		if (e == p)
			break;
		ids[k++] = v;
		p = e;
	}
	return k;
}
