/*
 * rpc.c - fuzz target: what an Ethereum node answers (eth/rpc_parse.h,
 * eth/rpc_error.h).
 *
 * Input: JSON text, read as the transport reads a response body (json-c,
 * strict, at most RPC_JSON_MAX_DEPTH deep, an object or an array, only
 * whitespace after it).  Every result parser runs on the document, on its
 * "result" member when it has one (a whole response) and on each element
 * of an array (a batch, or a list of logs); an "error" member goes through
 * the error parser and the revert-data extraction.  Every string found is
 * tried as a QUANTITY, as DATA and as a hash and an address.
 *
 * Every log parsed goes through the chain index's event decoder and
 * bloom bits (src/chaind/sync_logic.c).
 *
 * Properties: a parsed object's counts agree with its arrays and respect
 * the caps (the defaults and small ones); an event decodes only from its
 * exact shape; every reward of a fee history
 * can be read; a QUANTITY prints back to its text (lowercase); DATA
 * decodes to half its digits; the error's texts are NUL-terminated and
 * free of control characters.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"
#include "eth/hash32.h"
#include "eth/revert.h"
#include "eth/rpc.h"
#include "sync.h"
#include "fuzz.h"

/* Strings tried as every kind of value: up to a logsBloom's length. */
#define FUZZ_VALUE_MAX	600

/* NULL caps mean the defaults; small ones make the caps bite. */
static struct rpc_opts fuzz_default_caps, fuzz_small_caps;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rpc_opts_init(&fuzz_default_caps);
	rpc_opts_init(&fuzz_small_caps);
	fuzz_small_caps.max_logs = 3;
	fuzz_small_caps.max_data_bytes = 40;
	return 0;
}

/*
 * The transport's reading of a response body (rpc_json_parse in
 * rpc_transport.c, which is static there): the same tokener settings and
 * checks.
 */
