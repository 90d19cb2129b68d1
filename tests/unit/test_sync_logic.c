/*
 * test_sync_logic.c - the pure logic of the chain index
 * (src/chaind/sync_logic.c, docs/sync.md): event topics and decoding
 * (ERC-721-shaped transfers and wrong shapes ignored, oversize values
 * kept), logsBloom bits against geth's published vector, the eth_getLogs
 * range controller and refusal texts, exact signed values and their
 * storage form, and the aggregate map's undo bookkeeping.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "eth/keccak.h"
#include "sync.h"

static void
from_hex(uint8_t *out, size_t n, const char *hex)
{
	ck_assert_int_eq(hex_decode_exact(out, n, hex, strlen(hex)), 0);
}

/* ---------------------------------------------------------- topics */

START_TEST(test_topics_are_keccak_of_signatures)
{
	static const struct {
		enum sync_topic	 t;
		const char	*hex;
	} v[] = {
		{ SYNC_TOPIC_TRANSFER,
		  "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef" },
		{ SYNC_TOPIC_APPROVAL,
		  "8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925" },
		{ SYNC_TOPIC_STAKED,
		  "1449c6dd7851abc30abf37f57715f492010519147cc2652fbc38202c18a6ee90" },
		{ SYNC_TOPIC_UNSTAKED,
		  "7fc4727e062e336010f2c282598ef5f14facb3de68cf8195c2f23e1454b2b74e" },
		{ SYNC_TOPIC_CLAIMED,
		  "fc30cddea38e2bf4d6ea7d3f9ed3b6ad7f176419f4963bd81318067a4aee73fe" },
	};
	uint8_t want[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		from_hex(want, 32, v[i].hex);
		ck_assert_mem_eq(sync_topic(v[i].t), want, 32);
	}
}
END_TEST

/* ---------------------------------------------------------- decoding */

static uint8_t data_buf[96];

/* A log with topic 0 t0 and n address-ish topics, data of len bytes. */
static struct rpc_log
mklog(enum sync_topic t0, size_t ntopics, size_t len)
{
	struct rpc_log l;
	size_t i;

	memset(&l, 0, sizeof(l));
	memcpy(l.topics[0].bytes, sync_topic(t0), 32);
	for (i = 1; i < ntopics; i++)
		l.topics[i].bytes[31] = (uint8_t)(0x10 + i);	/* address 0x..11, 0x..12 */
	l.topic_count = ntopics;
	memset(data_buf, 0, sizeof(data_buf));
	data_buf[31] = 42;
	data_buf[63] = 7;
	l.data = len > 0 ? data_buf : NULL;
	l.data_len = len;
	return l;
}

START_TEST(test_decode_transfer_and_approval)
{
	struct sync_event ev;
	struct rpc_log l = mklog(SYNC_TOPIC_TRANSFER, 3, 32);
	u256 v;

	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_TRANSFER);
	ck_assert_uint_eq(ev.a.bytes[19], 0x11);
	ck_assert_uint_eq(ev.b.bytes[19], 0x12);
	u256_from_u64(&v, 42);
	ck_assert_int_eq(u256_cmp(&ev.value, &v), 0);
	l = mklog(SYNC_TOPIC_APPROVAL, 3, 32);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_APPROVAL);
	/* A pool's Transfer-shaped log is not a token transfer. */
	l = mklog(SYNC_TOPIC_TRANSFER, 3, 32);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_POOL, &ev), SYNC_EV_NONE);
}
END_TEST

START_TEST(test_decode_rejects_other_shapes)
{
	struct sync_event ev;
	struct rpc_log l;

	/* ERC-721: the token id is a fourth topic, no data. */
	l = mklog(SYNC_TOPIC_TRANSFER, 4, 0);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
	l = mklog(SYNC_TOPIC_TRANSFER, 4, 32);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
	/* Wrong data length, missing topics, no topics. */
	l = mklog(SYNC_TOPIC_TRANSFER, 3, 64);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
	l = mklog(SYNC_TOPIC_TRANSFER, 2, 64);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
	l = mklog(SYNC_TOPIC_TRANSFER, 3, 32);
	l.topic_count = 0;
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
	/* An address topic with high bytes set is no address. */
	l = mklog(SYNC_TOPIC_TRANSFER, 3, 32);
	l.topics[2].bytes[0] = 1;
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
	/* A staking event on a token is nothing. */
	l = mklog(SYNC_TOPIC_STAKED, 2, 64);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
	/* An unknown topic. */
	l = mklog(SYNC_TOPIC_TRANSFER, 3, 32);
	l.topics[0].bytes[0] ^= 1;
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_NONE);
}
END_TEST

