/*
 * test_chain_read.c - the chain data read routes (docs/api.md, "Chain
 * data" and "Staking") through nginx, over rows this test writes into the
 * chain index tables itself (the syncer's job) on a chain id of its own:
 * exact answers (fields, EIP-55, amounts with their _raw twin, values only
 * in the *_raw columns), confirmed flags against the finalized block,
 * keyset pages that stay stable under inserts, the logs range cap, every
 * 400/404 and the query-key whitelists.  The rows are removed at the end.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_chain_util.h"

/* 2^256 - 1 and 10^70: values that only fit the *_raw columns. */
#define MAX_HEX		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define MAX_DEC \
	"115792089237316195423570985008687907853269984665640564039457584007913129639935"
#define MAX_18 \
	"115792089237316195423570985008687907853269984665640564039457.584007913129639935"
#define E70_HEX		"0172ebad6ddc73c86d67c5faa71c245689c1079502400000000000000000"
#define E70_DEC \
	"10000000000000000000000000000000000000000000000000000000000000000000000"
#define TRANSFER_T0 "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
#define APPROVAL_T0 "8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"
#define BASE_TIME	1734000000ULL

static char *key_read;
static const char *chain;
static char t18[32], t6[32], ta[41], tb[41];
static char h1[41], h2[41], h3[41], user_u[41], user_v[41], pool[41], from_f[41], to_t[41];

/* A 64-digit hash made of a tag and a number. */
static const char *
hh(unsigned tag, uint64_t n)
{
	static char buf[8][65];
	static unsigned slot;
	char *out = buf[slot++ % 8];

	snprintf(out, 65, "%02x%062" PRIx64, tag, n);
	return out;
}

/* A 32-byte word holding address hex40. */
static const char *
word_addr(const char *hex40)
{
	static char buf[4][65];
	static unsigned slot;
	char *out = buf[slot++ % 4];

	snprintf(out, 65, "000000000000000000000000%s", hex40);
	return out;
}

static uint64_t
block_time(uint64_t b)
{
	return BASE_TIME + 12 * b;
}

static void
num(char *out, uint64_t v)
{
	snprintf(out, 24, "%" PRIu64, v);
}

static void
ins_block(uint64_t b)
{
	char n[24], ts[24], fee[24], gas[24];

	num(n, b);
	num(ts, block_time(b));
	num(fee, 1000000000 + b);
	num(gas, 21000 * b);
	lt_sql_exec("INSERT INTO blocks (chain_id, number, hash, parent_hash, timestamp, base_fee,"
	    " gas_used, tx_count, log_count) VALUES (?, ?, UNHEX(?), UNHEX(?), ?, ?, ?, 1, 2)",
	    chain, n, hh(0xb1, b), hh(0xb1, b - 1), ts, fee, gas, NULL);
}

/* A log: topics as hex (NULL = absent), count = topics given. */
static void
ins_log(uint64_t b, unsigned idx, const char *addr, unsigned count, const char *t0,
    const char *t1, const char *t2, const char *data, bool removed)
{
	char n[24], i[24], c[24];

	num(n, b);
	num(i, idx);
	num(c, count);
	lt_sql_exec("INSERT INTO logs (chain_id, block_number, log_index, block_hash, tx_hash,"
	    " tx_index, address, topic0, topic1, topic2, topic_count, data, removed)"
	    " VALUES (?, ?, ?, UNHEX(?), UNHEX(?), 0, UNHEX(?), UNHEX(NULLIF(?, '')),"
	    " UNHEX(NULLIF(?, '')), UNHEX(NULLIF(?, '')), ?, UNHEX(?), ?)", chain, n, i,
	    hh(0xb1, b), hh(0x7a, b * 100 + idx), addr, t0 ? t0 : "", t1 ? t1 : "",
	    t2 ? t2 : "", c, data, removed ? "1" : "0", NULL);
}

/* A transfer of T18; value as DECIMAL text or NULL with raw hex. */
static void
ins_transfer(uint64_t b, unsigned idx, const char *from, const char *to, const char *value,
    const char *raw)
{
	char n[24], i[24];

	num(n, b);
	num(i, idx);
	lt_sql_exec("INSERT INTO transfers (chain_id, tx_hash, log_index, block_number,"
	    " token_address, from_addr, to_addr, value, value_raw) VALUES (?, UNHEX(?), ?, ?,"
	    " UNHEX(?), UNHEX(?), UNHEX(?), NULLIF(?, ''), UNHEX(NULLIF(?, '')))", chain,
	    hh(0x7a, b * 100 + idx), i, n, ta, from, to, value ? value : "", raw ? raw : "",
	    NULL);
}

/* ------------------------------------------------------------------ setup */

