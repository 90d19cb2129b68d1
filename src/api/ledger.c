/*
 * ledger.c - the write transaction of the ledger API and the helpers its
 * resource handlers share.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/monotime.h"
#include "core/array.h"
#include "core/conf.h"
#include "ledger/rule.h"
#include "idempotency.h"
#include "ledger.h"
#include "core/log.h"
#include "router.h"
#include "store/stmts.h"
#include "core/uuid.h"
#include "worker.h"


/* MariaDB/MySQL error numbers the write path tells apart. */
#define LEDGER_ER_DUP_ENTRY		1062

static const char *const kind_names[LEDGER_KIND__MAX] = {
	[LEDGER_ADJUST] = "adjust",
	[LEDGER_REWARD] = "reward",
	[LEDGER_DEDUCT] = "deduct",
};

static const char *const priority_names[LEDGER_PRIO__MAX] = {
	[LEDGER_PRIO_LOW] = "low",
	[LEDGER_PRIO_NORMAL] = "normal",
	[LEDGER_PRIO_HIGH] = "high",
};

/* ------------------------------------------------------------ the cache */

/*
 * A worker is one process serving one request at a time, so the cache is
 * plain process state.  Entries live LEDGER_CACHE_TTL_MS; negative answers
 * are never cached.
 */
#define LEDGER_CACHE_SLOTS	32

struct cache_token {
	bool		used;
	uint64_t	at;
	struct token	token;
};

struct cache_reason {
	bool		used;
	uint64_t	at;
	struct reason	reason;
};

struct cache_strategy {
	bool		used;
	uint64_t	at;
	uint32_t	token_id;
	struct strategy	strategy;
};

struct cache_estimate {
	bool		used;
	uint64_t	at;
	uint32_t	token_id;
	int64_t		estimate;
};

static struct cache_token	cache_tokens[LEDGER_CACHE_SLOTS];
static struct cache_reason	cache_reasons[LEDGER_CACHE_SLOTS];
static struct cache_strategy	cache_strategies[LEDGER_CACHE_SLOTS];
static struct cache_estimate	cache_estimates[LEDGER_CACHE_SLOTS];

static bool
ledger_fresh(bool used, uint64_t at, uint64_t now)
{
	return used && now - at < LEDGER_CACHE_TTL_MS;
}

/* The slot to overwrite: a free or stale one, else the oldest. */
#define LEDGER_PICK_SLOT(arr, now, out) do {				\
	size_t i_, best_ = 0;						\
	for (i_ = 0; i_ < LEDGER_CACHE_SLOTS; i_++) {			\
		if (!ledger_fresh((arr)[i_].used, (arr)[i_].at, (now))) { \
			best_ = i_;					\
			break;						\
		}							\
		if ((arr)[i_].at < (arr)[best_].at)			\
			best_ = i_;					\
	}								\
	(out) = &(arr)[best_];						\
} while (0)

void
ledger_cache_flush(void)
{
	memset(cache_tokens, 0, sizeof(cache_tokens));
	memset(cache_reasons, 0, sizeof(cache_reasons));
	memset(cache_strategies, 0, sizeof(cache_strategies));
	memset(cache_estimates, 0, sizeof(cache_estimates));
}

enum cb_err
ledger_token_get(struct db *db, const char *symbol, size_t len, struct token *out)
{
	struct cache_token *slot;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_tokens[i];
		if (ledger_fresh(slot->used, slot->at, now) &&
		    strlen(slot->token.symbol) == len &&
		    memcmp(slot->token.symbol, symbol, len) == 0) {
			*out = slot->token;
			return CB_OK;
		}
	}
	if ((rc = registry_token_get(db, symbol, len, out)) != CB_OK)
		return rc;
	LEDGER_PICK_SLOT(cache_tokens, now, slot);
	slot->used = true;
	slot->at = now;
	slot->token = *out;
	return CB_OK;
}

enum cb_err
ledger_reason_get(struct db *db, const char *name, size_t len, struct reason *out)
{
	struct cache_reason *slot;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_reasons[i];
		if (ledger_fresh(slot->used, slot->at, now) &&
		    strlen(slot->reason.name) == len &&
		    memcmp(slot->reason.name, name, len) == 0) {
			*out = slot->reason;
			return CB_OK;
		}
	}
	if ((rc = registry_reason_get(db, name, len, out)) != CB_OK)
		return rc;
	LEDGER_PICK_SLOT(cache_reasons, now, slot);
	slot->used = true;
	slot->at = now;
	slot->reason = *out;
	return CB_OK;
}