START_TEST(test_decode_staking)
{
	struct sync_event ev;
	struct rpc_log l;
	u256 v;

	l = mklog(SYNC_TOPIC_STAKED, 2, 64);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_POOL, &ev), SYNC_EV_STAKED);
	ck_assert_uint_eq(ev.a.bytes[19], 0x11);
	u256_from_u64(&v, 42);
	ck_assert_int_eq(u256_cmp(&ev.value, &v), 0);
	u256_from_u64(&v, 7);
	ck_assert_int_eq(u256_cmp(&ev.ts, &v), 0);
	l = mklog(SYNC_TOPIC_UNSTAKED, 2, 64);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_POOL, &ev), SYNC_EV_UNSTAKED);
	l = mklog(SYNC_TOPIC_CLAIMED, 2, 32);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_POOL, &ev), SYNC_EV_CLAIMED);
	l = mklog(SYNC_TOPIC_CLAIMED, 2, 64);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_POOL, &ev), SYNC_EV_NONE);
	l = mklog(SYNC_TOPIC_STAKED, 3, 64);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_POOL, &ev), SYNC_EV_NONE);
	l = mklog(SYNC_TOPIC_STAKED, 2, 32);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_POOL, &ev), SYNC_EV_NONE);
}
END_TEST

START_TEST(test_decode_oversize_value)
{
	struct sync_event ev;
	struct rpc_log l = mklog(SYNC_TOPIC_TRANSFER, 3, 32);
	char dec[SYNC_DEC_MAX];
	uint8_t raw[32];

	memset(data_buf, 0xff, 32);
	ck_assert_int_eq(sync_decode(&l, SYNC_CONTRACT_TOKEN, &ev), SYNC_EV_TRANSFER);
	/* 2^256 - 1 is kept exactly, in the raw form. */
	ck_assert_int_eq(sync_u256_store(&ev.value, dec, raw), SYNC_FORM_RAW);
	ck_assert_mem_eq(raw, data_buf, 32);
}
END_TEST

/* ------------------------------------------------------------- bloom */

START_TEST(test_bloom_geth_vector)
{
	uint8_t bloom[256], h[32], want[32];
	struct sync_bloom_bits bits;
	char data[64];
	int i, k;

	/* geth core/types/bloom9_test.go, TestBloomExtensively. */
	memset(bloom, 0, sizeof(bloom));
	ck_assert(sync_bloom_empty(bloom));
	for (i = 0; i < 100; i++) {
		snprintf(data, sizeof(data), "xxxxxxxxxx data %d yyyyyyyyyyyyyy", i);
		sync_bloom_bits((const uint8_t *)data, strlen(data), &bits);
		for (k = 0; k < 3; k++)
			bloom[255 - bits.bit[k] / 8] |= (uint8_t)(1u << (bits.bit[k] % 8));
	}
	keccak256(bloom, sizeof(bloom), h);
	from_hex(want, 32, "c8d3ca65cdb4874300a9e39475508f23ed6da09fdbc487f89a2dcf50b09eb263");
	ck_assert_mem_eq(h, want, 32);
	for (i = 0; i < 100; i++) {
		snprintf(data, sizeof(data), "xxxxxxxxxx data %d yyyyyyyyyyyyyy", i);
		sync_bloom_bits((const uint8_t *)data, strlen(data), &bits);
		ck_assert(sync_bloom_test(bloom, &bits));
	}
	ck_assert(!sync_bloom_empty(bloom));
	/* Something never added is (here) not in. */
	sync_bloom_bits((const uint8_t *)"not there", 9, &bits);
	memset(bloom, 0, sizeof(bloom));
	ck_assert(!sync_bloom_test(bloom, &bits));
}
END_TEST

/* ---------------------------------------------------- range controller */

