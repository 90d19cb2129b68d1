/*
 * abi.c - fuzz target: the Solidity ABI decoder (eth/abi.h), on its own
 * and against the encoder.
 *
 * Input, read twice:
 *  - as return data: every decoder runs on it for the first arguments,
 *    so head words, offsets and lengths are whatever the input says
 *    (offsets past the end, lengths past the end, huge values);
 *  - as a little program: a byte of flags, then per argument a type byte
 *    and its value (lengths and counts are single bytes), which is
 *    encoded and then decoded again argument by argument.
 *
 * Properties: whatever a decoder returns lies inside the data; an address
 * or bool word is accepted exactly when its high bytes are zero; every
 * value encoded decodes back to itself at its index; more dynamic
 * arguments than ABI_MAX_DYNAMIC fail with CB_ERR_TOO_LARGE.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "fuzz.h"

#define FUZZ_ABI_ARGS		24	/* arguments per program */
#define FUZZ_ABI_MAX_ITEMS	16	/* elements per array argument */

/* True when p[0..n) lies inside data[0..len). */
static bool
fuzz_inside(const uint8_t *p, size_t n, const uint8_t *data, size_t len)
{
	return p >= data && p <= data + len && n <= (size_t)(data + len - p);
}

static bool
fuzz_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Every decoder on argument index of data. */
static void
fuzz_decode_arg(const uint8_t *data, size_t len, size_t index)
{
	uint8_t word[ABI_WORD_LEN];
	const uint8_t *p, *words;
	const char *s;
	struct address a;
	size_t n, count, i;
	bool b, in_head;
	u256 v;

	in_head = len >= ABI_WORD_LEN && index <= (len - ABI_WORD_LEN) /
	    ABI_WORD_LEN;
	FUZZ_CHECK((abi_dec_uint256(data, len, index, &v) == CB_OK) == in_head);
	FUZZ_CHECK((abi_dec_bytes32(data, len, index, word) == CB_OK) ==
	    in_head);
	if (in_head) {
		FUZZ_CHECK(memcmp(word, data + index * ABI_WORD_LEN,
		    ABI_WORD_LEN) == 0);
		FUZZ_CHECK((abi_dec_address(data, len, index, &a) == CB_OK) ==
		    fuzz_zero(word, ABI_WORD_LEN - ADDRESS_LEN));
		FUZZ_CHECK((abi_dec_bool(data, len, index, &b) == CB_OK) ==
		    (fuzz_zero(word, ABI_WORD_LEN - 1) &&
		    word[ABI_WORD_LEN - 1] <= 1));
	}
	if (abi_dec_bytes(data, len, index, &p, &n) == CB_OK) {
		FUZZ_CHECK(in_head && fuzz_inside(p, n, data, len));
		FUZZ_CHECK(abi_dec_string(data, len, index, &s, &n) == CB_OK);
		FUZZ_CHECK((const uint8_t *)s == p);
	} else {
		FUZZ_CHECK(abi_dec_string(data, len, index, &s, &n) ==
		    CB_ERR_INVALID);
	}
	if (abi_dec_array(data, len, index, &words, &count) == CB_OK) {
		FUZZ_CHECK(in_head);
		FUZZ_CHECK(count <= len / ABI_WORD_LEN);
		FUZZ_CHECK(fuzz_inside(words, count * ABI_WORD_LEN, data, len));
		for (i = 0; i < count && i < 4; i++)
			abi_word_uint256(words + i * ABI_WORD_LEN, &v);
	}
}

/* Reads the program's bytes; zeros once the input is used up. */
struct fuzz_reader {
	const uint8_t	*p;
	size_t		 left;
};

static uint8_t
fuzz_byte(struct fuzz_reader *r)
{
	if (r->left == 0)
		return 0;
	r->left--;
	return *r->p++;
}

static void
fuzz_bytes(struct fuzz_reader *r, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = fuzz_byte(r);
}

enum fuzz_abi_type {
	FA_UINT256, FA_ADDRESS, FA_BOOL, FA_BYTES32, FA_BYTES, FA_STRING,
	FA_UINT256_ARRAY, FA_ADDRESS_ARRAY, FA__MAX
};

struct fuzz_arg {
	enum fuzz_abi_type	 type;
	uint8_t			 word[ABI_WORD_LEN];	/* static values */
	bool			 flag;
	uint8_t			 bytes[255];		/* bytes, string */
	size_t			 len;
	u256			 nums[FUZZ_ABI_MAX_ITEMS];
	struct address		 addrs[FUZZ_ABI_MAX_ITEMS];
};

