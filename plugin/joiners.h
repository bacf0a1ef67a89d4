/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * joiners - processes that join a registered container from outside
 * (runc exec, crun exec, podman exec, nsenter): seen by their setns(2)
 * records, placed by their namespaces while they live (acid_lookup_ns),
 * handed to the attribution at once and linked in the audit log
 * (acid_log_exec, reason=setns). See joiners.c.
 */
#ifndef ACID_PLUGIN_JOINERS_H
#define ACID_PLUGIN_JOINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <acid/attribution.h>

struct joiners;

/* A new tracker with its own libacid context; NULL when out of memory or
 * when libacid cannot make a context (said on stderr by the caller). */
struct joiners *joiners_new(int *err);
void joiners_free(struct joiners *j);

/*
 * joiners_feed_bytes - what acid_attr_feed_bytes(@a, @data, @len) does,
 * each complete record line looked at first: a record that makes a
 * process the container's is fed after that process was given to @a
 * (acid_attr_seed_pid), so that its own event is the container's. @j
 * NULL: acid_attr_feed_bytes alone. Returns as acid_attr_feed_bytes.
 */
int joiners_feed_bytes(struct joiners *j, struct acid_attr *a,
		       const char *data, size_t len);

/* How many links were sent, and how many failed to send (at the end). */
unsigned long joiners_linked(const struct joiners *j);
unsigned long joiners_failed(const struct joiners *j);
/* How many were not sent, over the bound of link sends a second. */
unsigned long joiners_limited(const struct joiners *j);

/*
 * The checks a candidate passes (exposed for tests/unit/test-joiners.c):
 * joiners_started_by - @pid lives and started no later than the record
 * time @ms (ms since the epoch): a newer process under a reused pid is
 * not the record's;
 * joiners_outside - the caller @pid of a setns record (parent @ppid in
 * the record, time @ms) joins from outside: its parent is in no
 * registered container (1); a container's process (0); -ESRCH unknown
 * (the record's parent and the caller both gone);
 * joiners_sibling_outside - @pid's parent now is in no registered
 * container (a joiner's sibling is examined only then).
 */
bool joiners_started_by(const struct joiners *j, pid_t pid, int64_t ms);
int joiners_outside(const struct joiners *j, pid_t pid, pid_t ppid,
		    int64_t ms);
bool joiners_sibling_outside(const struct joiners *j, pid_t pid);

#endif /* ACID_PLUGIN_JOINERS_H */
