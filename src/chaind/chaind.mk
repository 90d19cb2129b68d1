# src/chaind/chaind.mk: chainbridge-chaind, the chain daemon (included by
# Makefile.am).  One file per role; the roles share chaind.h.
sbin_PROGRAMS += src/chaind/chainbridge-chaind
src_chaind_chainbridge_chaind_SOURCES = src/chaind/chaind.h \
	src/chaind/main.c src/chaind/worker.c src/chaind/lease.c \
	src/chaind/failpoint.c src/chaind/status.c src/chaind/housekeeping.c \
	src/chaind/settle_stub.c src/chaind/sync.h src/chaind/sync_logic.c \
	src/chaind/syncer.c src/chaind/sync_store.c src/chaind/checker.c
src_chaind_chainbridge_chaind_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/chaind
# The syncer prefetches with a thread (docs/sync.md).
src_chaind_chainbridge_chaind_CFLAGS = $(AM_CFLAGS) -pthread
src_chaind_chainbridge_chaind_LDADD = $(CB_LIBS) -lpthread

# The pure logic of the chain index (sync_logic.c), unit-tested alone.
check_PROGRAMS += tests/unit/test_sync_logic
TESTS += tests/unit/test_sync_logic
tests_unit_test_sync_logic_SOURCES = tests/unit/test_sync_logic.c src/chaind/sync_logic.c \
	src/chaind/sync.h
tests_unit_test_sync_logic_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/chaind
tests_unit_test_sync_logic_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sync_logic_LDADD = $(TEST_LIBS)
