/*
 * submitter.c - from batches to signed, stored and sent transactions
 * (docs/settlement.md, "Submitting", "Nonces", "Stuck and dropped
 * transactions").
 *
 * Each pass, while the lease is held:
 *
 *	1. the signer's ETH balance (heartbeat, alert);
 *	2. nonces reconciled with the node when the lease was taken and
 *	   after any doubtful send;
 *	3. stored attempts the node has not accepted yet go out again, in
 *	   nonce order, from their stored bytes;
 *	4. attempts without a receipt replace_after seconds after they went
 *	   out are replaced: same nonce, both fee caps up by fee_bump_percent;
 *	5. pending batches, up to max_in_flight unconfirmed ones: pre-flight
 *	   (eth_call, revert decoding, bisection), gas (split above
 *	   max_gas_per_tx), fees, then nonce claim + sign + store in one
 *	   fenced transaction committed before the first byte is sent;
 *	6. the oldest unmined nonce waiting past stuck_alert_after alerts.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bisect.h"
#include "core/buf.h"
#include "core/hex.h"
#include "core/log.h"
#include "core/monotime.h"
#include "eth/tx.h"
#include "ledger/status.h"
#include "nonce.h"
#include "settle.h"
#include "store/stmts.h"

/* Pending batches looked at per query (to step over deferred ones). */
#define SUBMIT_PENDING_PEEK	8u
/* Stored attempts sent per pass, stuck batches replaced per pass. */
#define SUBMIT_SEND_MAX		64u
#define SUBMIT_STUCK_MAX	8u
/* Pre-flight rounds (each removes failing items) and simulations. */
#define SUBMIT_PREFLIGHT_ROUNDS	8u
#define SUBMIT_BISECT_CALLS	128u
/* How long a batch is left alone after a node error or a hold. */
#define SUBMIT_DEFER_ERROR_MS	5000u
#define SUBMIT_DEFER_HOLD_MS	60000u
/* Reconcile at least this often while holding the lease. */
#define SUBMIT_RECONCILE_MS	60000u
/* Nonces held by stored transactions looked at when reconciling. */
#define SUBMIT_HELD_MAX		10000u

/* ------------------------------------------------------------- nonces */

struct reconcile {
	struct chaind		*cd;
	uint64_t		 chain_pending;
	struct nonce_decision	 decision;
	bool			 have_store;
	uint64_t		 store_next;
};

static enum cb_err
reconcile_txn(struct db *db, void *arg)
{
	struct reconcile *r = arg;
	struct chaind *cd = r->cd;
	struct nonce_held *held = NULL;
	struct db_row row;
	size_t nheld = 0;
	uint64_t from, v, fin;
	enum cb_err rc;
	int fr;

	r->have_store = false;
	if ((rc = lease_fence(db, &cd->lease)) != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_SETTLE_NONCE_LOCK, DB_U64(cd->chain->chain_id),
	    DB_BLOB(cd->signer.bytes, ADDRESS_LEN));
	if (rc != CB_OK)
		return rc;
	fr = db_fetch(db, ST_SETTLE_NONCE_LOCK, &row);
	if (fr == 1) {
		r->have_store = true;
		if (!db_col_u64(&row, SCALAR_COL_VALUE, &r->store_next))
			fr = -1;
	}
	db_done(db, ST_SETTLE_NONCE_LOCK);
	if (fr < 0)
		return CB_ERR_DB;
	from = r->have_store && r->store_next < r->chain_pending ? r->store_next :
	    r->chain_pending;
	if ((held = calloc(SUBMIT_HELD_MAX, sizeof(*held))) == NULL)
		return CB_ERR_NOMEM;
	rc = DB_EXEC(db, ST_SETTLE_NONCES_HELD, DB_U64(cd->chain->chain_id),
	    DB_BLOB(cd->signer.bytes, ADDRESS_LEN), DB_U64(from));
	if (rc != CB_OK)
		goto out;
	while (nheld < SUBMIT_HELD_MAX && (fr = db_fetch(db, ST_SETTLE_NONCES_HELD, &row)) == 1) {
		if (!db_col_u64(&row, SETTLE_HELD_COL_NONCE, &v) ||
		    !db_col_u64(&row, SETTLE_HELD_COL_FINISHED, &fin)) {
			fr = -1;
			break;
		}
		held[nheld].nonce = v;
		held[nheld++].finished = fin != 0;
	}
	db_done(db, ST_SETTLE_NONCES_HELD);
	if (fr < 0) {
		rc = CB_ERR_DB;
		goto out;
	}
	nonce_reconcile(r->have_store, r->store_next, r->chain_pending, held, nheld,
	    &r->decision);
	switch (r->decision.action) {
	case NONCE_INIT:
		rc = DB_EXEC(db, ST_SETTLE_NONCE_INSERT, DB_U64(cd->chain->chain_id),
		    DB_BLOB(cd->signer.bytes, ADDRESS_LEN), DB_U64(r->decision.next));
		break;
	case NONCE_FOLLOW_CHAIN:
	case NONCE_LOWER:
		rc = DB_EXEC(db, ST_SETTLE_NONCE_SET, DB_U64(r->decision.next),
		    DB_U64(cd->chain->chain_id), DB_BLOB(cd->signer.bytes, ADDRESS_LEN),
		    DB_U64(r->store_next));
		if (rc == CB_OK && db_affected(db, ST_SETTLE_NONCE_SET) != 1)
			rc = CB_ERR_DB_RETRY;
		break;
	default:
		break;
	}
out:
	free(held);
	return rc;
}

/* The newest attempt of batch_id's nonce that the node once accepted
 * (status sent), copied into *raw (the caller frees it). */
static enum cb_err
submitter_newest_sent(struct chaind *cd, uint64_t batch_id, uint64_t nonce, uint8_t **raw,
    size_t *len)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	*raw = NULL;
	*len = 0;
	if ((rc = DB_EXEC(cd->db, ST_SETTLE_ATTEMPTS_OF, DB_U64(batch_id), DB_U64(nonce))) !=
	    CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_SETTLE_ATTEMPTS_OF, &row)) == 1) {
		if (row.val[SETTLE_ATTEMPT_COL_STATUS] == NULL ||
		    strcmp(row.val[SETTLE_ATTEMPT_COL_STATUS], "sent") != 0 ||
		    row.val[SETTLE_ATTEMPT_COL_RAW_TX] == NULL ||
		    row.len[SETTLE_ATTEMPT_COL_RAW_TX] == 0)
			continue;
		free(*raw);
		if ((*raw = malloc(row.len[SETTLE_ATTEMPT_COL_RAW_TX])) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		memcpy(*raw, row.val[SETTLE_ATTEMPT_COL_RAW_TX],
		    row.len[SETTLE_ATTEMPT_COL_RAW_TX]);
		*len = row.len[SETTLE_ATTEMPT_COL_RAW_TX];
	}
	db_done(cd->db, ST_SETTLE_ATTEMPTS_OF);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	if (rc != CB_OK) {
		free(*raw);
		*raw = NULL;
	}
	return rc;
}

/* Sends the newest sent attempt of every submitted batch whose nonce the
 * node has forgotten ([from, to)), from its stored bytes. */
