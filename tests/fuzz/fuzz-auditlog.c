// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz-auditlog: libacid-attribution, the audit-log reader of acid events
 * and acid report (attribution/). An audit log is input like any other:
 * a truncated write, a disk error, a log copied from elsewhere, records
 * forged by a container with CAP_AUDIT_WRITE.
 *
 * The input is one log, read both ways (the fast scanner and the
 * libauparse reference) with every container selected, as bytes and
 * record by record, then once per container as acid events reads it.
 * Nothing may crash or leak; every container found has a canonical UUID;
 * fed record by record it gives the same containers and events as fed as
 * bytes; a container's events are never more than the events selected
 * for it (fewer only for records libauparse refuses), and each belongs
 * to it. The per-container reads pre-scan as acid events does: a first
 * reader's links (op=exec) with a trigger go to acid_attr_link first,
 * whatever their trigger says.
 */
// fuzz-sources: attribution/acidrec.c attribution/attribute.c
// fuzz-sources: attribution/hash.c attribution/inputs.c
// fuzz-sources: attribution/interpret.c attribution/json.c
// fuzz-sources: attribution/record.c
// fuzz-sources: attribution/state.c attribution/stream.c
// fuzz-pkgs: auparse
// fuzz-options: -max_len=65536
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <acid/attribution.h>
#include <acid/libacid.h>

#include "fuzz.h"

/*
 * libauparse 3.0.9 itself leaks a few bytes (a strdup inside
 * auparse_feed -> auparse_next_event) on some damaged records, e.g.
 * tests/fuzz/regress/auditlog/leak-7db75a71...: not ours to fix. Leaks
 * whose allocation goes through libauparse are not reported; every other
 * leak still is.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libauparse.so\n";
}

/* the containers whose events are wanted: all, or the one named */
static bool select_uuid(const struct acid_attr_container *c, void *arg)
{
	return !arg || strcmp(c->uuid, arg) == 0;
}

struct seen {
	const char *uuid;
	uint64_t events;
	uint64_t sum; /* of serials and record counts: a cheap digest */
};

static int count(const struct acid_attr_event *ev, void *arg)
{
	struct seen *s = arg;
	static FILE *null;
	bool mine = !s->uuid;

	if (!null)
		null = fopen("/dev/null", "we");

	for (size_t i = 0; i < acid_attr_event_containers(ev); i++)
		if (s->uuid &&
		    strcmp(acid_attr_event_container(ev, i)->uuid, s->uuid) == 0)
			mine = true;
	FUZZ_CHECK(mine, "an event of another container given for %s",
		   s->uuid);
	if (null)
		acid_attr_event_write(ev, ACID_ATTR_INTERPRET, null);
	s->events++;
	s->sum += acid_attr_event_stamp(ev)->serial * 31 +
		  acid_attr_event_records(ev);
	return 0;
}

/* A link the first reader was told: given to the second. */
static void relink(const struct acid_attr_link_info *l, void *arg)
{
	int r;

	FUZZ_CHECK(l->size == sizeof(*l) && l->uuid && l->reason &&
			   l->trigger && (!l->forged || !l->applied),
		   "a link told with a bad field");
	if (!l->applied || !l->trigger[0])
		return;
	r = acid_attr_link(arg, l->node, l->uuid, l->task_pid, l->trigger);
	FUZZ_CHECK(r == 0 || r == -ENOSPC || r == -ENOMEM,
		   "acid_attr_link of a link read: %d", r);
}

/* The first pass of acid events: the links into @a. */
static void prescan(const uint8_t *data, size_t size, struct acid_attr *a)
{
	struct acid_attr *first;

	if (acid_attr_new(0, &first) < 0)
		return;
	acid_attr_set_link(first, relink, a);
	if (acid_attr_feed_bytes(first, (const char *)data, size) == 0)
		acid_attr_finish(first);
	acid_attr_free(first);
}

/*
 * One read: @data as bytes (@by_record false) or line by line, selecting
 * @uuid (NULL: every container). The UUIDs found are copied to @found
 * (up to 4); *@digest sums up containers and events.
 */
static void read_log(const uint8_t *data, size_t size, bool reference,
		     bool by_record, const char *uuid,
		     char found[4][ACID_ID_STRLEN], size_t *n, uint64_t *digest)
{
	struct seen seen = { .uuid = uuid };
	struct acid_attr *a;
	int r = 0;

	if (acid_attr_new(reference ? ACID_ATTR_REFERENCE : 0, &a) < 0)
		return;
	acid_attr_set_select(a, select_uuid, (void *)uuid);
	acid_attr_set_event(a, count, &seen);
	if (uuid)
		prescan(data, size, a);
	if (!by_record) {
		r = acid_attr_feed_bytes(a, (const char *)data, size);
	} else {
		const char *p = (const char *)data, *end = p + size;

		while (p < end && !r) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *e = nl ? nl + 1 : end;

			r = acid_attr_feed(a, p, (size_t)(e - p));
			p = e;
		}
	}
	if (!r)
		r = acid_attr_finish(a);
	if (r == 0) {
		for (size_t i = 0; i < acid_attr_count(a); i++) {
			struct acid_id id;
			char back[ACID_ID_STRLEN];
			const struct acid_attr_container *c = acid_attr_get(a, i);

			FUZZ_CHECK(acid_id_parse(c->uuid, &id) == 0 &&
					   acid_id_format(&id, back, sizeof(back)) == 0 &&
					   strcmp(back, c->uuid) == 0,
				   "container uuid \"%s\" not canonical", c->uuid);
			if (found && *n < 4)
				memcpy(found[(*n)++], c->uuid, ACID_ID_STRLEN);
			if (digest)
				*digest = *digest * 131 + c->events * 7 +
					  (uint64_t)c->end + c->forged * 3 +
					  c->conflict * 5;
		}
		/* each selected event once and nothing else */
		FUZZ_CHECK(seen.events <= acid_attr_selected(a),
			   "%s: gave %llu events, selected %llu",
			   uuid ? uuid : "all",
			   (unsigned long long)seen.events,
			   (unsigned long long)acid_attr_selected(a));
		if (digest)
			*digest = *digest * 131 + seen.sum;
	}
	acid_attr_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char found[4][ACID_ID_STRLEN];
	uint64_t bytes = 0, records = 0;
	size_t n = 0;

	read_log(data, size, true, false, NULL, NULL, NULL, NULL);
	read_log(data, size, false, false, NULL, found, &n, &bytes);
	read_log(data, size, false, true, NULL, NULL, NULL, &records);
	FUZZ_CHECK(bytes == records, "record by record differs from the "
		   "bytes: %llu, %llu", (unsigned long long)records,
		   (unsigned long long)bytes);
	for (size_t i = 0; i < n; i++)
		read_log(data, size, false, false, found[i], NULL, NULL, NULL);
	return 0;
}
