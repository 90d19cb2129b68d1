/*
 * confirmer.c - from sent transactions to confirmed settlement
 * (docs/settlement.md, "Confirming", "Nonces", "Stuck and dropped").
 *
 * Each pass fetches, in one JSON-RPC batch, the receipts of every attempt
 * of every submitted and mined batch, and for each batch:
 *
 *	receipt status 1		submitted -> mined (siblings replaced)
 *	mined, deep enough, canonical	-> confirmed, once: changes confirmed
 *					   with the tx hash, confirmed_balance
 *					   moved, then balanceOf vs the ledger
 *	mined, receipt gone or moved	-> submitted again (reorganised away);
 *					   re-broadcast below
 *	receipt status 0, deep enough	-> failed, reason decoded; changes back
 *					   (or failed at max_settle_attempts)
 *	no receipt, nonce used by	-> pending again with a fresh nonce
 *	  someone else (at the depth)	   (never for a keyed batch whose key
 *					   the token reports processed)
 *	no receipt, node forgot it	-> re-broadcast from the stored bytes
 *
 * A revert is acted on only at the same depth as a success: a reverted
 * transaction whose block is reorganised away can be included again and
 * succeed, and its changes must not have been settled a second time by
 * then.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "ledger/status.h"
#include "nonce.h"
#include "settle.h"
#include "store/stmts.h"

/* Tracked batches per pass beyond max_in_flight (reorganised ones). */
#define CONFIRM_EXTRA		16u
/* Attempts looked at per pass. */
#define CONFIRM_ATTEMPTS_MAX	4096u
/* Confirmation latency buckets (seconds), Prometheus "le" labels. */
static const unsigned confirm_buckets[] = { 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600 };

struct tracked_attempt {
	uint64_t		 id;
	uint8_t			 hash[32];
	enum attempt_status	 status;
	uint8_t			*raw;
	size_t			 raw_len;
	/* this pass */
	enum cb_err		 rc;	/* receipt: CB_OK, CB_ERR_NOT_FOUND, ... */
	struct rpc_receipt	 receipt;
};

struct tracked {
	uint64_t		 id;
	enum batch_status	 status;
	uint64_t		 nonce;
	uint64_t		 token_id;
	enum settle_op		 op;
	uint8_t			 key[32];
	bool			 has_block;
	uint64_t		 block_number;
	uint8_t			 block_hash[32];
	uint8_t			 tx_hash[32];
	struct tracked_attempt	*attempts;	/* into the pass's array */
	size_t			 nattempts;
};

struct pass {
	struct chaind		*cd;
	uint64_t		 head;
	bool			 have_final;
	uint64_t		 final;		/* blocks at or below are final */
	bool			 have_count;
	uint64_t		 count_at_depth; /* signer's tx count at head - confirmations */
	struct tracked		*batches;
	size_t			 nbatches;
	struct tracked_attempt	*attempts;
	size_t			 nattempts;
};

static void
pass_free(struct pass *p)
{
	size_t i;

	for (i = 0; i < p->nattempts; i++) {
		free(p->attempts[i].raw);
		rpc_receipt_clear(&p->attempts[i].receipt);
	}
	free(p->attempts);
	free(p->batches);
	p->attempts = NULL;
	p->batches = NULL;
	p->nattempts = p->nbatches = 0;
}

/* ----------------------------------------------------------- loading */

