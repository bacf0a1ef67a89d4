// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-bench-floor - libacid's container lifecycle against its floor: the
 * same work done with bare system calls, side by side in one run.
 *
 *   acid-bench-floor [-n PAIRS] [-b N] [-d DIR] [--parts N] [--trace]
 *
 *   -n PAIRS   alternating pairs per comparison (default 100, at least 80
 *              are wanted: the machine is noisy)
 *   -b N       children forked ahead per batch (default 50)
 *   -d DIR     where both temporary state directories are made (default
 *              /run, where the real registry lives): the same filesystem
 *   --parts N  also time the single steps libacid takes (N samples each):
 *              the unit costs the findings of issue 11 are priced in
 *   --trace    do one lifecycle of each kind, untimed, with marker calls
 *              write(-1, "acid-bench: <phase>") between the phases, for
 *              strace -f (the markers fail with EBADF and do nothing):
 *                strace -f -T -o /tmp/t build/bench/acid-bench-floor --trace
 *
 * Run as root with kernel audit enabled and auditd running, e.g.
 *   build/bench/acid-bench-floor -n 100 --parts 200
 * or through bench/run.sh. Every record goes to the real audit log; their
 * vm= names start with "acid-bench-floor-" (the floor's) and
 * "acid-bench-lib-" (libacid's). One full run sends about 9 x PAIRS
 * records (plus N with --parts); the kernel's lost counter is printed
 * before and after. Other engineers' tests on the same machine show in
 * the times: compare the ratios of one run, not times across runs.
 *
 * The floor of one lifecycle, three calls as a hook pair makes them:
 *   register  pidfd_open; stat of the ten /proc/<pid>/ns files; getrandom
 *             for the ID; open the state dir and .lock, flock; write the
 *             entry to a temp name, renameat2(RENAME_NOREPLACE) it in,
 *             symlink pid-<pid> to it; poll the pidfd (still alive);
 *   start     the start record, the same text libacid sends: one
 *             NETLINK_AUDIT socket, VIRT_CONTROL with NLM_F_ACK, the ACK;
 *   stop      open the state dir and .lock, flock; the stop record and its
 *             ACK (its own socket); unlink pid-<pid> and the entry.
 * libacid's: acid_register, acid_log_start, acid_unregister(.., "exit").
 *
 * Each pair runs both on fresh blocked single-threaded children (a pool
 * forked before the timed region), the order swapped every pair; each
 * figure is a median, each ratio the median of the per-pair ratios.
 * Splits: registration alone (acid_register vs the floor's register), the
 * start record and the unregistration within the lifecycle, one
 * record (acid_log_start of a registered entry vs a bare send+ACK on a
 * fresh socket; a send+ACK on a socket kept open is printed too). And a
 * prototype, "record, checks pipelined": the kernel round trips libacid's
 * record_send() makes (status, rule list, record, status), two by two in
 * one sendto each, what it would cost with the same checks; and "record,
 * one batch": all four in one sendto (see batch_record() for what that
 * changes).
 *
 * Targets: the lifecycle <= 1.5x its floor (stretch 1.2x), one record <=
 * 2x a bare send+ACK (issue 11). A bare send+ACK is answered within the
 * sendto(); each check libacid makes around a record is a request whose
 * answer the kernel sends from a kernel thread it creates for it
 * (AUDIT_GET twice, AUDIT_LIST_RULES), three per record, created one
 * after the other within the sendto(), pipelined or not: with the checks
 * kept, no record comes near 2x a bare send. So "log_start vs pipelined"
 * (acid_log_start against the prototype with the same kernel requests)
 * carries a target of its own, <= 1.25x: what libacid adds to the
 * checks' own cost.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/netlink.h>

#include <acid/libacid.h>

#include "bench-util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef MAX_AUDIT_MESSAGE_LENGTH
#define MAX_AUDIT_MESSAGE_LENGTH 8970
#endif
#ifndef AUDIT_VIRT_CONTROL
#define AUDIT_VIRT_CONTROL 2500
#endif

#define WARMUP 5

static struct acid_ctx *ctx;
static const char *lib_dir;
static char floor_dir[4096];
static char self_exe[4096];
static unsigned long records_sent;

static void die(const char *what, int r)
{
	fprintf(stderr, "acid-bench-floor: %s: %s\n", what, strerror(-r));
	exit(1);
}

/* ------------------------------------------------- the floor's dir */

static void floor_dir_remove(void)
{
	int fd;

	if (!floor_dir[0])
		return;
	fd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		/* the floor removes its own names; only .lock stays */
		unlinkat(fd, ".lock", 0);
		close(fd);
	}
	rmdir(floor_dir);
	floor_dir[0] = '\0';
}

static void on_signal(int sig)
{
	floor_dir_remove();
	state_dir_remove();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ------------------------------------------------------ netlink */

static int nl_send(int fd, int type, int flags, const void *data,
		   size_t len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH];
	} m;

	if (len > sizeof(m.d))
		return -EMSGSIZE;
	memset(&m.h, 0, sizeof(m.h));
	m.h.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	m.h.nlmsg_type = (uint16_t)type;
	m.h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	m.h.nlmsg_seq = 1;
	if (len)
		memcpy(NLMSG_DATA(&m.h), data, len);
	if (sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0)
		return -errno;
	return 0;
}

