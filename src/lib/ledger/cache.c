/* cache.c - the per-process registry cache (cache.h). */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "core/monotime.h"
#include "ledger/cache.h"
#include "ledger/rule.h"

#define LEDGER_CACHE_SLOTS	32

struct cache_token {
	bool		used;
	uint64_t	at;
	struct token	token;
};

struct cache_reason {
	bool		used;
	uint64_t	at;
	struct reason	reason;
};

struct cache_strategy {
	bool		used;
	uint64_t	at;
	uint32_t	token_id;
	struct strategy	strategy;
};

struct cache_estimate {
	bool		used;
	uint64_t	at;
	uint32_t	token_id;
	int64_t		estimate;
};

static struct cache_token	cache_tokens[LEDGER_CACHE_SLOTS];
static struct cache_reason	cache_reasons[LEDGER_CACHE_SLOTS];
static struct cache_strategy	cache_strategies[LEDGER_CACHE_SLOTS];
static struct cache_estimate	cache_estimates[LEDGER_CACHE_SLOTS];

static bool
cache_fresh(bool used, uint64_t at, uint64_t now)
{
	return used && now - at < LEDGER_CACHE_TTL_MS;
}

/* The slot to overwrite: a free or stale one, else the oldest. */
#define CACHE_PICK_SLOT(arr, now, out) do {				\
	size_t i_, best_ = 0;						\
	for (i_ = 0; i_ < LEDGER_CACHE_SLOTS; i_++) {			\
		if (!cache_fresh((arr)[i_].used, (arr)[i_].at, (now))) {	\
			best_ = i_;					\
			break;						\
		}							\
		if ((arr)[i_].at < (arr)[best_].at)			\
			best_ = i_;					\
	}								\
	(out) = &(arr)[best_];						\
} while (0)

void
ledger_cache_flush(void)
{
	memset(cache_tokens, 0, sizeof(cache_tokens));
	memset(cache_reasons, 0, sizeof(cache_reasons));
	memset(cache_strategies, 0, sizeof(cache_strategies));
	memset(cache_estimates, 0, sizeof(cache_estimates));
}

enum cb_err
ledger_token_get(struct db *db, const char *symbol, size_t len, struct token *out)
{
	struct cache_token *slot;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_tokens[i];
		if (cache_fresh(slot->used, slot->at, now) &&
		    strlen(slot->token.symbol) == len &&
		    memcmp(slot->token.symbol, symbol, len) == 0) {
			*out = slot->token;
			return CB_OK;
		}
	}
	if ((rc = registry_token_get(db, symbol, len, out)) != CB_OK)
		return rc;
	CACHE_PICK_SLOT(cache_tokens, now, slot);
	slot->used = true;
	slot->at = now;
	slot->token = *out;
	return CB_OK;
}

enum cb_err
ledger_reason_get(struct db *db, const char *name, size_t len, struct reason *out)
{
	struct cache_reason *slot;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_reasons[i];
		if (cache_fresh(slot->used, slot->at, now) &&
		    strlen(slot->reason.name) == len &&
		    memcmp(slot->reason.name, name, len) == 0) {
			*out = slot->reason;
			return CB_OK;
		}
	}
	if ((rc = registry_reason_get(db, name, len, out)) != CB_OK)
		return rc;
	CACHE_PICK_SLOT(cache_reasons, now, slot);
	slot->used = true;
	slot->at = now;
	slot->reason = *out;
	return CB_OK;
}

enum cb_err
ledger_strategy_get(struct db *db, uint32_t token_id, struct strategy *out)
{
	struct cache_strategy *slot;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_strategies[i];
		if (cache_fresh(slot->used, slot->at, now) && slot->token_id == token_id) {
			*out = slot->strategy;
			return CB_OK;
		}
	}
	if ((rc = registry_strategy_get(db, token_id, out)) != CB_OK)
		return rc;
	CACHE_PICK_SLOT(cache_strategies, now, slot);
	slot->used = true;
	slot->at = now;
	slot->token_id = token_id;
	slot->strategy = *out;
	return CB_OK;
}

unsigned
ledger_poll_seconds(const struct config *cfg, const struct token *tok)
{
	const struct chain_config *chain = cfg ? config_chain(cfg, tok->chain) : NULL;
	unsigned ms = chain ? chain->poll_interval_ms : CONFIG_POLL_INTERVAL_MS_DEFAULT;

	return (ms + 999) / 1000;
}

enum cb_err
ledger_token_estimate(struct db *db, const struct config *cfg,
    const struct token *tok, int64_t *out)
{
	struct cache_estimate *slot;
	struct settle_outlook sync;
	struct strategy st;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_estimates[i];
		if (cache_fresh(slot->used, slot->at, now) && slot->token_id == tok->id) {
			*out = slot->estimate;
			return CB_OK;
		}
	}
	if ((rc = ledger_strategy_get(db, tok->id, &st)) != CB_OK ||
	    (rc = settle_outlook_read(db, tok, &st, &sync)) != CB_OK)
		return rc;
	*out = settle_estimate(&st, &sync, ledger_poll_seconds(cfg, tok));
	CACHE_PICK_SLOT(cache_estimates, now, slot);
	slot->used = true;
	slot->at = now;
	slot->token_id = tok->id;
	slot->estimate = *out;
	return CB_OK;
}
