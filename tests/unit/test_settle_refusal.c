/* test_settle_refusal.c - what a reverted settlement call means
 * (src/chaind/refusal.c), with the published selectors of Solidity and
 * OpenZeppelin v5. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "eth/abi.h"
#include "eth/keccak.h"
#include "refusal.h"

/* Builds selector(signature) + args into buf; returns the length. */
static size_t
enc(uint8_t *buf, size_t cap, const char *signature, void (*args)(struct abi_enc *))
{
	uint8_t sel[ABI_SELECTOR_LEN], *out = NULL;
	struct abi_enc e;
	size_t len = 0;

	abi_selector(signature, sel);
	abi_enc_init(&e, sel, 4096);
	if (args != NULL)
		args(&e);
	ck_assert_int_eq(abi_enc_finish(&e, &out, &len), CB_OK);
	ck_assert(len <= cap);
	memcpy(buf, out, len);
	free(out);
	return len;
}

static struct address
holder(void)
{
	struct address a;

	ck_assert_int_eq(address_parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", 42, &a),
	    ADDRESS_OK);
	return a;
}

static void
args_string(struct abi_enc *e)
{
	(void)abi_enc_string(e, "not allowed\n", 12);
}

static void
args_panic(struct abi_enc *e)
{
	u256 v;

	u256_from_u64(&v, 0x11);
	(void)abi_enc_uint256(e, &v);
}

static void
args_insufficient(struct abi_enc *e)
{
	struct address a = holder();
	u256 bal, need;

	u256_from_u64(&bal, 5);
	u256_from_u64(&need, 10);
	(void)abi_enc_address(e, &a);
	(void)abi_enc_uint256(e, &bal);
	(void)abi_enc_uint256(e, &need);
}

static void
args_unauthorized(struct abi_enc *e)
{
	struct address a = holder();
	uint8_t role[32];

	keccak256("MINTER_ROLE", strlen("MINTER_ROLE"), role);
	(void)abi_enc_address(e, &a);
	(void)abi_enc_bytes32(e, role);
}

static void
args_key(struct abi_enc *e)
{
	uint8_t key[32];

	memset(key, 0xab, sizeof(key));
	(void)abi_enc_bytes32(e, key);
}

static void
args_lengths(struct abi_enc *e)
{
	u256 a, b;

	u256_from_u64(&a, 3);
	u256_from_u64(&b, 2);
	(void)abi_enc_uint256(e, &a);
	(void)abi_enc_uint256(e, &b);
}

/* The selectors everyone publishes. */
START_TEST(test_published_selectors)
{
	static const struct {
		const char *sig, *hex;
	} known[] = {
		{ "Error(string)", "08c379a0" },
		{ "Panic(uint256)", "4e487b71" },
		{ "ERC20InsufficientBalance(address,uint256,uint256)", "e450d38c" },
		{ "AccessControlUnauthorizedAccount(address,bytes32)", "e2517d3f" },
		{ "EnforcedPause()", "d93c0665" },
		{ "ERC20InvalidReceiver(address)", "ec442f05" },
	};
	uint8_t sel[4];
	char hex[9];
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		abi_selector(known[i].sig, sel);
		hex_encode(hex, sizeof(hex), sel, 4, false);
		ck_assert_str_eq(hex, known[i].hex);
	}
}
END_TEST

START_TEST(test_decode_kinds)
{
	uint8_t buf[512];
	struct refusal r;
	struct address want = holder();
	size_t n;

	n = enc(buf, sizeof(buf), "Error(string)", args_string);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_ERROR_STRING);
	ck_assert_str_eq(r.text, "Error(\"not allowed?\")");

	n = enc(buf, sizeof(buf), "Panic(uint256)", args_panic);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_PANIC);
	ck_assert_str_eq(r.text, "Panic(0x11: arithmetic underflow or overflow)");

	n = enc(buf, sizeof(buf), "ERC20InsufficientBalance(address,uint256,uint256)",
	    args_insufficient);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_INSUFFICIENT_BALANCE);
	ck_assert(address_eq(&r.account, &want));
	ck_assert_str_eq(r.text, "ERC20InsufficientBalance("
	    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, 5, 10)");
	ck_assert(!refusal_whole_batch(r.kind));

	n = enc(buf, sizeof(buf), "AccessControlUnauthorizedAccount(address,bytes32)",
	    args_unauthorized);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_UNAUTHORIZED);
	ck_assert_str_eq(r.text, "AccessControlUnauthorizedAccount("
	    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, MINTER_ROLE)");
	ck_assert(refusal_whole_batch(r.kind));

	n = enc(buf, sizeof(buf), "EnforcedPause()", NULL);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_PAUSED);
	ck_assert(refusal_whole_batch(r.kind));

	n = enc(buf, sizeof(buf), "BatchAlreadyProcessed(bytes32)", args_key);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_BATCH_PROCESSED);
	ck_assert_uint_eq(r.word[31], 0xab);

	n = enc(buf, sizeof(buf), "EmptyBatch()", NULL);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_EMPTY_BATCH);

	n = enc(buf, sizeof(buf), "LengthMismatch(uint256,uint256)", args_lengths);
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_LENGTH_MISMATCH);
	ck_assert_str_eq(r.text, "LengthMismatch(3, 2)");
}
END_TEST

/* Nothing, short, unknown, truncated arguments: never a crash, a text. */
START_TEST(test_decode_malformed)
{
	static const uint8_t unknown[] = { 0xde, 0xad, 0xbe, 0xef, 0x00 };
	uint8_t buf[512];
	struct refusal r;
	size_t n;

	refusal_decode(NULL, 0, &r);
	ck_assert_int_eq(r.kind, REFUSAL_NO_DATA);
	ck_assert_str_eq(r.text, "reverted without data");
	refusal_decode(unknown, 2, &r);
	ck_assert_int_eq(r.kind, REFUSAL_UNKNOWN);
	refusal_decode(unknown, sizeof(unknown), &r);
	ck_assert_int_eq(r.kind, REFUSAL_UNKNOWN);
	ck_assert_str_eq(r.text, "custom error 0xdeadbeef (1 bytes of arguments)");
	/* A known selector with its arguments cut short. */
	n = enc(buf, sizeof(buf), "ERC20InsufficientBalance(address,uint256,uint256)",
	    args_insufficient);
	refusal_decode(buf, n - 1, &r);
	ck_assert_int_eq(r.kind, REFUSAL_UNKNOWN);
	n = enc(buf, sizeof(buf), "Error(string)", args_string);
	buf[4 + 31] = 0xff;	/* the string's offset points far away */
	refusal_decode(buf, n, &r);
	ck_assert_int_eq(r.kind, REFUSAL_UNKNOWN);
	/* An address word with its high bytes set is not an address. */
	n = enc(buf, sizeof(buf), "ERC20InvalidReceiver(address)", NULL);
	memset(buf + 4, 0xff, 32);
	refusal_decode(buf, 36, &r);
	ck_assert_int_eq(r.kind, REFUSAL_UNKNOWN);
	(void)n;
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(refusal_kind_name(REFUSAL_INSUFFICIENT_BALANCE), "insufficient_balance");
	ck_assert_str_eq(refusal_kind_name(REFUSAL_KIND__MAX), "?");
}
END_TEST

static Suite *
refusal_suite(void)
{
	Suite *s = suite_create("settle_refusal");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_published_selectors);
	tcase_add_test(tc, test_decode_kinds);
	tcase_add_test(tc, test_decode_malformed);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(refusal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
