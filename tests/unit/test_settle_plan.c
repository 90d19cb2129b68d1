/* test_settle_plan.c - netting a cut into items, and batch splitting
 * (src/chaind/plan.c; docs/settlement.md, "The cut", "Submitting"). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static struct amount
am(const char *db_text)
{
	struct amount a;

	ck_assert_int_eq(amount_from_db(&a, db_text, strlen(db_text)), 0);
	return a;
}

static struct address
wallet(unsigned char tag)
{
	struct address a;

	memset(a.bytes, 0, sizeof(a.bytes));
	a.bytes[19] = tag;
	return a;
}

static struct plan_row
row(uint64_t id, const char *user, unsigned char w, const char *amount)
{
	struct plan_row r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.user_id = user;
	r.has_wallet = w != 0;
	if (w != 0)
		r.wallet = wallet(w);
	r.amount = am(amount);
	return r;
}

static void
assert_u256(const u256 *v, const char *dec)
{
	char buf[U256_DEC_MAX];

	ck_assert(u256_to_dec(v, buf, sizeof(buf)) > 0);
	ck_assert_str_eq(buf, dec);
}

/* +100, -40, +5 for one wallet in one cut: one mint item of 65. */
START_TEST(test_net_one_wallet)
{
	struct plan_row rows[] = {
		row(1, "u1", 1, "100"), row(2, "u1", 1, "-40"), row(3, "u1", 1, "5"),
	};
	struct plan p;

	ck_assert_int_eq(plan_cut(rows, 3, 50, &p), 0);
	ck_assert_uint_eq(p.ntaken, 3);
	ck_assert_uint_eq(p.nmints, 1);
	ck_assert_uint_eq(p.nburns, 0);
	ck_assert_uint_eq(p.nnetted, 0);
	ck_assert(address_eq(&p.mints[0].wallet, &rows[0].wallet));
	assert_u256(&p.mints[0].amount, "65");
	assert_u256(&p.mint_total, "65");
	plan_free(&p);
}
END_TEST

/* A wallet netting to zero settles without an item; others still do. */
START_TEST(test_net_zero)
{
	struct plan_row rows[] = {
		row(1, "a", 1, "10"), row(2, "b", 2, "7"), row(3, "a", 1, "-10"),
		row(4, "c", 3, "-3"),
	};
	struct plan p;

	ck_assert_int_eq(plan_cut(rows, 4, 50, &p), 0);
	ck_assert_uint_eq(p.ntaken, 4);
	ck_assert_uint_eq(p.nnetted, 2);
	ck_assert_uint_eq(p.netted[0], 0);
	ck_assert_uint_eq(p.netted[1], 2);
	ck_assert_uint_eq(p.nmints, 1);
	assert_u256(&p.mints[0].amount, "7");
	ck_assert_uint_eq(p.nburns, 1);
	assert_u256(&p.burns[0].amount, "3");
	assert_u256(&p.burn_total, "3");
	plan_free(&p);
}
END_TEST

/* Only a net-zero wallet: no item at all, every row netted. */
START_TEST(test_net_zero_only)
{
	struct plan_row rows[] = { row(1, "a", 1, "5"), row(2, "a", 1, "-5") };
	struct plan p;

	ck_assert_int_eq(plan_cut(rows, 2, 50, &p), 0);
	ck_assert_uint_eq(p.nmints + p.nburns, 0);
	ck_assert_uint_eq(p.nnetted, 2);
	plan_free(&p);
}
END_TEST

/* Users without a wallet or skipped are never taken, and do not count. */
START_TEST(test_skip_and_walletless)
{
	struct plan_row rows[] = {
		row(1, "nowallet", 0, "10"), row(2, "busy", 2, "5"), row(3, "ok", 3, "1"),
		row(4, "busy", 2, "-5"), row(5, "ok", 3, "2"),
	};
	struct plan p;

	rows[1].skip_user = rows[3].skip_user = true;
	ck_assert_int_eq(plan_cut(rows, 5, 2, &p), 0);
	ck_assert_uint_eq(p.ntaken, 2);
	ck_assert_uint_eq(p.taken[0], 2);
	ck_assert_uint_eq(p.taken[1], 4);
	ck_assert_uint_eq(p.nmints, 1);
	assert_u256(&p.mints[0].amount, "3");
	plan_free(&p);
}
END_TEST

/* The cap counts changes; a user cut by it takes none of their later rows,
 * while later users still fill the cut (a prefix per user). */
START_TEST(test_cap_prefix_per_user)
{
	struct plan_row rows[] = {
		row(1, "a", 1, "1"), row(2, "b", 2, "2"), row(3, "a", 1, "3"),
		row(4, "a", 1, "-4"),
	};
	struct plan p;

	ck_assert_int_eq(plan_cut(rows, 4, 2, &p), 0);
	ck_assert_uint_eq(p.ntaken, 2);
	ck_assert_uint_eq(p.taken[0], 0);
	ck_assert_uint_eq(p.taken[1], 1);
	ck_assert_uint_eq(p.nmints, 2);
	plan_free(&p);
}
END_TEST

