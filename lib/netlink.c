// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sending a user record to the kernel's audit, checked for real.
 * libaudit's audit_log_user_message() returns success when the kernel
 * refuses with ECONNREFUSED, and the kernel silently drops user records
 * while audit is disabled or a rule drops them; each would make a record
 * we "sent" vanish. So a record counts as sent when it is seen coming
 * back on the audit multicast group (send_seen(), at the end), or, where
 * the group cannot be joined, when the status asked before and after it
 * and the rules weighed before it (rules.c) say it will be kept
 * (send_checked()); the send's netlink ACK is what counts, not
 * libaudit's word. The sockets are our own: libaudit's audit_open() and
 * audit_request_status() print on failure, and a library must not print.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/audit.h>
#include <libaudit.h>

#include "internal.h"

/*
 * libaudit's public senders (audit_log_user_message and friends) report
 * success when the kernel answers ECONNREFUSED, and libaudit's
 * audit_open() and audit_request_status() print on failure, which a
 * library must not do. So the netlink exchanges are done here.
 *
 * The kernel's round trips are put two by two in one sendto(): the
 * kernel handles the messages of one send in order, within the call,
 * under its audit command lock (audit_receive()), and an AUDIT_GET's
 * status is taken while it handles the request, before the kernel thread
 * that sends the answer starts. Each reply needs such a thread, which is
 * what a round trip costs: two requests in one send wait for their two
 * threads together. Requests are numbered (nlmsg_seq) so that each
 * answer, or the kernel's error, is told apart.
 */

/* the requests of one record's exchange, by their nlmsg_seq */
enum { SEQ_STATUS = 1, SEQ_RULES, SEQ_RECORD, SEQ_STATUS_AFTER };

/*
 * One sendto() carrying the request @type (@flags, @data of @len bytes,
 * numbered @seq) and, if @then is not 0, a bare request @then numbered
 * @seq + 1 right behind it.
 */
static int nl_send(int fd, int type, unsigned int flags, const void *data,
		   size_t len, uint32_t seq, int then)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t first = NLMSG_SPACE(len), total = first + NLMSG_SPACE(0);
	struct nlmsghdr *nlh, *next;
	int r = 0;

	if (first > MAX_AUDIT_MESSAGE_LENGTH)
		return -EMSGSIZE;
	nlh = calloc(1, total);
	if (!nlh)
		return -ENOMEM;
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = seq;
	if (len)
		memcpy(NLMSG_DATA(nlh), data, len);
	if (then) {
		next = (struct nlmsghdr *)((char *)nlh + first);
		next->nlmsg_len = (uint32_t)NLMSG_LENGTH(0);
		next->nlmsg_type = (uint16_t)then;
		next->nlmsg_flags = NLM_F_REQUEST;
		next->nlmsg_seq = seq + 1;
	} else {
		total = NLMSG_LENGTH(len);
	}
	while (sendto(fd, nlh, total, 0, (struct sockaddr *)&kernel,
		      sizeof(kernel)) < 0) {
		if (errno != EINTR) {
			r = -errno;
			break;
		}
	}
	free(nlh);
	return r;
}

/*
 * What the kernel answered to the requests of one send. Each answer
 * wanted is either its reply or the kernel's error for it (*_err).
 */
struct nl_answers {
	/* wanted */
	bool status, rules, ack;
	uint32_t status_seq;
	/* the status */
	bool got_status;
	int status_err;
	struct audit_status st;
	/* the rule list, weighed for a record of @msgtype by @self */
	bool rules_done;
	int rules_err;
	struct rules_walk walk;
	const struct rules_self *self;
	uint32_t msgtype;
	/* the record's ACK, or the kernel's no */
	bool acked;
	int nack;
	/*
	 * The record itself, seen on the multicast group (record_seen()):
	 * wanted (record), its type, text and the header's "pid=<ours> ",
	 * seen; overrun: the socket lost messages meanwhile (ENOBUFS).
	 */
	bool record, seen, overrun;
	int rtype;
	const char *text;
	size_t tlen, plen;
	char pidf[32];
	/* how long nl_wait() waits (ms; 0: NL_WAIT_MS); spin: asks again
	 * at once for the first SEEN_SPIN_US rather than sleep */
	int wait_ms;
	bool spin;
};

