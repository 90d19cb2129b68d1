/*
 * test_ledger_api.c - every ledger route of docs/api.md through the real
 * nginx: the seed's example requests with seed-shaped answers and exact
 * numbers, reads with paging, settlement estimates from the strategy,
 * batches, wallets with EIP-55, the admin routes, and each error code a
 * client can reach on them.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger/status.h"
#include "test_ledger_util.h"

/* One adjust row of user %s in USDT with an amount and a reason. */
#define USDT_ROW(amount, reason) \
	"{\"user_id\":\"%s\",\"token_symbol\":\"USDT\",\"amount\":\"" amount \
	"\",\"reason_type\":\"" reason "\"}"

static char *key_admin;
static char *key_write;
static char *key_read;

/* Unix seconds of an ISO-8601 "YYYY-MM-DDTHH:MM:SSZ" text, or -1. */
static long long
iso_seconds(const char *s)
{
	struct tm tm;
	const char *end;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return (long long)timegm(&tm);
}

static long long
db_now(void)
{
	return (long long)hdb_scalar_u64("SELECT UNIX_TIMESTAMP()");
}

/* Checks one "balances" entry of a write answer. */
static void
assert_balance_entry(json_object *e, const char *user, const char *symbol,
    const char *before, const char *after, const char *sync)
{
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(lt_str(e, "user_id"), user);
	ck_assert_str_eq(lt_str(e, "token_symbol"), symbol);
	ck_assert_str_eq(lt_str(e, "balance_before"), before);
	ck_assert_str_eq(lt_str(e, "balance_after"), after);
	ck_assert_str_eq(lt_str(e, "pending_sync"), sync);
	ck_assert_int_eq(json_object_object_length(e), 5);
}

/* Checks the shape of a write answer; returns blockchain_sync. */
static json_object *
assert_write_shape(const struct hresp *r, int count)
{
	json_object *sync, *v;
	const char *id = lt_str(r->json, "operation_id");

	ck_assert_msg(r->status == 201, "status %ld: %s", r->status, r->body);
	ck_assert_ptr_nonnull(id);
	ck_assert_int_eq(strlen(id), 36);
	ck_assert_str_eq(lt_str(r->json, "status"), "recorded");
	ck_assert(json_object_object_get_ex(r->json, "adjustments_count", &v));
	ck_assert_int_eq(json_object_get_int(v), count);
	ck_assert(json_object_object_get_ex(r->json, "blockchain_sync", &sync));
	ck_assert_str_eq(lt_str(sync, "status"), "pending");
	ck_assert(iso_seconds(lt_str(sync, "estimated_sync_time")) > 0);
	ck_assert(json_object_object_get_ex(sync, "will_be_batched", &v));
	ck_assert(json_object_is_type(v, json_type_boolean));
	ck_assert(json_object_object_get_ex(sync, "current_batch_size", &v));
	ck_assert(json_object_is_type(v, json_type_int));
	ck_assert_int_eq(json_object_object_length(r->json), 5);
	return sync;
}

static long long
sync_int(json_object *sync, const char *key)
{
	json_object *v;

	ck_assert(json_object_object_get_ex(sync, key, &v));
	return json_object_get_int64(v);
}

/* ---------------------------------------------------------- seed writes */

START_TEST(test_seed_adjust)
{
	char u1[LT_NAME_MAX], u2[LT_NAME_MAX], body[2048], path[256];
	struct hresp r, h;
	json_object *sync, *item, *meta, *v;

	lt_name(u1, sizeof(u1), "user_123");
	lt_name(u2, sizeof(u2), "user_456");
	/* The seed's user_123 holds 5000.0, settled; user_456 has some. */
	lt_adjust(key_write, u1, "CPOP", "5000.0");
	lt_sql_exec("UPDATE user_balances SET confirmed_balance = pending_balance,"
	    " last_sync_at = NOW(6) WHERE user_id = ?", u1, NULL);
	lt_adjust(key_write, u2, "CPOP", "75.25");
	snprintf(body, sizeof(body),
	    "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":\"CPOP\","
	    "\"amount\":\"+1000.0\",\"reason_type\":\"reward\","
	    "\"reason_detail\":\"Daily check-in reward\",\"metadata\":"
	    "{\"activity_id\":\"daily_checkin_20241215\",\"reward_tier\":\"premium\"}},"
	    "{\"user_id\":\"%s\",\"token_symbol\":\"CPOP\",\"amount\":\"-50.0\","
	    "\"reason_type\":\"gas_fee\",\"reason_detail\":\"Transaction gas fee deduction\","
	    "\"metadata\":{\"tx_id\":\"user_transfer_abc123\",\"gas_cost_usd\":2.5}}],"
	    "\"batch_id\":\"%s\",\"priority\":\"normal\"}", u1, u2, u1);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 2);
	ck_assert(json_object_object_get_ex(sync, "will_be_batched", &v));
	ck_assert(json_object_get_boolean(v));
	ck_assert_int_eq(lt_len(r.json, "balances"), 2);
	assert_balance_entry(lt_idx(r.json, "balances", 0), u1, "CPOP", "5000.0", "6000.0",
	    "+1000.0");
	assert_balance_entry(lt_idx(r.json, "balances", 1), u2, "CPOP", "75.25", "25.25",
	    "+25.25");

	/* The ledger rows behind it: exact base units, reason, metadata. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes c JOIN operations o"
	    " ON o.id = c.operation_id WHERE o.operation_uuid = ? AND c.position = 1"
	    " AND c.amount = -50000000000000000000 AND c.balance_before = 75250000000000000000"
	    " AND c.balance_after = 25250000000000000000 AND c.reason_type = 'gas_fee'",
	    lt_str(r.json, "operation_id"), NULL), 1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM operations WHERE operation_uuid ="
	    " ? AND client_batch_id = ? AND kind = 'adjust' AND changes_count = 2",
	    lt_str(r.json, "operation_id"), u1, NULL), 1);

	/* The history of user_456 shows the debit, newest first. */
	snprintf(path, sizeof(path), "/api/v1/balance/%s/history?token_symbol=CPOP", u2);
	lt_get(path, key_read, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_int_eq(lt_len(h.json, "history"), 2);
	item = lt_idx(h.json, "history", 0);
	ck_assert_str_eq(lt_str(item, "operation_id"), lt_str(r.json, "operation_id"));
	ck_assert_str_eq(lt_str(item, "amount"), "-50.0");
	ck_assert_str_eq(lt_str(item, "balance_before"), "75.25");
	ck_assert_str_eq(lt_str(item, "balance_after"), "25.25");
	ck_assert_str_eq(lt_str(item, "reason_type"), "gas_fee");
	ck_assert_str_eq(lt_str(item, "reason_detail"), "Transaction gas fee deduction");
	ck_assert_str_eq(lt_str(item, "sync_status"), "recorded");
	ck_assert(iso_seconds(lt_str(item, "timestamp")) > 0);
	ck_assert(json_object_object_get_ex(item, "blockchain_tx", &v) && v == NULL);
	ck_assert(json_object_object_get_ex(item, "metadata", &meta));
	ck_assert_str_eq(lt_str(meta, "tx_id"), "user_transfer_abc123");
	ck_assert_str_eq(lt_str(h.json, "token_symbol"), "CPOP");
	ck_assert(json_object_object_get_ex(h.json, "next_cursor", &v) && v == NULL);
	hresp_free(&h);
	hresp_free(&r);
}
END_TEST

START_TEST(test_seed_rewards)
{
	char u1[LT_NAME_MAX], u2[LT_NAME_MAX], body[1024], path[256];
	struct hresp r, h;
	json_object *item, *meta;

	lt_name(u1, sizeof(u1), "user_123");
	lt_name(u2, sizeof(u2), "user_456");
	lt_adjust(key_write, u2, "CPOP", "0.5");
	snprintf(body, sizeof(body),
	    "{\"reward_batch\":{\"activity_id\":\"daily_checkin_20241215\","
	    "\"reward_type\":\"daily_checkin\",\"token_symbol\":\"CPOP\"},"
	    "\"recipients\":[{\"user_id\":\"%s\",\"amount\":\"100.0\",\"tier\":\"premium\"},"
	    "{\"user_id\":\"%s\",\"amount\":\"50.0\",\"tier\":\"basic\"},"
	    "{\"user_id\":\"%s\",\"amount\":\"0.000000000000000001\"}]}", u1, u2, u1);
	lt_post("/api/v1/rewards/distribute", key_write, NULL, body, &r);
	assert_write_shape(&r, 3);
	ck_assert_int_eq(lt_len(r.json, "balances"), 2);
	assert_balance_entry(lt_idx(r.json, "balances", 0), u1, "CPOP", "0.0",
	    "100.000000000000000001", "+100.000000000000000001");
	assert_balance_entry(lt_idx(r.json, "balances", 1), u2, "CPOP", "0.5", "50.5",
	    "+50.5");
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM operations WHERE operation_uuid = ?"
	    " AND kind = 'reward' AND JSON_VALUE(context, '$.activity_id') ="
	    " 'daily_checkin_20241215'", lt_str(r.json, "operation_id"), NULL), 1);

	snprintf(path, sizeof(path), "/api/v1/balance/%s/history", u1);
	lt_get(path, key_read, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_int_eq(lt_len(h.json, "history"), 2);
	item = lt_idx(h.json, "history", 1);
	ck_assert_str_eq(lt_str(item, "amount"), "+100.0");
	ck_assert_str_eq(lt_str(item, "reason_type"), "reward");
	ck_assert_str_eq(lt_str(item, "reason_detail"), "daily_checkin/daily_checkin_20241215");
	ck_assert(json_object_object_get_ex(item, "metadata", &meta));
	ck_assert_str_eq(lt_str(meta, "activity_id"), "daily_checkin_20241215");
	ck_assert_str_eq(lt_str(meta, "reward_type"), "daily_checkin");
	ck_assert_str_eq(lt_str(meta, "reward_tier"), "premium");
	item = lt_idx(h.json, "history", 0);
	ck_assert_str_eq(lt_str(item, "amount"), "+0.000000000000000001");
	ck_assert(json_object_object_get_ex(item, "metadata", &meta));
	ck_assert_ptr_null(lt_str(meta, "reward_tier"));
	hresp_free(&h);
	hresp_free(&r);
}
END_TEST

