/*
 * rpc_eth.c - typed eth_* calls over the JSON-RPC client.
 *
 * Layout: request parameters, then the calls.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/hex.h"
#include "eth/rpc_eth.h"

/* ---- request parameters ----------------------------------------------- */

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

/* CB_OK if ref names a block, else CB_ERR_INVALID with err set. */
static enum cb_err
rpc_ref_check(struct rpc_block_ref ref, struct rpc_error *err)
{
	if ((unsigned)ref.tag < RPC_BLOCK__MAX)
		return CB_OK;
	rpc_error_setf(err, "bad block tag %u", (unsigned)ref.tag);
	return CB_ERR_INVALID;
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
	    !rpc_obj_add(obj, "from", rpc_json_hex(msg->from, 20))) ||
	    (msg->to != NULL &&
	    !rpc_obj_add(obj, "to", rpc_json_hex(msg->to, 20))) ||
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

/* ---- typed helpers ---------------------------------------------------- */

/*
 * Runs method(params) (params taken; NULL means the params could not be
 * built) and returns the result in *result (new reference).  A null
 * result is CB_ERR_NOT_FOUND unless null_ok, when it is CB_OK with NULL.
 */
static enum cb_err
rpc_run(struct rpc_client *c, const char *method, json_object *params,
    bool null_ok, json_object **result, struct rpc_error *err)
{
	enum cb_err rc;

	*result = NULL;
	if (params == NULL) {
		rpc_error_setf(err, "cannot build params for %s", method);
		return CB_ERR_NOMEM;
	}
	rc = rpc_call(c, method, params, result, err);
	json_object_put(params);
	if (rc == CB_OK && *result == NULL && !null_ok) {
		rpc_error_setf(err, "%s returned null", method);
		return CB_ERR_NOT_FOUND;
	}
	return rc;
}

/* Reports a field that failed to parse in method's result. */
static enum cb_err
rpc_bad_field(struct rpc_error *err, enum cb_err rc, const char *method,
    const char *field)
{
	rpc_error_setf(err, "%s: %s field '%s'", method,
	    rc == CB_ERR_TOO_LARGE ? "oversized" : "invalid",
	    field != NULL ? field : "result");
	return rc;
}

/* Calls a method whose result is one QUANTITY that fits 64 bits. */
static enum cb_err
rpc_quantity_u64_call(struct rpc_client *c, const char *method,
    json_object *params, uint64_t *out, struct rpc_error *err)
{
	json_object *res = NULL;
	enum cb_err rc;

	if ((rc = rpc_run(c, method, params, false, &res, err)) != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string) ||
	    rpc_parse_quantity_u64(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), out) != CB_OK)
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
out:
	json_object_put(res);
	return rc;
}

/* Calls a method whose result is one QUANTITY of up to 256 bits. */
static enum cb_err
rpc_quantity_u256_call(struct rpc_client *c, const char *method,
    json_object *params, u256 *out, struct rpc_error *err)
{
	json_object *res = NULL;
	enum cb_err rc;

	if ((rc = rpc_run(c, method, params, false, &res, err)) != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string) ||
	    rpc_parse_quantity_u256(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), out) != CB_OK)
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
out:
	json_object_put(res);
	return rc;
}

#define RPC_ERR_OR_SCRATCH(err, scratch) \
	do { if ((err) == NULL) (err) = &(scratch); rpc_error_clear(err); } while (0)

/* eth_chainId; see rpc_eth.h. */
enum cb_err
rpc_eth_chain_id(struct rpc_client *c, uint64_t *chain_id,
    struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u64_call(c, "eth_chainId", rpc_params(0, NULL,
	    NULL, NULL), chain_id, err);
}

/* eth_blockNumber; see rpc_eth.h. */
enum cb_err
rpc_eth_block_number(struct rpc_client *c, uint64_t *number,
    struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u64_call(c, "eth_blockNumber", rpc_params(0, NULL,
	    NULL, NULL), number, err);
}

/* Runs a getBlockBy* call and checks the block is the one asked for. */
static enum cb_err
rpc_get_block(struct rpc_client *c, const char *method, json_object *params,
    const struct rpc_block_ref *ref, const uint8_t *hash,
    struct rpc_block *out, struct rpc_error *err)
{
	json_object *res = NULL;
	const char *bad = NULL;
	bool pending = ref != NULL && ref->tag == RPC_BLOCK_PENDING;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = rpc_run(c, method, params, false, &res, err)) != CB_OK)
		goto out;
	if ((rc = rpc_block_parse(rpc_client_opts(c), res, pending, out, &bad)) != CB_OK) {
		rpc_bad_field(err, rc, method, bad);
		goto out;
	}
	if ((ref != NULL && ref->tag == RPC_BLOCK_NUMBER &&
	    out->number != ref->number) ||
	    (hash != NULL && memcmp(out->hash, hash, 32) != 0)) {
		rpc_block_clear(out);
		rc = rpc_bad_field(err, CB_ERR_INVALID, method,
		    hash != NULL ? "hash" : "number");
	}
