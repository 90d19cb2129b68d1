/*
 * amount.c - exact token amounts: strict parsing, canonical formatting,
 * DECIMAL(65,0) text and range-checked signed arithmetic.
 *
 * Nothing here uses floating point.  Parsing never builds the value digit
 * by digit from untrusted length: the grammar is checked in one pass, the
 * significant digit count decides overflow, and only then at most 65
 * digits are converted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "money/amount.h"

/* 10^65 - 1, the largest magnitude a DECIMAL(65,0) column holds. */
static const u256 amount_max = { {
	UINT64_C(0xffffffffffffffff), UINT64_C(0x4e3945ef7a253609),
	UINT64_C(0x1c7fc3908a8bef46), UINT64_C(0x0000000000f31627),
} };

static const struct {
	const char *code;
	const char *text;
} amount_errs[AMOUNT_ERR__MAX] = {
	[AMOUNT_OK] = { "ok", "amount is valid" },
	[AMOUNT_EMPTY] = { "amount_empty", "amount is an empty string" },
	[AMOUNT_SYNTAX] = { "amount_invalid",
	    "amount is not a plain decimal number" },
	[AMOUNT_EXPONENT] = { "amount_exponent_not_allowed",
	    "amount must not use an exponent" },
	[AMOUNT_TOO_MANY_DECIMALS] = { "amount_too_many_decimals",
	    "amount has more fractional digits than the token's decimals" },
	[AMOUNT_OVERFLOW] = { "amount_out_of_range",
	    "amount exceeds 65 digits in the token's base units" },
	[AMOUNT_ZERO] = { "amount_zero", "amount must not be zero" },
	[AMOUNT_SIGN_NOT_ALLOWED] = { "amount_sign_not_allowed",
	    "amount must not carry a sign" },
	[AMOUNT_NEGATIVE] = { "amount_negative",
	    "amount must not be negative" },
	[AMOUNT_LEADING_ZERO] = { "amount_leading_zero",
	    "amount must not have leading zeros" },
};

static bool
amount_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses a wire amount; see amount.h for the grammar and error order. */
enum amount_err
amount_parse(struct amount *out, const char *s, size_t len, unsigned decimals,
    unsigned flags)
{
	char digits[AMOUNT_DIGITS_MAX];
	size_t i = 0, int_start, int_len, frac_start = 0, frac_len = 0, n = 0;
	struct amount t;
	bool neg = false;

	if (decimals > AMOUNT_DECIMALS_MAX)
		return AMOUNT_SYNTAX;
	if (len == 0)
		return AMOUNT_EMPTY;
	for (i = 0; i < len; i++)
		if (s[i] == 'e' || s[i] == 'E')
			return AMOUNT_EXPONENT;
	i = 0;
	if (s[0] == '+' || s[0] == '-') {
		if (!(flags & AMOUNT_ALLOW_SIGN))
			return AMOUNT_SIGN_NOT_ALLOWED;
		neg = s[0] == '-';
		i = 1;
	}
	int_start = i;
	while (i < len && amount_isdigit(s[i]))
		i++;
	int_len = i - int_start;
	if (int_len == 0)
		return AMOUNT_SYNTAX;
	if (i < len && s[i] == '.') {
		frac_start = ++i;
		while (i < len && amount_isdigit(s[i]))
			i++;
		frac_len = i - frac_start;
		if (frac_len == 0)
			return AMOUNT_SYNTAX;
	}
	if (i != len)
		return AMOUNT_SYNTAX;
	if (int_len > 1 && s[int_start] == '0')
		return AMOUNT_LEADING_ZERO;
	/* A 0-decimal token is printed as "5.0" (docs/amounts.md wants a fractional
	 * digit), so that exact form must parse back; nothing else is let by. */
	if (decimals == 0 && frac_len == 1 && s[frac_start] == '0')
		frac_len = 0;
	if (frac_len > decimals)
		return AMOUNT_TOO_MANY_DECIMALS;

	/* Base units = int digits, frac digits, then zeros up to decimals.
	 * A nonzero integer part has no leading zeros, so its length plus
	 * decimals is the significant digit count. */
	if (s[int_start] != '0') {
		if (int_len > AMOUNT_DIGITS_MAX - decimals)
			return AMOUNT_OVERFLOW;
		memcpy(digits, s + int_start, int_len);
		n = int_len;
	}
	if (frac_len > 0) {
		memcpy(digits + n, s + frac_start, frac_len);
		n += frac_len;
	}
	if (n > 0) {
		memset(digits + n, '0', decimals - frac_len);
		n += decimals - frac_len;
	}
	if (n == 0)
		u256_zero(&t.mag);
	else if (u256_from_dec(&t.mag, digits, n) != 0)
		return AMOUNT_OVERFLOW;	/* cannot happen for n <= 65 */
	if (u256_cmp(&t.mag, &amount_max) > 0)
		return AMOUNT_OVERFLOW;
	t.neg = neg && !u256_is_zero(&t.mag);
	if ((flags & AMOUNT_NONZERO) && u256_is_zero(&t.mag))
		return AMOUNT_ZERO;
	if ((flags & AMOUNT_NONNEGATIVE) && t.neg)
		return AMOUNT_NEGATIVE;
	*out = t;
	return AMOUNT_OK;
}

