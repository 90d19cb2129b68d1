/*
 * staking.c - the staking pools of one chain as the chain daemon synced
 * them (docs/api.md, "Staking"):
 *
 *	GET /api/v1/staking/{chain_id}/total?pool=
 *	GET /api/v1/staking/{chain_id}/stakes/{stake_id}
 *	GET /api/v1/staking/{chain_id}/users/{address}/stakes?active=&pool=&limit=&cursor=
 *	GET /api/v1/staking/{chain_id}/users/{address}/claims?pool=&limit=&cursor=
 *	GET /api/v1/staking/{chain_id}/users/{address}/rewards?pool=
 *
 * Pools are the rows of staking_pools (chainbridge-admin staking add).  A
 * stake id is "<chain_id>:<tx hash>:<log index>", the tx hash as 0x + 64
 * hex digits and the log index of the Staked event in decimal.  Rewards
 * are replayed exactly from the stored events by the pool's rule
 * (stake_rewards.h) at the timestamp of the chain's last synced block.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "chainread.h"
#include "core/hex.h"
#include "ledger.h"
#include "stake_rewards.h"
#include "store/stmts.h"
#include "worker.h"

/* Pools of one chain handled by one request. */
#define STAKING_POOLS_MAX	64
/* Events of one user in one pool replayed by one rewards request. */
#define STAKING_EVENTS_MAX	100000
/* The only reward rule the pools have (contracts/StakingPool.sol). */
#define STAKING_RULE		"per_hour_rate"

struct staking_pool {
	struct address	 address;
	char		 symbol[TOKEN_SYMBOL_MAX + 1];
	unsigned	 decimals;
	char		 rule[33];
	u256		 rate;
};

/* The optional pool query parameter as two statement parameters. */
struct staking_filter {
	bool		 have_pool;
	struct address	 pool;
};

#define POOL_PARAMS(f) \
	((f)->have_pool ? DB_BLOB((f)->pool.bytes, ADDRESS_LEN) : DB_NULL()), \
	((f)->have_pool ? DB_BLOB((f)->pool.bytes, ADDRESS_LEN) : DB_NULL())

/* The {address} path parameter (params[1]) and the pool filter. */
static int
staking_user_or_reply(struct req *req, struct resp *resp, struct address *user,
    struct staking_filter *f)
{
	int status;

	if ((status = cr_address_or_reply(resp, req->params[1], req->param_len[1], "address",
	    user)) != 0)
		return status;
	return cr_query_address_or_reply(req, resp, "pool", &f->pool, &f->have_pool);
}

/* Adds "key": the checksummed address. */
static void
staking_json_address(json_object *obj, const char *key, const struct address *a)
{
	char text[ADDRESS_STR_SIZE];

	address_to_checksum(a, text);
	json_object_object_add(obj, key, json_object_new_string(text));
}

/* Adds "key"/"key_raw" from a non-negative DECIMAL column; false if bad. */
static bool
staking_json_amount(json_object *obj, const char *key, const struct db_row *row,
    unsigned col, unsigned decimals)
{
	u256 v;

	if (!cr_value_from_row(row->val[col], row->len[col], NULL, 0, &v))
		return false;
	cr_json_u256(obj, key, &v, decimals);
	return true;
}

/* ------------------------------------------------------------------- total */

