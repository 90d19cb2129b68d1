/*
 * test_ledger_crash.c - killing API workers with SIGKILL while writes are
 * under way loses no acknowledged write: every operation answered 201 is
 * in the store afterwards, each user's ledger is internally exact, and
 * the master brings the pool back to its size.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ledger_util.h"

#define CLIENTS		12	/* the first one is the killer */
#define LOAD_MS		8000
#define KILL_EVERY_MS	1000
#define MAX_ACKS	20000

static char *key_write;

struct crash {
	char		 prefix[LT_NAME_MAX];
	volatile int	 stop;
	unsigned	 kills;
	char		 (*acked)[40];	/* operation ids answered 201 */
	unsigned	 nacked;
	unsigned	 per_client[CLIENTS];
	unsigned	 failed;		/* 5xx or transport errors */
	unsigned	 unexpected;
	char		 unexpected_body[512];
};

static void
crash_killer(struct crash *c)
{
	const struct harness_env *env = harness_env();
	uint64_t end = harness_now_ms() + LOAD_MS;
	pid_t workers[64];
	size_t n;

	while (harness_now_ms() < end) {
		harness_sleep_ms(KILL_EVERY_MS);
		n = harness_children(env->api_pid, workers, 64);
		if (n > 0 && kill(workers[c->kills % n], SIGKILL) == 0)
			c->kills++;
	}
	c->stop = 1;
}

static void
crash_client(unsigned index, void *arg)
{
	struct crash *c = arg;
	char body[512];
	struct hresp r;

	if (index == 0) {
		crash_killer(c);
		return;
	}
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s_%u\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"1\",\"reason_type\":\"adjustment\"}]}", c->prefix, index);
	while (!c->stop) {
		if (hreq("POST", "/api/v1/balance/adjust", key_write, "application/json", body,
		    (size_t)-1, NULL, &r) != 0) {
			__atomic_add_fetch(&c->failed, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (r.status == 201 && lt_str(r.json, "operation_id") != NULL) {
			unsigned slot = __atomic_fetch_add(&c->nacked, 1, __ATOMIC_RELAXED);

			if (slot < MAX_ACKS)
				snprintf(c->acked[slot], sizeof(c->acked[slot]), "%s",
				    lt_str(r.json, "operation_id"));
			c->per_client[index]++;
		} else if (r.status >= 500) {
			/* The worker died with the request: not acknowledged. */
			__atomic_add_fetch(&c->failed, 1, __ATOMIC_RELAXED);
		} else if (__atomic_add_fetch(&c->unexpected, 1, __ATOMIC_RELAXED) == 1) {
			snprintf(c->unexpected_body, sizeof(c->unexpected_body), "%ld %s", r.status,
			    r.body);
		}
		hresp_free(&r);
	}
}

START_TEST(test_sigkill_loses_no_ack)
{
	const struct harness_env *env = harness_env();
	struct crash *c = calloc(1, sizeof(*c));
	pid_t before[64], after[64];
	size_t nbefore, nafter = 0, i, k;
	char sql[8192], user[LT_NAME_MAX + 16];
	uint64_t found = 0, deadline;
	struct hresp r;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(c->acked = calloc(MAX_ACKS, sizeof(*c->acked)));
	lt_name(c->prefix, sizeof(c->prefix), "crash");
	nbefore = harness_children(env->api_pid, before, 64);
	ck_assert_uint_gt(nbefore, 0);
	ck_assert_int_eq(harness_parallel(CLIENTS, crash_client, c), 0);
	fprintf(stderr, "crash: %u kills, %u acknowledged, %u failed\n", c->kills, c->nacked,
	    c->failed);
	ck_assert_msg(c->unexpected == 0, "unexpected answer: %s", c->unexpected_body);
	ck_assert_uint_ge(c->kills, 5);
	ck_assert_uint_gt(c->nacked, 0);
	ck_assert_uint_le(c->nacked, MAX_ACKS);

	/* Every acknowledged operation is in the store. */
	for (i = 0; i < c->nacked; i += 100) {
		size_t n = 0;

		n += (size_t)snprintf(sql + n, sizeof(sql) - n,
		    "SELECT COUNT(*) FROM operations WHERE operation_uuid IN (");
		for (k = i; k < c->nacked && k < i + 100; k++)
			n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s'%s'", k > i ? "," : "",
			    c->acked[k]);
		snprintf(sql + n, sizeof(sql) - n, ")");
		found += hdb_scalar_u64(sql);
	}
	ck_assert_uint_eq(found, c->nacked);

	/* Each user's ledger is exact: at least what was acknowledged (a
	 * worker may die after COMMIT but before answering), and every row
	 * adds up. */
	for (i = 1; i < CLIENTS; i++) {
		snprintf(user, sizeof(user), "%s_%zu", c->prefix, i);
		ck_assert_uint_ge(lt_sql_u64("SELECT COUNT(*) FROM balance_changes"
		    " WHERE user_id = ?", user, NULL), c->per_client[i]);
		ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM user_balances b WHERE"
		    " b.user_id = ? AND b.pending_balance ="
		    " (SELECT CAST(COUNT(*) AS DECIMAL(65,0)) * 1000000000000000000"
		    " FROM balance_changes WHERE user_id = b.user_id)", user, NULL),
		    c->per_client[i] > 0 ? 1 : 0);
		ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM (SELECT balance_before,"
		    " LAG(balance_after) OVER (ORDER BY id) AS prev FROM balance_changes"
		    " WHERE user_id = ?) x WHERE x.prev <> x.balance_before", user, NULL), 0);
	}

	/* The master replaced every killed worker and the pool serves again. */
	deadline = harness_now_ms() + 20000;
	while (harness_now_ms() < deadline) {
		nafter = harness_children(env->api_pid, after, 64);
		if (nafter >= nbefore)
			break;
		harness_sleep_ms(200);
	}
	ck_assert_uint_ge(nafter, nbefore);
	lt_adjust(key_write, c->prefix, "CPOP", "1");
	lt_get("/api/v1/tokens", key_write, &r);
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);
	free(c->acked);
	free(c);
}
END_TEST

static Suite *
ledger_crash_suite(void)
{
	Suite *s = suite_create("ledger_crash");
	TCase *tc = tcase_create("sigkill");

	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_sigkill_loses_no_ack);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	/* Kills workers: no other test may run meanwhile. */
	harness_exclusive();
	key_write = harness_apikey("read,write");
	sr = srunner_create(ledger_crash_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_write);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
