/* test_json.c - Check suite for strict JSON parsing and typed getters. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"

#define S(lit)	lit, sizeof(lit) - 1

static const struct {
	const char	*in;
	size_t		 len;
	int		 depth;
	const char	*code;	/* NULL: must parse */
	const char	*path;
} parse_cases[] = {
	/* well-formed documents */
	{ S("{}"), 1, NULL, NULL },
	{ S(" \t\r\n{ \"a\" : [ 1 , 2 ] }\n "), 4, NULL, NULL },
	{ S("{\"a\":true,\"b\":false,\"c\":null,\"d\":-0.5e+3,\"e\":0,"
	    "\"f\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\\u00e9\",\"g\":1E-2}"),
	  4, NULL, NULL },
	{ S("{\"a\":\"\\ud83d\\ude00\",\"b\":\"\xf0\x9f\x98\x80\"}"), 4, NULL,
	  NULL },
	{ S("{\"a\":18446744073709551615,\"b\":-9223372036854775808}"), 4,
	  NULL, NULL },
	{ S("{\"a\":1e400,\"b\":123456789012345678901234567890.5}"), 4, NULL,
	  NULL },
	{ S("{\"a\":{}}"), 2, NULL, NULL },
	{ S("{\"a\":[[1]]}"), 3, NULL, NULL },
	{ S("{\"a\":\"\x7f\"}"), 4, NULL, NULL },
	{ S("{\"a\":1,\"A\":2,\"a \":3}"), 4, NULL, NULL },
	/* not an object / not JSON */
	{ S(""), 4, "invalid_json", "" },
	{ S("  \n"), 4, "invalid_json", "" },
	{ S("[1]"), 4, "json_not_object", "" },
	{ S("\"x\""), 4, "json_not_object", "" },
	{ S("12"), 4, "json_not_object", "" },
	{ S("null"), 4, "json_not_object", "" },
	{ S("\xef\xbb\xbf{}"), 4, "invalid_json", "" },
	{ S("x{}"), 4, "invalid_json", "" },
	{ S("{"), 4, "invalid_json", "" },
	{ S("{\"a\":1"), 4, "invalid_json", "" },
	{ S("{\"a\""), 4, "invalid_json", "a" },
	{ S("{\"a\":"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"x"), 4, "invalid_json", "a" },
	/* trailing data */
	{ S("{\"a\":1} x"), 4, "invalid_json", "" },
	{ S("{\"a\":1}{}"), 4, "invalid_json", "" },
	{ S("{}\n\n,"), 4, "invalid_json", "" },
	/* what json-c's strict mode lets through */
	{ S("{\"a\":1,}"), 4, "invalid_json", "" },
	{ S("{'a':1}"), 4, "invalid_json", "" },
	{ S("{\"a\":NaN}"), 4, "invalid_json", "a" },
	{ S("{\"a\":Infinity}"), 4, "invalid_json", "a" },
	{ S("{\"a\":1.}"), 4, "invalid_json", "a" },
	{ S("{\"a\":.5}"), 4, "invalid_json", "a" },
	{ S("{\"a\":+1}"), 4, "invalid_json", "a" },
	{ S("{\"a\":01}"), 4, "invalid_json", "" },
	{ S("{\"a\":1e}"), 4, "invalid_json", "a" },
	{ S("{\"a\":-}"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"x\ty\"}"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"x\ny\"}"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"\\x\"}"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"\\u12\"}"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"\\u12g4\"}"), 4, "invalid_json", "a" },
	{ S("{\"a\":tru}"), 4, "invalid_json", "a" },
	{ S("{\"a\":nul}"), 4, "invalid_json", "a" },
	{ S("{\"a\" 1}"), 4, "invalid_json", "a" },
	{ S("{\"a\":1 \"b\":2}"), 4, "invalid_json", "" },
	{ S("{\"a\":[1 2]}"), 4, "invalid_json", "a" },
	{ S("{\"a\":[1,]}"), 4, "invalid_json", "a[1]" },
	{ S("{\"a\":{\"b\":[true,{\"c\":x}]}}"), 8, "invalid_json",
	  "a.b[1].c" },
	{ S("{1:2}"), 4, "invalid_json", "" },
	/* NUL bytes and bad UTF-8 */
	{ S("{\"a\":\"x\0\"}"), 4, "invalid_json", "" },
	{ S("{\"a\":1}\0"), 4, "invalid_json", "" },
	{ S("{\"a\":\"\xff\"}"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"\xc0\xaf\"}"), 4, "invalid_json", "a" },
	{ S("{\"a\":\"\xed\xa0\x80\"}"), 4, "invalid_json", "a" },
	{ S("{\"\xe2\x82\":1}"), 4, "invalid_json", "" },
	{ S("{\xff}"), 4, "invalid_json", "" },
	/* \u0000 and lone surrogates */
	{ S("{\"a\":\"x\\u0000y\"}"), 4, "invalid_string", "a" },
	{ S("{\"a\\u0000b\":1}"), 4, "invalid_string", "" },
	{ S("{\"a\":\"\\ud800\"}"), 4, "invalid_string", "a" },
	{ S("{\"a\":\"\\udc00\"}"), 4, "invalid_string", "a" },
	{ S("{\"a\":\"\\ud800\\u0041\"}"), 4, "invalid_string", "a" },
	{ S("{\"a\":\"\\ud800x\"}"), 4, "invalid_string", "a" },
	{ S("{\"a\":[\"\\uDBFF\\uDBFF\"]}"), 4, "invalid_string", "a[0]" },
	/* duplicate keys */
	{ S("{\"a\":1,\"a\":2}"), 4, "duplicate_key", "a" },
	{ S("{\"a\":1,\"b\":2,\"a\":1}"), 4, "duplicate_key", "a" },
	{ S("{\"a\":1,\"\\u0061\":2}"), 4, "duplicate_key", "a" },
	{ S("{\"\\u00e9\":1,\"\xc3\xa9\":2}"), 4, "duplicate_key", "\xc3\xa9" },
	{ S("{\"\":1,\"\":2}"), 4, "duplicate_key", "" },
	{ S("{\"x\":[{\"b\":1},{\"c\":1,\"d\":0,\"c\":2}]}"), 4,
	  "duplicate_key", "x[1].c" },
	{ S("{\"a\":{\"b\":1},\"a\":{\"b\":1}}"), 4, "duplicate_key", "a" },
	{ S("{\"b\":1,\"a\":1,\"b\":2,\"a\":2}"), 4, "duplicate_key", "b" },
	{ S("{\"c\":1,\"a\":1,\"b\":2,\"a\":2,\"c\":3}"), 4, "duplicate_key",
	  "a" },
	/* depth */
	{ S("{\"a\":{}}"), 1, "json_too_deep", "a" },
	{ S("{\"a\":[[1]]}"), 2, "json_too_deep", "a[0]" },
	{ S("{\"a\":[{\"b\":[]}]}"), 3, "json_too_deep", "a[0].b" },
	{ S("{}"), 0, NULL, NULL },
	{ S("{\"a\":[]}"), 0, "json_too_deep", "a" },
	/* integers json-c would clamp */
	{ S("{\"a\":18446744073709551616}"), 4, "out_of_range", "a" },
	{ S("{\"a\":-9223372036854775809}"), 4, "out_of_range", "a" },
	{ S("{\"a\":[99999999999999999999999]}"), 4, "out_of_range", "a[0]" },
};

