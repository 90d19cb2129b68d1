/*
 * rpc_parse.c - strict parsers of a node's answers.
 *
 * Layout: value parsers (QUANTITY, DATA), field readers, clear functions,
 * object parsers, the public entry points.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "eth/rpc_parse.h"
#include "eth/rpc_transport.h"	/* struct rpc_opts and its defaults */

/* ---- strict value parsers --------------------------------------------- */

/* Parses a QUANTITY into 256 bits; see rpc_parse.h. */
enum cb_err
rpc_parse_quantity_u256(const char *s, size_t len, u256 *out)
{
	switch (u256_from_hex_quantity(out, s, len)) {
	case 0:
		return CB_OK;
	case -2:
		return CB_ERR_RANGE;
	default:
		return CB_ERR_INVALID;
	}
}

/* Parses a QUANTITY into 64 bits; see rpc_parse.h. */
enum cb_err
rpc_parse_quantity_u64(const char *s, size_t len, uint64_t *out)
{
	u256 v;
	uint64_t small;
	enum cb_err rc;

	if ((rc = rpc_parse_quantity_u256(s, len, &v)) != CB_OK)
		return rc;
	if (!u256_to_u64(&v, &small))
		return CB_ERR_RANGE;
	*out = small;
	return CB_OK;
}

/* Checks the "0x" prefix and even digit count of DATA; returns the byte
 * count in *n. */
static enum cb_err
rpc_data_shape(const char *s, size_t len, size_t *n)
{
	if (len < 2 || s[0] != '0' || s[1] != 'x' || (len - 2) % 2 != 0)
		return CB_ERR_INVALID;
	*n = (len - 2) / 2;
	return CB_OK;
}

/* Parses DATA into a malloc'd copy; see rpc_parse.h. */
enum cb_err
rpc_parse_data(const char *s, size_t len, size_t max_bytes, uint8_t **out,
    size_t *out_len)
{
	uint8_t *bytes = NULL;
	size_t n, got;
	enum cb_err rc;

	if ((rc = rpc_data_shape(s, len, &n)) != CB_OK)
		goto out;
	if (n > max_bytes) {
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (n > 0 && (bytes = malloc(n)) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if (hex_decode(bytes, n, s + 2, len - 2, &got) != 0 || got != n) {
		rc = CB_ERR_INVALID;
		goto out;
	}
	*out = bytes;
	*out_len = n;
	bytes = NULL;
	rc = CB_OK;
out:
	free(bytes);
	return rc;
}

/* Parses DATA of exactly n bytes; see rpc_parse.h. */
enum cb_err
rpc_parse_fixed(const char *s, size_t len, uint8_t *out, size_t n)
{
	uint8_t tmp[256];
	size_t got;

	if (n > sizeof(tmp) || rpc_data_shape(s, len, &got) != CB_OK ||
	    got != n || hex_decode_exact(tmp, n, s + 2, len - 2) != 0)
		return CB_ERR_INVALID;
	memcpy(out, tmp, n);
	return CB_OK;
}

/* ---- fields of result objects ----------------------------------------- */

/*
 * Each field reader takes the object, the member name, and bad: on failure
 * *bad names the member so the caller can say which one was wrong.
 * Optional readers treat an absent member and JSON null alike.
 */

/* Gets a string member: CB_OK, CB_ERR_NOT_FOUND (absent or null) or
 * CB_ERR_INVALID (another type). */
static enum cb_err
rpc_member_str(json_object *obj, const char *key, const char **s, size_t *len)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return CB_ERR_NOT_FOUND;
	if (!json_object_is_type(v, json_type_string))
		return CB_ERR_INVALID;
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return CB_OK;
}

static enum cb_err
rpc_field_u64_opt(json_object *obj, const char *key, bool *has,
    uint64_t *out, const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	*has = false;
	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_ERR_NOT_FOUND)
		return CB_OK;
	if (rc == CB_OK)
		rc = rpc_parse_quantity_u64(s, len, out);
	if (rc != CB_OK) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	*has = true;
	return CB_OK;
}

