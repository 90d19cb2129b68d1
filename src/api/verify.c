/*
 * verify.c - checks against the chain itself (docs/api.md, "Verification"):
 *
 *	POST /api/v1/verify/transfer  {chain_id, tx_hash, token_symbol?, from?, to?, value?}
 *	POST /api/v1/verify/call      {chain_id, to, data, block?}
 *	POST /api/v1/verify/signature {address, message | hash, signature}
 *	POST /api/v1/verify/balance   {token_symbol, address}
 *
 * transfer, call and balance ask the chain's node (chainrpc.h: one bounded
 * attempt, 503 chain_unavailable when it does not answer); signature is
 * pure: ecrecover with libsecp256k1, EIP-2 low s enforced.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainread.h"
#include "chainrpc.h"
#include "core/hex.h"
#include "eth/abi.h"
#include "eth/keccak.h"
#include "eth/secp.h"
#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

/* Bytes of call data verify/call sends. */
#define VERIFY_CALL_DATA_MAX	65536
/* Bytes of a personal_sign message verify/signature hashes. */
#define VERIFY_MESSAGE_MAX	65536
/* Distinct token contracts looked up for one verify/transfer answer. */
#define VERIFY_TOKENS_MAX	16

static const char *const verify_transfer_keys[] = {
	"chain_id", "tx_hash", "token_symbol", "from", "to", "value", NULL
};
static const char *const verify_call_keys[] = { "chain_id", "to", "data", "block", NULL };
static const char *const verify_signature_keys[] = {
	"address", "message", "hash", "signature", NULL
};
static const char *const verify_balance_keys[] = { "token_symbol", "address", NULL };

/* 400 code naming field. */
static int
verify_bad(struct resp *resp, const char *field, const char *code, const char *message)
{
	struct json_verr err;

	json_verr_set(&err, field, code, "%s", message);
	return http_error_verr(resp, &err);
}

/* The required chain_id field, with a [chain] section here: its client. */
static int
verify_chain_or_reply(struct req *req, struct resp *resp, json_object *doc,
    uint64_t *chain_id, struct chainrpc **rpc)
{
	struct json_verr err;
	int64_t v = 0;
	enum cb_err rc;

	if (!json_get_int64(doc, "", "chain_id", true, 1, (int64_t)CR_CHAIN_ID_MAX, &v, &err))
		return http_error_verr(resp, &err);
	*chain_id = (uint64_t)v;
	rc = chainrpc_get(req->w->cfg, *chain_id, rpc);
	if (rc == CB_ERR_NOT_FOUND)
		return verify_bad(resp, "chain_id", "unknown_chain",
		    "this API has no [chain] section with this chain_id");
	if (rc != CB_OK)
		return http_internal_error(resp, "verify_chain", rc);
	return 0;
}

/* An address field: required or not (*have false when absent). */
static int
verify_address_or_reply(struct resp *resp, json_object *doc, const char *key,
    bool required, struct address *out, bool *have)
{
	struct json_verr err;
	const char *s;
	size_t n;
	int status;

	if (!json_get_string(doc, "", key, required, 0, 64, &s, &n, &err))
		return http_error_verr(resp, &err);
	*have = s != NULL;
	if (s == NULL)
		return 0;
	if ((status = cr_address_or_reply(resp, s, n, key, out)) != 0)
		return status;
	return 0;
}

/* The token_symbol field: a registered token, else 400 unknown_token. */
static int
verify_token_or_reply(struct req *req, struct resp *resp, json_object *doc, bool required,
    struct token *tok, bool *have)
{
	struct json_verr err;
	const char *s;
	size_t n;
	enum cb_err rc = CB_ERR_NOT_FOUND;

	if (!json_get_string(doc, "", "token_symbol", required, 1, 64, &s, &n, &err))
		return http_error_verr(resp, &err);
	*have = s != NULL;
	if (s == NULL)
		return 0;
	if (registry_symbol_valid(s, n))
		rc = ledger_token_get(req->w->db, s, n, tok);
	if (rc == CB_ERR_NOT_FOUND)
		return verify_bad(resp, "token_symbol", "unknown_token",
		    "no token is registered with this symbol");
	if (rc != CB_OK)
		return http_internal_error(resp, "verify_token", rc);
	return 0;
}

