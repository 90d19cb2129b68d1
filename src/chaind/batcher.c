/*
 * batcher.c - from the ledger into batches (docs/settlement.md, "When a
 * batch is cut", "The cut").
 *
 * For each enabled token of the chain, once per pass:
 *
 *	1. wallets: changes of users who bound a wallet leave awaiting_wallet;
 *	   the oldest recorded changes of users without one enter it, so the
 *	   rule only counts what can settle and the wait is visible at once;
 *	2. the rule (src/lib/ledger/rule.c, the one the API's estimates use)
 *	   over the oldest recorded changes: wait, or cut with a trigger;
 *	3. the cut, one fenced transaction: candidates in ledger order less
 *	   users with a change in flight or backing off after a revert,
 *	   netted per wallet (plan.c) into a mint and a burn batch of one
 *	   round, each with a random key; net-zero wallets settle at once.
 *
 * A token with a batch not yet signed is not cut again (the submitter
 * signs it first), and a token whose address holds no contract is never
 * settled: that is a misconfiguration to fix, not something to send
 * transactions to.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/buf.h"
#include "core/hex.h"
#include "core/log.h"
#include "core/monotime.h"
#include "ledger/rule.h"
#include "ledger/status.h"
#include "settle.h"
#include "store/stmts.h"

/* Users moved in or out of awaiting_wallet per token and pass. */
#define BATCHER_WALLET_USERS	100u
/* Recorded changes looked at beyond max_batch_size to fill a cut past
 * users who must wait. */
#define BATCHER_SCAN_FACTOR	4u
#define BATCHER_SCAN_MIN	200u
/* A change whose batch reverted waits replace_after * 2^(attempts - 1)
 * seconds, at most this long, before it is cut again. */
#define BATCHER_BACKOFF_MAX_S	3600u

/* A token of the chain with its strategy, as read this pass. */
struct batcher_token {
	struct token	 tok;
	struct strategy	 st;
};

/* Distinct user ids (borrowed copies owned by the set). */
struct user_set {
	char		**ids;
	size_t		 n, cap;
};

static void
user_set_free(struct user_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->ids[i]);
	free(s->ids);
	memset(s, 0, sizeof(*s));
}

static bool
user_set_has(const struct user_set *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return true;
	return false;
}

static enum cb_err
user_set_add(struct user_set *s, const char *id, size_t len)
{
	char **grown, *copy;

	if (s->n == s->cap) {
		size_t cap = s->cap == 0 ? 16 : s->cap * 2;

		if ((grown = realloc(s->ids, cap * sizeof(*grown))) == NULL)
			return CB_ERR_NOMEM;
		s->ids = grown;
		s->cap = cap;
	}
	if ((copy = strndup(id, len)) == NULL)
		return CB_ERR_NOMEM;
	s->ids[s->n++] = copy;
	return CB_OK;
}

/* Runs stmt (its first column a user id) and collects the ids. */
static enum cb_err
batcher_users(struct db *db, unsigned stmt, const struct db_param *params, unsigned n,
    struct user_set *out)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	if ((rc = db_exec(db, stmt, params, n)) != CB_OK)
		return rc;
	while ((r = db_fetch(db, stmt, &row)) == 1) {
		if (row.val[SCALAR_COL_VALUE] == NULL) {
			r = -1;
			break;
		}
		if ((rc = user_set_add(out, row.val[SCALAR_COL_VALUE],
		    row.len[SCALAR_COL_VALUE])) != CB_OK)
			break;
	}
	db_done(db, stmt);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	return rc;
}

/* ---------------------------------------------------- awaiting_wallet */

struct wallet_pass {
	struct chaind		*cd;
	const struct token	*tok;
	const struct strategy	*st;
	uint64_t		 released;	/* changes */
	uint64_t		 parked;
};

/* Moves every change of the users in set from one status to another. */
static enum cb_err
batcher_move_users(struct chaind *cd, const struct token *tok, const struct user_set *set,
    enum change_status from, enum change_status to, uint64_t *moved)
{
	enum cb_err rc;
	size_t i;

