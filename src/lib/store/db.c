/*
 * db.c - MySQL/MariaDB access through prepared statements only.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "core/monotime.h"
#include "store/db.h"

/* Room each text column starts with; grown on truncation. */
#define DB_COL_INITIAL	128
#define DB_MAX_PARAMS	64

struct db_stmt {
	MYSQL_STMT	*st;
	unsigned	 ncols;
	MYSQL_BIND	*res_bind;
	char		**bufs;
	size_t		*caps;
	unsigned long	*lens;
	my_bool		*nulls;
	my_bool		*errs;
	bool		 has_result;
	uint64_t	 affected;
	uint64_t	 insert_id;
};

struct db {
	MYSQL			*conn;
	struct db_conf		 conf;
	const char *const	*sql;
	unsigned		 nstmts;
	struct db_stmt		*stmts;
	unsigned		 lock_wait;	/* the session's innodb_lock_wait_timeout */
	unsigned		 lock_wait_base; /* what each transaction starts with */
	unsigned long		 max_packet;	/* the server's max_allowed_packet */
	unsigned		 last_errno;
	char			 last_error[512];
};

static void
db_set_error(struct db *db, unsigned no, const char *msg)
{
	db->last_errno = no;
	snprintf(db->last_error, sizeof(db->last_error), "%s", msg ? msg : "");
}

enum cb_err
db_map_errno(unsigned no)
{
	switch (no) {
	case 0:
		return CB_OK;
	case ER_LOCK_DEADLOCK:		/* 1213, also Galera certification failure */
	case ER_LOCK_WAIT_TIMEOUT:	/* 1205 */
		return CB_ERR_DB_RETRY;
	case ER_DUP_ENTRY:		/* 1062 */
	case ER_DUP_KEY:
		return CB_ERR_CONFLICT;
	case CR_SERVER_GONE_ERROR:	/* 2006 */
	case CR_SERVER_LOST:		/* 2013 */
	case CR_CONNECTION_ERROR:	/* 2002 */
	case CR_CONN_HOST_ERROR:	/* 2003 */
	case CR_SERVER_LOST_EXTENDED:	/* 2055 */
	case ER_CONNECTION_KILLED:	/* 1927 */
	case ER_SERVER_SHUTDOWN:	/* 1053 */
	case 4031:			/* MySQL 8: disconnected for inactivity */
	case CR_COMMANDS_OUT_OF_SYNC:	/* 2014: the connection is unusable */
		return CB_ERR_DB_GONE;
	case ER_NO_REFERENCED_ROW_2:	/* 1452: FK target missing */
	case ER_ROW_IS_REFERENCED_2:
		return CB_ERR_CONFLICT;
	default:
		return CB_ERR_DB;
	}
}

static enum cb_err
db_fail_conn(struct db *db)
{
	db_set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
	return db_map_errno(db->last_errno);
}

static enum cb_err
db_fail_stmt(struct db *db, MYSQL_STMT *st)
{
	db_set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	return db_map_errno(db->last_errno);
}

static void
db_stmt_release(struct db_stmt *s)
{
	unsigned i;

	if (s->st != NULL)
		mysql_stmt_close(s->st);
	for (i = 0; i < s->ncols && s->bufs != NULL; i++)
		free(s->bufs[i]);
	free(s->res_bind);
	free(s->bufs);
	free(s->caps);
	free(s->lens);
	free(s->nulls);
	free(s->errs);
	memset(s, 0, sizeof(*s));
}

static void
db_release_all(struct db *db)
{
	unsigned i;

	for (i = 0; i < db->nstmts; i++)
		db_stmt_release(&db->stmts[i]);
}

/* Parses the unsigned decimal text of a plain query's column. */
static bool
db_text_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (ULONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return true;
}

/*
 * Session settings every connection needs: UTC, strict SQL, READ
 * COMMITTED; then what the server allows (max_allowed_packet) and the
 * lock wait every transaction starts with.
 */