START_TEST(test_parse)
{
	struct json_verr	 err;
	json_object		*o;

	memset(&err, 'X', sizeof(err));
	o = json_parse_strict(parse_cases[_i].in, parse_cases[_i].len,
	    parse_cases[_i].depth, &err);
	if (parse_cases[_i].code == NULL) {
		ck_assert_msg(o != NULL, "case %d: %s at '%s': %s", _i,
		    err.code, err.path, err.message);
		ck_assert(json_object_is_type(o, json_type_object));
	} else {
		ck_assert_msg(o == NULL, "case %d parsed", _i);
		ck_assert_str_eq(err.code, parse_cases[_i].code);
		ck_assert_str_eq(err.path, parse_cases[_i].path);
		ck_assert_uint_gt(strlen(err.message), 0);
	}
	json_object_put(o);
}
END_TEST

START_TEST(test_parse_values)
{
	struct json_verr	 err;
	json_object		*o, *v;
	const char		 doc[] = "{\"s\":\"\\u00e9\\ud83d\\ude00\\n\","
	    "\"big\":18446744073709551615,\"neg\":-9223372036854775808}";

	o = json_parse_strict(doc, strlen(doc), 4, &err);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "s", &v));
	ck_assert_str_eq(json_object_get_string(v),
	    "\xc3\xa9\xf0\x9f\x98\x80\n");
	ck_assert(json_object_object_get_ex(o, "big", &v));
	ck_assert(json_object_get_uint64(v) == UINT64_MAX);
	ck_assert(json_object_object_get_ex(o, "neg", &v));
	ck_assert(json_object_get_int64(v) == INT64_MIN);
	json_object_put(o);
	/* err may be NULL */
	ck_assert_ptr_null(json_parse_strict("[]", 2, 4, NULL));
}
END_TEST

