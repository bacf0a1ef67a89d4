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
 *
 * On such a kernel it also serves the hooks below it: a hook is the
 * container's sibling and the kernel refuses it the write (EXDEV), so it
 * asks acid-exec, the ancestor, on the unix socket
 * <state dir>/exec-<pid>.sock (lib/handoff.h, lib/handoff.c has the
 * protocol). The name is in the registry directory, root's and 0700: no
 * other user can take it first or connect. acid-exec refuses to run the
 * runtime when it cannot serve (the hooks would fail), drops at once a
 * peer that is not root or not its descendant, gives a peer
 * HANDOFF_DEADLINE_MS to send its request and never waits on one peer
 * while others wait. It answers only a peer that runs as root with
 * CAP_AUDIT_CONTROL and descends from it, for a target that descends
 * from it, and passes the kernel's errno back unchanged.
 *
 * `acid-exec RUNTIME ... exec ... ID ...` joins a process to a running
 * container, whose own session it does not share. When ID (exec-args.c
 * finds it in runc's and crun's command lines) names a registered,
 * living container, acid-exec sends the link record (acid_log_exec():
 * VIRT_CONTROL op=exec reason=session ses-tag=<its fresh session>
 * task-pid=<the runtime's pid>) before the runtime starts: its child
 * waits on a pipe until the record is in. A link that cannot be sent
 * (or a registry that cannot be read) stops the exec, as the hooks'
 * policy stops a container whose record cannot go: "fail" (the
 * default); with ACID_POLICY=warn or --policy=warn it is a warning and
 * the exec runs unlinked. An exec into a container acid does not know
 * runs as any other command.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec-args.h"
#include "handoff.h"
#include "internal.h"

static const char usage[] =
	"usage: acid-exec [--uid UID] [--policy=fail|warn] RUNTIME [ARGS...]\n"
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
	"immutable (auditctl --loginuid-immutable forbids this).\n"
	"\n"
	"On a kernel with the audit container ID interface it also writes\n"
	"the container IDs its hooks register, asked on a socket in the\n"
	"registry directory (ACID_STATE_DIR, default /run/acid: the hooks'\n"
	"must be the same); it runs nothing if it cannot serve there.\n"
	"\n"
	"RUNTIME [GLOBAL OPTIONS] exec [OPTIONS] ID ...: when ID is a\n"
	"registered container, the record linking this exec's session and\n"
	"the runtime's pid to it (VIRT_CONTROL op=exec) is sent before the\n"
	"runtime runs. --policy (else ACID_POLICY) says what a link that\n"
	"cannot be sent means: fail (default): the exec does not run; warn:\n"
	"a warning, and it runs unlinked.\n";

static pid_t child;
static int chld_pipe[2] = { -1, -1 };

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void on_sigchld(int sig)
{
	int e = errno;
	ssize_t n = write(chld_pipe[1], "c", 1);

	(void)n;
	(void)sig;
	errno = e;
}

/* The caller's loginuid, else (unset) its real uid. */
static uid_t default_uid(const struct acid_ctx *ctx)
{
	uint32_t v;

	if (session_loginuid(ctx, &v) < 0 || v == ACID_AUDIT_UNSET)
		return getuid();
	return (uid_t)v;
}

/* @s for a message line: no control byte reaches the terminal */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 1 < len; s++)
		buf[o++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	buf[o] = '\0';
	return buf;
}

enum policy { POLICY_FAIL = 0, POLICY_WARN };

static int policy_parse(const char *v, enum policy *p)
{
	if (!strcmp(v, "fail") || !strcmp(v, "fail-closed"))
		*p = POLICY_FAIL;
	else if (!strcmp(v, "warn"))
		*p = POLICY_WARN;
	else
		return -EINVAL;
	return 0;
}

/*
 * Of several entries named @name (a container that died without a stop,
 * its name used again; runtimes with other state roots), the one whose
 * first process lives: 0 and *@out, -ENOENT for none, -ENOTUNIQ (said on
 * *@why) for more than one.
 */
static int alive_by_name(struct acid_ctx *ctx, const char *name,
			 struct acid_entry **out, char *why, size_t len)
{
	struct acid_entry **list = NULL;
	size_t n = 0;
	int r = acid_list(ctx, &list, &n);

	*out = NULL;
	if (r < 0) {
		snprintf(why, len, "%s", acid_ctx_errmsg(ctx));
		return r;
	}
	for (size_t k = 0; k < n && r == 0; k++) {
		if (strcmp(acid_entry_name(list[k]), name) ||
		    acid_entry_alive(ctx, list[k]) != 1)
			continue;
		if (*out) {
			snprintf(why, len, "several living registered "
					   "containers are named \"%s\"",
				 name);
			r = -ENOTUNIQ;
			*out = NULL;
			break;
		}
		*out = list[k];
	}
	if (*out) {
		/* taken out of the list before it is freed */
		for (size_t k = 0; k < n; k++)
			if (list[k] == *out)
				list[k] = NULL;
	}
	acid_list_free(list, n);
	return r < 0 ? r : *out ? 0 : -ENOENT;
}