START_TEST(test_seed_consumption)
{
	char u1[LT_NAME_MAX], body[1024], path[256];
	struct hresp r, h;
	json_object *item, *meta;

	lt_name(u1, sizeof(u1), "user_123");
	lt_adjust(key_write, u1, "CPOP", "100");
	/* service_type gas_fee is a registered reason: it is used, and the
	 * service keys it does not allow are left out of the metadata. */
	snprintf(body, sizeof(body),
	    "{\"consumption\":{\"service_type\":\"gas_fee\",\"service_id\":\"transfer_abc123\","
	    "\"token_symbol\":\"CPOP\"},\"deductions\":[{\"user_id\":\"%s\","
	    "\"amount\":\"25.5\",\"reason\":\"Transfer gas fee\"}]}", u1);
	lt_post("/api/v1/consumption/deduct", key_write, NULL, body, &r);
	assert_write_shape(&r, 1);
	assert_balance_entry(lt_idx(r.json, "balances", 0), u1, "CPOP", "100.0", "74.5",
	    "+74.5");
	hresp_free(&r);
	/* An unregistered service type falls back to "consumption". */
	snprintf(body, sizeof(body),
	    "{\"consumption\":{\"service_type\":\"video_streaming\",\"service_id\":\"vid_9\","
	    "\"token_symbol\":\"CPOP\"},\"deductions\":[{\"user_id\":\"%s\","
	    "\"amount\":\"4.5\",\"reason\":\"Movie\"},{\"user_id\":\"%s\",\"amount\":\"70\"}]}",
	    u1, u1);
	lt_post("/api/v1/consumption/deduct", key_write, NULL, body, &r);
	assert_write_shape(&r, 2);
	assert_balance_entry(lt_idx(r.json, "balances", 0), u1, "CPOP", "74.5", "0.0", "0.0");

	snprintf(path, sizeof(path), "/api/v1/balance/%s/history?token_symbol=CPOP&limit=3", u1);
	lt_get(path, key_read, &h);
	ck_assert_int_eq(lt_len(h.json, "history"), 3);
	item = lt_idx(h.json, "history", 1);
	ck_assert_str_eq(lt_str(item, "reason_type"), "consumption");
	ck_assert_str_eq(lt_str(item, "reason_detail"), "Movie");
	ck_assert_str_eq(lt_str(item, "amount"), "-4.5");
	ck_assert(json_object_object_get_ex(item, "metadata", &meta));
	ck_assert_str_eq(lt_str(meta, "service_type"), "video_streaming");
	ck_assert_str_eq(lt_str(meta, "service_id"), "vid_9");
	item = lt_idx(h.json, "history", 0);
	ck_assert_str_eq(lt_str(item, "reason_detail"), "");
	item = lt_idx(h.json, "history", 2);
	ck_assert_str_eq(lt_str(item, "reason_type"), "gas_fee");
	ck_assert(json_object_object_get_ex(item, "metadata", &meta));
	ck_assert_ptr_null(meta);
	hresp_free(&h);
	hresp_free(&r);
}
END_TEST

/* Several rows of one user and token: before/after chain in request order. */
START_TEST(test_adjust_chain_in_request_order)
{
	char u[LT_NAME_MAX], body[1024];
	struct hresp r;

	lt_name(u, sizeof(u), "chain");
	snprintf(body, sizeof(body), "{\"adjustments\":["
	    USDT_ROW("10", "refund") ","
	    USDT_ROW("-10", "adjustment") ","
	    USDT_ROW("+0.000001", "adjustment") "]}",
	    u, u, u);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	assert_write_shape(&r, 3);
	assert_balance_entry(lt_idx(r.json, "balances", 0), u, "USDT", "0.0", "0.000001",
	    "+0.000001");
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND ((position = 0 AND balance_before = 0 AND balance_after = 10000000) OR"
	    " (position = 1 AND balance_before = 10000000 AND balance_after = 0) OR"
	    " (position = 2 AND balance_before = 0 AND balance_after = 1))", u, NULL), 3);
	hresp_free(&r);
}
END_TEST

/* Debits in one request may use credits earlier in the same request. */
START_TEST(test_adjust_overdraft_refused_whole)
{
	char u[LT_NAME_MAX], v[LT_NAME_MAX], body[1024], bal[64];
	struct hresp r;
	uint64_t before;
	json_object *d;

	lt_name(u, sizeof(u), "od");
	lt_name(v, sizeof(v), "od2");
	lt_adjust(key_write, u, "USDT", "5");
	before = lt_user_rows(u) + lt_user_rows(v);
	snprintf(body, sizeof(body), "{\"adjustments\":["
	    USDT_ROW("+1", "adjustment") ","
	    USDT_ROW("+3", "adjustment") ","
	    USDT_ROW("-8.000001", "adjustment") "]}",
	    v, u, u);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 409, "insufficient_balance", "adjustments[2].amount");
	d = NULL;
	json_object_object_get_ex(json_object_object_get(r.json, "error"), "details", &d);
	ck_assert_str_eq(lt_str(d, "user_id"), u);
	ck_assert_str_eq(lt_str(d, "token_symbol"), "USDT");
	ck_assert_str_eq(lt_str(d, "available"), "8.0");
	ck_assert_str_eq(lt_str(d, "requested"), "8.000001");
	hresp_free(&r);
	/* Nothing at all was written, not even the credits or the new row. */
	ck_assert_uint_eq(lt_user_rows(u) + lt_user_rows(v), before);
	lt_pending(key_read, u, "USDT", bal, sizeof(bal));
	ck_assert_str_eq(bal, "5.0");
	/* Exactly the balance is fine. */
	snprintf(body, sizeof(body), "{\"adjustments\":["
	    USDT_ROW("+3", "adjustment") ","
	    USDT_ROW("-8", "adjustment") "]}",
	    u, u);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	hresp_free(&r);
	lt_pending(key_read, u, "USDT", bal, sizeof(bal));
	ck_assert_str_eq(bal, "0.0");
}
END_TEST

START_TEST(test_write_conflicts)
{
	char u[LT_NAME_MAX], batch[LT_NAME_MAX], body[1024];
	struct hresp r;
	uint64_t before;

	lt_name(u, sizeof(u), "cf");
	lt_name(batch, sizeof(batch), "batch");
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"1\",\"reason_type\":\"adjustment\"}],\"batch_id\":\"%s\"}",
	    u, batch);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	hresp_free(&r);
	before = lt_user_rows(u) + lt_sql_u64("SELECT COUNT(*) FROM operations"
	    " WHERE client_batch_id = ?", batch, NULL);
	/* batch_id is unique per API key, for every route. */
	snprintf(body, sizeof(body), "{\"recipients\":[{\"user_id\":\"%s\",\"amount\":\"1\"}],"
	    "\"reward_batch\":{\"activity_id\":\"a\",\"reward_type\":\"b\",\"token_symbol\":"
	    "\"CPOP\"},\"batch_id\":\"%s\"}", u, batch);
	lt_post("/api/v1/rewards/distribute", key_write, NULL, body, &r);
	lt_assert_error(&r, 409, "batch_id_conflict", "batch_id");
	hresp_free(&r);
	ck_assert_uint_eq(lt_user_rows(u) + lt_sql_u64("SELECT COUNT(*) FROM operations"
	    " WHERE client_batch_id = ?", batch, NULL), before);
	/* ... but another API key may use the same reference. */
	lt_post("/api/v1/rewards/distribute", key_admin, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	hresp_free(&r);

	/* A balance past 10^65 - 1 base units. */
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"USDT\",\"amount\":"
	    "\"99999999999999999999999999999999999999999999999999999999999.999999\","
	    "\"reason_type\":\"adjustment\"},{\"user_id\":\"%s\",\"token_symbol\":\"USDT\","
	    "\"amount\":\"0.000001\",\"reason_type\":\"adjustment\"}]}", u, u);
	before = lt_user_rows(u);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 409, "balance_out_of_range", "adjustments[1].amount");
	hresp_free(&r);
	ck_assert_uint_eq(lt_user_rows(u), before);
}
END_TEST

