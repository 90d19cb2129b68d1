/*
 * chainrpc.c - per-worker JSON-RPC clients and the node calls of the API
 * (chainrpc.h).  The only file of src/api/ that uses src/lib/eth/rpc.h.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrpc.h"
#include "core/conf.h"
#include "core/log.h"
#include "eth/abi.h"
#include "eth/rpc.h"

struct chainrpc {
	uint64_t		 chain_id;
	struct rpc_client	*client;
};

/* A worker is one single-threaded process: its clients are its own. */
static struct chainrpc chainrpc_clients[CONFIG_MAX_CHAINS];
static size_t chainrpc_count;

enum cb_err
chainrpc_get(const struct config *cfg, uint64_t chain_id, struct chainrpc **out)
{
	const struct chain_config *cc = NULL;
	struct rpc_opts o;
	enum cb_err rc;
	size_t i;

	for (i = 0; i < chainrpc_count; i++) {
		if (chainrpc_clients[i].chain_id == chain_id) {
			*out = &chainrpc_clients[i];
			return CB_OK;
		}
	}
	for (i = 0; i < cfg->nchains; i++)
		if (cfg->chains[i].chain_id == chain_id)
			cc = &cfg->chains[i];
	if (cc == NULL)
		return CB_ERR_NOT_FOUND;
	if (chainrpc_count == CONFIG_MAX_CHAINS)
		return CB_ERR_INTERNAL;
	if ((rc = rpc_global_init()) != CB_OK)
		return rc;
	rpc_opts_init(&o);
	o.timeout_ms = cc->rpc_timeout_ms;
	o.connect_timeout_ms = cc->rpc_timeout_ms < CHAINRPC_CONNECT_TIMEOUT_MS ?
	    (long)cc->rpc_timeout_ms : CHAINRPC_CONNECT_TIMEOUT_MS;
	/* One attempt: a client of the API retries itself, a worker is not
	 * held for several timeouts. */
	o.max_retries = 0;
	o.max_response_bytes = CHAINRPC_MAX_RESPONSE_BYTES;
	o.max_data_bytes = CHAINRPC_MAX_DATA_BYTES;
	o.max_logs = CHAINRPC_MAX_LOGS;
	if ((chainrpc_clients[chainrpc_count].client = rpc_client_new(cc->rpc_url, &o)) == NULL)
		return CB_ERR_NOMEM;
	chainrpc_clients[chainrpc_count].chain_id = chain_id;
	*out = &chainrpc_clients[chainrpc_count++];
	return CB_OK;
}

uint64_t
chainrpc_chain_id(const struct chainrpc *c)
{
	return c->chain_id;
}

void
chainrpc_cleanup(void)
{
	size_t i;

	for (i = 0; i < chainrpc_count; i++)
		rpc_client_free(chainrpc_clients[i].client);
	chainrpc_count = 0;
}

/* Copies what the caller needs of a struct rpc_error. */
static void
chainrpc_error_from(enum cb_err rc, const struct rpc_error *e, struct chainrpc_error *err)
{
	size_t n;

	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	if (rc != CB_ERR_RPC)
		return;
	err->answered = true;
	err->reverted = e->errclass == RPC_ERRCLASS_REVERTED;
	err->code = e->code;
	n = strnlen(e->message, sizeof(err->message) - 1);
	memcpy(err->message, e->message, n);
	err->message[n] = '\0';
	if (e->has_data && !e->data_truncated && strlen(e->data) < sizeof(err->data)) {
		err->has_data = true;
		memcpy(err->data, e->data, strlen(e->data) + 1);
	}
}

enum cb_err
chainrpc_head(struct chainrpc *c, uint64_t *head, struct chainrpc_error *err)
{
	struct rpc_error e;
	enum cb_err rc;

	rpc_error_clear(&e);
	rc = rpc_eth_block_number(c->client, head, &e);
	chainrpc_error_from(rc, &e, err);
	return rc;
}

void
chain_receipt_clear(struct chain_receipt *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->log_count; i++)
		free(r->logs[i].data);
	free(r->logs);
	memset(r, 0, sizeof(*r));
}

