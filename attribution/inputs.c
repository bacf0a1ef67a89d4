// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * inputs.c - where the records come from: auditd's log files (its config
 * and rotated files), and lines cut out of bytes, file descriptors and
 * files, handed to the reader one record at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "internal.h"

/*
 * Read in big chunks: the logs are large and the per-call cost adds up.
 * Small inputs get a buffer their size, never less than two of the
 * longest lines, so that a line is seen whole where it can be.
 */
#define READ_CHUNK (4u << 20)
#define MIN_CHUNK (2u * ACID_ATTR_MAX_LINE)

/* log_file from auditd.conf: "log_file = /path", comments with '#'. */
static char *conf_log_file(const char *conf)
{
	char line[4096], *found = NULL;
	FILE *f = fopen(conf, "re");

	if (!f)
		return strdup(ACID_ATTR_DEFAULT_LOG);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *e;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "log_file", 8) != 0)
			continue;
		p += 8;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == ' ' ||
				 e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (*p != '/')
			continue; /* auditd takes absolute paths only */
		free(found);
		found = strdup(p);
		if (!found)
			break;
	}
	fclose(f);
	return found ? found : strdup(ACID_ATTR_DEFAULT_LOG);
}

API void acid_attr_free_inputs(char **files)
{
	if (!files)
		return;
	for (char **p = files; *p; p++)
		free(*p);
	free(files);
}

API int acid_attr_default_inputs(const char *conf, char ***files, size_t *n)
{
	char *base = conf_log_file(conf ? conf : ACID_ATTR_AUDITD_CONF);
	char **list = NULL;
	unsigned int rotated = 0;
	size_t k = 0;
	bool have_base;

	if (!base)
		return -ENOMEM;
	/* auditd rotates log_file to .1, .1 to .2, ...: no gaps */
	for (;;) {
		char name[PATH_MAX];

		if (rotated >= 9999 ||
		    snprintf(name, sizeof(name), "%s.%u", base, rotated + 1) >=
			    (int)sizeof(name) ||
		    access(name, F_OK) != 0)
			break;
		rotated++;
	}
	have_base = access(base, F_OK) == 0;
	list = calloc(rotated + 2, sizeof(*list));
	if (!list) {
		free(base);
		return -ENOMEM;
	}
	for (unsigned int i = rotated; i >= 1; i--) {
		if (asprintf(&list[k], "%s.%u", base, i) < 0) {
			list[k] = NULL;
			acid_attr_free_inputs(list);
			free(base);
			return -ENOMEM;
		}
		k++;
	}
	if (have_base || k == 0)
		list[k++] = base;
	else
		free(base);
	*files = list;
	*n = k;
	return have_base || rotated ? 0 : -ENOENT;
}

/* Append @len bytes to the line not complete yet. */
static int part_add(struct acid_attr *a, const char *data, size_t len)
{
	if (grow(&a->part, &a->cappart, a->npart + len + 1, 1) < 0)
		return -ENOMEM;
	memcpy(a->part + a->npart, data, len);
	a->npart += len;
	return 0;
}

/* One complete line (without its newline), counted. */
static int one_line(struct acid_attr *a, const char *line, size_t len)
{
	a->lineno++;
	return stream_record(a, line, len);
}

API int acid_attr_feed_bytes(struct acid_attr *a, const char *data, size_t len)
{
	int r = 0;

	while (len && !r) {
		const char *nl = memchr(data, '\n', len);
		size_t seg = nl ? (size_t)(nl - data) : len;

		if (a->skipping) {
			/* the end of a line too long to be a record */
			if (!nl)
				return 0;
			a->lineno++;
			a->skipping = false;
		} else if (!nl) {
			if (part_add(a, data, seg) < 0)
				return -ENOMEM;
			if (a->npart > ACID_ATTR_MAX_LINE) {
				a->lineno++;
				warn_at(a, ACID_ATTR_WARN_NOT_RECORD, true,
					NULL, NULL, "line longer than %d "
					"bytes, more than any audit record: "
					"skipped", ACID_ATTR_MAX_LINE);
				a->lineno--;
				a->skipping = true;
				a->npart = 0;
			}
			return 0;
		} else if (a->npart) {
			if (a->npart + seg > ACID_ATTR_MAX_LINE) {
				/* too long: said so without copying it */
				a->lineno++;
				warn_at(a, ACID_ATTR_WARN_NOT_RECORD, true,
					NULL, NULL, "line of %zu bytes, more "
					"than any audit record: skipped",
					a->npart + seg);
			} else if (part_add(a, data, seg) < 0) {
				return -ENOMEM;
			} else {
				r = one_line(a, a->part, a->npart);
			}
			a->npart = 0;
		} else {
			r = one_line(a, data, seg);
		}
		data += seg + 1;
		len -= seg + 1;
	}
	return r;
}

API int acid_attr_end_source(struct acid_attr *a)
{
	size_t n = a->npart;

	a->skipping = false;
	if (!n)
		return 0;
	/* a last line without its newline: auditd may be writing it */
	a->npart = 0;
	return one_line(a, a->part, n);
}

API int acid_attr_feed_fd(struct acid_attr *a, int fd, const char *name)
{
	size_t chunk = MIN_CHUNK;
	struct stat st;
	char *buf;
	int r;

	r = acid_attr_set_source(a, name);
	if (r < 0)
		return r;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (st.st_size >= READ_CHUNK)
			chunk = READ_CHUNK;
		else if ((size_t)st.st_size + 1 > chunk)
			chunk = (size_t)st.st_size + 1;
	}
	buf = malloc(chunk);
	if (!buf)
		return -ENOMEM;
	for (r = 0; !r;) {
		ssize_t got = read(fd, buf, chunk);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = -errno;
			break;
		}
		if (got == 0) {
			r = acid_attr_end_source(a);
			break;
		}
		r = acid_attr_feed_bytes(a, buf, (size_t)got);
	}
	free(buf);
	return r;
}

API int acid_attr_feed_file(struct acid_attr *a, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = acid_attr_feed_fd(a, fd, path);
	close(fd);
	return r;
}
