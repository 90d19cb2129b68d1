# src/lib/store/store.mk: the store layer (connection, statement table, registries, keys)
src_lib_libchainbridge_a_SOURCES += src/lib/store/db.c src/lib/store/db.h src/lib/store/store.c src/lib/store/store.h \
	src/lib/store/stmts.c src/lib/store/stmts.h src/lib/store/registry.c src/lib/store/registry.h \
	src/lib/store/apikey.c src/lib/store/apikey.h src/lib/core/namebits.c src/lib/core/namebits.h \
	src/lib/store/sqlsplit.c src/lib/store/sqlsplit.h \
	src/lib/store/idempotency.c src/lib/store/idempotency.h

check_PROGRAMS += tests/unit/test_sqlsplit tests/unit/test_apikey
TESTS += tests/unit/test_sqlsplit tests/unit/test_apikey
tests_unit_test_sqlsplit_SOURCES = tests/unit/test_sqlsplit.c
tests_unit_test_sqlsplit_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sqlsplit_LDADD = $(TEST_LIBS)
tests_unit_test_apikey_SOURCES = tests/unit/test_apikey.c
tests_unit_test_apikey_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_apikey_LDADD = $(TEST_LIBS)

# Migrations are compiled into chainbridge-admin, so the binary and its
# schema can never disagree; the checksums guard the files.
MIGRATIONS = \
	db/migrations/001_initial.sql \
	db/migrations/002_seed_reasons.sql \
	db/migrations/003_chain_daemon.sql \
	db/migrations/004_chain_sync.sql
EXTRA_DIST += $(MIGRATIONS) db/embed.sh
