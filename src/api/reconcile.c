/*
 * reconcile.c - GET /api/v1/reconcile?token_symbol= : the ledger against
 * the chain, per token (docs/api.md, "Reconciliation").
 *
 * For each token: the total supply on chain (eth_call totalSupply at the
 * node's head), the synced supply (token_supply), the ledger's confirmed
 * and pending totals (user_balances), and the bound wallets whose synced
 * balance (token_balances) differs from their user's confirmed ledger
 * balance, with the difference, at most RECONCILE_MISMATCHES_MAX per token.
 * A node that does not answer is a 503 chain_unavailable; a contract that
 * gives no uint256 is reported on the token (onchain_error).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chainread.h"
#include "chainrpc.h"
#include "core/conf.h"
#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

/* Mismatched wallets listed per token. */
#define RECONCILE_MISMATCHES_MAX	100
/* Tokens reconciled by one request (the registry, by symbol). */
#define RECONCILE_TOKENS_MAX		100

/* The node's head per chain, asked once per request. */
struct recon_head {
	uint64_t	 chain_id;
	uint64_t	 head;
};

/* Adds "key" (signed, whole-token units) and "key_raw" (signed base units). */
static void
recon_json_signed(json_object *obj, const char *key, const struct amount *a,
    unsigned decimals)
{
	char text[AMOUNT_STR_MAX], raw_key[64], dec[U256_DEC_MAX + 1];
	size_t n;

	snprintf(raw_key, sizeof(raw_key), "%s_raw", key);
	n = amount_format(a, decimals, false, text, sizeof(text));
	json_object_object_add(obj, key, n > 0 ? json_object_new_string_len(text, (int)n) : NULL);
	dec[0] = '-';
	n = u256_to_dec(&a->mag, dec + 1, sizeof(dec) - 1);
	json_object_object_add(obj, raw_key, n == 0 ? NULL :
	    a->neg ? json_object_new_string_len(dec, (int)n + 1) :
	    json_object_new_string_len(dec + 1, (int)n));
}

/* Reads a signed DECIMAL(65,0) column; false when NULL or malformed. */
static bool
recon_col_amount(const struct db_row *row, unsigned col, struct amount *out)
{
	return row->val[col] != NULL &&
	    amount_from_db(out, row->val[col], row->len[col]) == 0;
}

/* *d = on - ledger, signed and unbounded by the 65-digit range; false on
 * overflow. */
static bool
recon_difference(const u256 *on, const struct amount *ledger, struct amount *d)
{
	memset(d, 0, sizeof(*d));
	if (ledger->neg)
		return u256_add(&d->mag, on, &ledger->mag) == 0;
	if (u256_cmp(on, &ledger->mag) >= 0) {
		u256_sub(&d->mag, on, &ledger->mag);
	} else {
		u256_sub(&d->mag, &ledger->mag, on);
		d->neg = true;
	}
	return true;
}

/* The mismatched wallets of tok into a new "mismatches" array of e. */
static enum cb_err
recon_mismatches(struct db *db, const struct token *tok, json_object *e)
{
	json_object *list = json_object_new_array(), *m;
	struct db_row row;
	struct amount ledger, diff;
	unsigned count = 0;
	bool more = false;
	u256 synced;
	enum cb_err rc;
	int r;

	json_object_object_add(e, "mismatches", list);
	if ((rc = DB_EXEC(db, ST_RECON_MISMATCHES, DB_U64(tok->id),
	    DB_BLOB(tok->address.bytes, ADDRESS_LEN), DB_U64(tok->chain_id),
	    DB_U64(RECONCILE_MISMATCHES_MAX + 1))) != CB_OK)
		return rc;
	/* user_id, address, confirmed, synced balance, LOWER(HEX(raw)) */
	while ((r = db_fetch(db, ST_RECON_MISMATCHES, &row)) == 1) {
		if (count == RECONCILE_MISMATCHES_MAX) {
			more = true;
			continue;
		}
		if (!recon_col_amount(&row, 2, &ledger)) {
			r = -1;
			break;
		}
		if (row.val[3] == NULL && row.val[4] == NULL)
			u256_zero(&synced);
		else if (!cr_value_from_row(row.val[3], row.len[3], row.val[4], row.len[4],
		    &synced)) {
			r = -1;
			break;
		}
		m = json_object_new_object();
		ledger_json_str(m, "user_id", row.val[0], row.len[0]);
		ledger_json_address(m, "address", row.val[1], row.len[1]);
		cr_json_u256(m, "onchain_balance", &synced, tok->decimals);
		recon_json_signed(m, "ledger_confirmed_balance", &ledger, tok->decimals);
		if (recon_difference(&synced, &ledger, &diff)) {
			char text[AMOUNT_STR_MAX], dec[U256_DEC_MAX + 1];
			size_t n;

			/* Signed both ways: "+5.0" / "-5.0". */
			n = amount_format(&diff, tok->decimals, true, text, sizeof(text));
			json_object_object_add(m, "difference", n > 0 ?
			    json_object_new_string_len(text, (int)n) : NULL);
			dec[0] = diff.neg ? '-' : '+';
			n = u256_to_dec(&diff.mag, dec + 1, sizeof(dec) - 1);
			json_object_object_add(m, "difference_raw", n > 0 ?
			    json_object_new_string_len(dec, (int)n + 1) : NULL);
		} else {
			cr_json_u256_null(m, "difference");
		}
		json_object_array_add(list, m);
		count++;
	}
	db_done(db, ST_RECON_MISMATCHES);
	json_object_object_add(e, "mismatches_truncated", json_object_new_boolean(more));
	return r < 0 ? CB_ERR_DB : CB_OK;
}