static void
setup_rows(void)
{
	char ts[24];
	uint64_t b;
	static const uint64_t blocks[] = { 100, 101, 110, 120 };
	size_t k;

	/* The checkpoint: synced to 120, safe 110, finalized 100, head 125. */
	lt_sql_exec("INSERT INTO sync_checkpoints (chain_id, last_block, last_hash, safe_block,"
	    " finalized_block, head_block, reorg_count, halted, last_reorg_depth, last_reorg_at,"
	    " last_reorg_from_block, checker_run_at) VALUES (?, 120, UNHEX(?), 110, 100, 125, 2,"
	    " 0, 3, '2024-12-15 10:30:00.123456', 97, '2024-12-15 10:31:00')",
	    chain, hh(0xb1, 120), NULL);
	lt_sql_exec("INSERT INTO consistency_issues (chain_id, kind, subject, detected_at,"
	    " resolved_at) VALUES (?, 'token_balance', 'a', '2024-12-15 10:40:00', NULL),"
	    " (?, 'token_balance', 'b', '2024-12-15 11:00:00', NULL),"
	    " (?, 'ledger', 'c', '2024-12-15 10:50:00', NULL),"
	    " (?, 'block_hash', 'd', '2024-12-15 12:00:00', '2024-12-15 12:05:00')",
	    chain, chain, chain, chain, NULL);
	for (k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++)
		ins_block(blocks[k]);
	/* tx 1: a plain one; tx 2: a creation whose value only fits value_raw. */
	lt_sql_exec("INSERT INTO transactions (chain_id, hash, block_number, tx_index, from_addr,"
	    " to_addr, value, value_raw, nonce, status, gas_used, input_head) VALUES"
	    " (?, UNHEX(?), 101, 0, UNHEX(?), UNHEX(?), 1500000000000000000, NULL, 7, 1, 21000,"
	    " UNHEX('a9059cbb')),"
	    " (?, UNHEX(?), 100, 3, UNHEX(?), NULL, NULL, UNHEX(?), 8, 0, 50000, NULL)",
	    chain, hh(0x11, 1), from_f, to_t, chain, hh(0x11, 2), from_f, MAX_HEX, NULL);
	/* Logs, in chain order: 100:0 100:1 100:2 101:0 101:5 120:3 */
	ins_log(100, 0, ta, 3, TRANSFER_T0, word_addr(h1), word_addr(h2),
	    "00000000000000000000000000000000000000000000000014d1120d7b160000", false);
	ins_log(100, 1, tb, 3, APPROVAL_T0, word_addr(h1), word_addr(h2),
	    "0000000000000000000000000000000000000000000000000000000000000001", false);
	ins_log(100, 2, ta, 0, NULL, NULL, NULL, "", false);
	ins_log(101, 0, ta, 3, TRANSFER_T0, word_addr(h2), word_addr(h1), "00", false);
	ins_log(101, 5, tb, 3, TRANSFER_T0, word_addr(h1), word_addr(h3), "01", false);
	ins_log(120, 3, ta, 1, hh(0xee, 1), NULL, NULL, "abcd", true);
	/* Supply of T18 only in supply_raw (10^70); T6 has none. */
	lt_sql_exec("INSERT INTO token_supply (chain_id, token_address, total_supply, supply_raw,"
	    " updated_block) VALUES (?, UNHEX(?), NULL, UNHEX(?), 101)", chain, ta, E70_HEX, NULL);
	lt_sql_exec("INSERT INTO token_balances (chain_id, token_address, holder, balance,"
	    " balance_raw, updated_block) VALUES (?, UNHEX(?), UNHEX(?), 21500000000000000000,"
	    " NULL, 100), (?, UNHEX(?), UNHEX(?), NULL, UNHEX(?), 101),"
	    " (?, UNHEX(?), UNHEX(?), 1, NULL, 110)",
	    chain, ta, h1, chain, ta, h2, MAX_HEX, chain, tb, h1, NULL);
	lt_sql_exec("INSERT INTO allowances (chain_id, token_address, owner, spender, value,"
	    " value_raw, updated_block) VALUES (?, UNHEX(?), UNHEX(?), UNHEX(?), 1500000, NULL,"
	    " 101)", chain, tb, h1, h2, NULL);
	/* Transfers of T18, oldest first: a b c d e. */
	ins_transfer(95, 0, "0000000000000000000000000000000000000000", h1,
	    "100000000000000000000", NULL);
	ins_transfer(100, 0, h1, h2, "1500000000000000000", NULL);
	ins_transfer(101, 0, h2, h1, NULL, E70_HEX);
	ins_transfer(110, 3, h1, h1, "2000000000000000000", NULL);
	ins_transfer(120, 1, h3, h2, "7", NULL);
	/* Staking: pool P of T18 at 1 %/h; user U stakes 100 at 100, claims
	 * at 101, stakes 50 and unstakes 80 at 110; user V stakes 10 at 101. */
	lt_sql_exec("INSERT INTO staking_pools (chain_id, address, token_id, reward_rate)"
	    " VALUES (?, UNHEX(?), ?, 10000000000000000)", chain, pool, ct_token_id(t18), NULL);
	num(ts, block_time(100));
	lt_sql_exec("INSERT INTO stakes (chain_id, tx_hash, log_index, pool_address, user_addr,"
	    " amount, remaining, staked_at, block_number) VALUES (?, UNHEX(?), 1, UNHEX(?),"
	    " UNHEX(?), 100000000000000000000, 70000000000000000000, ?, 100)",
	    chain, hh(0x51, 1), pool, user_u, ts, NULL);
	num(ts, block_time(110));
	lt_sql_exec("INSERT INTO stakes (chain_id, tx_hash, log_index, pool_address, user_addr,"
	    " amount, remaining, staked_at, block_number) VALUES (?, UNHEX(?), 0, UNHEX(?),"
	    " UNHEX(?), 50000000000000000000, 0, ?, 110)", chain, hh(0x51, 2), pool, user_u, ts,
	    NULL);
	lt_sql_exec("INSERT INTO unstakes (chain_id, tx_hash, log_index, pool_address, user_addr,"
	    " amount, unstaked_at, block_number) VALUES (?, UNHEX(?), 5, UNHEX(?), UNHEX(?),"
	    " 80000000000000000000, ?, 110)", chain, hh(0x52, 1), pool, user_u, ts, NULL);
	num(ts, block_time(101));
	lt_sql_exec("INSERT INTO stakes (chain_id, tx_hash, log_index, pool_address, user_addr,"
	    " amount, remaining, staked_at, block_number) VALUES (?, UNHEX(?), 2, UNHEX(?),"
	    " UNHEX(?), 10000000000000000000, 10000000000000000000, ?, 101)",
	    chain, hh(0x51, 3), pool, user_v, ts, NULL);
	/* The claim's time comes from the stored block 101 (claimed_at NULL). */
	lt_sql_exec("INSERT INTO reward_claims (chain_id, tx_hash, log_index, pool_address,"
	    " user_addr, amount, claimed_at, block_number) VALUES (?, UNHEX(?), 4, UNHEX(?),"
	    " UNHEX(?), 3333333333333333, NULL, 101)", chain, hh(0x53, 1), pool, user_u, NULL);
	(void)b;
}

