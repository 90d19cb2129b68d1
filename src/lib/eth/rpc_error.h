/*
 * rpc_error.h - what went wrong in a JSON-RPC exchange: the error object a
 * node answered (code, message, data) and its class, or a description of
 * a transport or parse failure.
 */
#ifndef CB_RPC_ERROR_H
#define CB_RPC_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/err.h"

/* Sizes of the text fields of struct rpc_error, NUL included. */
#define RPC_ERROR_MESSAGE_MAX		512
#define RPC_ERROR_DATA_MAX		4096
/* Most revert bytes the data field can carry as "0x" hex. */
#define RPC_REVERT_DATA_MAX		((RPC_ERROR_DATA_MAX - 3) / 2)

/* What a JSON-RPC error means to a caller. */
enum rpc_errclass {
	RPC_ERRCLASS_NONE = 0,		/* no JSON-RPC error object (transport, parse) */
	RPC_ERRCLASS_NONCE_TOO_LOW,
	RPC_ERRCLASS_ALREADY_KNOWN,
	RPC_ERRCLASS_UNDERPRICED,
	RPC_ERRCLASS_REVERTED,
	RPC_ERRCLASS_RANGE_LIMIT,	/* eth_getLogs range or result count too large */
	RPC_ERRCLASS_INSUFFICIENT_FUNDS,
	RPC_ERRCLASS_OTHER,
	RPC_ERRCLASS__MAX
};

struct rpc_error {
	int64_t		  code;		/* JSON-RPC code; 0 when none */
	enum rpc_errclass errclass;
	/* Control characters replaced by '?'; may be truncated. */
	char		  message[RPC_ERROR_MESSAGE_MAX];
	bool		  has_data;
	bool		  data_truncated;
	char		  data[RPC_ERROR_DATA_MAX];	/* raw: a string's text, else compact JSON */
	long		  http_status;	/* last HTTP status seen, 0 if none */
	unsigned	  attempts;	/* HTTP attempts made by the last exchange */
};

/* Empties err (code 0, class NONE, empty texts).  NULL-safe. */
void		rpc_error_clear(struct rpc_error *err);

/*
 * Sets err->message from a printf format (for failures that are not a
 * node's error object); the other fields are left as they are.  A message
 * longer than the field is cut.
 */
void		rpc_error_setf(struct rpc_error *err, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * Fills err's code, message, data and class from the "error" member of a
 * response (eobj, borrowed).  Tolerant of odd shapes (a bare string, a
 * missing code): the answer is an error either way.  Never fails.
 */
void		rpc_error_from_json(json_object *eobj, struct rpc_error *err);

/*
 * Classifies a JSON-RPC error by its message (case-insensitive substrings,
 * first match of a table) and then its code.  message may be NULL.
 */
enum rpc_errclass rpc_errclass_classify(int64_t code, const char *message);

/* Returns a stable snake_case name of the class ("nonce_too_low", ...). */
const char	*rpc_errclass_name(enum rpc_errclass cls);

/*
 * Gets the revert data a node attached to the error of a reverted eth_call
 * or eth_estimateGas: the "data" member as "0x" hex (geth, reth, erigon,
 * besu, anvil) or "Reverted 0x..." (Nethermind, OpenEthereum).  Decode
 * the bytes with revert_decode() (eth/revert.h).
 *
 * Returns CB_OK with the bytes in out[0..*out_len) (none for a revert
 * without data); CB_ERR_NOT_FOUND when err is not of class
 * RPC_ERRCLASS_REVERTED or carries no data (some nodes send none, e.g.
 * for an invalid opcode); CB_ERR_TOO_LARGE when the data was cut to fit
 * err->data or needs more than cap bytes (RPC_REVERT_DATA_MAX is always
 * enough); CB_ERR_INVALID when the data is something else (a JSON object,
 * odd or non-hex digits).  *out_len is 0 on failure.
 */
enum cb_err	rpc_error_revert_data(const struct rpc_error *err, uint8_t *out,
		    size_t cap, size_t *out_len);

#endif
