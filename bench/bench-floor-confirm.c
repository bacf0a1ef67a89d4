// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-floor-confirm - acid-bench-floor --confirm: a record confirmed by
 * seeing it (issue 11). A socket bound to the audit multicast group
 * AUDIT_NLGRP_READLOG (CAP_AUDIT_READ) receives every record kauditd
 * takes off its queue; the kernel queues a user record only once
 * audit_enabled, the user and the exclude filters let it through. So:
 * subscribe, send the record with NLM_F_ACK, wait for that very record
 * (its type, its text, and the header's pid= this process's, which the
 * kernel writes) to come back on the group. No status, no rule list.
 *
 * Compared, rotating the order every round: a bare send+ACK on a fresh
 * socket; acid_log_start of a registered entry (today's checks);
 * checked_record (the same checks, pipelined: bench-floor-bare.c); the
 * confirm on a fresh subscribed socket per record; the confirm on one
 * socket subscribed once (per context), drained before each record.
 */
#include "bench-floor.h"

#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif

/* how long a confirm waits for its record before the bench gives up */
#define CONFIRM_WAIT_MS 2000

unsigned long confirm_drained, confirm_overruns, confirm_foreign;

/* a socket subscribed to the audit multicast group */
int confirm_socket(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1),
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	int size = 1 << 20;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	/* room for the records of others that come meanwhile */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	return fd;
}

/*
 * Is @h (of @len bytes) the record of @type this process sent with
 * @text? The kernel writes "audit(T:S): pid=<tgid> uid=.. auid=..
 * ses=..[ subj=..] msg='<text>'": the pid= right behind the stamp is
 * the kernel's, the text comes last.
 */
static bool is_ours(const struct nlmsghdr *h, size_t len, int type,
		    const char *text, size_t tlen, const char *pidf,
		    size_t plen)
{
	const char *p = NLMSG_DATA(h), *s;
	size_t n;

	if (h->nlmsg_type != type || h->nlmsg_len > len ||
	    h->nlmsg_len < NLMSG_HDRLEN)
		return false;
	n = h->nlmsg_len - NLMSG_HDRLEN;
	while (n && p[n - 1] == '\0')
		n--;
	s = memchr(p, ')', n);
	if (!s || (size_t)(p + n - s) < 3 + plen || memcmp(s, "): ", 3) ||
	    memcmp(s + 3, pidf, plen))
		return false;
	/* ... msg='<text>' at the end */
	if (n < tlen + 7 || p[n - 1] != '\'' ||
	    memcmp(p + n - 1 - tlen, text, tlen) ||
	    memcmp(p + n - 1 - tlen - 6, " msg='", 6))
		return false;
	return true;
}

/* take whatever waits on @fd (the records of others) */
static void drain(int fd)
{
	static __thread char buf[65536];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n >= 0) {
			confirm_drained++;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS) {
			confirm_overruns++;
			continue;
		}
		break;
	}
}

/*
 * The confirm on @fd; while nothing has come in the first @spin_us
 * microseconds it asks again at once (sched_yield between, so that a
 * kauditd woken on this CPU runs) instead of sleeping in poll(2).
 */
