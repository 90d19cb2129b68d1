/*
 * test_amount.c - unit tests for exact token amounts.
 *
 * Expected base-unit values are written as signed decimal text and read
 * with u256_from_dec (tested on its own in test_u256).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "money/amount.h"

/* Runs of nines and zeros for the range edges. */
#define N5  "99999"
#define N10 N5 N5
#define N18 N10 "99999999"
#define N29 N10 N10 "999999999"
#define N30 N29 "9"
#define N36 N18 N18
#define N47 N10 N10 N10 N10 "9999999"
#define N65 N10 N10 N10 N10 N10 N10 N5
#define Z10 "0000000000"
#define Z17 Z10 "0000000"
#define Z35 Z10 Z10 Z10 "00000"
#define Z47 Z10 Z10 Z10 Z10 "0000000"
#define Z65 Z10 Z10 Z10 Z10 Z10 Z10 "00000"
#define U256_MAX_DEC "115792089237316195423570985008687907853269984665640564039457584007913129639935"
#define U256_MAX_PLUS1 "115792089237316195423570985008687907853269984665640564039457584007913129639936"

/* Builds an amount from signed base-unit decimal text ("-123"). */
static struct amount
A(const char *s)
{
	struct amount a;
	bool neg = s[0] == '-';

	if (neg)
		s++;
	ck_assert_msg(u256_from_dec(&a.mag, s, strlen(s)) == 0, "bad table value %s", s);
	a.neg = neg && !u256_is_zero(&a.mag);
	return a;
}

static void
assert_amount_eq(const struct amount *got, const struct amount *want, const char *what, int row)
{
	char g[AMOUNT_DB_MAX + 20], w[AMOUNT_DB_MAX + 20];

	if (memcmp(got->mag.limb, want->mag.limb, sizeof(got->mag.limb)) == 0 &&
	    got->neg == want->neg)
		return;
	g[0] = got->neg ? '-' : '+';
	w[0] = want->neg ? '-' : '+';
	u256_to_dec(&got->mag, g + 1, sizeof(g) - 1);
	u256_to_dec(&want->mag, w + 1, sizeof(w) - 1);
	ck_abort_msg("%s row %d: got %s want %s", what, row, g, w);
}

/* ---- parse ---- */

#define SIGN AMOUNT_ALLOW_SIGN
#define NZ   AMOUNT_NONZERO
#define NN   AMOUNT_NONNEGATIVE

struct parse_case {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	unsigned decimals, flags;
	enum amount_err err;
	const char *want;	/* base units when err == AMOUNT_OK */
};

