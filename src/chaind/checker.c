/*
 * checker.c - the consistency checker (docs/sync.md, "The checker").
 * Every check_interval seconds it compares what the store says with what
 * the node says:
 *
 *	block hashes	the newest synced blocks and a rotating window of
 *			older ones against the node's headers (a reorg
 *			missed while the daemon was down is found; the
 *			syncer then looks for the common ancestor);
 *	token state	totalSupply and a rotating sample of balanceOf at the
 *			last synced block (by hash) against token_supply
 *			and token_balances;
 *	the ledger	each bound wallet's confirmed_balance against its
 *			balanceOf at the node's latest block, skipping users
 *			with a settlement in flight.
 *
 * Every mismatch is an open finding (issue_report), a counter and a log
 * line; a finding whose subject checks out again is resolved.  The
 * checker only reads the chain index, so it never blocks the syncer.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaind.h"
#include "core/hex.h"
#include "core/log.h"
#include "core/monotime.h"
#include "eth/abi.h"
#include "store/stmts.h"
#include "sync.h"

/* Newest blocks compared each pass, and older ones after them. */
#define CHECK_RECENT_BLOCKS	64
#define CHECK_ROTATE_BLOCKS	64
/* Holders sampled per token and pass. */
#define CHECK_SAMPLE_HOLDERS	32
/* Bound wallets reconciled per token and pass. */
#define CHECK_LEDGER_WALLETS	100
/* eth_call requests in one batch. */
#define CHECK_CALL_BATCH	100

#define CHECK_KIND_MAX		16
#define CHECK_SUBJECT_MAX	200
#define CHECK_VALUE_MAX		100

struct finding {
	char	kind[CHECK_KIND_MAX];
	char	subject[CHECK_SUBJECT_MAX];
	char	expected[CHECK_VALUE_MAX];
	char	actual[CHECK_VALUE_MAX];
	bool	ok;
};

struct findings {
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
	enum cb_err	 rc;
};

static struct finding *
finding_add(struct findings *f, const char *kind, bool ok)
{
	struct finding *x;

	if (f->rc != CB_OK)
		return NULL;
	if (f->n == f->cap) {
		size_t cap = f->cap == 0 ? 32 : f->cap * 2;
		struct finding *p = realloc(f->v, cap * sizeof(*p));

		if (p == NULL) {
			f->rc = CB_ERR_NOMEM;
			return NULL;
		}
		f->v = p;
		f->cap = cap;
	}
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->kind, sizeof(x->kind), "%s", kind);
	x->ok = ok;
	return x;
}

static void
check_hex(char *out, size_t cap, const uint8_t *p, size_t n)
{
	(void)hex_encode(out, cap, p, n, true);
}

/* A stored value as text for a finding. */
static void
check_val_text(char *out, size_t cap, const struct sync_val *v)
{
	char dec[SYNC_DEC_MAX];
	uint8_t raw[32];

	switch (sync_val_store(v, dec, raw)) {
	case SYNC_FORM_DEC:
		snprintf(out, cap, "%s", dec);
		break;
	case SYNC_FORM_RAW:
		check_hex(out, cap, raw, 32);
		break;
	default:
		snprintf(out, cap, "unknown");
		break;
	}
}

static void
check_u256_text(char *out, size_t cap, const u256 *x)
{
	struct sync_val v;

	sync_val_set(&v, x);
	check_val_text(out, cap, &v);
}

/* ------------------------------------------------------------ eth_call */

struct check_call {
	uint8_t		to[20];
	uint8_t		data[36];
	size_t		data_len;
	bool		ok;
	u256		result;
};

/* Runs the calls at block_hash (NULL: latest), in batches; a call that
 * fails or answers something else than one word stays !ok. */
