/*
 * revert.c - decoding of revert data: Error(string), Panic(uint256) and
 * custom errors.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "eth/abi.h"
#include "eth/revert.h"

/* Selectors of Solidity's built-in errors. */
static const uint8_t revert_error_selector[REVERT_SELECTOR_LEN] =
    { 0x08, 0xc3, 0x79, 0xa0 };		/* Error(string) */
static const uint8_t revert_panic_selector[REVERT_SELECTOR_LEN] =
    { 0x4e, 0x48, 0x7b, 0x71 };		/* Panic(uint256) */

/* Decodes revert data; see revert.h. */
enum cb_err
revert_decode(const uint8_t *data, size_t len, struct revert_reason *out)
{
	struct revert_reason r;
	enum cb_err rc = CB_ERR_INVALID;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	if (len == 0) {
		r.kind = REVERT_EMPTY;
		rc = CB_OK;
		goto out;
	}
	if (len < REVERT_SELECTOR_LEN)
		goto out;
	memcpy(r.selector, data, REVERT_SELECTOR_LEN);
	r.args_len = len - REVERT_SELECTOR_LEN;
	r.args = r.args_len > 0 ? data + REVERT_SELECTOR_LEN : NULL;
	if (memcmp(r.selector, revert_error_selector, REVERT_SELECTOR_LEN) == 0) {
		r.kind = REVERT_ERROR;
		if (r.args == NULL || abi_dec_string(r.args, r.args_len, 0,
		    &r.message, &r.message_len) != CB_OK)
			goto out;
	} else if (memcmp(r.selector, revert_panic_selector,
	    REVERT_SELECTOR_LEN) == 0) {
		r.kind = REVERT_PANIC;
		/* One static word, nothing else. */
		if (r.args_len != ABI_WORD_LEN ||
		    abi_dec_uint256(r.args, r.args_len, 0, &r.panic_code) != CB_OK)
			goto out;
	} else
		r.kind = REVERT_CUSTOM;
	rc = CB_OK;
out:
	if (rc == CB_OK)
		*out = r;
	return rc;
}

/* Compares r's selector with a signature's; see revert.h. */
bool
revert_is(const struct revert_reason *r, const char *signature)
{
	uint8_t sel[ABI_SELECTOR_LEN];

	if (r->kind == REVERT_EMPTY || signature == NULL)
		return false;
	abi_selector(signature, sel);
	return memcmp(sel, r->selector, REVERT_SELECTOR_LEN) == 0;
}

/* Solidity's panic codes; see revert.h. */
const char *
revert_panic_text(const u256 *code)
{
	static const struct {
		uint64_t	 code;
		const char	*text;
	} panics[] = {
		{ 0x00, "generic compiler panic" },
		{ 0x01, "assertion failed" },
		{ 0x11, "arithmetic underflow or overflow" },
		{ 0x12, "division or modulo by zero" },
		{ 0x21, "conversion to an invalid enum value" },
		{ 0x22, "incorrectly encoded storage byte array" },
		{ 0x31, "pop() on an empty array" },
		{ 0x32, "array index out of bounds" },
		{ 0x41, "too much memory allocated" },
		{ 0x51, "call of a zero-initialised function pointer" },
	};
	uint64_t v;
	size_t i;

	if (!u256_to_u64(code, &v))
		return NULL;
	for (i = 0; i < sizeof(panics) / sizeof(panics[0]); i++)
		if (panics[i].code == v)
			return panics[i].text;
	return NULL;
}

/* Appends to out[*pos..cap) what snprintf would, keeping *pos < cap. */
static void revert_appendf(char *out, size_t cap, size_t *pos,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
revert_appendf(char *out, size_t cap, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *pos, cap - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		out[*pos] = '\0';
	else if ((size_t)n >= cap - *pos)
		*pos = cap - 1;
	else
		*pos += (size_t)n;
}

/* Describes r in one line; see revert.h. */
size_t
revert_describe(const struct revert_reason *r, char *out, size_t cap)
{
	char sel[2 * REVERT_SELECTOR_LEN + 1], hexcode[U256_HEX_MAX];
	const char *text;
	size_t pos = 0, i;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	switch (r->kind) {
	case REVERT_ERROR:
		revert_appendf(out, cap, &pos, "Error(\"");
		for (i = 0; i < r->message_len && pos + 1 < cap; i++) {
			unsigned char ch = (unsigned char)r->message[i];

			/* The reason comes from a contract: anything that
			 * could break a log line or its quoting is masked. */
			out[pos++] = (ch < 0x20 || ch >= 0x7f || ch == '"' ||
			    ch == '\\') ? '?' : (char)ch;
		}
		out[pos] = '\0';
		revert_appendf(out, cap, &pos, "\")");
		break;
	case REVERT_PANIC:
		u256_to_hex_quantity(&r->panic_code, hexcode, sizeof(hexcode));
		text = revert_panic_text(&r->panic_code);
		revert_appendf(out, cap, &pos, "Panic(%s: %s)", hexcode,
		    text != NULL ? text : "unknown panic code");
		break;
	case REVERT_CUSTOM:
		hex_encode(sel, sizeof(sel), r->selector, REVERT_SELECTOR_LEN,
		    false);
		revert_appendf(out, cap, &pos, "custom error 0x%s (%zu bytes of "
		    "arguments)", sel, r->args_len);
		break;
	default:
		revert_appendf(out, cap, &pos, "revert without data");
		break;
	}
	return pos;
}
