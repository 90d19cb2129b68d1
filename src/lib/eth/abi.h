/*
 * abi.h - Solidity contract ABI: function selectors, call data encoding
 * and decoding of return data and event data/topics.
 *
 * Encoding builds "selector || head || tail": static arguments sit in the
 * head, dynamic ones (bytes, string, arrays) put an offset in the head and
 * their contents in the tail.  Arguments are appended in order with the
 * abi_enc_* calls; the encoder keeps the first error it meets and ignores
 * later calls, so a caller may append everything and check once at
 * abi_enc_finish().
 *
 * Decoding reads 32-byte words from a caller's buffer (return data, or event
 * data without topics), by argument index.  Every offset and length is
 * checked against the buffer; malformed input yields CB_ERR_INVALID.
 */
#ifndef CB_ABI_H
#define CB_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/address.h"
#include "core/err.h"
#include "money/u256.h"

#define ABI_WORD_LEN		32
#define ABI_SELECTOR_LEN	4
/* Most dynamic arguments one call may carry. */
#define ABI_MAX_DYNAMIC		16

/* Growable byte area of the encoder; callers do not touch it. */
struct abi_area {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
};

struct abi_enc {
	uint8_t		selector[ABI_SELECTOR_LEN];
	bool		has_selector;
	struct abi_area	head;
	struct abi_area	tail;
	size_t		dyn_head_pos[ABI_MAX_DYNAMIC];	/* head offset of each offset word */
	size_t		dyn_tail_pos[ABI_MAX_DYNAMIC];	/* where its contents start in the tail */
	size_t		dyn_count;
	size_t		max;	/* cap on the whole encoding */
	enum cb_err	err;	/* first error met, CB_OK while none */
};

/*
 * Writes the 4-byte function selector: the first 4 bytes of
 * Keccak-256(signature), e.g. "transfer(address,uint256)".  The signature
 * must be canonical (no spaces, no parameter names); it is not checked.
 */
void		abi_selector(const char *signature, uint8_t out[ABI_SELECTOR_LEN]);

/*
 * Starts an encoding.  selector may be NULL for bare arguments (e.g. event
 * data).  The complete encoding may not exceed max bytes.  No allocation.
 */
void		abi_enc_init(struct abi_enc *e, const uint8_t *selector, size_t max);

/* Frees the encoder's memory.  NULL is a no-op; safe after abi_enc_finish(). */
void		abi_enc_free(struct abi_enc *e);

/*
 * Appends one argument.  Each returns the encoder's sticky error:
 * CB_ERR_TOO_LARGE past max or past ABI_MAX_DYNAMIC dynamic arguments,
 * CB_ERR_NOMEM.  Pointers are read during the call only.
 */
enum cb_err	abi_enc_address(struct abi_enc *e, const struct address *a);
enum cb_err	abi_enc_uint256(struct abi_enc *e, const u256 *v);
enum cb_err	abi_enc_bool(struct abi_enc *e, bool v);
enum cb_err	abi_enc_bytes32(struct abi_enc *e, const uint8_t v[ABI_WORD_LEN]);
enum cb_err	abi_enc_bytes(struct abi_enc *e, const uint8_t *p, size_t len);
enum cb_err	abi_enc_string(struct abi_enc *e, const char *s, size_t len);
enum cb_err	abi_enc_address_array(struct abi_enc *e, const struct address *a, size_t n);
enum cb_err	abi_enc_uint256_array(struct abi_enc *e, const u256 *v, size_t n);

/*
 * Assembles the encoding into a new allocation that the caller frees with
 * free(), and frees the encoder's own memory.  Returns the sticky error
 * instead if any append failed (then *out is NULL), or CB_ERR_TOO_LARGE /
 * CB_ERR_NOMEM.
 */
enum cb_err	abi_enc_finish(struct abi_enc *e, uint8_t **out, size_t *len);

/* Reads one 32-byte word (a topic or a data word) as a uint256.  Never fails. */
void		abi_word_uint256(const uint8_t word[ABI_WORD_LEN], u256 *out);

/* Reads a word as an address; CB_ERR_INVALID unless its 12 high bytes are 0. */
enum cb_err	abi_word_address(const uint8_t word[ABI_WORD_LEN], struct address *out);

/* Reads a word as a bool; CB_ERR_INVALID unless it is exactly 0 or 1. */
enum cb_err	abi_word_bool(const uint8_t word[ABI_WORD_LEN], bool *out);

/*
 * Decode argument number index (0-based) of an ABI-encoded tuple in
 * data[0..len) (no selector).  CB_ERR_INVALID when the word is outside the
 * data or does not hold a valid value of the type.  *out is written only on
 * success.
 */
enum cb_err	abi_dec_uint256(const uint8_t *data, size_t len, size_t index, u256 *out);
enum cb_err	abi_dec_address(const uint8_t *data, size_t len, size_t index,
		    struct address *out);
enum cb_err	abi_dec_bool(const uint8_t *data, size_t len, size_t index, bool *out);
enum cb_err	abi_dec_bytes32(const uint8_t *data, size_t len, size_t index,
		    uint8_t out[ABI_WORD_LEN]);

/*
 * Decodes a dynamic bytes or string argument.  *out borrows from data (not
 * NUL-terminated) and *out_len is its length.  CB_ERR_INVALID when the
 * offset or length word is out of range or the contents run past the data.
 */
enum cb_err	abi_dec_bytes(const uint8_t *data, size_t len, size_t index,
		    const uint8_t **out, size_t *out_len);
enum cb_err	abi_dec_string(const uint8_t *data, size_t len, size_t index,
		    const char **out, size_t *out_len);

/*
 * Decodes a dynamic array of static 32-byte elements (uint256[],
 * address[], bool[], bytes32[]): *words borrows from data and points at
 * *count consecutive words, to be read with abi_word_*().
 */
enum cb_err	abi_dec_array(const uint8_t *data, size_t len, size_t index,
		    const uint8_t **words, size_t *count);

#endif
