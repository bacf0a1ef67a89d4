// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-floor-bare - the floor of acid-bench-floor: one container's
 * lifecycle done with bare system calls (register, start, stop; see
 * bench-floor.c), the netlink audit calls it and the record prototypes
 * make, and the floor's state directory.
 */
#include "bench-floor.h"

/* ------------------------------------------------- the floor's dir */

void floor_dir_remove(void)
{
	int fd;

	if (!floor_dir[0])
		return;
	fd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		/* the floor removes its own names; only .lock stays */
		unlinkat(fd, ".lock", 0);
		close(fd);
	}
	rmdir(floor_dir);
	floor_dir[0] = '\0';
}

/* ------------------------------------------------------ netlink */

static int nl_send(int fd, int type, int flags, const void *data,
		   size_t len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH];
	} m;

	if (len > sizeof(m.d))
		return -EMSGSIZE;
	memset(&m.h, 0, sizeof(m.h));
	m.h.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	m.h.nlmsg_type = (uint16_t)type;
	m.h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	m.h.nlmsg_seq = 1;
	if (len)
		memcpy(NLMSG_DATA(&m.h), data, len);
	if (sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0)
		return -errno;
	return 0;
}

/*
 * recv(2) of the kernel's unicast answers only: a socket subscribed to
 * the audit multicast group (the confirm bench's held one) also gets
 * kauditd's records, one per datagram and not padded to 4 bytes, so
 * NLMSG_NEXT's aligned step runs past the datagram's end (a size_t
 * underflow: NLMSG_OK then reads on); they are skipped here, and an
 * overrun of such a socket (ENOBUFS: others' records were dropped) too.
 */
static ssize_t recv_unicast(int fd, void *buf, size_t len)
{
	for (;;) {
		struct sockaddr_nl from = { 0 };
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&from,
				     &fl);

		if (n < 0 && errno == ENOBUFS)
			continue;
		if (n < 0 || from.nl_groups == 0)
			return n;
	}
}

/*
 * Read until NLMSG_ERROR (the ACK, or the kernel's no), NLMSG_DONE, or a
 * message of @want (copied to @out). Blocking: the floor waits for the
 * kernel, nothing more. *count: messages of @want seen.
 */
static int nl_wait(int fd, int want, void *out, size_t outlen, int *count)
{
	static __thread struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH * 4];
	} rep;

	for (;;) {
		ssize_t n = recv_unicast(fd, &rep, sizeof(rep));
		struct nlmsghdr *h = &rep.h;
		size_t left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (left = (size_t)n; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == want) {
				if (count)
					(*count)++;
				if (out) {
					memset(out, 0, outlen);
					memcpy(out, NLMSG_DATA(h),
					       h->nlmsg_len - NLMSG_LENGTH(0) <
							       outlen ?
						       h->nlmsg_len -
							       NLMSG_LENGTH(0) :
						       outlen);
					return 0;
				}
			}
		}
	}
}

int audit_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	return fd < 0 ? -errno : fd;
}

/* one record and its ACK on @fd */
int send_ack(int fd, const char *text)
{
	int r = nl_send(fd, AUDIT_VIRT_CONTROL, NLM_F_ACK, text,
			strlen(text) + 1);

	if (r == 0)
		r = nl_wait(fd, NLMSG_ERROR, NULL, 0, NULL);
	if (r == 0)
		records_sent++;
	return r;
}

/* a fresh socket, one record, its ACK */
int send_ack_fresh(const char *text)
{
	int fd = audit_socket(), r;

	if (fd < 0)
		return fd;
	r = send_ack(fd, text);
	close(fd);
	return r;
}

int audit_get(int fd, struct audit_status *st)
{
	int r = nl_send(fd, AUDIT_GET, 0, NULL, 0);

	return r < 0 ? r : nl_wait(fd, AUDIT_GET, st, sizeof(*st), NULL);
}

int audit_list_rules(int fd, int *n)
{
	int r = nl_send(fd, AUDIT_LIST_RULES, 0, NULL, 0);

	*n = 0;
	return r < 0 ? r : nl_wait(fd, AUDIT_LIST_RULES, NULL, 0, n);
}

/*
 * A prototype of the record with every check libacid makes, the kernel
 * round trips put together (issue 11, for the engineer who applies it):
 * AUDIT_GET and AUDIT_LIST_RULES in one sendto (the kernel answers each
 * from a kernel thread it starts for it: two threads at once, one wait),
 * then the record (NLM_F_ACK) and the second AUDIT_GET in one sendto (the
 * kernel handles them in order: the status is taken after the record was
 * queued or lost). Enabled before and after, the lost counter unchanged,
 * the rule list read (not weighed here: rules.c's walk is CPU only).
 */
