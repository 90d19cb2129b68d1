/*
 * chain_tokens.c - a registered token as the chain daemon synced it
 * (docs/api.md, "Chain data"):
 *
 *	GET /api/v1/tokens/{symbol}/supply
 *	GET /api/v1/tokens/{symbol}/balances/{address}
 *	GET /api/v1/tokens/{symbol}/transfers?address=&limit=&cursor=
 *	GET /api/v1/tokens/{symbol}/allowances/{owner}/{spender}
 *
 * Values are exact: the DECIMAL(65,0) column, or the *_raw side column
 * when the value passed 65 digits.  A row that was never written reads as
 * zero.  "block" is the chain's last synced block, read in the same
 * statement as the value.
 */
#include "config.h"

#include <string.h>

#include "chainread.h"
#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

/*
 * Runs one of the ST_ONCHAIN_{SUPPLY,BALANCE,ALLOWANCE} statements (already
 * executed) and adds "key"/"key_raw", "block" and "updated_block" to doc.
 * Returns CB_OK or CB_ERR_DB on a malformed row.
 */
static enum cb_err
tokens_value(struct db *db, unsigned idx, const struct token *tok, const char *key,
    json_object *doc)
{
	struct db_row row;
	u256 v;
	enum cb_err rc = CB_ERR_DB;
	int r;

	/* last synced block, value, LOWER(HEX(raw)), updated_block */
	r = db_fetch(db, idx, &row);
	if (r == 1) {
		if (row.val[1] == NULL && row.val[2] == NULL) {
			u256_zero(&v);
			rc = CB_OK;
		} else if (cr_value_from_row(row.val[1], row.len[1], row.val[2], row.len[2],
		    &v)) {
			rc = CB_OK;
		}
		if (rc == CB_OK) {
			cr_json_u256(doc, key, &v, tok->decimals);
			ledger_json_u64(doc, "block", &row, 0);
			ledger_json_u64(doc, "updated_block", &row, 3);
		}
	}
	db_done(db, idx);
	return rc;
}

int
h_chain_tokens_supply(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct token tok;
	json_object *doc;
	enum cb_err rc;
	int status;

	if ((status = cr_token_or_reply(req, resp, 0, &tok)) != 0)
		return status;
	if ((rc = DB_EXEC(db, ST_ONCHAIN_SUPPLY, DB_U64(tok.chain_id), DB_U64(tok.chain_id),
	    DB_BLOB(tok.address.bytes, ADDRESS_LEN))) != CB_OK)
		return http_internal_error(resp, "tokens_supply", rc);
	doc = json_object_new_object();
	json_object_object_add(doc, "token_symbol", json_object_new_string(tok.symbol));
	if ((rc = tokens_value(db, ST_ONCHAIN_SUPPLY, &tok, "total_supply", doc)) != CB_OK)
		status = http_internal_error(resp, "tokens_supply", rc);
	else
		status = http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}

int
h_chain_tokens_balance(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	char text[ADDRESS_STR_SIZE];
	struct address holder;
	struct token tok;
	json_object *doc;
	enum cb_err rc;
	int status;

	if ((status = cr_token_or_reply(req, resp, 0, &tok)) != 0 ||
	    (status = cr_address_or_reply(resp, req->params[1], req->param_len[1], "address",
	    &holder)) != 0)
		return status;
	if ((rc = DB_EXEC(db, ST_ONCHAIN_BALANCE, DB_U64(tok.chain_id), DB_U64(tok.chain_id),
	    DB_BLOB(tok.address.bytes, ADDRESS_LEN),
	    DB_BLOB(holder.bytes, ADDRESS_LEN))) != CB_OK)
		return http_internal_error(resp, "tokens_balance", rc);
	doc = json_object_new_object();
	json_object_object_add(doc, "token_symbol", json_object_new_string(tok.symbol));
	address_to_checksum(&holder, text);
	json_object_object_add(doc, "address", json_object_new_string(text));
	if ((rc = tokens_value(db, ST_ONCHAIN_BALANCE, &tok, "balance", doc)) != CB_OK)
		status = http_internal_error(resp, "tokens_balance", rc);
	else
		status = http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}

int
h_chain_tokens_allowance(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	char text[ADDRESS_STR_SIZE];
	struct address owner, spender;
	struct token tok;
	json_object *doc;
	enum cb_err rc;
	int status;

	if ((status = cr_token_or_reply(req, resp, 0, &tok)) != 0 ||
	    (status = cr_address_or_reply(resp, req->params[1], req->param_len[1], "owner",
	    &owner)) != 0 ||
	    (status = cr_address_or_reply(resp, req->params[2], req->param_len[2], "spender",
	    &spender)) != 0)
		return status;
	if ((rc = DB_EXEC(db, ST_ONCHAIN_ALLOWANCE, DB_U64(tok.chain_id), DB_U64(tok.chain_id),
	    DB_BLOB(tok.address.bytes, ADDRESS_LEN), DB_BLOB(owner.bytes, ADDRESS_LEN),
	    DB_BLOB(spender.bytes, ADDRESS_LEN))) != CB_OK)
		return http_internal_error(resp, "tokens_allowance", rc);
	doc = json_object_new_object();
	json_object_object_add(doc, "token_symbol", json_object_new_string(tok.symbol));
	address_to_checksum(&owner, text);
	json_object_object_add(doc, "owner", json_object_new_string(text));
	address_to_checksum(&spender, text);
	json_object_object_add(doc, "spender", json_object_new_string(text));
	if ((rc = tokens_value(db, ST_ONCHAIN_ALLOWANCE, &tok, "allowance", doc)) != CB_OK)
		status = http_internal_error(resp, "tokens_allowance", rc);
	else
		status = http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}