/* Unicode, quotes and control characters travel intact. */
START_TEST(test_text_round_trip)
{
	static const char detail_json[] =
	    "caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" back\\\\slash tab\\t nl\\n \\u0001 \\u2028 end";
	static const char detail[] = "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" back\\slash tab\t nl\n"
	    " \x01 \xe2\x80\xa8 end";
	char u[LT_NAME_MAX], body[1024], path[256];
	struct hresp r;
	json_object *item, *meta;

	lt_name(u, sizeof(u), "text");
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"1\",\"reason_type\":\"refund\",\"reason_detail\":\"%s\","
	    "\"metadata\":{\"k\\u00e9y\":[1,{\"n\":null}],\"s\":\"%s\"}}]}", u, detail_json,
	    detail_json);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/balance/%s/history", u);
	lt_get(path, key_read, &r);
	item = lt_idx(r.json, "history", 0);
	ck_assert_str_eq(lt_str(item, "reason_detail"), detail);
	ck_assert(json_object_object_get_ex(item, "metadata", &meta));
	ck_assert_str_eq(lt_str(meta, "s"), detail);
	ck_assert(json_object_object_get_ex(meta, "k\xc3\xa9y", NULL));
	hresp_free(&r);
}
END_TEST

/* ---------------------------------------------------- settlement estimate */

START_TEST(test_blockchain_sync_from_strategy)
{
	char sym[32], u[LT_NAME_MAX], body[1024], path[256];
	struct hresp r;
	json_object *sync, *v;
	long long now, est;
	int i;

	lt_new_token(key_admin, 2, sym, sizeof(sym));
	snprintf(path, sizeof(path), "/api/v1/admin/strategies/%s", sym);
	lt_post(path, key_admin, NULL, "{}", &r);	/* wrong method */
	ck_assert_int_eq(r.status, 405);
	hresp_free(&r);
	if (hreq("PUT", path, key_admin, "application/json",
	    "{\"max_batch_size\":4,\"max_wait_seconds\":3600,\"min_batch_size\":2,"
	    "\"value_threshold\":\"1000.00\",\"priority_reasons\":[\"refund\"]}", (size_t)-1,
	    NULL, &r) != 0)
		ck_abort();
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_int_eq(sync_int(r.json, "max_batch_size"), 4);
	ck_assert_str_eq(lt_str(r.json, "value_threshold"), "1000.0");
	hresp_free(&r);

	lt_name(u, sizeof(u), "est");
	/* 1 pending change: below min_batch_size, wait for max_wait. */
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"10\",\"reason_type\":\"adjustment\"}]}", u, sym);
	now = db_now();
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 1);
	ck_assert_int_eq(sync_int(sync, "current_batch_size"), 1);
	est = iso_seconds(lt_str(sync, "estimated_sync_time"));
	ck_assert_msg(est >= now + 3600 && est <= now + 3602, "est %lld now %lld", est, now);
	hresp_free(&r);
	/* 2 pending, no trigger: still the oldest + max_wait. */
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 1);
	ck_assert_int_eq(sync_int(sync, "current_batch_size"), 2);
	ck_assert(llabs(iso_seconds(lt_str(sync, "estimated_sync_time")) - est) <= 1);
	hresp_free(&r);
	/* priority high: the next daemon pass (poll interval of the chain). */
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"10\",\"reason_type\":\"adjustment\"}],\"priority\":\"high\"}",
	    u, sym);
	now = db_now();
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 1);
	ck_assert_int_eq(sync_int(sync, "current_batch_size"), 3);
	est = iso_seconds(lt_str(sync, "estimated_sync_time"));
	ck_assert_msg(est >= now && est <= now + 60, "est %lld now %lld", est, now);
	hresp_free(&r);
	/* Now a "high" change is pending: every later write sees the trigger. */
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"-1\",\"reason_type\":\"adjustment\"}]}", u, sym);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 1);
	ck_assert_int_eq(sync_int(sync, "current_batch_size"), 4);
	ck_assert(iso_seconds(lt_str(sync, "estimated_sync_time")) <= db_now() + 60);
	hresp_free(&r);
	/* The count is bounded by max_batch_size + 1 (plus the request). */
	for (i = 0; i < 3; i++) {
		lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
		sync = assert_write_shape(&r, 1);
		ck_assert_int_le(sync_int(sync, "current_batch_size"), 6);
		hresp_free(&r);
	}
	/* A reason without auto_batch: will_be_batched false. */
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"-1\",\"reason_type\":\"transfer_out\"}]}", u, sym);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 1);
	ck_assert(json_object_object_get_ex(sync, "will_be_batched", &v));
	ck_assert(!json_object_get_boolean(v));
	hresp_free(&r);
	/* The balance read shows the same kind of estimate. */
	snprintf(path, sizeof(path), "/api/v1/balance/%s?token_symbol=%s", u, sym);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(r.status, 200);
	v = lt_idx(r.json, "balances", 0);
	ck_assert_str_eq(lt_str(v, "pending_balance"), "25.0");
	ck_assert_str_eq(lt_str(v, "confirmed_balance"), "0.0");
	ck_assert_str_eq(lt_str(v, "pending_changes"), "+25.0");
	ck_assert(iso_seconds(lt_str(v, "next_sync_estimate")) <= db_now() + 60);
	hresp_free(&r);
}
END_TEST

START_TEST(test_value_threshold_trigger)
{
	char sym[32], u[LT_NAME_MAX], body[1024], path[256];
	struct hresp r;
	json_object *sync;
	long long now, est;

	lt_new_token(key_admin, 0, sym, sizeof(sym));
	snprintf(path, sizeof(path), "/api/v1/admin/strategies/%s", sym);
	if (hreq("PUT", path, key_admin, "application/json",
	    "{\"max_batch_size\":100,\"max_wait_seconds\":600,\"min_batch_size\":1,"
	    "\"value_threshold\":\"100\"}", (size_t)-1, NULL, &r) != 0)
		ck_abort();
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);
	lt_name(u, sizeof(u), "thr");
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"100\",\"reason_type\":\"adjustment\"}]}", u, sym);
	now = db_now();
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 1);
	est = iso_seconds(lt_str(sync, "estimated_sync_time"));
	/* 100 is not above the threshold of 100. */
	ck_assert_msg(est >= now + 600 && est <= now + 602, "est %lld now %lld", est, now);
	hresp_free(&r);
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"-1\",\"reason_type\":\"adjustment\"}]}", u, sym);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	sync = assert_write_shape(&r, 1);
	/* |100| + |-1| = 101 > 100: the next daemon pass. */
	ck_assert(iso_seconds(lt_str(sync, "estimated_sync_time")) <= db_now() + 60);
	hresp_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ reads */

START_TEST(test_balance_reads)
{
	char u[LT_NAME_MAX], path[256];
	struct hresp r;
	json_object *b, *v;

	lt_name(u, sizeof(u), "reader");
	lt_adjust(key_write, u, "USDT", "12.5");
	lt_adjust(key_write, u, "CPOP", "3");
	lt_sql_exec("UPDATE user_balances SET confirmed_balance = 2000000, last_sync_at ="
	    " '2024-12-15 10:30:00' WHERE user_id = ? AND token_id ="
	    " (SELECT id FROM tokens WHERE symbol = 'USDT')", u, NULL);
	snprintf(path, sizeof(path), "/api/v1/balance/%s", u);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(lt_str(r.json, "user_id"), u);
	ck_assert_int_eq(lt_len(r.json, "balances"), 2);
	b = lt_idx(r.json, "balances", 0);
	ck_assert_str_eq(lt_str(b, "token_symbol"), "CPOP");
	ck_assert_str_eq(lt_str(b, "pending_balance"), "3.0");
	b = lt_idx(r.json, "balances", 1);
	ck_assert_str_eq(lt_str(b, "token_symbol"), "USDT");
	ck_assert_str_eq(lt_str(b, "confirmed_balance"), "2.0");
	ck_assert_str_eq(lt_str(b, "pending_balance"), "12.5");
	ck_assert_str_eq(lt_str(b, "pending_changes"), "+10.5");
	ck_assert_str_eq(lt_str(b, "last_sync_time"), "2024-12-15T10:30:00Z");
	ck_assert(iso_seconds(lt_str(b, "next_sync_estimate")) > 0);
	ck_assert_int_eq(json_object_object_length(b), 6);
	hresp_free(&r);

	/* A settled balance has no estimate; a token never touched is zero. */
	lt_sql_exec("UPDATE user_balances SET confirmed_balance = pending_balance"
	    " WHERE user_id = ?", u, NULL);
	snprintf(path, sizeof(path), "/api/v1/balance/%s?token_symbol=USDT", u);
	lt_get(path, key_read, &r);
	b = lt_idx(r.json, "balances", 0);
	ck_assert_str_eq(lt_str(b, "pending_changes"), "0.0");
	ck_assert(json_object_object_get_ex(b, "next_sync_estimate", &v) && v == NULL);
	hresp_free(&r);
	lt_name(u, sizeof(u), "nobody");
	snprintf(path, sizeof(path), "/api/v1/balance/%s?token_symbol=CPOP", u);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(lt_len(r.json, "balances"), 1);
	b = lt_idx(r.json, "balances", 0);
	ck_assert_str_eq(lt_str(b, "pending_balance"), "0.0");
	ck_assert(json_object_object_get_ex(b, "last_sync_time", &v) && v == NULL);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/balance/%s", u);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(lt_len(r.json, "balances"), 0);
	hresp_free(&r);

	/* Errors. */
	snprintf(path, sizeof(path), "/api/v1/balance/%s?token_symbol=NOPE", u);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "unknown_token", "token_symbol");
	hresp_free(&r);
	lt_get("/api/v1/balance/bad%27id", key_read, &r);
	lt_assert_error(&r, 400, "invalid_user_id", "user_id");
	hresp_free(&r);
	lt_get("/api/v1/balance/caf%C3%A9/history", key_read, &r);
	lt_assert_error(&r, 400, "invalid_user_id", "user_id");
	hresp_free(&r);
	lt_get("/api/v1/balance/x?limit=3", key_read, &r);
	lt_assert_error(&r, 400, "unknown_query_parameter", NULL);
	hresp_free(&r);
}
END_TEST

