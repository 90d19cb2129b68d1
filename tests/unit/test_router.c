/* test_router.c - route matching of chainbridge-api (src/api/router.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

static int
h_dummy(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 200;
}

static const char *const q_history[] = { "token_symbol", "limit", "cursor", NULL };
static const char *const q_empty[] = { NULL };

static const struct route t_core[] = {
	{ HTTP_GET, "/healthz", h_dummy, 0, false, NULL, "healthz" },
};

static const struct route t_app[] = {
	{ HTTP_GET, "/api/v1/tokens", h_dummy, 1, false, NULL, "tokens_list" },
	{ HTTP_POST, "/api/v1/tokens", h_dummy, 4, true, NULL, "tokens_create" },
	{ HTTP_PUT, "/api/v1/tokens/{symbol}", h_dummy, 4, true, NULL, "tokens_update" },
	{ HTTP_POST, "/api/v1/balance/adjust", h_dummy, 2, true, NULL, "balance_adjust" },
	{ HTTP_GET, "/api/v1/balance/{user_id}", h_dummy, 1, false, q_history, "balance_get" },
	{ HTTP_GET, "/api/v1/balance/{user_id}/history", h_dummy, 1, false, q_history, "balance_history" },
	{ HTTP_GET, "/api/v1/pairs/{a}/to/{b}", h_dummy, 1, false, q_empty, "pairs" },
};

static const struct router_table t_tables[] = {
	{ t_core, sizeof(t_core) / sizeof(t_core[0]) },
	{ t_app, sizeof(t_app) / sizeof(t_app[0]) },
};

struct match_case {
	enum http_method	 method;
	const char		*path;
	enum router_result	 want;
	const char		*route;		/* name on a match */
	const char		*p0;		/* first param on a match */
	const char		*p1;		/* second param, or NULL */
	const char		*allow;		/* Allow on a 405 */
};

