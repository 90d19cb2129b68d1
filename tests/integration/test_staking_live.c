/*
 * test_staking_live.c - the rewards route against the real StakingPool on
 * the stack's anvil: a dev account gets CPOP minted by the signer (which
 * holds MINTER_ROLE), approves the pool, stakes twice, claims and unstakes
 * with cast, a block apart each; the events of those receipts go into the
 * chain index tables (the syncer's job, done here by hand), and
 * GET /staking/31337/users/{address}/rewards must equal the contract's
 * earned(user) called at the block the route names - and stakedOf, the
 * claimed total, the stake ids and the claims list must match too.
 *
 * When the chain daemon runs (CHAINBRIDGE_CHAIND_PID set) it syncs the
 * events itself: the test then writes nothing and waits for the synced
 * block to pass its last transaction.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "money/u256.h"
#include "test_chain_util.h"

/* keccak-256 of the StakingPool events (contracts/README.md). */
#define STAKED_T0	"0x1449c6dd7851abc30abf37f57715f492010519147cc2652fbc38202c18a6ee90"
#define UNSTAKED_T0	"0x7fc4727e062e336010f2c282598ef5f14facb3de68cf8195c2f23e1454b2b74e"
#define CLAIMED_T0	"0xfc30cddea38e2bf4d6ea7d3f9ed3b6ad7f176419f4963bd81318067a4aee73fe"
/* anvil's seventh development account, unlocked; no other test uses it. */
#define STAKER_HEX	"976EA74026E726554dB657fA54763abd0C3a0aa9"
#define STAKER		"0x" STAKER_HEX
#define E18		"000000000000000000"
/* Seconds between two actions, so every segment earns something. */
#define PAUSE_S		2
#define SYNC_WAIT_MS	60000

static char *key_read;

/* One StakingPool event taken from a receipt. */
struct pool_event {
	char		 tx[67];		/* 0x + 64 */
	char		 log_index[24];
	char		 block[24];
	char		 amount[U256_DEC_MAX];
	char		 ts[24];		/* Staked/Unstaked: the event's timestamp */
};

/* Rows this test wrote, to remove them again. */
static bool wrote_rows;
static bool wrote_checkpoint;
static char blocks_written[2][24];
static unsigned nblocks_written;
static struct pool_event ev_stake1, ev_stake2, ev_claim, ev_unstake;

/* Decimal text of the 32-byte data word at index w of a hex data string. */
static void
data_word(const char *data, unsigned w, char *out, size_t cap)
{
	char word[2 + 64 + 1] = "0x";
	u256 v;

	ck_assert(strlen(data) >= 2 + 64 * (w + 1));
	memcpy(word + 2, data + 2 + 64 * w, 64);
	word[66] = '\0';
	ck_assert(u256_from_hex_lenient(&v, word, 66) == 0);
	ck_assert(u256_to_dec(&v, out, cap) > 0);
}

/* Finds the pool's event with topic0 in a cast receipt and fills ev. */
static void
find_event(json_object *receipt, const char *topic0, struct pool_event *ev)
{
	const char *pool = harness_getenv("STAKING_ADDRESS");
	json_object *logs, *l, *topics, *v;
	size_t i, n;

	ck_assert(json_object_object_get_ex(receipt, "logs", &logs));
	n = json_object_array_length(logs);
	for (i = 0; i < n; i++) {
		l = json_object_array_get_idx(logs, i);
		if (!json_object_object_get_ex(l, "address", &v) ||
		    strcasecmp(json_object_get_string(v), pool) != 0)
			continue;
		ck_assert(json_object_object_get_ex(l, "topics", &topics));
		if (strcasecmp(json_object_get_string(json_object_array_get_idx(topics, 0)),
		    topic0) != 0)
			continue;
		ck_assert(json_object_object_get_ex(l, "transactionHash", &v));
		ct_lower(ev->tx, sizeof(ev->tx), json_object_get_string(v));
		snprintf(ev->log_index, sizeof(ev->log_index), "%" PRIu64,
		    ct_quantity(l, "logIndex"));
		snprintf(ev->block, sizeof(ev->block), "%" PRIu64, ct_quantity(l, "blockNumber"));
		ck_assert(json_object_object_get_ex(l, "data", &v));
		data_word(json_object_get_string(v), 0, ev->amount, sizeof(ev->amount));
		if (strcmp(topic0, CLAIMED_T0) != 0)
			data_word(json_object_get_string(v), 1, ev->ts, sizeof(ev->ts));
		else
			snprintf(ev->ts, sizeof(ev->ts), "%" PRIu64,
			    ct_block_time(strtoull(ev->block, NULL, 10)));
		return;
	}
	ck_abort_msg("no event %s in the receipt", topic0);
}