static enum cb_err
rpc_field_u64(json_object *obj, const char *key, uint64_t *out,
    const char **bad)
{
	bool has;
	enum cb_err rc;

	if ((rc = rpc_field_u64_opt(obj, key, &has, out, bad)) != CB_OK)
		return rc;
	if (!has) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_field_u256_opt(json_object *obj, const char *key, bool *has, u256 *out,
    const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	*has = false;
	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_ERR_NOT_FOUND)
		return CB_OK;
	if (rc == CB_OK)
		rc = rpc_parse_quantity_u256(s, len, out);
	if (rc != CB_OK) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	*has = true;
	return CB_OK;
}

static enum cb_err
rpc_field_u256(json_object *obj, const char *key, u256 *out, const char **bad)
{
	bool has;
	enum cb_err rc;

	if ((rc = rpc_field_u256_opt(obj, key, &has, out, bad)) != CB_OK)
		return rc;
	if (!has) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_field_fixed_opt(json_object *obj, const char *key, bool *has,
    uint8_t *out, size_t n, const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	*has = false;
	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_ERR_NOT_FOUND)
		return CB_OK;
	if (rc == CB_OK)
		rc = rpc_parse_fixed(s, len, out, n);
	if (rc != CB_OK) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	*has = true;
	return CB_OK;
}

static enum cb_err
rpc_field_fixed(json_object *obj, const char *key, uint8_t *out, size_t n,
    const char **bad)
{
	bool has;
	enum cb_err rc;

	if ((rc = rpc_field_fixed_opt(obj, key, &has, out, n, bad)) != CB_OK)
		return rc;
	if (!has) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

/* The project's types over the fixed-size readers. */
static enum cb_err
rpc_field_hash(json_object *obj, const char *key, struct hash32 *out,
    const char **bad)
{
	return rpc_field_fixed(obj, key, out->bytes, HASH32_LEN, bad);
}

static enum cb_err
rpc_field_hash_opt(json_object *obj, const char *key, bool *has,
    struct hash32 *out, const char **bad)
{
	return rpc_field_fixed_opt(obj, key, has, out->bytes, HASH32_LEN, bad);
}

static enum cb_err
rpc_field_address(json_object *obj, const char *key, struct address *out,
    const char **bad)
{
	return rpc_field_fixed(obj, key, out->bytes, ADDRESS_LEN, bad);
}

static enum cb_err
rpc_field_address_opt(json_object *obj, const char *key, bool *has,
    struct address *out, const char **bad)
{
	return rpc_field_fixed_opt(obj, key, has, out->bytes, ADDRESS_LEN, bad);
}

/* Reads a JSON string that must be a 32-byte hash. */
static enum cb_err
rpc_json_hash(json_object *v, struct hash32 *out)
{
	if (!json_object_is_type(v, json_type_string))
		return CB_ERR_INVALID;
	return rpc_parse_fixed(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), out->bytes, HASH32_LEN);
}

static enum cb_err
rpc_field_data(json_object *obj, const char *key, size_t max, uint8_t **out,
    size_t *out_len, const char **bad)
{
	const char *s;
	size_t len;
	enum cb_err rc;

	rc = rpc_member_str(obj, key, &s, &len);
	if (rc == CB_OK)
		rc = rpc_parse_data(s, len, max, out, out_len);
	if (rc == CB_ERR_NOT_FOUND)
		rc = CB_ERR_INVALID;
	if (rc != CB_OK)
		*bad = key;
	return rc;
}

/* Gets an array member (required). */
static enum cb_err
rpc_field_array(json_object *obj, const char *key, json_object **arr,
    const char **bad)
{
	if (!json_object_object_get_ex(obj, key, arr) ||
	    !json_object_is_type(*arr, json_type_array)) {
		*bad = key;
		return CB_ERR_INVALID;
	}
	return CB_OK;
}

/* ---- result objects --------------------------------------------------- */

/* Frees a block's heap members; see rpc_parse.h. */
void
rpc_block_clear(struct rpc_block *b)
{
	if (b == NULL)
		return;
	free(b->tx_hashes);
	memset(b, 0, sizeof(*b));
}

