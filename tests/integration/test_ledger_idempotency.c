/*
 * test_ledger_idempotency.c - Idempotency-Key semantics of the ledger
 * writes (docs/api.md): one ledger effect for a key however often and however
 * concurrently it is sent, identical replays with Idempotent-Replayed, 422
 * for another body or route, keys scoped to the API key, nothing stored for
 * a failed request, 409 while the first is still in flight, batch_id
 * against replays, replays judged by the rules the write committed under,
 * not by today's (a token disabled since), and the purge of expired keys
 * (library and chainbridge-admin purge-idempotency).
 */
#include "config.h"

#include <check.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "store/idempotency.h"
#include "store/store.h"
#include "test_ledger_util.h"

static char *key_write;
static char key_write_name[128];
static char *key_other;

static const char *
replayed(const struct hresp *r, char *buf, size_t cap)
{
	return hresp_header(r, "Idempotent-Replayed", buf, cap) ? buf : NULL;
}

static void
credit_body(char *body, size_t cap, const char *user, const char *amount)
{
	snprintf(body, cap, "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":\"CPOP\","
	    "\"amount\":\"%s\",\"reason_type\":\"refund\",\"reason_detail\":\"idem\"}]}",
	    user, amount);
}

START_TEST(test_sequential_replays)
{
	char u[LT_NAME_MAX], key[LT_NAME_MAX], body[512], first[2048], id[64], hdr[16],
	    pending[64];
	struct hresp r;
	int i;

	lt_name(u, sizeof(u), "seq");
	lt_name(key, sizeof(key), "key");
	credit_body(body, sizeof(body), u, "2.5");
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_ptr_null(replayed(&r, hdr, sizeof(hdr)));
	snprintf(first, sizeof(first), "%s", r.body);
	snprintf(id, sizeof(id), "%s", lt_str(r.json, "operation_id"));
	hresp_free(&r);
	for (i = 0; i < 99; i++) {
		lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
		ck_assert_msg(r.status == 200, "replay %d: %ld %s", i, r.status, r.body);
		ck_assert_msg(replayed(&r, hdr, sizeof(hdr)) != NULL && strcmp(hdr, "true") == 0,
		    "replay %d without Idempotent-Replayed", i);
		ck_assert_str_eq(r.body, first);
		hresp_free(&r);
	}
	/* One ledger effect. */
	lt_pending(key_write, u, "CPOP", pending, sizeof(pending));
	ck_assert_str_eq(pending, "2.5");
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes"
	    " WHERE user_id = ?", u, NULL), 1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM operations WHERE operation_uuid = ?",
	    id, NULL), 1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys i JOIN api_keys k"
	    " ON k.id = i.api_key_id WHERE k.name = ? AND i.idem_key = ? AND"
	    " i.status_code = 201 AND i.operation_id = (SELECT id FROM operations WHERE"
	    " operation_uuid = ?)", key_write_name, key, id, NULL), 1);
}
END_TEST

#define BURST	32

struct burst {
	const char	*body;
	const char	*key;
	long		 status[BURST];
	char		*bodies[BURST];
	bool		 replayed[BURST];
};

static void
burst_client(unsigned index, void *arg)
{
	struct burst *b = arg;
	char header[320], hdr[16];
	const char *extra[2] = { header, NULL };
	struct hresp r;

	snprintf(header, sizeof(header), "Idempotency-Key: %s", b->key);
	if (hreq("POST", "/api/v1/balance/adjust", key_write, "application/json", b->body,
	    (size_t)-1, extra, &r) != 0)
		return;
	b->status[index] = r.status;
	b->bodies[index] = strdup(r.body);
	b->replayed[index] = hresp_header(&r, "Idempotent-Replayed", hdr, sizeof(hdr));
	hresp_free(&r);
}

