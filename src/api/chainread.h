/*
 * chainread.h - what the chain data routes share (docs/api.md, "Chain
 * data"): the chain index reads (chains.c), token reads over the synced
 * tables (chain_tokens.c), staking (staking.c), the verify routes that ask
 * the node (verify.c) and the ledger/chain reconciliation (reconcile.c).
 *
 * Parameter helpers end in _or_reply: they validate one untrusted value
 * and, when it is bad, answer the client themselves (400, or 404 for an
 * unknown chain or token) and return that status; 0 means the value is in
 * the out-parameter.
 */
#ifndef CB_API_CHAINREAD_H
#define CB_API_CHAINREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "eth/address.h"
#include "money/u256.h"
#include "store/db.h"
#include "store/registry.h"
#include "http.h"

struct config;
struct chain_config;

/* Largest chain id (as [chain] chain_id and the token registry). */
#define CR_CHAIN_ID_MAX		((UINT64_C(1) << 53) - 1)
/* Largest block number accepted in a path or query (BIGINT UNSIGNED, kept
 * to what every client can carry). */
#define CR_BLOCK_MAX		((uint64_t)INT64_MAX)
/* Largest log index / transaction index (INT UNSIGNED columns). */
#define CR_INDEX_MAX		((uint64_t)UINT32_MAX)
/* Default page size of the chain lists; the maximum is [api]
 * history_max_limit. */
#define CR_PAGE_DEFAULT		100
/* The opaque cursor of the chain lists: 16 + 8 lowercase hex digits. */
#define CR_CURSOR_LEN		24
/* Decimals of the chain's native currency (value of a transaction). */
#define CR_NATIVE_DECIMALS	18
/* "0x" + 64 hex digits + NUL. */
#define CR_HASH_STR_SIZE	67

/* A chain's row of sync_checkpoints; has_* false for NULL columns. */
struct cr_checkpoint {
	bool		 found;		/* the chain has a row */
	bool		 has_last, has_safe, has_finalized, has_head;
	uint64_t	 last_block, safe_block, finalized_block, head_block;
};

/* A position in a chain list: block number and log index. */
struct cr_pos {
	uint64_t	 block;
	uint64_t	 index;
};

/* A list page: limit, and where to continue (have_cursor false: start). */
struct cr_page {
	unsigned	 limit;
	bool		 have_cursor;
	struct cr_pos	 cursor;
};

/* The [chain] section of chain_id in cfg (borrowed), or NULL. */
const struct chain_config *cr_chain_config(const struct config *cfg, uint64_t chain_id);

/*
 * Parses the decimal text s[0..len): digits only, no sign, no leading
 * zero (but "0"), at most max.  Returns true and *out, or false.
 */
bool	cr_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/*
 * Validators of one value named field ("chain_id", "address", ...): 400
 * with the given code and details {"field": field} when bad.
 *	chain id:  1..CR_CHAIN_ID_MAX in decimal (invalid_chain_id)
 *	u64:       0..max in decimal (code given by the caller)
 *	hash:      "0x" + 64 hex digits of either case (code given)
 *	address:   "0x" + 40 hex digits: all lower, all upper or EIP-55
 *	           (invalid_address, invalid_address_checksum)
 */
int	cr_chain_id_or_reply(struct resp *resp, const char *s, size_t len,
	    const char *field, uint64_t *out);
int	cr_u64_or_reply(struct resp *resp, const char *s, size_t len, uint64_t max,
	    const char *field, const char *code, uint64_t *out);
int	cr_hash_or_reply(struct resp *resp, const char *s, size_t len,
	    const char *field, const char *code, uint8_t out[32]);
int	cr_address_or_reply(struct resp *resp, const char *s, size_t len,
	    const char *field, struct address *out);

/*
 * Reads the chain's checkpoint into *cp (cp->found false when there is
 * none).  Returns CB_OK or a store error.
 */
enum cb_err cr_checkpoint_get(struct db *db, uint64_t chain_id, struct cr_checkpoint *cp);

/*
 * The {chain_id} path parameter (params[0]) of a chain route, checked to
 * name a known chain: one with a checkpoint or a [chain] section, else
 * 404 chain_not_found.  Fills *chain_id and *cp.  Returns 0 or the status.
 */
int	cr_chain_or_reply(struct req *req, struct resp *resp, uint64_t *chain_id,
	    struct cr_checkpoint *cp);

/*
 * The {symbol} path parameter params[index]: a registered token (enabled
 * or not), else 404 token_not_found.  Returns 0 with *tok, or the status.
 */
int	cr_token_or_reply(struct req *req, struct resp *resp, unsigned index,
	    struct token *tok);

