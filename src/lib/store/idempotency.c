/* idempotency.c - idempotency key rows of the ledger writes. */
#include "config.h"

#include <string.h>

#include <nettle/sha2.h>

#include "store/idempotency.h"
#include "store/stmts.h"

/* Lock wait timeout exceeded (MySQL/MariaDB error number). */
#define IDEMPOTENCY_ER_LOCK_WAIT_TIMEOUT	1205

void
idempotency_hash(const char *method, const char *route, const char *body,
    size_t body_len, uint8_t out[IDEMPOTENCY_HASH_LEN])
{
	struct sha256_ctx ctx;
	static const uint8_t sep = 0;

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(method), (const uint8_t *)method);
	sha256_update(&ctx, 1, &sep);
	sha256_update(&ctx, strlen(route), (const uint8_t *)route);
	sha256_update(&ctx, 1, &sep);
	if (body_len > 0)
		sha256_update(&ctx, body_len, (const uint8_t *)body);
	sha256_digest(&ctx, IDEMPOTENCY_HASH_LEN, out);
}

enum cb_err
idempotency_lookup(struct db *db, uint32_t api_key_id, const char *key,
    size_t key_len, const uint8_t hash[IDEMPOTENCY_HASH_LEN],
    enum idempotency_state *state, int *status, struct buf *body)
{
	struct db_row row;
	uint64_t code;
	enum cb_err rc;
	int r;

	*state = IDEMPOTENCY_ABSENT;
	rc = DB_EXEC(db, ST_IDEM_GET, DB_U64(api_key_id), DB_BLOB(key, key_len));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_IDEM_GET, &row);
	if (r < 0) {
		rc = CB_ERR_DB;
		goto out;
	}
	if (r == 0)
		goto out;
	if (row.val[IDEM_COL_REQUEST_HASH] == NULL ||
	    row.len[IDEM_COL_REQUEST_HASH] != IDEMPOTENCY_HASH_LEN ||
	    !db_col_u64(&row, IDEM_COL_STATUS_CODE, &code) ||
	    row.val[IDEM_COL_RESPONSE_BODY] == NULL) {
		rc = CB_ERR_DB;
		goto out;
	}
	if (memcmp(row.val[IDEM_COL_REQUEST_HASH], hash, IDEMPOTENCY_HASH_LEN) != 0) {
		*state = IDEMPOTENCY_MISMATCH;
		goto out;
	}
	/* A committed row always carries its final answer; a placeholder is
	 * never visible outside its transaction. */
	if (code < 200 || code > 599) {
		rc = CB_ERR_DB;
		goto out;
	}
	buf_reset(body);
	if ((rc = buf_append(body, row.val[IDEM_COL_RESPONSE_BODY],
	    row.len[IDEM_COL_RESPONSE_BODY])) != CB_OK)
		goto out;
	*status = (int)code;
	*state = IDEMPOTENCY_REPLAY;
out:
	db_done(db, ST_IDEM_GET);
	return rc;
}

enum cb_err
idempotency_claim(struct db *db, uint32_t api_key_id, const char *key,
    size_t key_len, const uint8_t hash[IDEMPOTENCY_HASH_LEN], bool *in_flight)
{
	unsigned wait = db_lock_wait(db);
	enum cb_err rc, restored;

	*in_flight = false;
	/* Never longer than the transaction may wait (a deadline may have
	 * cut its lock wait already). */
	if (wait > IDEMPOTENCY_WAIT_SECONDS || wait == 0)
		wait = IDEMPOTENCY_WAIT_SECONDS;
	if ((rc = DB_EXEC(db, ST_IDEM_WAIT_SHORT, DB_U64(wait))) != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_IDEM_INSERT, DB_U64(api_key_id), DB_BLOB(key, key_len),
	    DB_BLOB(hash, IDEMPOTENCY_HASH_LEN));
	if (rc == CB_ERR_DB_RETRY && db_errno(db) == IDEMPOTENCY_ER_LOCK_WAIT_TIMEOUT)
		*in_flight = true;
	/* The session's own timeout comes back whatever the insert did. */
	restored = DB_EXEC0(db, ST_IDEM_WAIT_RESTORE);
	return rc != CB_OK ? rc : restored;
}

enum cb_err
idempotency_finish(struct db *db, uint32_t api_key_id, const char *key,
    size_t key_len, int status, const char *body, size_t body_len,
    uint64_t operation_row_id)
{
	enum cb_err rc;

	rc = DB_EXEC(db, ST_IDEM_FINISH, DB_U64((uint64_t)status),
	    DB_STR(body, body_len), DB_U64(operation_row_id), DB_U64(api_key_id),
	    DB_BLOB(key, key_len));
	if (rc == CB_OK && db_affected(db, ST_IDEM_FINISH) != 1)
		rc = CB_ERR_INTERNAL;
	return rc;
}

enum cb_err
idempotency_purge(struct db *db, unsigned retention, unsigned chunk_rows,
    unsigned max_chunks, uint64_t *deleted, bool *more)
{
	uint64_t total = 0, n = 0;
	enum cb_err rc = CB_OK;
	unsigned chunk;

	if (chunk_rows == 0)
		chunk_rows = IDEMPOTENCY_PURGE_CHUNK;
	if (max_chunks == 0)
		max_chunks = IDEMPOTENCY_PURGE_CHUNKS;
	for (chunk = 0; chunk < max_chunks; chunk++) {
		/* Autocommit: each chunk commits on its own. */
		rc = DB_EXEC(db, ST_IDEM_PURGE, DB_U64(retention), DB_U64(chunk_rows));
		if (rc != CB_OK)
			break;
		n = db_affected(db, ST_IDEM_PURGE);
		total += n;
		if (n < chunk_rows)
			break;
	}
	if (deleted != NULL)
		*deleted = total;
	if (more != NULL)
		*more = rc == CB_OK && n == chunk_rows;
	return rc;
}
