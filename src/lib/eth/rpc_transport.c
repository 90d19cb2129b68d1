/*
 * rpc_transport.c - JSON-RPC 2.0 over libcurl.
 *
 * Layout: process setup, client, the HTTP exchange with retries, the
 * response envelope, single calls, batches.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "eth/rpc_transport.h"

/* Longest accepted url and method name. */
#define RPC_URL_MAX		4096
#define RPC_METHOD_MAX		128

struct rpc_client {
	CURL			*curl;
	struct curl_slist	*headers;
	char			*url;
	struct rpc_opts		 opts;
	uint64_t		 next_id;
	struct buf		 resp;
	enum cb_err		 write_err;	/* set when the write callback refused data */
	char			 curl_errbuf[CURL_ERROR_SIZE];
};

struct rpc_batch_entry {
	char		 *method;
	json_object	 *params;	/* own reference */
	uint64_t	  id;
	enum cb_err	  status;
	json_object	 *result;	/* own reference; NULL for JSON null */
	struct rpc_error *err;		/* heap, only for failed entries */
};

struct rpc_batch {
	struct rpc_batch_entry	*entries;
	size_t			 count;
	size_t			 cap;
	bool			 sent;
};

/* ---- process setup ---------------------------------------------------- */

static pthread_once_t rpc_init_once = PTHREAD_ONCE_INIT;
static CURLcode rpc_init_code = CURLE_FAILED_INIT;

static void
rpc_global_init_run(void)
{
	rpc_init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Initialises libcurl once per process; see rpc_transport.h. */
enum cb_err
rpc_global_init(void)
{
	if (pthread_once(&rpc_init_once, rpc_global_init_run) != 0)
		return CB_ERR_INTERNAL;
	return rpc_init_code == CURLE_OK ? CB_OK : CB_ERR_INTERNAL;
}

/* Releases libcurl's global state; see rpc_transport.h. */
void
rpc_global_cleanup(void)
{
	curl_global_cleanup();
}

/* ---- options and client ----------------------------------------------- */

/* Fills o with the defaults; see rpc_transport.h. */
void
rpc_opts_init(struct rpc_opts *o)
{
	o->connect_timeout_ms = RPC_DEFAULT_CONNECT_TIMEOUT_MS;
	o->timeout_ms = RPC_DEFAULT_TIMEOUT_MS;
	o->max_retries = RPC_DEFAULT_MAX_RETRIES;
	o->backoff_base_ms = RPC_DEFAULT_BACKOFF_BASE_MS;
	o->max_response_bytes = RPC_DEFAULT_MAX_RESPONSE_BYTES;
	o->max_logs = RPC_DEFAULT_MAX_LOGS;
	o->max_data_bytes = RPC_DEFAULT_MAX_DATA_BYTES;
	o->max_batch = RPC_DEFAULT_MAX_BATCH;
}

static bool
rpc_opts_valid(const struct rpc_opts *o)
{
	/* The body goes to json-c as an int length. */
	return o->connect_timeout_ms > 0 && o->timeout_ms > 0 &&
	    o->backoff_base_ms >= 0 && o->max_response_bytes > 0 &&
	    o->max_response_bytes <= (size_t)INT_MAX && o->max_logs > 0 &&
	    o->max_batch > 0;
}

static size_t
rpc_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct rpc_client *c = userdata;
	size_t n = size * nmemb;
	enum cb_err rc;

	rc = buf_append(&c->resp, ptr, n);
	if (rc != CB_OK) {
		/* Returning short makes curl abort the transfer. */
		c->write_err = rc;
		return 0;
	}
	return n;
}

