/*
 * ledger.h - the write path of the ledger API (docs/api.md) and what the
 * resource handlers share: identifier rules, registry look-ups with a short
 * per-worker cache, the settlement estimate, and the handlers themselves.
 *
 * A write handler parses and validates its whole request into a struct
 * ledger_write (nothing touches the store before validation is complete),
 * then calls ledger_commit_or_reply(), which runs idempotency, locking, the
 * no-overdraft check and all inserts in one retried transaction and
 * answers the client.
 */
#ifndef CB_API_LEDGER_H
#define CB_API_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "money/amount.h"
#include "core/buf.h"
#include "store/db.h"
#include "http.h"
#include "core/json.h"
#include "store/registry.h"
#include "ledger/rule.h"
#include "ledger/rule.h"

struct config;

#define LEDGER_USER_ID_MAX	128	/* user_balances.user_id */
#define LEDGER_BATCH_ID_MAX	128	/* operations.client_batch_id */
/* balance_changes.position is SMALLINT UNSIGNED: rows per operation. */
#define LEDGER_ROWS_HARD_MAX	65535
/* Registry entries (tokens, reasons, strategies, estimates) are reused by a
 * worker for this long before being read again. */
#define LEDGER_CACHE_TTL_MS	1000
/* Rows per multi-row INSERT of ledger changes. */
#define LEDGER_CHUNK_ROWS	2000

enum ledger_kind {
	LEDGER_ADJUST = 0,
	LEDGER_REWARD,
	LEDGER_DEDUCT,
	LEDGER_KIND__MAX
};

enum ledger_priority {
	LEDGER_PRIO_LOW = 0,
	LEDGER_PRIO_NORMAL,
	LEDGER_PRIO_HIGH,
	LEDGER_PRIO__MAX
};

struct ledger_change {
	const char	*user_id;	/* borrowed from the request */
	size_t		 user_id_len;
	unsigned	 token;		/* index into ledger_write.tokens */
	unsigned	 reason;	/* index into ledger_write.reasons */
	struct amount	 amount;	/* signed, never zero */
	const char	*detail;	/* reason_detail, borrowed, may be "" */
	size_t		 detail_len;
	size_t		 meta_off;	/* metadata JSON text in ledger_write.arena */
	size_t		 meta_len;	/* 0 = no metadata */
	/* set by the transaction */
	unsigned	 balance;	/* index into the sorted balances */
	struct amount	 before, after;
};

struct ledger_balance {
	const char	*user_id;
	size_t		 user_id_len;
	unsigned	 token;		/* index into ledger_write.tokens */
	uint32_t	 token_id;
	bool		 found;		/* row existed (or was created) and is locked */
	struct amount	 confirmed;
	struct amount	 start;		/* pending balance before the request */
	struct amount	 pending;	/* running pending balance */
	unsigned	 first_change;	/* request order of the response entries */
};

enum ledger_outcome {
	LEDGER_OK = 0,
	LEDGER_IDEM_EXISTS,	/* the key was committed by another request */
	LEDGER_IDEM_IN_FLIGHT,	/* the key is held by a request still running */
	LEDGER_INSUFFICIENT,	/* a debit would overdraw */
	LEDGER_BALANCE_RANGE,	/* a balance would pass 10^65 - 1 */
	LEDGER_BATCH_CONFLICT,	/* batch_id already used by this API key */
};

