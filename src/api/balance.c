/*
 * balance.c - GET /api/v1/balance/{user_id} and
 * GET /api/v1/balance/{user_id}/history (docs/api.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

#define HISTORY_DEFAULT_LIMIT	20

/* The {user_id} path parameter; 0 or the 400 it answered with. */
static int
balance_user_or_reply(struct req *req, struct resp *resp)
{
	struct json_verr err;

	if (ledger_user_id_valid(req->params[0], req->param_len[0]))
		return 0;
	json_verr_set(&err, "user_id", "invalid_user_id",
	    "user_id: 1..128 characters of A-Z a-z 0-9 _ . : @ -");
	return http_error_verr(resp, &err);
}

/*
 * The optional token_symbol query parameter: *have false when absent.  An
 * unknown symbol is 400 unknown_token (the same answer as in a write).
 */
static int
balance_token_or_reply(struct req *req, struct resp *resp, struct token *tok, bool *have)
{
	struct json_verr err;
	const char *s;
	size_t n;
	enum cb_err rc;

	*have = false;
	if (!req_query(req, "token_symbol", &s, &n))
		return 0;
	rc = CB_ERR_NOT_FOUND;
	if (registry_symbol_valid(s, n))
		rc = ledger_token_get(req->w->db, s, n, tok);
	if (rc == CB_ERR_NOT_FOUND) {
		json_verr_set(&err, "token_symbol", "unknown_token",
		    "no token is registered with this symbol");
		return http_error_verr(resp, &err);
	}
	if (rc != CB_OK)
		return http_internal_error(resp, "balance_token", rc);
	*have = true;
	return 0;
}

/* One entry of "balances" from a BALANCE_COLS row. */
static enum cb_err
balance_entry(struct req *req, const struct db_row *row, json_object *list)
{
	json_object *e = json_object_new_object();
	struct amount confirmed, pending, diff;
	struct token tok;
	uint64_t decimals;
	char when[32], text[AMOUNT_STR_MAX];
	int64_t est;
	enum cb_err rc = CB_ERR_DB;

	if (!db_col_u64(row, BALANCE_COL_DECIMALS, &decimals) ||
	    decimals > AMOUNT_DECIMALS_MAX || row->val[BALANCE_COL_CONFIRMED] == NULL ||
	    row->val[BALANCE_COL_PENDING] == NULL ||
	    amount_from_db(&confirmed, row->val[BALANCE_COL_CONFIRMED],
	    row->len[BALANCE_COL_CONFIRMED]) != 0 ||
	    amount_from_db(&pending, row->val[BALANCE_COL_PENDING],
	    row->len[BALANCE_COL_PENDING]) != 0 ||
	    amount_sub(&diff, &pending, &confirmed) != 0)
		goto out;
	ledger_json_str(e, "token_symbol", row->val[BALANCE_COL_SYMBOL],
	    row->len[BALANCE_COL_SYMBOL]);
	ledger_json_amount(e, "confirmed_balance", row->val[BALANCE_COL_CONFIRMED],
	    row->len[BALANCE_COL_CONFIRMED], (unsigned)decimals, false);
	ledger_json_amount(e, "pending_balance", row->val[BALANCE_COL_PENDING],
	    row->len[BALANCE_COL_PENDING], (unsigned)decimals, false);
	amount_format(&diff, (unsigned)decimals, true, text, sizeof(text));
	json_object_object_add(e, "pending_changes", json_object_new_string(text));
	ledger_json_str(e, "last_sync_time", row->val[BALANCE_COL_LAST_SYNC_AT],
	    row->len[BALANCE_COL_LAST_SYNC_AT]);
	if (amount_is_zero(&diff)) {
		json_object_object_add(e, "next_sync_estimate", NULL);
	} else {
		if ((rc = ledger_token_get(req->w->db, row->val[BALANCE_COL_SYMBOL],
		    row->len[BALANCE_COL_SYMBOL], &tok)) != CB_OK ||
		    (rc = ledger_token_estimate(req->w->db, req->w->cfg, &tok, &est)) != CB_OK)
			goto out;
		ledger_iso_time(est, when, sizeof(when));
		json_object_object_add(e, "next_sync_estimate", json_object_new_string(when));
	}
	json_object_array_add(list, e);
	return CB_OK;
out:
	json_object_put(e);
	return rc;
}

int
h_balance_get(struct req *req, struct resp *resp)
{
	json_object *doc = NULL, *list;
	struct db *db = req->w->db;
	struct token tok;
	struct db_row row;
	enum cb_err rc;
	unsigned idx;
	bool have;
	int status, r, nrows = 0;

	if ((status = balance_user_or_reply(req, resp)) != 0 ||
	    (status = balance_token_or_reply(req, resp, &tok, &have)) != 0)
		return status;
	if (have)
		rc = DB_EXEC(db, ST_BALANCE_GET, DB_STR(req->params[0], req->param_len[0]),
		    DB_U64(tok.id));
	else
		rc = DB_EXEC(db, ST_BALANCE_LIST, DB_STR(req->params[0], req->param_len[0]));
	if (rc != CB_OK)
		return http_internal_error(resp, "balance_get", rc);
	idx = have ? ST_BALANCE_GET : ST_BALANCE_LIST;
	doc = json_object_new_object();
	ledger_json_str(doc, "user_id", req->params[0], req->param_len[0]);
	list = json_object_new_array();
	json_object_object_add(doc, "balances", list);
	while ((r = db_fetch(db, idx, &row)) == 1) {
		if ((rc = balance_entry(req, &row, list)) != CB_OK)
			break;
		nrows++;
	}
	db_done(db, idx);
	if (r < 0)
		rc = CB_ERR_DB;
	if (rc != CB_OK) {
		status = http_internal_error(resp, "balance_get", rc);
		goto out;
	}
	if (have && nrows == 0) {
		/* A registered token the user never touched: all zero. */
		json_object *e = json_object_new_object();

		json_object_object_add(e, "token_symbol", json_object_new_string(tok.symbol));
		json_object_object_add(e, "confirmed_balance", json_object_new_string("0.0"));
		json_object_object_add(e, "pending_balance", json_object_new_string("0.0"));
		json_object_object_add(e, "pending_changes", json_object_new_string("0.0"));
		json_object_object_add(e, "last_sync_time", NULL);
		json_object_object_add(e, "next_sync_estimate", NULL);
		json_object_array_add(list, e);
	}
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}

