/*
 * db.h - the MySQL/MariaDB connection: prepared statements from one table,
 * transactions, deadlock retry and reconnection.
 *
 * Each binary keeps all its SQL in one array indexed by an enum (see
 * src/lib/store/stmts.c) and hands it to db_open().  Statements are
 * prepared on first use and kept for the connection's life; after a lost
 * connection they are re-prepared.  Every value travels through MYSQL_BIND:
 * no SQL is ever built from values.
 *
 * Results are fetched as text (DECIMAL(65,0) must stay exact anyway); the
 * row buffers belong to the statement and stay valid until the next fetch
 * or execution of that statement.
 */
#ifndef CB_DB_H
#define CB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;

struct db_conf {
	const char	*host;		/* used when socket is NULL */
	unsigned	 port;
	const char	*socket;	/* unix socket path, preferred */
	const char	*name;
	const char	*user;
	const char	*password;	/* may be NULL */
	unsigned	 connect_timeout;	/* seconds */
	unsigned	 read_timeout;
	unsigned	 write_timeout;
	unsigned	 lock_wait_timeout;	/* innodb_lock_wait_timeout, s; 0 = server default */
	unsigned	 retries;		/* extra attempts of a whole transaction on deadlock */
	/* Index in the statement table of the statement that sets the
	 * session's innodb_lock_wait_timeout (one '?', seconds), or -1 when
	 * the table has none (then lock waits are never changed). */
	int		 lock_wait_stmt;
};

enum db_param_type {
	DBP_NULL,
	DBP_STR,	/* text: ptr + len */
	DBP_BLOB,	/* binary: ptr + len */
	DBP_U64,
	DBP_I64,
};

struct db_param {
	enum db_param_type	 type;
	const void		*ptr;
	unsigned long		 len;
	uint64_t		 u;
	int64_t			 i;
};

#define DB_NULL()		((struct db_param){ .type = DBP_NULL })
#define DB_STR(p, n)		((struct db_param){ .type = DBP_STR, .ptr = (p), .len = (n) })
#define DB_CSTR(p)		DB_STR((p), strlen(p))
#define DB_BLOB(p, n)		((struct db_param){ .type = DBP_BLOB, .ptr = (p), .len = (n) })
#define DB_U64(v)		((struct db_param){ .type = DBP_U64, .u = (v) })
#define DB_I64(v)		((struct db_param){ .type = DBP_I64, .i = (v) })
/* A nullable text value. */
#define DB_STR_OR_NULL(p, n)	((p) ? DB_STR((p), (n)) : DB_NULL())

/* Most columns one result row may have. */
#define DB_MAX_COLS	48

struct db_row {
	unsigned	 ncols;
	const char	*val[DB_MAX_COLS];	/* NUL-terminated; NULL for SQL NULL */
	unsigned long	 len[DB_MAX_COLS];
};

/*
 * Connect.  sql[] (nstmts entries) is borrowed and must outlive the handle.
 * Returns NULL with errbuf filled and *errp set (CB_ERR_DB_GONE when the
 * server cannot be reached, CB_ERR_NOMEM, CB_ERR_DB) on failure.
 */
struct db	*db_open(const struct db_conf *conf, const char *const *sql,
		    unsigned nstmts, enum cb_err *errp, char *errbuf, size_t errlen);
void		 db_close(struct db *);

/* Close and reopen the connection; statements are re-prepared on next use. */
enum cb_err	 db_reconnect(struct db *);
/* Cheap liveness check (mysql_ping); reconnects once if needed. */
enum cb_err	 db_ping(struct db *);

/*
 * Execute statement idx with the given parameters.  For SELECTs the result
 * is buffered client-side and read with db_fetch().  Returns CB_OK or the
 * mapped error (CB_ERR_DB_RETRY on deadlock/lock wait timeout, CB_ERR_DB_GONE
 * on lost connection, CB_ERR_CONFLICT on duplicate key, else CB_ERR_DB).
 */
enum cb_err	 db_exec(struct db *, unsigned idx, const struct db_param *params,
		    unsigned nparams);