/* Frees a log's heap members; see rpc_parse.h. */
void
rpc_log_clear(struct rpc_log *l)
{
	if (l == NULL)
		return;
	free(l->data);
	memset(l, 0, sizeof(*l));
}

static void
rpc_logs_free(struct rpc_log *logs, size_t n)
{
	size_t i;

	if (logs == NULL)
		return;
	for (i = 0; i < n; i++)
		rpc_log_clear(&logs[i]);
	free(logs);
}

/* Frees a log list's heap members; see rpc_parse.h. */
void
rpc_log_list_clear(struct rpc_log_list *list)
{
	if (list == NULL)
		return;
	rpc_logs_free(list->logs, list->count);
	list->logs = NULL;
	list->count = 0;
}

/* Frees a transaction's heap members; see rpc_parse.h. */
void
rpc_tx_clear(struct rpc_tx *tx)
{
	if (tx == NULL)
		return;
	free(tx->input);
	memset(tx, 0, sizeof(*tx));
}

/* Frees a receipt's heap members; see rpc_parse.h. */
void
rpc_receipt_clear(struct rpc_receipt *r)
{
	if (r == NULL)
		return;
	rpc_logs_free(r->logs, r->log_count);
	memset(r, 0, sizeof(*r));
}

/* Frees a fee history's heap members; see rpc_parse.h. */
void
rpc_fee_history_clear(struct rpc_fee_history *fh)
{
	if (fh == NULL)
		return;
	free(fh->base_fee_per_gas);
	free(fh->reward);
	memset(fh, 0, sizeof(*fh));
}

/* Returns one reward entry; see rpc_parse.h. */
const u256 *
rpc_fee_history_reward(const struct rpc_fee_history *fh, size_t block,
    size_t percentile)
{
	return &fh->reward[block * fh->percentile_count + percentile];
}

static enum cb_err
rpc_block_parse_in(json_object *obj, bool allow_pending, struct rpc_block *out,
    const char **bad)
{
	json_object *txs, *item;
	size_t i, n;
	bool has_hash, has_number;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_u64_opt(obj, "number", &has_number, &out->number,
	    bad)) != CB_OK ||
	    (rc = rpc_field_hash_opt(obj, "hash", &has_hash, &out->hash,
	    bad)) != CB_OK)
		goto out;
	if (!has_hash || !has_number) {
		if (!allow_pending) {
			*bad = has_hash ? "number" : "hash";
			rc = CB_ERR_INVALID;
			goto out;
		}
		out->pending = true;
	}
	if ((rc = rpc_field_hash(obj, "parentHash", &out->parent_hash,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "timestamp", &out->timestamp, bad)) != CB_OK ||
	    (rc = rpc_field_fixed(obj, "logsBloom", out->logs_bloom, 256,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "baseFeePerGas", &out->has_base_fee,
	    &out->base_fee_per_gas, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gasUsed", &out->gas_used, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gasLimit", &out->gas_limit, bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "transactions", &txs, bad)) != CB_OK)
		goto out;
	n = json_object_array_length(txs);
	if (n > RPC_MAX_BLOCK_TXS) {
		*bad = "transactions";
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (n > 0 && (out->tx_hashes = calloc(n,
	    sizeof(*out->tx_hashes))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(txs, i);
		/* Only hashes are requested; full objects are refused. */
		if (rpc_json_hash(item, &out->tx_hashes[i]) != CB_OK) {
			*bad = "transactions";
			rc = CB_ERR_INVALID;
			goto out;
		}
	}
	out->tx_count = n;
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_block_clear(out);
	return rc;
}

static enum cb_err
rpc_log_parse_in(const struct rpc_opts *caps, json_object *obj,
    struct rpc_log *out, const char **bad)
{
	json_object *topics, *item, *v;
	size_t i, n;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "log";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_address(obj, "address", &out->address,
	    bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "topics", &topics, bad)) != CB_OK)
		goto out;
	n = json_object_array_length(topics);
	if (n > RPC_LOG_MAX_TOPICS) {
		*bad = "topics";
		rc = CB_ERR_INVALID;
		goto out;
	}
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(topics, i);
		if (rpc_json_hash(item, &out->topics[i]) != CB_OK) {
			*bad = "topics";
			rc = CB_ERR_INVALID;
			goto out;
		}
	}
	out->topic_count = n;
	if ((rc = rpc_field_data(obj, "data", caps->max_data_bytes,
	    &out->data, &out->data_len, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "blockNumber", &out->block_number,
	    bad)) != CB_OK ||
	    (rc = rpc_field_hash(obj, "blockHash", &out->block_hash,
	    bad)) != CB_OK ||
	    (rc = rpc_field_hash(obj, "transactionHash", &out->tx_hash,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "transactionIndex", &out->tx_index,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "logIndex", &out->log_index, bad)) != CB_OK)
		goto out;
	if (json_object_object_get_ex(obj, "removed", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_boolean)) {
			*bad = "removed";
			rc = CB_ERR_INVALID;
			goto out;
		}
		out->removed = json_object_get_boolean(v);
	}
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_log_clear(out);
	return rc;
}

