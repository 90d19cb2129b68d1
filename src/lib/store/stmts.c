/*
 * stmts.c - the SQL of chainbridge, one entry per enum stmt.  The columns
 * of each SELECT are named by an enum of stmts.h and counted in
 * stmts_cols[] at the end: change them together (test_store_stmts checks
 * the counts against the server).
 */
#include "config.h"

#include "store/idempotency.h"
#include "store/stmts.h"

#define TOKEN_COLS \
	"id, chain, chain_id, symbol, name, address, decimals, settlement, features, enabled"

/* ISO-8601 UTC with Z (sessions run with time_zone '+00:00'). */
#define ISO_TS(col)	"DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"

/*
 * Multi-row ledger writes take their rows as one JSON array bound to a
 * single placeholder and unpacked by JSON_TABLE: any number of rows in one
 * round trip, still values only through placeholders.  The character set of
 * the key columns matches user_balances so the join uses the primary key.
 * STRAIGHT_JOIN makes the array drive the join, so rows are locked in the
 * array's order (the caller sorts it).
 */
#define JT_USER		"VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin"
#define JT_KEYS \
	"JSON_TABLE(?, '$[*]' COLUMNS (u " JT_USER " PATH '$[0]'," \
	" t INT UNSIGNED PATH '$[1]')) j"

#define BATCH_COLS \
	"b.id, b.round_id, t.symbol, t.decimals, b.chain_id, b.op, b.status," \
	" b.trigger_reason, b.items_count, b.total, LOWER(HEX(b.batch_key))," \
	" LOWER(HEX(b.signer)), b.nonce, b.gas_limit, b.gas_used," \
	" LOWER(HEX(b.tx_hash)), b.block_number, LOWER(HEX(b.block_hash))," \
	" b.revert_count, b.last_error, " ISO_TS("b.created_at") ", " \
	ISO_TS("b.submitted_at") ", " ISO_TS("b.confirmed_at") ", " \
	ISO_TS("b.updated_at")
#define BATCH_FROM \
	" FROM settlement_batches b JOIN tokens t ON t.id = b.token_id"

#define HISTORY_COLS \
	"c.id, o.operation_uuid, " ISO_TS("c.created_at") ", c.amount," \
	" c.balance_before, c.balance_after, c.reason_type, c.reason_detail," \
	" c.metadata, c.status, LOWER(HEX(COALESCE(c.tx_hash, sb.tx_hash))), t.symbol," \
	" t.decimals, c.batch_id"
/*
 * History pages: the page of changes is picked by a derived table of its
 * own (newest first from ix_changes_user / ix_changes_user_token, stopping
 * at the limit) before anything is joined to it.
 */
#define HISTORY_PAGE \
	"SELECT id, operation_id, created_at, amount, balance_before, balance_after," \
	" reason_type, reason_detail, metadata, status, tx_hash, token_id, batch_id" \
	" FROM balance_changes"
#define HISTORY_JOIN \
	" JOIN operations o ON o.id = c.operation_id" \
	" JOIN tokens t ON t.id = c.token_id" \
	" LEFT JOIN settlement_batches sb ON sb.id = c.batch_id ORDER BY c.id DESC"

/* The time as DATETIME text: balance.c formats it (the most frequent
 * read; the store's DATE_FORMAT is dearer than the C). */
#define BALANCE_COLS \
	"t.symbol, t.decimals, b.token_id, b.confirmed_balance, b.pending_balance," \
	" b.last_sync_at"

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

	/* -> symbol, changes, amount (unsettled changes per token; 0, 0 for
	 * a token with none) */
	[ST_METRICS_PENDING] =
	    "SELECT t.symbol, COUNT(c.id), COALESCE(SUM(c.amount), 0)"
	    " FROM tokens t LEFT JOIN balance_changes c ON c.token_id = t.id"
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

	/* -> request_hash, status_code, response_body, operation_id */
	[ST_IDEM_GET] =
	    "SELECT request_hash, status_code, response_body, operation_id"
	    " FROM idempotency_keys WHERE api_key_id = ? AND idem_key = ?",
	/* The placeholder row: its primary key makes a concurrent duplicate
	 * wait for this transaction. */
#define IDEM_INSERT \
	    "INSERT INTO idempotency_keys (api_key_id, idem_key, request_hash," \
	    " status_code, response_body) VALUES (?, ?, ?, 0, '')"
	[ST_IDEM_INSERT] = IDEM_INSERT,
	/* The same, where a duplicate waits for the request in flight at most
	 * IDEMPOTENCY_WAIT_SECONDS (when the session's own lock wait is
	 * longer): one statement, one round trip, the session untouched.  SET
	 * STATEMENT takes no placeholder, hence the constant. */
	[ST_IDEM_INSERT_SHORT] =
	    "SET STATEMENT innodb_lock_wait_timeout = " IDEMPOTENCY_WAIT_SQL " FOR "
	    IDEM_INSERT,
