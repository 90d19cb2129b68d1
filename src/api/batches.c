/*
 * batches.c - GET /api/v1/batches and GET /api/v1/batches/{id}: the
 * settlement batches of the chain daemon (docs/api.md, docs/settlement.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

#define BATCHES_DEFAULT_LIMIT	20

static const char *const batch_statuses[] = {
	"pending", "signed", "submitted", "mined", "confirmed", "failed", NULL
};

/* A batch object from a BATCH_COLS row; NULL when the row is malformed. */
static json_object *
batch_json(const struct db_row *row, uint64_t *id)
{
	json_object *e;
	uint64_t decimals;

	if (!db_col_u64(row, BATCH_COL_ID, id) ||
	    !db_col_u64(row, BATCH_COL_DECIMALS, &decimals) ||
	    decimals > AMOUNT_DECIMALS_MAX)
		return NULL;
	e = json_object_new_object();
	json_object_object_add(e, "id", json_object_new_uint64(*id));
	ledger_json_u64(e, "round_id", row, BATCH_COL_ROUND_ID);
	ledger_json_col(e, "token_symbol", row, BATCH_COL_SYMBOL);
	ledger_json_u64(e, "chain_id", row, BATCH_COL_CHAIN_ID);
	ledger_json_col(e, "op", row, BATCH_COL_OP);
	ledger_json_col(e, "status", row, BATCH_COL_STATUS);
	ledger_json_col(e, "trigger_reason", row, BATCH_COL_TRIGGER_REASON);
	ledger_json_u64(e, "items_count", row, BATCH_COL_ITEMS_COUNT);
	if (!ledger_json_amount(e, "total", row->val[BATCH_COL_TOTAL], row->len[BATCH_COL_TOTAL],
	    (unsigned)decimals, false)) {
		json_object_put(e);
		return NULL;
	}
	ledger_json_col_hex(e, "batch_key", row, BATCH_COL_BATCH_KEY);
	ledger_json_col_address(e, "signer", row, BATCH_COL_SIGNER);
	ledger_json_u64(e, "nonce", row, BATCH_COL_NONCE);
	ledger_json_u64(e, "gas_limit", row, BATCH_COL_GAS_LIMIT);
	ledger_json_u64(e, "gas_used", row, BATCH_COL_GAS_USED);
	ledger_json_col_hex(e, "tx_hash", row, BATCH_COL_TX_HASH);
	ledger_json_u64(e, "block_number", row, BATCH_COL_BLOCK_NUMBER);
	ledger_json_col_hex(e, "block_hash", row, BATCH_COL_BLOCK_HASH);
	ledger_json_u64(e, "revert_count", row, BATCH_COL_REVERT_COUNT);
	ledger_json_col(e, "last_error", row, BATCH_COL_LAST_ERROR);
	ledger_json_col(e, "created_at", row, BATCH_COL_CREATED_AT);
	ledger_json_col(e, "submitted_at", row, BATCH_COL_SUBMITTED_AT);
	ledger_json_col(e, "confirmed_at", row, BATCH_COL_CONFIRMED_AT);
	ledger_json_col(e, "updated_at", row, BATCH_COL_UPDATED_AT);
	return e;
}

int
h_batches_list(struct req *req, struct resp *resp)
{
	json_object *doc = NULL, *list, *e;
	struct db *db = req->w->db;
	struct json_verr err;
	struct token tok;
	struct db_row row;
	const char *sym = NULL, *status_s = NULL;
	size_t sym_len = 0, status_len = 0, i;
	uint64_t before, id = 0;
	unsigned limit, idx, count = 0;
	char cursor[24];
	enum cb_err rc;
	bool more = false;
	int status, r;

	if ((status = ledger_page_or_reply(req, resp, BATCHES_DEFAULT_LIMIT,
	    req->w->cfg->api.history_max_limit, &limit, &before)) != 0)
		return status;
	if (req_query(req, "token_symbol", &sym, &sym_len)) {
		rc = CB_ERR_NOT_FOUND;
		if (registry_symbol_valid(sym, sym_len))
			rc = ledger_token_get(db, sym, sym_len, &tok);
		if (rc == CB_ERR_NOT_FOUND) {
			json_verr_set(&err, "token_symbol", "unknown_token",
			    "no token is registered with this symbol");
			return http_error_verr(resp, &err);
		}
		if (rc != CB_OK)
			return http_internal_error(resp, "batches_token", rc);
	}
	if (req_query(req, "status", &status_s, &status_len)) {
		for (i = 0; batch_statuses[i] != NULL; i++)
			if (strlen(batch_statuses[i]) == status_len &&
			    memcmp(batch_statuses[i], status_s, status_len) == 0)
				break;
		if (batch_statuses[i] == NULL) {
			json_verr_set(&err, "status", "invalid_status",
			    "status must be one of pending, signed, submitted, mined,"
			    " confirmed, failed");
			return http_error_verr(resp, &err);
		}
	}
	if (sym != NULL && status_s != NULL) {
		idx = ST_BATCH_LIST_TOKEN_STATUS;
		rc = DB_EXEC(db, idx, DB_U64(tok.id), DB_STR(status_s, status_len),
		    DB_U64(before), DB_U64((uint64_t)limit + 1));
	} else if (sym != NULL) {
		idx = ST_BATCH_LIST_TOKEN;
		rc = DB_EXEC(db, idx, DB_U64(tok.id), DB_U64(before),
		    DB_U64((uint64_t)limit + 1));
	} else if (status_s != NULL) {
		idx = ST_BATCH_LIST_STATUS;
		rc = DB_EXEC(db, idx, DB_STR(status_s, status_len), DB_U64(before),
		    DB_U64((uint64_t)limit + 1));
	} else {
		idx = ST_BATCH_LIST;
		rc = DB_EXEC(db, idx, DB_U64(before), DB_U64((uint64_t)limit + 1));
	}
	if (rc != CB_OK)
		return http_internal_error(resp, "batches_list", rc);
	doc = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(doc, "batches", list);
	while ((r = db_fetch(db, idx, &row)) == 1) {
		if (count == limit) {
			more = true;
			continue;
		}
		if ((e = batch_json(&row, &id)) == NULL) {
			r = -1;
			break;
		}
		json_object_array_add(list, e);
		count++;
	}
	db_done(db, idx);
	if (r < 0) {
		status = http_internal_error(resp, "batches_list", CB_ERR_DB);
		goto out;
	}
	if (more) {
		ledger_cursor_encode(id, cursor);
		json_object_object_add(doc, "next_cursor", json_object_new_string(cursor));
	} else {
		json_object_object_add(doc, "next_cursor", NULL);
	}
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}

