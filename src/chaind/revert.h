/*
 * revert.h - why a settlement call reverted: the revert data of a node's
 * eth_call / eth_estimateGas error, decoded into a kind the submitter acts
 * on and a short text for last_error (docs/settlement.md, "Submitting",
 * "Confirming").  Knows Error(string), Panic(uint256), OpenZeppelin v5's
 * ERC-20 and AccessControl errors, Pausable, and the errors of the
 * project's ChainBridgeToken.  Pure functions.
 */
#ifndef CB_CHAIND_REVERT_H
#define CB_CHAIND_REVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/address.h"
#include "money/u256.h"

/* Room for the decoded text (cut to fit VARCHAR(255) columns when stored). */
#define REVERT_TEXT_MAX		256
/* Most revert data bytes looked at. */
#define REVERT_DATA_MAX		2048

enum revert_kind {
	REVERT_NO_DATA = 0,		/* reverted without data (or none given) */
	REVERT_ERROR_STRING,		/* Error(string) */
	REVERT_PANIC,			/* Panic(uint256) */
	REVERT_INSUFFICIENT_BALANCE,	/* ERC20InsufficientBalance(sender, balance, needed) */
	REVERT_INVALID_RECEIVER,	/* ERC20InvalidReceiver(address) */
	REVERT_INVALID_SENDER,		/* ERC20InvalidSender(address) */
	REVERT_UNAUTHORIZED,		/* AccessControlUnauthorizedAccount(account, role) */
	REVERT_PAUSED,			/* EnforcedPause() */
	REVERT_BATCH_PROCESSED,		/* BatchAlreadyProcessed(bytes32) */
	REVERT_EMPTY_BATCH,		/* EmptyBatch() */
	REVERT_LENGTH_MISMATCH,		/* LengthMismatch(uint256, uint256) */
	REVERT_UNKNOWN,			/* a selector this table does not know */
	REVERT_KIND__MAX
};

struct revert_info {
	enum revert_kind kind;
	struct address	 account;	/* INSUFFICIENT_BALANCE, INVALID_*, UNAUTHORIZED */
	u256		 a, b;		/* balance/needed, panic code, lengths */
	uint8_t		 word[32];	/* role or batch id */
	char		 text[REVERT_TEXT_MAX];	/* for last_error, printable ASCII */
};

/*
 * Decodes data[0..len) (a revert's return data, without "0x").  Never
 * fails: malformed data of a known selector decodes as REVERT_UNKNOWN.
 */
void		 revert_decode(const uint8_t *data, size_t len, struct revert_info *out);

/*
 * Reads the revert data of a node's error: the "data" member as the RPC
 * layer keeps it (a "0x..." string, or for some nodes a JSON object or
 * string holding one).  Returns true with the bytes in buf (cap bytes)
 * and their count in *len, false when there is none.
 */
bool		 revert_data_from_text(const char *text, size_t text_len, uint8_t *buf,
		    size_t cap, size_t *len);

/*
 * True when a revert of this kind is the batch's as a whole (a role, a
 * pause, a shape error): bisecting its items would find nothing.
 */
bool		 revert_kind_whole_batch(enum revert_kind kind);

/* Stable snake_case name of kind ("insufficient_balance", ...). */
const char	*revert_kind_name(enum revert_kind kind);

#endif
