/*
 * json_request.c - fuzz target: a request body as the ledger API's write
 * routes read it (docs/api.md).
 *
 * The input is a body.  It goes through ledger_body_or_reply() with the
 * configured depth; one with a "signature" member through the whole
 * handler of POST /verify/signature (which needs neither store nor node);
 * then through the shape of each write route (adjust,
 * rewards/distribute, consumption/deduct, wallets) with the same typed
 * getters and validators the handlers use, up to the point where a handler
 * would first need the store (token and reason look-ups are replaced by a
 * made-up token and reason).  Then every string in the document goes
 * through the pure validators: user ids, amounts at several decimals,
 * operation ids, cursors, addresses, the registry's names, features and
 * settlement kinds.
 *
 * Properties: every answer the validators build is one strict JSON object
 * in valid UTF-8; an amount that parses formats to a canonical text that
 * parses back to the same value; an operation id that parses comes out
 * canonical; a cursor that decodes encodes back to the same text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainread.h"
#include "core/uuid.h"
#include "eth/address.h"
#include "http.h"
#include "ledger.h"
#include "money/amount.h"
#include "store/registry.h"
#include "worker.h"
#include "fuzz.h"

/* The decimals every amount string is tried at: none, a few, the
 * common 6 and 18, and the most a token may have. */
static const unsigned fuzz_decimals[] = { 0, 2, 6, 18, 36 };

static struct worker fuzz_worker;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	fuzz_worker.cfg = fuzz_default_config();
	return 0;
}

/*
 * Checks what a validator answered (a strict JSON object unless quick,
 * which checks UTF-8 only: parsing every answer costs as much as the
 * request), then empties resp for the next one.
 */
static void
fuzz_answer(struct resp *resp, int status, bool quick)
{
	if (status != 0) {
		FUZZ_CHECK(status == resp->status);
		FUZZ_CHECK(status >= 400 && status <= 599);
		if (!buf_utf8_valid(resp->body.data, resp->body.len) ||
		    (!quick && !fuzz_json_valid(resp->body.data,
		    resp->body.len))) {
			fuzz_dump("answer", resp->body.data, resp->body.len);
			fuzz_fail("the answer is not a JSON object in UTF-8",
			    __FILE__, __LINE__);
		}
	}
	resp_reset(resp);
}

static void
fuzz_answer_check(struct resp *resp, int status)
{
	fuzz_answer(resp, status, false);
}

/* Parses, formats and parses again; the value must survive. */
static void
fuzz_amount_roundtrip(const char *s, size_t n, unsigned decimals,
    unsigned flags)
{
	struct amount a, b;
	char text[AMOUNT_STR_MAX];
	size_t len;

	if (amount_parse(&a, s, n, decimals, flags) != AMOUNT_OK)
		return;
	FUZZ_CHECK(amount_is_valid(&a));
	len = amount_format(&a, decimals, (flags & AMOUNT_ALLOW_SIGN) != 0,
	    text, sizeof(text));
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(amount_parse(&b, text, len, decimals,
	    flags | AMOUNT_ALLOW_SIGN) == AMOUNT_OK);
	FUZZ_CHECK(amount_cmp(&a, &b) == 0 && a.neg == b.neg);
}

/* The pure validators on one string found anywhere in the document. */
static void
fuzz_string_validators(const char *s, size_t n)
{
	char op[UUID_STR_LEN + 1], again[UUID_STR_LEN + 1], cursor[24];
	char list[128];
	struct address addr;
	uint64_t id;
	size_t i;
	int bits;

	(void)ledger_user_id_valid(s, n);
	(void)registry_symbol_valid(s, n);
	(void)registry_reason_name_valid(s, n);
	(void)registry_chain_name_valid(s, n);
	(void)http_idempotency_key_valid(s, n);
	/* The admin routes' token fields (tokens.c): a feature list that
	 * parses formats to a list that parses to the same bits. */
	if ((bits = registry_features_parse(s, n)) >= 0) {
		registry_features_format((unsigned)bits, list, sizeof(list));
		FUZZ_CHECK(registry_features_parse(list, strlen(list)) == bits);
	}
	FUZZ_CHECK(registry_settlement_parse(s, n) < TOKEN_SETTLE__MAX);
	for (i = 0; i < sizeof(fuzz_decimals) / sizeof(fuzz_decimals[0]); i++) {
		fuzz_amount_roundtrip(s, n, fuzz_decimals[i],
		    AMOUNT_ALLOW_SIGN | AMOUNT_NONZERO);
		fuzz_amount_roundtrip(s, n, fuzz_decimals[i], AMOUNT_NONZERO);
	}
	if (ledger_operation_id_parse(s, n, op)) {
		FUZZ_CHECK(strlen(op) == UUID_STR_LEN);
		FUZZ_CHECK(uuid_valid(op, UUID_STR_LEN));
		for (i = 0; i < UUID_STR_LEN; i++)
			FUZZ_CHECK(!(op[i] >= 'A' && op[i] <= 'F'));
		FUZZ_CHECK(ledger_operation_id_parse(op, UUID_STR_LEN, again));
		FUZZ_CHECK(memcmp(op, again, sizeof(op)) == 0);
	}
	if (ledger_cursor_decode(s, n, &id)) {
		FUZZ_CHECK(id != 0);
		ledger_cursor_encode(id, cursor);
		FUZZ_CHECK(strlen(cursor) == n && memcmp(cursor, s, n) == 0);
	}
	(void)address_parse(s, n, &addr);
}