/* Checks argument index of the encoding against what went in. */
static void
fuzz_check_arg(const uint8_t *enc, size_t len, size_t index,
    const struct fuzz_arg *arg)
{
	uint8_t word[ABI_WORD_LEN];
	const uint8_t *p;
	struct address a;
	size_t n, i;
	bool b;
	u256 v, w;

	switch (arg->type) {
	case FA_UINT256:
		FUZZ_CHECK(abi_dec_uint256(enc, len, index, &v) == CB_OK);
		u256_to_be32(&v, word);
		FUZZ_CHECK(memcmp(word, arg->word, ABI_WORD_LEN) == 0);
		break;
	case FA_ADDRESS:
		FUZZ_CHECK(abi_dec_address(enc, len, index, &a) == CB_OK);
		FUZZ_CHECK(memcmp(a.bytes, arg->word, ADDRESS_LEN) == 0);
		break;
	case FA_BOOL:
		FUZZ_CHECK(abi_dec_bool(enc, len, index, &b) == CB_OK);
		FUZZ_CHECK(b == arg->flag);
		break;
	case FA_BYTES32:
		FUZZ_CHECK(abi_dec_bytes32(enc, len, index, word) == CB_OK);
		FUZZ_CHECK(memcmp(word, arg->word, ABI_WORD_LEN) == 0);
		break;
	case FA_BYTES:
	case FA_STRING:
		FUZZ_CHECK(abi_dec_bytes(enc, len, index, &p, &n) == CB_OK);
		FUZZ_CHECK(n == arg->len && (n == 0 ||
		    memcmp(p, arg->bytes, n) == 0));
		break;
	case FA_UINT256_ARRAY:
	case FA_ADDRESS_ARRAY:
		FUZZ_CHECK(abi_dec_array(enc, len, index, &p, &n) == CB_OK);
		FUZZ_CHECK(n == arg->len);
		for (i = 0; i < n; i++) {
			if (arg->type == FA_UINT256_ARRAY) {
				abi_word_uint256(p + i * ABI_WORD_LEN, &v);
				w = arg->nums[i];
				FUZZ_CHECK(u256_cmp(&v, &w) == 0);
			} else {
				FUZZ_CHECK(abi_word_address(p + i * ABI_WORD_LEN,
				    &a) == CB_OK);
				FUZZ_CHECK(address_eq(&a, &arg->addrs[i]));
			}
		}
		break;
	default:
		fuzz_fail("unknown argument type", __FILE__, __LINE__);
	}
}

/* Encodes the program in r, decodes it again and compares. */
static void
fuzz_roundtrip(struct fuzz_reader *r)
{
	static struct fuzz_arg args[FUZZ_ABI_ARGS];
	static const uint8_t selector[ABI_SELECTOR_LEN] = { 1, 2, 3, 4 };
	struct abi_enc e;
	uint8_t flags, *enc;
	size_t nargs, ndyn = 0, i, j, len, pre;
	enum cb_err rc;
	u256 v;

	flags = fuzz_byte(r);
	nargs = fuzz_byte(r) % (FUZZ_ABI_ARGS + 1);
	abi_enc_init(&e, (flags & 1) ? selector : NULL, 1 << 20);
	for (i = 0; i < nargs; i++) {
		struct fuzz_arg *arg = &args[i];

		memset(arg, 0, sizeof(*arg));
		arg->type = (enum fuzz_abi_type)(fuzz_byte(r) % FA__MAX);
		switch (arg->type) {
		case FA_UINT256:
			fuzz_bytes(r, arg->word, ABI_WORD_LEN);
			abi_word_uint256(arg->word, &v);
			abi_enc_uint256(&e, &v);
			break;
		case FA_ADDRESS: {
			struct address a;

			fuzz_bytes(r, a.bytes, ADDRESS_LEN);
			memcpy(arg->word, a.bytes, ADDRESS_LEN);
			abi_enc_address(&e, &a);
			break;
		}
		case FA_BOOL:
			arg->flag = fuzz_byte(r) & 1;
			abi_enc_bool(&e, arg->flag);
			break;
		case FA_BYTES32:
			fuzz_bytes(r, arg->word, ABI_WORD_LEN);
			abi_enc_bytes32(&e, arg->word);
			break;
		case FA_BYTES:
		case FA_STRING:
			arg->len = fuzz_byte(r);
			fuzz_bytes(r, arg->bytes, arg->len);
			if (arg->type == FA_BYTES)
				abi_enc_bytes(&e, arg->bytes, arg->len);
			else
				abi_enc_string(&e, (const char *)arg->bytes,
				    arg->len);
			ndyn++;
			break;
		case FA_UINT256_ARRAY:
			arg->len = fuzz_byte(r) % (FUZZ_ABI_MAX_ITEMS + 1);
			for (j = 0; j < arg->len; j++) {
				uint8_t word[ABI_WORD_LEN];

				fuzz_bytes(r, word, ABI_WORD_LEN);
				abi_word_uint256(word, &arg->nums[j]);
			}
			abi_enc_uint256_array(&e, arg->nums, arg->len);
			ndyn++;
			break;
		case FA_ADDRESS_ARRAY:
			arg->len = fuzz_byte(r) % (FUZZ_ABI_MAX_ITEMS + 1);
			for (j = 0; j < arg->len; j++)
				fuzz_bytes(r, arg->addrs[j].bytes, ADDRESS_LEN);
			abi_enc_address_array(&e, arg->addrs, arg->len);
			ndyn++;
			break;
		default:
			break;
		}
	}
	rc = abi_enc_finish(&e, &enc, &len);
	if (ndyn > ABI_MAX_DYNAMIC) {
		FUZZ_CHECK(rc == CB_ERR_TOO_LARGE && enc == NULL);
		return;
	}
	FUZZ_CHECK(rc == CB_OK);
	pre = (flags & 1) ? ABI_SELECTOR_LEN : 0;
	FUZZ_CHECK(len >= pre && (len - pre) % ABI_WORD_LEN == 0);
	if (pre > 0)
		FUZZ_CHECK(memcmp(enc, selector, ABI_SELECTOR_LEN) == 0);
	for (i = 0; i < nargs; i++)
		fuzz_check_arg(enc + pre, len - pre, i, &args[i]);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_reader r = { data, size };
	size_t index;

	for (index = 0; index < 6; index++)
		fuzz_decode_arg(data, size, index);
	/* An index whose offset would overflow is refused, not wrapped. */
	fuzz_decode_arg(data, size, SIZE_MAX / ABI_WORD_LEN + 1);
	fuzz_decode_arg(data, size, SIZE_MAX);
	fuzz_roundtrip(&r);
	return 0;
}