START_TEST(test_range_split_and_grow)
{
	struct sync_range r;
	int i;

	sync_range_init(&r, 2000);
	ck_assert_uint_eq(r.span, 2000);
	ck_assert(sync_range_refused(&r, 2000));
	ck_assert_uint_eq(r.span, 1000);
	ck_assert(sync_range_refused(&r, 1000));
	ck_assert_uint_eq(r.span, 500);
	for (i = 0; i < SYNC_RANGE_GROW_AFTER - 1; i++)
		sync_range_ok(&r);
	ck_assert_uint_eq(r.span, 500);
	sync_range_ok(&r);
	ck_assert_uint_eq(r.span, 1000);
	/* A refusal resets the streak. */
	sync_range_ok(&r);
	ck_assert(sync_range_refused(&r, 1000));
	ck_assert_uint_eq(r.span, 500);
	for (i = 0; i < 3 * SYNC_RANGE_GROW_AFTER; i++)
		sync_range_ok(&r);
	ck_assert_uint_eq(r.span, 2000);
	/* A short range near the head halves what was tried. */
	ck_assert(sync_range_refused(&r, 300));
	ck_assert_uint_eq(r.span, 150);
	while (r.span > 1)
		ck_assert(sync_range_refused(&r, r.span));
	ck_assert(!sync_range_refused(&r, 1));
	ck_assert_uint_eq(r.span, 1);
	sync_range_init(&r, 0);
	ck_assert_uint_eq(r.span, 1);
}
END_TEST

START_TEST(test_range_refusal_texts)
{
	static const struct {
		enum cb_err	 rc;
		enum rpc_errclass cls;
		long		 http;
		const char	*message;
		bool		 refusal;
	} v[] = {
		{ CB_ERR_TOO_LARGE, RPC_ERRCLASS_NONE, 0, "response over 16777216 bytes", true },
		{ CB_ERR_RPC, RPC_ERRCLASS_RANGE_LIMIT, 0, "query returned more than 10000 results",
		  true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "block range is too wide", true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "Max range of blocks exceeded", true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "query exceeds max results 20000", true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "Log response size exceeded. You can make"
		  " eth_getLogs requests with up to a 2K block range", true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "eth_getLogs is limited to a 10000 range", true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "too many blocks requested", true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "response is too big", true },
		{ CB_ERR_RPC, RPC_ERRCLASS__MAX, 0, "nonce too low", false },
		{ CB_ERR_RPC, RPC_ERRCLASS_REVERTED, 0, "execution reverted", false },
		{ CB_ERR_RPC, RPC_ERRCLASS_OTHER, 0, "header not found", false },
		{ CB_ERR_RPC_TRANSPORT, RPC_ERRCLASS_NONE, 413, "HTTP status 413", true },
		{ CB_ERR_RPC_TRANSPORT, RPC_ERRCLASS_NONE, 503, "HTTP status 503", false },
		{ CB_ERR_INVALID, RPC_ERRCLASS_NONE, 0, "bad field", false },
	};
	struct rpc_error err;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		rpc_error_clear(&err);
		/* __MAX: as the rpc layer classifies the text. */
		err.errclass = v[i].cls == RPC_ERRCLASS__MAX ?
		    rpc_errclass_classify(-32000, v[i].message) : v[i].cls;
		err.http_status = v[i].http;
		snprintf(err.message, sizeof(err.message), "%s", v[i].message);
		ck_assert_msg(sync_range_refusal(v[i].rc, &err) == v[i].refusal, "case %zu: %s", i,
		    v[i].message);
	}
	/* The rpc layer's own class for a provider text. */
	ck_assert_int_eq(rpc_errclass_classify(-32000, "Log response size exceeded."),
	    RPC_ERRCLASS_RANGE_LIMIT);
	ck_assert(!sync_range_refusal(CB_ERR_RPC, NULL));
}
END_TEST

/* ---------------------------------------------------------- values */

static void
u(u256 *x, uint64_t v)
{
	u256_from_u64(x, v);
}

START_TEST(test_values_signed)
{
	struct sync_val v;
	u256 x, max;
	char dec[SYNC_DEC_MAX];
	uint8_t raw[32];

	sync_val_zero(&v);
	u(&x, 5);
	sync_val_sub(&v, &x);
	ck_assert(v.neg && !v.bad);
	ck_assert_int_eq(sync_val_store(&v, dec, raw), SYNC_FORM_DEC);
	ck_assert_str_eq(dec, "-5");
	u(&x, 7);
	sync_val_add(&v, &x);
	ck_assert(!v.neg);
	ck_assert_int_eq(sync_val_store(&v, dec, raw), SYNC_FORM_DEC);
	ck_assert_str_eq(dec, "2");
	u(&x, 2);
	sync_val_sub(&v, &x);
	ck_assert(!v.neg && u256_is_zero(&v.mag));
	ck_assert_int_eq(sync_val_store(&v, dec, raw), SYNC_FORM_DEC);
	ck_assert_str_eq(dec, "0");
	/* Past 2^256 - 1: bad, stored as neither form, and it stays bad. */
	memset(&max, 0xff, sizeof(max));
	sync_val_set(&v, &max);
	u(&x, 1);
	sync_val_add(&v, &x);
	ck_assert(v.bad);
	ck_assert_int_eq(sync_val_store(&v, dec, raw), SYNC_FORM_NONE);
	sync_val_sub(&v, &x);
	ck_assert(v.bad);
}
END_TEST