static void
submitter_rebroadcast_range(struct chaind *cd, uint64_t from, uint64_t to)
{
	uint64_t ids[SUBMIT_SEND_MAX], nonces[SUBMIT_SEND_MAX], batch, nonce;
	struct rpc_error err;
	struct db_row row;
	uint8_t *raw, hash[32];
	char hex[67];
	size_t nids = 0, len, i;
	enum cb_err rc;

	if (DB_EXEC(cd->db, ST_SETTLE_TRACKED, DB_U64(cd->chain->chain_id),
	    DB_U64(SUBMIT_SEND_MAX)) != CB_OK)
		return;
	while (nids < SUBMIT_SEND_MAX && db_fetch(cd->db, ST_SETTLE_TRACKED, &row) == 1) {
		if (row.val[SETTLE_TRACKED_COL_STATUS] == NULL ||
		    strcmp(row.val[SETTLE_TRACKED_COL_STATUS], "submitted") != 0 ||
		    !db_col_u64(&row, SETTLE_TRACKED_COL_ID, &batch) ||
		    !db_col_u64(&row, SETTLE_TRACKED_COL_NONCE, &nonce) ||
		    nonce < from || nonce >= to)
			continue;
		ids[nids] = batch;
		nonces[nids++] = nonce;
	}
	db_done(cd->db, ST_SETTLE_TRACKED);
	for (i = 0; i < nids; i++) {
		if (submitter_newest_sent(cd, ids[i], nonces[i], &raw, &len) != CB_OK ||
		    raw == NULL)
			continue;
		rc = settle_rpc_send(cd, raw, len, &err);
		tx_hash(raw, len, hash);
		free(raw);
		if (nonce_send_action(rc, &err) == SEND_MARK_SENT) {
			log_info("tx_rebroadcast", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64
			    " tx=%s reason=reconcile", cd->chain->name, ids[i], nonces[i],
			    settle_hex(hash, 32, hex, sizeof(hex)));
			chaind_count(cd, "rebroadcasts", "reconcile", 1);
		} else {
			(void)settle_rpc_failed(cd, "eth_sendRawTransaction", rc, &err);
		}
	}
}

/* Reconciles next_nonce with the node's pending count (nonce.c). */
static enum cb_err
submitter_reconcile(struct chaind *cd)
{
	struct settle_state *s = cd->settle;
	struct rpc_block_ref pending = { .tag = RPC_BLOCK_PENDING };
	struct reconcile r = { .cd = cd };
	struct rpc_error err;
	enum cb_err rc;

	if ((rc = settle_rpc_nonce(cd, pending, &r.chain_pending, &err)) != CB_OK)
		return settle_rpc_failed(cd, "eth_getTransactionCount", rc, &err);
	if ((rc = db_txn(cd->db, reconcile_txn, &r)) != CB_OK)
		return rc;
	s->next_reconcile_ms = monotime_ms() + SUBMIT_RECONCILE_MS;
	s->nonce_gap = r.decision.action == NONCE_GAP;
	s->nonce_reconciled = r.decision.action != NONCE_NODE_BEHIND &&
	    r.decision.action != NONCE_GAP;
	if (r.decision.action != NONCE_KEEP || !r.have_store ||
	    r.chain_pending != r.store_next)
		log_info("nonce_reconciled", "chain=%s action=%s chain_pending=%" PRIu64
		    " store_next=%s%" PRIu64 " next=%" PRIu64, cd->chain->name,
		    nonce_action_name(r.decision.action), r.chain_pending,
		    r.have_store ? "" : "none:", r.have_store ? r.store_next : 0,
		    r.decision.next);
	if (r.decision.action == NONCE_GAP) {
		log_errorx("nonce_gap", "chain=%s nonce=%" PRIu64 " chain_pending=%" PRIu64
		    " store_next=%" PRIu64 " action=signing_held", cd->chain->name,
		    r.decision.gap, r.chain_pending, r.store_next);
		chaind_count(cd, "nonce_gaps", NULL, 1);
		chaind_note_error(cd, "nonce_gap", CB_ERR_CONFLICT);
	}
	if (r.decision.action == NONCE_NODE_BEHIND)
		log_warnx("nonce_node_behind", "chain=%s chain_pending=%" PRIu64,
		    cd->chain->name, r.chain_pending);
	/* The store is ahead: the node forgot transactions we hold. */
	if (r.have_store && r.chain_pending < r.store_next &&
	    r.decision.action != NONCE_NODE_BEHIND)
		submitter_rebroadcast_range(cd, r.chain_pending, r.store_next);
	return CB_OK;
}

/* ------------------------------------------------------------ sending */

struct mark_sent {
	struct chaind	*cd;
	uint64_t	 batch_id;
	uint64_t	 attempt_id;
	bool		 batch_moved;
};

static enum cb_err
mark_sent_txn(struct db *db, void *arg)
{
	struct mark_sent *m = arg;
	enum cb_err rc;

	m->batch_moved = false;
	if ((rc = lease_fence(db, &m->cd->lease)) != CB_OK)
		return rc;
	if (!attempt_transition_ok(ATTEMPT_SIGNED, ATTEMPT_SENT) ||
	    !batch_transition_ok(BATCH_SIGNED, BATCH_SUBMITTED) ||
	    !change_transition_ok(CHANGE_BATCHED, CHANGE_SUBMITTED))
		return CB_ERR_INTERNAL;
	if ((rc = DB_EXEC(db, ST_SETTLE_ATTEMPT_SENT, DB_U64(m->attempt_id))) != CB_OK)
		return rc;
	if ((rc = DB_EXEC(db, ST_SETTLE_BATCH_SUBMITTED, DB_U64(m->batch_id))) != CB_OK)
		return rc;
	if (db_affected(db, ST_SETTLE_BATCH_SUBMITTED) == 1) {
		m->batch_moved = true;
		rc = DB_EXEC(db, ST_SETTLE_CHANGES_STATUS, DB_CSTR("submitted"),
		    DB_U64(m->batch_id), DB_CSTR("batched"));
	}
	return rc;
}

struct note {
	struct chaind	*cd;
	unsigned	 stmt;
	uint64_t	 id;
	char		 text[SETTLE_NOTE_MAX];
};

static enum cb_err
note_txn(struct db *db, void *arg)
{
	struct note *n = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &n->cd->lease)) != CB_OK)
		return rc;
	return DB_EXEC(db, n->stmt, DB_STR(n->text, strnlen(n->text, SETTLE_ERROR_MAX)),
	    DB_U64(n->id));
}

/* Stores a note on an attempt (send_error) or a batch (last_error). */
static enum cb_err
submitter_note(struct chaind *cd, unsigned stmt, uint64_t id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum cb_err
submitter_note(struct chaind *cd, unsigned stmt, uint64_t id, const char *fmt, ...)
{
	struct note n = { .cd = cd, .stmt = stmt, .id = id };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n.text, sizeof(n.text), fmt, ap);
	va_end(ap);
	return db_txn(cd->db, note_txn, &n);
}

/*
 * Hands one stored attempt to the node and records the outcome.  Returns
 * CB_OK when the caller may go on with the next one, or the error that
 * should stop this pass (node unreachable, funds).
 */
