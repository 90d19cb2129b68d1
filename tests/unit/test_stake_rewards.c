/*
 * test_stake_rewards.c - the StakingPool reward rule replayed from events
 * (src/api/stake_rewards.h): Math.mulDiv with a 512-bit product, and
 * crafted event sequences with exact integers, table-driven.  The random
 * cases print their seed (CB_TEST_SEED repeats a run).
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stake_rewards.h"

#define MAX_EVENTS	8
/* 10^18 and friends, as decimal text. */
#define E18		"000000000000000000"

static u256
dec(const char *s)
{
	u256 v;

	ck_assert_msg(u256_from_dec(&v, s, strlen(s)) == 0, "bad test number %s", s);
	return v;
}

static void
assert_u256(const u256 *got, const char *want, const char *what)
{
	char text[U256_DEC_MAX];

	u256_to_dec(got, text, sizeof(text));
	ck_assert_msg(strcmp(text, want) == 0, "%s: got %s, want %s", what, text, want);
}

/* ------------------------------------------------------------------ mulDiv */

#define U256_MAX_DEC \
	"115792089237316195423570985008687907853269984665640564039457584007913129639935"

struct muldiv_case {
	const char	*a, *b, *d;
	const char	*want;		/* NULL: -1 (zero divisor or overflow) */
};

static const struct muldiv_case muldiv_cases[] = {
	{ "0", "12345", "7", "0" },
	{ "10", "10", "3", "33" },
	{ "1", "1", "1", "1" },
	{ "7", "0", "1", "0" },
	{ "5", "5", "0", NULL },
	/* The product passes 2^256, the quotient does not. */
	{ U256_MAX_DEC, "2", "2", U256_MAX_DEC },
	{ U256_MAX_DEC, U256_MAX_DEC, U256_MAX_DEC, U256_MAX_DEC },
	{ U256_MAX_DEC, "3", "4",
	  "86844066927987146567678238756515930889952488499230423029593188005934847229951" },
	/* 2^200 * 2^100 / 2^60 = 2^240 */
	{ "1606938044258990275541962092341162602522202993782792835301376",
	  "1267650600228229401496703205376", "1152921504606846976",
	  "1766847064778384329583297500742918515827483896875618958121606201292619776" },
	/* The quotient does not fit. */
	{ U256_MAX_DEC, "2", "1", NULL },
	{ U256_MAX_DEC, U256_MAX_DEC, "1", NULL },
	/* 100 tokens at 1 %/h for 2 h: 2 tokens. */
	{ "100" E18, "72000000000000000000", "3600" E18, "2" E18 },
};

START_TEST(test_muldiv_table)
{
	const struct muldiv_case *c = &muldiv_cases[_i];
	u256 a = dec(c->a), b = dec(c->b), d = dec(c->d), q;
	int r;

	u256_from_u64(&q, 424242);
	r = stake_rewards_muldiv(&q, &a, &b, &d);
	if (c->want == NULL) {
		ck_assert_int_eq(r, -1);
		ck_assert_msg(q.limb[0] == 424242 && q.limb[1] == 0, "q written on failure");
		return;
	}
	ck_assert_int_eq(r, 0);
	assert_u256(&q, c->want, "muldiv");
}
END_TEST

