/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * audisp-acid's namespace changes (SPEC "Live attribution"): the SYSCALL
 * records of unshare, setns, clone and clone3, read as they arrive, and
 * for a process of a registered container that changed its namespaces,
 * or a child it cloned into new ones, a VIRT_RESOURCE resrc=ns record
 * (libacid's acid_log_ns_change) sent while the process lives.
 */
#ifndef ACID_PLUGIN_NSCHANGE_H
#define ACID_PLUGIN_NSCHANGE_H

#include <stddef.h>

struct nschange;

/*
 * nschange_new - the watcher, with a libacid context of its own (the
 * environment's ACID_STATE_DIR and ACID_PROC_ROOT). Returns 0, -ENOMEM
 * or acid_ctx_new()'s error.
 */
int nschange_new(struct nschange **out);
void nschange_free(struct nschange *n);

/*
 * nschange_feed - @len bytes of the plugin's input, as read: each whole
 * line is looked at (a line cut by the read waits for its end; one
 * longer than a record can be is dropped). Never fails: what cannot be
 * sent is counted and said (stderr and syslog) once per kind of error.
 */
void nschange_feed(struct nschange *n, const char *data, size_t len);

/*
 * A SYSCALL record's namespace change, as nschange_feed finds it; for
 * the unit tests. @line: one record line (no newline needed).
 */
enum nschange_reason {
	NSCHANGE_NONE = 0,
	NSCHANGE_UNSHARE,
	NSCHANGE_SETNS,
	NSCHANGE_CLONE,	 /* clone with CLONE_NEW* flags */
	NSCHANGE_CLONE3, /* clone3: its flags are not in the record */
};

struct nschange_call {
	enum nschange_reason reason;
	int pid;	      /* the caller */
	int ppid;	      /* its parent */
	int task;	      /* the process that changed: pid, or the child
			       * (clone: exit=, in the caller's pid namespace) */
	unsigned int kinds;   /* 1u << ACID_NS_x the flags name */
	unsigned int compare; /* kinds to compare with the container's */
	const char *node;     /* node=NAME's NAME in the line; NULL: none */
	size_t node_len;
	char trigger[48];     /* the event id, SEC.MSEC:SERIAL */
	long long sec;	      /* the event's time, seconds */
};

/* 1: @line is a namespace change, *@out filled; 0: it is not. */
int nschange_parse(const char *line, size_t len, struct nschange_call *out);

#endif
