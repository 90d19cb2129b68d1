/*
 * strategies.c - PUT /api/v1/admin/strategies/{symbol}: a token's batch
 * strategy (docs/settlement.md), through the registry shared with chainbridge-admin.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

static const char *const strategy_keys[] = {
	"max_batch_size", "max_wait_seconds", "min_batch_size", "value_threshold",
	"priority_reasons", NULL
};

json_object *
strategies_json(const struct strategy *st, unsigned decimals)
{
	json_object *o = json_object_new_object(), *prio = json_object_new_array();
	char text[AMOUNT_STR_MAX];
	unsigned i;

	json_object_object_add(o, "max_batch_size", json_object_new_uint64(st->max_batch_size));
	json_object_object_add(o, "max_wait_seconds",
	    json_object_new_uint64(st->max_wait_seconds));
	json_object_object_add(o, "min_batch_size", json_object_new_uint64(st->min_batch_size));
	if (st->has_threshold &&
	    amount_format(&st->value_threshold, decimals, false, text, sizeof(text)) > 0)
		json_object_object_add(o, "value_threshold", json_object_new_string(text));
	else
		json_object_object_add(o, "value_threshold", NULL);
	for (i = 0; i < st->npriority; i++)
		json_object_array_add(prio, json_object_new_string(st->priority_reasons[i]));
	json_object_object_add(o, "priority_reasons", prio);
	json_object_object_add(o, "is_default", json_object_new_boolean(st->is_default));
	return o;
}

/* Reads an optional unsigned field into *out; 0 or the 400 answered. */
static int
strategy_uint_or_reply(struct resp *resp, json_object *doc, const char *key, uint32_t *out)
{
	struct json_verr err;
	int64_t v = *out;

	if (!json_get_int64(doc, "", key, false, 1, UINT32_MAX, &v, &err))
		return http_error_verr(resp, &err);
	*out = (uint32_t)v;
	return 0;
}

/* Applies the body to st; 0 or the status answered. */
static int
strategy_apply_or_reply(struct req *req, struct resp *resp, json_object *doc,
    const struct token *tok, struct strategy *st)
{
	struct json_verr err;
	json_object *v, *arr, *item;
	struct reason r;
	const char *s;
	size_t n, i;
	enum cb_err rc;
	int status;

	if ((status = strategy_uint_or_reply(resp, doc, "max_batch_size",
	    &st->max_batch_size)) != 0 ||
	    (status = strategy_uint_or_reply(resp, doc, "max_wait_seconds",
	    &st->max_wait_seconds)) != 0 ||
	    (status = strategy_uint_or_reply(resp, doc, "min_batch_size",
	    &st->min_batch_size)) != 0)
		return status;
	if (json_object_object_get_ex(doc, "value_threshold", &v)) {
		if (v == NULL) {
			st->has_threshold = false;
			amount_zero(&st->value_threshold);
		} else {
			if ((status = ledger_amount_or_reply(resp, doc, "", "value_threshold", tok,
			    AMOUNT_NONZERO, &st->value_threshold)) != 0)
				return status;
			st->has_threshold = true;
		}
	}
	if (!json_get_array(doc, "", "priority_reasons", false, 0, STRATEGY_PRIORITY_MAX,
	    &arr, &n, &err))
		return http_error_verr(resp, &err);
	if (arr == NULL)
		return 0;
	st->npriority = 0;
	for (i = 0; i < n; i++) {
		char path[JSON_PATH_MAX];

		item = json_object_array_get_idx(arr, i);
		json_path_index(path, sizeof(path), "priority_reasons", i);
		if (!json_object_is_type(item, json_type_string)) {
			json_verr_set(&err, path, "wrong_type", "a reason name is a string");
			return http_error_verr(resp, &err);
		}
		s = json_object_get_string(item);
		/* A name that cannot be registered and one that is not are
		 * the same to the client, as in the writes. */
		rc = CB_ERR_NOT_FOUND;
		if (registry_reason_name_valid(s, strlen(s)))
			rc = registry_reason_get(req->w->db, s, strlen(s), &r);
		if (rc == CB_ERR_NOT_FOUND) {
			json_verr_set(&err, path, "unknown_reason",
			    "no reason is registered with this name");
			return http_error_verr(resp, &err);
		}
		if (rc != CB_OK)
			return http_internal_error(resp, "strategies_reason", rc);
		snprintf(st->priority_reasons[st->npriority++], REASON_NAME_MAX + 1, "%s", s);
	}
	return 0;
}

int
h_strategies_put(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	json_object *doc, *out = NULL, *d;
	struct token tok;
	struct strategy st;
	char errbuf[256] = "";
	enum cb_err rc;
	int status;

	if ((doc = ledger_body_or_reply(req, resp, strategy_keys)) == NULL)
		return resp->status;
	rc = CB_ERR_NOT_FOUND;
	if (registry_symbol_valid(req->params[0], req->param_len[0]))
		rc = registry_token_get(db, req->params[0], req->param_len[0], &tok);
	if (rc == CB_ERR_NOT_FOUND) {
		d = json_object_new_object();
		json_object_object_add(d, "field", json_object_new_string("symbol"));
		status = http_error(resp, 404, "token_not_found", "no such token", d);
		json_object_put(d);
		goto out;
	}
	if (rc != CB_OK || (rc = registry_strategy_get(db, tok.id, &st)) != CB_OK) {
		status = http_internal_error(resp, "strategies_put", rc);
		goto out;
	}
	if ((status = strategy_apply_or_reply(req, resp, doc, &tok, &st)) != 0)
		goto out;
	if ((rc = registry_strategy_save(db, tok.id, &st, errbuf, sizeof(errbuf))) != CB_OK) {
		status = ledger_registry_error(resp, rc, errbuf, "invalid_strategy",
		    "strategy_conflict", "token_not_found");
		goto out;
	}
	ledger_cache_flush();
	st.is_default = false;
	out = strategies_json(&st, tok.decimals);
	json_object_object_add(out, "token_symbol", json_object_new_string(tok.symbol));
	status = http_json(resp, 200, out);
out:
	json_object_put(out);
	json_object_put(doc);
	return status;
}
