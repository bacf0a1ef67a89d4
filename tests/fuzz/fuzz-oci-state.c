// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz-oci-state: the OCI state reader of the hooks (hooks/oci-state.c).
 * The input is what a runtime writes to a hook's standard input.
 *
 * Checks, beyond the sanitizers:
 *  - failure: a non-empty one-line message of printable ASCII (it goes
 *    straight to stderr and syslog) and a state holding nothing (pid -1);
 *  - success: id present, non-empty, at most 1024 bytes; bundle absolute;
 *    pid -1 or 0 .. PID_MAX_LIMIT; no control byte in any copied string;
 *  - oci_stage_resolve with no stage from the arguments (and no "stage"
 *    variable) derives the stage from the pid alone; oci_stage_arg, given
 *    arguments taken from the state, names a stage or gives a one-line
 *    message, never both, and never steps past argv.
 */
// fuzz-sources: hooks/oci-state.c
// fuzz-options: -max_len=8192
#include <stdlib.h>
#include <string.h>

#include "oci-state.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* oci_stage_resolve reads it; the checks below assume it unset */
	unsetenv("stage");
	return 0;
}

static void check_string(const char *what, const char *s, size_t max)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	FUZZ_CHECK(n <= max, "%s is %zu bytes", what, n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 &&
				   (unsigned char)s[i] != 0x7f,
			   "%s has control byte 0x%02x at %zu", what,
			   (unsigned char)s[i], i);
}

static void check_message(const char *err, size_t errlen)
{
	size_t n = strnlen(err, errlen);

	FUZZ_CHECK(n < errlen, "message not terminated");
	FUZZ_CHECK(n > 0, "failure without a message");
	FUZZ_CHECK(fuzz_printable(err, n), "message not printable: %s", err);
}

static void check_empty(const struct oci_state *st)
{
	FUZZ_CHECK(!st->oci_version && !st->id && !st->status && !st->bundle &&
			   !st->container_id && st->pid == -1,
		   "state not empty after a failure");
}

static void resolve(const struct oci_state *st)
{
	enum oci_stage s, found = OCI_STAGE_UNKNOWN;
	char err[512];
	char *argv[6];
	int argc = 0, r = 0;

	/* no stage in the arguments, as a runtime that passes none */
	s = oci_stage_resolve(OCI_STAGE_UNKNOWN, st, err, sizeof(err));
	FUZZ_CHECK(s == (st->pid > 0 ? OCI_STAGE_PRESTART : OCI_STAGE_POSTSTOP),
		   "no stage argument, pid %lld: stage %d", st->pid, (int)s);
	FUZZ_CHECK(err[0] == '\0', "message with a stage: %s", err);

	/* arguments from the state's own strings (a hostile hook config) */
	argv[argc++] = "acid-prestart";
	if (st->status)
		argv[argc++] = st->status;
	if (st->oci_version) {
		argv[argc++] = "--stage";
		argv[argc++] = st->oci_version;
	}
	if (st->container_id)
		argv[argc++] = st->container_id;
	argv[argc] = NULL;
	err[0] = '\0';
	for (int i = 1; i < argc && r >= 0; i++) {
		r = oci_stage_arg(argc, argv, &i, &found, err, sizeof(err));
		FUZZ_CHECK(i < argc, "argument %d of %d", i, argc);
		if (r < 0)
			check_message(err, sizeof(err));
		else
			FUZZ_CHECK(err[0] == '\0', "message with %d: %s", r,
				   err);
	}
	if (r < 0)
		return;
	s = oci_stage_resolve(found, st, err, sizeof(err));
	FUZZ_CHECK(s != OCI_STAGE_UNKNOWN, "no stage: %s", err);
	FUZZ_CHECK(err[0] == '\0', "message with a stage: %s", err);
	FUZZ_CHECK(strcmp(oci_stage_name(s), "") != 0, "stage without a name");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_state st;
	char err[512];
	int r;

	/* the buffer is not NUL-terminated: ASan sees any read past it */
	r = oci_state_parse((const char *)data, size, &st, err, sizeof(err));
	if (r != 0) {
		FUZZ_CHECK(r == -1, "returned %d", r);
		check_message(err, sizeof(err));
		check_empty(&st);
		oci_state_free(&st);
		return 0;
	}
	FUZZ_CHECK(st.id && st.id[0], "success without an id");
	check_string("id", st.id, 1024);
	check_string("bundle", st.bundle, 4096);
	check_string("status", st.status, 4096);
	check_string("ociVersion", st.oci_version, 4096);
	check_string("container-id", st.container_id, 4096);
	FUZZ_CHECK(!st.bundle || st.bundle[0] == '/', "bundle %s", st.bundle);
	FUZZ_CHECK(st.pid >= -1 && st.pid <= 4194304, "pid %lld", st.pid);

	resolve(&st);

	oci_state_free(&st);
	check_empty(&st);
	oci_state_free(&st); /* idempotent */
	return 0;
}
