/*
 * balance.c - GET /api/v1/balance/{user_id} and
 * GET /api/v1/balance/{user_id}/history (docs/api.md).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
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

/*
 * GET /balance answers for every user of every client, so its body is
 * written straight into the response (no json-c tree), and the store
 * neither sorts nor formats for it: the entries are put in symbol order
 * here and the time is cut from the DATETIME text.
 */
struct balance_item {
	char		 symbol[TOKEN_SYMBOL_MAX + 1];
	size_t		 off, len;	/* the entry's JSON in the entries buffer */
};

static int
balance_item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct balance_item *)a)->symbol,
	    ((const struct balance_item *)b)->symbol);
}

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" (a DATETIME as text) as
 * "YYYY-MM-DDTHH:MM:SSZ"; false when it is not of that form. */
static bool
balance_iso_time(const char *s, size_t len, char out[21])
{
	if (len < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
	    s[16] != ':')
		return false;
	memcpy(out, s, 10);
	out[10] = 'T';
	memcpy(out + 11, s + 11, 8);
	out[19] = 'Z';
	out[20] = '\0';
	return true;
}

/* Appends "key":"<amount>" (amount_format of a) to b. */
static enum cb_err
balance_put_amount(struct buf *b, const char *key, const struct amount *a,
    unsigned decimals, bool with_sign)
{
	char text[AMOUNT_STR_MAX];
	size_t n;
	enum cb_err rc;

	if ((n = amount_format(a, decimals, with_sign, text, sizeof(text))) == 0)
		return CB_ERR_DB;
	if ((rc = buf_puts(b, ",\"")) != CB_OK || (rc = buf_puts(b, key)) != CB_OK ||
	    (rc = buf_puts(b, "\":\"")) != CB_OK || (rc = buf_append(b, text, n)) != CB_OK)
		return rc;
	return buf_putc(b, '"');
}

/* One entry of "balances" from a BALANCE_COLS row, appended to b. */
static enum cb_err
balance_entry(struct req *req, const struct db_row *row, struct buf *b)
{
	struct amount confirmed, pending, diff;
	struct token tok;
	uint64_t decimals;
	char when[32];
	int64_t est;
	enum cb_err rc;

	if (!db_col_u64(row, BALANCE_COL_DECIMALS, &decimals) ||
	    decimals > AMOUNT_DECIMALS_MAX || row->val[BALANCE_COL_SYMBOL] == NULL ||
	    row->val[BALANCE_COL_CONFIRMED] == NULL || row->val[BALANCE_COL_PENDING] == NULL ||
	    amount_from_db(&confirmed, row->val[BALANCE_COL_CONFIRMED],
	    row->len[BALANCE_COL_CONFIRMED]) != 0 ||
	    amount_from_db(&pending, row->val[BALANCE_COL_PENDING],
	    row->len[BALANCE_COL_PENDING]) != 0 ||
	    amount_sub(&diff, &pending, &confirmed) != 0)
		return CB_ERR_DB;
	if ((rc = buf_puts(b, "{\"token_symbol\":")) != CB_OK ||
	    (rc = buf_append_json_string(b, row->val[BALANCE_COL_SYMBOL],
	    row->len[BALANCE_COL_SYMBOL])) != CB_OK ||
	    (rc = balance_put_amount(b, "confirmed_balance", &confirmed, (unsigned)decimals,
	    false)) != CB_OK ||
	    (rc = balance_put_amount(b, "pending_balance", &pending, (unsigned)decimals,
	    false)) != CB_OK ||
	    (rc = balance_put_amount(b, "pending_changes", &diff, (unsigned)decimals,
	    true)) != CB_OK ||
	    (rc = buf_puts(b, ",\"last_sync_time\":")) != CB_OK)
		return rc;
	if (row->val[BALANCE_COL_LAST_SYNC_AT] == NULL)
		rc = buf_puts(b, "null");
	else if (!balance_iso_time(row->val[BALANCE_COL_LAST_SYNC_AT],
	    row->len[BALANCE_COL_LAST_SYNC_AT], when))
		rc = CB_ERR_DB;
	else if ((rc = buf_putc(b, '"')) == CB_OK && (rc = buf_puts(b, when)) == CB_OK)
		rc = buf_putc(b, '"');
	if (rc != CB_OK || (rc = buf_puts(b, ",\"next_sync_estimate\":")) != CB_OK)
		return rc;
	if (amount_is_zero(&diff))
		return buf_puts(b, "null}");
	if ((rc = ledger_token_get(req->w->db, row->val[BALANCE_COL_SYMBOL],
	    row->len[BALANCE_COL_SYMBOL], &tok)) != CB_OK ||
	    (rc = ledger_token_estimate(req->w->db, req->w->cfg, &tok, &est)) != CB_OK)
		return rc;
	ledger_iso_time(est, when, sizeof(when));
	if ((rc = buf_putc(b, '"')) != CB_OK || (rc = buf_puts(b, when)) != CB_OK)
		return rc;
	return buf_puts(b, "\"}");
}

