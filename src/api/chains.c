/*
 * chains.c - the chain index of one chain as the chain daemon synced it
 * (docs/api.md, "Chain data"):
 *
 *	GET /api/v1/chains/{chain_id}/status
 *	GET /api/v1/chains/{chain_id}/blocks/{number}
 *	GET /api/v1/chains/{chain_id}/transactions/{hash}
 *	GET /api/v1/chains/{chain_id}/logs?address=&from_block=&to_block=&topic0=&limit=&cursor=
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "chainread.h"
#include "core/conf.h"
#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

/* ------------------------------------------------------------------ status */

/* Adds "key": the unsigned column col, or null. */
static void
chains_json_u64(json_object *obj, const char *key, const struct db_row *row, unsigned col)
{
	ledger_json_u64(obj, key, row, col);
}

/* The "checker" object: open consistency issues by kind and the last pass. */
static enum cb_err
chains_checker(struct db *db, uint64_t chain_id, const char *run_at, size_t run_len,
    json_object *doc)
{
	json_object *checker = json_object_new_object(), *kinds = json_object_new_object();
	struct db_row row;
	uint64_t total = 0, n;
	char latest[32] = "";
	enum cb_err rc;
	int r;

	json_object_object_add(doc, "checker", checker);
	ledger_json_str(checker, "last_run_at", run_at, run_len);
	if ((rc = DB_EXEC(db, ST_SYNC_ISSUES_OPEN, DB_U64(chain_id))) != CB_OK) {
		json_object_put(kinds);
		return rc;
	}
	/* kind, count, latest detected_at (ISO text sorts like time) */
	while ((r = db_fetch(db, ST_SYNC_ISSUES_OPEN, &row)) == 1) {
		if (row.val[0] == NULL || !db_col_u64(&row, 1, &n)) {
			r = -1;
			break;
		}
		json_object_object_add(kinds, row.val[0], json_object_new_uint64(n));
		total += n;
		if (row.val[2] != NULL && row.len[2] < sizeof(latest) &&
		    strcmp(row.val[2], latest) > 0)
			memcpy(latest, row.val[2], row.len[2] + 1);
	}
	db_done(db, ST_SYNC_ISSUES_OPEN);
	json_object_object_add(checker, "open_issues", json_object_new_uint64(total));
	json_object_object_add(checker, "open_by_kind", kinds);
	json_object_object_add(checker, "last_issue_at",
	    latest[0] ? json_object_new_string(latest) : NULL);
	return r < 0 ? CB_ERR_DB : CB_OK;
}

int
h_chains_status(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct cr_checkpoint cp;
	json_object *doc, *reorg;
	struct db_row row;
	uint64_t chain_id, depth;
	const char *run_at = NULL;
	size_t run_len = 0;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0)
		return status;
	doc = json_object_new_object();
	json_object_object_add(doc, "chain_id", json_object_new_uint64(chain_id));
	if ((rc = DB_EXEC(db, ST_SYNC_CHECKPOINT_GET, DB_U64(chain_id))) != CB_OK) {
		status = http_internal_error(resp, "chains_status", rc);
		goto out;
	}
	r = db_fetch(db, ST_SYNC_CHECKPOINT_GET, &row);
	if (r < 0) {
		db_done(db, ST_SYNC_CHECKPOINT_GET);
		status = http_internal_error(resp, "chains_status", CB_ERR_DB);
		goto out;
	}
	if (r == 1) {
		/* CHECKPOINT_COLS: 0 last, 1 hash, 2 safe, 3 finalized, 4 head,
		 * 5 reorg_count, 6 halted, 7 halt_reason, 8 reorg depth, 9 reorg
		 * at, 10 reorg from, 11 checker run at, 12 updated_at */
		chains_json_u64(doc, "head_block", &row, 4);
		chains_json_u64(doc, "synced_block", &row, 0);
		cr_json_hash(doc, "synced_hash", row.val[1], row.len[1]);
		chains_json_u64(doc, "safe_block", &row, 2);
		chains_json_u64(doc, "finalized_block", &row, 3);
		if (cp.has_head && cp.has_last)
			json_object_object_add(doc, "lag_blocks", json_object_new_uint64(
			    cp.head_block > cp.last_block ? cp.head_block - cp.last_block : 0));
		else
			json_object_object_add(doc, "lag_blocks", NULL);
		cr_json_bool(doc, "halted", row.val[6], row.len[6]);
		ledger_json_str(doc, "halt_reason", row.val[7], row.len[7]);
		chains_json_u64(doc, "reorg_count", &row, 5);
		if (db_col_u64(&row, 8, &depth)) {
			reorg = json_object_new_object();
			json_object_object_add(reorg, "depth", json_object_new_uint64(depth));
			ledger_json_str(reorg, "at", row.val[9], row.len[9]);
			chains_json_u64(reorg, "from_block", &row, 10);
			json_object_object_add(doc, "last_reorg", reorg);
		} else {
			json_object_object_add(doc, "last_reorg", NULL);
		}
		ledger_json_str(doc, "updated_at", row.val[12], row.len[12]);
		/* The row buffers stay valid until the next use of the statement. */
		run_at = row.val[11];
		run_len = row.len[11];
	} else {
		/* Configured but never synced. */
		json_object_object_add(doc, "head_block", NULL);
		json_object_object_add(doc, "synced_block", NULL);
		json_object_object_add(doc, "synced_hash", NULL);
		json_object_object_add(doc, "safe_block", NULL);
		json_object_object_add(doc, "finalized_block", NULL);
		json_object_object_add(doc, "lag_blocks", NULL);
		json_object_object_add(doc, "halted", json_object_new_boolean(false));
		json_object_object_add(doc, "halt_reason", NULL);
		json_object_object_add(doc, "reorg_count", json_object_new_uint64(0));
		json_object_object_add(doc, "last_reorg", NULL);
		json_object_object_add(doc, "updated_at", NULL);
	}
	rc = chains_checker(db, chain_id, run_at, run_len, doc);
	db_done(db, ST_SYNC_CHECKPOINT_GET);
	if (rc != CB_OK) {
		status = http_internal_error(resp, "chains_status", rc);
		goto out;
	}
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}

