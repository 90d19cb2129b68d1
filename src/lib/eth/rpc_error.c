/*
 * rpc_error.c - JSON-RPC error objects and their classes.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"
#include "eth/rpc_error.h"

/* Empties err; see rpc_error.h. */
void
rpc_error_clear(struct rpc_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	err->errclass = RPC_ERRCLASS_NONE;
}

/* Copies s[0..len) to out (cap bytes, NUL added) with control characters
 * replaced, as the text ends up in log lines.  Returns true if cut short. */
static bool
rpc_copy_text(char *out, size_t cap, const char *s, size_t len)
{
	size_t i, n = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		out[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	out[n] = '\0';
	return n < len;
}

/* Sets a descriptive message on err; see rpc_error.h. */
void
rpc_error_setf(struct rpc_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(err->message, sizeof(err->message), fmt, ap) < 0)
		err->message[0] = '\0';
	va_end(ap);
}

struct rpc_errclass_rule {
	const char		*needle;	/* lowercase substring of the message */
	enum rpc_errclass	 cls;
};

/*
 * Message rules, first match wins.  "Already have it" answers come first
 * because some of them also talk about nonces or prices; rate-limit texts
 * come before the range rules because providers send both under -32005.
 */
static const struct rpc_errclass_rule rpc_errclass_rules[] = {
	{ "already known", RPC_ERRCLASS_ALREADY_KNOWN },	/* geth, erigon, reth */
	{ "alreadyknown", RPC_ERRCLASS_ALREADY_KNOWN },		/* nethermind */
	{ "known transaction", RPC_ERRCLASS_ALREADY_KNOWN },	/* older geth, besu */
	{ "already imported", RPC_ERRCLASS_ALREADY_KNOWN },	/* anvil, openethereum */
	{ "existing tx with same hash", RPC_ERRCLASS_ALREADY_KNOWN }, /* erigon */
	{ "nonce too low", RPC_ERRCLASS_NONCE_TOO_LOW },
	{ "nonce is too low", RPC_ERRCLASS_NONCE_TOO_LOW },	/* openethereum */
	{ "oldnonce", RPC_ERRCLASS_NONCE_TOO_LOW },		/* nethermind */
	{ "nonce has already been used", RPC_ERRCLASS_NONCE_TOO_LOW },
	{ "underpriced", RPC_ERRCLASS_UNDERPRICED },
	{ "insufficient gas price to replace", RPC_ERRCLASS_UNDERPRICED }, /* reth */
	{ "gas price is too low", RPC_ERRCLASS_UNDERPRICED },	/* openethereum */
	{ "gas price supplied is too low", RPC_ERRCLASS_UNDERPRICED },
	{ "replacementnotallowed", RPC_ERRCLASS_UNDERPRICED },	/* nethermind */
	{ "feetoolow", RPC_ERRCLASS_UNDERPRICED },		/* nethermind */
	{ "fee too low", RPC_ERRCLASS_UNDERPRICED },
	{ "max fee per gas less than block base fee", RPC_ERRCLASS_UNDERPRICED },
	{ "insufficient funds", RPC_ERRCLASS_INSUFFICIENT_FUNDS },
	{ "insufficientfunds", RPC_ERRCLASS_INSUFFICIENT_FUNDS }, /* nethermind */
	{ "execution reverted", RPC_ERRCLASS_REVERTED },
	{ "vm execution error", RPC_ERRCLASS_REVERTED },	/* nethermind */
	{ "reverted", RPC_ERRCLASS_REVERTED },
	{ "beyond current head", RPC_ERRCLASS_OTHER },		/* not a size problem */
	{ "account limit exceeded", RPC_ERRCLASS_OTHER },	/* txpool slots */
	{ "rate limit", RPC_ERRCLASS_OTHER },
	{ "request rate", RPC_ERRCLASS_OTHER },
	{ "too many requests", RPC_ERRCLASS_OTHER },
	{ "daily request count", RPC_ERRCLASS_OTHER },
	{ "query returned more than", RPC_ERRCLASS_RANGE_LIMIT }, /* infura, geth */
	{ "block range", RPC_ERRCLASS_RANGE_LIMIT },	/* "exceed maximum block range" */
	{ "max results", RPC_ERRCLASS_RANGE_LIMIT },		/* reth */
	{ "too many logs", RPC_ERRCLASS_RANGE_LIMIT },
	{ "log response size", RPC_ERRCLASS_RANGE_LIMIT },	/* alchemy */
	{ "response size exceeded", RPC_ERRCLASS_RANGE_LIMIT },
	{ "response too large", RPC_ERRCLASS_RANGE_LIMIT },
	{ "range is too large", RPC_ERRCLASS_RANGE_LIMIT },
	{ "range too large", RPC_ERRCLASS_RANGE_LIMIT },
	{ "range limit", RPC_ERRCLASS_RANGE_LIMIT },
	{ "is limited to", RPC_ERRCLASS_RANGE_LIMIT },		/* quicknode */
	{ "limit exceeded", RPC_ERRCLASS_RANGE_LIMIT },
};

