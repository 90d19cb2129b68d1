# src/api/api.mk: chainbridge-api, the ledger API's FastCGI worker pool
# (included by Makefile.am).
#
# The request core and the resource handlers live in a convenience library,
# so unit tests link exactly the code the binary runs; main.c (the master)
# is the only file outside it.  Resource files are added to
# src_api_libapi_a_SOURCES below.

noinst_LIBRARIES += src/api/libapi.a
src_api_libapi_a_SOURCES = \
	src/api/http.c src/api/http.h \
	src/api/router.c src/api/router.h \
	src/api/auth.c src/api/auth.h \
	src/api/metrics.c src/api/metrics.h \
	src/api/health.c src/api/health.h \
	src/api/worker.c src/api/worker.h
src_api_libapi_a_CFLAGS = $(AM_CFLAGS)

API_LIBS = src/api/libapi.a $(CB_LIBS) $(FCGI_LIBS)

sbin_PROGRAMS += src/api/chainbridge-api
src_api_chainbridge_api_SOURCES = src/api/main.c
src_api_chainbridge_api_LDADD = $(API_LIBS)

# Units and the manual page.  The service's ExecStart names the installed
# binary, so the unit is generated with the configured sbindir and sysconfdir.
systemdsystemunit_DATA = systemd/chainbridge-api.socket \
	systemd/chainbridge-api.service
dist_man_MANS += man/chainbridge-api.8
EXTRA_DIST += systemd/chainbridge-api.socket systemd/chainbridge-api.service.in \
	docs/api-auth.md
CLEANFILES += systemd/chainbridge-api.service
systemd/chainbridge-api.service: $(srcdir)/systemd/chainbridge-api.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/systemd/chainbridge-api.service.in > $@-t && mv $@-t $@

check_PROGRAMS += tests/unit/test_router tests/unit/test_http
TESTS += tests/unit/test_router tests/unit/test_http
tests_unit_test_router_SOURCES = tests/unit/test_router.c
tests_unit_test_router_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api
tests_unit_test_router_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_router_LDADD = $(API_LIBS) $(CHECK_LIBS)
tests_unit_test_http_SOURCES = tests/unit/test_http.c
tests_unit_test_http_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api
tests_unit_test_http_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_http_LDADD = $(API_LIBS) $(CHECK_LIBS)
check_PROGRAMS += tests/unit/test_metrics
TESTS += tests/unit/test_metrics
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c
tests_unit_test_metrics_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api
tests_unit_test_metrics_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_metrics_LDADD = $(API_LIBS) $(CHECK_LIBS)

# The ledger routes (docs/api.md): the route table, the write transaction and
# one file per resource.
src_api_libapi_a_SOURCES += src/api/routes.c \
	src/api/ledger.c src/api/ledger.h \
	src/api/adjust.c src/api/rewards.c src/api/consumption.c \
	src/api/balance.c src/api/operations.c src/api/batches.c \
	src/api/tokens.c src/api/reasons.c src/api/strategies.c \
	src/api/wallets.c
check_PROGRAMS += tests/unit/test_ledger_logic
TESTS += tests/unit/test_ledger_logic
tests_unit_test_ledger_logic_SOURCES = tests/unit/test_ledger_logic.c
tests_unit_test_ledger_logic_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api
tests_unit_test_ledger_logic_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ledger_logic_LDADD = $(API_LIBS) $(CHECK_LIBS)
EXTRA_DIST += docs/api.md

# A private API instance (no store) has no core dumps, master and worker.
TESTS += tests/unit/test_api_no_core.sh
EXTRA_DIST += tests/unit/test_api_no_core.sh
# The chain data routes (docs/api.md, "Chain data"): the synced chain index,
# tokens and staking, verification against the node, reconciliation.
src_api_libapi_a_SOURCES += src/api/stake_rewards.c src/api/stake_rewards.h \
	src/api/chainread.c src/api/chainread.h src/api/chains.c \
	src/api/chain_tokens.c src/api/staking.c \
	src/api/chainrpc.c src/api/chainrpc.h src/api/verify.c src/api/reconcile.c
check_PROGRAMS += tests/unit/test_stake_rewards
TESTS += tests/unit/test_stake_rewards
tests_unit_test_stake_rewards_SOURCES = tests/unit/test_stake_rewards.c
tests_unit_test_stake_rewards_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api
tests_unit_test_stake_rewards_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_stake_rewards_LDADD = $(API_LIBS) $(CHECK_LIBS)
