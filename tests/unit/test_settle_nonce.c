/* test_settle_nonce.c - nonce reconciliation decisions and the outcome of
 * a send (src/chaind/nonce.c; docs/settlement.md, "Nonces"). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nonce.h"

#define MAXH	8

struct rec_case {
	const char		*name;
	bool			 have_store;
	uint64_t		 store_next, chain;
	struct nonce_held	 held[MAXH];
	size_t			 nheld;
	enum nonce_action	 want;
	uint64_t		 want_next;	/* INIT, FOLLOW, LOWER */
	uint64_t		 want_gap;	/* GAP */
};

#define H(n)	{ (n), false }
#define F(n)	{ (n), true }

static const struct rec_case rec_cases[] = {
	{ "first start", false, 0, 7, { { 0, false } }, 0, NONCE_INIT, 7, 0 },
	{ "first start above stored", false, 0, 7, { H(7), H(8) }, 2, NONCE_INIT, 9, 0 },
	{ "in step", true, 5, 5, { { 0, false } }, 0, NONCE_KEEP, 5, 0 },
	{ "in step, mined below", true, 5, 5, { F(3), F(4) }, 2, NONCE_KEEP, 5, 0 },
	{ "key used elsewhere", true, 5, 9, { F(4) }, 1, NONCE_FOLLOW_CHAIN, 9, 0 },
	{ "ours in the pool", true, 8, 5, { H(5), H(6), H(7) }, 3, NONCE_KEEP, 8, 0 },
	{ "pool forgot, all held", true, 8, 5, { H(5), H(6), H(7), F(4) }, 4, NONCE_KEEP, 8, 0 },
	{ "top unexplained", true, 9, 5, { H(5), H(6) }, 2, NONCE_LOWER, 7, 0 },
	{ "nothing held", true, 9, 5, { { 0, false } }, 0, NONCE_LOWER, 5, 0 },
	{ "gap below a held one", true, 9, 5, { H(5), H(7), H(8) }, 3, NONCE_GAP, 0, 6 },
	{ "gap at the bottom", true, 9, 5, { H(6), H(7), H(8) }, 3, NONCE_GAP, 0, 5 },
	{ "node behind a mined one", true, 8, 5, { F(5), H(6), H(7) }, 3, NONCE_NODE_BEHIND, 0, 0 },
	{ "node behind, even in step", true, 5, 5, { F(5) }, 1, NONCE_NODE_BEHIND, 0, 0 },
	{ "held below the chain is old news", true, 5, 9, { H(3) }, 1, NONCE_FOLLOW_CHAIN, 9, 0 },
};

START_TEST(test_reconcile)
{
	const struct rec_case *c = &rec_cases[_i];
	struct nonce_decision d;

	nonce_reconcile(c->have_store, c->store_next, c->chain, c->held, c->nheld, &d);
	ck_assert_msg(d.action == c->want, "%s: got %s want %s", c->name,
	    nonce_action_name(d.action), nonce_action_name(c->want));
	if (c->want == NONCE_INIT || c->want == NONCE_FOLLOW_CHAIN || c->want == NONCE_LOWER ||
	    c->want == NONCE_KEEP)
		ck_assert_msg(d.next == c->want_next, "%s: next %llu want %llu", c->name,
		    (unsigned long long)d.next, (unsigned long long)c->want_next);
	if (c->want == NONCE_GAP)
		ck_assert_msg(d.gap == c->want_gap, "%s: gap %llu", c->name,
		    (unsigned long long)d.gap);
}
END_TEST

/* Whatever the input, a decision never leaves next below a held nonce. */
START_TEST(test_reconcile_never_reuses)
{
	struct nonce_held held[4];
	struct nonce_decision d;
	uint64_t store, chain, mask, i;

	for (store = 0; store < 8; store++) {
		for (chain = 0; chain < 8; chain++) {
			for (mask = 0; mask < 16; mask++) {
				size_t n = 0;

				for (i = 0; i < 4; i++)
					if (mask & (1u << i)) {
						held[n].nonce = chain + i;
						held[n++].finished = false;
					}
				nonce_reconcile(true, store, chain, held, n, &d);
				if (d.action != NONCE_LOWER && d.action != NONCE_FOLLOW_CHAIN)
					continue;
				for (i = 0; i < n; i++)
					if (held[i].nonce < store)
						ck_assert_msg(d.next > held[i].nonce,
						    "store %llu chain %llu mask %llu: next %llu",
						    (unsigned long long)store,
						    (unsigned long long)chain,
						    (unsigned long long)mask,
						    (unsigned long long)d.next);
				ck_assert(d.next >= chain);
			}
		}
	}
}
END_TEST

