/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - what the files of libacid-attribution share; not
 * installed. The rules are in attribution.h. The files, by job:
 *   hash.c       growable arrays, hash tables of numbers and of stamps
 *   inputs.c     auditd's log files; lines out of bytes, fds and files
 *   record.c     a record's header and subject fields (fast scanner and
 *                libauparse, the same result); warnings; escaping
 *   acidrec.c    acid's own records and the kernel's container records
 *   attribute.c  the attribution engine: lifetimes, S, sessions, claims
 *   stream.c     the reader: context, feeding, assembling events,
 *                giving them out
 *   interpret.c  an event written raw or as ausearch -i writes it
 *   state.c      a container's state now (/proc)
 */
#ifndef ACID_ATTRIBUTION_INTERNAL_H
#define ACID_ATTRIBUTION_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <auparse.h>
#include <acid/libacid.h>

#include "attribution.h"

#define API __attribute__((visibility("default")))

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

/* ------------------------------------------------------------- hash.c */

/* Make room for @need elements of @size bytes in *@p (capacity *@cap). */
int grow(void *p, size_t *cap, size_t need, size_t size);

/* The splitmix64 finaliser: small dense numbers spread over the table. */
static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* A multimap of 64-bit keys to 64-bit values (hash.c says how). */
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

int hmap_add(struct hmap *m, uint64_t key, uint64_t val);
bool hmap_has(const struct hmap *m, uint64_t key, uint64_t val);
bool hmap_get(const struct hmap *m, uint64_t key, uint64_t *val);
void hmap_del(struct hmap *m, uint64_t key, uint64_t val);
int hmap_all(const struct hmap *m, uint64_t key, uint64_t **out, size_t *n,
	     size_t *cap);
void hmap_free(struct hmap *m);

/*
 * An event's full identity: the stamp and the node that logged it (0:
 * none; else its number in the reader, node_id()).
 */
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

/*
 * A set of stamps (keys kept whole: exact). Each may carry the list of
 * containers (indexes) it was selected for.
 */
struct sslot {
	struct skey k;
	bool used;
	uint32_t nctr, capctr;
	uint64_t *ctr;
};

struct sset {
	struct sslot *slot;
	size_t cap, n;
};

/* Adds @k (and @ctr to its list unless it is UINT64_MAX); 1 when new. */
int sset_add(struct sset *s, const struct skey *k, uint64_t ctr);
struct sslot *sset_find(const struct sset *s, const struct skey *k);
static inline bool sset_has(const struct sset *s, const struct skey *k)
{
	return sset_find(s, k) != NULL;
}
void sset_del(struct sset *s, const struct skey *k);
/* Only the stamps @keep says yes to stay (their container lists go). */
int sset_filter(struct sset *s, bool (*keep)(const struct skey *k, void *arg),
		void *arg);
void sset_free(struct sset *s);

/* ------------------------------------------------------------ context */

struct ctr {
	struct acid_attr_container pub;
	uint64_t idx; /* in a->ctr: the value the hash tables hold */
	uint32_t node;
	bool open;
	bool selected;
	bool kernel; /* the kernel holds its ID: CONTAINER_ID decides */
	bool start_inside; /* its start record came from inside a container */
	uint32_t *pids; /* every pid added to S, to drop them at the stop */
	size_t npids, cappids;
	/*
	 * Seeded processes (acid_attr_seed_pid): /proc placed them, their
	 * parent may be outside S (runc exec) - not taken for reused pids.
	 */
	uint32_t *anchors;
	size_t nanchors, capanchors;
	/* sessions its links added (reason=session), dropped at the stop */
	uint32_t *sestags;
	size_t nsestags, capsestags;
	/*
	 * pids a clone with CLONE_PARENT added: their parent is the
	 * cloner's parent, outside S (runc exec's init); value: that ppid
	 */
	struct foster { uint32_t pid, ppid; } *fosters;
	size_t nfosters, capfosters;
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

/* A CONTAINER_OP op=set record: which ID, where, its stamp and line. */
struct kop {
	uint64_t contid;
	struct skey k;
	char *line;
	size_t len;
};

/*
 * A link not applied yet (acid_attr_link with a trigger): @pid joins the
 * open run of @uuid on @k.node at the first record of event @k.
 */
struct plink {
	struct skey k;
	uint32_t pid;
	bool used;
	char uuid[ACID_ID_STRLEN];
};

/* A line kept for an event not (yet) selected: the backlog. */
struct held {
	struct skey k;
	char *line;
	size_t len, cap;
	bool used;
};

/* A line given to libauparse, until its event is given out. */
struct fedline {
	struct skey k;
	size_t len;
	char text[];
};

struct acid_attr {
	bool reference;

