/*
 * reasons.c - GET /api/v1/reasons and PUT /api/v1/admin/reasons/{name}:
 * the reason registry (docs/api.md), through the registry shared with
 * chainbridge-admin.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "store/stmts.h"
#include "worker.h"

static const char *const reason_keys[] = {
	"description", "allowed_metadata", "auto_batch", "high_priority", "enabled", NULL
};

static json_object *
reason_json(const struct reason *r)
{
	json_object *o = json_object_new_object(), *allowed = NULL;
	unsigned i;

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "description", json_object_new_string(r->description));
	if (!r->any_metadata) {
		allowed = json_object_new_array();
		for (i = 0; i < r->nallowed; i++)
			json_object_array_add(allowed, json_object_new_string(r->allowed[i]));
	}
	json_object_object_add(o, "allowed_metadata", allowed);
	json_object_object_add(o, "auto_batch", json_object_new_boolean(r->auto_batch));
	json_object_object_add(o, "high_priority", json_object_new_boolean(r->high_priority));
	json_object_object_add(o, "enabled", json_object_new_boolean(r->enabled));
	return o;
}

int
h_reasons_list(struct req *req, struct resp *resp)
{
	struct db *db = req->w->db;
	json_object *doc, *list;
	struct reason r;
	struct db_row row;
	enum cb_err rc;
	int status, fr;

	if ((rc = DB_EXEC0(db, ST_REASON_LIST)) != CB_OK)
		return http_internal_error(resp, "reasons_list", rc);
	doc = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(doc, "reasons", list);
	while ((fr = db_fetch(db, ST_REASON_LIST, &row)) == 1) {
		if ((rc = registry_reason_from_row(&row, &r)) != CB_OK)
			break;
		json_object_array_add(list, reason_json(&r));
	}
	db_done(db, ST_REASON_LIST);
	if (fr < 0)
		rc = CB_ERR_DB;
	status = rc == CB_OK ? http_json(resp, 200, doc) :
	    http_internal_error(resp, "reasons_list", rc);
	json_object_put(doc);
	return status;
}

/* Applies the body to r; 0 or the 400 answered. */
static int
reason_apply_or_reply(struct resp *resp, json_object *doc, struct reason *r)
{
	struct json_verr err;
	json_object *v, *item;
	const char *s;
	size_t n, i, len;
	bool b;

	if (!json_get_string(doc, "", "description", false, 0, REASON_DESC_MAX, &s, &n, &err))
		return http_error_verr(resp, &err);
	if (s != NULL) {
		memcpy(r->description, s, n);
		r->description[n] = '\0';
	}
	/* Present and null means any key; an array restricts the keys. */
	if (json_object_object_get_ex(doc, "allowed_metadata", &v)) {
		if (v == NULL) {
			r->any_metadata = true;
			r->nallowed = 0;
		} else {
			if (!json_get_array(doc, "", "allowed_metadata", true, 0,
			    REASON_META_KEYS_MAX, &v, &n, &err))
				return http_error_verr(resp, &err);
			r->any_metadata = false;
			r->nallowed = 0;
			for (i = 0; i < n; i++) {
				char path[JSON_PATH_MAX];

				item = json_object_array_get_idx(v, i);
				json_path_index(path, sizeof(path), "allowed_metadata", i);
				if (!json_object_is_type(item, json_type_string) ||
				    (len = (size_t)json_object_get_string_len(item)) == 0 ||
				    len > REASON_META_KEY_MAX ||
				    !buf_utf8_valid(json_object_get_string(item), len)) {
					json_verr_set(&err, path, "invalid_metadata_key",
					    "metadata keys are strings of 1..64 bytes");
					return http_error_verr(resp, &err);
				}
				memcpy(r->allowed[r->nallowed], json_object_get_string(item), len);
				r->allowed[r->nallowed++][len] = '\0';
			}
		}
	}
	b = r->auto_batch;
	if (!json_get_bool(doc, "", "auto_batch", false, &b, &err))
		return http_error_verr(resp, &err);
	r->auto_batch = b;
	b = r->high_priority;
	if (!json_get_bool(doc, "", "high_priority", false, &b, &err))
		return http_error_verr(resp, &err);
	r->high_priority = b;
	b = r->enabled;
	if (!json_get_bool(doc, "", "enabled", false, &b, &err))
		return http_error_verr(resp, &err);
	r->enabled = b;
	return 0;
}

int
h_reasons_put(struct req *req, struct resp *resp)
{
	json_object *doc, *out = NULL;
	struct json_verr err;
	struct reason r;
	char errbuf[256] = "";
	enum cb_err rc;
	bool created = false;
	int status;

	if ((doc = ledger_body_or_reply(req, resp, reason_keys)) == NULL)
		return resp->status;
	if (!registry_reason_name_valid(req->params[0], req->param_len[0])) {
		json_verr_set(&err, "name", "invalid_reason_name",
		    "a reason name is 1..50 characters of a-z 0-9 _");
		status = http_error_verr(resp, &err);
		goto out;
	}
	rc = registry_reason_get(req->w->db, req->params[0], req->param_len[0], &r);
	if (rc == CB_ERR_NOT_FOUND) {
		memset(&r, 0, sizeof(r));
		memcpy(r.name, req->params[0], req->param_len[0]);
		r.any_metadata = true;
		r.auto_batch = true;
		r.enabled = true;
		created = true;
	} else if (rc != CB_OK) {
		status = http_internal_error(resp, "reasons_put", rc);
		goto out;
	}
	if ((status = reason_apply_or_reply(resp, doc, &r)) != 0)
		goto out;
	if ((rc = registry_reason_save(req->w->db, &r, errbuf, sizeof(errbuf))) != CB_OK) {
		status = ledger_registry_error(resp, rc, errbuf, "invalid_reason",
		    "reason_conflict", "reason_not_found");
		goto out;
	}
	ledger_cache_flush();
	out = reason_json(&r);
	status = http_json(resp, created ? 201 : 200, out);
out:
	json_object_put(out);
	json_object_put(doc);
	return status;
}
