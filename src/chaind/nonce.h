/*
 * nonce.h - the signer's nonces (docs/settlement.md, "Nonces"): what the
 * store's next_nonce becomes when it is reconciled with the node's
 * pending transaction count, and what the submitter does after each kind
 * of answer to eth_sendRawTransaction.  Pure decisions; the submitter
 * carries them out.
 */
#ifndef CB_CHAIND_NONCE_H
#define CB_CHAIND_NONCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/rpc.h"

/* A nonce the store holds a settlement transaction for. */
struct nonce_held {
	uint64_t	 nonce;
	bool		 finished;	/* its batch has a receipt (mined, confirmed,
					   or failed on chain) */
};

enum nonce_action {
	NONCE_KEEP = 0,		/* next_nonce is right */
	NONCE_INIT,		/* no row yet: start at the chain's count */
	NONCE_FOLLOW_CHAIN,	/* the key was used elsewhere: next = chain */
	NONCE_LOWER,		/* nothing stored explains the top: next comes down */
	NONCE_NODE_BEHIND,	/* the node has not seen what we know is mined:
				   change nothing, ask again later */
	NONCE_GAP,		/* a nonce below a stored one is explained by
				   nothing: never sign past it (alert) */
	NONCE_ACTION__MAX
};

struct nonce_decision {
	enum nonce_action action;
	uint64_t	 next;		/* the next_nonce to store (INIT, FOLLOW, LOWER) */
	uint64_t	 gap;		/* the first unexplained nonce (GAP) */
};

/*
 * Decides next_nonce from the stored one (have_store false when there is
 * no row), the node's pending count and the nonces the store holds
 * transactions for (any order, any range).  Every nonce in
 * [chain_pending, store_next) must be held by an unfinished transaction
 * (it is re-broadcast); the store is never ahead of the chain without one
 * and never leaves a gap.
 */
void		 nonce_reconcile(bool have_store, uint64_t store_next, uint64_t chain_pending,
		    const struct nonce_held *held, size_t nheld, struct nonce_decision *out);

/* "keep", "init", "follow_chain", "lower", "node_behind", "gap". */
const char	*nonce_action_name(enum nonce_action a);

/* What follows an eth_sendRawTransaction answer. */
enum send_action {
	SEND_MARK_SENT = 0,	/* accepted, or already known: mark sent */
	SEND_MARK_SENT_CHECK,	/* nonce too low: mark sent; the confirmer decides
				   from receipts, and the nonces are reconciled */
	SEND_KEEP_RETRY,	/* transport error or timeout: nothing concluded,
				   the same bytes go out again; reconcile */
	SEND_KEEP_FUNDS,	/* insufficient funds: keep, retry, alert */
	SEND_KEEP_UNDERPRICED,	/* too cheap for the node: keep; a replacement
				   with bumped fees follows after replace_after */
	SEND_KEEP_ERROR,	/* any other node error: store it, retry with backoff */
	SEND_ACTION__MAX
};

/*
 * The action for the result of a send: rc is the call's return code, err
 * its error (NULL or ignored when rc is CB_OK).
 */
enum send_action nonce_send_action(enum cb_err rc, const struct rpc_error *err);

/* "mark_sent", "mark_sent_check", "retry", "insufficient_funds", ... */
const char	*nonce_send_action_name(enum send_action a);

#endif