/* ---------------------------------------------------------------- transfer */

struct verify_transfer {
	uint64_t	 chain_id;
	uint8_t		 tx_hash[32];
	bool		 have_token, have_from, have_to, have_value;
	struct token	 token;
	struct address	 from, to;
	struct amount	 value;
};

/* A token contract of the chain as the registry knows it. */
struct verify_known {
	struct address	 address;
	bool		 found;
	char		 symbol[TOKEN_SYMBOL_MAX + 1];
	unsigned	 decimals;
};

/* Looks the token contract at addr up (once per request). */
static enum cb_err
verify_known_token(struct db *db, uint64_t chain_id, const struct address *addr,
    struct verify_known *known, size_t *nknown, const struct verify_known **out)
{
	struct verify_known *k;
	struct db_row row;
	uint64_t decimals;
	enum cb_err rc;
	size_t i;
	int r;

	for (i = 0; i < *nknown; i++) {
		if (address_eq(&known[i].address, addr)) {
			*out = &known[i];
			return CB_OK;
		}
	}
	if (*nknown == VERIFY_TOKENS_MAX) {
		*out = NULL;
		return CB_OK;
	}
	k = &known[(*nknown)++];
	memset(k, 0, sizeof(*k));
	k->address = *addr;
	if ((rc = DB_EXEC(db, ST_CHAIN_TOKEN_BY_ADDRESS, DB_U64(chain_id),
	    DB_BLOB(addr->bytes, ADDRESS_LEN))) != CB_OK)
		return rc;
	/* symbol, decimals */
	r = db_fetch(db, ST_CHAIN_TOKEN_BY_ADDRESS, &row);
	if (r == 1 && row.val[0] != NULL && row.len[0] <= TOKEN_SYMBOL_MAX &&
	    db_col_u64(&row, 1, &decimals) && decimals <= AMOUNT_DECIMALS_MAX) {
		memcpy(k->symbol, row.val[0], row.len[0] + 1);
		k->decimals = (unsigned)decimals;
		k->found = true;
	}
	db_done(db, ST_CHAIN_TOKEN_BY_ADDRESS);
	if (r < 0)
		return CB_ERR_DB;
	*out = k;
	return CB_OK;
}

/*
 * Decodes an ERC-20 Transfer log: topic 0 the event's keccak, exactly 3
 * topics (ERC-721 shares topic 0 with 4), 32 bytes of data, address words
 * with zero high bytes.  Returns false for anything else.
 */
static bool
verify_decode_transfer(const struct chain_log *l, const uint8_t topic0[32],
    struct address *from, struct address *to, u256 *value)
{
	if (l->topic_count != 3 || memcmp(l->topics[0], topic0, 32) != 0 ||
	    l->data_len != 32)
		return false;
	if (abi_word_address(l->topics[1], from) != CB_OK ||
	    abi_word_address(l->topics[2], to) != CB_OK)
		return false;
	abi_word_uint256(l->data, value);
	return true;
}

/* Parses and validates the body of verify/transfer. */
static int
verify_transfer_parse_or_reply(struct req *req, struct resp *resp, json_object *doc,
    struct verify_transfer *vt, struct chainrpc **rpc)
{
	struct json_verr err;
	json_object *v;
	const char *s;
	size_t n;
	int status;

	if ((status = verify_chain_or_reply(req, resp, doc, &vt->chain_id, rpc)) != 0)
		return status;
	if (!json_get_string(doc, "", "tx_hash", true, 1, 80, &s, &n, &err))
		return http_error_verr(resp, &err);
	if ((status = cr_hash_or_reply(resp, s, n, "tx_hash", "invalid_hash", vt->tx_hash)) != 0 ||
	    (status = verify_token_or_reply(req, resp, doc, false, &vt->token,
	    &vt->have_token)) != 0 ||
	    (status = verify_address_or_reply(resp, doc, "from", false, &vt->from,
	    &vt->have_from)) != 0 ||
	    (status = verify_address_or_reply(resp, doc, "to", false, &vt->to,
	    &vt->have_to)) != 0)
		return status;
	if (vt->have_token && vt->token.chain_id != vt->chain_id)
		return verify_bad(resp, "token_symbol", "token_chain_mismatch",
		    "the token is registered on another chain");
	if (json_object_object_get_ex(doc, "value", &v) && v != NULL) {
		if (!vt->have_token)
			return verify_bad(resp, "token_symbol", "token_symbol_required",
			    "value is in token units: give token_symbol with it");
		if ((status = ledger_amount_or_reply(resp, doc, "", "value", &vt->token, 0,
		    &vt->value)) != 0)
			return status;
		vt->have_value = true;
	}
	return 0;
}

