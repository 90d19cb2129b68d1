/*
 * amount.c - fuzz target: exact amounts (money/amount.h) and the u256
 * text forms under them (money/u256.h).
 *
 * Input: one byte of decimals (mod 37), one byte of amount_parse flags,
 * then the text.  A ',' in the text splits it into two amounts for the
 * arithmetic checks.
 *
 * Properties: a parsed amount is in range and honours the flags; it
 * formats to a text that parses back to the same value and formats again
 * to the same text (canonical); its DECIMAL(65,0) text reads back the
 * same; u256 decimal and hex texts round-trip; a + b - b == a whenever
 * a + b is in range, and comparison agrees with subtraction.
 */
#include "config.h"

#include <string.h>

#include "money/amount.h"
#include "money/u256.h"
#include "fuzz.h"

/* format(a) parses back to a, and format is a fixed point. */
static void
fuzz_format_roundtrip(const struct amount *a, unsigned decimals,
    bool with_sign)
{
	char text[AMOUNT_STR_MAX], again[AMOUNT_STR_MAX];
	struct amount b;
	size_t n, m;

	n = amount_format(a, decimals, with_sign, text, sizeof(text));
	FUZZ_CHECK(n > 0 && n == strlen(text));
	FUZZ_CHECK(amount_parse(&b, text, n, decimals, AMOUNT_ALLOW_SIGN) ==
	    AMOUNT_OK);
	FUZZ_CHECK(amount_cmp(a, &b) == 0 && a->neg == b.neg);
	m = amount_format(&b, decimals, with_sign, again, sizeof(again));
	FUZZ_CHECK(m == n && memcmp(text, again, n) == 0);
	/* Too small a buffer fails cleanly, never writes a partial text. */
	FUZZ_CHECK(amount_format(a, decimals, with_sign, again, n) == 0);
	FUZZ_CHECK(again[0] == '\0');
}

/* The DECIMAL(65,0) text of a reads back as a. */
static void
fuzz_db_roundtrip(const struct amount *a)
{
	char text[AMOUNT_DB_MAX];
	struct amount b;
	size_t n;

	n = amount_to_db(a, text, sizeof(text));
	FUZZ_CHECK(n > 0 && n == strlen(text));
	FUZZ_CHECK(amount_from_db(&b, text, n) == 0);
	FUZZ_CHECK(amount_cmp(a, &b) == 0 && a->neg == b.neg);
}

/* Parses one amount with every check of the contract in amount.h. */
static bool
fuzz_parse(const char *s, size_t n, unsigned decimals, unsigned flags,
    struct amount *out)
{
	char msg[256];
	enum amount_err e;

	e = amount_parse(out, s, n, decimals, flags);
	FUZZ_CHECK((unsigned)e < AMOUNT_ERR__MAX);
	FUZZ_CHECK(amount_err_code(e) != NULL && amount_strerror(e) != NULL);
	FUZZ_CHECK(amount_describe(e, decimals, msg, sizeof(msg)) > 0);
	if (e != AMOUNT_OK)
		return false;
	FUZZ_CHECK(amount_is_valid(out));
	if (flags & AMOUNT_NONZERO)
		FUZZ_CHECK(!amount_is_zero(out));
	if (flags & AMOUNT_NONNEGATIVE)
		FUZZ_CHECK(!out->neg);
	if (!(flags & AMOUNT_ALLOW_SIGN))
		FUZZ_CHECK(s[0] != '+' && s[0] != '-');
	fuzz_format_roundtrip(out, decimals, false);
	fuzz_format_roundtrip(out, decimals, true);
	fuzz_db_roundtrip(out);
	return true;
}

/* DECIMAL(65,0) text as the store returns it. */
static void
fuzz_from_db(const char *s, size_t n)
{
	char text[AMOUNT_DB_MAX];
	struct amount a;
	size_t m;

	if (amount_from_db(&a, s, n) != 0)
		return;
	FUZZ_CHECK(amount_is_valid(&a));
	m = amount_to_db(&a, text, sizeof(text));
	FUZZ_CHECK(m > 0);
	/* Canonical input (no leading zeros, no "-0") comes back unchanged. */
	if (n > 0 && (s[s[0] == '-'] != '0' || n == 1))
		FUZZ_CHECK(m == n && memcmp(text, s, n) == 0);
	fuzz_format_roundtrip(&a, 18, true);
}

