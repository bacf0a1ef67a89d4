// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ktest: libacid's kernel-mode tests, run inside the VM that
 * kernel/run.sh boots (a kernel with kernel/audit-containerid.patch).
 *
 *   ktest             run every test, print TAP-like lines and the
 *                     closing line "N passed, N failed"
 *   ktest runtime     a stand-in for an OCI runtime (see fake_runtime)
 *   ktest forge       under acid-exec: a hand-off asked with a start time
 *                     not its own, then with its own (see forge)
 *
 * It is also the audit daemon of the VM: it registers itself with the
 * kernel's audit netlink (AUDIT_SET pid), loads a rule on execve and reads
 * the kernel's records (CONTAINER_OP, CONTAINER_ID, SYSCALL) and the user
 * records libacid sends.
 *
 * Built statically with libacid's sources, so it may call libacid's
 * internal kernel_write_id() too: the kernel's answer, through libacid.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cap-ng.h>
#include <libaudit.h>

#include "handoff.h"
#include "internal.h"

/* the record types: ACID_AUDIT_CONTAINER_OP and _ID, from internal.h */
#define AUDIT_VIRT_CONTROL_TYPE 2500

static int passed, failed, testno;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++testno);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ------------------------------------------------------- audit netlink */

struct rec {
	int type;
	char *text;
};
static struct rec recs[4096];
static size_t nrecs;
static int audit_fd = -1;

