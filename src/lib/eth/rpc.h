/*
 * rpc.h - Ethereum JSON-RPC 2.0 client over HTTP(S) (libcurl).
 *
 * One struct rpc_client holds one reused curl easy handle (keep-alive) and
 * is used by one thread at a time.  Every call is bounded: response size,
 * logs per answer, DATA field sizes, batch length.
 *
 * Retries: a request is sent again, with exponential backoff, only when
 * the transport failed (connect failure, timeout, reset, empty reply) or
 * the node answered HTTP 429 or 5xx.  A JSON-RPC error object is never
 * retried, nor is any other HTTP 4xx.
 *
 * Return codes (enum cb_err) common to every call below:
 *	CB_OK			success, out-params filled
 *	CB_ERR_RPC		the node answered a JSON-RPC error object; the
 *				struct rpc_error is filled (code, message, data,
 *				errclass)
 *	CB_ERR_RPC_TRANSPORT	no usable answer after the retries (or a
 *				non-retryable HTTP status); err->message says why
 *	CB_ERR_TOO_LARGE	the response or a field in it passed a cap
 *	CB_ERR_INVALID		malformed JSON, wrong id, or a field that fails
 *				strict parsing (err->message names it)
 *	CB_ERR_NOT_FOUND	the node answered null (no such block/tx/receipt)
 *	CB_ERR_NOMEM		allocation failed
 * Wherever a struct rpc_error * is taken, NULL is allowed.
 *
 * Process setup: call rpc_global_init() once from main() before any thread
 * is started and before the first rpc_client_new(); rpc_global_cleanup()
 * at exit.
 */
#ifndef CB_RPC_H
#define CB_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/err.h"
#include "money/u256.h"

/* Defaults of struct rpc_opts. */
#define RPC_DEFAULT_CONNECT_TIMEOUT_MS	5000L
#define RPC_DEFAULT_TIMEOUT_MS		30000L
#define RPC_DEFAULT_MAX_RETRIES		3U
#define RPC_DEFAULT_BACKOFF_BASE_MS	250L
#define RPC_DEFAULT_MAX_RESPONSE_BYTES	((size_t)16 * 1024 * 1024)
#define RPC_DEFAULT_MAX_LOGS		((size_t)10000)
#define RPC_DEFAULT_MAX_DATA_BYTES	((size_t)4 * 1024 * 1024)
#define RPC_DEFAULT_MAX_BATCH		((size_t)1000)

/* Longest wait between two attempts (also caps a server's Retry-After). */
#define RPC_BACKOFF_MAX_MS		30000L
/* Nesting depth accepted in a response. */
#define RPC_JSON_MAX_DEPTH		64
/* Transaction hashes accepted in one block. */
#define RPC_MAX_BLOCK_TXS		((size_t)100000)
/* Limits on an eth_getLogs filter and on eth_feeHistory. */
#define RPC_FILTER_MAX_ADDRESSES	((size_t)1000)
#define RPC_FILTER_MAX_TOPIC0		((size_t)256)
#define RPC_FEE_HISTORY_MAX_BLOCKS	((uint64_t)1024)
#define RPC_FEE_HISTORY_MAX_PERCENTILES	((size_t)100)
/* Sizes of the text fields of struct rpc_error, NUL included. */
#define RPC_ERROR_MESSAGE_MAX		512
#define RPC_ERROR_DATA_MAX		4096

struct rpc_opts {
	long	 connect_timeout_ms;	/* TCP/TLS connect, > 0 */
	long	 timeout_ms;		/* whole attempt, > 0 */
	unsigned max_retries;		/* attempts after the first */
	long	 backoff_base_ms;	/* first retry delay, doubled each retry, >= 0 */
	size_t	 max_response_bytes;	/* HTTP body cap, > 0 */
	size_t	 max_logs;		/* logs in one eth_getLogs answer or receipt */
	size_t	 max_data_bytes;	/* decoded DATA: log data, tx input, eth_call */
	size_t	 max_batch;		/* requests in one batch, > 0 */
};

