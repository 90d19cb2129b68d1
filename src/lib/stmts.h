/*
 * stmts.h - every SQL statement of chainbridge, indexed by enum stmt.
 *
 * One table for all binaries: each prepares only what it uses (db.c
 * prepares on first use).  Statements take their values through '?'
 * placeholders only.  Column order of each SELECT is part of its contract
 * and noted beside it in stmts.c.
 */
#ifndef CB_STMTS_H
#define CB_STMTS_H

enum stmt {
	/* health */
	ST_PING,
	/* migrations */
	ST_MIG_LIST,
	ST_MIG_INSERT,
	ST_MIG_LOCK,
	ST_MIG_UNLOCK,
	/* tokens */
	ST_TOKEN_INSERT,
	ST_TOKEN_UPDATE,
	ST_TOKEN_GET,
	ST_TOKEN_LIST,
	ST_TOKEN_HAS_LEDGER,
	/* batch strategies */
	ST_STRATEGY_UPSERT,
	ST_STRATEGY_GET,
	/* reasons */
	ST_REASON_UPSERT,
	ST_REASON_GET,
	ST_REASON_LIST,
	/* api keys */
	ST_APIKEY_INSERT,
	ST_APIKEY_LIST,
	ST_APIKEY_REVOKE,
	ST_APIKEY_BY_PREFIX,
	/* api metrics and health */
	ST_METRICS_PENDING,
	ST_METRICS_BATCHES,
	ST_SYNC_LAG,
	ST__MAX
};

extern const char *const stmts_sql[ST__MAX];

#endif
