/*
 * ledger.c - the HTTP side of the ledger API's writes (validation that
 * answers the client, outcomes turned into answers) and the helpers its
 * resource handlers share.  The write itself is src/lib/ledger/write.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/hex.h"
#include "core/log.h"
#include "core/uuid.h"
#include "ledger.h"
#include "router.h"
#include "store/idempotency.h"
#include "worker.h"

/*
 * This worker's settlement outlooks: a write's blockchain_sync figures may
 * be up to a second old (docs/api.md), so one read serves every write of
 * the token in that second instead of one heavy query per write.
 */
static struct ledger_outlook_cache ledger_outlooks;

/* ----------------------------------------------------------- small helpers */

int
ledger_user_id_or_reply(struct resp *resp, json_object *obj, const char *parent,
    const char *key, const char **out, size_t *len)
{
	struct json_verr err;
	char path[JSON_PATH_MAX];

	if (!json_get_string(obj, parent, key, true, 1, LEDGER_USER_ID_MAX, out, len, &err))
		return http_error_verr(resp, &err);
	if (!ledger_user_id_valid(*out, *len)) {
		json_verr_set(&err, json_path_key(path, sizeof(path), parent, key),
		    "invalid_user_id",
		    "user_id: 1..128 characters of A-Z a-z 0-9 _ . : @ -");
		return http_error_verr(resp, &err);
	}
	return 0;
}

int
ledger_amount_or_reply(struct resp *resp, json_object *obj, const char *parent,
    const char *key, const struct token *tok, unsigned flags, struct amount *out)
{
	struct json_verr err;
	char path[JSON_PATH_MAX], msg[JSON_MESSAGE_MAX];
	enum amount_err e;
	const char *s;
	size_t n;

	/* Longer than any valid amount of any token, so the grammar decides. */
	if (!json_get_string(obj, parent, key, true, 0, AMOUNT_STR_MAX + AMOUNT_DECIMALS_MAX,
	    &s, &n, &err)) {
		if (strcmp(err.code, "wrong_type") == 0)
			json_verr_set(&err, json_path_key(path, sizeof(path), parent, key),
			    "wrong_type", "amount must be a JSON string such as \"100.5\"");
		return http_error_verr(resp, &err);
	}
	if ((e = amount_parse(out, s, n, tok->decimals, flags)) != AMOUNT_OK) {
		if (amount_describe(e, tok->decimals, msg, sizeof(msg)) == 0)
			snprintf(msg, sizeof(msg), "%s", amount_strerror(e));
		json_verr_set(&err, json_path_key(path, sizeof(path), parent, key),
		    amount_err_code(e), "%s", msg);
		return http_error_verr(resp, &err);
	}
	return 0;
}

json_object *
ledger_body_or_reply(struct req *req, struct resp *resp, const char *const allowed[])
{
	struct json_verr err;
	json_object *doc;

	doc = json_parse_strict(req->body ? req->body : "", req->body_len,
	    (int)req->w->cfg->api.max_json_depth, &err);
	if (doc == NULL) {
		http_error_verr(resp, &err);
		return NULL;
	}
	if (!json_check_keys(doc, "", allowed, &err)) {
		json_object_put(doc);
		http_error_verr(resp, &err);
		return NULL;
	}
	return doc;
}

int
ledger_options_or_reply(struct resp *resp, struct ledger_write *lw, json_object *body)
{
	struct json_verr err;
	const char *s;
	size_t n, i;

	if (!json_get_string(body, "", "batch_id", false, 1, LEDGER_BATCH_ID_MAX, &s, &n, &err))
		return http_error_verr(resp, &err);
	for (i = 0; s != NULL && i < n; i++) {
		if (s[i] < 0x21 || s[i] > 0x7e) {
			json_verr_set(&err, "batch_id", "invalid_batch_id",
			    "batch_id: 1..128 printable ASCII characters without spaces");
			return http_error_verr(resp, &err);
		}
	}
	lw->batch_id = s;
	lw->batch_id_len = n;
	if (!json_get_string(body, "", "priority", false, 1, 16, &s, &n, &err))
		return http_error_verr(resp, &err);
	lw->priority = LEDGER_PRIO_NORMAL;
	if (s == NULL || ledger_priority_parse(s, n, &lw->priority))
		return 0;
	json_verr_set(&err, "priority", "invalid_priority",
	    "priority must be \"low\", \"normal\" or \"high\"");
	return http_error_verr(resp, &err);
}

