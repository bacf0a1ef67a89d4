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
	int res[NGOOD + 3], p[2], st = 0;
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
	int res[3] = { -1, 0, 0 }, p[2], st = 0;
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
	test_reasons(ctx);
	test_userns(ctx);

	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
	return tap_done();
}