/*
 * Read until NLMSG_ERROR (the ACK, or the kernel's no), NLMSG_DONE, or a
 * message of @want (copied to @out). Blocking: the floor waits for the
 * kernel, nothing more. *count: messages of @want seen.
 */
static int nl_wait(int fd, int want, void *out, size_t outlen, int *count)
{
	static __thread struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH * 4];
	} rep;

	for (;;) {
		ssize_t n = recv(fd, &rep, sizeof(rep), 0);
		struct nlmsghdr *h = &rep.h;
		size_t left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (left = (size_t)n; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == want) {
				if (count)
					(*count)++;
				if (out) {
					memset(out, 0, outlen);
					memcpy(out, NLMSG_DATA(h),
					       h->nlmsg_len - NLMSG_LENGTH(0) <
							       outlen ?
						       h->nlmsg_len -
							       NLMSG_LENGTH(0) :
						       outlen);
					return 0;
				}
			}
		}
	}
}

static int audit_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	return fd < 0 ? -errno : fd;
}

/* one record and its ACK on @fd */
static int send_ack(int fd, const char *text)
{
	int r = nl_send(fd, AUDIT_VIRT_CONTROL, NLM_F_ACK, text,
			strlen(text) + 1);

	if (r == 0)
		r = nl_wait(fd, NLMSG_ERROR, NULL, 0, NULL);
	if (r == 0)
		records_sent++;
	return r;
}

/* a fresh socket, one record, its ACK */
static int send_ack_fresh(const char *text)
{
	int fd = audit_socket(), r;

	if (fd < 0)
		return fd;
	r = send_ack(fd, text);
	close(fd);
	return r;
}

static int audit_get(int fd, struct audit_status *st)
{
	int r = nl_send(fd, AUDIT_GET, 0, NULL, 0);

	return r < 0 ? r : nl_wait(fd, AUDIT_GET, st, sizeof(*st), NULL);
}

static int audit_list_rules(int fd, int *n)
{
	int r = nl_send(fd, AUDIT_LIST_RULES, 0, NULL, 0);

	*n = 0;
	return r < 0 ? r : nl_wait(fd, AUDIT_LIST_RULES, NULL, 0, n);
}

/*
 * A prototype of the record with every check libacid makes, the kernel
 * round trips put together (issue 11, for the engineer who applies it):
 * AUDIT_GET and AUDIT_LIST_RULES in one sendto (the kernel answers each
 * from a kernel thread it starts for it: two threads at once, one wait),
 * then the record (NLM_F_ACK) and the second AUDIT_GET in one sendto (the
 * kernel handles them in order: the status is taken after the record was
 * queued or lost). Enabled before and after, the lost counter unchanged,
 * the rule list read (not weighed here: rules.c's walk is CPU only).
 */
static int send_two(int fd, int t1, int f1, const void *d1, size_t l1,
		    int t2, int f2)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	static __thread char buf[NLMSG_SPACE(MAX_AUDIT_MESSAGE_LENGTH) +
				 NLMSG_SPACE(0)];
	struct nlmsghdr *a = (struct nlmsghdr *)buf, *b;

	if (l1 > MAX_AUDIT_MESSAGE_LENGTH)
		return -EMSGSIZE;
	memset(a, 0, NLMSG_HDRLEN);
	a->nlmsg_len = (uint32_t)NLMSG_LENGTH(l1);
	a->nlmsg_type = (uint16_t)t1;
	a->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | f1);
	a->nlmsg_seq = 1;
	if (l1)
		memcpy(NLMSG_DATA(a), d1, l1);
	b = (struct nlmsghdr *)(buf + NLMSG_ALIGN(a->nlmsg_len));
	memset(b, 0, NLMSG_HDRLEN);
	b->nlmsg_len = NLMSG_LENGTH(0);
	b->nlmsg_type = (uint16_t)t2;
	b->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | f2);
	b->nlmsg_seq = 2;
	if (sendto(fd, buf, NLMSG_ALIGN(a->nlmsg_len) + b->nlmsg_len, 0,
		   (struct sockaddr *)&k, sizeof(k)) < 0)
		return -errno;
	return 0;
}

/* read until the status and (@want_done) the rule list's end or (@want_ack)
 * the ACK have come */
static int read_replies(int fd, struct audit_status *st, bool want_done,
			bool want_ack)
{
	static __thread struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH * 4];
	} rep;
	bool got_st = false, done = !want_done, acked = !want_ack;

	while (!got_st || !done || !acked) {
		ssize_t n = recv(fd, &rep, sizeof(rep), 0);
		struct nlmsghdr *h = &rep.h;
		size_t left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (left = (size_t)n; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (e)
					return e;
				acked = true;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
			} else if (h->nlmsg_type == AUDIT_GET) {
				memset(st, 0, sizeof(*st));
				memcpy(st, NLMSG_DATA(h),
				       h->nlmsg_len - NLMSG_LENGTH(0) <
						       sizeof(*st) ?
					       h->nlmsg_len - NLMSG_LENGTH(0) :
					       sizeof(*st));
				got_st = true;
			}
		}
	}
	return 0;
}