static const struct parse_case parse_cases[] = {
	/* accepted */
	{ "100", 0, 18, 0, AMOUNT_OK, "100" Z10 "00000000" },
	{ "+1000.0", 0, 18, SIGN, AMOUNT_OK, "1000" Z10 "00000000" },
	{ "-50.5", 0, 6, SIGN, AMOUNT_OK, "-50500000" },
	{ "0.000000000000000001", 0, 18, 0, AMOUNT_OK, "1" },
	{ "0.25", 0, 2, 0, AMOUNT_OK, "25" },
	{ "0", 0, 0, 0, AMOUNT_OK, "0" },
	{ "0", 0, 18, 0, AMOUNT_OK, "0" },
	{ "0.0", 0, 1, 0, AMOUNT_OK, "0" },
	{ "0.000000", 0, 6, 0, AMOUNT_OK, "0" },
	{ "-0", 0, 18, SIGN, AMOUNT_OK, "0" },
	{ "-0", 0, 18, SIGN | NN, AMOUNT_OK, "0" },
	{ "+7", 0, 0, SIGN | NZ | NN, AMOUNT_OK, "7" },
	{ "123", 0, 0, 0, AMOUNT_OK, "123" },
	/* A 0-decimal token prints as "123.0"; that form must parse back. */
	{ "123.0", 0, 0, 0, AMOUNT_OK, "123" },
	{ "1.5", 0, 36, 0, AMOUNT_OK, "15" Z35 },
	{ "0.5", 0, 1, 0, AMOUNT_OK, "5" },
	{ "10.01", 0, 2, 0, AMOUNT_OK, "1001" },
	/* range edges: exactly 10^65 - 1 base units */
	{ N65, 0, 0, 0, AMOUNT_OK, N65 },
	{ "-" N65, 0, 0, SIGN, AMOUNT_OK, "-" N65 },
	{ N47 "." N18, 0, 18, 0, AMOUNT_OK, N65 },
	{ N29 "." N36, 0, 36, 0, AMOUNT_OK, N65 },
	{ "0." N36, 0, 36, 0, AMOUNT_OK, N36 },
	{ N47, 0, 18, 0, AMOUNT_OK, N47 "000000000000000000" },
	/* empty */
	{ "", 0, 18, 0, AMOUNT_EMPTY, NULL },
	{ "", 0, 18, SIGN | NZ | NN, AMOUNT_EMPTY, NULL },
	/* exponents, wherever they are */
	{ "1e5", 0, 18, 0, AMOUNT_EXPONENT, NULL },
	{ "1E5", 0, 18, 0, AMOUNT_EXPONENT, NULL },
	{ "1.5e-3", 0, 18, 0, AMOUNT_EXPONENT, NULL },
	{ "1e+2", 0, 18, SIGN, AMOUNT_EXPONENT, NULL },
	{ "-1e5", 0, 18, 0, AMOUNT_EXPONENT, NULL },
	{ "e", 0, 18, 0, AMOUNT_EXPONENT, NULL },
	{ "0e0", 0, 0, 0, AMOUNT_EXPONENT, NULL },
	/* signs */
	{ "+1", 0, 18, 0, AMOUNT_SIGN_NOT_ALLOWED, NULL },
	{ "-1", 0, 18, 0, AMOUNT_SIGN_NOT_ALLOWED, NULL },
	{ "-0", 0, 18, NZ | NN, AMOUNT_SIGN_NOT_ALLOWED, NULL },
	{ "-", 0, 18, 0, AMOUNT_SIGN_NOT_ALLOWED, NULL },
	{ "+", 0, 18, SIGN, AMOUNT_SYNTAX, NULL },
	{ "--1", 0, 18, SIGN, AMOUNT_SYNTAX, NULL },
	{ "+-1", 0, 18, SIGN, AMOUNT_SYNTAX, NULL },
	{ "1-", 0, 18, SIGN, AMOUNT_SYNTAX, NULL },
	/* syntax */
	{ ".", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ ".5", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "5.", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "-.5", 0, 18, SIGN, AMOUNT_SYNTAX, NULL },
	{ "1..2", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "1.2.3", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ " 1", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "1 ", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "1\n", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "\t1", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "1,000", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "1_000", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "1,5", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "0x10", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "0X10", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "Infinity", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "-Infinity", 0, 18, SIGN, AMOUNT_SYNTAX, NULL },
	{ "NaN", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "inf", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "null", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "\"1\"", 0, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "\xd9\xa1", 0, 18, 0, AMOUNT_SYNTAX, NULL },		/* ARABIC-INDIC DIGIT ONE */
	{ "\xef\xbc\x91", 0, 18, 0, AMOUNT_SYNTAX, NULL },	/* FULLWIDTH DIGIT ONE */
	{ "1\xc2\xbd", 0, 18, 0, AMOUNT_SYNTAX, NULL },		/* 1 and VULGAR FRACTION ONE HALF */
	{ "\xe2\x88\x92" "1", 0, 18, SIGN, AMOUNT_SYNTAX, NULL },	/* MINUS SIGN */
	{ "1\0", 2, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "\0" "1", 2, 18, 0, AMOUNT_SYNTAX, NULL },
	{ "1", 0, 37, 0, AMOUNT_SYNTAX, NULL },			/* decimals out of range */
	{ "1", 0, 1000, 0, AMOUNT_SYNTAX, NULL },
	/* leading zeros */
	{ "007", 0, 18, 0, AMOUNT_LEADING_ZERO, NULL },
	{ "00", 0, 18, 0, AMOUNT_LEADING_ZERO, NULL },
	{ "00.5", 0, 18, 0, AMOUNT_LEADING_ZERO, NULL },
	{ "-01", 0, 18, SIGN, AMOUNT_LEADING_ZERO, NULL },
	{ "+00.000", 0, 18, SIGN | NZ, AMOUNT_LEADING_ZERO, NULL },
	/* too many decimals, even when the extra digits are zeros */
	{ "1.0000001", 0, 6, 0, AMOUNT_TOO_MANY_DECIMALS, NULL },
	{ "1.0000000", 0, 6, 0, AMOUNT_TOO_MANY_DECIMALS, NULL },
	{ "1.00", 0, 0, 0, AMOUNT_TOO_MANY_DECIMALS, NULL },
	{ "1.5", 0, 0, 0, AMOUNT_TOO_MANY_DECIMALS, NULL },
	{ "0.0000000000000000001", 0, 18, 0, AMOUNT_TOO_MANY_DECIMALS, NULL },
	{ "0." N36 "9", 0, 36, 0, AMOUNT_TOO_MANY_DECIMALS, NULL },
	/* out of range */
	{ "1" Z65, 0, 0, 0, AMOUNT_OVERFLOW, NULL },
	{ "-1" Z65, 0, 0, SIGN, AMOUNT_OVERFLOW, NULL },
	{ "1" Z47, 0, 18, 0, AMOUNT_OVERFLOW, NULL },
	{ "1" Z47 ".0", 0, 18, 0, AMOUNT_OVERFLOW, NULL },
	{ N30 "." N36, 0, 36, 0, AMOUNT_OVERFLOW, NULL },
	{ "1" Z10 Z10 "000000000", 0, 36, 0, AMOUNT_OVERFLOW, NULL },
	{ U256_MAX_DEC, 0, 0, 0, AMOUNT_OVERFLOW, NULL },
	{ U256_MAX_PLUS1, 0, 0, 0, AMOUNT_OVERFLOW, NULL },
	{ "1" Z65 Z35, 0, 0, NZ, AMOUNT_OVERFLOW, NULL },
	/* zero where nonzero is required */
	{ "0", 0, 18, NZ, AMOUNT_ZERO, NULL },
	{ "-0", 0, 18, SIGN | NZ, AMOUNT_ZERO, NULL },
	{ "+0.000", 0, 18, SIGN | NZ, AMOUNT_ZERO, NULL },
	{ "0.0", 0, 1, NZ | NN, AMOUNT_ZERO, NULL },
	/* negative where non-negative is required */
	{ "-1", 0, 18, SIGN | NN, AMOUNT_NEGATIVE, NULL },
	{ "-0.000001", 0, 6, SIGN | NZ | NN, AMOUNT_NEGATIVE, NULL },
	/* len is respected: the rest of the buffer is never read */
	{ "12345", 3, 0, 0, AMOUNT_OK, "123" },
	{ "1.5e", 3, 1, 0, AMOUNT_OK, "15" },
	{ "1.50", 3, 1, 0, AMOUNT_OK, "15" },
	{ "-7x", 2, 0, SIGN, AMOUNT_OK, "-7" },
	{ "7", 0, 0, 0, AMOUNT_OK, "7" },
};