enum cb_err
ledger_strategy_get(struct db *db, uint32_t token_id, struct strategy *out)
{
	struct cache_strategy *slot;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_strategies[i];
		if (ledger_fresh(slot->used, slot->at, now) && slot->token_id == token_id) {
			*out = slot->strategy;
			return CB_OK;
		}
	}
	if ((rc = registry_strategy_get(db, token_id, out)) != CB_OK)
		return rc;
	LEDGER_PICK_SLOT(cache_strategies, now, slot);
	slot->used = true;
	slot->at = now;
	slot->token_id = token_id;
	slot->strategy = *out;
	return CB_OK;
}

/* ------------------------------------------------------ settlement estimate */

unsigned
ledger_poll_seconds(const struct config *cfg, const struct token *tok)
{
	const struct chain_config *chain = cfg ? config_chain(cfg, tok->chain) : NULL;
	unsigned ms = chain ? chain->poll_interval_ms : CONFIG_POLL_INTERVAL_MS_DEFAULT;

	return (ms + 999) / 1000;
}

enum cb_err
ledger_token_estimate(struct db *db, const struct config *cfg,
    const struct token *tok, int64_t *out)
{
	struct cache_estimate *slot;
	struct settle_outlook sync;
	struct strategy st;
	uint64_t now = monotime_ms();
	enum cb_err rc;
	size_t i;

	for (i = 0; i < LEDGER_CACHE_SLOTS; i++) {
		slot = &cache_estimates[i];
		if (ledger_fresh(slot->used, slot->at, now) && slot->token_id == tok->id) {
			*out = slot->estimate;
			return CB_OK;
		}
	}
	if ((rc = ledger_strategy_get(db, tok->id, &st)) != CB_OK ||
	    (rc = settle_outlook_read(db, tok, &st, &sync)) != CB_OK)
		return rc;
	*out = settle_estimate(&st, &sync, ledger_poll_seconds(cfg, tok));
	LEDGER_PICK_SLOT(cache_estimates, now, slot);
	slot->used = true;
	slot->at = now;
	slot->token_id = tok->id;
	slot->estimate = *out;
	return CB_OK;
}

void
ledger_iso_time(int64_t t, char *out, size_t cap)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (cap == 0)
		return;
	out[0] = '\0';
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

/* ----------------------------------------------------------- small helpers */

bool
ledger_user_id_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > LEDGER_USER_ID_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
		    c == '@' || c == '-')
			continue;
		return false;
	}
	return true;
}

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
	int p;

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
	if (s == NULL)
		return 0;
	for (p = 0; p < LEDGER_PRIO__MAX; p++) {
		if (strlen(priority_names[p]) == n && memcmp(priority_names[p], s, n) == 0) {
			lw->priority = (enum ledger_priority)p;
			return 0;
		}
	}
	json_verr_set(&err, "priority", "invalid_priority",
	    "priority must be \"low\", \"normal\" or \"high\"");
	return http_error_verr(resp, &err);
}

void
ledger_write_init(struct ledger_write *lw, enum ledger_kind kind, const char *rows_field)
{
	memset(lw, 0, sizeof(*lw));
	lw->kind = kind;
	lw->rows_field = rows_field;
	lw->priority = LEDGER_PRIO_NORMAL;
	buf_init(&lw->arena, HTTP_RESP_MAX);
	buf_init(&lw->keys_json, HTTP_RESP_MAX);
	buf_init(&lw->scratch, HTTP_RESP_MAX);
	buf_init(&lw->response, HTTP_RESP_MAX);
}

void
ledger_write_free(struct ledger_write *lw)
{
	if (lw == NULL)
		return;
	free(lw->changes);
	free(lw->tokens);
	free(lw->reasons);
	free(lw->strategies);
	free(lw->balances);
	free(lw->order);
	free(lw->syncs);
	buf_free(&lw->arena);
	buf_free(&lw->keys_json);
	buf_free(&lw->scratch);
	buf_free(&lw->response);
	memset(lw, 0, sizeof(*lw));
}

