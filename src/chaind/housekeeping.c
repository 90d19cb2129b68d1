/*
 * housekeeping.c - periodic cleanup that keeps the store small: expired
 * idempotency keys go, in short chunks, so API writes are never held up
 * (docs/settlement.md, "Housekeeping").
 */
#include "config.h"

#include <inttypes.h>

#include "chaind.h"
#include "core/log.h"
#include "core/monotime.h"
#include "store/stmts.h"

/* Keys are kept at least this long (docs/api.md). */
#define HOUSEKEEPING_IDEM_RETENTION_S	86400u
#define HOUSEKEEPING_CHUNK_ROWS		1000u
#define HOUSEKEEPING_MAX_CHUNKS		10u
#define HOUSEKEEPING_INTERVAL_MS	60000u

struct purge {
	struct chaind	*cd;
	uint64_t	 deleted;
};

static enum cb_err
purge_chunk_txn(struct db *db, void *arg)
{
	struct purge *p = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &p->cd->lease)) != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_IDEM_PURGE, DB_U64(HOUSEKEEPING_IDEM_RETENTION_S),
	    DB_U64(HOUSEKEEPING_CHUNK_ROWS));
	if (rc == CB_OK)
		p->deleted = db_affected(db, ST_IDEM_PURGE);
	return rc;
}

enum cb_err
housekeeping_step(struct chaind *cd)
{
	static uint64_t next_ms;
	struct purge p = { .cd = cd };
	uint64_t total = 0, now = monotime_ms();
	enum cb_err rc = CB_OK;
	unsigned i;

	if (now < next_ms)
		return CB_OK;
	for (i = 0; i < HOUSEKEEPING_MAX_CHUNKS && chaind_time_left(cd) > 0; i++) {
		if ((rc = db_txn(cd->db, purge_chunk_txn, &p)) != CB_OK)
			break;
		total += p.deleted;
		if (p.deleted < HOUSEKEEPING_CHUNK_ROWS)
			break;
	}
	if (total > 0) {
		log_info("idempotency_purged", "chain=%s rows=%" PRIu64, cd->chain->name, total);
		chaind_count(cd, "idempotency_keys_purged", NULL, total);
	}
	/* A full run of chunks means more may wait: come back on the next pass. */
	next_ms = (rc == CB_OK && i < HOUSEKEEPING_MAX_CHUNKS) ?
	    now + HOUSEKEEPING_INTERVAL_MS : now;
	return rc;
}
