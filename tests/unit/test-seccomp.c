// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The seccomp filter that keeps containers off the audit socket, tried on
 * this kernel: every filter is loaded in a forked child (a filter cannot
 * be taken back), which makes its syscalls and reports the answers
 * through a pipe; the test process checks them. The OCI form of the rule
 * is read back with yajl, as a runtime would read it.
 */
#include <errno.h>
#include <libaudit.h>
#include <liburing.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cap-ng.h>
#include <yajl/yajl_tree.h>

#include <acid/libacid.h>

#include "tap.h"

/* What a child saw; 0 or -errno per call, -9999 for "not tried". */
struct probe {
	int before;		/* audit socket before the filter */
	int load;
	int load2;
	int nnp;		/* PR_GET_NO_NEW_PRIVS after loading */
	int audit_raw;
	int audit_cloexec;	/* what audit_open() asks for */
	int audit_dgram;
	int route;
	int inet;
	int local;
	int audit_open;
	int thread_audit;	/* the same socket, from a second thread */
	int i386_getpid;	/* int $0x80 getpid: pid, or -errno */
	int i386_socketcall_audit;
	int i386_socketcall_evasive;	/* audit in memory, 0 in edx */
	int i386_socketcall_inet;
	int i386_socket_audit;
	int i386_socket_inet;
	int i386_socket_audit_hi;	/* bit 32 set in ebx and edx */
	/* the kernel reads socket()'s arguments as ints */
	int audit_hi_family;	/* bit 32 set in the family */
	int audit_hi_proto;	/* ...in the protocol */
	int audit_hi_both;
	int audit_neg_family;	/* upper half all ones */
	int inet_hi;		/* AF_INET with bit 32: still AF_INET */
	/* io_uring: IORING_OP_SOCKET makes sockets without socket() */
	int uring_before;	/* an audit socket through io_uring, unfiltered */
	int uring_setup;
	int uring_enter;
	int uring_register;
	int uring_old_ring;	/* a ring made before the filter */
};

#define NOT_TRIED (-9999)

