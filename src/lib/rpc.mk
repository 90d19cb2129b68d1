# src/lib/rpc.mk: file lists for this area (included by Makefile.am)
src_lib_libchainbridge_a_SOURCES += src/lib/rpc.c src/lib/rpc.h

check_PROGRAMS += tests/unit/test_rpc tests/unit/test_rpc_live
TESTS += tests/unit/test_rpc tests/unit/test_rpc_live
tests_unit_test_rpc_SOURCES = tests/unit/test_rpc.c
tests_unit_test_rpc_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_rpc_LDADD = $(TEST_LIBS) -lpthread
# The same file built against a real node ($ETH_RPC_URL); skips without one.
tests_unit_test_rpc_live_SOURCES = tests/unit/test_rpc.c
tests_unit_test_rpc_live_CFLAGS = $(TEST_CFLAGS) -pthread -DRPC_TEST_LIVE
tests_unit_test_rpc_live_LDADD = $(TEST_LIBS) -lpthread
