/*
 * wallets.c - POST /api/v1/wallets and GET /api/v1/wallets/{user_id}: the
 * address a user's tokens settle to, per chain (docs/api.md, docs/settlement.md).
 *
 * Rebinding rule: a user's address on a chain may be replaced until one of
 * the user's changes on that chain has been taken into settlement
 * (batched, submitted or confirmed); from then on the binding is fixed
 * (409 wallet_rebind_forbidden), because the tokens already minted sit at
 * the old address and later burns must find them there.  An address
 * belongs to at most one user per chain (409 address_in_use).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

static const char *const wallet_keys[] = { "user_id", "chain_id", "address", NULL };

enum wallet_outcome {
	WALLET_BOUND,		/* new binding: 201 */
	WALLET_REBOUND,		/* address replaced: 200 */
	WALLET_UNCHANGED,	/* same address again: 200 */
	WALLET_IN_USE,		/* address bound to another user: 409 */
	WALLET_FIXED,		/* rebinding not allowed any more: 409 */
};

struct wallet_bind {
	const char		*user_id;
	size_t			 user_id_len;
	uint64_t		 chain_id;
	struct address		 address;
	enum wallet_outcome	 outcome;
};

/* Reads a 40-digit hex column into *a; false when NULL or malformed. */
static bool
wallet_col_address(const struct db_row *row, unsigned col, struct address *a)
{
	char text[ADDRESS_HEX_LEN];

	if (row->val[col] == NULL || row->len[col] != 40)
		return false;
	text[0] = '0';
	text[1] = 'x';
	memcpy(text + 2, row->val[col], 40);
	return address_parse(text, sizeof(text), a) == ADDRESS_OK;
}

static enum cb_err
wallet_txn(struct db *db, void *arg)
{
	struct wallet_bind *wb = arg;
	struct address current;
	struct db_row row;
	bool have = false, settled = false, other = false;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(db, ST_WALLET_LOCK, DB_STR(wb->user_id, wb->user_id_len),
	    DB_U64(wb->chain_id));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_WALLET_LOCK, &row);
	if (r == 1)
		have = wallet_col_address(&row, 0, &current);
	db_done(db, ST_WALLET_LOCK);
	if (r < 0 || (r == 1 && !have))
		return CB_ERR_DB;
	if (have && address_eq(&current, &wb->address)) {
		wb->outcome = WALLET_UNCHANGED;
		return CB_OK;
	}
	rc = DB_EXEC(db, ST_WALLET_OWNER, DB_U64(wb->chain_id),
	    DB_BLOB(wb->address.bytes, ADDRESS_LEN));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_WALLET_OWNER, &row);
	other = r == 1;
	db_done(db, ST_WALLET_OWNER);
	if (r < 0)
		return CB_ERR_DB;
	if (other) {
		wb->outcome = WALLET_IN_USE;
		return CB_OK;
	}
	if (have) {
		rc = DB_EXEC(db, ST_WALLET_SETTLED, DB_STR(wb->user_id, wb->user_id_len),
		    DB_U64(wb->chain_id));
		if (rc != CB_OK)
			return rc;
		r = db_fetch(db, ST_WALLET_SETTLED, &row);
		settled = r == 1 && row.val[0] != NULL && row.val[0][0] == '1';
		db_done(db, ST_WALLET_SETTLED);
		if (r != 1)
			return CB_ERR_DB;
		if (settled) {
			wb->outcome = WALLET_FIXED;
			return CB_OK;
		}
		wb->outcome = WALLET_REBOUND;
		return DB_EXEC(db, ST_WALLET_UPDATE, DB_BLOB(wb->address.bytes, ADDRESS_LEN),
		    DB_STR(wb->user_id, wb->user_id_len), DB_U64(wb->chain_id));
	}
	wb->outcome = WALLET_BOUND;
	rc = DB_EXEC(db, ST_WALLET_INSERT, DB_STR(wb->user_id, wb->user_id_len),
	    DB_U64(wb->chain_id), DB_BLOB(wb->address.bytes, ADDRESS_LEN));
	/* A concurrent binding of the same user or address: run again, the
	 * checks above then see it. */
	return rc == CB_ERR_CONFLICT ? CB_ERR_DB_RETRY : rc;
}

/* True when chain_id has a registered token or a [chain] section. */
static enum cb_err
wallet_chain_known(struct req *req, uint64_t chain_id, bool *known)
{
	const struct config *cfg = req->w->cfg;
	struct db_row row;
	enum cb_err rc;
	size_t i;

	*known = false;
	for (i = 0; i < cfg->nchains; i++)
		if (cfg->chains[i].chain_id == chain_id)
			*known = true;
	if (*known)
		return CB_OK;
	if ((rc = DB_EXEC(req->w->db, ST_CHAIN_HAS_TOKEN, DB_U64(chain_id))) != CB_OK)
		return rc;
	if (db_fetch(req->w->db, ST_CHAIN_HAS_TOKEN, &row) == 1)
		*known = row.val[0] != NULL && row.val[0][0] == '1';
	db_done(req->w->db, ST_CHAIN_HAS_TOKEN);
	return CB_OK;
}

int
h_wallets_bind(struct req *req, struct resp *resp)
{
	static const int statuses[] = {
		[WALLET_BOUND] = 201, [WALLET_REBOUND] = 200, [WALLET_UNCHANGED] = 200,
	};
	static const char *const results[] = {
		[WALLET_BOUND] = "bound", [WALLET_REBOUND] = "rebound",
		[WALLET_UNCHANGED] = "unchanged",
	};
	struct wallet_bind wb;
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
	if ((rc = db_txn(req->w->db, wallet_txn, &wb)) != CB_OK) {
		status = http_internal_error(resp, "wallets_bind", rc);
		goto out;
	}
	if (wb.outcome == WALLET_IN_USE || wb.outcome == WALLET_FIXED) {
		d = json_object_new_object();
		json_object_object_add(d, "field", json_object_new_string("address"));
		status = wb.outcome == WALLET_IN_USE ?
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
	json_object_object_add(out, "result", json_object_new_string(results[wb.outcome]));
	status = http_json(resp, statuses[wb.outcome], out);
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
	/* chain_id, address hex, created_at, updated_at */
	while ((r = db_fetch(db, ST_WALLET_LIST, &row)) == 1) {
		e = json_object_new_object();
		ledger_json_u64(e, "chain_id", &row, 0);
		ledger_json_address(e, "address", row.val[1], row.len[1]);
		ledger_json_str(e, "created_at", row.val[2], row.len[2]);
		ledger_json_str(e, "updated_at", row.val[3], row.len[3]);
		json_object_array_add(list, e);
	}
	db_done(db, ST_WALLET_LIST);
	status = r < 0 ? http_internal_error(resp, "wallets_get", CB_ERR_DB) :
	    http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}
