/*
 * http.c - fuzz target: what the API's worker reads from a request line
 * and headers before a handler runs (src/api/http.c, src/api/router.c).
 *
 * Input: "METHOD URI", then optionally a line each with the values of
 * Content-Type, Idempotency-Key and Authorization.  The URI goes through the
 * worker's steps: the path is matched against the real route tables
 * (path parameters percent-decoded), the query string is split and
 * decoded into storage of the worker's size and checked against the
 * route's whitelist, and the paged-list and address parameters are read
 * (ledger and chain lists).  The decoded path parameters then go through
 * the validators their handlers use.
 *
 * Properties: decoded parameters and query pairs are NUL-terminated, as
 * long as they say, without a NUL or (parameters) a '/'; no key is given
 * twice; percent decoding never writes past its buffer and agrees with
 * itself at every buffer size; every answer is one strict JSON object; the
 * response head never carries a raw line break from a value; a bearer
 * token lies inside its header, trimmed, and a well-formed API key yields
 * its prefix.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "chainread.h"
#include "core/uuid.h"
#include "http.h"
#include "ledger.h"
#include "router.h"
#include "store/apikey.h"
#include "store/registry.h"
#include "worker.h"
#include "fuzz.h"

static struct worker *fuzz_worker;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_worker = fuzz_api_worker();
	fuzz_worker->tables[0].routes = core_routes;
	fuzz_worker->tables[0].count = core_routes_count;
	fuzz_worker->tables[1].routes = app_routes;
	fuzz_worker->tables[1].count = app_routes_count;
	fuzz_worker->ntables = 2;
	return 0;
}

/*
 * Checks an answer: a strict JSON object with a well-formed head, or with
 * quick (for answers built from fixed texts only, where a full parse each
 * time would dominate the run) valid UTF-8.  Then empties resp.
 */
static void
fuzz_answer(struct resp *resp, int status, bool quick)
{
	struct buf head;

	if (status != 0) {
		FUZZ_CHECK(status == resp->status);
		if (!buf_utf8_valid(resp->body.data, resp->body.len) ||
		    (!quick && !fuzz_json_valid(resp->body.data,
		    resp->body.len))) {
			fuzz_dump("answer", resp->body.data, resp->body.len);
			fuzz_fail("the answer is not a JSON object in UTF-8",
			    __FILE__, __LINE__);
		}
		if (!quick) {
			buf_init(&head, 1 << 20);
			FUZZ_CHECK(http_write_head(resp, &head) == CB_OK);
			buf_free(&head);
		}
	}
	resp_reset(resp);
}

static void
fuzz_answer_check(struct resp *resp, int status)
{
	fuzz_answer(resp, status, false);
}

/* Decodes s at every buffer size up to the one that fits: each either
 * fails or gives the same text, and none writes past its buffer. */
static void
fuzz_percent_decode(const char *s, size_t len, bool plus_is_space)
{
	size_t full, n, cap;
	char *dst, *ref;

	if ((ref = malloc(len + 1)) == NULL)
		return;
	full = http_percent_decode(s, len, ref, len + 1, plus_is_space);
	if (full != (size_t)-1) {
		FUZZ_CHECK(full <= len && ref[full] == '\0');
		FUZZ_CHECK(memchr(ref, '\0', full) == NULL);
	}
	/* Every size is too slow for long inputs: the edges are what matter. */
	for (cap = 0; cap <= len + 1; cap = cap < 4 || cap + 4 > len ? cap + 1 :
	    len - 3) {
		dst = cap > 0 ? malloc(cap) : NULL;
		if (cap > 0 && dst == NULL)
			break;
		n = http_percent_decode(s, len, dst, cap, plus_is_space);
		if (full == (size_t)-1)
			FUZZ_CHECK(n == (size_t)-1);
		else if (cap > full)
			FUZZ_CHECK(n == full && memcmp(dst, ref, full + 1) == 0);
		else
			FUZZ_CHECK(n == (size_t)-1);
		free(dst);
	}
	free(ref);
}