static uint64_t
next_rand(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* Random operands whose product fits 256 bits and divisor fits 64 bits:
 * checked against u256_mul and u256_divmod_u64. */
START_TEST(test_muldiv_random)
{
	const char *env = getenv("CB_TEST_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 10) : (uint64_t)time(NULL);
	uint64_t s = seed | 1, rem;
	int i;

	printf("test_muldiv_random seed %" PRIu64 "\n", seed);
	for (i = 0; i < 20000; i++) {
		u256 a, b, d, p, want, got;
		unsigned la = (unsigned)(next_rand(&s) % 3), lb = 2 - la, k;

		u256_zero(&a);
		u256_zero(&b);
		for (k = 0; k <= la; k++)
			a.limb[k] = next_rand(&s) >> (next_rand(&s) % 64);
		for (k = 0; k <= lb; k++)
			b.limb[k] = next_rand(&s) >> (next_rand(&s) % 64);
		a.limb[la] >>= 1;
		b.limb[lb] >>= 1;
		u256_from_u64(&d, (next_rand(&s) >> (next_rand(&s) % 63)) | 1);
		ck_assert_msg(u256_mul(&p, &a, &b) == 0, "seed %" PRIu64 " case %d", seed, i);
		ck_assert(u256_divmod_u64(&want, &p, d.limb[0], &rem) == 0);
		ck_assert_int_eq(stake_rewards_muldiv(&got, &a, &b, &d), 0);
		ck_assert_msg(u256_cmp(&got, &want) == 0, "seed %" PRIu64 " case %d", seed, i);
	}
}
END_TEST

/* ------------------------------------------------------------------- rules */

struct ev {
	enum stake_event_kind	 kind;
	const char		*amount;
	uint64_t		 ts;
};

struct reward_case {
	const char	*name;
	unsigned	 decimals;
	const char	*rate;
	struct ev	 events[MAX_EVENTS];
	unsigned	 nevents;
	uint64_t	 at;
	const char	*earned;	/* NULL: the contract's earned() reverts */
	const char	*staked;
	const char	*claimed;
	bool		 consistent;
};

#define ST(a, t)	{ STAKE_EV_STAKED, a, t }
#define UN(a, t)	{ STAKE_EV_UNSTAKED, a, t }
#define CL(a, t)	{ STAKE_EV_CLAIMED, a, t }
/* The stack's pool: 18 decimals, 10^16 per token per hour = 1 % per hour. */
#define RATE_1PCT	"10000000000000000"

static const struct reward_case reward_cases[] = {
	{ "no events", 18, RATE_1PCT, { { 0, NULL, 0 } }, 0, 5000, "0", "0", "0", true },
	{ "100 tokens for 2 hours earn 2 tokens", 18, RATE_1PCT,
	  { ST("100" E18, 1000) }, 1, 1000 + 7200, "2" E18, "100" E18, "0", true },
	{ "the block of the stake earns nothing", 18, RATE_1PCT,
	  { ST("100" E18, 1000) }, 1, 1000, "0", "100" E18, "0", true },
	{ "a reference before the last action earns nothing more", 18, RATE_1PCT,
	  { ST("100" E18, 1000) }, 1, 999, "0", "100" E18, "0", true },
	{ "second stake closes a segment", 18, RATE_1PCT,
	  { ST("100" E18, 0), ST("50" E18, 3600) }, 2, 7200,
	  "2500000000000000000", "150" E18, "0", true },
	{ "unstake all: nothing runs after it, accrued stays", 18, RATE_1PCT,
	  { ST("100" E18, 0), UN("100" E18, 3600) }, 2, 100000, "1" E18, "0", "0", true },
	{ "partial unstake", 18, RATE_1PCT,
	  { ST("100" E18, 0), UN("40" E18, 3600) }, 2, 7200,
	  "1600000000000000000", "60" E18, "0", true },
	{ "claim pays out the accrued", 18, RATE_1PCT,
	  { ST("100" E18, 0), CL("1" E18, 3600) }, 2, 7200, "1" E18, "100" E18, "1" E18, true },
	{ "claim of another amount: an event is missing", 18, RATE_1PCT,
	  { ST("100" E18, 0), CL("2" E18, 3600) }, 2, 7200, "1" E18, "100" E18, "2" E18, false },
	{ "unstake above the stake: an event is missing", 18, RATE_1PCT,
	  { ST("10" E18, 0), UN("11" E18, 3600) }, 2, 7200,
	  "100000000000000000", "0", "0", false },
	{ "each segment is rounded down on its own", 0, "1",
	  { ST("1", 0), ST("1", 1800), ST("1", 3600) }, 3, 5400, "2", "3", "0", true },
	{ "a segment worth less than one base unit earns 0", 18, "1",
	  { ST("1", 0), ST("1", 3599) }, 2, 7198, "0", "2", "0", true },
	{ "same block: stake and unstake earn nothing", 18, RATE_1PCT,
	  { ST("5" E18, 77), UN("5" E18, 77) }, 2, 100000, "0", "0", "0", true },
	{ "6 decimals (USDT-like), 0.5 %/h, 3 segments", 6, "5000",
	  { ST("1000000000", 0), ST("500000000", 1800), UN("1500000000", 5400),
	    ST("1", 9000) }, 4, 12600,
	  "10000000", "1", "0", true },
	{ "stake, claim, unstake, stake again, claim", 18, RATE_1PCT,
	  { ST("100" E18, 0), CL("1" E18, 3600), UN("100" E18, 7200), ST("10" E18, 10800),
	    CL("1100000000000000000", 14400) }, 5, 18000,
	  "100000000000000000", "10" E18, "2100000000000000000", true },
	{ "the running segment overflows: earned() reverts", 0,
	  "57896044618658097711785492504343953926634992332820282019728792003956564819968",
	  { ST("1", 0) }, 1, 3, NULL, "1", "0", true },
	{ "huge stake, mulDiv needs 512 bits", 0, "3600",
	  { ST("57896044618658097711785492504343953926634992332820282019728792003956564819968",
	    0) }, 1, 1,
	  "57896044618658097711785492504343953926634992332820282019728792003956564819968",
	  "57896044618658097711785492504343953926634992332820282019728792003956564819968",
	  "0", true },
};

START_TEST(test_rewards_table)
{
	const struct reward_case *c = &reward_cases[_i];
	struct stake_rewards sr;
	struct stake_event ev;
	u256 rate = dec(c->rate), earned;
	enum cb_err rc;
	unsigned i;

	ck_assert_int_eq(stake_rewards_init(&sr, &rate, c->decimals), CB_OK);
	for (i = 0; i < c->nevents; i++) {
		ev.kind = c->events[i].kind;
		ev.amount = dec(c->events[i].amount);
		ev.timestamp = c->events[i].ts;
		ck_assert_msg(stake_rewards_apply(&sr, &ev) == CB_OK, "%s: event %u", c->name, i);
	}
	rc = stake_rewards_earned(&sr, c->at, &earned);
	if (c->earned == NULL) {
		ck_assert_msg(rc == CB_ERR_RANGE, "%s: want an overflow", c->name);
	} else {
		ck_assert_msg(rc == CB_OK, "%s: %d", c->name, rc);
		assert_u256(&earned, c->earned, c->name);
	}
	assert_u256(&sr.staked, c->staked, c->name);
	assert_u256(&sr.claimed, c->claimed, c->name);
	ck_assert_msg(sr.consistent == c->consistent, "%s: consistent", c->name);
}
END_TEST

START_TEST(test_rewards_misuse)
{
	struct stake_rewards sr;
	struct stake_event ev;
	u256 rate, big;

	u256_from_u64(&rate, 1);
	ck_assert_int_eq(stake_rewards_init(&sr, &rate, STAKE_REWARDS_DECIMALS_MAX + 1),
	    CB_ERR_RANGE);
	ck_assert_int_eq(stake_rewards_init(&sr, &rate, STAKE_REWARDS_DECIMALS_MAX), CB_OK);
	memset(&ev, 0, sizeof(ev));
	ev.kind = (enum stake_event_kind)9;
	ck_assert_int_eq(stake_rewards_apply(&sr, &ev), CB_ERR_INVALID);
	/* A stake that passes 2^256 - 1 in total. */
	big = dec(U256_MAX_DEC);
	ck_assert_int_eq(stake_rewards_init(&sr, &rate, 0), CB_OK);
	ev.kind = STAKE_EV_STAKED;
	ev.amount = big;
	ev.timestamp = 1;
	ck_assert_int_eq(stake_rewards_apply(&sr, &ev), CB_OK);
	u256_from_u64(&ev.amount, 1);
	ck_assert_int_eq(stake_rewards_apply(&sr, &ev), CB_ERR_RANGE);
}
END_TEST

static Suite *
stake_rewards_suite(void)
{
	Suite *s = suite_create("stake_rewards");
	TCase *md = tcase_create("muldiv"), *rules = tcase_create("rule");

	tcase_add_loop_test(md, test_muldiv_table, 0,
	    (int)(sizeof(muldiv_cases) / sizeof(muldiv_cases[0])));
	tcase_add_test(md, test_muldiv_random);
	suite_add_tcase(s, md);
	tcase_add_loop_test(rules, test_rewards_table, 0,
	    (int)(sizeof(reward_cases) / sizeof(reward_cases[0])));
	tcase_add_test(rules, test_rewards_misuse);
	suite_add_tcase(s, rules);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(stake_rewards_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
