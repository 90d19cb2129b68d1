/*
 * rpc_eth.h - typed eth_* calls: each builds its params from C values,
 * runs the call (rpc_transport.h) and parses the result strictly
 * (rpc_parse.h).
 *
 * Return codes common to every call below:
 *	CB_OK			success, out-params filled (and then owned by
 *				the caller, released with their _clear function)
 *	CB_ERR_RPC		the node answered a JSON-RPC error object; the
 *				struct rpc_error is filled (code, message, data,
 *				errclass)
 *	CB_ERR_RPC_TRANSPORT	no usable answer after the retries (or a
 *				non-retryable HTTP status); err->message says why
 *	CB_ERR_TOO_LARGE	the response or a field in it passed a cap
 *	CB_ERR_INVALID		malformed JSON, wrong id, a field that fails
 *				strict parsing, or an answer about another
 *				block or transaction than asked (err->message
 *				names the field); also a bad argument
 *	CB_ERR_NOT_FOUND	the node answered null (no such block/tx/receipt)
 *	CB_ERR_NOMEM		allocation failed
 * Wherever a struct rpc_error * is taken, NULL is allowed.  Out-structs
 * are zeroed on failure.
 */
#ifndef CB_RPC_ETH_H
#define CB_RPC_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "eth/address.h"
#include "eth/hash32.h"
#include "eth/rpc_error.h"
#include "eth/rpc_parse.h"
#include "eth/rpc_transport.h"
#include "money/u256.h"

/* Limits on an eth_getLogs filter and on eth_feeHistory. */
#define RPC_FILTER_MAX_ADDRESSES	((size_t)1000)
#define RPC_FILTER_MAX_TOPIC0		((size_t)256)
#define RPC_FEE_HISTORY_MAX_BLOCKS	((uint64_t)1024)
#define RPC_FEE_HISTORY_MAX_PERCENTILES	((size_t)100)

/* A block parameter: a number or one of the named tags. */
enum rpc_block_tag {
	RPC_BLOCK_NUMBER = 0,
	RPC_BLOCK_LATEST,
	RPC_BLOCK_SAFE,
	RPC_BLOCK_FINALIZED,
	RPC_BLOCK_PENDING,
	RPC_BLOCK_EARLIEST,
	RPC_BLOCK__MAX
};

struct rpc_block_ref {
	enum rpc_block_tag tag;
	uint64_t	   number;	/* used when tag is RPC_BLOCK_NUMBER */
};

/*
 * eth_getLogs filter.  With block_hash set (EIP-234) from/to are ignored.
 * An empty address list matches every contract; an empty topic0 list
 * matches every event.
 */
struct rpc_log_filter {
	uint64_t	 from_block;
	uint64_t	 to_block;
	const struct hash32 *block_hash;	/* NULL: the range from..to */
	const struct address *addresses;	/* address_count entries */
	size_t		 address_count;
	const struct hash32 *topic0;		/* topic0_count entries */
	size_t		 topic0_count;
};

/* Message for eth_call / eth_estimateGas; NULL pointers are left out. */
struct rpc_call_msg {
	const struct address *from;	/* NULL: no sender */
	const struct address *to;	/* NULL: contract creation */
	const uint8_t	*data;
	size_t		 data_len;
	const u256	*value;		/* NULL: no value */
};

/* eth_chainId: the chain's EIP-155 id. */
enum cb_err	rpc_eth_chain_id(struct rpc_client *c, uint64_t *chain_id,
		    struct rpc_error *err);

/* eth_blockNumber: the number of the node's latest block. */
enum cb_err	rpc_eth_block_number(struct rpc_client *c, uint64_t *number,
		    struct rpc_error *err);

/*
 * eth_getBlockByNumber: the header and transaction hashes of the block at
 * ref, a number or a tag ("safe" and "finalized" need a post-merge node;
 * anvil serves them).  A block with another number than asked is
 * CB_ERR_INVALID; a block the node does not have (a number past the head,
 * a tag it cannot resolve) is CB_ERR_NOT_FOUND.  A bad tag is
 * CB_ERR_INVALID before anything is sent.
 */
enum cb_err	rpc_eth_get_block_by_number(struct rpc_client *c,
		    struct rpc_block_ref ref, struct rpc_block *out,
		    struct rpc_error *err);

/* eth_getBlockByHash: as above; a block with another hash is CB_ERR_INVALID. */
enum cb_err	rpc_eth_get_block_by_hash(struct rpc_client *c,
		    const struct hash32 *hash, struct rpc_block *out,
		    struct rpc_error *err);

/*
 * The batch calls below send n requests as one JSON-RPC batch (1..max_batch
 * of the client, else CB_ERR_TOO_LARGE before sending).  They return as
 * rpc_batch_send(): CB_OK when the node answered an array, and then
 * statuses[i] is entry i's own outcome: CB_OK (out[i] filled, the
 * caller's to clear), CB_ERR_NOT_FOUND (the node answered null),
 * CB_ERR_RPC, CB_ERR_INVALID (no, malformed or mismatched answer),
 * CB_ERR_TOO_LARGE or CB_ERR_NOMEM; err then holds the first entry's
 * JSON-RPC error if any.  Entries that are not CB_OK are zeroed.  The
 * whole answer must fit max_response_bytes: split long lists.
 */

/* Blocks numbers[0..n) (header and transaction hashes). */
enum cb_err	rpc_eth_get_blocks_by_number(struct rpc_client *c,
		    const uint64_t *numbers, size_t n, struct rpc_block *out,
		    enum cb_err *statuses, struct rpc_error *err);