int confirm_record_spin(int fd, const char *text, unsigned spin_us)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	static __thread struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH * 2];
	} m, rep;
	size_t tlen = strlen(text);
	char pidf[32];
	size_t plen = (size_t)snprintf(pidf, sizeof(pidf), "pid=%d ",
				       (int)getpid());
	bool acked = false, seen = false;
	uint64_t t0;

	drain(fd);
	memset(&m.h, 0, sizeof(m.h));
	m.h.nlmsg_len = (uint32_t)NLMSG_LENGTH(tlen + 1);
	m.h.nlmsg_type = AUDIT_VIRT_CONTROL;
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.h.nlmsg_seq = 7;
	memcpy(NLMSG_DATA(&m.h), text, tlen + 1);
	if (sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0)
		return -errno;
	t0 = now_ns();
	while (!acked || !seen) {
		struct sockaddr_nl from;
		struct iovec iov = { &rep, sizeof(rep) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *h = &rep.h;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
		size_t left;

		if (n < 0 && errno == EAGAIN) {
			uint64_t waited = now_ns() - t0;

			if (waited > CONFIRM_WAIT_MS * 1000000ull)
				return -ETIMEDOUT;
			if (waited < spin_us * 1000ull) {
				sched_yield();
				continue;
			}
			poll(&pfd, 1, 100);
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			confirm_overruns++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (left = (size_t)n; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (!from.nl_groups && h->nlmsg_type == NLMSG_ERROR &&
			    h->nlmsg_seq == 7) {
				int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (e)
					return e;
				acked = true;
			} else if (from.nl_groups &&
				   is_ours(h, left, AUDIT_VIRT_CONTROL, text,
					   tlen, pidf, plen)) {
				seen = true;
			} else if (from.nl_groups) {
				confirm_foreign++;
			}
			/* a record's nlmsg_len need not be aligned */
			if (NLMSG_ALIGN(h->nlmsg_len) >= left)
				break;
		}
	}
	records_sent++;
	return 0;
}

int confirm_record_fd(int fd, const char *text)
{
	return confirm_record_spin(fd, text, 0);
}

int confirm_record_fresh(const char *text)
{
	int fd = confirm_socket(), r;

	if (fd < 0)
		return fd;
	r = confirm_record_fd(fd, text);
	close(fd);
	return r;
}

static int count_listener_records(void)
{
	FILE *f = fopen("/var/log/audit/audit.log", "r");
	char line[4096];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "type=EVENT_LISTENER ", 20) &&
		    strstr(line, "acid-bench-floo"))
			n++;
	fclose(f);
	return n;
}

struct cset {
	const char *what;
	struct samples a, b, q;
};

static void cset_init(struct cset *s, const char *what, size_t n)
{
	s->what = what;
	samples_init(&s->a, n);
	samples_init(&s->b, n);
	samples_init(&s->q, n);
}

static void cset_add(struct cset *s, uint64_t a, uint64_t b)
{
	samples_add(&s->a, a);
	samples_add(&s->b, b);
	samples_add(&s->q, b ? a * 1000 / b : 0);
}

static void cset_print(struct cset *s)
{
	struct stats a = samples_stats(&s->a), b = samples_stats(&s->b);
	struct stats q = samples_stats(&s->q);

	printf("%-34s %5zu %10.1f %10.1f %7.2fx\n", s->what, a.n, a.median_us,
	       b.median_us, q.median_us);
	samples_free(&s->a);
	samples_free(&s->b);
	samples_free(&s->q);
}