	acid_attr_select_fn select;
	void *select_arg;
	acid_attr_event_fn event;
	void *event_arg;
	acid_attr_container_fn on_ctr;
	void *on_ctr_arg;
	acid_attr_warn_fn warn;
	void *warn_arg;
	acid_attr_link_fn on_link;
	void *on_link_arg;

	/* where the records come from, for warnings */
	char **sources; /* every name set: containers point into them */
	size_t nsources, capsources;
	const char *file;
	unsigned long lineno;
	unsigned long warnings, skipped;
	int err; /* the first hard error (memory) */

	/* acid_attr_feed_bytes: a line not complete yet */
	char *part;
	size_t npart, cappart;
	bool skipping; /* in a line too long to be a record */

	auparse_state_t *one; /* parses one line at a time */
	char *scratch;
	size_t scratchcap;

	/* the attribution */
	struct ctr **ctr;
	size_t nctr, capctr;
	struct hmap pids;  /* (node, pid) -> container: the sets S */
	struct hmap anchors; /* (node, pid) -> container: roots of S whose
			      * parent may be outside (seeds, links) */
	struct hmap linked;  /* (node, pid) -> container: joined processes
			      * and their descendants (counted by S even
			      * where a session tag decides) */
	struct hmap foster;  /* (node, pid) -> container << 32 | ppid */
	struct plink *plinks; /* links waiting for their trigger event */
	size_t nplinks, capplinks, npending;
	struct hmap pend;    /* hash of a trigger's stamp -> index in plinks */
	struct hmap ses;   /* (node, ses) -> open container tagged ses */
	struct hmap uuids; /* hash of the uuid -> container, all of them */
	struct hmap kset;  /* (node, contid) -> index in kops */
	struct hmap nodes; /* hash of a node name -> its number */
	char **node;	   /* node number N (1...) is node[N - 1] */
	size_t nnode, capnode;
	uint32_t last_node; /* the node of the last record read */
	struct kop *kops;  /* the kernel's set records, the latest per ID */
	size_t nkops, capkops;
	struct kev kring[RECENT]; /* the latest SYSCALL records' events */
	unsigned long nkring;
	struct sset sel;   /* stamps of the selected events not given yet */
	uint64_t nsel;     /* distinct stamps selected in all */
	uint64_t *tmp, *tmp2;
	size_t captmp, captmp2;
	uint64_t *match;
	size_t nmatch, capmatch;

