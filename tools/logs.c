// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * logs.c - the audit logs into a libacid-attribution reader, for acid
 * events and acid report; the warnings printed or counted (logs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logs.h"
#include "tool.h"

static void on_warning(const struct acid_attr_warning *w, void *arg)
{
	struct logs *l = arg;

	if (!l->verbose && !(l->asked && l->asked(w, l->asked_arg)) &&
	    (unsigned int)w->kind < ACID_ATTR_WARN_KIND_COUNT) {
		l->hidden[w->kind]++;
		if (w->skipped)
			l->hidden_skipped++;
		return;
	}
	fprintf(stderr, "acid %s: warning: %s:%lu: %s\n", l->cmd,
		w->file ? w->file : "-", w->line, w->text);
}

/* "N kind, M kind" for the kinds that skip a record (or that do not). */
static void kinds(const struct logs *l, bool skipping)
{
	const char *sep = "";

	for (int k = 0; k < ACID_ATTR_WARN_KIND_COUNT; k++) {
		bool skips = k == ACID_ATTR_WARN_NOT_RECORD ||
			     k == ACID_ATTR_WARN_INVALID ||
			     k == ACID_ATTR_WARN_SECOND_STOP;

		if (skips != skipping || !l->hidden[k])
			continue;
		fprintf(stderr, "%s%lu %s", sep, l->hidden[k],
			acid_attr_warn_kind_name(k));
		sep = ", ";
	}
}

void logs_summary(const struct logs *l)
{
	unsigned long all = 0, other;

	for (int k = 0; k < ACID_ATTR_WARN_KIND_COUNT; k++)
		all += l->hidden[k];
	if (!all)
		return;
	other = all - l->hidden_skipped;
	fprintf(stderr, "acid %s: warning: ", l->cmd);
	if (l->hidden_skipped) {
		fprintf(stderr, "%lu record%s skipped (", l->hidden_skipped,
			l->hidden_skipped == 1 ? "" : "s");
		kinds(l, true);
		fputs(")", stderr);
	}
	if (other) {
		fprintf(stderr, "%s%lu %swarning%s (", l->hidden_skipped ?
			"; " : "", other, l->hidden_skipped ? "other " : "",
			other == 1 ? "" : "s");
		kinds(l, false);
		fputs(")", stderr);
	}
	fputs("; --verbose shows each\n", stderr);
}

int logs_read(struct acid_attr *a, struct logs *l, const char *const *inputs,
	      size_t n)
{
	char **def = NULL;
	int *fd = NULL, r, ret = -1;
	size_t i, opened = 0;

	if (!n) {
		r = acid_attr_default_inputs(NULL, &def, &n);
		if (r == -ENOENT) {
			tool_error(l->cmd, "no audit log: \"%s\" does not "
				   "exist (log_file of %s)", def[0],
				   ACID_ATTR_AUDITD_CONF);
			goto out;
		}
		if (r < 0)
			goto nomem;
		inputs = (const char *const *)def;
	}
	fd = malloc(n * sizeof(*fd));
	if (!fd)
		goto nomem;
	for (i = 0; i < n; i++) {
		fd[i] = open(inputs[i], O_RDONLY | O_CLOEXEC);
		if (fd[i] < 0) {
			tool_error(l->cmd, "cannot read \"%s\": %s", inputs[i],
				   strerror(errno));
			goto out;
		}
		opened++;
	}
	acid_attr_set_warn(a, on_warning, l);
	for (i = 0, r = 0; i < n && !r; i++)
		r = acid_attr_feed_fd(a, fd[i], inputs[i]);
	if (!r)
		r = acid_attr_finish(a);
	if (r == -ENOMEM)
		goto nomem;
	if (r < 0) {
		tool_error(l->cmd, "cannot read \"%s\": %s", inputs[i - 1],
			   strerror(-r));
		goto out;
	}
	ret = r;
	goto out;
nomem:
	tool_error(l->cmd, "out of memory");
out:
	for (size_t k = 0; k < opened; k++)
		close(fd[k]);
	free(fd);
	acid_attr_free_inputs(def);
	return ret;
}
