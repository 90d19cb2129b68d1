/*
 * rpc.c - Ethereum JSON-RPC 2.0 client over libcurl.
 *
 * Layout: process setup, client, error objects and their classes, the
 * HTTP exchange with retries, responses and batches, strict value
 * parsers, result-object parsers, typed eth_* helpers.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "core/hex.h"
#include "eth/rpc.h"

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

/* Initialises libcurl once per process; see rpc.h. */
enum cb_err
rpc_global_init(void)
{
	if (pthread_once(&rpc_init_once, rpc_global_init_run) != 0)
		return CB_ERR_INTERNAL;
	return rpc_init_code == CURLE_OK ? CB_OK : CB_ERR_INTERNAL;
}

/* Releases libcurl's global state; see rpc.h. */
void
rpc_global_cleanup(void)
{
	curl_global_cleanup();
}

/* ---- options and client ----------------------------------------------- */

/* Fills o with the defaults; see rpc.h. */
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

/* Creates a client; see rpc.h. */
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

/* Frees the client; see rpc.h. */
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

/* Returns the options (borrowed); see rpc.h. */
const struct rpc_opts *
rpc_client_opts(const struct rpc_client *c)
{
	return &c->opts;
}

/* ---- error objects ---------------------------------------------------- */

/* Empties err; see rpc.h. */
void
rpc_error_clear(struct rpc_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	err->errclass = RPC_ERRCLASS_NONE;
}

/* Copies s[0..len) to out (cap bytes, NUL added) with control characters
 * replaced, as the text ends up in log lines.  Returns true if cut short. */
