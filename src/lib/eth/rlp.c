/*
 * rlp.c - RLP encoder into a capped buffer and a canonical, bounds-checked
 * decoder.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eth/rlp.h"

#define RLP_SHORT_MAX	55	/* longest payload with a one-byte prefix */

void
rlp_buf_init(struct rlp_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = CB_OK;
}

void
rlp_buf_free(struct rlp_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

enum cb_err
rlp_buf_take(struct rlp_buf *b, uint8_t **out, size_t *len)
{
	enum cb_err rc = b->err;

	*out = NULL;
	*len = 0;
	if (rc != CB_OK)
		goto out;
	if (b->data == NULL) {
		b->data = malloc(1);
		if (b->data == NULL) {
			rc = CB_ERR_NOMEM;
			goto out;
		}
	}
	*out = b->data;
	*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
out:
	return rc;
}

/* Makes room for extra more bytes; records and returns the first error. */
static enum cb_err
rlp_reserve(struct rlp_buf *b, size_t extra)
{
	size_t need, ncap;
	uint8_t *p;

	if (b->err != CB_OK)
		return b->err;
	if (extra > b->max || b->len > b->max - extra) {
		b->err = CB_ERR_TOO_LARGE;
		return b->err;
	}
	need = b->len + extra;
	if (need <= b->cap)
		return CB_OK;
	ncap = b->cap != 0 ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	p = realloc(b->data, ncap);
	if (p == NULL) {
		b->err = CB_ERR_NOMEM;
		return b->err;
	}
	b->data = p;
	b->cap = ncap;
	return CB_OK;
}

enum cb_err
rlp_put_raw(struct rlp_buf *b, const void *in, size_t len)
{
	if (rlp_reserve(b, len) != CB_OK)
		return b->err;
	if (len > 0)
		memcpy(b->data + b->len, in, len);
	b->len += len;
	return CB_OK;
}

/* Big-endian bytes of v without leading zeros; returns their count (0 for 0). */
static size_t
rlp_be_len(uint64_t v, uint8_t out[8])
{
	size_t n = 0, i;
	uint64_t t;

	for (t = v; t != 0; t >>= 8)
		n++;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return n;
}

/* Writes the prefix for a payload of len bytes: offset 0x80 strings, 0xc0 lists. */
static size_t
rlp_header(uint8_t out[9], size_t len, uint8_t offset)
{
	uint8_t be[8];
	size_t n;

	if (len <= RLP_SHORT_MAX) {
		out[0] = (uint8_t)(offset + len);
		return 1;
	}
	n = rlp_be_len((uint64_t)len, be);
	out[0] = (uint8_t)(offset + RLP_SHORT_MAX + n);
	memcpy(out + 1, be, n);
	return 1 + n;
}

enum cb_err
rlp_put_bytes(struct rlp_buf *b, const void *in, size_t len)
{
	const uint8_t *p = in;
	uint8_t hdr[9];
	size_t hlen;

	if (len == 1 && p[0] < 0x80)
		return rlp_put_raw(b, p, 1);
	hlen = rlp_header(hdr, len, 0x80);
	if (b->err == CB_OK && len > SIZE_MAX - hlen)
		b->err = CB_ERR_TOO_LARGE;
	if (rlp_reserve(b, hlen + len) != CB_OK)
		return b->err;
	rlp_put_raw(b, hdr, hlen);
	return rlp_put_raw(b, p, len);
}

enum cb_err
rlp_put_u64(struct rlp_buf *b, uint64_t v)
{
	uint8_t be[8];
	size_t n;

	n = rlp_be_len(v, be);
	return rlp_put_bytes(b, be, n);
}

enum cb_err
rlp_put_u256(struct rlp_buf *b, const u256 *v)
{
	uint8_t be[32];
	size_t n;

	u256_to_be32(v, be);
	n = u256_byte_len(v);
	return rlp_put_bytes(b, be + 32 - n, n);
}

size_t
rlp_list_begin(const struct rlp_buf *b)
{
	return b->len;
}

enum cb_err
rlp_list_end(struct rlp_buf *b, size_t mark)
{
	uint8_t hdr[9];
	size_t hlen, payload;

	if (b->err != CB_OK)
		return b->err;
	if (mark > b->len) {
		b->err = CB_ERR_INTERNAL;
		return b->err;
	}
	payload = b->len - mark;
	hlen = rlp_header(hdr, payload, 0xc0);
	if (rlp_reserve(b, hlen) != CB_OK)
		return b->err;
	if (payload > 0)
		memmove(b->data + mark + hlen, b->data + mark, payload);
	memcpy(b->data + mark, hdr, hlen);
	b->len += hlen;
	return CB_OK;
}

/*
 * Reads a long-form length of nbytes big-endian bytes at p.  Canonical
 * means no leading zero byte and a value above the short-form limit.
 */
static enum cb_err
rlp_long_len(const uint8_t *p, size_t nbytes, size_t *out)
{
	size_t v = 0, i;

	if (nbytes == 0 || nbytes > sizeof(size_t) || p[0] == 0)
		return CB_ERR_INVALID;
	for (i = 0; i < nbytes; i++)
		v = (v << 8) | p[i];
	if (v <= RLP_SHORT_MAX)
		return CB_ERR_INVALID;
	*out = v;
	return CB_OK;
}

enum cb_err
rlp_decode_next(const uint8_t *in, size_t len, struct rlp_item *item)
{
	enum cb_err rc = CB_ERR_INVALID;
	size_t hlen, plen = 0;
	uint8_t p0;

	if (in == NULL || len == 0)
		goto out;
	p0 = in[0];
	if (p0 < 0x80) {
		item->kind = RLP_STRING;
		item->payload = in;
		item->payload_len = 1;
		item->raw_len = 1;
		rc = CB_OK;
		goto out;
	}
	item->kind = p0 < 0xc0 ? RLP_STRING : RLP_LIST;
	p0 = (uint8_t)(p0 - (p0 < 0xc0 ? 0x80 : 0xc0));
	if (p0 <= RLP_SHORT_MAX) {
		hlen = 1;
		plen = p0;
	} else {
		hlen = 1 + (size_t)(p0 - RLP_SHORT_MAX);
		if (hlen > len)
			goto out;
		if (rlp_long_len(in + 1, hlen - 1, &plen) != CB_OK)
			goto out;
	}
	if (hlen > len || plen > len - hlen)
		goto out;
	/* A lone byte below 0x80 must stand for itself. */
	if (item->kind == RLP_STRING && plen == 1 && in[hlen] < 0x80)
		goto out;
	item->payload = in + hlen;
	item->payload_len = plen;
	item->raw_len = hlen + plen;
	rc = CB_OK;
out:
	return rc;
}

enum cb_err
rlp_decode(const uint8_t *in, size_t len, struct rlp_item *item)
{
	enum cb_err rc;

	rc = rlp_decode_next(in, len, item);
	if (rc == CB_OK && item->raw_len != len)
		rc = CB_ERR_INVALID;
	return rc;
}

enum cb_err
rlp_iter_init(struct rlp_iter *it, const struct rlp_item *list)
{
	it->pos = NULL;
	it->left = 0;
	if (list->kind != RLP_LIST)
		return CB_ERR_INVALID;
	it->pos = list->payload;
	it->left = list->payload_len;
	return CB_OK;
}

bool
rlp_iter_more(const struct rlp_iter *it)
{
	return it->left > 0;
}

enum cb_err
rlp_iter_next(struct rlp_iter *it, struct rlp_item *out)
{
	enum cb_err rc;

	rc = rlp_decode_next(it->pos, it->left, out);
	if (rc != CB_OK)
		return rc;
	it->pos += out->raw_len;
	it->left -= out->raw_len;
	return CB_OK;
}

/* Shared checks for integer items: a string with no leading zero byte. */
static enum cb_err
rlp_item_check_uint(const struct rlp_item *item, size_t max_bytes)
{
	if (item->kind != RLP_STRING)
		return CB_ERR_INVALID;
	if (item->payload_len > 0 && item->payload[0] == 0)
		return CB_ERR_INVALID;
	if (item->payload_len > max_bytes)
		return CB_ERR_RANGE;
	return CB_OK;
}

enum cb_err
rlp_item_u64(const struct rlp_item *item, uint64_t *out)
{
	enum cb_err rc;
	uint64_t v = 0;
	size_t i;

	rc = rlp_item_check_uint(item, 8);
	if (rc != CB_OK)
		return rc;
	for (i = 0; i < item->payload_len; i++)
		v = (v << 8) | item->payload[i];
	*out = v;
	return CB_OK;
}

enum cb_err
rlp_item_u256(const struct rlp_item *item, u256 *out)
{
	enum cb_err rc;

	rc = rlp_item_check_uint(item, 32);
	if (rc != CB_OK)
		return rc;
	if (u256_from_be(out, item->payload, item->payload_len) != 0)
		return CB_ERR_RANGE;
	return CB_OK;
}
