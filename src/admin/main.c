/*
 * main.c - chainbridge-admin: schema migrations, registries, API keys,
 * chain checks and settlement operations.
 *
 *	chainbridge-admin [-c CONF] COMMAND [ARGS...]
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "core/log.h"
#include "store/stmts.h"
#include "store/store.h"

static const struct admin_cmd commands[] = {
	{ "migrate", cmd_migrate, true, "migrate [--status]" },
	{ "token", cmd_token, true,
	  "token add|update --symbol S --chain NAME --name N --address 0x.. --decimals D"
	  " [--settlement plain|keyed] [--features a,b] [--disable|--enable]\n"
	  "       token list" },
	{ "strategy", cmd_strategy, true,
	  "strategy set --token S --max-batch-size N --max-wait SECONDS --min-batch-size N"
	  " [--value-threshold AMOUNT] [--priority-reasons a,b]\n"
	  "       strategy show --token S" },
	{ "reason", cmd_reason, true,
	  "reason set --name N [--description D] [--allowed-metadata a,b|--any-metadata]"
	  " [--auto-batch yes|no] [--high-priority yes|no] [--disable]\n"
	  "       reason list" },
	{ "apikey", cmd_apikey, true,
	  "apikey create --name N --scopes read,write,admin\n"
	  "       apikey list\n"
	  "       apikey revoke --name N" },
	{ "signer-address", cmd_signer_address, false,
	  "signer-address --key-file F | --chain NAME" },
	{ "rpc-check", cmd_rpc_check, false, "rpc-check [--chain NAME]" },
	{ "settlement", cmd_settlement, true,
	  "settlement requeue --change ID | --batch ID\n"
	  "       settlement status" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: chainbridge-admin [-c CONF] COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int
admin_opt_index(const char *const spec[], const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; spec[i] != NULL; i++)
		if (strncmp(spec[i], name, n) == 0 && (spec[i][n] == '\0' || spec[i][n] == '='))
			return i;
	return -1;
}

int
admin_opts(int argc, char **argv, const char *const spec[], const char *vals[])
{
	int i, k;

	for (k = 0; spec[k] != NULL; k++)
		vals[k] = NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t sl;

		if (strncmp(a, "--", 2) != 0 || (k = admin_opt_index(spec, a + 2)) < 0) {
			fprintf(stderr, "chainbridge-admin: unknown option '%s'\n", a);
			return -1;
		}
		sl = strlen(spec[k]);
		if (spec[k][sl - 1] == '=') {
			if (i + 1 >= argc) {
				fprintf(stderr, "chainbridge-admin: option '%s' needs a value\n", a);
				return -1;
			}
			vals[k] = argv[++i];
		} else {
			vals[k] = "1";
		}
	}
	return 0;
}

int
admin_opt_u64(const char *opt, const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9') {
		fprintf(stderr, "chainbridge-admin: --%s needs a whole number\n", opt);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max) {
		fprintf(stderr, "chainbridge-admin: --%s must be a whole number up to %llu\n",
		    opt, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *conf_path = NULL;
	const struct admin_cmd *cmd = NULL;
	struct admin adm = { 0 };
	char errbuf[512];
	enum cb_err rc;
	size_t i;
	int ch, status = 1;

	while ((ch = getopt(argc, argv, "+c:hV")) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("chainbridge-admin %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "chainbridge-admin: unknown command '%s'\n", argv[0]);
		usage(stderr);
		return 2;
	}
	log_init("chainbridge-admin", LOG_LEVEL_WARN, LOG_FORMAT_KV);
	if ((adm.cfg = config_load(conf_path, errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "chainbridge-admin: %s\n", errbuf);
		return 1;
	}
	if (cmd->needs_db) {
		adm.db = store_open(&adm.cfg->db, 0, &rc, errbuf, sizeof(errbuf));
		if (adm.db == NULL) {
			fprintf(stderr, "chainbridge-admin: database: %s\n", errbuf);
			goto out;
		}
	}
	status = cmd->run(&adm, argc - 1, argv + 1);
out:
	db_close(adm.db);
	config_free(adm.cfg);
	return status;
}
