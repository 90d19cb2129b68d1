/*
 * test_proc.c - Check suite for proc_no_core_dumps() (proc.c): afterwards
 * the process is not dumpable and may not write a core, and a process it
 * forks inherits both.  Each case runs in a child of its own, so the test
 * program itself stays as it was.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/proc.h"

/* Exit status of a child: 0 when the process has no core dumps. */
static int
no_dumps_status(void)
{
	struct rlimit rl;

	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 10;
	if (getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 || rl.rlim_max != 0)
		return 11;
	return 0;
}

/* Runs fn in a child and returns its exit status. */
static int
in_child(int (*fn)(void))
{
	int	 status;
	pid_t	 pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
turn_off(void)
{
	/* A process starts dumpable, with whatever core limit it was given. */
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1)
		return 20;
	if (proc_no_core_dumps() != CB_OK)
		return 21;
	return no_dumps_status();
}

static int
turn_off_then_fork(void)
{
	int	 status;
	pid_t	 pid;

	if (proc_no_core_dumps() != CB_OK)
		return 21;
	pid = fork();
	if (pid < 0)
		return 22;
	if (pid == 0)
		_exit(no_dumps_status());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 23;
	return WEXITSTATUS(status);
}

static int
turn_off_twice(void)
{
	if (proc_no_core_dumps() != CB_OK || proc_no_core_dumps() != CB_OK)
		return 21;
	return no_dumps_status();
}

START_TEST(test_no_core_dumps)
{
	ck_assert_int_eq(in_child(turn_off), 0);
}
END_TEST

START_TEST(test_inherited_by_children)
{
	ck_assert_int_eq(in_child(turn_off_then_fork), 0);
}
END_TEST

START_TEST(test_idempotent)
{
	ck_assert_int_eq(in_child(turn_off_twice), 0);
}
END_TEST

static Suite *
proc_suite(void)
{
	Suite	*s = suite_create("proc");
	TCase	*tc;

	tc = tcase_create("core_dumps");
	tcase_add_test(tc, test_no_core_dumps);
	tcase_add_test(tc, test_inherited_by_children);
	tcase_add_test(tc, test_idempotent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(proc_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
