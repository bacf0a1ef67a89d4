/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec-args: which container a runtime's `exec` command line names, as
 * acid-exec reads it (runc's and crun's command lines: their global
 * options, the subcommand, exec's options, then the container id).
 */
#ifndef ACID_EXEC_ARGS_H
#define ACID_EXEC_ARGS_H

#include <stddef.h>

/* the most places an id may be at (unknown options multiply them) */
#define EXEC_ARGS_MAX 8

/*
 * exec_args_ids - where the container id of an `exec` command is in
 * @argv (@argc entries: the runtime's argv[0], then its arguments).
 * Fills @ids with the argv indexes that may hold it, each once, in
 * increasing order, and returns how many (at most EXEC_ARGS_MAX):
 *   0  not an exec (another subcommand, none, --help or --version), or
 *      an exec without a container id (the runtime says what is wrong);
 *   1  the id's place;
 *   more: an option neither runc nor crun knows, given without "=",
 *      may or may not take the next argument: each reading counts.
 */
size_t exec_args_ids(int argc, char *const argv[], int ids[EXEC_ARGS_MAX]);

#endif /* ACID_EXEC_ARGS_H */
