/*
 * test_ledger_concurrency.c - no overdraft and exact ledgers under
 * concurrency, through the real nginx and worker pool:
 *  - 64 clients x 100 deductions of 1 against one balance of 5000: exactly
 *    5000 succeed, the rest are 409 insufficient_balance, the balance ends
 *    at 0 and never goes negative, and the change rows add up;
 *  - mixed credits and debits across 100 users from 32 clients, checked
 *    against a serial model and the before/after chain of every change;
 *  - many-recipient rewards over the same users in shuffled orders never
 *    deadlock (one global lock order);
 *  - a write whose balance row stays locked by another session answers
 *    within [api] write_timeout_ms with 503 write_timeout and writes
 *    nothing, instead of retrying past the edge's timeout into a 504.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ledger_util.h"

static char *key_write;

/* ------------------------------------------------------- the 5000 race */

#define RACE_CLIENTS	64
#define RACE_EACH	100
#define RACE_BALANCE	5000

struct race {
	char		 user[LT_NAME_MAX];
	unsigned	 ok, refused, other;
	char		 other_body[512];
};

static void
race_client(unsigned index, void *arg)
{
	struct race *rc = arg;
	char body[512];
	struct hresp r;
	unsigned i;

	(void)index;
	snprintf(body, sizeof(body), "{\"consumption\":{\"service_type\":\"race\","
	    "\"service_id\":\"s1\",\"token_symbol\":\"CPOP\"},\"deductions\":"
	    "[{\"user_id\":\"%s\",\"amount\":\"1\",\"reason\":\"race\"}]}", rc->user);
	for (i = 0; i < RACE_EACH; i++) {
		const char *code;

		if (hreq("POST", "/api/v1/consumption/deduct", key_write, "application/json",
		    body, (size_t)-1, NULL, &r) != 0) {
			__atomic_add_fetch(&rc->other, 1, __ATOMIC_RELAXED);
			continue;
		}
		code = hresp_error_code(&r);
		if (r.status == 201)
			__atomic_add_fetch(&rc->ok, 1, __ATOMIC_RELAXED);
		else if (r.status == 409 && code != NULL &&
		    strcmp(code, "insufficient_balance") == 0)
			__atomic_add_fetch(&rc->refused, 1, __ATOMIC_RELAXED);
		else if (__atomic_add_fetch(&rc->other, 1, __ATOMIC_RELAXED) == 1)
			snprintf(rc->other_body, sizeof(rc->other_body), "%ld %s", r.status,
			    r.body);
		hresp_free(&r);
	}
}