	if (!change_transition_ok(from, to))
		return CB_ERR_INTERNAL;
	for (i = 0; i < set->n; i++) {
		rc = DB_EXEC(cd->db, ST_SETTLE_USER_MOVE, DB_CSTR(change_status_name(to)),
		    DB_CSTR(set->ids[i]), DB_U64(tok->id), DB_CSTR(change_status_name(from)));
		if (rc != CB_OK)
			return rc;
		*moved += db_affected(cd->db, ST_SETTLE_USER_MOVE);
	}
	return CB_OK;
}

static enum cb_err
wallet_txn(struct db *db, void *arg)
{
	struct wallet_pass *w = arg;
	struct chaind *cd = w->cd;
	struct user_set release = { 0 }, park = { 0 };
	uint64_t scan = (uint64_t)w->st->max_batch_size * BATCHER_SCAN_FACTOR;
	enum cb_err rc;

	w->released = w->parked = 0;
	if (scan < BATCHER_SCAN_MIN)
		scan = BATCHER_SCAN_MIN;
	if ((rc = lease_fence(db, &cd->lease)) != CB_OK)
		goto out;
	rc = batcher_users(db, ST_SETTLE_RELEASE_USERS, (const struct db_param[]){
	    DB_U64(cd->chain->chain_id), DB_U64(w->tok->id), DB_U64(BATCHER_WALLET_USERS) },
	    3, &release);
	if (rc != CB_OK)
		goto out;
	rc = batcher_users(db, ST_SETTLE_WALLETLESS_USERS, (const struct db_param[]){
	    DB_U64(w->tok->id), DB_U64(scan), DB_U64(cd->chain->chain_id),
	    DB_U64(BATCHER_WALLET_USERS) }, 4, &park);
	if (rc != CB_OK)
		goto out;
	if ((rc = batcher_move_users(cd, w->tok, &release, CHANGE_AWAITING_WALLET,
	    CHANGE_RECORDED, &w->released)) != CB_OK)
		goto out;
	rc = batcher_move_users(cd, w->tok, &park, CHANGE_RECORDED, CHANGE_AWAITING_WALLET,
	    &w->parked);
out:
	user_set_free(&release);
	user_set_free(&park);
	return rc;
}

/* ---------------------------------------------------------------- cut */

struct cut {
	struct chaind		*cd;
	const struct token	*tok;
	const struct strategy	*st;
	enum settle_trigger	 trigger;
	/* results, for the log lines after the commit */
	uint64_t		 batch_ids[2];
	uint8_t			 keys[2][32];
	size_t			 items[2];
	char			 totals[2][U256_DEC_MAX];
	size_t			 nchanges;
	size_t			 nnetted;
	uint64_t		 round_id;
};

/* Seconds a change that reverted `attempts` times waits before a new cut. */
static uint64_t
batcher_backoff_s(const struct chaind *cd, uint64_t attempts)
{
	uint64_t s = cd->chain->replace_after;

	if (attempts == 0)
		return 0;
	while (--attempts > 0 && s < BATCHER_BACKOFF_MAX_S)
		s *= 2;
	return s < BATCHER_BACKOFF_MAX_S ? s : BATCHER_BACKOFF_MAX_S;
}

/* A JSON array of the change ids rows[idx[i]].id. */
static enum cb_err
batcher_ids_json(const struct plan_row *rows, const size_t *idx, size_t n, struct buf *out)
{
	enum cb_err rc = buf_putc(out, '[');
	size_t i;

	for (i = 0; rc == CB_OK && i < n; i++)
		rc = buf_printf(out, "%s%" PRIu64, i > 0 ? "," : "", rows[idx[i]].id);
	if (rc == CB_OK)
		rc = buf_putc(out, ']');
	return rc;
}

