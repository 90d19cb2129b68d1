/*
 * settle.c - what the settlement roles share (settle.h): their state, the
 * token cache, the settlement call data, the node calls, and the store
 * writes more than one role makes.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/log.h"
#include "core/monotime.h"
#include "eth/abi.h"
#include "ledger/status.h"
#include "settle.h"
#include "store/stmts.h"

struct settle_state *
settle_state(struct chaind *cd)
{
	struct settle_state *s;

	if (cd->settle != NULL)
		return cd->settle;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	fees_cap(cd->chain->max_fee_gwei, &s->fee_cap);
	u256_from_u64(&s->min_balance, cd->chain->signer_min_balance_gwei);
	(void)u256_mul_u64(&s->min_balance, &s->min_balance, FEES_GWEI);
	cd->settle = s;
	return s;
}

void
settle_cleanup(struct chaind *cd)
{
	free(cd->settle);
	cd->settle = NULL;
	cd->have_stuck_nonce = false;
}

struct settle_token *
settle_token(struct chaind *cd, uint32_t id, enum cb_err *rc)
{
	struct settle_state *s = cd->settle;
	struct settle_token *t;
	struct token tok;
	struct db_row row;
	size_t i;
	int r;

	*rc = CB_OK;
	for (i = 0; i < s->ntokens; i++)
		if (s->tokens[i].id == id)
			return &s->tokens[i];
	if ((*rc = DB_EXEC(cd->db, ST_SETTLE_TOKEN_BY_ID, DB_U64(id))) != CB_OK)
		return NULL;
	r = db_fetch(cd->db, ST_SETTLE_TOKEN_BY_ID, &row);
	if (r == 1 && registry_token_from_row(&row, &tok) != CB_OK)
		r = -1;
	db_done(cd->db, ST_SETTLE_TOKEN_BY_ID);
	if (r != 1) {
		*rc = r == 0 ? CB_ERR_NOT_FOUND : CB_ERR_DB;
		return NULL;
	}
	if (s->ntokens == SETTLE_TOKENS_MAX)
		s->ntokens = 0;		/* start the cache over */
	t = &s->tokens[s->ntokens++];
	memset(t, 0, sizeof(*t));
	t->id = tok.id;
	snprintf(t->symbol, sizeof(t->symbol), "%s", tok.symbol);
	t->address = tok.address;
	t->settlement = tok.settlement;
	return t;
}

void
settle_defer(struct chaind *cd, uint64_t batch_id, uint64_t ms)
{
	struct settle_state *s = cd->settle;
	uint64_t now = monotime_ms();
	size_t i, slot = 0;

	for (i = 0; i < SETTLE_DEFER_MAX; i++) {
		if (s->defer[i].batch_id == batch_id) {
			slot = i;
			break;
		}
		if (s->defer[i].until_ms < s->defer[slot].until_ms)
			slot = i;
	}
	s->defer[slot].batch_id = batch_id;
	s->defer[slot].until_ms = now + ms;
}

bool
settle_deferred(struct chaind *cd, uint64_t batch_id)
{
	struct settle_state *s = cd->settle;
	uint64_t now = monotime_ms();
	size_t i;

	for (i = 0; i < SETTLE_DEFER_MAX; i++)
		if (s->defer[i].batch_id == batch_id && s->defer[i].until_ms > now)
			return true;
	return false;
}

const char *
settle_op_name(enum settle_op op)
{
	return op == SETTLE_BURN ? "burn" : "mint";
}

bool
settle_op_parse(const char *s, size_t len, enum settle_op *out)
{
	if (len == 4 && memcmp(s, "mint", 4) == 0)
		*out = SETTLE_MINT;
	else if (len == 4 && memcmp(s, "burn", 4) == 0)
		*out = SETTLE_BURN;
	else
		return false;
	return true;
}

const char *
settle_dec(const u256 *v, char *out, size_t cap)
{
	if (u256_to_dec(v, out, cap) == 0)
		snprintf(out, cap, "?");
	return out;
}

const char *
settle_hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
	if (hex_encode(out, cap, p, n, true) == 0)
		snprintf(out, cap, "0x");
	return out;
}

