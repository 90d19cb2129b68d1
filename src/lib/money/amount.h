/*
 * amount.h - exact token amounts.
 *
 * An amount is a signed integer in the token's base units (like wei) whose
 * magnitude is at most 10^65 - 1, the range of a DECIMAL(65,0) column.  On
 * the wire it is a decimal string in whole-token units ("1000.5"), parsed
 * strictly and never rounded.  A token has 0..AMOUNT_DECIMALS_MAX decimals.
 */
#ifndef CB_AMOUNT_H
#define CB_AMOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "money/u256.h"

struct amount {
	u256	mag;	/* magnitude in base units */
	bool	neg;	/* never set for zero */
};

/* Most decimals a token may have. */
#define AMOUNT_DECIMALS_MAX 36
/* Most significant digits of an amount in base units (10^65 - 1). */
#define AMOUNT_DIGITS_MAX 65
/* Longest DECIMAL(65,0) text: sign, 65 digits, NUL. */
#define AMOUNT_DB_MAX (1 + AMOUNT_DIGITS_MAX + 1)
/* Longest amount_format() output for any u256 magnitude: sign, 78 digits,
 * ".0", NUL. */
#define AMOUNT_STR_MAX (1 + 78 + 2 + 1)

enum amount_err {
	AMOUNT_OK = 0,
	AMOUNT_EMPTY,              /* empty string */
	AMOUNT_SYNTAX,             /* not a plain decimal number */
	AMOUNT_EXPONENT,           /* 'e' or 'E' present */
	AMOUNT_TOO_MANY_DECIMALS,  /* more fractional digits than decimals */
	AMOUNT_OVERFLOW,           /* magnitude above 10^65 - 1 base units */
	AMOUNT_ZERO,               /* zero where AMOUNT_NONZERO was asked */
	AMOUNT_SIGN_NOT_ALLOWED,   /* '+' or '-' without AMOUNT_ALLOW_SIGN */
	AMOUNT_NEGATIVE,           /* negative where AMOUNT_NONNEGATIVE was asked */
	AMOUNT_LEADING_ZERO,       /* "007" */
	AMOUNT_ERR__MAX
};

/* amount_parse() flags. */
#define AMOUNT_ALLOW_SIGN   0x1u  /* accept a leading '+' or '-' */
#define AMOUNT_NONZERO      0x2u  /* reject zero with AMOUNT_ZERO */
#define AMOUNT_NONNEGATIVE  0x4u  /* reject a negative value with AMOUNT_NEGATIVE */

/*
 * Parses the len bytes at s (not necessarily NUL-terminated; nothing past
 * len is read) as an amount of a token with `decimals` decimals and stores
 * it in base units in *out.  Grammar: [sign] int ["." frac], where int is
 * "0" or a digit 1-9 followed by digits, frac is 1..decimals digits, and
 * the sign needs AMOUNT_ALLOW_SIGN.  "-0" is zero (and not negative).
 * decimals > AMOUNT_DECIMALS_MAX is a caller error reported as
 * AMOUNT_SYNTAX.  Otherwise the checks run in this order, first failing
 * wins: AMOUNT_EMPTY, AMOUNT_EXPONENT (an 'e' or 'E' anywhere),
 * AMOUNT_SIGN_NOT_ALLOWED, AMOUNT_SYNTAX (anything else off the grammar:
 * spaces, "0x", "NaN", non-ASCII digits, ".5", "5."), AMOUNT_LEADING_ZERO,
 * AMOUNT_TOO_MANY_DECIMALS (even when the extra digits are zeros),
 * AMOUNT_OVERFLOW, AMOUNT_ZERO, AMOUNT_NEGATIVE.
 * Returns AMOUNT_OK and writes *out, or an error with *out untouched.
 * Linear in len.
 */
enum amount_err	amount_parse(struct amount *out, const char *s, size_t len,
		    unsigned decimals, unsigned flags);

/* Stable snake_case name of e ("amount_too_many_decimals"); never NULL. */
const char	*amount_err_code(enum amount_err e);
/* Short human sentence for e, without token specifics; never NULL. */
const char	*amount_strerror(enum amount_err e);
/*
 * Writes a human sentence for e that names the token's decimals where it
 * matters ("amount has more fractional digits than the token's 6
 * decimals") to out with a NUL.  Returns the length, or 0 when cap is too
 * small.
 */
size_t		amount_describe(enum amount_err e, unsigned decimals, char *out, size_t cap);

/*
 * Writes the canonical wire form of a in whole-token units with a NUL:
 * trailing fractional zeros trimmed, at least one fractional digit
 * ("5000.0", "0.25", "0.000000000000000001").  A negative value gets "-";
 * with with_sign a positive one gets "+"; zero is always "0.0".  Any u256
 * magnitude is accepted.  Returns the length without the NUL, or 0 when
 * cap is too small or decimals > AMOUNT_DECIMALS_MAX.  AMOUNT_STR_MAX
 * always suffices.
 */
size_t	amount_format(const struct amount *a, unsigned decimals, bool with_sign,
	    char *out, size_t cap);

/*
 * Reads DECIMAL(65,0) text as the store returns it: an optional '-', then
 * 1..65 significant digits (leading zeros are tolerated, "-0" is zero).
 * Returns 0 and writes *out, or -1 with *out untouched.
 */
int	amount_from_db(struct amount *out, const char *s, size_t len);
/*
 * Writes a as DECIMAL(65,0) text ("-123", "0") with a NUL.  Returns the
 * length, or 0 when cap is too small or |a| > 10^65 - 1.  AMOUNT_DB_MAX
 * always suffices.
 */
size_t	amount_to_db(const struct amount *a, char *out, size_t cap);

/* r = a + b.  Returns 0, or -1 when |r| would exceed 10^65 - 1 (r is then
 * untouched).  r may alias a or b. */
int	amount_add(struct amount *r, const struct amount *a, const struct amount *b);
/* r = a - b, as amount_add. */
int	amount_sub(struct amount *r, const struct amount *a, const struct amount *b);
/* Signed comparison: returns -1, 0 or 1. */
int	amount_cmp(const struct amount *a, const struct amount *b);
/* Returns true when a is zero. */
bool	amount_is_zero(const struct amount *a);
/* Negates a in place (zero stays non-negative). */
void	amount_neg(struct amount *a);
/* Sets a to zero. */
void	amount_zero(struct amount *a);
/*
 * Sets *out to the magnitude mag with sign neg (ignored for zero).  Returns
 * 0, or -1 when mag > 10^65 - 1 (out untouched).
 */
int	amount_set(struct amount *out, const u256 *mag, bool neg);
/* Returns true when |a| <= 10^65 - 1 and a zero a is not marked negative. */
bool	amount_is_valid(const struct amount *a);

#endif