static bool
rpc_copy_text(char *out, size_t cap, const char *s, size_t len)
{
	size_t i, n = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		out[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	out[n] = '\0';
	return n < len;
}

/* Sets a descriptive message on err (for non-RPC failures). */
static void rpc_error_setf(struct rpc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
rpc_error_setf(struct rpc_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(err->message, sizeof(err->message), fmt, ap) < 0)
		err->message[0] = '\0';
	va_end(ap);
}

struct rpc_errclass_rule {
	const char		*needle;	/* lowercase substring of the message */
	enum rpc_errclass	 cls;
};

/*
 * Message rules, first match wins.  "Already have it" answers come first
 * because some of them also talk about nonces or prices; rate-limit texts
 * come before the range rules because providers send both under -32005.
 */
static const struct rpc_errclass_rule rpc_errclass_rules[] = {
	{ "already known", RPC_ERRCLASS_ALREADY_KNOWN },	/* geth, erigon, reth */
	{ "alreadyknown", RPC_ERRCLASS_ALREADY_KNOWN },		/* nethermind */
	{ "known transaction", RPC_ERRCLASS_ALREADY_KNOWN },	/* older geth, besu */
	{ "already imported", RPC_ERRCLASS_ALREADY_KNOWN },	/* anvil, openethereum */
	{ "existing tx with same hash", RPC_ERRCLASS_ALREADY_KNOWN }, /* erigon */
	{ "nonce too low", RPC_ERRCLASS_NONCE_TOO_LOW },
	{ "nonce is too low", RPC_ERRCLASS_NONCE_TOO_LOW },	/* openethereum */
	{ "oldnonce", RPC_ERRCLASS_NONCE_TOO_LOW },		/* nethermind */
	{ "nonce has already been used", RPC_ERRCLASS_NONCE_TOO_LOW },
	{ "underpriced", RPC_ERRCLASS_UNDERPRICED },
	{ "insufficient gas price to replace", RPC_ERRCLASS_UNDERPRICED }, /* reth */
	{ "gas price is too low", RPC_ERRCLASS_UNDERPRICED },	/* openethereum */
	{ "gas price supplied is too low", RPC_ERRCLASS_UNDERPRICED },
	{ "replacementnotallowed", RPC_ERRCLASS_UNDERPRICED },	/* nethermind */
	{ "feetoolow", RPC_ERRCLASS_UNDERPRICED },		/* nethermind */
	{ "fee too low", RPC_ERRCLASS_UNDERPRICED },
	{ "max fee per gas less than block base fee", RPC_ERRCLASS_UNDERPRICED },
	{ "insufficient funds", RPC_ERRCLASS_INSUFFICIENT_FUNDS },
	{ "insufficientfunds", RPC_ERRCLASS_INSUFFICIENT_FUNDS }, /* nethermind */
	{ "execution reverted", RPC_ERRCLASS_REVERTED },
	{ "vm execution error", RPC_ERRCLASS_REVERTED },	/* nethermind */
	{ "reverted", RPC_ERRCLASS_REVERTED },
	{ "beyond current head", RPC_ERRCLASS_OTHER },		/* not a size problem */
	{ "account limit exceeded", RPC_ERRCLASS_OTHER },	/* txpool slots */
	{ "rate limit", RPC_ERRCLASS_OTHER },
	{ "request rate", RPC_ERRCLASS_OTHER },
	{ "too many requests", RPC_ERRCLASS_OTHER },
	{ "daily request count", RPC_ERRCLASS_OTHER },
	{ "query returned more than", RPC_ERRCLASS_RANGE_LIMIT }, /* infura, geth */
	{ "block range", RPC_ERRCLASS_RANGE_LIMIT },	/* "exceed maximum block range" */
	{ "max results", RPC_ERRCLASS_RANGE_LIMIT },		/* reth */
	{ "too many logs", RPC_ERRCLASS_RANGE_LIMIT },
	{ "log response size", RPC_ERRCLASS_RANGE_LIMIT },	/* alchemy */
	{ "response size exceeded", RPC_ERRCLASS_RANGE_LIMIT },
	{ "response too large", RPC_ERRCLASS_RANGE_LIMIT },
	{ "range is too large", RPC_ERRCLASS_RANGE_LIMIT },
	{ "range too large", RPC_ERRCLASS_RANGE_LIMIT },
	{ "range limit", RPC_ERRCLASS_RANGE_LIMIT },
	{ "is limited to", RPC_ERRCLASS_RANGE_LIMIT },		/* quicknode */
	{ "limit exceeded", RPC_ERRCLASS_RANGE_LIMIT },
};

/* Classifies a JSON-RPC error; see rpc.h. */
enum rpc_errclass
rpc_errclass_classify(int64_t code, const char *message)
{
	size_t i;

	if (message != NULL)
		for (i = 0; i < sizeof(rpc_errclass_rules) /
		    sizeof(rpc_errclass_rules[0]); i++)
			if (strcasestr(message, rpc_errclass_rules[i].needle) != NULL)
				return rpc_errclass_rules[i].cls;
	/* EIP-1474 / geth codes. */
	if (code == 3)
		return RPC_ERRCLASS_REVERTED;
	if (code == -32005)
		return RPC_ERRCLASS_RANGE_LIMIT;
	return RPC_ERRCLASS_OTHER;
}

/* Returns the class's stable name; see rpc.h. */
const char *
rpc_errclass_name(enum rpc_errclass cls)
{
	static const char *const names[RPC_ERRCLASS__MAX] = {
		[RPC_ERRCLASS_NONE] = "none",
		[RPC_ERRCLASS_NONCE_TOO_LOW] = "nonce_too_low",
		[RPC_ERRCLASS_ALREADY_KNOWN] = "already_known",
		[RPC_ERRCLASS_UNDERPRICED] = "underpriced",
		[RPC_ERRCLASS_REVERTED] = "reverted",
		[RPC_ERRCLASS_RANGE_LIMIT] = "range_limit",
		[RPC_ERRCLASS_INSUFFICIENT_FUNDS] = "insufficient_funds",
		[RPC_ERRCLASS_OTHER] = "other",
	};

	if ((unsigned)cls >= RPC_ERRCLASS__MAX)
		return "unknown";
	return names[cls];
}

/* Fills err from a JSON-RPC error member.  Tolerant of odd shapes (a bare
 * string, a missing code): the answer is an error either way. */
static void
rpc_error_from_json(json_object *eobj, struct rpc_error *err)
{
	json_object *v;
	const char *s;

	err->code = 0;
	err->message[0] = '\0';
	err->has_data = false;
	err->data_truncated = false;
	err->data[0] = '\0';
	if (json_object_is_type(eobj, json_type_string)) {
		rpc_copy_text(err->message, sizeof(err->message),
		    json_object_get_string(eobj),
		    (size_t)json_object_get_string_len(eobj));
	} else if (json_object_is_type(eobj, json_type_object)) {
		if (json_object_object_get_ex(eobj, "code", &v) &&
		    json_object_is_type(v, json_type_int))
			err->code = json_object_get_int64(v);
		if (json_object_object_get_ex(eobj, "message", &v) &&
		    json_object_is_type(v, json_type_string))
			rpc_copy_text(err->message, sizeof(err->message),
			    json_object_get_string(v),
			    (size_t)json_object_get_string_len(v));
		if (json_object_object_get_ex(eobj, "data", &v) && v != NULL) {
			err->has_data = true;
			if (json_object_is_type(v, json_type_string)) {
				err->data_truncated = rpc_copy_text(err->data,
				    sizeof(err->data), json_object_get_string(v),
				    (size_t)json_object_get_string_len(v));
			} else {
				s = json_object_to_json_string_ext(v,
				    JSON_C_TO_STRING_PLAIN);
				if (s != NULL)
					err->data_truncated = rpc_copy_text(
					    err->data, sizeof(err->data), s,
					    strlen(s));
			}
		}
	}
	err->errclass = rpc_errclass_classify(err->code, err->message);
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

/* Sends method(params); see rpc.h. */
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

/* Creates an empty batch; see rpc.h. */
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

/* Frees the batch; see rpc.h. */
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

/* Appends a request; see rpc.h. */
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

/* Returns the number of requests; see rpc.h. */
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

/* Sends the batch; see rpc.h. */
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

/* Reads one entry's outcome; see rpc.h. */
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

/* ---- strict value parsers --------------------------------------------- */

/* Parses a QUANTITY into 256 bits; see rpc.h. */
enum cb_err
rpc_parse_quantity_u256(const char *s, size_t len, u256 *out)
{
	switch (u256_from_hex_quantity(out, s, len)) {
	case 0:
		return CB_OK;
	case -2:
		return CB_ERR_RANGE;
	default:
		return CB_ERR_INVALID;
	}
}

/* Parses a QUANTITY into 64 bits; see rpc.h. */
enum cb_err
rpc_parse_quantity_u64(const char *s, size_t len, uint64_t *out)
{
	u256 v;
	uint64_t small;
	enum cb_err rc;

	if ((rc = rpc_parse_quantity_u256(s, len, &v)) != CB_OK)
		return rc;
	if (!u256_to_u64(&v, &small))
		return CB_ERR_RANGE;
	*out = small;
	return CB_OK;
}

/* Checks the "0x" prefix and even digit count of DATA; returns the byte
 * count in *n. */
static enum cb_err
rpc_data_shape(const char *s, size_t len, size_t *n)
{
	if (len < 2 || s[0] != '0' || s[1] != 'x' || (len - 2) % 2 != 0)
		return CB_ERR_INVALID;
	*n = (len - 2) / 2;
	return CB_OK;
}

/* Parses DATA into a malloc'd copy; see rpc.h. */
enum cb_err
rpc_parse_data(const char *s, size_t len, size_t max_bytes, uint8_t **out,
    size_t *out_len)
{
	uint8_t *bytes = NULL;
	size_t n, got;
	enum cb_err rc;

	if ((rc = rpc_data_shape(s, len, &n)) != CB_OK)
		goto out;
	if (n > max_bytes) {
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (n > 0 && (bytes = malloc(n)) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if (hex_decode(bytes, n, s + 2, len - 2, &got) != 0 || got != n) {
		rc = CB_ERR_INVALID;
		goto out;
	}
	*out = bytes;
	*out_len = n;
	bytes = NULL;
	rc = CB_OK;
out:
	free(bytes);
	return rc;
}

/* Parses DATA of exactly n bytes; see rpc.h. */
enum cb_err
rpc_parse_fixed(const char *s, size_t len, uint8_t *out, size_t n)
{
	uint8_t tmp[256];
	size_t got;

	if (n > sizeof(tmp) || rpc_data_shape(s, len, &got) != CB_OK ||
	    got != n || hex_decode_exact(tmp, n, s + 2, len - 2) != 0)
		return CB_ERR_INVALID;
	memcpy(out, tmp, n);
	return CB_OK;
}

/* ---- fields of result objects ----------------------------------------- */

/*
 * Each field reader takes the object, the member name, and bad: on failure
 * *bad names the member so the caller can say which one was wrong.
 * Optional readers treat an absent member and JSON null alike.
 */

/* Gets a string member: CB_OK, CB_ERR_NOT_FOUND (absent or null) or
 * CB_ERR_INVALID (another type). */
static enum cb_err
rpc_member_str(json_object *obj, const char *key, const char **s, size_t *len)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return CB_ERR_NOT_FOUND;
	if (!json_object_is_type(v, json_type_string))
		return CB_ERR_INVALID;
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return CB_OK;
}

static enum cb_err
rpc_field_u64_opt(json_object *obj, const char *key, bool *has,
    uint64_t *out, const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	*has = false;
	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_ERR_NOT_FOUND)
		return CB_OK;
	if (rc == CB_OK)
		rc = rpc_parse_quantity_u64(s, len, out);
	if (rc != CB_OK) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	*has = true;
	return CB_OK;
}

static enum cb_err
rpc_field_u64(json_object *obj, const char *key, uint64_t *out,
    const char **bad)
{
	bool has;
	enum cb_err rc;

	if ((rc = rpc_field_u64_opt(obj, key, &has, out, bad)) != CB_OK)
		return rc;
	if (!has) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_field_u256_opt(json_object *obj, const char *key, bool *has, u256 *out,
    const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	*has = false;
	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_ERR_NOT_FOUND)
		return CB_OK;
	if (rc == CB_OK)
		rc = rpc_parse_quantity_u256(s, len, out);
	if (rc != CB_OK) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	*has = true;
	return CB_OK;
}

static enum cb_err
rpc_field_u256(json_object *obj, const char *key, u256 *out, const char **bad)
{
	bool has;
	enum cb_err rc;

	if ((rc = rpc_field_u256_opt(obj, key, &has, out, bad)) != CB_OK)
		return rc;
	if (!has) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_field_fixed_opt(json_object *obj, const char *key, bool *has,
    uint8_t *out, size_t n, const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	*has = false;
	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_ERR_NOT_FOUND)
		return CB_OK;
	if (rc == CB_OK)
		rc = rpc_parse_fixed(s, len, out, n);
	if (rc != CB_OK) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	*has = true;
	return CB_OK;
}

static enum cb_err
rpc_field_fixed(json_object *obj, const char *key, uint8_t *out, size_t n,
    const char **bad)
{
	bool has;
	enum cb_err rc;

	if ((rc = rpc_field_fixed_opt(obj, key, &has, out, n, bad)) != CB_OK)
		return rc;
	if (!has) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_field_data(json_object *obj, const char *key, size_t max, uint8_t **out,
    size_t *out_len, const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_OK)
		rc = rpc_parse_data(s, len, max, out, out_len);
	if (rc == CB_ERR_NOT_FOUND)
		rc = CB_ERR_INVALID;
	if (rc != CB_OK)
		*bad = key;
	return rc;
}

/* Gets an array member (required). */
static enum cb_err
rpc_field_array(json_object *obj, const char *key, json_object **arr,
    const char **bad)
{
	if (!json_object_object_get_ex(obj, key, arr) ||
	    !json_object_is_type(*arr, json_type_array)) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

/* ---- result objects --------------------------------------------------- */

/* Frees a block's heap members; see rpc.h. */
void
rpc_block_clear(struct rpc_block *b)
{
	if (b == NULL)
		return;
	free(b->tx_hashes);
	memset(b, 0, sizeof(*b));
}

/* Frees a log's heap members; see rpc.h. */
void
rpc_log_clear(struct rpc_log *l)
{
	if (l == NULL)
		return;
	free(l->data);
	memset(l, 0, sizeof(*l));
}

static void
rpc_logs_free(struct rpc_log *logs, size_t n)
{
	size_t i;

	if (logs == NULL)
		return;
	for (i = 0; i < n; i++)
		rpc_log_clear(&logs[i]);
	free(logs);
}

/* Frees a log list's heap members; see rpc.h. */
void
rpc_log_list_clear(struct rpc_log_list *list)
{
	if (list == NULL)
		return;
	rpc_logs_free(list->logs, list->count);
	list->logs = NULL;
	list->count = 0;
}

/* Frees a transaction's heap members; see rpc.h. */
void
rpc_tx_clear(struct rpc_tx *tx)
{
	if (tx == NULL)
		return;
	free(tx->input);
	memset(tx, 0, sizeof(*tx));
}

/* Frees a receipt's heap members; see rpc.h. */
void
rpc_receipt_clear(struct rpc_receipt *r)
{
	if (r == NULL)
		return;
	rpc_logs_free(r->logs, r->log_count);
	memset(r, 0, sizeof(*r));
}

/* Frees a fee history's heap members; see rpc.h. */
void
rpc_fee_history_clear(struct rpc_fee_history *fh)
{
	if (fh == NULL)
		return;
	free(fh->base_fee_per_gas);
	free(fh->reward);
	memset(fh, 0, sizeof(*fh));
}

/* Returns one reward entry; see rpc.h. */
const u256 *
rpc_fee_history_reward(const struct rpc_fee_history *fh, size_t block,
    size_t percentile)
{
	return &fh->reward[block * fh->percentile_count + percentile];
}

static enum cb_err
rpc_block_parse_in(const struct rpc_client *c, json_object *obj,
    bool allow_pending, struct rpc_block *out, const char **bad)
{
	json_object *txs, *item;
	size_t i, n;
	bool has_hash, has_number;
	enum cb_err rc;

	(void)c;
	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_u64_opt(obj, "number", &has_number, &out->number,
	    bad)) != CB_OK ||
	    (rc = rpc_field_fixed_opt(obj, "hash", &has_hash, out->hash, 32,
	    bad)) != CB_OK)
		goto out;
	if (!has_hash || !has_number) {
		if (!allow_pending) {
			*bad = has_hash ? "number" : "hash";
			rc = CB_ERR_INVALID;
			goto out;
		}
		out->pending = true;
	}
	if ((rc = rpc_field_fixed(obj, "parentHash", out->parent_hash, 32,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "timestamp", &out->timestamp, bad)) != CB_OK ||
	    (rc = rpc_field_fixed(obj, "logsBloom", out->logs_bloom, 256,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "baseFeePerGas", &out->has_base_fee,
	    &out->base_fee_per_gas, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gasUsed", &out->gas_used, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gasLimit", &out->gas_limit, bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "transactions", &txs, bad)) != CB_OK)
		goto out;
	n = json_object_array_length(txs);
	if (n > RPC_MAX_BLOCK_TXS) {
		*bad = "transactions";
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (n > 0 && (out->tx_hashes = calloc(n, 32)) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(txs, i);
		/* Only hashes are requested; full objects are refused. */
		if (!json_object_is_type(item, json_type_string) ||
		    rpc_parse_fixed(json_object_get_string(item),
		    (size_t)json_object_get_string_len(item),
		    out->tx_hashes[i], 32) != CB_OK) {
			*bad = "transactions";
			rc = CB_ERR_INVALID;
			goto out;
		}
	}
	out->tx_count = n;
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_block_clear(out);
	return rc;
}

static enum cb_err
rpc_log_parse_in(const struct rpc_client *c, json_object *obj,
    struct rpc_log *out, const char **bad)
{
	json_object *topics, *item, *v;
	size_t i, n;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "log";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_fixed(obj, "address", out->address, 20,
	    bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "topics", &topics, bad)) != CB_OK)
		goto out;
	n = json_object_array_length(topics);
	if (n > 4) {
		*bad = "topics";
		rc = CB_ERR_INVALID;
		goto out;
	}
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(topics, i);
		if (!json_object_is_type(item, json_type_string) ||
		    rpc_parse_fixed(json_object_get_string(item),
		    (size_t)json_object_get_string_len(item), out->topics[i],
		    32) != CB_OK) {
			*bad = "topics";
			rc = CB_ERR_INVALID;
			goto out;
		}
	}
	out->topic_count = n;
	if ((rc = rpc_field_data(obj, "data", c->opts.max_data_bytes,
	    &out->data, &out->data_len, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "blockNumber", &out->block_number,
	    bad)) != CB_OK ||
	    (rc = rpc_field_fixed(obj, "blockHash", out->block_hash, 32,
	    bad)) != CB_OK ||
	    (rc = rpc_field_fixed(obj, "transactionHash", out->tx_hash, 32,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "transactionIndex", &out->tx_index,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "logIndex", &out->log_index, bad)) != CB_OK)
		goto out;
	if (json_object_object_get_ex(obj, "removed", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_boolean)) {
			*bad = "removed";
			rc = CB_ERR_INVALID;
			goto out;
		}
		out->removed = json_object_get_boolean(v);
	}
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_log_clear(out);
	return rc;
}

