// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An OCI config.json read, checked and replaced in place (config-file.h):
 * shared by `acid seccomp --in-place` and acid-runtime.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "config-file.h"

static void say(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

char *config_read(const char *path, bool nofollow, size_t *len,
		  struct stat *st, char *why, size_t whylen)
{
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd, e;

	why[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
			(nofollow ? O_NOFOLLOW : 0));
	if (fd < 0 && nofollow && errno == ELOOP)
		return NULL;
	if (fd < 0) {
		e = errno;
		say(why, whylen, "%s", strerror(e));
		errno = e;
		return NULL;
	}
	errno = 0;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		e = errno ? errno : EINVAL;
		say(why, whylen, "%s", errno ? strerror(errno) :
						"not a regular file");
		goto fail;
	}
	if ((uint64_t)st->st_size > CONFIG_MAX) {
		e = EFBIG;
		say(why, whylen, "larger than %u MiB", CONFIG_MAX >> 20);
		goto fail;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf) {
		e = ENOMEM;
		say(why, whylen, "out of memory");
		goto fail;
	}
	/* up to the size fstat gave: a file that grows is read as it was */
	while (n < (size_t)st->st_size &&
	       (r = read(fd, buf + n, (size_t)st->st_size - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			say(why, whylen, "%s", strerror(e));
			free(buf);
			goto fail;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	close(fd);
	errno = e;
	return NULL;
}

/* ---------------------------------------------------- the JSON check */

struct scan {
	unsigned int depth, depth_max;
	const char *problem;
};

static int scan_open(void *ctx)
{
	struct scan *s = ctx;

	if (++s->depth > s->depth_max) {
		s->problem = "nested too deeply";
		return 0;
	}
	return 1;
}

static int scan_close(void *ctx)
{
	((struct scan *)ctx)->depth--;
	return 1;
}

static int scan_string(void *ctx, const unsigned char *s, size_t len)
{
	/* yajl's tree keeps C strings: a NUL inside one would cut it */
	if (memchr(s, 0, len)) {
		((struct scan *)ctx)->problem = "has a string with a NUL byte";
		return 0;
	}
	return 1;
}

static const yajl_callbacks scan_callbacks = {
	.yajl_string = scan_string,
	.yajl_map_key = scan_string,
	.yajl_start_map = scan_open,
	.yajl_end_map = scan_close,
	.yajl_start_array = scan_open,
	.yajl_end_array = scan_close,
};

bool config_check_json(const char *text, size_t len, unsigned int depth_max,
		       char *why, size_t whylen)
{
	struct scan s = { .depth_max = depth_max };
	yajl_handle h = yajl_alloc(&scan_callbacks, NULL, &s);
	yajl_status st;
	bool good;

	if (!h) {
		say(why, whylen, "out of memory");
		return false;
	}
	/* without yajl_allow_comments the event parser refuses them */
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	good = st == yajl_status_ok;
	if (!good && s.problem) {
		say(why, whylen, "%s", s.problem);
	} else if (!good) {
		unsigned char *e = yajl_get_error(h, 0, NULL, 0);
		char *nl = e ? strchr((char *)e, '\n') : NULL;

		if (nl)
			*nl = '\0';
		say(why, whylen, "not valid JSON: %s",
		    e ? (char *)e : "parse error");
		if (e)
			yajl_free_error(h, e);
	}
	yajl_free(h);
	return good;
}

/* ------------------------------------------------------ the replace */

bool config_replace(const char *path, const struct stat *st, const void *buf,
		    size_t len, const char *tmp_base, const char *who,
		    char *why, size_t whylen)
{
	char *copy = strdup(path), *tmp = NULL;
	const char *dir = NULL;
	struct stat now;
	size_t off = 0;
	bool good = false;
	int fd = -1, dfd;

	if (copy)
		dir = dirname(copy);
	if (!dir || asprintf(&tmp, "%s/.%s.acid-XXXXXX", dir, tmp_base) < 0) {
		tmp = NULL;
		say(why, whylen, "out of memory");
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);	/* O_EXCL: never through a link */
	if (fd < 0) {
		say(why, whylen, "cannot create a temporary file beside it: %s",
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchown(fd, st->st_uid, st->st_gid) < 0 ||
	    fchmod(fd, st->st_mode & 07777) < 0) {
		say(why, whylen, "cannot give the new file the old one's owner "
		    "and mode: %s", strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say(why, whylen, "writing: %s", strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		say(why, whylen, "writing: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	/* rename() replaces the name, never what a link points to: but the
	 * name must still be the file read */
	if (lstat(path, &now) < 0 || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino) {
		say(why, whylen, "replaced by another file or a link while %s "
		    "ran; left as it is", who);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		say(why, whylen, "%s", strerror(errno));
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
	return good;
}
