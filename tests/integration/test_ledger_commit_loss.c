/*
 * test_ledger_commit_loss.c - a write whose store connection dies during
 * COMMIT (docs/api.md "When the store goes away during a write").
 *
 * The API is reloaded with its [database] socket pointing at a proxy of
 * this process (store_proxy.h) in front of MariaDB's socket, which kills
 * the connection of the next COMMIT:
 *  - after the server committed: the client gets 201 with the write's own
 *    answer (it used to get a retryable 503 and, retrying, write twice);
 *  - before the server saw it: the write is provably not committed and
 *    runs again: 201, one operation;
 *  - while the server keeps the transaction open: nobody can know, so
 *    503 outcome_unknown without Retry-After, naming the operation; after
 *    the transaction is gone there is no trace of it.
 * The store is checked directly each time.  The program disturbs the
 * shared stack, so it runs alone (harness_exclusive) and puts the API's
 * configuration back afterwards.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_proxy.h"
#include "test_ledger_util.h"

/* A write's whole time in this test: short, so the case that waits for
 * an answer that never comes does not take long. */
#define COMMIT_LOSS_TIMEOUT_MS	"5000"

static char *key_write;
static struct proxy *proxy;

static void
credit_body(char *body, size_t cap, const char *user)
{
	snprintf(body, cap, "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":\"CPOP\","
	    "\"amount\":\"7\",\"reason_type\":\"refund\",\"reason_detail\":\"commit loss\"}]}",
	    user);
}

/* Rows of user, and operations named id (NULL: of the user's changes). */
static uint64_t
changes_of(const char *user)
{
	return lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?", user, NULL);
}

static uint64_t
operations_named(const char *id)
{
	return lt_sql_u64("SELECT COUNT(*) FROM operations WHERE operation_uuid = ?", id, NULL);
}

/* The connection dies after the server committed: the answer is the
 * write's own 201, and there is exactly one operation. */
START_TEST(test_lost_after_commit)
{
	char u[LT_NAME_MAX], body[512], id[64], pending[64], hdr[16];
	unsigned before = proxy_triggered(proxy);
	struct hresp r;

	lt_name(u, sizeof(u), "after");
	credit_body(body, sizeof(body), u);
	proxy_arm(proxy, PROXY_DROP_AFTER);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	proxy_arm(proxy, PROXY_NONE);
	ck_assert_uint_eq(proxy_triggered(proxy), before + 1);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert(!hresp_header(&r, "Retry-After", hdr, sizeof(hdr)));
	snprintf(id, sizeof(id), "%s", lt_str(r.json, "operation_id"));
	ck_assert_str_eq(lt_str(lt_idx(r.json, "balances", 0), "balance_after"), "7.0");
	hresp_free(&r);
	ck_assert_uint_eq(operations_named(id), 1);
	ck_assert_uint_eq(changes_of(u), 1);
	lt_pending(key_write, u, "CPOP", pending, sizeof(pending));
	ck_assert_str_eq(pending, "7.0");
}
END_TEST

/* The same with an Idempotency-Key: 201, and the stored answer replays. */
START_TEST(test_lost_after_commit_keyed)
{
	char u[LT_NAME_MAX], key[LT_NAME_MAX], body[512], first[2048];
	unsigned before = proxy_triggered(proxy);
	struct hresp r;

	lt_name(u, sizeof(u), "afterk");
	lt_name(key, sizeof(key), "ak");
	credit_body(body, sizeof(body), u);
	proxy_arm(proxy, PROXY_DROP_AFTER);
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	proxy_arm(proxy, PROXY_NONE);
	ck_assert_uint_eq(proxy_triggered(proxy), before + 1);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	snprintf(first, sizeof(first), "%s", r.body);
	hresp_free(&r);
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(r.body, first);
	hresp_free(&r);
	ck_assert_uint_eq(changes_of(u), 1);
}
END_TEST

/* The connection dies before the server saw COMMIT: not committed, so the
 * write runs again; one operation, the one the answer names. */
