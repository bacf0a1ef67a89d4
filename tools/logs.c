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

/* The links with a trigger the first pass found: at most the library's. */
struct link {
	char *node;
	char uuid[ACID_ATTR_ID_STRLEN];
	char trigger[48];
	pid_t pid;
};

struct links {
	struct link *v;
	size_t n, cap;
	unsigned long over; /* more than ACID_ATTR_MAX_LINKS */
	bool nomem;
};

static void on_link(const struct acid_attr_link_info *li, void *arg)
{
	struct links *ls = arg;
	struct link *k;

	if (!li->applied || !li->trigger[0] ||
	    strlen(li->trigger) >= sizeof(ls->v[0].trigger))
		return;
	if (ls->n >= ACID_ATTR_MAX_LINKS) {
		ls->over++;
		return;
	}
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 16;
		void *p = realloc(ls->v, cap * sizeof(*ls->v));

		if (!p) {
			ls->nomem = true;
			return;
		}
		ls->v = p;
		ls->cap = cap;
	}
	k = &ls->v[ls->n];
	k->node = li->node ? strdup(li->node) : NULL;
	if (li->node && !k->node) {
		ls->nomem = true;
		return;
	}
	snprintf(k->uuid, sizeof(k->uuid), "%s", li->uuid);
	snprintf(k->trigger, sizeof(k->trigger), "%s", li->trigger);
	k->pid = li->task_pid;
	ls->n++;
}

static void links_free(struct links *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i].node);
	free(ls->v);
}

/* A line of @len bytes at @p: a link record with a trigger? */
static bool link_line(const char *p, size_t len)
{
	return memmem(p, len, "type=VIRT_CONTROL ", 18) &&
	       memmem(p, len, " op=exec ", 9) && memmem(p, len, " trigger=", 9);
}

/*
 * Does any input hold a link with a trigger? The first pass is only
 * needed then (a log without the plugin's links, the common case, is
 * read once). Whole lines are looked at: a line cut by a read is kept
 * for the next (up to ACID_ATTR_MAX_LINE: longer is no record). pread:
 * the offsets stay. Returns 1, 0 or -errno (@i: which input).
 */
static int any_trigger(const int *fd, size_t n, size_t *i)
{
	const size_t chunk = 1 << 20;
	char *buf = malloc(chunk + ACID_ATTR_MAX_LINE);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (*i = 0; *i < n && !ret; (*i)++) {
		size_t keep = 0;
		off_t off = 0;
		ssize_t got = 0;

		while (!ret &&
		       (got = pread(fd[*i], buf + keep, chunk, off)) > 0) {
			size_t len = keep + (size_t)got;
			const char *p = buf, *end = buf + len, *nl;

			off += got;
			while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
				if (link_line(p, (size_t)(nl - p)))
					ret = 1;
				p = nl + 1;
			}
			keep = (size_t)(end - p);
			if (keep > ACID_ATTR_MAX_LINE) {
				p = end - ACID_ATTR_MAX_LINE;
				keep = ACID_ATTR_MAX_LINE;
			}
			memmove(buf, p, keep);
		}
		if (!ret && got < 0)
			ret = -errno;
		if (!ret && link_line(buf, keep))
			ret = 1; /* a last line without its newline */
	}
	free(buf);
	return ret;
}

/*
 * The first pass: every input through a reader that only follows the
 * rules (no events, no warnings), for its links. Returns 0, or -errno
 * (@i: the input that failed).
 */
static int prescan(const struct logs *l, const int *fd,
		   const char *const *inputs, size_t n, struct links *ls,
		   size_t *i)
{
	struct acid_attr *pre;
	int r;

	r = acid_attr_new(l->flags & ACID_ATTR_REFERENCE, &pre);
	if (r < 0)
		return r;
	acid_attr_set_link(pre, on_link, ls);
	for (*i = 0, r = 0; *i < n && !r; (*i)++)
		r = acid_attr_feed_fd(pre, fd[*i], inputs[*i]);
	if (!r)
		r = acid_attr_finish(pre);
	acid_attr_free(pre);
	if (!r && ls->nomem)
		r = -ENOMEM;
	for (size_t k = 0; !r && k < n; k++)
		if (lseek(fd[k], 0, SEEK_SET) < 0) {
			*i = k + 1;
			r = -errno;
		}
	return r;
}

int logs_read(struct acid_attr *a, struct logs *l, const char *const *inputs,
	      size_t n)
{
	struct links ls = { 0 };
	bool twice = true;
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
		/* a pipe is read once: no first pass */
		if (lseek(fd[i], 0, SEEK_CUR) < 0)
			twice = false;
	}
	if (twice) {
		r = any_trigger(fd, n, &i);
		if (r > 0)
			r = prescan(l, fd, inputs, n, &ls, &i);
		if (r == -ENOMEM)
			goto nomem;
		if (r < 0) {
			tool_error(l->cmd, "cannot read \"%s\": %s",
				   inputs[i - 1], strerror(-r));
			goto out;
		}
		for (size_t k = 0; k < ls.n; k++) {
			r = acid_attr_link(a, ls.v[k].node, ls.v[k].uuid,
					   ls.v[k].pid, ls.v[k].trigger);
			if (r == -ENOMEM)
				goto nomem;
			if (r == -ENOSPC)
				ls.over++;
		}
		if (ls.over)
			fprintf(stderr, "acid %s: warning: %lu link records "
				"with a trigger over the limit of %d: their "
				"processes count from the link record on, "
				"not from the event that triggered it\n",
				l->cmd, ls.over, ACID_ATTR_MAX_LINKS);
	} else {
		/* to say so when it matters */
		acid_attr_set_link(a, on_link, &ls);
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
	if (!twice && ls.n + ls.over)
		fprintf(stderr, "acid %s: warning: an input cannot be read "
			"twice (a pipe): %zu process%s linked to a container "
			"count%s from the link record on, not from the event "
			"that triggered it\n", l->cmd, ls.n + ls.over,
			ls.n + ls.over == 1 ? "" : "es",
			ls.n + ls.over == 1 ? "s" : "");
	ret = r;
	goto out;
nomem:
	tool_error(l->cmd, "out of memory");
out:
	links_free(&ls);
	for (size_t k = 0; k < opened; k++)
		close(fd[k]);
	free(fd);
	acid_attr_free_inputs(def);
	return ret;
}
