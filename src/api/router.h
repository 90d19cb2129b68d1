/*
 * router.h - the route tables of chainbridge-api and their matching.
 *
 * A route is a method plus a path pattern of literal segments and
 * "{name}" segments ("/api/v1/balance/{user_id}/history").  Matching is
 * exact, segment by segment: no trailing-slash folding ("/api/v1/tokens/"
 * is 404), no empty segments, a {param} matches one non-empty segment.
 * Param values are percent-decoded; a decoded NUL or '/' or a malformed
 * escape inside one is a 400 invalid_path_parameter.  A path that matches
 * some route's pattern with another method is a 405 with Allow listing the
 * methods that do match; otherwise 404.
 */
#ifndef CB_API_ROUTER_H
#define CB_API_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

struct route {
	enum http_method	 method;
	const char		*pattern;	/* "/api/v1/balance/{user_id}/history" */
	handler_fn		 handler;
	unsigned		 scope;		/* required APIKEY_SCOPE_* bit; 0 = no auth */
	bool			 takes_body;	/* JSON body required (POST/PUT/PATCH) */
	const char *const	*query_keys;	/* allowed keys, NULL-terminated; NULL = none */
	const char		*name;		/* metrics label, e.g. "balance_adjust" */
};

/* health.c (apicore): GET /healthz, GET /metrics. */
extern const struct route core_routes[];
extern const size_t core_routes_count;
/* routes.c (ledger): everything under /api/v1. */
extern const struct route app_routes[];
extern const size_t app_routes_count;

struct router_table {
	const struct route	*routes;
	size_t			 count;
};

enum router_result {
	ROUTER_MATCH = 0,
	ROUTER_NOT_FOUND,		/* 404 not_found */
	ROUTER_METHOD_NOT_ALLOWED,	/* 405 method_not_allowed, allow[] set */
	ROUTER_BAD_PARAM,		/* 400 invalid_path_parameter */
	ROUTER_TOO_LONG,		/* 414 uri_too_long */
};

struct router_match {
	const struct route	*route;
	const char		*params[ROUTE_MAX_PARAMS];	/* into storage */
	size_t			 param_len[ROUTE_MAX_PARAMS];
	unsigned		 nparams;
	char			 allow[64];	/* "GET, POST" for a 405 */
	char			 storage[HTTP_PATH_MAX + ROUTE_MAX_PARAMS + 1];
};

/*
 * Matches method and the raw path (no query) path[0..len) against the
 * tables in order; the first match wins.  Fills m (params point into
 * m->storage, so m must outlive their use).  Returns ROUTER_MATCH or why
 * not (see enum router_result).
 */
enum router_result router_match(const struct router_table *tables,
    size_t ntables, enum http_method method, const char *path, size_t len,
    struct router_match *m);

/*
 * True if key is in route->query_keys.  Pure; used by the pipeline's
 * whitelist check.
 */
bool router_query_allowed(const struct route *route, const char *key);

/*
 * Checks every pattern of the tables once at start: starts with '/', no
 * empty segment, at most ROUTE_MAX_PARAMS params, well-formed braces, a
 * name, a handler, and no two routes with the same method and an
 * identical pattern.  Returns true, or false with a message in errbuf.
 */
bool router_check(const struct router_table *tables, size_t ntables,
    char *errbuf, size_t errlen);

#endif