	/* the events */
	struct held held[ACID_ATTR_BACKLOG];
	unsigned int nheld;
	auparse_state_t *feed;
	struct hmap lines; /* line number fed -> struct fedline */
	unsigned long fed;
	struct sset done;  /* stamps of the events given out */
	bool live;	   /* ACID_ATTR_LIVE: done forgets old stamps */
	bool all;	   /* ACID_ATTR_ALL: every event is given */
	int64_t newest;    /* the latest second of a stamp given */
	size_t prune_at;   /* done is pruned when it holds this many */
	int event_ret;     /* the event callback's non-zero return */
};

/* The event given to the event callback. */
struct acid_attr_event {
	struct acid_attr *a;
	auparse_state_t *au;
	struct acid_attr_stamp stamp;
	const struct sslot *sel; /* its containers */
	const char **rec;
	size_t nrec;
};

/* ----------------------------------------------------------- record.c */

struct hdr {
	const char *node; /* node=N: the name (NULL: none) */
	size_t node_len;
	const char *type;
	size_t type_len;
	struct skey k;
	const char *body; /* the first field */
	const char *end;  /* the end of the kernel's text (before 0x1d) */
};

struct subject {
	bool seen_pid, seen_ppid, seen_ses; /* the first one counts */
	bool has_pid, has_ppid, has_ses;    /* ... if it was a number */
	uint32_t pid, ppid, ses;
};

bool digits(const char **p, const char *end, uint64_t max, uint64_t *v);
uint32_t node_id(struct acid_attr *a, const char *s, size_t n, bool add);
const char *node_name(const struct acid_attr *a, uint32_t node);
bool parse_header(const char *line, size_t len, struct hdr *h);
bool type_is(const struct hdr *h, const char *name);
bool hdr_kfield(const struct hdr *h, const char *name, const char **val,
		size_t *vlen);
bool no_subject(const struct hdr *h);
void scan_subject(const struct hdr *h, struct subject *s);
void auparse_subject(struct acid_attr *a, const char *line,
		     const struct hdr *h, struct subject *s);
char *scratch_line(struct acid_attr *a, const char *s, size_t len);
bool parse_one(struct acid_attr *a, const char *line, size_t len);
const char *excerpt(const char *line, size_t len, char *buf, size_t buflen);

/* A warning about the record being read (about container @uuid/@name). */
void warn_at(struct acid_attr *a, enum acid_attr_warn_kind kind,
	     bool skipped, const char *uuid, const char *name,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---------------------------------------------------------- acidrec.c */

/* the Kubernetes fields of a start record, in this order */
enum { ACID_REC_K8S_POD, ACID_REC_K8S_NAMESPACE, ACID_REC_K8S_POD_UID,
       ACID_REC_K8S_CONTAINER, ACID_REC_IMAGE, ACID_REC_K8S };

enum acid_rec_op { REC_START, REC_STOP, REC_EXEC, REC_NS };

struct acid_rec {
	bool start;
	enum acid_rec_op op;
	/* op=exec (a link) and resrc=ns: the process it is about */
	uint32_t task_pid;
	/* trigger=SEC.MSEC:SERIAL (node: the record's), text as written */
	bool has_trigger;
	struct skey trigger;
	char trigger_text[48];
	char uuid[ACID_ID_STRLEN];
	char parent[ACID_ID_STRLEN];
	char reason[ACID_REASON_MAX + 1];
	char *name;
	char *bundle;
	/* Kubernetes metadata, decoded; NULL: none (ACID_REC_K8S_* order) */
	char *k8s[ACID_REC_K8S];
	bool has_vm_pid;
	uint32_t vm_pid;
	uint32_t ses_tag;
};

int parse_acid(struct acid_attr *a, const char *line, size_t len,
	       bool resource, struct acid_rec *r, char *why, size_t whylen);
bool parse_trigger(const char *s, struct skey *k);
void acid_rec_free(struct acid_rec *r);
bool id_field(const char *v, char *out);
bool type_is_num(const struct hdr *h, const char *name, int num);
bool kernel_field(const struct hdr *h, const char *name, uint64_t max,
		  uint64_t *v);
bool contid_uuid(uint64_t v, char *out);

/* -------------------------------------------------------- attribute.c */

/*
 * One record through the rules; returns 0 or a->err. *@rec: it is a
 * record (with stamp *@k), not a line skipped.
 */
int attribute_line(struct acid_attr *a, const char *line, size_t len,
		   bool *rec, struct skey *k);
void ctr_free(struct ctr *c);

/* ----------------------------------------------------------- stream.c */

/* One line (no newline) through the rules and on to the events. */
int stream_record(struct acid_attr *a, const char *line, size_t len);

/*
 * The stamp @k selected for container @c (index): its lines held in the
 * backlog go to the events' assembly, or @line when none is held.
 */
void select_stamp_line(struct acid_attr *a, const struct skey *k, uint64_t c,
		       const char *line, size_t len);
static inline void select_stamp(struct acid_attr *a, const struct skey *k,
				uint64_t c)
{
	select_stamp_line(a, k, c, NULL, 0);
}

/* ------------------------------------------------------------- json.c */

/* The event as one line of JSON (ACID_ATTR_JSON). */
int write_json(const struct acid_attr_event *ev, FILE *out);

#endif
