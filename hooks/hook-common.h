/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the two OCI hooks share: diagnostics (stderr and syslog, never
 * stdout), the policy option, and reading the state with its stage.
 */
#ifndef ACID_HOOK_COMMON_H
#define ACID_HOOK_COMMON_H

#include "oci-state.h"

enum hook_policy {
	HOOK_FAIL_CLOSED = 0,	/* no audit record, no container (default) */
	HOOK_WARN = 1,		/* a failed record is only a warning */
};

struct hook {
	const char *prog;
	enum hook_policy policy;
	enum oci_stage stage;
	struct oci_state state;
};

/* One line to stderr and the same to syslog. */
void hook_error(const struct hook *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hook_warn(const struct hook *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Parse the ACID_POLICY environment variable, argv in one pass
 * (--policy=fail|warn, --help, a stage as oci_stage_arg takes it), then
 * the state on standard input, then decide the stage.
 * Returns 0, or the exit status to leave with (a message is out already).
 */
int hook_init(struct hook *h, const char *prog, int argc, char **argv,
	      const char *usage);
void hook_fini(struct hook *h);

/* Quote @s for a one-line message: control bytes escaped, bounded. */
const char *hook_quote(const char *s, char *buf, size_t len);

#endif
