// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * auditlog.c - the audit-log reader behind acid events and acid report:
 * container lifetimes from acid's VIRT_CONTROL records, and which events
 * belong to which container. The rules are in auditlog.h.
 *
 * Layout: small hash tables; the line reader; the record header; the
 * subject fields (fast scanner and libauparse, the same result); acid's
 * records; the attribution engine; the replay that hands the selected
 * events to libauparse; the printers; a container's state now.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/audit.h>

#include "audit-types.h"
#include "auditlog.h"

/*
 * Read in big chunks: the logs are large and the per-call cost adds up.
 * Small inputs get a buffer their size (a 4 MiB buffer per al_open is
 * most of the time spent on a small log, and under ASan it is mapped and
 * its shadow cleared each time), never less than two of the longest
 * lines: the reader needs room for a whole line and more to tell it is
 * too long.
 */
#define READ_CHUNK (4u << 20)
#define MIN_CHUNK (2u * AL_MAX_LINE)

/*
 * Seconds beyond the year 33000 are no clock's: bounding them keeps every
 * sum of milliseconds made from a stamp far from overflow.
 */
#define MAX_SEC 999999999999ULL

/* The kernel's "unset" session and pid_max's upper limit. */
#define SES_UNSET 4294967295u
#define PID_MAX_LIMIT 4194304u

/*
 * Events a container counts are told apart by stamp. The records of one
 * event are next to each other in the log, give or take the records of a
 * few events logged at the same moment on other CPUs: remembering the last
 * few stamps counted is enough to count each event once.
 */
#define RECENT 8

/* ------------------------------------------------------------- vectors */

/* Make room for @need elements of @size bytes in *@p (capacity *@cap). */
static int grow(void *p, size_t *cap, size_t need, size_t size)
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

/* ---------------------------------------------------------- hash tables */

/*
 * A multimap of 64-bit keys to 64-bit values, open addressing with linear
 * probing and backward-shift deletion (no tombstones, so a table that
 * sees many adds and removes - pids joining and leaving - stays short).
 */
struct hslot {
	uint64_t key;
	uint64_t val;
	bool used;
};

struct hmap {
	struct hslot *slot;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/*
 * Pids, sessions and serials are small dense numbers; their low bits
 * would pile up in a few buckets. This is the splitmix64 finaliser.
 */
static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static int hmap_add(struct hmap *m, uint64_t key, uint64_t val);

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

static int hmap_add(struct hmap *m, uint64_t key, uint64_t val)
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

static bool hmap_has(const struct hmap *m, uint64_t key, uint64_t val)
{
	return hmap_find(m, key, val) != SIZE_MAX;
}

/* The first value under @key; false if none. */
static bool hmap_get(const struct hmap *m, uint64_t key, uint64_t *val)
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

static void hmap_del(struct hmap *m, uint64_t key, uint64_t val)
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

/* Every value under @key, appended to *@out (the table is not changed). */
static int hmap_all(const struct hmap *m, uint64_t key, uint64_t **out,
		    size_t *n, size_t *cap)
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

static void hmap_free(struct hmap *m)
{
	free(m->slot);
	*m = (struct hmap){ 0 };
}

/* An event's full identity: the stamp and the node that logged it. */
struct skey {
	int64_t sec;
	uint64_t serial;
	uint32_t milli;
	uint32_t node;
};

static inline bool skey_eq(const struct skey *a, const struct skey *b)
{
	return a->serial == b->serial && a->sec == b->sec &&
	       a->milli == b->milli && a->node == b->node;
}

static inline uint64_t skey_hash(const struct skey *k)
{
	return mix(k->serial ^ mix((uint64_t)k->sec * 1000 + k->milli) ^
		   ((uint64_t)k->node << 32));
}

/* A set of stamps: the selected events. Keys are kept whole: exact. */
struct sslot {
	struct skey k;
	bool used;
};

struct sset {
	struct sslot *slot;
	size_t cap, n;
};

static int sset_add(struct sset *s, const struct skey *k);

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
	s->n = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			sset_add(s, &old[i].k);
	free(old);
	return 0;
}

static bool sset_has(const struct sset *s, const struct skey *k)
{
	if (!s->cap)
		return false;
	for (size_t i = skey_hash(k) & (s->cap - 1); s->slot[i].used;
	     i = (i + 1) & (s->cap - 1))
		if (skey_eq(&s->slot[i].k, k))
			return true;
	return false;
}

static int sset_add(struct sset *s, const struct skey *k)
{
	size_t i;

	if (sset_has(s, k))
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		int r = sset_rehash(s, s->cap ? s->cap * 2 : 256);

		if (r < 0)
			return r;
	}
	for (i = skey_hash(k) & (s->cap - 1); s->slot[i].used;
	     i = (i + 1) & (s->cap - 1))
		;
	s->slot[i].k = *k;
	s->slot[i].used = true;
	s->n++;
	return 0;
}

/* ---------------------------------------------------------- the state */

struct input {
	char *path;
	int fd;
	off_t done; /* bytes the scan read: the replay reads no further */
};

struct ctr {
	struct al_container pub;
	uint64_t idx; /* in log->ctr: the value the hash tables hold */
	uint32_t node;
	bool open;
	bool selected;
	bool kernel; /* the kernel holds its ID: CONTAINER_ID decides */
	bool start_inside; /* its start record came from inside a container */
	uint32_t *pids; /* every pid added to S, to drop them at the stop */
	size_t npids, cappids;
	struct skey recent[RECENT];
	unsigned int nrecent;
};

/*
 * A SYSCALL record's event, until it is known whether the kernel stamped
 * it with a container ID (its CONTAINER_ID record follows in the event).
 */
struct kev {
	struct skey k;
	uint32_t pid;
	bool seen; /* a CONTAINER_ID record came */
	bool open; /* not yet judged */
};

/* A CONTAINER_OP op=set record: which ID, where, and its stamp. */
struct kop {
	uint64_t contid;
	struct skey k;
};

struct al_log {
	const char *cmd;
	bool reference;
	unsigned int max_warnings;
	FILE *warn;

	struct input *in;
	size_t nin;
	char *buf; /* the line reader's */
	size_t chunk; /* its size, MIN_CHUNK to READ_CHUNK */
	auparse_state_t *one; /* parses one line at a time */
	char *scratch;
	size_t scratchcap;

	struct ctr **ctr;
	size_t nctr, capctr;
	struct hmap pids;  /* (node, pid) -> container: the sets S */
	struct hmap ses;   /* (node, ses) -> open container tagged ses */
	struct hmap uuids; /* hash of the uuid -> container, all of them */
	struct hmap kset;  /* (node, contid) -> index in kops */
	struct kop *kops;  /* the kernel's set records, the latest per ID */
	size_t nkops, capkops;
	struct kev kring[RECENT]; /* the latest SYSCALL records' events */
	unsigned long nkring;
	struct sset sel;   /* stamps of the selected events */
	uint64_t *tmp, *tmp2;
	size_t captmp, captmp2;
	uint64_t *match;
	size_t nmatch, capmatch;

	al_select_fn select;
	void *select_arg;

	const char *file; /* where the reader is, for warnings */
	unsigned long lineno;
	unsigned long warnings, skipped;
	int err; /* the first hard error (memory) */

	/* replay */
	auparse_state_t *feed;
	struct hmap lines; /* line number fed -> copy of the line */
	unsigned long fed;
	struct skey *fedkey; /* line number fed -> its stamp */
	size_t capfedkey;
	struct sset done;  /* stamps of the events given to fn */
	bool raw;
	al_event_fn fn;
	void *fn_arg;
	int fn_ret;
};

static void warn_at(struct al_log *log, bool skipped, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One warning line, or only a count once max_warnings were printed. */
static void warn_at(struct al_log *log, bool skipped, const char *fmt, ...)
{
	va_list ap;

	if (skipped)
		log->skipped++;
	if (++log->warnings > log->max_warnings)
		return;
	fprintf(log->warn, "acid %s: warning: %s:%lu: ", log->cmd, log->file,
		log->lineno);
	va_start(ap, fmt);
	vfprintf(log->warn, fmt, ap);
	va_end(ap);
	fputc('\n', log->warn);
}

const char *al_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (len < 8) {
		if (len)
			buf[0] = 0;
		return buf;
	}
	while (*p) {
		size_t seq = 0;

		/* room for an escape and "..." */
		if (o + 8 >= len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		/* keep a valid UTF-8 sequence whole, but no C1 controls */
		if (*p >= 0xc2 && *p <= 0xdf)
			seq = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			seq = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			seq = 4;
		if (seq) {
			size_t k = 1;

			while (k < seq && (p[k] & 0xc0) == 0x80)
				k++;
			if (k == seq && !(p[0] == 0xc2 && p[1] < 0xa0) &&
			    o + seq + 8 < len) {
				memcpy(buf + o, p, seq);
				o += seq;
				p += seq;
				continue;
			}
		}
		if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
			o += (size_t)snprintf(buf + o, len - o, "\\%03o", *p);
		} else {
			buf[o++] = (char)*p;
		}
		p++;
	}
	buf[o] = 0;
	return buf;
}