enum cb_err
settle_calldata(const struct settle_batch *b, const size_t *idx, size_t n, uint8_t **out,
    size_t *len)
{
	static const char *const sigs[2][2] = {
		{ "batchMint(address[],uint256[])", "batchBurn(address[],uint256[])" },
		{ "batchMint(bytes32,address[],uint256[])",
		  "batchBurn(bytes32,address[],uint256[])" },
	};
	uint8_t sel[ABI_SELECTOR_LEN];
	struct address *wallets = NULL;
	u256 *amounts = NULL;
	struct abi_enc e;
	bool keyed = b->token->settlement == TOKEN_SETTLE_KEYED;
	enum cb_err rc = CB_ERR_NOMEM;
	size_t i;

	*out = NULL;
	*len = 0;
	if (n == 0)
		return CB_ERR_INVALID;
	if ((wallets = calloc(n, sizeof(*wallets))) == NULL ||
	    (amounts = calloc(n, sizeof(*amounts))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		const struct plan_item *it = &b->items[idx != NULL ? idx[i] : i];

		wallets[i] = it->wallet;
		amounts[i] = it->amount;
	}
	abi_selector(sigs[keyed][b->op == SETTLE_BURN], sel);
	abi_enc_init(&e, sel, SETTLE_CALLDATA_MAX);
	if (keyed)
		(void)abi_enc_bytes32(&e, b->key);
	(void)abi_enc_address_array(&e, wallets, n);
	(void)abi_enc_uint256_array(&e, amounts, n);
	rc = abi_enc_finish(&e, out, len);
out:
	free(wallets);
	free(amounts);
	return rc;
}

void
settle_batch_clear(struct settle_batch *b)
{
	free(b->items);
	b->items = NULL;
	b->nitems = 0;
}

enum cb_err
settle_items_load(struct db *db, struct settle_batch *b)
{
	struct plan_item *items = NULL, *grown;
	struct amount a;
	struct db_row row;
	size_t n = 0, cap = 0;
	enum cb_err rc;
	int r;

	settle_batch_clear(b);
	if ((rc = DB_EXEC(db, ST_SETTLE_ITEMS_GET, DB_U64(b->id))) != CB_OK)
		return rc;
	while ((r = db_fetch(db, ST_SETTLE_ITEMS_GET, &row)) == 1) {
		if (n == SETTLE_ITEMS_MAX || row.val[SETTLE_ITEM_COL_WALLET] == NULL ||
		    row.len[SETTLE_ITEM_COL_WALLET] != ADDRESS_LEN ||
		    amount_from_db(&a, row.val[SETTLE_ITEM_COL_AMOUNT],
		    row.len[SETTLE_ITEM_COL_AMOUNT]) != 0 || a.neg ||
		    amount_is_zero(&a)) {
			r = -1;
			break;
		}
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((grown = realloc(items, cap * sizeof(*items))) == NULL) {
				db_done(db, ST_SETTLE_ITEMS_GET);
				free(items);
				return CB_ERR_NOMEM;
			}
			items = grown;
		}
		memcpy(items[n].wallet.bytes, row.val[SETTLE_ITEM_COL_WALLET], ADDRESS_LEN);
		items[n].amount = a.mag;
		n++;
	}
	db_done(db, ST_SETTLE_ITEMS_GET);
	if (r < 0) {
		free(items);
		return CB_ERR_DB;
	}
	b->items = items;
	b->nitems = n;
	return CB_OK;
}

enum cb_err
settle_changes_return(struct chaind *cd, uint64_t batch_id, enum change_status from,
    const char *error)
{
	/* Both ways out are transitions of the table. */
	if (!change_transition_ok(from, CHANGE_RECORDED) ||
	    !change_transition_ok(from, CHANGE_FAILED))
		return CB_ERR_INTERNAL;
	return DB_EXEC(cd->db, ST_SETTLE_CHANGES_RETURN,
	    DB_STR(error, strnlen(error, SETTLE_ERROR_MAX)),
	    DB_U64(cd->chain->max_settle_attempts), DB_U64(batch_id),
	    DB_CSTR(change_status_name(from)));
}