/* Returns the snake_case code of e. */
const char *
amount_err_code(enum amount_err e)
{
	if ((unsigned)e >= AMOUNT_ERR__MAX)
		return "amount_unknown_error";
	return amount_errs[e].code;
}

/* Returns the generic human text of e. */
const char *
amount_strerror(enum amount_err e)
{
	if ((unsigned)e >= AMOUNT_ERR__MAX)
		return "unknown amount error";
	return amount_errs[e].text;
}

/* Writes a sentence for e naming the token's decimals; see amount.h. */
size_t
amount_describe(enum amount_err e, unsigned decimals, char *out, size_t cap)
{
	int n;

	if (e == AMOUNT_TOO_MANY_DECIMALS)
		n = snprintf(out, cap, "amount has more fractional digits than "
		    "the token's %u decimals", decimals);
	else
		n = snprintf(out, cap, "%s", amount_strerror(e));
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return 0;
	}
	return (size_t)n;
}

/* Fails an output function: leaves an empty string when there is room. */
static size_t
amount_out_fail(char *out, size_t cap)
{
	if (cap > 0)
		out[0] = '\0';
	return 0;
}

/* Writes the canonical whole-token form of a; see amount.h. */
size_t
amount_format(const struct amount *a, unsigned decimals, bool with_sign,
    char *out, size_t cap)
{
	char digits[U256_DEC_MAX], buf[AMOUNT_STR_MAX];
	size_t n, pos = 0, int_len, frac_len, zeros;

	if (decimals > AMOUNT_DECIMALS_MAX)
		return amount_out_fail(out, cap);
	if (u256_is_zero(&a->mag)) {
		memcpy(buf, "0.0", 4);
		pos = 3;
	} else {
		n = u256_to_dec(&a->mag, digits, sizeof(digits));
		if (a->neg)
			buf[pos++] = '-';
		else if (with_sign)
			buf[pos++] = '+';
		if (n > decimals) {
			int_len = n - decimals;
			memcpy(buf + pos, digits, int_len);
			pos += int_len;
			zeros = 0;
		} else {
			int_len = 0;
			buf[pos++] = '0';
			zeros = decimals - n;
		}
		buf[pos++] = '.';
		/* The fraction is `zeros` zeros, then digits[int_len..n) with
		 * trailing zeros trimmed.  digits has no leading zero, so when
		 * zeros > 0 the trimmed part is never empty. */
		frac_len = n - int_len;
		while (frac_len > 0 && digits[int_len + frac_len - 1] == '0')
			frac_len--;
		if (frac_len == 0) {
			buf[pos++] = '0';
		} else {
			memset(buf + pos, '0', zeros);
			pos += zeros;
			memcpy(buf + pos, digits + int_len, frac_len);
			pos += frac_len;
		}
		buf[pos] = '\0';
	}
	if (cap < pos + 1)
		return amount_out_fail(out, cap);
	memcpy(out, buf, pos + 1);
	return pos;
}

