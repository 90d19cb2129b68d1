# src/lib/core.mk: file lists for this area (included by Makefile.am)
src_lib_libchainbridge_a_SOURCES += src/lib/err.c src/lib/err.h