/* A short, escaped excerpt of a line for a warning. */
static const char *excerpt(const char *line, size_t len, char *buf,
			   size_t buflen)
{
	char tmp[64];
	size_t n = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;

	memcpy(tmp, line, n);
	tmp[n] = 0;
	/* a NUL inside ends the excerpt: al_escape works on strings */
	al_escape(tmp, buf, buflen);
	if (n < len && strlen(buf) + 4 < buflen)
		strcat(buf, "...");
	return buf;
}

/* ------------------------------------------------------------- inputs */

/* log_file from auditd.conf: "log_file = /path", comments with '#'. */
static char *conf_log_file(const char *conf)
{
	char line[4096], *found = NULL;
	FILE *f = fopen(conf, "re");

	if (!f)
		return strdup(AL_DEFAULT_LOG);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *e;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "log_file", 8) != 0)
			continue;
		p += 8;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == ' ' ||
				 e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (*p != '/')
			continue; /* auditd takes absolute paths only */
		free(found);
		found = strdup(p);
		if (!found)
			break;
	}
	fclose(f);
	return found ? found : strdup(AL_DEFAULT_LOG);
}

void al_free_inputs(char **files)
{
	if (!files)
		return;
	for (char **p = files; *p; p++)
		free(*p);
	free(files);
}

int al_default_inputs(const char *conf, char ***files, size_t *n)
{
	char *base = conf_log_file(conf ? conf : AL_AUDITD_CONF);
	char **list = NULL;
	unsigned int rotated = 0;
	size_t k = 0;
	bool have_base;

	if (!base)
		return -ENOMEM;
	/* auditd rotates log_file to .1, .1 to .2, ...: no gaps */
	for (;;) {
		char name[PATH_MAX];

		if (rotated >= 9999 ||
		    snprintf(name, sizeof(name), "%s.%u", base, rotated + 1) >=
			    (int)sizeof(name) ||
		    access(name, F_OK) != 0)
			break;
		rotated++;
	}
	have_base = access(base, F_OK) == 0;
	list = calloc(rotated + 2, sizeof(*list));
	if (!list) {
		free(base);
		return -ENOMEM;
	}
	for (unsigned int i = rotated; i >= 1; i--) {
		if (asprintf(&list[k], "%s.%u", base, i) < 0) {
			list[k] = NULL;
			al_free_inputs(list);
			free(base);
			return -ENOMEM;
		}
		k++;
	}
	if (have_base || k == 0)
		list[k++] = base;
	else
		free(base);
	*files = list;
	*n = k;
	return have_base || rotated ? 0 : -ENOENT;
}

int al_open(const struct al_opts *opts, struct al_log **out, char *err,
	    size_t errlen)
{
	static const struct al_opts none = { 0 };
	struct al_log *log;
	char **def = NULL;
	const char *const *paths;
	size_t n;
	int r;

	if (!opts)
		opts = &none;
	log = calloc(1, sizeof(*log));
	if (!log)
		return -ENOMEM;
	log->cmd = opts->cmd ? opts->cmd : "events";
	log->reference = opts->reference;
	log->max_warnings = opts->max_warnings ? opts->max_warnings
					       : AL_MAX_WARNINGS;
	log->warn = opts->warn ? opts->warn : stderr;

	if (opts->inputs) {
		paths = opts->inputs;
		n = opts->n_inputs;
	} else {
		r = al_default_inputs(opts->auditd_conf, &def, &n);
		if (r == -ENOENT) {
			snprintf(err, errlen, "no audit log: \"%s\" does not "
				 "exist (log_file of %s)", def[0],
				 opts->auditd_conf ? opts->auditd_conf
						   : AL_AUDITD_CONF);
			goto fail;
		}
		if (r < 0)
			goto fail;
		paths = (const char *const *)def;
	}
	log->in = calloc(n ? n : 1, sizeof(*log->in));
	if (!log->in) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		log->in[i].fd = -1;
	log->nin = n;
	log->chunk = MIN_CHUNK;
	for (size_t i = 0; i < n; i++) {
		struct input *in = &log->in[i];
		struct stat st;

		in->path = strdup(paths[i]);
		if (!in->path) {
			r = -ENOMEM;
			goto fail;
		}
		in->fd = open(in->path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			r = -errno;
			snprintf(err, errlen, "cannot read \"%s\": %s",
				 in->path, strerror(errno));
			goto fail;
		}
		if (fstat(in->fd, &st) < 0) {
			r = -errno;
			snprintf(err, errlen, "cannot read \"%s\": %s",
				 in->path, strerror(errno));
			goto fail;
		}
		/* the scan and the replay read each input: it must stay */
		if (!S_ISREG(st.st_mode)) {
			r = -EINVAL;
			snprintf(err, errlen, "\"%s\" is not a regular file "
				 "(the logs are read twice: give a file)",
				 in->path);
			goto fail;
		}
		if (st.st_size >= READ_CHUNK)
			log->chunk = READ_CHUNK;
		else if ((size_t)st.st_size + 1 > log->chunk)
			log->chunk = (size_t)st.st_size + 1;
	}
	log->buf = malloc(log->chunk + 1);
	log->one = auparse_init(AUSOURCE_BUFFER, "");
	if (!log->buf || !log->one) {
		r = -ENOMEM;
		goto fail;
	}
	al_free_inputs(def);
	*out = log;
	return 0;
fail:
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	al_free_inputs(def);
	al_close(log);
	return r;
}

void al_close(struct al_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->nin; i++) {
		if (log->in[i].fd >= 0)
			close(log->in[i].fd);
		free(log->in[i].path);
	}
	free(log->in);
	for (size_t i = 0; i < log->nctr; i++) {
		free(log->ctr[i]->pub.name);
		free(log->ctr[i]->pub.bundle);
		free(log->ctr[i]->pids);
		free(log->ctr[i]);
	}
	free(log->ctr);
	hmap_free(&log->pids);
	hmap_free(&log->ses);
	hmap_free(&log->uuids);
	hmap_free(&log->kset);
	free(log->kops);
	hmap_free(&log->lines);
	free(log->sel.slot);
	free(log->done.slot);
	free(log->fedkey);
	free(log->tmp);
	free(log->tmp2);
	free(log->match);
	free(log->buf);
	free(log->scratch);
	if (log->one)
		auparse_destroy(log->one);
	free(log);
}

size_t al_count(const struct al_log *log)
{
	return log->nctr;
}

const struct al_container *al_get(const struct al_log *log, size_t i)
{
	return i < log->nctr ? &log->ctr[i]->pub : NULL;
}

unsigned long al_skipped(const struct al_log *log)
{
	return log->skipped;
}

uint64_t al_selected(const struct al_log *log)
{
	return log->sel.n;
}

/* --------------------------------------------------------- line reader */

typedef int (*line_fn)(struct al_log *log, const char *line, size_t len);

/*
 * Every line of input @idx, in order, to @fn. The scan reads to the end
 * (and remembers where that was: the live log grows meanwhile); the
 * replay reads exactly as far. A line longer than AL_MAX_LINE is skipped
 * whole, with a warning from the scan.
 */