/* A JSON array [[wallet hex, "amount"], ...] of items. */
static enum cb_err
batcher_items_json(const struct plan_item *items, size_t n, struct buf *out)
{
	char hex[2 * ADDRESS_LEN + 1], dec[U256_DEC_MAX];
	enum cb_err rc = buf_putc(out, '[');
	size_t i;

	for (i = 0; rc == CB_OK && i < n; i++) {
		hex_encode(hex, sizeof(hex), items[i].wallet.bytes, ADDRESS_LEN, false);
		rc = buf_printf(out, "%s[\"%s\",\"%s\"]", i > 0 ? "," : "", hex,
		    settle_dec(&items[i].amount, dec, sizeof(dec)));
	}
	if (rc == CB_OK)
		rc = buf_putc(out, ']');
	return rc;
}

/* Inserts one batch of the cut with its items; returns its id. */
static enum cb_err
batcher_insert_batch(struct cut *c, enum settle_op op, const struct plan_item *items,
    size_t n, const u256 *total, uint64_t *id)
{
	struct db *db = c->cd->db;
	struct buf json = BUF_INITIALIZER(SETTLE_CALLDATA_MAX);
	uint8_t *key = c->keys[op];
	char dec[U256_DEC_MAX];
	enum cb_err rc;

	if (getrandom(key, 32, 0) != 32)
		return CB_ERR_INTERNAL;
	rc = DB_EXEC(db, ST_SETTLE_BATCH_INSERT, DB_U64(c->round_id), DB_U64(c->tok->id),
	    DB_U64(c->cd->chain->chain_id), DB_CSTR(settle_op_name(op)),
	    DB_CSTR(settle_trigger_name(c->trigger)), DB_U64(n),
	    DB_CSTR(settle_dec(total, dec, sizeof(dec))), DB_BLOB(key, 32));
	if (rc != CB_OK)
		return rc == CB_ERR_CONFLICT ? CB_ERR_DB_RETRY : rc;	/* a key collision */
	*id = db_insert_id(db, ST_SETTLE_BATCH_INSERT);
	if ((rc = batcher_items_json(items, n, &json)) == CB_OK)
		rc = DB_EXEC(db, ST_SETTLE_ITEMS_INSERT, DB_U64(*id),
		    DB_STR(json.data, json.len));
	if (rc == CB_OK && db_affected(db, ST_SETTLE_ITEMS_INSERT) != n)
		rc = CB_ERR_DB;
	buf_free(&json);
	c->items[op] = n;
	settle_dec(total, c->totals[op], sizeof(c->totals[op]));
	return rc;
}

/*
 * Marks the taken rows of one batch: those whose wallet is among items.
 * rows are matched by wallet, which a change of a batched user keeps.
 */
static enum cb_err
batcher_mark_batch(struct cut *c, const struct plan_row *rows, const struct plan *p,
    const struct plan_item *items, size_t nitems, uint64_t batch_id)
{
	struct db *db = c->cd->db;
	struct buf json = BUF_INITIALIZER(SETTLE_CALLDATA_MAX);
	size_t *idx, n = 0, i, k;
	enum cb_err rc;

	if ((idx = calloc(p->ntaken + 1, sizeof(*idx))) == NULL)
		return CB_ERR_NOMEM;
	for (i = 0; i < p->ntaken; i++) {
		const struct plan_row *r = &rows[p->taken[i]];

		for (k = 0; k < nitems; k++)
			if (address_eq(&items[k].wallet, &r->wallet))
				break;
		if (k < nitems)
			idx[n++] = p->taken[i];
	}
	rc = batcher_ids_json(rows, idx, n, &json);
	if (rc == CB_OK)
		rc = DB_EXEC(db, ST_SETTLE_CHANGES_BATCH, DB_STR(json.data, json.len),
		    DB_U64(batch_id));
	if (rc == CB_OK && db_affected(db, ST_SETTLE_CHANGES_BATCH) != n)
		rc = CB_ERR_CONFLICT;	/* moved under us: try on the next pass */
	c->nchanges += n;
	buf_free(&json);
	free(idx);
	return rc;
}

