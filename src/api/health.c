/* health.c - GET /healthz and GET /metrics (health.h), and core_routes[]. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "store/db.h"
#include "health.h"
#include "core/log.h"
#include "ledger/status.h"
#include "metrics.h"
#include "router.h"
#include "settlement.h"
#include "store/stmts.h"
#include "worker.h"

const struct route core_routes[] = {
	{ HTTP_GET, "/healthz", h_healthz, 0, false, NULL, "healthz" },
	{ HTTP_GET, "/metrics", h_metrics, 0, false, NULL, "metrics" },
	{ HTTP_GET, "/api/v1/ping", h_ping, 0, false, NULL, "ping" },
};
const size_t core_routes_count = sizeof(core_routes) / sizeof(core_routes[0]);

/* Runs ST_PING on the worker's connection, reconnecting once. */
static enum cb_err
health_ping(struct worker *w)
{
	enum cb_err rc;

	if ((rc = worker_db(w)) != CB_OK)
		return rc;
	rc = DB_EXEC0(w->db, ST_PING);
	if (rc == CB_ERR_DB_GONE && db_reconnect(w->db) == CB_OK) {
		metrics_add(w->metrics != NULL ? &w->metrics->store_reconnects :
		    NULL, 1);
		rc = DB_EXEC0(w->db, ST_PING);
	}
	db_done(w->db, ST_PING);
	if (rc == CB_ERR_DB_GONE)
		w->db_suspect = true;
	return rc;
}

/* The configured name of chain_id, or NULL. */
static const char *
health_chain_name(const struct config *cfg, uint64_t chain_id)
{
	size_t i;

	for (i = 0; cfg != NULL && i < cfg->nchains; i++)
		if (cfg->chains[i].chain_id == chain_id)
			return cfg->chains[i].name;
	return NULL;
}

/* A nullable unsigned column as a JSON number or null. */
static json_object *
health_u64_or_null(const struct db_row *row, unsigned col)
{
	uint64_t v;

	if (row->val[col] == NULL || !db_col_u64(row, col, &v))
		return NULL;
	return json_object_new_uint64(v);
}

/* Builds the "chains" array from sync_checkpoints. */
static enum cb_err
health_chains(struct worker *w, json_object *chains)
{
	struct db_row row;
	enum cb_err rc;
	int fr;

	if ((rc = DB_EXEC0(w->db, ST_SYNC_LAG)) != CB_OK)
		return rc;
	while ((fr = db_fetch(w->db, ST_SYNC_LAG, &row)) == 1) {
		json_object *c = json_object_new_object();
		const char *name;
		uint64_t id;

		if (c == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		json_object_array_add(chains, c);
		if (row.ncols != SYNC_LAG_COL__MAX ||
		    !db_col_u64(&row, SYNC_LAG_COL_CHAIN_ID, &id)) {
			rc = CB_ERR_DB;
			break;
		}
		json_object_object_add(c, "chain_id", json_object_new_uint64(id));
		if ((name = health_chain_name(w->cfg, id)) != NULL)
			json_object_object_add(c, "chain",
			    json_object_new_string(name));
		json_object_object_add(c, "last_block",
		    health_u64_or_null(&row, SYNC_LAG_COL_LAST_BLOCK));
		json_object_object_add(c, "head_block",
		    health_u64_or_null(&row, SYNC_LAG_COL_HEAD_BLOCK));
		json_object_object_add(c, "lag", health_u64_or_null(&row, SYNC_LAG_COL_LAG));
	}
	if (fr < 0 && rc == CB_OK)
		rc = CB_ERR_DB;
	db_done(w->db, ST_SYNC_LAG);
	return rc;
}

/*
 * Adds each chain's syncer state (sync_checkpoints: halted, why, reorgs,
 * oversize values) to its entry of chains, and sets *halted when a
 * syncer stopped itself (a reorg deeper than finality, docs/sync.md).
 */
static enum cb_err
health_sync_state(struct worker *w, json_object *chains, bool *halted)
{
	struct db_row row;
	enum cb_err rc;
	size_t i, n;
	int fr;

	*halted = false;
	if ((rc = DB_EXEC0(w->db, ST_SYNC_HEALTH)) != CB_OK)
		return rc;
	n = json_object_array_length(chains);
	while ((fr = db_fetch(w->db, ST_SYNC_HEALTH, &row)) == 1) {
		json_object *c = NULL, *v;
		uint64_t id, h = 0;

		if (row.ncols != SYNC_HEALTH_COL__MAX || !db_col_u64(&row, SYNC_HEALTH_COL_CHAIN_ID, &id) ||
		    !db_col_u64(&row, SYNC_HEALTH_COL_HALTED, &h)) {
			rc = CB_ERR_DB;
			break;
		}
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(chains, i);

			if (json_object_object_get_ex(e, "chain_id", &v) &&
			    json_object_get_uint64(v) == id) {
				c = e;
				break;
			}
		}
		if (c == NULL)
			continue;
		json_object_object_add(c, "sync_halted", json_object_new_boolean(h != 0));
		if (h != 0) {
			*halted = true;
			json_object_object_add(c, "halt_reason",
			    row.val[SYNC_HEALTH_COL_HALT_REASON] != NULL ?
			    json_object_new_string_len(row.val[SYNC_HEALTH_COL_HALT_REASON],
			    (int)row.len[SYNC_HEALTH_COL_HALT_REASON]) : NULL);
		}
		json_object_object_add(c, "reorgs", health_u64_or_null(&row, SYNC_HEALTH_COL_REORGS));
		json_object_object_add(c, "oversize_values",
		    health_u64_or_null(&row, SYNC_HEALTH_COL_OVERSIZE));
	}
	if (fr < 0 && rc == CB_OK)
		rc = CB_ERR_DB;
	db_done(w->db, ST_SYNC_HEALTH);
	return rc;
}

