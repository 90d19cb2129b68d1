/*
 * test_abi.c - ABI selectors, call data encoding against the Solidity ABI
 * specification's examples and independently computed encodings, and the
 * bounds-checked decoder on good and malformed data.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "core/hex.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define ENC_MAX (64 * 1024)

static const char addr1[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
static const char addr2[] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

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

/* Finishes e and compares the result with want_hex ("0x..."). */
static void
check_finish(struct abi_enc *e, const char *want_hex)
{
	uint8_t *out;
	size_t len;
	char *got;

	ck_assert_int_eq(abi_enc_finish(e, &out, &len), CB_OK);
	got = malloc(2 * len + 3);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_gt(hex_encode(got, 2 * len + 3, out, len, true), 0);
	ck_assert_str_eq(got, want_hex);
	free(got);
	free(out);
}

static void
parse_addr(const char *s, struct address *a)
{
	ck_assert_int_eq(address_parse(s, strlen(s), a), ADDRESS_OK);
}

static const struct {
	const char *sig;
	const char *selector;
} selector_vectors[] = {
	{ "baz(uint32,bool)", "cdcd77c0" },
	{ "sam(bytes,bool,uint256[])", "a5643bf2" },
	{ "transfer(address,uint256)", "a9059cbb" },
	{ "balanceOf(address)", "70a08231" },
	{ "batchMint(address[],uint256[])", "68573107" },
	{ "batchMint(bytes32,address[],uint256[])", "be720763" },
};

START_TEST(test_selector)
{
	uint8_t sel[ABI_SELECTOR_LEN];
	char got[2 * ABI_SELECTOR_LEN + 1];

	abi_selector(selector_vectors[_i].sig, sel);
	hex_encode(got, sizeof(got), sel, sizeof(sel), false);
	ck_assert_str_eq(got, selector_vectors[_i].selector);
}
END_TEST

/* Solidity ABI spec: baz(69, true); uint32 encodes like uint256 here. */
START_TEST(test_spec_baz)
{
	struct abi_enc e;
	uint8_t sel[ABI_SELECTOR_LEN];
	u256 v;

	abi_selector("baz(uint32,bool)", sel);
	abi_enc_init(&e, sel, ENC_MAX);
	u256_from_u64(&v, 69);
	abi_enc_uint256(&e, &v);
	abi_enc_bool(&e, true);
	check_finish(&e, "0xcdcd77c0"
	    "0000000000000000000000000000000000000000000000000000000000000045"
	    "0000000000000000000000000000000000000000000000000000000000000001");
}
END_TEST

static const char sam_hex[] = "0xa5643bf2"
    "0000000000000000000000000000000000000000000000000000000000000060"
    "0000000000000000000000000000000000000000000000000000000000000001"
    "00000000000000000000000000000000000000000000000000000000000000a0"
    "0000000000000000000000000000000000000000000000000000000000000004"
    "6461766500000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000003"
    "0000000000000000000000000000000000000000000000000000000000000001"
    "0000000000000000000000000000000000000000000000000000000000000002"
    "0000000000000000000000000000000000000000000000000000000000000003";

/* Solidity ABI spec: sam("dave", true, [1, 2, 3]). */
START_TEST(test_spec_sam)
{
	struct abi_enc e;
	uint8_t sel[ABI_SELECTOR_LEN];
	u256 arr[3];

	abi_selector("sam(bytes,bool,uint256[])", sel);
	abi_enc_init(&e, sel, ENC_MAX);
	u256_from_u64(&arr[0], 1);
	u256_from_u64(&arr[1], 2);
	u256_from_u64(&arr[2], 3);
	abi_enc_bytes(&e, (const uint8_t *)"dave", 4);
	abi_enc_bool(&e, true);
	abi_enc_uint256_array(&e, arr, 3);
	check_finish(&e, sam_hex);
}
END_TEST