static int checked_record(const char *text)
{
	struct audit_status before, after;
	int fd = audit_socket(), r;

	if (fd < 0)
		return fd;
	r = send_two(fd, AUDIT_GET, 0, NULL, 0, AUDIT_LIST_RULES, 0);
	if (r == 0)
		r = read_replies(fd, &before, true, false);
	if (r == 0 && !before.enabled)
		r = -ENOTCONN;
	if (r == 0)
		r = send_two(fd, AUDIT_VIRT_CONTROL, NLM_F_ACK, text,
			     strlen(text) + 1, AUDIT_GET, 0);
	if (r == 0)
		r = read_replies(fd, &after, false, true);
	if (r == 0 && !after.enabled)
		r = -ECONNABORTED;
	if (r == 0 && after.lost != before.lost)
		r = -ENOBUFS;
	if (r == 0)
		records_sent++;
	close(fd);
	return r;
}

/*
 * The other prototype: all four in one sendto. The kernel handles one
 * sendto's messages in one go under its audit command mutex, so neither
 * `enabled` nor the rules can change between the first status, the rule
 * list and the record; the three answers that need kernel threads are
 * waited for together. What it changes: a rule that only "may" drop the
 * record (rules.c's RULES_MAYBE) is known after the record went out, so
 * that answer becomes "maybe sent" instead of "not sent".
 */
static int batch_record(const char *text)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	static __thread char buf[NLMSG_SPACE(MAX_AUDIT_MESSAGE_LENGTH) +
				 3 * NLMSG_SPACE(0)];
	static __thread struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH * 4];
	} rep;
	const int type[4] = { AUDIT_GET, AUDIT_LIST_RULES, AUDIT_VIRT_CONTROL,
			      AUDIT_GET };
	struct audit_status st[2];
	size_t off = 0, len = strlen(text) + 1;
	bool got[2] = { false, false }, done = false, acked = false;
	int fd = audit_socket(), r = 0;

	if (fd < 0)
		return fd;
	for (int i = 0; i < 4; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
		size_t l = i == 2 ? len : 0;

		memset(h, 0, NLMSG_HDRLEN);
		h->nlmsg_len = (uint32_t)NLMSG_LENGTH(l);
		h->nlmsg_type = (uint16_t)type[i];
		h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST |
					    (i == 2 ? NLM_F_ACK : 0));
		h->nlmsg_seq = (uint32_t)i + 1;
		if (l)
			memcpy(NLMSG_DATA(h), text, l);
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	if (sendto(fd, buf, off, 0, (struct sockaddr *)&k, sizeof(k)) < 0)
		r = -errno;
	while (r == 0 && (!got[0] || !got[1] || !done || !acked)) {
		ssize_t n = recv(fd, &rep, sizeof(rep), 0);
		struct nlmsghdr *h = &rep.h;
		size_t left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		for (left = (size_t)n; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				r = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				acked = true;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
			} else if (h->nlmsg_type == AUDIT_GET &&
				   (h->nlmsg_seq == 1 || h->nlmsg_seq == 4)) {
				int i = h->nlmsg_seq == 4;
				size_t dl = h->nlmsg_len - NLMSG_LENGTH(0);

				memset(&st[i], 0, sizeof(st[i]));
				memcpy(&st[i], NLMSG_DATA(h),
				       dl < sizeof(st[i]) ? dl : sizeof(st[i]));
				got[i] = true;
			}
		}
	}
	if (r == 0 && !st[0].enabled)
		r = -ENOTCONN;
	if (r == 0 && !st[1].enabled)
		r = -ECONNABORTED;
	if (r == 0 && st[1].lost != st[0].lost)
		r = -ENOBUFS;
	if (r == 0)
		records_sent++;
	close(fd);
	return r;
}

/* ----------------------------------------------------- the floor */

static const char *const ns_file[10] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time",
	"time_for_children", "user", "uts",
};
static const char *const ns_field[10] = {
	"cgroup-ns", "ipc-ns", "mnt-ns", "net-ns", "pid-ns", "pid-child-ns",
	"time-ns", "time-child-ns", "user-ns", "uts-ns",
};

struct floor_ent {
	pid_t pid;
	char name[64], bundle[256], id[37], final[48];
	bool ns_present[10];
	dev_t ns_dev[10];
	ino_t ns_ino[10];
};

static void hex_name(char *o, const char *s)
{
	for (; *s; s++, o += 2)
		sprintf(o, "%02x", (unsigned char)*s);
	*o = '\0';
}

static int floor_register(struct floor_ent *f)
{
	char path[128], text[2048], tmp[128], link[32];
	char hname[2 * sizeof(f->name) + 1], hbundle[2 * sizeof(f->bundle) + 1];
	unsigned char b[16];
	struct pollfd pfd;
	int pidfd, dirfd, lock, fd, r = 0;
	size_t len;

	pidfd = (int)syscall(SYS_pidfd_open, f->pid, 0);
	if (pidfd < 0)
		return -errno;
	for (int k = 0; k < 10; k++) {
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)f->pid,
			 ns_file[k]);
		f->ns_present[k] = stat(path, &st) == 0;
		f->ns_dev[k] = st.st_dev;
		f->ns_ino[k] = st.st_ino;
	}
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		close(pidfd);
		return -EIO;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(f->id, sizeof(f->id),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	snprintf(f->final, sizeof(f->final), "%s.entry", f->id);
	hex_name(hname, f->name);
	hex_name(hbundle, f->bundle);
	len = (size_t)snprintf(text, sizeof(text),
			       "acid-entry 1\nid=%s\nmode=user\npid=%d\n"
			       "starttime=0\ntime=%lld\nses=0\nname=%s\n"
			       "bundle=%s\n",
			       f->id, (int)f->pid, (long long)time(NULL),
			       hname, hbundle);
	for (int k = 0; k < 10; k++)
		if (f->ns_present[k])
			len += (size_t)snprintf(
				text + len, sizeof(text) - len,
				"ns.%s=%u:%u:%" PRIu64 "\n", ns_file[k],
				major(f->ns_dev[k]), minor(f->ns_dev[k]),
				(uint64_t)f->ns_ino[k]);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "end\n");

	dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC);
	if (dirfd < 0) {
		close(pidfd);
		return -errno;
	}
	lock = openat(dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC |
					      O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		r = -errno;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".tmp-%d-%s", (int)getpid(), f->final);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len)
		r = -EIO;
	close(fd);
	if (r == 0 && syscall(SYS_renameat2, dirfd, tmp, dirfd, f->final,
			      RENAME_NOREPLACE) < 0)
		r = -errno;
	snprintf(link, sizeof(link), "pid-%d", (int)f->pid);
	if (r == 0 && symlinkat(f->final, dirfd, link) < 0)
		r = -errno;
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	if (r == 0 && poll(&pfd, 1, 0) != 0)
		r = -ESRCH;