START_TEST(test_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	size_t len = c->len ? c->len : strlen(c->in);
	struct amount got = A("4242"), keep = A("4242");
	enum amount_err err = amount_parse(&got, c->in, len, c->decimals, c->flags);

	ck_assert_msg(err == c->err, "row %d (%s, dec %u): got %s want %s", _i, c->in,
	    c->decimals, amount_err_code(err), amount_err_code(c->err));
	if (c->err == AMOUNT_OK) {
		struct amount want = A(c->want);

		assert_amount_eq(&got, &want, "parse", _i);
	} else {
		assert_amount_eq(&got, &keep, "parse untouched", _i);
	}
}
END_TEST

START_TEST(test_parse_reaches_every_error)
{
	bool seen[AMOUNT_ERR__MAX] = { false };
	size_t i;
	int e;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
		seen[parse_cases[i].err] = true;
	for (e = 0; e < AMOUNT_ERR__MAX; e++)
		ck_assert_msg(seen[e], "no parse case reaches %s", amount_err_code((enum amount_err)e));
}
END_TEST

/* Builds a long input in a heap buffer with no NUL after it, so a read
 * past len would be caught by the sanitizers or valgrind. */
START_TEST(test_parse_long_inputs)
{
	size_t n = 2000000;
	char *s = malloc(n);
	struct amount a;

	ck_assert_ptr_nonnull(s);
	memset(s, '9', n);
	ck_assert_int_eq(amount_parse(&a, s, n, 18, 0), AMOUNT_OVERFLOW);
	s[n - 1] = 'x';
	ck_assert_int_eq(amount_parse(&a, s, n, 18, 0), AMOUNT_SYNTAX);
	s[n - 1] = 'e';
	ck_assert_int_eq(amount_parse(&a, s, n, 18, 0), AMOUNT_EXPONENT);
	memset(s, '0', n);
	s[1] = '.';
	ck_assert_int_eq(amount_parse(&a, s, n, 36, 0), AMOUNT_TOO_MANY_DECIMALS);
	s[0] = '1';
	s[1] = '0';
	ck_assert_int_eq(amount_parse(&a, s, n, 0, 0), AMOUNT_OVERFLOW);
	/* the exact-fit case from a buffer with no terminator */
	memset(s, '9', 65);
	ck_assert_int_eq(amount_parse(&a, s, 65, 0, 0), AMOUNT_OK);
	ck_assert_int_eq(amount_parse(&a, s, 66, 0, 0), AMOUNT_OVERFLOW);
	free(s);
}
END_TEST

