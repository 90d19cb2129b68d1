/*
 * test_ledger_input.c - the bad-input corpus of the ledger writes: each
 * case gets its 4xx with the stable code and field path, and nothing is
 * written anywhere (row counts of every table a request may touch are
 * compared before and after, with no other test running).  Ends with
 * the same requests made valid, to show the corpus is not rejected for an
 * unrelated reason.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ledger_util.h"

#define A	"/api/v1/balance/adjust"
#define R	"/api/v1/rewards/distribute"
#define C	"/api/v1/consumption/deduct"
#define W	"/api/v1/wallets"

/* One adjust row with every field given; %s-free so cases can splice. */
#define ROW(user, sym, amount, reason) \
	"{\"user_id\":" user ",\"token_symbol\":" sym ",\"amount\":" amount \
	",\"reason_type\":" reason ",\"reason_detail\":\"d\"}"
#define ADJ(row)	"{\"adjustments\":[" row "]}"
#define OKROW		ROW("\"in_u1\"", "\"CPOP\"", "\"1\"", "\"adjustment\"")
#define RB		"\"reward_batch\":{\"activity_id\":\"a\",\"reward_type\":\"t\"," \
			"\"token_symbol\":\"CPOP\"}"
#define CB		"\"consumption\":{\"service_type\":\"video\",\"service_id\":\"s\"," \
			"\"token_symbol\":\"CPOP\"}"

struct bad_case {
	const char	*path;
	const char	*content_type;
	const char	*body;		/* NULL: built by the test */
	long		 status;
	const char	*code;
	const char	*field;		/* NULL: not checked */
};

