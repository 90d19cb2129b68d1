/* settlement.c - settlement as /metrics and /healthz show it (settlement.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "money/u256.h"
#include "settlement.h"
#include "store/registry.h"
#include "store/stmts.h"

#define SETTLEMENT_CHAINS_MAX	(CONFIG_MAX_CHAINS + 16)
#define SETTLEMENT_COUNTERS_MAX	2000
#define SETTLEMENT_HOLDER_MAX	129
#define SETTLEMENT_TOKENS_MAX	256

/* Confirmation latency buckets the daemon counts (confirmer.c), seconds. */
static const char *const latency_le[] = {
	"2", "5", "10", "30", "60", "120", "300", "600", "1800", "3600", "+Inf",
};

struct chain_view {
	uint64_t	 chain_id;
	const char	*name;		/* configured name, or NULL */
	const struct chain_config *conf;
	bool		 have_daemon;
	bool		 live;		/* an unexpired lease */
	char		 holder[SETTLEMENT_HOLDER_MAX];
	bool		 have_heartbeat;
	uint64_t	 heartbeat_age;
	char		 balance[U256_DEC_MAX];	/* empty: unknown */
	bool		 balance_low;
	bool		 have_stuck;
	uint64_t	 stuck_nonce;
	uint64_t	 stuck_s;
	uint64_t	 lag;		/* oldest owed change, s */
};

/* A registered token and its chain (ST_METRICS_OLDEST_PENDING). */
struct token_view {
	uint64_t	 chain_id;
	char		 symbol[TOKEN_SYMBOL_MAX + 1];
};

struct counter_row {
	uint64_t	 chain_id;
	char		 name[65];
	char		 label[65];
	uint64_t	 value;
};

/* Labels a family always shows, at 0 until the daemon counts one, so
 * rate() and alerts see the series from the daemon's first report. */
static const char *const seed_attempts[] = { "first", "replacement", NULL };
static const char *const seed_reverts[] = { "preflight", "onchain", NULL };
static const char *const seed_rpc[] = { "transport", NULL };
static const char *const seed_roles[] = {
	"syncer", "batcher", "submitter", "confirmer", "checker", "housekeeping", NULL,
};
/* The checker's finding kinds (src/chaind/checker.c; settlement.h). */
const char *const settlement_issue_kinds[] = {
	"block_hash", "token_supply", "token_balance", "ledger", NULL,
};
static const char *const seed_halts[] = { "reorg_below_finality", NULL };
static const char *const seed_send[] = {
	"insufficient_funds", "underpriced", "node_error", NULL,
};
static const char *const seed_rebroadcasts[] = { "dropped", "reconcile", NULL };
/* Marks a family whose labels are the chain's token symbols. */
static const char *const seed_tokens[] = { NULL };

/* Known counters: the family each one is shown as.  Others go to
 * chainbridge_chaind_events_total{event, label}.  An unlabelled family
 * shows 0 for every chain it has no row of; a labelled one for its seeds. */
