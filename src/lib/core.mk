# src/lib/core.mk: file lists for this area (included by Makefile.am)
src_lib_libchainbridge_a_SOURCES += src/lib/err.c src/lib/err.h
src_lib_libchainbridge_a_SOURCES += src/lib/buf.c src/lib/buf.h
src_lib_libchainbridge_a_SOURCES += src/lib/log.c src/lib/log.h
src_lib_libchainbridge_a_SOURCES += src/lib/json.c src/lib/json.h
src_lib_libchainbridge_a_SOURCES += src/lib/uuid.c src/lib/uuid.h
src_lib_libchainbridge_a_SOURCES += src/lib/conf.c src/lib/conf.h

check_PROGRAMS += tests/unit/test_buf tests/unit/test_log tests/unit/test_json \
	tests/unit/test_uuid tests/unit/test_config
TESTS += tests/unit/test_buf tests/unit/test_log tests/unit/test_json \
	tests/unit/test_uuid tests/unit/test_config
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
tests_unit_test_config_LDADD = $(TEST_LIBS)
