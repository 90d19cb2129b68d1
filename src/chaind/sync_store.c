/*
 * sync_store.c - the store side of the chain index (sync.h): the
 * checkpoint, the tracked contracts, reading the aggregate rows a batch
 * touches, committing a batch, and rolling blocks back with their undo
 * records (docs/sync.md).  Every write transaction starts with
 * lease_fence().  Multi-row writes go through JSON_TABLE statements
 * (stmts.c, "The chain index") in pieces of at most SYNC_JSON_FLUSH bytes.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaind.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/monotime.h"
#include "store/stmts.h"
#include "sync.h"

/* A JSON argument is sent once it passes this size (max_allowed_packet
 * is 16 MiB by default: a single row may still carry a large log). */
#define SYNC_JSON_FLUSH		((size_t)4 * 1024 * 1024)
#define SYNC_JSON_MAX		((size_t)40 * 1024 * 1024)

/* ------------------------------------------------------ JSON writer */

/*
 * Rows for one statement that takes (chain_id, json) (or (json,
 * chain_id) when json_first): appended row by row, sent when large and
 * at jt_finish.  The first error sticks.
 */
struct jt {
	struct db	*db;
	unsigned	 stmt;
	uint64_t	 chain_id;
	bool		 json_first;
	struct buf	 b;
	size_t		 rows;
	unsigned	 fields;
	enum cb_err	 rc;
	/* For statements with results: called after each piece is sent. */
	enum cb_err	(*on_result)(struct db *db, unsigned stmt, void *arg);
	void		*arg;
};

static void
jt_init(struct jt *j, struct db *db, unsigned stmt, uint64_t chain_id)
{
	memset(j, 0, sizeof(*j));
	j->db = db;
	j->stmt = stmt;
	j->chain_id = chain_id;
	buf_init(&j->b, SYNC_JSON_MAX);
}

static void
jt_put(struct jt *j, const void *p, size_t n)
{
	if (j->rc == CB_OK)
		j->rc = buf_append(&j->b, p, n);
}

static void
jt_flush(struct jt *j)
{
	if (j->rc != CB_OK || j->rows == 0)
		return;
	jt_put(j, "]", 1);
	if (j->rc != CB_OK)
		return;
	if (j->json_first)
		j->rc = DB_EXEC(j->db, j->stmt, DB_STR(j->b.data, j->b.len), DB_U64(j->chain_id));
	else
		j->rc = DB_EXEC(j->db, j->stmt, DB_U64(j->chain_id), DB_STR(j->b.data, j->b.len));
	if (j->rc == CB_OK && j->on_result != NULL)
		j->rc = j->on_result(j->db, j->stmt, j->arg);
	buf_reset(&j->b);
	j->rows = 0;
}

static void
jt_row(struct jt *j)
{
	jt_put(j, j->rows == 0 ? "[[" : ",[", 2);
	j->fields = 0;
}

static void
jt_end(struct jt *j)
{
	jt_put(j, "]", 1);
	j->rows++;
	if (j->b.len >= SYNC_JSON_FLUSH)
		jt_flush(j);
}

static enum cb_err
jt_finish(struct jt *j)
{
	enum cb_err rc;

	jt_flush(j);
	rc = j->rc;
	buf_free(&j->b);
	return rc;
}

static void
jt_sep(struct jt *j)
{
	if (j->fields++ > 0)
		jt_put(j, ",", 1);
}

static void
jt_u64(struct jt *j, uint64_t v)
{
	char s[24];
	int n = snprintf(s, sizeof(s), "%" PRIu64, v);

	jt_sep(j);
	jt_put(j, s, (size_t)n);
}

static void
jt_null(struct jt *j)
{
	jt_sep(j);
	jt_put(j, "null", 4);
}

/* A quoted string of safe characters (digits, '-', names). */
static void
jt_str(struct jt *j, const char *s)
{
	jt_sep(j);
	jt_put(j, "\"", 1);
	jt_put(j, s, strlen(s));
	jt_put(j, "\"", 1);
}

static void
jt_hex(struct jt *j, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char chunk[512];
	size_t i, k;

	jt_sep(j);
	jt_put(j, "\"", 1);
	for (i = 0; i < n; i += k) {
		size_t m = n - i < sizeof(chunk) / 2 ? n - i : sizeof(chunk) / 2;

		for (k = 0; k < m; k++) {
			chunk[2 * k] = digits[p[i + k] >> 4];
			chunk[2 * k + 1] = digits[p[i + k] & 15];
		}
		jt_put(j, chunk, 2 * m);
	}
	jt_put(j, "\"", 1);
}

/* A value as its two columns: the decimal (or null) and the raw (or
 * null).  Returns true when it went raw (an oversize value). */
static bool
jt_val(struct jt *j, const struct sync_val *v)
{
	char dec[SYNC_DEC_MAX];
	uint8_t raw[32];

	switch (sync_val_store(v, dec, raw)) {
	case SYNC_FORM_DEC:
		jt_str(j, dec);
		jt_null(j);
		return false;
	case SYNC_FORM_RAW:
		jt_null(j);
		jt_hex(j, raw, 32);
		return true;
	default:
		jt_null(j);
		jt_null(j);
		return true;
	}
}

static bool
jt_u256(struct jt *j, const u256 *x)
{
	struct sync_val v;

	sync_val_set(&v, x);
	return jt_val(j, &v);
}

/* ------------------------------------------------------- checkpoint */

struct ckpt_init {
	struct chaind	*cd;
};

static enum cb_err
ckpt_init_txn(struct db *db, void *arg)
{
	struct ckpt_init *c = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &c->cd->lease)) != CB_OK)
		return rc;
	return DB_EXEC(db, ST_SYNC_CKPT_INIT, DB_U64(c->cd->chain->chain_id));
}

/* The value of a nullable unsigned column. */
static bool
col_u64_opt(const struct db_row *row, unsigned col, bool *have, uint64_t *out)
{
	*have = row->val[col] != NULL;
	return !*have || db_col_u64(row, col, out);
}

enum cb_err
sync_store_ckpt_load(struct chaind *cd, struct sync_ckpt *ck)
{
	struct ckpt_init ci = { cd };
	struct db_row row;
	uint64_t halted = 0;
	enum cb_err rc;
	int r;

	for (;;) {
		rc = DB_EXEC(cd->db, ST_SYNC_CKPT_GET, DB_U64(cd->chain->chain_id));
		if (rc != CB_OK)
			return rc;
		r = db_fetch(cd->db, ST_SYNC_CKPT_GET, &row);
		if (r != 0)
			break;
		db_done(cd->db, ST_SYNC_CKPT_GET);
		if ((rc = db_txn(cd->db, ckpt_init_txn, &ci)) != CB_OK)
			return rc;
	}
	rc = CB_ERR_DB;
	memset(ck, 0, sizeof(*ck));
	if (r == 1 && row.ncols == SYNC_CKPT_COL__MAX &&
	    col_u64_opt(&row, SYNC_CKPT_COL_LAST_BLOCK, &ck->have_last, &ck->last_block) &&
	    (!ck->have_last || row.len[SYNC_CKPT_COL_LAST_HASH] == 32) &&
	    col_u64_opt(&row, SYNC_CKPT_COL_UNDO_FROM, &ck->have_undo_from, &ck->undo_from) &&
	    db_col_u64(&row, SYNC_CKPT_COL_HALTED, &halted)) {
		if (ck->have_last)
			memcpy(ck->last_hash, row.val[SYNC_CKPT_COL_LAST_HASH], 32);
		ck->halted = halted != 0;
		rc = CB_OK;
	}
	db_done(cd->db, ST_SYNC_CKPT_GET);
	return rc;
}