static const struct {
	const char	*name;
	const char	*family;
	const char	*label_key;	/* NULL: no label */
	const char *const *seeds;	/* labels shown at 0; NULL: none */
	const char	*help;
} counter_families[] = {
	{ "attempts", "chainbridge_settlement_attempts_total", "kind", seed_attempts,
	  "Settlement transactions signed and stored, first attempts and replacements." },
	{ "replacements", "chainbridge_settlement_replacements_total", NULL, NULL,
	  "Stuck settlement transactions replaced with higher fees." },
	{ "reverts", "chainbridge_settlement_reverts_total", "stage", seed_reverts,
	  "Settlement batches refused by the pre-flight or reverted on chain." },
	{ "rpc_errors", "chainbridge_chaind_rpc_errors_total", "class", seed_rpc,
	  "Failed node calls of the chain daemon, by error class." },
	{ "step_errors", "chainbridge_chaind_step_errors_total", "role", seed_roles,
	  "Steps of a chain daemon role that ended in an error, by role." },
	{ "tx_sent", "chainbridge_settlement_tx_sent_total", NULL, NULL,
	  "Settlement transactions handed to the node." },
	{ "send_errors", "chainbridge_settlement_send_errors_total", "reason", seed_send,
	  "Settlement transactions the node refused, by reason." },
	{ "confirmations", "chainbridge_settlement_confirmations_total", NULL, NULL,
	  "Settlement batches confirmed." },
	{ "gas_used", "chainbridge_settlement_gas_used_total", NULL, NULL,
	  "Gas used by mined settlement transactions." },
	{ "fee_cap_reached", "chainbridge_settlement_fee_cap_reached_total", NULL, NULL,
	  "Replacements not made because the fee had reached max_fee_gwei." },
	{ "rebroadcasts", "chainbridge_settlement_rebroadcasts_total", "reason", seed_rebroadcasts,
	  "Stored settlement transactions sent again because the node forgot them." },
	{ "reorgs", "chainbridge_settlement_reorgs_total", NULL, NULL,
	  "Mined settlement batches whose block left the canonical chain." },
	{ "nonce_taken", "chainbridge_settlement_nonce_taken_total", NULL, NULL,
	  "Settlement batches signed again because another transaction used their nonce." },
	{ "items_failed", "chainbridge_settlement_items_failed_total", "reason", NULL,
	  "Batch items whose changes failed in the pre-flight." },
	{ "ledger_drift", "chainbridge_settlement_ledger_drift_total", "token", seed_tokens,
	  "Wallets whose on-chain balance differed from the ledger after settlement." },
	{ "sync_blocks", "chainbridge_sync_blocks_total", NULL, NULL,
	  "Blocks the syncer ingested." },
	{ "sync_halts", "chainbridge_sync_halts_total", "reason", seed_halts,
	  "Times the syncer stopped itself, by reason." },
	{ "consistency_checks", "chainbridge_consistency_checks_total", NULL, NULL,
	  "Comparisons the checker made against the node (blocks, supplies, balances, ledger)." },
	{ "consistency_mismatches", "chainbridge_consistency_mismatches_total", "kind",
	  settlement_issue_kinds,
	  "Checker comparisons that differed, by kind (block_hash, token_supply, token_balance, ledger)." },
};

/* Appends s as a Prometheus label value (\\, \" and \n escaped). */
static enum cb_err
settlement_label(struct buf *out, const char *s)
{
	enum cb_err err = CB_OK;

	for (; err == CB_OK && *s != '\0'; s++) {
		if (*s == '\\')
			err = buf_puts(out, "\\\\");
		else if (*s == '"')
			err = buf_puts(out, "\\\"");
		else if (*s == '\n')
			err = buf_puts(out, "\\n");
		else
			err = buf_putc(out, *s);
	}
	return err;
}

static void
settlement_copy(char *dst, size_t cap, const struct db_row *row, unsigned col)
{
	size_t n = row->val[col] != NULL ? row->len[col] : 0;

	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, row->val[col], n);
	dst[n] = '\0';
}

static struct chain_view *
settlement_chain(struct chain_view *v, size_t *n, uint64_t chain_id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (v[i].chain_id == chain_id)
			return &v[i];
	if (*n == SETTLEMENT_CHAINS_MAX)
		return NULL;
	memset(&v[*n], 0, sizeof(v[*n]));
	v[*n].chain_id = chain_id;
	return &v[(*n)++];
}

