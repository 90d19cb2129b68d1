/*
 * api_routes.c - prints chainbridge-api's route tables (src/api/health.c,
 * src/api/routes.c) as one JSON object per line, for scripts/openapi-check
 * to compare with docs/openapi.yaml:
 *
 *	{"method":"GET","path":"/api/v1/balance/{user_id}","name":"balance_get",
 *	 "scope":"read","body":false,"query":["token_symbol"]}
 *
 * "scope" is "none" for a route without authentication.  Built with the
 * test programs (make check), never installed.
 */
#include "config.h"

#include <stdio.h>

#include <json-c/json.h>

#include "router.h"
#include "store/apikey.h"

static const char *
api_routes_scope(unsigned scope)
{
	switch (scope) {
	case 0:
		return "none";
	case APIKEY_SCOPE_READ:
		return "read";
	case APIKEY_SCOPE_WRITE:
		return "write";
	case APIKEY_SCOPE_ADMIN:
		return "admin";
	default:
		return "unknown";
	}
}

/* Prints the routes of one table; returns false when out of memory. */
static bool
api_routes_print(const struct route *routes, size_t count)
{
	size_t i, k;

	for (i = 0; i < count; i++) {
		const struct route *r = &routes[i];
		json_object *o = json_object_new_object(), *q = json_object_new_array();
		const char *text;

		if (o == NULL || q == NULL) {
			json_object_put(o);
			json_object_put(q);
			return false;
		}
		json_object_object_add(o, "method",
		    json_object_new_string(http_method_name(r->method)));
		json_object_object_add(o, "path", json_object_new_string(r->pattern));
		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "scope",
		    json_object_new_string(api_routes_scope(r->scope)));
		json_object_object_add(o, "body", json_object_new_boolean(r->takes_body));
		for (k = 0; r->query_keys != NULL && r->query_keys[k] != NULL; k++)
			json_object_array_add(q, json_object_new_string(r->query_keys[k]));
		json_object_object_add(o, "query", q);
		text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
		if (text == NULL) {
			json_object_put(o);
			return false;
		}
		puts(text);
		json_object_put(o);
	}
	return true;
}

int
main(void)
{
	if (!api_routes_print(core_routes, core_routes_count) ||
	    !api_routes_print(app_routes, app_routes_count)) {
		fputs("api_routes: out of memory\n", stderr);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