#undef IDEM_INSERT
	[ST_IDEM_FINISH] =
	    "UPDATE idempotency_keys SET status_code = ?, response_body = ?,"
	    " operation_id = ? WHERE api_key_id = ? AND idem_key = ?",
	/* (retention in seconds, max rows): the oldest first, along
	 * ix_idempotency_created, so a chunk reads only what it deletes */
	[ST_IDEM_PURGE] =
	    "DELETE FROM idempotency_keys"
	    " WHERE created_at < NOW(6) - INTERVAL ? SECOND ORDER BY created_at LIMIT ?",

	/* ([[user_id, token_id], ...]) -> user_id, token_id, confirmed, pending */
	[ST_LEDGER_LOCK_BALANCES] =
	    "SELECT b.user_id, b.token_id, b.confirmed_balance, b.pending_balance"
	    " FROM " JT_KEYS " STRAIGHT_JOIN user_balances b"
	    " ON b.user_id = j.u AND b.token_id = j.t FOR UPDATE",
	/* Creates the missing rows; an existing one (made concurrently) is
	 * locked exclusively by the no-op update instead of shared. */
	[ST_LEDGER_CREATE_BALANCES] =
	    "INSERT INTO user_balances (user_id, token_id) SELECT j.u, j.t FROM " JT_KEYS
	    " ON DUPLICATE KEY UPDATE user_id = user_balances.user_id",
	[ST_LEDGER_OP_INSERT] =
	    "INSERT INTO operations (operation_uuid, api_key_id, kind, client_batch_id,"
	    " priority, context, changes_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/*
	 * (operation id, [[position, user_id, token_id, amount, before, after,
	 * reason, detail, decimals, metadata?], ...]).  A row is inserted only
	 * while its token still has the decimals the write validated its
	 * amount with: the token row is read with a shared lock, which a
	 * decimals change (ST_TOKEN_LOCK) must wait for, and which the foreign
	 * key check takes anyway, so it costs no extra round trip.  Fewer rows
	 * than sent means a token changed under the write.
	 */
	[ST_LEDGER_CHANGES_INSERT] =
	    "INSERT INTO balance_changes (operation_id, position, user_id, token_id,"
	    " amount, balance_before, balance_after, reason_type, reason_detail, metadata)"
	    " SELECT ?, j.p, j.u, j.t, j.a, j.bb, j.ba, j.r, j.d, j.m"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " p SMALLINT UNSIGNED PATH '$[0]', u " JT_USER " PATH '$[1]',"
	    " t INT UNSIGNED PATH '$[2]', a DECIMAL(65,0) PATH '$[3]',"
	    " bb DECIMAL(65,0) PATH '$[4]', ba DECIMAL(65,0) PATH '$[5]',"
	    " r VARCHAR(50) CHARACTER SET ascii COLLATE ascii_bin PATH '$[6]',"
	    " d TEXT CHARACTER SET utf8mb4 PATH '$[7]', td TINYINT UNSIGNED PATH '$[8]',"
	    " m JSON PATH '$[9]')) j"
	    " STRAIGHT_JOIN tokens k ON k.id = j.t AND k.decimals = j.td LOCK IN SHARE MODE",
	/* ([[user_id, token_id, pending], ...]); the rows exist and are locked. */
	[ST_LEDGER_BALANCES_UPSERT] =
	    "INSERT INTO user_balances (user_id, token_id, pending_balance)"
	    " SELECT j.u, j.t, j.p FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " u " JT_USER " PATH '$[0]', t INT UNSIGNED PATH '$[1]',"
	    " p DECIMAL(65,0) PATH '$[2]')) j"
	    " ON DUPLICATE KEY UPDATE pending_balance = VALUES(pending_balance),"
	    " last_change_at = CURRENT_TIMESTAMP(6)",
	/*
	 * The same for one balance row and one change, the most common write
	 * (an adjustment, a deduction): plain placeholders instead of a
	 * JSON_TABLE, which the store builds, plans and unpacks anew at every
	 * execution.  Same rows, same locks, same order.
	 */
	/* (user_id, token_id) -> enum lock_col */
	[ST_LEDGER_LOCK_ONE] =
	    "SELECT b.user_id, b.token_id, b.confirmed_balance, b.pending_balance"
	    " FROM user_balances b WHERE b.user_id = ? AND b.token_id = ? FOR UPDATE",
	/* (user_id, token_id) */
	[ST_LEDGER_CREATE_ONE] =
	    "INSERT INTO user_balances (user_id, token_id) VALUES (?, ?)"
	    " ON DUPLICATE KEY UPDATE user_id = user_balances.user_id",
	/* (operation id, position, user_id, amount, before, after, reason,
	 * detail, metadata or NULL, token_id, decimals): no row when the
	 * token's decimals changed (as ST_LEDGER_CHANGES_INSERT) */
	[ST_LEDGER_CHANGE_INSERT_ONE] =
	    "INSERT INTO balance_changes (operation_id, position, user_id, token_id,"
	    " amount, balance_before, balance_after, reason_type, reason_detail, metadata)"
	    " SELECT ?, ?, ?, k.id, ?, ?, ?, ?, ?, ? FROM tokens k"
	    " WHERE k.id = ? AND k.decimals = ? LOCK IN SHARE MODE",
	/* (pending, user_id, token_id); the row exists and is locked.  Along
	 * the primary key, as it was locked: left alone, the planner walks
	 * ix_user_balances_token and locks its entry too. */
	[ST_LEDGER_BALANCE_UPDATE_ONE] =
	    "UPDATE user_balances FORCE INDEX (PRIMARY) SET pending_balance = ?,"
	    " last_change_at = CURRENT_TIMESTAMP(6) WHERE user_id = ? AND token_id = ?",
	/*
	 * (priority reasons JSON array, token_id, max rows) -> count,
	 * sum of |amount|, oldest created_at (unix s, NULL if none),
	 * any priority (0/1: a priority reason, a reason without auto_batch, a
	 * high-priority request), now (unix s).  Looks at the oldest max rows
	 * unsettled ('recorded') changes only, so its cost is bounded.
	 */
	[ST_LEDGER_PENDING_STATS] =
	    "SELECT COUNT(*), COALESCE(SUM(ABS(c.amount)), 0),"
	    " FLOOR(UNIX_TIMESTAMP(MIN(c.created_at))),"
	    " COALESCE(MAX(r.triggers_settlement OR NOT r.auto_batch"
	    " OR o.priority = 'high'"
	    " OR JSON_CONTAINS(?, JSON_QUOTE(c.reason_type))), 0), UNIX_TIMESTAMP()"
	    /* The bounded scan is a derived table of its own, so the planner
	     * reads it from ix_changes_pending before joining. */
	    " FROM (SELECT id, amount, created_at, operation_id, reason_type"
	    " FROM balance_changes WHERE token_id = ? AND status = 'recorded'"
	    " ORDER BY id LIMIT ?) c"
	    " JOIN operations o ON o.id = c.operation_id"
	    " JOIN reason_types r ON r.name = c.reason_type",

	/* (user_id) -> BALANCE_COLS, in no order (balance.c sorts by symbol) */
	[ST_BALANCE_LIST] =
	    "SELECT " BALANCE_COLS " FROM user_balances b JOIN tokens t ON t.id = b.token_id"
	    " WHERE b.user_id = ?",
	/* (user_id, token_id) -> BALANCE_COLS */
	[ST_BALANCE_GET] =
	    "SELECT " BALANCE_COLS " FROM user_balances b JOIN tokens t ON t.id = b.token_id"
	    " WHERE b.user_id = ? AND b.token_id = ?",
	/* (user_id, before id, limit) -> HISTORY_COLS, newest first */
	[ST_HISTORY_USER] =
	    "SELECT " HISTORY_COLS " FROM (" HISTORY_PAGE
	    " WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?) c" HISTORY_JOIN,
	/* (user_id, token_id, before id, limit) -> HISTORY_COLS */
	[ST_HISTORY_USER_TOKEN] =
	    "SELECT " HISTORY_COLS " FROM (" HISTORY_PAGE
	    " WHERE user_id = ? AND token_id = ? AND id < ? ORDER BY id DESC LIMIT ?) c"
	    HISTORY_JOIN,
	/* (uuid) -> id, uuid, kind, client_batch_id, priority, context,
	 * changes_count, created_at */
	[ST_OPERATION_GET] =
	    "SELECT id, operation_uuid, kind, client_batch_id, priority, context,"
	    " changes_count, " ISO_TS("created_at") " FROM operations WHERE operation_uuid = ?",
	/* (operation id) -> position, user_id, symbol, decimals, amount, before,
	 * after, reason, detail, metadata, status, batch_id, tx hash,
	 * settle_error, updated_at */
	[ST_OPERATION_CHANGES] =
	    "SELECT c.position, c.user_id, t.symbol, t.decimals, c.amount,"
	    " c.balance_before, c.balance_after, c.reason_type, c.reason_detail,"
	    " c.metadata, c.status, c.batch_id, LOWER(HEX(COALESCE(c.tx_hash, sb.tx_hash))),"
	    " c.settle_error, " ISO_TS("c.updated_at")
	    " FROM balance_changes c JOIN tokens t ON t.id = c.token_id"
	    " LEFT JOIN settlement_batches sb ON sb.id = c.batch_id"
	    " WHERE c.operation_id = ? ORDER BY c.position",
	/* Batch lists, newest first: (..., before id, limit) -> BATCH_COLS */
	[ST_BATCH_LIST] =
	    "SELECT " BATCH_COLS BATCH_FROM " WHERE b.id < ? ORDER BY b.id DESC LIMIT ?",
	[ST_BATCH_LIST_TOKEN] =
	    "SELECT " BATCH_COLS BATCH_FROM
	    " WHERE b.token_id = ? AND b.id < ? ORDER BY b.id DESC LIMIT ?",
	[ST_BATCH_LIST_STATUS] =
	    "SELECT " BATCH_COLS BATCH_FROM
	    " WHERE b.status = ? AND b.id < ? ORDER BY b.id DESC LIMIT ?",
	[ST_BATCH_LIST_TOKEN_STATUS] =
	    "SELECT " BATCH_COLS BATCH_FROM
	    " WHERE b.token_id = ? AND b.status = ? AND b.id < ? ORDER BY b.id DESC LIMIT ?",
	/* (id) -> BATCH_COLS */
	[ST_BATCH_GET] = "SELECT " BATCH_COLS BATCH_FROM " WHERE b.id = ?",
	/* (batch id) -> wallet hex, amount */
	[ST_BATCH_ITEMS] =
	    "SELECT LOWER(HEX(wallet)), amount FROM settlement_items"
	    " WHERE batch_id = ? ORDER BY wallet",
	/* (batch id) -> id, nonce, tx hash, max fee, max priority fee,
	 * gas_limit, status, send_error, created_at, sent_at */
	[ST_BATCH_ATTEMPTS] =
	    "SELECT id, nonce, LOWER(HEX(tx_hash)), max_fee_per_gas, max_priority_fee,"
	    " gas_limit, status, send_error, " ISO_TS("created_at") ", " ISO_TS("sent_at")
	    " FROM settlement_attempts WHERE batch_id = ? ORDER BY id",
	/* (batch id) -> number of ledger changes settled by the batch */
	[ST_BATCH_CHANGES_COUNT] =
	    "SELECT COUNT(*) FROM balance_changes WHERE batch_id = ?",

	/* (user_id, chain_id) -> address hex */
	[ST_WALLET_LOCK] =
	    "SELECT LOWER(HEX(address)) FROM wallets WHERE user_id = ? AND chain_id = ?"
	    " FOR UPDATE",
	/* (chain_id, address) -> user_id of the wallet bound there (the
	 * ledger's wallet rebind, src/api/verify.c) */
	[ST_WALLET_OWNER] =
	    "SELECT user_id FROM wallets WHERE chain_id = ? AND address = ?",
	[ST_WALLET_INSERT] =
	    "INSERT INTO wallets (user_id, chain_id, address) VALUES (?, ?, ?)",
	/* (address, user_id, chain_id) */
	[ST_WALLET_UPDATE] =
	    "UPDATE wallets SET address = ? WHERE user_id = ? AND chain_id = ?",
	/* (user_id, chain_id, statuses) -> 1 when a change of the user on that
	 * chain is in one of the statuses, a comma list: those that pin the
	 * wallet, derived from change_status_pins_wallet() (src/lib/ledger/
	 * wallet.c), so the rule lives in one place */
	[ST_WALLET_SETTLED] =
	    "SELECT EXISTS (SELECT 1 FROM balance_changes c JOIN tokens t"
	    " ON t.id = c.token_id WHERE c.user_id = ? AND t.chain_id = ?"
	    " AND FIND_IN_SET(c.status, ?))",
	/* (user_id) -> chain_id, address hex, created_at, updated_at */
	[ST_WALLET_LIST] =
	    "SELECT chain_id, LOWER(HEX(address)), " ISO_TS("created_at") ", "
	    ISO_TS("updated_at") " FROM wallets WHERE user_id = ? ORDER BY chain_id",
	/* (chain_id) -> 1 when a token is registered on the chain */
	[ST_CHAIN_HAS_TOKEN] =
	    "SELECT EXISTS (SELECT 1 FROM tokens WHERE chain_id = ?)",

	/*
	 * The chain daemon's lease (docs/settlement.md).  Times are the
	 * store's (NOW(6)); ttl parameters are in milliseconds.
	 * (name) -> holder, fencing_token, expired (0/1), ms until expiry
	 */
	[ST_LEASE_PEEK] =
	    "SELECT holder, fencing_token, expires_at <= NOW(6),"
	    " TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at) DIV 1000"
	    " FROM leases WHERE name = ?",
	/* The same, locked for a takeover decision. */
	[ST_LEASE_LOCK] =
	    "SELECT holder, fencing_token, expires_at <= NOW(6),"
	    " TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at) DIV 1000"
	    " FROM leases WHERE name = ? FOR UPDATE",
	/* (name, holder, ttl ms) */
	[ST_LEASE_INSERT] =
	    "INSERT INTO leases (name, holder, fencing_token, acquired_at, expires_at)"
	    " VALUES (?, ?, 1, NOW(6), NOW(6) + INTERVAL ? * 1000 MICROSECOND)",
	/* (holder, ttl ms, name, old token): a takeover; the token grows. */
	[ST_LEASE_TAKE] =
	    "UPDATE leases SET holder = ?, fencing_token = fencing_token + 1,"
	    " acquired_at = NOW(6), expires_at = NOW(6) + INTERVAL ? * 1000 MICROSECOND"
	    " WHERE name = ? AND fencing_token = ?",
	/* (ttl ms, name, holder, token): only the holder of that token renews. */
	[ST_LEASE_RENEW] =
	    "UPDATE leases SET expires_at = NOW(6) + INTERVAL ? * 1000 MICROSECOND"
	    " WHERE name = ? AND holder = ? AND fencing_token = ?",
	/*
	 * (name, holder, token) -> 1 while this process holds the lease.  The
	 * shared lock lasts until the caller's transaction ends, and a
	 * takeover needs the row exclusively: no takeover can slip in between
	 * this check and the caller's commit.
	 */
	[ST_LEASE_FENCE] =
	    "SELECT 1 FROM leases WHERE name = ? AND holder = ? AND fencing_token = ?"
	    " LOCK IN SHARE MODE",
	/* (name, holder, token): expire now, so a standby takes over at once. */
	[ST_LEASE_RELEASE] =
	    "UPDATE leases SET expires_at = NOW(6)"
	    " WHERE name = ? AND holder = ? AND fencing_token = ?",
	/* (chain_id, holder, token, version, signer or NULL, signer balance
	 * or NULL, balance low 0/1, head or NULL, stuck nonce or NULL, last
	 * error or NULL) */
	[ST_DAEMON_HEARTBEAT] =
	    "INSERT INTO chain_daemons (chain_id, holder, fencing_token, version,"
	    " started_at, heartbeat_at, signer, signer_balance, signer_balance_low,"
	    " head_block, stuck_nonce, stuck_since, last_error)"
	    " VALUES (?, ?, ?, ?, NOW(6), NOW(6), ?, ?, ?, ?, ?, NULL, ?)"
	    /* Assignments run left to right and later ones see earlier ones:
	     * started_at and stuck_since are decided before the columns they
	     * compare against change. */
	    " ON DUPLICATE KEY UPDATE"
	    " started_at = IF(fencing_token = VALUES(fencing_token)"
	    "   AND holder = VALUES(holder), started_at, NOW(6)),"
	    " stuck_since = IF(VALUES(stuck_nonce) IS NULL, NULL,"
	    "   IF(stuck_nonce <=> VALUES(stuck_nonce) AND stuck_since IS NOT NULL,"
	    "     stuck_since, NOW(6))),"
	    " holder = VALUES(holder), fencing_token = VALUES(fencing_token),"
	    " version = VALUES(version), heartbeat_at = NOW(6), signer = VALUES(signer),"
	    " signer_balance = VALUES(signer_balance),"
	    " signer_balance_low = VALUES(signer_balance_low),"
	    " head_block = VALUES(head_block), stuck_nonce = VALUES(stuck_nonce),"
	    " last_error = VALUES(last_error)",
	/* Consistency findings: at most one open row per (chain, kind, subject).
	 * (chain_id, kind, subject) -> id, expected, actual */
	[ST_ISSUE_FIND_OPEN] =
	    "SELECT id, expected, actual FROM consistency_issues"
	    " WHERE chain_id = ? AND kind = ? AND subject = ? AND resolved_at IS NULL"
	    " ORDER BY id LIMIT 1 FOR UPDATE",
	/* (chain_id, kind, subject, expected, actual) */
	[ST_ISSUE_INSERT] =
	    "INSERT INTO consistency_issues (chain_id, kind, subject, expected, actual)"
	    " VALUES (?, ?, ?, ?, ?)",
	/* (expected, actual, id) */
	[ST_ISSUE_UPDATE] =
	    "UPDATE consistency_issues SET expected = ?, actual = ?,"
	    " detected_at = NOW(6) WHERE id = ?",
	/* (chain_id, kind, subject) */
	[ST_ISSUE_RESOLVE] =
	    "UPDATE consistency_issues SET resolved_at = NOW(6)"
	    " WHERE chain_id = ? AND kind = ? AND subject = ? AND resolved_at IS NULL",
	/* (chain_id, name, label, increment) */
	[ST_DAEMON_COUNTER_ADD] =
	    "INSERT INTO chain_daemon_counters (chain_id, name, label, value)"
	    " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE value = value + VALUES(value)",

	/*
	 * Settlement (docs/settlement.md).  Every write runs inside a
	 * transaction that started with ST_LEASE_FENCE, and names the old
	 * status it moves from (src/lib/ledger/status.c).  Id lists travel
	 * as one JSON array through JSON_TABLE.
	 */
