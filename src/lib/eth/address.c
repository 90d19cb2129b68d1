/*
 * address.c - address derivation and EIP-55 checksums.
 */
#include "config.h"

#include <string.h>

#include "eth/address.h"
#include "core/hex.h"
#include "eth/keccak.h"

void
address_from_pubkey(const uint8_t pubkey_xy[64], struct address *out)
{
	uint8_t digest[KECCAK256_LEN];

	keccak256(pubkey_xy, 64, digest);
	memcpy(out->bytes, digest + KECCAK256_LEN - ADDRESS_LEN, ADDRESS_LEN);
}

void
address_to_lower(const struct address *a, char out[ADDRESS_STR_SIZE])
{
	hex_encode(out, ADDRESS_STR_SIZE, a->bytes, ADDRESS_LEN, true);
}

/*
 * Applies EIP-55 to the 40 lowercase digits at digits: a letter is
 * uppercased when the matching nibble of Keccak-256(digits) is 8 or more.
 */
static void
address_apply_checksum(char digits[2 * ADDRESS_LEN])
{
	uint8_t digest[KECCAK256_LEN];
	unsigned nibble;
	size_t i;

	keccak256(digits, 2 * ADDRESS_LEN, digest);
	for (i = 0; i < 2 * ADDRESS_LEN; i++) {
		nibble = i % 2 == 0 ? digest[i / 2] >> 4 : digest[i / 2] & 0x0f;
		if (digits[i] >= 'a' && digits[i] <= 'f' && nibble >= 8)
			digits[i] = (char)(digits[i] - 'a' + 'A');
	}
}

void
address_to_checksum(const struct address *a, char out[ADDRESS_STR_SIZE])
{
	address_to_lower(a, out);
	address_apply_checksum(out + 2);
}

enum address_parse_result
address_parse(const char *s, size_t len, struct address *out)
{
	char want[ADDRESS_STR_SIZE];
	struct address a;
	bool has_lower = false, has_upper = false;
	size_t i;

	if (s == NULL || len != ADDRESS_HEX_LEN || s[0] != '0' || s[1] != 'x')
		return ADDRESS_BAD_SYNTAX;
	for (i = 2; i < ADDRESS_HEX_LEN; i++) {
		if (hex_digit_value(s[i]) < 0)
			return ADDRESS_BAD_SYNTAX;
		if (s[i] >= 'a' && s[i] <= 'f')
			has_lower = true;
		else if (s[i] >= 'A' && s[i] <= 'F')
			has_upper = true;
	}
	if (hex_decode_exact(a.bytes, ADDRESS_LEN, s + 2, ADDRESS_HEX_LEN - 2) != 0)
		return ADDRESS_BAD_SYNTAX;
	if (has_lower && has_upper) {
		address_to_checksum(&a, want);
		if (memcmp(want, s, ADDRESS_HEX_LEN) != 0)
			return ADDRESS_BAD_CHECKSUM;
	}
	*out = a;
	return ADDRESS_OK;
}

bool
address_eq(const struct address *a, const struct address *b)
{
	return memcmp(a->bytes, b->bytes, ADDRESS_LEN) == 0;
}

bool
address_is_zero(const struct address *a)
{
	static const struct address zero;

	return address_eq(a, &zero);
}