/* The chains of the configuration and of the daemons' rows. */
static enum cb_err
settlement_chains(struct db *db, const struct config *cfg, struct chain_view *v, size_t *n)
{
	struct chain_view *c;
	struct db_row row;
	uint64_t id, age, flag;
	enum cb_err rc;
	u256 bal;
	size_t i;
	int r;

	*n = 0;
	for (i = 0; cfg != NULL && i < cfg->nchains; i++) {
		if ((c = settlement_chain(v, n, cfg->chains[i].chain_id)) == NULL)
			break;
		c->name = cfg->chains[i].name;
		c->conf = &cfg->chains[i];
	}
	if ((rc = DB_EXEC0(db, ST_METRICS_DAEMONS)) != CB_OK)
		return rc;
	while ((r = db_fetch(db, ST_METRICS_DAEMONS, &row)) == 1) {
		if (row.ncols != METRICS_DAEMON_COL__MAX ||
		    !db_col_u64(&row, METRICS_DAEMON_COL_CHAIN_ID, &id)) {
			r = -1;
			break;
		}
		if ((c = settlement_chain(v, n, id)) == NULL)
			continue;
		c->have_daemon = true;
		settlement_copy(c->holder, sizeof(c->holder), &row, METRICS_DAEMON_COL_HOLDER);
		c->live = db_col_u64(&row, METRICS_DAEMON_COL_LIVE, &flag) && flag != 0;
		c->have_heartbeat = db_col_u64(&row, METRICS_DAEMON_COL_HEARTBEAT_AGE,
		    &c->heartbeat_age);
		if (row.val[METRICS_DAEMON_COL_SIGNER_BALANCE] != NULL &&
		    u256_from_dec(&bal, row.val[METRICS_DAEMON_COL_SIGNER_BALANCE],
		    row.len[METRICS_DAEMON_COL_SIGNER_BALANCE]) == 0)
			settlement_copy(c->balance, sizeof(c->balance), &row,
			    METRICS_DAEMON_COL_SIGNER_BALANCE);
		c->balance_low = db_col_u64(&row, METRICS_DAEMON_COL_BALANCE_LOW, &flag) &&
		    flag != 0;
		c->have_stuck = db_col_u64(&row, METRICS_DAEMON_COL_STUCK_NONCE, &c->stuck_nonce);
		if (!db_col_u64(&row, METRICS_DAEMON_COL_STUCK_SECONDS, &c->stuck_s))
			c->stuck_s = 0;
	}
	db_done(db, ST_METRICS_DAEMONS);
	if (r < 0)
		return CB_ERR_DB;
	if ((rc = DB_EXEC0(db, ST_METRICS_OLDEST_PENDING)) != CB_OK)
		return rc;
	while ((r = db_fetch(db, ST_METRICS_OLDEST_PENDING, &row)) == 1) {
		if (row.ncols != METRICS_OLDEST_COL__MAX ||
		    !db_col_u64(&row, METRICS_OLDEST_COL_CHAIN_ID, &id)) {
			r = -1;
			break;
		}
		if (!db_col_u64(&row, METRICS_OLDEST_COL_AGE, &age))
			age = 0;	/* a clock step back: not a lag */
		if ((c = settlement_chain(v, n, id)) != NULL && age > c->lag)
			c->lag = age;
	}
	db_done(db, ST_METRICS_OLDEST_PENDING);
	return r < 0 ? CB_ERR_DB : CB_OK;
}

/* ------------------------------------------------------------ metrics */

static enum cb_err
settlement_oldest(struct db *db, struct buf *out, struct token_view *tokens,
    size_t *ntokens)
{
	struct db_row row;
	uint64_t age, id;
	enum cb_err rc, err;
	int r = 0;

	if ((rc = DB_EXEC0(db, ST_METRICS_OLDEST_PENDING)) != CB_OK)
		return rc;
	err = buf_puts(out,
	    "# HELP chainbridge_settlement_oldest_pending_seconds Age of the oldest change settlement still owes (recorded, batched or submitted), by token.\n"
	    "# TYPE chainbridge_settlement_oldest_pending_seconds gauge\n");
	while (err == CB_OK && (r = db_fetch(db, ST_METRICS_OLDEST_PENDING, &row)) == 1) {
		if (row.ncols != METRICS_OLDEST_COL__MAX ||
		    row.val[METRICS_OLDEST_COL_SYMBOL] == NULL) {
			r = -1;
			break;
		}
		if (!db_col_u64(&row, METRICS_OLDEST_COL_AGE, &age))
			age = 0;
		if (*ntokens < SETTLEMENT_TOKENS_MAX &&
		    db_col_u64(&row, METRICS_OLDEST_COL_CHAIN_ID, &id)) {
			tokens[*ntokens].chain_id = id;
			settlement_copy(tokens[*ntokens].symbol, sizeof(tokens[*ntokens].symbol),
			    &row, METRICS_OLDEST_COL_SYMBOL);
			(*ntokens)++;
		}
		err = buf_puts(out, "chainbridge_settlement_oldest_pending_seconds{token=\"");
		if (err == CB_OK)
			err = settlement_label(out, row.val[METRICS_OLDEST_COL_SYMBOL]);
		if (err == CB_OK)
			err = buf_printf(out, "\"} %" PRIu64 "\n", age);
	}
	db_done(db, ST_METRICS_OLDEST_PENDING);
	if (err == CB_OK && r < 0)
		err = CB_ERR_DB;
	return err;
}