static int audit_request(int type, const void *data, size_t len)
{
	struct {
		struct nlmsghdr nh;
		char data[2048];
	} req = { 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (len > sizeof(req.data))
		return -EMSGSIZE;
	req.nh.nlmsg_len = NLMSG_LENGTH(len);
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = type;
	memcpy(req.data, data, len);
	if (sendto(audit_fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Read what is there (records, acks) for up to @ms; keep the records. */
static void audit_drain(int ms)
{
	char buf[16384];

	for (;;) {
		struct pollfd p = { .fd = audit_fd, .events = POLLIN };
		struct nlmsghdr *nh;
		ssize_t n;

		if (poll(&p, 1, ms) <= 0)
			return;
		/*
		 * One message per datagram. The kernel's audit records set
		 * nlmsg_len to the payload's length alone (an old quirk), so
		 * the datagram's length is what counts.
		 */
		n = recv(audit_fd, buf, sizeof(buf) - 1, 0);
		if (n < (ssize_t)NLMSG_HDRLEN)
			return;
		buf[n] = '\0';
		nh = (struct nlmsghdr *)buf;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			if (e->error)
				note("audit netlink: request %u: %s",
				     e->msg.nlmsg_type, strerror(-e->error));
		} else if (nrecs < sizeof(recs) / sizeof(recs[0])) {
			recs[nrecs].type = nh->nlmsg_type;
			recs[nrecs].text = strdup(buf + NLMSG_HDRLEN);
			nrecs++;
		}
		ms = 300;	/* then until quiet */
	}
}

static int audit_setup(void)
{
	struct audit_status st = { 0 };
	struct audit_rule_data *rule;
	char rbuf[sizeof(*rule)] = { 0 };
	int rcv = 4 << 20, r;

	audit_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (audit_fd < 0)
		return -errno;
	setsockopt(audit_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	/* become the audit daemon: the kernel's records come to us */
	st.mask = AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID;
	st.enabled = 1;
	st.pid = getpid();
	r = audit_request(AUDIT_SET, &st, sizeof(st));
	if (r < 0)
		return r;
	/* -a always,exit -F arch=b64 -S execve */
	rule = (struct audit_rule_data *)rbuf;
	rule->flags = AUDIT_FILTER_EXIT;
	rule->action = AUDIT_ALWAYS;
	rule->mask[59 / 32] |= 1u << (59 % 32);
	rule->field_count = 1;
	rule->fields[0] = AUDIT_ARCH;
	rule->fieldflags[0] = AUDIT_EQUAL;
	rule->values[0] = AUDIT_ARCH_X86_64;
	r = audit_request(AUDIT_ADD_RULE, rule, sizeof(*rule));
	if (r < 0)
		return r;
	audit_drain(500);
	return 0;
}

/* "audit(1700000000.123:45): ..." -> 45 */
static unsigned long serial_of(const char *text)
{
	const char *p = strchr(text, ':');

	return p ? strtoul(p + 1, NULL, 10) : 0;
}

/* The index of the first record of @type holding every needle, or -1. */
static long find_rec(size_t from, int type, const char *n1, const char *n2,
		     const char *n3)
{
	for (size_t i = from; i < nrecs; i++) {
		if (recs[i].type != type || !strstr(recs[i].text, n1) ||
		    (n2 && !strstr(recs[i].text, n2)) ||
		    (n3 && !strstr(recs[i].text, n3)))
			continue;
		return (long)i;
	}
	return -1;
}

/* Is there an execve event of @pid whose CONTAINER_ID says @contid? */
static bool execve_has_contid(pid_t pid, uint64_t contid)
{
	char p[32], c[40];

	snprintf(p, sizeof(p), " pid=%d ", (int)pid);
	snprintf(c, sizeof(c), "contid=%" PRIu64, contid);
	for (size_t i = 0; i < nrecs; i++) {
		if (recs[i].type != AUDIT_SYSCALL ||
		    !strstr(recs[i].text, "syscall=59 ") ||
		    !strstr(recs[i].text, p))
			continue;
		for (size_t j = 0; j < nrecs; j++)
			if (recs[j].type == ACID_AUDIT_CONTAINER_ID &&
			    serial_of(recs[j].text) == serial_of(recs[i].text) &&
			    strstr(recs[j].text, c))
				return true;
	}
	return false;
}

static void dump_recs(size_t from)
{
	for (size_t i = from; i < nrecs; i++)
		note("record %d %s", recs[i].type, recs[i].text);
}

/* ------------------------------------------------------------ helpers */

static struct acid_id id_of_u64(uint64_t v)
{
	struct acid_id id = { 0 };

	for (int i = 15; i >= 8; i--, v >>= 8)
		id.bytes[i] = v & 0xff;
	return id;
}

static uint64_t next_id = 4200;

/* A child that waits until killed; with @mode 1 it has a child, 2 a thread */
static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static pid_t spawn_waiter(int mode)
{
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		close(ready[0]);
		if (mode == 1 && fork() == 0)
			for (;;)
				pause();
		if (mode == 2)
			pthread_create(&t, NULL, sleeper, NULL);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]);
	return pid;
}

static void end_waiter(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A raw write, as any program would do it: 0 or the errno. */
static int raw_write(pid_t pid, const char *value)
{
	char path[64];
	int fd, e = 0;

	snprintf(path, sizeof(path), "/proc/%d/audit_containerid", (int)pid);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, value, strlen(value)) < 0)
		e = errno;
	close(fd);
	return e;
}

static int raw_write_u64(pid_t pid, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return raw_write(pid, buf);
}

static int lib_register(struct acid_ctx *ctx, pid_t pid, uint64_t v)
{
	struct acid_id id = id_of_u64(v);
	struct acid_reg req = { .size = sizeof(req), .pid = pid, .id = &id,
				.name = "ktest" };
	struct acid_entry *e = NULL;
	int r = acid_register(ctx, &req, &e);

	if (r == 0) {
		acid_forget(ctx, e);
		acid_entry_free(e);
	}
	return r;
}

static uint64_t read_contid(pid_t pid)
{
	char path[64], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/audit_containerid", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtoull(buf, NULL, 10);
}

/* The errno check: the kernel's raw answer, then libacid's, same errno. */
static void check_errno(const char *what, int want, int raw, int lib)
{
	const char *sentence = acid_strerror(-lib);

	check(raw == want, "%s: the kernel answers %s (got %s)", what,
	      strerrorname_np(want), raw ? strerrorname_np(raw) : "0");
	check(lib == -want && sentence != strerrordesc_np(want),
	      "%s: libacid passes -%s through: \"%s\"", what,
	      strerrorname_np(want), sentence);
}

/* Run @fn in a child, which hands back two ints. */
static void in_child(void (*fn)(int out[2], void *arg), void *arg,
		     int out[2])
{
	int p[2];
	pid_t pid;

	out[0] = out[1] = -1;
	if (pipe(p) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		int res[2] = { -1, -1 };

		close(p[0]);
		fn(res, arg);
		if (write(p[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], out, 2 * sizeof(int)) != 2 * sizeof(int))
		out[0] = out[1] = -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
}

/* Run a program, its stdout and stderr into @out; returns the status. */
static int run(char *const argv[], char *out, size_t len)
{
	int p[2], status;
	size_t used = 0;
	pid_t pid;
	ssize_t n;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (used + 1 < len && (n = read(p[0], out + used, len - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return status;
}

/* -------------------------------------------------------------- tests */

static void test_probe(struct acid_ctx *ctx)
{
	check(acid_ctx_mode(ctx) == ACID_MODE_KERNEL_U64,
	      "probe: mode is %s", acid_mode_name(acid_ctx_mode(ctx)));
	check(read_contid(getpid()) == UINT64_MAX,
	      "probe: /proc/self/audit_containerid reads 18446744073709551615");
}

static void test_orchestrator(void)
{
	char out[8192], *line;
	char *argv[] = { "/bin/acid-example-orchestrator", "--name", "korch",
			 "--", "/bin/cat", "/proc/self/audit_containerid",
			 NULL };
	struct acid_id id;
	uint64_t v = 0, seen = 0;
	int pid = 0, status;
	size_t from = nrecs;
	char uuid[64] = "", a[64], b[64];

	status = run(argv, out, sizeof(out));
	line = strstr(out, "uuid=");
	if (line && sscanf(line, "uuid=%63s pid=%d", uuid, &pid) == 2 &&
	    acid_id_parse(uuid, &id) == 0)
		acid_id_to_u64(&id, &v);
	if (line && (line = strchr(line, '\n')))
		seen = strtoull(line + 1, NULL, 10);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0 && v && pid > 0,
	      "orchestrator: registers its child (pid %d, uuid %s)", pid, uuid);
	check(seen == v && v,
	      "orchestrator: the child reads its ID back: %" PRIu64, seen);
	if (!v) {
		note("orchestrator said: %s", out);
		return;
	}

	audit_drain(1000);
	snprintf(a, sizeof(a), "op=set opid=%d ", pid);
	snprintf(b, sizeof(b), "contid=%" PRIu64 " ", v);
	check(find_rec(from, ACID_AUDIT_CONTAINER_OP, a, b, "res=1") >= 0,
	      "records: CONTAINER_OP (1020) %s%s", a, b);
	snprintf(a, sizeof(a), "op=drop opid=%d ", pid);
	check(find_rec(from, ACID_AUDIT_CONTAINER_OP, a, b, NULL) >= 0,
	      "records: CONTAINER_OP %s%s when the child exits", a, b);
	check(execve_has_contid(pid, v),
	      "records: CONTAINER_ID (%d) contid=%" PRIu64
	      " in the child's execve event", ACID_AUDIT_CONTAINER_ID, v);
	snprintf(a, sizeof(a), "vm-pid=%d ", pid);
	check(find_rec(from, AUDIT_VIRT_CONTROL_TYPE, "op=start", a, NULL) >= 0,
	      "records: the orchestrator's own VIRT_CONTROL register record");
	if (failed)
		dump_recs(from);
}

/*
 * The records since @from as auditd writes them (log_format = RAW):
 * "type=NAME msg=audit(...): ...", NAME as libaudit knows it, else
 * UNKNOWN[n]. With @no_ids, the kernel's CONTAINER_OP and CONTAINER_ID
 * records are left out: the log of a kernel without them.
 */
static bool write_log(const char *path, size_t from, bool no_ids)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return false;
	for (size_t i = from; i < nrecs; i++) {
		const char *name = audit_msg_type_to_name(recs[i].type);
		char unknown[32];

		if (no_ids && (recs[i].type == ACID_AUDIT_CONTAINER_OP ||
			       recs[i].type == ACID_AUDIT_CONTAINER_ID))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "UNKNOWN[%d]",
				 recs[i].type);
			name = unknown;
		}
		fprintf(f, "type=%s msg=%s\n", name, recs[i].text);
	}
	return fclose(f) == 0;
}

/* Does acid events' raw output hold an EXECVE record with @arg? */
static bool printed_arg(const char *out, const char *arg)
{
	char needle[80];

	snprintf(needle, sizeof(needle), "a1=\"%s\"", arg);
	return strstr(out, needle) != NULL;
}

/* The serials of the SYSCALL records in @out, sorted, as "a,b,c". */
static void syscall_serials(const char *out, char *buf, size_t len)
{
	unsigned long v[512];
	size_t n = 0, o = 0;

	for (const char *p = out; (p = strstr(p, "type=SYSCALL ")); p++)
		if (n < 512)
			v[n++] = serial_of(p);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 24 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%lu", i ? "," : "",
				      v[i]);
}

