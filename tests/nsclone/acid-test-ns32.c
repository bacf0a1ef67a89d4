// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-test-ns32: an i386 program (no C library: built with -m32
 * -nostdlib, its own _start) that calls unshare(CLONE_NEWUTS) through the
 * 32-bit ABI (int $0x80, the b32 syscall numbers acid.rules names), then
 * sleeps 6 seconds and exits 0 (1 when unshare failed). For
 * tests/bats/plugin-ns.bats: the b32 rules and the plugin's i386 table.
 */
#define NR_EXIT 1
#define NR_NANOSLEEP 162
#define NR_UNSHARE 310
#define CLONE_NEWUTS 0x04000000

static long sys1(long nr, long a)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a) : "memory");
	return r;
}

static long sys2(long nr, long a, long b)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b)
			 : "memory");
	return r;
}

void _start(void)
{
	long ts[2] = { 6, 0 };
	long r = sys1(NR_UNSHARE, CLONE_NEWUTS);

	sys2(NR_NANOSLEEP, (long)ts, 0);
	sys1(NR_EXIT, r == 0 ? 0 : 1);
	for (;;)
		;
}