static enum cb_err
settlement_daemons(const struct chain_view *v, size_t n, struct buf *out)
{
	enum cb_err err;
	u256 min;
	char dec[U256_DEC_MAX];
	size_t i;

	err = buf_puts(out,
	    "# HELP chainbridge_chaind_lease_held Whether a chain daemon holds the chain's lease (is settling it).\n"
	    "# TYPE chainbridge_chaind_lease_held gauge\n");
	for (i = 0; err == CB_OK && i < n; i++)
		err = buf_printf(out, "chainbridge_chaind_lease_held{chain_id=\"%" PRIu64 "\"} %d\n",
		    v[i].chain_id, v[i].live ? 1 : 0);
	if (err == CB_OK)
		err = buf_puts(out,
		    "# HELP chainbridge_chaind_lease_holder The daemon that last held the chain's lease (host:pid:start:random); 1 while it holds it.\n"
		    "# TYPE chainbridge_chaind_lease_holder gauge\n");
	for (i = 0; err == CB_OK && i < n; i++) {
		if (!v[i].have_daemon || v[i].holder[0] == '\0')
			continue;
		err = buf_printf(out, "chainbridge_chaind_lease_holder{chain_id=\"%" PRIu64
		    "\",holder=\"", v[i].chain_id);
		if (err == CB_OK)
			err = settlement_label(out, v[i].holder);
		if (err == CB_OK)
			err = buf_printf(out, "\"} %d\n", v[i].live ? 1 : 0);
	}
	if (err == CB_OK)
		err = buf_puts(out,
		    "# HELP chainbridge_chaind_heartbeat_age_seconds Seconds since the chain daemon last wrote its status.\n"
		    "# TYPE chainbridge_chaind_heartbeat_age_seconds gauge\n");
	for (i = 0; err == CB_OK && i < n; i++)
		if (v[i].have_heartbeat)
			err = buf_printf(out, "chainbridge_chaind_heartbeat_age_seconds{chain_id=\"%"
			    PRIu64 "\"} %" PRIu64 "\n", v[i].chain_id, v[i].heartbeat_age);
	if (err == CB_OK)
		err = buf_puts(out,
		    "# HELP chainbridge_signer_balance_wei The settlement signer's ETH balance, in wei.\n"
		    "# TYPE chainbridge_signer_balance_wei gauge\n");
	for (i = 0; err == CB_OK && i < n; i++)
		if (v[i].balance[0] != '\0')
			err = buf_printf(out, "chainbridge_signer_balance_wei{chain_id=\"%" PRIu64
			    "\"} %s\n", v[i].chain_id, v[i].balance);
	if (err == CB_OK)
		err = buf_puts(out,
		    "# HELP chainbridge_signer_min_balance_wei Below this the signer's balance alerts (signer_min_balance_gwei).\n"
		    "# TYPE chainbridge_signer_min_balance_wei gauge\n");
	for (i = 0; err == CB_OK && i < n; i++) {
		if (v[i].conf == NULL)
			continue;
		u256_from_u64(&min, v[i].conf->signer_min_balance_gwei);
		(void)u256_mul_u64(&min, &min, 1000000000u);
		if (u256_to_dec(&min, dec, sizeof(dec)) > 0)
			err = buf_printf(out, "chainbridge_signer_min_balance_wei{chain_id=\"%" PRIu64
			    "\"} %s\n", v[i].chain_id, dec);
	}
	if (err == CB_OK)
		err = buf_puts(out,
		    "# HELP chainbridge_signer_balance_low Whether the signer's balance is below its alert level.\n"
		    "# TYPE chainbridge_signer_balance_low gauge\n");
	for (i = 0; err == CB_OK && i < n; i++)
		if (v[i].have_daemon)
			err = buf_printf(out, "chainbridge_signer_balance_low{chain_id=\"%" PRIu64
			    "\"} %d\n", v[i].chain_id, v[i].balance_low ? 1 : 0);
	if (err == CB_OK)
		err = buf_puts(out,
		    "# HELP chainbridge_settlement_stuck_seconds How long the oldest unmined settlement nonce has waited past stuck_alert_after (0: none stuck).\n"
		    "# TYPE chainbridge_settlement_stuck_seconds gauge\n");
	for (i = 0; err == CB_OK && i < n; i++)
		if (v[i].have_daemon)
			err = buf_printf(out, "chainbridge_settlement_stuck_seconds{chain_id=\"%"
			    PRIu64 "\"} %" PRIu64 "\n", v[i].chain_id,
			    v[i].have_stuck ? v[i].stuck_s : 0);
	return err;
}

