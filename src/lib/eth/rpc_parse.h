/*
 * rpc_parse.h - strict parsers of what an Ethereum node answers: QUANTITY
 * and DATA values, and block, log, transaction, receipt and fee-history
 * result objects.
 *
 * A node's answer is untrusted input: every value is checked for its exact
 * syntax, every list and byte string against a cap (the caps argument,
 * usually the client's options from rpc_client_opts(); NULL means the
 * RPC_DEFAULT_* values).  The parsers need no client and no network, so a
 * fuzzer can call them directly.
 *
 * The object parsers share one contract: CB_OK with *out filled (release
 * its heap members with its _clear function), or CB_ERR_INVALID,
 * CB_ERR_TOO_LARGE or CB_ERR_NOMEM with *out zeroed.  When bad_field is
 * not NULL, a failure stores in it the name of the member that failed (a
 * static string such as "logsBloom"; "result" when obj itself is wrong).
 */
#ifndef CB_RPC_PARSE_H
#define CB_RPC_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/err.h"
#include "eth/address.h"
#include "eth/hash32.h"
#include "money/u256.h"

struct rpc_opts;

/* Transaction hashes accepted in one block. */
#define RPC_MAX_BLOCK_TXS		((size_t)100000)
/* Topics of one log (LOG0..LOG4). */
#define RPC_LOG_MAX_TOPICS		4

struct rpc_block {
	uint64_t  number;
	struct hash32 hash;		/* all zero for a pending block */
	struct hash32 parent_hash;
	uint64_t  timestamp;
	uint8_t	  logs_bloom[256];
	bool	  has_base_fee;		/* false before London */
	u256	  base_fee_per_gas;
	uint64_t  gas_used;
	uint64_t  gas_limit;
	bool	  pending;		/* hash (and maybe number) were null */
	size_t	  tx_count;
	struct hash32 *tx_hashes;	/* heap, tx_count entries; NULL if none */
};

struct rpc_log {
	struct address address;
	size_t	  topic_count;		/* 0..4 */
	struct hash32 topics[RPC_LOG_MAX_TOPICS];
	uint8_t	 *data;			/* heap, data_len bytes; NULL if empty */
	size_t	  data_len;
	uint64_t  block_number;
	struct hash32 block_hash;
	struct hash32 tx_hash;
	uint64_t  tx_index;
	uint64_t  log_index;
	bool	  removed;
};

struct rpc_log_list {
	struct rpc_log *logs;		/* heap, count entries; NULL if none */
	size_t		count;
};

struct rpc_tx {
	struct hash32 hash;
	struct address from;
	bool	  has_to;		/* false for contract creation */
	struct address to;
	uint64_t  nonce;
	uint64_t  type;			/* 0 when the node omits it */
	u256	  value;
	uint64_t  gas;
	bool	  has_gas_price;
	u256	  gas_price;
	bool	  has_max_fee;		/* EIP-1559 fields */
	u256	  max_fee_per_gas;
	u256	  max_priority_fee_per_gas;
	bool	  has_chain_id;
	uint64_t  chain_id;
	uint8_t	 *input;		/* heap, input_len bytes; NULL if empty */
	size_t	  input_len;
	bool	  mined;		/* false while pending: block fields zero */
	uint64_t  block_number;
	struct hash32 block_hash;
	uint64_t  tx_index;
};

struct rpc_receipt {
	struct hash32 tx_hash;
	uint64_t  tx_index;
	struct hash32 block_hash;
	uint64_t  block_number;
	struct address from;
	bool	  has_to;
	struct address to;
	bool	  has_status;		/* false before Byzantium */
	uint64_t  status;		/* 1 success, 0 reverted */
	uint64_t  gas_used;
	uint64_t  cumulative_gas_used;
	bool	  has_effective_gas_price;
	u256	  effective_gas_price;
	bool	  has_contract_address;
	struct address contract_address;
	struct rpc_log *logs;		/* heap, log_count entries; NULL if none */
	size_t	  log_count;
};

struct rpc_fee_history {
	uint64_t  oldest_block;
	size_t	  block_count;		/* blocks the node reported */
	size_t	  base_fee_count;	/* block_count or block_count + 1 (next block) */
	u256	 *base_fee_per_gas;	/* heap, base_fee_count entries */
	size_t	  percentile_count;
	u256	 *reward;		/* heap, block_count * percentile_count, row per block */
};

/*
 * Strict parsers for values as nodes send them; s[0..len) need not be
 * NUL-terminated.  A QUANTITY is "0x" then 1..64 hex digits without
 * leading zeros ("0x0" is zero): CB_ERR_INVALID on bad syntax, CB_ERR_RANGE
 * when it does not fit.  DATA is "0x" then an even number of hex digits:
 * CB_ERR_INVALID on bad syntax, CB_ERR_TOO_LARGE beyond max_bytes.  On
 * success rpc_parse_data stores a malloc'd copy the caller frees (NULL for
 * zero bytes).  rpc_parse_fixed wants exactly n bytes (32 for a hash, 20
 * for an address).  Out-params are written only on success.
 */
enum cb_err	rpc_parse_quantity_u64(const char *s, size_t len, uint64_t *out);
enum cb_err	rpc_parse_quantity_u256(const char *s, size_t len, u256 *out);
enum cb_err	rpc_parse_data(const char *s, size_t len, size_t max_bytes,
		    uint8_t **out, size_t *out_len);
enum cb_err	rpc_parse_fixed(const char *s, size_t len, uint8_t *out, size_t n);

/*
 * Result objects.  rpc_block_parse wants transaction hashes only (the
 * "false" form of eth_getBlockBy*); allow_pending accepts a block whose
 * hash/number are null (the "pending" tag).  rpc_log_list_parse reads a
 * JSON array of logs, at most caps->max_logs.  rpc_fee_history_parse
 * checks the answer against what was asked: at most asked_blocks blocks
 * and n_percentiles rewards per block.
 */
enum cb_err	rpc_block_parse(const struct rpc_opts *caps, json_object *obj,
		    bool allow_pending, struct rpc_block *out,
		    const char **bad_field);
enum cb_err	rpc_log_parse(const struct rpc_opts *caps, json_object *obj,
		    struct rpc_log *out, const char **bad_field);
enum cb_err	rpc_log_list_parse(const struct rpc_opts *caps, json_object *arr,
		    struct rpc_log_list *out, const char **bad_field);
enum cb_err	rpc_tx_parse(const struct rpc_opts *caps, json_object *obj,
		    struct rpc_tx *out, const char **bad_field);
enum cb_err	rpc_receipt_parse(const struct rpc_opts *caps, json_object *obj,
		    struct rpc_receipt *out, const char **bad_field);
enum cb_err	rpc_fee_history_parse(json_object *obj, uint64_t asked_blocks,
		    size_t n_percentiles, struct rpc_fee_history *out,
		    const char **bad_field);

/*
 * Release the heap members of a struct filled by this module and zero it
 * (the struct itself is the caller's).  NULL-safe; safe on a zeroed struct.
 */
void		rpc_block_clear(struct rpc_block *b);
void		rpc_log_clear(struct rpc_log *l);
void		rpc_log_list_clear(struct rpc_log_list *list);
void		rpc_tx_clear(struct rpc_tx *tx);
void		rpc_receipt_clear(struct rpc_receipt *r);
void		rpc_fee_history_clear(struct rpc_fee_history *fh);

/* Returns reward[block][percentile] (borrowed); indexes must be in range. */
const u256	*rpc_fee_history_reward(const struct rpc_fee_history *fh,
		    size_t block, size_t percentile);

#endif