/* Parses an array of logs, at most the client's max_logs. */
static enum cb_err
rpc_logs_parse_in(const struct rpc_client *c, json_object *arr,
    struct rpc_log **out, size_t *count, const char **bad)
{
	struct rpc_log *logs = NULL;
	size_t i, n;
	enum cb_err rc;

	*out = NULL;
	*count = 0;
	n = json_object_array_length(arr);
	if (n > c->opts.max_logs) {
		*bad = "logs";
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (n > 0 && (logs = calloc(n, sizeof(*logs))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = rpc_log_parse_in(c, json_object_array_get_idx(arr, i),
		    &logs[i], bad)) != CB_OK)
			goto out;
	*out = logs;
	*count = n;
	logs = NULL;
	rc = CB_OK;
out:
	/* Entries not reached are zeroed by calloc, so clearing all is safe. */
	rpc_logs_free(logs, n);
	return rc;
}

static enum cb_err
rpc_tx_parse_in(const struct rpc_client *c, json_object *obj,
    struct rpc_tx *out, const char **bad)
{
	bool has_type, has_prio, has_bn, has_bh, has_ti;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_fixed(obj, "hash", out->hash, 32, bad)) != CB_OK ||
	    (rc = rpc_field_fixed(obj, "from", out->from, 20, bad)) != CB_OK ||
	    (rc = rpc_field_fixed_opt(obj, "to", &out->has_to, out->to, 20,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "nonce", &out->nonce, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "type", &has_type, &out->type,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u256(obj, "value", &out->value, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gas", &out->gas, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "gasPrice", &out->has_gas_price,
	    &out->gas_price, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "maxFeePerGas", &out->has_max_fee,
	    &out->max_fee_per_gas, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "maxPriorityFeePerGas", &has_prio,
	    &out->max_priority_fee_per_gas, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "chainId", &out->has_chain_id,
	    &out->chain_id, bad)) != CB_OK ||
	    (rc = rpc_field_data(obj, "input", c->opts.max_data_bytes,
	    &out->input, &out->input_len, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "blockNumber", &has_bn,
	    &out->block_number, bad)) != CB_OK ||
	    (rc = rpc_field_fixed_opt(obj, "blockHash", &has_bh,
	    out->block_hash, 32, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "transactionIndex", &has_ti,
	    &out->tx_index, bad)) != CB_OK)
		goto out;
	if (out->has_max_fee != has_prio) {
		*bad = "maxPriorityFeePerGas";
		rc = CB_ERR_INVALID;
		goto out;
	}
	/* Mined means all three block fields; pending means none. */
	if (has_bn != has_bh || has_bn != has_ti) {
		*bad = "blockHash";
		rc = CB_ERR_INVALID;
		goto out;
	}
	out->mined = has_bn;
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_tx_clear(out);
	return rc;
}

