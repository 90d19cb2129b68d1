/*
 * test_rlp.c - RLP encoder and decoder against the Ethereum wiki / yellow
 * paper examples, values cross-checked with an independent encoder, and
 * malformed or non-canonical inputs.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "eth/rlp.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char lorem[] =
    "Lorem ipsum dolor sit amet, consectetur adipisicing elit";

/* Takes the encoded bytes out of b and compares them with want_hex. */
static void
check_encoded(struct rlp_buf *b, const char *want_hex)
{
	uint8_t *out;
	size_t len;
	char *got_hex;

	ck_assert_int_eq(rlp_buf_take(b, &out, &len), CB_OK);
	got_hex = malloc(2 * len + 1);
	ck_assert_ptr_nonnull(got_hex);
	got_hex[0] = '\0';
	hex_encode(got_hex, 2 * len + 1, out, len, false);
	ck_assert_str_eq(got_hex, want_hex);
	free(got_hex);
	free(out);
	rlp_buf_free(b);
}

/* Decodes a hex literal into a fresh allocation (at least one byte). */
static uint8_t *
unhex(const char *s, size_t *len)
{
	size_t cap = strlen(s) / 2 + 1;
	uint8_t *p = malloc(cap);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(hex_decode(p, cap, s, strlen(s), len), 0);
	return p;
}

static const struct {
	const char *in;		/* text */
	const char *want;
} string_vectors[] = {
	{ "dog", "83646f67" },
	{ "", "80" },
	{ "\x0f", "0f" },
	{ "\x7f", "7f" },
	{ "\x80", "8180" },
	{ "\x04\x01", "820401" },
	{ lorem, "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c"
	    "20636f6e7365637465747572206164697069736963696e6720656c6974" },
};

START_TEST(test_encode_strings)
{
	struct rlp_buf b;
	const char *in = string_vectors[_i].in;

	rlp_buf_init(&b, 1024);
	ck_assert_int_eq(rlp_put_bytes(&b, in, strlen(in)), CB_OK);
	check_encoded(&b, string_vectors[_i].want);
}
END_TEST

START_TEST(test_encode_zero_byte)
{
	struct rlp_buf b;
	const uint8_t zero = 0;

	rlp_buf_init(&b, 16);
	ck_assert_int_eq(rlp_put_bytes(&b, &zero, 1), CB_OK);
	check_encoded(&b, "00");
}
END_TEST

START_TEST(test_encode_long_string)
{
	struct rlp_buf b;
	uint8_t in[1024];
	uint8_t *out;
	size_t len;

	memset(in, 'a', sizeof(in));
	rlp_buf_init(&b, 4096);
	ck_assert_int_eq(rlp_put_bytes(&b, in, sizeof(in)), CB_OK);
	ck_assert_int_eq(rlp_buf_take(&b, &out, &len), CB_OK);
	ck_assert_uint_eq(len, 3 + sizeof(in));
	ck_assert_uint_eq(out[0], 0xb9);
	ck_assert_uint_eq(out[1], 0x04);
	ck_assert_uint_eq(out[2], 0x00);
	ck_assert_int_eq(memcmp(out + 3, in, sizeof(in)), 0);
	free(out);
}
END_TEST

static const struct {
	uint64_t v;
	const char *want;
} u64_vectors[] = {
	{ 0, "80" },
	{ 1, "01" },
	{ 15, "0f" },
	{ 127, "7f" },
	{ 128, "8180" },
	{ 1024, "820400" },
	{ 0xffffffffffffffffULL, "88ffffffffffffffff" },
};

START_TEST(test_encode_u64)
{
	struct rlp_buf b;

	rlp_buf_init(&b, 64);
	ck_assert_int_eq(rlp_put_u64(&b, u64_vectors[_i].v), CB_OK);
	check_encoded(&b, u64_vectors[_i].want);
}
END_TEST

