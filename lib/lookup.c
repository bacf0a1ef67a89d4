// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lookups: which registered container an ID, a name or a process belongs
 * to. Readers take no lock (the registry's writes are atomic renames).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* Keep @ns in @c unless another thread did first (see struct acid_ctx). */
static void host_keep(struct host_cache *c, const struct acid_ns_set *ns,
		      pid_t pid)
{
	int unknown = HOST_NS_UNKNOWN;

	if (__atomic_compare_exchange_n(&c->state, &unknown, HOST_NS_WRITING,
					false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED)) {
		c->ns = *ns;
		c->pid = pid;
		__atomic_store_n(&c->state, HOST_NS_KNOWN, __ATOMIC_RELEASE);
	}
}

/*
 * The host's namespaces: pid 1's, of the kinds a lookup compares (@all:
 * every kind, for acid_lookup_ns(); else its mount and pid namespaces,
 * all acid_lookup_pid() and a registration's nesting check compare: two
 * links read rather than ten). Where pid 1 is out of reach (a sandbox
 * whose init is in another user namespace) the caller's own stand in: a
 * namespace the caller shares is no container's either. Read once per
 * context and kind set (see struct acid_ctx), the set of every kind
 * serving both: pid 1 never changes its pid namespace nor leaves its
 * mount namespace; a caller standing in for it is taken as it was at the
 * first lookup that needed them (one that joins a container's mount
 * namespace later still finds that container's processes).
 */
static int host_ns(struct acid_ctx *ctx, bool all, struct acid_ns_set *host)
{
	unsigned int kinds = all ? ~0u : NS_LOOKUP_KINDS;
	pid_t self = getpid(), pid = 0;
	int r;

	for (int i = all ? 1 : 0; i < 2; i++) {
		const struct host_cache *c = &ctx->host[i];

		if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) ==
			    HOST_NS_KNOWN &&
		    (c->pid == 0 || c->pid == self)) {
			*host = c->ns;
			return 0;
		}
	}
	/* whether pid 1's links may be read is one check of the process,
	 * whatever the kind (ptrace_may_access): refused for one, refused
	 * for all */
	r = ns_collect_stable(ctx->proc_root, 1, kinds, host);
	if (r == -EACCES || r == -EPERM) {
		/* the caller standing in: every kind at once, kept for both
		 * sets, so that both are the caller's as of one moment */
		pid = self;
		r = ns_collect_stable(ctx->proc_root, self, ~0u, host);
	}
	if (r < 0)
		return r;
	if (pid == 0) {
		host_keep(&ctx->host[all ? 1 : 0], host, 0);
	} else {
		/* the caller standing in: both sets from one reading */
		host_keep(&ctx->host[0], host, pid);
		host_keep(&ctx->host[1], host, pid);
	}
	return 0;
}

/* A registered container that @ns shares a non-host namespace with. */
static int lookup_by_ns(struct acid_ctx *ctx, int dirfd,
			const struct acid_ns_set *ns, struct acid_entry **out)
{
	static const enum acid_ns_kind kinds[] = { ACID_NS_PID, ACID_NS_MNT };
	struct acid_ns_set host;
	struct acid_entry **list;
	size_t n;
	int r;

	r = host_ns(ctx, false, &host);
	if (r < 0)
		return r;
	/*
	 * Sharing the host's namespace says nothing; a process that shares
	 * both with the host belongs to no container, and the scan of the
	 * whole registry below is spared (most lookups are of such).
	 */
	bool own[sizeof(kinds) / sizeof(kinds[0])], any = false;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		own[k] = ns->ns[kinds[k]].present &&
			 !ns_same(ns, &host, kinds[k]);
		any |= own[k];
	}
	if (!any)
		return -ENOENT;
	r = registry_list(dirfd, &list, &n);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && r; k++) {
		if (!own[k])
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!ns_same(ns, &list[i]->ns, kinds[k]) ||
			    proc_alive(ctx->proc_root, list[i]->pid,
				       list[i]->starttime) != 1)
				continue;
			*out = list[i];
			list[i] = NULL;
			r = 0;
			break;
		}
	}
	acid_list_free(list, n);
	return r;
}

int lookup_pid_at(struct acid_ctx *ctx, int dirfd, pid_t pid,
		  struct acid_entry **out)
{
	struct acid_ns_set ns;
	pid_t cur = pid;
	int r;

	/* ancestry first: the nearest registered ancestor holds it */
	for (int depth = 0; cur > 0 && depth < 4096; depth++) {
		struct acid_entry *e;
		uint64_t start;
		pid_t parent;

		r = proc_stat(ctx->proc_root, cur, &parent, &start);
		if (r < 0) {
			if (cur == pid)
				return r;
			break;
		}
		r = registry_get_pid(dirfd, cur, &e);
		if (r == 0) {
			/* the same pid and start time: not a reused pid */
			if (e->starttime == start) {
				*out = e;
				return 0;
			}
			acid_entry_free(e);
		}
		cur = parent;
	}
	/* then namespaces: a process joined in with setns (runc exec) */
	r = ns_collect_kinds(ctx->proc_root, pid, NS_LOOKUP_KINDS, &ns);
	if (r < 0)
		return r;
	return lookup_by_ns(ctx, dirfd, &ns, out);
}