static int sock(int domain, int type, int proto)
{
	int fd = socket(domain, type, proto);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int try_audit_open(void)
{
	int fd = audit_open();

	if (fd < 0)
		return -errno;
	audit_close(fd);
	return 0;
}

/* socket() as the kernel is asked, all 64 bits of each argument given */
static int sock64(uint64_t domain, uint64_t type, uint64_t proto)
{
	long fd = syscall(SYS_socket, domain, type, proto);

	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

/* An audit socket through io_uring on @ring: its fd closed, or -errno. */
static int uring_audit_on(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int r;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_socket(sqe, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT, 0);
	r = io_uring_submit_and_wait(ring, 1);
	if (r < 0)
		return r;
	r = io_uring_wait_cqe(ring, &cqe);
	if (r < 0)
		return r;
	r = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (r >= 0) {
		close(r);
		r = 0;
	}
	return r;
}

static int uring_audit(void)
{
	struct io_uring ring;
	int r = io_uring_queue_init(2, &ring, 0);

	if (r < 0)
		return r;
	r = uring_audit_on(&ring);
	io_uring_queue_exit(&ring);
	return r;
}

static int raw_result(long r)
{
	return r < 0 ? -errno : 0;
}

/* The io_uring calls, raw: what a program without liburing makes. */
static void probe_uring(struct probe *p)
{
	struct io_uring_params params = { 0 };
	long fd = syscall(__NR_io_uring_setup, 2, &params);

	if (fd >= 0)
		close((int)fd);
	p->uring_setup = raw_result(fd);
	/* on a bad fd the kernel answers EBADF; the filter answers first */
	p->uring_enter = raw_result(syscall(__NR_io_uring_enter, -1, 1, 0, 0,
					    NULL, 0));
	p->uring_register = raw_result(syscall(__NR_io_uring_register, -1, 0,
					       NULL, 0));
}

/* The socket calls every filtered child makes after loading. */
static void probe_sockets(struct probe *p)
{
	p->audit_raw = sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	p->audit_cloexec = sock(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				NETLINK_AUDIT);
	p->audit_dgram = sock(AF_NETLINK, SOCK_DGRAM, NETLINK_AUDIT);
	p->route = sock(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	p->inet = sock(AF_INET, SOCK_STREAM, 0);
	p->local = sock(AF_UNIX, SOCK_STREAM, 0);
	p->audit_open = try_audit_open();
	p->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	p->audit_hi_family = sock64(1ULL << 32 | AF_NETLINK, SOCK_RAW,
				    NETLINK_AUDIT);
	p->audit_hi_proto = sock64(AF_NETLINK, SOCK_RAW,
				   1ULL << 32 | NETLINK_AUDIT);
	p->audit_hi_both = sock64(0xdead00000000ULL | AF_NETLINK, SOCK_RAW,
				  0xbeef00000000ULL | NETLINK_AUDIT);
	p->audit_neg_family = sock64(0xffffffff00000000ULL | AF_NETLINK,
				     SOCK_RAW, NETLINK_AUDIT);
	p->inet_hi = sock64(1ULL << 32 | AF_INET, SOCK_STREAM, 0);
	probe_uring(p);
}

/*
 * run_child - fork, run @fn in the child with a fresh probe, get the probe
 * back. False when the child died before answering.
 */
static bool run_child(void (*fn)(struct probe *), struct probe *out)
{
	struct probe p;
	int fds[2], st = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		bail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		int *f = (int *)&p;

		close(fds[0]);
		for (size_t i = 0; i < sizeof(p) / sizeof(int); i++)
			f[i] = NOT_TRIED;
		fn(&p);
		n = write(fds[1], &p, sizeof(p));
		_exit(n == (ssize_t)sizeof(p) ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], out, sizeof(*out));
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*out) || !WIFEXITED(st) || WEXITSTATUS(st)) {
		diag("child %d: read %zd bytes, status %#x", (int)pid, n, st);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ children */

static void child_plain(struct probe *p)
{
	struct io_uring ring;
	int r;

	p->before = sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	p->uring_before = uring_audit();
	/* a ring that exists before the filter, used after it */
	r = io_uring_queue_init(2, &ring, 0);
	p->load = acid_seccomp_filter_load(0);
	p->uring_old_ring = r < 0 ? r : uring_audit_on(&ring);
	if (r == 0)
		io_uring_queue_exit(&ring);
	probe_sockets(p);
	/* a second copy stacks; nothing changes for the caller */
	p->load2 = acid_seccomp_filter_load(ACID_SECCOMP_NNP);
}

static void drop_sys_admin(void)
{
	capng_get_caps_process();
	capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		     CAP_SYS_ADMIN);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		_exit(3);
}

/* Without CAP_SYS_ADMIN the kernel wants no_new_privs: refused... */
static void child_no_admin(struct probe *p)
{
	drop_sys_admin();
	p->load = acid_seccomp_filter_load(0);
	p->audit_raw = sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
}

/* ...and taken with ACID_SECCOMP_NNP. */
static void child_no_admin_nnp(struct probe *p)
{
	drop_sys_admin();
	p->load = acid_seccomp_filter_load(ACID_SECCOMP_NNP);
	probe_sockets(p);
}

static int thread_cmd[2], thread_reply[2];

static void *thread_main(void *arg)
{
	char c;
	int r;

	if (read(thread_cmd[0], &c, 1) != 1)
		return arg;
	r = sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (write(thread_reply[1], &r, sizeof(r)) != sizeof(r))
		return arg;
	return arg;
}

/* A thread that exists before the filter is loaded, then asked to try. */
static void child_thread(struct probe *p, unsigned int flags)
{
	pthread_t t;

	if (pipe(thread_cmd) < 0 || pipe(thread_reply) < 0 ||
	    pthread_create(&t, NULL, thread_main, NULL))
		_exit(3);
	p->load = acid_seccomp_filter_load(flags);
	p->audit_raw = sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (write(thread_cmd[1], "x", 1) != 1 ||
	    read(thread_reply[0], &p->thread_audit, sizeof(int)) != sizeof(int))
		_exit(4);
	pthread_join(t, NULL);
}

static void child_tsync(struct probe *p)
{
	child_thread(p, ACID_SECCOMP_TSYNC);
}

static void child_no_tsync(struct probe *p)
{
	child_thread(p, 0);
}

#if defined(__x86_64__)
/*
 * The i386 ABI from this 64-bit process: int $0x80 takes i386 syscall
 * numbers and 32-bit arguments (pointers below 4 GiB).
 */
#define I386_GETPID 20
#define I386_SOCKETCALL 102
#define I386_SOCKET 359

static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return r;
}