/* ----------------------------------------------------------------- status */

START_TEST(test_status)
{
	struct hresp r;
	json_object *doc, *v;
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/chains/%s/status", chain);
	doc = ct_get_ok(path, key_read, &r);
	ck_assert_msg(json_object_object_get_ex(doc, "updated_at", &v) && v != NULL &&
	    strlen(json_object_get_string(v)) == 20, "updated_at: %s", r.body);
	json_object_object_del(doc, "updated_at");
	ct_assert_json(doc, "{\"chain_id\":%s,\"head_block\":125,\"synced_block\":120,"
	    "\"synced_hash\":\"0x%s\",\"safe_block\":110,\"finalized_block\":100,"
	    "\"lag_blocks\":5,\"halted\":false,\"halt_reason\":null,\"reorg_count\":2,"
	    "\"last_reorg\":{\"depth\":3,\"at\":\"2024-12-15T10:30:00Z\",\"from_block\":97},"
	    "\"checker\":{\"last_run_at\":\"2024-12-15T10:31:00Z\",\"open_issues\":3,"
	    "\"open_by_kind\":{\"ledger\":1,\"token_balance\":2},"
	    "\"last_issue_at\":\"2024-12-15T11:00:00Z\"}}", chain, hh(0xb1, 120));
	hresp_free(&r);

	/* The stack's chain: configured, maybe never synced: still 200. */
	doc = ct_get_ok("/api/v1/chains/" CT_STACK_CHAIN_ID "/status", key_read, &r);
	ct_assert_u64(doc, "chain_id", 31337);
	hresp_free(&r);

	lt_get("/api/v1/chains/9007199254740991/status", key_read, &r);
	lt_assert_error(&r, 404, "chain_not_found", NULL);
	hresp_free(&r);
	static const char *const bad[] = { "0", "01", "abc", "-1", "9007199254740992",
	    "1e3", "%2B1", "18446744073709551616" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/chains/%s/status", bad[i]);
		lt_get(path, key_read, &r);
		lt_assert_error(&r, 400, "invalid_chain_id", "chain_id");
		hresp_free(&r);
	}
	/* No query keys on status; no key at all is 401. */
	snprintf(path, sizeof(path), "/api/v1/chains/%s/status?limit=1", chain);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "unknown_query_parameter", NULL);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/chains/%s/status", chain);
	lt_get(path, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	hresp_free(&r);
}
END_TEST

/* ------------------------------------------------------- blocks and txs */

START_TEST(test_blocks)
{
	struct hresp r;
	json_object *doc;
	char path[160];

	snprintf(path, sizeof(path), "/api/v1/chains/%s/blocks/101", chain);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"chain_id\":%s,\"number\":101,\"hash\":\"0x%s\","
	    "\"parent_hash\":\"0x%s\",\"timestamp\":%llu,\"time\":\"2024-12-12T11:00:12Z\","
	    "\"base_fee_per_gas\":\"1000000101\",\"gas_used\":2121000,\"tx_count\":1,"
	    "\"log_count\":2,\"confirmed\":false}", chain, hh(0xb1, 101), hh(0xb1, 100),
	    (unsigned long long)block_time(101));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/chains/%s/blocks/100", chain);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_bool(doc, "confirmed", true);
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/chains/%s/blocks/102", chain);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 404, "block_not_found", NULL);
	hresp_free(&r);
	static const char *const bad[] = { "-1", "1.5", "0x10", "01", "",
	    "9223372036854775808", "abc" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/chains/%s/blocks/%s", chain, bad[i]);
		lt_get(path, key_read, &r);
		if (bad[i][0] == '\0')
			ck_assert_int_eq(r.status, 404);	/* no route with an empty segment */
		else
			lt_assert_error(&r, 400, "invalid_block_number", "number");
		hresp_free(&r);
	}
	snprintf(path, sizeof(path), "/api/v1/chains/9007199254740991/blocks/1");
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 404, "chain_not_found", NULL);
	hresp_free(&r);
}
END_TEST

START_TEST(test_transactions)
{
	struct hresp r;
	json_object *doc;
	char path[256];

	snprintf(path, sizeof(path), "/api/v1/chains/%s/transactions/0x%s", chain, hh(0x11, 1));
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"chain_id\":%s,\"hash\":\"0x%s\",\"block\":101,"
	    "\"block_hash\":\"0x%s\",\"tx_index\":0,\"from\":\"%s\",\"to\":\"%s\","
	    "\"value\":\"1.5\",\"value_raw\":\"1500000000000000000\",\"nonce\":7,"
	    "\"status\":\"success\",\"gas_used\":21000,\"input_head\":\"0xa9059cbb\","
	    "\"timestamp\":%llu,\"confirmed\":false}", chain, hh(0x11, 1), hh(0xb1, 101),
	    ct_eip55(from_f), ct_eip55(to_t), (unsigned long long)block_time(101));
	hresp_free(&r);
	/* Upper-case hex digits are the same hash; the answer is lowercase. */
	{
		char up[65];
		size_t i;

		snprintf(up, sizeof(up), "%s", hh(0x11, 2));
		for (i = 0; up[i]; i++)
			if (up[i] >= 'a' && up[i] <= 'f')
				up[i] = (char)(up[i] - 'a' + 'A');
		snprintf(path, sizeof(path), "/api/v1/chains/%s/transactions/0x%s", chain, up);
	}
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"chain_id\":%s,\"hash\":\"0x%s\",\"block\":100,"
	    "\"block_hash\":\"0x%s\",\"tx_index\":3,\"from\":\"%s\",\"to\":null,"
	    "\"value\":\"" MAX_18 "\",\"value_raw\":\"" MAX_DEC "\",\"nonce\":8,"
	    "\"status\":\"reverted\",\"gas_used\":50000,\"input_head\":null,"
	    "\"timestamp\":%llu,\"confirmed\":true}", chain, hh(0x11, 2), hh(0xb1, 100),
	    ct_eip55(from_f), (unsigned long long)block_time(100));
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/chains/%s/transactions/0x%s", chain, hh(0x11, 3));
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 404, "transaction_not_found", NULL);
	hresp_free(&r);
	static const char *const bad[] = {
		"0x1234", "1111111111111111111111111111111111111111111111111111111111111111",
		"0X1100000000000000000000000000000000000000000000000000000000000001",
		"0xzz00000000000000000000000000000000000000000000000000000000000001",
		"0x110000000000000000000000000000000000000000000000000000000000000001",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/chains/%s/transactions/%s", chain, bad[i]);
		lt_get(path, key_read, &r);
		lt_assert_error(&r, 400, "invalid_hash", "hash");
		hresp_free(&r);
	}
}
END_TEST