/* Mint and burn items of one cut, in first-seen order. */
START_TEST(test_mints_and_burns)
{
	struct plan_row rows[] = {
		row(1, "a", 1, "-1"), row(2, "b", 2, "2"), row(3, "c", 3, "-3"),
		row(4, "d", 4, "4"),
	};
	struct plan p;

	ck_assert_int_eq(plan_cut(rows, 4, 50, &p), 0);
	ck_assert_uint_eq(p.nmints, 2);
	ck_assert_uint_eq(p.nburns, 2);
	ck_assert(address_eq(&p.mints[0].wallet, &rows[1].wallet));
	ck_assert(address_eq(&p.mints[1].wallet, &rows[3].wallet));
	ck_assert(address_eq(&p.burns[0].wallet, &rows[0].wallet));
	assert_u256(&p.mint_total, "6");
	assert_u256(&p.burn_total, "4");
	plan_free(&p);
}
END_TEST

/* Sums that would leave DECIMAL(65,0) stop the user (wallet net) or drop
 * the wallet (batch total): never an overflow, never a lost change. */
START_TEST(test_decimal_range)
{
	char nines[66];
	struct plan_row rows[4];
	struct plan p;

	memset(nines, '9', 65);
	nines[65] = '\0';
	rows[0] = row(1, "a", 1, "1");
	rows[1] = row(2, "a", 1, nines);	/* would overflow a's net */
	rows[2] = row(3, "b", 2, "5");
	rows[3] = row(4, "c", 3, nines);	/* would overflow the mint total */
	ck_assert_int_eq(plan_cut(rows, 4, 50, &p), 0);
	ck_assert_uint_eq(p.ntaken, 2);
	ck_assert_uint_eq(p.taken[0], 0);
	ck_assert_uint_eq(p.taken[1], 2);
	ck_assert_uint_eq(p.nmints, 2);
	plan_free(&p);
	ck_assert_int_eq(plan_cut(rows, 0, 50, &p), 0);
	ck_assert_uint_eq(p.ntaken, 0);
	plan_free(&p);
}
END_TEST

struct split_case {
	uint64_t	gas, max_gas;
	size_t		nitems, want;
};

static const struct split_case split_cases[] = {
	{ 1000000, 15000000, 50, 1 },
	{ 13500000, 15000000, 50, 1 },	/* exactly 90 % */
	{ 13500001, 15000000, 50, 2 },
	{ 30000000, 15000000, 50, 3 },	/* 30 / 13.5 = 2.2 */
	{ 30000000, 15000000, 2, 2 },	/* never more parts than items */
	{ 99000000, 15000000, 1, 1 },	/* a single item is never split */
	{ 27000000, 15000000, 100, 2 },
	{ 27000001, 15000000, 100, 3 },
};

START_TEST(test_split_parts)
{
	const struct split_case *c = &split_cases[_i];

	ck_assert_uint_eq(plan_split_parts(c->gas, c->max_gas, c->nitems), c->want);
}
END_TEST

START_TEST(test_split_ranges)
{
	size_t parts, n, i, lo, hi, prev, total;

	for (n = 1; n <= 23; n++) {
		for (parts = 1; parts <= n; parts++) {
			prev = 0;
			total = 0;
			for (i = 0; i < parts; i++) {
				plan_split_range(n, parts, i, &lo, &hi);
				ck_assert_uint_eq(lo, prev);
				ck_assert(hi > lo);
				/* equal counts: they differ by at most one */
				ck_assert(hi - lo == n / parts || hi - lo == n / parts + 1);
				total += hi - lo;
				prev = hi;
			}
			ck_assert_uint_eq(total, n);
			ck_assert_uint_eq(prev, n);
		}
	}
}
END_TEST

static Suite *
plan_suite(void)
{
	Suite *s = suite_create("settle_plan");
	TCase *tc;

	tc = tcase_create("netting");
	tcase_add_test(tc, test_net_one_wallet);
	tcase_add_test(tc, test_net_zero);
	tcase_add_test(tc, test_net_zero_only);
	tcase_add_test(tc, test_mints_and_burns);
	suite_add_tcase(s, tc);
	tc = tcase_create("candidates");
	tcase_add_test(tc, test_skip_and_walletless);
	tcase_add_test(tc, test_cap_prefix_per_user);
	tcase_add_test(tc, test_decimal_range);
	suite_add_tcase(s, tc);
	tc = tcase_create("split");
	tcase_add_loop_test(tc, test_split_parts, 0, sizeof(split_cases) / sizeof(split_cases[0]));
	tcase_add_test(tc, test_split_ranges);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(plan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