int
h_staking_total(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct staking_filter f = { 0 };
	struct cr_checkpoint cp;
	struct db_row row;
	json_object *doc, *pools, *e;
	uint64_t chain_id, decimals;
	u256 staked, unstaked, total;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0 ||
	    (status = cr_query_address_or_reply(req, resp, "pool", &f.pool, &f.have_pool)) != 0)
		return status;
	if ((rc = DB_EXEC(db, ST_STAKING_TOTALS, DB_U64(chain_id), POOL_PARAMS(&f))) != CB_OK)
		return http_internal_error(resp, "staking_total", rc);
	doc = json_object_new_object();
	json_object_object_add(doc, "chain_id", json_object_new_uint64(chain_id));
	json_object_object_add(doc, "block", cp.has_last ?
	    json_object_new_uint64(cp.last_block) : NULL);
	pools = json_object_new_array();
	json_object_object_add(doc, "pools", pools);
	/* pool, symbol, decimals, sum staked, sum unstaked, stakers */
	while ((r = db_fetch(db, ST_STAKING_TOTALS, &row)) == 1) {
		if (!db_col_u64(&row, 2, &decimals) || decimals > AMOUNT_DECIMALS_MAX ||
		    !cr_value_from_row(row.val[3], row.len[3], NULL, 0, &staked) ||
		    !cr_value_from_row(row.val[4], row.len[4], NULL, 0, &unstaked)) {
			r = -1;
			break;
		}
		/* More unstaked than staked means events are missing: show 0. */
		if (u256_sub(&total, &staked, &unstaked) != 0)
			u256_zero(&total);
		e = json_object_new_object();
		ledger_json_address(e, "pool", row.val[0], row.len[0]);
		ledger_json_str(e, "token_symbol", row.val[1], row.len[1]);
		cr_json_u256(e, "total_staked", &total, (unsigned)decimals);
		ledger_json_u64(e, "stakers", &row, 5);
		json_object_array_add(pools, e);
	}
	db_done(db, ST_STAKING_TOTALS);
	if (r < 0)
		status = http_internal_error(resp, "staking_total", CB_ERR_DB);
	else
		status = http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}

/* ------------------------------------------------------------------ stakes */

/* A stake object from a STAKE_COLS row; NULL when the row is malformed. */
static json_object *
staking_stake_json(uint64_t chain_id, const struct db_row *row, bool have_confirmed,
    uint64_t confirmed, struct cr_pos *pos)
{
	json_object *e;
	uint64_t decimals, ts;
	u256 remaining;
	char id[32 + CR_HASH_STR_SIZE];

	/* 0 tx hash, 1 log_index, 2 pool, 3 user, 4 amount, 5 remaining,
	 * 6 staked_at, 7 block, 8 symbol, 9 decimals */
	if (!db_col_u64(row, 1, &pos->index) || !db_col_u64(row, 7, &pos->block) ||
	    !db_col_u64(row, 6, &ts) || !db_col_u64(row, 9, &decimals) ||
	    decimals > AMOUNT_DECIMALS_MAX || row->val[0] == NULL || row->len[0] != 64 ||
	    !cr_value_from_row(row->val[5], row->len[5], NULL, 0, &remaining))
		return NULL;
	e = json_object_new_object();
	snprintf(id, sizeof(id), "%" PRIu64 ":0x%s:%" PRIu64, chain_id, row->val[0],
	    pos->index);
	json_object_object_add(e, "stake_id", json_object_new_string(id));
	ledger_json_address(e, "pool", row->val[2], row->len[2]);
	ledger_json_str(e, "token_symbol", row->val[8], row->len[8]);
	ledger_json_address(e, "user", row->val[3], row->len[3]);
	if (!staking_json_amount(e, "amount", row, 4, (unsigned)decimals)) {
		json_object_put(e);
		return NULL;
	}
	cr_json_u256(e, "remaining", &remaining, (unsigned)decimals);
	json_object_object_add(e, "active", json_object_new_boolean(!u256_is_zero(&remaining)));
	json_object_object_add(e, "block", json_object_new_uint64(pos->block));
	cr_json_hash(e, "tx_hash", row->val[0], row->len[0]);
	json_object_object_add(e, "log_index", json_object_new_uint64(pos->index));
	cr_json_time(e, ts);
	json_object_object_add(e, "confirmed",
	    json_object_new_boolean(have_confirmed && pos->block <= confirmed));
	return e;
}