/* ------------------------------------------------------------------- logs */

/* "b:i,b:i,..." of a logs answer. */
static void
log_keys(json_object *doc, char *out, size_t cap)
{
	json_object *list, *e, *v;
	size_t i, n, len = 0;

	out[0] = '\0';
	ck_assert(json_object_object_get_ex(doc, "logs", &list));
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(list, i);
		ck_assert(json_object_object_get_ex(e, "block", &v));
		len += (size_t)snprintf(out + len, cap - len, "%s%" PRIu64 ":", i ? "," : "",
		    json_object_get_uint64(v));
		ck_assert(json_object_object_get_ex(e, "log_index", &v));
		len += (size_t)snprintf(out + len, cap - len, "%" PRIu64, json_object_get_uint64(v));
	}
}

/* GET .../logs?query; checks the log keys and returns next_cursor (copied
 * into cursor, "" when null). */
static void
logs_expect(const char *query, const char *want, char *cursor, size_t cap)
{
	struct hresp r;
	json_object *doc, *v;
	char path[512], keys[1024];

	snprintf(path, sizeof(path), "/api/v1/chains/%s/logs%s%s", chain, query[0] ? "?" : "",
	    query);
	doc = ct_get_ok(path, key_read, &r);
	log_keys(doc, keys, sizeof(keys));
	ck_assert_msg(strcmp(keys, want) == 0, "%s: got %s, want %s", query, keys, want);
	ck_assert(json_object_object_get_ex(doc, "next_cursor", &v));
	if (cursor != NULL)
		snprintf(cursor, cap, "%s", v != NULL ? json_object_get_string(v) : "");
	hresp_free(&r);
}

START_TEST(test_logs)
{
	struct hresp r;
	json_object *doc, *first;
	char path[512], q[512], cursor[64], upper[41];
	size_t i;

	logs_expect("", "100:0,100:1,100:2,101:0,101:5,120:3", cursor, sizeof(cursor));
	ck_assert_str_eq(cursor, "");
	/* One log exactly. */
	snprintf(path, sizeof(path), "/api/v1/chains/%s/logs?to_block=100&limit=1", chain);
	doc = ct_get_ok(path, key_read, &r);
	first = json_object_array_get_idx(json_object_object_get(doc, "logs"), 0);
	ct_assert_json(first, "{\"address\":\"%s\",\"topics\":[\"0x" TRANSFER_T0 "\","
	    "\"0x%s\",\"0x%s\"],\"data\":\"0x00000000000000000000000000000000000000000000000014d1120d7b160000\","
	    "\"block\":100,\"block_hash\":\"0x%s\",\"tx_hash\":\"0x%s\",\"tx_index\":0,"
	    "\"log_index\":0,\"removed\":false}", ct_eip55(ta), word_addr(h1), word_addr(h2),
	    hh(0xb1, 100), hh(0x7a, 10000));
	ck_assert_int_eq(json_object_object_length(doc), 2);
	hresp_free(&r);
	/* No topics, empty data; a removed log. */
	snprintf(path, sizeof(path), "/api/v1/chains/%s/logs?from_block=100&to_block=100"
	    "&address=0x%s", chain, ta);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(json_object_array_get_idx(json_object_object_get(doc, "logs"), 1),
	    "{\"address\":\"%s\",\"topics\":[],\"data\":\"0x\",\"block\":100,"
	    "\"block_hash\":\"0x%s\",\"tx_hash\":\"0x%s\",\"tx_index\":0,\"log_index\":2,"
	    "\"removed\":false}", ct_eip55(ta), hh(0xb1, 100), hh(0x7a, 10002));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/chains/%s/logs?from_block=120", chain);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_bool(json_object_array_get_idx(json_object_object_get(doc, "logs"), 0),
	    "removed", true);
	hresp_free(&r);

	/* Filters: address in lower, upper and EIP-55 case; topic0; ranges. */
	snprintf(q, sizeof(q), "address=0x%s", ta);
	logs_expect(q, "100:0,100:2,101:0,120:3", NULL, 0);
	for (i = 0; i < 40; i++)
		upper[i] = (char)(ta[i] >= 'a' && ta[i] <= 'f' ? ta[i] - 'a' + 'A' : ta[i]);
	upper[40] = '\0';
	snprintf(q, sizeof(q), "address=0x%s", upper);
	logs_expect(q, "100:0,100:2,101:0,120:3", NULL, 0);
	snprintf(q, sizeof(q), "address=%s", ct_eip55(ta));
	logs_expect(q, "100:0,100:2,101:0,120:3", NULL, 0);
	logs_expect("topic0=0x" TRANSFER_T0, "100:0,101:0,101:5", NULL, 0);
	snprintf(q, sizeof(q), "address=0x%s&topic0=0x" TRANSFER_T0, ta);
	logs_expect(q, "100:0,101:0", NULL, 0);
	logs_expect("from_block=101", "101:0,101:5,120:3", NULL, 0);
	logs_expect("to_block=100", "100:0,100:1,100:2", NULL, 0);
	logs_expect("from_block=101&to_block=119", "101:0,101:5", NULL, 0);
	logs_expect("from_block=121", "", NULL, 0);
	/* The cap: 10000 blocks is fine, 10001 is not; from_block alone opens
	 * a range of 10000. */
	logs_expect("from_block=0&to_block=9999", "100:0,100:1,100:2,101:0,101:5,120:3", NULL, 0);
	logs_expect("from_block=111&to_block=10110", "120:3", NULL, 0);
	snprintf(path, sizeof(path), "/api/v1/chains/%s/logs?from_block=0&to_block=10000", chain);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "range_too_large", "to_block");
	{
		json_object *e, *d;

		ck_assert(json_object_object_get_ex(r.json, "error", &e) &&
		    json_object_object_get_ex(e, "details", &d));
		ct_assert_u64(d, "max_blocks", 10000);
	}
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/chains/%s/logs?from_block=5&to_block=4", chain);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "invalid_range", "to_block");
	hresp_free(&r);

	/* Bad values and keys. */
	{
		static const struct { const char *q, *code, *field; } bad[] = {
			{ "from_block=-1", "invalid_block_number", "from_block" },
			{ "to_block=x", "invalid_block_number", "to_block" },
			{ "from_block=", "invalid_block_number", "from_block" },
			{ "topic0=0x1234", "invalid_topic", "topic0" },
			{ "address=0x1234", "invalid_address", "address" },
			{ "address=0x5AAEB6053F3E94C9b9A09f33669435E7Ef1BeAed",
			  "invalid_address_checksum", "address" },
			{ "limit=0", "invalid_limit", "limit" },
			{ "limit=201", "invalid_limit", "limit" },
			{ "limit=1x", "invalid_limit", "limit" },
			{ "cursor=abc", "invalid_cursor", "cursor" },
			{ "cursor=0000000000000064000000zz", "invalid_cursor", "cursor" },
			{ "block=1", "unknown_query_parameter", NULL },
			{ "from_block=1&from_block=2", "duplicate_query_parameter", NULL },
		};
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(path, sizeof(path), "/api/v1/chains/%s/logs?%s", chain, bad[i].q);
			lt_get(path, key_read, &r);
			lt_assert_error(&r, 400, bad[i].code, bad[i].field);
			hresp_free(&r);
		}
	}
}
END_TEST