START_TEST(test_concurrent_duplicates)
{
	struct burst b;
	char u[LT_NAME_MAX], key[LT_NAME_MAX], body[512], pending[64];
	unsigned i, created = 0, replays = 0, winner = 0;
	int round;

	for (round = 0; round < 3; round++) {
		memset(&b, 0, sizeof(b));
		lt_name(u, sizeof(u), "burst");
		lt_name(key, sizeof(key), "bkey");
		credit_body(body, sizeof(body), u, "7");
		b.body = body;
		b.key = key;
		ck_assert_int_eq(harness_parallel(BURST, burst_client, &b), 0);
		created = replays = 0;
		for (i = 0; i < BURST; i++) {
			ck_assert_msg(b.status[i] == 201 || b.status[i] == 200, "client %u: %ld %s",
			    i, b.status[i], b.bodies[i] ? b.bodies[i] : "");
			if (b.status[i] == 201) {
				created++;
				winner = i;
				ck_assert(!b.replayed[i]);
			} else {
				replays++;
				ck_assert(b.replayed[i]);
			}
		}
		ck_assert_uint_eq(created, 1);
		ck_assert_uint_eq(replays, BURST - 1);
		/* Every replay is the first answer, byte for byte. */
		for (i = 0; i < BURST; i++)
			ck_assert_str_eq(b.bodies[i], b.bodies[winner]);
		for (i = 0; i < BURST; i++)
			free(b.bodies[i]);
		lt_pending(key_write, u, "CPOP", pending, sizeof(pending));
		ck_assert_str_eq(pending, "7.0");
		ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE"
		    " user_id = ?", u, NULL), 1);
	}
}
END_TEST

START_TEST(test_key_reuse_and_scope)
{
	char u[LT_NAME_MAX], key[LT_NAME_MAX], body[512], other[600], rbody[512], pending[64];
	struct hresp r;

	lt_name(u, sizeof(u), "reuse");
	lt_name(key, sizeof(key), "rkey");
	credit_body(body, sizeof(body), u, "1");
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_int_eq(r.status, 201);
	hresp_free(&r);
	/* Another body with the same key: 422, nothing written. */
	credit_body(other, sizeof(other), u, "2");
	lt_post("/api/v1/balance/adjust", key_write, key, other, &r);
	lt_assert_error(&r, 422, "idempotency_key_reused", NULL);
	ck_assert_str_eq(hresp_str(&r, "error.details.header"), "Idempotency-Key");
	hresp_free(&r);
	/* A byte more (whitespace) is another body too. */
	snprintf(other, sizeof(other), "%s ", body);
	lt_post("/api/v1/balance/adjust", key_write, key, other, &r);
	lt_assert_error(&r, 422, "idempotency_key_reused", NULL);
	hresp_free(&r);
	/* The same key on another route. */
	snprintf(rbody, sizeof(rbody), "{\"reward_batch\":{\"activity_id\":\"a\",\"reward_type\":"
	    "\"t\",\"token_symbol\":\"CPOP\"},\"recipients\":[{\"user_id\":\"%s\",\"amount\":"
	    "\"1\"}]}", u);
	lt_post("/api/v1/rewards/distribute", key_write, key, rbody, &r);
	lt_assert_error(&r, 422, "idempotency_key_reused", NULL);
	hresp_free(&r);
	lt_pending(key_write, u, "CPOP", pending, sizeof(pending));
	ck_assert_str_eq(pending, "1.0");
	/* Keys are per API key: another key's same Idempotency-Key is new. */
	lt_post("/api/v1/balance/adjust", key_other, key, body, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	hresp_free(&r);
	lt_pending(key_write, u, "CPOP", pending, sizeof(pending));
	ck_assert_str_eq(pending, "2.0");
}
END_TEST

START_TEST(test_failures_not_stored)
{
	char u[LT_NAME_MAX], key[LT_NAME_MAX], body[512], bad[512], debit[512];
	struct hresp r;

	lt_name(u, sizeof(u), "nostore");
	lt_name(key, sizeof(key), "fkey");
	/* A validation failure stores nothing under the key... */
	credit_body(bad, sizeof(bad), u, "1e3");
	lt_post("/api/v1/balance/adjust", key_write, key, bad, &r);
	lt_assert_error(&r, 400, "amount_exponent_not_allowed", "adjustments[0].amount");
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?",
	    key, NULL), 0);
	/* ... and so does a refused debit ... */
	snprintf(debit, sizeof(debit), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"-5\",\"reason_type\":\"adjustment\"}]}", u);
	lt_post("/api/v1/balance/adjust", key_write, key, debit, &r);
	lt_assert_error(&r, 409, "insufficient_balance", "adjustments[0].amount");
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?",
	    key, NULL), 0);
	/* ... and an unknown token. */
	snprintf(bad, sizeof(bad), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"NOPE\",\"amount\":\"5\",\"reason_type\":\"adjustment\"}]}", u);
	lt_post("/api/v1/balance/adjust", key_write, key, bad, &r);
	lt_assert_error(&r, 400, "unknown_token", NULL);
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?",
	    key, NULL), 0);
	/* The same key then works for a valid request, and the refused debit
	 * goes through once the balance is there. */
	lt_adjust(key_write, u, "CPOP", "10");
	lt_post("/api/v1/balance/adjust", key_write, key, debit, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	hresp_free(&r);
	lt_post("/api/v1/balance/adjust", key_write, key, debit, &r);
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);
	credit_body(body, sizeof(body), u, "1");
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	lt_assert_error(&r, 422, "idempotency_key_reused", NULL);
	hresp_free(&r);
}
END_TEST

