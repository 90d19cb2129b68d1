/*
 * health.h - the operational routes of chainbridge-api: GET /healthz and
 * GET /metrics (the core_routes[] table of router.h).  Neither needs an
 * API key; nginx keeps /metrics to loopback.
 */
#ifndef CB_API_HEALTH_H
#define CB_API_HEALTH_H

#include "http.h"

/*
 * GET /healthz: 200 {"status":"ok","store":"up","chains":[{"chain_id",
 * "chain","last_block","head_block","lag"}],"settlement":[{"chain_id",
 * "chain","daemon","holder","heartbeat_age_s","lag_seconds","stuck_nonce",
 * "signer_balance_low"}]} when the store answers SELECT 1 (reconnecting
 * once if needed), else 503 {"status":"unavailable","store":"down"} with
 * Retry-After.  "settlement" (settlement.h) says per chain whether a
 * chain daemon holds the lease and how old the oldest change settlement
 * owes is; it does not change the status.
 */
int h_healthz(struct req *req, struct resp *resp);

/*
 * GET /metrics: the shared counters (metrics.h) plus gauges read from the
 * store (pending changes per token, batches by status, sync lag per
 * chain, settlement: oldest owed change per token, lease holder,
 * heartbeat, signer balance and its alert level, stuck nonce, and the
 * chain daemon's counters; store up), as Prometheus text 0.0.4.  Always
 * 200; the store gauges are left out and chainbridge_store_up is 0 while
 * it is down.
 */
int h_metrics(struct req *req, struct resp *resp);

/*
 * GET /api/v1/ping: {"status":"ok"} without touching the store or asking
 * for a key.  A liveness probe for load balancers, and the benchmark's
 * ceiling for a FastCGI round trip through nginx (bench/).
 */
int h_ping(struct req *req, struct resp *resp);

#endif
