# src/lib/ledger/ledger.mk: the ledger layer shared by the API and the chain
# daemon: the settlement state machine, the batch strategy's rule, the
# write transaction, wallet bindings and the per-process registry cache.
src_lib_libchainbridge_a_SOURCES += src/lib/ledger/status.c src/lib/ledger/status.h \
	src/lib/ledger/rule.c src/lib/ledger/rule.h \
	src/lib/ledger/write.c src/lib/ledger/write.h \
	src/lib/ledger/wallet.c src/lib/ledger/wallet.h \
	src/lib/ledger/cache.c src/lib/ledger/cache.h

check_PROGRAMS += tests/unit/test_settle_status tests/unit/test_settle_rule
TESTS += tests/unit/test_settle_status tests/unit/test_settle_rule
tests_unit_test_settle_status_SOURCES = tests/unit/test_settle_status.c
tests_unit_test_settle_status_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settle_status_LDADD = $(TEST_LIBS)
tests_unit_test_settle_rule_SOURCES = tests/unit/test_settle_rule.c
tests_unit_test_settle_rule_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settle_rule_LDADD = $(TEST_LIBS)