static const struct bad_case cases[] = {
	/* malformed JSON and wrong shapes */
	{ A, "application/json", "", 400, "invalid_json", NULL },
	{ A, "application/json", "{", 400, "invalid_json", NULL },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],}", 400, "invalid_json", NULL },
	{ A, "application/json", "{/* c */\"adjustments\":[" OKROW "]}", 400, "invalid_json", NULL },
	{ A, "application/json", "{'adjustments':[]}", 400, "invalid_json", NULL },
	{ A, "application/json", "{\"adjustments\":[" OKROW "]} x", 400, "invalid_json", NULL },
	{ A, "application/json", "[]", 400, "json_not_object", NULL },
	{ A, "application/json", "null", 400, "json_not_object", NULL },
	{ A, "application/json", "\"adjustments\"", 400, "json_not_object", NULL },
	{ A, "application/json", "{}", 400, "missing_field", "adjustments" },
	{ A, "application/json", "{\"adjustments\":null}", 400, "missing_field", "adjustments" },
	{ A, "application/json", "{\"adjustments\":[]}", 400, "too_few_items", "adjustments" },
	{ A, "application/json", "{\"adjustments\":{}}", 400, "wrong_type", "adjustments" },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"adjustments\":[" OKROW "]}",
	  400, "duplicate_key", "adjustments" },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"extra\":1}", 400,
	  "unknown_field", "extra" },
	{ A, "application/json", ADJ("{\"user_id\":\"u\",\"token_symbol\":\"CPOP\",\"amount\":\"1\","
	  "\"reason_type\":\"adjustment\",\"colour\":\"red\"}"), 400, "unknown_field",
	  "adjustments[0].colour" },
	{ A, "application/json", ADJ("[1]"), 400, "wrong_type", "adjustments[0]" },
	{ A, "application/json", ADJ("\"row\""), 400, "wrong_type", "adjustments[0]" },
	/* amounts */
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "100", "\"adjustment\"")), 400,
	  "wrong_type", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "1e3", "\"adjustment\"")), 400,
	  "wrong_type", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"1e3\"", "\"adjustment\"")), 400,
	  "amount_exponent_not_allowed", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"1E-3\"", "\"adjustment\"")), 400,
	  "amount_exponent_not_allowed", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"1.0000000000000000001\"",
	  "\"adjustment\"")), 400, "amount_too_many_decimals", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"USDT\"", "\"0.0000001\"", "\"adjustment\"")),
	  400, "amount_too_many_decimals", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"USDT\"", "\"1.0000000\"", "\"adjustment\"")),
	  400, "amount_too_many_decimals", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"-0\"", "\"adjustment\"")), 400,
	  "amount_zero", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"0\"", "\"adjustment\"")), 400,
	  "amount_zero", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"+0.000\"", "\"adjustment\"")), 400,
	  "amount_zero", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"\"", "\"adjustment\"")), 400,
	  "amount_empty", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"",
	  "\"115792089237316195423570985008687907853269984665640564039457584007913129639936\"",
	  "\"adjustment\"")), 400, "amount_out_of_range", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"",
	  "\"100000000000000000000000000000000000000000000000\"", "\"adjustment\"")), 400,
	  "amount_out_of_range", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"+-1\"", "\"adjustment\"")), 400,
	  "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\" 1\"", "\"adjustment\"")), 400,
	  "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"0x10\"", "\"adjustment\"")), 400,
	  "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"NaN\"", "\"adjustment\"")), 400,
	  "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\".5\"", "\"adjustment\"")), 400,
	  "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"5.\"", "\"adjustment\"")), 400,
	  "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"1,5\"", "\"adjustment\"")), 400,
	  "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"\xef\xbc\x91\"", "\"adjustment\"")),
	  400, "amount_invalid", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"007\"", "\"adjustment\"")), 400,
	  "amount_leading_zero", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "null", "\"adjustment\"")), 400,
	  "missing_field", "adjustments[0].amount" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "true", "\"adjustment\"")), 400,
	  "wrong_type", "adjustments[0].amount" },
	/* user ids */
	{ A, "application/json", ADJ(ROW("\"\"", "\"CPOP\"", "\"1\"", "\"adjustment\"")), 400,
	  "string_too_short", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("\"a'; DROP TABLE user_balances; --\"", "\"CPOP\"", "\"1\"",
	  "\"adjustment\"")), 400, "invalid_user_id", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("\"u\\\" OR \\\"1\\\"=\\\"1\"", "\"CPOP\"", "\"1\"",
	  "\"adjustment\"")), 400, "invalid_user_id", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("\"\xe7\x94\xa8\xe6\x88\xb7\"", "\"CPOP\"", "\"1\"",
	  "\"adjustment\"")), 400, "invalid_user_id", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("\"caf\\u00e9\"", "\"CPOP\"", "\"1\"", "\"adjustment\"")),
	  400, "invalid_user_id", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("\"a b\"", "\"CPOP\"", "\"1\"", "\"adjustment\"")), 400,
	  "invalid_user_id", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("\"a%00\"", "\"CPOP\"", "\"1\"", "\"adjustment\"")), 400,
	  "invalid_user_id", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("123", "\"CPOP\"", "\"1\"", "\"adjustment\"")), 400,
	  "wrong_type", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("null", "\"CPOP\"", "\"1\"", "\"adjustment\"")), 400,
	  "missing_field", "adjustments[0].user_id" },
	{ A, "application/json", ADJ(ROW("\"a\\u0000b\"", "\"CPOP\"", "\"1\"", "\"adjustment\"")),
	  400, "invalid_string", NULL },
	/* tokens and reasons */
	{ A, "application/json", ADJ(ROW("\"u\"", "\"NOPE\"", "\"1\"", "\"adjustment\"")), 400,
	  "unknown_token", "adjustments[0].token_symbol" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"cpop\"", "\"1\"", "\"adjustment\"")), 400,
	  "unknown_token", "adjustments[0].token_symbol" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP' OR '1'='1\"", "\"1\"", "\"adjustment\"")),
	  400, "unknown_token", "adjustments[0].token_symbol" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"\"", "\"1\"", "\"adjustment\"")), 400,
	  "string_too_short", "adjustments[0].token_symbol" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"1\"", "\"nope\"")), 400,
	  "unknown_reason", "adjustments[0].reason_type" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"1\"", "\"reward; DELETE\"")), 400,
	  "unknown_reason", "adjustments[0].reason_type" },
	{ A, "application/json", ADJ(ROW("\"u\"", "\"CPOP\"", "\"1\"", "[\"reward\"]")), 400,
	  "wrong_type", "adjustments[0].reason_type" },
	/* metadata, detail, options */
	{ A, "application/json", ADJ("{\"user_id\":\"u\",\"token_symbol\":\"CPOP\",\"amount\":\"1\","
	  "\"reason_type\":\"refund\",\"metadata\":[1]}"), 400, "wrong_type",
	  "adjustments[0].metadata" },
	{ A, "application/json", ADJ("{\"user_id\":\"u\",\"token_symbol\":\"CPOP\",\"amount\":\"1\","
	  "\"reason_type\":\"reward\",\"metadata\":{\"activity_id\":\"x\",\"foo\":1}}"), 400,
	  "metadata_key_not_allowed", "adjustments[0].metadata.foo" },
	{ A, "application/json", ADJ("{\"user_id\":\"u\",\"token_symbol\":\"CPOP\",\"amount\":\"1\","
	  "\"reason_type\":\"refund\",\"reason_detail\":7}"), 400, "wrong_type",
	  "adjustments[0].reason_detail" },
	{ A, "application/json", ADJ("{\"user_id\":\"u\",\"token_symbol\":\"CPOP\",\"amount\":\"1\","
	  "\"reason_type\":\"refund\",\"reason_detail\":\"\\ud800\"}"), 400, "invalid_string", NULL },
	{ A, "application/json", ADJ("{\"user_id\":\"u\",\"token_symbol\":\"CPOP\",\"amount\":\"1\","
	  "\"reason_type\":\"refund\",\"reason_detail\":\"\xff\xfe\"}"), 400, "invalid_json", NULL },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"priority\":\"urgent\"}", 400,
	  "invalid_priority", "priority" },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"priority\":1}", 400,
	  "wrong_type", "priority" },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"batch_id\":\"\"}", 400,
	  "string_too_short", "batch_id" },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"batch_id\":\"a b\"}", 400,
	  "invalid_batch_id", "batch_id" },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"batch_id\":\"caf\\u00e9\"}", 400,
	  "invalid_batch_id", "batch_id" },
	{ A, "application/json", "{\"adjustments\":[" OKROW "],\"batch_id\":5}", 400,
	  "wrong_type", "batch_id" },
	/* the other writes */
	{ R, "application/json", "{\"recipients\":[{\"user_id\":\"u\",\"amount\":\"1\"}]}", 400,
	  "missing_field", "reward_batch" },
	{ R, "application/json", "{" RB ",\"recipients\":[]}", 400, "too_few_items", "recipients" },
	{ R, "application/json", "{" RB ",\"recipients\":[{\"user_id\":\"u\",\"amount\":\"+5\"}]}",
	  400, "amount_sign_not_allowed", "recipients[0].amount" },
	{ R, "application/json", "{" RB ",\"recipients\":[{\"user_id\":\"u\",\"amount\":\"-5\"}]}",
	  400, "amount_sign_not_allowed", "recipients[0].amount" },
	{ R, "application/json", "{" RB ",\"recipients\":[{\"user_id\":\"u\",\"amount\":\"5\"},"
	  "{\"user_id\":\"u\",\"amount\":5}]}", 400, "wrong_type", "recipients[1].amount" },
	{ R, "application/json", "{\"reward_batch\":{\"activity_id\":\"a\",\"reward_type\":\"t\","
	  "\"token_symbol\":\"ZZZ\"},\"recipients\":[{\"user_id\":\"u\",\"amount\":\"5\"}]}", 400,
	  "unknown_token", "reward_batch.token_symbol" },
	{ R, "application/json", "{\"reward_batch\":{\"activity_id\":\"a\",\"reward_type\":\"t\","
	  "\"token_symbol\":\"CPOP\",\"x\":1},\"recipients\":[{\"user_id\":\"u\",\"amount\":\"5\"}]}",
	  400, "unknown_field", "reward_batch.x" },
	{ R, "application/json", "{\"reward_batch\":{\"activity_id\":\"\",\"reward_type\":\"t\","
	  "\"token_symbol\":\"CPOP\"},\"recipients\":[{\"user_id\":\"u\",\"amount\":\"5\"}]}", 400,
	  "string_too_short", "reward_batch.activity_id" },
	{ R, "application/json", "{" RB ",\"recipients\":[{\"user_id\":\"u\",\"amount\":\"5\","
	  "\"tier\":\"0123456789012345678901234567890123456789012345678901234567890123x\"}]}", 400,
	  "string_too_long", "recipients[0].tier" },
	{ R, "application/json", "{" RB ",\"recipients\":[{\"user_id\":\"u\",\"amount\":\"5\","
	  "\"reason\":\"x\"}]}", 400, "unknown_field", "recipients[0].reason" },
	{ C, "application/json", "{" CB ",\"deductions\":[{\"user_id\":\"u\",\"amount\":\"-1\"}]}",
	  400, "amount_sign_not_allowed", "deductions[0].amount" },
	{ C, "application/json", "{\"consumption\":{\"service_type\":\"\",\"service_id\":\"s\","
	  "\"token_symbol\":\"CPOP\"},\"deductions\":[{\"user_id\":\"u\",\"amount\":\"1\"}]}", 400,
	  "string_too_short", "consumption.service_type" },
	{ C, "application/json", "{" CB ",\"deductions\":[{\"user_id\":\"u\",\"amount\":\"1\","
	  "\"reason\":5}]}", 400, "wrong_type", "deductions[0].reason" },
	{ C, "application/json", "{" CB ",\"deductions\":[{\"user_id\":\"u\",\"amount\":\"0.0\"}]}",
	  400, "amount_zero", "deductions[0].amount" },
	{ C, "application/json", "{" CB "}", 400, "missing_field", "deductions" },
	{ W, "application/json", "{\"user_id\":\"u\",\"chain_id\":31337}", 400, "missing_field",
	  "address" },
	{ W, "application/json", "{\"user_id\":\"u\",\"chain_id\":0,\"address\":"
	  "\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"}", 400, "out_of_range", "chain_id" },
	/* transport level */
	{ A, "text/plain", "{\"adjustments\":[" OKROW "]}", 415, "unsupported_media_type", NULL },
	{ A, NULL, "{\"adjustments\":[" OKROW "]}", 415, "unsupported_media_type", NULL },
	{ A, "application/x-www-form-urlencoded", "adjustments=1", 415, "unsupported_media_type",
	  NULL },
	/* built by the test: too deep, too many rows, too long, too big */
	{ A, "application/json", NULL, 400, "json_too_deep", NULL },
	{ A, "application/json", NULL, 400, "too_many_items", "adjustments" },
	{ A, "application/json", NULL, 400, "string_too_long", "adjustments[0].user_id" },
	{ A, "application/json", NULL, 400, "string_too_long", "adjustments[0].reason_detail" },
	{ A, "application/json", NULL, 400, "metadata_too_large", "adjustments[0].metadata" },
	{ A, "application/json", NULL, 400, "invalid_user_id", "adjustments[599].user_id" },
	{ A, "application/json", NULL, 413, "payload_too_large", NULL },
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))
#define NBUILT	7

