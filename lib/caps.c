// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Capability checks. The calling thread's own sets come from capget(2),
 * which answers for the calling thread (pid 0) from the kernel's copy:
 * nothing to parse, nothing shared between threads. (libcap-ng's
 * capng_get_caps_process() reads /proc/<tid>/status twice besides: 9 us
 * against 0.15.)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "internal.h"

/* The bits of @need (ACID_CAP_*) as capability numbers' bits */
static uint64_t need_mask(unsigned int need);

int acid_check_caps(unsigned int need)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint64_t eff;

	if (need & ~(ACID_CAP_CONTROL | ACID_CAP_WRITE))
		return -EINVAL;
	memset(data, 0, sizeof(data));
	/* asked each time: the thread's capabilities may have changed */
	if (syscall(SYS_capget, &head, data) < 0)
		return -EPERM;
	eff = data[0].effective | (uint64_t)data[1].effective << 32;
	return (eff & need_mask(need)) == need_mask(need) ? 0 : -EPERM;
}

bool caps_self_has(uint64_t mask)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint64_t eff;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &head, data) < 0)
		return false;
	eff = data[0].effective | (uint64_t)data[1].effective << 32;
	return (eff & mask) == mask;
}

/* The bits of @need (ACID_CAP_*) as capability numbers' bits */
static uint64_t need_mask(unsigned int need)
{
	return (need & ACID_CAP_CONTROL ? 1ull << CAP_AUDIT_CONTROL : 0) |
	       (need & ACID_CAP_WRITE ? 1ull << CAP_AUDIT_WRITE : 0);
}

/*
 * The value of the line "CapEff:\t<hex>" of the status file @fd, read a
 * line at a time: the lines before it may be long (Groups: lists every
 * supplementary group, up to 65536 of them), so a line that does not fit
 * the buffer is passed over, never taken for the end of the file.
 * -EBADMSG: no such line.
 */
static int status_capeff(int fd, uint64_t *eff)
{
	static const char key[] = "CapEff:\t";
	char buf[4096];
	size_t have = 0;
	bool skipping = false;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *line = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EBADMSG;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			*nl = '\0';
			if (!skipping && strncmp(line, key, sizeof(key) - 1) == 0)
				return sscanf(line + sizeof(key) - 1,
					      "%" SCNx64, eff) == 1 ? 0 :
								      -EBADMSG;
			skipping = false;
			line = nl + 1;
		}
		/* the part of a line that has not ended yet */
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1) {
			/* longer than the buffer: not the CapEff line */
			skipping = true;
			have = 0;
		}
	}
}

/*
 * Another process's effective set, as its status file says it (CapEff:,
 * hex): capget(2) of another pid answers for its main thread only.
 */
int caps_of_pid(const char *proc_root, pid_t pid, unsigned int need)
{
	char path[4096 + 64];
	_cleanup_close_ int fd = -1;
	uint64_t eff;
	int r;

	if (need & ~(ACID_CAP_CONTROL | ACID_CAP_WRITE))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%d/status", proc_root, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	r = status_capeff(fd, &eff);
	if (r < 0)
		return r;
	return (eff & need_mask(need)) == need_mask(need) ? 0 : -EPERM;
}