static int int80_result(long r)
{
	int v = (int)r;

	if (v >= 0) {
		close(v);
		return 0;
	}
	return v;
}

/*
 * socketcall(SYS_SOCKET, {domain, type, proto}) with @edx in the third
 * register, which socketcall does not use: a forger sets it at will.
 */
static int i386_socketcall(uint32_t *args, int domain, int type, int proto,
			   long edx)
{
	args[0] = (uint32_t)domain;
	args[1] = (uint32_t)type;
	args[2] = (uint32_t)proto;
	return int80_result(int80(I386_SOCKETCALL, SYS_SOCKET,
				  (long)(uintptr_t)args, edx));
}

/* Does this kernel (and this process: not valgrind) take int $0x80? */
static void child_i386_probe(struct probe *p)
{
	p->i386_getpid = (int)int80(I386_GETPID, 0, 0, 0);
}

static void child_i386(struct probe *p)
{
	uint32_t *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (args == MAP_FAILED)
		_exit(3);
	p->before = i386_socketcall(args, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT,
				    NETLINK_AUDIT);
	p->load = acid_seccomp_filter_load(0);
	p->i386_getpid = (int)int80(I386_GETPID, 0, 0, 0);
	p->i386_socketcall_audit = i386_socketcall(args, AF_NETLINK, SOCK_RAW,
						   NETLINK_AUDIT,
						   NETLINK_AUDIT);
	p->i386_socketcall_evasive = i386_socketcall(args, AF_NETLINK,
						     SOCK_RAW, NETLINK_AUDIT,
						     0);
	p->i386_socketcall_inet = i386_socketcall(args, AF_INET, SOCK_STREAM,
						  0, 0);
	p->i386_socket_audit = int80_result(
		int80(I386_SOCKET, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT));
	p->i386_socket_inet = int80_result(
		int80(I386_SOCKET, AF_INET, SOCK_STREAM, 0));
	/* the i386 ABI has 32-bit registers: the kernel drops the rest */
	p->i386_socket_audit_hi = int80_result(
		int80(I386_SOCKET, 1L << 32 | AF_NETLINK, SOCK_RAW,
		      1L << 32 | NETLINK_AUDIT));
	p->inet = sock(AF_INET, SOCK_STREAM, 0);
}
#endif

/* --------------------------------------------------------------- tests */

static void test_flags(void)
{
	is_err(acid_seccomp_filter_load(0x4), -EINVAL,
	       "an unknown flag is refused before anything is loaded");
	is_err(acid_seccomp_filter_load(~0u), -EINVAL, "all bits set");
	is_int(sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT), 0,
	       "and the test process still opens the audit socket");
}