static int read_input(struct al_log *log, size_t idx, bool scan, line_fn fn,
		      char *err, size_t errlen)
{
	struct input *in = &log->in[idx];
	off_t off = 0;
	size_t have = 0;
	bool skipping = false;
	int r = 0;

	log->file = in->path;
	log->lineno = 0;
	for (;;) {
		size_t want = log->chunk - have;
		ssize_t got;
		char *p, *end, *nl;

		if (!scan && off + (off_t)want > in->done)
			want = (size_t)(in->done - off);
		got = want ? pread(in->fd, log->buf + have, want, off) : 0;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errlen, "cannot read \"%s\": %s",
				 in->path, strerror(errno));
			return -errno;
		}
		if (got == 0)
			break;
		off += got;
		have += (size_t)got;
		p = log->buf;
		end = log->buf + have;
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			log->lineno++;
			if (skipping)
				skipping = false; /* the end of a long line */
			else
				r = fn(log, p, (size_t)(nl - p));
			if (r)
				return r;
			p = nl + 1;
		}
		have = (size_t)(end - p);
		if (have > AL_MAX_LINE) {
			if (!skipping && scan) {
				log->lineno++;
				warn_at(log, true, "line longer than %d bytes, "
					"more than any audit record: skipped",
					AL_MAX_LINE);
				log->lineno--;
			}
			skipping = true;
			have = 0;
		}
		memmove(log->buf, p, have);
	}
	/* a last line without its newline: auditd may be writing it */
	if (have && !skipping) {
		log->lineno++;
		r = fn(log, log->buf, have);
	}
	if (scan)
		in->done = off;
	return r;
}

/* ------------------------------------------------------- record header */

struct hdr {
	const char *type;
	size_t type_len;
	struct skey k;
	const char *body; /* the first field */
	const char *end;  /* the end of the kernel's text (before 0x1d) */
};

/* Decimal digits at *@p into @v, at most @max; false on none/overflow. */
static bool digits(const char **p, const char *end, uint64_t max,
		   uint64_t *v)
{
	const char *q = *p;
	uint64_t x = 0;

	if (q >= end || *q < '0' || *q > '9')
		return false;
	while (q < end && *q >= '0' && *q <= '9') {
		unsigned int d = (unsigned int)(*q - '0');

		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
		q++;
	}
	*p = q;
	*v = x;
	return true;
}

/* FNV-1a of a node name: a node is a name; only its identity matters. */
static uint32_t node_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h | 1; /* 0 is "no node" */
}

/*
 * "[node=N ]type=T msg=audit(SEC.MILLI:SERIAL): fields...": the frame
 * every record auditd writes has. Anything else is not a record.
 */
static bool parse_header(const char *line, size_t len, struct hdr *h)
{
	const char *p = line, *end = line + len, *sp;
	uint64_t sec, milli, serial;

	h->k.node = 0;
	if (len > 5 && memcmp(p, "node=", 5) == 0) {
		sp = memchr(p, ' ', len);
		if (!sp)
			return false;
		/* a host name: printable, no separator libauparse splits at */
		for (const char *q = p + 5; q < sp; q++)
			if (*q <= ' ' || *q >= 0x7f)
				return false;
		h->k.node = node_hash(p + 5, (size_t)(sp - p - 5));
		p = sp + 1;
	}
	if (end - p < 5 || memcmp(p, "type=", 5) != 0)
		return false;
	p += 5;
	h->type = p;
	/* SYSCALL, VIRT_CONTROL, UNKNOWN[1234]: nothing else is a type */
	while (p < end && *p != ' ') {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '[' ||
		      *p == ']'))
			return false;
		p++;
	}
	h->type_len = (size_t)(p - h->type);
	if (!h->type_len || end - p < 11 || memcmp(p, " msg=audit(", 11) != 0)
		return false;
	p += 11;
	if (!digits(&p, end, MAX_SEC, &sec) || p >= end || *p++ != '.' ||
	    !digits(&p, end, 999, &milli) || p >= end || *p++ != ':' ||
	    !digits(&p, end, UINT64_MAX, &serial) || end - p < 2 ||
	    p[0] != ')' || p[1] != ':')
		return false;
	p += 2;
	while (p < end && *p == ' ')
		p++;
	h->k.sec = (int64_t)sec;
	h->k.milli = (uint32_t)milli;
	h->k.serial = serial;
	h->body = p;
	sp = memchr(p, 0x1d, (size_t)(end - p)); /* enriched names follow */
	h->end = sp ? sp : end;
	return true;
}

static bool type_is(const struct hdr *h, const char *name)
{
	size_t n = strlen(name);

	return h->type_len == n && memcmp(h->type, name, n) == 0;
}

/*
 * Records that only complete a syscall's event and carry no subject of
 * their own: their values (argv, paths) are the process's data.
 */
static bool no_subject(const struct hdr *h)
{
	return type_is(h, "EXECVE") || type_is(h, "PATH") ||
	       type_is(h, "CWD") || type_is(h, "PROCTITLE") ||
	       type_is(h, "SOCKADDR");
}

/* ------------------------------------------------------ subject fields */

struct subject {
	bool seen_pid, seen_ppid, seen_ses; /* the first one counts */
	bool has_pid, has_ppid, has_ses;    /* ... if it was a number */
	uint32_t pid, ppid, ses;
};

/* A whole field value of decimal digits that fits in 32 bits. */
static bool u32_value(const char *p, const char *end, uint32_t *v)
{
	uint64_t x;

	if (!digits(&p, end, UINT32_MAX, &x) || (p < end && *p != ' '))
		return false;
	*v = (uint32_t)x;
	return true;
}

static void set_field(struct subject *s, const char *name, const char *val,
		      const char *end)
{
	/* "pid= ": libauparse drops a field with no value; so do we */
	if (val >= end || *val == ' ')
		return;
	if (strcmp(name, "pid") == 0 && !s->seen_pid) {
		s->seen_pid = true;
		s->has_pid = u32_value(val, end, &s->pid);
	} else if (strcmp(name, "ppid") == 0 && !s->seen_ppid) {
		s->seen_ppid = true;
		s->has_ppid = u32_value(val, end, &s->ppid);
	} else if (strcmp(name, "ses") == 0 && !s->seen_ses) {
		s->seen_ses = true;
		s->has_ses = u32_value(val, end, &s->ses);
	}
}

/*
 * The fast way: walk the fields (space-separated; the kernel encodes any
 * value with a space in it) up to a user record's msg=', whose content
 * the sender wrote.
 */
static void scan_subject(const struct hdr *h, struct subject *s)
{
	const char *p = h->body, *end = h->end;

	while (p < end) {
		size_t rest = (size_t)(end - p);

		if (*p == 'p') {
			if (rest > 4 && memcmp(p, "pid=", 4) == 0)
				set_field(s, "pid", p + 4, end);
			else if (rest > 5 && memcmp(p, "ppid=", 5) == 0)
				set_field(s, "ppid", p + 5, end);
		} else if (*p == 's') {
			if (rest > 4 && memcmp(p, "ses=", 4) == 0)
				set_field(s, "ses", p + 4, end);
		} else if (*p == 'm') {
			if (rest >= 5 && memcmp(p, "msg='", 5) == 0)
				return;
		}
		if (s->seen_pid && s->seen_ppid && s->seen_ses)
			return;
		p = memchr(p, ' ', rest);
		if (!p)
			return;
		p++;
	}
}

/* @len bytes of @s and a newline in log->scratch, for libauparse. */
static char *scratch_line(struct al_log *log, const char *s, size_t len)
{
	if (grow(&log->scratch, &log->scratchcap, len + 2, 1) < 0)
		return NULL;
	memcpy(log->scratch, s, len);
	log->scratch[len] = '\n';
	log->scratch[len + 1] = 0;
	return log->scratch;
}

/* Parse one line with log->one; true when it holds a record. */
static bool parse_one(struct al_log *log, const char *line, size_t len)
{
	char *s = scratch_line(log, line, len);

	if (!s) {
		log->err = -ENOMEM;
		return false;
	}
	if (auparse_new_buffer(log->one, s, len + 1) < 0 ||
	    auparse_next_event(log->one) <= 0 ||
	    auparse_first_record(log->one) <= 0)
		return false;
	return auparse_first_field(log->one) > 0;
}

/*
 * The reference way: libauparse reads the line, cut before a user
 * record's msg=' so that it sees what the scanner sees.
 */
static void auparse_subject(struct al_log *log, const char *line,
			    const struct hdr *h, struct subject *s)
{
	const char *cut = memmem(h->body, (size_t)(h->end - h->body), " msg='",
				 6);
	size_t len = (size_t)((cut ? cut : h->end) - line);

	if (!parse_one(log, line, len))
		return;
	do {
		const char *name = auparse_get_field_name(log->one);
		const char *val = auparse_get_field_str(log->one);

		if (name && val)
			set_field(s, name, val, val + strlen(val));
	} while (auparse_next_field(log->one) > 0);
}

