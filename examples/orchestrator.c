// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A minimal orchestrator: the usage documentation of libacid.
 *
 *   acid-example-orchestrator [--name NAME] [--id ID] -- COMMAND [ARG...]
 *
 * It forks a child that waits on a pipe, registers the child as the first
 * process of a container, sends the register record, lets the child exec
 * COMMAND, waits for it, sends the destroy record and removes the entry.
 * It prints "uuid=<id> pid=<child pid>" on stdout once registered, and
 * exits with COMMAND's status.
 *
 * Build it outside the tree with:
 *   cc orchestrator.c $(pkg-config --cflags --libs acid)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <acid/libacid.h>

static int usage(void)
{
	fprintf(stderr, "usage: acid-example-orchestrator [--name NAME] "
			"[--id ID] -- COMMAND [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *name = "example", *idtext = NULL;
	struct acid_ctx *ctx = NULL;
	struct acid_entry *entry = NULL;
	struct acid_id id;
	char idbuf[ACID_ID_STRLEN];
	int go[2], status, i, r;
	pid_t child;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
		} else if (strcmp(argv[i], "--id") == 0 && i + 1 < argc) {
			idtext = argv[++i];
		} else {
			return usage();
		}
	}
	if (i >= argc)
		return usage();
	if (idtext && acid_id_parse(idtext, &id) < 0) {
		fprintf(stderr, "orchestrator: --id %s: %s\n", idtext,
			acid_strerror(-EINVAL));
		return 2;
	}

	r = acid_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "orchestrator: %s\n", acid_strerror(r));
		return 1;
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		perror("orchestrator: pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("orchestrator: fork");
		return 1;
	}
	if (child == 0) {
		char c;

		/* wait until registered: nothing may run unattributed */
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[i], argv + i);
		fprintf(stderr, "orchestrator: exec %s: %s\n", argv[i],
			strerror(errno));
		_exit(127);
	}
	close(go[0]);

	struct acid_reg req = {
		.size = sizeof(req),
		.pid = child,
		.id = idtext ? &id : NULL,
		.name = name,
	};
	/* registration and register record, one step: no record, no
	 * container (acid_start undoes what it did) */
	r = acid_start(ctx, &req, 0, &entry, NULL);
	if (r < 0) {
		fprintf(stderr, "orchestrator: start of pid %d: %s\n",
			(int)child, acid_ctx_errmsg(ctx));
		goto kill_child;
	}
	acid_id_format(acid_entry_id(entry), idbuf, sizeof(idbuf));
	printf("uuid=%s pid=%d\n", idbuf, (int)child);
	fflush(stdout);

	if (write(go[1], "g", 1) != 1) {
		perror("orchestrator: start child");
		goto kill_child;
	}
	close(go[1]);
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("orchestrator: waitpid");
			return 1;
		}
	}
	/* stop record and entry removal, one step; a record that cannot be
	 * sent leaves the entry for acid gc */
	r = acid_unregister(ctx, entry, "exit");
	if (r < 0)
		fprintf(stderr, "orchestrator: destroy record: %s\n",
			acid_ctx_errmsg(ctx));
	acid_entry_free(entry);
	acid_ctx_free(ctx);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);

kill_child:
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	acid_entry_free(entry);
	acid_ctx_free(ctx);
	return 1;
}