static enum cb_err
rpc_receipt_parse_in(const struct rpc_client *c, json_object *obj,
    struct rpc_receipt *out, const char **bad)
{
	json_object *logs;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_fixed(obj, "transactionHash", out->tx_hash, 32,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "transactionIndex", &out->tx_index,
	    bad)) != CB_OK ||
	    (rc = rpc_field_fixed(obj, "blockHash", out->block_hash, 32,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "blockNumber", &out->block_number,
	    bad)) != CB_OK ||
	    (rc = rpc_field_fixed(obj, "from", out->from, 20, bad)) != CB_OK ||
	    (rc = rpc_field_fixed_opt(obj, "to", &out->has_to, out->to, 20,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "status", &out->has_status,
	    &out->status, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gasUsed", &out->gas_used, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "cumulativeGasUsed",
	    &out->cumulative_gas_used, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "effectiveGasPrice",
	    &out->has_effective_gas_price, &out->effective_gas_price,
	    bad)) != CB_OK ||
	    (rc = rpc_field_fixed_opt(obj, "contractAddress",
	    &out->has_contract_address, out->contract_address, 20,
	    bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "logs", &logs, bad)) != CB_OK)
		goto out;
	if (out->has_status && out->status > 1) {
		*bad = "status";
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = rpc_logs_parse_in(c, logs, &out->logs, &out->log_count, bad);
out:
	if (rc != CB_OK)
		rpc_receipt_clear(out);
	return rc;
}