/* One transfer object from a TRANSFER_COLS row; NULL when malformed. */
static json_object *
tokens_transfer_item(const struct db_row *row, const struct token *tok,
    bool have_confirmed, uint64_t confirmed, struct cr_pos *pos)
{
	json_object *e;
	u256 v;

	/* tx hash, log_index, block, from, to, value, LOWER(HEX(value_raw)) */
	if (!db_col_u64(row, 1, &pos->index) || !db_col_u64(row, 2, &pos->block) ||
	    !cr_value_from_row(row->val[5], row->len[5], row->val[6], row->len[6], &v))
		return NULL;
	e = json_object_new_object();
	cr_json_hash(e, "tx_hash", row->val[0], row->len[0]);
	json_object_object_add(e, "log_index", json_object_new_uint64(pos->index));
	json_object_object_add(e, "block", json_object_new_uint64(pos->block));
	ledger_json_address(e, "from", row->val[3], row->len[3]);
	ledger_json_address(e, "to", row->val[4], row->len[4]);
	cr_json_u256(e, "value", &v, tok->decimals);
	json_object_object_add(e, "confirmed",
	    json_object_new_boolean(have_confirmed && pos->block <= confirmed));
	return e;
}

int
h_chain_tokens_transfers(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct cr_checkpoint cp;
	struct cr_page page;
	struct cr_pos before, last = { 0, 0 };
	struct address addr;
	struct token tok;
	struct db_row row;
	json_object *doc = NULL, *list, *e;
	uint64_t confirmed = 0, lim;
	unsigned idx, count = 0;
	enum cb_err rc;
	bool have_addr, have_confirmed, more = false;
	int status, r;

	if ((status = cr_token_or_reply(req, resp, 0, &tok)) != 0 ||
	    (status = cr_query_address_or_reply(req, resp, "address", &addr, &have_addr)) != 0 ||
	    (status = cr_page_or_reply(req, resp, &page)) != 0)
		return status;
	if ((rc = cr_checkpoint_get(db, tok.chain_id, &cp)) != CB_OK)
		return http_internal_error(resp, "tokens_transfers", rc);
	have_confirmed = cr_confirmed_block(req->w->cfg, tok.chain_id, &cp, &confirmed);
	/* Newest first: strictly before the cursor, or from the top. */
	before.block = CR_BLOCK_MAX + 1;
	before.index = 0;
	if (page.have_cursor)
		before = page.cursor;
	lim = (uint64_t)page.limit + 1;
	if (have_addr) {
		idx = ST_ONCHAIN_TRANSFERS_ADDRESS;
		rc = DB_EXEC(db, idx, DB_U64(tok.chain_id), DB_BLOB(tok.address.bytes, ADDRESS_LEN),
		    DB_BLOB(addr.bytes, ADDRESS_LEN), DB_U64(before.block), DB_U64(before.block),
		    DB_U64(before.index), DB_U64(lim),
		    DB_U64(tok.chain_id), DB_BLOB(tok.address.bytes, ADDRESS_LEN),
		    DB_BLOB(addr.bytes, ADDRESS_LEN), DB_BLOB(addr.bytes, ADDRESS_LEN),
		    DB_U64(before.block), DB_U64(before.block), DB_U64(before.index), DB_U64(lim),
		    DB_U64(lim));
	} else {
		idx = ST_ONCHAIN_TRANSFERS;
		rc = DB_EXEC(db, idx, DB_U64(tok.chain_id), DB_BLOB(tok.address.bytes, ADDRESS_LEN),
		    DB_U64(before.block), DB_U64(before.block), DB_U64(before.index),
		    DB_U64(lim));
	}
	if (rc != CB_OK)
		return http_internal_error(resp, "tokens_transfers", rc);
	doc = json_object_new_object();
	json_object_object_add(doc, "token_symbol", json_object_new_string(tok.symbol));
	list = json_object_new_array();
	json_object_object_add(doc, "transfers", list);
	while ((r = db_fetch(db, idx, &row)) == 1) {
		if (count == page.limit) {
			more = true;
			continue;
		}
		if ((e = tokens_transfer_item(&row, &tok, have_confirmed, confirmed,
		    &last)) == NULL) {
			r = -1;
			break;
		}
		json_object_array_add(list, e);
		count++;
	}
	db_done(db, idx);
	if (r < 0) {
		status = http_internal_error(resp, "tokens_transfers", CB_ERR_DB);
		goto out;
	}
	cr_json_next_cursor(doc, more, &last);
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}