/*
 * acid events on this kernel's own log: a container runs a subshell whose
 * child is a process ancestry cannot place (its parent, the subshell,
 * never execs, so no record names it), while the host runs the same
 * commands. The kernel's CONTAINER_ID records decide: acid events gives
 * exactly the execve events the kernel stamped with the container's ID.
 */
static void test_events(void)
{
	static char out[65536], noid[65536], want[4096], got[4096];
	char *orch[] = { "/bin/acid-example-orchestrator", "--name", "kev",
			 "--", "/bin/sh", "-c",
			 "( /bin/true KEV.sub1; /bin/true KEV.sub2 ); "
			 "/bin/true KEV.last", NULL };
	char *host[] = { "/bin/sh", "-c",
			 "( /bin/true HOST.sub1; /bin/true HOST.sub2 ); "
			 "/bin/true HOST.last", NULL };
	char uuid[64] = "", c[40];
	char *ev[] = { "/bin/acid", "events", uuid, "--input",
		       "/tmp/audit.log", NULL };
	char *ev_noid[] = { "/bin/acid", "events", uuid, "--input",
			    "/tmp/audit-noid.log", NULL };
	size_t from = nrecs, o = 0;
	unsigned long serials[512];
	size_t ns = 0;
	struct acid_id id;
	uint64_t v = 0;
	int pid = 0, st;
	char *line;

	st = run(orch, out, sizeof(out));
	run(host, noid, sizeof(noid));
	line = strstr(out, "uuid=");
	if (line && sscanf(line, "uuid=%63s pid=%d", uuid, &pid) == 2 &&
	    acid_id_parse(uuid, &id) == 0)
		acid_id_to_u64(&id, &v);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0 && v,
	      "events: container kev ran (uuid %s)", uuid);
	if (!v)
		return;
	audit_drain(1000);
	check(write_log("/tmp/audit.log", from, false) &&
		      write_log("/tmp/audit-noid.log", from, true),
	      "events: the records written as auditd's log");

	/* the kernel's truth: the execve events stamped with the ID */
	snprintf(c, sizeof(c), "contid=%" PRIu64, v);
	for (size_t i = from; i < nrecs; i++)
		if (recs[i].type == ACID_AUDIT_CONTAINER_ID &&
		    strstr(recs[i].text, c) && ns < 512)
			serials[ns++] = serial_of(recs[i].text);
	for (size_t i = 0; i < ns; i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%s%lu",
				      i ? "," : "", serials[i]);

	st = run(ev, out, sizeof(out));
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "events: acid events %s exits 0", uuid);
	syscall_serials(out, got, sizeof(got));
	check(ns >= 4 && strcmp(got, want) == 0,
	      "events: exactly the kernel's CONTAINER_ID events: {%s}, "
	      "kernel {%s}", got, want);
	check(printed_arg(out, "KEV.sub1") && printed_arg(out, "KEV.sub2") &&
		      printed_arg(out, "KEV.last"),
	      "events: every command of the container, the subshell's "
	      "child included");
	check(!printed_arg(out, "HOST.sub1") && !printed_arg(out, "HOST.sub2") &&
		      !printed_arg(out, "HOST.last"),
	      "events: none of the host's");
	check(strstr(out, "type=UNKNOWN[1020]") && strstr(out, "op=set") &&
		      strstr(out, "op=drop"),
	      "events: the kernel's set and drop records listed with it");

	/* the same log without the kernel's records: ancestry alone */
	st = run(ev_noid, noid, sizeof(noid));
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		      printed_arg(noid, "KEV.last") &&
		      !printed_arg(noid, "KEV.sub1"),
	      "events: without CONTAINER_ID, ancestry finds KEV.last but "
	      "not the subshell's child KEV.sub1");
	if (failed) {
		note("acid events said:\n%s", out);
		dump_recs(from);
	}
}