static json_object *
fuzz_rpc_json(const char *s, size_t len)
{
	json_tokener *tok;
	json_object *obj;
	size_t end;

	if (len > (size_t)INT_MAX ||
	    (tok = json_tokener_new_ex(RPC_JSON_MAX_DEPTH)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, s, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success)
		goto fail;
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (s[end] != ' ' && s[end] != '\t' && s[end] != '\r' &&
		    s[end] != '\n')
			goto fail;
	if (!json_object_is_type(obj, json_type_object) &&
	    !json_object_is_type(obj, json_type_array))
		goto fail;
	json_tokener_free(tok);
	return obj;
fail:
	json_object_put(obj);
	json_tokener_free(tok);
	return NULL;
}

/* A 32-byte topic that holds an address: 12 zero bytes first. */
static bool
fuzz_topic_is_address(const struct hash32 *t)
{
	static const uint8_t zero[12];

	return memcmp(t->bytes, zero, sizeof(zero)) == 0;
}

/*
 * The chain index's reading of a log (src/chaind/sync_logic.c): an event
 * is decoded only from its exact shape, and the log's bloom bits are what
 * a bloom built from them tests true for.
 */
static void
fuzz_sync_decode(const struct rpc_log *l)
{
	struct sync_event ev;
	struct sync_bloom_bits bits[1 + RPC_LOG_MAX_TOPICS];
	uint8_t bloom[256];
	enum sync_event_kind k;
	size_t i, j, n = 0;

	k = sync_decode(l, SYNC_CONTRACT_TOKEN, &ev);
	FUZZ_CHECK(k == SYNC_EV_NONE || k == SYNC_EV_TRANSFER ||
	    k == SYNC_EV_APPROVAL);
	if (k != SYNC_EV_NONE)
		FUZZ_CHECK(ev.kind == k && l->topic_count == 3 &&
		    l->data_len == 32 && fuzz_topic_is_address(&l->topics[1]) &&
		    fuzz_topic_is_address(&l->topics[2]) &&
		    memcmp(ev.a.bytes, l->topics[1].bytes + 12, 20) == 0 &&
		    memcmp(ev.b.bytes, l->topics[2].bytes + 12, 20) == 0);
	k = sync_decode(l, SYNC_CONTRACT_POOL, &ev);
	FUZZ_CHECK(k == SYNC_EV_NONE || k == SYNC_EV_STAKED ||
	    k == SYNC_EV_UNSTAKED || k == SYNC_EV_CLAIMED);
	if (k != SYNC_EV_NONE)
		FUZZ_CHECK(ev.kind == k && l->topic_count == 2 &&
		    fuzz_topic_is_address(&l->topics[1]) &&
		    l->data_len == (k == SYNC_EV_CLAIMED ? 32u : 64u));

	sync_bloom_bits(l->address.bytes, ADDRESS_LEN, &bits[n++]);
	for (i = 0; i < l->topic_count; i++)
		sync_bloom_bits(l->topics[i].bytes, HASH32_LEN, &bits[n++]);
	memset(bloom, 0, sizeof(bloom));
	FUZZ_CHECK(sync_bloom_empty(bloom));
	for (i = 0; i < n; i++)
		for (j = 0; j < 3; j++) {
			FUZZ_CHECK(bits[i].bit[j] < 2048);
			/* Bit b of the 2048 counts from the low end of the
			 * big-endian 256 bytes. */
			bloom[255 - bits[i].bit[j] / 8] |=
			    (uint8_t)(1u << (bits[i].bit[j] % 8));
		}
	FUZZ_CHECK(!sync_bloom_empty(bloom));
	for (i = 0; i < n; i++)
		FUZZ_CHECK(sync_bloom_test(bloom, &bits[i]));
}

static void
fuzz_check_log(const struct rpc_opts *caps, const struct rpc_log *l)
{
	volatile uint8_t last;

	if (caps == NULL)
		caps = &fuzz_default_caps;
	FUZZ_CHECK(l->topic_count <= RPC_LOG_MAX_TOPICS);
	FUZZ_CHECK(l->data_len <= caps->max_data_bytes);
	FUZZ_CHECK((l->data == NULL) == (l->data_len == 0));
	/* The whole length is allocated (ASan checks the read). */
	if (l->data_len > 0)
		last = l->data[l->data_len - 1];
	(void)last;
}

static void
fuzz_block(json_object *obj)
{
	struct rpc_block b;
	const char *bad = NULL;
	size_t i;
	int pending;

	for (pending = 0; pending < 2; pending++) {
		if (rpc_block_parse(NULL, obj, pending, &b, &bad) != CB_OK) {
			FUZZ_CHECK(bad != NULL && b.tx_hashes == NULL);
			continue;
		}
		FUZZ_CHECK(b.tx_count <= RPC_MAX_BLOCK_TXS);
		FUZZ_CHECK((b.tx_hashes == NULL) == (b.tx_count == 0));
		for (i = 0; i < b.tx_count; i++)
			(void)hash32_is_zero(&b.tx_hashes[i]);
		if (!pending)
			FUZZ_CHECK(!b.pending);
		rpc_block_clear(&b);
	}
}

static void
fuzz_logs(const struct rpc_opts *caps, json_object *obj)
{
	struct rpc_log l;
	struct rpc_log_list list;
	const char *bad = NULL;
	size_t i;

	if (rpc_log_parse(caps, obj, &l, &bad) == CB_OK) {
		fuzz_check_log(caps, &l);
		if (caps == NULL)	/* once per log is enough */
			fuzz_sync_decode(&l);
		rpc_log_clear(&l);
	} else {
		FUZZ_CHECK(bad != NULL && l.data == NULL);
	}
	if (rpc_log_list_parse(caps, obj, &list, &bad) == CB_OK) {
		FUZZ_CHECK(list.count == json_object_array_length(obj));
		FUZZ_CHECK((list.logs == NULL) == (list.count == 0));
		FUZZ_CHECK(list.count <= (caps != NULL ? caps :
		    &fuzz_default_caps)->max_logs);
		for (i = 0; i < list.count; i++) {
			fuzz_check_log(caps, &list.logs[i]);
			if (caps == NULL)
				fuzz_sync_decode(&list.logs[i]);
		}
		rpc_log_list_clear(&list);
	} else {
		FUZZ_CHECK(list.logs == NULL && list.count == 0);
	}
}

static void
fuzz_tx_receipt(const struct rpc_opts *caps, json_object *obj)
{
	struct rpc_tx tx;
	struct rpc_receipt r;
	size_t i;

	if (rpc_tx_parse(caps, obj, &tx, NULL) == CB_OK) {
		FUZZ_CHECK(tx.input_len <= (caps != NULL ? caps :
		    &fuzz_default_caps)->max_data_bytes);
		FUZZ_CHECK((tx.input == NULL) == (tx.input_len == 0));
		rpc_tx_clear(&tx);
	}
	if (rpc_receipt_parse(caps, obj, &r, NULL) == CB_OK) {
		FUZZ_CHECK(!r.has_status || r.status <= 1);
		FUZZ_CHECK((r.logs == NULL) == (r.log_count == 0));
		FUZZ_CHECK(r.log_count <= (caps != NULL ? caps :
		    &fuzz_default_caps)->max_logs);
		for (i = 0; i < r.log_count; i++)
			fuzz_check_log(caps, &r.logs[i]);
		rpc_receipt_clear(&r);
	}
}

static void
fuzz_fee_history(json_object *obj)
{
	static const struct {
		uint64_t	asked;
		size_t		percentiles;
	} asks[] = { { 1024, 0 }, { 1024, 1 }, { 4, 3 }, { 0, 2 } };
	struct rpc_fee_history fh;
	const char *bad = NULL;
	size_t k, i, j;

	for (k = 0; k < sizeof(asks) / sizeof(asks[0]); k++) {
		if (rpc_fee_history_parse(obj, asks[k].asked,
		    asks[k].percentiles, &fh, &bad) != CB_OK) {
			FUZZ_CHECK(fh.base_fee_per_gas == NULL &&
			    fh.reward == NULL);
			continue;
		}
		FUZZ_CHECK(fh.block_count <= asks[k].asked);
		FUZZ_CHECK(fh.base_fee_count == fh.block_count ||
		    fh.base_fee_count == fh.block_count + 1);
		FUZZ_CHECK(fh.percentile_count == 0 ||
		    fh.percentile_count == asks[k].percentiles);
		for (i = 0; i < fh.base_fee_count; i++)
			(void)u256_is_zero(&fh.base_fee_per_gas[i]);
		for (i = 0; i < fh.block_count; i++)
			for (j = 0; j < fh.percentile_count; j++)
				(void)u256_is_zero(rpc_fee_history_reward(&fh,
				    i, j));
		rpc_fee_history_clear(&fh);
	}
}

/* A node's error member, and the revert data in it. */
static void
fuzz_error(json_object *eobj)
{
	uint8_t data[RPC_REVERT_DATA_MAX];
	struct revert_reason r;
	struct rpc_error err;
	size_t n, i;
	enum cb_err rc;

	rpc_error_clear(&err);
	rpc_error_from_json(eobj, &err);
	FUZZ_CHECK((unsigned)err.errclass < RPC_ERRCLASS__MAX);
	FUZZ_CHECK(rpc_errclass_name(err.errclass) != NULL);
	FUZZ_CHECK(memchr(err.message, '\0', sizeof(err.message)) != NULL);
	FUZZ_CHECK(memchr(err.data, '\0', sizeof(err.data)) != NULL);
	for (i = 0; err.message[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)err.message[i] >= 0x20 &&
		    err.message[i] != 0x7f);
	/* A refusal the daemon's range controller halves the span for. */
	if (err.errclass == RPC_ERRCLASS_RANGE_LIMIT)
		FUZZ_CHECK(sync_range_refusal(CB_ERR_RPC, &err));
	rc = rpc_error_revert_data(&err, data, sizeof(data), &n);
	if (rc == CB_OK) {
		FUZZ_CHECK(n <= sizeof(data));
		(void)revert_decode(data, n, &r);
	} else {
		FUZZ_CHECK(n == 0);
	}
}

/* Every string value as a QUANTITY, DATA, hash and address. */
static void
fuzz_value(const char *s, size_t len)
{
	char hex[U256_HEX_MAX];
	uint8_t fixed[32], *bytes;
	struct hash32 h;
	uint64_t small;
	size_t n, i;
	u256 v;

	if (rpc_parse_quantity_u256(s, len, &v) == CB_OK) {
		n = u256_to_hex_quantity(&v, hex, sizeof(hex));
		FUZZ_CHECK(n == len && strncasecmp(hex, s, n) == 0);
		if (rpc_parse_quantity_u64(s, len, &small) == CB_OK)
			FUZZ_CHECK(u256_to_u64(&v, &small));
	} else {
		FUZZ_CHECK(rpc_parse_quantity_u64(s, len, &small) != CB_OK);
	}
	if (rpc_parse_data(s, len, 1 << 20, &bytes, &n) == CB_OK) {
		FUZZ_CHECK(2 * n + 2 == len);
		FUZZ_CHECK((bytes == NULL) == (n == 0));
		for (i = 0; i < n; i++)
			FUZZ_CHECK(bytes[i] == (uint8_t)(hex_digit_value(s[2 + 2 *
			    i]) << 4 | hex_digit_value(s[3 + 2 * i])));
		free(bytes);
		if (n > 0)
			FUZZ_CHECK(rpc_parse_data(s, len, n - 1, &bytes, &n) ==
			    CB_ERR_TOO_LARGE);
	}
	if (rpc_parse_fixed(s, len, fixed, 32) == CB_OK)
		FUZZ_CHECK(hash32_parse(s, len, &h) == CB_OK &&
		    memcmp(h.bytes, fixed, 32) == 0);
	(void)rpc_parse_fixed(s, len, fixed, 20);
}

static void
fuzz_strings(json_object *v, int depth)
{
	size_t i, n;

	if (depth > RPC_JSON_MAX_DEPTH)
		return;
	switch (json_object_get_type(v)) {
	case json_type_string:
		/* Long DATA (contract code) is the result parsers' business;
		 * here it would only repeat the same hex decoding. */
		if (json_object_get_string_len(v) <= FUZZ_VALUE_MAX)
			fuzz_value(json_object_get_string(v),
			    (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			fuzz_strings(json_object_array_get_idx(v, i), depth + 1);
		break;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			(void)key;
			fuzz_strings(val, depth + 1);
		}
		break;
	}
	default:
		break;
	}
}

/* Every parser on one value (a result, a batch entry, a document). */
static void
fuzz_result(json_object *v)
{
	fuzz_block(v);
	fuzz_logs(NULL, v);
	fuzz_logs(&fuzz_small_caps, v);
	fuzz_tx_receipt(NULL, v);
	fuzz_tx_receipt(&fuzz_small_caps, v);
	fuzz_fee_history(v);
}

/* A response, or anything in its place. */
static void
fuzz_response(json_object *obj)
{
	json_object *v;

	fuzz_result(obj);
	if (!json_object_is_type(obj, json_type_object))
		return;
	if (json_object_object_get_ex(obj, "result", &v) && v != NULL)
		fuzz_result(v);
	if (json_object_object_get_ex(obj, "error", &v) && v != NULL)
		fuzz_error(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *doc;
	size_t i, n;

	/* json-c is not instrumented, so libFuzzer cannot see how far into
	 * the JSON grammar an input gets; the project's strict scanner is, and
	 * running it first gives that feedback (its answer is not used). */
	json_object_put(json_parse_strict((const char *)data, size,
	    RPC_JSON_MAX_DEPTH, NULL));
	if ((doc = fuzz_rpc_json((const char *)data, size)) == NULL)
		return 0;
	fuzz_response(doc);
	if (json_object_is_type(doc, json_type_array)) {
		n = json_object_array_length(doc);
		for (i = 0; i < n && i < 64; i++)
			fuzz_response(json_object_array_get_idx(doc, i));
	}
	fuzz_strings(doc, 0);
	json_object_put(doc);
	return 0;
}
