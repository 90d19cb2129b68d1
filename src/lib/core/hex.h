/*
 * hex.h - hexadecimal byte strings ("0x..." data, addresses, hashes).
 */
#ifndef CB_HEX_H
#define CB_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Returns the value 0..15 of one ASCII hex digit (0-9, a-f, A-F), or -1
 * for any other character.  The project's one hex-digit decoder: every
 * parser of hex text (data, quantities, addresses, percent escapes, JSON
 * \u escapes) goes through it.
 */
int	hex_digit_value(char c);

/*
 * Parses exactly len (1..16) lowercase hex digits at s, no prefix, into *out:
 * the canonical form of the opaque ids and cursors the API hands out, so
 * an uppercase digit is refused like any other stranger.  Returns false on
 * a bad length or character.
 */
bool	hex_u64_lower(const char *s, size_t len, uint64_t *out);

/*
 * Decodes len characters at s (not necessarily NUL-terminated): an optional
 * "0x"/"0X" prefix, then an even number of hex digits in either case.  No
 * digits at all ("" or "0x") is zero bytes.  On success writes the bytes to
 * out, their count to *outlen and returns 0.  Returns -1 on a bad character,
 * an odd digit count or more than cap bytes; out and *outlen may then have
 * been partly written.  out may be NULL when cap is 0.
 */
int	hex_decode(uint8_t *out, size_t cap, const char *s, size_t len, size_t *outlen);

/*
 * Like hex_decode, but the input must decode to exactly n bytes (an address
 * is 20, a hash 32).  Returns 0 or -1.
 */
int	hex_decode_exact(uint8_t *out, size_t n, const char *s, size_t len);

/*
 * Writes the lowercase hex of len bytes at in to out, with a "0x" prefix
 * when prefix is true, and a NUL.  Returns the length without the NUL, or
 * 0 when cap is too small (an empty encoding without prefix also returns
 * 0; out then holds "").  Needs cap >= 2*len + 1 (+2 with prefix).
 */
size_t	hex_encode(char *out, size_t cap, const uint8_t *in, size_t len, bool prefix);

#endif
