/*
 * test_settle_batching.c - the batcher and the pre-flight end to end
 * (docs/settlement.md, "When a batch is cut", "The cut", "Submitting"):
 * each trigger of the strategy and the stored trigger reason,
 * min_batch_size holding a priority change back, netting per wallet
 * (one mint item of 65 for +100 -40 +5, a net-zero wallet settled without
 * a transaction, mints before burns in a round), awaiting_wallet and its
 * release on binding, a burn whose wallet moved its tokens away on chain
 * failing alone while the rest of its batch settles, and what the API
 * shows of it all (/healthz, /metrics).
 *
 * Real MariaDB, anvil and a chainbridge-chaind process of this test's
 * own; the chain is read through plain JSON-RPC and cast.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_settle_util.h"

/* anvil's eighth default account: a wallet the test can spend from. */
#define DEV_WALLET_HEX	"14dc79964da2c08b23698b3d3cc7ca32193d9955"
#define DEV_WALLET	"0x" DEV_WALLET_HEX

static char conf[2 * ST_PATH_MAX];

static void
daemon_up(struct st_daemon *d)
{
	st_daemon_start(d, conf, "batching", NULL);
	ck_assert_msg(st_log_wait(d, "event=lease_acquired", 15000), "no lease: see %s", d->log);
}

/* A fresh user with a fresh random wallet. */
static void
user_with_wallet(const char *tag, char *user, char *wallet)
{
	lt_name(user, LT_NAME_MAX, tag);
	st_random_address(wallet);
	st_bind(user, wallet);
}

/* One change of user with a reason. */
static void
change(const char *sym, const char *user, const char *amount, const char *reason, bool high)
{
	char body[1024];
	struct hresp r;

	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\",\"token_symbol\":"
	    "\"%s\",\"amount\":\"%s\",\"reason_type\":\"%s\",\"reason_detail\":\"t\"}],"
	    "\"priority\":\"%s\"}", user, sym, amount, reason, high ? "high" : "normal");
	lt_post("/api/v1/balance/adjust", st_env()->write_key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "adjust: %ld %s", r.status, r.body);
	hresp_free(&r);
}

/* Waits until every change of user is confirmed. */
static void
wait_user_confirmed(const char *user, unsigned ms)
{
	ck_assert_msg(st_wait_sql(0, ms, "SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status <> 'confirmed'", user, NULL), "changes of %s not confirmed", user);
}

/* The trigger reason of the batch that took user's changes. */
static void
trigger_of(const char *user, char *out, size_t cap)
{
	ck_assert_msg(lt_sql_str(out, cap, "SELECT b.trigger_reason FROM balance_changes c"
	    " JOIN settlement_batches b ON b.id = c.batch_id WHERE c.user_id = ?"
	    " ORDER BY c.id LIMIT 1", user, NULL), "no batch for %s", user);
}

/* 1. Each trigger, in the rule's order, and the stored reason. */
START_TEST(test_triggers)
{
	char sym[32], addr[ST_ADDR_MAX], u[6][LT_NAME_MAX], w[ST_ADDR_MAX], trig[64];
	struct st_daemon d;
	size_t i;

	st_token(true, 3, 600, 2, "50.0", "refund", sym, sizeof(sym), addr);
	for (i = 0; i < 6; i++)
		user_with_wallet("trig", u[i], w);
	daemon_up(&d);

	/* min_batch_size holds a priority change back ... */
	change(sym, u[0], "1.0", "adjustment", true);
	harness_sleep_ms(3000);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches b JOIN tokens t"
	    " ON t.id = b.token_id WHERE t.symbol = ?", sym, NULL), 0);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'recorded'", u[0], NULL), 1);
	/* ... until the second change: then priority cuts. */
	change(sym, u[0], "1.0", "adjustment", false);
	wait_user_confirmed(u[0], 30000);
	trigger_of(u[0], trig, sizeof(trig));
	ck_assert_str_eq(trig, "priority");

	/* max_batch_size: three small normal changes. */
	change(sym, u[1], "1.0", "adjustment", false);
	change(sym, u[1], "1.0", "adjustment", false);
	change(sym, u[1], "1.0", "adjustment", false);
	wait_user_confirmed(u[1], 30000);
	trigger_of(u[1], trig, sizeof(trig));
	ck_assert_str_eq(trig, "max_batch_size");

	/* value_threshold: two normal changes worth more than 50. */
	change(sym, u[2], "30.0", "adjustment", false);
	change(sym, u[2], "30.0", "adjustment", false);
	wait_user_confirmed(u[2], 30000);
	trigger_of(u[2], trig, sizeof(trig));
	ck_assert_str_eq(trig, "value_threshold");

	/* A priority reason of the strategy. */
	change(sym, u[3], "1.0", "refund", false);
	change(sym, u[3], "1.0", "adjustment", false);
	wait_user_confirmed(u[3], 30000);
	trigger_of(u[3], trig, sizeof(trig));
	ck_assert_str_eq(trig, "priority");

	/* max_wait: one change below min_batch_size, after 3 s. */
	st_strategy(sym, 3, 3, 2, "50.0", "refund");
	change(sym, u[4], "1.0", "adjustment", false);
	harness_sleep_ms(1000);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'recorded'", u[4], NULL), 1);
	wait_user_confirmed(u[4], 30000);
	trigger_of(u[4], trig, sizeof(trig));
	ck_assert_str_eq(trig, "max_wait");

	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}