static char *key_write;
static char key_name[128];

/*
 * Rows a corpus request could have written: everything of the test's API
 * key, the balance and wallet rows of every user id the corpus names, and
 * the registries.  (The whole store's counts would also move with writers
 * outside the test harness, such as a benchmark, on a shared stack.)
 */
static uint64_t
corpus_rows(void)
{
	return lt_sql_u64("SELECT (SELECT COUNT(*) FROM operations o JOIN api_keys k ON"
	    " k.id = o.api_key_id WHERE k.name = ?)"
	    " + (SELECT COUNT(*) FROM balance_changes c JOIN operations o ON o.id = c.operation_id"
	    " JOIN api_keys k ON k.id = o.api_key_id WHERE k.name = ?)"
	    " + (SELECT COUNT(*) FROM idempotency_keys i JOIN api_keys k ON k.id = i.api_key_id"
	    " WHERE k.name = ?)"
	    " + (SELECT COUNT(*) FROM user_balances WHERE user_id IN ('u', 'in_u1', 'a', 'a b',"
	    " 'a%00', 'bad user', 'a.b:c@d-e_F9') OR user_id LIKE 'a''%'"
	    " OR user_id LIKE 'uuuuuuuu%')"
	    " + (SELECT COUNT(*) FROM wallets WHERE user_id = 'u')"
	    " + (SELECT COUNT(*) FROM tokens) + (SELECT COUNT(*) FROM reason_types)"
	    " + (SELECT COUNT(*) FROM batch_strategies)", key_name, key_name, key_name, NULL);
}

