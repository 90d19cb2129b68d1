/* auth.c - API key authentication and scopes (auth.h). */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/monotime.h"
#include "store/apikey.h"
#include "auth.h"
#include "store/db.h"
#include "core/log.h"
#include "store/stmts.h"
#include "worker.h"

/*
 * Keys this worker verified recently, so a busy client costs one store
 * round trip per AUTH_CACHE_TTL_MS instead of one per request.  Only
 * successful look-ups are kept (the hash, never the key); a request
 * whose hash differs from the cached one goes to the store.  Revoking a
 * key therefore takes effect within AUTH_CACHE_TTL_MS.
 */
#define AUTH_CACHE_SLOTS	32
#define AUTH_CACHE_TTL_MS	1000

struct auth_cached {
	char		 prefix[APIKEY_PREFIX_LEN + 1];
	uint8_t		 hash[32];
	uint32_t	 id;
	unsigned	 stored;
	uint64_t	 expires_ms;	/* 0 = empty slot */
};

static struct auth_cached auth_cache[AUTH_CACHE_SLOTS];

/* A live cache entry for prefix whose hash equals hash, or NULL. */
static const struct auth_cached *
auth_cache_get(const char *prefix, const uint8_t hash[32], uint64_t now)
{
	size_t i;

	for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
		const struct auth_cached *c = &auth_cache[i];

		if (c->expires_ms > now && strcmp(c->prefix, prefix) == 0)
			return apikey_hash_equal(c->hash, hash) ? c : NULL;
	}
	return NULL;
}

static void
auth_cache_put(const char *prefix, const uint8_t hash[32], uint32_t id,
    unsigned stored, uint64_t now)
{
	struct auth_cached *slot = &auth_cache[0];
	size_t i;

	for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
		if (strcmp(auth_cache[i].prefix, prefix) == 0) {
			slot = &auth_cache[i];
			break;
		}
		if (auth_cache[i].expires_ms < slot->expires_ms)
			slot = &auth_cache[i];
	}
	memcpy(slot->prefix, prefix, sizeof(slot->prefix));
	memcpy(slot->hash, hash, sizeof(slot->hash));
	slot->id = id;
	slot->stored = stored;
	slot->expires_ms = now + AUTH_CACHE_TTL_MS;
}

unsigned
auth_effective_scopes(unsigned stored)
{
	unsigned eff = stored & (APIKEY_SCOPE_READ | APIKEY_SCOPE_WRITE |
	    APIKEY_SCOPE_ADMIN);

	if (eff & APIKEY_SCOPE_ADMIN)
		eff |= APIKEY_SCOPE_WRITE;
	if (eff & APIKEY_SCOPE_WRITE)
		eff |= APIKEY_SCOPE_READ;
	return eff;
}

bool
auth_scope_allows(unsigned eff, unsigned required)
{
	return (eff & required) == required;
}

bool
auth_bearer_parse(const char *header, const char **key, size_t *len)
{
	const char *p;
	size_t n;

	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return false;
	p = header + 7;
	while (*p == ' ')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return false;
	*key = p;
	*len = n;
	return true;
}

static int
auth_unauthorized(struct resp *resp, const char *message)
{
	resp->www_authenticate = true;
	return http_error(resp, 401, "unauthorized", message, NULL);
}

/*
 * Looks the prefix up and compares hashes.  Returns CB_OK with *id and
 * *stored set, CB_ERR_NOT_FOUND (no such live key or hash mismatch) or a
 * store error.
 */
static enum cb_err
auth_lookup(struct db *db, const char *prefix, const uint8_t hash[32],
    uint32_t *id, unsigned *stored)
{
	struct db_row row;
	enum cb_err rc;
	uint64_t v;
	int scopes, fr;
	bool match = false;

	rc = DB_EXEC(db, ST_APIKEY_BY_PREFIX, DB_CSTR(prefix));
	if (rc != CB_OK)
		return rc;
	fr = db_fetch(db, ST_APIKEY_BY_PREFIX, &row);
	if (fr < 0) {
		rc = CB_ERR_DB;
		goto out;
	}
	if (fr == 0) {
		rc = CB_ERR_NOT_FOUND;
		goto out;
	}
	if (row.ncols != APIKEY_AUTH_COL__MAX || row.val[APIKEY_AUTH_COL_HASH] == NULL ||
	    row.len[APIKEY_AUTH_COL_HASH] != 32 ||
	    !db_col_u64(&row, APIKEY_AUTH_COL_ID, &v) || v > UINT32_MAX ||
	    row.val[APIKEY_AUTH_COL_SCOPES] == NULL ||
	    (scopes = apikey_scopes_parse(row.val[APIKEY_AUTH_COL_SCOPES],
	    row.len[APIKEY_AUTH_COL_SCOPES])) < 0) {
		rc = CB_ERR_DB;
		goto out;
	}
	match = apikey_hash_equal(hash, (const uint8_t *)row.val[APIKEY_AUTH_COL_HASH]);
	if (!match) {
		rc = CB_ERR_NOT_FOUND;
		goto out;
	}
	*id = (uint32_t)v;
	*stored = (unsigned)scopes;
	rc = CB_OK;
out:
	db_done(db, ST_APIKEY_BY_PREFIX);
	return rc;
}

int
auth_check_or_reply(struct req *req, const char *authorization,
    unsigned required, struct resp *resp)
{
	char prefix[APIKEY_PREFIX_LEN + 1];
	uint8_t hash[32];
	const char *key;
	size_t len;
	const struct auth_cached *hit;
	unsigned stored = 0;
	uint32_t id = 0;
	uint64_t now;
	enum cb_err rc;
	int status;

	if (authorization == NULL)
		return auth_unauthorized(resp, "missing API key");
	if (!auth_bearer_parse(authorization, &key, &len) ||
	    !apikey_parse(key, len, prefix))
		return auth_unauthorized(resp, "malformed API key");
	apikey_hash(key, len, hash);
	now = monotime_ms();
	if ((hit = auth_cache_get(prefix, hash, now)) != NULL) {
		id = hit->id;
		stored = hit->stored;
		rc = CB_OK;
	} else if ((rc = worker_db(req->w)) == CB_OK) {
		rc = auth_lookup(req->w->db, prefix, hash, &id, &stored);
		if (rc == CB_ERR_DB_GONE && db_ping(req->w->db) == CB_OK)
			rc = auth_lookup(req->w->db, prefix, hash, &id, &stored);
		if (rc == CB_OK)
			auth_cache_put(prefix, hash, id, stored, now);
	}
	explicit_bzero(hash, sizeof(hash));
	switch (rc) {
	case CB_OK:
		break;
	case CB_ERR_NOT_FOUND:
		return auth_unauthorized(resp, "unknown or revoked API key");
	case CB_ERR_DB_GONE:
		req->w->db_suspect = true;
		return http_store_unavailable(resp);
	default:
		log_errorx("auth_lookup", "err=%s db_errno=%u", cb_errcode(rc),
		    req->w->db != NULL ? db_errno(req->w->db) : 0);
		return http_internal_error(resp, "auth", rc);
	}
	req->api_key_id = id;
	req->scopes = auth_effective_scopes(stored);
	if (!auth_scope_allows(req->scopes, required)) {
		json_object *details = json_object_new_object();
		char need[32];

		apikey_scopes_format(required, need, sizeof(need));
		if (details != NULL)
			json_object_object_add(details, "required_scope",
			    json_object_new_string(need));
		status = http_error(resp, 403, "forbidden",
		    "the API key lacks the scope this route needs", details);
		json_object_put(details);
		return status;
	}
	return 0;
}
