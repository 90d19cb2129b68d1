/*
 * plan.h - what a cut puts into batches (docs/settlement.md, "The cut"):
 * the candidates in ledger order, netted per wallet into mint and burn
 * items, and how a batch too large for one transaction is split.
 *
 * Pure functions: no store, no node.  The batcher feeds them rows it read
 * and writes back what they decided.
 */
#ifndef CB_CHAIND_PLAN_H
#define CB_CHAIND_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/address.h"
#include "money/amount.h"
#include "money/u256.h"

/* One recorded change of the token, in ledger (id) order. */
struct plan_row {
	uint64_t	 id;
	const char	*user_id;	/* borrowed; equal strings are one user */
	bool		 has_wallet;	/* the user has a wallet on the chain */
	struct address	 wallet;
	struct amount	 amount;	/* signed, base units */
	bool		 skip_user;	/* the user must not be cut now (a change
					   in flight, or backing off after a
					   revert): none of their changes is taken */
};

/* One netted wallet of a batch; amount is the magnitude (> 0). */
struct plan_item {
	struct address	 wallet;
	u256		 amount;
};

/* What a cut settles. */
struct plan {
	size_t		*taken;		/* indexes into rows, ascending */
	size_t		 ntaken;
	size_t		*netted;	/* taken rows whose wallet nets to zero */
	size_t		 nnetted;
	struct plan_item *mints;	/* net-positive wallets, first-seen order */
	size_t		 nmints;
	struct plan_item *burns;	/* net-negative wallets */
	size_t		 nburns;
	u256		 mint_total;	/* sums of the items (fit DECIMAL(65,0)) */
	u256		 burn_total;
};

/*
 * Plans a cut over rows[0..nrows) (ledger order): takes up to max_changes
 * rows of users that have a wallet and are not skipped, and nets them per
 * wallet.  A user's rows are taken as a prefix of theirs in the scan: once
 * one of their rows is left out (the cap, or a sum that would leave the
 * DECIMAL(65,0) range), none of their later ones is taken, so a user's
 * changes are always settled in order.  Rows of users without a wallet
 * are never taken (the batcher parks them as awaiting_wallet).
 *
 * Returns 0 with *out filled (free it with plan_free), or -1 when memory
 * runs out (*out is then empty).
 */
int		 plan_cut(const struct plan_row *rows, size_t nrows, size_t max_changes,
		    struct plan *out);

/* Frees what plan_cut allocated and empties p.  NULL-safe. */
void		 plan_free(struct plan *p);

/*
 * The number of transactions a batch that needs gas (the gas limit it
 * would be signed with: the estimate plus the margin) must be split into
 * so that each stays at 90 % of max_gas: ceil(gas / (0.9 * max_gas)),
 * at least 1, at most nitems (a single item is never split).
 */
size_t		 plan_split_parts(uint64_t gas, uint64_t max_gas, size_t nitems);

/*
 * Part i (0-based) of nitems items split into parts of equal counts (the
 * first nitems % parts parts get one more): writes [*lo, *hi).
 */
void		 plan_split_range(size_t nitems, size_t parts, size_t i, size_t *lo,
		    size_t *hi);

#endif