/* What a JSON-RPC error means to a caller. */
enum rpc_errclass {
	RPC_ERRCLASS_NONE = 0,		/* no JSON-RPC error object (transport, parse) */
	RPC_ERRCLASS_NONCE_TOO_LOW,
	RPC_ERRCLASS_ALREADY_KNOWN,
	RPC_ERRCLASS_UNDERPRICED,
	RPC_ERRCLASS_REVERTED,
	RPC_ERRCLASS_RANGE_LIMIT,	/* eth_getLogs range or result count too large */
	RPC_ERRCLASS_INSUFFICIENT_FUNDS,
	RPC_ERRCLASS_OTHER,
	RPC_ERRCLASS__MAX
};

struct rpc_error {
	int64_t		  code;		/* JSON-RPC code; 0 when none */
	enum rpc_errclass errclass;
	/* Control characters replaced by '?'; may be truncated. */
	char		  message[RPC_ERROR_MESSAGE_MAX];
	bool		  has_data;
	bool		  data_truncated;
	char		  data[RPC_ERROR_DATA_MAX];	/* raw: a string's text, else compact JSON */
	long		  http_status;	/* last HTTP status seen, 0 if none */
	unsigned	  attempts;	/* HTTP attempts made by the last exchange */
};

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

struct rpc_block {
	uint64_t  number;
	uint8_t	  hash[32];		/* all zero for a pending block */
	uint8_t	  parent_hash[32];
	uint64_t  timestamp;
	uint8_t	  logs_bloom[256];
	bool	  has_base_fee;		/* false before London */
	u256	  base_fee_per_gas;
	uint64_t  gas_used;
	uint64_t  gas_limit;
	bool	  pending;		/* hash (and maybe number) were null */
	size_t	  tx_count;
	uint8_t	(*tx_hashes)[32];	/* heap, tx_count entries; NULL if none */
};

struct rpc_log {
	uint8_t	  address[20];
	size_t	  topic_count;		/* 0..4 */
	uint8_t	  topics[4][32];
	uint8_t	 *data;			/* heap, data_len bytes; NULL if empty */
	size_t	  data_len;
	uint64_t  block_number;
	uint8_t	  block_hash[32];
	uint8_t	  tx_hash[32];
	uint64_t  tx_index;
	uint64_t  log_index;
	bool	  removed;
};

struct rpc_log_list {
	struct rpc_log *logs;		/* heap, count entries; NULL if none */
	size_t		count;
};

/*
 * eth_getLogs filter.  With block_hash set (EIP-234) from/to are ignored.
 * An empty address list matches every contract; an empty topic0 list
 * matches every event.
 */
struct rpc_log_filter {
	uint64_t	 from_block;
	uint64_t	 to_block;
	const uint8_t	*block_hash;		/* 32 bytes or NULL */
	const uint8_t	(*addresses)[20];
	size_t		 address_count;
	const uint8_t	(*topic0)[32];
	size_t		 topic0_count;
};

struct rpc_tx {
	uint8_t	  hash[32];
	uint8_t	  from[20];
	bool	  has_to;		/* false for contract creation */
	uint8_t	  to[20];
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
	uint8_t	  block_hash[32];
	uint64_t  tx_index;
};

