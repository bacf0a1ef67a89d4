// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-record - the text of the lifecycle records, built from crafted
 * entries by record_start_text / record_stop_text: exact strings, the
 * encoding of free text ("quoted", or upper-case hex as auditd writes it
 * when the value has a space, '=', a quote, a control byte or a byte
 * >= 0x7f: a value that poses as a field to ausearch), the
 * optional fields, a size the kernel carries whole; and the reasons
 * acid_log_stop accepts. Nothing here is sent to the kernel: the accepted
 * reasons are checked in a helper without CAP_AUDIT_WRITE, where they get
 * as far as the capability check.
 */
#include <cap-ng.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#include "child.h"
#include "tap.h"

#define UUID_L "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
#define PARENT "00000000-0000-0000-0000-00000000002a"
#define EXE "/usr/libexec/acid/acid-prestart"
#define TAIL "hostname=? addr=? terminal=? res=success"
#define NS_ALL                                                          \
	"ns-dev=0:4 cgroup-ns=4026531835 ipc-ns=4026531839 "            \
	"mnt-ns=4026531832 net-ns=4026531833 pid-ns=4026531836 "        \
	"pid-child-ns=4026531836 time-ns=4026531834 "                   \
	"time-child-ns=4026531834 user-ns=4026531837 uts-ns=4026531838"

static const uint64_t inos[ACID_NS_COUNT] = {
	4026531835, 4026531839, 4026531832, 4026531833, 4026531836,
	4026531836, 4026531834, 4026531834, 4026531837, 4026531838,
};

/* An entry like a registration on this host makes; @ns: present kinds. */
static struct acid_entry *entry(const char *name, const char *bundle,
				unsigned int ns)
{
	struct acid_entry *e = entry_new();

	if (!e || acid_id_parse(UUID_L, &e->id) < 0)
		bail("entry");
	free(e->name);
	free(e->bundle);
	e->name = strdup(name);
	e->bundle = strdup(bundle);
	if (!e->name || !e->bundle)
		bail("strdup");
	e->pid = 1234;
	e->starttime = 99;
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (!(ns & (1u << k)))
			continue;
		e->ns.ns[k].present = true;
		e->ns.ns[k].dev_major = 0;
		e->ns.ns[k].dev_minor = 4;
		e->ns.ns[k].ino = inos[k];
	}
	return e;
}

static char *start_text(const struct acid_entry *e, const char *exe)
{
	char *t = NULL;
	int r = record_start_text(e, exe, &t);

	if (r < 0) {
		ok(false, "record_start_text: %d", r);
		return NULL;
	}
	return t;
}

/* ------------------------------------------------- exact strings */

static void test_exact(void)
{
	struct acid_entry *e = entry("web", "", 0x3ff);
	char *t;

	t = start_text(e, EXE);
	is_str(t, "virt=oci op=start reason=register vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 " NS_ALL " exe=\"" EXE "\" " TAIL,
	       "start record, simple name");
	free(t);

	t = NULL;
	is_err(record_stop_text(e, "exit", EXE, &t), 0, "record_stop_text");
	is_str(t, "virt=oci op=stop reason=exit vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 exe=\"" EXE "\" " TAIL,
	       "stop record, reason exit");
	free(t);
	t = NULL;
	record_stop_text(e, "destroy", EXE, &t);
	is_str(t, "virt=oci op=stop reason=destroy vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 exe=\"" EXE "\" " TAIL,
	       "stop record, reason destroy");
	free(t);

	/* everything optional present */
	free(e->bundle);
	e->bundle = strdup("/var/lib/b");
	e->ses_tag = 5;
	e->has_parent = true;
	acid_id_parse(PARENT, &e->parent);
	t = start_text(e, EXE);
	is_str(t, "virt=oci op=start reason=register vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 " NS_ALL " bundle=\"/var/lib/b\" ses-tag=5"
		  " parent-uuid=" PARENT " exe=\"" EXE "\" " TAIL,
	       "start record, bundle, ses tag and parent");
	free(t);
	acid_entry_free(e);
}

/* ------------------------------------------------------ encoding */

