/* test_hash32.c - Check suite for 32-byte hashes and their text form. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "eth/hash32.h"

#define H_TX	"0xa23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff3"

struct parse_case {
	const char	*s;
	enum cb_err	 rc;
};

static const struct parse_case parse_cases[] = {
	{ H_TX, CB_OK },
	{ "0xA23B52004FE574000765FBE20A311B2785A318C9DBE6B0BF6A4C1F8936F57FF3", CB_OK },
	{ "0x0000000000000000000000000000000000000000000000000000000000000000", CB_OK },
	/* No prefix, uppercase prefix, one digit short or long. */
	{ "a23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff3", CB_ERR_INVALID },
	{ "0Xa23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff3", CB_ERR_INVALID },
	{ "0xa23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff", CB_ERR_INVALID },
	{ "0xa23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff33", CB_ERR_INVALID },
	/* An address is not a hash. */
	{ "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", CB_ERR_INVALID },
	{ "0xg23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff3", CB_ERR_INVALID },
	{ "0x a3b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff3", CB_ERR_INVALID },
	{ "", CB_ERR_INVALID },
	{ "0x", CB_ERR_INVALID },
};

START_TEST(test_parse)
{
	const struct parse_case *t = &parse_cases[_i];
	struct hash32 h, before;
	enum cb_err rc;

	memset(&h, 0xa5, sizeof(h));
	before = h;
	rc = hash32_parse(t->s, strlen(t->s), &h);
	ck_assert_msg(rc == t->rc, "'%s': got %d want %d", t->s, rc, t->rc);
	if (rc != CB_OK)
		ck_assert(hash32_eq(&h, &before));	/* untouched */
}
END_TEST

START_TEST(test_parse_bounds)
{
	struct hash32 h;
	char buf[HASH32_HEX_LEN + 1];

	ck_assert_int_eq(hash32_parse(NULL, 66, &h), CB_ERR_INVALID);
	/* The length bounds the input: a NUL inside is a bad digit. */
	memcpy(buf, H_TX, sizeof(buf));
	buf[40] = '\0';
	ck_assert_int_eq(hash32_parse(buf, HASH32_HEX_LEN, &h), CB_ERR_INVALID);
	/* A longer string read as 66 characters is fine. */
	ck_assert_int_eq(hash32_parse(H_TX "ff", HASH32_HEX_LEN, &h), CB_OK);
}
END_TEST

START_TEST(test_format)
{
	struct hash32 h, back;
	char text[HASH32_STR_SIZE];

	ck_assert_int_eq(hash32_parse("0xA23B52004FE574000765FBE20A311B2785A318C9"
	    "DBE6B0BF6A4C1F8936F57FF3", HASH32_HEX_LEN, &h), CB_OK);
	ck_assert_uint_eq(h.bytes[0], 0xa2);
	ck_assert_uint_eq(h.bytes[31], 0xf3);
	hash32_to_hex(&h, text);
	ck_assert_str_eq(text, H_TX);
	ck_assert_int_eq(hash32_parse(text, strlen(text), &back), CB_OK);
	ck_assert(hash32_eq(&h, &back));
}
END_TEST

START_TEST(test_eq_zero)
{
	struct hash32 a, b;

	memset(&a, 0, sizeof(a));
	b = a;
	ck_assert(hash32_is_zero(&a));
	ck_assert(hash32_eq(&a, &b));
	b.bytes[31] = 1;
	ck_assert(!hash32_is_zero(&b));
	ck_assert(!hash32_eq(&a, &b));
	a.bytes[31] = 1;
	ck_assert(hash32_eq(&a, &b));
}
END_TEST

static Suite *
hash32_suite(void)
{
	Suite *s = suite_create("hash32");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse, 0,
	    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(tc, test_parse_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_eq_zero);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hash32_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
