// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * auditlog-test.h - what the libacid-attribution tests over the crafted
 * logs share (test-auditlog.c, test-auditlog-fleet.c,
 * test-auditlog-print.c): the data dir, reading a log with a selection
 * into the serials it attributed, warnings caught in a file.
 */
#ifndef ACID_TEST_AUDITLOG_TEST_H
#define ACID_TEST_AUDITLOG_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <inttypes.h>
#include <stdio.h>

#include <acid/attribution.h>
#include <acid/libacid.h>

#include "tap.h"

#define MAXEV 256

static const char *datadir;

struct got {
	uint64_t serial[MAXEV];
	size_t n;
	FILE *raw;	  /* the events as ACID_ATTR_RAW go here when set */
	FILE *interp;	  /* ... as ACID_ATTR_INTERPRET here */
};

static inline char *path_of(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", datadir, name) < 0)
		bail("asprintf");
	return p;
}

static inline bool by_name(const struct acid_attr_container *c, void *arg)
{
	return strcmp(c->name, (const char *)arg) == 0;
}

static inline int collect(const struct acid_attr_event *ev, void *arg)
{
	struct got *g = arg;

	if (g->n < MAXEV)
		g->serial[g->n++] = acid_attr_event_stamp(ev)->serial;
	if (g->raw)
		acid_attr_event_write(ev, ACID_ATTR_RAW, g->raw);
	if (g->interp)
		acid_attr_event_write(ev, ACID_ATTR_INTERPRET, g->interp);
	return 0;
}

/* A warning as acid's tools print it with --verbose, into a stream. */
static inline void warn_to(const struct acid_attr_warning *w, void *arg)
{
	fprintf(arg, "acid test: warning: %s:%lu: %s\n", w->file, w->line,
		w->text);
}

/* Warnings into a memory stream: counted and looked at. */
struct warns {
	FILE *f;
	char *buf;
	size_t len;
};

static inline void warns_open(struct warns *w)
{
	w->buf = NULL;
	w->len = 0;
	w->f = open_memstream(&w->buf, &w->len);
	if (!w->f)
		bail("open_memstream");
}

static inline size_t warns_lines(struct warns *w)
{
	size_t n = 0;

	fflush(w->f);
	for (size_t i = 0; i < w->len; i++)
		n += w->buf[i] == '\n';
	return n;
}

/* What was written so far, as a string. */
static inline const char *warns_text(struct warns *w)
{
	fflush(w->f);
	return w->buf ? w->buf : "";
}

static inline void warns_close(struct warns *w)
{
	fclose(w->f);
	free(w->buf);
}

/*
 * Scan @file (in the data dir unless absolute), select the containers
 * named @name (NULL: none), replay into @g. The log is returned open.
 */
static inline struct acid_attr *run_by(const char *file, bool reference,
				       acid_attr_select_fn select,
				       const void *arg, struct got *g,
				       FILE *warn)
{
	char *p = file[0] == '/' ? strdup(file) : path_of(file);
	struct acid_attr *log;
	int r;

	r = acid_attr_new(reference ? ACID_ATTR_REFERENCE : 0, &log);
	if (r < 0)
		bail("acid_attr_new: %s", strerror(-r));
	if (warn)
		acid_attr_set_warn(log, warn_to, warn);
	acid_attr_set_select(log, select, (void *)arg);
	if (g) {
		g->n = 0;
		acid_attr_set_event(log, collect, g);
	}
	r = acid_attr_feed_file(log, p);
	if (r == 0)
		r = acid_attr_finish(log);
	if (r < 0)
		bail("reading %s: %s", p, strerror(-r));
	free(p);
	return log;
}

static inline struct acid_attr *run(const char *file, bool reference,
				    const char *name, struct got *g, FILE *warn)
{
	return run_by(file, reference, name ? by_name : NULL, name, g, warn);
}

static inline const struct acid_attr_container *
find(struct acid_attr *log, const char *uuid)
{
	for (size_t i = 0; i < acid_attr_count(log); i++)
		if (strcmp(acid_attr_get(log, i)->uuid, uuid) == 0)
			return acid_attr_get(log, i);
	return NULL;
}

static inline int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The serials replayed, sorted, against @want (sorted). */
static inline void is_serials(struct got *g, const uint64_t *want, size_t n,
			      const char *what)
{
	char gs[1024] = "", ws[1024] = "";
	size_t o = 0;

	qsort(g->serial, g->n, sizeof(g->serial[0]), cmp_u64);
	for (size_t i = 0; i < g->n && o < sizeof(gs) - 24; i++)
		o += (size_t)snprintf(gs + o, sizeof(gs) - o, "%s%" PRIu64,
				      i ? "," : "", g->serial[i]);
	o = 0;
	for (size_t i = 0; i < n && o < sizeof(ws) - 24; i++)
		o += (size_t)snprintf(ws + o, sizeof(ws) - o, "%s%" PRIu64,
				      i ? "," : "", want[i]);
	ok(strcmp(gs, ws) == 0, "%s: events {%s}, want {%s}", what, gs, ws);
}

#define SERIALS(g, what, ...)                                           \
	do {                                                            \
		static const uint64_t w_[] = { __VA_ARGS__ };           \
		is_serials(g, w_, sizeof(w_) / sizeof(w_[0]), what);    \
	} while (0)

#define WEB1 "11111111-2222-4333-8444-555555555555"

static inline bool same_node(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

#endif