/* The synced supply and the ledger totals of tok into e. */
static enum cb_err
recon_stored(struct db *db, const struct token *tok, json_object *e, bool *have_synced,
    u256 *synced)
{
	struct db_row row;
	u256 confirmed, pending;
	enum cb_err rc;
	int r;

	*have_synced = false;
	if ((rc = DB_EXEC(db, ST_ONCHAIN_SUPPLY, DB_U64(tok->chain_id), DB_U64(tok->chain_id),
	    DB_BLOB(tok->address.bytes, ADDRESS_LEN))) != CB_OK)
		return rc;
	/* last synced block, supply, raw, updated_block */
	r = db_fetch(db, ST_ONCHAIN_SUPPLY, &row);
	if (r == 1) {
		if (row.val[1] == NULL && row.val[2] == NULL) {
			u256_zero(synced);
			*have_synced = true;
		} else {
			*have_synced = cr_value_from_row(row.val[1], row.len[1], row.val[2],
			    row.len[2], synced);
		}
		if (*have_synced) {
			cr_json_u256(e, "synced_supply", synced, tok->decimals);
			ledger_json_u64(e, "synced_block", &row, 0);
		}
	}
	db_done(db, ST_ONCHAIN_SUPPLY);
	if (!*have_synced)
		return CB_ERR_DB;
	if ((rc = DB_EXEC(db, ST_RECON_LEDGER_TOTALS, DB_U64(tok->id))) != CB_OK)
		return rc;
	/* sum confirmed, sum pending, rows.  A sum of balances may pass 65
	 * digits (each balance is below 10^65, their sum need not be): read
	 * it as a 256-bit integer, never as a ledger amount. */
	r = db_fetch(db, ST_RECON_LEDGER_TOTALS, &row);
	if (r == 1 && row.val[0] != NULL && row.val[1] != NULL &&
	    u256_from_dec(&confirmed, row.val[0], row.len[0]) == 0 &&
	    u256_from_dec(&pending, row.val[1], row.len[1]) == 0) {
		cr_json_u256(e, "ledger_confirmed_total", &confirmed, tok->decimals);
		cr_json_u256(e, "ledger_pending_total", &pending, tok->decimals);
		ledger_json_u64(e, "ledger_balances", &row, 2);
	} else {
		r = -1;
	}
	db_done(db, ST_RECON_LEDGER_TOTALS);
	return r == 1 ? CB_OK : CB_ERR_DB;
}

/*
 * One token's entry.  Returns 0 with the entry in *out, or the status it
 * answered with (a node that does not answer, a store error).
 */
static int
recon_token(struct req *req, struct resp *resp, const struct token *tok,
    struct recon_head *heads, size_t *nheads, json_object **out)
{
	struct db *db = req->w->db;
	struct chainrpc_error cerr;
	struct chainrpc *rpc = NULL;
	json_object *e;
	const char *onchain_error = NULL;
	uint64_t head = 0;
	bool have_onchain = false, have_synced, have_head = false;
	u256 onchain, synced;
	enum cb_err rc;
	size_t i;