/* ------------------------------------------------------- acid's records */

struct acid_rec {
	bool start;
	char uuid[ACID_ID_STRLEN];
	char parent[ACID_ID_STRLEN];
	char reason[ACID_REASON_MAX + 1];
	char *name;
	char *bundle;
	bool has_vm_pid;
	uint32_t vm_pid;
	uint32_t ses_tag;
};

/*
 * An "encoded" field: "quoted", or upper-case hex when the value needed
 * it (lib/record.c: a space, '=', a quote, a control byte, a byte >=
 * 0x7f; older acid and libaudit left '=' quoted, read all the same), or
 * ? for none. Returns a new string.
 */
static char *decode_value(const char *v)
{
	size_t n = strlen(v);
	bool hex = n && n % 2 == 0;
	char *out;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return strndup(v + 1, n - 2);
	if (strcmp(v, "?") == 0)
		return strdup("");
	for (size_t i = 0; i < n && hex; i++)
		hex = (v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'A' && v[i] <= 'F');
	if (!hex)
		return strdup(v);
	out = malloc(n / 2 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		char b[3] = { v[2 * i], v[2 * i + 1], 0 };

		out[i] = (char)strtoul(b, NULL, 16);
	}
	out[n / 2] = 0;
	/* a NUL byte inside ends the name: say so rather than hide it */
	if (strlen(out) != n / 2) {
		free(out);
		return NULL;
	}
	return out;
}

static bool reason_ok(const char *r)
{
	size_t n = strlen(r);

	if (!n || n > ACID_REASON_MAX)
		return false;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || *r == '-'))
			return false;
	return true;
}

static bool id_field(const char *v, char *out)
{
	struct acid_id id;

	return acid_id_parse(v, &id) == 0 &&
	       acid_id_format(&id, out, ACID_ID_STRLEN) == 0;
}

static void acid_rec_free(struct acid_rec *r)
{
	free(r->name);
	free(r->bundle);
}

/*
 * A VIRT_CONTROL line: 1 and @r filled for a valid acid record, 0 for
 * someone else's (virt= other than oci), -1 for an invalid acid record
 * (@why says what is wrong).
 */
static int parse_acid(struct al_log *log, const char *line, size_t len,
		      struct acid_rec *r, char *why, size_t whylen)
{
	enum { F_VIRT, F_OP, F_REASON, F_VM, F_UUID, F_VMPID, F_BUNDLE,
	       F_SESTAG, F_PARENT, F_RES, F_N };
	static const char *const names[F_N] = {
		"virt", "op", "reason", "vm", "uuid", "vm-pid", "bundle",
		"ses-tag", "parent-uuid", "res",
	};
	const char *v[F_N] = { 0 };
	char q[128];
	uint64_t x;

	memset(r, 0, sizeof(*r));
	if (!parse_one(log, line, len))
		return 0;
	do {
		const char *name = auparse_get_field_name(log->one);

		if (!name)
			continue;
		for (int i = 0; i < F_N; i++)
			if (!v[i] && strcmp(name, names[i]) == 0)
				v[i] = auparse_get_field_str(log->one);
	} while (auparse_next_field(log->one) > 0);

	if (!v[F_VIRT] || strcmp(v[F_VIRT], "oci") != 0)
		return 0;
#define BAD(...)                                     \
	do {                                         \
		snprintf(why, whylen, __VA_ARGS__);  \
		acid_rec_free(r);                    \
		return -1;                           \
	} while (0)
	if (!v[F_OP])
		BAD("no op field");
	if (strcmp(v[F_OP], "start") == 0)
		r->start = true;
	else if (strcmp(v[F_OP], "stop") != 0)
		BAD("op \"%s\" is neither start nor stop",
		    al_escape(v[F_OP], q, sizeof(q)));
	if (!v[F_UUID])
		BAD("no uuid field");
	if (!id_field(v[F_UUID], r->uuid))
		BAD("uuid \"%s\" is not a container ID",
		    al_escape(v[F_UUID], q, sizeof(q)));
	if (!v[F_VM])
		BAD("no vm field");
	if (!v[F_REASON])
		BAD("no reason field");
	if (!reason_ok(v[F_REASON]))
		BAD("reason \"%s\" is not a reason",
		    al_escape(v[F_REASON], q, sizeof(q)));
	strcpy(r->reason, v[F_REASON]);
	if (v[F_RES] && strcmp(v[F_RES], "success") != 0)
		BAD("res=%s: not a record of something that happened",
		    al_escape(v[F_RES], q, sizeof(q)));
	if (v[F_VMPID]) {
		const char *p = v[F_VMPID];

		if (!digits(&p, p + strlen(p), PID_MAX_LIMIT, &x) || *p ||
		    x == 0)
			BAD("vm-pid \"%s\" is not a process ID",
			    al_escape(v[F_VMPID], q, sizeof(q)));
		r->has_vm_pid = true;
		r->vm_pid = (uint32_t)x;
	} else if (r->start) {
		BAD("no vm-pid field");
	}
	if (v[F_SESTAG]) {
		const char *p = v[F_SESTAG];

		if (!digits(&p, p + strlen(p), SES_UNSET - 1, &x) || *p ||
		    x == 0)
			BAD("ses-tag \"%s\" is not a session",
			    al_escape(v[F_SESTAG], q, sizeof(q)));
		r->ses_tag = (uint32_t)x;
	}
	if (v[F_PARENT] && !id_field(v[F_PARENT], r->parent))
		BAD("parent-uuid \"%s\" is not a container ID",
		    al_escape(v[F_PARENT], q, sizeof(q)));
	r->name = decode_value(v[F_VM]);
	if (!r->name)
		BAD("vm \"%s\" cannot be decoded",
		    al_escape(v[F_VM], q, sizeof(q)));
	if (v[F_BUNDLE]) {
		r->bundle = decode_value(v[F_BUNDLE]);
		if (!r->bundle)
			BAD("bundle \"%s\" cannot be decoded",
			    al_escape(v[F_BUNDLE], q, sizeof(q)));
	}
#undef BAD
	return 1;
}

/* ----------------------------------------------- the kernel's records */

/*
 * CONTAINER_OP and CONTAINER_ID, by number (libaudit names neither:
 * auditd writes UNKNOWN[1020], UNKNOWN[1350]) or by name (a libaudit that
 * learns them). The kernel writes them whole; no process can send them.
 */
static bool type_is_num(const struct hdr *h, const char *name, int num)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "UNKNOWN[%d]", num);
	return type_is(h, buf) || type_is(h, name);
}

/* The kernel-written field @name= of @h as a number; false if absent. */
static bool kernel_field(const struct hdr *h, const char *name, uint64_t max,
			 uint64_t *v)
{
	size_t n = strlen(name);

	for (const char *p = h->body; p && p < h->end;) {
		const char *q = p + n + 1;

		if ((size_t)(h->end - p) > n + 1 && memcmp(p, name, n) == 0 &&
		    p[n] == '=')
			return digits(&q, h->end, max, v) &&
			       (q == h->end || *q == ' ');
		p = memchr(p, ' ', (size_t)(h->end - p));
		if (p)
			p++;
	}
	return false;
}

/* The kernel's u64 container ID @v as acid's canonical UUID form. */
static bool contid_uuid(uint64_t v, char *out)
{
	char dec[24];

	snprintf(dec, sizeof(dec), "%" PRIu64, v);
	return id_field(dec, out);
}

/* ---------------------------------------------------------- attribution */

static inline uint64_t nkey(uint32_t node, uint32_t v)
{
	return (uint64_t)node << 32 | v;
}

static uint64_t uuid_key(const char *uuid, uint32_t node)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *uuid; uuid++)
		h = (h ^ (unsigned char)*uuid) * 1099511628211ULL;
	return h ^ node;
}

/* The open container with @uuid on @node, or NULL. */
static struct ctr *find_open(struct al_log *log, const char *uuid,
			     uint32_t node)
{
	size_t n;

	if (hmap_all(&log->uuids, uuid_key(uuid, node), &log->tmp2, &n,
		     &log->captmp2) < 0) {
		log->err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctr *c = log->ctr[log->tmp2[i]];

		if (c->open && c->node == node &&
		    strcmp(c->pub.uuid, uuid) == 0)
			return c;
	}
	return NULL;
}

