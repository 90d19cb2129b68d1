/*
 * test_verify.c - the verification routes against the stack's anvil and
 * GET /reconcile (docs/api.md, "Verification", "Reconciliation"):
 *
 * - verify/transfer of real transfers made with cast: found, status,
 *   confirmations, the decoded Transfer logs, per-field matches; a
 *   reverted transaction; an unknown hash;
 * - verify/call of balanceOf against cast call, at the head and at an
 *   earlier block, and a revert with its data;
 * - verify/signature against `cast wallet sign` (personal_sign) and
 *   `cast wallet sign --no-hash` (a raw hash): wrong signer, v in each
 *   accepted form, high s refused, malformed input;
 * - verify/balance for an address without and with a bound wallet;
 * - reconcile: a token whose bound wallets' synced balances differ from
 *   their users' confirmed ledger balances;
 * - 503 chain_unavailable while the node does not answer (anvil stopped
 *   with SIGSTOP for the case, exclusive of other tests).
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/hex.h"
#include "money/u256.h"
#include "test_chain_util.h"

/* anvil's fifth, sixth and eighth development accounts; unlocked. */
#define HOLDER		"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"
#define RECIPIENT_HEX	"9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
#define RECIPIENT	"0x" RECIPIENT_HEX
#define REVERTER	"0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"
/* anvil's second development key (public, "test test ... junk") and its
 * address: what cast wallet sign signs with. */
#define SIGN_KEY	"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
#define SIGN_ADDR	"0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
#define E18		"000000000000000000"
#define VERIFY_PATH	"/api/v1/verify/"

static char *key_read;

static json_object *
verify_ok(const char *what, const char *body, struct hresp *r)
{
	char path[64];

	snprintf(path, sizeof(path), VERIFY_PATH "%s", what);
	return ct_post_ok(path, key_read, body, r);
}

static void
verify_err(const char *what, const char *body, long status, const char *code,
    const char *field)
{
	struct hresp r;
	char path[64];

	snprintf(path, sizeof(path), VERIFY_PATH "%s", what);
	lt_post(path, key_read, NULL, body, &r);
	lt_assert_error(&r, status, code, field);
	hresp_free(&r);
}

/* The transaction hash and block of a cast receipt. */
static void
receipt_tx(json_object *receipt, char tx[67], uint64_t *block)
{
	json_object *v;

	ck_assert(json_object_object_get_ex(receipt, "transactionHash", &v));
	ct_lower(tx, 67, json_object_get_string(v));
	*block = ct_quantity(receipt, "blockNumber");
}

/* ---------------------------------------------------------------- transfer */

