/*
 * test_api_core.c - chainbridge-api's request pipeline through the real
 * nginx: health, metrics, authentication and scopes, routing errors,
 * content type, body cap, query whitelist, Idempotency-Key syntax, and the
 * security headers every answer carries.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *key_admin;
static char *key_read;
static char *key_write;

/* A body that passes the pipeline but that no handler would accept:
 * tests use it where the pipeline must answer before the handler. */
static const char empty_body[] = "{}";

/* Rows of the ledger tables, to prove a rejected request wrote nothing. */
static uint64_t
ledger_rows(void)
{
	return hdb_scalar_u64("SELECT (SELECT COUNT(*) FROM balance_changes) +"
	    " (SELECT COUNT(*) FROM operations) +"
	    " (SELECT COUNT(*) FROM idempotency_keys)");
}

static void
assert_common_headers(const struct hresp *r)
{
	char v[256];

	ck_assert_msg(hresp_header(r, "Cache-Control", v, sizeof(v)),
	    "no Cache-Control");
	ck_assert_str_eq(v, "no-store");
	ck_assert_msg(hresp_header(r, "X-Content-Type-Options", v, sizeof(v)),
	    "no X-Content-Type-Options");
	ck_assert_str_eq(v, "nosniff");
}

static void
assert_error(const struct hresp *r, long status, const char *code)
{
	const char *got = hresp_error_code(r);

	ck_assert_msg(r->status == status, "status %ld, want %ld: %s", r->status,
	    status, r->body);
	ck_assert_msg(got != NULL && strcmp(got, code) == 0,
	    "code %s, want %s: %s", got != NULL ? got : "(none)", code, r->body);
	ck_assert_msg(hresp_str(r, "error.message") != NULL, "no message: %s",
	    r->body);
}

/* --------------------------------------------------------------- health */