/* Reads the candidates of the cut into rows (their user ids in names). */
static enum cb_err
batcher_candidates(struct cut *c, const struct user_set *inflight, struct plan_row **rowsp,
    size_t *nrowsp, struct user_set *names)
{
	struct chaind *cd = c->cd;
	struct db *db = cd->db;
	struct plan_row *rows = NULL;
	struct user_set backoff = { 0 };
	uint64_t scan = (uint64_t)c->st->max_batch_size * BATCHER_SCAN_FACTOR, attempts, age;
	struct db_row row;
	size_t n = 0, i;
	enum cb_err rc;
	int r;

	if (scan < BATCHER_SCAN_MIN)
		scan = BATCHER_SCAN_MIN;
	if ((rows = calloc(scan, sizeof(*rows))) == NULL)
		return CB_ERR_NOMEM;
	rc = DB_EXEC(db, ST_SETTLE_CANDIDATES, DB_U64(cd->chain->chain_id),
	    DB_U64(c->tok->id), DB_U64(scan));
	if (rc != CB_OK)
		goto fail;
	while (n < scan && (r = db_fetch(db, ST_SETTLE_CANDIDATES, &row)) == 1) {
		struct plan_row *pr = &rows[n];

		if (!db_col_u64(&row, SETTLE_CANDIDATE_COL_ID, &pr->id) ||
		    row.val[SETTLE_CANDIDATE_COL_USER_ID] == NULL ||
		    amount_from_db(&pr->amount, row.val[SETTLE_CANDIDATE_COL_AMOUNT],
		    row.len[SETTLE_CANDIDATE_COL_AMOUNT]) != 0 ||
		    (row.val[SETTLE_CANDIDATE_COL_WALLET] != NULL &&
		    row.len[SETTLE_CANDIDATE_COL_WALLET] != ADDRESS_LEN) ||
		    !db_col_u64(&row, SETTLE_CANDIDATE_COL_ATTEMPTS, &attempts) ||
		    !db_col_u64(&row, SETTLE_CANDIDATE_COL_AGE, &age)) {
			r = -1;
			break;
		}
		if ((rc = user_set_add(names, row.val[SETTLE_CANDIDATE_COL_USER_ID],
		    row.len[SETTLE_CANDIDATE_COL_USER_ID])) != CB_OK)
			break;
		pr->user_id = names->ids[names->n - 1];
		if ((pr->has_wallet = row.val[SETTLE_CANDIDATE_COL_WALLET] != NULL))
			memcpy(pr->wallet.bytes, row.val[SETTLE_CANDIDATE_COL_WALLET], ADDRESS_LEN);
		/* Backing off after reverts: the user waits, all of them. */
		if (attempts > 0 && age < batcher_backoff_s(cd, attempts) &&
		    !user_set_has(&backoff, pr->user_id) &&
		    (rc = user_set_add(&backoff, pr->user_id, strlen(pr->user_id))) != CB_OK)
			break;
		n++;
	}
	db_done(db, ST_SETTLE_CANDIDATES);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	if (rc != CB_OK)
		goto fail;
	for (i = 0; i < n; i++)
		rows[i].skip_user = user_set_has(inflight, rows[i].user_id) ||
		    user_set_has(&backoff, rows[i].user_id);
	user_set_free(&backoff);
	*rowsp = rows;
	*nrowsp = n;
	return CB_OK;
fail:
	user_set_free(&backoff);
	free(rows);
	return rc;
}