static enum cb_err
db_session_setup(struct db *db)
{
	static const char *const setup[] = {
		"SET SESSION time_zone = '+00:00'",
		("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,"
		    "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"),
		"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
		"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
	};
	MYSQL_RES *res;
	MYSQL_ROW row;
	unsigned long packet = 0, wait = 0;
	bool ok;
	size_t i;

	for (i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		if (mysql_query(db->conn, setup[i]) != 0)
			return db_fail_conn(db);
	if (mysql_query(db->conn, "SELECT @@max_allowed_packet,"
	    " @@SESSION.innodb_lock_wait_timeout") != 0 ||
	    (res = mysql_store_result(db->conn)) == NULL)
		return db_fail_conn(db);
	ok = (row = mysql_fetch_row(res)) != NULL && db_text_ulong(row[0], &packet) &&
	    db_text_ulong(row[1], &wait) && wait <= UINT_MAX;
	mysql_free_result(res);
	if (!ok) {
		db_set_error(db, 0, "cannot read the session's limits");
		return CB_ERR_DB;
	}
	db->max_packet = packet;
	db->lock_wait = (unsigned)wait;
	db->lock_wait_base = db->conf.lock_wait_timeout != 0 ?
	    db->conf.lock_wait_timeout : (unsigned)wait;
	return db_lock_wait_set(db, db->lock_wait_base);
}

static enum cb_err
db_connect(struct db *db)
{
	const struct db_conf *c = &db->conf;
	unsigned int t;
	my_bool off = 0;

	if ((db->conn = mysql_init(NULL)) == NULL) {
		db_set_error(db, 0, "mysql_init failed");
		return CB_ERR_NOMEM;
	}
	t = c->connect_timeout ? c->connect_timeout : 5;
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	t = c->read_timeout ? c->read_timeout : 30;
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &t);
	t = c->write_timeout ? c->write_timeout : 30;
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &t);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(db->conn, c->socket ? NULL : c->host, c->user,
	    c->password, c->name, c->socket ? 0 : c->port, c->socket, 0) == NULL) {
		enum cb_err rc = db_fail_conn(db);

		mysql_close(db->conn);
		db->conn = NULL;
		/* Any failure to connect means the store is not available. */
		return rc == CB_ERR_NOMEM ? rc : CB_ERR_DB_GONE;
	}
	return db_session_setup(db);
}

struct db *
db_open(const struct db_conf *conf, const char *const *sql, unsigned nstmts,
    enum cb_err *errp, char *errbuf, size_t errlen)
{
	struct db *db;
	enum cb_err rc;

	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->stmts = calloc(nstmts ? nstmts : 1, sizeof(*db->stmts))) == NULL) {
		free(db);
		*errp = CB_ERR_NOMEM;
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	db->conf = *conf;
	db->sql = sql;
	db->nstmts = nstmts;
	if ((rc = db_connect(db)) != CB_OK) {
		*errp = rc;
		snprintf(errbuf, errlen, "%s (%u)", db->last_error, db->last_errno);
		db_close(db);
		return NULL;
	}
	*errp = CB_OK;
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_release_all(db);
	if (db->conn != NULL)
		mysql_close(db->conn);
	free(db->stmts);
	free(db);
}

enum cb_err
db_reconnect(struct db *db)
{
	db_release_all(db);
	if (db->conn != NULL) {
		mysql_close(db->conn);
		db->conn = NULL;
	}
	return db_connect(db);
}

enum cb_err
db_ping(struct db *db)
{
	if (db->conn != NULL && mysql_ping(db->conn) == 0)
		return CB_OK;
	return db_reconnect(db);
}

static enum cb_err
db_stmt_prepare(struct db *db, unsigned idx)
{
	struct db_stmt *s = &db->stmts[idx];
	const char *q = db->sql[idx];
	MYSQL_RES *meta;
	unsigned i;

	if (db->conn == NULL)
		return CB_ERR_DB_GONE;
	if ((s->st = mysql_stmt_init(db->conn)) == NULL)
		return db_fail_conn(db);
	if (mysql_stmt_prepare(s->st, q, strlen(q)) != 0) {
		enum cb_err rc = db_fail_stmt(db, s->st);

		db_stmt_release(s);
		return rc;
	}
	if ((meta = mysql_stmt_result_metadata(s->st)) == NULL)
		return CB_OK;
	s->ncols = mysql_num_fields(meta);
	mysql_free_result(meta);
	if (s->ncols > DB_MAX_COLS) {
		db_set_error(db, 0, "statement returns too many columns");
		db_stmt_release(s);
		return CB_ERR_INTERNAL;
	}
	s->res_bind = calloc(s->ncols, sizeof(*s->res_bind));
	s->bufs = calloc(s->ncols, sizeof(*s->bufs));
	s->caps = calloc(s->ncols, sizeof(*s->caps));
	s->lens = calloc(s->ncols, sizeof(*s->lens));
	s->nulls = calloc(s->ncols, sizeof(*s->nulls));
	s->errs = calloc(s->ncols, sizeof(*s->errs));
	if (!s->res_bind || !s->bufs || !s->caps || !s->lens || !s->nulls || !s->errs)
		goto nomem;
	for (i = 0; i < s->ncols; i++) {
		if ((s->bufs[i] = malloc(DB_COL_INITIAL)) == NULL)
			goto nomem;
		s->caps[i] = DB_COL_INITIAL;
	}
	return CB_OK;
nomem:
	db_stmt_release(s);
	return CB_ERR_NOMEM;
}

