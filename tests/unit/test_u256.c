/*
 * test_u256.c - unit tests for the exact 256-bit integers.
 *
 * Expected values are written as hex text and read by a small reader local
 * to this file, so the tables do not depend on the parsers under test.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "money/u256.h"

#define MAX_HEX "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define MAX_DEC "115792089237316195423570985008687907853269984665640564039457584007913129639935"

/* Reads bare hex digits (no prefix) into a u256; aborts the test on junk. */
static u256
X(const char *hex)
{
	u256 r;
	size_t len = strlen(hex), i;

	memset(&r, 0, sizeof(r));
	ck_assert_msg(len <= 64, "table value too long: %s", hex);
	for (i = 0; i < len; i++) {
		char c = hex[len - 1 - i];
		uint64_t v;

		if (c >= '0' && c <= '9')
			v = (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (uint64_t)(c - 'a' + 10);
		else
			ck_abort_msg("bad table hex: %s", hex);
		r.limb[i / 16] |= v << ((i % 16) * 4);
	}
	return r;
}

static void
assert_u256_eq(const u256 *got, const u256 *want, const char *what, int row)
{
	char g[U256_HEX_MAX], w[U256_HEX_MAX];

	if (memcmp(got->limb, want->limb, sizeof(got->limb)) == 0)
		return;
	u256_to_hex_quantity(got, g, sizeof(g));
	u256_to_hex_quantity(want, w, sizeof(w));
	ck_abort_msg("%s row %d: got %s want %s", what, row, g, w);
}

/* ---- add / sub / mul ---- */

struct binop_case {
	const char *a, *b, *want;	/* want NULL: overflow expected */
};

static const struct binop_case add_cases[] = {
	{ "0", "0", "0" },
	{ "1", "2", "3" },
	{ "ffffffffffffffff", "1", "10000000000000000" },
	{ "ffffffffffffffffffffffffffffffff", "1", "100000000000000000000000000000000" },
	{ "ffffffffffffffffffffffffffffffffffffffffffffffff", "1",
	  "1000000000000000000000000000000000000000000000000" },
	{ "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe", "1", MAX_HEX },
	{ MAX_HEX, "0", MAX_HEX },
	{ MAX_HEX, "1", NULL },
	{ "8000000000000000000000000000000000000000000000000000000000000000",
	  "8000000000000000000000000000000000000000000000000000000000000000", NULL },
	{ MAX_HEX, MAX_HEX, NULL },
	/* carry through the middle limbs with b's limb also all ones */
	{ "ffffffffffffffffffffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffffffffffffffffffff",
	  "1fffffffffffffffffffffffffffffffffffffffffffffffe" },
};

static const struct binop_case sub_cases[] = {
	{ "0", "0", "0" },
	{ "3", "2", "1" },
	{ "0", "1", NULL },
	{ "10000000000000000", "1", "ffffffffffffffff" },
	{ "1000000000000000000000000000000000000000000000000", "1",
	  "ffffffffffffffffffffffffffffffffffffffffffffffff" },
	{ MAX_HEX, MAX_HEX, "0" },
	{ MAX_HEX, "1", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe" },
	{ "10000000000000000", "10000000000000001", NULL },
	{ "1", MAX_HEX, NULL },
};

static const struct binop_case mul_cases[] = {
	{ "0", MAX_HEX, "0" },
	{ MAX_HEX, "1", MAX_HEX },
	{ MAX_HEX, "2", NULL },
	{ "ffffffffffffffff", "ffffffffffffffff", "fffffffffffffffe0000000000000001" },
	{ "100000000000000000000000000000000", "100000000000000000000000000000000", NULL },
	{ "100000000000000000000000000000000", "80000000000000000000000000000000",
	  "8000000000000000000000000000000000000000000000000000000000000000" },
	{ "8000000000000000000000000000000000000000000000000000000000000000", "2", NULL },
	/* (2^128-1)(2^128+1) = 2^256-1 exactly */
	{ "ffffffffffffffffffffffffffffffff", "100000000000000000000000000000001", MAX_HEX },
	/* low limbs of the product are zero: overflow seen only in high limbs */
	{ "1000000000000000000000000000000000000000000000000", "10000000000000000", NULL },
	{ "1000000000000000000000000000000000000000000000000", "ffffffffffffffff",
	  "ffffffffffffffff000000000000000000000000000000000000000000000000" },
	{ "de0b6b3a7640000", "de0b6b3a7640000", "c097ce7bc90715b34b9f1000000000" },
};

static void
run_binop(const struct binop_case *c, int (*op)(u256 *, const u256 *, const u256 *),
    const char *what, int row)
{
	u256 a = X(c->a), b = X(c->b), r;
	int rc = op(&r, &a, &b);

	if (c->want == NULL) {
		ck_assert_msg(rc == -1, "%s row %d: expected overflow", what, row);
		return;
	}
	ck_assert_msg(rc == 0, "%s row %d: unexpected overflow", what, row);
	{
		u256 w = X(c->want);

		assert_u256_eq(&r, &w, what, row);
		/* r aliasing a must give the same answer */
		rc = op(&a, &a, &b);
		ck_assert_int_eq(rc, 0);
		assert_u256_eq(&a, &w, what, row);
	}
}

START_TEST(test_add)
{
	run_binop(&add_cases[_i], u256_add, "add", _i);
}
END_TEST

START_TEST(test_sub)
{
	run_binop(&sub_cases[_i], u256_sub, "sub", _i);
}
END_TEST

START_TEST(test_mul)
{
	run_binop(&mul_cases[_i], u256_mul, "mul", _i);
}
END_TEST

START_TEST(test_mul_alias_both)
{
	u256 a = X("ffffffffffffffffffffffffffffffff"), w = X("fffffffffffffffffffffffffffffffe00000000000000000000000000000001");

	ck_assert_int_eq(u256_mul(&a, &a, &a), 0);
	assert_u256_eq(&a, &w, "mul self", 0);
	a = X("ffffffffffffffff");
	ck_assert_int_eq(u256_add(&a, &a, &a), 0);
	w = X("1fffffffffffffffe");
	assert_u256_eq(&a, &w, "add self", 0);
}
END_TEST

/* ---- mul_u64 / divmod_u64 ---- */

struct mulu64_case {
	const char *a;
	uint64_t m;
	const char *want;
};

static const struct mulu64_case mulu64_cases[] = {
	{ MAX_HEX, 1, MAX_HEX },
	{ MAX_HEX, 0, "0" },
	{ MAX_HEX, 2, NULL },
	{ "1000000000000000000000000000000000000000000000000", UINT64_C(0x8000000000000000),
	  "8000000000000000000000000000000000000000000000000000000000000000" },
	{ "1000000000000000000000000000000000000000000000000", UINT64_C(0xffffffffffffffff),
	  "ffffffffffffffff000000000000000000000000000000000000000000000000" },
	{ "2000000000000000000000000000000000000000000000000", UINT64_C(0x8000000000000000), NULL },
	{ "ffffffffffffffff", UINT64_C(0xffffffffffffffff), "fffffffffffffffe0000000000000001" },
};

START_TEST(test_mul_u64)
{
	const struct mulu64_case *c = &mulu64_cases[_i];
	u256 a = X(c->a), r;
	int rc = u256_mul_u64(&r, &a, c->m);

	if (c->want == NULL) {
		ck_assert_int_eq(rc, -1);
	} else {
		u256 w = X(c->want);

		ck_assert_int_eq(rc, 0);
		assert_u256_eq(&r, &w, "mul_u64", _i);
	}
}
END_TEST

struct divmod_case {
	const char *a;
	uint64_t d;
	const char *q;
	uint64_t rem;
};

static const struct divmod_case divmod_cases[] = {
	{ MAX_HEX, 10, "1999999999999999999999999999999999999999999999999999999999999999", 5 },
	{ MAX_HEX, UINT64_C(0xffffffffffffffff), "1000000000000000100000000000000010000000000000001", 0 },
	{ MAX_HEX, UINT64_C(10000000000000000000),
	  "1d83c94fb6d2ac34a5663d3c7a0d865ca3c4ca40e0ea7cfe9", UINT64_C(7584007913129639935) },
	{ MAX_HEX, 1, MAX_HEX, 0 },
	{ "7b", 1000, "0", 123 },
	{ "0", 7, "0", 0 },
	{ "27e41b3246bec9b16e398115", 97, "694789c1639dca68106d89", 44 },
	{ "10000000000000000", 2, "8000000000000000", 0 },
};

START_TEST(test_divmod_u64)
{
	const struct divmod_case *c = &divmod_cases[_i];
	u256 a = X(c->a), q, w = X(c->q);
	uint64_t rem = 999;

	ck_assert_int_eq(u256_divmod_u64(&q, &a, c->d, &rem), 0);
	assert_u256_eq(&q, &w, "divmod q", _i);
	ck_assert_uint_eq(rem, c->rem);
	/* in place, no remainder wanted */
	ck_assert_int_eq(u256_divmod_u64(&a, &a, c->d, NULL), 0);
	assert_u256_eq(&a, &w, "divmod q in place", _i);
}
END_TEST

START_TEST(test_divmod_by_zero)
{
	u256 a = X("5"), q = X("abc"), w = X("abc");
	uint64_t rem = 77;

	ck_assert_int_eq(u256_divmod_u64(&q, &a, 0, &rem), -1);
	assert_u256_eq(&q, &w, "q untouched", 0);
	ck_assert_uint_eq(rem, 77);
}
END_TEST

/* ---- small helpers ---- */

START_TEST(test_cmp_and_u64)
{
	u256 a = X("10000000000000000"), b = X("ffffffffffffffff"), m = X(MAX_HEX), z;
	uint64_t v = 42;

	u256_zero(&z);
	ck_assert(u256_is_zero(&z));
	ck_assert(!u256_is_zero(&a));
	ck_assert_int_eq(u256_cmp(&a, &b), 1);
	ck_assert_int_eq(u256_cmp(&b, &a), -1);
	ck_assert_int_eq(u256_cmp(&m, &m), 0);
	ck_assert_int_eq(u256_cmp(&z, &m), -1);
	/* a high limb decides even when the low limb says otherwise */
	a = X("1000000000000000000000000000000000000000000000000");
	b = X("ffffffffffffffffffffffffffffffffffffffffffffffff");
	ck_assert_int_eq(u256_cmp(&a, &b), 1);

	ck_assert(u256_to_u64(&b, &v) == false);
	ck_assert_uint_eq(v, 42);
	b = X("ffffffffffffffff");
	ck_assert(u256_to_u64(&b, &v));
	ck_assert_uint_eq(v, UINT64_MAX);
	u256_from_u64(&a, 12345);
	ck_assert(u256_to_u64(&a, &v));
	ck_assert_uint_eq(v, 12345);
	a = X("10000000000000000");
	ck_assert(!u256_to_u64(&a, &v));
}
END_TEST

/* ---- pow10 ---- */

START_TEST(test_pow10)
{
	char want[80], got[U256_DEC_MAX];
	u256 r;
	unsigned n;

	for (n = 0; n <= 77; n++) {
		want[0] = '1';
		memset(want + 1, '0', n);
		want[n + 1] = '\0';
		ck_assert_int_eq(u256_pow10(&r, n), 0);
		ck_assert_uint_eq(u256_to_dec(&r, got, sizeof(got)), n + 1);
		ck_assert_str_eq(got, want);
	}
	ck_assert_int_eq(u256_pow10(&r, 78), -1);
	ck_assert_int_eq(u256_pow10(&r, 1000), -1);
	ck_assert_int_eq(u256_pow10(&r, 19), 0);
	{
		u256 w = X("8ac7230489e80000");

		assert_u256_eq(&r, &w, "10^19", 0);
	}
}
END_TEST

/* ---- decimal ---- */

struct dec_case {
	const char *in;
	int rc;
	const char *hex;	/* value when rc == 0 */
	const char *canon;	/* canonical rendering when rc == 0 */
};

static const struct dec_case dec_cases[] = {
	{ "0", 0, "0", "0" },
	{ "1", 0, "1", "1" },
	{ "000", 0, "0", "0" },
	{ "000123", 0, "7b", "123" },
	{ "18446744073709551615", 0, "ffffffffffffffff", "18446744073709551615" },
	{ "18446744073709551616", 0, "10000000000000000", "18446744073709551616" },
	{ "10000000000000000000", 0, "8ac7230489e80000", "10000000000000000000" },
	{ "1000000000000000000", 0, "de0b6b3a7640000", "1000000000000000000" },
	{ MAX_DEC, 0, MAX_HEX, MAX_DEC },
	{ "00000" MAX_DEC, 0, MAX_HEX, MAX_DEC },
	{ "115792089237316195423570985008687907853269984665640564039457584007913129639936", -2, NULL, NULL },
	{ "999999999999999999999999999999999999999999999999999999999999999999999999999999", -2, NULL, NULL },
	{ "1000000000000000000000000000000000000000000000000000000000000000000000000000000", -2, NULL, NULL },
	{ "", -1, NULL, NULL },
	{ "12a", -1, NULL, NULL },
	{ "-1", -1, NULL, NULL },
	{ "+1", -1, NULL, NULL },
	{ " 1", -1, NULL, NULL },
	{ "1 ", -1, NULL, NULL },
	{ "1.0", -1, NULL, NULL },
	{ "0x10", -1, NULL, NULL },
	{ "1e3", -1, NULL, NULL },
	/* syntax wins over overflow: the whole input is checked first */
	{ "1000000000000000000000000000000000000000000000000000000000000000000000000000000000x", -1, NULL, NULL },
};

START_TEST(test_dec)
{
	const struct dec_case *c = &dec_cases[_i];
	u256 r = X("abc"), keep = X("abc");
	char buf[U256_DEC_MAX];
	int rc = u256_from_dec(&r, c->in, strlen(c->in));

	ck_assert_msg(rc == c->rc, "dec row %d (%s): rc %d want %d", _i, c->in, rc, c->rc);
	if (c->rc != 0) {
		assert_u256_eq(&r, &keep, "dec untouched", _i);
		return;
	}
	{
		u256 w = X(c->hex);

		assert_u256_eq(&r, &w, "dec", _i);
	}
	ck_assert_uint_eq(u256_to_dec(&r, buf, sizeof(buf)), strlen(c->canon));
	ck_assert_str_eq(buf, c->canon);
}
END_TEST

START_TEST(test_dec_respects_len)
{
	u256 r, w = X("7b");
	char buf[8];

	/* "1234" with len 3 is 123; a digit past len must not be read */
	ck_assert_int_eq(u256_from_dec(&r, "1234", 3), 0);
	assert_u256_eq(&r, &w, "len", 0);
	memcpy(buf, "123x", 4);
	ck_assert_int_eq(u256_from_dec(&r, buf, 3), 0);
	assert_u256_eq(&r, &w, "len", 1);
}
END_TEST

START_TEST(test_dec_long_inputs)
{
	size_t n = 1000000;
	char *s = malloc(n);
	u256 r, one = X("1");

	ck_assert_ptr_nonnull(s);
	memset(s, '0', n);
	s[n - 1] = '1';
	ck_assert_int_eq(u256_from_dec(&r, s, n), 0);
	assert_u256_eq(&r, &one, "many leading zeros", 0);
	s[0] = '1';
	ck_assert_int_eq(u256_from_dec(&r, s, n), -2);
	free(s);
}
END_TEST

START_TEST(test_to_dec_cap)
{
	u256 a = X("7b"), m = X(MAX_HEX), z;
	char buf[U256_DEC_MAX];

	memset(buf, 'z', sizeof(buf));
	ck_assert_uint_eq(u256_to_dec(&a, buf, 4), 3);
	ck_assert_str_eq(buf, "123");
	ck_assert_uint_eq(u256_to_dec(&a, buf, 3), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(u256_to_dec(&a, buf, 0), 0);
	ck_assert_uint_eq(u256_to_dec(&m, buf, U256_DEC_MAX), 78);
	ck_assert_str_eq(buf, MAX_DEC);
	ck_assert_uint_eq(u256_to_dec(&m, buf, U256_DEC_MAX - 1), 0);
	u256_zero(&z);
	ck_assert_uint_eq(u256_to_dec(&z, buf, 2), 1);
	ck_assert_str_eq(buf, "0");
}
END_TEST

/* ---- hex quantities ---- */

struct hex_case {
	const char *in;
	int strict_rc, lenient_rc;
	const char *hex;	/* value when a parser succeeds */
};

static const struct hex_case hex_cases[] = {
	{ "0x0", 0, 0, "0" },
	{ "0x1", 0, 0, "1" },
	{ "0xa", 0, 0, "a" },
	{ "0xAbCdEf", 0, 0, "abcdef" },
	{ "0x10000000000000000", 0, 0, "10000000000000000" },
	{ "0x" MAX_HEX, 0, 0, MAX_HEX },
	{ "0x", -1, 0, "0" },
	{ "0x00", -1, 0, "0" },
	{ "0x01", -1, 0, "1" },
	{ "0x000000000000000000000000000000000000000000000000000000000000000000000001", -1, 0, "1" },
	{ "0X1", -1, 0, "1" },
	{ "0x1" "0000000000000000000000000000000000000000000000000000000000000000", -2, -2, NULL },
	{ "0x0" MAX_HEX, -1, 0, MAX_HEX },
	{ "", -1, -1, NULL },
	{ "0", -1, -1, NULL },
	{ "1", -1, -1, NULL },
	{ "10", -1, -1, NULL },
	{ "x1", -1, -1, NULL },
	{ "0x-1", -1, -1, NULL },
	{ "0xg", -1, -1, NULL },
	{ "0x1 ", -1, -1, NULL },
	{ " 0x1", -1, -1, NULL },
	{ "0x0x1", -1, -1, NULL },
};

START_TEST(test_hex_quantity)
{
	const struct hex_case *c = &hex_cases[_i];
	u256 r = X("abc"), keep = X("abc");
	int rc;

	rc = u256_from_hex_quantity(&r, c->in, strlen(c->in));
	ck_assert_msg(rc == c->strict_rc, "strict row %d (%s): rc %d", _i, c->in, rc);
	if (rc == 0) {
		u256 w = X(c->hex);

		assert_u256_eq(&r, &w, "strict", _i);
	} else {
		assert_u256_eq(&r, &keep, "strict untouched", _i);
	}
	r = keep;
	rc = u256_from_hex_lenient(&r, c->in, strlen(c->in));
	ck_assert_msg(rc == c->lenient_rc, "lenient row %d (%s): rc %d", _i, c->in, rc);
	if (rc == 0) {
		u256 w = X(c->hex);

		assert_u256_eq(&r, &w, "lenient", _i);
	} else {
		assert_u256_eq(&r, &keep, "lenient untouched", _i);
	}
}
END_TEST

struct tohex_case {
	const char *hex, *want;
};

static const struct tohex_case tohex_cases[] = {
	{ "0", "0x0" },
	{ "1", "0x1" },
	{ "f", "0xf" },
	{ "10", "0x10" },
	{ "ffffffffffffffff", "0xffffffffffffffff" },
	{ "10000000000000000", "0x10000000000000000" },
	{ "1000000000000000000000000000000000000000000000000", "0x1000000000000000000000000000000000000000000000000" },
	{ MAX_HEX, "0x" MAX_HEX },
};

START_TEST(test_to_hex_quantity)
{
	const struct tohex_case *c = &tohex_cases[_i];
	u256 a = X(c->hex), back;
	char buf[U256_HEX_MAX];
	size_t n = strlen(c->want);

	ck_assert_uint_eq(u256_to_hex_quantity(&a, buf, sizeof(buf)), n);
	ck_assert_str_eq(buf, c->want);
	ck_assert_int_eq(u256_from_hex_quantity(&back, buf, n), 0);
	assert_u256_eq(&back, &a, "hex round trip", _i);
	ck_assert_uint_eq(u256_to_hex_quantity(&a, buf, n + 1), n);
	ck_assert_uint_eq(u256_to_hex_quantity(&a, buf, n), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- big-endian bytes ---- */

START_TEST(test_be32)
{
	uint8_t b[33], out[32];
	u256 r, w;
	size_t i;

	for (i = 0; i < 32; i++)
		b[i] = (uint8_t)(i + 1);
	ck_assert_int_eq(u256_from_be(&r, b, 32), 0);
	w = X("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
	assert_u256_eq(&r, &w, "be32", 0);
	u256_to_be32(&r, out);
	ck_assert_mem_eq(out, b, 32);
	ck_assert_uint_eq(u256_byte_len(&r), 32);

	ck_assert_int_eq(u256_from_be(&r, b, 3), 0);
	w = X("10203");
	assert_u256_eq(&r, &w, "be short", 0);
	ck_assert_uint_eq(u256_byte_len(&r), 3);
	u256_to_be32(&r, out);
	for (i = 0; i < 29; i++)
		ck_assert_uint_eq(out[i], 0);
	ck_assert_mem_eq(out + 29, b, 3);

	ck_assert_int_eq(u256_from_be(&r, b, 0), 0);
	ck_assert(u256_is_zero(&r));
	ck_assert_uint_eq(u256_byte_len(&r), 0);

	w = X("abc");
	r = w;
	ck_assert_int_eq(u256_from_be(&r, b, 33), -1);
	assert_u256_eq(&r, &w, "be untouched", 0);

	r = X("100");
	ck_assert_uint_eq(u256_byte_len(&r), 2);
	r = X("ff");
	ck_assert_uint_eq(u256_byte_len(&r), 1);
	r = X("10000000000000000");
	ck_assert_uint_eq(u256_byte_len(&r), 9);
	r = X("ffffffffffffffff");
	ck_assert_uint_eq(u256_byte_len(&r), 8);
}
END_TEST

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

static Suite *
u256_suite(void)
{
	Suite *s = suite_create("u256");
	TCase *tc;

	tc = tcase_create("add");
	tcase_add_loop_test(tc, test_add, 0, NROWS(add_cases));
	tcase_add_test(tc, test_mul_alias_both);
	suite_add_tcase(s, tc);
	tc = tcase_create("sub");
	tcase_add_loop_test(tc, test_sub, 0, NROWS(sub_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("mul");
	tcase_add_loop_test(tc, test_mul, 0, NROWS(mul_cases));
	tcase_add_loop_test(tc, test_mul_u64, 0, NROWS(mulu64_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("divmod");
	tcase_add_loop_test(tc, test_divmod_u64, 0, NROWS(divmod_cases));
	tcase_add_test(tc, test_divmod_by_zero);
	suite_add_tcase(s, tc);
	tc = tcase_create("compare");
	tcase_add_test(tc, test_cmp_and_u64);
	suite_add_tcase(s, tc);
	tc = tcase_create("pow10");
	tcase_add_test(tc, test_pow10);
	suite_add_tcase(s, tc);
	tc = tcase_create("decimal");
	tcase_add_loop_test(tc, test_dec, 0, NROWS(dec_cases));
	tcase_add_test(tc, test_dec_respects_len);
	tcase_add_test(tc, test_dec_long_inputs);
	tcase_add_test(tc, test_to_dec_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("hex");
	tcase_add_loop_test(tc, test_hex_quantity, 0, NROWS(hex_cases));
	tcase_add_loop_test(tc, test_to_hex_quantity, 0, NROWS(tohex_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("bytes");
	tcase_add_test(tc, test_be32);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(u256_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