out:
	json_object_put(res);
	return rc;
}

/* eth_getBlockByNumber; see rpc_eth.h. */
enum cb_err
rpc_eth_get_block_by_number(struct rpc_client *c, struct rpc_block_ref ref,
    struct rpc_block *out, struct rpc_error *err)
{
	struct rpc_error scratch;
	json_object *tag;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	if (rpc_ref_check(ref, err) != CB_OK)
		return CB_ERR_INVALID;
	tag = rpc_json_block_ref(ref);
	return rpc_get_block(c, "eth_getBlockByNumber",
	    rpc_params(2, tag, json_object_new_boolean(false), NULL), &ref, NULL,
	    out, err);
}

/* eth_getBlockByHash; see rpc_eth.h. */
enum cb_err
rpc_eth_get_block_by_hash(struct rpc_client *c, const uint8_t hash[32],
    struct rpc_block *out, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_get_block(c, "eth_getBlockByHash",
	    rpc_params(2, rpc_json_hex(hash, 32), json_object_new_boolean(false),
	    NULL), NULL, hash, out, err);
}

/* Fetches many blocks in one batch; see rpc_eth.h. */
enum cb_err
rpc_eth_get_blocks_by_number(struct rpc_client *c, const uint64_t *numbers,
    size_t n, struct rpc_block *blocks, enum cb_err *statuses,
    struct rpc_error *err)
{
	struct rpc_error scratch, entry_err;
	struct rpc_batch *b = NULL;
	json_object *params, *res;
	const char *bad;
	bool have_entry_err = false;
	size_t i;
	enum cb_err rc, st;

