/*
 * settle.h - what the settlement roles share (batcher.c, submitter.c,
 * confirmer.c; docs/settlement.md): their state while the lease is held,
 * the calls they make to the node (one place, so the JSON-RPC layer's
 * signatures touch only settle.c), the settlement call data, and the
 * store writes more than one role makes.
 *
 * Nothing here outlives a lease: settle_cleanup() drops it all when the
 * worker falls back to standby, and every decision is taken again from
 * the store and the chain.
 */
#ifndef CB_CHAIND_SETTLE_H
#define CB_CHAIND_SETTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chaind.h"
#include "eth/address.h"
#include "eth/rpc.h"
#include "fees.h"
#include "ledger/status.h"
#include "money/u256.h"
#include "plan.h"
#include "refusal.h"
#include "store/registry.h"

/* Tokens of one chain whose contract check is remembered. */
#define SETTLE_TOKENS_MAX	256
/* Batches whose retry is put off (a hold, a node error). */
#define SETTLE_DEFER_MAX	32
/* A token address without code is looked at again after this long. */
#define SETTLE_CODE_RECHECK_MS	60000u
/* Items one batch may hold (the API's max_batch_size bound). */
#define SETTLE_ITEMS_MAX	100000u
/* Bytes of settlement call data (100000 items need about 6.4 MB). */
#define SETTLE_CALLDATA_MAX	((size_t)8 * 1024 * 1024)
/* Text stored in last_error / settle_error / send_error (VARCHAR(255)),
 * and the room to compose it in (cut when stored). */
#define SETTLE_ERROR_MAX	255
#define SETTLE_NOTE_MAX		512

/* Why changes left a batch without settling. */
#define SETTLE_ERR_ONCHAIN_SHORT	"onchain_balance_insufficient"

enum settle_op {
	SETTLE_MINT = 0,
	SETTLE_BURN,
};

/* A token as the settlement roles need it. */
struct settle_token {
	uint32_t	 id;
	char		 symbol[TOKEN_SYMBOL_MAX + 1];
	struct address	 address;
	enum token_settlement settlement;
	bool		 has_code;	/* the address holds a contract */
	bool		 code_known;
	uint64_t	 code_checked_ms;
};

struct settle_defer {
	uint64_t	 batch_id;
	uint64_t	 until_ms;
};

struct settle_state {
	/* Nonces: reconciled with the node since the lease was taken (and
	 * again after a send error); never claim while a gap is unexplained. */
	bool		 nonce_reconciled;
	bool		 nonce_gap;
	uint64_t	 next_reconcile_ms;
	u256		 fee_cap;		/* max_fee_gwei in wei */
	u256		 min_balance;		/* signer_min_balance_gwei in wei */
	struct settle_token tokens[SETTLE_TOKENS_MAX];
	size_t		 ntokens;
	struct settle_defer defer[SETTLE_DEFER_MAX];
	/* Alerts are logged when they start and then at most this often. */
	uint64_t	 balance_alert_ms;
	uint64_t	 stuck_alert_ms;
	uint64_t	 stuck_alert_nonce;
	uint64_t	 fee_cap_alert_ms;
};

/* A loaded batch with its items, for signing and simulating. */
struct settle_batch {
	uint64_t	 id;
	uint64_t	 round_id;
	enum settle_op	 op;
	uint8_t		 key[32];
	struct settle_token *token;	/* borrowed from the state */
	struct plan_item *items;	/* heap */
	size_t		 nitems;
	char		 trigger[51];
};

/* ----------------------------------------------------------- settle.c */

/* The state, made on first use; NULL when memory runs out. */
struct settle_state *settle_state(struct chaind *cd);

/* The token of id in the state's cache, loaded with its address; NULL
 * (with *rc set) when the store fails or the token is unknown. */
struct settle_token *settle_token(struct chaind *cd, uint32_t id, enum cb_err *rc);

/* Puts batch_id off for ms; settle_deferred() tells whether it is. */
void		 settle_defer(struct chaind *cd, uint64_t batch_id, uint64_t ms);
bool		 settle_deferred(struct chaind *cd, uint64_t batch_id);

/*
 * The call data of op for the items (keyed tokens lead with the batch
 * key).  idx selects items (NULL: all n).  *out is the caller's, to free.
 */
enum cb_err	 settle_calldata(const struct settle_batch *b, const size_t *idx, size_t n,
		    uint8_t **out, size_t *len);

/* Loads the items of batch b->id (wallet order) into b->items. */
enum cb_err	 settle_items_load(struct db *db, struct settle_batch *b);
void		 settle_batch_clear(struct settle_batch *b);

/* "mint" / "burn" and back. */
const char	*settle_op_name(enum settle_op op);
bool		 settle_op_parse(const char *s, size_t len, enum settle_op *out);

/* A DECIMAL(65,0) text of v (cap >= U256_DEC_MAX). */
const char	*settle_dec(const u256 *v, char *out, size_t cap);

/* "0x" + hex of n bytes into out (cap >= 2n + 3). */
const char	*settle_hex(const uint8_t *p, size_t n, char *out, size_t cap);

/*
 * Counts and logs a failed node call (counter rpc_errors{class}).  Returns
 * rc, so callers can write return settle_rpc_failed(...).
 */