int
ledger_token_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw,
    const char *symbol, size_t sym_len, const char *path, unsigned *idx)
{
	struct json_verr err;
	struct token tok;
	struct strategy st;
	enum cb_err rc;
	int found;

	if ((found = ledger_write_find_token(lw, symbol, sym_len)) >= 0) {
		*idx = (unsigned)found;
		return 0;
	}
	rc = CB_ERR_NOT_FOUND;
	if (registry_symbol_valid(symbol, sym_len))
		rc = ledger_token_get(req->w->db, symbol, sym_len, &tok);
	if (rc == CB_ERR_NOT_FOUND || (rc == CB_OK && !tok.enabled)) {
		json_verr_set(&err, path, "unknown_token", "%s",
		    rc == CB_OK ? "token is disabled" : "no token is registered with this symbol");
		return http_error_verr(resp, &err);
	}
	if (rc != CB_OK || (rc = ledger_strategy_get(req->w->db, tok.id, &st)) != CB_OK ||
	    (rc = ledger_write_token(lw, &tok, &st, ledger_poll_seconds(req->w->cfg, &tok),
	    idx)) != CB_OK)
		return http_internal_error(resp, "ledger_token", rc);
	return 0;
}

int
ledger_reason_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw,
    const char *name, size_t name_len, const char *fallback, const char *path,
    unsigned *idx)
{
	struct json_verr err;
	struct reason r;
	enum cb_err rc;
	int found;

	if ((found = ledger_write_find_reason(lw, name, name_len)) >= 0) {
		*idx = (unsigned)found;
		return 0;
	}
	rc = CB_ERR_NOT_FOUND;
	if (registry_reason_name_valid(name, name_len))
		rc = ledger_reason_get(req->w->db, name, name_len, &r);
	if (rc == CB_ERR_NOT_FOUND && fallback != NULL)
		return ledger_reason_or_reply(req, resp, lw, fallback, strlen(fallback),
		    NULL, path, idx);
	if (rc == CB_ERR_NOT_FOUND || (rc == CB_OK && !r.enabled)) {
		json_verr_set(&err, path, "unknown_reason", "%s",
		    rc == CB_OK ? "reason is disabled" : "no reason is registered with this name");
		return http_error_verr(resp, &err);
	}
	if (rc != CB_OK || (rc = ledger_write_reason(lw, &r, idx)) != CB_OK)
		return http_internal_error(resp, "ledger_reason", rc);
	return 0;
}

enum cb_err
ledger_arena_json(struct ledger_write *lw, json_object *obj, size_t *off, size_t *len)
{
	const char *text;
	size_t n;
	enum cb_err rc;

	text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &n);
	if (text == NULL)
		return CB_ERR_NOMEM;
	if ((rc = ledger_write_text(lw, text, n, off)) != CB_OK)
		return rc;
	*len = n;
	return CB_OK;
}

int
ledger_metadata_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw,
    struct ledger_change *c, json_object *meta, const char *path)
{
	const struct reason *r = &lw->reasons[c->reason];
	struct json_verr err;
	char kpath[JSON_PATH_MAX];
	const char *text;
	size_t n;
	enum cb_err rc;

	c->meta_len = 0;
	if (meta == NULL)
		return 0;
	if (!json_object_is_type(meta, json_type_object)) {
		json_verr_set(&err, path, "wrong_type", "metadata must be an object");
		return http_error_verr(resp, &err);
	}
	json_object_object_foreach(meta, key, val) {
		(void)val;
		if (!registry_reason_allows(r, key, strlen(key))) {
			json_verr_set(&err, json_path_key(kpath, sizeof(kpath), path, key),
			    "metadata_key_not_allowed",
			    "reason %s does not allow this metadata key", r->name);
			return http_error_verr(resp, &err);
		}
	}
	text = json_object_to_json_string_length(meta, JSON_C_TO_STRING_PLAIN, &n);
	if (text == NULL)
		return http_internal_error(resp, "ledger_metadata", CB_ERR_NOMEM);
	if (n > req->w->cfg->api.max_metadata) {
		json_verr_set(&err, path, "metadata_too_large",
		    "metadata is %zu bytes serialised, at most %zu allowed", n,
		    req->w->cfg->api.max_metadata);
		return http_error_verr(resp, &err);
	}
	if ((rc = ledger_write_text(lw, text, n, &c->meta_off)) != CB_OK)
		return http_internal_error(resp, "ledger_metadata", rc);
	c->meta_len = n;
	return 0;
}