static const struct enc_row {
	const char *what;
	const char *value;
	const char *field;	/* as it must appear */
} enc_rows[] = {
	{ "plain", "web", "\"web\"" },
	{ "dots, dashes, slashes", "a.b-c_d/e:f", "\"a.b-c_d/e:f\"" },
	{ "equals sign", "x=y", "783D79" },
	{ "a uuid= for ausearch --uuid",
	  "x-uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
	  "782D757569643D30663165326433632D346235612D343937382D383639352D"
	  "613462336332643165306639" },
	{ "an exe= for ausearch -x", "/b/exe=/usr/sbin/sshd",
	  "2F622F6578653D2F7573722F7362696E2F73736864" },
	{ "single quote (ends msg='...')", "a'b", "612762" },
	{ "backslash is text", "a\\b", "\"a\\b\"" },
	{ "byte 0x01", "\x01", "01" },
	{ "byte 0x80", "\x80", "80" },
	{ "space", "my web", "6D7920776562" },
	{ "double quote", "a\"b", "612262" },
	{ "newline", "a\nb", "610A62" },
	{ "tab", "a\tb", "610962" },
	{ "UTF-8 e-acute", "caf\xc3\xa9", "636166C3A9" },
	{ "byte 0x7f", "a\x7f", "617F" },
	{ "byte 0xff", "\xff", "FF" },
	{ "a forged field", "x res=failed", "78207265733D6661696C6564" },
};

/* " <name>=<field> " must be in @t (fields are space-separated). */
static void expect_field(const char *t, const char *name, const char *field,
			 const char *what)
{
	char *want;

	if (asprintf(&want, " %s=%s ", name, field) < 0)
		bail("asprintf");
	ok(t && strstr(t, want), "%s: record has '%s=%s'", what, name, field);
	if (t && !strstr(t, want)) {
		char q[4096];

		diag("record: %s", tap_quote(t, q, sizeof(q)));
	}
	free(want);
}

static void test_encoding(void)
{
	for (size_t i = 0; i < sizeof(enc_rows) / sizeof(enc_rows[0]); i++) {
		const struct enc_row *row = &enc_rows[i];
		struct acid_entry *e = entry(row->value, row->value, 0x3ff);
		char *t = start_text(e, EXE), *s = NULL, what[128];

		snprintf(what, sizeof(what), "start, %s", row->what);
		expect_field(t, "vm", row->field, what);
		expect_field(t, "bundle", row->field, what);
		free(t);
		/* every Kubernetes field is free text, encoded alike */
		const char *v[K8S_COUNT];

		for (int k = 0; k < K8S_COUNT; k++)
			v[k] = row->value;
		if (entry_set_k8s(e, v) < 0)
			bail("entry_set_k8s");
		t = start_text(e, EXE);
		snprintf(what, sizeof(what), "start, k8s, %s", row->what);
		for (int k = 0; k < K8S_COUNT; k++)
			expect_field(t, k8s_fields[k].record, row->field, what);
		free(t);
		record_stop_text(e, "exit", EXE, &s);
		snprintf(what, sizeof(what), "stop, %s", row->what);
		expect_field(s, "vm", row->field, what);
		free(s);
		acid_entry_free(e);
	}

	/* the exe is encoded the same way */
	struct acid_entry *e = entry("web", "", 0);
	char *t = start_text(e, "/opt/my tools/orch");

	expect_field(t, "exe", "2F6F70742F6D7920746F6F6C732F6F726368",
		     "exe with a space");
	free(t);
	t = start_text(e, "");
	expect_field(t, "exe", "?", "no exe");
	free(t);
	acid_entry_free(e);
}

/* ------------------------------------------------------ Kubernetes */

/* the values a containerd CRI pod gives, in enum entry_k8s order */
static const char *const k8s_real[K8S_COUNT] = {
	"coredns-6d4b75cb6d-4mtdm", "kube-system",
	"5b5e07db-f1b9-4530-81ef-b7d04d66b83e", "coredns",
	"registry.k8s.io/coredns/coredns:v1.10.1",
};

