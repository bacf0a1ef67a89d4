// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * audisp-acid's namespace changes: the SYSCALL records of unshare, setns,
 * clone and clone3 that acid.rules has the kernel log, looked at as the
 * plugin reads them (before the attribution library gets them), and for
 * a process of a registered container whose namespaces changed the
 * VIRT_RESOURCE resrc=ns record of SPEC "Live attribution", sent with
 * libacid's acid_log_ns_change() while the process lives.
 *
 * Which container: the one libacid places the process in now
 * (acid_lookup_pid: its nearest registered ancestor, else the container
 * whose pid or mount namespace it shares); a process gone before it
 * could be looked at is taken by its caller (clone) and then by the
 * record's ppid, the parent it had: a child of a container's process is
 * the container's. The caller must have been the container's before its
 * call: its init, or a process whose parent the container holds. So a
 * host process gets no record, nor does a runtime's process that joins a
 * container from the host (runc/crun exec, nsenter -t: its setns calls
 * are a joining, the link record's business, and it is half-joined
 * meanwhile).
 *
 * What changed: /proc/<task>/ns now, compared with the container's
 * namespaces as its registry entry holds them (what its start record
 * says), for the kinds the syscall can have changed: those its flags
 * name (unshare a0, clone a0, setns a1), every kind for setns with
 * nstype 0, and for clone3 (its flags are in memory, not in the record)
 * the kinds where the child's namespaces differ from its parent's. Only
 * kinds that differ from the container's are written; none: no record
 * (a setns into the container's own namespace changes nothing). A
 * process gone before its namespaces could be read (or whose pid a newer
 * process holds) gets task=gone and the kinds its flags name with
 * new-<kind>-ns=?: never a guessed inode.
 *
 * A clone's exit= is the child's pid in the caller's pid namespace: the
 * child's host pid is found among the caller's (or, CLONE_PARENT, its
 * parent's) children by NSpid; a child already reaped cannot be named in
 * host pids and gets no record. clone3 is every pthread_create and
 * posix_spawn, and its flags are in memory: it costs two stat(2)s for a
 * caller in the host's pid and mount namespaces (let go), and is not
 * looked at for a new thread of the caller or a caller of more than 64
 * threads; its child must be alive to be compared with its parent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <acid/attribution.h>
#include <acid/libacid.h>

#include "nschange.h"
#include "procfs.h"

/* The syscalls' numbers, by the audit arch of the record (AUDIT_ARCH_*). */
static const struct arch_calls {
	uint32_t arch;
	long clone, clone3, unshare, setns;
} arches[] = {
	{ 0xc000003eu, 56, 435, 272, 308 },  /* x86_64 (and x32) */
	{ 0x40000003u, 120, 435, 310, 346 }, /* i386 */
	{ 0xc00000b7u, 220, 435, 97, 268 },  /* aarch64 */
	{ 0x40000028u, 120, 435, 337, 375 }, /* arm */
};
#define X32_SYSCALL_BIT 0x40000000L

/* <linux/sched.h>; CLONE_NEWTIME is 0x80, which clone() reads as CSIGNAL */
#define F_NEWTIME 0x00000080ul
#define F_NEWNS 0x00020000ul
#define F_NEWCGROUP 0x02000000ul
#define F_NEWUTS 0x04000000ul
#define F_NEWIPC 0x08000000ul
#define F_NEWUSER 0x10000000ul
#define F_NEWPID 0x20000000ul
#define F_NEWNET 0x40000000ul
#define F_CSIGNAL 0x000000fful

#define BIT(k) (1u << (k))
#define ALL_KINDS ((1u << ACID_NS_COUNT) - 1)

struct nschange {
	struct acid_ctx *ctx;
	long long btime; /* boot time, seconds since the epoch; 0: unknown */
	long hz;
	char hostname[256]; /* gethostname(): this node's name */
	struct stat host[2]; /* pid 1's pid and mnt namespaces */
	bool host_known;
	char *part;	 /* a line cut by a read */
	size_t plen;
	bool skip;	 /* the cut line is too long: dropped to its end */
	/* counts, for a debugger's eye: records sent, not sent, clone
	 * children that could not be named in host pids */
	unsigned long sent, failed, unnamed;
	uint64_t said[4]; /* errnos said once (< 256) */
};

/* The kinds a namespace flag word changes for the calling process itself
 * (unshare, setns) or for the child (clone: its own pid and time
 * namespaces are the new ones too). */
static unsigned int flag_kinds(unsigned long f, bool child)
{
	unsigned int k = 0;

	if (f & F_NEWNS)
		k |= BIT(ACID_NS_MNT);
	if (f & F_NEWCGROUP)
		k |= BIT(ACID_NS_CGROUP);
	if (f & F_NEWUTS)
		k |= BIT(ACID_NS_UTS);
	if (f & F_NEWIPC)
		k |= BIT(ACID_NS_IPC);
	if (f & F_NEWUSER)
		k |= BIT(ACID_NS_USER);
	if (f & F_NEWNET)
		k |= BIT(ACID_NS_NET);
	if (f & F_NEWPID)
		k |= BIT(ACID_NS_PID_FOR_CHILDREN) |
		     (child ? BIT(ACID_NS_PID) : 0);
	if (f & F_NEWTIME)
		k |= BIT(ACID_NS_TIME_FOR_CHILDREN) |
		     (child ? BIT(ACID_NS_TIME) : 0);
	return k;
}

/* The table of @arch (x32's calls: the x86_64 numbers, *@nr made one). */
static const struct arch_calls *find_arch(uint32_t arch, long long *nr)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		if (arches[i].arch != arch)
			continue;
		if (arch == 0xc000003eu && (*nr & X32_SYSCALL_BIT))
			*nr &= ~X32_SYSCALL_BIT;
		return &arches[i];
	}
	return NULL;
}