/* Creates a client; see rpc_transport.h. */
struct rpc_client *
rpc_client_new(const char *url, const struct rpc_opts *opts)
{
	struct rpc_client *c = NULL;
	struct curl_slist *h;
	size_t url_len;
	CURLcode cc = CURLE_OK;
	bool ok = false;

	if (url == NULL)
		goto out;
	url_len = strnlen(url, RPC_URL_MAX);
	if (url_len == 0 || url_len >= RPC_URL_MAX)
		goto out;
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)
		goto out;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto out;
	if (opts != NULL)
		c->opts = *opts;
	else
		rpc_opts_init(&c->opts);
	if (!rpc_opts_valid(&c->opts))
		goto out;
	buf_init(&c->resp, c->opts.max_response_bytes);
	c->next_id = 1;
	if ((c->url = strndup(url, url_len)) == NULL)
		goto out;
	if ((c->curl = curl_easy_init()) == NULL)
		goto out;

	h = curl_slist_append(NULL, "Content-Type: application/json");
	if (h == NULL)
		goto out;
	c->headers = h;
	/* "Expect:" keeps curl from waiting for 100-continue on big bodies. */
	if ((h = curl_slist_append(c->headers, "Accept: application/json")) == NULL ||
	    (h = curl_slist_append(c->headers, "Expect:")) == NULL)
		goto out;

	/* Each setopt only stores a value; check them all at once. */
	cc |= curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
	cc |= curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	cc |= curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	cc |= curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
	cc |= curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);
	cc |= curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, rpc_write_cb);
	cc |= curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	cc |= curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->curl_errbuf);
	cc |= curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    c->opts.connect_timeout_ms);
	cc |= curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->opts.timeout_ms);
	cc |= curl_easy_setopt(c->curl, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)c->opts.max_response_bytes);
	cc |= curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	cc |= curl_easy_setopt(c->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	/* Decoded bytes pass the write callback, so the cap holds after
	 * decompression too. */
	cc |= curl_easy_setopt(c->curl, CURLOPT_ACCEPT_ENCODING, "");
	cc |= curl_easy_setopt(c->curl, CURLOPT_USERAGENT,
	    PACKAGE_NAME "/" PACKAGE_VERSION);
	if (cc != CURLE_OK)
		goto out;
	ok = true;
out:
	if (!ok) {
		rpc_client_free(c);
		c = NULL;
	}
	return c;
}

/* Frees the client; see rpc_transport.h. */
void
rpc_client_free(struct rpc_client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	if (c->url != NULL) {
		/* The url may carry a provider's API key. */
		explicit_bzero(c->url, strlen(c->url));
		free(c->url);
	}
	buf_free(&c->resp);
	free(c);
}

/* Returns the options (borrowed); see rpc_transport.h. */
const struct rpc_opts *
rpc_client_opts(const struct rpc_client *c)
{
	return &c->opts;
}

/* ---- HTTP exchange ---------------------------------------------------- */

static void
rpc_sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static bool
rpc_curl_retryable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* Delay before retry number attempt (0-based), at least what the server
 * asked for with Retry-After, at most RPC_BACKOFF_MAX_MS. */
static long
rpc_backoff_ms(const struct rpc_client *c, unsigned attempt,
    curl_off_t retry_after_s)
{
	long delay = c->opts.backoff_base_ms;
	unsigned i;

	for (i = 0; i < attempt && delay < RPC_BACKOFF_MAX_MS; i++)
		delay *= 2;
	if (retry_after_s > 0 && retry_after_s < RPC_BACKOFF_MAX_MS / 1000 &&
	    retry_after_s * 1000 > delay)
		delay = (long)retry_after_s * 1000;
	else if (retry_after_s >= RPC_BACKOFF_MAX_MS / 1000)
		delay = RPC_BACKOFF_MAX_MS;
	return delay < RPC_BACKOFF_MAX_MS ? delay : RPC_BACKOFF_MAX_MS;
}

/*
 * Parses s[0..len) as one JSON value with the depth cap, nothing but
 * whitespace after it.  Returns CB_OK with *out (an object or array, a new
 * reference), CB_ERR_INVALID or CB_ERR_NOMEM.
 */
static enum cb_err
rpc_json_parse(const char *s, size_t len, json_object **out)
{
	json_tokener *tok;
	json_object *obj = NULL;
	enum cb_err rc = CB_ERR_INVALID;
	size_t end;

	*out = NULL;
	if (len > (size_t)INT_MAX)
		return CB_ERR_TOO_LARGE;
	if ((tok = json_tokener_new_ex(RPC_JSON_MAX_DEPTH)) == NULL)
		return CB_ERR_NOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, s, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success)
		goto out;
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (s[end] != ' ' && s[end] != '\t' && s[end] != '\r' &&
		    s[end] != '\n')
			goto out;
	if (!json_object_is_type(obj, json_type_object) &&
	    !json_object_is_type(obj, json_type_array))
		goto out;
	*out = obj;
	obj = NULL;
	rc = CB_OK;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

