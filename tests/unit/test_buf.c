/* test_buf.c - Check suite for the size-capped buffer. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

START_TEST(test_append_basic)
{
	struct buf	 b;

	buf_init(&b, 100);
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_int_eq(buf_puts(&b, "abc"), CB_OK);
	ck_assert_int_eq(buf_putc(&b, 'd'), CB_OK);
	ck_assert_int_eq(buf_append(&b, "e\0f", 3), CB_OK);
	ck_assert_uint_eq(b.len, 7);
	ck_assert_int_eq(memcmp(b.data, "abcde\0f", 7), 0);
	ck_assert_int_eq(b.data[7], '\0');
	ck_assert_int_eq(buf_append(&b, NULL, 0), CB_OK);
	ck_assert_int_eq(buf_printf(&b, "%d-%s", 42, "x"), CB_OK);
	ck_assert_uint_eq(b.len, 11);
	ck_assert_str_eq(buf_cstr(&b) + 7, "42-x");
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.max, 100);
	buf_free(NULL);
}
END_TEST

START_TEST(test_put_u64)
{
	static const struct {
		uint64_t	 v;
		const char	*want;
	} cases[] = {
		{ 0, "0" }, { 7, "7" }, { 10, "10" }, { 503, "503" },
		{ 4294967296u, "4294967296" },
		{ UINT64_MAX, "18446744073709551615" },
	};
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 64);
		ck_assert_int_eq(buf_puts(&b, "x"), CB_OK);
		ck_assert_int_eq(buf_put_u64(&b, cases[i].v), CB_OK);
		ck_assert_str_eq(buf_cstr(&b) + 1, cases[i].want);
		buf_free(&b);
	}
	/* Over the cap: refused whole, the buffer unchanged. */
	buf_init(&b, 4);
	ck_assert_int_eq(buf_puts(&b, "ab"), CB_OK);
	ck_assert_int_eq(buf_put_u64(&b, 123), CB_ERR_TOO_LARGE);
	ck_assert_str_eq(buf_cstr(&b), "ab");
	buf_free(&b);
}
END_TEST

START_TEST(test_cap)
{
	struct buf	 b = BUF_INITIALIZER(8);

	ck_assert_int_eq(buf_puts(&b, "12345678"), CB_OK);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_int_eq(buf_putc(&b, 'x'), CB_ERR_TOO_LARGE);
	ck_assert_str_eq(buf_cstr(&b), "12345678");
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_ptr_nonnull(b.data);
	ck_assert_int_eq(buf_puts(&b, "1234"), CB_OK);
	/* A failed append leaves the content as it was. */
	ck_assert_int_eq(buf_puts(&b, "56789"), CB_ERR_TOO_LARGE);
	ck_assert_str_eq(buf_cstr(&b), "1234");
	ck_assert_int_eq(buf_printf(&b, "%s", "abcde"), CB_ERR_TOO_LARGE);
	ck_assert_str_eq(buf_cstr(&b), "1234");
	ck_assert_uint_eq(b.len, 4);
	ck_assert_int_eq(buf_printf(&b, "%s", "abcd"), CB_OK);
	ck_assert_str_eq(buf_cstr(&b), "1234abcd");
	ck_assert_uint_le(b.cap, 9);
	/* SIZE_MAX-sized requests must not wrap around. */
	ck_assert_int_eq(buf_append(&b, "x", SIZE_MAX), CB_ERR_TOO_LARGE);
	buf_free(&b);

	buf_init(&b, 0);
	ck_assert_int_eq(buf_putc(&b, 'a'), CB_ERR_TOO_LARGE);
	ck_assert_int_eq(buf_puts(&b, ""), CB_OK);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_free(&b);
}
END_TEST

START_TEST(test_growth)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(buf_putc(&b, (char)('a' + i % 26)), CB_OK);
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_uint_eq(strlen(buf_cstr(&b)), 100000);
	ck_assert_int_eq(b.data[99999], 'a' + 99999 % 26);
	buf_truncate(&b, 3);
	ck_assert_str_eq(buf_cstr(&b), "abc");
	buf_truncate(&b, 10);
	ck_assert_str_eq(buf_cstr(&b), "abc");
	buf_free(&b);
}
END_TEST

START_TEST(test_detach)
{
	struct buf	 b;
	char		*s;
	size_t		 n = 99;

	buf_init(&b, 16);
	s = buf_detach(&b, &n);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(n, 0);
	free(s);
	ck_assert_int_eq(buf_puts(&b, "hello"), CB_OK);
	s = buf_detach(&b, &n);
	ck_assert_str_eq(s, "hello");
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	buf_free(&b);
}
END_TEST