START_TEST(test_verify_transfer)
{
	const char *cpop = harness_getenv("CPOP_ADDRESS");
	const char *signer = harness_getenv("SIGNER_ADDRESS");
	json_object *receipt, *doc, *v;
	struct hresp r;
	char tx[67], mint_tx[67], body[1024], hex[65], lower[43];
	uint64_t block, mint_block, before, after;

	receipt = ct_send(signer, cpop, "batchMint(address[],uint256[])", "[" HOLDER "]",
	    "[100" E18 "]", NULL);
	receipt_tx(receipt, mint_tx, &mint_block);
	json_object_put(receipt);
	receipt = ct_send(HOLDER, cpop, "transfer(address,uint256)", RECIPIENT,
	    "12500000000000000000", NULL);
	receipt_tx(receipt, tx, &block);
	json_object_put(receipt);

	ct_lower(lower, sizeof(lower), RECIPIENT);
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"from\":\"" HOLDER "\",\"to\":\"%s\",\"value\":\"12.5\"}", tx, lower);
	before = ct_head();
	doc = verify_ok("transfer", body, &r);
	after = ct_head();
	ck_assert(json_object_object_get_ex(doc, "confirmations", &v));
	ck_assert_uint_ge(json_object_get_uint64(v), before - block + 1);
	ck_assert_uint_le(json_object_get_uint64(v), after - block + 1);
	json_object_object_del(doc, "confirmations");
	ct_assert_json(doc, "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"found\":true,"
	    "\"status\":\"success\",\"block\":%" PRIu64 ",\"transfers\":[{\"log_index\":0,"
	    "\"token_address\":\"%s\",\"token_symbol\":\"CPOP\",\"from\":\"" HOLDER "\","
	    "\"to\":\"" RECIPIENT "\",\"value\":\"12.5\",\"value_raw\":\"12500000000000000000\"}],"
	    "\"matches\":{\"from\":true,\"to\":true,\"value\":true},\"matched\":true}", tx, block,
	    cpop);
	hresp_free(&r);

	/* A wrong sender, a wrong value: the field says false, matched too. */
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"from\":\"" RECIPIENT "\",\"to\":\"" RECIPIENT "\",\"value\":\"12.5\"}", tx);
	doc = verify_ok("transfer", body, &r);
	ct_assert_json(json_object_object_get(doc, "matches"),
	    "{\"from\":false,\"to\":true,\"value\":true}");
	ct_assert_bool(doc, "matched", false);
	hresp_free(&r);
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":"
	    "\"CPOP\",\"value\":\"12.4\"}", tx);
	doc = verify_ok("transfer", body, &r);
	ct_assert_json(json_object_object_get(doc, "matches"),
	    "{\"from\":null,\"to\":null,\"value\":false}");
	ct_assert_bool(doc, "matched", false);
	hresp_free(&r);
	/* Only to; and nothing to match (matched null). */
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"to\":\"%s\"}", tx,
	    RECIPIENT);
	doc = verify_ok("transfer", body, &r);
	ct_assert_json(json_object_object_get(doc, "matches"),
	    "{\"from\":null,\"to\":true,\"value\":null}");
	ct_assert_bool(doc, "matched", true);
	/* Without token_symbol the token is still named from the registry. */
	ct_assert_str(json_object_array_get_idx(json_object_object_get(doc, "transfers"), 0),
	    "token_symbol", "CPOP");
	hresp_free(&r);
	/* The mint: one Transfer from the zero address. */
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\"}", mint_tx);
	doc = verify_ok("transfer", body, &r);
	ct_assert_json(json_object_object_get(doc, "transfers"), "[{\"log_index\":0,"
	    "\"token_address\":\"%s\",\"token_symbol\":\"CPOP\","
	    "\"from\":\"0x0000000000000000000000000000000000000000\",\"to\":\"" HOLDER "\","
	    "\"value\":\"100.0\",\"value_raw\":\"100" E18 "\"}]", cpop);
	ct_assert_null(doc, "matched");
	hresp_free(&r);
	/* token_symbol filters the logs: USDT has none in this transaction. */
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":"
	    "\"USDT\",\"to\":\"" RECIPIENT "\"}", tx);
	doc = verify_ok("transfer", body, &r);
	ck_assert_uint_eq(lt_len(doc, "transfers"), 0);
	ct_assert_json(json_object_object_get(doc, "matches"),
	    "{\"from\":null,\"to\":false,\"value\":null}");
	hresp_free(&r);

	/* A reverted transaction: found, status reverted, no transfers. */
	{
		char out[CT_OUT_MAX];
		json_object *rc;

		ck_assert(ct_cast(out, sizeof(out), "send", "--rpc-url", harness_getenv("ETH_RPC_URL"),
		    "--unlocked", "--from", REVERTER, "--json", "--gas-limit", "100000",
		    harness_getenv("STAKING_ADDRESS"), "claim()", NULL) == 0);
		ck_assert((rc = json_tokener_parse(out)) != NULL);
		receipt_tx(rc, tx, &block);
		json_object_put(rc);
		snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\"}", tx);
		doc = verify_ok("transfer", body, &r);
		ct_assert_bool(doc, "found", true);
		ct_assert_str(doc, "status", "reverted");
		ct_assert_u64(doc, "block", block);
		ck_assert_uint_eq(lt_len(doc, "transfers"), 0);
		hresp_free(&r);
	}

	/* An unknown hash. */
	ct_random_hex(hex, 64);
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"0x%s\",\"from\":\""
	    HOLDER "\"}", hex);
	doc = verify_ok("transfer", body, &r);
	ct_assert_json(doc, "{\"chain_id\":31337,\"tx_hash\":\"0x%s\",\"found\":false,"
	    "\"status\":null,\"block\":null,\"confirmations\":0,\"transfers\":[],"
	    "\"matches\":{\"from\":false,\"to\":null,\"value\":null},\"matched\":false}", hex);
	hresp_free(&r);
}
END_TEST

START_TEST(test_verify_transfer_errors)
{
	char fake_sym[32], fake_addr[41], body[512], hash[67] = "0x";
	static const struct {
		const char *body, *code, *field;
	} cases[] = {
		{ "{\"chain_id\":1,\"tx_hash\":\"%s\"}", "unknown_chain", "chain_id" },
		{ "{\"chain_id\":\"31337\",\"tx_hash\":\"%s\"}", "wrong_type", "chain_id" },
		{ "{\"chain_id\":0,\"tx_hash\":\"%s\"}", "out_of_range", "chain_id" },
		{ "{\"tx_hash\":\"%s\"}", "missing_field", "chain_id" },
		{ "{\"chain_id\":31337}", "missing_field", "tx_hash" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"0x12\"}", "invalid_hash", "tx_hash" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"value\":\"1.0\"}",
		  "token_symbol_required", "token_symbol" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":\"CPOP\","
		  "\"value\":\"1.0000000000000000001\"}", "amount_too_many_decimals", "value" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":\"CPOP\","
		  "\"value\":\"-1\"}", "amount_sign_not_allowed", "value" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":\"CPOP\","
		  "\"value\":1}", "wrong_type", "value" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":\"NOPE\"}",
		  "unknown_token", "token_symbol" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\","
		  "\"from\":\"0x15D34aaf54267db7d7c367839aaf71a00a2c6a65\"}",
		  "invalid_address_checksum", "from" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"to\":\"0x15d3\"}", "invalid_address", "to" },
		{ "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"memo\":1}", "unknown_field", "memo" },
	};
	size_t i;

	ct_random_hex(hash + 2, 64);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *at = strstr(cases[i].body, "%s");

		/* The templates hold the hash as "%s". */
		if (at != NULL)
			snprintf(body, sizeof(body), "%.*s%s%s", (int)(at - cases[i].body),
			    cases[i].body, hash, at + 2);
		else
			snprintf(body, sizeof(body), "%s", cases[i].body);
		verify_err("transfer", body, 400, cases[i].code, cases[i].field);
	}
	/* A token of another chain. */
	ct_token(ct_fake_chain(), 6, fake_sym, sizeof(fake_sym), fake_addr);
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"tx_hash\":\"%s\",\"token_symbol\":"
	    "\"%s\"}", hash, fake_sym);
	verify_err("transfer", body, 400, "token_chain_mismatch", "token_symbol");
	/* ... and verify/balance of it: its chain has no [chain] section here. */
	snprintf(body, sizeof(body), "{\"token_symbol\":\"%s\",\"address\":\"" HOLDER "\"}",
	    fake_sym);
	verify_err("balance", body, 400, "unknown_chain", "token_symbol");
	ct_token_drop(fake_sym);
	verify_err("transfer", "{\"chain_id\":31337,", 400, "invalid_json", NULL);
	{
		struct hresp r;

		ck_assert(hreq("POST", VERIFY_PATH "transfer", key_read, "text/plain", "{}", 2, NULL,
		    &r) == 0);
		ck_assert_int_eq(r.status, 415);
		hresp_free(&r);
		ck_assert(hreq("GET", VERIFY_PATH "transfer", key_read, NULL, NULL, 0, NULL,
		    &r) == 0);
		ck_assert_int_eq(r.status, 405);
		hresp_free(&r);
	}
}
END_TEST