static void test_k8s(void)
{
	struct acid_entry *e = entry("web", "/var/lib/b", 0x3ff);
	const char *some[K8S_COUNT] = { "p", NULL, "", NULL, "img" };
	char *t;

	if (entry_set_k8s(e, k8s_real) < 0)
		bail("entry_set_k8s");
	e->ses_tag = 5;
	t = start_text(e, EXE);
	is_str(t, "virt=oci op=start reason=register vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 " NS_ALL " bundle=\"/var/lib/b\" ses-tag=5"
		  " k8s-pod=\"coredns-6d4b75cb6d-4mtdm\""
		  " k8s-namespace=\"kube-system\""
		  " k8s-pod-uid=\"5b5e07db-f1b9-4530-81ef-b7d04d66b83e\""
		  " k8s-container=\"coredns\""
		  " image=\"registry.k8s.io/coredns/coredns:v1.10.1\""
		  " exe=\"" EXE "\" " TAIL,
	       "start record with a pod's Kubernetes fields, before exe=");
	free(t);
	t = NULL;
	record_stop_text(e, "exit", EXE, &t);
	ok(t && !strstr(t, "k8s-") && !strstr(t, "image="),
	   "stop record: no Kubernetes fields");
	free(t);

	/* only those given; "" is none */
	if (entry_set_k8s(e, some) < 0)
		bail("entry_set_k8s");
	t = start_text(e, EXE);
	ok(t && strstr(t, " k8s-pod=\"p\" image=\"img\" exe=") &&
		   !strstr(t, "k8s-namespace=") && !strstr(t, "k8s-pod-uid=") &&
		   !strstr(t, "k8s-container="),
	   "start record: only the Kubernetes fields given");
	free(t);

	/*
	 * The longest values, hex-encoded, with a name and bundle of
	 * common length: the record fits.
	 */
	char *big[K8S_COUNT];

	for (int k = 0; k < K8S_COUNT; k++) {
		big[k] = malloc(k8s_fields[k].max + 1);
		if (!big[k])
			bail("malloc");
		memset(big[k], ' ', k8s_fields[k].max);
		big[k][k8s_fields[k].max] = '\0';
	}
	if (entry_set_k8s(e, (const char *const *)big) < 0)
		bail("entry_set_k8s");
	t = start_text(e, EXE);
	ok(t && strlen(t) < AUDIT_MESSAGE_TEXT_MAX,
	   "start record with the longest Kubernetes values hex-encoded: "
	   "%zu bytes, the kernel keeps %d", t ? strlen(t) : 0,
	   AUDIT_MESSAGE_TEXT_MAX - 1);
	free(t);
	for (int k = 0; k < K8S_COUNT; k++)
		free(big[k]);
	acid_entry_free(e);
}

/* --------------------------------------------------- optional fields */

static void test_optional(void)
{
	struct acid_entry *e;
	char *t;

	/* absent kinds are left out; ns-dev only with some kind present */
	e = entry("web", "", 1u << ACID_NS_NET | 1u << ACID_NS_UTS);
	t = start_text(e, EXE);
	is_str(t, "virt=oci op=start reason=register vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 ns-dev=0:4 net-ns=4026531833 uts-ns=4026531838"
		  " exe=\"" EXE "\" " TAIL,
	       "start record with only net and uts present");
	free(t);
	acid_entry_free(e);

	e = entry("web", "", 0);
	t = start_text(e, EXE);
	ok(t && !strstr(t, "-ns=") && !strstr(t, "ns-dev="),
	   "start record with no namespace: no ns fields");
	ok(t && !strstr(t, "bundle="), "no bundle: no bundle field");
	ok(t && !strstr(t, "ses-tag="), "ses tag 0: no ses-tag field");
	ok(t && !strstr(t, "parent-uuid="), "not nested: no parent-uuid");
	ok(t && !strstr(t, "k8s-") && !strstr(t, "image="),
	   "no Kubernetes metadata: no k8s-* or image= field");
	free(t);

	e->ses_tag = 4294967295u;
	t = start_text(e, EXE);
	expect_field(t, "ses-tag", "4294967295", "ses tag 2^32-1");
	free(t);
	acid_entry_free(e);

	/* a kind missing in the middle */
	e = entry("web", "", 0x3ff & ~(1u << ACID_NS_TIME |
				       1u << ACID_NS_TIME_FOR_CHILDREN));
	t = start_text(e, EXE);
	ok(t && !strstr(t, "time-ns=") && !strstr(t, "time-child-ns=") &&
		   strstr(t, "pid-child-ns=4026531836 user-ns=4026531837"),
	   "no time namespaces: time-ns and time-child-ns left out");
	free(t);
	acid_entry_free(e);

	/* the stop record carries none of them */
	e = entry("web", "/b", 0x3ff);
	e->ses_tag = 3;
	e->has_parent = true;
	acid_id_parse(PARENT, &e->parent);
	t = NULL;
	record_stop_text(e, "exit", EXE, &t);
	ok(t && !strstr(t, "-ns=") && !strstr(t, "bundle=") &&
		   !strstr(t, "ses-tag=") && !strstr(t, "parent-uuid="),
	   "stop record: no ns, bundle, ses-tag or parent fields");
	free(t);
	acid_entry_free(e);
}

