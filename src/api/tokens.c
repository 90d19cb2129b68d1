/*
 * tokens.c - GET /api/v1/tokens and the admin routes that register and
 * change tokens (docs/api.md), through the registry shared with
 * chainbridge-admin.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

static const char *const token_create_keys[] = {
	"symbol", "name", "chain", "chain_id", "address", "decimals", "settlement",
	"features", "enabled", NULL
};

/* The same without symbol: it is the path parameter of an update. */
static const char *const token_update_keys[] = {
	"name", "chain", "chain_id", "address", "decimals", "settlement", "features",
	"enabled", NULL
};

json_object *
tokens_json(const struct token *t, const struct strategy *st)
{
	json_object *o = json_object_new_object(), *feats = json_object_new_array();
	char addr[ADDRESS_STR_SIZE];
	static const struct {
		unsigned	 bit;
		const char	*name;
	} names[] = {
		{ TOKEN_FEAT_MINTABLE, "mintable" },
		{ TOKEN_FEAT_BURNABLE, "burnable" },
		{ TOKEN_FEAT_PAUSABLE, "pausable" },
		{ TOKEN_FEAT_TRANSFER, "transfer" },
	};
	size_t i;

	address_to_checksum(&t->address, addr);
	json_object_object_add(o, "symbol", json_object_new_string(t->symbol));
	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "chain", json_object_new_string(t->chain));
	json_object_object_add(o, "chain_id", json_object_new_uint64(t->chain_id));
	json_object_object_add(o, "address", json_object_new_string(addr));
	json_object_object_add(o, "decimals", json_object_new_uint64(t->decimals));
	json_object_object_add(o, "settlement",
	    json_object_new_string(registry_settlement_name(t->settlement)));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (t->features & names[i].bit)
			json_object_array_add(feats, json_object_new_string(names[i].name));
	json_object_object_add(o, "features", feats);
	json_object_object_add(o, "enabled", json_object_new_boolean(t->enabled));
	if (st != NULL)
		json_object_object_add(o, "batch_strategy", strategies_json(st, t->decimals));
	return o;
}

