/*
 * json_request.c - fuzz target: a request body as the ledger API's write
 * routes read it (docs/api.md).
 *
 * The input is a body.  It goes through ledger_body_or_reply() with the
 * configured depth; one with a "signature" member through the whole
 * handler of POST /verify/signature (which needs neither store nor node);
 * then through the body parsers of the write routes themselves
 * (adjust_parse_or_reply, rewards_parse_or_reply,
 * consumption_parse_or_reply: everything the handlers do before the
 * commit), with made-up registries in place of the store's token and
 * reason look-ups, and through the shape of POST /wallets up to the store.
 * Then every string in the document goes through the pure validators: user
 * ids, amounts at several decimals, operation ids, cursors, addresses, the
 * registry's names, features and settlement kinds.
 *
 * Properties: every answer the validators build is one strict JSON object
 * in valid UTF-8; a body a write parser takes gives options in range,
 * changes with valid user ids and nonzero amounts of the route's sign, and
 * context and metadata texts that are strict JSON within [api]
 * max_metadata; an amount that parses formats to a canonical text that
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

/* Checks what a validator answered, then empties resp for the next one. */
static void
fuzz_answer_check(struct resp *resp, int status)
{
	if (status != 0) {
		FUZZ_CHECK(status == resp->status);
		FUZZ_CHECK(status >= 400 && status <= 599);
		if (!buf_utf8_valid(resp->body.data, resp->body.len) ||
		    !fuzz_json_valid(resp->body.data, resp->body.len)) {
			fuzz_dump("answer", resp->body.data, resp->body.len);
			fuzz_fail("the answer is not a JSON object in UTF-8",
			    __FILE__, __LINE__);
		}
	}
	resp_reset(resp);
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

/*
 * The registries of this target, in place of the store behind
 * ledger_token_or_reply() and ledger_reason_or_reply(): every name the
 * registry could hold is registered and enabled, any other is unknown and
 * answered as those answer it.  A token's decimals follow its symbol's
 * length, so that the amounts of a body meet every decimals in turn.
 */
static int
fuzz_token_or_reply(struct req *req, struct resp *resp,
    struct ledger_write *lw, const char *symbol, size_t sym_len,
    const char *path, unsigned *idx)
{
	struct json_verr err;
	struct token tok;
	struct strategy st;
	int found;

	(void)req;
	if ((found = ledger_write_find_token(lw, symbol, sym_len)) >= 0) {
		*idx = (unsigned)found;
		return 0;
	}
	if (!registry_symbol_valid(symbol, sym_len)) {
		json_verr_set(&err, path, "unknown_token", "%s",
		    "no token is registered with this symbol");
		return http_error_verr(resp, &err);
	}
	memset(&tok, 0, sizeof(tok));
	memset(&st, 0, sizeof(st));
	tok.id = (uint32_t)lw->ntokens + 1;
	memcpy(tok.symbol, symbol, sym_len);
	tok.decimals = fuzz_decimals[sym_len %
	    (sizeof(fuzz_decimals) / sizeof(fuzz_decimals[0]))];
	tok.enabled = true;
	st.is_default = true;
	FUZZ_CHECK(ledger_write_token(lw, &tok, &st, 0, idx) == CB_OK);
	return 0;
}

/* A reason allows a list of metadata keys, or any key when its name's
 * length is odd; an unknown name takes the fallback when there is one. */
static int
fuzz_reason_or_reply(struct req *req, struct resp *resp,
    struct ledger_write *lw, const char *name, size_t name_len,
    const char *fallback, const char *path, unsigned *idx)
{
	static const char *const allowed[] = { "campaign", "activity_id",
	    "reward_type", "reward_tier", "service_type", "service_id" };
	struct json_verr err;
	struct reason r;
	size_t i;
	int found;

	if ((found = ledger_write_find_reason(lw, name, name_len)) >= 0) {
		*idx = (unsigned)found;
		return 0;
	}
	if (!registry_reason_name_valid(name, name_len)) {
		if (fallback != NULL)
			return fuzz_reason_or_reply(req, resp, lw, fallback,
			    strlen(fallback), NULL, path, idx);
		json_verr_set(&err, path, "unknown_reason", "%s",
		    "no reason is registered with this name");
		return http_error_verr(resp, &err);
	}
	memset(&r, 0, sizeof(r));
	memcpy(r.name, name, name_len);
	r.any_metadata = name_len % 2 == 1;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		snprintf(r.allowed[r.nallowed++], sizeof(r.allowed[0]), "%s",
		    allowed[i]);
	r.enabled = true;
	FUZZ_CHECK(ledger_write_reason(lw, &r, idx) == CB_OK);
	return 0;
}

static const struct ledger_lookup fuzz_lookup = {
	fuzz_token_or_reply, fuzz_reason_or_reply
};

/* What a body a write parser took must have given lw. */
static void
fuzz_write_check(const struct req *req, const struct ledger_write *lw)
{
	const struct api_config *api = &req->w->cfg->api;
	const struct ledger_change *c;
	size_t i;

	FUZZ_CHECK(lw->priority < LEDGER_PRIO__MAX);
	if (lw->batch_id != NULL)
		FUZZ_CHECK(lw->batch_id_len >= 1 &&
		    lw->batch_id_len <= LEDGER_BATCH_ID_MAX);
	if (lw->context_len > 0)
		FUZZ_CHECK(fuzz_json_valid(lw->arena.data + lw->context_off,
		    lw->context_len));
	FUZZ_CHECK(lw->nchanges >= 1);
	for (i = 0; i < lw->nchanges; i++) {
		c = &lw->changes[i];
		FUZZ_CHECK(ledger_user_id_valid(c->user_id, c->user_id_len));
		FUZZ_CHECK(c->token < lw->ntokens && c->reason < lw->nreasons);
		FUZZ_CHECK(amount_is_valid(&c->amount) &&
		    !amount_is_zero(&c->amount));
		if (lw->kind == LEDGER_REWARD)
			FUZZ_CHECK(!c->amount.neg);
		else if (lw->kind == LEDGER_DEDUCT)
			FUZZ_CHECK(c->amount.neg);
		FUZZ_CHECK(c->detail_len <= api->max_reason_detail);
		if (c->meta_len > 0) {
			FUZZ_CHECK(c->meta_len <= api->max_metadata);
			FUZZ_CHECK(fuzz_json_valid(lw->arena.data + c->meta_off,
			    c->meta_len));
		}
	}
}

/*
 * The body through the parser of the write route of kind, as its handler
 * runs it after ledger_body_or_reply() with the route's keys; then checks
 * the answer, or what the parser built.
 */
static void
fuzz_write(struct req *req, struct resp *resp, json_object *doc,
    enum ledger_kind kind)
{
	static const char *const *const keys[LEDGER_KIND__MAX] = {
		[LEDGER_ADJUST] = adjust_keys,
		[LEDGER_REWARD] = rewards_keys,
		[LEDGER_DEDUCT] = consumption_keys,
	};
	struct ledger_write lw;
	struct json_verr err;
	char detail[REWARDS_DETAIL_SIZE];
	int status;

	ledger_write_init(&lw, kind);
	if (!json_check_keys(doc, "", keys[kind], &err))
		status = http_error_verr(resp, &err);
	else if (kind == LEDGER_ADJUST)
		status = adjust_parse_or_reply(req, resp, &fuzz_lookup, doc, &lw);
	else if (kind == LEDGER_REWARD)
		status = rewards_parse_or_reply(req, resp, &fuzz_lookup, doc, &lw,
		    detail);
	else
		status = consumption_parse_or_reply(req, resp, &fuzz_lookup, doc,
		    &lw);
	if (status == 0)
		fuzz_write_check(req, &lw);
	fuzz_answer_check(resp, status);
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
	req.w = fuzz_api_worker();
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
		    (int)req.w->cfg->api.max_json_depth, NULL);
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
		fuzz_write(&req, &resp, doc, LEDGER_ADJUST);
		fuzz_write(&req, &resp, doc, LEDGER_REWARD);
		fuzz_write(&req, &resp, doc, LEDGER_DEDUCT);
		fuzz_wallets(&resp, doc);
		fuzz_walk_strings(doc);
		json_object_put(doc);
	}
	resp_free(&resp);
	free(body);
	return 0;
}