/*
 * The user's entries in symbol order into resp: entries holds each one's
 * text, items says where (n of them).
 */
static enum cb_err
balance_body(struct req *req, struct resp *resp, const struct buf *entries,
    struct balance_item *items, size_t n)
{
	struct buf *b = &resp->body;
	enum cb_err rc;
	size_t i;

	qsort(items, n, sizeof(*items), balance_item_cmp);
	buf_reset(b);
	if ((rc = buf_puts(b, "{\"user_id\":")) != CB_OK ||
	    (rc = buf_append_json_string(b, req->params[0], req->param_len[0])) != CB_OK ||
	    (rc = buf_puts(b, ",\"balances\":[")) != CB_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((i > 0 && (rc = buf_putc(b, ',')) != CB_OK) ||
		    (rc = buf_append(b, entries->data + items[i].off, items[i].len)) != CB_OK)
			return rc;
	return buf_puts(b, "]}");
}

int
h_balance_get(struct req *req, struct resp *resp)
{
	struct buf entries = BUF_INITIALIZER(HTTP_RESP_MAX);
	struct balance_item *items = NULL, *grown;
	struct db *db = req->w->db;
	struct token tok;
	struct db_row row;
	size_t n = 0, cap = 0, len;
	enum cb_err rc;
	unsigned idx;
	bool have;
	int status, r;

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
	while ((r = db_fetch(db, idx, &row)) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			if ((grown = reallocarray(items, cap, sizeof(*items))) == NULL) {
				rc = CB_ERR_NOMEM;
				break;
			}
			items = grown;
		}
		if (row.val[BALANCE_COL_SYMBOL] == NULL ||
		    (len = row.len[BALANCE_COL_SYMBOL]) > TOKEN_SYMBOL_MAX) {
			rc = CB_ERR_DB;
			break;
		}
		memcpy(items[n].symbol, row.val[BALANCE_COL_SYMBOL], len);
		items[n].symbol[len] = '\0';
		items[n].off = entries.len;
		if ((rc = balance_entry(req, &row, &entries)) != CB_OK)
			break;
		items[n].len = entries.len - items[n].off;
		n++;
	}
	db_done(db, idx);
	if (r < 0)
		rc = CB_ERR_DB;
	if (rc == CB_OK && have && n == 0) {
		/* A registered token the user never touched: all zero. */
		struct balance_item zero = { .off = 0 };

		rc = buf_puts(&entries, "{\"token_symbol\":");
		if (rc == CB_OK)
			rc = buf_append_json_string(&entries, tok.symbol, strlen(tok.symbol));
		if (rc == CB_OK)
			rc = buf_puts(&entries, ",\"confirmed_balance\":\"0.0\","
			    "\"pending_balance\":\"0.0\",\"pending_changes\":\"0.0\","
			    "\"last_sync_time\":null,\"next_sync_estimate\":null}");
		zero.len = entries.len;
		if (rc == CB_OK)
			rc = balance_body(req, resp, &entries, &zero, 1);
	} else if (rc == CB_OK) {
		rc = balance_body(req, resp, &entries, items, n);
	}
	status = rc == CB_OK ? http_status(resp, 200) :
	    http_internal_error(resp, "balance_get", rc);
	free(items);
	buf_free(&entries);
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