int
h_tokens_list(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	json_object *doc, *list;
	struct token *toks = NULL, *grown;
	struct strategy st;
	struct db_row row;
	size_t n = 0, i;
	enum cb_err rc;
	int status, r;

	if ((rc = DB_EXEC0(db, ST_TOKEN_LIST)) != CB_OK)
		return http_internal_error(resp, "tokens_list", rc);
	while ((r = db_fetch(db, ST_TOKEN_LIST, &row)) == 1) {
		if ((grown = reallocarray(toks, n + 1, sizeof(*toks))) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		toks = grown;
		if ((rc = registry_token_from_row(&row, &toks[n])) != CB_OK)
			break;
		n++;
	}
	db_done(db, ST_TOKEN_LIST);
	if (r < 0)
		rc = CB_ERR_DB;
	if (rc != CB_OK) {
		free(toks);
		return http_internal_error(resp, "tokens_list", rc);
	}
	doc = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(doc, "tokens", list);
	for (i = 0; i < n; i++) {
		if ((rc = ledger_strategy_get(db, toks[i].id, &st)) != CB_OK)
			break;
		json_object_array_add(list, tokens_json(&toks[i], &st));
	}
	status = rc == CB_OK ? http_json(resp, 200, doc) :
	    http_internal_error(resp, "tokens_list", rc);
	json_object_put(doc);
	free(toks);
	return status;
}

/* Applies the fields present in doc to t; 0 or the 400 answered. */
static int
token_apply_or_reply(struct resp *resp, json_object *doc, struct token *t, bool create)
{
	struct json_verr err;
	json_object *arr, *item;
	const char *s;
	size_t n, i;
	int64_t v;
	int bits;
	bool b;

	if (create) {
		if (!json_get_string(doc, "", "symbol", true, 1, TOKEN_SYMBOL_MAX, &s, &n, &err))
			return http_error_verr(resp, &err);
		memcpy(t->symbol, s, n);
		t->symbol[n] = '\0';
	}
	if (!json_get_string(doc, "", "name", create, 1, TOKEN_NAME_MAX, &s, &n, &err))
		return http_error_verr(resp, &err);
	if (s != NULL) {
		memcpy(t->name, s, n);
		t->name[n] = '\0';
	}
	if (!json_get_string(doc, "", "chain", create, 1, CHAIN_NAME_MAX, &s, &n, &err))
		return http_error_verr(resp, &err);
	if (s != NULL) {
		memcpy(t->chain, s, n);
		t->chain[n] = '\0';
	}
	v = (int64_t)t->chain_id;
	if (!json_get_int64(doc, "", "chain_id", create, 1, (INT64_C(1) << 53) - 1, &v, &err))
		return http_error_verr(resp, &err);
	t->chain_id = (uint64_t)v;
	if (!json_get_string(doc, "", "address", create, 1, 64, &s, &n, &err))
		return http_error_verr(resp, &err);
	if (s != NULL) {
		switch (address_parse(s, n, &t->address)) {
		case ADDRESS_OK:
			break;
		case ADDRESS_BAD_CHECKSUM:
			json_verr_set(&err, "address", "invalid_address_checksum",
			    "mixed-case address does not match its EIP-55 checksum");
			return http_error_verr(resp, &err);
		default:
			json_verr_set(&err, "address", "invalid_address",
			    "address must be 0x followed by 40 hex digits");
			return http_error_verr(resp, &err);
		}
	}
	v = t->decimals;
	if (!json_get_int64(doc, "", "decimals", create, 0, AMOUNT_DECIMALS_MAX, &v, &err))
		return http_error_verr(resp, &err);
	t->decimals = (unsigned)v;
	if (!json_get_string(doc, "", "settlement", false, 1, 16, &s, &n, &err))
		return http_error_verr(resp, &err);
	if (s != NULL) {
		int set = registry_settlement_parse(s, n);

		if (set < 0) {
			json_verr_set(&err, "settlement", "invalid_settlement",
			    "settlement must be \"plain\" or \"keyed\"");
			return http_error_verr(resp, &err);
		}
		t->settlement = (enum token_settlement)set;
	}
	if (!json_get_array(doc, "", "features", false, 0, 8, &arr, &n, &err))
		return http_error_verr(resp, &err);
	if (arr != NULL) {
		t->features = 0;
		for (i = 0; i < n; i++) {
			char path[JSON_PATH_MAX];

			item = json_object_array_get_idx(arr, i);
			json_path_index(path, sizeof(path), "features", i);
			bits = -1;
			if (json_object_is_type(item, json_type_string)) {
				s = json_object_get_string(item);
				if (strchr(s, ',') == NULL && *s != '\0')
					bits = registry_features_parse(s, strlen(s));
			}
			if (bits < 0) {
				json_verr_set(&err, path, "invalid_feature",
				    "features are mintable, burnable, pausable, transfer");
				return http_error_verr(resp, &err);
			}
			t->features |= (unsigned)bits;
		}
	}
	b = t->enabled;
	if (!json_get_bool(doc, "", "enabled", false, &b, &err))
		return http_error_verr(resp, &err);
	t->enabled = b;
	return 0;
}

/* Answers the saved token with its strategy. */
static int
token_saved_reply(struct req *req, struct resp *resp, const struct token *t, int status)
{
	struct strategy st;
	json_object *o;
	enum cb_err rc;

	ledger_cache_flush();
	if ((rc = registry_strategy_get(req->w->db, t->id, &st)) != CB_OK)
		return http_internal_error(resp, "tokens_saved", rc);
	o = tokens_json(t, &st);
	status = http_json(resp, status, o);
	json_object_put(o);
	return status;
}

int
h_tokens_create(struct req *req, struct resp *resp)
{
	struct token t;
	json_object *doc;
	char errbuf[256] = "";
	enum cb_err rc;
	int status;

	if ((doc = ledger_body_or_reply(req, resp, token_create_keys)) == NULL)
		return resp->status;
	memset(&t, 0, sizeof(t));
	t.enabled = true;
	t.settlement = TOKEN_SETTLE_PLAIN;
	t.features = TOKEN_FEAT_MINTABLE | TOKEN_FEAT_BURNABLE;
	if ((status = token_apply_or_reply(resp, doc, &t, true)) != 0)
		goto out;
	if ((rc = registry_token_save(req->w->db, &t, true, errbuf, sizeof(errbuf))) != CB_OK) {
		status = ledger_registry_error(resp, rc, errbuf, "invalid_token",
		    "token_conflict", "token_not_found");
		goto out;
	}
	status = token_saved_reply(req, resp, &t, 201);
out:
	json_object_put(doc);
	return status;
}

int
h_tokens_update(struct req *req, struct resp *resp)
{
	struct token t;
	json_object *doc, *d;
	char errbuf[256] = "";
	enum cb_err rc;
	int status;

	if ((doc = ledger_body_or_reply(req, resp, token_update_keys)) == NULL)
		return resp->status;
	rc = CB_ERR_NOT_FOUND;
	if (registry_symbol_valid(req->params[0], req->param_len[0]))
		rc = registry_token_get(req->w->db, req->params[0], req->param_len[0], &t);
	if (rc == CB_ERR_NOT_FOUND) {
		d = json_object_new_object();
		json_object_object_add(d, "field", json_object_new_string("symbol"));
		status = http_error(resp, 404, "token_not_found", "no such token", d);
		json_object_put(d);
		goto out;
	}
	if (rc != CB_OK) {
		status = http_internal_error(resp, "tokens_update", rc);
		goto out;
	}
	if ((status = token_apply_or_reply(resp, doc, &t, false)) != 0)
		goto out;
	if ((rc = registry_token_save(req->w->db, &t, false, errbuf, sizeof(errbuf))) != CB_OK) {
		status = ledger_registry_error(resp, rc, errbuf, "invalid_token",
		    "token_conflict", "token_not_found");
		goto out;
	}
	status = token_saved_reply(req, resp, &t, 200);
out:
	json_object_put(doc);
	return status;
}
