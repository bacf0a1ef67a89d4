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

#include "config-file.h"
#include "seccomp-json.h"
#include "seccomp-plan.h"
#include "tool.h"

#define CMD "seccomp"
/* bounds on what we read: configs are a few KiB, profiles ~30 KiB */

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
 * The config's text, and in *@st the file it came from. With @nofollow
 * (--in-place) a symbolic link is refused: the file replaced is the one
 * named, never what a link points to - or anyone who can write the
 * bundle directory could have root rewrite any JSON file.
 */
static char *read_config(const char *path, bool nofollow, size_t *len,
			 struct stat *st)
{
	char why[512];
	char *text = config_read(path, nofollow, len, st, why, sizeof(why));

	if (!text && errno == ELOOP && !why[0])
		tool_error(CMD, "%s: is a symbolic link; --in-place replaces "
			   "only the file named, give its own path", path);
	else if (!text)
		tool_error(CMD, "%s: %s", path, why);
	return text;
}

/* Replace @path - the file read, @st - by @len bytes of @buf, atomically. */
static bool write_in_place(const char *path, const struct stat *st,
			   const char *buf, size_t len)
{
	char *copy = strdup(path), why[512];
	bool good = false;

	if (!copy)
		tool_error(CMD, "%s: out of memory", path);
	else if (!(good = config_replace(path, st, buf, len, basename(copy),
					 "acid seccomp", why, sizeof(why))))
		tool_error(CMD, "%s: %s", path, why);
	free(copy);
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