/* Parses an array of logs, at most the client's max_logs. */
static enum cb_err
rpc_logs_parse_in(const struct rpc_opts *caps, json_object *arr,
    struct rpc_log **out, size_t *count, const char **bad)
{
	struct rpc_log *logs = NULL;
	size_t i, n;
	enum cb_err rc;

	*out = NULL;
	*count = 0;
	n = json_object_array_length(arr);
	if (n > caps->max_logs) {
		*bad = "logs";
		rc = CB_ERR_TOO_LARGE;
		goto out;
	}
	if (n > 0 && (logs = calloc(n, sizeof(*logs))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = rpc_log_parse_in(caps, json_object_array_get_idx(arr, i),
		    &logs[i], bad)) != CB_OK)
			goto out;
	*out = logs;
	*count = n;
	logs = NULL;
	rc = CB_OK;
out:
	/* Entries not reached are zeroed by calloc, so clearing all is safe. */
	rpc_logs_free(logs, n);
	return rc;
}

static enum cb_err
rpc_tx_parse_in(const struct rpc_opts *caps, json_object *obj,
    struct rpc_tx *out, const char **bad)
{
	bool has_type, has_prio, has_bn, has_bh, has_ti;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_hash(obj, "hash", &out->hash, bad)) != CB_OK ||
	    (rc = rpc_field_address(obj, "from", &out->from, bad)) != CB_OK ||
	    (rc = rpc_field_address_opt(obj, "to", &out->has_to, &out->to,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "nonce", &out->nonce, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "type", &has_type, &out->type,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u256(obj, "value", &out->value, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gas", &out->gas, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "gasPrice", &out->has_gas_price,
	    &out->gas_price, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "maxFeePerGas", &out->has_max_fee,
	    &out->max_fee_per_gas, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "maxPriorityFeePerGas", &has_prio,
	    &out->max_priority_fee_per_gas, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "chainId", &out->has_chain_id,
	    &out->chain_id, bad)) != CB_OK ||
	    (rc = rpc_field_data(obj, "input", caps->max_data_bytes,
	    &out->input, &out->input_len, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "blockNumber", &has_bn,
	    &out->block_number, bad)) != CB_OK ||
	    (rc = rpc_field_hash_opt(obj, "blockHash", &has_bh,
	    &out->block_hash, bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "transactionIndex", &has_ti,
	    &out->tx_index, bad)) != CB_OK)
		goto out;
	if (out->has_max_fee != has_prio) {
		*bad = "maxPriorityFeePerGas";
		rc = CB_ERR_INVALID;
		goto out;
	}
	/* Mined means all three block fields; pending means none. */
	if (has_bn != has_bh || has_bn != has_ti) {
		*bad = "blockHash";
		rc = CB_ERR_INVALID;
		goto out;
	}
	out->mined = has_bn;
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_tx_clear(out);
	return rc;
}