/* Adds "settlement": per chain, whether a daemon holds the lease and how
 * far settlement lags (settlement.c).  Left out if the store fails now. */
static void
health_settlement(struct worker *w, json_object *obj)
{
	json_object *arr = json_object_new_array();
	enum cb_err rc;

	if (arr == NULL)
		return;
	if ((rc = settlement_health(w->db, w->cfg, arr)) != CB_OK) {
		log_errorx("healthz_settlement", "err=%s db_errno=%u", cb_errcode(rc),
		    db_errno(w->db));
		json_object_put(arr);
		return;
	}
	json_object_object_add(obj, "settlement", arr);
}

int
h_healthz(struct req *req, struct resp *resp)
{
	json_object *obj = NULL, *chains = NULL;
	bool halted = false;
	enum cb_err rc;
	int status;

	rc = health_ping(req->w);
	if (rc == CB_OK) {
		if ((chains = json_object_new_array()) == NULL)
			rc = CB_ERR_NOMEM;
		else
			rc = health_chains(req->w, chains);
		if (rc == CB_OK)
			rc = health_sync_state(req->w, chains, &halted);
		if (rc == CB_ERR_DB_GONE)
			req->w->db_suspect = true;
		if (rc != CB_OK && rc != CB_ERR_DB_GONE && rc != CB_ERR_NOMEM) {
			/* The store answers: healthy, but say what is missing. */
			log_errorx("healthz_chains", "err=%s db_errno=%u",
			    cb_errcode(rc), db_errno(req->w->db));
			json_object_put(chains);
			chains = json_object_new_array();
			rc = chains != NULL ? CB_OK : CB_ERR_NOMEM;
		}
	}
	if ((obj = json_object_new_object()) == NULL) {
		status = http_internal_error(resp, "healthz", CB_ERR_NOMEM);
		goto out;
	}
	if (rc == CB_ERR_DB_GONE) {
		json_object_object_add(obj, "status",
		    json_object_new_string("unavailable"));
		json_object_object_add(obj, "store", json_object_new_string("down"));
		resp->retry_after = HTTP_RETRY_AFTER;
		status = http_json(resp, 503, obj);
		goto out;
	}
	if (rc != CB_OK) {
		log_errorx("healthz_failed", "err=%s db_errno=%u", cb_errcode(rc),
		    db_errno(req->w->db));
		status = http_internal_error(resp, "healthz", rc);
		goto out;
	}
	/* A halted syncer needs an operator: the chain is not healthy. */
	json_object_object_add(obj, "status",
	    json_object_new_string(halted ? "sync_halted" : "ok"));
	json_object_object_add(obj, "store", json_object_new_string("up"));
	json_object_object_add(obj, "chains", chains);
	chains = NULL;
	health_settlement(req->w, obj);
	status = http_json(resp, halted ? 503 : 200, obj);
out:
	json_object_put(chains);
	json_object_put(obj);
	return status;
}

