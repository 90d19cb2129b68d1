/* registry.c - tokens, batch strategies and reasons. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/array.h"
#include "core/namebits.h"
#include "store/registry.h"
#include "store/stmts.h"


static bool
registry_chars_ok(const char *s, size_t len, size_t max, const char *extra, bool upper)
{
	size_t i;

	if (len == 0 || len > max)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (upper && c >= 'A' && c <= 'Z') || (c != '\0' && strchr(extra, c)))
			continue;
		return false;
	}
	return true;
}

bool
registry_symbol_valid(const char *s, size_t len)
{
	return registry_chars_ok(s, len, TOKEN_SYMBOL_MAX, "._-", true);
}

bool
registry_chain_name_valid(const char *s, size_t len)
{
	return registry_chars_ok(s, len, CHAIN_NAME_MAX, "_-", false);
}

bool
registry_reason_name_valid(const char *s, size_t len)
{
	return registry_chars_ok(s, len, REASON_NAME_MAX, "_", false);
}

static const struct namebit features[] = {
	{ "mintable", TOKEN_FEAT_MINTABLE },
	{ "burnable", TOKEN_FEAT_BURNABLE },
	{ "pausable", TOKEN_FEAT_PAUSABLE },
	{ "transfer", TOKEN_FEAT_TRANSFER },
};

int
registry_features_parse(const char *s, size_t len)
{
	return namebits_parse(s, len, features, ARRAY_LEN(features), 1);
}

const char *
registry_features_format(unsigned bits, char *out, size_t cap)
{
	return namebits_format(bits, features, ARRAY_LEN(features), out, cap);
}

static const char *const settlement_names[TOKEN_SETTLE__MAX] = {
	[TOKEN_SETTLE_PLAIN] = "plain",
	[TOKEN_SETTLE_KEYED] = "keyed",
};

int
registry_settlement_parse(const char *s, size_t len)
{
	int i;

	for (i = 0; i < TOKEN_SETTLE__MAX; i++)
		if (strlen(settlement_names[i]) == len && memcmp(settlement_names[i], s, len) == 0)
			return i;
	return -1;
}

const char *
registry_settlement_name(enum token_settlement s)
{
	return (unsigned)s < TOKEN_SETTLE__MAX ? settlement_names[s] : "?";
}

/* Copy a column into a fixed buffer; false when NULL or too long. */
static bool
registry_col_str(const struct db_row *row, unsigned col, char *out, size_t cap)
{
	if (col >= row->ncols || row->val[col] == NULL || row->len[col] >= cap)
		return false;
	memcpy(out, row->val[col], row->len[col]);
	out[row->len[col]] = '\0';
	return true;
}

enum cb_err
registry_token_from_row(const struct db_row *row, struct token *t)
{
	uint64_t id, dec, enabled;
	int set;

	memset(t, 0, sizeof(*t));
	if (row->ncols < TOKEN_COL__MAX || !db_col_u64(row, TOKEN_COL_ID, &id) ||
	    id > UINT32_MAX ||
	    !registry_col_str(row, TOKEN_COL_CHAIN, t->chain, sizeof(t->chain)) ||
	    !db_col_u64(row, TOKEN_COL_CHAIN_ID, &t->chain_id) ||
	    !registry_col_str(row, TOKEN_COL_SYMBOL, t->symbol, sizeof(t->symbol)) ||
	    !registry_col_str(row, TOKEN_COL_NAME, t->name, sizeof(t->name)) ||
	    row->val[TOKEN_COL_ADDRESS] == NULL || row->len[TOKEN_COL_ADDRESS] != ADDRESS_LEN ||
	    !db_col_u64(row, TOKEN_COL_DECIMALS, &dec) || dec > AMOUNT_DECIMALS_MAX ||
	    row->val[TOKEN_COL_SETTLEMENT] == NULL ||
	    (set = registry_settlement_parse(row->val[TOKEN_COL_SETTLEMENT],
	    row->len[TOKEN_COL_SETTLEMENT])) < 0 ||
	    row->val[TOKEN_COL_FEATURES] == NULL ||
	    !db_col_u64(row, TOKEN_COL_ENABLED, &enabled))
		return CB_ERR_DB;
	t->id = (uint32_t)id;
	memcpy(t->address.bytes, row->val[TOKEN_COL_ADDRESS], ADDRESS_LEN);
	t->decimals = (unsigned)dec;
	t->settlement = (enum token_settlement)set;
	if ((set = registry_features_parse(row->val[TOKEN_COL_FEATURES],
	    row->len[TOKEN_COL_FEATURES])) < 0)
		return CB_ERR_DB;
	t->features = (unsigned)set;
	t->enabled = enabled != 0;
	return CB_OK;
}

