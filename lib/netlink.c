// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sending a user record to the kernel's audit, checked for real.
 * libaudit's audit_log_user_message() returns success when the kernel
 * refuses with ECONNREFUSED, and the kernel silently drops user records
 * while audit is disabled; both would make a record we "sent" vanish. So
 * the status is asked first, the rules are weighed (rules.c), and the
 * send's netlink ACK is what counts. The socket is our own: libaudit's
 * audit_open() and audit_request_status() print on failure, and a library
 * must not print.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
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
};

static bool nl_complete(const struct nl_answers *a)
{
	return (!a->status || a->got_status) && (!a->rules || a->rules_done) &&
	       (!a->ack || a->acked);
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

/*
 * Read the answers to one send, in whatever order they come, until every
 * one wanted in @a has come (0), the kernel said no to the record (0,
 * a->nack), or none comes (-ETIMEDOUT), or -errno.
 */
static int nl_wait(int fd, struct nl_answers *a)
{
	struct {
		struct nlmsghdr nlh;
		char data[MAX_AUDIT_MESSAGE_LENGTH];
	} rep;

	for (int tries = 0; tries < 20;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh = &rep.nlh;
		ssize_t n;
		size_t left;

		/* what has come is read at once; poll only for what has not */
		n = recv(fd, &rep, sizeof(rep), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (poll(&pfd, 1, 250) < 0 && errno != EINTR)
				return -errno;
			tries++;
			continue;
		}
		if (n < 0)
			return -errno;
		if (!NLMSG_OK(nlh, (size_t)n))
			return -EPROTO;
		for (left = (size_t)n; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			nl_take(a, nlh);
			if (a->acked && a->nack)
				return 0;
		}
		if (nl_complete(a))
			return 0;
	}
	return -ETIMEDOUT;
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
 * it, and its count of lost records did not grow meanwhile (a full
 * backlog drops a user record after the ACK, counting it only as lost;
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
int netlink_send_user(int type, const char *text)
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

	/* the kernel would cut it short without a word */
	if (strlen(text) >= RECORD_TEXT_MAX)
		return -EMSGSIZE;

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
