// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hash.c - growable arrays, a multimap of numbers (pids, sessions,
 * container indexes) and a set of stamps (the selected events, the events
 * given out).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int grow(void *p, size_t *cap, size_t need, size_t size)
{
	void **pp = p;
	size_t n = *cap ? *cap : 8;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return -ENOMEM;
		n *= 2;
	}
	q = realloc(*pp, n * size);
	if (!q)
		return -ENOMEM;
	*pp = q;
	*cap = n;
	return 0;
}

/*
 * The multimap: open addressing with linear probing and backward-shift
 * deletion (no tombstones, so a table that sees many adds and removes -
 * pids joining and leaving - stays short).
 */
static int hmap_rehash(struct hmap *m, size_t cap)
{
	struct hslot *old = m->slot;
	size_t oldcap = m->cap;

	m->slot = calloc(cap, sizeof(*m->slot));
	if (!m->slot) {
		m->slot = old;
		return -ENOMEM;
	}
	m->cap = cap;
	m->n = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			hmap_add(m, old[i].key, old[i].val);
	free(old);
	return 0;
}

int hmap_add(struct hmap *m, uint64_t key, uint64_t val)
{
	size_t i;

	/* at most half full: probes stay short */
	if ((m->n + 1) * 2 > m->cap) {
		int r = hmap_rehash(m, m->cap ? m->cap * 2 : 64);

		if (r < 0)
			return r;
	}
	for (i = mix(key) & (m->cap - 1); m->slot[i].used;
	     i = (i + 1) & (m->cap - 1))
		;
	m->slot[i] = (struct hslot){ .key = key, .val = val, .used = true };
	m->n++;
	return 0;
}

/* The slot holding @key -> @val, or SIZE_MAX. */
static size_t hmap_find(const struct hmap *m, uint64_t key, uint64_t val)
{
	if (!m->cap)
		return SIZE_MAX;
	for (size_t i = mix(key) & (m->cap - 1); m->slot[i].used;
	     i = (i + 1) & (m->cap - 1))
		if (m->slot[i].key == key && m->slot[i].val == val)
			return i;
	return SIZE_MAX;
}

bool hmap_has(const struct hmap *m, uint64_t key, uint64_t val)
{
	return hmap_find(m, key, val) != SIZE_MAX;
}

/* The first value under @key; false if none. */
bool hmap_get(const struct hmap *m, uint64_t key, uint64_t *val)
{
	if (!m->cap)
		return false;
	for (size_t i = mix(key) & (m->cap - 1); m->slot[i].used;
	     i = (i + 1) & (m->cap - 1))
		if (m->slot[i].key == key) {
			*val = m->slot[i].val;
			return true;
		}
	return false;
}

void hmap_del(struct hmap *m, uint64_t key, uint64_t val)
{
	size_t mask = m->cap - 1, i = hmap_find(m, key, val), j;

	if (i == SIZE_MAX)
		return;
	/*
	 * Pull later entries of the probe run back into the hole, unless
	 * their home bucket lies cyclically in (hole, their slot]: they
	 * must stay reachable from their home without crossing an empty slot.
	 */
	for (j = (i + 1) & mask; m->slot[j].used; j = (j + 1) & mask) {
		size_t home = mix(m->slot[j].key) & mask;
		bool stays = i <= j ? (home > i && home <= j)
				    : (home > i || home <= j);

		if (!stays) {
			m->slot[i] = m->slot[j];
			i = j;
		}
	}
	m->slot[i].used = false;
	m->n--;
}

/* Every value under @key, into *@out (the table is not changed). */
int hmap_all(const struct hmap *m, uint64_t key, uint64_t **out, size_t *n,
	     size_t *cap)
{
	*n = 0;
	if (!m->cap)
		return 0;
	for (size_t i = mix(key) & (m->cap - 1); m->slot[i].used;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->slot[i].key != key)
			continue;
		if (grow(out, cap, *n + 1, sizeof(**out)) < 0)
			return -ENOMEM;
		(*out)[(*n)++] = m->slot[i].val;
	}
	return 0;
}

