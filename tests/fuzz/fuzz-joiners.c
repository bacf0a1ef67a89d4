// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz-joiners: audisp-acid's look at each record before the attribution
 * gets it (plugin/joiners.c: the SYSCALL parser, the joiner tables, the
 * line kept across reads), against the attribution fed directly.
 *
 * Input: one byte S, then a stream of audit records. The stream goes to
 * two live readers (ACID_ATTR_LIVE | ACID_ATTR_ALL, as the plugin makes
 * them): one through joiners_feed_bytes in three reads cut at points S
 * chooses, one through acid_attr_feed_bytes at once. Every "@@@@@@@@@@"
 * in the stream becomes the clock's seconds, so that records are recent
 * and acted on (their pids looked up in this host's /proc). The registry
 * (ACID_STATE_DIR) does not exist: no process is placed, nothing is sent.
 * A fresh tracker per input (its tables and kept line start empty).
 *
 * Checks: both readers give the same events, in the same order, with the
 * same JSON: the joiners' look changes nothing in what is fed.
 */
// fuzz-sources: plugin/joiners.c plugin/procfs.c plugin/say.c
// fuzz-sources: attribution/acidrec.c attribution/attribute.c
// fuzz-sources: attribution/hash.c attribution/inputs.c
// fuzz-sources: attribution/interpret.c attribution/json.c
// fuzz-sources: attribution/record.c
// fuzz-sources: attribution/state.c attribution/stream.c
// fuzz-pkgs: auparse
// fuzz-options: -max_len=32768
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <acid/attribution.h>
#include <acid/libacid.h>

#include "../../plugin/joiners.h"
#include "fuzz.h"

/* as fuzz-auditlog: libauparse 3.0.9's own leaks on damaged records */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libauparse.so\n";
}

static bool all(const struct acid_attr_container *c, void *arg)
{
	return true;
}

static int write_json(const struct acid_attr_event *ev, void *arg)
{
	acid_attr_event_write(ev, ACID_ATTR_JSON, arg);
	return 0;
}

/* The JSON of every event of @data (@j: through it, in three reads). */
static char *read_all(struct joiners *j, const char *data, size_t size,
		      size_t cut1, size_t cut2, size_t *len)
{
	struct acid_attr *a;
	char *buf = NULL;
	FILE *ms = open_memstream(&buf, len);
	int r;

	if (!ms)
		return NULL;
	if (acid_attr_new(ACID_ATTR_LIVE | ACID_ATTR_ALL, &a) < 0) {
		fclose(ms);
		free(buf);
		return NULL;
	}
	acid_attr_set_select(a, all, NULL);
	acid_attr_set_event(a, write_json, ms);
	if (j) {
		r = joiners_feed_bytes(j, a, data, cut1);
		if (!r)
			r = joiners_feed_bytes(j, a, data + cut1, cut2 - cut1);
		if (!r)
			r = joiners_feed_bytes(j, a, data + cut2, size - cut2);
	} else {
		r = acid_attr_feed_bytes(a, data, size);
	}
	if (!r)
		acid_attr_finish(a);
	acid_attr_free(a);
	fclose(ms);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct joiners *j;
	char now[32], *in, *p, *via, *direct;
	size_t n, cut1, cut2, lv = 0, ld = 0;
	int err;

	if (size < 1)
		return 0;
	setenv("ACID_STATE_DIR", "/nonexistent/acid-fuzz-joiners", 1);
	j = joiners_new(&err);
	FUZZ_CHECK(j, "joiners_new: %d", err);
	n = size - 1;
	in = malloc(n + 1);
	if (!in) {
		joiners_free(j);
		return 0;
	}
	memcpy(in, data + 1, n);
	in[n] = 0;
	snprintf(now, sizeof(now), "%010lld", (long long)time(NULL));
	for (p = in; n >= 10 && (p = memmem(p, n - (size_t)(p - in), "@@@@@@@@@@", 10));
	     p += 10)
		memcpy(p, now, 10);
	cut1 = n ? (data[0] * 131u) % (n + 1) : 0;
	cut2 = cut1 + (n - cut1 ? (data[0] * 7u) % (n - cut1 + 1) : 0);
	via = read_all(j, in, n, cut1, cut2, &lv);
	direct = read_all(NULL, in, n, 0, 0, &ld);
	if (via && direct)
		FUZZ_CHECK(lv == ld && memcmp(via, direct, lv) == 0,
			   "the events through joiners (%zu bytes of JSON, cuts "
			   "%zu, %zu) differ from the direct ones (%zu bytes)",
			   lv, cut1, cut2, ld);
	free(via);
	free(direct);
	free(in);
	joiners_free(j);
	return 0;
}
