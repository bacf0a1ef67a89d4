/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * logs - what acid events and acid report share: the audit logs read into
 * a libacid-attribution reader (all inputs opened first, so that a
 * rotation while we read does not change what we read), and its warnings
 * printed as "acid <cmd>: warning: FILE:LINE: ..." - each one with
 * --verbose, else only those about the container asked for and one line
 * that counts the rest by kind.
 *
 * The logs are read twice: a first reader collects the link records
 * (op=exec) that name the event their process's attribution begins with
 * (trigger=: the plugin links a process after the record it acted on),
 * and the reader given gets them (acid_attr_link) before it reads, so
 * that those earlier records are the container's too. An input that
 * cannot be read twice (a pipe) is read once: links then count from
 * the link record on, with a warning.
 */
#ifndef ACID_TOOL_LOGS_H
#define ACID_TOOL_LOGS_H

#include <stdbool.h>
#include <stddef.h>

#include <acid/attribution.h>

struct logs {
	const char *cmd;
	bool verbose;
	/* is the warning about what was asked? (NULL: nothing was) */
	bool (*asked)(const struct acid_attr_warning *w, void *arg);
	void *asked_arg;
	/* warnings not printed, by kind, and the records they skipped */
	unsigned long hidden[ACID_ATTR_WARN_KIND_COUNT];
	unsigned long hidden_skipped;
	/* the first pass's reader flags (ACID_ATTR_REFERENCE or 0) */
	unsigned int flags;
};

/*
 * Feed @n inputs (none: auditd's logs) to @a and finish. Returns 0, a
 * positive return of the event callback, or -1 after an error line
 * ("cannot read ...").
 */
int logs_read(struct acid_attr *a, struct logs *l, const char *const *inputs,
	      size_t n);

/* The one line that counts the warnings not printed (none: nothing). */
void logs_summary(const struct logs *l);

#endif
