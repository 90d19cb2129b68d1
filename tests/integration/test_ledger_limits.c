/*
 * test_ledger_limits.c - the [api] limits at their largest values are
 * ones the store holds (docs/store.md "Limits"):
 *  - max_rows: a keyed write of CONFIG_MAX_ROWS_MAX rows with the longest
 *    user ids and the longest amounts commits through the shared core, and
 *    its response (within LEDGER_RESPONSE_ROW_MAX a row) is stored whole;
 *  - max_reason_detail and max_json_depth at their maxima (the API
 *    reloaded with them): a detail of exactly that many bytes is stored
 *    byte for byte, metadata nested as deep as the body allows is stored;
 *    one byte or level more is 400;
 *  - a server whose max_allowed_packet is below what the limits need:
 *    a write that does not fit is 413 payload_too_large, nothing written,
 *    never a 500 or 503 with a dropped connection.
 * The program reloads the stack's API and changes a server variable, so
 * it runs alone (harness_exclusive) and restores both.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "ledger/write.h"
#include "store/registry.h"
#include "store/store.h"
#include "test_ledger_util.h"

static char *key_write;
static char key_write_name[128];

/* ------------------------------------------------------------- max_rows */

START_TEST(test_max_rows_response_stored)
{
	const struct harness_env *env = harness_env();
	char sym[32], prefix[64], errbuf[256], count[16], stored[32], *ids = NULL;
	struct ledger_write lw;
	struct ledger_request rq;
	struct config *cfg;
	struct db *db;
	struct token tok;
	struct strategy st;
	struct reason reason;
	unsigned tidx, ridx;
	enum cb_err rc;
	size_t i, plen;
	uint64_t t0;

	lt_new_token(env->api_key, 0, sym, sizeof(sym));
	ck_assert_ptr_nonnull(cfg = config_load(env->conf, errbuf, sizeof(errbuf)));
	db = store_open(&cfg->db, 10, &rc, errbuf, sizeof(errbuf));
	ck_assert_msg(db != NULL, "%s", errbuf);
	ck_assert_int_eq(registry_token_get(db, sym, strlen(sym), &tok), CB_OK);
	ck_assert_int_eq(registry_strategy_get(db, tok.id, &st), CB_OK);
	ck_assert_int_eq(registry_reason_get(db, "reward", 6, &reason), CB_OK);

	/* The longest ids, with balances one base unit below the largest the
	 * ledger holds: every amount of the response is as long as it gets. */
	snprintf(prefix, sizeof(prefix), "L%s-", sym);
	plen = strlen(prefix);
	snprintf(count, sizeof(count), "%u", CONFIG_MAX_ROWS_MAX);
	snprintf(stored, sizeof(stored), "%u", LEDGER_USER_ID_MAX - (unsigned)plen);
	ck_assert_uint_eq(lt_sql_exec("INSERT INTO user_balances (user_id, token_id,"
	    " pending_balance) WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1"
	    " FROM seq WHERE i < 199) SELECT CONCAT(?, LPAD(a.i * 200 + b.i, ?, '0')),"
	    " (SELECT id FROM tokens WHERE symbol = ?), CAST(REPEAT('9', 65) AS DECIMAL(65,0)) - 1"
	    " FROM seq a CROSS JOIN seq b WHERE a.i * 200 + b.i < ?",
	    prefix, stored, sym, count, NULL), CONFIG_MAX_ROWS_MAX);

	ck_assert_ptr_nonnull(ids = malloc((size_t)CONFIG_MAX_ROWS_MAX * (LEDGER_USER_ID_MAX + 1)));
	ledger_write_init(&lw, LEDGER_REWARD);
	ck_assert_int_eq(ledger_write_token(&lw, &tok, &st, 2, &tidx), CB_OK);
	ck_assert_int_eq(ledger_write_reason(&lw, &reason, &ridx), CB_OK);
	for (i = 0; i < CONFIG_MAX_ROWS_MAX; i++) {
		struct ledger_change *c;
		char *id = ids + i * (LEDGER_USER_ID_MAX + 1);

		snprintf(id, LEDGER_USER_ID_MAX + 1, "%s%0*zu", prefix,
		    (int)(LEDGER_USER_ID_MAX - plen), i);
		ck_assert_ptr_nonnull(c = ledger_change_add(&lw));
		c->user_id = id;
		c->user_id_len = LEDGER_USER_ID_MAX;
		c->token = tidx;
		c->reason = ridx;
		ck_assert_int_eq(amount_parse(&c->amount, "1", 1, 0, AMOUNT_NONZERO), AMOUNT_OK);
	}
	memset(&rq, 0, sizeof(rq));
	rq.api_key_id = (uint32_t)lt_sql_u64("SELECT id FROM api_keys WHERE name = ?",
	    key_write_name, NULL);
	rq.idem_key = prefix;
	rq.idem_key_len = plen;
	t0 = harness_now_ms();
	ck_assert_int_eq(ledger_write_prepare(db, &lw), CB_OK);
	rc = ledger_write_commit(db, &lw, &rq);
	fprintf(stderr, "max_rows: %u rows, response %zu bytes (%zu a row), %llu ms\n",
	    CONFIG_MAX_ROWS_MAX, lw.response.len, lw.response.len / CONFIG_MAX_ROWS_MAX,
	    (unsigned long long)(harness_now_ms() - t0));
	ck_assert_msg(rc == CB_OK, "%s (%u %s)", cb_errcode(rc), db_errno(db), db_error(db));
	/* The constant the config's range rests on holds for the worst case. */
	ck_assert_uint_le(lw.response.len, LEDGER_RESPONSE_HEAD_MAX +
	    (size_t)CONFIG_MAX_ROWS_MAX * LEDGER_RESPONSE_ROW_MAX);
	ck_assert_uint_gt(lw.response.len, (size_t)CONFIG_MAX_ROWS_MAX * 420);
	snprintf(count, sizeof(count), "%zu", lw.response.len);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?"
	    " AND LENGTH(response_body) = ?", prefix, count, NULL), 1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes c JOIN tokens t"
	    " ON t.id = c.token_id WHERE t.symbol = ?", sym, NULL), CONFIG_MAX_ROWS_MAX);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM user_balances b JOIN tokens t"
	    " ON t.id = b.token_id WHERE t.symbol = ? AND b.pending_balance = CAST(REPEAT('9', 65) AS DECIMAL(65,0))",
	    sym, NULL), CONFIG_MAX_ROWS_MAX);
	ledger_write_free(&lw);
	free(ids);
	db_close(db);
	config_free(cfg);
}
END_TEST