void hmap_free(struct hmap *m)
{
	free(m->slot);
	*m = (struct hmap){ 0 };
}

static inline uint64_t skey_hash(const struct skey *k)
{
	return mix(k->serial ^ mix((uint64_t)k->sec * 1000 + k->milli) ^
		   ((uint64_t)k->node << 32));
}

static struct sslot *sset_place(struct sset *s, const struct skey *k)
{
	size_t i;

	for (i = skey_hash(k) & (s->cap - 1); s->slot[i].used;
	     i = (i + 1) & (s->cap - 1))
		;
	return &s->slot[i];
}

static int sset_rehash(struct sset *s, size_t cap)
{
	struct sslot *old = s->slot;
	size_t oldcap = s->cap;

	s->slot = calloc(cap, sizeof(*s->slot));
	if (!s->slot) {
		s->slot = old;
		return -ENOMEM;
	}
	s->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			*sset_place(s, &old[i].k) = old[i];
	free(old);
	return 0;
}

struct sslot *sset_find(const struct sset *s, const struct skey *k)
{
	if (!s->cap)
		return NULL;
	for (size_t i = skey_hash(k) & (s->cap - 1); s->slot[i].used;
	     i = (i + 1) & (s->cap - 1))
		if (skey_eq(&s->slot[i].k, k))
			return &s->slot[i];
	return NULL;
}

int sset_add(struct sset *s, const struct skey *k, uint64_t ctr)
{
	struct sslot *e = sset_find(s, k);
	int fresh = 0;

	if (!e) {
		if ((s->n + 1) * 2 > s->cap) {
			int r = sset_rehash(s, s->cap ? s->cap * 2 : 256);

			if (r < 0)
				return r;
		}
		e = sset_place(s, k);
		*e = (struct sslot){ .k = *k, .used = true };
		s->n++;
		fresh = 1;
	}
	if (ctr == UINT64_MAX)
		return fresh;
	for (uint32_t i = 0; i < e->nctr; i++)
		if (e->ctr[i] == ctr)
			return fresh;
	if (e->nctr == e->capctr) {
		uint32_t cap = e->capctr ? e->capctr * 2 : 1;
		uint64_t *q = realloc(e->ctr, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		e->ctr = q;
		e->capctr = cap;
	}
	e->ctr[e->nctr++] = ctr;
	return fresh;
}

void sset_del(struct sset *s, const struct skey *k)
{
	struct sslot *e = sset_find(s, k);
	size_t mask = s->cap - 1, i, j;

	if (!e)
		return;
	free(e->ctr);
	i = (size_t)(e - s->slot);
	/* backward shift, as hmap_del */
	for (j = (i + 1) & mask; s->slot[j].used; j = (j + 1) & mask) {
		size_t home = skey_hash(&s->slot[j].k) & mask;
		bool stays = i <= j ? (home > i && home <= j)
				    : (home > i || home <= j);

		if (!stays) {
			s->slot[i] = s->slot[j];
			i = j;
		}
	}
	s->slot[i].used = false;
	s->slot[i].ctr = NULL;
	s->n--;
}

/* Keep only the stamps @keep says yes to. */
int sset_filter(struct sset *s, bool (*keep)(const struct skey *k, void *arg),
		void *arg)
{
	struct sset kept = { 0 };

	for (size_t i = 0; i < s->cap; i++) {
		struct sslot *e = &s->slot[i];

		if (!e->used || !keep(&e->k, arg))
			continue;
		if (sset_add(&kept, &e->k, UINT64_MAX) < 0) {
			sset_free(&kept);
			return -ENOMEM;
		}
	}
	sset_free(s);
	*s = kept;
	return 0;
}

void sset_free(struct sset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i].used)
			free(s->slot[i].ctr);
	free(s->slot);
	*s = (struct sset){ 0 };
}
