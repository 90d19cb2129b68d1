/*
 * test_settle_crash.c - crash anywhere (docs/settlement.md, "Crash
 * recovery"): a stream of credits and debits on a keyed and a plain token
 * while chainbridge-chaind is killed with SIGKILL again and again, each
 * time exactly at one of its states (failpoints):
 *
 *	after_claim	a batch was cut, nothing signed
 *	after_sign	an attempt is stored, not sent
 *	after_send	the node has it, the store does not say so yet
 *	after_mined	mined and recorded, not yet confirmed
 *
 * and started again.  At the end one daemon runs to quiescence, and then:
 * every change is confirmed exactly once, every wallet's balanceOf equals
 * its user's confirmed_balance, totalSupply moved by exactly the ledger's
 * net, every batch has exactly one mined attempt, and the signer's nonces
 * have no gap: each one used since the start belongs to exactly one batch
 * with a receipt, and the store's next_nonce is the chain's.
 *
 * CB_SETTLE_CRASH_KILLS (default 100) sets the number of kills.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_settle_util.h"

#define USERS		8
#define TOKENS		2
#define FAILPOINTS	4

static const char *const failpoints[FAILPOINTS] = {
	"after_claim", "after_sign", "after_send", "after_mined",
};

static char conf[2 * ST_PATH_MAX];

struct stream {
	char		 sym[TOKENS][32];
	char		 addr[TOKENS][ST_ADDR_MAX];
	char		 user[USERS][LT_NAME_MAX];
	long		 pending[TOKENS][USERS];	/* whole tokens, as the API has it */
	unsigned	 seed;
	unsigned	 requests;
};

static unsigned
next_rand(struct stream *s)
{
	s->seed = s->seed * 1103515245u + 12345u;
	return (s->seed >> 16) & 0x7fff;
}

/* One request of 1..3 rows for one token: credits, and debits the user
 * can afford. */
static void
feed(struct stream *s)
{
	const char *users[3], *amounts[3];
	char amt[3][24];
	long delta[3];
	size_t n = 1 + next_rand(s) % 3, i, t = next_rand(s) % TOKENS, u;

	for (i = 0; i < n; i++) {
		long a = 1 + (long)(next_rand(s) % 20);

		u = next_rand(s) % USERS;
		users[i] = s->user[u];
		delta[i] = (next_rand(s) % 3 == 0 && s->pending[t][u] >= a) ? -a : a;
		/* Rows of one request apply in order: keep each one affordable. */
		s->pending[t][u] += delta[i];
		snprintf(amt[i], sizeof(amt[i]), "%+ld", delta[i]);
		amounts[i] = amt[i];
	}
	ck_assert_int_eq(st_adjust(s->sym[t], users, amounts, n, true, NULL, 0), 201);
	s->requests++;
}

