/* test_settle_fees.c - settlement fees: the market quote and the bump of
 * a replacement (src/chaind/fees.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fees.h"

static u256
w(const char *dec)
{
	u256 v;

	ck_assert_int_eq(u256_from_dec(&v, dec, strlen(dec)), 0);
	return v;
}

static void
assert_dec(const u256 *v, const char *dec)
{
	char buf[U256_DEC_MAX];

	ck_assert(u256_to_dec(v, buf, sizeof(buf)) > 0);
	ck_assert_str_eq(buf, dec);
}

START_TEST(test_cap)
{
	u256 cap;

	fees_cap(500, &cap);
	assert_dec(&cap, "500000000000");
	fees_cap(1, &cap);
	assert_dec(&cap, "1000000000");
}
END_TEST

struct market_case {
	const char	*name;
	const char	*tips[10];
	size_t		 ntips;
	const char	*base;
	const char	*cap;
	const char	*want_fee, *want_tip;
};

static const struct market_case market_cases[] = {
	{ "median of odd", { "3", "1", "2" }, 3, "100", "1000000", "202", "2" },
	{ "lower middle of even", { "4", "1", "3", "2" }, 4, "10", "1000000", "22", "2" },
	{ "no tips: 1 wei", { NULL }, 0, "7", "1000000", "15", "1" },
	{ "zero tips: 1 wei", { "0", "0", "0" }, 3, "0", "1000000", "1", "1" },
	{ "fee capped", { "5" }, 1, "1000", "1500", "1500", "5" },
	{ "tip capped by the fee", { "900" }, 1, "1000", "500", "500", "500" },
	{ "ten blocks", { "9", "8", "7", "6", "5", "4", "3", "2", "1", "10" }, 10,
	  "1000000000", "500000000000", "2000000005", "5" },
};

START_TEST(test_market)
{
	const struct market_case *c = &market_cases[_i];
	u256 tips[10], base = w(c->base), cap = w(c->cap);
	struct fee_quote q;
	size_t i;

	for (i = 0; i < c->ntips; i++)
		tips[i] = w(c->tips[i]);
	fees_market(tips, c->ntips, &base, &cap, &q);
	assert_dec(&q.max_fee, c->want_fee);
	assert_dec(&q.tip, c->want_tip);
	ck_assert(u256_cmp(&q.tip, &q.max_fee) <= 0);
}
END_TEST

struct bump_case {
	const char	*name;
	const char	*old_fee, *old_tip, *mk_fee, *mk_tip, *cap;
	unsigned	 pct;
	bool		 ok;
	const char	*want_fee, *want_tip;
};

static const struct bump_case bump_cases[] = {
	{ "plain 12 %", "1000", "100", "0", "0", "1000000", 12, true, "1120", "112" },
	{ "rounds up", "1001", "1", "0", "0", "1000000", 10, true, "1102", "2" },
	{ "market above the bump", "1000", "100", "5000", "300", "1000000", 10, true,
	  "5000", "300" },
	{ "market fee above, tip bumped", "1000", "100", "5000", "50", "1000000", 10, true,
	  "5000", "110" },
	{ "cap leaves room", "1000", "100", "0", "0", "1100", 10, true, "1100", "110" },
	{ "cap leaves no room", "1000", "100", "0", "0", "1099", 10, false, NULL, NULL },
	{ "already at the cap", "500", "500", "0", "0", "500", 10, false, NULL, NULL },
	{ "tip bump above the capped fee", "1000", "1000", "0", "0", "1100", 10, true,
	  "1100", "1100" },
};

START_TEST(test_bump)
{
	const struct bump_case *c = &bump_cases[_i];
	struct fee_quote old, mk, out;
	u256 cap = w(c->cap);
	bool ok;

	old.max_fee = w(c->old_fee);
	old.tip = w(c->old_tip);
	mk.max_fee = w(c->mk_fee);
	mk.tip = w(c->mk_tip);
	ok = fees_bump(&old, &mk, c->pct, &cap, &out);
	ck_assert_msg(ok == c->ok, "%s: got %d", c->name, ok);
	if (!ok)
		return;
	assert_dec(&out.max_fee, c->want_fee);
	assert_dec(&out.tip, c->want_tip);
	/* Whatever the inputs: both caps up by the percent, tip <= fee. */
	ck_assert(u256_cmp(&out.tip, &out.max_fee) <= 0);
	ck_assert(u256_cmp(&out.max_fee, &cap) <= 0);
}
END_TEST

/* Every successful bump raises both caps by at least the percent. */
START_TEST(test_bump_minimum)
{
	struct fee_quote old, mk, out;
	u256 cap = w("1000000000000"), lhs, rhs;
	uint64_t fee, tip;
	unsigned pct;

	memset(&mk, 0, sizeof(mk));
	for (pct = 10; pct <= 30; pct += 5) {
		for (fee = 1; fee < 2000; fee += 37) {
			for (tip = 1; tip <= fee; tip += 53) {
				u256_from_u64(&old.max_fee, fee);
				u256_from_u64(&old.tip, tip);
				ck_assert(fees_bump(&old, &mk, pct, &cap, &out));
				/* new * 100 >= old * (100 + pct) */
				ck_assert(u256_mul_u64(&lhs, &out.max_fee, 100) == 0);
				ck_assert(u256_mul_u64(&rhs, &old.max_fee, 100 + pct) == 0);
				ck_assert(u256_cmp(&lhs, &rhs) >= 0);
				ck_assert(u256_mul_u64(&lhs, &out.tip, 100) == 0);
				ck_assert(u256_mul_u64(&rhs, &old.tip, 100 + pct) == 0);
				ck_assert(u256_cmp(&lhs, &rhs) >= 0);
				ck_assert(u256_cmp(&out.max_fee, &old.max_fee) > 0);
			}
		}
	}
}
END_TEST

static Suite *
fees_suite(void)
{
	Suite *s = suite_create("settle_fees");
	TCase *tc;

	tc = tcase_create("market");
	tcase_add_test(tc, test_cap);
	tcase_add_loop_test(tc, test_market, 0, sizeof(market_cases) / sizeof(market_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("bump");
	tcase_add_loop_test(tc, test_bump, 0, sizeof(bump_cases) / sizeof(bump_cases[0]));
	tcase_add_test(tc, test_bump_minimum);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fees_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