/* Parses a block object; see rpc.h. */
enum cb_err
rpc_block_parse(const struct rpc_client *c, json_object *obj,
    bool allow_pending, struct rpc_block *out)
{
	const char *bad = NULL;

	return rpc_block_parse_in(c, obj, allow_pending, out, &bad);
}

/* Parses a log object; see rpc.h. */
enum cb_err
rpc_log_parse(const struct rpc_client *c, json_object *obj,
    struct rpc_log *out)
{
	const char *bad = NULL;

	return rpc_log_parse_in(c, obj, out, &bad);
}

/* Parses a transaction object; see rpc.h. */
enum cb_err
rpc_tx_parse(const struct rpc_client *c, json_object *obj, struct rpc_tx *out)
{
	const char *bad = NULL;

	return rpc_tx_parse_in(c, obj, out, &bad);
}

/* Parses a receipt object; see rpc.h. */
enum cb_err
rpc_receipt_parse(const struct rpc_client *c, json_object *obj,
    struct rpc_receipt *out)
{
	const char *bad = NULL;

	return rpc_receipt_parse_in(c, obj, out, &bad);
}

/* ---- request parameters ----------------------------------------------- */

/* Adds key: value to obj, taking value; false on failure. */
static bool
rpc_obj_add(json_object *obj, const char *key, json_object *value)
{
	if (value == NULL || json_object_object_add(obj, key, value) != 0) {
		json_object_put(value);
		return false;
	}
	return true;
}

/* New JSON string "0x..." of the bytes; NULL on allocation failure. */
static json_object *
rpc_json_hex(const uint8_t *p, size_t n)
{
	json_object *v = NULL;
	char small[80], *s = small;
	size_t cap = 2 * n + 3;

	if (n > (SIZE_MAX - 3) / 2)
		return NULL;
	if (cap > sizeof(small) && (s = malloc(cap)) == NULL)
		return NULL;
	if (n == 0) {
		s[0] = '0';
		s[1] = 'x';
		s[2] = '\0';
	} else if (hex_encode(s, cap, p, n, true) == 0)
		goto out;
	v = json_object_new_string(s);
out:
	if (s != small)
		free(s);
	return v;
}

static json_object *
rpc_json_quantity(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%" PRIx64, v);
	return json_object_new_string(s);
}

/* New JSON string for a block parameter; NULL on a bad tag or no memory. */
static json_object *
rpc_json_block_ref(struct rpc_block_ref ref)
{
	static const char *const tags[RPC_BLOCK__MAX] = {
		[RPC_BLOCK_LATEST] = "latest",
		[RPC_BLOCK_SAFE] = "safe",
		[RPC_BLOCK_FINALIZED] = "finalized",
		[RPC_BLOCK_PENDING] = "pending",
		[RPC_BLOCK_EARLIEST] = "earliest",
	};

	if (ref.tag == RPC_BLOCK_NUMBER)
		return rpc_json_quantity(ref.number);
	if ((unsigned)ref.tag >= RPC_BLOCK__MAX)
		return NULL;
	return json_object_new_string(tags[ref.tag]);
}

/* CB_OK if ref names a block, else CB_ERR_INVALID with err set. */
static enum cb_err
rpc_ref_check(struct rpc_block_ref ref, struct rpc_error *err)
{
	if ((unsigned)ref.tag < RPC_BLOCK__MAX)
		return CB_OK;
	rpc_error_setf(err, "bad block tag %u", (unsigned)ref.tag);
	return CB_ERR_INVALID;
}

/*
 * Builds a params array of the first n of a, b, c3 (all taken).  Returns
 * NULL when one of those n is NULL (it could not be built) or on
 * allocation failure, so a request never goes out with a param missing.
 */
static json_object *
rpc_params(size_t n, json_object *a, json_object *b, json_object *c3)
{
	json_object *arr, *vals[3] = { a, b, c3 };
	size_t i;
	bool ok;

	arr = json_object_new_array();
	ok = arr != NULL;
	for (i = 0; i < n; i++)
		if (vals[i] == NULL)
			ok = false;
	for (i = 0; i < n; i++) {
		if (vals[i] == NULL)
			continue;
		if (!ok || json_object_array_add(arr, vals[i]) != 0) {
			json_object_put(vals[i]);
			ok = false;
		}
	}
	if (!ok) {
		json_object_put(arr);
		return NULL;
	}
	return arr;
}

static json_object *
rpc_json_call_msg(const struct rpc_call_msg *msg)
{
	json_object *obj;
	char q[U256_HEX_MAX];

	if ((obj = json_object_new_object()) == NULL)
		return NULL;
	if ((msg->from != NULL &&
	    !rpc_obj_add(obj, "from", rpc_json_hex(msg->from, 20))) ||
	    (msg->to != NULL &&
	    !rpc_obj_add(obj, "to", rpc_json_hex(msg->to, 20))) ||
	    ((msg->data != NULL || msg->data_len > 0) &&
	    !rpc_obj_add(obj, "data", rpc_json_hex(msg->data, msg->data_len))))
		goto fail;
	if (msg->value != NULL) {
		if (u256_to_hex_quantity(msg->value, q, sizeof(q)) == 0 ||
		    !rpc_obj_add(obj, "value", json_object_new_string(q)))
			goto fail;
	}
	return obj;
fail:
	json_object_put(obj);
	return NULL;
}

/* ---- typed helpers ---------------------------------------------------- */

/*
 * Runs method(params) (params taken; NULL means the params could not be
 * built) and returns the result in *result (new reference).  A null
 * result is CB_ERR_NOT_FOUND unless null_ok, when it is CB_OK with NULL.
 */
static enum cb_err
rpc_run(struct rpc_client *c, const char *method, json_object *params,
    bool null_ok, json_object **result, struct rpc_error *err)
{
	enum cb_err rc;

	*result = NULL;
	if (params == NULL) {
		rpc_error_setf(err, "cannot build params for %s", method);
		return CB_ERR_NOMEM;
	}
	rc = rpc_call(c, method, params, result, err);
	json_object_put(params);
	if (rc == CB_OK && *result == NULL && !null_ok) {
		rpc_error_setf(err, "%s returned null", method);
		return CB_ERR_NOT_FOUND;
	}
	return rc;
}

/* Reports a field that failed to parse in method's result. */
static enum cb_err
rpc_bad_field(struct rpc_error *err, enum cb_err rc, const char *method,
    const char *field)
{
	rpc_error_setf(err, "%s: %s field '%s'", method,
	    rc == CB_ERR_TOO_LARGE ? "oversized" : "invalid",
	    field != NULL ? field : "result");
	return rc;
}

