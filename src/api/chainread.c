/*
 * chainread.c - parameter validation, checkpoints, amounts and cursors of
 * the chain data routes (chainread.h, docs/api.md "Chain data").
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainread.h"
#include "core/conf.h"
#include "core/hex.h"
#include "ledger.h"
#include "money/amount.h"
#include "store/stmts.h"
#include "worker.h"

const struct chain_config *
cr_chain_config(const struct config *cfg, uint64_t chain_id)
{
	size_t i;

	for (i = 0; i < cfg->nchains; i++)
		if (cfg->chains[i].chain_id == chain_id)
			return &cfg->chains[i];
	return NULL;
}

bool
cr_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* 400 code with details {"field": field}. */
static int
cr_bad(struct resp *resp, const char *field, const char *code, const char *message)
{
	struct json_verr err;

	json_verr_set(&err, field, code, "%s", message);
	return http_error_verr(resp, &err);
}

int
cr_chain_id_or_reply(struct resp *resp, const char *s, size_t len, const char *field,
    uint64_t *out)
{
	if (cr_parse_u64(s, len, CR_CHAIN_ID_MAX, out) && *out > 0)
		return 0;
	return cr_bad(resp, field, "invalid_chain_id",
	    "a chain id is a decimal integer from 1 to 2^53-1");
}

int
cr_u64_or_reply(struct resp *resp, const char *s, size_t len, uint64_t max,
    const char *field, const char *code, uint64_t *out)
{
	char msg[128];

	if (cr_parse_u64(s, len, max, out))
		return 0;
	snprintf(msg, sizeof(msg), "%s must be a decimal integer from 0 to %" PRIu64,
	    field, max);
	return cr_bad(resp, field, code, msg);
}

int
cr_hash_or_reply(struct resp *resp, const char *s, size_t len, const char *field,
    const char *code, uint8_t out[32])
{
	/* A lowercase "0x" only: hex_decode alone would take "0X" too. */
	if (len == 66 && s[0] == '0' && s[1] == 'x' &&
	    hex_decode_exact(out, 32, s + 2, 64) == 0)
		return 0;
	return cr_bad(resp, field, code, "a hash is 0x followed by 64 hex digits");
}

int
cr_address_or_reply(struct resp *resp, const char *s, size_t len, const char *field,
    struct address *out)
{
	switch (address_parse(s, len, out)) {
	case ADDRESS_OK:
		return 0;
	case ADDRESS_BAD_CHECKSUM:
		return cr_bad(resp, field, "invalid_address_checksum",
		    "mixed-case address does not match its EIP-55 checksum");
	default:
		return cr_bad(resp, field, "invalid_address",
		    "an address is 0x followed by 40 hex digits");
	}
}

/* Reads an optional unsigned column; false (and *have false) when NULL. */
static bool
cr_col_opt(const struct db_row *row, unsigned col, bool *have, uint64_t *out)
{
	*have = false;
	if (row->val[col] == NULL)
		return true;
	if (!db_col_u64(row, col, out))
		return false;
	*have = true;
	return true;
}

enum cb_err
cr_checkpoint_get(struct db *db, uint64_t chain_id, struct cr_checkpoint *cp)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	memset(cp, 0, sizeof(*cp));
	if ((rc = DB_EXEC(db, ST_SYNC_CHECKPOINT_GET, DB_U64(chain_id))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_SYNC_CHECKPOINT_GET, &row);
	rc = CB_OK;
	if (r == 1) {
		cp->found = true;
		if (!cr_col_opt(&row, CHECKPOINT_COL_LAST_BLOCK, &cp->has_last,
		    &cp->last_block) ||
		    !cr_col_opt(&row, CHECKPOINT_COL_SAFE_BLOCK, &cp->has_safe,
		    &cp->safe_block) ||
		    !cr_col_opt(&row, CHECKPOINT_COL_FINALIZED_BLOCK, &cp->has_finalized,
		    &cp->finalized_block) ||
		    !cr_col_opt(&row, CHECKPOINT_COL_HEAD_BLOCK, &cp->has_head,
		    &cp->head_block))
			rc = CB_ERR_DB;
	} else if (r < 0) {
		rc = CB_ERR_DB;
	}
	db_done(db, ST_SYNC_CHECKPOINT_GET);
	return rc;
}

