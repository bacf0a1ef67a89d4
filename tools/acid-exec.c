// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-exec: run an OCI runtime in a fresh kernel audit session.
 *
 * It writes its own /proc/self/loginuid, which gives it a new audit
 * session (ses=); the runtime, its hooks and the container inherit it, so
 * every kernel record of the container carries that one number, and
 * acid-prestart puts it in the register record as ses-tag=. acid-exec
 * stays the runtime's parent (the hooks find it as their ancestor; on a
 * kernel with the audit container ID interface only an ancestor may
 * register), passes signals on, and exits as the runtime did.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <acid/libacid.h>

static const char usage[] =
	"usage: acid-exec [--uid UID] RUNTIME [ARGS...]\n"
	"\n"
	"Run RUNTIME (runc, crun, ...) with ARGS in a fresh kernel audit\n"
	"session, so that every audit record of the containers it starts\n"
	"carries one ses= number (ausearch --session N, acid events).\n"
	"Usable as an engine's runtime path: arguments, signals and the exit\n"
	"status pass through.\n"
	"\n"
	"Opt-in, because it is not free: it sets the audit uid (auid) of\n"
	"every record of the runtime and its containers to UID: by default\n"
	"the caller's current loginuid, or its real uid where loginuid is\n"
	"unset. Needs CAP_AUDIT_CONTROL, and a loginuid that is not\n"
	"immutable (auditctl --loginuid-immutable forbids this).\n";

static pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static uid_t default_uid(void)
{
	FILE *f = fopen("/proc/self/loginuid", "re");
	unsigned long v = 4294967295UL;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 4294967295UL;
		fclose(f);
	}
	return v == 4294967295UL ? getuid() : (uid_t)v;
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };
	struct acid_ctx *ctx;
	uid_t uid;
	uint32_t ses;
	int i = 1, r, status;
	bool uid_given = false;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
			 strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--uid") == 0) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(argv[2], &end, 10);
		if (errno || !*argv[2] || *end || v >= 4294967295UL ||
		    argv[2][0] == '-') {
			fprintf(stderr, "acid-exec: --uid \"%s\" is not a uid\n",
				argv[2]);
			return 2;
		}
		uid = (uid_t)v;
		uid_given = true;
		i = 3;
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (!uid_given)
		uid = default_uid();

	r = acid_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "acid-exec: %s\n", acid_strerror(r));
		return 1;
	}
	r = acid_session_new(ctx, uid, &ses);
	acid_ctx_free(ctx);
	if (r == -EACCES) {
		fprintf(stderr, "acid-exec: cannot start a new audit session: "
				"loginuid is immutable (auditctl "
				"--loginuid-immutable) and already set\n");
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "acid-exec: cannot start a new audit session "
				"for uid %u: %s\n", (unsigned int)uid,
			acid_strerror(r));
		return 1;
	}

	struct sigaction sa = { .sa_handler = forward };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigaction(sigs[k], &sa, NULL);

	child = fork();
	if (child < 0) {
		perror("acid-exec: fork");
		return 1;
	}
	if (child == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
			sigaction(sigs[k], &dfl, NULL);
		execvp(argv[i], argv + i);
		fprintf(stderr, "acid-exec: %s: %s\n", argv[i],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("acid-exec: waitpid");
			return 1;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* die of the same signal, so our parent sees what the runtime did */
	signal(WTERMSIG(status), SIG_DFL);
	raise(WTERMSIG(status));
	return 128 + WTERMSIG(status);
}