/* AUDIT_SET_FEATURE: loginuid immutable on or off (not locked). */
static int set_loginuid_immutable(bool on)
{
	struct audit_features f = {
		.vers = AUDIT_FEATURE_VERSION,
		.mask = AUDIT_FEATURE_TO_MASK(AUDIT_FEATURE_LOGINUID_IMMUTABLE),
		.features = on ? AUDIT_FEATURE_TO_MASK(
					 AUDIT_FEATURE_LOGINUID_IMMUTABLE)
			       : 0,
	};
	int r = audit_request(AUDIT_SET_FEATURE, &f, sizeof(f));

	audit_drain(300);
	return r;
}

/*
 * acid-exec, from a process whose loginuid is set (a login), with
 * loginuid immutable and without: "-c" runs "echo RAN" through it.
 */
static int acid_exec_logged_in(char *out, size_t len)
{
	char *argv[] = { "/bin/sh", "-c",
			 "echo 0 > /proc/self/loginuid && "
			 "exec /bin/acid-exec /bin/sh -c 'echo RAN'",
			 NULL };

	return run(argv, out, len);
}

/*
 * Last: it changes what the kernel allows. The loginuid-immutable
 * feature on, acid-exec in a logged-in process must say why it cannot
 * start a session and run nothing; off again, the same works.
 */