/* The before/after chain of one user's changes in one token is exact. */
static void
assert_chain(const char *user, const char *symbol)
{
	/* Each change moves the balance by its amount, never below zero. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes c JOIN tokens t"
	    " ON t.id = c.token_id WHERE c.user_id = ? AND t.symbol = ? AND"
	    " (c.balance_after <> c.balance_before + c.amount OR c.balance_after < 0)",
	    user, symbol, NULL), 0);
	/* Each change starts where the previous one (by id) ended. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM (SELECT c.balance_before,"
	    " LAG(c.balance_after) OVER (ORDER BY c.id) AS prev FROM balance_changes c"
	    " JOIN tokens t ON t.id = c.token_id WHERE c.user_id = ? AND t.symbol = ?) x"
	    " WHERE (x.prev IS NULL AND x.balance_before <> 0) OR x.prev <> x.balance_before",
	    user, symbol, NULL), 0);
	/* The balance row is the sum of the changes and the last balance_after. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM user_balances b JOIN tokens t"
	    " ON t.id = b.token_id WHERE b.user_id = ? AND t.symbol = ? AND"
	    " b.pending_balance = (SELECT COALESCE(SUM(amount), 0) FROM balance_changes"
	    " WHERE user_id = b.user_id AND token_id = b.token_id) AND b.pending_balance ="
	    " (SELECT balance_after FROM balance_changes WHERE user_id = b.user_id AND"
	    " token_id = b.token_id ORDER BY id DESC LIMIT 1)", user, symbol, NULL), 1);
}

START_TEST(test_deduction_race)
{
	struct race rc;
	char amount[32], pending[64];
	uint64_t start;

	memset(&rc, 0, sizeof(rc));
	lt_name(rc.user, sizeof(rc.user), "race");
	snprintf(amount, sizeof(amount), "%d", RACE_BALANCE);
	lt_adjust(key_write, rc.user, "CPOP", amount);
	start = harness_now_ms();
	ck_assert_int_eq(harness_parallel(RACE_CLIENTS, race_client, &rc), 0);
	fprintf(stderr, "race: %u requests in %llu ms: %u created, %u refused, %u other\n",
	    RACE_CLIENTS * RACE_EACH, (unsigned long long)(harness_now_ms() - start), rc.ok,
	    rc.refused, rc.other);
	ck_assert_msg(rc.other == 0, "%u unexpected answers, first: %s", rc.other, rc.other_body);
	ck_assert_uint_eq(rc.ok, RACE_BALANCE);
	ck_assert_uint_eq(rc.refused, RACE_CLIENTS * RACE_EACH - RACE_BALANCE);
	lt_pending(key_write, rc.user, "CPOP", pending, sizeof(pending));
	ck_assert_str_eq(pending, "0.0");
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?",
	    rc.user, NULL), RACE_BALANCE + 1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND amount = -1000000000000000000 AND reason_type = 'consumption'", rc.user, NULL),
	    RACE_BALANCE);
	/* The movement: +5000 then 5000 x -1 sums to the balance, 0. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " HAVING SUM(amount) = 0", rc.user, NULL), 5001);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND balance_after < 0", rc.user, NULL), 0);
	assert_chain(rc.user, "CPOP");
}
END_TEST

/* --------------------------------------------------- mixed, serial model */

#define MIX_USERS	100
#define MIX_CLIENTS	32
#define MIX_EACH	60
#define MIX_ROWS_MAX	4

struct mix_row {
	unsigned	user;
	long long	amount;		/* USDT base units (6 decimals) */
};

struct mix {
	char		 prefix[LT_NAME_MAX];
	long long	 initial[MIX_USERS];
	/* per client: the rows of its committed requests */
	struct mix_row	 done[MIX_CLIENTS][MIX_EACH * MIX_ROWS_MAX];
	unsigned	 ndone[MIX_CLIENTS];
	unsigned	 ok, refused, other;
	char		 other_body[512];
};

static unsigned
mix_rand(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 8) & 0xffffff;
}

static void
mix_client(unsigned index, void *arg)
{
	struct mix *m = arg;
	unsigned seed = 0x9e3779b9u ^ (index * 2654435761u), i, k;

	for (i = 0; i < MIX_EACH; i++) {
		struct mix_row rows[MIX_ROWS_MAX];
		unsigned nrows = 1 + mix_rand(&seed) % MIX_ROWS_MAX;
		char body[2048];
		size_t n = 0;
		struct hresp r;
		const char *code;

		n += (size_t)snprintf(body + n, sizeof(body) - n, "{\"adjustments\":[");
		for (k = 0; k < nrows; k++) {
			long long whole = (long long)(mix_rand(&seed) % 30);
			long long frac = (long long)(mix_rand(&seed) % 1000000);
			bool debit = mix_rand(&seed) % 100 < 55;

			if (whole == 0 && frac == 0)
				frac = 1;
			rows[k].user = mix_rand(&seed) % MIX_USERS;
			rows[k].amount = (whole * 1000000 + frac) * (debit ? -1 : 1);
			n += (size_t)snprintf(body + n, sizeof(body) - n,
			    "%s{\"user_id\":\"%s_%u\",\"token_symbol\":\"USDT\",\"amount\":"
			    "\"%c%lld.%06lld\",\"reason_type\":\"adjustment\"}", k ? "," : "",
			    m->prefix, rows[k].user, debit ? '-' : '+', whole, frac);
		}
		snprintf(body + n, sizeof(body) - n, "]}");
		if (hreq("POST", "/api/v1/balance/adjust", key_write, "application/json", body,
		    (size_t)-1, NULL, &r) != 0) {
			__atomic_add_fetch(&m->other, 1, __ATOMIC_RELAXED);
			continue;
		}
		code = hresp_error_code(&r);
		if (r.status == 201) {
			__atomic_add_fetch(&m->ok, 1, __ATOMIC_RELAXED);
			for (k = 0; k < nrows; k++)
				m->done[index][m->ndone[index]++] = rows[k];
		} else if (r.status == 409 && code != NULL &&
		    strcmp(code, "insufficient_balance") == 0) {
			__atomic_add_fetch(&m->refused, 1, __ATOMIC_RELAXED);
		} else if (__atomic_add_fetch(&m->other, 1, __ATOMIC_RELAXED) == 1) {
			snprintf(m->other_body, sizeof(m->other_body), "%ld %s", r.status, r.body);
		}
		hresp_free(&r);
	}
}