static enum cb_err
check_calls(struct chaind *cd, struct check_call *calls, size_t n, const uint8_t *block_hash)
{
	struct rpc_batch *rb = NULL;
	struct rpc_error err;
	size_t done, k, m;
	enum cb_err rc = CB_OK;

	for (done = 0; done < n && rc == CB_OK; done += m) {
		m = n - done < CHECK_CALL_BATCH ? n - done : CHECK_CALL_BATCH;
		rpc_batch_free(rb);
		if ((rb = rpc_batch_new()) == NULL)
			return CB_ERR_NOMEM;
		for (k = 0; k < m && rc == CB_OK; k++) {
			struct check_call *c = &calls[done + k];
			char to[43], data[2 + 72 + 1], bh[67];
			json_object *p = json_object_new_array();
			json_object *msg = json_object_new_object();
			json_object *ref;

			check_hex(to, sizeof(to), c->to, 20);
			check_hex(data, sizeof(data), c->data, c->data_len);
			if (block_hash != NULL) {
				check_hex(bh, sizeof(bh), block_hash, 32);
				if ((ref = json_object_new_object()) != NULL)
					json_object_object_add(ref, "blockHash",
					    json_object_new_string(bh));
			} else
				ref = json_object_new_string("latest");
			if (p == NULL || msg == NULL || ref == NULL) {
				json_object_put(p);
				json_object_put(msg);
				json_object_put(ref);
				rc = CB_ERR_NOMEM;
				break;
			}
			json_object_object_add(msg, "to", json_object_new_string(to));
			json_object_object_add(msg, "data", json_object_new_string(data));
			json_object_array_add(p, msg);
			json_object_array_add(p, ref);
			rc = rpc_batch_add(rb, "eth_call", p, NULL);
			json_object_put(p);
		}
		if (rc == CB_OK && (rc = rpc_batch_send(cd->rpc, rb, &err)) != CB_OK)
			chaind_count(cd, "rpc_errors", "eth_call", 1);
		for (k = 0; k < m && rc == CB_OK; k++) {
			struct check_call *c = &calls[done + k];
			json_object *res;
			uint8_t *out = NULL;
			size_t outlen = 0;

			c->ok = false;
			if (rpc_batch_result(rb, k, &res, NULL) != CB_OK || res == NULL ||
			    !json_object_is_type(res, json_type_string) ||
			    rpc_parse_data(json_object_get_string(res),
			    (size_t)json_object_get_string_len(res), 64, &out, &outlen) != CB_OK ||
			    outlen != 32) {
				free(out);
				continue;
			}
			abi_word_uint256(out, &c->result);
			c->ok = true;
			free(out);
		}
	}
	rpc_batch_free(rb);
	return rc;
}

static void
check_call_set(struct check_call *c, const uint8_t to[20], const char *sig,
    const uint8_t *address_arg)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->to, to, 20);
	abi_selector(sig, c->data);
	c->data_len = 4;
	if (address_arg != NULL) {
		memcpy(c->data + 4 + 12, address_arg, 20);
		c->data_len = 36;
	}
}

/* ------------------------------------------------------------- blocks */

/* Compares stored hashes of blocks lo..hi with the node's. */
static enum cb_err
check_block_range(struct chaind *cd, struct sync_state *st, uint64_t lo, uint64_t hi,
    struct findings *f)
{
	struct db_row row;
	uint64_t numbers[CHECK_RECENT_BLOCKS];
	uint8_t hashes[CHECK_RECENT_BLOCKS][32];
	struct rpc_block blocks[CHECK_RECENT_BLOCKS];
	enum cb_err statuses[CHECK_RECENT_BLOCKS];
	struct rpc_error err;
	size_t n = 0, k;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(cd->db, ST_CHECK_BLOCKS_RECENT, DB_U64(cd->chain->chain_id), DB_U64(lo),
	    DB_U64(hi));
	if (rc != CB_OK)
		return rc;
	while (n < CHECK_RECENT_BLOCKS && (r = db_fetch(cd->db, ST_CHECK_BLOCKS_RECENT, &row)) == 1) {
		if (row.ncols != SYNC_HASH_COL__MAX ||
		    !db_col_u64(&row, SYNC_HASH_COL_NUMBER, &numbers[n]) ||
		    row.len[SYNC_HASH_COL_HASH] != 32)
			continue;
		memcpy(hashes[n++], row.val[SYNC_HASH_COL_HASH], 32);
	}
	db_done(cd->db, ST_CHECK_BLOCKS_RECENT);
	if (n == 0)
		return CB_OK;
	rc = rpc_eth_get_blocks_by_number(cd->rpc, numbers, n, blocks, statuses, &err);
	if (rc != CB_OK)
		return rc;
	for (k = 0; k < n; k++) {
		bool same = statuses[k] == CB_OK && memcmp(blocks[k].hash.bytes, hashes[k], 32) == 0;
		struct finding *x;

		/* A block the node does not have (yet, or any more) is left
		 * to the syncer. */
		if (statuses[k] != CB_OK && statuses[k] != CB_ERR_NOT_FOUND)
			continue;
		if ((x = finding_add(f, "block_hash", same)) == NULL)
			break;
		snprintf(x->subject, sizeof(x->subject), "block:%" PRIu64, numbers[k]);
		if (!same) {
			check_hex(x->expected, sizeof(x->expected), hashes[k], 32);
			if (statuses[k] == CB_OK)
				check_hex(x->actual, sizeof(x->actual), blocks[k].hash.bytes, 32);
			else
				snprintf(x->actual, sizeof(x->actual), "missing");
			if (!st->suspect || numbers[k] < st->suspect_block) {
				st->suspect = true;
				st->suspect_block = numbers[k];
			}
		}
	}
	for (k = 0; k < n; k++)
		rpc_block_clear(&blocks[k]);
	return f->rc;
}

