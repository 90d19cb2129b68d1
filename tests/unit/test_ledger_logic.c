/*
 * test_ledger_logic.c - the pure parts of the ledger API: user ids, paging
 * cursors, operation ids, the settlement estimate rule of docs/api.md,
 * timestamps and the idempotency request hash.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "ledger.h"
#include "ledger/cache.h"
#include "ledger/rule.h"
#include "store/idempotency.h"

START_TEST(test_user_ids)
{
	static const struct {
		const char	*id;
		bool		 ok;
	} cases[] = {
		{ "user_123", true },
		{ "a.b:c@d-e_F9", true },
		{ "U", true },
		{ "", false },
		{ "a b", false },
		{ "a'b", false },
		{ "a\"b", false },
		{ "a;b", false },
		{ "a/b", false },
		{ "a%b", false },
		{ "caf\xc3\xa9", false },
		{ "tab\t", false },
		{ "a\\b", false },
	};
	char long_id[LEDGER_USER_ID_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(ledger_user_id_valid(cases[i].id, strlen(cases[i].id)) == cases[i].ok,
		    "case %zu: %s", i, cases[i].id);
	memset(long_id, 'x', sizeof(long_id));
	ck_assert(ledger_user_id_valid(long_id, LEDGER_USER_ID_MAX));
	ck_assert(!ledger_user_id_valid(long_id, LEDGER_USER_ID_MAX + 1));
	/* An embedded NUL is not part of any valid id. */
	ck_assert(!ledger_user_id_valid("ab\0c", 4));
}
END_TEST

START_TEST(test_cursors)
{
	static const uint64_t ids[] = { 1, 2, 255, 4096, 123456789, UINT64_MAX };
	static const char *const bad[] = {
		"", "0", "000000000000000g", "000000000000000A", "0000000000000000",
		"00000000000000001", "000000000000001", " 000000000000001",
	};
	char text[24];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ledger_cursor_encode(ids[i], text);
		ck_assert_int_eq(strlen(text), 16);
		ck_assert(ledger_cursor_decode(text, strlen(text), &v));
		ck_assert_uint_eq(v, ids[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ledger_cursor_decode(bad[i], strlen(bad[i]), &v), "bad %zu", i);
}
END_TEST

START_TEST(test_operation_ids)
{
	char out[37];

	ck_assert(ledger_operation_id_parse("01a200fb-1c24-7f8f-bf4f-3d5739e9bab2", 36, out));
	ck_assert_str_eq(out, "01a200fb-1c24-7f8f-bf4f-3d5739e9bab2");
	ck_assert(ledger_operation_id_parse("op_01A200FB-1C24-7F8F-BF4F-3D5739E9BAB2", 39, out));
	ck_assert_str_eq(out, "01a200fb-1c24-7f8f-bf4f-3d5739e9bab2");
	ck_assert(!ledger_operation_id_parse("op_", 3, out));
	ck_assert(!ledger_operation_id_parse("op-01a200fb-1c24-7f8f-bf4f-3d5739e9bab2", 39, out));
	ck_assert(!ledger_operation_id_parse("01a200fb1c247f8fbf4f3d5739e9bab2", 32, out));
	ck_assert(!ledger_operation_id_parse("01a200fb-1c24-7f8f-bf4f-3d5739e9bab", 35, out));
	ck_assert(!ledger_operation_id_parse("01a200fb-1c24-7f8f-bf4f-3d5739e9bag2", 36, out));
}
END_TEST

/* The estimate rule, with the default poll interval of 2 s (no config). */
START_TEST(test_estimate_rule)
{
	static const struct {
		uint32_t	max, wait, min;
		int64_t		threshold;	/* -1 = none */
		uint64_t	count;
		int64_t		value;
		bool		has_oldest;
		int64_t		oldest;
		bool		priority;
		int64_t		want;
	} cases[] = {
		/* nothing pending: now + max_wait */
		{ 50, 900, 1, -1, 0, 0, false, 0, false, 1900 },
		/* one pending, young: its created_at + max_wait */
		{ 50, 900, 1, -1, 1, 5, true, 950, false, 1850 },
		/* size reached: next pass */
		{ 50, 900, 1, -1, 50, 5, true, 950, false, 1002 },
		{ 50, 900, 1, -1, 51, 5, true, 950, false, 1002 },
		/* priority pending: next pass */
		{ 50, 900, 1, -1, 2, 5, true, 950, true, 1002 },
		/* ... unless below min_batch_size: then max_wait */
		{ 50, 900, 5, -1, 2, 5, true, 950, true, 1850 },
		/* value above the threshold: next pass; equal is not above */
		{ 50, 900, 1, 100, 3, 101, true, 990, false, 1002 },
		{ 50, 900, 1, 100, 3, 100, true, 990, false, 1890 },
		/* the oldest is older than max_wait: next pass even below min */
		{ 50, 900, 5, -1, 1, 1, true, 100, false, 1002 },
		{ 50, 900, 5, -1, 1, 1, true, 101, false, 1001 },
	};
	struct strategy st;
	struct settle_outlook s;
	struct token tok;
	size_t i;

	memset(&tok, 0, sizeof(tok));
	snprintf(tok.chain, sizeof(tok.chain), "local");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		registry_strategy_default(&st);
		st.max_batch_size = cases[i].max;
		st.max_wait_seconds = cases[i].wait;
		st.min_batch_size = cases[i].min;
		if (cases[i].threshold >= 0) {
			st.has_threshold = true;
			u256_from_u64(&st.value_threshold.mag, (uint64_t)cases[i].threshold);
		}
		memset(&s, 0, sizeof(s));
		s.now = 1000;
		s.count = cases[i].count;
		u256_from_u64(&s.value.mag, (uint64_t)cases[i].value);
		s.has_oldest = cases[i].has_oldest;
		s.oldest = cases[i].oldest;
		s.priority = cases[i].priority;
		ck_assert_msg(settle_estimate(&st, &s, ledger_poll_seconds(NULL, &tok)) ==
		    cases[i].want, "case %zu: %lld, want %lld", i,
		    (long long)settle_estimate(&st, &s, ledger_poll_seconds(NULL, &tok)),
		    (long long)cases[i].want);
	}
	/* A sum past 65 digits is above any threshold. */
	registry_strategy_default(&st);
	st.has_threshold = true;
	u256_from_u64(&st.value_threshold.mag, 1);
	memset(&s, 0, sizeof(s));
	s.now = 1000;
	s.count = 1;
	s.value_huge = true;
	ck_assert_int_eq(settle_estimate(&st, &s, ledger_poll_seconds(NULL, &tok)), 1002);
}
END_TEST

