// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * audisp-acid's checks of a joiner candidate (plugin/joiners.c), with real
 * processes: a pid is the record's process only when it started no later
 * than the record (a pid reused by a newer process, e.g. a short-lived
 * CNI plugin's taken by a container's process before the plugin reads
 * its setns record, is not linked, nor given to the attribution); a
 * setns caller joins from outside only when its parent is in no
 * registered container (here: the test's own processes, on the host).
 * Pid reuse itself cannot be made on demand; a fresh child and a record
 * stamped before it stand for it.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "joiners.h"
#include "tap.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t fresh_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

int main(void)
{
	struct joiners *j;
	pid_t child, gone;
	int64_t before, now, t0 = now_ms();
	int err = 0;

	j = joiners_new(&err);
	if (!ok(j != NULL, "joiners_new: %d", err))
		return tap_done();
	before = now_ms() - 2000;
	/* this process started long before now: the record's */
	now = now_ms();
	ok(joiners_started_by(j, getpid(), now),
	   "the test process, a record stamped now: its own");
	/* a child started 0.3 s after t0, this process before it */
	usleep(300000);
	child = fresh_child();
	ok(child > 0, "a fresh child: %d", (int)child);
	now = now_ms();
	ok(!joiners_started_by(j, child, before),
	   "a child started after a record stamped 2 s earlier: not the "
	   "record's process (a reused pid)");
	ok(!joiners_started_by(j, child, now - 500),
	   "the same, a record 0.5 s earlier");
	ok(joiners_started_by(j, child, now_ms()),
	   "the same child, a record stamped after it started: its own");
	ok(joiners_outside(j, getpid(), child, t0) == 1,
	   "a setns record whose ppid is a newer process's now: the "
	   "caller's parent now is looked at (this process's, on the host): "
	   "from outside");
	ok(joiners_outside(j, child, child, t0) == -ESRCH,
	   "a setns record whose caller and ppid are both newer processes' "
	   "now: unknown (-ESRCH)");
	ok(joiners_sibling_outside(j, child),
	   "a sibling whose parent now is this process (on the host): "
	   "examined");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	gone = child;
	ok(!joiners_started_by(j, gone, now_ms()),
	   "a reaped child's pid (gone): not the record's");
	ok(joiners_outside(j, gone, gone, now_ms()) == -ESRCH,
	   "a setns caller and parent both gone: unknown (-ESRCH)");
	ok(!joiners_sibling_outside(j, gone),
	   "a sibling gone: not examined");
	ok(joiners_outside(j, getpid(), 0, now_ms()) == 0,
	   "no parent (ppid 0): not a joiner");
	ok(joiners_outside(j, gone, getpid(), now_ms()) == 1,
	   "a caller whose parent is this process (in no registered "
	   "container): from outside");
	joiners_free(j);
	return tap_done();
}
