/*
 * u256.c - exact unsigned 256-bit integers.
 *
 * Four 64-bit limbs, least significant first.  Products and 128-by-64
 * divisions use the compiler's 128-bit integer type, which GCC and Clang
 * provide on every 64-bit target.  Every operation that can overflow says
 * so; results are written only through a temporary so r may alias inputs.
 */
#include "config.h"

#include <string.h>

#include "core/hex.h"
#include "money/u256.h"

#if !defined(__SIZEOF_INT128__)
#error "u256.c needs a compiler with unsigned __int128 (GCC or Clang, 64-bit target)"
#endif

__extension__ typedef unsigned __int128 u128;

/* 10^19 is the largest power of ten that fits in 64 bits. */
#define POW10_19 UINT64_C(10000000000000000000)

/* Sets *r to zero. */
void
u256_zero(u256 *r)
{
	memset(r, 0, sizeof(*r));
}

/* Sets *r to the 64-bit value v. */
void
u256_from_u64(u256 *r, uint64_t v)
{
	u256_zero(r);
	r->limb[0] = v;
}

/* Returns true when a is zero. */
bool
u256_is_zero(const u256 *a)
{
	return (a->limb[0] | a->limb[1] | a->limb[2] | a->limb[3]) == 0;
}

/* Returns -1, 0 or 1 as a is less than, equal to or greater than b. */
int
u256_cmp(const u256 *a, const u256 *b)
{
	int i;

	for (i = 3; i >= 0; i--) {
		if (a->limb[i] != b->limb[i])
			return a->limb[i] < b->limb[i] ? -1 : 1;
	}
	return 0;
}

/* Stores a in *out and returns true when it fits in 64 bits; otherwise
 * returns false and leaves *out alone. */
bool
u256_to_u64(const u256 *a, uint64_t *out)
{
	if ((a->limb[1] | a->limb[2] | a->limb[3]) != 0)
		return false;
	*out = a->limb[0];
	return true;
}

/* r = a + b.  Returns 0, or -1 when the sum exceeds 2^256-1 (r then holds
 * the sum modulo 2^256). */
int
u256_add(u256 *r, const u256 *a, const u256 *b)
{
	u256 t;
	uint64_t carry = 0;
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t s = a->limb[i] + carry;
		uint64_t c1 = s < carry;

		t.limb[i] = s + b->limb[i];
		carry = c1 | (t.limb[i] < s);
	}
	*r = t;
	return carry ? -1 : 0;
}

/* r = a - b.  Returns 0, or -1 when b > a (r then holds the difference
 * modulo 2^256). */
int
u256_sub(u256 *r, const u256 *a, const u256 *b)
{
	u256 t;
	uint64_t borrow = 0;
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t d = a->limb[i] - b->limb[i];
		uint64_t b1 = a->limb[i] < b->limb[i];

		t.limb[i] = d - borrow;
		borrow = b1 | (d < borrow);
	}
	*r = t;
	return borrow ? -1 : 0;
}

/* r = a * b.  Returns 0, or -1 when the product exceeds 2^256-1 (r then
 * holds the product modulo 2^256). */
int
u256_mul(u256 *r, const u256 *a, const u256 *b)
{
	uint64_t t[8] = { 0 };
	int i, j, overflow = 0;

	for (i = 0; i < 4; i++) {
		uint64_t carry = 0;

		if (a->limb[i] == 0)
			continue;
		for (j = 0; j < 4; j++) {
			u128 p = (u128)a->limb[i] * b->limb[j] + t[i + j] + carry;

			t[i + j] = (uint64_t)p;
			carry = (uint64_t)(p >> 64);
		}
		t[i + 4] = carry;
	}
	for (i = 4; i < 8; i++)
		if (t[i] != 0)
			overflow = 1;
	for (i = 0; i < 4; i++)
		r->limb[i] = t[i];
	return overflow ? -1 : 0;
}

/* r = a * m.  Returns 0, or -1 on overflow (r then holds the product modulo
 * 2^256). */
int
u256_mul_u64(u256 *r, const u256 *a, uint64_t m)
{
	uint64_t carry = 0;
	int i;

	for (i = 0; i < 4; i++) {
		u128 p = (u128)a->limb[i] * m + carry;

		r->limb[i] = (uint64_t)p;
		carry = (uint64_t)(p >> 64);
	}
	return carry ? -1 : 0;
}

/* q = a / d and, when rem is not NULL, *rem = a % d.  q may alias a.
 * Returns 0, or -1 when d is 0 (q and *rem untouched). */
int
u256_divmod_u64(u256 *q, const u256 *a, uint64_t d, uint64_t *rem)
{
	u256 t;
	uint64_t r = 0;
	int i;

	if (d == 0)
		return -1;
	for (i = 3; i >= 0; i--) {
		u128 n = ((u128)r << 64) | a->limb[i];

		t.limb[i] = (uint64_t)(n / d);
		r = (uint64_t)(n % d);
	}
	*q = t;
	if (rem != NULL)
		*rem = r;
	return 0;
}

/* r = 10^n.  Returns 0, or -1 when n > 77 (r untouched). */
int
u256_pow10(u256 *r, unsigned n)
{
	u256 t;

	if (n > 77)
		return -1;
	u256_from_u64(&t, 1);
	while (n >= 19) {
		(void)u256_mul_u64(&t, &t, POW10_19);
		n -= 19;
	}
	while (n-- > 0)
		(void)u256_mul_u64(&t, &t, 10);
	*r = t;
	return 0;
}

/* Parses len ASCII digits at s (leading zeros allowed, nothing else).
 * Returns 0, -1 on syntax (including empty input) or -2 when the value
 * exceeds 2^256-1; r is written only on success.  Linear in len. */
