/*
 * test_settle_stuck.c - stuck and dropped transactions (docs/settlement.md,
 * "Stuck and dropped transactions"), with anvil's mining paused (automine
 * off, interval mining 0):
 *
 *	stuck	no receipt replace_after seconds after an attempt went out:
 *		the daemon signs the same nonce again with both fee caps up by
 *		at least fee_bump_percent (10 here); once mining resumes exactly
 *		one attempt is mined, the others are replaced, and the batch
 *		confirms with that attempt's hash;
 *	dropped	anvil_dropTransaction of a sent attempt: the daemon sends the
 *		stored bytes again; mined, confirmed;
 *	taken	the dropped attempt's nonce used by another transaction of the
 *		signer key: signed again with a fresh nonce, settled once.
 *
 * Mining is switched on again at the end of each case, also after a
 * failure (the parent's teardown).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_settle_util.h"

static char conf_stuck[2 * ST_PATH_MAX], conf_drop[2 * ST_PATH_MAX];

static void
mining_on(void)
{
	st_mining(true);
}

/* The batch of user's (single) change, once it exists. */
static void
batch_of(const char *user, char *out, size_t cap)
{
	ck_assert(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND batch_id IS NOT NULL", user, NULL));
	ck_assert(lt_sql_str(out, cap, "SELECT batch_id FROM balance_changes WHERE user_id = ?",
	    user, NULL));
}

START_TEST(test_stuck_replaced)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], batch[24];
	char mined[ST_HASH_MAX], hash[ST_HASH_MAX], n[24];
	const char *users[1], *amounts[1];
	struct st_daemon d;
	uint64_t attempts;

	st_token(true, 10, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	lt_name(u, sizeof(u), "stuck");
	st_random_address(w);
	st_bind(u, w);
	st_daemon_start(&d, conf_stuck, "stuck", NULL);
	ck_assert(st_log_wait(&d, "event=lease_acquired", 15000));

	st_mining(false);
	users[0] = u;
	amounts[0] = "+42";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 1, true, NULL, 0), 201);
	batch_of(u, batch, sizeof(batch));
	ck_assert(st_wait_sql(1, 15000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'submitted'", batch, NULL));
	/* replace_after is 3 s: two replacements within some 10 s. */
	ck_assert_msg(st_wait_sql(3, 20000, "SELECT COUNT(*) FROM settlement_attempts"
	    " WHERE batch_id = ?", batch, NULL), "no replacements: see %s", d.log);
	/* Same nonce, and each attempt's caps >= 110 % of the one before. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(DISTINCT nonce) FROM settlement_attempts"
	    " WHERE batch_id = ?", batch, NULL), 1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts a"
	    " JOIN settlement_attempts p ON p.batch_id = a.batch_id AND p.id ="
	    " (SELECT MAX(x.id) FROM settlement_attempts x WHERE x.batch_id = a.batch_id"
	    " AND x.id < a.id) WHERE a.batch_id = ? AND (a.max_fee_per_gas * 100 <"
	    " p.max_fee_per_gas * 110 OR a.max_priority_fee * 100 < p.max_priority_fee * 110)",
	    batch, NULL), 0);
	ck_assert_uint_ge(st_log_count(&d, "event=tx_replaced"), 2);

	mining_on();
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'confirmed'", batch, NULL), "not confirmed: see %s", d.log);
	attempts = lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts WHERE batch_id = ?",
	    batch, NULL);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts WHERE batch_id = ?"
	    " AND status = 'mined'", batch, NULL), 1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts WHERE batch_id = ?"
	    " AND status = 'replaced'", batch, NULL), attempts - 1);
	ck_assert(lt_sql_str(mined, sizeof(mined), "SELECT CONCAT('0x', LOWER(HEX(a.tx_hash)))"
	    " FROM settlement_attempts a JOIN settlement_batches b ON b.id = a.batch_id"
	    " AND b.tx_hash = a.tx_hash WHERE a.batch_id = ? AND a.status = 'mined'", batch, NULL));
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'confirmed' AND tx_hash = UNHEX(?)", u, mined + 2, NULL), 1);
	/* On chain: that one succeeded, no other attempt has a receipt. */
	ck_assert_int_eq(st_receipt_status(mined), 1);
	snprintf(n, sizeof(n), "0");
	while (lt_sql_str(n, sizeof(n), "SELECT MIN(id) FROM settlement_attempts"
	    " WHERE batch_id = ? AND status = 'replaced' AND id > ?", batch, n, NULL)) {
		ck_assert(lt_sql_str(hash, sizeof(hash), "SELECT CONCAT('0x',"
		    " LOWER(HEX(tx_hash))) FROM settlement_attempts WHERE id = ?", n, NULL));
		ck_assert_int_eq(st_receipt_status(hash), -1);
	}
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
	fprintf(stderr, "test_settle_stuck: %llu attempts, mined %s\n",
	    (unsigned long long)attempts, mined);
}
END_TEST

START_TEST(test_dropped_rebroadcast)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], batch[24];
	char hash[ST_HASH_MAX], params[128];
	const char *users[1], *amounts[1];
	struct st_daemon d;
	json_object *tx;

	st_token(false, 10, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	lt_name(u, sizeof(u), "dropped");
	st_random_address(w);
	st_bind(u, w);
	st_daemon_start(&d, conf_drop, "dropped", NULL);
	ck_assert(st_log_wait(&d, "event=lease_acquired", 15000));

	st_mining(false);
	users[0] = u;
	amounts[0] = "+7";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 1, true, NULL, 0), 201);
	batch_of(u, batch, sizeof(batch));
	ck_assert(st_wait_sql(1, 15000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'submitted'", batch, NULL));
	ck_assert(lt_sql_str(hash, sizeof(hash), "SELECT CONCAT('0x', LOWER(HEX(tx_hash)))"
	    " FROM settlement_attempts WHERE batch_id = ?", batch, NULL));
	snprintf(params, sizeof(params), "[\"%s\"]", hash);
	st_log_mark(&d);
	json_object_put(st_rpc("anvil_dropTransaction", params));
	/* The node forgot it ... */
	tx = st_rpc("eth_getTransactionByHash", params);
	ck_assert_ptr_null(tx);
	/* ... the daemon sends the stored bytes again. */
	ck_assert_msg(st_log_wait(&d, "event=tx_rebroadcast", 15000), "no rebroadcast: see %s",
	    d.log);
	tx = st_rpc("eth_getTransactionByHash", params);
	ck_assert_ptr_nonnull(tx);
	json_object_put(tx);
	mining_on();
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'confirmed' AND tx_hash = UNHEX(?)", batch, hash + 2, NULL),
	    "not confirmed with %s: see %s", hash, d.log);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts WHERE batch_id = ?",
	    batch, NULL), 1);
	ck_assert_int_eq(st_receipt_status(hash), 1);
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}
END_TEST