/* Adds the batch's items and attempts to doc. */
static enum cb_err
batch_details(struct db *db, uint64_t id, unsigned decimals, json_object *doc)
{
	json_object *items = json_object_new_array(), *attempts = json_object_new_array(), *e;
	struct db_row row;
	enum cb_err rc;
	int r;

	json_object_object_add(doc, "items", items);
	json_object_object_add(doc, "attempts", attempts);
	if ((rc = DB_EXEC(db, ST_BATCH_ITEMS, DB_U64(id))) != CB_OK)
		return rc;
	while ((r = db_fetch(db, ST_BATCH_ITEMS, &row)) == 1) {
		e = json_object_new_object();
		ledger_json_col_address(e, "wallet", &row, BATCH_ITEM_COL_WALLET);
		if (!ledger_json_amount(e, "amount", row.val[BATCH_ITEM_COL_AMOUNT],
		    row.len[BATCH_ITEM_COL_AMOUNT], decimals, false)) {
			json_object_put(e);
			r = -1;
			break;
		}
		json_object_array_add(items, e);
	}
	db_done(db, ST_BATCH_ITEMS);
	if (r < 0)
		return CB_ERR_DB;
	if ((rc = DB_EXEC(db, ST_BATCH_ATTEMPTS, DB_U64(id))) != CB_OK)
		return rc;
	/* Fees are wei as decimal strings. */
	while ((r = db_fetch(db, ST_BATCH_ATTEMPTS, &row)) == 1) {
		e = json_object_new_object();
		ledger_json_u64(e, "id", &row, ATTEMPT_COL_ID);
		ledger_json_u64(e, "nonce", &row, ATTEMPT_COL_NONCE);
		ledger_json_col_hex(e, "tx_hash", &row, ATTEMPT_COL_TX_HASH);
		ledger_json_col(e, "max_fee_per_gas", &row, ATTEMPT_COL_MAX_FEE);
		ledger_json_col(e, "max_priority_fee_per_gas", &row, ATTEMPT_COL_MAX_PRIORITY_FEE);
		ledger_json_u64(e, "gas_limit", &row, ATTEMPT_COL_GAS_LIMIT);
		ledger_json_col(e, "status", &row, ATTEMPT_COL_STATUS);
		ledger_json_col(e, "error", &row, ATTEMPT_COL_SEND_ERROR);
		ledger_json_col(e, "created_at", &row, ATTEMPT_COL_CREATED_AT);
		ledger_json_col(e, "sent_at", &row, ATTEMPT_COL_SENT_AT);
		json_object_array_add(attempts, e);
	}
	db_done(db, ST_BATCH_ATTEMPTS);
	if (r < 0)
		return CB_ERR_DB;
	if ((rc = DB_EXEC(db, ST_BATCH_CHANGES_COUNT, DB_U64(id))) != CB_OK)
		return rc;
	if (db_fetch(db, ST_BATCH_CHANGES_COUNT, &row) == 1)
		ledger_json_u64(doc, "changes_count", &row, SCALAR_COL_VALUE);
	db_done(db, ST_BATCH_CHANGES_COUNT);
	return CB_OK;
}

int
h_batches_get(struct req *req, struct resp *resp)
{
	json_object *doc = NULL, *d;
	struct db *db = req->w->db;
	struct json_verr err;
	struct db_row row;
	const char *s = req->params[0];
	size_t n = req->param_len[0], i;
	uint64_t id = 0, decimals;
	enum cb_err rc;
	int status, r;

	for (i = 0; i < n && i < 19; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		id = id * 10 + (uint64_t)(s[i] - '0');
	}
	if (n == 0 || i != n || id == 0 || s[0] == '0') {
		json_verr_set(&err, "id", "invalid_id", "a batch id is a positive integer");
		return http_error_verr(resp, &err);
	}
	if ((rc = DB_EXEC(db, ST_BATCH_GET, DB_U64(id))) != CB_OK)
		return http_internal_error(resp, "batches_get", rc);
	r = db_fetch(db, ST_BATCH_GET, &row);
	if (r == 1 && db_col_u64(&row, BATCH_COL_DECIMALS, &decimals))
		doc = batch_json(&row, &id);
	db_done(db, ST_BATCH_GET);
	if (r == 0) {
		d = json_object_new_object();
		json_object_object_add(d, "id", json_object_new_uint64(id));
		status = http_error(resp, 404, "batch_not_found", "no such batch", d);
		json_object_put(d);
		return status;
	}
	if (doc == NULL)
		return http_internal_error(resp, "batches_get", CB_ERR_DB);
	if ((rc = batch_details(db, id, (unsigned)decimals, doc)) != CB_OK) {
		status = http_internal_error(resp, "batches_get", rc);
		goto out;
	}
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}
