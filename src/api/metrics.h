/*
 * metrics.h - request counters shared by all chainbridge-api processes.
 *
 * The master maps one anonymous shared region before it forks; every
 * worker adds to it with C11 atomics (relaxed: each counter is
 * independent), and GET /metrics in any worker renders it in the
 * Prometheus text format, version 0.0.4.  Routes are identified by their
 * slot: 1 + the route's position across the route tables (slot 0 counts
 * requests that matched no route).  Durations are kept in microseconds
 * and rendered in seconds without floating point.
 */
#ifndef CB_API_METRICS_H
#define CB_API_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "router.h"

#define METRICS_MAX_ROUTES	96	/* slots; routes past it count in slot 0 */
#define METRICS_NBUCKETS	12	/* latency buckets, the last is +Inf */
#define METRICS_NSTATUS		19	/* tracked statuses + "other" */

struct metrics {
	atomic_uint_fast64_t	requests[METRICS_MAX_ROUTES][METRICS_NSTATUS];
	atomic_uint_fast64_t	duration_bucket[METRICS_MAX_ROUTES][METRICS_NBUCKETS];
	atomic_uint_fast64_t	duration_sum_us[METRICS_MAX_ROUTES];
	atomic_uint_fast64_t	store_errors;	/* requests answered 503 store_unavailable */
	atomic_uint_fast64_t	store_reconnects;	/* successful reconnections */
	atomic_uint_fast64_t	worker_restarts;	/* workers respawned after an exit */
	atomic_uint_fast64_t	workers;	/* live workers (gauge, master) */
	atomic_uint_fast64_t	config_reloads;	/* successful SIGHUP reloads */
	atomic_uint_fast64_t	config_reload_errors;
};

/*
 * Maps a zeroed region shared with children forked later.  Returns it, or
 * NULL with errno set.  Release with metrics_destroy().
 */
struct metrics *metrics_create(void);

/* Unmaps the region.  NULL-safe. */
void metrics_destroy(struct metrics *m);

/* The slot of route r within tables (0 when r is NULL or beyond
 * METRICS_MAX_ROUTES - 1). */
unsigned metrics_route_slot(const struct router_table *tables, size_t ntables,
    const struct route *r);

/* Counts one request of slot with its final status and duration.  m may
 * be NULL (no-op). */
void metrics_request(struct metrics *m, unsigned slot, int status,
    uint64_t duration_us);

/* Adds to a single counter (e.g. &m->store_errors).  NULL-safe on m. */
void metrics_add(atomic_uint_fast64_t *counter, uint64_t n);

/* The index of status among the tracked statuses (METRICS_NSTATUS - 1 for
 * any other status) and back (0 for "other"). */
unsigned metrics_status_index(int status);
int metrics_status_code(unsigned index);

/*
 * Appends the counters in Prometheus text format to out: requests by
 * route and status, the latency histogram by route, store errors,
 * reconnections, worker restarts, live workers and reloads.  Returns
 * CB_OK or the buf error.
 */
enum cb_err metrics_render(const struct metrics *m,
    const struct router_table *tables, size_t ntables, struct buf *out);

#endif