/* Adds matches {from, to, value} (null for a field not given) and matched. */
static void
verify_transfer_matches(json_object *doc, const struct verify_transfer *vt,
    bool any_from, bool any_to, bool any_value, bool all)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "from", vt->have_from ? json_object_new_boolean(any_from) : NULL);
	json_object_object_add(m, "to", vt->have_to ? json_object_new_boolean(any_to) : NULL);
	json_object_object_add(m, "value", vt->have_value ?
	    json_object_new_boolean(any_value) : NULL);
	json_object_object_add(doc, "matches", m);
	json_object_object_add(doc, "matched", vt->have_from || vt->have_to || vt->have_value ?
	    json_object_new_boolean(all) : NULL);
}

int
h_verify_transfer(struct req *req, struct resp *resp)
{
	struct verify_known known[VERIFY_TOKENS_MAX];
	const struct verify_known *k;
	struct verify_transfer vt;
	struct chain_receipt rcpt;
	struct chainrpc_error cerr;
	struct chainrpc *rpc = NULL;
	json_object *doc, *out = NULL, *list, *e;
	struct address from, to;
	uint8_t topic0[32];
	char hex[CR_HASH_STR_SIZE];
	uint64_t head = 0;
	size_t nknown = 0, i;
	bool found, any_from = false, any_to = false, any_value = false, all = false;
	u256 value;
	enum cb_err rc;
	int status;

	memset(&rcpt, 0, sizeof(rcpt));
	if ((doc = ledger_body_or_reply(req, resp, verify_transfer_keys)) == NULL)
		return resp->status;
	memset(&vt, 0, sizeof(vt));
	if ((status = verify_transfer_parse_or_reply(req, resp, doc, &vt, &rpc)) != 0)
		goto out;
	rc = chainrpc_receipt(rpc, vt.tx_hash, &rcpt, &cerr);
	if (rc != CB_OK && rc != CB_ERR_NOT_FOUND) {
		status = chainrpc_error_reply(resp, "verify_transfer", rpc, rc, &cerr);
		goto out;
	}
	found = rc == CB_OK;
	if (found && (rc = chainrpc_head(rpc, &head, &cerr)) != CB_OK) {
		status = chainrpc_error_reply(resp, "verify_transfer", rpc, rc, &cerr);
		goto out;
	}
	out = json_object_new_object();
	json_object_object_add(out, "chain_id", json_object_new_uint64(vt.chain_id));
	hex_encode(hex, sizeof(hex), vt.tx_hash, 32, true);
	json_object_object_add(out, "tx_hash", json_object_new_string(hex));
	json_object_object_add(out, "found", json_object_new_boolean(found));
	if (found && rcpt.has_status)
		json_object_object_add(out, "status", json_object_new_string(
		    rcpt.status == 1 ? "success" : "reverted"));
	else
		json_object_object_add(out, "status", NULL);
	json_object_object_add(out, "block", found ?
	    json_object_new_uint64(rcpt.block_number) : NULL);
	json_object_object_add(out, "confirmations", json_object_new_uint64(
	    found && head >= rcpt.block_number ? head - rcpt.block_number + 1 : 0));
	list = json_object_new_array();
	json_object_object_add(out, "transfers", list);
	keccak256("Transfer(address,address,uint256)", 33, topic0);
	for (i = 0; found && i < rcpt.log_count; i++) {
		const struct chain_log *l = &rcpt.logs[i];
		bool mf, mt, mv;
		char text[ADDRESS_STR_SIZE];

		if (!verify_decode_transfer(l, topic0, &from, &to, &value))
			continue;
		if (vt.have_token && !address_eq(&l->address, &vt.token.address))
			continue;
		if ((rc = verify_known_token(req->w->db, vt.chain_id, &l->address, known,
		    &nknown, &k)) != CB_OK) {
			status = http_internal_error(resp, "verify_transfer", rc);
			goto out;
		}
		e = json_object_new_object();
		json_object_object_add(e, "log_index", json_object_new_uint64(l->log_index));
		address_to_checksum(&l->address, text);
		json_object_object_add(e, "token_address", json_object_new_string(text));
		json_object_object_add(e, "token_symbol", k != NULL && k->found ?
		    json_object_new_string(k->symbol) : NULL);
		address_to_checksum(&from, text);
		json_object_object_add(e, "from", json_object_new_string(text));
		address_to_checksum(&to, text);
		json_object_object_add(e, "to", json_object_new_string(text));
		if (k != NULL && k->found) {
			cr_json_u256(e, "value", &value, k->decimals);
		} else {
			char dec[U256_DEC_MAX];

			json_object_object_add(e, "value", NULL);
			u256_to_dec(&value, dec, sizeof(dec));
			json_object_object_add(e, "value_raw", json_object_new_string(dec));
		}
		json_object_array_add(list, e);
		mf = !vt.have_from || address_eq(&from, &vt.from);
		mt = !vt.have_to || address_eq(&to, &vt.to);
		mv = !vt.have_value || u256_cmp(&value, &vt.value.mag) == 0;
		any_from |= vt.have_from && mf;
		any_to |= vt.have_to && mt;
		any_value |= vt.have_value && mv;
		all |= mf && mt && mv;
	}
	verify_transfer_matches(out, &vt, any_from, any_to, any_value, all);
	status = http_json(resp, 200, out);
out:
	chain_receipt_clear(&rcpt);
	json_object_put(out);
	json_object_put(doc);
	return status;
}