#define JT_IDS	"JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j"
#define JT_WALLETS \
	"JSON_TABLE(?, '$[*]' COLUMNS (w CHAR(40) CHARACTER SET ascii PATH '$')) j"
	/* (chain_id) -> TOKEN_COLS of the chain's enabled tokens */
	[ST_SETTLE_TOKENS] =
	    "SELECT " TOKEN_COLS " FROM tokens WHERE chain_id = ? AND enabled ORDER BY id",
	/* (id) -> TOKEN_COLS */
	[ST_SETTLE_TOKEN_BY_ID] = "SELECT " TOKEN_COLS " FROM tokens WHERE id = ?",
	/* (token_id, token_id) -> 1 when the token has a recorded change, 1
	 * when it has one awaiting a wallet: two index dives, so an idle
	 * token costs one cheap query per pass */
	[ST_SETTLE_TOKEN_ACTIVITY] =
	    "SELECT EXISTS (SELECT 1 FROM balance_changes WHERE token_id = ?"
	    " AND status = 'recorded'), EXISTS (SELECT 1 FROM balance_changes"
	    " WHERE token_id = ? AND status = 'awaiting_wallet')",
	/* (chain_id, token_id, max users) -> user_id: users with changes
	 * awaiting a wallet who have one now */
	[ST_SETTLE_RELEASE_USERS] =
	    "SELECT DISTINCT c.user_id FROM balance_changes c JOIN wallets w"
	    " ON w.user_id = c.user_id AND w.chain_id = ?"
	    " WHERE c.token_id = ? AND c.status = 'awaiting_wallet' LIMIT ?",
	/* (token_id, rows looked at, chain_id, max users) -> user_id: users
	 * among the oldest recorded changes who have no wallet on the chain */
	[ST_SETTLE_WALLETLESS_USERS] =
	    "SELECT DISTINCT c.user_id FROM (SELECT user_id FROM balance_changes"
	    " WHERE token_id = ? AND status = 'recorded' ORDER BY id LIMIT ?) c"
	    " LEFT JOIN wallets w ON w.user_id = c.user_id AND w.chain_id = ?"
	    " WHERE w.user_id IS NULL LIMIT ?",
	/* (new status, user_id, token_id, old status): all of a user's
	 * changes of the token at once, so their order is kept */
	[ST_SETTLE_USER_MOVE] =
	    "UPDATE balance_changes SET status = ? WHERE user_id = ? AND token_id = ?"
	    " AND status = ?",
	/* (token_id) -> 1 when the token has a batch not yet signed */
	[ST_SETTLE_TOKEN_HAS_PENDING] =
	    "SELECT EXISTS (SELECT 1 FROM settlement_batches WHERE token_id = ?"
	    " AND status = 'pending')",
	/* (token_id) -> user_id of users with a change of the token in flight */
	[ST_SETTLE_INFLIGHT_USERS] =
	    "SELECT DISTINCT user_id FROM balance_changes WHERE token_id = ?"
	    " AND status IN ('batched', 'submitted')",
	/*
	 * (chain_id, token_id, max rows) -> id, user_id, amount, wallet
	 * (binary, NULL when none), settle_attempts, seconds since the last
	 * status change.  The oldest recorded changes; their wallets are
	 * locked shared, so the API cannot rebind one until the cut commits
	 * (and then sees the change batched and refuses).
	 */
	[ST_SETTLE_CANDIDATES] =
	    "SELECT c.id, c.user_id, c.amount, w.address, c.settle_attempts,"
	    " TIMESTAMPDIFF(SECOND, c.updated_at, NOW(6))"
	    " FROM balance_changes c LEFT JOIN wallets w"
	    " ON w.user_id = c.user_id AND w.chain_id = ?"
	    " WHERE c.token_id = ? AND c.status = 'recorded' ORDER BY c.id LIMIT ?"
	    " LOCK IN SHARE MODE",
	/* -> the next round id (only the lease holder writes batches) */
	[ST_SETTLE_ROUND_NEXT] =
	    "SELECT COALESCE(MAX(round_id), 0) + 1 FROM settlement_batches",
	/* (round_id, token_id, chain_id, op, trigger, items, total, key) */
	[ST_SETTLE_BATCH_INSERT] =
	    "INSERT INTO settlement_batches (round_id, token_id, chain_id, op, status,"
	    " trigger_reason, items_count, total, batch_key)"
	    " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
	/* (batch_id, [[wallet hex, amount], ...]) */
	[ST_SETTLE_ITEMS_INSERT] =
	    "INSERT INTO settlement_items (batch_id, wallet, amount)"
	    " SELECT ?, UNHEX(j.w), j.a FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " w CHAR(40) CHARACTER SET ascii PATH '$[0]', a DECIMAL(65,0) PATH '$[1]')) j",
	/* ([ids], batch_id) */
	[ST_SETTLE_CHANGES_BATCH] =
	    "UPDATE balance_changes c JOIN " JT_IDS " ON c.id = j.id"
	    " SET c.status = 'batched', c.batch_id = ?, c.settle_error = NULL"
	    " WHERE c.status = 'recorded'",
	/* ([ids]): netted to zero within their cut, settled without a tx */
	[ST_SETTLE_CHANGES_NETTED] =
	    "UPDATE balance_changes c JOIN " JT_IDS " ON c.id = j.id"
	    " SET c.status = 'confirmed', c.netted = TRUE, c.settle_error = NULL"
	    " WHERE c.status = 'recorded'",
	/* (chain_id, signer) -> next_nonce */
	[ST_SETTLE_NONCE_GET] =
	    "SELECT next_nonce FROM signer_nonces WHERE chain_id = ? AND signer = ?",
	[ST_SETTLE_NONCE_LOCK] =
	    "SELECT next_nonce FROM signer_nonces WHERE chain_id = ? AND signer = ?"
	    " FOR UPDATE",
	/* (chain_id, signer, next_nonce) */
	[ST_SETTLE_NONCE_INSERT] =
	    "INSERT INTO signer_nonces (chain_id, signer, next_nonce) VALUES (?, ?, ?)",
	/* (next, chain_id, signer, expected old next) */
	[ST_SETTLE_NONCE_SET] =
	    "UPDATE signer_nonces SET next_nonce = ? WHERE chain_id = ? AND signer = ?"
	    " AND next_nonce = ?",
	/* (chain_id, signer, from nonce) -> nonce, finished (0/1): the nonces
	 * stored transactions hold */
	[ST_SETTLE_NONCES_HELD] =
	    "SELECT nonce, status IN ('mined', 'confirmed', 'failed')"
	    " FROM settlement_batches WHERE chain_id = ? AND signer = ? AND nonce >= ?"
	    " ORDER BY nonce LIMIT 10000",
	/* (chain_id) -> batches signed and not yet confirmed */
	[ST_SETTLE_INFLIGHT_COUNT] =
	    "SELECT COUNT(*) FROM settlement_batches WHERE chain_id = ?"
	    " AND status IN ('signed', 'submitted', 'mined')",
	/* (chain_id, limit) -> id, token_id, op, batch_key, round_id,
	 * trigger_reason: pending batches in signing order (round, mints
	 * first, id) */
	[ST_SETTLE_NEXT_PENDING] =
	    "SELECT id, token_id, op, batch_key, round_id, trigger_reason"
	    " FROM settlement_batches WHERE chain_id = ? AND status = 'pending'"
	    " ORDER BY round_id, op, id LIMIT ?",
	/* (batch_id) -> wallet (binary), amount */
	[ST_SETTLE_ITEMS_GET] =
	    "SELECT wallet, amount FROM settlement_items WHERE batch_id = ? ORDER BY wallet",
	/* (batch_id, wallet) */
	[ST_SETTLE_ITEM_DELETE] =
	    "DELETE FROM settlement_items WHERE batch_id = ? AND wallet = ?",
	/* (chain_id, error, batch_id, wallet): the changes of one item leave
	 * the batch, failed */
	[ST_SETTLE_CHANGES_FAIL_WALLET] =
	    "UPDATE balance_changes c JOIN wallets w ON w.user_id = c.user_id"
	    " AND w.chain_id = ?"
	    " SET c.status = 'failed', c.settle_error = ?, c.batch_id = NULL"
	    " WHERE c.batch_id = ? AND w.address = ? AND c.status = 'batched'",
	/* (batch_id): items_count and total from the items */
	[ST_SETTLE_BATCH_RECOUNT] =
	    "UPDATE settlement_batches b SET"
	    " items_count = (SELECT COUNT(*) FROM settlement_items i WHERE i.batch_id = b.id),"
	    " total = (SELECT COALESCE(SUM(i.amount), 0) FROM settlement_items i"
	    " WHERE i.batch_id = b.id) WHERE b.id = ? AND b.status = 'pending'",
	/* (error, counts as a revert 0/1, id): emptied or refused before signing */
	[ST_SETTLE_BATCH_FAIL_PENDING] =
	    "UPDATE settlement_batches SET status = 'failed', last_error = ?,"
	    " revert_count = revert_count + ? WHERE id = ? AND status = 'pending'",
	/*
	 * (error, max attempts, batch_id, old status): back to recorded with
	 * one more attempt counted, or failed at the limit.  Assignments run
	 * left to right, each seeing the ones before.
	 */
	[ST_SETTLE_CHANGES_RETURN] =
	    "UPDATE balance_changes SET settle_attempts = LEAST(settle_attempts + 1, 255),"
	    " settle_error = ?,"
	    " status = IF(settle_attempts >= ?, 'failed', 'recorded'),"
	    " batch_id = IF(status = 'failed', batch_id, NULL)"
	    " WHERE batch_id = ? AND status = ?",
	/* ([wallet hex], new batch, old batch) */
	[ST_SETTLE_ITEMS_MOVE] =
	    "UPDATE settlement_items i JOIN " JT_WALLETS " ON i.wallet = UNHEX(j.w)"
	    " SET i.batch_id = ? WHERE i.batch_id = ?",
	/* (chain_id, [wallet hex], new batch, old batch) */
	[ST_SETTLE_CHANGES_MOVE] =
	    "UPDATE balance_changes c JOIN wallets w ON w.user_id = c.user_id"
	    " AND w.chain_id = ? JOIN " JT_WALLETS " ON w.address = UNHEX(j.w)"
	    " SET c.batch_id = ? WHERE c.batch_id = ? AND c.status = 'batched'",
	/* (id) -> status, nonce, round_id, trigger_reason */
	[ST_SETTLE_BATCH_LOCK] =
	    "SELECT status, nonce, round_id, trigger_reason FROM settlement_batches"
	    " WHERE id = ? FOR UPDATE",
	/* (batch_id, nonce, tx_hash, raw, max fee, max priority fee, gas) */
	[ST_SETTLE_ATTEMPT_INSERT] =
	    "INSERT INTO settlement_attempts (batch_id, nonce, tx_hash, raw_tx,"
	    " max_fee_per_gas, max_priority_fee, gas_limit) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* (signer, nonce, gas_limit, id) */
	[ST_SETTLE_BATCH_SIGNED] =
	    "UPDATE settlement_batches SET status = 'signed', signer = ?, nonce = ?,"
	    " gas_limit = ?, last_error = NULL WHERE id = ? AND status = 'pending'",
	/* (chain_id, signer, expected next) */
	[ST_SETTLE_NONCE_BUMP] =
	    "UPDATE signer_nonces SET next_nonce = next_nonce + 1"
	    " WHERE chain_id = ? AND signer = ? AND next_nonce = ?",
	/* (chain_id, limit) -> attempt id, batch id, nonce, raw, tx hash
	 * (binary), batch status: stored attempts never handed to the node,
	 * in nonce order */
	[ST_SETTLE_TO_SEND] =
	    "SELECT a.id, a.batch_id, a.nonce, a.raw_tx, a.tx_hash, b.status"
	    " FROM settlement_batches b JOIN settlement_attempts a ON a.batch_id = b.id"
	    " AND a.nonce = b.nonce AND a.status = 'signed'"
	    " WHERE b.chain_id = ? AND b.status IN ('signed', 'submitted')"
	    " ORDER BY a.nonce, a.id LIMIT ?",
	/* (id) */
	[ST_SETTLE_ATTEMPT_SENT] =
	    "UPDATE settlement_attempts SET status = 'sent',"
	    " sent_at = COALESCE(sent_at, NOW(6)), send_error = NULL"
	    " WHERE id = ? AND status = 'signed'",
	/* (id) */
	[ST_SETTLE_BATCH_SUBMITTED] =
	    "UPDATE settlement_batches SET status = 'submitted',"
	    " submitted_at = COALESCE(submitted_at, NOW(6)) WHERE id = ? AND status = 'signed'",
	/* (new status, batch_id, old status) */
	[ST_SETTLE_CHANGES_STATUS] =
	    "UPDATE balance_changes SET status = ? WHERE batch_id = ? AND status = ?",
	/* (error, id) */
	[ST_SETTLE_ATTEMPT_SEND_ERROR] =
	    "UPDATE settlement_attempts SET send_error = ? WHERE id = ?",
	/* (error, id): a note on a batch that keeps its status */
	[ST_SETTLE_BATCH_NOTE] =
	    "UPDATE settlement_batches SET last_error = ? WHERE id = ?",
	/*
	 * (chain_id, replace_after s, limit) -> batch id, nonce, token_id,
	 * op, batch_key, newest attempt id, its max fee, priority fee, gas:
	 * batches whose newest attempt went out (or was refused as too
	 * cheap) longer ago than replace_after
	 */
	[ST_SETTLE_STUCK] =
	    "SELECT b.id, b.nonce, b.token_id, b.op, b.batch_key, a.id,"
	    " a.max_fee_per_gas, a.max_priority_fee, a.gas_limit"
	    " FROM settlement_batches b JOIN settlement_attempts a ON a.id ="
	    " (SELECT MAX(x.id) FROM settlement_attempts x WHERE x.batch_id = b.id"
	    " AND x.nonce = b.nonce)"
	    " WHERE b.chain_id = ? AND b.status IN ('signed', 'submitted')"
	    " AND (a.status = 'sent' OR a.send_error LIKE 'underpriced%')"
	    " AND COALESCE(a.sent_at, a.created_at) < NOW(6) - INTERVAL ? SECOND"
	    " ORDER BY b.nonce LIMIT ?",
	/* (batch_id, nonce) -> id, tx_hash (binary), status, raw */
	[ST_SETTLE_ATTEMPTS_OF] =
	    "SELECT id, tx_hash, status, raw_tx FROM settlement_attempts"
	    " WHERE batch_id = ? AND nonce = ? ORDER BY id",
	/* (chain_id, signer) -> nonce, seconds since its first attempt: the
	 * lowest nonce of ours still without a receipt */
	[ST_SETTLE_HEAD_OF_LINE] =
	    "SELECT b.nonce, TIMESTAMPDIFF(SECOND, MIN(a.created_at), NOW(6))"
	    " FROM settlement_batches b JOIN settlement_attempts a ON a.batch_id = b.id"
	    " AND a.nonce = b.nonce WHERE b.chain_id = ? AND b.signer = ?"
	    " AND b.status IN ('signed', 'submitted') GROUP BY b.id, b.nonce"
	    " ORDER BY b.nonce LIMIT 1",
	/* (chain_id, limit) -> id, status, nonce, token_id, op, batch_key,
	 * block_number, block_hash (binary), tx_hash (binary) */
	[ST_SETTLE_TRACKED] =
	    "SELECT id, status, nonce, token_id, op, batch_key, block_number,"
	    " block_hash, tx_hash FROM settlement_batches WHERE chain_id = ?"
	    " AND status IN ('submitted', 'mined') ORDER BY nonce LIMIT ?",
	/* (chain_id) -> batch_id, attempt id, tx_hash (binary), status,
	 * raw_tx: every live attempt of the tracked batches */
	[ST_SETTLE_TRACKED_ATTEMPTS] =
	    "SELECT a.batch_id, a.id, a.tx_hash, a.status, a.raw_tx"
	    " FROM settlement_batches b JOIN settlement_attempts a ON a.batch_id = b.id"
	    " AND a.nonce = b.nonce WHERE b.chain_id = ?"
	    " AND b.status IN ('submitted', 'mined') AND a.status <> 'dropped'"
	    " ORDER BY a.batch_id, a.id LIMIT 10000",
	/* (tx_hash, block_number, block_hash, gas_used, id) */
	[ST_SETTLE_BATCH_MINED] =
	    "UPDATE settlement_batches SET status = 'mined', tx_hash = ?, block_number = ?,"
	    " block_hash = ?, gas_used = ?, last_error = NULL"
	    " WHERE id = ? AND status = 'submitted'",
	/* (new status, id, old status) */
	[ST_SETTLE_ATTEMPT_STATUS] =
	    "UPDATE settlement_attempts SET status = ?,"
	    " sent_at = IF(? = 'sent', COALESCE(sent_at, NOW(6)), sent_at)"
	    " WHERE id = ? AND status = ?",
	/* (batch_id, mined attempt id) */
	[ST_SETTLE_ATTEMPTS_REPLACED] =
	    "UPDATE settlement_attempts SET status = 'replaced' WHERE batch_id = ?"
	    " AND id <> ? AND status IN ('signed', 'sent')",
	/* (id): its block left the canonical chain */
	[ST_SETTLE_BATCH_UNMINE] =
	    "UPDATE settlement_batches SET status = 'submitted', tx_hash = NULL,"
	    " block_number = NULL, block_hash = NULL, gas_used = NULL"
	    " WHERE id = ? AND status = 'mined'",
	/* (batch_id) */
	[ST_SETTLE_ATTEMPTS_UNMINE] =
	    "UPDATE settlement_attempts SET status = 'sent',"
	    " sent_at = COALESCE(sent_at, NOW(6))"
	    " WHERE batch_id = ? AND status IN ('mined', 'replaced')",
	/* (id, block_hash): exactly once */
	[ST_SETTLE_BATCH_CONFIRM] =
	    "UPDATE settlement_batches SET status = 'confirmed', confirmed_at = NOW(6)"
	    " WHERE id = ? AND status = 'mined' AND block_hash = ?",
	/* (tx_hash, batch_id) */
	[ST_SETTLE_CHANGES_CONFIRM] =
	    "UPDATE balance_changes SET status = 'confirmed', tx_hash = ?,"
	    " settle_error = NULL WHERE batch_id = ? AND status = 'submitted'",
	/* (batch_id, token_id): each user's confirmed balance moves by the
	 * sum of their changes in the batch, in primary key order */
	[ST_SETTLE_BALANCES_CONFIRM] =
	    "UPDATE user_balances b JOIN (SELECT user_id, SUM(amount) AS s"
	    " FROM balance_changes WHERE batch_id = ? AND status = 'confirmed'"
	    " GROUP BY user_id) x ON b.user_id = x.user_id"
	    " SET b.confirmed_balance = b.confirmed_balance + x.s,"
	    " b.last_sync_at = NOW(6) WHERE b.token_id = ?",
	/* (id) -> milliseconds from the cut to the confirmation */
	[ST_SETTLE_BATCH_AGE] =
	    "SELECT TIMESTAMPDIFF(MICROSECOND, created_at, confirmed_at) DIV 1000"
	    " FROM settlement_batches WHERE id = ?",
	/* (token_id, chain_id, wallet) -> the confirmed balance of the user the
	 * wallet is bound to (0 when none yet); no row for an unbound wallet */
	[ST_SETTLE_HOLDER_LEDGER] =
	    "SELECT COALESCE(ub.confirmed_balance, 0) FROM wallets w"
	    " LEFT JOIN user_balances ub ON ub.user_id = w.user_id AND ub.token_id = ?"
	    " WHERE w.chain_id = ? AND w.address = ?",
	/* (error, id): receipt status 0 */
	[ST_SETTLE_BATCH_REVERTED] =
	    "UPDATE settlement_batches SET status = 'failed', last_error = ?,"
	    " revert_count = revert_count + 1 WHERE id = ? AND status = 'submitted'",
	/* (batch_id): its nonce was used by another transaction */
	[ST_SETTLE_ATTEMPTS_DROP] =
	    "UPDATE settlement_attempts SET status = 'dropped' WHERE batch_id = ?"
	    " AND status IN ('signed', 'sent')",
	/* (error, id): signed again with a fresh nonce */
	[ST_SETTLE_BATCH_REPENDING] =
	    "UPDATE settlement_batches SET status = 'pending', signer = NULL, nonce = NULL,"
	    " gas_limit = NULL, submitted_at = NULL, last_error = ?"
	    " WHERE id = ? AND status IN ('signed', 'submitted')",

	/* (change id) -> status, batch_id */
	[ST_SETTLE_CHANGE_LOCK] =
	    "SELECT status, batch_id FROM balance_changes WHERE id = ? FOR UPDATE",
	/* (change id) */
	[ST_SETTLE_CHANGE_REQUEUE] =
	    "UPDATE balance_changes SET status = 'recorded', settle_attempts = 0,"
	    " settle_error = NULL, batch_id = NULL WHERE id = ? AND status = 'failed'",
	/* (batch id) */
	[ST_SETTLE_BATCH_REQUEUE] =
	    "UPDATE balance_changes SET status = 'recorded', settle_attempts = 0,"
	    " settle_error = NULL, batch_id = NULL WHERE batch_id = ? AND status = 'failed'",
	/* -> symbol, chain_id, status, changes, oldest age s: unsettled
	 * changes per token and status (an index range per status) */
	[ST_SETTLE_STATUS_PENDING] =
	    "SELECT t.symbol, t.chain_id, c.status, COUNT(*),"
	    " TIMESTAMPDIFF(SECOND, MIN(c.created_at), NOW(6))"
	    " FROM balance_changes c JOIN tokens t ON t.id = c.token_id"
	    " WHERE c.status IN ('recorded', 'awaiting_wallet', 'batched', 'submitted',"
	    " 'failed') GROUP BY t.symbol, t.chain_id, c.status ORDER BY t.symbol, c.status",
	/* -> chain_id, status, batches */
	[ST_SETTLE_STATUS_BATCHES] =
	    "SELECT chain_id, status, COUNT(*) FROM settlement_batches"
	    " GROUP BY chain_id, status ORDER BY chain_id, status",
	/* -> chain_id, lease holder, lease live (0/1), expires in ms,
	 * heartbeat age s, signer hex, signer balance, balance low, stuck
	 * nonce, stuck seconds, last error */
	[ST_SETTLE_STATUS_DAEMONS] =
	    "SELECT d.chain_id, l.holder, COALESCE(l.expires_at > NOW(6), 0),"
	    " TIMESTAMPDIFF(MICROSECOND, NOW(6), l.expires_at) DIV 1000,"
	    " TIMESTAMPDIFF(SECOND, d.heartbeat_at, NOW(6)), LOWER(HEX(d.signer)),"
	    " d.signer_balance, d.signer_balance_low, d.stuck_nonce,"
	    " TIMESTAMPDIFF(SECOND, d.stuck_since, NOW(6)), d.last_error"
	    " FROM chain_daemons d LEFT JOIN leases l"
	    " ON l.name = CONCAT('chain:', d.chain_id) ORDER BY d.chain_id",
	/* -> chain_id, signer hex, next_nonce */
	[ST_SETTLE_STATUS_NONCES] =
	    "SELECT chain_id, LOWER(HEX(signer)), next_nonce FROM signer_nonces"
	    " ORDER BY chain_id, signer",
	/* -> symbol, chain_id, age of the oldest change settlement still owes
	 * (recorded, batched or submitted), seconds, NULL when it owes none:
	 * three index dives per token into ix_changes_pending, whatever the
	 * backlog */
