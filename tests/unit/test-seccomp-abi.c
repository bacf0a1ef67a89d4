// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The filter of acid_seccomp_filter_load() for every host it knows, built
 * here on x86_64: which ABIs it names, its bad-architecture action, and
 * what its program answers. libseccomp exports the program a host would
 * load; a small classic-BPF evaluator below runs it on the seccomp_data a
 * kernel would hand it for each ABI - the syscall numbers are the
 * kernel's, from its syscall tables, not libseccomp's - so that a compat
 * task on an arm64, ppc64 or s390x host is seen to get the same rules
 * (and not the kill) without such a host.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_AUDIT (SECCOMP_RET_ERRNO | EPROTONOSUPPORT)
#define RET_URING (SECCOMP_RET_ERRNO | ENOSYS)
#define RET_KILL SECCOMP_RET_KILL_PROCESS
#define RET_BAD 0xdeadbeefu	/* the evaluator met what it does not know */

/* An ABI as its kernel numbers it; -1: no such syscall there. */
struct abi {
	const char *name;
	uint32_t arch;		/* AUDIT_ARCH_* = SCMP_ARCH_* */
	bool big_endian;
	bool wide;		/* 64-bit registers reach the filter */
	int socket, socketcall, io_uring_setup, io_uring_enter,
	    io_uring_register, getpid;
};

#define X32 0x40000000
static const struct abi x86_64 = { "x86_64", AUDIT_ARCH_X86_64, false, true,
				   41, -1, 425, 426, 427, 39 };
static const struct abi x32 = { "x32", AUDIT_ARCH_X86_64 /* see below */,
				false, true, X32 | 41, -1, X32 | 425,
				X32 | 426, X32 | 427, X32 | 39 };
static const struct abi i386 = { "i386", AUDIT_ARCH_I386, false, false,
				 359, 102, 425, 426, 427, 20 };
static const struct abi aarch64 = { "aarch64", AUDIT_ARCH_AARCH64, false,
				    true, 198, -1, 425, 426, 427, 172 };
static const struct abi arm = { "arm", AUDIT_ARCH_ARM, false, false,
				281, -1, 425, 426, 427, 20 };
static const struct abi ppc64 = { "ppc64", AUDIT_ARCH_PPC64, true, true,
				  326, 102, 425, 426, 427, 20 };
static const struct abi ppc = { "ppc", AUDIT_ARCH_PPC, true, false,
				326, 102, 425, 426, 427, 20 };
static const struct abi ppc64le = { "ppc64le", AUDIT_ARCH_PPC64LE, false,
				    true, 326, 102, 425, 426, 427, 20 };
static const struct abi s390x = { "s390x", AUDIT_ARCH_S390X, true, true,
				  359, 102, 425, 426, 427, 20 };
static const struct abi s390 = { "s390", AUDIT_ARCH_S390, true, false,
				 359, 102, 425, 426, 427, 20 };

/* A host, the ABIs its filter must cover, and one it cannot. */
struct host {
	uint32_t native;
	const struct abi *abis[4];
	uint32_t foreign;	/* an ABI the kernel might run, not covered */
};

static const struct host hosts[] = {
	{ SCMP_ARCH_X86_64, { &x86_64, &x32, &i386 }, AUDIT_ARCH_AARCH64 },
	{ SCMP_ARCH_AARCH64, { &aarch64, &arm }, AUDIT_ARCH_X86_64 },
	{ SCMP_ARCH_PPC64, { &ppc64, &ppc }, AUDIT_ARCH_PPC64LE },
	{ SCMP_ARCH_S390X, { &s390x, &s390 }, AUDIT_ARCH_I386 },
	/* big-endian ppc cannot share a little-endian filter: killed */
	{ SCMP_ARCH_PPC64LE, { &ppc64le }, AUDIT_ARCH_PPC },
};

/* ------------------------------------------------------- the evaluator */

struct data {
	const struct abi *abi;
	uint32_t arch;
	int nr;
	uint64_t args[6];
};

/* A 32-bit word of struct seccomp_data, as the host's kernel lays it out */
static bool load_word(const struct data *d, uint32_t off, uint32_t *out)
{
	if (off == offsetof(struct seccomp_data, nr)) {
		*out = (uint32_t)d->nr;
	} else if (off == offsetof(struct seccomp_data, arch)) {
		*out = d->arch;
	} else if (off >= offsetof(struct seccomp_data, args) &&
		   off < sizeof(struct seccomp_data) && off % 4 == 0) {
		size_t i = (off - offsetof(struct seccomp_data, args)) / 8;
		bool second = (off - offsetof(struct seccomp_data, args)) % 8;
		bool high = second != d->abi->big_endian;

		*out = (uint32_t)(high ? d->args[i] >> 32 : d->args[i]);
	} else {
		return false;	/* instruction_pointer: not ours to read */
	}
	return true;
}

