/*
 * housekeeping.c - periodic cleanup that keeps the store small: expired
 * idempotency keys go, in short chunks, so API writes are never held up
 * (docs/settlement.md, "Housekeeping").
 *
 * The purge is not fenced by the lease: deleting keys past their
 * retention is the same work whoever does it, and each chunk is a
 * transaction of its own (idempotency_purge()).
 */
#include "config.h"

#include <inttypes.h>

#include "chaind.h"
#include "core/log.h"
#include "core/monotime.h"
#include "store/idempotency.h"

#define HOUSEKEEPING_MAX_CHUNKS		10u
#define HOUSEKEEPING_INTERVAL_MS	60000u

enum cb_err
housekeeping_step(struct chaind *cd)
{
	static uint64_t next_ms;
	uint64_t deleted = 0, now = monotime_ms();
	bool more = false;
	enum cb_err rc;

	if (now < next_ms)
		return CB_OK;
	rc = idempotency_purge(cd->db, cd->cfg->api.idempotency_retention, 0,
	    HOUSEKEEPING_MAX_CHUNKS, &deleted, &more);
	if (deleted > 0) {
		log_info("idempotency_purged", "chain=%s rows=%" PRIu64 " more=%d",
		    cd->chain->name, deleted, more ? 1 : 0);
		chaind_count(cd, "idempotency_keys_purged", NULL, deleted);
	}
	/* More left: come back on the next pass rather than in a minute. */
	next_ms = (rc == CB_OK && !more) ? now + HOUSEKEEPING_INTERVAL_MS : now;
	return rc;
}