/* The most recent run with @uuid on @node, open or not. */
static struct ctr *find_last(struct al_log *log, const char *uuid,
			     uint32_t node)
{
	struct ctr *best = NULL;
	size_t n;

	if (hmap_all(&log->uuids, uuid_key(uuid, node), &log->tmp2, &n,
		     &log->captmp2) < 0) {
		log->err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctr *c = log->ctr[log->tmp2[i]];

		/* a displaced claim is no run a later record belongs to */
		if (c->node == node && strcmp(c->pub.uuid, uuid) == 0 &&
		    c->pub.end != AL_END_DISPLACED &&
		    (!best || best->idx < c->idx))
			best = c;
	}
	return best;
}

/* Is @anc @c itself, or a container that holds it (parent-uuid links)? */
static bool holds(struct al_log *log, const struct ctr *anc, struct ctr *c)
{
	for (int depth = 0; c && depth < 32; depth++) {
		if (c == anc)
			return true;
		if (!c->pub.parent[0])
			return false;
		c = find_open(log, c->pub.parent, c->node);
	}
	return false;
}

/*
 * Does a record of @sender claim to come from outside every container?
 * It is flagged when the sender is in the set S of a container other than
 * the one named as the parent (nesting: an orchestrator inside a
 * container registers containers inside it) or one that holds the parent.
 * Only S counts, not sessions: the runtime and its hooks share the
 * session of the containers they start, by design. Only the S of a run
 * whose own start came from outside counts: a claim sent from inside a
 * container names any init it likes (pid 1, the engine's daemon), and
 * would make every later record of the host "inside".
 */
static bool sender_inside(struct al_log *log, uint32_t node, uint32_t sender,
			  const char *parent)
{
	struct ctr *p = parent && *parent ? find_open(log, parent, node) : NULL;
	size_t n;

	if (hmap_all(&log->pids, nkey(node, sender), &log->tmp, &n,
		     &log->captmp) < 0) {
		log->err = -ENOMEM;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctr *c = log->ctr[log->tmp[i]];

		if (c->start_inside)
			continue;
		if (!p || !holds(log, c, p))
			return true;
	}
	return false;
}

static int add_pid(struct al_log *log, struct ctr *c, uint64_t idx,
		   uint32_t pid)
{
	if (hmap_has(&log->pids, nkey(c->node, pid), idx))
		return 0;
	if (hmap_add(&log->pids, nkey(c->node, pid), idx) < 0 ||
	    grow(&c->pids, &c->cappids, c->npids + 1, sizeof(*c->pids)) < 0)
		return -ENOMEM;
	c->pids[c->npids++] = pid;
	return 0;
}

/* The end of a lifetime: S and the session are let go. */
static void close_ctr(struct al_log *log, struct ctr *c)
{
	uint64_t idx = c->idx;

	for (size_t i = 0; i < c->npids; i++)
		hmap_del(&log->pids, nkey(c->node, c->pids[i]), idx);
	free(c->pids);
	c->pids = NULL;
	c->npids = c->cappids = 0;
	if (c->pub.ses_tag)
		hmap_del(&log->ses, nkey(c->node, c->pub.ses_tag), idx);
	c->open = false;
}

