// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * joiners - audisp-acid's view of processes that join a registered
 * container from outside: runc exec, crun exec, podman exec (conmon runs
 * runc exec), nsenter. Such a process is a child of the runtime on the
 * host, not a descendant of the container's init nor in its session, so
 * attribution by ancestry misses it; its namespaces say whose it is, but
 * only while it lives, and the log does not hold them. The plugin reads
 * them as the records come and writes what it found into the log, as the
 * link record (VIRT_CONTROL op=exec reason=setns, acid_log_exec), for
 * every later reader.
 *
 * Which processes: only the candidates the records name, never the host's
 * other processes. Each SYSCALL record is looked at before it is fed to
 * the attribution:
 *   - setns, successful, by a process that was no container's: its
 *     caller is a joiner (nsenter itself, runc's [1:CHILD], crun's exec
 *     child) when its parent is in no registered container
 *     (acid_lookup_pid -ENOENT: the runtime, a shell on the host; that
 *     parent gone, the caller's parent now; both gone, unknown: a joiner
 *     whose siblings alone can be candidates). A container's process
 *     entering namespaces (its own, or its container's) is no joiner.
 *     Examined at each of its setns records (it enters one kind at a
 *     time) until it is placed;
 *   - clone, clone3, fork, vfork, successful, by a joiner in the host's
 *     pid namespace (NSpid of one level, read while the caller lives): the
 *     child (the exit value, the child's pid where the caller is: a
 *     joiner entered the pid namespace for its children only). A caller
 *     in another pid namespace (a container's init that entered
 *     namespaces), or gone: its child is not followed;
 *   - any record of a process whose parent is a recent joiner's parent,
 *     and whose parent now is in no registered container: runc's exec'd
 *     process is the joiner's sibling (CLONE_PARENT), and crun's is
 *     reparented to the runtime once the joiner exits.
 * Examined: a pid gone, or whose process started after the record (a
 * newer process under a reused pid), gets nothing; acid_lookup_ns (its
 * namespaces read while it is held); then the start time again (the
 * same process still); in no registered running container: nothing. A
 * match whose parent is the container's init or a process linked here
 * already is a descendant (ancestry places it): no link. Otherwise the
 * process is given to the attribution at once (acid_attr_seed_pid: before
 * the record that triggered the look is fed, so that event is the
 * container's already) and the link record is sent, trigger= that
 * record's event id.
 *
 * Bounds: a joiner is followed JOIN_WINDOW_MS of record time; a record
 * older than MAX_AGE_SEC by the wall clock (a backlog, a replayed log) is
 * not acted on: its pids may be others' by now. At most LINK_RATE links
 * are sent a second (each is a blocking send in this single thread); one
 * over the bound gets neither link nor seed, is counted, and said at most
 * once a minute. Reading /proc and one netlink send per link are all the
 * work; nothing sleeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <acid/libacid.h>

#include "joiners.h"
#include "procfs.h"
#include "say.h"

#define JOINERS 64		/* joiners followed at once (oldest go) */
#define RING 256		/* pids examined / linked, remembered */
#define JOIN_WINDOW_MS 10000	/* how long a joiner's kin are looked at */
#define MAX_AGE_SEC 5		/* records older than this: not acted on */
#define JOINER_TRIES 32		/* examinations of one joiner at most */
#define SC_CACHE 64
#define LINK_RATE 16		/* link sends a second at most */

enum sc_class { SC_UNKNOWN = 0, SC_OTHER, SC_SETNS, SC_FORK };

struct joiner {
	pid_t pid, ppid;	/* 0: free */
	int64_t ms;		/* its last setns, record time */
	unsigned int tries;
	bool linked;
};

struct seen {
	pid_t pid;		/* 0: free */
	int64_t ms;
	char uuid[ACID_ID_STRLEN];	/* linked: to which; examined: "" */
};

struct joiners {
	struct acid_ctx *ctx;
	struct joiner joiner[JOINERS];
	size_t next_joiner;
	struct seen linked[RING], examined[RING];
	size_t next_linked, next_examined;
	struct {
		uint32_t arch;
		long nr;
		unsigned char cls;
	} sc[SC_CACHE];
	int64_t last_join_ms;	/* the newest setns seen (record time) */
	char host[256];		/* gethostname(): this node's records */
	char *carry;		/* the start of a line cut between reads */
	size_t carry_len;
	bool carry_long;	/* longer than a record can be: not looked at */
	unsigned long linked_n, failed_n, limited_n;
	bool failing, limited_said;
	int64_t rate_sec;	/* the second (monotonic) links are counted in */
	int64_t limited_sec;	/* when the bound was last said */
	unsigned int rate_n;	/* links sent in it */
	long hz;		/* clock ticks a second (/proc/<pid>/stat) */
};

/* One SYSCALL record, its kernel-written fields. */
struct rec {
	char node[256];		/* "" none */
	char trigger[48];	/* SEC.MSEC:SERIAL */
	int64_t ms;		/* its time, ms since the epoch */
	uint32_t arch;
	long nr;
	bool success;
	long long exit;
	pid_t ppid, pid;
};

struct joiners *joiners_new(int *err)
{
	struct acid_opts opts = { .size = sizeof(opts) };
	struct joiners *j = calloc(1, sizeof(*j));
	int r;

	if (!j) {
		*err = -ENOMEM;
		return NULL;
	}
	r = acid_ctx_new(&opts, &j->ctx);
	if (r < 0) {
		free(j);
		*err = r;
		return NULL;
	}
	if (gethostname(j->host, sizeof(j->host) - 1) < 0)
		j->host[0] = 0;
	j->hz = sysconf(_SC_CLK_TCK);
	return j;
}

void joiners_free(struct joiners *j)
{
	if (!j)
		return;
	acid_ctx_free(j->ctx);
	free(j->carry);
	free(j);
}

unsigned long joiners_linked(const struct joiners *j)
{
	return j ? j->linked_n : 0;
}

unsigned long joiners_failed(const struct joiners *j)
{
	return j ? j->failed_n : 0;
}

unsigned long joiners_limited(const struct joiners *j)
{
	return j ? j->limited_n : 0;
}

/* A decimal (optionally negative) or hex number of @n bytes, whole. */
static bool number(const char *s, size_t n, bool hex, long long *out)
{
	unsigned long long v = 0;
	bool neg = !hex && n && *s == '-';

	if (neg) {
		s++;
		n--;
	}
	if (n == 0 || n > (hex ? 16 : 19))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned int d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned int)(s[i] - '0');
		else if (hex && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned int)(s[i] - 'a' + 10);
		else if (hex && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned int)(s[i] - 'A' + 10);
		else
			return false;
		v = v * (hex ? 16 : 10) + d;
	}
	if (!hex && v > INT64_MAX)
		return false;
	*out = neg ? -(long long)v : (long long)v;
	return true;
}