START_TEST(test_logs_paging)
{
	char cursor[64], q[256], all[1024] = "";
	size_t len = 0;

	logs_expect("limit=2", "100:0,100:1", cursor, sizeof(cursor));
	ck_assert_uint_eq(strlen(cursor), 24);
	len += (size_t)snprintf(all + len, sizeof(all) - len, "100:0,100:1");
	/* A log of a later block arrives between two pages: nothing shifts. */
	ins_log(120, 9, tb, 0, NULL, NULL, NULL, "", false);
	snprintf(q, sizeof(q), "limit=2&cursor=%s", cursor);
	logs_expect(q, "100:2,101:0", cursor, sizeof(cursor));
	snprintf(q, sizeof(q), "limit=2&cursor=%s", cursor);
	logs_expect(q, "101:5,120:3", cursor, sizeof(cursor));
	ck_assert_str_ne(cursor, "");
	snprintf(q, sizeof(q), "limit=2&cursor=%s", cursor);
	logs_expect(q, "120:9", cursor, sizeof(cursor));
	ck_assert_str_eq(cursor, "");
	lt_sql_exec("DELETE FROM logs WHERE chain_id = ? AND block_number = 120 AND log_index = 9",
	    chain, NULL);
	(void)all;
}
END_TEST

/* --------------------------------------------------------------- tokens */

START_TEST(test_token_values)
{
	struct hresp r;
	json_object *doc;
	char path[256];

	snprintf(path, sizeof(path), "/api/v1/tokens/%s/supply", t18);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"token_symbol\":\"%s\",\"total_supply\":"
	    "\"10000000000000000000000000000000000000000000000000000.0\",\"total_supply_raw\":\""
	    E70_DEC "\",\"block\":120,\"updated_block\":101}", t18);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/supply", t6);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"token_symbol\":\"%s\",\"total_supply\":\"0.0\","
	    "\"total_supply_raw\":\"0\",\"block\":120,\"updated_block\":null}", t6);
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/tokens/%s/balances/0x%s", t18, h1);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"token_symbol\":\"%s\",\"address\":\"%s\",\"balance\":\"21.5\","
	    "\"balance_raw\":\"21500000000000000000\",\"block\":120,\"updated_block\":100}", t18,
	    ct_eip55(h1));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/balances/%s", t18, ct_eip55(h2));
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"token_symbol\":\"%s\",\"address\":\"%s\",\"balance\":\"" MAX_18
	    "\",\"balance_raw\":\"" MAX_DEC "\",\"block\":120,\"updated_block\":101}", t18,
	    ct_eip55(h2));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/balances/0x%s", t6, h1);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_str(doc, "balance", "0.000001");
	ct_assert_str(doc, "balance_raw", "1");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/balances/0x%s", t18, h3);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_str(doc, "balance", "0.0");
	ct_assert_str(doc, "balance_raw", "0");
	ct_assert_null(doc, "updated_block");
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/tokens/%s/allowances/0x%s/0x%s", t6, h1, h2);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"token_symbol\":\"%s\",\"owner\":\"%s\",\"spender\":\"%s\","
	    "\"allowance\":\"1.5\",\"allowance_raw\":\"1500000\",\"block\":120,"
	    "\"updated_block\":101}", t6, ct_eip55(h1), ct_eip55(h2));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/allowances/0x%s/0x%s", t6, h2, h1);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_str(doc, "allowance", "0.0");
	hresp_free(&r);

	/* 404 for an unknown token, 400 for bad addresses. */
	lt_get("/api/v1/tokens/NOSUCHTOKEN/supply", key_read, &r);
	lt_assert_error(&r, 404, "token_not_found", NULL);
	hresp_free(&r);
	lt_get("/api/v1/tokens/bad%20sym/supply", key_read, &r);
	lt_assert_error(&r, 404, "token_not_found", NULL);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/balances/0x12", t18);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "invalid_address", "address");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/balances/"
	    "0x5AAEB6053F3E94C9b9A09f33669435E7Ef1BeAed", t18);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "invalid_address_checksum", "address");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/allowances/0x%s/nothex", t6, h1);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "invalid_address", "spender");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/allowances/0x1/0x%s", t6, h1);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "invalid_address", "owner");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s/supply?block=1", t18);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "unknown_query_parameter", NULL);
	hresp_free(&r);
	/* GET /tokens itself still answers the registry. */
	doc = ct_get_ok("/api/v1/tokens", key_read, &r);
	ck_assert(json_object_object_get_ex(doc, "tokens", NULL));
	hresp_free(&r);
}
END_TEST

