/* test_settle_bisect.c - finding the failing items of a reverting batch
 * (src/chaind/bisect.c), against a fake simulation. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bisect.h"

/* The fake chain: a set of bad items; a subset reverts when it holds one,
 * or (interaction) when it holds every item of a pair. */
struct fake {
	bool		 bad[64];
	int		 pair[2];	/* -1: none */
	int		 error_after;	/* simulations before an error; -1: never */
	unsigned	 calls;
};

static enum bisect_sim
fake_sim(void *arg, const size_t *idx, size_t n)
{
	struct fake *f = arg;
	bool a = false, b = false;
	size_t i;

	ck_assert(n > 0);
	if (f->error_after >= 0 && (int)f->calls >= f->error_after)
		return BISECT_SIM_ERROR;
	f->calls++;
	for (i = 0; i < n; i++) {
		if (i > 0)
			ck_assert(idx[i] > idx[i - 1]);
		if (f->bad[idx[i]])
			return BISECT_SIM_REVERT;
		if ((int)idx[i] == f->pair[0])
			a = true;
		if ((int)idx[i] == f->pair[1])
			b = true;
	}
	return a && b ? BISECT_SIM_REVERT : BISECT_SIM_OK;
}

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->pair[0] = f->pair[1] = -1;
	f->error_after = -1;
}

struct bad_case {
	size_t	 n;
	int	 bad[8];	/* -1 ends */
};

static const struct bad_case bad_cases[] = {
	{ 1, { 0, -1 } },
	{ 2, { 1, -1 } },
	{ 7, { 3, -1 } },
	{ 8, { 0, 7, -1 } },
	{ 50, { 13, 14, 49, -1 } },
	{ 64, { 0, 1, 2, 3, 4, 5, 6, 63 } },
};

START_TEST(test_finds_bad_items)
{
	const struct bad_case *c = &bad_cases[_i];
	struct bisect_result r;
	struct fake f;
	size_t i, nbad = 0;

	fake_init(&f);
	for (i = 0; i < 8 && c->bad[i] >= 0; i++) {
		f.bad[c->bad[i]] = true;
		nbad++;
	}
	ck_assert_int_eq(bisect_find(c->n, fake_sim, &f, 1000, &r), 0);
	ck_assert(!r.incomplete);
	ck_assert(!r.unexplained);
	ck_assert_uint_eq(r.nfailing, nbad);
	for (i = 0; i < nbad; i++)
		ck_assert_uint_eq(r.failing[i], (size_t)c->bad[i]);
	/* about two simulations per bad item per level */
	ck_assert(r.calls <= 2 * nbad * 7 + 2);
	ck_assert_uint_eq(r.calls, f.calls);
	bisect_free(&r);
}
END_TEST

/* Two items that revert only together: nobody alone is to blame. */
START_TEST(test_interaction_unexplained)
{
	struct bisect_result r;
	struct fake f;

	fake_init(&f);
	f.pair[0] = 2;
	f.pair[1] = 5;
	ck_assert_int_eq(bisect_find(8, fake_sim, &f, 1000, &r), 0);
	ck_assert(r.unexplained);
	ck_assert_uint_eq(r.nfailing, 0);
	bisect_free(&r);
}
END_TEST

/* A simulation that cannot tell, or too few calls: incomplete, no verdict
 * to act on. */
START_TEST(test_incomplete)
{
	struct bisect_result r;
	struct fake f;

	fake_init(&f);
	f.bad[5] = true;
	f.error_after = 1;
	ck_assert_int_eq(bisect_find(8, fake_sim, &f, 1000, &r), 0);
	ck_assert(r.incomplete);
	bisect_free(&r);

	fake_init(&f);
	f.bad[5] = true;
	ck_assert_int_eq(bisect_find(64, fake_sim, &f, 3, &r), 0);
	ck_assert(r.incomplete);
	ck_assert_uint_le(r.calls, 3);
	bisect_free(&r);

	ck_assert_int_eq(bisect_find(0, fake_sim, &f, 3, &r), 0);
	ck_assert_uint_eq(r.nfailing, 0);
	bisect_free(&r);
	bisect_free(NULL);
}
END_TEST

static Suite *
bisect_suite(void)
{
	Suite *s = suite_create("settle_bisect");
	TCase *tc = tcase_create("bisect");

	tcase_add_loop_test(tc, test_finds_bad_items, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_interaction_unexplained);
	tcase_add_test(tc, test_incomplete);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bisect_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
