/*
 * test_store_stmts.c - every statement of the one table (src/lib/store/
 * stmts.c) against the real schema of the stack's MariaDB: each one
 * prepares (a typo in any SQL fails here, not in production on the first
 * request that needs it), and each returns exactly the columns its
 * *_COL_* enum names (stmts_cols[]).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "store/db.h"
#include "store/stmts.h"
#include "store/store.h"
#include "harness.h"

static struct config *cfg;
static struct db *db;

static void
setup(void)
{
	char errbuf[512];
	enum cb_err rc;

	cfg = config_load(harness_env()->conf, errbuf, sizeof(errbuf));
	ck_assert_msg(cfg != NULL, "config: %s", errbuf);
	db = store_open(&cfg->db, 0, &rc, errbuf, sizeof(errbuf));
	ck_assert_msg(db != NULL, "store: %s", errbuf);
}

static void
teardown(void)
{
	db_close(db);
	db = NULL;
	config_free(cfg);
	cfg = NULL;
}

START_TEST(test_every_statement_prepares)
{
	unsigned idx, failed = 0;

	for (idx = 0; idx < ST__MAX; idx++) {
		enum cb_err rc;

		ck_assert_msg(stmts_sql[idx] != NULL, "statement %u has no SQL", idx);
		if ((rc = db_prepare(db, idx)) != CB_OK) {
			fprintf(stderr, "statement %u does not prepare: %s (%u %s)\n  %.200s\n",
			    idx, cb_errcode(rc), db_errno(db), db_error(db), stmts_sql[idx]);
			failed++;
			continue;
		}
		if (db_result_cols(db, idx) != stmts_cols[idx]) {
			fprintf(stderr, "statement %u returns %u columns, its enum names %u\n"
			    "  %.200s\n", idx, db_result_cols(db, idx), stmts_cols[idx],
			    stmts_sql[idx]);
			failed++;
		}
	}
	ck_assert_msg(failed == 0, "%u of %u statements are wrong (see above)", failed,
	    (unsigned)ST__MAX);
}
END_TEST

/* The check itself sees a broken statement: a typo is refused by the
 * server, not taken for a statement without a result. */
START_TEST(test_typo_is_caught)
{
	static const char *const broken[] = {
		"SELECT id, symbl FROM tokens WHERE symbol = ?",
	};
	char errbuf[512];
	enum cb_err rc;
	struct db *bad;
	struct db_conf dc;

	store_conf(&cfg->db, 0, &dc);
	dc.lock_wait_stmt = -1;
	bad = db_open(&dc, broken, 1, &rc, errbuf, sizeof(errbuf));
	ck_assert_msg(bad != NULL, "store: %s", errbuf);
	ck_assert_int_eq(db_prepare(bad, 0), CB_ERR_DB);
	ck_assert_ptr_nonnull(strstr(db_error(bad), "symbl"));
	db_close(bad);
}
END_TEST

static Suite *
store_stmts_suite(void)
{
	Suite *s = suite_create("store_stmts");
	TCase *tc = tcase_create("prepare");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_statement_prepares);
	tcase_add_test(tc, test_typo_is_caught);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	sr = srunner_create(store_stmts_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