static void test_load(void)
{
	struct probe p;

	if (!ok(run_child(child_plain, &p), "a child loads the filter"))
		return;
	is_err(p.before, 0, "audit socket before the filter");
	is_err(p.load, 0, "acid_seccomp_filter_load(0) as root");
	is_err(p.audit_raw, -EPROTONOSUPPORT,
	       "socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT)");
	is_err(p.audit_cloexec, -EPROTONOSUPPORT,
	       "socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_AUDIT)");
	is_err(p.audit_dgram, -EPROTONOSUPPORT,
	       "socket(AF_NETLINK, SOCK_DGRAM, NETLINK_AUDIT)");
	is_err(p.audit_open, -EPROTONOSUPPORT,
	       "libaudit's audit_open() sees 'audit not in this kernel'");
	is_err(p.route, 0, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)");
	is_err(p.inet, 0, "socket(AF_INET, SOCK_STREAM, 0)");
	is_err(p.local, 0, "socket(AF_UNIX, SOCK_STREAM, 0)");
	is_int(p.nnp, 0, "flags 0 leave no_new_privs unset");
	is_err(p.load2, 0, "a second filter stacks");
	is_err(p.audit_hi_family, -EPROTONOSUPPORT,
	       "socket(1<<32 | AF_NETLINK, SOCK_RAW, NETLINK_AUDIT): the "
	       "kernel reads an int, so must the filter");
	is_err(p.audit_hi_proto, -EPROTONOSUPPORT,
	       "socket(AF_NETLINK, SOCK_RAW, 1<<32 | NETLINK_AUDIT)");
	is_err(p.audit_hi_both, -EPROTONOSUPPORT,
	       "other upper halves in the family and the protocol");
	is_err(p.audit_neg_family, -EPROTONOSUPPORT,
	       "an upper half of all ones in the family");
	is_err(p.inet_hi, 0, "socket(1<<32 | AF_INET, SOCK_STREAM, 0) is an "
	       "AF_INET socket, and allowed");
	is_err(p.uring_before, 0,
	       "before the filter, io_uring's IORING_OP_SOCKET makes an "
	       "audit socket (kernel 5.19+)");
	is_err(p.uring_setup, -ENOSYS,
	       "io_uring_setup fails: no io_uring in this kernel");
	is_err(p.uring_enter, -ENOSYS, "io_uring_enter fails (not EBADF)");
	is_err(p.uring_register, -ENOSYS,
	       "io_uring_register fails (not EBADF)");
	is_err(p.uring_old_ring, -ENOSYS,
	       "a ring made before the filter submits nothing after it");
}

static void test_nnp(void)
{
	struct probe p;

	if (ok(run_child(child_no_admin, &p),
	       "a child without CAP_SYS_ADMIN, flags 0")) {
		is_err(p.load, -EACCES,
		       "the kernel wants CAP_SYS_ADMIN or no_new_privs");
		is_err(p.audit_raw, 0, "so nothing was loaded");
	}
	if (ok(run_child(child_no_admin_nnp, &p),
	       "a child without CAP_SYS_ADMIN, ACID_SECCOMP_NNP")) {
		is_err(p.load, 0, "loaded");
		is_int(p.nnp, 1, "no_new_privs is set");
		is_err(p.audit_raw, -EPROTONOSUPPORT, "audit socket");
		is_err(p.audit_open, -EPROTONOSUPPORT, "audit_open()");
		is_err(p.inet, 0, "AF_INET socket");
		is_err(p.audit_hi_proto, -EPROTONOSUPPORT,
		       "bit 32 in the protocol");
		is_err(p.uring_setup, -ENOSYS, "io_uring_setup");
	}
}

static void test_threads(void)
{
	struct probe p;

	if (ok(run_child(child_no_tsync, &p), "flags 0 with a second thread")) {
		is_err(p.load, 0, "loaded");
		is_err(p.audit_raw, -EPROTONOSUPPORT, "the calling thread");
		is_err(p.thread_audit, 0,
		       "the other thread was not filtered (why TSYNC exists)");
	}
	if (ok(run_child(child_tsync, &p), "ACID_SECCOMP_TSYNC")) {
		if (p.load == -EOPNOTSUPP) {
			/* libseccomp found no seccomp(2): valgrind has none */
			skip("TSYNC needs seccomp(2), which is not here");
			return;
		}
		is_err(p.load, 0, "loaded");
		is_err(p.audit_raw, -EPROTONOSUPPORT, "the calling thread");
		is_err(p.thread_audit, -EPROTONOSUPPORT, "the other thread");
	}
}

