// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid seccomp [--in-place] CONFIG.json: add libacid's audit-socket and
 * io_uring rules to an OCI bundle config's linux.seccomp, so that runc or
 * crun keep the container off the audit socket. The command line and the
 * file: seccomp-plan.c decides what changes (and says why), seccomp-json.c
 * reads and writes the JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp-json.h"
#include "seccomp-plan.h"
#include "tool.h"

#define CMD "seccomp"
/* bounds on what we read: configs are a few KiB, profiles ~30 KiB */
#define CONFIG_MAX (16u << 20)

static const char seccomp_usage[] =
	"usage: acid seccomp [--in-place] CONFIG.json\n"
	"\n"
	"Add acid's rules to the OCI config's linux.seccomp: inside the\n"
	"container socket(AF_NETLINK, *, NETLINK_AUDIT) then fails with\n"
	"EPROTONOSUPPORT (\"audit not in this kernel\"), so that it cannot\n"
	"forge audit records, while PAM and the rest carry on; io_uring,\n"
	"which makes sockets without socket(), fails with ENOSYS (said on\n"
	"stderr when the profile allowed it). A config without seccomp gets\n"
	"a section that allows everything else. Rules of an existing profile\n"
	"that would override acid's are narrowed; everything else is kept as\n"
	"it was. Running it twice changes nothing.\n"
	"\n"
	"Prints the new config, or with --in-place (-i) replaces CONFIG.json\n"
	"(atomically, same mode and owner; untouched when nothing changes).\n";

/*
 * The config's text, and in *@stp the file it came from. With @nofollow
 * (--in-place) a symbolic link is refused: the file replaced is the one
 * named, never what a link points to - or anyone who can write the
 * bundle directory could have root rewrite any JSON file.
 */
static char *read_config(const char *path, bool nofollow, size_t *len,
			 struct stat *stp)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));

	if (fd < 0 && nofollow && errno == ELOOP) {
		tool_error(CMD, "%s: is a symbolic link; --in-place replaces "
			   "only the file named, give its own path", path);
		return NULL;
	}
	if (fd < 0) {
		tool_error(CMD, "%s: %s", path, strerror(errno));
		return NULL;
	}
	errno = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		tool_error(CMD, "%s: %s", path,
			   errno ? strerror(errno) : "not a regular file");
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > CONFIG_MAX) {
		tool_error(CMD, "%s: larger than %u MiB", path,
			   CONFIG_MAX >> 20);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		tool_error(CMD, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	/* read to the end, bounded, in case the file grew */
	while ((r = read(fd, buf + n, (size_t)st.st_size - n)) > 0)
		n += (size_t)r;
	if (r < 0) {
		tool_error(CMD, "%s: %s", path, strerror(errno));
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	*stp = st;
	return buf;
}

/*
 * Replace @path - the file read, @st - by @len bytes of @buf, atomically:
 * a temporary file in the same directory with the old file's mode and
 * owner, synced, renamed over the name. No symbolic link is followed at
 * the end of @path: read_config() refused one, and should the name have
 * been swapped for another file or a link since, it is refused here;
 * rename() replaces a directory entry, never what a link points to.
 */
static bool write_in_place(const char *path, const struct stat *st,
			   const char *buf, size_t len)
{
	char *copy = strdup(path), *copy2 = strdup(path), *tmp = NULL;
	const char *dir, *base;
	struct stat now;
	size_t off = 0;
	bool good = false;
	int fd = -1, dfd;

	if (!copy || !copy2) {
		tool_error(CMD, "%s: out of memory", path);
		goto out;
	}
	dir = dirname(copy);
	base = basename(copy2);
	if (asprintf(&tmp, "%s/.%s.acid-XXXXXX", dir, base) < 0) {
		tmp = NULL;
		tool_error(CMD, "%s: out of memory", path);
		goto out;
	}
	/* O_CREAT | O_EXCL: never through a link either */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		tool_error(CMD, "%s: cannot create a temporary file beside it: "
			   "%s", path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchown(fd, st->st_uid, st->st_gid) < 0 ||
	    fchmod(fd, st->st_mode & 07777) < 0) {
		tool_error(CMD, "%s: cannot give the new file the old one's "
			   "owner and mode: %s", path, strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			tool_error(CMD, "%s: writing: %s", path,
				   strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		tool_error(CMD, "%s: writing: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (lstat(path, &now) < 0 || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino) {
		tool_error(CMD, "%s: replaced by another file or a link while "
			   "acid seccomp ran; left as it is", path);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		tool_error(CMD, "%s: %s", path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* the rename itself, on disk */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	good = true;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(copy);
	free(copy2);
	return good;
}

int cmd_seccomp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "in-place", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct plan p = { 0 };
	yajl_gen g = NULL;
	char *text = NULL;
	const unsigned char *buf;
	bool in_place = false, planned;
	struct stat st;
	size_t len, outlen;
	int c, ret = EXIT_RUNTIME;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "ih", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			in_place = true;
			break;
		case 'h':
			fputs(seccomp_usage, stdout);
			return 0;
		default:
			tool_error(CMD, "unknown option \"%s\" (see --help)",
				   argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		tool_error(CMD, "%s (see --help)", optind == argc ?
			   "CONFIG.json is required" : "one CONFIG.json only");
		return EXIT_USAGE;
	}
	p.path = argv[optind];

	text = read_config(p.path, in_place, &len, &st);
	if (!text)
		goto out;
	p.root = seccomp_json_parse(p.path, text, len);
	if (!p.root)
		goto out;
	if (!YAJL_IS_OBJECT(p.root)) {
		tool_error(CMD, "%s: not a JSON object (an OCI config is one)",
			   p.path);
		goto out;
	}
	planned = plan_make(&p);
	if (p.x32_warning)
		fprintf(stderr,
			"acid %s: %s: warning: i386 socketcall(SYS_SOCKET) is "
			"left as the profile has it: with SCMP_ARCH_X32 listed "
			"and no unconditional rule, libseccomp < 2.6 would "
			"miscompile acid's socketcall rule\n", CMD, p.path);
	if (!planned) {
		tool_error(CMD, "%s", plan_error(&p));
		goto out;
	}
	if (in_place && !p.changed) {
		ret = 0;
		goto out;
	}

	g = seccomp_json_emit(&p, &buf, &outlen);
	if (!g)
		goto out;
	if (in_place) {
		if (!write_in_place(p.path, &st, (const char *)buf, outlen))
			goto out;
	} else if (fwrite(buf, 1, outlen, stdout) != outlen ||
		   fflush(stdout) != 0) {
		tool_error(CMD, "writing to stdout: %s", strerror(errno));
		goto out;
	}
	if (p.uring_open)
		fprintf(stderr, "acid %s: %s: io_uring closed: the profile "
			"allowed it, and its IORING_OP_SOCKET makes audit "
			"sockets without socket(); io_uring_setup, "
			"io_uring_enter and io_uring_register now fail with "
			"ENOSYS\n", CMD, p.path);
	ret = 0;
out:
	if (g)
		yajl_gen_free(g);
	yajl_tree_free(p.root);
	plan_free(&p);
	free(text);
	return ret;
}
