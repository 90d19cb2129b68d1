/*
 * rule.h - when a token's pending changes are settled: the batch strategy's
 * trigger rule (docs/settlement.md, "When a batch is cut").  The chain
 * daemon's batcher decides with settle_rule(); the API's estimates come
 * from settle_estimate(), which applies the same rule, so the two can
 * never disagree.
 */
#ifndef CB_LEDGER_RULE_H
#define CB_LEDGER_RULE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "money/amount.h"
#include "store/db.h"
#include "store/registry.h"

/* What is pending for one token: its oldest unsettled ('recorded')
 * changes, at most max_batch_size + 1 of them. */
struct settle_outlook {
	uint64_t	 count;		/* changes looked at */
	struct amount	 value;		/* sum of |amount| over them, base units */
	bool		 value_huge;	/* the sum passed 10^65 - 1 */
	bool		 has_oldest;
	int64_t		 oldest;	/* unix s of the oldest one */
	bool		 priority;	/* a priority reason or request is pending */
	int64_t		 now;		/* the store's clock, unix s */
};

/* Why a batch was cut; stored as settlement_batches.trigger_reason. */
enum settle_trigger {
	SETTLE_WAIT = 0,	/* no trigger holds: keep waiting */
	SETTLE_BY_SIZE,		/* max_batch_size changes pending */
	SETTLE_BY_PRIORITY,	/* a priority reason, a high-priority request,
				   or a reason without auto_batch */
	SETTLE_BY_VALUE,	/* sum of |amount| above value_threshold */
	SETTLE_BY_MAX_WAIT,	/* the oldest change waited max_wait */
	SETTLE_TRIGGER__MAX
};

/* "wait", "max_batch_size", "priority", "value_threshold", "max_wait". */
const char	*settle_trigger_name(enum settle_trigger t);

/*
 * The rule.  Nothing pending: wait.  The oldest change waited max_wait:
 * cut, whatever the count.  Fewer than min_batch_size: wait.  Otherwise
 * cut when max_batch_size are pending, or a priority change is, or the
 * value passes value_threshold.  When several hold, the first in that
 * order names the trigger.
 */
enum settle_trigger settle_rule(const struct strategy *st,
		    const struct settle_outlook *o);

/*
 * When the pending changes will be taken, in unix seconds: when the rule
 * already cuts, the daemon's next pass (o->now + poll_seconds); else the
 * oldest change's time + max_wait (now + max_wait when nothing is pending).
 */
int64_t		 settle_estimate(const struct strategy *st,
		    const struct settle_outlook *o, unsigned poll_seconds);

/*
 * Adds one change of amount (signed) to the outlook, as the API does for
 * the changes of the request it is about to commit; priority marks it as a
 * priority change.
 */
void		 settle_outlook_add(struct settle_outlook *o, const struct amount *amount,
		    bool priority);

/*
 * Reads the outlook of token tok under strategy st from the store (one
 * bounded query).  Returns CB_OK or a store error.
 */
enum cb_err	 settle_outlook_read(struct db *db, const struct token *tok,
		    const struct strategy *st, struct settle_outlook *out);

#endif
