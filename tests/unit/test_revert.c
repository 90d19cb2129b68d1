/*
 * test_revert.c - Check suite for revert data: Error(string),
 * Panic(uint256) and custom errors, with the bytes anvil returned for
 * reverted calls and OpenZeppelin's AccessControl error.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "eth/revert.h"

#define W(x)	"000000000000000000000000000000000000000000000000000000000000" x
/* Error("nope") exactly as anvil 1.7 puts it in error.data. */
#define ERR_NOPE "0x08c379a0" W("0020") W("0004") \
	"6e6f706500000000000000000000000000000000000000000000000000000000"
/* Panic(0x11) as anvil puts it. */
#define PANIC_11 "0x4e487b71" W("0011")
/* AccessControlUnauthorizedAccount(address account, bytes32 role). */
#define AC_UNAUTH "0xe2517d3f" \
	"00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8" \
	"9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6"

struct decode_case {
	const char	*hex;
	enum cb_err	 rc;
	enum revert_kind kind;
	const char	*message;	/* REVERT_ERROR */
	uint64_t	 panic;		/* REVERT_PANIC */
	size_t		 args_len;
	const char	*describe;
};

static const struct decode_case decode_cases[] = {
	{ "0x", CB_OK, REVERT_EMPTY, NULL, 0, 0, "revert without data" },
	{ ERR_NOPE, CB_OK, REVERT_ERROR, "nope", 0, 96, "Error(\"nope\")" },
	/* An empty reason is still a reason. */
	{ "0x08c379a0" W("0020") W("0000"), CB_OK, REVERT_ERROR, "", 0, 64,
	    "Error(\"\")" },
	{ PANIC_11, CB_OK, REVERT_PANIC, NULL, 0x11, 32,
	    "Panic(0x11: arithmetic underflow or overflow)" },
	{ "0x4e487b71" W("0001"), CB_OK, REVERT_PANIC, NULL, 0x01, 32,
	    "Panic(0x1: assertion failed)" },
	{ "0x4e487b71" W("0099"), CB_OK, REVERT_PANIC, NULL, 0x99, 32,
	    "Panic(0x99: unknown panic code)" },
	/* EmptyBatch(): a selector alone. */
	{ "0xc2e5347d", CB_OK, REVERT_CUSTOM, NULL, 0, 0,
	    "custom error 0xc2e5347d (0 bytes of arguments)" },
	{ AC_UNAUTH, CB_OK, REVERT_CUSTOM, NULL, 0, 64,
	    "custom error 0xe2517d3f (64 bytes of arguments)" },
	/* Custom arguments are not checked: they are the caller's to decode. */
	{ "0xdeadbeef01", CB_OK, REVERT_CUSTOM, NULL, 0, 1,
	    "custom error 0xdeadbeef (1 bytes of arguments)" },
	/* No selector. */
	{ "0x08", CB_ERR_INVALID, REVERT_EMPTY, NULL, 0, 0, NULL },
	{ "0x08c379", CB_ERR_INVALID, REVERT_EMPTY, NULL, 0, 0, NULL },
	/* Built-in selectors with arguments that do not decode. */
	{ "0x08c379a0", CB_ERR_INVALID, REVERT_EMPTY, NULL, 0, 0, NULL },
	{ "0x08c379a0" W("0020"), CB_ERR_INVALID, REVERT_EMPTY, NULL, 0, 0, NULL },
	/* Length past the data. */
	{ "0x08c379a0" W("0020") W("0021")
	    "6e6f706500000000000000000000000000000000000000000000000000000000",
	    CB_ERR_INVALID, REVERT_EMPTY, NULL, 0, 0, NULL },
	/* Offset past the data. */
	{ "0x08c379a0" W("0400") W("0004"), CB_ERR_INVALID, REVERT_EMPTY, NULL,
	    0, 0, NULL },
	{ "0x4e487b71", CB_ERR_INVALID, REVERT_EMPTY, NULL, 0, 0, NULL },
	/* A word one byte short. */
	{ "0x4e487b71" W("11"),
	    CB_ERR_INVALID, REVERT_EMPTY, NULL, 0, 0, NULL },
	{ "0x4e487b71" W("0011") W("0000"), CB_ERR_INVALID, REVERT_EMPTY, NULL,
	    0, 0, NULL },
};