/* A field's value: [p, end) holds "name=value ..."; the value's end. */
static bool num(const char *v, const char *end, int base, long long *out)
{
	char buf[32], *e;
	size_t n = (size_t)(end - v);

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = 0;
	errno = 0;
	if (base == 16) {
		unsigned long long u = strtoull(buf, &e, 16);

		*out = (long long)u;
	} else {
		*out = strtoll(buf, &e, 10);
	}
	return !errno && *e == 0;
}

int nschange_parse(const char *line, size_t len, struct nschange_call *out)
{
	static const char head[] = "type=SYSCALL msg=audit(";
	const char *p = line, *end = line + len, *q;
	long long arch = -1, nr = -1, ex = 0, a0 = 0, a1 = 0, ppid = -1,
		  pid = -1, v;
	bool ok = false, have_exit = false;
	const struct arch_calls *ac = NULL;
	unsigned long flags;

	memset(out, 0, sizeof(*out));
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	/* an aggregator's node=NAME first */
	if ((size_t)(end - p) > 5 && !memcmp(p, "node=", 5)) {
		q = memchr(p, ' ', (size_t)(end - p));
		if (!q)
			return 0;
		out->node = p + 5;
		out->node_len = (size_t)(q - out->node);
		p = q + 1;
	}
	if ((size_t)(end - p) < sizeof(head) - 1 ||
	    memcmp(p, head, sizeof(head) - 1))
		return 0;
	p += sizeof(head) - 1;
	/* SEC.MSEC:SERIAL) */
	q = memchr(p, ')', (size_t)(end - p));
	if (!q || q == p || (size_t)(q - p) >= sizeof(out->trigger))
		return 0;
	for (const char *d = p; d < q; d++)
		if ((*d < '0' || *d > '9') && *d != '.' && *d != ':')
			return 0;
	memcpy(out->trigger, p, (size_t)(q - p));
	out->trigger[q - p] = 0;
	out->sec = strtoll(out->trigger, NULL, 10);
	p = q + 1;
	if (end - p < 2 || p[0] != ':' || p[1] != ' ')
		return 0;
	p += 2;
	/*
	 * The kernel's fields, in its order: arch syscall success exit a0
	 * a1 a2 a3 items ppid pid auid ... comm exe. Nothing after pid is
	 * read (comm= and exe= are the program's choice).
	 */
	while (p < end && *p != 0x1d && pid < 0) {
		const char *eq, *ve;

		ve = p;
		while (ve < end && *ve != ' ' && *ve != 0x1d)
			ve++;
		eq = memchr(p, '=', (size_t)(ve - p));
		if (eq) {
			size_t nl = (size_t)(eq - p);
			const char *val = eq + 1;

#define IS(s) (nl == sizeof(s) - 1 && !memcmp(p, s, nl))
			if (IS("arch") && num(val, ve, 16, &v)) {
				arch = v;
			} else if (IS("syscall") && num(val, ve, 10, &v)) {
				nr = v;
				/* most records are of other calls: done */
				ac = find_arch((uint32_t)arch, &nr);
				if (!ac || (nr != ac->unshare &&
					    nr != ac->setns &&
					    nr != ac->clone &&
					    nr != ac->clone3))
					return 0;
			} else if (IS("success"))
				ok = ve - val == 3 && !memcmp(val, "yes", 3);
			else if (IS("exit") && num(val, ve, 10, &v)) {
				ex = v;
				have_exit = true;
			} else if (IS("a0") && num(val, ve, 16, &v))
				a0 = v;
			else if (IS("a1") && num(val, ve, 16, &v))
				a1 = v;
			else if (IS("ppid") && num(val, ve, 10, &v))
				ppid = v;
			else if (IS("pid") && num(val, ve, 10, &v))
				pid = v;
			else if (IS("comm"))
				break;
#undef IS
		}
		p = ve < end && *ve == ' ' ? ve + 1 : ve;
	}
	if (!ok || !ac || pid <= 0 || pid > ACID_PID_MAX || ppid < 0 ||
	    ppid > ACID_PID_MAX)
		return 0;
	out->pid = (int)pid;
	out->ppid = (int)ppid;
	out->task = (int)pid;
	if (nr == ac->unshare) {
		flags = (unsigned long)(uint32_t)a0;
		out->reason = NSCHANGE_UNSHARE;
		out->kinds = out->compare = flag_kinds(flags, false);
	} else if (nr == ac->setns) {
		flags = (unsigned long)(uint32_t)a1;
		out->reason = NSCHANGE_SETNS;
		out->kinds = flag_kinds(flags, false);
		if (flags & F_NEWTIME) /* both: the kernel switches them */
			out->kinds |= BIT(ACID_NS_TIME);
		/* nstype 0: any kind the file descriptor's namespace is,
		 * but the caller's own pid namespace, which setns never
		 * changes (only the one its children get) */
		out->compare = flags ? out->kinds
				     : ALL_KINDS & ~BIT(ACID_NS_PID);
	} else if (nr == ac->clone) {
		flags = (unsigned long)(uint32_t)a0 & ~F_CSIGNAL;
		out->reason = NSCHANGE_CLONE;
		out->kinds = out->compare = flag_kinds(flags, true);
	} else if (nr == ac->clone3) {
		out->reason = NSCHANGE_CLONE3;
		out->compare = ALL_KINDS;
	} else {
		return 0;
	}
	if (out->reason == NSCHANGE_CLONE || out->reason == NSCHANGE_CLONE3) {
		if (!have_exit || ex <= 0 || ex > ACID_PID_MAX)
			return 0;
		out->task = (int)ex;
	}
	if (!out->compare) { /* unshare(CLONE_FILES), a plain clone... */
		out->reason = NSCHANGE_NONE;
		return 0;
	}
	return 1;
}