/*
 * A nonce taken by someone else: the daemon's attempt is dropped from the
 * pool and another transaction of the signer key takes its nonce (as an
 * operator's wallet sharing the key would).  With no receipt for any of
 * its attempts and the nonce used at the confirmation depth, the daemon
 * marks them dropped and signs the batch again with a fresh nonce: settled
 * once, on a plain token where a second execution would mint twice.
 */
START_TEST(test_nonce_taken)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], batch[24];
	char hash[ST_HASH_MAX], params[512], foreign[ST_HASH_MAX], bal[ST_DEC_MAX];
	const char *users[1], *amounts[1];
	struct st_daemon d;
	uint64_t nonce;

	st_token(false, 10, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	lt_name(u, sizeof(u), "taken");
	st_random_address(w);
	st_bind(u, w);
	st_daemon_start(&d, conf_drop, "taken", NULL);
	ck_assert(st_log_wait(&d, "event=lease_acquired", 15000));

	st_mining(false);
	users[0] = u;
	amounts[0] = "+9";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 1, true, NULL, 0), 201);
	batch_of(u, batch, sizeof(batch));
	ck_assert(st_wait_sql(1, 15000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'submitted'", batch, NULL));
	nonce = lt_sql_u64("SELECT nonce FROM settlement_batches WHERE id = ?", batch, NULL);
	ck_assert(lt_sql_str(hash, sizeof(hash), "SELECT CONCAT('0x', LOWER(HEX(tx_hash)))"
	    " FROM settlement_attempts WHERE batch_id = ?", batch, NULL));
	/* The pool forgets ours; a self-transfer of the same key, better
	 * paid, takes the nonce (and replaces ours if it was sent again). */
	snprintf(params, sizeof(params), "[\"%s\"]", hash);
	json_object_put(st_rpc("anvil_dropTransaction", params));
	snprintf(params, sizeof(params), "[{\"from\":\"%s\",\"to\":\"%s\",\"value\":\"0x0\","
	    "\"nonce\":\"0x%llx\",\"maxPriorityFeePerGas\":\"0x2540be400\","
	    "\"maxFeePerGas\":\"0x4a817c800\"}]", st_env()->signer, st_env()->signer,
	    (unsigned long long)nonce);
	st_rpc_str("eth_sendTransaction", params, foreign, sizeof(foreign));
	json_object_put(st_rpc("evm_mine", "[]"));
	ck_assert_int_eq(st_wait_receipt(foreign), 1);
	ck_assert_int_eq(st_receipt_status(hash), -1);
	mining_on();

	ck_assert_msg(st_log_wait(&d, "event=nonce_taken", 20000), "not seen: see %s", d.log);
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'confirmed'", batch, NULL), "not confirmed: see %s", d.log);
	ck_assert_uint_gt(lt_sql_u64("SELECT nonce FROM settlement_batches WHERE id = ?", batch,
	    NULL), nonce);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts WHERE batch_id = ?"
	    " AND tx_hash = UNHEX(?) AND status = 'dropped'", batch, hash + 2, NULL), 1);
	st_balance_of(addr, w, bal, sizeof(bal));
	ck_assert_str_eq(bal, "9000000000000000000");
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}
END_TEST

static Suite *
stuck_suite(void)
{
	Suite *s = suite_create("settle_stuck");
	TCase *tc = tcase_create("stuck");

	tcase_set_timeout(tc, 300);
	/* Runs in the parent after each case, whatever became of it. */
	tcase_add_unchecked_fixture(tc, NULL, mining_on);
	tcase_add_test(tc, test_stuck_replaced);
	tcase_add_test(tc, test_dropped_rebroadcast);
	tcase_add_test(tc, test_nonce_taken);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	st_init("stuck");
	st_conf(conf_stuck, sizeof(conf_stuck), "stuck", "poll_interval_ms", "200", "lease_ttl",
	    "2", "confirmations", "2", "replace_after", "3", "fee_bump_percent", "10", NULL);
	st_conf(conf_drop, sizeof(conf_drop), "dropped", "poll_interval_ms", "200", "lease_ttl",
	    "2", "confirmations", "2", "replace_after", "120", NULL);
	sr = srunner_create(stuck_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
