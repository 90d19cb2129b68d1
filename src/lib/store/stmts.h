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
	/* ledger writes (src/api/ledger.c, idempotency.c) */
	ST_IDEM_GET,
	ST_IDEM_WAIT_SHORT,
	ST_IDEM_INSERT,
	ST_IDEM_WAIT_RESTORE,
	ST_IDEM_FINISH,
	ST_IDEM_PURGE,
	ST_LEDGER_LOCK_BALANCES,
	ST_LEDGER_CREATE_BALANCES,
	ST_LEDGER_OP_INSERT,
	ST_LEDGER_CHANGES_INSERT,
	ST_LEDGER_BALANCES_UPSERT,
	ST_LEDGER_PENDING_STATS,
	/* ledger reads */
	ST_BALANCE_LIST,
	ST_BALANCE_GET,
	ST_HISTORY_USER,
	ST_HISTORY_USER_TOKEN,
	ST_OPERATION_GET,
	ST_OPERATION_CHANGES,
	ST_BATCH_LIST,
	ST_BATCH_LIST_TOKEN,
	ST_BATCH_LIST_STATUS,
	ST_BATCH_LIST_TOKEN_STATUS,
	ST_BATCH_GET,
	ST_BATCH_ITEMS,
	ST_BATCH_ATTEMPTS,
	ST_BATCH_CHANGES_COUNT,
	/* wallets */
	ST_WALLET_LOCK,
	ST_WALLET_OWNER,
	ST_WALLET_INSERT,
	ST_WALLET_UPDATE,
	ST_WALLET_SETTLED,
	ST_WALLET_LIST,
	ST_CHAIN_HAS_TOKEN,
	/* chain daemon: lease and status (src/chaind/lease.c, status.c) */
	ST_LEASE_PEEK,
	ST_LEASE_LOCK,
	ST_LEASE_INSERT,
	ST_LEASE_TAKE,
	ST_LEASE_RENEW,
	ST_LEASE_FENCE,
	ST_LEASE_RELEASE,
	ST_DAEMON_HEARTBEAT,
	ST_DAEMON_COUNTER_ADD,
	ST_ISSUE_FIND_OPEN,
	ST_ISSUE_INSERT,
	ST_ISSUE_UPDATE,
	ST_ISSUE_RESOLVE,
	ST__MAX
};

extern const char *const stmts_sql[ST__MAX];

#endif