/* -------------------------------------------------------------------- call */

/* The uint256 result of a verify/call answer as decimal text. */
static void
call_result_dec(json_object *doc, char *out, size_t cap)
{
	json_object *v;
	u256 x;

	ck_assert(json_object_object_get_ex(doc, "result", &v) && v != NULL);
	ck_assert(u256_from_hex_lenient(&x, json_object_get_string(v),
	    strlen(json_object_get_string(v))) == 0);
	ck_assert(u256_to_dec(&x, out, cap) > 0);
}

START_TEST(test_verify_call)
{
	const char *cpop = harness_getenv("CPOP_ADDRESS");
	const char *pool = harness_getenv("STAKING_ADDRESS");
	json_object *doc, *receipt;
	struct hresp r;
	char body[1024], data[160], want[U256_DEC_MAX], got[U256_DEC_MAX], num[24], lower[43];
	uint64_t head, block;

	ct_lower(lower, sizeof(lower), HOLDER);
	snprintf(data, sizeof(data), "0x70a08231000000000000000000000000%s", lower + 2);
	/* Move the balance so that two blocks differ. */
	receipt = ct_send(harness_getenv("SIGNER_ADDRESS"), cpop,
	    "batchMint(address[],uint256[])", "[" HOLDER "]", "[7" E18 "]", NULL);
	json_object_put(receipt);
	head = ct_head();
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"%s\",\"data\":\"%s\"}", cpop,
	    data);
	doc = verify_ok("call", body, &r);
	ct_assert_u64(doc, "block", head);
	ct_assert_str(doc, "to", cpop);
	ct_assert_bool(doc, "success", true);
	ct_assert_null(doc, "error");
	call_result_dec(doc, got, sizeof(got));
	snprintf(num, sizeof(num), "%" PRIu64, head);
	ct_call_uint(want, sizeof(want), num, cpop, "balanceOf(address)(uint256)", HOLDER);
	ck_assert_str_eq(got, want);
	hresp_free(&r);
	/* At the block before the mint. */
	block = head - 1;
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"%s\",\"data\":\"%s\","
	    "\"block\":%" PRIu64 "}", cpop, data, block);
	doc = verify_ok("call", body, &r);
	ct_assert_u64(doc, "block", block);
	call_result_dec(doc, got, sizeof(got));
	snprintf(num, sizeof(num), "%" PRIu64, block);
	ct_call_uint(want, sizeof(want), num, cpop, "balanceOf(address)(uint256)", HOLDER);
	ck_assert_str_eq(got, want);
	hresp_free(&r);
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"%s\",\"data\":\"%s\","
	    "\"block\":\"latest\"}", cpop, data);
	doc = verify_ok("call", body, &r);
	ct_assert_bool(doc, "success", true);
	hresp_free(&r);

	/* claim() from nobody reverts with NothingToClaim() (0x969bf728). */
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"%s\",\"data\":\"0x4e71d92d\"}",
	    pool);
	doc = verify_ok("call", body, &r);
	ct_assert_bool(doc, "success", false);
	ct_assert_null(doc, "result");
	ct_assert_str(json_object_object_get(doc, "error"), "data", "0x969bf728");
	hresp_free(&r);
	/* No code at the address: an empty answer. */
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"" HOLDER "\",\"data\":\"0x\"}");
	doc = verify_ok("call", body, &r);
	ct_assert_str(doc, "result", "0x");
	hresp_free(&r);

	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"%s\",\"data\":\"%s\","
	    "\"block\":%" PRIu64 "}", cpop, data, head + 1000);
	verify_err("call", body, 400, "block_out_of_range", "block");
	{
		static const struct { const char *extra, *code, *field; } bad[] = {
			{ "\"data\":\"0x123\"", "invalid_data", "data" },
			{ "\"data\":\"abcd\"", "invalid_data", "data" },
			{ "\"data\":\"0xzz\"", "invalid_data", "data" },
			{ "\"data\":\"0x\",\"block\":\"pending\"", "invalid_block", "block" },
			{ "\"data\":\"0x\",\"block\":-1", "invalid_block", "block" },
			{ "\"data\":\"0x\",\"block\":1.5", "invalid_block", "block" },
			{ "\"data\":\"0x\",\"value\":1", "unknown_field", "value" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"%s\",%s}", cpop,
			    bad[i].extra);
			verify_err("call", body, 400, bad[i].code, bad[i].field);
		}
	}
	verify_err("call", "{\"chain_id\":31337,\"to\":\"0x12\",\"data\":\"0x\"}", 400,
	    "invalid_address", "to");
	verify_err("call", "{\"chain_id\":31337,\"data\":\"0x\"}", 400, "missing_field", "to");
}
END_TEST

