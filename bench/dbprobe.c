/*
 * dbprobe.c - the raw durable MariaDB ceiling of the ledger's writes.
 *
 * N threads, each with its own connection (the API's workers each own one),
 * run for a fixed time the statements chainbridge-api sends to the store
 * for a POST /api/v1/balance/adjust with one adjustment of +1 whole token
 * under reason "reward" and no Idempotency-Key, in the same order, through
 * the same db_txn().  With -r ROWS (more than one) they send instead what
 * a POST /api/v1/rewards/distribute of +1 to ROWS distinct users does
 * (operation kind "reward" with its context, each change with the
 * reward's metadata):
 *
 *   ST_APIKEY_BY_PREFIX       auth: the key row by prefix, hash compared
 *                             (skipped with -A)
 *   ST_LEDGER_PENDING_STATS   settlement outlook, autocommit (skipped with -S)
 *   BEGIN
 *   ST_LEDGER_LOCK_BALANCES   the balance rows, FOR UPDATE, in key order
 *   ST_LEDGER_CREATE_BALANCES + ST_LEDGER_LOCK_BALANCES  only when missing
 *   ST_LEDGER_OP_INSERT
 *   ST_LEDGER_CHANGES_INSERT
 *   ST_LEDGER_BALANCES_UPSERT
 *   COMMIT
 *
 * Users are drawn uniformly from PREFIX0 .. PREFIX(U-1); a transaction of
 * several rows takes a window of ROWS consecutive ones, each thread its own
 * sequence of windows.  Token, strategy and API key are read once at start
 * (the API caches them per worker).
 * Only transactions that complete inside the measured window count; their
 * latencies go into a log-linear histogram (about 3 % resolution).  The
 * last line of the output is "dbprobe key=value ..." for scripts.
 *
 * The key for the auth step comes from the environment (CHAINBRIDGE_BENCH_KEY),
 * never from the command line.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/monotime.h"
#include "money/amount.h"
#include "store/apikey.h"
#include "core/buf.h"
#include "core/conf.h"
#include "store/db.h"
#include "core/err.h"
#include "core/log.h"
#include "store/registry.h"
#include "store/stmts.h"
#include "store/store.h"
#include "core/uuid.h"

#define PROBE_THREADS_MAX	512
#define PROBE_USER_MAX		64	/* bytes of a generated user id */
#define PROBE_PREFIX_MAX	32
#define PROBE_ROWS_MAX		65535	/* balance_changes.position is SMALLINT */
#define PROBE_JSON_MAX		(64u << 20)	/* bytes of one statement payload */
/* Histogram: values below 2^(PROBE_SUB_BITS + 1) us are exact; above,
 * each power of two is split in 2^PROBE_SUB_BITS linear steps. */
#define PROBE_SUB_BITS		5
#define PROBE_SUB		(1u << PROBE_SUB_BITS)
#define PROBE_EXP_MAX		40	/* up to 2^40 us, about 12 days */
#define PROBE_BUCKETS		(2 * PROBE_SUB + (PROBE_EXP_MAX - PROBE_SUB_BITS) * PROBE_SUB)
#define PROBE_DETAIL		"bench"
#define PROBE_REASON		"reward"
/* What rewards.c stores for {"activity_id":"bench","reward_type":"bench"}. */
#define PROBE_REWARD_DETAIL	"bench/bench"
#define PROBE_REWARD_META	"{\"activity_id\":\"bench\",\"reward_type\":\"bench\"}"
#define PROBE_KEY_ENV		"CHAINBRIDGE_BENCH_KEY"

enum probe_phase {
	PROBE_WARMUP = 0,
	PROBE_MEASURE,
	PROBE_STOP,
};

struct probe_opts {
	const char	*conf_path;
	uint32_t	 api_key_id;
	const char	*symbol;
	unsigned	 threads;
	unsigned	 duration;	/* s */
	unsigned	 warmup;	/* s */
	uint64_t	 users;
	unsigned	 rows;		/* changes per transaction */
	const char	*prefix;
	bool		 auth;		/* look the API key up per transaction */
	bool		 stats;		/* run ST_LEDGER_PENDING_STATS */
};

/* What every thread shares, read-only once the threads run. */
struct probe_shared {
	const struct probe_opts	*opts;
	struct token		 token;
	struct strategy		 strategy;
	struct amount		 delta;		/* +1 whole token, base units */
	char			 prio_json[512];
	char			 context[256];	/* operations.context of a reward */
	char			 key_prefix[APIKEY_PREFIX_LEN + 1];
	uint8_t			 key_hash[32];
	_Atomic int		 phase;
};

