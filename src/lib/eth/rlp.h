/*
 * rlp.h - Recursive Length Prefix encoding (Ethereum yellow paper, app. B).
 *
 * Encoding appends to a growable, capped byte buffer (struct rlp_buf).  The
 * buffer keeps the first error it meets and ignores later writes, so a caller
 * may chain several puts and check once; every put also returns that error.
 * Lists are written between rlp_list_begin() and rlp_list_end(); the end
 * call inserts the length prefix in front of the payload, so lists nest.
 *
 * Decoding is a bounds-checked walk over a caller's bytes that never reads
 * past the input and refuses non-canonical encodings.  Items point into the
 * caller's input (borrowed, not copied).
 */
#ifndef CB_RLP_H
#define CB_RLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "money/u256.h"

struct rlp_buf {
	uint8_t		*data;
	size_t		 len;
	size_t		 cap;
	size_t		 max;	/* len never grows beyond this */
	enum cb_err	 err;	/* first error met, CB_OK while none */
};

/* Prepares an empty buffer that may hold at most max bytes.  No allocation. */
void		rlp_buf_init(struct rlp_buf *b, size_t max);

/* Releases the buffer's memory and leaves it empty.  NULL is a no-op. */
void		rlp_buf_free(struct rlp_buf *b);

/*
 * Hands the encoded bytes to the caller, who frees *out with free(), and
 * leaves b empty.  Returns the buffer's sticky error instead (and frees
 * nothing to the caller) when any earlier write failed.  An empty buffer
 * yields a valid 1-byte allocation with *len 0.
 */
enum cb_err	rlp_buf_take(struct rlp_buf *b, uint8_t **out, size_t *len);

/* Appends len raw bytes without any prefix (e.g. a typed-transaction byte). */
enum cb_err	rlp_put_raw(struct rlp_buf *b, const void *in, size_t len);

/* Appends the RLP encoding of a byte string. */
enum cb_err	rlp_put_bytes(struct rlp_buf *b, const void *in, size_t len);

/* Appends an unsigned integer: big-endian without leading zeros, 0 is 0x80. */
enum cb_err	rlp_put_u64(struct rlp_buf *b, uint64_t v);
enum cb_err	rlp_put_u256(struct rlp_buf *b, const u256 *v);

/*
 * Opens a list: returns a mark to pass to rlp_list_end() once the list's
 * items have been appended.  Never fails by itself.
 */
size_t		rlp_list_begin(const struct rlp_buf *b);

/*
 * Closes the list opened at mark by inserting its length prefix.  Inner
 * lists must be closed before outer ones.  CB_ERR_INTERNAL for a mark that
 * is not inside the buffer, CB_ERR_TOO_LARGE past the cap, CB_ERR_NOMEM.
 */
enum cb_err	rlp_list_end(struct rlp_buf *b, size_t mark);

enum rlp_kind {
	RLP_STRING,
	RLP_LIST
};

struct rlp_item {
	enum rlp_kind	 kind;
	const uint8_t	*payload;	/* borrowed from the input */
	size_t		 payload_len;
	size_t		 raw_len;	/* prefix plus payload */
};

/*
 * Decodes the item at the start of in[0..len) into *item, which then
 * borrows from in.  Trailing bytes after the item are allowed (raw_len says
 * where it ends).  CB_ERR_INVALID for truncated or non-canonical input: a
 * single byte below 0x80 wrapped as a string, a long form for fewer than 56
 * bytes, a length with leading zeros.  List contents are checked only as
 * they are iterated.
 */
enum cb_err	rlp_decode_next(const uint8_t *in, size_t len, struct rlp_item *item);

/* As rlp_decode_next(), but the item must span the whole input exactly. */
enum cb_err	rlp_decode(const uint8_t *in, size_t len, struct rlp_item *item);

struct rlp_iter {
	const uint8_t	*pos;
	size_t		 left;
};

/* Starts iterating over the items of a list item; CB_ERR_INVALID if not a list. */
enum cb_err	rlp_iter_init(struct rlp_iter *it, const struct rlp_item *list);

/* True while the list has bytes left to decode. */
bool		rlp_iter_more(const struct rlp_iter *it);

/*
 * Decodes the next item of the list into *out and steps past it.
 * CB_ERR_INVALID for malformed input or when no item is left.
 */
enum cb_err	rlp_iter_next(struct rlp_iter *it, struct rlp_item *out);

/*
 * Reads a string item as a canonical unsigned integer (no leading zero
 * byte; the empty string is 0).  CB_ERR_INVALID for a list or leading
 * zeros, CB_ERR_RANGE when it does not fit.
 */
enum cb_err	rlp_item_u64(const struct rlp_item *item, uint64_t *out);
enum cb_err	rlp_item_u256(const struct rlp_item *item, u256 *out);

#endif