static void test_immutable(void)
{
	char out[4096];
	int st, r, lines;

	r = set_loginuid_immutable(true);
	check(r == 0, "immutable: AUDIT_SET_FEATURE loginuid_immutable on (%s)",
	      r ? strerror(-r) : "ok");
	st = acid_exec_logged_in(out, sizeof(out));
	lines = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	check(WIFEXITED(st) && WEXITSTATUS(st) == 1 && lines == 1 &&
		      strstr(out, "loginuid is immutable") && !strstr(out, "RAN"),
	      "immutable: acid-exec exits 1 with one line and runs nothing: "
	      "\"%s\"", out);
	r = set_loginuid_immutable(false);
	check(r == 0, "immutable: off again (%s)", r ? strerror(-r) : "ok");
	st = acid_exec_logged_in(out, sizeof(out));
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(out, "RAN"),
	      "immutable: off, the same acid-exec runs its command: \"%s\"",
	      out);
}

static void eperm_child(int out[2], void *arg)
{
	struct acid_ctx *ctx = NULL;
	pid_t w = spawn_waiter(0);

	capng_get_caps_process();
	capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, CAP_AUDIT_CONTROL);
	capng_apply(CAPNG_SELECT_CAPS);
	out[0] = raw_write_u64(w, next_id);
	acid_ctx_new(NULL, &ctx);
	out[1] = ctx ? lib_register(ctx, w, next_id) : -ENOMEM;
	end_waiter(w);
}