/* --------------------------------------------------------------- signature */

/* cast wallet sign [--no-hash] what: the 0x + 130 hex signature. */
static void
cast_sign(const char *what, bool raw, char sig[133])
{
	char out[512];
	int rc;

	rc = raw ? ct_cast(out, sizeof(out), "wallet", "sign", "--private-key", SIGN_KEY,
	    "--no-hash", what, NULL) :
	    ct_cast(out, sizeof(out), "wallet", "sign", "--private-key", SIGN_KEY, what, NULL);
	ck_assert_msg(rc == 0 && strlen(out) == 132, "cast wallet sign: %s", out);
	memcpy(sig, out, 133);
}

/* A signature with its last byte (v) set. */
static void
with_v(const char *sig, unsigned v, char out[133])
{
	memcpy(out, sig, 133);
	snprintf(out + 130, 3, "%02x", v);
}

/* The high-s twin of a signature: s' = n - s, v flipped. */
static void
high_s(const char *sig, char out[133])
{
	static const char n_hex[] =
	    "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
	uint8_t b[65];
	u256 n, s, t;
	size_t len;
	char hex[131];

	ck_assert(hex_decode(b, sizeof(b), sig + 2, 130, &len) == 0 && len == 65);
	ck_assert(u256_from_hex_lenient(&n, n_hex, strlen(n_hex)) == 0);
	ck_assert(u256_from_be(&s, b + 32, 32) == 0);
	ck_assert(u256_sub(&t, &n, &s) == 0);
	u256_to_be32(&t, b + 32);
	b[64] = b[64] == 27 ? 28 : 27;
	hex_encode(hex, sizeof(hex), b, 65, false);
	snprintf(out, 133, "0x%s", hex);
}