out:
	if (lock >= 0)
		close(lock);
	close(dirfd);
	close(pidfd);
	return r;
}

/* the start record libacid sends, field for field */
static void floor_start_text(const struct floor_ent *f, char *t, size_t n)
{
	size_t len = (size_t)snprintf(t, n,
				      "virt=oci op=start reason=register "
				      "vm=\"%s\" uuid=%s vm-pid=%d",
				      f->name, f->id, (int)f->pid);
	bool dev = false;

	for (int k = 0; k < 10; k++) {
		if (!f->ns_present[k])
			continue;
		if (!dev)
			len += (size_t)snprintf(t + len, n - len,
						" ns-dev=%u:%u",
						major(f->ns_dev[k]),
						minor(f->ns_dev[k]));
		dev = true;
		len += (size_t)snprintf(t + len, n - len, " %s=%" PRIu64,
					ns_field[k], (uint64_t)f->ns_ino[k]);
	}
	snprintf(t + len, n - len,
		 " bundle=\"%s\" exe=\"%s\" hostname=? addr=? terminal=? "
		 "res=success",
		 f->bundle, self_exe);
}

static int floor_start(const struct floor_ent *f)
{
	char text[4096];

	floor_start_text(f, text, sizeof(text));
	return send_ack_fresh(text);
}

static int floor_stop(const struct floor_ent *f)
{
	char text[8192], link[32];
	int dirfd, lock, r;

	dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	lock = openat(dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC |
					      O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		r = -errno;
		goto out;
	}
	snprintf(text, sizeof(text),
		 "virt=oci op=stop reason=exit vm=\"%s\" uuid=%s vm-pid=%d "
		 "exe=\"%s\" hostname=? addr=? terminal=? res=success",
		 f->name, f->id, (int)f->pid, self_exe);
	r = send_ack_fresh(text);
	snprintf(link, sizeof(link), "pid-%d", (int)f->pid);
	if (r == 0 && (unlinkat(dirfd, link, 0) < 0 ||
		       unlinkat(dirfd, f->final, 0) < 0))
		r = -errno;
out:
	if (lock >= 0)
		close(lock);
	close(dirfd);
	return r;
}

/* ------------------------------------------------------ libacid's */

static void lib_req(struct acid_reg *req, pid_t pid, char *name,
		    char *bundle)
{
	memset(req, 0, sizeof(*req));
	req->size = sizeof(*req);
	req->pid = pid;
	req->name = name;
	req->bundle = bundle;
}

static void names(char *name, char *bundle, const char *who, size_t i)
{
	snprintf(name, 64, "acid-bench-%s-%d-%zu", who, (int)getpid(), i);
	snprintf(bundle, 256,
		 "/run/containers/storage/overlay-containers/%s/userdata",
		 name);
}

/* ---------------------------------------------------- comparisons */

struct pair_set {
	const char *what;
	struct samples lib, floor, ratio;
};

static void set_init(struct pair_set *s, const char *what, size_t n)
{
	s->what = what;
	samples_init(&s->lib, n);
	samples_init(&s->floor, n);
	samples_init(&s->ratio, n);
}

static void set_add(struct pair_set *s, uint64_t lib, uint64_t floor)
{
	samples_add(&s->lib, lib);
	samples_add(&s->floor, floor);
	/* the ratio x 1000, kept in the integer samples */
	samples_add(&s->ratio, floor ? lib * 1000 / floor : 0);
}

static double set_print(struct pair_set *s, const char *target,
			double limit, double stretch)
{
	struct stats l = samples_stats(&s->lib), f = samples_stats(&s->floor);
	struct stats q = samples_stats(&s->ratio);
	double ratio = q.median_us; /* ratio x 1000 / 1000 */

	printf("%-26s %5zu %10.1f %10.1f %7.2fx", s->what, l.n, l.median_us,
	       f.median_us, ratio);
	if (target) {
		printf("   target %s %s", target,
		       ratio <= limit ? "MET" : "MISSED");
		if (stretch > 0)
			printf(", stretch %.1fx %s", stretch,
			       ratio <= stretch ? "MET" : "MISSED");
	}
	printf("\n");
	return ratio;
}

static void set_free(struct pair_set *s)
{
	samples_free(&s->lib);
	samples_free(&s->floor);
	samples_free(&s->ratio);
}

