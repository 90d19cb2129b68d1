/* test_ledger_util.c - helpers of the ledger integration tests. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "test_ledger_util.h"

void
lt_name(char *out, size_t cap, const char *tag)
{
	static unsigned counter;

	snprintf(out, cap, "%s_%ld_%llu_%u", tag, (long)getpid(),
	    (unsigned long long)harness_now_ms(), __atomic_fetch_add(&counter, 1,
	    __ATOMIC_RELAXED));
}

void
lt_post(const char *path, const char *key, const char *idem, const char *body,
    struct hresp *r)
{
	char header[320];
	const char *extra[2] = { NULL, NULL };

	if (idem != NULL) {
		snprintf(header, sizeof(header), "Idempotency-Key: %s", idem);
		extra[0] = header;
	}
	if (hreq("POST", path, key, "application/json", body, (size_t)-1, extra, r) != 0)
		ck_abort_msg("transport error on POST %s", path);
}

void
lt_get(const char *path, const char *key, struct hresp *r)
{
	if (hget(path, key, r) != 0)
		ck_abort_msg("transport error on GET %s", path);
}

void
lt_assert_error(const struct hresp *r, long status, const char *code, const char *field)
{
	const char *got = hresp_error_code(r), *f;

	ck_assert_msg(r->status == status, "status %ld, want %ld: %s", r->status, status,
	    r->body);
	ck_assert_msg(got != NULL && strcmp(got, code) == 0, "code %s, want %s: %s",
	    got ? got : "(none)", code, r->body);
	ck_assert_msg(hresp_str(r, "error.message") != NULL, "no message: %s", r->body);
	if (field != NULL) {
		f = hresp_str(r, "error.details.field");
		ck_assert_msg(f != NULL && strcmp(f, field) == 0, "field %s, want %s: %s",
		    f ? f : "(none)", field, r->body);
	}
}

void
lt_adjust(const char *key, const char *user, const char *symbol, const char *amount)
{
	char body[512];
	struct hresp r;

	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\","
	    "\"token_symbol\":\"%s\",\"amount\":\"%s\",\"reason_type\":\"adjustment\","
	    "\"reason_detail\":\"test setup\"}]}", user, symbol, amount);
	lt_post("/api/v1/balance/adjust", key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "adjust %s %s %s: %ld %s", user, symbol, amount,
	    r.status, r.body);
	hresp_free(&r);
}

void
lt_pending(const char *key, const char *user, const char *symbol, char *out, size_t cap)
{
	char path[256];
	struct hresp r;
	json_object *b;
	const char *v;

	snprintf(path, sizeof(path), "/api/v1/balance/%s?token_symbol=%s", user, symbol);
	lt_get(path, key, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	b = lt_idx(r.json, "balances", 0);
	ck_assert_msg(b != NULL, "no balance: %s", r.body);
	v = lt_str(b, "pending_balance");
	ck_assert_msg(v != NULL, "no pending_balance: %s", r.body);
	snprintf(out, cap, "%s", v);
	hresp_free(&r);
}

uint64_t
lt_rows(void)
{
	return hdb_scalar_u64("SELECT (SELECT COUNT(*) FROM balance_changes)"
	    " + (SELECT COUNT(*) FROM operations)"
	    " + (SELECT COUNT(*) FROM idempotency_keys)"
	    " + (SELECT COUNT(*) FROM user_balances)"
	    " + (SELECT COUNT(*) FROM wallets)"
	    " + (SELECT COUNT(*) FROM tokens)"
	    " + (SELECT COUNT(*) FROM reason_types)"
	    " + (SELECT COUNT(*) FROM batch_strategies)");
}

uint64_t
lt_user_rows(const char *user)
{
	return lt_sql_u64("SELECT (SELECT COUNT(*) FROM balance_changes WHERE user_id = ?)"
	    " + (SELECT COUNT(*) FROM user_balances WHERE user_id = ?)"
	    " + (SELECT COUNT(*) FROM wallets WHERE user_id = ?)", user, user, user, NULL);
}

const char *
lt_str(json_object *obj, const char *key)
{
	json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

json_object *
lt_idx(json_object *obj, const char *key, size_t i)
{
	json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_array) || i >= json_object_array_length(v))
		return NULL;
	return json_object_array_get_idx(v, i);
}

size_t
lt_len(json_object *obj, const char *key)
{
	json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return 0;
	return json_object_array_length(v);
}

/* Collect the NULL-terminated string parameters that follow sql. */
static unsigned
lt_sql_params(va_list ap, const char *params[HDB_MAX_PARAMS])
{
	const char *p;
	unsigned n = 0;

	while ((p = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(n < HDB_MAX_PARAMS, "too many SQL parameters");
		params[n++] = p;
	}
	return n;
}

uint64_t
lt_sql_u64(const char *sql, ...)
{
	const char *params[HDB_MAX_PARAMS];
	char out[64];
	bool found;
	unsigned n;
	va_list ap;

	va_start(ap, sql);
	n = lt_sql_params(ap, params);
	va_end(ap);
	hdb_prepared(sql, params, n, out, sizeof(out), &found);
	return found ? strtoull(out, NULL, 10) : 0;
}

uint64_t
lt_sql_exec(const char *sql, ...)
{
	const char *params[HDB_MAX_PARAMS];
	unsigned n;
	va_list ap;

	va_start(ap, sql);
	n = lt_sql_params(ap, params);
	va_end(ap);
	return hdb_prepared(sql, params, n, NULL, 0, NULL);
}

bool
lt_sql_str(char *out, size_t cap, const char *sql, ...)
{
	const char *params[HDB_MAX_PARAMS];
	bool found;
	unsigned n;
	va_list ap;

	va_start(ap, sql);
	n = lt_sql_params(ap, params);
	va_end(ap);
	hdb_prepared(sql, params, n, out, cap, &found);
	return found;
}

void
lt_new_token(const char *admin_key, unsigned decimals, char *sym, size_t cap)
{
	unsigned char addr[20];
	char body[512], hex[41];
	struct hresp r;
	size_t i;

	ck_assert(getrandom(addr, sizeof(addr), 0) == (ssize_t)sizeof(addr));
	for (i = 0; i < sizeof(addr); i++)
		snprintf(hex + 2 * i, 3, "%02x", addr[i]);
	/* 20 characters at most: "T" + the low bits of time and pid. */
	snprintf(sym, cap, "T%05lx%08llx", (long)getpid() & 0xfffff,
	    (unsigned long long)(harness_now_ms() & 0xffffffffu));
	usleep(2000);
	snprintf(body, sizeof(body), "{\"symbol\":\"%s\",\"name\":\"Test token\","
	    "\"chain\":\"local\",\"chain_id\":31337,\"address\":\"0x%s\",\"decimals\":%u}",
	    sym, hex, decimals);
	lt_post("/api/v1/admin/tokens", admin_key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "token create: %ld %s", r.status, r.body);
	hresp_free(&r);
}

struct lt_session {
	MYSQL	*m;
};

struct lt_session *
lt_session_open(void)
{
	const struct harness_env *env = harness_env();
	struct lt_session *s;

	ck_assert_ptr_nonnull(s = calloc(1, sizeof(*s)));
	ck_assert_ptr_nonnull(s->m = mysql_init(NULL));
	ck_assert_msg(mysql_real_connect(s->m, NULL, "root", NULL, env->db_name, 0,
	    env->db_socket, 0) != NULL, "session: %s", mysql_error(s->m));
	ck_assert_int_eq(mysql_query(s->m,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"), 0);
	return s;
}

static unsigned
lt_session_run(struct lt_session *s, const char *sql, va_list ap)
{
	MYSQL_BIND in[HDB_MAX_PARAMS];
	unsigned long lens[HDB_MAX_PARAMS];
	const char *params[HDB_MAX_PARAMS];
	MYSQL_STMT *st;
	unsigned n, i, no = 0;

	n = lt_sql_params(ap, params);
	if (n == 0) {
		/* Transaction control is not for the prepared statement
		 * protocol: plain text, there is no value in it anyway. */
		MYSQL_RES *res;

		if (mysql_query(s->m, sql) != 0) {
			fprintf(stderr, "session: %s: %s\n", sql, mysql_error(s->m));
			return mysql_errno(s->m);
		}
		if ((res = mysql_store_result(s->m)) != NULL)
			mysql_free_result(res);
		return 0;
	}
	ck_assert_ptr_nonnull(st = mysql_stmt_init(s->m));
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		no = mysql_stmt_errno(st);
		goto out;
	}
	memset(in, 0, sizeof(in));
	for (i = 0; i < n; i++) {
		lens[i] = strlen(params[i]);
		in[i].buffer_type = MYSQL_TYPE_STRING;
		in[i].buffer = (void *)(uintptr_t)params[i];
		in[i].buffer_length = lens[i];
		in[i].length = &lens[i];
	}
	if ((n > 0 && mysql_stmt_bind_param(st, in) != 0) || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_store_result(st) != 0)
		no = mysql_stmt_errno(st);
out:
	if (no != 0)
		fprintf(stderr, "session: %s: %s\n", sql, mysql_stmt_error(st));
	mysql_stmt_close(st);
	return no;
}

void
lt_session_exec(struct lt_session *s, const char *sql, ...)
{
	unsigned no;
	va_list ap;

	va_start(ap, sql);
	no = lt_session_run(s, sql, ap);
	va_end(ap);
	ck_assert_msg(no == 0, "session statement failed (%u): %s", no, sql);
}

unsigned
lt_session_try(struct lt_session *s, const char *sql, ...)
{
	unsigned no;
	va_list ap;

	va_start(ap, sql);
	no = lt_session_run(s, sql, ap);
	va_end(ap);
	return no;
}

void
lt_session_close(struct lt_session *s)
{
	if (s == NULL)
		return;
	mysql_close(s->m);
	free(s);
}

bool
lt_wait_statements(const char *prefix, unsigned n, unsigned timeout_ms)
{
	uint64_t deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		if (lt_sql_u64("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
		    " WHERE COMMAND = 'Execute' AND TIME_MS >= 300 AND INFO LIKE CONCAT(?, '%')",
		    prefix, NULL) >= n)
			return true;
		if (harness_now_ms() > deadline)
			return false;
		harness_sleep_ms(20);
	}
}

void
lt_address(char *out, size_t cap)
{
	unsigned char b[20];
	size_t i;

	ck_assert_uint_ge(cap, 43);
	ck_assert(getrandom(b, sizeof(b), 0) == (ssize_t)sizeof(b));
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < sizeof(b); i++)
		snprintf(out + 2 + 2 * i, 3, "%02x", b[i]);
}

