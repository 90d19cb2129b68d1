/*
 * syncbench.c - the chain sync benchmark's helper (bench/sync-run):
 *
 *	syncbench gen URL CONTRACT FROM TXS PER_TX ADDRESSES
 *		sends TXS transactions spray(address[PER_TX], amount) to the
 *		Sync20Emitter at CONTRACT from the unlocked account FROM (2 *
 *		PER_TX Transfer events each; with automine, one block each),
 *		spreading the recipients over ADDRESSES distinct addresses.
 *	syncbench fetch URL CONTRACT FROM TO SPAN
 *		the raw rate of eth_getLogs over FROM..TO in ranges of SPAN
 *		blocks: once with a minimal client (libcurl, the body only,
 *		logs counted by their "logIndex" members), once through the
 *		project's rpc layer (parsed and checked, no store).  Prints
 *		one line of figures per client.
 *	syncbench latency URL CONTRACT FROM CONF CHAIN_ID SAMPLES
 *		with a daemon following the chain: mines SAMPLES blocks with
 *		one small transaction each (after a random pause) and measures
 *		the time from the block's arrival to its checkpoint being
 *		visible in the store (p50, p99, max).
 *
 * Figures go to stdout as "key=value" lines for the script.
 */
#include "config.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/hex.h"
#include "core/log.h"
#include "core/monotime.h"
#include "eth/abi.h"
#include "eth/address.h"
#include "eth/keccak.h"
#include "eth/rpc.h"
#include "store/stmts.h"
#include "store/store.h"

/* Transactions sent per JSON-RPC batch, each followed by evm_mine (automine
 * off): one block each. */
#define BENCH_SEND_BATCH	1
#define BENCH_BODY_MAX		((size_t)256 * 1024 * 1024)

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "syncbench: %s\n", what);
	exit(1);
}

static struct address
parse_address(const char *s)
{
	struct address a;

	if (address_parse(s, strlen(s), &a) != ADDRESS_OK)
		die("bad address");
	return a;
}

static uint64_t
parse_u64(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s == '\0' || *end != '\0')
		die("bad number");
	return v;
}

/* The i-th recipient: the last 20 bytes of keccak256("syncbench", i). */
static void
recipient(uint64_t i, struct address *out)
{
	uint8_t in[17], h[32];

	memcpy(in, "syncbench", 9);
	for (int k = 0; k < 8; k++)
		in[9 + k] = (uint8_t)(i >> (56 - 8 * k));
	keccak256(in, sizeof(in), h);
	memcpy(out->bytes, h + 12, 20);
}

/* spray(to[first .. first+n), amount) as hex call data ("0x..."). */
static char *
spray_data(uint64_t first, size_t n, uint64_t naddr)
{
	struct address *to = calloc(n, sizeof(*to));
	uint8_t sel[4], *data = NULL;
	size_t len = 0;
	struct abi_enc e;
	u256 amount;
	char *hex;

	if (to == NULL)
		die("out of memory");
	for (size_t k = 0; k < n; k++)
		recipient((first + k) % naddr, &to[k]);
	abi_selector("spray(address[],uint256)", sel);
	abi_enc_init(&e, sel, 1 << 20);
	abi_enc_address_array(&e, to, n);
	u256_from_u64(&amount, 1000000000000000000ULL);
	abi_enc_uint256(&e, &amount);
	if (abi_enc_finish(&e, &data, &len) != CB_OK)
		die("abi encoding");
	if ((hex = malloc(2 * len + 3)) == NULL)
		die("out of memory");
	hex_encode(hex, 2 * len + 3, data, len, true);
	free(data);
	free(to);
	return hex;
}

static json_object *
send_params(const char *from, const char *to, const char *data, uint64_t nonce)
{
	json_object *p = json_object_new_array(), *tx = json_object_new_object();
	char q[24];

	snprintf(q, sizeof(q), "0x%" PRIx64, nonce);
	json_object_object_add(tx, "nonce", json_object_new_string(q));
	json_object_object_add(tx, "from", json_object_new_string(from));
	json_object_object_add(tx, "to", json_object_new_string(to));
	json_object_object_add(tx, "data", json_object_new_string(data));
	json_object_object_add(tx, "gas", json_object_new_string("0x1c9c380"));
	json_object_array_add(p, tx);
	return p;
}

/* Calls method(params) and drops the result; dies on failure. */
static void
call_or_die(struct rpc_client *c, const char *method, json_object *params)
{
	struct rpc_error err;
	json_object *res = NULL;

	if (rpc_call(c, method, params, &res, &err) != CB_OK) {
		fprintf(stderr, "syncbench: %s: %s\n", method, err.message);
		die("call failed");
	}
	json_object_put(res);
}

static void
set_automine(struct rpc_client *c, bool on)
{
	json_object *p = json_object_new_array();

	json_object_array_add(p, json_object_new_boolean(on));
	call_or_die(c, "evm_setAutomine", p);
	json_object_put(p);
}

