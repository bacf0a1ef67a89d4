// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-record-send - the link (VIRT_CONTROL op=exec) and namespace-change
 * (VIRT_RESOURCE resrc=ns) records sent for real: acid_log_exec() and
 * acid_log_ns_change() for a crafted entry under a fresh ID and a
 * hostile name, then stock ausearch must find each, by type and --uuid,
 * with the very text the library built. Then rules of the kernel's
 * exclude list that drop one type for this process (narrow: -F
 * pid=<this test>), loaded with auditctl and removed again: the function
 * of that type refuses (-ENOMSG) and nothing reaches the log, the other
 * type still goes.
 *
 * Needs root and a running auditd, as acid does: without them it fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#include "tap.h"

/* a name with a space, an '=' and a quote: hex-encoded in the record */
#define NAME_FMT "acid unit=send'%d-%ld"

static struct acid_entry *entry(const struct acid_ctx *ctx)
{
	struct acid_entry *e = entry_new();
	char name[128];

	if (!e || acid_id_generate(ACID_ID_UUID, &e->id) < 0)
		bail("entry");
	snprintf(name, sizeof(name), NAME_FMT, (int)getpid(),
		 (long)time(NULL));
	free(e->name);
	e->name = strdup(name);
	if (!e->name)
		bail("strdup");
	e->pid = getpid();
	if (acid_ns_collect(ctx, getpid(), &e->ns) < 0)
		bail("acid_ns_collect");
	return e;
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return st == -1 ? -1 : WEXITSTATUS(st);
}

/*
 * The lines ausearch gives for @type and @uuid (raw), NULL for none.
 * auditd writes behind the kernel: asked again for up to 5 s while
 * @want is not in them (@want NULL: asked once, after 1 s).
 */
static char *search(const char *type, const char *uuid, const char *want)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "ausearch --input-logs -m %s --uuid %s --raw 2>/dev/null",
		 type, uuid);
	for (int i = 0; i < 50; i++) {
		struct strbuf b = { 0 };
		char line[16384], *out = NULL;
		FILE *f;

		if (!want && i < 10) {
			usleep(100000);
			continue;
		}
		f = popen(cmd, "r");
		if (!f)
			bail("popen");
		while (fgets(line, sizeof(line), f))
			strbuf_addf(&b, "%s", line);
		pclose(f);
		if (strbuf_finish(&b, &out, NULL) < 0)
			bail("strbuf");
		if (!want || (out && strstr(out, want)))
			return out;
		free(out);
		usleep(100000);
	}
	return NULL;
}

static char exe[4096];

static void test_sent(struct acid_ctx *ctx)
{
	struct acid_entry *e = entry(ctx);
	struct acid_ns_set now = e->ns;
	char id[ACID_ID_STRLEN], want[9000], *t = NULL, *log;
	const char *trig = "1764511200.123:4567";

	acid_id_format(&e->id, id, sizeof(id));
	/* a link as acid-exec sends it */
	if (record_exec_text(e, "session", getpid(), 77, NULL, exe, &t) < 0)
		bail("record_exec_text");
	snprintf(want, sizeof(want), "msg='%s'", t);
	free(t);
	is_err(acid_log_exec(ctx, e, "session", getpid(), 77, NULL), 0,
	       "acid_log_exec sent the link");
	log = search("VIRT_CONTROL", id, want);
	ok(log != NULL, "ausearch -m VIRT_CONTROL --uuid %s: the link, "
			"text whole", id);
	ok(log && strstr(log, "vm=61636964"),
	   "the hostile name is hex in the log");
	free(log);

	/* a namespace change, new inodes read, net changed */
	now.ns[ACID_NS_NET].ino += 1000;
	if (record_ns_text(e, "unshare", getpid(), 1u << ACID_NS_NET, &now,
			   trig, exe, &t) < 0)
		bail("record_ns_text");
	snprintf(want, sizeof(want), "msg='%s'", t);
	free(t);
	is_err(acid_log_ns_change(ctx, e, "unshare", getpid(),
				  1u << ACID_NS_NET, &now, trig),
	       0, "acid_log_ns_change sent the record");
	log = search("VIRT_RESOURCE", id, want);
	ok(log != NULL, "ausearch -m VIRT_RESOURCE --uuid %s: the namespace "
			"change, text whole", id);
	free(log);

	/* the task gone */
	if (record_ns_text(e, "clone", getpid(), 1u << ACID_NS_MNT, NULL,
			   NULL, exe, &t) < 0)
		bail("record_ns_text");
	snprintf(want, sizeof(want), "msg='%s'", t);
	free(t);
	is_err(acid_log_ns_change(ctx, e, "clone", getpid(), 1u << ACID_NS_MNT,
				  NULL, NULL),
	       0, "acid_log_ns_change sent a task=gone record");
	log = search("VIRT_RESOURCE", id, want);
	ok(log && strstr(log, "new-mnt-ns=? task=gone"),
	   "ausearch finds the task=gone record, new inode '?'");
	free(log);
	acid_entry_free(e);
}

