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
 * container can walk around would be no rule. The same goes for every ABI
 * that has socketcall: s390, ppc and mips o32, and s390x and ppc64
 * natively. (i386 registers are 32 bits: a 64-bit process that enters
 * through int $0x80 with bit 32 set gets it cut off; tested.)
 *
 * Arguments are ints. socket(int family, int type, int protocol): the
 * kernel reads the low 32 bits of each register and ignores the rest, but
 * seccomp hands a filter all 64, and SCMP_CMP_EQ compares all 64. A rule
 * "family == AF_NETLINK" then misses socket(1 << 32 | AF_NETLINK, ...),
 * which the kernel takes for socket(AF_NETLINK, ...). Every comparison
 * here is SCMP_CMP_MASKED_EQ with the mask 0xffffffff: the low 32 bits,
 * what the kernel reads, whatever the rest holds.
 *
 * io_uring. IORING_OP_SOCKET (Linux 5.19) makes a socket in the kernel
 * with no socket() syscall for a filter to see; the ring's other
 * operations (sendmsg, ...) then use it. A filter cannot look into a
 * ring, so the filter closes io_uring: io_uring_setup, io_uring_enter
 * and io_uring_register fail, as they do in Docker's default profile
 * (and podman's, which leaves them out of its allow-list). The errno is
 * ENOSYS, what a kernel built without io_uring answers (before 5.1, or
 * CONFIG_IO_URING=n): the case io_uring users must expect already, and
 * meet by falling back to ordinary syscalls (libuv, for one, does so on
 * any failure of io_uring_setup). EPERM, what kernel.io_uring_disabled=2
 * answers, reads as "forbidden to you" and is more likely reported as a
 * failure than taken as a reason to fall back. Rings made before
 * the filter cannot be driven after it (io_uring_enter fails); a ring
 * with a kernel SQ-polling thread could, but io_uring descriptors are
 * close-on-exec, so none reaches the container's first program.
 *
 * ABIs. A filter names the ABIs it covers; a syscall made through any
 * other gets libseccomp's "bad architecture" action. The filter covers
 * the native ABI and every compat ABI the kernel may run beside it, each
 * with the same rules: x86_64 with x32 and i386, aarch64 with arm (32-bit
 * EABI), ppc64 (big-endian) with ppc, s390x with s390 (31-bit), mips64
 * with n32 and o32. A 32-bit program in a container on an arm64 host
 * runs with its audit socket closed, not killed. For whatever is left -
 * an ABI this libseccomp does not know (riscv32 on riscv64), or one it
 * cannot put in the same filter (big-endian ppc beside ppc64le) - the
 * action is chosen on purpose: SCMP_ACT_KILL_PROCESS. Such a task could
 * open the audit socket unfiltered; letting it run would make the rule a
 * suggestion, and an errno for every syscall would leave it running
 * without exit(). Killing the whole process (not only the thread, which
 * is libseccomp's default) leaves no half-dead program, and the kernel
 * logs a SECCOMP record saying why.
 */
#include <errno.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "internal.h"

#define SECCOMP_ERRNO EPROTONOSUPPORT
#define IO_URING_ERRNO ENOSYS
/* the part of a register the kernel reads for an int argument */
#define INT_MASK 0xffffffffULL

/*
 * The ABIs that may run beside a native one. Each gets a filter context
 * of its own, merged into the native one: one context for all can make
 * libseccomp before 2.6.0 (its issue #284, pseudo syscall numbers) emit
 * an x86_64 program that never loads the syscall number when socketcall
 * - which x86_64 and x32 lack - is in a context that holds them: every
 * x86_64 rule silently dead (seen with 2.5.4: socket(AF_NETLINK,
 * SOCK_RAW, NETLINK_AUDIT) went through).
 */
static const struct {
	uint32_t native;
	uint32_t compat[3];	/* 0 ends the list */
} abis[] = {
	{ SCMP_ARCH_X86_64, { SCMP_ARCH_X32, SCMP_ARCH_X86 } },
	{ SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM } },
	{ SCMP_ARCH_PPC64, { SCMP_ARCH_PPC } },
	{ SCMP_ARCH_S390X, { SCMP_ARCH_S390 } },
	{ SCMP_ARCH_MIPS64, { SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPS } },
	{ SCMP_ARCH_MIPSEL64, { SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_MIPSEL } },
};

const uint32_t *filter_compat_abis(uint32_t native)
{
	for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++)
		if (abis[i].native == native)
			return abis[i].compat;
	return NULL;
}

/*
 * The rules for one ABI, socketcall first where the ABI has it:
 * libseccomp folds the socketcall rule it derives from the socket rule
 * into an explicit one already there, and refuses some orders otherwise
 * (cmd-seccomp.c has the details).
 */
static int add_rules(scmp_filter_ctx ctx, uint32_t arch)
{
	static const char *const uring[] = {
		"io_uring_setup", "io_uring_enter", "io_uring_register",
	};
	int r;

	if (seccomp_syscall_resolve_name_arch(arch, "socketcall") >= 0) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(SECCOMP_ERRNO),
				     SCMP_SYS(socketcall), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, INT_MASK,
					     SYS_SOCKET));
		if (r < 0)
			return r;
	}
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(SECCOMP_ERRNO),
			     SCMP_SYS(socket), 2,
			     SCMP_A0(SCMP_CMP_MASKED_EQ, INT_MASK, AF_NETLINK),
			     SCMP_A2(SCMP_CMP_MASKED_EQ, INT_MASK,
				     NETLINK_AUDIT));
	for (size_t i = 0; r == 0 && i < sizeof(uring) / sizeof(uring[0]);
	     i++) {
		/* rules name syscalls by this host's numbers; libseccomp
		 * translates them by name for the context's ABI */
		int nr = seccomp_syscall_resolve_name(uring[i]);

		/* a libseccomp that does not know it: no rule to write */
		if (nr == __NR_SCMP_ERROR)
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(IO_URING_ERRNO), nr,
				     0);
	}
	return r;
}