enum cb_err
registry_token_get(struct db *db, const char *symbol, size_t len, struct token *out)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	if ((rc = DB_EXEC(db, ST_TOKEN_GET, DB_STR(symbol, len))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_TOKEN_GET, &row);
	if (r < 0)
		rc = CB_ERR_DB;
	else if (r == 0)
		rc = CB_ERR_NOT_FOUND;
	else
		rc = registry_token_from_row(&row, out);
	db_done(db, ST_TOKEN_GET);
	return rc;
}

static enum cb_err
registry_fail(char *errbuf, size_t errlen, enum cb_err rc, const char *msg)
{
	snprintf(errbuf, errlen, "%s", msg);
	return rc;
}

static enum cb_err
registry_token_validate(const struct token *t, char *errbuf, size_t errlen)
{
	size_t n = strlen(t->name);

	if (!registry_symbol_valid(t->symbol, strlen(t->symbol)))
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "symbol: 1..20 characters of A-Z a-z 0-9 . _ -");
	if (!registry_chain_name_valid(t->chain, strlen(t->chain)))
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "chain: 1..32 characters of a-z 0-9 _ -");
	if (t->chain_id == 0 || t->chain_id > (1ULL << 53) - 1)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "chain_id: must be 1..2^53-1");
	if (n == 0 || n > TOKEN_NAME_MAX)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID, "name: 1..100 bytes");
	if (address_is_zero(&t->address))
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "address: the zero address is not a token");
	if (t->decimals > AMOUNT_DECIMALS_MAX)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID, "decimals: 0..36");
	if ((unsigned)t->settlement >= TOKEN_SETTLE__MAX)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID, "settlement: plain or keyed");
	return CB_OK;
}

struct token_update {
	struct token	*t;
	const char	*features;
	char		*errbuf;
	size_t		 errlen;
};

/*
 * The update of a token, one transaction: the token row is locked first
 * (ST_TOKEN_LOCK), which waits for every write of the token in flight and
 * holds new ones back, so "no ledger row exists" stays true until the new
 * decimals commit, and a write validated against the old ones sees the
 * change inside its own transaction (ST_LEDGER_CHANGES_INSERT).
 */
