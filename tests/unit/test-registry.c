// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-registry - the registry's entries: their text form and the files
 * they are kept in.
 *
 *  - entry_to_text -> entry_from_text round trip over hostile names, and
 *    a table of damaged texts entry_from_text must refuse.
 *  - damaged entry files skipped or refused; what interrupted writers
 *    leave, cleaned.
 *
 * The name index: test-registry-index.c; concurrency:
 * test-registry-concurrent.c; shared helpers: registry-test.h.
 */
#include "registry-test.h"

/* ------------------------------------------------ text round trip */

static const struct rt_row {
	const char *what;
	const char *name;
	const char *bundle;
	bool parent;
	uint32_t ses;
	unsigned int ns;	/* bit mask of present kinds */
	pid_t pid;
	uint64_t starttime;
	int64_t time;
	enum acid_mode mode;
} rt_rows[] = {
	{ "plain", "web", "/b", false, 0, 0x3ff, 1, 1, 0, ACID_MODE_USER },
	{ "empty texts", "", "", false, 0, 0, 2, 0, 0, ACID_MODE_USER },
	{ "space", "my container", "/var/lib/my bundle", false, 1, 0x1, 3,
	  42, 1, ACID_MODE_USER },
	{ "quotes", "say \"hi\" 'there'", "/q\"", false, 0, 0x8, 4, 5, 6,
	  ACID_MODE_KERNEL_U64 },
	{ "newlines", "a\nb\n", "\nend\n", false, 0, 0x10, 5, 7, 8,
	  ACID_MODE_KERNEL_UUID },
	{ "a forged end line", "x\nend\nid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
	  "", false, 0, 0, 6, 9, 10, ACID_MODE_USER },
	{ "UTF-8", "caf\xc3\xa9 \xe2\x98\x83", "/\xc3\xa9t\xc3\xa9", true, 7,
	  0x200, 7, 11, 12, ACID_MODE_USER },
	{ "control bytes", "\x01\x1f\x7f\xff", "\t\r", false, 0, 0x2, 8, 13,
	  14, ACID_MODE_USER },
	{ "equals and hash", "k=v # not a comment", "=", true, 0, 0x3ff, 9,
	  15, 16, ACID_MODE_USER },
	{ "extremes", "x", "y", true, UINT32_MAX, 0x3ff, INT32_MAX,
	  UINT64_MAX, INT64_MAX, ACID_MODE_USER },
};

static struct acid_entry *rt_entry(const struct rt_row *row)
{
	struct acid_entry *e = entry_new();

	if (!e)
		bail("entry_new");
	if (acid_id_generate(ACID_ID_UUID, &e->id) < 0)
		bail("generate");
	free(e->name);
	free(e->bundle);
	e->name = strdup(row->name);
	e->bundle = strdup(row->bundle);
	if (!e->name || !e->bundle)
		bail("strdup");
	e->pid = row->pid;
	e->starttime = row->starttime;
	e->time = row->time;
	e->ses_tag = row->ses;
	e->mode = row->mode;
	e->has_parent = row->parent;
	if (row->parent && acid_id_generate(ACID_ID_U64, &e->parent) < 0)
		bail("generate");
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (!(row->ns & (1u << k)))
			continue;
		e->ns.ns[k].present = true;
		e->ns.ns[k].dev_major = (uint32_t)k * 1000;
		e->ns.ns[k].dev_minor = k == 9 ? UINT32_MAX : 4;
		e->ns.ns[k].ino = k == 0 ? UINT64_MAX : 4026531830u + (unsigned)k;
	}
	return e;
}