static int send_two(int fd, int t1, int f1, const void *d1, size_t l1,
		    int t2, int f2)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	static __thread char buf[NLMSG_SPACE(MAX_AUDIT_MESSAGE_LENGTH) +
				 NLMSG_SPACE(0)];
	struct nlmsghdr *a = (struct nlmsghdr *)buf, *b;

	if (l1 > MAX_AUDIT_MESSAGE_LENGTH)
		return -EMSGSIZE;
	memset(a, 0, NLMSG_HDRLEN);
	a->nlmsg_len = (uint32_t)NLMSG_LENGTH(l1);
	a->nlmsg_type = (uint16_t)t1;
	a->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | f1);
	a->nlmsg_seq = 1;
	if (l1)
		memcpy(NLMSG_DATA(a), d1, l1);
	b = (struct nlmsghdr *)(buf + NLMSG_ALIGN(a->nlmsg_len));
	memset(b, 0, NLMSG_HDRLEN);
	b->nlmsg_len = NLMSG_LENGTH(0);
	b->nlmsg_type = (uint16_t)t2;
	b->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | f2);
	b->nlmsg_seq = 2;
	if (sendto(fd, buf, NLMSG_ALIGN(a->nlmsg_len) + b->nlmsg_len, 0,
		   (struct sockaddr *)&k, sizeof(k)) < 0)
		return -errno;
	return 0;
}

/* read until the status and (@want_done) the rule list's end or (@want_ack)
 * the ACK have come */
static int read_replies(int fd, struct audit_status *st, bool want_done,
			bool want_ack)
{
	static __thread struct {
		struct nlmsghdr h;
		char d[MAX_AUDIT_MESSAGE_LENGTH * 4];
	} rep;
	bool got_st = false, done = !want_done, acked = !want_ack;

	while (!got_st || !done || !acked) {
		ssize_t n = recv_unicast(fd, &rep, sizeof(rep));
		struct nlmsghdr *h = &rep.h;
		size_t left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (left = (size_t)n; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (e)
					return e;
				acked = true;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
			} else if (h->nlmsg_type == AUDIT_GET) {
				memset(st, 0, sizeof(*st));
				memcpy(st, NLMSG_DATA(h),
				       h->nlmsg_len - NLMSG_LENGTH(0) <
						       sizeof(*st) ?
					       h->nlmsg_len - NLMSG_LENGTH(0) :
					       sizeof(*st));
				got_st = true;
			}
		}
	}
	return 0;
}

int checked_record(const char *text)
{
	struct audit_status before, after;
	int fd = audit_socket(), r;

	if (fd < 0)
		return fd;
	r = send_two(fd, AUDIT_GET, 0, NULL, 0, AUDIT_LIST_RULES, 0);
	if (r == 0)
		r = read_replies(fd, &before, true, false);
	if (r == 0 && !before.enabled)
		r = -ENOTCONN;
	if (r == 0)
		r = send_two(fd, AUDIT_VIRT_CONTROL, NLM_F_ACK, text,
			     strlen(text) + 1, AUDIT_GET, 0);
	if (r == 0)
		r = read_replies(fd, &after, false, true);
	if (r == 0 && !after.enabled)
		r = -ECONNABORTED;
	if (r == 0 && after.lost != before.lost)
		r = -ENOBUFS;
	if (r == 0)
		records_sent++;
	close(fd);
	return r;
}

/* ----------------------------------------------------- the floor */

const char *const ns_file[10] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time",
	"time_for_children", "user", "uts",
};
static const char *const ns_field[10] = {
	"cgroup-ns", "ipc-ns", "mnt-ns", "net-ns", "pid-ns", "pid-child-ns",
	"time-ns", "time-child-ns", "user-ns", "uts-ns",
};

static void hex_name(char *o, const char *s)
{
	for (; *s; s++, o += 2)
		sprintf(o, "%02x", (unsigned char)*s);
	*o = '\0';
}