/* ---- format ---- */

struct format_case {
	const char *units;	/* signed base units */
	unsigned decimals;
	const char *plain, *sign;	/* with_sign false / true */
};

static const struct format_case format_cases[] = {
	{ "5000" Z10 "00000000", 18, "5000.0", "+5000.0" },
	{ "25" Z10 "000000", 18, "0.25", "+0.25" },
	{ "1", 18, "0.000000000000000001", "+0.000000000000000001" },
	{ "-1", 18, "-0.000000000000000001", "-0.000000000000000001" },
	{ "1000" Z10 "00000000", 18, "1000.0", "+1000.0" },
	{ "-505" Z17, 18, "-50.5", "-50.5" },
	{ "0", 18, "0.0", "0.0" },
	{ "0", 0, "0.0", "0.0" },
	{ "0", 36, "0.0", "0.0" },
	{ "123", 0, "123.0", "+123.0" },
	{ "-123", 0, "-123.0", "-123.0" },
	{ "1", 0, "1.0", "+1.0" },
	{ "1000000", 6, "1.0", "+1.0" },
	{ "1", 6, "0.000001", "+0.000001" },
	{ "10", 6, "0.00001", "+0.00001" },
	{ "1234567", 6, "1.234567", "+1.234567" },
	{ "1230000", 6, "1.23", "+1.23" },
	{ "100000", 6, "0.1", "+0.1" },
	{ "999999", 6, "0.999999", "+0.999999" },
	{ "-500500000", 6, "-500.5", "-500.5" },
	{ "1", 36, "0." Z35 "1", "+0." Z35 "1" },
	{ "1" Z35 "0", 36, "1.0", "+1.0" },
	{ "15" Z35, 36, "1.5", "+1.5" },
	{ N65, 36, N29 "." N36, "+" N29 "." N36 },
	{ "-" N65, 18, "-" N47 "." N18, "-" N47 "." N18 },
	{ N65, 0, N65 ".0", "+" N65 ".0" },
	/* any u256 formats, even beyond the storable range */
	{ U256_MAX_DEC, 0, U256_MAX_DEC ".0", "+" U256_MAX_DEC ".0" },
	{ "-" U256_MAX_DEC, 0, "-" U256_MAX_DEC ".0", "-" U256_MAX_DEC ".0" },
	{ U256_MAX_DEC, 36, "115792089237316195423570985008687907853269.984665640564039457584007913129639935",
	  "+115792089237316195423570985008687907853269.984665640564039457584007913129639935" },
};