/* how long the kernel's answers are waited for */
#define NL_WAIT_MS 5000

static bool nl_complete(const struct nl_answers *a)
{
	/* the record seen: the kernel took it (the ACK came before) */
	if (a->record)
		return a->seen;
	return (!a->status || a->got_status) && (!a->rules || a->rules_done) &&
	       (!a->ack || a->acked);
}

/*
 * Is the multicast message @h (@len bytes) the record @a waits for? The
 * kernel writes "audit(<time>:<serial>): pid=<tgid> uid=.. auid=..
 * ses=..[ subj=..] msg='<text>'": the pid= right behind the stamp is
 * the kernel's (the sender writes only what is inside msg='...', and
 * acid's text holds no quote), the text comes last.
 */
static bool record_seen(const struct nl_answers *a, const struct nlmsghdr *h,
			size_t len)
{
	const char *p = NLMSG_DATA(h), *stamp;
	size_t n;

	if (h->nlmsg_type != a->rtype || h->nlmsg_len < NLMSG_HDRLEN ||
	    h->nlmsg_len > len)
		return false;
	n = h->nlmsg_len - NLMSG_HDRLEN;
	while (n && p[n - 1] == '\0')
		n--;
	stamp = memchr(p, ')', n);
	if (!stamp || (size_t)(p + n - stamp) < 3 + a->plen ||
	    memcmp(stamp, "): ", 3) || memcmp(stamp + 3, a->pidf, a->plen))
		return false;
	return n >= a->tlen + 7 && p[n - 1] == '\'' &&
	       !memcmp(p + n - 1 - a->tlen, a->text, a->tlen) &&
	       !memcmp(p + n - 7 - a->tlen, " msg='", 6);
}

static void nl_take(struct nl_answers *a, const struct nlmsghdr *nlh)
{
	size_t len = nlh->nlmsg_len - NLMSG_LENGTH(0);

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = NLMSG_DATA(nlh);

		if (len < sizeof(*err))
			return;
		if (a->status && nlh->nlmsg_seq == a->status_seq &&
		    err->error && !a->got_status) {
			a->status_err = err->error;
			a->got_status = true;
		} else if (a->rules && nlh->nlmsg_seq == SEQ_RULES &&
			   err->error && !a->rules_done) {
			a->rules_err = err->error;
			a->rules_done = true;
		} else if (a->ack && nlh->nlmsg_seq == SEQ_RECORD &&
			   !a->acked) {
			a->nack = err->error;
			a->acked = true;
		}
		return;
	}
	if (a->status && nlh->nlmsg_type == AUDIT_GET &&
	    nlh->nlmsg_seq == a->status_seq && !a->got_status) {
		memset(&a->st, 0, sizeof(a->st));
		memcpy(&a->st, NLMSG_DATA(nlh),
		       len < sizeof(a->st) ? len : sizeof(a->st));
		a->got_status = true;
	} else if (a->rules && nlh->nlmsg_seq == SEQ_RULES && !a->rules_done) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			a->rules_done = true;
		else if (nlh->nlmsg_type == AUDIT_LIST_RULES)
			rules_feed(&a->walk, NLMSG_DATA(nlh), len, a->self,
				   a->msgtype);
	}
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_ms(void)
{
	return now_us() / 1000;
}

/*
 * How long the wait for a record to come back on the group asks again
 * at once (sched_yield() between) before it sleeps in poll(). kauditd
 * takes the record a few tens of microseconds after the send; a waiter
 * asleep by then is woken through the scheduler, on a virtual machine
 * through an interrupt to its idle CPU, which cost as much again
 * (acid-bench-floor --confirm: 0.52x-0.62x of a sleeping wait). The
 * yield lets a kauditd woken on this CPU run first.
 */
