// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * stream.c - the reader: its context and callbacks, each record through
 * the rules (attribute.c) and then, when it belongs to a selected
 * container, on to libauparse, which assembles the records into events;
 * complete events go out through the event callback, once each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

_Static_assert(ACID_ATTR_ID_STRLEN == ACID_ID_STRLEN, "ID length");
_Static_assert(ACID_ATTR_REASON_MAX == ACID_REASON_MAX, "reason length");

API int acid_attr_new(unsigned int flags, struct acid_attr **out)
{
	struct acid_attr *a;

	if (!out || (flags & ~(ACID_ATTR_REFERENCE | ACID_ATTR_LIVE |
			       ACID_ATTR_ALL)))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->reference = flags & ACID_ATTR_REFERENCE;
	a->live = flags & ACID_ATTR_LIVE;
	a->all = flags & ACID_ATTR_ALL;
	a->prune_at = 4096;
	a->one = auparse_init(AUSOURCE_BUFFER, "");
	if (!a->one) {
		free(a);
		return -ENOMEM;
	}
	*out = a;
	return 0;
}

/* The lines libauparse holds, freed. */
static void free_lines(struct acid_attr *a)
{
	for (size_t i = 0; i < a->lines.cap; i++)
		if (a->lines.slot[i].used)
			free((void *)(uintptr_t)a->lines.slot[i].val);
	hmap_free(&a->lines);
}

API void acid_attr_free(struct acid_attr *a)
{
	if (!a)
		return;
	if (a->feed)
		auparse_destroy(a->feed);
	free_lines(a);
	for (size_t i = 0; i < a->nctr; i++)
		ctr_free(a->ctr[i]);
	free(a->ctr);
	for (size_t i = 0; i < a->nkops; i++)
		free(a->kops[i].line);
	free(a->kops);
	for (unsigned int i = 0; i < ACID_ATTR_BACKLOG; i++)
		free(a->held[i].line);
	for (size_t i = 0; i < a->nsources; i++)
		free(a->sources[i]);
	free(a->sources);
	hmap_free(&a->pids);
	hmap_free(&a->anchors);
	hmap_free(&a->linked);
	hmap_free(&a->foster);
	hmap_free(&a->pend);
	free(a->plinks);
	hmap_free(&a->ses);
	hmap_free(&a->uuids);
	hmap_free(&a->kset);
	hmap_free(&a->nodes);
	for (size_t i = 0; i < a->nnode; i++)
		free(a->node[i]);
	free(a->node);
	sset_free(&a->sel);
	sset_free(&a->done);
	free(a->tmp);
	free(a->tmp2);
	free(a->match);
	free(a->part);
	free(a->scratch);
	auparse_destroy(a->one);
	free(a);
}

API void acid_attr_set_select(struct acid_attr *a, acid_attr_select_fn fn,
			      void *arg)
{
	a->select = fn;
	a->select_arg = arg;
}

API void acid_attr_set_event(struct acid_attr *a, acid_attr_event_fn fn,
			     void *arg)
{
	a->event = fn;
	a->event_arg = arg;
}

API void acid_attr_set_container(struct acid_attr *a,
				 acid_attr_container_fn fn, void *arg)
{
	a->on_ctr = fn;
	a->on_ctr_arg = arg;
}

API void acid_attr_set_warn(struct acid_attr *a, acid_attr_warn_fn fn,
			    void *arg)
{
	a->warn = fn;
	a->warn_arg = arg;
}

API int acid_attr_set_source(struct acid_attr *a, const char *name)
{
	char *copy = NULL;

	a->lineno = 0;
	a->npart = 0;
	a->skipping = false;
	if (!name) {
		a->file = NULL;
		return 0;
	}
	/* the containers found point at it: kept until the end */
	if (a->file && strcmp(a->file, name) == 0)
		return 0;
	if (grow(&a->sources, &a->capsources, a->nsources + 1,
		 sizeof(*a->sources)) < 0 ||
	    !(copy = strdup(name)))
		return -ENOMEM;
	a->sources[a->nsources++] = copy;
	a->file = copy;
	return 0;
}

/* ----------------------------------------------------------- events */

/*
 * An event is given once. A stamp names one event, but a log can hold its
 * records twice (a log copied into itself, overlapping inputs, a record
 * written again): libauparse would make a second event of the copy once
 * the first is complete - at once for a single-record event such as
 * acid's own. The stamps given are remembered; a later line with one of
 * them is not fed (stream_record), and an event whose stamp was given
 * already is not given again.
 */
