/*
 * fees.h - EIP-1559 fees of settlement transactions (docs/settlement.md,
 * "Submitting" and "Stuck and dropped transactions"): the market quote
 * from eth_feeHistory and the bump of a replacement.  Pure functions over
 * exact integers in wei.
 */
#ifndef CB_CHAIND_FEES_H
#define CB_CHAIND_FEES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "money/u256.h"

/* The two fee caps of a type-2 transaction, in wei. */
struct fee_quote {
	u256	max_fee;	/* maxFeePerGas */
	u256	tip;		/* maxPriorityFeePerGas */
};

/* One gwei in wei. */
#define FEES_GWEI	1000000000ull

/* cap = max_fee_gwei in wei. */
void	fees_cap(uint64_t max_fee_gwei, u256 *cap);

/*
 * The market quote: tip = the median of tips[0..ntips) (each block's 50th
 * percentile reward; the lower middle of an even count), at least 1 wei;
 * max_fee = 2 * next_base_fee + tip.  Both are capped by cap, and the tip
 * never exceeds max_fee.  ntips may be 0 (tip 1 wei).
 */
void	fees_market(const u256 *tips, size_t ntips, const u256 *next_base_fee,
	    const u256 *cap, struct fee_quote *out);

/*
 * The fees of a replacement of old: each cap raised by at least percent
 * (rounded up, so 1 wei becomes 2) and to at least the market's, then
 * capped by cap.  Returns true with *out set when both caps rose by at
 * least percent (what nodes require to accept a replacement), false when
 * cap leaves no room (the transaction stays stuck: alert).
 */
bool	fees_bump(const struct fee_quote *old, const struct fee_quote *market,
	    unsigned percent, const u256 *cap, struct fee_quote *out);

#endif
