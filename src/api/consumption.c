/*
 * consumption.c - POST /api/v1/consumption/deduct: debits of one token
 * for a service, under the service type's reason when it is registered,
 * else "consumption" (docs/api.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "worker.h"

#define CONSUMPTION_TYPE_MAX	64
#define CONSUMPTION_ID_MAX	128

const char *const consumption_keys[] = {
	"consumption", "deductions", "batch_id", "priority", NULL
};

static const char *const consumption_service_keys[] = {
	"service_type", "service_id", "token_symbol", NULL
};

static const char *const consumption_row_keys[] = {
	"user_id", "amount", "reason", NULL
};

static const char *const consumption_meta_keys[] = {
	"service_type", "service_id"
};

static const struct ledger_lookup consumption_lookup = {
	ledger_token_or_reply, ledger_reason_or_reply
};

int
consumption_parse_or_reply(struct req *req, struct resp *resp,
    const struct ledger_lookup *look, json_object *doc, struct ledger_write *lw)
{
	const struct api_config *api = &req->w->cfg->api;
	struct json_verr err;
	json_object *service, *rows, *row;
	const char *type, *id, *sym, *vals[2];
	size_t type_len, id_len, sym_len, lens[2];
	size_t n, i, max_rows, meta_off, meta_len;
	char path[JSON_PATH_MAX];
	unsigned token, reason;
	int status;

	if (!json_get_object(doc, "", "consumption", true, &service, &err) ||
	    !json_check_keys(service, "consumption", consumption_service_keys, &err) ||
	    !json_get_string(service, "consumption", "service_type", true, 1,
	    CONSUMPTION_TYPE_MAX, &type, &type_len, &err) ||
	    !json_get_string(service, "consumption", "service_id", true, 1,
	    CONSUMPTION_ID_MAX, &id, &id_len, &err) ||
	    !json_get_string(service, "consumption", "token_symbol", true, 1, 256,
	    &sym, &sym_len, &err))
		return http_error_verr(resp, &err);
	if ((status = look->token(req, resp, lw, sym, sym_len,
	    "consumption.token_symbol", &token)) != 0 ||
	    (status = look->reason(req, resp, lw, type, type_len,
	    "consumption", "consumption.service_type", &reason)) != 0 ||
	    (status = ledger_options_or_reply(resp, lw, doc)) != 0)
		return status;
	if (ledger_arena_json(lw, service, &lw->context_off, &lw->context_len) != CB_OK)
		return http_internal_error(resp, "consumption_context", CB_ERR_NOMEM);
	vals[0] = type;
	lens[0] = type_len;
	vals[1] = id;
	lens[1] = id_len;
	if ((status = ledger_meta_pairs_or_reply(req, resp, lw, &lw->reasons[reason],
	    consumption_meta_keys, vals, lens, 2, "consumption", &meta_off, &meta_len)) != 0)
		return status;
	max_rows = api->max_rows < LEDGER_ROWS_HARD_MAX ? api->max_rows : LEDGER_ROWS_HARD_MAX;
	if (!json_get_array(doc, "", "deductions", true, 1, max_rows, &rows, &n, &err))
		return http_error_verr(resp, &err);
	for (i = 0; i < n; i++) {
		struct ledger_change *c;

		row = json_object_array_get_idx(rows, i);
		json_path_index(path, sizeof(path), "deductions", i);
		if (!json_check_keys(row, path, consumption_row_keys, &err))
			return http_error_verr(resp, &err);
		if ((c = ledger_change_add(lw)) == NULL)
			return http_internal_error(resp, "consumption_row", CB_ERR_NOMEM);
		c->token = token;
		c->reason = reason;
		c->meta_off = meta_off;
		c->meta_len = meta_len;
		if ((status = ledger_user_id_or_reply(resp, row, path, "user_id", &c->user_id,
		    &c->user_id_len)) != 0 ||
		    (status = ledger_amount_or_reply(resp, row, path, "amount",
		    &lw->tokens[token], AMOUNT_NONZERO, &c->amount)) != 0)
			return status;
		amount_neg(&c->amount);
		if (!json_get_string(row, path, "reason", false, 0, api->max_reason_detail,
		    &c->detail, &c->detail_len, &err))
			return http_error_verr(resp, &err);
	}
	return 0;
}

int
h_consumption_deduct(struct req *req, struct resp *resp)
{
	struct ledger_write lw;
	json_object *doc = NULL;
	int status;

	ledger_write_init(&lw, LEDGER_DEDUCT);
	/* A stored answer is returned as it was, before today's rules judge
	 * the body again. */
	if ((status = ledger_replay_or_reply(req, resp)) != 0)
		goto out;
	if ((doc = ledger_body_or_reply(req, resp, consumption_keys)) == NULL) {
		status = resp->status;
		goto out;
	}
	if ((status = consumption_parse_or_reply(req, resp, &consumption_lookup, doc,
	    &lw)) != 0)
		goto out;
	status = ledger_commit_or_reply(req, resp, &lw, "deductions");
out:
	json_object_put(doc);
	ledger_write_free(&lw);
	return status;
}