static enum cb_err
rpc_receipt_parse_in(const struct rpc_opts *caps, json_object *obj,
    struct rpc_receipt *out, const char **bad)
{
	json_object *logs;
	enum cb_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_hash(obj, "transactionHash", &out->tx_hash,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "transactionIndex", &out->tx_index,
	    bad)) != CB_OK ||
	    (rc = rpc_field_hash(obj, "blockHash", &out->block_hash,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "blockNumber", &out->block_number,
	    bad)) != CB_OK ||
	    (rc = rpc_field_address(obj, "from", &out->from, bad)) != CB_OK ||
	    (rc = rpc_field_address_opt(obj, "to", &out->has_to, &out->to,
	    bad)) != CB_OK ||
	    (rc = rpc_field_u64_opt(obj, "status", &out->has_status,
	    &out->status, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "gasUsed", &out->gas_used, bad)) != CB_OK ||
	    (rc = rpc_field_u64(obj, "cumulativeGasUsed",
	    &out->cumulative_gas_used, bad)) != CB_OK ||
	    (rc = rpc_field_u256_opt(obj, "effectiveGasPrice",
	    &out->has_effective_gas_price, &out->effective_gas_price,
	    bad)) != CB_OK ||
	    (rc = rpc_field_address_opt(obj, "contractAddress",
	    &out->has_contract_address, &out->contract_address, bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "logs", &logs, bad)) != CB_OK)
		goto out;
	if (out->has_status && out->status > 1) {
		*bad = "status";
		rc = CB_ERR_INVALID;
		goto out;
	}
	rc = rpc_logs_parse_in(caps, logs, &out->logs, &out->log_count, bad);
out:
	if (rc != CB_OK)
		rpc_receipt_clear(out);
	return rc;
}

/* Parses one array of QUANTITY strings into u256 values (dst has n). */
static enum cb_err
rpc_u256_array(json_object *arr, u256 *dst, size_t n)
{
	json_object *item;
	size_t i;

	if (json_object_array_length(arr) != n)
		return CB_ERR_INVALID;
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(item, json_type_string) ||
		    rpc_parse_quantity_u256(json_object_get_string(item),
		    (size_t)json_object_get_string_len(item), &dst[i]) != CB_OK)
			return CB_ERR_INVALID;
	}
	return CB_OK;
}

static enum cb_err
rpc_fee_history_parse_in(json_object *obj, uint64_t asked,
    size_t n_percentiles, struct rpc_fee_history *out, const char **bad)
{
	json_object *base, *ratio, *reward = NULL;
	size_t i, blocks, nbase;
	enum cb_err rc;

	if (!json_object_is_type(obj, json_type_object)) {
		*bad = "result";
		rc = CB_ERR_INVALID;
		goto out;
	}
	if ((rc = rpc_field_u64(obj, "oldestBlock", &out->oldest_block,
	    bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "baseFeePerGas", &base, bad)) != CB_OK ||
	    (rc = rpc_field_array(obj, "gasUsedRatio", &ratio, bad)) != CB_OK)
		goto out;
	rc = CB_ERR_INVALID;
	blocks = json_object_array_length(ratio);
	nbase = json_object_array_length(base);
	if (blocks > asked) {
		*bad = "gasUsedRatio";
		goto out;
	}
	/* Nodes add the next block's base fee after the range. */
	if (nbase != blocks && nbase != blocks + 1) {
		*bad = "baseFeePerGas";
		goto out;
	}
	if (n_percentiles > 0 && blocks > 0) {
		if (!json_object_object_get_ex(obj, "reward", &reward) ||
		    !json_object_is_type(reward, json_type_array) ||
		    json_object_array_length(reward) != blocks) {
			*bad = "reward";
			goto out;
		}
	}
	rc = CB_ERR_NOMEM;
	if (nbase > 0 &&
	    (out->base_fee_per_gas = calloc(nbase, sizeof(u256))) == NULL)
		goto out;
	if (reward != NULL &&
	    (out->reward = calloc(blocks * n_percentiles, sizeof(u256))) == NULL)
		goto out;
	rc = CB_ERR_INVALID;
	if (rpc_u256_array(base, out->base_fee_per_gas, nbase) != CB_OK) {
		*bad = "baseFeePerGas";
		goto out;
	}
	for (i = 0; reward != NULL && i < blocks; i++) {
		json_object *row = json_object_array_get_idx(reward, i);

		if (!json_object_is_type(row, json_type_array) ||
		    rpc_u256_array(row, &out->reward[i * n_percentiles],
		    n_percentiles) != CB_OK) {
			*bad = "reward";
			goto out;
		}
	}
	out->block_count = blocks;
	out->base_fee_count = nbase;
	out->percentile_count = reward != NULL ? n_percentiles : 0;
	rc = CB_OK;
out:
	if (rc != CB_OK)
		rpc_fee_history_clear(out);
	return rc;
}

