/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ACID_PLUGIN_PROCFS_H
#define ACID_PLUGIN_PROCFS_H

#include <sys/types.h>

/*
 * procfs_stat - the parent of @pid and its start time (clock ticks since
 * boot) from <@root>/<pid>/stat as it is now. 0; -errno when it cannot be
 * opened; -ESRCH when it reads empty or fails (the process went);
 * -EBADMSG when the fields are not there.
 */
int procfs_stat(const char *root, pid_t pid, pid_t *ppid,
		unsigned long long *start);

/*
 * procfs_nspid - NSpid of @pid (its pid in each pid namespace it is in,
 * the host's first): how many, up to @max, into @ids; 0 when it cannot
 * be read.
 */
int procfs_nspid(const char *root, pid_t pid, long *ids, int max);

#endif