static void sibling_child(int out[2], void *arg)
{
	pid_t w = *(pid_t *)arg;
	struct acid_ctx *ctx = NULL;

	out[0] = raw_write_u64(w, next_id);
	acid_ctx_new(NULL, &ctx);
	out[1] = ctx ? lib_register(ctx, w, next_id) : -ENOMEM;
}

static void test_errnos(struct acid_ctx *ctx)
{
	int out[2], raw;
	pid_t w;

	/* EINVAL: the unset value */
	w = spawn_waiter(0);
	raw = raw_write(w, "18446744073709551615");
	/* libacid refuses it before the kernel would, with the same errno */
	check_errno("EINVAL (unset value)", EINVAL, raw,
		    lib_register(ctx, w, UINT64_MAX));
	end_waiter(w);

	/* EPERM: no CAP_AUDIT_CONTROL */
	in_child(eperm_child, NULL, out);
	check_errno("EPERM (no CAP_AUDIT_CONTROL)", EPERM, out[0], out[1]);

	/* EBUSY: a target with a child, and one with a thread */
	w = spawn_waiter(1);
	raw = raw_write_u64(w, ++next_id);
	check_errno("EBUSY (target has a child)", EBUSY, raw,
		    lib_register(ctx, w, next_id));
	end_waiter(w);
	w = spawn_waiter(2);
	raw = raw_write_u64(w, ++next_id);
	check_errno("EBUSY (target has a thread)", EBUSY, raw,
		    lib_register(ctx, w, next_id));
	end_waiter(w);

	/* EXDEV: the caller itself, and a sibling */
	raw = raw_write_u64(getpid(), ++next_id);
	check_errno("EXDEV (self)", EXDEV, raw,
		    lib_register(ctx, getpid(), next_id));
	w = spawn_waiter(0);
	++next_id;
	in_child(sibling_child, &w, out);
	check_errno("EXDEV (not a descendant)", EXDEV, out[0], out[1]);
	end_waiter(w);

	/* EEXIST: set already */
	w = spawn_waiter(0);
	raw = raw_write_u64(w, ++next_id);
	check(raw == 0 && read_contid(w) == next_id,
	      "EEXIST: a first write sets %" PRIu64, next_id);
	raw = raw_write_u64(w, next_id + 1);
	next_id += 2;
	check_errno("EEXIST (already set)", EEXIST, raw,
		    lib_register(ctx, w, next_id));
	end_waiter(w);

	/* ESRCH: gone */
	w = spawn_waiter(0);
	end_waiter(w);
	raw = raw_write_u64(w, ++next_id);
	raw = raw == ENOENT ? ESRCH : raw;	/* no /proc/<pid> at all */
	check_errno("ESRCH (gone)", ESRCH, raw, lib_register(ctx, w, next_id));
}

/*
 * The runtime stand-in: like runc, it forks the container's init (which
 * waits), then runs the prestart hook as another child of its own, a
 * sibling of the container. It prints what the hook left in the
 * container's audit_containerid and starts the container only if the
 * hook succeeded.
 */
static int fake_runtime(void)
{
	char json[256], *hook[] = { "/bin/acid-prestart", "prestart", NULL };
	int go[2], in[2], status;
	pid_t init, h;
	char c;

	/* close-on-exec: only the stdin of the hook may hold the pipe */
	if (pipe2(go, O_CLOEXEC) < 0)
		return 1;
	init = fork();
	if (init == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/true", "true", NULL);
		_exit(127);
	}
	close(go[0]);
	if (pipe2(in, O_CLOEXEC) < 0)
		return 1;
	h = fork();
	if (h == 0) {
		dup2(in[0], 0);
		execv(hook[0], hook);
		_exit(127);
	}
	close(in[0]);
	snprintf(json, sizeof(json),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"khook\",\"status\":"
		 "\"created\",\"pid\":%d,\"bundle\":\"/tmp\"}", (int)init);
	if (write(in[1], json, strlen(json)) < 0)
		return 1;
	close(in[1]);
	waitpid(h, &status, 0);
	printf("runtime: init=%d hook-status=%d container-id=%" PRIu64 "\n",
	       (int)init, WIFEXITED(status) ? WEXITSTATUS(status) : 128,
	       read_contid(init));
	fflush(stdout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (write(go[1], "g", 1) != 1)
			return 1;
	} else {
		kill(init, SIGKILL);
	}
	waitpid(init, NULL, 0);
	return 0;
}

