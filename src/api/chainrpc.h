/*
 * chainrpc.h - the API worker's way to the chain nodes: one JSON-RPC client
 * per configured chain, made on first use from the chain's [chain] section
 * (rpc_url, rpc_timeout_ms) and kept for the worker's life, and the few
 * node calls the verify and reconcile routes make.
 *
 * Only this file talks to the JSON-RPC layer (src/lib/eth/rpc.h); the
 * routes see the plain structs below.  Every call is one attempt bounded
 * by rpc_timeout_ms (connect at most CHAINRPC_CONNECT_TIMEOUT_MS): a
 * worker is never held longer, and a node that does not answer is a 503
 * chain_unavailable for the client (chainrpc_error_reply).
 */
#ifndef CB_API_CHAINRPC_H
#define CB_API_CHAINRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "eth/address.h"
#include "money/u256.h"
#include "http.h"

struct config;
struct chainrpc;

/* Bounds of the API's node calls. */
#define CHAINRPC_CONNECT_TIMEOUT_MS	3000L
#define CHAINRPC_MAX_RESPONSE_BYTES	((size_t)8 * 1024 * 1024)
#define CHAINRPC_MAX_DATA_BYTES		((size_t)1024 * 1024)
#define CHAINRPC_MAX_LOGS		((size_t)10000)
/* Text kept of a node's error message and data. */
#define CHAINRPC_MESSAGE_MAX		256
#define CHAINRPC_DATA_MAX		1024

/* What a node said when it answered with an error object. */
struct chainrpc_error {
	bool	 answered;	/* a JSON-RPC error object came back */
	bool	 reverted;	/* ... saying the call reverted */
	int64_t	 code;
	char	 message[CHAINRPC_MESSAGE_MAX];
	bool	 has_data;
	char	 data[CHAINRPC_DATA_MAX];	/* revert data as the node gave it */
};

struct chain_log {
	struct address	 address;
	size_t		 topic_count;	/* 0..4 */
	uint8_t		 topics[4][32];
	uint8_t		*data;		/* heap, data_len bytes; NULL if empty */
	size_t		 data_len;
	uint64_t	 log_index;
};

struct chain_receipt {
	bool		 has_status;	/* false before Byzantium */
	uint64_t	 status;	/* 1 success, 0 reverted */
	uint64_t	 block_number;
	struct chain_log *logs;		/* heap, log_count entries */
	size_t		 log_count;
};

/*
 * The worker's client of chain_id, made on first use.  Returns CB_OK with
 * *out (borrowed, valid for the worker's life), CB_ERR_NOT_FOUND when the
 * configuration has no [chain] section with that chain id, CB_ERR_NOMEM
 * or CB_ERR_INTERNAL when no client can be made.
 */
enum cb_err	chainrpc_get(const struct config *cfg, uint64_t chain_id,
		    struct chainrpc **out);

/* The chain id the client serves. */
uint64_t	chainrpc_chain_id(const struct chainrpc *c);

/* eth_blockNumber.  Errors as listed in rpc.h; err may be NULL. */
enum cb_err	chainrpc_head(struct chainrpc *c, uint64_t *head,
		    struct chainrpc_error *err);

/*
 * eth_getTransactionReceipt: CB_OK with *out (release with
 * chain_receipt_clear), CB_ERR_NOT_FOUND for no receipt (unknown or still
 * pending), or an error.
 */
enum cb_err	chainrpc_receipt(struct chainrpc *c, const uint8_t hash[32],
		    struct chain_receipt *out, struct chainrpc_error *err);
void		chain_receipt_clear(struct chain_receipt *r);

/*
 * eth_call of data at block: CB_OK with *out malloc'd (the caller frees
 * it; NULL for an empty answer), or an error (a revert is CB_ERR_RPC with
 * err->reverted).
 */
enum cb_err	chainrpc_call(struct chainrpc *c, const struct address *to,
		    const uint8_t *data, size_t len, uint64_t block, uint8_t **out,
		    size_t *out_len, struct chainrpc_error *err);

/*
 * eth_call of a view function returning one uint256: signature
 * ("balanceOf(address)", "totalSupply()") with arg as its one address
 * argument or NULL for none.  CB_ERR_INVALID when the answer is not a
 * uint256.
 */
enum cb_err	chainrpc_call_uint(struct chainrpc *c, const struct address *to,
		    const char *signature, const struct address *arg, uint64_t block,
		    u256 *out, struct chainrpc_error *err);

/*
 * Answers a failed node call of event: CB_ERR_RPC_TRANSPORT -> 503
 * chain_unavailable (Retry-After); a node error object or an answer that
 * is malformed or too large -> 502 chain_error; anything else -> 500.
 * Logs it.  Returns the status.
 */
int		chainrpc_error_reply(struct resp *resp, const char *event,
		    const struct chainrpc *c, enum cb_err rc,
		    const struct chainrpc_error *err);

/* Frees the worker's clients.  Safe to call more than once. */
void		chainrpc_cleanup(void);

#endif