static enum cb_err
submitter_send(struct chaind *cd, uint64_t batch_id, uint64_t attempt_id, uint64_t nonce,
    const uint8_t *raw, size_t len, const uint8_t hash[32])
{
	struct settle_state *s = cd->settle;
	struct mark_sent m = { .cd = cd, .batch_id = batch_id, .attempt_id = attempt_id };
	struct rpc_error err;
	enum send_action action;
	const char *answer;
	char hex[67], q[LOG_Q_MAX];
	enum cb_err rc;

	rpc_error_clear(&err);
	rc = settle_rpc_send(cd, raw, len, &err);
	action = nonce_send_action(rc, &err);
	answer = rc == CB_OK ? "accepted" : action == SEND_MARK_SENT_CHECK ? "nonce_too_low" :
	    "already_known";
	settle_hex(hash, 32, hex, sizeof(hex));
	if (rc != CB_OK && (rc != CB_ERR_RPC || err.errclass != RPC_ERRCLASS_ALREADY_KNOWN))
		(void)settle_rpc_failed(cd, "eth_sendRawTransaction", rc, &err);
	switch (action) {
	case SEND_MARK_SENT:
	case SEND_MARK_SENT_CHECK:
		failpoint("after_send");
		if ((rc = db_txn(cd->db, mark_sent_txn, &m)) != CB_OK)
			return rc;
		log_info("tx_sent", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64 " tx=%s"
		    " attempt=%" PRIu64 " answer=%s", cd->chain->name, batch_id, nonce, hex,
		    attempt_id, answer);
		chaind_count(cd, "tx_sent", NULL, 1);
		if (action == SEND_MARK_SENT_CHECK)
			s->nonce_reconciled = false;
		return CB_OK;
	case SEND_KEEP_RETRY:
		/* Nothing concluded: the same bytes go out on the next pass. */
		s->nonce_reconciled = false;
		return rc;
	case SEND_KEEP_FUNDS:
		(void)submitter_note(cd, ST_SETTLE_ATTEMPT_SEND_ERROR, attempt_id,
		    "insufficient_funds: %s", err.message);
		log_errorx("signer_insufficient_funds", "chain=%s batch=%" PRIu64
		    " nonce=%" PRIu64 " tx=%s", cd->chain->name, batch_id, nonce, hex);
		chaind_count(cd, "send_errors", nonce_send_action_name(action), 1);
		s->nonce_reconciled = false;
		return CB_ERR_RPC;
	case SEND_KEEP_UNDERPRICED:
	case SEND_KEEP_ERROR:
	default:
		(void)submitter_note(cd, ST_SETTLE_ATTEMPT_SEND_ERROR, attempt_id, "%s: %s",
		    nonce_send_action_name(action), err.message);
		log_warnx("tx_send_refused", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64
		    " tx=%s reason=%s detail=%s", cd->chain->name, batch_id, nonce, hex,
		    nonce_send_action_name(action), log_q(q, sizeof(q), err.message,
		    strlen(err.message)));
		chaind_count(cd, "send_errors", nonce_send_action_name(action), 1);
		settle_defer(cd, batch_id, SUBMIT_DEFER_ERROR_MS);
		s->nonce_reconciled = false;
		return CB_OK;
	}
}

/* Sends the stored attempts the node has not accepted yet. */
static enum cb_err
submitter_send_stored(struct chaind *cd)
{
	struct {
		uint64_t	 attempt, batch, nonce;
		uint8_t		 hash[32];
		uint8_t		*raw;
		size_t		 len;
	} list[SUBMIT_SEND_MAX];
	struct db_row row;
	size_t n = 0, i;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(cd->db, ST_SETTLE_TO_SEND, DB_U64(cd->chain->chain_id),
	    DB_U64(SUBMIT_SEND_MAX));
	if (rc != CB_OK)
		return rc;
	while (n < SUBMIT_SEND_MAX && (r = db_fetch(cd->db, ST_SETTLE_TO_SEND, &row)) == 1) {
		if (!db_col_u64(&row, SETTLE_SEND_COL_ATTEMPT_ID, &list[n].attempt) ||
		    !db_col_u64(&row, SETTLE_SEND_COL_BATCH_ID, &list[n].batch) ||
		    !db_col_u64(&row, SETTLE_SEND_COL_NONCE, &list[n].nonce) ||
		    row.val[SETTLE_SEND_COL_RAW_TX] == NULL ||
		    row.len[SETTLE_SEND_COL_RAW_TX] == 0 ||
		    row.val[SETTLE_SEND_COL_TX_HASH] == NULL ||
		    row.len[SETTLE_SEND_COL_TX_HASH] != 32) {
			r = -1;
			break;
		}
		if ((list[n].raw = malloc(row.len[SETTLE_SEND_COL_RAW_TX])) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		memcpy(list[n].raw, row.val[SETTLE_SEND_COL_RAW_TX],
		    row.len[SETTLE_SEND_COL_RAW_TX]);
		list[n].len = row.len[SETTLE_SEND_COL_RAW_TX];
		memcpy(list[n].hash, row.val[SETTLE_SEND_COL_TX_HASH], 32);
		n++;
	}
	db_done(cd->db, ST_SETTLE_TO_SEND);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	for (i = 0; rc == CB_OK && i < n && !chaind_stopping(cd); i++) {
		if (settle_deferred(cd, list[i].batch))
			continue;
		rc = submitter_send(cd, list[i].batch, list[i].attempt, list[i].nonce,
		    list[i].raw, list[i].len, list[i].hash);
	}
	for (i = 0; i < n; i++)
		free(list[i].raw);
	return rc;
}

/* ------------------------------------------------------------ signing */

struct claim {
	struct chaind		*cd;
	const struct settle_batch *b;
	const uint8_t		*data;
	size_t			 data_len;
	struct fee_quote	 fees;
	uint64_t		 gas_limit;
	bool			 replacement;	/* same nonce, newer attempt */
	uint64_t		 nonce;		/* in for a replacement, out otherwise */
	uint64_t		 newest_attempt; /* a replacement's expected newest */
	/* out */
	uint64_t		 attempt_id;
	uint8_t			 hash[32];
	uint8_t			*raw;
	size_t			 raw_len;
};

static enum cb_err
claim_sign(struct claim *c)
{
	struct tx tx;

	memset(&tx, 0, sizeof(tx));
	tx.type = TX_EIP1559;
	tx.chain_id = c->cd->chain->chain_id;
	tx.nonce = c->nonce;
	tx.max_priority_fee_per_gas = c->fees.tip;
	tx.max_fee_per_gas = c->fees.max_fee;
	tx.gas_limit = c->gas_limit;
	tx.has_to = true;
	tx.to = c->b->token->address;
	u256_zero(&tx.value);
	tx.data = c->data;
	tx.data_len = c->data_len;
	free(c->raw);
	c->raw = NULL;
	return tx_sign(&tx, c->cd->key, &c->raw, &c->raw_len, c->hash);
}

static enum cb_err
claim_insert_attempt(struct db *db, struct claim *c)
{
	char fee[U256_DEC_MAX], tip[U256_DEC_MAX];
	enum cb_err rc;

	rc = DB_EXEC(db, ST_SETTLE_ATTEMPT_INSERT, DB_U64(c->b->id), DB_U64(c->nonce),
	    DB_BLOB(c->hash, 32), DB_BLOB(c->raw, c->raw_len),
	    DB_CSTR(settle_dec(&c->fees.max_fee, fee, sizeof(fee))),
	    DB_CSTR(settle_dec(&c->fees.tip, tip, sizeof(tip))), DB_U64(c->gas_limit));
	if (rc == CB_OK)
		c->attempt_id = db_insert_id(db, ST_SETTLE_ATTEMPT_INSERT);
	return rc;
}

/* Reads status (and nonce) of a batch under an exclusive lock. */
static enum cb_err
claim_lock_batch(struct db *db, uint64_t id, enum batch_status *status, bool *has_nonce,
    uint64_t *nonce)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	if ((rc = DB_EXEC(db, ST_SETTLE_BATCH_LOCK, DB_U64(id))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_SETTLE_BATCH_LOCK, &row);
	if (r == 1 && (row.val[SETTLE_BATCH_LOCK_COL_STATUS] == NULL ||
	    !batch_status_parse(row.val[SETTLE_BATCH_LOCK_COL_STATUS],
	    row.len[SETTLE_BATCH_LOCK_COL_STATUS], status)))
		r = -1;
	if (r == 1) {
		*has_nonce = row.val[SETTLE_BATCH_LOCK_COL_NONCE] != NULL;
		if (*has_nonce && !db_col_u64(&row, SETTLE_BATCH_LOCK_COL_NONCE, nonce))
			r = -1;
	}
	db_done(db, ST_SETTLE_BATCH_LOCK);
	return r == 1 ? CB_OK : r == 0 ? CB_ERR_CONFLICT : CB_ERR_DB;
}

/* The claim: next_nonce, sign, store, batch signed.  Write-ahead. */
static enum cb_err
claim_txn(struct db *db, void *arg)
{
	struct claim *c = arg;
	struct chaind *cd = c->cd;
	enum batch_status status;
	struct db_row row;
	uint64_t nonce = 0;
	bool has_nonce = false;
	enum cb_err rc;
	int r;

	if ((rc = lease_fence(db, &cd->lease)) != CB_OK)
		return rc;
	if (!batch_transition_ok(BATCH_PENDING, BATCH_SIGNED))
		return CB_ERR_INTERNAL;
	rc = DB_EXEC(db, ST_SETTLE_NONCE_LOCK, DB_U64(cd->chain->chain_id),
	    DB_BLOB(cd->signer.bytes, ADDRESS_LEN));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_SETTLE_NONCE_LOCK, &row);
	if (r == 1 && !db_col_u64(&row, SCALAR_COL_VALUE, &c->nonce))
		r = -1;
	db_done(db, ST_SETTLE_NONCE_LOCK);
	if (r != 1)
		return r == 0 ? CB_ERR_CONFLICT : CB_ERR_DB;
	if ((rc = claim_lock_batch(db, c->b->id, &status, &has_nonce, &nonce)) != CB_OK)
		return rc;
	if (status != BATCH_PENDING)
		return CB_ERR_CONFLICT;
	if ((rc = claim_sign(c)) != CB_OK || (rc = claim_insert_attempt(db, c)) != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_SETTLE_BATCH_SIGNED, DB_BLOB(cd->signer.bytes, ADDRESS_LEN),
	    DB_U64(c->nonce), DB_U64(c->gas_limit), DB_U64(c->b->id));
	if (rc == CB_OK && db_affected(db, ST_SETTLE_BATCH_SIGNED) != 1)
		rc = CB_ERR_CONFLICT;
	if (rc != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_SETTLE_NONCE_BUMP, DB_U64(cd->chain->chain_id),
	    DB_BLOB(cd->signer.bytes, ADDRESS_LEN), DB_U64(c->nonce));
	if (rc == CB_OK && db_affected(db, ST_SETTLE_NONCE_BUMP) != 1)
		rc = CB_ERR_CONFLICT;
	return rc;
}