void bench_confirm(size_t pairs)
{
	enum { BARE, LIB, PROTO, FRESH, HELD, SPIN, SIDES };
	static const char *const side_name[SIDES + 1] = {
		"bare", "lib", "proto", "fresh", "held", "spin", "held-ack",
	};
	char name[64], bundle[256], text[SIDES + 1][4096];
	struct acid_entry *e = NULL;
	struct floor_ent f = { 0 };
	struct acid_reg req;
	struct cset c[10];
	struct pool p;
	int r, held, before = count_listener_records(), after;

	r = pool_spawn(&p, 2);
	if (r < 0)
		die("fork", r);
	names(name, bundle, "lib", 555555);
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.pid = p.pids[0];
	req.name = name;
	req.bundle = bundle;
	r = acid_register(ctx, &req, &e);
	if (r < 0)
		die("acid_register", r);
	f.pid = p.pids[1];
	names(f.name, f.bundle, "floor", 555555);
	r = floor_register(&f);
	if (r < 0)
		die("floor register", r);
	/*
	 * A text for each side (its vm= name): a record sent by one side,
	 * coming back on the group after another side drained the socket,
	 * must not pass for that side's record
	 */
	for (int k = 0; k <= SIDES; k++) {
		struct floor_ent g = f;

		names(g.name, g.bundle, side_name[k], 555555);
		floor_start_text(&g, text[k], sizeof(text[k]));
	}
	held = confirm_socket();
	if (held < 0)
		die("multicast socket (CAP_AUDIT_READ?)", held);

	cset_init(&c[0], "log_start vs bare send+ACK", pairs);
	cset_init(&c[1], "checks pipelined vs bare", pairs);
	cset_init(&c[2], "confirm, fresh socket vs bare", pairs);
	cset_init(&c[3], "confirm, held socket vs bare", pairs);
	cset_init(&c[4], "confirm fresh vs log_start", pairs);
	cset_init(&c[5], "confirm held vs log_start", pairs);
	cset_init(&c[6], "confirm fresh vs pipelined", pairs);
	cset_init(&c[7], "confirm held vs held send+ACK", pairs);
	cset_init(&c[8], "confirm held spinning vs held", pairs);
	cset_init(&c[9], "held spinning vs held send+ACK", pairs);
	for (size_t i = 0; i < pairs + WARMUP; i++) {
		uint64_t t[SIDES + 1] = { 0 };

		for (int side = 0; side < SIDES + 1; side++) {
			int which = (int)((i + (size_t)side) % (SIDES + 1));
			uint64_t t0 = now_ns();

			switch (which) {
			case BARE:
				r = send_ack_fresh(text[BARE]);
				break;
			case LIB:
				r = acid_log_start(ctx, e);
				records_sent++;
				break;
			case PROTO:
				r = checked_record(text[PROTO]);
				break;
			case FRESH:
				r = confirm_record_fresh(text[FRESH]);
				break;
			case HELD:
				r = confirm_record_fd(held, text[HELD]);
				break;
			case SPIN:
				r = confirm_record_spin(held, text[SPIN],
							CONFIRM_SPIN_US);
				break;
			default:
				/* a send+ACK on the held socket: its floor */
				drain(held);
				t0 = now_ns();
				r = send_ack(held, text[SIDES]);
			}
			t[which] = now_ns() - t0;
			if (r < 0)
				die("record", r);
		}
		if (i < WARMUP)
			continue;
		cset_add(&c[0], t[LIB], t[BARE]);
		cset_add(&c[1], t[PROTO], t[BARE]);
		cset_add(&c[2], t[FRESH], t[BARE]);
		cset_add(&c[3], t[HELD], t[BARE]);
		cset_add(&c[4], t[FRESH], t[LIB]);
		cset_add(&c[5], t[HELD], t[LIB]);
		cset_add(&c[6], t[FRESH], t[PROTO]);
		cset_add(&c[7], t[HELD], t[SIDES]);
		cset_add(&c[8], t[SPIN], t[HELD]);
		cset_add(&c[9], t[SPIN], t[SIDES]);
	}
	close(held);
	after = count_listener_records();
	printf("\none record, confirmed by seeing it (%zu rounds, 7 sides "
	       "rotated)\n%-34s %5s %10s %10s %8s\n", pairs,
	       "case (median us)", "N", "this", "against", "ratio");
	for (int k = 0; k < 10; k++)
		cset_print(&c[k]);
	printf("multicast: %lu others' messages drained before a record, "
	       "%lu read while waiting, %lu overruns\n",
	       confirm_drained, confirm_foreign, confirm_overruns);
	printf("EVENT_LISTENER records of this bench in the log: %d before, "
	       "%d after (the kernel logs every subscription and its end)\n",
	       before, after);
	r = acid_unregister(ctx, e, "exit");
	if (r < 0)
		die("acid_unregister", r);
	records_sent++;
	acid_entry_free(e);
	r = floor_stop(&f);
	if (r < 0)
		die("floor stop", r);
	pool_release(&p);
}
