/*
 * ledger.h - what the API's ledger resources share: validation that
 * answers the client (identifiers, tokens and reasons through the
 * per-worker cache, amounts, metadata), the HTTP side of a write, JSON
 * output helpers, and the handlers themselves.
 *
 * A write handler parses and validates its whole request into a struct
 * ledger_write (src/lib/ledger/write.h; nothing touches the store before
 * validation is complete but the cached registries), then calls
 * ledger_commit_or_reply(), which runs the shared write core and turns its
 * outcome into the HTTP answer of docs/api.md.
 */
#ifndef CB_API_LEDGER_H
#define CB_API_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/json.h"
#include "http.h"
#include "ledger/cache.h"
#include "ledger/write.h"
#include "money/amount.h"
#include "store/db.h"
#include "store/registry.h"

struct config;

/*
 * Resolves the token called symbol (sym_len bytes) to an index into
 * lw->tokens, adding it (with its batch strategy and the poll interval of
 * its chain) on first use.  An unknown or disabled token answers 400
 * unknown_token naming path.  Returns 0 with *idx set, or the status it
 * answered with.
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
 * The largest single value the writes can send the store under the [api]
 * limits of api (the stored response of max_rows rows, or one change row
 * with a full reason_detail and metadata), with the statement's own
 * room: what the server's max_allowed_packet must be at least.
 */
size_t	ledger_packet_need(const struct api_config *api);

/*
 * The first step of every write handler, before its body is parsed: with
 * an Idempotency-Key whose write committed, answers the stored response
 * exactly as it was (200 for a stored 201, Idempotent-Replayed: true),
 * or 422 idempotency_key_reused when the key was used for another
 * request (method, route and body hashed).  A replay is never judged by
 * today's validation rules: the token or reason it used may be disabled
 * since.  Returns 0 when there is nothing to replay (the handler goes on),
 * else the status it answered with.
 */
int	ledger_replay_or_reply(struct req *req, struct resp *resp);

/*
 * Runs the write through the shared core (ledger_write_prepare, then
 * ledger_write_commit under the request's API key and Idempotency-Key;
 * the handler called ledger_replay_or_reply first) and answers the
 * client: 201 with the body of docs/api.md, 200 for a
 * replay (Idempotent-Replayed), 409 insufficient_balance /
 * batch_id_conflict / idempotency_in_flight / balance_out_of_range naming
 * rows_field[i] where a row is at fault, 422 idempotency_key_reused, 503,
 * 500.  Returns the status.
 */
int	ledger_commit_or_reply(struct req *req, struct resp *resp,
	    struct ledger_write *lw, const char *rows_field);

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

/* The same three for column col of a fetched row (names in store/stmts.h):
 * the text, "0x" + hex text, and the EIP-55 address of a hex text. */
void	ledger_json_col(json_object *obj, const char *key, const struct db_row *row,
	    unsigned col);
void	ledger_json_col_hex(json_object *obj, const char *key, const struct db_row *row,
	    unsigned col);
void	ledger_json_col_address(json_object *obj, const char *key,
	    const struct db_row *row, unsigned col);

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

/*
 * How a write's body parser resolves the names it reads, with the contracts
 * of ledger_token_or_reply() and ledger_reason_or_reply(): the handlers pass
 * those two (the worker's cache, then the store); the fuzz target passes
 * made-up registries, so that it runs the parsers the handlers run.
 */
struct ledger_lookup {
	int	(*token)(struct req *req, struct resp *resp,
		    struct ledger_write *lw, const char *symbol, size_t sym_len,
		    const char *path, unsigned *idx);
	int	(*reason)(struct req *req, struct resp *resp,
		    struct ledger_write *lw, const char *name, size_t name_len,
		    const char *fallback, const char *path, unsigned *idx);
};

/*
 * The body parsers of the write routes: everything a handler does between
 * ledger_body_or_reply(), with the route's top-level keys (the lists
 * below), and ledger_commit_or_reply().  Each reads doc into lw (initialised
 * for the route's kind), resolving token symbols and reason names through
 * look, and answers what is wrong with the body as docs/api.md says (400,
 * or 500 when out of memory); nothing but look touches the store.  lw
 * borrows strings from doc: keep doc until lw is freed.  Returns 0, or the
 * status it answered with.
 */
extern const char *const adjust_keys[];			/* adjust.c */
int	adjust_parse_or_reply(struct req *req, struct resp *resp,
	    const struct ledger_lookup *look, json_object *doc,
	    struct ledger_write *lw);

/* rewards.c; detail holds the reason detail every change borrows
 * ("reward_type/activity_id"): keep it as long as lw. */
#define REWARDS_ACTIVITY_MAX	128
#define REWARDS_TYPE_MAX	64
#define REWARDS_DETAIL_SIZE	(REWARDS_TYPE_MAX + 1 + REWARDS_ACTIVITY_MAX + 1)
extern const char *const rewards_keys[];
int	rewards_parse_or_reply(struct req *req, struct resp *resp,
	    const struct ledger_lookup *look, json_object *doc,
	    struct ledger_write *lw, char detail[REWARDS_DETAIL_SIZE]);

extern const char *const consumption_keys[];		/* consumption.c */
int	consumption_parse_or_reply(struct req *req, struct resp *resp,
	    const struct ledger_lookup *look, json_object *doc,
	    struct ledger_write *lw);

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