struct ledger_change *
ledger_change_add(struct ledger_write *lw)
{
	struct ledger_change *c;

	if (lw->nchanges == lw->changes_cap) {
		size_t cap = lw->changes_cap ? lw->changes_cap * 2 : 16;

		if ((c = reallocarray(lw->changes, cap, sizeof(*c))) == NULL)
			return NULL;
		lw->changes = c;
		lw->changes_cap = cap;
	}
	c = &lw->changes[lw->nchanges++];
	memset(c, 0, sizeof(*c));
	return c;
}

int
ledger_token_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw,
    const char *symbol, size_t sym_len, const char *path, unsigned *idx)
{
	struct json_verr err;
	struct token tok, *grown;
	enum cb_err rc;
	size_t i;

	for (i = 0; i < lw->ntokens; i++) {
		if (strlen(lw->tokens[i].symbol) == sym_len &&
		    memcmp(lw->tokens[i].symbol, symbol, sym_len) == 0) {
			*idx = (unsigned)i;
			return 0;
		}
	}
	rc = CB_ERR_NOT_FOUND;
	if (registry_symbol_valid(symbol, sym_len))
		rc = ledger_token_get(req->w->db, symbol, sym_len, &tok);
	if (rc == CB_ERR_NOT_FOUND || (rc == CB_OK && !tok.enabled)) {
		json_verr_set(&err, path, "unknown_token", "%s",
		    rc == CB_OK ? "token is disabled" : "no token is registered with this symbol");
		return http_error_verr(resp, &err);
	}
	if (rc != CB_OK)
		return http_internal_error(resp, "ledger_token", rc);
	if ((grown = reallocarray(lw->tokens, lw->ntokens + 1, sizeof(*grown))) == NULL)
		return http_internal_error(resp, "ledger_token", CB_ERR_NOMEM);
	lw->tokens = grown;
	lw->tokens[lw->ntokens] = tok;
	*idx = (unsigned)lw->ntokens++;
	return 0;
}

