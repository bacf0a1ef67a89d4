/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * auditlog - read the audit logs and say which container each event
 * belongs to, on a kernel that does not know containers.
 *
 * The inputs are read in order (oldest first) by one line reader of our
 * own, which skips and warns about what is not an audit record (garbage,
 * NUL bytes, lines longer than any record can be), so that hostile logs
 * never reach libauparse's string functions.
 *
 * al_scan() is the attribution pass. acid's VIRT_CONTROL records
 * (virt=oci) open and close a container's lifetime; between them an event
 * belongs to the container
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
 *
 * Two ways to get those subject fields, with the same result: a fast
 * scanner of the raw line (the default), or libauparse on every line
 * (al_opts.reference; slow: the yardstick the scanner is tested against).
 * acid's own records are always read with libauparse.
 *
 * al_replay() is the output pass: it reads the inputs again and feeds
 * only the lines of the selected events to libauparse, which assembles
 * them into events as ausearch does.
 */
#ifndef ACID_AUDITLOG_H
#define ACID_AUDITLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <auparse.h>
#include <acid/libacid.h>

/* Where auditd is told to write its log, and the default log file. */
#define AL_AUDITD_CONF "/etc/audit/auditd.conf"
#define AL_DEFAULT_LOG "/var/log/audit/audit.log"

/*
 * The longest line taken as a record. The kernel caps a record at
 * MAX_AUDIT_MESSAGE_LENGTH (8970) bytes; auditd adds the node name and,
 * in the enriched format, the interpreted names. Anything much longer is
 * not a record auditd wrote.
 */
#define AL_MAX_LINE 65536

/* Warnings printed before the rest are only counted. */
#define AL_MAX_WARNINGS 20

/* An event's identity, as in msg=audit(SEC.MILLI:SERIAL). */
struct al_stamp {
	int64_t sec;
	uint32_t milli;
	uint64_t serial;
};

enum al_end {
	AL_END_NONE = 0,   /* no stop record in the logs */
	AL_END_STOP,	   /* a stop record (see reason) */
	AL_END_DISPLACED,  /* another claim of its ID was preferred (stop:
			    * the record that displaced it, or its own
			    * start record when it came second) */
};

/*
 * One run of a container, as its records in the logs describe it.
 * name: the OCI id, decoded ("" when not given); bundle: decoded, NULL
 * when not given; sender: pid= of the start record (0: not known);
 * ses_tag: 0 when attributed by ancestry; parent: "" when not nested;
 * has_start: false when only its stop is in the logs; forged: one of its
 * acid records was sent from inside a container; conflict: another start
 * record claimed its ID while it ran (see end for which claim lost);
 * events: attributed to it, its own records not counted; file, line:
 * where its first record is.
 */
struct al_container {
	char uuid[ACID_ID_STRLEN]; /* canonical form */
	char *name;
	char *bundle;
	pid_t vm_pid;		   /* init, host view */
	pid_t sender;
	uint32_t ses_tag;
	char parent[ACID_ID_STRLEN];

	bool has_start;
	struct al_stamp start;
	enum al_end end;
	struct al_stamp stop;	   /* when end == AL_END_STOP */
	char reason[ACID_REASON_MAX + 1]; /* exit, destroy, lost, ... */

	bool forged;
	bool conflict;
	uint64_t events;

	const char *file;
	unsigned long line;
};

/*
 * Options of al_open(). Zero is the default for every field. inputs: the
 * files, oldest first (NULL: auditd's logs); cmd: "events" makes warnings
 * read "acid events: warning: ..."; reference: subject fields through
 * libauparse; max_warnings: 0 is AL_MAX_WARNINGS; warn: NULL is stderr;
 * auditd_conf: NULL is AL_AUDITD_CONF.
 */
struct al_opts {
	const char *const *inputs;
	size_t n_inputs;
	const char *cmd;
	bool reference;
	unsigned int max_warnings;
	FILE *warn;
	const char *auditd_conf;
};

struct al_log;

/*
 * al_default_inputs - auditd's log files, oldest first: log_file.N ...
 * log_file.1, log_file, where log_file comes from @conf (NULL: the
 * default config; a missing config means AL_DEFAULT_LOG). Rotated files
 * are taken while they exist without a gap. *@files is a NULL-terminated
 * array of *@n strings, free with al_free_inputs(). Returns 0, -ENOENT
 * (not even log_file exists: its name is in (*files)[0]) or -ENOMEM.
 */
int al_default_inputs(const char *conf, char ***files, size_t *n);
void al_free_inputs(char **files);

/*
 * al_open - open the inputs (all of them, now: a rotation while we read
 * does not change what we read). On error returns -errno and writes a
 * sentence naming the file into @err.
 */
int al_open(const struct al_opts *opts, struct al_log **out, char *err,
	    size_t errlen);
void al_close(struct al_log *log);

/*
 * al_scan - the attribution pass over every input. @select (may be NULL)
 * is asked once per container, when its first record is read; the events
 * of the containers it says yes to (their own records and every event
 * attributed to them) are the ones al_replay() gives. Warnings go to the
 * warning stream as they are met (bounded: see AL_MAX_WARNINGS), and a
 * count of the rest at the end. Returns 0, or -errno when an input cannot
 * be read (message in @err) or memory runs out.
 */
typedef bool (*al_select_fn)(const struct al_container *c, void *arg);
int al_scan(struct al_log *log, al_select_fn select, void *arg, char *err,
	    size_t errlen);

/* The containers found, in the order their first record came. */
size_t al_count(const struct al_log *log);
const struct al_container *al_get(const struct al_log *log, size_t i);

/* Records skipped with a warning (garbage, invalid acid records, ...). */
unsigned long al_skipped(const struct al_log *log);

/* Distinct events selected by al_scan() (what al_replay() will give). */
uint64_t al_selected(const struct al_log *log);

/*
 * al_replay - read the inputs again and call @fn once per selected event,
 * with @au on that event (as libauparse assembles events: ausearch's
 * order). A non-zero return from @fn stops the replay and is returned.
 * With @raw the original lines are kept for al_print_raw().
 */
typedef int (*al_event_fn)(struct al_log *log, auparse_state_t *au,
			   void *arg);
int al_replay(struct al_log *log, bool raw, al_event_fn fn, void *arg,
	      char *err, size_t errlen);

/* The event's lines as they are in the log (ausearch --raw). */
void al_print_raw(struct al_log *log, auparse_state_t *au, FILE *out);

/* The event interpreted, as ausearch -i prints it. */
void al_print_interpreted(auparse_state_t *au, FILE *out);

/* What became of a container, for a report. */
enum al_state {
	AL_STATE_ENDED,	  /* a stop record (reason other than lost) */
	AL_STATE_RUNNING, /* no stop record and its init is alive */
	AL_STATE_LOST,	  /* init gone without stop, or reason=lost */
	AL_STATE_DISPLACED, /* another claim of its ID was preferred */
};

/*
 * al_state - ended, running, lost or displaced. For a container with no
 * stop record that was not displaced it looks at
 * <proc_root>/<vm-pid>/stat (NULL: ACID_PROC_ROOT, else /proc): the
 * process must exist and have started no later than the start record, or
 * it is another process that reuses the pid.
 */
enum al_state al_state(const struct al_container *c, const char *proc_root);

/*
 * al_escape - @s made safe for a terminal: bytes < 0x20, 0x7f and '\\'
 * as \ooo (valid UTF-8 is kept). Writes into @buf, cut with "..." when
 * longer than @len.
 */
const char *al_escape(const char *s, char *buf, size_t len);

#endif /* ACID_AUDITLOG_H */