START_TEST(test_history_paging)
{
	char u[LT_NAME_MAX], path[512], cursor[64] = "", seen[16][40];
	struct hresp r;
	json_object *v;
	int pages = 0, total = 0, i, k;
	const char *next;

	lt_name(u, sizeof(u), "pager");
	for (i = 1; i <= 7; i++) {
		char amount[8];

		snprintf(amount, sizeof(amount), "%d", i);
		lt_adjust(key_write, u, "CPOP", amount);
	}
	for (;;) {
		if (cursor[0] != '\0')
			snprintf(path, sizeof(path), "/api/v1/balance/%s/history?limit=3&cursor=%s",
			    u, cursor);
		else
			snprintf(path, sizeof(path), "/api/v1/balance/%s/history?limit=3", u);
		lt_get(path, key_read, &r);
		ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
		for (i = 0; i < (int)lt_len(r.json, "history"); i++) {
			json_object *it = lt_idx(r.json, "history", (size_t)i);
			char want[16];

			/* Newest first: 7, 6, 5, ... */
			snprintf(want, sizeof(want), "+%d.0", 7 - total);
			ck_assert_str_eq(lt_str(it, "amount"), want);
			snprintf(seen[total], sizeof(seen[total]), "%s",
			    lt_str(it, "operation_id"));
			for (k = 0; k < total; k++)
				ck_assert_str_ne(seen[k], seen[total]);
			total++;
		}
		pages++;
		/* A change added while paging lands before the first page. */
		if (pages == 1)
			lt_adjust(key_write, u, "CPOP", "100");
		next = lt_str(r.json, "next_cursor");
		if (next == NULL) {
			ck_assert(json_object_object_get_ex(r.json, "next_cursor", &v));
			ck_assert_ptr_null(v);
			hresp_free(&r);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", next);
		hresp_free(&r);
	}
	ck_assert_int_eq(pages, 3);
	ck_assert_int_eq(total, 7);

	/* Bad limits and cursors. */
	static const char *const bad[] = {
		"limit=0", "limit=-1", "limit=abc", "limit=", "limit=100000000000", "limit=1.5",
		"limit=201",
	};
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		snprintf(path, sizeof(path), "/api/v1/balance/%s/history?%s", u, bad[i]);
		lt_get(path, key_read, &r);
		lt_assert_error(&r, 400, "invalid_limit", "limit");
		hresp_free(&r);
	}
	static const char *const badc[] = {
		"cursor=", "cursor=zz", "cursor=0000000000000000", "cursor=00000000000000001",
		"cursor=%27%3B--",
	};
	for (i = 0; i < (int)(sizeof(badc) / sizeof(badc[0])); i++) {
		snprintf(path, sizeof(path), "/api/v1/balance/%s/history?%s", u, badc[i]);
		lt_get(path, key_read, &r);
		lt_assert_error(&r, 400, "invalid_cursor", "cursor");
		hresp_free(&r);
	}
	snprintf(path, sizeof(path), "/api/v1/balance/%s/history?token_symbol=ZZZ", u);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "unknown_token", "token_symbol");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/balance/%s/history?limit=200", u);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(lt_len(r.json, "history"), 8);
	hresp_free(&r);
}
END_TEST

START_TEST(test_operations_get)
{
	char u[LT_NAME_MAX], body[1024], path[256], id[64];
	struct hresp r;
	json_object *c, *v;

	lt_name(u, sizeof(u), "ops");
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"7.25\",\"reason_type\":\"refund\",\"reason_detail\":\"r\","
	    "\"metadata\":{\"a\":1}},{\"user_id\":\"%s\",\"token_symbol\":\"USDT\","
	    "\"amount\":\"1\",\"reason_type\":\"transfer_in\"}],\"priority\":\"low\"}", u, u);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	snprintf(id, sizeof(id), "%s", lt_str(r.json, "operation_id"));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/operations/%s", id);
	lt_get(path, key_read, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(lt_str(r.json, "operation_id"), id);
	ck_assert_str_eq(lt_str(r.json, "kind"), "adjust");
	ck_assert_str_eq(lt_str(r.json, "priority"), "low");
	ck_assert_str_eq(lt_str(r.json, "sync_status"), "recorded");
	ck_assert(iso_seconds(lt_str(r.json, "created_at")) > 0);
	ck_assert_int_eq(lt_len(r.json, "changes"), 2);
	c = lt_idx(r.json, "changes", 0);
	ck_assert_str_eq(lt_str(c, "amount"), "+7.25");
	ck_assert_str_eq(lt_str(c, "token_symbol"), "CPOP");
	ck_assert_str_eq(lt_str(c, "sync_status"), "recorded");
	c = lt_idx(r.json, "changes", 1);
	ck_assert_str_eq(lt_str(c, "token_symbol"), "USDT");
	ck_assert_str_eq(lt_str(c, "balance_after"), "1.0");
	ck_assert(json_object_object_get_ex(c, "position", &v));
	ck_assert_int_eq(json_object_get_int(v), 1);
	hresp_free(&r);
	/* The seed's "op_" form and upper case are accepted too. */
	snprintf(path, sizeof(path), "/api/v1/operations/op_%s", id);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);
	/* Settlement progress: the least advanced change, failed wins. */
	lt_sql_exec("UPDATE balance_changes SET status = 'confirmed',"
	    " tx_hash = UNHEX(REPEAT('ab', 32))"
	    " WHERE user_id = ? AND position = 0", u, NULL);
	lt_get(path, key_read, &r);
	ck_assert_str_eq(lt_str(r.json, "sync_status"), "recorded");
	c = lt_idx(r.json, "changes", 0);
	ck_assert_str_eq(lt_str(c, "blockchain_tx"),
	    "0xabababababababababababababababababababababababababababababababab");
	hresp_free(&r);
	lt_sql_exec("UPDATE balance_changes SET status = 'failed', settle_error = 'reverted'"
	    " WHERE user_id = ? AND position = 1", u, NULL);
	lt_get(path, key_read, &r);
	ck_assert_str_eq(lt_str(r.json, "sync_status"), "failed");
	ck_assert_str_eq(lt_str(lt_idx(r.json, "changes", 1), "error"), "reverted");
	hresp_free(&r);

	lt_get("/api/v1/operations/not-a-uuid", key_read, &r);
	lt_assert_error(&r, 400, "invalid_operation_id", "operation_id");
	hresp_free(&r);
	lt_get("/api/v1/operations/00000000-0000-7000-8000-000000000000", key_read, &r);
	lt_assert_error(&r, 404, "operation_not_found", NULL);
	hresp_free(&r);
}
END_TEST

