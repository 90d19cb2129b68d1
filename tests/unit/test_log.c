/* test_log.c - Check suite for the logger: lines captured through a pipe. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/log.h"

/* Redirects stderr into a pipe; log_capture_end() returns what was written. */
struct capture {
	int	 pipefd[2];
	int	 saved;
	char	 out[65536];
	size_t	 len;
};

static void
capture_begin(struct capture *c)
{
	ck_assert_int_eq(pipe(c->pipefd), 0);
	c->saved = dup(STDERR_FILENO);
	ck_assert_int_ge(c->saved, 0);
	ck_assert_int_ge(dup2(c->pipefd[1], STDERR_FILENO), 0);
	close(c->pipefd[1]);
}

static const char *
capture_end(struct capture *c)
{
	ssize_t	 r;

	ck_assert_int_ge(dup2(c->saved, STDERR_FILENO), 0);
	close(c->saved);
	c->len = 0;
	while ((r = read(c->pipefd[0], c->out + c->len,
	    sizeof(c->out) - 1 - c->len)) > 0)
		c->len += (size_t)r;
	close(c->pipefd[0]);
	c->out[c->len] = '\0';
	return c->out;
}

static size_t
count_char(const char *s, char ch)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += *s == ch;
	return n;
}

static size_t
count_str(const char *s, const char *needle)
{
	size_t	 n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* Checks the fixed prefix "ts=YYYY-MM-DDTHH:MM:SS.mmmZ level=L ident=I pid=P
 * event=E" and returns what follows it. */
static const char *
check_prefix(const char *line, const char *level, const char *ident,
    const char *event)
{
	char	 want[256];
	size_t	 i;

	ck_assert_int_eq(strncmp(line, "ts=", 3), 0);
	for (i = 3; i < 3 + 24; i++) {
		switch (i - 3) {
		case 4: case 7:
			ck_assert_int_eq(line[i], '-');
			break;
		case 10:
			ck_assert_int_eq(line[i], 'T');
			break;
		case 13: case 16:
			ck_assert_int_eq(line[i], ':');
			break;
		case 19:
			ck_assert_int_eq(line[i], '.');
			break;
		case 23:
			ck_assert_int_eq(line[i], 'Z');
			break;
		default:
			ck_assert(line[i] >= '0' && line[i] <= '9');
		}
	}
	snprintf(want, sizeof(want), " level=%s ident=%s pid=%ld event=%s",
	    level, ident, (long)getpid(), event);
	ck_assert_int_eq(strncmp(line + 27, want, strlen(want)), 0);
	return line + 27 + strlen(want);
}

START_TEST(test_kv_line)
{
	struct capture	 c;
	const char	*out, *rest;

	log_init("chainbridge-api", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	log_info("api_start", "workers=%d socket=%s", 4, "/run/x.sock");
	out = capture_end(&c);
	rest = check_prefix(out, "info", "chainbridge-api", "api_start");
	ck_assert_str_eq(rest, " workers=4 socket=/run/x.sock\n");

	capture_begin(&c);
	log_info("ready", NULL);
	out = capture_end(&c);
	rest = check_prefix(out, "info", "chainbridge-api", "ready");
	ck_assert_str_eq(rest, "\n");
}
END_TEST

START_TEST(test_pairs)
{
	static const char pairs[] = "method=GET route=ping status=200 v=a\nb";
	struct capture	 c;
	const char	*out, *rest, *want;

	log_init("chainbridge-api", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	errno = EINTR;
	log_pairs(LOG_LEVEL_INFO, "request", pairs, sizeof(pairs) - 1);
	ck_assert_int_eq(errno, EINTR);
	/* Only the given length counts. */
	log_pairs(LOG_LEVEL_INFO, "request", pairs, 10);
	/* Below the level: nothing. */
	log_pairs(LOG_LEVEL_DEBUG, "request", pairs, sizeof(pairs) - 1);
	out = capture_end(&c);
	ck_assert_uint_eq(count_char(out, '\n'), 2);
	rest = check_prefix(out, "info", "chainbridge-api", "request");
	/* The control byte is escaped as in any line's pairs. */
	want = " method=GET route=ping status=200 v=a\\nb\n";
	ck_assert_int_eq(strncmp(rest, want, strlen(want)), 0);
	rest = check_prefix(rest + strlen(want), "info", "chainbridge-api", "request");
	ck_assert_str_eq(rest, " method=GET\n");
}
END_TEST

/* A forked child's lines carry its own pid, not the parent's. */
START_TEST(test_pid_after_fork)
{
	struct capture	 c;
	const char	*out;
	char		 want[64];
	pid_t		 pid;
	int		 status;

	log_init("t", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	log_info("parent", NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		log_info("child", NULL);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	log_info("parent_again", NULL);
	out = capture_end(&c);
	ck_assert_uint_eq(count_char(out, '\n'), 3);
	snprintf(want, sizeof(want), " pid=%ld event=child\n", (long)pid);
	ck_assert_ptr_nonnull(strstr(out, want));
	snprintf(want, sizeof(want), " pid=%ld event=parent_again\n", (long)getpid());
	ck_assert_ptr_nonnull(strstr(out, want));
}
END_TEST

START_TEST(test_levels)
{
	struct capture	 c;
	const char	*out;

	log_init("t", LOG_LEVEL_WARN, LOG_FORMAT_KV);
	capture_begin(&c);
	log_debug("d", NULL);
	log_info("i", NULL);
	log_warnx("w", NULL);
	log_errorx("e", NULL);
	out = capture_end(&c);
	ck_assert_uint_eq(count_char(out, '\n'), 2);
	ck_assert_ptr_nonnull(strstr(out, "level=warn ident=t"));
	ck_assert_ptr_nonnull(strstr(out, "level=error ident=t"));
	ck_assert_ptr_null(strstr(out, "event=i"));
	ck_assert(!log_enabled(LOG_LEVEL_INFO));
	ck_assert(log_enabled(LOG_LEVEL_ERROR));

	log_set_level(LOG_LEVEL_DEBUG);
	capture_begin(&c);
	log_debug("d", "k=%s", "v");
	out = capture_end(&c);
	check_prefix(out, "debug", "t", "d");
	ck_assert(log_enabled(LOG_LEVEL_DEBUG));
	/* Out-of-range values are ignored. */
	log_set_level((enum log_level)99);
	ck_assert(log_enabled(LOG_LEVEL_DEBUG));
	ck_assert(!log_enabled((enum log_level)99));
}
END_TEST

START_TEST(test_errno)
{
	struct capture	 c;
	const char	*out, *rest;
	char		 want[256];

	log_init("t", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	errno = ENOENT;
	log_warn("open_failed", "path=%s", "/x");
	ck_assert_int_eq(errno, ENOENT);
	log_error("open_failed", NULL);
	ck_assert_int_eq(errno, ENOENT);
	log_warnx("plain", "a=1");
	ck_assert_int_eq(errno, ENOENT);
	out = capture_end(&c);
	rest = check_prefix(out, "warn", "t", "open_failed");
	snprintf(want, sizeof(want), " path=/x err=\"%s\"\n", strerror(ENOENT));
	ck_assert_int_eq(strncmp(rest, want, strlen(want)), 0);
	rest = check_prefix(rest + strlen(want), "error", "t", "open_failed");
	snprintf(want, sizeof(want), " err=\"%s\"\n", strerror(ENOENT));
	ck_assert_int_eq(strncmp(rest, want, strlen(want)), 0);
	rest = check_prefix(rest + strlen(want), "warn", "t", "plain");
	ck_assert_str_eq(rest, " a=1\n");
}
END_TEST

START_TEST(test_injection_kv)
{
	struct capture	 c;
	const char	*out, *rest;
	const char	*evil = "bob\n level=error ident=x\" k=\"v";
	char		 q[LOG_Q_MAX];

	log_init("t", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	log_info("login", "user=%s", log_q(q, sizeof(q), evil, strlen(evil)));
	out = capture_end(&c);
	ck_assert_uint_eq(count_char(out, '\n'), 1);
	rest = check_prefix(out, "info", "t", "login");
	ck_assert_str_eq(rest,
	    " user=\"bob\\n level=error ident=x\\\" k=\\\"v\"\n");
	/* Only the real level key is outside a quoted value. */
	ck_assert_uint_eq(count_str(out, " level="), 2);
	ck_assert_uint_eq(count_str(out, "\" level="), 0);

	/* Even unquoted input cannot start a new line. */
	capture_begin(&c);
	log_info("raw", "v=%s", "a\nts=forged\r\x01");
	out = capture_end(&c);
	ck_assert_uint_eq(count_char(out, '\n'), 1);
	rest = check_prefix(out, "info", "t", "raw");
	ck_assert_str_eq(rest, " v=a\\nts=forged\\r\\x01\n");
}
END_TEST

START_TEST(test_json_line)
{
	struct capture	 c;
	const char	*out;
	json_object	*o, *v;
	const char	*evil = "x\"}\n{\"level\":\"error";
	char		 q[LOG_Q_MAX];

	log_init("chainbridge-chaind", LOG_LEVEL_INFO, LOG_FORMAT_JSON);
	capture_begin(&c);
	errno = EACCES;
	log_warn("rpc_failed", "chain=%s", log_q(q, sizeof(q), evil,
	    strlen(evil)));
	out = capture_end(&c);
	ck_assert_uint_eq(count_char(out, '\n'), 1);
	ck_assert_int_eq(out[c.len - 1], '\n');
	o = json_tokener_parse(out);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "ts", &v));
	ck_assert_uint_eq(strlen(json_object_get_string(v)), 24);
	ck_assert(json_object_object_get_ex(o, "level", &v));
	ck_assert_str_eq(json_object_get_string(v), "warn");
	ck_assert(json_object_object_get_ex(o, "ident", &v));
	ck_assert_str_eq(json_object_get_string(v), "chainbridge-chaind");
	ck_assert(json_object_object_get_ex(o, "pid", &v));
	ck_assert_int_eq(json_object_get_int64(v), getpid());
	ck_assert(json_object_object_get_ex(o, "event", &v));
	ck_assert_str_eq(json_object_get_string(v), "rpc_failed");
	ck_assert(json_object_object_get_ex(o, "msg", &v));
	ck_assert_str_eq(json_object_get_string(v),
	    "chain=\"x\\\"}\\n{\\\"level\\\":\\\"error\"");
	ck_assert(json_object_object_get_ex(o, "err", &v));
	ck_assert_str_eq(json_object_get_string(v), strerror(EACCES));
	ck_assert_int_eq(json_object_object_length(o), 7);
	json_object_put(o);

	/* Raw control bytes and bad UTF-8 in the pairs stay valid JSON. */
	capture_begin(&c);
	log_info("raw", "v=%s", "a\n\x01\xff");
	out = capture_end(&c);
	o = json_tokener_parse(out);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "msg", &v));
	ck_assert_str_eq(json_object_get_string(v), "v=a\n\x01\xef\xbf\xbd");
	ck_assert(!json_object_object_get_ex(o, "err", &v));
	json_object_put(o);
}
END_TEST

START_TEST(test_truncation)
{
	struct capture	 c;
	const char	*out;
	char		*big;
	json_object	*o, *v;

	big = malloc(3 * LOG_LINE_MAX);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', 3 * LOG_LINE_MAX - 1);
	big[3 * LOG_LINE_MAX - 1] = '\0';

	log_init("t", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	errno = EIO;
	log_warn("big", "v=%s", big);
	out = capture_end(&c);
	ck_assert_uint_le(c.len, LOG_LINE_MAX);
	ck_assert_uint_eq(count_char(out, '\n'), 1);
	ck_assert_ptr_nonnull(strstr(out, " err=\""));
	ck_assert_int_eq(strcmp(out + c.len - strlen(" truncated=1\n"),
	    " truncated=1\n"), 0);

	log_set_format(LOG_FORMAT_JSON);
	capture_begin(&c);
	log_warnx("big", "v=%s", big);
	out = capture_end(&c);
	ck_assert_uint_le(c.len, LOG_LINE_MAX);
	o = json_tokener_parse(out);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "truncated", &v));
	ck_assert(json_object_get_boolean(v));
	json_object_put(o);

	/* Escapes that would not fit are dropped whole. */
	memset(big, '\n', 3 * LOG_LINE_MAX - 1);
	capture_begin(&c);
	log_warnx("big", "v=%s", big);
	out = capture_end(&c);
	ck_assert_uint_le(c.len, LOG_LINE_MAX);
	o = json_tokener_parse(out);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	free(big);
}
END_TEST

START_TEST(test_ident)
{
	struct capture	 c;
	const char	*out;
	char		 longname[LOG_IDENT_MAX + 20];

	log_init("bad ident\n!", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	log_info("ev ent", NULL);
	out = capture_end(&c);
	check_prefix(out, "info", "bad_ident__", "ev_ent");

	log_init(NULL, LOG_LEVEL_INFO, LOG_FORMAT_KV);
	capture_begin(&c);
	log_info("e", NULL);
	out = capture_end(&c);
	check_prefix(out, "info", "chainbridge", "e");

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	log_init(longname, LOG_LEVEL_INFO, LOG_FORMAT_KV);
	longname[LOG_IDENT_MAX] = '\0';
	capture_begin(&c);
	log_info("e", NULL);
	out = capture_end(&c);
	check_prefix(out, "info", longname, "e");
}
END_TEST

START_TEST(test_parse)
{
	enum log_level	 l = LOG_LEVEL_ERROR;
	enum log_format	 f = LOG_FORMAT_KV;

	ck_assert(log_level_parse("debug", &l) && l == LOG_LEVEL_DEBUG);
	ck_assert(log_level_parse("info", &l) && l == LOG_LEVEL_INFO);
	ck_assert(log_level_parse("warn", &l) && l == LOG_LEVEL_WARN);
	ck_assert(log_level_parse("error", &l) && l == LOG_LEVEL_ERROR);
	ck_assert(!log_level_parse("INFO", &l) && l == LOG_LEVEL_ERROR);
	ck_assert(!log_level_parse("warning", &l));
	ck_assert(!log_level_parse("", &l));
	ck_assert(!log_level_parse(NULL, &l));
	ck_assert(log_format_parse("json", &f) && f == LOG_FORMAT_JSON);
	ck_assert(log_format_parse("kv", &f) && f == LOG_FORMAT_KV);
	ck_assert(!log_format_parse("text", &f) && f == LOG_FORMAT_KV);
	ck_assert(!log_format_parse(NULL, &f));
	ck_assert_str_eq(log_level_name(LOG_LEVEL_WARN), "warn");
	ck_assert_str_eq(log_level_name((enum log_level)42), "?");
}
END_TEST

static const struct {
	const char	*in;
	size_t		 inlen;
	size_t		 cap;
	const char	*out;
} q_cases[] = {
	{ "abc", 3, 64, "\"abc\"" },
	{ "", 0, 64, "\"\"" },
	{ NULL, 5, 64, "\"\"" },
	{ "a b=c", 5, 64, "\"a b=c\"" },
	{ "q\"b\\", 4, 64, "\"q\\\"b\\\\\"" },
	{ "\n\r\t\x01\x7f", 5, 64, "\"\\n\\r\\t\\x01\\x7f\"" },
	{ "a\0b", 3, 64, "\"a\\x00b\"" },
	{ "\xc3\xa9\xff\x80", 4, 64, "\"\xc3\xa9\\xff\\x80\"" },
	/* exactly fits: 5 chars + 2 quotes + NUL */
	{ "abcde", 5, 8, "\"abcde\"" },
	/* one more does not: cut with ... */
	{ "abcdef", 6, 8, "\"ab...\"" },
	{ "abcdefghij", 10, 6, "\"...\"" },
	{ "abcdef", 6, 5, "\"\"" },
	{ "abc", 3, 3, "\"\"" },
	{ "abc", 3, 2, "" },
	/* an escape is never split */
	{ "abcd\n", 5, 8, "\"ab...\"" },
	/* a UTF-8 sequence is never split */
	{ "ab\xe2\x82\xac", 5, 7, "\"a...\"" },
	{ "a\xe2\x82\xac", 4, 8, "\"a\xe2\x82\xac\"" },
};

START_TEST(test_q)
{
	char	 dst[80];

	memset(dst, 'Z', sizeof(dst));
	log_q(dst, q_cases[_i].cap, q_cases[_i].in, q_cases[_i].inlen);
	ck_assert_str_eq(dst, q_cases[_i].out);
	ck_assert_uint_lt(strlen(dst), q_cases[_i].cap);
	/* Nothing written past cap. */
	ck_assert_int_eq(dst[q_cases[_i].cap], 'Z');
}
END_TEST

START_TEST(test_q_zero_cap)
{
	char	 dst[1] = { 'Z' };

	ck_assert_ptr_eq(log_q(dst, 0, "abc", 3), dst);
	ck_assert_int_eq(dst[0], 'Z');
}
END_TEST

/* Sends stderr to /dev/null for tests that end the process. */
static void
quiet_stderr(void)
{
	int	 fd = open("/dev/null", O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
}

START_TEST(test_fatal)
{
	quiet_stderr();
	log_init("t", LOG_LEVEL_ERROR, LOG_FORMAT_KV);
	fatalx("cannot_continue", "why=%s", "test");
}
END_TEST

START_TEST(test_fatal_errno)
{
	quiet_stderr();
	log_init("t", LOG_LEVEL_ERROR, LOG_FORMAT_KV);
	errno = ENOMEM;
	fatal("cannot_continue", NULL);
}
END_TEST

/* Several processes write long lines at once: no line is torn. */
START_TEST(test_atomic_lines)
{
	struct capture	 c;
	char		 pairs[3000], *line, *next;
	pid_t		 pids[4];
	int		 i, j, status, nlines = 0;
	ssize_t		 r;
	size_t		 cap = 4 * 50 * 4096, len = 0;
	char		*all;

	log_init("t", LOG_LEVEL_INFO, LOG_FORMAT_KV);
	memset(pairs, 'p', sizeof(pairs) - 1);
	pairs[sizeof(pairs) - 1] = '\0';
	all = malloc(cap + 1);
	ck_assert_ptr_nonnull(all);
	capture_begin(&c);
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			for (j = 0; j < 50; j++)
				log_info("w", "v=%s", pairs);
			_exit(0);
		}
	}
	/* Drain while the children write, so the pipe never blocks them. */
	ck_assert_int_ge(dup2(c.saved, STDERR_FILENO), 0);
	close(c.saved);
	while ((r = read(c.pipefd[0], all + len, cap - len)) > 0)
		len += (size_t)r;
	close(c.pipefd[0]);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	all[len] = '\0';
	for (line = all; *line != '\0'; line = next + 1) {
		next = strchr(line, '\n');
		ck_assert_ptr_nonnull(next);
		ck_assert_int_eq(strncmp(line, "ts=", 3), 0);
		ck_assert_int_eq(strncmp(next - 10, "pppppppppp", 10), 0);
		ck_assert_ptr_nonnull(strstr(line, " v=ppp"));
		nlines++;
	}
	ck_assert_int_eq(nlines, 200);
	free(all);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc;

	tc = tcase_create("kv");
	tcase_add_test(tc, test_kv_line);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_errno);
	tcase_add_test(tc, test_ident);
	tcase_add_test(tc, test_pairs);
	tcase_add_test(tc, test_pid_after_fork);
	suite_add_tcase(s, tc);

	tc = tcase_create("injection");
	tcase_add_test(tc, test_injection_kv);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_test(tc, test_truncation);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("q");
	tcase_add_loop_test(tc, test_q, 0, sizeof(q_cases) / sizeof(q_cases[0]));
	tcase_add_test(tc, test_q_zero_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("fatal");
	tcase_add_exit_test(tc, test_fatal, 1);
	tcase_add_exit_test(tc, test_fatal_errno, 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("atomic");
	tcase_add_test(tc, test_atomic_lines);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(log_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