/*
 * The kernel keeps AUDIT_MESSAGE_TEXT_MAX (8560) bytes of a user record's
 * text and drops the rest without an error; the registry accepts names
 * of ACID_NAME_MAX and bundles of ACID_BUNDLE_MAX bytes. A registration
 * acid accepts must give a record the kernel keeps whole.
 */
static void test_size(void)
{
	struct acid_entry *e = entry("", "", 0x3ff);
	char *t;

	free(e->name);
	free(e->bundle);
	e->name = malloc(ACID_NAME_MAX + 1);
	e->bundle = malloc(ACID_BUNDLE_MAX + 1);
	if (!e->name || !e->bundle)
		bail("malloc");
	memset(e->name, ' ', ACID_NAME_MAX);
	e->name[ACID_NAME_MAX] = '\0';
	e->bundle[0] = '/';
	memset(e->bundle + 1, ' ', ACID_BUNDLE_MAX - 1);
	e->bundle[ACID_BUNDLE_MAX] = '\0';
	e->ses_tag = 4294967295u;
	e->has_parent = true;
	acid_id_parse(PARENT, &e->parent);
	t = start_text(e, EXE);
	if (t) {
		ok(strlen(t) < AUDIT_MESSAGE_TEXT_MAX,
		   "start record for a %d-byte name and %d-byte bundle (both "
		   "hex-encoded): %zu bytes, the kernel keeps %d",
		   ACID_NAME_MAX, ACID_BUNDLE_MAX, strlen(t),
		   AUDIT_MESSAGE_TEXT_MAX - 1);
		ok(strlen(t) > 8 && !strcmp(t + strlen(t) - 11, "res=success"),
		   "start record for the longest texts ends in res=success");
	}
	free(t);
	acid_entry_free(e);
}


/* ------------------------------------- links and namespace changes */

static char *exec_text(const struct acid_entry *e, const char *reason,
		       pid_t pid, uint32_t ses, const char *trigger)
{
	char *t = NULL;
	int r = record_exec_text(e, reason, pid, ses, trigger, EXE, &t);

	if (r < 0) {
		ok(false, "record_exec_text: %d", r);
		return NULL;
	}
	return t;
}

static char *ns_text(const struct acid_entry *e, const char *reason,
		     pid_t pid, unsigned int kinds,
		     const struct acid_ns_set *now, const char *trigger)
{
	char *t = NULL;
	int r = record_ns_text(e, reason, pid, kinds, now, trigger, EXE, &t);

	if (r < 0) {
		ok(false, "record_ns_text: %d", r);
		return NULL;
	}
	return t;
}

#define NET (1u << ACID_NS_NET)
#define MNT (1u << ACID_NS_MNT)
#define PIDC (1u << ACID_NS_PID_FOR_CHILDREN)

static void test_exec_exact(void)
{
	struct acid_entry *e = entry("web", "/b", 0x3ff);
	char *t;

	/* the entry's ses tag, bundle and parent are not the link's */
	e->ses_tag = 7;
	e->has_parent = true;
	acid_id_parse(PARENT, &e->parent);
	t = exec_text(e, "session", 4321, 88, NULL);
	is_str(t, "virt=oci op=exec reason=session vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 task-pid=4321 ses-tag=88 exe=\"" EXE "\" " TAIL,
	       "link record, acid-exec's session");
	free(t);
	t = exec_text(e, "setns", 4321, 0, "1764511200.123:4567");
	is_str(t, "virt=oci op=exec reason=setns vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 task-pid=4321 trigger=1764511200.123:4567"
		  " exe=\"" EXE "\" " TAIL,
	       "link record, a setns joiner with its trigger");
	free(t);
	t = exec_text(e, "session", ACID_PID_MAX, 4294967294u,
		      "0.000:0");
	is_str(t, "virt=oci op=exec reason=session vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 task-pid=4194304 ses-tag=4294967294"
		  " trigger=0.000:0 exe=\"" EXE "\" " TAIL,
	       "link record, the largest pid and session, both optional "
	       "fields");
	free(t);
	t = exec_text(e, "setns", 1, 0, NULL);
	ok(t && !strstr(t, "ses-tag=") && !strstr(t, "trigger="),
	   "setns link without a trigger: neither ses-tag nor trigger");
	ok(t && !strstr(t, " pid="), "link record: no bare pid= field");
	free(t);
	acid_entry_free(e);
}