/* ------------------------------------------------------------------ blocks */

/* Adds "confirmed": whether block is at or below the confirmed block. */
static void
chains_json_confirmed(json_object *obj, bool have_confirmed, uint64_t confirmed,
    uint64_t block)
{
	json_object_object_add(obj, "confirmed",
	    json_object_new_boolean(have_confirmed && block <= confirmed));
}

int
h_chains_block(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct cr_checkpoint cp;
	struct db_row row;
	json_object *doc = NULL;
	uint64_t chain_id, number, ts, confirmed;
	bool have_confirmed;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0 ||
	    (status = cr_u64_or_reply(resp, req->params[1], req->param_len[1], CR_BLOCK_MAX,
	    "number", "invalid_block_number", &number)) != 0)
		return status;
	have_confirmed = cr_confirmed_block(req->w->cfg, chain_id, &cp, &confirmed);
	if ((rc = DB_EXEC(db, ST_CHAIN_BLOCK_GET, DB_U64(chain_id), DB_U64(number))) != CB_OK)
		return http_internal_error(resp, "chains_block", rc);
	r = db_fetch(db, ST_CHAIN_BLOCK_GET, &row);
	if (r == 1 && db_col_u64(&row, 3, &ts)) {
		/* number, hash, parent hash, timestamp, base fee, gas_used,
		 * tx_count, log_count */
		doc = json_object_new_object();
		json_object_object_add(doc, "chain_id", json_object_new_uint64(chain_id));
		json_object_object_add(doc, "number", json_object_new_uint64(number));
		cr_json_hash(doc, "hash", row.val[1], row.len[1]);
		cr_json_hash(doc, "parent_hash", row.val[2], row.len[2]);
		cr_json_time(doc, ts);
		ledger_json_str(doc, "base_fee_per_gas", row.val[4], row.len[4]);
		ledger_json_u64(doc, "gas_used", &row, 5);
		ledger_json_u64(doc, "tx_count", &row, 6);
		ledger_json_u64(doc, "log_count", &row, 7);
		chains_json_confirmed(doc, have_confirmed, confirmed, number);
	}
	db_done(db, ST_CHAIN_BLOCK_GET);
	if (r == 0)
		return cr_not_found(resp, "block_not_found", "no such block is synced",
		    "number", req->params[1], req->param_len[1]);
	if (doc == NULL)
		return http_internal_error(resp, "chains_block", CB_ERR_DB);
	status = http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}

/* ------------------------------------------------------------ transactions */

