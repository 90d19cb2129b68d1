# src/lib/db.mk: store access and key material (included by Makefile.am)
src_lib_libchainbridge_a_SOURCES += src/lib/db.c src/lib/db.h \
	src/lib/stmts.c src/lib/stmts.h src/lib/registry.c src/lib/registry.h \
	src/lib/apikey.c src/lib/apikey.h src/lib/namebits.c src/lib/namebits.h \
	src/lib/sqlsplit.c src/lib/sqlsplit.h

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
	db/migrations/002_seed_reasons.sql
EXTRA_DIST += $(MIGRATIONS) db/embed.sh