/*
 * The lifecycle, libacid's and the floor's alternating, each on its own
 * fresh child; the registration and the start record timed on the way.
 */
static void bench_lifecycle(size_t pairs, size_t batch, struct pair_set *life,
			    struct pair_set *reg, struct pair_set *rec,
			    struct pair_set *unreg)
{
	size_t done = 0, total = pairs + WARMUP;

	while (done < total) {
		size_t k = total - done < batch ? total - done : batch;
		struct pool p;
		int r = pool_spawn(&p, 2 * k);

		if (r < 0)
			die("fork", r);
		for (size_t j = 0; j < k; j++, done++) {
			uint64_t lt[4] = { 0 }, ft[4] = { 0 };
			char name[64], bundle[256];

			for (int side = 0; side < 2; side++) {
				/* swap the order every pair */
				bool lib = (side == 0) == (done % 2 == 0);

				if (lib) {
					struct acid_entry *e = NULL;
					struct acid_reg req;

					names(name, bundle, "lib", done);
					lib_req(&req, p.pids[2 * j], name,
						bundle);
					lt[0] = now_ns();
					r = acid_register(ctx, &req, &e);
					if (r < 0)
						die("acid_register", r);
					lt[1] = now_ns();
					r = acid_log_start(ctx, e);
					if (r < 0)
						die("acid_log_start", r);
					records_sent++;
					lt[2] = now_ns();
					r = acid_unregister(ctx, e, "exit");
					if (r < 0)
						die("acid_unregister", r);
					records_sent++;
					lt[3] = now_ns();
					acid_entry_free(e);
				} else {
					struct floor_ent f = {
						.pid = p.pids[2 * j + 1]
					};

					names(f.name, f.bundle, "floor", done);
					ft[0] = now_ns();
					r = floor_register(&f);
					if (r < 0)
						die("floor register", r);
					ft[1] = now_ns();
					r = floor_start(&f);
					if (r < 0)
						die("floor start record", r);
					ft[2] = now_ns();
					r = floor_stop(&f);
					if (r < 0)
						die("floor stop", r);
					ft[3] = now_ns();
				}
			}
			if (done < WARMUP)
				continue;
			set_add(life, lt[3] - lt[0], ft[3] - ft[0]);
			set_add(reg, lt[1] - lt[0], ft[1] - ft[0]);
			set_add(rec, lt[2] - lt[1], ft[2] - ft[1]);
			set_add(unreg, lt[3] - lt[2], ft[3] - ft[2]);
		}
		pool_release(&p);
	}
}

/*
 * One record: acid_log_start of one registered entry against the same
 * text sent bare on a fresh socket, alternating; and on a socket kept
 * open (what a send costs when nothing else is done).
 */
static void bench_record(size_t pairs, struct pair_set *rec,
			 struct pair_set *proto, struct pair_set *pvl,
			 struct pair_set *lvp, struct pair_set *batch,
			 struct pair_set *bvl, struct samples *held)
{
	char name[64], bundle[256], text[4096];
	struct acid_entry *e = NULL;
	struct floor_ent f = { 0 };
	struct acid_reg req;
	struct pool p;
	int r, fd;

	r = pool_spawn(&p, 2);
	if (r < 0)
		die("fork", r);
	names(name, bundle, "lib", 999999);
	lib_req(&req, p.pids[0], name, bundle);
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	f.pid = p.pids[1];
	names(f.name, f.bundle, "floor", 999999);
	r = floor_register(&f);
	if (r < 0)
		die("floor register", r);
	floor_start_text(&f, text, sizeof(text));
	fd = audit_socket();
	if (fd < 0)
		die("socket", fd);
	for (size_t i = 0; i < pairs + WARMUP; i++) {
		uint64_t l = 0, b = 0, c = 0, d = 0, h0, h1;

		/* four sides, the order rotated every round */
		for (int side = 0; side < 4; side++) {
			uint64_t t0 = now_ns();
			int which = (int)((i + (size_t)side) % 4);

			if (which == 3) {
				r = batch_record(text);
				if (r < 0)
					die("batched record (prototype)", r);
				d = now_ns() - t0;
			} else if (which == 2) {
				r = checked_record(text);
				if (r < 0)
					die("checked record (prototype)", r);
				c = now_ns() - t0;
			} else if (which == 0) {
				r = acid_log_start(ctx, e);
				if (r < 0)
					die("acid_log_start", r);
				records_sent++;
				l = now_ns() - t0;
			} else {
				r = send_ack_fresh(text);
				if (r < 0)
					die("send+ACK", r);
				b = now_ns() - t0;
			}
		}
		h0 = now_ns();
		r = send_ack(fd, text);
		h1 = now_ns();
		if (r < 0)
			die("send+ACK", r);
		if (i < WARMUP)
			continue;
		set_add(rec, l, b);
		set_add(proto, c, b);
		set_add(pvl, c, l);
		set_add(lvp, l, c);
		set_add(batch, d, b);
		set_add(bvl, d, l);
		samples_add(held, h1 - h0);
	}
	close(fd);
	r = acid_unregister(ctx, e, "exit");
	if (r < 0)
		die("acid_unregister", r);
	records_sent++;
	acid_entry_free(e);
	r = floor_stop(&f);
	if (r < 0)
		die("floor stop", r);
	pool_release(&p);
}

/* ---------------------------------------------------------- parts */

