# src/lib/eth.mk: file lists for this area (included by Makefile.am)
# Ethereum primitives: Keccak-256, RLP, ABI, addresses, secp256k1, transactions.
src_lib_libchainbridge_a_SOURCES += src/lib/keccak.c src/lib/keccak.h \
	src/lib/rlp.c src/lib/rlp.h \
	src/lib/address.c src/lib/address.h \
	src/lib/abi.c src/lib/abi.h \
	src/lib/secp.c src/lib/secp.h \
	src/lib/tx.c src/lib/tx.h

ETH_TESTS = tests/unit/test_keccak tests/unit/test_rlp tests/unit/test_address \
	tests/unit/test_abi tests/unit/test_secp tests/unit/test_tx
check_PROGRAMS += $(ETH_TESTS)
TESTS += $(ETH_TESTS)

tests_unit_test_keccak_SOURCES = tests/unit/test_keccak.c
tests_unit_test_keccak_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_keccak_LDADD = $(TEST_LIBS)

tests_unit_test_rlp_SOURCES = tests/unit/test_rlp.c
tests_unit_test_rlp_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_rlp_LDADD = $(TEST_LIBS)

tests_unit_test_address_SOURCES = tests/unit/test_address.c
tests_unit_test_address_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_address_LDADD = $(TEST_LIBS)

tests_unit_test_abi_SOURCES = tests/unit/test_abi.c
tests_unit_test_abi_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_abi_LDADD = $(TEST_LIBS)

tests_unit_test_secp_SOURCES = tests/unit/test_secp.c
tests_unit_test_secp_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_secp_LDADD = $(TEST_LIBS)

tests_unit_test_tx_SOURCES = tests/unit/test_tx.c
tests_unit_test_tx_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_tx_LDADD = $(TEST_LIBS)
