/*
 * write.h - one ledger write: the changes of one operation committed
 * atomically, overdraft-safe and (with a key) idempotently, by whoever
 * writes the ledger: the API's write routes and the chain daemon
 * (docs/api.md "How a write runs", docs/store.md).
 *
 * The caller validates its input into a struct ledger_write: the tokens
 * and reasons it resolved (ledger_write_token, ledger_write_reason), one
 * struct ledger_change per row (ledger_change_add), texts such as metadata
 * in the write's arena (ledger_write_text).  Then:
 *
 *	ledger_write_prepare(db, &lw);		settlement outlook, lock order
 *	ledger_write_commit(db, &lw, &rq);	one retried transaction
 *
 * The transaction claims the idempotency key (when rq has one), inserts
 * the operation, locks every balance row of the request in one global
 * order (the primary key: user_id bytewise, then token id), applies the
 * changes in request order refusing an overdraft, inserts the change rows
 * (only while each token still has the decimals the caller validated
 * with, read under a shared lock of the token row) and the new balances as
 * multi-row statements, and stores the response body on the key.  Nothing here knows HTTP: outcomes are values the
 * caller turns into its own answers.
 */
#ifndef CB_LEDGER_WRITE_H
#define CB_LEDGER_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "ledger/rule.h"
#include "money/amount.h"
#include "store/db.h"
#include "store/idempotency.h"
#include "store/registry.h"

#define LEDGER_USER_ID_MAX	128	/* user_balances.user_id */
#define LEDGER_BATCH_ID_MAX	128	/* operations.client_batch_id */
/* balance_changes.position is SMALLINT UNSIGNED: rows per operation. */
#define LEDGER_ROWS_HARD_MAX	65535
/* Rows per multi-row INSERT of ledger changes and balances, and bytes of
 * one such payload (fewer when the server's max_allowed_packet is). */
#define LEDGER_CHUNK_ROWS	2000
#define LEDGER_CHUNK_BYTES	(4u * 1024 * 1024)
/* Room a statement needs in a packet beside its values. */
#define LEDGER_PACKET_SLACK	(64u * 1024)
/* Cap of one write's buffers (payloads, response). */
#define LEDGER_BUF_MAX		(64u * 1024 * 1024)
/*
 * The response body: at most LEDGER_RESPONSE_HEAD_MAX bytes besides the
 * balances, and LEDGER_RESPONSE_ROW_MAX per balance entry (a 128-byte user
 * id, a 20-byte symbol, three amounts of at most 68 characters, keys).
 * With an Idempotency-Key it is stored in idempotency_keys.response_body,
 * a MEDIUMTEXT of LEDGER_STORED_RESPONSE_MAX bytes.
 */
#define LEDGER_RESPONSE_HEAD_MAX	512
#define LEDGER_RESPONSE_ROW_MAX		448
#define LEDGER_STORED_RESPONSE_MAX	16777215u
/* MariaDB's default max_allowed_packet: what the limits of core/conf.h
 * are sized for. */
#define LEDGER_DEFAULT_PACKET		(16u * 1024 * 1024)

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
	const char	*user_id;	/* borrowed from the caller */
	size_t		 user_id_len;
	unsigned	 token;		/* index into ledger_write.tokens */
	unsigned	 reason;	/* index into ledger_write.reasons */
	struct amount	 amount;	/* signed, never zero */
	const char	*detail;	/* reason_detail, borrowed, may be NULL */
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
	struct amount	 start;		/* pending balance before the write */
	struct amount	 pending;	/* running pending balance */
	unsigned	 first_change;	/* request order of the response entries */
};

/* Why a write did not commit (with CB_ERR_CONFLICT from ledger_write_commit). */
enum ledger_outcome {
	LEDGER_OK = 0,
	LEDGER_IDEM_EXISTS,	/* the key was committed by another request */
	LEDGER_IDEM_IN_FLIGHT,	/* the key is held by a request still running */
	LEDGER_INSUFFICIENT,	/* a debit would overdraw (failed_change) */
	LEDGER_BALANCE_RANGE,	/* a balance would pass 10^65 - 1 (failed_change) */
	LEDGER_BATCH_CONFLICT,	/* batch_id already used by this API key */
	LEDGER_TOKEN_CHANGED,	/* a token's decimals changed since the caller
				   validated the amounts: validate again */
};

struct ledger_write {
	enum ledger_kind	 kind;
	enum ledger_priority	 priority;
	const char		*batch_id;	/* NULL = none; borrowed */
	size_t			 batch_id_len;
	size_t			 context_off;	/* operations.context in arena */
	size_t			 context_len;	/* 0 = none */
	struct ledger_change	*changes;
	size_t			 nchanges, changes_cap;
	/* Registry entries the changes refer to, as the caller validated
	 * them; strategies[i] and poll_seconds[i] belong to tokens[i]. */
	struct token		*tokens;
	struct strategy		*strategies;
	unsigned		*poll_seconds;	/* the daemon's pass, for estimates */
	size_t			 ntokens;
	struct reason		*reasons;
	size_t			 nreasons;
	struct buf		 arena;		/* metadata and context texts */
	bool			 no_outlook;	/* skip the outlook query (bench) */
	/* results */
	enum ledger_outcome	 outcome;
	size_t			 failed_change;	/* LEDGER_INSUFFICIENT/RANGE */
	struct amount		 failed_available;
	char			 operation_id[40];	/* UUID of the operation */
	uint64_t		 op_row_id;
	bool			 recovered;	/* commit learned after a lost COMMIT */
	bool			 will_be_batched;
	uint64_t		 batch_size;
	int64_t			 estimate;	/* unix s */
	struct buf		 response;	/* the response body (docs/api.md) */
	/* private to write.c */
	struct ledger_balance	*balances;
	size_t			 nbalances;
	size_t			*order;		/* balances in order of first use */
	struct settle_outlook	*syncs;		/* one per token */
	struct buf		 keys_json;	/* sorted [[user, token], ...] */
	struct buf		 scratch;	/* statement payloads */
	size_t			 created;	/* balance rows the last attempt created */
	bool			 prepared;	/* ledger_write_prepare ran */
};

