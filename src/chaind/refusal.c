/* refusal.c - what a reverted settlement call means (refusal.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/array.h"
#include "core/hex.h"
#include "eth/abi.h"
#include "eth/keccak.h"
#include "eth/revert.h"
#include "refusal.h"

/* The custom errors settlement tells apart, by signature. */
static const struct {
	enum refusal_kind kind;
	const char	*signature;
} refusal_errors[] = {
	{ REFUSAL_INSUFFICIENT_BALANCE, "ERC20InsufficientBalance(address,uint256,uint256)" },
	{ REFUSAL_INVALID_RECEIVER,	"ERC20InvalidReceiver(address)" },
	{ REFUSAL_INVALID_SENDER,	"ERC20InvalidSender(address)" },
	{ REFUSAL_UNAUTHORIZED,		"AccessControlUnauthorizedAccount(address,bytes32)" },
	{ REFUSAL_PAUSED,		"EnforcedPause()" },
	{ REFUSAL_BATCH_PROCESSED,	"BatchAlreadyProcessed(bytes32)" },
	{ REFUSAL_EMPTY_BATCH,		"EmptyBatch()" },
	{ REFUSAL_LENGTH_MISMATCH,	"LengthMismatch(uint256,uint256)" },
};

static const char *const kind_names[REFUSAL_KIND__MAX] = {
	[REFUSAL_NO_DATA] = "no_data",
	[REFUSAL_ERROR_STRING] = "error_string",
	[REFUSAL_PANIC] = "panic",
	[REFUSAL_INSUFFICIENT_BALANCE] = "insufficient_balance",
	[REFUSAL_INVALID_RECEIVER] = "invalid_receiver",
	[REFUSAL_INVALID_SENDER] = "invalid_sender",
	[REFUSAL_UNAUTHORIZED] = "unauthorized",
	[REFUSAL_PAUSED] = "paused",
	[REFUSAL_BATCH_PROCESSED] = "batch_already_processed",
	[REFUSAL_EMPTY_BATCH] = "empty_batch",
	[REFUSAL_LENGTH_MISMATCH] = "length_mismatch",
	[REFUSAL_UNKNOWN] = "unknown",
};

const char *
refusal_kind_name(enum refusal_kind kind)
{
	return (unsigned)kind < ARRAY_LEN(kind_names) ? kind_names[kind] : "?";
}

bool
refusal_whole_batch(enum refusal_kind kind)
{
	switch (kind) {
	case REFUSAL_UNAUTHORIZED:
	case REFUSAL_PAUSED:
	case REFUSAL_BATCH_PROCESSED:
	case REFUSAL_EMPTY_BATCH:
	case REFUSAL_LENGTH_MISMATCH:
		return true;
	default:
		return false;
	}
}

/* The names of the roles ChainBridgeToken checks, for the text. */
static const char *
refusal_role_name(const uint8_t role[32])
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

static void
refusal_dec(const u256 *v, char out[U256_DEC_MAX])
{
	if (u256_to_dec(v, out, U256_DEC_MAX) == 0)
		snprintf(out, U256_DEC_MAX, "?");
}

/* Decodes the arguments of the custom error kind; false when they do not
 * decode as its signature says. */