struct head_args {
	struct chaind	*cd;
	uint64_t	 head;
	bool		 have_safe, have_finalized;
	uint64_t	 safe, finalized;
	const char	*reason;
};

static enum cb_err
head_txn(struct db *db, void *arg)
{
	struct head_args *h = arg;
	enum cb_err rc;

	if ((rc = lease_fence(db, &h->cd->lease)) != CB_OK)
		return rc;
	if (h->reason != NULL)
		return DB_EXEC(db, ST_SYNC_CKPT_HALT, DB_STR(h->reason, strnlen(h->reason, 255)),
		    DB_U64(h->cd->chain->chain_id));
	return DB_EXEC(db, ST_SYNC_CKPT_HEAD, DB_U64(h->head),
	    h->have_safe ? DB_U64(h->safe) : DB_NULL(),
	    h->have_finalized ? DB_U64(h->finalized) : DB_NULL(),
	    DB_U64(h->cd->chain->chain_id));
}

enum cb_err
sync_store_head(struct chaind *cd, uint64_t head, bool have_safe, uint64_t safe,
    bool have_finalized, uint64_t finalized)
{
	struct head_args h = { cd, head, have_safe, have_finalized, safe, finalized, NULL };

	return db_txn(cd->db, head_txn, &h);
}

enum cb_err
sync_store_halt(struct chaind *cd, const char *reason)
{
	struct head_args h = { .cd = cd, .reason = reason };

	return db_txn(cd->db, head_txn, &h);
}

/* ------------------------------------------------------------ tracked */

enum cb_err
sync_store_tracked(struct chaind *cd, struct sync_state *st)
{
	struct sync_contract *cs = NULL, *c;
	struct address *addrs = NULL;
	struct db_row row;
	size_t n = 0, cap = 0;
	uint64_t kind;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(cd->db, ST_SYNC_TRACKED, DB_U64(cd->chain->chain_id),
	    DB_U64(cd->chain->chain_id));
	if (rc != CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_SYNC_TRACKED, &row)) == 1) {
		if (row.ncols != SYNC_TRACKED_COL__MAX ||
		    row.len[SYNC_TRACKED_COL_ADDRESS] != ADDRESS_LEN ||
		    !db_col_u64(&row, SYNC_TRACKED_COL_KIND, &kind)) {
			r = -1;
			break;
		}
		/* Sorted by address then kind: a duplicate address keeps its
		 * first (token) role. */
		if (n > 0 && memcmp(cs[n - 1].address.bytes, row.val[SYNC_TRACKED_COL_ADDRESS],
		    ADDRESS_LEN) == 0)
			continue;
		if (n == cap) {
			size_t nc = cap == 0 ? 8 : cap * 2;
			struct sync_contract *p = realloc(cs, nc * sizeof(*p));

			if (p == NULL) {
				rc = CB_ERR_NOMEM;
				break;
			}
			cs = p;
			cap = nc;
		}
		c = &cs[n++];
		memset(c, 0, sizeof(*c));
		memcpy(c->address.bytes, row.val[SYNC_TRACKED_COL_ADDRESS], ADDRESS_LEN);
		c->kind = kind == 1 ? SYNC_CONTRACT_POOL : SYNC_CONTRACT_TOKEN;
		if (!db_col_u64(&row, SYNC_TRACKED_COL_TOKEN_ID, &c->token_id))
			c->token_id = 0;
		sync_bloom_bits(c->address.bytes, ADDRESS_LEN, &c->bloom);
	}
	db_done(cd->db, ST_SYNC_TRACKED);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	if (rc == CB_OK && n > 0 && (addrs = calloc(n, sizeof(*addrs))) == NULL)
		rc = CB_ERR_NOMEM;
	if (rc != CB_OK) {
		free(cs);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		addrs[i] = cs[i].address;
	free(st->contracts);
	free(st->addresses);
	st->contracts = cs;
	st->addresses = addrs;
	st->ncontracts = n;
	return CB_OK;
}

/* ------------------------------------------------------------ loading */

struct load_ctx {
	struct sync_batch	*b;
	enum sync_target	 target;
};

static bool
row_val(const struct db_row *row, unsigned col, struct sync_val *v)
{
	return sync_val_load(v, row->val[col], row->len[col],
	    (const uint8_t *)row->val[col + 1], row->len[col + 1]);
}

/* GET rows: index, value, raw, updated_block. */
static enum cb_err
load_result(struct db *db, unsigned stmt, void *arg)
{
	struct load_ctx *lc = arg;
	struct sync_map *m = &lc->b->map;
	struct db_row row;
	uint64_t i;
	int r;

	while ((r = db_fetch(db, stmt, &row)) == 1) {
		struct sync_agg *a;

		if (row.ncols != SYNC_AGG_COL__MAX || !db_col_u64(&row, SYNC_AGG_COL_INDEX, &i) ||
		    i >= m->count) {
			r = -1;
			break;
		}
		a = &m->aggs[i];
		if (!row_val(&row, SYNC_AGG_COL_VALUE, &a->val) ||
		    !db_col_u64(&row, SYNC_AGG_COL_UPDATED_BLOCK, &a->updated_block)) {
			r = -1;
			break;
		}
		a->exists = true;
	}
	db_done(db, stmt);
	return r < 0 ? CB_ERR_DB : CB_OK;
}

/* OWNERS rows: index (of the owner entry), spender, value, raw, block. */
static enum cb_err
load_owner_result(struct db *db, unsigned stmt, void *arg)
{
	struct load_ctx *lc = arg;
	struct sync_map *m = &lc->b->map;
	struct db_row row;
	uint64_t i;
	int r;

	while ((r = db_fetch(db, stmt, &row)) == 1) {
		uint8_t key[60];
		size_t k;
		struct sync_agg *a;

		if (row.ncols != SYNC_OWNER_COL__MAX || !db_col_u64(&row, SYNC_OWNER_COL_INDEX, &i) ||
		    i >= m->count || row.len[SYNC_OWNER_COL_SPENDER] != ADDRESS_LEN) {
			r = -1;
			break;
		}
		memcpy(key, m->aggs[i].key, 40);
		memcpy(key + 40, row.val[SYNC_OWNER_COL_SPENDER], 20);
		if ((k = sync_map_find(m, SYNC_T_ALLOWANCE, key, 60, true)) == SIZE_MAX) {
			db_done(db, stmt);
			return CB_ERR_NOMEM;
		}
		a = &m->aggs[k];
		if (!row_val(&row, SYNC_OWNER_COL_VALUE, &a->val) ||
		    !db_col_u64(&row, SYNC_OWNER_COL_UPDATED_BLOCK, &a->updated_block)) {
			r = -1;
			break;
		}
		a->exists = true;
		a->loaded = true;
	}
	db_done(db, stmt);
	return r < 0 ? CB_ERR_DB : CB_OK;
}