/* A deeply nested attack is refused quickly, without deep recursion. */
START_TEST(test_parse_deep_attack)
{
	struct json_verr	 err;
	size_t			 n = 200000, i;
	char			*s = malloc(n + 2);

	ck_assert_ptr_nonnull(s);
	s[0] = '{';
	s[1] = '"';
	s[2] = 'a';
	s[3] = '"';
	s[4] = ':';
	for (i = 5; i < n; i++)
		s[i] = '[';
	ck_assert_ptr_null(json_parse_strict(s, n, 1000000, &err));
	ck_assert_str_eq(err.code, "json_too_deep");
	ck_assert_ptr_null(json_parse_strict(s, n, 16, &err));
	ck_assert_str_eq(err.code, "json_too_deep");
	free(s);
}
END_TEST

/* Many keys: duplicates are found in O(n log n), with the right path. */
START_TEST(test_parse_many_keys)
{
	struct buf		 b;
	struct json_verr	 err;
	json_object		*o;
	int			 i;

	buf_init(&b, 8 << 20);
	ck_assert_int_eq(buf_puts(&b, "{\"list\":[{"), CB_OK);
	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(buf_printf(&b, "%s\"k%d\":%d", i ? "," : "",
		    i, i), CB_OK);
	ck_assert_int_eq(buf_puts(&b, "}]}"), CB_OK);
	o = json_parse_strict(buf_cstr(&b), b.len, 8, &err);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);

	buf_truncate(&b, b.len - 3);
	ck_assert_int_eq(buf_puts(&b, ",\"k77777\":0}]}"), CB_OK);
	o = json_parse_strict(buf_cstr(&b), b.len, 8, &err);
	ck_assert_ptr_null(o);
	ck_assert_str_eq(err.code, "duplicate_key");
	ck_assert_str_eq(err.path, "list[0].k77777");
	buf_free(&b);
}
END_TEST

START_TEST(test_paths)
{
	char	 p[JSON_PATH_MAX], small[12];

	ck_assert_str_eq(json_path_key(p, sizeof(p), "", "a"), "a");
	ck_assert_str_eq(json_path_key(p, sizeof(p), NULL, "a"), "a");
	ck_assert_str_eq(json_path_index(p, sizeof(p), "adjustments", 3),
	    "adjustments[3]");
	ck_assert_str_eq(json_path_key(small, sizeof(small), "adj[3]",
	    "amount"), "adj[3].a...");
	ck_assert_str_eq(json_path_index(small, sizeof(small), "abcdefghij",
	    7), "abcdefgh...");
	ck_assert_str_eq(json_path_index(p, sizeof(p), "", 0), "[0]");
	json_path_key(p, sizeof(p), json_path_index(small, sizeof(small),
	    "adj", 3), "amount");
	ck_assert_str_eq(p, "adj[3].amount");
	ck_assert_ptr_eq(json_path_key(p, 0, "a", "b"), p);
}
END_TEST

/*
 * A path or message cut to fit ends after a whole UTF-8 character: it goes
 * to the client inside JSON.  Found by the json_request fuzz target
 * (tests/fuzz/corpus/json_request/regress_path_cut_utf8).
 */
