/*
 * uuid.h - UUIDv7 (RFC 9562) generation and validation of canonical UUIDs.
 */
#ifndef CB_UUID_H
#define CB_UUID_H

#include <stdbool.h>
#include <stddef.h>

#define UUID_STR_LEN	36	/* canonical form, without the NUL */

/*
 * Writes a new UUIDv7 in lowercase canonical form (36 characters and a
 * NUL) to out: a 48-bit Unix time in milliseconds, version 7, variant 10,
 * and 74 bits from getrandom(2).  Within a process the values are strictly
 * increasing, also when the clock steps back or several are made in one
 * millisecond (the random part is then advanced by a random step); a
 * forked child starts its own sequence.  Thread-safe.  Does not fail: if
 * the kernel cannot supply random bytes it aborts.
 */
void uuid_v7(char out[UUID_STR_LEN + 1]);

/*
 * Returns true if s[0..len) is a UUID in canonical 8-4-4-4-12 form of any
 * version, hex digits in either case; len must be 36.
 */
bool uuid_valid(const char *s, size_t len);

#endif