static enum cb_err
check_blocks(struct chaind *cd, struct sync_state *st, const struct sync_ckpt *ck,
    struct findings *f)
{
	uint64_t lo, start = cd->chain->start_block;
	struct db_row row;
	uint64_t first = 0, last = 0;
	size_t n = 0;
	enum cb_err rc;
	int r;

	lo = ck->last_block >= CHECK_RECENT_BLOCKS - 1 ? ck->last_block - (CHECK_RECENT_BLOCKS - 1) : 0;
	if (lo < start)
		lo = start;
	if ((rc = check_block_range(cd, st, lo, ck->last_block, f)) != CB_OK)
		return rc;
	/* A rotating window over the older blocks. */
	if (lo == 0)
		return CB_OK;
	rc = DB_EXEC(cd->db, ST_CHECK_BLOCKS_AFTER, DB_U64(cd->chain->chain_id),
	    DB_U64(st->check_block_cursor), DB_U64(CHECK_ROTATE_BLOCKS));
	if (rc != CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_CHECK_BLOCKS_AFTER, &row)) == 1) {
		uint64_t num;

		if (row.ncols == SYNC_HASH_COL__MAX && db_col_u64(&row, SYNC_HASH_COL_NUMBER, &num)) {
			if (n++ == 0)
				first = num;
			last = num;
		}
	}
	db_done(cd->db, ST_CHECK_BLOCKS_AFTER);
	if (n == 0 || first >= lo) {
		st->check_block_cursor = 0;
		return CB_OK;
	}
	if (last >= lo)
		last = lo - 1;
	st->check_block_cursor = last;
	return check_block_range(cd, st, first, last, f);
}

/* --------------------------------------------------------- token state */

static enum cb_err
check_tokens(struct chaind *cd, struct sync_state *st, const struct sync_ckpt *ck,
    struct findings *f)
{
	struct check_call *calls = NULL;
	struct sync_val *stored = NULL;
	uint8_t (*holders)[20] = NULL;
	size_t ncalls = 0, cap, i, t, ntokens = 0;
	struct db_row row;
	enum cb_err rc = CB_OK;
	int r;

