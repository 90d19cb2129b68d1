# tests/integration/integration.mk: file lists for this area (included by Makefile.am)
