/*
 * write.c - the ledger write transaction (write.h): lock order, the
 * no-overdraft rule, JSON_TABLE payloads, idempotency claim and finish,
 * and the response body.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/array.h"
#include "core/conf.h"
#include "core/monotime.h"
#include "core/uuid.h"
#include "ledger/write.h"
#include "store/stmts.h"

/* MariaDB/MySQL error numbers the write path tells apart. */
#define LEDGER_ER_DUP_ENTRY		1062

/* The largest response [api] max_rows allows fits where it is stored and
 * in the packet that stores it (core/conf.h). */
_Static_assert((unsigned long long)CONFIG_MAX_ROWS_MAX * LEDGER_RESPONSE_ROW_MAX +
    LEDGER_RESPONSE_HEAD_MAX + LEDGER_PACKET_SLACK <= LEDGER_DEFAULT_PACKET,
    "[api] max_rows allows responses the store cannot hold");
_Static_assert(LEDGER_DEFAULT_PACKET - LEDGER_PACKET_SLACK <= LEDGER_STORED_RESPONSE_MAX,
    "a stored response is a MEDIUMTEXT");

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

const char *
ledger_kind_name(enum ledger_kind k)
{
	return (unsigned)k < ARRAY_LEN(kind_names) ? kind_names[k] : "?";
}

const char *
ledger_priority_name(enum ledger_priority p)
{
	return (unsigned)p < ARRAY_LEN(priority_names) ? priority_names[p] : "?";
}

bool
ledger_priority_parse(const char *s, size_t len, enum ledger_priority *out)
{
	unsigned p;

	for (p = 0; p < LEDGER_PRIO__MAX; p++) {
		if (strlen(priority_names[p]) == len && memcmp(priority_names[p], s, len) == 0) {
			*out = (enum ledger_priority)p;
			return true;
		}
	}
	return false;
}

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

/* ------------------------------------------------------------- building */

void
ledger_write_init(struct ledger_write *lw, enum ledger_kind kind)
{
	memset(lw, 0, sizeof(*lw));
	lw->kind = kind;
	lw->priority = LEDGER_PRIO_NORMAL;
	buf_init(&lw->arena, LEDGER_BUF_MAX);
	buf_init(&lw->keys_json, LEDGER_BUF_MAX);
	buf_init(&lw->scratch, LEDGER_BUF_MAX);
	buf_init(&lw->response, LEDGER_BUF_MAX);
}

void
ledger_write_free(struct ledger_write *lw)
{
	if (lw == NULL)
		return;
	free(lw->changes);
	free(lw->tokens);
	free(lw->strategies);
	free(lw->poll_seconds);
	free(lw->reasons);
	free(lw->balances);
	free(lw->order);
	free(lw->syncs);
	buf_free(&lw->arena);
	buf_free(&lw->keys_json);
	buf_free(&lw->scratch);
	buf_free(&lw->response);
	memset(lw, 0, sizeof(*lw));
}

