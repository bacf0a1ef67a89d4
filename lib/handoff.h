/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hand-off of the kernel write to acid-exec: its rendezvous and its
 * server, both in lib/handoff.c beside the hooks' side. acid-exec
 * (tools/acid-exec.c) links the internal static library for the server;
 * nothing here is exported from libacid.so.
 *
 * acid-exec listens on the unix (SOCK_SEQPACKET) socket
 * <state dir>/exec-<its pid>.sock: a name in the registry directory,
 * root-owned and 0700, which no other user can take first or even reach.
 * Both ends open that directory once, check it, and name the socket
 * through /proc/self/fd/<fd>/, so no path can be swapped after the check
 * and no state dir is too long for sun_path.
 */
#ifndef ACID_HANDOFF_H
#define ACID_HANDOFF_H

#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* how long a hook waits for its answer, connecting included; and how long
 * acid-exec waits for a connected peer to send its request */
#define HANDOFF_DEADLINE_MS 2000

/* the socket's name in the registry directory */
static inline int handoff_sock_name(char *buf, size_t len, pid_t server)
{
	int n = snprintf(buf, len, "exec-%d.sock", (int)server);

	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* @sa, *@salen: the socket of acid-exec @server in the open directory
 * @dirfd; -1 if it does not fit (it always does) */
static inline int handoff_sockaddr(struct sockaddr_un *sa, socklen_t *salen,
				   int dirfd, pid_t server)
{
	char name[32];
	int n;

	if (handoff_sock_name(name, sizeof(name), server) < 0)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s",
		     dirfd, name);
	if (n <= 0 || (size_t)n >= sizeof(sa->sun_path))
		return -1;
	*salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

struct acid_ctx;
struct handoff_server;

/* connected peers served at once; more wait in the listen backlog */
#define HANDOFF_PEERS_MAX 16

/*
 * The server of acid-exec: the socket bound and listening in the
 * registry directory of @ctx (made if missing, checked: ours, 0700, no
 * symlink), for *@out. A stale socket of a dead acid-exec with our pid
 * is replaced. Returns 0 or -errno (-EPERM: the directory is not ours or
 * not 0700), *@what saying which step failed. @ctx must outlive it.
 */
int handoff_serve_open(struct acid_ctx *ctx, struct handoff_server **out,
		       const char **what);
/*
 * Its descriptors to poll, into @p (room for 1 + HANDOFF_PEERS_MAX), and
 * the poll timeout its peers' deadlines allow: returns how many.
 */
int handoff_serve_pollfds(const struct handoff_server *s, struct pollfd *p,
			  int *timeout_ms);
/* Serve what poll() reported on the @n descriptors of pollfds(). */
void handoff_serve_events(struct handoff_server *s, const struct pollfd *p,
			  int n);
/* Close it, its peers and its socket's name; NULL is accepted. */
void handoff_serve_close(struct handoff_server *s);

#endif
