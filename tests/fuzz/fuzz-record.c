// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz-record: the audit record encoder (record_start_text and
 * record_stop_text, lib/record.c) with a hostile OCI name and bundle.
 *
 * Input: NAME [0xff BUNDLE [0xff PARAMS]]. NAME and BUNDLE are cut at the
 * first NUL and capped at ACID_NAME_MAX / ACID_BUNDLE_MAX, as acid_register
 * caps them. PARAMS, all optional (defaults when short):
 *   [0..1]  namespace kinds present, a 10-bit mask (default all)
 *   [2..5]  pid, int32 little-endian (default 4242)
 *   [6..9]  ses tag, u32 little-endian (default 0: none)
 *   [10]    bit 0: has a parent; bits 1-2: stop reason; bits 3-4: exe;
 *           bit 5: read 0xfe in NAME and BUNDLE as 0xff (which the
 *           separator cannot carry)
 *   [11]    added to every namespace inode, and the nsfs minor
 *
 * Checks: each record is one line of printable ASCII (no '\n', no byte
 * < 0x20 or >= 0x7f); it is a sequence of key=value fields separated by
 * single spaces, with the keys the format fixes, in order; vm=, bundle=
 * and exe= are "quoted" exactly when the value needs no encoding (no
 * space, '=', quote of either kind, control byte or byte >= 0x7f: nothing
 * that could pose as another field) and upper-case hex that
 * decodes to the value otherwise ("?" for an empty value); the numbers are
 * the entry's.
 */
// fuzz-options: -max_len=8192
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

static const char *const reasons[] = { "exit", "destroy", "lost", "gc" };
static const char *const exes[] = {
	"/usr/local/libexec/oci/hooks.d/acid-prestart",
	"/opt/my hooks/acid-poststop",
	"",
	"/usr/bin/\"acid\"",
};
static const char *const ns_key[ACID_NS_COUNT] = {
	"cgroup-ns", "ipc-ns", "mnt-ns", "net-ns", "pid-ns", "pid-child-ns",
	"time-ns", "time-child-ns", "user-ns", "uts-ns",
};

/* Copies data[0..n) up to the first NUL, at most max bytes. */
static char *take(const uint8_t *data, size_t n, size_t max, bool ff)
{
	size_t len = strnlen((const char *)data, n);
	char *s;

	if (len > max)
		len = max;
	s = malloc(len + 1);
	if (!s)
		return NULL;
	memcpy(s, data, len);
	s[len] = '\0';
	for (size_t i = 0; ff && i < len; i++)
		if ((unsigned char)s[i] == 0xfe)
			s[i] = (char)0xff;
	return s;
}