static enum cb_err
settlement_counters_load(struct db *db, struct counter_row **out, size_t *n)
{
	struct counter_row *rows;
	struct db_row row;
	enum cb_err rc;
	int r;

	*n = 0;
	if ((rows = calloc(SETTLEMENT_COUNTERS_MAX, sizeof(*rows))) == NULL)
		return CB_ERR_NOMEM;
	if ((rc = DB_EXEC0(db, ST_METRICS_DAEMON_COUNTERS)) != CB_OK) {
		free(rows);
		return rc;
	}
	while (*n < SETTLEMENT_COUNTERS_MAX && (r = db_fetch(db, ST_METRICS_DAEMON_COUNTERS,
	    &row)) == 1) {
		struct counter_row *c = &rows[*n];

		if (row.ncols != METRICS_COUNTER_COL__MAX ||
		    !db_col_u64(&row, METRICS_COUNTER_COL_CHAIN_ID, &c->chain_id) ||
		    !db_col_u64(&row, METRICS_COUNTER_COL_VALUE, &c->value) ||
		    row.val[METRICS_COUNTER_COL_NAME] == NULL) {
			r = -1;
			break;
		}
		settlement_copy(c->name, sizeof(c->name), &row, METRICS_COUNTER_COL_NAME);
		settlement_copy(c->label, sizeof(c->label), &row, METRICS_COUNTER_COL_LABEL);
		(*n)++;
	}
	db_done(db, ST_METRICS_DAEMON_COUNTERS);
	if (r < 0) {
		free(rows);
		return CB_ERR_DB;
	}
	*out = rows;
	return CB_OK;
}

/* The confirmation latency histogram of one chain from its buckets. */
static enum cb_err
settlement_latency(const struct counter_row *rows, size_t n, uint64_t chain_id,
    struct buf *out)
{
	uint64_t counts[ARRAY_LEN(latency_le)] = { 0 }, cum = 0, sum_ms = 0;
	enum cb_err err = CB_OK;
	bool any = false;
	size_t i, b;

	for (i = 0; i < n; i++) {
		if (rows[i].chain_id != chain_id)
			continue;
		if (strcmp(rows[i].name, "confirm_latency_ms_sum") == 0) {
			sum_ms += rows[i].value;
			continue;
		}
		if (strcmp(rows[i].name, "confirm_latency_bucket") != 0)
			continue;
		for (b = 0; b < ARRAY_LEN(latency_le); b++)
			if (strcmp(rows[i].label, latency_le[b]) == 0)
				counts[b] += rows[i].value;
		any = true;
	}
	if (!any)
		return CB_OK;
	for (b = 0; err == CB_OK && b < ARRAY_LEN(latency_le); b++) {
		cum += counts[b];
		err = buf_printf(out, "chainbridge_settlement_confirmation_seconds_bucket{chain_id=\"%"
		    PRIu64 "\",le=\"%s\"} %" PRIu64 "\n", chain_id, latency_le[b], cum);
	}
	if (err == CB_OK)
		err = buf_printf(out, "chainbridge_settlement_confirmation_seconds_sum{chain_id=\"%"
		    PRIu64 "\"} %" PRIu64 ".%03" PRIu64 "\n"
		    "chainbridge_settlement_confirmation_seconds_count{chain_id=\"%" PRIu64 "\"} %"
		    PRIu64 "\n", chain_id, sum_ms / 1000, sum_ms % 1000, chain_id, cum);
	return err;
}