enum cb_err
settle_rpc_failed(struct chaind *cd, const char *method, enum cb_err rc,
    const struct rpc_error *err)
{
	char q[LOG_Q_MAX];
	const char *cls;

	if (rc == CB_ERR_RPC && err != NULL)
		cls = rpc_errclass_name(err->errclass);
	else if (rc == CB_ERR_RPC_TRANSPORT)
		cls = "transport";
	else if (rc == CB_ERR_INVALID || rc == CB_ERR_TOO_LARGE)
		cls = "bad_response";
	else
		cls = cb_errcode(rc);
	chaind_count(cd, "rpc_errors", cls, 1);
	log_warnx("rpc_error", "chain=%s method=%s class=%s detail=%s", cd->chain->name,
	    method, cls, err != NULL ? log_q(q, sizeof(q), err->message,
	    strlen(err->message)) : "\"\"");
	return rc;
}

/* ------------------------------------------------------- node calls */

enum cb_err
settle_rpc_call(struct chaind *cd, const struct address *to, const uint8_t *data, size_t len,
    struct rpc_block_ref ref, uint8_t **out, size_t *out_len, struct rpc_error *err)
{
	struct rpc_call_msg msg = {
		.from = &cd->signer, .to = to, .data = data, .data_len = len,
	};

	return rpc_eth_call(cd->rpc, &msg, ref, out, out_len, err);
}

enum cb_err
settle_rpc_estimate(struct chaind *cd, const struct address *to, const uint8_t *data,
    size_t len, uint64_t *gas, struct rpc_error *err)
{
	struct rpc_call_msg msg = {
		.from = &cd->signer, .to = to, .data = data, .data_len = len,
	};

	return rpc_eth_estimate_gas(cd->rpc, &msg, gas, err);
}

enum cb_err
settle_rpc_send(struct chaind *cd, const uint8_t *raw, size_t len, struct rpc_error *err)
{
	struct hash32 hash;

	return rpc_eth_send_raw_transaction(cd->rpc, raw, len, &hash, err);
}

enum cb_err
settle_rpc_nonce(struct chaind *cd, struct rpc_block_ref ref, uint64_t *nonce,
    struct rpc_error *err)
{
	return rpc_eth_get_transaction_count(cd->rpc, &cd->signer, ref, nonce, err);
}

enum cb_err
settle_rpc_signer_balance(struct chaind *cd, u256 *wei, struct rpc_error *err)
{
	struct rpc_block_ref latest = { .tag = RPC_BLOCK_LATEST };

	return rpc_eth_get_balance(cd->rpc, &cd->signer, latest, wei, err);
}

enum cb_err
settle_rpc_head(struct chaind *cd, uint64_t *head, struct rpc_error *err)
{
	enum cb_err rc;

	if ((rc = rpc_eth_block_number(cd->rpc, head, err)) == CB_OK)
		cd->head = *head;
	return rc;
}

enum cb_err
settle_rpc_tag_number(struct chaind *cd, enum rpc_block_tag tag, uint64_t *number,
    struct rpc_error *err)
{
	struct rpc_block_ref ref = { .tag = tag };
	struct rpc_block blk;
	enum cb_err rc;

	if ((rc = rpc_eth_get_block_by_number(cd->rpc, ref, &blk, err)) != CB_OK)
		return rc;
	*number = blk.number;
	rpc_block_clear(&blk);
	return CB_OK;
}

enum cb_err
settle_rpc_block_hash(struct chaind *cd, uint64_t number, uint8_t hash[32],
    struct rpc_error *err)
{
	struct rpc_block_ref ref = { .tag = RPC_BLOCK_NUMBER, .number = number };
	struct rpc_block blk;
	enum cb_err rc;

	if ((rc = rpc_eth_get_block_by_number(cd->rpc, ref, &blk, err)) != CB_OK)
		return rc;
	memcpy(hash, blk.hash.bytes, 32);
	rpc_block_clear(&blk);
	return CB_OK;
}

enum cb_err
settle_rpc_has_code(struct chaind *cd, const struct address *a, bool *has_code,
    struct rpc_error *err)
{
	json_object *params, *res = NULL;
	char addr[ADDRESS_STR_SIZE];
	enum cb_err rc;