START_TEST(test_mixed_against_serial_model)
{
	struct mix *m = calloc(1, sizeof(*m));
	long long model[MIX_USERS];
	char user[LT_NAME_MAX + 16], amount[48], want[48], got[64];
	unsigned u, c, k, seed = 12345;
	uint64_t start;

	ck_assert_ptr_nonnull(m);
	lt_name(m->prefix, sizeof(m->prefix), "mix");
	for (u = 0; u < MIX_USERS; u++) {
		m->initial[u] = (long long)(mix_rand(&seed) % 50) * 1000000;
		if (m->initial[u] == 0)
			continue;
		snprintf(user, sizeof(user), "%s_%u", m->prefix, u);
		snprintf(amount, sizeof(amount), "%lld", m->initial[u] / 1000000);
		lt_adjust(key_write, user, "USDT", amount);
	}
	start = harness_now_ms();
	ck_assert_int_eq(harness_parallel(MIX_CLIENTS, mix_client, m), 0);
	fprintf(stderr, "mixed: %u requests in %llu ms: %u created, %u refused, %u other\n",
	    MIX_CLIENTS * MIX_EACH, (unsigned long long)(harness_now_ms() - start), m->ok,
	    m->refused, m->other);
	ck_assert_msg(m->other == 0, "%u unexpected answers, first: %s", m->other, m->other_body);
	ck_assert_uint_gt(m->ok, 100);
	ck_assert_uint_gt(m->refused, 0);

	/* The serial model: the initial credits plus every committed row. */
	memcpy(model, m->initial, sizeof(model));
	for (c = 0; c < MIX_CLIENTS; c++)
		for (k = 0; k < m->ndone[c]; k++)
			model[m->done[c][k].user] += m->done[c][k].amount;
	for (u = 0; u < MIX_USERS; u++) {
		ck_assert_msg(model[u] >= 0, "model of user %u negative: %lld", u, model[u]);
		snprintf(user, sizeof(user), "%s_%u", m->prefix, u);
		lt_pending(key_write, user, "USDT", got, sizeof(got));
		/* Canonical form: trailing zeros trimmed, at least one digit. */
		snprintf(want, sizeof(want), "%lld.%06lld", model[u] / 1000000, model[u] % 1000000);
		for (k = (unsigned)strlen(want) - 1; want[k] == '0' && want[k - 1] != '.'; k--)
			want[k] = '\0';
		ck_assert_msg(strcmp(got, want) == 0, "user %u: ledger %s, model %s", u, got, want);
		if (model[u] != 0 || m->initial[u] != 0)
			assert_chain(user, "USDT");
	}
	free(m);
}
END_TEST

/* ---------------------------------------------- no deadlock across orders */

#define ORDER_CLIENTS	16
#define ORDER_USERS	50
#define ORDER_EACH	10

struct order {
	char		 prefix[LT_NAME_MAX];
	unsigned	 ok, other;
	char		 other_body[512];
};

