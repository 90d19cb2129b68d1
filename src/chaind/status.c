/*
 * status.c - what the daemon tells the rest of the system about itself:
 * one chain_daemons row per chain (holder, heartbeat, signer balance,
 * stuck nonce, last error) and monotonic counters, both read by the API's
 * /metrics and /healthz.  Counters accumulate in memory and are flushed
 * with the heartbeat, so an error storm costs no extra writes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chaind.h"
#include "core/log.h"
#include "store/stmts.h"

void
chaind_count(struct chaind *cd, const char *name, const char *label, uint64_t n)
{
	struct chaind_counter *c;
	unsigned i;

	if (label == NULL)
		label = "";
	for (i = 0; i < cd->ncounters; i++) {
		c = &cd->counters[i];
		if (strcmp(c->name, name) == 0 && strcmp(c->label, label) == 0) {
			c->pending += n;
			return;
		}
	}
	if (cd->ncounters == CHAIND_COUNTERS_MAX) {
		log_warnx("counter_dropped", "name=%s", name);
		return;
	}
	c = &cd->counters[cd->ncounters++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->pending = n;
}

void
chaind_note_error(struct chaind *cd, const char *what, enum cb_err rc)
{
	snprintf(cd->last_error, sizeof(cd->last_error), "%s: %s", what, cb_strerror(rc));
}

static enum cb_err
heartbeat_txn(struct db *db, void *arg)
{
	struct chaind *cd = arg;
	char balance[80];
	size_t blen = 0;
	enum cb_err rc;
	unsigned i;

	if ((rc = lease_fence(db, &cd->lease)) != CB_OK)
		return rc;
	if (cd->have_signer_balance)
		blen = u256_to_dec(&cd->signer_balance, balance, sizeof(balance));
	rc = DB_EXEC(db, ST_DAEMON_HEARTBEAT, DB_U64(cd->chain->chain_id),
	    DB_CSTR(cd->lease.holder), DB_U64(cd->lease.token), DB_CSTR(PACKAGE_VERSION),
	    cd->key != NULL ? DB_BLOB(cd->signer.bytes, ADDRESS_LEN) : DB_NULL(),
	    blen > 0 ? DB_STR(balance, blen) : DB_NULL(),
	    DB_U64(cd->signer_balance_low ? 1 : 0),
	    cd->head > 0 ? DB_U64(cd->head) : DB_NULL(),
	    cd->have_stuck_nonce ? DB_U64(cd->stuck_nonce) : DB_NULL(),
	    cd->last_error[0] != '\0' ? DB_CSTR(cd->last_error) : DB_NULL());
	if (rc != CB_OK)
		return rc;
	for (i = 0; i < cd->ncounters; i++) {
		const struct chaind_counter *c = &cd->counters[i];

		if (c->pending == 0)
			continue;
		rc = DB_EXEC(db, ST_DAEMON_COUNTER_ADD, DB_U64(cd->chain->chain_id),
		    DB_CSTR(c->name), DB_CSTR(c->label), DB_U64(c->pending));
		if (rc != CB_OK)
			return rc;
	}
	return CB_OK;
}

enum cb_err
chaind_heartbeat(struct chaind *cd)
{
	enum cb_err rc;
	unsigned i;

	if ((rc = db_txn(cd->db, heartbeat_txn, cd)) != CB_OK)
		return rc;
	for (i = 0; i < cd->ncounters; i++)
		cd->counters[i].pending = 0;
	cd->last_error[0] = '\0';
	return CB_OK;
}

/* Text for a nullable VARCHAR(100) column: cut, never overlong. */
static struct db_param
issue_text(const char *s)
{
	return s != NULL ? DB_STR(s, strnlen(s, 100)) : DB_NULL();
}

enum cb_err
issue_report(struct db *db, uint64_t chain_id, const char *kind, const char *subject,
    const char *expected, const char *actual)
{
	struct db_row row;
	uint64_t id = 0;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(db, ST_ISSUE_FIND_OPEN, DB_U64(chain_id), DB_CSTR(kind),
	    DB_STR(subject, strnlen(subject, 255)));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_ISSUE_FIND_OPEN, &row);
	if (r == 1 && !db_col_u64(&row, ISSUE_COL_ID, &id))
		r = -1;
	db_done(db, ST_ISSUE_FIND_OPEN);
	if (r < 0)
		return CB_ERR_DB;
	if (r == 0)
		return DB_EXEC(db, ST_ISSUE_INSERT, DB_U64(chain_id), DB_CSTR(kind),
		    DB_STR(subject, strnlen(subject, 255)), issue_text(expected),
		    issue_text(actual));
	return DB_EXEC(db, ST_ISSUE_UPDATE, issue_text(expected), issue_text(actual),
	    DB_U64(id));
}

enum cb_err
issue_resolve(struct db *db, uint64_t chain_id, const char *kind, const char *subject)
{
	return DB_EXEC(db, ST_ISSUE_RESOLVE, DB_U64(chain_id), DB_CSTR(kind),
	    DB_STR(subject, strnlen(subject, 255)));
}