int
u256_from_dec(u256 *r, const char *s, size_t len)
{
	u256 t;
	size_t i, start;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	for (start = 0; start < len && s[start] == '0'; start++)
		;
	/* 2^256-1 has 78 digits: anything longer cannot fit. */
	if (len - start > 78)
		return -2;
	u256_zero(&t);
	i = start;
	while (i < len) {
		size_t n = len - i > 19 ? 19 : len - i;
		uint64_t chunk = 0, scale = 1;
		u256 c;
		size_t k;

		for (k = 0; k < n; k++) {
			chunk = chunk * 10 + (uint64_t)(s[i + k] - '0');
			scale *= 10;
		}
		if (u256_mul_u64(&t, &t, scale) != 0)
			return -2;
		u256_from_u64(&c, chunk);
		if (u256_add(&t, &t, &c) != 0)
			return -2;
		i += n;
	}
	*r = t;
	return 0;
}

/* Writes the canonical decimal of a (no leading zeros, "0" for zero) and a
 * NUL to out.  Returns the length without the NUL, or 0 when cap is too
 * small (out then holds an empty string if cap > 0). */
size_t
u256_to_dec(const u256 *a, char *out, size_t cap)
{
	char buf[U256_DEC_MAX];
	size_t pos = sizeof(buf) - 1, n;
	u256 t = *a;

	buf[pos] = '\0';
	do {
		uint64_t chunk;
		int k;

		(void)u256_divmod_u64(&t, &t, POW10_19, &chunk);
		for (k = 0; k < 19; k++) {
			buf[--pos] = (char)('0' + chunk % 10);
			chunk /= 10;
			if (chunk == 0 && u256_is_zero(&t))
				break;
		}
	} while (!u256_is_zero(&t));
	n = sizeof(buf) - 1 - pos;
	if (cap < n + 1) {
		if (cap > 0)
			out[0] = '\0';
		return 0;
	}
	memcpy(out, buf + pos, n + 1);
	return n;
}

/* Shared hex reader: s[0..len) must be "0x"/"0X" (strict: "0x" only)
 * followed by hex digits.  Strict wants 1..64 digits without leading
 * zeros except "0x0"; lenient accepts leading zeros and no digits. */
static int
u256_from_hex(u256 *r, const char *s, size_t len, bool strict)
{
	u256 t;
	size_t i, start;

	if (len < 2 || s[0] != '0' || (s[1] != 'x' && (strict || s[1] != 'X')))
		return -1;
	s += 2;
	len -= 2;
	if (strict && (len == 0 || (len > 1 && s[0] == '0')))
		return -1;
	for (i = 0; i < len; i++)
		if (hex_digit_value(s[i]) < 0)
			return -1;
	for (start = 0; start < len && s[start] == '0'; start++)
		;
	if (len - start > 64)
		return -2;
	u256_zero(&t);
	for (i = start; i < len; i++) {
		size_t bit = (len - 1 - i) * 4;

		t.limb[bit / 64] |= (uint64_t)hex_digit_value(s[i]) << (bit % 64);
	}
	*r = t;
	return 0;
}

/* Strict JSON-RPC quantity ("0x" then 1..64 hex digits, no leading zeros,
 * "0x0" for zero).  Returns 0, -1 on syntax or -2 on overflow; r is written
 * only on success. */
int
u256_from_hex_quantity(u256 *r, const char *s, size_t len)
{
	return u256_from_hex(r, s, len, true);
}

/* Lenient hex: "0x" or "0X" then any number of hex digits (none means
 * zero) whose value fits 256 bits.  Returns 0, -1 on syntax or -2 on
 * overflow; r is written only on success. */
int
u256_from_hex_lenient(u256 *r, const char *s, size_t len)
{
	return u256_from_hex(r, s, len, false);
}

/* Writes "0x" and the lowercase hex of a without leading zeros ("0x0" for
 * zero) and a NUL.  Returns the length without the NUL, or 0 when cap is
 * too small. */
size_t
u256_to_hex_quantity(const u256 *a, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t ndig, i;
	int n;

	for (n = 63; n > 0; n--)
		if ((a->limb[n / 16] >> ((n % 16) * 4)) & 0xf)
			break;
	ndig = (size_t)n + 1;
	if (cap < ndig + 3) {
		if (cap > 0)
			out[0] = '\0';
		return 0;
	}
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < ndig; i++) {
		size_t nib = ndig - 1 - i;

		out[2 + i] = digits[(a->limb[nib / 16] >> ((nib % 16) * 4)) & 0xf];
	}
	out[2 + ndig] = '\0';
	return ndig + 2;
}

/* Writes a as 32 big-endian bytes. */
void
u256_to_be32(const u256 *a, uint8_t out[32])
{
	int i;

	for (i = 0; i < 32; i++)
		out[31 - i] = (uint8_t)(a->limb[i / 8] >> ((i % 8) * 8));
}

/* Reads len (0..32) big-endian bytes into r.  Returns 0, or -1 when
 * len > 32 (r untouched). */
int
u256_from_be(u256 *r, const uint8_t *in, size_t len)
{
	u256 t;
	size_t i;

	if (len > 32)
		return -1;
	u256_zero(&t);
	for (i = 0; i < len; i++) {
		size_t byte = len - 1 - i;

		t.limb[byte / 8] |= (uint64_t)in[i] << ((byte % 8) * 8);
	}
	*r = t;
	return 0;
}

/* Returns the number of significant bytes of a (0 for zero). */
size_t
u256_byte_len(const u256 *a)
{
	int i;

	for (i = 31; i >= 0; i--)
		if ((a->limb[i / 8] >> ((i % 8) * 8)) & 0xff)
			return (size_t)i + 1;
	return 0;
}