#define SEEN_SPIN_US 200

/*
 * Only a thread of the normal policies spins: a yield does not let
 * kauditd (SCHED_OTHER) run ahead of a real-time thread on its CPU, and
 * gives up a SCHED_DEADLINE thread's runtime until its next period.
 */
static bool spin_allowed(void)
{
	int policy = sched_getscheduler(0);

	return policy == SCHED_OTHER || policy == SCHED_BATCH ||
	       policy == SCHED_IDLE;
}

/*
 * Read the answers to one send, in whatever order they come, until every
 * one wanted in @a has come (0), the kernel said no to the record (0,
 * a->nack), or none comes within a->wait_ms (-ETIMEDOUT), or -errno.
 * Only the kernel's messages count (nl_pid 0); on a socket subscribed to
 * the multicast group, the records of others are passed over.
 */
static int nl_wait(int fd, struct nl_answers *a)
{
	struct {
		struct nlmsghdr nlh;
		char data[2 * MAX_AUDIT_MESSAGE_LENGTH];
	} rep;
	int64_t end = now_ms() + (a->wait_ms ? a->wait_ms : NL_WAIT_MS);
	int64_t spin_end = a->spin ? now_us() + SEEN_SPIN_US : 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_nl from;
		struct iovec iov = { .iov_base = &rep, .iov_len = sizeof(rep) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		struct nlmsghdr *nlh = &rep.nlh;
		int64_t left;
		ssize_t n;

		/* what has come is read at once; poll only for what has not */
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS && a->record) {
			/* others' records filled the socket: some were lost */
			a->overrun = true;
			if (now_ms() >= end)
				return -ETIMEDOUT;
			continue;
		}
		if (n < 0 && errno == EAGAIN && spin_end &&
		    now_us() < spin_end) {
			sched_yield();
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			left = end - now_ms();
			if (left <= 0)
				return -ETIMEDOUT;
			if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (n < 0)
			return -errno;
		if (mh.msg_namelen < sizeof(from) || from.nl_pid != 0)
			continue;
		if (from.nl_groups) {
			/* one record per message, its length not aligned */
			if (a->record && record_seen(a, nlh, (size_t)n))
				a->seen = true;
			if (nl_complete(a))
				return 0;
			continue;
		}
		if (!NLMSG_OK(nlh, (size_t)n))
			return -EPROTO;
		for (size_t rest = (size_t)n; NLMSG_OK(nlh, rest);
		     nlh = NLMSG_NEXT(nlh, rest)) {
			nl_take(a, nlh);
			if (a->acked && a->nack)
				return 0;
		}
		if (nl_complete(a))
			return 0;
	}
}

bool netlink_maybe_sent(int err)
{
	return err == -ETIMEDOUT || err == -ENOBUFS || err == -ECONNABORTED;
}

/* Before the record went out nothing is in doubt: no answer is -EAGAIN. */
static int unsent(int r)
{
	return netlink_maybe_sent(r) ? -EAGAIN : r;
}

/*
 * Sent means: audit is enabled (the kernel drops user records silently
 * while it is not) before and after, no rule of the exclude or user list
 * drops the record (the kernel ACKs it all the same), the kernel ACKed
 * it, and its count of lost records did not grow meanwhile (the rate
 * limit drops a user record after the ACK, counting it only as lost;
 * another process's record lost at the same moment makes this answer
 * wrong the safe way).
 *
 * Two sends: the status (AUDIT_GET, CAP_AUDIT_CONTROL: a caller that
 * only logs gets -EPERM, "unknown") with the rule list (AUDIT_LIST_RULES,
 * weighed by rules.c), answered before the record goes out, so that a
 * rule that may drop it means "not sent"; then the record (NLM_F_ACK)
 * with the status after it, which the kernel takes once it has queued
 * or lost the record.
 *
 * Once sendto() returned, the kernel has handled the record (a netlink
 * request is handled within the call): any doubt after that point is
 * -ETIMEDOUT (its answer did not arrive), -ECONNABORTED (audit was off
 * when asked after: it may have gone off before or after the record) or
 * -ENOBUFS, so that the caller knows the record may be in the log.
 */