int
h_chains_transaction(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct cr_checkpoint cp;
	struct db_row row;
	json_object *doc = NULL;
	uint8_t hash[32];
	uint64_t chain_id, block, confirmed, status_code;
	u256 value;
	bool have_confirmed;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0 ||
	    (status = cr_hash_or_reply(resp, req->params[1], req->param_len[1], "hash",
	    "invalid_hash", hash)) != 0)
		return status;
	have_confirmed = cr_confirmed_block(req->w->cfg, chain_id, &cp, &confirmed);
	if ((rc = DB_EXEC(db, ST_CHAIN_TX_GET, DB_U64(chain_id), DB_BLOB(hash, 32))) != CB_OK)
		return http_internal_error(resp, "chains_transaction", rc);
	r = db_fetch(db, ST_CHAIN_TX_GET, &row);
	/* 0 hash, 1 block, 2 tx_index, 3 from, 4 to, 5 value, 6 value_raw,
	 * 7 nonce, 8 status, 9 gas_used, 10 input_head, 11 block hash,
	 * 12 block timestamp */
	if (r == 1 && db_col_u64(&row, 1, &block) &&
	    cr_value_from_row(row.val[5], row.len[5], row.val[6], row.len[6], &value)) {
		doc = json_object_new_object();
		json_object_object_add(doc, "chain_id", json_object_new_uint64(chain_id));
		cr_json_hash(doc, "hash", row.val[0], row.len[0]);
		json_object_object_add(doc, "block", json_object_new_uint64(block));
		cr_json_hash(doc, "block_hash", row.val[11], row.len[11]);
		ledger_json_u64(doc, "tx_index", &row, 2);
		ledger_json_address(doc, "from", row.val[3], row.len[3]);
		ledger_json_address(doc, "to", row.val[4], row.len[4]);
		cr_json_u256(doc, "value", &value, CR_NATIVE_DECIMALS);
		ledger_json_u64(doc, "nonce", &row, 7);
		if (db_col_u64(&row, 8, &status_code))
			json_object_object_add(doc, "status", json_object_new_string(
			    status_code == 1 ? "success" : "reverted"));
		else
			json_object_object_add(doc, "status", NULL);
		ledger_json_u64(doc, "gas_used", &row, 9);
		ledger_json_hex(doc, "input_head", row.val[10], row.len[10]);
		ledger_json_u64(doc, "timestamp", &row, 12);
		chains_json_confirmed(doc, have_confirmed, confirmed, block);
	}
	db_done(db, ST_CHAIN_TX_GET);
	if (r == 0)
		return cr_not_found(resp, "transaction_not_found",
		    "no such transaction is synced", "hash", req->params[1], req->param_len[1]);
	if (doc == NULL)
		return http_internal_error(resp, "chains_transaction", CB_ERR_DB);
	status = http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}

/* -------------------------------------------------------------------- logs */

struct logs_query {
	uint64_t	 chain_id;
	bool		 have_address;
	struct address	 address;
	bool		 have_topic0;
	uint8_t		 topic0[32];
	uint64_t	 from_block, to_block;
	bool		 empty;		/* nothing synced and no range given */
	struct cr_page	 page;
};

/* An optional block number query parameter; *have false when absent. */
static int
logs_block_or_reply(struct req *req, struct resp *resp, const char *key, bool *have,
    uint64_t *out)
{
	const char *s;
	size_t n;

	*have = req_query(req, key, &s, &n);
	if (!*have)
		return 0;
	return cr_u64_or_reply(resp, s, n, CR_BLOCK_MAX, key, "invalid_block_number", out);
}

/*
 * The range: to_block defaults to from_block + cap - 1 when from_block is
 * given, else to the last synced block; from_block defaults to to_block -
 * cap + 1 (at least 0).  At most [api] logs_max_blocks blocks.
 */
static int
logs_query_or_reply(struct req *req, struct resp *resp, const struct cr_checkpoint *cp,
    struct logs_query *q)
{
	uint64_t cap = req->w->cfg->api.logs_max_blocks;
	const char *s;
	size_t n;
	bool have_from, have_to;
	json_object *d;
	int status;

	if ((status = cr_query_address_or_reply(req, resp, "address", &q->address,
	    &q->have_address)) != 0 ||
	    (status = logs_block_or_reply(req, resp, "from_block", &have_from,
	    &q->from_block)) != 0 ||
	    (status = logs_block_or_reply(req, resp, "to_block", &have_to, &q->to_block)) != 0)
		return status;
	if (req_query(req, "topic0", &s, &n)) {
		if ((status = cr_hash_or_reply(resp, s, n, "topic0", "invalid_topic",
		    q->topic0)) != 0)
			return status;
		q->have_topic0 = true;
	}
	if ((status = cr_page_or_reply(req, resp, &q->page)) != 0)
		return status;
	if (!have_to) {
		if (have_from)
			q->to_block = q->from_block > CR_BLOCK_MAX - (cap - 1) ? CR_BLOCK_MAX :
			    q->from_block + (cap - 1);
		else if (cp->has_last)
			q->to_block = cp->last_block;
		else
			q->empty = true;
	}
	if (!have_from)
		q->from_block = q->to_block >= cap - 1 ? q->to_block - (cap - 1) : 0;
	if (q->to_block < q->from_block) {
		struct json_verr err;

		json_verr_set(&err, "to_block", "invalid_range",
		    "to_block must not be below from_block");
		return http_error_verr(resp, &err);
	}
	if (q->to_block - q->from_block >= cap) {
		d = json_object_new_object();
		json_object_object_add(d, "field", json_object_new_string("to_block"));
		json_object_object_add(d, "max_blocks", json_object_new_uint64(cap));
		status = http_error(resp, 400, "range_too_large",
		    "the block range is larger than the configured maximum", d);
		json_object_put(d);
		return status;
	}
	return 0;
}