static struct ctr *new_ctr(struct al_log *log, const struct acid_rec *r,
			   uint32_t node)
{
	struct ctr *c;

	if (grow(&log->ctr, &log->capctr, log->nctr + 1, sizeof(*log->ctr)) < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->node = node;
	c->idx = log->nctr;
	strcpy(c->pub.uuid, r->uuid);
	strcpy(c->pub.parent, r->parent);
	strcpy(c->pub.reason, "");
	c->pub.name = strdup(r->name);
	c->pub.bundle = r->bundle ? strdup(r->bundle) : NULL;
	c->pub.vm_pid = (pid_t)r->vm_pid;
	c->pub.file = log->file;
	c->pub.line = log->lineno;
	if (!c->pub.name || (r->bundle && !c->pub.bundle) ||
	    hmap_add(&log->uuids, uuid_key(r->uuid, node), log->nctr) < 0) {
		free(c->pub.name);
		free(c->pub.bundle);
		free(c);
		return NULL;
	}
	log->ctr[log->nctr++] = c;
	return c;
}

static void select_ctr(struct al_log *log, struct ctr *c)
{
	c->selected = log->select && log->select(&c->pub, log->select_arg);
}

/* An event @c is charged with: counted once, kept if selected. */
static void charge(struct al_log *log, struct ctr *c, const struct skey *k)
{
	for (unsigned int i = 0; i < RECENT && i < c->nrecent; i++)
		if (skey_eq(&c->recent[i], k))
			return;
	c->recent[c->nrecent++ % RECENT] = *k;
	c->pub.events++;
	if (c->selected && sset_add(&log->sel, k) < 0)
		log->err = -ENOMEM;
}

/*
 * A record of a run that does not change its lifetime: listed with the
 * run's own records, and the run flagged when @forged.
 */
static struct ctr *keep_run(struct al_log *log, struct ctr *c,
			    const struct hdr *h, bool forged)
{
	if (forged)
		c->pub.forged = true;
	if (c->selected && sset_add(&log->sel, &h->k) < 0)
		log->err = -ENOMEM;
	return c;
}

/* The key of a kernel container ID on @node in log->kset. */
static inline uint64_t kkey(uint32_t node, uint64_t contid)
{
	return mix(contid) ^ node;
}

/* The kernel's latest set record of @contid on @node, or NULL. */
static struct kop *kop_find(struct al_log *log, uint64_t contid,
			    uint32_t node)
{
	size_t n;

	if (hmap_all(&log->kset, kkey(node, contid), &log->tmp2, &n,
		     &log->captmp2) < 0) {
		log->err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct kop *o = &log->kops[log->tmp2[i]];

		if (o->contid == contid && o->k.node == node)
			return o;
	}
	return NULL;
}

/*
 * Did the kernel log the setting of @uuid (a u64 ID) on @node? Its set
 * record is then listed with the run's own records.
 */
static bool kernel_set(struct al_log *log, const char *uuid, uint32_t node,
		       struct skey *set)
{
	struct acid_id id;
	struct kop *o;
	uint64_t v;

	if (acid_id_parse(uuid, &id) < 0 || acid_id_to_u64(&id, &v) < 0)
		return false;
	o = kop_find(log, v, node);
	if (!o)
		return false;
	*set = o->k;
	/* one set record, one run: a later run of the ID needs its own */
	hmap_del(&log->kset, kkey(node, v), (uint64_t)(o - log->kops));
	return true;
}

/*
 * @pid on @node ran a syscall the kernel did not stamp with a container
 * ID: it is in no kernel-attributed container now (a pid such a
 * container used, since reused outside it), so it leaves their sets.
 */
static void kernel_leave(struct al_log *log, uint32_t node, uint32_t pid)
{
	size_t n;

	if (hmap_all(&log->pids, nkey(node, pid), &log->tmp, &n,
		     &log->captmp) < 0) {
		log->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (log->ctr[log->tmp[i]]->kernel)
			hmap_del(&log->pids, nkey(node, pid), log->tmp[i]);
}

static void kev_judge(struct al_log *log, struct kev *e)
{
	if (!e->open)
		return;
	e->open = false;
	if (!e->seen)
		kernel_leave(log, e->k.node, e->pid);
}

/*
 * A record of @pid with stamp @k: the events of @pid before it are
 * complete (a process is in one syscall at a time), so whether the
 * kernel stamped them is known. A SYSCALL record then opens its own.
 */
static void kev_record(struct al_log *log, const struct skey *k,
		       uint32_t pid, bool syscall)
{
	struct kev *e;

	for (unsigned int i = 0; i < RECENT; i++) {
		e = &log->kring[i];
		if (e->open && e->pid == pid && e->k.node == k->node &&
		    !skey_eq(&e->k, k))
			kev_judge(log, e);
	}
	if (!syscall)
		return;
	e = &log->kring[log->nkring++ % RECENT];
	kev_judge(log, e); /* the oldest: complete long ago */
	*e = (struct kev){ .k = *k, .pid = pid, .open = true };
}

/* The open SYSCALL event of stamp @k, or NULL. */
static struct kev *kev_find(struct al_log *log, const struct skey *k)
{
	for (unsigned int i = 0; i < RECENT; i++)
		if (log->kring[i].open && skey_eq(&log->kring[i].k, k))
			return &log->kring[i];
	return NULL;
}

/*
 * A new claim of @r->uuid from start record @h: a container, not yet
 * open (no S, no session), selected or not.
 */
static struct ctr *new_claim(struct al_log *log, const struct hdr *h,
			     const struct subject *s, const struct acid_rec *r,
			     bool inside)
{
	struct ctr *c = new_ctr(log, r, h->k.node);

	if (!c) {
		log->err = -ENOMEM;
		return NULL;
	}
	c->pub.has_start = true;
	c->pub.start = (struct al_stamp){ h->k.sec, h->k.milli, h->k.serial };
	c->pub.sender = (pid_t)s->pid;
	c->pub.ses_tag = r->ses_tag;
	c->pub.forged = inside;
	c->start_inside = inside;
	select_ctr(log, c);
	if (c->selected && sset_add(&log->sel, &h->k) < 0)
		log->err = -ENOMEM;
	return c;
}

/*
 * A start record; returns the run (or displaced claim) it is the record
 * of. Two claims of one running ID: auditlog.h says which is preferred.
 */
static struct ctr *on_start(struct al_log *log, const struct hdr *h,
			    const struct subject *s, const struct acid_rec *r)
{
	struct ctr *old = find_open(log, r->uuid, h->k.node), *c;
	bool inside = sender_inside(log, h->k.node, s->pid, r->parent);
	bool old_kernel = false, set_now;
	char q[128], q2[128];
	struct skey set;
	uint64_t idx;

	/*
	 * libacid refuses to register the caller or one of its ancestors
	 * (EXDEV), and pid 1 is everyone's: such a claim is not acid's, and
	 * its S (all of pid 1's descendants) must not make the host's
	 * records "inside".
	 */
	if (r->vm_pid == 1 || r->vm_pid == s->pid) {
		warn_at(log, false, "start record (serial %" PRIu64 ") for "
			"container %s names vm-pid %u, %s: not acid's "
			"(forged?)", h->k.serial, r->uuid, r->vm_pid,
			r->vm_pid == 1 ? "the host's init"
				       : "its own sender");
		inside = true;
	}

	if (old) {
		/*
		 * The same registration logged again (same init, same
		 * name, the same kind of sender) is the same run: a sender
		 * may repeat a record it is unsure was taken.
		 */
		if (old->start_inside == inside &&
		    old->pub.vm_pid == (pid_t)r->vm_pid &&
		    strcmp(old->pub.name, r->name) == 0)
			return keep_run(log, old, h, inside);
		old->pub.conflict = true;
		if (!old->start_inside || inside) {
			/* the run goes on; this claim never is one */
			warn_at(log, false, "start record (serial %" PRIu64
				") for container %s while it runs, naming "
				"\"%s\" vm-pid %u, sent by pid %u %s (its "
				"start at %s:%lu: \"%s\" vm-pid %d): conflict, "
				"the run goes on", h->k.serial, r->uuid,
				al_escape(r->name, q, sizeof(q)), r->vm_pid,
				s->pid, inside ? "inside a container"
					       : "outside any container",
				old->pub.file, old->pub.line,
				al_escape(old->pub.name, q2, sizeof(q2)),
				(int)old->pub.vm_pid);
			c = new_claim(log, h, s, r, inside);
			if (!c)
				return NULL;
			c->pub.conflict = true;
			c->pub.end = AL_END_DISPLACED;
			c->pub.stop = c->pub.start;
			/* listed with the run it claimed to be, too */
			keep_run(log, old, h, false);
			return c;
		}
		/*
		 * Sent from outside any container, against a claim sent
		 * from inside one: this is the run; the other ends here.
		 */
		warn_at(log, false, "start record (serial %" PRIu64 ") for "
			"container %s, sent by pid %u outside any container, "
			"displaces the claim sent from inside a container at "
			"%s:%lu (\"%s\" vm-pid %d): conflict",
			h->k.serial, r->uuid, s->pid, old->pub.file,
			old->pub.line, al_escape(old->pub.name, q, sizeof(q)),
			(int)old->pub.vm_pid);
		close_ctr(log, old);
		old->pub.end = AL_END_DISPLACED;
		old->pub.stop =
			(struct al_stamp){ h->k.sec, h->k.milli, h->k.serial };
		old_kernel = old->kernel;
		keep_run(log, old, h, false);
	}
	c = new_claim(log, h, s, r, inside);
	if (!c)
		return NULL;
	idx = c->idx;
	c->open = true;
	c->pub.conflict = old != NULL;
	/* a set record the displaced claim took was this ID's */
	set_now = kernel_set(log, r->uuid, c->node, &set);
	c->kernel = set_now || old_kernel;
	if (add_pid(log, c, idx, r->vm_pid) < 0 ||
	    (r->ses_tag && !c->kernel &&
	     hmap_add(&log->ses, nkey(c->node, r->ses_tag), idx) < 0) ||
	    (c->selected && set_now && sset_add(&log->sel, &set) < 0))
		log->err = -ENOMEM;
	return c;
}

/* A stop record; returns the run it is the record of (NULL: no memory). */
static struct ctr *on_stop(struct al_log *log, const struct hdr *h,
			   const struct subject *s, const struct acid_rec *r)
{
	struct ctr *c = find_open(log, r->uuid, h->k.node);
	char q[128];

	if (!c) {
		struct ctr *last = find_last(log, r->uuid, h->k.node);

		if (last && last->pub.end == AL_END_STOP) {
			warn_at(log, true, "second stop record for container "
				"%s (\"%s\"), first at serial %" PRIu64
				": skipped", r->uuid,
				al_escape(last->pub.name, q, sizeof(q)),
				last->pub.stop.serial);
			return last;
		}
		/* its start is in a log rotated away: it ends here */
		c = new_ctr(log, r, h->k.node);
		if (!c) {
			log->err = -ENOMEM;
			return NULL;
		}
		c->pub.forged = sender_inside(log, h->k.node, s->pid, NULL);
		select_ctr(log, c);
	} else {
		/*
		 * A process inside a container would hide what a container
		 * does after it from here on: its stop does not count.
		 */
		if (sender_inside(log, h->k.node, s->pid, c->pub.parent)) {
			warn_at(log, false, "stop record (serial %" PRIu64
				") for container %s (\"%s\") sent by pid %u "
				"inside a container: the run goes on (forged?)",
				h->k.serial, r->uuid,
				al_escape(c->pub.name, q, sizeof(q)), s->pid);
			return keep_run(log, c, h, true);
		}
		if (r->has_vm_pid && (pid_t)r->vm_pid != c->pub.vm_pid)
			warn_at(log, false, "stop record for container %s "
				"names vm-pid %u, its start record %d",
				r->uuid, r->vm_pid, (int)c->pub.vm_pid);
		close_ctr(log, c);
	}
	c->pub.end = AL_END_STOP;
	c->pub.stop = (struct al_stamp){ h->k.sec, h->k.milli, h->k.serial };
	strcpy(c->pub.reason, r->reason);
	if (c->selected && sset_add(&log->sel, &h->k) < 0)
		log->err = -ENOMEM;
	return c;
}

static void add_match(struct al_log *log, uint64_t idx)
{
	for (size_t i = 0; i < log->nmatch; i++)
		if (log->match[i] == idx)
			return;
	if (grow(&log->match, &log->capmatch, log->nmatch + 1,
		 sizeof(*log->match)) < 0) {
		log->err = -ENOMEM;
		return;
	}
	log->match[log->nmatch++] = idx;
}

/*
 * The rules of auditlog.h for one record. @self is the container the
 * record is a lifecycle record of (not charged with it), or NULL.
 */
static void attribute(struct al_log *log, const struct hdr *h,
		      const struct subject *s, const struct ctr *self)
{
	uint32_t node = h->k.node;
	size_t n;

	log->nmatch = 0;
	if (s->has_pid) {
		if (hmap_all(&log->pids, nkey(node, s->pid), &log->tmp, &n,
			     &log->captmp) < 0)
			goto nomem;
		for (size_t i = 0; i < n; i++) {
			uint64_t idx = log->tmp[i];
			struct ctr *c = log->ctr[idx];

			/*
			 * A container's process has its parent in the
			 * container (orphans go to its init). One whose
			 * parent is outside is a host process that got a
			 * pid the container used before.
			 */
			/* the kernel's records say which are its own */
			if (c->kernel)
				continue;
			if (s->has_ppid && s->pid != (uint32_t)c->pub.vm_pid &&
			    !hmap_has(&log->pids, nkey(node, s->ppid), idx)) {
				hmap_del(&log->pids, nkey(node, s->pid), idx);
				continue;
			}
			if (!c->pub.ses_tag)
				add_match(log, idx);
		}
	}
	if (s->has_pid && s->has_ppid) {
		if (hmap_all(&log->pids, nkey(node, s->ppid), &log->tmp, &n,
			     &log->captmp) < 0)
			goto nomem;
		for (size_t i = 0; i < n; i++) {
			uint64_t idx = log->tmp[i];
			struct ctr *c = log->ctr[idx];

			if (c->kernel)
				continue;
			if (add_pid(log, c, idx, s->pid) < 0)
				goto nomem;
			if (!c->pub.ses_tag)
				add_match(log, idx);
		}
	}
	if (s->has_ses && s->ses != SES_UNSET) {
		if (hmap_all(&log->ses, nkey(node, s->ses), &log->tmp, &n,
			     &log->captmp) < 0)
			goto nomem;
		for (size_t i = 0; i < n; i++)
			add_match(log, log->tmp[i]);
	}
	for (size_t i = 0; i < log->nmatch; i++) {
		struct ctr *c = log->ctr[log->match[i]];

		if (c != self)
			charge(log, c, &h->k);
	}
	return;
nomem:
	log->err = -ENOMEM;
}

/*
 * The kernel's own records. CONTAINER_OP op=set res=1: the kernel holds
 * that ID from now on (its acid start record comes next). CONTAINER_ID:
 * the event is that container's, whatever its ancestry says; the pid of
 * the event's SYSCALL record joins the container's S, so that an acid
 * record it sends is seen to come from inside.
 */
static void on_kernel_record(struct al_log *log, const struct hdr *h,
			     bool op)
{
	char uuid[ACID_ID_STRLEN];
	uint64_t contid, res;
	struct kev *ev;
	struct ctr *c;

	if (!kernel_field(h, "contid", UINT64_MAX, &contid) ||
	    !contid_uuid(contid, uuid))
		return;
	if (op && h->end - h->body > 7 && memcmp(h->body, "op=set ", 7) == 0) {
		struct kop *o;

		if (!kernel_field(h, "res", 1, &res) || res != 1)
			return;
		/* an ID given to one more process of a running container */
		c = find_open(log, uuid, h->k.node);
		if (c) {
			if (c->kernel && c->selected &&
			    sset_add(&log->sel, &h->k) < 0)
				log->err = -ENOMEM;
			return;
		}
		o = kop_find(log, contid, h->k.node);
		if (!o) {
			if (grow(&log->kops, &log->capkops, log->nkops + 1,
				 sizeof(*log->kops)) < 0 ||
			    hmap_add(&log->kset, kkey(h->k.node, contid),
				     log->nkops) < 0) {
				log->err = -ENOMEM;
				return;
			}
			o = &log->kops[log->nkops++];
		}
		o->contid = contid;
		o->k = h->k;
		return;
	}
	c = find_open(log, uuid, h->k.node);
	if (!c)
		c = find_last(log, uuid, h->k.node);
	if (!c)
		return; /* not a container acid registered */
	if (op) {
		/* the drop: the kernel's record of the run, not an event */
		if (c->kernel && c->selected && sset_add(&log->sel, &h->k) < 0)
			log->err = -ENOMEM;
		return;
	}
	if (!c->kernel && c->open) {
		/* its set record was in a log rotated away */
		c->kernel = true;
		if (c->pub.ses_tag)
			hmap_del(&log->ses, nkey(c->node, c->pub.ses_tag),
				 c->idx);
	}
	ev = kev_find(log, &h->k);
	if (ev) {
		ev->seen = true;
		if (c->open && add_pid(log, c, c->idx, ev->pid) < 0) {
			log->err = -ENOMEM;
			return;
		}
	}
	charge(log, c, &h->k);
}

static int scan_line(struct al_log *log, const char *line, size_t len)
{
	struct subject s = { 0 };
	struct ctr *self = NULL;
	struct hdr h;
	char q[160];

	if (!len)
		return 0;
	if (len > AL_MAX_LINE) {
		warn_at(log, true, "line of %zu bytes, more than any audit "
			"record: skipped", len);
		return 0;
	}
	if (memchr(line, 0, len)) {
		warn_at(log, true, "NUL byte in a record: skipped \"%s\"",
			excerpt(line, len, q, sizeof(q)));
		return 0;
	}
	if (!parse_header(line, len, &h)) {
		warn_at(log, true, "not an audit record (no \"type=... "
			"msg=audit(...):\"): skipped \"%s\"",
			excerpt(line, len, q, sizeof(q)));
		return 0;
	}
	if (type_is_num(&h, "CONTAINER_ID", ACID_AUDIT_CONTAINER_ID)) {
		on_kernel_record(log, &h, false);
		return log->err;
	}
	if (type_is_num(&h, "CONTAINER_OP", ACID_AUDIT_CONTAINER_OP))
		on_kernel_record(log, &h, true);
	if (!no_subject(&h)) {
		if (log->reference)
			auparse_subject(log, line, &h, &s);
		else
			scan_subject(&h, &s);
	}
	if (s.has_pid)
		kev_record(log, &h.k, s.pid, type_is(&h, "SYSCALL"));
	if (type_is(&h, "VIRT_CONTROL")) {
		struct acid_rec r;
		char why[200];
		int k = parse_acid(log, line, len, &r, why, sizeof(why));

		if (k == 1 && !s.has_pid) {
			snprintf(why, sizeof(why), "no sender pid");
			acid_rec_free(&r);
			k = -1;
		}
		if (k < 0)
			warn_at(log, true, "acid record (serial %" PRIu64
				") skipped: %s", h.k.serial, why);
		if (k == 1) {
			self = r.start ? on_start(log, &h, &s, &r)
				       : on_stop(log, &h, &s, &r);
			acid_rec_free(&r);
		}
	}
	attribute(log, &h, &s, self);
	return log->err;
}

int al_scan(struct al_log *log, al_select_fn select, void *arg, char *err,
	    size_t errlen)
{
	int r = 0;

	log->select = select;
	log->select_arg = arg;
	for (size_t i = 0; i < log->nin && !r; i++)
		r = read_input(log, i, true, scan_line, err, errlen);
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (log->warnings > log->max_warnings)
		fprintf(log->warn, "acid %s: warning: %lu more warnings not "
			"shown; %lu records skipped in all\n", log->cmd,
			log->warnings - log->max_warnings, log->skipped);
	return r;
}

/* -------------------------------------------------------------- replay */

/* Free the kept lines of the event @au is on. */
static void drop_lines(struct al_log *log, auparse_state_t *au)
{
	if (!log->raw || auparse_first_record(au) <= 0)
		return;
	do {
		uint64_t ln = auparse_get_line_number(au), p;

		if (hmap_get(&log->lines, ln, &p)) {
			hmap_del(&log->lines, ln, p);
			free((void *)(uintptr_t)p);
		}
	} while (auparse_next_record(au) > 0);
}

/*
 * An event is given once. A stamp names one event, but a log can hold its
 * records twice (a log copied into itself, overlapping inputs, a record
 * written again): libauparse would make a second event of the copy once
 * the first is complete - at once for a single-record event such as
 * acid's own. The stamps given are remembered; a later line with one of
 * them is not fed (replay_line), and an event whose stamp was given
 * already is not given again.
 */
static bool event_done(struct al_log *log, auparse_state_t *au)
{
	bool given = false, first = true;

	if (auparse_first_record(au) <= 0)
		return false;
	do {
		uint64_t ln = auparse_get_line_number(au);

		if (!ln || ln > log->fed)
			continue;
		if (first && sset_has(&log->done, &log->fedkey[ln]))
			given = true;
		first = false;
		if (sset_add(&log->done, &log->fedkey[ln]) < 0)
			log->err = -ENOMEM;
	} while (auparse_next_record(au) > 0);
	auparse_first_record(au);
	return given;
}

static void replay_cb(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct al_log *log = arg;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	if (!event_done(log, au) && !log->fn_ret)
		log->fn_ret = log->fn(log, au, log->fn_arg);
	drop_lines(log, au);
}

/* The same checks as the scan, silently: the scan has warned. */
static int replay_line(struct al_log *log, const char *line, size_t len)
{
	struct hdr h;
	char *s;

	if (!len || len > AL_MAX_LINE || memchr(line, 0, len) ||
	    !parse_header(line, len, &h) || !sset_has(&log->sel, &h.k) ||
	    sset_has(&log->done, &h.k))
		return 0;
	log->fed++;
	if (grow(&log->fedkey, &log->capfedkey, log->fed + 1,
		 sizeof(*log->fedkey)) < 0)
		return -ENOMEM;
	log->fedkey[log->fed] = h.k;
	if (log->raw) {
		char *copy = strndup(line, len);

		if (!copy || hmap_add(&log->lines, log->fed,
				      (uint64_t)(uintptr_t)copy) < 0) {
			free(copy);
			return -ENOMEM;
		}
	}
	s = scratch_line(log, line, len);
	if (!s || auparse_feed(log->feed, s, len + 1) < 0)
		return -ENOMEM;
	return log->err ? log->err : log->fn_ret;
}

int al_replay(struct al_log *log, bool raw, al_event_fn fn, void *arg,
	      char *err, size_t errlen)
{
	int r = 0;

	if (!log->sel.n)
		return 0;
	log->feed = auparse_init(AUSOURCE_FEED, NULL);
	if (!log->feed) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	log->raw = raw;
	log->fn = fn;
	log->fn_arg = arg;
	log->fn_ret = 0;
	log->fed = 0;
	free(log->done.slot);
	log->done = (struct sset){ 0 };
	auparse_add_callback(log->feed, replay_cb, log, NULL);
	for (size_t i = 0; i < log->nin && !r; i++)
		r = read_input(log, i, false, replay_line, err, errlen);
	if (!r)
		auparse_flush_feed(log->feed);
	if (!r && log->err)
		r = log->err;
	auparse_destroy(log->feed);
	log->feed = NULL;
	/* lines libauparse never gave back (it found no record in them) */
	for (size_t i = 0; i < log->lines.cap; i++)
		if (log->lines.slot[i].used)
			free((void *)(uintptr_t)log->lines.slot[i].val);
	hmap_free(&log->lines);
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	return r ? r : log->fn_ret;
}

/* ------------------------------------------------------------ printers */

void al_print_raw(struct al_log *log, auparse_state_t *au, FILE *out)
{
	if (auparse_first_record(au) <= 0)
		return;
	do {
		uint64_t p;

		if (hmap_get(&log->lines, auparse_get_line_number(au), &p)) {
			fputs((const char *)(uintptr_t)p, out);
			fputc('\n', out);
		} else {
			/* not kept: what libauparse has (no enriched part) */
			const char *t = auparse_get_record_text(au);

			fprintf(out, "%s\n", t ? t : "");
		}
	} while (auparse_next_record(au) > 0);
}

/* The first "name=" at or after @from that starts a field. */
static const char *field_at(const char *from, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = from; (p = strstr(p, name)); p++)
		if (p > from && (p[-1] == ' ' || p[-1] == '\'') && p[n] == '=')
			return p;
	return NULL;
}

/*
 * One record as ausearch -i prints it: "type=T msg=audit(date time.ms:
 * serial) : " and every field interpreted. A user record's own fields go
 * in msg='...', as in the log.
 */
static void print_interpreted_record(auparse_state_t *au, FILE *out)
{
	const char *text = auparse_get_record_text(au);
	const char *msg = text ? strstr(text, " msg='") : NULL;
	const char *cur = text, *type = auparse_get_type_name(au);
	const char *node = auparse_get_node(au);
	time_t t = auparse_get_time(au);
	bool first = true, opened = false, avc_done = false;
	const char *avc;
	char when[64];
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%m/%d/%y %H:%M:%S", &tm);
	else
		strcpy(when, "?");
	if (node)
		fprintf(out, "node=%s ", node);
	free((void *)node);
	fprintf(out, "type=%s msg=audit(%s.%03u:%lu) : ", type ? type : "?",
		when, auparse_get_milli(au), auparse_get_serial(au));
	if (auparse_first_field(au) <= 0)
		goto done;
	do {
		const char *name = auparse_get_field_name(au);
		const char *val;

		if (!name || strcmp(name, "type") == 0 ||
		    strcmp(name, "node") == 0)
			continue;
		/*
		 * libauparse makes fields of an AVC's "avc:  denied  { read }
		 * for" text; ausearch prints that text as it is, and so do we.
		 */
		if (auparse_get_type(au) == AUDIT_AVC &&
		    (strcmp(name, "seresult") == 0 ||
		     strcmp(name, "seperms") == 0)) {
			if (!avc_done && text && (avc = strstr(text, "): "))) {
				const char *f;

				avc += 3;
				f = strstr(avc, " pid=");
				if (f && f > avc) {
					fprintf(out, "%.*s ", (int)(f - avc),
						avc);
					cur = f;
				}
			}
			avc_done = true;
			continue;
		}
		/* where the field is in the text: inside msg='...' or not */
		if (cur && msg && !opened) {
			const char *at = field_at(cur, name);

			if (at) {
				cur = at + strlen(name) + 1;
				if (at > msg) {
					fputs(first ? "msg='" : " msg='", out);
					opened = true;
					first = true;
				}
			}
		}
		val = auparse_interpret_field(au);
		fprintf(out, "%s%s=%s", first ? "" : " ", name,
			val ? val : "?");
		first = false;
	} while (auparse_next_field(au) > 0);
done:
	fputs(opened ? "' \n" : " \n", out);
}

void al_print_interpreted(auparse_state_t *au, FILE *out)
{
	unsigned int n = auparse_get_num_records(au);

	/* like ausearch: the event's records last to first */
	fputs("----\n", out);
	for (unsigned int i = n; i-- > 0;) {
		if (auparse_goto_record_num(au, i) <= 0)
			continue;
		print_interpreted_record(au, out);
	}
}

/* -------------------------------------------------------------- state */

/* Field 22 (starttime, clock ticks after boot) of /proc/<pid>/stat. */
static bool proc_starttime(const char *root, pid_t pid, uint64_t *ticks)
{
	char path[PATH_MAX], buf[1024], *p;
	uint64_t v;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%d/stat", root, (int)pid) >=
	    (int)sizeof(path))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* the command name may hold spaces and ')': the last ')' ends it */
	p = strrchr(buf, ')');
	if (!p)
		return false;
	p++;
	for (int field = 3; field <= 22; field++) {
		const char *q;

		while (*p == ' ')
			p++;
		q = p;
		if (field == 22) {
			if (!digits(&q, q + strlen(q), UINT64_MAX, &v))
				return false;
			*ticks = v;
			return true;
		}
		p = strchr(p, ' ');
		if (!p)
			return false;
	}
	return false;
}