/* u256 decimal and hex texts. */
static void
fuzz_u256_text(const char *s, size_t n)
{
	char text[U256_DEC_MAX], hex[U256_HEX_MAX];
	u256 v, w;
	size_t m, i;
	int rc;

	if (u256_from_dec(&v, s, n) == 0) {
		m = u256_to_dec(&v, text, sizeof(text));
		FUZZ_CHECK(m > 0);
		FUZZ_CHECK(u256_from_dec(&w, text, m) == 0 && u256_cmp(&v, &w) == 0);
	}
	if ((rc = u256_from_hex_quantity(&v, s, n)) == 0) {
		m = u256_to_hex_quantity(&v, hex, sizeof(hex));
		FUZZ_CHECK(m == n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(hex[i] == (s[i] >= 'A' && s[i] <= 'F' ?
			    s[i] - 'A' + 'a' : s[i]));
		FUZZ_CHECK(u256_from_hex_lenient(&w, s, n) == 0 &&
		    u256_cmp(&v, &w) == 0);
	} else {
		FUZZ_CHECK(rc == -1 || rc == -2);
	}
	if (u256_from_hex_lenient(&v, s, n) == 0) {
		m = u256_to_hex_quantity(&v, hex, sizeof(hex));
		FUZZ_CHECK(m > 0);
		FUZZ_CHECK(u256_from_hex_quantity(&w, hex, m) == 0 &&
		    u256_cmp(&v, &w) == 0);
	}
}

/* Signed arithmetic of two amounts within DECIMAL(65,0). */
static void
fuzz_arith(const struct amount *a, const struct amount *b)
{
	struct amount sum, back, diff;
	int c = amount_cmp(a, b);

	FUZZ_CHECK(amount_cmp(b, a) == -c);
	if (amount_add(&sum, a, b) == 0) {
		FUZZ_CHECK(amount_is_valid(&sum));
		FUZZ_CHECK(amount_sub(&back, &sum, b) == 0);
		FUZZ_CHECK(amount_cmp(&back, a) == 0);
	}
	if (amount_sub(&diff, a, b) == 0) {
		FUZZ_CHECK(amount_is_valid(&diff));
		FUZZ_CHECK((c > 0) == (!amount_is_zero(&diff) && !diff.neg));
		FUZZ_CHECK((c < 0) == diff.neg);
		FUZZ_CHECK((c == 0) == amount_is_zero(&diff));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct amount a, b;
	const char *s, *comma;
	unsigned decimals, flags;
	size_t n;
	bool have_a;

	if (size < 2)
		return 0;
	decimals = data[0] % (AMOUNT_DECIMALS_MAX + 1);
	flags = data[1] & (AMOUNT_ALLOW_SIGN | AMOUNT_NONZERO |
	    AMOUNT_NONNEGATIVE);
	s = (const char *)data + 2;
	n = size - 2;

	/* A decimals value past the maximum is a caller error, reported. */
	FUZZ_CHECK(amount_parse(&a, s, n, AMOUNT_DECIMALS_MAX + 1 + data[0],
	    flags) == AMOUNT_SYNTAX);
	(void)fuzz_parse(s, n, decimals, flags, &a);
	fuzz_from_db(s, n);
	fuzz_u256_text(s, n);

	if ((comma = memchr(s, ',', n)) != NULL) {
		size_t alen = (size_t)(comma - s);

		have_a = fuzz_parse(s, alen, decimals, AMOUNT_ALLOW_SIGN, &a);
		if (have_a && fuzz_parse(comma + 1, n - alen - 1, decimals,
		    AMOUNT_ALLOW_SIGN, &b))
			fuzz_arith(&a, &b);
	}
	return 0;
}