int
cr_not_found(struct resp *resp, const char *code, const char *message,
    const char *field, const char *value, size_t len)
{
	json_object *d = json_object_new_object();
	int status;

	if (d != NULL)
		json_object_object_add(d, field, json_object_new_string_len(value, (int)len));
	status = http_error(resp, 404, code, message, d);
	json_object_put(d);
	return status;
}

int
cr_not_found_u64(struct resp *resp, const char *code, const char *message,
    const char *field, uint64_t value)
{
	json_object *d = json_object_new_object();
	int status;

	if (d != NULL)
		json_object_object_add(d, field, json_object_new_uint64(value));
	status = http_error(resp, 404, code, message, d);
	json_object_put(d);
	return status;
}

int
cr_chain_or_reply(struct req *req, struct resp *resp, uint64_t *chain_id,
    struct cr_checkpoint *cp)
{
	enum cb_err rc;
	int status;

	if ((status = cr_chain_id_or_reply(resp, req->params[0], req->param_len[0],
	    "chain_id", chain_id)) != 0)
		return status;
	if ((rc = cr_checkpoint_get(req->w->db, *chain_id, cp)) != CB_OK)
		return http_internal_error(resp, "chain_checkpoint", rc);
	if (!cp->found && cr_chain_config(req->w->cfg, *chain_id) == NULL)
		return cr_not_found_u64(resp, "chain_not_found",
		    "no chain is synced or configured with this chain id", "chain_id",
		    *chain_id);
	return 0;
}

int
cr_token_or_reply(struct req *req, struct resp *resp, unsigned index, struct token *tok)
{
	const char *s = req->params[index];
	size_t n = req->param_len[index];
	enum cb_err rc = CB_ERR_NOT_FOUND;

	if (registry_symbol_valid(s, n))
		rc = ledger_token_get(req->w->db, s, n, tok);
	if (rc == CB_ERR_NOT_FOUND)
		return cr_not_found(resp, "token_not_found",
		    "no token is registered with this symbol", "symbol", s, n);
	if (rc != CB_OK)
		return http_internal_error(resp, "chain_token", rc);
	return 0;
}

bool
cr_confirmed_block(const struct config *cfg, uint64_t chain_id,
    const struct cr_checkpoint *cp, uint64_t *out)
{
	const struct chain_config *cc = cr_chain_config(cfg, chain_id);
	enum config_finality finality = cc != NULL ? cc->finality : CONFIG_FINALITY_FINALIZED;

	switch (finality) {
	case CONFIG_FINALITY_SAFE:
		*out = cp->safe_block;
		return cp->has_safe;
	case CONFIG_FINALITY_DEPTH:
		if (!cp->has_head || cp->head_block < cc->finality_depth)
			return false;
		*out = cp->head_block - cc->finality_depth;
		return true;
	case CONFIG_FINALITY_FINALIZED:
	default:
		*out = cp->finalized_block;
		return cp->has_finalized;
	}
}

bool
cr_value_from_row(const char *dec, size_t dec_len, const char *raw_hex, size_t raw_len,
    u256 *out)
{
	uint8_t bytes[32];
	size_t n;

	if (dec != NULL)
		return u256_from_dec(out, dec, dec_len) == 0;
	if (raw_hex == NULL || raw_len > 64 ||
	    hex_decode(bytes, sizeof(bytes), raw_hex, raw_len, &n) != 0)
		return false;
	return u256_from_be(out, bytes, n) == 0;
}

void
cr_json_u256(json_object *obj, const char *key, const u256 *v, unsigned decimals)
{
	struct amount a;
	char text[AMOUNT_STR_MAX], raw_key[64];
	size_t n;

	a.mag = *v;
	a.neg = false;
	snprintf(raw_key, sizeof(raw_key), "%s_raw", key);
	n = amount_format(&a, decimals, false, text, sizeof(text));
	json_object_object_add(obj, key, n > 0 ? json_object_new_string_len(text, (int)n) : NULL);
	n = u256_to_dec(v, text, sizeof(text));
	json_object_object_add(obj, raw_key, n > 0 ? json_object_new_string_len(text, (int)n) :
	    NULL);
}