/* Calls a method whose result is one QUANTITY that fits 64 bits. */
static enum cb_err
rpc_quantity_u64_call(struct rpc_client *c, const char *method,
    json_object *params, uint64_t *out, struct rpc_error *err)
{
	json_object *res = NULL;
	enum cb_err rc;

	if ((rc = rpc_run(c, method, params, false, &res, err)) != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string) ||
	    rpc_parse_quantity_u64(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), out) != CB_OK)
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
out:
	json_object_put(res);
	return rc;
}

/* Calls a method whose result is one QUANTITY of up to 256 bits. */
static enum cb_err
rpc_quantity_u256_call(struct rpc_client *c, const char *method,
    json_object *params, u256 *out, struct rpc_error *err)
{
	json_object *res = NULL;
	enum cb_err rc;

	if ((rc = rpc_run(c, method, params, false, &res, err)) != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string) ||
	    rpc_parse_quantity_u256(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), out) != CB_OK)
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
out:
	json_object_put(res);
	return rc;
}

#define RPC_ERR_OR_SCRATCH(err, scratch) \
	do { if ((err) == NULL) (err) = &(scratch); rpc_error_clear(err); } while (0)

/* eth_chainId; see rpc.h. */
enum cb_err
rpc_eth_chain_id(struct rpc_client *c, uint64_t *chain_id,
    struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u64_call(c, "eth_chainId", rpc_params(0, NULL,
	    NULL, NULL), chain_id, err);
}

/* eth_blockNumber; see rpc.h. */
enum cb_err
rpc_eth_block_number(struct rpc_client *c, uint64_t *number,
    struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u64_call(c, "eth_blockNumber", rpc_params(0, NULL,
	    NULL, NULL), number, err);
}

/* Runs a getBlockBy* call and checks the block is the one asked for. */
static enum cb_err
rpc_get_block(struct rpc_client *c, const char *method, json_object *params,
    const struct rpc_block_ref *ref, const uint8_t *hash,
    struct rpc_block *out, struct rpc_error *err)
{
	json_object *res = NULL;
	const char *bad = NULL;
	bool pending = ref != NULL && ref->tag == RPC_BLOCK_PENDING;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = rpc_run(c, method, params, false, &res, err)) != CB_OK)
		goto out;
	if ((rc = rpc_block_parse_in(c, res, pending, out, &bad)) != CB_OK) {
		rpc_bad_field(err, rc, method, bad);
		goto out;
	}
	if ((ref != NULL && ref->tag == RPC_BLOCK_NUMBER &&
	    out->number != ref->number) ||
	    (hash != NULL && memcmp(out->hash, hash, 32) != 0)) {
		rpc_block_clear(out);
		rc = rpc_bad_field(err, CB_ERR_INVALID, method,
		    hash != NULL ? "hash" : "number");
	}
out:
	json_object_put(res);
	return rc;
}

/* eth_getBlockByNumber; see rpc.h. */
enum cb_err
rpc_eth_get_block_by_number(struct rpc_client *c, struct rpc_block_ref ref,
    struct rpc_block *out, struct rpc_error *err)
{
	struct rpc_error scratch;
	json_object *tag;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	if (rpc_ref_check(ref, err) != CB_OK)
		return CB_ERR_INVALID;
	tag = rpc_json_block_ref(ref);
	return rpc_get_block(c, "eth_getBlockByNumber",
	    rpc_params(2, tag, json_object_new_boolean(false), NULL), &ref, NULL,
	    out, err);
}

/* eth_getBlockByHash; see rpc.h. */
enum cb_err
rpc_eth_get_block_by_hash(struct rpc_client *c, const uint8_t hash[32],
    struct rpc_block *out, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_get_block(c, "eth_getBlockByHash",
	    rpc_params(2, rpc_json_hex(hash, 32), json_object_new_boolean(false),
	    NULL), NULL, hash, out, err);
}

/* Fetches many blocks in one batch; see rpc.h. */
enum cb_err
rpc_eth_get_blocks_by_number(struct rpc_client *c, const uint64_t *numbers,
    size_t n, struct rpc_block *blocks, enum cb_err *statuses,
    struct rpc_error *err)
{
	struct rpc_error scratch, entry_err;
	struct rpc_batch *b = NULL;
	json_object *params, *res;
	const char *bad;
	bool have_entry_err = false;
	size_t i;
	enum cb_err rc, st;