void
ledger_write_reset(struct ledger_write *lw, enum ledger_kind kind)
{
	lw->kind = kind;
	lw->priority = LEDGER_PRIO_NORMAL;
	lw->batch_id = NULL;
	lw->batch_id_len = 0;
	lw->context_off = lw->context_len = 0;
	lw->nchanges = 0;
	lw->ntokens = 0;
	lw->nreasons = 0;
	lw->nbalances = 0;
	lw->outcome = LEDGER_OK;
	lw->operation_id[0] = '\0';
	lw->op_row_id = 0;
	buf_reset(&lw->arena);
	buf_reset(&lw->keys_json);
	buf_reset(&lw->scratch);
	buf_reset(&lw->response);
	/* balances, order and syncs are sized again by prepare. */
	lw->prepared = false;
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
ledger_write_find_token(const struct ledger_write *lw, const char *symbol, size_t len)
{
	size_t i;

	for (i = 0; i < lw->ntokens; i++)
		if (strlen(lw->tokens[i].symbol) == len &&
		    memcmp(lw->tokens[i].symbol, symbol, len) == 0)
			return (int)i;
	return -1;
}

enum cb_err
ledger_write_token(struct ledger_write *lw, const struct token *tok,
    const struct strategy *st, unsigned poll_seconds, unsigned *idx)
{
	struct token *tokens;
	struct strategy *strategies;
	unsigned *polls;
	size_t i, n = lw->ntokens + 1;

	for (i = 0; i < lw->ntokens; i++) {
		if (lw->tokens[i].id == tok->id) {
			*idx = (unsigned)i;
			return CB_OK;
		}
	}
	/* Each array keeps its old contents when a later one fails. */
	if ((tokens = reallocarray(lw->tokens, n, sizeof(*tokens))) == NULL)
		return CB_ERR_NOMEM;
	lw->tokens = tokens;
	if ((strategies = reallocarray(lw->strategies, n, sizeof(*strategies))) == NULL)
		return CB_ERR_NOMEM;
	lw->strategies = strategies;
	if ((polls = reallocarray(lw->poll_seconds, n, sizeof(*polls))) == NULL)
		return CB_ERR_NOMEM;
	lw->poll_seconds = polls;
	lw->tokens[lw->ntokens] = *tok;
	lw->strategies[lw->ntokens] = *st;
	lw->poll_seconds[lw->ntokens] = poll_seconds;
	*idx = (unsigned)lw->ntokens++;
	return CB_OK;
}

int
ledger_write_find_reason(const struct ledger_write *lw, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < lw->nreasons; i++)
		if (strlen(lw->reasons[i].name) == len &&
		    memcmp(lw->reasons[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

enum cb_err
ledger_write_reason(struct ledger_write *lw, const struct reason *r, unsigned *idx)
{
	struct reason *grown;
	int found;

	if ((found = ledger_write_find_reason(lw, r->name, strlen(r->name))) >= 0) {
		*idx = (unsigned)found;
		return CB_OK;
	}
	if ((grown = reallocarray(lw->reasons, lw->nreasons + 1, sizeof(*grown))) == NULL)
		return CB_ERR_NOMEM;
	lw->reasons = grown;
	lw->reasons[lw->nreasons] = *r;
	*idx = (unsigned)lw->nreasons++;
	return CB_OK;
}

enum cb_err
ledger_write_text(struct ledger_write *lw, const char *text, size_t len, size_t *off)
{
	*off = lw->arena.len;
	return buf_append(&lw->arena, text, len);
}

/* -------------------------------------------------------------- prepare */

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

/* The distinct balances of the changes, sorted into the lock order. */
static enum cb_err
ledger_sort_balances(struct ledger_write *lw)
{
	struct ledger_balance *b;
	size_t i, n;
	enum cb_err rc;

	free(lw->balances);
	free(lw->order);
	lw->balances = calloc(lw->nchanges ? lw->nchanges : 1, sizeof(*lw->balances));
	lw->order = calloc(lw->nchanges ? lw->nchanges : 1, sizeof(*lw->order));
	if (lw->balances == NULL || lw->order == NULL)
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
	return buf_putc(&lw->keys_json, ']');
}

enum cb_err
ledger_write_prepare(struct db *db, struct ledger_write *lw)
{
	size_t i;
	enum cb_err rc;

	lw->prepared = false;
	for (i = 0; i < lw->nchanges; i++)
		if (lw->changes[i].token >= lw->ntokens || lw->changes[i].reason >= lw->nreasons)
			return CB_ERR_INTERNAL;
	if ((rc = ledger_sort_balances(lw)) != CB_OK)
		return rc;
	free(lw->syncs);
	if ((lw->syncs = calloc(lw->ntokens ? lw->ntokens : 1, sizeof(*lw->syncs))) == NULL)
		return CB_ERR_NOMEM;
	for (i = 0; i < lw->ntokens; i++) {
		if (lw->no_outlook) {
			lw->syncs[i].now = (int64_t)time(NULL);
			continue;
		}
		if ((rc = settle_outlook_read(db, &lw->tokens[i], &lw->strategies[i],
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
		    lw->poll_seconds[i]);

		if (i == 0 || est > lw->estimate)
			lw->estimate = est;
		lw->batch_size += lw->syncs[i].count;
	}
	lw->prepared = true;
	return CB_OK;
}

/* ---------------------------------------------------------- transaction */

/*
 * The most payload bytes one statement may carry: LEDGER_CHUNK_BYTES, or
 * less to stay inside the server's max_allowed_packet.
 */
static size_t
ledger_packet_budget(struct db *db)
{
	unsigned long packet = db_max_packet(db);
	size_t room = packet > 2 * LEDGER_PACKET_SLACK ? packet - LEDGER_PACKET_SLACK :
	    LEDGER_PACKET_SLACK;

	return room < LEDGER_CHUNK_BYTES ? room : LEDGER_CHUNK_BYTES;
}

/* The most bytes one value may have: what the server takes in a packet. */
static size_t
ledger_packet_room(struct db *db)
{
	unsigned long packet = db_max_packet(db);

	return packet > 2 * LEDGER_PACKET_SLACK ? packet - LEDGER_PACKET_SLACK :
	    LEDGER_PACKET_SLACK;
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
		if (row.val[LOCK_COL_USER_ID] == NULL ||
		    !db_col_u64(&row, LOCK_COL_TOKEN_ID, &token_id) || token_id > UINT32_MAX ||
		    row.val[LOCK_COL_CONFIRMED] == NULL || row.val[LOCK_COL_PENDING] == NULL ||
		    (b = ledger_balance_find(lw, row.val[LOCK_COL_USER_ID],
		    row.len[LOCK_COL_USER_ID], (uint32_t)token_id)) == NULL ||
		    amount_from_db(&b->confirmed, row.val[LOCK_COL_CONFIRMED],
		    row.len[LOCK_COL_CONFIRMED]) != 0 ||
		    amount_from_db(&b->start, row.val[LOCK_COL_PENDING],
		    row.len[LOCK_COL_PENDING]) != 0) {
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

/* Locks every balance row of the write, creating the missing ones. */
static enum cb_err
ledger_lock(struct ledger_write *lw, struct db *db)
{
	struct buf *b = &lw->scratch;
	size_t i, found, k;
	enum cb_err rc;

	lw->created = 0;
	/* One statement locks them all, in order: it must fit a packet. */
	if (lw->keys_json.len > ledger_packet_room(db))
		return CB_ERR_TOO_LARGE;
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
	lw->created = k;
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

/* Appends change i as one JSON_TABLE row of ST_LEDGER_CHANGES_INSERT. */
static enum cb_err
ledger_change_json(struct buf *b, const struct ledger_write *lw, size_t i)
{
	const struct ledger_change *c = &lw->changes[i];
	const struct reason *r = &lw->reasons[c->reason];
	enum cb_err rc;

	if ((rc = buf_printf(b, "[%zu,", i)) != CB_OK ||
	    (rc = buf_append_json_string(b, c->user_id, c->user_id_len)) != CB_OK ||
	    (rc = buf_printf(b, ",%u,", (unsigned)lw->tokens[c->token].id)) != CB_OK ||
	    (rc = ledger_db_amount(b, &c->amount)) != CB_OK ||
	    (rc = buf_putc(b, ',')) != CB_OK ||
	    (rc = ledger_db_amount(b, &c->before)) != CB_OK ||
	    (rc = buf_putc(b, ',')) != CB_OK ||
	    (rc = ledger_db_amount(b, &c->after)) != CB_OK ||
	    (rc = buf_putc(b, ',')) != CB_OK ||
	    (rc = buf_append_json_string(b, r->name, strlen(r->name))) != CB_OK ||
	    (rc = buf_putc(b, ',')) != CB_OK ||
	    (rc = buf_append_json_string(b, c->detail ? c->detail : "",
	    c->detail ? c->detail_len : 0)) != CB_OK ||
	    (rc = buf_printf(b, ",%u", lw->tokens[c->token].decimals)) != CB_OK)
		return rc;
	if (c->meta_len > 0 &&
	    ((rc = buf_putc(b, ',')) != CB_OK ||
	    (rc = buf_append(b, lw->arena.data + c->meta_off, c->meta_len)) != CB_OK))
		return rc;
	return buf_putc(b, ']');
}

/* Runs ST_LEDGER_CHANGES_INSERT over the n rows in b (a JSON array). */
static enum cb_err
ledger_flush_changes(struct ledger_write *lw, struct db *db, struct buf *b, size_t n)
{
	enum cb_err rc;

	rc = DB_EXEC(db, ST_LEDGER_CHANGES_INSERT, DB_U64(lw->op_row_id), DB_STR(b->data, b->len));
	if (rc != CB_OK)
		return rc;
	/* A row left out: its token's decimals are no longer the ones its
	 * amount was validated with. */
	if (db_affected(db, ST_LEDGER_CHANGES_INSERT) != n) {
		lw->outcome = LEDGER_TOKEN_CHANGED;
		return CB_ERR_CONFLICT;
	}
	return CB_OK;
}

/*
 * The change rows, as multi-row statements of at most LEDGER_CHUNK_ROWS
 * rows and ledger_packet_budget() bytes each.  A single row over the
 * budget (a long reason_detail with large metadata, on a server with a
 * small max_allowed_packet) is CB_ERR_TOO_LARGE.
 */
static enum cb_err
ledger_insert_changes(struct ledger_write *lw, struct db *db)
{
	struct buf *b = &lw->scratch;
	size_t budget = ledger_packet_budget(db), i, rows = 0, mark;
	enum cb_err rc;

	buf_reset(b);
	if ((rc = buf_putc(b, '[')) != CB_OK)
		return rc;
	for (i = 0; i < lw->nchanges; i++) {
		mark = b->len;
		if ((rows > 0 && (rc = buf_putc(b, ',')) != CB_OK) ||
		    (rc = ledger_change_json(b, lw, i)) != CB_OK)
			return rc;
		if (b->len + 1 <= budget && rows < LEDGER_CHUNK_ROWS) {
			rows++;
			continue;
		}
		/* This row does not fit: send the chunk without it, then
		 * start the next chunk with it. */
		if (rows == 0)
			return CB_ERR_TOO_LARGE;
		buf_truncate(b, mark);
		if ((rc = buf_putc(b, ']')) != CB_OK ||
		    (rc = ledger_flush_changes(lw, db, b, rows)) != CB_OK)
			return rc;
		buf_reset(b);
		rows = 0;
		i--;
		if ((rc = buf_putc(b, '[')) != CB_OK)
			return rc;
	}
	if ((rc = buf_putc(b, ']')) != CB_OK)
		return rc;
	return ledger_flush_changes(lw, db, b, rows);
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
		if (b->len > ledger_packet_room(db))
			return CB_ERR_TOO_LARGE;
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

struct ledger_attempt {
	struct ledger_write		*lw;
	const struct ledger_request	*rq;
};

/* One attempt of the write transaction (db_txn may run it again). */
static enum cb_err
ledger_txn(struct db *db, void *arg)
{
	struct ledger_attempt *at = arg;
	struct ledger_write *lw = at->lw;
	const struct ledger_request *rq = at->rq;
	enum cb_err rc;
	bool in_flight;

	lw->outcome = LEDGER_OK;
	if (rq->idem_key != NULL) {
		rc = idempotency_claim(db, rq->api_key_id, rq->idem_key, rq->idem_key_len,
		    rq->request_hash, &in_flight);
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
	rc = DB_EXEC(db, ST_LEDGER_OP_INSERT, DB_CSTR(lw->operation_id),
	    DB_U64(rq->api_key_id), DB_CSTR(kind_names[lw->kind]),
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
	/* The stored answer is one value of one statement. */
	if (rq->idem_key != NULL && (lw->response.len > LEDGER_STORED_RESPONSE_MAX ||
	    lw->response.len > ledger_packet_room(db)))
		return CB_ERR_TOO_LARGE;
	if (rq->idem_key != NULL)
		rc = idempotency_finish(db, rq->api_key_id, rq->idem_key, rq->idem_key_len,
		    201, lw->response.data, lw->response.len, lw->op_row_id);
	return rc;
}

/*
 * After the connection was lost during COMMIT (db_txn_until reconnected):
 * did the operation commit?  The locking read of its row waits while the
 * old session's transaction is still open on the server, so the answer is
 * final: *committed true or false with CB_OK.  Anything else (the store
 * is gone again, the old transaction outlived our lock wait) is
 * CB_ERR_DB_UNKNOWN.
 */
static enum cb_err
ledger_resolve(struct db *db, struct ledger_write *lw, uint64_t deadline_ms,
    bool *committed)
{
	struct db_row row;
	uint64_t now = monotime_ms(), id, count;
	unsigned wait = db_lock_wait_base(db);
	enum cb_err rc;
	int r;

	*committed = false;
	/* Sized like an attempt, but at least a second even past the
	 * deadline: knowing the outcome is worth that much. */
	if (deadline_ms != 0) {
		uint64_t left_s = now < deadline_ms ? (deadline_ms - now) / 1000 : 0;

		if (left_s < wait)
			wait = left_s > 1 ? (unsigned)left_s : 1;
	}
	if ((rc = db_lock_wait_set(db, wait)) != CB_OK ||
	    (rc = DB_EXEC(db, ST_LEDGER_OP_RESOLVE, DB_CSTR(lw->operation_id))) != CB_OK)
		return CB_ERR_DB_UNKNOWN;
	r = db_fetch(db, ST_LEDGER_OP_RESOLVE, &row);
	if (r == 1 && db_col_u64(&row, RESOLVE_COL_ID, &id) &&
	    db_col_u64(&row, RESOLVE_COL_CHANGES_COUNT, &count) && count == lw->nchanges) {
		lw->op_row_id = id;
		*committed = true;
	} else if (r != 0) {
		rc = CB_ERR_DB_UNKNOWN;
	}
	db_done(db, ST_LEDGER_OP_RESOLVE);
	return rc;
}

enum cb_err
ledger_write_commit(struct db *db, struct ledger_write *lw, const struct ledger_request *rq)
{
	struct ledger_attempt at = { lw, rq };
	unsigned lost;
	enum cb_err rc;
	bool committed;

	if (!lw->prepared || lw->nchanges == 0)
		return CB_ERR_INTERNAL;
	lw->recovered = false;
	/* One name for the operation across attempts: after a lost COMMIT it
	 * is how the store is asked what happened. */
	uuid_v7(lw->operation_id);
	for (lost = 0;; lost++) {
		rc = db_txn_until(db, rq->deadline_ms, ledger_txn, &at);
		if (rc != CB_ERR_DB_UNKNOWN)
			return rc;
		if ((rc = ledger_resolve(db, lw, rq->deadline_ms, &committed)) != CB_OK)
			return rc;
		if (committed) {
			lw->outcome = LEDGER_OK;
			lw->recovered = true;
			return CB_OK;
		}
		/* Provably not committed: safe to run again, once, in time. */
		if (lost > 0)
			return CB_ERR_DB_GONE;
	}
}