START_TEST(test_values_storage_forms)
{
	struct sync_val v, back;
	u256 x;
	char dec[SYNC_DEC_MAX];
	uint8_t raw[32];
	static const char d64[] =
	    "99999999999999999999999999999999999999999999999999999999999999999";
	static const char d65[] =
	    "100000000000000000000000000000000000000000000000000000000000000000";

	/* 65 nines fit DECIMAL(65,0); 10^65 does not. */
	ck_assert_int_eq(u256_from_dec(&x, d64, strlen(d64)), 0);
	ck_assert_int_eq(sync_u256_store(&x, dec, raw), SYNC_FORM_DEC);
	ck_assert_str_eq(dec, d64);
	ck_assert_int_eq(u256_from_dec(&x, d65, strlen(d65)), 0);
	ck_assert_int_eq(sync_u256_store(&x, dec, raw), SYNC_FORM_RAW);
	ck_assert(sync_val_load(&back, NULL, 0, raw, 32));
	ck_assert_int_eq(u256_cmp(&back.mag, &x), 0);
	/* Hugely negative: no form. */
	sync_val_set(&v, &x);
	v.neg = true;
	ck_assert_int_eq(sync_val_store(&v, dec, raw), SYNC_FORM_NONE);
	/* Loading. */
	ck_assert(sync_val_load(&back, "-12", 3, NULL, 0));
	ck_assert(back.neg && !back.bad);
	ck_assert(sync_val_load(&back, "-0", 2, NULL, 0));
	ck_assert(!back.neg);
	ck_assert(sync_val_load(&back, NULL, 0, NULL, 0));
	ck_assert(back.bad);
	ck_assert(!sync_val_load(&back, "1x", 2, NULL, 0));
	ck_assert(!sync_val_load(&back, "-", 1, NULL, 0));
	ck_assert(!sync_val_load(&back, NULL, 0, raw, 33));
	u(&x, 3);
	sync_val_set(&v, &x);
	ck_assert(sync_val_load(&back, "3", 1, NULL, 0));
	ck_assert(sync_val_eq(&v, &back));
}
END_TEST

/* ------------------------------------------------------- undo records */

START_TEST(test_undo_first_touch_per_block)
{
	struct sync_map m;
	uint8_t key[40];
	size_t i, j;
	u256 x;

	sync_map_init(&m);
	memset(key, 0xab, sizeof(key));
	i = sync_map_find(&m, SYNC_T_BALANCE, key, 40, true);
	ck_assert_uint_ne(i, SIZE_MAX);
	ck_assert_uint_eq(sync_map_find(&m, SYNC_T_BALANCE, key, 40, false), i);
	ck_assert_uint_eq(sync_map_find(&m, SYNC_T_ALLOWANCE, key, 40, false), SIZE_MAX);
	/* A row that existed with 10 at block 4. */
	m.aggs[i].exists = true;
	u(&x, 10);
	sync_val_set(&m.aggs[i].val, &x);
	m.aggs[i].updated_block = 4;
	/* Block 7 changes it twice: one record, the value before block 7. */
	ck_assert_int_eq(sync_map_touch(&m, i, 7, true), CB_OK);
	u(&x, 3);
	sync_val_add(&m.aggs[i].val, &x);
	m.aggs[i].updated_block = 7;
	ck_assert_int_eq(sync_map_touch(&m, i, 7, true), CB_OK);
	ck_assert_uint_eq(m.nundo, 1);
	ck_assert_uint_eq(m.undo[0].block, 7);
	ck_assert(m.undo[0].exists);
	ck_assert_uint_eq(m.undo[0].updated_block, 4);
	u(&x, 10);
	ck_assert_int_eq(u256_cmp(&m.undo[0].val.mag, &x), 0);
	/* Block 8: another record, with block 7's result. */
	ck_assert_int_eq(sync_map_touch(&m, i, 8, true), CB_OK);
	ck_assert_uint_eq(m.nundo, 2);
	ck_assert_uint_eq(m.undo[1].updated_block, 7);
	u(&x, 13);
	ck_assert_int_eq(u256_cmp(&m.undo[1].val.mag, &x), 0);
	/* At or below finality no record is kept. */
	ck_assert_int_eq(sync_map_touch(&m, i, 9, false), CB_OK);
	ck_assert_uint_eq(m.nundo, 2);
	/* A new row records that it did not exist; a row made by the batch
	 * (a new stake) records nothing. */
	key[0] = 1;
	j = sync_map_find(&m, SYNC_T_SUPPLY, key, 20, true);
	ck_assert_int_eq(sync_map_touch(&m, j, 9, true), CB_OK);
	ck_assert_uint_eq(m.nundo, 3);
	ck_assert(!m.undo[2].exists);
	key[0] = 2;
	j = sync_map_find(&m, SYNC_T_STAKE, key, 36, true);
	m.aggs[j].created = true;
	ck_assert_int_eq(sync_map_touch(&m, j, 9, true), CB_OK);
	ck_assert_uint_eq(m.nundo, 3);
	sync_map_free(&m);
	sync_map_free(NULL);
}
END_TEST