	RPC_ERR_OR_SCRATCH(err, scratch);
	for (i = 0; i < n; i++) {
		memset(&blocks[i], 0, sizeof(blocks[i]));
		statuses[i] = CB_ERR_INTERNAL;
	}
	if (n == 0 || n > c->opts.max_batch) {
		rpc_error_setf(err, "batch of %zu blocks (1..%zu allowed)", n,
		    c->opts.max_batch);
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if ((b = rpc_batch_new()) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		params = rpc_params(2, rpc_json_quantity(numbers[i]),
		    json_object_new_boolean(false), NULL);
		if (params == NULL) {
			rc = CB_ERR_NOMEM;
			goto out;
		}
		rc = rpc_batch_add(b, "eth_getBlockByNumber", params, NULL);
		json_object_put(params);
		if (rc != CB_OK)
			goto out;
	}
	if ((rc = rpc_batch_send(c, b, err)) != CB_OK)
		goto out;
	for (i = 0; i < n; i++) {
		st = rpc_batch_result(b, i, &res, &entry_err);
		if (st == CB_OK && res == NULL)
			st = CB_ERR_NOT_FOUND;
		if (st == CB_OK) {
			bad = NULL;
			st = rpc_block_parse_in(c, res, false, &blocks[i], &bad);
			if (st == CB_OK && blocks[i].number != numbers[i]) {
				rpc_block_clear(&blocks[i]);
				st = CB_ERR_INVALID;
			}
		}
		if (st == CB_ERR_RPC && !have_entry_err) {
			*err = entry_err;
			have_entry_err = true;
		}
		statuses[i] = st;
	}
out:
	rpc_batch_free(b);
	return rc;
}

/* eth_getLogs; see rpc.h. */
enum cb_err
rpc_eth_get_logs(struct rpc_client *c, const struct rpc_log_filter *filter,
    struct rpc_log_list *out, struct rpc_error *err)
{
	static const char method[] = "eth_getLogs";
	struct rpc_error scratch;
	json_object *f = NULL, *list, *inner, *res = NULL;
	const char *bad = NULL;
	size_t i;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	out->logs = NULL;
	out->count = 0;
	if (filter->address_count > RPC_FILTER_MAX_ADDRESSES ||
	    filter->topic0_count > RPC_FILTER_MAX_TOPIC0) {
		rpc_error_setf(err, "filter has too many addresses or topics");
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (filter->block_hash == NULL && filter->from_block > filter->to_block) {
		rpc_error_setf(err, "filter range is reversed");
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = CB_ERR_NOMEM;
	if ((f = json_object_new_object()) == NULL)
		goto out;
	if (filter->block_hash != NULL) {
		if (!rpc_obj_add(f, "blockHash", rpc_json_hex(filter->block_hash,
		    32)))
			goto out;
	} else if (!rpc_obj_add(f, "fromBlock",
	    rpc_json_quantity(filter->from_block)) ||
	    !rpc_obj_add(f, "toBlock", rpc_json_quantity(filter->to_block)))
		goto out;
	if (filter->address_count > 0) {
		if ((list = json_object_new_array()) == NULL ||
		    !rpc_obj_add(f, "address", list))
			goto out;
		for (i = 0; i < filter->address_count; i++) {
			json_object *a = rpc_json_hex(filter->addresses[i], 20);

			if (a == NULL || json_object_array_add(list, a) != 0) {
				json_object_put(a);
				goto out;
			}
		}
	}
	if (filter->topic0_count > 0) {
		/* topics: [[t0a, t0b, ...]] means "topic 0 is any of". */
		if ((list = json_object_new_array()) == NULL ||
		    !rpc_obj_add(f, "topics", list))
			goto out;
		if ((inner = json_object_new_array()) == NULL ||
		    json_object_array_add(list, inner) != 0) {
			json_object_put(inner);
			goto out;
		}
		for (i = 0; i < filter->topic0_count; i++) {
			json_object *t = rpc_json_hex(filter->topic0[i], 32);

			if (t == NULL || json_object_array_add(inner, t) != 0) {
				json_object_put(t);
				goto out;
			}
		}
	}
	rc = rpc_run(c, method, rpc_params(1, f, NULL, NULL), false, &res, err);
	f = NULL;
	if (rc != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_array)) {
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
		goto out;
	}
	rc = rpc_logs_parse_in(c, res, &out->logs, &out->count, &bad);
	if (rc != CB_OK)
		rpc_bad_field(err, rc, method, bad);
out:
	json_object_put(f);
	json_object_put(res);
	return rc;
}

/* eth_getTransactionByHash; see rpc.h. */
enum cb_err
rpc_eth_get_transaction_by_hash(struct rpc_client *c, const uint8_t hash[32],
    struct rpc_tx *out, struct rpc_error *err)
{
	static const char method[] = "eth_getTransactionByHash";
	struct rpc_error scratch;
	json_object *res = NULL;
	const char *bad = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	rc = rpc_run(c, method, rpc_params(1, rpc_json_hex(hash, 32), NULL, NULL),
	    false, &res, err);
	if (rc != CB_OK)
		goto out;
	if ((rc = rpc_tx_parse_in(c, res, out, &bad)) != CB_OK) {
		rpc_bad_field(err, rc, method, bad);
		goto out;
	}
	if (memcmp(out->hash, hash, 32) != 0) {
		rpc_tx_clear(out);
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "hash");
	}
out:
	json_object_put(res);
	return rc;
}

/* eth_getTransactionReceipt; see rpc.h. */
enum cb_err
rpc_eth_get_transaction_receipt(struct rpc_client *c, const uint8_t hash[32],
    struct rpc_receipt *out, struct rpc_error *err)
{
	static const char method[] = "eth_getTransactionReceipt";
	struct rpc_error scratch;
	json_object *res = NULL;
	const char *bad = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	rc = rpc_run(c, method, rpc_params(1, rpc_json_hex(hash, 32), NULL, NULL),
	    false, &res, err);
	if (rc != CB_OK)
		goto out;
	if ((rc = rpc_receipt_parse_in(c, res, out, &bad)) != CB_OK) {
		rpc_bad_field(err, rc, method, bad);
		goto out;
	}
	if (memcmp(out->tx_hash, hash, 32) != 0) {
		rpc_receipt_clear(out);
		rc = rpc_bad_field(err, CB_ERR_INVALID, method,
		    "transactionHash");
	}
out:
	json_object_put(res);
	return rc;
}

/* eth_getTransactionCount; see rpc.h. */
enum cb_err
rpc_eth_get_transaction_count(struct rpc_client *c, const uint8_t address[20],
    struct rpc_block_ref ref, uint64_t *nonce, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	if (rpc_ref_check(ref, err) != CB_OK)
		return CB_ERR_INVALID;
	return rpc_quantity_u64_call(c, "eth_getTransactionCount",
	    rpc_params(2, rpc_json_hex(address, 20), rpc_json_block_ref(ref),
	    NULL), nonce, err);
}

/* eth_getBalance; see rpc.h. */
enum cb_err
rpc_eth_get_balance(struct rpc_client *c, const uint8_t address[20],
    struct rpc_block_ref ref, u256 *balance, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	if (rpc_ref_check(ref, err) != CB_OK)
		return CB_ERR_INVALID;
	return rpc_quantity_u256_call(c, "eth_getBalance",
	    rpc_params(2, rpc_json_hex(address, 20), rpc_json_block_ref(ref),
	    NULL), balance, err);
}

/* eth_estimateGas; see rpc.h. */
enum cb_err
rpc_eth_estimate_gas(struct rpc_client *c, const struct rpc_call_msg *msg,
    uint64_t *gas, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u64_call(c, "eth_estimateGas",
	    rpc_params(1, rpc_json_call_msg(msg), NULL, NULL), gas, err);
}

/* eth_call; see rpc.h. */
enum cb_err
rpc_eth_call(struct rpc_client *c, const struct rpc_call_msg *msg,
    struct rpc_block_ref ref, uint8_t **out, size_t *out_len,
    struct rpc_error *err)
{
	static const char method[] = "eth_call";
	struct rpc_error scratch;
	json_object *res = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	*out = NULL;
	*out_len = 0;
	if ((rc = rpc_ref_check(ref, err)) != CB_OK)
		goto out;
	rc = rpc_run(c, method, rpc_params(2, rpc_json_call_msg(msg),
	    rpc_json_block_ref(ref), NULL), false, &res, err);
	if (rc != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string)) {
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
		goto out;
	}
	rc = rpc_parse_data(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), c->opts.max_data_bytes,
	    out, out_len);
	if (rc != CB_OK)
		rpc_bad_field(err, rc, method, "result");