/*
 * Parses a stake id "<chain_id>:<0x + 64 hex>:<log index>" of chain_id.
 * Returns 0 or the 400 invalid_stake_id it answered with.
 */
static int
staking_stake_id_or_reply(struct resp *resp, const char *s, size_t n, uint64_t chain_id,
    uint8_t hash[32], uint64_t *log_index)
{
	const char *c1, *c2;
	uint64_t id_chain;
	struct json_verr err;

	c1 = memchr(s, ':', n);
	c2 = c1 != NULL ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s)) : NULL;
	if (c1 == NULL || c2 == NULL ||
	    !cr_parse_u64(s, (size_t)(c1 - s), CR_CHAIN_ID_MAX, &id_chain) ||
	    id_chain != chain_id || c2 - c1 - 1 != 66 || c1[1] != '0' || c1[2] != 'x' ||
	    hex_decode_exact(hash, 32, c1 + 3, 64) != 0 ||
	    !cr_parse_u64(c2 + 1, n - (size_t)(c2 + 1 - s), CR_INDEX_MAX, log_index)) {
		json_verr_set(&err, "stake_id", "invalid_stake_id",
		    "a stake id is <chain_id>:<0x + 64 hex tx hash>:<log index>, on the"
		    " chain of the path");
		return http_error_verr(resp, &err);
	}
	return 0;
}

int
h_staking_stake(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct cr_checkpoint cp;
	struct cr_pos pos;
	struct db_row row;
	json_object *doc = NULL;
	uint64_t chain_id, log_index, confirmed;
	uint8_t hash[32];
	bool have_confirmed;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0 ||
	    (status = staking_stake_id_or_reply(resp, req->params[1], req->param_len[1],
	    chain_id, hash, &log_index)) != 0)
		return status;
	have_confirmed = cr_confirmed_block(req->w->cfg, chain_id, &cp, &confirmed);
	if ((rc = DB_EXEC(db, ST_STAKING_STAKE_GET, DB_U64(chain_id), DB_BLOB(hash, 32),
	    DB_U64(log_index))) != CB_OK)
		return http_internal_error(resp, "staking_stake", rc);
	r = db_fetch(db, ST_STAKING_STAKE_GET, &row);
	if (r == 1)
		doc = staking_stake_json(chain_id, &row, have_confirmed, confirmed, &pos);
	db_done(db, ST_STAKING_STAKE_GET);
	if (r == 0)
		return cr_not_found(resp, "stake_not_found", "no such stake is synced",
		    "stake_id", req->params[1], req->param_len[1]);
	if (doc == NULL)
		return http_internal_error(resp, "staking_stake", CB_ERR_DB);
	json_object_object_add(doc, "chain_id", json_object_new_uint64(chain_id));
	status = http_json(resp, 200, doc);
	json_object_put(doc);
	return status;
}

/* Starts a user list answer: {chain_id, address, <key>: []}. */
static json_object *
staking_list_doc(uint64_t chain_id, const struct address *user, const char *key,
    json_object **list)
{
	json_object *doc = json_object_new_object();

	json_object_object_add(doc, "chain_id", json_object_new_uint64(chain_id));
	staking_json_address(doc, "address", user);
	*list = json_object_new_array();
	json_object_object_add(doc, key, *list);
	return doc;
}

