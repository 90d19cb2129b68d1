/*
 * keccak.h - Keccak-256 as Ethereum uses it.
 *
 * This is the original Keccak submission (padding 0x01 ... 0x80, rate 136
 * bytes), not FIPS 202 SHA3-256 (padding 0x06).  The permutation is
 * nettle's Keccak-f[1600].
 */
#ifndef CB_KECCAK_H
#define CB_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha3.h>

#define KECCAK256_LEN	32
#define KECCAK256_RATE	136

struct keccak256_ctx {
	struct sha3_state	state;
	size_t			index;	/* bytes absorbed into the current block */
};

/* Starts a new hash in ctx.  Never fails. */
void	keccak256_init(struct keccak256_ctx *ctx);

/*
 * Absorbs len bytes from in (in may be NULL when len is 0).  May be called
 * any number of times with pieces of any size.
 */
void	keccak256_update(struct keccak256_ctx *ctx, const void *in, size_t len);

/*
 * Pads, writes the 32-byte digest to out and wipes ctx.  The ctx must be
 * initialised again before reuse.
 */
void	keccak256_final(struct keccak256_ctx *ctx, uint8_t out[KECCAK256_LEN]);

/* One-shot Keccak-256 of len bytes at in. */
void	keccak256(const void *in, size_t len, uint8_t out[KECCAK256_LEN]);

#endif