/* The public parsers allow NULL caps (the defaults) and a NULL
 * bad_field; the readers above want both. */
#define RPC_PARSE_ARGS(caps, bad, defaults, scratch) do {		\
	if ((caps) == NULL) {						\
		rpc_opts_init(&(defaults));				\
		(caps) = &(defaults);					\
	}								\
	if ((bad) == NULL)						\
		(bad) = &(scratch);					\
} while (0)

/* Parses a block object; see rpc_parse.h. */
enum cb_err
rpc_block_parse(const struct rpc_opts *caps, json_object *obj,
    bool allow_pending, struct rpc_block *out, const char **bad_field)
{
	const char *scratch = NULL;

	/* No cap of the options applies to a block (its list of hashes has
	 * the fixed RPC_MAX_BLOCK_TXS); caps keeps one signature for all. */
	(void)caps;
	if (bad_field == NULL)
		bad_field = &scratch;
	return rpc_block_parse_in(obj, allow_pending, out, bad_field);
}

/* Parses a log object; see rpc_parse.h. */
enum cb_err
rpc_log_parse(const struct rpc_opts *caps, json_object *obj,
    struct rpc_log *out, const char **bad_field)
{
	struct rpc_opts defaults;
	const char *scratch = NULL;

	RPC_PARSE_ARGS(caps, bad_field, defaults, scratch);
	return rpc_log_parse_in(caps, obj, out, bad_field);
}

/* Parses an array of logs; see rpc_parse.h. */
enum cb_err
rpc_log_list_parse(const struct rpc_opts *caps, json_object *arr,
    struct rpc_log_list *out, const char **bad_field)
{
	struct rpc_opts defaults;
	const char *scratch = NULL;

	RPC_PARSE_ARGS(caps, bad_field, defaults, scratch);
	out->logs = NULL;
	out->count = 0;
	if (!json_object_is_type(arr, json_type_array)) {
		*bad_field = "result";
		return CB_ERR_INVALID;
	}
	return rpc_logs_parse_in(caps, arr, &out->logs, &out->count, bad_field);
}

/* Parses a transaction object; see rpc_parse.h. */
enum cb_err
rpc_tx_parse(const struct rpc_opts *caps, json_object *obj,
    struct rpc_tx *out, const char **bad_field)
{
	struct rpc_opts defaults;
	const char *scratch = NULL;

	RPC_PARSE_ARGS(caps, bad_field, defaults, scratch);
	return rpc_tx_parse_in(caps, obj, out, bad_field);
}

/* Parses a receipt object; see rpc_parse.h. */
enum cb_err
rpc_receipt_parse(const struct rpc_opts *caps, json_object *obj,
    struct rpc_receipt *out, const char **bad_field)
{
	struct rpc_opts defaults;
	const char *scratch = NULL;

	RPC_PARSE_ARGS(caps, bad_field, defaults, scratch);
	return rpc_receipt_parse_in(caps, obj, out, bad_field);
}

/* Parses an eth_feeHistory answer; see rpc_parse.h. */
enum cb_err
rpc_fee_history_parse(json_object *obj, uint64_t asked_blocks,
    size_t n_percentiles, struct rpc_fee_history *out, const char **bad_field)
{
	const char *scratch = NULL;

	if (bad_field == NULL)
		bad_field = &scratch;
	memset(out, 0, sizeof(*out));
	return rpc_fee_history_parse_in(obj, asked_blocks, n_percentiles, out,
	    bad_field);
}
