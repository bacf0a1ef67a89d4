// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz-id: acid_id_parse on the input as a C string.
 *
 * On success: the ID is not zero; acid_id_format gives a canonical
 * lower-case UUID that parses back to the same ID and that is the input
 * itself up to case (UUID form) or up to case and dashes (32-hex form);
 * a decimal input is the ID's u64 in canonical decimal. acid_id_to_u64
 * succeeds exactly when the upper 64 bits are zero and the lower are not
 * (u64)-1, and its value parses back to the same ID.
 * On failure: -EINVAL and the output untouched.
 */
// fuzz-options: -max_len=64
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libacid.h"
#include "fuzz.h"

static int is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void check_u64(const struct acid_id *id)
{
	struct acid_id back;
	uint64_t v = 0, lo = 0;
	bool upper_zero = true;
	char dec[24];
	int r;

	for (int i = 0; i < 8; i++)
		upper_zero &= id->bytes[i] == 0;
	for (int i = 8; i < 16; i++)
		lo = lo << 8 | id->bytes[i];
	r = acid_id_to_u64(id, &v);
	if (!upper_zero) {
		FUZZ_CHECK(r == -ERANGE, "to_u64 of a non-u64 ID: %d", r);
		return;
	}
	/* (u64)-1 is the kernel's "unset", not an ID: EINVAL, as it says */
	if (lo == UINT64_MAX) {
		FUZZ_CHECK(r == -EINVAL, "to_u64 of the unset value: %d", r);
		return;
	}
	FUZZ_CHECK(r == 0, "to_u64 of a u64 ID: %d", r);
	FUZZ_CHECK(v == lo, "to_u64 %" PRIu64 " != %" PRIu64, v, lo);
	snprintf(dec, sizeof(dec), "%" PRIu64, v);
	r = acid_id_parse(dec, &back);
	FUZZ_CHECK(r == 0, "decimal %s does not parse: %d", dec, r);
	FUZZ_CHECK(acid_id_equal(id, &back), "decimal %s: another ID", dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acid_id id, before, back;
	char buf[ACID_ID_STRLEN], small[ACID_ID_STRLEN - 1], hex32[33];
	size_t len;
	char *s;
	int r;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	memset(&id, 0xa5, sizeof(id));
	before = id;
	r = acid_id_parse(s, &id);
	if (r != 0) {
		FUZZ_CHECK(r == -EINVAL, "parse returned %d", r);
		FUZZ_CHECK(memcmp(&id, &before, sizeof(id)) == 0,
			   "output written on failure");
		free(s);
		return 0;
	}
	FUZZ_CHECK(!acid_id_is_zero(&id), "zero ID accepted: \"%s\"", s);

	/* the canonical form */
	r = acid_id_format(&id, buf, sizeof(buf));
	FUZZ_CHECK(r == 0, "format returned %d", r);
	FUZZ_CHECK(strlen(buf) == 36, "formatted \"%s\"", buf);
	for (int i = 0; i < 36; i++)
		FUZZ_CHECK((i == 8 || i == 13 || i == 18 || i == 23) ?
				   buf[i] == '-' : is_lower_hex(buf[i]),
			   "formatted \"%s\" not canonical", buf);
	FUZZ_CHECK(acid_id_format(&id, small, sizeof(small)) == -ENOSPC,
		   "format into a short buffer");
	r = acid_id_parse(buf, &back);
	FUZZ_CHECK(r == 0, "formatted \"%s\" does not parse: %d", buf, r);
	FUZZ_CHECK(acid_id_equal(&id, &back), "\"%s\" -> \"%s\" -> another ID",
		   s, buf);

	/* the text accepted is the ID, in one of the documented forms */
	for (int i = 0, j = 0; i < 36; i++)
		if (buf[i] != '-')
			hex32[j++] = buf[i];
	hex32[32] = '\0';
	if (len == 36) {
		FUZZ_CHECK(strcasecmp(s, buf) == 0, "\"%s\" read as \"%s\"", s,
			   buf);
	} else if (len == 32) {
		FUZZ_CHECK(strcasecmp(s, hex32) == 0, "\"%s\" read as \"%s\"", s,
			   buf);
	} else {
		uint64_t v;
		char dec[24];

		FUZZ_CHECK(len >= 1 && len <= 20, "accepted %zu bytes: \"%s\"",
			   len, s);
		FUZZ_CHECK(acid_id_to_u64(&id, &v) == 0,
			   "decimal \"%s\" is not a u64 ID", s);
		snprintf(dec, sizeof(dec), "%" PRIu64, v);
		FUZZ_CHECK(strcmp(dec, s) == 0, "\"%s\" read as %s", s, dec);
	}
	r = acid_id_parse(hex32, &back);
	FUZZ_CHECK(r == 0 && acid_id_equal(&id, &back),
		   "32-hex \"%s\" does not give the ID back", hex32);

	check_u64(&id);
	free(s);
	return 0;
}
