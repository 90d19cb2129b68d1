/*
 * status.h - the settlement state machine (docs/settlement.md) as code: the
 * status of a ledger change, of a settlement batch and of a transaction
 * attempt, their names in the store (one table each), and the transitions
 * every writer must respect.
 *
 * A writer calls *_transition_ok() before it issues the statement, and the
 * statement itself names the expected old status in its WHERE clause, so a
 * row that moved concurrently is left alone (affected rows tell).
 */
#ifndef CB_LEDGER_STATUS_H
#define CB_LEDGER_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/* balance_changes.status: one ledger change on its way to the chain. */
enum change_status {
	CHANGE_RECORDED = 0,	/* in the ledger, not yet in a batch */
	CHANGE_AWAITING_WALLET,	/* its user has no wallet bound on the chain */
	CHANGE_BATCHED,		/* in a batch that is not yet sent */
	CHANGE_SUBMITTED,	/* its batch's transaction was sent */
	CHANGE_CONFIRMED,	/* settled: mined with enough confirmations, or
				   netted to zero within its cut */
	CHANGE_FAILED,		/* not settled; an operator decides (re-queue) */
	CHANGE_STATUS__MAX
};

/* settlement_batches.status: one chain operation (mint or burn). */
enum batch_status {
	BATCH_PENDING = 0,	/* cut, items stored, no nonce yet */
	BATCH_SIGNED,		/* nonce taken, first attempt stored, not sent */
	BATCH_SUBMITTED,	/* an attempt was sent; no receipt yet */
	BATCH_MINED,		/* a receipt with status 1, not yet deep enough */
	BATCH_CONFIRMED,	/* deep enough; its changes are confirmed */
	BATCH_FAILED,		/* reverted, emptied or given up; its changes
				   went back to recorded or to failed */
	BATCH_STATUS__MAX
};

/* settlement_attempts.status: one signed transaction of a batch. */
enum attempt_status {
	ATTEMPT_SIGNED = 0,	/* stored (write-ahead), not yet sent */
	ATTEMPT_SENT,		/* handed to the node at least once */
	ATTEMPT_MINED,		/* its receipt is the batch's */
	ATTEMPT_REPLACED,	/* another attempt of the same nonce was mined */
	ATTEMPT_DROPPED,	/* its nonce was used by another transaction */
	ATTEMPT_STATUS__MAX
};

/*
 * Names as stored ("recorded", "awaiting_wallet", ...); "?" when out of
 * range.
 */
const char	*change_status_name(enum change_status s);
const char	*batch_status_name(enum batch_status s);
const char	*attempt_status_name(enum attempt_status s);

/*
 * Parse a stored name (len bytes, not NUL-terminated).  Returns true with
 * *out set, false for an unknown name.
 */
bool		 change_status_parse(const char *s, size_t len, enum change_status *out);
bool		 batch_status_parse(const char *s, size_t len, enum batch_status *out);
bool		 attempt_status_parse(const char *s, size_t len, enum attempt_status *out);

/* True when a row may move from -> to (the table in docs/settlement.md). */
bool		 change_transition_ok(enum change_status from, enum change_status to);
bool		 batch_transition_ok(enum batch_status from, enum batch_status to);
bool		 attempt_transition_ok(enum attempt_status from, enum attempt_status to);

/* True for the statuses that end a row's life (no transition leaves them,
 * except an operator's re-queue of a failed change). */
bool		 change_status_final(enum change_status s);
bool		 batch_status_final(enum batch_status s);

/*
 * The wallet rebind rule: true when a change in status s pins its user's
 * wallet on the chain, because tokens may already be on their way to (or
 * sit at) that address and later burns must find them there.
 */
bool		 change_status_pins_wallet(enum change_status s);

/*
 * Writes the names of the change statuses for which pred is true, in enum
 * order, as a comma list ("batched,submitted,confirmed") into out (cap
 * bytes, NUL-terminated): the form MySQL's FIND_IN_SET takes, so a
 * statement can filter on a rule of this file instead of a copy of it.
 * Returns the length, or 0 (out = "") when nothing matches or it does
 * not fit.
 */
size_t		 change_status_list(bool (*pred)(enum change_status), char *out,
		    size_t cap);

/* True while a change counts as unsettled (pending_balance minus
 * confirmed_balance is the sum of these changes and of failed ones). */
bool		 change_status_in_flight(enum change_status s);

#endif
