/* apikey.c - API key generation, hashing and scopes. */
#include "config.h"

#include <string.h>
#include <sys/random.h>

#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "store/apikey.h"
#include "core/namebits.h"

static const char hexdig[] = "0123456789abcdef";

static bool
apikey_is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

enum cb_err
apikey_generate(char key[APIKEY_LEN + 1])
{
	unsigned char rnd[4 + 32];
	size_t i, o = 0;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return CB_ERR_IO;
	memcpy(key, "cbk_", 4);
	o = 4;
	for (i = 0; i < sizeof(rnd); i++) {
		if (i == 4)
			key[o++] = '_';
		key[o++] = hexdig[rnd[i] >> 4];
		key[o++] = hexdig[rnd[i] & 15];
	}
	key[o] = '\0';
	explicit_bzero(rnd, sizeof(rnd));
	return CB_OK;
}

bool
apikey_parse(const char *key, size_t len, char prefix[APIKEY_PREFIX_LEN + 1])
{
	if (len != APIKEY_LEN || memcmp(key, "cbk_", 4) != 0 ||
	    key[APIKEY_PREFIX_LEN] != '_' ||
	    !apikey_is_hex(key + 4, APIKEY_PREFIX_LEN - 4) ||
	    !apikey_is_hex(key + APIKEY_PREFIX_LEN + 1, 64))
		return false;
	memcpy(prefix, key, APIKEY_PREFIX_LEN);
	prefix[APIKEY_PREFIX_LEN] = '\0';
	return true;
}

void
apikey_hash(const char *key, size_t len, uint8_t out[32])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)key);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
	explicit_bzero(&ctx, sizeof(ctx));
}

bool
apikey_hash_equal(const uint8_t a[32], const uint8_t b[32])
{
	return memeql_sec(a, b, 32) != 0;
}

static const struct namebit scope_names[] = {
	{ "read", APIKEY_SCOPE_READ },
	{ "write", APIKEY_SCOPE_WRITE },
	{ "admin", APIKEY_SCOPE_ADMIN },
};

int
apikey_scopes_parse(const char *s, size_t len)
{
	return namebits_parse(s, len, scope_names,
	    sizeof(scope_names) / sizeof(scope_names[0]), 0);
}

const char *
apikey_scopes_format(unsigned scopes, char *out, size_t cap)
{
	return namebits_format(scopes, scope_names,
	    sizeof(scope_names) / sizeof(scope_names[0]), out, cap);
}
