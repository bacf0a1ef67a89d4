// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What acid-prestart and acid-poststop share (hook-common.h): messages to
 * stderr and syslog (stdout belongs to the runtime), the fail/warn policy,
 * the arguments, and the state read from standard input with its stage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "hook-common.h"

static void say(const struct hook *h, int prio, const char *kind,
		const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", h->prog, kind, msg);
	syslog(prio, "%s%s", kind, msg);
}

void hook_error(const struct hook *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(h, LOG_ERR, "", fmt, ap);
	va_end(ap);
}

void hook_warn(const struct hook *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(h, LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

const char *hook_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (!s)
		return "(none)";
	for (; *s && o + 8 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (*s && o + 4 < len)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
	return buf;
}

static int parse_policy(struct hook *h, const char *v, const char *from)
{
	if (strcmp(v, "fail") == 0 || strcmp(v, "fail-closed") == 0) {
		h->policy = HOOK_FAIL_CLOSED;
		return 0;
	}
	if (strcmp(v, "warn") == 0) {
		h->policy = HOOK_WARN;
		return 0;
	}
	hook_error(h, "%s: unknown policy \"%s\" (expected fail or warn)",
		   from, v);
	return 2;
}

int hook_init(struct hook *h, const char *prog, int argc, char **argv,
	      const char *usage)
{
	enum oci_stage from_args = OCI_STAGE_UNKNOWN;
	char err[512], stage_err[512] = "";
	const char *env;
	int r;

	memset(h, 0, sizeof(*h));
	h->prog = prog;
	h->stage = OCI_STAGE_UNKNOWN;
	openlog(prog, LOG_PID, LOG_DAEMON);

	env = getenv("ACID_POLICY");
	if (env && *env && (r = parse_policy(h, env, "ACID_POLICY")))
		return r;
	/* runtimes pass argv[0] and the hook's args only */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			/* asked for: the one time stdout is used */
			fputs(usage, stdout);
			return -1;
		}
		if (strncmp(argv[i], "--policy=", 9) == 0) {
			if ((r = parse_policy(h, argv[i] + 9, "--policy")))
				return r;
			continue;
		}
		/* a wrong stage is told after the state, as it always was */
		r = oci_stage_arg(argc, argv, &i, &from_args,
				  stage_err[0] ? err : stage_err,
				  sizeof(stage_err));
		if (r == 0) {
			hook_error(h, "unknown argument \"%s\" (see --help)",
				   hook_quote(argv[i], err, sizeof(err)));
			return 2;
		}
	}

	if (oci_state_read(STDIN_FILENO, &h->state, err, sizeof(err)) < 0) {
		hook_error(h, "%s", err);
		return 1;
	}
	if (stage_err[0]) {
		hook_error(h, "%s", stage_err);
		return 2;
	}
	h->stage = oci_stage_resolve(from_args, &h->state, err, sizeof(err));
	if (h->stage == OCI_STAGE_UNKNOWN) {
		hook_error(h, "%s", err);
		return 2;
	}
	return 0;
}

void hook_fini(struct hook *h)
{
	oci_state_free(&h->state);
	closelog();
}
