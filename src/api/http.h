/*
 * http.h - the request and response of one chainbridge-api call, and the
 * helpers every handler uses to answer.
 *
 * The worker (worker.c) fills a struct req from the FastCGI parameters and
 * runs the pipeline of docs/api-auth.md and docs/api.md before a handler sees
 * it: route match, query key whitelist, authentication and scope, content
 * type, body cap, Idempotency-Key syntax.  A handler then only validates
 * its own JSON, does its work, and fills a struct resp through one of the
 * helpers below, returning the HTTP status it set:
 *
 *	int
 *	h_tokens_list(struct req *req, struct resp *resp)
 *	{
 *		...
 *		if (err == CB_ERR_DB_GONE)
 *			return http_store_unavailable(resp);
 *		if (err != CB_OK)
 *			return http_internal_error(resp, "tokens_list", err);
 *		return http_json(resp, 200, obj);
 *	}
 *
 * Every response gets Content-Type (application/json unless the handler
 * sets content_type), Cache-Control: no-store and
 * X-Content-Type-Options: nosniff from one place (http_write_head).
 */
#ifndef CB_API_HTTP_H
#define CB_API_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"

enum http_method {
	HTTP_GET,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_HEAD,
	HTTP_OTHER,
	HTTP_METHOD__MAX
};

#define ROUTE_MAX_PARAMS	4
#define HTTP_PATH_MAX		2048	/* bytes of path; longer -> 414 */
#define HTTP_QUERY_MAX		4096	/* bytes of query string; longer -> 414 */
#define HTTP_QUERY_MAX_PAIRS	32	/* key=value pairs; more -> 400 */
#define HTTP_IDEM_KEY_MAX	255	/* Idempotency-Key bytes */
#define HTTP_RESP_MAX		(64u * 1024 * 1024)	/* response body cap */
#define HTTP_RETRY_AFTER	5	/* s, Retry-After of a 503 */

struct worker;
struct route;

struct http_qpair {
	const char	*key;		/* percent-decoded, NUL-terminated */
	size_t		 key_len;
	const char	*val;		/* percent-decoded, NUL-terminated */
	size_t		 val_len;
};

struct req {
	enum http_method	 method;
	const char		*path;	/* raw path without query, NUL-terminated */
	const struct route	*route;	/* the matched route (name, pattern) */
	/* {param} values in pattern order, percent-decoded, NUL-terminated */
	const char		*params[ROUTE_MAX_PARAMS];
	size_t			 param_len[ROUTE_MAX_PARAMS];
	/* Already read, at most [api] max_body bytes, NUL-terminated; the
	 * content type was checked when the route takes a body.  NULL/0
	 * when there is none (and always for GET). */
	const char		*body;
	size_t			 body_len;
	/* Idempotency-Key header, syntax checked; NULL if absent. */
	const char		*idempotency_key;
	size_t			 idempotency_key_len;
	/* Set by auth (APIKEY_SCOPE_* bits); 0/0 on routes without auth. */
	uint32_t		 api_key_id;
	unsigned		 scopes;
	/* The worker: w->db (struct db *), w->cfg (const struct config *). */
	struct worker		*w;
	/* When the worker accepted the request (monotime_ms()): deadlines
	 * such as [api] write_timeout_ms count from here. */
	uint64_t		 started_ms;
	/* The parsed query string (see req_query). */
	struct http_qpair	 query[HTTP_QUERY_MAX_PAIRS];
	size_t			 nquery;
};

/*
 * Looks key up in the query string.  Returns true and stores the
 * percent-decoded value (NUL-terminated, borrowed from req, may be empty)
 * in *val and its length in *len (either may be NULL); false if absent.
 * A key given twice is rejected before the handler runs (400
 * duplicate_query_parameter), so there is at most one value.
 */
bool req_query(const struct req *req, const char *key, const char **val,
    size_t *len);

struct resp {
	int		 status;
	struct buf	 body;		/* JSON text (capped at HTTP_RESP_MAX) */
	char		 allow[64];	/* Allow header of a 405, "" if none */
	unsigned	 retry_after;	/* Retry-After seconds, 0 = none */
	bool		 idempotent_replayed;	/* Idempotent-Replayed: true */
	bool		 www_authenticate;	/* WWW-Authenticate: Bearer */
	const char	*content_type;	/* NULL = application/json */
	char		 location[256];	/* Location header, "" if none */
};