static pid_t parts_pid;
static int parts_fd = -1;
static char parts_text[4096];

static int part_proc_stat(void)
{
	char path[64], buf[1024];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)parts_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int part_ns10(void)
{
	char path[64];
	struct stat st;

	for (int k = 0; k < 10; k++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)parts_pid,
			 ns_file[k]);
		if (stat(path, &st) < 0)
			return -errno;
	}
	return 0;
}

static int part_ns_collect(void)
{
	struct acid_ns_set ns;

	return acid_ns_collect(ctx, parts_pid, &ns);
}

static int part_pidfd(void)
{
	int fd = (int)syscall(SYS_pidfd_open, parts_pid, 0);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int part_children(void)
{
	char path[64], buf[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
		 (int)parts_pid, (int)parts_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int part_self_exe_readlink(void)
{
	char buf[4096];

	return readlink("/proc/self/exe", buf, sizeof(buf)) < 0 ? -errno : 0;
}

static int part_self_exe_stat(void)
{
	struct stat st;

	return stat("/proc/self/exe", &st) < 0 ? -errno : 0;
}

static int part_loginuid(void)
{
	char buf[32];
	int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int part_caps(void)
{
	return acid_check_caps(ACID_CAP_CONTROL);
}

static int part_capget(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	return d[0].effective & (1u << CAP_AUDIT_CONTROL) ? 0 : -EPERM;
}

static int part_socket(void)
{
	int fd = audit_socket();

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int part_audit_get(void)
{
	struct audit_status st;

	return audit_get(parts_fd, &st);
}

static int part_list_rules(void)
{
	int n;

	return audit_list_rules(parts_fd, &n);
}

static int part_send_ack(void)
{
	return send_ack(parts_fd, parts_text);
}

static int part_registry_open(void)
{
	struct stat st;
	int fd;

	if (mkdir(lib_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(lib_dir, &st) < 0)
		return -errno;
	fd = open(lib_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fstat(fd, &st);
	close(fd);
	return 0;
}

static int part_lock(void)
{
	char buf[64];
	int dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (dirfd < 0)
		return -errno;
	fd = openat(dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0 || pread(fd, buf, 64, 0) < 0) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		close(dirfd);
		return r;
	}
	close(fd);
	close(dirfd);
	return 0;
}

static int part_link_replace(void)
{
	int dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (dirfd < 0)
		return -errno;
	unlinkat(dirfd, ".tmp-x", 0);
	if (symlinkat("target", dirfd, ".tmp-x") < 0 ||
	    renameat(dirfd, ".tmp-x", dirfd, "pid-x") < 0)
		r = -errno;
	unlinkat(dirfd, "pid-x", 0);
	close(dirfd);
	return r;
}

static int part_symlink(void)
{
	int dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (dirfd < 0)
		return -errno;
	if (symlinkat("target", dirfd, "pid-x") < 0)
		r = -errno;
	unlinkat(dirfd, "pid-x", 0);
	close(dirfd);
	return r;
}

static int part_session_tag(void)
{
	uint32_t ses;
	int r = acid_session_tag(ctx, getpid(), &ses);

	return r == -ENOENT ? 0 : r;
}

static int part_ancestry(void)
{
	/* what lookup_pid_at's walk reads per step: stat + readlink */
	pid_t cur = getpid();

	while (cur > 1) {
		char path[64], buf[1024], link[32], *p;
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)cur);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return -EIO;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (!p)
			return -EBADMSG;
		snprintf(link, sizeof(link), "pid-%d", (int)cur);
		readlinkat(AT_FDCWD, link, path, sizeof(path));
		cur = (pid_t)strtol(p + 4, NULL, 10);
	}
	return 0;
}

static size_t ancestry_depth(void)
{
	size_t d = 0;
	pid_t cur = getpid();

	while (cur > 1 && d < 4096) {
		char path[64], buf[1024], *p;
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)cur);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			break;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (!p)
			break;
		cur = (pid_t)strtol(p + 4, NULL, 10);
		d++;
	}
	return d;
}

static int part_lookup_name(void)
{
	struct acid_entry *e;
	int r = acid_lookup_name(ctx, "acid-bench-lib-none", NULL, &e);

	if (r == 0)
		acid_entry_free(e);
	return r == -ENOENT ? 0 : r;
}

static int part_lookup_pid(void)
{
	/* what acid_register's nesting lookup does for a target whose
	 * parent is the caller: lookup_pid_at(ppid), a miss */
	struct acid_entry *e;
	int r = acid_lookup_pid(ctx, getpid(), &e);

	if (r == 0)
		acid_entry_free(e);
	return r == -ENOENT ? 0 : r;
}

static void time_part(const char *what, int (*fn)(void), size_t n)
{
	struct samples s;

	samples_init(&s, n);
	for (size_t i = 0; i < n + WARMUP; i++) {
		uint64_t t0 = now_ns();
		int r = fn();
		uint64_t t1 = now_ns();

		if (r < 0)
			die(what, r);
		if (i >= WARMUP)
			samples_add(&s, t1 - t0);
	}
	print_row(what, &s);
	samples_free(&s);
}

static void bench_parts(size_t n)
{
	struct floor_ent f = { 0 };
	struct pool p;
	int r, rules = 0;

	r = pool_spawn(&p, 1);
	if (r < 0)
		die("fork", r);
	parts_pid = p.pids[0];
	parts_fd = audit_socket();
	if (parts_fd < 0)
		die("socket", parts_fd);
	f.pid = parts_pid;
	names(f.name, f.bundle, "floor", 888888);
	snprintf(f.id, sizeof(f.id), "00000000-0000-4000-8000-000000000000");
	floor_start_text(&f, parts_text, sizeof(parts_text));
	r = audit_list_rules(parts_fd, &rules);
	if (r < 0)
		die("AUDIT_LIST_RULES", r);

	printf("\nunit costs, %zu samples each (audit rules loaded now: %d; "
	       "this process's ancestry: %zu processes above it)\n",
	       n, rules, ancestry_depth());
	print_header("step");
	time_part("open+read+close /proc/PID/stat", part_proc_stat, n);
	time_part("stat x10 /proc/PID/ns/*", part_ns10, n);
	time_part("acid_ns_collect (10 + hold)", part_ns_collect, n);
	time_part("pidfd_open+close", part_pidfd, n);
	time_part("read task/PID/children", part_children, n);
	time_part("readlink /proc/self/exe", part_self_exe_readlink, n);
	time_part("stat /proc/self/exe", part_self_exe_stat, n);
	time_part("read /proc/self/loginuid", part_loginuid, n);
	time_part("acid_check_caps (capng)", part_caps, n);
	time_part("capget (raw, effective)", part_capget, n);
	time_part("socket+close NETLINK_AUDIT", part_socket, n);
	time_part("AUDIT_GET round trip", part_audit_get, n);
	time_part("AUDIT_LIST_RULES round trip", part_list_rules, n);
	time_part("send+ACK (socket kept)", part_send_ack, n);
	time_part("registry_open (mkdir,lstat,..)", part_registry_open, n);
	time_part("open dir+.lock, flock, pread", part_lock, n);
	time_part("pid link: symlink+rename", part_link_replace, n);
	time_part("pid link: symlink", part_symlink, n);
	time_part("ancestry walk: stat+readlink", part_ancestry, n);
	time_part("acid_session_tag (self)", part_session_tag, n);
	time_part("acid_lookup_name (a miss)", part_lookup_name, n);
	time_part("acid_lookup_pid (caller, miss)", part_lookup_pid, n);
	close(parts_fd);
	pool_release(&p);
}

/* ---------------------------------------------------------- trace */

static void mark(const char *phase)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "acid-bench: %s", phase);

	/* fails with EBADF: a line in strace's output, nothing else */
	if (write(-1, buf, (size_t)n) < 0)
		(void)0;
}

