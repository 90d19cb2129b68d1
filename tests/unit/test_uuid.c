/* test_uuid.c - Check suite for UUIDv7 generation and validation. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/hex.h"
#include "core/uuid.h"

#define N_UNIQUE	100000

static uint64_t
uuid_ms(const char *u)
{
	uint64_t	 ms = 0;
	size_t		 i;

	for (i = 0; i < 13; i++)
		if (u[i] != '-')
			ms = (ms << 4) | (uint64_t)hex_digit_value(u[i]);
	return ms;
}

START_TEST(test_format)
{
	char		 u[UUID_STR_LEN + 1];
	size_t		 i;
	struct timespec	 ts;
	uint64_t	 before, after, ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	before = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	memset(u, 'Z', sizeof(u));
	uuid_v7(u);
	clock_gettime(CLOCK_REALTIME, &ts);
	after = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;

	ck_assert_uint_eq(strlen(u), UUID_STR_LEN);
	for (i = 0; i < UUID_STR_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			ck_assert_int_eq(u[i], '-');
		else
			ck_assert((u[i] >= '0' && u[i] <= '9') ||
			    (u[i] >= 'a' && u[i] <= 'f'));
	}
	/* version 7 */
	ck_assert_int_eq(u[14], '7');
	/* variant 10xx */
	ck_assert(u[19] == '8' || u[19] == '9' || u[19] == 'a' ||
	    u[19] == 'b');
	/* 48-bit Unix milliseconds of now (the first of the process) */
	ms = uuid_ms(u);
	ck_assert(ms >= before && ms <= after);
	ck_assert(uuid_valid(u, strlen(u)));
}
END_TEST

static int
cmp_uuid(const void *a, const void *b)
{
	return memcmp(a, b, UUID_STR_LEN + 1);
}

START_TEST(test_unique_monotonic)
{
	char	(*u)[UUID_STR_LEN + 1];
	size_t	 i;

	u = calloc(N_UNIQUE, sizeof(*u));
	ck_assert_ptr_nonnull(u);
	for (i = 0; i < N_UNIQUE; i++) {
		uuid_v7(u[i]);
		ck_assert_int_eq(u[i][14], '7');
		ck_assert(strchr("89ab", u[i][19]) != NULL);
		/* Lowercase hex sorts like the 128-bit value: strictly up. */
		if (i > 0)
			ck_assert_msg(strcmp(u[i - 1], u[i]) < 0,
			    "%s !< %s", u[i - 1], u[i]);
	}
	qsort(u, N_UNIQUE, sizeof(*u), cmp_uuid);
	for (i = 1; i < N_UNIQUE; i++)
		ck_assert(strcmp(u[i - 1], u[i]) != 0);
	free(u);
}
END_TEST

/* A forked child does not repeat the parent's sequence. */
START_TEST(test_fork)
{
	char	 parent[UUID_STR_LEN + 1], child[UUID_STR_LEN + 1];
	int	 fds[2], status;
	pid_t	 pid;

	uuid_v7(parent);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		uuid_v7(child);
		if (write(fds[1], child, sizeof(child)) != (ssize_t)sizeof(child))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	uuid_v7(parent);
	ck_assert_int_eq(read(fds[0], child, sizeof(child)),
	    (ssize_t)sizeof(child));
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert(uuid_valid(child, strlen(child)));
	ck_assert_str_ne(parent, child);
}
END_TEST

static const struct {
	const char	*s;
	bool		 valid;
} valid_cases[] = {
	{ "01890a5d-ac96-774b-bcce-b302099a8057", true },
	{ "01890A5D-AC96-774B-BCCE-B302099A8057", true },
	{ "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", true },	/* v1 */
	{ "00000000-0000-0000-0000-000000000000", true },
	{ "ffffffff-ffff-ffff-ffff-ffffffffffff", true },
	{ "01890a5d-ac96-774b-bcce-b302099a805", false },
	{ "01890a5d-ac96-774b-bcce-b302099a80577", false },
	{ "01890a5dac96774bbccebb302099a8057aaa", false },
	{ "01890a5d-ac96-774b-bcce_b302099a8057", false },
	{ "01890a5d-ac96-774b-bcceb-302099a8057", false },
	{ "g1890a5d-ac96-774b-bcce-b302099a8057", false },
	{ "01890a5d-ac96-774b-bcce-b302099a805 ", false },
	{ "{1890a5d-ac96-774b-bcce-b302099a805}", false },
	{ "", false },
};

START_TEST(test_valid)
{
	ck_assert_int_eq(uuid_valid(valid_cases[_i].s,
	    strlen(valid_cases[_i].s)), valid_cases[_i].valid);
}
END_TEST

START_TEST(test_valid_len)
{
	const char	*u = "01890a5d-ac96-774b-bcce-b302099a8057";
	char		 withnul[UUID_STR_LEN];

	ck_assert(!uuid_valid(u, 35));
	ck_assert(!uuid_valid(u, 37));
	ck_assert(!uuid_valid(NULL, 36));
	/* The length is what counts, not a terminating NUL. */
	memcpy(withnul, u, UUID_STR_LEN);
	ck_assert(uuid_valid(withnul, UUID_STR_LEN));
	withnul[20] = '\0';
	ck_assert(!uuid_valid(withnul, UUID_STR_LEN));
}
END_TEST

static Suite *
uuid_suite(void)
{
	Suite	*s = suite_create("uuid");
	TCase	*tc;

	tc = tcase_create("v7");
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_unique_monotonic);
	tcase_add_test(tc, test_fork);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid");
	tcase_add_loop_test(tc, test_valid, 0,
	    sizeof(valid_cases) / sizeof(valid_cases[0]));
	tcase_add_test(tc, test_valid_len);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(uuid_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
