/*
 * wallets.c - POST /api/v1/wallets and GET /api/v1/wallets/{user_id}: the
 * address a user's tokens settle to, per chain (docs/api.md).  The binding
 * and its rebind rule are src/lib/ledger/wallet.c; this file validates and
 * answers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "ledger/wallet.h"
#include "store/stmts.h"
#include "worker.h"

static const char *const wallet_keys[] = { "user_id", "chain_id", "address", NULL };

/* True when chain_id has a registered token or a [chain] section. */
static enum cb_err
wallet_chain_known(struct req *req, uint64_t chain_id, bool *known)
{
	const struct config *cfg = req->w->cfg;
	size_t i;

	for (i = 0; i < cfg->nchains; i++) {
		if (cfg->chains[i].chain_id == chain_id) {
			*known = true;
			return CB_OK;
		}
	}
	return wallet_chain_has_token(req->w->db, chain_id, known);
}

int
h_wallets_bind(struct req *req, struct resp *resp)
{
	static const int statuses[WALLET_RESULT__MAX] = {
		[WALLET_BOUND] = 201, [WALLET_REBOUND] = 200, [WALLET_UNCHANGED] = 200,
	};
	static const char *const results[WALLET_RESULT__MAX] = {
		[WALLET_BOUND] = "bound", [WALLET_REBOUND] = "rebound",
		[WALLET_UNCHANGED] = "unchanged",
	};
	struct {
		const char		*user_id;
		size_t			 user_id_len;
		uint64_t		 chain_id;
		struct address		 address;
		enum wallet_result	 result;
	} wb;
	struct json_verr err;
	json_object *doc, *out = NULL, *d;
	char addr[ADDRESS_STR_SIZE];
	const char *s;
	size_t n;
	int64_t chain_id = 0;
	enum cb_err rc;
	bool known;
	int status;

	if ((doc = ledger_body_or_reply(req, resp, wallet_keys)) == NULL)
		return resp->status;
	memset(&wb, 0, sizeof(wb));
	if ((status = ledger_user_id_or_reply(resp, doc, "", "user_id", &wb.user_id,
	    &wb.user_id_len)) != 0)
		goto out;
	if (!json_get_int64(doc, "", "chain_id", true, 1, (INT64_C(1) << 53) - 1, &chain_id,
	    &err) || !json_get_string(doc, "", "address", true, 1, 64, &s, &n, &err)) {
		status = http_error_verr(resp, &err);
		goto out;
	}
	wb.chain_id = (uint64_t)chain_id;
	switch (address_parse(s, n, &wb.address)) {
	case ADDRESS_OK:
		break;
	case ADDRESS_BAD_CHECKSUM:
		json_verr_set(&err, "address", "invalid_address_checksum",
		    "mixed-case address does not match its EIP-55 checksum");
		status = http_error_verr(resp, &err);
		goto out;
	default:
		json_verr_set(&err, "address", "invalid_address",
		    "address must be 0x followed by 40 hex digits");
		status = http_error_verr(resp, &err);
		goto out;
	}
	if (address_is_zero(&wb.address)) {
		json_verr_set(&err, "address", "invalid_address",
		    "the zero address cannot hold tokens");
		status = http_error_verr(resp, &err);
		goto out;
	}
	if ((rc = wallet_chain_known(req, wb.chain_id, &known)) != CB_OK) {
		status = http_internal_error(resp, "wallets_chain", rc);
		goto out;
	}
	if (!known) {
		json_verr_set(&err, "chain_id", "unknown_chain",
		    "no token is registered and no chain is configured with this chain_id");
		status = http_error_verr(resp, &err);
		goto out;
	}
	if ((rc = wallet_bind(req->w->db, wb.user_id, wb.user_id_len, wb.chain_id,
	    &wb.address, req->started_ms + req->w->cfg->api.write_timeout_ms,
	    &wb.result)) != CB_OK) {
		status = http_internal_error(resp, "wallets_bind", rc);
		goto out;
	}
	if (wb.result == WALLET_IN_USE || wb.result == WALLET_FIXED) {
		d = json_object_new_object();
		json_object_object_add(d, "field", json_object_new_string("address"));
		status = wb.result == WALLET_IN_USE ?
		    http_error(resp, 409, "address_in_use",
		    "this address is bound to another user on this chain", d) :
		    http_error(resp, 409, "wallet_rebind_forbidden",
		    "the user's wallet on this chain already settled changes and"
		    " cannot be replaced", d);
		json_object_put(d);
		goto out;
	}
	address_to_checksum(&wb.address, addr);
	out = json_object_new_object();
	ledger_json_str(out, "user_id", wb.user_id, wb.user_id_len);
	json_object_object_add(out, "chain_id", json_object_new_uint64(wb.chain_id));
	json_object_object_add(out, "address", json_object_new_string(addr));
	json_object_object_add(out, "result", json_object_new_string(results[wb.result]));
	status = http_json(resp, statuses[wb.result], out);
out:
	json_object_put(out);
	json_object_put(doc);
	return status;
}

int
h_wallets_get(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	json_object *doc, *list, *e;
	struct json_verr err;
	struct db_row row;
	enum cb_err rc;
	int status, r;

	if (!ledger_user_id_valid(req->params[0], req->param_len[0])) {
		json_verr_set(&err, "user_id", "invalid_user_id",
		    "user_id: 1..128 characters of A-Z a-z 0-9 _ . : @ -");
		return http_error_verr(resp, &err);
	}
	if ((rc = DB_EXEC(db, ST_WALLET_LIST, DB_STR(req->params[0], req->param_len[0]))) != CB_OK)
		return http_internal_error(resp, "wallets_get", rc);
	doc = json_object_new_object();
	ledger_json_str(doc, "user_id", req->params[0], req->param_len[0]);
	list = json_object_new_array();
	json_object_object_add(doc, "wallets", list);
	while ((r = db_fetch(db, ST_WALLET_LIST, &row)) == 1) {
		e = json_object_new_object();
		ledger_json_u64(e, "chain_id", &row, WALLET_COL_CHAIN_ID);
		ledger_json_col_address(e, "address", &row, WALLET_COL_ADDRESS);
		ledger_json_col(e, "created_at", &row, WALLET_COL_CREATED_AT);
		ledger_json_col(e, "updated_at", &row, WALLET_COL_UPDATED_AT);
		json_object_array_add(list, e);
	}
	db_done(db, ST_WALLET_LIST);
	status = r < 0 ? http_internal_error(resp, "wallets_get", CB_ERR_DB) :
	    http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}
