/* http.c - request and response helpers of chainbridge-api (http.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "core/hex.h"
#include "core/log.h"

/* What a client sees when not even an error body can be built. */
static const char resp_fallback[] =
    "{\"error\":{\"code\":\"internal_error\",\"message\":\"internal server error\"}}";

void
resp_init(struct resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, HTTP_RESP_MAX);
}

void
resp_reset(struct resp *resp)
{
	struct buf body = resp->body;

	buf_reset(&body);
	memset(resp, 0, sizeof(*resp));
	resp->body = body;
}

void
resp_free(struct resp *resp)
{
	if (resp == NULL)
		return;
	buf_free(&resp->body);
}

bool
req_query(const struct req *req, const char *key, const char **val,
    size_t *len)
{
	size_t i;

	for (i = 0; i < req->nquery; i++) {
		if (strcmp(req->query[i].key, key) != 0)
			continue;
		if (val != NULL)
			*val = req->query[i].val;
		if (len != NULL)
			*len = req->query[i].val_len;
		return true;
	}
	return false;
}

/* Replaces the body with the fixed 500 text; never fails for want of memory
 * beyond what buf_puts needs (the body usually has room already). */
static int
http_fallback(struct resp *resp)
{
	buf_reset(&resp->body);
	(void)buf_puts(&resp->body, resp_fallback);
	resp->status = 500;
	return 500;
}

int
http_error(struct resp *resp, int status, const char *code,
    const char *message, json_object *details)
{
	struct buf *b = &resp->body;
	enum cb_err err;

	buf_reset(b);
	err = buf_puts(b, "{\"error\":{\"code\":");
	if (err == CB_OK)
		err = buf_append_json_string(b, code, strlen(code));
	if (err == CB_OK)
		err = buf_puts(b, ",\"message\":");
	if (err == CB_OK)
		err = buf_append_json_string(b, message, strlen(message));
	if (err == CB_OK && details != NULL) {
		size_t dlen = 0;
		const char *d = json_object_to_json_string_length(details,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &dlen);

		err = d == NULL ? CB_ERR_NOMEM : buf_puts(b, ",\"details\":");
		if (err == CB_OK)
			err = buf_append(b, d, dlen);
	}
	if (err == CB_OK)
		err = buf_puts(b, "}}");
	if (err != CB_OK)
		return http_fallback(resp);
	resp->status = status;
	return status;
}

int
http_error_verr(struct resp *resp, const struct json_verr *verr)
{
	json_object *details, *field;
	int status;

	if ((details = json_object_new_object()) == NULL ||
	    (field = json_object_new_string(verr->path)) == NULL) {
		json_object_put(details);
		return http_fallback(resp);
	}
	json_object_object_add(details, "field", field);
	status = http_error(resp, 400, verr->code, verr->message, details);
	json_object_put(details);
	return status;
}

int
http_json(struct resp *resp, int status, json_object *obj)
{
	const char *s;
	size_t len = 0;

	buf_reset(&resp->body);
	s = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || buf_append(&resp->body, s, len) != CB_OK)
		return http_internal_error(resp, "http_json", CB_ERR_NOMEM);
	resp->status = status;
	return status;
}

int
http_status(struct resp *resp, int status)
{
	resp->status = status;
	return status;
}

int
http_store_unavailable(struct resp *resp)
{
	resp->retry_after = HTTP_RETRY_AFTER;
	return http_error(resp, 503, "store_unavailable",
	    "the ledger store is unavailable, retry later", NULL);
}

int
http_internal_error(struct resp *resp, const char *event, enum cb_err err)
{
	if (err == CB_ERR_DB_GONE || err == CB_ERR_DB_UNKNOWN)
		return http_store_unavailable(resp);
	if (err == CB_ERR_TIMEOUT || err == CB_ERR_DB_RETRY) {
		resp->retry_after = 1;
		return http_error(resp, 503, "store_busy",
		    "the rows this request needs stayed locked by other work; nothing was"
		    " written, retry", NULL);
	}
	log_errorx("internal_error", "where=%s err=%s", event, cb_errcode(err));
	resp->retry_after = 0;
	return http_error(resp, 500, "internal_error", "internal server error",
	    NULL);
}

static const char *const method_names[HTTP_METHOD__MAX] = {
	[HTTP_GET] = "GET",
	[HTTP_POST] = "POST",
	[HTTP_PUT] = "PUT",
	[HTTP_PATCH] = "PATCH",
	[HTTP_DELETE] = "DELETE",
	[HTTP_HEAD] = "HEAD",
	[HTTP_OTHER] = "OTHER",
};