int
ledger_meta_pairs_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw,
    const struct reason *r, const char *const keys[], const char *const vals[],
    const size_t lens[], size_t n, const char *path, size_t *off, size_t *len)
{
	struct buf *b = &lw->arena;
	struct json_verr err;
	size_t start = b->len, i, kept = 0;
	enum cb_err rc = CB_OK;

	*off = start;
	*len = 0;
	for (i = 0; i < n && rc == CB_OK; i++) {
		if (vals[i] == NULL || !registry_reason_allows(r, keys[i], strlen(keys[i])))
			continue;
		if ((rc = buf_putc(b, kept++ ? ',' : '{')) != CB_OK ||
		    (rc = buf_append_json_string(b, keys[i], strlen(keys[i]))) != CB_OK ||
		    (rc = buf_putc(b, ':')) != CB_OK)
			break;
		rc = buf_append_json_string(b, vals[i], lens[i]);
	}
	if (rc == CB_OK && kept > 0)
		rc = buf_putc(b, '}');
	if (rc != CB_OK) {
		buf_truncate(b, start);
		return http_internal_error(resp, "ledger_metadata", rc);
	}
	if (b->len - start > req->w->cfg->api.max_metadata) {
		buf_truncate(b, start);
		json_verr_set(&err, path, "metadata_too_large",
		    "the metadata derived from this request is over %zu bytes",
		    req->w->cfg->api.max_metadata);
		return http_error_verr(resp, &err);
	}
	*len = b->len - start;
	return 0;
}

/*
 * The plain values a write is committed with: the API key that sent it
 * and its Idempotency-Key, with the request hash (method, route, body).
 */
static void
ledger_request_of(const struct req *req, struct ledger_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->api_key_id = req->api_key_id;
	rq->deadline_ms = req->started_ms + req->w->cfg->api.write_timeout_ms;
	rq->idem_key = req->idempotency_key;
	rq->idem_key_len = req->idempotency_key_len;
	if (rq->idem_key != NULL)
		idempotency_hash(http_method_name(req->method), req->route->name,
		    req->body, req->body_len, rq->request_hash);
}

/* Answers from a committed idempotency row; 0 when there is none. */
static int
ledger_replay_row_or_reply(struct req *req, struct resp *resp,
    const struct ledger_request *rq)
{
	enum idempotency_state state;
	json_object *details;
	enum cb_err rc;
	int status = 0;

	rc = idempotency_lookup(req->w->db, rq->api_key_id, rq->idem_key, rq->idem_key_len,
	    rq->request_hash, &state, &status, &resp->body);
	if (rc != CB_OK)
		return http_internal_error(resp, "idempotency_lookup", rc);
	if (state == IDEMPOTENCY_ABSENT)
		return 0;
	if (state == IDEMPOTENCY_MISMATCH) {
		details = json_object_new_object();
		json_object_object_add(details, "header",
		    json_object_new_string("Idempotency-Key"));
		http_error(resp, 422, "idempotency_key_reused",
		    "this Idempotency-Key was used with a different request", details);
		json_object_put(details);
		return 422;
	}
	resp->idempotent_replayed = true;
	return http_status(resp, status == 201 ? 200 : status);
}

/* The 409 of a refused write, with the offending row named. */
static int
ledger_refusal_reply(struct resp *resp, const struct ledger_write *lw,
    const char *rows_field)
{
	const struct ledger_change *c = &lw->changes[lw->failed_change];
	const struct token *tok = &lw->tokens[c->token];
	char path[JSON_PATH_MAX], field[JSON_PATH_MAX], text[AMOUNT_STR_MAX];
	struct amount mag = c->amount;
	json_object *d = json_object_new_object();
	int status;

	json_path_index(path, sizeof(path), rows_field, lw->failed_change);
	json_path_key(field, sizeof(field), path, "amount");
	json_object_object_add(d, "field", json_object_new_string(field));
	json_object_object_add(d, "user_id",
	    json_object_new_string_len(c->user_id, (int)c->user_id_len));
	json_object_object_add(d, "token_symbol", json_object_new_string(tok->symbol));
	if (lw->outcome == LEDGER_INSUFFICIENT) {
		mag.neg = false;
		if (amount_format(&lw->failed_available, tok->decimals, false, text, sizeof(text)))
			json_object_object_add(d, "available", json_object_new_string(text));
		if (amount_format(&mag, tok->decimals, false, text, sizeof(text)))
			json_object_object_add(d, "requested", json_object_new_string(text));
		status = http_error(resp, 409, "insufficient_balance",
		    "the debit would take the pending balance below zero", d);
	} else {
		status = http_error(resp, 409, "balance_out_of_range",
		    "the balance would exceed the largest amount the ledger holds", d);
	}
	json_object_put(d);
	return status;
}

