/*
 * revert.h - what a reverted call says.  The revert data of an eth_call or
 * eth_estimateGas (rpc_error_revert_data() gets it from the node's error)
 * is decoded as Solidity writes it: Error(string) for require/revert with
 * a reason, Panic(uint256) for failed asserts, arithmetic and bounds
 * checks, or a custom error (a 4-byte selector and ABI-encoded arguments,
 * e.g. BatchAlreadyProcessed(bytes32)).
 */
#ifndef CB_REVERT_H
#define CB_REVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "money/u256.h"

#define REVERT_SELECTOR_LEN	4
/* Size of a buffer that holds any revert_describe() text. */
#define REVERT_DESCRIBE_MAX	256

enum revert_kind {
	REVERT_EMPTY = 0,	/* no data: revert(), require() without reason,
				 * out of gas, an invalid opcode */
	REVERT_ERROR,		/* Error(string) */
	REVERT_PANIC,		/* Panic(uint256) */
	REVERT_CUSTOM,		/* any other selector */
	REVERT__MAX
};

/* A decoded revert.  Pointers borrow from the data given to revert_decode(). */
struct revert_reason {
	enum revert_kind kind;
	uint8_t		 selector[REVERT_SELECTOR_LEN];	/* zero when EMPTY */
	const uint8_t	*args;		/* after the selector; NULL when none */
	size_t		 args_len;
	const char	*message;	/* REVERT_ERROR: message_len bytes, not
					 * NUL-terminated, unchecked UTF-8 */
	size_t		 message_len;
	u256		 panic_code;	/* REVERT_PANIC */
};

/*
 * Decodes data[0..len) (the bytes a call reverted with).  Returns CB_OK
 * with *out filled, or CB_ERR_INVALID when the data is 1..3 bytes (no
 * selector) or carries the selector of Error(string) or Panic(uint256)
 * with arguments that do not decode as that (so a caller never acts on a
 * garbled reason); *out is then zeroed.  Nothing is allocated.
 */
enum cb_err	revert_decode(const uint8_t *data, size_t len,
		    struct revert_reason *out);

/*
 * True when r's selector is that of the error signature, the canonical
 * Solidity form such as "BatchAlreadyProcessed(bytes32)" or
 * "Error(string)".  False for REVERT_EMPTY.
 */
bool		revert_is(const struct revert_reason *r, const char *signature);

/*
 * Returns Solidity's meaning of a panic code ("arithmetic underflow or
 * overflow" for 0x11, ...), or NULL for a code it does not define.
 */
const char	*revert_panic_text(const u256 *code);

/*
 * Writes a one-line description fit for a log into out (cap bytes, always
 * NUL-terminated when cap > 0): Error("reason"), Panic(0x11: arithmetic
 * underflow or overflow), custom error 0x1234abcd (32 bytes of
 * arguments), or revert without data.  Bytes of the reason outside
 * printable ASCII, and quotes and backslashes, are shown as '?'.  A text
 * longer than cap is cut.  Returns the length written.
 */
size_t		revert_describe(const struct revert_reason *r, char *out,
		    size_t cap);

#endif
