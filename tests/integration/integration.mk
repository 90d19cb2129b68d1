# tests/integration/integration.mk: the integration tests (included by
# Makefile.am).  They talk to the running stack through nginx; see
# tests/integration/harness.h.  Each test program links $(HARNESS_LIBS):
#
#	check_PROGRAMS += tests/integration/test_foo
#	TESTS += tests/integration/test_foo
#	tests_integration_test_foo_SOURCES = tests/integration/test_foo.c
#	tests_integration_test_foo_CFLAGS = $(HARNESS_CFLAGS)
#	tests_integration_test_foo_LDADD = $(HARNESS_LIBS)

check_LIBRARIES = tests/integration/libharness.a
tests_integration_libharness_a_SOURCES = tests/integration/harness.c \
	tests/integration/harness.h
tests_integration_libharness_a_CFLAGS = $(AM_CFLAGS) -pthread

HARNESS_CFLAGS = $(TEST_CFLAGS) -pthread
HARNESS_LIBS = tests/integration/libharness.a $(TEST_LIBS) -lpthread

# Shell tests of the admin tool against the stack's MariaDB.
TESTS += tests/integration/test_migrate.sh
EXTRA_DIST += tests/integration/test_migrate.sh

# The HTTPS nginx site in front of the stack's API socket.
TESTS += tests/integration/test_nginx_tls.sh
EXTRA_DIST += tests/integration/test_nginx_tls.sh

# The monitoring contract: /metrics as promtool reads it, and every metric
# the alerting rules and the Grafana dashboard (contrib/) use exported.
TESTS += tests/integration/test_metrics_contract.sh
EXTRA_DIST += tests/integration/test_metrics_contract.sh \
	contrib/prometheus/chainbridge.rules.yml contrib/grafana/chainbridge.json docs/metrics.md

check_PROGRAMS += tests/integration/test_api_core tests/integration/test_api_resilience
TESTS += tests/integration/test_api_core tests/integration/test_api_resilience
tests_integration_test_api_core_SOURCES = tests/integration/test_api_core.c
tests_integration_test_api_core_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_api_core_LDADD = $(HARNESS_LIBS)
tests_integration_test_api_resilience_SOURCES = tests/integration/test_api_resilience.c
tests_integration_test_api_resilience_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_api_resilience_LDADD = $(HARNESS_LIBS)

# The Ethereum layer against the stack's anvil ($ETH_RPC_URL).
check_PROGRAMS += tests/integration/test_eth_anvil
TESTS += tests/integration/test_eth_anvil
tests_integration_test_eth_anvil_SOURCES = tests/integration/test_eth_anvil.c
tests_integration_test_eth_anvil_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_eth_anvil_LDADD = $(HARNESS_LIBS)

# The ledger routes (docs/api.md) end to end; test_ledger_util.c is shared.
LEDGER_TEST_UTIL = tests/integration/test_ledger_util.c tests/integration/test_ledger_util.h
check_PROGRAMS += tests/integration/test_ledger_api
TESTS += tests/integration/test_ledger_api
tests_integration_test_ledger_api_SOURCES = tests/integration/test_ledger_api.c $(LEDGER_TEST_UTIL)
tests_integration_test_ledger_api_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_ledger_api_LDADD = $(HARNESS_LIBS)
check_PROGRAMS += tests/integration/test_ledger_input
TESTS += tests/integration/test_ledger_input
tests_integration_test_ledger_input_SOURCES = tests/integration/test_ledger_input.c $(LEDGER_TEST_UTIL)
tests_integration_test_ledger_input_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_ledger_input_LDADD = $(HARNESS_LIBS)
check_PROGRAMS += tests/integration/test_ledger_concurrency
TESTS += tests/integration/test_ledger_concurrency
tests_integration_test_ledger_concurrency_SOURCES = tests/integration/test_ledger_concurrency.c $(LEDGER_TEST_UTIL)
tests_integration_test_ledger_concurrency_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_ledger_concurrency_LDADD = $(HARNESS_LIBS)
check_PROGRAMS += tests/integration/test_ledger_idempotency
TESTS += tests/integration/test_ledger_idempotency
tests_integration_test_ledger_idempotency_SOURCES = tests/integration/test_ledger_idempotency.c $(LEDGER_TEST_UTIL)
tests_integration_test_ledger_idempotency_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_ledger_idempotency_LDADD = $(HARNESS_LIBS)
check_PROGRAMS += tests/integration/test_ledger_crash
TESTS += tests/integration/test_ledger_crash
tests_integration_test_ledger_crash_SOURCES = tests/integration/test_ledger_crash.c $(LEDGER_TEST_UTIL)
tests_integration_test_ledger_crash_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_ledger_crash_LDADD = $(HARNESS_LIBS)

# Settlement end to end (docs/settlement.md): each program stops the
# stack's chainbridge-chaind, runs daemons of its own against the stack's
# MariaDB and anvil, and starts the stack's daemon again when it ends.
SETTLE_TEST_UTIL = tests/integration/test_settle_util.c tests/integration/test_settle_util.h \
	$(LEDGER_TEST_UTIL)