START_TEST(test_batch_mint)
{
	struct abi_enc e;
	uint8_t sel[ABI_SELECTOR_LEN], be[32];
	struct address to[2];
	u256 amounts[2];

	parse_addr(addr1, &to[0]);
	parse_addr(addr2, &to[1]);
	u256_from_u64(&amounts[0], 1000000000000000000ULL);
	memset(be, 0xff, sizeof(be));
	ck_assert_int_eq(u256_from_be(&amounts[1], be, sizeof(be)), 0);

	abi_selector("batchMint(address[],uint256[])", sel);
	abi_enc_init(&e, sel, ENC_MAX);
	abi_enc_address_array(&e, to, 2);
	abi_enc_uint256_array(&e, amounts, 2);
	check_finish(&e, "0x68573107"
	    "0000000000000000000000000000000000000000000000000000000000000040"
	    "00000000000000000000000000000000000000000000000000000000000000a0"
	    "0000000000000000000000000000000000000000000000000000000000000002"
	    "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
	    "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
	    "0000000000000000000000000000000000000000000000000000000000000002"
	    "0000000000000000000000000000000000000000000000000de0b6b3a7640000"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
}
END_TEST

START_TEST(test_batch_mint_keyed)
{
	struct abi_enc e;
	uint8_t sel[ABI_SELECTOR_LEN], batch_id[32];
	struct address to[2];
	u256 amounts[2];

	parse_addr(addr1, &to[0]);
	parse_addr(addr2, &to[1]);
	u256_from_u64(&amounts[0], 5);
	u256_from_u64(&amounts[1], 7);
	memset(batch_id, 0xab, sizeof(batch_id));

	abi_selector("batchMint(bytes32,address[],uint256[])", sel);
	abi_enc_init(&e, sel, ENC_MAX);
	abi_enc_bytes32(&e, batch_id);
	abi_enc_address_array(&e, to, 2);
	abi_enc_uint256_array(&e, amounts, 2);
	check_finish(&e, "0xbe720763"
	    "abababababababababababababababababababababababababababababababab"
	    "0000000000000000000000000000000000000000000000000000000000000060"
	    "00000000000000000000000000000000000000000000000000000000000000c0"
	    "0000000000000000000000000000000000000000000000000000000000000002"
	    "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
	    "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
	    "0000000000000000000000000000000000000000000000000000000000000002"
	    "0000000000000000000000000000000000000000000000000000000000000005"
	    "0000000000000000000000000000000000000000000000000000000000000007");
}
END_TEST

static const char long_text[] = "Hello, world! this string is longer than thirty-two bytes";
static const char mixed_hex[] = "0x975b2181"
    "00000000000000000000000000000000000000000000000000000000000000a0"
    "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
    "0000000000000000000000000000000000000000000000000000000000000100"
    "0000000000000000000000000000000000000000000000000000000000000120"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000039"
    "48656c6c6f2c20776f726c6421207468697320737472696e67206973206c6f6e"
    "676572207468616e207468697274792d74776f20627974657300000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000";

/* f(string,address,bytes,uint256[],bool): a two-word string, empty bytes and array. */
START_TEST(test_mixed)
{
	struct abi_enc e;
	uint8_t sel[ABI_SELECTOR_LEN];
	struct address a;

	parse_addr(addr2, &a);
	abi_selector("f(string,address,bytes,uint256[],bool)", sel);
	abi_enc_init(&e, sel, ENC_MAX);
	abi_enc_string(&e, long_text, strlen(long_text));
	abi_enc_address(&e, &a);
	abi_enc_bytes(&e, NULL, 0);
	abi_enc_uint256_array(&e, NULL, 0);
	abi_enc_bool(&e, false);
	check_finish(&e, mixed_hex);
}
END_TEST

START_TEST(test_no_selector)
{
	struct abi_enc e;
	u256 v;

	abi_enc_init(&e, NULL, ENC_MAX);
	u256_from_u64(&v, 12345);
	abi_enc_uint256(&e, &v);
	check_finish(&e,
	    "0x0000000000000000000000000000000000000000000000000000000000003039");

	/* Nothing appended: an empty encoding. */
	abi_enc_init(&e, NULL, ENC_MAX);
	{
		uint8_t *out;
		size_t len = 9;

		ck_assert_int_eq(abi_enc_finish(&e, &out, &len), CB_OK);
		ck_assert_uint_eq(len, 0);
		free(out);
	}
}
END_TEST

START_TEST(test_enc_limits)
{
	struct abi_enc e;
	uint8_t sel[ABI_SELECTOR_LEN] = { 1, 2, 3, 4 }, *out = sel;
	size_t len = 5, i;
	u256 v;

	/* Selector plus one word is 36 bytes. */
	abi_enc_init(&e, sel, 36);
	u256_from_u64(&v, 1);
	ck_assert_int_eq(abi_enc_uint256(&e, &v), CB_OK);
	ck_assert_int_eq(abi_enc_bool(&e, true), CB_ERR_TOO_LARGE);
	/* Sticky: a later append that would fit on its own still fails. */
	ck_assert_int_eq(abi_enc_bytes(&e, NULL, 0), CB_ERR_TOO_LARGE);
	ck_assert_int_eq(abi_enc_finish(&e, &out, &len), CB_ERR_TOO_LARGE);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);

	/* An array whose element count alone overflows the cap. */
	abi_enc_init(&e, sel, ENC_MAX);
	ck_assert_int_eq(abi_enc_uint256_array(&e, &v, SIZE_MAX / 8), CB_ERR_TOO_LARGE);
	abi_enc_free(&e);

	abi_enc_init(&e, sel, ENC_MAX);
	for (i = 0; i < ABI_MAX_DYNAMIC; i++)
		ck_assert_int_eq(abi_enc_string(&e, "x", 1), CB_OK);
	ck_assert_int_eq(abi_enc_string(&e, "x", 1), CB_ERR_TOO_LARGE);
	abi_enc_free(&e);
	abi_enc_free(&e);
	abi_enc_free(NULL);
}
END_TEST

