// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * audisp-acid's reading of the SYSCALL records of namespace changes
 * (plugin/nschange.c nschange_parse): a table of record lines, as the
 * kernel writes them for each ABI acid.rules covers, and what the plugin
 * takes from them: the call, the caller, the task, the kinds the flags
 * name, the kinds to compare, the event id.
 */
#include <acid/libacid.h>

#include "nschange.h"
#include "tap.h"

#define B(k) (1u << ACID_NS_##k)
#define ALL ((1u << ACID_NS_COUNT) - 1)
#define HEAD "type=SYSCALL msg=audit(1796050000.123:42): "
#define TAIL " items=0 ppid=10 pid=11 auid=4294967295 uid=0 gid=0 euid=0 " \
	     "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) " \
	     "ses=4294967295 comm=\"x\" exe=\"/bin/x\" key=\"acid\""

static const struct row {
	const char *what;
	const char *line;
	int ret;
	enum nschange_reason reason;
	int task;
	unsigned int kinds, compare;
} rows[] = {
	{ "x86_64 unshare(CLONE_NEWNET)",
	  HEAD "arch=c000003e syscall=272 success=yes exit=0 a0=40000000 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_UNSHARE, 11, B(NET), B(NET) },
	{ "a failed unshare",
	  HEAD "arch=c000003e syscall=272 success=no exit=-1 a0=40000000 a1=0 "
	       "a2=0 a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "unshare(CLONE_FILES): no namespace",
	  HEAD "arch=c000003e syscall=272 success=yes exit=0 a0=400 a1=0 a2=0 "
	       "a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "unshare(CLONE_NEWPID|CLONE_NEWTIME): the children's kinds",
	  HEAD "arch=c000003e syscall=272 success=yes exit=0 a0=20000080 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_UNSHARE, 11, B(PID_FOR_CHILDREN) | B(TIME_FOR_CHILDREN),
	  B(PID_FOR_CHILDREN) | B(TIME_FOR_CHILDREN) },
	{ "unshare of every kind",
	  HEAD "arch=c000003e syscall=272 success=yes exit=0 a0=7e020080 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_UNSHARE, 11, ALL & ~B(PID) & ~B(TIME),
	  ALL & ~B(PID) & ~B(TIME) },
	{ "setns(fd, 0): no kind named, every kind compared but its own pid",
	  HEAD "arch=c000003e syscall=308 success=yes exit=0 a0=3 a1=0 a2=0 "
	       "a3=0" TAIL,
	  1, NSCHANGE_SETNS, 11, 0, ALL & ~B(PID) },
	{ "setns(fd, CLONE_NEWNET)",
	  HEAD "arch=c000003e syscall=308 success=yes exit=0 a0=3 a1=40000000 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_SETNS, 11, B(NET), B(NET) },
	{ "setns(fd, CLONE_NEWTIME): both time kinds",
	  HEAD "arch=c000003e syscall=308 success=yes exit=0 a0=3 a1=80 a2=0 "
	       "a3=0" TAIL,
	  1, NSCHANGE_SETNS, 11, B(TIME) | B(TIME_FOR_CHILDREN),
	  B(TIME) | B(TIME_FOR_CHILDREN) },
	{ "setns(pidfd, CLONE_NEWNET|CLONE_NEWUTS)",
	  HEAD "arch=c000003e syscall=308 success=yes exit=0 a0=3 a1=44000000 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_SETNS, 11, B(NET) | B(UTS), B(NET) | B(UTS) },
	{ "clone(CLONE_NEWUTS|SIGCHLD): the child, by exit=",
	  HEAD "arch=c000003e syscall=56 success=yes exit=8 a0=4000011 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_CLONE, 8, B(UTS), B(UTS) },
	{ "clone(CLONE_NEWPID): the child's own pid kind too",
	  HEAD "arch=c000003e syscall=56 success=yes exit=8 a0=20000011 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_CLONE, 8, B(PID) | B(PID_FOR_CHILDREN),
	  B(PID) | B(PID_FOR_CHILDREN) },
	{ "clone with exit signal 128: CSIGNAL, not CLONE_NEWTIME",
	  HEAD "arch=c000003e syscall=56 success=yes exit=8 a0=4000080 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_CLONE, 8, B(UTS), B(UTS) },
	{ "a plain fork's clone",
	  HEAD "arch=c000003e syscall=56 success=yes exit=8 a0=1200011 a1=0 "
	       "a2=0 a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "a failed clone",
	  HEAD "arch=c000003e syscall=56 success=no exit=-1 a0=4000011 a1=0 "
	       "a2=0 a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "clone3: flags in memory, every kind compared",
	  HEAD "arch=c000003e syscall=435 success=yes exit=9 a0=7ffd1000 a1=58 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_CLONE3, 9, 0, ALL },
	{ "x86_64 execve: not a namespace call",
	  HEAD "arch=c000003e syscall=59 success=yes exit=0 a0=40000000 a1=0 "
	       "a2=0 a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "x32 unshare (the x32 bit)",
	  HEAD "arch=c000003e syscall=1073742096 success=yes exit=0 "
	       "a0=40000000 a1=0 a2=0 a3=0" TAIL,
	  1, NSCHANGE_UNSHARE, 11, B(NET), B(NET) },
	{ "i386 unshare (b32: 310)",
	  HEAD "arch=40000003 syscall=310 success=yes exit=0 a0=4000000 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_UNSHARE, 11, B(UTS), B(UTS) },
	{ "i386 setns (346)",
	  HEAD "arch=40000003 syscall=346 success=yes exit=0 a0=3 a1=20000 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_SETNS, 11, B(MNT), B(MNT) },
	{ "i386 clone (120)",
	  HEAD "arch=40000003 syscall=120 success=yes exit=12 a0=8000011 "
	       "a1=0 a2=0 a3=0" TAIL,
	  1, NSCHANGE_CLONE, 12, B(IPC), B(IPC) },
	{ "i386 clone3 (435)",
	  HEAD "arch=40000003 syscall=435 success=yes exit=12 a0=ffd01000 "
	       "a1=58 a2=0 a3=0" TAIL,
	  1, NSCHANGE_CLONE3, 12, 0, ALL },
	{ "i386 272 is not unshare",
	  HEAD "arch=40000003 syscall=272 success=yes exit=0 a0=40000000 "
	       "a1=0 a2=0 a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "aarch64 unshare (97)",
	  HEAD "arch=c00000b7 syscall=97 success=yes exit=0 a0=10000000 a1=0 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_UNSHARE, 11, B(USER), B(USER) },
	{ "arm setns (375)",
	  HEAD "arch=40000028 syscall=375 success=yes exit=0 a0=3 a1=2000000 "
	       "a2=0 a3=0" TAIL,
	  1, NSCHANGE_SETNS, 11, B(CGROUP), B(CGROUP) },
	{ "an arch acid does not know",
	  HEAD "arch=80000016 syscall=272 success=yes exit=0 a0=40000000 a1=0 "
	       "a2=0 a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "an aggregator's node= first, the enriched names after 0x1d",
	  "node=h1 " HEAD "arch=c000003e syscall=272 success=yes exit=0 "
	  "a0=40000000 a1=0 a2=0 a3=0" TAIL "\x1d" "ARCH=x86_64 "
	  "SYSCALL=unshare AUID=\"unset\"\n",
	  1, NSCHANGE_UNSHARE, 11, B(NET), B(NET) },
	{ "no pid before comm=: a pid= in comm is the program's, not read",
	  HEAD "arch=c000003e syscall=272 success=yes exit=0 a0=40000000 a1=0 "
	       "a2=0 a3=0 items=0 ppid=10 comm=\"a pid=7\" exe=\"/x\"",
	  0, 0, 0, 0, 0 },
	{ "a user record quoting a SYSCALL record",
	  "type=USER msg=audit(1796050000.123:42): pid=5 uid=0 msg='" HEAD
	  "arch=c000003e syscall=272 success=yes exit=0 a0=40000000 a1=0 "
	  "a2=0 a3=0" TAIL "'",
	  0, 0, 0, 0, 0 },
	{ "an event id that is not one",
	  "type=SYSCALL msg=audit(17960500x0.123:42): arch=c000003e "
	  "syscall=272 success=yes exit=0 a0=40000000 a1=0 a2=0 a3=0" TAIL,
	  0, 0, 0, 0, 0 },
	{ "cut short", HEAD "arch=c000003e syscall=272 success=yes", 0, 0, 0,
	  0, 0 },
	{ "empty", "", 0, 0, 0, 0, 0 },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *t = &rows[i];
		struct nschange_call c;
		int r = nschange_parse(t->line, strlen(t->line), &c);

		ok(r == t->ret, "%s: returns %d, want %d", t->what, r, t->ret);
		if (r != 1 || t->ret != 1)
			continue;
		ok(c.reason == t->reason && c.task == t->task &&
			   c.pid == 11 && c.ppid == 10,
		   "%s: reason %d task %d pid %d ppid %d, want %d %d 11 10",
		   t->what, c.reason, c.task, c.pid, c.ppid, t->reason,
		   t->task);
		ok(c.kinds == t->kinds && c.compare == t->compare,
		   "%s: kinds %#x compare %#x, want %#x %#x", t->what,
		   c.kinds, c.compare, t->kinds, t->compare);
		ok(!strncmp(t->line, "node=", 5) ?
			   c.node_len == 2 && !memcmp(c.node, "h1", 2) :
			   !c.node,
		   "%s: node %.*s", t->what, (int)c.node_len,
		   c.node ? c.node : "");
		ok(!strcmp(c.trigger, "1796050000.123:42") &&
			   c.sec == 1796050000,
		   "%s: event %s (second %lld)", t->what, c.trigger, c.sec);
	}
	return tap_done();
}