/* The Authorization header as auth_check_or_reply() reads it. */
static void
fuzz_authorization(const char *header)
{
	char prefix[APIKEY_PREFIX_LEN + 1];
	const char *key;
	size_t len;

	if (!auth_bearer_parse(header, &key, &len))
		return;
	FUZZ_CHECK(len > 0 && key > header &&
	    key + len <= header + strlen(header));
	FUZZ_CHECK(key[0] != ' ' && key[len - 1] != ' ' && key[len - 1] != '\t');
	if (apikey_parse(key, len, prefix)) {
		FUZZ_CHECK(len == APIKEY_LEN && strlen(prefix) == APIKEY_PREFIX_LEN);
		FUZZ_CHECK(memcmp(prefix, key, APIKEY_PREFIX_LEN) == 0);
	}
}

/* The validators the handlers run on their path parameters. */
static void
fuzz_params(const struct router_match *m, struct resp *resp)
{
	char op[UUID_STR_LEN + 1];
	struct address addr;
	uint8_t hash[32];
	uint64_t v;
	unsigned k;

	for (k = 0; k < m->nparams; k++) {
		const char *p = m->params[k];
		size_t n = m->param_len[k];

		FUZZ_CHECK(p != NULL && n > 0 && strlen(p) == n);
		FUZZ_CHECK(memchr(p, '/', n) == NULL);
		(void)ledger_user_id_valid(p, n);
		(void)registry_symbol_valid(p, n);
		(void)registry_reason_name_valid(p, n);
		if (ledger_operation_id_parse(p, n, op))
			FUZZ_CHECK(uuid_valid(op, UUID_STR_LEN));
		/* The chain data routes' parameters (chainread.h). */
		if (cr_parse_u64(p, n, CR_BLOCK_MAX, &v))
			FUZZ_CHECK(v <= CR_BLOCK_MAX && (n == 1 || p[0] != '0'));
		fuzz_answer(resp, cr_chain_id_or_reply(resp, p, n, "chain_id",
		    &v), true);
		fuzz_answer(resp, cr_u64_or_reply(resp, p, n, CR_BLOCK_MAX,
		    "number", "invalid_block", &v), true);
		fuzz_answer(resp, cr_hash_or_reply(resp, p, n, "hash",
		    "invalid_hash", hash), true);
		fuzz_answer(resp, cr_address_or_reply(resp, p, n, "address",
		    &addr), true);
	}
}

/* The chain lists' page and address parameters (chainread.h). */
static void
fuzz_chain_query(struct req *req, struct resp *resp)
{
	char cursor[CR_CURSOR_LEN + 1];
	struct address addr;
	struct cr_page page;
	struct cr_pos pos;
	const char *s;
	size_t n;
	bool have;
	int status;

	status = cr_page_or_reply(req, resp, &page);
	if (status == 0)
		FUZZ_CHECK(page.limit >= 1 &&
		    page.limit <= fuzz_worker->cfg->api.history_max_limit);
	fuzz_answer_check(resp, status);
	fuzz_answer_check(resp, cr_query_address_or_reply(req, resp, "address",
	    &addr, &have));
	fuzz_answer_check(resp, cr_query_address_or_reply(req, resp, "pool",
	    &addr, &have));
	/* A cursor that decodes encodes back to the same text. */
	if (req_query(req, "cursor", &s, &n) && cr_cursor_decode(s, n, &pos)) {
		cr_cursor_encode(&pos, cursor);
		FUZZ_CHECK(n == CR_CURSOR_LEN && memcmp(cursor, s, n) == 0);
	}
}