out:
	json_object_put(res);
	return rc;
}

/* Parses one array of QUANTITY strings into u256 values (dst has n). */
static enum cb_err
rpc_u256_array(json_object *arr, u256 *dst, size_t n)
{
	json_object *item;
	size_t i;

	if (json_object_array_length(arr) != n)
		return CB_ERR_INVALID;
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(item, json_type_string) ||
		    rpc_parse_quantity_u256(json_object_get_string(item),
		    (size_t)json_object_get_string_len(item), &dst[i]) != CB_OK)
			return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_fee_history_parse_in(json_object *obj, uint64_t asked,
    size_t n_percentiles, struct rpc_fee_history *out, const char **bad)
{
	json_object *base, *ratio, *reward = NULL;
	size_t i, blocks, nbase;
	enum cb_err rc;

	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_u64(obj, "oldestBlock", &out->oldest_block,
	    bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "baseFeePerGas", &base, bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "gasUsedRatio", &ratio, bad)) != CB_OK)
		goto out;
	rc = CB_ERR_INVALID;
	blocks = json_object_array_length(ratio);
	nbase = json_object_array_length(base);
	if (blocks > asked) {
		*bad = "gasUsedRatio";
		goto out;
	}
	/* Nodes add the next block's base fee after the range. */
	if (nbase != blocks && nbase != blocks + 1) {
		*bad = "baseFeePerGas";
		goto out;
	}
	if (n_percentiles > 0 && blocks > 0) {
		if (!json_object_object_get_ex(obj, "reward", &reward) ||
		    !json_object_is_type(reward, json_type_array) ||
		    json_object_array_length(reward) != blocks) {
			*bad = "reward";
			goto out;
		}
	}
	rc = CB_ERR_NOMEM;
	if (nbase > 0 &&
	    (out->base_fee_per_gas = calloc(nbase, sizeof(u256))) == NULL)
		goto out;
	if (reward != NULL &&
	    (out->reward = calloc(blocks * n_percentiles, sizeof(u256))) == NULL)
		goto out;
	rc = CB_ERR_INVALID;
	if (rpc_u256_array(base, out->base_fee_per_gas, nbase) != CB_OK) {
		*bad = "baseFeePerGas";
		goto out;
	}
	for (i = 0; reward != NULL && i < blocks; i++) {
		json_object *row = json_object_array_get_idx(reward, i);

		if (!json_object_is_type(row, json_type_array) ||
		    rpc_u256_array(row, &out->reward[i * n_percentiles],
		    n_percentiles) != CB_OK) {
			*bad = "reward";
			goto out;
		}
	}
	out->block_count = blocks;
	out->base_fee_count = nbase;
	out->percentile_count = reward != NULL ? n_percentiles : 0;
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_fee_history_clear(out);
	return rc;
}

/* eth_feeHistory; see rpc.h. */
enum cb_err
rpc_eth_fee_history(struct rpc_client *c, uint64_t block_count,
    struct rpc_block_ref newest, const uint8_t *percentiles,
    size_t n_percentiles, struct rpc_fee_history *out, struct rpc_error *err)
{
	static const char method[] = "eth_feeHistory";
	struct rpc_error scratch;
	json_object *pct = NULL, *res = NULL, *v;
	const char *bad = NULL;
	size_t i;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	if (block_count == 0 || block_count > RPC_FEE_HISTORY_MAX_BLOCKS ||
	    n_percentiles > RPC_FEE_HISTORY_MAX_PERCENTILES) {
		rpc_error_setf(err, "fee history of %" PRIu64 " blocks, %zu "
		    "percentiles", block_count, n_percentiles);
		rc = CB_ERR_RANGE;
		goto out;
	}
	if ((rc = rpc_ref_check(newest, err)) != CB_OK)
		goto out;
	for (i = 0; i < n_percentiles; i++)
		if (percentiles[i] > 100 ||
		    (i > 0 && percentiles[i] < percentiles[i - 1])) {
			rpc_error_setf(err, "percentiles must be ascending 0..100");
			rc = CB_ERR_INVALID;
			goto out;
		}
	if ((pct = json_object_new_array()) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n_percentiles; i++) {
		v = json_object_new_int(percentiles[i]);
		if (v == NULL || json_object_array_add(pct, v) != 0) {
			json_object_put(v);
			rc = CB_ERR_NOMEM;
			goto out;
		}
	}
	rc = rpc_run(c, method, rpc_params(3, rpc_json_quantity(block_count),
	    rpc_json_block_ref(newest), pct), false, &res, err);
	pct = NULL;
	if (rc != CB_OK)
		goto out;
	rc = rpc_fee_history_parse_in(res, block_count, n_percentiles, out,
	    &bad);
	if (rc != CB_OK)
		rpc_bad_field(err, rc, method, bad);
out:
	json_object_put(pct);
	json_object_put(res);
	return rc;
}

/* eth_maxPriorityFeePerGas; see rpc.h. */
enum cb_err
rpc_eth_max_priority_fee_per_gas(struct rpc_client *c, u256 *fee,
    struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u256_call(c, "eth_maxPriorityFeePerGas",
	    rpc_params(0, NULL, NULL, NULL), fee, err);
}

/* eth_gasPrice; see rpc.h. */
enum cb_err
rpc_eth_gas_price(struct rpc_client *c, u256 *price, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u256_call(c, "eth_gasPrice",
	    rpc_params(0, NULL, NULL, NULL), price, err);
}

/* eth_sendRawTransaction; see rpc.h. */
enum cb_err
rpc_eth_send_raw_transaction(struct rpc_client *c, const uint8_t *raw,
    size_t len, uint8_t hash[32], struct rpc_error *err)
{
	static const char method[] = "eth_sendRawTransaction";
	struct rpc_error scratch;
	json_object *res = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	if (len == 0) {
		rpc_error_setf(err, "empty raw transaction");
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = rpc_run(c, method, rpc_params(1, rpc_json_hex(raw, len), NULL, NULL),
	    false, &res, err);
	if (rc != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string) ||
	    rpc_parse_fixed(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), hash, 32) != CB_OK)
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
out:
	json_object_put(res);
	return rc;
}
