/*
 * test_hex.c - unit tests for hexadecimal byte strings.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"

struct decode_case {
	const char *in;
	int rc;
	size_t n;		/* bytes when rc == 0 */
	const char *bytes;	/* expected bytes */
};

static const struct decode_case decode_cases[] = {
	{ "", 0, 0, "" },
	{ "0x", 0, 0, "" },
	{ "0X", 0, 0, "" },
	{ "00", 0, 1, "\x00" },
	{ "0x00", 0, 1, "\x00" },
	{ "0xdeadBEEF", 0, 4, "\xde\xad\xbe\xef" },
	{ "DEADbeef", 0, 4, "\xde\xad\xbe\xef" },
	{ "0x0102030405060708", 0, 8, "\x01\x02\x03\x04\x05\x06\x07\x08" },
	{ "ff", 0, 1, "\xff" },
	/* "0x" without further digits looks like a prefix; "0" alone is odd */
	{ "0", -1, 0, NULL },
	{ "0x0", -1, 0, NULL },
	{ "abc", -1, 0, NULL },
	{ "0xg0", -1, 0, NULL },
	{ "0x0g", -1, 0, NULL },
	{ "zz", -1, 0, NULL },
	{ " 00", -1, 0, NULL },
	{ "00 ", -1, 0, NULL },
	{ "0x 0", -1, 0, NULL },
	{ "0x0x00", -1, 0, NULL },
	{ "x00", -1, 0, NULL },
	{ "-1", -1, 0, NULL },
	{ "0x\xc3\xa9", -1, 0, NULL },
	{ "\xd9\xa1\xd9\xa1", -1, 0, NULL },
	/* longer than the 16-byte cap used by the test */
	{ "000102030405060708090a0b0c0d0e0f10", -1, 0, NULL },
	{ "000102030405060708090a0b0c0d0e0f", 0, 16,
	  "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" },
};

START_TEST(test_decode)
{
	const struct decode_case *c = &decode_cases[_i];
	uint8_t out[16];
	size_t n = 999;
	int rc = hex_decode(out, sizeof(out), c->in, strlen(c->in), &n);

	ck_assert_msg(rc == c->rc, "row %d (%s): rc %d want %d", _i, c->in, rc, c->rc);
	if (rc != 0)
		return;
	ck_assert_uint_eq(n, c->n);
	ck_assert_mem_eq(out, c->bytes, c->n);
}
END_TEST

