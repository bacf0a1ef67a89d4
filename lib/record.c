// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The lifecycle records, in the VIRT_CONTROL form that libaudit documents
 * for "VMs and container orchestration software", so stock ausearch,
 * aureport --virt and auparse read them unchanged: their text, built
 * here, and acid_log_*'s sending of it (through netlink.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libaudit.h>

#include "internal.h"

/* Fields are separated by one space. */
static void sep(struct strbuf *t)
{
	if (t->len)
		strbuf_addf(t, " ");
}

static void addf(struct strbuf *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void addf(struct strbuf *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sep(t);
	strbuf_addf(t, "%s", buf);
}

/*
 * Free text (a name, a bundle path, an exe) that could be read as more
 * than one field. Stock ausearch finds uuid=, exe=, pid= in a user
 * record by substring, the first one winning, so a value holding '='
 * could pose as a field ("x-uuid=<another ID>"); a space or a quote
 * could end the value, a quote (either kind) could end the msg='...'
 * the kernel wraps the text in; control bytes and bytes >= 0x7f are no
 * text at all. libaudit's audit_encode_nv_string() leaves '=' and '\''
 * alone: hence our own test.
 */
static bool value_needs_hex(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '=' || *p == '"' ||
		    *p == '\'')
			return true;
	return false;
}

/*
 * name="value", or name=HEX (upper case, as auditd encodes) when the
 * value needs it, or name=? for none: the one way free text goes into a
 * record, for every free-text field there is or will be.
 */
static void add_encoded(struct strbuf *t, const char *name, const char *value)
{
	if (!value || !*value) {
		addf(t, "%s=?", name);
		return;
	}
	sep(t);
	strbuf_addf(t, "%s=", name);
	if (value_needs_hex(value))
		strbuf_add_hex(t, value, true);
	else
		strbuf_addf(t, "\"%s\"", value);
}

static void add_head(struct strbuf *t, const struct acid_entry *e,
		     const char *op, const char *reason)
{
	char id[ACID_ID_STRLEN] = "?"; /* what a zero ID prints */

	acid_id_format(&e->id, id, sizeof(id));
	addf(t, "virt=oci op=%s reason=%s", op, reason);
	add_encoded(t, "vm", e->name);
	addf(t, "uuid=%s vm-pid=%d", id, (int)e->pid);
}

/* the trailer libaudit's own user messages carry */
static void add_tail(struct strbuf *t, const char *exe)
{
	add_encoded(t, "exe", exe);
	addf(t, "hostname=? addr=? terminal=? res=success");
}

static const char *const ns_field[ACID_NS_COUNT] = {
	[ACID_NS_CGROUP] = "cgroup-ns",
	[ACID_NS_IPC] = "ipc-ns",
	[ACID_NS_MNT] = "mnt-ns",
	[ACID_NS_NET] = "net-ns",
	[ACID_NS_PID] = "pid-ns",
	[ACID_NS_PID_FOR_CHILDREN] = "pid-child-ns",
	[ACID_NS_TIME] = "time-ns",
	[ACID_NS_TIME_FOR_CHILDREN] = "time-child-ns",
	[ACID_NS_USER] = "user-ns",
	[ACID_NS_UTS] = "uts-ns",
};

int record_start_text(const struct acid_entry *e, const char *exe,
		      char **out)
{
	struct strbuf t = { 0 };
	bool dev_done = false;

	add_head(&t, e, "start", "register");
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (!e->ns.ns[k].present)
			continue;
		/* every nsfs inode lives on the one nsfs device */
		if (!dev_done) {
			addf(&t, "ns-dev=%" PRIu32 ":%" PRIu32,
			     e->ns.ns[k].dev_major, e->ns.ns[k].dev_minor);
			dev_done = true;
		}
		addf(&t, "%s=%" PRIu64, ns_field[k], e->ns.ns[k].ino);
	}
	if (e->bundle[0])
		add_encoded(&t, "bundle", e->bundle);
	if (e->ses_tag)
		addf(&t, "ses-tag=%" PRIu32, e->ses_tag);
	if (e->has_parent) {
		char id[ACID_ID_STRLEN] = "?"; /* what a zero ID prints */

		acid_id_format(&e->parent, id, sizeof(id));
		addf(&t, "parent-uuid=%s", id);
	}
	/* Kubernetes metadata: free text, encoded like the name */
	for (int k = 0; k < K8S_COUNT; k++)
		if (e->k8s[k])
			add_encoded(&t, k8s_fields[k].record, e->k8s[k]);
	add_tail(&t, exe);
	return strbuf_finish(&t, out, NULL);
}