static int send_checked(int type, const char *text)
{
	_cleanup_close_ int fd = -1;
	struct rules_self self;
	struct nl_answers before = {
		.status = true, .rules = true, .status_seq = SEQ_STATUS,
		.self = &self, .msgtype = (uint32_t)type,
	};
	struct nl_answers after = { .ack = true, .status_seq = SEQ_STATUS_AFTER };
	bool known;
	int r;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	rules_self_get(&self);
	r = nl_send(fd, AUDIT_GET, 0, NULL, 0, SEQ_STATUS, AUDIT_LIST_RULES);
	if (r < 0)
		return unsent(r);
	r = nl_wait(fd, &before);
	if (r < 0)
		return unsent(r);
	r = before.status_err;
	if (r < 0 && r != -EPERM)
		return unsent(r);
	known = r == 0;
	if (known && !before.st.enabled)
		return -ENOTCONN;
	if (known && before.rules_err)
		return unsent(before.rules_err);
	if (known && before.walk.drops)
		return -ENOMSG;

	after.status = known;
	r = nl_send(fd, type, NLM_F_ACK, text, strlen(text) + 1, SEQ_RECORD,
		    known ? AUDIT_GET : 0);
	if (r < 0)
		return unsent(r);
	r = nl_wait(fd, &after);
	if (r < 0)
		return -ETIMEDOUT;
	if (after.nack || !known)
		return after.nack;
	if (after.status_err)
		return -ETIMEDOUT;
	if (!after.st.enabled)
		return -ECONNABORTED;
	return after.st.lost != before.st.lost ? -ENOBUFS : 0;
}

/*
 * A record confirmed by seeing it. kauditd hands every record it takes
 * off its queue to the sockets subscribed to the multicast group
 * AUDIT_NLGRP_READLOG (of the initial network namespace; joining needs
 * CAP_AUDIT_READ), before it sends it on to auditd; and the kernel
 * queues a user record only once audit_enabled, the user list and the
 * exclude list let it through (kernel/audit.c, audit_receive_msg(),
 * audit_log_start()). So a record of ours seen on the group is a record
 * the kernel keeps, as far as a record sent with every check is: what
 * may still befall it (auditd gone, its unicast failing: the retry and
 * hold queues, the kernel log) befalls both alike. No status, no rule
 * list: no kernel thread per answer, the cost of the checks.
 *
 * The subscription is the context's, made at its first record (the
 * kernel logs an EVENT_LISTENER record when a socket joins the group
 * and when it leaves it: two per context that sends, not two per
 * record), by the process that sends (a forked child makes its own: two
 * processes reading one socket would take each other's records). The
 * record is sent on the subscribed socket itself: subscribed before it
 * is sent, so it cannot pass unseen. Between records the socket's
 * buffer is kept small (the records of others that come meanwhile are
 * dropped by the kernel, not piled up), and drained before the next.
 *
 * Ours: the type, the whole text, and the kernel's header naming this
 * process (pid=, its pid in the initial pid namespace, which is why the
 * confirmation is used only there). Another process's record with the
 * same text carries its own pid; another thread of this process sending
 * the very same text puts the very same record in the log.
 */

/* the initial namespaces' fixed inode numbers (include/linux/proc_ns.h) */
#define USER_NS_INIT_INO 0xEFFFFFFDu
#define PID_NS_INIT_INO 0xEFFFFFFCu
/* below it, inode numbers are fixed ones; init_net has one since 6.x */
#define NS_DYNAMIC_FIRST 0xF0000000u
#define NET_NS_INIT_INO 0xEFFFFFF9u

