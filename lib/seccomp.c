// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * seccomp.c - keep a container from writing to the audit log.
 *
 * The kernel lets any process with CAP_AUDIT_WRITE send user records, and
 * runc's default spec (and Docker's, and podman's when asked) gives
 * containers that capability. A container could then send acid's own
 * records - VIRT_CONTROL op=start for a container that never existed - and
 * an auditor could not tell them from the real ones. The kernel has no
 * switch for "not this process", so the only place to stop it is the
 * socket itself: a seccomp filter that makes
 *
 *	socket(AF_NETLINK, *, NETLINK_AUDIT)
 *
 * fail. Everything else the container does is left alone.
 *
 * The errno is EPROTONOSUPPORT, what the kernel itself answers for a
 * netlink protocol it does not have (netlink_create()), i.e. "audit is not
 * in this kernel". That answer matters: libaudit's audit_open() reports
 * EINVAL, EPROTONOSUPPORT and EAFNOSUPPORT as "audit support not in
 * kernel", and its callers carry on on exactly those three - PAM
 * (libpam's own audit calls, pam_loginuid, pam_unix, pam_faillock,
 * pam_selinux), sudo, passwd, libsemanage - where any other errno
 * (EPERM, EACCES) makes pam_loginuid fail the session and a login inside
 * the container fail with it. Of the three, EPROTONOSUPPORT is the one
 * every caller knows: pam_tty_audit checks for it alone. podman's default
 * profile uses EINVAL for the same rule; it works for libaudit, not for
 * pam_tty_audit.
 *
 * The multiplexer. On the i386 ABI, socket() is also reachable through
 * socketcall(SYS_SOCKET, args), and glibc and musl for i386 use that path
 * for every socket. A 64-bit process can take it too (int $0x80). The
 * arguments of socketcall live in user memory, which a seccomp filter
 * cannot read, so no rule can tell an audit socket from any other there;
 * libseccomp, given our socket rule, writes for socketcall a rule that
 * tests the first argument against SYS_SOCKET and the third against
 * NETLINK_AUDIT - but on socketcall the third register is whatever the
 * caller left in it: a filter that both misses forgers (they choose the
 * register) and hits innocent callers (by chance). We close the path
 * instead: socketcall(SYS_SOCKET) fails with the same EPROTONOSUPPORT for
 * every family. 32-bit programs in the container that make sockets through
 * socketcall lose them; 64-bit programs, and i386 programs using the
 * direct socket syscall (Linux 4.3+), are unaffected. A rule that a
 * container can walk around would be no rule.
 *
 * On x86_64 the filter covers all three ABIs (x86_64, x32 and i386): a
 * filter that named only the native one would have the kernel apply
 * libseccomp's "bad architecture" action, killing every i386 or x32
 * syscall in the container. Elsewhere it covers the native ABI.
 */
#include <errno.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

#include "internal.h"

#define SECCOMP_ERRNO EPROTONOSUPPORT

/*
 * The two rules, socketcall first: libseccomp folds the socketcall rule it
 * derives from the socket rule into an explicit one already there, and
 * refuses some orders otherwise (cmd-seccomp.c has the details).
 */
static int add_rules(scmp_filter_ctx ctx, bool socketcall)
{
	int r;

	if (socketcall) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(SECCOMP_ERRNO),
				     SCMP_SYS(socketcall), 1,
				     SCMP_A0(SCMP_CMP_EQ, SYS_SOCKET));
		if (r < 0)
			return r;
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(SECCOMP_ERRNO),
				SCMP_SYS(socket), 2,
				SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
				SCMP_A2(SCMP_CMP_EQ, NETLINK_AUDIT));
}