	address_to_lower(a, addr);
	if ((params = json_object_new_array()) == NULL ||
	    json_object_array_add(params, json_object_new_string(addr)) != 0 ||
	    json_object_array_add(params, json_object_new_string("latest")) != 0) {
		json_object_put(params);
		return CB_ERR_NOMEM;
	}
	rc = rpc_call(cd->rpc, "eth_getCode", params, &res, err);
	json_object_put(params);
	if (rc != CB_OK)
		return rc;
	if (res == NULL || !json_object_is_type(res, json_type_string)) {
		json_object_put(res);
		return CB_ERR_INVALID;
	}
	/* "0x" (or "0x0" from some nodes) is no code. */
	*has_code = json_object_get_string_len(res) > 3;
	json_object_put(res);
	return CB_OK;
}

enum cb_err
settle_rpc_balance_of(struct chaind *cd, const struct address *token,
    const struct address *holder, struct rpc_block_ref ref, u256 *out, struct rpc_error *err)
{
	uint8_t sel[ABI_SELECTOR_LEN], *data = NULL, *res = NULL;
	size_t len = 0, rlen = 0;
	struct abi_enc e;
	enum cb_err rc;

	abi_selector("balanceOf(address)", sel);
	abi_enc_init(&e, sel, 64);
	(void)abi_enc_address(&e, holder);
	if ((rc = abi_enc_finish(&e, &data, &len)) != CB_OK)
		return rc;
	rc = settle_rpc_call(cd, token, data, len, ref, &res, &rlen, err);
	if (rc == CB_OK && abi_dec_uint256(res, rlen, 0, out) != CB_OK)
		rc = CB_ERR_INVALID;
	free(data);
	free(res);
	return rc;
}

enum cb_err
settle_rpc_key_processed(struct chaind *cd, const struct address *token, const uint8_t key[32],
    bool *processed, struct rpc_error *err)
{
	struct rpc_block_ref latest = { .tag = RPC_BLOCK_LATEST };
	uint8_t sel[ABI_SELECTOR_LEN], *data = NULL, *res = NULL;
	size_t len = 0, rlen = 0;
	struct abi_enc e;
	enum cb_err rc;

	abi_selector("processedBatches(bytes32)", sel);
	abi_enc_init(&e, sel, 64);
	(void)abi_enc_bytes32(&e, key);
	if ((rc = abi_enc_finish(&e, &data, &len)) != CB_OK)
		return rc;
	rc = settle_rpc_call(cd, token, data, len, latest, &res, &rlen, err);
	if (rc == CB_OK && abi_dec_bool(res, rlen, 0, processed) != CB_OK)
		rc = CB_ERR_INVALID;
	free(data);
	free(res);
	return rc;
}

enum cb_err
settle_rpc_market_fees(struct chaind *cd, struct fee_quote *out, struct rpc_error *err)
{
	static const uint8_t pct[] = { 50 };
	struct rpc_block_ref latest = { .tag = RPC_BLOCK_LATEST };
	struct rpc_fee_history fh;
	u256 tips[16], base;
	size_t i, n;
	enum cb_err rc;

	if ((rc = rpc_eth_fee_history(cd->rpc, 10, latest, pct, 1, &fh, err)) != CB_OK)
		return rc;
	if (fh.base_fee_count == 0) {
		rpc_fee_history_clear(&fh);
		return CB_ERR_INVALID;
	}
	/* The last base fee is the next block's. */
	base = fh.base_fee_per_gas[fh.base_fee_count - 1];
	n = fh.block_count < 16 ? fh.block_count : 16;
	for (i = 0; i < n && fh.percentile_count == 1; i++)
		tips[i] = *rpc_fee_history_reward(&fh, i, 0);
	if (fh.percentile_count != 1)
		n = 0;
	fees_market(tips, n, &base, &cd->settle->fee_cap, out);
	rpc_fee_history_clear(&fh);
	return CB_OK;
}

