/*
 * settlement.h - where settlement stands, as the API shows it: gauges and
 * counters for GET /metrics, and a per-chain summary for GET /healthz.
 * The chain daemon writes its state to the store (chain_daemons,
 * chain_daemon_counters, leases; docs/settlement.md, "Operating it"); the
 * store is the only channel between the two.  Every read is bounded: a
 * few index dives per token, one row per chain, the counters' rows.
 */
#ifndef CB_API_SETTLEMENT_H
#define CB_API_SETTLEMENT_H

#include <json-c/json.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/err.h"
#include "store/db.h"

/*
 * Appends the settlement families to out (Prometheus text 0.0.4): the age
 * of the oldest change settlement owes per token, the lease holder,
 * heartbeat, signer balance and its alert level, stuck nonce per chain,
 * and the daemon's counters (attempts, replacements, reverts, RPC errors
 * by class, confirmation latency histogram, ...).  cfg gives the alert
 * levels; it may be NULL.  Returns CB_OK, a store error or a buf error;
 * on error out may hold part of a family (the caller truncates).
 */
/* The kinds of the checker's findings (consistency_issues.kind), NULL
 * terminated: the labels the consistency families always show. */
extern const char *const settlement_issue_kinds[];

enum cb_err	settlement_metrics(struct db *db, const struct config *cfg, struct buf *out);

/*
 * Fills arr (a JSON array) with one object per chain the configuration
 * names or a daemon reported: {"chain_id", "chain", "daemon": "active"
 * (a daemon holds the chain's lease) | "none", "holder", "heartbeat_age_s",
 * "lag_seconds"
 * (age of the oldest change settlement owes on that chain, 0 when none),
 * "stuck_nonce", "signer_balance_low"}.  Returns CB_OK or a store error.
 */
enum cb_err	settlement_health(struct db *db, const struct config *cfg, json_object *arr);

#endif
