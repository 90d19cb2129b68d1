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
#include "ledger/rule.h"
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

/*
 * The settlement outlook of each token as a writer last read it, reused
 * for up to LEDGER_OUTLOOK_TTL_MS: a write's blockchain_sync figures
 * (estimated_sync_time, current_batch_size, docs/api.md) are informational,
 * and reading the outlook anew for every write cost a bounded but heavy
 * query per write.  A reused outlook is the store's as it was when read,
 * its clock (now) included: what other writes added since is not in it,
 * and an estimate made from it may be up to a second early.
 *
 * A cache belongs to one writer (an API worker, a probe thread) and is
 * not shared between threads; zero it (or use LEDGER_OUTLOOK_CACHE_INIT)
 * before first use.  Balances never come from here.
 */
#define LEDGER_OUTLOOK_TTL_MS	1000
#define LEDGER_OUTLOOK_SLOTS	16

struct ledger_outlook_cache {
	struct {
		uint32_t		 token_id;
		uint64_t		 read_ms;	/* monotime_ms(); 0 = empty */
		struct settle_outlook	 outlook;
	} slot[LEDGER_OUTLOOK_SLOTS];
};

#define LEDGER_OUTLOOK_CACHE_INIT	{ .slot = { { 0 } } }

/*
 * The outlook of token tok under strategy st: from cache when read less
 * than LEDGER_OUTLOOK_TTL_MS ago, else read from the store (one bounded
 * query, settle_outlook_read) and kept.  cache may be NULL: read every
 * time.  Returns CB_OK with *out filled, or a store error (nothing kept).
 */
enum cb_err ledger_outlook_get(struct ledger_outlook_cache *cache, struct db *db,
	    const struct token *tok, const struct strategy *st,
	    struct settle_outlook *out);

#endif