static void
db_bind_results(struct db_stmt *s)
{
	unsigned i;

	for (i = 0; i < s->ncols; i++) {
		MYSQL_BIND *b = &s->res_bind[i];

		memset(b, 0, sizeof(*b));
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = s->bufs[i];
		/* Keep one byte for the terminating NUL. */
		b->buffer_length = s->caps[i] - 1;
		b->length = &s->lens[i];
		b->is_null = &s->nulls[i];
		b->error = &s->errs[i];
	}
}

void
db_done(struct db *db, unsigned idx)
{
	struct db_stmt *s;

	if (idx >= db->nstmts)
		return;
	s = &db->stmts[idx];
	if (s->st != NULL && s->has_result) {
		mysql_stmt_free_result(s->st);
		mysql_stmt_reset(s->st);
	}
	s->has_result = false;
}

static void
db_fill_bind(MYSQL_BIND *b, const struct db_param *p, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	switch (p->type) {
	case DBP_NULL:
		b->buffer_type = MYSQL_TYPE_NULL;
		break;
	case DBP_STR:
	case DBP_BLOB:
		b->buffer_type = p->type == DBP_STR ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
		/* The client library never writes through an input buffer. */
		b->buffer = (void *)(uintptr_t)p->ptr;
		*len = p->len;
		b->buffer_length = p->len;
		b->length = len;
		break;
	case DBP_U64:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = (void *)(uintptr_t)&p->u;
		b->is_unsigned = 1;
		break;
	case DBP_I64:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = (void *)(uintptr_t)&p->i;
		break;
	}
}

enum cb_err
db_exec(struct db *db, unsigned idx, const struct db_param *params, unsigned nparams)
{
	MYSQL_BIND binds[DB_MAX_PARAMS];
	unsigned long lens[DB_MAX_PARAMS];
	struct db_stmt *s;
	enum cb_err rc;
	unsigned i;

	if (idx >= db->nstmts || nparams > DB_MAX_PARAMS) {
		db_set_error(db, 0, "bad statement index or too many parameters");
		return CB_ERR_INTERNAL;
	}
	s = &db->stmts[idx];
	db_done(db, idx);
	if (s->st == NULL && (rc = db_stmt_prepare(db, idx)) != CB_OK)
		return rc;
	if (mysql_stmt_param_count(s->st) != nparams) {
		db_set_error(db, 0, "parameter count does not match statement");
		return CB_ERR_INTERNAL;
	}
	for (i = 0; i < nparams; i++)
		db_fill_bind(&binds[i], &params[i], &lens[i]);
	if (nparams > 0 && mysql_stmt_bind_param(s->st, binds) != 0)
		return db_fail_stmt(db, s->st);
	if (mysql_stmt_execute(s->st) != 0)
		return db_fail_stmt(db, s->st);
	s->affected = mysql_stmt_affected_rows(s->st);
	s->insert_id = mysql_stmt_insert_id(s->st);
	if (s->ncols == 0)
		return CB_OK;
	db_bind_results(s);
	if (mysql_stmt_bind_result(s->st, s->res_bind) != 0 ||
	    mysql_stmt_store_result(s->st) != 0)
		return db_fail_stmt(db, s->st);
	s->has_result = true;
	return CB_OK;
}

enum cb_err
db_prepare(struct db *db, unsigned idx)
{
	if (idx >= db->nstmts) {
		db_set_error(db, 0, "bad statement index");
		return CB_ERR_INTERNAL;
	}
	if (db->stmts[idx].st != NULL)
		return CB_OK;
	return db_stmt_prepare(db, idx);
}

unsigned
db_result_cols(const struct db *db, unsigned idx)
{
	return idx < db->nstmts ? db->stmts[idx].ncols : 0;
}