static enum cb_err
registry_token_update_txn(struct db *db, void *arg)
{
	struct token_update *tu = arg;
	struct token *t = tu->t, old;
	struct db_row row;
	enum cb_err rc;
	bool used;
	int r;

	if ((rc = DB_EXEC(db, ST_TOKEN_LOCK, DB_CSTR(t->symbol))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_TOKEN_LOCK, &row);
	rc = r < 0 ? CB_ERR_DB : r == 0 ? CB_ERR_NOT_FOUND : registry_token_from_row(&row, &old);
	db_done(db, ST_TOKEN_LOCK);
	if (rc == CB_ERR_NOT_FOUND)
		return registry_fail(tu->errbuf, tu->errlen, rc, "symbol: no such token");
	if (rc != CB_OK)
		return rc;
	if (old.decimals != t->decimals) {
		if ((rc = DB_EXEC(db, ST_TOKEN_HAS_LEDGER, DB_U64(old.id))) != CB_OK)
			return rc;
		r = db_fetch(db, ST_TOKEN_HAS_LEDGER, &row);
		used = r == 1 && row.val[SCALAR_COL_VALUE] != NULL &&
		    row.val[SCALAR_COL_VALUE][0] == '1';
		db_done(db, ST_TOKEN_HAS_LEDGER);
		if (r < 0)
			return CB_ERR_DB;
		if (used)
			return registry_fail(tu->errbuf, tu->errlen, CB_ERR_CONFLICT,
			    "decimals: cannot change once the token has ledger entries");
	}
	rc = DB_EXEC(db, ST_TOKEN_UPDATE, DB_CSTR(t->chain), DB_U64(t->chain_id),
	    DB_CSTR(t->name), DB_BLOB(t->address.bytes, ADDRESS_LEN),
	    DB_U64(t->decimals), DB_CSTR(registry_settlement_name(t->settlement)),
	    DB_CSTR(tu->features), DB_U64(t->enabled ? 1 : 0), DB_CSTR(t->symbol));
	if (rc == CB_ERR_CONFLICT)
		return registry_fail(tu->errbuf, tu->errlen, CB_ERR_CONFLICT,
		    "address: already registered for another token on this chain");
	if (rc != CB_OK)
		return rc;
	t->id = old.id;
	return CB_OK;
}

enum cb_err
registry_token_save(struct db *db, struct token *t, bool create, char *errbuf, size_t errlen)
{
	struct token_update tu = { t, NULL, errbuf, errlen };
	char feats[64];
	struct token old;
	enum cb_err rc;

	if ((rc = registry_token_validate(t, errbuf, errlen)) != CB_OK)
		return rc;
	registry_features_format(t->features, feats, sizeof(feats));
	if (!create) {
		tu.features = feats;
		return db_txn(db, registry_token_update_txn, &tu);
	}
	rc = registry_token_get(db, t->symbol, strlen(t->symbol), &old);
	if (rc != CB_OK && rc != CB_ERR_NOT_FOUND)
		return rc;
	if (rc == CB_OK)
		return registry_fail(errbuf, errlen, CB_ERR_CONFLICT,
		    "symbol: a token with this symbol exists");
	rc = DB_EXEC(db, ST_TOKEN_INSERT, DB_CSTR(t->chain), DB_U64(t->chain_id),
	    DB_CSTR(t->symbol), DB_CSTR(t->name), DB_BLOB(t->address.bytes, ADDRESS_LEN),
	    DB_U64(t->decimals), DB_CSTR(registry_settlement_name(t->settlement)),
	    DB_CSTR(feats), DB_U64(t->enabled ? 1 : 0));
	if (rc == CB_ERR_CONFLICT)
		return registry_fail(errbuf, errlen, CB_ERR_CONFLICT,
		    "address: already registered for another token on this chain");
	if (rc != CB_OK)
		return rc;
	t->id = (uint32_t)db_insert_id(db, ST_TOKEN_INSERT);
	return CB_OK;
}

void
registry_strategy_default(struct strategy *out)
{
	memset(out, 0, sizeof(*out));
	out->is_default = true;
	out->max_batch_size = STRATEGY_DEFAULT_MAX_BATCH;
	out->max_wait_seconds = STRATEGY_DEFAULT_MAX_WAIT;
	out->min_batch_size = STRATEGY_DEFAULT_MIN_BATCH;
}

/* Parse a JSON array of short strings into fixed slots. */
static bool
registry_json_names(const char *text, size_t len, size_t max_items, size_t max_len,
    char *slots, size_t slot_size, unsigned *count)
{
	json_tokener *tok;
	json_object *arr;
	size_t i, n;
	bool ok = false;

	*count = 0;
	if ((tok = json_tokener_new()) == NULL)
		return false;
	arr = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		goto out;
	n = json_object_array_length(arr);
	if (n > max_items)
		goto out;
	for (i = 0; i < n; i++) {
		json_object *el = json_object_array_get_idx(arr, i);
		size_t l;

		if (!json_object_is_type(el, json_type_string))
			goto out;
		l = (size_t)json_object_get_string_len(el);
		if (l == 0 || l > max_len)
			goto out;
		memcpy(slots + i * slot_size, json_object_get_string(el), l);
		slots[i * slot_size + l] = '\0';
	}
	*count = (unsigned)n;
	ok = true;
out:
	json_object_put(arr);
	return ok;
}

/* Serialise names into a JSON array text (json-c escapes). Caller json_object_put()s *holder. */
static const char *
registry_names_json(const char *slots, size_t slot_size, unsigned count, json_object **holder)
{
	json_object *arr = json_object_new_array();
	unsigned i;

	*holder = arr;
	if (arr == NULL)
		return NULL;
	for (i = 0; i < count; i++)
		json_object_array_add(arr, json_object_new_string(slots + i * slot_size));
	return json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN);
}

