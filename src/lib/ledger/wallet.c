/* wallet.c - wallet bindings and the rebind rule (wallet.h). */
#include "config.h"

#include <string.h>

#include "ledger/status.h"
#include "ledger/wallet.h"
#include "store/stmts.h"

/* Reads a 40-digit hex column into *a; false when NULL or malformed. */
static bool
wallet_col_address(const struct db_row *row, unsigned col, struct address *a)
{
	char text[ADDRESS_HEX_LEN];

	if (row->val[col] == NULL || row->len[col] != 40)
		return false;
	text[0] = '0';
	text[1] = 'x';
	memcpy(text + 2, row->val[col], 40);
	return address_parse(text, sizeof(text), a) == ADDRESS_OK;
}

const char *
wallet_pinning_statuses(void)
{
	static char list[128];

	if (list[0] == '\0')
		change_status_list(change_status_pins_wallet, list, sizeof(list));
	return list;
}

struct wallet_bind {
	const char		*user_id;
	size_t			 user_id_len;
	uint64_t		 chain_id;
	const struct address	*address;
	enum wallet_result	 result;
};

static enum cb_err
wallet_txn(struct db *db, void *arg)
{
	struct wallet_bind *wb = arg;
	const char *pinning = wallet_pinning_statuses();
	struct address current;
	struct db_row row;
	bool have = false, settled = false, other = false;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(db, ST_WALLET_LOCK, DB_STR(wb->user_id, wb->user_id_len),
	    DB_U64(wb->chain_id));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_WALLET_LOCK, &row);
	if (r == 1)
		have = wallet_col_address(&row, WALLET_LOCK_COL_ADDRESS, &current);
	db_done(db, ST_WALLET_LOCK);
	if (r < 0 || (r == 1 && !have))
		return CB_ERR_DB;
	if (have && address_eq(&current, wb->address)) {
		wb->result = WALLET_UNCHANGED;
		return CB_OK;
	}
	rc = DB_EXEC(db, ST_WALLET_OWNER, DB_U64(wb->chain_id),
	    DB_BLOB(wb->address->bytes, ADDRESS_LEN));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_WALLET_OWNER, &row);
	other = r == 1;
	db_done(db, ST_WALLET_OWNER);
	if (r < 0)
		return CB_ERR_DB;
	if (other) {
		wb->result = WALLET_IN_USE;
		return CB_OK;
	}
	if (have) {
		rc = DB_EXEC(db, ST_WALLET_SETTLED, DB_STR(wb->user_id, wb->user_id_len),
		    DB_U64(wb->chain_id), DB_CSTR(pinning));
		if (rc != CB_OK)
			return rc;
		r = db_fetch(db, ST_WALLET_SETTLED, &row);
		settled = r == 1 && row.val[SCALAR_COL_VALUE] != NULL &&
		    row.val[SCALAR_COL_VALUE][0] == '1';
		db_done(db, ST_WALLET_SETTLED);
		if (r != 1)
			return CB_ERR_DB;
		if (settled) {
			wb->result = WALLET_FIXED;
			return CB_OK;
		}
		wb->result = WALLET_REBOUND;
		rc = DB_EXEC(db, ST_WALLET_UPDATE, DB_BLOB(wb->address->bytes, ADDRESS_LEN),
		    DB_STR(wb->user_id, wb->user_id_len), DB_U64(wb->chain_id));
	} else {
		wb->result = WALLET_BOUND;
		rc = DB_EXEC(db, ST_WALLET_INSERT, DB_STR(wb->user_id, wb->user_id_len),
		    DB_U64(wb->chain_id), DB_BLOB(wb->address->bytes, ADDRESS_LEN));
	}
	/*
	 * The owner check above is a plain read: a concurrent binding of the
	 * same address (or, for the insert, of the same user) that committed
	 * after it meets us in the unique index instead.  Run again: the
	 * checks then see it and answer WALLET_IN_USE (or UNCHANGED/REBOUND).
	 */
	return rc == CB_ERR_CONFLICT ? CB_ERR_DB_RETRY : rc;
}

enum cb_err
wallet_bind(struct db *db, const char *user_id, size_t len, uint64_t chain_id,
    const struct address *address, uint64_t deadline_ms, enum wallet_result *result)
{
	struct wallet_bind wb = {
		.user_id = user_id, .user_id_len = len, .chain_id = chain_id,
		.address = address, .result = WALLET_BOUND,
	};
	enum cb_err rc;

	if ((rc = db_txn_until(db, deadline_ms, wallet_txn, &wb)) == CB_OK)
		*result = wb.result;
	return rc;
}

enum cb_err
wallet_chain_has_token(struct db *db, uint64_t chain_id, bool *has)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	*has = false;
	if ((rc = DB_EXEC(db, ST_CHAIN_HAS_TOKEN, DB_U64(chain_id))) != CB_OK)
		return rc;
	r = db_fetch(db, ST_CHAIN_HAS_TOKEN, &row);
	if (r == 1)
		*has = row.val[SCALAR_COL_VALUE] != NULL && row.val[SCALAR_COL_VALUE][0] == '1';
	db_done(db, ST_CHAIN_HAS_TOKEN);
	return r < 0 ? CB_ERR_DB : CB_OK;
}