size_t
ledger_packet_need(const struct api_config *api)
{
	/* A detail byte is at most 6 bytes as JSON (\u0001); metadata is
	 * capped as the JSON text it travels as. */
	size_t response = LEDGER_RESPONSE_HEAD_MAX +
	    (size_t)api->max_rows * LEDGER_RESPONSE_ROW_MAX;
	size_t row = 512 + 6 * api->max_reason_detail + api->max_metadata;

	return (response > row ? response : row) + LEDGER_PACKET_SLACK;
}

/*
 * The 503s of a write that the store could not finish, none of which
 * wrote anything except outcome_unknown, which may have.
 */
static int
ledger_unfinished_reply(struct req *req, struct resp *resp,
    const struct ledger_write *lw, enum cb_err rc)
{
	json_object *d = json_object_new_object();
	int status;

	switch (rc) {
	case CB_ERR_TIMEOUT:
		json_object_object_add(d, "timeout_ms",
		    json_object_new_uint64(req->w->cfg->api.write_timeout_ms));
		status = http_error(resp, 503, "write_timeout",
		    "the write could not complete in time (rows it needs stayed locked);"
		    " nothing was written", d);
		resp->retry_after = 1;
		break;
	case CB_ERR_DB_RETRY:
		status = http_error(resp, 503, "store_busy",
		    "the write kept conflicting with other writes; nothing was written",
		    NULL);
		resp->retry_after = 1;
		break;
	case CB_ERR_TOO_LARGE:
		/* The server's max_allowed_packet is below what [api] allows
		 * (logged at connect): the request is refused, not the store. */
		log_warnx("write_too_large", "max_allowed_packet=%lu need=%zu",
		    db_max_packet(req->w->db), ledger_packet_need(&req->w->cfg->api));
		json_object_object_add(d, "max_allowed_packet",
		    json_object_new_uint64(db_max_packet(req->w->db)));
		status = http_error(resp, 413, "payload_too_large",
		    "the write is larger than the store accepts in one statement;"
		    " nothing was written", d);
		break;
	case CB_ERR_DB_UNKNOWN:
		/* No Retry-After: a client that retries blindly may write
		 * twice.  It looks the operation up first. */
		log_warnx("write_outcome_unknown", "operation_id=%s", lw->operation_id);
		json_object_object_add(d, "operation_id",
		    json_object_new_string(lw->operation_id));
		status = http_error(resp, 503, "outcome_unknown",
		    "the store connection was lost while the write committed and whether"
		    " it was recorded is not known: look the operation up before sending"
		    " the request again", d);
		resp->retry_after = 0;
		break;
	default:
		status = http_internal_error(resp, "ledger_write", rc);
		break;
	}
	json_object_put(d);
	return status;
}

int
ledger_replay_or_reply(struct req *req, struct resp *resp)
{
	struct ledger_request rq;

	if (req->idempotency_key == NULL)
		return 0;
	ledger_request_of(req, &rq);
	return ledger_replay_row_or_reply(req, resp, &rq);
}