START_TEST(test_decode_respects_len)
{
	uint8_t out[4];
	size_t n;

	/* the fifth character is outside len and is not a hex digit */
	ck_assert_int_eq(hex_decode(out, sizeof(out), "abcd!", 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 0xab);
	ck_assert_uint_eq(out[1], 0xcd);
	/* len cuts inside the prefix: "0" is one digit, odd */
	ck_assert_int_eq(hex_decode(out, sizeof(out), "0x12", 1, &n), -1);
	/* a NUL inside len is a bad character */
	ck_assert_int_eq(hex_decode(out, sizeof(out), "a\0b0", 4, &n), -1);
}
END_TEST

START_TEST(test_decode_cap)
{
	uint8_t out[4];
	size_t n;

	ck_assert_int_eq(hex_decode(out, 4, "0x01020304", 10, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(hex_decode(out, 3, "0x01020304", 10, &n), -1);
	ck_assert_int_eq(hex_decode(NULL, 0, "0x", 2, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(hex_decode(NULL, 0, "00", 2, &n), -1);
}
END_TEST

START_TEST(test_decode_exact)
{
	uint8_t addr[20];
	const char *ok = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

	ck_assert_int_eq(hex_decode_exact(addr, 20, ok, strlen(ok)), 0);
	ck_assert_uint_eq(addr[0], 0x5a);
	ck_assert_uint_eq(addr[19], 0xed);
	/* one byte short, one byte long */
	ck_assert_int_eq(hex_decode_exact(addr, 20, ok, strlen(ok) - 2), -1);
	ck_assert_int_eq(hex_decode_exact(addr, 19, ok, strlen(ok)), -1);
	ck_assert_int_eq(hex_decode_exact(addr, 20, "0x", 2), -1);
}
END_TEST

START_TEST(test_digit_value)
{
	const char *digits = "0123456789abcdef", *upper = "ABCDEF";
	int i;

	for (i = 0; i < 16; i++)
		ck_assert_int_eq(hex_digit_value(digits[i]), i);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(hex_digit_value(upper[i]), 10 + i);
	for (i = -128; i < 128; i++) {
		char c = (char)i;

		if (strchr("0123456789abcdefABCDEF", c) != NULL && c != '\0')
			continue;
		ck_assert_int_eq(hex_digit_value(c), -1);
	}
}
END_TEST

struct encode_case {
	const char *bytes;
	size_t n;
	bool prefix;
	const char *want;
};

static const struct encode_case encode_cases[] = {
	{ "", 0, false, "" },
	{ "", 0, true, "0x" },
	{ "\x00", 1, false, "00" },
	{ "\x00", 1, true, "0x00" },
	{ "\xde\xad\xbe\xef", 4, true, "0xdeadbeef" },
	{ "\x01\x23\x45\x67\x89\xab\xcd\xef", 8, false, "0123456789abcdef" },
};

START_TEST(test_u64_lower)
{
	uint64_t v = 7;

	ck_assert(hex_u64_lower("0123456789abcdef", 16, &v));
	ck_assert_uint_eq(v, 0x0123456789abcdefULL);
	ck_assert(hex_u64_lower("ffffffffffffffff", 16, &v));
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert(hex_u64_lower("0000002a", 8, &v));
	ck_assert_uint_eq(v, 42);
	/* Uppercase, prefixes, signs, spaces and bad lengths are refused,
	 * and *out is left alone. */
	v = 7;
	ck_assert(!hex_u64_lower("0123456789ABCDEF", 16, &v));
	ck_assert(!hex_u64_lower("0x12", 4, &v));
	ck_assert(!hex_u64_lower("-1", 2, &v));
	ck_assert(!hex_u64_lower(" 1", 2, &v));
	ck_assert(!hex_u64_lower("g", 1, &v));
	ck_assert(!hex_u64_lower("", 0, &v));
	ck_assert(!hex_u64_lower("00000000000000001", 17, &v));
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_encode)
{
	const struct encode_case *c = &encode_cases[_i];
	const uint8_t *in = (const uint8_t *)c->bytes;
	size_t want = strlen(c->want);
	char buf[64];
	uint8_t back[32];
	size_t n;

	memset(buf, 'z', sizeof(buf));
	ck_assert_uint_eq(hex_encode(buf, sizeof(buf), in, c->n, c->prefix), want);
	ck_assert_str_eq(buf, c->want);
	/* exact cap fits, one less does not */
	ck_assert_uint_eq(hex_encode(buf, want + 1, in, c->n, c->prefix), want);
	ck_assert_str_eq(buf, c->want);
	if (want > 0) {
		ck_assert_uint_eq(hex_encode(buf, want, in, c->n, c->prefix), 0);
		ck_assert_str_eq(buf, "");
	}
	ck_assert_uint_eq(hex_encode(buf, 0, in, c->n, c->prefix), 0);
	/* round trip */
	ck_assert_int_eq(hex_decode(back, sizeof(back), c->want, want, &n), 0);
	ck_assert_uint_eq(n, c->n);
	ck_assert_mem_eq(back, in, n);
}
END_TEST

START_TEST(test_encode_huge_len)
{
	char buf[8] = "zzzzzzz";
	uint8_t b = 0;

	/* a length whose doubling wraps must still be refused */
	ck_assert_uint_eq(hex_encode(buf, sizeof(buf), &b, SIZE_MAX / 2 + 1, false), 0);
	ck_assert_uint_eq(hex_encode(buf, sizeof(buf), &b, SIZE_MAX, true), 0);
	ck_assert_str_eq(buf, "");
	/* cap 1 or 2 with a prefix cannot even hold "0x" */
	ck_assert_uint_eq(hex_encode(buf, 1, &b, 0, true), 0);
	ck_assert_uint_eq(hex_encode(buf, 2, &b, 0, true), 0);
	ck_assert_uint_eq(hex_encode(buf, 3, &b, 0, true), 2);
	ck_assert_str_eq(buf, "0x");
}
END_TEST

START_TEST(test_round_trip_all_bytes)
{
	uint8_t in[256], back[256];
	char buf[2 + 512 + 1];
	size_t n, i;

	for (i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	ck_assert_uint_eq(hex_encode(buf, sizeof(buf), in, 256, true), 514);
	ck_assert_int_eq(hex_decode(back, sizeof(back), buf, 514, &n), 0);
	ck_assert_uint_eq(n, 256);
	ck_assert_mem_eq(back, in, 256);
	ck_assert(strncmp(buf, "0x000102", 8) == 0);
	ck_assert_str_eq(buf + 510, "feff");
}
END_TEST

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

static Suite *
hex_suite(void)
{
	Suite *s = suite_create("hex");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_loop_test(tc, test_decode, 0, NROWS(decode_cases));
	tcase_add_test(tc, test_decode_respects_len);
	tcase_add_test(tc, test_decode_cap);
	tcase_add_test(tc, test_u64_lower);
	tcase_add_test(tc, test_decode_exact);
	tcase_add_test(tc, test_digit_value);
	suite_add_tcase(s, tc);
	tc = tcase_create("encode");
	tcase_add_loop_test(tc, test_encode, 0, NROWS(encode_cases));
	tcase_add_test(tc, test_encode_huge_len);
	tcase_add_test(tc, test_round_trip_all_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hex_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