START_TEST(test_decode)
{
	const struct decode_case *t = &decode_cases[_i];
	uint8_t data[512];
	size_t len = 0;
	struct revert_reason r;
	char text[REVERT_DESCRIBE_MAX];
	enum cb_err rc;
	uint64_t code;

	ck_assert_int_eq(hex_decode(data, sizeof(data), t->hex, strlen(t->hex),
	    &len), 0);
	memset(&r, 0xa5, sizeof(r));
	rc = revert_decode(data, len, &r);
	ck_assert_msg(rc == t->rc, "%s: got %d want %d", t->hex, rc, t->rc);
	ck_assert_int_eq(r.kind, t->kind);
	if (rc != CB_OK) {
		ck_assert_ptr_null(r.args);	/* zeroed */
		return;
	}
	ck_assert_uint_eq(r.args_len, t->args_len);
	if (t->args_len > 0)
		ck_assert_ptr_eq(r.args, data + 4);
	else
		ck_assert_ptr_null(r.args);
	if (t->kind == REVERT_ERROR) {
		ck_assert_uint_eq(r.message_len, strlen(t->message));
		ck_assert(memcmp(r.message, t->message, r.message_len) == 0);
		ck_assert(revert_is(&r, "Error(string)"));
	} else
		ck_assert_ptr_null(r.message);
	if (t->kind == REVERT_PANIC) {
		ck_assert(u256_to_u64(&r.panic_code, &code));
		ck_assert_uint_eq(code, t->panic);
		ck_assert(revert_is(&r, "Panic(uint256)"));
	}
	ck_assert_uint_eq(revert_describe(&r, text, sizeof(text)),
	    strlen(t->describe));
	ck_assert_str_eq(text, t->describe);
}
END_TEST

START_TEST(test_is)
{
	uint8_t data[128];
	size_t len;
	struct revert_reason r;

	ck_assert_int_eq(hex_decode(data, sizeof(data), AC_UNAUTH,
	    strlen(AC_UNAUTH), &len), 0);
	ck_assert_int_eq(revert_decode(data, len, &r), CB_OK);
	ck_assert(revert_is(&r, "AccessControlUnauthorizedAccount(address,bytes32)"));
	ck_assert(!revert_is(&r, "AccessControlBadConfirmation()"));
	ck_assert(!revert_is(&r, "Error(string)"));
	ck_assert(!revert_is(&r, NULL));

	ck_assert_int_eq(hex_decode(data, sizeof(data), "0xbd6afbc9" W("0001"),
	    strlen("0xbd6afbc9" W("0001")), &len), 0);
	ck_assert_int_eq(revert_decode(data, len, &r), CB_OK);
	ck_assert(revert_is(&r, "BatchAlreadyProcessed(bytes32)"));
	ck_assert_uint_eq(r.args_len, 32);
	ck_assert_uint_eq(r.args[31], 1);

	/* Nothing matches a revert without data. */
	ck_assert_int_eq(revert_decode(NULL, 0, &r), CB_OK);
	ck_assert_int_eq(r.kind, REVERT_EMPTY);
	ck_assert(!revert_is(&r, "EmptyBatch()"));
}
END_TEST

START_TEST(test_panic_text)
{
	u256 v;

	u256_from_u64(&v, 0x12);
	ck_assert_str_eq(revert_panic_text(&v), "division or modulo by zero");
	u256_from_u64(&v, 0x32);
	ck_assert_str_eq(revert_panic_text(&v), "array index out of bounds");
	u256_from_u64(&v, 0x13);
	ck_assert_ptr_null(revert_panic_text(&v));
	/* Above 64 bits. */
	u256_zero(&v);
	v.limb[3] = 1;
	ck_assert_ptr_null(revert_panic_text(&v));
}
END_TEST

START_TEST(test_describe_masks_and_cuts)
{
	/* Error("a\"b\n\\c\xff") */
	static const uint8_t data[] = {
		0x08, 0xc3, 0x79, 0xa0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
		'a', '"', 'b', '\n', '\\', 'c', 0xff, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct revert_reason r;
	char text[REVERT_DESCRIBE_MAX], small[8];

	ck_assert_int_eq(revert_decode(data, sizeof(data), &r), CB_OK);
	ck_assert_uint_eq(r.message_len, 7);
	revert_describe(&r, text, sizeof(text));
	ck_assert_str_eq(text, "Error(\"a?b??c?\")");
	/* Cut to the buffer, still terminated. */
	ck_assert_uint_eq(revert_describe(&r, small, sizeof(small)), 7);
	ck_assert_str_eq(small, "Error(\"");
	ck_assert_uint_eq(revert_describe(&r, small, 0), 0);
	ck_assert_uint_eq(revert_describe(&r, small, 1), 0);
	ck_assert_str_eq(small, "");
}
END_TEST

static Suite *
revert_suite(void)
{
	Suite *s = suite_create("revert");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_loop_test(tc, test_decode, 0,
	    sizeof(decode_cases) / sizeof(decode_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_test(tc, test_is);
	tcase_add_test(tc, test_panic_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("describe");
	tcase_add_test(tc, test_describe_masks_and_cuts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(revert_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
