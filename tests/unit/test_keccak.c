/*
 * test_keccak.c - Keccak-256 against published and independently computed
 * digests.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "eth/keccak.h"

/* Deterministic filler: byte i is i mod 251, so no block repeats at the rate. */
static void
fill_pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i % 251);
}

static void
check_digest(const uint8_t got[KECCAK256_LEN], const char *want_hex)
{
	char got_hex[2 * KECCAK256_LEN + 1];

	ck_assert_uint_eq(hex_encode(got_hex, sizeof(got_hex), got, KECCAK256_LEN, false),
	    2 * KECCAK256_LEN);
	ck_assert_str_eq(got_hex, want_hex);
}

static const struct {
	const char *in;
	const char *digest;
} text_vectors[] = {
	{ "", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" },
	{ "Transfer(address,address,uint256)",
	  "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef" },
	{ "Approval(address,address,uint256)",
	  "8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925" },
};

START_TEST(test_text)
{
	uint8_t out[KECCAK256_LEN];

	keccak256(text_vectors[_i].in, strlen(text_vectors[_i].in), out);
	check_digest(out, text_vectors[_i].digest);
}
END_TEST

/* Lengths around the 136-byte rate, where padding lands in the same or a new block. */
static const struct {
	size_t len;
	const char *digest;
} length_vectors[] = {
	{ 1,   "bc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a" },
	{ 135, "cbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62" },
	{ 136, "7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e" },
	{ 137, "ac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db" },
	{ 271, "27eceb59ebc3dc8a04a5b135be641591a7278540e4556a2ba9f408194e666ec3" },
	{ 272, "8e2476e65823b24d96ebe239f2c1534cdf763e689e2410c3b1cb0c74e6177bfc" },
	{ 273, "3f02f134370e4debb95140ef49ddd3aed8c65ff1ed83a43f1b269421f179c5f9" },
};

START_TEST(test_rate_boundaries)
{
	uint8_t in[273], out[KECCAK256_LEN];
	struct keccak256_ctx ctx;
	size_t len = length_vectors[_i].len, i;

	fill_pattern(in, sizeof(in));
	keccak256(in, len, out);
	check_digest(out, length_vectors[_i].digest);

	/* Byte-at-a-time must agree with one-shot. */
	keccak256_init(&ctx);
	for (i = 0; i < len; i++)
		keccak256_update(&ctx, in + i, 1);
	keccak256_final(&ctx, out);
	check_digest(out, length_vectors[_i].digest);
}
END_TEST

#define BIG_LEN (1024 * 1024)
static const char big_digest[] =
    "2fd6b833d9e25ae8d7dda1c3ed07af04df131ce89010c888534d4e825e40e875";

START_TEST(test_streaming_odd_chunks)
{
	struct keccak256_ctx ctx;
	uint8_t *in, out[KECCAK256_LEN];
	size_t off = 0, chunk = 1;

	in = malloc(BIG_LEN);
	ck_assert_ptr_nonnull(in);
	fill_pattern(in, BIG_LEN);

	keccak256(in, BIG_LEN, out);
	check_digest(out, big_digest);

	/* Odd chunk sizes 1, 3, 5, ... 301 cycling, so lanes start misaligned. */
	keccak256_init(&ctx);
	keccak256_update(&ctx, NULL, 0);
	while (off < BIG_LEN) {
		size_t n = chunk < BIG_LEN - off ? chunk : BIG_LEN - off;

		keccak256_update(&ctx, in + off, n);
		off += n;
		chunk = chunk >= 301 ? 1 : chunk + 2;
	}
	keccak256_final(&ctx, out);
	check_digest(out, big_digest);
	free(in);
}
END_TEST

START_TEST(test_differs_from_sha3)
{
	/* FIPS 202 SHA3-256("") is a7ffc6f8...; Keccak-256 must not produce it. */
	uint8_t out[KECCAK256_LEN];
	char got_hex[2 * KECCAK256_LEN + 1];

	keccak256("", 0, out);
	hex_encode(got_hex, sizeof(got_hex), out, KECCAK256_LEN, false);
	ck_assert_str_ne(got_hex,
	    "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}
END_TEST

static Suite *
keccak_suite(void)
{
	Suite *s = suite_create("keccak");
	TCase *tc;

	tc = tcase_create("text_vectors");
	tcase_add_loop_test(tc, test_text, 0,
	    (int)(sizeof(text_vectors) / sizeof(text_vectors[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("rate_boundaries");
	tcase_add_loop_test(tc, test_rate_boundaries, 0,
	    (int)(sizeof(length_vectors) / sizeof(length_vectors[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("streaming");
	tcase_add_test(tc, test_streaming_odd_chunks);
	suite_add_tcase(s, tc);

	tc = tcase_create("not_sha3");
	tcase_add_test(tc, test_differs_from_sha3);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(keccak_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
