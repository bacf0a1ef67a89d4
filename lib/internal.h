/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of libacid: one header for the modules beside it,
 * never installed. Each module owns one concern:
 *   libacid.c   the front: public entry points that check their arguments
 *               and call the modules below
 *   ctx.c       the context (proc root, state dir, the kernel's mode)
 *   errmsg.c    errors that say what failed (acid_ctx_errmsg)
 *   register.c  registration: a container's start and end, under the lock
 *   lookup.c    which container an ID, a name or a process belongs to
 *   entry.c     the registry entry: its object, mode names, text form
 *   registry.c  the on-disk registry of live containers (storage only)
 *   record.c    the audit records' text, and acid_log_*'s sending of it
 *   netlink.c   sending a user record to the kernel, checked for real
 *   rules.c     the kernel's audit rules that would drop acid's records
 *   kernel.c    the /proc/<pid>/audit_containerid interface
 *   handoff.c   the kernel write handed to an acid-exec ancestor
 *   session.c   audit session tags (acid-exec)
 *   proc.c      process facts from procfs and pidfds
 *   ns.c        namespace identities
 *   id.c        IDs: parse, format, generate
 *   text.c      decimal numbers, hex, growing strings
 *   caps.c      capability checks (libcap-ng)
 *   seccomp.c   the filter that keeps containers off the audit socket
 *   strerror.c  error sentences
 * Calls run one way, with no circle: the front (libacid.c) -> register.c
 * -> lookup.c, record.c, handoff.c, ctx.c -> kernel.c, registry.c,
 * session.c -> entry.c, ns.c, netlink.c -> rules.c, proc.c, id.c,
 * text.c; errmsg.c, caps.c and strerror.c are called from every level
 * and call nothing above them. No module calls the front.
 */
#ifndef ACID_INTERNAL_H
#define ACID_INTERNAL_H

#include <stdlib.h>
#include <unistd.h>

/*
 * The public header carries no visibility macro (it is installed): the
 * library is built with -fvisibility=hidden, and its public declarations
 * alone are given default visibility here, which their definitions
 * take. lib/libacid.sym then says which of them are exported, in which
 * version node.
 */
#pragma GCC visibility push(default)
#include "libacid.h"
#pragma GCC visibility pop

#define ACID_DEFAULT_PROC_ROOT "/proc"
#define ACID_DEFAULT_STATE_DIR "/run/acid"

/* The v11 kernel's "unset" value, which it refuses to be written. */
#define ACID_U64_UNSET UINT64_MAX
/* (u32)-1: an unset loginuid (AUDIT_UID_UNSET), no session
 * (AUDIT_SID_UNSET), as the kernel prints them: 4294967295 */
#define ACID_AUDIT_UNSET UINT32_MAX


/*
 * Bounds on free text held in an entry (OCI ids, bundle paths). A record
 * hex-encodes them (twice the bytes) and the kernel keeps only
 * RECORD_TEXT_MAX bytes of a user record's text, dropping the rest
 * silently: with these, the longest start record still fits.
 */
#define ACID_NAME_MAX 1024
#define ACID_BUNDLE_MAX 2048

/*
 * Kubernetes metadata of a container (from its CRI runtime's
 * annotations), each free text. The bounds are Kubernetes' own where it
 * has one: a pod name is a DNS subdomain (253), a namespace and a
 * container name DNS labels (63); a pod UID is a UUID, or 32 hex digits
 * for a static pod (128 leaves room); an image reference is at most 255
 * bytes of name, a 128-byte tag and a digest (512 leaves room). Quoted,
 * as real values are, they add under 1 KiB to a record; hex-encoded at
 * their longest, with the longest name and bundle, the record can pass
 * RECORD_TEXT_MAX, and the registration is refused (-ENAMETOOLONG)
 * rather than the record cut.
 */
enum entry_k8s {
	K8S_POD = 0,
	K8S_NAMESPACE,
	K8S_POD_UID,
	K8S_CONTAINER,
	K8S_IMAGE,
	K8S_COUNT
};
struct k8s_field {
	const char *record;	/* the record's field name */
	const char *entry;	/* the registry entry's key */
	size_t max;		/* bytes */
};
/* entry.c: the fields above, in their order */
extern const struct k8s_field k8s_fields[K8S_COUNT];
/* AUDIT_MESSAGE_TEXT_MAX of the kernel, with its NUL */
#define RECORD_TEXT_MAX 8560

/* the longest message acid_ctx_errmsg() gives, with its NUL */
#define ACID_ERRMSG_MAX 1024

struct acid_ctx {
	char *proc_root;
	char *state_dir;
	enum acid_mode mode;
	/*
	 * The host's namespaces a lookup compares, read at the first lookup
	 * that needs them and kept (lookup.c, host_ns()): host[0] pid 1's
	 * mount and pid namespaces (NS_LOOKUP_KINDS: acid_lookup_pid and
	 * the nesting check of a registration), host[1] every kind
	 * (acid_lookup_ns); pid 1's, or where pid 1 is out of reach the
	 * caller's as they were then, for process pid (0: pid 1's, good for
	 * any process; a child forked with a copy of the context reads its
	 * own). state (HOST_NS_*) publishes them: the one thread that moves
	 * it from UNKNOWN to WRITING fills ns and pid, then stores KNOWN
	 * (release); a reader uses them only once it loads KNOWN (acquire),
	 * and otherwise reads them itself. So a context used by several
	 * threads at once (which the library does not promise to allow)
	 * never reads a half-written set.
	 */
	struct host_cache {
		int state;
		pid_t pid;
		struct acid_ns_set ns;
	} host[2];
	/*
	 * netlink.c: the audit multicast subscription records are
	 * confirmed on (mc_fd, -1: none), opened by the first record of
	 * process mc_pid (a forked child opens its own), MC_* its state;
	 * mc_busy: a record of one thread is using it (another thread's
	 * record takes the checked path meanwhile). How the records sent
	 * so were answered: seen (sent), or not seen (answered from the
	 * kernel's state: seen_later()); counted for the tests.
	 */
	int mc_fd, mc_state, mc_busy;
	pid_t mc_pid;
	/* the socket's identity (fstat): a number that names another file
	 * by now is never taken for it */
	dev_t mc_dev;
	ino_t mc_ino;
	unsigned long mc_seen, mc_unseen;
	/* the last failure of a call that took the context non-const: its
	 * error, and what failed (msg, for the error msg_err) */
	int err, msg_err;
	char msg[ACID_ERRMSG_MAX];
};

/*
 * errmsg.c: the failure of the operation in hand, said where it arises.
 * ctx_fail() words it "<what>: <the C library's words for err>" (a
 * system call's failure: "writing /proc/12/audit_containerid: Operation
 * not permitted"), ctx_failx() "<what>: <acid_strerror(err)>" (acid's
 * own checks). Both return @err, so: return ctx_fail(ctx, r, ...);
 * ctx_also() adds "; <more>" to the message. The front clears the
 * message at the start of each call (ctx_begin) and keeps the call's
 * result (ctx_end).
 */
int ctx_fail(struct acid_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ctx_failx(struct acid_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the same with @words after the colon */
int ctx_failw(struct acid_ctx *ctx, int err, const char *words,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ctx_also(struct acid_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctx_begin(struct acid_ctx *ctx);
int ctx_end(struct acid_ctx *ctx, int r);

struct acid_entry {
	struct acid_id id;
	char *name;
	char *bundle;
	pid_t pid;
	uint64_t starttime;
	struct acid_ns_set ns;
	uint32_t ses_tag;
	bool has_parent;
	struct acid_id parent;
	enum acid_mode mode;
	int64_t time;
	char *k8s[K8S_COUNT];	/* NULL: not given */
};

/* cleanup helpers, so early returns never leak */
static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* text.c: a strict decimal of at most @max (-EINVAL otherwise) */
int text_parse_uint(const char *s, uint64_t max, uint64_t *out);
/*
 * A growing string: start from { 0 }, add, then finish (which hands the
 * text over or, after any failed add, frees it and returns the error).
 */
struct strbuf {
	char *p;
	size_t len, cap;
	int err;
};
void strbuf_addf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* @s's bytes as hex digits, upper case (as auditd encodes) or lower */
void strbuf_add_hex(struct strbuf *b, const char *s, bool upper);
int strbuf_finish(struct strbuf *b, char **out, size_t *len);

/* proc.c */
/*
 * A process held from first look to last write: by a pidfd, or where the
 * kernel has none (before 5.3, some seccomp profiles, valgrind), by its
 * start time. Alive means not exited (a zombie is not alive) and not
 * replaced by another process with the same pid.
 */
struct proc_hold {
	const char *proc_root;
	pid_t pid;
	int pidfd;
	uint64_t start;
	/* from the same read of its stat file as @start, made after the
	 * pidfd was opened: its parent then, or the read's error (which a
	 * hold by pidfd survives) */
	pid_t ppid;
	/* its number of threads then (0: unknown) */
	unsigned long threads;
	int stat_err;
};
int proc_hold_open(const char *proc_root, pid_t pid, struct proc_hold *h);
int proc_hold_alive(const struct proc_hold *h);
int proc_alive(const char *proc_root, pid_t pid, uint64_t start);
void proc_hold_close(struct proc_hold *h);
int proc_stat(const char *proc_root, pid_t pid, pid_t *ppid,
	      uint64_t *starttime);
int proc_stat_at(int dirfd, const char *path, char *state, pid_t *ppid,
		 uint64_t *starttime);
int proc_exited(const char *proc_root, pid_t pid);
/* @threads: the process's count from its stat (1: one children file to
 * read), 0 if unknown */
int proc_has_children(const char *proc_root, pid_t pid, unsigned long threads);
int proc_is_self_or_ancestor(const char *proc_root, pid_t pid);
int proc_read_small(int dirfd, const char *path, char *buf, size_t len);
int proc_pidns_initial(uint64_t *ino);
/* the caller is in the host's pid namespace, or -EREMOTE said in @ctx */
int ctx_check_pidns(struct acid_ctx *ctx);

/* ns.c */
int ns_collect_held(const struct proc_hold *h, struct acid_ns_set *out);
/* the inode a namespace link names, from its text: 1, 0 (not such a
 * link: stat it) or -errno (ns.c) */
int ns_link_ino(const char *path, const char *kind, uint64_t *ino);
/* the kinds a lookup compares: a container's own pid and mount namespaces */
#define NS_LOOKUP_KINDS (1u << ACID_NS_PID | 1u << ACID_NS_MNT)
enum { HOST_NS_UNKNOWN = 0, HOST_NS_WRITING, HOST_NS_KNOWN };
int ns_collect_kinds(const char *proc_root, pid_t pid, unsigned int kinds,
		     struct acid_ns_set *out);
/* the same for pid 1 or the caller, not held: neither can be gone */
int ns_collect_stable(const char *proc_root, pid_t pid, unsigned int kinds,
		      struct acid_ns_set *out);
bool ns_same(const struct acid_ns_set *a, const struct acid_ns_set *b,
	     enum acid_ns_kind kind);

/* kernel.c */
int kernel_probe(const char *proc_root, enum acid_mode *mode);
int kernel_read_id(struct acid_ctx *ctx, pid_t pid, bool *set,
		   struct acid_id *id);
int kernel_write_id(struct acid_ctx *ctx, const struct proc_hold *h,
		    const struct acid_id *id);
int kernel_write_at(struct acid_ctx *ctx, int dirfd, const char *path,
		    const char *value);
int kernel_format_id(enum acid_mode mode, const struct acid_id *id,
		     char *buf, size_t len);

/* seccomp.c */
#include <seccomp.h>
/*
 * The filter of acid_seccomp_filter_load() for ABI @native (an
 * SCMP_ARCH_*; tests build other hosts' filters) and its compat ABIs,
 * not loaded: *@out for the caller to load or export and release.
 */
int filter_build(uint32_t native, unsigned int flags,
			 scmp_filter_ctx *out);
/* the compat ABIs the filter covers beside @native, 0-terminated, or NULL */
const uint32_t *filter_compat_abis(uint32_t native);

/* ACID_AUDIT_CONTAINER_OP and _ID */
#include "audit-types.h"

/* session.c: is @pid running the installed acid-exec (named so, its file
 * root's and not writable by group or others)? */
bool proc_is_acid_exec(const char *proc_root, pid_t pid);
/* the caller's loginuid (ACID_AUDIT_UNSET: none), from the ctx's procfs */
int session_loginuid(const struct acid_ctx *ctx, uint32_t *uid);

/* handoff.c: the write of the held target's ID done by an acid-exec
 * ancestor; -ENOENT: none (the server's side is in handoff.h) */
int handoff_write_id(struct acid_ctx *ctx, const struct proc_hold *h,
		     const struct acid_id *id);

/* caps.c: has the calling thread all of the capabilities whose bits
 * (1 << CAP_*) are set in @mask in its effective set? */
bool caps_self_has(uint64_t mask);
/* caps.c: has process @pid all of @need (ACID_CAP_*) in its effective
 * set? 0, -EPERM, or -errno reading <proc_root>/<pid>/status */
int caps_of_pid(const char *proc_root, pid_t pid, unsigned int need);

/* entry.c */
struct acid_entry *entry_new(void);
int entry_mode_parse(const char *s, enum acid_mode *mode);
int entry_to_text(const struct acid_entry *e, char **text, size_t *len);
/*
 * The Kubernetes fields of a request, in enum entry_k8s order (NULL or
 * "": not given), and their copy into @e: 0 or -ENOMEM.
 */
void reg_k8s(const struct acid_reg *q, const char *v[K8S_COUNT]);
int entry_set_k8s(struct acid_entry *e, const char *const v[K8S_COUNT]);
int entry_from_text(const char *text, size_t len, struct acid_entry **out);

/* registry.c */
int registry_open(const char *state_dir, bool create);
int registry_lock(int dirfd);
int registry_upgrade(int dirfd, int lockfd);
int registry_put(int dirfd, const struct acid_entry *e);
int registry_remove(int dirfd, const struct acid_entry *e);
int registry_get_id(int dirfd, const struct acid_id *id,
		    struct acid_entry **out);
int registry_get_pid(int dirfd, pid_t pid, struct acid_entry **out);
int registry_get_name(int dirfd, const char *name, const char *bundle,
		      struct acid_entry **out);
int registry_list(int dirfd, struct acid_entry ***out, size_t *n);
int registry_clean(int dirfd, size_t *removed);

/* record.c */
int record_start_text(const struct acid_entry *e, const char *exe,
		      char **out);
int record_stop_text(const struct acid_entry *e, const char *reason,
		     const char *exe, char **out);
int record_self_exe(char *buf, size_t len);
int record_send_text(struct acid_ctx *ctx, const char *what,
		     const char *text, bool caps_checked);
int record_log_start(struct acid_ctx *ctx, const struct acid_entry *e);
int record_log_stop(struct acid_ctx *ctx, const struct acid_entry *e,
		    const char *reason);
/* the link (VIRT_CONTROL op=exec) and namespace-change (VIRT_RESOURCE
 * resrc=ns) records: checks, text, sending */
bool record_trigger_valid(const char *trigger);
int record_exec_check(const char *reason, pid_t task_pid, uint32_t ses_tag,
		      const char *trigger);
int record_exec_text(const struct acid_entry *e, const char *reason,
		     pid_t task_pid, uint32_t ses_tag, const char *trigger,
		     const char *exe, char **out);
int record_ns_check(const char *reason, pid_t task_pid, unsigned int kinds,
		    const char *trigger);
int record_ns_text(const struct acid_entry *e, const char *reason,
		   pid_t task_pid, unsigned int kinds,
		   const struct acid_ns_set *now, const char *trigger,
		   const char *exe, char **out);
int record_log_exec(struct acid_ctx *ctx, const struct acid_entry *e,
		    const char *reason, pid_t task_pid, uint32_t ses_tag,
		    const char *trigger);
int record_log_ns(struct acid_ctx *ctx, const struct acid_entry *e,
		  const char *reason, pid_t task_pid, unsigned int kinds,
		  const struct acid_ns_set *now, const char *trigger);

/*
 * netlink.c: send a user record of @type; see acid_log_start()'s errors.
 * @ctx holds the multicast subscription the record is confirmed on
 * (NULL: the checks alone); netlink_ctx_free() closes it.
 */
enum { MC_UNTRIED = 0, MC_ON, MC_OFF };
int netlink_send_user(struct acid_ctx *ctx, int type, const char *text);
void netlink_ctx_free(struct acid_ctx *ctx);
/*
 * An error of netlink_send_user() after which the kernel may have logged
 * the record all the same (see acid_log_maybe_sent()).
 */
bool netlink_maybe_sent(int err);

/* register.c: the front checked the arguments */
#define REGISTER_SEND 0x1	/* send the register record (acid_start) */
#define REGISTER_WARN 0x2	/* keep the registration if it cannot go */
int register_add(struct acid_ctx *ctx, const struct acid_reg *q,
		 unsigned int flags, struct acid_entry **out, int *record_err);
int register_end(struct acid_ctx *ctx, const struct acid_entry *e,
		 const char *reason);
int register_forget(struct acid_ctx *ctx, const struct acid_entry *e);
int register_clean(struct acid_ctx *ctx, size_t *removed);

/* lookup.c */
int lookup_pid_at(struct acid_ctx *ctx, int dirfd, pid_t pid,
		  struct acid_entry **out);
int lookup_pid(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out);
int lookup_ns(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out);
int lookup_id(struct acid_ctx *ctx, const struct acid_id *id,
	      struct acid_entry **out);
int lookup_name(struct acid_ctx *ctx, const char *name,
		const char *bundle, struct acid_entry **out);
int lookup_all(struct acid_ctx *ctx, struct acid_entry ***out,
	       size_t *n);

/* rules.c: what the kernel's rules compare of the sending thread */
struct rules_self {
	uint32_t pid, uid, gid, auid;
	dev_t exe_dev;
	ino_t exe_ino;
	bool auid_known, exe_known;
};
void rules_self_get(struct rules_self *s);
enum rules_match { RULES_NO = 0, RULES_YES, RULES_MAYBE };
/* one struct audit_rule_data of @len bytes, for a record of @msgtype */
enum rules_match rules_rule_matches(const void *data, size_t len,
				    const struct rules_self *s,
				    uint32_t msgtype);
/*
 * The rules in the kernel's order (AUDIT_LIST_RULES), each fed in turn:
 * w->drops tells whether the exclude or user list would (or may) drop
 * the record. Start from a zeroed walk.
 */
struct rules_walk {
	bool user_decided;
	bool drops;
};
void rules_feed(struct rules_walk *w, const void *data, size_t len,
		const struct rules_self *s, uint32_t msgtype);

#endif /* ACID_INTERNAL_H */