/* Reads DECIMAL(65,0) text; see amount.h. */
int
amount_from_db(struct amount *out, const char *s, size_t len)
{
	struct amount t;
	size_t i = 0, start;

	if (len > 0 && s[0] == '-')
		i = 1;
	if (i == len)
		return -1;
	for (start = i; start < len; start++)
		if (!amount_isdigit(s[start]))
			return -1;
	for (start = i; start < len && s[start] == '0'; start++)
		;
	if (len - start > AMOUNT_DIGITS_MAX)
		return -1;
	if (u256_from_dec(&t.mag, s + i, len - i) != 0)
		return -1;
	t.neg = i == 1 && !u256_is_zero(&t.mag);
	*out = t;
	return 0;
}

/* Writes DECIMAL(65,0) text; see amount.h. */
size_t
amount_to_db(const struct amount *a, char *out, size_t cap)
{
	char buf[AMOUNT_DB_MAX];
	size_t pos = 0, n;

	if (u256_cmp(&a->mag, &amount_max) > 0)
		return amount_out_fail(out, cap);
	if (a->neg && !u256_is_zero(&a->mag))
		buf[pos++] = '-';
	n = u256_to_dec(&a->mag, buf + pos, sizeof(buf) - pos);
	pos += n;
	if (n == 0 || cap < pos + 1)
		return amount_out_fail(out, cap);
	memcpy(out, buf, pos + 1);
	return pos;
}

/* Signed add with the DECIMAL(65,0) limit; see amount.h. */
int
amount_add(struct amount *r, const struct amount *a, const struct amount *b)
{
	struct amount t;
	bool aneg = a->neg && !u256_is_zero(&a->mag);
	bool bneg = b->neg && !u256_is_zero(&b->mag);

	if (aneg == bneg) {
		if (u256_add(&t.mag, &a->mag, &b->mag) != 0)
			return -1;
		t.neg = aneg;
	} else if (u256_cmp(&a->mag, &b->mag) >= 0) {
		(void)u256_sub(&t.mag, &a->mag, &b->mag);
		t.neg = aneg;
	} else {
		(void)u256_sub(&t.mag, &b->mag, &a->mag);
		t.neg = bneg;
	}
	if (u256_cmp(&t.mag, &amount_max) > 0)
		return -1;
	if (u256_is_zero(&t.mag))
		t.neg = false;
	*r = t;
	return 0;
}

/* Signed subtract with the DECIMAL(65,0) limit; see amount.h. */
int
amount_sub(struct amount *r, const struct amount *a, const struct amount *b)
{
	struct amount nb = *b;

	amount_neg(&nb);
	return amount_add(r, a, &nb);
}

/* Signed comparison; see amount.h. */
int
amount_cmp(const struct amount *a, const struct amount *b)
{
	bool aneg = a->neg && !u256_is_zero(&a->mag);
	bool bneg = b->neg && !u256_is_zero(&b->mag);
	int c;

	if (aneg != bneg)
		return aneg ? -1 : 1;
	c = u256_cmp(&a->mag, &b->mag);
	return aneg ? -c : c;
}

/* Returns true when a is zero. */
bool
amount_is_zero(const struct amount *a)
{
	return u256_is_zero(&a->mag);
}

/* Negates a in place. */
void
amount_neg(struct amount *a)
{
	a->neg = !a->neg && !u256_is_zero(&a->mag);
}

/* Sets a to zero. */
void
amount_zero(struct amount *a)
{
	u256_zero(&a->mag);
	a->neg = false;
}

/* Sets *out from a magnitude and sign; see amount.h. */
int
amount_set(struct amount *out, const u256 *mag, bool neg)
{
	if (u256_cmp(mag, &amount_max) > 0)
		return -1;
	out->mag = *mag;
	out->neg = neg && !u256_is_zero(mag);
	return 0;
}

/* Returns true when a is within range and normalised. */
bool
amount_is_valid(const struct amount *a)
{
	if (u256_cmp(&a->mag, &amount_max) > 0)
		return false;
	return !(a->neg && u256_is_zero(&a->mag));
}
