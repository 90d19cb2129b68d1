/*
 * admin.h - chainbridge-admin: one entry per subcommand family, gathered
 * in the table of main.c.
 */
#ifndef CB_ADMIN_H
#define CB_ADMIN_H

#include <stdbool.h>

#include "core/conf.h"
#include "store/db.h"

struct admin {
	struct config	*cfg;
	struct db	*db;	/* NULL for commands that do not need the store */
};

struct admin_cmd {
	const char	*name;
	int		(*run)(struct admin *, int argc, char **argv);
	bool		 needs_db;
	const char	*usage;
};

/*
 * Options of a subcommand: "--name value" pairs or "--flag" switches.
 * spec lists the accepted names; a name ending in '=' takes a value.
 * Values are stored in vals[] at the spec index (switches get "1").
 * Returns 0, or -1 after printing what is wrong to stderr.
 */
int	admin_opts(int argc, char **argv, const char *const spec[], const char *vals[]);
/* Index of name in spec (with or without '='), for reading vals[]. */
int	admin_opt_index(const char *const spec[], const char *name);
/* Parse an unsigned decimal option strictly; -1 (after a message) if bad. */
int	admin_opt_u64(const char *opt, const char *s, unsigned long long max,
	    unsigned long long *out);

int	cmd_migrate(struct admin *, int argc, char **argv);
int	cmd_token(struct admin *, int argc, char **argv);
int	cmd_strategy(struct admin *, int argc, char **argv);
int	cmd_reason(struct admin *, int argc, char **argv);
int	cmd_apikey(struct admin *, int argc, char **argv);
int	cmd_signer_address(struct admin *, int argc, char **argv);
int	cmd_rpc_check(struct admin *, int argc, char **argv);
int	cmd_settlement(struct admin *, int argc, char **argv);

#endif
