# src/chaind/chaind.mk: chainbridge-chaind, the chain daemon (included by
# Makefile.am).  One file per role; the roles share chaind.h, the
# settlement roles settle.h.
#
# The settlement decisions that need neither store nor node (netting,
# splitting, fees, what a revert means, nonce reconciliation, bisection) live
# in a convenience library, so the unit tests link exactly the code the
# daemon runs.
noinst_LIBRARIES += src/chaind/libsettle.a
src_chaind_libsettle_a_SOURCES = \
	src/chaind/plan.c src/chaind/plan.h \
	src/chaind/fees.c src/chaind/fees.h \
	src/chaind/refusal.c src/chaind/refusal.h \
	src/chaind/nonce.c src/chaind/nonce.h \
	src/chaind/bisect.c src/chaind/bisect.h
src_chaind_libsettle_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/chaind

sbin_PROGRAMS += src/chaind/chainbridge-chaind
src_chaind_chainbridge_chaind_SOURCES = src/chaind/chaind.h \
	src/chaind/main.c src/chaind/worker.c src/chaind/lease.c \
	src/chaind/failpoint.c src/chaind/status.c src/chaind/housekeeping.c \
	src/chaind/settle.c src/chaind/settle.h \
	src/chaind/batcher.c src/chaind/submitter.c src/chaind/confirmer.c \
	src/chaind/sync.h src/chaind/sync_logic.c \
	src/chaind/syncer.c src/chaind/sync_store.c src/chaind/checker.c
src_chaind_chainbridge_chaind_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/chaind
# The syncer prefetches with a thread (docs/sync.md).
src_chaind_chainbridge_chaind_CFLAGS = $(AM_CFLAGS) -pthread
src_chaind_chainbridge_chaind_LDADD = src/chaind/libsettle.a $(CB_LIBS) -lpthread

# The pure logic of the chain index (sync_logic.c), unit-tested alone.
check_PROGRAMS += tests/unit/test_sync_logic
TESTS += tests/unit/test_sync_logic
tests_unit_test_sync_logic_SOURCES = tests/unit/test_sync_logic.c src/chaind/sync_logic.c \
	src/chaind/sync.h
tests_unit_test_sync_logic_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/chaind
tests_unit_test_sync_logic_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sync_logic_LDADD = $(TEST_LIBS)

# Unit tests of the settlement decisions (tests/unit/test_settle_*.c).
SETTLE_UNIT_TESTS = tests/unit/test_settle_plan tests/unit/test_settle_fees \
	tests/unit/test_settle_refusal tests/unit/test_settle_nonce \
	tests/unit/test_settle_bisect
check_PROGRAMS += $(SETTLE_UNIT_TESTS)
TESTS += $(SETTLE_UNIT_TESTS)
SETTLE_UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/chaind
SETTLE_UNIT_LIBS = src/chaind/libsettle.a $(TEST_LIBS)
tests_unit_test_settle_plan_SOURCES = tests/unit/test_settle_plan.c
tests_unit_test_settle_plan_CPPFLAGS = $(SETTLE_UNIT_CPPFLAGS)
tests_unit_test_settle_plan_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settle_plan_LDADD = $(SETTLE_UNIT_LIBS)
tests_unit_test_settle_fees_SOURCES = tests/unit/test_settle_fees.c
tests_unit_test_settle_fees_CPPFLAGS = $(SETTLE_UNIT_CPPFLAGS)
tests_unit_test_settle_fees_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settle_fees_LDADD = $(SETTLE_UNIT_LIBS)
tests_unit_test_settle_refusal_SOURCES = tests/unit/test_settle_refusal.c
tests_unit_test_settle_refusal_CPPFLAGS = $(SETTLE_UNIT_CPPFLAGS)
tests_unit_test_settle_refusal_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settle_refusal_LDADD = $(SETTLE_UNIT_LIBS)
tests_unit_test_settle_nonce_SOURCES = tests/unit/test_settle_nonce.c
tests_unit_test_settle_nonce_CPPFLAGS = $(SETTLE_UNIT_CPPFLAGS)
tests_unit_test_settle_nonce_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settle_nonce_LDADD = $(SETTLE_UNIT_LIBS)
tests_unit_test_settle_bisect_SOURCES = tests/unit/test_settle_bisect.c
tests_unit_test_settle_bisect_CPPFLAGS = $(SETTLE_UNIT_CPPFLAGS)
tests_unit_test_settle_bisect_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settle_bisect_LDADD = $(SETTLE_UNIT_LIBS)

# The unit and the manual page.  ExecStart names the installed binary, so
# the unit is generated with the configured sbindir and sysconfdir.
systemdsystemunit_DATA += systemd/chainbridge-chaind.service
dist_man_MANS += man/chainbridge-chaind.8
EXTRA_DIST += systemd/chainbridge-chaind.service.in docs/settlement.md docs/chaind.md
CLEANFILES += systemd/chainbridge-chaind.service
systemd/chainbridge-chaind.service: $(srcdir)/systemd/chainbridge-chaind.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/systemd/chainbridge-chaind.service.in > $@-t && mv $@-t $@
