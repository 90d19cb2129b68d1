/*
 * dbprobe.c - the raw durable MariaDB ceiling of the ledger's writes.
 *
 * N threads, each with its own connection (the API's workers each own one),
 * run for a fixed time what chainbridge-api sends to the store for a POST
 * /api/v1/balance/adjust with one adjustment of +1 whole token under
 * reason "reward" and no Idempotency-Key: the auth look-up, then the very
 * write the API runs, through the shared ledger core
 * (ledger_write_prepare and ledger_write_commit of src/lib/ledger/write.h),
 * so the statements and their order are the API's by construction.  With
 * -r ROWS (more than one) they send instead what a POST
 * /api/v1/rewards/distribute of +1 to ROWS distinct users does (operation
 * kind "reward" with its context, each change with the reward's metadata):
 *
 *   ST_APIKEY_BY_PREFIX       auth: the key row by prefix, hash compared
 *                             (skipped with -A)
 *   ST_LEDGER_PENDING_STATS   settlement outlook, autocommit (skipped with -S)
 *   BEGIN
 *   ST_LEDGER_OP_INSERT
 *   ST_LEDGER_LOCK_BALANCES   the balance rows, FOR UPDATE, in key order
 *   ST_LEDGER_CREATE_BALANCES + ST_LEDGER_LOCK_BALANCES  only when missing
 *   ST_LEDGER_CHANGES_INSERT
 *   ST_LEDGER_BALANCES_UPSERT
 *   COMMIT
 *
 * Users are drawn uniformly from PREFIX0 .. PREFIX(U-1); a transaction of
 * several rows takes a window of ROWS consecutive ones, each thread its own
 * sequence of windows.  Token, strategy, reason and API key are read once
 * at start (the API caches them per worker).
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
#include "ledger/write.h"

#define PROBE_THREADS_MAX	512
#define PROBE_USER_MAX		64	/* bytes of a generated user id */
#define PROBE_PREFIX_MAX	32
#define PROBE_ROWS_MAX		LEDGER_ROWS_HARD_MAX
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
	struct reason		 reason;
	struct amount		 delta;		/* +1 whole token, base units */
	char			 context[256];	/* operations.context of a reward */
	char			 key_prefix[APIKEY_PREFIX_LEN + 1];
	uint8_t			 key_hash[32];
	_Atomic int		 phase;
};

struct probe_user {
	char		 id[PROBE_USER_MAX];
	size_t		 len;
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
	/* the write in progress */
	struct probe_user	*users;		/* request order */
	struct ledger_write	 lw;
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
	else if (fr == 0 || row.ncols != APIKEY_AUTH_COL__MAX ||
	    row.val[APIKEY_AUTH_COL_HASH] == NULL || row.len[APIKEY_AUTH_COL_HASH] != 32 ||
	    !apikey_hash_equal(sh->key_hash, (const uint8_t *)row.val[APIKEY_AUTH_COL_HASH]))
		rc = CB_ERR_NOT_FOUND;
	db_done(t->db, ST_APIKEY_BY_PREFIX);
	return rc;
}

/*
 * Picks the users of the next request (one at random, or ROWS consecutive
 * ones from a random start) and builds the write as the API's handler
 * would after validation: the token, the reason, one change of +1 per user.
 */