static enum cb_err
cut_txn(struct db *db, void *arg)
{
	struct cut *c = arg;
	struct chaind *cd = c->cd;
	struct user_set inflight = { 0 }, names = { 0 };
	struct plan_row *rows = NULL;
	struct plan plan;
	struct buf json = BUF_INITIALIZER(SETTLE_CALLDATA_MAX);
	struct db_row row;
	uint64_t pending = 0;
	size_t nrows = 0;
	enum cb_err rc;
	int r;

	memset(&plan, 0, sizeof(plan));
	memset(c->batch_ids, 0, sizeof(c->batch_ids));
	memset(c->items, 0, sizeof(c->items));
	c->nchanges = c->nnetted = 0;
	if ((rc = lease_fence(db, &cd->lease)) != CB_OK)
		goto out;
	/* One round per token waits for signing at a time. */
	if ((rc = DB_EXEC(db, ST_SETTLE_TOKEN_HAS_PENDING, DB_U64(c->tok->id))) != CB_OK)
		goto out;
	r = db_fetch(db, ST_SETTLE_TOKEN_HAS_PENDING, &row);
	if (r == 1 && !db_col_u64(&row, SCALAR_COL_VALUE, &pending))
		r = -1;
	db_done(db, ST_SETTLE_TOKEN_HAS_PENDING);
	if (r != 1) {
		rc = CB_ERR_DB;
		goto out;
	}
	if (pending)
		goto out;
	rc = batcher_users(db, ST_SETTLE_INFLIGHT_USERS,
	    (const struct db_param[]){ DB_U64(c->tok->id) }, 1, &inflight);
	if (rc != CB_OK)
		goto out;
	if ((rc = batcher_candidates(c, &inflight, &rows, &nrows, &names)) != CB_OK)
		goto out;
	if (plan_cut(rows, nrows, c->st->max_batch_size, &plan) != 0) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if (plan.ntaken == 0)
		goto out;
	if (plan.nmints > 0 || plan.nburns > 0) {
		if ((rc = DB_EXEC0(db, ST_SETTLE_ROUND_NEXT)) != CB_OK)
			goto out;
		r = db_fetch(db, ST_SETTLE_ROUND_NEXT, &row);
		if (r == 1 && !db_col_u64(&row, SCALAR_COL_VALUE, &c->round_id))
			r = -1;
		db_done(db, ST_SETTLE_ROUND_NEXT);
		if (r != 1) {
			rc = CB_ERR_DB;
			goto out;
		}
	}
	/* The mint batch first: it gets the lower id of the round. */
	if (plan.nmints > 0 &&
	    ((rc = batcher_insert_batch(c, SETTLE_MINT, plan.mints, plan.nmints,
	    &plan.mint_total, &c->batch_ids[SETTLE_MINT])) != CB_OK ||
	    (rc = batcher_mark_batch(c, rows, &plan, plan.mints, plan.nmints,
	    c->batch_ids[SETTLE_MINT])) != CB_OK))
		goto out;
	if (plan.nburns > 0 &&
	    ((rc = batcher_insert_batch(c, SETTLE_BURN, plan.burns, plan.nburns,
	    &plan.burn_total, &c->batch_ids[SETTLE_BURN])) != CB_OK ||
	    (rc = batcher_mark_batch(c, rows, &plan, plan.burns, plan.nburns,
	    c->batch_ids[SETTLE_BURN])) != CB_OK))
		goto out;
	if (plan.nnetted > 0) {
		if (!change_transition_ok(CHANGE_RECORDED, CHANGE_CONFIRMED)) {
			rc = CB_ERR_INTERNAL;
			goto out;
		}
		if ((rc = batcher_ids_json(rows, plan.netted, plan.nnetted, &json)) != CB_OK ||
		    (rc = DB_EXEC(db, ST_SETTLE_CHANGES_NETTED,
		    DB_STR(json.data, json.len))) != CB_OK)
			goto out;
		if (db_affected(db, ST_SETTLE_CHANGES_NETTED) != plan.nnetted) {
			rc = CB_ERR_CONFLICT;
			goto out;
		}
		c->nnetted = plan.nnetted;
	}
out:
	buf_free(&json);
	plan_free(&plan);
	free(rows);
	user_set_free(&names);
	user_set_free(&inflight);
	return rc;
}

/* ---------------------------------------------------------------- step */

