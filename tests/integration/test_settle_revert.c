/*
 * test_settle_revert.c - reverts (docs/settlement.md, "Submitting",
 * "Confirming"), with max_settle_attempts 2:
 *
 *	pre-flight	the signer lost MINTER_ROLE: the pre-flight refuses the
 *			batch with the decoded reason, nothing is sent, the
 *			changes go back to be settled, then fail at the limit;
 *			the role granted again and the change re-queued with
 *			`chainbridge-admin settlement requeue --change`, it
 *			settles; the command refuses a change that is not failed;
 *	on chain	the role is revoked after the attempt was sent (mining
 *			paused, the revocation with a higher tip in the same
 *			block): the attempt is mined with status 0, the reason
 *			is recorded, the changes return, the retry is refused by
 *			the pre-flight and fails at the limit; re-queued with
 *			--batch after the grant, settled.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "test_settle_util.h"

static char conf[2 * ST_PATH_MAX];

static void
mining_on(void)
{
	st_mining(true);
}

/* chainbridge-admin -c conf settlement requeue --what id; its exit status
 * and stdout. */
static int
requeue(const char *what, const char *id, char *out, size_t cap)
{
	char opt[16];
	const char *argv[] = { st_env()->admin, "-c", st_env()->conf, "settlement", "requeue",
	    opt, id, NULL };

	snprintf(opt, sizeof(opt), "--%s", what);
	return harness_run(argv, out, cap);
}

START_TEST(test_preflight_refusal)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], tid[24], change[24];
	char err[256], out[512];
	const char *users[1], *amounts[1];
	struct st_daemon d;

	st_token(true, 10, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	snprintf(tid, sizeof(tid), "%llu", (unsigned long long)st_token_id(sym));
	lt_name(u, sizeof(u), "refused");
	st_random_address(w);
	st_bind(u, w);
	st_role(addr, "MINTER_ROLE", false);
	st_daemon_start(&d, conf, "refusal", NULL);
	users[0] = u;
	amounts[0] = "+10";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 1, true, NULL, 0), 201);
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'failed' AND settle_attempts = 2", u, NULL),
	    "not failed at the limit: see %s", d.log);
	ck_assert(lt_sql_str(err, sizeof(err), "SELECT settle_error FROM balance_changes"
	    " WHERE user_id = ?", u, NULL));
	ck_assert_msg(strstr(err, "AccessControlUnauthorizedAccount") != NULL &&
	    strstr(err, "MINTER_ROLE") != NULL, "settle_error: %s", err);
	/* Two refused batches, nothing ever signed or sent for the token. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches WHERE token_id = ?"
	    " AND status = 'failed' AND revert_count = 1 AND nonce IS NULL"
	    " AND last_error LIKE 'pre-flight: AccessControlUnauthorizedAccount%'", tid, NULL), 2);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts a"
	    " JOIN settlement_batches b ON b.id = a.batch_id WHERE b.token_id = ?", tid, NULL), 0);

	/* Back on its feet: the role, then the operator's re-queue. */
	st_role(addr, "MINTER_ROLE", true);
	ck_assert(lt_sql_str(change, sizeof(change), "SELECT id FROM balance_changes"
	    " WHERE user_id = ?", u, NULL));
	ck_assert_int_eq(requeue("change", change, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "re-queued 1 change") != NULL, "%s", out);
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'confirmed' AND settle_attempts = 0", u, NULL),
	    "not settled after requeue: see %s", d.log);
	/* Anything but failed is refused, and nothing changes. */
	ck_assert_int_ne(requeue("change", change, NULL, 0), 0);
	ck_assert_int_ne(requeue("change", "999999999999", NULL, 0), 0);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM balance_changes WHERE id = ?"
	    " AND status = 'confirmed'", change, NULL), 1);
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}
END_TEST

/* The signer's transaction in the latest block. */
static void
signer_tx_of_latest(char *out, size_t cap)
{
	json_object *blk, *txs, *tx, *v;
	size_t i;

	out[0] = '\0';
	blk = st_rpc("eth_getBlockByNumber", "[\"latest\",true]");
	ck_assert(blk != NULL && json_object_object_get_ex(blk, "transactions", &txs));
	for (i = 0; i < json_object_array_length(txs); i++) {
		tx = json_object_array_get_idx(txs, i);
		if (json_object_object_get_ex(tx, "from", &v) &&
		    strcasecmp(json_object_get_string(v), st_env()->signer) == 0 &&
		    json_object_object_get_ex(tx, "hash", &v))
			snprintf(out, cap, "%s", json_object_get_string(v));
	}
	json_object_put(blk);
	ck_assert_msg(out[0] != '\0', "no signer transaction in the latest block");
}

