/*
 * ids.c - fuzz target: the small text forms of identifiers: hex byte
 * strings (core/hex.h), addresses with their EIP-55 checksum
 * (eth/address.h), 32-byte hashes (eth/hash32.h), UUIDs (core/uuid.h),
 * and the API's operation ids and list cursors (src/api/ledger.h).
 *
 * Input: the text itself.
 *
 * Properties: hex decoding honours its cap and encodes back (lowercase) to
 * the digits it read; an accepted address prints back to a text that
 * parses to the same bytes, in both forms, and a mixed-case one is exactly
 * its checksum form; a hash prints back to its lowercase text; a UUID
 * check agrees with the operation id parser; a cursor encodes back to
 * itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"
#include "core/uuid.h"
#include "eth/address.h"
#include "eth/hash32.h"
#include "ledger.h"
#include "fuzz.h"

static void
fuzz_hex(const char *s, size_t len)
{
	uint8_t *bytes;
	char *text;
	size_t n, cap, pre;
	int rc;

	if ((bytes = malloc(len / 2 + 1)) == NULL)
		return;
	rc = hex_decode(bytes, len / 2 + 1, s, len, &n);
	if (rc == 0) {
		pre = len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ?
		    2 : 0;
		FUZZ_CHECK(2 * n + pre == len);
		/* Exactly the bytes it needs is enough; one less is not. */
		FUZZ_CHECK(hex_decode_exact(bytes, n, s, len) == 0);
		if (n > 0)
			FUZZ_CHECK(hex_decode(bytes, n - 1, s, len, &cap) != 0);
		if ((text = malloc(2 * n + 3)) != NULL) {
			FUZZ_CHECK(hex_encode(text, 2 * n + 3, bytes, n, true) ==
			    2 * n + 2);
			FUZZ_CHECK(strncasecmp(text + 2, s + pre, 2 * n) == 0);
			/* Too small a buffer writes nothing but "". */
			FUZZ_CHECK(hex_encode(text, 2 * n + 2, bytes, n, true) ==
			    0 && text[0] == '\0');
			free(text);
		}
	}
	free(bytes);
}

static void
fuzz_address(const char *s, size_t len)
{
	char text[ADDRESS_STR_SIZE];
	struct address a, b;
	enum address_parse_result r;
	bool lower = false, upper = false;
	size_t i;

	r = address_parse(s, len, &a);
	if (r != ADDRESS_OK)
		return;
	for (i = 2; i < len; i++) {
		lower |= s[i] >= 'a' && s[i] <= 'f';
		upper |= s[i] >= 'A' && s[i] <= 'F';
	}
	address_to_checksum(&a, text);
	FUZZ_CHECK(strlen(text) == ADDRESS_HEX_LEN);
	if (lower && upper)
		FUZZ_CHECK(memcmp(text, s, ADDRESS_HEX_LEN) == 0);
	FUZZ_CHECK(address_parse(text, ADDRESS_HEX_LEN, &b) == ADDRESS_OK);
	FUZZ_CHECK(address_eq(&a, &b));
	address_to_lower(&a, text);
	FUZZ_CHECK(strncasecmp(text, s, ADDRESS_HEX_LEN) == 0);
	FUZZ_CHECK(address_parse(text, ADDRESS_HEX_LEN, &b) == ADDRESS_OK);
	FUZZ_CHECK(address_eq(&a, &b));
}

static void
fuzz_hash(const char *s, size_t len)
{
	char text[HASH32_STR_SIZE];
	struct hash32 h, g;

	if (hash32_parse(s, len, &h) != CB_OK)
		return;
	hash32_to_hex(&h, text);
	FUZZ_CHECK(strlen(text) == HASH32_HEX_LEN);
	FUZZ_CHECK(strncasecmp(text, s, HASH32_HEX_LEN) == 0);
	FUZZ_CHECK(hash32_parse(text, HASH32_HEX_LEN, &g) == CB_OK);
	FUZZ_CHECK(hash32_eq(&h, &g));
}

static void
fuzz_operation_id(const char *s, size_t len)
{
	char op[UUID_STR_LEN + 1], cursor[24];
	bool prefixed = len == UUID_STR_LEN + 3 && memcmp(s, "op_", 3) == 0;
	uint64_t id;

	if (ledger_operation_id_parse(s, len, op)) {
		FUZZ_CHECK(uuid_valid(prefixed ? s + 3 : s, UUID_STR_LEN));
		FUZZ_CHECK(strncasecmp(op, prefixed ? s + 3 : s,
		    UUID_STR_LEN) == 0);
	} else {
		FUZZ_CHECK(!uuid_valid(prefixed ? s + 3 : s,
		    prefixed ? UUID_STR_LEN : len));
	}
	if (ledger_cursor_decode(s, len, &id)) {
		ledger_cursor_encode(id, cursor);
		FUZZ_CHECK(strlen(cursor) == len && memcmp(cursor, s, len) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	fuzz_hex(s, size);
	fuzz_address(s, size);
	fuzz_hash(s, size);
	fuzz_operation_id(s, size);
	/* Fixed-length parsers see more hits at their own length. */
	if (size > ADDRESS_HEX_LEN)
		fuzz_address(s, ADDRESS_HEX_LEN);
	if (size > HASH32_HEX_LEN)
		fuzz_hash(s, HASH32_HEX_LEN);
	return 0;
}
