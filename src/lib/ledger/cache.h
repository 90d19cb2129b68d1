/*
 * cache.h - registry look-ups through a short per-process cache: tokens,
 * reasons and batch strategies, and each token's settlement estimate.
 *
 * An API worker serves one request at a time, so the cache is plain
 * process state (not for threads).  Entries live LEDGER_CACHE_TTL_MS:
 * a registry change made elsewhere is seen within that time, and a
 * process that made one itself calls ledger_cache_flush().  Negative
 * answers are never cached.  Writes never trust the cache blindly: what
 * could go wrong with a stale entry is checked again inside the write's
 * transaction (docs/api.md).
 */
#ifndef CB_LEDGER_CACHE_H
#define CB_LEDGER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "store/db.h"
#include "store/registry.h"

/* How long an entry is reused before it is read again. */
#define LEDGER_CACHE_TTL_MS	1000

/*
 * The token called symbol (len bytes), the reason called name, the
 * strategy of token_id (the defaults when none is stored).  Return CB_OK
 * with *out filled, CB_ERR_NOT_FOUND (tokens, reasons) or a store error.
 */
enum cb_err ledger_token_get(struct db *db, const char *symbol, size_t len,
	    struct token *out);
enum cb_err ledger_reason_get(struct db *db, const char *name, size_t len,
	    struct reason *out);
enum cb_err ledger_strategy_get(struct db *db, uint32_t token_id,
	    struct strategy *out);

/* Forgets every cached entry (after a registry change in this process). */
void	ledger_cache_flush(void);

/*
 * Seconds until the chain daemon's next pass for token tok: the
 * poll_interval_ms of cfg's [chain] section named like the token's chain,
 * rounded up; CONFIG_POLL_INTERVAL_MS_DEFAULT when there is none (or cfg
 * is NULL).
 */
unsigned ledger_poll_seconds(const struct config *cfg, const struct token *tok);

/*
 * The cached settlement estimate of token tok as it stands now (for
 * reads), in unix seconds (src/lib/ledger/rule.h).  Returns CB_OK or a
 * store error.
 */
enum cb_err ledger_token_estimate(struct db *db, const struct config *cfg,
	    const struct token *tok, int64_t *out);

#endif