/* True if obj is a JSON-RPC response object carrying a non-null error. */
static bool
rpc_has_error_member(json_object *obj)
{
	json_object *e;

	return json_object_is_type(obj, json_type_object) &&
	    json_object_object_get_ex(obj, "error", &e) && e != NULL;
}

/* Message for a failed HTTP status, with the node's own text if it sent a
 * JSON-RPC error object. */
static void
rpc_http_status_message(struct rpc_client *c, long status,
    struct rpc_error *err)
{
	json_object *obj = NULL;
	struct rpc_error tmp;

	if (rpc_json_parse(c->resp.data != NULL ? c->resp.data : "",
	    c->resp.len, &obj) == CB_OK && rpc_has_error_member(obj)) {
		json_object *e = NULL;

		json_object_object_get_ex(obj, "error", &e);
		rpc_error_from_json(e, &tmp);
		rpc_error_setf(err, "HTTP status %ld: %s", status, tmp.message);
	} else
		rpc_error_setf(err, "HTTP status %ld", status);
	json_object_put(obj);
}

/*
 * POSTs body[0..len) with the retry policy and parses the answer.  Returns
 * CB_OK with *out (new reference; an object or array) when the node
 * answered 2xx with JSON, or a non-retryable non-2xx status with a
 * JSON-RPC error object (the caller turns that into CB_ERR_RPC).  Else
 * CB_ERR_RPC_TRANSPORT, CB_ERR_TOO_LARGE, CB_ERR_INVALID or CB_ERR_NOMEM
 * with err->message set.  err->attempts and err->http_status are updated.
 */
static enum cb_err
rpc_post(struct rpc_client *c, const char *body, size_t len,
    json_object **out, struct rpc_error *err)
{
	enum cb_err rc = CB_ERR_INTERNAL;
	unsigned attempt;
	CURLcode cc;
	long status;
	curl_off_t retry_after;
	bool retry;

	*out = NULL;
	err->attempts = 0;
	err->http_status = 0;
	if (curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len) != CURLE_OK) {
		rpc_error_setf(err, "cannot set request body");
		goto out;
	}
	for (attempt = 0;; attempt++) {
		buf_reset(&c->resp);
		c->write_err = CB_OK;
		c->curl_errbuf[0] = '\0';
		retry = false;
		retry_after = 0;
		err->attempts = attempt + 1;

		cc = curl_easy_perform(c->curl);
		if (cc != CURLE_OK) {
			if (c->write_err != CB_OK || cc == CURLE_FILESIZE_EXCEEDED) {
				rc = c->write_err == CB_ERR_NOMEM ?
				    CB_ERR_NOMEM : CB_ERR_TOO_LARGE;
				rpc_error_setf(err, "response over %zu bytes",
				    c->opts.max_response_bytes);
				goto out;
			}
			if (cc == CURLE_OUT_OF_MEMORY) {
				rc = CB_ERR_NOMEM;
				rpc_error_setf(err, "out of memory in transfer");
				goto out;
			}
			rc = CB_ERR_RPC_TRANSPORT;
			rpc_error_setf(err, "transport: %s",
			    c->curl_errbuf[0] != '\0' ? c->curl_errbuf :
			    curl_easy_strerror(cc));
			retry = rpc_curl_retryable(cc);
		} else {
			status = 0;
			curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
			err->http_status = status;
			if (status >= 200 && status < 300) {
				rc = rpc_json_parse(c->resp.data != NULL ?
				    c->resp.data : "", c->resp.len, out);
				if (rc != CB_OK)
					rpc_error_setf(err, "response is not "
					    "a JSON object or array");
				goto out;
			}
			rc = CB_ERR_RPC_TRANSPORT;
			rpc_http_status_message(c, status, err);
			if (status == 429 || status >= 500) {
				retry = true;
				curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER,
				    &retry_after);
			} else {
				/* A node that answers 4xx with a JSON-RPC
				 * error object has rejected the request
				 * itself: report that error. */
				if (rpc_json_parse(c->resp.data != NULL ?
				    c->resp.data : "", c->resp.len, out) == CB_OK) {
					if (rpc_has_error_member(*out)) {
						rc = CB_OK;
						goto out;
					}
					json_object_put(*out);
					*out = NULL;
				}
			}
		}
		if (!retry || attempt >= c->opts.max_retries)
			goto out;
		rpc_sleep_ms(rpc_backoff_ms(c, attempt, retry_after));
	}
