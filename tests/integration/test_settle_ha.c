/*
 * test_settle_ha.c - two daemons on one chain (docs/settlement.md, "One
 * writer per chain"): exactly one holds the lease and submits; killing it
 * (SIGKILL) hands over to the other within the lease TTL; a holder that
 * hangs (SIGSTOP) loses the lease after the TTL and, resumed, can no
 * longer write (its fence fails).  Afterwards every transaction the signer
 * sent is the one mined attempt of exactly one batch: zero double
 * submissions, counted on chain block by block, on a plain token where a
 * second execution would mint twice.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "test_settle_util.h"

#define USERS	6
#define TTL_S	2

static char conf[2 * ST_PATH_MAX];

struct feed {
	char	 sym[32];
	char	 user[USERS][LT_NAME_MAX];
	unsigned n;
};

static void
feed(struct feed *f, unsigned rows)
{
	const char *users[USERS], *amounts[USERS];
	unsigned i;

	for (i = 0; i < rows && i < USERS; i++) {
		users[i] = f->user[(f->n + i) % USERS];
		amounts[i] = "+1.5";
	}
	ck_assert_int_eq(st_adjust(f->sym, users, amounts, i, true, NULL, 0), 201);
	f->n++;
}

/* Feeds for ms, a request every 300 ms. */
static void
feed_for(struct feed *f, unsigned ms)
{
	uint64_t end = harness_now_ms() + ms;

	while (harness_now_ms() < end) {
		feed(f, 2);
		harness_sleep_ms(300);
	}
}

/* Transactions from the signer in blocks [from, to], counted on chain;
 * each hash must be a stored attempt mined for its batch. */
static unsigned
signer_txs(uint64_t from, uint64_t to)
{
	char params[64], hash[ST_HASH_MAX];
	json_object *blk, *txs, *tx, *v;
	unsigned count = 0;
	uint64_t b;
	size_t i;

	for (b = from; b <= to; b++) {
		snprintf(params, sizeof(params), "[\"0x%llx\",true]", (unsigned long long)b);
		blk = st_rpc("eth_getBlockByNumber", params);
		ck_assert_ptr_nonnull(blk);
		ck_assert(json_object_object_get_ex(blk, "transactions", &txs));
		for (i = 0; i < json_object_array_length(txs); i++) {
			tx = json_object_array_get_idx(txs, i);
			if (!json_object_object_get_ex(tx, "from", &v) ||
			    strcasecmp(json_object_get_string(v), st_env()->signer) != 0)
				continue;
			ck_assert(json_object_object_get_ex(tx, "hash", &v));
			snprintf(hash, sizeof(hash), "%s", json_object_get_string(v));
			ck_assert_msg(lt_sql_u64("SELECT COUNT(*) FROM settlement_attempts a"
			    " JOIN settlement_batches b ON b.id = a.batch_id"
			    " WHERE a.tx_hash = UNHEX(?) AND a.status = 'mined'"
			    " AND b.tx_hash = a.tx_hash", hash + 2, NULL) == 1,
			    "signer tx %s is not the mined attempt of one batch", hash);
			count++;
		}
		json_object_put(blk);
	}
	return count;
}