int
ledger_commit_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw,
    const char *rows_field)
{
	struct ledger_request rq;
	json_object *d;
	enum cb_err rc;
	unsigned attempt;
	int status;

	/* The key was looked up before validation (ledger_replay_or_reply). */
	ledger_request_of(req, &rq);
	lw->outlook_cache = &ledger_outlooks;
	if ((rc = ledger_write_prepare(req->w->db, lw)) != CB_OK)
		return http_internal_error(resp, "ledger_prepare", rc);
	/* A key committed by a concurrent request between the fast path and
	 * the claim is answered from its row; if that row vanished again (it
	 * was rolled back), the write runs once more. */
	for (attempt = 0; attempt < 3; attempt++) {
		rc = ledger_write_commit(req->w->db, lw, &rq);
		if (rc == CB_OK && lw->recovered)
			log_info("write_commit_recovered", "operation_id=%s", lw->operation_id);
		if (rc == CB_OK) {
			buf_reset(&resp->body);
			rc = buf_append(&resp->body, lw->response.data, lw->response.len);
			if (rc != CB_OK)
				return http_internal_error(resp, "ledger_response", rc);
			return http_status(resp, 201);
		}
		if (rc != CB_ERR_CONFLICT || lw->outcome != LEDGER_IDEM_EXISTS)
			break;
		if ((status = ledger_replay_row_or_reply(req, resp, &rq)) != 0)
			return status;
	}
	if (rc != CB_ERR_CONFLICT)
		return ledger_unfinished_reply(req, resp, lw, rc);
	switch (lw->outcome) {
	case LEDGER_INSUFFICIENT:
	case LEDGER_BALANCE_RANGE:
		return ledger_refusal_reply(resp, lw, rows_field);
	case LEDGER_BATCH_CONFLICT:
		d = json_object_new_object();
		json_object_object_add(d, "field", json_object_new_string("batch_id"));
		status = http_error(resp, 409, "batch_id_conflict",
		    "this batch_id was already used by this API key", d);
		json_object_put(d);
		return status;
	case LEDGER_TOKEN_CHANGED:
		/* This worker's cached registry is stale: the client's next
		 * attempt is validated against the store. */
		ledger_cache_flush();
		d = json_object_new_object();
		if (lw->ntokens == 1)
			json_object_object_add(d, "token_symbol",
			    json_object_new_string(lw->tokens[0].symbol));
		status = http_error(resp, 409, "token_changed",
		    "a token's decimals changed while this request was processed; nothing"
		    " was written: send it again", d);
		json_object_put(d);
		/* Other workers may cache the old registry entry that long. */
		resp->retry_after = 1;
		return status;
	case LEDGER_IDEM_IN_FLIGHT:
	case LEDGER_IDEM_EXISTS:
		d = json_object_new_object();
		json_object_object_add(d, "header", json_object_new_string("Idempotency-Key"));
		status = http_error(resp, 409, "idempotency_in_flight",
		    "a request with this Idempotency-Key is still being processed", d);
		json_object_put(d);
		resp->retry_after = 1;
		return status;
	case LEDGER_OK:
		break;
	}
	return http_internal_error(resp, "ledger_write", rc);
}

int
ledger_registry_error(struct resp *resp, enum cb_err rc, const char *errbuf,
    const char *code_invalid, const char *code_conflict, const char *code_not_found)
{
	const char *colon = strchr(errbuf, ':');
	json_object *d;
	const char *code;
	int status;

	switch (rc) {
	case CB_ERR_INVALID:
		status = 400;
		code = code_invalid;
		break;
	case CB_ERR_CONFLICT:
		status = 409;
		code = code_conflict;
		break;
	case CB_ERR_NOT_FOUND:
		status = 404;
		code = code_not_found;
		break;
	default:
		return http_internal_error(resp, "registry_save", rc);
	}
	d = json_object_new_object();
	if (colon != NULL)
		json_object_object_add(d, "field",
		    json_object_new_string_len(errbuf, (int)(colon - errbuf)));
	status = http_error(resp, status, code, errbuf, d);
	json_object_put(d);
	return status;
}

/* -------------------------------------------------------- read helpers */

bool
ledger_json_amount(json_object *obj, const char *key, const char *db_text, size_t len,
    unsigned decimals, bool with_sign)
{
	char text[AMOUNT_STR_MAX];
	struct amount a;
	size_t n;

	if (db_text == NULL || amount_from_db(&a, db_text, len) != 0 ||
	    (n = amount_format(&a, decimals, with_sign, text, sizeof(text))) == 0)
		return false;
	json_object_object_add(obj, key, json_object_new_string_len(text, (int)n));
	return true;
}

void
ledger_json_str(json_object *obj, const char *key, const char *s, size_t len)
{
	json_object_object_add(obj, key, s ? json_object_new_string_len(s, (int)len) : NULL);
}

void
ledger_json_u64(json_object *obj, const char *key, const struct db_row *row, unsigned col)
{
	uint64_t v;

	json_object_object_add(obj, key,
	    db_col_u64(row, col, &v) ? json_object_new_uint64(v) : NULL);
}