/*
 * The block up to which the chain's data counts as confirmed, by the
 * chain's [chain] finality: the checkpoint's finalized or safe block, or
 * for "depth" its head block minus finality_depth.  A chain without a
 * section in this configuration uses the finalized block.  Returns false
 * when that block is not known (nothing is confirmed then).
 */
bool	cr_confirmed_block(const struct config *cfg, uint64_t chain_id,
	    const struct cr_checkpoint *cp, uint64_t *out);

/*
 * Reads a chain value from a row: the DECIMAL text (dec, NULL when SQL
 * NULL) or else the hex of its *_raw big-endian bytes (raw_hex).  Returns
 * true with *out, false when both are NULL or either is malformed (a
 * negative DECIMAL is malformed too).
 */
bool	cr_value_from_row(const char *dec, size_t dec_len, const char *raw_hex,
	    size_t raw_len, u256 *out);

/*
 * Adds "key": v in whole-token units with decimals (canonical, never
 * rounded, any u256) and "key_raw": v in base units as a decimal string.
 */
void	cr_json_u256(json_object *obj, const char *key, const u256 *v, unsigned decimals);

/* Adds "key" and "key_raw" as null. */
void	cr_json_u256_null(json_object *obj, const char *key);

/* A new JSON string "0x" + hex (len digits), or NULL (JSON null) when hex
 * is NULL. */
json_object *cr_hex_value(const char *hex, size_t len);

/* Adds "key": the hex text with "0x", or null. */
void	cr_json_hash(json_object *obj, const char *key, const char *hex, size_t len);

/* Adds "key": a bool from a 0/1 column, or null. */
void	cr_json_bool(json_object *obj, const char *key, const char *s, size_t len);

/* Adds "timestamp": t and "time": its ISO-8601 UTC form. */
void	cr_json_time(json_object *obj, uint64_t t);

/* Writes the opaque cursor of pos (CR_CURSOR_LEN digits and a NUL). */
void	cr_cursor_encode(const struct cr_pos *pos, char out[CR_CURSOR_LEN + 1]);
/* Reads a cursor written by cr_cursor_encode; false when malformed. */
bool	cr_cursor_decode(const char *s, size_t len, struct cr_pos *pos);

/*
 * Reads the optional limit (1..[api] history_max_limit, default
 * CR_PAGE_DEFAULT or less) and cursor query parameters: 400
 * invalid_limit / invalid_cursor.  Returns 0 or the status.
 */
int	cr_page_or_reply(struct req *req, struct resp *resp, struct cr_page *page);

/*
 * Reads the optional address query parameter key ("address", "pool"):
 * *have false when absent; 400 as cr_address_or_reply.  Returns 0 or the
 * status.
 */
int	cr_query_address_or_reply(struct req *req, struct resp *resp, const char *key,
	    struct address *out, bool *have);

/* Adds "next_cursor": the cursor of pos when more, else null. */
void	cr_json_next_cursor(json_object *doc, bool more, const struct cr_pos *pos);

/* A 404 with code, message and details {"field": value} (value borrowed). */
int	cr_not_found(struct resp *resp, const char *code, const char *message,
	    const char *field, const char *value, size_t len);

/* Handlers. */
int	h_chains_status(struct req *, struct resp *);		/* chains.c */
int	h_chains_block(struct req *, struct resp *);		/* chains.c */
int	h_chains_transaction(struct req *, struct resp *);	/* chains.c */
int	h_chains_logs(struct req *, struct resp *);		/* chains.c */
int	h_chain_tokens_supply(struct req *, struct resp *);	/* chain_tokens.c */
int	h_chain_tokens_balance(struct req *, struct resp *);	/* chain_tokens.c */
int	h_chain_tokens_transfers(struct req *, struct resp *);	/* chain_tokens.c */
int	h_chain_tokens_allowance(struct req *, struct resp *);	/* chain_tokens.c */
int	h_staking_total(struct req *, struct resp *);		/* staking.c */
int	h_staking_stake(struct req *, struct resp *);		/* staking.c */
int	h_staking_user_stakes(struct req *, struct resp *);	/* staking.c */
int	h_staking_user_claims(struct req *, struct resp *);	/* staking.c */
int	h_staking_user_rewards(struct req *, struct resp *);	/* staking.c */
int	h_verify_transfer(struct req *, struct resp *);		/* verify.c */
int	h_verify_call(struct req *, struct resp *);		/* verify.c */
int	h_verify_signature(struct req *, struct resp *);	/* verify.c */
int	h_verify_balance(struct req *, struct resp *);		/* verify.c */
int	h_reconcile(struct req *, struct resp *);		/* reconcile.c */

#endif