static enum cb_err
confirmer_load(struct pass *p)
{
	struct chaind *cd = p->cd;
	uint64_t limit = (uint64_t)cd->chain->max_in_flight + CONFIRM_EXTRA, bid;
	struct db_row row;
	size_t i;
	enum cb_err rc;
	int r;

	if ((p->batches = calloc(limit, sizeof(*p->batches))) == NULL)
		return CB_ERR_NOMEM;
	rc = DB_EXEC(cd->db, ST_SETTLE_TRACKED, DB_U64(cd->chain->chain_id), DB_U64(limit));
	if (rc != CB_OK)
		return rc;
	while (p->nbatches < limit && (r = db_fetch(cd->db, ST_SETTLE_TRACKED, &row)) == 1) {
		struct tracked *t = &p->batches[p->nbatches];

		if (!db_col_u64(&row, SETTLE_TRACKED_COL_ID, &t->id) ||
		    row.val[SETTLE_TRACKED_COL_STATUS] == NULL ||
		    !batch_status_parse(row.val[SETTLE_TRACKED_COL_STATUS],
		    row.len[SETTLE_TRACKED_COL_STATUS], &t->status) ||
		    !db_col_u64(&row, SETTLE_TRACKED_COL_NONCE, &t->nonce) ||
		    !db_col_u64(&row, SETTLE_TRACKED_COL_TOKEN_ID, &t->token_id) ||
		    row.val[SETTLE_TRACKED_COL_OP] == NULL ||
		    !settle_op_parse(row.val[SETTLE_TRACKED_COL_OP], row.len[SETTLE_TRACKED_COL_OP],
		    &t->op) ||
		    row.val[SETTLE_TRACKED_COL_BATCH_KEY] == NULL ||
		    row.len[SETTLE_TRACKED_COL_BATCH_KEY] != 32) {
			r = -1;
			break;
		}
		memcpy(t->key, row.val[SETTLE_TRACKED_COL_BATCH_KEY], 32);
		if (t->status == BATCH_MINED) {
			if (!db_col_u64(&row, SETTLE_TRACKED_COL_BLOCK_NUMBER, &t->block_number) ||
			    row.val[SETTLE_TRACKED_COL_BLOCK_HASH] == NULL ||
			    row.len[SETTLE_TRACKED_COL_BLOCK_HASH] != 32 ||
			    row.val[SETTLE_TRACKED_COL_TX_HASH] == NULL ||
			    row.len[SETTLE_TRACKED_COL_TX_HASH] != 32) {
				r = -1;
				break;
			}
			t->has_block = true;
			memcpy(t->block_hash, row.val[SETTLE_TRACKED_COL_BLOCK_HASH], 32);
			memcpy(t->tx_hash, row.val[SETTLE_TRACKED_COL_TX_HASH], 32);
		}
		p->nbatches++;
	}
	db_done(cd->db, ST_SETTLE_TRACKED);
	if (r < 0)
		return CB_ERR_DB;
	if (p->nbatches == 0)
		return CB_OK;
	if ((p->attempts = calloc(CONFIRM_ATTEMPTS_MAX, sizeof(*p->attempts))) == NULL)
		return CB_ERR_NOMEM;
	rc = DB_EXEC(cd->db, ST_SETTLE_TRACKED_ATTEMPTS, DB_U64(cd->chain->chain_id));
	if (rc != CB_OK)
		return rc;
	while (p->nattempts < CONFIRM_ATTEMPTS_MAX &&
	    (r = db_fetch(cd->db, ST_SETTLE_TRACKED_ATTEMPTS, &row)) == 1) {
		struct tracked_attempt *a = &p->attempts[p->nattempts];

		if (!db_col_u64(&row, SETTLE_TRACKED_ATTEMPT_COL_BATCH_ID, &bid) ||
		    !db_col_u64(&row, SETTLE_TRACKED_ATTEMPT_COL_ID, &a->id) ||
		    row.val[SETTLE_TRACKED_ATTEMPT_COL_TX_HASH] == NULL ||
		    row.len[SETTLE_TRACKED_ATTEMPT_COL_TX_HASH] != 32 ||
		    row.val[SETTLE_TRACKED_ATTEMPT_COL_STATUS] == NULL ||
		    !attempt_status_parse(row.val[SETTLE_TRACKED_ATTEMPT_COL_STATUS],
		    row.len[SETTLE_TRACKED_ATTEMPT_COL_STATUS], &a->status) ||
		    row.val[SETTLE_TRACKED_ATTEMPT_COL_RAW_TX] == NULL ||
		    row.len[SETTLE_TRACKED_ATTEMPT_COL_RAW_TX] == 0) {
			r = -1;
			break;
		}
		/* Only attempts of the batches loaded above. */
		for (i = 0; i < p->nbatches && p->batches[i].id != bid; i++)
			continue;
		if (i == p->nbatches)
			continue;
		memcpy(a->hash, row.val[SETTLE_TRACKED_ATTEMPT_COL_TX_HASH], 32);
		if ((a->raw = malloc(row.len[SETTLE_TRACKED_ATTEMPT_COL_RAW_TX])) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		memcpy(a->raw, row.val[SETTLE_TRACKED_ATTEMPT_COL_RAW_TX],
		    row.len[SETTLE_TRACKED_ATTEMPT_COL_RAW_TX]);
		a->raw_len = row.len[SETTLE_TRACKED_ATTEMPT_COL_RAW_TX];
		a->rc = CB_ERR_NOT_FOUND;
		/* Attempts come ordered by batch: the batch's run starts here. */
		if (p->batches[i].attempts == NULL)
			p->batches[i].attempts = a;
		p->batches[i].nattempts++;
		p->nattempts++;
	}
	db_done(cd->db, ST_SETTLE_TRACKED_ATTEMPTS);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	return rc;
}

/* Receipts of every loaded attempt, one JSON-RPC batch. */
static enum cb_err
confirmer_receipts(struct pass *p)
{
	uint8_t (*hashes)[32];
	struct rpc_receipt *rcpts;
	enum cb_err *st, rc;
	struct rpc_error err;
	size_t i;

	if (p->nattempts == 0)
		return CB_OK;
	hashes = calloc(p->nattempts, sizeof(*hashes));
	rcpts = calloc(p->nattempts, sizeof(*rcpts));
	st = calloc(p->nattempts, sizeof(*st));
	if (hashes == NULL || rcpts == NULL || st == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < p->nattempts; i++)
		memcpy(hashes[i], p->attempts[i].hash, 32);
	rc = settle_rpc_receipts(p->cd, (const uint8_t (*)[32])hashes, p->nattempts, rcpts, st,
	    &err);
	if (rc != CB_OK) {
		rc = settle_rpc_failed(p->cd, "eth_getTransactionReceipt", rc, &err);
		goto out;
	}
	for (i = 0; i < p->nattempts; i++) {
		p->attempts[i].rc = st[i];
		if (st[i] == CB_OK) {
			p->attempts[i].receipt = rcpts[i];
			memset(&rcpts[i], 0, sizeof(rcpts[i]));
		}
	}
out:
	if (rcpts != NULL)
		for (i = 0; i < p->nattempts; i++)
			rpc_receipt_clear(&rcpts[i]);
	free(hashes);
	free(rcpts);
	free(st);
	return rc;
}

/* True when block number bn is deep enough (confirmations or finality). */
static enum cb_err
confirmer_is_final(struct pass *p, uint64_t bn, bool *final)
{
	struct chaind *cd = p->cd;
	struct rpc_error err;
	enum cb_err rc;

	if (!p->have_final) {
		switch (cd->chain->finality) {
		case CONFIG_FINALITY_SAFE:
		case CONFIG_FINALITY_FINALIZED:
			rc = settle_rpc_tag_number(cd, cd->chain->finality == CONFIG_FINALITY_SAFE ?
			    RPC_BLOCK_SAFE : RPC_BLOCK_FINALIZED, &p->final, &err);
			if (rc != CB_OK)
				return settle_rpc_failed(cd, "eth_getBlockByNumber", rc, &err);
			break;
		default:
			if (p->head < cd->chain->confirmations) {
				*final = false;
				return CB_OK;
			}
			p->final = p->head - cd->chain->confirmations;
			break;
		}
		p->have_final = true;
	}
	*final = bn <= p->final;
	return CB_OK;
}

/* -------------------------------------------------------------- mined */

struct mined {
	struct chaind		*cd;
	const struct tracked	*t;
	const struct tracked_attempt *a;
};

/* Moves an attempt to `to` through the table's steps. */
static enum cb_err
confirmer_attempt_to(struct db *db, uint64_t id, enum attempt_status from,
    enum attempt_status to)
{
	enum cb_err rc;

	if (from == to)
		return CB_OK;
	if (from == ATTEMPT_SIGNED && to == ATTEMPT_MINED) {
		/* Sent before a crash, never marked: it went out. */
		if ((rc = confirmer_attempt_to(db, id, ATTEMPT_SIGNED, ATTEMPT_SENT)) != CB_OK)
			return rc;
		from = ATTEMPT_SENT;
	}
	if (!attempt_transition_ok(from, to))
		return CB_ERR_INTERNAL;
	return DB_EXEC(db, ST_SETTLE_ATTEMPT_STATUS, DB_CSTR(attempt_status_name(to)),
	    DB_CSTR(attempt_status_name(to)), DB_U64(id), DB_CSTR(attempt_status_name(from)));
}

static enum cb_err
mined_txn(struct db *db, void *arg)
{
	struct mined *m = arg;
	const struct rpc_receipt *r = &m->a->receipt;
	enum cb_err rc;

	if ((rc = lease_fence(db, &m->cd->lease)) != CB_OK)
		return rc;
	if (!batch_transition_ok(BATCH_SUBMITTED, BATCH_MINED))
		return CB_ERR_INTERNAL;
	rc = DB_EXEC(db, ST_SETTLE_BATCH_MINED, DB_BLOB(m->a->hash, 32), DB_U64(r->block_number),
	    DB_BLOB(r->block_hash.bytes, 32), DB_U64(r->gas_used), DB_U64(m->t->id));
	if (rc != CB_OK)
		return rc;
	if (db_affected(db, ST_SETTLE_BATCH_MINED) != 1)
		return CB_ERR_CONFLICT;
	if ((rc = confirmer_attempt_to(db, m->a->id, m->a->status, ATTEMPT_MINED)) != CB_OK)
		return rc;
	return DB_EXEC(db, ST_SETTLE_ATTEMPTS_REPLACED, DB_U64(m->t->id), DB_U64(m->a->id));
}

static enum cb_err
unmine_txn(struct db *db, void *arg)
{
	struct mined *m = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &m->cd->lease)) != CB_OK)
		return rc;
	if (!batch_transition_ok(BATCH_MINED, BATCH_SUBMITTED) ||
	    !attempt_transition_ok(ATTEMPT_MINED, ATTEMPT_SENT) ||
	    !attempt_transition_ok(ATTEMPT_REPLACED, ATTEMPT_SENT))
		return CB_ERR_INTERNAL;
	if ((rc = DB_EXEC(db, ST_SETTLE_BATCH_UNMINE, DB_U64(m->t->id))) != CB_OK)
		return rc;
	if (db_affected(db, ST_SETTLE_BATCH_UNMINE) != 1)
		return CB_ERR_CONFLICT;
	return DB_EXEC(db, ST_SETTLE_ATTEMPTS_UNMINE, DB_U64(m->t->id));
}

