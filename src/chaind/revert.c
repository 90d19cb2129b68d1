/* revert.c - decoding revert data (revert.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/array.h"
#include "core/hex.h"
#include "eth/abi.h"
#include "eth/keccak.h"
#include "revert.h"

struct revert_sig {
	enum revert_kind kind;
	const char	*signature;
};

static const struct revert_sig revert_sigs[] = {
	{ REVERT_ERROR_STRING,		"Error(string)" },
	{ REVERT_PANIC,			"Panic(uint256)" },
	{ REVERT_INSUFFICIENT_BALANCE,	"ERC20InsufficientBalance(address,uint256,uint256)" },
	{ REVERT_INVALID_RECEIVER,	"ERC20InvalidReceiver(address)" },
	{ REVERT_INVALID_SENDER,	"ERC20InvalidSender(address)" },
	{ REVERT_UNAUTHORIZED,		"AccessControlUnauthorizedAccount(address,bytes32)" },
	{ REVERT_PAUSED,		"EnforcedPause()" },
	{ REVERT_BATCH_PROCESSED,	"BatchAlreadyProcessed(bytes32)" },
	{ REVERT_EMPTY_BATCH,		"EmptyBatch()" },
	{ REVERT_LENGTH_MISMATCH,	"LengthMismatch(uint256,uint256)" },
};

static const char *const kind_names[REVERT_KIND__MAX] = {
	[REVERT_NO_DATA] = "no_data",
	[REVERT_ERROR_STRING] = "error_string",
	[REVERT_PANIC] = "panic",
	[REVERT_INSUFFICIENT_BALANCE] = "insufficient_balance",
	[REVERT_INVALID_RECEIVER] = "invalid_receiver",
	[REVERT_INVALID_SENDER] = "invalid_sender",
	[REVERT_UNAUTHORIZED] = "unauthorized",
	[REVERT_PAUSED] = "paused",
	[REVERT_BATCH_PROCESSED] = "batch_already_processed",
	[REVERT_EMPTY_BATCH] = "empty_batch",
	[REVERT_LENGTH_MISMATCH] = "length_mismatch",
	[REVERT_UNKNOWN] = "unknown",
};

const char *
revert_kind_name(enum revert_kind kind)
{
	return (unsigned)kind < ARRAY_LEN(kind_names) ? kind_names[kind] : "?";
}

bool
revert_kind_whole_batch(enum revert_kind kind)
{
	switch (kind) {
	case REVERT_UNAUTHORIZED:
	case REVERT_PAUSED:
	case REVERT_BATCH_PROCESSED:
	case REVERT_EMPTY_BATCH:
	case REVERT_LENGTH_MISMATCH:
		return true;
	default:
		return false;
	}
}

/* The names of the roles ChainBridgeToken checks, for the text. */
static const char *
revert_role_name(const uint8_t role[32])
{
	static const char *const roles[] = { "MINTER_ROLE", "BURNER_ROLE" };
	static const uint8_t zero[32];
	uint8_t h[32];
	size_t i;

	if (memcmp(role, zero, 32) == 0)
		return "DEFAULT_ADMIN_ROLE";
	for (i = 0; i < ARRAY_LEN(roles); i++) {
		keccak256((const uint8_t *)roles[i], strlen(roles[i]), h);
		if (memcmp(h, role, 32) == 0)
			return roles[i];
	}
	return NULL;
}

/* Copies the printable ASCII of s[0..n) into out (cap bytes), others as '?'. */
static void
revert_printable(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[o] = '\0';
}

static void
revert_dec(const u256 *v, char out[U256_DEC_MAX])
{
	if (u256_to_dec(v, out, U256_DEC_MAX) == 0)
		snprintf(out, U256_DEC_MAX, "?");
}

