/*
 * rlp.c - fuzz target: the RLP decoder (eth/rlp.h), checked against the
 * encoder.
 *
 * Input: RLP bytes.  The first item is decoded and walked recursively; its
 * strings are read as integers where they can be, and the tree (up to
 * FUZZ_RLP_ENCODE_DEPTH deep) is encoded again.
 *
 * Properties: items stay inside the input; the decoder takes canonical
 * encodings only, so encoding the decoded tree again gives back exactly
 * the bytes it was decoded from, and an integer read from a string encodes
 * back to that string; rlp_decode() agrees with rlp_decode_next().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eth/rlp.h"
#include "fuzz.h"

/*
 * Lists deeper than this are decoded but not re-encoded: each closed list
 * moves its payload once, so encoding costs depth times length, and
 * inputs nested a thousand deep would slow the whole run down.
 */
#define FUZZ_RLP_ENCODE_DEPTH	64
/* Deeper than this the walk stops (it recurses, and -max_len may be big). */
#define FUZZ_RLP_WALK_DEPTH	10000

/* An integer read from a string item encodes back to the same bytes. */
static void
fuzz_int(const struct rlp_item *it, const uint8_t *raw)
{
	struct rlp_buf b;
	uint8_t *out;
	uint64_t v;
	u256 w;
	size_t n;

	if (rlp_item_u64(it, &v) == CB_OK) {
		rlp_buf_init(&b, 64);
		FUZZ_CHECK(rlp_put_u64(&b, v) == CB_OK);
		FUZZ_CHECK(rlp_buf_take(&b, &out, &n) == CB_OK);
		FUZZ_CHECK(n == it->raw_len && memcmp(out, raw, n) == 0);
		free(out);
	}
	if (rlp_item_u256(it, &w) == CB_OK) {
		rlp_buf_init(&b, 64);
		FUZZ_CHECK(rlp_put_u256(&b, &w) == CB_OK);
		FUZZ_CHECK(rlp_buf_take(&b, &out, &n) == CB_OK);
		FUZZ_CHECK(n == it->raw_len && memcmp(out, raw, n) == 0);
		free(out);
	}
}

/*
 * Walks the item at raw (already decoded into *it) and, while b is not
 * NULL, encodes it into b.  Returns false when something inside does not
 * decode; clears *encoded when part of the tree was too deep to encode
 * (the re-encoding is then incomplete).
 */
static bool
fuzz_walk(const struct rlp_item *it, const uint8_t *raw, struct rlp_buf *b,
    int depth, bool *encoded)
{
	struct rlp_iter iter;
	struct rlp_item child;
	size_t mark = 0;

	FUZZ_CHECK(it->raw_len >= it->payload_len);
	FUZZ_CHECK(it->payload >= raw && it->payload + it->payload_len ==
	    raw + it->raw_len);
	if (it->kind == RLP_STRING) {
		FUZZ_CHECK(rlp_iter_init(&iter, it) == CB_ERR_INVALID);
		fuzz_int(it, raw);
		if (b != NULL)
			FUZZ_CHECK(rlp_put_bytes(b, it->payload,
			    it->payload_len) == CB_OK);
		return true;
	}
	FUZZ_CHECK(rlp_iter_init(&iter, it) == CB_OK);
	FUZZ_CHECK(rlp_item_u64(it, &(uint64_t){ 0 }) == CB_ERR_INVALID);
	if (depth >= FUZZ_RLP_WALK_DEPTH) {
		*encoded = false;
		return true;
	}
	if (b != NULL && depth >= FUZZ_RLP_ENCODE_DEPTH) {
		b = NULL;
		*encoded = false;
	}
	if (b != NULL)
		mark = rlp_list_begin(b);
	while (rlp_iter_more(&iter)) {
		const uint8_t *at = iter.pos;
		size_t left = iter.left;

		if (rlp_iter_next(&iter, &child) != CB_OK)
			return false;
		FUZZ_CHECK(child.raw_len > 0 && child.raw_len <= left);
		FUZZ_CHECK(iter.pos == at + child.raw_len);
		if (!fuzz_walk(&child, at, b, depth + 1, encoded))
			return false;
	}
	FUZZ_CHECK(rlp_iter_next(&iter, &child) == CB_ERR_INVALID);
	if (b != NULL)
		FUZZ_CHECK(rlp_list_end(b, mark) == CB_OK);
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlp_item it, whole;
	struct rlp_buf b;
	uint8_t *out;
	size_t n;
	enum cb_err rc;
	bool encoded = true;

	rc = rlp_decode_next(data, size, &it);
	FUZZ_CHECK(rc == CB_OK || rc == CB_ERR_INVALID);
	if (rc != CB_OK) {
		FUZZ_CHECK(rlp_decode(data, size, &whole) == CB_ERR_INVALID);
		return 0;
	}
	FUZZ_CHECK(it.raw_len > 0 && it.raw_len <= size);
	rc = rlp_decode(data, size, &whole);
	FUZZ_CHECK((rc == CB_OK) == (it.raw_len == size));

	rlp_buf_init(&b, size + 16);
	if (fuzz_walk(&it, data, &b, 0, &encoded) && encoded) {
		FUZZ_CHECK(rlp_buf_take(&b, &out, &n) == CB_OK);
		FUZZ_CHECK(n == it.raw_len && memcmp(out, data, n) == 0);
		free(out);
	}
	rlp_buf_free(&b);
	return 0;
}