void
cr_json_u256_null(json_object *obj, const char *key)
{
	char raw_key[64];

	snprintf(raw_key, sizeof(raw_key), "%s_raw", key);
	json_object_object_add(obj, key, NULL);
	json_object_object_add(obj, raw_key, NULL);
}

json_object *
cr_hex_value(const char *hex, size_t len)
{
	json_object *v;
	char *s;

	if (hex == NULL || len > INT32_MAX - 3 || (s = malloc(len + 3)) == NULL)
		return NULL;
	s[0] = '0';
	s[1] = 'x';
	memcpy(s + 2, hex, len);
	s[len + 2] = '\0';
	v = json_object_new_string_len(s, (int)len + 2);
	free(s);
	return v;
}

void
cr_json_hash(json_object *obj, const char *key, const char *hex, size_t len)
{
	json_object_object_add(obj, key, cr_hex_value(hex, len));
}

void
cr_json_bool(json_object *obj, const char *key, const char *s, size_t len)
{
	json_object_object_add(obj, key, s == NULL ? NULL :
	    json_object_new_boolean(!(len == 1 && s[0] == '0')));
}

void
cr_json_time(json_object *obj, uint64_t t)
{
	char when[32];

	json_object_object_add(obj, "timestamp", json_object_new_uint64(t));
	if (t > (uint64_t)INT64_MAX / 2) {
		json_object_object_add(obj, "time", NULL);
		return;
	}
	ledger_iso_time((int64_t)t, when, sizeof(when));
	json_object_object_add(obj, "time", when[0] ? json_object_new_string(when) : NULL);
}

void
cr_cursor_encode(const struct cr_pos *pos, char out[CR_CURSOR_LEN + 1])
{
	snprintf(out, CR_CURSOR_LEN + 1, "%016" PRIx64 "%08" PRIx32, pos->block,
	    (uint32_t)pos->index);
}

bool
cr_cursor_decode(const char *s, size_t len, struct cr_pos *pos)
{
	uint64_t v[2];

	if (len != CR_CURSOR_LEN || !hex_u64_lower(s, 16, &v[0]) ||
	    !hex_u64_lower(s + 16, len - 16, &v[1]))
		return false;
	if (v[0] > CR_BLOCK_MAX + 1)
		return false;
	pos->block = v[0];
	pos->index = v[1];
	return true;
}

int
cr_page_or_reply(struct req *req, struct resp *resp, struct cr_page *page)
{
	unsigned max = req->w->cfg->api.history_max_limit;
	const char *s;
	size_t n;
	uint64_t v;
	char msg[96];

	memset(page, 0, sizeof(*page));
	page->limit = CR_PAGE_DEFAULT < max ? CR_PAGE_DEFAULT : max;
	if (req_query(req, "limit", &s, &n)) {
		if (!cr_parse_u64(s, n, max, &v) || v < 1) {
			snprintf(msg, sizeof(msg), "limit must be an integer from 1 to %u", max);
			return cr_bad(resp, "limit", "invalid_limit", msg);
		}
		page->limit = (unsigned)v;
	}
	if (req_query(req, "cursor", &s, &n)) {
		if (!cr_cursor_decode(s, n, &page->cursor))
			return cr_bad(resp, "cursor", "invalid_cursor",
			    "cursor must be a next_cursor value returned by this list");
		page->have_cursor = true;
	}
	return 0;
}

int
cr_query_address_or_reply(struct req *req, struct resp *resp, const char *key,
    struct address *out, bool *have)
{
	const char *s;
	size_t n;
	int status;

	*have = false;
	if (!req_query(req, key, &s, &n))
		return 0;
	if ((status = cr_address_or_reply(resp, s, n, key, out)) != 0)
		return status;
	*have = true;
	return 0;
}

void
cr_json_next_cursor(json_object *doc, bool more, const struct cr_pos *pos)
{
	char cursor[CR_CURSOR_LEN + 1];

	if (!more) {
		json_object_object_add(doc, "next_cursor", NULL);
		return;
	}
	cr_cursor_encode(pos, cursor);
	json_object_object_add(doc, "next_cursor", json_object_new_string(cursor));
}