#define DB_EXEC(db, idx, ...) \
	db_exec((db), (idx), (const struct db_param[]){ __VA_ARGS__ }, \
	    sizeof((const struct db_param[]){ __VA_ARGS__ }) / sizeof(struct db_param))
#define DB_EXEC0(db, idx)	db_exec((db), (idx), NULL, 0)

/*
 * Prepares statement idx now if it is not prepared yet (db_exec does it
 * on first use).  Returns CB_OK, or the server's verdict (CB_ERR_DB for a
 * statement the schema refuses, with db_error() saying why).
 */
enum cb_err	 db_prepare(struct db *, unsigned idx);
/* Result columns and '?' parameters of prepared statement idx (0 when it
 * is not prepared or has none). */
unsigned	 db_result_cols(const struct db *, unsigned idx);
unsigned	 db_param_count(const struct db *, unsigned idx);

/* Next row of the last db_exec of idx: 1 row, 0 no more rows, -1 error. */
int		 db_fetch(struct db *, unsigned idx, struct db_row *row);
/* Release the buffered result of idx early (db_exec does it too). */
void		 db_done(struct db *, unsigned idx);

uint64_t	 db_affected(struct db *, unsigned idx);
uint64_t	 db_insert_id(struct db *, unsigned idx);

/*
 * The session's innodb_lock_wait_timeout in seconds as this handle knows
 * it, and the base value it was opened with (conf.lock_wait_timeout, or
 * the server's default).  db_lock_wait_set() changes the session's value
 * (a no-op when it is already that); it needs conf.lock_wait_stmt.
 * Returns CB_OK or a store error.
 */
unsigned	 db_lock_wait(const struct db *);
unsigned	 db_lock_wait_base(const struct db *);
enum cb_err	 db_lock_wait_set(struct db *, unsigned seconds);

/* The server's max_allowed_packet in bytes, read at (re)connect: no value
 * of one statement may come near it. */
unsigned long	 db_max_packet(const struct db *);

/* Run a statement without values (DDL, START TRANSACTION, ...). */
enum cb_err	 db_query_plain(struct db *, const char *sql);

enum cb_err	 db_begin(struct db *);
enum cb_err	 db_commit(struct db *);
void		 db_rollback(struct db *);

/*
 * Run fn(db, arg) inside a transaction and commit.  A CB_ERR_DB_RETRY from
 * fn or from COMMIT rolls back and runs the whole transaction again, up to
 * the configured number of retries, with a short random backoff.  A lost
 * connection before COMMIT is reconnected and retried once.  A connection
 * lost during COMMIT is reconnected and returned as CB_ERR_DB_UNKNOWN:
 * the transaction may or may not have committed, so it is never blindly
 * repeated; the caller finds out from what it wrote.  Any other error
 * rolls back and returns.  fn must be repeatable: it may run several times.
 * Each transaction runs with the session's base lock wait.
 */
typedef enum cb_err (*db_txn_fn)(struct db *, void *arg);
enum cb_err	 db_txn(struct db *, db_txn_fn fn, void *arg);

/*
 * db_txn bounded by deadline_ms (monotonic, monotime_ms(); 0 = none): an
 * attempt starts only with at least DB_TXN_MIN_ATTEMPT_MS left, its lock
 * waits are cut to fit the time left, and no backoff sleeps past the
 * deadline.  Returns CB_ERR_TIMEOUT when the deadline stopped it (rolled
 * back: nothing written), else as db_txn.
 */
#define DB_TXN_MIN_ATTEMPT_MS	1500
enum cb_err	 db_txn_until(struct db *, uint64_t deadline_ms, db_txn_fn fn,
		    void *arg);

/* The last server error: number and message (for logs, never for clients). */
unsigned	 db_errno(const struct db *);
const char	*db_error(const struct db *);

/* Map a MySQL/MariaDB error number to the project's error enum. */
enum cb_err	 db_map_errno(unsigned mysql_errno);

/* Column helpers on a fetched row: strict conversions, false on NULL/garbage. */
bool		 db_col_u64(const struct db_row *, unsigned col, uint64_t *out);
bool		 db_col_i64(const struct db_row *, unsigned col, int64_t *out);

#endif