/* a rule dropping @type for this process; 0 or auditctl's status */
static int rule(const char *op, const char *type)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "auditctl %s never,exclude -F msgtype=%s -F pid=%d "
		 ">/dev/null 2>&1", op, type, (int)getpid());
	return run(cmd);
}

static void test_dropped(struct acid_ctx *ctx)
{
	struct acid_entry *e = entry(ctx);
	char id[ACID_ID_STRLEN], *log;
	int r;

	acid_id_format(&e->id, id, sizeof(id));
	if (!ok(rule("-a", "VIRT_RESOURCE") == 0,
		"auditctl: exclude VIRT_RESOURCE from pid %d", (int)getpid()))
		goto out;
	r = acid_log_ns_change(ctx, e, "setns", getpid(), 1u << ACID_NS_NET,
			       &e->ns, NULL);
	is_err(r, -ENOMSG, "a rule dropping VIRT_RESOURCE: "
			   "acid_log_ns_change refuses");
	ok(strstr(acid_ctx_errmsg(ctx), "namespace change") &&
		   strstr(acid_ctx_errmsg(ctx), "drops VIRT_RESOURCE"),
	   "the context says which record: \"%s\"", acid_ctx_errmsg(ctx));
	is_err(acid_log_exec(ctx, e, "setns", getpid(), 0, NULL), 0,
	       "the same rule leaves VIRT_CONTROL: acid_log_exec sends");
	ok(rule("-d", "VIRT_RESOURCE") == 0, "the rule removed");

	if (!ok(rule("-a", "VIRT_CONTROL") == 0,
		"auditctl: exclude VIRT_CONTROL from pid %d", (int)getpid()))
		goto out;
	is_err(acid_log_exec(ctx, e, "session", getpid(), 9, NULL), -ENOMSG,
	       "a rule dropping VIRT_CONTROL: acid_log_exec refuses");
	ok(rule("-d", "VIRT_CONTROL") == 0, "the rule removed");

	/* the link sent between the rules is there; the refused ones not */
	log = search("VIRT_CONTROL", id, "reason=setns");
	ok(log && !strstr(log, "reason=session"),
	   "the log holds the link sent, not the one refused");
	free(log);
	log = search("VIRT_RESOURCE", id, NULL);
	ok(!log || !*log, "no namespace-change record of %s in the log", id);
	free(log);
out:
	/* whatever failed above, no rule of ours stays */
	rule("-d", "VIRT_RESOURCE");
	rule("-d", "VIRT_CONTROL");
	acid_entry_free(e);
}

int main(void)
{
	struct acid_ctx *ctx;
	int r;

	if (run("command -v ausearch >/dev/null && command -v auditctl "
		">/dev/null") != 0) {
		ok(false, "ausearch and auditctl are needed (package auditd)");
		return tap_done();
	}
	if (run("auditctl -s | grep -q '^pid [1-9]'") != 0) {
		ok(false, "auditd is NOT running (auditctl -s)");
		return tap_done();
	}
	r = acid_ctx_new(NULL, &ctx);
	if (r < 0) {
		errno = -r;
		bail("acid_ctx_new");
	}
	record_self_exe(exe, sizeof(exe));

	test_sent(ctx);
	test_dropped(ctx);

	acid_ctx_free(ctx);
	return tap_done();
}