/* ---------------------------------------------------------- confirmed */

struct confirm {
	struct chaind		*cd;
	const struct tracked	*t;
	bool			 done;
	uint64_t		 latency_ms;
};

static enum cb_err
confirm_txn(struct db *db, void *arg)
{
	struct confirm *c = arg;
	const struct tracked *t = c->t;
	struct db_row row;
	enum cb_err rc;
	int r;

	c->done = false;
	if ((rc = lease_fence(db, &c->cd->lease)) != CB_OK)
		return rc;
	if (!batch_transition_ok(BATCH_MINED, BATCH_CONFIRMED) ||
	    !change_transition_ok(CHANGE_SUBMITTED, CHANGE_CONFIRMED))
		return CB_ERR_INTERNAL;
	rc = DB_EXEC(db, ST_SETTLE_BATCH_CONFIRM, DB_U64(t->id), DB_BLOB(t->block_hash, 32));
	if (rc != CB_OK)
		return rc;
	if (db_affected(db, ST_SETTLE_BATCH_CONFIRM) != 1)
		return CB_OK;	/* confirmed already, or moved: never twice */
	if ((rc = DB_EXEC(db, ST_SETTLE_CHANGES_CONFIRM, DB_BLOB(t->tx_hash, 32),
	    DB_U64(t->id))) != CB_OK)
		return rc;
	if ((rc = DB_EXEC(db, ST_SETTLE_BALANCES_CONFIRM, DB_U64(t->id),
	    DB_U64(t->token_id))) != CB_OK)
		return rc;
	if ((rc = DB_EXEC(db, ST_SETTLE_BATCH_AGE, DB_U64(t->id))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_SETTLE_BATCH_AGE, &row);
	if (r != 1 || !db_col_u64(&row, SCALAR_COL_VALUE, &c->latency_ms))
		c->latency_ms = 0;
	db_done(db, ST_SETTLE_BATCH_AGE);
	c->done = true;
	return CB_OK;
}

/* Counts a confirmation's latency into the histogram counters. */
static void
confirmer_latency(struct chaind *cd, uint64_t ms)
{
	char le[16];
	size_t i;

	for (i = 0; i < sizeof(confirm_buckets) / sizeof(confirm_buckets[0]); i++)
		if (ms <= (uint64_t)confirm_buckets[i] * 1000u)
			break;
	if (i < sizeof(confirm_buckets) / sizeof(confirm_buckets[0]))
		snprintf(le, sizeof(le), "%u", confirm_buckets[i]);
	else
		snprintf(le, sizeof(le), "+Inf");
	chaind_count(cd, "confirm_latency_bucket", le, 1);
	chaind_count(cd, "confirm_latency_ms_sum", NULL, ms);
}

/* The wallets a batch touched, against the ledger (settle.c). */
static enum cb_err
confirmer_drift(struct chaind *cd, const struct tracked *t)
{
	struct settle_token *tok;
	struct address *wallets = NULL, *grown;
	struct db_row row;
	size_t n = 0, cap = 0;
	enum cb_err rc;
	int r;

	if ((tok = settle_token(cd, (uint32_t)t->token_id, &rc)) == NULL)
		return rc;
	if ((rc = DB_EXEC(cd->db, ST_SETTLE_ITEMS_GET, DB_U64(t->id))) != CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_SETTLE_ITEMS_GET, &row)) == 1) {
		if (row.val[SETTLE_ITEM_COL_WALLET] == NULL ||
		    row.len[SETTLE_ITEM_COL_WALLET] != ADDRESS_LEN) {
			r = -1;
			break;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((grown = realloc(wallets, cap * sizeof(*grown))) == NULL) {
				rc = CB_ERR_NOMEM;
				break;
			}
			wallets = grown;
		}
		memcpy(wallets[n++].bytes, row.val[SETTLE_ITEM_COL_WALLET], ADDRESS_LEN);
	}
	db_done(cd->db, ST_SETTLE_ITEMS_GET);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	if (rc == CB_OK)
		rc = settle_drift(cd, tok, wallets, n);
	free(wallets);
	return rc;
}