START_TEST(test_healthz_up)
{
	struct hresp r;
	json_object *chains;
	char v[128];

	ck_assert_int_eq(hget("/healthz", NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(r.json);
	ck_assert_str_eq(hresp_str(&r, "status"), "ok");
	ck_assert_str_eq(hresp_str(&r, "store"), "up");
	ck_assert(json_object_object_get_ex(r.json, "chains", &chains));
	ck_assert(json_object_is_type(chains, json_type_array));
	ck_assert(hresp_header(&r, "Content-Type", v, sizeof(v)));
	ck_assert_str_eq(v, "application/json");
	assert_common_headers(&r);
	hresp_free(&r);
}
END_TEST

START_TEST(test_metrics_text)
{
	struct hresp r;
	char v[128];

	/* Make sure there is something to count. */
	ck_assert_int_eq(hget("/healthz", NULL, &r), 0);
	hresp_free(&r);
	ck_assert_int_eq(hget("/api/v1/no-such-route", key_read, &r), 0);
	hresp_free(&r);

	ck_assert_int_eq(hget("/metrics", NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert(hresp_header(&r, "Content-Type", v, sizeof(v)));
	ck_assert_ptr_nonnull(strstr(v, "text/plain"));
	ck_assert_ptr_nonnull(strstr(v, "version=0.0.4"));
	ck_assert_ptr_nonnull(strstr(r.body,
	    "# TYPE chainbridge_api_requests_total counter\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
	    "chainbridge_api_requests_total{route=\"healthz\",method=\"GET\",status=\"200\"} "));
	ck_assert_ptr_nonnull(strstr(r.body,
	    "chainbridge_api_requests_total{route=\"unmatched\",method=\"\",status=\"404\"} "));
	ck_assert_ptr_nonnull(strstr(r.body,
	    "# TYPE chainbridge_api_request_duration_seconds histogram\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
	    "chainbridge_api_request_duration_seconds_bucket{route=\"healthz\",method=\"GET\",le=\"+Inf\"} "));
	ck_assert_ptr_nonnull(strstr(r.body, "chainbridge_api_store_errors_total "));
	ck_assert_ptr_nonnull(strstr(r.body, "chainbridge_api_worker_restarts_total "));
	ck_assert_ptr_nonnull(strstr(r.body, "# TYPE chainbridge_pending_changes gauge\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "# TYPE chainbridge_batches gauge\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "# TYPE chainbridge_sync_lag_blocks gauge\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "chainbridge_store_up 1\n"));
	hresp_free(&r);
}
END_TEST

START_TEST(test_metrics_count_moves)
{
	static const char line[] =
	    "chainbridge_api_requests_total{route=\"healthz\",method=\"GET\",status=\"200\"} ";
	struct hresp r;
	unsigned long long before = 0, after = 0;
	const char *p;
	int i;

	ck_assert_int_eq(hget("/metrics", NULL, &r), 0);
	if ((p = strstr(r.body, line)) != NULL)
		before = strtoull(p + strlen(line), NULL, 10);
	hresp_free(&r);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(hget("/healthz", NULL, &r), 0);
		ck_assert_int_eq(r.status, 200);
		hresp_free(&r);
	}
	ck_assert_int_eq(hget("/metrics", NULL, &r), 0);
	p = strstr(r.body, line);
	ck_assert_ptr_nonnull(p);
	after = strtoull(p + strlen(line), NULL, 10);
	hresp_free(&r);
	/* Other tests may add to it concurrently, never take away. */
	ck_assert_msg(after >= before + 5, "before %llu after %llu", before, after);
}
END_TEST

/*
 * GET /api/v1/ping: the one route under /api/v1 without a key
 * (docs/api-auth.md); a key, even a bad one, is ignored.  Its query keys
 * (none) and method are still checked.
 */
START_TEST(test_ping_without_key)
{
	static const char *const junk_key[] = {
		"Authorization: Bearer cbk_00000000_0000000000000000000000000000000000000000000000000000000000000000",
		NULL,
	};
	struct hresp r;

	ck_assert_int_eq(hget("/api/v1/ping", NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(r.json);
	ck_assert_str_eq(hresp_str(&r, "status"), "ok");
	assert_common_headers(&r);
	hresp_free(&r);

	ck_assert_int_eq(hreq("GET", "/api/v1/ping", NULL, NULL, NULL, 0, junk_key,
	    &r), 0);
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);

	ck_assert_int_eq(hget("/api/v1/ping?x=1", NULL, &r), 0);
	assert_error(&r, 400, "unknown_query_parameter");
	hresp_free(&r);

	ck_assert_int_eq(hreq("POST", "/api/v1/ping", NULL, "application/json", "{}",
	    (size_t)-1, NULL, &r), 0);
	assert_error(&r, 405, "method_not_allowed");
	hresp_free(&r);
}
END_TEST

/* ----------------------------------------------------------------- auth */

START_TEST(test_401_missing)
{
	struct hresp r;
	char v[128];

	ck_assert_int_eq(hget("/api/v1/tokens", NULL, &r), 0);
	assert_error(&r, 401, "unauthorized");
	ck_assert_msg(hresp_header(&r, "WWW-Authenticate", v, sizeof(v)),
	    "no WWW-Authenticate");
	ck_assert_ptr_nonnull(strstr(v, "Bearer"));
	assert_common_headers(&r);
	hresp_free(&r);
}
END_TEST

START_TEST(test_401_malformed)
{
	static const char *const headers[][2] = {
		{ "Authorization: Basic dXNlcjpwYXNz", NULL },
		{ "Authorization: Bearer", NULL },
		{ "Authorization: Bearer cbk_123", NULL },
		{ "Authorization: Bearer cbk_zzzzzzzz_0000000000000000000000000000000000000000000000000000000000000000", NULL },
		{ "Authorization: Bearer ' OR '1'='1", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		struct hresp r;

		ck_assert_int_eq(hreq("GET", "/api/v1/tokens", NULL, NULL, NULL, 0,
		    headers[i], &r), 0);
		assert_error(&r, 401, "unauthorized");
		hresp_free(&r);
	}
}
END_TEST

START_TEST(test_401_unknown)
{
	/* Well-formed, but no such key; and a real prefix with a wrong secret. */
	char forged[128];
	struct hresp r;

	ck_assert_int_eq(hget("/api/v1/tokens",
	    "cbk_00000000_0000000000000000000000000000000000000000000000000000000000000000",
	    &r), 0);
	assert_error(&r, 401, "unauthorized");
	hresp_free(&r);

	snprintf(forged, sizeof(forged), "%s", key_read);
	forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == '0' ? '1' : '0';
	ck_assert_int_eq(hget("/api/v1/tokens", forged, &r), 0);
	assert_error(&r, 401, "unauthorized");
	hresp_free(&r);
}
END_TEST

START_TEST(test_401_revoked)
{
	char name[64];
	char *key = harness_apikey_named("read", name, sizeof(name));
	struct hresp r;

	ck_assert_int_eq(hget("/api/v1/tokens", key, &r), 0);
	ck_assert_msg(r.status == 200, "before revoke: %ld %s", r.status, r.body);
	hresp_free(&r);
	harness_apikey_revoke(name);
	/* A worker may reuse a successful check for up to one second. */
	harness_sleep_ms(1100);
	ck_assert_int_eq(hget("/api/v1/tokens", key, &r), 0);
	assert_error(&r, 401, "unauthorized");
	hresp_free(&r);
	free(key);
}
END_TEST

START_TEST(test_403_read_key_writes)
{
	uint64_t before = ledger_rows();
	struct hresp r;

	ck_assert_int_eq(hpost_json("/api/v1/balance/adjust", key_read,
	    "{\"adjustments\":[{\"user_id\":\"u403\",\"token_symbol\":\"CPOP\","
	    "\"amount\":\"+1\",\"reason_type\":\"reward\",\"reason_detail\":\"x\"}]}",
	    &r), 0);
	assert_error(&r, 403, "forbidden");
	hresp_free(&r);
	ck_assert_uint_eq(ledger_rows(), before);
}
END_TEST

START_TEST(test_scope_hierarchy)
{
	struct hresp r;

	/* A write key reads; an admin key reads. */
	ck_assert_int_eq(hget("/api/v1/tokens", key_write, &r), 0);
	ck_assert_msg(r.status == 200, "write key read: %ld %s", r.status, r.body);
	hresp_free(&r);
	ck_assert_int_eq(hget("/api/v1/tokens", key_admin, &r), 0);
	ck_assert_msg(r.status == 200, "admin key read: %ld %s", r.status, r.body);
	hresp_free(&r);
	/* A write key passes authorisation on a write route: whatever the
	 * handler then says, it is not 401/403. */
	ck_assert_int_eq(hpost_json("/api/v1/balance/adjust", key_write,
	    empty_body, &r), 0);
	ck_assert_msg(r.status != 401 && r.status != 403, "write key: %ld %s",
	    r.status, r.body);
	hresp_free(&r);
}
END_TEST

START_TEST(test_403_write_key_admin_route)
{
	/* The registries' create route (docs/api.md); the Allow list of a 405
	 * on another method tells whether it exists at that path. */
	static const char *const candidates[] = {
		"/api/v1/admin/tokens",
		"/api/v1/tokens",
	};
	const char *path = NULL;
	struct hresp r;
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]) &&
	    path == NULL; i++) {
		char allow[128] = "";

		ck_assert_int_eq(hreq("DELETE", candidates[i], key_admin, NULL,
		    NULL, 0, NULL, &r), 0);
		if (r.status == 405 && hresp_header(&r, "Allow", allow,
		    sizeof(allow)) && strstr(allow, "POST") != NULL)
			path = candidates[i];
		hresp_free(&r);
	}
	ck_assert_msg(path != NULL, "no admin POST route for tokens");
	ck_assert_int_eq(hpost_json(path, key_write, empty_body, &r), 0);
	assert_error(&r, 403, "forbidden");
	ck_assert_str_eq(hresp_str(&r, "error.details.required_scope"), "admin");
	hresp_free(&r);
	ck_assert_int_eq(hpost_json(path, key_read, empty_body, &r), 0);
	assert_error(&r, 403, "forbidden");
	hresp_free(&r);
	/* The admin key gets past authorisation (the empty body is then
	 * the handler's business). */
	ck_assert_int_eq(hpost_json(path, key_admin, empty_body, &r), 0);
	ck_assert_msg(r.status != 401 && r.status != 403, "%ld %s", r.status,
	    r.body);
	hresp_free(&r);
}
END_TEST

/* -------------------------------------------------------------- routing */

START_TEST(test_404)
{
	static const char *const paths[] = {
		"/api/v1/no-such-route",
		"/api/v1/tokens/",
		"/api/v1//tokens",
		"/api/v2/tokens",
		"/api/",
		"/nothing-here",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct hresp r;

		ck_assert_int_eq(hget(paths[i], key_read, &r), 0);
		ck_assert_msg(r.status == 404, "%s: %ld", paths[i], r.status);
		assert_error(&r, 404, "not_found");
		hresp_free(&r);
	}
}
END_TEST

START_TEST(test_405_allow)
{
	struct hresp r;
	char allow[128];

	ck_assert_int_eq(hreq("DELETE", "/api/v1/balance/adjust", key_write, NULL,
	    NULL, 0, NULL, &r), 0);
	assert_error(&r, 405, "method_not_allowed");
	ck_assert(hresp_header(&r, "Allow", allow, sizeof(allow)));
	ck_assert_msg(strstr(allow, "POST") != NULL, "Allow: %s", allow);
	hresp_free(&r);

	ck_assert_int_eq(hreq("POST", "/healthz", NULL, "application/json", "{}",
	    2, NULL, &r), 0);
	assert_error(&r, 405, "method_not_allowed");
	ck_assert(hresp_header(&r, "Allow", allow, sizeof(allow)));
	ck_assert_str_eq(allow, "GET");
	assert_common_headers(&r);
	hresp_free(&r);

	/* 405 comes before authentication: no key needed to learn it. */
	ck_assert_int_eq(hreq("PUT", "/api/v1/balance/adjust", NULL, NULL, NULL, 0,
	    NULL, &r), 0);
	assert_error(&r, 405, "method_not_allowed");
	hresp_free(&r);
}
END_TEST

START_TEST(test_bad_path_parameter)
{
	struct hresp r;

	ck_assert_int_eq(hget("/api/v1/balance/a%2Fb", key_read, &r), 0);
	assert_error(&r, 400, "invalid_path_parameter");
	hresp_free(&r);
}
END_TEST

START_TEST(test_path_too_long)
{
	char path[2200];
	struct hresp r;

	memcpy(path, "/api/v1/balance/", 16);
	memset(path + 16, 'a', sizeof(path) - 17);
	path[sizeof(path) - 1] = '\0';
	ck_assert_int_eq(hget(path, key_read, &r), 0);
	ck_assert_msg(r.status == 414 || r.status == 400, "status %ld", r.status);
	ck_assert_ptr_nonnull(hresp_error_code(&r));
	hresp_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- query */

START_TEST(test_unknown_query)
{
	struct hresp r;

	ck_assert_int_eq(hget("/api/v1/tokens?bogus=1", key_read, &r), 0);
	assert_error(&r, 400, "unknown_query_parameter");
	ck_assert_str_eq(hresp_str(&r, "error.details.parameter"), "bogus");
	hresp_free(&r);

	ck_assert_int_eq(hget("/api/v1/balance/u1?token_symbol=CPOP&sort=asc",
	    key_read, &r), 0);
	assert_error(&r, 400, "unknown_query_parameter");
	ck_assert_str_eq(hresp_str(&r, "error.details.parameter"), "sort");
	hresp_free(&r);

	ck_assert_int_eq(hget("/api/v1/balance/u1?token_symbol=CPOP&token_symbol=USDT",
	    key_read, &r), 0);
	assert_error(&r, 400, "duplicate_query_parameter");
	hresp_free(&r);
}
END_TEST

/* ----------------------------------------------------------------- body */

START_TEST(test_415)
{
	static const char *const types[] = {
		"text/plain",
		"application/x-www-form-urlencoded",
		"application/json; charset=latin1",
		"application/jsonp",
		NULL,	/* no Content-Type at all */
	};
	uint64_t before = ledger_rows();
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct hresp r;

		ck_assert_int_eq(hreq("POST", "/api/v1/balance/adjust", key_write,
		    types[i], empty_body, (size_t)-1, NULL, &r), 0);
		assert_error(&r, 415, "unsupported_media_type");
		hresp_free(&r);
	}
	ck_assert_uint_eq(ledger_rows(), before);
}
END_TEST

START_TEST(test_json_charset_accepted)
{
	struct hresp r;

	ck_assert_int_eq(hreq("POST", "/api/v1/balance/adjust", key_write,
	    "application/json; charset=utf-8", empty_body, (size_t)-1, NULL, &r), 0);
	ck_assert_msg(r.status != 415, "%s", r.body);
	hresp_free(&r);
}
END_TEST

START_TEST(test_413)
{
	size_t len = 2u * 1024 * 1024;
	char *body = malloc(len);
	uint64_t before = ledger_rows();
	struct hresp r;

	ck_assert_ptr_nonnull(body);
	/* A syntactically plausible JSON document of 2 MiB. */
	memset(body, ' ', len);
	body[0] = '{';
	body[len - 1] = '}';
	ck_assert_int_eq(hreq("POST", "/api/v1/balance/adjust", key_write,
	    "application/json", body, len, NULL, &r), 0);
	assert_error(&r, 413, "payload_too_large");
	ck_assert_ptr_nonnull(r.json);
	hresp_free(&r);
	free(body);
	ck_assert_uint_eq(ledger_rows(), before);
}
END_TEST

START_TEST(test_bad_idempotency_key)
{
	static char long_key[300];
	static const char *const bad[] = {
		long_key,
		"caf\xc3\xa9",
		"tab\there",
	};
	uint64_t before = ledger_rows();
	char header[400];
	size_t i;

	memset(long_key, 'k', 256);
	long_key[256] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *h[] = { header, NULL };
		struct hresp r;

		snprintf(header, sizeof(header), "Idempotency-Key: %s", bad[i]);
		ck_assert_int_eq(hreq("POST", "/api/v1/balance/adjust", key_write,
		    "application/json",
		    "{\"adjustments\":[{\"user_id\":\"uidem\",\"token_symbol\":\"CPOP\","
		    "\"amount\":\"+1\",\"reason_type\":\"reward\",\"reason_detail\":\"x\"}]}",
		    (size_t)-1, h, &r), 0);
		assert_error(&r, 400, "invalid_idempotency_key");
		hresp_free(&r);
	}
	ck_assert_uint_eq(ledger_rows(), before);
}
END_TEST

START_TEST(test_get_body_ignored)
{
	struct hresp r;

	/* A GET with a body (and a wrong content type) is answered as if the
	 * body were not there. */
	ck_assert_int_eq(hreq("GET", "/api/v1/tokens", key_read, "text/plain",
	    "garbage", (size_t)-1, NULL, &r), 0);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	hresp_free(&r);
}
END_TEST

static Suite *
api_core_suite(void)
{
	Suite *s = suite_create("api_core");
	TCase *tc;

	tc = tcase_create("health");
	tcase_add_test(tc, test_healthz_up);
	tcase_add_test(tc, test_metrics_text);
	tcase_add_test(tc, test_metrics_count_moves);
	tcase_add_test(tc, test_ping_without_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("auth");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_401_missing);
	tcase_add_test(tc, test_401_malformed);
	tcase_add_test(tc, test_401_unknown);
	tcase_add_test(tc, test_401_revoked);
	tcase_add_test(tc, test_403_read_key_writes);
	tcase_add_test(tc, test_scope_hierarchy);
	tcase_add_test(tc, test_403_write_key_admin_route);
	suite_add_tcase(s, tc);

	tc = tcase_create("routing");
	tcase_add_test(tc, test_404);
	tcase_add_test(tc, test_405_allow);
	tcase_add_test(tc, test_bad_path_parameter);
	tcase_add_test(tc, test_path_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("query");
	tcase_add_test(tc, test_unknown_query);
	suite_add_tcase(s, tc);

	tc = tcase_create("body");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_415);
	tcase_add_test(tc, test_json_charset_accepted);
	tcase_add_test(tc, test_413);
	tcase_add_test(tc, test_bad_idempotency_key);
	tcase_add_test(tc, test_get_body_ignored);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	key_admin = strdup(harness_env()->api_key);
	key_read = harness_apikey("read");
	key_write = harness_apikey("write");
	sr = srunner_create(api_core_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_admin);
	free(key_read);
	free(key_write);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