/*
 * "ktest forge", run under acid-exec: ask acid-exec (our parent) to write
 * a child's ID, once with a start time that is not ours (what a process
 * that got a dead asker's pid would present) and once with ours. Prints
 * "forge: wrong=<errno> right=<errno> contid=<read back>".
 */
/*
 * Ask acid-exec (our parent) to write @v for @target, saying we started
 * at @start. With @handed, the connection is ours but a child of ours
 * sends the request on it (a socket handed on), with its own start time.
 */
static int ask_parent(pid_t target, uint64_t v, uint64_t start, bool handed)
{
	struct sockaddr_un sa;
	socklen_t salen;
	char msg[128];
	int32_t answer = -1;
	int fd, dirfd, one = 1;
	pid_t child;

	/* its socket, in the registry directory (lib/handoff.h) */
	dirfd = registry_open(ACID_DEFAULT_STATE_DIR, false);
	if (dirfd < 0 || handoff_sockaddr(&sa, &salen, dirfd, getppid()) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		close(dirfd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, salen) < 0) {
		close(fd);
		close(dirfd);
		return -1;
	}
	close(dirfd);
	uint64_t tstart = 0;

	/* the target's start time: the request's fourth field */
	if (proc_stat("/proc", target, NULL, &tstart) < 0) {
		close(fd);
		return -1;
	}
	snprintf(msg, sizeof(msg), "%d %" PRIu64 " %" PRIu64 " %" PRIu64,
		 (int)target, v, start, tstart);
	if (handed) {
		child = fork();
		if (child == 0) {
			uint64_t own = 0;

			/* all true of itself: root, descendant, capable,
			 * its own start time; only not the connector */
			proc_stat("/proc", getpid(), NULL, &own);
			snprintf(msg, sizeof(msg), "%d %" PRIu64 " %" PRIu64
				 " %" PRIu64, (int)target, v, own, tstart);
			_exit(send(fd, msg, strlen(msg), 0) < 0);
		}
		waitpid(child, NULL, 0);
	} else if (send(fd, msg, strlen(msg), 0) < 0) {
		close(fd);
		return -1;
	}
	if (recv(fd, &answer, sizeof(answer), 0) != sizeof(answer))
		answer = -1;
	close(fd);
	return answer;
}

static int forge(void)
{
	pid_t child = spawn_waiter(0);
	uint64_t start = 0, v = next_id + 900;
	int wrong, handed, right;

	if (child <= 0 || proc_stat("/proc", getpid(), NULL, &start) < 0)
		return 1;
	wrong = ask_parent(child, v, start + 1, false);
	handed = ask_parent(child, v, start, true);
	right = ask_parent(child, v, start, false);
	printf("forge: wrong=%d handed=%d right=%d contid=%" PRIu64
	       " want=%" PRIu64 "\n", wrong, handed, right, read_contid(child),
	       v);
	fflush(stdout);
	end_waiter(child);
	return 0;
}