unsigned
db_param_count(const struct db *db, unsigned idx)
{
	if (idx >= db->nstmts || db->stmts[idx].st == NULL)
		return 0;
	return (unsigned)mysql_stmt_param_count(db->stmts[idx].st);
}

/* Grow the truncated columns of the current row and fetch them again. */
static int
db_refetch_truncated(struct db *db, struct db_stmt *s)
{
	unsigned i;

	for (i = 0; i < s->ncols; i++) {
		MYSQL_BIND *b = &s->res_bind[i];
		char *nb;

		if (!s->errs[i] || s->nulls[i])
			continue;
		if ((nb = realloc(s->bufs[i], s->lens[i] + 1)) == NULL) {
			db_set_error(db, 0, "out of memory");
			return -1;
		}
		s->bufs[i] = nb;
		s->caps[i] = s->lens[i] + 1;
		b->buffer = nb;
		b->buffer_length = s->lens[i];
		if (mysql_stmt_fetch_column(s->st, b, i, 0) != 0) {
			db_fail_stmt(db, s->st);
			return -1;
		}
	}
	/* Rebind so the next row uses the grown buffers. */
	db_bind_results(s);
	if (mysql_stmt_bind_result(s->st, s->res_bind) != 0) {
		db_fail_stmt(db, s->st);
		return -1;
	}
	return 0;
}

int
db_fetch(struct db *db, unsigned idx, struct db_row *row)
{
	struct db_stmt *s;
	unsigned i;
	int r;

	if (idx >= db->nstmts || !db->stmts[idx].has_result)
		return -1;
	s = &db->stmts[idx];
	r = mysql_stmt_fetch(s->st);
	if (r == MYSQL_NO_DATA)
		return 0;
	if (r == 1) {
		db_fail_stmt(db, s->st);
		return -1;
	}
	if (r == MYSQL_DATA_TRUNCATED && db_refetch_truncated(db, s) != 0)
		return -1;
	row->ncols = s->ncols;
	for (i = 0; i < s->ncols; i++) {
		if (s->nulls[i]) {
			row->val[i] = NULL;
			row->len[i] = 0;
			continue;
		}
		s->bufs[i][s->lens[i]] = '\0';
		row->val[i] = s->bufs[i];
		row->len[i] = s->lens[i];
	}
	return 1;
}

uint64_t
db_affected(struct db *db, unsigned idx)
{
	return idx < db->nstmts ? db->stmts[idx].affected : 0;
}

uint64_t
db_insert_id(struct db *db, unsigned idx)
{
	return idx < db->nstmts ? db->stmts[idx].insert_id : 0;
}

enum cb_err
db_query_plain(struct db *db, const char *sql)
{
	if (db->conn == NULL)
		return CB_ERR_DB_GONE;
	if (mysql_query(db->conn, sql) != 0)
		return db_fail_conn(db);
	/* Drain any result so the connection stays in sync. */
	MYSQL_RES *res = mysql_store_result(db->conn);
	if (res != NULL)
		mysql_free_result(res);
	return CB_OK;
}

enum cb_err
db_begin(struct db *db)
{
	return db_query_plain(db, "START TRANSACTION");
}

enum cb_err
db_commit(struct db *db)
{
	if (db->conn == NULL)
		return CB_ERR_DB_GONE;
	if (mysql_commit(db->conn) != 0)
		return db_fail_conn(db);
	return CB_OK;
}

void
db_rollback(struct db *db)
{
	if (db->conn != NULL)
		(void)mysql_rollback(db->conn);
}

