/*
 * rpc_eth.c - typed eth_* calls over the JSON-RPC client.
 *
 * Every call is one row of rpc_methods[]: the method name, a check of the
 * caller's arguments (refused before anything is sent), a builder of the
 * params array and a parser of the result that also checks the answer
 * against what was asked.  rpc_eth_run() and rpc_eth_run_batch() drive a
 * row; the exported functions only pack their arguments.
 *
 * Layout: JSON builders, argument checks, params builders, result
 * parsers, the method table, the drivers, the exported calls.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/hex.h"
#include "eth/rpc_eth.h"

/* Arguments of the calls that take more than one value. */
struct rpc_args_account {
	const struct address	*account;
	struct rpc_block_ref	 ref;
};

struct rpc_args_call {
	const struct rpc_call_msg *msg;
	struct rpc_block_ref	 ref;		/* eth_call only */
};

struct rpc_args_fee_history {
	uint64_t		 block_count;
	struct rpc_block_ref	 newest;
	const uint8_t		*percentiles;
	size_t			 n_percentiles;
};

struct rpc_args_raw {
	const uint8_t		*raw;
	size_t			 len;
};

/* The result of eth_call: DATA of any length. */
struct rpc_bytes {
	uint8_t			*data;	/* heap; NULL when empty */
	size_t			 len;
};

/* ---- JSON builders ---------------------------------------------------- */

/* Adds key: value to obj, taking value; false on failure. */
static bool
rpc_obj_add(json_object *obj, const char *key, json_object *value)
{
	if (value == NULL || json_object_object_add(obj, key, value) != 0) {
		json_object_put(value);
		return false;
	}
	return true;
}

/* Appends value to arr, taking value; false on failure. */
static bool
rpc_arr_add(json_object *arr, json_object *value)
{
	if (value == NULL || json_object_array_add(arr, value) != 0) {
		json_object_put(value);
		return false;
	}
	return true;
}

/* New JSON string "0x..." of the bytes; NULL on allocation failure. */
static json_object *
rpc_json_hex(const uint8_t *p, size_t n)
{
	json_object *v = NULL;
	char small[80], *s = small;
	size_t cap = 2 * n + 3;

	if (n > (SIZE_MAX - 3) / 2)
		return NULL;
	if (cap > sizeof(small) && (s = malloc(cap)) == NULL)
		return NULL;
	if (n == 0) {
		s[0] = '0';
		s[1] = 'x';
		s[2] = '\0';
	} else if (hex_encode(s, cap, p, n, true) == 0)
		goto out;
	v = json_object_new_string(s);
out:
	if (s != small)
		free(s);
	return v;
}

static json_object *
rpc_json_hash(const struct hash32 *h)
{
	return rpc_json_hex(h->bytes, HASH32_LEN);
}

static json_object *
rpc_json_address(const struct address *a)
{
	return rpc_json_hex(a->bytes, ADDRESS_LEN);
}

static json_object *
rpc_json_quantity(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%" PRIx64, v);
	return json_object_new_string(s);
}

/* New JSON string for a block parameter; NULL on a bad tag or no memory. */
static json_object *
rpc_json_block_ref(struct rpc_block_ref ref)
{
	static const char *const tags[RPC_BLOCK__MAX] = {
		[RPC_BLOCK_LATEST] = "latest",
		[RPC_BLOCK_SAFE] = "safe",
		[RPC_BLOCK_FINALIZED] = "finalized",
		[RPC_BLOCK_PENDING] = "pending",
		[RPC_BLOCK_EARLIEST] = "earliest",
	};

	if (ref.tag == RPC_BLOCK_NUMBER)
		return rpc_json_quantity(ref.number);
	if ((unsigned)ref.tag >= RPC_BLOCK__MAX)
		return NULL;
	return json_object_new_string(tags[ref.tag]);
}

/*
 * Builds a params array of the first n of a, b, c3 (all taken).  Returns
 * NULL when one of those n is NULL (it could not be built) or on
 * allocation failure, so a request never goes out with a param missing.
 */