START_TEST(test_batches)
{
	char sym[32], path[256], id[32], id2[32];
	struct hresp r;
	json_object *b, *it, *at;
	uint64_t token_id;
	char tid[24];

	lt_new_token(key_admin, 6, sym, sizeof(sym));
	token_id = lt_sql_u64("SELECT id FROM tokens WHERE symbol = ?", sym, NULL);
	snprintf(tid, sizeof(tid), "%llu", (unsigned long long)token_id);
	lt_sql_exec("INSERT INTO settlement_batches (round_id, token_id, chain_id, op, status,"
	    " trigger_reason, items_count, total, batch_key, signer, nonce, gas_limit, gas_used,"
	    " tx_hash, block_number, block_hash) VALUES (1, ?, 31337, 'mint', 'confirmed',"
	    " 'max_batch_size', 2, 3500000, UNHEX(SHA2(CONCAT('k1', ?), 256)),"
	    " UNHEX('5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), ?, 100000, 61234,"
	    " UNHEX(REPEAT('cd', 32)), 42, UNHEX(REPEAT('ef', 32)))",
	    tid, tid,
	    tid, NULL);
	lt_sql_str(id, sizeof(id), "SELECT MAX(id) FROM settlement_batches WHERE token_id = ?",
	    tid, NULL);
	lt_sql_exec("INSERT INTO settlement_items (batch_id, wallet, amount) VALUES"
	    " (?, UNHEX('fb6916095ca1df60bb79ce92ce3ea74c37c5d359'), 2500000),"
	    " (?, UNHEX('dbf03b407c01e7cd3cbea99509d93f8dddc8c6fb'), 1000000)", id, id, NULL);
	lt_sql_exec("INSERT INTO settlement_attempts (batch_id, nonce, tx_hash, raw_tx,"
	    " max_fee_per_gas, max_priority_fee, gas_limit, status) VALUES"
	    " (?, 7, UNHEX(SHA2(CONCAT('a1', ?), 256)), 'raw', 2000000000, 1000000000, 100000,"
	    " 'replaced'), (?, 7, UNHEX(SHA2(CONCAT('a2', ?), 256)), 'raw', 2200000000,"
	    " 1100000000, 100000, 'mined')", id, id, id, id, NULL);
	lt_sql_exec("INSERT INTO settlement_batches (round_id, token_id, chain_id, op, status,"
	    " trigger_reason, items_count, total, batch_key) VALUES (2, ?, 31337, 'burn',"
	    " 'pending', 'max_wait', 0, 1, UNHEX(SHA2(CONCAT('k2', ?), 256)))",
	    tid, tid, NULL);
	lt_sql_str(id2, sizeof(id2), "SELECT MAX(id) FROM settlement_batches WHERE token_id = ?",
	    tid, NULL);

	snprintf(path, sizeof(path), "/api/v1/batches?token_symbol=%s", sym);
	lt_get(path, key_read, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_int_eq(lt_len(r.json, "batches"), 2);
	ck_assert_str_eq(lt_str(lt_idx(r.json, "batches", 0), "op"), "burn");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/batches?token_symbol=%s&status=confirmed&limit=1",
	    sym);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(lt_len(r.json, "batches"), 1);
	b = lt_idx(r.json, "batches", 0);
	ck_assert_str_eq(lt_str(b, "total"), "3.5");
	ck_assert_str_eq(lt_str(b, "signer"), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
	ck_assert_str_eq(lt_str(b, "status"), "confirmed");
	ck_assert_ptr_null(lt_str(r.json, "next_cursor"));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/batches?token_symbol=%s&limit=1", sym);
	lt_get(path, key_read, &r);
	ck_assert_ptr_nonnull(lt_str(r.json, "next_cursor"));
	snprintf(path, sizeof(path), "/api/v1/batches?token_symbol=%s&limit=1&cursor=%s", sym,
	    lt_str(r.json, "next_cursor"));
	hresp_free(&r);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(lt_len(r.json, "batches"), 1);
	ck_assert_str_eq(lt_str(lt_idx(r.json, "batches", 0), "op"), "mint");
	hresp_free(&r);
	lt_get("/api/v1/batches?status=pending&limit=5", key_read, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_ge(lt_len(r.json, "batches"), 1);
	hresp_free(&r);
	lt_get("/api/v1/batches", key_read, &r);
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/batches/%s", id);
	lt_get(path, key_read, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(lt_str(r.json, "tx_hash"),
	    "0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd");
	ck_assert_int_eq(lt_len(r.json, "items"), 2);
	it = lt_idx(r.json, "items", 0);
	ck_assert_str_eq(lt_str(it, "wallet"), "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB");
	ck_assert_str_eq(lt_str(it, "amount"), "1.0");
	ck_assert_int_eq(lt_len(r.json, "attempts"), 2);
	at = lt_idx(r.json, "attempts", 1);
	ck_assert_str_eq(lt_str(at, "status"), "mined");
	ck_assert_str_eq(lt_str(at, "max_fee_per_gas"), "2200000000");
	ck_assert_int_eq(sync_int(r.json, "gas_used"), 61234);
	ck_assert_int_eq(sync_int(r.json, "block_number"), 42);
	ck_assert_int_eq(sync_int(r.json, "nonce"), (long long)token_id);
	hresp_free(&r);

	lt_get("/api/v1/batches?status=bogus", key_read, &r);
	lt_assert_error(&r, 400, "invalid_status", "status");
	hresp_free(&r);
	lt_get("/api/v1/batches?token_symbol=NOPE", key_read, &r);
	lt_assert_error(&r, 400, "unknown_token", "token_symbol");
	hresp_free(&r);
	lt_get("/api/v1/batches?cursor=xyz", key_read, &r);
	lt_assert_error(&r, 400, "invalid_cursor", "cursor");
	hresp_free(&r);
	lt_get("/api/v1/batches/abc", key_read, &r);
	lt_assert_error(&r, 400, "invalid_id", "id");
	hresp_free(&r);
	lt_get("/api/v1/batches/0", key_read, &r);
	lt_assert_error(&r, 400, "invalid_id", "id");
	hresp_free(&r);
	lt_get("/api/v1/batches/999999999999", key_read, &r);
	lt_assert_error(&r, 404, "batch_not_found", NULL);
	hresp_free(&r);
	(void)id2;
}
END_TEST

START_TEST(test_registries_read)
{
	struct hresp r;
	json_object *t, *v;
	size_t i;
	bool cpop = false, reward = false;

	lt_get("/api/v1/tokens", key_read, &r);
	ck_assert_int_eq(r.status, 200);
	for (i = 0; i < lt_len(r.json, "tokens"); i++) {
		t = lt_idx(r.json, "tokens", i);
		if (strcmp(lt_str(t, "symbol"), "CPOP") != 0)
			continue;
		cpop = true;
		ck_assert(json_object_object_get_ex(t, "decimals", &v));
		ck_assert_int_eq(json_object_get_int(v), 18);
		ck_assert_int_eq(strlen(lt_str(t, "address")), 42);
		ck_assert(json_object_object_get_ex(t, "batch_strategy", &v));
		ck_assert(json_object_object_get_ex(v, "max_batch_size", NULL));
	}
	ck_assert(cpop);
	hresp_free(&r);
	lt_get("/api/v1/reasons", key_read, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_ge(lt_len(r.json, "reasons"), 7);
	for (i = 0; i < lt_len(r.json, "reasons"); i++) {
		t = lt_idx(r.json, "reasons", i);
		if (strcmp(lt_str(t, "name"), "reward") != 0)
			continue;
		reward = true;
		ck_assert(json_object_object_get_ex(t, "allowed_metadata", &v));
		ck_assert(json_object_is_type(v, json_type_array));
		ck_assert(json_object_object_get_ex(t, "auto_batch", &v));
		ck_assert(json_object_get_boolean(v));
	}
	ck_assert(reward);
	hresp_free(&r);
	lt_get("/api/v1/tokens?x=1", key_read, &r);
	lt_assert_error(&r, 400, "unknown_query_parameter", NULL);
	hresp_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- wallets */

START_TEST(test_wallets)
{
	char u[LT_NAME_MAX], u2[LT_NAME_MAX], body[512], path[256], a1[44], a2[44];
	struct hresp r;
	json_object *w;
	unsigned char rnd[2];
	int i;

	lt_name(u, sizeof(u), "wal");
	lt_name(u2, sizeof(u2), "wal2");
	/* Random lower-case addresses, unique per run. */
	ck_assert(getentropy(rnd, sizeof(rnd)) == 0);
	snprintf(a1, sizeof(a1), "0x%02x%02x%036llx", rnd[0], rnd[1],
	    (unsigned long long)harness_now_ms());
	snprintf(a2, sizeof(a2), "0x%02x%02x%036llx", rnd[1], rnd[0],
	    (unsigned long long)harness_now_ms() + 1);

	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,\"address\":\"%s\"}",
	    u, a1);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_str_eq(lt_str(r.json, "result"), "bound");
	ck_assert_int_eq(strlen(lt_str(r.json, "address")), 42);
	ck_assert_int_eq(strcasecmp(lt_str(r.json, "address"), a1), 0);
	hresp_free(&r);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(lt_str(r.json, "result"), "unchanged");
	hresp_free(&r);
	/* Another user may not take the address. */
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,\"address\":\"%s\"}",
	    u2, a1);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	lt_assert_error(&r, 409, "address_in_use", "address");
	hresp_free(&r);
	/* Rebinding before any settlement is allowed. */
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,\"address\":\"%s\"}",
	    u, a2);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(lt_str(r.json, "result"), "rebound");
	hresp_free(&r);
	/* Once a change of the user on that chain is batched, it is fixed. */
	lt_adjust(key_write, u, "CPOP", "1");
	lt_sql_exec("UPDATE balance_changes SET status = 'batched' WHERE user_id = ?", u, NULL);
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,\"address\":\"%s\"}",
	    u, a1);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	lt_assert_error(&r, 409, "wallet_rebind_forbidden", "address");
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/wallets/%s", u);
	lt_get(path, key_read, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(lt_len(r.json, "wallets"), 1);
	w = lt_idx(r.json, "wallets", 0);
	ck_assert_int_eq(strcasecmp(lt_str(w, "address"), a2), 0);
	hresp_free(&r);
	lt_get("/api/v1/wallets/no%20body", key_read, &r);
	lt_assert_error(&r, 400, "invalid_user_id", "user_id");
	hresp_free(&r);

	/* EIP-55: the published examples; mixed case must match. */
	static const char *const good[] = {
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	};
	for (i = 0; i < 4; i++) {
		char uu[LT_NAME_MAX];

		lt_name(uu, sizeof(uu), "eip");
		lt_sql_exec("DELETE FROM wallets WHERE chain_id = 31337 AND address = UNHEX(?)",
		    good[i] + 2, NULL);
		snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,"
		    "\"address\":\"%s\"}", uu, good[i]);
		lt_post("/api/v1/wallets", key_write, NULL, body, &r);
		ck_assert_msg(r.status == 201, "%s: %ld %s", good[i], r.status, r.body);
		ck_assert_str_eq(lt_str(r.json, "address"), good[i]);
		hresp_free(&r);
	}
	static const struct {
		const char *address, *code;
	} bad[] = {
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "invalid_address_checksum" },
		{ "0xFB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "invalid_address_checksum" },
		{ "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", "invalid_address" },
		{ "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "invalid_address" },
		{ "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "invalid_address" },
		{ "0x0000000000000000000000000000000000000000", "invalid_address" },
		{ "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "invalid_address" },
	};
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,"
		    "\"address\":\"%s\"}", u2, bad[i].address);
		lt_post("/api/v1/wallets", key_write, NULL, body, &r);
		lt_assert_error(&r, 400, bad[i].code, "address");
		hresp_free(&r);
	}
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":999999,\"address\":\"%s\"}",
	    u2, a2);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "unknown_chain", "chain_id");
	hresp_free(&r);
	snprintf(body, sizeof(body),
	    "{\"user_id\":\"%s\",\"chain_id\":\"31337\",\"address\":\"%s\"}",
	    u2, a2);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "wrong_type", "chain_id");
	hresp_free(&r);
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,\"address\":\"%s\","
	    "\"extra\":1}", u2, a2);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "unknown_field", "extra");
	hresp_free(&r);
	/* An upper-case address is accepted and shown checksummed. */
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,"
	    "\"address\":\"0x%s\"}", u2, "ABCDEF0123456789ABCDEF0123456789ABCDEF01");
	lt_sql_exec("DELETE FROM wallets WHERE chain_id = 31337 AND"
	    " address = UNHEX('ABCDEF0123456789ABCDEF0123456789ABCDEF01')", NULL);
	lt_post("/api/v1/wallets", key_write, NULL, body, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	hresp_free(&r);
}
END_TEST