START_TEST(test_onchain_revert)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], tid[24];
	char first[24], last[24], hash[ST_HASH_MAX], data[512], role[ST_HASH_MAX];
	char params[1024], revoke[ST_HASH_MAX], err[256], out[512];
	const char *users[1], *amounts[1];
	struct st_daemon d;

	st_token(false, 10, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	snprintf(tid, sizeof(tid), "%llu", (unsigned long long)st_token_id(sym));
	lt_name(u, sizeof(u), "reverted");
	st_random_address(w);
	st_bind(u, w);
	st_daemon_start(&d, conf, "onchain", NULL);
	ck_assert(st_log_wait(&d, "event=lease_acquired", 15000));

	st_mining(false);
	users[0] = u;
	amounts[0] = "+25";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 1, true, NULL, 0), 201);
	ck_assert_msg(st_wait_sql(1, 15000, "SELECT COUNT(*) FROM settlement_batches"
	    " WHERE token_id = ? AND status = 'submitted'", tid, NULL), "not sent: see %s", d.log);
	ck_assert(lt_sql_str(first, sizeof(first), "SELECT id FROM settlement_batches"
	    " WHERE token_id = ?", tid, NULL));
	/* The revocation goes first in the same block: a higher tip. */
	st_calldata(data, sizeof(data), "MINTER_ROLE()", NULL);
	snprintf(params, sizeof(params), "[{\"to\":\"%s\",\"data\":\"%s\"},\"latest\"]", addr, data);
	st_rpc_str("eth_call", params, role, sizeof(role));
	st_calldata(data, sizeof(data), "revokeRole(bytes32,address)", role, st_env()->signer,
	    NULL);
	snprintf(params, sizeof(params), "[{\"from\":\"%s\",\"to\":\"%s\",\"data\":\"%s\","
	    "\"maxPriorityFeePerGas\":\"0x2540be400\",\"maxFeePerGas\":\"0x4a817c800\"}]",
	    st_env()->deployer, addr, data);
	st_rpc_str("eth_sendTransaction", params, revoke, sizeof(revoke));
	json_object_put(st_rpc("evm_mine", "[]"));
	ck_assert_int_eq(st_wait_receipt(revoke), 1);
	/* Whichever attempt of the batch the block took (a replacement may
	 * have gone out meanwhile), it reverted. */
	signer_tx_of_latest(hash, sizeof(hash));
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts WHERE batch_id = ?"
	    " AND tx_hash = UNHEX(?)", first, hash + 2, NULL), 1);
	ck_assert_int_eq(st_wait_receipt(hash), 0);
	mining_on();

	/* At depth: failed with the reason, changes back, then the retry is
	 * refused by the pre-flight and the change fails at the limit. */
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'failed' AND revert_count = 1", first, NULL),
	    "revert not recorded: see %s", d.log);
	ck_assert(lt_sql_str(err, sizeof(err), "SELECT last_error FROM settlement_batches"
	    " WHERE id = ?", first, NULL));
	ck_assert_msg(strncmp(err, "reverted in 0x", 14) == 0 &&
	    strstr(err, "AccessControlUnauthorizedAccount") != NULL, "last_error: %s", err);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts WHERE batch_id = ?"
	    " AND status = 'mined'", first, NULL), 1);
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'failed' AND settle_attempts = 2", u, NULL),
	    "not failed at the limit: see %s", d.log);
	ck_assert(lt_sql_str(last, sizeof(last), "SELECT batch_id FROM balance_changes"
	    " WHERE user_id = ?", u, NULL));
	ck_assert_str_ne(last, first);
	ck_assert_uint_eq(st_log_count(&d, "event=batch_reverted"), 1);

	/* The grant and the re-queue of the batch: settled. */
	st_role(addr, "MINTER_ROLE", true);
	ck_assert_int_eq(requeue("batch", last, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "re-queued 1 change") != NULL, "%s", out);
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM balance_changes WHERE user_id = ?"
	    " AND status = 'confirmed'", u, NULL), "not settled after requeue: see %s", d.log);
	ck_assert_int_ne(requeue("batch", last, NULL, 0), 0);
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}
END_TEST

static Suite *
revert_suite(void)
{
	Suite *s = suite_create("settle_revert");
	TCase *tc = tcase_create("revert");

	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, NULL, mining_on);
	tcase_add_test(tc, test_preflight_refusal);
	tcase_add_test(tc, test_onchain_revert);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	st_init("revert");
	/* replace_after 1: a reverted change waits 1 s, then 2 s, before a
	 * new cut. */
	st_conf(conf, sizeof(conf), "revert", "poll_interval_ms", "200", "lease_ttl", "2",
	    "confirmations", "2", "replace_after", "1", "max_settle_attempts", "2", NULL);
	sr = srunner_create(revert_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