/* -------------------------------------------------------------------- call */

int
h_verify_call(struct req *req, struct resp *resp)
{
	struct chainrpc_error cerr;
	struct chainrpc *rpc = NULL;
	struct json_verr err;
	struct address to;
	json_object *doc, *out = NULL, *b, *e;
	uint8_t *data = NULL, *ret = NULL;
	const char *s;
	size_t n, data_len = 0, ret_len = 0;
	uint64_t chain_id, head, block;
	bool have, want_latest = true;
	enum cb_err rc;
	char *text = NULL;
	int status;

	if ((doc = ledger_body_or_reply(req, resp, verify_call_keys)) == NULL)
		return resp->status;
	if ((status = verify_chain_or_reply(req, resp, doc, &chain_id, &rpc)) != 0 ||
	    (status = verify_address_or_reply(resp, doc, "to", true, &to, &have)) != 0)
		goto out;
	if (!json_get_string(doc, "", "data", true, 0, 2 + 2 * VERIFY_CALL_DATA_MAX, &s, &n,
	    &err)) {
		status = http_error_verr(resp, &err);
		goto out;
	}
	if (n < 2 || s[0] != '0' || s[1] != 'x') {
		status = verify_bad(resp, "data", "invalid_data",
		    "data is 0x followed by an even number of hex digits");
		goto out;
	}
	if ((data = malloc(n / 2 + 1)) == NULL) {
		status = http_internal_error(resp, "verify_call", CB_ERR_NOMEM);
		goto out;
	}
	if (hex_decode(data, n / 2 + 1, s + 2, n - 2, &data_len) != 0) {
		status = verify_bad(resp, "data", "invalid_data",
		    "data is 0x followed by an even number of hex digits");
		goto out;
	}
	block = 0;
	if (json_object_object_get_ex(doc, "block", &b) && b != NULL) {
		if (json_object_is_type(b, json_type_string) &&
		    strcmp(json_object_get_string(b), "latest") == 0) {
			want_latest = true;
		} else if (json_object_is_type(b, json_type_int) &&
		    json_object_get_int64(b) >= 0) {
			want_latest = false;
			block = (uint64_t)json_object_get_int64(b);
		} else {
			status = verify_bad(resp, "block", "invalid_block",
			    "block is a block number (JSON integer) or \"latest\"");
			goto out;
		}
	}
	if ((rc = chainrpc_head(rpc, &head, &cerr)) != CB_OK) {
		status = chainrpc_error_reply(resp, "verify_call", rpc, rc, &cerr);
		goto out;
	}
	if (want_latest) {
		block = head;
	} else if (block > head) {
		e = json_object_new_object();
		json_object_object_add(e, "field", json_object_new_string("block"));
		json_object_object_add(e, "head", json_object_new_uint64(head));
		status = http_error(resp, 400, "block_out_of_range",
		    "the block is above the node's head", e);
		json_object_put(e);
		goto out;
	}
	rc = chainrpc_call(rpc, &to, data, data_len, block, &ret, &ret_len, &cerr);
	if (rc != CB_OK && !(rc == CB_ERR_RPC && cerr.reverted)) {
		status = chainrpc_error_reply(resp, "verify_call", rpc, rc, &cerr);
		goto out;
	}
	out = json_object_new_object();
	json_object_object_add(out, "chain_id", json_object_new_uint64(chain_id));
	{
		char a[ADDRESS_STR_SIZE];

		address_to_checksum(&to, a);
		json_object_object_add(out, "to", json_object_new_string(a));
	}
	json_object_object_add(out, "block", json_object_new_uint64(block));
	json_object_object_add(out, "success", json_object_new_boolean(rc == CB_OK));
	if (rc == CB_OK) {
		if ((text = malloc(2 * ret_len + 3)) == NULL) {
			status = http_internal_error(resp, "verify_call", CB_ERR_NOMEM);
			goto out;
		}
		text[0] = '0';
		text[1] = 'x';
		text[2] = '\0';
		if (ret_len > 0)
			hex_encode(text + 2, 2 * ret_len + 1, ret, ret_len, false);
		json_object_object_add(out, "result", json_object_new_string(text));
		json_object_object_add(out, "error", NULL);
	} else {
		json_object_object_add(out, "result", NULL);
		e = json_object_new_object();
		json_object_object_add(e, "code", json_object_new_int64(cerr.code));
		json_object_object_add(e, "message", json_object_new_string(cerr.message));
		json_object_object_add(e, "data", cerr.has_data ?
		    json_object_new_string(cerr.data) : NULL);
		json_object_object_add(out, "error", e);
	}
	status = http_json(resp, 200, out);
out:
	free(text);
	free(ret);
	free(data);
	json_object_put(out);
	json_object_put(doc);
	return status;
}

