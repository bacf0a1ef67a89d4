// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-rules - which kernel audit rules drop acid's records (lib/rules.c).
 *
 * Rules as the kernel lists them (struct audit_rule_data), weighed for a
 * VIRT_CONTROL record sent by this very process: a table of rule lists
 * and the answer expected, one driver. The facts compared (pid, uid, exe
 * ...) are this process's, read the way the library reads them. The bats
 * tests (faults.bats) load real rules with auditctl and start real
 * containers; these walk the corners auditctl cannot reach in one run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <linux/audit.h>

#include "internal.h"

#include "tap.h"

/* libaudit's AUDIT_VIRT_CONTROL and VIRT_RESOURCE */
#define VC 2500
#define VIRT_RESOURCE 2501

/* rows name only the fields they need */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#define MAXF 6

/*
 * One field: its type, operator, number (or string for string fields).
 * The list ends at an operator of 0 (AUDIT_PID is field type 0).
 */
struct fld {
	uint32_t type, op, val;
	const char *str;
};

struct rule {
	uint32_t list, action;
	struct fld f[MAXF];
};

/* special values filled from this process */
enum { SELF_PID = 0xfff00001, SELF_UID, SELF_AUID };

static struct rules_self self;
/*
 * This program as a rule would name it. Not readlink(/proc/self/exe),
 * which valgrind answers with its client's path while the kernel (and
 * the library's stat) see valgrind's own executable.
 */
static const char self_exe[] = "/proc/self/exe";

static void *rule_data(const struct rule *r, size_t *len)
{
	struct audit_rule_data *d;
	size_t buflen = 0, off = 0;
	uint32_t n = 0;

	for (; n < MAXF && r->f[n].op; n++)
		if (r->f[n].str)
			buflen += strlen(r->f[n].str == (char *)-1 ?
						 self_exe :
						 r->f[n].str);
	*len = sizeof(*d) + buflen;
	d = calloc(1, *len);
	if (!d)
		bail("calloc");
	d->flags = r->list;
	d->action = r->action;
	d->field_count = n;
	for (uint32_t i = 0; i < n; i++) {
		const struct fld *f = &r->f[i];

		d->fields[i] = f->type;
		d->fieldflags[i] = f->op;
		if (f->str) {
			const char *s = f->str == (char *)-1 ? self_exe :
							       f->str;

			d->values[i] = (uint32_t)strlen(s);
			memcpy(d->buf + off, s, strlen(s));
			off += strlen(s);
		} else {
			d->values[i] = f->val == SELF_PID  ? self.pid :
				       f->val == SELF_UID  ? self.uid :
				       f->val == SELF_AUID ? self.auid :
							     f->val;
		}
	}
	d->buflen = (uint32_t)buflen;
	return d;
}

#define EQ AUDIT_EQUAL
#define NE AUDIT_NOT_EQUAL
#define EXE_SELF ((const char *)-1)
#define F(t, o, v) { AUDIT_##t, o, v, NULL }
#define S(t, o, s) { AUDIT_##t, o, 0, s }
#define EXCL AUDIT_FILTER_EXCLUDE
#define USER AUDIT_FILTER_USER

