// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-attr-json - ACID_ATTR_JSON, the one JSON writer of audisp-acid,
 * acid events --json and acid report --json, and ACID_ATTR_ALL (every
 * event given, not only a container's): each line is one JSON object with
 * SPEC's names, the subject from the kernel's part of the record only
 * (never from a user record's msg='...'), encoded values decoded, unset
 * values left out, bytes that are not UTF-8 made valid.
 *
 * usage: test-attr-json DATADIR
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include <acid/attribution.h>

#include "tap.h"

#define WEB1 "11111111-2222-4333-8444-555555555555"

struct out {
	FILE *f;
	char *buf;
	size_t len;
	unsigned int events;
};

static bool select_all(const struct acid_attr_container *c, void *arg)
{
	return true;
}

static int to_json(const struct acid_attr_event *ev, void *arg)
{
	struct out *o = arg;

	o->events++;
	return acid_attr_event_write(ev, ACID_ATTR_JSON, o->f);
}

/* The JSON of @log (a file, or lines when @text) read with @flags. */
static void run(const char *log, bool text, unsigned int flags,
		struct out *o)
{
	struct acid_attr *a;

	memset(o, 0, sizeof(*o));
	o->f = open_memstream(&o->buf, &o->len);
	if (!o->f || acid_attr_new(flags, &a) < 0)
		bail("setup");
	acid_attr_set_select(a, select_all, NULL);
	acid_attr_set_event(a, to_json, o);
	if (text)
		ok(acid_attr_feed_bytes(a, log, strlen(log)) == 0 &&
		   acid_attr_finish(a) == 0, "fed");
	else
		ok(acid_attr_feed_file(a, log) == 0 && acid_attr_finish(a) == 0,
		   "%s read", log);
	acid_attr_free(a);
	fclose(o->f);
}

/* The object of the line whose audit.serial is @serial (free it). */
static yajl_val find(const char *buf, uint64_t serial)
{
	const char *serial_path[] = { "audit", "serial", NULL };
	char *copy = strdup(buf), *save = NULL;
	yajl_val found = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l && !found;
	     l = strtok_r(NULL, "\n", &save)) {
		yajl_val v = yajl_tree_parse(l, NULL, 0);
		yajl_val s = v ? yajl_tree_get(v, serial_path, yajl_t_number)
			       : NULL;

		if (s && YAJL_IS_INTEGER(s) &&
		    (uint64_t)YAJL_GET_INTEGER(s) == serial)
			found = v;
		else
			yajl_tree_free(v);
	}
	free(copy);
	return found;
}

static const char *str(yajl_val v, const char *a, const char *b,
		       const char *c)
{
	const char *path[] = { a, b, c, NULL };
	yajl_val s = yajl_tree_get(v, path, yajl_t_string);

	return s ? YAJL_GET_STRING(s) : NULL;
}

static long long num(yajl_val v, const char *a, const char *b, const char *c)
{
	const char *path[] = { a, b, c, NULL };
	yajl_val s = yajl_tree_get(v, path, yajl_t_number);

	return s && YAJL_IS_INTEGER(s) ? YAJL_GET_INTEGER(s) : -1;
}

static bool has(yajl_val v, const char *a, const char *b)
{
	const char *path[] = { a, b, NULL };

	return yajl_tree_get(v, path, yajl_t_any) != NULL;
}

static bool eq(const char *got, const char *want)
{
	return got && strcmp(got, want) == 0;
}

/*
 * Kubernetes metadata of a start record: k8s.pod.name, k8s.pod.uid,
 * k8s.namespace.name, k8s.container.name, container.image.name on the
 * container's events; a pod name that holds "k8s-namespace=" and
 * "uuid=" (hex-encoded, as acid writes it) is the pod's name and
 * nothing else; a container without them has no k8s object.
 */
#define POD1 "aaaaaaaa-2222-4333-8444-555555555555"
#define POD2 "bbbbbbbb-2222-4333-8444-555555555555"
#define SC(serial, pid, ppid)                                              \
	"type=SYSCALL msg=audit(2000.000:" #serial "): arch=c000003e "     \
	"syscall=59 success=yes exit=0 ppid=" #ppid " pid=" #pid           \
	" auid=4294967295 uid=0 ses=4294967295 comm=\"sh\" "               \
	"exe=\"/bin/busybox\" key=(null)\n"
#define NS " ns-dev=0:4 pid-ns=4026532180 mnt-ns=4026532177"

static void test_k8s(void)
{
	struct out o;
	yajl_val v;

	run("type=VIRT_CONTROL msg=audit(2000.000:1): pid=4995 uid=0 "
	    "auid=4294967295 ses=4294967295 msg='virt=oci op=start "
	    "reason=register vm=\"web\" uuid=" POD1 " vm-pid=5000" NS
	    " k8s-pod=78206B38732D6E616D6573706163653D6576696C20757569643D3939"
	    "3939393939392D323232322D343333332D383434342D35353535353535353535"
	    "3535 k8s-namespace=\"shop\" "
	    "k8s-pod-uid=\"0c6a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\" "
	    "k8s-container=\"nginx\" image=\"docker.io/library/nginx:1.25\" "
	    "exe=\"/usr/libexec/oci/hooks.d/acid-prestart\" hostname=? addr=? "
	    "terminal=? res=success'\n"
	    SC(2, 5000, 4990)
	    "type=VIRT_CONTROL msg=audit(2000.000:3): pid=4996 uid=0 "
	    "auid=4294967295 ses=4294967295 msg='virt=oci op=start "
	    "reason=register vm=\"plain\" uuid=" POD2 " vm-pid=6000 "
	    "k8s-namespace=? exe=\"/x\" hostname=? addr=? terminal=? "
	    "res=success'\n"
	    SC(4, 6000, 5990) SC(5, 5001, 5000),
	    true, 0, &o);
	v = find(o.buf, 2);
	ok(v && eq(str(v, "container", "id", NULL), POD1) &&
		   eq(str(v, "k8s", "pod", "name"),
		      "x k8s-namespace=evil uuid=99999999-2222-4333-8444-"
		      "555555555555") &&
		   eq(str(v, "k8s", "pod", "uid"),
		      "0c6a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b") &&
		   eq(str(v, "k8s", "namespace", "name"), "shop") &&
		   eq(str(v, "k8s", "container", "name"), "nginx") &&
		   eq(str(v, "container", "image", "name"),
		      "docker.io/library/nginx:1.25"),
	   "k8s.pod.name (hex, a forged field inside: %s), k8s.pod.uid, "
	   "k8s.namespace.name %s, k8s.container.name, container.image.name",
	   v ? str(v, "k8s", "pod", "name") : NULL,
	   v ? str(v, "k8s", "namespace", "name") : NULL);
	yajl_tree_free(v);
	v = find(o.buf, 5);
	ok(v && eq(str(v, "container", "id", NULL), POD1) &&
		   eq(str(v, "k8s", "container", "name"), "nginx"),
	   "a child of the pod's container: the same k8s fields");
	yajl_tree_free(v);
	v = find(o.buf, 4);
	ok(v && eq(str(v, "container", "id", NULL), POD2) &&
		   !has(v, "k8s", NULL) && !has(v, "container", "image"),
	   "a container without Kubernetes metadata (k8s-namespace=?): no "
	   "k8s object, no container.image");
	yajl_tree_free(v);
	free(o.buf);
}

/*
 * A container seeded from the registry (audisp-acid for what ran before
 * it) carries its Kubernetes metadata the same way; a seed of the size
 * before them registers without.
 */
static void test_k8s_seed(void)
{
	struct acid_attr_seed s = {
		.size = sizeof(s), .uuid = POD1, .name = "web", .vm_pid = 7000,
		.k8s_pod = "p1", .k8s_namespace = "shop", .k8s_pod_uid = "",
		.image = "img:1",
	};
	struct acid_attr_seed old = {
		.size = offsetof(struct acid_attr_seed, k8s_pod), .uuid = POD2,
		.name = "old", .vm_pid = 8000,
	};
	const char *log = SC(1, 7000, 1) SC(2, 8000, 1);
	struct acid_attr *a;
	struct out o = { 0 };
	yajl_val v;

	o.f = open_memstream(&o.buf, &o.len);
	if (!o.f || acid_attr_new(ACID_ATTR_LIVE, &a) < 0)
		bail("setup");
	acid_attr_set_select(a, select_all, NULL);
	acid_attr_set_event(a, to_json, &o);
	/* what lies past the old struct's end is not read */
	memset((char *)&old + old.size, 0x5a, sizeof(old) - old.size);
	ok(acid_attr_seed(a, &s) == 0 && acid_attr_seed(a, &old) == 0,
	   "seeded, one with a seed of the size before the k8s fields");
	ok(acid_attr_feed_bytes(a, log, strlen(log)) == 0 &&
	   acid_attr_finish(a) == 0, "fed");
	acid_attr_free(a);
	fclose(o.f);
	v = find(o.buf, 1);
	ok(v && eq(str(v, "container", "id", NULL), POD1) &&
		   eq(str(v, "k8s", "pod", "name"), "p1") &&
		   !has(v, "k8s", "container") &&
		   eq(str(v, "k8s", "namespace", "name"), "shop") &&
		   !str(v, "k8s", "pod", "uid") &&
		   eq(str(v, "container", "image", "name"), "img:1"),
	   "a seeded container's event: k8s.pod.name, namespace, image; no "
	   "uid (\"\"), no container name");
	yajl_tree_free(v);
	v = find(o.buf, 2);
	ok(v && eq(str(v, "container", "id", NULL), POD2) &&
		   !has(v, "k8s", NULL) && !has(v, "container", "image"),
	   "an old-size seed: its container, no k8s");
	yajl_tree_free(v);
	free(o.buf);
}

int main(int argc, char **argv)
{
	char *log;
	struct out o;
	yajl_val v;
	unsigned int lines = 0, valid = 0;

	if (argc != 2)
		bail("usage: test-attr-json DATADIR");
	if (asprintf(&log, "%s/ancestry.log", argv[1]) < 0)
		bail("asprintf");

	/* every event, each line an object */
	run(log, false, ACID_ATTR_ALL, &o);
	for (char *l = o.buf, *nl; l && *l; l = nl + 1) {
		nl = strchr(l, '\n');
		if (!nl)
			break;
		*nl = 0;
		lines++;
		v = yajl_tree_parse(l, NULL, 0);
		valid += v && YAJL_IS_OBJECT(v);
		yajl_tree_free(v);
		*nl = '\n';
	}
	ok(lines == o.events && valid == lines && lines > 10,
	   "ACID_ATTR_ALL: %u events, %u lines, %u objects", o.events, lines,
	   valid);

	/* the container's exec: sh in web-1 */
	v = find(o.buf, 13);
	ok(v != NULL, "event 13 is there");
	ok(eq(str(v, "container", "id", NULL), WEB1) &&
	   eq(str(v, "container", "name", NULL), "web-1") &&
	   eq(str(v, "container", "runtime", NULL), "oci"),
	   "event 13: container.id, name, runtime: %s %s %s",
	   str(v, "container", "id", NULL), str(v, "container", "name", NULL),
	   str(v, "container", "runtime", NULL));
	ok(num(v, "process", "pid", NULL) == 5000 &&
	   num(v, "process", "parent", "pid") == 4990 &&
	   eq(str(v, "process", "name", NULL), "sh") &&
	   eq(str(v, "process", "executable", NULL), "/bin/busybox"),
	   "event 13: process.pid %lld, parent.pid %lld, name %s, "
	   "executable %s", num(v, "process", "pid", NULL),
	   num(v, "process", "parent", "pid"),
	   str(v, "process", "name", NULL),
	   str(v, "process", "executable", NULL));
	ok(eq(str(v, "audit", "type", NULL), "SYSCALL") &&
	   eq(str(v, "@timestamp", NULL, NULL), "2026-11-28T10:23:36.052Z"),
	   "event 13: audit.type %s, @timestamp %s",
	   str(v, "audit", "type", NULL), str(v, "@timestamp", NULL, NULL));
	ok(!has(v, "user", NULL) && !has(v, "audit", "session"),
	   "event 13: auid and ses unset: no user.audit.id, no audit.session");
	yajl_tree_free(v);

	/* runc before the start record: no container */
	v = find(o.buf, 10);
	ok(v && !has(v, "container", NULL) &&
	   num(v, "process", "pid", NULL) == 4990,
	   "event 10 (the host's runc): no container, process.pid %lld",
	   v ? num(v, "process", "pid", NULL) : -1);
	yajl_tree_free(v);
	free(o.buf);

	/* without ACID_ATTR_ALL: only the containers' events */
	run(log, false, 0, &o);
	v = find(o.buf, 10);
	ok(v == NULL && (v = find(o.buf, 13)) != NULL,
	   "without ACID_ATTR_ALL: event 13, not 10");
	yajl_tree_free(v);
	free(o.buf);
	free(log);

	/*
	 * Encoded values decoded; the kernel's fields, not a user record's
	 * msg='...'; bytes that are not UTF-8 made valid.
	 */
	run("type=SYSCALL msg=audit(1000.001:1): arch=c000003e syscall=59 "
	    "success=yes exit=0 ppid=1 pid=77 auid=1000 uid=0 ses=3 "
	    "comm=6D7920636F6D6D exe=\"/x\" key=(null)\n"
	    "type=USER_CMD msg=audit(1000.002:2): pid=88 uid=0 auid=1001 "
	    "ses=4 msg='cwd=\"/\" pid=1 exe=\"/evil\" comm=\"evil\" auid=0 "
	    "res=success'\n"
	    "type=USER_CMD msg=audit(1000.003:3): pid=89 uid=0 auid=0 "
	    "msg='x=\xff\xfe\xc3' \n", true, ACID_ATTR_ALL, &o);
	v = find(o.buf, 1);
	ok(v && eq(str(v, "process", "name", NULL), "my comm") &&
	   eq(str(v, "process", "executable", NULL), "/x") &&
	   eq(str(v, "user", "audit", "id"), "1000") &&
	   num(v, "audit", "session", NULL) == 3,
	   "hex comm decoded (%s), user.audit.id %s, audit.session %lld",
	   v ? str(v, "process", "name", NULL) : NULL,
	   v ? str(v, "user", "audit", "id") : NULL,
	   v ? num(v, "audit", "session", NULL) : -1);
	yajl_tree_free(v);
	v = find(o.buf, 2);
	ok(v && num(v, "process", "pid", NULL) == 88 &&
	   !has(v, "process", "executable") && !has(v, "process", "name") &&
	   eq(str(v, "user", "audit", "id"), "1001"),
	   "a user record: pid %lld and auid from the kernel's part, no "
	   "exe or comm from its msg='...'",
	   v ? num(v, "process", "pid", NULL) : -1);
	yajl_tree_free(v);
	v = find(o.buf, 3);
	ok(v != NULL, "a record with bytes that are not UTF-8: valid JSON");
	yajl_tree_free(v);
	free(o.buf);

	test_k8s();
	test_k8s_seed();
	return tap_done();
}
