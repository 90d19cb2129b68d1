/*
 * operations.c - GET /api/v1/operations/{operation_id}: an operation and
 * the settlement status of each of its changes (docs/api.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

/*
 * Progress of a change, least advanced first; the operation shows its
 * least advanced change, or "failed" when any failed.
 */
static const char *const operation_stages[] = {
	"awaiting_wallet", "recorded", "batched", "submitted", "confirmed",
};

static int
operation_stage(const char *status)
{
	size_t i;

	for (i = 0; i < sizeof(operation_stages) / sizeof(operation_stages[0]); i++)
		if (strcmp(operation_stages[i], status) == 0)
			return (int)i;
	return -1;
}

/* One change from an ST_OPERATION_CHANGES row; false when malformed. */
static bool
operation_change(const struct db_row *row, json_object *list, int *stage, bool *failed)
{
	json_object *e;
	uint64_t pos, decimals;
	int st;

	if (!db_col_u64(row, CHANGE_COL_POSITION, &pos) ||
	    !db_col_u64(row, CHANGE_COL_DECIMALS, &decimals) ||
	    decimals > AMOUNT_DECIMALS_MAX || row->val[CHANGE_COL_STATUS] == NULL)
		return false;
	e = json_object_new_object();
	json_object_object_add(e, "position", json_object_new_uint64(pos));
	ledger_json_str(e, "user_id", row->val[CHANGE_COL_USER_ID], row->len[CHANGE_COL_USER_ID]);
	ledger_json_str(e, "token_symbol", row->val[CHANGE_COL_SYMBOL],
	    row->len[CHANGE_COL_SYMBOL]);
	if (!ledger_json_amount(e, "amount", row->val[CHANGE_COL_AMOUNT],
	    row->len[CHANGE_COL_AMOUNT], (unsigned)decimals, true) ||
	    !ledger_json_amount(e, "balance_before", row->val[CHANGE_COL_BALANCE_BEFORE],
	    row->len[CHANGE_COL_BALANCE_BEFORE], (unsigned)decimals, false) ||
	    !ledger_json_amount(e, "balance_after", row->val[CHANGE_COL_BALANCE_AFTER],
	    row->len[CHANGE_COL_BALANCE_AFTER], (unsigned)decimals, false)) {
		json_object_put(e);
		return false;
	}
	ledger_json_str(e, "reason_type", row->val[CHANGE_COL_REASON_TYPE],
	    row->len[CHANGE_COL_REASON_TYPE]);
	ledger_json_str(e, "reason_detail", row->val[CHANGE_COL_REASON_DETAIL],
	    row->len[CHANGE_COL_REASON_DETAIL]);
	ledger_json_raw(e, "metadata", row->val[CHANGE_COL_METADATA],
	    row->len[CHANGE_COL_METADATA]);
	ledger_json_str(e, "sync_status", row->val[CHANGE_COL_STATUS],
	    row->len[CHANGE_COL_STATUS]);
	ledger_json_u64(e, "settlement_batch_id", row, CHANGE_COL_BATCH_ID);
	ledger_json_hex(e, "blockchain_tx", row->val[CHANGE_COL_TX_HASH],
	    row->len[CHANGE_COL_TX_HASH]);
	ledger_json_str(e, "error", row->val[CHANGE_COL_SETTLE_ERROR],
	    row->len[CHANGE_COL_SETTLE_ERROR]);
	ledger_json_str(e, "updated_at", row->val[CHANGE_COL_UPDATED_AT],
	    row->len[CHANGE_COL_UPDATED_AT]);
	json_object_array_add(list, e);
	if (strcmp(row->val[CHANGE_COL_STATUS], "failed") == 0)
		*failed = true;
	else if ((st = operation_stage(row->val[CHANGE_COL_STATUS])) >= 0 &&
	    (*stage < 0 || st < *stage))
		*stage = st;
	return true;
}

int
h_operations_get(struct req *req, struct resp *resp)
{
	json_object *doc = NULL, *list, *d;
	struct db *db = req->w->db;
	struct db_row row;
	struct json_verr err;
	char uuid[37];
	uint64_t op_id, count;
	enum cb_err rc;
	bool failed = false;
	int status, r, stage = -1;

	if (!ledger_operation_id_parse(req->params[0], req->param_len[0], uuid)) {
		json_verr_set(&err, "operation_id", "invalid_operation_id",
		    "operation_id must be a UUID (optionally prefixed with op_)");
		return http_error_verr(resp, &err);
	}
	if ((rc = DB_EXEC(db, ST_OPERATION_GET, DB_CSTR(uuid))) != CB_OK)
		return http_internal_error(resp, "operation_get", rc);
	r = db_fetch(db, ST_OPERATION_GET, &row);
	if (r == 0) {
		db_done(db, ST_OPERATION_GET);
		d = json_object_new_object();
		json_object_object_add(d, "operation_id", json_object_new_string(uuid));
		status = http_error(resp, 404, "operation_not_found", "no such operation", d);
		json_object_put(d);
		return status;
	}
	if (r < 0 || !db_col_u64(&row, OPERATION_COL_ID, &op_id) ||
	    !db_col_u64(&row, OPERATION_COL_CHANGES_COUNT, &count)) {
		db_done(db, ST_OPERATION_GET);
		return http_internal_error(resp, "operation_get", CB_ERR_DB);
	}
	doc = json_object_new_object();
	ledger_json_str(doc, "operation_id", row.val[OPERATION_COL_UUID],
	    row.len[OPERATION_COL_UUID]);
	json_object_object_add(doc, "status", json_object_new_string("recorded"));
	ledger_json_str(doc, "kind", row.val[OPERATION_COL_KIND], row.len[OPERATION_COL_KIND]);
	ledger_json_str(doc, "batch_id", row.val[OPERATION_COL_CLIENT_BATCH_ID],
	    row.len[OPERATION_COL_CLIENT_BATCH_ID]);
	ledger_json_str(doc, "priority", row.val[OPERATION_COL_PRIORITY],
	    row.len[OPERATION_COL_PRIORITY]);
	ledger_json_raw(doc, "context", row.val[OPERATION_COL_CONTEXT],
	    row.len[OPERATION_COL_CONTEXT]);
	json_object_object_add(doc, "adjustments_count", json_object_new_uint64(count));
	ledger_json_str(doc, "created_at", row.val[OPERATION_COL_CREATED_AT],
	    row.len[OPERATION_COL_CREATED_AT]);
	db_done(db, ST_OPERATION_GET);

	if ((rc = DB_EXEC(db, ST_OPERATION_CHANGES, DB_U64(op_id))) != CB_OK) {
		status = http_internal_error(resp, "operation_changes", rc);
		goto out;
	}
	list = json_object_new_array();
	while ((r = db_fetch(db, ST_OPERATION_CHANGES, &row)) == 1) {
		if (!operation_change(&row, list, &stage, &failed)) {
			r = -1;
			break;
		}
	}
	db_done(db, ST_OPERATION_CHANGES);
	if (r < 0) {
		json_object_put(list);
		status = http_internal_error(resp, "operation_changes", CB_ERR_DB);
		goto out;
	}
	json_object_object_add(doc, "sync_status", json_object_new_string(failed ? "failed" :
	    stage >= 0 ? operation_stages[stage] : "recorded"));
	json_object_object_add(doc, "changes", list);
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}