/*
 * Who writes and how: the API key the operation is recorded under, the
 * optional idempotency key (scoped to that API key) with the request hash
 * it was claimed for, and the deadline of the whole write.
 */
struct ledger_request {
	uint32_t	 api_key_id;
	const char	*idem_key;	/* NULL = none; borrowed */
	size_t		 idem_key_len;
	uint8_t		 request_hash[IDEMPOTENCY_HASH_LEN];
	uint64_t	 deadline_ms;	/* monotime_ms(); 0 = none */
};

/* Prepares lw (all empty) for an operation of kind.  Never fails. */
void	ledger_write_init(struct ledger_write *lw, enum ledger_kind kind);
/* Frees everything lw owns.  NULL-safe. */
void	ledger_write_free(struct ledger_write *lw);
/* Empties lw for another operation of kind, keeping its memory. */
void	ledger_write_reset(struct ledger_write *lw, enum ledger_kind kind);

/*
 * Appends a zeroed change and returns it (owned by lw), or NULL when out of
 * memory.  Pointers to earlier changes may move.
 */
struct ledger_change *ledger_change_add(struct ledger_write *lw);

/*
 * The index of the token called symbol (len bytes) in lw->tokens, or -1.
 */
int	ledger_write_find_token(const struct ledger_write *lw, const char *symbol,
	    size_t len);
/*
 * Adds token tok with its strategy st and the seconds until the chain
 * daemon's next pass (estimates) unless a token with tok's id is there
 * already.  Stores its index in *idx.  Returns CB_OK or CB_ERR_NOMEM.
 */
enum cb_err ledger_write_token(struct ledger_write *lw, const struct token *tok,
	    const struct strategy *st, unsigned poll_seconds, unsigned *idx);
/* The same for reasons: -1 when absent; CB_OK or CB_ERR_NOMEM. */
int	ledger_write_find_reason(const struct ledger_write *lw, const char *name,
	    size_t len);
enum cb_err ledger_write_reason(struct ledger_write *lw, const struct reason *r,
	    unsigned *idx);

/*
 * Copies len bytes of text (metadata or context JSON) into lw's arena and
 * returns its offset in *off.  Returns CB_OK, CB_ERR_NOMEM or
 * CB_ERR_TOO_LARGE.
 */
enum cb_err ledger_write_text(struct ledger_write *lw, const char *text, size_t len,
	    size_t *off);

/*
 * Everything that does not depend on the locked rows, once before the
 * transaction: the balances in lock order, and the settlement outlook of
 * each token (one bounded query per token unless lw->no_outlook) with
 * this write's changes added, giving will_be_batched, batch_size and the
 * estimate.  Returns CB_OK or a store error / CB_ERR_NOMEM.
 */
enum cb_err ledger_write_prepare(struct db *db, struct ledger_write *lw);

/*
 * Runs the write in one transaction, retried on deadlock and lock wait
 * timeout within rq->deadline_ms (db_txn_until).  Multi-row statements are
 * cut to fit the server's max_allowed_packet.  The operation's UUID
 * (lw->operation_id) is made before the first attempt, so it names the
 * write whatever happens to it.  Returns:
 *
 *   CB_OK		committed: op_row_id, each change's before/after and
 *			the response body are set.  lw->recovered tells that
 *			the connection was lost during COMMIT and the commit
 *			was then found in the store.
 *   CB_ERR_CONFLICT	refused, nothing written; lw->outcome says why.
 *   CB_ERR_TIMEOUT	the deadline passed before the write could commit
 *			(rows it needs stayed locked); nothing written.
 *   CB_ERR_DB_RETRY	deadlocks outlasted the retries; nothing written.
 *   CB_ERR_DB_UNKNOWN	the connection was lost during COMMIT and the store
 *			could not tell whether the operation committed: look
 *			lw->operation_id up later.
 *   CB_ERR_DB_GONE	the store is unreachable; nothing written (also
 *			after a lost COMMIT that provably did not commit).
 *   CB_ERR_TOO_LARGE	one value the write must send (a change row, the
 *			lock list, the stored response) does not fit the
 *			server's max_allowed_packet; nothing written.
 *   other		a store error; nothing written.
 *
 * Call after ledger_write_prepare; lw may be committed again after a
 * refusal.
 */
enum cb_err ledger_write_commit(struct db *db, struct ledger_write *lw,
	    const struct ledger_request *rq);

/* "adjust", "reward", "deduct"; "low", "normal", "high" ("?" if out of range). */
const char *ledger_kind_name(enum ledger_kind k);
const char *ledger_priority_name(enum ledger_priority p);
/* "low"/"normal"/"high" (len bytes) -> *out; false for anything else. */
bool	ledger_priority_parse(const char *s, size_t len, enum ledger_priority *out);

/* True when s[0..len) is a user id: 1..128 characters of [A-Za-z0-9_.:@-]. */
bool	ledger_user_id_valid(const char *s, size_t len);

/* Writes unix time t as "YYYY-MM-DDTHH:MM:SSZ" (out >= 21 bytes; "" if it
 * does not fit). */
void	ledger_iso_time(int64_t t, char *out, size_t cap);

#endif