static void test_i386(void)
{
#if defined(__x86_64__)
	struct probe p;

	if (!run_child(child_i386_probe, &p) || p.i386_getpid <= 0) {
		skip("int $0x80 is not available here (no IA32 emulation, "
		     "or valgrind): i386 ABI not tried");
		return;
	}
	if (!ok(run_child(child_i386, &p), "the i386 ABI, through int $0x80"))
		return;
	is_err(p.before, 0, "socketcall(SYS_SOCKET) audit socket before");
	is_err(p.load, 0, "loaded");
	ok(p.i386_getpid > 0,
	   "i386 getpid still works (no bad-arch kill): got %d",
	   p.i386_getpid);
	is_err(p.i386_socket_audit, -EPROTONOSUPPORT,
	       "i386 socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT)");
	is_err(p.i386_socket_inet, 0, "i386 socket(AF_INET, SOCK_STREAM, 0)");
	is_err(p.i386_socket_audit_hi, -EPROTONOSUPPORT,
	       "i386 socket with bit 32 set in rbx and rdx (cut to 32 bits)");
	is_err(p.i386_socketcall_audit, -EPROTONOSUPPORT,
	       "i386 socketcall(SYS_SOCKET, {AF_NETLINK, SOCK_RAW, "
	       "NETLINK_AUDIT})");
	is_err(p.i386_socketcall_evasive, -EPROTONOSUPPORT,
	       "the same with 0 in the third register (what libseccomp's own "
	       "translation of the socket rule would test)");
	is_err(p.i386_socketcall_inet, -EPROTONOSUPPORT,
	       "i386 socketcall(SYS_SOCKET, {AF_INET, SOCK_STREAM, 0}): closed"
	       " for every family, its arguments are out of the filter's sight");
	is_err(p.inet, 0, "the x86_64 AF_INET socket is untouched");
#else
	skip("not x86_64: the i386 ABI is not tried");
#endif
}

/* ------------------------------------------------------------ OCI JSON */

static const char *str_at(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };

	return YAJL_GET_STRING(yajl_tree_get(v, path, yajl_t_string));
}

static long long int_at(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val n = yajl_tree_get(v, path, yajl_t_number);

	return n && YAJL_IS_INTEGER(n) ? YAJL_GET_INTEGER(n) : -1;
}

static yajl_val array_at(yajl_val v, const char *key, size_t *len)
{
	const char *path[] = { key, NULL };
	yajl_val a = yajl_tree_get(v, path, yajl_t_array);

	*len = a ? YAJL_GET_ARRAY(a)->len : 0;
	return a;
}

static const char *first_string(yajl_val a)
{
	return YAJL_GET_STRING(YAJL_GET_ARRAY(a)->values[0]);
}

static void check_arg(yajl_val args, size_t i, long long index,
		      long long value, const char *what)
{
	yajl_val a = YAJL_GET_ARRAY(args)->values[i];

	ok(YAJL_IS_OBJECT(a), "%s: args[%zu] is an object", what, i);
	is_int(int_at(a, "index"), index, "%s: args[%zu].index", what, i);
	is_int(int_at(a, "value"), value, "%s: args[%zu].value", what, i);
	is_str(str_at(a, "op"), "SCMP_CMP_EQ", "%s: args[%zu].op", what, i);
}

/* the low 32 bits of the argument, what the kernel reads of an int */
static void check_masked_arg(yajl_val args, size_t i, long long index,
			     long long value, const char *what)
{
	yajl_val a = YAJL_GET_ARRAY(args)->values[i];

	ok(YAJL_IS_OBJECT(a), "%s: args[%zu] is an object", what, i);
	is_int(int_at(a, "index"), index, "%s: args[%zu].index", what, i);
	is_int(int_at(a, "value"), 0xffffffffLL,
	       "%s: args[%zu].value is the mask", what, i);
	is_int(int_at(a, "valueTwo"), value, "%s: args[%zu].valueTwo", what,
	       i);
	is_str(str_at(a, "op"), "SCMP_CMP_MASKED_EQ", "%s: args[%zu].op",
	       what, i);
}