/* A filter context with the attributes the caller asked for. */
static scmp_filter_ctx new_ctx(unsigned int flags, int *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx) {
		*err = -ENOMEM;
		return NULL;
	}
	/*
	 * libseccomp sets no_new_privs by default. Here it is the caller's
	 * choice: an orchestrator's child about to exec a container whose
	 * config says noNewPrivileges=false (setuid programs inside keep
	 * working) loads without it, which the kernel allows only with
	 * CAP_SYS_ADMIN; an unprivileged caller must ask for it.
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP,
			     (flags & ACID_SECCOMP_NNP) ? 1 : 0);
	if (r == 0 && (flags & ACID_SECCOMP_TSYNC))
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* the kernel's own errno (EACCES, ...), not libseccomp's ECANCELED */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (r < 0) {
		seccomp_release(ctx);
		*err = r;
		return NULL;
	}
	return ctx;
}

int acid_seccomp_filter_load(unsigned int flags)
{
	scmp_filter_ctx ctx;
	int r = 0;

	if (flags & ~(ACID_SECCOMP_NNP | ACID_SECCOMP_TSYNC))
		return -EINVAL;
	ctx = new_ctx(flags, &r);
	if (!ctx)
		return r;

	/*
	 * The native ABI has socketcall on i386, s390x, ppc64 and others:
	 * there the name resolves to a real number.
	 */
	r = add_rules(ctx, seccomp_syscall_resolve_name("socketcall") >= 0);
	if (r < 0)
		goto out;
#if defined(__x86_64__)
	/*
	 * x32 shares x86_64's filter; i386 gets a filter of its own, built
	 * apart and merged. Not one context for all three: libseccomp before
	 * 2.6.0 (issue #284, pseudo syscall numbers on x32), given socketcall
	 * - which x86_64 and x32 lack - in a context that holds x86_64 and
	 * x32, can emit an x86_64 program that never loads the syscall
	 * number: every x86_64 rule silently dead (seen with 2.5.4: socket(
	 * AF_NETLINK, SOCK_RAW, NETLINK_AUDIT) went through).
	 */
	r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	if (r < 0 && r != -EEXIST)
		goto out;
	{
		scmp_filter_ctx compat = new_ctx(flags, &r);

		if (!compat)
			goto out;
		r = seccomp_arch_add(compat, SCMP_ARCH_X86);
		if (r == 0)
			r = seccomp_arch_remove(compat, SCMP_ARCH_NATIVE);
		if (r == 0)
			r = add_rules(compat, true);
		/* on success the merge takes compat over */
		if (r == 0)
			r = seccomp_merge(ctx, compat);
		if (r < 0) {
			seccomp_release(compat);
			goto out;
		}
	}
#endif
	r = seccomp_load(ctx);
	/* a TSYNC failure: another thread could not take the filter */
	if (r > 0)
		r = -ESRCH;
out:
	seccomp_release(ctx);
	return r < 0 ? r : 0;
}

static int oci_text(char **json_out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int oci_text(char **json_out, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!json_out)
		return -EINVAL;
	va_start(ap, fmt);
	n = vasprintf(json_out, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*json_out = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * The OCI form of the same rules, as runc (1.1+) and crun (1.8+) read
 * them: "errnoRet" is the runtime-spec 1.0.2 field both support; without
 * it they would answer EPERM, which PAM does not forgive.
 */
int acid_seccomp_oci_rule(char **json_out)
{
	return oci_text(json_out,
			"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\","
			"\"errnoRet\":%d,\"args\":["
			"{\"index\":0,\"value\":%d,\"op\":\"SCMP_CMP_EQ\"},"
			"{\"index\":2,\"value\":%d,\"op\":\"SCMP_CMP_EQ\"}]}",
			SECCOMP_ERRNO, AF_NETLINK, NETLINK_AUDIT);
}

int acid_seccomp_oci_socketcall_rule(char **json_out)
{
	return oci_text(json_out,
			"{\"names\":[\"socketcall\"],\"action\":\"SCMP_ACT_ERRNO\","
			"\"errnoRet\":%d,\"args\":["
			"{\"index\":0,\"value\":%d,\"op\":\"SCMP_CMP_EQ\"}]}",
			SECCOMP_ERRNO, SYS_SOCKET);
}