enum cb_err
chainrpc_receipt(struct chainrpc *c, const uint8_t hash[32], struct chain_receipt *out,
    struct chainrpc_error *err)
{
	struct rpc_receipt rr;
	struct rpc_error e;
	struct hash32 h;
	enum cb_err rc;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&rr, 0, sizeof(rr));
	rpc_error_clear(&e);
	memcpy(h.bytes, hash, sizeof(h.bytes));
	rc = rpc_eth_get_transaction_receipt(c->client, &h, &rr, &e);
	chainrpc_error_from(rc, &e, err);
	if (rc != CB_OK)
		return rc;
	out->has_status = rr.has_status;
	out->status = rr.status;
	out->block_number = rr.block_number;
	if (rr.log_count > 0 &&
	    (out->logs = calloc(rr.log_count, sizeof(out->logs[0]))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < rr.log_count; i++) {
		const struct rpc_log *l = &rr.logs[i];
		struct chain_log *cl = &out->logs[i];

		size_t t;

		cl->address = l->address;
		cl->topic_count = l->topic_count <= 4 ? l->topic_count : 4;
		for (t = 0; t < cl->topic_count; t++)
			memcpy(cl->topics[t], l->topics[t].bytes, sizeof(cl->topics[t]));
		cl->log_index = l->log_index;
		if (l->data_len > 0) {
			if ((cl->data = malloc(l->data_len)) == NULL) {
				rc = CB_ERR_NOMEM;
				goto out;
			}
			memcpy(cl->data, l->data, l->data_len);
			cl->data_len = l->data_len;
		}
		out->log_count = i + 1;
	}
out:
	rpc_receipt_clear(&rr);
	if (rc != CB_OK)
		chain_receipt_clear(out);
	return rc;
}

enum cb_err
chainrpc_call(struct chainrpc *c, const struct address *to, const uint8_t *data,
    size_t len, uint64_t block, uint8_t **out, size_t *out_len, struct chainrpc_error *err)
{
	struct rpc_block_ref ref = { .tag = RPC_BLOCK_NUMBER, .number = block };
	struct rpc_call_msg msg;
	struct rpc_error e;
	enum cb_err rc;

	memset(&msg, 0, sizeof(msg));
	msg.to = to;
	msg.data = data;
	msg.data_len = len;
	rpc_error_clear(&e);
	*out = NULL;
	*out_len = 0;
	rc = rpc_eth_call(c->client, &msg, ref, out, out_len, &e);
	chainrpc_error_from(rc, &e, err);
	return rc;
}

enum cb_err
chainrpc_call_uint(struct chainrpc *c, const struct address *to, const char *signature,
    const struct address *arg, uint64_t block, u256 *out, struct chainrpc_error *err)
{
	uint8_t selector[ABI_SELECTOR_LEN], *calldata = NULL, *ret = NULL;
	size_t calldata_len = 0, ret_len = 0;
	struct abi_enc enc;
	enum cb_err rc;

	abi_selector(signature, selector);
	abi_enc_init(&enc, selector, 256);
	if (arg != NULL)
		abi_enc_address(&enc, arg);
	if ((rc = abi_enc_finish(&enc, &calldata, &calldata_len)) != CB_OK)
		return rc;
	rc = chainrpc_call(c, to, calldata, calldata_len, block, &ret, &ret_len, err);
	if (rc == CB_OK && (ret_len != ABI_WORD_LEN ||
	    abi_dec_uint256(ret, ret_len, 0, out) != CB_OK))
		rc = CB_ERR_INVALID;
	free(calldata);
	free(ret);
	return rc;
}

int
chainrpc_error_reply(struct resp *resp, const char *event, const struct chainrpc *c,
    enum cb_err rc, const struct chainrpc_error *err)
{
	char q[LOG_Q_MAX];
	json_object *d;
	int status;

	d = json_object_new_object();
	json_object_object_add(d, "chain_id", json_object_new_uint64(c->chain_id));
	switch (rc) {
	case CB_ERR_RPC_TRANSPORT:
		log_warnx("chain_unavailable", "call=%s chain_id=%" PRIu64, event, c->chain_id);
		status = http_error(resp, 503, "chain_unavailable",
		    "the chain's node did not answer in time", d);
		resp->retry_after = HTTP_RETRY_AFTER;
		break;
	case CB_ERR_RPC:
		log_warnx("chain_error", "call=%s chain_id=%" PRIu64 " code=%" PRId64
		    " message=%s", event, c->chain_id, err != NULL ? err->code : 0,
		    err != NULL ? log_q(q, sizeof(q), err->message, strlen(err->message)) : "-");
		if (err != NULL) {
			json_object_object_add(d, "rpc_code", json_object_new_int64(err->code));
			json_object_object_add(d, "rpc_message",
			    json_object_new_string(err->message));
		}
		status = http_error(resp, 502, "chain_error",
		    "the chain's node answered with an error", d);
		break;
	case CB_ERR_INVALID:
	case CB_ERR_TOO_LARGE:
	case CB_ERR_RANGE:
		log_warnx("chain_bad_answer", "call=%s chain_id=%" PRIu64 " err=%s", event,
		    c->chain_id, cb_errcode(rc));
		status = http_error(resp, 502, "chain_error",
		    "the chain's node gave a malformed or oversized answer", d);
		break;
	default:
		status = http_internal_error(resp, event, rc);
		break;
	}
	json_object_put(d);
	return status;
}