/* Whether tok's address holds a contract (cached; rechecked when not). */
static enum cb_err
batcher_token_deployed(struct chaind *cd, const struct token *tok, bool *deployed)
{
	struct settle_token *t;
	struct rpc_error err;
	char addr[ADDRESS_STR_SIZE];
	uint64_t now = monotime_ms();
	enum cb_err rc;

	if ((t = settle_token(cd, tok->id, &rc)) == NULL)
		return rc;
	/* An operator changed the token: what the roles sign follows. */
	if (!address_eq(&t->address, &tok->address) || t->settlement != tok->settlement) {
		t->address = tok->address;
		t->settlement = tok->settlement;
		t->code_known = false;
	}
	if (t->code_known && (t->has_code || now - t->code_checked_ms < SETTLE_CODE_RECHECK_MS)) {
		*deployed = t->has_code;
		return CB_OK;
	}
	if ((rc = settle_rpc_has_code(cd, &tok->address, &t->has_code, &err)) != CB_OK)
		return settle_rpc_failed(cd, "eth_getCode", rc, &err);
	t->code_known = true;
	t->code_checked_ms = now;
	if (!t->has_code) {
		address_to_checksum(&tok->address, addr);
		log_warnx("token_not_deployed", "chain=%s token=%s address=%s"
		    " action=not_settled", cd->chain->name, tok->symbol, addr);
		chaind_count(cd, "tokens_not_deployed", tok->symbol, 1);
	}
	*deployed = t->has_code;
	return CB_OK;
}

static void
batcher_log_cut(const struct cut *c)
{
	char key[67];
	int op;

	for (op = SETTLE_MINT; op <= SETTLE_BURN; op++) {
		if (c->batch_ids[op] == 0)
			continue;
		log_info("batch_cut", "chain=%s batch=%" PRIu64 " round=%" PRIu64
		    " token=%s op=%s items=%zu total=%s trigger=%s key=%s",
		    c->cd->chain->name, c->batch_ids[op], c->round_id, c->tok->symbol,
		    settle_op_name((enum settle_op)op), c->items[op], c->totals[op],
		    settle_trigger_name(c->trigger),
		    settle_hex(c->keys[op], 32, key, sizeof(key)));
		chaind_count(c->cd, "batches_cut", settle_op_name((enum settle_op)op), 1);
	}
	if (c->nnetted > 0) {
		log_info("changes_netted", "chain=%s token=%s changes=%zu", c->cd->chain->name,
		    c->tok->symbol, c->nnetted);
		chaind_count(c->cd, "changes_netted", NULL, c->nnetted);
	}
}

/* Whether the token has changes to look at (recorded or awaiting). */
static enum cb_err
batcher_token_busy(struct chaind *cd, const struct token *tok, bool *busy)
{
	struct db_row row;
	uint64_t recorded = 0, awaiting = 0;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(cd->db, ST_SETTLE_TOKEN_ACTIVITY, DB_U64(tok->id), DB_U64(tok->id));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(cd->db, ST_SETTLE_TOKEN_ACTIVITY, &row);
	if (r == 1 && (!db_col_u64(&row, SETTLE_ACTIVITY_COL_RECORDED, &recorded) ||
	    !db_col_u64(&row, SETTLE_ACTIVITY_COL_AWAITING_WALLET, &awaiting)))
		r = -1;
	db_done(cd->db, ST_SETTLE_TOKEN_ACTIVITY);
	if (r != 1)
		return CB_ERR_DB;
	*busy = recorded != 0 || awaiting != 0;
	return CB_OK;
}