enum {
	F_ARCH = 1, F_SYSCALL = 2, F_SUCCESS = 4, F_EXIT = 8, F_PPID = 16,
	F_PID = 32, F_ALL = 63
};

/*
 * A SYSCALL record's head: node= (if any), the event id and time; *@pp
 * then points at its fields.
 */
static bool parse_head(const char *line, size_t len, struct rec *r,
		       const char **pp)
{
	const char *p = line, *end = line + len, *close, *dot, *colon;
	long long sec, msec, serial;
	size_t n;

	r->node[0] = 0;
	if (len > 5 && !memcmp(p, "node=", 5)) {
		const char *sp = memchr(p, ' ', len);

		if (!sp || (n = (size_t)(sp - p - 5)) >= sizeof(r->node))
			return false;
		memcpy(r->node, p + 5, n);
		r->node[n] = 0;
		p = sp + 1;
	}
	if (end - p < 24 || memcmp(p, "type=SYSCALL msg=audit(", 23))
		return false;
	p += 23;
	/* SEC.MSEC:SERIAL) */
	close = memchr(p, ')', (size_t)(end - p));
	if (!close || (n = (size_t)(close - p)) >= sizeof(r->trigger))
		return false;
	dot = memchr(p, '.', n);
	colon = memchr(p, ':', n);
	if (!dot || !colon || colon != dot + 4 ||
	    !number(p, (size_t)(dot - p), false, &sec) || sec < 0 ||
	    !number(dot + 1, 3, false, &msec) || msec < 0 ||
	    !number(colon + 1, (size_t)(close - colon - 1), false, &serial) ||
	    serial < 0 || sec > INT64_MAX / 2000)
		return false;
	memcpy(r->trigger, p, n);
	r->trigger[n] = 0;
	r->ms = sec * 1000 + msec;
	*pp = close + 1;
	return true;
}

