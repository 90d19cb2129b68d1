/*
 * settlement.c - chainbridge-admin settlement: what an operator does about
 * settlement (docs/settlement.md, "Operating it").
 *
 *	settlement requeue --change ID | --batch ID
 *		failed changes back to recorded, settle attempts reset, so the
 *		daemon settles them again; anything that is not failed is
 *		refused, with the reason
 *	settlement status
 *		pending changes per token and status, batches per status, the
 *		lease holder, heartbeat, stuck nonce and signer balance per
 *		chain, the signer's next nonce
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "ledger/status.h"
#include "store/stmts.h"

struct requeue {
	uint64_t	 id;
	bool		 batch;
	/* out */
	enum cb_err	 refused;	/* CB_ERR_NOT_FOUND, CB_ERR_CONFLICT, or CB_OK */
	char		 status[32];
	uint64_t	 moved;
};

static enum cb_err
requeue_txn(struct db *db, void *arg)
{
	struct requeue *q = arg;
	unsigned lock = q->batch ? ST_SETTLE_BATCH_LOCK : ST_SETTLE_CHANGE_LOCK;
	unsigned status_col = q->batch ? SETTLE_BATCH_LOCK_COL_STATUS :
	    SETTLE_CHANGE_LOCK_COL_STATUS;
	struct db_row row;
	enum cb_err rc;
	int r;

	q->refused = CB_OK;
	q->moved = 0;
	q->status[0] = '\0';
	if (!change_transition_ok(CHANGE_FAILED, CHANGE_RECORDED))
		return CB_ERR_INTERNAL;
	if ((rc = DB_EXEC(db, lock, DB_U64(q->id))) != CB_OK)
		return rc;
	r = db_fetch(db, lock, &row);
	if (r == 1 && row.val[status_col] != NULL)
		snprintf(q->status, sizeof(q->status), "%.*s", (int)row.len[status_col],
		    row.val[status_col]);
	db_done(db, lock);
	if (r < 0)
		return CB_ERR_DB;
	if (r == 0) {
		q->refused = CB_ERR_NOT_FOUND;
		return CB_OK;
	}
	if (strcmp(q->status, "failed") != 0) {
		q->refused = CB_ERR_CONFLICT;
		return CB_OK;
	}
	if (q->batch)
		rc = DB_EXEC(db, ST_SETTLE_BATCH_REQUEUE, DB_U64(q->id));
	else
		rc = DB_EXEC(db, ST_SETTLE_CHANGE_REQUEUE, DB_U64(q->id));
	if (rc == CB_OK)
		q->moved = db_affected(db, q->batch ? ST_SETTLE_BATCH_REQUEUE :
		    ST_SETTLE_CHANGE_REQUEUE);
	return rc;
}

static int
settlement_requeue(struct admin *adm)
{
	const char *change = adm->opt[0], *batch = adm->opt[1];
	struct requeue q;
	unsigned long long id;
	const char *what;
	enum cb_err rc;

	memset(&q, 0, sizeof(q));
	if ((change == NULL) == (batch == NULL))
		return admin_usage_error(adm, "settlement requeue needs one of --change and --batch");
	q.batch = batch != NULL;
	what = q.batch ? "batch" : "change";
	if (admin_opt_u64(what, q.batch ? batch : change, UINT64_MAX, &id) != 0)
		return 2;
	q.id = id;
	if ((rc = db_txn(adm->db, requeue_txn, &q)) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: requeue: %s (%s)\n", cb_strerror(rc),
		    db_error(adm->db));
		return 1;
	}
	if (q.refused == CB_ERR_NOT_FOUND) {
		fprintf(stderr, "chainbridge-admin: no %s %" PRIu64 "\n", what, q.id);
		return 1;
	}
	if (q.refused == CB_ERR_CONFLICT) {
		fprintf(stderr, "chainbridge-admin: %s %" PRIu64 " is '%s', not 'failed':"
		    " only failed %s can be re-queued; nothing changed\n", what, q.id, q.status,
		    q.batch ? "batches" : "changes");
		return 1;
	}
	if (q.batch && q.moved == 0) {
		fprintf(stderr, "chainbridge-admin: batch %" PRIu64 " has no failed change left"
		    " (changes that failed on their own, e.g. onchain_balance_insufficient, are"
		    " re-queued with --change); nothing changed\n", q.id);
		return 1;
	}
	printf("re-queued %" PRIu64 " change%s of %s %" PRIu64 ": recorded again, settle"
	    " attempts reset\n", q.moved, q.moved == 1 ? "" : "s", what, q.id);
	return 0;
}

/* Prints the rows of stmt, columns joined by two spaces (NULL as "-"). */
static int
settlement_rows(struct admin *adm, unsigned stmt, const char *title, const char *header)
{
	struct db_row row;
	enum cb_err rc;
	unsigned i, n = 0;
	int r;

	printf("%s\n  %s\n", title, header);
	if ((rc = DB_EXEC0(adm->db, stmt)) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: %s: %s\n", title, db_error(adm->db));
		return 1;
	}
	while ((r = db_fetch(adm->db, stmt, &row)) == 1) {
		printf(" ");
		for (i = 0; i < row.ncols; i++)
			printf(" %s", row.val[i] != NULL ? row.val[i] : "-");
		printf("\n");
		n++;
	}
	db_done(adm->db, stmt);
	if (r < 0)
		return 1;
	if (n == 0)
		printf("  (none)\n");
	printf("\n");
	return 0;
}

static int
settlement_status(struct admin *adm)
{
	int bad = 0;

	bad |= settlement_rows(adm, ST_SETTLE_STATUS_PENDING, "changes not yet settled:",
	    "token chain_id status changes oldest_age_s");
	bad |= settlement_rows(adm, ST_SETTLE_STATUS_BATCHES, "batches:",
	    "chain_id status batches");
	bad |= settlement_rows(adm, ST_SETTLE_STATUS_DAEMONS, "daemons:",
	    "chain_id lease_holder lease_live lease_expires_in_ms heartbeat_age_s signer"
	    " signer_balance_wei signer_balance_low stuck_nonce stuck_s last_error");
	bad |= settlement_rows(adm, ST_SETTLE_STATUS_NONCES, "signer nonces:",
	    "chain_id signer next_nonce");
	return bad ? 1 : 0;
}

static int
cmd_settlement(struct admin *adm)
{
	if (strcmp(adm->action->name, "requeue") == 0)
		return settlement_requeue(adm);
	return settlement_status(adm);
}

/* Option indices of requeue: --change 0, --batch 1. */
static const char *const settlement_requeue_opts[] = { "change=", "batch=", NULL };
static const char *const settlement_no_opts[] = { NULL };

static const struct admin_action settlement_actions[] = {
	{ "requeue", settlement_requeue_opts, "--change ID | --batch ID" },
	{ "status", settlement_no_opts, "" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_settlement = {
	"settlement", "Re-queue failed settlement and show where settlement stands",
	ADMIN_NEEDS_DB, cmd_settlement, settlement_actions,
};