/* ------------------------------------------------------------ revert */

struct revert_txn_arg {
	struct chaind		*cd;
	const struct tracked	*t;
	const struct tracked_attempt *a;
	char			 error[SETTLE_NOTE_MAX];
};

static enum cb_err
revert_txn(struct db *db, void *arg)
{
	struct revert_txn_arg *v = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &v->cd->lease)) != CB_OK)
		return rc;
	if (!batch_transition_ok(BATCH_SUBMITTED, BATCH_FAILED))
		return CB_ERR_INTERNAL;
	rc = DB_EXEC(db, ST_SETTLE_BATCH_REVERTED,
	    DB_STR(v->error, strnlen(v->error, SETTLE_ERROR_MAX)), DB_U64(v->t->id));
	if (rc != CB_OK)
		return rc;
	if (db_affected(db, ST_SETTLE_BATCH_REVERTED) != 1)
		return CB_ERR_CONFLICT;
	if ((rc = confirmer_attempt_to(db, v->a->id, v->a->status, ATTEMPT_MINED)) != CB_OK ||
	    (rc = DB_EXEC(db, ST_SETTLE_ATTEMPTS_REPLACED, DB_U64(v->t->id),
	    DB_U64(v->a->id))) != CB_OK)
		return rc;
	return settle_changes_return(v->cd, v->t->id, CHANGE_SUBMITTED, v->error);
}