/* A filter context for @arch alone, with the attributes asked for. */
static scmp_filter_ctx new_ctx(uint32_t arch, unsigned int flags, int *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx) {
		*err = -ENOMEM;
		return NULL;
	}
	/* native out first: a big-endian ABI does not join a little one */
	r = 0;
	if (arch != seccomp_arch_native()) {
		r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r == 0)
			r = seccomp_arch_add(ctx, arch);
	}
	/*
	 * See the top of this file. libseccomp refuses KILL_PROCESS where it
	 * cannot ask the kernel about it (no seccomp(2): before 3.17, and
	 * valgrind); a kernel before 4.14 has no such action either. There
	 * the kill of the thread, the only kill such a kernel has.
	 */
	if (r == 0) {
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				     SCMP_ACT_KILL_PROCESS);
		if (r == -EINVAL)
			r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
					     SCMP_ACT_KILL_THREAD);
	}
	/*
	 * libseccomp sets no_new_privs by default. Here it is the caller's
	 * choice: an orchestrator's child about to exec a container whose
	 * config says noNewPrivileges=false (setuid programs inside keep
	 * working) loads without it, which the kernel allows only with
	 * CAP_SYS_ADMIN; an unprivileged caller must ask for it.
	 */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP,
				     (flags & ACID_SECCOMP_NNP) ? 1 : 0);
	if (r == 0 && (flags & ACID_SECCOMP_TSYNC))
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* the kernel's own errno (EACCES, ...), not libseccomp's ECANCELED */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (r == 0)
		r = add_rules(ctx, arch);
	if (r < 0) {
		seccomp_release(ctx);
		*err = r;
		return NULL;
	}
	return ctx;
}

int filter_build(uint32_t native, unsigned int flags,
			 scmp_filter_ctx *out)
{
	const uint32_t *compat = filter_compat_abis(native);
	scmp_filter_ctx ctx;
	int r = 0;

	*out = NULL;
	if (flags & ~(ACID_SECCOMP_NNP | ACID_SECCOMP_TSYNC))
		return -EINVAL;
	ctx = new_ctx(native, flags, &r);
	if (!ctx)
		return r;
	for (size_t i = 0; compat && i < 3 && compat[i]; i++) {
		scmp_filter_ctx c = new_ctx(compat[i], flags, &r);

		if (!c)
			break;
		/* on success the merge takes c over */
		r = seccomp_merge(ctx, c);
		if (r < 0) {
			seccomp_release(c);
			break;
		}
	}
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

int acid_seccomp_filter_load(unsigned int flags)
{
	scmp_filter_ctx ctx;
	int r;

	r = filter_build(seccomp_arch_native(), flags, &ctx);
	if (r < 0)
		return r;
	r = seccomp_load(ctx);
	/* a TSYNC failure: another thread could not take the filter */
	if (r > 0)
		r = -ESRCH;
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
 * it they would answer EPERM, which PAM does not forgive. For
 * SCMP_CMP_MASKED_EQ "value" is the mask and "valueTwo" what the masked
 * argument must equal, as both hand them to libseccomp.
 */
int acid_seccomp_oci_rule(char **json_out)
{
	return oci_text(json_out,
			"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\","
			"\"errnoRet\":%d,\"args\":["
			"{\"index\":0,\"value\":%llu,\"valueTwo\":%d,"
			"\"op\":\"SCMP_CMP_MASKED_EQ\"},"
			"{\"index\":2,\"value\":%llu,\"valueTwo\":%d,"
			"\"op\":\"SCMP_CMP_MASKED_EQ\"}]}",
			SECCOMP_ERRNO, INT_MASK, AF_NETLINK, INT_MASK,
			NETLINK_AUDIT);
}

/*
 * SCMP_CMP_EQ, not the masked compare: this rule is for the i386 ABI,
 * whose registers are 32 bits (libseccomp compares 32 bits there), and
 * libseccomp folds the socketcall rules it derives from other socket
 * rules into it only when both test the first argument the same way;
 * with a masked compare here they would stand beside it, and one that
 * allows could win.
 */
int acid_seccomp_oci_socketcall_rule(char **json_out)
{
	return oci_text(json_out,
			"{\"names\":[\"socketcall\"],\"action\":\"SCMP_ACT_ERRNO\","
			"\"errnoRet\":%d,\"args\":["
			"{\"index\":0,\"value\":%d,\"op\":\"SCMP_CMP_EQ\"}]}",
			SECCOMP_ERRNO, SYS_SOCKET);
}

int acid_seccomp_oci_io_uring_rule(char **json_out)
{
	return oci_text(json_out,
			"{\"names\":[\"io_uring_setup\",\"io_uring_enter\","
			"\"io_uring_register\"],\"action\":\"SCMP_ACT_ERRNO\","
			"\"errnoRet\":%d}", IO_URING_ERRNO);
}
