/*
 * main.c - chainbridge-admin: schema migrations, registries, API keys,
 * signer checks.
 *
 *	chainbridge-admin [-hV] [-c FILE] COMMAND [ACTION] [OPTIONS]
 *
 * The commands live one family per file (admin.h); this file gathers them,
 * parses the command line and opens what the command needs.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "core/array.h"
#include "core/log.h"
#include "store/store.h"

#define ADMIN_NAME	"chainbridge-admin"

static const struct admin_cmd *const commands[] = {
	&admin_cmd_migrate,
	&admin_cmd_token,
	&admin_cmd_strategy,
	&admin_cmd_reason,
	&admin_cmd_apikey,
	&admin_cmd_signer_address,
	&admin_cmd_rpc_check,
	&admin_cmd_staking,
	&admin_cmd_purge_idempotency,
};

/*
 * The usage lines of one command: "usage: chainbridge-admin ..." first
 * when full, else indented "COMMAND ..." lines for the tool's usage.
 */
static void
cmd_usage(FILE *f, const struct admin_cmd *cmd, bool full)
{
	const struct admin_action *a;

	for (a = cmd->actions; a->usage != NULL; a++)
		fprintf(f, "%s%s%s%s%s%s\n",
		    !full ? "  " : a == cmd->actions ?
		    "usage: " ADMIN_NAME " [-c FILE] " :
		    "       " ADMIN_NAME " [-c FILE] ", cmd->name,
		    a->name != NULL ? " " : "", a->name != NULL ? a->name : "",
		    a->usage[0] != '\0' ? " " : "", a->usage);
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: " ADMIN_NAME " [-hV] [-c FILE] COMMAND [ACTION] [OPTIONS]\n"
	    "       " ADMIN_NAME " COMMAND --help\n"
	    "  -c, --config FILE  the configuration file (default "
	    CONFIG_DEFAULT_PATH ")\n"
	    "  -h, --help         print this help and exit\n"
	    "  -V, --version      print the version and exit\n"
	    "commands:\n");
	for (i = 0; i < ARRAY_LEN(commands); i++)
		cmd_usage(f, commands[i], false);
}

/* Prints a command's help on stdout: its usage lines and what it does. */
static void
cmd_help(const struct admin_cmd *cmd)
{
	cmd_usage(stdout, cmd, true);
	printf("%s; see " ADMIN_NAME "(8).\n", cmd->summary);
}

int
admin_usage_error(const struct admin *adm, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, ADMIN_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (adm->cmd != NULL)
		cmd_usage(stderr, adm->cmd, true);
	else
		usage(stderr);
	return 2;
}

static bool
is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Index of option name (without "--") in opts, or -1. */
static int
opt_index(const char *const opts[], const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; opts[i] != NULL; i++)
		if (strncmp(opts[i], name, n) == 0 &&
		    (opts[i][n] == '\0' || (opts[i][n] == '=' && opts[i][n + 1] == '\0')))
			return i;
	return -1;
}

/*
 * Parses a command's arguments (after the command name) into adm: the
 * action word when the command has actions, then the action's options.
 * Returns 0, 1 when help was asked for, or 2 after a usage error (message
 * and usage on stderr).
 */
static int
parse_cmd_args(struct admin *adm, int argc, char **argv)
{
	const struct admin_cmd *cmd = adm->cmd;
	const struct admin_action *a;
	const char *arg;
	size_t len;
	int i = 0, k;

	if (cmd->actions[0].name == NULL) {
		adm->action = &cmd->actions[0];
	} else {
		if (argc == 0)
			return admin_usage_error(adm, "%s: which action?", cmd->name);
		if (is_help(argv[0]))
			return 1;
		for (a = cmd->actions; a->usage != NULL; a++)
			if (strcmp(argv[0], a->name) == 0)
				adm->action = a;
		if (adm->action == NULL)
			return admin_usage_error(adm, "%s: unknown action '%s'",
			    cmd->name, argv[0]);
		i = 1;
	}
	for (k = 0; k < ADMIN_OPTS_MAX; k++)
		adm->opt[k] = NULL;
	for (; i < argc; i++) {
		arg = argv[i];
		if (is_help(arg))
			return 1;
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
			return admin_usage_error(adm, "unexpected argument '%s'", arg);
		if ((k = opt_index(adm->action->opts, arg + 2)) < 0)
			return admin_usage_error(adm, "unknown option '%s'", arg);
		if (adm->opt[k] != NULL)
			return admin_usage_error(adm, "option '%s' given twice", arg);
		len = strlen(adm->action->opts[k]);
		if (adm->action->opts[k][len - 1] == '=') {
			if (i + 1 >= argc)
				return admin_usage_error(adm, "option '%s' needs a value",
				    arg);
			adm->opt[k] = argv[++i];
		} else {
			adm->opt[k] = "1";
		}
	}
	return 0;
}

int
admin_load_config(struct admin *adm)
{
	char errbuf[512];

	if (adm->cfg != NULL)
		return 0;
	if ((adm->cfg = config_load(adm->conf_path, errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, ADMIN_NAME ": %s\n", errbuf);
		return 1;
	}
	return 0;
}

int
admin_opt_u64(const char *opt, const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9') {
		fprintf(stderr, ADMIN_NAME ": --%s needs a whole number\n", opt);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max) {
		fprintf(stderr, ADMIN_NAME ": --%s must be a whole number up to %llu\n",
		    opt, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option long_opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct admin adm = { 0 };
	char errbuf[512];
	enum cb_err rc;
	size_t i;
	int ch, status = 1;

	opterr = 0;	/* the messages below name the tool, not argv[0] */
	while ((ch = getopt_long(argc, argv, "+:c:hV", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			adm.conf_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf(ADMIN_NAME " %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			return admin_usage_error(&adm, "option '%s' needs a value",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				return admin_usage_error(&adm, "unknown option '-%c'",
				    optopt);
			return admin_usage_error(&adm, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return admin_usage_error(&adm, "no command given");
	for (i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(argv[0], commands[i]->name) == 0)
			adm.cmd = commands[i];
	if (adm.cmd == NULL)
		return admin_usage_error(&adm, "unknown command '%s'", argv[0]);
	switch (parse_cmd_args(&adm, argc - 1, argv + 1)) {
	case 0:
		break;
	case 1:
		cmd_help(adm.cmd);
		return 0;
	default:
		return 2;
	}

	log_init(ADMIN_NAME, LOG_LEVEL_WARN, LOG_FORMAT_KV);
	if (adm.cmd->needs >= ADMIN_NEEDS_CONFIG && admin_load_config(&adm) != 0)
		goto out;
	if (adm.cmd->needs >= ADMIN_NEEDS_DB) {
		adm.db = store_open(&adm.cfg->db, 0, &rc, errbuf, sizeof(errbuf));
		if (adm.db == NULL) {
			fprintf(stderr, ADMIN_NAME ": database: %s\n", errbuf);
			goto out;
		}
	}
	status = adm.cmd->run(&adm);
out:
	db_close(adm.db);
	config_free(adm.cfg);
	return status;
}
