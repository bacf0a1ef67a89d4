/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config-file.h - an OCI config.json read, checked and replaced in place:
 * what `acid seccomp --in-place` and acid-runtime both do to a bundle's
 * config. Nothing here prints: a failure leaves its reason in @why, the
 * text that follows "<path>: " in the caller's one error line.
 */
#ifndef ACID_TOOLS_CONFIG_FILE_H
#define ACID_TOOLS_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* larger than any config a runtime writes */
#define CONFIG_MAX (16u << 20)

/*
 * The text of @path (NUL-terminated, *@len bytes) and in *@st the file it
 * came from: a regular file of at most CONFIG_MAX bytes. With @nofollow a
 * symbolic link at the name is refused: NULL with errno ELOOP and @why
 * empty, for the caller to say in its own words. NULL with errno set and
 * @why filled for any other failure.
 */
char *config_read(const char *path, bool nofollow, size_t *len,
		  struct stat *st, char *why, size_t whylen);

/*
 * Is @text (@len bytes) plain JSON that yajl's tree can hold: no comments
 * (yajl_tree_parse would take them, and drop them), nesting at most
 * @depth_max deep (the tree is freed recursively), no NUL in a string?
 * false with @why filled ("nested too deeply", "has a string with a NUL
 * byte", "not valid JSON: ...", "out of memory").
 */
bool config_check_json(const char *text, size_t len, unsigned int depth_max,
		       char *why, size_t whylen);

/*
 * Replace @path - the file read, @st - by @len bytes of @buf, atomically:
 * a temporary file in the same directory, named after @tmp_base, with the
 * old file's owner and mode, synced, renamed over the name. Should the name
 * have become another file or a link since it was read, it is left alone
 * (@who, the program, is named in that reason). false with @why filled.
 */
bool config_replace(const char *path, const struct stat *st, const void *buf,
		    size_t len, const char *tmp_base, const char *who,
		    char *why, size_t whylen);

#endif