/* The worker's steps from the request URI to the handler. */
static void
fuzz_uri(enum http_method method, const char *uri, size_t len,
    struct resp *resp)
{
	/* As worker_serve: the raw path, then the decoded query pairs. */
	static char qstore[HTTP_PATH_MAX + 1 + HTTP_QUERY_MAX +
	    2 * HTTP_QUERY_MAX_PAIRS + 2];
	static struct router_match m;
	struct req req;
	enum router_result rr;
	const char *q;
	size_t plen, i, k;
	unsigned limit;
	uint64_t before;
	int status;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.w = fuzz_worker;
	q = memchr(uri, '?', len);
	plen = q != NULL ? (size_t)(q - uri) : len;
	if (plen > HTTP_PATH_MAX)
		return;
	memcpy(qstore, uri, plen);
	qstore[plen] = '\0';
	req.path = qstore;
	rr = router_match(fuzz_worker->tables, fuzz_worker->ntables, method,
	    req.path, plen, &m);
	if (rr == ROUTER_METHOD_NOT_ALLOWED)
		FUZZ_CHECK(m.allow[0] != '\0');
	if (rr != ROUTER_MATCH)
		return;
	FUZZ_CHECK(m.route != NULL && m.route->method == method);
	fuzz_params(&m, resp);
	req.route = m.route;
	memcpy(req.params, m.params, sizeof(req.params));
	memcpy(req.param_len, m.param_len, sizeof(req.param_len));
	if (q == NULL)
		return;

	status = http_parse_query_or_reply(&req, q + 1, len - plen - 1,
	    qstore + plen + 1, sizeof(qstore) - plen - 1, resp);
	fuzz_answer_check(resp, status);
	if (status != 0)
		return;
	FUZZ_CHECK(req.nquery <= HTTP_QUERY_MAX_PAIRS);
	for (i = 0; i < req.nquery; i++) {
		const struct http_qpair *p = &req.query[i];

		FUZZ_CHECK(p->key_len > 0 && strlen(p->key) == p->key_len);
		FUZZ_CHECK(strlen(p->val) == p->val_len);
		FUZZ_CHECK(p->key >= qstore + plen + 1 &&
		    p->val + p->val_len < qstore + sizeof(qstore));
		for (k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(req.query[k].key, p->key) != 0);
		FUZZ_CHECK(req_query(&req, p->key, NULL, NULL));
		if (!router_query_allowed(req.route, p->key))
			return;
	}
	status = ledger_page_or_reply(&req, resp, 20,
	    fuzz_worker->cfg->api.history_max_limit, &limit, &before);
	if (status == 0)
		FUZZ_CHECK(limit >= 1 &&
		    limit <= fuzz_worker->cfg->api.history_max_limit &&
		    before != 0);
	fuzz_answer_check(resp, status);
	fuzz_chain_query(&req, resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *sp, *nl;
	char method[16], *line;
	enum http_method m;
	struct resp resp;
	size_t n;

	resp_init(&resp);
	nl = memchr(s, '\n', size);
	if (nl == NULL)
		nl = end;
	/* The request line: "METHOD URI" (GET when there is no space). */
	sp = memchr(s, ' ', (size_t)(nl - s));
	if (sp != NULL && (size_t)(sp - s) < sizeof(method)) {
		memcpy(method, s, (size_t)(sp - s));
		method[sp - s] = '\0';
		m = http_method_parse(method);
		FUZZ_CHECK(strcmp(http_method_name(m), method) == 0 ||
		    m == HTTP_OTHER);
		s = sp + 1;
	} else {
		m = HTTP_GET;
	}
	fuzz_uri(m, s, (size_t)(nl - s), &resp);
	fuzz_percent_decode(s, (size_t)(nl - s), true);
	fuzz_percent_decode(s, (size_t)(nl - s), false);

	/* Header values reach the worker NUL-terminated. */
	for (n = 0; nl < end && n < 3; n++) {
		s = nl + 1;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if ((line = strndup(s, (size_t)(nl - s))) == NULL)
			break;
		if (n == 0)
			(void)http_content_type_is_json(line);
		else if (n == 1) {
			if (http_idempotency_key_valid(line, strlen(line)))
				FUZZ_CHECK(strpbrk(line, "\r\n") == NULL);
		} else
			fuzz_authorization(line);
		free(line);
	}
	resp_free(&resp);
	return 0;
}