START_TEST(test_decode_sam)
{
	uint8_t *buf, *data;
	const uint8_t *p, *words;
	size_t len, n, i;
	bool flag;
	u256 v, want;

	buf = unhex(sam_hex, &len);
	data = buf + ABI_SELECTOR_LEN;
	len -= ABI_SELECTOR_LEN;

	ck_assert_int_eq(abi_dec_bytes(data, len, 0, &p, &n), CB_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(memcmp(p, "dave", 4), 0);
	ck_assert_int_eq(abi_dec_bool(data, len, 1, &flag), CB_OK);
	ck_assert(flag);
	ck_assert_int_eq(abi_dec_array(data, len, 2, &words, &n), CB_OK);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		abi_word_uint256(words + i * ABI_WORD_LEN, &v);
		u256_from_u64(&want, i + 1);
		ck_assert_int_eq(u256_cmp(&v, &want), 0);
	}
	/* The offset word read as a number. */
	ck_assert_int_eq(abi_dec_uint256(data, len, 0, &v), CB_OK);
	u256_from_u64(&want, 0x60);
	ck_assert_int_eq(u256_cmp(&v, &want), 0);
	/* Index 9 would be the tenth word: there are only nine. */
	ck_assert_int_eq(abi_dec_uint256(data, len, 8, &v), CB_OK);
	ck_assert_int_eq(abi_dec_uint256(data, len, 9, &v), CB_ERR_INVALID);
	ck_assert_int_eq(abi_dec_uint256(data, len, SIZE_MAX, &v), CB_ERR_INVALID);
	free(buf);
}
END_TEST