enum cb_err
registry_strategy_get(struct db *db, uint32_t token_id, struct strategy *out)
{
	struct db_row row;
	uint64_t v[3];
	enum cb_err rc;
	int r;

	registry_strategy_default(out);
	if ((rc = DB_EXEC(db, ST_STRATEGY_GET, DB_U64(token_id))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_STRATEGY_GET, &row);
	if (r <= 0) {
		db_done(db, ST_STRATEGY_GET);
		return r == 0 ? CB_OK : CB_ERR_DB;
	}
	rc = CB_ERR_DB;
	if (!db_col_u64(&row, STRATEGY_COL_MAX_BATCH_SIZE, &v[0]) ||
	    !db_col_u64(&row, STRATEGY_COL_MAX_WAIT_SECONDS, &v[1]) ||
	    !db_col_u64(&row, STRATEGY_COL_MIN_BATCH_SIZE, &v[2]) || v[0] > UINT32_MAX ||
	    v[1] > UINT32_MAX || v[2] > UINT32_MAX)
		goto out;
	out->is_default = false;
	out->max_batch_size = (uint32_t)v[0];
	out->max_wait_seconds = (uint32_t)v[1];
	out->min_batch_size = (uint32_t)v[2];
	if (row.val[STRATEGY_COL_VALUE_THRESHOLD] != NULL) {
		if (amount_from_db(&out->value_threshold, row.val[STRATEGY_COL_VALUE_THRESHOLD],
		    row.len[STRATEGY_COL_VALUE_THRESHOLD]) != 0)
			goto out;
		out->has_threshold = true;
	}
	if (row.val[STRATEGY_COL_PRIORITY_REASONS] != NULL &&
	    !registry_json_names(row.val[STRATEGY_COL_PRIORITY_REASONS],
	    row.len[STRATEGY_COL_PRIORITY_REASONS], STRATEGY_PRIORITY_MAX, REASON_NAME_MAX,
	    &out->priority_reasons[0][0], sizeof(out->priority_reasons[0]), &out->npriority))
		goto out;
	rc = CB_OK;
out:
	db_done(db, ST_STRATEGY_GET);
	return rc;
}

enum cb_err
registry_strategy_save(struct db *db, uint32_t token_id, const struct strategy *s,
    char *errbuf, size_t errlen)
{
	char thr[AMOUNT_DB_MAX];
	struct reason r;
	json_object *holder = NULL;
	const char *prio;
	enum cb_err rc;
	unsigned i;

	if (s->max_batch_size < 1 || s->max_batch_size > 100000)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID, "max_batch_size: 1..100000");
	if (s->min_batch_size < 1 || s->min_batch_size > s->max_batch_size)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "min_batch_size: 1..max_batch_size");
	if (s->max_wait_seconds < 1 || s->max_wait_seconds > 604800)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "max_wait: 1..604800 seconds");
	if (s->has_threshold && (s->value_threshold.neg || amount_is_zero(&s->value_threshold)))
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "value_threshold: must be positive");
	if (s->npriority > STRATEGY_PRIORITY_MAX)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "priority_reasons: too many");
	for (i = 0; i < s->npriority; i++) {
		rc = registry_reason_get(db, s->priority_reasons[i],
		    strlen(s->priority_reasons[i]), &r);
		if (rc == CB_ERR_NOT_FOUND) {
			snprintf(errbuf, errlen, "priority_reasons: unknown reason '%s'",
			    s->priority_reasons[i]);
			return CB_ERR_INVALID;
		}
		if (rc != CB_OK)
			return rc;
	}
	if (s->has_threshold)
		amount_to_db(&s->value_threshold, thr, sizeof(thr));
	prio = registry_names_json(&s->priority_reasons[0][0], sizeof(s->priority_reasons[0]),
	    s->npriority, &holder);
	if (prio == NULL) {
		json_object_put(holder);
		return CB_ERR_NOMEM;
	}
	rc = DB_EXEC(db, ST_STRATEGY_UPSERT, DB_U64(token_id), DB_U64(s->max_batch_size),
	    DB_U64(s->max_wait_seconds), DB_U64(s->min_batch_size),
	    s->has_threshold ? DB_CSTR(thr) : DB_NULL(), DB_CSTR(prio));
	json_object_put(holder);
	return rc;
}

