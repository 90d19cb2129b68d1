/*
 * abi.c - Solidity ABI encoder (head/tail layout) and bounds-checked decoder.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "eth/keccak.h"

void
abi_selector(const char *signature, uint8_t out[ABI_SELECTOR_LEN])
{
	uint8_t digest[KECCAK256_LEN];

	keccak256(signature, strlen(signature), digest);
	memcpy(out, digest, ABI_SELECTOR_LEN);
}

void
abi_enc_init(struct abi_enc *e, const uint8_t *selector, size_t max)
{
	memset(e, 0, sizeof(*e));
	if (selector != NULL) {
		memcpy(e->selector, selector, ABI_SELECTOR_LEN);
		e->has_selector = true;
	}
	e->max = max;
	e->err = CB_OK;
}

void
abi_enc_free(struct abi_enc *e)
{
	if (e == NULL)
		return;
	free(e->head.data);
	free(e->tail.data);
	memset(&e->head, 0, sizeof(e->head));
	memset(&e->tail, 0, sizeof(e->tail));
}

/* Bytes the finished encoding has so far. */
static size_t
abi_enc_size(const struct abi_enc *e)
{
	return (e->has_selector ? ABI_SELECTOR_LEN : 0) + e->head.len + e->tail.len;
}

/* Makes room for extra bytes in area; records and returns the first error. */
static enum cb_err
abi_reserve(struct abi_enc *e, struct abi_area *area, size_t extra)
{
	size_t used, ncap;
	uint8_t *p;

	if (e->err != CB_OK)
		return e->err;
	used = abi_enc_size(e);
	if (used > e->max || extra > e->max - used) {
		e->err = CB_ERR_TOO_LARGE;
		return e->err;
	}
	if (area->len + extra <= area->cap)
		return CB_OK;
	ncap = area->cap != 0 ? area->cap : 8 * ABI_WORD_LEN;
	while (ncap < area->len + extra)
		ncap = ncap > SIZE_MAX / 2 ? area->len + extra : ncap * 2;
	p = realloc(area->data, ncap);
	if (p == NULL) {
		e->err = CB_ERR_NOMEM;
		return e->err;
	}
	area->data = p;
	area->cap = ncap;
	return CB_OK;
}

/* Appends len bytes then zeros up to the next word boundary. */
static enum cb_err
abi_put_padded(struct abi_enc *e, struct abi_area *area, const uint8_t *p, size_t len)
{
	size_t padded;

	if (e->err == CB_OK && len > SIZE_MAX - ABI_WORD_LEN)
		e->err = CB_ERR_TOO_LARGE;
	padded = (len + ABI_WORD_LEN - 1) / ABI_WORD_LEN * ABI_WORD_LEN;
	if (abi_reserve(e, area, padded) != CB_OK || padded == 0)
		return e->err;
	if (len > 0)
		memcpy(area->data + area->len, p, len);
	memset(area->data + area->len + len, 0, padded - len);
	area->len += padded;
	return CB_OK;
}

static enum cb_err
abi_put_word(struct abi_enc *e, struct abi_area *area, const uint8_t word[ABI_WORD_LEN])
{
	return abi_put_padded(e, area, word, ABI_WORD_LEN);
}

static void
abi_u64_word(uint64_t v, uint8_t word[ABI_WORD_LEN])
{
	int i;

	memset(word, 0, ABI_WORD_LEN);
	for (i = 0; i < 8; i++)
		word[ABI_WORD_LEN - 1 - i] = (uint8_t)(v >> (8 * i));
}

static void
abi_address_word(const struct address *a, uint8_t word[ABI_WORD_LEN])
{
	memset(word, 0, ABI_WORD_LEN - ADDRESS_LEN);
	memcpy(word + ABI_WORD_LEN - ADDRESS_LEN, a->bytes, ADDRESS_LEN);
}

/*
 * Starts a dynamic argument: a placeholder offset word in the head, patched
 * by abi_enc_finish() once the head's final size is known.
 */
static enum cb_err
abi_dynamic_begin(struct abi_enc *e)
{
	static const uint8_t zero[ABI_WORD_LEN];

	if (e->err != CB_OK)
		return e->err;
	if (e->dyn_count == ABI_MAX_DYNAMIC) {
		e->err = CB_ERR_TOO_LARGE;
		return e->err;
	}
	e->dyn_head_pos[e->dyn_count] = e->head.len;
	e->dyn_tail_pos[e->dyn_count] = e->tail.len;
	if (abi_put_word(e, &e->head, zero) != CB_OK)
		return e->err;
	e->dyn_count++;
	return CB_OK;
}

/* Refuses n words up front when they cannot fit, so n * 32 cannot overflow. */
static enum cb_err
abi_check_count(struct abi_enc *e, size_t n)
{
	if (e->err == CB_OK && n > e->max / ABI_WORD_LEN)
		e->err = CB_ERR_TOO_LARGE;
	return e->err;
}