	for (i = 0; i < st->ncontracts; i++)
		if (st->contracts[i].kind == SYNC_CONTRACT_TOKEN)
			ntokens++;
	if (ntokens == 0)
		return CB_OK;
	cap = ntokens * (CHECK_SAMPLE_HOLDERS + 1);
	calls = calloc(cap, sizeof(*calls));
	stored = calloc(cap, sizeof(*stored));
	holders = calloc(cap, sizeof(*holders));
	if (calls == NULL || stored == NULL || holders == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	/* Supplies: a token without a row has a supply of zero. */
	rc = DB_EXEC(cd->db, ST_CHECK_SUPPLIES, DB_U64(cd->chain->chain_id));
	if (rc != CB_OK)
		goto out;
	while ((r = db_fetch(cd->db, ST_CHECK_SUPPLIES, &row)) == 1 && ncalls < cap) {
		uint64_t exists = 0;

		if (row.ncols != CHECK_SUPPLY_COL__MAX || row.len[CHECK_SUPPLY_COL_TOKEN] != 20 ||
		    !db_col_u64(&row, CHECK_SUPPLY_COL_EXISTS, &exists))
			continue;
		sync_val_zero(&stored[ncalls]);
		if (exists && !sync_val_load(&stored[ncalls], row.val[CHECK_SUPPLY_COL_SUPPLY],
		    row.len[CHECK_SUPPLY_COL_SUPPLY], (const uint8_t *)row.val[CHECK_SUPPLY_COL_RAW],
		    row.len[CHECK_SUPPLY_COL_RAW]))
			continue;
		check_call_set(&calls[ncalls], (const uint8_t *)row.val[CHECK_SUPPLY_COL_TOKEN],
		    "totalSupply()", NULL);
		memset(holders[ncalls], 0, 20);
		ncalls++;
	}
	db_done(cd->db, ST_CHECK_SUPPLIES);
	/* A rotating sample of holders, one token per pass in turn. */
	for (t = 0; t < st->ncontracts; t++) {
		size_t ti = (st->check_token_cursor + t) % st->ncontracts;
		const struct sync_contract *c = &st->contracts[ti];
		size_t got = 0;

		if (c->kind != SYNC_CONTRACT_TOKEN)
			continue;
		rc = DB_EXEC(cd->db, ST_CHECK_BALANCES_AFTER, DB_U64(cd->chain->chain_id),
		    DB_BLOB(c->address.bytes, 20), DB_BLOB(st->check_holder_cursor.bytes, 20),
		    DB_U64(CHECK_SAMPLE_HOLDERS));
		if (rc != CB_OK)
			goto out;
		while ((r = db_fetch(cd->db, ST_CHECK_BALANCES_AFTER, &row)) == 1 && ncalls < cap) {
			const char *holder = row.val[CHECK_BALANCE_COL_HOLDER];

			if (row.ncols != CHECK_BALANCE_COL__MAX ||
			    row.len[CHECK_BALANCE_COL_HOLDER] != 20 ||
			    !sync_val_load(&stored[ncalls], row.val[CHECK_BALANCE_COL_BALANCE],
			    row.len[CHECK_BALANCE_COL_BALANCE],
			    (const uint8_t *)row.val[CHECK_BALANCE_COL_RAW],
			    row.len[CHECK_BALANCE_COL_RAW]))
				continue;
			check_call_set(&calls[ncalls], c->address.bytes, "balanceOf(address)",
			    (const uint8_t *)holder);
			memcpy(holders[ncalls], holder, 20);
			memcpy(st->check_holder_cursor.bytes, holder, 20);
			ncalls++;
			got++;
		}
		db_done(cd->db, ST_CHECK_BALANCES_AFTER);
		if (got < CHECK_SAMPLE_HOLDERS) {
			/* This token's holders are done: the next one. */
			memset(st->check_holder_cursor.bytes, 0, 20);
			st->check_token_cursor = (ti + 1) % st->ncontracts;
		}
		break;
	}
	if ((rc = check_calls(cd, calls, ncalls, ck->last_hash)) != CB_OK)
		goto out;
	for (i = 0; i < ncalls; i++) {
		struct sync_val chain;
		bool is_supply = calls[i].data_len == 4;
		char token[43], holder[43];
		struct finding *x;

		if (!calls[i].ok)
			continue;	/* the block's state is gone, or no ERC-20 */
		sync_val_set(&chain, &calls[i].result);
		x = finding_add(f, is_supply ? "token_supply" : "token_balance",
		    sync_val_eq(&chain, &stored[i]));
		if (x == NULL)
			break;
		check_hex(token, sizeof(token), calls[i].to, 20);
		if (is_supply)
			snprintf(x->subject, sizeof(x->subject), "token:%s", token);
		else {
			check_hex(holder, sizeof(holder), holders[i], 20);
			snprintf(x->subject, sizeof(x->subject), "token:%s:holder:%s", token, holder);
		}
		check_val_text(x->expected, sizeof(x->expected), &stored[i]);
		check_u256_text(x->actual, sizeof(x->actual), &calls[i].result);
	}
	rc = f->rc;
out:
	free(calls);
	free(stored);
	free(holders);
	return rc;
}

/* ------------------------------------------------------------- ledger */

static enum cb_err
check_ledger(struct chaind *cd, struct sync_state *st, struct findings *f)
{
	struct check_call calls[CHECK_LEDGER_WALLETS];
	struct sync_val confirmed[CHECK_LEDGER_WALLETS];
	char users[CHECK_LEDGER_WALLETS][129];
	const struct sync_contract *c = NULL;
	struct db_row row;
	size_t n = 0, i, t;
	enum cb_err rc;
	int r;

	/* One token per pass, its wallets page by page. */
	for (t = 0; t < st->ncontracts; t++) {
		size_t ti = (st->check_ledger_token + t) % st->ncontracts;

		if (st->contracts[ti].kind == SYNC_CONTRACT_TOKEN) {
			st->check_ledger_token = ti;
			c = &st->contracts[ti];
			break;
		}
	}
	if (c == NULL)
		return CB_OK;
	rc = DB_EXEC(cd->db, ST_CHECK_WALLETS_AFTER, DB_U64(c->token_id), DB_U64(c->token_id),
	    DB_U64(cd->chain->chain_id), DB_CSTR(st->check_user_cursor),
	    DB_U64(CHECK_LEDGER_WALLETS));
	if (rc != CB_OK)
		return rc;
	while (n < CHECK_LEDGER_WALLETS && (r = db_fetch(cd->db, ST_CHECK_WALLETS_AFTER, &row)) == 1) {
		uint64_t in_flight = 0;

		const char *user = row.val[CHECK_WALLET_COL_USER_ID];
		size_t ulen = row.len[CHECK_WALLET_COL_USER_ID];

		if (row.ncols != CHECK_WALLET_COL__MAX || user == NULL || ulen >= sizeof(users[0]) ||
		    row.len[CHECK_WALLET_COL_ADDRESS] != 20 ||
		    !db_col_u64(&row, CHECK_WALLET_COL_IN_FLIGHT, &in_flight))
			continue;
		memcpy(st->check_user_cursor, user, ulen);
		st->check_user_cursor[ulen] = '\0';
		/* A settlement on its way moves the chain before the ledger. */
		if (in_flight)
			continue;
		if (!sync_val_load(&confirmed[n], row.val[CHECK_WALLET_COL_CONFIRMED],
		    row.len[CHECK_WALLET_COL_CONFIRMED], NULL, 0))
			continue;
		memcpy(users[n], user, ulen + 1);
		check_call_set(&calls[n], c->address.bytes, "balanceOf(address)",
		    (const uint8_t *)row.val[CHECK_WALLET_COL_ADDRESS]);
		n++;
	}
	db_done(cd->db, ST_CHECK_WALLETS_AFTER);
	if (n < CHECK_LEDGER_WALLETS) {
		/* The last page of this token: the next token next time. */
		st->check_user_cursor[0] = '\0';
		st->check_ledger_token = (st->check_ledger_token + 1) % st->ncontracts;
	}
	if ((rc = check_calls(cd, calls, n, NULL)) != CB_OK)
		return rc;
	for (i = 0; i < n; i++) {
		struct sync_val chain;
		char token[43];
		struct finding *x;

		if (!calls[i].ok)
			continue;
		sync_val_set(&chain, &calls[i].result);
		if ((x = finding_add(f, "ledger", sync_val_eq(&chain, &confirmed[i]))) == NULL)
			break;
		check_hex(token, sizeof(token), c->address.bytes, 20);
		snprintf(x->subject, sizeof(x->subject), "user:%.128s:token:%s", users[i], token);
		check_val_text(x->expected, sizeof(x->expected), &confirmed[i]);
		check_u256_text(x->actual, sizeof(x->actual), &calls[i].result);
	}
	return f->rc;
}

/* ------------------------------------------------------------ findings */

struct record {
	struct chaind		*cd;
	const struct findings	*f;
};

static enum cb_err
record_txn(struct db *db, void *arg)
{
	struct record *rec = arg;
	const struct findings *f = rec->f;
	uint64_t chain_id = rec->cd->chain->chain_id;
	struct finding *open = NULL;
	size_t nopen = 0, cap = 0, i, k;
	struct db_row row;
	enum cb_err rc;
	int r;

	if ((rc = lease_fence(db, &rec->cd->lease)) != CB_OK ||
	    (rc = DB_EXEC(db, ST_SYNC_CKPT_CHECKED, DB_U64(chain_id))) != CB_OK)
		return rc;
	for (i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		if (!x->ok && (rc = issue_report(db, chain_id, x->kind, x->subject,
		    x->expected, x->actual)) != CB_OK)
			return rc;
	}
	/* Open findings whose subject checked out this time are resolved. */
	if ((rc = DB_EXEC(db, ST_CHECK_OPEN_ISSUES, DB_U64(chain_id))) != CB_OK)
		return rc;
	while ((r = db_fetch(db, ST_CHECK_OPEN_ISSUES, &row)) == 1) {
		const char *kind = row.val[CHECK_ISSUE_COL_KIND];
		const char *subject = row.val[CHECK_ISSUE_COL_SUBJECT];

		if (row.ncols != CHECK_ISSUE_COL__MAX || kind == NULL || subject == NULL)
			continue;
		if (nopen == cap) {
			size_t nc = cap == 0 ? 16 : cap * 2;
			struct finding *p = realloc(open, nc * sizeof(*p));

			if (p == NULL) {
				rc = CB_ERR_NOMEM;
				break;
			}
			open = p;
			cap = nc;
		}
		memset(&open[nopen], 0, sizeof(open[nopen]));
		snprintf(open[nopen].kind, sizeof(open[nopen].kind), "%s", kind);
		snprintf(open[nopen].subject, sizeof(open[nopen].subject), "%s", subject);
		nopen++;
	}
	db_done(db, ST_CHECK_OPEN_ISSUES);
	for (k = 0; rc == CB_OK && k < nopen; k++)
		for (i = 0; i < f->n; i++)
			if (f->v[i].ok && strcmp(f->v[i].kind, open[k].kind) == 0 &&
			    strcmp(f->v[i].subject, open[k].subject) == 0) {
				rc = issue_resolve(db, chain_id, open[k].kind, open[k].subject);
				break;
			}
	free(open);
	return rc;
}

enum cb_err
checker_step(struct chaind *cd)
{
	struct sync_state *st = cd->sync;
	struct findings f = { NULL, 0, 0, CB_OK };
	struct sync_ckpt ck;
	struct record rec = { cd, &f };
	uint64_t now = monotime_ms();
	size_t i, bad = 0;
	enum cb_err rc;

	if (st == NULL || now < st->check_next_ms)
		return CB_OK;
	st->check_next_ms = now + (uint64_t)cd->chain->check_interval * 1000;
	if ((rc = sync_store_ckpt_load(cd, &ck)) != CB_OK)
		return rc;
	if (!ck.have_last)
		return CB_OK;
	if ((rc = sync_store_tracked(cd, st)) != CB_OK)
		return rc;
	if ((rc = check_blocks(cd, st, &ck, &f)) == CB_OK &&
	    (rc = check_tokens(cd, st, &ck, &f)) == CB_OK)
		rc = check_ledger(cd, st, &f);
	/* Findings and the pass's time (sync status) together. */
	if (rc == CB_OK)
		rc = db_txn(cd->db, record_txn, &rec);
	for (i = 0; rc == CB_OK && i < f.n; i++) {
		const struct finding *x = &f.v[i];

		if (x->ok)
			continue;
		bad++;
		chaind_count(cd, "consistency_mismatches", x->kind, 1);
		log_warnx("consistency_mismatch", "chain=%s kind=%s subject=%s expected=%s actual=%s",
		    cd->chain->name, x->kind, x->subject, x->expected, x->actual);
	}
	if (rc == CB_OK) {
		chaind_count(cd, "consistency_checks", NULL, f.n);
		log_debug("consistency_pass", "chain=%s checked=%zu mismatches=%zu", cd->chain->name,
		    f.n, bad);
	}
	free(f.v);
	return rc;
}
