// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-auditlog-fleet - libacid-attribution over an aggregator's log of
 * several nodes with colliding pids, sessions and serials (a container
 * is (node, ID)), and a run seeded on a node.
 *
 * usage: test-auditlog-fleet DATADIR (tests/data/auditlog)
 */
#include "auditlog-test.h"

/* A run by (node, ID), as a fleet tells them apart. */
struct where {
	const char *node; /* NULL: the local node */
	const char *uuid;
};

static bool by_where(const struct acid_attr_container *c, void *arg)
{
	const struct where *w = arg;

	return same_node(c->node, w->node) && strcmp(c->uuid, w->uuid) == 0;
}

static const struct acid_attr_container *
find_on(struct acid_attr *log, const char *node, const char *uuid)
{
	for (size_t i = 0; i < acid_attr_count(log); i++) {
		const struct acid_attr_container *c = acid_attr_get(log, i);

		if (same_node(c->node, node) && strcmp(c->uuid, uuid) == 0)
			return c;
	}
	return NULL;
}

/* Every line of @text (the events, raw) begins with @prefix. */
static bool all_lines_begin(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		if (strncmp(p, prefix, n) != 0)
			return false;
		if (!strchr(p, '\n'))
			break;
	}
	return true;
}

#define TAGGED_UUID "33333333-4444-4555-8666-777777777777"
#define TAGGED_B "33333333-4444-4555-8666-77777777bbbb"
#define PLAIN_UUID "33333333-4444-4555-8666-888888888888"
#define HASHED_UUID "33333333-4444-4555-8666-999999999999"

/*
 * fleet.log: session.log's workload on node-a and node-b (same pids,
 * sessions, serials; lines interleaved), records of the local node with
 * the same pids and session, and two nodes whose names have one 32-bit
 * hash. A container is (node, ID).
 */
static void test_fleet(bool ref)
{
	const char *m = ref ? "reference" : "fast";
	static const struct {
		const char *node, *uuid;
		uint64_t events;
		enum acid_attr_end end;
	} want[] = {
		{ "node-a", TAGGED_UUID, 3, ACID_ATTR_END_STOP },
		{ "node-b", TAGGED_B, 4, ACID_ATTR_END_NONE },
		{ "node-a", PLAIN_UUID, 3, ACID_ATTR_END_STOP },
		{ "node-b", PLAIN_UUID, 3, ACID_ATTR_END_STOP },
		{ "host-139599", HASHED_UUID, 3, ACID_ATTR_END_STOP },
	};
	struct where w = { "node-b", TAGGED_B };
	struct got g = { 0 };
	struct warns raw, warn;
	struct acid_attr *log;
	const struct acid_attr_container *c;

	warns_open(&raw);
	warns_open(&warn);
	g.raw = raw.f;
	log = run_by("fleet.log", ref, by_where, &w, &g, warn.f);
	is_int(acid_attr_count(log), 5, "%s: fleet.log: 5 runs on 3 nodes", m);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		c = find_on(log, want[i].node, want[i].uuid);
		if (!ok(c, "%s: fleet.log: %s on %s found", m, want[i].uuid,
			want[i].node))
			continue;
		is_str(c->node, want[i].node, "%s: fleet.log: %s: its node", m,
		       c->name);
		is_u64(c->events, want[i].events, "%s: fleet.log: %s on %s: "
		       "events", m, c->name, c->node);
		is_int(c->end, want[i].end, "%s: fleet.log: %s on %s: end", m,
		       c->name, c->node);
		ok(!c->forged && !c->conflict, "%s: fleet.log: %s on %s: one "
		   "ID on two nodes is no conflict, no forgery", m, c->name,
		   c->node);
	}
	c = find_on(log, "node-b", TAGGED_B);
	if (c)
		is_int(acid_attr_state(c, NULL), ACID_ATTR_STATE_UNKNOWN,
		       "%s: fleet.log: another node's run with no stop: "
		       "unknown (not this machine's /proc)", m);
	/*
	 * node-b's tagged: its start, 64 65 68 (as on node-a) and 73 (no
	 * stop on node-b): node-a's stop 72 does not end it, the local
	 * node's 165 171 (same pids, session 42) are no one's.
	 */
	SERIALS(&g, "fleet.log: acid events for (node-b, tagged)", 63, 64, 65,
		68, 73);
	ok(all_lines_begin(warns_text(&raw), "node=node-b "),
	   "%s: fleet.log: every record given is node-b's", m);
	is_int(warns_lines(&warn), 0, "%s: fleet.log: no warning: %s", m,
	       warns_text(&warn));
	acid_attr_free(log);
	warns_close(&raw);
	warns_close(&warn);
	g.raw = NULL;

	/* host-322382's records (110 111 114) share hashed's pids */
	w = (struct where){ "host-139599", HASHED_UUID };
	log = run_by("fleet.log", ref, by_where, &w, &g, NULL);
	SERIALS(&g, "fleet.log: two node names with one 32-bit hash are two "
		"nodes", 89, 90, 91, 94, 95);
	acid_attr_free(log);
}

/* A run seeded on a node: the same pid on another node is not in it. */
static void test_fleet_seed(void)
{
	static const char line[] =
		"node=node-a type=SYSCALL msg=audit(1795861500.000:900): "
		"arch=c000003e syscall=59 success=yes exit=0 ppid=3000 "
		"pid=3001 auid=0 uid=0 ses=7 comm=\"ls\"";
	struct acid_attr_seed s = {
		.size = sizeof(s), .uuid = TAGGED_B, .name = "tagged",
		.vm_pid = 3000, .node = "node-b",
	};
	struct acid_attr *a;

	if (acid_attr_new(ACID_ATTR_LIVE, &a) < 0)
		bail("acid_attr_new");
	is_int(acid_attr_seed(a, &s), 0, "seed: a run on node-b");
	is_str(acid_attr_get(a, 0)->node, "node-b", "seed: its node");
	is_int(acid_attr_seed_pid(a, TAGGED_B, "node-c", 3002), -ENOENT,
	       "seed_pid: a node no one named holds no run");
	is_int(acid_attr_seed_pid(a, TAGGED_B, NULL, 3002), -ENOENT,
	       "seed_pid: nor does the local node");
	is_int(acid_attr_seed_pid(a, TAGGED_B, "node-b", 3002), 0,
	       "seed_pid: node-b's run");
	s.node = "node-a";
	is_int(acid_attr_seed(a, &s), 0, "seed: the same ID on node-a");
	s.node = NULL;
	is_int(acid_attr_seed(a, &s), 0, "seed: and on the local node");
	is_int(acid_attr_seed(a, &s), -EEXIST, "seed: not twice");
	is_int(acid_attr_feed(a, line, sizeof(line) - 1), 0, "feed node-a");
	is_u64(acid_attr_get(a, 0)->events, 0, "seed: node-a's child of "
	       "pid 3000 is not node-b's");
	is_u64(acid_attr_get(a, 1)->events, 1, "seed: it is node-a's");
	is_u64(acid_attr_get(a, 2)->events, 0, "seed: not the local one's");
	ok(acid_attr_get(a, 2)->node == NULL, "seed: the local node: NULL");
	acid_attr_free(a);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		bail("usage: test-auditlog-fleet DATADIR");
	datadir = argv[1];
	for (int ref = 0; ref <= 1; ref++)
		test_fleet(ref);
	test_fleet_seed();
	return tap_done();
}