/*
 * Why the transaction reverted: the call replayed at the parent block,
 * and, when it passes there (a transaction before it in the same block
 * changed the state, e.g. revoked a role), at its own block, whose state
 * includes that change.
 */
static void
confirmer_revert_reason(struct chaind *cd, const struct tracked *t, uint64_t block,
    struct refusal *rev)
{
	struct rpc_block_ref at = { .tag = RPC_BLOCK_NUMBER, .number = block > 0 ? block - 1 : 0 };
	struct settle_batch b;
	struct rpc_error err;
	uint8_t *data = NULL;
	size_t len = 0;
	enum cb_err rc;

	memset(&b, 0, sizeof(b));
	memset(rev, 0, sizeof(*rev));
	snprintf(rev->text, sizeof(rev->text), "reason unknown");
	rev->kind = REFUSAL_UNKNOWN;
	b.id = t->id;
	b.op = t->op;
	memcpy(b.key, t->key, 32);
	if ((b.token = settle_token(cd, (uint32_t)t->token_id, &rc)) == NULL ||
	    settle_items_load(cd->db, &b) != CB_OK || b.nitems == 0 ||
	    settle_calldata(&b, NULL, b.nitems, &data, &len) != CB_OK)
		goto out;
	rc = settle_simulate(cd, &b.token->address, data, len, at, rev, &err);
	if (rc == CB_OK) {
		at.number = block;
		rc = settle_simulate(cd, &b.token->address, data, len, at, rev, &err);
	}
	if (rc == CB_OK) {
		snprintf(rev->text, sizeof(rev->text), "reason unknown (passes at blocks %"
		    PRIu64 " and %" PRIu64 ")", block > 0 ? block - 1 : 0, block);
		rev->kind = REFUSAL_UNKNOWN;
	} else if (rc != CB_ERR_RPC) {
		(void)settle_rpc_failed(cd, "eth_call", rc, &err);
		snprintf(rev->text, sizeof(rev->text), "reason unknown (node error)");
		rev->kind = REFUSAL_UNKNOWN;
	}
out:
	free(data);
	settle_batch_clear(&b);
}

static enum cb_err
confirmer_reverted(struct chaind *cd, const struct tracked *t, const struct tracked_attempt *a)
{
	struct revert_txn_arg v = { .cd = cd, .t = t, .a = a };
	struct refusal rev;
	char hex[67], q[LOG_Q_MAX];
	enum cb_err rc;

	confirmer_revert_reason(cd, t, a->receipt.block_number, &rev);
	settle_hex(a->hash, 32, hex, sizeof(hex));
	if (rev.kind == REFUSAL_BATCH_PROCESSED) {
		/* Another transaction executed this very batch: its changes are
		 * settled on chain and must not be settled again. */
		log_errorx("batch_key_already_processed", "chain=%s batch=%" PRIu64 " tx=%s"
		    " action=held", cd->chain->name, t->id, hex);
		chaind_count(cd, "batches_held", "key_processed", 1);
		chaind_note_error(cd, "batch_key_already_processed", CB_ERR_CONFLICT);
		return CB_OK;
	}
	snprintf(v.error, sizeof(v.error), "reverted in %s: %s", hex, rev.text);
	if ((rc = db_txn(cd->db, revert_txn, &v)) != CB_OK)
		return rc == CB_ERR_CONFLICT ? CB_OK : rc;
	log_warnx("batch_reverted", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64 " tx=%s"
	    " block=%" PRIu64 " reason=%s", cd->chain->name, t->id, t->nonce, hex,
	    a->receipt.block_number, log_q(q, sizeof(q), rev.text, strlen(rev.text)));
	chaind_count(cd, "reverts", "onchain", 1);
	return CB_OK;
}

