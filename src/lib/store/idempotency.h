/*
 * idempotency.h - idempotency keys of the ledger writes (docs/api.md,
 * docs/store.md): the rows of idempotency_keys, for every writer (the API's
 * Idempotency-Key header, the chain daemon's housekeeping).
 *
 * A key is scoped to the API key that sent it.  The row is claimed (a
 * placeholder with status 0) as the first statement of the write
 * transaction, so a concurrent duplicate blocks on the primary key until
 * the first commits (it then sees a duplicate and replays) or rolls back
 * (it then proceeds); the final status and body are stored by the same
 * transaction.  Only committed writes leave a row: validation, auth and
 * business failures are never stored.  Rows are kept at least
 * IDEMPOTENCY_KEEP_SECONDS, then deleted by idempotency_purge() (the chain
 * daemon's housekeeping; chainbridge-admin purge-idempotency).
 */
#ifndef CB_STORE_IDEMPOTENCY_H
#define CB_STORE_IDEMPOTENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"
#include "core/err.h"

#define IDEMPOTENCY_HASH_LEN		32
/* Keys are kept at least this long ([api] idempotency_retention). */
#define IDEMPOTENCY_KEEP_SECONDS	(24u * 3600u)
/* Rows one purge statement deletes, and statements one purge call runs,
 * by default: each statement is a short transaction of its own. */
#define IDEMPOTENCY_PURGE_CHUNK		1000u
#define IDEMPOTENCY_PURGE_CHUNKS	100u
/* How long a duplicate waits for the request in flight with its key
 * before it is answered 409 idempotency_in_flight. */
#define IDEMPOTENCY_WAIT_SECONDS	5u

enum idempotency_state {
	IDEMPOTENCY_ABSENT = 0,	/* no committed row for the key */
	IDEMPOTENCY_REPLAY,	/* same request: status and body filled */
	IDEMPOTENCY_MISMATCH,	/* the key was used for another request */
};

/*
 * SHA-256 over the method, the route name and the body, with a NUL
 * between the parts, into out.
 */
void		idempotency_hash(const char *method, const char *route,
		    const char *body, size_t body_len,
		    uint8_t out[IDEMPOTENCY_HASH_LEN]);

/*
 * Looks (api_key_id, key) up with a plain read.  On IDEMPOTENCY_REPLAY
 * *status and body (reset first) hold the stored answer.  Returns CB_OK
 * with *state set, or a store error.
 */
enum cb_err	idempotency_lookup(struct db *db, uint32_t api_key_id,
		    const char *key, size_t key_len,
		    const uint8_t hash[IDEMPOTENCY_HASH_LEN],
		    enum idempotency_state *state, int *status, struct buf *body);

/*
 * Inserts the placeholder row inside the caller's transaction, waiting at
 * most IDEMPOTENCY_WAIT_SECONDS (or the session's lock wait when that is
 * shorter) for a transaction that holds the same key.
 * Returns CB_OK, CB_ERR_CONFLICT when the key is already committed,
 * CB_ERR_DB_RETRY on deadlock or lock wait timeout (*in_flight set for
 * the timeout: the other request is still running), or another store
 * error.
 */
enum cb_err	idempotency_claim(struct db *db, uint32_t api_key_id,
		    const char *key, size_t key_len,
		    const uint8_t hash[IDEMPOTENCY_HASH_LEN], bool *in_flight);

/* Stores the final answer on the claimed row (same transaction). */
enum cb_err	idempotency_finish(struct db *db, uint32_t api_key_id,
		    const char *key, size_t key_len, int status,
		    const char *body, size_t body_len, uint64_t operation_row_id);

/*
 * Deletes the keys older than retention seconds, oldest first, in chunks
 * of at most chunk_rows rows: each chunk is one DELETE in a short
 * transaction of its own (autocommit), so it holds its row locks for
 * milliseconds and only on rows nobody writes any more.  Runs at most
 * max_chunks chunks, so one call is bounded too.  Stores how many rows
 * went in *deleted and whether the last chunk was full (rows may remain:
 * call again, later) in *more; either may be NULL.  Returns CB_OK or a
 * store error (the chunks before it stay deleted).  chunk_rows and
 * max_chunks 0 mean the defaults above.
 */
enum cb_err	idempotency_purge(struct db *db, unsigned retention,
		    unsigned chunk_rows, unsigned max_chunks, uint64_t *deleted,
		    bool *more);

#endif