START_TEST(test_paths_utf8_cut)
{
	char			 small[12], key[600];
	struct json_verr	 err;
	json_object		*o;
	struct buf		 b;
	size_t			 i;

	/* "ab" + U+00E9 U+00E9 ...: every cut position meets a 2-byte one. */
	for (i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "%.*s\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		    "\xc3\xa9\xc3\xa9", (int)i, "abcdefgh");
		json_path_key(small, sizeof(small), "", key);
		ck_assert(buf_utf8_valid(small, strlen(small)));
		ck_assert_uint_ge(strlen(small), 3);
		ck_assert_str_eq(small + strlen(small) - 3, "...");
		json_path_key(small, sizeof(small), "x", key);
		ck_assert(buf_utf8_valid(small, strlen(small)));
	}
	/* A 4-byte character across the cut of json_verr_set. */
	memset(key, 'a', sizeof(key));
	memcpy(key + JSON_PATH_MAX - 3, "\xf0\x9f\x98\x80", 4);
	key[sizeof(key) - 1] = '\0';
	json_verr_set(&err, key, "c", "%s", key);
	ck_assert_uint_eq(strlen(err.path), JSON_PATH_MAX - 3);
	ck_assert(buf_utf8_valid(err.path, strlen(err.path)));
	ck_assert(buf_utf8_valid(err.message, strlen(err.message)));

	/* An unknown key of 300 two-byte characters, through the parser and
	 * json_check_keys, and the same key twice. */
	buf_init(&b, 1 << 20);
	ck_assert_int_eq(buf_puts(&b, "{\"a\":{\""), CB_OK);
	for (i = 0; i < 300; i++)
		ck_assert_int_eq(buf_puts(&b, "\xc3\xa9"), CB_OK);
	ck_assert_int_eq(buf_puts(&b, "\":1}}"), CB_OK);
	o = json_parse_strict(b.data, b.len, 8, &err);
	ck_assert_ptr_nonnull(o);
	ck_assert(!json_check_keys(json_object_object_get(o, "a"), "a",
	    (const char *const[]){ NULL }, &err));
	ck_assert_str_eq(err.code, "unknown_field");
	ck_assert(buf_utf8_valid(err.path, strlen(err.path)));
	json_object_put(o);
	buf_reset(&b);
	ck_assert_int_eq(buf_puts(&b, "{\""), CB_OK);
	for (i = 0; i < 300; i++)
		ck_assert_int_eq(buf_puts(&b, "\xc3\xa9"), CB_OK);
	ck_assert_int_eq(buf_puts(&b, "\":1,\""), CB_OK);
	for (i = 0; i < 300; i++)
		ck_assert_int_eq(buf_puts(&b, "\xc3\xa9"), CB_OK);
	ck_assert_int_eq(buf_puts(&b, "\":2}"), CB_OK);
	ck_assert_ptr_null(json_parse_strict(b.data, b.len, 8, &err));
	ck_assert_str_eq(err.code, "duplicate_key");
	ck_assert(buf_utf8_valid(err.path, strlen(err.path)));
	buf_free(&b);
}
END_TEST

/* The document the getter tests read. */
static json_object *
getter_doc(void)
{
	static const char	 doc[] = "{\"s\":\"hello\",\"e\":\"\",\"n\":42,"
	    "\"neg\":-5,\"big\":9223372036854775808,\"f\":1.5,\"b\":true,"
	    "\"o\":{\"x\":1,\"y\":2},\"arr\":[1,2,3],\"nul\":null,"
	    "\"adjustments\":[{\"amount\":\"1\"},{\"amount\":7}]}";
	json_object		*o;

	o = json_parse_strict(doc, strlen(doc), 8, NULL);
	ck_assert_ptr_nonnull(o);
	return o;
}

static void
check_err(const struct json_verr *err, const char *code, const char *path)
{
	ck_assert_str_eq(err->code, code);
	ck_assert_str_eq(err->path, path);
	ck_assert_uint_gt(strlen(err->message), 0);
}

START_TEST(test_get_string)
{
	json_object		*o = getter_doc(), *weird;
	struct json_verr	 err;
	const char		*s = "untouched";
	size_t			 n = 99;

	ck_assert(json_get_string(o, "", "s", true, 1, 5, &s, &n, &err));
	ck_assert_str_eq(s, "hello");
	ck_assert_uint_eq(n, 5);
	ck_assert(json_get_string(o, "", "e", true, 0, 5, &s, NULL, &err));
	ck_assert_str_eq(s, "");

	s = "untouched";
	n = 99;
	ck_assert(!json_get_string(o, "", "s", true, 6, 10, &s, &n, &err));
	check_err(&err, "string_too_short", "s");
	ck_assert(!json_get_string(o, "", "s", true, 0, 4, &s, &n, &err));
	check_err(&err, "string_too_long", "s");
	ck_assert(!json_get_string(o, "", "e", true, 1, 4, &s, &n, &err));
	check_err(&err, "string_too_short", "e");
	ck_assert(!json_get_string(o, "", "n", true, 0, 4, &s, &n, &err));
	check_err(&err, "wrong_type", "n");
	ck_assert(!json_get_string(o, "", "o", true, 0, 4, &s, &n, &err));
	check_err(&err, "wrong_type", "o");
	ck_assert(!json_get_string(o, "", "missing", true, 0, 4, &s, &n,
	    &err));
	check_err(&err, "missing_field", "missing");
	ck_assert(!json_get_string(o, "", "nul", true, 0, 4, &s, &n, &err));
	check_err(&err, "missing_field", "nul");
	ck_assert_str_eq(s, "untouched");
	ck_assert_uint_eq(n, 99);

	ck_assert(json_get_string(o, "", "missing", false, 1, 4, &s, &n,
	    &err));
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(n, 0);
	s = "x";
	ck_assert(json_get_string(o, "", "nul", false, 1, 4, &s, &n, &err));
	ck_assert_ptr_null(s);

	/* The holder is not an object: the error names the holder. */
	ck_assert(!json_get_string(json_object_object_get(o, "arr"), "arr",
	    "k", true, 0, 4, &s, &n, &err));
	check_err(&err, "wrong_type", "arr");

	/* Strings built by hand with NUL or bad UTF-8 are refused. */
	weird = json_object_new_object();
	json_object_object_add(weird, "z", json_object_new_string_len("a\0b",
	    3));
	json_object_object_add(weird, "u", json_object_new_string("a\xff"));
	ck_assert(!json_get_string(weird, "meta", "z", true, 0, 10, &s, &n,
	    &err));
	check_err(&err, "invalid_string", "meta.z");
	ck_assert(!json_get_string(weird, "meta", "u", true, 0, 10, &s, &n,
	    &err));
	check_err(&err, "invalid_string", "meta.u");
	json_object_put(weird);
	json_object_put(o);
}
END_TEST

