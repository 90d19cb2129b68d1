/*
 * u256.h - exact unsigned 256-bit integers.
 *
 * Four 64-bit limbs, least significant first.  Every operation that can
 * overflow reports it; nothing wraps silently.  Used for token amounts in
 * base units, chain quantities and ABI words.
 */
#ifndef CB_U256_H
#define CB_U256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct u256 {
	uint64_t limb[4];
} u256;

/* Longest decimal rendering of a u256 (78 digits) plus NUL. */
#define U256_DEC_MAX 79
/* Longest "0x" quantity rendering (64 hex digits) plus NUL. */
#define U256_HEX_MAX 67

void	u256_zero(u256 *r);
void	u256_from_u64(u256 *r, uint64_t v);
bool	u256_is_zero(const u256 *a);
/* Returns -1, 0 or 1. */
int	u256_cmp(const u256 *a, const u256 *b);
/* Returns true and stores the value when a fits in 64 bits. */
bool	u256_to_u64(const u256 *a, uint64_t *out);

/* Arithmetic: 0 on success, -1 on overflow/underflow (r then undefined). r may alias a or b. */
int	u256_add(u256 *r, const u256 *a, const u256 *b);
int	u256_sub(u256 *r, const u256 *a, const u256 *b);
int	u256_mul(u256 *r, const u256 *a, const u256 *b);
int	u256_mul_u64(u256 *r, const u256 *a, uint64_t m);
/* q = a / d, *rem = a % d.  d must not be 0 (returns -1). q may alias a; rem may be NULL. */
int	u256_divmod_u64(u256 *q, const u256 *a, uint64_t d, uint64_t *rem);
/* r = 10^n for n <= 77; -1 otherwise. */
int	u256_pow10(u256 *r, unsigned n);

/* Strict decimal: one or more ASCII digits only (leading zeros allowed), no sign,
 * no spaces.  0 on success, -1 on syntax error, -2 on overflow. */
int	u256_from_dec(u256 *r, const char *s, size_t len);
/* Writes the canonical decimal (no leading zeros) and a NUL; returns the length,
 * or 0 when cap < needed. */
size_t	u256_to_dec(const u256 *a, char *out, size_t cap);

/* Strict Ethereum JSON-RPC quantity: "0x" then 1..64 lowercase or uppercase hex
 * digits with no leading zeros ("0x0" is zero).  0 ok, -1 syntax, -2 overflow.
 * u256_from_hex_lenient accepts leading zeros and an empty "0x" (for eth_call
 * words and data fields). */
int	u256_from_hex_quantity(u256 *r, const char *s, size_t len);
int	u256_from_hex_lenient(u256 *r, const char *s, size_t len);
/* Writes "0x..." lowercase without leading zeros; returns length or 0 if cap too small. */
size_t	u256_to_hex_quantity(const u256 *a, char *out, size_t cap);

/* Big-endian byte forms (ABI words, RLP). */
void	u256_to_be32(const u256 *a, uint8_t out[32]);
/* Reads up to 32 big-endian bytes; -1 if len > 32. */
int	u256_from_be(u256 *r, const uint8_t *in, size_t len);
/* Number of significant bytes (0 for zero). */
size_t	u256_byte_len(const u256 *a);

#endif
