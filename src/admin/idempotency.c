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

static int
cmd_purge_idempotency(struct admin *adm)
{
	const char *const *v = adm->opt;
	unsigned long long retention, chunk = IDEMPOTENCY_PURGE_CHUNK,
	    chunks = IDEMPOTENCY_PURGE_CHUNKS;
	uint64_t deleted = 0;
	enum cb_err rc;
	bool more = false;

	retention = adm->cfg->api.idempotency_retention;
	if ((v[0] != NULL && admin_opt_u64("older-than", v[0], CONFIG_IDEM_RETENTION_MAX,
	    &retention) != 0) ||
	    (v[1] != NULL && admin_opt_u64("chunk", v[1], 100000, &chunk) != 0) ||
	    (v[2] != NULL && admin_opt_u64("max-chunks", v[2], 1000000, &chunks) != 0))
		return 2;
	if (retention < CONFIG_IDEM_RETENTION_MIN || chunk == 0 || chunks == 0)
		return admin_usage_error(adm, "--older-than is at least %u (keys are kept a"
		    " day); --chunk and --max-chunks at least 1", CONFIG_IDEM_RETENTION_MIN);
	rc = idempotency_purge(adm->db, (unsigned)retention, (unsigned)chunk,
	    (unsigned)chunks, &deleted, &more);
	if (rc != CB_OK) {
		fprintf(stderr, "chainbridge-admin: purge-idempotency: %s (%s); %" PRIu64
		    " keys deleted before\n", cb_strerror(rc), db_error(adm->db), deleted);
		return 1;
	}
	printf("purged %" PRIu64 " idempotency keys older than %llu s%s\n", deleted,
	    retention, more ? "; more remain, run again" : "");
	return 0;
}

/* Option indices: --older-than 0, --chunk 1, --max-chunks 2. */
static const char *const purge_opts[] = { "older-than=", "chunk=", "max-chunks=", NULL };

static const struct admin_action purge_actions[] = {
	{ NULL, purge_opts, "[--older-than SECONDS] [--chunk ROWS] [--max-chunks N]" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_purge_idempotency = {
	"purge-idempotency",
	"Delete idempotency keys older than [api] idempotency_retention (default a day),"
	" in short chunks",
	ADMIN_NEEDS_DB, cmd_purge_idempotency, purge_actions,
};