/* ------------------------------------------------------- nonce taken */

struct taken {
	struct chaind		*cd;
	const struct tracked	*t;
	char			 note[SETTLE_NOTE_MAX];
};

static enum cb_err
taken_txn(struct db *db, void *arg)
{
	struct taken *k = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &k->cd->lease)) != CB_OK)
		return rc;
	if (!batch_transition_ok(BATCH_SUBMITTED, BATCH_PENDING) ||
	    !attempt_transition_ok(ATTEMPT_SENT, ATTEMPT_DROPPED) ||
	    !attempt_transition_ok(ATTEMPT_SIGNED, ATTEMPT_DROPPED) ||
	    !change_transition_ok(CHANGE_SUBMITTED, CHANGE_BATCHED))
		return CB_ERR_INTERNAL;
	if ((rc = DB_EXEC(db, ST_SETTLE_ATTEMPTS_DROP, DB_U64(k->t->id))) != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_SETTLE_BATCH_REPENDING,
	    DB_STR(k->note, strnlen(k->note, SETTLE_ERROR_MAX)), DB_U64(k->t->id));
	if (rc != CB_OK)
		return rc;
	if (db_affected(db, ST_SETTLE_BATCH_REPENDING) != 1)
		return CB_ERR_CONFLICT;
	return DB_EXEC(db, ST_SETTLE_CHANGES_STATUS, DB_CSTR("batched"), DB_U64(k->t->id),
	    DB_CSTR("submitted"));
}

/* The signer's transaction count at the confirmation depth. */
static enum cb_err
confirmer_count_at_depth(struct pass *p)
{
	struct rpc_block_ref ref = { .tag = RPC_BLOCK_NUMBER };
	struct rpc_error err;
	enum cb_err rc;

	if (p->have_count)
		return CB_OK;
	ref.number = p->head >= p->cd->chain->confirmations ?
	    p->head - p->cd->chain->confirmations : 0;
	if ((rc = settle_rpc_nonce(p->cd, ref, &p->count_at_depth, &err)) != CB_OK)
		return settle_rpc_failed(p->cd, "eth_getTransactionCount", rc, &err);
	p->have_count = true;
	return CB_OK;
}

/* No receipt of ours, yet the nonce is used at the depth: re-sign. */
static enum cb_err
confirmer_nonce_taken(struct pass *p, struct tracked *t)
{
	struct chaind *cd = p->cd;
	struct taken k = { .cd = cd, .t = t };
	struct settle_token *tok;
	struct rpc_receipt *rcpts = NULL;
	uint8_t (*hashes)[32] = NULL;
	enum cb_err *st = NULL, rc;
	struct rpc_error err;
	bool processed = false, any = false;
	size_t i;

	/* Every stored attempt of the nonce once more: none mined? */
	hashes = calloc(t->nattempts + 1, sizeof(*hashes));
	rcpts = calloc(t->nattempts + 1, sizeof(*rcpts));
	st = calloc(t->nattempts + 1, sizeof(*st));
	if (hashes == NULL || rcpts == NULL || st == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < t->nattempts; i++)
		memcpy(hashes[i], t->attempts[i].hash, 32);
	rc = settle_rpc_receipts(cd, (const uint8_t (*)[32])hashes, t->nattempts, rcpts, st,
	    &err);
	if (rc != CB_OK) {
		rc = settle_rpc_failed(cd, "eth_getTransactionReceipt", rc, &err);
		goto out;
	}
	for (i = 0; i < t->nattempts; i++) {
		if (st[i] == CB_OK || (st[i] != CB_ERR_NOT_FOUND))
			any = true;	/* mined, or could not tell: not now */
		rpc_receipt_clear(&rcpts[i]);
	}
	if (any)
		goto out;
	if ((tok = settle_token(cd, (uint32_t)t->token_id, &rc)) == NULL)
		goto out;
	if (tok->settlement == TOKEN_SETTLE_KEYED) {
		rc = settle_rpc_key_processed(cd, &tok->address, t->key, &processed, &err);
		if (rc != CB_OK) {
			rc = settle_rpc_failed(cd, "eth_call(processedBatches)", rc, &err);
			goto out;
		}
		if (processed) {
			/* The token says this batch ran: a receipt the node does
			 * not show.  Re-signing would be refused anyway; wait. */
			log_errorx("batch_key_processed_without_receipt", "chain=%s batch=%"
			    PRIu64 " nonce=%" PRIu64 " action=held", cd->chain->name, t->id,
			    t->nonce);
			chaind_count(cd, "batches_held", "receipt_missing", 1);
			goto out;
		}
	}
	snprintf(k.note, sizeof(k.note), "nonce %" PRIu64 " was used by another transaction;"
	    " signed again", t->nonce);
	if ((rc = db_txn(cd->db, taken_txn, &k)) != CB_OK) {
		if (rc == CB_ERR_CONFLICT)
			rc = CB_OK;
		goto out;
	}
	log_warnx("nonce_taken", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64
	    " count_at_depth=%" PRIu64 " action=resign", cd->chain->name, t->id, t->nonce,
	    p->count_at_depth);
	chaind_count(cd, "nonce_taken", NULL, 1);
	cd->settle->nonce_reconciled = false;
out:
	free(hashes);
	free(rcpts);
	free(st);
	return rc;
}