/* One history item from a HISTORY_COLS row; false on a malformed row. */
static bool
balance_history_item(const struct db_row *row, json_object *list, uint64_t *id)
{
	json_object *e;
	uint64_t decimals;

	if (!db_col_u64(row, HISTORY_COL_ID, id) ||
	    !db_col_u64(row, HISTORY_COL_DECIMALS, &decimals) ||
	    decimals > AMOUNT_DECIMALS_MAX)
		return false;
	e = json_object_new_object();
	ledger_json_str(e, "operation_id", row->val[HISTORY_COL_OPERATION_UUID],
	    row->len[HISTORY_COL_OPERATION_UUID]);
	ledger_json_str(e, "timestamp", row->val[HISTORY_COL_CREATED_AT],
	    row->len[HISTORY_COL_CREATED_AT]);
	ledger_json_str(e, "token_symbol", row->val[HISTORY_COL_SYMBOL],
	    row->len[HISTORY_COL_SYMBOL]);
	if (!ledger_json_amount(e, "amount", row->val[HISTORY_COL_AMOUNT],
	    row->len[HISTORY_COL_AMOUNT], (unsigned)decimals, true) ||
	    !ledger_json_amount(e, "balance_before", row->val[HISTORY_COL_BALANCE_BEFORE],
	    row->len[HISTORY_COL_BALANCE_BEFORE], (unsigned)decimals, false) ||
	    !ledger_json_amount(e, "balance_after", row->val[HISTORY_COL_BALANCE_AFTER],
	    row->len[HISTORY_COL_BALANCE_AFTER], (unsigned)decimals, false)) {
		json_object_put(e);
		return false;
	}
	ledger_json_str(e, "reason_type", row->val[HISTORY_COL_REASON_TYPE],
	    row->len[HISTORY_COL_REASON_TYPE]);
	ledger_json_str(e, "reason_detail", row->val[HISTORY_COL_REASON_DETAIL],
	    row->len[HISTORY_COL_REASON_DETAIL]);
	ledger_json_raw(e, "metadata", row->val[HISTORY_COL_METADATA],
	    row->len[HISTORY_COL_METADATA]);
	ledger_json_str(e, "sync_status", row->val[HISTORY_COL_STATUS],
	    row->len[HISTORY_COL_STATUS]);
	ledger_json_hex(e, "blockchain_tx", row->val[HISTORY_COL_TX_HASH],
	    row->len[HISTORY_COL_TX_HASH]);
	ledger_json_u64(e, "settlement_batch_id", row, HISTORY_COL_BATCH_ID);
	json_object_array_add(list, e);
	return true;
}

int
h_balance_history(struct req *req, struct resp *resp)
{
	json_object *doc = NULL, *list;
	struct db *db = req->w->db;
	struct token tok;
	struct db_row row;
	uint64_t before, id = 0;
	unsigned limit, idx, count = 0;
	char cursor[24];
	enum cb_err rc;
	bool have, more = false;
	int status, r;

	if ((status = balance_user_or_reply(req, resp)) != 0 ||
	    (status = balance_token_or_reply(req, resp, &tok, &have)) != 0 ||
	    (status = ledger_page_or_reply(req, resp, HISTORY_DEFAULT_LIMIT,
	    req->w->cfg->api.history_max_limit, &limit, &before)) != 0)
		return status;
	/* One row more than asked tells whether there is a next page. */
	if (have) {
		idx = ST_HISTORY_USER_TOKEN;
		rc = DB_EXEC(db, idx, DB_STR(req->params[0], req->param_len[0]),
		    DB_U64(tok.id), DB_U64(before), DB_U64((uint64_t)limit + 1));
	} else {
		idx = ST_HISTORY_USER;
		rc = DB_EXEC(db, idx, DB_STR(req->params[0], req->param_len[0]),
		    DB_U64(before), DB_U64((uint64_t)limit + 1));
	}
	if (rc != CB_OK)
		return http_internal_error(resp, "balance_history", rc);
	doc = json_object_new_object();
	ledger_json_str(doc, "user_id", req->params[0], req->param_len[0]);
	if (have)
		json_object_object_add(doc, "token_symbol", json_object_new_string(tok.symbol));
	else
		json_object_object_add(doc, "token_symbol", NULL);
	list = json_object_new_array();
	json_object_object_add(doc, "history", list);
	while ((r = db_fetch(db, idx, &row)) == 1) {
		if (count == limit) {
			more = true;
			continue;
		}
		if (!balance_history_item(&row, list, &id)) {
			rc = CB_ERR_DB;
			break;
		}
		count++;
	}
	db_done(db, idx);
	if (r < 0 || rc != CB_OK) {
		status = http_internal_error(resp, "balance_history", CB_ERR_DB);
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