/* Every string value and key of v, recursively (depth is bounded by the
 * parser's limit). */
static void
fuzz_walk_strings(json_object *v)
{
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_string:
		fuzz_string_validators(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			fuzz_walk_strings(json_object_array_get_idx(v, i));
		break;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			fuzz_string_validators(key, strlen(key));
			fuzz_walk_strings(val);
		}
		break;
	}
	default:
		break;
	}
}

/* A made-up token with the given decimals, standing in for the registry. */
static void
fuzz_token(struct token *t, unsigned decimals)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->symbol, "FUZZ", 5);
	t->decimals = decimals;
	t->enabled = true;
}

/*
 * Adds a made-up reason to lw (standing in for the registry): "reward"
 * allows a list of metadata keys, "promo" any key.
 */
static unsigned
fuzz_reason_add(struct ledger_write *lw, bool any_metadata)
{
	static const char *const allowed[] = { "campaign", "activity_id",
	    "reward_type", "reward_tier", "service_type", "service_id" };
	struct reason r;
	unsigned idx;
	size_t i;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", any_metadata ? "promo" : "reward");
	r.any_metadata = any_metadata;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		snprintf(r.allowed[r.nallowed++], sizeof(r.allowed[0]), "%s",
		    allowed[i]);
	r.enabled = true;
	FUZZ_CHECK(ledger_write_reason(lw, &r, &idx) == CB_OK);
	return idx;
}

/* The amount of a row at every decimals, as each token would take it. */
static int
fuzz_row_amount(struct resp *resp, json_object *row, const char *path,
    unsigned flags, struct amount *out)
{
	struct token tok;
	size_t i;
	int status = 0, s;

	for (i = 0; i < sizeof(fuzz_decimals) / sizeof(fuzz_decimals[0]); i++) {
		fuzz_token(&tok, fuzz_decimals[i]);
		s = ledger_amount_or_reply(resp, row, path, "amount", &tok, flags,
		    out);
		if (s == 0) {
			FUZZ_CHECK(amount_is_valid(out) && !amount_is_zero(out));
			if (!(flags & AMOUNT_ALLOW_SIGN))
				FUZZ_CHECK(!out->neg);
		}
		/* The answers differ only in the decimals they name. */
		fuzz_answer(resp, s, i > 0);
		if (status == 0)
			status = s;
	}
	return status;
}

static const char *const adjust_keys[] = {
	"adjustments", "batch_id", "priority", NULL
};
static const char *const adjust_row_keys[] = {
	"user_id", "token_symbol", "amount", "reason_type", "reason_detail",
	"metadata", NULL
};