/* The poll interval of the token's chain, rounded up to seconds. */
START_TEST(test_estimate_poll_interval)
{
	struct config cfg;
	struct strategy st;
	struct settle_outlook s;
	struct token tok;

	memset(&cfg, 0, sizeof(cfg));
	cfg.nchains = 1;
	snprintf(cfg.chains[0].name, sizeof(cfg.chains[0].name), "local");
	cfg.chains[0].poll_interval_ms = 4500;
	memset(&tok, 0, sizeof(tok));
	snprintf(tok.chain, sizeof(tok.chain), "local");
	registry_strategy_default(&st);
	memset(&s, 0, sizeof(s));
	s.now = 1000;
	s.count = 1;
	s.priority = true;
	ck_assert_int_eq(settle_estimate(&st, &s, ledger_poll_seconds(&cfg, &tok)), 1005);
	snprintf(tok.chain, sizeof(tok.chain), "other");
	ck_assert_int_eq(settle_estimate(&st, &s, ledger_poll_seconds(&cfg, &tok)), 1002);
}
END_TEST

START_TEST(test_iso_time)
{
	char out[32];

	ledger_iso_time(0, out, sizeof(out));
	ck_assert_str_eq(out, "1970-01-01T00:00:00Z");
	ledger_iso_time(1734258600, out, sizeof(out));
	ck_assert_str_eq(out, "2024-12-15T10:30:00Z");
	ledger_iso_time(1734258600, out, 5);
	ck_assert_str_eq(out, "");
}
END_TEST

static void
hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

START_TEST(test_request_hash)
{
	uint8_t h[IDEMPOTENCY_HASH_LEN], h2[IDEMPOTENCY_HASH_LEN];
	char text[2 * IDEMPOTENCY_HASH_LEN + 1];

	/* SHA-256("POST\0balance_adjust\0{}") and SHA-256("POST\0rewards_distribute\0") */
	idempotency_hash("POST", "balance_adjust", "{}", 2, h);
	hex(h, sizeof(h), text);
	ck_assert_str_eq(text, "24d8de6741f12501a9153191cac70a1dd701a3f840a73e3fc661d2ae518bf307");
	idempotency_hash("POST", "rewards_distribute", NULL, 0, h);
	hex(h, sizeof(h), text);
	ck_assert_str_eq(text, "660171108177822d8797050bb1ef0058b016ccea8e833103740549167ff9c187");
	/* The separators keep route and body apart. */
	idempotency_hash("POST", "a", "b{}", 3, h);
	idempotency_hash("POST", "ab", "{}", 2, h2);
	ck_assert(memcmp(h, h2, sizeof(h)) != 0);
}
END_TEST

static Suite *
ledger_logic_suite(void)
{
	Suite *s = suite_create("ledger_logic");
	TCase *tc;

	tc = tcase_create("identifiers");
	tcase_add_test(tc, test_user_ids);
	tcase_add_test(tc, test_cursors);
	tcase_add_test(tc, test_operation_ids);
	suite_add_tcase(s, tc);
	tc = tcase_create("estimate");
	tcase_add_test(tc, test_estimate_rule);
	tcase_add_test(tc, test_estimate_poll_interval);
	tcase_add_test(tc, test_iso_time);
	suite_add_tcase(s, tc);
	tc = tcase_create("idempotency");
	tcase_add_test(tc, test_request_hash);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ledger_logic_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