static void trace_once(void)
{
	char name[64], bundle[256];
	struct acid_entry *e = NULL;
	struct floor_ent f = { 0 };
	struct acid_reg req;
	struct pool p;
	int r;

	r = pool_spawn(&p, 3);
	if (r < 0)
		die("fork", r);
	/* one unmarked first: a fresh registry's first writer does more */
	names(name, bundle, "lib", 777776);
	lib_req(&req, p.pids[2], name, bundle);
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	r = acid_unregister(ctx, e, "exit");
	if (r < 0)
		die("acid_unregister", r);
	acid_entry_free(e);
	e = NULL;
	names(name, bundle, "lib", 777777);
	lib_req(&req, p.pids[0], name, bundle);
	mark("lib register");
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	mark("lib log_start");
	r = acid_log_start(ctx, e);
	if (r < 0)
		die("acid_log_start", r);
	mark("lib unregister");
	r = acid_unregister(ctx, e, "exit");
	if (r < 0)
		die("acid_unregister", r);
	mark("lib done");
	acid_entry_free(e);

	f.pid = p.pids[1];
	names(f.name, f.bundle, "floor", 777777);
	mark("floor register");
	r = floor_register(&f);
	if (r < 0)
		die("floor register", r);
	mark("floor start");
	r = floor_start(&f);
	if (r < 0)
		die("floor start", r);
	mark("floor stop");
	r = floor_stop(&f);
	if (r < 0)
		die("floor stop", r);
	mark("floor done");
	records_sent += 3;
	pool_release(&p);
}

/* ----------------------------------------------------------- main */

static const char *fs_name_of(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return "?";
	switch ((unsigned long)sf.f_type) {
	case 0x01021994UL:
		return "tmpfs";
	case 0xEF53UL:
		return "ext2/3/4";
	case 0x58465342UL:
		return "xfs";
	case 0x9123683EUL:
		return "btrfs";
	}
	return "other";
}