/* A replacement: a newer attempt of the same nonce.  Write-ahead too. */
static enum cb_err
replace_txn(struct db *db, void *arg)
{
	struct claim *c = arg;
	enum batch_status status;
	struct db_row row;
	uint64_t nonce = 0, newest = 0;
	bool has_nonce = false;
	enum cb_err rc;
	int r;

	if ((rc = lease_fence(db, &c->cd->lease)) != CB_OK)
		return rc;
	if ((rc = claim_lock_batch(db, c->b->id, &status, &has_nonce, &nonce)) != CB_OK)
		return rc;
	if ((status != BATCH_SIGNED && status != BATCH_SUBMITTED) || !has_nonce ||
	    nonce != c->nonce)
		return CB_ERR_CONFLICT;
	/* Nobody stored a newer attempt meanwhile. */
	if ((rc = DB_EXEC(db, ST_SETTLE_ATTEMPTS_OF, DB_U64(c->b->id), DB_U64(nonce))) != CB_OK)
		return rc;
	while ((r = db_fetch(db, ST_SETTLE_ATTEMPTS_OF, &row)) == 1)
		if (!db_col_u64(&row, SETTLE_ATTEMPT_COL_ID, &newest))
			r = -1;
	db_done(db, ST_SETTLE_ATTEMPTS_OF);
	if (r < 0)
		return CB_ERR_DB;
	if (newest != c->newest_attempt)
		return CB_ERR_CONFLICT;
	if ((rc = claim_sign(c)) != CB_OK)
		return rc;
	return claim_insert_attempt(db, c);
}

/* --------------------------------------------------------- pre-flight */

/* Items of a batch that leave it, failed, and the batch's fate. */
struct item_fail {
	struct chaind		*cd;
	const struct settle_batch *b;
	const size_t		*idx;	/* indexes into b->items */
	size_t			 n;
	bool			 emptied;
};

static enum cb_err
item_fail_txn(struct db *db, void *arg)
{
	struct item_fail *f = arg;
	struct chaind *cd = f->cd;
	struct db_row row;
	uint64_t count;
	enum cb_err rc;
	size_t i;
	int r;

	f->emptied = false;
	if ((rc = lease_fence(db, &cd->lease)) != CB_OK)
		return rc;
	if (!change_transition_ok(CHANGE_BATCHED, CHANGE_FAILED))
		return CB_ERR_INTERNAL;
	for (i = 0; i < f->n; i++) {
		const struct address *w = &f->b->items[f->idx[i]].wallet;

		rc = DB_EXEC(db, ST_SETTLE_CHANGES_FAIL_WALLET, DB_U64(cd->chain->chain_id),
		    DB_CSTR(SETTLE_ERR_ONCHAIN_SHORT), DB_U64(f->b->id),
		    DB_BLOB(w->bytes, ADDRESS_LEN));
		if (rc != CB_OK)
			return rc;
		if ((rc = DB_EXEC(db, ST_SETTLE_ITEM_DELETE, DB_U64(f->b->id),
		    DB_BLOB(w->bytes, ADDRESS_LEN))) != CB_OK)
			return rc;
	}
	if ((rc = DB_EXEC(db, ST_SETTLE_BATCH_RECOUNT, DB_U64(f->b->id))) != CB_OK)
		return rc;
	/* Emptied: the batch ends without a transaction. */
	if ((rc = DB_EXEC(db, ST_SETTLE_ITEMS_GET, DB_U64(f->b->id))) != CB_OK)
		return rc;
	for (count = 0; (r = db_fetch(db, ST_SETTLE_ITEMS_GET, &row)) == 1; count++)
		continue;
	db_done(db, ST_SETTLE_ITEMS_GET);
	if (r < 0)
		return CB_ERR_DB;
	if (count == 0) {
		if (!batch_transition_ok(BATCH_PENDING, BATCH_FAILED))
			return CB_ERR_INTERNAL;
		rc = DB_EXEC(db, ST_SETTLE_BATCH_FAIL_PENDING,
		    DB_CSTR("emptied by the pre-flight: " SETTLE_ERR_ONCHAIN_SHORT), DB_U64(0),
		    DB_U64(f->b->id));
		f->emptied = true;
	}
	return rc;
}

struct refuse {
	struct chaind	*cd;
	uint64_t	 batch_id;
	char		 error[SETTLE_NOTE_MAX];
};

static enum cb_err
refuse_txn(struct db *db, void *arg)
{
	struct refuse *f = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &f->cd->lease)) != CB_OK)
		return rc;
	if (!batch_transition_ok(BATCH_PENDING, BATCH_FAILED))
		return CB_ERR_INTERNAL;
	rc = DB_EXEC(db, ST_SETTLE_BATCH_FAIL_PENDING,
	    DB_STR(f->error, strnlen(f->error, SETTLE_ERROR_MAX)), DB_U64(1), DB_U64(f->batch_id));
	if (rc == CB_OK && db_affected(db, ST_SETTLE_BATCH_FAIL_PENDING) != 1)
		rc = CB_ERR_CONFLICT;
	if (rc == CB_OK)
		rc = settle_changes_return(f->cd, f->batch_id, CHANGE_BATCHED, f->error);
	return rc;
}

/* Refuses a batch as a whole: a counted revert, changes back. */
static enum cb_err
submitter_refuse(struct chaind *cd, const struct settle_batch *b, const char *why)
{
	struct refuse f = { .cd = cd, .batch_id = b->id };
	char q[LOG_Q_MAX];
	enum cb_err rc;

	snprintf(f.error, sizeof(f.error), "pre-flight: %s", why);
	if ((rc = db_txn(cd->db, refuse_txn, &f)) != CB_OK)
		return rc;
	log_warnx("batch_refused", "chain=%s batch=%" PRIu64 " token=%s op=%s reason=%s",
	    cd->chain->name, b->id, b->token->symbol, settle_op_name(b->op),
	    log_q(q, sizeof(q), why, strlen(why)));
	chaind_count(cd, "reverts", "preflight", 1);
	return CB_OK;
}

