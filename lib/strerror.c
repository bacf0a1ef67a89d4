// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One sentence for each errno libacid returns. The list is the API: a
 * test walks it, and an errno not listed gets the C library's words.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "internal.h"

static const struct {
	int err;
	const char *text;
} sentences[] = {
	{ EPERM, "Operation not permitted: the caller lacks CAP_AUDIT_CONTROL (to register) or CAP_AUDIT_WRITE (to send audit records) in its effective set." },
	{ ESRCH, "No such process: the target process does not exist or exited during registration." },
	{ EXDEV, "The target is the caller itself or one of its ancestors, or (on a kernel with the interface) not a descendant of the caller: a process cannot set its own container ID, and registration belongs to the orchestrator." },
	{ EBUSY, "The target process already has children (or, on a kernel with the interface, threads): register a container's first process before it forks." },
	{ EEXIST, "The target process is already registered with a container ID." },
	{ ENOTUNIQ, "The container ID is already in use by another live container." },
	{ EINVAL, "Invalid argument: not a container ID (a UUID, 32 hex digits, or a decimal u64 other than 0 and 18446744073709551615), or an invalid option or request." },
	{ ERANGE, "The container ID does not fit this kernel's 64-bit container IDs (its upper 64 bits are not zero)." },
	{ ENOENT, "No such container is registered." },
	{ ENOMEM, "Out of memory." },
	{ ENOSPC, "No space left: the buffer or the state directory's filesystem is full." },
	{ EACCES, "Permission denied reading or writing the process's files or the state directory." },
	{ EROFS, "The state directory is on a read-only filesystem." },
	{ ELOOP, "The state directory is a symbolic link; refusing to use it." },
	{ ENOTDIR, "The state directory, or the directory it would be made in, does not exist or is not a directory." },
	{ EUCLEAN, "The state directory is unsafe: it must be owned by the caller's user (root) and closed to group and others (mode 0700)." },
	{ EBADMSG, "A registry entry or kernel value could not be parsed; it is damaged or not acid's." },
	{ EPROTO, "The kernel's audit_containerid file holds a value in a form acid does not know, or the audit netlink answer was malformed." },
	{ ENOTCONN, "Audit is disabled in the kernel (auditctl -e 0): the record would be dropped, so it was not sent." },
	{ ECONNREFUSED, "The kernel refused the audit record (sent from a non-initial user namespace, or audit is not available)." },
	{ EPROTONOSUPPORT, "The kernel has no audit support (no NETLINK_AUDIT)." },
	{ ETIMEDOUT, "The kernel's audit subsystem took the record but its answer was lost: the record may have been logged; or the acid-exec the kernel write was handed to did not answer within 2 s." },
	{ EAGAIN, "The kernel's audit subsystem did not answer in time; the record was not sent." },
	{ ECONNABORTED, "Audit was disabled in the kernel while the record was sent (auditctl -e 0): the record may have been dropped." },
	{ ENOMSG, "A kernel audit rule on the exclude or user filter list (auditctl -l) drops VIRT_CONTROL records of this program, or may: the kernel would accept the record and discard it, so it was not sent." },
	{ EREMOTE, "The caller runs in a pid namespace that is not the host's (the initial one), or its /proc is not the host's: the process IDs it sees are not host pids, and acid records host pids. Run the runtime's hooks (and acid register) on the host." },
	{ EIO, "Input/output error while writing the container ID or a registry entry." },
	{ ENAMETOOLONG, "The container's name, bundle or Kubernetes metadata are too long for one audit record (the kernel keeps 8560 bytes of a record's text)." },
	{ EMSGSIZE, "The audit record is longer than the kernel keeps (8560 bytes of text); it was not sent." },
	{ ENOBUFS, "The kernel's audit did not keep the record, and why can no longer be told (its lost count grew, its rate limit, or audit disabled or a rule for a moment only): the record may have been dropped." },
};

const char *acid_strerror(int err)
{
	if (err == INT_MIN)
		return "Unknown error.";
	if (err < 0)
		err = -err;
	if (err == 0)
		return "Success.";
	for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++)
		if (sentences[i].err == err)
			return sentences[i].text;
	/* thread-safe, unlike strerror() for unknown values */
	const char *d = strerrordesc_np(err);

	return d ? d : "Unknown error.";
}
