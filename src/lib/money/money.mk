# src/lib/money/money.mk: the money layer (exact u256 integers and token amounts)
# Exact integers and token amounts.
src_lib_libchainbridge_a_SOURCES += src/lib/money/u256.c src/lib/money/u256.h \
	src/lib/money/amount.c src/lib/money/amount.h

check_PROGRAMS += tests/unit/test_u256 tests/unit/test_hex tests/unit/test_amount
TESTS += tests/unit/test_u256 tests/unit/test_hex tests/unit/test_amount
tests_unit_test_u256_SOURCES = tests/unit/test_u256.c
tests_unit_test_u256_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_u256_LDADD = $(TEST_LIBS)
tests_unit_test_hex_SOURCES = tests/unit/test_hex.c
tests_unit_test_hex_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_hex_LDADD = $(TEST_LIBS)
tests_unit_test_amount_SOURCES = tests/unit/test_amount.c
tests_unit_test_amount_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_amount_LDADD = $(TEST_LIBS)

# Differential test against GMP: a million random values per run; prints its
# seed, CB_TEST_SEED replays it, CB_TEST_ITERATIONS changes the count.
if HAVE_GMP
check_PROGRAMS += tests/unit/test_amount_gmp
TESTS += tests/unit/test_amount_gmp
tests_unit_test_amount_gmp_SOURCES = tests/unit/test_amount_gmp.c
tests_unit_test_amount_gmp_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_amount_gmp_LDADD = $(TEST_LIBS) $(GMP_LIBS)
endif