/* True if rows hold counter name with label on chain_id. */
static bool
settlement_has_row(const struct counter_row *rows, size_t n, uint64_t chain_id,
    const char *name, const char *label)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].chain_id == chain_id && strcmp(rows[i].name, name) == 0 &&
		    strcmp(rows[i].label, label) == 0)
			return true;
	return false;
}

/* The zero samples of family f: per chain, each seed label (or the
 * unlabelled series) the daemon has not counted yet. */
static enum cb_err
settlement_seeds(const struct counter_row *rows, size_t n, const struct chain_view *v,
    size_t nv, const struct token_view *tokens, size_t ntokens, size_t f,
    struct buf *out)
{
	static const char *const unlabelled[] = { "", NULL };
	const char *const *seeds = counter_families[f].seeds;
	enum cb_err err = CB_OK;
	size_t c, k;

	if (seeds == seed_tokens) {
		for (k = 0; err == CB_OK && k < ntokens; k++) {
			if (settlement_has_row(rows, n, tokens[k].chain_id,
			    counter_families[f].name, tokens[k].symbol))
				continue;
			err = buf_printf(out, "%s{chain_id=\"%" PRIu64 "\",%s=\"",
			    counter_families[f].family, tokens[k].chain_id,
			    counter_families[f].label_key);
			if (err == CB_OK)
				err = settlement_label(out, tokens[k].symbol);
			if (err == CB_OK)
				err = buf_puts(out, "\"} 0\n");
		}
		return err;
	}
	if (counter_families[f].label_key == NULL)
		seeds = unlabelled;
	if (seeds == NULL)
		return CB_OK;
	for (c = 0; err == CB_OK && c < nv; c++) {
		for (k = 0; err == CB_OK && seeds[k] != NULL; k++) {
			if (settlement_has_row(rows, n, v[c].chain_id, counter_families[f].name,
			    seeds[k]))
				continue;
			if (counter_families[f].label_key == NULL)
				err = buf_printf(out, "%s{chain_id=\"%" PRIu64 "\"} 0\n",
				    counter_families[f].family, v[c].chain_id);
			else
				err = buf_printf(out, "%s{chain_id=\"%" PRIu64 "\",%s=\"%s\"} 0\n",
				    counter_families[f].family, v[c].chain_id,
				    counter_families[f].label_key, seeds[k]);
		}
	}
	return err;
}