static const struct match_case match_cases[] = {
	/* literal routes */
	{ HTTP_GET, "/healthz", ROUTER_MATCH, "healthz", NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/tokens", ROUTER_MATCH, "tokens_list", NULL, NULL, NULL },
	{ HTTP_POST, "/api/v1/tokens", ROUTER_MATCH, "tokens_create", NULL, NULL, NULL },
	/* trailing slash, empty segments, case: no folding */
	{ HTTP_GET, "/api/v1/tokens/", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1//tokens", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "//api/v1/tokens", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/API/v1/tokens", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/healthz/", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "api/v1/tokens", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/u1/history/x", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	/* params */
	{ HTTP_GET, "/api/v1/balance/user_123", ROUTER_MATCH, "balance_get", "user_123", NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/user_123/history", ROUTER_MATCH, "balance_history", "user_123", NULL, NULL },
	{ HTTP_GET, "/api/v1/pairs/x/to/y", ROUTER_MATCH, "pairs", "x", "y", NULL },
	/* a literal segment competes with a param: the table decides */
	{ HTTP_POST, "/api/v1/balance/adjust", ROUTER_MATCH, "balance_adjust", NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/adjust", ROUTER_MATCH, "balance_get", "adjust", NULL, NULL },
	/* percent-decoding of params */
	{ HTTP_GET, "/api/v1/balance/u%20v", ROUTER_MATCH, "balance_get", "u v", NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/%75%73%65%72", ROUTER_MATCH, "balance_get", "user", NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/a+b", ROUTER_MATCH, "balance_get", "a+b", NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/%C3%A9", ROUTER_MATCH, "balance_get", "\xc3\xa9", NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/a%2Fb", ROUTER_BAD_PARAM, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/a%2fb", ROUTER_BAD_PARAM, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/a%00b", ROUTER_BAD_PARAM, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/%zz", ROUTER_BAD_PARAM, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/%4", ROUTER_BAD_PARAM, NULL, NULL, NULL, NULL },
	{ HTTP_GET, "/api/v1/balance/abc%", ROUTER_BAD_PARAM, NULL, NULL, NULL, NULL },
	/* literal segments are compared raw, not decoded */
	{ HTTP_GET, "/api/v1/%74okens", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL },
	/* 405 with the methods that do match, each once, in table order */
	{ HTTP_DELETE, "/api/v1/tokens", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, "GET, POST" },
	{ HTTP_GET, "/api/v1/tokens/CPOP", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, "PUT" },
	{ HTTP_DELETE, "/api/v1/balance/adjust", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, "POST, GET" },
	{ HTTP_POST, "/healthz", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, "GET" },
	{ HTTP_HEAD, "/healthz", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, "GET" },
	{ HTTP_OTHER, "/api/v1/balance/u1/history", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, "GET" },
	/* a 405 is decided before params are decoded: a bad param on the
	 * wrong method is still 405 */
	{ HTTP_DELETE, "/api/v1/balance/a%2Fb", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, "GET" },
};

START_TEST(test_match_table)
{
	const struct match_case *c = &match_cases[_i];
	struct router_match *m = malloc(sizeof(*m));
	enum router_result rr;

	ck_assert_ptr_nonnull(m);
	rr = router_match(t_tables, 2, c->method, c->path, strlen(c->path), m);
	ck_assert_msg(rr == c->want, "%s %s: got %d, want %d",
	    http_method_name(c->method), c->path, rr, c->want);
	if (rr == ROUTER_MATCH) {
		ck_assert_str_eq(m->route->name, c->route);
		if (c->p0 != NULL) {
			ck_assert_str_eq(m->params[0], c->p0);
			ck_assert_uint_eq(m->param_len[0], strlen(c->p0));
		} else {
			ck_assert_ptr_null(m->params[0]);
		}
		if (c->p1 != NULL)
			ck_assert_str_eq(m->params[1], c->p1);
		else
			ck_assert_ptr_null(m->params[1]);
	} else {
		ck_assert_ptr_null(m->route);
	}
	if (rr == ROUTER_METHOD_NOT_ALLOWED)
		ck_assert_str_eq(m->allow, c->allow);
	free(m);
}
END_TEST

START_TEST(test_path_length)
{
	struct router_match *m = malloc(sizeof(*m));
	char *path = malloc(HTTP_PATH_MAX + 2);
	size_t prefix = strlen("/api/v1/balance/");

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(path);
	memcpy(path, "/api/v1/balance/", prefix);
	/* exactly HTTP_PATH_MAX bytes: matches, the param is the tail */
	memset(path + prefix, 'a', HTTP_PATH_MAX - prefix);
	path[HTTP_PATH_MAX] = '\0';
	ck_assert_int_eq(router_match(t_tables, 2, HTTP_GET, path, HTTP_PATH_MAX, m),
	    ROUTER_MATCH);
	ck_assert_uint_eq(m->param_len[0], HTTP_PATH_MAX - prefix);
	/* one more byte: too long */
	path[HTTP_PATH_MAX] = 'a';
	path[HTTP_PATH_MAX + 1] = '\0';
	ck_assert_int_eq(router_match(t_tables, 2, HTTP_GET, path,
	    HTTP_PATH_MAX + 1, m), ROUTER_TOO_LONG);
	free(path);
	free(m);
}
END_TEST

START_TEST(test_path_len_not_nul)
{
	/* The length given wins over the NUL: only the first 14 bytes. */
	struct router_match m;

	ck_assert_int_eq(router_match(t_tables, 2, HTTP_GET,
	    "/api/v1/tokensXYZ", 14, &m), ROUTER_MATCH);
	ck_assert_str_eq(m.route->name, "tokens_list");
}
END_TEST

START_TEST(test_query_whitelist)
{
	ck_assert(router_query_allowed(&t_app[4], "token_symbol"));
	ck_assert(router_query_allowed(&t_app[4], "limit"));
	ck_assert(router_query_allowed(&t_app[4], "cursor"));
	ck_assert(!router_query_allowed(&t_app[4], "Limit"));
	ck_assert(!router_query_allowed(&t_app[4], "limitx"));
	ck_assert(!router_query_allowed(&t_app[4], ""));
	/* NULL list and empty list: nothing allowed */
	ck_assert(!router_query_allowed(&t_app[0], "limit"));
	ck_assert(!router_query_allowed(&t_app[6], "limit"));
}
END_TEST

START_TEST(test_check_good)
{
	char err[256] = "";

	ck_assert_msg(router_check(t_tables, 2, err, sizeof(err)), "%s", err);
}
END_TEST

struct check_case {
	struct route	 r;
	const char	*why;
};

static const struct check_case bad_routes[] = {
	{ { HTTP_GET, "api/v1/x", h_dummy, 0, false, NULL, "x" }, "no leading slash" },
	{ { HTTP_GET, "/api//x", h_dummy, 0, false, NULL, "x" }, "empty segment" },
	{ { HTTP_GET, "/api/x/", h_dummy, 0, false, NULL, "x" }, "trailing slash" },
	{ { HTTP_GET, "/api/{a}/{b}/{c}/{d}/{e}", h_dummy, 0, false, NULL, "x" }, "too many params" },
	{ { HTTP_GET, "/api/{a", h_dummy, 0, false, NULL, "x" }, "open brace" },
	{ { HTTP_GET, "/api/a}b", h_dummy, 0, false, NULL, "x" }, "stray brace" },
	{ { HTTP_GET, "/api/{}", h_dummy, 0, false, NULL, "x" }, "empty param name" },
	{ { HTTP_GET, "/api/a%20b", h_dummy, 0, false, NULL, "x" }, "escape in pattern" },
	{ { HTTP_GET, "/api/x", NULL, 0, false, NULL, "x" }, "no handler" },
	{ { HTTP_GET, "/api/x", h_dummy, 0, false, NULL, NULL }, "no name" },
	{ { HTTP_GET, "/api/x", h_dummy, 0, false, NULL, "" }, "empty name" },
	{ { HTTP_OTHER, "/api/x", h_dummy, 0, false, NULL, "x" }, "no method" },
	{ { HTTP_GET, "/healthz", h_dummy, 0, false, NULL, "dup" }, "duplicate of core" },
};

START_TEST(test_check_bad)
{
	const struct check_case *c = &bad_routes[_i];
	struct router_table tables[2] = {
		{ t_core, 1 },
		{ &c->r, 1 },
	};
	char err[256] = "";

	ck_assert_msg(!router_check(tables, 2, err, sizeof(err)), "%s accepted",
	    c->why);
	ck_assert_msg(err[0] != '\0', "%s: no message", c->why);
}
END_TEST

START_TEST(test_check_duplicate_same_table)
{
	static const struct route dup[] = {
		{ HTTP_GET, "/a/{x}", h_dummy, 0, false, NULL, "a" },
		{ HTTP_POST, "/a/{x}", h_dummy, 0, false, NULL, "b" },
		{ HTTP_GET, "/a/{x}", h_dummy, 0, false, NULL, "c" },
	};
	struct router_table t = { dup, 3 };
	char err[256];

	ck_assert(!router_check(&t, 1, err, sizeof(err)));
	t.count = 2;
	ck_assert(router_check(&t, 1, err, sizeof(err)));
}
END_TEST

static Suite *
router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc;

	tc = tcase_create("match");
	tcase_add_loop_test(tc, test_match_table, 0,
	    (int)(sizeof(match_cases) / sizeof(match_cases[0])));
	tcase_add_test(tc, test_path_len_not_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("path_length");
	tcase_add_test(tc, test_path_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("query_whitelist");
	tcase_add_test(tc, test_query_whitelist);
	suite_add_tcase(s, tc);

	tc = tcase_create("table_check");
	tcase_add_test(tc, test_check_good);
	tcase_add_loop_test(tc, test_check_bad, 0,
	    (int)(sizeof(bad_routes) / sizeof(bad_routes[0])));
	tcase_add_test(tc, test_check_duplicate_same_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(router_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
