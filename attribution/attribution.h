/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <acid/attribution.h> - libacid-attribution: read audit records and say
 * which container each event belongs to, on a kernel that does not know
 * containers. pkg-config name: acid-attribution.
 *
 * A reader you feed, as libauparse is: create a context, set callbacks,
 * feed it records one at a time (acid_attr_feed: one line as auditd writes
 * it, or as an auditd plugin receives it in string format), or bytes as
 * they come (acid_attr_feed_bytes), or whole files (acid_attr_feed_fd,
 * acid_attr_feed_file); call acid_attr_finish() at the end of input. The
 * library prints nothing and never exits: events come out through the
 * event callback, containers through the container callback and
 * acid_attr_get(), warnings through the warning callback. Every call
 * returns zero (or a count) on success and a negative errno on error. A
 * context is used by one thread at a time; two contexts share nothing.
 *
 * The rules
 * ---------
 * acid's VIRT_CONTROL records (virt=oci) open and close a container's
 * lifetime; between them an event belongs to the container
 *   - by session, when the start record carries ses-tag=N: any record
 *     with ses=N;
 *   - else by ancestry: the set S of host pids starts as {vm-pid}; a
 *     record whose pid is in S belongs to it, a record whose ppid is in S
 *     adds its pid to S. S is dropped at the stop record. A pid in S that
 *     shows up with a parent outside S (and is not the init) is a reused
 *     pid: it leaves S and the record is not counted;
 *   - by the kernel, on a kernel that holds container IDs
 *     (kernel/audit-containerid.patch): a container whose u64 ID the
 *     kernel logged setting (CONTAINER_OP op=set res=1, just before the
 *     start record) is "kernel"; an event belongs to it exactly when it
 *     carries a CONTAINER_ID record with its ID, and ancestry and session
 *     are not used for it. A set record serves one run. The pid of an
 *     event with its CONTAINER_ID joins its S, and leaves it at the first
 *     later event of that pid without one (a reused pid) - S serves the
 *     forgery check below. A container whose set record was rotated away
 *     turns "kernel" at its first CONTAINER_ID record. The kernel's set
 *     records (more come when the ID is given to one more process) and
 *     its drop record are listed with the container's own records.
 *     No process can send those record types: the kernel takes user
 *     records of 1100-1199 and 2100-2999 only.
 *
 * Nodes: an aggregating auditd (tcp_listen_port, fed by audisp-remote on
 * each machine) writes the records of many machines into one log, each
 * line beginning with node=NAME (name_format); pids, sessions, serials
 * and kernel IDs collide across machines. A container is (node, ID):
 * every rule above applies within one node - an event belongs to a
 * container only when it was logged on the container's node, lines
 * without node= being one more node (the local one), and an acid record
 * of one node never ends, claims or flags a run on another. Two node
 * names are two nodes, exactly (no hashing merges them). The names are
 * kept for the reader's life (a live reader too: one per node heard
 * from). The aggregator writes the prefix each sender sent: a node that
 * is not trusted can send records under another node's name.
 *
 * The audit rules it needs: acid's own records (VIRT_CONTROL, always
 * logged), and for ancestry the records that name a process's parent:
 * execve (-a always,exit -S execve) and, to see children that never exec,
 * clone/fork/vfork. With a session tag or the kernel's IDs, any rule whose
 * records carry ses= or come with CONTAINER_ID.
 *
 * Limits, on a stock kernel (a kernel that holds IDs has none of them):
 *   - ancestry sees only what the rules record: a process is placed by a
 *     record naming its parent. With execve audited but not clone/fork, a
 *     child of a process that never execs (a subshell's) is missed;
 *   - a process that joins the container from outside (runc exec, setns)
 *     is not a descendant of its init: missed by ancestry; under the
 *     session tag only if it runs in that session;
 *   - records the kernel dropped (backlog, rate limit) cut the chain;
 *   - a reused pid is told apart only when its parent is outside S;
 *   - by session, every process of the session counts (the runtime and
 *     its hooks too, by design); a process that takes a new session
 *     inside (a login writing its loginuid) leaves it.
 * acid records sent from inside a container (the sender's pid is in some
 * S, and that container does not hold the one named: nesting) flag the
 * container they name "forged?"; so does a start record naming vm-pid 1
 * or its own sender (libacid refuses to register the caller or an
 * ancestor of it), which counts as sent from inside. A stop record sent
 * from inside does not end a lifetime. Only the S of a run whose start
 * record came from outside says who is inside: a forged claim names any
 * init it likes.
 * Two start records that claim one running ID (libacid refuses a live
 * ID: one of them is not acid's) are a conflict, flagged on both claims.
 * The claim sent from outside any container is preferred, whichever came
 * first; between two of the same kind, the first. The claim not preferred
 * is "displaced": a run from the moment it was displaced (its S and
 * session let go; what it was charged with before stays), or never a run
 * when it came second. The same registration logged twice by the same
 * kind of sender (same init, same name) is one claim, no conflict.
 *
 * Subjects (pid=, ppid=, ses=) are taken from the kernel-written part of a
 * record only: never from EXECVE/PATH/CWD/PROCTITLE/SOCKADDR records, and
 * never from inside a user record's msg='...', which its sender chose.
 * Two ways to get them, with the same result: a fast scanner of the raw
 * line (the default), or libauparse on every record (ACID_ATTR_REFERENCE;
 * slow: the yardstick the scanner is tested against). acid's own records
 * are always read with libauparse. Lines that are not audit records
 * (garbage, NUL bytes, lines longer than any record can be) are skipped
 * with a warning and never reach libauparse's string functions.
 *
 * Events
 * ------
 * The events of the selected containers (the selection callback is asked
 * once per container, at its first record) are assembled by libauparse
 * (its event boundary: EOE, or a record of a later event) and given to the
 * event callback once each, when complete: their own records (start,
 * stop, the kernel's) and every event attributed to them. A record of an
 * event that came before the record that attributed it is kept a while
 * (the last ACID_ATTR_BACKLOG lines) and given with it. An event whose
 * stamp was given already is not given again (a log that holds its
 * records twice).
 *
 * A live reader (an auditd plugin)
 * --------------------------------
 * Create it with ACID_ATTR_LIVE (bounded memory), seed it with the
 * containers libacid's registry says are running (acid_attr_seed, and
 * acid_attr_seed_pid for their processes /proc shows), select what it
 * wants (every container: a select callback that says yes), and feed
 * each record as it comes (acid_attr_feed; or acid_attr_feed_bytes with
 * what read() gave). An event is given when libauparse sees it complete:
 * at its EOE record, or when later records show it is over - so the last
 * event before a quiet spell may wait for the next record; call
 * acid_attr_finish() when the input ends. The container callback says
 * when a run starts and ends, as its record is read (before the event of
 * that record is given). Callbacks run inside the feed calls: they must
 * not feed or free the reader they were called from. Containers and
 * their names stay valid until acid_attr_free().
 *
 * Threads: every call takes the reader it works on; readers share
 * nothing, but ACID_ATTR_INTERPRET goes through libauparse's
 * interpretation, whose caches (user and group names) are the process's:
 * interpret from one thread at a time.
 */
#ifndef ACID_ATTRIBUTION_H
#define ACID_ATTRIBUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The canonical form of a container ID with its NUL, as <acid/libacid.h>. */
#define ACID_ATTR_ID_STRLEN 37
/* The longest stop reason acid writes. */
#define ACID_ATTR_REASON_MAX 32

/* Where auditd is told to write its log, and the default log file. */
#define ACID_ATTR_AUDITD_CONF "/etc/audit/auditd.conf"
#define ACID_ATTR_DEFAULT_LOG "/var/log/audit/audit.log"

/*
 * The longest line taken as a record. The kernel caps a record at
 * MAX_AUDIT_MESSAGE_LENGTH (8970) bytes; auditd adds the node name and,
 * in the enriched format, the interpreted names. Anything much longer is
 * not a record auditd wrote.
 */
#define ACID_ATTR_MAX_LINE 65536

/* Lines kept for an event whose attributing record comes later. */
#define ACID_ATTR_BACKLOG 64

/* An event's identity, as in msg=audit(SEC.MILLI:SERIAL). */
struct acid_attr_stamp {
	int64_t sec;
	uint32_t milli;
	uint64_t serial;
};

enum acid_attr_end {
	ACID_ATTR_END_NONE = 0,	 /* no stop record (yet) */
	ACID_ATTR_END_STOP,	 /* a stop record (see reason) */
	ACID_ATTR_END_DISPLACED, /* another claim of its ID was preferred
				  * (stop: the record that displaced it, or
				  * its own start record when it came
				  * second) */
};

/*
 * One run of a container, as its records describe it. The library
 * allocates it and keeps it until acid_attr_free(); callers only read it
 * (fields may be added at the end in a later version).
 * name: the OCI id, decoded ("" when not given); bundle: decoded, NULL
 * when not given; sender: pid= of the start record (0: not known);
 * ses_tag: 0 when attributed by ancestry; parent: "" when not nested;
 * has_start: false when only its stop was read; forged: one of its acid
 * records was sent from inside a container; conflict: another start
 * record claimed its ID while it ran (see end for which claim lost);
 * events: attributed to it, its own records not counted; file, line:
 * where its first record is (file: the source name, NULL when none);
 * node: the node= name its records carry (an aggregator's log: one per
 * machine), NULL when they carry none (the local node).
 */
struct acid_attr_container {
	char uuid[ACID_ATTR_ID_STRLEN]; /* canonical form */
	char *name;
	char *bundle;
	pid_t vm_pid; /* init, host view */
	pid_t sender;
	uint32_t ses_tag;
	char parent[ACID_ATTR_ID_STRLEN];

	bool has_start;
	struct acid_attr_stamp start;
	enum acid_attr_end end;
	struct acid_attr_stamp stop; /* when end != ACID_ATTR_END_NONE */
	char reason[ACID_ATTR_REASON_MAX + 1]; /* exit, destroy, lost, ... */

	bool forged;
	bool conflict;
	uint64_t events;

	const char *file;
	unsigned long line;

	const char *node;

	/*
	 * Kubernetes metadata of its start record (k8s-pod=, k8s-namespace=,
	 * k8s-pod-uid=, k8s-container=, image=; from a CRI runtime's
	 * annotations), decoded; NULL where the record has none.
	 */
	char *k8s_pod;
	char *k8s_namespace;
	char *k8s_pod_uid;
	char *k8s_container;
	char *image;
};

/*
 * What a warning is about, so that a caller can count them by kind. A
 * later version may add kinds: a caller that counts into an array of
 * ACID_ATTR_WARN_KIND_COUNT checks the kind against it.
 */
enum acid_attr_warn_kind {
	ACID_ATTR_WARN_NOT_RECORD,  /* not an audit record: skipped */
	ACID_ATTR_WARN_INVALID,	    /* an invalid acid record: skipped */
	ACID_ATTR_WARN_SECOND_STOP, /* a second stop record: skipped */
	ACID_ATTR_WARN_FORGED,	    /* an acid record not acid's */
	ACID_ATTR_WARN_CONFLICT,    /* two start records claim one ID */
	ACID_ATTR_WARN_MISMATCH,    /* stop and start disagree */
	ACID_ATTR_WARN_LINK,	    /* a link or ns record of no open run */
	ACID_ATTR_WARN_KIND_COUNT
};

/*
 * One warning: @text is one line without a newline, without "warning:"
 * and without the place; @file (the source name, NULL when none) and
 * @line say where the record is; @skipped: the record was not read;
 * @uuid and @name name the container it is about (NULL: none, e.g. a
 * line that is not a record). Valid during the callback only.
 */
struct acid_attr_warning {
	enum acid_attr_warn_kind kind;
	bool skipped;
	const char *file;
	unsigned long line;
	const char *uuid;
	const char *name;
	const char *text;
};

/* A short phrase for a kind ("not an audit record", ...), or "?". */
const char *acid_attr_warn_kind_name(enum acid_attr_warn_kind kind);

struct acid_attr;	/* a reader: one per stream */
struct acid_attr_event; /* one event, during the event callback only */

/*
 * Flags of acid_attr_new().
 * ACID_ATTR_REFERENCE: subject fields through libauparse (slow).
 * ACID_ATTR_ALL: every event goes to the event callback, not only those
 *   of selected containers: an event of no (selected) container comes
 *   with acid_attr_event_containers() 0. Every record is assembled by
 *   libauparse then (slower: what an auditd plugin that writes every
 *   event wants).
 * ACID_ATTR_LIVE: a reader that runs for good (an auditd plugin): memory
 *   stays bounded by what is running, not by what was read. The stamps of
 *   the events given are forgotten ACID_ATTR_LIVE_WINDOW seconds (in the
 *   records' time) after the latest event given, so a copy of a record
 *   that comes later than that is given again; with ACID_ATTR_ALL too,
 *   ACID_ATTR_ALL_WINDOW seconds (every event's stamp is kept then: at
 *   thousands of events a second, a long window is tens of MiB; auditd
 *   sends a plugin each record once, and the late records of an event
 *   come within a second or two). The containers read stay (a few
 *   hundred bytes each) until acid_attr_free(). Without it every stamp
 *   given is remembered, as a whole-log reader wants.
 */
#define ACID_ATTR_REFERENCE 0x1u
#define ACID_ATTR_LIVE 0x2u
#define ACID_ATTR_ALL 0x4u
#define ACID_ATTR_LIVE_WINDOW 600
#define ACID_ATTR_ALL_WINDOW 10

/*
 * acid_attr_new - a new reader. @flags: 0 or ACID_ATTR_* flags.
 * Returns 0, -EINVAL (unknown flags) or -ENOMEM.
 */
int acid_attr_new(unsigned int flags, struct acid_attr **out);
void acid_attr_free(struct acid_attr *a);

/*
 * The callbacks; each may be NULL (the default). Set them before the
 * first record.
 * select: asked once per container, when its first record is read; the
 *   events of the containers it says yes to go to the event callback.
 * event: one complete event of a selected container. A non-zero return
 *   stops the delivery: no event is given from then on, and the feed call
 *   that was running returns that value.
 * container: @what says what happened to @c (ACID_ATTR_CTR_*), as its
 *   record is read: a live reader follows starts and stops with it.
 * warn: one warning.
 */
typedef bool (*acid_attr_select_fn)(const struct acid_attr_container *c,
				    void *arg);
typedef int (*acid_attr_event_fn)(const struct acid_attr_event *ev,
				  void *arg);
enum acid_attr_ctr_change {
	ACID_ATTR_CTR_START, /* a start record: a new run or claim */
	ACID_ATTR_CTR_END,   /* its end is set: stop or displaced */
};
typedef void (*acid_attr_container_fn)(const struct acid_attr_container *c,
				       enum acid_attr_ctr_change what,
				       void *arg);
typedef void (*acid_attr_warn_fn)(const struct acid_attr_warning *w,
				  void *arg);
void acid_attr_set_select(struct acid_attr *a, acid_attr_select_fn fn,
			  void *arg);
void acid_attr_set_event(struct acid_attr *a, acid_attr_event_fn fn,
			 void *arg);
void acid_attr_set_container(struct acid_attr *a, acid_attr_container_fn fn,
			     void *arg);
void acid_attr_set_warn(struct acid_attr *a, acid_attr_warn_fn fn,
			void *arg);

/*
 * acid_attr_set_source - the name warnings and containers give as where
 * a record is (a file name; NULL: none); the line count starts again at
 * 0. The name is copied. A line acid_attr_feed_bytes has not seen the end
 * of is dropped: end the previous source first (acid_attr_end_source).
 * Returns 0 or -ENOMEM.
 */
int acid_attr_set_source(struct acid_attr *a, const char *name);

/*
 * acid_attr_feed - one record: @len bytes of @line, one line as auditd
 * writes it (a newline at its end is allowed and ignored). An empty line
 * is nothing; a line that is not a record is skipped with a warning.
 * Returns 0, a non-zero return of the event callback, or -ENOMEM.
 */
int acid_attr_feed(struct acid_attr *a, const char *line, size_t len);

/*
 * acid_attr_feed_bytes - @len bytes of a stream of lines, in pieces of
 * any size: each complete line is fed; the rest waits for more (or for
 * acid_attr_end_source / acid_attr_finish). A line longer than
 * ACID_ATTR_MAX_LINE is skipped whole, with a warning. Do not mix it with
 * acid_attr_feed in one source while a line is incomplete. Returns as
 * acid_attr_feed.
 */
int acid_attr_feed_bytes(struct acid_attr *a, const char *data, size_t len);

/*
 * acid_attr_end_source - the source ends: a last line without its newline
 * is fed (auditd may have been writing it). Returns as acid_attr_feed.
 */
int acid_attr_end_source(struct acid_attr *a);

/*
 * acid_attr_feed_fd - every line of @fd from its current offset to its
 * end, with @name as the source (acid_attr_set_source, then
 * acid_attr_end_source). Returns as acid_attr_feed, or -errno of a read.
 */
int acid_attr_feed_fd(struct acid_attr *a, int fd, const char *name);

/* acid_attr_feed_file - the same for the file @path (opened, read, closed). */
int acid_attr_feed_file(struct acid_attr *a, const char *path);

/*
 * acid_attr_finish - the end of input: the source ends, and the events
 * still incomplete are given. Returns as acid_attr_feed. Containers stay
 * readable; feeding more afterwards is allowed (a new input).
 */
int acid_attr_finish(struct acid_attr *a);

/*
 * acid_attr_seed - a container that has run since before the first record
 * fed (a live reader starts while containers run: take them from libacid's
 * registry), as if its start record had been read, sent from outside any
 * container: its set S is {vm_pid}, its session tag and kernel mode as
 * given. The selection callback is asked, the container callback told
 * ACID_ATTR_CTR_START (has_start false, file NULL). A later stop record
 * ends it as any run. @s->size is sizeof(struct acid_attr_seed) (fields may
 * be added at the end); uuid: a container ID; name: its OCI id (NULL:
 * ""); vm_pid: its init (host view, not 1); ses_tag: 0 or its session;
 * parent: NULL or the ID of the container that holds it; node: the node=
 * name its records carry (NULL: none); kernel: the kernel holds its ID
 * (CONTAINER_ID records decide); k8s_pod ... image: its Kubernetes
 * metadata (acid_entry_k8s_pod(), ...). Returns 0, -EINVAL, -EEXIST (a run of
 * that ID is open) or -ENOMEM.
 *
 * acid_attr_seed_pid - @pid is in the open run of @uuid (on @node) too: a
 * process of it started before the first record (its descendants that
 * /proc shows, or a process that joined it: runc exec, setns, whose
 * parent is outside S). A seeded pid is never taken for a reused one, as
 * the init is not: should it exit and a host process get its pid while
 * the run is open, that process is charged to the run (seed what runs
 * now, at the start). Returns 0, -EINVAL, -ENOENT (no such open run),
 * -ENOMEM.
 */
struct acid_attr_seed {
	size_t size;
	const char *uuid;
	const char *name;
	pid_t vm_pid;
	uint32_t ses_tag;
	const char *parent;
	const char *node;
	bool kernel;
	/* Kubernetes metadata (NULL or "": none); a @size that ends
	 * before them (at kernel) leaves them out */
	const char *k8s_pod;
	const char *k8s_namespace;
	const char *k8s_pod_uid;
	const char *k8s_container;
	const char *image;
};
int acid_attr_seed(struct acid_attr *a, const struct acid_attr_seed *s);
int acid_attr_seed_pid(struct acid_attr *a, const char *uuid,
		       const char *node, pid_t pid);

/*
 * Links (op=exec records): a process that joined a container from
 * outside (runc exec, setns) is put in the run's S by a link record:
 * reason=session (acid-exec: ses-tag=N, the runtime's session, is the
 * run's from the record on, as a start record's) or reason=setns
 * (audisp-acid saw the process join). Either way task-pid becomes a root
 * of S (as acid_attr_seed_pid: its parent is outside S), from the record
 * on, or with trigger=SEC.MSEC:SERIAL from that event on - a reader of
 * the log reads it twice for that (see acid_attr_link). Only a link of
 * the record's node, for a run of that ID open then, counts; one sent
 * from inside a container (its sender in some S) is "forged?", flags the
 * run it names and changes nothing. A clone with CLONE_PARENT from a
 * root of S whose parent is outside S adds the child (the syscall's exit
 * value) to S: runc exec's init is the sibling of the process that
 * joined. resrc=ns records (VIRT_RESOURCE: a process of the container
 * changed namespaces) are listed with the run's records and counted as
 * its events, under the same forgery rule.
 *
 * acid_attr_link - @pid is in the open run of @uuid on @node (NULL: the
 * local node) from the event @trigger on ("SEC.MSEC:SERIAL" as
 * msg=audit(...) writes it, inclusive: at the first record of that
 * event on that node), or from now (@trigger NULL). A root of S as
 * acid_attr_seed_pid makes it. A link with a trigger waits until its
 * event is read; a link record read before that applies it at once; a
 * waiting link whose run is not open when its event comes is dropped.
 * At most ACID_ATTR_MAX_LINKS wait at once. Returns 0, -EINVAL, -ENOENT
 * (@trigger NULL and no such open run), -ENOSPC (ACID_ATTR_MAX_LINKS
 * links wait already), -ENOMEM.
 *
 * The link callback (acid_attr_set_link) is told every link record read
 * that is valid: what it says, whether it was sent from inside a
 * container (forged, not applied) and whether a run of its ID was open
 * on its node (applied). A reader of files (acid events, acid report)
 * reads them twice: a first reader collects the links with a trigger
 * that were applied, a second is given them with acid_attr_link before
 * it reads, so that the records of a joined process logged before its
 * link (its execve: the plugin links what it saw) are the container's.
 * @size is sizeof(struct acid_attr_link_info) (fields may be added at
 * the end); the strings are valid during the callback only; trigger:
 * "" when none.
 */
#define ACID_ATTR_MAX_LINKS 65536

struct acid_attr_link_info {
	size_t size;
	const char *uuid;
	const char *name;
	const char *node;  /* NULL: the local node */
	const char *reason; /* "session" or "setns" */
	pid_t task_pid;
	uint32_t ses_tag;  /* 0: none */
	const char *trigger;
	pid_t sender;
	bool forged;
	bool applied;
};
typedef void (*acid_attr_link_fn)(const struct acid_attr_link_info *l,
				  void *arg);
void acid_attr_set_link(struct acid_attr *a, acid_attr_link_fn fn,
			void *arg);
int acid_attr_link(struct acid_attr *a, const char *node, const char *uuid,
		   pid_t pid, const char *trigger);

/* The containers read so far, in the order their first record came. */
size_t acid_attr_count(const struct acid_attr *a);
const struct acid_attr_container *acid_attr_get(const struct acid_attr *a,
						size_t i);

/* Records skipped with a warning; warnings in all. */
unsigned long acid_attr_skipped(const struct acid_attr *a);
unsigned long acid_attr_warnings(const struct acid_attr *a);

/* Distinct events attributed to a selected container so far. */
uint64_t acid_attr_selected(const struct acid_attr *a);

/*
 * The event: its stamp, its records (the lines as they were fed, in the
 * order libauparse assembled them; a record libauparse keeps no line of
 * gives its own text), the selected containers it belongs to (its own
 * records' container included).
 */
const struct acid_attr_stamp *
acid_attr_event_stamp(const struct acid_attr_event *ev);
size_t acid_attr_event_records(const struct acid_attr_event *ev);
const char *acid_attr_event_record(const struct acid_attr_event *ev,
				   size_t i);
size_t acid_attr_event_containers(const struct acid_attr_event *ev);
const struct acid_attr_container *
acid_attr_event_container(const struct acid_attr_event *ev, size_t i);

/*
 * acid_attr_event_write - the event written to @out: ACID_ATTR_RAW, its
 * lines as they were fed (ausearch --raw), or ACID_ATTR_INTERPRET, as
 * ausearch -i prints it (numbers and codes as text, "----" first, the
 * records last to first), or ACID_ATTR_JSON, one JSON object on one line
 * (SPEC "JSON events": OpenTelemetry / ECS names, nested): "@timestamp"
 * (RFC 3339, UTC), audit.serial, audit.node, audit.type (the first
 * record's), audit.session, audit.records [{type, text}], process.pid,
 * process.name (comm), process.executable (exe), process.parent.pid,
 * user.audit.id (auid, a string), and container.id, container.name,
 * container.runtime ("oci") when the event is a container's (of nested
 * ones, the innermost); no "container" otherwise. The subject comes from
 * the kernel's part of the SYSCALL record (else the first record that
 * has one; comm and exe from a SYSCALL record only); unset values
 * (auid/ses 4294967295) are left out. Returns 0, -EINVAL, -ENOMEM or
 * -EIO (a write failed).
 */
enum acid_attr_format {
	ACID_ATTR_RAW,
	ACID_ATTR_INTERPRET,
	ACID_ATTR_JSON,
};
int acid_attr_event_write(const struct acid_attr_event *ev,
			  enum acid_attr_format format, FILE *out);

/*
 * acid_attr_default_inputs - auditd's log files, oldest first: log_file.N
 * ... log_file.1, log_file, where log_file comes from @conf (NULL:
 * ACID_ATTR_AUDITD_CONF; a missing config means ACID_ATTR_DEFAULT_LOG).
 * Rotated files are taken while they exist without a gap. *@files is a
 * NULL-terminated array of *@n strings, free with acid_attr_free_inputs().
 * Returns 0, -ENOENT (not even log_file exists: its name is in
 * (*files)[0]) or -ENOMEM.
 */
int acid_attr_default_inputs(const char *conf, char ***files, size_t *n);
void acid_attr_free_inputs(char **files);

/* What became of a container, for a report. */
enum acid_attr_state {
	ACID_ATTR_STATE_ENDED,	   /* a stop record (reason other than lost) */
	ACID_ATTR_STATE_RUNNING,   /* no stop record and its init is alive */
	ACID_ATTR_STATE_LOST,	   /* init gone without stop, or reason=lost */
	ACID_ATTR_STATE_DISPLACED, /* another claim of its ID was preferred */
	ACID_ATTR_STATE_UNKNOWN,   /* no stop record, and its records name a
				    * node: its init is on a machine whose
				    * /proc this one does not see */
};

/*
 * acid_attr_state - ended, running, lost, displaced or unknown. For a
 * container with no stop record that was not displaced, unknown when
 * its records carry node= (an aggregator's log: which node is this one
 * is not known, and a pid here says nothing of a pid there), else it
 * looks at
 * <proc_root>/<vm-pid>/stat (NULL: ACID_PROC_ROOT, else /proc): the
 * process must exist and have started no later than the start record, or
 * it is another process that reuses the pid.
 */
enum acid_attr_state acid_attr_state(const struct acid_attr_container *c,
				     const char *proc_root);

/*
 * acid_attr_escape - @s made safe for a terminal: bytes < 0x20, 0x7f and
 * '\\' as \ooo (valid UTF-8 is kept). Writes into @buf, cut with "..."
 * when longer than @len; returns @buf.
 */
const char *acid_attr_escape(const char *s, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* ACID_ATTRIBUTION_H */
