/*
 * rpc_transport.h - JSON-RPC 2.0 over HTTP(S) with libcurl: the client,
 * its options, single calls and batches.
 *
 * One struct rpc_client holds one reused curl easy handle (keep-alive) and
 * is used by one thread at a time.  Every exchange is bounded: response
 * size, JSON depth, batch length.
 *
 * Retries: a request is sent again, with exponential backoff, only when
 * the transport failed (connect failure, timeout, reset, empty reply) or
 * the node answered HTTP 429 or 5xx.  A JSON-RPC error object is never
 * retried, nor is any other HTTP 4xx.
 *
 * Process setup: call rpc_global_init() once from main() before any thread
 * is started and before the first rpc_client_new(); rpc_global_cleanup()
 * at exit.
 */
#ifndef CB_RPC_TRANSPORT_H
#define CB_RPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/err.h"
#include "eth/rpc_error.h"

/* Defaults of struct rpc_opts. */
#define RPC_DEFAULT_CONNECT_TIMEOUT_MS	5000L
#define RPC_DEFAULT_TIMEOUT_MS		30000L
#define RPC_DEFAULT_MAX_RETRIES		3U
#define RPC_DEFAULT_BACKOFF_BASE_MS	250L
#define RPC_DEFAULT_MAX_RESPONSE_BYTES	((size_t)16 * 1024 * 1024)
#define RPC_DEFAULT_MAX_LOGS		((size_t)10000)
#define RPC_DEFAULT_MAX_DATA_BYTES	((size_t)4 * 1024 * 1024)
#define RPC_DEFAULT_MAX_BATCH		((size_t)1000)

/* Longest wait between two attempts (also caps a server's Retry-After). */
#define RPC_BACKOFF_MAX_MS		30000L
/* Nesting depth accepted in a response. */
#define RPC_JSON_MAX_DEPTH		64

/*
 * A client's options.  The transport uses the timeouts, retries, response
 * cap and batch cap; the result parsers (rpc_parse.h) use max_logs and
 * max_data_bytes.
 */
struct rpc_opts {
	long	 connect_timeout_ms;	/* TCP/TLS connect, > 0 */
	long	 timeout_ms;		/* whole attempt, > 0 */
	unsigned max_retries;		/* attempts after the first */
	long	 backoff_base_ms;	/* first retry delay, doubled each retry, >= 0 */
	size_t	 max_response_bytes;	/* HTTP body cap, > 0 */
	size_t	 max_logs;		/* logs in one eth_getLogs answer or receipt */
	size_t	 max_data_bytes;	/* decoded DATA: log data, tx input, eth_call */
	size_t	 max_batch;		/* requests in one batch, > 0 */
};

struct rpc_client;
struct rpc_batch;

/*
 * Initialises libcurl for the whole process.  Call once from main() before
 * starting threads; later calls are no-ops.  Returns CB_OK or
 * CB_ERR_INTERNAL.
 */
enum cb_err	rpc_global_init(void);

/* Releases libcurl's global state; call at exit after every client is freed. */
void		rpc_global_cleanup(void);

/* Fills o with the defaults (RPC_DEFAULT_*). */
void		rpc_opts_init(struct rpc_opts *o);

/*
 * Creates a client for the http:// or https:// url with the options (NULL:
 * defaults; they are copied).  Returns NULL when the url or an option is
 * invalid or on allocation failure.  Free with rpc_client_free().
 */
struct rpc_client *rpc_client_new(const char *url, const struct rpc_opts *opts);

/* Frees the client and wipes its copy of the url.  NULL-safe. */
void		rpc_client_free(struct rpc_client *c);

/* Returns the client's options (borrowed, valid while the client lives). */
const struct rpc_opts *rpc_client_opts(const struct rpc_client *c);

/*
 * Generic call: sends method with params (a JSON array, borrowed; NULL
 * means []) and on CB_OK stores the result in *result as a new reference
 * the caller releases with json_object_put(); a JSON null result is stored
 * as NULL.  Returns CB_ERR_RPC (err filled from the node's error object),
 * CB_ERR_RPC_TRANSPORT, CB_ERR_TOO_LARGE (response over the cap),
 * CB_ERR_INVALID (bad method name, malformed answer or wrong id) or
 * CB_ERR_NOMEM; err (NULL allowed) says why.
 */
enum cb_err	rpc_call(struct rpc_client *c, const char *method,
		    json_object *params, json_object **result,
		    struct rpc_error *err);

/*
 * Batches: add requests, send them as one JSON array, read the results by
 * index (responses are matched by id, in any order).
 *
 * rpc_batch_new returns an empty batch or NULL on allocation failure.
 * rpc_batch_add appends method(params) (params borrowed, NULL for []) and
 * stores its index in *index if not NULL: CB_OK, CB_ERR_INVALID (bad
 * method name or params) or CB_ERR_NOMEM.
 * rpc_batch_send sends all requests; it may be called again to resend.  It
 * returns CB_OK when the node answered an array (each entry then has its
 * own status), CB_ERR_TOO_LARGE for an empty batch or one over max_batch,
 * CB_ERR_RPC when the node rejected the whole batch with one error object,
 * or an error as rpc_call.
 * rpc_batch_result gives entry i's status: CB_OK with *result borrowed from
 * the batch (NULL for a JSON null; valid until the next send or free),
 * CB_ERR_RPC with err filled, CB_ERR_INVALID when the node sent no or a
 * malformed answer for it, CB_ERR_INTERNAL if not sent or i is out of range.
 */
struct rpc_batch *rpc_batch_new(void);
enum cb_err	rpc_batch_add(struct rpc_batch *b, const char *method,
		    json_object *params, size_t *index);
size_t		rpc_batch_count(const struct rpc_batch *b);
enum cb_err	rpc_batch_send(struct rpc_client *c, struct rpc_batch *b,
		    struct rpc_error *err);
enum cb_err	rpc_batch_result(const struct rpc_batch *b, size_t i,
		    json_object **result, struct rpc_error *err);
/* Frees the batch and its results.  NULL-safe. */
void		rpc_batch_free(struct rpc_batch *b);

#endif