/* Sends from the staker to the pool and takes the event out of it. */
static void
pool_action(const char *sig, const char *arg, const char *topic0, struct pool_event *ev)
{
	json_object *receipt;

	receipt = arg != NULL ? ct_send(STAKER, harness_getenv("STAKING_ADDRESS"), sig, arg, NULL) :
	    ct_send(STAKER, harness_getenv("STAKING_ADDRESS"), sig, NULL);
	find_event(receipt, topic0, ev);
	json_object_put(receipt);
}

/* Writes the block n (hash, parent, time as the node has them). */
static void
write_block(uint64_t n)
{
	char out[CT_OUT_MAX], num[24], ts[24], hash[67], parent[67];
	json_object *b, *v;

	snprintf(num, sizeof(num), "%" PRIu64, n);
	ck_assert(ct_cast(out, sizeof(out), "block", num, "--json", "--rpc-url",
	    harness_getenv("ETH_RPC_URL"), NULL) == 0);
	ck_assert((b = json_tokener_parse(out)) != NULL);
	ck_assert(json_object_object_get_ex(b, "hash", &v));
	ct_lower(hash, sizeof(hash), json_object_get_string(v));
	ck_assert(json_object_object_get_ex(b, "parentHash", &v));
	ct_lower(parent, sizeof(parent), json_object_get_string(v));
	snprintf(ts, sizeof(ts), "%" PRIu64, ct_quantity(b, "timestamp"));
	json_object_put(b);
	if (lt_sql_exec("INSERT IGNORE INTO blocks (chain_id, number, hash, parent_hash, timestamp)"
	    " VALUES (" CT_STACK_CHAIN_ID ", ?, UNHEX(?), UNHEX(?), ?)", num, hash + 2, parent + 2,
	    ts, NULL) == 1 && nblocks_written < 2)
		snprintf(blocks_written[nblocks_written++], 24, "%s", num);
}

static void
write_stake(const struct pool_event *ev, const char *remaining)
{
	lt_sql_exec("INSERT INTO stakes (chain_id, tx_hash, log_index, pool_address, user_addr,"
	    " amount, remaining, staked_at, block_number) VALUES (" CT_STACK_CHAIN_ID
	    ", UNHEX(?), ?, UNHEX(?), UNHEX(?), ?, ?, ?, ?)", ev->tx + 2, ev->log_index,
	    harness_getenv("STAKING_ADDRESS") + 2, STAKER_HEX, ev->amount, remaining, ev->ts,
	    ev->block, NULL);
}

/* The syncer's part for this test's transactions, up to block head. */
static void
write_rows(uint64_t head)
{
	char num[24];

	wrote_rows = true;
	/* How an unstake is split over the stakes is the syncer's business;
	 * these rows take it from the newest: 100 of the first stay, 20 of
	 * the second. */
	write_stake(&ev_stake1, "100" E18);
	write_stake(&ev_stake2, "20" E18);
	lt_sql_exec("INSERT INTO unstakes (chain_id, tx_hash, log_index, pool_address, user_addr,"
	    " amount, unstaked_at, block_number) VALUES (" CT_STACK_CHAIN_ID ", UNHEX(?), ?,"
	    " UNHEX(?), UNHEX(?), ?, ?, ?)", ev_unstake.tx + 2, ev_unstake.log_index,
	    harness_getenv("STAKING_ADDRESS") + 2, STAKER_HEX, ev_unstake.amount, ev_unstake.ts,
	    ev_unstake.block, NULL);
	/* The claim's time comes from its stored block (claimed_at NULL). */
	lt_sql_exec("INSERT INTO reward_claims (chain_id, tx_hash, log_index, pool_address,"
	    " user_addr, amount, block_number) VALUES (" CT_STACK_CHAIN_ID ", UNHEX(?), ?,"
	    " UNHEX(?), UNHEX(?), ?, ?)", ev_claim.tx + 2, ev_claim.log_index,
	    harness_getenv("STAKING_ADDRESS") + 2, STAKER_HEX, ev_claim.amount, ev_claim.block,
	    NULL);
	write_block(strtoull(ev_claim.block, NULL, 10));
	write_block(head);
	snprintf(num, sizeof(num), "%" PRIu64, head);
	wrote_checkpoint = lt_sql_exec("INSERT IGNORE INTO sync_checkpoints (chain_id, last_block)"
	    " VALUES (" CT_STACK_CHAIN_ID ", ?)", num, NULL) == 1;
	ck_assert_msg(wrote_checkpoint, "a checkpoint of chain 31337 exists without a syncer");
}