struct ledger_write {
	enum ledger_kind	 kind;
	const char		*rows_field;	/* "adjustments", "recipients", ... */
	enum ledger_priority	 priority;
	const char		*batch_id;	/* NULL = none; borrowed */
	size_t			 batch_id_len;
	size_t			 context_off;	/* operations.context in arena */
	size_t			 context_len;	/* 0 = none */
	struct ledger_change	*changes;
	size_t			 nchanges, changes_cap;
	struct token		*tokens;
	size_t			 ntokens;
	struct reason		*reasons;
	size_t			 nreasons;
	struct buf		 arena;		/* metadata and context texts */
	/* private to ledger.c */
	struct ledger_balance	*balances;
	size_t			 nbalances;
	size_t			*order;		/* balances in order of first use */
	struct strategy		*strategies;	/* one per token */
	struct settle_outlook	*syncs;		/* one per token */
	bool			 will_be_batched;
	uint64_t		 batch_size;
	int64_t			 estimate;	/* unix s */
	struct buf		 keys_json;	/* sorted [[user, token], ...] */
	struct buf		 scratch;	/* statement payloads */
	struct buf		 response;	/* the response body */
	struct req		*req;
	enum ledger_outcome	 outcome;
	size_t			 failed_change;	/* for LEDGER_INSUFFICIENT/RANGE */
	struct amount		 failed_available;
	char			 operation_id[40];
	uint64_t		 op_row_id;
	uint8_t			 request_hash[32];
};

/* Prepares lw for a request of kind; rows_field names the rows array. */
void	ledger_write_init(struct ledger_write *lw, enum ledger_kind kind,
	    const char *rows_field);
/* Frees everything lw owns.  NULL-safe. */
void	ledger_write_free(struct ledger_write *lw);

/*
 * Appends a zeroed change and returns it (owned by lw), or NULL when out of
 * memory.  Pointers to earlier changes may move.
 */
struct ledger_change *ledger_change_add(struct ledger_write *lw);

/*
 * Resolves the token called symbol (sym_len bytes) to an index into
 * lw->tokens, adding it on first use.  An unknown or disabled token
 * answers 400 unknown_token naming path.  Returns 0 with *idx set, or the
 * status it answered with.
 */
int	ledger_token_or_reply(struct req *req, struct resp *resp,
	    struct ledger_write *lw, const char *symbol, size_t sym_len,
	    const char *path, unsigned *idx);

/*
 * Same for a reason: unknown or disabled -> 400 unknown_reason naming
 * path.  With fallback (may be NULL), an unregistered name resolves to the
 * fallback reason instead (a registered but disabled one still fails).
 */
int	ledger_reason_or_reply(struct req *req, struct resp *resp,
	    struct ledger_write *lw, const char *name, size_t name_len,
	    const char *fallback, const char *path, unsigned *idx);

/*
 * Parses the JSON string field key of obj (path parent) as an amount of
 * token tok with amount_parse flags.  Any failure (absent, not a string,
 * grammar, decimals, range, zero, sign) answers 400 naming the field.
 * Returns 0 with *out set, or the status it answered with.
 */
int	ledger_amount_or_reply(struct resp *resp, json_object *obj,
	    const char *parent, const char *key, const struct token *tok,
	    unsigned flags, struct amount *out);

/*
 * Reads the required user_id string field key of obj: 1..128 characters
 * of [A-Za-z0-9_.:@-], else 400 (invalid_user_id, or the JSON type/length
 * code).  Returns 0 with *out and *len set (borrowed from obj), or the status.
 */
int	ledger_user_id_or_reply(struct resp *resp, json_object *obj,
	    const char *parent, const char *key, const char **out, size_t *len);

/* True when s[0..len) is a valid user id (see above). */
bool	ledger_user_id_valid(const char *s, size_t len);

/*
 * Validates a client metadata object against reason r and the [api]
 * max_metadata cap and stores its compact text in lw->arena, setting
 * c->meta_off/meta_len.  meta NULL means none.  Fails with 400
 * (wrong_type, metadata_key_not_allowed naming the key's path,
 * metadata_too_large).  Returns 0 or the status it answered with.
 */
int	ledger_metadata_or_reply(struct req *req, struct resp *resp,
	    struct ledger_write *lw, struct ledger_change *c, json_object *meta,
	    const char *path);

