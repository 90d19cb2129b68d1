/*
 * adjust.c - POST /api/v1/balance/adjust: signed credits and debits, each
 * with its own token, reason, detail and metadata (docs/api.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "worker.h"

const char *const adjust_keys[] = {
	"adjustments", "batch_id", "priority", NULL
};

static const char *const adjust_row_keys[] = {
	"user_id", "token_symbol", "amount", "reason_type", "reason_detail",
	"metadata", NULL
};

static const struct ledger_lookup adjust_lookup = {
	ledger_token_or_reply, ledger_reason_or_reply
};

/* Validates adjustments[i] into a new change; 0 or the status answered. */
static int
adjust_row_or_reply(struct req *req, struct resp *resp,
    const struct ledger_lookup *look, struct ledger_write *lw, json_object *row,
    size_t i)
{
	const struct api_config *api = &req->w->cfg->api;
	struct ledger_change *c;
	struct json_verr err;
	char path[JSON_PATH_MAX], field[JSON_PATH_MAX];
	json_object *meta;
	const char *s;
	size_t n;
	int status;

	json_path_index(path, sizeof(path), "adjustments", i);
	if (!json_check_keys(row, path, adjust_row_keys, &err))
		return http_error_verr(resp, &err);
	if ((c = ledger_change_add(lw)) == NULL)
		return http_internal_error(resp, "adjust_row", CB_ERR_NOMEM);
	if ((status = ledger_user_id_or_reply(resp, row, path, "user_id", &c->user_id,
	    &c->user_id_len)) != 0)
		return status;
	if (!json_get_string(row, path, "token_symbol", true, 1, 256, &s, &n, &err))
		return http_error_verr(resp, &err);
	json_path_key(field, sizeof(field), path, "token_symbol");
	if ((status = look->token(req, resp, lw, s, n, field, &c->token)) != 0)
		return status;
	if ((status = ledger_amount_or_reply(resp, row, path, "amount", &lw->tokens[c->token],
	    AMOUNT_ALLOW_SIGN | AMOUNT_NONZERO, &c->amount)) != 0)
		return status;
	if (!json_get_string(row, path, "reason_type", true, 1, 256, &s, &n, &err))
		return http_error_verr(resp, &err);
	json_path_key(field, sizeof(field), path, "reason_type");
	if ((status = look->reason(req, resp, lw, s, n, NULL, field, &c->reason)) != 0)
		return status;
	if (!json_get_string(row, path, "reason_detail", false, 0, api->max_reason_detail,
	    &c->detail, &c->detail_len, &err))
		return http_error_verr(resp, &err);
	if (!json_get_object(row, path, "metadata", false, &meta, &err))
		return http_error_verr(resp, &err);
	json_path_key(field, sizeof(field), path, "metadata");
	return ledger_metadata_or_reply(req, resp, lw, c, meta, field);
}

int
adjust_parse_or_reply(struct req *req, struct resp *resp,
    const struct ledger_lookup *look, json_object *doc, struct ledger_write *lw)
{
	const struct api_config *api = &req->w->cfg->api;
	struct json_verr err;
	json_object *rows;
	size_t n, i, max_rows;
	int status;

	if ((status = ledger_options_or_reply(resp, lw, doc)) != 0)
		return status;
	max_rows = api->max_rows < LEDGER_ROWS_HARD_MAX ? api->max_rows : LEDGER_ROWS_HARD_MAX;
	if (!json_get_array(doc, "", "adjustments", true, 1, max_rows, &rows, &n, &err))
		return http_error_verr(resp, &err);
	for (i = 0; i < n; i++)
		if ((status = adjust_row_or_reply(req, resp, look, lw,
		    json_object_array_get_idx(rows, i), i)) != 0)
			return status;
	return 0;
}

int
h_balance_adjust(struct req *req, struct resp *resp)
{
	struct ledger_write lw;
	json_object *doc = NULL;
	int status;

	ledger_write_init(&lw, LEDGER_ADJUST);
	/* A stored answer is returned as it was, before today's rules judge
	 * the body again. */
	if ((status = ledger_replay_or_reply(req, resp)) != 0)
		goto out;
	if ((doc = ledger_body_or_reply(req, resp, adjust_keys)) == NULL) {
		status = resp->status;
		goto out;
	}
	if ((status = adjust_parse_or_reply(req, resp, &adjust_lookup, doc, &lw)) != 0)
		goto out;
	status = ledger_commit_or_reply(req, resp, &lw, "adjustments");
out:
	json_object_put(doc);
	ledger_write_free(&lw);
	return status;
}