START_TEST(test_format)
{
	const struct format_case *c = &format_cases[_i];
	struct amount a = A(c->units), back;
	char buf[AMOUNT_STR_MAX];
	int pass;

	for (pass = 0; pass < 2; pass++) {
		const char *want = pass ? c->sign : c->plain;
		size_t n = strlen(want);

		ck_assert_uint_lt(n, AMOUNT_STR_MAX);
		memset(buf, 'z', sizeof(buf));
		ck_assert_uint_eq(amount_format(&a, c->decimals, pass, buf, sizeof(buf)), n);
		ck_assert_str_eq(buf, want);
		ck_assert_uint_eq(amount_format(&a, c->decimals, pass, buf, n + 1), n);
		ck_assert_str_eq(buf, want);
		ck_assert_uint_eq(amount_format(&a, c->decimals, pass, buf, n), 0);
		ck_assert_str_eq(buf, "");
		/* What we print, we read back to the same value (when storable).
		 * A 0-decimals token prints "123.0", which the strict parser
		 * refuses (one fractional digit more than 0 decimals). */
		if (amount_is_valid(&a) && c->decimals > 0) {
			ck_assert_int_eq(amount_parse(&back, want, n, c->decimals, AMOUNT_ALLOW_SIGN), AMOUNT_OK);
			assert_amount_eq(&back, &a, "format round trip", _i);
		}
	}
}
END_TEST

