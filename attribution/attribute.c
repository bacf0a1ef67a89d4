// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * attribute.c - the attribution engine: the rules of attribution.h, one
 * record at a time, in the order the records were written. Lifetimes
 * open and close at acid's records; the sets S of pids, the session tags
 * and the kernel's container IDs say which container an event is
 * charged to; claims are checked against who sent them.
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-types.h"
#include "internal.h"

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
static struct ctr *find_open(struct acid_attr *a, const char *uuid,
			     uint32_t node)
{
	size_t n;

	if (hmap_all(&a->uuids, uuid_key(uuid, node), &a->tmp2, &n,
		     &a->captmp2) < 0) {
		a->err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctr *c = a->ctr[a->tmp2[i]];

		if (c->open && c->node == node &&
		    strcmp(c->pub.uuid, uuid) == 0)
			return c;
	}
	return NULL;
}

/* The most recent run with @uuid on @node, open or not. */
static struct ctr *find_last(struct acid_attr *a, const char *uuid,
			     uint32_t node)
{
	struct ctr *best = NULL;
	size_t n;

	if (hmap_all(&a->uuids, uuid_key(uuid, node), &a->tmp2, &n,
		     &a->captmp2) < 0) {
		a->err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctr *c = a->ctr[a->tmp2[i]];

		/* a displaced claim is no run a later record belongs to */
		if (c->node == node && strcmp(c->pub.uuid, uuid) == 0 &&
		    c->pub.end != ACID_ATTR_END_DISPLACED &&
		    (!best || best->idx < c->idx))
			best = c;
	}
	return best;
}

