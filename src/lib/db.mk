# src/lib/db.mk: file lists for this area (included by Makefile.am)