static bool event_done(struct acid_attr *a, auparse_state_t *au,
		       struct skey *first_key)
{
	bool given = false, first = true;

	if (auparse_first_record(au) <= 0)
		return true;
	do {
		uint64_t p;
		const struct fedline *fl;

		if (!hmap_get(&a->lines, auparse_get_line_number(au), &p))
			continue;
		fl = (const struct fedline *)(uintptr_t)p;
		if (first) {
			given = sset_has(&a->done, &fl->k);
			*first_key = fl->k;
		}
		first = false;
		if (sset_add(&a->done, &fl->k, UINT64_MAX) < 0)
			a->err = -ENOMEM;
	} while (auparse_next_record(au) > 0);
	auparse_first_record(au);
	return given || first;
}

/* Free the lines of the event @au is on. */
static void drop_lines(struct acid_attr *a, auparse_state_t *au)
{
	if (auparse_first_record(au) <= 0)
		return;
	do {
		uint64_t ln = auparse_get_line_number(au), p;

		if (hmap_get(&a->lines, ln, &p)) {
			hmap_del(&a->lines, ln, p);
			free((void *)(uintptr_t)p);
		}
	} while (auparse_next_record(au) > 0);
}

static void give(struct acid_attr *a, auparse_state_t *au,
		 const struct skey *k)
{
	struct acid_attr_event ev = {
		.a = a, .au = au,
		.stamp = { k->sec, k->milli, k->serial },
		.sel = sset_find(&a->sel, k),
	};
	size_t n = auparse_get_num_records(au), i = 0;

	ev.rec = calloc(n ? n : 1, sizeof(*ev.rec));
	if (!ev.rec) {
		a->err = -ENOMEM;
		return;
	}
	if (auparse_first_record(au) > 0) {
		do {
			uint64_t p;

			if (hmap_get(&a->lines, auparse_get_line_number(au),
				     &p))
				ev.rec[i] = ((const struct fedline *)
						     (uintptr_t)p)->text;
			else
				ev.rec[i] = auparse_get_record_text(au);
			if (!ev.rec[i])
				ev.rec[i] = "";
			i++;
		} while (i < n && auparse_next_record(au) > 0);
	}
	ev.nrec = i;
	auparse_first_record(au);
	a->event_ret = a->event(&ev, a->event_arg);
	free(ev.rec);
}

static bool recent(const struct skey *k, void *arg)
{
	const struct acid_attr *a = arg;

	return k->sec >= a->newest - (a->all ? ACID_ATTR_ALL_WINDOW
					      : ACID_ATTR_LIVE_WINDOW);
}

/*
 * A live reader forgets the stamps given long ago (in the logs' time): a
 * copy of a record that comes later than ACID_ATTR_LIVE_WINDOW seconds
 * after its event would be given again (ACID_ATTR_ALL_WINDOW when every
 * event is given: every stamp is remembered then).
 */
static void prune_done(struct acid_attr *a, const struct skey *k)
{
	if (k->sec > a->newest)
		a->newest = k->sec;
	if (!a->live || a->done.n < a->prune_at)
		return;
	if (sset_filter(&a->done, recent, a) < 0) {
		a->err = -ENOMEM;
		return;
	}
	a->prune_at = a->done.n * 2 > 4096 ? a->done.n * 2 : 4096;
}

static void event_ready(auparse_state_t *au, auparse_cb_event_t type,
			void *arg)
{
	struct acid_attr *a = arg;
	struct skey k;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	if (!event_done(a, au, &k)) {
		if (!a->event_ret && !a->err && a->event)
			give(a, au, &k);
		/* from now on the stamp is in done: no need to keep it */
		sset_del(&a->sel, &k);
		prune_done(a, &k);
	}
	drop_lines(a, au);
}

/* A line of a selected event, to libauparse. */
static void feed_line(struct acid_attr *a, const char *line, size_t len,
		      const struct skey *k)
{
	struct fedline *fl;
	char *s;

	if (!a->feed) {
		a->feed = auparse_init(AUSOURCE_FEED, NULL);
		if (!a->feed) {
			a->err = -ENOMEM;
			return;
		}
		auparse_add_callback(a->feed, event_ready, a, NULL);
	}
	fl = malloc(sizeof(*fl) + len + 1);
	if (!fl) {
		a->err = -ENOMEM;
		return;
	}
	fl->k = *k;
	fl->len = len;
	memcpy(fl->text, line, len);
	fl->text[len] = 0;
	a->fed++;
	if (hmap_add(&a->lines, a->fed, (uint64_t)(uintptr_t)fl) < 0) {
		free(fl);
		a->err = -ENOMEM;
		return;
	}
	/* libauparse wants the newline (and may give the event at once) */
	s = scratch_line(a, line, len);
	if (!s || auparse_feed(a->feed, s, len + 1) < 0)
		a->err = -ENOMEM;
}