/*
 * The rebind rule agrees with change_status_pins_wallet() for every status
 * a change can be in: rebinding is refused exactly when one of the user's
 * changes on the chain is in a pinning status.
 */
START_TEST(test_wallet_rebind_every_status)
{
	char u[LT_NAME_MAX], body[512], a1[44], a2[44];
	struct hresp r;
	unsigned st;

	for (st = 0; st < CHANGE_STATUS__MAX; st++) {
		const char *name = change_status_name((enum change_status)st);

		lt_name(u, sizeof(u), "pin");
		lt_address(a1, sizeof(a1));
		lt_address(a2, sizeof(a2));
		snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,"
		    "\"address\":\"%s\"}", u, a1);
		lt_post("/api/v1/wallets", key_write, NULL, body, &r);
		ck_assert_msg(r.status == 201, "%s: bind %ld %s", name, r.status, r.body);
		hresp_free(&r);
		lt_adjust(key_write, u, "CPOP", "1");
		lt_sql_exec("UPDATE balance_changes SET status = ? WHERE user_id = ?", name, u,
		    NULL);
		ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes"
		    " WHERE user_id = ? AND status = ?", u, name, NULL), 1);
		snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,"
		    "\"address\":\"%s\"}", u, a2);
		lt_post("/api/v1/wallets", key_write, NULL, body, &r);
		if (change_status_pins_wallet((enum change_status)st)) {
			lt_assert_error(&r, 409, "wallet_rebind_forbidden", "address");
		} else {
			ck_assert_msg(r.status == 200, "%s: rebind %ld %s", name, r.status,
			    r.body);
			ck_assert_str_eq(lt_str(r.json, "result"), "rebound");
		}
		hresp_free(&r);
	}
}
END_TEST

/*
 * Several users rebind to one address at once.  A transaction of the
 * test's own binds that address first and stays open, so every request
 * gets past the "is the address taken" check and waits in its UPDATE on
 * the unique index.  When the holder commits, the address is taken: every
 * request is 409 address_in_use (the unique-index conflict of the UPDATE
 * used to surface as a 500).  When it rolls back, the requests race:
 * exactly one wins (200 rebound), every other one is 409 address_in_use.
 */
/* At most as many as the stack's API has workers (4): each request in
 * flight holds one. */
#define REBIND_USERS	4

struct rebind {
	char			 user[REBIND_USERS][LT_NAME_MAX];
	char			 target[44];
	struct lt_session	*holder;
	const char		*end;		/* "COMMIT" or "ROLLBACK" */
	bool			 lined_up;
	unsigned		 end_error;
	long			 status[REBIND_USERS];
	char			 answer[REBIND_USERS][256];
};

static void
rebind_client(unsigned index, void *arg)
{
	struct rebind *rb = arg;
	char body[512];
	struct hresp r;
	unsigned i;

	if (index == 0) {
		rb->lined_up = lt_wait_statements("UPDATE wallets SET address", REBIND_USERS,
		    8000);
		rb->end_error = lt_session_try(rb->holder, rb->end, NULL);
		return;
	}
	i = index - 1;
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,"
	    "\"address\":\"%s\"}", rb->user[i], rb->target);
	if (hreq("POST", "/api/v1/wallets", key_write, "application/json", body, (size_t)-1,
	    NULL, &r) != 0)
		r.status = 0;
	rb->status[i] = r.status;
	snprintf(rb->answer[i], sizeof(rb->answer[i]), "%s", r.body ? r.body : "");
	hresp_free(&r);
}

/* One round; the holder ends with end. */
static void
rebind_round(const char *end)
{
	struct rebind rb;
	char holder[LT_NAME_MAX], body[512], own[44], owner[LT_NAME_MAX];
	struct hresp r;
	unsigned i, won = 0, in_use = 0;
	bool commit = strcmp(end, "COMMIT") == 0;

	memset(&rb, 0, sizeof(rb));
	rb.end = end;
	lt_address(rb.target, sizeof(rb.target));
	for (i = 0; i < REBIND_USERS; i++) {
		lt_name(rb.user[i], sizeof(rb.user[i]), "race");
		lt_address(own, sizeof(own));
		snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,"
		    "\"address\":\"%s\"}", rb.user[i], own);
		lt_post("/api/v1/wallets", key_write, NULL, body, &r);
		ck_assert_msg(r.status == 201, "bind: %ld %s", r.status, r.body);
		hresp_free(&r);
	}
	lt_name(holder, sizeof(holder), "holder");
	rb.holder = lt_session_open();
	lt_session_exec(rb.holder, "START TRANSACTION", NULL);
	lt_session_exec(rb.holder, "INSERT INTO wallets (user_id, chain_id, address)"
	    " VALUES (?, 31337, UNHEX(?))", holder, rb.target + 2, NULL);
	ck_assert_int_eq(harness_parallel(REBIND_USERS + 1, rebind_client, &rb), 0);
	lt_session_close(rb.holder);
	ck_assert_msg(rb.lined_up, "%s: the requests never waited together (%ld %s)", end,
	    rb.status[0], rb.answer[0]);
	ck_assert_uint_eq(rb.end_error, 0);
	for (i = 0; i < REBIND_USERS; i++) {
		if (rb.status[i] == 200 && strstr(rb.answer[i], "\"rebound\"") != NULL)
			won++;
		else if (rb.status[i] == 409 &&
		    strstr(rb.answer[i], "\"address_in_use\"") != NULL)
			in_use++;
		else
			ck_abort_msg("%s: user %u: %ld %s", end, i, rb.status[i], rb.answer[i]);
	}
	ck_assert_uint_eq(won, commit ? 0 : 1);
	ck_assert_uint_eq(in_use, REBIND_USERS - won);
	ck_assert(lt_sql_str(owner, sizeof(owner), "SELECT user_id FROM wallets"
	    " WHERE chain_id = 31337 AND address = UNHEX(?)", rb.target + 2, NULL));
	if (commit) {
		ck_assert_str_eq(owner, holder);
		return;
	}
	for (i = 0; i < REBIND_USERS && strcmp(owner, rb.user[i]) != 0; i++)
		;
	ck_assert_msg(i < REBIND_USERS && rb.status[i] == 200, "owner %s", owner);
}