/* The node knows none of the attempts: send the newest sent one again. */
static enum cb_err
confirmer_dropped(struct pass *p, struct tracked *t, const char *reason)
{
	struct chaind *cd = p->cd;
	struct tracked_attempt *newest = NULL;
	uint8_t (*hashes)[32] = NULL;
	bool *known = NULL;
	struct rpc_error err;
	char hex[67];
	enum cb_err rc = CB_OK;
	size_t i;

	if (t->nattempts == 0)
		return CB_OK;
	hashes = calloc(t->nattempts, sizeof(*hashes));
	known = calloc(t->nattempts, sizeof(*known));
	if (hashes == NULL || known == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < t->nattempts; i++)
		memcpy(hashes[i], t->attempts[i].hash, 32);
	if ((rc = settle_rpc_known(cd, (const uint8_t (*)[32])hashes, t->nattempts, known,
	    &err)) != CB_OK) {
		rc = settle_rpc_failed(cd, "eth_getTransactionByHash", rc, &err);
		goto out;
	}
	for (i = 0; i < t->nattempts; i++) {
		if (known[i])
			goto out;	/* the node has one: wait */
		if (t->attempts[i].status == ATTEMPT_SENT)
			newest = &t->attempts[i];
	}
	if (newest == NULL)
		goto out;
	rc = settle_rpc_send(cd, newest->raw, newest->raw_len, &err);
	if (nonce_send_action(rc, &err) != SEND_MARK_SENT) {
		rc = settle_rpc_failed(cd, "eth_sendRawTransaction", rc, &err);
		if (rc == CB_ERR_RPC)
			rc = CB_OK;	/* the nonce check of a later pass decides */
		goto out;
	}
	rc = CB_OK;
	log_info("tx_rebroadcast", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64 " tx=%s"
	    " attempt=%" PRIu64 " reason=%s", cd->chain->name, t->id, t->nonce,
	    settle_hex(newest->hash, 32, hex, sizeof(hex)), newest->id, reason);
	chaind_count(cd, "rebroadcasts", reason, 1);
out:
	free(hashes);
	free(known);
	return rc;
}

/* -------------------------------------------------------------- batch */

static enum cb_err
confirmer_confirm(struct pass *p, struct tracked *t)
{
	struct chaind *cd = p->cd;
	struct confirm c = { .cd = cd, .t = t };
	struct mined m = { .cd = cd, .t = t };
	struct rpc_error err;
	uint8_t canon[32];
	char hex[67];
	bool final = false;
	enum cb_err rc;

	if ((rc = confirmer_is_final(p, t->block_number, &final)) != CB_OK || !final)
		return rc;
	/* Still the canonical block at that height? */
	if ((rc = settle_rpc_block_hash(cd, t->block_number, canon, &err)) != CB_OK)
		return settle_rpc_failed(cd, "eth_getBlockByNumber", rc, &err);
	if (memcmp(canon, t->block_hash, 32) != 0) {
		if ((rc = db_txn(cd->db, unmine_txn, &m)) != CB_OK)
			return rc == CB_ERR_CONFLICT ? CB_OK : rc;
		log_warnx("batch_reorged", "chain=%s batch=%" PRIu64 " block=%" PRIu64
		    " reason=block_replaced", cd->chain->name, t->id, t->block_number);
		chaind_count(cd, "reorgs", NULL, 1);
		return CB_OK;
	}
	if ((rc = db_txn(cd->db, confirm_txn, &c)) != CB_OK || !c.done)
		return rc;
	log_info("batch_confirmed", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64 " tx=%s"
	    " block=%" PRIu64 " latency_ms=%" PRIu64, cd->chain->name, t->id, t->nonce,
	    settle_hex(t->tx_hash, 32, hex, sizeof(hex)), t->block_number, c.latency_ms);
	chaind_count(cd, "confirmations", NULL, 1);
	confirmer_latency(cd, c.latency_ms);
	return confirmer_drift(cd, t);
}