static enum cb_err
settlement_counters(struct db *db, const struct chain_view *v, size_t nv,
    const struct token_view *tokens, size_t ntokens, struct buf *out)
{
	struct buf other = BUF_INITIALIZER(64 * 1024);
	struct counter_row *rows = NULL;
	size_t n = 0, i, f;
	enum cb_err err;
	bool known;

	if ((err = settlement_counters_load(db, &rows, &n)) != CB_OK)
		return err;
	for (f = 0; err == CB_OK && f < ARRAY_LEN(counter_families); f++) {
		err = buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n",
		    counter_families[f].family, counter_families[f].help,
		    counter_families[f].family);
		if (err == CB_OK)
			err = settlement_seeds(rows, n, v, nv, tokens, ntokens, f, out);
		for (i = 0; err == CB_OK && i < n; i++) {
			if (strcmp(rows[i].name, counter_families[f].name) != 0)
				continue;
			err = buf_printf(out, "%s{chain_id=\"%" PRIu64 "\"",
			    counter_families[f].family, rows[i].chain_id);
			if (err == CB_OK && counter_families[f].label_key != NULL) {
				err = buf_printf(out, ",%s=\"", counter_families[f].label_key);
				if (err == CB_OK)
					err = settlement_label(out, rows[i].label);
				if (err == CB_OK)
					err = buf_putc(out, '"');
			}
			if (err == CB_OK)
				err = buf_printf(out, "} %" PRIu64 "\n", rows[i].value);
		}
	}
	if (err == CB_OK)
		err = buf_puts(out,
		    "# HELP chainbridge_settlement_confirmation_seconds Time from a batch's cut to its confirmation.\n"
		    "# TYPE chainbridge_settlement_confirmation_seconds histogram\n");
	for (i = 0; err == CB_OK && i < nv; i++)
		err = settlement_latency(rows, n, v[i].chain_id, out);
	if (err == CB_OK)
		err = buf_puts(&other,
		    "# HELP chainbridge_chaind_events_total Other events the chain daemon counts, by name and label.\n"
		    "# TYPE chainbridge_chaind_events_total counter\n");
	for (i = 0; err == CB_OK && i < n; i++) {
		known = strncmp(rows[i].name, "confirm_latency_", 16) == 0;
		for (f = 0; !known && f < ARRAY_LEN(counter_families); f++)
			known = strcmp(rows[i].name, counter_families[f].name) == 0;
		if (known)
			continue;
		err = buf_printf(&other, "chainbridge_chaind_events_total{chain_id=\"%" PRIu64
		    "\",event=\"", rows[i].chain_id);
		if (err == CB_OK)
			err = settlement_label(&other, rows[i].name);
		if (err == CB_OK)
			err = buf_puts(&other, "\",label=\"");
		if (err == CB_OK)
			err = settlement_label(&other, rows[i].label);
		if (err == CB_OK)
			err = buf_printf(&other, "\"} %" PRIu64 "\n", rows[i].value);
	}
	if (err == CB_OK)
		err = buf_append(out, other.data != NULL ? other.data : "", other.len);
	buf_free(&other);
	free(rows);
	return err;
}

enum cb_err
settlement_metrics(struct db *db, const struct config *cfg, struct buf *out)
{
	struct chain_view v[SETTLEMENT_CHAINS_MAX];
	struct token_view tokens[SETTLEMENT_TOKENS_MAX];
	size_t n = 0, ntokens = 0;
	enum cb_err rc;

	if ((rc = settlement_chains(db, cfg, v, &n)) != CB_OK ||
	    (rc = settlement_oldest(db, out, tokens, &ntokens)) != CB_OK ||
	    (rc = settlement_daemons(v, n, out)) != CB_OK)
		return rc;
	return settlement_counters(db, v, n, tokens, ntokens, out);
}

/* ------------------------------------------------------------- health */

enum cb_err
settlement_health(struct db *db, const struct config *cfg, json_object *arr)
{
	struct chain_view v[SETTLEMENT_CHAINS_MAX];
	json_object *o;
	size_t n = 0, i;
	enum cb_err rc;

	if ((rc = settlement_chains(db, cfg, v, &n)) != CB_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((o = json_object_new_object()) == NULL)
			return CB_ERR_NOMEM;
		json_object_array_add(arr, o);
		json_object_object_add(o, "chain_id", json_object_new_uint64(v[i].chain_id));
		json_object_object_add(o, "chain", v[i].name != NULL ?
		    json_object_new_string(v[i].name) : NULL);
		json_object_object_add(o, "daemon", json_object_new_string(v[i].live ?
		    "active" : "none"));
		json_object_object_add(o, "holder", v[i].live ?
		    json_object_new_string(v[i].holder) : NULL);
		json_object_object_add(o, "heartbeat_age_s", v[i].have_heartbeat ?
		    json_object_new_uint64(v[i].heartbeat_age) : NULL);
		json_object_object_add(o, "lag_seconds", json_object_new_uint64(v[i].lag));
		json_object_object_add(o, "stuck_nonce", v[i].have_stuck ?
		    json_object_new_uint64(v[i].stuck_nonce) : NULL);
		json_object_object_add(o, "signer_balance_low",
		    json_object_new_boolean(v[i].balance_low));
	}
	return CB_OK;
}