/* ------------------------------------------- detail and depth at maximum */

static void
limits_setup(void)
{
	static char detail[64], depth[64];
	const char *settings[3];

	snprintf(detail, sizeof(detail), "api.max_reason_detail=%u", CONFIG_REASON_DETAIL_MAX);
	snprintf(depth, sizeof(depth), "api.max_json_depth=%u", CONFIG_JSON_DEPTH_MAX);
	settings[0] = detail;
	settings[1] = depth;
	settings[2] = NULL;
	lt_api_reconfigure(settings);
}

static void
limits_teardown(void)
{
	lt_api_restore();
}

/* An adjust body with reason_detail text (JSON-escaped by the caller) and
 * optional raw metadata JSON; malloc'd. */
static char *
adjust_body(const char *user, const char *detail, const char *metadata)
{
	size_t cap = strlen(detail) + (metadata ? strlen(metadata) : 0) + 512;
	char *b = malloc(cap);

	ck_assert_ptr_nonnull(b);
	snprintf(b, cap, "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":\"CPOP\","
	    "\"amount\":\"1\",\"reason_type\":\"adjustment\",\"reason_detail\":\"%s\"%s%s}]}",
	    user, detail, metadata ? ",\"metadata\":" : "", metadata ? metadata : "");
	return b;
}

START_TEST(test_reason_detail_at_limit)
{
	char u[LT_NAME_MAX], *detail, *body;
	struct hresp r;
	size_t n = CONFIG_REASON_DETAIL_MAX / 3, i;

	/* 21845 three-byte characters: 65535 bytes exactly. */
	ck_assert_uint_eq(n * 3, CONFIG_REASON_DETAIL_MAX);
	ck_assert_ptr_nonnull(detail = malloc(n * 3 + 2));
	for (i = 0; i < n; i++)
		memcpy(detail + 3 * i, "\xe2\x82\xac", 3);
	detail[n * 3] = '\0';
	lt_name(u, sizeof(u), "detail");
	body = adjust_body(u, detail, NULL);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_msg(r.status == 201, "%ld %.300s", r.status, r.body);
	hresp_free(&r);
	free(body);
	/* Stored byte for byte (the store used to cut a 65536th byte silently). */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND LENGTH(reason_detail) = 65535 AND CHAR_LENGTH(reason_detail) = 21845"
	    " AND reason_detail = ?", u, detail, NULL), 1);
	/* One byte more is the client's error. */
	detail[n * 3] = 'x';
	detail[n * 3 + 1] = '\0';
	body = adjust_body(u, detail, NULL);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "string_too_long", "adjustments[0].reason_detail");
	hresp_free(&r);
	free(body);
	free(detail);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?",
	    u, NULL), 1);
}
END_TEST

/* Metadata of levels nested objects {"a":{"a":...1}}; malloc'd. */
static char *
nested(unsigned levels)
{
	char *m = malloc(levels * 6 + 2), *p = m;
	unsigned i;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < levels; i++, p += 5)
		memcpy(p, "{\"a\":", 5);
	*p++ = '1';
	for (i = 0; i < levels; i++)
		*p++ = '}';
	*p = '\0';
	return m;
}