/* True when a burn item's holder has less on chain than the item. */
static enum cb_err
submitter_item_short(struct chaind *cd, const struct settle_batch *b, size_t i, bool *short_)
{
	struct rpc_block_ref latest = { .tag = RPC_BLOCK_LATEST };
	struct rpc_error err;
	char have[U256_DEC_MAX], want[U256_DEC_MAX], addr[ADDRESS_STR_SIZE];
	enum cb_err rc;
	u256 bal;

	*short_ = false;
	if (b->op != SETTLE_BURN)
		return CB_OK;
	rc = settle_rpc_balance_of(cd, &b->token->address, &b->items[i].wallet, latest, &bal,
	    &err);
	if (rc != CB_OK)
		return settle_rpc_failed(cd, "eth_call(balanceOf)", rc, &err);
	*short_ = u256_cmp(&bal, &b->items[i].amount) < 0;
	if (*short_) {
		address_to_checksum(&b->items[i].wallet, addr);
		log_warnx("item_failed", "chain=%s batch=%" PRIu64 " token=%s wallet=%s"
		    " amount=%s onchain_balance=%s reason=" SETTLE_ERR_ONCHAIN_SHORT,
		    cd->chain->name, b->id, b->token->symbol, addr,
		    settle_dec(&b->items[i].amount, want, sizeof(want)),
		    settle_dec(&bal, have, sizeof(have)));
	}
	return CB_OK;
}

/* Removes items idx[0..n) from the batch, their changes failed. */
static enum cb_err
submitter_fail_items(struct chaind *cd, struct settle_batch *b, const size_t *idx, size_t n)
{
	struct item_fail f = { .cd = cd, .b = b, .idx = idx, .n = n };
	struct address *wallets;
	enum cb_err rc;
	size_t i;

	if ((wallets = calloc(n, sizeof(*wallets))) == NULL)
		return CB_ERR_NOMEM;
	for (i = 0; i < n; i++)
		wallets[i] = b->items[idx[i]].wallet;
	if ((rc = db_txn(cd->db, item_fail_txn, &f)) != CB_OK)
		goto out;
	chaind_count(cd, "items_failed", SETTLE_ERR_ONCHAIN_SHORT, n);
	if (f.emptied)
		log_info("batch_emptied", "chain=%s batch=%" PRIu64, cd->chain->name, b->id);
	/* Those wallets hold less than the ledger settled to them. */
	if ((rc = settle_drift(cd, b->token, wallets, n)) != CB_OK)
		goto out;
	rc = settle_items_load(cd->db, b);
out:
	free(wallets);
	return rc;
}

struct sim_ctx {
	struct chaind		*cd;
	const struct settle_batch *b;
};

static enum bisect_sim
submitter_sim(void *arg, const size_t *idx, size_t n)
{
	struct sim_ctx *s = arg;
	struct rpc_block_ref latest = { .tag = RPC_BLOCK_LATEST };
	struct refusal rev;
	struct rpc_error err;
	uint8_t *data = NULL;
	size_t len = 0;
	enum cb_err rc;

	if (settle_calldata(s->b, idx, n, &data, &len) != CB_OK)
		return BISECT_SIM_ERROR;
	rc = settle_simulate(s->cd, &s->b->token->address, data, len, latest, &rev, &err);
	free(data);
	if (rc == CB_OK)
		return BISECT_SIM_OK;
	if (rc == CB_ERR_RPC)
		return BISECT_SIM_REVERT;
	(void)settle_rpc_failed(s->cd, "eth_call", rc, &err);
	return BISECT_SIM_ERROR;
}

enum preflight {
	PREFLIGHT_OK = 0,	/* the whole batch would succeed */
	PREFLIGHT_DONE,		/* refused, emptied or held: nothing to sign */
	PREFLIGHT_RETRY,	/* could not tell: later */
};

/* Items named by a revert or found by bisection that are short on chain. */
static enum cb_err
submitter_short_items(struct chaind *cd, struct settle_batch *b, const size_t *cand,
    size_t ncand, size_t *out, size_t *nout, bool *all_short)
{
	enum cb_err rc;
	bool is_short;
	size_t i;

	*nout = 0;
	*all_short = true;
	for (i = 0; i < ncand; i++) {
		if ((rc = submitter_item_short(cd, b, cand[i], &is_short)) != CB_OK)
			return rc;
		if (is_short)
			out[(*nout)++] = cand[i];
		else
			*all_short = false;
	}
	return CB_OK;
}