struct send_case {
	enum cb_err		 rc;
	enum rpc_errclass	 cls;
	enum send_action	 want;
};

static const struct send_case send_cases[] = {
	{ CB_OK, RPC_ERRCLASS_NONE, SEND_MARK_SENT },
	{ CB_ERR_RPC, RPC_ERRCLASS_ALREADY_KNOWN, SEND_MARK_SENT },
	{ CB_ERR_RPC, RPC_ERRCLASS_NONCE_TOO_LOW, SEND_MARK_SENT_CHECK },
	{ CB_ERR_RPC, RPC_ERRCLASS_UNDERPRICED, SEND_KEEP_UNDERPRICED },
	{ CB_ERR_RPC, RPC_ERRCLASS_INSUFFICIENT_FUNDS, SEND_KEEP_FUNDS },
	{ CB_ERR_RPC, RPC_ERRCLASS_REVERTED, SEND_KEEP_ERROR },
	{ CB_ERR_RPC, RPC_ERRCLASS_OTHER, SEND_KEEP_ERROR },
	{ CB_ERR_RPC_TRANSPORT, RPC_ERRCLASS_NONE, SEND_KEEP_RETRY },
	{ CB_ERR_INVALID, RPC_ERRCLASS_NONE, SEND_KEEP_RETRY },
	{ CB_ERR_TOO_LARGE, RPC_ERRCLASS_NONE, SEND_KEEP_RETRY },
};

START_TEST(test_send_action)
{
	const struct send_case *c = &send_cases[_i];
	struct rpc_error err;

	memset(&err, 0, sizeof(err));
	err.errclass = c->cls;
	ck_assert_msg(nonce_send_action(c->rc, &err) == c->want, "case %d: %s", _i,
	    nonce_send_action_name(nonce_send_action(c->rc, &err)));
}
END_TEST

/* The classes as the node words them (the RPC layer's table). */
START_TEST(test_send_messages)
{
	struct rpc_error err;

	memset(&err, 0, sizeof(err));
	err.errclass = rpc_errclass_classify(-32003, "nonce too low: next nonce 5, tx nonce 3");
	ck_assert_int_eq(nonce_send_action(CB_ERR_RPC, &err), SEND_MARK_SENT_CHECK);
	err.errclass = rpc_errclass_classify(-32000, "transaction already imported");
	ck_assert_int_eq(nonce_send_action(CB_ERR_RPC, &err), SEND_MARK_SENT);
	err.errclass = rpc_errclass_classify(-32000, "replacement transaction underpriced");
	ck_assert_int_eq(nonce_send_action(CB_ERR_RPC, &err), SEND_KEEP_UNDERPRICED);
	err.errclass = rpc_errclass_classify(-32003, "insufficient funds for gas * price + value");
	ck_assert_int_eq(nonce_send_action(CB_ERR_RPC, &err), SEND_KEEP_FUNDS);
	ck_assert_str_eq(nonce_action_name(NONCE_GAP), "gap");
	ck_assert_str_eq(nonce_send_action_name(SEND_KEEP_FUNDS), "insufficient_funds");
	ck_assert_str_eq(nonce_action_name(NONCE_ACTION__MAX), "?");
}
END_TEST

static Suite *
nonce_suite(void)
{
	Suite *s = suite_create("settle_nonce");
	TCase *tc;

	tc = tcase_create("reconcile");
	tcase_add_loop_test(tc, test_reconcile, 0, sizeof(rec_cases) / sizeof(rec_cases[0]));
	tcase_add_test(tc, test_reconcile_never_reuses);
	suite_add_tcase(s, tc);
	tc = tcase_create("send");
	tcase_add_loop_test(tc, test_send_action, 0, sizeof(send_cases) / sizeof(send_cases[0]));
	tcase_add_test(tc, test_send_messages);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(nonce_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