/*
 * The registered, living container an exec command line names, into
 * *@out: 1; 0 for none (not an exec, no id, an id acid does not know,
 * its container dead); or -errno, said in @why (@len bytes), when that
 * cannot be told.
 */
static int exec_target(struct acid_ctx *ctx, int argc, char *const argv[],
		       struct acid_entry **out, char *why, size_t len)
{
	int ids[EXEC_ARGS_MAX];
	size_t n = exec_args_ids(argc, argv, ids);
	struct acid_entry *found = NULL;

	*out = NULL;
	for (size_t k = 0; k < n; k++) {
		struct acid_entry *e = NULL;
		int r = acid_lookup_name(ctx, argv[ids[k]], NULL, &e);

		if (r == -ENOENT || r == -EINVAL) /* "": no name */
			continue;
		if (r == -ENOTUNIQ) {
			r = alive_by_name(ctx, argv[ids[k]], &e, why, len);
			if (r == -ENOENT)
				continue;
			if (r < 0) {
				acid_entry_free(found);
				return r;
			}
		}
		if (r < 0) {
			snprintf(why, len, "%s", acid_ctx_errmsg(ctx));
			acid_entry_free(found);
			return r;
		}
		r = acid_entry_alive(ctx, e);
		if (r < 0) {
			snprintf(why, len, "cannot tell whether the first "
					   "process of \"%s\" lives: %s",
				 argv[ids[k]], strerror(-r));
			acid_entry_free(e);
			acid_entry_free(found);
			return r;
		}
		if (r == 0) { /* died without a stop: acid gc's business */
			acid_entry_free(e);
			continue;
		}
		if (found && !acid_id_equal(acid_entry_id(found),
					    acid_entry_id(e))) {
			snprintf(why, len, "an option acid-exec does not know "
					   "leaves open whether \"%s\" or \"%s\" "
					   "is the container",
				 acid_entry_name(found), argv[ids[k]]);
			acid_entry_free(e);
			acid_entry_free(found);
			return -ENOTUNIQ;
		}
		acid_entry_free(found);
		found = e;
	}
	*out = found;
	return found ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };
	struct acid_ctx *ctx;
	struct handoff_server *server = NULL;
	struct acid_entry *target = NULL;
	enum policy policy = POLICY_FAIL;
	const char *env = getenv("ACID_POLICY");
	int go[2] = { -1, -1 };
	uid_t uid;
	uint32_t ses;
	int i, r, status;
	bool uid_given = false;

	static const struct option opts[] = {
		{ "uid", required_argument, NULL, 'u' },
		{ "policy", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	/* "+": the runtime's own arguments, from RUNTIME on, are not ours */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'P':
			if (policy_parse(optarg, &policy) < 0) {
				fprintf(stderr, "acid-exec: --policy \"%s\" is "
						"not fail or warn\n", optarg);
				return 2;
			}
			env = NULL; /* an argument wins */
			break;
		case 'u':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || v >= ACID_AUDIT_UNSET ||
			    optarg[0] == '-') {
				fprintf(stderr, "acid-exec: --uid \"%s\" is not "
						"a uid\n", optarg);
				return 2;
			}
			uid = (uid_t)v;
			uid_given = true;
			break;
		default:
			fprintf(stderr, "acid-exec: %s \"%s\" (see --help)\n",
				optopt == 'u' || optopt == 'P' ?
					"no value for option" :
					"unknown option",
				argv[optind - 1]);
			return 2;
		}
	}
	i = optind;
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (env && *env && policy_parse(env, &policy) < 0) {
		fprintf(stderr, "acid-exec: ACID_POLICY \"%s\" is not fail or "
				"warn\n", env);
		return 2;
	}
	r = acid_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "acid-exec: %s\n", acid_strerror(r));
		return 1;
	}
	if (!uid_given)
		uid = default_uid(ctx);
	r = acid_session_new(ctx, uid, &ses);
	if (r == -EACCES) {
		fprintf(stderr, "acid-exec: cannot start a new audit session: "
				"loginuid is immutable (auditctl "
				"--loginuid-immutable) and already set\n");
		goto fail;
	}
	if (r < 0) {
		fprintf(stderr, "acid-exec: cannot start a new audit session "
				"for uid %u: %s\n", (unsigned int)uid,
			acid_strerror(r));
		goto fail;
	}

	if (acid_ctx_mode(ctx) != ACID_MODE_USER) {
		const char *what;

		r = handoff_serve_open(ctx, &server, &what);
		if (r < 0) {
			/* the hooks could not register: run nothing */
			fprintf(stderr, "acid-exec: cannot serve the hooks' "
					"registrations (%s/exec-%d.sock: %s: "
					"%s): nothing run\n",
				acid_ctx_state_dir(ctx), (int)getpid(), what,
				r == -EPERM ? "not root's or not 0700" :
					      strerror(-r));
			goto fail;
		}
	}
	if (pipe2(chld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("acid-exec: pipe");
		goto fail;
	}

	/* an exec into a container acid knows: its link goes first */
	char why[512] = "";

	r = exec_target(ctx, argc - i, argv + i, &target, why, sizeof(why));
	if (r < 0) {
		char shown[512];

		fprintf(stderr, "acid-exec: %s: cannot tell which registered "
				"container it enters: %s\n",
			policy == POLICY_FAIL ?
				"the exec was not run (ACID_POLICY=warn runs "
				"it unlinked)" :
				"warning: the exec runs unlinked",
			printable(why, shown, sizeof(shown)));
		if (policy == POLICY_FAIL)
			goto fail;
	}
	if (target && pipe2(go, O_CLOEXEC) < 0) {
		perror("acid-exec: pipe");
		goto fail;
	}

	struct sigaction sa = { .sa_handler = forward };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigaction(sigs[k], &sa, NULL);
	struct sigaction sc = { .sa_handler = on_sigchld,
				.sa_flags = SA_RESTART | SA_NOCLDSTOP };
	sigemptyset(&sc.sa_mask);
	sigaction(SIGCHLD, &sc, NULL);

	child = fork();
	if (child < 0) {
		perror("acid-exec: fork");
		goto fail;
	}
	if (child == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
			sigaction(sigs[k], &dfl, NULL);
		if (target) {
			char ok = 0;

			/* the runtime starts once its link is in the log */
			close(go[1]);
			while (read(go[0], &ok, 1) < 0 && errno == EINTR)
				;
			if (ok != 'g')
				_exit(1);
		}
		execvp(argv[i], argv + i);
		fprintf(stderr, "acid-exec: %s: %s\n", argv[i],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (target) {
		close(go[0]);
		go[0] = -1;
		r = acid_log_exec(ctx, target, "session", child, ses, NULL);
		if (r < 0) {
			char id[ACID_ID_STRLEN];
			const char *name = acid_entry_name(target);
			char shown[256];

			acid_id_format(acid_entry_id(target), id, sizeof(id));
			fprintf(stderr, "acid-exec: %s: cannot link it to "
					"container \"%s\" (%s) and audit session "
					"%" PRIu32 ": %s\n",
				policy == POLICY_FAIL ?
					"the exec was not run (ACID_POLICY=warn "
					"runs it unlinked)" :
					"warning: the exec runs unlinked",
				printable(name, shown, sizeof(shown)), id, ses,
				acid_ctx_errmsg(ctx));
			if (policy == POLICY_FAIL) {
				/* the child exits unrun when the pipe closes */
				close(go[1]);
				go[1] = -1;
				while (waitpid(child, &status, 0) < 0 &&
				       errno == EINTR)
					;
				goto fail;
			}
		}
		if (write(go[1], "g", 1) != 1) {
			perror("acid-exec: pipe");
			goto fail;
		}
		close(go[1]);
		go[1] = -1;
	}
	/* wait for the runtime, serving the hooks' writes meanwhile */
	for (;;) {
		struct pollfd p[1 + 1 + HANDOFF_PEERS_MAX];
		pid_t w = waitpid(child, &status, WNOHANG);
		int np = 1, timeout = -1;
		char drain[64];

		if (w == child)
			break;
		if (w < 0 && errno != EINTR) {
			perror("acid-exec: waitpid");
			goto fail;
		}
		p[0] = (struct pollfd){ .fd = chld_pipe[0], .events = POLLIN };
		if (server)
			np += handoff_serve_pollfds(server, p + 1, &timeout);
		if (poll(p, (nfds_t)np, timeout) < 0 && errno != EINTR) {
			perror("acid-exec: poll");
			goto fail;
		}
		while (read(chld_pipe[0], drain, sizeof(drain)) > 0)
			;
		if (server)
			handoff_serve_events(server, p + 1, np - 1);
	}
	handoff_serve_close(server);
	acid_entry_free(target);
	acid_ctx_free(ctx);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* die of the same signal, so our parent sees what the runtime did */
	signal(WTERMSIG(status), SIG_DFL);
	raise(WTERMSIG(status));
	return 128 + WTERMSIG(status);
fail:
	if (go[1] >= 0)
		close(go[1]);
	handoff_serve_close(server);
	acid_entry_free(target);
	acid_ctx_free(ctx);
	return 1;
}