static void test_ns_exact(void)
{
	struct acid_entry *e = entry("web", "/b", 0x3ff);
	struct acid_ns_set now;
	char *t;

	memset(&now, 0, sizeof(now));
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		now.ns[k].present = true;
		now.ns[k].dev_minor = 4;
		now.ns[k].ino = 4026532000u + (uint64_t)k;
	}
	t = ns_text(e, "unshare", 4321, NET, &now, "1764511200.123:4567");
	is_str(t, "virt=oci resrc=ns reason=unshare vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 task-pid=4321 trigger=1764511200.123:4567"
		  " old-net-ns=4026531833 new-net-ns=4026532003"
		  " exe=\"" EXE "\" " TAIL,
	       "ns record, unshare -n");
	free(t);
	/* several kinds: in the kind order, whatever the bits' order */
	t = ns_text(e, "clone", 99, PIDC | NET | MNT, &now, NULL);
	is_str(t, "virt=oci resrc=ns reason=clone vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 task-pid=99"
		  " old-mnt-ns=4026531832 new-mnt-ns=4026532002"
		  " old-net-ns=4026531833 new-net-ns=4026532003"
		  " old-pid-child-ns=4026531836 new-pid-child-ns=4026532005"
		  " exe=\"" EXE "\" " TAIL,
	       "ns record, clone with three kinds, in the kind order");
	free(t);
	t = ns_text(e, "setns", 99, 0x3ff, &now, NULL);
	ok(t && strstr(t, " old-cgroup-ns=4026531835 new-cgroup-ns=4026532000 "
			  "old-ipc-ns=") &&
		   strstr(t, " old-time-child-ns=4026531834 "
			     "new-time-child-ns=4026532007 old-user-ns=") &&
		   strstr(t, " old-uts-ns=4026531838 new-uts-ns=4026532009 "
			     "exe="),
	   "ns record, every kind, named as in the start record");
	free(t);

	/* the task gone: what is known, never a guessed inode */
	t = ns_text(e, "unshare", 4321, NET | MNT, NULL, "5.000:6");
	is_str(t, "virt=oci resrc=ns reason=unshare vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 task-pid=4321 trigger=5.000:6"
		  " old-mnt-ns=4026531832 new-mnt-ns=?"
		  " old-net-ns=4026531833 new-net-ns=? task=gone"
		  " exe=\"" EXE "\" " TAIL,
	       "ns record, task gone: new-<kind>-ns=? and task=gone");
	free(t);
	t = ns_text(e, "setns", 4321, 0, NULL, NULL);
	is_str(t, "virt=oci resrc=ns reason=setns vm=\"web\" uuid=" UUID_L
		  " vm-pid=1234 task-pid=4321 task=gone exe=\"" EXE "\" " TAIL,
	       "ns record, task gone, no kind known: no kind field");
	free(t);

	/* a kind a set lacks is '?', on either side */
	now.ns[ACID_NS_TIME].present = false;
	e->ns.ns[ACID_NS_NET].present = false;
	t = ns_text(e, "unshare", 7, NET | (1u << ACID_NS_TIME), &now, NULL);
	ok(t && strstr(t, " old-net-ns=? new-net-ns=4026532003 "
			  "old-time-ns=4026531834 new-time-ns=? exe="),
	   "ns record: a kind a set lacks is '?', on either side");
	ok(t && !strstr(t, "task=gone"), "task read: no task=gone");
	free(t);
	acid_entry_free(e);
}

