/*
 * secp.h - secp256k1 keys, recoverable ECDSA signing and signer recovery,
 * on libsecp256k1 with its recovery module.
 *
 * The process has one libsecp256k1 context, created and blinded with
 * getrandom() bytes by secp_init() (or lazily by the first call that needs
 * it).  Call secp_init() once at start-up, before any threads; after that
 * the context is only read, and signing and recovery are thread-safe.
 *
 * Signatures are RFC 6979 deterministic and low-s (libsecp256k1's default
 * nonce function and its normalised output).
 *
 * Recovery accepts what Ethereum's ecrecover precompile accepts: r and s in
 * [1, n-1], including high s (EIP-2's low-s rule binds transactions, not
 * ecrecover).  A high-s signature recovers the same signer as its low-s
 * twin, so a verify route that compares the recovered address is not
 * weakened; secp_sig_is_low_s() tells a caller that wants to refuse them.
 */
#ifndef CB_SECP_H
#define CB_SECP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/address.h"
#include "core/err.h"

#define SECP_KEY_LEN	32
#define SECP_HASH_LEN	32
/* r || s || v, the form JSON-RPC and personal_sign use. */
#define SECP_SIG_LEN	65

/* A private key with its address; opaque, wiped on free. */
struct secp_key;

/* A recoverable signature: recid is 0 or 1 (the y parity of R). */
struct secp_sig {
	uint8_t	r[32];
	uint8_t	s[32];
	uint8_t	recid;
};

/*
 * Creates and blinds the process's context.  Idempotent.  CB_ERR_CRYPTO
 * when the context cannot be created or no random bytes can be had.
 */
enum cb_err	secp_init(void);

/* Destroys the context; a later call creates a new one.  Idempotent. */
void		secp_cleanup(void);

/*
 * Loads a private key from the file at path: 64 hex digits, optionally
 * after "0x" and optionally followed by one newline.  The file is read by
 * secret_read() (core/secret.h), under the one policy for secret files:
 * a regular file, not a symbolic link, owned by the effective user (or
 * root), with no group or other permission bits (mode 0600 or 0400; the
 * one exception is a systemd credential's ACL); otherwise CB_ERR_PERM
 * (owner, mode) or CB_ERR_INVALID (link, not regular).  CB_ERR_IO when it
 * cannot be opened or read, CB_ERR_INVALID for bad contents or a key that
 * is not a valid secp256k1 secret, CB_ERR_CRYPTO, CB_ERR_NOMEM.  On error
 * a one-line reason "key file PATH: ..." (never any key material) is
 * written to errbuf (may be NULL when errlen is 0).  On success *out is
 * the caller's, to release with secp_key_free().  Every buffer that held
 * key material is wiped.
 */
enum cb_err	secp_key_load(const char *path, struct secp_key **out,
		    char *errbuf, size_t errlen);

/*
 * Makes a key from 32 big-endian secret bytes (tests, tools).
 * CB_ERR_INVALID when the secret is 0 or not below the group order.
 */
enum cb_err	secp_key_from_bytes(const uint8_t secret[SECP_KEY_LEN],
		    struct secp_key **out);

/* Wipes and frees a key.  NULL is a no-op. */
void		secp_key_free(struct secp_key *key);

/* Writes the key's Ethereum address. */
void		secp_key_address(const struct secp_key *key, struct address *out);

/*
 * Signs a 32-byte hash: deterministic (RFC 6979), low-s, with the recovery
 * id.  CB_ERR_CRYPTO if libsecp256k1 refuses (practically never).
 */
enum cb_err	secp_sign(const struct secp_key *key, const uint8_t hash[SECP_HASH_LEN],
		    struct secp_sig *out);

/* Writes r || s || v with v = 27 + recid (the personal_sign form). */
void		secp_sig_to_bytes(const struct secp_sig *sig, uint8_t out[SECP_SIG_LEN]);

/*
 * Recovers the address that signed hash.  sig is r || s || v, with v in
 * {0, 1, 27, 28}.  CB_ERR_INVALID for any other v, r or s of 0 or not
 * below the group order, or a signature from which no key recovers;
 * CB_ERR_CRYPTO if there is no context.
 */
enum cb_err	secp_recover(const uint8_t hash[SECP_HASH_LEN],
		    const uint8_t sig[SECP_SIG_LEN], struct address *out);

/*
 * EIP-191 version 0x45 (personal_sign) hash of a message:
 * Keccak-256("\x19Ethereum Signed Message:\n" || decimal len || msg).
 */
void		secp_personal_hash(const uint8_t *msg, size_t len,
		    uint8_t out[SECP_HASH_LEN]);

/* Recovers the signer of a personal_sign message; errors as secp_recover(). */
enum cb_err	secp_recover_personal(const uint8_t *msg, size_t len,
		    const uint8_t sig[SECP_SIG_LEN], struct address *out);

/*
 * True when sig's s is at most n/2 (EIP-2).  False for high s and for a
 * signature whose r or s is not below the group order.  v is ignored.
 */
bool		secp_sig_is_low_s(const uint8_t sig[SECP_SIG_LEN]);

#endif
