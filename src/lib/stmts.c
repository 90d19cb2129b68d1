/* stmts.c - the SQL of chainbridge, one entry per enum stmt. */
#include "config.h"

#include "stmts.h"

#define TOKEN_COLS \
	"id, chain, chain_id, symbol, name, address, decimals, settlement, features, enabled"

const char *const stmts_sql[ST__MAX] = {
	[ST_PING] = "SELECT 1",

	/* -> version, name, checksum, applied_at */
	[ST_MIG_LIST] =
	    "SELECT version, name, checksum, DATE_FORMAT(applied_at, '%Y-%m-%dT%H:%i:%sZ')"
	    " FROM schema_migrations ORDER BY version",
	[ST_MIG_INSERT] =
	    "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
	/* A named lock, so two migrate runs never interleave. */
	[ST_MIG_LOCK] = "SELECT GET_LOCK('chainbridge_migrate', 60)",
	[ST_MIG_UNLOCK] = "SELECT RELEASE_LOCK('chainbridge_migrate')",

	[ST_TOKEN_INSERT] =
	    "INSERT INTO tokens (chain, chain_id, symbol, name, address, decimals,"
	    " settlement, features, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_TOKEN_UPDATE] =
	    "UPDATE tokens SET chain = ?, chain_id = ?, name = ?, address = ?,"
	    " decimals = ?, settlement = ?, features = ?, enabled = ? WHERE symbol = ?",
	/* -> TOKEN_COLS */
	[ST_TOKEN_GET] = "SELECT " TOKEN_COLS " FROM tokens WHERE symbol = ?",
	[ST_TOKEN_LIST] = "SELECT " TOKEN_COLS " FROM tokens ORDER BY symbol",
	[ST_TOKEN_HAS_LEDGER] =
	    "SELECT EXISTS (SELECT 1 FROM balance_changes WHERE token_id = ?)",

	[ST_STRATEGY_UPSERT] =
	    "INSERT INTO batch_strategies (token_id, max_batch_size, max_wait_seconds,"
	    " min_batch_size, value_threshold, priority_reasons) VALUES (?, ?, ?, ?, ?, ?)"
	    " ON DUPLICATE KEY UPDATE max_batch_size = VALUES(max_batch_size),"
	    " max_wait_seconds = VALUES(max_wait_seconds),"
	    " min_batch_size = VALUES(min_batch_size),"
	    " value_threshold = VALUES(value_threshold),"
	    " priority_reasons = VALUES(priority_reasons)",
	/* -> max_batch_size, max_wait_seconds, min_batch_size, value_threshold, priority_reasons */
	[ST_STRATEGY_GET] =
	    "SELECT max_batch_size, max_wait_seconds, min_batch_size, value_threshold,"
	    " priority_reasons FROM batch_strategies WHERE token_id = ?",

	[ST_REASON_UPSERT] =
	    "INSERT INTO reason_types (name, description, allowed_metadata, auto_batch,"
	    " triggers_settlement, enabled) VALUES (?, ?, ?, ?, ?, ?)"
	    " ON DUPLICATE KEY UPDATE description = VALUES(description),"
	    " allowed_metadata = VALUES(allowed_metadata),"
	    " auto_batch = VALUES(auto_batch), triggers_settlement = VALUES(triggers_settlement),"
	    " enabled = VALUES(enabled)",
	/* -> name, description, allowed_metadata, auto_batch, triggers_settlement, enabled */
	[ST_REASON_GET] =
	    "SELECT name, description, allowed_metadata, auto_batch, triggers_settlement, enabled"
	    " FROM reason_types WHERE name = ?",
	[ST_REASON_LIST] =
	    "SELECT name, description, allowed_metadata, auto_batch, triggers_settlement, enabled"
	    " FROM reason_types ORDER BY name",

	[ST_APIKEY_INSERT] =
	    "INSERT INTO api_keys (name, prefix, key_hash, scopes) VALUES (?, ?, ?, ?)",
	/* -> id, name, prefix, scopes, created_at, revoked_at */
	[ST_APIKEY_LIST] =
	    "SELECT id, name, prefix, scopes,"
	    " DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'),"
	    " DATE_FORMAT(revoked_at, '%Y-%m-%dT%H:%i:%sZ') FROM api_keys ORDER BY id",
	[ST_APIKEY_REVOKE] =
	    "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP(6)"
	    " WHERE name = ? AND revoked_at IS NULL",
	/* -> id, key_hash, scopes (only keys not revoked) */
	[ST_APIKEY_BY_PREFIX] =
	    "SELECT id, key_hash, scopes FROM api_keys"
	    " WHERE prefix = ? AND revoked_at IS NULL",

	/* -> symbol, changes, amount (unsettled changes per token) */
	[ST_METRICS_PENDING] =
	    "SELECT t.symbol, COUNT(c.id), COALESCE(SUM(c.amount), 0)"
	    " FROM tokens t JOIN balance_changes c ON c.token_id = t.id"
	    " AND c.status IN ('recorded', 'awaiting_wallet')"
	    " GROUP BY t.symbol ORDER BY t.symbol",
	/* -> status, count */
	[ST_METRICS_BATCHES] =
	    "SELECT status, COUNT(*) FROM settlement_batches GROUP BY status"
	    " ORDER BY status",
	/* -> chain_id, last_block, head_block, lag (NULL when unknown) */
	[ST_SYNC_LAG] =
	    "SELECT chain_id, last_block, head_block,"
	    " CASE WHEN head_block IS NULL OR last_block IS NULL THEN NULL"
	    " WHEN head_block > last_block THEN head_block - last_block ELSE 0 END"
	    " FROM sync_checkpoints ORDER BY chain_id",
};
