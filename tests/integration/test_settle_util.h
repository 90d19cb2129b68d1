/*
 * test_settle_util.h - what the settlement integration tests share: the
 * chain read and driven through plain JSON-RPC (libcurl, never the
 * project's RPC code) and cast, fresh ChainBridgeToken deployments by the
 * stack's deployer account, the ledger through the API, and
 * chainbridge-chaind processes the tests start, kill and restart
 * themselves.
 *
 * A test program calls st_init() first: it takes the stack exclusively,
 * stops the stack's own daemon and restores it when the program exits,
 * whatever happened.  Daemons started with st_daemon_start() die with
 * the process that started them (PR_SET_PDEATHSIG), so a failed case
 * never leaves one behind.
 */
#ifndef CB_TEST_SETTLE_UTIL_H
#define CB_TEST_SETTLE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "test_ledger_util.h"

#define ST_ADDR_MAX	43	/* "0x" + 40 hex + NUL */
#define ST_HASH_MAX	67
#define ST_DEC_MAX	80
#define ST_PATH_MAX	1024

struct st_env {
	char	 rpc_url[512];
	char	 signer[ST_ADDR_MAX];	/* lower case */
	char	 deployer[ST_ADDR_MAX];
	char	 cast[ST_PATH_MAX];
	char	 chaind[ST_PATH_MAX];	/* this build's chainbridge-chaind */
	char	 admin[ST_PATH_MAX];	/* this build's chainbridge-admin */
	char	 stack[ST_PATH_MAX];	/* scripts/stack */
	char	 conf[ST_PATH_MAX];	/* the stack's configuration */
	char	 workdir[ST_PATH_MAX];	/* this program's scratch directory */
	unsigned block_time;		/* s */
	char	*admin_key;		/* API key with admin scope */
	char	*write_key;
	char	*read_key;
};

/* The environment, valid after st_init(). */
const struct st_env *st_env(void);

/*
 * Requires the stack, takes it exclusively, stops its chainbridge-chaind
 * (restored at exit), prepares the scratch directory and API keys.
 */
void		 st_init(const char *name);

/* ------------------------------------------------------------ chain */

/*
 * Calls method with params (a JSON array text) on the node.  Returns the
 * result (a new reference, NULL for JSON null) and sets *ok; on a JSON-RPC
 * error *ok is false and its message goes to err (cap bytes).  Aborts on a
 * transport error.
 */
json_object	*st_rpc_try(const char *method, const char *params, bool *ok, char *err,
		    size_t cap);
/* The same, aborting on an error too. */
json_object	*st_rpc(const char *method, const char *params);
/* The result as text ("0x..." strings); aborts unless it is a string. */
void		 st_rpc_str(const char *method, const char *params, char *out, size_t cap);

uint64_t	 st_block_number(void);
/* The account's transaction count at tag ("latest", "pending", "0x1a"). */
uint64_t	 st_nonce(const char *addr, const char *tag);
/* Mining at the stack's interval, or paused (no blocks but evm_mine). */
void		 st_mining(bool on);
/* A JSON-RPC hex quantity as a decimal string. */
void		 st_hex_to_dec(const char *hex, char *out, size_t cap);

/* balanceOf(holder) and totalSupply() of token, in base units, decimal. */
void		 st_balance_of(const char *token, const char *holder, char *out, size_t cap);
void		 st_total_supply(const char *token, char *out, size_t cap);

/* Sends a transaction from an unlocked anvil account; returns its hash.
 * data is "0x..." call data. */
void		 st_send(const char *from, const char *to, const char *data, char *hash,
		    size_t cap);
/* Waits for a receipt (60 s); returns its status (1 or 0). */
int		 st_wait_receipt(const char *hash);
/* The receipt's status, or -1 when the node has no receipt. */
int		 st_receipt_status(const char *hash);

/* `cast calldata SIG ARGS...` into out. */
void		 st_calldata(char *out, size_t cap, const char *sig, ...)
		    __attribute__((sentinel));

