/*
 * test_settle_reorg.c - a settlement mined, then removed by a reorg before
 * it has its confirmations (docs/settlement.md, "Confirming"): the batch
 * goes back to submitted, its stored bytes are sent again, it is mined in
 * the new chain and confirmed exactly once; balances right.  For a keyed
 * and a plain token.
 *
 * anvil 1.x: anvil_reorg(depth, []) replaces the last depth blocks with
 * empty ones at the same height and forgets their transactions entirely
 * (no receipt, not in the pool) -- checked here before the daemon is
 * trusted to notice.  Mining is paused right after the batch is mined so
 * the reorg always lands before the confirmations (4 here).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_settle_util.h"

static char conf[2 * ST_PATH_MAX];

static void
mining_on(void)
{
	st_mining(true);
}

static void
block_hash(uint64_t n, char *out, size_t cap)
{
	char params[64];
	json_object *blk, *h;

	snprintf(params, sizeof(params), "[\"0x%llx\",false]", (unsigned long long)n);
	blk = st_rpc("eth_getBlockByNumber", params);
	ck_assert(blk != NULL && json_object_object_get_ex(blk, "hash", &h));
	snprintf(out, cap, "%s", json_object_get_string(h));
	json_object_put(blk);
}

static void
reorg_case(bool keyed)
{
	char sym[32], addr[ST_ADDR_MAX], u[LT_NAME_MAX], w[ST_ADDR_MAX], batch[24];
	char hash[ST_HASH_MAX], old_block[ST_HASH_MAX], new_block[ST_HASH_MAX], params[128];
	char stored[ST_HASH_MAX], bal[ST_DEC_MAX];
	const char *users[2], *amounts[2];
	struct st_daemon d;
	uint64_t mined_at, head, depth;
	json_object *tx;

	st_token(keyed, 10, 600, 1, NULL, NULL, sym, sizeof(sym), addr);
	lt_name(u, sizeof(u), keyed ? "reorg_k" : "reorg_p");
	st_random_address(w);
	st_bind(u, w);
	st_daemon_start(&d, conf, keyed ? "reorg-k" : "reorg-p", NULL);
	ck_assert(st_log_wait(&d, "event=lease_acquired", 15000));

	users[0] = users[1] = u;
	amounts[0] = "+30";
	amounts[1] = "+3";
	ck_assert_int_eq(st_adjust(sym, users, amounts, 2, true, NULL, 0), 201);
	ck_assert(st_wait_sql(1, 30000, "SELECT COUNT(DISTINCT batch_id) FROM balance_changes"
	    " WHERE user_id = ? AND batch_id IS NOT NULL", u, NULL));
	ck_assert(lt_sql_str(batch, sizeof(batch), "SELECT batch_id FROM balance_changes"
	    " WHERE user_id = ? LIMIT 1", u, NULL));
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'mined'", batch, NULL), "not mined: see %s", d.log);
	st_mining(false);
	mined_at = lt_sql_u64("SELECT block_number FROM settlement_batches WHERE id = ?", batch,
	    NULL);
	ck_assert(lt_sql_str(hash, sizeof(hash), "SELECT CONCAT('0x', LOWER(HEX(tx_hash)))"
	    " FROM settlement_batches WHERE id = ? AND status = 'mined'", batch, NULL));
	head = st_block_number();
	ck_assert_msg(head < mined_at + 4, "confirmed before the reorg could land");
	block_hash(mined_at, old_block, sizeof(old_block));

	/* Remove the block that holds it. */
	st_log_mark(&d);
	depth = head - mined_at + 1;
	snprintf(params, sizeof(params), "[%llu,[]]", (unsigned long long)depth);
	json_object_put(st_rpc("anvil_reorg", params));
	ck_assert_uint_eq(st_block_number(), head);
	block_hash(mined_at, new_block, sizeof(new_block));
	ck_assert_str_ne(old_block, new_block);
	ck_assert_int_eq(st_receipt_status(hash), -1);
	snprintf(params, sizeof(params), "[\"%s\"]", hash);
	tx = st_rpc("eth_getTransactionByHash", params);
	ck_assert_msg(tx == NULL, "anvil kept the reorganised transaction");

	/* The daemon notices, sends the same bytes again. */
	ck_assert_msg(st_log_wait(&d, "event=batch_reorged", 15000), "no reorg seen: see %s",
	    d.log);
	ck_assert_msg(st_log_wait(&d, "event=tx_rebroadcast", 15000), "no rebroadcast: see %s",
	    d.log);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status IN ('submitted', 'mined')", batch, NULL), 1);
	mining_on();
	ck_assert_msg(st_wait_sql(1, 30000, "SELECT COUNT(*) FROM settlement_batches WHERE id = ?"
	    " AND status = 'confirmed'", batch, NULL), "not confirmed: see %s", d.log);
	/* Confirmed in the new chain, on its canonical block, once. */
	ck_assert(lt_sql_str(stored, sizeof(stored), "SELECT CONCAT('0x', LOWER(HEX(block_hash)))"
	    " FROM settlement_batches WHERE id = ?", batch, NULL));
	block_hash(lt_sql_u64("SELECT block_number FROM settlement_batches WHERE id = ?", batch,
	    NULL), new_block, sizeof(new_block));
	ck_assert_str_eq(stored, new_block);
	ck_assert_str_ne(stored, old_block);
	ck_assert_int_eq(st_receipt_status(hash), 1);
	ck_assert_uint_eq(st_log_count(&d, "event=batch_confirmed"), 1);
	st_balance_of(addr, w, bal, sizeof(bal));
	ck_assert_str_eq(bal, "33000000000000000000");
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(sym, addr, false);
}

START_TEST(test_reorg_keyed)
{
	reorg_case(true);
}
END_TEST

START_TEST(test_reorg_plain)
{
	reorg_case(false);
}
END_TEST

static Suite *
reorg_suite(void)
{
	Suite *s = suite_create("settle_reorg");
	TCase *tc = tcase_create("reorg");

	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, NULL, mining_on);
	tcase_add_test(tc, test_reorg_keyed);
	tcase_add_test(tc, test_reorg_plain);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	st_init("reorg");
	st_conf(conf, sizeof(conf), "reorg", "poll_interval_ms", "200", "lease_ttl", "2",
	    "confirmations", "4", "replace_after", "60", NULL);
	sr = srunner_create(reorg_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
