// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-netlink - records sent as acid sends them (netlink_send_user), to
 * the running kernel and auditd: confirmed by seeing them on the audit
 * multicast group (one subscription per context and process, the record
 * then in the log), and where the kernel drops a record, the answer the
 * checks give (ENOMSG for a rule on the exclude or on the user list),
 * also when another process sends the very same text meanwhile. A
 * process without CAP_AUDIT_READ takes the checked path and joins no
 * group. Each rule added names this process's pid (narrow: the records
 * of no one else) and is removed again, also when a check fails.
 *
 * Needs root, audit enabled and auditd writing /var/log/audit/audit.log.
 */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#include "child.h"
#include "tap.h"

#define LOG "/var/log/audit/audit.log"

/* the rules this test added, removed at exit */
static char rules[2][128];
static pid_t rules_owner;

static void rules_remove(void)
{
	char cmd[512];

	if (getpid() != rules_owner)
		return;
	for (int i = 0; i < 2; i++) {
		if (!rules[i][0])
			continue;
		snprintf(cmd, sizeof(cmd), "auditctl -d %s >/dev/null 2>&1",
			 rules[i]);
		if (system(cmd) != 0)
			diag("could not remove rule %s", rules[i]);
		rules[i][0] = '\0';
	}
}

/* auditctl -a RULE: 0, or the check fails */
static bool rule_add(int slot, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool rule_add(int slot, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rules[slot], sizeof(rules[slot]), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "auditctl -a %s >/dev/null", rules[slot]);
	if (system(cmd) != 0) {
		rules[slot][0] = '\0';
		return ok(false, "auditctl -a %s", rules[slot] );
	}
	return true;
}

static void rule_del(int slot)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "auditctl -d %s >/dev/null", rules[slot]);
	if (system(cmd) != 0)
		diag("could not remove rule %s", rules[slot]);
	rules[slot][0] = '\0';
}

