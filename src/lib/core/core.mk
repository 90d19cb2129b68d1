# src/lib/core/core.mk: the core layer (errors, buffers, logging, JSON, config, ids, hex)
src_lib_libchainbridge_a_SOURCES += src/lib/core/err.c src/lib/core/err.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/buf.c src/lib/core/buf.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/log.c src/lib/core/log.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/json.c src/lib/core/json.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/uuid.c src/lib/core/uuid.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/conf.c src/lib/core/conf.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/secret.c src/lib/core/secret.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/proc.c src/lib/core/proc.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/hex.c src/lib/core/hex.h
src_lib_libchainbridge_a_SOURCES += src/lib/core/monotime.c src/lib/core/monotime.h src/lib/core/array.h

check_PROGRAMS += tests/unit/test_buf tests/unit/test_log tests/unit/test_json \
	tests/unit/test_uuid tests/unit/test_config tests/unit/test_secret \
	tests/unit/test_proc
TESTS += tests/unit/test_buf tests/unit/test_log tests/unit/test_json \
	tests/unit/test_uuid tests/unit/test_config tests/unit/test_secret \
	tests/unit/test_proc
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_buf_LDADD = $(TEST_LIBS)
tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_log_LDADD = $(TEST_LIBS)
tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_json_LDADD = $(TEST_LIBS)
tests_unit_test_uuid_SOURCES = tests/unit/test_uuid.c
tests_unit_test_uuid_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_uuid_LDADD = $(TEST_LIBS)
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(TEST_CFLAGS)
# The shipped nginx site, whose timeout the config's limits are checked against.
tests_unit_test_config_CPPFLAGS = $(AM_CPPFLAGS) -DCB_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_config_LDADD = $(TEST_LIBS)
tests_unit_test_secret_SOURCES = tests/unit/test_secret.c
tests_unit_test_secret_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_secret_LDADD = $(TEST_LIBS)
tests_unit_test_proc_SOURCES = tests/unit/test_proc.c
tests_unit_test_proc_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_proc_LDADD = $(TEST_LIBS)

# chainbridge.conf(5) against the key table.
check_PROGRAMS += tests/unit/test_conf_doc
TESTS += tests/unit/test_conf_doc
tests_unit_test_conf_doc_SOURCES = tests/unit/test_conf_doc.c
tests_unit_test_conf_doc_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_conf_doc_LDADD = $(TEST_LIBS)
