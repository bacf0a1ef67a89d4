// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Container IDs: 128 bits, printed as a canonical UUID. libuuid does the
 * UUID forms; the decimal u64 form (what a v11 kernel carries) is ours.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <uuid/uuid.h>

#include "internal.h"

bool acid_id_is_zero(const struct acid_id *id)
{
	static const struct acid_id zero;

	return memcmp(id->bytes, zero.bytes, sizeof(zero.bytes)) == 0;
}

bool acid_id_equal(const struct acid_id *a, const struct acid_id *b)
{
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 32-hex-digit form, which uuid_parse() does not take. */
static int parse_hex32(const char *s, struct acid_id *out)
{
	for (size_t i = 0; i < 16; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static void id_from_u64(uint64_t v, struct acid_id *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 15; i >= 8; i--, v >>= 8)
		out->bytes[i] = (uint8_t)(v & 0xff);
}

int acid_id_parse(const char *s, struct acid_id *out)
{
	struct acid_id id;
	size_t len;

	if (!s || !out)
		return -EINVAL;
	len = strlen(s);
	if (len == 36) {
		uuid_t u;

		/* uuid_parse checks the dashes and the hex digits */
		if (uuid_parse(s, u) < 0)
			return -EINVAL;
		memcpy(id.bytes, u, 16);
	} else if (len == 32) {
		if (parse_hex32(s, &id) < 0)
			return -EINVAL;
	} else if (len >= 1 && len <= 20) {
		uint64_t v;

		if (text_parse_uint(s, UINT64_MAX, &v) < 0 || v == 0 || v == ACID_U64_UNSET)
			return -EINVAL;
		id_from_u64(v, &id);
	} else {
		return -EINVAL;
	}
	if (acid_id_is_zero(&id))
		return -EINVAL;
	*out = id;
	return 0;
}

int acid_id_format(const struct acid_id *id, char *buf, size_t len)
{
	if (!id || !buf || acid_id_is_zero(id))
		return -EINVAL;
	if (len < ACID_ID_STRLEN)
		return -ENOSPC;
	uuid_unparse_lower(id->bytes, buf);
	return 0;
}

int acid_id_to_u64(const struct acid_id *id, uint64_t *out)
{
	uint64_t v = 0;

	if (!id || !out || acid_id_is_zero(id))
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		if (id->bytes[i])
			return -ERANGE;
	for (int i = 8; i < 16; i++)
		v = v << 8 | id->bytes[i];
	if (v == ACID_U64_UNSET)
		return -EINVAL;	/* the kernel's "unset": not an ID */
	*out = v;
	return 0;
}

/*
 * @len bytes from the kernel's random pool. getrandom() may be interrupted
 * by a signal or return fewer bytes than asked (a signal after the first
 * chunk): both go on until every byte has come from the kernel, so no
 * byte of an ID is what the buffer held before. No weaker fallback:
 * libuuid's uuid_generate_random() mixes in random() when getrandom()
 * fails, which is not good enough for an ID an auditor relies on.
 */
static int random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int acid_id_generate(enum acid_id_form form, struct acid_id *out)
{
	struct acid_id id = { 0 };
	int r;

	if (!out)
		return -EINVAL;
	switch (form) {
	case ACID_ID_UUID:
		/* RFC 9562 version 4: 122 random bits, never all zero */
		r = random_bytes(id.bytes, sizeof(id.bytes));
		if (r < 0)
			return r;
		id.bytes[6] = (uint8_t)((id.bytes[6] & 0x0f) | 0x40);
		id.bytes[8] = (uint8_t)((id.bytes[8] & 0x3f) | 0x80);
		*out = id;
		return 0;
	case ACID_ID_U64: {
		uint64_t v;

		do {
			r = random_bytes(&v, sizeof(v));
			if (r < 0)
				return r;
		} while (v == 0 || v == ACID_U64_UNSET);
		id_from_u64(v, out);
		return 0;
	}
	}
	return -EINVAL;
}