static void
order_client(unsigned index, void *arg)
{
	struct order *o = arg;
	unsigned perm[ORDER_USERS], seed = index * 7919u + 1, i, k;

	for (i = 0; i < ORDER_EACH; i++) {
		char body[8192];
		size_t n = 0;
		struct hresp r;

		for (k = 0; k < ORDER_USERS; k++)
			perm[k] = k;
		for (k = ORDER_USERS - 1; k > 0; k--) {
			unsigned j = mix_rand(&seed) % (k + 1), t = perm[k];

			perm[k] = perm[j];
			perm[j] = t;
		}
		n += (size_t)snprintf(body + n, sizeof(body) - n, "{\"reward_batch\":{"
		    "\"activity_id\":\"order\",\"reward_type\":\"shuffle\",\"token_symbol\":"
		    "\"CPOP\"},\"recipients\":[");
		for (k = 0; k < ORDER_USERS; k++)
			n += (size_t)snprintf(body + n, sizeof(body) - n,
			    "%s{\"user_id\":\"%s_%u\",\"amount\":\"1\"}", k ? "," : "", o->prefix,
			    perm[k]);
		snprintf(body + n, sizeof(body) - n, "]}");
		if (hreq("POST", "/api/v1/rewards/distribute", key_write, "application/json", body,
		    (size_t)-1, NULL, &r) != 0) {
			__atomic_add_fetch(&o->other, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (r.status == 201)
			__atomic_add_fetch(&o->ok, 1, __ATOMIC_RELAXED);
		else if (__atomic_add_fetch(&o->other, 1, __ATOMIC_RELAXED) == 1)
			snprintf(o->other_body, sizeof(o->other_body), "%ld %s", r.status, r.body);
		hresp_free(&r);
	}
}

START_TEST(test_shuffled_rewards_no_deadlock)
{
	struct order o;
	char user[LT_NAME_MAX + 16], pending[64], want[32];
	unsigned u;

	memset(&o, 0, sizeof(o));
	lt_name(o.prefix, sizeof(o.prefix), "ord");
	ck_assert_int_eq(harness_parallel(ORDER_CLIENTS, order_client, &o), 0);
	ck_assert_msg(o.other == 0, "%u unexpected answers, first: %s", o.other, o.other_body);
	ck_assert_uint_eq(o.ok, ORDER_CLIENTS * ORDER_EACH);
	snprintf(want, sizeof(want), "%u.0", ORDER_CLIENTS * ORDER_EACH);
	for (u = 0; u < ORDER_USERS; u += 7) {
		snprintf(user, sizeof(user), "%s_%u", o.prefix, u);
		lt_pending(key_write, user, "CPOP", pending, sizeof(pending));
		ck_assert_str_eq(pending, want);
		assert_chain(user, "CPOP");
	}
}
END_TEST

/* ------------------------------------------------------------ deadline */

START_TEST(test_write_deadline)
{
	char u[LT_NAME_MAX], body[512], pending[64], hdr[16];
	struct lt_session *holder;
	struct hresp r;
	const char *timeout_text;
	uint64_t t0, took, timeout_ms;

	lt_name(u, sizeof(u), "deadline");
	lt_adjust(key_write, u, "CPOP", "10");
	holder = lt_session_open();
	lt_session_exec(holder, "START TRANSACTION", NULL);
	lt_session_exec(holder, "SELECT pending_balance FROM user_balances WHERE user_id = ?"
	    " AND token_id = (SELECT id FROM tokens WHERE symbol = 'CPOP') FOR UPDATE", u, NULL);
	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"amount\":\"-1\",\"reason_type\":\"adjustment\"}]}", u);
	t0 = harness_now_ms();
	lt_post("/api/v1/balance/adjust", key_write, NULL, body, &r);
	took = harness_now_ms() - t0;
	lt_session_exec(holder, "ROLLBACK", NULL);
	lt_session_close(holder);
	ck_assert_msg(r.status != 504, "the edge timed out after %llu ms",
	    (unsigned long long)took);
	lt_assert_error(&r, 503, "write_timeout", NULL);
	ck_assert(hresp_header(&r, "Retry-After", hdr, sizeof(hdr)));
	ck_assert_ptr_nonnull(r.json);
	timeout_text = json_object_to_json_string(json_object_object_get(
	    json_object_object_get(json_object_object_get(r.json, "error"), "details"),
	    "timeout_ms"));
	timeout_ms = strtoull(timeout_text, NULL, 10);
	ck_assert_uint_ge(timeout_ms, 1000);
	/* Answered within the write's deadline (plus the request's own
	 * trip), far inside nginx's 60 s. */
	ck_assert_msg(took <= timeout_ms + 1000, "answered after %llu ms, deadline %llu ms",
	    (unsigned long long)took, (unsigned long long)timeout_ms);
	hresp_free(&r);
	/* Nothing was written. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?",
	    u, NULL), 1);
	lt_pending(key_write, u, "CPOP", pending, sizeof(pending));
	ck_assert_str_eq(pending, "10.0");
	/* The worker's next write gets its usual lock wait and goes through. */
	lt_adjust(key_write, u, "CPOP", "-1");
	lt_pending(key_write, u, "CPOP", pending, sizeof(pending));
	ck_assert_str_eq(pending, "9.0");
}
END_TEST

static Suite *
ledger_concurrency_suite(void)
{
	Suite *s = suite_create("ledger_concurrency");
	TCase *tc;

	tc = tcase_create("no_overdraft");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_deduction_race);
	suite_add_tcase(s, tc);
	tc = tcase_create("serial_model");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_mixed_against_serial_model);
	tcase_add_test(tc, test_shuffled_rewards_no_deadlock);
	suite_add_tcase(s, tc);
	tc = tcase_create("deadline");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_write_deadline);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	key_write = harness_apikey("read,write");
	sr = srunner_create(ledger_concurrency_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_write);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
