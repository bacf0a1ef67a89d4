// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-floor.h - what the parts of acid-bench-floor share: bench-floor.c
 * (main, libacid's side, the comparisons, --trace), bench-floor-bare.c
 * (the bare-syscall floor and its netlink calls), bench-floor-parts.c
 * (--parts, the single steps timed).
 */
#ifndef ACID_BENCH_FLOOR_H
#define ACID_BENCH_FLOOR_H

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/netlink.h>

#include <acid/libacid.h>

#include "bench-util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef MAX_AUDIT_MESSAGE_LENGTH
#define MAX_AUDIT_MESSAGE_LENGTH 8970
#endif
#ifndef AUDIT_VIRT_CONTROL
#define AUDIT_VIRT_CONTROL 2500
#endif

#define WARMUP 5

/* bench-floor.c: the run's state, and the one way out on an error */
extern struct acid_ctx *ctx;
extern const char *lib_dir;
extern char floor_dir[4096];
extern char self_exe[4096];
extern unsigned long records_sent;

__attribute__((noreturn)) void die(const char *what, int r);

/* The names of container @i of @who (a record's vm=, the bundle). */
static inline void names(char *name, char *bundle, const char *who, size_t i)
{
	snprintf(name, 64, "acid-bench-%s-%d-%zu", who, (int)getpid(), i);
	snprintf(bundle, 256,
		 "/run/containers/storage/overlay-containers/%s/userdata",
		 name);
}


/* ----------------------------------- bench-floor-bare.c: the floor */

struct floor_ent {
	pid_t pid;
	char name[64], bundle[256], id[37], final[48];
	bool ns_present[10];
	dev_t ns_dev[10];
	ino_t ns_ino[10];
};


extern const char *const ns_file[10];

void floor_dir_remove(void);
int audit_socket(void);
int send_ack(int fd, const char *text);
int send_ack_fresh(const char *text);
int audit_get(int fd, struct audit_status *st);
int audit_list_rules(int fd, int *n);
int checked_record(const char *text);
int floor_register(struct floor_ent *f);
void floor_start_text(const struct floor_ent *f, char *t, size_t n);
int floor_start(const struct floor_ent *f);
int floor_stop(const struct floor_ent *f);
/*
 * The confirming floor: while this is a subscribed socket (confirm_socket,
 * held like libacid's context holds its own), floor_start and floor_stop
 * send their records on it and wait to see them (confirm_record_spin)
 * instead of a bare send+ACK on a fresh socket.
 */
extern int floor_confirm_fd;

/* ------------------------------- bench-floor-parts.c: --parts N */

void bench_parts(size_t n);

/* ---------------------- bench-floor-confirm.c: --confirm PAIRS */

int confirm_socket(void);
int confirm_record_fd(int fd, const char *text);
/* the confirm asking again at once for the first @spin_us, as libacid */
int confirm_record_spin(int fd, const char *text, unsigned spin_us);
/* libacid's SEEN_SPIN_US */
#define CONFIRM_SPIN_US 200
int confirm_record_fresh(const char *text);
void bench_confirm(size_t pairs);

#endif