/* The bodies the table cannot hold literally, in the order of the table. */
static char *
built_body(size_t k)
{
	size_t cap = 3 * 1024 * 1024, n = 0, i;
	char *b = malloc(cap);

	ck_assert_ptr_nonnull(b);
	switch (k) {
	case 0:	/* metadata nested 40 deep */
		n += (size_t)snprintf(b + n, cap - n, "{\"adjustments\":[{\"user_id\":\"u\","
		    "\"token_symbol\":\"CPOP\",\"amount\":\"1\",\"reason_type\":\"refund\","
		    "\"metadata\":");
		for (i = 0; i < 40; i++)
			n += (size_t)snprintf(b + n, cap - n, "{\"a\":");
		n += (size_t)snprintf(b + n, cap - n, "1");
		for (i = 0; i < 40; i++)
			b[n++] = '}';
		snprintf(b + n, cap - n, "}]}");
		break;
	case 1:	/* one row over [api] max_rows (1000) */
		n += (size_t)snprintf(b + n, cap - n, "{\"adjustments\":[");
		for (i = 0; i < 1001; i++)
			n += (size_t)snprintf(b + n, cap - n, "%s" OKROW, i ? "," : "");
		snprintf(b + n, cap - n, "]}");
		break;
	case 2:	/* a 129-character user id */
		n += (size_t)snprintf(b + n, cap - n, "{\"adjustments\":[{\"user_id\":\"");
		for (i = 0; i < 129; i++)
			b[n++] = 'u';
		snprintf(b + n, cap - n, "\",\"token_symbol\":\"CPOP\",\"amount\":\"1\","
		    "\"reason_type\":\"refund\"}]}");
		break;
	case 3:	/* a reason_detail over [api] max_reason_detail (1024) */
		n += (size_t)snprintf(b + n, cap - n, "{\"adjustments\":[{\"user_id\":\"u\","
		    "\"token_symbol\":\"CPOP\",\"amount\":\"1\",\"reason_type\":\"refund\","
		    "\"reason_detail\":\"");
		for (i = 0; i < 1025; i++)
			b[n++] = 'd';
		snprintf(b + n, cap - n, "\"}]}");
		break;
	case 4:	/* metadata over [api] max_metadata (4096) */
		n += (size_t)snprintf(b + n, cap - n, "{\"adjustments\":[{\"user_id\":\"u\","
		    "\"token_symbol\":\"CPOP\",\"amount\":\"1\",\"reason_type\":\"refund\","
		    "\"metadata\":{\"blob\":\"");
		for (i = 0; i < 5000; i++)
			b[n++] = 'm';
		snprintf(b + n, cap - n, "\"}}]}");
		break;
	case 5:	/* 599 valid rows, then a bad one: nothing of it is written */
		n += (size_t)snprintf(b + n, cap - n, "{\"adjustments\":[");
		for (i = 0; i < 599; i++)
			n += (size_t)snprintf(b + n, cap - n, "%s" OKROW, i ? "," : "");
		snprintf(b + n, cap - n, "," ROW("\"bad user\"", "\"CPOP\"", "\"1\"",
		    "\"adjustment\"") "]}");
		break;
	default:	/* 2 MiB */
		n += (size_t)snprintf(b + n, cap - n, "{\"adjustments\":[" OKROW "],\"pad\":\"");
		while (n < 2 * 1024 * 1024)
			b[n++] = 'p';
		snprintf(b + n, cap - n, "\"}");
		break;
	}
	return b;
}

