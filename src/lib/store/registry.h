/*
 * registry.h - tokens, batch strategies and reasons: validation and
 * storage shared by chainbridge-admin and the API's admin routes.
 *
 * Save functions validate everything first and write nothing on a
 * validation error; they return CB_ERR_INVALID with a one-line message
 * (naming the field) in errbuf.  They run inside the caller's connection;
 * wrap them in db_txn() where atomicity with other writes matters.
 */
#ifndef CB_REGISTRY_H
#define CB_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/address.h"
#include "money/amount.h"
#include "store/db.h"
#include "core/err.h"

#define TOKEN_SYMBOL_MAX	20
#define TOKEN_NAME_MAX		100
#define CHAIN_NAME_MAX		32
#define REASON_NAME_MAX		50
#define REASON_DESC_MAX		255
#define REASON_META_KEYS_MAX	32
#define REASON_META_KEY_MAX	64
#define STRATEGY_PRIORITY_MAX	16

enum token_settlement {
	TOKEN_SETTLE_PLAIN = 0,	/* batchMint(address[],uint256[]) */
	TOKEN_SETTLE_KEYED,	/* batchMint(bytes32,address[],uint256[]) */
	TOKEN_SETTLE__MAX
};

enum token_feature {
	TOKEN_FEAT_MINTABLE = 1 << 0,
	TOKEN_FEAT_BURNABLE = 1 << 1,
	TOKEN_FEAT_PAUSABLE = 1 << 2,
	TOKEN_FEAT_TRANSFER = 1 << 3,
};

struct token {
	uint32_t		id;
	char			chain[CHAIN_NAME_MAX + 1];
	uint64_t		chain_id;
	char			symbol[TOKEN_SYMBOL_MAX + 1];
	char			name[TOKEN_NAME_MAX + 1];
	struct address		address;
	unsigned		decimals;
	enum token_settlement	settlement;
	unsigned		features;	/* TOKEN_FEAT_* bits */
	bool			enabled;
};

struct strategy {
	bool		is_default;	/* no row stored: built-in defaults */
	uint32_t	max_batch_size;
	uint32_t	max_wait_seconds;
	uint32_t	min_batch_size;
	bool		has_threshold;
	struct amount	value_threshold; /* base units, > 0 */
	unsigned	npriority;
	char		priority_reasons[STRATEGY_PRIORITY_MAX][REASON_NAME_MAX + 1];
};

struct reason {
	char		name[REASON_NAME_MAX + 1];
	char		description[REASON_DESC_MAX + 1];
	bool		any_metadata;	/* no restriction on metadata keys */
	unsigned	nallowed;
	char		allowed[REASON_META_KEYS_MAX][REASON_META_KEY_MAX + 1];
	bool		auto_batch;
	bool		high_priority;
	bool		enabled;
};

/* Built-in strategy used when a token has none stored (docs/settlement.md). */
#define STRATEGY_DEFAULT_MAX_BATCH	50
#define STRATEGY_DEFAULT_MAX_WAIT	900
#define STRATEGY_DEFAULT_MIN_BATCH	1

/* Symbol: 1..20 of [A-Za-z0-9._-]. Chain name: 1..32 of [a-z0-9_-]. Reason: 1..50 of [a-z0-9_]. */
bool		 registry_symbol_valid(const char *s, size_t len);
bool		 registry_chain_name_valid(const char *s, size_t len);
bool		 registry_reason_name_valid(const char *s, size_t len);

/* "mintable,burnable" -> TOKEN_FEAT_* bits (empty string is 0); -1 on an unknown name. */
int		 registry_features_parse(const char *s, size_t len);
const char	*registry_features_format(unsigned bits, char *out, size_t cap);
/* "plain"/"keyed" -> settlement; -1 otherwise. */
int		 registry_settlement_parse(const char *s, size_t len);
const char	*registry_settlement_name(enum token_settlement);

/* Fill *out from a row of ST_TOKEN_GET / ST_TOKEN_LIST. CB_ERR_DB on a malformed row. */
enum cb_err	 registry_token_from_row(const struct db_row *row, struct token *out);
/* CB_ERR_NOT_FOUND when no token has that symbol. */
enum cb_err	 registry_token_get(struct db *, const char *symbol, size_t len, struct token *out);
/*
 * Create (create=true) or update the token named t->symbol.  Update refuses
 * to change decimals once ledger rows exist for the token (base units would
 * change meaning); it runs in a transaction of its own (not inside the
 * caller's) that holds the token row exclusively, so the check and the
 * change are atomic against the ledger writes of the token, which hold it
 * shared (src/lib/ledger/write.c).  CB_ERR_CONFLICT: symbol exists on
 * create, or the address is registered under another symbol.
 * CB_ERR_NOT_FOUND on update of an unknown symbol.  On success t->id is
 * set.
 */
enum cb_err	 registry_token_save(struct db *, struct token *t, bool create,
		    char *errbuf, size_t errlen);

void		 registry_strategy_default(struct strategy *out);
/* The stored strategy of token_id, or the defaults (is_default set). */
enum cb_err	 registry_strategy_get(struct db *, uint32_t token_id, struct strategy *out);
/* Validates (1 <= min <= max <= 100000, 1 <= wait <= 604800, priority reasons registered). */
enum cb_err	 registry_strategy_save(struct db *, uint32_t token_id, const struct strategy *s,
		    char *errbuf, size_t errlen);

enum cb_err	 registry_reason_from_row(const struct db_row *row, struct reason *out);
enum cb_err	 registry_reason_get(struct db *, const char *name, size_t len, struct reason *out);
enum cb_err	 registry_reason_save(struct db *, const struct reason *r, char *errbuf, size_t errlen);
/* True when metadata key (len bytes) is allowed by r. */
bool		 registry_reason_allows(const struct reason *r, const char *key, size_t len);

#endif
