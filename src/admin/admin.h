/*
 * admin.h - chainbridge-admin: one entry per subcommand family, each
 * defined in its own file and gathered in the table of main.c.
 *
 * main.c parses everything on the command line before anything is
 * opened: the global options, the command, its action word (token add,
 * apikey list, ...) and the action's options.  --help or -h anywhere an
 * option may stand prints the command's usage on stdout and exits 0; a
 * usage error prints what is wrong and the usage on stderr and exits 2.
 * Only then is the configuration loaded and the store opened, as far as
 * the command needs them.
 */
#ifndef CB_ADMIN_H
#define CB_ADMIN_H

#include <stdbool.h>

#include "core/conf.h"
#include "store/db.h"

#define ADMIN_OPTS_MAX	16	/* options of one action */

/* What a command needs opened before it runs. */
enum admin_needs {
	ADMIN_NEEDS_NOTHING = 0,
	ADMIN_NEEDS_CONFIG,	/* the configuration file */
	ADMIN_NEEDS_DB		/* the configuration and the store */
};

/*
 * One form of a command: its action word (NULL for a command that has
 * none), the options it accepts (NULL-terminated; a name ending in '='
 * takes a value, others are switches) and its arguments for the usage.
 */
struct admin_action {
	const char		*name;
	const char *const	*opts;
	const char		*usage;
};

struct admin;

struct admin_cmd {
	const char		*name;
	const char		*summary;	/* one sentence for its --help */
	enum admin_needs	 needs;
	int			(*run)(struct admin *);
	/* its forms; the list ends with an entry whose usage is NULL */
	const struct admin_action *actions;
};

/* One run of the tool: what was parsed and what is open. */
struct admin {
	const char		*conf_path;	/* -c, or NULL for the default */
	struct config		*cfg;		/* NULL until loaded */
	struct db		*db;		/* NULL unless the command needs it */
	const struct admin_cmd	*cmd;
	const struct admin_action *action;
	/* option values by index in action->opts ("1" for a switch given),
	 * NULL when not given */
	const char		*opt[ADMIN_OPTS_MAX];
};

/*
 * Loads the configuration into adm->cfg unless it is loaded already, for a
 * command that needs it only on some paths.  Returns 0, or 1 after
 * printing the error to stderr.
 */
int	admin_load_config(struct admin *adm);

/*
 * Prints "chainbridge-admin: " and the message, then the command's usage,
 * to stderr.  Returns 2, the exit status of a usage error.
 */
int	admin_usage_error(const struct admin *adm, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Parses an unsigned decimal option strictly; -1 (after a message) if bad. */
int	admin_opt_u64(const char *opt, const char *s, unsigned long long max,
	    unsigned long long *out);

extern const struct admin_cmd admin_cmd_migrate;
extern const struct admin_cmd admin_cmd_token;
extern const struct admin_cmd admin_cmd_strategy;
extern const struct admin_cmd admin_cmd_reason;
extern const struct admin_cmd admin_cmd_apikey;
extern const struct admin_cmd admin_cmd_signer_address;
extern const struct admin_cmd admin_cmd_rpc_check;
extern const struct admin_cmd admin_cmd_staking;
extern const struct admin_cmd admin_cmd_purge_idempotency;

#endif
