# data.mk: file lists for this area (included by Makefile.am)
# Tooling shipped with the sources: dependency install, build, the local
# stack (MariaDB + anvil + nginx + chainbridge), the test command, the
# reference contracts and the nginx site.
EXTRA_DIST += .ci/run \
	scripts/deps scripts/build scripts/stack scripts/test scripts/lib.sh \
	scripts/valgrind-unit \
	scripts/compile-contracts.js \
	tools/package.json tools/package-lock.json \
	contracts/ChainBridgeToken.sol contracts/StakingPool.sol contracts/README.md \
	nginx/stack-nginx.conf.in

# The nginx sites, where Debian's nginx looks for sites (enable them with a
# symlink in sites-enabled): plain HTTP, and HTTPS once it has a certificate
# (README.md, "TLS").  What both server blocks share goes to snippets/.
nginxsitedir = $(sysconfdir)/nginx/sites-available
dist_nginxsite_DATA = nginx/chainbridge.conf nginx/chainbridge-tls.conf
nginxsnippetdir = $(sysconfdir)/nginx/snippets
dist_nginxsnippet_DATA = nginx/chainbridge-server.conf

# The configuration file, installed with safe defaults: the services do
# nothing until [database] names a store (chainbridge.conf(5)).
chainbridgeconfdir = $(sysconfdir)/chainbridge
dist_chainbridgeconf_DATA = conf/chainbridge.conf

# The migrations, for administrators to read before an upgrade;
# chainbridge-admin carries the same files compiled in and checks them.
migrationsdir = $(pkgdatadir)/migrations
migrations_DATA = $(MIGRATIONS)

EXTRA_DIST += LICENSE debian

# The operator's manual: architecture, install, first run, backups, upgrades.
dist_man_MANS += man/chainbridge.7 man/chainbridge.conf.5