/* Classifies a JSON-RPC error; see rpc_error.h. */
enum rpc_errclass
rpc_errclass_classify(int64_t code, const char *message)
{
	size_t i;

	if (message != NULL)
		for (i = 0; i < sizeof(rpc_errclass_rules) /
		    sizeof(rpc_errclass_rules[0]); i++)
			if (strcasestr(message, rpc_errclass_rules[i].needle) != NULL)
				return rpc_errclass_rules[i].cls;
	/* EIP-1474 / geth codes. */
	if (code == 3)
		return RPC_ERRCLASS_REVERTED;
	if (code == -32005)
		return RPC_ERRCLASS_RANGE_LIMIT;
	return RPC_ERRCLASS_OTHER;
}

/* Returns the class's stable name; see rpc_error.h. */
const char *
rpc_errclass_name(enum rpc_errclass cls)
{
	static const char *const names[RPC_ERRCLASS__MAX] = {
		[RPC_ERRCLASS_NONE] = "none",
		[RPC_ERRCLASS_NONCE_TOO_LOW] = "nonce_too_low",
		[RPC_ERRCLASS_ALREADY_KNOWN] = "already_known",
		[RPC_ERRCLASS_UNDERPRICED] = "underpriced",
		[RPC_ERRCLASS_REVERTED] = "reverted",
		[RPC_ERRCLASS_RANGE_LIMIT] = "range_limit",
		[RPC_ERRCLASS_INSUFFICIENT_FUNDS] = "insufficient_funds",
		[RPC_ERRCLASS_OTHER] = "other",
	};

	if ((unsigned)cls >= RPC_ERRCLASS__MAX)
		return "unknown";
	return names[cls];
}

/* Fills err from a JSON-RPC error member; see rpc_error.h. */
void
rpc_error_from_json(json_object *eobj, struct rpc_error *err)
{
	json_object *v;
	const char *s;

	err->code = 0;
	err->message[0] = '\0';
	err->has_data = false;
	err->data_truncated = false;
	err->data[0] = '\0';
	if (json_object_is_type(eobj, json_type_string)) {
		rpc_copy_text(err->message, sizeof(err->message),
		    json_object_get_string(eobj),
		    (size_t)json_object_get_string_len(eobj));
	} else if (json_object_is_type(eobj, json_type_object)) {
		if (json_object_object_get_ex(eobj, "code", &v) &&
		    json_object_is_type(v, json_type_int))
			err->code = json_object_get_int64(v);
		if (json_object_object_get_ex(eobj, "message", &v) &&
		    json_object_is_type(v, json_type_string))
			rpc_copy_text(err->message, sizeof(err->message),
			    json_object_get_string(v),
			    (size_t)json_object_get_string_len(v));
		if (json_object_object_get_ex(eobj, "data", &v) && v != NULL) {
			err->has_data = true;
			if (json_object_is_type(v, json_type_string)) {
				err->data_truncated = rpc_copy_text(err->data,
				    sizeof(err->data), json_object_get_string(v),
				    (size_t)json_object_get_string_len(v));
			} else {
				s = json_object_to_json_string_ext(v,
				    JSON_C_TO_STRING_PLAIN);
				if (s != NULL)
					err->data_truncated = rpc_copy_text(
					    err->data, sizeof(err->data), s,
					    strlen(s));
			}
		}
	}
	err->errclass = rpc_errclass_classify(err->code, err->message);
}

/* Extracts the revert bytes of a reverted call's error; see rpc_error.h. */
enum cb_err
rpc_error_revert_data(const struct rpc_error *err, uint8_t *out, size_t cap,
    size_t *out_len)
{
	/* Nethermind and OpenEthereum put this before the hex. */
	static const char reverted[] = "Reverted ";
	const char *s;
	size_t len, n;
	enum cb_err rc;

	*out_len = 0;
	if (err == NULL || err->errclass != RPC_ERRCLASS_REVERTED ||
	    !err->has_data) {
		rc = CB_ERR_NOT_FOUND;
		goto out;
	}
	if (err->data_truncated) {
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	s = err->data;
	len = strnlen(err->data, sizeof(err->data));
	if (len >= sizeof(reverted) - 1 &&
	    strncmp(s, reverted, sizeof(reverted) - 1) == 0) {
		s += sizeof(reverted) - 1;
		len -= sizeof(reverted) - 1;
	}
	/* A lowercase "0x" and an even digit count; hex_decode checks the
	 * digits (it would also take a missing or uppercase prefix). */
	if (len < 2 || s[0] != '0' || s[1] != 'x' || len % 2 != 0) {
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((len - 2) / 2 > cap) {
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (hex_decode(out, cap, s, len, &n) != 0) {
		rc = CB_ERR_INVALID;
		goto out;
	}
	*out_len = n;
	rc = CB_OK;
out:
	return rc;
}