END_TEST

/* 2. Netting per wallet, a net-zero wallet, mints before burns. */
START_TEST(test_netting)
{
	char sym[32], addr[ST_ADDR_MAX], a[LT_NAME_MAX], z[LT_NAME_MAX], m[LT_NAME_MAX];
	char n[LT_NAME_MAX], wa[ST_ADDR_MAX], wz[ST_ADDR_MAX], wm[ST_ADDR_MAX], wn[ST_ADDR_MAX];
	char amount[ST_DEC_MAX], round1[24], round2[24];
	const char *users[3], *amounts[3];
	struct st_daemon d;

	st_token(false, 50, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	user_with_wallet("net_a", a, wa);
	user_with_wallet("net_z", z, wz);
	user_with_wallet("net_m", m, wm);
	user_with_wallet("net_n", n, wn);
	daemon_up(&d);

	/* +100, -40, +5 for one wallet in one request: one mint item of 65. */
	users[0] = users[1] = users[2] = a;
	amounts[0] = "+100";
	amounts[1] = "-40";
	amounts[2] = "+5";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 3, true, NULL, 0), 201);
	wait_user_confirmed(a, 30000);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(DISTINCT batch_id) FROM balance_changes"
	    " WHERE user_id = ?", a, NULL), 1);
	ck_assert(lt_sql_str(amount, sizeof(amount), "SELECT i.amount FROM settlement_items i"
	    " JOIN settlement_batches b ON b.id = i.batch_id JOIN balance_changes c"
	    " ON c.batch_id = b.id WHERE c.user_id = ? AND b.op = 'mint' LIMIT 1", a, NULL));
	ck_assert_str_eq(amount, "65000000000000000000");
	ck_assert_uint_eq(lt_sql_u64("SELECT items_count FROM settlement_batches b"
	    " JOIN balance_changes c ON c.batch_id = b.id WHERE c.user_id = ? LIMIT 1", a, NULL),
	    1);

	/* +10 and -10: settled without any chain operation. */
	users[0] = users[1] = z;
	amounts[0] = "+10";
	amounts[1] = "-10";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 2, true, NULL, 0), 201);
	wait_user_confirmed(z, 30000);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND netted AND batch_id IS NULL AND tx_hash IS NULL", z, NULL), 2);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_items"
	    " WHERE wallet = UNHEX(?)", wz + 2, NULL), 0);

	/* m holds 50; then m -20 and n +30 in one request: a mint and a burn
	 * of one round, the mint first by id, nonce and block. */
	users[0] = m;
	amounts[0] = "+50";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 1, true, NULL, 0), 201);
	wait_user_confirmed(m, 30000);
	users[0] = m;
	amounts[0] = "-20";
	users[1] = n;
	amounts[1] = "+30";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 2, true, NULL, 0), 201);
	wait_user_confirmed(m, 30000);
	wait_user_confirmed(n, 30000);
	ck_assert(lt_sql_str(round1, sizeof(round1), "SELECT b.round_id FROM settlement_batches b"
	    " JOIN balance_changes c ON c.batch_id = b.id WHERE c.user_id = ? AND c.amount < 0",
	    m, NULL));
	ck_assert(lt_sql_str(round2, sizeof(round2), "SELECT b.round_id FROM settlement_batches b"
	    " JOIN balance_changes c ON c.batch_id = b.id WHERE c.user_id = ?", n, NULL));
	ck_assert_str_eq(round1, round2);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches mb"
	    " JOIN settlement_batches bb ON bb.round_id = mb.round_id"
	    " WHERE mb.round_id = ? AND mb.op = 'mint' AND bb.op = 'burn'"
	    " AND mb.id < bb.id AND mb.nonce < bb.nonce AND mb.block_number <= bb.block_number"
	    " AND mb.status = 'confirmed' AND bb.status = 'confirmed'", round1, NULL), 1);

	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}
