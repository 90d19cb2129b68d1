/*
 * keccak.c - Keccak-256 sponge over nettle's Keccak-f[1600] permutation.
 *
 * nettle keeps the state as 25 little-endian 64-bit lanes, so byte i of the
 * rate portion lives in lane i / 8 at bit offset 8 * (i % 8).
 */
#include "config.h"

#include <string.h>

#include "eth/keccak.h"

static void
keccak_xor_byte(struct keccak256_ctx *ctx, size_t pos, uint8_t byte)
{
	ctx->state.a[pos / 8] ^= (uint64_t)byte << (8 * (pos % 8));
}

static uint64_t
keccak_load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void
keccak256_init(struct keccak256_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void
keccak256_update(struct keccak256_ctx *ctx, const void *in, size_t len)
{
	const uint8_t *p = in;

	while (len > 0) {
		/* Whole lanes when aligned: the common case for long inputs. */
		if (ctx->index % 8 == 0 && len >= 8) {
			ctx->state.a[ctx->index / 8] ^= keccak_load_le64(p);
			ctx->index += 8;
			p += 8;
			len -= 8;
		} else {
			keccak_xor_byte(ctx, ctx->index, *p);
			ctx->index++;
			p++;
			len--;
		}
		if (ctx->index == KECCAK256_RATE) {
			sha3_permute(&ctx->state);
			ctx->index = 0;
		}
	}
}

void
keccak256_final(struct keccak256_ctx *ctx, uint8_t out[KECCAK256_LEN])
{
	size_t i;

	/* Original Keccak multi-rate padding; both bits may share one byte. */
	keccak_xor_byte(ctx, ctx->index, 0x01);
	keccak_xor_byte(ctx, KECCAK256_RATE - 1, 0x80);
	sha3_permute(&ctx->state);

	for (i = 0; i < KECCAK256_LEN; i++)
		out[i] = (uint8_t)(ctx->state.a[i / 8] >> (8 * (i % 8)));
	explicit_bzero(ctx, sizeof(*ctx));
}

void
keccak256(const void *in, size_t len, uint8_t out[KECCAK256_LEN])
{
	struct keccak256_ctx ctx;

	keccak256_init(&ctx);
	keccak256_update(&ctx, in, len);
	keccak256_final(&ctx, out);
}