START_TEST(test_lost_before_commit)
{
	char u[LT_NAME_MAX], body[512], id[64];
	unsigned before = proxy_triggered(proxy);
	struct hresp r;

	lt_name(u, sizeof(u), "before");
	credit_body(body, sizeof(body), u);
	proxy_arm(proxy, PROXY_DROP_BEFORE);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	proxy_arm(proxy, PROXY_NONE);
	ck_assert_uint_eq(proxy_triggered(proxy), before + 1);
	if (r.status == 201) {
		snprintf(id, sizeof(id), "%s", lt_str(r.json, "operation_id"));
		ck_assert_uint_eq(operations_named(id), 1);
		ck_assert_uint_eq(changes_of(u), 1);
	} else {
		/* A retryable 503 is allowed too, but then nothing was written. */
		lt_assert_error(&r, 503, "store_unavailable", NULL);
		ck_assert_uint_eq(changes_of(u), 0);
	}
	hresp_free(&r);
}
END_TEST

/* The server keeps the transaction open: the outcome cannot be learned in
 * time.  503 outcome_unknown, no Retry-After, the operation named; once
 * the transaction is gone (rolled back), nothing of it is left. */
START_TEST(test_outcome_unknown)
{
	char u[LT_NAME_MAX], body[512], id[64], path[128], hdr[16];
	unsigned before = proxy_triggered(proxy);
	struct hresp r;
	uint64_t t0, took, deadline;

	lt_name(u, sizeof(u), "unknown");
	credit_body(body, sizeof(body), u);
	proxy_arm(proxy, PROXY_HOLD);
	t0 = harness_now_ms();
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	took = harness_now_ms() - t0;
	proxy_arm(proxy, PROXY_NONE);
	ck_assert_uint_eq(proxy_triggered(proxy), before + 1);
	lt_assert_error(&r, 503, "outcome_unknown", NULL);
	ck_assert_msg(!hresp_header(&r, "Retry-After", hdr, sizeof(hdr)),
	    "outcome_unknown must not invite a blind retry");
	ck_assert_ptr_nonnull(hresp_str(&r, "error.details.operation_id"));
	snprintf(id, sizeof(id), "%s", hresp_str(&r, "error.details.operation_id"));
	hresp_free(&r);
	/* Well inside the edge's 60 s: the deadline plus one lock wait. */
	ck_assert_msg(took < 15000, "took %llu ms", (unsigned long long)took);
	/* The held transaction is still open: the operation is not visible. */
	ck_assert_uint_eq(operations_named(id), 0);
	proxy_release(proxy);
	/* The server rolls it back once the session is gone. */
	deadline = harness_now_ms() + 10000;
	while (lt_sql_u64("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
	    " WHERE trx_rows_modified > 0 AND trx_mysql_thread_id NOT IN"
	    " (SELECT ID FROM information_schema.PROCESSLIST)", NULL) > 0 &&
	    harness_now_ms() < deadline)
		harness_sleep_ms(50);
	harness_sleep_ms(200);
	ck_assert_uint_eq(operations_named(id), 0);
	ck_assert_uint_eq(changes_of(u), 0);
	snprintf(path, sizeof(path), "/api/v1/operations/%s", id);
	lt_get(path, key_write, &r);
	lt_assert_error(&r, 404, "operation_not_found", NULL);
	hresp_free(&r);
}
END_TEST

/* The API runs through the proxy for the whole test case. */
static void
setup(void)
{
	const struct harness_env *env = harness_env();
	static char listen_path[108], db_setting[160];
	const char *settings[3];

	/* Short: sun_path holds 108 bytes. */
	snprintf(listen_path, sizeof(listen_path), "%s/pxy%ld.sock", env->state_dir,
	    (long)getpid() % 100000);
	proxy = proxy_start(listen_path, env->db_socket);
	snprintf(db_setting, sizeof(db_setting), "database.socket=%s", listen_path);
	settings[0] = db_setting;
	settings[1] = "api.write_timeout_ms=" COMMIT_LOSS_TIMEOUT_MS;
	settings[2] = NULL;
	lt_api_reconfigure(settings);
}

static void
teardown(void)
{
	lt_api_restore();
	proxy_stop(proxy);
	proxy = NULL;
}

static Suite *
commit_loss_suite(void)
{
	Suite *s = suite_create("ledger_commit_loss");
	TCase *tc = tcase_create("commit");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lost_after_commit);
	tcase_add_test(tc, test_lost_after_commit_keyed);
	tcase_add_test(tc, test_lost_before_commit);
	tcase_add_test(tc, test_outcome_unknown);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	harness_exclusive();
	key_write = harness_apikey("read,write");
	sr = srunner_create(commit_loss_suite());
	/* The proxy's threads live in this process. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_write);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