struct rpc_receipt {
	uint8_t	  tx_hash[32];
	uint64_t  tx_index;
	uint8_t	  block_hash[32];
	uint64_t  block_number;
	uint8_t	  from[20];
	bool	  has_to;
	uint8_t	  to[20];
	bool	  has_status;		/* false before Byzantium */
	uint64_t  status;		/* 1 success, 0 reverted */
	uint64_t  gas_used;
	uint64_t  cumulative_gas_used;
	bool	  has_effective_gas_price;
	u256	  effective_gas_price;
	bool	  has_contract_address;
	uint8_t	  contract_address[20];
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

/* Message for eth_call / eth_estimateGas; NULL pointers are left out. */
struct rpc_call_msg {
	const uint8_t	*from;		/* 20 bytes or NULL */
	const uint8_t	*to;		/* 20 bytes or NULL (creation) */
	const uint8_t	*data;
	size_t		 data_len;
	const u256	*value;		/* NULL: no value */
};

struct rpc_client;
struct rpc_batch;

/*
 * Initialises libcurl for the whole process.  Call once from main() before
 * starting threads; later calls are no-ops.  Returns CB_OK or
 * CB_ERR_INTERNAL.
 */
enum cb_err	rpc_global_init(void);

/* Releases libcurl's global state; call at exit after every client is freed. */
void		rpc_global_cleanup(void);

/* Fills o with the defaults (RPC_DEFAULT_*). */
void		rpc_opts_init(struct rpc_opts *o);

/*
 * Creates a client for the http:// or https:// url with the options (NULL:
 * defaults; they are copied).  Returns NULL when the url or an option is
 * invalid or on allocation failure.  Free with rpc_client_free().
 */
struct rpc_client *rpc_client_new(const char *url, const struct rpc_opts *opts);

/* Frees the client and wipes its copy of the url.  NULL-safe. */
void		rpc_client_free(struct rpc_client *c);

/* Returns the client's options (borrowed). */
const struct rpc_opts *rpc_client_opts(const struct rpc_client *c);

/* Empties err (code 0, class NONE, empty texts). */
void		rpc_error_clear(struct rpc_error *err);

/*
 * Classifies a JSON-RPC error by its message (case-insensitive substrings,
 * first match of a table) and then its code.  message may be NULL.
 */
enum rpc_errclass rpc_errclass_classify(int64_t code, const char *message);

/* Returns a stable snake_case name of the class ("nonce_too_low", ...). */
const char	*rpc_errclass_name(enum rpc_errclass cls);

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
 * Generic call: sends method with params (a JSON array, borrowed; NULL
 * means []) and on CB_OK stores the result in *result as a new reference
 * the caller releases with json_object_put(); a JSON null result is stored
 * as NULL.  Errors as listed at the top.
 */
enum cb_err	rpc_call(struct rpc_client *c, const char *method,
		    json_object *params, json_object **result,
		    struct rpc_error *err);

/*
 * Batches: add requests, send them as one JSON array, read the results by
 * index (responses are matched by id, in any order).
 *
 * rpc_batch_new returns an empty batch or NULL on allocation failure.
 * rpc_batch_add appends method(params) (params borrowed, NULL for []) and
 * stores its index in *index if not NULL: CB_OK or CB_ERR_NOMEM.
 * rpc_batch_send sends all requests; it may be called again to resend.  It
 * returns CB_OK when the node answered an array (each entry then has its
 * own status), CB_ERR_TOO_LARGE for an empty batch or one over max_batch,
 * CB_ERR_RPC when the node rejected the whole batch with one error object,
 * or an error as listed at the top.
 * rpc_batch_result gives entry i's status: CB_OK with *result borrowed from
 * the batch (NULL for a JSON null; valid until the next send or free),
 * CB_ERR_RPC with err filled, CB_ERR_INVALID when the node sent no or a
 * malformed answer for it, CB_ERR_INTERNAL if not sent or i is out of range.
 */
struct rpc_batch *rpc_batch_new(void);
enum cb_err	rpc_batch_add(struct rpc_batch *b, const char *method,
		    json_object *params, size_t *index);
size_t		rpc_batch_count(const struct rpc_batch *b);
enum cb_err	rpc_batch_send(struct rpc_client *c, struct rpc_batch *b,
		    struct rpc_error *err);
enum cb_err	rpc_batch_result(const struct rpc_batch *b, size_t i,
		    json_object **result, struct rpc_error *err);
/* Frees the batch and its results.  NULL-safe. */
void		rpc_batch_free(struct rpc_batch *b);

/*
 * Parsers of result objects (for batch results), with the client's caps.
 * Each returns CB_OK with *out filled (release it with its _clear
 * function), or CB_ERR_INVALID, CB_ERR_TOO_LARGE or CB_ERR_NOMEM with *out
 * left zeroed.  allow_pending accepts a block whose hash/number are null
 * (the "pending" tag).
 */
enum cb_err	rpc_block_parse(const struct rpc_client *c, json_object *obj,
		    bool allow_pending, struct rpc_block *out);
enum cb_err	rpc_log_parse(const struct rpc_client *c, json_object *obj,
		    struct rpc_log *out);
enum cb_err	rpc_tx_parse(const struct rpc_client *c, json_object *obj,
		    struct rpc_tx *out);
enum cb_err	rpc_receipt_parse(const struct rpc_client *c, json_object *obj,
		    struct rpc_receipt *out);

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

/* Typed helpers.  Out-structs are filled only on CB_OK (and then owned by
 * the caller, released with their _clear function). */
enum cb_err	rpc_eth_chain_id(struct rpc_client *c, uint64_t *chain_id,
		    struct rpc_error *err);
enum cb_err	rpc_eth_block_number(struct rpc_client *c, uint64_t *number,
		    struct rpc_error *err);
/* Header plus tx hashes; null result is CB_ERR_NOT_FOUND. */
enum cb_err	rpc_eth_get_block_by_number(struct rpc_client *c,
		    struct rpc_block_ref ref, struct rpc_block *out,
		    struct rpc_error *err);
enum cb_err	rpc_eth_get_block_by_hash(struct rpc_client *c,
		    const uint8_t hash[32], struct rpc_block *out,
		    struct rpc_error *err);
/*
 * Fetches blocks numbers[0..n) in one batch (at most max_batch).  Returns
 * as rpc_batch_send; on CB_OK statuses[i] is CB_OK (blocks[i] filled),
 * CB_ERR_NOT_FOUND, CB_ERR_RPC, CB_ERR_INVALID, CB_ERR_TOO_LARGE or
 * CB_ERR_NOMEM, and err holds the first entry's JSON-RPC error if any.
 * blocks[] entries that are not CB_OK are zeroed.
 */
enum cb_err	rpc_eth_get_blocks_by_number(struct rpc_client *c,
		    const uint64_t *numbers, size_t n, struct rpc_block *blocks,
		    enum cb_err *statuses, struct rpc_error *err);
/* More than max_logs logs, or a log's data over max_data_bytes, is
 * CB_ERR_TOO_LARGE (split the range). */
enum cb_err	rpc_eth_get_logs(struct rpc_client *c,
		    const struct rpc_log_filter *filter, struct rpc_log_list *out,
		    struct rpc_error *err);
enum cb_err	rpc_eth_get_transaction_by_hash(struct rpc_client *c,
		    const uint8_t hash[32], struct rpc_tx *out,
		    struct rpc_error *err);
enum cb_err	rpc_eth_get_transaction_receipt(struct rpc_client *c,
		    const uint8_t hash[32], struct rpc_receipt *out,
		    struct rpc_error *err);
enum cb_err	rpc_eth_get_transaction_count(struct rpc_client *c,
		    const uint8_t address[20], struct rpc_block_ref ref,
		    uint64_t *nonce, struct rpc_error *err);
enum cb_err	rpc_eth_get_balance(struct rpc_client *c,
		    const uint8_t address[20], struct rpc_block_ref ref,
		    u256 *balance, struct rpc_error *err);
enum cb_err	rpc_eth_estimate_gas(struct rpc_client *c,
		    const struct rpc_call_msg *msg, uint64_t *gas,
		    struct rpc_error *err);
/* *out is malloc'd (NULL for empty), the caller frees it. */
enum cb_err	rpc_eth_call(struct rpc_client *c, const struct rpc_call_msg *msg,
		    struct rpc_block_ref ref, uint8_t **out, size_t *out_len,
		    struct rpc_error *err);
/* percentiles: whole percents 0..100, ascending (may be NULL with n 0). */
enum cb_err	rpc_eth_fee_history(struct rpc_client *c, uint64_t block_count,
		    struct rpc_block_ref newest, const uint8_t *percentiles,
		    size_t n_percentiles, struct rpc_fee_history *out,
		    struct rpc_error *err);
enum cb_err	rpc_eth_max_priority_fee_per_gas(struct rpc_client *c,
		    u256 *fee, struct rpc_error *err);
enum cb_err	rpc_eth_gas_price(struct rpc_client *c, u256 *price,
		    struct rpc_error *err);
/* Sends a signed raw transaction; on CB_OK hash holds the node's tx hash. */
enum cb_err	rpc_eth_send_raw_transaction(struct rpc_client *c,
		    const uint8_t *raw, size_t len, uint8_t hash[32],
		    struct rpc_error *err);

#endif
