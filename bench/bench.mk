# bench/bench.mk: the benchmark probe and make bench (included by Makefile.am).
#
# bench/run measures the ledger API against this machine's own limits (see
# bench/README.md); it is run by hand or with `make bench`, never by make
# check.  bench/dbprobe is its raw-database probe, bench/bare the bare
# FastCGI responder it measures the HTTP path's ceiling with.

noinst_PROGRAMS += bench/dbprobe bench/bare
bench_dbprobe_SOURCES = bench/dbprobe.c
bench_dbprobe_LDADD = $(CB_LIBS)
# The ceiling of the HTTP path: a bare preforked libfcgi responder.
bench_bare_SOURCES = bench/bare.c
bench_bare_LDADD = $(FCGI_LIBS)

EXTRA_DIST += bench/run bench/README.md bench/common.lua bench/ping.lua \
	bench/adjust.lua bench/balance.lua bench/distribute.lua

.PHONY: bench
bench: bench/dbprobe bench/bare
	BENCH_DBPROBE=$(abs_top_builddir)/bench/dbprobe \
	    BENCH_BARE=$(abs_top_builddir)/bench/bare $(abs_top_srcdir)/bench/run

# The chain sync benchmark (bench/sync-run, bench/README.md): its helper
# generates the chain, measures the raw eth_getLogs rate and the head
# latency.
noinst_PROGRAMS += bench/syncbench
bench_syncbench_SOURCES = bench/syncbench.c
bench_syncbench_LDADD = $(CB_LIBS)
EXTRA_DIST += bench/sync-run

.PHONY: bench-sync
bench-sync: bench/syncbench src/chaind/chainbridge-chaind src/admin/chainbridge-admin
	BENCH_BUILD=$(abs_top_builddir) $(abs_top_srcdir)/bench/sync-run

# The settlement benchmark (bench/settle-run, bench/README.md): the
# daemon's gas per change against single mints, its throughput on a
# backlog and the latency of a priority change, on the stack.
EXTRA_DIST += bench/settle-run bench/settle-chain.js contracts/test/SettleBenchToken.sol

.PHONY: bench-settle
bench-settle: src/chaind/chainbridge-chaind src/admin/chainbridge-admin
	$(abs_top_srcdir)/bench/settle-run