int
h_staking_user_stakes(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct staking_filter f = { 0 };
	struct cr_checkpoint cp;
	struct cr_page page;
	struct cr_pos before, last = { 0, 0 };
	struct address user;
	struct db_row row;
	struct json_verr err;
	json_object *doc, *list, *e;
	uint64_t chain_id, confirmed, mode = 0;
	const char *s;
	size_t n;
	unsigned count = 0;
	bool have_confirmed, more = false;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0 ||
	    (status = staking_user_or_reply(req, resp, &user, &f)) != 0 ||
	    (status = cr_page_or_reply(req, resp, &page)) != 0)
		return status;
	if (req_query(req, "active", &s, &n)) {
		if (n == 4 && memcmp(s, "true", 4) == 0) {
			mode = 1;
		} else if (n == 5 && memcmp(s, "false", 5) == 0) {
			mode = 2;
		} else {
			json_verr_set(&err, "active", "invalid_active", "active must be true or false");
			return http_error_verr(resp, &err);
		}
	}
	have_confirmed = cr_confirmed_block(req->w->cfg, chain_id, &cp, &confirmed);
	before.block = CR_BLOCK_MAX + 1;
	before.index = 0;
	if (page.have_cursor)
		before = page.cursor;
	if ((rc = DB_EXEC(db, ST_STAKING_USER_STAKES, DB_BLOB(user.bytes, ADDRESS_LEN),
	    DB_U64(chain_id), POOL_PARAMS(&f), DB_U64(mode), DB_U64(mode), DB_U64(mode),
	    DB_U64(before.block), DB_U64(before.block), DB_U64(before.index),
	    DB_U64((uint64_t)page.limit + 1))) != CB_OK)
		return http_internal_error(resp, "staking_user_stakes", rc);
	doc = staking_list_doc(chain_id, &user, "stakes", &list);
	while ((r = db_fetch(db, ST_STAKING_USER_STAKES, &row)) == 1) {
		if (count == page.limit) {
			more = true;
			continue;
		}
		if ((e = staking_stake_json(chain_id, &row, have_confirmed, confirmed,
		    &last)) == NULL) {
			r = -1;
			break;
		}
		json_object_array_add(list, e);
		count++;
	}
	db_done(db, ST_STAKING_USER_STAKES);
	if (r < 0) {
		status = http_internal_error(resp, "staking_user_stakes", CB_ERR_DB);
	} else {
		cr_json_next_cursor(doc, more, &last);
		status = http_json(resp, 200, doc);
	}
	json_object_put(doc);
	return status;
}

/* A claim object from an ST_STAKING_USER_CLAIMS row; NULL when malformed. */
static json_object *
staking_claim_json(const struct db_row *row, bool have_confirmed, uint64_t confirmed,
    struct cr_pos *pos)
{
	json_object *e;
	uint64_t decimals, ts;

	/* 0 tx hash, 1 log_index, 2 pool, 3 user, 4 amount, 5 block time,
	 * 6 block, 7 symbol, 8 decimals */
	if (!db_col_u64(row, 1, &pos->index) || !db_col_u64(row, 6, &pos->block) ||
	    !db_col_u64(row, 8, &decimals) || decimals > AMOUNT_DECIMALS_MAX)
		return NULL;
	e = json_object_new_object();
	ledger_json_address(e, "pool", row->val[2], row->len[2]);
	ledger_json_str(e, "token_symbol", row->val[7], row->len[7]);
	ledger_json_address(e, "user", row->val[3], row->len[3]);
	if (!staking_json_amount(e, "amount", row, 4, (unsigned)decimals)) {
		json_object_put(e);
		return NULL;
	}
	json_object_object_add(e, "block", json_object_new_uint64(pos->block));
	cr_json_hash(e, "tx_hash", row->val[0], row->len[0]);
	json_object_object_add(e, "log_index", json_object_new_uint64(pos->index));
	if (db_col_u64(row, 5, &ts)) {
		cr_json_time(e, ts);
	} else {
		json_object_object_add(e, "timestamp", NULL);
		json_object_object_add(e, "time", NULL);
	}
	json_object_object_add(e, "confirmed",
	    json_object_new_boolean(have_confirmed && pos->block <= confirmed));
	return e;
}