/* "blocks" of a transfers answer, e.g. "120,110,101". */
static void
transfer_blocks(json_object *doc, char *out, size_t cap)
{
	json_object *list, *v;
	size_t i, n, len = 0;

	out[0] = '\0';
	ck_assert(json_object_object_get_ex(doc, "transfers", &list));
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		ck_assert(json_object_object_get_ex(json_object_array_get_idx(list, i), "block",
		    &v));
		len += (size_t)snprintf(out + len, cap - len, "%s%" PRIu64, i ? "," : "",
		    json_object_get_uint64(v));
	}
}

static void
transfers_expect(const char *query, const char *want, char *cursor, size_t cap)
{
	struct hresp r;
	json_object *doc, *v;
	char path[512], got[256];

	snprintf(path, sizeof(path), "/api/v1/tokens/%s/transfers%s%s", t18, query[0] ? "?" : "",
	    query);
	doc = ct_get_ok(path, key_read, &r);
	transfer_blocks(doc, got, sizeof(got));
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", query, got, want);
	ck_assert(json_object_object_get_ex(doc, "next_cursor", &v));
	if (cursor != NULL)
		snprintf(cursor, cap, "%s", v != NULL ? json_object_get_string(v) : "");
	hresp_free(&r);
}

START_TEST(test_transfers)
{
	struct hresp r;
	json_object *doc;
	char path[256], q[256], cursor[64];

	snprintf(path, sizeof(path), "/api/v1/tokens/%s/transfers", t18);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"token_symbol\":\"%s\",\"transfers\":["
	    "{\"tx_hash\":\"0x%s\",\"log_index\":1,\"block\":120,\"from\":\"%s\",\"to\":\"%s\","
	    "\"value\":\"0.000000000000000007\",\"value_raw\":\"7\",\"confirmed\":false},"
	    "{\"tx_hash\":\"0x%s\",\"log_index\":3,\"block\":110,\"from\":\"%s\",\"to\":\"%s\","
	    "\"value\":\"2.0\",\"value_raw\":\"2000000000000000000\",\"confirmed\":false},"
	    "{\"tx_hash\":\"0x%s\",\"log_index\":0,\"block\":101,\"from\":\"%s\",\"to\":\"%s\","
	    "\"value\":\"10000000000000000000000000000000000000000000000000000.0\","
	    "\"value_raw\":\"" E70_DEC "\",\"confirmed\":false},"
	    "{\"tx_hash\":\"0x%s\",\"log_index\":0,\"block\":100,\"from\":\"%s\",\"to\":\"%s\","
	    "\"value\":\"1.5\",\"value_raw\":\"1500000000000000000\",\"confirmed\":true},"
	    "{\"tx_hash\":\"0x%s\",\"log_index\":0,\"block\":95,"
	    "\"from\":\"0x0000000000000000000000000000000000000000\",\"to\":\"%s\","
	    "\"value\":\"100.0\",\"value_raw\":\"100000000000000000000\",\"confirmed\":true}],"
	    "\"next_cursor\":null}", t18,
	    hh(0x7a, 12001), ct_eip55(h3), ct_eip55(h2),
	    hh(0x7a, 11003), ct_eip55(h1), ct_eip55(h1),
	    hh(0x7a, 10100), ct_eip55(h2), ct_eip55(h1),
	    hh(0x7a, 10000), ct_eip55(h1), ct_eip55(h2),
	    hh(0x7a, 9500), ct_eip55(h1));
	hresp_free(&r);

	/* Both directions of one address; a transfer to oneself once. */
	snprintf(q, sizeof(q), "address=0x%s", h1);
	transfers_expect(q, "110,101,100,95", NULL, 0);
	snprintf(q, sizeof(q), "address=%s", ct_eip55(h2));
	transfers_expect(q, "120,101,100", NULL, 0);
	snprintf(q, sizeof(q), "address=0x%s", user_v);
	transfers_expect(q, "", NULL, 0);

	/* Pages newest first, stable when a newer transfer arrives. */
	transfers_expect("limit=2", "120,110", cursor, sizeof(cursor));
	ins_transfer(125, 0, h1, h2, "1", NULL);
	snprintf(q, sizeof(q), "limit=2&cursor=%s", cursor);
	transfers_expect(q, "101,100", cursor, sizeof(cursor));
	snprintf(q, sizeof(q), "limit=2&cursor=%s", cursor);
	transfers_expect(q, "95", cursor, sizeof(cursor));
	ck_assert_str_eq(cursor, "");
	transfers_expect("limit=2", "125,120", NULL, 0);
	snprintf(q, sizeof(q), "address=0x%s&limit=3", h1);
	transfers_expect(q, "125,110,101", cursor, sizeof(cursor));
	snprintf(q, sizeof(q), "address=0x%s&limit=3&cursor=%s", h1, cursor);
	transfers_expect(q, "100,95", cursor, sizeof(cursor));
	ck_assert_str_eq(cursor, "");
	lt_sql_exec("DELETE FROM transfers WHERE chain_id = ? AND block_number = 125", chain, NULL);

	{
		static const struct { const char *q, *code, *field; } bad[] = {
			{ "address=0xnothex", "invalid_address", "address" },
			{ "limit=0", "invalid_limit", "limit" },
			{ "cursor=zz", "invalid_cursor", "cursor" },
			{ "from=0x1", "unknown_query_parameter", NULL },
			{ "offset=10", "unknown_query_parameter", NULL },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(path, sizeof(path), "/api/v1/tokens/%s/transfers?%s", t18, bad[i].q);
			lt_get(path, key_read, &r);
			lt_assert_error(&r, 400, bad[i].code, bad[i].field);
			hresp_free(&r);
		}
	}
	lt_get("/api/v1/tokens/NOSUCHTOKEN/transfers", key_read, &r);
	lt_assert_error(&r, 404, "token_not_found", NULL);
	hresp_free(&r);
}
END_TEST