static json_object *
rpc_params(size_t n, json_object *a, json_object *b, json_object *c3)
{
	json_object *arr, *vals[3] = { a, b, c3 };
	size_t i;
	bool ok;

	arr = json_object_new_array();
	ok = arr != NULL;
	for (i = 0; i < n; i++)
		if (vals[i] == NULL)
			ok = false;
	for (i = 0; i < n; i++) {
		if (vals[i] == NULL)
			continue;
		if (!ok || json_object_array_add(arr, vals[i]) != 0) {
			json_object_put(vals[i]);
			ok = false;
		}
	}
	if (!ok) {
		json_object_put(arr);
		return NULL;
	}
	return arr;
}

static json_object *
rpc_json_call_msg(const struct rpc_call_msg *msg)
{
	json_object *obj;
	char q[U256_HEX_MAX];

	if ((obj = json_object_new_object()) == NULL)
		return NULL;
	if ((msg->from != NULL &&
	    !rpc_obj_add(obj, "from", rpc_json_address(msg->from))) ||
	    (msg->to != NULL &&
	    !rpc_obj_add(obj, "to", rpc_json_address(msg->to))) ||
	    ((msg->data != NULL || msg->data_len > 0) &&
	    !rpc_obj_add(obj, "data", rpc_json_hex(msg->data, msg->data_len))))
		goto fail;
	if (msg->value != NULL) {
		if (u256_to_hex_quantity(msg->value, q, sizeof(q)) == 0 ||
		    !rpc_obj_add(obj, "value", json_object_new_string(q)))
			goto fail;
	}
	return obj;
fail:
	json_object_put(obj);
	return NULL;
}

/* ---- argument checks -------------------------------------------------- */

/* Each returns CB_OK, or an error with err's message set. */

static enum cb_err
rpc_check_ref_value(struct rpc_block_ref ref, struct rpc_error *err)
{
	if ((unsigned)ref.tag < RPC_BLOCK__MAX)
		return CB_OK;
	rpc_error_setf(err, "bad block tag %u", (unsigned)ref.tag);
	return CB_ERR_INVALID;
}

static enum cb_err
rpc_check_ref(const struct rpc_opts *caps, const void *args,
    struct rpc_error *err)
{
	(void)caps;
	return rpc_check_ref_value(*(const struct rpc_block_ref *)args, err);
}

static enum cb_err
rpc_check_account(const struct rpc_opts *caps, const void *args,
    struct rpc_error *err)
{
	(void)caps;
	return rpc_check_ref_value(((const struct rpc_args_account *)args)->ref,
	    err);
}

static enum cb_err
rpc_check_call(const struct rpc_opts *caps, const void *args,
    struct rpc_error *err)
{
	(void)caps;
	return rpc_check_ref_value(((const struct rpc_args_call *)args)->ref,
	    err);
}

static enum cb_err
rpc_check_logs(const struct rpc_opts *caps, const void *args,
    struct rpc_error *err)
{
	const struct rpc_log_filter *f = args;