/* One token's pass: wallets, the rule, the cut. */
static enum cb_err
batcher_token(struct chaind *cd, struct batcher_token *bt)
{
	struct wallet_pass w = { .cd = cd, .tok = &bt->tok, .st = &bt->st };
	struct settle_outlook o;
	struct cut c;
	bool deployed = false, busy = false;
	enum cb_err rc;

	if ((rc = batcher_token_deployed(cd, &bt->tok, &deployed)) != CB_OK || !deployed)
		return rc;
	if ((rc = batcher_token_busy(cd, &bt->tok, &busy)) != CB_OK || !busy)
		return rc;
	if ((rc = registry_strategy_get(cd->db, bt->tok.id, &bt->st)) != CB_OK)
		return rc;
	if ((rc = db_txn(cd->db, wallet_txn, &w)) != CB_OK)
		return rc;
	if (w.released > 0 || w.parked > 0)
		log_info("awaiting_wallet", "chain=%s token=%s released=%" PRIu64
		    " parked=%" PRIu64, cd->chain->name, bt->tok.symbol, w.released, w.parked);
	if ((rc = settle_outlook_read(cd->db, &bt->tok, &bt->st, &o)) != CB_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.cd = cd;
	c.tok = &bt->tok;
	c.st = &bt->st;
	if ((c.trigger = settle_rule(&bt->st, &o)) == SETTLE_WAIT)
		return CB_OK;
	if ((rc = db_txn(cd->db, cut_txn, &c)) == CB_ERR_CONFLICT)
		return CB_OK;	/* the ledger moved under the cut: next pass */
	if (rc != CB_OK)
		return rc;
	batcher_log_cut(&c);
	/* A full cut: more changes are most likely waiting behind it, and
	 * the submitter signs this one in the same pass. */
	if (c.nchanges >= bt->st.max_batch_size)
		cd->more_work = true;
	if (c.batch_ids[SETTLE_MINT] != 0 || c.batch_ids[SETTLE_BURN] != 0 || c.nnetted > 0)
		failpoint("after_claim");
	return CB_OK;
}

/* The chain's enabled tokens (their strategies are read when needed). */
static enum cb_err
batcher_tokens(struct chaind *cd, struct batcher_token **out, size_t *n)
{
	struct batcher_token *list = NULL, *grown;
	struct db_row row;
	size_t count = 0;
	enum cb_err rc;
	int r;

	*out = NULL;
	*n = 0;
	if ((rc = DB_EXEC(cd->db, ST_SETTLE_TOKENS, DB_U64(cd->chain->chain_id))) != CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_SETTLE_TOKENS, &row)) == 1 && count < SETTLE_TOKENS_MAX) {
		if ((grown = realloc(list, (count + 1) * sizeof(*list))) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		list = grown;
		memset(&list[count], 0, sizeof(list[count]));
		if ((rc = registry_token_from_row(&row, &list[count].tok)) != CB_OK)
			break;
		count++;
	}
	db_done(cd->db, ST_SETTLE_TOKENS);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	if (rc != CB_OK) {
		free(list);
		return rc;
	}
	*out = list;
	*n = count;
	return CB_OK;
}

enum cb_err
batcher_step(struct chaind *cd)
{
	static size_t start;
	struct batcher_token *tokens = NULL;
	enum cb_err rc, worst = CB_OK;
	size_t n = 0, i;

	if (cd->key == NULL)
		return CB_OK;
	if (settle_state(cd) == NULL)
		return CB_ERR_NOMEM;
	if ((rc = batcher_tokens(cd, &tokens, &n)) != CB_OK)
		return rc;
	for (i = 0; i < n && chaind_time_left(cd) > 0; i++) {
		struct batcher_token *bt = &tokens[(start + i) % n];

		rc = batcher_token(cd, bt);
		if (rc == CB_ERR_LEASE_LOST || rc == CB_ERR_DB_GONE) {
			worst = rc;
			break;
		}
		if (rc != CB_OK) {
			log_warnx("batcher_token", "chain=%s token=%s err=%s", cd->chain->name,
			    bt->tok.symbol, cb_errcode(rc));
			worst = rc;
		}
	}
	/* Whoever ran out of time goes first next pass. */
	if (n > 0)
		start = (start + i) % n;
	free(tokens);
	return worst;
}