void
revert_decode(const uint8_t *data, size_t len, struct revert_info *out)
{
	uint8_t sel[ABI_SELECTOR_LEN];
	char addr[ADDRESS_STR_SIZE], a[U256_DEC_MAX], b[U256_DEC_MAX], hex[67], msg[160];
	const uint8_t *args;
	const char *s, *role;
	size_t alen, slen, i;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (data == NULL || len == 0) {
		out->kind = REVERT_NO_DATA;
		snprintf(out->text, sizeof(out->text), "reverted without data");
		return;
	}
	out->kind = REVERT_UNKNOWN;
	if (len < ABI_SELECTOR_LEN)
		goto unknown;
	args = data + ABI_SELECTOR_LEN;
	alen = len - ABI_SELECTOR_LEN;
	for (i = 0; i < ARRAY_LEN(revert_sigs); i++) {
		abi_selector(revert_sigs[i].signature, sel);
		if (memcmp(sel, data, ABI_SELECTOR_LEN) == 0)
			break;
	}
	if (i == ARRAY_LEN(revert_sigs))
		goto unknown;
	switch (revert_sigs[i].kind) {
	case REVERT_ERROR_STRING:
		ok = abi_dec_string(args, alen, 0, &s, &slen) == CB_OK;
		if (ok) {
			revert_printable(msg, sizeof(msg), s, slen);
			snprintf(out->text, sizeof(out->text), "Error(%s)", msg);
		}
		break;
	case REVERT_PANIC:
		ok = abi_dec_uint256(args, alen, 0, &out->a) == CB_OK;
		if (ok) {
			u256_to_hex_quantity(&out->a, hex, sizeof(hex));
			snprintf(out->text, sizeof(out->text), "Panic(%s)", hex);
		}
		break;
	case REVERT_INSUFFICIENT_BALANCE:
		ok = abi_dec_address(args, alen, 0, &out->account) == CB_OK &&
		    abi_dec_uint256(args, alen, 1, &out->a) == CB_OK &&
		    abi_dec_uint256(args, alen, 2, &out->b) == CB_OK;
		if (ok) {
			address_to_checksum(&out->account, addr);
			revert_dec(&out->a, a);
			revert_dec(&out->b, b);
			snprintf(out->text, sizeof(out->text),
			    "ERC20InsufficientBalance(%s, %s, %s)", addr, a, b);
		}
		break;
	case REVERT_INVALID_RECEIVER:
	case REVERT_INVALID_SENDER:
		ok = abi_dec_address(args, alen, 0, &out->account) == CB_OK;
		if (ok) {
			address_to_checksum(&out->account, addr);
			snprintf(out->text, sizeof(out->text), "%s(%s)",
			    revert_sigs[i].kind == REVERT_INVALID_RECEIVER ?
			    "ERC20InvalidReceiver" : "ERC20InvalidSender", addr);
		}
		break;
	case REVERT_UNAUTHORIZED:
		ok = abi_dec_address(args, alen, 0, &out->account) == CB_OK &&
		    abi_dec_bytes32(args, alen, 1, out->word) == CB_OK;
		if (ok) {
			address_to_checksum(&out->account, addr);
			if ((role = revert_role_name(out->word)) == NULL) {
				hex_encode(hex, sizeof(hex), out->word, 32, true);
				role = hex;
			}
			snprintf(out->text, sizeof(out->text),
			    "AccessControlUnauthorizedAccount(%s, %s)", addr, role);
		}
		break;
	case REVERT_PAUSED:
		ok = true;
		snprintf(out->text, sizeof(out->text), "EnforcedPause()");
		break;
	case REVERT_BATCH_PROCESSED:
		ok = abi_dec_bytes32(args, alen, 0, out->word) == CB_OK;
		if (ok) {
			hex_encode(hex, sizeof(hex), out->word, 32, true);
			snprintf(out->text, sizeof(out->text), "BatchAlreadyProcessed(%s)", hex);
		}
		break;
	case REVERT_EMPTY_BATCH:
		ok = true;
		snprintf(out->text, sizeof(out->text), "EmptyBatch()");
		break;
	case REVERT_LENGTH_MISMATCH:
		ok = abi_dec_uint256(args, alen, 0, &out->a) == CB_OK &&
		    abi_dec_uint256(args, alen, 1, &out->b) == CB_OK;
		if (ok) {
			revert_dec(&out->a, a);
			revert_dec(&out->b, b);
			snprintf(out->text, sizeof(out->text), "LengthMismatch(%s, %s)", a, b);
		}
		break;
	default:
		break;
	}
	if (ok) {
		out->kind = revert_sigs[i].kind;
		return;
	}
unknown:
	memset(out, 0, sizeof(*out));
	out->kind = REVERT_UNKNOWN;
	hex_encode(hex, sizeof(hex), data, len < 4 ? len : 4, true);
	snprintf(out->text, sizeof(out->text), "custom error %s (%zu bytes)", hex, len);
}

bool
revert_data_from_text(const char *text, size_t text_len, uint8_t *buf, size_t cap,
    size_t *len)
{
	const char *p, *end = text + text_len;
	size_t n;

	*len = 0;
	if (text == NULL || text_len == 0)
		return false;
	/* The first "0x" run of hex digits: the data itself, or a JSON object
	 * or string that holds it. */
	for (p = text; p + 1 < end; p++) {
		if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
			continue;
		for (n = 2; p + n < end && hex_nibble(p[n]) >= 0; n++)
			continue;
		if (n == 2)
			continue;
		if ((n - 2) % 2 != 0 || (n - 2) / 2 > cap)
			return false;
		return hex_decode(buf, cap, p, n, len) == 0 && *len > 0;
	}
	return false;
}