struct probe_row {
	char		 user[PROBE_USER_MAX];
	size_t		 len;
	bool		 found;
	struct amount	 confirmed, before, after;
};

struct probe_thread {
	pthread_t		 tid;
	struct probe_shared	*sh;
	struct db		*db;
	unsigned		 index;		/* 0 .. threads - 1 */
	uint64_t		 seq;		/* requests picked so far */
	uint64_t		 rng;
	uint64_t		 done;		/* measured commits */
	uint64_t		 created;	/* balance rows created by measured commits */
	uint64_t		 errors;	/* failed transactions (any time) */
	uint64_t		 deadlocks;	/* given up after db_txn's retries */
	uint64_t		 auth_fail;
	char			 last_error[160];
	uint64_t		 hist[PROBE_BUCKETS];
	/* the transaction in progress */
	struct probe_row	*rows;		/* request order */
	size_t			*sorted;	/* rows by primary key: the lock order */
	size_t			 created_now;	/* rows created by this attempt */
	struct buf		 keys_json;	/* sorted [[user, token], ...] */
	struct buf		 scratch;
};

/* xorshift64*: cheap per-thread randomness for picking users. */
static uint64_t
probe_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static unsigned
probe_bucket(uint64_t us)
{
	unsigned exp;

	if (us < 2 * PROBE_SUB)
		return (unsigned)us;
	exp = 63u - (unsigned)__builtin_clzll(us);	/* >= PROBE_SUB_BITS + 1 */
	if (exp >= PROBE_EXP_MAX)
		return PROBE_BUCKETS - 1;
	return 2 * PROBE_SUB + (exp - PROBE_SUB_BITS - 1) * PROBE_SUB +
	    (unsigned)((us >> (exp - PROBE_SUB_BITS)) & (PROBE_SUB - 1));
}

/* The upper bound in microseconds of the values in bucket b. */
static uint64_t
probe_bucket_high(unsigned b)
{
	unsigned exp, sub;

	if (b < 2 * PROBE_SUB)
		return b;
	exp = (b - 2 * PROBE_SUB) / PROBE_SUB + PROBE_SUB_BITS + 1;
	sub = (b - 2 * PROBE_SUB) % PROBE_SUB;
	return ((uint64_t)(PROBE_SUB + sub + 1) << (exp - PROBE_SUB_BITS)) - 1;
}

/* The q-th per mille of the histogram, in microseconds (0 when empty). */
static uint64_t
probe_percentile(const uint64_t *hist, uint64_t total, unsigned permille)
{
	uint64_t rank, seen = 0;
	unsigned b;

	if (total == 0)
		return 0;
	rank = (total * permille + 999) / 1000;
	if (rank == 0)
		rank = 1;
	for (b = 0; b < PROBE_BUCKETS; b++) {
		seen += hist[b];
		if (seen >= rank)
			return probe_bucket_high(b);
	}
	return probe_bucket_high(PROBE_BUCKETS - 1);
}

static bool
probe_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool
probe_prefix_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > PROBE_PREFIX_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* The auth step: the same look-up and comparison as auth.c's. */
static enum cb_err
probe_auth(struct probe_thread *t)
{
	struct probe_shared *sh = t->sh;
	struct db_row row;
	enum cb_err rc;
	int fr;

	rc = DB_EXEC(t->db, ST_APIKEY_BY_PREFIX, DB_CSTR(sh->key_prefix));
	if (rc != CB_OK)
		return rc;
	fr = db_fetch(t->db, ST_APIKEY_BY_PREFIX, &row);
	if (fr < 0)
		rc = CB_ERR_DB;
	else if (fr == 0 || row.ncols != 3 || row.val[1] == NULL || row.len[1] != 32 ||
	    !apikey_hash_equal(sh->key_hash, (const uint8_t *)row.val[1]))
		rc = CB_ERR_NOT_FOUND;
	db_done(t->db, ST_APIKEY_BY_PREFIX);
	return rc;
}