#define OLDEST_OF(st) \
	"COALESCE((SELECT MIN(x.id) FROM balance_changes x WHERE x.token_id = t.id" \
	" AND x.status = '" st "'), 18446744073709551615)"
	[ST_METRICS_OLDEST_PENDING] =
	    "SELECT t.symbol, t.chain_id, TIMESTAMPDIFF(SECOND, c.created_at, NOW(6))"
	    " FROM tokens t LEFT JOIN balance_changes c ON c.id = LEAST(" OLDEST_OF("recorded")
	    ", " OLDEST_OF("batched") ", " OLDEST_OF("submitted") ") ORDER BY t.symbol",
	/* -> chain_id, lease holder, lease live, heartbeat age s, signer
	 * balance, balance low, stuck nonce, stuck seconds */
	[ST_METRICS_DAEMONS] =
	    "SELECT d.chain_id, l.holder, COALESCE(l.expires_at > NOW(6), 0),"
	    " TIMESTAMPDIFF(SECOND, d.heartbeat_at, NOW(6)), d.signer_balance,"
	    " d.signer_balance_low, d.stuck_nonce,"
	    " TIMESTAMPDIFF(SECOND, d.stuck_since, NOW(6))"
	    " FROM chain_daemons d LEFT JOIN leases l"
	    " ON l.name = CONCAT('chain:', d.chain_id) ORDER BY d.chain_id",
	/* -> chain_id, name, label, value */
	[ST_METRICS_DAEMON_COUNTERS] =
	    "SELECT chain_id, name, label, value FROM chain_daemon_counters"
	    " ORDER BY name, chain_id, label LIMIT 2000",
	/* -> chain_id, kind, count of the checker's open findings
	 * (consistency_issues): a range of ix_issues_open */
	[ST_METRICS_ISSUES_OPEN] =
	    "SELECT chain_id, kind, COUNT(*) FROM consistency_issues"
	    " WHERE resolved_at IS NULL GROUP BY chain_id, kind ORDER BY chain_id, kind",
	/* -> chain_id, seconds since the checkpoint last changed, seconds
	 * since the checker's last pass (NULL: none yet); one row per chain */
	[ST_METRICS_SYNC_AGES] =
	    "SELECT chain_id, TIMESTAMPDIFF(SECOND, updated_at, NOW(6)),"
	    " TIMESTAMPDIFF(SECOND, checker_run_at, NOW(6))"
	    " FROM sync_checkpoints ORDER BY chain_id",
	/* ------------------------------------------------------------------
	 * Chain index reads, staking, verify and reconcile (docs/api.md,
	 * "Chain data").  Hashes and addresses come back as lowercase hex,
	 * chain values as DECIMAL text plus the hex of their *_raw column.
	 */
#define CHECKPOINT_COLS \
	"last_block, LOWER(HEX(last_hash)), safe_block, finalized_block, head_block," \
	" reorg_count, halted, halt_reason, last_reorg_depth, " ISO_TS("last_reorg_at") "," \
	" last_reorg_from_block, " ISO_TS("checker_run_at") ", " ISO_TS("updated_at")
#define LOG_COLS \
	"LOWER(HEX(address)), topic_count, LOWER(HEX(topic0)), LOWER(HEX(topic1))," \
	" LOWER(HEX(topic2)), LOWER(HEX(topic3)), LOWER(HEX(data)), block_number," \
	" LOWER(HEX(block_hash)), LOWER(HEX(tx_hash)), tx_index, log_index, removed"
/* Ascending pages: (..., first block, last block, first block, log index
 * to start at in the first block, topic0 or NULL, topic0 or NULL, limit). */
#define LOG_PAGE \
	" AND block_number BETWEEN ? AND ? AND (block_number > ? OR log_index >= ?)" \
	" AND (? IS NULL OR topic0 = ?) ORDER BY block_number, log_index LIMIT ?"
#define TRANSFER_COLS \
	"LOWER(HEX(tx_hash)) AS tx, log_index, block_number, LOWER(HEX(from_addr)) AS f," \
	" LOWER(HEX(to_addr)) AS t, value, LOWER(HEX(value_raw)) AS vr"
/* Descending keyset: strictly before (cursor block, cursor log index). */
#define BEFORE_CURSOR(b, i) \
	" AND (" b " < ? OR (" b " = ? AND " i " < ?))"
#define STAKE_COLS \
	"LOWER(HEX(s.tx_hash)), s.log_index, LOWER(HEX(s.pool_address))," \
	" LOWER(HEX(s.user_addr)), s.amount, s.remaining, s.staked_at, s.block_number," \
	" t.symbol, t.decimals"
#define POOL_JOIN \
	" JOIN tokens t ON t.id = p.token_id"
