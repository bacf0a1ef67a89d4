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
 * library must not do. So the two netlink exchanges are done here: a
 * request, then the kernel's answer read until the one we wait for.
 */
static int nl_send(int fd, int type, unsigned int flags, const void *data,
		   size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh;
	size_t total = NLMSG_SPACE(len);
	int r = 0;

	if (total > MAX_AUDIT_MESSAGE_LENGTH)
		return -EMSGSIZE;
	nlh = calloc(1, total);
	if (!nlh)
		return -ENOMEM;
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = 1;
	if (len)
		memcpy(NLMSG_DATA(nlh), data, len);
	while (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel,
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
 * Read answers until one of @want arrives (copied to @out) or an error.
 * NLMSG_ERROR with error 0 is an ACK. The kernel's own answer (an error
 * it sent) goes to *@nack where @nack is given, and 0 is returned: the
 * caller can tell "the kernel said no" from "no answer came".
 */
static int nl_wait(int fd, int want, void *out, size_t outlen, int *nack)
{
	struct {
		struct nlmsghdr nlh;
		char data[MAX_AUDIT_MESSAGE_LENGTH];
	} rep;

	for (int tries = 0; tries < 20; tries++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 250) < 0 && errno != EINTR)
			return -errno;
		n = recv(fd, &rep, sizeof(rep), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		if (!NLMSG_OK(&rep.nlh, (size_t)n))
			return -EPROTO;
		if (rep.nlh.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *err = NLMSG_DATA(&rep.nlh);

			if (!err->error && want != NLMSG_ERROR)
				continue;
			if (nack) {
				*nack = err->error;
				return 0;
			}
			return err->error;
		}
		if (rep.nlh.nlmsg_type == want) {
			size_t len = rep.nlh.nlmsg_len - NLMSG_LENGTH(0);

			memset(out, 0, outlen);
			memcpy(out, NLMSG_DATA(&rep.nlh),
			       len < outlen ? len : outlen);
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/*
 * The kernel's audit status. AUDIT_GET needs CAP_AUDIT_CONTROL: a caller
 * that only logs gets -EPERM, "unknown". Asked without NLM_F_ACK, so the
 * only answer is the status or an error. The kernel takes its snapshot
 * while it handles the request, within sendto().
 */
static int audit_status(int fd, struct audit_status *st)
{
	int r = nl_send(fd, AUDIT_GET, 0, NULL, 0);

	if (r < 0)
		return r;
	return nl_wait(fd, AUDIT_GET, st, sizeof(*st), NULL);
}

/*
 * Would the kernel's rules drop a record of @type sent by this thread?
 * The rule list (AUDIT_LIST_RULES, CAP_AUDIT_CONTROL) comes as one message
 * per rule and NLMSG_DONE; each is weighed by rules.c. -ENOMSG: a rule of
 * the exclude or user list drops (or may drop) it.
 */
static int rules_check(int fd, int type)
{
	struct {
		struct nlmsghdr nlh;
		char data[MAX_AUDIT_MESSAGE_LENGTH];
	} rep;
	struct rules_walk w = { 0 };
	struct rules_self self;
	int r;

	rules_self_get(&self);
	r = nl_send(fd, AUDIT_LIST_RULES, 0, NULL, 0);
	if (r < 0)
		return r;
	for (int tries = 0; tries < 20;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh = &rep.nlh;
		ssize_t n;
		size_t left;

		if (poll(&pfd, 1, 250) < 0 && errno != EINTR)
			return -errno;
		n = recv(fd, &rep, sizeof(rep), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			tries++;
			continue;
		}
		if (n < 0)
			return -errno;
		for (left = (size_t)n; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return w.drops ? -ENOMSG : 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = NLMSG_DATA(nlh);

				if (err->error)
					return err->error;
				continue;
			}
			if (nlh->nlmsg_type == AUDIT_LIST_RULES)
				rules_feed(&w, NLMSG_DATA(nlh),
					   nlh->nlmsg_len - NLMSG_LENGTH(0),
					   &self, (uint32_t)type);
		}
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
 * Once sendto() returned, the kernel has handled the record (a netlink
 * request is handled within the call): any doubt after that point is
 * -ETIMEDOUT (its answer did not arrive), -ECONNABORTED (audit was off
 * when asked after: it may have gone off before or after the record) or
 * -ENOBUFS, so that the caller knows the record may be in the log.
 */
int netlink_send_user(int type, const char *text)
{
	_cleanup_close_ int fd = -1;
	struct audit_status before, after;
	bool known;
	int r, nack = 0;

	/* the kernel would cut it short without a word */
	if (strlen(text) >= RECORD_TEXT_MAX)
		return -EMSGSIZE;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	r = audit_status(fd, &before);
	if (r < 0 && r != -EPERM)
		return unsent(r);
	known = r == 0;
	if (known && !before.enabled)
		return -ENOTCONN;
	if (known) {
		r = rules_check(fd, type);
		if (r < 0)
			return unsent(r);
	}
	r = nl_send(fd, type, NLM_F_ACK, text, strlen(text) + 1);
	if (r < 0)
		return unsent(r);
	r = nl_wait(fd, NLMSG_ERROR, NULL, 0, &nack);
	if (r < 0)
		return -ETIMEDOUT;
	if (nack || !known)
		return nack;
	r = audit_status(fd, &after);
	if (r < 0)
		return -ETIMEDOUT;
	if (!after.enabled)
		return -ECONNABORTED;
	return after.lost != before.lost ? -ENOBUFS : 0;
}