static int
cmd_gen(int argc, char **argv)
{
	struct rpc_client *c;
	uint64_t txs, per_tx, naddr, sent = 0, first = 0, nonce = 0;
	uint64_t t0;

	if (argc != 7)
		die("usage: gen URL CONTRACT FROM TXS PER_TX ADDRESSES");
	(void)parse_address(argv[2]);
	(void)parse_address(argv[3]);
	txs = parse_u64(argv[4]);
	per_tx = parse_u64(argv[5]);
	naddr = parse_u64(argv[6]);
	if ((c = rpc_client_new(argv[1], NULL)) == NULL)
		die("rpc client");
	{
		struct address fa = parse_address(argv[3]);
		struct rpc_block_ref pending = { RPC_BLOCK_PENDING, 0 };

		if (rpc_eth_get_transaction_count(c, &fa, pending, &nonce, NULL) != CB_OK)
			die("eth_getTransactionCount");
	}
	set_automine(c, false);
	t0 = monotime_ms();
	while (sent < txs) {
		struct rpc_batch *b = rpc_batch_new();
		struct rpc_error err;
		size_t n = txs - sent < BENCH_SEND_BATCH ? (size_t)(txs - sent) : BENCH_SEND_BATCH;

		for (size_t k = 0; k < n; k++) {
			char *data = spray_data(first, (size_t)per_tx, naddr);
			json_object *p = send_params(argv[3], argv[2], data, nonce++);

			if (rpc_batch_add(b, "eth_sendTransaction", p, NULL) != CB_OK)
				die("batch add");
			json_object_put(p);
			free(data);
			first += per_tx;
		}
		if (rpc_batch_send(c, b, &err) != CB_OK) {
			fprintf(stderr, "syncbench: send: %s\n", err.message);
			die("send failed");
		}
		for (size_t k = 0; k < n; k++) {
			json_object *res;

			if (rpc_batch_result(b, k, &res, &err) != CB_OK) {
				fprintf(stderr, "syncbench: tx: %s\n", err.message);
				die("transaction refused");
			}
		}
		rpc_batch_free(b);
		call_or_die(c, "evm_mine", NULL);
		sent += n;
	}
	set_automine(c, true);
	printf("gen_txs=%" PRIu64 "\ngen_events=%" PRIu64 "\ngen_seconds=%.3f\n", txs,
	    txs * per_tx * 2, (double)(monotime_ms() - t0) / 1000.0);
	rpc_client_free(c);
	return 0;
}

/* ---------------------------------------------------------------- fetch */

struct body {
	struct buf	b;
};

static size_t
body_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct body *bd = arg;

	if (buf_append(&bd->b, p, size * nmemb) != CB_OK)
		return 0;
	return size * nmemb;
}

/* Counts occurrences of needle in s[0..n). */
static uint64_t
count_needle(const char *s, size_t n, const char *needle)
{
	size_t nl = strlen(needle);
	uint64_t count = 0;
	const char *p = s, *end = s + n;

	while ((p = memmem(p, (size_t)(end - p), needle, nl)) != NULL) {
		count++;
		p += nl;
	}
	return count;
}

static int
cmd_fetch(int argc, char **argv)
{
	uint64_t from, to, span, n, logs = 0, bytes = 0, t0, t1;
	struct rpc_client *c;
	struct address contract;
	struct body bd;
	CURL *curl;
	struct curl_slist *hdr = NULL;

	if (argc != 6)
		die("usage: fetch URL CONTRACT FROM TO SPAN");
	contract = parse_address(argv[2]);
	from = parse_u64(argv[3]);
	to = parse_u64(argv[4]);
	span = parse_u64(argv[5]);
	/* (a) minimal: POST, keep the body, count the logs in it. */
	if ((curl = curl_easy_init()) == NULL)
		die("curl");
	buf_init(&bd.b, BENCH_BODY_MAX);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &bd);
	t0 = monotime_ms();
	for (n = from; n <= to; n += span) {
		uint64_t hi = n + span - 1 > to ? to : n + span - 1;
		char req[256];

		snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\","
		    "\"params\":[{\"fromBlock\":\"0x%" PRIx64 "\",\"toBlock\":\"0x%" PRIx64 "\","
		    "\"address\":\"%s\"}]}", n, hi, argv[2]);
		buf_reset(&bd.b);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req);
		if (curl_easy_perform(curl) != CURLE_OK)
			die("eth_getLogs failed");
		logs += count_needle(bd.b.data, bd.b.len, "\"logIndex\"");
		bytes += bd.b.len;
	}
	t1 = monotime_ms();
	printf("raw_logs=%" PRIu64 "\nraw_bytes=%" PRIu64 "\nraw_seconds=%.3f\n", logs, bytes,
	    (double)(t1 - t0) / 1000.0);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(curl);
	buf_free(&bd.b);

	/* (a') the project's rpc layer: parsed and checked, no store. */
	{
		struct rpc_opts o;

		rpc_opts_init(&o);
		o.max_logs = 1000000;
		o.max_response_bytes = BENCH_BODY_MAX;
		if ((c = rpc_client_new(argv[1], &o)) == NULL)
			die("rpc client");
	}
	logs = 0;
	t0 = monotime_ms();
	for (n = from; n <= to; n += span) {
		struct rpc_log_filter f;
		struct rpc_log_list list;
		struct rpc_error err;

		memset(&f, 0, sizeof(f));
		f.from_block = n;
		f.to_block = n + span - 1 > to ? to : n + span - 1;
		f.addresses = &contract;
		f.address_count = 1;
		if (rpc_eth_get_logs(c, &f, &list, &err) != CB_OK)
			die("rpc eth_getLogs failed");
		logs += list.count;
		rpc_log_list_clear(&list);
	}
	t1 = monotime_ms();
	printf("parsed_logs=%" PRIu64 "\nparsed_seconds=%.3f\n", logs, (double)(t1 - t0) / 1000.0);
	rpc_client_free(c);
	return 0;
}

