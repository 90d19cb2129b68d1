# tests/fuzz/fuzz.mk: the libFuzzer targets (included by Makefile.am); see
# docs/fuzzing.md.  `./configure --enable-fuzz` (clang) and `make fuzz`
# build them; scripts/fuzz runs them over tests/fuzz/corpus/<name>/.
#
# One program per parser family.  A target links the same libraries as
# the binaries, so it runs exactly the code they run; in a fuzz build that
# code is instrumented for coverage and checked by ASan and UBSan.  To add
# one: a file tests/fuzz/NAME.c with LLVMFuzzerTestOneInput, three lines
# below, NAME in FUZZ_TARGETS, and seeds in tests/fuzz/corpus/NAME/.

FUZZ_TARGETS = \
	tests/fuzz/fuzz_json_request$(EXEEXT) \
	tests/fuzz/fuzz_amount$(EXEEXT) \
	tests/fuzz/fuzz_http$(EXEEXT) \
	tests/fuzz/fuzz_ids$(EXEEXT) \
	tests/fuzz/fuzz_rlp$(EXEEXT) \
	tests/fuzz/fuzz_abi$(EXEEXT) \
	tests/fuzz/fuzz_rpc$(EXEEXT) \
	tests/fuzz/fuzz_revert$(EXEEXT) \
	tests/fuzz/fuzz_config$(EXEEXT)

# Built only by `make fuzz`, never by `make` or `make check`.
EXTRA_PROGRAMS = $(FUZZ_TARGETS)
CLEANFILES += $(FUZZ_TARGETS)

FUZZ_COMMON = tests/fuzz/common.c tests/fuzz/fuzz.h
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api -I$(top_srcdir)/tests/fuzz
FUZZ_LIBS = $(API_LIBS)

tests_fuzz_fuzz_json_request_SOURCES = tests/fuzz/json_request.c $(FUZZ_COMMON)
tests_fuzz_fuzz_json_request_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_json_request_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_json_request_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_amount_SOURCES = tests/fuzz/amount.c $(FUZZ_COMMON)
tests_fuzz_fuzz_amount_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_amount_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_amount_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_http_SOURCES = tests/fuzz/http.c $(FUZZ_COMMON)
tests_fuzz_fuzz_http_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_http_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_http_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_ids_SOURCES = tests/fuzz/ids.c $(FUZZ_COMMON)
tests_fuzz_fuzz_ids_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ids_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_ids_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_rlp_SOURCES = tests/fuzz/rlp.c $(FUZZ_COMMON)
tests_fuzz_fuzz_rlp_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_rlp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_rlp_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_abi_SOURCES = tests/fuzz/abi.c $(FUZZ_COMMON)
tests_fuzz_fuzz_abi_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_abi_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_abi_LDADD = $(FUZZ_LIBS)

# With the chain index's event decoding, as the unit test takes it.
tests_fuzz_fuzz_rpc_SOURCES = tests/fuzz/rpc.c $(FUZZ_COMMON) \
	src/chaind/sync_logic.c src/chaind/sync.h
tests_fuzz_fuzz_rpc_CPPFLAGS = $(FUZZ_CPPFLAGS) -I$(top_srcdir)/src/chaind
tests_fuzz_fuzz_rpc_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_rpc_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_revert_SOURCES = tests/fuzz/revert.c $(FUZZ_COMMON)
tests_fuzz_fuzz_revert_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_revert_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_revert_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/config.c $(FUZZ_COMMON)
tests_fuzz_fuzz_config_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_TARGET_LDFLAGS)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_LIBS)

.PHONY: fuzz
if ENABLE_FUZZ
fuzz: $(FUZZ_TARGETS)
else
fuzz:
	@echo "make fuzz: configure with --enable-fuzz (clang) first; see docs/fuzzing.md" >&2; exit 1
endif

EXTRA_DIST += docs/fuzzing.md scripts/fuzz tests/fuzz/corpus tests/fuzz/dict
