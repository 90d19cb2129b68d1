/*
 * auth.h - API key authentication and scopes of chainbridge-api.
 *
 * A request carries "Authorization: Bearer <key>".  The key's visible
 * prefix finds its row (ST_APIKEY_BY_PREFIX, revoked keys excluded); the
 * SHA-256 of the whole key is compared with the stored hash in constant
 * time.  A worker reuses a successful look-up for up to one second, so a
 * revocation takes effect within a second.  Scopes are hierarchical (docs/api-auth.md): admin includes write,
 * write includes read.
 */
#ifndef CB_API_AUTH_H
#define CB_API_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/*
 * The scopes a key effectively holds, given the bits stored for it:
 * admin adds write and read, write adds read.
 */
unsigned auth_effective_scopes(unsigned stored);

/* True if a key whose effective scopes are eff may call a route needing
 * required (one APIKEY_SCOPE_* bit; 0 always passes). */
bool auth_scope_allows(unsigned eff, unsigned required);

/*
 * Extracts the credentials from an Authorization header value: scheme
 * "Bearer" (any case), one or more spaces, then the token up to the end
 * (trailing spaces dropped).  Returns true with *key / *len pointing into
 * header; false if header is NULL or not of that form.
 */
bool auth_bearer_parse(const char *header, const char **key, size_t *len);

/*
 * Authenticates req against the store for a route needing scope
 * required: on success sets req->api_key_id and req->scopes (effective)
 * and returns 0.  Otherwise fills resp and returns its status: 401
 * unauthorized (missing, malformed, unknown or revoked key; with
 * WWW-Authenticate), 403 forbidden (scope), 503 store_unavailable, 500.
 * The key is never logged; the hash is wiped.
 */
int auth_check_or_reply(struct req *req, const char *authorization,
    unsigned required, struct resp *resp);

#endif