/*
 * How well process namespaces @ns place it in a container whose
 * namespaces are @c (@host the host's): 0 not in it, else how many of the
 * container's own kinds (those that are not the host's) it shares. A
 * container with its own mount or pid namespace holds the process when
 * both of those match (its pid namespace as the process's own or as the
 * one its children get: a joiner that called setns(CLONE_NEWPID) is still
 * in the host's); one that shares both with the host, when every other
 * kind of its own matches. A container with no kind of its own is the
 * host: nothing is placed in it.
 */
static int ns_score(const struct acid_ns_set *ns, const struct acid_ns_set *c,
		    const struct acid_ns_set *host)
{
	bool own_mnt = c->ns[ACID_NS_MNT].present &&
		       !ns_same(c, host, ACID_NS_MNT);
	bool own_pid = c->ns[ACID_NS_PID].present &&
		       !ns_same(c, host, ACID_NS_PID);
	int score = 0, own = 0;

	if (own_mnt && !ns_same(ns, c, ACID_NS_MNT))
		return 0;
	if (own_pid && !ns_same(ns, c, ACID_NS_PID)) {
		/* pid_for_children against the container's pid namespace */
		struct acid_ns_set child = { 0 };

		child.ns[ACID_NS_PID] = ns->ns[ACID_NS_PID_FOR_CHILDREN];
		if (!ns_same(&child, c, ACID_NS_PID))
			return 0;
	}
	for (int k = 0; k < ACID_NS_COUNT; k++) {
		/* the *_for_children kinds follow pid and time */
		if (k == ACID_NS_PID_FOR_CHILDREN ||
		    k == ACID_NS_TIME_FOR_CHILDREN || !c->ns[k].present ||
		    ns_same(c, host, (enum acid_ns_kind)k))
			continue;
		own++;
		if (ns_same(ns, c, (enum acid_ns_kind)k))
			score++;
		else if (!own_mnt && !own_pid)
			return 0;
	}
	if (own_mnt || own_pid)
		return score + 1; /* pid via pid_for_children counts too */
	return own ? score : 0;
}

int lookup_ns(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out)
{
	_cleanup_close_ int dirfd = -1;
	struct acid_ns_set ns, host;
	struct acid_entry **list;
	size_t n, best = 0;
	int r, best_score = 0;

	r = host_ns(ctx, true, &host);
	if (r < 0)
		return r;
	r = ns_collect_kinds(ctx->proc_root, pid, ~0u, &ns);
	if (r < 0)
		return r;
	/* every namespace the host's (most processes): the registry unread */
	bool hosts = true;

	for (int k = 0; k < ACID_NS_COUNT && hosts; k++)
		hosts = !ns.ns[k].present || ns_same(&ns, &host, k);
	if (hosts)
		return -ENOENT;
	dirfd = registry_open(ctx->state_dir, false);
	if (dirfd == -ENOENT)
		return -ENOENT;
	if (dirfd < 0)
		return ctx_failx(ctx, dirfd, "opening the registry %s",
				 ctx->state_dir);
	r = registry_list(dirfd, &list, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		int score = ns_score(&ns, &list[i]->ns, &host);

		/* the most kinds shared wins; then the newest registration */
		if (score < best_score || score == 0 ||
		    (score == best_score &&
		     list[i]->time <= list[best]->time) ||
		    proc_alive(ctx->proc_root, list[i]->pid,
			       list[i]->starttime) != 1)
			continue;
		best = i;
		best_score = score;
	}
	if (best_score) {
		*out = list[best];
		list[best] = NULL;
		r = 0;
	} else {
		r = -ENOENT;
	}
	acid_list_free(list, n);
	return r;
}

/* The registry, to read; none yet is -ENOENT: nothing registered. */
static int open_for_lookup(struct acid_ctx *ctx)
{
	int fd = registry_open(ctx->state_dir, false);

	if (fd < 0 && fd != -ENOENT)
		return ctx_failx(ctx, fd, "opening the registry %s",
				 ctx->state_dir);
	return fd;
}

int lookup_pid(struct acid_ctx *ctx, pid_t pid, struct acid_entry **out)
{
	_cleanup_close_ int dirfd = open_for_lookup(ctx);

	if (dirfd < 0)
		return dirfd;
	return lookup_pid_at(ctx, dirfd, pid, out);
}

int lookup_id(struct acid_ctx *ctx, const struct acid_id *id,
	      struct acid_entry **out)
{
	_cleanup_close_ int dirfd = open_for_lookup(ctx);

	if (dirfd < 0)
		return dirfd;
	return registry_get_id(dirfd, id, out);
}

int lookup_name(struct acid_ctx *ctx, const char *name,
		const char *bundle, struct acid_entry **out)
{
	_cleanup_close_ int dirfd = open_for_lookup(ctx);

	if (dirfd < 0)
		return dirfd;
	return registry_get_name(dirfd, name, bundle, out);
}

int lookup_all(struct acid_ctx *ctx, struct acid_entry ***out,
	       size_t *n)
{
	_cleanup_close_ int dirfd = open_for_lookup(ctx);

	if (dirfd == -ENOENT) {
		*out = NULL;
		*n = 0;
		return 0;
	}
	if (dirfd < 0)
		return dirfd;
	return registry_list(dirfd, out, n);
}