static void round_trip(const char *what, const struct acid_entry *e)
{
	struct acid_entry *back = NULL;
	char *text = NULL;
	size_t len = 0, unsafe = 0;
	int r;

	r = entry_to_text(e, &text, &len);
	if (!is_err(r, 0, "round trip %s: entry_to_text", what))
		return;
	/* free text is hex: the file is printable lines whatever the name */
	for (size_t i = 0; i < len; i++)
		unsafe += text[i] != '\n' && (text[i] < 0x20 || text[i] > 0x7e);
	is_int(unsafe, 0, "round trip %s: unprintable bytes in the text", what);
	is_int(len, strlen(text), "round trip %s: length", what);
	r = entry_from_text(text, len, &back);
	if (is_err(r, 0, "round trip %s: entry_from_text", what)) {
		ok(acid_id_equal(&back->id, &e->id), "round trip %s: id", what);
		is_str(back->name, e->name, "round trip %s: name", what);
		is_str(back->bundle, e->bundle, "round trip %s: bundle", what);
		is_int(back->pid, e->pid, "round trip %s: pid", what);
		is_u64(back->starttime, e->starttime,
		       "round trip %s: starttime", what);
		is_int(back->time, e->time, "round trip %s: time", what);
		is_u64(back->ses_tag, e->ses_tag, "round trip %s: ses", what);
		is_int(back->mode, e->mode, "round trip %s: mode", what);
		ok(back->has_parent == e->has_parent &&
			   (!e->has_parent ||
			    acid_id_equal(&back->parent, &e->parent)),
		   "round trip %s: parent (%d, want %d)", what,
		   back->has_parent, e->has_parent);
		ok(!memcmp(&back->ns, &e->ns, sizeof(e->ns)),
		   "round trip %s: namespaces", what);
		for (int k = 0; k < K8S_COUNT; k++) {
			if (!e->k8s[k])
				ok(!back->k8s[k], "round trip %s: no %s", what,
				   k8s_fields[k].entry);
			else
				is_str(back->k8s[k], e->k8s[k],
				       "round trip %s: %s", what,
				       k8s_fields[k].entry);
		}
		acid_entry_free(back);
	}
	free(text);
}

static void test_round_trip(void)
{
	for (size_t i = 0; i < sizeof(rt_rows) / sizeof(rt_rows[0]); i++) {
		struct acid_entry *e = rt_entry(&rt_rows[i]);

		round_trip(rt_rows[i].what, e);
		acid_entry_free(e);
	}

	/* Kubernetes metadata: real values, hostile ones, some absent */
	static const char *const k8s_real[K8S_COUNT] = {
		"coredns-6d4b75cb6d-4mtdm", "kube-system",
		"5b5e07db-f1b9-4530-81ef-b7d04d66b83e", "coredns",
		"registry.k8s.io/coredns/coredns:v1.10.1",
	};
	static const char *const k8s_hostile[K8S_COUNT] = {
		"x uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "\nend\nid=1",
		NULL, "say \"hi\"", "\x01\x7f\xff",
	};
	const char *const *k8s_rows[] = { k8s_real, k8s_hostile };
	char *text;
	size_t len;

	for (size_t i = 0; i < 2; i++) {
		struct acid_entry *k = rt_entry(&rt_rows[i]);

		if (entry_set_k8s(k, k8s_rows[i]) < 0)
			bail("entry_set_k8s");
		round_trip(i ? "hostile k8s values" : "k8s values", k);
		acid_entry_free(k);
	}
	/* without them, the text an older acid writes and reads */
	{
		struct acid_entry *k = rt_entry(&rt_rows[0]);

		if (entry_to_text(k, &text, &len) < 0)
			bail("entry_to_text");
		ok(!strstr(text, "k8s-") && !strstr(text, "image="),
		   "an entry without Kubernetes metadata has no k8s lines");
		free(text);
		acid_entry_free(k);
	}

	/* the longest texts an entry may hold, every byte value in them */
	struct rt_row big = rt_rows[0];
	struct acid_entry *e = rt_entry(&big);

	free(e->name);
	free(e->bundle);
	e->name = malloc(ACID_NAME_MAX + 1);
	e->bundle = malloc(ACID_BUNDLE_MAX + 1);
	if (!e->name || !e->bundle)
		bail("malloc");
	for (int i = 0; i < ACID_NAME_MAX; i++)
		e->name[i] = (char)(1 + i % 255);
	e->name[ACID_NAME_MAX] = '\0';
	for (int i = 0; i < ACID_BUNDLE_MAX; i++)
		e->bundle[i] = (char)(1 + (i * 7) % 255);
	e->bundle[ACID_BUNDLE_MAX] = '\0';
	round_trip("1024-byte name, 4096-byte bundle", e);

	/* one byte more is refused on reading */
	struct acid_entry *back;

	free(e->name);
	e->name = malloc(ACID_NAME_MAX + 2);
	if (!e->name)
		bail("malloc");
	memset(e->name, 'n', ACID_NAME_MAX + 1);
	e->name[ACID_NAME_MAX + 1] = '\0';
	if (entry_to_text(e, &text, &len) == 0) {
		is_err(entry_from_text(text, len, &back), -EBADMSG,
		       "entry_from_text of a %d-byte name", ACID_NAME_MAX + 1);
		free(text);
	}
	acid_entry_free(e);
}