/* -------------------------------------------------------------- staking */

START_TEST(test_staking_total_and_stake)
{
	struct hresp r;
	json_object *doc;
	char path[1024];

	snprintf(path, sizeof(path), "/api/v1/staking/%s/total", chain);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"chain_id\":%s,\"block\":120,\"pools\":[{\"pool\":\"%s\","
	    "\"token_symbol\":\"%s\",\"total_staked\":\"80.0\","
	    "\"total_staked_raw\":\"80000000000000000000\",\"stakers\":2}]}", chain,
	    ct_eip55(pool), t18);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/%s/total?pool=0x%s", chain, h1);
	doc = ct_get_ok(path, key_read, &r);
	ck_assert_uint_eq(lt_len(doc, "pools"), 0);
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/staking/%s/stakes/%s:0x%s:1", chain, chain,
	    hh(0x51, 1));
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"stake_id\":\"%s:0x%s:1\",\"pool\":\"%s\",\"token_symbol\":\"%s\","
	    "\"user\":\"%s\",\"amount\":\"100.0\",\"amount_raw\":\"100000000000000000000\","
	    "\"remaining\":\"70.0\",\"remaining_raw\":\"70000000000000000000\",\"active\":true,"
	    "\"block\":100,\"tx_hash\":\"0x%s\",\"log_index\":1,\"timestamp\":%llu,"
	    "\"time\":\"2024-12-12T11:00:00Z\",\"confirmed\":true,\"chain_id\":%s}", chain,
	    hh(0x51, 1), ct_eip55(pool), t18, ct_eip55(user_u), hh(0x51, 1),
	    (unsigned long long)block_time(100), chain);
	hresp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/staking/%s/stakes/%s:0x%s:7", chain, chain,
	    hh(0x51, 1));
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 404, "stake_not_found", NULL);
	hresp_free(&r);
	{
		char bad[6][120];
		size_t i;

		snprintf(bad[0], sizeof(bad[0]), "1:0x%s:1", hh(0x51, 1));
		snprintf(bad[1], sizeof(bad[1]), "%s:0x%s", chain, hh(0x51, 1));
		snprintf(bad[2], sizeof(bad[2]), "%s:0x%s:01", chain, hh(0x51, 1));
		snprintf(bad[3], sizeof(bad[3]), "%s:0x%s:4294967296", chain, hh(0x51, 1));
		snprintf(bad[4], sizeof(bad[4]), "%s:%s:1", chain, hh(0x51, 1));
		snprintf(bad[5], sizeof(bad[5]), "%s-0x%s-1", chain, hh(0x51, 1));
		for (i = 0; i < 6; i++) {
			snprintf(path, sizeof(path), "/api/v1/staking/%s/stakes/%s", chain, bad[i]);
			lt_get(path, key_read, &r);
			lt_assert_error(&r, 400, "invalid_stake_id", "stake_id");
			hresp_free(&r);
		}
	}
	lt_get("/api/v1/staking/9007199254740991/total", key_read, &r);
	lt_assert_error(&r, 404, "chain_not_found", NULL);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/%s/total?limit=1", chain);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "unknown_query_parameter", NULL);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/%s/total?pool=0x1", chain);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 400, "invalid_address", "pool");
	hresp_free(&r);
}
END_TEST

/* The stake ids of a stakes answer, by their tag number (hh(0x51, n)). */
static void
stakes_expect(const char *query, const char *want, char *cursor, size_t cap)
{
	struct hresp r;
	json_object *doc, *list, *v;
	char path[512], got[256] = "";
	size_t i, n, len = 0;

	snprintf(path, sizeof(path), "/api/v1/staking/%s/users/%s/stakes%s%s", chain,
	    ct_eip55(user_u), query[0] ? "?" : "", query);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_str(doc, "address", ct_eip55(user_u));
	ck_assert(json_object_object_get_ex(doc, "stakes", &list));
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		ck_assert(json_object_object_get_ex(json_object_array_get_idx(list, i), "block", &v));
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%" PRIu64, i ? "," : "",
		    json_object_get_uint64(v));
	}
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", query, got, want);
	ck_assert(json_object_object_get_ex(doc, "next_cursor", &v));
	if (cursor != NULL)
		snprintf(cursor, cap, "%s", v != NULL ? json_object_get_string(v) : "");
	hresp_free(&r);
}

