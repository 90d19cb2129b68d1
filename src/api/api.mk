# src/api/api.mk: file lists for this area (included by Makefile.am)
