/* test_metrics.c - shared request counters and their Prometheus text
 * (src/api/metrics.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metrics.h"

static int
h_dummy(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 200;
}

static const struct route t_a[] = {
	{ HTTP_GET, "/healthz", h_dummy, 0, false, NULL, "healthz" },
	{ HTTP_GET, "/metrics", h_dummy, 0, false, NULL, "metrics" },
};
static const struct route t_b[] = {
	{ HTTP_POST, "/api/v1/balance/adjust", h_dummy, 2, true, NULL, "balance_adjust" },
};
static const struct router_table t_tables[] = {
	{ t_a, 2 },
	{ t_b, 1 },
};

START_TEST(test_slots)
{
	ck_assert_uint_eq(metrics_route_slot(t_tables, 2, NULL), 0);
	ck_assert_uint_eq(metrics_route_slot(t_tables, 2, &t_a[0]), 1);
	ck_assert_uint_eq(metrics_route_slot(t_tables, 2, &t_a[1]), 2);
	ck_assert_uint_eq(metrics_route_slot(t_tables, 2, &t_b[0]), 3);
	/* a route from no table counts as unmatched */
	ck_assert_uint_eq(metrics_route_slot(t_tables, 1, &t_b[0]), 0);
}
END_TEST

START_TEST(test_status_index)
{
	static const int tracked[] = { 200, 201, 400, 401, 403, 404, 405, 409,
	    413, 415, 422, 429, 500, 503 };
	size_t i;

	for (i = 0; i < sizeof(tracked) / sizeof(tracked[0]); i++) {
		unsigned idx = metrics_status_index(tracked[i]);

		ck_assert_uint_lt(idx, METRICS_NSTATUS - 1);
		ck_assert_int_eq(metrics_status_code(idx), tracked[i]);
	}
	ck_assert_uint_eq(metrics_status_index(418), METRICS_NSTATUS - 1);
	ck_assert_uint_eq(metrics_status_index(0), METRICS_NSTATUS - 1);
	ck_assert_int_eq(metrics_status_code(METRICS_NSTATUS - 1), 0);
}
END_TEST

START_TEST(test_render)
{
	struct metrics *m = metrics_create();
	struct buf out = BUF_INITIALIZER(1 << 20);
	const char *t;

	ck_assert_ptr_nonnull(m);
	metrics_request(m, 3, 201, 400);	/* 0.4 ms */
	metrics_request(m, 3, 201, 3000);	/* 3 ms */
	metrics_request(m, 3, 409, 2000000);	/* 2 s: only +Inf */
	metrics_request(m, 0, 404, 10);
	metrics_request(m, 1, 418, 10);
	metrics_add(&m->store_errors, 2);
	metrics_add(&m->worker_restarts, 1);
	ck_assert_int_eq(metrics_render(m, t_tables, 2, &out), CB_OK);
	t = buf_cstr(&out);
	ck_assert_ptr_nonnull(strstr(t, "# TYPE chainbridge_api_requests_total counter\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_requests_total{route=\"balance_adjust\",method=\"POST\",status=\"201\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_requests_total{route=\"balance_adjust\",method=\"POST\",status=\"409\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_requests_total{route=\"unmatched\",method=\"\",status=\"404\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_requests_total{route=\"healthz\",method=\"GET\",status=\"other\"} 1\n"));
	/* nothing for routes without requests */
	ck_assert_ptr_null(strstr(t, "route=\"metrics\""));
	/* buckets are cumulative */
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_request_duration_seconds_bucket{route=\"balance_adjust\",method=\"POST\",le=\"0.0005\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_request_duration_seconds_bucket{route=\"balance_adjust\",method=\"POST\",le=\"0.0025\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_request_duration_seconds_bucket{route=\"balance_adjust\",method=\"POST\",le=\"0.005\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_request_duration_seconds_bucket{route=\"balance_adjust\",method=\"POST\",le=\"1\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_request_duration_seconds_bucket{route=\"balance_adjust\",method=\"POST\",le=\"+Inf\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_request_duration_seconds_sum{route=\"balance_adjust\",method=\"POST\"} 2.003400\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "chainbridge_api_request_duration_seconds_count{route=\"balance_adjust\",method=\"POST\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(t, "chainbridge_api_store_errors_total 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "chainbridge_api_worker_restarts_total 1\n"));
	buf_free(&out);
	metrics_destroy(m);
}
END_TEST

START_TEST(test_shared_across_fork)
{
	struct metrics *m = metrics_create();
	pid_t kids[4];
	int i, j, status;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < 4; i++) {
		kids[i] = fork();
		ck_assert_int_ne(kids[i], -1);
		if (kids[i] == 0) {
			for (j = 0; j < 10000; j++)
				metrics_request(m, 1, 200, 100);
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_uint_eq(atomic_load(&m->requests[1][metrics_status_index(200)]),
	    40000);
	ck_assert_uint_eq(atomic_load(&m->duration_sum_us[1]), 4000000);
	metrics_destroy(m);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc;

	tc = tcase_create("slots");
	tcase_add_test(tc, test_slots);
	tcase_add_test(tc, test_status_index);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_test(tc, test_render);
	suite_add_tcase(s, tc);

	tc = tcase_create("shared");
	tcase_add_test(tc, test_shared_across_fork);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