/* ------------------------------------------------ refused texts */

#define MAGIC "acid-entry 1\n"
#define ID "id=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\n"
#define MODE "mode=user\n"
#define PID "pid=1234\n"
#define ST "starttime=5678\n"
#define TIME "time=1700000000\n"
#define SES "ses=0\n"
#define NAME "name=776562\n"
#define BUNDLE "bundle=\n"
#define NS "ns.net=0:4:4026531833\n"
#define END "end\n"
#define BODY ID MODE PID ST TIME SES NAME BUNDLE NS

#define TXT(s) .text = (s), .len = sizeof(s) - 1

static const struct text_row {
	const char *what;
	const char *text;
	size_t len;
	int rc;
} text_rows[] = {
	{ "the base text", TXT(MAGIC BODY END), 0 },
	{ "with a parent",
	  TXT(MAGIC BODY "parent=00000000-0000-0000-0000-00000000002a\n" END),
	  0 },
	{ "without ns lines", TXT(MAGIC ID MODE PID ST TIME SES NAME BUNDLE END),
	  0 },
	{ "Kubernetes lines",
	  TXT(MAGIC BODY "k8s-pod=706f64\nk8s-namespace=6e73\n"
		    "k8s-pod-uid=75\nk8s-container=63\nimage=696d67\n" END),
	  0 },
	{ "one Kubernetes line", TXT(MAGIC BODY "image=696d67\n" END), 0 },
	{ "duplicate k8s-pod",
	  TXT(MAGIC BODY "k8s-pod=706f64\nk8s-pod=706f64\n" END), -EBADMSG },
	{ "empty k8s-pod (never written)", TXT(MAGIC BODY "k8s-pod=\n" END),
	  -EBADMSG },
	{ "unknown k8s- key", TXT(MAGIC BODY "k8s-node=6e\n" END), -EBADMSG },
	{ "k8s-namespace of 64 bytes",
	  TXT(MAGIC BODY "k8s-namespace="
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "6161616161616161616161616161616161616161616161616161616161616161"
		    "\n" END),
	  -EBADMSG },
	{ "k8s-container with an embedded 00",
	  TXT(MAGIC BODY "k8s-container=6300\n" END), -EBADMSG },

	{ "empty", TXT(""), -EBADMSG },
	{ "truncated: no end", TXT(MAGIC BODY), -EBADMSG },
	{ "truncated: half an end", TXT(MAGIC BODY "en"), -EBADMSG },
	{ "truncated: end without newline", TXT(MAGIC BODY "end"), -EBADMSG },
	{ "truncated: mid-line", TXT(MAGIC ID MODE "pid=12"), -EBADMSG },
	{ "truncated: magic only", TXT(MAGIC), -EBADMSG },
	{ "missing magic", TXT(BODY END), -EBADMSG },
	{ "other version", TXT("acid-entry 2\n" BODY END), -EBADMSG },
	{ "magic with a trailing space", TXT("acid-entry 1 \n" BODY END),
	  -EBADMSG },
	{ "magic twice", TXT(MAGIC MAGIC BODY END), -EBADMSG },
	{ "duplicate id", TXT(MAGIC BODY ID END), -EBADMSG },
	{ "duplicate name", TXT(MAGIC BODY NAME END), -EBADMSG },
	{ "duplicate ns.net", TXT(MAGIC BODY NS END), -EBADMSG },
	{ "duplicate parent",
	  TXT(MAGIC BODY "parent=00000000-0000-0000-0000-00000000002a\n"
		    "parent=00000000-0000-0000-0000-00000000002b\n" END),
	  -EBADMSG },
	{ "unknown key", TXT(MAGIC BODY "color=red\n" END), -EBADMSG },
	{ "unknown ns kind", TXT(MAGIC BODY "ns.foo=0:4:1\n" END), -EBADMSG },
	{ "key with a space", TXT(MAGIC BODY " ses=0\n" END), -EBADMSG },
	{ "line without =", TXT(MAGIC BODY "garbage\n" END), -EBADMSG },
	{ "missing id", TXT(MAGIC MODE PID ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing pid", TXT(MAGIC ID MODE ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing name", TXT(MAGIC ID MODE PID ST TIME SES BUNDLE END),
	  -EBADMSG },
	{ "missing bundle", TXT(MAGIC ID MODE PID ST TIME SES NAME END),
	  -EBADMSG },
	{ "missing ses", TXT(MAGIC ID MODE PID ST TIME NAME BUNDLE END),
	  -EBADMSG },
	{ "missing time", TXT(MAGIC ID MODE PID ST SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing starttime", TXT(MAGIC ID MODE PID TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "missing mode", TXT(MAGIC ID PID ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "bad hex digit", TXT(MAGIC ID MODE PID ST TIME SES "name=77g562\n"
			       BUNDLE NS END), -EBADMSG },
	{ "odd hex length", TXT(MAGIC ID MODE PID ST TIME SES "name=77656\n"
				BUNDLE NS END), -EBADMSG },
	{ "hex with 0x", TXT(MAGIC ID MODE PID ST TIME SES "name=0x77\n"
			     BUNDLE NS END), -EBADMSG },
	{ "hex with a sign", TXT(MAGIC ID MODE PID ST TIME SES "name=+7\n"
				 BUNDLE NS END), -EBADMSG },
	{ "upper-case hex", TXT(MAGIC ID MODE PID ST TIME SES "name=574A\n"
				BUNDLE NS END), -EBADMSG },
	{ "name with an embedded 00",
	  TXT(MAGIC ID MODE PID ST TIME SES "name=770065\n" BUNDLE NS END),
	  -EBADMSG },
	{ "name of one 00", TXT(MAGIC ID MODE PID ST TIME SES "name=00\n"
				BUNDLE NS END), -EBADMSG },
	{ "bundle with an embedded 00",
	  TXT(MAGIC ID MODE PID ST TIME SES NAME "bundle=2f00\n" NS END),
	  -EBADMSG },
	{ "pid 0", TXT(MAGIC ID MODE "pid=0\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid -1", TXT(MAGIC ID MODE "pid=-1\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid +1", TXT(MAGIC ID MODE "pid=+1\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid 01", TXT(MAGIC ID MODE "pid=01\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid 2^31", TXT(MAGIC ID MODE "pid=2147483648\n" ST TIME SES NAME
			  BUNDLE END), -EBADMSG },
	{ "pid empty", TXT(MAGIC ID MODE "pid=\n" ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "pid with text", TXT(MAGIC ID MODE "pid=12a\n" ST TIME SES NAME
			       BUNDLE END), -EBADMSG },
	{ "pid with a space", TXT(MAGIC ID MODE "pid= 12\n" ST TIME SES NAME
				  BUNDLE END), -EBADMSG },
	{ "starttime 2^64", TXT(MAGIC ID MODE PID "starttime=18446744073709551616\n"
				TIME SES NAME BUNDLE END), -EBADMSG },
	{ "ses 2^32", TXT(MAGIC ID MODE PID ST TIME "ses=4294967296\n" NAME
			  BUNDLE END), -EBADMSG },
	{ "time -1", TXT(MAGIC ID MODE PID ST "time=-1\n" SES NAME BUNDLE END),
	  -EBADMSG },
	{ "mode unknown", TXT(MAGIC ID "mode=kernel\n" PID ST TIME SES NAME
			      BUNDLE END), -EBADMSG },
	{ "id all zero", TXT(MAGIC "id=00000000-0000-0000-0000-000000000000\n"
			     MODE PID ST TIME SES NAME BUNDLE END), -EBADMSG },
	{ "id in 32-hex form", TXT(MAGIC "id=0f1e2d3c4b5a49788695a4b3c2d1e0f9\n"
				   MODE PID ST TIME SES NAME BUNDLE END),
	  -EBADMSG },
	{ "id as a decimal", TXT(MAGIC "id=42\n" MODE PID ST TIME SES NAME
				 BUNDLE END), -EBADMSG },
	{ "parent all zero",
	  TXT(MAGIC BODY "parent=00000000-0000-0000-0000-000000000000\n" END),
	  -EBADMSG },
	{ "ns without inode", TXT(MAGIC BODY "ns.uts=0:4\n" END), -EBADMSG },
	{ "ns with trailing text", TXT(MAGIC BODY "ns.uts=0:4:12x\n" END),
	  -EBADMSG },
	{ "ns with a negative", TXT(MAGIC BODY "ns.uts=0:4:-12\n" END),
	  -EBADMSG },
	{ "ns with a fourth field", TXT(MAGIC BODY "ns.uts=0:4:12:1\n" END),
	  -EBADMSG },
	{ "ns major 2^32", TXT(MAGIC BODY "ns.uts=4294967296:4:12\n" END),
	  -EBADMSG },
	{ "trailing garbage after end", TXT(MAGIC BODY END "x\n"), -EBADMSG },
	{ "a key after end", TXT(MAGIC ID MODE PID ST TIME SES NAME END BUNDLE),
	  -EBADMSG },
	{ "two ends", TXT(MAGIC BODY END END), -EBADMSG },
	{ "CRLF lines", TXT("acid-entry 1\r\n" BODY END), -EBADMSG },
	{ "a CR in a value", TXT(MAGIC BODY "ses=0\r\n" END), -EBADMSG },
	{ "embedded NUL in the text", TXT(MAGIC BODY "\0" END), -EBADMSG },
	{ "NUL after end", TXT(MAGIC BODY END "\0"), -EBADMSG },
};

static void test_refused_texts(void)
{
	for (size_t i = 0; i < sizeof(text_rows) / sizeof(text_rows[0]); i++) {
		const struct text_row *row = &text_rows[i];
		struct acid_entry *e = NULL;
		int r = entry_from_text(row->text, row->len, &e);

		is_err(r, row->rc, "entry_from_text: %s", row->what);
		if (r == 0)
			acid_entry_free(e);
	}

	/* more than the 64 KiB an entry file may hold */
	size_t big = 64 * 1024 + 1;
	char *text = malloc(big);
	struct acid_entry *e;

	if (!text)
		bail("malloc");
	memset(text, '\n', big);
	memcpy(text, MAGIC BODY END, sizeof(MAGIC BODY END) - 1);
	is_err(entry_from_text(text, big, &e), -EBADMSG,
	       "entry_from_text of %zu bytes", big);
	free(text);
}

/* ------------------------------------------------- damaged entries */

static void test_damaged_files(void)
{
	char *dir = temp_dir("damaged"), path[4096];
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *good = crafted(1, 2), *e, **list;
	char *text;
	size_t len, n;
	int dirfd = registry_open(dir, true), fd;

	if (dirfd < 0 || !good || registry_put(dirfd, good) < 0)
		bail("registry_put");
	/* garbage under an entry's name */
	snprintf(path, sizeof(path),
		 "%s/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.entry", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || !write_full(fd, "garbage\n", 8))
		bail("write %s", path);
	close(fd);
	/* a whole entry under another entry's name */
	if (entry_to_text(good, &text, &len) < 0)
		bail("entry_to_text");
	snprintf(path, sizeof(path),
		 "%s/11111111-2222-4333-8444-555555555555.entry", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || !write_full(fd, text, len))
		bail("write %s", path);
	close(fd);
	free(text);

	if (is_err(acid_list(ctx, &list, &n), 0, "list with damaged files")) {
		int w, i;

		ok(n == 1 && crafted_ok(list[0], &w, &i),
		   "list skips the damaged files: %zu entries, want 1", n);
		acid_list_free(list, n);
	}
	struct acid_id id;

	acid_id_parse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", &id);
	is_err(acid_lookup_id(ctx, &id, &e), -EBADMSG,
	       "lookup of an entry file holding garbage");
	acid_id_parse("11111111-2222-4333-8444-555555555555", &id);
	is_err(acid_lookup_id(ctx, &id, &e), -EBADMSG,
	       "lookup of an entry file holding another id's entry");
	close(dirfd);
	acid_entry_free(good);
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

/* What interrupted writers leave: temporary files, dangling pid links. */
static void test_clean(void)
{
	char *dir = temp_dir("clean"), *missing, path[4096];
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *good = crafted(3, 4);
	struct dir_census c;
	size_t removed = 99;
	int dirfd = registry_open(dir, true), fd;

	if (dirfd < 0 || !good || registry_put(dirfd, good) < 0)
		bail("registry_put");
	mark_index(dirfd);
	snprintf(path, sizeof(path), "%s/.tmp-1-1-0f1e2d3c-4b5a-4978-8695-"
		 "a4b3c2d1e0f9.entry", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || !write_full(fd, "acid-entry 1\nid=", 16))
		bail("write %s", path);
	close(fd);
	snprintf(path, sizeof(path), "%s/pid-999999", dir);
	if (symlink("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.entry", path) < 0)
		bail("symlink %s", path);
	close(dirfd);

	is_err(acid_registry_clean(ctx, &removed), 0, "registry clean");
	is_int(removed, 2, "registry clean: files removed (a .tmp-* and a "
			   "dangling pid link)");
	c = census(dir);
	ok(c.entries == 1 && c.pidlinks == 1 && c.namelinks == 1 &&
		   c.tmps == 0 && c.others == 0,
	   "after clean: %d entries, %d pid links, %d name slots, %d .tmp-*, "
	   "%d others; want 1, 1, 1, 0, 0", c.entries, c.pidlinks,
	   c.namelinks, c.tmps, c.others);
	removed = 99;
	is_err(acid_registry_clean(ctx, &removed), 0, "registry clean again");
	is_int(removed, 0, "registry clean again: files removed");
	acid_ctx_free(ctx);

	if (asprintf(&missing, "%s/none", dir) < 0)
		bail("asprintf");
	ctx = ctx_at(missing);
	removed = 99;
	is_err(acid_registry_clean(ctx, &removed), 0,
	       "registry clean without a registry");
	is_int(removed, 0, "registry clean without a registry: removed");
	acid_ctx_free(ctx);
	free(missing);
	acid_entry_free(good);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-registry needs root (CAP_AUDIT_CONTROL)");

	test_round_trip();
	test_refused_texts();
	test_damaged_files();
	test_clean();
	return tap_done();
}