START_TEST(test_verify_signature)
{
	static const char msg[] = "chainbridge verify: withdraw 12.5 CPOP #42";
	json_object *doc;
	struct hresp r;
	char sig[133], sig2[133], hash[67] = "0x", body[1024], v0[133], hs[133];
	unsigned v;

	cast_sign(msg, false, sig);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":\"%s\","
	    "\"signature\":\"%s\"}", msg, sig);
	doc = verify_ok("signature", body, &r);
	ct_assert_json(doc, "{\"valid\":true,\"recovered_address\":\"" SIGN_ADDR "\","
	    "\"address\":\"" SIGN_ADDR "\",\"scheme\":\"personal_sign\"}");
	hresp_free(&r);
	/* The address in lowercase is the same address. */
	snprintf(body, sizeof(body), "{\"address\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\","
	    "\"message\":\"%s\",\"signature\":\"%s\"}", msg, sig);
	doc = verify_ok("signature", body, &r);
	ct_assert_bool(doc, "valid", true);
	hresp_free(&r);
	/* Another claimed signer: not valid, the real one is named. */
	snprintf(body, sizeof(body), "{\"address\":\"" HOLDER "\",\"message\":\"%s\","
	    "\"signature\":\"%s\"}", msg, sig);
	doc = verify_ok("signature", body, &r);
	ct_assert_json(doc, "{\"valid\":false,\"recovered_address\":\"" SIGN_ADDR "\","
	    "\"address\":\"" HOLDER "\",\"scheme\":\"personal_sign\"}");
	hresp_free(&r);
	/* Another message: some other key recovers. */
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":\"%sX\","
	    "\"signature\":\"%s\"}", msg, sig);
	doc = verify_ok("signature", body, &r);
	ct_assert_bool(doc, "valid", false);
	hresp_free(&r);
	/* v as 0/1 as well as 27/28. */
	v = (unsigned)strtoul(sig + 130, NULL, 16);
	ck_assert(v == 27 || v == 28);
	with_v(sig, v - 27, v0);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":\"%s\","
	    "\"signature\":\"%s\"}", msg, v0);
	doc = verify_ok("signature", body, &r);
	ct_assert_bool(doc, "valid", true);
	hresp_free(&r);
	/* v = 29 and v = 2 are refused. */
	with_v(sig, 29, v0);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":\"%s\","
	    "\"signature\":\"%s\"}", msg, v0);
	verify_err("signature", body, 400, "invalid_signature", "signature");
	with_v(sig, 2, v0);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":\"%s\","
	    "\"signature\":\"%s\"}", msg, v0);
	verify_err("signature", body, 400, "invalid_signature", "signature");
	/* The high-s twin recovers the same key but is refused (EIP-2). */
	high_s(sig, hs);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":\"%s\","
	    "\"signature\":\"%s\"}", msg, hs);
	verify_err("signature", body, 400, "signature_high_s", "signature");

	/* A raw 32-byte hash (cast wallet sign --no-hash). */
	ct_random_hex(hash + 2, 64);
	cast_sign(hash, true, sig2);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
	    "\"signature\":\"%s\"}", hash, sig2);
	doc = verify_ok("signature", body, &r);
	ct_assert_json(doc, "{\"valid\":true,\"recovered_address\":\"" SIGN_ADDR "\","
	    "\"address\":\"" SIGN_ADDR "\",\"scheme\":\"raw_hash\"}");
	hresp_free(&r);
	with_v(sig2, (unsigned)strtoul(sig2 + 130, NULL, 16) - 27, v0);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
	    "\"signature\":\"%s\"}", hash, v0);
	doc = verify_ok("signature", body, &r);
	ct_assert_bool(doc, "valid", true);
	hresp_free(&r);
	/* The personal_sign signature over the hash as a raw hash: not valid. */
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
	    "\"signature\":\"%s\"}", hash, sig);
	doc = verify_ok("signature", body, &r);
	ct_assert_bool(doc, "valid", false);
	hresp_free(&r);
	high_s(sig2, hs);
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
	    "\"signature\":\"%s\"}", hash, hs);
	verify_err("signature", body, 400, "signature_high_s", "signature");

	/* Malformed input. */
	{
		char zero_r[133], big_s[133];

		memcpy(zero_r, sig, 133);
		memset(zero_r + 2, '0', 64);
		memcpy(big_s, sig, 133);
		memcpy(big_s + 66, "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
		    64);
		snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
		    "\"signature\":\"%s\"}", hash, zero_r);
		verify_err("signature", body, 400, "invalid_signature", "signature");
		snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
		    "\"signature\":\"%s\"}", hash, big_s);
		verify_err("signature", body, 400, "invalid_signature", "signature");
	}
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
	    "\"signature\":\"0x1234\"}", hash);
	verify_err("signature", body, 400, "invalid_signature", "signature");
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
	    "\"signature\":\"%.130sz\"}", hash, sig);
	verify_err("signature", body, 400, "invalid_signature", "signature");
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"%s\","
	    "\"message\":\"x\",\"signature\":\"%s\"}", hash, sig);
	verify_err("signature", body, 400, "conflicting_fields", "hash");
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"signature\":\"%s\"}", sig);
	verify_err("signature", body, 400, "missing_field", "message");
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"hash\":\"0x12\","
	    "\"signature\":\"%s\"}", sig);
	verify_err("signature", body, 400, "invalid_hash", "hash");
	snprintf(body, sizeof(body), "{\"address\":\"0x7099\",\"hash\":\"%s\","
	    "\"signature\":\"%s\"}", hash, sig);
	verify_err("signature", body, 400, "invalid_address", "address");
	snprintf(body, sizeof(body), "{\"address\":\"0x70997970C51812DC3A010C7d01b50e0d17dc79C8\","
	    "\"hash\":\"%s\",\"signature\":\"%s\"}", hash, sig);
	verify_err("signature", body, 400, "invalid_address_checksum", "address");
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":42,"
	    "\"signature\":\"%s\"}", sig);
	verify_err("signature", body, 400, "wrong_type", "message");
	verify_err("signature", "{\"address\":\"" SIGN_ADDR "\",\"message\":\"m\"}", 400,
	    "missing_field", "signature");
}
END_TEST

/* ----------------------------------------------------------------- balance */