enum cb_err
abi_enc_address(struct abi_enc *e, const struct address *a)
{
	uint8_t word[ABI_WORD_LEN];

	abi_address_word(a, word);
	return abi_put_word(e, &e->head, word);
}

enum cb_err
abi_enc_uint256(struct abi_enc *e, const u256 *v)
{
	uint8_t word[ABI_WORD_LEN];

	u256_to_be32(v, word);
	return abi_put_word(e, &e->head, word);
}

enum cb_err
abi_enc_bool(struct abi_enc *e, bool v)
{
	uint8_t word[ABI_WORD_LEN];

	abi_u64_word(v ? 1 : 0, word);
	return abi_put_word(e, &e->head, word);
}

enum cb_err
abi_enc_bytes32(struct abi_enc *e, const uint8_t v[ABI_WORD_LEN])
{
	return abi_put_word(e, &e->head, v);
}

enum cb_err
abi_enc_bytes(struct abi_enc *e, const uint8_t *p, size_t len)
{
	uint8_t word[ABI_WORD_LEN];

	if (abi_dynamic_begin(e) != CB_OK)
		return e->err;
	abi_u64_word((uint64_t)len, word);
	abi_put_word(e, &e->tail, word);
	return abi_put_padded(e, &e->tail, p, len);
}

enum cb_err
abi_enc_string(struct abi_enc *e, const char *s, size_t len)
{
	return abi_enc_bytes(e, (const uint8_t *)s, len);
}

enum cb_err
abi_enc_address_array(struct abi_enc *e, const struct address *a, size_t n)
{
	uint8_t word[ABI_WORD_LEN];
	size_t i;

	if (abi_check_count(e, n) != CB_OK || abi_dynamic_begin(e) != CB_OK)
		return e->err;
	abi_u64_word((uint64_t)n, word);
	abi_put_word(e, &e->tail, word);
	abi_reserve(e, &e->tail, n * ABI_WORD_LEN);
	for (i = 0; i < n && e->err == CB_OK; i++) {
		abi_address_word(&a[i], word);
		abi_put_word(e, &e->tail, word);
	}
	return e->err;
}

enum cb_err
abi_enc_uint256_array(struct abi_enc *e, const u256 *v, size_t n)
{
	uint8_t word[ABI_WORD_LEN];
	size_t i;

	if (abi_check_count(e, n) != CB_OK || abi_dynamic_begin(e) != CB_OK)
		return e->err;
	abi_u64_word((uint64_t)n, word);
	abi_put_word(e, &e->tail, word);
	abi_reserve(e, &e->tail, n * ABI_WORD_LEN);
	for (i = 0; i < n && e->err == CB_OK; i++) {
		u256_to_be32(&v[i], word);
		abi_put_word(e, &e->tail, word);
	}
	return e->err;
}