/* Is @anc @c itself, or a container that holds it (parent-uuid links)? */
static bool holds(struct acid_attr *a, const struct ctr *anc, struct ctr *c)
{
	for (int depth = 0; c && depth < 32; depth++) {
		if (c == anc)
			return true;
		if (!c->pub.parent[0])
			return false;
		c = find_open(a, c->pub.parent, c->node);
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
static bool sender_inside(struct acid_attr *a, uint32_t node, uint32_t sender,
			  const char *parent)
{
	struct ctr *p = parent && *parent ? find_open(a, parent, node) : NULL;
	size_t n;

	if (hmap_all(&a->pids, nkey(node, sender), &a->tmp, &n,
		     &a->captmp) < 0) {
		a->err = -ENOMEM;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctr *c = a->ctr[a->tmp[i]];

		if (c->start_inside)
			continue;
		if (!p || !holds(a, c, p))
			return true;
	}
	return false;
}

static int add_pid(struct acid_attr *a, struct ctr *c, uint64_t idx,
		   uint32_t pid)
{
	if (hmap_has(&a->pids, nkey(c->node, pid), idx))
		return 0;
	if (hmap_add(&a->pids, nkey(c->node, pid), idx) < 0 ||
	    grow(&c->pids, &c->cappids, c->npids + 1, sizeof(*c->pids)) < 0)
		return -ENOMEM;
	c->pids[c->npids++] = pid;
	return 0;
}

/*
 * A root of S whose parent may be outside: a process seeded from /proc
 * (acid_attr_seed_pid) or joined by a link.
 */
static bool is_anchor(const struct acid_attr *a, const struct ctr *c,
		      uint32_t pid)
{
	return hmap_has(&a->anchors, nkey(c->node, pid), c->idx);
}

static int add_anchor(struct acid_attr *a, struct ctr *c, uint32_t pid)
{
	if (is_anchor(a, c, pid))
		return 0;
	if (grow(&c->anchors, &c->capanchors, c->nanchors + 1,
		 sizeof(*c->anchors)) < 0 ||
	    hmap_add(&a->anchors, nkey(c->node, pid), c->idx) < 0)
		return -ENOMEM;
	c->anchors[c->nanchors++] = pid;
	return 0;
}

/* A process that joined @c, or a descendant of one: counted by S. */
static int add_linked(struct acid_attr *a, struct ctr *c, uint32_t pid)
{
	if (hmap_has(&a->linked, nkey(c->node, pid), c->idx))
		return 0;
	return hmap_add(&a->linked, nkey(c->node, pid), c->idx);
}

/* Is @ppid the parent a clone with CLONE_PARENT gave @pid in @c? */
static bool is_foster(const struct acid_attr *a, const struct ctr *c,
		      uint32_t pid, uint32_t ppid)
{
	return hmap_has(&a->foster, nkey(c->node, pid),
			c->idx << 32 | ppid);
}

/* The end of a lifetime: S and the session are let go. */
static void close_ctr(struct acid_attr *a, struct ctr *c)
{
	uint64_t idx = c->idx;

	for (size_t i = 0; i < c->npids; i++) {
		hmap_del(&a->pids, nkey(c->node, c->pids[i]), idx);
		hmap_del(&a->linked, nkey(c->node, c->pids[i]), idx);
	}
	free(c->pids);
	c->pids = NULL;
	c->npids = c->cappids = 0;
	for (size_t i = 0; i < c->nanchors; i++)
		hmap_del(&a->anchors, nkey(c->node, c->anchors[i]), idx);
	free(c->anchors);
	c->anchors = NULL;
	c->nanchors = c->capanchors = 0;
	for (size_t i = 0; i < c->nfosters; i++)
		hmap_del(&a->foster, nkey(c->node, c->fosters[i].pid),
			 idx << 32 | c->fosters[i].ppid);
	free(c->fosters);
	c->fosters = NULL;
	c->nfosters = c->capfosters = 0;
	for (size_t i = 0; i < c->nsestags; i++)
		hmap_del(&a->ses, nkey(c->node, c->sestags[i]), idx);
	free(c->sestags);
	c->sestags = NULL;
	c->nsestags = c->capsestags = 0;
	if (c->pub.ses_tag)
		hmap_del(&a->ses, nkey(c->node, c->pub.ses_tag), idx);
	c->open = false;
}

/* What happened to @c, to the container callback. */
static void tell(struct acid_attr *a, struct ctr *c,
		 enum acid_attr_ctr_change what)
{
	if (a->on_ctr && !a->err)
		a->on_ctr(&c->pub, what, a->on_ctr_arg);
}

static struct ctr *new_ctr(struct acid_attr *a, const struct acid_rec *r,
			   uint32_t node)
{
	struct ctr *c;

	if (grow(&a->ctr, &a->capctr, a->nctr + 1, sizeof(*a->ctr)) < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->node = node;
	c->pub.node = node_name(a, node);
	c->idx = a->nctr;
	strcpy(c->pub.uuid, r->uuid);
	strcpy(c->pub.parent, r->parent);
	strcpy(c->pub.reason, "");
	c->pub.name = strdup(r->name);
	c->pub.bundle = r->bundle ? strdup(r->bundle) : NULL;
	c->pub.vm_pid = (pid_t)r->vm_pid;
	c->pub.file = a->file;
	c->pub.line = a->lineno;
	{
		char **k8s[ACID_REC_K8S] = {
			[ACID_REC_K8S_POD] = &c->pub.k8s_pod,
			[ACID_REC_K8S_NAMESPACE] = &c->pub.k8s_namespace,
			[ACID_REC_K8S_POD_UID] = &c->pub.k8s_pod_uid,
			[ACID_REC_K8S_CONTAINER] = &c->pub.k8s_container,
			[ACID_REC_IMAGE] = &c->pub.image,
		};
		bool lost = false;

		for (int k = 0; k < ACID_REC_K8S; k++)
			if (r->k8s[k] && *r->k8s[k] &&
			    !(*k8s[k] = strdup(r->k8s[k])))
				lost = true;
		if (lost || !c->pub.name || (r->bundle && !c->pub.bundle) ||
		    hmap_add(&a->uuids, uuid_key(r->uuid, node), a->nctr) < 0) {
			ctr_free(c);
			return NULL;
		}
	}
	a->ctr[a->nctr++] = c;
	return c;
}

static void select_ctr(struct acid_attr *a, struct ctr *c)
{
	c->selected = a->select && a->select(&c->pub, a->select_arg);
}

/* An event @c is charged with: counted once, kept if selected. */
static void charge(struct acid_attr *a, struct ctr *c, const struct skey *k)
{
	for (unsigned int i = 0; i < RECENT && i < c->nrecent; i++)
		if (skey_eq(&c->recent[i], k))
			return;
	c->recent[c->nrecent++ % RECENT] = *k;
	c->pub.events++;
	if (c->selected)
		select_stamp(a, k, c->idx);
}

/*
 * A record of a run that does not change its lifetime: listed with the
 * run's own records, and the run flagged when @forged.
 */
static struct ctr *keep_run(struct acid_attr *a, struct ctr *c,
			    const struct hdr *h, bool forged)
{
	if (forged)
		c->pub.forged = true;
	if (c->selected)
		select_stamp(a, &h->k, c->idx);
	return c;
}

/* The key of a kernel container ID on @node in a->kset. */
static inline uint64_t kkey(uint32_t node, uint64_t contid)
{
	return mix(contid) ^ node;
}

/* The kernel's latest set record of @contid on @node, or NULL. */
static struct kop *kop_find(struct acid_attr *a, uint64_t contid,
			    uint32_t node)
{
	size_t n;

	if (hmap_all(&a->kset, kkey(node, contid), &a->tmp2, &n,
		     &a->captmp2) < 0) {
		a->err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct kop *o = &a->kops[a->tmp2[i]];

		if (o->contid == contid && o->k.node == node)
			return o;
	}
	return NULL;
}

/*
 * Did the kernel log the setting of @uuid (a u64 ID) on @node? Its set
 * record is then listed with the run's own records.
 */
static bool kernel_set(struct acid_attr *a, const char *uuid, uint32_t node,
		       const struct kop **set)
{
	struct acid_id id;
	struct kop *o;
	uint64_t v;

	if (acid_id_parse(uuid, &id) < 0 || acid_id_to_u64(&id, &v) < 0)
		return false;
	o = kop_find(a, v, node);
	if (!o)
		return false;
	*set = o;
	/* one set record, one run: a later run of the ID needs its own */
	hmap_del(&a->kset, kkey(node, v), (uint64_t)(o - a->kops));
	return true;
}

/*
 * @pid on @node ran a syscall the kernel did not stamp with a container
 * ID: it is in no kernel-attributed container now (a pid such a
 * container used, since reused outside it), so it leaves their sets.
 */
static void kernel_leave(struct acid_attr *a, uint32_t node, uint32_t pid)
{
	size_t n;

	if (hmap_all(&a->pids, nkey(node, pid), &a->tmp, &n,
		     &a->captmp) < 0) {
		a->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (a->ctr[a->tmp[i]]->kernel)
			hmap_del(&a->pids, nkey(node, pid), a->tmp[i]);
}

static void kev_judge(struct acid_attr *a, struct kev *e)
{
	if (!e->open)
		return;
	e->open = false;
	if (!e->seen)
		kernel_leave(a, e->k.node, e->pid);
}

/*
 * A record of @pid with stamp @k: the events of @pid before it are
 * complete (a process is in one syscall at a time), so whether the
 * kernel stamped them is known. A SYSCALL record then opens its own.
 */
static void kev_record(struct acid_attr *a, const struct skey *k,
		       uint32_t pid, bool syscall)
{
	struct kev *e;

	for (unsigned int i = 0; i < RECENT; i++) {
		e = &a->kring[i];
		if (e->open && e->pid == pid && e->k.node == k->node &&
		    !skey_eq(&e->k, k))
			kev_judge(a, e);
	}
	if (!syscall)
		return;
	e = &a->kring[a->nkring++ % RECENT];
	kev_judge(a, e); /* the oldest: complete long ago */
	*e = (struct kev){ .k = *k, .pid = pid, .open = true };
}

/* The open SYSCALL event of stamp @k, or NULL. */
static struct kev *kev_find(struct acid_attr *a, const struct skey *k)
{
	for (unsigned int i = 0; i < RECENT; i++)
		if (a->kring[i].open && skey_eq(&a->kring[i].k, k))
			return &a->kring[i];
	return NULL;
}

/*
 * A new claim of @r->uuid from start record @h: a container, not yet
 * open (no S, no session), selected or not.
 */
static struct ctr *new_claim(struct acid_attr *a, const struct hdr *h,
			     const struct subject *s, const struct acid_rec *r,
			     bool inside)
{
	struct ctr *c = new_ctr(a, r, h->k.node);

	if (!c) {
		a->err = -ENOMEM;
		return NULL;
	}
	c->pub.has_start = true;
	c->pub.start = (struct acid_attr_stamp){ h->k.sec, h->k.milli, h->k.serial };
	c->pub.sender = (pid_t)s->pid;
	c->pub.ses_tag = r->ses_tag;
	c->pub.forged = inside;
	c->start_inside = inside;
	select_ctr(a, c);
	if (c->selected)
		select_stamp(a, &h->k, c->idx);
	return c;
}

/*
 * A start record; returns the run (or displaced claim) it is the record
 * of. Two claims of one running ID: attribution.h says which is preferred.
 */
static struct ctr *on_start(struct acid_attr *a, const struct hdr *h,
			    const struct subject *s, const struct acid_rec *r)
{
	struct ctr *old = find_open(a, r->uuid, h->k.node), *c;
	bool inside = sender_inside(a, h->k.node, s->pid, r->parent);
	bool old_kernel = false, set_now, impossible = false;
	char q[128], q2[128];
	const struct kop *set = NULL;
	uint64_t idx;

	/*
	 * libacid refuses to register the caller or one of its ancestors
	 * (EXDEV), and pid 1 is everyone's: such a claim is not acid's, and
	 * its S (all of pid 1's descendants) must not make the host's
	 * records "inside".
	 */
	if (r->vm_pid == 1 || r->vm_pid == s->pid) {
		warn_at(a, ACID_ATTR_WARN_FORGED, false, r->uuid, r->name,
			"start record (serial %" PRIu64 ") for "
			"container %s names vm-pid %u, %s: not acid's "
			"(forged?)", h->k.serial, r->uuid, r->vm_pid,
			r->vm_pid == 1 ? "the host's init"
				       : "its own sender");
		inside = true;
		impossible = true;
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
			return keep_run(a, old, h, inside);
		old->pub.conflict = true;
		if (!old->start_inside || inside) {
			/* the run goes on; this claim never is one */
			warn_at(a, ACID_ATTR_WARN_CONFLICT, false, r->uuid,
				r->name, "start record (serial %" PRIu64
				") for container %s while it runs, naming "
				"\"%s\" vm-pid %u, sent by pid %u %s (its "
				"start at %s:%lu: \"%s\" vm-pid %d): conflict, "
				"the run goes on", h->k.serial, r->uuid,
				acid_attr_escape(r->name, q, sizeof(q)), r->vm_pid,
				s->pid, inside ? "inside a container"
					       : "outside any container",
				old->pub.file, old->pub.line,
				acid_attr_escape(old->pub.name, q2, sizeof(q2)),
				(int)old->pub.vm_pid);
			c = new_claim(a, h, s, r, inside);
			if (!c)
				return NULL;
			c->pub.conflict = true;
			c->pub.end = ACID_ATTR_END_DISPLACED;
			c->pub.stop = c->pub.start;
			/* listed with the run it claimed to be, too */
			keep_run(a, old, h, false);
			tell(a, c, ACID_ATTR_CTR_START);
			tell(a, c, ACID_ATTR_CTR_END);
			return c;
		}
		/*
		 * Sent from outside any container, against a claim sent
		 * from inside one: this is the run; the other ends here.
		 */
		warn_at(a, ACID_ATTR_WARN_CONFLICT, false, r->uuid, r->name,
			"start record (serial %" PRIu64 ") for "
			"container %s, sent by pid %u outside any container, "
			"displaces the claim sent from inside a container at "
			"%s:%lu (\"%s\" vm-pid %d): conflict",
			h->k.serial, r->uuid, s->pid, old->pub.file,
			old->pub.line, acid_attr_escape(old->pub.name, q, sizeof(q)),
			(int)old->pub.vm_pid);
		close_ctr(a, old);
		old->pub.end = ACID_ATTR_END_DISPLACED;
		old->pub.stop =
			(struct acid_attr_stamp){ h->k.sec, h->k.milli, h->k.serial };
		old_kernel = old->kernel;
		keep_run(a, old, h, false);
		tell(a, old, ACID_ATTR_CTR_END);
	}
	c = new_claim(a, h, s, r, inside);
	if (!c)
		return NULL;
	idx = c->idx;
	c->open = true;
	c->pub.conflict = old != NULL;
	/* a set record the displaced claim took was this ID's */
	set_now = kernel_set(a, r->uuid, c->node, &set);
	c->kernel = set_now || old_kernel;
	/*
	 * A claim no acid could have sent is listed (forged?) but given no
	 * process set and no session: otherwise every descendant of the
	 * host's init, or of the forger, would be taken for its container's.
	 */
	if (!impossible &&
	    (add_pid(a, c, idx, r->vm_pid) < 0 ||
	     (r->ses_tag && !c->kernel &&
	      hmap_add(&a->ses, nkey(c->node, r->ses_tag), idx) < 0)))
		a->err = -ENOMEM;
	if (c->selected && set_now)
		select_stamp_line(a, &set->k, idx, set->line, set->len);
	tell(a, c, ACID_ATTR_CTR_START);
	return c;
}

/* A stop record; returns the run it is the record of (NULL: no memory). */
static struct ctr *on_stop(struct acid_attr *a, const struct hdr *h,
			   const struct subject *s, const struct acid_rec *r)
{
	struct ctr *c = find_open(a, r->uuid, h->k.node);
	char q[128];

	if (!c) {
		struct ctr *last = find_last(a, r->uuid, h->k.node);

		if (last && last->pub.end == ACID_ATTR_END_STOP) {
			warn_at(a, ACID_ATTR_WARN_SECOND_STOP, true, r->uuid,
				last->pub.name, "second stop record for container "
				"%s (\"%s\"), first at serial %" PRIu64
				": skipped", r->uuid,
				acid_attr_escape(last->pub.name, q, sizeof(q)),
				last->pub.stop.serial);
			return last;
		}
		/* its start is in a log rotated away: it ends here */
		c = new_ctr(a, r, h->k.node);
		if (!c) {
			a->err = -ENOMEM;
			return NULL;
		}
		c->pub.forged = sender_inside(a, h->k.node, s->pid, NULL);
		select_ctr(a, c);
	} else {
		/*
		 * A process inside a container would hide what a container
		 * does after it from here on: its stop does not count.
		 */
		if (sender_inside(a, h->k.node, s->pid, c->pub.parent)) {
			warn_at(a, ACID_ATTR_WARN_FORGED, false, r->uuid,
				c->pub.name, "stop record (serial %" PRIu64
				") for container %s (\"%s\") sent by pid %u "
				"inside a container: the run goes on (forged?)",
				h->k.serial, r->uuid,
				acid_attr_escape(c->pub.name, q, sizeof(q)), s->pid);
			return keep_run(a, c, h, true);
		}
		if (r->has_vm_pid && (pid_t)r->vm_pid != c->pub.vm_pid)
			warn_at(a, ACID_ATTR_WARN_MISMATCH, false, r->uuid,
				c->pub.name, "stop record for container %s "
				"names vm-pid %u, its start record %d",
				r->uuid, r->vm_pid, (int)c->pub.vm_pid);
		close_ctr(a, c);
	}
	c->pub.end = ACID_ATTR_END_STOP;
	c->pub.stop = (struct acid_attr_stamp){ h->k.sec, h->k.milli, h->k.serial };
	strcpy(c->pub.reason, r->reason);
	if (c->selected)
		select_stamp(a, &h->k, c->idx);
	tell(a, c, ACID_ATTR_CTR_END);
	return c;
}

static void add_match(struct acid_attr *a, uint64_t idx)
{
	for (size_t i = 0; i < a->nmatch; i++)
		if (a->match[i] == idx)
			return;
	if (grow(&a->match, &a->capmatch, a->nmatch + 1,
		 sizeof(*a->match)) < 0) {
		a->err = -ENOMEM;
		return;
	}
	a->match[a->nmatch++] = idx;
}

/*
 * The rules of attribution.h for one record. @self is the container the
 * record is a lifecycle record of (not charged with it), or NULL.
 */
static void attribute(struct acid_attr *a, const struct hdr *h,
		      const struct subject *s, const struct ctr *self)
{
	uint32_t node = h->k.node;
	size_t n;

	a->nmatch = 0;
	if (s->has_pid) {
		if (hmap_all(&a->pids, nkey(node, s->pid), &a->tmp, &n,
			     &a->captmp) < 0)
			goto nomem;
		for (size_t i = 0; i < n; i++) {
			uint64_t idx = a->tmp[i];
			struct ctr *c = a->ctr[idx];

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
			    !is_anchor(a, c, s->pid) &&
			    !is_foster(a, c, s->pid, s->ppid) &&
			    !hmap_has(&a->pids, nkey(node, s->ppid), idx)) {
				hmap_del(&a->pids, nkey(node, s->pid), idx);
				hmap_del(&a->linked, nkey(node, s->pid), idx);
				continue;
			}
			/*
			 * By session, the session decides; a process that
			 * joined from outside (a link) is not in it.
			 */
			if (!c->pub.ses_tag ||
			    hmap_has(&a->linked, nkey(node, s->pid), idx))
				add_match(a, idx);
		}
	}
	if (s->has_pid && s->has_ppid) {
		if (hmap_all(&a->pids, nkey(node, s->ppid), &a->tmp, &n,
			     &a->captmp) < 0)
			goto nomem;
		for (size_t i = 0; i < n; i++) {
			uint64_t idx = a->tmp[i];
			struct ctr *c = a->ctr[idx];

			if (c->kernel)
				continue;
			if (add_pid(a, c, idx, s->pid) < 0)
				goto nomem;
			if (hmap_has(&a->linked, nkey(node, s->ppid), idx) &&
			    add_linked(a, c, s->pid) < 0)
				goto nomem;
			if (!c->pub.ses_tag ||
			    hmap_has(&a->linked, nkey(node, s->pid), idx))
				add_match(a, idx);
		}
	}
	if (s->has_ses && s->ses != SES_UNSET) {
		if (hmap_all(&a->ses, nkey(node, s->ses), &a->tmp, &n,
			     &a->captmp) < 0)
			goto nomem;
		for (size_t i = 0; i < n; i++)
			add_match(a, a->tmp[i]);
	}
	for (size_t i = 0; i < a->nmatch; i++) {
		struct ctr *c = a->ctr[a->match[i]];

		if (c != self)
			charge(a, c, &h->k);
	}
	return;
nomem:
	a->err = -ENOMEM;
}

/*
 * The kernel's own records. CONTAINER_OP op=set res=1: the kernel holds
 * that ID from now on (its acid start record comes next). CONTAINER_ID:
 * the event is that container's, whatever its ancestry says; the pid of
 * the event's SYSCALL record joins the container's S, so that an acid
 * record it sends is seen to come from inside.
 */
static void on_kernel_record(struct acid_attr *a, const struct hdr *h,
			     bool op, const char *line, size_t len)
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
		c = find_open(a, uuid, h->k.node);
		if (c) {
			if (c->kernel && c->selected)
				select_stamp(a, &h->k, c->idx);
			return;
		}
		o = kop_find(a, contid, h->k.node);
		if (!o) {
			if (grow(&a->kops, &a->capkops, a->nkops + 1,
				 sizeof(*a->kops)) < 0 ||
			    hmap_add(&a->kset, kkey(h->k.node, contid),
				     a->nkops) < 0) {
				a->err = -ENOMEM;
				return;
			}
			o = &a->kops[a->nkops++];
			*o = (struct kop){ 0 };
		}
		free(o->line);
		o->line = strndup(line, len);
		if (!o->line) {
			a->err = -ENOMEM;
			return;
		}
		o->len = len;
		o->contid = contid;
		o->k = h->k;
		return;
	}
	c = find_open(a, uuid, h->k.node);
	if (!c)
		c = find_last(a, uuid, h->k.node);
	if (!c)
		return; /* not a container acid registered */
	if (op) {
		/* the drop: the kernel's record of the run, not an event */
		if (c->kernel && c->selected)
			select_stamp(a, &h->k, c->idx);
		return;
	}
	if (!c->kernel && c->open) {
		/* its set record was in a log rotated away */
		c->kernel = true;
		if (c->pub.ses_tag)
			hmap_del(&a->ses, nkey(c->node, c->pub.ses_tag),
				 c->idx);
	}
	ev = kev_find(a, &h->k);
	if (ev) {
		ev->seen = true;
		if (c->open && add_pid(a, c, c->idx, ev->pid) < 0) {
			a->err = -ENOMEM;
			return;
		}
	}
	charge(a, c, &h->k);
}

/* ------------------------------------------------------------ links */

/* @pid joined the open run @c: a root of S, counted by S. */
static int link_pid(struct acid_attr *a, struct ctr *c, uint32_t pid)
{
	if (c->kernel)
		return 0; /* the kernel's records say which are its own */
	if (add_anchor(a, c, pid) < 0 || add_pid(a, c, c->idx, pid) < 0 ||
	    add_linked(a, c, pid) < 0)
		return a->err = -ENOMEM;
	return 0;
}

/* A session a link made the run's (reason=session), until its stop. */
static int link_ses(struct acid_attr *a, struct ctr *c, uint32_t ses)
{
	if (c->kernel || ses == c->pub.ses_tag)
		return 0;
	for (size_t i = 0; i < c->nsestags; i++)
		if (c->sestags[i] == ses)
			return 0;
	if (grow(&c->sestags, &c->capsestags, c->nsestags + 1,
		 sizeof(*c->sestags)) < 0 ||
	    hmap_add(&a->ses, nkey(c->node, ses), c->idx) < 0)
		return a->err = -ENOMEM;
	c->sestags[c->nsestags++] = ses;
	return 0;
}

static uint64_t stamp_key(const struct skey *k)
{
	return mix((uint64_t)k->sec * 1000 + k->milli) ^ mix(k->serial) ^
	       k->node;
}

/* The waiting links of the event @k: applied, no longer waiting. */
static void apply_pending(struct acid_attr *a, const struct skey *k)
{
	size_t n;

	if (hmap_all(&a->pend, stamp_key(k), &a->tmp2, &n, &a->captmp2) < 0) {
		a->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t ix = a->tmp2[i];
		struct plink *l = &a->plinks[ix];
		struct ctr *c;

		if (!l->used || !skey_eq(&l->k, k))
			continue;
		hmap_del(&a->pend, stamp_key(k), ix);
		l->used = false;
		a->npending--;
		/* hmap_all's array is tmp2, which find_open uses too */
		c = find_open(a, l->uuid, k->node);
		if (c && link_pid(a, c, l->pid) < 0)
			return;
		if (hmap_all(&a->pend, stamp_key(k), &a->tmp2, &n,
			     &a->captmp2) < 0) {
			a->err = -ENOMEM;
			return;
		}
		i = (size_t)-1; /* again: the list changed */
	}
}

/* A waiting link the link record itself now applies, no longer waiting. */
static void drop_pending(struct acid_attr *a, const struct skey *k,
			 const char *uuid, uint32_t pid)
{
	size_t n;

	if (!a->npending ||
	    hmap_all(&a->pend, stamp_key(k), &a->tmp2, &n, &a->captmp2) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct plink *l = &a->plinks[a->tmp2[i]];

		if (l->used && skey_eq(&l->k, k) && l->pid == pid &&
		    strcmp(l->uuid, uuid) == 0) {
			hmap_del(&a->pend, stamp_key(k), a->tmp2[i]);
			l->used = false;
			a->npending--;
			return;
		}
	}
}

API void acid_attr_set_link(struct acid_attr *a, acid_attr_link_fn fn,
			    void *arg)
{
	a->on_link = fn;
	a->on_link_arg = arg;
}

API int acid_attr_link(struct acid_attr *a, const char *node,
		       const char *uuid, pid_t pid, const char *trigger)
{
	char id[ACID_ID_STRLEN];
	struct skey k = { 0 };
	struct plink *l;
	uint32_t n = 0;
	size_t ix;

	if (!a || !uuid || !id_field(uuid, id) || pid <= 1 ||
	    (uint32_t)pid > PID_MAX_LIMIT ||
	    (trigger && !parse_trigger(trigger, &k)))
		return -EINVAL;
	if (a->err)
		return a->err;
	if (node && *node) {
		/* a node no record named yet may come: it gets its number */
		n = node_id(a, node, strlen(node), trigger != NULL);
		if (!n)
			return a->err ? a->err : -ENOENT;
	}
	if (!trigger) {
		struct ctr *c = find_open(a, id, n);

		if (!c)
			return a->err ? a->err : -ENOENT;
		return link_pid(a, c, (uint32_t)pid);
	}
	k.node = n;
	if (a->npending >= ACID_ATTR_MAX_LINKS)
		return -ENOSPC;
	/* the array never holds more than the limit: then a free slot */
	if (!a->npending)
		a->nplinks = 0;
	if (a->nplinks < ACID_ATTR_MAX_LINKS) {
		if (grow(&a->plinks, &a->capplinks, a->nplinks + 1,
			 sizeof(*a->plinks)) < 0)
			return -ENOMEM;
		ix = a->nplinks++;
	} else {
		for (ix = 0; a->plinks[ix].used; ix++)
			;
	}
	if (hmap_add(&a->pend, stamp_key(&k), ix) < 0)
		return -ENOMEM;
	l = &a->plinks[ix];
	*l = (struct plink){ .k = k, .pid = (uint32_t)pid, .used = true };
	strcpy(l->uuid, id);
	a->npending++;
	return 0;
}

/*
 * A link record (op=exec): @r->task_pid joined the run it names, from
 * this record on (or from its trigger event, when acid_attr_link was
 * given it first); with reason=session its session is the run's. Sent
 * from inside a container it is not acid's: the run is flagged and
 * nothing changes. Returns the run it is listed with, or NULL.
 */
static struct ctr *on_link(struct acid_attr *a, const struct hdr *h,
			   const struct subject *s, const struct acid_rec *r)
{
	struct ctr *c = find_open(a, r->uuid, h->k.node);
	bool forged;
	char q[128];

	if (!c) {
		struct ctr *last = find_last(a, r->uuid, h->k.node);

		warn_at(a, ACID_ATTR_WARN_LINK, false, r->uuid,
			last ? last->pub.name : r->name,
			"link record (serial %" PRIu64 ", op=exec reason=%s "
			"task-pid=%u) for container %s, which is not "
			"running%s: ignored", h->k.serial, r->reason,
			r->task_pid, r->uuid,
			h->node ? " on this node" : "");
		if (last)
			last->pub.forged |= sender_inside(a, h->k.node, s->pid,
							  NULL);
		if (a->on_link) {
			struct acid_attr_link_info li = {
				.size = sizeof(li), .uuid = r->uuid,
				.name = r->name,
				.node = node_name(a, h->k.node),
				.reason = r->reason,
				.task_pid = (pid_t)r->task_pid,
				.ses_tag = r->ses_tag,
				.trigger = r->trigger_text,
				.sender = (pid_t)s->pid,
			};

			a->on_link(&li, a->on_link_arg);
		}
		return last ? keep_run(a, last, h, false) : NULL;
	}
	forged = sender_inside(a, h->k.node, s->pid, c->pub.parent);
	if (forged)
		warn_at(a, ACID_ATTR_WARN_FORGED, false, r->uuid, c->pub.name,
			"link record (serial %" PRIu64 ") for container %s "
			"(\"%s\") sent by pid %u inside a container: not "
			"applied (forged?)", h->k.serial, r->uuid,
			acid_attr_escape(c->pub.name, q, sizeof(q)), s->pid);
	if (a->on_link) {
		struct acid_attr_link_info li = {
			.size = sizeof(li), .uuid = r->uuid,
			.name = c->pub.name, .node = c->pub.node,
			.reason = r->reason, .task_pid = (pid_t)r->task_pid,
			.ses_tag = r->ses_tag, .trigger = r->trigger_text,
			.sender = (pid_t)s->pid, .forged = forged,
			.applied = !forged,
		};

		a->on_link(&li, a->on_link_arg);
	}
	if (!forged) {
		struct skey tk = r->trigger;

		tk.node = h->k.node;
		if (r->has_trigger)
			drop_pending(a, &tk, r->uuid, r->task_pid);
		if (link_pid(a, c, r->task_pid) < 0 ||
		    (r->ses_tag && strcmp(r->reason, "session") == 0 &&
		     link_ses(a, c, r->ses_tag) < 0))
			return NULL;
	}
	return keep_run(a, c, h, forged);
}

/*
 * A namespace change (VIRT_RESOURCE resrc=ns): an event of the run it
 * names (counted), unless sent from inside a container (forged?).
 */
static struct ctr *on_ns(struct acid_attr *a, const struct hdr *h,
			 const struct subject *s, const struct acid_rec *r)
{
	struct ctr *c = find_open(a, r->uuid, h->k.node);
	char q[128];

	if (!c) {
		warn_at(a, ACID_ATTR_WARN_LINK, false, r->uuid, r->name,
			"namespace change record (serial %" PRIu64 ", "
			"reason=%s task-pid=%u) for container %s, which is "
			"not running%s: ignored", h->k.serial, r->reason,
			r->task_pid, r->uuid, h->node ? " on this node" : "");
		return NULL;
	}
	if (sender_inside(a, h->k.node, s->pid, c->pub.parent)) {
		warn_at(a, ACID_ATTR_WARN_FORGED, false, r->uuid, c->pub.name,
			"namespace change record (serial %" PRIu64 ") for "
			"container %s (\"%s\") sent by pid %u inside a "
			"container (forged?)", h->k.serial, r->uuid,
			acid_attr_escape(c->pub.name, q, sizeof(q)), s->pid);
		return keep_run(a, c, h, true);
	}
	charge(a, c, &h->k);
	return c;
}

static bool kfield_is(const struct hdr *h, const char *name, const char *v)
{
	const char *val;
	size_t len;

	return hdr_kfield(h, name, &val, &len) && len == strlen(v) &&
	       memcmp(val, v, len) == 0;
}

/* A hex field as auditd writes a0..a3 (no 0x). */
static bool kfield_hex(const struct hdr *h, const char *name, uint64_t *v)
{
	const char *val;
	size_t len;
	uint64_t x = 0;

	if (!hdr_kfield(h, name, &val, &len) || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = val[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

/*
 * clone(2) by number, for the architectures whose audit arch the kernel
 * writes (AUDIT_ARCH_*): x86_64 56, i386 120 (a 32-bit process on
 * x86_64 too), aarch64 220. Its first argument is the flags on each.
 */
static bool is_clone(const struct hdr *h)
{
	static const struct { uint64_t arch, nr; } tab[] = {
		{ 0xc000003eULL, 56 },	/* AUDIT_ARCH_X86_64 */
		{ 0x40000003ULL, 120 }, /* AUDIT_ARCH_I386 */
		{ 0xc00000b7ULL, 220 }, /* AUDIT_ARCH_AARCH64 */
	};
	uint64_t arch, nr;

	if (!kfield_hex(h, "arch", &arch) ||
	    !kernel_field(h, "syscall", 100000, &nr))
		return false;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].arch == arch && tab[i].nr == nr)
			return true;
	return false;
}

#define CLONE_PARENT_FLAG 0x00008000ULL

/*
 * A SYSCALL record of a clone with CLONE_PARENT that succeeded: the child
 * (its exit value) is the sibling of the caller, its parent the caller's
 * parent. When the caller is in S and its parent is not (a root: runc
 * exec's process that joined the container, its init next), the child's
 * records name a parent outside S: it joins S here, that parent known as
 * its own. Other clones, forks and clone3 need no rule - the child's own
 * records name its parent - and their exit value is a pid in the
 * caller's pid namespace: the container's, for its processes.
 */
static void on_clone(struct acid_attr *a, const struct hdr *h,
		     const struct subject *s)
{
	uint64_t flags, child;
	uint32_t node = h->k.node;
	size_t n;

	if (!s->has_pid || !s->has_ppid || !type_is(h, "SYSCALL") ||
	    !is_clone(h) || !kfield_is(h, "success", "yes") ||
	    !kernel_field(h, "exit", PID_MAX_LIMIT, &child) || child == 0 ||
	    !kfield_hex(h, "a0", &flags) || !(flags & CLONE_PARENT_FLAG))
		return;
	if (hmap_all(&a->pids, nkey(node, s->pid), &a->tmp, &n,
		     &a->captmp) < 0)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = a->tmp[i];
		struct ctr *c = a->ctr[idx];

		if (c->kernel || hmap_has(&a->pids, nkey(node, s->ppid), idx))
			continue;
		if (!is_foster(a, c, (uint32_t)child, s->ppid)) {
			if (grow(&c->fosters, &c->capfosters, c->nfosters + 1,
				 sizeof(*c->fosters)) < 0 ||
			    hmap_add(&a->foster, nkey(node, (uint32_t)child),
				     idx << 32 | s->ppid) < 0)
				goto nomem;
			c->fosters[c->nfosters++] = (struct foster){
				(uint32_t)child, s->ppid };
		}
		if (add_pid(a, c, idx, (uint32_t)child) < 0 ||
		    (hmap_has(&a->linked, nkey(node, s->pid), idx) &&
		     add_linked(a, c, (uint32_t)child) < 0))
			goto nomem;
	}
	return;
nomem:
	a->err = -ENOMEM;
}

int attribute_line(struct acid_attr *a, const char *line, size_t len,
		   bool *rec, struct skey *k)
{
	struct subject s = { 0 };
	struct ctr *self = NULL;
	struct hdr h;
	char q[160];

	*rec = false;
	if (!len)
		return 0;
	if (len > ACID_ATTR_MAX_LINE) {
		warn_at(a, ACID_ATTR_WARN_NOT_RECORD, true, NULL, NULL,
			"line of %zu bytes, more than any audit "
			"record: skipped", len);
		return 0;
	}
	if (memchr(line, 0, len)) {
		warn_at(a, ACID_ATTR_WARN_NOT_RECORD, true, NULL, NULL,
			"NUL byte in a record: skipped \"%s\"",
			excerpt(line, len, q, sizeof(q)));
		return 0;
	}
	if (!parse_header(line, len, &h)) {
		warn_at(a, ACID_ATTR_WARN_NOT_RECORD, true, NULL, NULL,
			"not an audit record (no \"type=... "
			"msg=audit(...):\"): skipped \"%s\"",
			excerpt(line, len, q, sizeof(q)));
		return 0;
	}
	if (h.node) {
		h.k.node = node_id(a, h.node, h.node_len, true);
		if (!h.k.node)
			return a->err;
	}
	*rec = true;
	*k = h.k;
	/* links waiting for this event: their process is in from here */
	if (a->npending) {
		apply_pending(a, &h.k);
		if (a->err)
			return a->err;
	}
	if (type_is_num(&h, "CONTAINER_ID", ACID_AUDIT_CONTAINER_ID)) {
		on_kernel_record(a, &h, false, line, len);
		return a->err;
	}
	if (type_is_num(&h, "CONTAINER_OP", ACID_AUDIT_CONTAINER_OP))
		on_kernel_record(a, &h, true, line, len);
	if (!no_subject(&h)) {
		if (a->reference)
			auparse_subject(a, line, &h, &s);
		else
			scan_subject(&h, &s);
	}
	if (s.has_pid)
		kev_record(a, &h.k, s.pid, type_is(&h, "SYSCALL"));
	if (type_is(&h, "VIRT_CONTROL") || type_is(&h, "VIRT_RESOURCE")) {
		struct acid_rec r;
		char why[200];
		int k = parse_acid(a, line, len, type_is(&h, "VIRT_RESOURCE"),
				   &r, why, sizeof(why));

		if (k == 1 && !s.has_pid) {
			snprintf(why, sizeof(why), "no sender pid");
			acid_rec_free(&r);
			k = -1;
		}
		if (k < 0)
			warn_at(a, ACID_ATTR_WARN_INVALID, true,
				r.uuid[0] ? r.uuid : NULL, NULL,
				"acid record (serial %" PRIu64 ") skipped: %s",
				h.k.serial, why);
		if (k == 1) {
			switch (r.op) {
			case REC_START:
				self = on_start(a, &h, &s, &r);
				break;
			case REC_STOP:
				self = on_stop(a, &h, &s, &r);
				break;
			case REC_EXEC:
				self = on_link(a, &h, &s, &r);
				break;
			case REC_NS:
				self = on_ns(a, &h, &s, &r);
				break;
			}
			acid_rec_free(&r);
		}
	}
	attribute(a, &h, &s, self);
	on_clone(a, &h, &s);
	return a->err;
}


void ctr_free(struct ctr *c)
{
	free(c->pub.name);
	free(c->pub.bundle);
	free(c->pub.k8s_pod);
	free(c->pub.k8s_namespace);
	free(c->pub.k8s_pod_uid);
	free(c->pub.k8s_container);
	free(c->pub.image);
	free(c->pids);
	free(c->anchors);
	free(c->fosters);
	free(c->sestags);
	free(c);
}

/*
 * A container that runs since before the records: as if its start record
 * had been read, sent from outside any container (attribution.h).
 */
API int acid_attr_seed(struct acid_attr *a, const struct acid_attr_seed *s)
{
	struct acid_rec r = { .start = true };
	uint32_t node = 0;
	struct ctr *c;

	/* a caller's struct that ends at kernel has no Kubernetes fields */
	size_t base = offsetof(struct acid_attr_seed, kernel) +
		      sizeof(s->kernel);

	if (!s || s->size < base || !s->uuid || !id_field(s->uuid, r.uuid) ||
	    s->vm_pid <= 1 || (uint32_t)s->vm_pid > PID_MAX_LIMIT ||
	    s->ses_tag >= SES_UNSET ||
	    (s->parent && *s->parent && !id_field(s->parent, r.parent)))
		return -EINVAL;
	if (a->err)
		return a->err;
	if (s->node && *s->node) {
		node = node_id(a, s->node, strlen(s->node), true);
		if (!node)
			return a->err;
	}
	if (find_open(a, r.uuid, node))
		return -EEXIST;
	r.name = (char *)(s->name ? s->name : "");
	if (s->size >= sizeof(*s)) {
		/* new_ctr copies them; r is not freed */
		r.k8s[ACID_REC_K8S_POD] = (char *)s->k8s_pod;
		r.k8s[ACID_REC_K8S_NAMESPACE] = (char *)s->k8s_namespace;
		r.k8s[ACID_REC_K8S_POD_UID] = (char *)s->k8s_pod_uid;
		r.k8s[ACID_REC_K8S_CONTAINER] = (char *)s->k8s_container;
		r.k8s[ACID_REC_IMAGE] = (char *)s->image;
	}
	r.vm_pid = (uint32_t)s->vm_pid;
	r.ses_tag = s->ses_tag;
	c = new_ctr(a, &r, node);
	if (!c)
		return -ENOMEM;
	c->pub.file = NULL;
	c->pub.line = 0;
	c->pub.ses_tag = s->ses_tag;
	c->open = true;
	c->kernel = s->kernel;
	select_ctr(a, c);
	if (add_pid(a, c, c->idx, r.vm_pid) < 0 ||
	    (s->ses_tag && !c->kernel &&
	     hmap_add(&a->ses, nkey(node, s->ses_tag), c->idx) < 0))
		return a->err = -ENOMEM;
	tell(a, c, ACID_ATTR_CTR_START);
	return a->err;
}

API int acid_attr_seed_pid(struct acid_attr *a, const char *uuid,
			   const char *node, pid_t pid)
{
	char id[ACID_ID_STRLEN];
	uint32_t n = 0;
	struct ctr *c;

	if (!uuid || !id_field(uuid, id) || pid <= 1 ||
	    (uint32_t)pid > PID_MAX_LIMIT)
		return -EINVAL;
	if (a->err)
		return a->err;
	/* a node no record or seed named holds no run */
	if (node && *node &&
	    !(n = node_id(a, node, strlen(node), false)))
		return a->err ? a->err : -ENOENT;
	c = find_open(a, id, n);
	if (!c)
		return a->err ? a->err : -ENOENT;
	if (add_anchor(a, c, (uint32_t)pid) < 0)
		return -ENOMEM;
	return add_pid(a, c, c->idx, (uint32_t)pid);
}