/* (pool address or NULL, pool address or NULL) */
#define POOL_FILTER \
	" AND (? IS NULL OR p.address = ?)"
	/* (chain_id) -> CHECKPOINT_COLS */
	[ST_SYNC_CHECKPOINT_GET] =
	    "SELECT " CHECKPOINT_COLS " FROM sync_checkpoints WHERE chain_id = ?",
	/* (chain_id) -> kind, open issues, latest detected_at */
	[ST_SYNC_ISSUES_OPEN] =
	    "SELECT kind, COUNT(*), " ISO_TS("MAX(detected_at)") " FROM consistency_issues"
	    " WHERE chain_id = ? AND resolved_at IS NULL GROUP BY kind ORDER BY kind",
	/* (chain_id, number) -> number, hash, parent hash, timestamp, base fee,
	 * gas_used, tx_count, log_count */
	[ST_CHAIN_BLOCK_GET] =
	    "SELECT number, LOWER(HEX(hash)), LOWER(HEX(parent_hash)), timestamp, base_fee,"
	    " gas_used, tx_count, log_count FROM blocks WHERE chain_id = ? AND number = ?",
	/* (chain_id, hash) -> hash, block, tx_index, from, to, value, value_raw,
	 * nonce, status, gas_used, input_head, block hash, block timestamp */
	[ST_CHAIN_TX_GET] =
	    "SELECT LOWER(HEX(x.hash)), x.block_number, x.tx_index, LOWER(HEX(x.from_addr)),"
	    " LOWER(HEX(x.to_addr)), x.value, LOWER(HEX(x.value_raw)), x.nonce, x.status,"
	    " x.gas_used, LOWER(HEX(x.input_head)), LOWER(HEX(b.hash)), b.timestamp"
	    " FROM transactions x LEFT JOIN blocks b ON b.chain_id = x.chain_id"
	    " AND b.number = x.block_number WHERE x.chain_id = ? AND x.hash = ?",
	/* (chain_id, LOG_PAGE) -> LOG_COLS */
	[ST_CHAIN_LOGS] =
	    "SELECT " LOG_COLS " FROM logs WHERE chain_id = ?" LOG_PAGE,
	/* (chain_id, address, LOG_PAGE) -> LOG_COLS */
	[ST_CHAIN_LOGS_ADDRESS] =
	    "SELECT " LOG_COLS " FROM logs WHERE chain_id = ? AND address = ?" LOG_PAGE,
	/* (chain_id, address) -> symbol, decimals of the token registered there */
	[ST_CHAIN_TOKEN_BY_ADDRESS] =
	    "SELECT symbol, decimals FROM tokens WHERE chain_id = ? AND address = ?",
	/*
	 * The synced value of one aggregate row with the chain's last synced
	 * block, read by one statement (one snapshot); always one row:
	 * -> last synced block, value, LOWER(HEX(raw)), updated_block
	 */
	/* (chain_id, chain_id, token) */
	[ST_ONCHAIN_SUPPLY] =
	    "SELECT (SELECT last_block FROM sync_checkpoints WHERE chain_id = ?),"
	    " s.total_supply, LOWER(HEX(s.supply_raw)), s.updated_block"
	    " FROM (SELECT 1) one LEFT JOIN token_supply s"
	    " ON s.chain_id = ? AND s.token_address = ?",
	/* (chain_id, chain_id, token, holder) */
	[ST_ONCHAIN_BALANCE] =
	    "SELECT (SELECT last_block FROM sync_checkpoints WHERE chain_id = ?),"
	    " b.balance, LOWER(HEX(b.balance_raw)), b.updated_block"
	    " FROM (SELECT 1) one LEFT JOIN token_balances b"
	    " ON b.chain_id = ? AND b.token_address = ? AND b.holder = ?",
	/* (chain_id, chain_id, token, owner, spender) */
	[ST_ONCHAIN_ALLOWANCE] =
	    "SELECT (SELECT last_block FROM sync_checkpoints WHERE chain_id = ?),"
	    " a.value, LOWER(HEX(a.value_raw)), a.updated_block"
	    " FROM (SELECT 1) one LEFT JOIN allowances a"
	    " ON a.chain_id = ? AND a.token_address = ? AND a.owner = ? AND a.spender = ?",
	/* Newest first. (chain_id, token, cursor block, cursor block, cursor
	 * log index, limit) -> TRANSFER_COLS */
	[ST_ONCHAIN_TRANSFERS] =
	    "SELECT " TRANSFER_COLS " FROM transfers WHERE chain_id = ? AND token_address = ?"
	    BEFORE_CURSOR("block_number", "log_index")
	    " ORDER BY block_number DESC, log_index DESC LIMIT ?",
	/* Both directions of one address, newest first: each half walks its
	 * own index; a transfer to oneself is taken from the first half only.
	 * (chain_id, token, address, cursor b, b, i, limit,
	 *  chain_id, token, address, address, cursor b, b, i, limit, limit) */
	[ST_ONCHAIN_TRANSFERS_ADDRESS] =
	    "SELECT tx, log_index, block_number, f, t, value, vr FROM ("
	    "(SELECT " TRANSFER_COLS " FROM transfers WHERE chain_id = ? AND token_address = ?"
	    " AND from_addr = ?" BEFORE_CURSOR("block_number", "log_index")
	    " ORDER BY block_number DESC, log_index DESC LIMIT ?)"
	    " UNION ALL "
	    "(SELECT " TRANSFER_COLS " FROM transfers WHERE chain_id = ? AND token_address = ?"
	    " AND to_addr = ? AND from_addr <> ?" BEFORE_CURSOR("block_number", "log_index")
	    " ORDER BY block_number DESC, log_index DESC LIMIT ?)"
	    ") x ORDER BY block_number DESC, log_index DESC LIMIT ?",
	/* (chain_id, POOL_FILTER) -> pool, symbol, decimals, reward_rule,
	 * reward_rate, enabled, token_id */
	[ST_STAKING_POOLS] =
	    "SELECT LOWER(HEX(p.address)), t.symbol, t.decimals, p.reward_rule, p.reward_rate,"
	    " p.enabled, p.token_id FROM staking_pools p" POOL_JOIN
	    " WHERE p.chain_id = ?" POOL_FILTER " ORDER BY p.address",
	/* (chain_id, POOL_FILTER) -> pool, symbol, decimals, sum staked, sum
	 * unstaked, users with an active stake */
	[ST_STAKING_TOTALS] =
	    "SELECT LOWER(HEX(p.address)), t.symbol, t.decimals,"
	    " (SELECT COALESCE(SUM(s.amount), 0) FROM stakes s"
	    " WHERE s.chain_id = p.chain_id AND s.pool_address = p.address),"
	    " (SELECT COALESCE(SUM(u.amount), 0) FROM unstakes u"
	    " WHERE u.chain_id = p.chain_id AND u.pool_address = p.address),"
	    " (SELECT COUNT(DISTINCT s.user_addr) FROM stakes s"
	    " WHERE s.chain_id = p.chain_id AND s.pool_address = p.address AND s.remaining > 0)"
	    " FROM staking_pools p" POOL_JOIN " WHERE p.chain_id = ?" POOL_FILTER
	    " ORDER BY p.address",
	/* (chain_id, tx hash, log index) -> STAKE_COLS */
	[ST_STAKING_STAKE_GET] =
	    "SELECT " STAKE_COLS " FROM stakes s JOIN staking_pools p"
	    " ON p.chain_id = s.chain_id AND p.address = s.pool_address" POOL_JOIN
	    " WHERE s.chain_id = ? AND s.tx_hash = ? AND s.log_index = ?",
	/* Newest first.  (user, chain_id, POOL_FILTER, mode, mode, mode (0 all,
	 * 1 active, 2 fully unstaked), cursor b, b, i, limit) -> STAKE_COLS */
	[ST_STAKING_USER_STAKES] =
	    "SELECT " STAKE_COLS " FROM staking_pools p JOIN stakes s"
	    " ON s.chain_id = p.chain_id AND s.pool_address = p.address AND s.user_addr = ?"
	    POOL_JOIN " WHERE p.chain_id = ?" POOL_FILTER
	    " AND (? = 0 OR (? = 1 AND s.remaining > 0) OR (? = 2 AND s.remaining = 0))"
	    BEFORE_CURSOR("s.block_number", "s.log_index")
	    " ORDER BY s.block_number DESC, s.log_index DESC LIMIT ?",
	/* Newest first.  (user, chain_id, POOL_FILTER, cursor b, b, i, limit)
	 * -> tx hash, log index, pool, user, amount, block timestamp (NULL if
	 * unknown), block, symbol, decimals */
	[ST_STAKING_USER_CLAIMS] =
	    "SELECT LOWER(HEX(c.tx_hash)), c.log_index, LOWER(HEX(c.pool_address)),"
	    " LOWER(HEX(c.user_addr)), c.amount, COALESCE(c.claimed_at, b.timestamp),"
	    " c.block_number, t.symbol, t.decimals"
	    " FROM staking_pools p JOIN reward_claims c ON c.chain_id = p.chain_id"
	    " AND c.pool_address = p.address AND c.user_addr = ?" POOL_JOIN
	    " LEFT JOIN blocks b ON b.chain_id = c.chain_id AND b.number = c.block_number"
	    " WHERE p.chain_id = ?" POOL_FILTER BEFORE_CURSOR("c.block_number", "c.log_index")
	    " ORDER BY c.block_number DESC, c.log_index DESC LIMIT ?",
	/* (chain_id) -> last synced block, its timestamp (NULL if not stored) */
	[ST_STAKING_SYNCED] =
	    "SELECT c.last_block, b.timestamp FROM sync_checkpoints c LEFT JOIN blocks b"
	    " ON b.chain_id = c.chain_id AND b.number = c.last_block WHERE c.chain_id = ?",
	/*
	 * One user's events in one pool up to a block, in chain order: kind (1
	 * Staked, 2 Unstaked, 3 RewardsClaimed), amount, timestamp (NULL when
	 * a claim's block time is unknown), block, log index.
	 * ((chain_id, pool, user, last block) x 3, limit)
	 */
	[ST_STAKING_EVENTS] =
	    "SELECT k, amount, ts, block_number, log_index FROM ("
	    "SELECT 1 AS k, amount, staked_at AS ts, block_number, log_index FROM stakes"
	    " WHERE chain_id = ? AND pool_address = ? AND user_addr = ? AND block_number <= ?"
	    " UNION ALL SELECT 2, amount, unstaked_at, block_number, log_index FROM unstakes"
	    " WHERE chain_id = ? AND pool_address = ? AND user_addr = ? AND block_number <= ?"
	    " UNION ALL SELECT 3, c.amount, COALESCE(c.claimed_at, b.timestamp), c.block_number,"
	    " c.log_index FROM reward_claims c LEFT JOIN blocks b ON b.chain_id = c.chain_id"
	    " AND b.number = c.block_number WHERE c.chain_id = ? AND c.pool_address = ?"
	    " AND c.user_addr = ? AND c.block_number <= ?"
	    ") e ORDER BY block_number, log_index LIMIT ?",
	/* (chain_id, address, token_id, reward_rule, reward_rate); affected
	 * rows: 1 added, 2 updated, 0 unchanged */
	[ST_STAKING_POOL_UPSERT] =
	    "INSERT INTO staking_pools (chain_id, address, token_id, reward_rule, reward_rate)"
	    " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE token_id = VALUES(token_id),"
	    " reward_rule = VALUES(reward_rule), reward_rate = VALUES(reward_rate),"
	    " enabled = TRUE",
	/* -> id, chain_id, address, symbol, reward_rule, reward_rate, enabled */
	[ST_STAKING_POOL_LIST] =
	    "SELECT p.id, p.chain_id, LOWER(HEX(p.address)), t.symbol, p.reward_rule,"
	    " p.reward_rate, p.enabled FROM staking_pools p" POOL_JOIN
	    " ORDER BY p.chain_id, p.address",
	/* (user_id, token_id) -> confirmed, pending */
	[ST_RECON_USER_BALANCE] =
	    "SELECT confirmed_balance, pending_balance FROM user_balances"
	    " WHERE user_id = ? AND token_id = ?",
	/* (token_id) -> sum confirmed, sum pending, balance rows */
	[ST_RECON_LEDGER_TOTALS] =
	    "SELECT COALESCE(SUM(confirmed_balance), 0), COALESCE(SUM(pending_balance), 0),"
	    " COUNT(*) FROM user_balances WHERE token_id = ?",
	/*
	 * Bound wallets whose synced balance differs from their user's
	 * confirmed ledger balance (a missing row on either side is zero; a
	 * value only in *_raw is past 65 digits, so it always differs).
	 * (token_id, token address, chain_id, limit) -> user_id, address,
	 * confirmed, synced balance, LOWER(HEX(raw))
	 */
	[ST_RECON_MISMATCHES] =
	    "SELECT w.user_id, LOWER(HEX(w.address)), COALESCE(ub.confirmed_balance, 0),"
	    " b.balance, LOWER(HEX(b.balance_raw)) FROM wallets w"
	    " LEFT JOIN user_balances ub ON ub.user_id = w.user_id AND ub.token_id = ?"
	    " LEFT JOIN token_balances b ON b.chain_id = w.chain_id AND b.token_address = ?"
	    " AND b.holder = w.address WHERE w.chain_id = ?"
	    " AND ((b.balance IS NULL AND b.balance_raw IS NOT NULL)"
	    " OR COALESCE(ub.confirmed_balance, 0) <> COALESCE(b.balance, 0))"
	    " ORDER BY w.user_id LIMIT ?",

	/*
	 * The chain index (src/chaind/syncer.c, sync_store.c, checker.c;
	 * docs/sync.md).  Multi-row writes take one JSON array of arrays
	 * unpacked by JSON_TABLE, like the ledger's: hashes, addresses and
	 * keys as hex without 0x (SYNC_HEX), numbers and amounts as JSON
	 * strings (exact), null for NULL.  Only the daemon holding the chain's
	 * lease writes these tables, and every write transaction is fenced.
	 */