START_TEST(test_format_edges)
{
	struct amount a = A("5"), negzero;
	char buf[AMOUNT_STR_MAX];

	ck_assert_uint_eq(amount_format(&a, 37, false, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(amount_format(&a, 0, false, buf, 0), 0);
	/* a zero wrongly marked negative still prints as plain zero */
	u256_zero(&negzero.mag);
	negzero.neg = true;
	ck_assert_uint_eq(amount_format(&negzero, 6, true, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "0.0");
	/* the longest output fills AMOUNT_STR_MAX exactly */
	a = A("-" U256_MAX_DEC);
	ck_assert_uint_eq(amount_format(&a, 0, true, buf, sizeof(buf)), AMOUNT_STR_MAX - 1);
}
END_TEST

/* ---- DECIMAL(65,0) text ---- */

struct db_case {
	const char *in;
	int rc;
	const char *want;	/* signed base units */
	const char *canon;	/* amount_to_db of the result */
};

static const struct db_case db_cases[] = {
	{ "0", 0, "0", "0" },
	{ "-123", 0, "-123", "-123" },
	{ "456", 0, "456", "456" },
	{ "-0", 0, "0", "0" },
	{ "00012", 0, "12", "12" },
	{ "-00012", 0, "-12", "-12" },
	{ N65, 0, N65, N65 },
	{ "-" N65, 0, "-" N65, "-" N65 },
	{ Z65 Z35 "5", 0, "5", "5" },
	{ "1" Z65, -1, NULL, NULL },
	{ "-1" Z65, -1, NULL, NULL },
	{ U256_MAX_PLUS1, -1, NULL, NULL },
	{ "", -1, NULL, NULL },
	{ "-", -1, NULL, NULL },
	{ "+1", -1, NULL, NULL },
	{ "--1", -1, NULL, NULL },
	{ "1.0", -1, NULL, NULL },
	{ "1.", -1, NULL, NULL },
	{ " 1", -1, NULL, NULL },
	{ "1 ", -1, NULL, NULL },
	{ "1e3", -1, NULL, NULL },
	{ "abc", -1, NULL, NULL },
	{ "NULL", -1, NULL, NULL },
};

START_TEST(test_db)
{
	const struct db_case *c = &db_cases[_i];
	struct amount got = A("4242"), keep = A("4242");
	char buf[AMOUNT_DB_MAX];
	int rc = amount_from_db(&got, c->in, strlen(c->in));

	ck_assert_msg(rc == c->rc, "db row %d (%s): rc %d", _i, c->in, rc);
	if (rc != 0) {
		assert_amount_eq(&got, &keep, "db untouched", _i);
		return;
	}
	{
		struct amount want = A(c->want);
		size_t n = strlen(c->canon);

		assert_amount_eq(&got, &want, "db", _i);
		ck_assert_uint_eq(amount_to_db(&got, buf, sizeof(buf)), n);
		ck_assert_str_eq(buf, c->canon);
		ck_assert_uint_eq(amount_to_db(&got, buf, n + 1), n);
		ck_assert_uint_eq(amount_to_db(&got, buf, n), 0);
		ck_assert_str_eq(buf, "");
	}
}
END_TEST

START_TEST(test_db_edges)
{
	struct amount a = A("1" Z65), negzero;
	char buf[AMOUNT_DB_MAX + 40];

	/* beyond the column's range: refused, never truncated */
	ck_assert_uint_eq(amount_to_db(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	a = A(U256_MAX_DEC);
	ck_assert_uint_eq(amount_to_db(&a, buf, sizeof(buf)), 0);
	u256_zero(&negzero.mag);
	negzero.neg = true;
	ck_assert_uint_eq(amount_to_db(&negzero, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "0");
	/* the longest text fills AMOUNT_DB_MAX exactly */
	a = A("-" N65);
	ck_assert_uint_eq(amount_to_db(&a, buf, AMOUNT_DB_MAX), AMOUNT_DB_MAX - 1);
	/* len is respected */
	ck_assert_int_eq(amount_from_db(&a, "-12345", 3), 0);
	negzero = A("-12");
	assert_amount_eq(&a, &negzero, "db len", 0);
}
END_TEST

/* ---- arithmetic ---- */

struct arith_case {
	const char *a, *b;
	const char *sum, *diff;	/* NULL: out of range */
};

static const struct arith_case arith_cases[] = {
	{ "0", "0", "0", "0" },
	{ "5", "7", "12", "-2" },
	{ "5", "-7", "-2", "12" },
	{ "-5", "7", "2", "-12" },
	{ "-5", "-7", "-12", "2" },
	{ "-5", "-5", "-10", "0" },
	{ "5", "-5", "0", "10" },
	{ N65, "0", N65, N65 },
	{ N65, "1", NULL, "99999999999999999999999999999999999999999999999999999999999999998" },
	{ N65, "-1", "99999999999999999999999999999999999999999999999999999999999999998", NULL },
	{ "-" N65, "1", "-99999999999999999999999999999999999999999999999999999999999999998", NULL },
	{ "-" N65, "-1", NULL, "-99999999999999999999999999999999999999999999999999999999999999998" },
	{ N65, N65, NULL, "0" },
	{ N65, "-" N65, "0", NULL },
	{ "-" N65, "-" N65, NULL, "0" },
	{ "5" Z10 Z10 Z10 Z10 Z10 Z10 "0000", "5" Z10 Z10 Z10 Z10 Z10 Z10 "0000", NULL, "0" },
	{ "49999999999999999999999999999999999999999999999999999999999999999",
	  "5" Z10 Z10 Z10 Z10 Z10 Z10 "0000", N65, "-1" },
	/* results beyond the range are refused, even where u256 would wrap */
	{ U256_MAX_DEC, "1", NULL, NULL },
	{ U256_MAX_DEC, "-" U256_MAX_DEC, "0", NULL },
};

START_TEST(test_arith)
{
	const struct arith_case *c = &arith_cases[_i];
	struct amount a = A(c->a), b = A(c->b), r = A("4242"), keep = A("4242");
	int rc;

	rc = amount_add(&r, &a, &b);
	if (c->sum == NULL) {
		ck_assert_msg(rc == -1, "add row %d: expected out of range", _i);
		assert_amount_eq(&r, &keep, "add untouched", _i);
	} else {
		struct amount w = A(c->sum);

		ck_assert_msg(rc == 0, "add row %d: rc %d", _i, rc);
		assert_amount_eq(&r, &w, "add", _i);
		/* commutative, and r may alias an operand */
		ck_assert_int_eq(amount_add(&r, &b, &a), 0);
		assert_amount_eq(&r, &w, "add swapped", _i);
		r = a;
		ck_assert_int_eq(amount_add(&r, &r, &b), 0);
		assert_amount_eq(&r, &w, "add alias", _i);
	}
	r = keep;
	rc = amount_sub(&r, &a, &b);
	if (c->diff == NULL) {
		ck_assert_msg(rc == -1, "sub row %d: expected out of range", _i);
		assert_amount_eq(&r, &keep, "sub untouched", _i);
	} else {
		struct amount w = A(c->diff);

		ck_assert_msg(rc == 0, "sub row %d: rc %d", _i, rc);
		assert_amount_eq(&r, &w, "sub", _i);
		r = b;
		ck_assert_int_eq(amount_sub(&r, &a, &r), 0);
		assert_amount_eq(&r, &w, "sub alias", _i);
	}
}
END_TEST

START_TEST(test_cmp_neg_set)
{
	static const char *const order[] = {
		"-" N65, "-1" Z10, "-7", "-1", "0", "1", "7", "1" Z10, N65,
	};
	size_t n = sizeof(order) / sizeof(order[0]), i, j;
	struct amount a, b, negzero, z;
	u256 m;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0;

			a = A(order[i]);
			b = A(order[j]);
			ck_assert_msg(amount_cmp(&a, &b) == want, "cmp %s %s", order[i], order[j]);
		}
	}
	u256_zero(&negzero.mag);
	negzero.neg = true;
	amount_zero(&z);
	ck_assert_int_eq(amount_cmp(&negzero, &z), 0);
	ck_assert(amount_is_zero(&z));
	ck_assert(!z.neg);
	ck_assert(!amount_is_valid(&negzero));
	ck_assert(amount_is_valid(&z));

	a = A("5");
	amount_neg(&a);
	ck_assert(a.neg);
	amount_neg(&a);
	ck_assert(!a.neg);
	amount_neg(&z);
	ck_assert(!z.neg);
	ck_assert(!amount_is_zero(&a));

	ck_assert_int_eq(u256_from_dec(&m, N65, 65), 0);
	ck_assert_int_eq(amount_set(&a, &m, true), 0);
	ck_assert(a.neg);
	ck_assert(amount_is_valid(&a));
	b = A("-" N65);
	assert_amount_eq(&a, &b, "set", 0);
	ck_assert_int_eq(u256_from_dec(&m, "1" Z65, 66), 0);
	ck_assert_int_eq(amount_set(&a, &m, false), -1);
	assert_amount_eq(&a, &b, "set untouched", 0);
	b.mag = m;
	ck_assert(!amount_is_valid(&b));
	u256_zero(&m);
	ck_assert_int_eq(amount_set(&a, &m, true), 0);
	ck_assert(!a.neg);
}
END_TEST

/* ---- error texts ---- */

START_TEST(test_err_texts)
{
	char buf[128];
	int e, f;

	for (e = 0; e < AMOUNT_ERR__MAX; e++) {
		const char *code = amount_err_code((enum amount_err)e);
		size_t i;

		ck_assert_ptr_nonnull(code);
		ck_assert_ptr_nonnull(amount_strerror((enum amount_err)e));
		ck_assert_uint_gt(strlen(amount_strerror((enum amount_err)e)), 0);
		ck_assert_uint_gt(strlen(code), 0);
		for (i = 0; code[i] != '\0'; i++)
			ck_assert_msg((code[i] >= 'a' && code[i] <= 'z') || code[i] == '_',
			    "code %s is not snake_case", code);
		for (f = 0; f < e; f++)
			ck_assert_str_ne(code, amount_err_code((enum amount_err)f));
		ck_assert_uint_gt(amount_describe((enum amount_err)e, 18, buf, sizeof(buf)), 0);
	}
	ck_assert_str_eq(amount_err_code(AMOUNT_EXPONENT), "amount_exponent_not_allowed");
	ck_assert_str_eq(amount_err_code(AMOUNT_TOO_MANY_DECIMALS), "amount_too_many_decimals");
	ck_assert_ptr_nonnull(amount_err_code(AMOUNT_ERR__MAX));
	ck_assert_ptr_nonnull(amount_strerror((enum amount_err)-1));

	ck_assert_uint_gt(amount_describe(AMOUNT_TOO_MANY_DECIMALS, 6, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "amount has more fractional digits than the token's 6 decimals");
	ck_assert_uint_eq(amount_describe(AMOUNT_TOO_MANY_DECIMALS, 6, buf, 10), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_gt(amount_describe(AMOUNT_ZERO, 6, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, amount_strerror(AMOUNT_ZERO));
}
END_TEST

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

static Suite *
amount_suite(void)
{
	Suite *s = suite_create("amount");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse, 0, NROWS(parse_cases));
	tcase_add_test(tc, test_parse_reaches_every_error);
	tcase_add_test(tc, test_parse_long_inputs);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, NROWS(format_cases));
	tcase_add_test(tc, test_format_edges);
	suite_add_tcase(s, tc);
	tc = tcase_create("db");
	tcase_add_loop_test(tc, test_db, 0, NROWS(db_cases));
	tcase_add_test(tc, test_db_edges);
	suite_add_tcase(s, tc);
	tc = tcase_create("arith");
	tcase_add_loop_test(tc, test_arith, 0, NROWS(arith_cases));
	tcase_add_test(tc, test_cmp_neg_set);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_err_texts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(amount_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