/* -------------------------------------------------- aggregate cache */

/*
 * Only the syncer (the holder of the chain's lease) writes the aggregate
 * tables, so after its commit the rows of the batch are what the store
 * holds until the checkpoint moves again: the next batch takes them from
 * memory instead of reading them back (a backfill meets the same holders
 * in every range).  The cache is used only while the checkpoint is the
 * one that commit wrote; a rollback, a conflict, an error or a lost lease
 * empties or invalidates it.  Allowances are not cached, only the fact
 * that an owner holds no non-zero allowance (an owner entry that exists
 * says it may hold some: those are read from the store).
 */
#define SYNC_CACHE_MAX_ROWS	((size_t)200000)

static bool
cache_target(enum sync_target t)
{
	return t == SYNC_T_BALANCE || t == SYNC_T_SUPPLY || t == SYNC_T_POOL_TOTAL ||
	    t == SYNC_T_OWNER;
}

void
sync_store_cache_clear(struct sync_state *st)
{
	sync_map_free(&st->cache);
	st->cache_have = false;
}

/* A value as it reads back from the store (a value stored as NULL
 * reads as bad). */
static void
cache_val(struct sync_val *out, const struct sync_val *v)
{
	char dec[SYNC_DEC_MAX];
	uint8_t raw[32];

	switch (sync_val_store(v, dec, raw)) {
	case SYNC_FORM_DEC:
		if (!sync_val_load(out, dec, strlen(dec), NULL, 0))
			out->bad = true;
		break;
	case SYNC_FORM_RAW:
		if (!sync_val_load(out, NULL, 0, raw, 32))
			out->bad = true;
		break;
	default:
		sync_val_zero(out);
		out->bad = true;
		break;
	}
}

void
sync_store_cache_keep(struct sync_state *st, const struct sync_batch *b)
{
	const struct sync_map *m = &b->map;
	struct sync_map *c = &st->cache;
	size_t i, k;

	if (b->nblocks == 0)
		return;
	if (!st->cache_have || st->cache_block + 1 != b->from)
		sync_map_free(c);
	for (i = 0; i < m->count; i++) {
		const struct sync_agg *a = &m->aggs[i];
		struct sync_agg *e;

		if (!cache_target(a->target) || !a->loaded)
			continue;
		if ((k = sync_map_find(c, a->target, a->key, a->keylen, true)) == SIZE_MAX)
			goto drop;
		e = &c->aggs[k];
		e->loaded = true;
		if (a->target == SYNC_T_OWNER) {
			e->exists = false;	/* set below when it may hold one */
			continue;
		}
		e->exists = a->exists;
		cache_val(&e->val, &a->val);
		e->updated_block = a->updated_block;
	}
	/* An owner with a non-zero allowance after this batch (loaded, or
	 * approved in it) must be read from the store next time. */
	for (i = 0; i < m->count; i++) {
		const struct sync_agg *a = &m->aggs[i];

		if (a->target != SYNC_T_ALLOWANCE || !a->exists ||
		    (!a->val.bad && !a->val.neg && u256_is_zero(&a->val.mag)))
			continue;
		if ((k = sync_map_find(c, SYNC_T_OWNER, a->key, 40, true)) == SIZE_MAX)
			goto drop;
		c->aggs[k].loaded = true;
		c->aggs[k].exists = true;
	}
	if (c->count > SYNC_CACHE_MAX_ROWS)
		goto drop;
	st->cache_have = true;
	st->cache_block = b->to;
	memcpy(st->cache_hash, b->blocks[b->nblocks - 1].hash, 32);
	return;
drop:
	sync_store_cache_clear(st);
}

/* Gives the batch the rows the cache knows (when it is still valid). */
static void
cache_take(struct sync_state *st, struct sync_batch *b)
{
	const struct sync_ckpt *ck = &st->ckpt;
	struct sync_map *m = &b->map;
	size_t i, k;

	if (!st->cache_have || !ck->have_last || ck->last_block != st->cache_block ||
	    memcmp(ck->last_hash, st->cache_hash, 32) != 0 || b->from != ck->last_block + 1) {
		sync_store_cache_clear(st);
		return;
	}
	for (i = 0; i < m->count; i++) {
		struct sync_agg *a = &m->aggs[i];
		const struct sync_agg *e;

		if (a->loaded || !cache_target(a->target) ||
		    (k = sync_map_find(&st->cache, a->target, a->key, a->keylen, false)) == SIZE_MAX)
			continue;
		e = &st->cache.aggs[k];
		if (a->target == SYNC_T_OWNER) {
			/* No allowance to read: nothing to add. */
			if (!e->exists)
				a->loaded = true;
			continue;
		}
		a->loaded = true;
		a->exists = e->exists;
		a->val = e->val;
		a->updated_block = e->updated_block;
	}
}

static const unsigned load_stmts[SYNC_T__MAX] = {
	[SYNC_T_BALANCE] = ST_SYNC_BALANCES_GET,
	[SYNC_T_ALLOWANCE] = ST_SYNC_ALLOWANCES_GET,
	[SYNC_T_SUPPLY] = ST_SYNC_SUPPLY_GET,
	[SYNC_T_POOL_TOTAL] = ST_SYNC_POOLTOTAL_GET,
	[SYNC_T_OWNER] = ST_SYNC_ALLOWANCES_OF_OWNERS,
};

enum cb_err
sync_store_load(struct chaind *cd, struct sync_batch *b)
{
	static const enum sync_target order[] = {
		/* Owners first: they add allowance entries already loaded. */
		SYNC_T_OWNER, SYNC_T_BALANCE, SYNC_T_ALLOWANCE, SYNC_T_SUPPLY, SYNC_T_POOL_TOTAL,
	};
	struct sync_map *m = &b->map;
	struct load_ctx lc = { b, SYNC_T_BALANCE };
	struct jt j;
	size_t t, i, count, *keys = NULL;
	uint64_t us[sizeof(order) / sizeof(order[0])], t0;
	enum cb_err rc;

	if (cd->sync != NULL)
		cache_take(cd->sync, b);
	for (t = 0; t < sizeof(order) / sizeof(order[0]); t++) {
		t0 = monotime_us();
		lc.target = order[t];
		jt_init(&j, cd->db, load_stmts[order[t]], cd->chain->chain_id);
		j.json_first = true;
		j.on_result = order[t] == SYNC_T_OWNER ? load_owner_result : load_result;
		j.arg = &lc;
		/* In key order; the owner results add entries: only those
		 * present now. */
		if ((rc = sync_map_sorted(m, order[t], false, &keys, &count)) != CB_OK) {
			jt_finish(&j);
			return rc;
		}
		for (i = 0; i < count; i++) {
			struct sync_agg *a = &m->aggs[keys[i]];

			if (a->loaded)
				continue;
			a->loaded = true;
			jt_row(&j);
			jt_u64(&j, keys[i]);
			jt_hex(&j, a->key, a->keylen);
			jt_end(&j);
		}
		free(keys);
		keys = NULL;
		if ((rc = jt_finish(&j)) != CB_OK)
			return rc;
		us[t] = monotime_us() - t0;
	}
	log_debug("sync_load_parts", "owners=%" PRIu64 " balances=%" PRIu64 " allowances=%"
	    PRIu64 " supply=%" PRIu64 " pools=%" PRIu64, us[0] / 1000, us[1] / 1000, us[2] / 1000,
	    us[3] / 1000, us[4] / 1000);
	return CB_OK;
}