START_TEST(test_map_grows)
{
	struct sync_map m;
	uint8_t key[60];
	size_t i, idx[3000];

	sync_map_init(&m);
	memset(key, 0, sizeof(key));
	for (i = 0; i < 3000; i++) {
		memcpy(key, &i, sizeof(i));
		idx[i] = sync_map_find(&m, (enum sync_target)(i % 3), key, 60, true);
		ck_assert_uint_eq(idx[i], i);
	}
	for (i = 0; i < 3000; i++) {
		memcpy(key, &i, sizeof(i));
		ck_assert_uint_eq(sync_map_find(&m, (enum sync_target)(i % 3), key, 60, false), i);
		ck_assert_uint_eq(sync_map_find(&m, (enum sync_target)((i + 1) % 3), key, 60, false),
		    SIZE_MAX);
	}
	ck_assert_uint_eq(sync_map_find(&m, SYNC_T_BALANCE, key, SYNC_KEY_MAX + 1, true), SIZE_MAX);
	/* Sorted by key, one target only, dirty ones when asked. */
	{
		size_t *order, n, k;

		m.aggs[5].dirty = true;
		m.aggs[2999].dirty = true;
		ck_assert_int_eq(sync_map_sorted(&m, SYNC_T_ALLOWANCE, false, &order, &n), CB_OK);
		ck_assert_uint_eq(n, 1000);
		for (k = 1; k < n; k++)
			ck_assert_int_lt(memcmp(m.aggs[order[k - 1]].key, m.aggs[order[k]].key, 60), 0);
		free(order);
		ck_assert_int_eq(sync_map_sorted(&m, SYNC_T_SUPPLY, true, &order, &n), CB_OK);
		ck_assert_uint_eq(n, 2);
		ck_assert(memcmp(m.aggs[order[0]].key, m.aggs[order[1]].key, 60) < 0);
		free(order);
		ck_assert_int_eq(sync_map_sorted(&m, SYNC_T_STAKE, false, &order, &n), CB_OK);
		ck_assert_uint_eq(n, 0);
		ck_assert_ptr_null(order);
	}
	ck_assert_str_eq(sync_target_name(SYNC_T_POOL_TOTAL), "pool_total");
	ck_assert_int_eq(sync_target_parse("allowance", 9), SYNC_T_ALLOWANCE);
	ck_assert_int_eq(sync_target_parse("staker", 6), SYNC_T__MAX);
	ck_assert_int_eq(sync_target_parse("nope", 4), SYNC_T__MAX);
	sync_map_free(&m);
}
END_TEST

static Suite *
sync_suite(void)
{
	Suite *s = suite_create("sync_logic");
	TCase *tc;

	tc = tcase_create("topics");
	tcase_add_test(tc, test_topics_are_keccak_of_signatures);
	suite_add_tcase(s, tc);
	tc = tcase_create("decode");
	tcase_add_test(tc, test_decode_transfer_and_approval);
	tcase_add_test(tc, test_decode_rejects_other_shapes);
	tcase_add_test(tc, test_decode_staking);
	tcase_add_test(tc, test_decode_oversize_value);
	suite_add_tcase(s, tc);
	tc = tcase_create("bloom");
	tcase_add_test(tc, test_bloom_geth_vector);
	suite_add_tcase(s, tc);
	tc = tcase_create("range");
	tcase_add_test(tc, test_range_split_and_grow);
	tcase_add_test(tc, test_range_refusal_texts);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_test(tc, test_values_signed);
	tcase_add_test(tc, test_values_storage_forms);
	suite_add_tcase(s, tc);
	tc = tcase_create("undo");
	tcase_add_test(tc, test_undo_first_touch_per_block);
	tcase_add_test(tc, test_map_grows);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sync_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