START_TEST(test_get_nested_path)
{
	json_object		*o = getter_doc(), *arr, *item;
	struct json_verr	 err;
	const char		*s;
	size_t			 n, i;
	char			 path[JSON_PATH_MAX];

	ck_assert(json_get_array(o, "", "adjustments", true, 1, 10, &arr, &n,
	    &err));
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(arr, i);
		json_path_index(path, sizeof(path), "adjustments", i);
		if (i == 0) {
			ck_assert(json_get_string(item, path, "amount", true,
			    1, 80, &s, NULL, &err));
			ck_assert_str_eq(s, "1");
		} else {
			ck_assert(!json_get_string(item, path, "amount", true,
			    1, 80, &s, NULL, &err));
			check_err(&err, "wrong_type", "adjustments[1].amount");
			ck_assert_ptr_nonnull(strstr(err.message, "string"));
		}
	}
	json_object_put(o);
}
END_TEST

static const struct {
	const char	*key;
	bool		 required;
	int64_t		 min, max;
	bool		 ok;
	int64_t		 want;
	const char	*code;
} int_cases[] = {
	{ "n", true, 0, 100, true, 42, NULL },
	{ "n", true, 42, 42, true, 42, NULL },
	{ "n", true, 43, 100, false, 0, "out_of_range" },
	{ "n", true, 0, 41, false, 0, "out_of_range" },
	{ "neg", true, INT64_MIN, 0, true, -5, NULL },
	{ "neg", true, 0, 10, false, 0, "out_of_range" },
	{ "big", true, INT64_MIN, INT64_MAX, false, 0, "out_of_range" },
	{ "f", true, 0, 10, false, 0, "wrong_type" },
	{ "s", true, 0, 10, false, 0, "wrong_type" },
	{ "b", true, 0, 10, false, 0, "wrong_type" },
	{ "missing", true, 0, 10, false, 0, "missing_field" },
	{ "nul", true, 0, 10, false, 0, "missing_field" },
	{ "missing", false, 0, 10, true, 777, NULL },
	{ "nul", false, 0, 10, true, 777, NULL },
};

START_TEST(test_get_int64)
{
	json_object		*o = getter_doc();
	struct json_verr	 err;
	int64_t			 v = 777;

	ck_assert_int_eq(json_get_int64(o, "req", int_cases[_i].key,
	    int_cases[_i].required, int_cases[_i].min, int_cases[_i].max,
	    &v, &err), int_cases[_i].ok);
	if (int_cases[_i].ok)
		ck_assert(v == int_cases[_i].want);
	else {
		char	 path[64];

		snprintf(path, sizeof(path), "req.%s", int_cases[_i].key);
		check_err(&err, int_cases[_i].code, path);
		ck_assert(v == 777);
	}
	json_object_put(o);
}
END_TEST