enum cb_err
sync_store_load_stakes(struct chaind *cd, struct sync_batch *b, size_t s)
{
	struct sync_map *m = &b->map;
	struct db_row row;
	uint8_t pool[20], user[20];
	enum cb_err rc = CB_OK;
	int r;

	memcpy(pool, m->aggs[s].key, 20);
	memcpy(user, m->aggs[s].key + 20, 20);
	rc = DB_EXEC(cd->db, ST_SYNC_STAKES_OPEN, DB_U64(cd->chain->chain_id),
	    DB_BLOB(pool, 20), DB_BLOB(user, 20));
	if (rc != CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_SYNC_STAKES_OPEN, &row)) == 1) {
		uint8_t key[36];
		uint64_t li, blk;
		size_t k;
		struct sync_agg *a;

		if (row.ncols != SYNC_STAKE_COL__MAX || row.len[SYNC_STAKE_COL_TX_HASH] != 32 ||
		    !db_col_u64(&row, SYNC_STAKE_COL_LOG_INDEX, &li) || li > UINT32_MAX ||
		    !db_col_u64(&row, SYNC_STAKE_COL_BLOCK, &blk)) {
			r = -1;
			break;
		}
		memcpy(key, row.val[SYNC_STAKE_COL_TX_HASH], 32);
		key[32] = (uint8_t)(li >> 24);
		key[33] = (uint8_t)(li >> 16);
		key[34] = (uint8_t)(li >> 8);
		key[35] = (uint8_t)li;
		if ((k = sync_map_find(m, SYNC_T_STAKE, key, sizeof(key), true)) == SIZE_MAX) {
			rc = CB_ERR_NOMEM;
			break;
		}
		a = &m->aggs[k];
		if (!row_val(&row, SYNC_STAKE_COL_REMAINING, &a->val)) {
			r = -1;
			break;
		}
		a->loaded = a->exists = true;
		a->stake_block = a->updated_block = blk;
		a->stake_log_index = (uint32_t)li;
		if (m->aggs[s].last == SIZE_MAX)
			m->aggs[s].first = k;
		else
			m->aggs[m->aggs[s].last].next = k;
		m->aggs[s].last = k;
	}
	db_done(cd->db, ST_SYNC_STAKES_OPEN);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	return rc;
}

enum cb_err
sync_store_hashes(struct chaind *cd, uint64_t lo, uint64_t hi, uint8_t (*hashes)[32],
    bool *present)
{
	struct db_row row;
	uint64_t n;
	enum cb_err rc;
	int r;

	memset(present, 0, (size_t)(hi - lo + 1) * sizeof(*present));
	rc = DB_EXEC(cd->db, ST_SYNC_BLOCK_HASHES, DB_U64(cd->chain->chain_id), DB_U64(lo),
	    DB_U64(hi));
	if (rc != CB_OK)
		return rc;
	while ((r = db_fetch(cd->db, ST_SYNC_BLOCK_HASHES, &row)) == 1) {
		if (row.ncols != SYNC_HASH_COL__MAX || !db_col_u64(&row, SYNC_HASH_COL_NUMBER, &n) ||
		    n < lo || n > hi || row.len[SYNC_HASH_COL_HASH] != 32) {
			r = -1;
			break;
		}
		memcpy(hashes[n - lo], row.val[SYNC_HASH_COL_HASH], 32);
		present[n - lo] = true;
	}
	db_done(cd->db, ST_SYNC_BLOCK_HASHES);
	return r < 0 ? CB_ERR_DB : CB_OK;
}

/* ------------------------------------------------------------ commit */

struct commit {
	struct chaind		*cd;
	const struct sync_ckpt	*ck;
	struct sync_batch	*b;
	const struct sync_state	*st;
};

/* Locks the checkpoint and checks it is where the caller thinks. */
static enum cb_err
ckpt_check(struct db *db, uint64_t chain_id, const struct sync_ckpt *ck)
{
	struct db_row row;
	bool have;
	uint64_t last = 0, halted = 0;
	enum cb_err rc = CB_ERR_CONFLICT;
	int r;

	if ((rc = DB_EXEC(db, ST_SYNC_CKPT_LOCK, DB_U64(chain_id))) != CB_OK)
		return rc;
	rc = CB_ERR_CONFLICT;
	r = db_fetch(db, ST_SYNC_CKPT_LOCK, &row);
	if (r == 1 && row.ncols == SYNC_LOCK_COL__MAX &&
	    col_u64_opt(&row, SYNC_LOCK_COL_LAST_BLOCK, &have, &last) &&
	    db_col_u64(&row, SYNC_LOCK_COL_HALTED, &halted) && halted == 0 &&
	    have == ck->have_last && (!have || (last == ck->last_block &&
	    row.len[SYNC_LOCK_COL_LAST_HASH] == 32 &&
	    memcmp(row.val[SYNC_LOCK_COL_LAST_HASH], ck->last_hash, 32) == 0)))
		rc = CB_OK;
	else if (r < 0)
		rc = CB_ERR_DB;
	db_done(db, ST_SYNC_CKPT_LOCK);
	return rc;
}

static enum cb_err
write_blocks(struct db *db, uint64_t chain_id, const struct sync_batch *b)
{
	struct jt j;
	size_t i;

	jt_init(&j, db, ST_SYNC_BLOCKS_INSERT, chain_id);
	for (i = 0; i < b->nblocks; i++) {
		const struct sync_block *sb = &b->blocks[i];
		char dec[SYNC_DEC_MAX];
		uint8_t raw[32];

		jt_row(&j);
		jt_u64(&j, sb->number);
		jt_hex(&j, sb->hash, 32);
		jt_hex(&j, sb->parent, 32);
		jt_u64(&j, sb->timestamp);
		/* A base fee past 65 digits is no fee a chain charges: NULL. */
		if (sb->has_base_fee && sync_u256_store(&sb->base_fee, dec, raw) == SYNC_FORM_DEC)
			jt_str(&j, dec);
		else
			jt_null(&j);
		jt_u64(&j, sb->gas_used);
		jt_u64(&j, sb->tx_count);
		jt_u64(&j, sb->log_count);
		jt_hex(&j, sb->bloom, 256);
		jt_end(&j);
	}
	return jt_finish(&j);
}