enum cb_err
registry_reason_from_row(const struct db_row *row, struct reason *out)
{
	uint64_t ab, hp, en;

	memset(out, 0, sizeof(*out));
	if (row->ncols < REASON_COL__MAX ||
	    !registry_col_str(row, REASON_COL_NAME, out->name, sizeof(out->name)) ||
	    !registry_col_str(row, REASON_COL_DESCRIPTION, out->description,
	    sizeof(out->description)) ||
	    !db_col_u64(row, REASON_COL_AUTO_BATCH, &ab) ||
	    !db_col_u64(row, REASON_COL_HIGH_PRIORITY, &hp) ||
	    !db_col_u64(row, REASON_COL_ENABLED, &en))
		return CB_ERR_DB;
	out->auto_batch = ab != 0;
	out->high_priority = hp != 0;
	out->enabled = en != 0;
	if (row->val[REASON_COL_ALLOWED_METADATA] == NULL) {
		out->any_metadata = true;
		return CB_OK;
	}
	if (!registry_json_names(row->val[REASON_COL_ALLOWED_METADATA],
	    row->len[REASON_COL_ALLOWED_METADATA], REASON_META_KEYS_MAX,
	    REASON_META_KEY_MAX, &out->allowed[0][0], sizeof(out->allowed[0]), &out->nallowed))
		return CB_ERR_DB;
	return CB_OK;
}

enum cb_err
registry_reason_get(struct db *db, const char *name, size_t len, struct reason *out)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	if ((rc = DB_EXEC(db, ST_REASON_GET, DB_STR(name, len))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_REASON_GET, &row);
	if (r < 0)
		rc = CB_ERR_DB;
	else if (r == 0)
		rc = CB_ERR_NOT_FOUND;
	else
		rc = registry_reason_from_row(&row, out);
	db_done(db, ST_REASON_GET);
	return rc;
}

enum cb_err
registry_reason_save(struct db *db, const struct reason *r, char *errbuf, size_t errlen)
{
	json_object *holder = NULL;
	const char *allowed = NULL;
	enum cb_err rc;
	unsigned i;

	if (!registry_reason_name_valid(r->name, strlen(r->name)))
		return registry_fail(errbuf, errlen, CB_ERR_INVALID,
		    "name: 1..50 characters of a-z 0-9 _");
	if (strlen(r->description) > REASON_DESC_MAX)
		return registry_fail(errbuf, errlen, CB_ERR_INVALID, "description: at most 255 bytes");
	if (!r->any_metadata) {
		if (r->nallowed > REASON_META_KEYS_MAX)
			return registry_fail(errbuf, errlen, CB_ERR_INVALID,
			    "allowed_metadata: at most 32 keys");
		for (i = 0; i < r->nallowed; i++) {
			size_t n = strlen(r->allowed[i]);

			if (n == 0 || n > REASON_META_KEY_MAX)
				return registry_fail(errbuf, errlen, CB_ERR_INVALID,
				    "allowed_metadata: keys are 1..64 bytes");
		}
		allowed = registry_names_json(&r->allowed[0][0], sizeof(r->allowed[0]),
		    r->nallowed, &holder);
		if (allowed == NULL) {
			json_object_put(holder);
			return CB_ERR_NOMEM;
		}
	}
	rc = DB_EXEC(db, ST_REASON_UPSERT, DB_CSTR(r->name), DB_CSTR(r->description),
	    allowed ? DB_CSTR(allowed) : DB_NULL(), DB_U64(r->auto_batch ? 1 : 0),
	    DB_U64(r->high_priority ? 1 : 0), DB_U64(r->enabled ? 1 : 0));
	json_object_put(holder);
	return rc;
}

bool
registry_reason_allows(const struct reason *r, const char *key, size_t len)
{
	unsigned i;

	if (r->any_metadata)
		return true;
	for (i = 0; i < r->nallowed; i++)
		if (strlen(r->allowed[i]) == len && memcmp(r->allowed[i], key, len) == 0)
			return true;
	return false;
}