START_TEST(test_decode_mixed)
{
	uint8_t *buf, *data, word[32];
	const uint8_t *p;
	const char *s;
	size_t len, n;
	struct address a, want;
	bool flag = true;

	buf = unhex(mixed_hex, &len);
	data = buf + ABI_SELECTOR_LEN;
	len -= ABI_SELECTOR_LEN;

	ck_assert_int_eq(abi_dec_string(data, len, 0, &s, &n), CB_OK);
	ck_assert_uint_eq(n, strlen(long_text));
	ck_assert_int_eq(memcmp(s, long_text, n), 0);
	ck_assert_int_eq(abi_dec_address(data, len, 1, &a), CB_OK);
	parse_addr(addr2, &want);
	ck_assert(address_eq(&a, &want));
	ck_assert_int_eq(abi_dec_bytes(data, len, 2, &p, &n), CB_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(abi_dec_array(data, len, 3, &p, &n), CB_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(abi_dec_bool(data, len, 4, &flag), CB_OK);
	ck_assert(!flag);
	ck_assert_int_eq(abi_dec_bytes32(data, len, 1, word), CB_OK);
	ck_assert_int_eq(memcmp(word + 12, want.bytes, ADDRESS_LEN), 0);
	free(buf);
}
END_TEST

/* Topics of a Transfer log: indexed addresses are left-padded words. */
START_TEST(test_topic_words)
{
	static const char topic[] =
	    "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
	uint8_t word[32];
	struct address a, want;
	bool b;
	u256 v;

	ck_assert_int_eq(hex_decode_exact(word, sizeof(word), topic, strlen(topic)), 0);
	ck_assert_int_eq(abi_word_address(word, &a), CB_OK);
	parse_addr(addr1, &want);
	ck_assert(address_eq(&a, &want));
	abi_word_uint256(word, &v);
	ck_assert_uint_eq(u256_byte_len(&v), 20);

	word[11] = 1;
	ck_assert_int_eq(abi_word_address(word, &a), CB_ERR_INVALID);
	word[0] = 0x80;
	ck_assert_int_eq(abi_word_address(word, &a), CB_ERR_INVALID);

	memset(word, 0, sizeof(word));
	ck_assert_int_eq(abi_word_bool(word, &b), CB_OK);
	ck_assert(!b);
	word[31] = 1;
	ck_assert_int_eq(abi_word_bool(word, &b), CB_OK);
	ck_assert(b);
	word[31] = 2;
	ck_assert_int_eq(abi_word_bool(word, &b), CB_ERR_INVALID);
	word[31] = 1;
	word[0] = 1;
	ck_assert_int_eq(abi_word_bool(word, &b), CB_ERR_INVALID);
}
END_TEST

/* Mutations of the sam() arguments (selector stripped) that must be refused. */
static const struct {
	size_t word;		/* which 32-byte word to overwrite */
	const char *value;	/* its new contents */
	size_t trunc;		/* if non-zero: cut the data to this length instead */
	int what;		/* 0 bytes(arg 0), 1 bool(arg 1), 2 array(arg 2) */
	const char *why;
} bad_decode[] = {
	{ 0, "0000000000000000000000000000000000000000000000000000000000000120", 0, 0,
	  "bytes offset equal to the data length" },
	{ 0, "0000000000000000000000000000000000000000000000000000000000000101", 0, 0,
	  "bytes offset past the end" },
	{ 0, "00000000000000000000000000000000000000000000000100000000000000a0", 0, 0,
	  "bytes offset wider than 64 bits" },
	{ 0, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0", 0, 0,
	  "bytes offset near 2^256" },
	{ 3, "00000000000000000000000000000000000000000000000000000000000000a1", 0, 0,
	  "bytes length past the end" },
	{ 3, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0, 0,
	  "bytes length near 2^256" },
	{ 3, "000000000000000000000000000000000000000000000000ffffffffffffffff", 0, 0,
	  "bytes length of 2^64-1" },
	{ 1, "0000000000000000000000000000000000000000000000000000000000000002", 0, 1,
	  "bool of 2" },
	{ 1, "0100000000000000000000000000000000000000000000000000000000000001", 0, 1,
	  "bool with a high bit" },
	{ 5, "0000000000000000000000000000000000000000000000000000000000000004", 0, 2,
	  "array one element too long" },
	{ 5, "0800000000000000000000000000000000000000000000000000000000000001", 0, 2,
	  "array count that overflows times 32" },
	{ 5, "0000000000000000000000000000000000000000000000000000000000000000", 287, 2,
	  "array truncated by one byte" },
	{ 0, "0000000000000000000000000000000000000000000000000000000000000000", 31, 0,
	  "data shorter than one word" },
	{ 0, "0000000000000000000000000000000000000000000000000000000000000000", 95, 2,
	  "head cut before the array offset" },
};

START_TEST(test_decode_rejects)
{
	uint8_t *buf, *data;
	const uint8_t *p;
	size_t len, n;
	bool flag;

	buf = unhex(sam_hex, &len);
	data = buf + ABI_SELECTOR_LEN;
	len -= ABI_SELECTOR_LEN;
	if (bad_decode[_i].trunc != 0)
		len = bad_decode[_i].trunc;
	else
		ck_assert_int_eq(hex_decode_exact(data + 32 * bad_decode[_i].word, 32,
		    bad_decode[_i].value, 64), 0);

	switch (bad_decode[_i].what) {
	case 0:
		if (abi_dec_bytes(data, len, 0, &p, &n) != CB_ERR_INVALID)
			ck_abort_msg("accepted: %s", bad_decode[_i].why);
		break;
	case 1:
		if (abi_dec_bool(data, len, 1, &flag) != CB_ERR_INVALID)
			ck_abort_msg("accepted: %s", bad_decode[_i].why);
		break;
	default:
		if (abi_dec_array(data, len, 2, &p, &n) != CB_ERR_INVALID)
			ck_abort_msg("accepted: %s", bad_decode[_i].why);
		break;
	}
	free(buf);
}
END_TEST

START_TEST(test_decode_empty)
{
	const uint8_t *p;
	size_t n;
	u256 v;

	ck_assert_int_eq(abi_dec_uint256(NULL, 0, 0, &v), CB_ERR_INVALID);
	ck_assert_int_eq(abi_dec_bytes(NULL, 0, 0, &p, &n), CB_ERR_INVALID);
}
END_TEST

static Suite *
abi_suite(void)
{
	Suite *s = suite_create("abi");
	TCase *tc;

	tc = tcase_create("selector");
	tcase_add_loop_test(tc, test_selector, 0, (int)N_ELEMS(selector_vectors));
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_test(tc, test_spec_baz);
	tcase_add_test(tc, test_spec_sam);
	tcase_add_test(tc, test_batch_mint);
	tcase_add_test(tc, test_batch_mint_keyed);
	tcase_add_test(tc, test_mixed);
	tcase_add_test(tc, test_no_selector);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode_limits");
	tcase_add_test(tc, test_enc_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_test(tc, test_decode_sam);
	tcase_add_test(tc, test_decode_mixed);
	tcase_add_test(tc, test_topic_words);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode_rejects");
	tcase_add_loop_test(tc, test_decode_rejects, 0, (int)N_ELEMS(bad_decode));
	tcase_add_test(tc, test_decode_empty);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(abi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