/* Removes what write_rows wrote (also after a failed case). */
static void
remove_rows(void)
{
	const struct pool_event *evs[] = { &ev_stake1, &ev_stake2 };
	unsigned i;

	if (!wrote_rows)
		return;
	for (i = 0; i < 2; i++)
		if (evs[i]->tx[0] != '\0')
			lt_sql_exec("DELETE FROM stakes WHERE chain_id = " CT_STACK_CHAIN_ID
			    " AND tx_hash = UNHEX(?)", evs[i]->tx + 2, NULL);
	if (ev_unstake.tx[0] != '\0')
		lt_sql_exec("DELETE FROM unstakes WHERE chain_id = " CT_STACK_CHAIN_ID
		    " AND tx_hash = UNHEX(?)", ev_unstake.tx + 2, NULL);
	if (ev_claim.tx[0] != '\0')
		lt_sql_exec("DELETE FROM reward_claims WHERE chain_id = " CT_STACK_CHAIN_ID
		    " AND tx_hash = UNHEX(?)", ev_claim.tx + 2, NULL);
	for (i = 0; i < nblocks_written; i++)
		lt_sql_exec("DELETE FROM blocks WHERE chain_id = " CT_STACK_CHAIN_ID
		    " AND number = ?", blocks_written[i], NULL);
	if (wrote_checkpoint)
		lt_sql_exec("DELETE FROM sync_checkpoints WHERE chain_id = " CT_STACK_CHAIN_ID, NULL);
}

/* Leaves the staker with nothing staked and nothing accrued, so the
 * rewards depend on this run's events only. */
static void
reset_staker(void)
{
	char v[U256_DEC_MAX];
	json_object *receipt;

	ct_call_uint(v, sizeof(v), NULL, harness_getenv("STAKING_ADDRESS"),
	    "stakedOf(address)(uint256)", STAKER);
	if (strcmp(v, "0") != 0) {
		receipt = ct_send(STAKER, harness_getenv("STAKING_ADDRESS"), "unstake(uint256)", v,
		    NULL);
		json_object_put(receipt);
	}
	ct_call_uint(v, sizeof(v), NULL, harness_getenv("STAKING_ADDRESS"),
	    "accruedRewards(address)(uint256)", STAKER);
	if (strcmp(v, "0") != 0) {
		receipt = ct_send(STAKER, harness_getenv("STAKING_ADDRESS"), "claim()", NULL);
		json_object_put(receipt);
	}
}