START_TEST(test_encode_u256)
{
	struct rlp_buf b;
	u256 v;
	uint8_t be[32];

	rlp_buf_init(&b, 64);
	u256_zero(&v);
	ck_assert_int_eq(rlp_put_u256(&b, &v), CB_OK);
	check_encoded(&b, "80");

	rlp_buf_init(&b, 64);
	u256_from_u64(&v, 1024);
	ck_assert_int_eq(rlp_put_u256(&b, &v), CB_OK);
	check_encoded(&b, "820400");

	/* 2^64 */
	rlp_buf_init(&b, 64);
	memset(be, 0, sizeof(be));
	be[32 - 9] = 1;
	ck_assert_int_eq(u256_from_be(&v, be, sizeof(be)), 0);
	ck_assert_int_eq(rlp_put_u256(&b, &v), CB_OK);
	check_encoded(&b, "89010000000000000000");

	rlp_buf_init(&b, 64);
	memset(be, 0xff, sizeof(be));
	ck_assert_int_eq(u256_from_be(&v, be, sizeof(be)), 0);
	ck_assert_int_eq(rlp_put_u256(&b, &v), CB_OK);
	check_encoded(&b,
	    "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
}
END_TEST

START_TEST(test_encode_lists)
{
	struct rlp_buf b;
	size_t outer, inner, inner2, i;
	const uint8_t one = 1;

	/* ["cat", "dog"] */
	rlp_buf_init(&b, 64);
	outer = rlp_list_begin(&b);
	rlp_put_bytes(&b, "cat", 3);
	rlp_put_bytes(&b, "dog", 3);
	ck_assert_int_eq(rlp_list_end(&b, outer), CB_OK);
	check_encoded(&b, "c88363617483646f67");

	/* [] */
	rlp_buf_init(&b, 64);
	ck_assert_int_eq(rlp_list_end(&b, rlp_list_begin(&b)), CB_OK);
	check_encoded(&b, "c0");

	/* The set-theoretic three: [ [], [[]], [ [], [[]] ] ] */
	rlp_buf_init(&b, 64);
	outer = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	inner = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	rlp_list_end(&b, inner);
	inner = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	inner2 = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	rlp_list_end(&b, inner2);
	rlp_list_end(&b, inner);
	ck_assert_int_eq(rlp_list_end(&b, outer), CB_OK);
	check_encoded(&b, "c7c0c1c0c3c0c1c0");

	/* 56 one-byte items need the long list form. */
	rlp_buf_init(&b, 128);
	outer = rlp_list_begin(&b);
	for (i = 0; i < 56; i++)
		rlp_put_bytes(&b, &one, 1);
	ck_assert_int_eq(rlp_list_end(&b, outer), CB_OK);
	ck_assert_uint_eq(b.len, 58);
	ck_assert_uint_eq(b.data[0], 0xf8);
	ck_assert_uint_eq(b.data[1], 0x38);
	rlp_buf_free(&b);

	/* ["", "\0", 0x7f, 0x80, ["zw", [4]], 1] */
	rlp_buf_init(&b, 64);
	outer = rlp_list_begin(&b);
	rlp_put_bytes(&b, "", 0);
	rlp_put_bytes(&b, "\0", 1);
	rlp_put_u64(&b, 0x7f);
	rlp_put_u64(&b, 0x80);
	inner = rlp_list_begin(&b);
	rlp_put_bytes(&b, "zw", 2);
	inner2 = rlp_list_begin(&b);
	rlp_put_u64(&b, 4);
	rlp_list_end(&b, inner2);
	rlp_list_end(&b, inner);
	rlp_put_u64(&b, 1);
	ck_assert_int_eq(rlp_list_end(&b, outer), CB_OK);
	check_encoded(&b, "cc80007f8180c5827a77c10401");
}
END_TEST

START_TEST(test_buffer_cap)
{
	struct rlp_buf b;
	uint8_t *out = (uint8_t *)&b;
	size_t len = 99;

	rlp_buf_init(&b, 3);
	ck_assert_int_eq(rlp_put_bytes(&b, "dog", 3), CB_ERR_TOO_LARGE);
	/* The error sticks: later small writes are refused too. */
	ck_assert_int_eq(rlp_put_u64(&b, 1), CB_ERR_TOO_LARGE);
	ck_assert_int_eq(rlp_buf_take(&b, &out, &len), CB_ERR_TOO_LARGE);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	rlp_buf_free(&b);

	/* Exactly at the cap is fine. */
	rlp_buf_init(&b, 4);
	ck_assert_int_eq(rlp_put_bytes(&b, "dog", 3), CB_OK);
	check_encoded(&b, "83646f67");

	/* The list prefix counts against the cap as well. */
	rlp_buf_init(&b, 4);
	len = rlp_list_begin(&b);
	rlp_put_bytes(&b, "dog", 3);
	ck_assert_int_eq(rlp_list_end(&b, len), CB_ERR_TOO_LARGE);
	rlp_buf_free(&b);
	rlp_buf_free(NULL);
}
END_TEST

START_TEST(test_list_end_bad_mark)
{
	struct rlp_buf b;

	rlp_buf_init(&b, 64);
	rlp_put_u64(&b, 1);
	ck_assert_int_eq(rlp_list_end(&b, 5), CB_ERR_INTERNAL);
	rlp_buf_free(&b);
}
END_TEST

START_TEST(test_buf_take_empty)
{
	struct rlp_buf b;
	uint8_t *out;
	size_t len = 7;

	rlp_buf_init(&b, 8);
	ck_assert_int_eq(rlp_buf_take(&b, &out, &len), CB_OK);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, 0);
	free(out);
}
END_TEST

