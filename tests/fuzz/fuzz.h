/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared bits of the libFuzzer harnesses in this directory.
 *
 * A harness is one file, fuzz-<name>.c, defining LLVMFuzzerTestOneInput.
 * scripts/fuzz.sh compiles it with every lib/ source file and links
 * yajl, uuid, audit and libcap-ng. Lines of the form
 *
 *   // fuzz-sources: path/a.c path/b.c   (more sources, repository-relative)
 *   // fuzz-pkgs: name ...               (more pkg-config packages)
 *   // fuzz-options: -max_len=N ...      (libFuzzer options for runs)
 *
 * anywhere in the harness add to that. A failed check prints what was
 * wrong and traps, so libFuzzer saves the input as a crash.
 */
#ifndef ACID_FUZZ_H
#define ACID_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FUZZ_CHECK(cond, ...)                                              \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: check failed: %s: ",       \
				__FILE__, __LINE__, #cond);                \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
			__builtin_trap();                                  \
		}                                                          \
	} while (0)

/* True when every byte of s[0..n) is printable ASCII (0x20 .. 0x7e). */
static inline int fuzz_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* ACID_FUZZ_H */
