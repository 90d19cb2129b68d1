/*
 * chaind.h - chainbridge-chaind: what its roles share.
 *
 * The master (main.c) forks one worker process per enabled [chain]
 * section.  A worker (worker.c) owns one store connection and one JSON-RPC
 * client and runs the roles of its chain one after another, while it holds
 * the chain's lease (lease.c):
 *
 *	syncer -> batcher -> submitter -> confirmer -> checker -> housekeeping
 *
 * Each role is one file exporting a step function.  A step does a bounded
 * amount of work (it watches chaind_time_left()), and every transaction it
 * commits starts with lease_fence(), so a worker that lost its lease can
 * never write (docs/settlement.md, "One writer per chain").
 */
#ifndef CB_CHAIND_H
#define CB_CHAIND_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "eth/address.h"
#include "eth/rpc.h"
#include "eth/secp.h"
#include "store/db.h"

#define CHAIND_IDENT		"chainbridge-chaind"
#define LEASE_NAME_MAX		64
#define LEASE_HOLDER_MAX	128

/* One chain's lease as this process sees it. */
struct lease {
	char		 name[LEASE_NAME_MAX];		/* "chain:<chain_id>" */
	char		 holder[LEASE_HOLDER_MAX];	/* "host:pid:start:rand" */
	bool		 held;
	uint64_t	 token;		/* fencing token while held */
	uint64_t	 renewed_ms;	/* monotonic time of the last renewal */
	uint64_t	 ttl_ms;
};

/* Counters flushed to chain_daemon_counters with each heartbeat. */
#define CHAIND_COUNTERS_MAX	64
struct chaind_counter {
	char		 name[48];
	char		 label[48];
	uint64_t	 pending;	/* not yet flushed */
};

struct chaind {
	const struct config		*cfg;
	const struct chain_config	*chain;
	struct db			*db;
	struct rpc_client		*rpc;
	struct lease			 lease;
	/* The settlement signer; NULL when the chain has no key_file (the
	 * worker then only syncs). */
	struct secp_key			*key;
	struct address			 signer;
	/* Set by SIGTERM/SIGINT: finish the current step and leave. */
	volatile sig_atomic_t		*stop;
	/* End of the current step's time slice (monotonic ms). */
	uint64_t			 slice_end_ms;
	/* Latest head seen by any role, 0 if unknown. */
	uint64_t			 head;
	/* Filled by roles for the heartbeat (chain_daemons). */
	bool				 have_signer_balance;
	u256				 signer_balance;
	bool				 signer_balance_low;
	bool				 have_stuck_nonce;
	uint64_t			 stuck_nonce;
	char				 last_error[256];
	/* Set during a pass by a role that left work it can do at once (the
	 * batcher after a full cut: a backlog); the worker then starts the
	 * next pass without sleeping poll_interval_ms. */
	bool				 more_work;
	struct chaind_counter		 counters[CHAIND_COUNTERS_MAX];
	unsigned			 ncounters;
	/* Role state, owned by each role file (NULL until its first step). */
	struct settle_state		*settle;
	struct sync_state		*sync;
};

/* A role: its name (for logs) and step.  A step returns CB_OK, or an
 * error the loop logs and backs off from (CB_ERR_LEASE_LOST: the worker
 * goes back to standby at once). */
struct chaind_role {
	const char	*name;
	enum cb_err	(*step)(struct chaind *cd);
	void		(*cleanup)(struct chaind *cd);	/* may be NULL */
};

/* ----------------------------------------------------------- lease.c */

/* Prepares the lease of chain_id for this process (holder identity). */
void		 lease_init(struct lease *l, uint64_t chain_id, unsigned ttl_s);

/*
 * Acquires the lease if free, expired, or held by a dead process of this
 * host; renews it if held.  Returns CB_OK with l->held telling which, or a
 * store error (l->held is then false).
 */
enum cb_err	 lease_tick(struct db *db, struct lease *l);

/* Renews when a third of the TTL has passed since the last renewal. */
enum cb_err	 lease_keep(struct db *db, struct lease *l);

/*
 * Inside a transaction: CB_OK while this process holds the lease (and
 * keeps a shared lock on it until the transaction ends), else
 * CB_ERR_LEASE_LOST (l->held becomes false).  Every write transaction of
 * the daemon calls it first.
 */
enum cb_err	 lease_fence(struct db *db, struct lease *l);

/* Gives the lease up (expires it now) when held.  Best effort. */
void		 lease_release(struct db *db, struct lease *l);

/* -------------------------------------------------------- failpoint.c */

/*
 * Test hooks (docs/chaind.md, "Failpoints"): CHAINBRIDGE_FAILPOINTS holds
 * "name[@n][,...]".  failpoint_init() parses it once; failpoint() at a
 * named place does nothing unless armed; when the n-th hit (default the
 * first) of an armed name comes, it logs event=failpoint and blocks the
 * process for good, so a test can SIGKILL it exactly there.
 */
void		 failpoint_init(void);
void		 failpoint(const char *name);

/* ----------------------------------------------------------- status.c */

/* Adds n to counter name{label} (label may be NULL); flushed with the
 * next heartbeat. */
void		 chaind_count(struct chaind *cd, const char *name, const char *label,
		    uint64_t n);

/* Writes chain_daemons and the pending counters (fenced).  */
enum cb_err	 chaind_heartbeat(struct chaind *cd);

/* Records a short error text for the heartbeat (last_error). */
void		 chaind_note_error(struct chaind *cd, const char *what, enum cb_err rc);

/*
 * Consistency findings (table consistency_issues, shown by the API's
 * chain status, /reconcile and /metrics).  kind is one of "block_hash",
 * "token_balance", "token_supply", "ledger"; subject names the thing
 * ("token:0x...:holder:0x...", "block:123", ...), at most 255 bytes.
 * Inside the caller's fenced transaction: issue_report opens a finding or
 * refreshes the open one of the same (kind, subject); issue_resolve
 * closes it when the two sides agree again.  expected/actual may be NULL.
 */
enum cb_err	 issue_report(struct db *db, uint64_t chain_id, const char *kind,
		    const char *subject, const char *expected, const char *actual);
enum cb_err	 issue_resolve(struct db *db, uint64_t chain_id, const char *kind,
		    const char *subject);

/* ----------------------------------------------------------- worker.c */

/* Milliseconds left in the current step's slice (0 when over or when a
 * stop was asked). */
uint64_t	 chaind_time_left(const struct chaind *cd);

/* True when SIGTERM/SIGINT asked the worker to stop. */
bool		 chaind_stopping(const struct chaind *cd);

/*
 * Runs one chain until *stop is set.  Returns the process exit status.
 */
int		 chaind_worker_run(const struct config *cfg,
		    const struct chain_config *chain, volatile sig_atomic_t *stop);

/* ------------------------------------------------------------- roles */

/* syncer.c, checker.c: the chain index (docs/sync.md). */
enum cb_err	 syncer_step(struct chaind *cd);
void		 syncer_cleanup(struct chaind *cd);
enum cb_err	 checker_step(struct chaind *cd);

/* batcher.c, submitter.c, confirmer.c: settlement (docs/settlement.md). */
enum cb_err	 batcher_step(struct chaind *cd);
enum cb_err	 submitter_step(struct chaind *cd);
enum cb_err	 confirmer_step(struct chaind *cd);
void		 settle_cleanup(struct chaind *cd);

/* housekeeping.c */
enum cb_err	 housekeeping_step(struct chaind *cd);

#endif