int floor_register(struct floor_ent *f)
{
	char path[128], text[2048], tmp[128], link[32];
	char hname[2 * sizeof(f->name) + 1], hbundle[2 * sizeof(f->bundle) + 1];
	unsigned char b[16];
	struct pollfd pfd;
	int pidfd, dirfd, lock, fd, r = 0;
	size_t len;

	pidfd = (int)syscall(SYS_pidfd_open, f->pid, 0);
	if (pidfd < 0)
		return -errno;
	/* the cheapest way there is, as libacid does it: the inodes from
	 * the links' text ("mnt:[4026531841]"), the one nsfs device from a
	 * single stat */
	struct stat st = { 0 };
	bool have_dev = false;

	for (int k = 0; k < 10; k++) {
		char t[64], *br;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)f->pid,
			 ns_file[k]);
		n = readlink(path, t, sizeof(t) - 1);
		if (n > 0 && !have_dev)
			have_dev = stat(path, &st) == 0;
		f->ns_present[k] = n > 0 && have_dev;
		if (!f->ns_present[k])
			continue;
		t[n] = '\0';
		br = strchr(t, '[');
		f->ns_dev[k] = st.st_dev;
		f->ns_ino[k] = br ? strtoull(br + 1, NULL, 10) : 0;
	}
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		close(pidfd);
		return -EIO;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(f->id, sizeof(f->id),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	snprintf(f->final, sizeof(f->final), "%s.entry", f->id);
	hex_name(hname, f->name);
	hex_name(hbundle, f->bundle);
	len = (size_t)snprintf(text, sizeof(text),
			       "acid-entry 1\nid=%s\nmode=user\npid=%d\n"
			       "starttime=0\ntime=%lld\nses=0\nname=%s\n"
			       "bundle=%s\n",
			       f->id, (int)f->pid, (long long)time(NULL),
			       hname, hbundle);
	for (int k = 0; k < 10; k++)
		if (f->ns_present[k])
			len += (size_t)snprintf(
				text + len, sizeof(text) - len,
				"ns.%s=%u:%u:%" PRIu64 "\n", ns_file[k],
				major(f->ns_dev[k]), minor(f->ns_dev[k]),
				(uint64_t)f->ns_ino[k]);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "end\n");

	dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC);
	if (dirfd < 0) {
		close(pidfd);
		return -errno;
	}
	lock = openat(dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC |
					      O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		r = -errno;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".tmp-%d-%s", (int)getpid(), f->final);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len)
		r = -EIO;
	close(fd);
	if (r == 0 && syscall(SYS_renameat2, dirfd, tmp, dirfd, f->final,
			      RENAME_NOREPLACE) < 0)
		r = -errno;
	snprintf(link, sizeof(link), "pid-%d", (int)f->pid);
	if (r == 0 && symlinkat(f->final, dirfd, link) < 0)
		r = -errno;
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	if (r == 0 && poll(&pfd, 1, 0) != 0)
		r = -ESRCH;
out:
	if (lock >= 0)
		close(lock);
	close(dirfd);
	close(pidfd);
	return r;
}

/* the start record libacid sends, field for field */
void floor_start_text(const struct floor_ent *f, char *t, size_t n)
{
	size_t len = (size_t)snprintf(t, n,
				      "virt=oci op=start reason=register "
				      "vm=\"%s\" uuid=%s vm-pid=%d",
				      f->name, f->id, (int)f->pid);
	bool dev = false;

	for (int k = 0; k < 10; k++) {
		if (!f->ns_present[k])
			continue;
		if (!dev)
			len += (size_t)snprintf(t + len, n - len,
						" ns-dev=%u:%u",
						major(f->ns_dev[k]),
						minor(f->ns_dev[k]));
		dev = true;
		len += (size_t)snprintf(t + len, n - len, " %s=%" PRIu64,
					ns_field[k], (uint64_t)f->ns_ino[k]);
	}
	snprintf(t + len, n - len,
		 " bundle=\"%s\" exe=\"%s\" hostname=? addr=? terminal=? "
		 "res=success",
		 f->bundle, self_exe);
}

int floor_confirm_fd = -1;

/* a bare send+ACK, or seen on the group (the confirming floor) */
static int floor_send(const char *text)
{
	if (floor_confirm_fd >= 0)
		return confirm_record_spin(floor_confirm_fd, text,
					   CONFIRM_SPIN_US);
	return send_ack_fresh(text);
}

int floor_start(const struct floor_ent *f)
{
	char text[4096];

	floor_start_text(f, text, sizeof(text));
	return floor_send(text);
}

int floor_stop(const struct floor_ent *f)
{
	char text[8192], link[32];
	int dirfd, lock, r;

	dirfd = open(floor_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	lock = openat(dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC |
					      O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		r = -errno;
		goto out;
	}
	snprintf(text, sizeof(text),
		 "virt=oci op=stop reason=exit vm=\"%s\" uuid=%s vm-pid=%d "
		 "exe=\"%s\" hostname=? addr=? terminal=? res=success",
		 f->name, f->id, (int)f->pid, self_exe);
	r = floor_send(text);
	snprintf(link, sizeof(link), "pid-%d", (int)f->pid);
	if (r == 0 && (unlinkat(dirfd, link, 0) < 0 ||
		       unlinkat(dirfd, f->final, 0) < 0))
		r = -errno;
out:
	if (lock >= 0)
		close(lock);
	close(dirfd);
	return r;
}