out:
	return rc;
}

/* ---- responses -------------------------------------------------------- */

/* Reads the id member as an integer; false if absent, null or not one. */
static bool
rpc_response_id(json_object *obj, int64_t *id)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, "id", &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*id = json_object_get_int64(v);
	return true;
}

/*
 * Interprets one response object whose id the caller has matched.
 * Returns CB_OK with *result borrowed from obj (NULL for JSON null),
 * CB_ERR_RPC with err filled, or CB_ERR_INVALID.
 */
static enum cb_err
rpc_response_entry(json_object *obj, json_object **result,
    struct rpc_error *err)
{
	json_object *v;

	*result = NULL;
	if (!json_object_is_type(obj, json_type_object)) {
		rpc_error_setf(err, "response entry is not an object");
		return CB_ERR_INVALID;
	}
	if (json_object_object_get_ex(obj, "jsonrpc", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "2.0") != 0)) {
		rpc_error_setf(err, "response is not JSON-RPC 2.0");
		return CB_ERR_INVALID;
	}
	if (json_object_object_get_ex(obj, "error", &v) && v != NULL) {
		rpc_error_from_json(v, err);
		return CB_ERR_RPC;
	}
	if (!json_object_object_get_ex(obj, "result", &v)) {
		rpc_error_setf(err, "response has neither result nor error");
		return CB_ERR_INVALID;
	}
	*result = v;
	return CB_OK;
}

static json_object *
rpc_request_new(uint64_t id, const char *method, json_object *params)
{
	json_object *req, *p;

	if ((req = json_object_new_object()) == NULL)
		return NULL;
	p = params != NULL ? json_object_get(params) : json_object_new_array();
	if (p == NULL ||
	    json_object_object_add(req, "jsonrpc",
	    json_object_new_string("2.0")) != 0 ||
	    json_object_object_add(req, "id", json_object_new_uint64(id)) != 0 ||
	    json_object_object_add(req, "method",
	    json_object_new_string(method)) != 0 ||
	    json_object_object_add(req, "params", p) != 0) {
		json_object_put(req);
		return NULL;
	}
	return req;
}

static bool
rpc_method_valid(const char *method)
{
	size_t n;

	if (method == NULL)
		return false;
	n = strnlen(method, RPC_METHOD_MAX);
	return n > 0 && n < RPC_METHOD_MAX;
}

