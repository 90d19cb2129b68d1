# src/admin/admin.mk: file lists for this area (included by Makefile.am)