/* ST_LEDGER_PENDING_STATS with the strategy's values, result read. */
static enum cb_err
probe_stats(struct probe_thread *t)
{
	struct probe_shared *sh = t->sh;
	struct db_row row;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(t->db, ST_LEDGER_PENDING_STATS, DB_CSTR(sh->prio_json),
	    DB_U64(sh->token.id), DB_U64((uint64_t)sh->strategy.max_batch_size + 1));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(t->db, ST_LEDGER_PENDING_STATS, &row);
	if (r != 1 || row.ncols < 5)
		rc = CB_ERR_DB;
	db_done(t->db, ST_LEDGER_PENDING_STATS);
	return rc;
}

/* The API's lock order (ledger.c): user_id bytewise, shorter first on a
 * common prefix; one token, so the token id never decides. */
static int
probe_row_cmp(const struct probe_row *x, const struct probe_row *y)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->user, y->user, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* qsort_r's comparator over indices into the rows (arg). */
static int
probe_sorted_cmp(const void *a, const void *b, void *arg)
{
	const struct probe_row *rows = arg;

	return probe_row_cmp(&rows[*(const size_t *)a], &rows[*(const size_t *)b]);
}

/* The row of user (len bytes), by binary search in the lock order. */
static struct probe_row *
probe_row_find(struct probe_thread *t, const char *user, size_t len)
{
	const struct probe_row *rows = t->rows;
	size_t lo = 0, hi = t->sh->opts->rows, mid;
	struct probe_row key;
	int c;

	if (len >= sizeof(key.user))
		return NULL;
	memcpy(key.user, user, len);
	key.len = len;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = probe_row_cmp(&key, &rows[t->sorted[mid]]);
		if (c == 0)
			return &t->rows[t->sorted[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Appends ["user",token] to b. */
static enum cb_err
probe_key_json(struct buf *b, const struct probe_row *r, uint32_t token_id)
{
	return buf_printf(b, "[\"%.*s\",%" PRIu32 "]", (int)r->len, r->user, token_id);
}

/*
 * Picks the users of the next request (one at random, or ROWS consecutive
 * ones from a random start) and builds the sorted key array.
 */
static enum cb_err
probe_pick(struct probe_thread *t)
{
	const struct probe_opts *o = t->sh->opts;
	uint64_t windows = o->users / o->rows, first;
	size_t i;
	enum cb_err rc;

	/* Several rows: thread k takes windows k, k + N, k + 2N, ... so the
	 * transactions in flight together touch different users, as
	 * distribute.lua's requests do. */
	if (o->rows == 1)
		first = probe_rand(&t->rng) % o->users;
	else
		first = (t->index + t->seq++ * o->threads) % windows * o->rows;

	for (i = 0; i < o->rows; i++) {
		struct probe_row *r = &t->rows[i];

		r->len = (size_t)snprintf(r->user, sizeof(r->user), "%s%" PRIu64, o->prefix,
		    (first + i) % o->users);
		t->sorted[i] = i;
	}
	qsort_r(t->sorted, o->rows, sizeof(*t->sorted), probe_sorted_cmp, t->rows);
	buf_reset(&t->keys_json);
	if ((rc = buf_putc(&t->keys_json, '[')) != CB_OK)
		return rc;
	for (i = 0; i < o->rows; i++) {
		if ((i > 0 && (rc = buf_putc(&t->keys_json, ',')) != CB_OK) ||
		    (rc = probe_key_json(&t->keys_json, &t->rows[t->sorted[i]],
		    t->sh->token.id)) != CB_OK)
			return rc;
	}
	return buf_putc(&t->keys_json, ']');
}

/* ST_LEDGER_LOCK_BALANCES over the keys; *found counts the rows back. */
static enum cb_err
probe_lock(struct probe_thread *t, size_t *found)
{
	struct probe_row *r;
	struct db_row row;
	enum cb_err rc;
	int fr;

	*found = 0;
	rc = DB_EXEC(t->db, ST_LEDGER_LOCK_BALANCES, DB_STR(t->keys_json.data, t->keys_json.len));
	if (rc != CB_OK)
		return rc;
	while ((fr = db_fetch(t->db, ST_LEDGER_LOCK_BALANCES, &row)) == 1) {
		if (row.ncols < 4 || row.val[0] == NULL || row.val[2] == NULL ||
		    row.val[3] == NULL ||
		    (r = probe_row_find(t, row.val[0], row.len[0])) == NULL ||
		    amount_from_db(&r->confirmed, row.val[2], row.len[2]) != 0 ||
		    amount_from_db(&r->before, row.val[3], row.len[3]) != 0) {
			rc = CB_ERR_DB;
			break;
		}
		if (!r->found)
			(*found)++;
		r->found = true;
	}
	if (fr < 0)
		rc = CB_ERR_DB;
	db_done(t->db, ST_LEDGER_LOCK_BALANCES);
	return rc;
}

/* Locks every row of the request, creating the missing ones first. */
static enum cb_err
probe_lock_all(struct probe_thread *t)
{
	const struct probe_opts *o = t->sh->opts;
	struct buf *b = &t->scratch;
	size_t i, k, found;
	enum cb_err rc;

	t->created_now = 0;
	for (i = 0; i < o->rows; i++)
		t->rows[i].found = false;
	if ((rc = probe_lock(t, &found)) != CB_OK || found == o->rows)
		return rc;
	buf_reset(b);
	if ((rc = buf_putc(b, '[')) != CB_OK)
		return rc;
	for (i = 0, k = 0; i < o->rows; i++) {
		const struct probe_row *r = &t->rows[t->sorted[i]];

		if (r->found)
			continue;
		if ((k++ > 0 && (rc = buf_putc(b, ',')) != CB_OK) ||
		    (rc = probe_key_json(b, r, t->sh->token.id)) != CB_OK)
			return rc;
	}
	if ((rc = buf_putc(b, ']')) != CB_OK ||
	    (rc = DB_EXEC(t->db, ST_LEDGER_CREATE_BALANCES, DB_STR(b->data, b->len))) != CB_OK)
		return rc;
	t->created_now = k;
	for (i = 0; i < o->rows; i++)
		t->rows[i].found = false;
	if ((rc = probe_lock(t, &found)) != CB_OK)
		return rc;
	return found == o->rows ? CB_OK : CB_ERR_INTERNAL;
}

/* Appends a DECIMAL(65,0) amount as a JSON string. */
static enum cb_err
probe_db_amount(struct buf *b, const struct amount *a)
{
	char text[AMOUNT_DB_MAX];
	size_t n;

	if ((n = amount_to_db(a, text, sizeof(text))) == 0)
		return CB_ERR_RANGE;
	return buf_printf(b, "\"%.*s\"", (int)n, text);
}

/* ST_LEDGER_CHANGES_INSERT with every change, in request order. */
static enum cb_err
probe_insert_changes(struct probe_thread *t, uint64_t op_id)
{
	const struct probe_shared *sh = t->sh;
	bool reward = sh->opts->rows > 1;
	struct buf *b = &t->scratch;
	size_t i;
	enum cb_err rc;

	buf_reset(b);
	if ((rc = buf_putc(b, '[')) != CB_OK)
		return rc;
	for (i = 0; i < sh->opts->rows; i++) {
		const struct probe_row *r = &t->rows[i];

		if ((i > 0 && (rc = buf_putc(b, ',')) != CB_OK) ||
		    (rc = buf_printf(b, "[%zu,\"%.*s\",%" PRIu32 ",", i, (int)r->len, r->user,
		    sh->token.id)) != CB_OK ||
		    (rc = probe_db_amount(b, &sh->delta)) != CB_OK ||
		    (rc = buf_putc(b, ',')) != CB_OK ||
		    (rc = probe_db_amount(b, &r->before)) != CB_OK ||
		    (rc = buf_putc(b, ',')) != CB_OK ||
		    (rc = probe_db_amount(b, &r->after)) != CB_OK ||
		    (rc = buf_puts(b, reward ?
		    ",\"" PROBE_REASON "\",\"" PROBE_REWARD_DETAIL "\"," PROBE_REWARD_META "]" :
		    ",\"" PROBE_REASON "\",\"" PROBE_DETAIL "\"]")) != CB_OK)
			return rc;
	}
	if ((rc = buf_putc(b, ']')) != CB_OK)
		return rc;
	rc = DB_EXEC(t->db, ST_LEDGER_CHANGES_INSERT, DB_U64(op_id), DB_STR(b->data, b->len));
	if (rc == CB_OK && db_affected(t->db, ST_LEDGER_CHANGES_INSERT) != sh->opts->rows)
		rc = CB_ERR_INTERNAL;
	return rc;
}

/* ST_LEDGER_BALANCES_UPSERT with the new pending balances, in key order. */
static enum cb_err
probe_store_balances(struct probe_thread *t)
{
	const struct probe_shared *sh = t->sh;
	struct buf *b = &t->scratch;
	size_t i;
	enum cb_err rc;

	buf_reset(b);
	if ((rc = buf_putc(b, '[')) != CB_OK)
		return rc;
	for (i = 0; i < sh->opts->rows; i++) {
		const struct probe_row *r = &t->rows[t->sorted[i]];

		if ((i > 0 && (rc = buf_putc(b, ',')) != CB_OK) ||
		    (rc = buf_printf(b, "[\"%.*s\",%" PRIu32 ",", (int)r->len, r->user,
		    sh->token.id)) != CB_OK ||
		    (rc = probe_db_amount(b, &r->after)) != CB_OK ||
		    (rc = buf_putc(b, ']')) != CB_OK)
			return rc;
	}
	if ((rc = buf_putc(b, ']')) != CB_OK)
		return rc;
	return DB_EXEC(t->db, ST_LEDGER_BALANCES_UPSERT, DB_STR(b->data, b->len));
}

/* One attempt of the write transaction (db_txn may repeat it). */
static enum cb_err
probe_txn(struct db *db, void *arg)
{
	struct probe_thread *t = arg;
	const struct probe_shared *sh = t->sh;
	bool reward = sh->opts->rows > 1;
	char op_uuid[UUID_STR_LEN + 1];
	size_t i;
	enum cb_err rc;

	if ((rc = probe_lock_all(t)) != CB_OK)
		return rc;
	for (i = 0; i < sh->opts->rows; i++)
		if (amount_add(&t->rows[i].after, &t->rows[i].before, &sh->delta) != 0)
			return CB_ERR_RANGE;
	uuid_v7(op_uuid);
	rc = DB_EXEC(db, ST_LEDGER_OP_INSERT, DB_CSTR(op_uuid), DB_U64(sh->opts->api_key_id),
	    DB_CSTR(reward ? "reward" : "adjust"), DB_NULL(), DB_CSTR("normal"),
	    reward ? DB_CSTR(sh->context) : DB_NULL(), DB_U64(sh->opts->rows));
	if (rc != CB_OK)
		return rc;
	if ((rc = probe_insert_changes(t, db_insert_id(db, ST_LEDGER_OP_INSERT))) != CB_OK)
		return rc;
	return probe_store_balances(t);
}

/* Counts a failed request and pauses a millisecond, so a store that is
 * down is not hammered. */
static void
probe_note_error(struct probe_thread *t, const char *step, enum cb_err rc)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };

	t->errors++;
	if (rc == CB_ERR_DB_RETRY)
		t->deadlocks++;
	snprintf(t->last_error, sizeof(t->last_error), "%s: %s (%u %s)", step,
	    cb_errcode(rc), db_errno(t->db), db_error(t->db));
	nanosleep(&ts, NULL);
}

static void *
probe_thread_main(void *arg)
{
	struct probe_thread *t = arg;
	struct probe_shared *sh = t->sh;
	const struct probe_opts *o = sh->opts;
	uint64_t start, end;
	enum cb_err rc;

	while (atomic_load(&sh->phase) != PROBE_STOP) {
		if ((rc = probe_pick(t)) != CB_OK) {
			probe_note_error(t, "pick", rc);
			continue;
		}
		start = monotime_us();
		if (o->auth && (rc = probe_auth(t)) != CB_OK) {
			if (rc == CB_ERR_NOT_FOUND)
				t->auth_fail++;
			probe_note_error(t, "auth", rc);
			continue;
		}
		if (o->stats && (rc = probe_stats(t)) != CB_OK) {
			probe_note_error(t, "pending_stats", rc);
			continue;
		}
		if ((rc = db_txn(t->db, probe_txn, t)) != CB_OK) {
			probe_note_error(t, "transaction", rc);
			continue;
		}
		end = monotime_us();
		/* Counted by completion time: what finished inside the window. */
		if (atomic_load(&sh->phase) == PROBE_MEASURE) {
			t->done++;
			t->created += t->created_now;
			t->hist[probe_bucket(end - start)]++;
		}
	}
	return NULL;
}

static void
probe_usage(FILE *f)
{
	fprintf(f,
	    "usage: dbprobe -c CONF -k API_KEY_ID [-t SYMBOL] [-n THREADS] [-d SECONDS]\n"
	    "               [-w SECONDS] [-u USERS] [-r ROWS] [-p USER_PREFIX] [-A] [-S]\n"
	    "  -c  chainbridge configuration file (its [database] section is used)\n"
	    "  -k  operations.api_key_id to write with (the bench key's id)\n"
	    "  -t  token symbol (CPOP)            -n  connections, one thread each (32)\n"
	    "  -d  measured seconds (10)          -w  warm-up seconds (2)\n"
	    "  -u  number of distinct users (100000)  -p  user id prefix (bench-u)\n"
	    "  -r  changes per transaction (1: an adjustment; more: a reward distribution)\n"
	    "  -A  leave out the per-request API key look-up\n"
	    "  -S  leave out the pending-settlement statistics query\n"
	    "The API key itself (for the look-up) is read from $%s.\n", PROBE_KEY_ENV);
}

static int
probe_parse_args(int argc, char **argv, struct probe_opts *o)
{
	uint64_t v;
	int ch;

	*o = (struct probe_opts){ .symbol = "CPOP", .threads = 32, .duration = 10,
	    .warmup = 2, .users = 100000, .rows = 1, .prefix = "bench-u", .auth = true,
	    .stats = true };
	while ((ch = getopt(argc, argv, "c:k:t:n:d:w:u:r:p:ASh")) != -1) {
		switch (ch) {
		case 'c':
			o->conf_path = optarg;
			break;
		case 'k':
			if (!probe_parse_u64(optarg, 1, UINT32_MAX, &v))
				goto bad;
			o->api_key_id = (uint32_t)v;
			break;
		case 't':
			o->symbol = optarg;
			break;
		case 'n':
			if (!probe_parse_u64(optarg, 1, PROBE_THREADS_MAX, &v))
				goto bad;
			o->threads = (unsigned)v;
			break;
		case 'd':
			if (!probe_parse_u64(optarg, 1, 3600, &v))
				goto bad;
			o->duration = (unsigned)v;
			break;
		case 'w':
			if (!probe_parse_u64(optarg, 0, 3600, &v))
				goto bad;
			o->warmup = (unsigned)v;
			break;
		case 'u':
			if (!probe_parse_u64(optarg, 1, UINT64_C(1000000000000), &v))
				goto bad;
			o->users = v;
			break;
		case 'r':
			if (!probe_parse_u64(optarg, 1, PROBE_ROWS_MAX, &v))
				goto bad;
			o->rows = (unsigned)v;
			break;
		case 'p':
			if (!probe_prefix_valid(optarg))
				goto bad;
			o->prefix = optarg;
			break;
		case 'A':
			o->auth = false;
			break;
		case 'S':
			o->stats = false;
			break;
		case 'h':
			probe_usage(stdout);
			exit(0);
		default:
			probe_usage(stderr);
			return -1;
		}
	}
	if (optind != argc || o->conf_path == NULL || o->api_key_id == 0) {
		probe_usage(stderr);
		return -1;
	}
	if (o->rows > o->users) {
		fprintf(stderr, "dbprobe: -r %u is more than the %" PRIu64 " users\n", o->rows,
		    o->users);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "dbprobe: bad value for -%c: %s\n", ch, optarg);
	return -1;
}

/* Reads token, strategy and (with auth) the key hash; builds shared texts. */
static int
probe_setup(struct db *db, struct probe_shared *sh)
{
	const struct probe_opts *o = sh->opts;
	struct buf prio = BUF_INITIALIZER(sizeof(sh->prio_json));
	const char *key;
	char whole[AMOUNT_STR_MAX];
	enum cb_err rc;
	unsigned i;
	int status = -1;

	if ((rc = registry_token_get(db, o->symbol, strlen(o->symbol), &sh->token)) != CB_OK) {
		fprintf(stderr, "dbprobe: token %s: %s\n", o->symbol, cb_strerror(rc));
		goto out;
	}
	if ((rc = registry_strategy_get(db, sh->token.id, &sh->strategy)) != CB_OK) {
		fprintf(stderr, "dbprobe: strategy of %s: %s\n", o->symbol, cb_strerror(rc));
		goto out;
	}
	snprintf(whole, sizeof(whole), "+1");
	if (amount_parse(&sh->delta, whole, strlen(whole), sh->token.decimals,
	    AMOUNT_ALLOW_SIGN | AMOUNT_NONZERO) != AMOUNT_OK) {
		fprintf(stderr, "dbprobe: cannot form the amount +1 %s\n", o->symbol);
		goto out;
	}
	if (buf_putc(&prio, '[') != CB_OK)
		goto out;
	for (i = 0; i < sh->strategy.npriority; i++) {
		if ((i > 0 && buf_putc(&prio, ',') != CB_OK) ||
		    buf_append_json_string(&prio, sh->strategy.priority_reasons[i],
		    strlen(sh->strategy.priority_reasons[i])) != CB_OK)
			goto out;
	}
	if (buf_putc(&prio, ']') != CB_OK || prio.len >= sizeof(sh->prio_json))
		goto out;
	memcpy(sh->prio_json, prio.data, prio.len);
	sh->prio_json[prio.len] = '\0';
	/* The reward_batch object as rewards.c stores it (json-c's plain form). */
	snprintf(sh->context, sizeof(sh->context), "{\"activity_id\":\"bench\","
	    "\"reward_type\":\"bench\",\"token_symbol\":\"%s\"}", sh->token.symbol);
	if (o->auth) {
		key = getenv(PROBE_KEY_ENV);
		if (key == NULL || !apikey_parse(key, strlen(key), sh->key_prefix)) {
			fprintf(stderr, "dbprobe: $%s holds no API key (or use -A)\n",
			    PROBE_KEY_ENV);
			goto out;
		}
		apikey_hash(key, strlen(key), sh->key_hash);
	}
	status = 0;
out:
	buf_free(&prio);
	return status;
}

static struct db *
probe_connect(const struct config *cfg)
{
	char errbuf[256];
	enum cb_err rc;
	struct db *db;

	db = store_open(&cfg->db, 0, &rc, errbuf, sizeof(errbuf));
	if (db == NULL)
		fprintf(stderr, "dbprobe: database: %s\n", errbuf);
	return db;
}

static void
probe_sleep(unsigned seconds)
{
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
probe_report(const struct probe_opts *o, struct probe_thread *threads,
    uint64_t elapsed_us)
{
	static uint64_t hist[PROBE_BUCKETS];
	uint64_t done = 0, created = 0, errors = 0, deadlocks = 0, auth_fail = 0;
	uint64_t tps_milli, p50, p90, p99, p999, max = 0;
	const char *last_error = "";
	unsigned i, b;

	for (i = 0; i < o->threads; i++) {
		const struct probe_thread *t = &threads[i];

		done += t->done;
		created += t->created;
		errors += t->errors;
		deadlocks += t->deadlocks;
		auth_fail += t->auth_fail;
		if (t->last_error[0] != '\0')
			last_error = t->last_error;
		for (b = 0; b < PROBE_BUCKETS; b++)
			hist[b] += t->hist[b];
	}
	for (b = 0; b < PROBE_BUCKETS; b++)
		if (hist[b] != 0)
			max = probe_bucket_high(b);
	p50 = probe_percentile(hist, done, 500);
	p90 = probe_percentile(hist, done, 900);
	p99 = probe_percentile(hist, done, 990);
	p999 = probe_percentile(hist, done, 999);
	tps_milli = elapsed_us ? done * 1000000000u / elapsed_us : 0;

	printf("  %" PRIu64 " transactions of %u change%s in %" PRIu64 ".%03" PRIu64
	    " s over %u connections (%" PRIu64 " balance rows created)\n", done, o->rows,
	    o->rows == 1 ? "" : "s", elapsed_us / 1000000u, elapsed_us / 1000u % 1000u,
	    o->threads, created);
	printf("  %" PRIu64 ".%03" PRIu64 " tx/s   latency p50 %" PRIu64 ".%03" PRIu64
	    " ms  p90 %" PRIu64 ".%03" PRIu64 " ms  p99 %" PRIu64 ".%03" PRIu64
	    " ms  p99.9 %" PRIu64 ".%03" PRIu64 " ms  max %" PRIu64 ".%03" PRIu64 " ms\n",
	    tps_milli / 1000u, tps_milli % 1000u, p50 / 1000u, p50 % 1000u,
	    p90 / 1000u, p90 % 1000u, p99 / 1000u, p99 % 1000u, p999 / 1000u, p999 % 1000u,
	    max / 1000u, max % 1000u);
	if (errors > 0)
		printf("  %" PRIu64 " failed transactions (%" PRIu64 " deadlock/lock-wait after"
		    " retries, %" PRIu64 " auth); last: %s\n", errors, deadlocks, auth_fail,
		    last_error);
	printf("dbprobe tx=%" PRIu64 " elapsed_us=%" PRIu64 " tps=%" PRIu64 ".%03" PRIu64
	    " p50_us=%" PRIu64 " p90_us=%" PRIu64 " p99_us=%" PRIu64 " p999_us=%" PRIu64
	    " max_us=%" PRIu64 " errors=%" PRIu64 " created=%" PRIu64 " connections=%u"
	    " rows=%u auth=%d stats=%d\n", done, elapsed_us, tps_milli / 1000u,
	    tps_milli % 1000u, p50, p90, p99, p999, max, errors, created, o->threads, o->rows,
	    o->auth ? 1 : 0, o->stats ? 1 : 0);
}

int
main(int argc, char **argv)
{
	static struct probe_thread threads[PROBE_THREADS_MAX];
	struct probe_shared sh;
	struct probe_opts opts;
	struct config *cfg = NULL;
	char errbuf[256];
	uint64_t t0, t1;
	unsigned i, started = 0;
	int status = 1;

	if (probe_parse_args(argc, argv, &opts) != 0)
		return 2;
	log_init("dbprobe", LOG_LEVEL_WARN, LOG_FORMAT_KV);
	memset(&sh, 0, sizeof(sh));
	sh.opts = &opts;
	atomic_init(&sh.phase, PROBE_WARMUP);
	if ((cfg = config_load(opts.conf_path, errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "dbprobe: %s\n", errbuf);
		goto out;
	}
	/* Connections are opened here, one after the other, so the client
	 * library's global initialisation happens on one thread. */
	for (i = 0; i < opts.threads; i++) {
		threads[i].sh = &sh;
		threads[i].index = i;
		buf_init(&threads[i].keys_json, PROBE_JSON_MAX);
		buf_init(&threads[i].scratch, PROBE_JSON_MAX);
		threads[i].rows = calloc(opts.rows, sizeof(*threads[i].rows));
		threads[i].sorted = calloc(opts.rows, sizeof(*threads[i].sorted));
		if (threads[i].rows == NULL || threads[i].sorted == NULL) {
			fprintf(stderr, "dbprobe: out of memory\n");
			goto out;
		}
		if ((threads[i].db = probe_connect(cfg)) == NULL)
			goto out;
		if (getrandom(&threads[i].rng, sizeof(threads[i].rng), 0) !=
		    (ssize_t)sizeof(threads[i].rng))
			goto out;
		threads[i].rng |= 1;
	}
	if (probe_setup(threads[0].db, &sh) != 0)
		goto out;
	printf("dbprobe: %u connections, token %s (id %" PRIu32 "), %" PRIu64
	    " users %s0.., %u x +1 %s per transaction (%s), api_key_id %" PRIu32 "\n"
	    "  statements: %s%sBEGIN, LOCK_BALANCES [CREATE_BALANCES, LOCK_BALANCES],"
	    " OP_INSERT, CHANGES_INSERT, BALANCES_UPSERT, COMMIT\n",
	    opts.threads, sh.token.symbol, sh.token.id, opts.users, opts.prefix, opts.rows,
	    sh.token.symbol, opts.rows > 1 ? "rewards/distribute" : "balance/adjust",
	    opts.api_key_id, opts.auth ? "APIKEY_BY_PREFIX, " : "",
	    opts.stats ? "PENDING_STATS, " : "");
	fflush(stdout);
	for (i = 0; i < opts.threads; i++) {
		if (pthread_create(&threads[i].tid, NULL, probe_thread_main, &threads[i]) != 0) {
			fprintf(stderr, "dbprobe: cannot start thread %u\n", i);
			atomic_store(&sh.phase, PROBE_STOP);
			goto join;
		}
		started++;
	}
	probe_sleep(opts.warmup);
	t0 = monotime_us();
	atomic_store(&sh.phase, PROBE_MEASURE);
	probe_sleep(opts.duration);
	atomic_store(&sh.phase, PROBE_STOP);
	t1 = monotime_us();
	status = 0;
join:
	for (i = 0; i < started; i++)
		pthread_join(threads[i].tid, NULL);
	if (status == 0) {
		probe_report(&opts, threads, t1 - t0);
		for (i = 0; i < opts.threads; i++)
			if (threads[i].done == 0 && threads[i].errors > 0)
				status = 1;
	}
out:
	for (i = 0; i < opts.threads; i++) {
		db_close(threads[i].db);
		buf_free(&threads[i].keys_json);
		buf_free(&threads[i].scratch);
		free(threads[i].rows);
		free(threads[i].sorted);
	}
	explicit_bzero(sh.key_hash, sizeof(sh.key_hash));
	config_free(cfg);
	return status;
}