/* One log object from a LOG_COLS row; NULL when the row is malformed. */
static json_object *
logs_item(const struct db_row *row, struct cr_pos *pos)
{
	json_object *e, *topics;
	uint64_t count, i;

	/* 0 address, 1 topic_count, 2..5 topics, 6 data, 7 block, 8 block hash,
	 * 9 tx hash, 10 tx_index, 11 log_index, 12 removed */
	if (!db_col_u64(row, 1, &count) || count > 4 || !db_col_u64(row, 7, &pos->block) ||
	    !db_col_u64(row, 11, &pos->index) || row->val[6] == NULL)
		return NULL;
	e = json_object_new_object();
	ledger_json_address(e, "address", row->val[0], row->len[0]);
	topics = json_object_new_array();
	for (i = 0; i < count; i++) {
		json_object_array_add(topics, cr_hex_value(row->val[2 + i], row->len[2 + i]));
	}
	json_object_object_add(e, "topics", topics);
	ledger_json_hex(e, "data", row->val[6], row->len[6]);
	json_object_object_add(e, "block", json_object_new_uint64(pos->block));
	cr_json_hash(e, "block_hash", row->val[8], row->len[8]);
	cr_json_hash(e, "tx_hash", row->val[9], row->len[9]);
	ledger_json_u64(e, "tx_index", row, 10);
	json_object_object_add(e, "log_index", json_object_new_uint64(pos->index));
	cr_json_bool(e, "removed", row->val[12], row->len[12]);
	return e;
}

int
h_chains_logs(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct cr_checkpoint cp;
	struct logs_query q;
	struct db_row row;
	struct cr_pos start, last = { 0, 0 };
	json_object *doc = NULL, *list, *e;
	struct db_param t0;
	unsigned idx, count = 0;
	enum cb_err rc;
	bool more = false;
	int status, r;

	memset(&q, 0, sizeof(q));
	if ((status = cr_chain_or_reply(req, resp, &q.chain_id, &cp)) != 0 ||
	    (status = logs_query_or_reply(req, resp, &cp, &q)) != 0)
		return status;
	doc = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(doc, "logs", list);
	if (q.empty)
		goto done;
	/* The cursor is the next position to read: (block, log index). */
	start.block = q.from_block;
	start.index = 0;
	if (q.page.have_cursor && (q.page.cursor.block > start.block ||
	    (q.page.cursor.block == start.block && q.page.cursor.index > 0)))
		start = q.page.cursor;
	if (start.block > q.to_block)
		goto done;
	t0 = q.have_topic0 ? DB_BLOB(q.topic0, 32) : DB_NULL();
	if (q.have_address) {
		idx = ST_CHAIN_LOGS_ADDRESS;
		rc = DB_EXEC(db, idx, DB_U64(q.chain_id), DB_BLOB(q.address.bytes, ADDRESS_LEN),
		    DB_U64(start.block), DB_U64(q.to_block), DB_U64(start.block),
		    DB_U64(start.index), t0, t0, DB_U64((uint64_t)q.page.limit + 1));
	} else {
		idx = ST_CHAIN_LOGS;
		rc = DB_EXEC(db, idx, DB_U64(q.chain_id), DB_U64(start.block),
		    DB_U64(q.to_block), DB_U64(start.block), DB_U64(start.index), t0, t0,
		    DB_U64((uint64_t)q.page.limit + 1));
	}
	if (rc != CB_OK) {
		status = http_internal_error(resp, "chains_logs", rc);
		goto out;
	}
	while ((r = db_fetch(db, idx, &row)) == 1) {
		if (count == q.page.limit) {
			more = true;
			continue;
		}
		if ((e = logs_item(&row, &last)) == NULL) {
			r = -1;
			break;
		}
		json_object_array_add(list, e);
		count++;
	}
	db_done(db, idx);
	if (r < 0) {
		status = http_internal_error(resp, "chains_logs", CB_ERR_DB);
		goto out;
	}
	/* Continue after the last log returned. */
	if (last.index >= CR_INDEX_MAX) {
		last.block++;
		last.index = 0;
	} else {
		last.index++;
	}
done:
	cr_json_next_cursor(doc, more, &last);
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}