/* The hashes as the typed calls take them (the caller frees it). */
static struct hash32 *
settle_hash32s(const uint8_t (*hashes)[32], size_t n)
{
	struct hash32 *h;
	size_t i;

	if ((h = calloc(n, sizeof(*h))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		memcpy(h[i].bytes, hashes[i], 32);
	return h;
}

/* The client's batch limit: longer lists go in several batches. */
static size_t
settle_batch_max(struct chaind *cd)
{
	size_t max = rpc_client_opts(cd->rpc)->max_batch;

	return max > 0 && max < 256 ? max : 256;
}

/* Appends eth_call(from signer, to token, balanceOf(holder)) at latest. */
static enum cb_err
settle_batch_add_balance_of(struct chaind *cd, struct rpc_batch *rb,
    const struct address *token, const struct address *holder)
{
	uint8_t call[ABI_SELECTOR_LEN + 32];
	char from[ADDRESS_STR_SIZE], to[ADDRESS_STR_SIZE], data[2 + 2 * sizeof(call) + 1];
	json_object *params, *msg;
	enum cb_err rc;

	memset(call, 0, sizeof(call));
	abi_selector("balanceOf(address)", call);
	memcpy(call + ABI_SELECTOR_LEN + 12, holder->bytes, ADDRESS_LEN);
	address_to_lower(&cd->signer, from);
	address_to_lower(token, to);
	(void)hex_encode(data, sizeof(data), call, sizeof(call), true);
	params = json_object_new_array();
	msg = json_object_new_object();
	if (params == NULL || msg == NULL) {
		json_object_put(params);
		json_object_put(msg);
		return CB_ERR_NOMEM;
	}
	json_object_object_add(msg, "from", json_object_new_string(from));
	json_object_object_add(msg, "to", json_object_new_string(to));
	json_object_object_add(msg, "data", json_object_new_string(data));
	json_object_array_add(params, msg);
	json_object_array_add(params, json_object_new_string("latest"));
	rc = rpc_batch_add(rb, "eth_call", params, NULL);
	json_object_put(params);
	return rc;
}

enum cb_err
settle_rpc_balances_of(struct chaind *cd, const struct address *token,
    const struct address *holders, size_t n, u256 *out, bool *ok, struct rpc_error *err)
{
	struct rpc_batch *rb = NULL;
	size_t off, chunk, k, max = settle_batch_max(cd);
	enum cb_err rc = CB_OK;

	memset(ok, 0, n * sizeof(*ok));
	for (off = 0; rc == CB_OK && off < n; off += chunk) {
		chunk = n - off < max ? n - off : max;
		rpc_batch_free(rb);
		if ((rb = rpc_batch_new()) == NULL)
			return CB_ERR_NOMEM;
		for (k = 0; rc == CB_OK && k < chunk; k++)
			rc = settle_batch_add_balance_of(cd, rb, token, &holders[off + k]);
		if (rc != CB_OK || (rc = rpc_batch_send(cd->rpc, rb, err)) != CB_OK)
			break;
		for (k = 0; k < chunk; k++) {
			json_object *res;
			uint8_t *word = NULL;
			size_t len = 0;

			if (rpc_batch_result(rb, k, &res, NULL) == CB_OK && res != NULL &&
			    json_object_is_type(res, json_type_string) &&
			    rpc_parse_data(json_object_get_string(res),
			    (size_t)json_object_get_string_len(res), 64, &word, &len) == CB_OK &&
			    abi_dec_uint256(word, len, 0, &out[off + k]) == CB_OK)
				ok[off + k] = true;
			free(word);
		}
	}
	rpc_batch_free(rb);
	return rc;
}

enum cb_err
settle_rpc_receipts(struct chaind *cd, const uint8_t (*hashes)[32], size_t n,
    struct rpc_receipt *receipts, enum cb_err *statuses, struct rpc_error *err)
{
	struct hash32 *h;
	size_t off, chunk, max = settle_batch_max(cd);
	enum cb_err rc = CB_OK;

	memset(receipts, 0, n * sizeof(*receipts));
	if (n == 0)
		return CB_OK;
	if ((h = settle_hash32s(hashes, n)) == NULL)
		return CB_ERR_NOMEM;
	for (off = 0; rc == CB_OK && off < n; off += chunk) {
		chunk = n - off < max ? n - off : max;
		rc = rpc_eth_get_transaction_receipts(cd->rpc, h + off, chunk, receipts + off,
		    statuses + off, err);
	}
	free(h);
	return rc;
}

enum cb_err
settle_rpc_known(struct chaind *cd, const uint8_t (*hashes)[32], size_t n, bool *known,
    struct rpc_error *err)
{
	struct hash32 *h;
	struct rpc_tx *txs = NULL;
	enum cb_err *st = NULL, rc = CB_OK;
	size_t off, chunk, i, max = settle_batch_max(cd);

	if (n == 0)
		return CB_OK;
	h = settle_hash32s(hashes, n);
	txs = calloc(n, sizeof(*txs));
	st = calloc(n, sizeof(*st));
	if (h == NULL || txs == NULL || st == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (off = 0; rc == CB_OK && off < n; off += chunk) {
		chunk = n - off < max ? n - off : max;
		rc = rpc_eth_get_transactions_by_hash(cd->rpc, h + off, chunk, txs + off,
		    st + off, err);
	}
	for (i = 0; i < n; i++) {
		/* Anything but "unknown" counts as known: never re-send on a
		 * doubtful answer. */
		known[i] = rc != CB_OK || st[i] != CB_ERR_NOT_FOUND;
		rpc_tx_clear(&txs[i]);
	}
out:
	free(h);
	free(txs);
	free(st);
	return rc;
}

enum cb_err
settle_simulate(struct chaind *cd, const struct address *to, const uint8_t *data, size_t len,
    struct rpc_block_ref ref, struct refusal *rev, struct rpc_error *err)
{
	uint8_t *out = NULL, buf[RPC_REVERT_DATA_MAX];
	size_t out_len = 0, blen = 0;
	enum cb_err rc;

	memset(rev, 0, sizeof(*rev));
	rc = settle_rpc_call(cd, to, data, len, ref, &out, &out_len, err);
	free(out);
	if (rc != CB_ERR_RPC)
		return rc;
	/* A revert (with its data, or with none); any other node error tells
	 * nothing about the call. */
	if (err->errclass != RPC_ERRCLASS_REVERTED)
		return CB_ERR_RPC_TRANSPORT;
	switch (rpc_error_revert_data(err, buf, sizeof(buf), &blen)) {
	case CB_OK:
		refusal_decode(buf, blen, rev);
		break;
	case CB_ERR_NOT_FOUND:
		refusal_decode(NULL, 0, rev);
		break;
	default:
		refusal_decode(NULL, 0, rev);
		rev->kind = REFUSAL_UNKNOWN;
		snprintf(rev->text, sizeof(rev->text), "reverted; the node's revert data"
		    " does not decode");
		break;
	}
	return CB_ERR_RPC;
}

enum cb_err
settle_check_signer_balance(struct chaind *cd)
{
	struct settle_state *s = cd->settle;
	struct rpc_error err;
	char have[U256_DEC_MAX], want[U256_DEC_MAX];
	uint64_t now = monotime_ms();
	enum cb_err rc;
	u256 wei;

	if ((rc = settle_rpc_signer_balance(cd, &wei, &err)) != CB_OK)
		return settle_rpc_failed(cd, "eth_getBalance", rc, &err);
	cd->have_signer_balance = true;
	cd->signer_balance = wei;
	cd->signer_balance_low = u256_cmp(&wei, &s->min_balance) < 0;
	if (!cd->signer_balance_low) {
		s->balance_alert_ms = 0;
		return CB_OK;
	}
	if (s->balance_alert_ms == 0 || now - s->balance_alert_ms >= 60000) {
		s->balance_alert_ms = now;
		log_warnx("signer_balance_low", "chain=%s balance_wei=%s min_wei=%s",
		    cd->chain->name, settle_dec(&wei, have, sizeof(have)),
		    settle_dec(&s->min_balance, want, sizeof(want)));
	}
	return CB_OK;
}

/* ------------------------------------------------------------- drift */

struct holder {
	struct address	 wallet;
	bool		 bound;		/* a user's wallet */
	struct amount	 ledger;
	u256		 chain;
	bool		 have_chain;
};

struct drift {
	struct chaind		*cd;
	const struct settle_token *token;
	struct holder		*h;
	size_t			 n;
};

static bool
holder_agrees(const struct holder *h)
{
	return !h->ledger.neg && u256_cmp(&h->ledger.mag, &h->chain) == 0;
}

static enum cb_err
drift_txn(struct db *db, void *arg)
{
	struct drift *d = arg;
	char subject[160], tok[ADDRESS_STR_SIZE], who[ADDRESS_STR_SIZE];
	char want[AMOUNT_DB_MAX], have[U256_DEC_MAX];
	enum cb_err rc;
	size_t i;

	if ((rc = lease_fence(db, &d->cd->lease)) != CB_OK)
		return rc;
	address_to_lower(&d->token->address, tok);
	for (i = 0; i < d->n; i++) {
		const struct holder *h = &d->h[i];

		if (!h->have_chain || !h->bound)
			continue;
		address_to_lower(&h->wallet, who);
		snprintf(subject, sizeof(subject), "token:%s:holder:%s", tok, who);
		if (holder_agrees(h)) {
			rc = issue_resolve(db, d->cd->chain->chain_id, "ledger", subject);
		} else {
			if (amount_to_db(&h->ledger, want, sizeof(want)) == 0)
				snprintf(want, sizeof(want), "?");
			rc = issue_report(db, d->cd->chain->chain_id, "ledger", subject, want,
			    settle_dec(&h->chain, have, sizeof(have)));
		}
		if (rc != CB_OK)
			return rc;
	}
	return CB_OK;
}

enum cb_err
settle_drift(struct chaind *cd, const struct settle_token *token,
    const struct address *wallets, size_t n)
{
	struct drift d = { .cd = cd, .token = token };
	struct address *bound = NULL;
	struct rpc_error err;
	struct db_row row;
	char addr[ADDRESS_STR_SIZE], want[AMOUNT_DB_MAX], have[U256_DEC_MAX];
	enum cb_err rc = CB_OK;
	u256 *chain = NULL;
	bool *got = NULL;
	size_t i, k;
	int r;

	if (n == 0)
		return CB_OK;
	d.h = calloc(n, sizeof(*d.h));
	bound = calloc(n, sizeof(*bound));
	chain = calloc(n, sizeof(*chain));
	got = calloc(n, sizeof(*got));
	if (d.h == NULL || bound == NULL || chain == NULL || got == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	d.n = n;
	for (i = 0; rc == CB_OK && i < n; i++) {
		d.h[i].wallet = wallets[i];
		rc = DB_EXEC(cd->db, ST_SETTLE_HOLDER_LEDGER, DB_U64(token->id),
		    DB_U64(cd->chain->chain_id), DB_BLOB(wallets[i].bytes, ADDRESS_LEN));
		if (rc != CB_OK)
			break;
		r = db_fetch(cd->db, ST_SETTLE_HOLDER_LEDGER, &row);
		if (r == 1 && amount_from_db(&d.h[i].ledger, row.val[SCALAR_COL_VALUE],
		    row.len[SCALAR_COL_VALUE]) != 0)
			r = -1;
		db_done(cd->db, ST_SETTLE_HOLDER_LEDGER);
		if (r < 0)
			rc = CB_ERR_DB;
		d.h[i].bound = r == 1;
	}
	/* The bound wallets' balanceOf, in JSON-RPC batches (a batch of a
	 * thousand items would otherwise make a thousand round trips); a
	 * wallet not read is checked again after its next batch. */
	for (i = 0, k = 0; rc == CB_OK && i < n; i++)
		if (d.h[i].bound)
			bound[k++] = wallets[i];
	if (rc == CB_OK && k > 0) {
		if ((rc = settle_rpc_balances_of(cd, &token->address, bound, k, chain, got,
		    &err)) != CB_OK) {
			(void)settle_rpc_failed(cd, "eth_call(balanceOf)", rc, &err);
			rc = CB_OK;
		}
		for (i = 0, k = 0; i < n; i++) {
			if (!d.h[i].bound)
				continue;
			d.h[i].chain = chain[k];
			d.h[i].have_chain = got[k];
			k++;
		}
	}
	if (rc == CB_OK)
		rc = db_txn(cd->db, drift_txn, &d);
	for (i = 0; rc == CB_OK && i < n; i++) {
		const struct holder *h = &d.h[i];

		if (!h->have_chain || !h->bound || holder_agrees(h))
			continue;
		address_to_checksum(&h->wallet, addr);
		if (amount_to_db(&h->ledger, want, sizeof(want)) == 0)
			snprintf(want, sizeof(want), "?");
		log_warnx("ledger_drift", "chain=%s token=%s wallet=%s ledger=%s chain_balance=%s",
		    cd->chain->name, token->symbol, addr, want,
		    settle_dec(&h->chain, have, sizeof(have)));
		chaind_count(cd, "ledger_drift", token->symbol, 1);
	}
out:
	free(d.h);
	free(bound);
	free(chain);
	free(got);
	return rc;
}
