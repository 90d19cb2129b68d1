# bench/bench.mk: the benchmark probe and make bench (included by Makefile.am)
