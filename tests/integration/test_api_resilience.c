/*
 * test_api_resilience.c - chainbridge-api when things go wrong underneath
 * it: a worker killed with SIGKILL (idle and under load), MariaDB stopped
 * and started again, a configuration reload under load.  These disturb
 * the shared stack, so the program runs alone (harness_exclusive).
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX_WORKERS	256

static char *key_read;

static size_t
workers(pid_t *out)
{
	return harness_children(harness_env()->api_pid, out, MAX_WORKERS);
}

static bool
pid_in(pid_t pid, const pid_t *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == pid)
			return true;
	return false;
}

/* Waits until the master has n workers again, none of them in gone[]. */
static bool
wait_workers(size_t n, const pid_t *gone, size_t ngone, unsigned timeout_ms)
{
	uint64_t deadline = harness_now_ms() + timeout_ms;
	pid_t now[MAX_WORKERS];

	for (;;) {
		size_t k = workers(now), i, fresh = 0;

		for (i = 0; i < k; i++)
			if (!pid_in(now[i], gone, ngone))
				fresh++;
		if (k == n && fresh == n)
			return true;
		if (harness_now_ms() > deadline)
			return false;
		harness_sleep_ms(50);
	}
}

static unsigned long long
metric(const char *name)
{
	struct hresp r;
	unsigned long long v = 0;
	const char *p;
	size_t nlen = strlen(name);

	ck_assert_int_eq(hget("/metrics", NULL, &r), 0);
	for (p = r.body; (p = strstr(p, name)) != NULL; p += nlen) {
		if ((p == r.body || p[-1] == '\n') && p[nlen] == ' ') {
			v = strtoull(p + nlen + 1, NULL, 10);
			break;
		}
	}
	hresp_free(&r);
	return v;
}

/* A load of GET requests from several threads, counting the answers. */
struct load {
	atomic_bool	 stop;
	atomic_uint	 ok;
	atomic_uint	 failed;
	const char	*path;
	const char	*key;
};

static void
load_client(unsigned index, void *arg)
{
	struct load *l = arg;

	(void)index;
	while (!atomic_load(&l->stop)) {
		struct hresp r;

		if (hget(l->path, l->key, &r) == 0 && r.status == 200)
			atomic_fetch_add(&l->ok, 1);
		else
			atomic_fetch_add(&l->failed, 1);
		hresp_free(&r);
	}
}

/* Runs the load in the background of fn: starts nclients plus one thread
 * that calls fn and then stops the others. */
struct load_run {
	struct load	*load;
	void		(*fn)(void);
};

static void
load_or_control(unsigned index, void *arg)
{
	struct load_run *run = arg;

	if (index > 0) {
		load_client(index, run->load);
		return;
	}
	harness_sleep_ms(300);
	run->fn();
	harness_sleep_ms(500);
	atomic_store(&run->load->stop, true);
}

static void
run_under_load(struct load *l, unsigned nclients, void (*fn)(void))
{
	struct load_run run = { l, fn };

	ck_assert_int_eq(harness_parallel(nclients + 1, load_or_control, &run), 0);
}

/* --------------------------------------------------------------- workers */

START_TEST(test_worker_killed_idle)
{
	pid_t before[MAX_WORKERS];
	size_t n = workers(before);
	unsigned long long restarts = metric("chainbridge_api_worker_restarts_total");
	pid_t victim;
	int i;

	ck_assert_uint_gt(n, 0);
	victim = before[0];
	ck_assert_int_eq(kill(victim, SIGKILL), 0);
	ck_assert_msg(wait_workers(n, &victim, 1, 10000),
	    "master did not replace worker %ld", (long)victim);
	ck_assert(harness_pid_alive(harness_env()->api_pid));
	for (i = 0; i < 40; i++) {
		struct hresp r;

		ck_assert_int_eq(hget("/healthz", NULL, &r), 0);
		ck_assert_msg(r.status == 200, "request %d: %ld", i, r.status);
		hresp_free(&r);
	}
	ck_assert_uint_ge(metric("chainbridge_api_worker_restarts_total"),
	    restarts + 1);
}
END_TEST

static pid_t load_victims[MAX_WORKERS];
static size_t load_nvictims;

static void
kill_two_workers(void)
{
	pid_t now[MAX_WORKERS];
	size_t n = workers(now), i;

	load_nvictims = 0;
	for (i = 0; i < n && i < 2; i++) {
		if (kill(now[i], SIGKILL) == 0)
			load_victims[load_nvictims++] = now[i];
	}
}

START_TEST(test_worker_killed_under_load)
{
	pid_t before[MAX_WORKERS];
	size_t n = workers(before);
	struct load l = { .path = "/api/v1/tokens" };

	l.key = key_read;
	ck_assert_uint_ge(n, 2);
	run_under_load(&l, 8, kill_two_workers);
	ck_assert_uint_eq(load_nvictims, 2);
	ck_assert_msg(wait_workers(n, load_victims, load_nvictims, 10000),
	    "workers not replaced");
	/* Only a request a killed worker was serving may fail (nginx: 502). */
	ck_assert_msg(atomic_load(&l.failed) <= load_nvictims,
	    "ok %u failed %u", atomic_load(&l.ok), atomic_load(&l.failed));
	ck_assert_uint_gt(atomic_load(&l.ok), 50);
}
END_TEST

