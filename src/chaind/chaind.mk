# src/chaind/chaind.mk: file lists for this area (included by Makefile.am)