START_TEST(test_staking_user)
{
	struct hresp r;
	json_object *doc;
	char path[512], cursor[64], q[128];

	stakes_expect("", "110,100", NULL, 0);
	stakes_expect("active=true", "100", NULL, 0);
	stakes_expect("active=false", "110", NULL, 0);
	snprintf(q, sizeof(q), "pool=0x%s", pool);
	stakes_expect(q, "110,100", NULL, 0);
	snprintf(q, sizeof(q), "pool=0x%s", h1);
	stakes_expect(q, "", NULL, 0);
	stakes_expect("limit=1", "110", cursor, sizeof(cursor));
	snprintf(q, sizeof(q), "limit=1&cursor=%s", cursor);
	stakes_expect(q, "100", cursor, sizeof(cursor));
	ck_assert_str_eq(cursor, "");

	snprintf(path, sizeof(path), "/api/v1/staking/%s/users/0x%s/claims", chain, user_u);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"chain_id\":%s,\"address\":\"%s\",\"claims\":[{\"pool\":\"%s\","
	    "\"token_symbol\":\"%s\",\"user\":\"%s\",\"amount\":\"0.003333333333333333\","
	    "\"amount_raw\":\"3333333333333333\",\"block\":101,\"tx_hash\":\"0x%s\","
	    "\"log_index\":4,\"timestamp\":%llu,\"time\":\"2024-12-12T11:00:12Z\","
	    "\"confirmed\":false}],\"next_cursor\":null}", chain, ct_eip55(user_u),
	    ct_eip55(pool), t18, ct_eip55(user_u), hh(0x53, 1),
	    (unsigned long long)block_time(101));
	hresp_free(&r);

	/* Rewards at the last synced block (120): 0.0033.. paid at 101, 0.03
	 * accrued to 110, then 70 tokens for 120 s: 0.023333333333333333. */
	snprintf(path, sizeof(path), "/api/v1/staking/%s/users/0x%s/rewards", chain, user_u);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_json(doc, "{\"chain_id\":%s,\"address\":\"%s\",\"block\":120,"
	    "\"timestamp\":%llu,\"time\":\"2024-12-12T11:04:00Z\",\"rewards\":[{\"pool\":\"%s\","
	    "\"token_symbol\":\"%s\",\"reward_rule\":\"per_hour_rate\","
	    "\"earned\":\"0.053333333333333333\",\"earned_raw\":\"53333333333333333\","
	    "\"staked\":\"70.0\",\"staked_raw\":\"70000000000000000000\","
	    "\"claimed\":\"0.003333333333333333\",\"claimed_raw\":\"3333333333333333\","
	    "\"consistent\":true}]}", chain, ct_eip55(user_u),
	    (unsigned long long)block_time(120), ct_eip55(pool), t18);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/%s/users/0x%s/rewards", chain, user_v);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_str(json_object_array_get_idx(json_object_object_get(doc, "rewards"), 0),
	    "earned_raw", "6333333333333333");
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/%s/users/0x%s/rewards?pool=0x%s", chain,
	    user_u, h1);
	doc = ct_get_ok(path, key_read, &r);
	ck_assert_uint_eq(lt_len(doc, "rewards"), 0);
	hresp_free(&r);

	/* A claim whose block time is not stored: rewards cannot be replayed. */
	lt_sql_exec("INSERT INTO reward_claims (chain_id, tx_hash, log_index, pool_address,"
	    " user_addr, amount, claimed_at, block_number) VALUES (?, UNHEX(?), 0, UNHEX(?),"
	    " UNHEX(?), 1, NULL, 115)", chain, hh(0x53, 2), pool, user_u, NULL);
	snprintf(path, sizeof(path), "/api/v1/staking/%s/users/0x%s/rewards", chain, user_u);
	lt_get(path, key_read, &r);
	lt_assert_error(&r, 503, "sync_unavailable", NULL);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/%s/users/0x%s/claims?limit=1", chain,
	    user_u);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_null(json_object_array_get_idx(json_object_object_get(doc, "claims"), 0),
	    "timestamp");
	hresp_free(&r);
	lt_sql_exec("DELETE FROM reward_claims WHERE chain_id = ? AND block_number = 115", chain,
	    NULL);

	{
		static const struct { const char *tail, *code, *field; } bad[] = {
			{ "/users/0x12/stakes", "invalid_address", "address" },
			{ "/users/0x5AAEB6053F3E94C9b9A09f33669435E7Ef1BeAed/claims",
			  "invalid_address_checksum", "address" },
			{ "/users/0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed/stakes?active=yes",
			  "invalid_active", "active" },
			{ "/users/0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed/stakes?limit=500",
			  "invalid_limit", "limit" },
			{ "/users/0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed/rewards?limit=5",
			  "unknown_query_parameter", NULL },
			{ "/users/0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed/claims?active=true",
			  "unknown_query_parameter", NULL },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(path, sizeof(path), "/api/v1/staking/%s%s", chain, bad[i].tail);
			lt_get(path, key_read, &r);
			lt_assert_error(&r, 400, bad[i].code, bad[i].field);
			hresp_free(&r);
		}
	}
}
END_TEST

/* Unchecked fixtures: run once, in the runner, around all the cases. */
static void
chain_read_setup(void)
{
	chain = ct_fake_chain();
	ct_chain_drop(chain);
	ct_token(chain, 18, t18, sizeof(t18), ta);
	ct_token(chain, 6, t6, sizeof(t6), tb);
	ct_random_hex(h1, 40);
	ct_random_hex(h2, 40);
	ct_random_hex(h3, 40);
	ct_random_hex(user_u, 40);
	ct_random_hex(user_v, 40);
	ct_random_hex(pool, 40);
	ct_random_hex(from_f, 40);
	ct_random_hex(to_t, 40);
	setup_rows();
}

static void
chain_read_teardown(void)
{
	ct_chain_drop(chain);
	ct_token_drop(t18);
	ct_token_drop(t6);
}

static Suite *
chain_read_suite(void)
{
	Suite *s = suite_create("chain_read");
	TCase *tc = tcase_create("chain_read");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, chain_read_setup, chain_read_teardown);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_blocks);
	tcase_add_test(tc, test_transactions);
	tcase_add_test(tc, test_logs);
	tcase_add_test(tc, test_logs_paging);
	tcase_add_test(tc, test_token_values);
	tcase_add_test(tc, test_transfers);
	tcase_add_test(tc, test_staking_total_and_stake);
	tcase_add_test(tc, test_staking_user);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	key_read = harness_apikey("read");
	sr = srunner_create(chain_read_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_read);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