static size_t parse_count(const char *s, const char *opt)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v == 0 || v > 1000000 || s[0] == '-') {
		fprintf(stderr, "acid-bench-floor: %s: bad count '%s'\n", opt,
			s);
		exit(2);
	}
	return (size_t)v;
}

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: acid-bench-floor [-n PAIRS] [-b N] [-d DIR] "
		   "[--parts N] [--trace]\n");
	return code;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "parts", required_argument, NULL, 'P' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	size_t pairs = 100, batch = 50, parts = 0;
	const char *parent = "/run";
	bool trace = false;
	struct audit_status before, after;
	struct pair_set life, reg, rec, unreg, rec1, proto, pvl, lvp, bat, bvl;
	struct samples held;
	struct acid_opts opts;
	struct sigaction sa;
	int c, r, fd;

	while ((c = getopt_long(argc, argv, "n:b:d:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			pairs = parse_count(optarg, "-n");
			break;
		case 'b':
			batch = parse_count(optarg, "-b");
			break;
		case 'd':
			parent = optarg;
			break;
		case 'P':
			parts = parse_count(optarg, "--parts");
			break;
		case 'T':
			trace = true;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind != argc)
		return usage(stderr, 2);

	r = acid_check_caps(ACID_CAP_CONTROL | ACID_CAP_WRITE);
	if (r < 0)
		die("capabilities (run as root)", r);
	r = (int)readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (r < 0)
		die("readlink /proc/self/exe", -errno);
	self_exe[r] = '\0';

	lib_dir = state_dir_make(parent);
	if (!lib_dir) {
		fprintf(stderr, "acid-bench-floor: -d %s: cannot make a state "
				"directory there: %s\n",
			parent, strerror(errno));
		return 1;
	}
	snprintf(floor_dir, sizeof(floor_dir), "%s/acid-bench-floor.XXXXXX",
		 parent);
	if (!mkdtemp(floor_dir)) {
		floor_dir[0] = '\0';
		die("mkdtemp", -errno);
	}
	atexit(floor_dir_remove); /* runs before state_dir_remove */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	memset(&opts, 0, sizeof(opts));
	opts.size = sizeof(opts);
	opts.state_dir = lib_dir;
	r = acid_ctx_new(&opts, &ctx);
	if (r < 0)
		die("acid_ctx_new", r);
	if (acid_ctx_mode(ctx) != ACID_MODE_USER) {
		fprintf(stderr, "acid-bench-floor: measures user-space mode; "
				"this kernel has mode %s\n",
			acid_mode_name(acid_ctx_mode(ctx)));
		return 1;
	}
	fd = audit_socket();
	if (fd < 0 || audit_get(fd, &before) < 0)
		die("AUDIT_GET", fd < 0 ? fd : -EIO);
	if (!before.enabled || !before.pid) {
		fprintf(stderr, "acid-bench-floor: kernel audit must be "
				"enabled and auditd running (enabled=%u "
				"pid=%u)\n",
			before.enabled, before.pid);
		return 1;
	}

	if (trace) {
		trace_once();
		printf("acid-bench-floor: one lifecycle of each traced; "
		       "records sent: %lu\n", records_sent);
		close(fd);
		acid_ctx_free(ctx);
		return 0;
	}

	printf("acid-bench-floor: state dirs %s and %s (%s), %zu pairs, "
	       "%d warm-up pairs not counted\n",
	       lib_dir, floor_dir, fs_name_of(lib_dir), pairs, WARMUP);
	printf("kernel audit: enabled=%u backlog_limit=%u lost=%u\n",
	       before.enabled, before.backlog_limit, before.lost);
	printf("a noisy shared machine: read the ratios (medians of per-pair "
	       "ratios), not single times\n\n");
	fflush(stdout);

	set_init(&life, "lifecycle (reg+start+unreg)", pairs);
	set_init(&reg, "registration", pairs);
	set_init(&rec, "start record in lifecycle", pairs);
	set_init(&unreg, "unregister (stop record)", pairs);
	set_init(&rec1, "one record (log_start)", pairs);
	set_init(&proto, "record, checks pipelined", pairs);
	set_init(&pvl, "  pipelined vs log_start", pairs);
	set_init(&lvp, "  log_start vs pipelined", pairs);
	set_init(&bat, "record, one batch", pairs);
	set_init(&bvl, "  one batch vs log_start", pairs);
	samples_init(&held, pairs);
	bench_lifecycle(pairs, batch, &life, &reg, &rec, &unreg);
	bench_record(pairs, &rec1, &proto, &pvl, &lvp, &bat, &bvl, &held);

	printf("%-26s %5s %10s %10s %8s\n", "case (median us)", "N",
	       "libacid", "floor", "ratio");
	set_print(&life, "<= 1.5x", 1.5, 1.2);
	set_print(&reg, NULL, 0, 0);
	set_print(&rec, NULL, 0, 0);
	set_print(&unreg, NULL, 0, 0);
	set_print(&rec1, "<= 2x", 2.0, 0);
	set_print(&proto, NULL, 0, 0);
	set_print(&pvl, NULL, 0, 0);
	/* a record's floor with its checks: see the header */
	set_print(&lvp, "<= 1.25x", 1.25, 0);
	set_print(&bat, NULL, 0, 0);
	set_print(&bvl, NULL, 0, 0);
	{
		struct stats h = samples_stats(&held);

		printf("%-26s %5zu %10s %10.1f   (the floor of one record "
		       "above opens a socket per record)\n",
		       "send+ACK, socket kept", h.n, "-", h.median_us);
	}
	set_free(&life);
	set_free(&reg);
	set_free(&rec);
	set_free(&unreg);
	set_free(&rec1);
	set_free(&proto);
	set_free(&pvl);
	set_free(&lvp);
	set_free(&bat);
	set_free(&bvl);
	samples_free(&held);

	if (parts)
		bench_parts(parts);

	printf("\naudit records sent: %lu (vm=acid-bench-lib-* and "
	       "acid-bench-floor-*)\n",
	       records_sent);
	if (audit_get(fd, &after) == 0) {
		printf("kernel audit lost counter: %u before, %u after%s\n",
		       before.lost, after.lost,
		       after.lost != before.lost ?
			       "  <-- records lost (another process's, or "
			       "raise the backlog limit)" :
			       "");
	}
	close(fd);
	acid_ctx_free(ctx);
	return 0;
}