START_TEST(test_bad_input_corpus)
{
	struct hresp r;
	uint64_t before, after;
	size_t i, built = 0;

	ck_assert_int_ge(NCASES, 50);
	before = corpus_rows();
	for (i = 0; i < NCASES; i++) {
		const struct bad_case *c = &cases[i];
		char *body = c->body ? NULL : built_body(built++);
		const char *text = c->body ? c->body : body;

		if (hreq("POST", c->path, key_write, c->content_type, text, strlen(text), NULL,
		    &r) != 0)
			ck_abort_msg("transport error in case %zu", i);
		ck_assert_msg(r.status == c->status, "case %zu: status %ld, want %ld: %s", i,
		    r.status, c->status, r.body);
		ck_assert_msg(hresp_error_code(&r) != NULL &&
		    strcmp(hresp_error_code(&r), c->code) == 0, "case %zu: code %s, want %s: %s",
		    i, hresp_error_code(&r), c->code, r.body);
		ck_assert_msg(hresp_str(&r, "error.message") != NULL, "case %zu: no message", i);
		if (c->field != NULL)
			ck_assert_msg(hresp_str(&r, "error.details.field") != NULL &&
			    strcmp(hresp_str(&r, "error.details.field"), c->field) == 0,
			    "case %zu: field %s, want %s", i, hresp_str(&r, "error.details.field"),
			    c->field);
		hresp_free(&r);
		free(body);
	}
	ck_assert_int_eq(built, NBUILT);
	after = corpus_rows();
	ck_assert_msg(after == before, "rows before %llu, after %llu",
	    (unsigned long long)before, (unsigned long long)after);
	/* The service is still there, still writes, and the count sees it. */
	lt_adjust(key_write, "in_u1", "CPOP", "1");
	ck_assert_uint_ge(corpus_rows(), before + 2);
}
END_TEST