START_TEST(test_wallet_rebind_race)
{
	rebind_round("COMMIT");
	rebind_round("ROLLBACK");
}
END_TEST

/* ------------------------------------------------------------------ admin */

START_TEST(test_admin_tokens)
{
	char sym[32], body[512], path[128], u[LT_NAME_MAX];
	struct hresp r;
	json_object *v;

	lt_new_token(key_admin, 8, sym, sizeof(sym));
	/* The same symbol again. */
	snprintf(body, sizeof(body), "{\"symbol\":\"%s\",\"name\":\"x\",\"chain\":\"local\","
	    "\"chain_id\":31337,\"address\":\"0x1111111111111111111111111111111111111111\","
	    "\"decimals\":8}", sym);
	lt_post("/api/v1/admin/tokens", key_admin, NULL, body, &r);
	lt_assert_error(&r, 409, "token_conflict", "symbol");
	hresp_free(&r);
	lt_post("/api/v1/admin/tokens", key_write, NULL, body, &r);
	lt_assert_error(&r, 403, "forbidden", NULL);
	hresp_free(&r);
	static const struct {
		const char *body, *code, *field;
	} bad[] = {
		{ "{\"symbol\":\"A B\",\"name\":\"x\",\"chain\":\"local\",\"chain_id\":1,"
		  "\"address\":\"0x2222222222222222222222222222222222222222\",\"decimals\":1}",
		  "invalid_token", "symbol" },
		{ "{\"symbol\":\"OK1\",\"name\":\"x\",\"chain\":\"local\",\"chain_id\":1,"
		  "\"address\":\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\",\"decimals\":1}",
		  "invalid_address_checksum", "address" },
		{ "{\"symbol\":\"OK1\",\"name\":\"x\",\"chain\":\"local\",\"chain_id\":1,"
		  "\"address\":\"0x22\",\"decimals\":1}", "invalid_address", "address" },
		{ "{\"symbol\":\"OK1\",\"name\":\"x\",\"chain\":\"local\",\"chain_id\":1,"
		  "\"address\":\"0x2222222222222222222222222222222222222222\",\"decimals\":37}",
		  "out_of_range", "decimals" },
		{ "{\"symbol\":\"OK1\",\"name\":\"x\",\"chain\":\"local\",\"chain_id\":1,"
		  "\"address\":\"0x2222222222222222222222222222222222222222\",\"decimals\":1,"
		  "\"settlement\":\"fancy\"}", "invalid_settlement", "settlement" },
		{ "{\"symbol\":\"OK1\",\"name\":\"x\",\"chain\":\"local\",\"chain_id\":1,"
		  "\"address\":\"0x2222222222222222222222222222222222222222\",\"decimals\":1,"
		  "\"features\":[\"mintable\",\"flying\"]}", "invalid_feature", "features[1]" },
		{ "{\"symbol\":\"OK1\",\"name\":\"x\",\"chain\":\"Local!\",\"chain_id\":1,"
		  "\"address\":\"0x2222222222222222222222222222222222222222\",\"decimals\":1}",
		  "invalid_token", "chain" },
		{ "{\"symbol\":\"OK1\",\"name\":\"x\",\"chain\":\"local\",\"chain_id\":1,"
		  "\"address\":\"0x2222222222222222222222222222222222222222\"}",
		  "missing_field", "decimals" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lt_post("/api/v1/admin/tokens", key_admin, NULL, bad[i].body, &r);
		lt_assert_error(&r, 400, bad[i].code, bad[i].field);
		hresp_free(&r);
	}

	/* Update: disable, then writes with it are refused (after the cache). */
	snprintf(path, sizeof(path), "/api/v1/admin/tokens/%s", sym);
	if (hreq("PUT", path, key_admin, "application/json",
	    "{\"enabled\":false,\"name\":\"Renamed\",\"features\":[\"mintable\"]}", (size_t)-1,
	    NULL, &r) != 0)
		ck_abort();
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(lt_str(r.json, "name"), "Renamed");
	ck_assert(json_object_object_get_ex(r.json, "enabled", &v) && !json_object_get_boolean(v));
	ck_assert_int_eq(lt_len(r.json, "features"), 1);
	hresp_free(&r);
	harness_sleep_ms(1100);
	lt_name(u, sizeof(u), "dis");
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"1\",\"reason_type\":\"adjustment\"}]}", u, sym);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "unknown_token", "adjustments[0].token_symbol");
	ck_assert_str_eq(hresp_str(&r, "error.message"), "token is disabled");
	hresp_free(&r);
	if (hreq("PUT", path, key_admin, "application/json", "{\"enabled\":true}", (size_t)-1,
	    NULL, &r) != 0)
		ck_abort();
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);
	harness_sleep_ms(1100);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	hresp_free(&r);
	/* Decimals are fixed once ledger rows exist. */
	if (hreq("PUT", path, key_admin, "application/json", "{\"decimals\":6}", (size_t)-1,
	    NULL, &r) != 0)
		ck_abort();
	lt_assert_error(&r, 409, "token_conflict", "decimals");
	hresp_free(&r);
	if (hreq("PUT", "/api/v1/admin/tokens/NOSUCHTOKEN", key_admin, "application/json",
	    "{\"enabled\":true}", (size_t)-1, NULL, &r) != 0)
		ck_abort();
	lt_assert_error(&r, 404, "token_not_found", "symbol");
	hresp_free(&r);
	if (hreq("PUT", path, key_admin, "application/json", "{\"symbol\":\"X\"}", (size_t)-1,
	    NULL, &r) != 0)
		ck_abort();
	lt_assert_error(&r, 400, "unknown_field", "symbol");
	hresp_free(&r);
}
END_TEST

/*
 * A token's decimals change while a write of it, already validated
 * against the old decimals, waits for its balance row (held by a session
 * of the test).  The change is allowed (no ledger row exists yet), so the
 * write must not commit amounts scaled by the old decimals: it checks the
 * decimals again inside its transaction, under a lock the change takes
 * too, and is refused with 409 token_changed; nothing is written.
 */
struct decimals_race {
	const char		*sym;
	const char		*user;
	struct lt_session	*holder;
	bool			 lined_up;
	long			 write_status, admin_status;
	char			 write_answer[512], admin_answer[512];
};

static void
decimals_race_client(unsigned index, void *arg)
{
	struct decimals_race *dr = arg;
	char body[512], path[128];
	struct hresp r;

	if (index == 0) {
		snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\","
		    "\"token_symbol\":\"%s\",\"amount\":\"1.5\",\"reason_type\":"
		    "\"adjustment\"}]}", dr->user, dr->sym);
		if (hreq("POST", "/api/v1/balance/adjust", key_write, "application/json", body,
		    (size_t)-1, NULL, &r) != 0)
			r.status = 0;
		dr->write_status = r.status;
		snprintf(dr->write_answer, sizeof(dr->write_answer), "%s", r.body ? r.body : "");
		hresp_free(&r);
		return;
	}
	/* The write has validated and waits for its balance row. */
	dr->lined_up = lt_wait_statements("SELECT b.user_id, b.token_id", 1, 8000);
	snprintf(path, sizeof(path), "/api/v1/admin/tokens/%s", dr->sym);
	if (hreq("PUT", path, key_admin, "application/json", "{\"decimals\":6}", (size_t)-1,
	    NULL, &r) != 0)
		r.status = 0;
	dr->admin_status = r.status;
	snprintf(dr->admin_answer, sizeof(dr->admin_answer), "%s", r.body ? r.body : "");
	hresp_free(&r);
	(void)lt_session_try(dr->holder, "ROLLBACK", NULL);
}