START_TEST(test_get_bool_object_array)
{
	json_object		*o = getter_doc(), *sub = NULL, *arr = NULL;
	struct json_verr	 err;
	bool			 b = false;
	size_t			 n = 99;

	ck_assert(json_get_bool(o, "", "b", true, &b, &err));
	ck_assert(b);
	b = false;
	ck_assert(!json_get_bool(o, "", "n", true, &b, &err));
	check_err(&err, "wrong_type", "n");
	ck_assert(!json_get_bool(o, "", "s", true, &b, &err));
	check_err(&err, "wrong_type", "s");
	ck_assert(!json_get_bool(o, "", "missing", true, &b, &err));
	check_err(&err, "missing_field", "missing");
	ck_assert(json_get_bool(o, "", "missing", false, &b, &err));
	ck_assert(!b);

	ck_assert(json_get_object(o, "", "o", true, &sub, &err));
	ck_assert_ptr_nonnull(sub);
	ck_assert(!json_get_object(o, "", "arr", true, &sub, &err));
	check_err(&err, "wrong_type", "arr");
	ck_assert(!json_get_object(o, "", "missing", true, &sub, &err));
	check_err(&err, "missing_field", "missing");
	ck_assert(json_get_object(o, "", "nul", false, &sub, &err));
	ck_assert_ptr_null(sub);

	ck_assert(json_get_array(o, "", "arr", true, 3, 3, &arr, &n, &err));
	ck_assert_ptr_nonnull(arr);
	ck_assert_uint_eq(n, 3);
	ck_assert(!json_get_array(o, "", "arr", true, 0, 2, &arr, &n, &err));
	check_err(&err, "too_many_items", "arr");
	ck_assert(!json_get_array(o, "", "arr", true, 4, 10, &arr, &n, &err));
	check_err(&err, "too_few_items", "arr");
	ck_assert(!json_get_array(o, "", "o", true, 0, 10, &arr, &n, &err));
	check_err(&err, "wrong_type", "o");
	ck_assert(!json_get_array(o, "x", "missing", true, 0, 10, &arr, &n,
	    &err));
	check_err(&err, "missing_field", "x.missing");
	ck_assert(json_get_array(o, "", "missing", false, 0, 10, &arr, &n,
	    &err));
	ck_assert_ptr_null(arr);
	ck_assert_uint_eq(n, 0);
	json_object_put(o);
}
END_TEST

START_TEST(test_check_keys)
{
	json_object		*o = getter_doc(), *sub;
	struct json_verr	 err;
	static const char *const top[] = { "s", "e", "n", "neg", "big", "f",
	    "b", "o", "arr", "nul", "adjustments", NULL };
	static const char *const only_x[] = { "x", NULL };
	static const char *const none[] = { NULL };

	ck_assert(json_check_keys(o, "", top, &err));
	ck_assert(!json_check_keys(o, "", top + 1, &err));
	check_err(&err, "unknown_field", "s");
	sub = json_object_object_get(o, "o");
	ck_assert(!json_check_keys(sub, "o", only_x, &err));
	check_err(&err, "unknown_field", "o.y");
	ck_assert(!json_check_keys(sub, "o", none, &err));
	check_err(&err, "unknown_field", "o.x");
	ck_assert(!json_check_keys(json_object_object_get(o, "arr"), "arr",
	    none, &err));
	check_err(&err, "wrong_type", "arr");
	json_object_put(o);
}
END_TEST

START_TEST(test_verr_set)
{
	struct json_verr	 err;
	char			 longmsg[600];

	json_verr_set(NULL, "a", "b", "c");
	json_verr_set(&err, NULL, "invalid_amount", "bad %s", "digits");
	ck_assert_str_eq(err.path, "");
	ck_assert_str_eq(err.code, "invalid_amount");
	ck_assert_str_eq(err.message, "bad digits");
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	json_verr_set(&err, longmsg, "c", "%s", longmsg);
	ck_assert_uint_eq(strlen(err.path), JSON_PATH_MAX - 1);
	ck_assert_uint_eq(strlen(err.message), JSON_MESSAGE_MAX - 1);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite	*s = suite_create("json");
	TCase	*tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse, 0,
	    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(tc, test_parse_values);
	tcase_add_test(tc, test_parse_deep_attack);
	tcase_add_test(tc, test_parse_many_keys);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("paths");
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_paths_utf8_cut);
	tcase_add_test(tc, test_verr_set);
	suite_add_tcase(s, tc);

	tc = tcase_create("getters");
	tcase_add_test(tc, test_get_string);
	tcase_add_test(tc, test_get_nested_path);
	tcase_add_loop_test(tc, test_get_int64, 0,
	    sizeof(int_cases) / sizeof(int_cases[0]));
	tcase_add_test(tc, test_get_bool_object_array);
	suite_add_tcase(s, tc);

	tc = tcase_create("check_keys");
	tcase_add_test(tc, test_check_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(json_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
