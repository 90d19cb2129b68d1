/* test_sqlsplit.c - migration script splitting. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlsplit.h"

struct split_case {
	const char	*src;
	int		 count;		/* statements expected, -1 = error */
	const char	*first;		/* expected first statement */
	unsigned	 first_line;
};

static const struct split_case cases[] = {
	{ "", 0, NULL, 0 },
	{ "  \n-- only a comment\n", 0, NULL, 0 },
	{ "SELECT 1", 1, "SELECT 1", 1 },
	{ "SELECT 1;", 1, "SELECT 1", 1 },
	{ "SELECT 1; SELECT 2;", 2, "SELECT 1", 1 },
	{ "-- head\n\nCREATE TABLE t (a INT);\n", 1, "CREATE TABLE t (a INT)", 3 },
	{ "INSERT INTO t VALUES ('a;b');", 1, "INSERT INTO t VALUES ('a;b')", 1 },
	{ "INSERT INTO t VALUES ('it\\'s;');x", 2, "INSERT INTO t VALUES ('it\\'s;')", 1 },
	{ "SELECT \"x;y\"; SELECT `c;d`", 2, "SELECT \"x;y\"", 1 },
	{ "/* a; b */ SELECT 1; # c;\nSELECT 2", 2, "SELECT 1", 1 },
	{ "SELECT 1 -- trailing; comment\n;", 1, "SELECT 1", 1 },
	{ "SELECT 'open", -1, NULL, 0 },
	{ "/* never closed", -1, NULL, 0 },
	{ ";;;", 0, NULL, 0 },
};

START_TEST(test_split_table)
{
	const struct split_case *c = &cases[_i];
	struct sqlsplit sp;
	const char *stmt;
	size_t len;
	unsigned line;
	int r, n = 0;

	sqlsplit_init(&sp, c->src, strlen(c->src));
	while ((r = sqlsplit_next(&sp, &stmt, &len, &line)) == 1) {
		if (n == 0 && c->first != NULL) {
			ck_assert_uint_eq(len, strlen(c->first));
			ck_assert(memcmp(stmt, c->first, len) == 0);
			ck_assert_uint_eq(line, c->first_line);
		}
		n++;
	}
	if (c->count < 0)
		ck_assert_int_eq(r, -1);
	else {
		ck_assert_int_eq(r, 0);
		ck_assert_int_eq(n, c->count);
	}
}
END_TEST

START_TEST(test_split_lines)
{
	const char *src = "SELECT 1;\n\nSELECT\n2;\n-- x\nSELECT 3;";
	struct sqlsplit sp;
	const char *stmt;
	size_t len;
	unsigned line, lines[3], n = 0;

	sqlsplit_init(&sp, src, strlen(src));
	while (sqlsplit_next(&sp, &stmt, &len, &line) == 1 && n < 3)
		lines[n++] = line;
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(lines[0], 1);
	ck_assert_uint_eq(lines[1], 3);
	ck_assert_uint_eq(lines[2], 6);
}
END_TEST

static Suite *
sqlsplit_suite(void)
{
	Suite *s = suite_create("sqlsplit");
	TCase *tc = tcase_create("split");

	tcase_add_loop_test(tc, test_split_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_split_lines);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sqlsplit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