START_TEST(test_decimals_change_race)
{
	struct decimals_race dr;
	char sym[32], u[LT_NAME_MAX], dec[8];

	memset(&dr, 0, sizeof(dr));
	lt_new_token(key_admin, 18, sym, sizeof(sym));
	lt_name(u, sizeof(u), "dec");
	dr.sym = sym;
	dr.user = u;
	/* The balance row exists (no ledger row does) and is held. */
	lt_sql_exec("INSERT INTO user_balances (user_id, token_id)"
	    " SELECT ?, id FROM tokens WHERE symbol = ?", u, sym, NULL);
	dr.holder = lt_session_open();
	lt_session_exec(dr.holder, "START TRANSACTION", NULL);
	lt_session_exec(dr.holder, "SELECT pending_balance FROM user_balances WHERE user_id = ?"
	    " AND token_id = (SELECT id FROM tokens WHERE symbol = ?) FOR UPDATE", u, sym, NULL);
	ck_assert_int_eq(harness_parallel(2, decimals_race_client, &dr), 0);
	lt_session_close(dr.holder);
	ck_assert_msg(dr.lined_up, "the write never waited: %ld %s", dr.write_status,
	    dr.write_answer);
	ck_assert_msg(dr.admin_status == 200, "decimals change: %ld %s", dr.admin_status,
	    dr.admin_answer);
	ck_assert(lt_sql_str(dec, sizeof(dec), "SELECT decimals FROM tokens WHERE symbol = ?",
	    sym, NULL));
	ck_assert_str_eq(dec, "6");
	ck_assert_msg(dr.write_status == 409 &&
	    strstr(dr.write_answer, "\"token_changed\"") != NULL,
	    "the write validated with 18 decimals committed under 6: %ld %s",
	    dr.write_status, dr.write_answer);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes c JOIN tokens t"
	    " ON t.id = c.token_id WHERE t.symbol = ?", sym, NULL), 0);
	/* Sent again once every worker's cache has the new decimals, it is
	 * validated with 6 of them and goes through. */
	harness_sleep_ms(LEDGER_TEST_CACHE_MS);
	lt_adjust(key_write, u, sym, "1.5");
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes c JOIN tokens t"
	    " ON t.id = c.token_id WHERE t.symbol = ? AND c.amount = 1500000", sym, NULL), 1);
}
END_TEST

START_TEST(test_admin_reasons)
{
	char name[LT_NAME_MAX], path[256], body[1024], u[LT_NAME_MAX];
	struct hresp r;
	json_object *v;
	size_t i;

	lt_name(name, sizeof(name), "r");
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] >= 'A' && name[i] <= 'Z')
			name[i] = (char)(name[i] - 'A' + 'a');
	snprintf(path, sizeof(path), "/api/v1/admin/reasons/%s", name);
	if (hreq("PUT", path, key_admin, "application/json",
	    "{\"description\":\"Test reason\",\"allowed_metadata\":[\"order_id\"],"
	    "\"auto_batch\":false,\"high_priority\":true}", (size_t)-1, NULL, &r) != 0)
		ck_abort();
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_str_eq(lt_str(r.json, "name"), name);
	ck_assert(json_object_object_get_ex(r.json, "high_priority", &v) &&
	    json_object_get_boolean(v));
	hresp_free(&r);
	lt_name(u, sizeof(u), "rs");
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"1\",\"reason_type\":\"%s\",\"metadata\":{\"order_id\":\"o1\","
	    "\"other\":2}}]}", u, name);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "metadata_key_not_allowed", "adjustments[0].metadata.other");
	hresp_free(&r);
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"1\",\"reason_type\":\"%s\","
	    "\"metadata\":{\"order_id\":\"o1\"}}]}",
	    u, name);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert(json_object_object_get_ex(json_object_object_get(r.json, "blockchain_sync"),
	    "will_be_batched", &v) && !json_object_get_boolean(v));
	hresp_free(&r);
	/* Update: any metadata, then disabled. */
	if (hreq("PUT", path, key_admin, "application/json",
	    "{\"allowed_metadata\":null,\"enabled\":false}", (size_t)-1, NULL, &r) != 0)
		ck_abort();
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_object_object_get_ex(r.json, "allowed_metadata", &v) && v == NULL);
	hresp_free(&r);
	harness_sleep_ms(1100);
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	lt_assert_error(&r, 400, "unknown_reason", "adjustments[0].reason_type");
	hresp_free(&r);

	if (hreq("PUT", "/api/v1/admin/reasons/Bad-Name", key_admin, "application/json", "{}",
	    (size_t)-1, NULL, &r) != 0)
		ck_abort();
	lt_assert_error(&r, 400, "invalid_reason_name", "name");
	hresp_free(&r);
	if (hreq("PUT", path, key_admin, "application/json", "{\"allowed_metadata\":[\"\"]}",
	    (size_t)-1, NULL, &r) != 0)
		ck_abort();
	lt_assert_error(&r, 400, "invalid_metadata_key", "allowed_metadata[0]");
	hresp_free(&r);
	if (hreq("PUT", path, key_admin, "application/json", "{\"auto_batch\":\"yes\"}",
	    (size_t)-1, NULL, &r) != 0)
		ck_abort();
	lt_assert_error(&r, 400, "wrong_type", "auto_batch");
	hresp_free(&r);
}
END_TEST

START_TEST(test_admin_strategies)
{
	char sym[32], path[128];
	struct hresp r;
	json_object *v;
	size_t i;

	lt_new_token(key_admin, 6, sym, sizeof(sym));
	snprintf(path, sizeof(path), "/api/v1/admin/strategies/%s", sym);
	if (hreq("PUT", path, key_admin, "application/json", "{\"max_batch_size\":10}",
	    (size_t)-1, NULL, &r) != 0)
		ck_abort();
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_int_eq(sync_int(r.json, "max_batch_size"), 10);
	/* The rest comes from the defaults. */
	ck_assert_int_eq(sync_int(r.json, "max_wait_seconds"), 900);
	ck_assert(json_object_object_get_ex(r.json, "value_threshold", &v) && v == NULL);
	hresp_free(&r);
	static const struct {
		const char *body;
		int status;
		const char *code, *field;
	} bad[] = {
		{ "{\"min_batch_size\":11}", 400, "invalid_strategy", "min_batch_size" },
		{ "{\"max_wait_seconds\":0}", 400, "out_of_range", "max_wait_seconds" },
		{ "{\"value_threshold\":\"0\"}", 400, "amount_zero", "value_threshold" },
		{ "{\"value_threshold\":\"1.0000001\"}", 400, "amount_too_many_decimals",
		  "value_threshold" },
		{ "{\"value_threshold\":5}", 400, "wrong_type", "value_threshold" },
		{ "{\"priority_reasons\":[\"nope\"]}", 400, "invalid_strategy", "priority_reasons" },
		{ "{\"priority_reasons\":[\"Bad!\"]}", 400, "unknown_reason", "priority_reasons[0]" },
		{ "{\"batch\":1}", 400, "unknown_field", "batch" },
	};
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hreq("PUT", path, key_admin, "application/json", bad[i].body, (size_t)-1, NULL,
		    &r) != 0)
			ck_abort();
		lt_assert_error(&r, bad[i].status, bad[i].code, bad[i].field);
		hresp_free(&r);
	}
	if (hreq("PUT", path, key_admin, "application/json",
	    "{\"value_threshold\":\"2.5\",\"priority_reasons\":[\"refund\",\"gas_fee\"]}",
	    (size_t)-1, NULL, &r) != 0)
		ck_abort();
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(lt_str(r.json, "value_threshold"), "2.5");
	ck_assert_int_eq(lt_len(r.json, "priority_reasons"), 2);
	hresp_free(&r);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM batch_strategies s JOIN tokens t ON"
	    " t.id = s.token_id WHERE t.symbol = ? AND s.value_threshold = 2500000"
	    " AND s.max_batch_size = 10", sym, NULL), 1);
	if (hreq("PUT", "/api/v1/admin/strategies/NOPE", key_admin, "application/json", "{}",
	    (size_t)-1, NULL, &r) != 0)
		ck_abort();
	lt_assert_error(&r, 404, "token_not_found", "symbol");
	hresp_free(&r);
}
END_TEST

static Suite *
ledger_api_suite(void)
{
	Suite *s = suite_create("ledger_api");
	TCase *tc;

	tc = tcase_create("seed_writes");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_seed_adjust);
	tcase_add_test(tc, test_seed_rewards);
	tcase_add_test(tc, test_seed_consumption);
	suite_add_tcase(s, tc);
	tc = tcase_create("write_rules");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_adjust_chain_in_request_order);
	tcase_add_test(tc, test_adjust_overdraft_refused_whole);
	tcase_add_test(tc, test_write_conflicts);
	tcase_add_test(tc, test_text_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("settlement_estimate");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_blockchain_sync_from_strategy);
	tcase_add_test(tc, test_value_threshold_trigger);
	suite_add_tcase(s, tc);
	tc = tcase_create("reads");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_balance_reads);
	tcase_add_test(tc, test_history_paging);
	tcase_add_test(tc, test_operations_get);
	tcase_add_test(tc, test_batches);
	tcase_add_test(tc, test_registries_read);
	suite_add_tcase(s, tc);
	tc = tcase_create("wallets");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_wallets);
	tcase_add_test(tc, test_wallet_rebind_every_status);
	tcase_add_test(tc, test_wallet_rebind_race);
	suite_add_tcase(s, tc);
	tc = tcase_create("admin");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_admin_tokens);
	tcase_add_test(tc, test_decimals_change_race);
	tcase_add_test(tc, test_admin_reasons);
	tcase_add_test(tc, test_admin_strategies);
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
	key_write = harness_apikey("read,write");
	key_read = harness_apikey("read");
	sr = srunner_create(ledger_api_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_admin);
	free(key_write);
	free(key_read);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
