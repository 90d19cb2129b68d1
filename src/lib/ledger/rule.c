/* rule.c - the batch strategy's trigger rule and the pending outlook. */
#include "config.h"

#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "ledger/rule.h"
#include "store/stmts.h"

static const char *const trigger_names[SETTLE_TRIGGER__MAX] = {
	[SETTLE_WAIT] = "wait",
	[SETTLE_BY_SIZE] = "max_batch_size",
	[SETTLE_BY_PRIORITY] = "priority",
	[SETTLE_BY_VALUE] = "value_threshold",
	[SETTLE_BY_MAX_WAIT] = "max_wait",
};

const char *
settle_trigger_name(enum settle_trigger t)
{
	return (unsigned)t < ARRAY_LEN(trigger_names) ? trigger_names[t] : "?";
}

enum settle_trigger
settle_rule(const struct strategy *st, const struct settle_outlook *o)
{
	int64_t oldest = o->has_oldest ? o->oldest : o->now;

	if (o->count == 0)
		return SETTLE_WAIT;
	if (o->now - oldest >= (int64_t)st->max_wait_seconds)
		return SETTLE_BY_MAX_WAIT;
	if (o->count < st->min_batch_size)
		return SETTLE_WAIT;
	if (o->count >= st->max_batch_size)
		return SETTLE_BY_SIZE;
	if (o->priority)
		return SETTLE_BY_PRIORITY;
	if (st->has_threshold &&
	    (o->value_huge || amount_cmp(&o->value, &st->value_threshold) > 0))
		return SETTLE_BY_VALUE;
	return SETTLE_WAIT;
}

int64_t
settle_estimate(const struct strategy *st, const struct settle_outlook *o,
    unsigned poll_seconds)
{
	int64_t oldest = o->has_oldest ? o->oldest : o->now;

	if (settle_rule(st, o) != SETTLE_WAIT)
		return o->now + (int64_t)poll_seconds;
	return oldest + (int64_t)st->max_wait_seconds;
}

void
settle_outlook_add(struct settle_outlook *o, const struct amount *amount, bool priority)
{
	struct amount mag = *amount;

	mag.neg = false;
	o->count++;
	if (!o->has_oldest) {
		o->has_oldest = true;
		o->oldest = o->now;
	}
	if (amount_add(&o->value, &o->value, &mag) != 0)
		o->value_huge = true;
	if (priority)
		o->priority = true;
}

enum cb_err
settle_outlook_read(struct db *db, const struct token *tok, const struct strategy *st,
    struct settle_outlook *out)
{
	struct buf prio = BUF_INITIALIZER(STRATEGY_PRIORITY_MAX * (REASON_NAME_MAX + 8) + 8);
	struct db_row row;
	uint64_t count, flag;
	int64_t t;
	enum cb_err rc;
	unsigned i;
	int r;

	memset(out, 0, sizeof(*out));
	if ((rc = buf_putc(&prio, '[')) != CB_OK)
		goto out;
	for (i = 0; i < st->npriority; i++) {
		if ((i > 0 && (rc = buf_putc(&prio, ',')) != CB_OK) ||
		    (rc = buf_append_json_string(&prio, st->priority_reasons[i],
		    strlen(st->priority_reasons[i]))) != CB_OK)
			goto out;
	}
	if ((rc = buf_putc(&prio, ']')) != CB_OK)
		goto out;
	rc = DB_EXEC(db, ST_LEDGER_PENDING_STATS, DB_STR(prio.data, prio.len),
	    DB_U64(tok->id), DB_U64((uint64_t)st->max_batch_size + 1));
	if (rc != CB_OK)
		goto out;
	rc = CB_ERR_DB;
	r = db_fetch(db, ST_LEDGER_PENDING_STATS, &row);
	if (r != 1 || !db_col_u64(&row, STATS_COL_COUNT, &count) ||
	    !db_col_u64(&row, STATS_COL_PRIORITY, &flag) ||
	    !db_col_i64(&row, STATS_COL_NOW, &out->now) || row.val[STATS_COL_VALUE] == NULL)
		goto done;
	out->count = count;
	out->priority = flag != 0;
	if (amount_from_db(&out->value, row.val[STATS_COL_VALUE],
	    row.len[STATS_COL_VALUE]) != 0) {
		/* Past 65 digits the sum is above any threshold anyway. */
		out->value_huge = true;
		amount_zero(&out->value);
	}
	if (row.val[STATS_COL_OLDEST] != NULL) {
		if (!db_col_i64(&row, STATS_COL_OLDEST, &t))
			goto done;
		out->has_oldest = true;
		out->oldest = t;
	}
	rc = CB_OK;
done:
	db_done(db, ST_LEDGER_PENDING_STATS);
out:
	buf_free(&prio);
	return rc;
}