/*
 * The fields @want of the record, from *@pp on (left after the last one
 * read: the kernel writes them in this order, arch first, pid last, so a
 * second call goes on where the first stopped). Untrusted strings (comm,
 * exe) are quoted without spaces or hex-encoded, so a space always ends
 * a field; auditd's enrichment after 0x1d has upper-case names only.
 * Returns whether all of @want were found.
 */
static bool parse_fields(const char **pp, const char *end, struct rec *r,
			 int *have, int want)
{
	const char *p = *pp;
	long long v;

	while (p < end && (*have & want) != want) {
		const char *sp, *eq;

		while (p < end && *p == ' ')
			p++;
		sp = memchr(p, ' ', (size_t)(end - p));
		if (!sp)
			sp = end;
		eq = memchr(p, '=', (size_t)(sp - p));
		if (eq) {
			size_t kn = (size_t)(eq - p), vn = (size_t)(sp - eq - 1);
			const char *val = eq + 1;

#define KEY(k) (kn == sizeof(k) - 1 && !memcmp(p, k, kn))
			if (KEY("arch") && number(val, vn, true, &v)) {
				r->arch = (uint32_t)v;
				*have |= F_ARCH;
			} else if (KEY("syscall") &&
				   number(val, vn, false, &v)) {
				r->nr = (long)v;
				*have |= F_SYSCALL;
			} else if (KEY("success")) {
				r->success = vn == 3 && !memcmp(val, "yes", 3);
				*have |= F_SUCCESS;
			} else if (KEY("exit") && number(val, vn, false, &v)) {
				r->exit = v;
				*have |= F_EXIT;
			} else if (KEY("ppid") && number(val, vn, false, &v) &&
				   v >= 0 && v <= INT32_MAX) {
				r->ppid = (pid_t)v;
				*have |= F_PPID;
			} else if (KEY("pid") && number(val, vn, false, &v) &&
				   v > 0 && v <= INT32_MAX) {
				r->pid = (pid_t)v;
				*have |= F_PID;
			}
#undef KEY
		}
		p = sp;
	}
	*pp = p;
	return (*have & want) == want;
}

/* setns, the fork family or another, for this record's ABI (cached). */
static enum sc_class classify(struct joiners *j, uint32_t arch, long nr)
{
	size_t i = ((size_t)arch * 31u + (size_t)nr) % SC_CACHE;
	const char *name;
	int machine;
	enum sc_class cls = SC_OTHER;

	if (j->sc[i].cls != SC_UNKNOWN && j->sc[i].arch == arch &&
	    j->sc[i].nr == nr)
		return j->sc[i].cls;
	machine = audit_elf_to_machine(arch);
	name = machine < 0 || nr < 0 ? NULL
				     : audit_syscall_to_name((int)nr, machine);
	if (name && !strcmp(name, "setns"))
		cls = SC_SETNS;
	else if (name && (!strcmp(name, "clone") || !strcmp(name, "clone3") ||
			  !strcmp(name, "fork") || !strcmp(name, "vfork")))
		cls = SC_FORK;
	j->sc[i].arch = arch;
	j->sc[i].nr = nr;
	j->sc[i].cls = (unsigned char)cls;
	return cls;
}

/*
 * A record of this machine: no node=, or the node name this host gives
 * (auditd's name_format hostname or fqd: the first label compared).
 */
static bool local(const struct joiners *j, const char *node)
{
	size_t a, b;

	if (!*node)
		return true;
	if (!*j->host)
		return false;
	a = strcspn(node, ".");
	b = strcspn(j->host, ".");
	return a == b && !memcmp(node, j->host, a);
}

static struct joiner *find_joiner(struct joiners *j, pid_t pid, int64_t ms)
{
	for (size_t i = 0; i < JOINERS; i++)
		if (j->joiner[i].pid == pid &&
		    ms - j->joiner[i].ms <= JOIN_WINDOW_MS)
			return &j->joiner[i];
	return NULL;
}

static struct seen *find_seen(struct seen *ring, pid_t pid, int64_t ms,
			      const char *uuid)
{
	for (size_t i = 0; i < RING; i++)
		if (ring[i].pid == pid && ms - ring[i].ms <= JOIN_WINDOW_MS &&
		    (!uuid || !strcmp(ring[i].uuid, uuid)))
			return &ring[i];
	return NULL;
}

static void add_seen(struct seen *ring, size_t *next, pid_t pid, int64_t ms,
		     const char *uuid)
{
	struct seen *s = &ring[*next % RING];

	s->pid = pid;
	s->ms = ms;
	snprintf(s->uuid, sizeof(s->uuid), "%s", uuid ? uuid : "");
	*next = (*next + 1) % RING;
}