static uint16_t fix16(bool swap, uint16_t v)
{
	return swap ? __builtin_bswap16(v) : v;
}

static uint32_t fix32(bool swap, uint32_t v)
{
	return swap ? __builtin_bswap32(v) : v;
}

/*
 * Run @prog (@n instructions, fields in the target's byte order as
 * libseccomp exports them) on @d: the action, or RET_BAD.
 */
static uint32_t run_bpf(const struct sock_filter *prog, size_t n,
			bool swap, const struct data *d)
{
	uint32_t a = 0, x = 0;

	for (size_t pc = 0; pc < n; pc++) {
		uint16_t code = fix16(swap, prog[pc].code);
		uint32_t k = fix32(swap, prog[pc].k);
		bool t;

		switch (code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (!load_word(d, k, &a))
				return RET_BAD;
			continue;
		case BPF_LD | BPF_IMM:
			a = k;
			continue;
		case BPF_LDX | BPF_IMM:
			x = k;
			continue;
		case BPF_MISC | BPF_TAX:
			x = a;
			continue;
		case BPF_MISC | BPF_TXA:
			a = x;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= k;
			continue;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= k;
			continue;
		case BPF_JMP | BPF_JA:
			pc += k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			t = a == k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			t = a > k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			t = a >= k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			t = (a & k) != 0;
			break;
		case BPF_RET | BPF_K:
			return k;
		case BPF_RET | BPF_A:
			return a;
		default:
			diag("opcode %#x at %zu is not in this evaluator", code,
			     pc);
			return RET_BAD;
		}
		pc += t ? prog[pc].jt : prog[pc].jf;
	}
	return RET_BAD;		/* fell off the end */
}

struct program {
	struct sock_filter *insns;
	size_t n;
	bool swap;
};

static bool export_program(scmp_filter_ctx ctx, bool big_endian,
			   struct program *p)
{
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t len;

	p->insns = NULL;
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0)
		goto fail;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(struct sock_filter))
		goto fail;
	p->insns = malloc((size_t)len);
	if (!p->insns || pread(fd, p->insns, (size_t)len, 0) != len)
		goto fail;
	p->n = (size_t)len / sizeof(struct sock_filter);
	p->swap = big_endian;	/* this test runs on a little-endian host */
	close(fd);
	return true;
fail:
	free(p->insns);
	if (fd >= 0)
		close(fd);
	return false;
}

static uint32_t call(const struct program *p, const struct abi *abi,
		     int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct data d = { .abi = abi, .arch = abi->arch, .nr = nr,
			  .args = { a0, a1, a2, 0, 0, 0 } };

	return run_bpf(p->insns, p->n, p->swap, &d);
}

static const char *ret_name(uint32_t r)
{
	static char buf[32];

	if (r == RET_ALLOW)
		return "ALLOW";
	if (r == RET_AUDIT)
		return "ERRNO(EPROTONOSUPPORT)";
	if (r == RET_URING)
		return "ERRNO(ENOSYS)";
	if (r == RET_KILL)
		return "KILL_PROCESS";
	if (r == RET_BAD)
		return "evaluator failed";
	snprintf(buf, sizeof(buf), "%#x", r);
	return buf;
}

static void is_ret(uint32_t got, uint32_t want, const char *fmt,
		   const char *abi, const char *what)
{
	char want_s[32];

	snprintf(want_s, sizeof(want_s), "%s", ret_name(want));
	ok(got == want, fmt, abi, what, ret_name(got), want_s);
}

#define CHECK(got, want, abi, what) \
	is_ret(got, want, "%s: %s: got %s, want %s", abi, what)