/* The valid neighbours of the corpus are accepted (the rejections above are
 * about the one thing each case breaks). */
START_TEST(test_valid_neighbours)
{
	static const struct {
		const char *path, *body;
	} good[] = {
		{ A, ADJ(ROW("\"in_u1\"", "\"CPOP\"", "\"1.000000000000000001\"", "\"adjustment\"")) },
		{ A, ADJ(ROW("\"in_u1\"", "\"USDT\"", "\"+0.000001\"", "\"adjustment\"")) },
		{ A, ADJ(ROW("\"a.b:c@d-e_F9\"", "\"CPOP\"", "\"1\"", "\"adjustment\"")) },
		{ A, ADJ(ROW("\"in_u1\"", "\"CPOP\"",
		  "\"99999999999999999999999999999.999999999999999999\"", "\"adjustment\"")) },
		{ A, "{\"adjustments\":[" OKROW "],\"priority\":\"low\",\"batch_id\":null}" },
		{ R, "{" RB ",\"recipients\":[{\"user_id\":\"in_u1\",\"amount\":\"5\",\"tier\":\"t\"}]}" },
		{ C, "{" CB ",\"deductions\":[{\"user_id\":\"in_u1\",\"amount\":\"1\"}]}" },
	};
	struct hresp r;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (hreq("POST", good[i].path, key_write, "application/json; charset=utf-8",
		    good[i].body, (size_t)-1, NULL, &r) != 0)
			ck_abort();
		ck_assert_msg(r.status == 201, "good %zu: %ld %s", i, r.status, r.body);
		hresp_free(&r);
	}
	/* Undo the large credit so the test can run again and again. */
	lt_adjust(key_write, "in_u1", "CPOP", "-99999999999999999999999999999.999999999999999999");
}
END_TEST

static Suite *
ledger_input_suite(void)
{
	Suite *s = suite_create("ledger_input");
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bad_input_corpus);
	tcase_add_test(tc, test_valid_neighbours);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	/* Row counts of the whole store must not move: no other test runs. */
	harness_exclusive();
	key_write = harness_apikey_named("read,write", key_name, sizeof(key_name));
	sr = srunner_create(ledger_input_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_write);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
