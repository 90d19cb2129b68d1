/*
 * worker.c - one chain's worker process: the store connection, the node,
 * the signer key, the lease, and the loop that runs the roles while the
 * lease is held (chaind.h).
 *
 * Failures of the store or the node never end the worker: it logs them,
 * backs off (up to a third of the lease TTL, so a held lease is renewed in
 * time) and tries again, keeping every state in the store.  Only a wrong
 * configuration (the node serves another chain id, an unreadable key)
 * ends it, with EX_CONFIG, so the master does not restart it in a loop.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaind.h"
#include "core/array.h"
#include "core/log.h"
#include "core/monotime.h"
#include "store/store.h"

#define CHAIND_EX_CONFIG	78	/* sysexits.h EX_CONFIG */
/* The session lock wait: a daemon transaction is short; waiting longer
 * than this for a lock means something is wrong, and the step is retried
 * on the next pass anyway. */
#define CHAIND_LOCK_WAIT_S	10
#define CHAIND_BACKOFF_MAX_MS	30000

/* The roles in the order they run on each pass. */
static const struct chaind_role roles[] = {
	{ "syncer",	  syncer_step,	     syncer_cleanup },
	{ "batcher",	  batcher_step,	     NULL },
	{ "submitter",	  submitter_step,    NULL },
	{ "confirmer",	  confirmer_step,    settle_cleanup },
	{ "checker",	  checker_step,	     NULL },
	{ "housekeeping", housekeeping_step, NULL },
};

uint64_t
chaind_time_left(const struct chaind *cd)
{
	uint64_t now = monotime_ms();

	if (chaind_stopping(cd) || now >= cd->slice_end_ms)
		return 0;
	return cd->slice_end_ms - now;
}

bool
chaind_stopping(const struct chaind *cd)
{
	return cd->stop != NULL && *cd->stop;
}

/* Sleeps ms in short pieces so a stop request is seen at once. */
static void
chaind_nap(const struct chaind *cd, uint64_t ms)
{
	uint64_t end = monotime_ms() + ms;

	while (!chaind_stopping(cd)) {
		uint64_t now = monotime_ms();

		if (now >= end)
			break;
		(void)monotime_sleep_ms(end - now < 200 ? end - now : 200);
	}
}

/* Opens the store, retrying with backoff until it answers or a stop. */
static bool
chaind_connect_store(struct chaind *cd)
{
	char errbuf[256], q[LOG_Q_MAX];
	uint64_t backoff = 500;
	enum cb_err rc;

	while (!chaind_stopping(cd)) {
		cd->db = store_open(&cd->cfg->db, CHAIND_LOCK_WAIT_S, &rc, errbuf,
		    sizeof(errbuf));
		/* A worker that hangs inside a fenced transaction must not keep
		 * the lease row locked: the server ends the transaction after
		 * lease_ttl idle seconds, and a standby can take over. */
		if (cd->db != NULL &&
		    (rc = db_set_idle_txn_timeout(cd->db, cd->chain->lease_ttl)) != CB_OK) {
			db_close(cd->db);
			cd->db = NULL;
			snprintf(errbuf, sizeof(errbuf), "idle_transaction_timeout");
		}
		if (cd->db != NULL)
			return true;
		log_warnx("store_down", "chain=%s err=%s detail=%s retry_ms=%" PRIu64,
		    cd->chain->name, cb_errcode(rc),
		    log_q(q, sizeof(q), errbuf, strlen(errbuf)), backoff);
		chaind_nap(cd, backoff);
		backoff = backoff * 2 > CHAIND_BACKOFF_MAX_MS ? CHAIND_BACKOFF_MAX_MS :
		    backoff * 2;
	}
	return false;
}

/*
 * Checks that the node serves the configured chain, retrying while it is
 * unreachable.  Returns 0 when it does, CHAIND_EX_CONFIG when it serves
 * another chain, -1 on a stop request.
 */
static int
chaind_check_node(struct chaind *cd)
{
	struct rpc_error err;
	uint64_t id, backoff = 500;
	enum cb_err rc;

	while (!chaind_stopping(cd)) {
		rc = rpc_eth_chain_id(cd->rpc, &id, &err);
		if (rc == CB_OK) {
			if (id == cd->chain->chain_id)
				return 0;
			log_errorx("chain_id_mismatch", "chain=%s configured=%" PRIu64
			    " node=%" PRIu64, cd->chain->name, cd->chain->chain_id, id);
			return CHAIND_EX_CONFIG;
		}
		log_warnx("node_down", "chain=%s err=%s retry_ms=%" PRIu64, cd->chain->name,
		    cb_errcode(rc), backoff);
		chaind_nap(cd, backoff);
		backoff = backoff * 2 > CHAIND_BACKOFF_MAX_MS ? CHAIND_BACKOFF_MAX_MS :
		    backoff * 2;
	}
	return -1;
}

static void
chaind_cleanup_roles(struct chaind *cd)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(roles); i++)
		if (roles[i].cleanup != NULL)
			roles[i].cleanup(cd);
}