static enum cb_err
write_txs(struct db *db, uint64_t chain_id, struct sync_batch *b)
{
	struct jt j;
	size_t i;

	jt_init(&j, db, ST_SYNC_TXS_INSERT, chain_id);
	for (i = 0; i < b->ntxs; i++) {
		const struct sync_tx *t = &b->txs[i];

		jt_row(&j);
		jt_hex(&j, t->hash, 32);
		jt_u64(&j, t->block);
		jt_u64(&j, t->tx_index);
		jt_hex(&j, t->from.bytes, 20);
		if (t->has_to)
			jt_hex(&j, t->to.bytes, 20);
		else
			jt_null(&j);
		if (jt_u256(&j, &t->value))
			b->oversize++;
		jt_u64(&j, t->nonce);
		if (t->has_status)
			jt_u64(&j, 1);
		else
			jt_null(&j);
		jt_null(&j);	/* gas_used: receipts are not fetched */
		if (t->input_head_len > 0)
			jt_hex(&j, t->input_head, t->input_head_len);
		else
			jt_null(&j);
		jt_end(&j);
	}
	return jt_finish(&j);
}

/* Logs from..from+ST_SYNC_BULK_ROWS in one multi-row statement. */
static enum cb_err
write_logs_bulk(struct db *db, uint64_t chain_id, const struct sync_batch *b, size_t from,
    struct db_param *p)
{
	static const uint8_t empty[1];
	size_t i, t, n = 0;

	for (i = from; i < from + ST_SYNC_BULK_ROWS; i++) {
		const struct rpc_log *l = &b->logs[i];

		p[n++] = DB_U64(chain_id);
		p[n++] = DB_U64(l->block_number);
		p[n++] = DB_U64(l->log_index);
		p[n++] = DB_BLOB(l->block_hash.bytes, 32);
		p[n++] = DB_BLOB(l->tx_hash.bytes, 32);
		p[n++] = DB_U64(l->tx_index);
		p[n++] = DB_BLOB(l->address.bytes, 20);
		for (t = 0; t < 4; t++)
			p[n++] = t < l->topic_count ? DB_BLOB(l->topics[t].bytes, 32) : DB_NULL();
		p[n++] = DB_U64(l->topic_count);
		p[n++] = l->data_len > 0 ? DB_BLOB(l->data, l->data_len) : DB_BLOB(empty, 0);
	}
	return db_exec(db, ST_SYNC_LOGS_BULK, p, (unsigned)n);
}

static enum cb_err
write_logs(struct db *db, uint64_t chain_id, const struct sync_batch *b)
{
	struct db_param *p;
	struct jt j;
	size_t i, t;
	enum cb_err rc = CB_OK;

	/* Whole pieces as plain placeholders, the rest as JSON rows. */
	i = 0;
	if (b->nlogs >= ST_SYNC_BULK_ROWS) {
		if ((p = calloc(ST_SYNC_BULK_ROWS * 13, sizeof(*p))) == NULL)
			return CB_ERR_NOMEM;
		for (; rc == CB_OK && i + ST_SYNC_BULK_ROWS <= b->nlogs; i += ST_SYNC_BULK_ROWS)
			rc = write_logs_bulk(db, chain_id, b, i, p);
		free(p);
		if (rc != CB_OK)
			return rc;
	}
	jt_init(&j, db, ST_SYNC_LOGS_INSERT, chain_id);
	for (; i < b->nlogs; i++) {
		const struct rpc_log *l = &b->logs[i];

		jt_row(&j);
		jt_u64(&j, l->block_number);
		jt_u64(&j, l->log_index);
		jt_hex(&j, l->block_hash.bytes, 32);
		jt_hex(&j, l->tx_hash.bytes, 32);
		jt_u64(&j, l->tx_index);
		jt_hex(&j, l->address.bytes, 20);
		for (t = 0; t < 4; t++) {
			if (t < l->topic_count)
				jt_hex(&j, l->topics[t].bytes, 32);
			else
				jt_null(&j);
		}
		jt_u64(&j, l->topic_count);
		jt_hex(&j, l->data, l->data_len);
		jt_end(&j);
	}
	return jt_finish(&j);
}

/* qsort has no argument for the batch: a file static carries it. */
static const struct sync_batch *sort_batch;

static int
transfer_cmp(const void *pa, const void *pb)
{
	const struct rpc_log *a = &sort_batch->logs[*(const size_t *)pa];
	const struct rpc_log *b = &sort_batch->logs[*(const size_t *)pb];
	int c = memcmp(a->tx_hash.bytes, b->tx_hash.bytes, 32);

	if (c != 0)
		return c;
	return a->log_index < b->log_index ? -1 : a->log_index > b->log_index;
}

/*
 * The transfers, in primary key order (tx hash, log index: InnoDB fills
 * its pages in order instead of all over the tree): whole pieces of
 * ST_SYNC_BULK_ROWS as plain placeholders, the rest as JSON rows.
 */
static enum cb_err
write_transfers(struct db *db, uint64_t chain_id, const struct sync_state *st,
    struct sync_batch *b)
{
	char (*dec)[SYNC_DEC_MAX] = NULL;
	uint8_t (*raw)[32] = NULL;
	struct db_param *p = NULL;
	size_t *order = NULL, i, k, rows = 0, n = 0, bulk;
	struct jt j;
	enum cb_err rc = CB_OK;

	for (i = 0; i < b->nlogs; i++)
		if (b->events[i].kind == SYNC_EV_TRANSFER)
			rows++;
	if (rows == 0)
		return CB_OK;
	order = calloc(rows, sizeof(*order));
	p = calloc(ST_SYNC_BULK_ROWS * 9, sizeof(*p));
	dec = calloc(ST_SYNC_BULK_ROWS, sizeof(*dec));
	raw = calloc(ST_SYNC_BULK_ROWS, sizeof(*raw));
	if (order == NULL || p == NULL || dec == NULL || raw == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0, k = 0; i < b->nlogs; i++)
		if (b->events[i].kind == SYNC_EV_TRANSFER)
			order[k++] = i;
	sort_batch = b;
	qsort(order, rows, sizeof(*order), transfer_cmp);
	bulk = rows - rows % ST_SYNC_BULK_ROWS;
	for (k = 0; k < bulk && rc == CB_OK; k++) {
		const struct rpc_log *l = &b->logs[order[k]];
		const struct sync_event *ev = &b->events[order[k]];
		size_t r = k % ST_SYNC_BULK_ROWS;
		enum sync_form form = sync_u256_store(&ev->value, dec[r], raw[r]);

		if (form != SYNC_FORM_DEC)
			b->oversize++;
		p[n++] = DB_U64(chain_id);
		p[n++] = DB_BLOB(l->tx_hash.bytes, 32);
		p[n++] = DB_U64(l->log_index);
		p[n++] = DB_U64(l->block_number);
		p[n++] = DB_BLOB(st->contracts[b->contract[order[k]]].address.bytes, 20);
		p[n++] = DB_BLOB(ev->a.bytes, 20);
		p[n++] = DB_BLOB(ev->b.bytes, 20);
		p[n++] = form == SYNC_FORM_DEC ? DB_CSTR(dec[r]) : DB_NULL();
		p[n++] = form == SYNC_FORM_RAW ? DB_BLOB(raw[r], 32) : DB_NULL();
		if (r == ST_SYNC_BULK_ROWS - 1) {
			rc = db_exec(db, ST_SYNC_TRANSFERS_BULK, p, (unsigned)n);
			n = 0;
		}
	}
	if (rc != CB_OK)
		goto out;
	jt_init(&j, db, ST_SYNC_TRANSFERS_INSERT, chain_id);
	for (k = bulk; k < rows; k++) {
		const struct rpc_log *l = &b->logs[order[k]];
		const struct sync_event *ev = &b->events[order[k]];

		jt_row(&j);
		jt_hex(&j, l->tx_hash.bytes, 32);
		jt_u64(&j, l->log_index);
		jt_u64(&j, l->block_number);
		jt_hex(&j, st->contracts[b->contract[order[k]]].address.bytes, 20);
		jt_hex(&j, ev->a.bytes, 20);
		jt_hex(&j, ev->b.bytes, 20);
		if (jt_u256(&j, &ev->value))
			b->oversize++;
		jt_end(&j);
	}
	rc = jt_finish(&j);
out:
	free(order);
	free(p);
	free(dec);
	free(raw);
	return rc;
}