static const struct row {
	const char *what;
	bool drops;
	struct rule rules[4];
} rows[] = {
	{ "no rules", false, { { 0 } } },
	{ "exclude msgtype=VIRT_CONTROL", true,
	  { { EXCL, AUDIT_NEVER, { F(MSGTYPE, EQ, VC) } } } },
	{ "exclude msgtype=VIRT_CONTROL, action always (any match drops)",
	  true, { { EXCL, AUDIT_ALWAYS, { F(MSGTYPE, EQ, VC) } } } },
	{ "exclude msgtype=VIRT_RESOURCE", false,
	  { { EXCL, AUDIT_NEVER, { F(MSGTYPE, EQ, VIRT_RESOURCE) } } } },
	{ "exclude msgtype!=VIRT_RESOURCE", true,
	  { { EXCL, AUDIT_NEVER, { F(MSGTYPE, NE, VIRT_RESOURCE) } } } },
	{ "exclude msgtype>=2500", true,
	  { { EXCL, AUDIT_NEVER,
	      { F(MSGTYPE, AUDIT_GREATER_THAN_OR_EQUAL, 2500) } } } },
	{ "exclude msgtype<2500", false,
	  { { EXCL, AUDIT_NEVER, { F(MSGTYPE, AUDIT_LESS_THAN, 2500) } } } },
	{ "exclude msgtype&0x4 (2500 = 0x9c4)", true,
	  { { EXCL, AUDIT_NEVER, { F(MSGTYPE, AUDIT_BIT_MASK, 0x4) } } } },
	{ "exclude msgtype&=0x3 (bit test)", false,
	  { { EXCL, AUDIT_NEVER, { F(MSGTYPE, AUDIT_BIT_TEST, 0x3) } } } },
	{ "exclude exe=<this program>", true,
	  { { EXCL, AUDIT_NEVER, { S(EXE, EQ, EXE_SELF) } } } },
	{ "exclude exe=/nonexistent", false,
	  { { EXCL, AUDIT_NEVER, { S(EXE, EQ, "/nonexistent/acid") } } } },
	{ "exclude exe!=/bin/true", true,
	  { { EXCL, AUDIT_NEVER, { S(EXE, NE, "/bin/true") } } } },
	{ "exclude exe=/bin/true msgtype=VIRT_CONTROL", false,
	  { { EXCL, AUDIT_NEVER,
	      { S(EXE, EQ, "/bin/true"), F(MSGTYPE, EQ, VC) } } } },
	{ "exclude pid=<self> uid=<self>", true,
	  { { EXCL, AUDIT_NEVER,
	      { F(PID, EQ, SELF_PID), F(UID, EQ, SELF_UID) } } } },
	{ "exclude pid=1", false,
	  { { EXCL, AUDIT_NEVER, { F(PID, EQ, 1) } } } },
	{ "exclude uid=4242 msgtype=VIRT_CONTROL", false,
	  { { EXCL, AUDIT_NEVER,
	      { F(UID, EQ, 4242), F(MSGTYPE, EQ, VC) } } } },
	{ "exclude gid!=4242", true,
	  { { EXCL, AUDIT_NEVER, { F(GID, NE, 4242) } } } },
	{ "exclude an LSM subject field (cannot weigh: may match)", true,
	  { { EXCL, AUDIT_NEVER,
	      { S(SUBJ_TYPE, EQ, "x_t"), F(MSGTYPE, EQ, VC) } } } },
	{ "exclude an LSM field, but another type", false,
	  { { EXCL, AUDIT_NEVER,
	      { S(SUBJ_TYPE, EQ, "x_t"), F(MSGTYPE, EQ, 1100) } } } },
	{ "exclude a field unknown here (euid): may match", true,
	  { { EXCL, AUDIT_NEVER, { F(EUID, EQ, 99) } } } },
	{ "exclude an LSM string before exe: the exe is still found", false,
	  { { EXCL, AUDIT_NEVER,
	      { S(SUBJ_USER, EQ, "someone_u"), S(EXE, EQ, "/bin/true") } } } },
	{ "exclude auid=<self>", true,
	  { { EXCL, AUDIT_NEVER, { F(LOGINUID, EQ, SELF_AUID) } } } },
	{ "exclude auid!=<self>", false,
	  { { EXCL, AUDIT_NEVER, { F(LOGINUID, NE, SELF_AUID) } } } },
	{ "task list rule (not consulted for user records)", false,
	  { { AUDIT_FILTER_TASK, AUDIT_NEVER, { F(MSGTYPE, EQ, VC) } } } },
	{ "user never msgtype=VIRT_CONTROL", true,
	  { { USER, AUDIT_NEVER, { F(MSGTYPE, EQ, VC) } } } },
	{ "user always msgtype=VIRT_CONTROL", false,
	  { { USER, AUDIT_ALWAYS, { F(MSGTYPE, EQ, VC) } } } },
	{ "user always for it first, then never: the first decides", false,
	  { { USER, AUDIT_ALWAYS, { F(MSGTYPE, EQ, VC) } },
	    { USER, AUDIT_NEVER, { F(MSGTYPE, EQ, VC) } } } },
	{ "user never first, then always: dropped", true,
	  { { USER, AUDIT_NEVER, { F(MSGTYPE, EQ, VC) } },
	    { USER, AUDIT_ALWAYS, { F(MSGTYPE, EQ, VC) } } } },
	{ "user always that may match (LSM), then never: dropped", true,
	  { { USER, AUDIT_ALWAYS, { S(SUBJ_ROLE, EQ, "r") } },
	    { USER, AUDIT_NEVER, { F(MSGTYPE, EQ, VC) } } } },
	{ "user never for another program", false,
	  { { USER, AUDIT_NEVER,
	      { F(MSGTYPE, EQ, VC), S(EXE, EQ, "/bin/true") } } } },
	{ "user always decides, exclude still drops", true,
	  { { USER, AUDIT_ALWAYS, { F(MSGTYPE, EQ, VC) } },
	    { EXCL, AUDIT_NEVER, { S(EXE, EQ, EXE_SELF) } } } },
	{ "prepend flag on an exclude rule", true,
	  { { EXCL | AUDIT_FILTER_PREPEND, AUDIT_NEVER,
	      { F(MSGTYPE, EQ, VC) } } } },
};

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rules_walk w = { 0 };

		for (size_t k = 0; k < 4 && rows[i].rules[k].f[0].op; k++) {
			size_t len;
			void *d = rule_data(&rows[i].rules[k], &len);

			rules_feed(&w, d, len, &self, VC);
			free(d);
		}
		is_int(w.drops, rows[i].drops, "%s: %s", rows[i].what,
		       rows[i].drops ? "drops" : "keeps");
	}
}