static enum cb_err
submitter_preflight(struct chaind *cd, struct settle_batch *b, enum preflight *out)
{
	struct rpc_block_ref latest = { .tag = RPC_BLOCK_LATEST };
	struct sim_ctx sim = { .cd = cd, .b = b };
	struct bisect_result br;
	struct refusal rev;
	struct rpc_error err;
	uint8_t *data = NULL;
	size_t len = 0, i, *shortlist = NULL, nshort;
	char why[SETTLE_NOTE_MAX];
	unsigned round;
	enum cb_err rc = CB_OK;
	bool all_short;

	*out = PREFLIGHT_RETRY;
	for (round = 0; round < SUBMIT_PREFLIGHT_ROUNDS && chaind_time_left(cd) > 0; round++) {
		if (b->nitems == 0) {
			*out = PREFLIGHT_DONE;
			return CB_OK;
		}
		free(data);
		data = NULL;
		if ((rc = settle_calldata(b, NULL, b->nitems, &data, &len)) != CB_OK)
			break;
		rc = settle_simulate(cd, &b->token->address, data, len, latest, &rev, &err);
		if (rc == CB_OK) {
			*out = PREFLIGHT_OK;
			break;
		}
		if (rc != CB_ERR_RPC) {
			rc = settle_rpc_failed(cd, "eth_call", rc, &err);
			break;
		}
		rc = CB_OK;
		if (rev.kind == REFUSAL_BATCH_PROCESSED) {
			/* Our own key, never signed: someone executed it.  Never
			 * settle these changes again on this evidence; an
			 * operator looks (docs/settlement.md). */
			log_errorx("batch_key_already_processed", "chain=%s batch=%" PRIu64
			    " token=%s action=held", cd->chain->name, b->id, b->token->symbol);
			chaind_count(cd, "batches_held", "key_processed", 1);
			(void)submitter_note(cd, ST_SETTLE_BATCH_NOTE, b->id,
			    "held: %s", rev.text);
			settle_defer(cd, b->id, SUBMIT_DEFER_HOLD_MS);
			*out = PREFLIGHT_DONE;
			break;
		}
		free(shortlist);
		if ((shortlist = calloc(b->nitems, sizeof(*shortlist))) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		if (rev.kind == REFUSAL_INSUFFICIENT_BALANCE && b->op == SETTLE_BURN) {
			/* OpenZeppelin names the short wallet. */
			for (i = 0; i < b->nitems; i++)
				if (address_eq(&b->items[i].wallet, &rev.account))
					break;
			if (i < b->nitems) {
				if ((rc = submitter_short_items(cd, b, &i, 1, shortlist, &nshort,
				    &all_short)) != CB_OK)
					break;
				if (nshort == 1) {
					if ((rc = submitter_fail_items(cd, b, shortlist, 1)) != CB_OK)
						break;
					continue;
				}
			}
		}
		if (refusal_whole_batch(rev.kind)) {
			rc = submitter_refuse(cd, b, rev.text);
			*out = rc == CB_OK ? PREFLIGHT_DONE : PREFLIGHT_RETRY;
			break;
		}
		/* Who is to blame?  Simulate halves. */
		if (bisect_find(b->nitems, submitter_sim, &sim, SUBMIT_BISECT_CALLS, &br) != 0) {
			rc = CB_ERR_NOMEM;
			break;
		}
		if (br.incomplete) {
			bisect_free(&br);
			break;		/* later */
		}
		if (br.unexplained || br.nfailing == 0) {
			snprintf(why, sizeof(why), "%s (no single item explains it)", rev.text);
			bisect_free(&br);
			rc = submitter_refuse(cd, b, why);
			*out = rc == CB_OK ? PREFLIGHT_DONE : PREFLIGHT_RETRY;
			break;
		}
		rc = submitter_short_items(cd, b, br.failing, br.nfailing, shortlist, &nshort,
		    &all_short);
		bisect_free(&br);
		if (rc != CB_OK)
			break;
		if (!all_short) {
			/* An item fails for another reason than its balance: the
			 * token refuses the batch, not the holder. */
			rc = submitter_refuse(cd, b, rev.text);
			*out = rc == CB_OK ? PREFLIGHT_DONE : PREFLIGHT_RETRY;
			break;
		}
		if ((rc = submitter_fail_items(cd, b, shortlist, nshort)) != CB_OK)
			break;
	}
	free(shortlist);
	free(data);
	return rc;
}

/* ------------------------------------------------------------ split */

struct split {
	struct chaind		*cd;
	const struct settle_batch *b;
	size_t			 parts;
	uint64_t		 new_ids[64];
	size_t			 nnew;
};

static enum cb_err
split_txn(struct db *db, void *arg)
{
	struct split *s = arg;
	struct chaind *cd = s->cd;
	const struct settle_batch *b = s->b;
	struct buf json = BUF_INITIALIZER(SETTLE_CALLDATA_MAX);
	enum batch_status status;
	uint64_t nonce, id;
	uint8_t key[32];
	char hex[2 * ADDRESS_LEN + 1];
	bool has_nonce;
	size_t part, lo, hi, i;
	enum cb_err rc;

	s->nnew = 0;
	if ((rc = lease_fence(db, &cd->lease)) != CB_OK)
		return rc;
	if ((rc = claim_lock_batch(db, b->id, &status, &has_nonce, &nonce)) != CB_OK)
		return rc;
	if (status != BATCH_PENDING)
		return CB_ERR_CONFLICT;
	for (part = 1; part < s->parts && part <= 64; part++) {
		plan_split_range(b->nitems, s->parts, part, &lo, &hi);
		if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
			rc = CB_ERR_INTERNAL;
			break;
		}
		rc = DB_EXEC(db, ST_SETTLE_BATCH_INSERT, DB_U64(b->round_id),
		    DB_U64(b->token->id), DB_U64(cd->chain->chain_id),
		    DB_CSTR(settle_op_name(b->op)), DB_CSTR(b->trigger), DB_U64(0),
		    DB_CSTR("0"), DB_BLOB(key, 32));
		if (rc != CB_OK)
			break;
		id = db_insert_id(db, ST_SETTLE_BATCH_INSERT);
		s->new_ids[s->nnew++] = id;
		buf_reset(&json);
		rc = buf_putc(&json, '[');
		for (i = lo; rc == CB_OK && i < hi; i++) {
			hex_encode(hex, sizeof(hex), b->items[i].wallet.bytes, ADDRESS_LEN, false);
			rc = buf_printf(&json, "%s\"%s\"", i > lo ? "," : "", hex);
		}
		if (rc == CB_OK)
			rc = buf_putc(&json, ']');
		if (rc == CB_OK)
			rc = DB_EXEC(db, ST_SETTLE_ITEMS_MOVE, DB_STR(json.data, json.len),
			    DB_U64(id), DB_U64(b->id));
		if (rc == CB_OK)
			rc = DB_EXEC(db, ST_SETTLE_CHANGES_MOVE, DB_U64(cd->chain->chain_id),
			    DB_STR(json.data, json.len), DB_U64(id), DB_U64(b->id));
		if (rc == CB_OK)
			rc = DB_EXEC(db, ST_SETTLE_BATCH_RECOUNT, DB_U64(id));
		if (rc != CB_OK)
			break;
	}
	if (rc == CB_OK)
		rc = DB_EXEC(db, ST_SETTLE_BATCH_RECOUNT, DB_U64(b->id));
	buf_free(&json);
	return rc;
}

/* ------------------------------------------------------ sign a batch */

/* Loads the first pending batch that is not put off. */
static enum cb_err
submitter_next_pending(struct chaind *cd, struct settle_batch *b, bool *found)
{
	struct db_row row;
	uint64_t token_id = 0;
	enum cb_err rc;
	int r;

	*found = false;
	memset(b, 0, sizeof(*b));
	rc = DB_EXEC(cd->db, ST_SETTLE_NEXT_PENDING, DB_U64(cd->chain->chain_id),
	    DB_U64(SUBMIT_PENDING_PEEK));
	if (rc != CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_SETTLE_NEXT_PENDING, &row)) == 1) {
		if (!db_col_u64(&row, SETTLE_PENDING_COL_ID, &b->id) ||
		    !db_col_u64(&row, SETTLE_PENDING_COL_TOKEN_ID, &token_id) ||
		    row.val[SETTLE_PENDING_COL_OP] == NULL ||
		    !settle_op_parse(row.val[SETTLE_PENDING_COL_OP], row.len[SETTLE_PENDING_COL_OP],
		    &b->op) ||
		    row.val[SETTLE_PENDING_COL_BATCH_KEY] == NULL ||
		    row.len[SETTLE_PENDING_COL_BATCH_KEY] != 32 ||
		    !db_col_u64(&row, SETTLE_PENDING_COL_ROUND_ID, &b->round_id) ||
		    row.val[SETTLE_PENDING_COL_TRIGGER_REASON] == NULL) {
			r = -1;
			break;
		}
		if (settle_deferred(cd, b->id))
			continue;
		memcpy(b->key, row.val[SETTLE_PENDING_COL_BATCH_KEY], 32);
		snprintf(b->trigger, sizeof(b->trigger), "%.*s",
		    (int)row.len[SETTLE_PENDING_COL_TRIGGER_REASON],
		    row.val[SETTLE_PENDING_COL_TRIGGER_REASON]);
		*found = true;
		break;
	}
	db_done(cd->db, ST_SETTLE_NEXT_PENDING);
	if (r < 0)
		return CB_ERR_DB;
	if (!*found)
		return CB_OK;
	if ((b->token = settle_token(cd, (uint32_t)token_id, &rc)) == NULL)
		return rc;
	return settle_items_load(cd->db, b);
}

static enum cb_err
submitter_inflight(struct chaind *cd, uint64_t *n)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	if ((rc = DB_EXEC(cd->db, ST_SETTLE_INFLIGHT_COUNT, DB_U64(cd->chain->chain_id))) !=
	    CB_OK)
		return rc;
	r = db_fetch(cd->db, ST_SETTLE_INFLIGHT_COUNT, &row);
	if (r == 1 && !db_col_u64(&row, SCALAR_COL_VALUE, n))
		r = -1;
	db_done(cd->db, ST_SETTLE_INFLIGHT_COUNT);
	return r == 1 ? CB_OK : CB_ERR_DB;
}

/*
 * Takes one pending batch to a sent transaction.  *progress tells the
 * caller whether to look for the next one.
 */