/*
 * The parent of @pid and its start time (clock ticks since boot) as
 * /proc shows them now. Returns false when it is gone or unreadable.
 */
static bool proc_stat(const struct joiners *j, pid_t pid, pid_t *ppid,
		      unsigned long long *start)
{
	return procfs_stat(acid_ctx_proc_root(j->ctx), pid, ppid, start) == 0;
}

/*
 * Did a process that started @start ticks after boot start no later than
 * the record time @ms (START_SLACK_MS for the tick's and the record
 * clock's coarseness)? The boot's wall-clock time from CLOCK_REALTIME -
 * CLOCK_BOOTTIME now (starttime counts boot time), so a pid reused a
 * tenth of a second after the record is told, not only a second after.
 */
#define START_SLACK_MS 100
static bool started_before(const struct joiners *j, unsigned long long start,
			   int64_t ms)
{
	struct timespec rt, bt;
	int64_t boot_ms, start_ms;

	if (j->hz <= 0 || clock_gettime(CLOCK_REALTIME, &rt) < 0 ||
	    clock_gettime(CLOCK_BOOTTIME, &bt) < 0)
		return false;
	boot_ms = ((int64_t)rt.tv_sec - (int64_t)bt.tv_sec) * 1000 +
		  ((int64_t)rt.tv_nsec - (int64_t)bt.tv_nsec) / 1000000;
	if (start > (unsigned long long)INT64_MAX / 1000)
		return false;
	start_ms = boot_ms + (int64_t)(start * 1000 / (unsigned long long)j->hz);
	return start_ms <= ms + START_SLACK_MS;
}

bool joiners_started_by(const struct joiners *j, pid_t pid, int64_t ms)
{
	unsigned long long start;
	pid_t ppid;

	return j && pid > 0 && proc_stat(j, pid, &ppid, &start) &&
	       started_before(j, start, ms);
}

/*
 * The number of pid namespaces @pid is in (NSpid's fields): 1 for a
 * process in the host's; 0 when it cannot be read.
 */
static int pid_levels(const struct joiners *j, pid_t pid)
{
	long ids[64];

	return procfs_nspid(acid_ctx_proc_root(j->ctx), pid, ids, 64);
}

/*
 * May the exit= of @r, a clone by a joiner, be taken as a host pid? Only
 * when the caller (the same process: started by the record) is in the
 * host's pid namespace; a clone's exit= is the child's pid where the
 * caller is, and a caller in a container's pid namespace would name a
 * host process of another. A caller gone: its child is not followed.
 */
static bool exit_is_host_pid(const struct joiners *j, const struct rec *r)
{
	return joiners_started_by(j, r->pid, r->ms) && pid_levels(j, r->pid) == 1;
}

/* @pid's parent now is in no registered container (acid_lookup_pid:
 * -ENOENT), @pid alive. */
static bool parent_outside(const struct joiners *j, pid_t pid)
{
	struct acid_entry *e = NULL;
	unsigned long long start;
	pid_t parent;
	int err;

	if (!proc_stat(j, pid, &parent, &start) || parent <= 0)
		return false;
	err = acid_lookup_pid(j->ctx, parent, &e);
	acid_entry_free(e);
	return err == -ENOENT;
}

/*
 * Does the caller @pid of a setns record (its parent @ppid then, time
 * @ms) join from outside? Its parent in no registered container
 * (acid_lookup_pid -ENOENT), as for runc's and crun's exec child (their
 * parent is the runtime) and nsenter (a shell's child): 1. A process of
 * a container entering namespaces: 0. The record's parent gone (or its
 * pid a newer process's): the caller's parent now (an orphan of a
 * container is its init's, or a subreaper's in it). Both gone: -ESRCH,
 * unknown (runc's [1:CHILD] and its parent live a few milliseconds).
 */
int joiners_outside(const struct joiners *j, pid_t pid, pid_t ppid,
		    int64_t ms)
{
	struct acid_entry *e = NULL;
	unsigned long long start;
	pid_t parent = ppid;
	int err;

	if (!j || ppid <= 0)
		return 0;
	if (!joiners_started_by(j, ppid, ms)) {
		if (!proc_stat(j, pid, &parent, &start) ||
		    !started_before(j, start, ms))
			return -ESRCH;
		if (parent <= 0)
			return 0;
	}
	err = acid_lookup_pid(j->ctx, parent, &e);
	acid_entry_free(e);
	return err == -ENOENT;
}