int
h_staking_user_claims(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	struct staking_filter f = { 0 };
	struct cr_checkpoint cp;
	struct cr_page page;
	struct cr_pos before, last = { 0, 0 };
	struct address user;
	struct db_row row;
	json_object *doc, *list, *e;
	uint64_t chain_id, confirmed;
	unsigned count = 0;
	bool have_confirmed, more = false;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0 ||
	    (status = staking_user_or_reply(req, resp, &user, &f)) != 0 ||
	    (status = cr_page_or_reply(req, resp, &page)) != 0)
		return status;
	have_confirmed = cr_confirmed_block(req->w->cfg, chain_id, &cp, &confirmed);
	before.block = CR_BLOCK_MAX + 1;
	before.index = 0;
	if (page.have_cursor)
		before = page.cursor;
	if ((rc = DB_EXEC(db, ST_STAKING_USER_CLAIMS, DB_BLOB(user.bytes, ADDRESS_LEN),
	    DB_U64(chain_id), POOL_PARAMS(&f), DB_U64(before.block), DB_U64(before.block),
	    DB_U64(before.index), DB_U64((uint64_t)page.limit + 1))) != CB_OK)
		return http_internal_error(resp, "staking_user_claims", rc);
	doc = staking_list_doc(chain_id, &user, "claims", &list);
	while ((r = db_fetch(db, ST_STAKING_USER_CLAIMS, &row)) == 1) {
		if (count == page.limit) {
			more = true;
			continue;
		}
		if ((e = staking_claim_json(&row, have_confirmed, confirmed, &last)) == NULL) {
			r = -1;
			break;
		}
		json_object_array_add(list, e);
		count++;
	}
	db_done(db, ST_STAKING_USER_CLAIMS);
	if (r < 0) {
		status = http_internal_error(resp, "staking_user_claims", CB_ERR_DB);
	} else {
		cr_json_next_cursor(doc, more, &last);
		status = http_json(resp, 200, doc);
	}
	json_object_put(doc);
	return status;
}

/* ----------------------------------------------------------------- rewards */

/* Reads the chain's pools (filtered) into pools[]; CB_ERR_TOO_LARGE past
 * STAKING_POOLS_MAX. */
static enum cb_err
staking_pools_load(struct db *db, uint64_t chain_id, const struct staking_filter *f,
    struct staking_pool *pools, size_t *npools)
{
	struct db_row row;
	uint64_t decimals;
	enum cb_err rc;
	char text[ADDRESS_HEX_LEN + 1];
	int r;

	*npools = 0;
	if ((rc = DB_EXEC(db, ST_STAKING_POOLS, DB_U64(chain_id), POOL_PARAMS(f))) != CB_OK)
		return rc;
	/* pool, symbol, decimals, reward_rule, reward_rate, enabled, token_id */
	while ((r = db_fetch(db, ST_STAKING_POOLS, &row)) == 1) {
		struct staking_pool *p = &pools[*npools];

		if (*npools == STAKING_POOLS_MAX) {
			rc = CB_ERR_TOO_LARGE;
			break;
		}
		if (row.val[0] == NULL || row.len[0] != 40 || row.val[1] == NULL ||
		    row.len[1] > TOKEN_SYMBOL_MAX || row.val[3] == NULL ||
		    row.len[3] >= sizeof(p->rule) || !db_col_u64(&row, 2, &decimals) ||
		    decimals > AMOUNT_DECIMALS_MAX ||
		    !cr_value_from_row(row.val[4], row.len[4], NULL, 0, &p->rate)) {
			rc = CB_ERR_DB;
			break;
		}
		text[0] = '0';
		text[1] = 'x';
		memcpy(text + 2, row.val[0], 40);
		if (address_parse(text, ADDRESS_HEX_LEN, &p->address) != ADDRESS_OK) {
			rc = CB_ERR_DB;
			break;
		}
		memcpy(p->symbol, row.val[1], row.len[1] + 1);
		memcpy(p->rule, row.val[3], row.len[3] + 1);
		p->decimals = (unsigned)decimals;
		(*npools)++;
	}
	db_done(db, ST_STAKING_POOLS);
	if (r < 0)
		rc = CB_ERR_DB;
	return rc;
}