SETTLE_IT = tests/integration/test_settle_batching tests/integration/test_settle_crash \
	tests/integration/test_settle_ha tests/integration/test_settle_stuck \
	tests/integration/test_settle_revert tests/integration/test_settle_reorg \
	tests/integration/test_settle_outage
check_PROGRAMS += $(SETTLE_IT)
TESTS += $(SETTLE_IT)
tests_integration_test_settle_batching_SOURCES = tests/integration/test_settle_batching.c \
	$(SETTLE_TEST_UTIL)
tests_integration_test_settle_batching_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_settle_batching_LDADD = $(HARNESS_LIBS)
tests_integration_test_settle_crash_SOURCES = tests/integration/test_settle_crash.c \
	$(SETTLE_TEST_UTIL)
tests_integration_test_settle_crash_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_settle_crash_LDADD = $(HARNESS_LIBS)
tests_integration_test_settle_ha_SOURCES = tests/integration/test_settle_ha.c \
	$(SETTLE_TEST_UTIL)
tests_integration_test_settle_ha_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_settle_ha_LDADD = $(HARNESS_LIBS)
tests_integration_test_settle_stuck_SOURCES = tests/integration/test_settle_stuck.c \
	$(SETTLE_TEST_UTIL)
tests_integration_test_settle_stuck_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_settle_stuck_LDADD = $(HARNESS_LIBS)
tests_integration_test_settle_revert_SOURCES = tests/integration/test_settle_revert.c \
	$(SETTLE_TEST_UTIL)
tests_integration_test_settle_revert_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_settle_revert_LDADD = $(HARNESS_LIBS)
tests_integration_test_settle_reorg_SOURCES = tests/integration/test_settle_reorg.c \
	$(SETTLE_TEST_UTIL)
tests_integration_test_settle_reorg_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_settle_reorg_LDADD = $(HARNESS_LIBS)
tests_integration_test_settle_outage_SOURCES = tests/integration/test_settle_outage.c \
	$(SETTLE_TEST_UTIL)
tests_integration_test_settle_outage_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_settle_outage_LDADD = $(HARNESS_LIBS)
# The chain data routes (docs/api.md, "Chain data"): rows written into the
# chain index by the test, staking against anvil, verification and
# reconciliation; test_chain_util.c is shared.
CHAIN_TEST_UTIL = tests/integration/test_chain_util.c tests/integration/test_chain_util.h \
	$(LEDGER_TEST_UTIL)
check_PROGRAMS += tests/integration/test_chain_read
TESTS += tests/integration/test_chain_read
tests_integration_test_chain_read_SOURCES = tests/integration/test_chain_read.c $(CHAIN_TEST_UTIL)
tests_integration_test_chain_read_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_chain_read_LDADD = $(HARNESS_LIBS)
check_PROGRAMS += tests/integration/test_staking_live
TESTS += tests/integration/test_staking_live
tests_integration_test_staking_live_SOURCES = tests/integration/test_staking_live.c $(CHAIN_TEST_UTIL)
tests_integration_test_staking_live_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_staking_live_LDADD = $(HARNESS_LIBS)
check_PROGRAMS += tests/integration/test_verify
TESTS += tests/integration/test_verify
tests_integration_test_verify_SOURCES = tests/integration/test_verify.c $(CHAIN_TEST_UTIL)
tests_integration_test_verify_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_verify_LDADD = $(HARNESS_LIBS)
# Every statement of the one table prepares against the real schema and
# returns the columns its enum names.
check_PROGRAMS += tests/integration/test_store_stmts
TESTS += tests/integration/test_store_stmts
tests_integration_test_store_stmts_SOURCES = tests/integration/test_store_stmts.c
tests_integration_test_store_stmts_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_store_stmts_LDADD = $(HARNESS_LIBS)

# A write whose store connection dies during COMMIT, through a
# fault-injecting proxy (runs alone: it reloads the stack's API).
check_PROGRAMS += tests/integration/test_ledger_commit_loss
TESTS += tests/integration/test_ledger_commit_loss
tests_integration_test_ledger_commit_loss_SOURCES = tests/integration/test_ledger_commit_loss.c \
	tests/integration/store_proxy.c tests/integration/store_proxy.h $(LEDGER_TEST_UTIL)
tests_integration_test_ledger_commit_loss_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_ledger_commit_loss_LDADD = $(HARNESS_LIBS)

# The [api] limits at their largest values against the real store (runs
# alone: it reloads the stack's API and changes a server variable).
check_PROGRAMS += tests/integration/test_ledger_limits
TESTS += tests/integration/test_ledger_limits
tests_integration_test_ledger_limits_SOURCES = tests/integration/test_ledger_limits.c \
	$(LEDGER_TEST_UTIL)
tests_integration_test_ledger_limits_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_ledger_limits_LDADD = $(HARNESS_LIBS)


# The chain index (docs/sync.md) against a private anvil, with daemons of
# its own, reorgs, a refusing proxy and crashes.
check_PROGRAMS += tests/integration/test_sync
TESTS += tests/integration/test_sync
tests_integration_test_sync_SOURCES = tests/integration/test_sync.c
tests_integration_test_sync_CFLAGS = $(HARNESS_CFLAGS)
tests_integration_test_sync_LDADD = $(HARNESS_LIBS)