/* POST /balance/adjust (adjust.c) without the store. */
static void
fuzz_adjust(struct req *req, struct resp *resp, json_object *doc)
{
	const struct api_config *api = &req->w->cfg->api;
	struct ledger_write lw;
	struct ledger_change *c;
	struct json_verr err;
	char path[JSON_PATH_MAX], field[JSON_PATH_MAX];
	json_object *rows, *row, *meta;
	const char *s;
	size_t n, i, len;
	int status;

	ledger_write_init(&lw, LEDGER_ADJUST);
	if (!json_check_keys(doc, "", adjust_keys, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		goto out;
	}
	status = ledger_options_or_reply(resp, &lw, doc);
	fuzz_answer_check(resp, status);
	if (status != 0)
		goto out;
	FUZZ_CHECK(lw.priority < LEDGER_PRIO__MAX);
	if (lw.batch_id != NULL)
		FUZZ_CHECK(lw.batch_id_len >= 1 &&
		    lw.batch_id_len <= LEDGER_BATCH_ID_MAX);
	if (!json_get_array(doc, "", "adjustments", true, 1,
	    api->max_rows < LEDGER_ROWS_HARD_MAX ? api->max_rows :
	    LEDGER_ROWS_HARD_MAX, &rows, &n, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		goto out;
	}
	for (i = 0; i < n; i++) {
		row = json_object_array_get_idx(rows, i);
		json_path_index(path, sizeof(path), "adjustments", i);
		if (!json_check_keys(row, path, adjust_row_keys, &err)) {
			fuzz_answer_check(resp, http_error_verr(resp, &err));
			goto out;
		}
		c = ledger_change_add(&lw);
		FUZZ_CHECK(c != NULL);
		status = ledger_user_id_or_reply(resp, row, path, "user_id",
		    &c->user_id, &c->user_id_len);
		fuzz_answer_check(resp, status);
		if (status != 0)
			goto out;
		FUZZ_CHECK(ledger_user_id_valid(c->user_id, c->user_id_len));
		if (!json_get_string(row, path, "token_symbol", true, 1, 256, &s,
		    &len, &err)) {
			fuzz_answer_check(resp, http_error_verr(resp, &err));
			goto out;
		}
		(void)registry_symbol_valid(s, len);
		if (fuzz_row_amount(resp, row, path,
		    AMOUNT_ALLOW_SIGN | AMOUNT_NONZERO, &c->amount) != 0)
			goto out;
		if (!json_get_string(row, path, "reason_type", true, 1, 256, &s,
		    &len, &err)) {
			fuzz_answer_check(resp, http_error_verr(resp, &err));
			goto out;
		}
		(void)registry_reason_name_valid(s, len);
		c->reason = fuzz_reason_add(&lw, i % 2 == 1);
		if (!json_get_string(row, path, "reason_detail", false, 0,
		    api->max_reason_detail, &c->detail, &c->detail_len, &err) ||
		    !json_get_object(row, path, "metadata", false, &meta, &err)) {
			fuzz_answer_check(resp, http_error_verr(resp, &err));
			goto out;
		}
		json_path_key(field, sizeof(field), path, "metadata");
		status = ledger_metadata_or_reply(req, resp, &lw, c, meta, field);
		fuzz_answer_check(resp, status);
		if (status != 0)
			goto out;
		if (c->meta_len > 0) {
			FUZZ_CHECK(c->meta_len <= api->max_metadata);
			FUZZ_CHECK(fuzz_json_valid(lw.arena.data + c->meta_off,
			    c->meta_len));
		}
	}
out:
	ledger_write_free(&lw);
}

static const char *const rewards_keys[] = {
	"reward_batch", "recipients", "batch_id", "priority", NULL
};
static const char *const rewards_batch_keys[] = {
	"activity_id", "reward_type", "token_symbol", NULL
};
static const char *const rewards_recipient_keys[] = {
	"user_id", "amount", "tier", NULL
};
static const char *const rewards_meta_keys[] = {
	"activity_id", "reward_type", "reward_tier"
};

/* POST /rewards/distribute (rewards.c) without the store. */
static void
fuzz_rewards(struct req *req, struct resp *resp, json_object *doc)
{
	const struct api_config *api = &req->w->cfg->api;
	struct ledger_write lw;
	struct ledger_change *c;
	struct json_verr err;
	json_object *batch, *rows, *row;
	const char *activity, *type, *sym, *tier, *vals[3];
	size_t activity_len, type_len, sym_len, tier_len, lens[3];
	size_t n, i, base_off, base_len;
	char path[JSON_PATH_MAX], tpath[JSON_PATH_MAX];
	unsigned reason;
	int status;

	ledger_write_init(&lw, LEDGER_REWARD);
	if (!json_check_keys(doc, "", rewards_keys, &err) ||
	    !json_get_object(doc, "", "reward_batch", true, &batch, &err) ||
	    !json_check_keys(batch, "reward_batch", rewards_batch_keys, &err) ||
	    !json_get_string(batch, "reward_batch", "activity_id", true, 1, 128,
	    &activity, &activity_len, &err) ||
	    !json_get_string(batch, "reward_batch", "reward_type", true, 1, 64,
	    &type, &type_len, &err) ||
	    !json_get_string(batch, "reward_batch", "token_symbol", true, 1, 256,
	    &sym, &sym_len, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		goto out;
	}
	(void)registry_symbol_valid(sym, sym_len);
	reason = fuzz_reason_add(&lw, false);
	status = ledger_options_or_reply(resp, &lw, doc);
	fuzz_answer_check(resp, status);
	if (status != 0)
		goto out;
	FUZZ_CHECK(ledger_arena_json(&lw, batch, &lw.context_off,
	    &lw.context_len) == CB_OK);
	FUZZ_CHECK(fuzz_json_valid(lw.arena.data + lw.context_off,
	    lw.context_len));
	vals[0] = activity;
	lens[0] = activity_len;
	vals[1] = type;
	lens[1] = type_len;
	vals[2] = NULL;
	lens[2] = 0;
	status = ledger_meta_pairs_or_reply(req, resp, &lw, &lw.reasons[reason],
	    rewards_meta_keys, vals, lens, 3, "reward_batch", &base_off, &base_len);
	fuzz_answer_check(resp, status);
	if (status != 0)
		goto out;
	if (base_len > 0)
		FUZZ_CHECK(fuzz_json_valid(lw.arena.data + base_off, base_len));
	if (!json_get_array(doc, "", "recipients", true, 1, api->max_rows, &rows,
	    &n, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		goto out;
	}
	for (i = 0; i < n; i++) {
		row = json_object_array_get_idx(rows, i);
		json_path_index(path, sizeof(path), "recipients", i);
		if (!json_check_keys(row, path, rewards_recipient_keys, &err) ||
		    !json_get_string(row, path, "tier", false, 1, 64, &tier,
		    &tier_len, &err)) {
			fuzz_answer_check(resp, http_error_verr(resp, &err));
			goto out;
		}
		c = ledger_change_add(&lw);
		FUZZ_CHECK(c != NULL);
		c->reason = reason;
		status = ledger_user_id_or_reply(resp, row, path, "user_id",
		    &c->user_id, &c->user_id_len);
		fuzz_answer_check(resp, status);
		if (status != 0 ||
		    fuzz_row_amount(resp, row, path, AMOUNT_NONZERO,
		    &c->amount) != 0)
			goto out;
		if (tier != NULL) {
			vals[2] = tier;
			lens[2] = tier_len;
			json_path_key(tpath, sizeof(tpath), path, "tier");
			status = ledger_meta_pairs_or_reply(req, resp, &lw,
			    &lw.reasons[reason], rewards_meta_keys, vals, lens, 3,
			    tpath, &c->meta_off, &c->meta_len);
			fuzz_answer_check(resp, status);
			if (status != 0)
				goto out;
			if (c->meta_len > 0)
				FUZZ_CHECK(fuzz_json_valid(lw.arena.data +
				    c->meta_off, c->meta_len));
		}
	}
out:
	ledger_write_free(&lw);
}

static const char *const consumption_keys[] = {
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

/* POST /consumption/deduct (consumption.c) without the store. */
static void
fuzz_consumption(struct req *req, struct resp *resp, json_object *doc)
{
	const struct api_config *api = &req->w->cfg->api;
	struct ledger_write lw;
	struct ledger_change *c;
	struct json_verr err;
	json_object *service, *rows, *row;
	const char *type, *id, *sym, *vals[2];
	size_t type_len, id_len, sym_len, lens[2], n, i, meta_off, meta_len;
	char path[JSON_PATH_MAX];
	unsigned reason;
	int status;

	ledger_write_init(&lw, LEDGER_DEDUCT);
	if (!json_check_keys(doc, "", consumption_keys, &err) ||
	    !json_get_object(doc, "", "consumption", true, &service, &err) ||
	    !json_check_keys(service, "consumption", consumption_service_keys,
	    &err) ||
	    !json_get_string(service, "consumption", "service_type", true, 1, 64,
	    &type, &type_len, &err) ||
	    !json_get_string(service, "consumption", "service_id", true, 1, 128,
	    &id, &id_len, &err) ||
	    !json_get_string(service, "consumption", "token_symbol", true, 1,
	    256, &sym, &sym_len, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		goto out;
	}
	(void)registry_symbol_valid(sym, sym_len);
	(void)registry_reason_name_valid(type, type_len);
	reason = fuzz_reason_add(&lw, type_len % 2 == 0);
	status = ledger_options_or_reply(resp, &lw, doc);
	fuzz_answer_check(resp, status);
	if (status != 0)
		goto out;
	FUZZ_CHECK(ledger_arena_json(&lw, service, &lw.context_off,
	    &lw.context_len) == CB_OK);
	vals[0] = type;
	lens[0] = type_len;
	vals[1] = id;
	lens[1] = id_len;
	status = ledger_meta_pairs_or_reply(req, resp, &lw, &lw.reasons[reason],
	    consumption_meta_keys, vals, lens, 2, "consumption", &meta_off,
	    &meta_len);
	fuzz_answer_check(resp, status);
	if (status != 0)
		goto out;
	if (meta_len > 0)
		FUZZ_CHECK(fuzz_json_valid(lw.arena.data + meta_off, meta_len));
	if (!json_get_array(doc, "", "deductions", true, 1, api->max_rows, &rows,
	    &n, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		goto out;
	}
	for (i = 0; i < n; i++) {
		row = json_object_array_get_idx(rows, i);
		json_path_index(path, sizeof(path), "deductions", i);
		if (!json_check_keys(row, path, consumption_row_keys, &err)) {
			fuzz_answer_check(resp, http_error_verr(resp, &err));
			goto out;
		}
		c = ledger_change_add(&lw);
		FUZZ_CHECK(c != NULL);
		status = ledger_user_id_or_reply(resp, row, path, "user_id",
		    &c->user_id, &c->user_id_len);
		fuzz_answer_check(resp, status);
		if (status != 0 ||
		    fuzz_row_amount(resp, row, path, AMOUNT_NONZERO,
		    &c->amount) != 0)
			goto out;
		amount_neg(&c->amount);
		FUZZ_CHECK(c->amount.neg);
		if (!json_get_string(row, path, "reason", false, 0,
		    api->max_reason_detail, &c->detail, &c->detail_len, &err)) {
			fuzz_answer_check(resp, http_error_verr(resp, &err));
			goto out;
		}
	}
out:
	ledger_write_free(&lw);
}

static const char *const wallet_keys[] = {
	"user_id", "chain_id", "address", NULL
};

/* POST /wallets (wallets.c) up to the store. */
static void
fuzz_wallets(struct resp *resp, json_object *doc)
{
	struct json_verr err;
	struct address addr;
	const char *user, *s;
	size_t user_len, n;
	int64_t chain_id = 0;
	int status;

	if (!json_check_keys(doc, "", wallet_keys, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		return;
	}
	status = ledger_user_id_or_reply(resp, doc, "", "user_id", &user,
	    &user_len);
	fuzz_answer_check(resp, status);
	if (status != 0)
		return;
	if (!json_get_int64(doc, "", "chain_id", true, 1, (INT64_C(1) << 53) - 1,
	    &chain_id, &err) ||
	    !json_get_string(doc, "", "address", true, 1, 64, &s, &n, &err)) {
		fuzz_answer_check(resp, http_error_verr(resp, &err));
		return;
	}
	FUZZ_CHECK(chain_id >= 1 && chain_id < (INT64_C(1) << 53));
	(void)address_parse(s, n, &addr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req req;
	struct resp resp;
	static const char unknown_field[] =
	    "{\"error\":{\"code\":\"unknown_field\"";
	json_object *doc;
	bool unknown_key;
	char *body;
	int status;

	/* The worker hands handlers a NUL-terminated copy of the body. */
	if ((body = malloc(size + 1)) == NULL)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	memset(&req, 0, sizeof(req));
	req.method = HTTP_POST;
	req.w = &fuzz_worker;
	req.body = body;
	req.body_len = size;
	resp_init(&resp);

	/* The handlers' entry point, with adjust's keys; a document it
	 * refuses for another route's keys is parsed again without them. */
	doc = ledger_body_or_reply(&req, &resp, adjust_keys);
	unknown_key = doc == NULL && resp.body.data != NULL &&
	    strncmp(resp.body.data, unknown_field, strlen(unknown_field)) == 0;
	fuzz_answer_check(&resp, doc == NULL ? resp.status : 0);
	if (unknown_key) {
		doc = json_parse_strict(body, size,
		    (int)fuzz_worker.cfg->api.max_json_depth, NULL);
		FUZZ_CHECK(doc != NULL);
	}
	if (doc != NULL) {
		/* POST /verify/signature needs neither store nor node: the
		 * whole handler runs, signature recovery included. */
		if (json_object_object_get_ex(doc, "signature", NULL)) {
			status = h_verify_signature(&req, &resp);
			FUZZ_CHECK(status == resp.status);
			FUZZ_CHECK(status == 200 || (status >= 400 && status < 500));
			FUZZ_CHECK(fuzz_json_valid(resp.body.data, resp.body.len));
			resp_reset(&resp);
		}
		fuzz_adjust(&req, &resp, doc);
		fuzz_rewards(&req, &resp, doc);
		fuzz_consumption(&req, &resp, doc);
		fuzz_wallets(&resp, doc);
		fuzz_walk_strings(doc);
		json_object_put(doc);
	}
	resp_free(&resp);
	free(body);
	return 0;
}
