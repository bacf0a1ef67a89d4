/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libacid - audit container IDs for Linux.
 *
 * The kernel's audit log knows processes, not containers. libacid gives a
 * container an ID (a 128-bit UUID), registers the container's first process
 * under it - through /proc/<pid>/audit_containerid where the kernel has that
 * interface, in a registry of its own where it does not - and sends the
 * lifecycle records (libaudit's VIRT_CONTROL type) that stock ausearch and
 * aureport already understand.
 *
 * The contract is docs/SPEC.md in the source tree; this header mirrors
 * it, and the man pages (libacid(3), one page per function) say the same.
 *
 * Conventions for every function below:
 *  - returns zero (or a documented non-negative value) on success and a
 *    negative errno value on error; acid_strerror() turns it into a sentence;
 *  - never prints, never exits, keeps no global mutable state: one
 *    struct acid_ctx per thread (or guarded by the caller) is safe;
 *  - a call that takes the context non-const leaves in it, when it fails,
 *    what failed (acid_ctx_errmsg()); a call that takes it const only
 *    reads its settings and leaves nothing there.
 */
#ifndef ACID_LIBACID_H
#define ACID_LIBACID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ IDs */

/*
 * A container ID: 16 bytes, big-endian, printed as a canonical lower-case
 * UUID. The all-zero value is not an ID; "unset" is a state of its own.
 * An ID whose upper 64 bits are zero is a "u64 ID": the only kind a kernel
 * with the v11 (decimal u64) interface can carry.
 */
struct acid_id {
	uint8_t bytes[16];
};

/* Length of a formatted ID including the terminating NUL. */
#define ACID_ID_STRLEN 37

/*
 * acid_id_parse - read an ID from text.
 * @s:   "0f1e...-..." canonical UUID (any case), the 32-hex-digit form,
 *       or a decimal u64 (1 .. 18446744073709551614) for u64 kernels.
 * @out: filled on success, untouched on error.
 * Returns 0, or -EINVAL for anything else (empty, garbage, the all-zero
 * UUID, 0, the unset value 18446744073709551615, out of range).
 */
int acid_id_parse(const char *s, struct acid_id *out);

/*
 * acid_id_format - write @id as a canonical lower-case UUID into @buf.
 * Returns 0, -EINVAL for a zero ID, -ENOSPC if @len < ACID_ID_STRLEN.
 */
int acid_id_format(const struct acid_id *id, char *buf, size_t len);

/* acid_id_is_zero - true for the all-zero value (no ID). */
bool acid_id_is_zero(const struct acid_id *id);

/* acid_id_equal - true when both IDs hold the same 128 bits. */
bool acid_id_equal(const struct acid_id *a, const struct acid_id *b);

/*
 * acid_id_to_u64 - the ID as a u64 kernel carries it.
 * Returns 0, or -ERANGE when the upper 64 bits are not zero (the ID does
 * not fit; it is never truncated) and -EINVAL for a zero ID or the unset
 * value (u64)-1.
 */
int acid_id_to_u64(const struct acid_id *id, uint64_t *out);

/* The forms of ID that acid_id_generate() can make. */
enum acid_id_form {
	ACID_ID_UUID = 0,	/* random version 4 UUID */
	ACID_ID_U64 = 1,	/* random u64, neither 0 nor (u64)-1 */
};

/* acid_id_generate - make a fresh random ID of @form. Returns 0 or -errno. */
int acid_id_generate(enum acid_id_form form, struct acid_id *out);

/* PID_MAX_LIMIT of the kernel: no pid is larger. */
#define ACID_PID_MAX 4194304

/* ----------------------------------------------------------- Context */

struct acid_ctx;

/*
 * Options for acid_ctx_new(). Set @size to sizeof(struct acid_opts) so
 * that fields added later never break a program built against this one.
 * NULL strings mean "the environment variable, else the default".
 */
struct acid_opts {
	size_t size;
	const char *proc_root;	/* ACID_PROC_ROOT, else "/proc" */
	const char *state_dir;	/* ACID_STATE_DIR, else "/run/acid" */
};

/* How registration is carried out, decided by the probe in acid_ctx_new(). */
enum acid_mode {
	ACID_MODE_USER = 0,	   /* no kernel interface: acid's own registry */
	ACID_MODE_KERNEL_U64 = 1,  /* v11 kernel: decimal u64 in procfs */
	ACID_MODE_KERNEL_UUID = 2, /* seed form: 128-bit UUID in procfs */
};

/*
 * acid_ctx_new - make a context. Probes <proc_root>/self/audit_containerid
 * to choose the mode; no kernel support is a mode, not an error.
 * Returns 0, -ENOMEM, -EINVAL (bad options, a relative path), or the error
 * met reading the probe file (other than its absence).
 */
int acid_ctx_new(const struct acid_opts *opts, struct acid_ctx **out);

/*
 * acid_ctx_free - release a context; NULL is accepted. Closes the
 * context's subscription to the audit multicast group, if its records
 * made one (acid_log_start()); a child forked with a copy of a context
 * makes its own at its first record and leaves the parent's alone.
 */
void acid_ctx_free(struct acid_ctx *ctx);

enum acid_mode acid_ctx_mode(const struct acid_ctx *ctx);
const char *acid_ctx_proc_root(const struct acid_ctx *ctx);
const char *acid_ctx_state_dir(const struct acid_ctx *ctx);

/*
 * acid_ctx_errmsg - what the last call on @ctx that failed failed at,
 * with the operation kept with its error, e.g.
 *   "writing /proc/123/audit_containerid: Operation not permitted"
 * (the kernel refused), "no CAP_AUDIT_CONTROL in the caller's effective
 * set: Operation not permitted" (the caller lacks it). Where the call
 * said nothing more, acid_strerror() of its error; "" after a call that
 * succeeded. Valid until the next call on @ctx. Since ACID_0.2.
 */
const char *acid_ctx_errmsg(const struct acid_ctx *ctx);

/* acid_mode_name - "user", "kernel-u64" or "kernel-uuid". */
const char *acid_mode_name(enum acid_mode mode);

/*
 * acid_ctx_new_id - a fresh ID of the form the context's mode carries:
 * a u64 ID on a u64 kernel, a v4 UUID otherwise.
 */
int acid_ctx_new_id(const struct acid_ctx *ctx, struct acid_id *out);

/* ------------------------------------------------------- Capabilities */

/*
 * acid_check_caps - does the calling thread hold, in its effective set,
 * CAP_AUDIT_CONTROL (to register) and/or CAP_AUDIT_WRITE (to send records)?
 * @need: a mask of ACID_CAP_* bits.
 * Returns 0, or -EPERM naming nothing: see acid_strerror(-EPERM).
 */
#define ACID_CAP_CONTROL 0x1
#define ACID_CAP_WRITE 0x2
int acid_check_caps(unsigned int need);

/* --------------------------------------------------------- Namespaces */

/* The ten entries of /proc/<pid>/ns, in this order. */
enum acid_ns_kind {
	ACID_NS_CGROUP = 0,
	ACID_NS_IPC,
	ACID_NS_MNT,
	ACID_NS_NET,
	ACID_NS_PID,
	ACID_NS_PID_FOR_CHILDREN,
	ACID_NS_TIME,
	ACID_NS_TIME_FOR_CHILDREN,
	ACID_NS_USER,
	ACID_NS_UTS,
	ACID_NS_COUNT
};

/*
 * The nsfs identity of a process's namespaces. A kind the kernel lacks (or
 * pid_for_children before the process has one) has present == false and
 * zero numbers: left out, never faked.
 */
struct acid_ns_set {
	struct {
		bool present;
		uint32_t dev_major;
		uint32_t dev_minor;
		uint64_t ino;
	} ns[ACID_NS_COUNT];
};

/*
 * struct acid_ns_set is a caller's type in ACID_0.1: a kind added later
 * would change its size. Programs read it with the accessors below, and
 * take sets from the library (acid_ns_collect_new(), acid_entry_ns()),
 * whose size is the library's business: then the next kind needs no
 * ABI break. acid_ns_collect() stays for ACID_0.1 programs and only ever
 * fills the ten kinds above.
 */

/* One namespace's nsfs identity. Its size never changes. */
struct acid_ns_id {
	uint32_t dev_major;
	uint32_t dev_minor;
	uint64_t ino;
};

/* acid_ns_count - how many kinds this library knows (>= ACID_NS_COUNT of
 * any header it was built against). Since ACID_0.2. */
unsigned int acid_ns_count(void);

/*
 * acid_ns_get - the namespace of @kind in @set, into *@out. Returns 0,
 * -ENOENT when @set has none of that kind (the kernel lacks it), -EINVAL
 * for a kind this library does not know or a NULL argument. Since
 * ACID_0.2.
 */
int acid_ns_get(const struct acid_ns_set *set, enum acid_ns_kind kind,
		struct acid_ns_id *out);

/*
 * acid_ns_collect_new - acid_ns_collect() into a set the library
 * allocates, *@out, freed with acid_ns_set_free(). Since ACID_0.2.
 */
int acid_ns_collect_new(const struct acid_ctx *ctx, pid_t pid,
			struct acid_ns_set **out);
void acid_ns_set_free(struct acid_ns_set *set);

/* acid_ns_name - "cgroup", "ipc", ... as in /proc/<pid>/ns; NULL if bad. */
const char *acid_ns_name(enum acid_ns_kind kind);

/*
 * acid_ns_collect - stat every /proc/<pid>/ns entry of @pid (under the
 * context's proc root). The process is held (by a pidfd, else by its start
 * time) while its entries are read, so a process that exits or a pid
 * reused meanwhile yields -ESRCH, not another process's namespaces.
 * Returns 0, -ESRCH (no such process, or it exited), -EACCES/-EPERM.
 */
int acid_ns_collect(const struct acid_ctx *ctx, pid_t pid,
		    struct acid_ns_set *out);

/* ---------------------------------------------------------- Containers */

/*
 * A registered container, as the registry holds it. Opaque: read it with
 * the accessors below, release it with acid_entry_free().
 */
struct acid_entry;

void acid_entry_free(struct acid_entry *e);
const struct acid_id *acid_entry_id(const struct acid_entry *e);
/* The OCI container id ("name") and bundle path; "" when not given. */
const char *acid_entry_name(const struct acid_entry *e);
const char *acid_entry_bundle(const struct acid_entry *e);
/* The init process, host pid view, and its start time (clock ticks). */
pid_t acid_entry_pid(const struct acid_entry *e);
uint64_t acid_entry_starttime(const struct acid_entry *e);
const struct acid_ns_set *acid_entry_ns(const struct acid_entry *e);
/* The audit session tag, 0 when the container has none. */
uint32_t acid_entry_ses_tag(const struct acid_entry *e);
/* The container holding this one when nested, else NULL. */
const struct acid_id *acid_entry_parent(const struct acid_entry *e);
/* How the entry was registered (user registry or a kernel form). */
enum acid_mode acid_entry_mode(const struct acid_entry *e);
/* Registration time, seconds since the epoch. */
int64_t acid_entry_time(const struct acid_entry *e);

/*
 * Kubernetes metadata of the entry, as its CRI runtime's annotations gave
 * it to the prestart hook (or the orchestrator to acid_register()): the
 * pod's name, namespace and UID, the container's name in its pod, the
 * image reference. "" when not given. Since ACID_0.2.
 */
const char *acid_entry_k8s_pod(const struct acid_entry *e);
const char *acid_entry_k8s_namespace(const struct acid_entry *e);
const char *acid_entry_k8s_pod_uid(const struct acid_entry *e);
const char *acid_entry_k8s_container(const struct acid_entry *e);
const char *acid_entry_image(const struct acid_entry *e);

/*
 * The longest Kubernetes values acid_register() takes, in bytes without
 * the NUL: Kubernetes' own bounds (a pod name is a DNS subdomain, a
 * namespace and a container name DNS labels), room for a static pod's
 * UID, and for an image reference's name, tag and digest.
 */
#define ACID_K8S_POD_MAX 253
#define ACID_K8S_NAMESPACE_MAX 63
#define ACID_K8S_POD_UID_MAX 128
#define ACID_K8S_CONTAINER_MAX 63
#define ACID_IMAGE_MAX 512

/*
 * A registration request. Set @size to sizeof(struct acid_reg): a
 * program built against ACID_0.1's header passes the smaller size its
 * struct had, and the fields after ses_tag count as NULL.
 */
struct acid_reg {
	size_t size;
	pid_t pid;		   /* the container's first process */
	const struct acid_id *id;  /* NULL: a fresh one (acid_ctx_new_id) */
	const char *name;	   /* OCI container id; may be NULL */
	const char *bundle;	   /* OCI bundle path; may be NULL */
	uint32_t ses_tag;	   /* audit session to record; 0: none */
	/* Since ACID_0.2: Kubernetes metadata; NULL or "": none */
	const char *k8s_pod;	   /* pod name */
	const char *k8s_namespace; /* pod namespace */
	const char *k8s_pod_uid;   /* pod UID */
	const char *k8s_container; /* container name in the pod */
	const char *image;	   /* image reference */
};

/*
 * acid_register - register @req->pid as the first process of a container.
 *
 * Checks, in this order, before anything is written:
 *   CAP_AUDIT_CONTROL (-EPERM); the caller runs in the initial (the
 *   host's) pid namespace and /proc is its procfs (-EREMOTE: acid records
 *   host pids); the target exists (-ESRCH); it is not the
 *   caller or an ancestor of the caller (-EXDEV); it has no children
 *   (-EBUSY; threads of its own group are allowed in user mode); it is not
 *   registered already (-EEXIST); the ID is not held by another entry
 *   (-ENOTUNIQ; a container that died without a stop keeps its ID until
 *   acid gc ends it); the ID fits the kernel (-ERANGE on a u64 kernel).
 *   A name over 1024 bytes, a bundle over 2048, a Kubernetes value
 *   over its ACID_*_MAX above, or a register record longer than the
 *   kernel keeps (8560 bytes): -ENAMETOOLONG.
 * Then: kernel mode writes /proc/<pid>/audit_containerid and passes the
 * kernel's errno through unchanged; both modes write the registry entry
 * (atomically; the kernel knows no OCI name or bundle). The target is held
 * (by a pidfd, else by its start time) from first look to last write: if
 * it exits meanwhile the entry is removed again and -ESRCH returned.
 *
 * Does not send the record: call acid_log_start() next, so the caller can
 * decide what a failed record means (see acid_forget()), or use
 * acid_start(), which does both as one step.
 * On success *@out (if not NULL) receives the new entry.
 */
int acid_register(struct acid_ctx *ctx, const struct acid_reg *req,
		  struct acid_entry **out);

/* Flags of acid_start(). */
#define ACID_START_WARN 0x1	/* a record that cannot be sent is no failure */

/*
 * acid_start - the start of a container as one step, like its end
 * (acid_unregister()): acid_register() and the register record
 * (acid_log_start()), both under the registry lock, the record's text
 * built once. Since ACID_0.2.
 *
 * Without ACID_START_WARN (fail-closed: no record, no container) it
 * checks CAP_AUDIT_WRITE before anything is written (-EPERM), and a
 * record that cannot be sent undoes the registration and returns the
 * record's error (as acid_log_start()). A record that may be in the log
 * all the same (acid_log_maybe_sent()) gets its stop record
 * (reason=failed) first; where that cannot be sent either, the entry
 * stays and `acid gc` sends it once the process is gone (the context's
 * acid_ctx_errmsg() says so). On a kernel with the interface the
 * kernel's container ID, once written, stays: the kernel has no undo.
 *
 * With ACID_START_WARN the registration stays whatever becomes of the
 * record: 0 is returned, and *@record_err (if not NULL) receives the
 * record's error, 0 when it was sent (acid_ctx_errmsg() says what
 * failed). Without it, *@record_err tells a failed record (< 0) from a
 * failed registration (0).
 *
 * Errors otherwise as acid_register(); -EINVAL for unknown @flags. On
 * success *@out (if not NULL) receives the new entry.
 */
int acid_start(struct acid_ctx *ctx, const struct acid_reg *req,
	       unsigned int flags, struct acid_entry **out,
	       int *record_err);

/*
 * acid_log_start - send the register record (VIRT_CONTROL op=start
 * reason=register) for @e. Checks CAP_AUDIT_WRITE first (-EPERM), and that
 * the record is really taken. With CAP_AUDIT_READ and CAP_AUDIT_CONTROL,
 * in the initial user, pid and network namespaces, by seeing it: @ctx
 * joins the kernel's audit multicast group at its first record (the
 * kernel logs an EVENT_LISTENER record then, and when @ctx is freed), and
 * the record counts as sent when it comes back there (the kernel hands a
 * record to the group only once it has queued it); not seen, the
 * kernel's status and rules say why, as the checks do. Otherwise by the
 * checks: the status before and after, the rules before.
 *   -ENOTCONN     audit is disabled in the kernel (the record would be
 *                 dropped, or was and never queued), so it was not sent;
 *   -ENOMSG       a rule of the kernel's exclude or user filter list drops
 *                 (or may drop: a field acid cannot weigh counts as a
 *                 match) VIRT_CONTROL records of this sender, which the
 *                 kernel would ACK and throw away: not sent;
 *   -ECONNABORTED audit was disabled while the record was sent (it may
 *                 have been dropped);
 *   -ENOBUFS      the kernel did not keep the record, and why can no
 *                 longer be told: its count of lost records grew while it
 *                 was sent, its rate limit, audit off or a rule for a
 *                 moment only (it may have been dropped);
 *   -ETIMEDOUT    the kernel took the record but its answer was lost, or
 *                 it was not seen for a second while a rule drops it now;
 *   -EAGAIN       the kernel's audit did not answer before the record
 *                 went out: not sent;
 *   -ECONNREFUSED from a non-initial user namespace; other netlink errors
 *                 as the kernel gives them.
 * The status and rule checks need CAP_AUDIT_CONTROL; a caller without it
 * gets the ACK's word only. After -ECONNABORTED, -ENOBUFS and -ETIMEDOUT
 * (acid_log_maybe_sent()) the record may be in the log all the same.
 */
int acid_log_start(struct acid_ctx *ctx, const struct acid_entry *e);

/*
 * The longest stop reason (acid_log_stop()), in bytes without the NUL:
 * what acid writes, acid's log reader takes.
 */
#define ACID_REASON_MAX 32

/*
 * acid_stop_reason_valid - is @reason one acid writes and its log reader
 * takes: 1 to ACID_REASON_MAX lower-case letters and '-'? The one test
 * of it, for programs that check their input before they ask. Since
 * ACID_0.2.
 */
bool acid_stop_reason_valid(const char *reason);

/*
 * acid_log_stop - send the destroy record (VIRT_CONTROL op=stop) for @e.
 * @reason: "exit", "destroy", "lost", ...: 1 to ACID_REASON_MAX lower-case
 * letters and '-' (-EINVAL otherwise). Errors as acid_log_start().
 */
int acid_log_stop(struct acid_ctx *ctx, const struct acid_entry *e,
		  const char *reason);

/*
 * acid_log_maybe_sent - true when @err, an error of acid_log_start() or
 * acid_log_stop(), leaves open whether the kernel logged the record: the
 * record went out and what came after failed (-ECONNABORTED, -ENOBUFS,
 * -ETIMEDOUT). A caller that undoes a registration after such an error
 * ends it with acid_unregister(..., "failed") rather than acid_forget(),
 * so that a start record in the log never stands without its stop; where
 * that stop cannot be sent either, the entry stays and `acid gc` sends it
 * (reason=lost) once the container's process is gone. (Where the start
 * record was in fact dropped, the log holds a stop without a start: the
 * harmless side of the doubt.)
 */
bool acid_log_maybe_sent(int err);

/*
 * acid_log_exec - send the link record (VIRT_CONTROL op=exec) that ties a
 * process which joined @e's container from outside (runc/crun/podman
 * exec, nsenter) to it. Since ACID_0.2.
 *   virt=oci op=exec reason=REASON vm="NAME" uuid=UUID vm-pid=PID
 *   task-pid=TASK [ses-tag=N] [trigger=SEC.MSEC:SERIAL]
 *   exe="PATH" hostname=? addr=? terminal=? res=success
 * @reason: "session" (acid-exec: @ses_tag is the fresh audit session it
 *   made for the exec; every record with that ses= is the container's
 *   from this record on) or "setns" (a joiner seen by audisp-acid; its
 *   session may be a login session, so @ses_tag must be 0).
 * @task_pid: the joining process (host pid view), a root of the
 *   container's process set.
 * @ses_tag: the session, required (not 0, not the unset (u32)-1) with
 *   "session", 0 with "setns".
 * @trigger: NULL, or the audit event id ("1700000000.123:4567") from
 *   which on @task_pid is the container's.
 * Returns 0; -EINVAL for a NULL @ctx or @e, another @reason, a @task_pid
 * outside 1..ACID_PID_MAX, a @ses_tag that does not fit @reason, a
 * malformed @trigger; otherwise errors as acid_log_start() (a rule that
 * drops VIRT_CONTROL records of this sender: -ENOMSG, not sent).
 */
int acid_log_exec(struct acid_ctx *ctx, const struct acid_entry *e,
		  const char *reason, pid_t task_pid, uint32_t ses_tag,
		  const char *trigger);

/*
 * acid_log_ns_change - send the namespace-change record (VIRT_RESOURCE
 * resrc=ns) of a process of @e's container that changed namespaces.
 * Since ACID_0.2.
 *   virt=oci resrc=ns reason=REASON vm="NAME" uuid=UUID vm-pid=PID
 *   task-pid=TASK [trigger=SEC.MSEC:SERIAL]
 *   old-KIND-ns=INO new-KIND-ns=INO ...  [task=gone]
 *   exe="PATH" hostname=? addr=? terminal=? res=success
 * @reason: "unshare", "setns" or "clone".
 * @task_pid: the process that changed (for clone, the child).
 * @kinds: a bit 1u << ACID_NS_* for each kind that changed; one
 *   old-/new- pair each, in enum acid_ns_kind order, KIND named as in the
 *   start record (pid-child, time-child). Old is the inode @e's entry
 *   holds (acid_entry_ns()), new the one in @now; "?" where a set has
 *   none of that kind: never a guessed inode.
 * @now: the process's namespaces as read now (acid_ns_collect_new()), or
 *   NULL when the process was gone before they could be read: then every
 *   new-KIND-ns is "?" and the record says task=gone.
 * @trigger: NULL, or the audit event id of the record acted on.
 * Returns 0; -EINVAL for a NULL @ctx or @e, another @reason, a @task_pid
 * outside 1..ACID_PID_MAX, a bit in @kinds beyond ACID_NS_COUNT, a
 * malformed @trigger; otherwise errors as acid_log_start(), for
 * VIRT_RESOURCE records (a rule that drops those: -ENOMSG, not sent).
 */
int acid_log_ns_change(struct acid_ctx *ctx, const struct acid_entry *e,
		       const char *reason, pid_t task_pid, unsigned int kinds,
		       const struct acid_ns_set *now, const char *trigger);

/*
 * acid_unregister - the end of a container: send the destroy record
 * (acid_log_stop() with @reason) and remove the entry, as one step for
 * every other writer (a poststop hook and `acid gc` racing for the same
 * container send one record, not two). If the record cannot be sent the
 * entry stays, so that nothing is lost; a later call can finish the job.
 * Returns 0, -ENOENT when another writer already ended it, or the errors
 * of acid_log_stop() and acid_forget().
 */
int acid_unregister(struct acid_ctx *ctx, const struct acid_entry *e,
		    const char *reason);

/*
 * acid_forget - remove @e's registry entry, without a record. Used after a
 * stop record was sent, or to undo a registration whose record failed.
 * Needs CAP_AUDIT_CONTROL. Returns 0, -EPERM, -ENOENT (already gone).
 */
int acid_forget(struct acid_ctx *ctx, const struct acid_entry *e);

/* ------------------------------------------------------------ Lookups */

/*
 * acid_lookup_id - the entry with ID @id (its container may have died
 * without a stop: see acid_entry_alive). -ENOENT if none.
 */
int acid_lookup_id(struct acid_ctx *ctx, const struct acid_id *id,
		   struct acid_entry **out);

/*
 * acid_lookup_name - the entry with OCI id @name (and, if not NULL,
 * bundle @bundle). -ENOENT if none, -ENOTUNIQ if several match.
 */
int acid_lookup_name(struct acid_ctx *ctx, const char *name,
		     const char *bundle, struct acid_entry **out);

/*
 * acid_lookup_pid - the container process @pid belongs to: the nearest
 * registered ancestor (same start time, so a reused pid never matches),
 * else the container whose pid namespace (or mount namespace) it shares
 * when that namespace is not the host's. -ENOENT if none, -ESRCH if @pid
 * does not exist.
 */
int acid_lookup_pid(struct acid_ctx *ctx, pid_t pid,
		    struct acid_entry **out);

/*
 * acid_lookup_ns - the registered container whose namespaces @pid is in
 * now, by its namespaces only (not its ancestry): for a process that
 * joined a container with setns(2) (runc exec, nsenter) and its children.
 * A kind counts only where the container's namespace is not the host's
 * (pid 1's under the context's proc root). A container with its own mount
 * or pid namespace holds @pid when both of those match, the pid namespace
 * as @pid's own or as its pid_for_children (a joiner that entered the pid
 * namespace: its children are in it); one that shares both with the
 * host, when every other kind of its own matches. Only containers whose
 * init lives (acid_entry_alive); of several, the one sharing the most
 * kinds, then the newest. -ENOENT if none (or no registry), -ESRCH if
 * @pid does not exist (or is a zombie). Since ACID_0.2.
 */
int acid_lookup_ns(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out);

/*
 * acid_list - every entry in the registry, in no particular order.
 * *@out is an array of *@n entries; free with acid_list_free().
 * Entries that cannot be read are skipped (see acid_gc in the tool).
 */
int acid_list(struct acid_ctx *ctx, struct acid_entry ***out,
	      size_t *n);
void acid_list_free(struct acid_entry **list, size_t n);

/*
 * acid_entry_alive - is the entry's init process still the one that was
 * registered (same pid, same start time) and not exited (a zombie waiting
 * for its reaper is not alive)? 1 yes, 0 no, or -errno.
 */
int acid_entry_alive(const struct acid_ctx *ctx,
		     const struct acid_entry *e);

/*
 * acid_registry_clean - remove what interrupted writers left in the
 * registry: temporary files (every writer works under the registry lock,
 * which this takes, so none is in use), pid links and name-index slots
 * whose entry is gone; and it makes the name index whole again (a named
 * entry without a slot gets one). Never touches an entry.
 * *@removed (if not NULL) receives how many stale files went (a freed
 * name slot counts as one). Needs CAP_AUDIT_CONTROL.
 */
int acid_registry_clean(struct acid_ctx *ctx, size_t *removed);

/* ------------------------------------------------------ Session tags */

/*
 * acid_session_new - put the calling process in a fresh kernel audit
 * session, by writing its own /proc/self/loginuid (the kernel starts a new
 * session at each such write). Every process it starts inherits the
 * session, so every kernel record of a container started from here carries
 * one ses= number that ausearch --session selects.
 * It also sets the audit uid (auid) of those records to @uid: opt-in.
 * Needs CAP_AUDIT_CONTROL. Returns 0 and the session in *@ses; -EPERM
 * without the capability, -EACCES when loginuid is immutable and already
 * set (auditctl --loginuid-immutable), -EINVAL for uid (uid_t)-1.
 */
int acid_session_new(const struct acid_ctx *ctx, uid_t uid,
		     uint32_t *ses);

/*
 * acid_session_tag - the session tag @pid runs under: the audit session
 * of its nearest ancestor that is acid-exec (the process whose executable
 * is named "acid-exec"). A hook calls it on itself: a runtime started
 * under acid-exec runs its hooks in that session. Returns 0, -ENOENT when
 * there is no such ancestor (or it has no session, or @pid has none: a
 * process in no session runs under no tag), -ESRCH.
 */
int acid_session_tag(const struct acid_ctx *ctx, pid_t pid,
		     uint32_t *ses);

/* ------------------------------------------------------------ Seccomp */

/*
 * A container with CAP_AUDIT_WRITE (runc's default spec gives it) can send
 * user records, acid's among them. The filter below keeps it from opening
 * the audit socket: socket(AF_NETLINK, *, NETLINK_AUDIT) fails with
 * EPROTONOSUPPORT, the kernel's own answer when audit is not built in,
 * which libaudit's audit_open(), PAM and sudo take as "no audit here" and
 * carry on. The arguments are compared as the kernel reads them, as ints
 * (the low 32 bits of each register). On the i386 ABI
 * socketcall(SYS_SOCKET, ...) fails the same way for every address
 * family: its arguments are out of a filter's sight, so an audit socket
 * cannot be told from any other there. io_uring, which makes sockets
 * without socket() (IORING_OP_SOCKET), is closed: io_uring_setup,
 * io_uring_enter and io_uring_register fail with ENOSYS, a kernel without
 * io_uring (lib/seccomp.c says why).
 */

/* Flags of acid_seccomp_filter_load(). */
#define ACID_SECCOMP_NNP 0x1	/* set no_new_privs before loading */
#define ACID_SECCOMP_TSYNC 0x2	/* every thread of the process, not one */

/*
 * acid_seccomp_filter_load - load the filter into the calling thread: for
 * an orchestrator's child between fork and the exec of the container's
 * first program. It holds for all that thread runs, forks and execs
 * after, and cannot be removed. Every other syscall is left alone. It
 * covers the native ABI and its compat ABIs with the same rules (x86_64:
 * x32 and i386; aarch64: arm; ppc64: ppc; s390x: s390; mips64: n32 and
 * o32); a task of any other ABI is killed (SCMP_ACT_KILL_PROCESS), since
 * its audit socket would be open.
 * @flags: ACID_SECCOMP_NNP sets no_new_privs, which the kernel demands of
 *   a caller without CAP_SYS_ADMIN and which also stops setuid programs
 *   in the container from gaining privileges: leave it out when the
 *   caller has CAP_SYS_ADMIN and the container's config says
 *   noNewPrivileges=false. ACID_SECCOMP_TSYNC loads the filter into every
 *   thread of the process at once.
 * Returns 0; -EINVAL for unknown flags or a kernel without seccomp
 * filters; -EACCES with neither CAP_SYS_ADMIN nor no_new_privs; -ESRCH
 * when ACID_SECCOMP_TSYNC could not bring another thread along;
 * -EOPNOTSUPP for ACID_SECCOMP_TSYNC without the seccomp(2) syscall
 * (valgrind, say); -ENOMEM.
 */
int acid_seccomp_filter_load(unsigned int flags);

/*
 * acid_seccomp_oci_rule - the same rule as an OCI runtime-spec
 * linux.seccomp.syscalls entry (runc >= 1.1 and crun >= 1.8 read its
 * "errnoRet"), as compact JSON in a new string *@json_out the caller
 * frees. errnoRet is EPROTONOSUPPORT (93 on x86 and arm); the arguments
 * are compared as the kernel reads them, the low 32 bits (mask, then
 * value):
 *   {"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":93,"args":[
 *    {"index":0,"value":4294967295,"valueTwo":16,"op":"SCMP_CMP_MASKED_EQ"},
 *    {"index":2,"value":4294967295,"valueTwo":9,"op":"SCMP_CMP_MASKED_EQ"}]}
 * It needs acid_seccomp_oci_io_uring_rule() beside it (io_uring makes
 * sockets without socket()). On its own it is enough only in a profile
 * whose defaultAction is SCMP_ACT_ALLOW and that has no other rule for
 * socket: libseccomp keeps
 * one action per syscall and argument path, and silently drops a rule
 * that an earlier, wider one (Docker's "socket" in its allow list)
 * already covers. `acid seccomp CONFIG` adds it to any profile the safe
 * way. Returns 0, -EINVAL (NULL @json_out), -ENOMEM.
 */
int acid_seccomp_oci_rule(char **json_out);

/*
 * acid_seccomp_oci_socketcall_rule - the companion rule for profiles that
 * list SCMP_ARCH_X86, to go before the socket rule:
 *   {"names":["socketcall"],"action":"SCMP_ACT_ERRNO","errnoRet":93,
 *    "args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}
 * (SCMP_CMP_EQ: i386 registers are 32 bits, and libseccomp folds the
 * socketcall rules it derives from socket rules into this one only when
 * they test the first argument alike.)
 * Beside SCMP_ARCH_X32 it needs an unconditional rule for a real syscall
 * in the profile: libseccomp before 2.6.0 miscompiles it otherwise (its
 * issue #284), silently disabling every x86_64 rule. `acid seccomp`
 * checks this. Returns as acid_seccomp_oci_rule().
 */
int acid_seccomp_oci_socketcall_rule(char **json_out);

/*
 * acid_seccomp_oci_io_uring_rule - the rule that closes io_uring, whose
 * IORING_OP_SOCKET makes an audit socket with no socket() call for a
 * filter to see: io_uring_setup, io_uring_enter and io_uring_register
 * fail with ENOSYS (38 on x86 and arm), what a kernel without io_uring
 * answers and every io_uring user falls back on:
 *   {"names":["io_uring_setup","io_uring_enter","io_uring_register"],
 *    "action":"SCMP_ACT_ERRNO","errnoRet":38}
 * No other rule of the profile may name these syscalls (libseccomp keeps
 * one action per syscall); `acid seccomp` takes them out of the others.
 * Returns as acid_seccomp_oci_rule().
 */
int acid_seccomp_oci_io_uring_rule(char **json_out);

/* ------------------------------------------------------------- Version */

/* acid_version - the version of this library, "0.1.0". Since ACID_0.2. */
const char *acid_version(void);

/* -------------------------------------------------------------- Errors */

/*
 * acid_strerror - a sentence for an error this library returns (@err may be
 * negative or positive). Never NULL; the string is static.
 */
const char *acid_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* ACID_LIBACID_H */