/* Boot time from <proc>/stat, for telling a reused pid. */
static long long boot_time(const char *proc)
{
	char path[4096], line[256];
	long long bt = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stat", proc);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %lld", &bt) == 1)
			break;
	fclose(f);
	return bt;
}

/*
 * Did @pid start no later than the event (second @sec, one second's
 * slack for the clocks' rounding)? A newer process holding the pid is
 * not the one that changed: false. Unknown: true.
 */
static bool started_by(const struct nschange *n, int pid, long long sec)
{
	unsigned long long start;
	pid_t ppid;
	int r;

	if (!n->btime || n->hz <= 0)
		return true;
	r = procfs_stat(acid_ctx_proc_root(n->ctx), pid, &ppid, &start);
	if (r == -EBADMSG)
		return true;
	if (r < 0) /* gone; unreadable for another reason: unknown */
		return r != -ENOENT && r != -ESRCH;
	return n->btime + (long long)(start / (unsigned long long)n->hz) <=
	       sec + 1;
}

/*
 * NSpid of @pid (its pid in each pid namespace it is in, the host's
 * first): how many, up to @max, into @ids; 0 when it cannot be read.
 */
static int read_nspid(const struct nschange *n, int pid, long *ids, int max)
{
	return procfs_nspid(acid_ctx_proc_root(n->ctx), pid, ids, max);
}

/*
 * The host pid of the child that @c's clone returned as @c->task, a pid
 * in the caller's own pid namespace (the record's exit=): the caller's
 * child (or, CLONE_PARENT, its parent's) whose pid at the caller's level
 * is that. A caller in the host's pid namespace: the number itself.
 * 0 and *@task; -ESRCH when the caller or the child (reaped) is gone.
 */
