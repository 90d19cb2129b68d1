# src/admin/admin.mk: chainbridge-admin (included by Makefile.am)
sbin_PROGRAMS += src/admin/chainbridge-admin
src_admin_chainbridge_admin_SOURCES = src/admin/main.c src/admin/admin.h \
	src/admin/migrations.h src/admin/migrate.c src/admin/registries.c \
	src/admin/apikeys.c src/admin/chain.c src/admin/staking.c src/admin/idempotency.c
nodist_src_admin_chainbridge_admin_SOURCES = src/admin/migrations_data.c
src_admin_chainbridge_admin_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/admin
src_admin_chainbridge_admin_LDADD = $(CB_LIBS)
CLEANFILES += src/admin/migrations_data.c

src/admin/migrations_data.c: $(addprefix $(srcdir)/,$(MIGRATIONS)) $(srcdir)/db/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/admin && \
	$(SHELL) $(srcdir)/db/embed.sh $(addprefix $(srcdir)/,$(MIGRATIONS)) > $@-t && mv $@-t $@

dist_man_MANS += man/chainbridge-admin.8

# The command line without a store: every --help, usage errors, the man page.
TESTS += tests/unit/test_admin_cli.sh
EXTRA_DIST += tests/unit/test_admin_cli.sh
