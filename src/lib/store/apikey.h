/*
 * apikey.h - API key material: generation, hashing, format and scopes.
 *
 * A key reads "cbk_" + 8 hex (the visible prefix, unique, used to find the
 * row) + "_" + 64 hex of secret.  Only SHA-256 of the whole key is stored;
 * comparison is constant-time.
 */
#ifndef CB_APIKEY_H
#define CB_APIKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define APIKEY_PREFIX_LEN	12	/* "cbk_" + 8 hex */
#define APIKEY_LEN		(APIKEY_PREFIX_LEN + 1 + 64)

enum apikey_scope {
	APIKEY_SCOPE_READ  = 1 << 0,
	APIKEY_SCOPE_WRITE = 1 << 1,
	APIKEY_SCOPE_ADMIN = 1 << 2,
};

/* Fill key (APIKEY_LEN + 1 bytes) with a fresh random key. CB_ERR_IO if no entropy. */
enum cb_err	 apikey_generate(char key[APIKEY_LEN + 1]);
/* True when key has the exact format; copies its prefix (NUL-terminated). */
bool		 apikey_parse(const char *key, size_t len, char prefix[APIKEY_PREFIX_LEN + 1]);
void		 apikey_hash(const char *key, size_t len, uint8_t out[32]);
/* Constant-time equality of two hashes. */
bool		 apikey_hash_equal(const uint8_t a[32], const uint8_t b[32]);
/* "read,write" -> bits; -1 on an unknown or empty scope. Accepts the MySQL SET text form too. */
int		 apikey_scopes_parse(const char *s, size_t len);
/* bits -> "read,write,admin" into out; returns out. */
const char	*apikey_scopes_format(unsigned scopes, char *out, size_t cap);

#endif