/* Makes resp empty (status 0, empty body capped at HTTP_RESP_MAX). */
void resp_init(struct resp *resp);
/* Empties resp again, keeping the body's memory. */
void resp_reset(struct resp *resp);
/* Frees the body.  NULL-safe. */
void resp_free(struct resp *resp);

typedef int (*handler_fn)(struct req *, struct resp *);	/* returns the status it set */

/*
 * Builds the error body (docs/api.md) {"error":{"code":..,"message":..,
 * "details":{..}}} into resp (replacing any body) and sets status.
 * details may be NULL (omitted); it is borrowed, not consumed.  code and
 * message are escaped.  Returns status.  If even the error body cannot be
 * built (no memory), resp holds a fixed 500 body and 500 is returned.
 */
int http_error(struct resp *resp, int status, const char *code,
    const char *message, json_object *details);

/*
 * A validation error from src/lib/core/json.h: 400 with code err->code,
 * message err->message and details {"field": err->path}.  Returns 400.
 */
int http_error_verr(struct resp *resp, const struct json_verr *err);

/*
 * Sets status and serialises obj (borrowed, not consumed) compactly into
 * resp->body.  Returns status, or the 500 of http_internal_error when the
 * body cannot be built.
 */
int http_json(struct resp *resp, int status, json_object *obj);

/*
 * For a handler that wrote its JSON into resp->body itself: sets status
 * and returns it.
 */
int http_status(struct resp *resp, int status);

/* 503 store_unavailable with Retry-After; the worker reconnects on the
 * next request.  Returns 503. */
int http_store_unavailable(struct resp *resp);

/*
 * 500 internal_error with a generic message; logs event and the error
 * name (never sent to the client).  A CB_ERR_DB_GONE becomes
 * http_store_unavailable() instead, and so does CB_ERR_DB_UNKNOWN (a
 * COMMIT whose answer was lost): only for work that is safe to repeat -
 * a ledger write answers that case itself.  CB_ERR_TIMEOUT and an
 * exhausted CB_ERR_DB_RETRY are 503 store_busy with Retry-After: 1
 * (rolled back, nothing written).  Returns the status set.
 */
int http_internal_error(struct resp *resp, const char *event, enum cb_err err);

/* "GET" -> HTTP_GET ...; HTTP_OTHER for anything else or NULL. */
enum http_method http_method_parse(const char *s);
/* HTTP_GET -> "GET" ...; "OTHER" for HTTP_OTHER or out of range. */
const char *http_method_name(enum http_method method);
/* The reason phrase of status ("OK", "Not Found"; "Unknown" if unknown). */
const char *http_status_text(int status);

/*
 * True if content_type (the CONTENT_TYPE parameter, may be NULL) is
 * application/json, case-insensitively, optionally followed by
 * parameters where only charset=utf-8 (any case, optionally quoted) is
 * accepted.
 */
bool http_content_type_is_json(const char *content_type);

/*
 * True if key[0..len) is a valid Idempotency-Key: 1..HTTP_IDEM_KEY_MAX
 * bytes of printable ASCII (0x20..0x7e).
 */
bool http_idempotency_key_valid(const char *key, size_t len);

/*
 * Percent-decodes s[0..len) into dst (cap bytes, result NUL-terminated).
 * plus_is_space turns '+' into ' ' (query strings).  Returns the decoded
 * length, or (size_t)-1 on a malformed escape, when the result does not fit,
 * or when the decoded bytes hold a NUL.
 */
size_t http_percent_decode(const char *s, size_t len, char *dst, size_t cap,
    bool plus_is_space);

/*
 * Splits the raw query string q[0..len) into req->query, decoding into
 * storage (cap bytes, at least len + HTTP_QUERY_MAX_PAIRS * 2).  Returns 0,
 * or fills resp with a 400 (invalid_query_string,
 * duplicate_query_parameter, too many pairs) and returns 400.
 */
int http_parse_query_or_reply(struct req *req, const char *q, size_t len,
    char *storage, size_t cap, struct resp *resp);

/*
 * Renders the response head (Status, Content-Type, security headers and
 * the optional ones of resp) into out, for the worker to write before the
 * body.  Returns CB_OK or CB_ERR_TOO_LARGE.
 */
enum cb_err http_write_head(const struct resp *resp, struct buf *out);

#endif
