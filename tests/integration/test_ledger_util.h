/*
 * test_ledger_util.h - what the ledger integration tests share: unique
 * names per run, write helpers, assertions on error bodies, and row
 * counts of every table a request could write.
 *
 * Test-only code on top of harness.h.  Identifiers put into SQL are made
 * by the tests themselves from [A-Za-z0-9_] only.
 */
#ifndef CB_TEST_LEDGER_UTIL_H
#define CB_TEST_LEDGER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

#define LT_NAME_MAX	96
/* Longer than a worker keeps registry entries (LEDGER_CACHE_TTL_MS): after
 * this long every worker has seen a registry change. */
#define LEDGER_TEST_CACHE_MS	1200

/* A name unique to this test run and tag: "<tag>_<pid>_<ms>_<n>". */
void		 lt_name(char *out, size_t cap, const char *tag);

/* POST application/json body to path with key and optional
 * Idempotency-Key (NULL = none).  Aborts on a transport error. */
void		 lt_post(const char *path, const char *key, const char *idem,
		    const char *body, struct hresp *r);
/* GET path with key.  Aborts on a transport error. */
void		 lt_get(const char *path, const char *key, struct hresp *r);

/*
 * Checks r is an error with that status and code, a message, and (when
 * field is not NULL) details.field equal to field.
 */
void		 lt_assert_error(const struct hresp *r, long status, const char *code,
		    const char *field);

/* Credits (or debits, with a '-' amount) user with one adjust row of
 * reason "adjustment"; asserts 201. */
void		 lt_adjust(const char *key, const char *user, const char *symbol,
		    const char *amount);

/* The pending balance of user in symbol as the API shows it ("0.0" if none). */
void		 lt_pending(const char *key, const char *user, const char *symbol,
		    char *out, size_t cap);

/* Sum of the rows of every table a ledger request may write. */
uint64_t	 lt_rows(void);

/* The ledger rows of one user: changes, balances, wallets. */
uint64_t	 lt_user_rows(const char *user);

/* A string member of a JSON object (NULL if absent or not a string). */
const char	*lt_str(json_object *obj, const char *key);

/* The i-th element of array member key of obj (NULL if absent). */
json_object	*lt_idx(json_object *obj, const char *key, size_t i);

/* Length of array member key of obj (0 if absent). */
size_t		 lt_len(json_object *obj, const char *key);

/*
 * Run sql as a prepared statement: the strings after it, up to a NULL,
 * are bound to its '?' placeholders in order.  lt_sql_u64 returns the
 * first column of the first row (0 if none), lt_sql_exec the affected
 * rows, lt_sql_str copies the first column into out (false if none).
 */
uint64_t	 lt_sql_u64(const char *sql, ...) __attribute__((sentinel));
uint64_t	 lt_sql_exec(const char *sql, ...) __attribute__((sentinel));
bool		 lt_sql_str(char *out, size_t cap, const char *sql, ...)
		    __attribute__((sentinel));

/*
 * A store session of the test's own (root over the stack's socket, READ
 * COMMITTED like the API's), to hold locks and open transactions while
 * requests run.  lt_session_exec runs sql as a prepared statement with the
 * strings after it, up to a NULL, bound to its placeholders; it aborts the
 * test on error.  lt_session_try returns the MariaDB error number instead
 * (0 on success).  Each session belongs to one thread.
 */
struct lt_session;
struct lt_session *lt_session_open(void);
void		 lt_session_exec(struct lt_session *s, const char *sql, ...)
		    __attribute__((sentinel));
unsigned	 lt_session_try(struct lt_session *s, const char *sql, ...)
		    __attribute__((sentinel));
void		 lt_session_close(struct lt_session *s);

/*
 * Waits until at least n sessions of the store have been executing a
 * prepared statement whose text starts with prefix for 300 ms or more (up
 * to timeout_ms): requests lined up behind a lock.  Returns whether they
 * were.
 */
bool		 lt_wait_statements(const char *prefix, unsigned n, unsigned timeout_ms);

/*
 * Runs the stack's API with changed settings: rewrites the stack's
 * configuration file with settings ("section.key=value", NULL-terminated;
 * a key that is there is replaced, another one added to its section) and
 * reloads the API (SIGHUP), waiting until every worker was replaced.  The
 * caller must hold harness_exclusive().  lt_api_restore() puts the
 * original file back and reloads again; it also runs at exit and when the
 * test process aborts, so a failing test does not leave the stack
 * changed.
 */
void		 lt_api_reconfigure(const char *const settings[]);
void		 lt_api_restore(void);

/* A random lower-case address "0x" + 40 hex digits (out >= 43 bytes). */
void		 lt_address(char *out, size_t cap);

/* Registers a fresh token (unique symbol written to sym, random address)
 * with decimals through the admin route; asserts 201. */
void		 lt_new_token(const char *admin_key, unsigned decimals, char *sym,
		    size_t cap);

#endif
