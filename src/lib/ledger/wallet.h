/*
 * wallet.h - the address a user's tokens settle to, per chain, and the
 * rule for replacing it (docs/api.md "Wallets", docs/settlement.md).
 *
 * Rebinding rule: a user's address on a chain may be replaced until one of
 * the user's changes on that chain is in a status that pins the wallet
 * (change_status_pins_wallet() of ledger/status.h: taken into settlement);
 * from then on the binding is fixed, because tokens already minted sit at
 * the old address and later burns must find them there.  An address
 * belongs to at most one user per chain.
 */
#ifndef CB_LEDGER_WALLET_H
#define CB_LEDGER_WALLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "eth/address.h"
#include "store/db.h"

enum wallet_result {
	WALLET_BOUND = 0,	/* new binding */
	WALLET_REBOUND,		/* address replaced */
	WALLET_UNCHANGED,	/* the same address again */
	WALLET_IN_USE,		/* the address is bound to another user */
	WALLET_FIXED,		/* rebinding is not allowed any more */
	WALLET_RESULT__MAX
};

/*
 * Binds address to user_id (len bytes, a valid user id) on chain_id in
 * one transaction, following the rules above, within deadline_ms
 * (monotime_ms(); 0 = none).  Returns CB_OK with *result set (nothing
 * written for UNCHANGED, IN_USE and FIXED), CB_ERR_TIMEOUT, or a store
 * error (CB_ERR_DB_UNKNOWN: the COMMIT's answer was lost; binding again
 * is safe).
 */
enum cb_err	wallet_bind(struct db *db, const char *user_id, size_t len,
		    uint64_t chain_id, const struct address *address,
		    uint64_t deadline_ms, enum wallet_result *result);

/* True in *has when a token is registered on chain_id.  CB_OK or a store
 * error. */
enum cb_err	wallet_chain_has_token(struct db *db, uint64_t chain_id, bool *has);

/*
 * The statuses that pin a wallet as the comma list ST_WALLET_SETTLED
 * takes ("batched,submitted,confirmed"), derived from
 * change_status_pins_wallet(); borrowed, static.
 */
const char	*wallet_pinning_statuses(void);

#endif
