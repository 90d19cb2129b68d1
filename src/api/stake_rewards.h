/*
 * stake_rewards.h - the StakingPool reward rule (contracts/StakingPool.sol,
 * contracts/README.md) replayed exactly from one user's events.
 *
 * A user's rewards accrue per segment between two of the user's actions
 * (stake, unstake, claim).  For a segment of elapsed seconds with staked
 * base units in the pool:
 *
 *	reward = floor(staked * rate * elapsed / (3600 * 10^decimals))
 *
 * each segment rounded down on its own, exactly as the contract's
 * Math.mulDiv does (512-bit intermediate product).  Feed the events in
 * chain order (block, log index) to stake_rewards_apply(), then ask
 * stake_rewards_earned() for the value the contract's earned(user) gives
 * at a block with timestamp `at`.  Pure code, no allocation.
 */
#ifndef CB_API_STAKE_REWARDS_H
#define CB_API_STAKE_REWARDS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "money/u256.h"

/* Largest token decimals the rule is computed for (3600 * 10^d < 2^256). */
#define STAKE_REWARDS_DECIMALS_MAX	73

enum stake_event_kind {
	STAKE_EV_STAKED = 1,	/* Staked(user, amount, timestamp) */
	STAKE_EV_UNSTAKED = 2,	/* Unstaked(user, amount, timestamp) */
	STAKE_EV_CLAIMED = 3,	/* RewardsClaimed(user, amount) at the block's time */
};

struct stake_event {
	enum stake_event_kind	 kind;
	u256			 amount;
	uint64_t		 timestamp;
};

struct stake_rewards {
	u256		 rate;		/* reward base units per whole token per hour */
	u256		 denominator;	/* 3600 * 10^decimals */
	u256		 staked;	/* the user's stake now */
	u256		 accrued;	/* accrued up to last, not yet claimed */
	u256		 claimed;	/* sum of the claims seen */
	uint64_t	 last;		/* the user's last accrual time */
	/* false once an event contradicts the replay: an unstake larger than
	 * the stake, or a claim of another amount than the accrued one (an
	 * event is missing from the store). */
	bool		 consistent;
};

/*
 * Starts a replay for a pool with rate and decimals.  Returns CB_OK, or
 * CB_ERR_RANGE when decimals > STAKE_REWARDS_DECIMALS_MAX.
 */
enum cb_err	stake_rewards_init(struct stake_rewards *r, const u256 *rate,
		    unsigned decimals);

/*
 * Applies one event: the running segment is accrued up to its timestamp,
 * then the stake changes (or the accrued rewards are paid out).  Returns
 * CB_OK, CB_ERR_INVALID for an unknown kind, or CB_ERR_RANGE when an
 * intermediate value passes 2^256 - 1 (the contract would have reverted);
 * r is unusable after an error.
 */
enum cb_err	stake_rewards_apply(struct stake_rewards *r, const struct stake_event *ev);

/*
 * The contract's earned(user) at a block with timestamp at: the accrued
 * rewards plus the running segment up to at.  Returns CB_OK with *out, or
 * CB_ERR_RANGE when the contract's own arithmetic would overflow (then
 * earned() reverts too).
 */
enum cb_err	stake_rewards_earned(const struct stake_rewards *r, uint64_t at, u256 *out);

/*
 * *q = floor(a * b / d) with a 512-bit intermediate product (Solidity's
 * Math.mulDiv).  Returns 0, or -1 when d is zero or the quotient does not
 * fit in 256 bits (*q untouched then).
 */
int		stake_rewards_muldiv(u256 *q, const u256 *a, const u256 *b, const u256 *d);

#endif