/* Sends method(params); see rpc_transport.h. */
enum cb_err
rpc_call(struct rpc_client *c, const char *method, json_object *params,
    json_object **result, struct rpc_error *err)
{
	struct rpc_error scratch;
	json_object *req = NULL, *resp = NULL, *res;
	const char *body;
	size_t body_len;
	uint64_t id;
	int64_t rid;
	bool has_id;
	enum cb_err rc;

	if (err == NULL)
		err = &scratch;
	rpc_error_clear(err);
	*result = NULL;
	if (!rpc_method_valid(method) ||
	    (params != NULL && !json_object_is_type(params, json_type_array))) {
		rpc_error_setf(err, "bad method name or params");
		rc = CB_ERR_INVALID;
		goto out;
	}
	id = c->next_id++;
	if ((req = rpc_request_new(id, method, params)) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (body == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	body_len = strlen(body);
	if ((rc = rpc_post(c, body, body_len, &resp, err)) != CB_OK)
		goto out;
	if (!json_object_is_type(resp, json_type_object)) {
		rpc_error_setf(err, "response to a single call is not an object");
		rc = CB_ERR_INVALID;
		goto out;
	}
	has_id = rpc_response_id(resp, &rid);
	rc = rpc_response_entry(resp, &res, err);
	/* An error may carry a null id (the node could not read ours). */
	if (has_id ? rid != (int64_t)id : rc != CB_ERR_RPC) {
		err->code = 0;
		err->errclass = RPC_ERRCLASS_NONE;
		err->has_data = false;
		err->data[0] = '\0';
		rpc_error_setf(err, "response id does not match the request");
		rc = CB_ERR_INVALID;
		goto out;
	}
	if (rc == CB_OK)
		*result = json_object_get(res);
out:
	json_object_put(resp);
	json_object_put(req);
	return rc;
}

/* ---- batches ---------------------------------------------------------- */

/* Creates an empty batch; see rpc_transport.h. */
struct rpc_batch *
rpc_batch_new(void)
{
	return calloc(1, sizeof(struct rpc_batch));
}

static void
rpc_batch_reset_results(struct rpc_batch *b)
{
	size_t i;

	for (i = 0; i < b->count; i++) {
		json_object_put(b->entries[i].result);
		b->entries[i].result = NULL;
		free(b->entries[i].err);
		b->entries[i].err = NULL;
		b->entries[i].status = CB_ERR_INTERNAL;
	}
	b->sent = false;
}

/* Frees the batch; see rpc_transport.h. */
void
rpc_batch_free(struct rpc_batch *b)
{
	size_t i;

	if (b == NULL)
		return;
	rpc_batch_reset_results(b);
	for (i = 0; i < b->count; i++) {
		free(b->entries[i].method);
		json_object_put(b->entries[i].params);
	}
	free(b->entries);
	free(b);
}

/* Appends a request; see rpc_transport.h. */
enum cb_err
rpc_batch_add(struct rpc_batch *b, const char *method, json_object *params,
    size_t *index)
{
	struct rpc_batch_entry *e;
	size_t ncap;

	if (!rpc_method_valid(method) ||
	    (params != NULL && !json_object_is_type(params, json_type_array)))
		return CB_ERR_INVALID;
	if (b->count == b->cap) {
		ncap = b->cap == 0 ? 16 : b->cap * 2;
		if (ncap > SIZE_MAX / sizeof(*e))
			return CB_ERR_NOMEM;
		e = realloc(b->entries, ncap * sizeof(*e));
		if (e == NULL)
			return CB_ERR_NOMEM;
		b->entries = e;
		b->cap = ncap;
	}
	e = &b->entries[b->count];
	memset(e, 0, sizeof(*e));
	if ((e->method = strdup(method)) == NULL)
		return CB_ERR_NOMEM;
	e->params = params != NULL ? json_object_get(params) :
	    json_object_new_array();
	if (e->params == NULL) {
		free(e->method);
		return CB_ERR_NOMEM;
	}
	e->status = CB_ERR_INTERNAL;
	if (index != NULL)
		*index = b->count;
	b->count++;
	return CB_OK;
}

/* Returns the number of requests; see rpc_transport.h. */
size_t
rpc_batch_count(const struct rpc_batch *b)
{
	return b->count;
}

/* Marks entry e failed with status rc and a copy of src (or a message). */
static enum cb_err
rpc_batch_fail(struct rpc_batch_entry *e, enum cb_err rc,
    const struct rpc_error *src, const char *message)
{
	free(e->err);
	e->status = rc;
	if ((e->err = malloc(sizeof(*e->err))) == NULL) {
		e->status = CB_ERR_NOMEM;
		return CB_ERR_NOMEM;
	}
	if (src != NULL)
		*e->err = *src;
	else {
		rpc_error_clear(e->err);
		rpc_error_setf(e->err, "%s", message);
	}
	return CB_OK;
}

/* Stores the answers of the array resp into b's entries by id. */
static enum cb_err
rpc_batch_match(struct rpc_batch *b, json_object *resp, uint64_t base_id)
{
	struct rpc_error tmp;
	json_object *item, *res;
	size_t i, n, idx;
	int64_t rid;
	enum cb_err rc;

	n = json_object_array_length(resp);
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(resp, i);
		/* Answers without a known id cannot be placed; entries left
		 * unanswered fail below. */
		if (!json_object_is_type(item, json_type_object) ||
		    !rpc_response_id(item, &rid) || rid < (int64_t)base_id ||
		    (uint64_t)rid - base_id >= b->count)
			continue;
		idx = (size_t)((uint64_t)rid - base_id);
		if (b->entries[idx].status != CB_ERR_INTERNAL) {
			json_object_put(b->entries[idx].result);
			b->entries[idx].result = NULL;
			if (rpc_batch_fail(&b->entries[idx], CB_ERR_INVALID,
			    NULL, "duplicate response id") != CB_OK)
				return CB_ERR_NOMEM;
			continue;
		}
		rpc_error_clear(&tmp);
		rc = rpc_response_entry(item, &res, &tmp);
		if (rc == CB_OK) {
			b->entries[idx].status = CB_OK;
			b->entries[idx].result = json_object_get(res);
		} else if (rpc_batch_fail(&b->entries[idx], rc, &tmp,
		    NULL) != CB_OK)
			return CB_ERR_NOMEM;
	}
	for (i = 0; i < b->count; i++)
		if (b->entries[i].status == CB_ERR_INTERNAL &&
		    rpc_batch_fail(&b->entries[i], CB_ERR_INVALID, NULL,
		    "no response for this request") != CB_OK)
			return CB_ERR_NOMEM;
	return CB_OK;
}

/* Sends the batch; see rpc_transport.h. */
enum cb_err
rpc_batch_send(struct rpc_client *c, struct rpc_batch *b,
    struct rpc_error *err)
{
	struct rpc_error scratch;
	json_object *arr = NULL, *req, *resp = NULL, *e;
	const char *body;
	uint64_t base_id;
	size_t i;
	enum cb_err rc;

	if (err == NULL)
		err = &scratch;
	rpc_error_clear(err);
	rpc_batch_reset_results(b);
	if (b->count == 0 || b->count > c->opts.max_batch) {
		rpc_error_setf(err, "batch of %zu requests (1..%zu allowed)",
		    b->count, c->opts.max_batch);
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	base_id = c->next_id;
	c->next_id += b->count;
	if ((arr = json_object_new_array()) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < b->count; i++) {
		b->entries[i].id = base_id + i;
		req = rpc_request_new(b->entries[i].id, b->entries[i].method,
		    b->entries[i].params);
		if (req == NULL || json_object_array_add(arr, req) != 0) {
			json_object_put(req);
			rc = CB_ERR_NOMEM;
			goto out;
		}
	}
	body = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (body == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if ((rc = rpc_post(c, body, strlen(body), &resp, err)) != CB_OK)
		goto out;
	b->sent = true;
	if (json_object_is_type(resp, json_type_object)) {
		/* The node refused the batch as a whole. */
		if (json_object_object_get_ex(resp, "error", &e) && e != NULL) {
			rpc_error_from_json(e, err);
			for (i = 0; i < b->count; i++)
				if (rpc_batch_fail(&b->entries[i], CB_ERR_RPC,
				    err, NULL) != CB_OK) {
					rc = CB_ERR_NOMEM;
					goto out;
				}
			rc = CB_ERR_RPC;
			goto out;
		}
		b->sent = false;
		rpc_error_setf(err, "batch response is not an array");
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = rpc_batch_match(b, resp, base_id);
out:
	if (rc != CB_OK && rc != CB_ERR_RPC)
		b->sent = false;
	json_object_put(resp);
	json_object_put(arr);
	return rc;
}

/* Reads one entry's outcome; see rpc_transport.h. */
enum cb_err
rpc_batch_result(const struct rpc_batch *b, size_t i, json_object **result,
    struct rpc_error *err)
{
	const struct rpc_batch_entry *e;

	*result = NULL;
	if (err != NULL)
		rpc_error_clear(err);
	if (!b->sent || i >= b->count)
		return CB_ERR_INTERNAL;
	e = &b->entries[i];
	if (e->status == CB_OK)
		*result = e->result;
	else if (err != NULL && e->err != NULL)
		*err = *e->err;
	return e->status;
}