static void test_oci(void)
{
	char err[256], want[512];
	char *text = NULL;
	yajl_val v, names, args;
	size_t n;

	is_err(acid_seccomp_oci_rule(NULL), -EINVAL, "oci rule: NULL out");
	is_err(acid_seccomp_oci_rule(&text), 0, "acid_seccomp_oci_rule");
	if (!text)
		bail("no rule text");
	snprintf(want, sizeof(want),
		 "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\","
		 "\"errnoRet\":%d,\"args\":[{\"index\":0,\"value\":4294967295,"
		 "\"valueTwo\":16,\"op\":\"SCMP_CMP_MASKED_EQ\"},{\"index\":2,"
		 "\"value\":4294967295,\"valueTwo\":9,\"op\":"
		 "\"SCMP_CMP_MASKED_EQ\"}]}", EPROTONOSUPPORT);
	is_str(text, want, "the socket rule's text");
	v = yajl_tree_parse(text, err, sizeof(err));
	if (ok(v && YAJL_IS_OBJECT(v), "it parses (yajl): %s", v ? "" : err)) {
		names = array_at(v, "names", &n);
		is_int(n, 1, "names: one syscall");
		if (n == 1)
			is_str(first_string(names), "socket", "names[0]");
		is_str(str_at(v, "action"), "SCMP_ACT_ERRNO", "action");
		is_int(int_at(v, "errnoRet"), EPROTONOSUPPORT,
		       "errnoRet is EPROTONOSUPPORT");
		args = array_at(v, "args", &n);
		if (is_int(n, 2, "two conditions")) {
			check_masked_arg(args, 0, 0, AF_NETLINK, "socket rule");
			check_masked_arg(args, 1, 2, NETLINK_AUDIT,
					 "socket rule");
		}
	}
	yajl_tree_free(v);
	free(text);

	text = NULL;
	is_err(acid_seccomp_oci_socketcall_rule(&text), 0,
	       "acid_seccomp_oci_socketcall_rule");
	if (!text)
		bail("no rule text");
	v = yajl_tree_parse(text, err, sizeof(err));
	if (ok(v && YAJL_IS_OBJECT(v), "it parses (yajl): %s", v ? "" : err)) {
		names = array_at(v, "names", &n);
		if (is_int(n, 1, "names: one syscall"))
			is_str(first_string(names), "socketcall", "names[0]");
		is_str(str_at(v, "action"), "SCMP_ACT_ERRNO", "action");
		is_int(int_at(v, "errnoRet"), EPROTONOSUPPORT, "errnoRet");
		args = array_at(v, "args", &n);
		if (is_int(n, 1, "one condition"))
			check_arg(args, 0, 0, SYS_SOCKET, "socketcall rule");
	}
	yajl_tree_free(v);
	free(text);

	text = NULL;
	is_err(acid_seccomp_oci_io_uring_rule(NULL), -EINVAL,
	       "io_uring rule: NULL out");
	is_err(acid_seccomp_oci_io_uring_rule(&text), 0,
	       "acid_seccomp_oci_io_uring_rule");
	if (!text)
		bail("no rule text");
	v = yajl_tree_parse(text, err, sizeof(err));
	if (ok(v && YAJL_IS_OBJECT(v), "it parses (yajl): %s", v ? "" : err)) {
		static const char *const want_names[] = {
			"io_uring_setup", "io_uring_enter", "io_uring_register"
		};

		names = array_at(v, "names", &n);
		if (is_int(n, 3, "names: three syscalls"))
			for (size_t i = 0; i < 3; i++)
				is_str(YAJL_GET_STRING(YAJL_GET_ARRAY(names)
							       ->values[i]),
				       want_names[i], "names[%zu]", i);
		is_str(str_at(v, "action"), "SCMP_ACT_ERRNO", "action");
		is_int(int_at(v, "errnoRet"), ENOSYS,
		       "errnoRet is ENOSYS: no io_uring in this kernel");
		array_at(v, "args", &n);
		is_int(n, 0, "no conditions");
	}
	yajl_tree_free(v);
	free(text);
}

int main(void)
{
	/* a child killed by the filter must show as a failure, not a hang */
	signal(SIGPIPE, SIG_IGN);
	if (geteuid() != 0)
		bail("needs root (CAP_SYS_ADMIN and the audit socket)");
	test_flags();
	test_oci();
	test_load();
	test_nnp();
	test_threads();
	test_i386();
	return tap_done();
}