/* Sleeps before a retry; never past deadline_ms (when not 0). */
static void
db_backoff(unsigned attempt, uint64_t deadline_ms)
{
	unsigned char r = 0;
	struct timespec ts;
	uint64_t now;
	long ms;

	/* Jitter only: without random bytes there is none, which is fine
	 * (and _FORTIFY_SOURCE makes an ignored result a warning). */
	if (getrandom(&r, 1, GRND_NONBLOCK) != 1)
		r = 0;
	/* 1..8 ms on the first retry, doubling, capped near 200 ms. */
	ms = (1L << (attempt < 5 ? attempt : 5)) + (r % 8);
	if (deadline_ms != 0) {
		now = monotime_ms();
		if (now >= deadline_ms)
			return;
		if ((uint64_t)ms > deadline_ms - now)
			ms = (long)(deadline_ms - now);
	}
	ts.tv_sec = 0;
	ts.tv_nsec = ms * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

unsigned
db_lock_wait(const struct db *db)
{
	return db->lock_wait;
}

unsigned
db_lock_wait_base(const struct db *db)
{
	return db->lock_wait_base;
}

enum cb_err
db_lock_wait_set(struct db *db, unsigned seconds)
{
	int idx = db->conf.lock_wait_stmt;
	enum cb_err rc;

	if (seconds == db->lock_wait)
		return CB_OK;
	if (idx < 0 || (unsigned)idx >= db->nstmts) {
		db_set_error(db, 0, "no statement to set the lock wait");
		return CB_ERR_INTERNAL;
	}
	if ((rc = DB_EXEC(db, (unsigned)idx, DB_U64(seconds))) != CB_OK)
		return rc;
	db->lock_wait = seconds;
	return CB_OK;
}

unsigned long
db_max_packet(const struct db *db)
{
	return db->max_packet;
}

/*
 * The lock wait of the next attempt: the base, cut so that a wait that
 * times out still leaves half a second before the deadline.  0 when no
 * attempt should start any more.
 */
static unsigned
db_attempt_wait(const struct db *db, uint64_t deadline_ms)
{
	uint64_t now = monotime_ms(), left;

	if (deadline_ms == 0)
		return db->lock_wait_base;
	if (now >= deadline_ms || (left = deadline_ms - now) < DB_TXN_MIN_ATTEMPT_MS)
		return 0;
	left = (left - 500) / 1000;
	return left < db->lock_wait_base ? (unsigned)left : db->lock_wait_base;
}

enum cb_err
db_txn_until(struct db *db, uint64_t deadline_ms, db_txn_fn fn, void *arg)
{
	unsigned attempt, max = db->conf.retries, wait;
	bool reconnected = false;
	enum cb_err rc = CB_ERR_INTERNAL;

	for (attempt = 0; attempt <= max; attempt++) {
		if (db->conn == NULL && (rc = db_reconnect(db)) != CB_OK)
			return rc;
		if ((wait = db_attempt_wait(db, deadline_ms)) == 0)
			return CB_ERR_TIMEOUT;
		if ((rc = db_lock_wait_set(db, wait)) != CB_OK)
			goto failed;
		if ((rc = db_begin(db)) != CB_OK)
			goto failed;
		if ((rc = fn(db, arg)) != CB_OK)
			goto failed;
		if ((rc = db_commit(db)) == CB_OK)
			return CB_OK;
		if (rc == CB_ERR_DB_GONE) {
			/* COMMIT may or may not have happened: never guess. */
			db_reconnect(db);
			return CB_ERR_DB_UNKNOWN;
		}
failed:
		if (rc == CB_ERR_DB_GONE) {
			if (reconnected || db_reconnect(db) != CB_OK)
				return CB_ERR_DB_GONE;
			reconnected = true;
			continue;
		}
		db_rollback(db);
		if (rc != CB_ERR_DB_RETRY)
			return rc;
		if (attempt < max)
			db_backoff(attempt, deadline_ms);
	}
	/* Lock waits cut short by the deadline end here too. */
	if (rc == CB_ERR_DB_RETRY && deadline_ms != 0 && db_attempt_wait(db, deadline_ms) == 0)
		return CB_ERR_TIMEOUT;
	return rc;
}

enum cb_err
db_txn(struct db *db, db_txn_fn fn, void *arg)
{
	return db_txn_until(db, 0, fn, arg);
}

unsigned
db_errno(const struct db *db)
{
	return db->last_errno;
}

const char *
db_error(const struct db *db)
{
	return db->last_error;
}

static bool
db_parse_u64(const char *s, unsigned long n, uint64_t *out)
{
	uint64_t v = 0;
	unsigned long i;

	if (s == NULL || n == 0 || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
db_col_u64(const struct db_row *row, unsigned col, uint64_t *out)
{
	if (col >= row->ncols)
		return false;
	return db_parse_u64(row->val[col], row->len[col], out);
}

bool
db_col_i64(const struct db_row *row, unsigned col, int64_t *out)
{
	const char *s;
	unsigned long n;
	uint64_t v;
	bool neg;

	if (col >= row->ncols || (s = row->val[col]) == NULL)
		return false;
	n = row->len[col];
	neg = n > 0 && s[0] == '-';
	if (!db_parse_u64(s + neg, n - neg, &v))
		return false;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}