static void test_handoff(void)
{
	char out[8192], a[64];
	char *with[] = { "/bin/acid-exec", "--uid", "0", "/bin/ktest",
			 "runtime", NULL };
	char *without[] = { "/bin/ktest", "runtime", NULL };
	int init = 0, hs = -1;
	uint64_t v = 0;
	size_t from = nrecs;
	long set, reg;
	char *line;

	/* under acid-exec: the hook hands the write to it */
	run(with, out, sizeof(out));
	line = strstr(out, "runtime: ");
	if (line)
		sscanf(line, "runtime: init=%d hook-status=%d container-id=%"
		       SCNu64, &init, &hs, &v);
	check(hs == 0 && v && v != UINT64_MAX,
	      "hand-off: under acid-exec the hook registers the container "
	      "(init %d, contid %" PRIu64 ")", init, v);
	if (hs != 0)
		note("output: %s", out);
	audit_drain(1000);
	snprintf(a, sizeof(a), "op=set opid=%d ", init);
	set = find_rec(from, ACID_AUDIT_CONTAINER_OP, a, "res=1", NULL);
	check(set >= 0, "hand-off: the kernel's record %s... res=1", a);
	snprintf(a, sizeof(a), "vm-pid=%d ", init);
	reg = find_rec(from, AUDIT_VIRT_CONTROL_TYPE, "op=start", a,
		       "ses-tag=");
	check(reg > set && set >= 0,
	      "hand-off: the hook's own register record follows it");
	check(execve_has_contid(init, v),
	      "hand-off: the container's execve carries contid=%" PRIu64, v);
	if (set < 0 || reg < 0)
		dump_recs(from);

	/* without acid-exec: EXDEV, and the hook says whose job it is */
	init = 0;
	hs = -1;
	v = 0;
	run(without, out, sizeof(out));
	line = strstr(out, "runtime: ");
	if (line)
		sscanf(line, "runtime: init=%d hook-status=%d container-id=%"
		       SCNu64, &init, &hs, &v);
	check(hs != 0 && v == UINT64_MAX,
	      "no acid-exec: the hook fails (status %d), the container "
	      "stays unset", hs);
	check(strstr(out, "audit_containerid: Invalid cross-device link") &&
	      strstr(out, "registration belongs to the orchestrator") &&
	      strstr(out, "acid-exec"),
	      "no acid-exec: the hook says EXDEV, registration belongs to "
	      "the orchestrator");
	note("hook said: %.*s", (int)(line ? line - out : 300), out);

	/* the asker proves it is the process that connected */
	{
		char *forger[] = { "/bin/acid-exec", "--uid", "0",
				   "/bin/ktest", "forge", NULL };
		int wrong = -2, handed = -2, right = -2;
		uint64_t got = 0, want = 1;

		run(forger, out, sizeof(out));
		line = strstr(out, "forge: ");
		if (line)
			sscanf(line, "forge: wrong=%d handed=%d right=%d "
			       "contid=%" SCNu64 " want=%" SCNu64, &wrong,
			       &handed, &right, &got, &want);
		check(wrong == EPERM,
		      "hand-off: a start time not the asker's: EPERM (got %d)",
		      wrong);
		check(handed == EPERM,
		      "hand-off: a request sent on a connection handed on to "
		      "another process: EPERM (got %d)", handed);
		check(right == 0 && got == want,
		      "hand-off: the asker's own: written (%d, contid %" PRIu64
		      ")", right, got);
		if (wrong != EPERM || handed != EPERM || right != 0)
			note("output: %s", out);
	}
}

int main(int argc, char **argv)
{
	struct acid_ctx *ctx = NULL;
	int r;

	if (argc > 1 && strcmp(argv[1], "runtime") == 0)
		return fake_runtime();
	if (argc > 1 && strcmp(argv[1], "forge") == 0)
		return forge();

	r = audit_setup();
	check(r == 0, "audit: this program is the audit daemon, execve rule "
		      "loaded (%s)", r ? strerror(-r) : "ok");
	r = acid_ctx_new(NULL, &ctx);
	check(r == 0, "acid_ctx_new: %s", acid_strerror(r));
	if (r == 0) {
		test_probe(ctx);
		test_orchestrator();
		test_errnos(ctx);
		test_handoff();
		test_events();
		test_immutable();
		acid_ctx_free(ctx);
	}
	printf("%d passed, %d failed\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}