int record_stop_text(const struct acid_entry *e, const char *reason,
		     const char *exe, char **out)
{
	struct strbuf t = { 0 };

	add_head(&t, e, "stop", reason);
	add_tail(&t, exe);
	return strbuf_finish(&t, out, NULL);
}

int record_self_exe(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n < 0) {
		buf[0] = '\0';
		return -errno;
	}
	buf[n] = '\0';
	return 0;
}

bool acid_stop_reason_valid(const char *reason)
{
	size_t n;

	if (!reason)
		return false;
	n = strlen(reason);

	return n && n <= ACID_REASON_MAX &&
	       strspn(reason, "abcdefghijklmnopqrstuvwxyz-") == n;
}

/*
 * Send a user record of @type (AUDIT_VIRT_*), @what ("start", "stop",
 * "exec link", ...) saying which: 0, or the error, said in @ctx.
 * @caps_checked: the caller has found CAP_AUDIT_WRITE effective within
 * the same call (a thread's capabilities change only by its own hand,
 * which libacid never does).
 */
static int record_send_type(struct acid_ctx *ctx, int type, const char *what,
			    const char *text, bool caps_checked)
{
	int r = caps_checked ? 0 : acid_check_caps(ACID_CAP_WRITE);

	if (r < 0)
		return ctx_failw(ctx, r, "Operation not permitted: the "
				 "caller lacks CAP_AUDIT_WRITE in its "
				 "effective set", "sending the %s record",
				 what);
	r = netlink_send_user(ctx, type, text);
	if (r == -ENOMSG && type != AUDIT_VIRT_CONTROL)
		/* acid_strerror's sentence names VIRT_CONTROL */
		return ctx_failw(ctx, r, "A kernel audit rule on the exclude "
				 "or user filter list (auditctl -l) drops "
				 "VIRT_RESOURCE records of this program, or "
				 "may: the kernel would accept the record and "
				 "discard it, so it was not sent.",
				 "sending the %s record", what);
	if (r < 0)
		return ctx_failx(ctx, r, "sending the %s record", what);
	return 0;
}

int record_send_text(struct acid_ctx *ctx, const char *what,
		     const char *text, bool caps_checked)
{
	return record_send_type(ctx, AUDIT_VIRT_CONTROL, what, text,
				caps_checked);
}

int record_log_start(struct acid_ctx *ctx, const struct acid_entry *e)
{
	_cleanup_free_ char *text = NULL;
	char exe[4096];
	int r;

	record_self_exe(exe, sizeof(exe));
	r = record_start_text(e, exe, &text);
	if (r < 0)
		return r;
	return record_send_text(ctx, "start", text, false);
}

int record_log_stop(struct acid_ctx *ctx, const struct acid_entry *e,
		    const char *reason)
{
	_cleanup_free_ char *text = NULL;
	char exe[4096];
	int r;

	if (!acid_stop_reason_valid(reason))
		return -EINVAL;
	record_self_exe(exe, sizeof(exe));
	r = record_stop_text(e, reason, exe, &text);
	if (r < 0)
		return r;
	return record_send_text(ctx, "stop", text, false);
}

/* ------------------------------------------- joins and namespace changes */

/*
 * An audit event id as ausearch and auparse print it, "<sec>.<msec>:
 * <serial>": digits, a dot, exactly three digits, a colon, digits. The
 * bounds (20 digits each side: a u64) keep it a number, not a field.
 */
bool record_trigger_valid(const char *t)
{
	size_t a, b;

	if (!t)
		return false;
	a = strspn(t, "0123456789");
	if (a == 0 || a > 20 || t[a] != '.')
		return false;
	t += a + 1;
	if (strspn(t, "0123456789") != 3 || t[3] != ':')
		return false;
	t += 4;
	b = strspn(t, "0123456789");
	return b > 0 && b <= 20 && t[b] == '\0';
}