START_TEST(test_verify_balance)
{
	const char *cpop = harness_getenv("CPOP_ADDRESS");
	json_object *doc, *v, *w;
	struct hresp r;
	char body[512], want[U256_DEC_MAX], num[24], user[LT_NAME_MAX], synced[U256_DEC_MAX],
	    lower[43], tok[24];
	bool have_synced;

	/* Without a bound wallet. */
	doc = verify_ok("balance", "{\"token_symbol\":\"CPOP\",\"address\":\"" HOLDER "\"}", &r);
	ck_assert(json_object_object_get_ex(doc, "block", &v));
	snprintf(num, sizeof(num), "%" PRIu64, json_object_get_uint64(v));
	ct_call_uint(want, sizeof(want), num, cpop, "balanceOf(address)(uint256)", HOLDER);
	ct_assert_str(doc, "onchain_balance_raw", want);
	ct_assert_str(doc, "token_symbol", "CPOP");
	ct_assert_u64(doc, "chain_id", 31337);
	ct_assert_str(doc, "address", HOLDER);
	ct_lower(lower, sizeof(lower), HOLDER);
	have_synced = lt_sql_str(synced, sizeof(synced), "SELECT COALESCE(balance, 0) FROM"
	    " token_balances WHERE chain_id = 31337 AND token_address = UNHEX(?) AND"
	    " holder = UNHEX(?)", cpop + 2, lower + 2, NULL);
	ct_assert_str(doc, "synced_balance_raw", have_synced ? synced : "0");
	ct_assert_bool(doc, "synced_matches", strcmp(have_synced ? synced : "0", want) == 0);
	ct_assert_null(doc, "wallet");
	ct_assert_members(doc, 11);
	hresp_free(&r);

	/* With a wallet bound to a user whose confirmed balance is the chain's. */
	lt_sql_exec("DELETE FROM wallets WHERE chain_id = 31337 AND address = UNHEX(?)",
	    RECIPIENT_HEX, NULL);
	lt_name(user, sizeof(user), "vb");
	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,\"address\":\""
	    RECIPIENT "\"}", user);
	lt_post("/api/v1/wallets", harness_env()->api_key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "bind: %ld %s", r.status, r.body);
	hresp_free(&r);
	lt_adjust(harness_env()->api_key, user, "CPOP", "5.0");
	ct_call_uint(want, sizeof(want), NULL, cpop, "balanceOf(address)(uint256)", RECIPIENT);
	snprintf(tok, sizeof(tok), "%s", ct_token_id("CPOP"));
	lt_sql_exec("UPDATE user_balances SET confirmed_balance = ? WHERE user_id = ? AND"
	    " token_id = ?", want, user, tok, NULL);
	doc = verify_ok("balance", "{\"token_symbol\":\"CPOP\",\"address\":\"" RECIPIENT "\"}",
	    &r);
	ct_assert_str(doc, "onchain_balance_raw", want);
	ck_assert(json_object_object_get_ex(doc, "wallet", &w) && w != NULL);
	ct_assert_str(w, "user_id", user);
	ct_assert_str(w, "confirmed_balance_raw", want);
	ct_assert_str(w, "pending_balance", "5.0");
	ct_assert_str(w, "pending_balance_raw", "5" E18);
	ct_assert_bool(w, "matches", true);
	ct_assert_members(w, 6);
	hresp_free(&r);
	lt_sql_exec("UPDATE user_balances SET confirmed_balance = confirmed_balance - 1"
	    " WHERE user_id = ? AND token_id = ?", user, tok, NULL);
	doc = verify_ok("balance", "{\"token_symbol\":\"CPOP\",\"address\":\"" RECIPIENT "\"}",
	    &r);
	ct_assert_bool(json_object_object_get(doc, "wallet"), "matches", false);
	hresp_free(&r);
	lt_sql_exec("DELETE FROM wallets WHERE chain_id = 31337 AND address = UNHEX(?)",
	    RECIPIENT_HEX, NULL);

	verify_err("balance", "{\"token_symbol\":\"NOPE\",\"address\":\"" HOLDER "\"}", 400,
	    "unknown_token", "token_symbol");
	verify_err("balance", "{\"token_symbol\":\"CPOP\",\"address\":\"0x1\"}", 400,
	    "invalid_address", "address");
	verify_err("balance", "{\"token_symbol\":\"CPOP\"}", 400, "missing_field", "address");
	verify_err("balance", "{\"address\":\"" HOLDER "\"}", 400, "missing_field",
	    "token_symbol");
	verify_err("balance", "{\"token_symbol\":\"CPOP\",\"address\":\"" HOLDER "\",\"block\":1}",
	    400, "unknown_field", "block");
}
END_TEST

/* --------------------------------------------------------------- reconcile */

static void
bind_wallet(const char *user, const char *addr_hex)
{
	struct hresp r;
	char body[512];

	snprintf(body, sizeof(body), "{\"user_id\":\"%.128s\",\"chain_id\":31337,\"address\":"
	    "\"0x%.40s\"}", user, addr_hex);
	lt_post("/api/v1/wallets", harness_env()->api_key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "bind: %ld %s", r.status, r.body);
	hresp_free(&r);
}

/* Credits user and settles it as confirmed (what the chain daemon does). */
static void
ledger_confirmed(const char *user, const char *sym, const char *amount)
{
	lt_adjust(harness_env()->api_key, user, sym, amount);
	lt_sql_exec("UPDATE user_balances SET confirmed_balance = pending_balance WHERE"
	    " user_id = ?", user, NULL);
}

static void
synced_balance(const char *token_hex, const char *holder_hex, const char *value,
    const char *raw_hex)
{
	lt_sql_exec("INSERT INTO token_balances (chain_id, token_address, holder, balance,"
	    " balance_raw, updated_block) VALUES (31337, UNHEX(?), UNHEX(?), NULLIF(?, ''),"
	    " UNHEX(NULLIF(?, '')), 1)", token_hex, holder_hex, value ? value : "",
	    raw_hex ? raw_hex : "", NULL);
}