bool joiners_sibling_outside(const struct joiners *j, pid_t pid)
{
	return j && pid > 0 && parent_outside(j, pid);
}

/* One more link send this second, or over LINK_RATE: false. */
static bool rate_ok(struct joiners *j)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) < 0)
		return true;
	if ((int64_t)now.tv_sec != j->rate_sec) {
		j->rate_sec = (int64_t)now.tv_sec;
		j->rate_n = 0;
	}
	if (j->rate_n >= LINK_RATE)
		return false;
	j->rate_n++;
	return true;
}

/*
 * @pid, named by record @r: in a registered running container? Then to
 * the attribution and into the log. Returns true when it was placed
 * (linked now, or already).
 */
static bool examine(struct joiners *j, struct acid_attr *a,
		    const struct rec *r, pid_t pid)
{
	struct acid_entry *e = NULL;
	char id[ACID_ID_STRLEN];
	unsigned long long start, start2;
	pid_t ppid;
	bool placed = false;
	int err;

	if (pid <= 1)
		return false;
	add_seen(j->examined, &j->next_examined, pid, r->ms, NULL);
	/* gone, or a newer process under its pid (started after the
	 * record: the record's one exited and its pid was reused) */
	if (!proc_stat(j, pid, &ppid, &start) ||
	    !started_before(j, start, r->ms))
		return false;
	/* nobody's: no link */
	if (acid_lookup_ns(j->ctx, pid, &e) < 0)
		return false;
	/* the same process still, after the lookup */
	if (!proc_stat(j, pid, &ppid, &start2) || start2 != start)
		goto out;
	if (acid_id_format(acid_entry_id(e), id, sizeof(id)) < 0 ||
	    pid == acid_entry_pid(e))
		goto out;
	placed = true;
	if (find_seen(j->linked, pid, r->ms, id))
		goto out;
	/* a descendant of the init or of a process linked here: its
	 * ancestry places it */
	if (ppid > 0 && (ppid == acid_entry_pid(e) ||
			 find_seen(j->linked, ppid, r->ms, id)))
		goto out;
	/* bounded: a flood of candidates costs at most LINK_RATE blocking
	 * sends a second; the others get nothing (counted) */
	if (!rate_ok(j)) {
		j->limited_n++;
		if (!j->limited_said || j->rate_sec - j->limited_sec >= 60) {
			say("more than %d links a second: process %d not "
			    "linked to container %s (%lu not linked so far; "
			    "said at most once a minute)", LINK_RATE, (int)pid,
			    id, j->limited_n);
			j->limited_said = true;
			j->limited_sec = j->rate_sec;
		}
		goto out;
	}
	/* the attribution first: the record that triggered this is fed
	 * after, its event the container's */
	if (acid_attr_seed_pid(a, id, r->node[0] ? r->node : NULL, pid) ==
		    -ENOENT &&
	    r->node[0])
		acid_attr_seed_pid(a, id, NULL, pid);
	add_seen(j->linked, &j->next_linked, pid, r->ms, id);
	err = acid_log_exec(j->ctx, e, "setns", pid, 0, r->trigger);
	if (err < 0) {
		j->failed_n++;
		if (!j->failing)
			say("sending the link of process %d to container %s: "
			    "%s (said once until one is sent)", (int)pid, id,
			    acid_ctx_errmsg(j->ctx) ? acid_ctx_errmsg(j->ctx)
						    : acid_strerror(err));
		j->failing = true;
	} else {
		j->linked_n++;
		j->failing = false;
	}
out:
	acid_entry_free(e);
	return placed;
}

/*
 * One record line: when it names a candidate, the bytes before it go to
 * the attribution first (feed_before), then the candidates are examined.
 */
