/* test_apikey.c - API key format, hashing and scopes. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "store/apikey.h"
#include "core/hex.h"

START_TEST(test_generate_parse)
{
	char key[APIKEY_LEN + 1], key2[APIKEY_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1];

	ck_assert_int_eq(apikey_generate(key), CB_OK);
	ck_assert_uint_eq(strlen(key), APIKEY_LEN);
	ck_assert(apikey_parse(key, strlen(key), prefix));
	ck_assert(memcmp(prefix, key, APIKEY_PREFIX_LEN) == 0);
	ck_assert(strncmp(prefix, "cbk_", 4) == 0);
	ck_assert_int_eq(apikey_generate(key2), CB_OK);
	ck_assert_str_ne(key, key2);
}
END_TEST

static const char *const bad_keys[] = {
	"",
	"cbk_",
	"cbk_0123abcd",
	"cbk_0123abcd_",
	"xbk_0123abcd_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"cbk_0123abcdX0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"cbk_0123ABCD_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"cbk_0123abcd_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
	"cbk_0123abcd_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefa",
	"cbk_0123abcd_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
};

START_TEST(test_parse_rejects)
{
	char prefix[APIKEY_PREFIX_LEN + 1];

	ck_assert(!apikey_parse(bad_keys[_i], strlen(bad_keys[_i]), prefix));
}
END_TEST

START_TEST(test_hash_vector)
{
	/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
	uint8_t h[32], want[32], other[32];

	apikey_hash("abc", 3, h);
	ck_assert_int_eq(hex_decode_exact(want, 32,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64), 0);
	ck_assert(apikey_hash_equal(h, want));
	apikey_hash("abd", 3, other);
	ck_assert(!apikey_hash_equal(h, other));
}
END_TEST

START_TEST(test_scopes)
{
	char out[32];

	ck_assert_int_eq(apikey_scopes_parse("read", 4), APIKEY_SCOPE_READ);
	ck_assert_int_eq(apikey_scopes_parse("read,write,admin", 16),
	    APIKEY_SCOPE_READ | APIKEY_SCOPE_WRITE | APIKEY_SCOPE_ADMIN);
	ck_assert_int_eq(apikey_scopes_parse("admin,read", 10),
	    APIKEY_SCOPE_READ | APIKEY_SCOPE_ADMIN);
	ck_assert_int_eq(apikey_scopes_parse("", 0), -1);
	ck_assert_int_eq(apikey_scopes_parse("read,", 5), -1);
	ck_assert_int_eq(apikey_scopes_parse("root", 4), -1);
	ck_assert_int_eq(apikey_scopes_parse("reads", 5), -1);
	ck_assert_str_eq(apikey_scopes_format(APIKEY_SCOPE_WRITE | APIKEY_SCOPE_READ, out,
	    sizeof(out)), "read,write");
	ck_assert_str_eq(apikey_scopes_format(0, out, sizeof(out)), "");
}
END_TEST

static Suite *
apikey_suite(void)
{
	Suite *s = suite_create("apikey");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_generate_parse);
	tcase_add_loop_test(tc, test_parse_rejects, 0, sizeof(bad_keys) / sizeof(bad_keys[0]));
	tcase_add_test(tc, test_hash_vector);
	tcase_add_test(tc, test_scopes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(apikey_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