START_TEST(test_decode_nested)
{
	/* ["cat", ["dog", ""], 1024, lorem] */
	static const char enc[] =
	    "f84783636174c583646f6780820400b8384c6f72656d20697073756d20646f6c"
	    "6f722073697420616d65742c20636f6e7365637465747572206164697069736963"
	    "696e6720656c6974";
	struct rlp_item top, it, sub;
	struct rlp_iter iter, iter2;
	uint64_t v;
	uint8_t *in;
	size_t len;

	in = unhex(enc, &len);
	ck_assert_int_eq(rlp_decode(in, len, &top), CB_OK);
	ck_assert_int_eq(top.kind, RLP_LIST);
	ck_assert_uint_eq(top.raw_len, len);
	ck_assert_int_eq(rlp_iter_init(&iter, &top), CB_OK);

	ck_assert(rlp_iter_more(&iter));
	ck_assert_int_eq(rlp_iter_next(&iter, &it), CB_OK);
	ck_assert_int_eq(it.kind, RLP_STRING);
	ck_assert_uint_eq(it.payload_len, 3);
	ck_assert_int_eq(memcmp(it.payload, "cat", 3), 0);

	ck_assert_int_eq(rlp_iter_next(&iter, &it), CB_OK);
	ck_assert_int_eq(it.kind, RLP_LIST);
	ck_assert_int_eq(rlp_iter_init(&iter2, &it), CB_OK);
	ck_assert_int_eq(rlp_iter_next(&iter2, &sub), CB_OK);
	ck_assert_int_eq(memcmp(sub.payload, "dog", 3), 0);
	ck_assert_int_eq(rlp_iter_next(&iter2, &sub), CB_OK);
	ck_assert_uint_eq(sub.payload_len, 0);
	ck_assert(!rlp_iter_more(&iter2));
	ck_assert_int_eq(rlp_iter_next(&iter2, &sub), CB_ERR_INVALID);

	ck_assert_int_eq(rlp_iter_next(&iter, &it), CB_OK);
	ck_assert_int_eq(rlp_item_u64(&it, &v), CB_OK);
	ck_assert_uint_eq(v, 1024);

	ck_assert_int_eq(rlp_iter_next(&iter, &it), CB_OK);
	ck_assert_uint_eq(it.payload_len, strlen(lorem));
	ck_assert_int_eq(memcmp(it.payload, lorem, strlen(lorem)), 0);
	ck_assert(!rlp_iter_more(&iter));

	/* A string is not a list. */
	ck_assert_int_eq(rlp_iter_init(&iter2, &it), CB_ERR_INVALID);
	free(in);
}
END_TEST

