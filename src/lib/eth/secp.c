/*
 * secp.c - one blinded libsecp256k1 context, key files, signing and
 * ecrecover-style signer recovery.
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "core/hex.h"
#include "core/secret.h"
#include "eth/keccak.h"
#include "eth/secp.h"

struct secp_key {
	uint8_t		secret[SECP_KEY_LEN];
	struct address	address;
};

/* The process's one context: created once, then only read. */
static secp256k1_context *secp_ctx;

enum cb_err
secp_init(void)
{
	secp256k1_context *ctx = NULL;
	uint8_t seed[32];
	enum cb_err rc = CB_ERR_CRYPTO;
	ssize_t n;

	if (secp_ctx != NULL)
		return CB_OK;
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (ctx == NULL)
		goto out;
	do
		n = getrandom(seed, sizeof(seed), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(seed))
		goto out;
	if (!secp256k1_context_randomize(ctx, seed))
		goto out;
	secp_ctx = ctx;
	ctx = NULL;
	rc = CB_OK;
out:
	explicit_bzero(seed, sizeof(seed));
	if (ctx != NULL)
		secp256k1_context_destroy(ctx);
	return rc;
}

void
secp_cleanup(void)
{
	if (secp_ctx == NULL)
		return;
	secp256k1_context_destroy(secp_ctx);
	secp_ctx = NULL;
}

/* The context, created on first use; NULL when that fails. */
static const secp256k1_context *
secp_context(void)
{
	if (secp_ctx == NULL && secp_init() != CB_OK)
		return NULL;
	return secp_ctx;
}

static void
secp_errf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
secp_errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

enum cb_err
secp_key_from_bytes(const uint8_t secret[SECP_KEY_LEN], struct secp_key **out)
{
	const secp256k1_context *ctx;
	secp256k1_pubkey pub;
	struct secp_key *key = NULL;
	uint8_t ser[65];
	size_t serlen = sizeof(ser);
	enum cb_err rc;

	*out = NULL;
	ctx = secp_context();
	if (ctx == NULL) {
		rc = CB_ERR_CRYPTO;
		goto out;
	}
	if (!secp256k1_ec_seckey_verify(ctx, secret)) {
		rc = CB_ERR_INVALID;
		goto out;
	}
	key = calloc(1, sizeof(*key));
	if (key == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	memcpy(key->secret, secret, SECP_KEY_LEN);
	if (!secp256k1_ec_pubkey_create(ctx, &pub, key->secret) ||
	    !secp256k1_ec_pubkey_serialize(ctx, ser, &serlen, &pub,
	    SECP256K1_EC_UNCOMPRESSED) || serlen != sizeof(ser)) {
		rc = CB_ERR_CRYPTO;
		goto out;
	}
	address_from_pubkey(ser + 1, &key->address);
	*out = key;
	key = NULL;
	rc = CB_OK;
out:
	secp_key_free(key);
	return rc;
}

/*
 * Parses a key file's contents, as secret_read() gives them (the one
 * trailing newline already stripped): optional "0x", 64 hex digits.
 * Writes the secret to out.
 */
static enum cb_err
secp_parse_key_text(const char *text, size_t len, uint8_t out[SECP_KEY_LEN])
{
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		text += 2;
		len -= 2;
	}
	if (len != 2 * SECP_KEY_LEN ||
	    hex_decode_exact(out, SECP_KEY_LEN, text, len) != 0)
		return CB_ERR_INVALID;
	return CB_OK;
}

