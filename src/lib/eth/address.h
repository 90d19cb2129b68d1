/*
 * address.h - 20-byte Ethereum account addresses and their EIP-55
 * mixed-case checksum text form.
 */
#ifndef CB_ADDRESS_H
#define CB_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDRESS_LEN	20
/* "0x" + 40 hex digits. */
#define ADDRESS_HEX_LEN	42
/* Text form plus NUL: the size of a buffer for address_to_*(). */
#define ADDRESS_STR_SIZE 43

struct address {
	uint8_t	bytes[ADDRESS_LEN];
};

/* What address_parse() found wrong, if anything. */
enum address_parse_result {
	ADDRESS_OK = 0,
	ADDRESS_BAD_SYNTAX,	/* not "0x" followed by exactly 40 hex digits */
	ADDRESS_BAD_CHECKSUM	/* mixed case that is not the EIP-55 checksum */
};

/*
 * Derives the address of an uncompressed public key given as its 64-byte
 * X || Y (no 0x04 prefix): the last 20 bytes of Keccak-256(X || Y).
 */
void	address_from_pubkey(const uint8_t pubkey_xy[64], struct address *out);

/* Writes the EIP-55 checksummed form ("0x" + 40 mixed-case digits) and a NUL. */
void	address_to_checksum(const struct address *a, char out[ADDRESS_STR_SIZE]);

/* Writes the all-lowercase form ("0x" + 40 digits) and a NUL. */
void	address_to_lower(const struct address *a, char out[ADDRESS_STR_SIZE]);

/*
 * Parses len characters at s (no NUL needed): "0x" then 40 hex digits.
 * Digits that are all lowercase or all uppercase are accepted as they are;
 * mixed case must match the EIP-55 checksum.  Writes *out only on
 * ADDRESS_OK.  The prefix must be a lowercase "0x".
 */
enum address_parse_result
	address_parse(const char *s, size_t len, struct address *out);

/* True when a and b are the same address. */
bool	address_eq(const struct address *a, const struct address *b);

/* True for the zero address 0x000...0. */
bool	address_is_zero(const struct address *a);

#endif