/* Damaged rule data is never taken for "no match". */
static void test_damaged(void)
{
	struct rule r = { EXCL, AUDIT_NEVER, { S(EXE, EQ, "/bin/true") } };
	struct audit_rule_data *d;
	size_t len;

	d = rule_data(&r, &len);
	is_int(rules_rule_matches(d, len - 1, &self, VC), RULES_MAYBE,
	       "a rule shorter than its buflen says: may match");
	d->values[0] = 4000;
	is_int(rules_rule_matches(d, len, &self, VC), RULES_MAYBE,
	       "a string longer than the buffer: may match");
	d->field_count = AUDIT_MAX_FIELDS + 1;
	is_int(rules_rule_matches(d, len, &self, VC), RULES_MAYBE,
	       "more fields than the kernel allows: may match");
	is_int(rules_rule_matches(d, 8, &self, VC), RULES_MAYBE,
	       "a truncated rule: may match");
	free(d);
}

/* A fact the library could not read: a rule comparing it may match. */
static void test_unknown(void)
{
	struct rules_self s = self;
	struct rule a = { EXCL, AUDIT_NEVER, { F(LOGINUID, EQ, 12345) } };
	struct rule e = { EXCL, AUDIT_NEVER, { S(EXE, EQ, "/bin/true") } };
	size_t len;
	void *d;

	s.auid_known = s.exe_known = false;
	d = rule_data(&a, &len);
	is_int(rules_rule_matches(d, len, &s, VC), RULES_MAYBE,
	       "auid unknown: auid=12345 may match");
	free(d);
	d = rule_data(&e, &len);
	is_int(rules_rule_matches(d, len, &s, VC), RULES_MAYBE,
	       "exe unknown: exe=/bin/true may match");
	free(d);
}

int main(void)
{
	rules_self_get(&self);
	if (!self.auid_known || !self.exe_known)
		bail("rules_self_get: loginuid or exe unknown");
	is_int((int)self.pid, (int)syscall(SYS_gettid),
	       "the pid compared is the thread's");
	test_rows();
	test_damaged();
	test_unknown();
	return tap_done();
}