static void test_link_encoding(void)
{
	struct acid_ns_set now;

	memset(&now, 0, sizeof(now));
	for (size_t i = 0; i < sizeof(enc_rows) / sizeof(enc_rows[0]); i++) {
		const struct enc_row *row = &enc_rows[i];
		struct acid_entry *e = entry(row->value, row->value, 0x3ff);
		char *t, what[128];

		t = exec_text(e, "session", 5, 6, NULL);
		snprintf(what, sizeof(what), "link, %s", row->what);
		expect_field(t, "vm", row->field, what);
		ok(t && strstr(t, " task-pid=5 ses-tag=6 exe="),
		   "%s: the fields after the name stay whole", what);
		free(t);
		t = ns_text(e, "unshare", 5, NET, NULL, NULL);
		snprintf(what, sizeof(what), "ns change, %s", row->what);
		expect_field(t, "vm", row->field, what);
		ok(t && strstr(t, " task-pid=5 old-net-ns=4026531833 "
				  "new-net-ns=? task=gone exe="),
		   "%s: the fields after the name stay whole", what);
		free(t);
		acid_entry_free(e);
	}
	/* the sender's exe too */
	struct acid_entry *e = entry("web", "", 0);
	char *t = NULL;

	record_exec_text(e, "setns", 5, 0, NULL, "/opt/a b", &t);
	expect_field(t, "exe", "2F6F70742F612062", "link, exe with a space");
	free(t);
	t = NULL;
	record_ns_text(e, "setns", 5, 0, NULL, NULL, "x'y", &t);
	expect_field(t, "exe", "782779", "ns change, exe with a quote");
	free(t);
	acid_entry_free(e);
}

static const char *const bad_triggers[] = {
	"", "1", "1.123", "1.123:", ".123:4", "1.12:4", "1.1234:4",
	"1.123:4 ", " 1.123:4", "1.123:4x", "a.123:4", "1,123:4",
	"1.123;4", "1.123:-4", "-1.123:4", "1.123:4 uuid=x",
	"1.123:4\n", "123456789012345678901.123:4", /* 21 digits */
	"1.123:123456789012345678901",
};

static void test_link_args(struct acid_ctx *ctx)
{
	struct acid_entry *e = entry("web", "", 0x3ff);
	struct acid_ns_set now;
	char q[128];

	memset(&now, 0, sizeof(now));
	/* reasons */
	static const char *const bad_exec[] = {
		"", "Session", "exec", "unshare", "session ", "setns\n",
		"reason=session",
	};
	for (size_t i = 0; i < sizeof(bad_exec) / sizeof(bad_exec[0]); i++)
		is_err(acid_log_exec(ctx, e, bad_exec[i], 5, 6, NULL), -EINVAL,
		       "log_exec reason %s",
		       tap_quote(bad_exec[i], q, sizeof(q)));
	is_err(acid_log_exec(ctx, e, NULL, 5, 6, NULL), -EINVAL,
	       "log_exec reason NULL");
	static const char *const bad_ns[] = {
		"", "Unshare", "exec", "session", "clone3", "unshare ",
	};
	for (size_t i = 0; i < sizeof(bad_ns) / sizeof(bad_ns[0]); i++)
		is_err(acid_log_ns_change(ctx, e, bad_ns[i], 5, NET, &now,
					  NULL),
		       -EINVAL, "log_ns_change reason %s",
		       tap_quote(bad_ns[i], q, sizeof(q)));
	is_err(acid_log_ns_change(ctx, e, NULL, 5, NET, &now, NULL), -EINVAL,
	       "log_ns_change reason NULL");

	/* triggers */
	for (size_t i = 0; i < sizeof(bad_triggers) / sizeof(bad_triggers[0]);
	     i++) {
		tap_quote(bad_triggers[i], q, sizeof(q));
		is_err(acid_log_exec(ctx, e, "setns", 5, 0, bad_triggers[i]),
		       -EINVAL, "log_exec trigger %s", q);
		is_err(acid_log_ns_change(ctx, e, "unshare", 5, NET, &now,
					  bad_triggers[i]),
		       -EINVAL, "log_ns_change trigger %s", q);
	}
	ok(record_trigger_valid("1764511200.123:4567") &&
		   record_trigger_valid("0.000:0") &&
		   record_trigger_valid("12345678901234567890.999:"
					"12345678901234567890"),
	   "triggers as ausearch prints event ids are valid");

	/* sessions: what each reason must carry */
	is_err(acid_log_exec(ctx, e, "session", 5, 0, NULL), -EINVAL,
	       "log_exec reason=session without a session");
	is_err(acid_log_exec(ctx, e, "session", 5, 4294967295u, NULL),
	       -EINVAL, "log_exec reason=session with the unset session");
	is_err(acid_log_exec(ctx, e, "setns", 5, 6, NULL), -EINVAL,
	       "log_exec reason=setns naming a session");

	/* pids, kinds, NULLs */
	is_err(acid_log_exec(ctx, e, "setns", 0, 0, NULL), -EINVAL,
	       "log_exec task pid 0");
	is_err(acid_log_exec(ctx, e, "setns", -1, 0, NULL), -EINVAL,
	       "log_exec task pid -1");
	is_err(acid_log_exec(ctx, e, "setns", ACID_PID_MAX + 1, 0, NULL),
	       -EINVAL, "log_exec task pid over ACID_PID_MAX");
	is_err(acid_log_ns_change(ctx, e, "clone", 0, NET, &now, NULL),
	       -EINVAL, "log_ns_change task pid 0");
	is_err(acid_log_ns_change(ctx, e, "clone", 5, 1u << ACID_NS_COUNT,
				  &now, NULL),
	       -EINVAL, "log_ns_change a kind bit beyond ACID_NS_COUNT");
	is_err(acid_log_ns_change(ctx, e, "clone", 5, 0x80000000u, &now,
				  NULL),
	       -EINVAL, "log_ns_change kind bit 31");
	is_err(acid_log_exec(ctx, NULL, "setns", 5, 0, NULL), -EINVAL,
	       "log_exec of a NULL entry");
	is_err(acid_log_exec(NULL, e, "setns", 5, 0, NULL), -EINVAL,
	       "log_exec with a NULL context");
	is_err(acid_log_ns_change(ctx, NULL, "setns", 5, NET, &now, NULL),
	       -EINVAL, "log_ns_change of a NULL entry");
	is_err(acid_log_ns_change(NULL, e, "setns", 5, NET, &now, NULL),
	       -EINVAL, "log_ns_change with a NULL context");
	ok(strlen(acid_ctx_errmsg(ctx)) > 0,
	   "a refused argument is said in the context: \"%s\"",
	   acid_ctx_errmsg(ctx));
	acid_entry_free(e);
}