static enum cb_err
submitter_sign_batch(struct chaind *cd, struct settle_batch *b, bool *progress)
{
	struct settle_state *s = cd->settle;
	struct claim c = { .cd = cd, .b = b };
	struct split sp = { .cd = cd, .b = b };
	struct rpc_error err;
	enum preflight pf;
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t gas = 0;
	char hex[67], fee[U256_DEC_MAX], tip[U256_DEC_MAX], why[SETTLE_NOTE_MAX];
	enum cb_err rc;

	*progress = false;
	if (b->nitems == 0) {
		rc = submitter_refuse(cd, b, "the batch has no items");
		*progress = rc == CB_OK;
		return rc;
	}
	if ((rc = submitter_preflight(cd, b, &pf)) != CB_OK || pf == PREFLIGHT_RETRY) {
		settle_defer(cd, b->id, SUBMIT_DEFER_ERROR_MS);
		return rc;
	}
	*progress = true;
	if (pf == PREFLIGHT_DONE || b->nitems == 0)
		return CB_OK;
	if ((rc = settle_calldata(b, NULL, b->nitems, &data, &len)) != CB_OK)
		return rc;
	rc = settle_rpc_estimate(cd, &b->token->address, data, len, &gas, &err);
	if (rc != CB_OK) {
		/* The state moved since the pre-flight: look again next pass. */
		(void)settle_rpc_failed(cd, "eth_estimateGas", rc, &err);
		settle_defer(cd, b->id, SUBMIT_DEFER_ERROR_MS);
		*progress = false;
		goto out;
	}
	c.gas_limit = gas + gas / 100 * cd->chain->gas_margin_percent +
	    (gas % 100) * cd->chain->gas_margin_percent / 100;
	if (c.gas_limit > cd->chain->max_gas_per_tx) {
		/* Split on the limit the parts will be signed with (the estimate
		 * plus its margin): split on the bare estimate, parts that fit
		 * max_gas_per_tx only without the margin were refused. */
		sp.parts = plan_split_parts(c.gas_limit, cd->chain->max_gas_per_tx, b->nitems);
		if (sp.parts <= 1) {
			snprintf(why, sizeof(why), "needs %" PRIu64 " gas with margin, more than"
			    " max_gas_per_tx %" PRIu64, c.gas_limit, cd->chain->max_gas_per_tx);
			rc = submitter_refuse(cd, b, why);
			goto out;
		}
		if ((rc = db_txn(cd->db, split_txn, &sp)) != CB_OK)
			goto out;
		log_info("batch_split", "chain=%s batch=%" PRIu64 " items=%zu parts=%zu"
		    " gas=%" PRIu64 " gas_limit=%" PRIu64 " max_gas_per_tx=%" PRIu64,
		    cd->chain->name, b->id, b->nitems, sp.parts, gas, c.gas_limit,
		    cd->chain->max_gas_per_tx);
		chaind_count(cd, "batches_split", NULL, 1);
		goto out;
	}
	if ((rc = settle_rpc_market_fees(cd, &c.fees, &err)) != CB_OK) {
		rc = settle_rpc_failed(cd, "eth_feeHistory", rc, &err);
		*progress = false;
		goto out;
	}
	c.data = data;
	c.data_len = len;
	if ((rc = db_txn(cd->db, claim_txn, &c)) != CB_OK) {
		if (rc == CB_ERR_CONFLICT)
			s->nonce_reconciled = false;
		goto out;
	}
	log_info("tx_signed", "chain=%s batch=%" PRIu64 " token=%s op=%s items=%zu nonce=%"
	    PRIu64 " tx=%s attempt=%" PRIu64 " gas_limit=%" PRIu64 " max_fee=%s tip=%s",
	    cd->chain->name, b->id, b->token->symbol, settle_op_name(b->op), b->nitems,
	    c.nonce, settle_hex(c.hash, 32, hex, sizeof(hex)), c.attempt_id, c.gas_limit,
	    settle_dec(&c.fees.max_fee, fee, sizeof(fee)),
	    settle_dec(&c.fees.tip, tip, sizeof(tip)));
	chaind_count(cd, "attempts", "first", 1);
	failpoint("after_sign");
	rc = submitter_send(cd, b->id, c.attempt_id, c.nonce, c.raw, c.raw_len, c.hash);
out:
	free(c.raw);
	free(data);
	return rc;
}

static enum cb_err
submitter_sign_pending(struct chaind *cd)
{
	struct settle_state *s = cd->settle;
	struct settle_batch b;
	uint64_t inflight;
	bool found, progress;
	enum cb_err rc = CB_OK;

	memset(&b, 0, sizeof(b));
	while (chaind_time_left(cd) > 0) {
		if (!s->nonce_reconciled || s->nonce_gap)
			break;
		if ((rc = submitter_inflight(cd, &inflight)) != CB_OK)
			break;
		if (inflight >= cd->chain->max_in_flight)
			break;
		if ((rc = submitter_next_pending(cd, &b, &found)) != CB_OK || !found)
			break;
		rc = submitter_sign_batch(cd, &b, &progress);
		settle_batch_clear(&b);
		if (rc != CB_OK || !progress)
			break;
	}
	settle_batch_clear(&b);
	return rc;
}

/* ------------------------------------------------------- replacements */