static const struct {
	const char	*in;
	size_t		 inlen;
	const char	*out;
} json_cases[] = {
	{ "", 0, "\"\"" },
	{ "plain", 5, "\"plain\"" },
	{ "q\"b\\s/", 6, "\"q\\\"b\\\\s/\"" },
	{ "\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"" },
	{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
	{ "a\0b", 3, "\"a\\u0000b\"" },
	{ "\n level=error", 13, "\"\\n level=error\"" },
	/* valid UTF-8 is kept: é, €, U+1F600 */
	{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
	  "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	/* line and paragraph separators are escaped */
	{ "\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"" },
	/* lone continuation byte, bad lead bytes */
	{ "a\x80z", 3, "\"a\xef\xbf\xbdz\"" },
	{ "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "\xff", 1, "\"\xef\xbf\xbd\"" },
	/* truncated sequence: one U+FFFD for the maximal subpart */
	{ "\xe2\x82" "A", 3, "\"\xef\xbf\xbd" "A\"" },
	{ "\xf0\x9f\x98", 3, "\"\xef\xbf\xbd\"" },
	/* surrogate encoded in UTF-8 (ED A0 80) is not valid */
	{ "\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	/* overlong 3-byte form of '/' */
	{ "\xe0\x80\xaf", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	/* above U+10FFFF */
	{ "\xf4\x90\x80\x80", 4,
	  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
};

START_TEST(test_json_string)
{
	struct buf	 b;

	buf_init(&b, 1024);
	ck_assert_int_eq(buf_puts(&b, "x="), CB_OK);
	ck_assert_int_eq(buf_append_json_string(&b, json_cases[_i].in,
	    json_cases[_i].inlen), CB_OK);
	ck_assert_str_eq(buf_cstr(&b) + 2, json_cases[_i].out);
	ck_assert_uint_eq(b.len, 2 + strlen(json_cases[_i].out));
	buf_free(&b);
}
END_TEST

START_TEST(test_json_string_cap)
{
	struct buf	 b;
	size_t		 max;

	/* "[" plus "a\n" quoted needs 6 bytes; smaller caps must fail cleanly. */
	for (max = 0; max < 8; max++) {
		buf_init(&b, max);
		if (max >= 1)
			ck_assert_int_eq(buf_putc(&b, '['), CB_OK);
		if (max >= 6) {
			ck_assert_int_eq(buf_append_json_string(&b, "a\n", 2),
			    CB_OK);
			ck_assert_str_eq(buf_cstr(&b), "[\"a\\n\"");
		} else {
			ck_assert_int_eq(buf_append_json_string(&b, "a\n", 2),
			    CB_ERR_TOO_LARGE);
			ck_assert_str_eq(buf_cstr(&b), max >= 1 ? "[" : "");
		}
		buf_free(&b);
	}
}
END_TEST

static const struct {
	const char	*s;
	size_t		 n;
	bool		 valid;
} utf8_cases[] = {
	{ "", 0, true },
	{ "ascii", 5, true },
	{ "a\0b", 3, true },
	{ "\xc2\x80", 2, true },
	{ "\xdf\xbf", 2, true },
	{ "\xe0\xa0\x80", 3, true },
	{ "\xed\x9f\xbf", 3, true },
	{ "\xee\x80\x80", 3, true },
	{ "\xf0\x90\x80\x80", 4, true },
	{ "\xf4\x8f\xbf\xbf", 4, true },
	{ "\xc1\xbf", 2, false },
	{ "\xc2", 1, false },
	{ "\xe0\x9f\x80", 3, false },
	{ "\xed\xa0\x80", 3, false },
	{ "\xf0\x8f\xbf\xbf", 4, false },
	{ "\xf4\x90\x80\x80", 4, false },
	{ "\xf5\x80\x80\x80", 4, false },
	{ "\x80", 1, false },
	{ "\xe2\x82", 2, false },
};

START_TEST(test_utf8_valid)
{
	ck_assert_int_eq(buf_utf8_valid(utf8_cases[_i].s, utf8_cases[_i].n),
	    utf8_cases[_i].valid);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite	*s = suite_create("buf");
	TCase	*tc;

	tc = tcase_create("append");
	tcase_add_test(tc, test_append_basic);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_detach);
	tcase_add_test(tc, test_put_u64);
	suite_add_tcase(s, tc);

	tc = tcase_create("cap");
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_json_string_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("json_string");
	tcase_add_loop_test(tc, test_json_string, 0,
	    sizeof(json_cases) / sizeof(json_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, test_utf8_valid, 0,
	    sizeof(utf8_cases) / sizeof(utf8_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(buf_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