/* Every encoding from the encoder tables decodes and re-encodes identically. */
START_TEST(test_decode_roundtrip)
{
	struct rlp_item item;
	struct rlp_buf b;
	uint8_t *in;
	size_t len;
	const char *enc = string_vectors[_i].want;
	const char *txt = string_vectors[_i].in;

	in = unhex(enc, &len);
	ck_assert_int_eq(rlp_decode(in, len, &item), CB_OK);
	ck_assert_int_eq(item.kind, RLP_STRING);
	ck_assert_uint_eq(item.payload_len, strlen(txt));
	ck_assert_int_eq(memcmp(item.payload, txt, item.payload_len), 0);
	rlp_buf_init(&b, 1024);
	rlp_put_bytes(&b, item.payload, item.payload_len);
	check_encoded(&b, enc);
	free(in);
}
END_TEST

static const struct {
	const char *enc;
	const char *why;
} bad_vectors[] = {
	{ "", "empty input" },
	{ "81", "string truncated" },
	{ "83646f", "string one byte short" },
	{ "8100", "byte below 0x80 wrapped as string" },
	{ "817f", "byte below 0x80 wrapped as string" },
	{ "b800", "long form with zero length" },
	{ "b80100", "long form for a 1-byte string" },
	{ "b837"
	  "01010101010101010101010101010101010101010101010101010101"
	  "010101010101010101010101010101010101010101010101010101", "long form for 55 bytes" },
	{ "b90038"
	  "01010101010101010101010101010101010101010101010101010101"
	  "01010101010101010101010101010101010101010101010101010101", "length with a leading zero" },
	{ "b9", "length bytes missing" },
	{ "b90400", "long string truncated" },
	{ "bfffffffffffffffff00", "absurd length" },
	{ "c1", "list truncated" },
	{ "f800", "long list with zero length" },
	{ "f801c0", "long form for a 1-byte list" },
	{ "f9000100", "list length with a leading zero" },
	{ "ffffffffffffffffff", "absurd list length" },
	{ "8000", "trailing bytes" },
};

START_TEST(test_decode_rejects)
{
	struct rlp_item item;
	uint8_t *in;
	size_t len;

	in = unhex(bad_vectors[_i].enc, &len);
	if (rlp_decode(in, len, &item) != CB_ERR_INVALID)
		ck_abort_msg("accepted: %s", bad_vectors[_i].why);
	free(in);
}
END_TEST

START_TEST(test_decode_bad_inner_item)
{
	struct rlp_item top, it;
	struct rlp_iter iter;
	uint8_t *in;
	size_t len;

	/* Outer list is well formed; its only item is non-canonical. */
	in = unhex("c28100", &len);
	ck_assert_int_eq(rlp_decode(in, len, &top), CB_OK);
	ck_assert_int_eq(rlp_iter_init(&iter, &top), CB_OK);
	ck_assert_int_eq(rlp_iter_next(&iter, &it), CB_ERR_INVALID);
	free(in);

	/* Inner item claims more bytes than the list holds. */
	in = unhex("c283646f67", &len);
	ck_assert_int_eq(rlp_decode(in, len, &top), CB_ERR_INVALID);
	ck_assert_int_eq(rlp_decode_next(in, 3, &top), CB_OK);
	ck_assert_int_eq(rlp_iter_init(&iter, &top), CB_OK);
	ck_assert_int_eq(rlp_iter_next(&iter, &it), CB_ERR_INVALID);
	free(in);

	ck_assert_int_eq(rlp_decode(NULL, 0, &top), CB_ERR_INVALID);
}
END_TEST