enum cb_err	 settle_rpc_failed(struct chaind *cd, const char *method, enum cb_err rc,
		    const struct rpc_error *err);

/*
 * Changes of batch_id in status from go back to recorded (one more settle
 * attempt counted, batch_id cleared) or, at max_settle_attempts, to failed
 * (keeping batch_id, for `chainbridge-admin settlement requeue --batch`),
 * with error as settle_error.  Inside the caller's fenced transaction.
 */
enum cb_err	 settle_changes_return(struct chaind *cd, uint64_t batch_id,
		    enum change_status from, const char *error);

/* The node calls of the settlement roles. */
enum cb_err	 settle_rpc_call(struct chaind *cd, const struct address *to, const uint8_t *data,
		    size_t len, struct rpc_block_ref ref, uint8_t **out, size_t *out_len,
		    struct rpc_error *err);
enum cb_err	 settle_rpc_estimate(struct chaind *cd, const struct address *to,
		    const uint8_t *data, size_t len, uint64_t *gas, struct rpc_error *err);
enum cb_err	 settle_rpc_send(struct chaind *cd, const uint8_t *raw, size_t len,
		    struct rpc_error *err);
enum cb_err	 settle_rpc_nonce(struct chaind *cd, struct rpc_block_ref ref, uint64_t *nonce,
		    struct rpc_error *err);
enum cb_err	 settle_rpc_signer_balance(struct chaind *cd, u256 *wei, struct rpc_error *err);
enum cb_err	 settle_rpc_head(struct chaind *cd, uint64_t *head, struct rpc_error *err);
/* The number of the node's safe or finalized block. */
enum cb_err	 settle_rpc_tag_number(struct chaind *cd, enum rpc_block_tag tag,
		    uint64_t *number, struct rpc_error *err);
/* The canonical block hash at number. */
enum cb_err	 settle_rpc_block_hash(struct chaind *cd, uint64_t number, uint8_t hash[32],
		    struct rpc_error *err);
/* True in *has_code when address holds code at latest. */
enum cb_err	 settle_rpc_has_code(struct chaind *cd, const struct address *a, bool *has_code,
		    struct rpc_error *err);
/* balanceOf(holder) of token at ref. */
enum cb_err	 settle_rpc_balance_of(struct chaind *cd, const struct address *token,
		    const struct address *holder, struct rpc_block_ref ref, u256 *out,
		    struct rpc_error *err);
/*
 * balanceOf(holders[i]) of token at latest for every i, in JSON-RPC
 * batches: ok[i] says whether out[i] was read (a call the node refused or
 * answered with something else than one word stays !ok).  Returns CB_OK,
 * or the error of a batch the node did not answer at all (*err, and the
 * holders of that batch and after it stay !ok).
 */
enum cb_err	 settle_rpc_balances_of(struct chaind *cd, const struct address *token,
		    const struct address *holders, size_t n, u256 *out, bool *ok,
		    struct rpc_error *err);
/* processedBatches(key) of a keyed token at latest. */
enum cb_err	 settle_rpc_key_processed(struct chaind *cd, const struct address *token,
		    const uint8_t key[32], bool *processed, struct rpc_error *err);
/* The market fee quote (eth_feeHistory over 10 blocks, 50th percentile). */
enum cb_err	 settle_rpc_market_fees(struct chaind *cd, struct fee_quote *out,
		    struct rpc_error *err);
/*
 * Receipts of hashes[0..n) in one batch request: statuses[i] is CB_OK
 * (receipts[i] filled, clear it with rpc_receipt_clear), CB_ERR_NOT_FOUND,
 * or another error.  The return code is the batch's own.
 */
enum cb_err	 settle_rpc_receipts(struct chaind *cd, const uint8_t (*hashes)[32], size_t n,
		    struct rpc_receipt *receipts, enum cb_err *statuses, struct rpc_error *err);
/* Whether the node knows each of hashes[0..n) (eth_getTransactionByHash). */
enum cb_err	 settle_rpc_known(struct chaind *cd, const uint8_t (*hashes)[32], size_t n,
		    bool *known, struct rpc_error *err);

/*
 * Simulates the call from the signer at ref.  Returns CB_OK when it
 * succeeds, CB_ERR_RPC with *rev decoded when it reverts, or the error of
 * a call that could not tell (err filled).
 */
enum cb_err	 settle_simulate(struct chaind *cd, const struct address *to, const uint8_t *data,
		    size_t len, struct rpc_block_ref ref, struct refusal *rev,
		    struct rpc_error *err);

/*
 * Compares balanceOf of each wallet (at latest) with the confirmed balance
 * of the user it is bound to, and reports a difference as a "ledger"
 * consistency issue (or resolves the open one when they agree again):
 * tokens moved on chain outside the ledger.  Never corrects anything.
 * Called for the wallets a confirmed batch touched and for wallets the
 * pre-flight found short.
 */
enum cb_err	 settle_drift(struct chaind *cd, const struct settle_token *token,
		    const struct address *wallets, size_t n);

/* Heartbeat fields: the signer's ETH balance against its alert level. */
enum cb_err	 settle_check_signer_balance(struct chaind *cd);

#endif
