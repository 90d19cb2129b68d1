/*
 * test_settle_outage.c - the node and the store going away under a busy
 * daemon (docs/chaind.md, "A worker's loop"):
 *
 *	node down	anvil stopped (SIGSTOP: it still accepts connections
 *			and answers nothing, as a hung node does) for a while
 *			as changes keep coming, then continued with its
 *			transaction pool emptied (anvil_dropAllTransactions, as
 *			a restarted node would have it): the daemon stays up,
 *			keeps its state, backs off, and settles everything,
 *			sending again what the node forgot or never took;
 *	store down	MariaDB stopped and started again: the same.
 *
 * Nothing lost or doubled: the consistency check of every settlement test.
 * (The stack's anvil is not stopped for real here: it writes its chain to
 * disk only when it exits, which takes long on a long chain, and a dump cut
 * short would rewind the chain under every later test.)
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_settle_util.h"

#define USERS	4

static char conf[2 * ST_PATH_MAX];

struct feed {
	char	 sym[32];
	char	 user[USERS][LT_NAME_MAX];
	unsigned n;
};

static void
feed(struct feed *f)
{
	const char *users[2], *amounts[2];

	users[0] = f->user[f->n % USERS];
	users[1] = f->user[(f->n + 1) % USERS];
	amounts[0] = "+2.25";
	amounts[1] = "+1";
	ck_assert_int_eq(st_adjust(f->sym, users, amounts, 2, true, NULL, 0), 201);
	f->n++;
}

static void
setup_feed(struct feed *f, char *addr, bool keyed)
{
	char w[ST_ADDR_MAX];
	unsigned i;

	memset(f, 0, sizeof(*f));
	st_token(keyed, 10, 600, 1, NULL, NULL, f->sym, sizeof(f->sym), addr);
	for (i = 0; i < USERS; i++) {
		lt_name(f->user[i], sizeof(f->user[i]), "outage");
		st_random_address(w);
		st_bind(f->user[i], w);
	}
}

static void
wait_settled(const struct feed *f, const struct st_daemon *d)
{
	char tid[24];

	snprintf(tid, sizeof(tid), "%llu", (unsigned long long)st_token_id(f->sym));
	ck_assert_msg(st_wait_sql(0, 90000, "SELECT COUNT(*) FROM balance_changes"
	    " WHERE token_id = ? AND status <> 'confirmed'", tid, NULL), "not settled: see %s",
	    d->log);
}

/* The stack's anvil, from its pid file. */
static pid_t
anvil_pid(void)
{
	char path[1024];
	FILE *f;
	long pid = 0;

	snprintf(path, sizeof(path), "%s/pids/anvil.pid", harness_env()->state_dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

/* Continues anvil in the parent whatever happened in a case. */
static void
anvil_back(void)
{
	pid_t pid = anvil_pid();

	if (pid > 0)
		kill(pid, SIGCONT);
}

START_TEST(test_rpc_down)
{
	struct feed f;
	struct st_daemon d;
	char addr[ST_ADDR_MAX];
	unsigned i, errors;
	pid_t pid, anvil;

	setup_feed(&f, addr, false);
	st_daemon_start(&d, conf, "rpc-down", NULL);
	ck_assert(st_log_wait(&d, "event=lease_acquired", 15000));
	pid = d.pid;
	for (i = 0; i < 4; i++) {
		feed(&f);
		harness_sleep_ms(400);
	}
	/* Down mid-stream: some batches signed or sent, none confirmed yet. */
	st_log_mark(&d);
	anvil = anvil_pid();
	ck_assert_msg(anvil > 0 && harness_pid_alive(anvil), "no anvil pid");
	ck_assert_int_eq(kill(anvil, SIGSTOP), 0);
	for (i = 0; i < 10; i++) {
		feed(&f);
		harness_sleep_ms(600);
	}
	ck_assert_msg(st_log_wait(&d, "event=rpc_error", 1000), "no RPC error seen: see %s",
	    d.log);
	ck_assert(st_daemon_alive(&d));
	errors = st_log_count(&d, "event=step_failed");
	ck_assert_int_eq(kill(anvil, SIGCONT), 0);
	/* Back, but with an empty pool: what was sent must go out again. */
	json_object_put(st_rpc("anvil_dropAllTransactions", "[]"));
	wait_settled(&f, &d);
	ck_assert_int_eq(d.pid, pid);
	ck_assert(st_daemon_alive(&d));
	/* It backed off: some failed passes, not one per poll interval. */
	ck_assert_uint_gt(errors, 0);
	ck_assert_uint_lt(errors, 60);
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(f.sym, addr, false);
	fprintf(stderr, "test_settle_outage: node down ~6 s, %u failed passes, %u requests,"
	    " %u re-broadcasts\n", errors, f.n, st_log_count(&d, "event=tx_rebroadcast"));
}
END_TEST

START_TEST(test_store_down)
{
	struct feed f;
	struct st_daemon d;
	char addr[ST_ADDR_MAX];
	unsigned i;
	pid_t pid;

	setup_feed(&f, addr, true);
	st_daemon_start(&d, conf, "store-down", NULL);
	ck_assert(st_log_wait(&d, "event=lease_acquired", 15000));
	pid = d.pid;
	for (i = 0; i < 4; i++) {
		feed(&f);
		harness_sleep_ms(400);
	}
	st_log_mark(&d);
	harness_db_stop();
	harness_sleep_ms(5000);
	ck_assert(st_daemon_alive(&d));
	harness_db_start();
	ck_assert_msg(st_log_wait(&d, "db_gone", 1000), "no store error seen: see %s", d.log);
	for (i = 0; i < 4; i++) {
		/* The API's workers reconnect on their own first request. */
		const char *users[1] = { f.user[i] }, *amounts[1] = { "+1" };

		if (st_adjust(f.sym, users, amounts, 1, true, NULL, 0) != 201)
			harness_sleep_ms(500);
	}
	wait_settled(&f, &d);
	ck_assert_int_eq(d.pid, pid);
	ck_assert_int_eq(st_daemon_stop(&d), 0);
	st_check_token(f.sym, addr, false);
}
END_TEST

static Suite *
outage_suite(void)
{
	Suite *s = suite_create("settle_outage");
	TCase *tc = tcase_create("outage");

	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, NULL, anvil_back);
	tcase_add_test(tc, test_rpc_down);
	tcase_add_test(tc, test_store_down);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	st_init("outage");
	st_conf(conf, sizeof(conf), "outage", "poll_interval_ms", "200", "lease_ttl", "2",
	    "confirmations", "2", "rpc_timeout_ms", "1000", "replace_after", "30", NULL);
	sr = srunner_create(outage_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