#define SYNC_HEX(n)	"VARCHAR(" #n ") CHARACTER SET ascii"
#define SYNC_U64	"BIGINT UNSIGNED"
#define SYNC_DEC	"DECIMAL(65,0)"
	[ST_SYNC_CKPT_INIT] =
	    "INSERT IGNORE INTO sync_checkpoints (chain_id) VALUES (?)",
	/* (chain_id) -> last_block, last_hash (binary), safe_block,
	 * finalized_block, undo_from, halted, halt_reason, head_block */
	[ST_SYNC_CKPT_GET] =
	    "SELECT last_block, last_hash, safe_block, finalized_block, undo_from, halted,"
	    " halt_reason, head_block FROM sync_checkpoints WHERE chain_id = ?",
	/* The same row locked by the writer of a step: (chain_id) ->
	 * last_block, last_hash, halted */
	[ST_SYNC_CKPT_LOCK] =
	    "SELECT last_block, last_hash, halted FROM sync_checkpoints WHERE chain_id = ?"
	    " FOR UPDATE",
	/* (last_block, last_hash, head, safe or NULL, finalized or NULL,
	 * undo_from or NULL, new oversize values, chain_id) */
	[ST_SYNC_CKPT_ADVANCE] =
	    "UPDATE sync_checkpoints SET last_block = ?, last_hash = ?, head_block = ?,"
	    " safe_block = ?, finalized_block = ?, undo_from = ?,"
	    " oversize_values = oversize_values + ? WHERE chain_id = ?",
	/* (head, safe or NULL, finalized or NULL, chain_id) */
	[ST_SYNC_CKPT_HEAD] =
	    "UPDATE sync_checkpoints SET head_block = ?, safe_block = ?, finalized_block = ?"
	    " WHERE chain_id = ?",
	/* After a rollback: (last_block or NULL, last_hash or NULL, blocks
	 * undone, first block replaced, oversize values removed, chain_id) */
	[ST_SYNC_CKPT_REWIND] =
	    "UPDATE sync_checkpoints SET last_block = ?, last_hash = ?,"
	    " reorg_count = reorg_count + 1, last_reorg_depth = ?, last_reorg_at = NOW(6),"
	    " last_reorg_from_block = ?,"
	    " oversize_values = oversize_values - LEAST(oversize_values, ?) WHERE chain_id = ?",
	/* A checker pass completed: (chain_id) */
	[ST_SYNC_CKPT_CHECKED] =
	    "UPDATE sync_checkpoints SET checker_run_at = NOW(6) WHERE chain_id = ?",
	/* (reason, chain_id) */
	[ST_SYNC_CKPT_HALT] =
	    "UPDATE sync_checkpoints SET halted = TRUE, halt_reason = ? WHERE chain_id = ?",
	/* The contracts the syncer follows: (chain_id, chain_id) -> address
	 * (binary), kind (0 token, 1 staking pool), token id */
	[ST_SYNC_TRACKED] =
	    "SELECT address, 0, id FROM tokens WHERE chain_id = ?"
	    " UNION ALL SELECT address, 1, token_id FROM staking_pools"
	    " WHERE chain_id = ? AND enabled ORDER BY 1, 2",
	/* (chain_id, low, high) -> number, hash (binary), newest first */
	[ST_SYNC_BLOCK_HASHES] =
	    "SELECT number, hash FROM blocks WHERE chain_id = ? AND number BETWEEN ? AND ?"
	    " ORDER BY number DESC",
	/* (chain_id, [[number, hash, parent, timestamp, base fee, gas used,
	 * tx count, log count, bloom], ...]) */
	[ST_SYNC_BLOCKS_INSERT] =
	    "INSERT INTO blocks (chain_id, number, hash, parent_hash, timestamp, base_fee,"
	    " gas_used, tx_count, log_count, logs_bloom)"
	    " SELECT ?, j.n, UNHEX(j.h), UNHEX(j.p), j.t, j.f, j.g, j.c, j.l, UNHEX(j.b)"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (n " SYNC_U64 " PATH '$[0]',"
	    " h " SYNC_HEX(64) " PATH '$[1]', p " SYNC_HEX(64) " PATH '$[2]',"
	    " t " SYNC_U64 " PATH '$[3]', f " SYNC_DEC " PATH '$[4]',"
	    " g " SYNC_U64 " PATH '$[5]', c INT UNSIGNED PATH '$[6]',"
	    " l INT UNSIGNED PATH '$[7]', b " SYNC_HEX(512) " PATH '$[8]')) j",
	/* (chain_id, [[hash, block, tx index, from, to, value, value raw,
	 * nonce, status, gas used, input head], ...]) */
	[ST_SYNC_TXS_INSERT] =
	    "INSERT INTO transactions (chain_id, hash, block_number, tx_index, from_addr,"
	    " to_addr, value, value_raw, nonce, status, gas_used, input_head)"
	    " SELECT ?, UNHEX(j.h), j.b, j.i, UNHEX(j.f), UNHEX(j.t), j.v, UNHEX(j.r), j.n,"
	    " j.s, j.g, UNHEX(j.x) FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " h " SYNC_HEX(64) " PATH '$[0]', b " SYNC_U64 " PATH '$[1]',"
	    " i INT UNSIGNED PATH '$[2]', f " SYNC_HEX(40) " PATH '$[3]',"
	    " t " SYNC_HEX(40) " PATH '$[4]', v " SYNC_DEC " PATH '$[5]',"
	    " r " SYNC_HEX(64) " PATH '$[6]', n " SYNC_U64 " PATH '$[7]',"
	    " s TINYINT UNSIGNED PATH '$[8]', g " SYNC_U64 " PATH '$[9]',"
	    " x " SYNC_HEX(8) " PATH '$[10]')) j",
	/* (chain_id, [[block, log index, block hash, tx hash, tx index,
	 * address, topic0..3, topic count, data], ...]) */
	[ST_SYNC_LOGS_INSERT] =
	    "INSERT INTO logs (chain_id, block_number, log_index, block_hash, tx_hash, tx_index,"
	    " address, topic0, topic1, topic2, topic3, topic_count, data)"
	    " SELECT ?, j.b, j.i, UNHEX(j.bh), UNHEX(j.th), j.ti, UNHEX(j.a), UNHEX(j.t0),"
	    " UNHEX(j.t1), UNHEX(j.t2), UNHEX(j.t3), j.tc, UNHEX(COALESCE(j.d, ''))"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (b " SYNC_U64 " PATH '$[0]',"
	    " i INT UNSIGNED PATH '$[1]', bh " SYNC_HEX(64) " PATH '$[2]',"
	    " th " SYNC_HEX(64) " PATH '$[3]', ti INT UNSIGNED PATH '$[4]',"
	    " a " SYNC_HEX(40) " PATH '$[5]', t0 " SYNC_HEX(64) " PATH '$[6]',"
	    " t1 " SYNC_HEX(64) " PATH '$[7]', t2 " SYNC_HEX(64) " PATH '$[8]',"
	    " t3 " SYNC_HEX(64) " PATH '$[9]', tc TINYINT UNSIGNED PATH '$[10]',"
	    " d LONGTEXT CHARACTER SET ascii PATH '$[11]')) j",
	/*
	 * The two big tables of a backfill also take ST_SYNC_BULK_ROWS rows
	 * per statement as plain placeholders (binary protocol, no JSON):
	 * per row the columns in the order named.
	 */
#define SYNC_X10(r)	r "," r "," r "," r "," r "," r "," r "," r "," r "," r
#define SYNC_ROW9	"(?,?,?,?,?,?,?,?,?)"
#define SYNC_ROW13	"(?,?,?,?,?,?,?,?,?,?,?,?,?)"
	[ST_SYNC_LOGS_BULK] =
	    "INSERT INTO logs (chain_id, block_number, log_index, block_hash, tx_hash, tx_index,"
	    " address, topic0, topic1, topic2, topic3, topic_count, data) VALUES "
	    SYNC_X10(SYNC_X10(SYNC_ROW13)),
	[ST_SYNC_TRANSFERS_BULK] =
	    "INSERT INTO transfers (chain_id, tx_hash, log_index, block_number, token_address,"
	    " from_addr, to_addr, value, value_raw) VALUES " SYNC_X10(SYNC_X10(SYNC_ROW9)),
	/* (chain_id, [[tx, log index, block, token, from, to, value, raw]]) */
	[ST_SYNC_TRANSFERS_INSERT] =
	    "INSERT INTO transfers (chain_id, tx_hash, log_index, block_number, token_address,"
	    " from_addr, to_addr, value, value_raw)"
	    " SELECT ?, UNHEX(j.h), j.i, j.b, UNHEX(j.t), UNHEX(j.f), UNHEX(j.o), j.v, UNHEX(j.r)"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (h " SYNC_HEX(64) " PATH '$[0]',"
	    " i INT UNSIGNED PATH '$[1]', b " SYNC_U64 " PATH '$[2]',"
	    " t " SYNC_HEX(40) " PATH '$[3]', f " SYNC_HEX(40) " PATH '$[4]',"
	    " o " SYNC_HEX(40) " PATH '$[5]', v " SYNC_DEC " PATH '$[6]',"
	    " r " SYNC_HEX(64) " PATH '$[7]')) j",
	/* (chain_id, [[tx, log index, block, token, owner, spender, value, raw]]) */
	[ST_SYNC_APPROVALS_INSERT] =
	    "INSERT INTO approvals (chain_id, tx_hash, log_index, block_number, token_address,"
	    " owner, spender, value, value_raw)"
	    " SELECT ?, UNHEX(j.h), j.i, j.b, UNHEX(j.t), UNHEX(j.f), UNHEX(j.o), j.v, UNHEX(j.r)"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (h " SYNC_HEX(64) " PATH '$[0]',"
	    " i INT UNSIGNED PATH '$[1]', b " SYNC_U64 " PATH '$[2]',"
	    " t " SYNC_HEX(40) " PATH '$[3]', f " SYNC_HEX(40) " PATH '$[4]',"
	    " o " SYNC_HEX(40) " PATH '$[5]', v " SYNC_DEC " PATH '$[6]',"
	    " r " SYNC_HEX(64) " PATH '$[7]')) j",
	/* (chain_id, [[tx, log index, pool, user, amount, raw, remaining,
	 * remaining raw, staked_at, block]]) */
	[ST_SYNC_STAKES_INSERT] =
	    "INSERT INTO stakes (chain_id, tx_hash, log_index, pool_address, user_addr, amount,"
	    " amount_raw, remaining, remaining_raw, staked_at, block_number)"
	    " SELECT ?, UNHEX(j.h), j.i, UNHEX(j.p), UNHEX(j.u), j.a, UNHEX(j.ar), j.m,"
	    " UNHEX(j.mr), j.ts, j.b FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " h " SYNC_HEX(64) " PATH '$[0]', i INT UNSIGNED PATH '$[1]',"
	    " p " SYNC_HEX(40) " PATH '$[2]', u " SYNC_HEX(40) " PATH '$[3]',"
	    " a " SYNC_DEC " PATH '$[4]', ar " SYNC_HEX(64) " PATH '$[5]',"
	    " m " SYNC_DEC " PATH '$[6]', mr " SYNC_HEX(64) " PATH '$[7]',"
	    " ts " SYNC_U64 " PATH '$[8]', b " SYNC_U64 " PATH '$[9]')) j",
	/* (chain_id, [[tx, log index, pool, user, amount, raw, unstaked_at, block]]) */
	[ST_SYNC_UNSTAKES_INSERT] =
	    "INSERT INTO unstakes (chain_id, tx_hash, log_index, pool_address, user_addr, amount,"
	    " amount_raw, unstaked_at, block_number)"
	    " SELECT ?, UNHEX(j.h), j.i, UNHEX(j.p), UNHEX(j.u), j.a, UNHEX(j.ar), j.ts, j.b"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (h " SYNC_HEX(64) " PATH '$[0]',"
	    " i INT UNSIGNED PATH '$[1]', p " SYNC_HEX(40) " PATH '$[2]',"
	    " u " SYNC_HEX(40) " PATH '$[3]', a " SYNC_DEC " PATH '$[4]',"
	    " ar " SYNC_HEX(64) " PATH '$[5]', ts " SYNC_U64 " PATH '$[6]',"
	    " b " SYNC_U64 " PATH '$[7]')) j",
	/* (chain_id, [[tx, log index, pool, user, amount, raw, block timestamp,
	 * block]]) */
	[ST_SYNC_CLAIMS_INSERT] =
	    "INSERT INTO reward_claims (chain_id, tx_hash, log_index, pool_address, user_addr,"
	    " amount, amount_raw, claimed_at, block_number)"
	    " SELECT ?, UNHEX(j.h), j.i, UNHEX(j.p), UNHEX(j.u), j.a, UNHEX(j.ar), j.ts, j.b"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (h " SYNC_HEX(64) " PATH '$[0]',"
	    " i INT UNSIGNED PATH '$[1]', p " SYNC_HEX(40) " PATH '$[2]',"
	    " u " SYNC_HEX(40) " PATH '$[3]', a " SYNC_DEC " PATH '$[4]',"
	    " ar " SYNC_HEX(64) " PATH '$[5]', ts " SYNC_U64 " PATH '$[6]',"
	    " b " SYNC_U64 " PATH '$[7]')) j",
	/*
	 * Aggregate rows by key.  GET: ([[index, key hex], ...], chain_id) ->
	 * index, value, raw (binary), updated_block for the rows that exist.
	 * PUT: (chain_id, [[key hex, value, raw, updated_block], ...]).
	 * DELETE: (chain_id, key parts as binary).  Keys: token balance =
	 * token||holder, allowance = token||owner||spender, supply = token,
	 * pool total = pool.
	 */
#define SYNC_KEYS	"JSON_TABLE(?, '$[*]' COLUMNS (i INT UNSIGNED PATH '$[0]'," \
			" k " SYNC_HEX(120) " PATH '$[1]')) j"
#define SYNC_PUTS	" FROM JSON_TABLE(?, '$[*]' COLUMNS (k " SYNC_HEX(120) " PATH '$[0]'," \
			" v " SYNC_DEC " PATH '$[1]', r " SYNC_HEX(64) " PATH '$[2]'," \
			" b " SYNC_U64 " PATH '$[3]')) j"
#define SYNC_KEY(n)	"UNHEX(SUBSTRING(j.k, " #n " * 40 + 1, 40))"
	[ST_SYNC_BALANCES_GET] =
	    "SELECT j.i, x.balance, x.balance_raw, x.updated_block FROM " SYNC_KEYS
	    " JOIN token_balances x ON x.chain_id = ? AND x.token_address = " SYNC_KEY(0)
	    " AND x.holder = " SYNC_KEY(1),
	[ST_SYNC_BALANCES_PUT] =
	    "INSERT INTO token_balances (chain_id, token_address, holder, balance, balance_raw,"
	    " updated_block) SELECT ?, " SYNC_KEY(0) ", " SYNC_KEY(1) ", j.v, UNHEX(j.r), j.b"
	    SYNC_PUTS " ON DUPLICATE KEY UPDATE balance = VALUES(balance),"
	    " balance_raw = VALUES(balance_raw), updated_block = VALUES(updated_block)",
	[ST_SYNC_BALANCE_DELETE] =
	    "DELETE FROM token_balances WHERE chain_id = ? AND token_address = ? AND holder = ?",
	[ST_SYNC_ALLOWANCES_GET] =
	    "SELECT j.i, x.value, x.value_raw, x.updated_block FROM " SYNC_KEYS
	    " JOIN allowances x ON x.chain_id = ? AND x.token_address = " SYNC_KEY(0)
	    " AND x.owner = " SYNC_KEY(1) " AND x.spender = " SYNC_KEY(2),
	[ST_SYNC_ALLOWANCES_PUT] =
	    "INSERT INTO allowances (chain_id, token_address, owner, spender, value, value_raw,"
	    " updated_block) SELECT ?, " SYNC_KEY(0) ", " SYNC_KEY(1) ", " SYNC_KEY(2) ","
	    " j.v, UNHEX(j.r), j.b" SYNC_PUTS " ON DUPLICATE KEY UPDATE value = VALUES(value),"
	    " value_raw = VALUES(value_raw), updated_block = VALUES(updated_block)",
	[ST_SYNC_ALLOWANCE_DELETE] =
	    "DELETE FROM allowances WHERE chain_id = ? AND token_address = ? AND owner = ?"
	    " AND spender = ?",
	/* The allowances an owner may spend from: ([[index, token||owner]],
	 * chain_id) -> index, spender (binary), value, raw, updated_block */
	[ST_SYNC_ALLOWANCES_OF_OWNERS] =
	    "SELECT j.i, x.spender, x.value, x.value_raw, x.updated_block FROM " SYNC_KEYS
	    " JOIN allowances x ON x.chain_id = ? AND x.token_address = " SYNC_KEY(0)
	    " AND x.owner = " SYNC_KEY(1) " WHERE x.value <> 0 OR x.value_raw IS NOT NULL",
	[ST_SYNC_SUPPLY_GET] =
	    "SELECT j.i, x.total_supply, x.supply_raw, x.updated_block FROM " SYNC_KEYS
	    " JOIN token_supply x ON x.chain_id = ? AND x.token_address = " SYNC_KEY(0),
	[ST_SYNC_SUPPLY_PUT] =
	    "INSERT INTO token_supply (chain_id, token_address, total_supply, supply_raw,"
	    " updated_block) SELECT ?, " SYNC_KEY(0) ", j.v, UNHEX(j.r), j.b" SYNC_PUTS
	    " ON DUPLICATE KEY UPDATE total_supply = VALUES(total_supply),"
	    " supply_raw = VALUES(supply_raw), updated_block = VALUES(updated_block)",
	[ST_SYNC_SUPPLY_DELETE] =
	    "DELETE FROM token_supply WHERE chain_id = ? AND token_address = ?",
	[ST_SYNC_POOLTOTAL_GET] =
	    "SELECT j.i, x.total_staked, x.total_raw, x.updated_block FROM " SYNC_KEYS
	    " JOIN staking_totals x ON x.chain_id = ? AND x.pool_address = " SYNC_KEY(0),
	[ST_SYNC_POOLTOTAL_PUT] =
	    "INSERT INTO staking_totals (chain_id, pool_address, total_staked, total_raw,"
	    " updated_block) SELECT ?, " SYNC_KEY(0) ", j.v, UNHEX(j.r), j.b" SYNC_PUTS
	    " ON DUPLICATE KEY UPDATE total_staked = VALUES(total_staked),"
	    " total_raw = VALUES(total_raw), updated_block = VALUES(updated_block)",
	[ST_SYNC_POOLTOTAL_DELETE] =
	    "DELETE FROM staking_totals WHERE chain_id = ? AND pool_address = ?",
	/* A user's stakes not yet unstaked, oldest first: (chain_id, pool,
	 * user) -> tx hash, log index, remaining, remaining raw, block */
	[ST_SYNC_STAKES_OPEN] =
	    "SELECT tx_hash, log_index, remaining, remaining_raw, block_number FROM stakes"
	    " WHERE chain_id = ? AND pool_address = ? AND user_addr = ?"
	    " AND (remaining <> 0 OR remaining_raw IS NOT NULL)"
	    " ORDER BY block_number, log_index",
	/* (remaining, remaining raw, chain_id, tx hash, log index) */
	[ST_SYNC_STAKE_REMAINING] =
	    "UPDATE stakes SET remaining = ?, remaining_raw = ?"
	    " WHERE chain_id = ? AND tx_hash = ? AND log_index = ?",
	/* (chain_id, [[block, seq, target, key hex, exists, value, raw,
	 * updated_block]]) */
	[ST_SYNC_UNDO_INSERT] =
	    "INSERT INTO block_undo (chain_id, block_number, seq, target, row_key, prev_exists,"
	    " prev_value, prev_raw, prev_block)"
	    " SELECT ?, j.n, j.s, j.t, UNHEX(j.k), j.e, j.v, UNHEX(j.r), j.b"
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (n " SYNC_U64 " PATH '$[0]',"
	    " s INT UNSIGNED PATH '$[1]', t VARCHAR(16) CHARACTER SET ascii PATH '$[2]',"
	    " k " SYNC_HEX(192) " PATH '$[3]', e TINYINT PATH '$[4]',"
	    " v " SYNC_DEC " PATH '$[5]', r " SYNC_HEX(64) " PATH '$[6]',"
	    " b " SYNC_U64 " PATH '$[7]')) j",
	/* (chain_id, finalized block): undo at or below finality goes */
	[ST_SYNC_UNDO_PRUNE] =
	    "DELETE FROM block_undo WHERE chain_id = ? AND block_number <= ?",
	/* (chain_id, ancestor) -> block, seq, target, key, exists, value,
	 * raw, updated_block; oldest first */
	[ST_SYNC_UNDO_READ] =
	    "SELECT block_number, seq, target, row_key, prev_exists, prev_value, prev_raw,"
	    " prev_block FROM block_undo WHERE chain_id = ? AND block_number > ?"
	    " ORDER BY block_number, seq",
	/* Event values above a block that live only in *_raw:
	 * ((chain_id, block) x 6) -> count */
	[ST_SYNC_OVERSIZE_ABOVE] =
	    "SELECT (SELECT COUNT(*) FROM transfers WHERE chain_id = ? AND block_number > ?"
	    " AND value_raw IS NOT NULL)"
	    " + (SELECT COUNT(*) FROM approvals WHERE chain_id = ? AND block_number > ?"
	    " AND value_raw IS NOT NULL)"
	    " + (SELECT COUNT(*) FROM transactions WHERE chain_id = ? AND block_number > ?"
	    " AND value_raw IS NOT NULL)"
	    " + (SELECT COUNT(*) FROM stakes WHERE chain_id = ? AND block_number > ?"
	    " AND amount_raw IS NOT NULL)"
	    " + (SELECT COUNT(*) FROM unstakes WHERE chain_id = ? AND block_number > ?"
	    " AND amount_raw IS NOT NULL)"
	    " + (SELECT COUNT(*) FROM reward_claims WHERE chain_id = ? AND block_number > ?"
	    " AND amount_raw IS NOT NULL)",
	/* Rollback: (chain_id, common ancestor) */
	[ST_SYNC_DEL_BLOCKS] = "DELETE FROM blocks WHERE chain_id = ? AND number > ?",
	[ST_SYNC_DEL_TXS] = "DELETE FROM transactions WHERE chain_id = ? AND block_number > ?",
	[ST_SYNC_DEL_LOGS] = "DELETE FROM logs WHERE chain_id = ? AND block_number > ?",
	[ST_SYNC_DEL_TRANSFERS] = "DELETE FROM transfers WHERE chain_id = ? AND block_number > ?",
	[ST_SYNC_DEL_APPROVALS] = "DELETE FROM approvals WHERE chain_id = ? AND block_number > ?",
	[ST_SYNC_DEL_STAKES] = "DELETE FROM stakes WHERE chain_id = ? AND block_number > ?",
	[ST_SYNC_DEL_UNSTAKES] = "DELETE FROM unstakes WHERE chain_id = ? AND block_number > ?",
	[ST_SYNC_DEL_CLAIMS] =
	    "DELETE FROM reward_claims WHERE chain_id = ? AND block_number > ?",
	[ST_SYNC_DEL_UNDO] = "DELETE FROM block_undo WHERE chain_id = ? AND block_number > ?",
	/* -> chain_id, halted, halt_reason, reorg_count, oversize_values */
	[ST_SYNC_HEALTH] =
	    "SELECT chain_id, halted, halt_reason, reorg_count, oversize_values"
	    " FROM sync_checkpoints ORDER BY chain_id",
	/*
	 * The syncer's bulk aggregate writes: ST_SYNC_BULK_ROWS rows of plain
	 * placeholders, per row (chain_id, token, holder, balance or NULL,
	 * raw or NULL, updated_block), in key order.
	 */
#define SYNC_ROW6	"(?,?,?,?,?,?)"
	[ST_SYNC_BALANCES_BULK] =
	    "INSERT INTO token_balances (chain_id, token_address, holder, balance, balance_raw,"
	    " updated_block) VALUES " SYNC_X10(SYNC_X10(SYNC_ROW6))
	    " ON DUPLICATE KEY UPDATE balance = VALUES(balance),"
	    " balance_raw = VALUES(balance_raw), updated_block = VALUES(updated_block)",
	/* The checker (src/chaind/checker.c).  (chain_id, low, high) ->
	 * number, hash (binary), oldest first */
	[ST_CHECK_BLOCKS_RECENT] =
	    "SELECT number, hash FROM blocks WHERE chain_id = ? AND number BETWEEN ? AND ?"
	    " ORDER BY number",
	/* (chain_id, after, limit) -> number, hash */
	[ST_CHECK_BLOCKS_AFTER] =
	    "SELECT number, hash FROM blocks WHERE chain_id = ? AND number > ?"
	    " ORDER BY number LIMIT ?",
	/* (chain_id) -> token address, supply, raw, row exists */
	[ST_CHECK_SUPPLIES] =
	    "SELECT t.address, s.total_supply, s.supply_raw, s.chain_id IS NOT NULL"
	    " FROM tokens t LEFT JOIN token_supply s ON s.chain_id = t.chain_id"
	    " AND s.token_address = t.address WHERE t.chain_id = ? ORDER BY t.address",
	/* (chain_id, token, after holder, limit) -> holder, balance, raw */
	[ST_CHECK_BALANCES_AFTER] =
	    "SELECT holder, balance, balance_raw FROM token_balances"
	    " WHERE chain_id = ? AND token_address = ? AND holder > ? ORDER BY holder LIMIT ?",
	/* Bound wallets with their user's confirmed ledger balance and
	 * whether a settlement of theirs is in flight: (token_id, token_id,
	 * chain_id, after user, limit) -> user_id, address, confirmed,
	 * in flight (0/1) */
	[ST_CHECK_WALLETS_AFTER] =
	    "SELECT w.user_id, w.address, COALESCE(ub.confirmed_balance, 0),"
	    " EXISTS (SELECT 1 FROM balance_changes c WHERE c.user_id = w.user_id"
	    " AND c.token_id = ? AND c.status IN ('batched', 'submitted'))"
	    " FROM wallets w LEFT JOIN user_balances ub ON ub.user_id = w.user_id"
	    " AND ub.token_id = ? WHERE w.chain_id = ? AND w.user_id > ?"
	    " ORDER BY w.user_id LIMIT ?",
	/* (chain_id) -> kind, subject of the open findings */
	[ST_CHECK_OPEN_ISSUES] =
	    "SELECT kind, subject FROM consistency_issues"
	    " WHERE chain_id = ? AND resolved_at IS NULL ORDER BY id",
	/* ---- the ledger core (src/lib/ledger/, src/lib/store/) ---- */

	/* (seconds) the session's row lock wait: db.c sizes it to the time a
	 * write has left (db_txn_until) */
	[ST_SESSION_LOCK_WAIT] = "SET SESSION innodb_lock_wait_timeout = ?",
	/* (operation uuid) -> enum resolve_col.  After a connection was lost
	 * during COMMIT: a locking read, so while the old session's
	 * transaction is still open on the server (its uncommitted row is
	 * locked) this waits for it to end instead of guessing. */
	[ST_LEDGER_OP_RESOLVE] =
	    "SELECT id, changes_count FROM operations WHERE operation_uuid = ?"
	    " LOCK IN SHARE MODE",
	/* (symbol) -> TOKEN_COLS.  A registry change holds the token row
	 * exclusively: it waits for the writes of the token in flight (they
	 * hold it shared, ST_LEDGER_CHANGES_INSERT) and keeps new ones
	 * waiting until it commits. */
	[ST_TOKEN_LOCK] = "SELECT " TOKEN_COLS " FROM tokens WHERE symbol = ? FOR UPDATE",
};

const unsigned char stmts_cols[ST__MAX] = {
	[ST_PING] = SCALAR_COL__MAX,
	[ST_MIG_LIST] = MIG_COL__MAX,
	[ST_MIG_LOCK] = SCALAR_COL__MAX,
	[ST_MIG_UNLOCK] = SCALAR_COL__MAX,
	[ST_TOKEN_GET] = TOKEN_COL__MAX,
	[ST_TOKEN_LIST] = TOKEN_COL__MAX,
	[ST_TOKEN_HAS_LEDGER] = SCALAR_COL__MAX,
	[ST_STRATEGY_GET] = STRATEGY_COL__MAX,
	[ST_REASON_GET] = REASON_COL__MAX,
	[ST_REASON_LIST] = REASON_COL__MAX,
	[ST_APIKEY_LIST] = APIKEY_COL__MAX,
	[ST_APIKEY_BY_PREFIX] = APIKEY_AUTH_COL__MAX,
	[ST_METRICS_PENDING] = METRICS_PENDING_COL__MAX,
	[ST_METRICS_BATCHES] = METRICS_BATCHES_COL__MAX,
	[ST_SYNC_LAG] = SYNC_LAG_COL__MAX,
	[ST_IDEM_GET] = IDEM_COL__MAX,
	[ST_LEDGER_LOCK_BALANCES] = LOCK_COL__MAX,
	[ST_LEDGER_LOCK_ONE] = LOCK_COL__MAX,
	[ST_LEDGER_PENDING_STATS] = STATS_COL__MAX,
	[ST_BALANCE_LIST] = BALANCE_COL__MAX,
	[ST_BALANCE_GET] = BALANCE_COL__MAX,
	[ST_HISTORY_USER] = HISTORY_COL__MAX,
	[ST_HISTORY_USER_TOKEN] = HISTORY_COL__MAX,
	[ST_OPERATION_GET] = OPERATION_COL__MAX,
	[ST_OPERATION_CHANGES] = CHANGE_COL__MAX,
	[ST_BATCH_LIST] = BATCH_COL__MAX,
	[ST_BATCH_LIST_TOKEN] = BATCH_COL__MAX,
	[ST_BATCH_LIST_STATUS] = BATCH_COL__MAX,
	[ST_BATCH_LIST_TOKEN_STATUS] = BATCH_COL__MAX,
	[ST_BATCH_GET] = BATCH_COL__MAX,
	[ST_BATCH_ITEMS] = BATCH_ITEM_COL__MAX,
	[ST_BATCH_ATTEMPTS] = ATTEMPT_COL__MAX,
	[ST_BATCH_CHANGES_COUNT] = SCALAR_COL__MAX,
	[ST_WALLET_LOCK] = WALLET_LOCK_COL__MAX,
	[ST_WALLET_OWNER] = WALLET_OWNER_COL__MAX,
	[ST_WALLET_SETTLED] = SCALAR_COL__MAX,
	[ST_WALLET_LIST] = WALLET_COL__MAX,
	[ST_CHAIN_HAS_TOKEN] = SCALAR_COL__MAX,
	[ST_LEDGER_OP_RESOLVE] = RESOLVE_COL__MAX,
	[ST_TOKEN_LOCK] = TOKEN_COL__MAX,
	[ST_LEASE_PEEK] = LEASE_COL__MAX,
	[ST_LEASE_LOCK] = LEASE_COL__MAX,
	[ST_LEASE_FENCE] = SCALAR_COL__MAX,
	[ST_ISSUE_FIND_OPEN] = ISSUE_COL__MAX,
	/* Settlement (src/chaind/batcher.c, submitter.c, confirmer.c, settle.c;
	 * src/admin/settlement.c; src/api/settlement.c). */
	[ST_SETTLE_TOKENS] = TOKEN_COL__MAX,
	[ST_SETTLE_TOKEN_BY_ID] = TOKEN_COL__MAX,
	[ST_SETTLE_TOKEN_ACTIVITY] = SETTLE_ACTIVITY_COL__MAX,
	[ST_SETTLE_RELEASE_USERS] = SCALAR_COL__MAX,
	[ST_SETTLE_WALLETLESS_USERS] = SCALAR_COL__MAX,
	[ST_SETTLE_TOKEN_HAS_PENDING] = SCALAR_COL__MAX,
	[ST_SETTLE_INFLIGHT_USERS] = SCALAR_COL__MAX,
	[ST_SETTLE_CANDIDATES] = SETTLE_CANDIDATE_COL__MAX,
	[ST_SETTLE_ROUND_NEXT] = SCALAR_COL__MAX,
	[ST_SETTLE_NONCE_GET] = SCALAR_COL__MAX,
	[ST_SETTLE_NONCE_LOCK] = SCALAR_COL__MAX,
	[ST_SETTLE_NONCES_HELD] = SETTLE_HELD_COL__MAX,
	[ST_SETTLE_INFLIGHT_COUNT] = SCALAR_COL__MAX,
	[ST_SETTLE_NEXT_PENDING] = SETTLE_PENDING_COL__MAX,
	[ST_SETTLE_ITEMS_GET] = SETTLE_ITEM_COL__MAX,
	[ST_SETTLE_BATCH_LOCK] = SETTLE_BATCH_LOCK_COL__MAX,
	[ST_SETTLE_TO_SEND] = SETTLE_SEND_COL__MAX,
	[ST_SETTLE_STUCK] = SETTLE_STUCK_COL__MAX,
	[ST_SETTLE_ATTEMPTS_OF] = SETTLE_ATTEMPT_COL__MAX,
	[ST_SETTLE_HEAD_OF_LINE] = SETTLE_HEAD_COL__MAX,
	[ST_SETTLE_TRACKED] = SETTLE_TRACKED_COL__MAX,
	[ST_SETTLE_TRACKED_ATTEMPTS] = SETTLE_TRACKED_ATTEMPT_COL__MAX,
	[ST_SETTLE_BATCH_AGE] = SCALAR_COL__MAX,
	[ST_SETTLE_HOLDER_LEDGER] = SCALAR_COL__MAX,
	[ST_SETTLE_CHANGE_LOCK] = SETTLE_CHANGE_LOCK_COL__MAX,
	[ST_SETTLE_STATUS_PENDING] = SETTLE_STATUS_PENDING_COL__MAX,
	[ST_SETTLE_STATUS_BATCHES] = SETTLE_STATUS_BATCHES_COL__MAX,
	[ST_SETTLE_STATUS_DAEMONS] = SETTLE_STATUS_DAEMON_COL__MAX,
	[ST_SETTLE_STATUS_NONCES] = SETTLE_STATUS_NONCE_COL__MAX,
	[ST_SYNC_CHECKPOINT_GET] = CHECKPOINT_COL__MAX,
	[ST_METRICS_OLDEST_PENDING] = METRICS_OLDEST_COL__MAX,
	[ST_METRICS_DAEMONS] = METRICS_DAEMON_COL__MAX,
	[ST_METRICS_DAEMON_COUNTERS] = METRICS_COUNTER_COL__MAX,
	[ST_METRICS_ISSUES_OPEN] = METRICS_ISSUE_COL__MAX,
	[ST_METRICS_SYNC_AGES] = METRICS_SYNC_AGE_COL__MAX,
	[ST_SYNC_ISSUES_OPEN] = OPEN_ISSUES_COL__MAX,
	[ST_CHAIN_BLOCK_GET] = BLOCK_COL__MAX,
	[ST_CHAIN_TX_GET] = CHAIN_TX_COL__MAX,
	[ST_CHAIN_LOGS] = LOG_COL__MAX,
	[ST_CHAIN_LOGS_ADDRESS] = LOG_COL__MAX,
	[ST_CHAIN_TOKEN_BY_ADDRESS] = TOKEN_AT_COL__MAX,
	[ST_ONCHAIN_SUPPLY] = ONCHAIN_COL__MAX,
	[ST_ONCHAIN_BALANCE] = ONCHAIN_COL__MAX,
	[ST_ONCHAIN_ALLOWANCE] = ONCHAIN_COL__MAX,
	[ST_ONCHAIN_TRANSFERS] = TRANSFER_COL__MAX,
	[ST_ONCHAIN_TRANSFERS_ADDRESS] = TRANSFER_COL__MAX,
	[ST_STAKING_POOLS] = POOL_COL__MAX,
	[ST_STAKING_TOTALS] = POOL_TOTAL_COL__MAX,
	[ST_STAKING_STAKE_GET] = STAKE_COL__MAX,
	[ST_STAKING_USER_STAKES] = STAKE_COL__MAX,
	[ST_STAKING_USER_CLAIMS] = CLAIM_COL__MAX,
	[ST_STAKING_SYNCED] = SYNCED_COL__MAX,
	[ST_STAKING_EVENTS] = STAKE_EVENT_COL__MAX,
	[ST_STAKING_POOL_LIST] = POOL_LIST_COL__MAX,
	[ST_RECON_USER_BALANCE] = RECON_BALANCE_COL__MAX,
	[ST_RECON_LEDGER_TOTALS] = RECON_TOTALS_COL__MAX,
	[ST_RECON_MISMATCHES] = RECON_MISMATCH_COL__MAX,
	/* The chain index (src/chaind/syncer.c, sync_store.c, checker.c). */
	[ST_SYNC_CKPT_GET] = SYNC_CKPT_COL__MAX,
	[ST_SYNC_CKPT_LOCK] = SYNC_LOCK_COL__MAX,
	[ST_SYNC_TRACKED] = SYNC_TRACKED_COL__MAX,
	[ST_SYNC_BLOCK_HASHES] = SYNC_HASH_COL__MAX,
	[ST_SYNC_BALANCES_GET] = SYNC_AGG_COL__MAX,
	[ST_SYNC_ALLOWANCES_GET] = SYNC_AGG_COL__MAX,
	[ST_SYNC_SUPPLY_GET] = SYNC_AGG_COL__MAX,
	[ST_SYNC_POOLTOTAL_GET] = SYNC_AGG_COL__MAX,
	[ST_SYNC_ALLOWANCES_OF_OWNERS] = SYNC_OWNER_COL__MAX,
	[ST_SYNC_STAKES_OPEN] = SYNC_STAKE_COL__MAX,
	[ST_SYNC_UNDO_READ] = SYNC_UNDO_COL__MAX,
	[ST_SYNC_OVERSIZE_ABOVE] = SCALAR_COL__MAX,
	[ST_SYNC_HEALTH] = SYNC_HEALTH_COL__MAX,
	[ST_CHECK_BLOCKS_RECENT] = SYNC_HASH_COL__MAX,
	[ST_CHECK_BLOCKS_AFTER] = SYNC_HASH_COL__MAX,
	[ST_CHECK_SUPPLIES] = CHECK_SUPPLY_COL__MAX,
	[ST_CHECK_BALANCES_AFTER] = CHECK_BALANCE_COL__MAX,
	[ST_CHECK_WALLETS_AFTER] = CHECK_WALLET_COL__MAX,
	[ST_CHECK_OPEN_ISSUES] = CHECK_ISSUE_COL__MAX,
};