static bool boot_time(const char *root, int64_t *btime)
{
	char path[PATH_MAX], line[256];
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stat", root);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!ok && fgets(line, sizeof(line), f)) {
		long long v;

		if (sscanf(line, "btime %lld", &v) == 1) {
			*btime = v;
			ok = true;
		}
	}
	fclose(f);
	return ok;
}

enum al_state al_state(const struct al_container *c, const char *proc_root)
{
	long tck = sysconf(_SC_CLK_TCK);
	uint64_t ticks;
	int64_t btime, started;

	if (c->end == AL_END_DISPLACED)
		return AL_STATE_DISPLACED;
	if (c->end == AL_END_STOP)
		return strcmp(c->reason, "lost") == 0 ? AL_STATE_LOST
						       : AL_STATE_ENDED;
	/* no start in the logs, or one dated after now: not a live run */
	if (!c->has_start || c->start.sec > (int64_t)time(NULL) + 60)
		return AL_STATE_LOST;
	if (!proc_root)
		proc_root = getenv("ACID_PROC_ROOT");
	if (!proc_root || !*proc_root)
		proc_root = "/proc";
	if (tck <= 0 || !proc_starttime(proc_root, c->vm_pid, &ticks) ||
	    !boot_time(proc_root, &btime))
		return AL_STATE_LOST;
	/*
	 * The init existed before its start record was sent; a process
	 * that started later holds a reused pid. btime is whole seconds,
	 * hence the slack.
	 */
	started = btime + (int64_t)(ticks / (uint64_t)tck);
	if (started > c->start.sec + 2 || c->start.sec + 2 < btime)
		return AL_STATE_LOST;
	return AL_STATE_RUNNING;
}