/*
 * Deploys a ChainBridgeToken (deployer admin), grants the signer
 * MINTER_ROLE and BURNER_ROLE, registers it (settlement keyed or plain,
 * 18 decimals) under a fresh symbol (sym, cap bytes) with the strategy
 * given (threshold NULL for none, priority NULL for none).  The token's
 * address goes to addr.
 */
void		 st_token(bool keyed, unsigned max_batch, unsigned max_wait, unsigned min_batch,
		    const char *threshold, const char *priority, char *sym, size_t cap,
		    char *addr);
/* PUT the token's strategy again. */
void		 st_strategy(const char *sym, unsigned max_batch, unsigned max_wait,
		    unsigned min_batch, const char *threshold, const char *priority);
/* grantRole / revokeRole of role "MINTER_ROLE"|"BURNER_ROLE" to the signer,
 * from the deployer; waits for the receipt. */
void		 st_role(const char *token, const char *role, bool grant);

/* ------------------------------------------------------------ ledger */

/* A fresh random wallet address (lower case). */
void		 st_random_address(char *out);
/* Binds user to addr on the chain (201 or 200). */
void		 st_bind(const char *user, const char *addr);
/*
 * One request of n (user, amount) rows for symbol with priority high and
 * reason adjustment; returns the HTTP status, the operation id to op
 * (cap bytes, may be NULL).  amounts in whole tokens ("+1.5", "-2").
 */
long		 st_adjust(const char *symbol, const char *const *users,
		    const char *const *amounts, size_t n, bool high, char *op, size_t cap);

/* The token's id in the store. */
uint64_t	 st_token_id(const char *symbol);

/*
 * Waits until sql (a COUNT, with its string parameters up to NULL) gives
 * want, at most timeout_ms.  Returns true when it did.
 */
bool		 st_wait_sql(uint64_t want, unsigned timeout_ms, const char *sql, ...)
		    __attribute__((sentinel));

/*
 * Checks that every change of the token is confirmed (or, with
 * allow_failed, failed), that each user's confirmed_balance is the sum of
 * their confirmed changes and equals balanceOf of their wallet on chain,
 * that totalSupply is the ledger's net, and that every batch with a
 * receipt has exactly one mined attempt.  Aborts (ck_assert) otherwise.
 */
void		 st_check_token(const char *symbol, const char *address, bool allow_failed);

/* ----------------------------------------------------------- daemons */

struct st_daemon {
	pid_t	 pid;
	char	 log[2 * ST_PATH_MAX];
	char	 conf[2 * ST_PATH_MAX];
	off_t	 log_mark;	/* st_log_wait looks after this offset */
};

/*
 * Writes a configuration: the stack's, with keys of [chain local]
 * replaced or added from kv ("key", "value" pairs up to NULL).
 */
void		 st_conf(char *path, size_t cap, const char *tag, ...)
		    __attribute__((sentinel));

/* Starts `chainbridge-chaind -c conf -n local` with CHAINBRIDGE_FAILPOINTS
 * = failpoints (NULL: none), output to a log of its own (tag names it). */
void		 st_daemon_start(struct st_daemon *d, const char *conf, const char *tag,
		    const char *failpoints);
/* SIGKILL and reap. */
void		 st_daemon_kill(struct st_daemon *d);
/* SIGTERM, wait for it to exit (30 s), reap; returns its exit status. */
int		 st_daemon_stop(struct st_daemon *d);
bool		 st_daemon_alive(const struct st_daemon *d);
/* Waits for text in the daemon's log after its mark; true when seen. */
bool		 st_log_wait(struct st_daemon *d, const char *text, unsigned timeout_ms);
/* Occurrences of text in the whole log. */
unsigned	 st_log_count(const struct st_daemon *d, const char *text);
/* Moves the mark to the log's end. */
void		 st_log_mark(struct st_daemon *d);

/* Whether the lease of the chain is held, unexpired, by the daemon. */
bool		 st_holds_lease(const struct st_daemon *d);

/* Runs the stack script with args (up to NULL); returns its exit status. */
int		 st_stack(const char *arg, ...) __attribute__((sentinel));

#endif