END_TEST

/* 3. No wallet: awaiting_wallet, visibly; released and settled on binding. */
START_TEST(test_awaiting_wallet)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], chain[ST_DEC_MAX];
	char line[128];
	struct st_daemon d;

	st_token(true, 50, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	lt_name(u, sizeof(u), "nowallet");
	daemon_up(&d);
	change(sym, u, "12.5", "adjustment", true);
	ck_assert_msg(st_wait_sql(1, 10000, "SELECT COUNT(*) FROM balance_changes"
	    " WHERE user_id = ? AND status = 'awaiting_wallet'", u, NULL), "not awaiting_wallet");
	harness_sleep_ms(1500);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'awaiting_wallet' AND batch_id IS NULL", u, NULL), 1);
	st_random_address(w);
	st_bind(u, w);
	wait_user_confirmed(u, 30000);
	st_balance_of(addr, w, chain, sizeof(chain));
	ck_assert_str_eq(chain, "12500000000000000000");
	snprintf(line, sizeof(line), "event=awaiting_wallet chain=local token=%s ", sym);
	ck_assert_uint_eq(st_log_count(&d, line), 2);
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}
END_TEST

/* 4. Burns, and the pre-flight: a wallet that moved its tokens away fails
 * alone with onchain_balance_insufficient; the rest of its batch settles. */
