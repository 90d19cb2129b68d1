/*
 * hash32.h - 32-byte values that name things on chain: transaction and
 * block hashes, log topics.  A distinct type so that a hash cannot be
 * passed where an address or an arbitrary buffer is meant.
 */
#ifndef CB_HASH32_H
#define CB_HASH32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HASH32_LEN	32
/* "0x" + 64 hex digits. */
#define HASH32_HEX_LEN	66
/* Text form plus NUL: the size of a buffer for hash32_to_hex(). */
#define HASH32_STR_SIZE	67

struct hash32 {
	uint8_t	bytes[HASH32_LEN];
};

/*
 * Parses len characters at s (no NUL needed): a lowercase "0x" then
 * exactly 64 hex digits in either case.  Returns CB_OK and writes *out,
 * or CB_ERR_INVALID (s may be NULL then) and leaves *out untouched.
 */
enum cb_err	hash32_parse(const char *s, size_t len, struct hash32 *out);

/* Writes "0x" and 64 lowercase hex digits and a NUL. */
void		hash32_to_hex(const struct hash32 *h, char out[HASH32_STR_SIZE]);

/* True when a and b hold the same bytes. */
bool		hash32_eq(const struct hash32 *a, const struct hash32 *b);

/* True when every byte is zero (e.g. the hash of a pending block). */
bool		hash32_is_zero(const struct hash32 *h);

#endif