/* ------------------------------------------------------ reconfiguration */

#define LT_CONF_MAX	65536
#define LT_WORKERS_MAX	64

static char	lt_conf_orig[LT_CONF_MAX];
static size_t	lt_conf_orig_len;
static bool	lt_conf_changed;

/* Writes text over the configuration file and reloads the API; only
 * async-signal-safe calls, as it also runs from the abort handler. */
static void
lt_conf_put(const char *text, size_t len)
{
	const struct harness_env *env = harness_env();
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(env->conf, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
		return;
	while (off < len && ((n = write(fd, text + off, len - off)) > 0 || errno == EINTR))
		if (n > 0)
			off += (size_t)n;
	close(fd);
	kill(env->api_pid, SIGHUP);
}

static void
lt_conf_on_abort(int sig)
{
	if (lt_conf_changed) {
		lt_conf_put(lt_conf_orig, lt_conf_orig_len);
		lt_conf_changed = false;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
lt_conf_at_exit(void)
{
	if (lt_conf_changed)
		lt_api_restore();
}

/* Waits until the master runs as many workers as before, none of old. */
static void
lt_wait_workers_replaced(const pid_t *old, size_t nold)
{
	uint64_t deadline = harness_now_ms() + 30000;
	pid_t now[LT_WORKERS_MAX];
	size_t n, i, j, fresh;

	for (;;) {
		n = harness_children(harness_env()->api_pid, now, LT_WORKERS_MAX);
		for (i = 0, fresh = 0; i < n; i++) {
			for (j = 0; j < nold && old[j] != now[i]; j++)
				;
			if (j == nold)
				fresh++;
		}
		if (n == nold && fresh == n)
			return;
		ck_assert_msg(harness_now_ms() < deadline,
		    "the API did not replace its workers after a reload (bad config?)");
		harness_sleep_ms(50);
	}
}

static void
lt_reload(const char *text, size_t len)
{
	pid_t old[LT_WORKERS_MAX];
	size_t nold;

	nold = harness_children(harness_env()->api_pid, old, LT_WORKERS_MAX);
	ck_assert_uint_gt(nold, 0);
	lt_conf_put(text, len);
	lt_wait_workers_replaced(old, nold);
}

/* Appends "key = value" lines of the settings of section not yet used. */
static void
lt_conf_flush(char *out, size_t *len, const char *section, const char *const settings[],
    bool *used)
{
	size_t i, sl = strlen(section);

	for (i = 0; settings[i] != NULL; i++) {
		const char *dot = strchr(settings[i], '.'), *eq = strchr(settings[i], '=');

		if (used[i] || dot == NULL || eq == NULL || (size_t)(dot - settings[i]) != sl ||
		    strncmp(settings[i], section, sl) != 0)
			continue;
		*len += (size_t)snprintf(out + *len, LT_CONF_MAX - *len, "%.*s = %s\n",
		    (int)(eq - dot - 1), dot + 1, eq + 1);
		ck_assert_uint_lt(*len, LT_CONF_MAX);
		used[i] = true;
	}
}

void
lt_api_reconfigure(const char *const settings[])
{
	static char out[LT_CONF_MAX];
	char section[64] = "", line[1024];
	bool used[32] = { false };
	const char *p, *nl;
	size_t len = 0, i, n;
	FILE *f;

	for (n = 0; settings[n] != NULL; n++)
		ck_assert_uint_lt(n, 32);
	if (lt_conf_orig_len == 0) {
		ck_assert_ptr_nonnull(f = fopen(harness_env()->conf, "r"));
		lt_conf_orig_len = fread(lt_conf_orig, 1, sizeof(lt_conf_orig) - 1, f);
		fclose(f);
		ck_assert_uint_gt(lt_conf_orig_len, 0);
		signal(SIGABRT, lt_conf_on_abort);
		atexit(lt_conf_at_exit);
	}
	for (p = lt_conf_orig; p < lt_conf_orig + lt_conf_orig_len; p = nl + 1) {
		size_t ll;

		if ((nl = memchr(p, '\n', (size_t)(lt_conf_orig + lt_conf_orig_len - p))) == NULL)
			nl = lt_conf_orig + lt_conf_orig_len;
		ll = (size_t)(nl - p);
		ck_assert_uint_lt(ll, sizeof(line));
		memcpy(line, p, ll);
		line[ll] = '\0';
		if (line[0] == '[') {
			/* Leaving a section: its new keys go at its end. */
			lt_conf_flush(out, &len, section, settings, used);
			snprintf(section, sizeof(section), "%.*s",
			    (int)(strchr(line, ']') ? strchr(line, ']') - line - 1 : 0), line + 1);
		} else {
			for (i = 0; i < n; i++) {
				const char *dot = strchr(settings[i], '.');
				const char *eq = strchr(settings[i], '=');
				size_t kl;

				if (dot == NULL || eq == NULL ||
				    strncmp(settings[i], section, (size_t)(dot - settings[i])) != 0 ||
				    strlen(section) != (size_t)(dot - settings[i]))
					continue;
				kl = (size_t)(eq - dot - 1);
				if (strncmp(line, dot + 1, kl) == 0 &&
				    (line[kl] == ' ' || line[kl] == '=')) {
					snprintf(line, sizeof(line), "%.*s = %s", (int)kl, dot + 1,
					    eq + 1);
					used[i] = true;
				}
			}
		}
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s\n", line);
		ck_assert_uint_lt(len, sizeof(out));
	}
	lt_conf_flush(out, &len, section, settings, used);
	for (i = 0; i < n; i++)
		ck_assert_msg(used[i], "setting %s: no such section in the stack's config",
		    settings[i]);
	lt_conf_changed = true;
	lt_reload(out, len);
}

void
lt_api_restore(void)
{
	if (!lt_conf_changed)
		return;
	lt_conf_changed = false;
	lt_reload(lt_conf_orig, lt_conf_orig_len);
}