START_TEST(test_json_depth_at_limit)
{
	char u[LT_NAME_MAX], *meta, *body;
	struct hresp r;

	lt_name(u, sizeof(u), "depth");
	/* The body, the rows array and the row take three levels. */
	meta = nested(CONFIG_JSON_DEPTH_MAX - 3);
	body = adjust_body(u, "deep", meta);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_msg(r.status == 201, "%ld %.300s", r.status, r.body);
	hresp_free(&r);
	free(body);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND JSON_DEPTH(metadata) = ?", u, "30", NULL), 1);
	free(meta);
	/* One level more is the client's error. */
	meta = nested(CONFIG_JSON_DEPTH_MAX - 2);
	body = adjust_body(u, "deep", meta);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "json_too_deep", NULL);
	hresp_free(&r);
	free(body);
	free(meta);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?",
	    u, NULL), 1);
}
END_TEST

/* ------------------------------------------------ a server's small packet */

static char packet_before[32];

static void
packet_setup(void)
{
	const char *settings[] = { "api.max_rows=5000", NULL };

	ck_assert(lt_sql_str(packet_before, sizeof(packet_before),
	    "SELECT @@GLOBAL.max_allowed_packet", NULL));
	/* New sessions only: the API's, after the reload. */
	lt_sql_exec("SET GLOBAL max_allowed_packet = 1048576", NULL);
	lt_api_reconfigure(settings);
}

static void
packet_teardown(void)
{
	lt_sql_exec("SET GLOBAL max_allowed_packet = CAST(? AS UNSIGNED)", packet_before, NULL);
	lt_api_restore();
}

/*
 * 5000 rows allowed, but the server takes 1 MiB a statement: the stored
 * response of a keyed distribution to 4500 users with long ids does not
 * fit (about 270 bytes a row).  413 payload_too_large, nothing written;
 * the same write without a key (no stored response) goes through, its
 * change rows cut into statements that fit.
 */
START_TEST(test_small_packet_is_413)
{
	char prefix[64], key[LT_NAME_MAX], *body, *p;
	struct hresp r;
	size_t cap = 4500 * 200 + 512, i;
	const char *extra[2] = { NULL, NULL };
	char header[320];

	lt_name(prefix, sizeof(prefix), "pk");
	lt_name(key, sizeof(key), "pkey");
	ck_assert_ptr_nonnull(body = malloc(cap));
	p = body + snprintf(body, cap, "{\"reward_batch\":{\"activity_id\":\"packet\","
	    "\"reward_type\":\"limits\",\"token_symbol\":\"CPOP\"},\"recipients\":[");
	for (i = 0; i < 4500; i++)
		p += snprintf(p, cap - (size_t)(p - body), "%s{\"user_id\":\"%s-%0*zu\","
		    "\"amount\":\"1.000000000000000001\"}", i ? "," : "", prefix,
		    (int)(LEDGER_USER_ID_MAX - strlen(prefix) - 1), i);
	snprintf(p, cap - (size_t)(p - body), "]}");
	ck_assert_uint_lt(strlen(body), 1048576);
	snprintf(header, sizeof(header), "Idempotency-Key: %s", key);
	extra[0] = header;
	ck_assert_int_eq(hreq("POST", "/api/v1/rewards/distribute", key_write,
	    "application/json", body, (size_t)-1, extra, &r), 0);
	ck_assert_msg(r.status == 413, "%ld %.300s", r.status, r.body);
	lt_assert_error(&r, 413, "payload_too_large", NULL);
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id LIKE"
	    " CONCAT(?, '%')", prefix, NULL), 0);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?",
	    key, NULL), 0);
	lt_post("/api/v1/rewards/distribute", key_write, NULL, body, &r);
	ck_assert_msg(r.status == 201, "%ld %.300s", r.status, r.body);
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id LIKE"
	    " CONCAT(?, '%')", prefix, NULL), 4500);
	free(body);
}
END_TEST

static Suite *
limits_suite(void)
{
	Suite *s = suite_create("ledger_limits");
	TCase *tc;

	tc = tcase_create("max_rows");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_max_rows_response_stored);
	suite_add_tcase(s, tc);
	tc = tcase_create("detail_depth");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, limits_setup, limits_teardown);
	tcase_add_test(tc, test_reason_detail_at_limit);
	tcase_add_test(tc, test_json_depth_at_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("small_packet");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, packet_setup, packet_teardown);
	tcase_add_test(tc, test_small_packet_is_413);
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
	key_write = harness_apikey_named("read,write", key_write_name, sizeof(key_write_name));
	sr = srunner_create(limits_suite());
	/* The configuration is restored by this process at exit. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_write);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