#define TASKS_MAX 1024
/* clone3 (threads are made with it): a process of more threads is not
 * searched (its flags are not in the record: most calls make threads) */
#define CLONE3_TASKS_MAX 64
static int child_host_pid(const struct nschange *n,
			  const struct nschange_call *c, int *task)
{
	int max = c->reason == NSCHANGE_CLONE3 ? CLONE3_TASKS_MAX : TASKS_MAX;
	const char *proc = acid_ctx_proc_root(n->ctx);
	int parents[2] = { c->pid, c->ppid };
	long ids[64];
	int lv = read_nspid(n, c->pid, ids, 64);

	if (lv <= 0)
		return -ESRCH;
	if (lv == 1) {
		*task = c->task;
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		char path[4096];
		struct dirent *de;
		int tasks = 0;
		DIR *d;

		if (parents[i] <= 1)
			continue;
		snprintf(path, sizeof(path), "%s/%d/task", proc, parents[i]);
		d = opendir(path);
		while (d && (de = readdir(d)) && tasks++ < max + 2) {
			char kids[4096], *p;
			ssize_t len;
			int fd;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "%s/%d/task/%s/children",
				 proc, parents[i], de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			len = read(fd, kids, sizeof(kids) - 1);
			close(fd);
			if (len <= 0)
				continue;
			kids[len] = 0;
			for (p = kids; *p;) {
				char *e;
				long kid = strtol(p, &e, 10), kids_ids[64];

				if (e == p)
					break;
				p = e;
				if (read_nspid(n, (int)kid, kids_ids, 64) >= lv &&
				    kids_ids[lv - 1] == c->task) {
					closedir(d);
					*task = (int)kid;
					return 0;
				}
			}
		}
		if (d)
			closedir(d);
	}
	return -ESRCH;
}

static bool ns_differ(const struct acid_ns_set *a, enum acid_ns_kind ka,
		      const struct acid_ns_set *b, enum acid_ns_kind kb)
{
	struct acid_ns_id x, y;

	if (acid_ns_get(a, ka, &x) < 0 || acid_ns_get(b, kb, &y) < 0)
		return false;
	return x.ino != y.ino || x.dev_major != y.dev_major ||
	       x.dev_minor != y.dev_minor;
}

/*
 * A task that has exited and not yet been reaped (a zombie) still shows
 * its pid and user namespaces and none of the others (its nsproxy is
 * gone: no mount namespace, which every live task has): gone, not
 * "unchanged" (the kinds it no longer shows would compare as equal).
 */
static bool exiting(const struct acid_ns_set *now)
{
	struct acid_ns_id id;

	return acid_ns_get(now, ACID_NS_MNT, &id) < 0;
}

static void say_once(struct nschange *n, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say_once(struct nschange *n, int err, const char *fmt, ...)
{
	char line[512];
	unsigned int e = err < 0 ? (unsigned int)-err : (unsigned int)err;
	va_list ap;

	if (e < 256) {
		if (n->said[e / 64] & (1ull << (e % 64)))
			return;
		n->said[e / 64] |= 1ull << (e % 64);
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "audisp-acid: %s\n", line);
	syslog(LOG_WARNING, "%s", line);
}

/*
 * The container @c's processes are in: of the task, else (gone) of its
 * caller, else of the caller's parent; a pid that a process newer than
 * the event holds counts as gone (a log read late, a pid reused). 0 and
 * *@out, or -ENOENT.
 */
static int container_of(struct nschange *n, const struct nschange_call *c,
			struct acid_entry **out)
{
	int cand[3] = { c->task, c->pid, c->ppid };
	int r = -ENOENT;

	int i;

	for (i = 0; i < 3; i++) {
		if (cand[i] <= 1 || (i && cand[i] == cand[i - 1]))
			continue;
		r = started_by(n, cand[i], c->sec) ?
			    acid_lookup_pid(n->ctx, cand[i], out) : -ESRCH;
		if (r != -ESRCH)
			break;
	}
	if (r < 0)
		return -ENOENT;
	/*
	 * The caller was the container's before its call: it is its init,
	 * or its parent is the container's too (placed by the parent, as
	 * the last candidate, it is). A process that joins from the host
	 * (runc/crun exec's setns, nsenter -t) is placed by the namespaces
	 * it joined, half-joined while it works: its parent, the runtime,
	 * is no container's, and its joining is no namespace change.
	 */
	if (i < 2 && c->pid != acid_entry_pid(*out)) {
		struct acid_entry *pe = NULL;
		bool same = c->ppid > 1 && started_by(n, c->ppid, c->sec) &&
			    acid_lookup_pid(n->ctx, c->ppid, &pe) == 0 &&
			    acid_id_equal(acid_entry_id(pe),
					  acid_entry_id(*out));

		acid_entry_free(pe);
		if (!same) {
			acid_entry_free(*out);
			*out = NULL;
			return -ENOENT;
		}
	}
	return 0;
}

/* Is @tid a thread of process @pid (not its first)? */
static bool is_thread_of(const struct nschange *n, int pid, int tid)
{
	char path[4096];

	if (tid == pid)
		return false;
	snprintf(path, sizeof(path), "%s/%d/task/%d",
		 acid_ctx_proc_root(n->ctx), pid, tid);
	return access(path, F_OK) == 0;
}

/* The nsfs identity of <proc>/<pid>/ns/<kind>; false when unreadable. */
static bool ns_stat(const struct nschange *n, const char *pid,
		    const char *kind, struct stat *st)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s/ns/%s",
		 acid_ctx_proc_root(n->ctx), pid, kind);
	return stat(path, st) == 0;
}

