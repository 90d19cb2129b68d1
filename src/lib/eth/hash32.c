/*
 * hash32.c - 32-byte hashes and their hex text form.
 */
#include "config.h"

#include <string.h>

#include "core/hex.h"
#include "eth/hash32.h"

/* Parses "0x" + 64 hex digits; see hash32.h. */
enum cb_err
hash32_parse(const char *s, size_t len, struct hash32 *out)
{
	struct hash32 h;

	/* hex_decode would also take "0X" and no prefix; a hash from a node
	 * or a client always has the lowercase prefix. */
	if (s == NULL || len != HASH32_HEX_LEN || s[0] != '0' || s[1] != 'x' ||
	    hex_decode_exact(h.bytes, HASH32_LEN, s + 2, len - 2) != 0)
		return CB_ERR_INVALID;
	*out = h;
	return CB_OK;
}

/* Writes the lowercase text form; see hash32.h. */
void
hash32_to_hex(const struct hash32 *h, char out[HASH32_STR_SIZE])
{
	hex_encode(out, HASH32_STR_SIZE, h->bytes, HASH32_LEN, true);
}

/* Compares two hashes; see hash32.h. */
bool
hash32_eq(const struct hash32 *a, const struct hash32 *b)
{
	return memcmp(a->bytes, b->bytes, HASH32_LEN) == 0;
}

/* Tests for the zero hash; see hash32.h. */
bool
hash32_is_zero(const struct hash32 *h)
{
	static const struct hash32 zero;

	return hash32_eq(h, &zero);
}
