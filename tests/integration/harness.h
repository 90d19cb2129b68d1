/*
 * harness.h - what the integration tests share: the running stack's
 * environment, HTTP requests through nginx (libcurl), direct SQL on the
 * stack's MariaDB (libmariadb), API keys from chainbridge-admin, concurrent
 * clients, and control of the processes (workers, MariaDB).
 *
 * The stack is described by the variables of .stack/env (written by
 * `scripts/stack up`).  They are taken from the process environment, or,
 * when CHAINBRIDGE_URL is not set there, from $CB_SRCDIR/.stack/env.
 * Without a live stack harness_require_stack() exits 77 (skip) unless
 * CB_REQUIRE_STACK=1, when it fails (exit 99).
 *
 * Test-only code: helpers whose name does not start with "try" abort the
 * test process (with a message on stderr) when the stack misbehaves, so
 * a test never continues on a broken premise.  Fixed SQL strings only.
 */
#ifndef CB_TEST_HARNESS_H
#define CB_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

struct harness_env {
	const char	*url;		/* CHAINBRIDGE_URL, "http://127.0.0.1:18080" */
	const char	*api_key;	/* CHAINBRIDGE_API_KEY (read,write,admin) */
	const char	*db_socket;	/* CHAINBRIDGE_DB_SOCKET */
	const char	*db_name;	/* CHAINBRIDGE_DB_NAME */
	const char	*conf;		/* CHAINBRIDGE_CONF */
	const char	*state_dir;	/* CHAINBRIDGE_STATE_DIR (.stack) */
	const char	*build_dir;	/* CHAINBRIDGE_BUILD_DIR */
	const char	*api_socket;	/* CHAINBRIDGE_API_SOCKET */
	const char	*srcdir;	/* CB_SRCDIR */
	pid_t		 api_pid;	/* CHAINBRIDGE_API_PID (the master) */
	pid_t		 mariadb_pid;	/* MARIADB_PID (updated by harness_db_start) */
};

/* The environment (valid after harness_require_stack). */
const struct harness_env *harness_env(void);

/*
 * Loads the environment and checks the stack answers (API master alive,
 * GET /healthz gives any HTTP answer).  Exits 77 when there is no stack,
 * or 99 when CB_REQUIRE_STACK=1.  Call first in main().  Also sets up
 * libcurl and libmariadb for the process.
 */
void harness_require_stack(void);

/* An environment variable of the stack (NULL if unset). */
const char *harness_getenv(const char *name);

/* ------------------------------------------------------------------ HTTP */

#define HRESP_HEADERS_MAX	8192

struct hresp {
	long		 status;	/* 0 if the request failed at transport */
	char		*body;		/* NUL-terminated, malloc'd (may be "") */
	size_t		 len;
	json_object	*json;		/* body parsed, or NULL if not JSON */
	char		 headers[HRESP_HEADERS_MAX];	/* raw header lines */
	size_t		 headers_len;
	double		 seconds;	/* total time of the request */
};

/*
 * Sends method path (relative to the stack URL, "/api/v1/tokens?x=1")
 * with an optional bearer key (NULL = no Authorization header), content
 * type (NULL = no Content-Type header) and body (NULL = none; len bytes,
 * or strlen(body) when len is (size_t)-1), plus extra_headers (a
 * NULL-terminated list of "Name: value", or NULL).  Fills out (which the
 * caller releases with hresp_free).  Returns 0, or -1 on a transport
 * error (out->status 0, message on stderr).  Thread-safe: each thread
 * keeps its own connection.
 */
int hreq(const char *method, const char *path, const char *api_key,
    const char *content_type, const char *body, size_t len,
    const char *const extra_headers[], struct hresp *out);

/* Shorthands: GET with a key; POST application/json with a key. */
int hget(const char *path, const char *api_key, struct hresp *out);
int hpost_json(const char *path, const char *api_key, const char *body,
    struct hresp *out);

/* Frees what hreq filled in.  NULL-safe; out may be reused after it. */
void hresp_free(struct hresp *out);

/*
 * Copies the value of the first response header called name
 * (case-insensitive; of the final response) into val (cap bytes).
 * Returns true if found.
 */
bool hresp_header(const struct hresp *r, const char *name, char *val,
    size_t cap);

/* The error code of an error body (docs/api.md) ("not_found"), or NULL. */
const char *hresp_error_code(const struct hresp *r);

