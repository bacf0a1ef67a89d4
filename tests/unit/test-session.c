// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-session - acid_session_tag() under the real acid-exec (its path is
 * argv[1]): acid-exec runs this program again ("child MODE") in the fresh
 * session it made, and the child asks for its own tag.
 *   tagged   under acid-exec: the tag is acid-exec's session, which is
 *            the child's own
 *   unset    the child puts itself in no session first (loginuid written
 *            unset, as a process with CAP_AUDIT_CONTROL may): no tag,
 *            -ENOENT; the child's records carry ses=unset, so would the
 *            container's a runtime there started (the walk up to
 *            acid-exec is not made: before, it answered acid-exec's
 *            session, one no record of the container carries)
 *   bare     not under acid-exec (in whatever session the test runs):
 *            -ENOENT
 *   session  not under acid-exec, in a session of its own: -ENOENT
 * The child writes "<r> <ses> <own session>" to standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <acid/libacid.h>

#include "tap.h"

static int read_u32(const char *path, uint32_t *v)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*v = (uint32_t)strtoul(buf, NULL, 10);
	return 0;
}

static int write_loginuid(const char *value)
{
	int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int child(const char *mode)
{
	struct acid_ctx *ctx = NULL;
	uint32_t ses = 0, own = 0;
	int r;

	if (strcmp(mode, "unset") == 0 &&
	    write_loginuid("4294967295") < 0)
		return 3;
	if (strcmp(mode, "session") == 0 && write_loginuid("0") < 0)
		return 3;
	if (acid_ctx_new(NULL, &ctx) < 0)
		return 4;
	r = acid_session_tag(ctx, getpid(), &ses);
	read_u32("/proc/self/sessionid", &own);
	printf("%d %u %u\n", r, (unsigned int)ses, (unsigned int)own);
	acid_ctx_free(ctx);
	return 0;
}

/* run @argv, its standard output in @out: the child's exit status */
static int run(char *const argv[], char *out, size_t len)
{
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out + got, len - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void check(const char *exec, const char *self, const char *mode)
{
	char out[256];
	char *under[] = { (char *)exec, (char *)self, "child", (char *)mode,
			  NULL };
	char *alone[] = { (char *)self, "child", (char *)mode, NULL };
	int r = 0, st;
	unsigned int ses = 0, own = 0;
	bool tagged = strcmp(mode, "tagged") == 0;
	bool is_under = tagged || strcmp(mode, "unset") == 0;

	st = run(is_under ? under : alone, out, sizeof(out));
	if (!ok(st == 0 && sscanf(out, "%d %u %u", &r, &ses, &own) == 3,
		"%s: the child ran (exit %d) and answered \"%.*s\"", mode, st,
		(int)strcspn(out, "\n"), out))
		return;
	if (tagged) {
		ok(r == 0 && ses == own && own != 4294967295u,
		   "%s: tag %u, the child's own session %u (r %d)", mode, ses,
		   own, r);
		return;
	}
	ok(r == -ENOENT, "%s: no tag (own session %u): %d (%s)", mode, own, r,
	   r < 0 ? strerror(-r) : "a tag");
	if (strcmp(mode, "unset") == 0)
		ok(own == 4294967295u, "%s: the child is in no session (%u)",
		   mode, own);
}

int main(int argc, char **argv)
{
	char self[4096];

	if (argc > 2 && strcmp(argv[1], "child") == 0)
		return child(argv[2]);
	if (argc < 2) {
		fprintf(stderr, "usage: test-session ACID_EXEC\n");
		return 2;
	}
	if (geteuid() != 0) {
		printf("not ok 1 - test-session needs root (acid-exec writes "
		       "loginuid)\n1..1\n");
		return 1;
	}
	if (!realpath("/proc/self/exe", self)) {
		perror("realpath /proc/self/exe");
		return 1;
	}
	check(argv[1], self, "tagged");
	check(argv[1], self, "unset");
	check(argv[1], self, "bare");
	check(argv[1], self, "session");
	return tap_done();
}