/* --------------------------------------------------------------- signature */

/* The secp256k1 group order n and n/2, big-endian. */
static const uint8_t verify_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
	0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};
static const uint8_t verify_half_n[32] = {
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d,
	0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0
};

/* True when the 32 big-endian bytes are zero. */
static bool
verify_is_zero(const uint8_t b[32])
{
	size_t i;

	for (i = 0; i < 32; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/*
 * Checks a 65-byte r || s || v: v in {0, 1, 27, 28}, r in [1, n-1], s in
 * [1, n/2] (EIP-2).  Returns 0 or the 400 it answered with
 * (invalid_signature, signature_high_s).
 */
static int
verify_sig_or_reply(struct resp *resp, const uint8_t sig[SECP_SIG_LEN])
{
	uint8_t v = sig[64];

	if (v != 0 && v != 1 && v != 27 && v != 28)
		return verify_bad(resp, "signature", "invalid_signature",
		    "the signature's v must be 0, 1, 27 or 28");
	if (verify_is_zero(sig) || memcmp(sig, verify_n, 32) >= 0 ||
	    verify_is_zero(sig + 32) || memcmp(sig + 32, verify_n, 32) >= 0)
		return verify_bad(resp, "signature", "invalid_signature",
		    "the signature's r and s must be in [1, n-1]");
	if (memcmp(sig + 32, verify_half_n, 32) > 0)
		return verify_bad(resp, "signature", "signature_high_s",
		    "the signature's s is above n/2; only low-s signatures (EIP-2) are accepted");
	return 0;
}

int
h_verify_signature(struct req *req, struct resp *resp)
{
	struct json_verr err;
	struct address want, got;
	json_object *doc, *out = NULL;
	uint8_t sig[SECP_SIG_LEN], hash[32];
	char text[ADDRESS_STR_SIZE];
	const char *msg, *hash_s, *sig_s;
	size_t msg_len, hash_len, sig_len;
	bool have;
	enum cb_err rc;
	int status;

	if ((doc = ledger_body_or_reply(req, resp, verify_signature_keys)) == NULL)
		return resp->status;
	if ((status = verify_address_or_reply(resp, doc, "address", true, &want, &have)) != 0)
		goto out;
	if (!json_get_string(doc, "", "message", false, 0, VERIFY_MESSAGE_MAX, &msg, &msg_len,
	    &err) ||
	    !json_get_string(doc, "", "hash", false, 0, 80, &hash_s, &hash_len, &err) ||
	    !json_get_string(doc, "", "signature", true, 0, 140, &sig_s, &sig_len, &err)) {
		status = http_error_verr(resp, &err);
		goto out;
	}
	if (msg != NULL && hash_s != NULL) {
		status = verify_bad(resp, "hash", "conflicting_fields",
		    "give either message (personal_sign) or hash (a raw 32-byte hash), not both");
		goto out;
	}
	if (msg == NULL && hash_s == NULL) {
		status = verify_bad(resp, "message", "missing_field",
		    "message (personal_sign) or hash (a raw 32-byte hash) is required");
		goto out;
	}
	if (hash_s != NULL && (status = cr_hash_or_reply(resp, hash_s, hash_len, "hash",
	    "invalid_hash", hash)) != 0)
		goto out;
	if (sig_len != 2 + 2 * SECP_SIG_LEN || sig_s[0] != '0' || sig_s[1] != 'x' ||
	    hex_decode_exact(sig, SECP_SIG_LEN, sig_s + 2, sig_len - 2) != 0) {
		status = verify_bad(resp, "signature", "invalid_signature",
		    "a signature is 0x followed by 130 hex digits (r, s, v)");
		goto out;
	}
	if ((status = verify_sig_or_reply(resp, sig)) != 0)
		goto out;
	if (msg != NULL)
		rc = secp_recover_personal((const uint8_t *)msg, msg_len, sig, &got);
	else
		rc = secp_recover(hash, sig, &got);
	if (rc != CB_OK && rc != CB_ERR_INVALID) {
		status = http_internal_error(resp, "verify_signature", rc);
		goto out;
	}
	out = json_object_new_object();
	json_object_object_add(out, "valid",
	    json_object_new_boolean(rc == CB_OK && address_eq(&got, &want)));
	if (rc == CB_OK) {
		address_to_checksum(&got, text);
		json_object_object_add(out, "recovered_address", json_object_new_string(text));
	} else {
		json_object_object_add(out, "recovered_address", NULL);
	}
	address_to_checksum(&want, text);
	json_object_object_add(out, "address", json_object_new_string(text));
	json_object_object_add(out, "scheme", json_object_new_string(
	    msg != NULL ? "personal_sign" : "raw_hash"));
	status = http_json(resp, 200, out);
out:
	json_object_put(out);
	json_object_put(doc);
	return status;
}

/* ----------------------------------------------------------------- balance */

/* Adds the ledger side of a bound wallet to out ("wallet" object). */
static enum cb_err
verify_wallet(struct db *db, const struct token *tok, const struct address *addr,
    const u256 *onchain, json_object *out)
{
	struct db_row row;
	json_object *w = NULL;
	char user[LEDGER_USER_ID_MAX + 1];
	u256 confirmed, pending;
	enum cb_err rc;
	int r;

	if ((rc = DB_EXEC(db, ST_RECON_WALLET_OWNER, DB_U64(tok->chain_id),
	    DB_BLOB(addr->bytes, ADDRESS_LEN))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_RECON_WALLET_OWNER, &row);
	if (r == 1 && (row.val[0] == NULL || row.len[0] > LEDGER_USER_ID_MAX))
		r = -1;
	if (r == 1)
		memcpy(user, row.val[0], row.len[0] + 1);
	db_done(db, ST_RECON_WALLET_OWNER);
	if (r < 0)
		return CB_ERR_DB;
	if (r == 0) {
		json_object_object_add(out, "wallet", NULL);
		return CB_OK;
	}
	if ((rc = DB_EXEC(db, ST_RECON_USER_BALANCE, DB_CSTR(user), DB_U64(tok->id))) != CB_OK)
		return rc;
	u256_zero(&confirmed);
	u256_zero(&pending);
	/* confirmed, pending */
	r = db_fetch(db, ST_RECON_USER_BALANCE, &row);
	if (r == 1 && (!cr_value_from_row(row.val[0], row.len[0], NULL, 0, &confirmed) ||
	    !cr_value_from_row(row.val[1], row.len[1], NULL, 0, &pending)))
		r = -1;
	db_done(db, ST_RECON_USER_BALANCE);
	if (r < 0)
		return CB_ERR_DB;
	w = json_object_new_object();
	json_object_object_add(w, "user_id", json_object_new_string(user));
	cr_json_u256(w, "confirmed_balance", &confirmed, tok->decimals);
	cr_json_u256(w, "pending_balance", &pending, tok->decimals);
	json_object_object_add(w, "matches",
	    json_object_new_boolean(u256_cmp(&confirmed, onchain) == 0));
	json_object_object_add(out, "wallet", w);
	return CB_OK;
}

int
h_verify_balance(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct chainrpc_error cerr;
	struct chainrpc *rpc = NULL;
	struct token tok;
	struct address addr;
	struct db_row row;
	json_object *doc, *out = NULL;
	char text[ADDRESS_STR_SIZE];
	uint64_t head;
	u256 onchain, synced;
	bool have, synced_ok = false;
	enum cb_err rc;
	int status, r;

	if ((doc = ledger_body_or_reply(req, resp, verify_balance_keys)) == NULL)
		return resp->status;
	if ((status = verify_token_or_reply(req, resp, doc, true, &tok, &have)) != 0 ||
	    (status = verify_address_or_reply(resp, doc, "address", true, &addr, &have)) != 0)
		goto out;
	rc = chainrpc_get(req->w->cfg, tok.chain_id, &rpc);
	if (rc == CB_ERR_NOT_FOUND) {
		status = verify_bad(resp, "token_symbol", "unknown_chain",
		    "this API has no [chain] section for the token's chain");
		goto out;
	}
	if (rc != CB_OK) {
		status = http_internal_error(resp, "verify_balance", rc);
		goto out;
	}
	if ((rc = chainrpc_head(rpc, &head, &cerr)) != CB_OK ||
	    (rc = chainrpc_call_uint(rpc, &tok.address, "balanceOf(address)", &addr, head,
	    &onchain, &cerr)) != CB_OK) {
		status = chainrpc_error_reply(resp, "verify_balance", rpc, rc, &cerr);
		goto out;
	}
	out = json_object_new_object();
	json_object_object_add(out, "token_symbol", json_object_new_string(tok.symbol));
	json_object_object_add(out, "chain_id", json_object_new_uint64(tok.chain_id));
	address_to_checksum(&addr, text);
	json_object_object_add(out, "address", json_object_new_string(text));
	json_object_object_add(out, "block", json_object_new_uint64(head));
	cr_json_u256(out, "onchain_balance", &onchain, tok.decimals);
	if ((rc = DB_EXEC(db, ST_ONCHAIN_BALANCE, DB_U64(tok.chain_id), DB_U64(tok.chain_id),
	    DB_BLOB(tok.address.bytes, ADDRESS_LEN), DB_BLOB(addr.bytes, ADDRESS_LEN))) != CB_OK) {
		status = http_internal_error(resp, "verify_balance", rc);
		goto out;
	}
	/* last synced block, balance, raw, updated_block */
	r = db_fetch(db, ST_ONCHAIN_BALANCE, &row);
	if (r == 1) {
		if (row.val[1] == NULL && row.val[2] == NULL) {
			u256_zero(&synced);
			synced_ok = true;
		} else {
			synced_ok = cr_value_from_row(row.val[1], row.len[1], row.val[2],
			    row.len[2], &synced);
		}
		if (synced_ok) {
			cr_json_u256(out, "synced_balance", &synced, tok.decimals);
			ledger_json_u64(out, "synced_block", &row, 0);
			json_object_object_add(out, "synced_matches",
			    json_object_new_boolean(u256_cmp(&synced, &onchain) == 0));
		}
	}
	db_done(db, ST_ONCHAIN_BALANCE);
	if (!synced_ok) {
		status = http_internal_error(resp, "verify_balance", CB_ERR_DB);
		goto out;
	}
	if ((rc = verify_wallet(db, &tok, &addr, &onchain, out)) != CB_OK) {
		status = http_internal_error(resp, "verify_balance", rc);
		goto out;
	}
	status = http_json(resp, 200, out);
out:
	json_object_put(out);
	json_object_put(doc);
	return status;
}