/*
 * Is @pid in the host's pid and mount namespaces both? Then no
 * container holds it but one that shares both with the host, which
 * acid_lookup_pid would place by its ancestry, dearly: for clone3 only.
 */
static bool host_pid_mnt(const struct nschange *n, int pid)
{
	static const char *const kinds[] = { "pid", "mnt" };
	char p[16];

	if (!n->host_known)
		return false;
	snprintf(p, sizeof(p), "%d", pid);
	for (int i = 0; i < 2; i++) {
		struct stat st;

		if (!ns_stat(n, p, kinds[i], &st) ||
		    st.st_ino != n->host[i].st_ino ||
		    st.st_dev != n->host[i].st_dev)
			return false;
	}
	return true;
}

static const char *reason_name(enum nschange_reason r)
{
	switch (r) {
	case NSCHANGE_UNSHARE:
		return "unshare";
	case NSCHANGE_SETNS:
		return "setns";
	default:
		return "clone";
	}
}

static void act(struct nschange *n, const struct nschange_call *c)
{
	struct acid_ns_set *now = NULL, *parent = NULL;
	const struct acid_ns_set *old;
	struct acid_entry *e = NULL;
	struct nschange_call call = *c;
	unsigned int compare = c->compare, kinds = 0;
	int r;

	/*
	 * clone3, the commonest of these calls (pthread_create,
	 * posix_spawn), its flags out of sight: a caller in the host's pid
	 * and mount namespaces is let go before anything else is read.
	 */
	if (c->reason == NSCHANGE_CLONE3 && host_pid_mnt(n, c->pid))
		return;
	/*
	 * A clone's exit= is the child's pid where the caller is: in a
	 * container's pid namespace, not the host's. A child that cannot
	 * be named in host pids gets no record (never a guessed pid).
	 */
	if ((c->reason == NSCHANGE_CLONE || c->reason == NSCHANGE_CLONE3) &&
	    child_host_pid(n, c, &call.task) < 0) {
		n->unnamed++;
		return;
	}
	c = &call;
	/* a new thread of the caller (CLONE_THREAD): not looked at (a
	 * thread made with new namespaces, which the kernel allows for
	 * some kinds, is missed) */
	if (c->reason == NSCHANGE_CLONE3 && is_thread_of(n, c->pid, c->task))
		return;
	/* first of all, while it may still live: what it is in now */
	r = acid_ns_collect_new(n->ctx, c->task, &now);
	if (r == -ENOENT) /* its /proc entry gone */
		r = -ESRCH;
	if (r == 0 && (!started_by(n, c->task, c->sec) ||
		       exiting(now))) {
		acid_ns_set_free(now);
		now = NULL;
		r = -ESRCH;
	}
	if (r < 0 && r != -ESRCH) {
		say_once(n, r, "reading the namespaces of pid %d: %s; "
			 "namespace changes it makes are not recorded",
			 c->task, acid_strerror(r));
		return;
	}
	if (c->reason == NSCHANGE_CLONE3) {
		/* the flags are not in the record: the child's namespaces
		 * against its parent's (a gone one: nothing known) */
		if (!now ||
		    acid_ns_collect_new(n->ctx, c->pid, &parent) < 0)
			goto out;
		compare = 0;
		for (int k = 0; k < ACID_NS_COUNT; k++) {
			enum acid_ns_kind pk = k;

			if (k == ACID_NS_PID)
				pk = ACID_NS_PID_FOR_CHILDREN;
			else if (k == ACID_NS_TIME)
				pk = ACID_NS_TIME_FOR_CHILDREN;
			if (ns_differ(now, k, parent, pk))
				compare |= BIT(k);
		}
		if (!compare)
			goto out;
	}
	if (container_of(n, c, &e) < 0)
		goto out;
	old = acid_entry_ns(e);
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		struct acid_ns_id id;

		if (!(compare & BIT(k)) || acid_ns_get(old, k, &id) < 0)
			continue;
		if (now ? ns_differ(now, k, old, k) : !!(c->kinds & BIT(k)))
			kinds |= BIT(k);
	}
	/* alive and nothing differs from the container's: no change */
	if (now && !kinds)
		goto out;
	r = acid_log_ns_change(n->ctx, e, reason_name(c->reason), c->task,
			       kinds, now, c->trigger);
	if (r < 0) {
		n->failed++;
		say_once(n, r, "sending the namespace change of pid %d "
			 "(event %s): %s; such records are lost until it "
			 "works", c->task, c->trigger,
			 acid_ctx_errmsg(n->ctx));
	} else {
		n->sent++;
	}