/* ---------------------------------------------------------------- reload */

static void
send_hup(void)
{
	ck_assert_int_eq(kill(harness_env()->api_pid, SIGHUP), 0);
}

START_TEST(test_reload_under_load)
{
	pid_t before[MAX_WORKERS];
	size_t n = workers(before);
	struct load l = { .path = "/api/v1/tokens" };
	uint64_t deadline;

	l.key = key_read;
	ck_assert_uint_gt(n, 0);
	run_under_load(&l, 8, send_hup);
	/* Every old worker is replaced by a new one ... */
	deadline = harness_now_ms() + 15000;
	while (!wait_workers(n, before, n, 200))
		ck_assert_msg(harness_now_ms() < deadline, "workers not replaced");
	/* ... and no request was refused or failed meanwhile. */
	ck_assert_msg(atomic_load(&l.failed) == 0, "ok %u failed %u",
	    atomic_load(&l.ok), atomic_load(&l.failed));
	ck_assert_uint_gt(atomic_load(&l.ok), 50);
	ck_assert(harness_pid_alive(harness_env()->api_pid));
}
END_TEST

/* ----------------------------------------------------------------- store */

START_TEST(test_store_down_and_back)
{
	pid_t before[MAX_WORKERS], after[MAX_WORKERS];
	size_t n = workers(before), k, i;
	uint64_t deadline;
	struct hresp r;
	char v[64];
	bool back;

	harness_db_stop();

	/* /healthz: 503 with Retry-After and the store marked down. */
	ck_assert_int_eq(hget("/healthz", NULL, &r), 0);
	ck_assert_msg(r.status == 503, "healthz %ld %s", r.status, r.body);
	ck_assert_str_eq(hresp_str(&r, "status"), "unavailable");
	ck_assert_str_eq(hresp_str(&r, "store"), "down");
	ck_assert(hresp_header(&r, "Retry-After", v, sizeof(v)));
	ck_assert_int_gt(strtol(v, NULL, 10), 0);
	hresp_free(&r);

	/* Every worker answers an API route 503 store_unavailable. */
	for (i = 0; i < 2 * n + 2; i++) {
		ck_assert_int_eq(hget("/api/v1/tokens", key_read, &r), 0);
		ck_assert_msg(r.status == 503, "tokens %ld %s", r.status, r.body);
		ck_assert_str_eq(hresp_error_code(&r), "store_unavailable");
		ck_assert(hresp_header(&r, "Retry-After", v, sizeof(v)));
		hresp_free(&r);
	}

	/* /metrics still answers, and says the store is down. */
	ck_assert_int_eq(hget("/metrics", NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "chainbridge_store_up 0\n"));
	ck_assert_ptr_null(strstr(r.body, "chainbridge_pending_changes{"));
	hresp_free(&r);

	harness_db_start();

	/* Service resumes without restarting chainbridge-api. */
	deadline = harness_now_ms() + 20000;
	do {
		ck_assert_int_eq(hget("/healthz", NULL, &r), 0);
		back = r.status == 200;
		hresp_free(&r);
		if (!back)
			harness_sleep_ms(200);
	} while (!back && harness_now_ms() < deadline);
	ck_assert_msg(back, "healthz not back after MariaDB restart");
	for (i = 0; i < 2 * n + 2; i++) {
		ck_assert_int_eq(hget("/api/v1/tokens", key_read, &r), 0);
		ck_assert_msg(r.status == 200, "tokens after restart: %ld %s",
		    r.status, r.body);
		hresp_free(&r);
	}
	/* The same processes: nothing was restarted. */
	k = workers(after);
	ck_assert_uint_eq(k, n);
	for (i = 0; i < k; i++)
		ck_assert_msg(pid_in(after[i], before, n), "worker %ld is new",
		    (long)after[i]);
	ck_assert_uint_gt(metric("chainbridge_api_store_errors_total"), 0);
}
END_TEST

static Suite *
resilience_suite(void)
{
	Suite *s = suite_create("api_resilience");
	TCase *tc;

	/* Order matters little, but the store test checks that no worker
	 * changed, so it runs on its own TCase after the others settle. */
	tc = tcase_create("workers");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_worker_killed_idle);
	tcase_add_test(tc, test_worker_killed_under_load);
	suite_add_tcase(s, tc);

	tc = tcase_create("reload");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_reload_under_load);
	suite_add_tcase(s, tc);

	tc = tcase_create("store");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_store_down_and_back);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	harness_require_stack();
	harness_exclusive();
	key_read = harness_apikey("read");
	sr = srunner_create(resilience_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(key_read);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