enum cb_err
secp_key_load(const char *path, struct secp_key **out, char *errbuf, size_t errlen)
{
	char reason[512];
	char *text = NULL;
	uint8_t secret[SECP_KEY_LEN];
	size_t len = 0;
	enum cb_err rc;

	*out = NULL;
	secp_errf(errbuf, errlen, "%s", "");
	rc = secret_read(path, &text, &len, reason, sizeof(reason));
	if (rc != CB_OK) {
		secp_errf(errbuf, errlen, "key file %s", reason);
		goto out;
	}
	if (secp_parse_key_text(text, len, secret) != CB_OK) {
		secp_errf(errbuf, errlen, "key file %s: expected 64 hex digits "
		    "(optionally after 0x) and at most one newline", path);
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = secp_key_from_bytes(secret, out);
	if (rc == CB_ERR_INVALID)
		secp_errf(errbuf, errlen, "key file %s: not a valid secp256k1 "
		    "private key", path);
	else if (rc != CB_OK)
		secp_errf(errbuf, errlen, "key file %s: %s", path, cb_strerror(rc));
out:
	secret_free(text, len);
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

void
secp_key_free(struct secp_key *key)
{
	if (key == NULL)
		return;
	explicit_bzero(key, sizeof(*key));
	free(key);
}

void
secp_key_address(const struct secp_key *key, struct address *out)
{
	*out = key->address;
}

enum cb_err
secp_sign(const struct secp_key *key, const uint8_t hash[SECP_HASH_LEN],
    struct secp_sig *out)
{
	const secp256k1_context *ctx;
	secp256k1_ecdsa_recoverable_signature sig;
	uint8_t compact[64];
	int recid = -1;

	ctx = secp_context();
	if (ctx == NULL)
		return CB_ERR_CRYPTO;
	/* NULL nonce function: libsecp256k1's default, RFC 6979. */
	if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, hash, key->secret, NULL, NULL))
		return CB_ERR_CRYPTO;
	if (!secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, compact,
	    &recid, &sig) || recid < 0 || recid > 1)
		return CB_ERR_CRYPTO;
	memcpy(out->r, compact, 32);
	memcpy(out->s, compact + 32, 32);
	out->recid = (uint8_t)recid;
	return CB_OK;
}

void
secp_sig_to_bytes(const struct secp_sig *sig, uint8_t out[SECP_SIG_LEN])
{
	memcpy(out, sig->r, 32);
	memcpy(out + 32, sig->s, 32);
	out[64] = (uint8_t)(27 + sig->recid);
}

enum cb_err
secp_recover(const uint8_t hash[SECP_HASH_LEN], const uint8_t sig[SECP_SIG_LEN],
    struct address *out)
{
	const secp256k1_context *ctx;
	secp256k1_ecdsa_recoverable_signature rsig;
	secp256k1_pubkey pub;
	uint8_t ser[65];
	size_t serlen = sizeof(ser);
	int recid;

	ctx = secp_context();
	if (ctx == NULL)
		return CB_ERR_CRYPTO;
	switch (sig[64]) {
	case 0:
	case 1:
		recid = sig[64];
		break;
	case 27:
	case 28:
		recid = sig[64] - 27;
		break;
	default:
		return CB_ERR_INVALID;
	}
	/* parse_compact refuses r or s >= n; recover refuses r or s == 0. */
	if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, sig, recid))
		return CB_ERR_INVALID;
	if (!secp256k1_ecdsa_recover(ctx, &pub, &rsig, hash))
		return CB_ERR_INVALID;
	if (!secp256k1_ec_pubkey_serialize(ctx, ser, &serlen, &pub,
	    SECP256K1_EC_UNCOMPRESSED) || serlen != sizeof(ser))
		return CB_ERR_CRYPTO;
	address_from_pubkey(ser + 1, out);
	return CB_OK;
}

void
secp_personal_hash(const uint8_t *msg, size_t len, uint8_t out[SECP_HASH_LEN])
{
	static const char prefix[] = "\x19" "Ethereum Signed Message:\n";
	struct keccak256_ctx kc;
	char digits[24];
	size_t pos = sizeof(digits), v = len;

	/* Decimal length, most significant digit first, "0" for empty. */
	do {
		digits[--pos] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);

	keccak256_init(&kc);
	keccak256_update(&kc, prefix, sizeof(prefix) - 1);
	keccak256_update(&kc, digits + pos, sizeof(digits) - pos);
	keccak256_update(&kc, msg, len);
	keccak256_final(&kc, out);
}

enum cb_err
secp_recover_personal(const uint8_t *msg, size_t len, const uint8_t sig[SECP_SIG_LEN],
    struct address *out)
{
	uint8_t hash[SECP_HASH_LEN];

	secp_personal_hash(msg, len, hash);
	return secp_recover(hash, sig, out);
}

bool
secp_sig_is_low_s(const uint8_t sig[SECP_SIG_LEN])
{
	const secp256k1_context *ctx;
	secp256k1_ecdsa_signature esig;

	ctx = secp_context();
	if (ctx == NULL || !secp256k1_ecdsa_signature_parse_compact(ctx, &esig, sig))
		return false;
	/* normalize returns 1 when it had to lower s. */
	return secp256k1_ecdsa_signature_normalize(ctx, NULL, &esig) == 0;
}
