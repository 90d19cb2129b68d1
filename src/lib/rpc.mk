# src/lib/rpc.mk: file lists for this area (included by Makefile.am)
