// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The baseline hook for bench-hooks.sh: a C program that does what any
 * hook must (read the state on stdin to EOF) and nothing else, so the
 * difference to acid's hooks is acid's own work.
 */
#include <unistd.h>

int main(void)
{
	char buf[4096];

	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	return 0;
}