/* The arguments a link record takes: 0, or -EINVAL. */
int record_exec_check(const char *reason, pid_t task_pid, uint32_t ses_tag,
		      const char *trigger)
{
	if (!reason || task_pid <= 0 || task_pid > ACID_PID_MAX)
		return -EINVAL;
	/*
	 * A session link says "every record with ses=<n> is the
	 * container's": it needs a session, and never the unset one
	 * (every daemon's). A setns joiner's session may be a login
	 * session: it never names one.
	 */
	if (!strcmp(reason, "session")) {
		if (ses_tag == 0 || ses_tag == ACID_AUDIT_UNSET)
			return -EINVAL;
	} else if (!strcmp(reason, "setns")) {
		if (ses_tag != 0)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (trigger && !record_trigger_valid(trigger))
		return -EINVAL;
	return 0;
}

int record_exec_text(const struct acid_entry *e, const char *reason,
		     pid_t task_pid, uint32_t ses_tag, const char *trigger,
		     const char *exe, char **out)
{
	struct strbuf t = { 0 };
	int r = record_exec_check(reason, task_pid, ses_tag, trigger);

	if (r < 0)
		return r;
	add_head(&t, e, "exec", reason);
	addf(&t, "task-pid=%d", (int)task_pid);
	if (ses_tag)
		addf(&t, "ses-tag=%" PRIu32, ses_tag);
	if (trigger)
		addf(&t, "trigger=%s", trigger);
	add_tail(&t, exe);
	return strbuf_finish(&t, out, NULL);
}

/* The arguments a namespace-change record takes: 0, or -EINVAL. */
int record_ns_check(const char *reason, pid_t task_pid, unsigned int kinds,
		    const char *trigger)
{
	if (!reason || (strcmp(reason, "unshare") && strcmp(reason, "setns") &&
			strcmp(reason, "clone")))
		return -EINVAL;
	if (task_pid <= 0 || task_pid > ACID_PID_MAX)
		return -EINVAL;
	if (kinds & ~((1u << ACID_NS_COUNT) - 1))
		return -EINVAL;
	if (trigger && !record_trigger_valid(trigger))
		return -EINVAL;
	return 0;
}

/* " <name>=<ino>", or "<name>=?" where the set holds no such kind */
static void add_ino(struct strbuf *t, const char *side, int k,
		    const struct acid_ns_set *set)
{
	if (set && set->ns[k].present)
		addf(t, "%s-%s=%" PRIu64, side, ns_field[k], set->ns[k].ino);
	else
		addf(t, "%s-%s=?", side, ns_field[k]);
}

int record_ns_text(const struct acid_entry *e, const char *reason,
		   pid_t task_pid, unsigned int kinds,
		   const struct acid_ns_set *now, const char *trigger,
		   const char *exe, char **out)
{
	struct strbuf t = { 0 };
	char id[ACID_ID_STRLEN] = "?"; /* what a zero ID prints */
	int r = record_ns_check(reason, task_pid, kinds, trigger);

	if (r < 0)
		return r;
	acid_id_format(&e->id, id, sizeof(id));
	addf(&t, "virt=oci resrc=ns reason=%s", reason);
	add_encoded(&t, "vm", e->name);
	addf(&t, "uuid=%s vm-pid=%d task-pid=%d", id, (int)e->pid,
	     (int)task_pid);
	if (trigger)
		addf(&t, "trigger=%s", trigger);
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (!(kinds & (1u << k)))
			continue;
		/* the container's, as registered; never a guess */
		add_ino(&t, "old", k, &e->ns);
		add_ino(&t, "new", k, now);
	}
	if (!now)
		addf(&t, "task=gone");
	add_tail(&t, exe);
	return strbuf_finish(&t, out, NULL);
}

int record_log_exec(struct acid_ctx *ctx, const struct acid_entry *e,
		    const char *reason, pid_t task_pid, uint32_t ses_tag,
		    const char *trigger)
{
	_cleanup_free_ char *text = NULL;
	char exe[4096];
	int r;

	/* task_pid is a host pid only from the host's pid namespace */
	r = ctx_check_pidns(ctx);
	if (r < 0)
		return r;
	record_self_exe(exe, sizeof(exe));
	r = record_exec_text(e, reason, task_pid, ses_tag, trigger, exe,
			     &text);
	if (r < 0)
		return r;
	return record_send_type(ctx, AUDIT_VIRT_CONTROL, "exec link", text,
				false);
}

int record_log_ns(struct acid_ctx *ctx, const struct acid_entry *e,
		  const char *reason, pid_t task_pid, unsigned int kinds,
		  const struct acid_ns_set *now, const char *trigger)
{
	_cleanup_free_ char *text = NULL;
	char exe[4096];
	int r;

	/* task_pid is a host pid only from the host's pid namespace */
	r = ctx_check_pidns(ctx);
	if (r < 0)
		return r;
	record_self_exe(exe, sizeof(exe));
	r = record_ns_text(e, reason, task_pid, kinds, now, trigger, exe,
			   &text);
	if (r < 0)
		return r;
	return record_send_type(ctx, AUDIT_VIRT_RESOURCE, "namespace change",
				text, false);
}