	*out = NULL;
	rc = chainrpc_get(req->w->cfg, tok->chain_id, &rpc);
	if (rc == CB_ERR_NOT_FOUND)
		onchain_error = "chain_not_configured";
	else if (rc != CB_OK)
		return http_internal_error(resp, "reconcile", rc);
	if (rpc != NULL) {
		for (i = 0; i < *nheads; i++) {
			if (heads[i].chain_id == tok->chain_id) {
				head = heads[i].head;
				have_head = true;
			}
		}
		if (!have_head) {
			if ((rc = chainrpc_head(rpc, &head, &cerr)) != CB_OK)
				return chainrpc_error_reply(resp, "reconcile", rpc, rc, &cerr);
			if (*nheads < CONFIG_MAX_CHAINS) {
				heads[*nheads].chain_id = tok->chain_id;
				heads[(*nheads)++].head = head;
			}
		}
		rc = chainrpc_call_uint(rpc, &tok->address, "totalSupply()", NULL, head,
		    &onchain, &cerr);
		if (rc == CB_OK)
			have_onchain = true;
		else if (rc == CB_ERR_RPC)
			onchain_error = "call_failed";
		else if (rc == CB_ERR_INVALID)
			onchain_error = "not_a_token";	/* no code, or no uint256 */
		else
			return chainrpc_error_reply(resp, "reconcile", rpc, rc, &cerr);
	}
	e = json_object_new_object();
	json_object_object_add(e, "token_symbol", json_object_new_string(tok->symbol));
	json_object_object_add(e, "chain_id", json_object_new_uint64(tok->chain_id));
	json_object_object_add(e, "block", rpc != NULL ? json_object_new_uint64(head) : NULL);
	if (have_onchain)
		cr_json_u256(e, "onchain_supply", &onchain, tok->decimals);
	else
		cr_json_u256_null(e, "onchain_supply");
	json_object_object_add(e, "onchain_error", onchain_error != NULL ?
	    json_object_new_string(onchain_error) : NULL);
	if ((rc = recon_stored(db, tok, e, &have_synced, &synced)) != CB_OK ||
	    (rc = recon_mismatches(db, tok, e)) != CB_OK) {
		json_object_put(e);
		return http_internal_error(resp, "reconcile", rc);
	}
	json_object_object_add(e, "supply_matches", have_onchain ?
	    json_object_new_boolean(u256_cmp(&onchain, &synced) == 0) : NULL);
	*out = e;
	return 0;
}

int
h_reconcile(struct req *req, struct resp *resp)
{
	static struct token tokens[RECONCILE_TOKENS_MAX];
	struct recon_head heads[CONFIG_MAX_CHAINS];
	struct db *db = req->w->db;
	struct json_verr err;
	struct db_row row;
	json_object *doc, *list, *e;
	const char *s;
	size_t n, ntokens = 0, nheads = 0, i;
	bool more = false;
	enum cb_err rc;
	int status, r;

	if (req_query(req, "token_symbol", &s, &n)) {
		rc = CB_ERR_NOT_FOUND;
		if (registry_symbol_valid(s, n))
			rc = ledger_token_get(db, s, n, &tokens[0]);
		if (rc == CB_ERR_NOT_FOUND) {
			json_verr_set(&err, "token_symbol", "unknown_token",
			    "no token is registered with this symbol");
			return http_error_verr(resp, &err);
		}
		if (rc != CB_OK)
			return http_internal_error(resp, "reconcile", rc);
		ntokens = 1;
	} else {
		if ((rc = DB_EXEC0(db, ST_TOKEN_LIST)) != CB_OK)
			return http_internal_error(resp, "reconcile", rc);
		while ((r = db_fetch(db, ST_TOKEN_LIST, &row)) == 1) {
			if (ntokens == RECONCILE_TOKENS_MAX) {
				more = true;
				continue;
			}
			if (registry_token_from_row(&row, &tokens[ntokens]) != CB_OK) {
				r = -1;
				break;
			}
			ntokens++;
		}
		db_done(db, ST_TOKEN_LIST);
		if (r < 0)
			return http_internal_error(resp, "reconcile", CB_ERR_DB);
	}
	doc = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(doc, "tokens", list);
	for (i = 0; i < ntokens; i++) {
		if ((status = recon_token(req, resp, &tokens[i], heads, &nheads, &e)) != 0)
			goto out;
		json_object_array_add(list, e);
	}
	json_object_object_add(doc, "tokens_truncated", json_object_new_boolean(more));
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}