/* What replaying one pool found. */
enum staking_replay {
	REPLAY_OK = 0,
	REPLAY_OVERFLOW,	/* the contract's arithmetic would revert */
	REPLAY_UNKNOWN_RULE,	/* the pool has a rule this code does not know */
	REPLAY_TOO_MANY,	/* more than STAKING_EVENTS_MAX events */
	REPLAY_NO_TIME,		/* a claim whose block time is not stored */
};

/*
 * Replays the user's events in pool p up to block (inclusive) and
 * computes earned at time at.  Returns CB_OK with *outcome (and sr/earned
 * when REPLAY_OK or REPLAY_OVERFLOW), or a store error.
 */
static enum cb_err
staking_replay(struct db *db, uint64_t chain_id, const struct staking_pool *p,
    const struct address *user, uint64_t block, uint64_t at, struct stake_rewards *sr,
    u256 *earned, enum staking_replay *outcome)
{
	struct stake_event ev;
	struct db_row row;
	uint64_t kind, count = 0;
	enum cb_err rc, calc = CB_OK;
	int r;

	*outcome = REPLAY_OK;
	if (strcmp(p->rule, STAKING_RULE) != 0 ||
	    stake_rewards_init(sr, &p->rate, p->decimals) != CB_OK) {
		*outcome = REPLAY_UNKNOWN_RULE;
		return CB_OK;
	}
	rc = DB_EXEC(db, ST_STAKING_EVENTS,
	    DB_U64(chain_id), DB_BLOB(p->address.bytes, ADDRESS_LEN),
	    DB_BLOB(user->bytes, ADDRESS_LEN), DB_U64(block),
	    DB_U64(chain_id), DB_BLOB(p->address.bytes, ADDRESS_LEN),
	    DB_BLOB(user->bytes, ADDRESS_LEN), DB_U64(block),
	    DB_U64(chain_id), DB_BLOB(p->address.bytes, ADDRESS_LEN),
	    DB_BLOB(user->bytes, ADDRESS_LEN), DB_U64(block),
	    DB_U64((uint64_t)STAKING_EVENTS_MAX + 1));
	if (rc != CB_OK)
		return rc;
	/* kind, amount, timestamp, block, log index */
	while ((r = db_fetch(db, ST_STAKING_EVENTS, &row)) == 1) {
		if (++count > STAKING_EVENTS_MAX) {
			*outcome = REPLAY_TOO_MANY;
			break;
		}
		if (!db_col_u64(&row, 0, &kind) ||
		    !cr_value_from_row(row.val[1], row.len[1], NULL, 0, &ev.amount)) {
			rc = CB_ERR_DB;
			break;
		}
		if (!db_col_u64(&row, 2, &ev.timestamp)) {
			*outcome = REPLAY_NO_TIME;
			break;
		}
		ev.kind = (enum stake_event_kind)kind;
		if (calc == CB_OK)
			calc = stake_rewards_apply(sr, &ev);
	}
	db_done(db, ST_STAKING_EVENTS);
	if (r < 0)
		return CB_ERR_DB;
	if (rc != CB_OK || *outcome != REPLAY_OK)
		return rc;
	if (calc == CB_ERR_INVALID)
		return CB_ERR_DB;
	if (calc == CB_OK)
		calc = stake_rewards_earned(sr, at, earned);
	if (calc != CB_OK)
		*outcome = REPLAY_OVERFLOW;
	return CB_OK;
}

/* 503 sync_unavailable: the data needed is not synced (yet). */
static int
staking_not_synced(struct resp *resp, const char *message)
{
	int status = http_error(resp, 503, "sync_unavailable", message, NULL);

	resp->retry_after = HTTP_RETRY_AFTER;
	return status;
}