/*
 * Builds the metadata object {"keys[0]": "vals[0]", ...} of a write the
 * service composes itself (rewards, consumption): pairs whose key reason r
 * does not allow, or whose value is NULL, are left out.  Stores the text in
 * lw->arena (*len 0 when nothing is kept).  Over [api] max_metadata it
 * answers 400 metadata_too_large naming path.  Returns 0 or the status.
 */
int	ledger_meta_pairs_or_reply(struct req *req, struct resp *resp,
	    struct ledger_write *lw, const struct reason *r,
	    const char *const keys[], const char *const vals[],
	    const size_t lens[], size_t n, const char *path, size_t *off,
	    size_t *len);

/*
 * Stores obj's compact JSON text in lw->arena and returns its offset in
 * *off and length in *len.  Returns CB_OK or CB_ERR_NOMEM/TOO_LARGE.
 */
enum cb_err ledger_arena_json(struct ledger_write *lw, json_object *obj,
	    size_t *off, size_t *len);

/*
 * Reads the optional top-level batch_id (1..128 printable ASCII, no
 * space) and priority ("low", "normal", "high") of a write body into lw.
 * Returns 0 or the 400 it answered with (invalid_batch_id,
 * invalid_priority, or a JSON type code).
 */
int	ledger_options_or_reply(struct resp *resp, struct ledger_write *lw,
	    json_object *body);

/*
 * Parses the request body strictly ([api] max_json_depth) and checks its
 * top-level keys against allowed.  Returns the document (caller puts it)
 * or NULL after answering 400.
 */
json_object *ledger_body_or_reply(struct req *req, struct resp *resp,
	    const char *const allowed[]);

/*
 * Runs the write: idempotency (fast replay path, then the key claimed in
 * the transaction), balance rows locked in primary-key order, the
 * no-overdraft check in request order, the operation, its changes and the
 * new balances, and the stored response - all in one transaction retried
 * on deadlock.  Answers the client: 201 with the body of docs/api.md, 200 for
 * a replay (Idempotent-Replayed), 409 insufficient_balance /
 * batch_id_conflict / idempotency_in_flight / balance_out_of_range, 422
 * idempotency_key_reused, 503, 500.  Returns the status.
 */
int	ledger_commit_or_reply(struct req *req, struct resp *resp,
	    struct ledger_write *lw);

/*
 * Registry look-ups through the worker's cache (LEDGER_CACHE_TTL_MS).
 * Return CB_OK, CB_ERR_NOT_FOUND or a store error.
 */
enum cb_err ledger_token_get(struct db *db, const char *symbol, size_t len,
	    struct token *out);
enum cb_err ledger_reason_get(struct db *db, const char *name, size_t len,
	    struct reason *out);
enum cb_err ledger_strategy_get(struct db *db, uint32_t token_id,
	    struct strategy *out);
/* Forgets every cached entry (after an admin change in this worker). */
void	ledger_cache_flush(void);

/*
 * The daemon's poll interval on tok's chain in whole seconds (rounded up;
 * the built-in default when this process has no section for the chain).
 */
unsigned ledger_poll_seconds(const struct config *cfg, const struct token *tok);

/*
 * The cached estimate of token tok as it stands now (for reads), in unix
 * seconds.  Returns CB_OK or a store error.
 */
enum cb_err ledger_token_estimate(struct db *db, const struct config *cfg,
	    const struct token *tok, int64_t *out);

/* Writes unix time t as "YYYY-MM-DDTHH:MM:SSZ" (out >= 21 bytes). */
void	ledger_iso_time(int64_t t, char *out, size_t cap);

/*
 * Appends "key": amount (DECIMAL(65,0) text from the store, len bytes)
 * formatted canonically with decimals, optionally signed, to a json-c
 * object.  Returns false when the text is not a valid amount.
 */
bool	ledger_json_amount(json_object *obj, const char *key, const char *db_text,
	    size_t len, unsigned decimals, bool with_sign);