	RPC_ERR_OR_SCRATCH(err, scratch);
	for (i = 0; i < n; i++) {
		memset(&blocks[i], 0, sizeof(blocks[i]));
		statuses[i] = CB_ERR_INTERNAL;
	}
	if (n == 0 || n > rpc_client_opts(c)->max_batch) {
		rpc_error_setf(err, "batch of %zu blocks (1..%zu allowed)", n,
		    rpc_client_opts(c)->max_batch);
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if ((b = rpc_batch_new()) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		params = rpc_params(2, rpc_json_quantity(numbers[i]),
		    json_object_new_boolean(false), NULL);
		if (params == NULL) {
			rc = CB_ERR_NOMEM;
			goto out;
		}
		rc = rpc_batch_add(b, "eth_getBlockByNumber", params, NULL);
		json_object_put(params);
		if (rc != CB_OK)
			goto out;
	}
	if ((rc = rpc_batch_send(c, b, err)) != CB_OK)
		goto out;
	for (i = 0; i < n; i++) {
		st = rpc_batch_result(b, i, &res, &entry_err);
		if (st == CB_OK && res == NULL)
			st = CB_ERR_NOT_FOUND;
		if (st == CB_OK) {
			bad = NULL;
			st = rpc_block_parse(rpc_client_opts(c), res, false,
			    &blocks[i], &bad);
			if (st == CB_OK && blocks[i].number != numbers[i]) {
				rpc_block_clear(&blocks[i]);
				st = CB_ERR_INVALID;
			}
		}
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

/* eth_getLogs; see rpc_eth.h. */
enum cb_err
rpc_eth_get_logs(struct rpc_client *c, const struct rpc_log_filter *filter,
    struct rpc_log_list *out, struct rpc_error *err)
{
	static const char method[] = "eth_getLogs";
	struct rpc_error scratch;
	json_object *f = NULL, *list, *inner, *res = NULL;
	const char *bad = NULL;
	size_t i;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	out->logs = NULL;
	out->count = 0;
	if (filter->address_count > RPC_FILTER_MAX_ADDRESSES ||
	    filter->topic0_count > RPC_FILTER_MAX_TOPIC0) {
		rpc_error_setf(err, "filter has too many addresses or topics");
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (filter->block_hash == NULL && filter->from_block > filter->to_block) {
		rpc_error_setf(err, "filter range is reversed");
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = CB_ERR_NOMEM;
	if ((f = json_object_new_object()) == NULL)
		goto out;
	if (filter->block_hash != NULL) {
		if (!rpc_obj_add(f, "blockHash", rpc_json_hex(filter->block_hash,
		    32)))
			goto out;
	} else if (!rpc_obj_add(f, "fromBlock",
	    rpc_json_quantity(filter->from_block)) ||
	    !rpc_obj_add(f, "toBlock", rpc_json_quantity(filter->to_block)))
		goto out;
	if (filter->address_count > 0) {
		if ((list = json_object_new_array()) == NULL ||
		    !rpc_obj_add(f, "address", list))
			goto out;
		for (i = 0; i < filter->address_count; i++) {
			json_object *a = rpc_json_hex(filter->addresses[i], 20);

			if (a == NULL || json_object_array_add(list, a) != 0) {
				json_object_put(a);
				goto out;
			}
		}
	}
	if (filter->topic0_count > 0) {
		/* topics: [[t0a, t0b, ...]] means "topic 0 is any of". */
		if ((list = json_object_new_array()) == NULL ||
		    !rpc_obj_add(f, "topics", list))
			goto out;
		if ((inner = json_object_new_array()) == NULL ||
		    json_object_array_add(list, inner) != 0) {
			json_object_put(inner);
			goto out;
		}
		for (i = 0; i < filter->topic0_count; i++) {
			json_object *t = rpc_json_hex(filter->topic0[i], 32);

			if (t == NULL || json_object_array_add(inner, t) != 0) {
				json_object_put(t);
				goto out;
			}
		}
	}
	rc = rpc_run(c, method, rpc_params(1, f, NULL, NULL), false, &res, err);
	f = NULL;
	if (rc != CB_OK)
		goto out;
	rc = rpc_log_list_parse(rpc_client_opts(c), res, out, &bad);
	if (rc != CB_OK)
		rpc_bad_field(err, rc, method, bad);
out:
	json_object_put(f);
	json_object_put(res);
	return rc;
}

/* eth_getTransactionByHash; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transaction_by_hash(struct rpc_client *c, const uint8_t hash[32],
    struct rpc_tx *out, struct rpc_error *err)
{
	static const char method[] = "eth_getTransactionByHash";
	struct rpc_error scratch;
	json_object *res = NULL;
	const char *bad = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	rc = rpc_run(c, method, rpc_params(1, rpc_json_hex(hash, 32), NULL, NULL),
	    false, &res, err);
	if (rc != CB_OK)
		goto out;
	if ((rc = rpc_tx_parse(rpc_client_opts(c), res, out, &bad)) != CB_OK) {
		rpc_bad_field(err, rc, method, bad);
		goto out;
	}
	if (memcmp(out->hash, hash, 32) != 0) {
		rpc_tx_clear(out);
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "hash");
	}
out:
	json_object_put(res);
	return rc;
}

/* eth_getTransactionReceipt; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transaction_receipt(struct rpc_client *c, const uint8_t hash[32],
    struct rpc_receipt *out, struct rpc_error *err)
{
	static const char method[] = "eth_getTransactionReceipt";
	struct rpc_error scratch;
	json_object *res = NULL;
	const char *bad = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	rc = rpc_run(c, method, rpc_params(1, rpc_json_hex(hash, 32), NULL, NULL),
	    false, &res, err);
	if (rc != CB_OK)
		goto out;
	if ((rc = rpc_receipt_parse(rpc_client_opts(c), res, out, &bad)) != CB_OK) {
		rpc_bad_field(err, rc, method, bad);
		goto out;
	}
	if (memcmp(out->tx_hash, hash, 32) != 0) {
		rpc_receipt_clear(out);
		rc = rpc_bad_field(err, CB_ERR_INVALID, method,
		    "transactionHash");
	}
out:
	json_object_put(res);
	return rc;
}

/* eth_getTransactionCount; see rpc_eth.h. */
enum cb_err
rpc_eth_get_transaction_count(struct rpc_client *c, const uint8_t address[20],
    struct rpc_block_ref ref, uint64_t *nonce, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	if (rpc_ref_check(ref, err) != CB_OK)
		return CB_ERR_INVALID;
	return rpc_quantity_u64_call(c, "eth_getTransactionCount",
	    rpc_params(2, rpc_json_hex(address, 20), rpc_json_block_ref(ref),
	    NULL), nonce, err);
}

/* eth_getBalance; see rpc_eth.h. */
enum cb_err
rpc_eth_get_balance(struct rpc_client *c, const uint8_t address[20],
    struct rpc_block_ref ref, u256 *balance, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	if (rpc_ref_check(ref, err) != CB_OK)
		return CB_ERR_INVALID;
	return rpc_quantity_u256_call(c, "eth_getBalance",
	    rpc_params(2, rpc_json_hex(address, 20), rpc_json_block_ref(ref),
	    NULL), balance, err);
}

/* eth_estimateGas; see rpc_eth.h. */
enum cb_err
rpc_eth_estimate_gas(struct rpc_client *c, const struct rpc_call_msg *msg,
    uint64_t *gas, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u64_call(c, "eth_estimateGas",
	    rpc_params(1, rpc_json_call_msg(msg), NULL, NULL), gas, err);
}

/* eth_call; see rpc_eth.h. */
enum cb_err
rpc_eth_call(struct rpc_client *c, const struct rpc_call_msg *msg,
    struct rpc_block_ref ref, uint8_t **out, size_t *out_len,
    struct rpc_error *err)
{
	static const char method[] = "eth_call";
	struct rpc_error scratch;
	json_object *res = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	*out = NULL;
	*out_len = 0;
	if ((rc = rpc_ref_check(ref, err)) != CB_OK)
		goto out;
	rc = rpc_run(c, method, rpc_params(2, rpc_json_call_msg(msg),
	    rpc_json_block_ref(ref), NULL), false, &res, err);
	if (rc != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string)) {
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
		goto out;
	}
	rc = rpc_parse_data(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), rpc_client_opts(c)->max_data_bytes,
	    out, out_len);
	if (rc != CB_OK)
		rpc_bad_field(err, rc, method, "result");
out:
	json_object_put(res);
	return rc;
}

/* eth_feeHistory; see rpc_eth.h. */
enum cb_err
rpc_eth_fee_history(struct rpc_client *c, uint64_t block_count,
    struct rpc_block_ref newest, const uint8_t *percentiles,
    size_t n_percentiles, struct rpc_fee_history *out, struct rpc_error *err)
{
	static const char method[] = "eth_feeHistory";
	struct rpc_error scratch;
	json_object *pct = NULL, *res = NULL, *v;
	const char *bad = NULL;
	size_t i;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	memset(out, 0, sizeof(*out));
	if (block_count == 0 || block_count > RPC_FEE_HISTORY_MAX_BLOCKS ||
	    n_percentiles > RPC_FEE_HISTORY_MAX_PERCENTILES) {
		rpc_error_setf(err, "fee history of %" PRIu64 " blocks, %zu "
		    "percentiles", block_count, n_percentiles);
		rc = CB_ERR_RANGE;
		goto out;
	}
	if ((rc = rpc_ref_check(newest, err)) != CB_OK)
		goto out;
	for (i = 0; i < n_percentiles; i++)
		if (percentiles[i] > 100 ||
		    (i > 0 && percentiles[i] < percentiles[i - 1])) {
			rpc_error_setf(err, "percentiles must be ascending 0..100");
			rc = CB_ERR_INVALID;
			goto out;
		}
	if ((pct = json_object_new_array()) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n_percentiles; i++) {
		v = json_object_new_int(percentiles[i]);
		if (v == NULL || json_object_array_add(pct, v) != 0) {
			json_object_put(v);
			rc = CB_ERR_NOMEM;
			goto out;
		}
	}
	rc = rpc_run(c, method, rpc_params(3, rpc_json_quantity(block_count),
	    rpc_json_block_ref(newest), pct), false, &res, err);
	pct = NULL;
	if (rc != CB_OK)
		goto out;
	rc = rpc_fee_history_parse(res, block_count, n_percentiles, out,
	    &bad);
	if (rc != CB_OK)
		rpc_bad_field(err, rc, method, bad);
out:
	json_object_put(pct);
	json_object_put(res);
	return rc;
}

/* eth_maxPriorityFeePerGas; see rpc_eth.h. */
enum cb_err
rpc_eth_max_priority_fee_per_gas(struct rpc_client *c, u256 *fee,
    struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u256_call(c, "eth_maxPriorityFeePerGas",
	    rpc_params(0, NULL, NULL, NULL), fee, err);
}

/* eth_gasPrice; see rpc_eth.h. */
enum cb_err
rpc_eth_gas_price(struct rpc_client *c, u256 *price, struct rpc_error *err)
{
	struct rpc_error scratch;

	RPC_ERR_OR_SCRATCH(err, scratch);
	return rpc_quantity_u256_call(c, "eth_gasPrice",
	    rpc_params(0, NULL, NULL, NULL), price, err);
}

/* eth_sendRawTransaction; see rpc_eth.h. */
enum cb_err
rpc_eth_send_raw_transaction(struct rpc_client *c, const uint8_t *raw,
    size_t len, uint8_t hash[32], struct rpc_error *err)
{
	static const char method[] = "eth_sendRawTransaction";
	struct rpc_error scratch;
	json_object *res = NULL;
	enum cb_err rc;

	RPC_ERR_OR_SCRATCH(err, scratch);
	if (len == 0) {
		rpc_error_setf(err, "empty raw transaction");
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = rpc_run(c, method, rpc_params(1, rpc_json_hex(raw, len), NULL, NULL),
	    false, &res, err);
	if (rc != CB_OK)
		goto out;
	if (!json_object_is_type(res, json_type_string) ||
	    rpc_parse_fixed(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), hash, 32) != CB_OK)
		rc = rpc_bad_field(err, CB_ERR_INVALID, method, "result");
out:
	json_object_put(res);
	return rc;
}