int
h_staking_user_rewards(struct req *req, struct resp *resp)
{
	static struct staking_pool pools[STAKING_POOLS_MAX];
	struct db *db = req->w->db;
	struct staking_filter f = { 0 };
	struct cr_checkpoint cp;
	struct stake_rewards sr;
	enum staking_replay outcome;
	struct address user;
	struct db_row row;
	json_object *doc = NULL, *list, *e, *d;
	uint64_t chain_id, block = 0, at = 0;
	size_t npools, i;
	bool have_time = false;
	u256 earned;
	enum cb_err rc;
	int status, r;

	if ((status = cr_chain_or_reply(req, resp, &chain_id, &cp)) != 0 ||
	    (status = staking_user_or_reply(req, resp, &user, &f)) != 0)
		return status;
	/* The reference: the last synced block and its timestamp. */
	if ((rc = DB_EXEC(db, ST_STAKING_SYNCED, DB_U64(chain_id))) != CB_OK)
		return http_internal_error(resp, "staking_rewards", rc);
	r = db_fetch(db, ST_STAKING_SYNCED, &row);
	if (r == 1 && db_col_u64(&row, 0, &block))
		have_time = db_col_u64(&row, 1, &at);
	db_done(db, ST_STAKING_SYNCED);
	if (r < 0)
		return http_internal_error(resp, "staking_rewards", CB_ERR_DB);
	if (!have_time)
		return staking_not_synced(resp,
		    "the chain's last synced block and its timestamp are not stored yet");
	if ((rc = staking_pools_load(db, chain_id, &f, pools, &npools)) != CB_OK)
		return http_internal_error(resp, "staking_pools", rc);
	doc = json_object_new_object();
	json_object_object_add(doc, "chain_id", json_object_new_uint64(chain_id));
	staking_json_address(doc, "address", &user);
	json_object_object_add(doc, "block", json_object_new_uint64(block));
	cr_json_time(doc, at);
	list = json_object_new_array();
	json_object_object_add(doc, "rewards", list);
	for (i = 0; i < npools; i++) {
		const struct staking_pool *p = &pools[i];

		if ((rc = staking_replay(db, chain_id, p, &user, block, at, &sr, &earned,
		    &outcome)) != CB_OK) {
			status = http_internal_error(resp, "staking_rewards", rc);
			goto out;
		}
		if (outcome == REPLAY_NO_TIME) {
			status = staking_not_synced(resp,
			    "the block time of one of the user's claims is not stored yet");
			goto out;
		}
		if (outcome == REPLAY_TOO_MANY) {
			d = json_object_new_object();
			staking_json_address(d, "pool", &p->address);
			json_object_object_add(d, "max_events",
			    json_object_new_uint64(STAKING_EVENTS_MAX));
			status = http_error(resp, 422, "too_many_events",
			    "the user has more staking events in this pool than one request"
			    " replays", d);
			json_object_put(d);
			goto out;
		}
		e = json_object_new_object();
		staking_json_address(e, "pool", &p->address);
		json_object_object_add(e, "token_symbol", json_object_new_string(p->symbol));
		json_object_object_add(e, "reward_rule", json_object_new_string(p->rule));
		if (outcome == REPLAY_UNKNOWN_RULE) {
			cr_json_u256_null(e, "earned");
			cr_json_u256_null(e, "staked");
			cr_json_u256_null(e, "claimed");
			json_object_object_add(e, "consistent", NULL);
		} else {
			if (outcome == REPLAY_OK)
				cr_json_u256(e, "earned", &earned, p->decimals);
			else
				cr_json_u256_null(e, "earned");
			cr_json_u256(e, "staked", &sr.staked, p->decimals);
			cr_json_u256(e, "claimed", &sr.claimed, p->decimals);
			json_object_object_add(e, "consistent",
			    json_object_new_boolean(sr.consistent));
		}
		json_object_array_add(list, e);
	}
	status = http_json(resp, 200, doc);
out:
	json_object_put(doc);
	return status;
}