/* waits for the record (ms): before the fallback asks; after the queue
 * was found empty; between asks while it is not; in all */
#define SEEN_FIRST_MS 10
#define SEEN_GRACE_MS 100
#define SEEN_POLL_MS 50
#define SEEN_MAX_MS 1000

/* the socket's buffer while a record is waited for, and between */
#define MC_RCVBUF_WAIT (1 << 20)
#define MC_RCVBUF_REST 0

static void mc_rcvbuf(int fd, int size)
{
	/* beyond net.core.rmem_max needs CAP_NET_ADMIN: then the most */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/*
 * Is this process in the initial user, pid and network namespaces? (The
 * kernel lets only those join the group, writes the pid of the initial
 * namespace, and hands records to the initial network namespace's
 * sockets alone.)
 */
static bool mc_self_ns(const char *kind, uint64_t *ino)
{
	char path[64];
	struct stat st;
	int r;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	r = ns_link_ino(path, kind, ino);
	if (r == 0 && stat(path, &st) == 0) {
		*ino = st.st_ino;
		r = 1;
	}
	return r == 1;
}

static bool mc_initial_ns(void)
{
	struct stat self, init;
	uint64_t ino;

	if (!mc_self_ns("user", &ino) || ino != USER_NS_INIT_INO)
		return false;
	if (!mc_self_ns("pid", &ino) || ino != PID_NS_INIT_INO)
		return false;
	if (!mc_self_ns("net", &ino))
		return false;
	if (ino < NS_DYNAMIC_FIRST)
		return ino == NET_NS_INIT_INO;
	/* a kernel without a fixed number for init_net */
	return stat("/proc/self/ns/net", &self) == 0 &&
	       stat("/proc/1/ns/net", &init) == 0 &&
	       init.st_dev == self.st_dev && init.st_ino == self.st_ino;
}

/*
 * A socket subscribed to the group, or -1 where a record cannot be
 * confirmed so: no CAP_AUDIT_READ (asked first: a refused join is logged
 * too), no CAP_AUDIT_CONTROL (without it the checks are not made either,
 * and the fallback could not ask), not in the initial namespaces.
 */
static int mc_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1),
	};
	int fd;

	if (!caps_self_has(1ull << CAP_AUDIT_READ | 1ull << CAP_AUDIT_CONTROL) ||
	    !mc_initial_ns())
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	mc_rcvbuf(fd, MC_RCVBUF_REST);
	return fd;
}

/* mc_fd still names the socket the context opened */
static bool mc_same(const struct acid_ctx *ctx)
{
	struct stat st;

	return ctx->mc_fd >= 0 && fstat(ctx->mc_fd, &st) == 0 &&
	       st.st_dev == ctx->mc_dev && st.st_ino == ctx->mc_ino;
}

/*
 * The context's subscribed socket, taken for one record (mc_put() gives
 * it back), or -1: the record takes the checked path.
 */
static int mc_get(struct acid_ctx *ctx)
{
	pid_t pid = getpid();

	if (!ctx || __atomic_exchange_n(&ctx->mc_busy, 1, __ATOMIC_ACQUIRE))
		return -1;
	if (ctx->mc_pid != pid || (ctx->mc_state == MC_ON &&
				   !mc_same(ctx))) {
		/* a forked child's copy of the parent's socket is not ours
		 * to read: closed where its number still names that socket
		 * (else it names another file by now: left alone) */
		if (ctx->mc_state == MC_ON && mc_same(ctx))
			close(ctx->mc_fd);
		ctx->mc_fd = -1;
		ctx->mc_state = MC_UNTRIED;
		ctx->mc_pid = pid;
	}
	if (ctx->mc_state == MC_UNTRIED) {
		struct stat st;

		ctx->mc_fd = mc_open();
		if (ctx->mc_fd >= 0 && fstat(ctx->mc_fd, &st) == 0) {
			ctx->mc_dev = st.st_dev;
			ctx->mc_ino = st.st_ino;
		} else if (ctx->mc_fd >= 0) {
			close(ctx->mc_fd);
			ctx->mc_fd = -1;
		}
		ctx->mc_state = ctx->mc_fd >= 0 ? MC_ON : MC_OFF;
	}
	if (ctx->mc_state == MC_ON)
		return ctx->mc_fd;
	__atomic_store_n(&ctx->mc_busy, 0, __ATOMIC_RELEASE);
	return -1;
}