	(void)caps;
	if (f->address_count > RPC_FILTER_MAX_ADDRESSES ||
	    f->topic0_count > RPC_FILTER_MAX_TOPIC0) {
		rpc_error_setf(err, "filter has too many addresses or topics");
		return CB_ERR_TOO_LARGE;
	}
	if ((f->address_count > 0 && f->addresses == NULL) ||
	    (f->topic0_count > 0 && f->topic0 == NULL)) {
		rpc_error_setf(err, "filter list count without entries");
		return CB_ERR_INVALID;
	}
	if (f->block_hash == NULL && f->from_block > f->to_block) {
		rpc_error_setf(err, "filter range is reversed");
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_check_fee_history(const struct rpc_opts *caps, const void *args,
    struct rpc_error *err)
{
	const struct rpc_args_fee_history *a = args;
	size_t i;

	(void)caps;
	if (a->block_count == 0 || a->block_count > RPC_FEE_HISTORY_MAX_BLOCKS ||
	    a->n_percentiles > RPC_FEE_HISTORY_MAX_PERCENTILES) {
		rpc_error_setf(err, "fee history of %" PRIu64 " blocks, %zu "
		    "percentiles", a->block_count, a->n_percentiles);
		return CB_ERR_RANGE;
	}
	if (rpc_check_ref_value(a->newest, err) != CB_OK)
		return CB_ERR_INVALID;
	for (i = 0; i < a->n_percentiles; i++)
		if (a->percentiles[i] > 100 ||
		    (i > 0 && a->percentiles[i] < a->percentiles[i - 1])) {
			rpc_error_setf(err, "percentiles must be ascending "
			    "0..100");
			return CB_ERR_INVALID;
		}
	return CB_OK;
}

static enum cb_err
rpc_check_raw(const struct rpc_opts *caps, const void *args,
    struct rpc_error *err)
{
	(void)caps;
	if (((const struct rpc_args_raw *)args)->len == 0) {
		rpc_error_setf(err, "empty raw transaction");
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

/* ---- params builders -------------------------------------------------- */

/* Each returns a new params array, or NULL when it could not be built. */

static json_object *
rpc_params_block_ref(const void *args)
{
	return rpc_params(2, rpc_json_block_ref(
	    *(const struct rpc_block_ref *)args),
	    json_object_new_boolean(false), NULL);
}

static json_object *
rpc_params_block_number(const void *args)
{
	return rpc_params(2, rpc_json_quantity(*(const uint64_t *)args),
	    json_object_new_boolean(false), NULL);
}

/* eth_getBlockByHash: the hash, and hashes only (not full transactions). */
static json_object *
rpc_params_block_hash(const void *args)
{
	return rpc_params(2, rpc_json_hash(args),
	    json_object_new_boolean(false), NULL);
}

static json_object *
rpc_params_hash(const void *args)
{
	return rpc_params(1, rpc_json_hash(args), NULL, NULL);
}

static json_object *
rpc_params_account(const void *args)
{
	const struct rpc_args_account *a = args;

	return rpc_params(2, rpc_json_address(a->account),
	    rpc_json_block_ref(a->ref), NULL);
}

static json_object *
rpc_params_call(const void *args)
{
	const struct rpc_args_call *a = args;

	return rpc_params(2, rpc_json_call_msg(a->msg),
	    rpc_json_block_ref(a->ref), NULL);
}

static json_object *
rpc_params_estimate(const void *args)
{
	const struct rpc_args_call *a = args;

	return rpc_params(1, rpc_json_call_msg(a->msg), NULL, NULL);
}

static json_object *
rpc_params_logs(const void *args)
{
	const struct rpc_log_filter *filter = args;
	json_object *f, *list, *inner;
	size_t i;

	if ((f = json_object_new_object()) == NULL)
		return NULL;
	if (filter->block_hash != NULL) {
		if (!rpc_obj_add(f, "blockHash", rpc_json_hash(filter->block_hash)))
			goto fail;
	} else if (!rpc_obj_add(f, "fromBlock",
	    rpc_json_quantity(filter->from_block)) ||
	    !rpc_obj_add(f, "toBlock", rpc_json_quantity(filter->to_block)))
		goto fail;
	if (filter->address_count > 0) {
		list = json_object_new_array();
		if (!rpc_obj_add(f, "address", list))
			goto fail;
		for (i = 0; i < filter->address_count; i++)
			if (!rpc_arr_add(list,
			    rpc_json_address(&filter->addresses[i])))
				goto fail;
	}
	if (filter->topic0_count > 0) {
		/* topics: [[t0a, t0b, ...]] means "topic 0 is any of". */
		list = json_object_new_array();
		if (!rpc_obj_add(f, "topics", list))
			goto fail;
		inner = json_object_new_array();
		if (!rpc_arr_add(list, inner))
			goto fail;
		for (i = 0; i < filter->topic0_count; i++)
			if (!rpc_arr_add(inner, rpc_json_hash(&filter->topic0[i])))
				goto fail;
	}
	return rpc_params(1, f, NULL, NULL);
fail:
	json_object_put(f);
	return NULL;
}

static json_object *
rpc_params_fee_history(const void *args)
{
	const struct rpc_args_fee_history *a = args;
	json_object *pct;
	size_t i;

	if ((pct = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < a->n_percentiles; i++)
		if (!rpc_arr_add(pct, json_object_new_int(a->percentiles[i]))) {
			json_object_put(pct);
			return NULL;
		}
	return rpc_params(3, rpc_json_quantity(a->block_count),
	    rpc_json_block_ref(a->newest), pct);
}

static json_object *
rpc_params_raw(const void *args)
{
	const struct rpc_args_raw *a = args;

	return rpc_params(1, rpc_json_hex(a->raw, a->len), NULL, NULL);
}

/* ---- result parsers --------------------------------------------------- */

/*
 * Each parses a non-null result res into out and checks it against args.
 * On failure out is left zeroed and *bad names the field.
 */

/* The text of a string result, or NULL when res is no string. */
static const char *
rpc_result_str(json_object *res, size_t *len)
{
	if (!json_object_is_type(res, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(res);
	return json_object_get_string(res);
}

static enum cb_err
rpc_result_u64(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	const char *s;
	size_t len;

	(void)caps;
	(void)args;
	if ((s = rpc_result_str(res, &len)) == NULL ||
	    rpc_parse_quantity_u64(s, len, out) != CB_OK) {
		*bad = "result";
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_result_u256(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	const char *s;
	size_t len;

	(void)caps;
	(void)args;
	if ((s = rpc_result_str(res, &len)) == NULL ||
	    rpc_parse_quantity_u256(s, len, out) != CB_OK) {
		*bad = "result";
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_result_bytes(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	struct rpc_bytes *b = out;
	const char *s;
	size_t len;

	(void)args;
	*bad = "result";
	if ((s = rpc_result_str(res, &len)) == NULL)
		return CB_ERR_INVALID;
	return rpc_parse_data(s, len, caps->max_data_bytes, &b->data, &b->len);
}

static enum cb_err
rpc_result_hash(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	struct hash32 *h = out;
	const char *s;
	size_t len;

	(void)caps;
	(void)args;
	if ((s = rpc_result_str(res, &len)) == NULL ||
	    rpc_parse_fixed(s, len, h->bytes, HASH32_LEN) != CB_OK) {
		*bad = "result";
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

/* A block answered for a block parameter: the pending tag allows a block
 * without hash, a number must come back as asked. */
static enum cb_err
rpc_result_block_ref(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	const struct rpc_block_ref *ref = args;
	struct rpc_block *b = out;
	enum cb_err rc;

	rc = rpc_block_parse(caps, res, ref->tag == RPC_BLOCK_PENDING, b, bad);
	if (rc == CB_OK && ref->tag == RPC_BLOCK_NUMBER &&
	    b->number != ref->number) {
		rpc_block_clear(b);
		*bad = "number";
		rc = CB_ERR_INVALID;
	}
	return rc;
}

static enum cb_err
rpc_result_block_number(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	struct rpc_block_ref ref = { RPC_BLOCK_NUMBER, *(const uint64_t *)args };

	return rpc_result_block_ref(caps, res, &ref, out, bad);
}

static enum cb_err
rpc_result_block_hash(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	struct rpc_block *b = out;
	enum cb_err rc;

	rc = rpc_block_parse(caps, res, false, b, bad);
	if (rc == CB_OK && !hash32_eq(&b->hash, args)) {
		rpc_block_clear(b);
		*bad = "hash";
		rc = CB_ERR_INVALID;
	}
	return rc;
}

static enum cb_err
rpc_result_logs(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	(void)args;
	return rpc_log_list_parse(caps, res, out, bad);
}

static enum cb_err
rpc_result_tx(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	struct rpc_tx *tx = out;
	enum cb_err rc;

	rc = rpc_tx_parse(caps, res, tx, bad);
	if (rc == CB_OK && !hash32_eq(&tx->hash, args)) {
		rpc_tx_clear(tx);
		*bad = "hash";
		rc = CB_ERR_INVALID;
	}
	return rc;
}

static enum cb_err
rpc_result_receipt(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	struct rpc_receipt *r = out;
	enum cb_err rc;

	rc = rpc_receipt_parse(caps, res, r, bad);
	if (rc == CB_OK && !hash32_eq(&r->tx_hash, args)) {
		rpc_receipt_clear(r);
		*bad = "transactionHash";
		rc = CB_ERR_INVALID;
	}
	return rc;
}

static enum cb_err
rpc_result_fee_history(const struct rpc_opts *caps, json_object *res,
    const void *args, void *out, const char **bad)
{
	const struct rpc_args_fee_history *a = args;

	(void)caps;
	return rpc_fee_history_parse(res, a->block_count, a->n_percentiles,
	    out, bad);
}

/* ---- the method table ------------------------------------------------- */

/* One typed call: what it sends and how its answer is read. */
struct rpc_method {
	const char	*name;
	/* Refuses bad arguments before sending (err filled); NULL: none. */
	enum cb_err	(*check)(const struct rpc_opts *caps, const void *args,
			    struct rpc_error *err);
	/* Builds the params array from args; NULL: []. */
	json_object	*(*params)(const void *args);
	/* Parses a non-null result; see above. */
	enum cb_err	(*result)(const struct rpc_opts *caps, json_object *res,
			    const void *args, void *out, const char **bad);
	size_t		 out_size;	/* zeroed before the call */
};

enum rpc_method_id {
	RPC_M_CHAIN_ID,
	RPC_M_BLOCK_NUMBER,
	RPC_M_BLOCK_BY_REF,		/* args: struct rpc_block_ref */
	RPC_M_BLOCK_BY_NUMBER,		/* args: uint64_t (batches) */
	RPC_M_BLOCK_BY_HASH,		/* args: struct hash32 */
	RPC_M_GET_LOGS,			/* args: struct rpc_log_filter */
	RPC_M_TX_BY_HASH,		/* args: struct hash32 */
	RPC_M_RECEIPT,			/* args: struct hash32 */
	RPC_M_TX_COUNT,			/* args: struct rpc_args_account */
	RPC_M_BALANCE,			/* args: struct rpc_args_account */
	RPC_M_ESTIMATE_GAS,		/* args: struct rpc_args_call */
	RPC_M_CALL,			/* args: struct rpc_args_call */
	RPC_M_FEE_HISTORY,		/* args: struct rpc_args_fee_history */
	RPC_M_MAX_PRIORITY_FEE,
	RPC_M_GAS_PRICE,
	RPC_M_SEND_RAW,			/* args: struct rpc_args_raw */
	RPC_M__MAX
};

static const struct rpc_method rpc_methods[RPC_M__MAX] = {
	[RPC_M_CHAIN_ID] = { "eth_chainId", NULL, NULL,
	    rpc_result_u64, sizeof(uint64_t) },
	[RPC_M_BLOCK_NUMBER] = { "eth_blockNumber", NULL, NULL,
	    rpc_result_u64, sizeof(uint64_t) },
	[RPC_M_BLOCK_BY_REF] = { "eth_getBlockByNumber", rpc_check_ref,
	    rpc_params_block_ref, rpc_result_block_ref, sizeof(struct rpc_block) },
	[RPC_M_BLOCK_BY_NUMBER] = { "eth_getBlockByNumber", NULL,
	    rpc_params_block_number, rpc_result_block_number,
	    sizeof(struct rpc_block) },
	[RPC_M_BLOCK_BY_HASH] = { "eth_getBlockByHash", NULL,
	    rpc_params_block_hash, rpc_result_block_hash,
	    sizeof(struct rpc_block) },
	[RPC_M_GET_LOGS] = { "eth_getLogs", rpc_check_logs, rpc_params_logs,
	    rpc_result_logs, sizeof(struct rpc_log_list) },
	[RPC_M_TX_BY_HASH] = { "eth_getTransactionByHash", NULL,
	    rpc_params_hash, rpc_result_tx, sizeof(struct rpc_tx) },
	[RPC_M_RECEIPT] = { "eth_getTransactionReceipt", NULL,
	    rpc_params_hash, rpc_result_receipt, sizeof(struct rpc_receipt) },
	[RPC_M_TX_COUNT] = { "eth_getTransactionCount", rpc_check_account,
	    rpc_params_account, rpc_result_u64, sizeof(uint64_t) },
	[RPC_M_BALANCE] = { "eth_getBalance", rpc_check_account,
	    rpc_params_account, rpc_result_u256, sizeof(u256) },
	[RPC_M_ESTIMATE_GAS] = { "eth_estimateGas", NULL,
	    rpc_params_estimate, rpc_result_u64, sizeof(uint64_t) },
	[RPC_M_CALL] = { "eth_call", rpc_check_call, rpc_params_call,
	    rpc_result_bytes, sizeof(struct rpc_bytes) },
	[RPC_M_FEE_HISTORY] = { "eth_feeHistory", rpc_check_fee_history,
	    rpc_params_fee_history, rpc_result_fee_history,
	    sizeof(struct rpc_fee_history) },
	[RPC_M_MAX_PRIORITY_FEE] = { "eth_maxPriorityFeePerGas", NULL, NULL,
	    rpc_result_u256, sizeof(u256) },
	[RPC_M_GAS_PRICE] = { "eth_gasPrice", NULL, NULL,
	    rpc_result_u256, sizeof(u256) },
	[RPC_M_SEND_RAW] = { "eth_sendRawTransaction", rpc_check_raw,
	    rpc_params_raw, rpc_result_hash, sizeof(struct hash32) },
};

/* ---- drivers ---------------------------------------------------------- */

/* New params for m from args; NULL when they could not be built. */
static json_object *
rpc_method_params(const struct rpc_method *m, const void *args)
{
	return m->params != NULL ? m->params(args) : json_object_new_array();
}

/* Parses entry res (NULL for JSON null) of m into out, as the drivers do. */
static enum cb_err
rpc_method_result(struct rpc_client *c, const struct rpc_method *m,
    json_object *res, const void *args, void *out, struct rpc_error *err)
{
	const char *bad = NULL;
	enum cb_err rc;

	if (res == NULL) {
		rpc_error_setf(err, "%s returned null", m->name);
		return CB_ERR_NOT_FOUND;
	}
	rc = m->result(rpc_client_opts(c), res, args, out, &bad);
	if (rc != CB_OK)
		rpc_error_setf(err, "%s: %s field '%s'", m->name,
		    rc == CB_ERR_TOO_LARGE ? "oversized" : "invalid",
		    bad != NULL ? bad : "result");
	return rc;
}

/*
 * Runs method id with args and parses its result into out (m->out_size
 * bytes, zeroed first).  Returns CB_OK or an error as listed in
 * rpc_eth.h; a null result is CB_ERR_NOT_FOUND.  err may be NULL.
 */
static enum cb_err
rpc_eth_run(struct rpc_client *c, enum rpc_method_id id, const void *args,
    void *out, struct rpc_error *err)
{
	const struct rpc_method *m = &rpc_methods[id];
	struct rpc_error scratch;
	json_object *params = NULL, *res = NULL;
	enum cb_err rc;

	if (err == NULL)
		err = &scratch;
	rpc_error_clear(err);
	memset(out, 0, m->out_size);
	if (m->check != NULL &&
	    (rc = m->check(rpc_client_opts(c), args, err)) != CB_OK)
		goto out;
	if ((params = rpc_method_params(m, args)) == NULL) {
		rpc_error_setf(err, "cannot build params for %s", m->name);
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if ((rc = rpc_call(c, m->name, params, &res, err)) != CB_OK)
		goto out;
	rc = rpc_method_result(c, m, res, args, out, err);
out:
	json_object_put(params);
	json_object_put(res);
	return rc;
}

/*
 * Runs method id once for each of the n args (args_size bytes apart) in
 * one JSON-RPC batch and parses answer i into outs + i * m->out_size (all
 * zeroed first).  Returns as rpc_batch_send (CB_ERR_TOO_LARGE also for n
 * of 0 or over max_batch, before sending); on CB_OK statuses[i] is entry
 * i's outcome (CB_ERR_NOT_FOUND for a null answer), and err holds the
 * first entry's JSON-RPC error if any.  Entries that failed stay zeroed.
 */
static enum cb_err
rpc_eth_run_batch(struct rpc_client *c, enum rpc_method_id id,
    const void *args, size_t args_size, size_t n, void *outs,
    enum cb_err *statuses, struct rpc_error *err)
{
	const struct rpc_method *m = &rpc_methods[id];
	const unsigned char *arg;
	unsigned char *out;
	struct rpc_error scratch, entry_err;
	struct rpc_batch *b = NULL;
	json_object *params, *res;
	bool have_entry_err = false;
	size_t i, max_batch = rpc_client_opts(c)->max_batch;
	enum cb_err rc, st;

	if (err == NULL)
		err = &scratch;
	rpc_error_clear(err);
	for (i = 0; i < n; i++) {
		memset((unsigned char *)outs + i * m->out_size, 0, m->out_size);
		statuses[i] = CB_ERR_INTERNAL;
	}
	if (n == 0 || n > max_batch) {
		rpc_error_setf(err, "batch of %zu %s requests (1..%zu allowed)",
		    n, m->name, max_batch);
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if ((b = rpc_batch_new()) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		arg = (const unsigned char *)args + i * args_size;
		if (m->check != NULL &&
		    (rc = m->check(rpc_client_opts(c), arg, err)) != CB_OK)
			goto out;
		if ((params = rpc_method_params(m, arg)) == NULL) {
			rpc_error_setf(err, "cannot build params for %s",
			    m->name);
			rc = CB_ERR_NOMEM;
			goto out;
		}
		rc = rpc_batch_add(b, m->name, params, NULL);
		json_object_put(params);
		if (rc != CB_OK)
			goto out;
	}
	if ((rc = rpc_batch_send(c, b, err)) != CB_OK)
		goto out;
	for (i = 0; i < n; i++) {
		arg = (const unsigned char *)args + i * args_size;
		out = (unsigned char *)outs + i * m->out_size;
		rpc_error_clear(&entry_err);
		st = rpc_batch_result(b, i, &res, &entry_err);
		if (st == CB_OK)
			st = rpc_method_result(c, m, res, arg, out, &entry_err);
		if (st == CB_ERR_RPC && !have_entry_err) {
			*err = entry_err;
			have_entry_err = true;
		}
		statuses[i] = st;
	}
out:
	rpc_batch_free(b);
	return rc;
}

/* ---- the calls -------------------------------------------------------- */

/* eth_chainId; see rpc_eth.h. */
enum cb_err
rpc_eth_chain_id(struct rpc_client *c, uint64_t *chain_id,
    struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_CHAIN_ID, NULL, chain_id, err);
}

/* eth_blockNumber; see rpc_eth.h. */
enum cb_err
rpc_eth_block_number(struct rpc_client *c, uint64_t *number,
    struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_BLOCK_NUMBER, NULL, number, err);
}

/* eth_getBlockByNumber; see rpc_eth.h. */
enum cb_err
rpc_eth_get_block_by_number(struct rpc_client *c, struct rpc_block_ref ref,
    struct rpc_block *out, struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_BLOCK_BY_REF, &ref, out, err);
}

/* eth_getBlockByHash; see rpc_eth.h. */
enum cb_err
rpc_eth_get_block_by_hash(struct rpc_client *c, const struct hash32 *hash,
    struct rpc_block *out, struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_BLOCK_BY_HASH, hash, out, err);
}

/* Many eth_getBlockByNumber in one batch; see rpc_eth.h. */
enum cb_err
rpc_eth_get_blocks_by_number(struct rpc_client *c, const uint64_t *numbers,
    size_t n, struct rpc_block *out, enum cb_err *statuses,
    struct rpc_error *err)
{
	return rpc_eth_run_batch(c, RPC_M_BLOCK_BY_NUMBER, numbers,
	    sizeof(*numbers), n, out, statuses, err);
}

/* Many eth_getTransactionReceipt in one batch; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transaction_receipts(struct rpc_client *c,
    const struct hash32 *hashes, size_t n, struct rpc_receipt *out,
    enum cb_err *statuses, struct rpc_error *err)
{
	return rpc_eth_run_batch(c, RPC_M_RECEIPT, hashes, sizeof(*hashes), n,
	    out, statuses, err);
}

/* Many eth_getTransactionByHash in one batch; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transactions_by_hash(struct rpc_client *c,
    const struct hash32 *hashes, size_t n, struct rpc_tx *out,
    enum cb_err *statuses, struct rpc_error *err)
{
	return rpc_eth_run_batch(c, RPC_M_TX_BY_HASH, hashes, sizeof(*hashes), n,
	    out, statuses, err);
}

/* eth_getLogs; see rpc_eth.h. */
enum cb_err
rpc_eth_get_logs(struct rpc_client *c, const struct rpc_log_filter *filter,
    struct rpc_log_list *out, struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_GET_LOGS, filter, out, err);
}

/* eth_getTransactionByHash; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transaction_by_hash(struct rpc_client *c,
    const struct hash32 *hash, struct rpc_tx *out, struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_TX_BY_HASH, hash, out, err);
}

/* eth_getTransactionReceipt; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transaction_receipt(struct rpc_client *c,
    const struct hash32 *hash, struct rpc_receipt *out, struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_RECEIPT, hash, out, err);
}

/* eth_getTransactionCount; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transaction_count(struct rpc_client *c,
    const struct address *account, struct rpc_block_ref ref, uint64_t *nonce,
    struct rpc_error *err)
{
	struct rpc_args_account args = { account, ref };

	return rpc_eth_run(c, RPC_M_TX_COUNT, &args, nonce, err);
}

/* eth_getBalance; see rpc_eth.h. */
enum cb_err
rpc_eth_get_balance(struct rpc_client *c, const struct address *account,
    struct rpc_block_ref ref, u256 *balance, struct rpc_error *err)
{
	struct rpc_args_account args = { account, ref };

	return rpc_eth_run(c, RPC_M_BALANCE, &args, balance, err);
}

/* eth_estimateGas; see rpc_eth.h. */
enum cb_err
rpc_eth_estimate_gas(struct rpc_client *c, const struct rpc_call_msg *msg,
    uint64_t *gas, struct rpc_error *err)
{
	struct rpc_args_call args = { msg, { RPC_BLOCK_LATEST, 0 } };

	return rpc_eth_run(c, RPC_M_ESTIMATE_GAS, &args, gas, err);
}

/* eth_call; see rpc_eth.h. */
enum cb_err
rpc_eth_call(struct rpc_client *c, const struct rpc_call_msg *msg,
    struct rpc_block_ref ref, uint8_t **out, size_t *out_len,
    struct rpc_error *err)
{
	struct rpc_args_call args = { msg, ref };
	struct rpc_bytes bytes;
	enum cb_err rc;

	rc = rpc_eth_run(c, RPC_M_CALL, &args, &bytes, err);
	*out = bytes.data;
	*out_len = bytes.len;
	return rc;
}

/* eth_feeHistory; see rpc_eth.h. */
enum cb_err
rpc_eth_fee_history(struct rpc_client *c, uint64_t block_count,
    struct rpc_block_ref newest, const uint8_t *percentiles,
    size_t n_percentiles, struct rpc_fee_history *out, struct rpc_error *err)
{
	struct rpc_args_fee_history args = { block_count, newest, percentiles,
	    n_percentiles };

	return rpc_eth_run(c, RPC_M_FEE_HISTORY, &args, out, err);
}

/* eth_maxPriorityFeePerGas; see rpc_eth.h. */
enum cb_err
rpc_eth_max_priority_fee_per_gas(struct rpc_client *c, u256 *fee,
    struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_MAX_PRIORITY_FEE, NULL, fee, err);
}

/* eth_gasPrice; see rpc_eth.h. */
enum cb_err
rpc_eth_gas_price(struct rpc_client *c, u256 *price, struct rpc_error *err)
{
	return rpc_eth_run(c, RPC_M_GAS_PRICE, NULL, price, err);
}

/* eth_sendRawTransaction; see rpc_eth.h. */
enum cb_err
rpc_eth_send_raw_transaction(struct rpc_client *c, const uint8_t *raw,
    size_t len, struct hash32 *hash, struct rpc_error *err)
{
	struct rpc_args_raw args = { raw, len };

	return rpc_eth_run(c, RPC_M_SEND_RAW, &args, hash, err);
}