enum http_method
http_method_parse(const char *s)
{
	int i;

	if (s == NULL)
		return HTTP_OTHER;
	/* Methods are case-sensitive (RFC 9110 9.1). */
	for (i = 0; i < HTTP_OTHER; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

const char *
http_method_name(enum http_method method)
{
	if ((unsigned)method >= HTTP_METHOD__MAX)
		return "OTHER";
	return method_names[method];
}

const char *
http_status_text(int status)
{
	static const struct {
		int		 status;
		const char	*text;
	} texts[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 409, "Conflict" }, { 411, "Length Required" },
		{ 413, "Content Too Large" }, { 414, "URI Too Long" },
		{ 415, "Unsupported Media Type" },
		{ 422, "Unprocessable Content" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" },
		{ 503, "Service Unavailable" },
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].status == status)
			return texts[i].text;
	return "Unknown";
}

static const char *
http_skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool
http_content_type_is_json(const char *ct)
{
	static const char mt[] = "application/json";
	const char *p;

	if (ct == NULL || strncasecmp(ct, mt, sizeof(mt) - 1) != 0)
		return false;
	p = http_skip_ows(ct + sizeof(mt) - 1);
	while (*p == ';') {
		const char *name, *val;
		size_t nlen, vlen;
		bool quoted;

		name = http_skip_ows(p + 1);
		for (nlen = 0; name[nlen] != '=' && name[nlen] != '\0' &&
		    name[nlen] != ';' && name[nlen] != ' '; nlen++)
			continue;
		if (name[nlen] != '=' || nlen != 7 ||
		    strncasecmp(name, "charset", 7) != 0)
			return false;
		val = name + nlen + 1;
		quoted = *val == '"';
		if (quoted)
			val++;
		for (vlen = 0; val[vlen] != '\0' && val[vlen] != ';' &&
		    val[vlen] != '"' && val[vlen] != ' ' && val[vlen] != '\t';
		    vlen++)
			continue;
		if (vlen != 5 || strncasecmp(val, "utf-8", 5) != 0)
			return false;
		p = val + vlen;
		if (quoted) {
			if (*p != '"')
				return false;
			p++;
		} else if (*p == '"') {
			return false;
		}
		p = http_skip_ows(p);
	}
	return *p == '\0';
}

bool
http_idempotency_key_valid(const char *key, size_t len)
{
	size_t i;

	if (key == NULL || len == 0 || len > HTTP_IDEM_KEY_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
			return false;
	return true;
}

size_t
http_percent_decode(const char *s, size_t len, char *dst, size_t cap,
    bool plus_is_space)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return (size_t)-1;
			hi = hex_digit_value(s[i + 1]);
			lo = hex_digit_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				return (size_t)-1;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0' || o + 1 >= cap)
			return (size_t)-1;
		dst[o++] = c;
	}
	if (cap == 0)
		return (size_t)-1;
	dst[o] = '\0';
	return o;
}

int
http_parse_query_or_reply(struct req *req, const char *q, size_t len,
    char *storage, size_t cap, struct resp *resp)
{
	size_t i = 0, off = 0, k;

	req->nquery = 0;
	if (len > HTTP_QUERY_MAX)
		return http_error(resp, 414, "uri_too_long",
		    "query string too long", NULL);
	while (i < len) {
		size_t start = i, eq = (size_t)-1, klen, vlen;
		struct http_qpair *pair;

		while (i < len && q[i] != '&') {
			if (q[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		if (i == start) {
			i++;
			continue;	/* "a=1&&b=2", a trailing '&' */
		}
		if (req->nquery == HTTP_QUERY_MAX_PAIRS)
			return http_error(resp, 400, "invalid_query_string",
			    "too many query parameters", NULL);
		if (eq == (size_t)-1)
			eq = i;
		pair = &req->query[req->nquery];
		klen = http_percent_decode(q + start, eq - start,
		    storage + off, cap - off, true);
		if (klen == (size_t)-1 || klen == 0)
			return http_error(resp, 400, "invalid_query_string",
			    "malformed query string", NULL);
		pair->key = storage + off;
		pair->key_len = klen;
		off += klen + 1;
		vlen = eq < i ? http_percent_decode(q + eq + 1, i - eq - 1,
		    storage + off, cap - off, true) :
		    http_percent_decode("", 0, storage + off, cap - off, true);
		if (vlen == (size_t)-1)
			return http_error(resp, 400, "invalid_query_string",
			    "malformed query string", NULL);
		pair->val = storage + off;
		pair->val_len = vlen;
		off += vlen + 1;
		for (k = 0; k < req->nquery; k++) {
			if (strcmp(req->query[k].key, pair->key) == 0) {
				json_object *details = json_object_new_object();
				int status;

				if (details != NULL)
					json_object_object_add(details,
					    "parameter",
					    json_object_new_string(pair->key));
				status = http_error(resp, 400,
				    "duplicate_query_parameter",
				    "query parameter given more than once",
				    details);
				json_object_put(details);
				return status;
			}
		}
		req->nquery++;
		i++;
	}
	return 0;
}

enum cb_err
http_write_head(const struct resp *resp, struct buf *out)
{
	enum cb_err err;

	err = buf_printf(out,
	    "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n",
	    resp->status, http_status_text(resp->status),
	    resp->content_type != NULL ? resp->content_type : "application/json",
	    resp->body.len);
	if (err == CB_OK && resp->allow[0] != '\0')
		err = buf_printf(out, "Allow: %s\r\n", resp->allow);
	if (err == CB_OK && resp->retry_after > 0)
		err = buf_printf(out, "Retry-After: %u\r\n", resp->retry_after);
	if (err == CB_OK && resp->www_authenticate)
		err = buf_puts(out, "WWW-Authenticate: Bearer realm=\"chainbridge\"\r\n");
	if (err == CB_OK && resp->idempotent_replayed)
		err = buf_puts(out, "Idempotent-Replayed: true\r\n");
	if (err == CB_OK && resp->location[0] != '\0' &&
	    strpbrk(resp->location, "\r\n") == NULL)
		err = buf_printf(out, "Location: %s\r\n", resp->location);
	if (err == CB_OK)
		err = buf_puts(out, "\r\n");
	return err;
}
