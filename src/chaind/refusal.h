/*
 * refusal.h - what a reverted settlement call means for settlement
 * (docs/settlement.md, "Submitting", "Confirming"): the revert data,
 * decoded by eth/revert.h, classified into what the submitter and the
 * confirmer act on (a short wallet named by OpenZeppelin v5's
 * ERC20InsufficientBalance, a whole-batch refusal such as a missing role or
 * a pause, a batch key already processed) with a short text for
 * last_error.  Knows OpenZeppelin v5's ERC-20, AccessControl and Pausable
 * errors and ChainBridgeToken's own.  Pure functions.
 */
#ifndef CB_CHAIND_REFUSAL_H
#define CB_CHAIND_REFUSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/address.h"
#include "money/u256.h"

/* Room for the text (cut to fit VARCHAR(255) columns when stored). */
#define REFUSAL_TEXT_MAX	256

enum refusal_kind {
	REFUSAL_NO_DATA = 0,		/* reverted without data (or none given) */
	REFUSAL_ERROR_STRING,		/* Error(string) */
	REFUSAL_PANIC,			/* Panic(uint256) */
	REFUSAL_INSUFFICIENT_BALANCE,	/* ERC20InsufficientBalance(sender, balance, needed) */
	REFUSAL_INVALID_RECEIVER,	/* ERC20InvalidReceiver(address) */
	REFUSAL_INVALID_SENDER,		/* ERC20InvalidSender(address) */
	REFUSAL_UNAUTHORIZED,		/* AccessControlUnauthorizedAccount(account, role) */
	REFUSAL_PAUSED,			/* EnforcedPause() */
	REFUSAL_BATCH_PROCESSED,	/* BatchAlreadyProcessed(bytes32) */
	REFUSAL_EMPTY_BATCH,		/* EmptyBatch() */
	REFUSAL_LENGTH_MISMATCH,	/* LengthMismatch(uint256, uint256) */
	REFUSAL_UNKNOWN,		/* another error, or one that does not decode */
	REFUSAL_KIND__MAX
};

struct refusal {
	enum refusal_kind kind;
	struct address	 account;	/* INSUFFICIENT_BALANCE, INVALID_*, UNAUTHORIZED */
	u256		 a, b;		/* balance/needed, panic code, lengths */
	uint8_t		 word[32];	/* role or batch id */
	char		 text[REFUSAL_TEXT_MAX];	/* for last_error, printable ASCII */
};

/*
 * Classifies data[0..len), the bytes a call reverted with (none: a revert
 * without data).  Never fails: data that does not decode is
 * REFUSAL_UNKNOWN with a text that says so.
 */
void		 refusal_decode(const uint8_t *data, size_t len, struct refusal *out);

/*
 * True when a refusal of this kind is the batch's as a whole (a role, a
 * pause, a shape error, a key already used): bisecting its items would
 * find nothing.
 */
bool		 refusal_whole_batch(enum refusal_kind kind);

/* Stable snake_case name of kind ("insufficient_balance", ...). */
const char	*refusal_kind_name(enum refusal_kind kind);

#endif
