/* test_settle_status.c - the settlement state machine: names round-trip,
 * the transition tables hold exactly the moves docs/settlement.md draws. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/status.h"

START_TEST(test_names_round_trip)
{
	enum change_status c;
	enum batch_status b;
	enum attempt_status a;
	unsigned i;

	for (i = 0; i < CHANGE_STATUS__MAX; i++) {
		const char *n = change_status_name((enum change_status)i);

		ck_assert(change_status_parse(n, strlen(n), &c));
		ck_assert_uint_eq(c, i);
	}
	for (i = 0; i < BATCH_STATUS__MAX; i++) {
		const char *n = batch_status_name((enum batch_status)i);

		ck_assert(batch_status_parse(n, strlen(n), &b));
		ck_assert_uint_eq(b, i);
	}
	for (i = 0; i < ATTEMPT_STATUS__MAX; i++) {
		const char *n = attempt_status_name((enum attempt_status)i);

		ck_assert(attempt_status_parse(n, strlen(n), &a));
		ck_assert_uint_eq(a, i);
	}
	ck_assert_str_eq(change_status_name(CHANGE_AWAITING_WALLET), "awaiting_wallet");
	ck_assert_str_eq(change_status_name(CHANGE_STATUS__MAX), "?");
	ck_assert_str_eq(batch_status_name(BATCH_MINED), "mined");
	ck_assert_str_eq(attempt_status_name(ATTEMPT_REPLACED), "replaced");
	ck_assert(!change_status_parse("record", 6, &c));
	ck_assert(!change_status_parse("recordedx", 9, &c));
	ck_assert(!batch_status_parse("", 0, &b));
	/* not NUL-terminated: only len bytes count */
	ck_assert(change_status_parse("failedXYZ", 6, &c));
	ck_assert_uint_eq(c, CHANGE_FAILED);
}
END_TEST

struct move {
	unsigned	from, to;
};

/* Every allowed move; anything else must be refused. */
static const struct move change_moves[] = {
	{ CHANGE_RECORDED, CHANGE_AWAITING_WALLET }, { CHANGE_RECORDED, CHANGE_BATCHED },
	{ CHANGE_RECORDED, CHANGE_CONFIRMED }, { CHANGE_AWAITING_WALLET, CHANGE_RECORDED },
	{ CHANGE_BATCHED, CHANGE_SUBMITTED }, { CHANGE_BATCHED, CHANGE_RECORDED },
	{ CHANGE_BATCHED, CHANGE_FAILED }, { CHANGE_SUBMITTED, CHANGE_CONFIRMED },
	{ CHANGE_SUBMITTED, CHANGE_RECORDED }, { CHANGE_SUBMITTED, CHANGE_FAILED },
	{ CHANGE_SUBMITTED, CHANGE_BATCHED }, { CHANGE_FAILED, CHANGE_RECORDED },
};
static const struct move batch_moves[] = {
	{ BATCH_PENDING, BATCH_SIGNED }, { BATCH_PENDING, BATCH_FAILED },
	{ BATCH_SIGNED, BATCH_SUBMITTED }, { BATCH_SIGNED, BATCH_PENDING },
	{ BATCH_SUBMITTED, BATCH_MINED }, { BATCH_SUBMITTED, BATCH_FAILED },
	{ BATCH_SUBMITTED, BATCH_PENDING }, { BATCH_MINED, BATCH_CONFIRMED },
	{ BATCH_MINED, BATCH_SUBMITTED },
};
static const struct move attempt_moves[] = {
	{ ATTEMPT_SIGNED, ATTEMPT_SENT }, { ATTEMPT_SIGNED, ATTEMPT_REPLACED },
	{ ATTEMPT_SIGNED, ATTEMPT_DROPPED }, { ATTEMPT_SENT, ATTEMPT_MINED },
	{ ATTEMPT_SENT, ATTEMPT_REPLACED }, { ATTEMPT_SENT, ATTEMPT_DROPPED },
	{ ATTEMPT_MINED, ATTEMPT_SENT }, { ATTEMPT_REPLACED, ATTEMPT_SENT },
	{ ATTEMPT_REPLACED, ATTEMPT_MINED },
};

static bool
listed(const struct move *m, size_t n, unsigned from, unsigned to)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].from == from && m[i].to == to)
			return true;
	return false;
}

#define NMOVES(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_transitions_exact)
{
	unsigned f, t;

	for (f = 0; f <= CHANGE_STATUS__MAX; f++)
		for (t = 0; t <= CHANGE_STATUS__MAX; t++)
			ck_assert_msg(change_transition_ok(f, t) ==
			    listed(change_moves, NMOVES(change_moves), f, t),
			    "change %u -> %u", f, t);
	for (f = 0; f <= BATCH_STATUS__MAX; f++)
		for (t = 0; t <= BATCH_STATUS__MAX; t++)
			ck_assert_msg(batch_transition_ok(f, t) ==
			    listed(batch_moves, NMOVES(batch_moves), f, t),
			    "batch %u -> %u", f, t);
	for (f = 0; f <= ATTEMPT_STATUS__MAX; f++)
		for (t = 0; t <= ATTEMPT_STATUS__MAX; t++)
			ck_assert_msg(attempt_transition_ok(f, t) ==
			    listed(attempt_moves, NMOVES(attempt_moves), f, t),
			    "attempt %u -> %u", f, t);
}
END_TEST

START_TEST(test_final_and_rules)
{
	unsigned s;

	/* Nothing leaves a final batch; only a re-queue leaves a failed change. */
	for (s = 0; s < BATCH_STATUS__MAX; s++) {
		ck_assert(!batch_transition_ok(BATCH_CONFIRMED, s));
		ck_assert(!batch_transition_ok(BATCH_FAILED, s));
		ck_assert(!change_transition_ok(CHANGE_CONFIRMED, s));
	}
	ck_assert(batch_status_final(BATCH_CONFIRMED) && batch_status_final(BATCH_FAILED));
	ck_assert(!batch_status_final(BATCH_MINED));
	ck_assert(change_status_final(CHANGE_CONFIRMED) && change_status_final(CHANGE_FAILED));
	ck_assert(!change_status_final(CHANGE_SUBMITTED));
	/* The rebind rule: recorded, waiting and failed changes never reached
	 * the chain, so they do not pin the wallet. */
	ck_assert(!change_status_pins_wallet(CHANGE_RECORDED));
	ck_assert(!change_status_pins_wallet(CHANGE_AWAITING_WALLET));
	ck_assert(!change_status_pins_wallet(CHANGE_FAILED));
	ck_assert(change_status_pins_wallet(CHANGE_BATCHED));
	ck_assert(change_status_pins_wallet(CHANGE_SUBMITTED));
	ck_assert(change_status_pins_wallet(CHANGE_CONFIRMED));
	ck_assert(change_status_in_flight(CHANGE_RECORDED));
	ck_assert(!change_status_in_flight(CHANGE_CONFIRMED));
	ck_assert(!change_status_in_flight(CHANGE_FAILED));
}
END_TEST

static Suite *
settle_status_suite(void)
{
	Suite *s = suite_create("settle_status");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_names_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("transitions");
	tcase_add_test(tc, test_transitions_exact);
	tcase_add_test(tc, test_final_and_rules);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(settle_status_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