START_TEST(test_burn_preflight)
{
	char sym[32], addr[ST_ADDR_MAX], x[LT_NAME_MAX], y[LT_NAME_MAX], z[LT_NAME_MAX];
	char wy[ST_ADDR_MAX], wz[ST_ADDR_MAX], other[ST_ADDR_MAX], data[512], hash[ST_HASH_MAX];
	char bal[ST_DEC_MAX], subject[160];
	const char *users[3], *amounts[3];
	struct st_daemon d;
	uint64_t batch;
	char bs[24];

	st_token(true, 50, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	lt_name(x, sizeof(x), "short");
	lt_sql_exec("DELETE FROM wallets WHERE chain_id = 31337 AND address = UNHEX(?)",
	    DEV_WALLET_HEX, NULL);
	st_bind(x, DEV_WALLET);
	user_with_wallet("burn_y", y, wy);
	user_with_wallet("burn_z", z, wz);
	daemon_up(&d);
	users[0] = x;
	users[1] = y;
	users[2] = z;
	amounts[0] = amounts[1] = amounts[2] = "+100";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 3, true, NULL, 0), 201);
	wait_user_confirmed(x, 30000);
	wait_user_confirmed(y, 30000);
	wait_user_confirmed(z, 30000);

	/* x's wallet sends its tokens elsewhere, outside the ledger. */
	st_random_address(other);
	st_calldata(data, sizeof(data), "transfer(address,uint256)", other,
	    "100000000000000000000", NULL);
	st_send(DEV_WALLET, addr, data, hash, sizeof(hash));
	ck_assert_int_eq(st_wait_receipt(hash), 1);
	st_balance_of(addr, DEV_WALLET, bal, sizeof(bal));
	ck_assert_str_eq(bal, "0");

	amounts[0] = amounts[1] = amounts[2] = "-30";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 3, true, NULL, 0), 201);
	wait_user_confirmed(y, 30000);
	wait_user_confirmed(z, 30000);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND amount < 0 AND status = 'failed' AND settle_error = 'onchain_balance_insufficient'"
	    " AND batch_id IS NULL", x, NULL), 1);
	/* The burn batch went on with y and z only. */
	batch = lt_sql_u64("SELECT batch_id FROM balance_changes WHERE user_id = ? AND amount < 0",
	    y, NULL);
	snprintf(bs, sizeof(bs), "%llu", (unsigned long long)batch);
	ck_assert_uint_eq(lt_sql_u64("SELECT items_count FROM settlement_batches WHERE id = ?"
	    " AND status = 'confirmed' AND op = 'burn'", bs, NULL), 2);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_items WHERE batch_id = ?"
	    " AND wallet = UNHEX(?)", bs, DEV_WALLET_HEX, NULL), 0);
	st_balance_of(addr, wy, bal, sizeof(bal));
	ck_assert_str_eq(bal, "70000000000000000000");
	st_balance_of(addr, wz, bal, sizeof(bal));
	ck_assert_str_eq(bal, "70000000000000000000");
	/* x's ledger still holds 100 settled, the chain 0: reported as drift
	 * (never "fixed"); y and z agree with the chain. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM user_balances ub JOIN tokens t"
	    " ON t.id = ub.token_id WHERE ub.user_id = ? AND t.symbol = ?"
	    " AND ub.confirmed_balance = 100000000000000000000"
	    " AND ub.pending_balance = 70000000000000000000", x, sym, NULL), 1);
	snprintf(subject, sizeof(subject), "token:%s:holder:%s", addr, DEV_WALLET);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM consistency_issues"
	    " WHERE kind = 'ledger' AND subject = ? AND resolved_at IS NULL"
	    " AND expected = '100000000000000000000' AND actual = '0'", subject, NULL), 1);
	snprintf(subject, sizeof(subject), "token:%s:holder:%s", addr, wy);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM consistency_issues"
	    " WHERE kind = 'ledger' AND subject = ? AND resolved_at IS NULL", subject, NULL), 0);
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	/* The others agree with the chain; x is the drift the test made. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes c JOIN tokens t"
	    " ON t.id = c.token_id WHERE t.symbol = ? AND c.status NOT IN ('confirmed', 'failed')",
	    sym, NULL), 0);
	snprintf(subject, sizeof(subject), "event=item_failed chain=local batch=%s token=%s ",
	    bs, sym);
	ck_assert_uint_eq(st_log_count(&d, subject), 1);
}
END_TEST

/* The API shows settlement from the store: /healthz per chain, /metrics. */
START_TEST(test_health_and_metrics)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], holder[64];
	struct st_daemon d;
	struct hresp r;
	json_object *arr, *c, *v;
	const char *s;
	size_t i;

	st_token(true, 50, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	user_with_wallet("metrics", u, w);
	daemon_up(&d);
	change(sym, u, "3.0", "adjustment", true);
	wait_user_confirmed(u, 30000);
	/* The counters reach the store with the daemon's next heartbeat. */
	harness_sleep_ms(1500);
	snprintf(holder, sizeof(holder), ":%ld:", (long)d.pid);
	lt_get("/healthz", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_object_object_get_ex(r.json, "settlement", &arr));
	for (c = NULL, i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		if (json_object_object_get_ex(e, "chain_id", &v) && json_object_get_int64(v) == 31337)
			c = e;
	}
	ck_assert_msg(c != NULL, "no settlement entry for chain 31337: %s", r.body);
	ck_assert_str_eq(lt_str(c, "daemon"), "active");
	ck_assert_msg((s = lt_str(c, "holder")) != NULL && strstr(s, holder) != NULL,
	    "holder %s, want one with %s", s != NULL ? s : "(null)", holder);
	ck_assert(json_object_object_get_ex(c, "lag_seconds", &v) &&
	    json_object_is_type(v, json_type_int));
	hresp_free(&r);
	lt_get("/metrics", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "chainbridge_chaind_lease_held{chain_id=\"31337\"} 1\n") != NULL);
	ck_assert(strstr(r.body, "chainbridge_settlement_confirmation_seconds_bucket{"
	    "chain_id=\"31337\",le=\"+Inf\"}") != NULL);
	ck_assert(strstr(r.body, "chainbridge_settlement_attempts_total{chain_id=\"31337\","
	    "kind=\"first\"}") != NULL);
	ck_assert(strstr(r.body, "chainbridge_signer_min_balance_wei{chain_id=\"31337\"}") != NULL);
	ck_assert(strstr(r.body, "chainbridge_settlement_oldest_pending_seconds") != NULL);
	hresp_free(&r);

	/* Stopped: its lease released, no daemon holds the chain. */
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	lt_get("/healthz", NULL, &r);
	ck_assert_msg(strstr(r.body, "\"daemon\":\"none\"") != NULL, "%s", r.body);
	hresp_free(&r);
	lt_get("/metrics", NULL, &r);
	ck_assert(strstr(r.body, "chainbridge_chaind_lease_held{chain_id=\"31337\"} 0\n") != NULL);
	hresp_free(&r);
}
END_TEST

static Suite *
batching_suite(void)
{
	Suite *s = suite_create("settle_batching");
	TCase *tc = tcase_create("batcher");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_triggers);
	tcase_add_test(tc, test_netting);
	tcase_add_test(tc, test_awaiting_wallet);
	tcase_add_test(tc, test_burn_preflight);
	tcase_add_test(tc, test_health_and_metrics);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	st_init("batching");
	st_conf(conf, sizeof(conf), "batching", "poll_interval_ms", "200", "lease_ttl", "2",
	    "confirmations", "2", NULL);
	sr = srunner_create(batching_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
