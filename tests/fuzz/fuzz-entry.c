// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz-entry: the registry entry reader, entry_from_text (lib/entry.c).
 * A registry file is input like any other: anyone who can write to the
 * state directory, a torn write, a disk error.
 *
 * On success the entry must be one the writer could have written: a
 * non-zero ID, a pid > 0, name and bundle within their bounds and free of
 * NUL; entry_to_text must succeed, its text must read back to the same
 * fields, and writing that again must give the same text (a fixed point).
 * On failure: -EBADMSG (or -ENOMEM).
 */
// fuzz-options: -max_len=16384
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

static void check_same(const struct acid_entry *a, const struct acid_entry *b)
{
	FUZZ_CHECK(acid_id_equal(&a->id, &b->id), "id differs");
	FUZZ_CHECK(strcmp(a->name, b->name) == 0, "name differs");
	FUZZ_CHECK(strcmp(a->bundle, b->bundle) == 0, "bundle differs");
	FUZZ_CHECK(a->pid == b->pid, "pid %d != %d", (int)a->pid, (int)b->pid);
	FUZZ_CHECK(a->starttime == b->starttime, "starttime differs");
	FUZZ_CHECK(a->ses_tag == b->ses_tag, "ses differs");
	FUZZ_CHECK(a->mode == b->mode, "mode differs");
	FUZZ_CHECK(a->time == b->time, "time differs");
	FUZZ_CHECK(a->has_parent == b->has_parent, "has_parent differs");
	if (a->has_parent)
		FUZZ_CHECK(acid_id_equal(&a->parent, &b->parent),
			   "parent differs");
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		FUZZ_CHECK(a->ns.ns[k].present == b->ns.ns[k].present,
			   "ns %d presence differs", k);
		if (!a->ns.ns[k].present)
			continue;
		FUZZ_CHECK(a->ns.ns[k].dev_major == b->ns.ns[k].dev_major &&
				   a->ns.ns[k].dev_minor ==
					   b->ns.ns[k].dev_minor &&
				   a->ns.ns[k].ino == b->ns.ns[k].ino,
			   "ns %d differs", k);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acid_entry *e = NULL, *e2 = NULL;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;
	int r;

	/* not NUL-terminated: ASan sees any read past the end */
	r = entry_from_text((const char *)data, size, &e);
	if (r != 0) {
		FUZZ_CHECK(r == -EBADMSG || r == -ENOMEM, "returned %d", r);
		return 0;
	}
	FUZZ_CHECK(e && e->name && e->bundle, "incomplete entry");
	FUZZ_CHECK(!acid_id_is_zero(&e->id), "zero id");
	FUZZ_CHECK(!e->has_parent || !acid_id_is_zero(&e->parent),
		   "zero parent");
	FUZZ_CHECK(e->pid > 0, "pid %d", (int)e->pid);
	FUZZ_CHECK(e->time >= 0, "time %lld", (long long)e->time);
	FUZZ_CHECK(strlen(e->name) <= ACID_NAME_MAX, "name %zu bytes",
		   strlen(e->name));
	FUZZ_CHECK(strlen(e->bundle) <= ACID_BUNDLE_MAX, "bundle %zu bytes",
		   strlen(e->bundle));
	FUZZ_CHECK(e->mode == ACID_MODE_USER || e->mode == ACID_MODE_KERNEL_U64 ||
			   e->mode == ACID_MODE_KERNEL_UUID,
		   "mode %d", (int)e->mode);

	r = entry_to_text(e, &text, &len);
	FUZZ_CHECK(r == 0, "entry_to_text of an entry read: %d", r);
	FUZZ_CHECK(len == strlen(text), "length %zu, text %zu", len,
		   strlen(text));
	r = entry_from_text(text, len, &e2);
	FUZZ_CHECK(r == 0, "reading back what was written: %d\n%s", r, text);
	check_same(e, e2);

	r = entry_to_text(e2, &text2, &len2);
	FUZZ_CHECK(r == 0, "second entry_to_text: %d", r);
	FUZZ_CHECK(len == len2 && memcmp(text, text2, len) == 0,
		   "text is not a fixed point:\n%s---\n%s", text, text2);

	free(text);
	free(text2);
	acid_entry_free(e);
	acid_entry_free(e2);
	return 0;
}