static uint32_t le32(const uint8_t *p, size_t n, size_t at, uint32_t def)
{
	if (n < at + 4)
		return def;
	return (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 |
	       (uint32_t)p[at + 2] << 16 | (uint32_t)p[at + 3] << 24;
}

static bool needs_encoding(const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '=' || *s == '"' || *s == '\'' ||
		    (unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return true;
	return false;
}

static int unhex_upper(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An encoded field's value against the text it carries. */
static void check_encoded(const char *key, const char *got, const char *want)
{
	size_t n = strlen(got), wn = strlen(want);

	if (!*want) {
		FUZZ_CHECK(strcmp(got, "?") == 0, "%s= of \"\" is %s", key, got);
		return;
	}
	if (got[0] == '"') {
		FUZZ_CHECK(!needs_encoding(want),
			   "%s= quoted a value that needs hex: %s", key, got);
		FUZZ_CHECK(n == wn + 2 && got[n - 1] == '"' &&
				   memcmp(got + 1, want, wn) == 0,
			   "%s= quoted %s, not the value", key, got);
		return;
	}
	FUZZ_CHECK(needs_encoding(want), "%s= hex for a plain value: %s", key,
		   got);
	FUZZ_CHECK(n == 2 * wn, "%s= hex of %zu bytes for %zu", key, n / 2, wn);
	for (size_t i = 0; i < wn; i++) {
		int hi = unhex_upper(got[2 * i]), lo = unhex_upper(got[2 * i + 1]);

		FUZZ_CHECK(hi >= 0 && lo >= 0, "%s= not upper-case hex: %s", key,
			   got);
		FUZZ_CHECK((char)(hi << 4 | lo) == want[i],
			   "%s= hex decodes to another value at byte %zu", key,
			   i);
	}
}

/* Walks a record's fields in order. */
struct walk {
	char *p;	/* the rest of the record (a private copy) */
	const char *rec;
};

static const char *field(struct walk *w, const char *key)
{
	char *sp, *eq;
	size_t kl = strlen(key);

	FUZZ_CHECK(w->p, "record ends before %s=: %s", key, w->rec);
	sp = strchr(w->p, ' ');
	if (sp) {
		*sp = '\0';
		FUZZ_CHECK(sp[1] != ' ' && sp[1] != '\0',
			   "empty field after %s=: %s", key, w->rec);
	}
	eq = strchr(w->p, '=');
	FUZZ_CHECK(eq && (size_t)(eq - w->p) == kl &&
			   memcmp(w->p, key, kl) == 0,
		   "expected %s=, got \"%s\" in: %s", key, w->p, w->rec);
	FUZZ_CHECK(eq[1] != '\0', "%s= is empty in: %s", key, w->rec);
	w->p = sp ? sp + 1 : NULL;
	return eq + 1;
}

static void expect(struct walk *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void expect(struct walk *w, const char *key, const char *fmt, ...)
{
	char want[256];
	const char *got = field(w, key);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	FUZZ_CHECK(strcmp(got, want) == 0, "%s=%s, want %s", key, got, want);
}

static void check_line(const char *rec)
{
	size_t n = strlen(rec);

	FUZZ_CHECK(n > 0, "empty record");
	FUZZ_CHECK(!strchr(rec, '\n'), "record has a newline");
	FUZZ_CHECK(fuzz_printable(rec, n), "record has a byte outside 0x20..0x7e");
	FUZZ_CHECK(rec[0] != ' ' && rec[n - 1] != ' ', "record has edge spaces");
}

static void check_head(struct walk *w, const struct acid_entry *e,
		       const char *op, const char *reason)
{
	char id[ACID_ID_STRLEN];

	FUZZ_CHECK(acid_id_format(&e->id, id, sizeof(id)) == 0, "id");
	expect(w, "virt", "oci");
	expect(w, "op", "%s", op);
	expect(w, "reason", "%s", reason);
	check_encoded("vm", field(w, "vm"), e->name);
	expect(w, "uuid", "%s", id);
	expect(w, "vm-pid", "%d", (int)e->pid);
}

static void check_tail(struct walk *w, const char *exe)
{
	check_encoded("exe", field(w, "exe"), exe);
	expect(w, "hostname", "?");
	expect(w, "addr", "?");
	expect(w, "terminal", "?");
	expect(w, "res", "success");
	FUZZ_CHECK(w->p == NULL, "fields after res=: %s", w->p);
}

static void check_start(const char *rec, const struct acid_entry *e,
			const char *exe)
{
	struct walk w = { .rec = rec };
	bool dev = false;
	char *copy;

	check_line(rec);
	copy = strdup(rec);
	if (!copy)
		return;
	w.p = copy;
	check_head(&w, e, "start", "register");
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (!e->ns.ns[k].present)
			continue;
		if (!dev) {
			expect(&w, "ns-dev", "%" PRIu32 ":%" PRIu32,
			       e->ns.ns[k].dev_major, e->ns.ns[k].dev_minor);
			dev = true;
		}
		expect(&w, ns_key[k], "%" PRIu64, e->ns.ns[k].ino);
	}
	if (e->bundle[0])
		check_encoded("bundle", field(&w, "bundle"), e->bundle);
	if (e->ses_tag)
		expect(&w, "ses-tag", "%" PRIu32, e->ses_tag);
	if (e->has_parent) {
		char id[ACID_ID_STRLEN];

		acid_id_format(&e->parent, id, sizeof(id));
		expect(&w, "parent-uuid", "%s", id);
	}
	check_tail(&w, exe);
	free(copy);
}

static void check_stop(const char *rec, const struct acid_entry *e,
		       const char *reason, const char *exe)
{
	struct walk w = { .rec = rec };
	char *copy;

	check_line(rec);
	copy = strdup(rec);
	if (!copy)
		return;
	w.p = copy;
	check_head(&w, e, "stop", reason);
	check_tail(&w, exe);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct acid_id id = { { 0x9c, 0x11, 0x26, 0x12, 0xe5, 0x44,
					     0x45, 0x37, 0xbd, 0x78, 0x76, 0x62,
					     0x66, 0x76, 0xce, 0x99 } };
	static const struct acid_id parent = { { [15] = 7 } };
	const uint8_t *sep, *bundle = NULL, *params = NULL;
	size_t name_len = size, bundle_len = 0, params_len = 0;
	const char *reason, *exe;
	struct acid_entry *e;
	char *rec = NULL;
	unsigned int mask, flags = 0, bump = 0;
	int r;

	sep = memchr(data, 0xff, size);
	if (sep) {
		name_len = (size_t)(sep - data);
		bundle = sep + 1;
		bundle_len = size - name_len - 1;
		sep = memchr(bundle, 0xff, bundle_len);
		if (sep) {
			params = sep + 1;
			params_len = bundle_len - (size_t)(sep - bundle) - 1;
			bundle_len = (size_t)(sep - bundle);
		}
	}
	mask = params_len >= 2 ? ((unsigned int)params[0] |
				  (unsigned int)params[1] << 8) & 0x3ff : 0x3ff;
	if (params_len > 10)
		flags = params[10];
	if (params_len > 11)
		bump = params[11];

	e = entry_new();
	if (!e)
		return 0;
	free(e->name);
	free(e->bundle);
	e->name = take(data, name_len, ACID_NAME_MAX, flags & 0x20);
	e->bundle = bundle ? take(bundle, bundle_len, ACID_BUNDLE_MAX,
				  flags & 0x20)
			   : strdup("");
	if (!e->name || !e->bundle) {
		acid_entry_free(e);
		return 0;
	}
	e->id = id;
	e->pid = (pid_t)le32(params, params_len, 2, 4242);
	e->ses_tag = le32(params, params_len, 6, 0);
	e->has_parent = flags & 1;
	e->parent = parent;
	e->starttime = 123456;
	e->time = 1700000000;
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		if (!(mask & 1u << k))
			continue;
		e->ns.ns[k].present = true;
		e->ns.ns[k].dev_major = 0;
		e->ns.ns[k].dev_minor = 4 + bump;
		e->ns.ns[k].ino = 4026531835u + (uint64_t)k + bump;
	}
	reason = reasons[(flags >> 1) & 3];
	exe = exes[(flags >> 3) & 3];

	r = record_start_text(e, exe, &rec);
	FUZZ_CHECK(r == 0, "record_start_text: %d", r);
	check_start(rec, e, exe);
	free(rec);
	rec = NULL;

	r = record_stop_text(e, reason, exe, &rec);
	FUZZ_CHECK(r == 0, "record_stop_text: %d", r);
	check_stop(rec, e, reason, exe);
	free(rec);

	acid_entry_free(e);
	return 0;
}