/* A line of an event not selected (yet), kept a while. */
static void hold(struct acid_attr *a, const char *line, size_t len,
		 const struct skey *k)
{
	struct held *h = &a->held[a->nheld++ % ACID_ATTR_BACKLOG];

	if (grow(&h->line, &h->cap, len + 1, 1) < 0) {
		a->err = -ENOMEM;
		return;
	}
	memcpy(h->line, line, len);
	h->line[len] = 0;
	h->len = len;
	h->k = *k;
	h->used = true;
}

void select_stamp_line(struct acid_attr *a, const struct skey *k, uint64_t c,
		       const char *line, size_t len)
{
	bool found = false;
	int r;

	/* given already: a record of it read again */
	if (sset_has(&a->done, k))
		return;
	r = sset_add(&a->sel, k, c);
	if (r < 0)
		a->err = r;
	if (r != 1)
		return;
	a->nsel++;
	/* every line went to libauparse as it came */
	if (a->all)
		return;
	/* its lines read before it was selected, oldest first */
	for (unsigned int i = 0; i < ACID_ATTR_BACKLOG; i++) {
		struct held *h = &a->held[(a->nheld + i) % ACID_ATTR_BACKLOG];

		if (h->used && skey_eq(&h->k, k)) {
			h->used = false;
			feed_line(a, h->line, h->len, k);
			found = true;
		}
	}
	if (!found && line)
		feed_line(a, line, len, k);
}

int stream_record(struct acid_attr *a, const char *line, size_t len)
{
	struct skey k;
	bool rec;
	int r;

	if (a->err)
		return a->err;
	r = attribute_line(a, line, len, &rec, &k);
	if (r)
		return r;
	if (rec && !sset_has(&a->done, &k)) {
		if (a->all || sset_has(&a->sel, &k))
			feed_line(a, line, len, &k);
		else if (a->select)
			hold(a, line, len, &k);
	}
	return a->err ? a->err : a->event_ret;
}

API int acid_attr_feed(struct acid_attr *a, const char *line, size_t len)
{
	if (len && line[len - 1] == '\n')
		len--;
	a->lineno++;
	return stream_record(a, line, len);
}

API int acid_attr_finish(struct acid_attr *a)
{
	int r = acid_attr_end_source(a);

	if (r)
		return r;
	if (a->feed)
		auparse_flush_feed(a->feed);
	return a->err ? a->err : a->event_ret;
}

/* ------------------------------------------------------------ results */

API size_t acid_attr_count(const struct acid_attr *a)
{
	return a->nctr;
}

API const struct acid_attr_container *acid_attr_get(const struct acid_attr *a,
						    size_t i)
{
	return i < a->nctr ? &a->ctr[i]->pub : NULL;
}

API unsigned long acid_attr_skipped(const struct acid_attr *a)
{
	return a->skipped;
}

API unsigned long acid_attr_warnings(const struct acid_attr *a)
{
	return a->warnings;
}

API uint64_t acid_attr_selected(const struct acid_attr *a)
{
	return a->nsel;
}

API const struct acid_attr_stamp *
acid_attr_event_stamp(const struct acid_attr_event *ev)
{
	return &ev->stamp;
}

API size_t acid_attr_event_records(const struct acid_attr_event *ev)
{
	return ev->nrec;
}

API const char *acid_attr_event_record(const struct acid_attr_event *ev,
				       size_t i)
{
	return i < ev->nrec ? ev->rec[i] : NULL;
}

API size_t acid_attr_event_containers(const struct acid_attr_event *ev)
{
	return ev->sel ? ev->sel->nctr : 0;
}

API const struct acid_attr_container *
acid_attr_event_container(const struct acid_attr_event *ev, size_t i)
{
	if (!ev->sel || i >= ev->sel->nctr)
		return NULL;
	return &ev->a->ctr[ev->sel->ctr[i]]->pub;
}