START_TEST(test_reconcile)
{
	const char *cpop = harness_getenv("CPOP_ADDRESS");
	char sym[32], taddr[41], a[4][41], u[5][LT_NAME_MAX], path[256], num[24],
	    want[U256_DEC_MAX];
	json_object *doc, *entry, *list, *v;
	struct hresp r;
	uint64_t before, after;
	size_t i, n;
	bool seen_cpop = false, seen_sym = false;

	ct_token(CT_STACK_CHAIN_ID, 6, sym, sizeof(sym), taddr);
	for (i = 0; i < 4; i++)
		ct_random_hex(a[i], 40);
	lt_name(u[0], sizeof(u[0]), "rcA");
	lt_name(u[1], sizeof(u[1]), "rcB");
	lt_name(u[2], sizeof(u[2]), "rcC");
	lt_name(u[3], sizeof(u[3]), "rcD");
	lt_name(u[4], sizeof(u[4]), "rcE");
	for (i = 0; i < 4; i++)
		bind_wallet(u[i], a[i]);
	/* A: ledger 3, chain 5.  B: ledger none, chain past 65 digits.
	 * C: 4 and 4, in agreement.  D: ledger 7, chain none.  E: pending only. */
	ledger_confirmed(u[0], sym, "3.0");
	ledger_confirmed(u[2], sym, "4.0");
	ledger_confirmed(u[3], sym, "7.0");
	lt_adjust(harness_env()->api_key, u[4], sym, "2.5");
	synced_balance(taddr, a[0], "5000000", NULL);
	synced_balance(taddr, a[1], NULL,
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
	synced_balance(taddr, a[2], "4000000", NULL);
	lt_sql_exec("INSERT INTO token_supply (chain_id, token_address, total_supply,"
	    " updated_block) VALUES (31337, UNHEX(?), 20000000, 1)", taddr, NULL);

	snprintf(path, sizeof(path), "/api/v1/reconcile?token_symbol=%s", sym);
	before = ct_head();
	doc = ct_get_ok(path, key_read, &r);
	after = ct_head();
	ck_assert_uint_eq(lt_len(doc, "tokens"), 1);
	ct_assert_bool(doc, "tokens_truncated", false);
	entry = json_object_array_get_idx(json_object_object_get(doc, "tokens"), 0);
	ck_assert(json_object_object_get_ex(entry, "block", &v));
	ck_assert(json_object_get_uint64(v) >= before && json_object_get_uint64(v) <= after);
	json_object_object_del(entry, "block");
	ck_assert(json_object_object_get_ex(entry, "synced_block", NULL));
	json_object_object_del(entry, "synced_block");
	ct_assert_json(entry, "{\"token_symbol\":\"%s\",\"chain_id\":31337,"
	    "\"onchain_supply\":null,\"onchain_supply_raw\":null,\"onchain_error\":\"not_a_token\","
	    "\"synced_supply\":\"20.0\",\"synced_supply_raw\":\"20000000\","
	    "\"ledger_confirmed_total\":\"14.0\",\"ledger_confirmed_total_raw\":\"14000000\","
	    "\"ledger_pending_total\":\"16.5\",\"ledger_pending_total_raw\":\"16500000\","
	    "\"ledger_balances\":4,\"mismatches\":["
	    "{\"user_id\":\"%s\",\"address\":\"%s\",\"onchain_balance\":\"5.0\","
	    "\"onchain_balance_raw\":\"5000000\",\"ledger_confirmed_balance\":\"3.0\","
	    "\"ledger_confirmed_balance_raw\":\"3000000\",\"difference\":\"+2.0\","
	    "\"difference_raw\":\"+2000000\"},"
	    "{\"user_id\":\"%s\",\"address\":\"%s\","
	    "\"onchain_balance\":\"115792089237316195423570985008687907853269984665640564039457584007913129.639935\","
	    "\"onchain_balance_raw\":\"115792089237316195423570985008687907853269984665640564039457584007913129639935\","
	    "\"ledger_confirmed_balance\":\"0.0\",\"ledger_confirmed_balance_raw\":\"0\","
	    "\"difference\":\"+115792089237316195423570985008687907853269984665640564039457584007913129.639935\","
	    "\"difference_raw\":\"+115792089237316195423570985008687907853269984665640564039457584007913129639935\"},"
	    "{\"user_id\":\"%s\",\"address\":\"%s\",\"onchain_balance\":\"0.0\","
	    "\"onchain_balance_raw\":\"0\",\"ledger_confirmed_balance\":\"7.0\","
	    "\"ledger_confirmed_balance_raw\":\"7000000\",\"difference\":\"-7.0\","
	    "\"difference_raw\":\"-7000000\"}],"
	    "\"mismatches_truncated\":false,\"supply_matches\":null}", sym,
	    u[0], ct_eip55(a[0]), u[1], ct_eip55(a[1]), u[3], ct_eip55(a[3]));
	hresp_free(&r);

	/* A real token: the supply from totalSupply at the block named. */
	doc = ct_get_ok("/api/v1/reconcile?token_symbol=CPOP", key_read, &r);
	entry = json_object_array_get_idx(json_object_object_get(doc, "tokens"), 0);
	ck_assert(json_object_object_get_ex(entry, "block", &v));
	snprintf(num, sizeof(num), "%" PRIu64, json_object_get_uint64(v));
	ct_call_uint(want, sizeof(want), num, cpop, "totalSupply()(uint256)", NULL);
	ct_assert_str(entry, "onchain_supply_raw", want);
	ct_assert_null(entry, "onchain_error");
	ck_assert(json_object_object_get_ex(entry, "supply_matches", &v) &&
	    json_object_is_type(v, json_type_boolean));
	hresp_free(&r);

	/* Every token. */
	doc = ct_get_ok("/api/v1/reconcile", key_read, &r);
	ck_assert(json_object_object_get_ex(doc, "tokens", &list));
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		const char *s = lt_str(json_object_array_get_idx(list, i), "token_symbol");

		seen_cpop |= s != NULL && strcmp(s, "CPOP") == 0;
		seen_sym |= s != NULL && strcmp(s, sym) == 0;
	}
	ck_assert(seen_cpop && seen_sym);
	hresp_free(&r);

	lt_get("/api/v1/reconcile?token_symbol=NOPE", key_read, &r);
	lt_assert_error(&r, 400, "unknown_token", "token_symbol");
	hresp_free(&r);
	lt_get("/api/v1/reconcile?limit=5", key_read, &r);
	lt_assert_error(&r, 400, "unknown_query_parameter", NULL);
	hresp_free(&r);

	for (i = 0; i < 4; i++)
		lt_sql_exec("DELETE FROM wallets WHERE chain_id = 31337 AND address = UNHEX(?)",
		    a[i], NULL);
	lt_sql_exec("DELETE FROM token_balances WHERE chain_id = 31337 AND token_address ="
	    " UNHEX(?)", taddr, NULL);
	lt_sql_exec("DELETE FROM token_supply WHERE chain_id = 31337 AND token_address ="
	    " UNHEX(?)", taddr, NULL);
}
END_TEST