/* A string member by dotted path ("error.details.field"), or NULL. */
const char *hresp_str(const struct hresp *r, const char *dotted);

/* ---------------------------------------------------------------- store */

/* Runs sql and returns the first column of the first row as a number
 * (NULL reads as 0).  Aborts on any error. */
uint64_t hdb_scalar_u64(const char *sql);

/* Runs sql and copies the first column of the first row into out (cap
 * bytes); returns false when there is no row or it is NULL. */
bool hdb_scalar_str(const char *sql, char *out, size_t cap);

/* Runs sql (no result expected) and returns the affected rows.  Aborts
 * on error. */
uint64_t hdb_exec(const char *sql);

#define HDB_MAX_PARAMS	16
/* Runs sql as a prepared statement with its '?' placeholders bound to the
 * strings params[0..nparams) (values never go into the SQL text).  The
 * first column of the first row, if any, goes to out (cap bytes; out may be
 * NULL) and *found (may be NULL) says whether there was one.  Returns the
 * affected rows.  Aborts on any error. */
uint64_t hdb_prepared(const char *sql, const char *const *params, unsigned nparams,
    char *out, size_t cap, bool *found);

/* ------------------------------------------------------------ API keys */

/*
 * Creates an API key with scopes ("read", "read,write", ...) through
 * `chainbridge-admin -c CONF apikey create --name NAME --scopes SCOPES`,
 * with a unique name (copied into name_out when not NULL).  Returns the
 * key, malloc'd (free it).  Aborts on failure.
 */
char *harness_apikey(const char *scopes);
char *harness_apikey_named(const char *scopes, char *name_out, size_t cap);

/* Revokes the key called name (chainbridge-admin apikey revoke). */
void harness_apikey_revoke(const char *name);

/* Runs argv[] (argv[0] a path), waits and returns its exit status (-1 if
 * it did not exit normally); its stdout, up to cap - 1 bytes, lands in out
 * when out is not NULL. */
int harness_run(const char *const argv[], char *out, size_t cap);

/* --------------------------------------------------------- concurrency */

/*
 * Runs fn(index, arg) in nclients threads at once (each released at the
 * same moment) and waits for all.  Each thread's hreq calls use its own
 * connection.  Returns 0, or -1 if a thread could not be started.
 */
int harness_parallel(unsigned nclients, void (*fn)(unsigned index, void *arg),
    void *arg);

/* ----------------------------------------------------------- processes */

/* The live child processes of pid (the API workers of the master) into
 * out (cap entries); returns how many. */
size_t harness_children(pid_t pid, pid_t *out, size_t cap);

/* True if pid is alive (and not a zombie). */
bool harness_pid_alive(pid_t pid);

/*
 * Stops the stack's MariaDB (SIGTERM, waits until it exited; its command
 * line is kept for harness_db_start).  Aborts if it does not stop.
 */
void harness_db_stop(void);

/*
 * Starts MariaDB again with the same command line, records the new PID
 * in $CHAINBRIDGE_STATE_DIR/pids/mariadb.{pid,start} so `scripts/stack
 * down` stops it, and waits until it answers.  Aborts on failure.
 */
void harness_db_start(void);

/*
 * Stops the stack's chainbridge-chaind (the process recorded in
 * $CHAINBRIDGE_STATE_DIR/pids/chaind.pid: SIGTERM, waits until it exited,
 * keeps its command line) so that a test can run daemons of its own.
 * Does nothing when none runs.  harness_chaind_start() starts it again
 * with the same command line and records the new PID for `scripts/stack
 * down`; it does nothing when harness_chaind_stop() stopped nothing.
 * Both abort on failure.
 */
void harness_chaind_stop(void);
void harness_chaind_start(void);

/*
 * Integration tests share one stack.  harness_require_stack() takes a
 * shared lock on $CHAINBRIDGE_STATE_DIR/tests.lock for the life of the
 * process; a test that disturbs the stack (stops MariaDB, kills workers,
 * reloads the API) calls harness_exclusive() first: it waits until no
 * other integration test runs and keeps new ones waiting until this
 * process exits.  Aborts if the lock cannot be taken.
 */
void harness_exclusive(void);

/* Sleeps ms milliseconds. */
void harness_sleep_ms(unsigned ms);

/* Monotonic milliseconds. */
uint64_t harness_now_ms(void);

#endif
