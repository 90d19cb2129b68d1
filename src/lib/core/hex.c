/*
 * hex.c - hexadecimal byte strings.
 */
#include "config.h"

#include "core/hex.h"

/* Returns the value of hex digit c, or -1 when c is not one; see hex.h. */
int
hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses 1..16 lowercase hex digits; see hex.h. */
bool
hex_u64_lower(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	int d;

	if (len == 0 || len > 16)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'F')
			return false;
		if ((d = hex_digit_value(s[i])) < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

/* Decodes optional "0x" plus an even number of hex digits; see hex.h. */
int
hex_decode(uint8_t *out, size_t cap, const char *s, size_t len, size_t *outlen)
{
	size_t i, n;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len % 2 != 0)
		return -1;
	n = len / 2;
	if (n > cap)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hex_digit_value(s[2 * i]);
		int lo = hex_digit_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n;
	return 0;
}

/* Decodes to exactly n bytes; see hex.h. */
int
hex_decode_exact(uint8_t *out, size_t n, const char *s, size_t len)
{
	size_t got;

	if (hex_decode(out, n, s, len, &got) != 0 || got != n)
		return -1;
	return 0;
}

/* Writes lowercase hex with optional "0x" and a NUL; see hex.h. */
size_t
hex_encode(char *out, size_t cap, const uint8_t *in, size_t len, bool prefix)
{
	static const char digits[] = "0123456789abcdef";
	size_t pre = prefix ? 2 : 0, i;

	/* Written so that a huge len cannot wrap the size computation. */
	if (cap == 0 || cap - 1 < pre || (cap - 1 - pre) / 2 < len) {
		if (cap > 0)
			out[0] = '\0';
		return 0;
	}
	if (prefix) {
		out[0] = '0';
		out[1] = 'x';
	}
	for (i = 0; i < len; i++) {
		out[pre + 2 * i] = digits[in[i] >> 4];
		out[pre + 2 * i + 1] = digits[in[i] & 0xf];
	}
	out[pre + 2 * len] = '\0';
	return pre + 2 * len;
}