/* -------------------------------------------------------------- latency */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmd_latency(int argc, char **argv)
{
	struct config *cfg;
	struct db *db;
	struct rpc_client *c;
	uint64_t chain_id, samples, *us, i;
	char errbuf[512];
	enum cb_err rc;

	if (argc != 7)
		die("usage: latency URL CONTRACT FROM CONF CHAIN_ID SAMPLES");
	chain_id = parse_u64(argv[5]);
	samples = parse_u64(argv[6]);
	if ((cfg = config_load(argv[4], errbuf, sizeof(errbuf))) == NULL)
		die(errbuf);
	if ((db = store_open(&cfg->db, 10, &rc, errbuf, sizeof(errbuf))) == NULL)
		die(errbuf);
	if ((c = rpc_client_new(argv[1], NULL)) == NULL)
		die("rpc client");
	if ((us = calloc(samples, sizeof(*us))) == NULL)
		die("out of memory");
	srand((unsigned)time(NULL));
	for (i = 0; i < samples; i++) {
		char *data = spray_data(i * 2, 1, 1000);
		struct address fa = parse_address(argv[3]);
		struct rpc_block_ref pending = { RPC_BLOCK_PENDING, 0 };
		uint64_t block, t0, last = 0, nonce = 0;
		json_object *p, *res = NULL;
		struct rpc_error err;

		if (rpc_eth_get_transaction_count(c, &fa, pending, &nonce, NULL) != CB_OK)
			die("eth_getTransactionCount");
		p = send_params(argv[3], argv[2], data, nonce);

		(void)monotime_sleep_ms((uint64_t)(rand() % 300));
		set_automine(c, false);
		if (rpc_call(c, "eth_sendTransaction", p, &res, &err) != CB_OK)
			die("send failed");
		json_object_put(res);
		json_object_put(p);
		free(data);
		call_or_die(c, "evm_mine", NULL);
		/* The block exists from here on. */
		t0 = monotime_us();
		if (rpc_eth_block_number(c, &block, &err) != CB_OK)
			die("eth_blockNumber");
		for (;;) {
			struct db_row row;

			if (DB_EXEC(db, ST_SYNC_CKPT_GET, DB_U64(chain_id)) != CB_OK)
				die("checkpoint query");
			if (db_fetch(db, ST_SYNC_CKPT_GET, &row) == 1)
				(void)db_col_u64(&row, SYNC_CKPT_COL_LAST_BLOCK, &last);
			db_done(db, ST_SYNC_CKPT_GET);
			if (last >= block)
				break;
			(void)monotime_sleep_ms(1);
			if (monotime_us() - t0 > 30000000ULL)
				die("the daemon did not follow the head within 30 s");
		}
		us[i] = monotime_us() - t0;
	}
	set_automine(c, true);
	qsort(us, samples, sizeof(*us), cmp_u64);
	printf("latency_samples=%" PRIu64 "\nlatency_p50_ms=%.1f\nlatency_p99_ms=%.1f\n"
	    "latency_max_ms=%.1f\n", samples, (double)us[samples / 2] / 1000.0,
	    (double)us[(samples * 99) / 100 < samples ? (samples * 99) / 100 : samples - 1] / 1000.0,
	    (double)us[samples - 1] / 1000.0);
	free(us);
	rpc_client_free(c);
	db_close(db);
	config_free(cfg);
	return 0;
}

int
main(int argc, char **argv)
{
	log_init("syncbench", LOG_LEVEL_WARN, LOG_FORMAT_KV);
	if (rpc_global_init() != CB_OK)
		die("curl init");
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "fetch") == 0)
		return cmd_fetch(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "latency") == 0)
		return cmd_latency(argc - 1, argv + 1);
	die("usage: syncbench gen|fetch|latency ...");
}