enum cb_err
abi_enc_finish(struct abi_enc *e, uint8_t **out, size_t *len)
{
	enum cb_err rc = e->err;
	size_t total, pos = 0, i;
	uint8_t *buf = NULL;

	*out = NULL;
	*len = 0;
	if (rc != CB_OK)
		goto out;
	total = abi_enc_size(e);
	buf = malloc(total > 0 ? total : 1);
	if (buf == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if (e->has_selector) {
		memcpy(buf, e->selector, ABI_SELECTOR_LEN);
		pos = ABI_SELECTOR_LEN;
	}
	if (e->head.len > 0)
		memcpy(buf + pos, e->head.data, e->head.len);
	/* Offsets count from the start of the head, past the selector. */
	for (i = 0; i < e->dyn_count; i++)
		abi_u64_word((uint64_t)(e->head.len + e->dyn_tail_pos[i]),
		    buf + pos + e->dyn_head_pos[i]);
	pos += e->head.len;
	if (e->tail.len > 0)
		memcpy(buf + pos, e->tail.data, e->tail.len);
	*out = buf;
	*len = total;
	buf = NULL;
out:
	free(buf);
	abi_enc_free(e);
	return rc;
}

void
abi_word_uint256(const uint8_t word[ABI_WORD_LEN], u256 *out)
{
	/* 32 bytes always fit. */
	(void)u256_from_be(out, word, ABI_WORD_LEN);
}

/* True when the first n bytes of p are all zero. */
static bool
abi_zero_prefix(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

enum cb_err
abi_word_address(const uint8_t word[ABI_WORD_LEN], struct address *out)
{
	if (!abi_zero_prefix(word, ABI_WORD_LEN - ADDRESS_LEN))
		return CB_ERR_INVALID;
	memcpy(out->bytes, word + ABI_WORD_LEN - ADDRESS_LEN, ADDRESS_LEN);
	return CB_OK;
}

enum cb_err
abi_word_bool(const uint8_t word[ABI_WORD_LEN], bool *out)
{
	if (!abi_zero_prefix(word, ABI_WORD_LEN - 1) || word[ABI_WORD_LEN - 1] > 1)
		return CB_ERR_INVALID;
	*out = word[ABI_WORD_LEN - 1] == 1;
	return CB_OK;
}

/* Points *word at the word at byte offset off, if a whole word is there. */
static enum cb_err
abi_word_at(const uint8_t *data, size_t len, size_t off, const uint8_t **word)
{
	if (data == NULL || len < ABI_WORD_LEN || off > len - ABI_WORD_LEN)
		return CB_ERR_INVALID;
	*word = data + off;
	return CB_OK;
}

/* Points *word at argument index's head word. */
static enum cb_err
abi_arg_word(const uint8_t *data, size_t len, size_t index, const uint8_t **word)
{
	if (index > SIZE_MAX / ABI_WORD_LEN)
		return CB_ERR_INVALID;
	return abi_word_at(data, len, index * ABI_WORD_LEN, word);
}

/* Reads a word as an offset or length: it must fit in a size_t. */
static enum cb_err
abi_word_size(const uint8_t word[ABI_WORD_LEN], size_t *out)
{
	size_t v = 0, i;

	if (!abi_zero_prefix(word, ABI_WORD_LEN - sizeof(size_t)))
		return CB_ERR_INVALID;
	for (i = ABI_WORD_LEN - sizeof(size_t); i < ABI_WORD_LEN; i++)
		v = (v << 8) | word[i];
	*out = v;
	return CB_OK;
}

/*
 * Follows argument index's offset to a length-prefixed area: *start is the
 * byte offset of its contents and *count the length word.  The caller
 * checks that count elements fit in len - *start.
 */
static enum cb_err
abi_dynamic(const uint8_t *data, size_t len, size_t index, size_t *start, size_t *count)
{
	const uint8_t *word;
	size_t off;

	if (abi_arg_word(data, len, index, &word) != CB_OK ||
	    abi_word_size(word, &off) != CB_OK ||
	    abi_word_at(data, len, off, &word) != CB_OK ||
	    abi_word_size(word, count) != CB_OK)
		return CB_ERR_INVALID;
	*start = off + ABI_WORD_LEN;
	return CB_OK;
}

enum cb_err
abi_dec_uint256(const uint8_t *data, size_t len, size_t index, u256 *out)
{
	const uint8_t *word;

	if (abi_arg_word(data, len, index, &word) != CB_OK)
		return CB_ERR_INVALID;
	abi_word_uint256(word, out);
	return CB_OK;
}

enum cb_err
abi_dec_address(const uint8_t *data, size_t len, size_t index, struct address *out)
{
	const uint8_t *word;

	if (abi_arg_word(data, len, index, &word) != CB_OK)
		return CB_ERR_INVALID;
	return abi_word_address(word, out);
}

enum cb_err
abi_dec_bool(const uint8_t *data, size_t len, size_t index, bool *out)
{
	const uint8_t *word;

	if (abi_arg_word(data, len, index, &word) != CB_OK)
		return CB_ERR_INVALID;
	return abi_word_bool(word, out);
}

enum cb_err
abi_dec_bytes32(const uint8_t *data, size_t len, size_t index, uint8_t out[ABI_WORD_LEN])
{
	const uint8_t *word;

	if (abi_arg_word(data, len, index, &word) != CB_OK)
		return CB_ERR_INVALID;
	memcpy(out, word, ABI_WORD_LEN);
	return CB_OK;
}

enum cb_err
abi_dec_bytes(const uint8_t *data, size_t len, size_t index,
    const uint8_t **out, size_t *out_len)
{
	size_t start, count;

	if (abi_dynamic(data, len, index, &start, &count) != CB_OK ||
	    count > len - start)
		return CB_ERR_INVALID;
	*out = data + start;
	*out_len = count;
	return CB_OK;
}

enum cb_err
abi_dec_string(const uint8_t *data, size_t len, size_t index,
    const char **out, size_t *out_len)
{
	const uint8_t *p;
	enum cb_err rc;

	rc = abi_dec_bytes(data, len, index, &p, out_len);
	if (rc == CB_OK)
		*out = (const char *)p;
	return rc;
}

enum cb_err
abi_dec_array(const uint8_t *data, size_t len, size_t index,
    const uint8_t **words, size_t *count)
{
	size_t start, n;

	if (abi_dynamic(data, len, index, &start, &n) != CB_OK ||
	    n > (len - start) / ABI_WORD_LEN)
		return CB_ERR_INVALID;
	*words = data + start;
	*count = n;
	return CB_OK;
}