/* True when any attempt of the batch's nonce has a receipt. */
static enum cb_err
submitter_has_receipt(struct chaind *cd, uint64_t batch_id, uint64_t nonce, bool *has)
{
	uint8_t (*hashes)[32] = NULL;
	struct rpc_receipt *rcpts = NULL;
	enum cb_err *st = NULL, rc;
	struct rpc_error err;
	struct db_row row;
	size_t n = 0, i;
	int r;

	*has = false;
	if ((hashes = calloc(SUBMIT_SEND_MAX, sizeof(*hashes))) == NULL)
		return CB_ERR_NOMEM;
	if ((rc = DB_EXEC(cd->db, ST_SETTLE_ATTEMPTS_OF, DB_U64(batch_id), DB_U64(nonce))) !=
	    CB_OK)
		goto out;
	while (n < SUBMIT_SEND_MAX && (r = db_fetch(cd->db, ST_SETTLE_ATTEMPTS_OF, &row)) == 1)
		if (row.val[SETTLE_ATTEMPT_COL_TX_HASH] != NULL &&
		    row.len[SETTLE_ATTEMPT_COL_TX_HASH] == 32)
			memcpy(hashes[n++], row.val[SETTLE_ATTEMPT_COL_TX_HASH], 32);
	db_done(cd->db, ST_SETTLE_ATTEMPTS_OF);
	if ((rcpts = calloc(n + 1, sizeof(*rcpts))) == NULL ||
	    (st = calloc(n + 1, sizeof(*st))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if ((rc = settle_rpc_receipts(cd, (const uint8_t (*)[32])hashes, n, rcpts, st, &err)) !=
	    CB_OK) {
		rc = settle_rpc_failed(cd, "eth_getTransactionReceipt", rc, &err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (st[i] == CB_OK)
			*has = true;
		rpc_receipt_clear(&rcpts[i]);
	}
out:
	free(hashes);
	free(rcpts);
	free(st);
	return rc;
}

struct stuck {
	uint64_t	 batch, nonce, token, attempt, gas;
	enum settle_op	 op;
	uint8_t		 key[32];
	struct fee_quote fees;
};

static enum cb_err
submitter_replace_one(struct chaind *cd, const struct stuck *st)
{
	struct settle_state *s = cd->settle;
	struct settle_batch b;
	struct claim c = { .cd = cd, .b = &b, .replacement = true };
	struct fee_quote market;
	struct rpc_error err;
	uint8_t *data = NULL;
	size_t len = 0;
	char hex[67], fee[U256_DEC_MAX], tip[U256_DEC_MAX], ofee[U256_DEC_MAX];
	uint64_t now = monotime_ms();
	bool has = false;
	enum cb_err rc;

	memset(&b, 0, sizeof(b));
	if ((rc = submitter_has_receipt(cd, st->batch, st->nonce, &has)) != CB_OK || has)
		return rc;	/* mined meanwhile: the confirmer takes it */
	if ((rc = settle_rpc_market_fees(cd, &market, &err)) != CB_OK)
		return settle_rpc_failed(cd, "eth_feeHistory", rc, &err);
	if (!fees_bump(&st->fees, &market, cd->chain->fee_bump_percent, &s->fee_cap, &c.fees)) {
		if (s->fee_cap_alert_ms == 0 || now - s->fee_cap_alert_ms >= 60000) {
			s->fee_cap_alert_ms = now;
			log_warnx("fee_cap_reached", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64
			    " max_fee=%s max_fee_gwei=%" PRIu64 " action=not_replaced",
			    cd->chain->name, st->batch, st->nonce,
			    settle_dec(&st->fees.max_fee, ofee, sizeof(ofee)),
			    cd->chain->max_fee_gwei);
		}
		chaind_count(cd, "fee_cap_reached", NULL, 1);
		settle_defer(cd, st->batch, (uint64_t)cd->chain->replace_after * 1000u);
		return CB_OK;
	}
	b.id = st->batch;
	b.op = st->op;
	memcpy(b.key, st->key, 32);
	if ((b.token = settle_token(cd, (uint32_t)st->token, &rc)) == NULL)
		return rc;
	if ((rc = settle_items_load(cd->db, &b)) != CB_OK)
		return rc;
	if ((rc = settle_calldata(&b, NULL, b.nitems, &data, &len)) != CB_OK)
		goto out;
	c.data = data;
	c.data_len = len;
	c.nonce = st->nonce;
	c.gas_limit = st->gas;
	c.newest_attempt = st->attempt;
	if ((rc = db_txn(cd->db, replace_txn, &c)) != CB_OK) {
		if (rc == CB_ERR_CONFLICT)
			rc = CB_OK;	/* moved meanwhile */
		goto out;
	}
	log_info("tx_replaced", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64 " tx=%s attempt=%"
	    PRIu64 " replaces=%" PRIu64 " max_fee=%s tip=%s old_max_fee=%s", cd->chain->name,
	    b.id, c.nonce, settle_hex(c.hash, 32, hex, sizeof(hex)), c.attempt_id,
	    st->attempt, settle_dec(&c.fees.max_fee, fee, sizeof(fee)),
	    settle_dec(&c.fees.tip, tip, sizeof(tip)),
	    settle_dec(&st->fees.max_fee, ofee, sizeof(ofee)));
	chaind_count(cd, "attempts", "replacement", 1);
	chaind_count(cd, "replacements", NULL, 1);
	failpoint("after_sign");
	rc = submitter_send(cd, b.id, c.attempt_id, c.nonce, c.raw, c.raw_len, c.hash);
out:
	free(c.raw);
	free(data);
	settle_batch_clear(&b);
	return rc;
}

/* Replaces attempts without a receipt replace_after after they went out. */
static enum cb_err
submitter_replace_stuck(struct chaind *cd)
{
	struct stuck list[SUBMIT_STUCK_MAX];
	struct amount a;
	struct db_row row;
	size_t n = 0, i;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(cd->db, ST_SETTLE_STUCK, DB_U64(cd->chain->chain_id),
	    DB_U64(cd->chain->replace_after), DB_U64(SUBMIT_STUCK_MAX));
	if (rc != CB_OK)
		return rc;
	while (n < SUBMIT_STUCK_MAX && (r = db_fetch(cd->db, ST_SETTLE_STUCK, &row)) == 1) {
		struct stuck *s = &list[n];

		if (!db_col_u64(&row, SETTLE_STUCK_COL_BATCH_ID, &s->batch) ||
		    !db_col_u64(&row, SETTLE_STUCK_COL_NONCE, &s->nonce) ||
		    !db_col_u64(&row, SETTLE_STUCK_COL_TOKEN_ID, &s->token) ||
		    row.val[SETTLE_STUCK_COL_OP] == NULL ||
		    !settle_op_parse(row.val[SETTLE_STUCK_COL_OP], row.len[SETTLE_STUCK_COL_OP],
		    &s->op) ||
		    row.val[SETTLE_STUCK_COL_BATCH_KEY] == NULL ||
		    row.len[SETTLE_STUCK_COL_BATCH_KEY] != 32 ||
		    !db_col_u64(&row, SETTLE_STUCK_COL_ATTEMPT_ID, &s->attempt) ||
		    !db_col_u64(&row, SETTLE_STUCK_COL_GAS_LIMIT, &s->gas)) {
			r = -1;
			break;
		}
		memcpy(s->key, row.val[SETTLE_STUCK_COL_BATCH_KEY], 32);
		if (amount_from_db(&a, row.val[SETTLE_STUCK_COL_MAX_FEE],
		    row.len[SETTLE_STUCK_COL_MAX_FEE]) != 0) {
			r = -1;
			break;
		}
		s->fees.max_fee = a.mag;
		if (amount_from_db(&a, row.val[SETTLE_STUCK_COL_MAX_PRIORITY_FEE],
		    row.len[SETTLE_STUCK_COL_MAX_PRIORITY_FEE]) != 0) {
			r = -1;
			break;
		}
		s->fees.tip = a.mag;
		n++;
	}
	db_done(cd->db, ST_SETTLE_STUCK);
	if (r < 0)
		return CB_ERR_DB;
	for (i = 0; i < n && chaind_time_left(cd) > 0; i++) {
		if (settle_deferred(cd, list[i].batch))
			continue;
		if ((rc = submitter_replace_one(cd, &list[i])) != CB_OK)
			return rc;
	}
	return CB_OK;
}

/* ------------------------------------------------------------- alerts */

/* The head-of-line nonce waiting past stuck_alert_after. */
static enum cb_err
submitter_head_of_line(struct chaind *cd)
{
	struct settle_state *s = cd->settle;
	struct db_row row;
	uint64_t nonce = 0, age = 0, now = monotime_ms();
	enum cb_err rc;
	int r;

	rc = DB_EXEC(cd->db, ST_SETTLE_HEAD_OF_LINE, DB_U64(cd->chain->chain_id),
	    DB_BLOB(cd->signer.bytes, ADDRESS_LEN));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(cd->db, ST_SETTLE_HEAD_OF_LINE, &row);
	if (r == 1 && (!db_col_u64(&row, SETTLE_HEAD_COL_NONCE, &nonce) ||
	    !db_col_u64(&row, SETTLE_HEAD_COL_AGE, &age)))
		r = -1;
	db_done(cd->db, ST_SETTLE_HEAD_OF_LINE);
	if (r < 0)
		return CB_ERR_DB;
	cd->have_stuck_nonce = r == 1 && age >= cd->chain->stuck_alert_after;
	if (!cd->have_stuck_nonce) {
		s->stuck_alert_ms = 0;
		return CB_OK;
	}
	cd->stuck_nonce = nonce;
	if (s->stuck_alert_ms == 0 || s->stuck_alert_nonce != nonce ||
	    now - s->stuck_alert_ms >= (uint64_t)cd->chain->stuck_alert_after * 1000u) {
		s->stuck_alert_ms = now;
		s->stuck_alert_nonce = nonce;
		log_warnx("nonce_stuck", "chain=%s nonce=%" PRIu64 " waiting_s=%" PRIu64
		    " stuck_alert_after=%u", cd->chain->name, nonce, age,
		    cd->chain->stuck_alert_after);
		chaind_count(cd, "nonce_stuck_alerts", NULL, 1);
	}
	return CB_OK;
}

/* ---------------------------------------------------------------- step */

enum cb_err
submitter_step(struct chaind *cd)
{
	struct settle_state *s;
	enum cb_err rc;

	if (cd->key == NULL)
		return CB_OK;
	if ((s = settle_state(cd)) == NULL)
		return CB_ERR_NOMEM;
	if ((rc = settle_check_signer_balance(cd)) != CB_OK)
		return rc;
	if ((!s->nonce_reconciled || monotime_ms() >= s->next_reconcile_ms) &&
	    (rc = submitter_reconcile(cd)) != CB_OK)
		return rc;
	if ((rc = submitter_send_stored(cd)) != CB_OK)
		return rc;
	if ((rc = submitter_replace_stuck(cd)) != CB_OK)
		return rc;
	if ((rc = submitter_sign_pending(cd)) != CB_OK)
		return rc;
	return submitter_head_of_line(cd);
}