START_TEST(test_batch_id_and_replay)
{
	char u[LT_NAME_MAX], key[LT_NAME_MAX], key2[LT_NAME_MAX], batch[LT_NAME_MAX], body[512];
	struct hresp r;

	lt_name(u, sizeof(u), "bid");
	lt_name(key, sizeof(key), "k1");
	lt_name(key2, sizeof(key2), "k2");
	lt_name(batch, sizeof(batch), "batch");
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"USDT\",\"amount\":\"3\",\"reason_type\":\"refund\"}],\"batch_id\":\"%s\"}", u, batch);
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_int_eq(r.status, 201);
	hresp_free(&r);
	/* The same key and body: a replay, not a conflict. */
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);
	/* Another key with the same batch_id: a conflict. */
	lt_post("/api/v1/balance/adjust", key_write, key2, body, &r);
	lt_assert_error(&r, 409, "batch_id_conflict", "batch_id");
	hresp_free(&r);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 409, "batch_id_conflict", "batch_id");
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?",
	    key2, NULL), 0);
}
END_TEST

/*
 * A request still in flight holds its key: simulated by a transaction of
 * the test's own that claims the key and stays open.  The duplicate waits,
 * then gets 409 idempotency_in_flight with Retry-After; once the holder
 * rolls back, the key is free and the write goes through.
 */
START_TEST(test_in_flight)
{
	const struct harness_env *env = harness_env();
	char u[LT_NAME_MAX], key[LT_NAME_MAX], body[512], sql[1024], v[16];
	struct hresp r;
	uint64_t key_id, t0;
	MYSQL *m;

	lt_name(u, sizeof(u), "flight");
	lt_name(key, sizeof(key), "fl");
	credit_body(body, sizeof(body), u, "4");
	key_id = lt_sql_u64("SELECT id FROM api_keys WHERE name = ?", key_write_name, NULL);
	ck_assert_ptr_nonnull(m = mysql_init(NULL));
	ck_assert_msg(mysql_real_connect(m, NULL, "root", NULL, env->db_name, 0, env->db_socket, 0)
	    != NULL, "connect: %s", mysql_error(m));
	ck_assert_int_eq(mysql_query(m, "START TRANSACTION"), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO idempotency_keys (api_key_id, idem_key,"
	    " request_hash, status_code, response_body) VALUES (%llu, '%s', UNHEX(REPEAT('00', 32)),"
	    " 0, '')", (unsigned long long)key_id, key);
	ck_assert_msg(mysql_query(m, sql) == 0, "%s", mysql_error(m));
	t0 = harness_now_ms();
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	lt_assert_error(&r, 409, "idempotency_in_flight", NULL);
	ck_assert(hresp_header(&r, "Retry-After", v, sizeof(v)));
	ck_assert_uint_ge(harness_now_ms() - t0, 4000);
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes"
	    " WHERE user_id = ?", u, NULL), 0);
	ck_assert_int_eq(mysql_query(m, "ROLLBACK"), 0);
	mysql_close(m);
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	hresp_free(&r);
	/* The worker got its usual lock wait back: a plain write still works. */
	lt_adjust(key_write, u, "CPOP", "1");
}
END_TEST