int
ledger_reason_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw,
    const char *name, size_t name_len, const char *fallback, const char *path,
    unsigned *idx)
{
	struct json_verr err;
	struct reason r, *grown;
	enum cb_err rc;
	size_t i;

	for (i = 0; i < lw->nreasons; i++) {
		if (strlen(lw->reasons[i].name) == name_len &&
		    memcmp(lw->reasons[i].name, name, name_len) == 0) {
			*idx = (unsigned)i;
			return 0;
		}
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
	if (rc != CB_OK)
		return http_internal_error(resp, "ledger_reason", rc);
	if ((grown = reallocarray(lw->reasons, lw->nreasons + 1, sizeof(*grown))) == NULL)
		return http_internal_error(resp, "ledger_reason", CB_ERR_NOMEM);
	lw->reasons = grown;
	lw->reasons[lw->nreasons] = r;
	*idx = (unsigned)lw->nreasons++;
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
	*off = lw->arena.len;
	if ((rc = buf_append(&lw->arena, text, n)) != CB_OK)
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
	c->meta_off = lw->arena.len;
	if ((rc = buf_append(&lw->arena, text, n)) != CB_OK)
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

/* --------------------------------------------------------- the transaction */

static int
ledger_balance_cmp(const void *a, const void *b)
{
	const struct ledger_balance *x = a, *y = b;
	size_t n = x->user_id_len < y->user_id_len ? x->user_id_len : y->user_id_len;
	int c = memcmp(x->user_id, y->user_id, n);

	if (c != 0)
		return c;
	if (x->user_id_len != y->user_id_len)
		return x->user_id_len < y->user_id_len ? -1 : 1;
	if (x->token_id != y->token_id)
		return x->token_id < y->token_id ? -1 : 1;
	return 0;
}

static struct ledger_balance *
ledger_balance_find(struct ledger_write *lw, const char *user, size_t len, uint32_t token_id)
{
	struct ledger_balance key = { .user_id = user, .user_id_len = len, .token_id = token_id };

	return bsearch(&key, lw->balances, lw->nbalances, sizeof(key), ledger_balance_cmp);
}

static int
ledger_order_cmp(const void *a, const void *b, void *arg)
{
	const struct ledger_balance *bal = arg;
	unsigned x = bal[*(const size_t *)a].first_change;
	unsigned y = bal[*(const size_t *)b].first_change;

	return x < y ? -1 : x > y;
}

/* Appends ["user_id",token_id] to b. */
static enum cb_err
ledger_key_json(struct buf *b, const struct ledger_balance *bal)
{
	enum cb_err rc;

	if ((rc = buf_putc(b, '[')) != CB_OK ||
	    (rc = buf_append_json_string(b, bal->user_id, bal->user_id_len)) != CB_OK)
		return rc;
	return buf_printf(b, ",%u]", (unsigned)bal->token_id);
}

static bool
ledger_reason_is_priority(const struct reason *r, const struct strategy *st)
{
	unsigned i;

	if (r->high_priority)
		return true;
	for (i = 0; i < st->npriority; i++)
		if (strcmp(st->priority_reasons[i], r->name) == 0)
			return true;
	return false;
}

/*
 * Everything that does not depend on the locked rows, done once before
 * the transaction: the sorted distinct balances and their JSON, and the
 * settlement outlook of each token with this request's changes added.
 */
static enum cb_err
ledger_prepare(struct ledger_write *lw)
{
	struct db *db = lw->req->w->db;
	const struct config *cfg = lw->req->w->cfg;
	struct ledger_balance *b;
	size_t i, n;
	enum cb_err rc;

	lw->balances = calloc(lw->nchanges, sizeof(*lw->balances));
	lw->order = calloc(lw->nchanges, sizeof(*lw->order));
	lw->syncs = calloc(lw->ntokens, sizeof(*lw->syncs));
	lw->strategies = calloc(lw->ntokens, sizeof(*lw->strategies));
	if (!lw->balances || !lw->order || !lw->syncs || !lw->strategies)
		return CB_ERR_NOMEM;
	for (i = 0; i < lw->nchanges; i++) {
		b = &lw->balances[i];
		b->user_id = lw->changes[i].user_id;
		b->user_id_len = lw->changes[i].user_id_len;
		b->token = lw->changes[i].token;
		b->token_id = lw->tokens[b->token].id;
		b->first_change = (unsigned)i;
	}
	/* Sort by the primary key (user_id bytewise, token_id): the one global
	 * lock order of every write. */
	qsort(lw->balances, lw->nchanges, sizeof(*lw->balances), ledger_balance_cmp);
	for (i = 0, n = 0; i < lw->nchanges; i++) {
		if (n > 0 && ledger_balance_cmp(&lw->balances[n - 1], &lw->balances[i]) == 0) {
			if (lw->balances[i].first_change < lw->balances[n - 1].first_change)
				lw->balances[n - 1].first_change = lw->balances[i].first_change;
			continue;
		}
		lw->balances[n++] = lw->balances[i];
	}
	lw->nbalances = n;
	for (i = 0; i < lw->nchanges; i++) {
		struct ledger_change *c = &lw->changes[i];

		b = ledger_balance_find(lw, c->user_id, c->user_id_len, lw->tokens[c->token].id);
		if (b == NULL)
			return CB_ERR_INTERNAL;
		c->balance = (unsigned)(b - lw->balances);
	}
	for (i = 0; i < lw->nbalances; i++)
		lw->order[i] = i;
	qsort_r(lw->order, lw->nbalances, sizeof(*lw->order), ledger_order_cmp, lw->balances);

	buf_reset(&lw->keys_json);
	if ((rc = buf_putc(&lw->keys_json, '[')) != CB_OK)
		return rc;
	for (i = 0; i < lw->nbalances; i++) {
		if ((i > 0 && (rc = buf_putc(&lw->keys_json, ',')) != CB_OK) ||
		    (rc = ledger_key_json(&lw->keys_json, &lw->balances[i])) != CB_OK)
			return rc;
	}
	if ((rc = buf_putc(&lw->keys_json, ']')) != CB_OK)
		return rc;

	for (i = 0; i < lw->ntokens; i++) {
		if ((rc = ledger_strategy_get(db, lw->tokens[i].id, &lw->strategies[i])) != CB_OK ||
		    (rc = settle_outlook_read(db, &lw->tokens[i], &lw->strategies[i],
		    &lw->syncs[i])) != CB_OK)
			return rc;
	}
	lw->will_be_batched = true;
	for (i = 0; i < lw->nchanges; i++) {
		const struct ledger_change *c = &lw->changes[i];
		const struct reason *r = &lw->reasons[c->reason];
		bool prio = lw->priority == LEDGER_PRIO_HIGH ||
		    ledger_reason_is_priority(r, &lw->strategies[c->token]);

		/* A change that is not auto-batched is settled on its own by
		 * the next daemon pass: a priority change to the rule. */
		if (!r->auto_batch) {
			lw->will_be_batched = false;
			prio = true;
		}
		settle_outlook_add(&lw->syncs[c->token], &c->amount, prio);
	}
	lw->batch_size = 0;
	lw->estimate = 0;
	for (i = 0; i < lw->ntokens; i++) {
		int64_t est = settle_estimate(&lw->strategies[i], &lw->syncs[i],
		    ledger_poll_seconds(cfg, &lw->tokens[i]));

		if (i == 0 || est > lw->estimate)
			lw->estimate = est;
		lw->batch_size += lw->syncs[i].count;
	}
	return CB_OK;
}

/* Reads the locked rows of the last ST_LEDGER_LOCK_BALANCES into lw. */
static enum cb_err
ledger_read_locked(struct ledger_write *lw, struct db *db, size_t *found)
{
	struct ledger_balance *b;
	struct db_row row;
	uint64_t token_id;
	enum cb_err rc = CB_OK;
	int r;

	*found = 0;
	while ((r = db_fetch(db, ST_LEDGER_LOCK_BALANCES, &row)) == 1) {
		if (row.val[0] == NULL || !db_col_u64(&row, 1, &token_id) ||
		    token_id > UINT32_MAX || row.val[2] == NULL || row.val[3] == NULL ||
		    (b = ledger_balance_find(lw, row.val[0], row.len[0],
		    (uint32_t)token_id)) == NULL ||
		    amount_from_db(&b->confirmed, row.val[2], row.len[2]) != 0 ||
		    amount_from_db(&b->start, row.val[3], row.len[3]) != 0) {
			rc = CB_ERR_DB;
			break;
		}
		if (!b->found)
			(*found)++;
		b->found = true;
		b->pending = b->start;
	}
	if (r < 0)
		rc = CB_ERR_DB;
	db_done(db, ST_LEDGER_LOCK_BALANCES);
	return rc;
}

/* Locks every balance row of the request, creating the missing ones. */
static enum cb_err
ledger_lock(struct ledger_write *lw, struct db *db)
{
	struct buf *b = &lw->scratch;
	size_t i, found, k;
	enum cb_err rc;

	for (i = 0; i < lw->nbalances; i++)
		lw->balances[i].found = false;
	rc = DB_EXEC(db, ST_LEDGER_LOCK_BALANCES, DB_STR(lw->keys_json.data, lw->keys_json.len));
	if (rc != CB_OK || (rc = ledger_read_locked(lw, db, &found)) != CB_OK)
		return rc;
	if (found == lw->nbalances)
		return CB_OK;
	buf_reset(b);
	if ((rc = buf_putc(b, '[')) != CB_OK)
		return rc;
	for (i = 0, k = 0; i < lw->nbalances; i++) {
		if (lw->balances[i].found)
			continue;
		if ((k++ > 0 && (rc = buf_putc(b, ',')) != CB_OK) ||
		    (rc = ledger_key_json(b, &lw->balances[i])) != CB_OK)
			return rc;
	}
	if ((rc = buf_putc(b, ']')) != CB_OK)
		return rc;
	if ((rc = DB_EXEC(db, ST_LEDGER_CREATE_BALANCES, DB_STR(b->data, b->len))) != CB_OK)
		return rc;
	for (i = 0; i < lw->nbalances; i++)
		lw->balances[i].found = false;
	rc = DB_EXEC(db, ST_LEDGER_LOCK_BALANCES, DB_STR(lw->keys_json.data, lw->keys_json.len));
	if (rc != CB_OK || (rc = ledger_read_locked(lw, db, &found)) != CB_OK)
		return rc;
	return found == lw->nbalances ? CB_OK : CB_ERR_INTERNAL;
}

/* Applies the changes in request order; false (outcome set) on overdraft. */
static bool
ledger_apply(struct ledger_write *lw)
{
	size_t i;

	for (i = 0; i < lw->nchanges; i++) {
		struct ledger_change *c = &lw->changes[i];
		struct ledger_balance *b = &lw->balances[c->balance];

		c->before = b->pending;
		if (amount_add(&c->after, &b->pending, &c->amount) != 0) {
			lw->outcome = LEDGER_BALANCE_RANGE;
			lw->failed_change = i;
			return false;
		}
		if (c->after.neg) {
			lw->outcome = LEDGER_INSUFFICIENT;
			lw->failed_change = i;
			lw->failed_available = b->pending;
			return false;
		}
		b->pending = c->after;
	}
	return true;
}

static enum cb_err
ledger_db_amount(struct buf *b, const struct amount *a)
{
	char text[AMOUNT_DB_MAX];
	size_t n;

	if ((n = amount_to_db(a, text, sizeof(text))) == 0)
		return CB_ERR_RANGE;
	return buf_printf(b, "\"%.*s\"", (int)n, text);
}

static enum cb_err
ledger_insert_changes(struct ledger_write *lw, struct db *db)
{
	struct buf *b = &lw->scratch;
	size_t start, i;
	enum cb_err rc;

	for (start = 0; start < lw->nchanges; start += LEDGER_CHUNK_ROWS) {
		size_t end = start + LEDGER_CHUNK_ROWS < lw->nchanges ?
		    start + LEDGER_CHUNK_ROWS : lw->nchanges;

		buf_reset(b);
		if ((rc = buf_putc(b, '[')) != CB_OK)
			return rc;
		for (i = start; i < end; i++) {
			const struct ledger_change *c = &lw->changes[i];

			if ((i > start && (rc = buf_putc(b, ',')) != CB_OK) ||
			    (rc = buf_printf(b, "[%zu,", i)) != CB_OK ||
			    (rc = buf_append_json_string(b, c->user_id, c->user_id_len)) != CB_OK ||
			    (rc = buf_printf(b, ",%u,",
			    (unsigned)lw->tokens[c->token].id)) != CB_OK ||
			    (rc = ledger_db_amount(b, &c->amount)) != CB_OK ||
			    (rc = buf_putc(b, ',')) != CB_OK ||
			    (rc = ledger_db_amount(b, &c->before)) != CB_OK ||
			    (rc = buf_putc(b, ',')) != CB_OK ||
			    (rc = ledger_db_amount(b, &c->after)) != CB_OK ||
			    (rc = buf_putc(b, ',')) != CB_OK ||
			    (rc = buf_append_json_string(b, lw->reasons[c->reason].name,
			    strlen(lw->reasons[c->reason].name))) != CB_OK ||
			    (rc = buf_putc(b, ',')) != CB_OK ||
			    (rc = buf_append_json_string(b, c->detail ? c->detail : "",
			    c->detail_len)) != CB_OK)
				return rc;
			if (c->meta_len > 0 &&
			    ((rc = buf_putc(b, ',')) != CB_OK ||
			    (rc = buf_append(b, lw->arena.data + c->meta_off,
			    c->meta_len)) != CB_OK))
				return rc;
			if ((rc = buf_putc(b, ']')) != CB_OK)
				return rc;
		}
		if ((rc = buf_putc(b, ']')) != CB_OK)
			return rc;
		rc = DB_EXEC(db, ST_LEDGER_CHANGES_INSERT, DB_U64(lw->op_row_id),
		    DB_STR(b->data, b->len));
		if (rc != CB_OK)
			return rc;
		if (db_affected(db, ST_LEDGER_CHANGES_INSERT) != end - start)
			return CB_ERR_INTERNAL;
	}
	return CB_OK;
}

static enum cb_err
ledger_store_balances(struct ledger_write *lw, struct db *db)
{
	struct buf *b = &lw->scratch;
	size_t start, i;
	enum cb_err rc;

	for (start = 0; start < lw->nbalances; start += LEDGER_CHUNK_ROWS) {
		size_t end = start + LEDGER_CHUNK_ROWS < lw->nbalances ?
		    start + LEDGER_CHUNK_ROWS : lw->nbalances;

		buf_reset(b);
		if ((rc = buf_putc(b, '[')) != CB_OK)
			return rc;
		for (i = start; i < end; i++) {
			const struct ledger_balance *bal = &lw->balances[i];

			if ((i > start && (rc = buf_putc(b, ',')) != CB_OK) ||
			    (rc = buf_putc(b, '[')) != CB_OK ||
			    (rc = buf_append_json_string(b, bal->user_id,
			    bal->user_id_len)) != CB_OK ||
			    (rc = buf_printf(b, ",%u,", (unsigned)bal->token_id)) != CB_OK ||
			    (rc = ledger_db_amount(b, &bal->pending)) != CB_OK ||
			    (rc = buf_putc(b, ']')) != CB_OK)
				return rc;
		}
		if ((rc = buf_putc(b, ']')) != CB_OK)
			return rc;
		if ((rc = DB_EXEC(db, ST_LEDGER_BALANCES_UPSERT, DB_STR(b->data, b->len))) != CB_OK)
			return rc;
	}
	return CB_OK;
}

/* Appends "key":"<amount>" to b. */
static enum cb_err
ledger_put_amount(struct buf *b, const char *key, const struct amount *a,
    unsigned decimals, bool with_sign)
{
	char text[AMOUNT_STR_MAX];
	size_t n;

	if ((n = amount_format(a, decimals, with_sign, text, sizeof(text))) == 0)
		return CB_ERR_RANGE;
	return buf_printf(b, "\"%s\":\"%.*s\"", key, (int)n, text);
}

/* The write response body of docs/api.md, into lw->response. */
static enum cb_err
ledger_build_response(struct ledger_write *lw)
{
	struct buf *b = &lw->response;
	char when[32];
	struct amount sync;
	size_t i;
	enum cb_err rc;

	buf_reset(b);
	ledger_iso_time(lw->estimate, when, sizeof(when));
	rc = buf_printf(b, "{\"operation_id\":\"%s\",\"status\":\"recorded\","
	    "\"adjustments_count\":%zu,\"blockchain_sync\":{\"status\":\"pending\","
	    "\"estimated_sync_time\":\"%s\",\"will_be_batched\":%s,"
	    "\"current_batch_size\":%llu},\"balances\":[",
	    lw->operation_id, lw->nchanges, when, lw->will_be_batched ? "true" : "false",
	    (unsigned long long)lw->batch_size);
	if (rc != CB_OK)
		return rc;
	for (i = 0; i < lw->nbalances; i++) {
		const struct ledger_balance *bal = &lw->balances[lw->order[i]];
		const struct token *tok = &lw->tokens[bal->token];

		if (amount_sub(&sync, &bal->pending, &bal->confirmed) != 0)
			return CB_ERR_RANGE;
		if ((i > 0 && (rc = buf_putc(b, ',')) != CB_OK) ||
		    (rc = buf_puts(b, "{\"user_id\":")) != CB_OK ||
		    (rc = buf_append_json_string(b, bal->user_id, bal->user_id_len)) != CB_OK ||
		    (rc = buf_puts(b, ",\"token_symbol\":")) != CB_OK ||
		    (rc = buf_append_json_string(b, tok->symbol, strlen(tok->symbol))) != CB_OK ||
		    (rc = buf_putc(b, ',')) != CB_OK ||
		    (rc = ledger_put_amount(b, "balance_before", &bal->start, tok->decimals,
		    false)) != CB_OK ||
		    (rc = buf_putc(b, ',')) != CB_OK ||
		    (rc = ledger_put_amount(b, "balance_after", &bal->pending, tok->decimals,
		    false)) != CB_OK ||
		    (rc = buf_putc(b, ',')) != CB_OK ||
		    (rc = ledger_put_amount(b, "pending_sync", &sync, tok->decimals,
		    true)) != CB_OK ||
		    (rc = buf_putc(b, '}')) != CB_OK)
			return rc;
	}
	return buf_puts(b, "]}");
}

/* One attempt of the write transaction (db_txn may run it again). */
static enum cb_err
ledger_txn(struct db *db, void *arg)
{
	struct ledger_write *lw = arg;
	struct req *req = lw->req;
	enum cb_err rc;
	bool in_flight;

	lw->outcome = LEDGER_OK;
	if (req->idempotency_key != NULL) {
		rc = idempotency_claim(db, req->api_key_id, req->idempotency_key,
		    req->idempotency_key_len, lw->request_hash, &in_flight);
		if (rc == CB_ERR_CONFLICT) {
			lw->outcome = LEDGER_IDEM_EXISTS;
			return rc;
		}
		if (in_flight) {
			/* Held by a request that is still running. */
			lw->outcome = LEDGER_IDEM_IN_FLIGHT;
			return CB_ERR_CONFLICT;
		}
		if (rc != CB_OK)
			return rc;
	}
	/* The operation row goes first: it needs no balance lock, so the
	 * locks below are held for as short a time as possible. */
	uuid_v7(lw->operation_id);
	rc = DB_EXEC(db, ST_LEDGER_OP_INSERT, DB_CSTR(lw->operation_id),
	    DB_U64(req->api_key_id), DB_CSTR(kind_names[lw->kind]),
	    DB_STR_OR_NULL(lw->batch_id, lw->batch_id_len),
	    DB_CSTR(priority_names[lw->priority]),
	    lw->context_len ? DB_STR(lw->arena.data + lw->context_off, lw->context_len) :
	    DB_NULL(), DB_U64(lw->nchanges));
	if (rc == CB_ERR_CONFLICT && db_errno(db) == LEDGER_ER_DUP_ENTRY &&
	    lw->batch_id != NULL) {
		lw->outcome = LEDGER_BATCH_CONFLICT;
		return rc;
	}
	if (rc != CB_OK)
		return rc;
	lw->op_row_id = db_insert_id(db, ST_LEDGER_OP_INSERT);
	if ((rc = ledger_lock(lw, db)) != CB_OK)
		return rc;
	if (!ledger_apply(lw))
		return CB_ERR_CONFLICT;
	if ((rc = ledger_insert_changes(lw, db)) != CB_OK ||
	    (rc = ledger_store_balances(lw, db)) != CB_OK ||
	    (rc = ledger_build_response(lw)) != CB_OK)
		return rc;
	if (req->idempotency_key != NULL)
		rc = idempotency_finish(db, req->api_key_id, req->idempotency_key,
		    req->idempotency_key_len, 201, lw->response.data, lw->response.len,
		    lw->op_row_id);
	return rc;
}

/* Answers from a committed idempotency row; 0 when there is none. */
static int
ledger_replay_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw)
{
	enum idempotency_state state;
	json_object *details;
	enum cb_err rc;
	int status = 0;

	rc = idempotency_lookup(req->w->db, req->api_key_id, req->idempotency_key,
	    req->idempotency_key_len, lw->request_hash, &state, &status, &resp->body);
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
ledger_refusal_reply(struct resp *resp, struct ledger_write *lw)
{
	const struct ledger_change *c = &lw->changes[lw->failed_change];
	const struct token *tok = &lw->tokens[c->token];
	char path[JSON_PATH_MAX], field[JSON_PATH_MAX], text[AMOUNT_STR_MAX];
	struct amount mag = c->amount;
	json_object *d = json_object_new_object();
	int status;

	json_path_index(path, sizeof(path), lw->rows_field, lw->failed_change);
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

int
ledger_commit_or_reply(struct req *req, struct resp *resp, struct ledger_write *lw)
{
	json_object *d;
	enum cb_err rc;
	unsigned attempt;
	int status;

	lw->req = req;
	if (req->idempotency_key != NULL) {
		idempotency_hash(http_method_name(req->method), req->route->name,
		    req->body, req->body_len, lw->request_hash);
		if ((status = ledger_replay_or_reply(req, resp, lw)) != 0)
			return status;
	}
	if ((rc = ledger_prepare(lw)) != CB_OK)
		return http_internal_error(resp, "ledger_prepare", rc);
	/* A key committed by a concurrent request between the fast path and
	 * the claim is answered from its row; if that row vanished again (it
	 * was rolled back), the write runs once more. */
	for (attempt = 0; attempt < 3; attempt++) {
		rc = db_txn(req->w->db, ledger_txn, lw);
		if (rc == CB_OK) {
			buf_reset(&resp->body);
			rc = buf_append(&resp->body, lw->response.data, lw->response.len);
			if (rc != CB_OK)
				return http_internal_error(resp, "ledger_response", rc);
			return http_status(resp, 201);
		}
		if (lw->outcome != LEDGER_IDEM_EXISTS)
			break;
		if ((status = ledger_replay_or_reply(req, resp, lw)) != 0)
			return status;
	}
	switch (lw->outcome) {
	case LEDGER_INSUFFICIENT:
	case LEDGER_BALANCE_RANGE:
		return ledger_refusal_reply(resp, lw);
	case LEDGER_BATCH_CONFLICT:
		d = json_object_new_object();
		json_object_object_add(d, "field", json_object_new_string("batch_id"));
		status = http_error(resp, 409, "batch_id_conflict",
		    "this batch_id was already used by this API key", d);
		json_object_put(d);
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
	uint64_t v = 0;
	size_t i;

	if (len != 16)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint64_t)(c - 'a' + 10);
		else
			return false;
	}
	if (v == 0)
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
