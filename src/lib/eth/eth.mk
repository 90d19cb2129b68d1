# src/lib/eth/eth.mk: the Ethereum layer (Keccak, RLP, addresses, hashes, ABI, secp256k1, transactions, revert reasons, JSON-RPC)
# Ethereum primitives: Keccak-256, RLP, addresses, hashes, ABI, secp256k1,
# transactions, revert reasons.
src_lib_libchainbridge_a_SOURCES += src/lib/eth/keccak.c src/lib/eth/keccak.h \
	src/lib/eth/rlp.c src/lib/eth/rlp.h \
	src/lib/eth/address.c src/lib/eth/address.h \
	src/lib/eth/hash32.c src/lib/eth/hash32.h \
	src/lib/eth/abi.c src/lib/eth/abi.h \
	src/lib/eth/secp.c src/lib/eth/secp.h \
	src/lib/eth/tx.c src/lib/eth/tx.h \
	src/lib/eth/revert.c src/lib/eth/revert.h

ETH_TESTS = tests/unit/test_keccak tests/unit/test_rlp tests/unit/test_address \
	tests/unit/test_hash32 \
	tests/unit/test_abi tests/unit/test_secp tests/unit/test_tx \
	tests/unit/test_revert
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

tests_unit_test_hash32_SOURCES = tests/unit/test_hash32.c
tests_unit_test_hash32_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_hash32_LDADD = $(TEST_LIBS)

tests_unit_test_abi_SOURCES = tests/unit/test_abi.c
tests_unit_test_abi_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_abi_LDADD = $(TEST_LIBS)

tests_unit_test_secp_SOURCES = tests/unit/test_secp.c
tests_unit_test_secp_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_secp_LDADD = $(TEST_LIBS)

tests_unit_test_tx_SOURCES = tests/unit/test_tx.c
tests_unit_test_tx_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_tx_LDADD = $(TEST_LIBS)

tests_unit_test_revert_SOURCES = tests/unit/test_revert.c
tests_unit_test_revert_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_revert_LDADD = $(TEST_LIBS)

# The JSON-RPC client: errors, transport, parsers, typed calls (rpc.h includes all).
src_lib_libchainbridge_a_SOURCES += src/lib/eth/rpc.h \
	src/lib/eth/rpc_error.c src/lib/eth/rpc_error.h \
	src/lib/eth/rpc_transport.c src/lib/eth/rpc_transport.h \
	src/lib/eth/rpc_parse.c src/lib/eth/rpc_parse.h \
	src/lib/eth/rpc_eth.c src/lib/eth/rpc_eth.h

check_PROGRAMS += tests/unit/test_rpc tests/unit/test_rpc_live
TESTS += tests/unit/test_rpc tests/unit/test_rpc_live
tests_unit_test_rpc_SOURCES = tests/unit/test_rpc.c
tests_unit_test_rpc_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_rpc_LDADD = $(TEST_LIBS) -lpthread
# The same file built against a real node ($ETH_RPC_URL); skips without one.
tests_unit_test_rpc_live_SOURCES = tests/unit/test_rpc.c
tests_unit_test_rpc_live_CFLAGS = $(TEST_CFLAGS) -pthread -DRPC_TEST_LIVE
tests_unit_test_rpc_live_LDADD = $(TEST_LIBS) -lpthread