static enum cb_err
probe_build(struct probe_thread *t)
{
	const struct probe_shared *sh = t->sh;
	const struct probe_opts *o = sh->opts;
	struct ledger_write *lw = &t->lw;
	bool reward = o->rows > 1;
	uint64_t windows = o->users / o->rows, first;
	unsigned token, reason;
	size_t i, meta_off = 0;
	enum cb_err rc;

	/* Several rows: thread k takes windows k, k + N, k + 2N, ... so the
	 * transactions in flight together touch different users, as
	 * distribute.lua's requests do. */
	if (o->rows == 1)
		first = probe_rand(&t->rng) % o->users;
	else
		first = (t->index + t->seq++ * o->threads) % windows * o->rows;

	ledger_write_reset(lw, reward ? LEDGER_REWARD : LEDGER_ADJUST);
	lw->no_outlook = !o->stats;
	if ((rc = ledger_write_token(lw, &sh->token, &sh->strategy, 2, &token)) != CB_OK ||
	    (rc = ledger_write_reason(lw, &sh->reason, &reason)) != CB_OK)
		return rc;
	if (reward &&
	    ((rc = ledger_write_text(lw, sh->context, strlen(sh->context),
	    &lw->context_off)) != CB_OK ||
	    (rc = ledger_write_text(lw, PROBE_REWARD_META, strlen(PROBE_REWARD_META),
	    &meta_off)) != CB_OK))
		return rc;
	lw->context_len = reward ? strlen(sh->context) : 0;
	for (i = 0; i < o->rows; i++) {
		struct probe_user *u = &t->users[i];
		struct ledger_change *c;

		u->len = (size_t)snprintf(u->id, sizeof(u->id), "%s%" PRIu64, o->prefix,
		    (first + i) % o->users);
		if ((c = ledger_change_add(lw)) == NULL)
			return CB_ERR_NOMEM;
		c->user_id = u->id;
		c->user_id_len = u->len;
		c->token = token;
		c->reason = reason;
		c->amount = sh->delta;
		c->detail = reward ? PROBE_REWARD_DETAIL : PROBE_DETAIL;
		c->detail_len = strlen(c->detail);
		c->meta_off = meta_off;
		c->meta_len = reward ? strlen(PROBE_REWARD_META) : 0;
	}
	return CB_OK;
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
	struct ledger_request rq;
	uint64_t start, end;
	enum cb_err rc;

	/* As the API without an Idempotency-Key. */
	memset(&rq, 0, sizeof(rq));
	rq.api_key_id = o->api_key_id;
	while (atomic_load(&sh->phase) != PROBE_STOP) {
		if ((rc = probe_build(t)) != CB_OK) {
			probe_note_error(t, "build", rc);
			continue;
		}
		start = monotime_us();
		if (o->auth && (rc = probe_auth(t)) != CB_OK) {
			if (rc == CB_ERR_NOT_FOUND)
				t->auth_fail++;
			probe_note_error(t, "auth", rc);
			continue;
		}
		if ((rc = ledger_write_prepare(t->db, &t->lw)) != CB_OK) {
			probe_note_error(t, "prepare", rc);
			continue;
		}
		if ((rc = ledger_write_commit(t->db, &t->lw, &rq)) != CB_OK) {
			probe_note_error(t, "transaction", rc);
			continue;
		}
		end = monotime_us();
		/* Counted by completion time: what finished inside the window. */
		if (atomic_load(&sh->phase) == PROBE_MEASURE) {
			t->done++;
			t->created += t->lw.created;
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

/* Reads token, strategy, reason and (with auth) the key hash; builds
 * shared texts. */
static int
probe_setup(struct db *db, struct probe_shared *sh)
{
	const struct probe_opts *o = sh->opts;
	const char *key;
	char whole[AMOUNT_STR_MAX];
	enum cb_err rc;
	int status = -1;

	if ((rc = registry_token_get(db, o->symbol, strlen(o->symbol), &sh->token)) != CB_OK) {
		fprintf(stderr, "dbprobe: token %s: %s\n", o->symbol, cb_strerror(rc));
		goto out;
	}
	if ((rc = registry_strategy_get(db, sh->token.id, &sh->strategy)) != CB_OK) {
		fprintf(stderr, "dbprobe: strategy of %s: %s\n", o->symbol, cb_strerror(rc));
		goto out;
	}
	if ((rc = registry_reason_get(db, PROBE_REASON, strlen(PROBE_REASON),
	    &sh->reason)) != CB_OK) {
		fprintf(stderr, "dbprobe: reason %s: %s\n", PROBE_REASON, cb_strerror(rc));
		goto out;
	}
	snprintf(whole, sizeof(whole), "+1");
	if (amount_parse(&sh->delta, whole, strlen(whole), sh->token.decimals,
	    AMOUNT_ALLOW_SIGN | AMOUNT_NONZERO) != AMOUNT_OK) {
		fprintf(stderr, "dbprobe: cannot form the amount +1 %s\n", o->symbol);
		goto out;
	}
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
		ledger_write_init(&threads[i].lw, LEDGER_ADJUST);
		threads[i].users = calloc(opts.rows, sizeof(*threads[i].users));
		if (threads[i].users == NULL) {
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
	    "  statements: %s%sBEGIN, OP_INSERT, LOCK_BALANCES [CREATE_BALANCES,"
	    " LOCK_BALANCES], CHANGES_INSERT, BALANCES_UPSERT, COMMIT\n",
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
		ledger_write_free(&threads[i].lw);
		free(threads[i].users);
	}
	explicit_bzero(sh.key_hash, sizeof(sh.key_hash));
	config_free(cfg);
	return status;
}