/* The rules, on one ABI of a filter. */
static void check_abi(const struct program *p, const struct abi *abi)
{
	const char *n = abi->name;
	const uint64_t hi = abi->wide ? 1ULL << 32 : 0;

	CHECK(call(p, abi, abi->getpid, 0, 0, 0), RET_ALLOW, n,
	      "getpid runs (not the bad-architecture kill)");
	CHECK(call(p, abi, abi->socket, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT),
	      RET_AUDIT, n, "socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT)");
	CHECK(call(p, abi, abi->socket, AF_NETLINK, SOCK_DGRAM, NETLINK_AUDIT),
	      RET_AUDIT, n, "socket(AF_NETLINK, SOCK_DGRAM, NETLINK_AUDIT)");
	CHECK(call(p, abi, abi->socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE),
	      RET_ALLOW, n, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)");
	CHECK(call(p, abi, abi->socket, AF_INET, SOCK_STREAM, 0), RET_ALLOW,
	      n, "socket(AF_INET, SOCK_STREAM, 0)");
	if (abi->wide) {
		CHECK(call(p, abi, abi->socket, hi | AF_NETLINK, SOCK_RAW,
			   NETLINK_AUDIT), RET_AUDIT, n,
		      "bit 32 set in the family");
		CHECK(call(p, abi, abi->socket, AF_NETLINK, SOCK_RAW,
			   hi | NETLINK_AUDIT), RET_AUDIT, n,
		      "bit 32 set in the protocol");
		CHECK(call(p, abi, abi->socket, ~0ULL << 32 | AF_NETLINK,
			   SOCK_RAW, ~0ULL << 32 | NETLINK_AUDIT), RET_AUDIT,
		      n, "upper halves all ones");
		CHECK(call(p, abi, abi->socket, hi | AF_INET, SOCK_STREAM, 0),
		      RET_ALLOW, n, "AF_INET with bit 32 set");
	}
	if (abi->socketcall >= 0) {
		CHECK(call(p, abi, abi->socketcall, SYS_SOCKET, 0, 0),
		      RET_AUDIT, n, "socketcall(SYS_SOCKET, ...)");
		CHECK(call(p, abi, abi->socketcall, hi | SYS_SOCKET, 0, 0),
		      RET_AUDIT, n, "socketcall(SYS_SOCKET), bit 32 set");
		CHECK(call(p, abi, abi->socketcall, SYS_BIND, 0, 0),
		      RET_ALLOW, n, "socketcall(SYS_BIND, ...)");
	}
	CHECK(call(p, abi, abi->io_uring_setup, 2, 0, 0), RET_URING, n,
	      "io_uring_setup");
	CHECK(call(p, abi, abi->io_uring_enter, 3, 1, 0), RET_URING, n,
	      "io_uring_enter");
	CHECK(call(p, abi, abi->io_uring_register, 3, 0, 0), RET_URING, n,
	      "io_uring_register");
}

static uint32_t bad_action(void)
{
	return seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS :
					SCMP_ACT_KILL_THREAD;
}

static void test_host(const struct host *h)
{
	const char *name = h->abis[0]->name;
	const uint32_t *compat = filter_compat_abis(h->native);
	scmp_filter_ctx ctx = NULL;
	struct program p = { 0 };
	uint32_t badarch = 0;
	size_t ncompat = 0;
	int r;

	r = filter_build(h->native, 0, &ctx);
	if (!is_err(r, 0, "%s host: the filter builds", name))
		return;
	while (compat && ncompat < 3 && compat[ncompat])
		ncompat++;
	for (size_t i = 0; i < 4 && h->abis[i]; i++) {
		uint32_t arch = h->abis[i]->arch;

		if (h->abis[i] == &x32)
			arch = SCMP_ARCH_X32;
		ok(seccomp_arch_exist(ctx, arch) == 0,
		   "%s host: names the %s ABI", name, h->abis[i]->name);
	}
	is_int((int)ncompat + 1, (int)(h->abis[3] ? 4 : h->abis[2] ? 3 :
				      h->abis[1] ? 2 : 1),
	       "%s host: as many ABIs as the test knows", name);
	is_err(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_BADARCH, &badarch), 0,
	       "%s host: bad-architecture action read", name);
	/* KILL_THREAD only where libseccomp cannot ask for KILL_PROCESS
	 * (API level < 3: no seccomp(2), as under valgrind) */
	ok(badarch == bad_action(),
	   "%s host: bad-architecture action is %s, by choice (got %#x)",
	   name, bad_action() == SCMP_ACT_KILL_PROCESS ? "KILL_PROCESS" :
	   "KILL_THREAD (libseccomp API level < 3)", badarch);
	if (ok(export_program(ctx, h->abis[0]->big_endian, &p),
	       "%s host: the program exported", name)) {
		const struct abi other = { "foreign", h->foreign, false, true,
					   41, -1, 425, 426, 427, 39 };

		for (size_t i = 0; i < 4 && h->abis[i]; i++)
			check_abi(&p, h->abis[i]);
		CHECK(call(&p, &other, other.getpid, 0, 0, 0),
		      bad_action() == SCMP_ACT_KILL_PROCESS ? RET_KILL :
		      SECCOMP_RET_KILL_THREAD, name,
		      "an ABI the filter does not name: killed");
		free(p.insns);
	}
	seccomp_release(ctx);
}

int main(void)
{
	scmp_filter_ctx ctx;

	is_err(filter_build(SCMP_ARCH_X86_64, 0x4, &ctx), -EINVAL,
	       "an unknown flag");
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		test_host(&hosts[i]);
	return tap_done();
}