/*
 * Receipts of the transactions hashes[0..n).  CB_ERR_NOT_FOUND for an
 * entry means the transaction is not mined (still pending, dropped or
 * replaced: rpc_eth_get_transactions_by_hash tells which).
 */
enum cb_err	rpc_eth_get_transaction_receipts(struct rpc_client *c,
		    const struct hash32 *hashes, size_t n,
		    struct rpc_receipt *out, enum cb_err *statuses,
		    struct rpc_error *err);

/*
 * Transactions hashes[0..n).  An entry that is CB_OK with !out[i].mined is
 * pending in the node's pool; CB_ERR_NOT_FOUND means the node does not
 * know the hash at all (never received, dropped from the pool, or
 * replaced by another transaction with the same nonce).
 */
enum cb_err	rpc_eth_get_transactions_by_hash(struct rpc_client *c,
		    const struct hash32 *hashes, size_t n, struct rpc_tx *out,
		    enum cb_err *statuses, struct rpc_error *err);

/*
 * eth_getLogs with the filter.  More than max_logs logs, or a log's data
 * over max_data_bytes, is CB_ERR_TOO_LARGE (split the range); a node's
 * own limit is CB_ERR_RPC of class RPC_ERRCLASS_RANGE_LIMIT.  A reversed
 * range or a filter over RPC_FILTER_MAX_* is refused before sending
 * (CB_ERR_INVALID, CB_ERR_TOO_LARGE).
 */
enum cb_err	rpc_eth_get_logs(struct rpc_client *c,
		    const struct rpc_log_filter *filter, struct rpc_log_list *out,
		    struct rpc_error *err);

/*
 * eth_getTransactionByHash.  CB_ERR_NOT_FOUND when the node does not know
 * the hash; CB_OK with !out->mined while it is pending.
 */
enum cb_err	rpc_eth_get_transaction_by_hash(struct rpc_client *c,
		    const struct hash32 *hash, struct rpc_tx *out,
		    struct rpc_error *err);

/* eth_getTransactionReceipt.  CB_ERR_NOT_FOUND while not mined. */
enum cb_err	rpc_eth_get_transaction_receipt(struct rpc_client *c,
		    const struct hash32 *hash, struct rpc_receipt *out,
		    struct rpc_error *err);

/*
 * eth_getTransactionCount: the account's nonce at ref, a block number or a
 * tag ("latest": transactions mined; "pending": also those in the node's
 * pool; "safe"/"finalized": what can no longer be reorganised away).  A
 * number past the head is the node's error (CB_ERR_RPC).
 */
enum cb_err	rpc_eth_get_transaction_count(struct rpc_client *c,
		    const struct address *account, struct rpc_block_ref ref,
		    uint64_t *nonce, struct rpc_error *err);

/* eth_getBalance: the account's balance in wei at ref. */
enum cb_err	rpc_eth_get_balance(struct rpc_client *c,
		    const struct address *account, struct rpc_block_ref ref,
		    u256 *balance, struct rpc_error *err);

/*
 * eth_estimateGas of msg.  A call that reverts is CB_ERR_RPC of class
 * RPC_ERRCLASS_REVERTED; rpc_error_revert_data() gives its revert data.
 */
enum cb_err	rpc_eth_estimate_gas(struct rpc_client *c,
		    const struct rpc_call_msg *msg, uint64_t *gas,
		    struct rpc_error *err);

/*
 * eth_call of msg at ref: the return data in *out, malloc'd (NULL when
 * empty), the caller frees it; over max_data_bytes is CB_ERR_TOO_LARGE.
 * A revert is as for rpc_eth_estimate_gas.
 */
enum cb_err	rpc_eth_call(struct rpc_client *c, const struct rpc_call_msg *msg,
		    struct rpc_block_ref ref, uint8_t **out, size_t *out_len,
		    struct rpc_error *err);

/*
 * eth_feeHistory of block_count blocks (1..RPC_FEE_HISTORY_MAX_BLOCKS,
 * else CB_ERR_RANGE) up to newest, with rewards at the percentiles (whole
 * percents 0..100, ascending; NULL with n_percentiles 0 for none).
 */
enum cb_err	rpc_eth_fee_history(struct rpc_client *c, uint64_t block_count,
		    struct rpc_block_ref newest, const uint8_t *percentiles,
		    size_t n_percentiles, struct rpc_fee_history *out,
		    struct rpc_error *err);

/* eth_maxPriorityFeePerGas: the node's suggested tip, in wei. */
enum cb_err	rpc_eth_max_priority_fee_per_gas(struct rpc_client *c,
		    u256 *fee, struct rpc_error *err);

/* eth_gasPrice: the node's suggested legacy gas price, in wei. */
enum cb_err	rpc_eth_gas_price(struct rpc_client *c, u256 *price,
		    struct rpc_error *err);

/*
 * eth_sendRawTransaction of the signed bytes raw[0..len) (len 0 is
 * CB_ERR_INVALID); on CB_OK *hash is the hash the node reports.  The
 * node's refusals come as CB_ERR_RPC with a class (NONCE_TOO_LOW,
 * ALREADY_KNOWN, UNDERPRICED, INSUFFICIENT_FUNDS, ...).
 */
enum cb_err	rpc_eth_send_raw_transaction(struct rpc_client *c,
		    const uint8_t *raw, size_t len, struct hash32 *hash,
		    struct rpc_error *err);

#endif