/* --------------------------------------------------------- node stopped */

static pid_t anvil_pid;

static void
anvil_continue(void)
{
	if (anvil_pid > 0)
		kill(anvil_pid, SIGCONT);
}

/* A token's ledger totals may pass 65 digits (each balance is below
 * 10^65, their sum need not be): reconcile reports them exactly. */
START_TEST(test_reconcile_huge_totals)
{
	char sym[32], taddr[41], u[2][LT_NAME_MAX], path[256], nines[66], want[80];
	json_object *doc, *entry;
	struct hresp r;

	ct_token(CT_STACK_CHAIN_ID, 0, sym, sizeof(sym), taddr);
	memset(nines, '9', 65);
	nines[65] = '\0';
	lt_name(u[0], sizeof(u[0]), "rhA");
	lt_name(u[1], sizeof(u[1]), "rhB");
	lt_adjust(harness_env()->api_key, u[0], sym, nines);
	lt_adjust(harness_env()->api_key, u[1], sym, nines);
	snprintf(path, sizeof(path), "/api/v1/reconcile?token_symbol=%s", sym);
	doc = ct_get_ok(path, key_read, &r);
	entry = json_object_array_get_idx(json_object_object_get(doc, "tokens"), 0);
	ck_assert_ptr_nonnull(entry);
	/* 2 * (10^65 - 1) = 1 followed by 64 nines and an 8 */
	want[0] = '1';
	memset(want + 1, '9', 64);
	want[65] = '8';
	want[66] = '\0';
	ck_assert_str_eq(lt_str(entry, "ledger_pending_total_raw"), want);
	ck_assert_str_eq(lt_str(entry, "ledger_confirmed_total_raw"), "0");
	hresp_free(&r);
}
END_TEST

START_TEST(test_chain_unavailable)
{
	const char *cpop = harness_getenv("CPOP_ADDRESS");
	struct hresp r;
	char body[512], ra[16], sig[133];
	uint64_t start;

	harness_exclusive();
	cast_sign("still pure", false, sig);
	ck_assert(anvil_pid > 0);
	ck_assert(kill(anvil_pid, SIGSTOP) == 0);
	snprintf(body, sizeof(body), "{\"chain_id\":31337,\"to\":\"%s\",\"data\":\"0x18160ddd\"}",
	    cpop);
	start = harness_now_ms();
	lt_post(VERIFY_PATH "call", key_read, NULL, body, &r);
	lt_assert_error(&r, 503, "chain_unavailable", NULL);
	ck_assert(hresp_header(&r, "Retry-After", ra, sizeof(ra)));
	/* One bounded attempt: rpc_timeout_ms (10 s by default) and a margin. */
	ck_assert_msg(harness_now_ms() - start < 16000, "took %" PRIu64 " ms",
	    harness_now_ms() - start);
	hresp_free(&r);
	/* The signature check needs no node. */
	snprintf(body, sizeof(body), "{\"address\":\"" SIGN_ADDR "\",\"message\":\"still pure\","
	    "\"signature\":\"%s\"}", sig);
	lt_post(VERIFY_PATH "signature", key_read, NULL, body, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	hresp_free(&r);
	lt_get("/api/v1/reconcile?token_symbol=CPOP", key_read, &r);
	lt_assert_error(&r, 503, "chain_unavailable", NULL);
	hresp_free(&r);
	ck_assert(kill(anvil_pid, SIGCONT) == 0);
	/* And the node is back. */
	lt_post(VERIFY_PATH "call", key_read, NULL, "{\"chain_id\":31337,\"to\":\"" HOLDER "\","
	    "\"data\":\"0x\"}", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	hresp_free(&r);
}
END_TEST

static Suite *
verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("verify");
	TCase *down = tcase_create("node_down");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_verify_transfer);
	tcase_add_test(tc, test_verify_transfer_errors);
	tcase_add_test(tc, test_verify_call);
	tcase_add_test(tc, test_verify_signature);
	tcase_add_test(tc, test_verify_balance);
	tcase_add_test(tc, test_reconcile);
	tcase_add_test(tc, test_reconcile_huge_totals);
	suite_add_tcase(s, tc);
	/* The teardown runs in the runner, also after a failed or killed case:
	 * anvil never stays stopped. */
	tcase_set_timeout(down, 90);
	tcase_add_unchecked_fixture(down, NULL, anvil_continue);
	tcase_add_test(down, test_chain_unavailable);
	suite_add_tcase(s, down);
	return s;
}

int
main(void)
{
	const char *pid;
	SRunner *sr;
	int failed;

	harness_require_stack();
	pid = harness_getenv("ANVIL_PID");
	anvil_pid = pid != NULL ? (pid_t)strtol(pid, NULL, 10) : 0;
	key_read = harness_apikey("read");
	sr = srunner_create(verify_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	anvil_continue();
	free(key_read);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