/* A record text no one else sends: "virt=acid-test op=<what> token=.." */
static void record_text(char *buf, size_t len, const char *what)
{
	unsigned char b[8];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		bail("getrandom");
	snprintf(buf, len,
		 "virt=acid-test op=%s token=%02x%02x%02x%02x%02x%02x%02x%02x "
		 "res=success",
		 what, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

/*
 * Lines of the log (and the one before it, the log rotates often here)
 * holding @needle and, if not NULL, @also.
 */
/*
 * The log is shared and pids are reused (pid_max is 32768 here): only
 * records stamped from this run's start on count.
 */
static time_t run_start;

static bool from_this_run(const char *line)
{
	const char *p = strstr(line, "msg=audit(");

	return p && strtoll(p + strlen("msg=audit("), NULL, 10) >= run_start;
}

static int log_lines(const char *needle, const char *also)
{
	static const char *const files[] = { LOG ".1", LOG };
	int n = 0;

	for (size_t i = 0; i < 2; i++) {
		char line[16384];
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (strstr(line, needle) && (!also || strstr(line, also)) &&
			    from_this_run(line))
				n++;
		fclose(f);
	}
	return n;
}

/* wait up to 5 s for @want lines (auditd writes them a little later) */
static int log_wait(const char *needle, const char *also, int want)
{
	int n = 0;

	for (int i = 0; i < 50; i++) {
		n = log_lines(needle, also);
		if (n >= want)
			break;
		usleep(100000);
	}
	return n;
}

static void test_seen(struct acid_ctx *ctx)
{
	char text[256], token[64], pidf[32];
	int fd;

	snprintf(pidf, sizeof(pidf), " pid=%d ", (int)getpid());
	record_text(text, sizeof(text), "seen");
	is_err(netlink_send_user(ctx, AUDIT_VIRT_CONTROL, text), 0,
	       "a record sent: 0");
	ok(ctx->mc_state == MC_ON && ctx->mc_fd >= 0,
	   "the context subscribed to the multicast group (state %d, fd %d)",
	   ctx->mc_state, ctx->mc_fd);
	is_int(ctx->mc_seen, 1, "the record was seen on the group");
	is_int(ctx->mc_unseen, 0, "none answered unseen");
	snprintf(token, sizeof(token), "%s", strstr(text, "token="));
	is_int(log_wait(token, pidf, 1), 1,
	       "the log holds the record, with this process's pid=");

	fd = ctx->mc_fd;
	record_text(text, sizeof(text), "seen-again");
	is_err(netlink_send_user(ctx, AUDIT_VIRT_CONTROL, text), 0,
	       "a second record sent: 0");
	is_int(ctx->mc_seen, 2, "it was seen too");
	is_int(ctx->mc_fd, fd, "on the same socket: one subscription per "
	       "context");
	snprintf(token, sizeof(token), "%s", strstr(text, "token="));
	is_int(log_wait(token, pidf, 1), 1, "the log holds the second record");
	/* the kernel logs the subscription: once */
	{
		char lpid[32];

		snprintf(lpid, sizeof(lpid), "pid=%d ", (int)getpid());
		is_int(log_wait("type=EVENT_LISTENER", lpid, 1), 1,
		       "one EVENT_LISTENER record for the subscription");
	}
}

/*
 * A rule on the exclude list, then one on the user list, dropping
 * VIRT_CONTROL records of this process: the record is sent, not seen;
 * the fallback answers ENOMSG, as the checks before a record do.
 */
static void test_rule(struct acid_ctx *ctx, const char *list)
{
	char text[256], token[64];
	unsigned long seen = ctx->mc_seen, unseen = ctx->mc_unseen;

	if (!rule_add(0, "never,%s -F msgtype=VIRT_CONTROL -F pid=%d", list,
		      (int)getpid()))
		return;
	record_text(text, sizeof(text), "dropped");
	is_err(netlink_send_user(ctx, AUDIT_VIRT_CONTROL, text), -ENOMSG,
	       "a rule on the %s list drops the record: ENOMSG", list);
	ok(ctx->mc_seen == seen && ctx->mc_unseen == unseen + 1,
	   "it was sent on the subscribed socket, not seen, answered from "
	   "the kernel's state (seen %lu -> %lu, unseen %lu -> %lu)", seen,
	   ctx->mc_seen, unseen, ctx->mc_unseen);
	is_int(ctx->mc_state, MC_ON, "the subscription stays");
	is_err(netlink_send_user(NULL, AUDIT_VIRT_CONTROL, text), -ENOMSG,
	       "the checks alone (no context) say the same");
	rule_del(0);
	snprintf(token, sizeof(token), "%s", strstr(text, "token="));
	/* the fallback found the kernel's queue empty and the record not
	 * on the group: never queued; and the log agrees */
	record_text(text, sizeof(text), "after-rule");
	is_err(netlink_send_user(ctx, AUDIT_VIRT_CONTROL, text), 0,
	       "the rule removed: a record is sent again");
	is_int(ctx->mc_seen, seen + 1, "and seen");
	log_wait(strstr(text, "token="), NULL, 1);
	is_int(log_lines(token, NULL), 0, "the dropped record is not in the log");
}

/*
 * Another process sends the very same text while this one's record is
 * dropped: its records come on the group with its own pid=, which the
 * kernel writes, and are not taken for ours.
 */
static void test_lookalike(struct acid_ctx *ctx)
{
	char text[256], token[64], cpid[32];
	int go[2], st = 0, r;
	pid_t pid;

	record_text(text, sizeof(text), "lookalike");
	snprintf(token, sizeof(token), "%s", strstr(text, "token="));
	if (!rule_add(1, "never,exclude -F msgtype=VIRT_CONTROL -F pid=%d",
		      (int)getpid()))
		return;
	if (pipe2(go, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		/* the same text, every 2 ms for 1.5 s, the checked way */
		for (int i = 0; i < 750; i++) {
			if (netlink_send_user(NULL, AUDIT_VIRT_CONTROL, text) < 0)
				_exit(2);
			usleep(2000);
		}
		_exit(0);
	}
	close(go[0]);
	if (write(go[1], "x", 1) != 1)
		bail("write");
	close(go[1]);
	usleep(50000);
	r = netlink_send_user(ctx, AUDIT_VIRT_CONTROL, text);
	is_err(r, -ENOMSG, "this process's record dropped while another "
	       "sends the same text: ENOMSG, not taken for sent");
	waitpid(pid, &st, 0);
	rule_del(1);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "the other process sent its records (status %#x)", st);
	snprintf(cpid, sizeof(cpid), " pid=%d ", (int)pid);
	ok(log_wait(token, cpid, 2) >= 2,
	   "its records, the same text, are in the log under its pid=");
	snprintf(cpid, sizeof(cpid), " pid=%d ", (int)getpid());
	is_int(log_lines(token, cpid), 0, "none under this process's pid=");
}

/*
 * A child forked with a copy of the context subscribes for itself (two
 * processes reading one socket would take each other's records); the
 * parent's subscription goes on.
 */
static void test_fork(struct acid_ctx *ctx)
{
	char text[256];
	int p[2], res[4] = { -1, 0, 0, 0 }, st = 0, fd = ctx->mc_fd;
	struct stat pst, cst;
	pid_t pid;

	if (fstat(fd, &pst) < 0)
		bail("fstat of the context's socket");

	if (pipe2(p, O_CLOEXEC) < 0)
		bail("pipe");
	record_text(text, sizeof(text), "child");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		close(p[0]);
		res[0] = netlink_send_user(ctx, AUDIT_VIRT_CONTROL, text);
		res[1] = ctx->mc_pid == getpid();
		/* a socket of its own (the inherited copy is closed, so
		 * the number may be the same: the socket's inode differs) */
		res[2] = ctx->mc_fd >= 0 && fstat(ctx->mc_fd, &cst) == 0 &&
			 cst.st_ino != pst.st_ino;
		res[3] = (int)ctx->mc_seen;
		write_full(p[1], res, sizeof(res));
		_exit(0);
	}
	close(p[1]);
	bool got = read_full(p[0], res, sizeof(res));

	close(p[0]);
	waitpid(pid, &st, 0);
	ok(got, "the child reported");
	is_err(res[0], 0, "a forked child sends with the context's copy: 0");
	ok(res[1] && res[2], "on a subscription of its own");
	is_int(res[3], (int)ctx->mc_seen + 1, "its record was seen");
	record_text(text, sizeof(text), "parent");
	unsigned long seen = ctx->mc_seen;

	is_err(netlink_send_user(ctx, AUDIT_VIRT_CONTROL, text), 0,
	       "the parent sends on: 0");
	ok(ctx->mc_fd == fd && ctx->mc_seen == seen + 1,
	   "on its own socket, seen");
}

/* Without CAP_AUDIT_READ: the checked path, and no group joined. */
static void test_no_read_cap(struct acid_ctx *ctx)
{
	char text[256], lpid[32];
	int p[2], res[3] = { -1, 0, 0 }, st = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		bail("pipe");
	record_text(text, sizeof(text), "noread");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		struct acid_opts o = { .size = sizeof(o) };
		struct acid_ctx *c = NULL;

		close(p[0]);
		if (capng_get_caps_process() == 0 &&
		    capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, CAP_AUDIT_READ) ==
			    0 &&
		    capng_apply(CAPNG_SELECT_CAPS) == 0 &&
		    acid_ctx_new(&o, &c) == 0) {
			res[0] = netlink_send_user(c, AUDIT_VIRT_CONTROL, text);
			res[1] = c->mc_state;
			res[2] = (int)c->mc_seen;
			acid_ctx_free(c);
		}
		write_full(p[1], res, sizeof(res));
		_exit(0);
	}
	close(p[1]);
	bool got = read_full(p[0], res, sizeof(res));

	close(p[0]);
	waitpid(pid, &st, 0);
	(void)ctx;
	ok(got, "the helper without CAP_AUDIT_READ reported");
	is_err(res[0], 0, "without CAP_AUDIT_READ a record is sent: 0");
	ok(res[1] == MC_OFF && res[2] == 0,
	   "by the checked path (state %d, seen %d)", res[1], res[2]);
	is_int(log_wait(strstr(text, "token="), NULL, 1), 1,
	       "the log holds it");
	snprintf(lpid, sizeof(lpid), "pid=%d ", (int)pid);
	is_int(log_lines("type=EVENT_LISTENER", lpid), 0,
	       "it joined no group (no EVENT_LISTENER record of it)");
}

int main(void)
{
	struct acid_opts o = { .size = sizeof(o) };
	struct acid_ctx *ctx;
	char *dir;
	int r;

	run_start = time(NULL) - 1;
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (access(LOG, R_OK) < 0) {
		ok(false, "auditd's log %s is readable (run as root with "
		   "auditd)", LOG);
		return tap_done();
	}
	rules_owner = getpid();
	atexit(rules_remove);
	signal(SIGTERM, exit);
	dir = temp_dir("netlink");
	o.state_dir = dir;
	r = acid_ctx_new(&o, &ctx);
	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new");
	}

	test_seen(ctx);
	test_rule(ctx, "exclude");
	test_rule(ctx, "user");
	test_lookalike(ctx);
	test_fork(ctx);
	test_no_read_cap(ctx);

	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
	rules_remove();
	return tap_done();
}
