/*
 * worker.h - one chainbridge-api worker process: its configuration, its
 * database connection and its FastCGI accept loop.
 *
 * Handlers reach the worker through req->w: w->db is the worker's own
 * connection (statements of src/lib/store/stmts.h, prepared on first use) and
 * w->cfg the configuration it was started with (read-only).  w->db may be
 * NULL while the store is down: routes that need an API key reach their
 * handler only once authentication went through the store, so w->db is
 * set there; a handler returns http_store_unavailable() on CB_ERR_DB_GONE
 * and the worker checks the connection before the next request.
 */
#ifndef CB_API_WORKER_H
#define CB_API_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/conf.h"
#include "store/db.h"
#include "http.h"
#include "router.h"

struct metrics;

struct worker {
	const struct config	*cfg;
	struct db		*db;		/* NULL while the store is unreachable */
	bool			 db_suspect;	/* a handler saw CB_ERR_DB_GONE: ping first */
	bool			 store_down;	/* the outage is logged already */
	int			 listen_fd;
	unsigned		 index;		/* slot number, for logs */
	uint64_t		 served;	/* requests served so far */
	uint64_t		 max_requests;	/* exit after this many; 0 = never */
	struct metrics		*metrics;	/* shared with the master */
	struct router_table	 tables[2];
	size_t			 ntables;
};

/*
 * Makes sure w->db is connected (opening it if NULL, pinging it if a
 * handler reported it gone).  Returns CB_OK or CB_ERR_DB_GONE (logged at
 * most once per outage).
 */
enum cb_err worker_db(struct worker *w);

/*
 * Runs the worker: connects to the store (not fatal if it is down),
 * then accepts and serves requests on w->listen_fd until SIGTERM or
 * max_requests, finishing the request in flight.  Returns the process
 * exit status (0 on a clean stop).
 */
int worker_run(struct worker *w);

#endif