/* @err: the socket failed (-EBADF: it was closed under us), try anew
 * at the next record */
static void mc_put(struct acid_ctx *ctx, int err)
{
	if (err) {
		if (err != -EBADF)
			close(ctx->mc_fd);
		ctx->mc_fd = -1;
		ctx->mc_state = MC_UNTRIED;
	} else {
		mc_rcvbuf(ctx->mc_fd, MC_RCVBUF_REST);
	}
	__atomic_store_n(&ctx->mc_busy, 0, __ATOMIC_RELEASE);
}

void netlink_ctx_free(struct acid_ctx *ctx)
{
	/* the subscribed socket, or a forked child's copy of it; never a
	 * number that names another file by now */
	if (ctx->mc_state == MC_ON && mc_same(ctx))
		close(ctx->mc_fd);
	ctx->mc_fd = -1;
}

/* Take what waits on the socket: others' records, an old overrun. */
static int mc_drain(int fd)
{
	char buf[512];

	for (;;) {
		/* MSG_TRUNC: a long record is dropped whole */
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0)
			continue;
		if (errno == EINTR || errno == ENOBUFS)
			continue;
		return errno == EAGAIN ? 0 : -errno;
	}
}

/*
 * The record not seen within SEEN_FIRST_MS: it was dropped (audit
 * disabled, a rule, the rate limit), or kauditd has not come to it yet
 * (records ahead of it, auditd slow to read). The status (with the rule
 * list, the first time) is asked on a socket of its own, while the
 * record is still looked for:
 * - seen: sent (0);
 * - the queue found empty (status.backlog 0: kauditd has taken every
 *   record queued before the status was asked, ours too had it been
 *   queued, and hands each to the group as it takes it), then not seen
 *   within SEEN_GRACE_MS, and no overrun of the socket meanwhile: the
 *   kernel never queued it, not sent. Why, the kernel's state says as
 *   today's checks would: audit disabled, ENOTCONN; a rule that drops
 *   (or may drop) it, ENOMSG; neither (it was, and is no more; the rate
 *   limit), ENOBUFS;
 * - the queue never empty within SEEN_MAX_MS, or the socket overrun:
 *   the record may be waiting in the queue, and the state decides as
 *   the checks after a record do: audit disabled, ECONNABORTED; a rule
 *   that drops it, ETIMEDOUT (it may have come after the record); a
 *   rate limit set, ENOBUFS; otherwise sent (0): the record was
 *   queued, as the kernel never drops a user record for the backlog
 *   (its sender holds the audit lock; kernel/audit.c audit_log_start).
 */
