// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Capability checks. libcap-ng keeps its state per thread, so asking from
 * several threads at once is safe.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <cap-ng.h>
#include <fcntl.h>
#include <linux/capability.h>

#include "internal.h"

static int have(unsigned int cap)
{
	int r = capng_have_capability(CAPNG_EFFECTIVE, cap);

	return r > 0;
}

int acid_check_caps(unsigned int need)
{
	if (need & ~(ACID_CAP_CONTROL | ACID_CAP_WRITE))
		return -EINVAL;
	/* refresh: the thread's capabilities may have changed since */
	if (capng_get_caps_process() < 0)
		return -EPERM;
	if ((need & ACID_CAP_CONTROL) && !have(CAP_AUDIT_CONTROL))
		return -EPERM;
	if ((need & ACID_CAP_WRITE) && !have(CAP_AUDIT_WRITE))
		return -EPERM;
	return 0;
}

/* The bits of @need (ACID_CAP_*) as capability numbers' bits */
static uint64_t need_mask(unsigned int need)
{
	return (need & ACID_CAP_CONTROL ? 1ull << CAP_AUDIT_CONTROL : 0) |
	       (need & ACID_CAP_WRITE ? 1ull << CAP_AUDIT_WRITE : 0);
}

/*
 * Another process's effective set, as its status file says it (CapEff:,
 * hex): libcap-ng would do, but its state is the calling thread's, which
 * acid_check_caps() reads as its own.
 */
int caps_of_pid(const char *proc_root, pid_t pid, unsigned int need)
{
	char path[4096 + 64], buf[4096];
	const char *line;
	uint64_t eff;
	int r;

	if (need & ~(ACID_CAP_CONTROL | ACID_CAP_WRITE))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%d/status", proc_root, (int)pid);
	r = proc_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	line = strstr(buf, "\nCapEff:\t");
	if (!line || sscanf(line + 9, "%" SCNx64, &eff) != 1)
		return -EBADMSG;
	return (eff & need_mask(need)) == need_mask(need) ? 0 : -EPERM;
}
