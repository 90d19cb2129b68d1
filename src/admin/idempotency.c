/*
 * idempotency.c - chainbridge-admin purge-idempotency: deletes the
 * idempotency keys older than the retention, in short chunks
 * (idempotency_purge() of src/lib/store/idempotency.h, which the chain
 * daemon's housekeeping calls as well).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "store/idempotency.h"
#include "store/store.h"

int
cmd_purge_idempotency(struct admin *adm, int argc, char **argv)
{
	static const char *const spec[] = { "older-than=", "chunk=", "max-chunks=", NULL };
	const char *v[4];
	unsigned long long retention, chunk = IDEMPOTENCY_PURGE_CHUNK,
	    chunks = IDEMPOTENCY_PURGE_CHUNKS;
	char errbuf[256];
	uint64_t deleted = 0;
	struct db *db = NULL;
	enum cb_err rc;
	bool more = false;
	int status = 2;

	retention = adm->cfg->api.idempotency_retention;
	if (admin_opts(argc, argv, spec, v) != 0 ||
	    (v[0] != NULL && admin_opt_u64("older-than", v[0], CONFIG_IDEM_RETENTION_MAX,
	    &retention) != 0) ||
	    (v[1] != NULL && admin_opt_u64("chunk", v[1], 100000, &chunk) != 0) ||
	    (v[2] != NULL && admin_opt_u64("max-chunks", v[2], 1000000, &chunks) != 0))
		goto out;
	if (retention < CONFIG_IDEM_RETENTION_MIN || chunk == 0 || chunks == 0) {
		fprintf(stderr, "chainbridge-admin: --older-than is at least %u (keys are kept"
		    " a day); --chunk and --max-chunks at least 1\n", CONFIG_IDEM_RETENTION_MIN);
		goto out;
	}
	/* The store only now: --help and bad options do not need it. */
	status = 1;
	if ((db = store_open(&adm->cfg->db, 0, &rc, errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "chainbridge-admin: database: %s\n", errbuf);
		goto out;
	}
	rc = idempotency_purge(db, (unsigned)retention, (unsigned)chunk, (unsigned)chunks,
	    &deleted, &more);
	if (rc != CB_OK) {
		fprintf(stderr, "chainbridge-admin: purge-idempotency: %s (%s); %" PRIu64
		    " keys deleted before\n", cb_strerror(rc), db_error(db), deleted);
		goto out;
	}
	printf("purged %" PRIu64 " idempotency keys older than %llu s%s\n", deleted,
	    retention, more ? "; more remain, run again" : "");
	status = 0;
out:
	db_close(db);
	return status;
}
