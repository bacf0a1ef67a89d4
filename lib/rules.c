// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's audit rules that would drop acid's own records.
 *
 * A user record (acid's VIRT_CONTROL) passes two rule lists in the kernel
 * (kernel/auditfilter.c, audit_filter()) after it has been ACKed: the
 * "user" list, where the first rule that matches decides (action never
 * drops it), and the "exclude" list, where any rule that matches drops it
 * whatever its action. Either way the sender hears success and the log
 * never sees the record. So before a record goes out, the rule list is
 * read (AUDIT_LIST_RULES) and each rule of those two lists is evaluated
 * the way the kernel would evaluate it for this record sent by this
 * thread: message type, pid, uid, gid, auid, auid set, executable. A
 * field that cannot be evaluated here (the LSM subject fields, anything
 * new) counts as "may match": a rule that may drop acid's records is
 * reported as one that does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/audit.h>

#include "internal.h"

/*
 * A fact that cannot be read (no /proc/self/loginuid, say) is unknown, and
 * a rule field that compares it may match.
 */
void rules_self_get(struct rules_self *s)
{
	char buf[32];
	struct stat st;
	unsigned long v;

	memset(s, 0, sizeof(*s));
	/* the kernel compares task_pid_nr(current): the thread's id */
	s->pid = (uint32_t)syscall(SYS_gettid);
	s->uid = (uint32_t)getuid();
	s->gid = (uint32_t)getgid();
	if (proc_read_small(AT_FDCWD, "/proc/self/loginuid", buf,
			    sizeof(buf)) > 0 &&
	    sscanf(buf, "%lu", &v) == 1) {
		s->auid = (uint32_t)v;
		s->auid_known = true;
	}
	/* stat, not readlink: the inode the kernel compares */
	if (stat("/proc/self/exe", &st) == 0) {
		s->exe_dev = st.st_dev;
		s->exe_ino = st.st_ino;
		s->exe_known = true;
	}
}

/* audit_comparator() of the kernel, on u32 values */
static enum rules_match compare(uint32_t left, uint32_t op, uint32_t right)
{
	bool m;

	switch (op) {
	case AUDIT_EQUAL:
		m = left == right;
		break;
	case AUDIT_NOT_EQUAL:
		m = left != right;
		break;
	case AUDIT_LESS_THAN:
		m = left < right;
		break;
	case AUDIT_LESS_THAN_OR_EQUAL:
		m = left <= right;
		break;
	case AUDIT_GREATER_THAN:
		m = left > right;
		break;
	case AUDIT_GREATER_THAN_OR_EQUAL:
		m = left >= right;
		break;
	case AUDIT_BIT_MASK:
		m = (left & right) != 0;
		break;
	case AUDIT_BIT_TEST:
		m = (left & right) == right;
		break;
	default:
		return RULES_MAYBE;
	}
	return m ? RULES_YES : RULES_NO;
}

/* Fields whose value is a string in the rule's buffer (values[i] long). */
static bool string_field(uint32_t field)
{
	switch (field) {
	case AUDIT_SUBJ_USER:
	case AUDIT_SUBJ_ROLE:
	case AUDIT_SUBJ_TYPE:
	case AUDIT_SUBJ_SEN:
	case AUDIT_SUBJ_CLR:
	case AUDIT_OBJ_USER:
	case AUDIT_OBJ_ROLE:
	case AUDIT_OBJ_TYPE:
	case AUDIT_OBJ_LEV_LOW:
	case AUDIT_OBJ_LEV_HIGH:
	case AUDIT_WATCH:
	case AUDIT_DIR:
	case AUDIT_FILTERKEY:
	case AUDIT_EXE:
		return true;
	}
	return false;
}

/*
 * exe=PATH: the kernel holds a watch on PATH and compares the inode it
 * names with the sender's executable. Nothing at PATH: no match.
 */
static enum rules_match compare_exe(const struct rules_self *s,
				    const char *path, size_t len, uint32_t op)
{
	char p[4096];
	struct stat st;
	bool same;

	if (!s->exe_known || len == 0 || len >= sizeof(p))
		return RULES_MAYBE;
	memcpy(p, path, len);
	p[len] = '\0';
	if (stat(p, &st) < 0)
		same = false;
	else
		same = st.st_dev == s->exe_dev && st.st_ino == s->exe_ino;
	if (op == AUDIT_EQUAL)
		return same ? RULES_YES : RULES_NO;
	if (op == AUDIT_NOT_EQUAL)
		return same ? RULES_NO : RULES_YES;
	return RULES_MAYBE;
}

enum rules_match rules_rule_matches(const void *data, size_t len,
				    const struct rules_self *s,
				    uint32_t msgtype)
{
	const struct audit_rule_data *r = data;
	enum rules_match all = RULES_YES;
	size_t off = 0;

	if (len < sizeof(*r) || r->field_count > AUDIT_MAX_FIELDS ||
	    r->buflen > len - sizeof(*r))
		return RULES_MAYBE;
	for (uint32_t i = 0; i < r->field_count; i++) {
		uint32_t f = r->fields[i], op = r->fieldflags[i];
		uint32_t v = r->values[i];
		enum rules_match m;

		if (string_field(f)) {
			if (v > r->buflen - off)
				return RULES_MAYBE;
			m = f == AUDIT_EXE ?
				    compare_exe(s, r->buf + off, v, op) :
				    RULES_MAYBE;
			off += v;
		} else {
			switch (f) {
			case AUDIT_MSGTYPE:
				m = compare(msgtype, op, v);
				break;
			case AUDIT_PID:
				m = compare(s->pid, op, v);
				break;
			case AUDIT_UID:
				m = compare(s->uid, op, v);
				break;
			case AUDIT_GID:
				m = compare(s->gid, op, v);
				break;
			case AUDIT_LOGINUID:
				m = s->auid_known ? compare(s->auid, op, v) :
						    RULES_MAYBE;
				break;
			case AUDIT_LOGINUID_SET:
				m = s->auid_known ?
					    compare(s->auid != (uint32_t)-1,
						    op, v) :
					    RULES_MAYBE;
				break;
			default:
				m = RULES_MAYBE;
			}
		}
		if (m == RULES_NO)
			return RULES_NO;
		if (m == RULES_MAYBE)
			all = RULES_MAYBE;
	}
	return all;
}

void rules_feed(struct rules_walk *w, const void *data, size_t len,
		const struct rules_self *s, uint32_t msgtype)
{
	const struct audit_rule_data *r = data;
	enum rules_match m;
	uint32_t list;

	if (len < sizeof(*r))
		return;
	list = r->flags & ~(uint32_t)AUDIT_FILTER_PREPEND;
	if (list != AUDIT_FILTER_EXCLUDE && list != AUDIT_FILTER_USER)
		return;
	if (list == AUDIT_FILTER_USER && w->user_decided)
		return;
	m = rules_rule_matches(data, len, s, msgtype);
	if (m == RULES_NO)
		return;
	if (list == AUDIT_FILTER_EXCLUDE) {
		/* any match drops, whatever the action */
		w->drops = true;
		return;
	}
	/*
	 * The user list: the first match decides. A rule that may match
	 * and never logs counts as dropping; one that may match and logs
	 * decides nothing we can rely on, so the walk goes on.
	 */
	if (r->action == AUDIT_NEVER) {
		w->drops = true;
		w->user_decided = true;
	} else if (m == RULES_YES) {
		w->user_decided = true;
	}
}