START_TEST(test_item_integers)
{
	struct rlp_item item;
	uint64_t v;
	u256 w, want;
	uint8_t *in;
	size_t len;

	in = unhex("80", &len);
	ck_assert_int_eq(rlp_decode(in, len, &item), CB_OK);
	ck_assert_int_eq(rlp_item_u64(&item, &v), CB_OK);
	ck_assert_uint_eq(v, 0);
	free(in);

	/* The string "\0" is not a canonical integer. */
	in = unhex("00", &len);
	ck_assert_int_eq(rlp_decode(in, len, &item), CB_OK);
	ck_assert_int_eq(rlp_item_u64(&item, &v), CB_ERR_INVALID);
	ck_assert_int_eq(rlp_item_u256(&item, &w), CB_ERR_INVALID);
	free(in);

	in = unhex("820004", &len);
	ck_assert_int_eq(rlp_decode(in, len, &item), CB_OK);
	ck_assert_int_eq(rlp_item_u64(&item, &v), CB_ERR_INVALID);
	free(in);

	/* 2^64: too big for u64, fine for u256. */
	in = unhex("89010000000000000000", &len);
	ck_assert_int_eq(rlp_decode(in, len, &item), CB_OK);
	ck_assert_int_eq(rlp_item_u64(&item, &v), CB_ERR_RANGE);
	ck_assert_int_eq(rlp_item_u256(&item, &w), CB_OK);
	u256_from_u64(&want, 0xffffffffffffffffULL);
	ck_assert_int_eq(u256_cmp(&w, &want), 1);
	ck_assert_int_eq(u256_sub(&w, &w, &want), 0);
	u256_from_u64(&want, 1);
	ck_assert_int_eq(u256_cmp(&w, &want), 0);
	free(in);

	/* 33 bytes cannot be a u256. */
	in = unhex("a1010000000000000000000000000000000000000000000000000000000000000000",
	    &len);
	ck_assert_int_eq(rlp_decode(in, len, &item), CB_OK);
	ck_assert_int_eq(rlp_item_u256(&item, &w), CB_ERR_RANGE);
	free(in);

	in = unhex("c0", &len);
	ck_assert_int_eq(rlp_decode(in, len, &item), CB_OK);
	ck_assert_int_eq(rlp_item_u64(&item, &v), CB_ERR_INVALID);
	ck_assert_int_eq(rlp_item_u256(&item, &w), CB_ERR_INVALID);
	free(in);
}
END_TEST

static Suite *
rlp_suite(void)
{
	Suite *s = suite_create("rlp");
	TCase *tc;

	tc = tcase_create("encode_strings");
	tcase_add_loop_test(tc, test_encode_strings, 0, (int)N_ELEMS(string_vectors));
	tcase_add_test(tc, test_encode_zero_byte);
	tcase_add_test(tc, test_encode_long_string);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode_integers");
	tcase_add_loop_test(tc, test_encode_u64, 0, (int)N_ELEMS(u64_vectors));
	tcase_add_test(tc, test_encode_u256);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode_lists");
	tcase_add_test(tc, test_encode_lists);
	suite_add_tcase(s, tc);

	tc = tcase_create("buffer");
	tcase_add_test(tc, test_buffer_cap);
	tcase_add_test(tc, test_list_end_bad_mark);
	tcase_add_test(tc, test_buf_take_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_test(tc, test_decode_nested);
	tcase_add_loop_test(tc, test_decode_roundtrip, 0, (int)N_ELEMS(string_vectors));
	suite_add_tcase(s, tc);

	tc = tcase_create("decode_rejects");
	tcase_add_loop_test(tc, test_decode_rejects, 0, (int)N_ELEMS(bad_vectors));
	tcase_add_test(tc, test_decode_bad_inner_item);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode_integers");
	tcase_add_test(tc, test_item_integers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rlp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