START_TEST(test_two_daemons)
{
	struct feed f;
	struct st_daemon a, b, c;
	char addr[ST_ADDR_MAX], w[ST_ADDR_MAX], tid[24], n0s[24], n1s[24];
	uint64_t b0, b1, n0, n1, t, takeover_kill, takeover_hang;
	unsigned i, on_chain;

	memset(&f, 0, sizeof(f));
	st_token(false, 10, 600, 1, NULL, NULL, f.sym, sizeof(f.sym), addr);
	snprintf(tid, sizeof(tid), "%llu", (unsigned long long)st_token_id(f.sym));
	for (i = 0; i < USERS; i++) {
		lt_name(f.user[i], sizeof(f.user[i]), "ha");
		st_random_address(w);
		st_bind(f.user[i], w);
	}
	b0 = st_block_number();
	n0 = st_nonce(st_env()->signer, "pending");

	/* a takes the lease; b waits. */
	st_daemon_start(&a, conf, "ha-a", NULL);
	ck_assert(st_log_wait(&a, "event=lease_acquired", 15000));
	st_daemon_start(&b, conf, "ha-b", NULL);
	ck_assert(st_log_wait(&b, "event=worker_start", 15000));
	feed_for(&f, 5000);
	ck_assert(st_holds_lease(&a));
	ck_assert(!st_holds_lease(&b));
	ck_assert_uint_eq(st_log_count(&b, "event=lease_acquired"), 0);
	ck_assert_uint_eq(st_log_count(&b, "event=tx_signed"), 0);
	ck_assert_uint_gt(st_log_count(&a, "event=tx_sent"), 0);

	/* Kill a: b takes over within the TTL (at once: a's PID is gone). */
	t = harness_now_ms();
	st_daemon_kill(&a);
	ck_assert_msg(st_log_wait(&b, "event=lease_acquired", TTL_S * 1000 + 2000),
	    "no takeover: see %s", b.log);
	takeover_kill = harness_now_ms() - t;
	ck_assert_uint_le(takeover_kill, TTL_S * 1000u);
	st_log_mark(&b);
	feed_for(&f, 4000);
	ck_assert(st_log_wait(&b, "event=tx_sent", 10000));

	/* b hangs: c, a new standby, takes over once the lease expires. */
	st_daemon_start(&c, conf, "ha-c", NULL);
	ck_assert(st_log_wait(&c, "event=worker_start", 15000));
	harness_sleep_ms(500);
	ck_assert_uint_eq(st_log_count(&c, "event=lease_acquired"), 0);
	t = harness_now_ms();
	kill(b.pid, SIGSTOP);
	ck_assert_msg(st_log_wait(&c, "event=lease_acquired", TTL_S * 1000 + 3000),
	    "no takeover from a hung holder: see %s", c.log);
	takeover_hang = harness_now_ms() - t;
	feed_for(&f, 3000);
	/* b wakes up: it must find out before it writes anything. */
	st_log_mark(&b);
	kill(b.pid, SIGCONT);
	ck_assert_msg(st_log_wait(&b, "event=lease_lost", 10000), "b never noticed: see %s",
	    b.log);
	feed_for(&f, 3000);
	ck_assert(st_holds_lease(&c));
	ck_assert(!st_holds_lease(&b));

	/* All settled, by c. */
	ck_assert_msg(st_wait_sql(0, 60000, "SELECT COUNT(*) FROM balance_changes"
	    " WHERE token_id = ? AND status <> 'confirmed'", tid, NULL), "not settled: see %s",
	    c.log);
	ck_assert_msg(st_wait_sql(0, 60000, "SELECT COUNT(*) FROM settlement_batches"
	    " WHERE chain_id = 31337 AND status NOT IN ('confirmed', 'failed')", NULL),
	    "batches still open: see %s", c.log);
	st_daemon_kill(&b);
	ck_assert_int_eq(st_daemon_stop(&c), 0);
	b1 = st_block_number();
	n1 = st_nonce(st_env()->signer, "latest");
	on_chain = signer_txs(b0, b1);
	snprintf(n0s, sizeof(n0s), "%llu", (unsigned long long)n0);
	snprintf(n1s, sizeof(n1s), "%llu", (unsigned long long)n1);
	/* Every signer transaction is one batch's, and every batch one tx. */
	ck_assert_uint_eq(on_chain, n1 - n0);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches WHERE chain_id = 31337"
	    " AND nonce >= ? AND nonce < ? AND status IN ('confirmed', 'failed')", n0s, n1s, NULL),
	    n1 - n0);
	st_check_token(f.sym, addr, false);
	fprintf(stderr, "test_settle_ha: takeover after SIGKILL %llu ms, after a hang %llu ms"
	    " (lease_ttl %d s); %u signer transactions on chain, %llu batches, %u requests\n",
	    (unsigned long long)takeover_kill, (unsigned long long)takeover_hang, TTL_S, on_chain,
	    (unsigned long long)(n1 - n0), f.n);
}
END_TEST

static Suite *
ha_suite(void)
{
	Suite *s = suite_create("settle_ha");
	TCase *tc = tcase_create("two_daemons");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_two_daemons);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	st_init("ha");
	st_conf(conf, sizeof(conf), "ha", "poll_interval_ms", "200", "lease_ttl", "2",
	    "confirmations", "2", NULL);
	sr = srunner_create(ha_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