static enum cb_err
confirmer_batch(struct pass *p, struct tracked *t)
{
	struct chaind *cd = p->cd;
	struct tracked_attempt *a = NULL;
	struct mined m = { .cd = cd, .t = t };
	char hex[67];
	bool final = false;
	enum cb_err rc;
	size_t i;

	for (i = 0; i < t->nattempts; i++) {
		if (t->attempts[i].rc == CB_OK) {
			a = &t->attempts[i];
			break;
		}
	}
	if (t->status == BATCH_MINED) {
		if (a == NULL || a->receipt.has_status == false || a->receipt.status != 1 ||
		    memcmp(a->receipt.block_hash.bytes, t->block_hash, 32) != 0 ||
		    memcmp(a->hash, t->tx_hash, 32) != 0) {
			/* Its block left the canonical chain. */
			if ((rc = db_txn(cd->db, unmine_txn, &m)) != CB_OK)
				return rc == CB_ERR_CONFLICT ? CB_OK : rc;
			log_warnx("batch_reorged", "chain=%s batch=%" PRIu64 " block=%" PRIu64
			    " reason=%s", cd->chain->name, t->id, t->block_number,
			    a == NULL ? "receipt_gone" : "receipt_moved");
			chaind_count(cd, "reorgs", NULL, 1);
			return CB_OK;
		}
		return confirmer_confirm(p, t);
	}
	/* submitted */
	if (a != NULL) {
		if (!a->receipt.has_status || a->receipt.status == 1) {
			m.a = a;
			if ((rc = db_txn(cd->db, mined_txn, &m)) != CB_OK)
				return rc == CB_ERR_CONFLICT ? CB_OK : rc;
			log_info("tx_mined", "chain=%s batch=%" PRIu64 " nonce=%" PRIu64 " tx=%s"
			    " block=%" PRIu64 " gas_used=%" PRIu64, cd->chain->name, t->id,
			    t->nonce, settle_hex(a->hash, 32, hex, sizeof(hex)),
			    a->receipt.block_number, a->receipt.gas_used);
			chaind_count(cd, "gas_used", NULL, a->receipt.gas_used);
			failpoint("after_mined");
			t->status = BATCH_MINED;
			t->has_block = true;
			t->block_number = a->receipt.block_number;
			memcpy(t->block_hash, a->receipt.block_hash.bytes, 32);
			memcpy(t->tx_hash, a->hash, 32);
			return confirmer_confirm(p, t);
		}
		if ((rc = confirmer_is_final(p, a->receipt.block_number, &final)) != CB_OK ||
		    !final)
			return rc;
		return confirmer_reverted(cd, t, a);
	}
	/* No receipt: used by someone else at the depth, or forgotten? */
	for (i = 0; i < t->nattempts; i++)
		if (t->attempts[i].rc != CB_ERR_NOT_FOUND)
			return CB_OK;	/* a receipt could not be read: next pass */
	if ((rc = confirmer_count_at_depth(p)) != CB_OK)
		return rc;
	if (p->count_at_depth > t->nonce)
		return confirmer_nonce_taken(p, t);
	return confirmer_dropped(p, t, "dropped");
}

enum cb_err
confirmer_step(struct chaind *cd)
{
	struct pass p;
	struct rpc_error err;
	enum cb_err rc, worst = CB_OK;
	size_t i;

	if (cd->key == NULL)
		return CB_OK;
	if (settle_state(cd) == NULL)
		return CB_ERR_NOMEM;
	memset(&p, 0, sizeof(p));
	p.cd = cd;
	/* The head first: a receipt fetched after it is never missing from
	 * a block at or below it. */
	if ((rc = settle_rpc_head(cd, &p.head, &err)) != CB_OK)
		return settle_rpc_failed(cd, "eth_blockNumber", rc, &err);
	if ((rc = confirmer_load(&p)) != CB_OK || p.nbatches == 0)
		goto out;
	if ((rc = confirmer_receipts(&p)) != CB_OK)
		goto out;
	for (i = 0; i < p.nbatches && !chaind_stopping(cd); i++) {
		rc = confirmer_batch(&p, &p.batches[i]);
		if (rc == CB_ERR_LEASE_LOST || rc == CB_ERR_DB_GONE) {
			worst = rc;
			break;
		}
		if (rc != CB_OK) {
			log_warnx("confirm_batch", "chain=%s batch=%" PRIu64 " err=%s",
			    cd->chain->name, p.batches[i].id, cb_errcode(rc));
			worst = rc;
		}
	}
	rc = worst;
out:
	pass_free(&p);
	return rc;
}