out:
	acid_entry_free(e);
	acid_ns_set_free(now);
	acid_ns_set_free(parent);
}

/*
 * A record of this machine: no node=, or the name auditd gives this host
 * (name_format hostname or fqd: the first labels compared). An
 * aggregator's records of other machines name their pids, not ours.
 */
static bool local(const struct nschange *n, const struct nschange_call *c)
{
	size_t a, b;

	if (!c->node)
		return true;
	a = strcspn(n->hostname, ".");
	b = 0;
	while (b < c->node_len && c->node[b] != '.')
		b++;
	return a && a == b && !memcmp(c->node, n->hostname, a);
}

static void line(struct nschange *n, const char *s, size_t len)
{
	struct nschange_call c;

	if (nschange_parse(s, len, &c) == 1 && local(n, &c))
		act(n, &c);
}

void nschange_feed(struct nschange *n, const char *data, size_t len)
{
	const char *end = data + len;

	while (data < end) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		size_t k = (size_t)((nl ? nl : end) - data);

		if (!n->plen && !n->skip && nl) {
			line(n, data, k); /* the usual case: no copy */
		} else if (!n->skip) {
			if (n->plen + k > ACID_ATTR_MAX_LINE) {
				n->skip = true;
				n->plen = 0;
			} else {
				memcpy(n->part + n->plen, data, k);
				n->plen += k;
				if (nl) {
					line(n, n->part, n->plen);
					n->plen = 0;
				}
			}
		}
		if (nl)
			n->skip = false;
		data += k + (nl ? 1 : 0);
	}
}

int nschange_new(struct nschange **out)
{
	struct acid_opts opts = { .size = sizeof(opts) };
	struct nschange *n = calloc(1, sizeof(*n));
	int r;

	if (!n)
		return -ENOMEM;
	n->part = malloc(ACID_ATTR_MAX_LINE);
	if (!n->part) {
		free(n);
		return -ENOMEM;
	}
	r = acid_ctx_new(&opts, &n->ctx);
	if (r < 0) {
		free(n->part);
		free(n);
		return r;
	}
	n->btime = boot_time(acid_ctx_proc_root(n->ctx));
	/* pid 1's, or where that is out of reach (a sandbox whose init
	 * is another user namespace's) the plugin's own, as libacid's
	 * lookups take them */
	n->host_known = (ns_stat(n, "1", "pid", &n->host[0]) &&
			 ns_stat(n, "1", "mnt", &n->host[1])) ||
			(ns_stat(n, "self", "pid", &n->host[0]) &&
			 ns_stat(n, "self", "mnt", &n->host[1]));
	n->hz = sysconf(_SC_CLK_TCK);
	if (gethostname(n->hostname, sizeof(n->hostname) - 1) < 0)
		n->hostname[0] = 0;
	*out = n;
	return 0;
}

void nschange_free(struct nschange *n)
{
	if (!n)
		return;
	acid_ctx_free(n->ctx);
	free(n->part);
	free(n);
}