static int seen_later(int mfd, struct nl_answers *rec, int type,
		      int64_t start)
{
	_cleanup_close_ int fd = -1;
	struct rules_self self;
	struct nl_answers st = {
		.status = true, .rules = true, .status_seq = SEQ_STATUS,
		.self = &self, .msgtype = (uint32_t)type,
	};
	bool drops = false, have_lost = false;
	uint32_t lost = 0;
	int r;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -ETIMEDOUT;
	rules_self_get(&self);
	for (;;) {
		r = nl_send(fd, AUDIT_GET, 0, NULL, 0, SEQ_STATUS,
			    st.rules ? AUDIT_LIST_RULES : 0);
		if (r == 0)
			r = nl_wait(fd, &st);
		if (r == 0)
			r = st.status_err ? st.status_err : st.rules_err;
		if (r < 0)
			return -ETIMEDOUT;
		if (st.rules)
			drops = st.walk.drops;
		/* the kernel's lost count when first asked: a record it lost
		 * later (an allocation failed) is not taken for sent */
		if (!have_lost) {
			lost = st.st.lost;
			have_lost = true;
		}
		rec->wait_ms = st.st.backlog == 0 ? SEEN_GRACE_MS : SEEN_POLL_MS;
		rec->spin = false;
		r = nl_wait(mfd, rec);
		if (r == 0)
			return rec->seen ? 0 : rec->nack;
		if (r != -ETIMEDOUT)
			return -ETIMEDOUT;
		if (st.st.backlog == 0 && !rec->overrun)
			return !st.st.enabled ? -ENOTCONN :
			       drops	     ? -ENOMSG :
					       -ENOBUFS;
		if (rec->overrun || now_ms() - start >= SEEN_MAX_MS)
			break;
		/* the queue again; the rules once were enough */
		st.rules = false;
		st.got_status = false;
		st.status_err = 0;
	}
	if (!st.st.enabled)
		return -ECONNABORTED;
	if (drops)
		return -ETIMEDOUT;
	return st.st.rate_limit || st.st.lost != lost ? -ENOBUFS : 0;
}

/*
 * Send on the subscribed socket @fd and wait to see the record: 0 or
 * an error as netlink_send_user(), *@seen whether it was; 1: nothing
 * went out, the checked path is to be taken; *@sock_err: the socket
 * failed.
 */
static int send_seen(int fd, int type, const char *text, bool *seen,
		     int *sock_err)
{
	struct nl_answers rec = {
		.ack = true, .record = true, .rtype = type, .text = text,
		.tlen = strlen(text), .wait_ms = SEEN_FIRST_MS,
		.spin = spin_allowed(),
	};
	int64_t start;
	int r;

	rec.plen = (size_t)snprintf(rec.pidf, sizeof(rec.pidf), "pid=%d ",
				    (int)getpid());
	/* room first, then empty: a socket found full (its records of
	 * others dropped meanwhile, which marks it congested) takes no more
	 * until it was read empty */
	mc_rcvbuf(fd, MC_RCVBUF_WAIT);
	r = mc_drain(fd);
	if (r < 0) {
		*sock_err = r;
		return 1;
	}
	start = now_ms();
	r = nl_send(fd, type, NLM_F_ACK, text, rec.tlen + 1, SEQ_RECORD, 0);
	if (r == -EMSGSIZE || r == -ENOMEM)
		return r;
	if (r < 0) {
		*sock_err = r;
		return 1;
	}
	/* from here on the kernel has handled the record */
	r = nl_wait(fd, &rec);
	if (r == 0) {
		*seen = rec.seen;
		return rec.seen ? 0 : rec.nack;
	}
	if (r != -ETIMEDOUT) {
		*sock_err = r;
		return -ETIMEDOUT;
	}
	if (rec.acked && rec.nack)
		return rec.nack;
	r = seen_later(fd, &rec, type, start);
	*seen = rec.seen;
	return r;
}

/*
 * Send a user record: confirmed by seeing it where the context can
 * (above), with today's checks (send_checked()) where it cannot, or
 * where its socket failed before the record went out.
 */
int netlink_send_user(struct acid_ctx *ctx, int type, const char *text)
{
	int fd, r, sock_err = 0;

	/* the kernel would cut it short without a word */
	if (strlen(text) >= RECORD_TEXT_MAX)
		return -EMSGSIZE;
	fd = mc_get(ctx);
	if (fd >= 0) {
		bool seen = false;

		r = send_seen(fd, type, text, &seen, &sock_err);
		if (r != 1 && seen)
			ctx->mc_seen++;
		else if (r != 1)
			ctx->mc_unseen++;
		mc_put(ctx, sock_err);
		if (r != 1)
			return r;
	}
	return send_checked(type, text);
}