static bool
refusal_args(enum refusal_kind kind, const uint8_t *args, size_t alen, struct refusal *out)
{
	char addr[ADDRESS_STR_SIZE], a[U256_DEC_MAX], b[U256_DEC_MAX], hex[67];
	const char *role;

	switch (kind) {
	case REFUSAL_INSUFFICIENT_BALANCE:
		if (abi_dec_address(args, alen, 0, &out->account) != CB_OK ||
		    abi_dec_uint256(args, alen, 1, &out->a) != CB_OK ||
		    abi_dec_uint256(args, alen, 2, &out->b) != CB_OK)
			return false;
		address_to_checksum(&out->account, addr);
		refusal_dec(&out->a, a);
		refusal_dec(&out->b, b);
		snprintf(out->text, sizeof(out->text), "ERC20InsufficientBalance(%s, %s, %s)",
		    addr, a, b);
		return true;
	case REFUSAL_INVALID_RECEIVER:
	case REFUSAL_INVALID_SENDER:
		if (abi_dec_address(args, alen, 0, &out->account) != CB_OK)
			return false;
		address_to_checksum(&out->account, addr);
		snprintf(out->text, sizeof(out->text), "%s(%s)", kind == REFUSAL_INVALID_RECEIVER ?
		    "ERC20InvalidReceiver" : "ERC20InvalidSender", addr);
		return true;
	case REFUSAL_UNAUTHORIZED:
		if (abi_dec_address(args, alen, 0, &out->account) != CB_OK ||
		    abi_dec_bytes32(args, alen, 1, out->word) != CB_OK)
			return false;
		address_to_checksum(&out->account, addr);
		if ((role = refusal_role_name(out->word)) == NULL) {
			hex_encode(hex, sizeof(hex), out->word, 32, true);
			role = hex;
		}
		snprintf(out->text, sizeof(out->text), "AccessControlUnauthorizedAccount(%s, %s)",
		    addr, role);
		return true;
	case REFUSAL_PAUSED:
		snprintf(out->text, sizeof(out->text), "EnforcedPause()");
		return true;
	case REFUSAL_BATCH_PROCESSED:
		if (abi_dec_bytes32(args, alen, 0, out->word) != CB_OK)
			return false;
		hex_encode(hex, sizeof(hex), out->word, 32, true);
		snprintf(out->text, sizeof(out->text), "BatchAlreadyProcessed(%s)", hex);
		return true;
	case REFUSAL_EMPTY_BATCH:
		snprintf(out->text, sizeof(out->text), "EmptyBatch()");
		return true;
	case REFUSAL_LENGTH_MISMATCH:
		if (abi_dec_uint256(args, alen, 0, &out->a) != CB_OK ||
		    abi_dec_uint256(args, alen, 1, &out->b) != CB_OK)
			return false;
		refusal_dec(&out->a, a);
		refusal_dec(&out->b, b);
		snprintf(out->text, sizeof(out->text), "LengthMismatch(%s, %s)", a, b);
		return true;
	default:
		return false;
	}
}

void
refusal_decode(const uint8_t *data, size_t len, struct refusal *out)
{
	struct revert_reason r;
	char hex[11];
	size_t i;

	memset(out, 0, sizeof(*out));
	if (data == NULL || len == 0) {
		out->kind = REFUSAL_NO_DATA;
		snprintf(out->text, sizeof(out->text), "reverted without data");
		return;
	}
	if (revert_decode(data, len, &r) != CB_OK) {
		out->kind = REFUSAL_UNKNOWN;
		hex_encode(hex, sizeof(hex), data, len < 4 ? len : 4, true);
		snprintf(out->text, sizeof(out->text), "undecodable revert data %s (%zu bytes)",
		    hex, len);
		return;
	}
	switch (r.kind) {
	case REVERT_ERROR:
		out->kind = REFUSAL_ERROR_STRING;
		(void)revert_describe(&r, out->text, sizeof(out->text));
		return;
	case REVERT_PANIC:
		out->kind = REFUSAL_PANIC;
		out->a = r.panic_code;
		(void)revert_describe(&r, out->text, sizeof(out->text));
		return;
	case REVERT_CUSTOM:
		for (i = 0; i < ARRAY_LEN(refusal_errors); i++) {
			if (!revert_is(&r, refusal_errors[i].signature))
				continue;
			if (refusal_args(refusal_errors[i].kind, r.args, r.args_len, out)) {
				out->kind = refusal_errors[i].kind;
				return;
			}
			break;
		}
		memset(out, 0, sizeof(*out));
		out->kind = REFUSAL_UNKNOWN;
		(void)revert_describe(&r, out->text, sizeof(out->text));
		return;
	default:
		out->kind = REFUSAL_NO_DATA;
		(void)revert_describe(&r, out->text, sizeof(out->text));
		return;
	}
}