START_TEST(test_crash_anywhere)
{
	struct stream s;
	struct st_daemon d;
	char w[ST_ADDR_MAX], start_nonce[24], end_nonce[24], tid[TOKENS][24];
	unsigned kills[FAILPOINTS] = { 0 }, total = 0, missed = 0, target = 100, k, i;
	uint64_t n0, n1, t0 = harness_now_ms();
	const char *v;

	if ((v = getenv("CB_SETTLE_CRASH_KILLS")) != NULL && *v != '\0')
		target = (unsigned)strtoul(v, NULL, 10);
	memset(&s, 0, sizeof(s));
	s.seed = (unsigned)harness_now_ms();
	fprintf(stderr, "test_settle_crash: seed %u, %u kills\n", s.seed, target);
	st_token(true, 10, 600, 1, NULL, NULL, s.sym[0], sizeof(s.sym[0]), s.addr[0]);
	st_token(false, 10, 600, 1, NULL, NULL, s.sym[1], sizeof(s.sym[1]), s.addr[1]);
	for (i = 0; i < TOKENS; i++)
		snprintf(tid[i], sizeof(tid[i]), "%llu", (unsigned long long)st_token_id(s.sym[i]));
	for (i = 0; i < USERS; i++) {
		lt_name(s.user[i], sizeof(s.user[i]), "crash");
		st_random_address(w);
		st_bind(s.user[i], w);
	}
	/* Nothing of ours in flight before the first kill. */
	n0 = st_nonce(st_env()->signer, "pending");

	for (k = 0; total < target; k++) {
		const char *fp = failpoints[k % FAILPOINTS];
		char armed[64];

		feed(&s);
		if (next_rand(&s) % 2 == 0)
			feed(&s);
		snprintf(armed, sizeof(armed), "event=failpoint name=%s", fp);
		st_daemon_start(&d, conf, "crash", fp);
		if (st_log_wait(&d, armed, 20000)) {
			kills[k % FAILPOINTS]++;
			total++;
		} else {
			/* No work reached that state in time: killed anyway. */
			missed++;
		}
		st_daemon_kill(&d);
		ck_assert_msg(missed < 20, "failpoints not reached (last %s): see %s", fp, d.log);
	}
	fprintf(stderr, "test_settle_crash: %u kills at failpoints (claim %u, sign %u, send %u,"
	    " mined %u), %u without, %u requests, %llu s\n", total, kills[0], kills[1], kills[2],
	    kills[3], missed, s.requests, (unsigned long long)((harness_now_ms() - t0) / 1000));
	for (i = 0; i < FAILPOINTS; i++)
		ck_assert_msg(kills[i] >= target / FAILPOINTS / 2, "too few kills at %s",
		    failpoints[i]);

	/* One daemon to quiescence. */
	st_daemon_start(&d, conf, "crash-final", NULL);
	for (i = 0; i < TOKENS; i++)
		ck_assert_msg(st_wait_sql(0, 180000, "SELECT COUNT(*) FROM balance_changes"
		    " WHERE token_id = ? AND status <> 'confirmed'", tid[i], NULL),
		    "%s not settled: see %s", s.sym[i], d.log);
	ck_assert_msg(st_wait_sql(0, 60000, "SELECT COUNT(*) FROM settlement_batches"
	    " WHERE chain_id = 31337 AND status NOT IN ('confirmed', 'failed')", NULL),
	    "batches of other tokens still open: see %s", d.log);
	ck_assert_int_eq(st_daemon_stop(&d), 0);

	for (i = 0; i < TOKENS; i++)
		st_check_token(s.sym[i], s.addr[i], false);
	/* Nonces: no gap, none used twice, the store in step with the chain. */
	n1 = st_nonce(st_env()->signer, "latest");
	ck_assert_uint_eq(st_nonce(st_env()->signer, "pending"), n1);
	snprintf(start_nonce, sizeof(start_nonce), "%llu", (unsigned long long)n0);
	snprintf(end_nonce, sizeof(end_nonce), "%llu", (unsigned long long)n1);
	ck_assert_uint_eq(lt_sql_u64("SELECT next_nonce FROM signer_nonces WHERE chain_id = 31337"
	    " AND signer = UNHEX(?)", st_env()->signer + 2, NULL), n1);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches WHERE chain_id = 31337"
	    " AND signer = UNHEX(?) AND nonce >= ? AND nonce < ? AND (status = 'confirmed'"
	    " OR status = 'failed')", st_env()->signer + 2, start_nonce, end_nonce, NULL), n1 - n0);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(DISTINCT nonce) FROM settlement_batches"
	    " WHERE chain_id = 31337 AND signer = UNHEX(?) AND nonce >= ? AND nonce < ?",
	    st_env()->signer + 2, start_nonce, end_nonce, NULL), n1 - n0);
	/* Each of those nonces: exactly one mined attempt, its hash the
	 * batch's. */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches b"
	    " WHERE b.chain_id = 31337 AND b.nonce >= ? AND b.nonce < ? AND b.status = 'confirmed'"
	    " AND (SELECT COUNT(*) FROM settlement_attempts a WHERE a.batch_id = b.id"
	    " AND a.status = 'mined' AND a.tx_hash = b.tx_hash) <> 1", start_nonce, end_nonce,
	    NULL), 0);
}
END_TEST

static Suite *
crash_suite(void)
{
	Suite *s = suite_create("settle_crash");
	TCase *tc = tcase_create("crash");

	tcase_set_timeout(tc, 1200);
	tcase_add_test(tc, test_crash_anywhere);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	st_init("crash");
	st_conf(conf, sizeof(conf), "crash", "poll_interval_ms", "200", "lease_ttl", "2",
	    "confirmations", "2", "replace_after", "30", NULL);
	sr = srunner_create(crash_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
