/* test_settle_rule.c - the batch strategy's trigger rule and estimate,
 * table-driven over the cases docs/settlement.md describes. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/rule.h"

static struct amount
am(const char *db_text)
{
	struct amount a;

	ck_assert_int_eq(amount_from_db(&a, db_text, strlen(db_text)), 0);
	return a;
}

static struct strategy
strat(uint32_t max, uint32_t wait, uint32_t min, const char *threshold)
{
	struct strategy st;

	memset(&st, 0, sizeof(st));
	st.max_batch_size = max;
	st.max_wait_seconds = wait;
	st.min_batch_size = min;
	if (threshold != NULL) {
		st.has_threshold = true;
		st.value_threshold = am(threshold);
	}
	return st;
}

struct rule_case {
	const char		*name;
	uint32_t		 max, wait, min;
	const char		*threshold;	/* NULL: none */
	uint64_t		 count;
	const char		*value;
	bool			 huge;
	int64_t			 age;		/* now - oldest, s */
	bool			 priority;
	enum settle_trigger	 want;
};

static const struct rule_case cases[] = {
	{ "nothing pending", 50, 900, 5, NULL, 0, "0", false, 0, false, SETTLE_WAIT },
	{ "nothing pending, old clock", 50, 900, 5, NULL, 0, "0", false, 5000, true, SETTLE_WAIT },
	{ "below min, young", 50, 900, 5, NULL, 4, "40", false, 10, false, SETTLE_WAIT },
	{ "below min, priority held back", 50, 900, 5, NULL, 4, "40", false, 10, true, SETTLE_WAIT },
	{ "below min, value held back", 50, 900, 5, "10", 4, "40", false, 10, false, SETTLE_WAIT },
	{ "below min, max_wait passed", 50, 900, 5, NULL, 1, "1", false, 900, false, SETTLE_BY_MAX_WAIT },
	{ "max_wait just not passed", 50, 900, 5, NULL, 6, "6", false, 899, false, SETTLE_WAIT },
	{ "size reached", 50, 900, 5, NULL, 50, "50", false, 0, false, SETTLE_BY_SIZE },
	{ "size one short", 50, 900, 5, NULL, 49, "49", false, 0, false, SETTLE_WAIT },
	{ "size beats priority", 50, 900, 5, NULL, 51, "51", false, 0, true, SETTLE_BY_SIZE },
	{ "max_wait beats size", 50, 900, 5, NULL, 51, "51", false, 901, false, SETTLE_BY_MAX_WAIT },
	{ "priority at min", 50, 900, 5, NULL, 5, "5", false, 0, true, SETTLE_BY_PRIORITY },
	{ "priority beats value", 50, 900, 5, "1", 5, "500", false, 0, true, SETTLE_BY_PRIORITY },
	{ "value above threshold", 50, 900, 5, "100", 5, "101", false, 0, false, SETTLE_BY_VALUE },
	{ "value equal to threshold", 50, 900, 5, "100", 5, "100", false, 0, false, SETTLE_WAIT },
	{ "value past 65 digits", 50, 900, 5, "100", 5, "0", true, 0, false, SETTLE_BY_VALUE },
	{ "no threshold, huge value", 50, 900, 5, NULL, 5, "0", true, 0, false, SETTLE_WAIT },
	{ "min 1, one change, priority", 50, 900, 1, NULL, 1, "1", false, 0, true, SETTLE_BY_PRIORITY },
};

START_TEST(test_rule_table)
{
	const struct rule_case *c = &cases[_i];
	struct strategy st = strat(c->max, c->wait, c->min, c->threshold);
	struct settle_outlook o;

	memset(&o, 0, sizeof(o));
	o.now = 1700000000;
	o.count = c->count;
	o.value = am(c->value);
	o.value_huge = c->huge;
	o.priority = c->priority;
	if (c->count > 0) {
		o.has_oldest = true;
		o.oldest = o.now - c->age;
	}
	ck_assert_msg(settle_rule(&st, &o) == c->want, "%s: got %s want %s", c->name,
	    settle_trigger_name(settle_rule(&st, &o)), settle_trigger_name(c->want));
	/* The estimate follows the rule: now + poll when it cuts, else due. */
	if (c->want != SETTLE_WAIT)
		ck_assert_int_eq(settle_estimate(&st, &o, 3), o.now + 3);
	else if (c->count > 0)
		ck_assert_int_eq(settle_estimate(&st, &o, 3), o.oldest + c->wait);
	else
		ck_assert_int_eq(settle_estimate(&st, &o, 3), o.now + c->wait);
}
END_TEST

START_TEST(test_outlook_add)
{
	struct strategy st = strat(3, 900, 2, "10");
	struct settle_outlook o;
	struct amount a = am("-4");

	memset(&o, 0, sizeof(o));
	o.now = 1000;
	settle_outlook_add(&o, &a, false);
	ck_assert_uint_eq(o.count, 1);
	ck_assert(o.has_oldest && o.oldest == 1000);
	ck_assert(amount_cmp(&o.value, &(struct amount){ 0 }) > 0);
	ck_assert_int_eq(settle_rule(&st, &o), SETTLE_WAIT);
	a = am("7");
	settle_outlook_add(&o, &a, false);
	/* |−4| + |7| = 11 > 10 */
	ck_assert_int_eq(settle_rule(&st, &o), SETTLE_BY_VALUE);
	settle_outlook_add(&o, &a, true);
	ck_assert_int_eq(settle_rule(&st, &o), SETTLE_BY_SIZE);
	ck_assert(o.priority);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(settle_trigger_name(SETTLE_BY_SIZE), "max_batch_size");
	ck_assert_str_eq(settle_trigger_name(SETTLE_BY_PRIORITY), "priority");
	ck_assert_str_eq(settle_trigger_name(SETTLE_BY_VALUE), "value_threshold");
	ck_assert_str_eq(settle_trigger_name(SETTLE_BY_MAX_WAIT), "max_wait");
	ck_assert_str_eq(settle_trigger_name(SETTLE_TRIGGER__MAX), "?");
}
END_TEST

static Suite *
settle_rule_suite(void)
{
	Suite *s = suite_create("settle_rule");
	TCase *tc = tcase_create("rule");

	tcase_add_loop_test(tc, test_rule_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_outlook_add);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(settle_rule_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