START_TEST(test_rewards_match_contract)
{
	const char *pool = harness_getenv("STAKING_ADDRESS");
	const char *cpop = harness_getenv("CPOP_ADDRESS");
	const char *signer = harness_getenv("SIGNER_ADDRESS");
	const char *chaind = harness_getenv("CHAINBRIDGE_CHAIND_PID");
	bool syncer = chaind != NULL && chaind[0] != '\0';
	json_object *receipt, *doc, *entry, *v;
	struct hresp r;
	char path[512], want[U256_DEC_MAX], block[24], id[160];
	uint64_t head, named = 0, start;

	ck_assert(pool != NULL && cpop != NULL && signer != NULL);
	reset_staker();
	receipt = ct_send(signer, cpop, "batchMint(address[],uint256[])", "[" STAKER "]",
	    "[1000" E18 "]", NULL);
	json_object_put(receipt);
	receipt = ct_send(STAKER, cpop, "approve(address,uint256)", pool, "1000" E18, NULL);
	json_object_put(receipt);

	pool_action("stake(uint256)", "100" E18, STAKED_T0, &ev_stake1);
	sleep(PAUSE_S);
	pool_action("stake(uint256)", "50" E18, STAKED_T0, &ev_stake2);
	sleep(PAUSE_S);
	pool_action("claim()", NULL, CLAIMED_T0, &ev_claim);
	sleep(PAUSE_S);
	pool_action("unstake(uint256)", "30" E18, UNSTAKED_T0, &ev_unstake);
	sleep(PAUSE_S);
	/* One more block: the reference time is past the last action. */
	{
		char out[256];

		ck_assert(ct_cast(out, sizeof(out), "rpc", "--rpc-url",
		    harness_getenv("ETH_RPC_URL"), "evm_mine", NULL) == 0);
	}
	head = ct_head();
	ck_assert(strcmp(ev_claim.amount, "0") != 0);

	snprintf(path, sizeof(path), "/api/v1/staking/" CT_STACK_CHAIN_ID "/users/%s/rewards",
	    STAKER);
	if (!syncer) {
		write_rows(head);
	} else {
		/* The daemon syncs: wait until it passed our last block. */
		start = harness_now_ms();
		for (;;) {
			lt_get(path, key_read, &r);
			if (r.status == 200 && json_object_object_get_ex(r.json, "block", &v) &&
			    json_object_get_uint64(v) >= head)
				break;
			hresp_free(&r);
			ck_assert_msg(harness_now_ms() - start < SYNC_WAIT_MS,
			    "the syncer did not reach block %" PRIu64, head);
			harness_sleep_ms(500);
		}
		hresp_free(&r);
	}

	doc = ct_get_ok(path, key_read, &r);
	ck_assert(json_object_object_get_ex(doc, "block", &v));
	named = json_object_get_uint64(v);
	if (!syncer)
		ck_assert_uint_eq(named, head);
	ct_assert_u64(doc, "timestamp", ct_block_time(named));
	snprintf(block, sizeof(block), "%" PRIu64, named);
	ck_assert_uint_eq(lt_len(doc, "rewards"), 1);
	entry = json_object_array_get_idx(json_object_object_get(doc, "rewards"), 0);
	ct_assert_str(entry, "pool", pool);
	ct_assert_str(entry, "token_symbol", "CPOP");
	/* The exact equality this route promises. */
	ct_call_uint(want, sizeof(want), block, pool, "earned(address)(uint256)", STAKER);
	ct_assert_str(entry, "earned_raw", want);
	ck_assert_str_ne(want, "0");
	ct_call_uint(want, sizeof(want), block, pool, "stakedOf(address)(uint256)", STAKER);
	ct_assert_str(entry, "staked_raw", want);
	ct_assert_str(entry, "staked", "120.0");
	if (!syncer)
		ct_assert_str(entry, "claimed_raw", ev_claim.amount);
	ct_assert_bool(entry, "consistent", true);
	hresp_free(&r);

	/* The stakes, the claim and a stake by its id. */
	snprintf(path, sizeof(path), "/api/v1/staking/" CT_STACK_CHAIN_ID "/users/%s/stakes?limit=2",
	    STAKER);
	doc = ct_get_ok(path, key_read, &r);
	entry = json_object_array_get_idx(json_object_object_get(doc, "stakes"), 0);
	snprintf(id, sizeof(id), CT_STACK_CHAIN_ID ":%s:%s", ev_stake2.tx, ev_stake2.log_index);
	ct_assert_str(entry, "stake_id", id);
	ct_assert_str(entry, "amount", "50.0");
	ct_assert_str(entry, "user", STAKER);
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/" CT_STACK_CHAIN_ID "/stakes/%s", id);
	doc = ct_get_ok(path, key_read, &r);
	ct_assert_str(doc, "tx_hash", ev_stake2.tx);
	ct_assert_u64(doc, "timestamp", strtoull(ev_stake2.ts, NULL, 10));
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/" CT_STACK_CHAIN_ID "/users/%s/claims?limit=1",
	    STAKER);
	doc = ct_get_ok(path, key_read, &r);
	entry = json_object_array_get_idx(json_object_object_get(doc, "claims"), 0);
	ct_assert_str(entry, "tx_hash", ev_claim.tx);
	ct_assert_str(entry, "amount_raw", ev_claim.amount);
	ct_assert_u64(entry, "timestamp", strtoull(ev_claim.ts, NULL, 10));
	hresp_free(&r);
}
END_TEST

static void
staking_teardown(void)
{
	remove_rows();
}

static Suite *
staking_live_suite(void)
{
	Suite *s = suite_create("staking_live");
	TCase *tc = tcase_create("rewards");

	tcase_set_timeout(tc, 180);
	/* No fork: the rows written are known to the teardown. */
	tcase_add_unchecked_fixture(tc, NULL, staking_teardown);
	tcase_add_test(tc, test_rewards_match_contract);
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
	sr = srunner_create(staking_live_suite());
	/* The teardown removes the rows the case wrote: run it in-process. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_read);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
