/* nonce.c - nonce reconciliation and send outcomes (nonce.h). */
#include "config.h"

#include "core/array.h"
#include "nonce.h"

static const char *const action_names[NONCE_ACTION__MAX] = {
	[NONCE_KEEP] = "keep",
	[NONCE_INIT] = "init",
	[NONCE_FOLLOW_CHAIN] = "follow_chain",
	[NONCE_LOWER] = "lower",
	[NONCE_NODE_BEHIND] = "node_behind",
	[NONCE_GAP] = "gap",
};

static const char *const send_names[SEND_ACTION__MAX] = {
	[SEND_MARK_SENT] = "mark_sent",
	[SEND_MARK_SENT_CHECK] = "mark_sent_check",
	[SEND_KEEP_RETRY] = "retry",
	[SEND_KEEP_FUNDS] = "insufficient_funds",
	[SEND_KEEP_UNDERPRICED] = "underpriced",
	[SEND_KEEP_ERROR] = "node_error",
};

const char *
nonce_action_name(enum nonce_action a)
{
	return (unsigned)a < ARRAY_LEN(action_names) ? action_names[a] : "?";
}

const char *
nonce_send_action_name(enum send_action a)
{
	return (unsigned)a < ARRAY_LEN(send_names) ? send_names[a] : "?";
}

/* True when an unfinished transaction holds nonce n. */
static bool
nonce_is_held(const struct nonce_held *held, size_t nheld, uint64_t n)
{
	size_t i;

	for (i = 0; i < nheld; i++)
		if (held[i].nonce == n && !held[i].finished)
			return true;
	return false;
}

void
nonce_reconcile(bool have_store, uint64_t store_next, uint64_t chain_pending,
    const struct nonce_held *held, size_t nheld, struct nonce_decision *out)
{
	uint64_t top = 0, n;
	bool any = false;
	size_t i;

	out->action = NONCE_KEEP;
	out->next = store_next;
	out->gap = 0;
	/* A transaction we know has a receipt at or above the node's count:
	 * the node is behind (another node of a pool, a restart).  Moving
	 * next_nonce on its word could reuse a nonce. */
	for (i = 0; i < nheld; i++) {
		if (held[i].finished && held[i].nonce >= chain_pending) {
			out->action = NONCE_NODE_BEHIND;
			return;
		}
	}
	if (!have_store) {
		out->action = NONCE_INIT;
		out->next = chain_pending;
		/* Stored transactions without a row cannot be; start above them. */
		for (i = 0; i < nheld; i++)
			if (held[i].nonce >= out->next)
				out->next = held[i].nonce + 1;
		return;
	}
	if (chain_pending >= store_next) {
		if (chain_pending > store_next) {
			out->action = NONCE_FOLLOW_CHAIN;
			out->next = chain_pending;
		}
		return;
	}
	/* The store is ahead: what explains [chain_pending, store_next)? */
	for (i = 0; i < nheld; i++) {
		n = held[i].nonce;
		if (held[i].finished || n < chain_pending || n >= store_next)
			continue;
		if (!any || n > top)
			top = n;
		any = true;
	}
	if (!any) {
		out->action = NONCE_LOWER;
		out->next = chain_pending;
		return;
	}
	for (n = chain_pending; n < top; n++) {
		if (!nonce_is_held(held, nheld, n)) {
			out->action = NONCE_GAP;
			out->gap = n;
			return;
		}
	}
	if (top + 1 < store_next) {
		out->action = NONCE_LOWER;
		out->next = top + 1;
	}
}

enum send_action
nonce_send_action(enum cb_err rc, const struct rpc_error *err)
{
	if (rc == CB_OK)
		return SEND_MARK_SENT;
	if (rc != CB_ERR_RPC || err == NULL)
		return SEND_KEEP_RETRY;
	switch (err->errclass) {
	case RPC_ERRCLASS_ALREADY_KNOWN:
		return SEND_MARK_SENT;
	case RPC_ERRCLASS_NONCE_TOO_LOW:
		return SEND_MARK_SENT_CHECK;
	case RPC_ERRCLASS_INSUFFICIENT_FUNDS:
		return SEND_KEEP_FUNDS;
	case RPC_ERRCLASS_UNDERPRICED:
		return SEND_KEEP_UNDERPRICED;
	default:
		return SEND_KEEP_ERROR;
	}
}
