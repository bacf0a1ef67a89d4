// SPDX-License-Identifier: LGPL-2.1-or-later
/* The plugin's one way of saying something (say.h). */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "say.h"

void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "audisp-acid: %s\n", line);
	syslog(LOG_WARNING, "%s", line);
}