/*
 * A write committed with a key, then its token disabled: the rules have
 * changed (the same body without a key is 400 unknown_token now), but a
 * retry with the key is answered the stored response exactly as it was.
 */
START_TEST(test_replay_after_token_disabled)
{
	const char *admin = harness_env()->api_key;
	char u[LT_NAME_MAX], key[LT_NAME_MAX], sym[32], body[512], path[128], first[2048],
	    hdr[16];
	struct hresp r;

	lt_name(u, sizeof(u), "rules");
	lt_name(key, sizeof(key), "rk");
	lt_new_token(admin, 6, sym, sizeof(sym));
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"2.5\",\"reason_type\":\"refund\"}]}", u, sym);
	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	snprintf(first, sizeof(first), "%s", r.body);
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/admin/tokens/%s", sym);
	ck_assert_int_eq(hreq("PUT", path, admin, "application/json", "{\"enabled\":false}",
	    (size_t)-1, NULL, &r), 0);
	ck_assert_msg(r.status == 200, "disable: %ld %s", r.status, r.body);
	hresp_free(&r);
	/* Every worker's registry cache has forgotten the enabled token. */
	harness_sleep_ms(LEDGER_TEST_CACHE_MS);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "unknown_token", "adjustments[0].token_symbol");
	hresp_free(&r);

	lt_post("/api/v1/balance/adjust", key_write, key, body, &r);
	ck_assert_msg(r.status == 200, "replay: %ld %s", r.status, r.body);
	ck_assert_msg(replayed(&r, hdr, sizeof(hdr)) != NULL && strcmp(hdr, "true") == 0,
	    "no Idempotent-Replayed");
	ck_assert_str_eq(r.body, first);
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?",
	    u, NULL), 1);
}
END_TEST

/* ---------------------------------------------------------------- purge */

/* Inserts n keys named <prefix><i> for API key id, created age ago (an
 * SQL interval such as "2 DAY"; test-made text only). */
static void
purge_insert(const char *key_id, const char *prefix, unsigned n, const char *age)
{
	char sql[1024], count[16];

	snprintf(count, sizeof(count), "%u", n);
	/* Up to 10000 rows from a 100-row sequence squared (the server caps
	 * recursion at 1000 steps). */
	ck_assert_uint_le(n, 10000);
	snprintf(sql, sizeof(sql), "INSERT INTO idempotency_keys (api_key_id, idem_key,"
	    " request_hash, status_code, response_body, created_at)"
	    " WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < 99)"
	    " SELECT ?, CONCAT(?, a.i * 100 + b.i), UNHEX(REPEAT('00', 32)), 201, '{}',"
	    " NOW(6) - INTERVAL %s FROM seq a CROSS JOIN seq b WHERE a.i * 100 + b.i < ?", age);
	ck_assert_uint_eq(lt_sql_exec(sql, key_id, prefix, count, NULL), n);
}

static uint64_t
purge_count(const char *key_id, const char *prefix)
{
	return lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys WHERE api_key_id = ?"
	    " AND idem_key LIKE CONCAT(?, '%')", key_id, prefix, NULL);
}

/*
 * Keys older than the retention go, younger ones stay; one call deletes at
 * most max_chunks chunks of chunk_rows and says whether more remain; the
 * admin command does the same with the configured retention.
 */