/* The event rows: transfers, approvals, stakes, unstakes, claims. */
static enum cb_err
write_events(struct db *db, uint64_t chain_id, const struct sync_state *st,
    struct sync_batch *b)
{
	struct jt ap, sk, us, cl;
	enum cb_err rc, rc2;
	size_t i;

	if ((rc = write_transfers(db, chain_id, st, b)) != CB_OK)
		return rc;
	jt_init(&ap, db, ST_SYNC_APPROVALS_INSERT, chain_id);
	jt_init(&sk, db, ST_SYNC_STAKES_INSERT, chain_id);
	jt_init(&us, db, ST_SYNC_UNSTAKES_INSERT, chain_id);
	jt_init(&cl, db, ST_SYNC_CLAIMS_INSERT, chain_id);
	for (i = 0; i < b->nlogs; i++) {
		const struct rpc_log *l = &b->logs[i];
		const struct sync_event *ev = &b->events[i];
		const uint8_t *ca = st->contracts[b->contract[i]].address.bytes;
		struct jt *j;
		size_t k;

		switch (ev->kind) {
		case SYNC_EV_APPROVAL:
			j = &ap;
			jt_row(j);
			jt_hex(j, l->tx_hash.bytes, 32);
			jt_u64(j, l->log_index);
			jt_u64(j, l->block_number);
			jt_hex(j, ca, 20);
			jt_hex(j, ev->a.bytes, 20);
			jt_hex(j, ev->b.bytes, 20);
			if (jt_u256(j, &ev->value))
				b->oversize++;
			jt_end(j);
			break;
		case SYNC_EV_STAKED:
		case SYNC_EV_UNSTAKED:
		case SYNC_EV_CLAIMED:
			j = ev->kind == SYNC_EV_STAKED ? &sk :
			    ev->kind == SYNC_EV_UNSTAKED ? &us : &cl;
			jt_row(j);
			jt_hex(j, l->tx_hash.bytes, 32);
			jt_u64(j, l->log_index);
			jt_hex(j, ca, 20);
			jt_hex(j, ev->a.bytes, 20);
			if (jt_u256(j, &ev->value))
				b->oversize++;
			if (ev->kind == SYNC_EV_STAKED) {
				uint8_t key[36];

				memcpy(key, l->tx_hash.bytes, 32);
				key[32] = (uint8_t)(l->log_index >> 24);
				key[33] = (uint8_t)(l->log_index >> 16);
				key[34] = (uint8_t)(l->log_index >> 8);
				key[35] = (uint8_t)l->log_index;
				k = sync_map_find(&b->map, SYNC_T_STAKE, key, sizeof(key), false);
				if (k == SIZE_MAX) {
					j->rc = CB_ERR_INTERNAL;
					break;
				}
				(void)jt_val(j, &b->map.aggs[k].val);
			}
			if (ev->kind != SYNC_EV_CLAIMED) {
				uint64_t ts;

				/* The event's own timestamp; one past 64 bits
				 * (never from a working pool) falls back to
				 * the block's. */
				if (!u256_to_u64(&ev->ts, &ts))
					ts = b->blocks[l->block_number - b->from].timestamp;
				jt_u64(j, ts);
			} else {
				/* RewardsClaimed carries no time: its block's. */
				jt_u64(j, b->blocks[l->block_number - b->from].timestamp);
			}
			jt_u64(j, l->block_number);
			jt_end(j);
			break;
		default:
			break;
		}
	}
	rc = jt_finish(&ap);
	if ((rc2 = jt_finish(&sk)) != CB_OK && rc == CB_OK)
		rc = rc2;
	if ((rc2 = jt_finish(&us)) != CB_OK && rc == CB_OK)
		rc = rc2;
	if ((rc2 = jt_finish(&cl)) != CB_OK && rc == CB_OK)
		rc = rc2;
	return rc;
}

static const unsigned put_stmts[SYNC_T__MAX] = {
	[SYNC_T_BALANCE] = ST_SYNC_BALANCES_PUT,
	[SYNC_T_ALLOWANCE] = ST_SYNC_ALLOWANCES_PUT,
	[SYNC_T_SUPPLY] = ST_SYNC_SUPPLY_PUT,
	[SYNC_T_POOL_TOTAL] = ST_SYNC_POOLTOTAL_PUT,
};

/* A stake's remaining: (remaining, raw, chain_id, tx hash, log index). */
static enum cb_err
put_stake(struct db *db, uint64_t chain_id, const uint8_t key[36], bool exists,
    const struct sync_val *v)
{
	char dec[SYNC_DEC_MAX];
	uint8_t raw[32];
	uint64_t li = ((uint64_t)key[32] << 24) | ((uint64_t)key[33] << 16) |
	    ((uint64_t)key[34] << 8) | key[35];
	enum sync_form f = sync_val_store(v, dec, raw);

	if (!exists)
		return CB_OK;
	return DB_EXEC(db, ST_SYNC_STAKE_REMAINING,
	    f == SYNC_FORM_DEC ? DB_CSTR(dec) : DB_NULL(),
	    f == SYNC_FORM_RAW ? DB_BLOB(raw, 32) : DB_NULL(),
	    DB_U64(chain_id), DB_BLOB(key, 32), DB_U64(li));
}

/*
 * The first n - n % ST_SYNC_BULK_ROWS changed balances of order (key
 * order) in multi-row statements of plain placeholders; *done gets how
 * many went.
 */