/* Appends s[0..len) as a Prometheus label value (\\, \" and \n escaped). */
static enum cb_err
health_label(struct buf *out, const char *s, size_t len)
{
	enum cb_err err = CB_OK;
	size_t i;

	for (i = 0; err == CB_OK && i < len; i++) {
		if (s[i] == '\\')
			err = buf_puts(out, "\\\\");
		else if (s[i] == '"')
			err = buf_puts(out, "\\\"");
		else if (s[i] == '\n')
			err = buf_puts(out, "\\n");
		else
			err = buf_putc(out, s[i]);
	}
	return err;
}

/* True if s[0..len) is an optionally signed run of digits (a DECIMAL's
 * text), safe to print as a sample value. */
static bool
health_is_integer(const char *s, size_t len)
{
	size_t i = 0;

	if (s == NULL || len == 0)
		return false;
	if (s[0] == '-')
		i = 1;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Pending changes per token: count and summed amount in base units. */
static enum cb_err
health_gauges_pending(struct db *db, struct buf *out)
{
	struct buf amounts = BUF_INITIALIZER(HTTP_RESP_MAX / 4);
	struct db_row row;
	enum cb_err rc, err;
	int fr = 0;

	if ((rc = DB_EXEC0(db, ST_METRICS_PENDING)) != CB_OK)
		return rc;
	err = buf_puts(out,
	    "# HELP chainbridge_pending_changes Ledger changes not yet in a settlement batch, by token.\n"
	    "# TYPE chainbridge_pending_changes gauge\n");
	if (err == CB_OK)
		err = buf_puts(&amounts,
		    "# HELP chainbridge_pending_amount Net amount of those changes, in the token's base units.\n"
		    "# TYPE chainbridge_pending_amount gauge\n");
	while (err == CB_OK && (fr = db_fetch(db, ST_METRICS_PENDING, &row)) == 1) {
		if (row.ncols != METRICS_PENDING_COL__MAX ||
		    row.val[METRICS_PENDING_COL_SYMBOL] == NULL ||
		    !health_is_integer(row.val[METRICS_PENDING_COL_CHANGES],
		    row.len[METRICS_PENDING_COL_CHANGES]) ||
		    !health_is_integer(row.val[METRICS_PENDING_COL_AMOUNT],
		    row.len[METRICS_PENDING_COL_AMOUNT])) {
			rc = CB_ERR_DB;
			break;
		}
		err = buf_puts(out, "chainbridge_pending_changes{token=\"");
		if (err == CB_OK)
			err = health_label(out, row.val[METRICS_PENDING_COL_SYMBOL],
			    row.len[METRICS_PENDING_COL_SYMBOL]);
		if (err == CB_OK)
			err = buf_printf(out, "\"} %s\n", row.val[METRICS_PENDING_COL_CHANGES]);
		if (err == CB_OK)
			err = buf_puts(&amounts, "chainbridge_pending_amount{token=\"");
		if (err == CB_OK)
			err = health_label(&amounts, row.val[METRICS_PENDING_COL_SYMBOL],
			    row.len[METRICS_PENDING_COL_SYMBOL]);
		if (err == CB_OK)
			err = buf_printf(&amounts, "\"} %s\n", row.val[METRICS_PENDING_COL_AMOUNT]);
	}
	if (err == CB_OK && rc == CB_OK && fr < 0)
		rc = CB_ERR_DB;
	if (err == CB_OK && rc == CB_OK)
		err = buf_append(out, amounts.data != NULL ? amounts.data : "",
		    amounts.len);
	db_done(db, ST_METRICS_PENDING);
	buf_free(&amounts);
	return rc != CB_OK ? rc : err;
}

/* Settlement batches per status; 0 for a status no batch has. */
static enum cb_err
health_gauges_batches(struct db *db, struct buf *out)
{
	bool seen[BATCH_STATUS__MAX] = { false };
	enum batch_status st;
	struct db_row row;
	enum cb_err rc, err;
	int fr = 0;

	if ((rc = DB_EXEC0(db, ST_METRICS_BATCHES)) != CB_OK)
		return rc;
	err = buf_puts(out,
	    "# HELP chainbridge_batches Settlement batches, by status.\n"
	    "# TYPE chainbridge_batches gauge\n");
	while (err == CB_OK && (fr = db_fetch(db, ST_METRICS_BATCHES, &row)) == 1) {
		if (row.ncols != METRICS_BATCHES_COL__MAX ||
		    row.val[METRICS_BATCHES_COL_STATUS] == NULL ||
		    !health_is_integer(row.val[METRICS_BATCHES_COL_COUNT],
		    row.len[METRICS_BATCHES_COL_COUNT])) {
			rc = CB_ERR_DB;
			break;
		}
		if (batch_status_parse(row.val[METRICS_BATCHES_COL_STATUS],
		    row.len[METRICS_BATCHES_COL_STATUS], &st))
			seen[st] = true;
		err = buf_puts(out, "chainbridge_batches{status=\"");
		if (err == CB_OK)
			err = health_label(out, row.val[METRICS_BATCHES_COL_STATUS],
			    row.len[METRICS_BATCHES_COL_STATUS]);
		if (err == CB_OK)
			err = buf_printf(out, "\"} %s\n", row.val[METRICS_BATCHES_COL_COUNT]);
	}
	if (err == CB_OK && rc == CB_OK && fr < 0)
		rc = CB_ERR_DB;
	db_done(db, ST_METRICS_BATCHES);
	for (st = 0; err == CB_OK && rc == CB_OK && st < BATCH_STATUS__MAX; st++)
		if (!seen[st])
			err = buf_printf(out, "chainbridge_batches{status=\"%s\"} 0\n",
			    batch_status_name(st));
	return rc != CB_OK ? rc : err;
}

static enum cb_err
health_gauges_sync(struct db *db, struct buf *out)
{
	struct buf lag = BUF_INITIALIZER(HTTP_RESP_MAX / 4);
	struct db_row row;
	enum cb_err rc, err;
	uint64_t id, v;
	int fr = 0;

	if ((rc = DB_EXEC0(db, ST_SYNC_LAG)) != CB_OK)
		return rc;
	err = buf_puts(out,
	    "# HELP chainbridge_sync_head_block The node's head block when the syncer last polled.\n"
	    "# TYPE chainbridge_sync_head_block gauge\n");
	if (err == CB_OK)
		err = buf_puts(&lag,
		    "# HELP chainbridge_sync_lag_blocks Blocks between the node's head and the last block synced.\n"
		    "# TYPE chainbridge_sync_lag_blocks gauge\n");
	while (err == CB_OK && (fr = db_fetch(db, ST_SYNC_LAG, &row)) == 1) {
		if (row.ncols != SYNC_LAG_COL__MAX ||
		    !db_col_u64(&row, SYNC_LAG_COL_CHAIN_ID, &id)) {
			rc = CB_ERR_DB;
			break;
		}
		if (row.val[SYNC_LAG_COL_HEAD_BLOCK] != NULL &&
		    db_col_u64(&row, SYNC_LAG_COL_HEAD_BLOCK, &v))
			err = buf_printf(out,
			    "chainbridge_sync_head_block{chain_id=\"%" PRIu64 "\"} %" PRIu64 "\n",
			    id, v);
		if (err == CB_OK && row.val[SYNC_LAG_COL_LAG] != NULL &&
		    db_col_u64(&row, SYNC_LAG_COL_LAG, &v))
			err = buf_printf(&lag,
			    "chainbridge_sync_lag_blocks{chain_id=\"%" PRIu64 "\"} %" PRIu64 "\n",
			    id, v);
	}
	if (err == CB_OK && rc == CB_OK && fr < 0)
		rc = CB_ERR_DB;
	if (err == CB_OK && rc == CB_OK)
		err = buf_append(out, lag.data != NULL ? lag.data : "", lag.len);
	db_done(db, ST_SYNC_LAG);
	buf_free(&lag);
	return rc != CB_OK ? rc : err;
}

/* The syncer's state per chain: halted (0/1), reorgs handled, event
 * values stored only in their raw column. */
static enum cb_err
health_gauges_sync_state(struct db *db, struct buf *out)
{
	static const char *const names[3] = {
		"chainbridge_sync_halted", "chainbridge_sync_reorgs_total",
		"chainbridge_sync_oversize_values",
	};
	static const char *const help[3] = {
		"# HELP chainbridge_sync_halted 1 when the syncer stopped at a reorg deeper than finality.\n"
		"# TYPE chainbridge_sync_halted gauge\n",
		"# HELP chainbridge_sync_reorgs_total Reorganisations the syncer rolled back.\n"
		"# TYPE chainbridge_sync_reorgs_total counter\n",
		"# HELP chainbridge_sync_oversize_values Synced event values past 65 digits (kept raw).\n"
		"# TYPE chainbridge_sync_oversize_values gauge\n",
	};
	struct buf part[3] = { BUF_INITIALIZER(HTTP_RESP_MAX / 8),
	    BUF_INITIALIZER(HTTP_RESP_MAX / 8), BUF_INITIALIZER(HTTP_RESP_MAX / 8) };
	struct db_row row;
	enum cb_err rc, err = CB_OK;
	uint64_t id, v[3];
	size_t k;
	int fr = 0;

	if ((rc = DB_EXEC0(db, ST_SYNC_HEALTH)) != CB_OK)
		return rc;
	for (k = 0; k < 3 && err == CB_OK; k++)
		err = buf_puts(&part[k], help[k]);
	while (err == CB_OK && (fr = db_fetch(db, ST_SYNC_HEALTH, &row)) == 1) {
		if (row.ncols != SYNC_HEALTH_COL__MAX || !db_col_u64(&row, SYNC_HEALTH_COL_CHAIN_ID, &id) ||
		    !db_col_u64(&row, SYNC_HEALTH_COL_HALTED, &v[0]) ||
		    !db_col_u64(&row, SYNC_HEALTH_COL_REORGS, &v[1]) ||
		    !db_col_u64(&row, SYNC_HEALTH_COL_OVERSIZE, &v[2])) {
			rc = CB_ERR_DB;
			break;
		}
		for (k = 0; k < 3 && err == CB_OK; k++)
			err = buf_printf(&part[k], "%s{chain_id=\"%" PRIu64 "\"} %" PRIu64 "\n",
			    names[k], id, v[k]);
	}
	if (err == CB_OK && rc == CB_OK && fr < 0)
		rc = CB_ERR_DB;
	for (k = 0; k < 3; k++) {
		if (err == CB_OK && rc == CB_OK)
			err = buf_append(out, part[k].data != NULL ? part[k].data : "", part[k].len);
		buf_free(&part[k]);
	}
	db_done(db, ST_SYNC_HEALTH);
	return rc != CB_OK ? rc : err;
}

#define HEALTH_CHAINS_MAX	64
#define HEALTH_KINDS_MAX	8

/*
 * Per chain with a checkpoint: seconds since the checkpoint last changed
 * (a syncer that stopped polling) and since the checker's last pass; then
 * the checker's open findings per chain and kind, 0 for the known kinds
 * a chain has none of.
 */
static enum cb_err
health_gauges_consistency(struct db *db, struct buf *out)
{
	struct buf checker = BUF_INITIALIZER(HTTP_RESP_MAX / 8);
	uint64_t chains[HEALTH_CHAINS_MAX], id, v;
	bool seen[HEALTH_CHAINS_MAX][HEALTH_KINDS_MAX];
	struct db_row row;
	enum cb_err rc, err;
	size_t nchains = 0, i, k;
	int fr = 0;

	memset(seen, 0, sizeof(seen));
	if ((rc = DB_EXEC0(db, ST_METRICS_SYNC_AGES)) != CB_OK)
		return rc;
	err = buf_puts(out,
	    "# HELP chainbridge_sync_checkpoint_age_seconds Seconds since the syncer last moved the chain's checkpoint.\n"
	    "# TYPE chainbridge_sync_checkpoint_age_seconds gauge\n");
	if (err == CB_OK)
		err = buf_puts(&checker,
		    "# HELP chainbridge_consistency_last_pass_age_seconds Seconds since the checker's last pass over the chain.\n"
		    "# TYPE chainbridge_consistency_last_pass_age_seconds gauge\n");
	while (err == CB_OK && (fr = db_fetch(db, ST_METRICS_SYNC_AGES, &row)) == 1) {
		if (row.ncols != METRICS_SYNC_AGE_COL__MAX ||
		    !db_col_u64(&row, METRICS_SYNC_AGE_COL_CHAIN_ID, &id)) {
			rc = CB_ERR_DB;
			break;
		}
		if (nchains < HEALTH_CHAINS_MAX)
			chains[nchains++] = id;
		/* Negative after a clock step back: shown as 0. */
		if (!db_col_u64(&row, METRICS_SYNC_AGE_COL_UPDATED, &v))
			v = 0;
		err = buf_printf(out, "chainbridge_sync_checkpoint_age_seconds{chain_id=\"%"
		    PRIu64 "\"} %" PRIu64 "\n", id, v);
		if (err == CB_OK && row.val[METRICS_SYNC_AGE_COL_CHECKER] != NULL) {
			if (!db_col_u64(&row, METRICS_SYNC_AGE_COL_CHECKER, &v))
				v = 0;
			err = buf_printf(&checker,
			    "chainbridge_consistency_last_pass_age_seconds{chain_id=\"%" PRIu64
			    "\"} %" PRIu64 "\n", id, v);
		}
	}
	if (err == CB_OK && rc == CB_OK && fr < 0)
		rc = CB_ERR_DB;
	db_done(db, ST_METRICS_SYNC_AGES);
	if (err == CB_OK && rc == CB_OK)
		err = buf_append(out, checker.data != NULL ? checker.data : "", checker.len);
	buf_free(&checker);
	if (rc != CB_OK || err != CB_OK)
		return rc != CB_OK ? rc : err;

	if ((rc = DB_EXEC0(db, ST_METRICS_ISSUES_OPEN)) != CB_OK)
		return rc;
	err = buf_puts(out,
	    "# HELP chainbridge_consistency_issues_open The checker's unresolved findings, by chain and kind.\n"
	    "# TYPE chainbridge_consistency_issues_open gauge\n");
	while (err == CB_OK && (fr = db_fetch(db, ST_METRICS_ISSUES_OPEN, &row)) == 1) {
		if (row.ncols != METRICS_ISSUE_COL__MAX ||
		    !db_col_u64(&row, METRICS_ISSUE_COL_CHAIN_ID, &id) ||
		    !db_col_u64(&row, METRICS_ISSUE_COL_COUNT, &v) ||
		    row.val[METRICS_ISSUE_COL_KIND] == NULL) {
			rc = CB_ERR_DB;
			break;
		}
		for (i = 0; i < nchains; i++) {
			if (chains[i] != id)
				continue;
			for (k = 0; k < HEALTH_KINDS_MAX && settlement_issue_kinds[k] != NULL; k++)
				if (strlen(settlement_issue_kinds[k]) == row.len[METRICS_ISSUE_COL_KIND] &&
				    memcmp(settlement_issue_kinds[k], row.val[METRICS_ISSUE_COL_KIND],
				    row.len[METRICS_ISSUE_COL_KIND]) == 0)
					seen[i][k] = true;
		}
		err = buf_printf(out, "chainbridge_consistency_issues_open{chain_id=\"%" PRIu64
		    "\",kind=\"", id);
		if (err == CB_OK)
			err = health_label(out, row.val[METRICS_ISSUE_COL_KIND],
			    row.len[METRICS_ISSUE_COL_KIND]);
		if (err == CB_OK)
			err = buf_printf(out, "\"} %" PRIu64 "\n", v);
	}
	if (err == CB_OK && rc == CB_OK && fr < 0)
		rc = CB_ERR_DB;
	db_done(db, ST_METRICS_ISSUES_OPEN);
	for (i = 0; err == CB_OK && rc == CB_OK && i < nchains; i++)
		for (k = 0; err == CB_OK && k < HEALTH_KINDS_MAX && settlement_issue_kinds[k] != NULL; k++)
			if (!seen[i][k])
				err = buf_printf(out, "chainbridge_consistency_issues_open{chain_id=\"%"
				    PRIu64 "\",kind=\"%s\"} 0\n", chains[i],
				    settlement_issue_kinds[k]);
	return rc != CB_OK ? rc : err;
}

typedef enum cb_err (*health_gauges_fn)(struct db *, struct buf *);

int
h_metrics(struct req *req, struct resp *resp)
{
	static const health_gauges_fn gauges[] = {
		health_gauges_pending,
		health_gauges_batches,
		health_gauges_sync,
		health_gauges_sync_state,
		health_gauges_consistency,
	};
	struct worker *w = req->w;
	struct buf *b = &resp->body;
	enum cb_err rc, err = CB_OK;
	size_t i, mark;

	buf_reset(b);
	if (w->metrics != NULL)
		err = metrics_render(w->metrics, w->tables, w->ntables, b);
	if (err != CB_OK)
		return http_internal_error(resp, "metrics", err);
	rc = health_ping(w);
	for (i = 0; rc == CB_OK && i < sizeof(gauges) / sizeof(gauges[0]); i++) {
		enum cb_err grc;

		mark = b->len;
		grc = gauges[i](w->db, b);
		if (grc == CB_OK)
			continue;
		/* Leave out a half-written family; the others still count. */
		buf_truncate(b, mark);
		if (grc == CB_ERR_DB_GONE) {
			w->db_suspect = true;
			rc = grc;
		} else {
			log_errorx("metrics_store_gauges", "family=%zu err=%s"
			    " db_errno=%u", i, cb_errcode(grc), db_errno(w->db));
		}
	}
	if (rc == CB_OK) {
		/* Settlement: daemons, signer, counters (settlement.c). */
		enum cb_err src;

		mark = b->len;
		if ((src = settlement_metrics(w->db, w->cfg, b)) != CB_OK) {
			buf_truncate(b, mark);
			if (src == CB_ERR_DB_GONE) {
				w->db_suspect = true;
				rc = src;
			} else {
				log_errorx("metrics_settlement", "err=%s db_errno=%u",
				    cb_errcode(src), db_errno(w->db));
			}
		}
	}
	err = buf_printf(b,
	    "# HELP chainbridge_store_up Whether this worker reached the store for this scrape.\n"
	    "# TYPE chainbridge_store_up gauge\n"
	    "chainbridge_store_up %d\n", rc == CB_OK ? 1 : 0);
	if (err != CB_OK)
		return http_internal_error(resp, "metrics", err);
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return http_status(resp, 200);
}

int
h_ping(struct req *req, struct resp *resp)
{
	(void)req;
	if (buf_puts(&resp->body, "{\"status\":\"ok\"}") != CB_OK)
		return http_internal_error(resp, "ping", CB_ERR_NOMEM);
	return http_status(resp, 200);
}