void
ledger_json_hex(json_object *obj, const char *key, const char *hex, size_t len)
{
	json_object *v = NULL;
	char *s;

	if (hex != NULL && (s = malloc(len + 3)) != NULL) {
		s[0] = '0';
		s[1] = 'x';
		memcpy(s + 2, hex, len);
		s[len + 2] = '\0';
		v = json_object_new_string_len(s, (int)len + 2);
		free(s);
	}
	json_object_object_add(obj, key, v);
}

void
ledger_json_address(json_object *obj, const char *key, const char *hex, size_t len)
{
	char text[ADDRESS_STR_SIZE];
	struct address a;

	if (hex == NULL || len != 40) {
		json_object_object_add(obj, key, NULL);
		return;
	}
	text[0] = '0';
	text[1] = 'x';
	memcpy(text + 2, hex, 40);
	if (address_parse(text, ADDRESS_HEX_LEN, &a) != ADDRESS_OK) {
		json_object_object_add(obj, key, NULL);
		return;
	}
	address_to_checksum(&a, text);
	json_object_object_add(obj, key, json_object_new_string(text));
}

void
ledger_json_col(json_object *obj, const char *key, const struct db_row *row, unsigned col)
{
	if (col >= row->ncols)
		json_object_object_add(obj, key, NULL);
	else
		ledger_json_str(obj, key, row->val[col], row->len[col]);
}

void
ledger_json_col_hex(json_object *obj, const char *key, const struct db_row *row,
    unsigned col)
{
	if (col >= row->ncols)
		json_object_object_add(obj, key, NULL);
	else
		ledger_json_hex(obj, key, row->val[col], row->len[col]);
}

void
ledger_json_col_address(json_object *obj, const char *key, const struct db_row *row,
    unsigned col)
{
	if (col >= row->ncols)
		json_object_object_add(obj, key, NULL);
	else
		ledger_json_address(obj, key, row->val[col], row->len[col]);
}

void
ledger_json_raw(json_object *obj, const char *key, const char *text, size_t len)
{
	json_tokener *tok;
	json_object *v = NULL;

	if (text != NULL && (tok = json_tokener_new()) != NULL) {
		v = json_tokener_parse_ex(tok, text, (int)len);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(v);
			v = NULL;
		}
		json_tokener_free(tok);
	}
	json_object_object_add(obj, key, v);
}

bool
ledger_operation_id_parse(const char *s, size_t len, char out[37])
{
	size_t i;

	if (len == UUID_STR_LEN + 3 && memcmp(s, "op_", 3) == 0) {
		s += 3;
		len -= 3;
	}
	if (len != UUID_STR_LEN || !uuid_valid(s, len))
		return false;
	for (i = 0; i < len; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'F') ? (char)(s[i] - 'A' + 'a') : s[i];
	out[len] = '\0';
	return true;
}

void
ledger_cursor_encode(uint64_t id, char out[24])
{
	snprintf(out, 24, "%016llx", (unsigned long long)id);
}

bool
ledger_cursor_decode(const char *s, size_t len, uint64_t *id)
{
	uint64_t v;

	if (len != 16 || !hex_u64_lower(s, len, &v) || v == 0)
		return false;
	*id = v;
	return true;
}

int
ledger_page_or_reply(struct req *req, struct resp *resp, unsigned def, unsigned max,
    unsigned *limit, uint64_t *before)
{
	struct json_verr err;
	const char *s;
	size_t n, i;
	unsigned long v = 0;

	*limit = def < max ? def : max;
	*before = UINT64_MAX;
	if (req_query(req, "limit", &s, &n)) {
		for (i = 0; i < n && i < 10; i++) {
			if (s[i] < '0' || s[i] > '9')
				break;
			v = v * 10 + (unsigned long)(s[i] - '0');
		}
		if (n == 0 || i != n || v < 1 || v > max) {
			json_verr_set(&err, "limit", "invalid_limit",
			    "limit must be an integer from 1 to %u", max);
			return http_error_verr(resp, &err);
		}
		*limit = (unsigned)v;
	}
	if (req_query(req, "cursor", &s, &n) && !ledger_cursor_decode(s, n, before)) {
		json_verr_set(&err, "cursor", "invalid_cursor",
		    "cursor must be a next_cursor value returned by this list");
		return http_error_verr(resp, &err);
	}
	return 0;
}