static enum cb_err
write_balances_bulk(struct db *db, uint64_t chain_id, const struct sync_map *m,
    const size_t *order, size_t n, size_t *done)
{
	char (*dec)[SYNC_DEC_MAX] = NULL;
	uint8_t (*raw)[32] = NULL;
	struct db_param *p = NULL;
	size_t k, np = 0, bulk = n - n % ST_SYNC_BULK_ROWS;
	enum cb_err rc = CB_OK;

	*done = 0;
	if (bulk == 0)
		return CB_OK;
	p = calloc(ST_SYNC_BULK_ROWS * 6, sizeof(*p));
	dec = calloc(ST_SYNC_BULK_ROWS, sizeof(*dec));
	raw = calloc(ST_SYNC_BULK_ROWS, sizeof(*raw));
	if (p == NULL || dec == NULL || raw == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (k = 0; k < bulk && rc == CB_OK; k++) {
		const struct sync_agg *a = &m->aggs[order[k]];
		size_t r = k % ST_SYNC_BULK_ROWS;
		enum sync_form form = sync_val_store(&a->val, dec[r], raw[r]);

		p[np++] = DB_U64(chain_id);
		p[np++] = DB_BLOB(a->key, 20);
		p[np++] = DB_BLOB(a->key + 20, 20);
		p[np++] = form == SYNC_FORM_DEC ? DB_CSTR(dec[r]) : DB_NULL();
		p[np++] = form == SYNC_FORM_RAW ? DB_BLOB(raw[r], 32) : DB_NULL();
		p[np++] = DB_U64(a->updated_block);
		if (r == ST_SYNC_BULK_ROWS - 1) {
			rc = db_exec(db, ST_SYNC_BALANCES_BULK, p, (unsigned)np);
			np = 0;
		}
	}
	if (rc == CB_OK)
		*done = bulk;
out:
	free(p);
	free(dec);
	free(raw);
	return rc;
}

static enum cb_err
write_aggregates(struct db *db, uint64_t chain_id, const struct sync_batch *b)
{
	const struct sync_map *m = &b->map;
	enum sync_target t;
	struct jt j;
	size_t i;
	enum cb_err rc;

	size_t *order = NULL, n, k;

	for (t = SYNC_T_BALANCE; t < SYNC_T_STAKER; t++) {
		if (t == SYNC_T_STAKE)
			continue;
		/* In key order, as InnoDB keeps them. */
		if ((rc = sync_map_sorted(m, t, true, &order, &n)) != CB_OK)
			return rc;
		/* Balances, the many: whole pieces as plain placeholders. */
		k = 0;
		if (t == SYNC_T_BALANCE &&
		    (rc = write_balances_bulk(db, chain_id, m, order, n, &k)) != CB_OK) {
			free(order);
			return rc;
		}
		jt_init(&j, db, put_stmts[t], chain_id);
		for (; k < n; k++) {
			const struct sync_agg *a = &m->aggs[order[k]];

			jt_row(&j);
			jt_hex(&j, a->key, a->keylen);
			(void)jt_val(&j, &a->val);
			jt_u64(&j, a->updated_block);
			jt_end(&j);
		}
		free(order);
		order = NULL;
		if ((rc = jt_finish(&j)) != CB_OK)
			return rc;
	}
	/* Older stakes that unstakes consumed (new ones went in whole). */
	for (i = 0; i < m->count; i++) {
		const struct sync_agg *a = &m->aggs[i];

		if (a->target == SYNC_T_STAKE && a->dirty && !a->created &&
		    (rc = put_stake(db, chain_id, a->key, true, &a->val)) != CB_OK)
			return rc;
	}
	return CB_OK;
}

static enum cb_err
write_undo(struct db *db, uint64_t chain_id, const struct sync_batch *b)
{
	const struct sync_map *m = &b->map;
	struct jt j;
	uint64_t block = 0;
	uint32_t seq = 0;
	size_t i;

	jt_init(&j, db, ST_SYNC_UNDO_INSERT, chain_id);
	for (i = 0; i < m->nundo; i++) {
		const struct sync_undo *u = &m->undo[i];

		if (i == 0 || u->block != block) {
			block = u->block;
			seq = 0;
		}
		jt_row(&j);
		jt_u64(&j, u->block);
		jt_u64(&j, seq++);
		jt_str(&j, sync_target_name(u->target));
		jt_hex(&j, u->key, u->keylen);
		jt_u64(&j, u->exists ? 1 : 0);
		if (u->exists) {
			(void)jt_val(&j, &u->val);
			jt_u64(&j, u->updated_block);
		} else {
			jt_null(&j);
			jt_null(&j);
			jt_null(&j);
		}
		jt_end(&j);
	}
	return jt_finish(&j);
}

static enum cb_err
commit_txn(struct db *db, void *arg)
{
	struct commit *c = arg;
	struct sync_batch *b = c->b;
	uint64_t chain_id = c->cd->chain->chain_id;
	enum cb_err rc;

	uint64_t t[8];

	b->oversize = 0;
	t[0] = monotime_us();
	if ((rc = lease_fence(db, &c->cd->lease)) != CB_OK ||
	    (rc = ckpt_check(db, chain_id, c->ck)) != CB_OK)
		return rc;
	t[1] = monotime_us();
	if ((rc = write_blocks(db, chain_id, b)) != CB_OK)
		return rc;
	t[2] = monotime_us();
	if ((rc = write_txs(db, chain_id, b)) != CB_OK)
		return rc;
	t[3] = monotime_us();
	if ((rc = write_logs(db, chain_id, b)) != CB_OK)
		return rc;
	t[4] = monotime_us();
	if ((rc = write_events(db, chain_id, c->st, b)) != CB_OK)
		return rc;
	t[5] = monotime_us();
	if ((rc = write_aggregates(db, chain_id, b)) != CB_OK)
		return rc;
	t[6] = monotime_us();
	if ((rc = write_undo(db, chain_id, b)) != CB_OK)
		return rc;
	t[7] = monotime_us();
	log_debug("sync_commit_parts", "fence=%" PRIu64 " blocks=%" PRIu64 " txs=%" PRIu64
	    " logs=%" PRIu64 " events=%" PRIu64 " aggs=%" PRIu64 " undo=%" PRIu64,
	    (t[1] - t[0]) / 1000, (t[2] - t[1]) / 1000, (t[3] - t[2]) / 1000,
	    (t[4] - t[3]) / 1000, (t[5] - t[4]) / 1000, (t[6] - t[5]) / 1000,
	    (t[7] - t[6]) / 1000);
	if (b->have_finalized &&
	    (rc = DB_EXEC(db, ST_SYNC_UNDO_PRUNE, DB_U64(chain_id), DB_U64(b->finalized))) != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_SYNC_CKPT_ADVANCE, DB_U64(b->to),
	    DB_BLOB(b->blocks[b->nblocks - 1].hash, 32), DB_U64(b->head),
	    b->have_safe ? DB_U64(b->safe) : DB_NULL(),
	    b->have_finalized ? DB_U64(b->finalized) : DB_NULL(),
	    b->have_undo_from ? DB_U64(b->undo_from) : DB_NULL(),
	    DB_U64(b->oversize), DB_U64(chain_id));
	if (rc != CB_OK)
		return rc;
	/* Crash tests stop here: everything written, nothing committed. */
	if (b->nblocks > 1)
		failpoint("sync_backfill_commit");
	else
		failpoint("sync_block_commit");
	return CB_OK;
}

enum cb_err
sync_store_commit(struct chaind *cd, const struct sync_ckpt *ck, struct sync_batch *b)
{
	struct commit c = { cd, ck, b, cd->sync };

	return db_txn(cd->db, commit_txn, &c);
}

/* ----------------------------------------------------------- rollback */

struct rollback {
	struct chaind		*cd;
	const struct sync_ckpt	*ck;
	bool			 have_ancestor;
	uint64_t		 ancestor;
	const uint8_t		*ancestor_hash;
};

/* Restores one aggregate row to what it was before the rolled-back
 * blocks: its oldest undo record. */
static enum cb_err
restore_row(struct db *db, uint64_t chain_id, const struct sync_agg *a)
{
	static const unsigned del[SYNC_T__MAX] = {
		[SYNC_T_BALANCE] = ST_SYNC_BALANCE_DELETE,
		[SYNC_T_ALLOWANCE] = ST_SYNC_ALLOWANCE_DELETE,
		[SYNC_T_SUPPLY] = ST_SYNC_SUPPLY_DELETE,
		[SYNC_T_POOL_TOTAL] = ST_SYNC_POOLTOTAL_DELETE,
	};
	struct jt j;

	if (a->target == SYNC_T_STAKE)
		return put_stake(db, chain_id, a->key, a->exists, &a->val);
	if (!a->exists) {
		switch (a->target) {
		case SYNC_T_ALLOWANCE:
			return DB_EXEC(db, del[a->target], DB_U64(chain_id), DB_BLOB(a->key, 20),
			    DB_BLOB(a->key + 20, 20), DB_BLOB(a->key + 40, 20));
		case SYNC_T_BALANCE:
			return DB_EXEC(db, del[a->target], DB_U64(chain_id), DB_BLOB(a->key, 20),
			    DB_BLOB(a->key + 20, 20));
		default:
			return DB_EXEC(db, del[a->target], DB_U64(chain_id), DB_BLOB(a->key, 20));
		}
	}
	jt_init(&j, db, put_stmts[a->target], chain_id);
	jt_row(&j);
	jt_hex(&j, a->key, a->keylen);
	(void)jt_val(&j, &a->val);
	jt_u64(&j, a->updated_block);
	jt_end(&j);
	return jt_finish(&j);
}

static enum cb_err
rollback_txn(struct db *db, void *arg)
{
	static const unsigned deletes[] = {
		ST_SYNC_DEL_BLOCKS, ST_SYNC_DEL_TXS, ST_SYNC_DEL_LOGS, ST_SYNC_DEL_TRANSFERS,
		ST_SYNC_DEL_APPROVALS, ST_SYNC_DEL_STAKES, ST_SYNC_DEL_UNSTAKES,
		ST_SYNC_DEL_CLAIMS, ST_SYNC_DEL_UNDO,
	};
	struct rollback *rb = arg;
	uint64_t chain_id = rb->cd->chain->chain_id, oversize = 0, first;
	/* Above "nothing" is every block: block_number > -1. */
	struct db_param above = rb->have_ancestor ? DB_U64(rb->ancestor) : DB_I64(-1);
	struct sync_map m;
	struct db_row row;
	enum cb_err rc;
	size_t i;
	int r;

	if ((rc = lease_fence(db, &rb->cd->lease)) != CB_OK ||
	    (rc = ckpt_check(db, chain_id, rb->ck)) != CB_OK)
		return rc;
	sync_map_init(&m);
	if ((rc = DB_EXEC(db, ST_SYNC_UNDO_READ, DB_U64(chain_id), above)) != CB_OK)
		return rc;
	/* Oldest first: the first record of a row is its state before all
	 * the rolled-back blocks. */
	while ((r = db_fetch(db, ST_SYNC_UNDO_READ, &row)) == 1) {
		enum sync_target t;
		uint64_t exists;
		const uint8_t *key;
		size_t k, keylen;
		struct sync_agg *a;

		if (row.ncols != SYNC_UNDO_COL__MAX || row.val[SYNC_UNDO_COL_TARGET] == NULL ||
		    (t = sync_target_parse(row.val[SYNC_UNDO_COL_TARGET],
		    row.len[SYNC_UNDO_COL_TARGET])) == SYNC_T__MAX ||
		    row.len[SYNC_UNDO_COL_ROW_KEY] > SYNC_KEY_MAX ||
		    !db_col_u64(&row, SYNC_UNDO_COL_EXISTS, &exists)) {
			r = -1;
			break;
		}
		key = (const uint8_t *)row.val[SYNC_UNDO_COL_ROW_KEY];
		keylen = row.len[SYNC_UNDO_COL_ROW_KEY];
		if (sync_map_find(&m, t, key, keylen, false) != SIZE_MAX)
			continue;
		k = sync_map_find(&m, t, key, keylen, true);
		if (k == SIZE_MAX) {
			rc = CB_ERR_NOMEM;
			break;
		}
		a = &m.aggs[k];
		a->exists = exists != 0;
		if (a->exists && (!row_val(&row, SYNC_UNDO_COL_VALUE, &a->val) ||
		    !db_col_u64(&row, SYNC_UNDO_COL_UPDATED_BLOCK, &a->updated_block))) {
			r = -1;
			break;
		}
	}
	db_done(db, ST_SYNC_UNDO_READ);
	if (rc == CB_OK && r < 0)
		rc = CB_ERR_DB;
	for (i = 0; rc == CB_OK && i < m.count; i++)
		rc = restore_row(db, chain_id, &m.aggs[i]);
	sync_map_free(&m);
	if (rc != CB_OK)
		return rc;
	rc = DB_EXEC(db, ST_SYNC_OVERSIZE_ABOVE, DB_U64(chain_id), above, DB_U64(chain_id), above,
	    DB_U64(chain_id), above, DB_U64(chain_id), above, DB_U64(chain_id), above,
	    DB_U64(chain_id), above);
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_SYNC_OVERSIZE_ABOVE, &row);
	if (r == 1 && !db_col_u64(&row, SCALAR_COL_VALUE, &oversize))
		r = -1;
	db_done(db, ST_SYNC_OVERSIZE_ABOVE);
	if (r != 1)
		return CB_ERR_DB;
	for (i = 0; i < sizeof(deletes) / sizeof(deletes[0]); i++)
		if ((rc = DB_EXEC(db, deletes[i], DB_U64(chain_id), above)) != CB_OK)
			return rc;
	first = rb->have_ancestor ? rb->ancestor + 1 : rb->cd->chain->start_block;
	rc = DB_EXEC(db, ST_SYNC_CKPT_REWIND,
	    rb->have_ancestor ? DB_U64(rb->ancestor) : DB_NULL(),
	    rb->have_ancestor ? DB_BLOB(rb->ancestor_hash, 32) : DB_NULL(),
	    DB_U64(rb->ck->last_block + 1 - first), DB_U64(first),
	    DB_U64(oversize), DB_U64(chain_id));
	if (rc != CB_OK)
		return rc;
	/* Crash tests stop here: rows restored and deleted, not committed. */
	failpoint("sync_rollback");
	return CB_OK;
}

enum cb_err
sync_store_rollback(struct chaind *cd, const struct sync_ckpt *ck, bool have_ancestor,
    uint64_t ancestor, const uint8_t ancestor_hash[32])
{
	struct rollback rb = { cd, ck, have_ancestor, ancestor, ancestor_hash };

	/* The rows change under the cache. */
	if (cd->sync != NULL)
		sync_store_cache_clear(cd->sync);
	return db_txn(cd->db, rollback_txn, &rb);
}