/* Runs every role once.  Returns the worst error (for the backoff). */
static enum cb_err
chaind_pass(struct chaind *cd)
{
	uint64_t slice = cd->lease.ttl_ms / 3;
	enum cb_err rc, worst = CB_OK;
	size_t i;

	for (i = 0; i < ARRAY_LEN(roles) && !chaind_stopping(cd); i++) {
		if ((rc = lease_keep(cd->db, &cd->lease)) != CB_OK || !cd->lease.held)
			return rc == CB_OK ? CB_ERR_LEASE_LOST : rc;
		cd->slice_end_ms = monotime_ms() + slice;
		rc = roles[i].step(cd);
		if (rc == CB_OK)
			continue;
		log_warnx("step_failed", "chain=%s role=%s err=%s", cd->chain->name,
		    roles[i].name, cb_errcode(rc));
		chaind_note_error(cd, roles[i].name, rc);
		chaind_count(cd, "step_errors", roles[i].name, 1);
		if (rc == CB_ERR_LEASE_LOST)
			return rc;
		if (rc == CB_ERR_DB_GONE || rc == CB_ERR_DB_UNKNOWN)
			return rc;	/* the next roles need the store too */
		worst = rc;
	}
	return worst;
}

int
chaind_worker_run(const struct config *cfg, const struct chain_config *chain,
    volatile sig_atomic_t *stop)
{
	struct chaind cd;
	struct rpc_opts opts;
	char errbuf[256], q[LOG_Q_MAX], addr[ADDRESS_STR_SIZE];
	uint64_t backoff_ms = 0, poll = chain->poll_interval_ms;
	bool was_held = false;
	enum cb_err rc;
	int status = 0;

	memset(&cd, 0, sizeof(cd));
	cd.cfg = cfg;
	cd.chain = chain;
	cd.stop = stop;
	failpoint_init();

	rpc_opts_init(&opts);
	opts.timeout_ms = chain->rpc_timeout_ms;
	opts.connect_timeout_ms = chain->rpc_timeout_ms < 5000 ? chain->rpc_timeout_ms : 5000;
	opts.max_retries = 1;
	if ((cd.rpc = rpc_client_new(chain->rpc_url, &opts)) == NULL) {
		log_errorx("rpc_client", "chain=%s", chain->name);
		status = CHAIND_EX_CONFIG;
		goto out;
	}
	if (chain->key_file != NULL) {
		rc = secp_key_load(chain->key_file, &cd.key, errbuf, sizeof(errbuf));
		if (rc != CB_OK) {
			log_errorx("signer_key", "chain=%s err=%s detail=%s", chain->name,
			    cb_errcode(rc), log_q(q, sizeof(q), errbuf, strlen(errbuf)));
			status = CHAIND_EX_CONFIG;
			goto out;
		}
		secp_key_address(cd.key, &cd.signer);
		address_to_checksum(&cd.signer, addr);
		log_info("signer", "chain=%s address=%s", chain->name, addr);
	} else {
		log_warnx("no_signer", "chain=%s reason=no_key_file settlement=off",
		    chain->name);
	}
	if (!chaind_connect_store(&cd))
		goto out;
	if ((status = chaind_check_node(&cd)) != 0) {
		if (status < 0)
			status = 0;
		goto out;
	}
	lease_init(&cd.lease, chain->chain_id, chain->lease_ttl);
	log_info("worker_start", "chain=%s chain_id=%" PRIu64 " holder=%s lease_ttl_s=%u",
	    chain->name, chain->chain_id,
	    log_q(q, sizeof(q), cd.lease.holder, strlen(cd.lease.holder)), chain->lease_ttl);

	while (!chaind_stopping(&cd)) {
		rc = lease_tick(cd.db, &cd.lease);
		if (rc != CB_OK) {
			log_warnx("lease_tick", "chain=%s err=%s", chain->name, cb_errcode(rc));
			if (rc == CB_ERR_DB_GONE)
				(void)db_reconnect(cd.db);
		} else if (cd.lease.held) {
			was_held = true;
			cd.more_work = false;
			rc = chaind_pass(&cd);
			if (rc != CB_ERR_LEASE_LOST && cd.lease.held) {
				enum cb_err hb = chaind_heartbeat(&cd);

				if (rc == CB_OK)
					rc = hb;
			}
			/* A COMMIT whose outcome is unknown needs nothing more:
			 * every step reads the state it left on its next pass. */
			if (rc == CB_ERR_DB_GONE || rc == CB_ERR_DB_UNKNOWN)
				(void)db_reconnect(cd.db);
		}
		if (was_held && !cd.lease.held) {
			/* Standby again: nothing cached may be trusted. */
			chaind_cleanup_roles(&cd);
			was_held = false;
		}
		if (rc == CB_OK && cd.lease.held && cd.more_work) {
			/* A backlog: the next pass at once (it naps again as soon
			 * as a pass leaves nothing to do at once, e.g. when
			 * max_in_flight transactions are unconfirmed). */
			backoff_ms = 0;
		} else if (rc == CB_OK || rc == CB_ERR_LEASE_LOST) {
			backoff_ms = 0;
			chaind_nap(&cd, poll);
		} else {
			backoff_ms = backoff_ms == 0 ? poll : backoff_ms * 2;
			if (backoff_ms > cd.lease.ttl_ms / 3)
				backoff_ms = cd.lease.ttl_ms / 3;
			if (backoff_ms > CHAIND_BACKOFF_MAX_MS)
				backoff_ms = CHAIND_BACKOFF_MAX_MS;
			chaind_nap(&cd, backoff_ms);
		}
	}
	lease_release(cd.db, &cd.lease);
	log_info("worker_stop", "chain=%s", chain->name);
out:
	chaind_cleanup_roles(&cd);
	db_close(cd.db);
	rpc_client_free(cd.rpc);
	secp_key_free(cd.key);
	return status;
}