/* ------------------------------------------------------- reasons */

static const char *const bad_reasons[] = {
	"", "Exit", "EXIT", "a b", "exit!", "exit\n", "ex_it", "exit1",
	"r\xc3\xa9", " exit", "exit ", "reason=exit",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 33: one too many */
};

static const char *const good_reasons[] = {
	"exit", "destroy", "lost", "oom-kill",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 31 */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 32: ACID_REASON_MAX */
};

#define NGOOD (sizeof(good_reasons) / sizeof(good_reasons[0]))

static bool effective_has(int cap)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ull << cap);
}

static void test_reasons(struct acid_ctx *ctx)
{
	struct acid_entry *e = entry("web", "", 0x3ff);
	int res[NGOOD + 5], p[2], st = 0;
	pid_t pid;

	for (size_t i = 0; i < sizeof(bad_reasons) / sizeof(bad_reasons[0]);
	     i++) {
		char q[128];

		is_err(acid_log_stop(ctx, e, bad_reasons[i]), -EINVAL,
		       "log_stop reason %s", tap_quote(bad_reasons[i], q,
						       sizeof(q)));
	}
	is_int(strlen(good_reasons[NGOOD - 1]), ACID_REASON_MAX,
	       "the longest good reason is ACID_REASON_MAX bytes");
	is_int(strlen(bad_reasons[sizeof(bad_reasons) / sizeof(bad_reasons[0]) -
				  1]),
	       ACID_REASON_MAX + 1, "the last bad reason is one byte more");
	is_err(acid_log_stop(ctx, e, NULL), -EINVAL, "log_stop reason NULL");
	is_err(acid_log_stop(ctx, NULL, "exit"), -EINVAL,
	       "log_stop of a NULL entry");
	is_err(acid_log_stop(NULL, e, "exit"), -EINVAL,
	       "log_stop with a NULL context");
	is_err(acid_log_start(ctx, NULL), -EINVAL, "log_start of a NULL entry");

	/* valid reasons get as far as the CAP_AUDIT_WRITE check */
	if (pipe2(p, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		close(p[0]);
		memset(res, 0, sizeof(res));
		res[0] = -1;
		if (capng_get_caps_process() == 0 &&
		    capng_update(CAPNG_DROP, CAPNG_EFFECTIVE,
				 CAP_AUDIT_WRITE) == 0 &&
		    capng_apply(CAPNG_SELECT_CAPS) == 0 &&
		    !effective_has(CAP_AUDIT_WRITE))
			res[0] = 0;
		if (res[0] == 0) {
			res[1] = acid_check_caps(ACID_CAP_WRITE);
			res[2] = acid_log_start(ctx, e);
			for (size_t i = 0; i < NGOOD; i++)
				res[3 + i] = acid_log_stop(ctx, e,
							   good_reasons[i]);
			res[3 + NGOOD] = acid_log_exec(ctx, e, "session", 5, 6,
						       "1.000:2");
			res[4 + NGOOD] = acid_log_ns_change(
				ctx, e, "unshare", 5, 1u << ACID_NS_NET, NULL,
				"1.000:2");
		}
		write_full(p[1], res, sizeof(res));
		_exit(0);
	}
	close(p[1]);
	bool got = read_full(p[0], res, sizeof(res));

	close(p[0]);
	waitpid(pid, &st, 0);
	if (ok(got && res[0] == 0, "setup: a helper without CAP_AUDIT_WRITE "
				   "(reported %d, status %#x)", got, st)) {
		is_err(res[1], -EPERM, "no CAP_AUDIT_WRITE: acid_check_caps");
		is_err(res[2], -EPERM, "no CAP_AUDIT_WRITE: log_start");
		for (size_t i = 0; i < NGOOD; i++)
			is_err(res[3 + i], -EPERM,
			       "no CAP_AUDIT_WRITE: log_stop reason \"%s\" "
			       "accepted, then refused for the capability",
			       good_reasons[i]);
		is_err(res[3 + NGOOD], -EPERM, "no CAP_AUDIT_WRITE: log_exec "
		       "with valid arguments gets to the capability check");
		is_err(res[4 + NGOOD], -EPERM, "no CAP_AUDIT_WRITE: "
		       "log_ns_change with valid arguments gets to the "
		       "capability check");
	}
	acid_entry_free(e);
}

/*
 * From a non-initial user namespace the kernel refuses audit messages
 * (ECONNREFUSED); libaudit's senders would call that success. The helper
 * has every capability inside its new namespace, so it gets past the
 * capability check to the kernel's answer - and nothing is logged.
 */
static void test_userns(struct acid_ctx *ctx)
{
	struct acid_entry *e = entry("web", "", 0x3ff);
	int res[5] = { -1, 0, 0, 0, 0 }, p[2], st = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		bail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		close(p[0]);
		res[0] = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
		if (res[0] == 0) {
			res[1] = acid_log_start(ctx, e);
			res[2] = acid_log_stop(ctx, e, "exit");
			res[3] = acid_log_exec(ctx, e, "setns", 5, 0, NULL);
			res[4] = acid_log_ns_change(ctx, e, "setns", 5, 0, NULL,
						    NULL);
		}
		write_full(p[1], res, sizeof(res));
		_exit(0);
	}
	close(p[1]);
	bool got = read_full(p[0], res, sizeof(res));

	close(p[0]);
	waitpid(pid, &st, 0);
	if (!got || res[0] != 0) {
		skip("no user namespace for the helper (unshare: %s)",
		     got ? strerror(res[0]) : "no report");
	} else {
		is_err(res[1], -ECONNREFUSED,
		       "log_start from a non-initial user namespace");
		is_err(res[2], -ECONNREFUSED,
		       "log_stop from a non-initial user namespace");
		is_err(res[3], -ECONNREFUSED,
		       "log_exec from a non-initial user namespace");
		is_err(res[4], -ECONNREFUSED,
		       "log_ns_change from a non-initial user namespace");
	}
	acid_entry_free(e);
}

int main(void)
{
	struct acid_opts o = { .size = sizeof(o) };
	struct acid_ctx *ctx;
	char *dir;
	int r;

	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	dir = temp_dir("record");
	o.state_dir = dir;
	r = acid_ctx_new(&o, &ctx);
	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new");
	}

	test_exact();
	test_encoding();
	test_optional();
	test_k8s();
	test_size();
	test_exec_exact();
	test_ns_exact();
	test_link_encoding();
	test_link_args(ctx);
	test_reasons(ctx);
	test_userns(ctx);

	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
	return tap_done();
}