static int look(struct joiners *j, struct acid_attr *a, const char *line,
		size_t len, int (*feed_before)(void *), void *arg)
{
	struct joiner *jn;
	struct rec r;
	enum sc_class cls;
	pid_t cand[3];
	size_t nc = 0;
	const char *p, *end = line + len;
	int have = 0, ret;

	if (len < 24 || !parse_head(line, len, &r, &p) || !local(j, r.node))
		return 0;
	if (r.ms / 1000 + MAX_AGE_SEC < (int64_t)time(NULL) ||
	    !parse_fields(&p, end, &r, &have, F_ARCH | F_SYSCALL))
		return 0;
	cls = classify(j, r.arch, r.nr);
	/* no joiner of late (nearly always): only a setns matters */
	if (cls != SC_SETNS && r.ms - j->last_join_ms > JOIN_WINDOW_MS)
		return 0;
	if (!parse_fields(&p, end, &r, &have, F_ALL))
		return 0;
	jn = find_joiner(j, r.pid, r.ms);
	/* a setns by a process that was a container's before: not a
	 * joiner (nor its children and siblings). Unknown (both gone): a
	 * joiner, whose only candidates can be its siblings (it cannot be
	 * examined, nor its children named), each checked itself */
	if (cls == SC_SETNS && r.success &&
	    (jn || joiners_outside(j, r.pid, r.ppid, r.ms) != 0)) {
		if (!jn) {
			jn = &j->joiner[j->next_joiner];
			j->next_joiner = (j->next_joiner + 1) % JOINERS;
			memset(jn, 0, sizeof(*jn));
			jn->pid = r.pid;
		}
		jn->ppid = r.ppid;
		jn->ms = r.ms;
		if (r.ms > j->last_join_ms)
			j->last_join_ms = r.ms;
	}
	/* the joiner itself, until it is placed */
	if (jn && !jn->linked && jn->tries < JOINER_TRIES &&
	    (cls == SC_SETNS || cls == SC_FORK))
		cand[nc++] = r.pid;
	/* its child */
	if (jn && cls == SC_FORK && r.success && r.exit > 1 &&
	    r.exit <= INT32_MAX &&
	    !find_seen(j->examined, (pid_t)r.exit, r.ms, NULL) &&
	    exit_is_host_pid(j, &r))
		cand[nc++] = (pid_t)r.exit;
	/* a sibling: a process whose parent is a joiner's parent, and is
	 * in no registered container now (the runtime, or, that one gone,
	 * the runtime above it: a container's orphans are its init's, or a
	 * subreaper's in it) */
	if (!jn && r.ppid > 1 && !find_seen(j->examined, r.pid, r.ms, NULL))
		for (size_t i = 0; i < JOINERS; i++)
			if (j->joiner[i].pid && j->joiner[i].ppid == r.ppid &&
			    r.ms - j->joiner[i].ms <= JOIN_WINDOW_MS &&
			    r.ms >= j->joiner[i].ms) {
				if (parent_outside(j, r.pid))
					cand[nc++] = r.pid;
				else
					add_seen(j->examined, &j->next_examined,
						 r.pid, r.ms, NULL);
				break;
			}
	if (!nc)
		return 0;
	ret = feed_before(arg);
	if (ret)
		return ret;
	for (size_t i = 0; i < nc; i++) {
		if (jn && cand[i] == jn->pid) {
			jn->tries++;
			jn->linked = examine(j, a, &r, cand[i]);
		} else {
			examine(j, a, &r, cand[i]);
		}
	}
	return 0;
}

struct feed_state {
	struct acid_attr *a;
	const char *data;
	size_t from, to;	/* the bytes not yet fed: [from, to) */
};

static int feed_pending(void *arg)
{
	struct feed_state *f = arg;
	int r = 0;

	if (f->to > f->from)
		r = acid_attr_feed_bytes(f->a, f->data + f->from,
					 f->to - f->from);
	f->from = f->to;
	return r;
}

int joiners_feed_bytes(struct joiners *j, struct acid_attr *a,
		       const char *data, size_t len)
{
	struct feed_state f = { .a = a, .data = data };
	size_t pos = 0;
	int r;

	if (!j)
		return acid_attr_feed_bytes(a, data, len);
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		const char *line = data + pos;
		size_t llen = end - pos;

		/* a line begun in an earlier read: its start is kept */
		if (j->carry_len || j->carry_long || !nl) {
			if (!j->carry_long &&
			    j->carry_len + llen <= ACID_ATTR_MAX_LINE) {
				char *c = realloc(j->carry,
						  j->carry_len + llen + 1);

				if (c) {
					memcpy(c + j->carry_len, line, llen);
					j->carry = c;
					j->carry_len += llen;
				} else {
					j->carry_long = true;
				}
			} else {
				j->carry_long = true;
			}
			if (!nl)
				break;
			line = j->carry;
			llen = j->carry_len;
		}
		if (!j->carry_long && llen) {
			f.to = pos;
			r = look(j, a, line, llen, feed_pending, &f);
			if (r)
				return r;
		}
		j->carry_len = 0;
		j->carry_long = false;
		pos = end + 1;
	}
	f.to = len;
	return feed_pending(&f);
}