/* Adds "key": string (len bytes) or null when s is NULL. */
void	ledger_json_str(json_object *obj, const char *key, const char *s, size_t len);

/* Adds "key": the unsigned integer in column col of row, or null. */
void	ledger_json_u64(json_object *obj, const char *key, const struct db_row *row,
	    unsigned col);

/* Adds "key": "0x" + the lowercase hex text (len bytes), or null if NULL. */
void	ledger_json_hex(json_object *obj, const char *key, const char *hex, size_t len);

/* Adds "key": the EIP-55 form of a 40-digit hex address text, or null. */
void	ledger_json_address(json_object *obj, const char *key, const char *hex,
	    size_t len);

/* Adds "key": the JSON text (len bytes) parsed, or null when NULL/invalid. */
void	ledger_json_raw(json_object *obj, const char *key, const char *text, size_t len);

/*
 * Parses a UUID operation id, with or without the "op_" prefix, into the
 * canonical lowercase form (37 bytes with NUL).  Returns false if invalid.
 */
bool	ledger_operation_id_parse(const char *s, size_t len, char out[37]);

/* Encodes / decodes the opaque cursor of paged lists (a row id). */
void	ledger_cursor_encode(uint64_t id, char out[24]);
bool	ledger_cursor_decode(const char *s, size_t len, uint64_t *id);

/*
 * Reads the optional limit and cursor query parameters: limit 1..max
 * (default def), cursor as ledger_cursor_encode made (absent = from the
 * newest).  Answers 400 invalid_limit / invalid_cursor.  Returns 0 or the
 * status.
 */
int	ledger_page_or_reply(struct req *req, struct resp *resp, unsigned def,
	    unsigned max, unsigned *limit, uint64_t *before);

/*
 * Answers a registry save error: CB_ERR_INVALID -> 400 code_invalid,
 * CB_ERR_CONFLICT -> 409 code_conflict, CB_ERR_NOT_FOUND -> 404
 * code_not_found, each with details {"field"} taken from errbuf's
 * "field: reason" form; anything else -> 500/503.  Returns the status.
 */
int	ledger_registry_error(struct resp *resp, enum cb_err rc, const char *errbuf,
	    const char *code_invalid, const char *code_conflict,
	    const char *code_not_found);

/* The batch strategy object of GET /tokens and the admin routes
 * (strategies.c); value_threshold in units of a token with decimals. */
json_object *strategies_json(const struct strategy *st, unsigned decimals);

/* A token object (tokens.c), with its strategy when st is not NULL. */
json_object *tokens_json(const struct token *t, const struct strategy *st);

/* Handlers (one file per resource). */
int	h_balance_adjust(struct req *, struct resp *);		/* adjust.c */
int	h_rewards_distribute(struct req *, struct resp *);	/* rewards.c */
int	h_consumption_deduct(struct req *, struct resp *);	/* consumption.c */
int	h_balance_get(struct req *, struct resp *);		/* balance.c */
int	h_balance_history(struct req *, struct resp *);	/* balance.c */
int	h_operations_get(struct req *, struct resp *);		/* operations.c */
int	h_batches_list(struct req *, struct resp *);		/* batches.c */
int	h_batches_get(struct req *, struct resp *);		/* batches.c */
int	h_tokens_list(struct req *, struct resp *);		/* tokens.c */
int	h_tokens_create(struct req *, struct resp *);		/* tokens.c */
int	h_tokens_update(struct req *, struct resp *);		/* tokens.c */
int	h_reasons_list(struct req *, struct resp *);		/* reasons.c */
int	h_reasons_put(struct req *, struct resp *);		/* reasons.c */
int	h_strategies_put(struct req *, struct resp *);		/* strategies.c */
int	h_wallets_bind(struct req *, struct resp *);		/* wallets.c */
int	h_wallets_get(struct req *, struct resp *);		/* wallets.c */

#endif