START_TEST(test_purge)
{
	const struct harness_env *env = harness_env();
	char key_id[32], old_prefix[LT_NAME_MAX], young_prefix[LT_NAME_MAX], admin[1024],
	    out[512], errbuf[256];
	struct config *cfg;
	struct db *db;
	uint64_t deleted, live_before;
	enum cb_err rc;
	bool more;
	int status;

	snprintf(key_id, sizeof(key_id), "%llu", (unsigned long long)lt_sql_u64(
	    "SELECT id FROM api_keys WHERE name = ?", key_write_name, NULL));
	lt_name(old_prefix, sizeof(old_prefix), "old");
	lt_name(young_prefix, sizeof(young_prefix), "young");
	ck_assert_ptr_nonnull(cfg = config_load(env->conf, errbuf, sizeof(errbuf)));
	ck_assert_uint_eq(cfg->api.idempotency_retention, 86400);
	db = store_open(&cfg->db, 0, &rc, errbuf, sizeof(errbuf));
	ck_assert_msg(db != NULL, "%s", errbuf);

	/* Whatever expired before this test goes first, so counts are exact. */
	do {
		ck_assert_int_eq(idempotency_purge(db, 86400, 0, 0, NULL, &more), CB_OK);
	} while (more);
	/* The keys of this run's writes are young: they stay. */
	live_before = lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys", NULL);
	purge_insert(key_id, old_prefix, 2500, "2 DAY");
	purge_insert(key_id, young_prefix, 10, "23 HOUR");
	purge_insert(key_id, young_prefix + 1, 3, "86000 SECOND");

	ck_assert_int_eq(idempotency_purge(db, 86400, 1000, 2, &deleted, &more), CB_OK);
	ck_assert_uint_eq(deleted, 2000);
	ck_assert(more);
	ck_assert_uint_eq(purge_count(key_id, old_prefix), 500);

	snprintf(admin, sizeof(admin), "%s/src/admin/chainbridge-admin", env->build_dir);
	{
		const char *const argv[] = { admin, "-c", env->conf, "purge-idempotency",
		    "--chunk", "200", "--max-chunks", "2", NULL };

		ck_assert_int_eq(harness_run(argv, out, sizeof(out)), 0);
		ck_assert_msg(strstr(out, "purged 400 ") != NULL &&
		    strstr(out, "more remain") != NULL, "%s", out);
	}
	{
		const char *const argv[] = { admin, "-c", env->conf, "purge-idempotency", NULL };

		ck_assert_int_eq(harness_run(argv, out, sizeof(out)), 0);
		ck_assert_msg(strstr(out, "purged 100 idempotency keys older than 86400 s\n")
		    != NULL, "%s", out);
	}
	ck_assert_uint_eq(purge_count(key_id, old_prefix), 0);
	ck_assert_uint_eq(purge_count(key_id, young_prefix), 10);
	ck_assert_uint_eq(purge_count(key_id, young_prefix + 1), 3);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys", NULL),
	    live_before + 13);
	ck_assert_int_eq(idempotency_purge(db, 86400, 0, 0, &deleted, &more), CB_OK);
	ck_assert_uint_eq(deleted, 0);
	ck_assert(!more);

	/* The retention cannot be set below a day; --help needs no store. */
	{
		const char *const argv[] = { admin, "-c", env->conf, "purge-idempotency",
		    "--older-than", "3600", NULL };

		ck_assert_int_eq(harness_run(argv, NULL, 0), 2);
	}
	{
		const char *const argv[] = { admin, "-c", "/nonexistent", "purge-idempotency",
		    "--help", NULL };

		status = harness_run(argv, out, sizeof(out));
		ck_assert_int_eq(status, 0);
		ck_assert_ptr_nonnull(strstr(out, "purge-idempotency [--older-than SECONDS]"));
	}
	lt_sql_exec("DELETE FROM idempotency_keys WHERE api_key_id = ? AND idem_key LIKE"
	    " CONCAT(?, '%')", key_id, young_prefix + 1, NULL);
	db_close(db);
	config_free(cfg);
}
END_TEST

static Suite *
ledger_idempotency_suite(void)
{
	Suite *s = suite_create("ledger_idempotency");
	TCase *tc;

	tc = tcase_create("replays");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_sequential_replays);
	tcase_add_test(tc, test_concurrent_duplicates);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_key_reuse_and_scope);
	tcase_add_test(tc, test_failures_not_stored);
	tcase_add_test(tc, test_batch_id_and_replay);
	tcase_add_test(tc, test_in_flight);
	tcase_add_test(tc, test_replay_after_token_disabled);
	suite_add_tcase(s, tc);
	tc = tcase_create("purge");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_purge);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	key_write = harness_apikey_named("read,write", key_write_name, sizeof(key_write_name));
	key_other = harness_apikey("read,write");
	sr = srunner_create(ledger_idempotency_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_write);
	free(key_other);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
